#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kmod-build.sh - build every module of ./Kbuild (heki_vtl0.ko, its test
# build heki_vtl0_test.ko, heki_selftest.ko, ...) for one kernel of the
# matrix, with that kernel's own headers and compiler.
#
# Usage: scripts/kmod-build.sh [--print] ID [MAKE_ARG...]
#   ID         a kernel ID of scripts/kernel-env.sh (bookworm, trixie,
#              trixie-cloud, sid)
#   --print    build nothing; print where the modules are (or would be)
#   MAKE_ARG   passed to kbuild (e.g. C=2 CF=-Wsparse-error for sparse)
#
# bookworm builds in the tree itself (kmod/heki_vtl0.ko, what `make` builds
# and the 6.1 suites have always used). Every other kernel builds in
# build/kmod/ID, a tree of symbolic links to Kbuild and the directories it
# builds from (kmod/, uapi/, vtl1/, tests/; refreshed each run, so builds are incremental and several kernels'
# objects never mix), inside that kernel's toolchain root
# (scripts/kernel-chroot.sh) with CC set to the compiler named by the
# headers' CONFIG_CC_VERSION_TEXT. Every build is W=1; Kbuild adds -Werror.
#
# Prints, last, shell assignments:
#   KO          heki_vtl0.ko (production)
#   TEST_KO     heki_vtl0_test.ko (test build: loopback transport)
#   SELFTEST_KO heki_selftest.ko
#   KBUILD_DIR  the M= directory
# Exit: kbuild's status (2: usage, 1: preparing the kernel failed).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PRINT=0
if [ "${1:-}" = --print ]; then
	PRINT=1
	shift
fi
ID=${1:?usage: scripts/kmod-build.sh [--print] ID [MAKE_ARG...]}
shift

if [ "$ID" = bookworm ]; then
	dir=$ROOT
else
	dir=$ROOT/build/kmod/$ID
fi
print() {
	printf 'KO=%q\nTEST_KO=%q\nSELFTEST_KO=%q\nKBUILD_DIR=%q\n' \
		"$dir/kmod/heki_vtl0.ko" "$dir/kmod/heki_vtl0_test.ko" \
		"$dir/kmod/selftest/heki_selftest.ko" "$dir"
}
if [ "$PRINT" = 1 ]; then
	print
	exit 0
fi

env=$(bash "$ROOT/scripts/kernel-env.sh" "$ID") || exit 1
eval "$env"

if [ "$dir" != "$ROOT" ]; then
	mkdir -p "$dir"
	# The sources kbuild reads (see ./Kbuild), linked one by one: never
	# the tree's own build products (an in-tree 6.1 build), which kbuild
	# would take as up to date or write through.
	parts=()
	for p in Kbuild kmod uapi vtl1 tests; do
		[ ! -e "$ROOT/$p" ] || parts+=("$p")
	done
	(cd "$ROOT" && find "${parts[@]}" -type f \( -name Kbuild -o -name '*.[chS]' -o -name '*.mk' \) \
		! -name '*.mod.c') | while read -r f; do
		[ -L "$dir/$f" ] && continue
		mkdir -p "$(dirname "$dir/$f")"
		ln -sf "$ROOT/$f" "$dir/$f"
	done
	# Links whose file left the tree, or that are no source, go.
	find "$dir" -type l \( -xtype l -o ! \( -name Kbuild -o -name '*.[chS]' \
		-o -name '*.mk' \) -o -name '*.mod.c' \) -delete
fi

# shellcheck disable=SC2153 # KDIR, CC, KVER come from kernel-env.sh
bash "$ROOT/scripts/kernel-chroot.sh" "$ID" \
	make -C "$KDIR" M="$dir" CC="$CC" W=1 -j"$(nproc)" "$@" modules >&2
print

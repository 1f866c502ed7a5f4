#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# kbuild.sh - the uapi/heki headers in the real kernel build.
#
# Builds tests/abi/kbuild/ (copied to build/abi/kbuild/ with one generated
# object per header, each including only that header) against Debian's
# installed headers (/usr/src/linux-headers-*-amd64, never uname -r), with
# kbuild's flags and -Werror. Tests, one per object:
#   - hdr_<name>.o: <heki/name.h> alone compiles with __KERNEL__;
#   - errno.o: every HEKI_E* equals the kernel's E*, and every error list
#     errno is a valid kernel errno;
#   - clash.o: Linux's Hyper-V/MSR/CR/kexec/text-patching headers, then the
#     ABI: no redefinition, same values; heki_kimage matches struct kimage;
#   - main.o + modpost: the module links.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD

OUT=${HEKI_ABI_BUILD:-build/abi}/kbuild
if [ -z "${KDIR:-}" ]; then
	KDIR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
fi
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh
echo "KTAP version 1"

if [ -z "$KDIR" ] || [ ! -f "$KDIR/Makefile" ]; then
	echo "# no Debian kernel headers: run scripts/setup.sh"
	result 0 "kernel headers present"
	ktap_done
	exit
fi

rm -rf "$OUT"
mkdir -p "$OUT"
cp tests/abi/kbuild/*.c "$OUT/"
objs="main.o errno.o clash.o"
for h in uapi/heki/*.h; do
	b=$(basename "$h" .h)
	printf '// SPDX-License-Identifier: GPL-2.0-only OR MIT\n#include <heki/%s.h>\n' \
		"$b" >"$OUT/hdr_$b.c"
	objs="$objs hdr_$b.o"
done
{
	echo "obj-m += heki_abi_kbuild.o"
	echo "heki_abi_kbuild-y := $objs"
	echo "ccflags-y += -I$ROOT/uapi -Werror"
} >"$OUT/Kbuild"

# -k: build every object even if one fails, so each gets its own verdict.
make -k -C "$KDIR" M="$ROOT/$OUT" modules >"$OUT/build.log" 2>&1
rc=$?
for o in $objs; do
	ok=1
	[ -f "$OUT/$o" ] || ok=0
	if [ $ok = 0 ]; then
		grep -E "${o%.o}\.c:[0-9]+:[0-9]+: (error|warning)" "$OUT/build.log" |
			head -n 5 | sed 's/^/#   /'
	fi
	result $ok "kernel: ${o%.o}.c compiles (${o#hdr_})"
done
ok=1
if [ $rc -ne 0 ] || [ ! -f "$OUT/heki_abi_kbuild.ko" ]; then
	ok=0
	tail -n 5 "$OUT/build.log" | sed 's/^/#   /'
fi
result $ok "kernel: heki_abi_kbuild.ko links"
ok=1
if grep -E "warning:" "$OUT/build.log" | sed 's/^/#   /' | grep .; then
	ok=0
fi
result $ok "kernel: build log has no warnings"

ktap_done

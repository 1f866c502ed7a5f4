#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# kernel-chroot.sh - a kernel's toolchain root: create it, or run a command
# in it with the repository visible at its own path.
#
# Usage: scripts/kernel-chroot.sh ID CMD [ARG...]
#        scripts/kernel-chroot.sh --create SUITE COMPILER_PACKAGE
#   ID        a kernel ID of scripts/kernel-env.sh. bookworm runs CMD on the
#             host (its own toolchain); the others run CMD as root in
#             build/kernels/chroot-SUITE, in a private mount namespace with
#             /proc, /dev and the repository bind-mounted at the same
#             absolute path (so kbuild's M=, KDIR and outputs are the same
#             paths inside and out), working directory unchanged. The
#             environment is reset to PATH, HOME, TERM, LANG=C.UTF-8 and any
#             NAME=VALUE given before CMD through KCHROOT_ENV (space
#             separated).
#   --create  mmdebstrap (variant apt) of SUITE with COMPILER_PACKAGE
#             (e.g. gcc-14, gcc-16-for-host) and TOOLS below (make, perl,
#             python3, pahole, linux-kbuild's libraries); prepared by scripts/kernel-env.sh.
#             Idempotent: a complete root is kept; packages missing from an
#             existing one (a new kernel built with a newer compiler) are
#             installed with the root's own apt.
#             Downloaded debs are shared through the deb cache (HEKI_CACHE,
#             see scripts/kernel-lib.sh).
# Needs root (CI runs as root): chroot, mounts, mmdebstrap --mode=root.
# Exit: CMD's status; 1 on failure to create or enter; 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/kernel-lib.sh
. "$ROOT/scripts/kernel-lib.sh"
die() { echo "kernel-chroot: $*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^# Needs root/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || die "needs root (chroot, bind mounts)"

# kbuild's needs besides the compiler: W=1 runs kernel-doc (perl up to 6.x,
# python3 from 7.x on); linux-kbuild's programs link these libraries.
TOOLS="make mawk perl python3 pahole libelf1t64 libssl3t64 zlib1g libc6-dev"

create() {
	local suite=$1 ccpkg=$2 dir cache sources
	dir=$(kernel_chroot "$suite")
	if [ -f "$dir/.ready" ]; then
		local p missing=()
		for p in $ccpkg $TOOLS; do
			chroot "$dir" dpkg-query -W -f='${db:Status-Abbrev}' "$p" \
				2>/dev/null | grep -q '^ii' || missing+=("$p")
		done
		[ ${#missing[@]} -gt 0 ] || return 0
		echo "kernel-chroot: installing ${missing[*]} into $dir" >&2
		run_in "$dir" env DEBIAN_FRONTEND=noninteractive apt-get \
			-o Acquire::Check-Valid-Until=false -q update >&2 &&
		run_in "$dir" env DEBIAN_FRONTEND=noninteractive apt-get \
			-o Acquire::Check-Valid-Until=false -q install -y \
			--no-install-recommends "${missing[@]}" >&2
		return
	fi
	command -v mmdebstrap >/dev/null || die "mmdebstrap missing (run scripts/setup.sh)"
	cache=$(kernel_cache)/debs
	sources=$(kapt_sources "$suite")
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$(dirname "$dir")"
	# The deb cache is bind-mounted over the root's archive directory
	# while mmdebstrap installs, so every worktree and later run reuses
	# the downloads; it is unmounted before mmdebstrap's cleanup.
	# shellcheck disable=SC2086 # TOOLS is a word list
	mmdebstrap --mode=root --variant=apt --quiet \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--include="$ccpkg,$(tr ' ' ',' <<<"$TOOLS")" \
		--skip=essential/unlink --skip=download/empty \
		--setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
		--setup-hook="mount --bind '$cache' \"\$1\"/var/cache/apt/archives" \
		--customize-hook='umount "$1"/var/cache/apt/archives' \
		"$suite" "$dir.tmp" "$sources" ||
		{ umount "$dir.tmp/var/cache/apt/archives" 2>/dev/null || true
		  die "mmdebstrap of $suite failed"; }
	touch "$dir.tmp/.ready"
	mv "$dir.tmp" "$dir"
}

# run_in DIR CMD...: CMD as root in DIR with /proc, /dev and the repository.
run_in() {
	local dir=$1
	shift
	unshare --mount --propagation private -- /bin/bash -c '
		set -e
		dir=$1 root=$2 env=$3
		shift 3
		mount -t proc proc "$dir/proc"
		mount --rbind /dev "$dir/dev"
		mkdir -p "$dir$root"
		mount --bind "$root" "$dir$root"
		cd "$PWD" 2>/dev/null || cd /
		# shellcheck disable=SC2086 # env is NAME=VALUE words
		exec chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root TERM="${TERM:-dumb}" LANG=C.UTF-8 $env \
			/bin/sh -c "cd \"\$0\" 2>/dev/null || cd /; exec \"\$@\"" "$PWD" "$@"
	' run_in "$dir" "$ROOT" "${KCHROOT_ENV:-}" "$@"
}

case ${1:-} in
--create)
	[ $# -eq 3 ] || usage
	create "$2" "$3"
	;;
'' | -*) usage ;;
bookworm)
	shift
	[ $# -gt 0 ] || usage
	# shellcheck disable=SC2086 # NAME=VALUE words
	exec env ${KCHROOT_ENV:-} "$@"
	;;
*)
	kernel_id_parse "$1" || usage
	shift
	[ $# -gt 0 ] || usage
	dir=$(kernel_chroot "$KSUITE")
	[ -f "$dir/.ready" ] || die "no toolchain root $dir (run scripts/kernel-env.sh first)"
	run_in "$dir" "$@"
	;;
esac

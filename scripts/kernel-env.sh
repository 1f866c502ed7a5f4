#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# kernel-env.sh - prepare one kernel of the supported matrix and print where
# its parts are. The entry point every build and VM script uses to reach a
# kernel other than the host's.
#
# Usage: scripts/kernel-env.sh [--offline] ID
#   ID   bookworm       Debian 12's 6.1, generic: the host's own /boot,
#                       /lib/modules and /usr/src headers (scripts/setup.sh)
#        trixie         Debian 13's newest kernel (trixie + trixie-security),
#                       generic flavour
#        trixie-cloud   the same kernel, cloud flavour
#        sid            Debian unstable's newest kernel, generic flavour
#   --offline  never run apt-get update; use what an earlier run prepared
#
# Prints shell assignments (eval "$(scripts/kernel-env.sh trixie)"):
#   KERNEL_ID   the ID
#   KVER        kernel release (uname -r), e.g. 6.12.118+deb13-amd64
#   VMLINUZ     the Debian-signed image (boot/vmlinuz-KVER of the package)
#   KROOT       root holding lib/modules/KVER/ (that kernel's signed modules,
#               with modules.dep)
#   MODDIR      KROOT/lib/modules/KVER
#   SYSMAP      System.map-KVER
#   CONFIG      config-KVER
#   KDIR        the headers' build tree, as a path inside CHROOT
#   CHROOT      the toolchain root (mmdebstrap, scripts/kernel-chroot.sh);
#               empty for bookworm: the host is that root
#   CC          the compiler the kernel was built with (CONFIG_CC_VERSION_TEXT
#               of its headers), inside CHROOT
#   CC_VERSION  that CONFIG_CC_VERSION_TEXT
#
# Other distributions' parts come only from Debian's tools, the host's apt
# configuration untouched:
#   - a private apt configuration per suite under build/kernels/apt-SUITE
#     (its own sources list and lists; the archive key is the host's
#     debian-archive-keyring) resolves the flavour's metapackage
#     (linux-image-amd64 / linux-image-cloud-amd64) to today's kernel and
#     downloads its packages into the deb cache;
#   - scripts/kernel-chroot.sh --create builds the suite's toolchain root
#     with mmdebstrap: the compiler the headers depend on, make and kbuild's
#     libraries;
#   - the headers (linux-headers-KVER, -common, linux-kbuild) are unpacked
#     into that root with dpkg-deb -x: installing them with apt would pull in
#     the image package and run its initramfs hooks;
#   - the image packages (6.12: linux-image-KVER; 7.x: linux-binary-KVER,
#     linux-modules-KVER, linux-base-KVER) are unpacked under
#     build/kernels/ID/image, and depmod writes modules.dep there.
# unstable's Release file may be older than its Valid-Until: its apt runs
# with Acquire::Check-Valid-Until=false (the signature is still checked).
# Package lists are refreshed at most once a day; a kernel already prepared
# is reused as is.
#
# Deb cache: HEKI_CACHE (default /var/cache/heki as root, otherwise
# ~/.cache/heki), shared by every worktree; a fresh machine starts empty.
# Exit: 0 ready, 1 failure (message on stderr), 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OFFLINE=0
if [ "${1:-}" = --offline ]; then
	OFFLINE=1
	shift
fi
ID=${1:-}
die() { echo "kernel-env: $*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^#   --offline/s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ $# -eq 1 ] || usage

# shellcheck source=scripts/kernel-lib.sh
. "$ROOT/scripts/kernel-lib.sh"

print_env() {	# KVER VMLINUZ KROOT SYSMAP CONFIG KDIR CHROOT CC CC_VERSION
	printf 'KERNEL_ID=%q\nKVER=%q\nVMLINUZ=%q\nKROOT=%q\nMODDIR=%q\n' \
		"$ID" "$1" "$2" "$3" "$3/lib/modules/$1"
	printf 'SYSMAP=%q\nCONFIG=%q\nKDIR=%q\nCHROOT=%q\nCC=%q\nCC_VERSION=%q\n' \
		"$4" "$5" "$6" "$7" "$8" "$9"
}

if [ "$ID" = bookworm ]; then
	vmlinuz=$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$vmlinuz" ] || die "no /boot/vmlinuz-6.1.*-amd64 (run scripts/setup.sh)"
	kver=${vmlinuz##*/vmlinuz-}
	kdir=/usr/src/linux-headers-$kver
	[ -f "$kdir/Makefile" ] || die "no $kdir (run scripts/setup.sh)"
	ccv=$(kconfig_cc_text "$kdir")
	cc=$(kconfig_cc_name "$ccv")
	command -v "$cc" >/dev/null || die "$cc (for $ccv) is not installed"
	print_env "$kver" "$vmlinuz" / "/boot/System.map-$kver" \
		"/boot/config-$kver" "$kdir" "" "$cc" "$ccv"
	exit 0
fi

kernel_id_parse "$ID" || usage
# KSUITE, KFLAVOUR set by kernel_id_parse
kapt_init "$KSUITE"
[ "$OFFLINE" = 1 ] || kapt_update
# A kernel prepared since the lists were last refreshed is today's kernel:
# its answer is kept in build/kernels/ID/env.
base=$(kernel_dir "$ID")
if [ -s "$base/env" ] && [ "$base/env" -nt "$KAPT_DIR/updated" ]; then
	cat "$base/env"
	exit 0
fi

# Today's kernel of the flavour: the metapackage's dependency.
meta=linux-image-$KFLAVOUR
img=$(kapt_depends "$meta" | grep -E '^linux-image-[0-9]' | head -n 1) ||
	die "$meta: no linux-image-<version> dependency in $KSUITE"
[ -n "$img" ] || die "$meta: no linux-image-<version> dependency in $KSUITE"
kver=${img#linux-image-}

image=$base/image
if [ ! -f "$image/.ready-$kver" ]; then
	# 6.12: the image package holds vmlinuz and modules; 7.x splits them
	# into linux-binary, linux-modules and linux-base packages.
	pkgs=("$img")
	while read -r dep; do
		case $dep in
		linux-binary-"$kver" | linux-modules-"$kver" | linux-base-"$kver") pkgs+=("$dep") ;;
		esac
	done < <(kapt_depends "$img")
	debs=()
	for p in "${pkgs[@]}"; do debs+=("$(kapt_fetch "$p")"); done
	rm -rf "$image" "$image.tmp"
	mkdir -p "$image.tmp"
	for d in "${debs[@]}"; do dpkg-deb -x "$d" "$image.tmp"; done
	# 7.x packages are usrmerged and keep vmlinuz, System.map and config
	# beside the modules (usr/lib/modules/KVER/): one boot/ and lib/modules
	# view, the 6.x one, for every consumer.
	if [ -d "$image.tmp/usr/lib/modules" ] && [ ! -e "$image.tmp/lib" ]; then
		ln -s usr/lib "$image.tmp/lib"
	fi
	mkdir -p "$image.tmp/boot"
	for f in vmlinuz System.map config; do
		[ -e "$image.tmp/boot/$f-$kver" ] ||
			[ ! -e "$image.tmp/lib/modules/$kver/$f" ] ||
			ln -s "../lib/modules/$kver/$f" "$image.tmp/boot/$f-$kver"
	done
	[ -r "$image.tmp/boot/vmlinuz-$kver" ] || die "$img: no boot/vmlinuz-$kver"
	[ -d "$image.tmp/lib/modules/$kver" ] || die "$img: no lib/modules/$kver"
	depmod -b "$image.tmp" "$kver" || die "depmod of $kver"
	mv "$image.tmp" "$image"
	touch "$image/.ready-$kver"
fi

chroot=$(kernel_chroot "$KSUITE")
kdir=/usr/src/linux-headers-$kver
hdr=linux-headers-$kver
deps=$(kapt_depends "$hdr") || die "$hdr not in $KSUITE"
common=$(grep -E '^linux-headers-.*-common(-rt)?$' <<<"$deps" | head -n 1)
kbuild=$(grep -E '^linux-kbuild-' <<<"$deps" | head -n 1)
ccpkg=$(grep -E '^gcc-[0-9]+(-for-host)?$' <<<"$deps" | head -n 1)
[ -n "$common" ] && [ -n "$kbuild" ] && [ -n "$ccpkg" ] ||
	die "$hdr: unexpected dependencies: $(tr '\n' ' ' <<<"$deps")"
bash "$ROOT/scripts/kernel-chroot.sh" --create "$KSUITE" "$ccpkg" >&2 ||
	die "toolchain root for $KSUITE"
if [ ! -f "$chroot/$kdir/.ready" ]; then
	for p in "$hdr" "$common" "$kbuild"; do
		dpkg-deb -x "$(kapt_fetch "$p")" "$chroot"
	done
	[ -f "$chroot/$kdir/Makefile" ] || die "$hdr: no $kdir/Makefile"
	touch "$chroot/$kdir/.ready"
fi
ccv=$(kconfig_cc_text "$chroot/$kdir")
cc=$(kconfig_cc_name "$ccv")
[ -x "$chroot/usr/bin/$cc" ] || die "$cc (for $ccv) is not in $chroot"
have=$(chroot "$chroot" "$cc" --version | head -n 1)
[ "$have" = "$ccv" ] || die "$kver was built with '$ccv', $chroot has '$have'"

sysmap=$image/boot/System.map-$kver
config=$image/boot/config-$kver
print_env "$kver" "$image/boot/vmlinuz-$kver" "$image" "$sysmap" "$config" \
	"$kdir" "$chroot" "$cc" "$ccv" > "$base/env.tmp"
mv "$base/env.tmp" "$base/env"
cat "$base/env"

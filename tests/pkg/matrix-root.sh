#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# matrix-root.sh - runs as root inside a throwaway overlay of a kernel's
# toolchain root (tests/pkg/dkms-matrix.sh, overlay_run; scripts/kernel-chroot.sh
# made the root, with that suite's compiler and the headers unpacked): DKMS
# as a user of that Debian release meets it.
#   1. the headers of the LATE kernels are taken away, as if those kernels
#      were not installed yet;
#   2. dkms (the release's own) and heki-dkms are installed with apt: the
#      postinst builds heki_vtl0 for every kernel whose headers are there
#      (the EARLY ones) and for no other;
#   3. each LATE kernel's header packages are installed with apt, with
#      what they depend on (6.12's headers bring the image): the kernel
#      hooks have DKMS build heki_vtl0 for that kernel, heki-update-certs
#      take its module-signing certificate and update-initramfs take the
#      module in, as on an upgrade (MODULES=list, for time);
#   4. heki-dkms is removed: every kernel's module goes.
# Each build is checked: dkms status, vermagic = the kernel, compiled by the
# compiler the kernel's headers name (CONFIG_CC_VERSION_TEXT).
# Prints `RESULT 1|0 NAME` lines; the log goes to OUT.
#
# Usage: matrix-root.sh OUT HEKI_DKMS_DEB "EARLY_KVER..." "LATE_KVER..." LATE_DEB...
set -uo pipefail
OUT=$1 DEB=$2 EARLY=$3 LATE=$4
shift 4
LOG=$OUT/matrix-root-$(. /etc/os-release; echo "${VERSION_CODENAME:-unknown}").log
: > "$LOG"

check() {
	local name=$1
	shift
	echo "+ $(date +%T) $name: $*" >>"$LOG"
	if "$@" >>"$LOG" 2>&1; then echo "RESULT 1 $name"; else echo "RESULT 0 $name"; fi
}
# The installed module: DKMS compresses it as the kernel's own modules are
# (6.12: .ko.xz, 7.x: .ko.zst).
ko() { ls "/lib/modules/$1/updates/dkms/"heki_vtl0.ko* 2>/dev/null | head -n 1; }
# (fixed strings: a kernel release has regex characters, e.g. 6.12.118+deb13)
dkms_installed() { dkms status heki | grep '^heki/' | grep -F ", $1, x86_64: installed"; }
not_built() { [ -z "$(ko "$1")" ] && ! dkms status heki | grep -qF ", $1, x86_64: "; }
vermagic_ok() { modinfo -F vermagic "$(ko "$1")" | grep -q "^$1 "; }
plain_ko() {
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*) cat "$1" ;;
	esac > /tmp/plain.ko
}
# "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0" -> "(Debian 14.2.0-19) 14.2.0",
# which gcc writes into every object's .comment as "GCC: (Debian ...) ...".
kernel_compiler() {
	local text
	text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="[^ ]* \(.*\)"$/\1/p' "/usr/src/linux-headers-$1/.config")
	echo "kernel built with: $text"
	[ -n "$text" ] && plain_ko "$(ko "$1")" && readelf -p .comment /tmp/plain.ko | grep -F "GCC: $text"
}
built() {	# KVER CHECK-NAME-SUFFIX
	check "dkms_installed_$2" dkms_installed "$1"
	check "vermagic_$2" vermagic_ok "$1"
	check "kernel_compiler_$2" kernel_compiler "$1"
}
short() { echo "${1//[^A-Za-z0-9]/_}"; }

export DEBIAN_FRONTEND=noninteractive
APT=(apt-get -q -y --no-install-recommends -o Acquire::Check-Valid-Until=false)

# 1. The LATE kernels are not installed yet.
for k in $LATE; do
	rm -rf "/usr/src/linux-headers-$k" "/lib/modules/$k" "/usr/lib/modules/$k"
done

# 2. dkms and heki-dkms, as a user installs them.
[ -n "$(ls /var/lib/apt/lists/*_Packages* 2>/dev/null)" ] || "${APT[@]}" update >>"$LOG" 2>&1
check install_dkms_and_heki_dkms "${APT[@]}" install dkms "$DEB"
for k in $EARLY; do built "$k" "$(short "$k")"; done
for k in $LATE; do check "not_built_before_headers_$(short "$k")" not_built "$k"; done

# 3. The LATE kernels' headers arrive: DKMS's hook builds heki_vtl0.
if [ $# -gt 0 ]; then
	mkdir -p /etc/initramfs-tools/conf.d
	echo MODULES=list > /etc/initramfs-tools/conf.d/heki-test.conf
	check install_late_kernel_headers "${APT[@]}" install "$@"
	for k in $LATE; do
		built "$k" "late_$(short "$k")"
		# The image's hooks: heki-update-certs found its module-signing
		# certificate, update-initramfs took heki_vtl0 in.
		if [ -e "/boot/vmlinuz-$k" ]; then
			check "certs_der_has_kernel_cert_$(short "$k")" test -s /lib/firmware/heki/certs.der
			in_initrd() { lsinitramfs "/boot/initrd.img-$k" > /tmp/initrd.list && grep -q 'updates/dkms/heki_vtl0.ko' /tmp/initrd.list; }
			check "initrd_has_heki_vtl0_$(short "$k")" in_initrd
		fi
	done
fi

# 4. Removal takes every kernel's module away.
check remove_heki_dkms "${APT[@]}" remove heki-dkms
gone() { local k; for k in $EARLY $LATE; do [ -z "$(ko "$k")" ] || return 1; done; }
check remove_takes_every_module gone

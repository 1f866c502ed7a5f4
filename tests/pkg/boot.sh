#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# boot.sh - Debian 12's signed 6.1 kernel booted in QEMU with the initramfs
# update-initramfs built in tests/pkg/install.sh's overlay, after heki-dkms
# was installed there with dpkg (its hook, its init-top script, its
# modprobe configuration, the DKMS-built heki_vtl0 and certs.der), the root
# on a virtio disk. The emulated Hyper-V with VTL1 (tests/hvemu) stands in
# for Hyper-V: a softdep loads it first, the handshake is set. Two boots:
#   mok     certs.der = this kernel's signing certificate + DKMS's MOK:
#           heki_vtl0 loads first, every module loaded after it (the
#           initramfs's drivers) holds a VTL1 token, a module DKMS built and
#           signed is accepted, the same module signed by an unknown key is
#           refused (ENOKEY);
#   nocert  no certs.der: heki_vtl0 refuses to load before any VTL call
#           (fail closed: VTL1 holds no protection, no end of boot), and the
#           boot goes on.
# Needs tests/pkg/install.sh's build/pkg/host/. Ends with `# N skipped` and
# `N passed, N failed` (tests/lib/ktap.sh; the guests' skips stay skips).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
. tests/lib/ktap.sh

H=build/pkg/host
echo "KTAP version 1"
for f in initrd-mok.img initrd-nocert.img heki_dkms_probe.ko heki_dkms_probe-otherkey.ko; do
	if [ ! -f "$H/$f" ]; then
		result 0 "$H/$f present (tests/pkg/install.sh makes it)"
		ktap_done
		exit
	fi
done
KVER=$(basename "$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)")
KVER=${KVER#linux-headers-}
mkdir -p build/vm
for mode in mok nocert; do
	echo "# boot: $mode"
	log=build/vm/pkg-boot-$mode.out
	QEMU_SMP=2 QEMU_MEM=1G bash scripts/vm-run.sh -K -t 600 \
		-k "/boot/vmlinuz-$KVER" -I "$H/initrd-$mode.img" \
		-f "$H/heki_dkms_probe.ko" -f "$H/heki_dkms_probe-otherkey.ko" \
		-e "BOOT_MODE=$mode" -l "build/vm/pkg-boot-$mode.log" \
		tests/pkg/boot-guest.sh >"$log" 2>&1
	grep -avE '^(# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$log"
	ktap_merge "$log" "boot $mode"
done
ktap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# host-root.sh - runs as root inside a throwaway overlay of this machine
# (tests/pkg/install.sh, overlay_run): installs heki-dkms with dpkg as a user
# would and checks what DKMS, the maintainer scripts, heki-update-certs and
# the initramfs hook did. Prints `RESULT 1|0 NAME` lines; what the VM test
# boots goes to OUT.
#
# Usage: host-root.sh ROOT OUT HEKI_DKMS_DEB
set -uo pipefail
ROOT=$1 OUT=$2 DEB=$3
KVER=$(basename "$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n 1)")
KVER=${KVER#linux-headers-}
MODDIR=/lib/modules/$KVER
KO=$MODDIR/updates/dkms/heki_vtl0.ko
INITRD=/boot/initrd.img-$KVER
CERTS=/lib/firmware/heki/certs.der
MOK=/var/lib/dkms/mok.pub
LOG=$OUT/host-root.log
: > "$LOG"

check() {
	local name=$1
	shift
	echo "+ $name: $*" >>"$LOG"
	if "$@" >>"$LOG" 2>&1; then echo "RESULT 1 $name"; else echo "RESULT 0 $name"; fi
}
# ncerts FILE: number of whole DER certificates back to back in FILE.
ncerts() {
	local f=$1 off=0 size n=0 hi lo
	size=$(stat -c %s "$f") || return 1
	while [ "$off" -lt "$size" ]; do
		read -r hi lo < <(od -An -tu1 -j $((off + 2)) -N 2 "$f")
		off=$((off + 4 + hi * 256 + lo))
		n=$((n + 1))
	done
	[ "$off" -eq "$size" ] && echo "$n"
}
cn() { openssl x509 -inform DER -in "$1" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= //p'; }
in_initrd() { lsinitramfs "$INITRD" > /tmp/initrd.list && grep -qE "$1" /tmp/initrd.list; }
initrd_order() {	# init-top scripts in the order the initramfs runs them
	local d=/tmp/unmk
	rm -rf "$d" && unmkinitramfs "$INITRD" "$d" || return 1
	[ -d "$d/main" ] && d=$d/main
	sed -n 's|^/scripts/init-top/\([^ ]*\) .*|\1|p' "$d/scripts/init-top/ORDER"
}

installed() { dpkg-query -W -f='${db:Status-Abbrev}' heki-dkms | grep -q '^ii'; }
dkms_installed() { dkms status heki | grep "^heki/" | grep -F ", $1, x86_64: installed"; }
is_name() { [ "$(modinfo -F name "$KO")" = heki_vtl0 ]; }
vermagic_ok() { modinfo -F vermagic "$KO" | grep -q "^$KVER "; }
production() { ! modinfo -p "$KO" | grep -q '^test_' && ! nm "$KO" | grep -qw heki_vtl1_dispatch; }
signed_by_mok() { [ "$(modinfo -F signer "$KO")" = "$(cn "$MOK")" ]; }
modprobe_plan() { modprobe -n -v --set-version "$KVER" heki_vtl0 | grep "updates/dkms/heki_vtl0.ko certs=heki/certs.der"; }
certs_count() { [ "$(ncerts "$CERTS")" = "$1" ]; }
first_init_top() { [ "$(initrd_order | head -n 1)" = 00heki ]; }
before_udev() { initrd_order | tr '\n' ' ' | grep -q '00heki .*udev'; }

step() { echo "+ $(date +%T) $*" >>"$LOG"; }

# This machine's own configuration, with two changes for speed: no manual
# index rebuild, and an initramfs with only the drivers the VM boots from
# (MODULES=list: the hooks' modules and /etc/initramfs-tools/modules; every
# hook, heki-dkms's included, runs as with the default MODULES=most).
rm -f /var/lib/man-db/auto-update
echo MODULES=list > /etc/initramfs-tools/conf.d/heki-test.conf
printf '%s\n' virtio_pci virtio_blk ext4 > /etc/initramfs-tools/modules
nimg=$(ls /boot/vmlinuz-* | wc -l)

# 1. dpkg -i: DKMS builds for the kernel whose headers are installed, the
#    postinst writes certs.der, the trigger rebuilds the initramfs.
step install
check install_heki_dkms dpkg -i "$DEB"
step installed
check dpkg_status_installed installed
check dkms_status_installed dkms_installed "$KVER"
check module_in_updates_dkms test -f "$KO"
check module_is_heki_vtl0 is_name
check module_vermagic_is_this_kernel vermagic_ok
check module_is_production_build production
check module_signed_with_dkms_mok signed_by_mok
check modprobe_loads_it_with_certs modprobe_plan
check modules_load_d_names_it grep -qx heki_vtl0 /usr/lib/modules-load.d/heki.conf
check certs_der_one_per_kernel_image certs_count "$nimg"
check initrd_has_heki_vtl0 in_initrd "updates/dkms/heki_vtl0.ko$"
check initrd_has_certs_der in_initrd "lib/firmware/heki/certs.der$"
check initrd_has_modprobe_conf in_initrd "etc/modprobe.d/heki.conf$"
check initrd_runs_00heki_first first_init_top
check initrd_runs_00heki_before_udev before_udev

# 2. Certificates of /etc/heki/certs.d: the DKMS MOK (DER, as documented),
#    a PEM one; a file that is no certificate is skipped.
openssl req -new -x509 -nodes -newkey rsa:2048 -subj /CN=heki-pem-test -days 1 \
	-keyout /tmp/pem.key -out /etc/heki/certs.d/site.pem 2>>"$LOG"
echo "not a certificate" > /etc/heki/certs.d/junk.der
ln -s "$MOK" /etc/heki/certs.d/dkms-mok.der
check heki_update_certs_runs heki-update-certs
check certs_der_adds_mok_and_pem certs_count $((nimg + 2))
rm -f /etc/heki/certs.d/site.pem /etc/heki/certs.d/junk.der

# The VM test's Hyper-V: the emulated hypervisor with a running VTL1
# (tests/hvemu, test only) loads before heki_vtl0 (softdep: the hook takes
# it along), and the handshake is on, as it would be on Hyper-V.
step hvemu
HVEMU=$ROOT/tests/hvemu/heki_hvemu.ko
hvemu_for_kernel() { [ "$(modinfo -F vermagic "$HVEMU" | cut -d' ' -f1)" = "$KVER" ]; }
check hvemu_built_for_this_kernel hvemu_for_kernel
install -D -m 644 "$HVEMU" "$MODDIR/extra/heki_hvemu.ko"
depmod "$KVER"
cat > /etc/modprobe.d/heki-test.conf <<'CONF'
softdep heki_vtl0 pre: heki_hvemu
options heki_vtl0 vtl1_ready=1
CONF

step update-initramfs with MOK
check heki_update_certs_with_mok heki-update-certs
check certs_der_kernel_and_mok certs_count $((nimg + 1))
check update_initramfs_with_mok update-initramfs -u -k "$KVER"
check initrd_has_heki_vtl0_again in_initrd "updates/dkms/heki_vtl0.ko$"
check initrd_has_its_softdep_hvemu in_initrd "extra/heki_hvemu.ko$"
cp "$INITRD" "$OUT/initrd-mok.img"
cp "$KO" "$OUT/heki_vtl0.ko"

# 3. A module DKMS itself builds and signs (the VM loads it after
#    heki_vtl0: VTL1 accepts it with the MOK certificate), and the same
#    module signed by a key VTL1 is never given.
step mokprobe
probe=/usr/src/heki-mokprobe-1.0
mkdir -p "$probe"
cp "$ROOT/tests/modules/heki_test_mod.c" "$probe/heki_dkms_probe.c"
echo 'obj-m += heki_dkms_probe.o' > "$probe/Kbuild"
cat > "$probe/dkms.conf" <<'CONF'
PACKAGE_NAME="heki-mokprobe"
PACKAGE_VERSION="1.0"
BUILT_MODULE_NAME[0]="heki_dkms_probe"
DEST_MODULE_LOCATION[0]="/updates/dkms"
CONF
PROBE=$MODDIR/updates/dkms/heki_dkms_probe.ko
probe_signed_by_mok() { [ "$(modinfo -F signer "$PROBE")" = "$(cn "$MOK")" ]; }
check dkms_builds_and_installs_a_probe_module dkms install -m heki-mokprobe -v 1.0 -k "$KVER"
check dkms_signed_the_probe_with_mok probe_signed_by_mok
cp "$PROBE" "$OUT/heki_dkms_probe.ko"
openssl req -new -x509 -nodes -newkey rsa:2048 -subj /CN=heki-unknown-signer -days 1 \
	-keyout /tmp/other.key -outform DER -out /tmp/other.der 2>>"$LOG"
cp "$PROBE" /tmp/probe.ko
# The signature is a trailer: the signature, 12 bytes of struct
# module_signature (big-endian length at offset 8), 28 bytes of magic.
siglen=$(tail -c 40 /tmp/probe.ko | od -An -tu1 -j 8 -N 4 | awk '{print $1*16777216+$2*65536+$3*256+$4}')
unsigned=$(($(stat -c %s /tmp/probe.ko) - 40 - siglen))
head -c "$unsigned" /tmp/probe.ko > "$OUT/heki_dkms_probe-otherkey.ko"
"/usr/src/linux-headers-$KVER/scripts/sign-file" sha256 /tmp/other.key /tmp/other.der \
	"$OUT/heki_dkms_probe-otherkey.ko" 2>>"$LOG"
other_signed() { [ "$(modinfo -F signer "$OUT/heki_dkms_probe-otherkey.ko")" = heki-unknown-signer ]; }
check probe_resigned_with_an_unknown_key other_signed

# 4. Header trees heki_vtl0 cannot support: dkms refuses them (exit 77,
#    BUILD_EXCLUSIVE) before compiling anything, and says so.
step refusals
fake_tree() {	# DIR VERSION [CONFIG_TO_DROP]
	mkdir -p "$1/include"
	echo "all:" > "$1/Makefile"
	grep -v "^${3:-^}=" "/usr/src/linux-headers-$KVER/.config" > "$1/.config"
}
refused() {	# KVER DIR
	local rc=0
	dkms build -m heki -v "$VER" -k "$1" --kernelsourcedir "$2" > /tmp/refused.log 2>&1 || rc=$?
	cat /tmp/refused.log
	[ "$rc" -eq 77 ] &&
		grep -q "includes a BUILD_EXCLUSIVE directive which does not match this kernel/arch/config" /tmp/refused.log &&
		[ ! -e "/var/lib/dkms/heki/$VER/$1/x86_64/module/heki_vtl0.ko" ]
}
VER=$(dpkg-query -W -f='${source:Upstream-Version}' heki-dkms)
fake_tree /tmp/hdr-5.10 5.10.0-99-amd64
fake_tree /tmp/hdr-noftrace 6.1.0-99-amd64 CONFIG_DYNAMIC_FTRACE_WITH_REGS
fake_tree /tmp/hdr-nohyperv 6.1.0-98-amd64 CONFIG_HYPERV
check dkms_refuses_linux_5_10 refused 5.10.0-99-amd64 /tmp/hdr-5.10
check dkms_refuses_kernel_without_ftrace_regs refused 6.1.0-99-amd64 /tmp/hdr-noftrace
check dkms_refuses_kernel_without_hyperv refused 6.1.0-98-amd64 /tmp/hdr-nohyperv

# 5. No certificate at all: heki-update-certs removes certs.der and says
#    so; the hook warns and the initramfs has none (heki_vtl0 will refuse
#    to load: the VM test boots it). The same run takes a revoked= file
#    along and warns about a missing blocklist= file (heki_vtl0 reads
#    certs= first: the VM test's reason stays the missing certs=).
step nocert
rm -f /etc/heki/certs.d/dkms-mok.der
cp "$CERTS" /lib/firmware/heki/revoked.der
echo "options heki_vtl0 revoked=heki/revoked.der blocklist=heki/no-block.txt" \
	>/etc/modprobe.d/heki-lists.conf
nocert_update() { HEKI_BOOT=/nonexistent heki-update-certs 2>&1 | grep "no certificate: $CERTS removed"; }
check heki_update_certs_removes_empty_file nocert_update
check certs_der_gone test ! -e "$CERTS"
hook_warns() { update-initramfs -u -k "$KVER" >"$OUT/nocert-update.log" 2>&1; grep "certs=heki/certs.der is not under /lib/firmware" "$OUT/nocert-update.log"; }
check initramfs_hook_warns_without_certs hook_warns
no_certs_in_initrd() { ! in_initrd "lib/firmware/heki/certs.der$" && in_initrd "updates/dkms/heki_vtl0.ko$"; }
check initrd_without_certs_still_has_module no_certs_in_initrd
check initrd_has_revoked_file in_initrd "lib/firmware/heki/revoked.der$"
hook_warns_blocklist() { grep -q "blocklist=heki/no-block.txt is not under /lib/firmware" "$OUT/nocert-update.log"; }
check initramfs_hook_warns_missing_blocklist hook_warns_blocklist
cp "$INITRD" "$OUT/initrd-nocert.img"
rm -f /etc/modprobe.d/heki-lists.conf /lib/firmware/heki/revoked.der

# 6. Purge: the module, DKMS's tree, certs.der and the initramfs's copy go.
step purge
heki-update-certs >/dev/null 2>&1
check purge_heki_dkms dpkg --purge heki-dkms
check purge_removes_module test ! -e "$KO"
gone_from_dkms() { ! dkms status heki | grep -q .; }
check purge_removes_dkms_tree gone_from_dkms
check purge_removes_certs_der test ! -e "$CERTS"
not_in_initrd() { ! in_initrd "heki_vtl0.ko$" && ! in_initrd "init-top/00heki$"; }
check purge_rebuilds_initrd_without_heki not_in_initrd
step done

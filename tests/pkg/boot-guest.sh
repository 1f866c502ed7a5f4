# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=sh
#
# boot-guest.sh - guest half of tests/pkg/boot.sh: runs as /init of the root
# disk, after the initramfs heki-dkms's hook built (BOOT_MODE mok or nocert).

D=/sys/kernel/debug/heki
V=/sys/kernel/debug/heki_hvemu

loaded() { grep -q "^$1 " /proc/modules; }
# /proc/modules lists the newest module first: the loading order, oldest first.
load_order() { awk '{print $1}' /proc/modules | sed -n '1!G;h;$p'; }
first_two() { [ "$(load_order | head -n 2 | tr '\n' ' ')" = "heki_hvemu heki_vtl0 " ]; }
# Every module loaded after heki_vtl0 holds a VTL1 token (was validated).
later_modules_validated() {
	n=0
	for m in $(load_order | tail -n +3); do
		if ! grep -q "^token [0-9]* module $m " $D/modules; then
			echo "# $m has no VTL1 token"
			return 1
		fi
		n=$((n + 1))
	done
	echo "# $n modules loaded after heki_vtl0, each with a token"
	[ "$n" -gt 0 ]
}
certs_loaded() { grep -qE "^load_kdata +ok .* $1 certificates" $D/boot; }
has_token() { grep -q "^token [0-9]* module $1 " $D/modules; }
vtl1_untouched() {
	grep -qx 'end_of_boot 0' $V/vtl1 && grep -qx 'certs_loaded 0' $V/vtl1 &&
		grep -q '^# runs 0 pages 0$' $V/protections
}

echo "# load order: $(load_order | tr '\n' ' ')"
case $BOOT_MODE in
mok)
	t heki_vtl0_loaded_from_initramfs loaded heki_vtl0
	t heki_vtl0_on_hyperv_transport dmesg_has "heki_vtl0: ready: transport hyperv"
	t heki_vtl0_first_after_its_hypervisor first_two
	t every_later_module_validated later_modules_validated
	t vtl1_has_kernel_and_mok_certs certs_loaded 2
	t vtl1_end_of_boot grep -qx 'end_of_boot 1' $V/vtl1
	t dkms_probe_other_key_refused fails insmod /heki_dkms_probe-otherkey.ko
	t refusal_is_enokey dmesg_has "module heki_dkms_probe refused: ValidateModule failed (-126)"
	t dkms_probe_mok_signed_accepted insmod /heki_dkms_probe.ko
	t dkms_probe_has_token has_token heki_dkms_probe
	;;
nocert)
	t heki_vtl0_not_loaded fails loaded heki_vtl0
	t refused_for_missing_certs dmesg_has "heki_vtl0: boot: cannot load certs=heki/certs.der from /lib/firmware (-2)"
	t vtl1_holds_nothing vtl1_untouched
	t boot_went_on_with_root_driver loaded virtio_blk
	;;
*)
	t boot_mode_known false
	;;
esac

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hyperv.sh - VM suite: heki_vtl0.ko's hyperv transport, unmodified, against
# the emulated Hyper-V hypervisor with VSM (tests/hvemu/heki_hvemu.ko).
#
# In one boot (two vCPUs): the emulator's variants each make heki_vtl0
# refuse to load, with the reason logged and nothing changed in VTL1 (no
# hypercall page, missing privileges, VTL1 or MBEC absent, VTL1 disabled on
# one VP, HvCallGetVpRegisters failing, no handshake, VTL call offset 0 or
# equal to the return offset, VTL1 not answering on one CPU, an answer in
# no documented range); then the default emulation: every boot step through
# the hyperv code path, a signed module validated and a tampered, an
# unsigned and an unknown-key one refused by VTL1 with their errno, nothing
# left protected, the register reads and VTL calls counted on both sides.
# A second boot (tests/vm/hyperv-failclosed-guest.sh): VTL1 answers
# LoadKData with -EINVAL after ProtectMemory: heki_vtl0 stays loaded and
# fail-closed, module and kexec loads refused, no would-fault event.
# Documentation/kmod.rst, "The emulated hypervisor".
#
# Kernel: HEKI_KERNEL (default bookworm; an ID of scripts/kernel-env.sh):
# that kernel's signed image, heki_vtl0.ko and heki_hvemu.ko built for it
# (tests/lib/kernel.sh). HYPERV_BOOTS=1 runs the first boot only.
#
# Ends with `N passed, N failed` (the sum over the boots).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

BOOTS=${HYPERV_BOOTS:-2}
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare hyperv
KO=${HEKI_PROD_KO:-$K_KO}
EMU=$K_EMU
[ -f "$KO" ] || fail_setup "$KO is not built (run make)"
[ -f "$EMU" ] || fail_setup "$EMU is not built (run make)"
KERNEL_ID=$KID tests/modules/build.sh "$OUT" 0 >/dev/null ||
	fail_setup "tests/modules/build.sh"
gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/kexec-load" \
	tests/vm/kexec-load.c 2>"$OUT/gcc.log" ||
	fail_setup "gcc -static tests/vm/kexec-load.c: $(cat "$OUT/gcc.log")"
# How the kernel's own hypercalls reach the page (kmod/compat/hv.h): the
# emulator says which it set up.
case $K_VER in
6.1.* | 6.12.*) route=hv_hypercall_pg ;;
*) route="the static call __hv_hypercall" ;;
esac
log=build/vm/hyperv.log
[ "$KID" = bookworm ] || log=build/vm/hyperv-$KID.log

export QEMU_SMP=${QEMU_SMP:-2}
export QEMU_MEM=${QEMU_MEM:-1024M}
[ -f "$K_TEST_KO" ] || fail_setup "$K_TEST_KO is not built (run make)"
scripts/vm-run.sh -K -t 600 -E "$KID" -f "$KO" -f "$EMU" -f "$K_TEST_KO" \
	-F "$OUT/test-certs.der:/lib/firmware/heki/test-certs.der" \
	-f "$OUT/heki_test_mod.ko" -f "$OUT/heki_test_mod-tampered.ko" \
	-f "$OUT/heki_test_mod-unsigned.ko" -f "$OUT/heki_test_mod-otherkey.ko" \
	-m "heki_hvemu: self-check: a VTL call returns VTL1's answer in R8" \
	-m "heki_hvemu: the kernel's hypercalls reach the page through $route" \
	-m "heki_vtl0: ready: transport hyperv, mode enforce, module validation on" \
	-l "$OUT/hyperv.log" tests/vm/hyperv-guest.sh >"$OUT/boot-1.out" 2>&1
grep -vE '^(# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$OUT/boot-1.out"
cp "$OUT/hyperv.log" "$log" 2>/dev/null || true
ktap_merge "$OUT/boot-1.out" "boot 1"
if [ "$BOOTS" -ge 2 ]; then
	echo "# --- boot 2 (fail-closed)"
	scripts/vm-run.sh -K -t 300 -E "$KID" -f "$KO" -f "$EMU" \
		-F "$OUT/test-certs.der:/lib/firmware/heki/test-certs.der" \
		-f "$OUT/heki_test_mod.ko" -f "$OUT/kexec-load" \
		-F "$K_VMLINUZ:/vmlinuz" \
		-l "$OUT/hyperv-failclosed.log" tests/vm/hyperv-failclosed-guest.sh \
		>"$OUT/boot-2.out" 2>&1
	grep -vE '^(# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$OUT/boot-2.out"
	cp "$OUT/hyperv-failclosed.log" "${log%.log}-failclosed.log" 2>/dev/null || true
	ktap_merge "$OUT/boot-2.out" "boot 2"
fi
ktap_done

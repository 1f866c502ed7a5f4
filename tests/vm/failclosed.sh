#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# failclosed.sh - VM suite (issue 11 items 1-6): heki_vtl0 fails closed.
# The test build (heki_vtl0_test.ko, loopback transport) on Debian's kernel,
# two CPUs, six VM boots (tests/vm/failclosed-guest.sh, FC_BOOT=1..6):
#
#  1. results: an R8 the ABI does not define refuses (LockRegs 2^32 fails
#     the load; ValidateModule's case is at the end of tests/vm/params.sh);
#     kept frames: FreeModuleInit / UnloadModule refused by VTL1 keep the
#     frames (counted, and none of VTL1's protected frames is free) and
#     their address ranges (/proc/vmallocinfo, modules/kept_ranges);
#     a locked CPU that goes offline and online passes the probe, a CPU
#     where VTL1 does not answer is refused at online; PatchText step 2
#     or 3 of a static call or jump label update refused by VTL1
#     (test_result=PATCH_TEXT#N): old bytes kept, refused, counted, no
#     int3 left; ftrace_enabled=0 refused; rmmod -f leaves heki_vtl0
#     loaded, fail-closed, enforcing; then no module may unload (EBUSY),
#     through the i386 entry (int $0x80, tests/modules/delmod32) too;
#  2. debugfs=off maxcpus=1: loads and enforces, state in sysfs; a CPU
#     brought online between the transport's probe and the hotplug
#     callbacks' registration is probed; a CPU brought online before end
#     of boot is locked (refused, and not marked probed, when LockRegs
#     fails), one brought online after end of boot is refused
#     before it starts; a jump label site left at its int3 (step 2 and
#     its undo refused): no module may unload (EBUSY); a refused kexec
#     image whose unload fails makes
#     heki_vtl0 fail-closed;
#  3. LoadKData refused after ProtectMemory: loaded and fail-closed (every
#     module load and kexec refused, reason shown, hooks kept, no unload);
#     heki_vtl0's own text and read-only data protected;
#  4. ProtectMemory answered with an undefined R8: VTL1's state unknown,
#     assumed protected: loaded and fail-closed, hooks kept, no unload;
#  5. PatchText step 2 of a static call site made by VTL1 and answered
#     with an undefined R8: the old tail, then the old first byte, put
#     back (the site calls its old target), counted stuck;
#  6. an unload already past the delete_module hook (its exit held by
#     heki_test_mod's exit_hold) when heki_vtl0 turns fail-closed (rmmod -f
#     of heki_vtl0): no UnloadModule, the module's frames and address
#     range kept, counted, logged;
#  7. SignalEndOfBoot refused after a module was validated during init
#     (test_init_pause_ms): heki_vtl0 stays, fail-closed, the token kept,
#     no UnloadModule.
#
# FC_BOOTS="1 3" runs only those boots; FAILCLOSED_KO another module file
# (e.g. an older build, to show what these tests catch). Ends with `N passed, N failed`
# (the sum over the boots).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

# Debian 12's kernel, the host's (tests/lib/kernel.sh).
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare failclosed bookworm
KO=${FAILCLOSED_KO:-$K_TEST_KO}

[ -f "$KO" ] || fail_setup "$KO is not built (run make)"
tests/modules/build.sh "$OUT" 1 >/dev/null || fail_setup "tests/modules/build.sh"
# Framed like DER, but no certificate: VTL1 refuses LoadKData.
printf '\060\202\000\004\002\001\000\000' >"$OUT/not-a-cert.der"
gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/kexec-load" \
	tests/vm/kexec-load.c 2>"$OUT/gcc.log" ||
	fail_setup "gcc -static tests/vm/kexec-load.c: $(cat "$OUT/gcc.log")"
vmlinuz=$K_VMLINUZ
[ -r "$vmlinuz" ] || fail_setup "no $vmlinuz"

export QEMU_SMP=${QEMU_SMP:-2}
export QEMU_MEM=${QEMU_MEM:-1024M}
for boot in "1:" "2:debugfs=off maxcpus=1" "3:" "4:" "5:" "6:" "7:"; do
	n=${boot%%:*} append=${boot#*:}
	case " ${FC_BOOTS:-1 2 3 4 5 6 7} " in *" $n "*) ;; *) continue ;; esac
	args=(-K -t 300 -f "$KO" -e "FC_BOOT=$n" -e "HEKI_KO=/${KO##*/}"
		-e "HEKI_MOD=$(modinfo -F name "$KO")"
		-F "$OUT/test-certs.der:/lib/firmware/heki/test-certs.der"
		-F "$OUT/not-a-cert.der:/lib/firmware/heki/not-a-cert.der"
		-f "$OUT/heki_test_mod.ko" -f "$OUT/heki_test_mod-unsigned.ko"
		-f "$OUT/heki_conc_00.ko" -F "$OUT/delmod32:/bin/delmod32"
		-l "$OUT/failclosed-$n.log")
	args+=(-f "$OUT/kexec-load" -F "$vmlinuz:/vmlinuz")
	[ -z "$append" ] || args+=(-a "$append")
	echo "# --- boot $n${append:+ ($append)}"
	scripts/vm-run.sh "${args[@]}" tests/vm/failclosed-guest.sh >"$OUT/boot-$n.out" 2>&1
	grep -vE '^(# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$OUT/boot-$n.out"
	cp "$OUT/failclosed-$n.log" "build/vm/failclosed-$n.log" 2>/dev/null || true
	ktap_merge "$OUT/boot-$n.out" "boot $n"
done
ktap_done

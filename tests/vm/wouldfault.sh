#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# wouldfault.sh - VM suite: the would-fault detector (kmod/wouldfault) is
# proven by writes Hyper-V would refuse, made on purpose after heki_vtl0
# (hyperv transport, the emulated hypervisor tests/hvemu) protected the
# kernel, with the detector checking on every VTL call:
#   - one byte of kernel rodata flipped through a writable alias, outside
#     every patching path (tests/wouldfault/poke.c): found by the frame
#     hashes at the next VTL call, with frame, owner and symbol; restoring
#     it is a second write, found on demand;
#   - a kprobe armed on a kernel function: found by the text_poke hook,
#     with the site, owner and kernel path;
#   - CR4.TSD set (PR_SET_TSC) while LockRegs pins it: found by the
#     register re-read;
# and nothing before them: heki_vtl0's own load writes nothing protected.
# A second boot proves the detector of the test build heki_vtl0_test.ko
# (loopback transport, tests/vm/wouldfault-loopback-guest.sh): a kprobe
# armed once kernel text is protected is reported there too, and the
# kernel-executable pages VTL1 never protected are measured
# (tests/vm/xframes-lib.sh, kmod/xframes.c): after end of boot, with a
# JIT-compiled BPF program (tests/vm/bpf-hold.c), the function tracer and
# a kprobe.
# The events are what this suite measures (vm-run.sh -W).
#
# Kernel: HEKI_KERNEL (default bookworm; an ID of scripts/kernel-env.sh):
# that kernel's own signed vmlinuz and modules, and heki's modules built
# for it (tests/lib/kernel.sh); each boot checks and prints the release
# the guest ran.
# Ends with `N passed, N failed`, the total of both boots.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare wouldfault
KO=${HEKI_PROD_KO:-$K_KO}
TEST_KO=${HEKI_TEST_KO:-$K_TEST_KO}
EMU=$K_EMU
POKE=$(dirname "$(dirname "$K_KO")")/tests/wouldfault/heki_wf_poke.ko
for f in "$KO" "$TEST_KO" "$EMU" "$POKE"; do
	[ -f "$f" ] || fail_setup "$f is not built (run make)"
done
KERNEL_ID=$KID tests/modules/build.sh "$OUT" 0 >/dev/null || fail_setup "tests/modules/build.sh"
gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/tsc-prctl" tests/wouldfault/tsc-prctl.c ||
	fail_setup "cannot build tests/wouldfault/tsc-prctl.c"
gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/bpf-hold" tests/vm/bpf-hold.c ||
	fail_setup "cannot build tests/vm/bpf-hold.c"

export QEMU_SMP=${QEMU_SMP:-2}
export QEMU_MEM=${QEMU_MEM:-1024M}
# run NAME VM-RUN-ARGS...: one VM boot, its results merged into the total.
run() {
	local name=$1
	shift
	scripts/vm-run.sh "$@" >"$OUT/$name.out" 2>&1 || true
	grep -vE '^(# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$OUT/$name.out"
	ktap_merge "$OUT/$name.out" "tests/vm/wouldfault.sh ($name)"
	cp "$OUT/$name.log" "build/vm/$name.log" 2>/dev/null || true
}
# The emulated hypervisor's in-kernel VTL1, checking on every VTL call.
run wouldfault -K -W -t 600 -E "$KID" -e "HEKI_KVER=$K_VER" -f "$KO" -f "$EMU" -f "$POKE" \
	-F "$OUT/test-certs.der:/lib/firmware/heki/test-certs.der" \
	-F tests/vm/wouldfault-lib.sh:/wouldfault-lib.sh \
	-f "$OUT/heki_test_mod.ko" -F "$OUT/tsc-prctl:/bin/tsc-prctl" \
	-l "$OUT/wouldfault.log" tests/vm/wouldfault-guest.sh
# The test build's loopback transport.
run wouldfault-loopback -K -W -t 300 -E "$KID" -e "HEKI_KVER=$K_VER" -f "$TEST_KO" \
	-F "$OUT/test-certs.der:/lib/firmware/heki/test-certs.der" \
	-F tests/vm/wouldfault-lib.sh:/wouldfault-lib.sh \
	-f "$OUT/bpf-hold" -F tests/vm/xframes-lib.sh:/xframes-lib.sh \
	-l "$OUT/wouldfault-loopback.log" tests/vm/wouldfault-loopback-guest.sh
ktap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# workload.sh - VM suite: what an ordinary workload writes that Hyper-V
# would refuse, once heki_vtl0 has hardened the kernel with its default
# parameters (transport=auto finds the emulated Hyper-V, tests/hvemu; only
# the handshake and Debian's certificate are given). Each step is one
# ordinary administrator action; after it the would-fault detector checks
# and the step's events are counted and logged with the kernel path that
# wrote: a tracepoint on and off, function tracing on and off, a kprobe
# armed and disarmed, a static key flipped through a sysctl, a CPU offline
# and online, Debian modules loaded and unloaded. The events are what this
# suite measures (vm-run.sh -W); Documentation/kmod.rst reports them.
#
# Ends with `N passed, N failed` (counted by scripts/vm-run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

# Debian 12's kernel, the host's (tests/lib/kernel.sh).
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare workload bookworm
KO=${HEKI_PROD_KO:-$K_KO}
EMU=$K_EMU

[ -f "$KO" ] || fail_setup "$KO is not built (run make)"
[ -f "$EMU" ] || fail_setup "$EMU is not built (run make)"
scripts/debian-kernel-cert.sh "$OUT/debian-certs.der" >"$OUT/cert.log" 2>&1 ||
	fail_setup "scripts/debian-kernel-cert.sh"

# Modules an administrator loads: networking, a file system, KVM (whose
# vendor module retargets kvm's static calls when it loads).
kver=$K_VER
mkdir -p "$OUT/ko"
# shellcheck source=tests/lib/modset.sh
. tests/lib/modset.sh
modset_collect / "$kver" "$OUT/ko" veth bridge fuse kvm kvm_amd
order=("${MODSET_ORDER[@]}")
[ ${#order[@]} -gt 0 ] || fail_setup "no module of $kver found"
# Enabling function tracing rewrites ~38,000 call sites in one loop without
# a scheduling point; under TCG on a loaded 2-core host that takes 10-30 s,
# longer than the RCU stall (21 s) and soft lockup (20 s) warnings allow:
# both are given 120 s here (they stay armed, and every other suite keeps
# the defaults).
args=(-K -W -t 400 -a "rcupdate.rcu_cpu_stall_timeout=120 watchdog_thresh=60"
	-f "$KO" -f "$EMU" -e "MODS=${order[*]}"
	-F "$OUT/debian-certs.der:/lib/firmware/heki/debian-certs.der")
for n in "${order[@]}"; do
	args+=(-F "$OUT/ko/$n.ko:/m/$n.ko")
done

export QEMU_SMP=${QEMU_SMP:-2}
export QEMU_MEM=${QEMU_MEM:-1024M}
rc=0
scripts/vm-run.sh "${args[@]}" -l "$OUT/workload.log" \
	tests/vm/workload-guest.sh || rc=$?
cp "$OUT/workload.log" build/vm/workload.log 2>/dev/null || true
# The measurement (one line per step, then one per kernel path) is in the
# guest's part of the log above.
exit $rc

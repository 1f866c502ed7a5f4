#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tracepoint.sh - VM suite: a tracepoint with one probe at end of boot
# keeps working once heki_vtl0 protects kernel text. The guest boots with
# the sched_switch event on (trace_event=sched:sched_switch, without the
# cmdline recorder's probes: trace_options=norecord-cmd), so the
# tracepoint's static call calls that one probe directly. heki_vtl0 (test
# build, loopback, protect_kernel=1) points it back at the iterator before
# ProtectMemory (kmod/scall.c); a second consumer then records and the
# first stops when disabled, although VTL1 refuses every later update of
# the tracepoint's static call (Documentation/kmod.rst).
#
# Ends with `N passed, N failed` (counted by scripts/vm-run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

# The kernel: HEKI_KERNEL (default bookworm; tests/kernels/suite.sh ID
# tracepoint), the test build made for it.
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare tracepoint
KO=$K_TEST_KO
[ -f "$KO" ] || fail_setup "$KO is not built (run make)"

export QEMU_SMP=${QEMU_SMP:-2}
rc=0
scripts/vm-run.sh -K -E "$KID" -f "$KO" \
	-a "trace_event=sched:sched_switch trace_options=norecord-cmd" \
	-l "build/vm/tracepoint-$KID.log" tests/vm/tracepoint-guest.sh || rc=$?
exit $rc

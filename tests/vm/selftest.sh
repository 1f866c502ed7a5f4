#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# selftest.sh - VM suite: the in-kernel KTAP self-tests of heki_vtl0's
# mechanism (kmod/selftest/heki_selftest.ko: chain builder, transport
# selection, loopback transport, tracepoint, debugfs) on Debian's kernel,
# then the production heki_vtl0.ko: transport refusals without Hyper-V
# (loopback included: it is not in the production build), and the test
# build heki_vtl0_test.ko: its debugfs files and tracepoint in loopback mode.
# Ends with `N passed, N failed` counted from the KTAP lines.
set -euo pipefail
cd "$(dirname "$0")/../.."

for KO in kmod/selftest/heki_selftest.ko kmod/heki_vtl0.ko kmod/heki_vtl0_test.ko; do
	if [ ! -f "$KO" ]; then
		echo "# $KO is not built (run make)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

# Two CPUs, so per-CPU paths (LockRegs on every CPU) run more than once.
export QEMU_SMP=${QEMU_SMP:-2}
exec scripts/vm-run.sh -K -f kmod/selftest/heki_selftest.ko \
	-f kmod/heki_vtl0.ko -f kmod/heki_vtl0_test.ko \
	-m "# heki_selftest: pass:" \
	tests/vm/selftest-guest.sh

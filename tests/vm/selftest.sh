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
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

# Kernel: HEKI_KERNEL (default bookworm; an ID of scripts/kernel-env.sh).
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare selftest
for KO in "$K_SELFTEST_KO" "$K_KO" "$K_TEST_KO"; do
	[ -f "$KO" ] || fail_setup "$KO is not built (run make)"
done

# Two CPUs, so per-CPU paths (LockRegs on every CPU) run more than once.
export QEMU_SMP=${QEMU_SMP:-2}
# The heki trace event is enabled with protect_kernel=0 only: once kernel
# text is protected, enabling it writes protected text (Documentation/
# kmod.rst, Testing). No would-fault event is expected.
scripts/vm-run.sh -K -E "$KID" -f "$K_SELFTEST_KO" \
	-f "$K_KO" -f "$K_TEST_KO" -l "build/vm/selftest-$KID.log" \
	-m "# heki_selftest: pass:" \
	tests/vm/selftest-guest.sh

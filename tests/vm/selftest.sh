#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# selftest.sh - VM suite: the in-kernel KTAP self-tests of heki_vtl0's
# mechanism (kmod/selftest/heki_selftest.ko: chain builder, transport
# selection, loopback transport, tracepoint, debugfs) on Debian's kernel.
# Ends with `N passed, N failed` counted from the KTAP lines.
set -euo pipefail
cd "$(dirname "$0")/../.."

KO=kmod/selftest/heki_selftest.ko
if [ ! -f "$KO" ]; then
	echo "# $KO is not built (run make)"
	echo "0 passed, 1 failed"
	exit 1
fi

exec scripts/vm-run.sh -K -f "$KO" -m "# heki_selftest: pass:" \
	tests/vm/selftest-guest.sh

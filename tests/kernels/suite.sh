#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# suite.sh - run one suite against one kernel of the matrix, for
# tests/suites.list.
#
# Usage: tests/kernels/suite.sh ID SUITE [ARG...]
#   ID      a kernel ID of scripts/kernel-env.sh
#   SUITE   build: prepare the kernel (scripts/kernel-env.sh) and build every
#                  module of ./Kbuild for it, W=1 -Werror
#                  (scripts/kmod-build.sh); one result
#           NAME:  HEKI_KERNEL=ID tests/vm/NAME.sh ARG... (e2e, integrity,
#                  kexec, selftest, ...)
#
# Prints the suite's output, a line `# kernel-matrix: ID KVER SUITE VERDICT`
# (scripts/check.sh gathers them into its summary), and ends with the
# suite's totals, `# N skipped` and `N passed, N failed` (tests/lib/ktap.sh).
# One exception, for unstable: when ID is sid, today's sid kernel is not the
# one tests/kernels/proven.list names and the suite fails, the failure is
# reported as `# not yet supported: ...` and the last line counts no
# failure (the archive keeps only unstable's newest kernel; a new one is a
# new port, not a regression of the proven one).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

ID=${1:?usage: tests/kernels/suite.sh ID SUITE [ARG...]}
SUITE=${2:?usage: tests/kernels/suite.sh ID SUITE [ARG...]}
shift 2
LOG=$(mktemp "${TMPDIR:-/tmp}/kernel-suite.XXXXXX")
trap 'rm -f "$LOG"' EXIT

kver=$(scripts/kernel-env.sh "$ID" 2>"$LOG" | sed -n 's/^KVER=//p')
if [ -z "$kver" ]; then
	sed 's/^/# /' "$LOG" | tail -n 5
	result 0 "kernel $ID prepared (scripts/kernel-env.sh $ID)"
	echo "# kernel-matrix: $ID ? $SUITE FAIL (kernel not prepared)"
	ktap_done
	exit
fi

if [ "$SUITE" = build ]; then
	echo "KTAP version 1"
	if scripts/kmod-build.sh "$ID" >"$LOG" 2>&1; then
		result 1 "heki_vtl0, heki_vtl0_test, heki_selftest built for $kver (W=1, -Werror)"
	else
		grep -E 'error|warning|Error' "$LOG" | head -n 20 | sed 's/^/# /'
		result 0 "build for $kver"
	fi
else
	HEKI_KERNEL=$ID "tests/vm/$SUITE.sh" "$@" >"$LOG" 2>&1
	# The suite's output but its totals (`# N skipped` and the last
	# line), which are added to this script's and printed below, after
	# the kernel-matrix line.
	n=$(grep -n . "$LOG" | tail -n 1 | cut -d: -f1)
	last=$(sed -n "${n:-0}p" "$LOG")
	if [[ $last =~ ^[0-9]+\ passed,\ [0-9]+\ failed$ ]]; then
		n=$((n - 1))
		grep -qE '^# [0-9]+ skipped$' <(sed -n "${n}p" "$LOG") && n=$((n - 1))
		head -n "$n" "$LOG"
	else
		cat "$LOG"
	fi
	ktap_merge "$LOG" "tests/vm/$SUITE.sh"
fi

proven=$(awk -v id="$ID" '$1 == id { print $2 }' tests/kernels/proven.list)
if [ "$KTAP_FAIL" -gt 0 ] && [ "$ID" = sid ] && [ "$kver" != "$proven" ]; then
	echo "# not yet supported: $ID $kver ($SUITE: $KTAP_FAIL failed; last proven $proven)"
	echo "# kernel-matrix: $ID $kver $SUITE NOT-YET-SUPPORTED"
	KTAP_FAIL=0
	ktap_done
	exit
fi
verdict=PASS
[ "$KTAP_FAIL" -eq 0 ] || verdict=FAIL
echo "# kernel-matrix: $ID $kver $SUITE $verdict"
ktap_done

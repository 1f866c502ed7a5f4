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
# suite's `N passed, N failed`. One exception, for unstable: when ID is sid,
# today's sid kernel is not the one tests/kernels/proven.list names and the
# suite fails, the failure is reported as `# not yet supported: ...` and the
# last line counts no failure (the archive keeps only unstable's newest
# kernel; a new one is a new port, not a regression of the proven one).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

ID=${1:?usage: tests/kernels/suite.sh ID SUITE [ARG...]}
SUITE=${2:?usage: tests/kernels/suite.sh ID SUITE [ARG...]}
shift 2
LOG=$(mktemp "${TMPDIR:-/tmp}/kernel-suite.XXXXXX")
trap 'rm -f "$LOG"' EXIT

kver=$(scripts/kernel-env.sh "$ID" 2>"$LOG" | sed -n 's/^KVER=//p')
if [ -z "$kver" ]; then
	sed 's/^/# /' "$LOG" | tail -n 5
	echo "# kernel-matrix: $ID ? $SUITE FAIL (kernel not prepared)"
	echo "0 passed, 1 failed"
	exit 1
fi

if [ "$SUITE" = build ]; then
	if scripts/kmod-build.sh "$ID" >"$LOG" 2>&1; then
		echo "ok 1 heki_vtl0, heki_vtl0_test, heki_selftest built for $kver (W=1, -Werror)"
		p=1 f=0
	else
		grep -E 'error|warning|Error' "$LOG" | head -n 20 | sed 's/^/# /'
		echo "not ok 1 build for $kver"
		p=0 f=1
	fi
	: >"$LOG"
	printf '%s passed, %s failed\n' "$p" "$f" >>"$LOG"
else
	HEKI_KERNEL=$ID "tests/vm/$SUITE.sh" "$@" >"$LOG" 2>&1
fi
last=$(grep -v '^[[:space:]]*$' "$LOG" | tail -n 1)
if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
	p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
	# The suite's output but its result line, which comes last, below.
	n=$(grep -n . "$LOG" | tail -n 1 | cut -d: -f1)
	head -n $((n - 1)) "$LOG"
else
	cat "$LOG"
	p=0 f=1 last="0 passed, 1 failed"
fi

proven=$(awk -v id="$ID" '$1 == id { print $2 }' tests/kernels/proven.list)
if [ "$f" -gt 0 ] && [ "$ID" = sid ] && [ "$kver" != "$proven" ]; then
	echo "# not yet supported: $ID $kver ($SUITE: $f failed; last proven $proven)"
	echo "# kernel-matrix: $ID $kver $SUITE NOT-YET-SUPPORTED"
	echo "$p passed, 0 failed"
	exit 0
fi
verdict=PASS
[ "$f" -eq 0 ] || verdict=FAIL
echo "# kernel-matrix: $ID $kver $SUITE $verdict"
echo "$last"
[ "$f" -eq 0 ]

# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=bash
#
# ktap.sh - result lines for host test suites (source it from bash); the
# same output as the C runner vtl1/tests/check.[ch].
#
#   ktap_plan N       print the KTAP header and plan `1..N`
#   result OK NAME    OK=1: print `ok N NAME`, else `not ok N NAME`
#   skip NAME REASON  print `ok N NAME # SKIP REASON`; counted as skipped,
#                     neither passed nor failed
#   ktap_merge LOG [LABEL]
#                     add the totals of a sub-program's output LOG (its
#                     `# S skipped` and last `P passed, F failed` lines) to
#                     this suite's; a LOG without that last line counts as
#                     one failure (named LABEL, default LOG)
#   ktap_done         print `# S skipped` and `P passed, F failed` (the
#                     suite's last line) and return non-zero if anything
#                     failed: end with `ktap_done; exit` or `ktap_done` as
#                     the last command
#   ktap_bail NAME    a suite that cannot run: one failed result NAME, the
#                     totals, exit 1

KTAP_PASS=0 KTAP_FAIL=0 KTAP_SKIP=0 KTAP_N=0

ktap_plan() {
	echo "KTAP version 1"
	echo "1..$1"
}

result() {
	KTAP_N=$((KTAP_N + 1))
	if [ "$1" = 1 ]; then
		echo "ok $KTAP_N $2"
		KTAP_PASS=$((KTAP_PASS + 1))
	else
		echo "not ok $KTAP_N $2"
		KTAP_FAIL=$((KTAP_FAIL + 1))
	fi
}

skip() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
	KTAP_SKIP=$((KTAP_SKIP + 1))
}

ktap_merge() {
	local log=$1 label=${2:-$1} last skipped
	last=$(grep -av '^[[:space:]]*$' "$log" 2>/dev/null | tail -n 1 | tr -d '\r')
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		KTAP_PASS=$((KTAP_PASS + BASH_REMATCH[1]))
		KTAP_FAIL=$((KTAP_FAIL + BASH_REMATCH[2]))
		skipped=$(grep -av '^[[:space:]]*$' "$log" | tail -n 2 | head -n 1)
		if [[ $skipped =~ ^#\ ([0-9]+)\ skipped$ ]]; then
			KTAP_SKIP=$((KTAP_SKIP + BASH_REMATCH[1]))
		fi
	else
		result 0 "$label: no 'N passed, N failed' last line"
	fi
}

ktap_done() {
	echo "# $KTAP_SKIP skipped"
	echo "$KTAP_PASS passed, $KTAP_FAIL failed"
	[ "$KTAP_FAIL" -eq 0 ]
}

ktap_bail() {
	result 0 "$1"
	ktap_done
	exit 1
}

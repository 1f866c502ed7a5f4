# SPDX-License-Identifier: GPL-2.0-only OR MIT
# shellcheck shell=bash
#
# ktap.sh - result lines for host test suites (source it from bash).
#
#   result OK NAME   OK=1: print `ok N NAME`, else `not ok N NAME`
#   ktap_plan N      print the KTAP header and plan `1..N`
#   ktap_done        print `P passed, F failed` (the suite's last line) and
#                    return non-zero if anything failed: end with
#                    `ktap_done; exit` or `ktap_done` as the last command

KTAP_PASS=0 KTAP_FAIL=0 KTAP_N=0

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

ktap_done() {
	echo "$KTAP_PASS passed, $KTAP_FAIL failed"
	[ "$KTAP_FAIL" -eq 0 ]
}

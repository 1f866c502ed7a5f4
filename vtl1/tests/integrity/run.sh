#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - integrity library suite: build the ASan+UBSan host test, run the
# synthetic tests and every real module under /lib/modules/*/kernel, then
# cross-check every computed layout with the independent Python
# re-implementation. Ends with the summed "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$ROOT/build/host/integrity
cd "$ROOT" || exit 1

make -s -C vtl1/tests/integrity >&2 || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
tally() {   # tally LOGFILE: add its last "N passed, N failed" line
	local last
	last=$(tail -n 1 "$1")
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		echo "FAIL integrity: no result line from $1"
		failed=$((failed + 1))
	fi
}

# Debian's 6.1 modules (the layout rules are 6.1's); never the host's
# uname -r, which is not a Debian kernel.
roots=$(ls -d /lib/modules/6.1.*-amd64/kernel 2>/dev/null | sort -V | tail -n 1)
if [ -z "$roots" ]; then
	echo "FAIL integrity: no /lib/modules/6.1.*-amd64/kernel (scripts/setup.sh installs linux-image-amd64)"
	failed=$((failed + 1))
	"$OUT/test_integrity" | tee "$OUT/unit.log" | grep -v '^realmods: '
	tally "$OUT/unit.log"
else
	ASAN_OPTIONS=detect_leaks=1 "$OUT/test_integrity" --modules "$roots" \
		--dump-layout "$OUT/layout.txt" > "$OUT/unit.log" 2>&1
	grep -v ' passed, ' "$OUT/unit.log"
	tail -n 1 "$OUT/unit.log" | sed 's/^/test_integrity: /'
	tally "$OUT/unit.log"
	# The whole ValidateModule, simulated loads of every module
	# (validate/test_validate.c): accept, one byte, one mcount site.
	find "$roots" -name '*.ko' -o -name '*.ko.xz' | sort |
		"$OUT/test_validate" - > "$OUT/validate.log" 2>&1
	grep '^not ok' "$OUT/validate.log"
	tail -n 1 "$OUT/validate.log" | sed 's/^/test_validate: /'
	tally "$OUT/validate.log"
	python3 vtl1/tests/integrity/layout_ref.py "$OUT/layout.txt" \
		> "$OUT/layout_ref.log" 2>&1
	grep -v ' passed, ' "$OUT/layout_ref.log"
	tail -n 1 "$OUT/layout_ref.log" | sed 's/^/layout_ref: /'
	tally "$OUT/layout_ref.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - rewrite-site rules suite: build the ASan+UBSan host test, run the
# table-driven rule cases and the simulated loads of a sample of Debian's
# 6.1 modules, then check with binutils the NOP-run assumption of the
# alternative rule on every module. Ends with the summed "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$ROOT/build/host/rewrite
cd "$ROOT" || exit 1

make -s -C vtl1/tests/rewrite >&2 || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$OUT"

passed=0
failed=0
tally() {   # tally LOGFILE: print it (but "ok realmods" lines), add its last "N passed, N failed"
	local last
	grep -av -e ' passed, ' -e '^ok realmods: ' "$1"
	last=$(tail -n 1 "$1")
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		echo "FAIL rewrite: no result line from $1"
		failed=$((failed + 1))
	fi
}

# Never the host's uname -r: the rules are Debian 6.1's.
root=$(ls -d /lib/modules/6.1.*-amd64/kernel 2>/dev/null | sort -V | tail -n 1)
# Every module (about 20 s); RW_SAMPLE_EVERY=40 takes every 40th plus kvm,
# kvm-intel, btrfs, nf_tables and xfs. Per-module "ok" lines stay in the log.
RW_SAMPLE_EVERY=${RW_SAMPLE_EVERY:-1} ASAN_OPTIONS=detect_leaks=1 \
	"$OUT/test_rewrite" ${root:+--modules "$root"} > "$OUT/rules.log" 2>&1
tally "$OUT/rules.log"
if [ -z "$root" ]; then
	echo "FAIL rewrite: no /lib/modules/6.1.*-amd64/kernel (scripts/setup.sh installs linux-image-amd64)"
	failed=$((failed + 1))
else
	python3 vtl1/tests/rewrite/alt_nops_ref.py "$root" > "$OUT/altnops.log" 2>&1
	tally "$OUT/altnops.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

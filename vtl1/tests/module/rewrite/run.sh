#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - rewrite-site rules suite: build the ASan+UBSan host test, run the
# table-driven rule cases and the simulated loads of a sample of Debian's
# 6.1 modules, then check with binutils the NOP-run assumption of the
# alternative rule on every module. Ends with the summed "# N skipped" and
# "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
OUT=$ROOT/build/host/rewrite
cd "$ROOT" || exit 1

. tests/lib/ktap.sh
echo "KTAP version 1"
if ! make -s -C vtl1/tests/module/rewrite >&2; then
	result 0 "rewrite: host tests build"
	ktap_done
	exit
fi
mkdir -p "$OUT"

tally() {   # tally LOGFILE: print it (but "ok" lines of real modules and the totals), add its totals
	grep -av -e '^ok [0-9]* realmods: ' \
		-E -e '^(KTAP version 1|1\.\.[0-9]+|# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$1"
	ktap_merge "$1"
}

# Never the host's uname -r: the rules are Debian 6.1's.
root=$(ls -d /lib/modules/6.1.*-amd64/kernel 2>/dev/null | sort -V | tail -n 1)
# Every module (about 20 s); RW_SAMPLE_EVERY=40 takes every 40th plus kvm,
# kvm-intel, btrfs, nf_tables and xfs. Per-module "ok" lines stay in the log.
RW_SAMPLE_EVERY=${RW_SAMPLE_EVERY:-1} ASAN_OPTIONS=detect_leaks=1 \
	"$OUT/test_rewrite" ${root:+--modules "$root"} > "$OUT/rules.log" 2>&1
tally "$OUT/rules.log"
if [ -z "$root" ]; then
	result 0 "rewrite: /lib/modules/6.1.*-amd64/kernel present (scripts/setup.sh installs linux-image-amd64)"
else
	python3 vtl1/tests/module/rewrite/alt_nops_ref.py "$root" > "$OUT/altnops.log" 2>&1
	tally "$OUT/altnops.log"
fi
ktap_done

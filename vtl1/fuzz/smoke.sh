#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# smoke.sh - run each vtl1 fuzzer for a short time (default 5 s) on its
# committed seed corpus. Usage: smoke.sh [fuzzer...]; builds them first
# (make -j, every core) when called without FUZZ_OUT. Without arguments
# every harness the vtl1 Makefile builds (fuzz_* in the output folder) is
# run.
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_SMOKE_SECONDS:-5}
out=${FUZZ_OUT:-build/fuzz/vtl1}
fuzzers=("$@")

. tests/lib/ktap.sh
echo "KTAP version 1"
if [ -z "${FUZZ_OUT:-}" ] && ! make -s -j"$(nproc)" -C vtl1 fuzz-build >/dev/null 2>&1; then
	result 0 "fuzz_build"
	ktap_done
	exit
fi
if [ ${#fuzzers[@]} -eq 0 ]; then
	for f in "$out"/fuzz_*; do
		[ -f "$f" ] && [ -x "$f" ] && fuzzers+=("$(basename "$f")")
	done
fi
if [ ${#fuzzers[@]} -eq 0 ]; then
	result 0 "fuzzers found in $out"
	ktap_done
	exit
fi
for f in "${fuzzers[@]}"; do
	work=$(mktemp -d)
	seeds=()
	for d in vtl1/fuzz/*/corpus/"$f"; do
		[ -d "$d" ] && seeds=("$d")
	done
	if "$out/$f" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -artifact_prefix="$work/" -rss_limit_mb=4096 \
		"$work" "${seeds[@]}" >"$work/log" 2>&1; then
		runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$work/log")
		result 1 "${f}_smoke_${secs}s ($runs runs, no finding)"
	else
		tail -n 30 "$work/log" | sed 's/^/# /'
		result 0 "${f}_smoke_${secs}s"
	fi
	rm -rf "$work"
done
ktap_done

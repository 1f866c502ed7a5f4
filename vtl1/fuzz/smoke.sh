#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# smoke.sh - run each vtl1 fuzzer for a short time (default 5 s) on its
# committed seed corpus. Usage: smoke.sh [fuzzer...]; builds them first
# (make -j, every core) when called without FUZZ_OUT. Without arguments
# every harness the vtl1 Makefile builds (fuzz_* in the output folder) is
# run.
#
# fuzz_dispatch first checks that the committed core seeds are what
# `make -C vtl1 seeds` writes today. It also gets the real flows
# (fuzz/core/gen-real-seeds.sh, from the installed Debian kernel package;
# it fails if VTL1 refuses one of them), and each of them is first run once on its own: every call must
# succeed (LoadKData with Debian's certificates, the Debian-signed module
# validated, freed and unloaded, the signed vmlinuz accepted and unloaded)
# and the accepted kexec image must have been replayed (I3).
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
real=build/fuzz/vtl1/corpus-real/fuzz_dispatch

# real_flow SEED CALLS REPLAYS: the seed's CALLS calls all succeed and
# REPLAYS accepted kexec images were replayed (fuzz_dispatch's trace).
real_flow() {
	local log calls bad replays
	# One run (leaks are the 5 s run's to find); its last lines count.
	log=$(FUZZ_DISPATCH_TRACE=1 "$out/fuzz_dispatch" -rss_limit_mb=4096 -detect_leaks=0 \
		"$real/$1" 2>&1 |
		awk '/^fuzz_dispatch: call/ {b = b $0 "\n"}
			/kexec replays/ {last = b $0; b = ""}
			END {print last}')
	calls=$(printf '%s\n' "$log" | grep -c '^fuzz_dispatch: call')
	bad=$(printf '%s\n' "$log" | grep -c -- '-> -')
	replays=$(printf '%s\n' "$log" | sed -n 's/^fuzz_dispatch: \([0-9]*\) kexec replays, 0 accepted.*/\1/p')
	if [ "$calls" = "$2" ] && [ "$bad" = 0 ] && [ "$replays" = "$3" ]; then
		result 1 "fuzz_dispatch_real_flow_$1 ($calls calls succeed, $3 replayed)"
	else
		printf '%s\n' "$log" | sed 's/^/# /'
		result 0 "fuzz_dispatch_real_flow_$1 ($calls calls, $bad failed, replays ${replays:-?}, want $2 and $3)"
	fi
}

# The committed core seeds are what gen_seeds.c writes today (`make -C
# vtl1 seeds`), so a change to the builders it shares with the host tests
# cannot leave the fuzzers starting from flows VTL1 now refuses.
seeds_current() {
	local d=$work/gen f stale=
	if ! make -s -C vtl1 seeds SEED_DIR="$d" >"$work/seeds.log" 2>&1; then
		tail -n 5 "$work/seeds.log" | sed 's/^/# /'
		result 0 "fuzz_core_seeds_committed_as_generated (make seeds failed)"
		return
	fi
	for f in $( (cd vtl1/fuzz/core/corpus && ls -d fuzz_*/*; cd "$d" && ls -d fuzz_*/*) |
		sort -u); do
		cmp -s "vtl1/fuzz/core/corpus/$f" "$d/$f" || stale="$stale $f"
	done
	if [ -z "$stale" ]; then
		result 1 "fuzz_core_seeds_committed_as_generated"
	else
		result 0 "fuzz_core_seeds_committed_as_generated (differ:$stale; run make -C vtl1 seeds)"
	fi
}

for f in "${fuzzers[@]}"; do
	work=$(mktemp -d)
	seeds=()
	for d in vtl1/fuzz/*/corpus/"$f"; do
		[ -d "$d" ] && seeds=("$d")
	done
	if [ "$f" = fuzz_dispatch ]; then
		seeds_current
		if bash vtl1/fuzz/core/gen-real-seeds.sh >"$work/real.log" 2>&1; then
			result 1 "fuzz_dispatch_real_seeds_accepted"
			real_flow real-kdata 1 0
			real_flow real-module 4 0
			real_flow real-kexec 4 1
			seeds+=("$real")
		else
			tail -n 5 "$work/real.log" | sed 's/^/# /'
			result 0 "fuzz_dispatch_real_seeds_accepted"
		fi
	fi
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

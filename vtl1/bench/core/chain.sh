#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# chain.sh - chain walk + validation vs plain page copy, for several N:
# wall time per call and callgrind instruction counts (collected only
# inside do_walk / do_copy), measured in one run each. Target: walk within
# 2x of the copy.
set -eu
cd "$(dirname "$0")/../../.."
out=${BENCH_OUT:-build/bench/vtl1}
bin=$out/bench_chain
[ -x "$bin" ] || make -s -C vtl1 "$PWD/$bin"

ir() { # mode n -> instructions of one call (callgrind, 10 calls)
	local f=$out/cg.$1.$2
	valgrind --tool=callgrind --callgrind-out-file="$f" \
		--toggle-collect="do_$1" "$bin" "$1" "$2" 10 >/dev/null 2>&1
	awk '/^summary:/ {print int($2 / 10)}' "$f"
}

printf '%-8s %-6s %14s %14s %8s %12s %12s %8s\n' ranges pages \
	walk_Ir copy_Ir Ir_ratio walk_ns copy_ns ns_ratio
for n in 127 1270 8192 32768; do
	iter=$((2000000 / n + 10))
	wi=$(ir walk $n)
	ci=$(ir copy $n)
	wn=$("$bin" walk $n $iter | sed 's/.*ns_per_call=//')
	cn=$("$bin" copy $n $iter | sed 's/.*ns_per_call=//')
	pages=$(((n + 126) / 127))
	printf '%-8s %-6s %14s %14s %8.2f %12s %12s %8.2f\n' "$n" "$pages" \
		"$wi" "$ci" "$(echo "$wi / $ci" | bc -l)" "$wn" "$cn" \
		"$(echo "$wn / $cn" | bc -l)"
done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# check.sh - run every test suite listed in tests/suites.list and print the
# grand total. `make check` builds everything first and then calls this.
#
# tests/suites.list: one shell command per line, run from the repository
# root with bash; blank lines and lines starting with '#' are ignored. Each
# suite prints its own results and ends with the line `N passed, N failed`,
# with `# N skipped` just before it when it skipped anything (skipped
# results are neither passed nor failed; see tests/lib/ktap.sh and
# vtl1/tests/check.h).
# A suite that exits non-zero while reporting no failure, that lacks that
# last line, or that exceeds SUITE_TIMEOUT seconds (default 1800) counts as
# one failure.
#
# Two lanes: a line `@2 COMMAND` runs COMMAND in a second lane, which starts
# with the first suite and runs its lines one after the other, in list order,
# beside the first lane (every other line, in list order). The line `@wait`
# makes the first lane wait there until the second has run all its lines.
# Only suites that share no output path with the first lane's go in the
# second, so no result depends on timing (Documentation/kmod.rst, CI
# matrix). With two lanes each suite's output is printed when it ends; the
# summary lists the suites in list order either way. Lanes are used only with
# CHECK_LANES=2: by default (and in CI) every line runs in one lane, in list
# order, and `@wait` is a no-op (two QEMU guests at once under TCG on two
# cores made kernels trip over int3 sites being patched: kmod.rst, CI matrix).
#
# Usage: scripts/check.sh [--build] [PATTERN]
#   --build   first run `make -jN all` ($MAKE, N = nproc); a failed build
#             counts as one failure and the suites still run (those
#             needing it fail too)
#   PATTERN   only suites whose line contains PATTERN
# CHECK_SUITES (default tests/suites.list) and CHECK_LOGDIR (default
# build/check) name another list and log folder (tests/style/results.sh).
# The summary totals passed, failed and skipped results; its last two lines
# are `# N skipped` and exactly `N passed, N failed`; the exit status is
# non-zero if anything failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
LIST=${CHECK_SUITES:-tests/suites.list}
LANES=${CHECK_LANES:-1}
TIMEOUT=${SUITE_TIMEOUT:-1800}
BUILD=0
if [ "${1:-}" = --build ]; then
	BUILD=1
	shift
fi
PATTERN=${1:-}

LOGDIR=${CHECK_LOGDIR:-build/check}
mkdir -p "$LOGDIR"

total_pass=0 total_fail=0 total_skip=0 n=0
summary=()

if [ "$BUILD" = 1 ]; then
	echo "=== build: ${MAKE:-make} -j$(nproc) all"
	start=$SECONDS
	if ${MAKE:-make} -j"$(nproc)" all 2>&1 | tee "$LOGDIR/build.log"; then
		total_pass=1 verdict="PASS    1 passed,   0 failed,   0 skipped"
	else
		total_fail=1 verdict="FAIL    0 passed,   1 failed,   0 skipped"
	fi
	summary+=("$(printf '%s %4ds  build (make all; log %s)' "$verdict" \
		$((SECONDS - start)) "$LOGDIR/build.log")")
	echo
fi

# The selected suites, numbered in list order; lane 2 or 1 each, and the
# points where lane 1 waits for lane 2.
cmds=() lanes=() lane1=() lane2=()
while IFS= read -r line || [ -n "$line" ]; do
	trimmed=${line#"${line%%[![:space:]]*}"}
	case $trimmed in '' | '#'*) continue ;; esac
	if [ "$trimmed" = @wait ]; then
		[ "$LANES" != 2 ] || lane1+=(wait)
		continue
	fi
	lane=1
	if [[ $trimmed == '@2 '* ]]; then
		line=${trimmed#@2 }
		[ "$LANES" != 2 ] || lane=2
	fi
	[ -z "$PATTERN" ] || [[ $line == *"$PATTERN"* ]] || continue
	n=$((n + 1))
	cmds[n]=$line lanes[n]=$lane
	if [ "$lane" = 2 ]; then lane2+=("$n"); else lane1+=("$n"); fi
done < "$LIST"
LIVE=1
[ ${#lane2[@]} -eq 0 ] || LIVE=0

# run_suite N: run suite N into its log and write its verdict to
# suite-N.result: "PASSED FAILED SKIPPED SECONDS NOTE".
run_suite() {
	local i=$1 line=${cmds[$1]} log=$LOGDIR/suite-$1.log start=$SECONDS rc
	local last prev p f s note nys secs
	rm -f "$LOGDIR/suite-$i.result"
	if [ "$LIVE" = 1 ]; then
		echo "=== suite $i: $line"
		timeout -k 10 "$TIMEOUT" bash -c "$line" </dev/null 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
	else
		timeout -k 10 "$TIMEOUT" bash -c "$line" </dev/null >"$log" 2>&1
		rc=$?
	fi
	secs=$((SECONDS - start))

	# The suite's verdict is its last non-empty line, its skips the line
	# before it.
	last=$(grep -av '^[[:space:]]*$' "$log" | tail -n 1 | tr -d '\r')
	prev=$(grep -av '^[[:space:]]*$' "$log" | tail -n 2 | head -n 1 | tr -d '\r')
	s=0
	[[ $prev =~ ^#\ ([0-9]+)\ skipped$ ]] && s=${BASH_REMATCH[1]}
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} note=
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1 note=" (exit $rc)"
		fi
	else
		p=0 f=1 note=" (no 'N passed, N failed' last line; exit $rc)"
		[ "$rc" -eq 124 ] && note=" (timed out after ${TIMEOUT}s)"
	fi
	nys=$(grep -m1 '^# not yet supported: ' "$log" | sed 's/^# //')
	[ -z "$nys" ] || note="$note ($nys)"
	echo "$p $f $s $secs$note" > "$LOGDIR/suite-$i.result"
	if [ "$LIVE" = 0 ]; then
		# One suite's whole output at a time.
		{
			flock 9
			echo "=== suite $i: $line (lane ${lanes[$i]})"
			cat "$log"
			echo
		} 9>>"$LOGDIR/.print-lock"
	else
		echo
	fi
}

lane2_pid=
if [ ${#lane2[@]} -gt 0 ]; then
	(for i in "${lane2[@]}"; do run_suite "$i"; done) &
	lane2_pid=$!
fi
for i in "${lane1[@]}"; do
	if [ "$i" = wait ]; then
		[ -z "$lane2_pid" ] || wait "$lane2_pid"
		lane2_pid=
	else
		run_suite "$i"
	fi
done
[ -z "$lane2_pid" ] || wait "$lane2_pid"

for i in $(seq 1 "$n"); do
	if read -r p f s secs note < "$LOGDIR/suite-$i.result"; then
		[ -z "$note" ] || note=" $note"
	else
		p=0 f=1 s=0 secs=0 note=" (no result)"
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	if [ "$f" -eq 0 ]; then verdict=PASS; else verdict=FAIL; fi
	summary+=("$(printf '%s %4d passed, %3d failed, %3d skipped %4ds  %s%s' \
		"$verdict" "$p" "$f" "$s" "$secs" "${cmds[$i]}" "$note")")
done

echo "=== summary ($n suites; logs in $LOGDIR/)"
for s in "${summary[@]}"; do
	echo "$s"
done
# The kernel matrix (tests/kernels/suite.sh lines): which suite ran on
# which kernel build, and the rule CI follows (Documentation/kmod.rst).
matrix=$(for i in $(seq 1 "$n"); do
	sed -n 's/^# kernel-matrix: //p' "$LOGDIR/suite-$i.log"
done)
if [ -n "$matrix" ]; then
	echo "=== kernels: bookworm runs every suite above; trixie, trixie-cloud"
	echo "    and sid the subset below (Documentation/kmod.rst, CI matrix)"
	sort -s -k1,1 <<<"$matrix" | awk '{ printf "    %-13s %-28s %-10s %s\n", $1, $2, $3, $4 }'
fi
if [ "$n" -eq 0 ]; then
	echo "no suites matched in $LIST"
	total_fail=$((total_fail + 1))
fi
echo "# $total_skip skipped"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

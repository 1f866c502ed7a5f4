#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# results.sh - every suite reports through one runner, and a skip is a skip:
#   - the three runners (tests/lib/ktap.sh, tests/lib/ktap.py,
#     vtl1/tests/check.[ch]) print a program's results as `ok N`,
#     `not ok N`, `ok N NAME # SKIP why`, then `# S skipped` and
#     `P passed, F failed` last, a skip counted as neither passed nor
#     failed, and exit non-zero on a failure;
#   - ktap_merge adds a sub-program's skips as skips, and counts a
#     sub-program without a last line as a failure;
#   - scripts/check.sh totals skips across suites, prints `# S skipped`
#     just before its last line, and counts a suite without a last line
#     as a failure (a scratch suite list, CHECK_SUITES), with a second
#     lane (`@2`, `@wait`) as without;
#   - no tracked program but these runners (and scripts/vm-run.sh, which
#     counts a guest's KTAP lines) prints a `N passed, N failed` total of
#     its own.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

OUT=build/check-results
rm -rf "$OUT"
mkdir -p "$OUT"
echo "KTAP version 1"

# expect NAME FILE STATUS WANT_STATUS WANT_LINES...: the last lines of FILE
# are WANT_LINES, and STATUS is WANT_STATUS (0, or non-zero as "fail").
expect() {
	local name=$1 file=$2 rc=$3 want_rc=$4 got want ok=1
	shift 4
	want=$(printf '%s\n' "$@")
	got=$(grep -av '^[[:space:]]*$' "$file" | tail -n $#)
	[ "$got" = "$want" ] || ok=0
	if [ "$want_rc" = fail ]; then [ "$rc" -ne 0 ] || ok=0; else [ "$rc" -eq "$want_rc" ] || ok=0; fi
	result $ok "$name"
	[ $ok = 1 ] || { echo "# want (exit $want_rc):"; printf '#   %s\n' "$@"; echo "# got (exit $rc):"; sed 's/^/#   /' <<<"$got"; }
}

# 1. ktap.sh
bash -c '. tests/lib/ktap.sh; result 1 a; skip b why; result 1 c; ktap_done' >"$OUT/sh-pass" 2>&1
expect "ktap.sh: a skip is neither passed nor failed" "$OUT/sh-pass" $? 0 \
	"ok 2 b # SKIP why" "ok 3 c" "# 1 skipped" "2 passed, 0 failed"
bash -c '. tests/lib/ktap.sh; result 0 a; skip b why; ktap_done' >"$OUT/sh-fail" 2>&1
expect "ktap.sh: a failure fails the program" "$OUT/sh-fail" $? fail \
	"not ok 1 a" "ok 2 b # SKIP why" "# 1 skipped" "0 passed, 1 failed"
printf 'ok 1 x\nok 2 y # SKIP z\n# 1 skipped\n1 passed, 0 failed\n' >"$OUT/sub.log"
bash -c ". tests/lib/ktap.sh; result 1 a; ktap_merge $OUT/sub.log; ktap_done" >"$OUT/sh-merge" 2>&1
expect "ktap.sh: ktap_merge adds a sub-program's skips as skips" "$OUT/sh-merge" $? 0 \
	"# 1 skipped" "2 passed, 0 failed"
printf 'ok 1 x\n' >"$OUT/sub-cut.log"
bash -c ". tests/lib/ktap.sh; ktap_merge $OUT/sub-cut.log sub; ktap_done" >"$OUT/sh-cut" 2>&1
expect "ktap.sh: ktap_merge fails a sub-program without its last line" "$OUT/sh-cut" $? fail \
	"not ok 1 sub: no 'N passed, N failed' last line" "# 0 skipped" "0 passed, 1 failed"
bash -c '. tests/lib/ktap.sh; result 1 a; ktap_bail "cannot run"; result 1 never' >"$OUT/sh-bail" 2>&1
expect "ktap.sh: ktap_bail ends the suite with one failure" "$OUT/sh-bail" $? fail \
	"not ok 2 cannot run" "# 0 skipped" "1 passed, 1 failed"

# 2. ktap.py
python3 - >"$OUT/py" 2>&1 <<'EOF'
import sys
sys.path.insert(0, "tests/lib")
import ktap
ktap.result(True, "a")
ktap.skip("b", "why")
ktap.result(False, "c", "differs")
ktap.set_quiet(True)
ktap.result(True, "quiet")
sys.exit(ktap.done())
EOF
expect "ktap.py: skips counted as skips, quiet passes counted, failure fails" "$OUT/py" $? fail \
	"KTAP version 1" "ok 1 a" "ok 2 b # SKIP why" "not ok 3 c" "# differs" "1..4" \
	"# 1 skipped" "2 passed, 1 failed"

# 3. the C runner
cat >"$OUT/runner.c" <<'EOF'
#include "check.h"

TEST(registered_skip)
{
	check_skip_test("not here");
}

TEST(registered_pass)
{
	CHECK_EQ(1 + 1, 2);
}

int main(void)
{
	check_result(1, "direct", NULL);
	check_skip("skipped", "no %s", "data");
	check_run_tests(NULL);
	return check_done();
}
EOF
if ${CC:-gcc} -std=gnu11 -Wall -Wextra -Werror -I uapi -I vtl1/tests \
	-o "$OUT/runner" "$OUT/runner.c" vtl1/tests/check.c >"$OUT/runner.build" 2>&1; then
	"$OUT/runner" >"$OUT/c" 2>&1
	expect "check.c: skips (direct and registered) counted as skips" "$OUT/c" $? 0 \
		"1..4" "# 2 skipped" "2 passed, 0 failed"
else
	sed 's/^/# /' "$OUT/runner.build" | head -n 20
	result 0 "check.c: a test program builds against vtl1/tests/check.[ch]"
fi

# 4. scripts/check.sh totals
cat >"$OUT/suites.list" <<EOF
printf 'ok 1 a\nok 2 b # SKIP x\nok 3 c # SKIP y\n# 2 skipped\n1 passed, 0 failed\n'
printf 'ok 1 a\nok 2 b # SKIP x\n# 1 skipped\n1 passed, 0 failed\n'
EOF
CHECK_SUITES=$OUT/suites.list CHECK_LOGDIR=$OUT/logs bash scripts/check.sh >"$OUT/check" 2>&1
expect "check.sh: totals the suites' skips" "$OUT/check" $? 0 "# 3 skipped" "2 passed, 0 failed"
grep -q '^PASS *1 passed, *0 failed, *2 skipped' "$OUT/check"
result $((! $?)) "check.sh: the summary line of a suite names its skips"
printf 'printf "ok 1 a\\n# 1 skipped\\n"\n' >"$OUT/suites-cut.list"
CHECK_SUITES=$OUT/suites-cut.list CHECK_LOGDIR=$OUT/logs-cut bash scripts/check.sh >"$OUT/check-cut" 2>&1
expect "check.sh: a suite without its last line is a failure" "$OUT/check-cut" $? fail \
	"# 0 skipped" "0 passed, 1 failed"

# 5. scripts/check.sh lanes: an `@2` line runs beside the others (the
#    first suite waits for a file the second lane's suite writes), `@wait`
#    holds the first lane until the second has finished, and the summary
#    lists every suite in list order.
L=$OUT/lanes
mkdir -p "$L"
cat >"$OUT/suites-lanes.list" <<EOF
for i in \$(seq 600); do [ -e $L/from-lane2 ] && break; sleep 0.1; done; [ -e $L/from-lane2 ] && printf 'ok 1 beside\n# 0 skipped\n1 passed, 0 failed\n'
@2 sleep 1; touch $L/from-lane2; sleep 5; touch $L/lane2-done; printf 'ok 1 lane2\n# 0 skipped\n1 passed, 0 failed\n'
@wait
[ -e $L/lane2-done ] && printf 'ok 1 after\nok 2 x # SKIP y\n# 1 skipped\n1 passed, 0 failed\n'
EOF
CHECK_LANES=2 CHECK_SUITES=$OUT/suites-lanes.list CHECK_LOGDIR=$OUT/logs-lanes bash scripts/check.sh >"$OUT/check-lanes" 2>&1
expect "check.sh: two lanes, every suite counted once" "$OUT/check-lanes" $? 0 "# 1 skipped" "3 passed, 0 failed"
sed -n 's/^PASS .*s  //p' "$OUT/check-lanes" | cut -c1-12 >"$OUT/lanes-order"
printf '%s\n' 'for i in $(s' 'sleep 1; tou' '[ -e build/c' | cmp -s - "$OUT/lanes-order"
result $((! $?)) "check.sh: the summary lists lane 2's suite in list order"

# 6. no other runner
RUNNERS='^(tests/lib/ktap\.(sh|py)|vtl1/tests/check\.c|scripts/check\.sh|scripts/vm-run\.sh)$'
git ls-files -- '*.sh' '*.py' '*.c' >"$OUT/files" 2>/dev/null ||
	find tests vtl1 scripts rust -name '*.sh' -o -name '*.py' -o -name '*.c' >"$OUT/files"
grep -vE "$RUNNERS" "$OUT/files" | xargs -r grep -nE 'passed, *(%|\$|\{)' >"$OUT/own" 2>/dev/null
ok=1
[ ! -s "$OUT/own" ] || { ok=0; sed 's/^/#   /' "$OUT/own"; }
result $ok "no program but the runners prints its own 'N passed, N failed'"
# The same search finds a runner of its own (so the test above can fail).
p=passed
echo "echo \"\$n $p, \$f failed\"" >"$OUT/own-runner.sh"
grep -qE 'passed, *(%|\$|\{)' "$OUT/own-runner.sh"
result $((! $?)) "the search finds a program that counts for itself"

ktap_done

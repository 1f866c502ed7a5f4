#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - rewrite-site rules suite: build the ASan+UBSan host test, run the
# table-driven rule cases and the simulated loads of a sample of Debian's
# 6.1 modules. Ends with "N passed, N failed".
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$ROOT/build/host/rewrite
cd "$ROOT" || exit 1

make -s -C vtl1/tests/rewrite >&2 || { echo "0 passed, 1 failed"; exit 1; }
# Never the host's uname -r: the rules are Debian 6.1's.
root=$(ls -d /lib/modules/6.1.*-amd64/kernel 2>/dev/null | sort -V | tail -n 1)
ASAN_OPTIONS=detect_leaks=1 exec "$OUT/test_rewrite" ${root:+--modules "$root"}

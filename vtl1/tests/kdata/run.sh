#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - kernel info extension suite: build the ASan+UBSan host test and
# run it (parser cases, layout choice, rewrite rules with and without the
# extension). Ends with "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT" || exit 1
make -s -C vtl1/tests/kinfo >&2 || { echo "0 passed, 1 failed"; exit 1; }
ASAN_OPTIONS=detect_leaks=1 build/host/kinfo/test_kinfo_ext

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - build and run the vtl1 host tests (ASan + UBSan).
cd "$(dirname "$0")/../.." || exit 1
if ! make -s -C vtl1 tests; then
	echo "FAIL vtl1_tests_build"
	echo "0 passed, 1 failed"
	exit 1
fi
exec build/host/vtl1_tests "$@"

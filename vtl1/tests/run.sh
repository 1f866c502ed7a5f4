#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - build and run the vtl1 host tests (ASan + UBSan).
cd "$(dirname "$0")/../.." || exit 1
if ! make -s -C vtl1 tests; then
	# shellcheck source=tests/lib/ktap.sh
	. tests/lib/ktap.sh
	ktap_bail "vtl1 host tests build"
fi
# Every failed call's code, for tests/abi/call-errnos.sh (guest.c).
mkdir -p build/host/errno-reached
export HEKI_ERRNO_REACHED=build/host/errno-reached/vtl1_tests.txt
rm -f "$HEKI_ERRNO_REACHED"
exec build/host/vtl1_tests "$@"

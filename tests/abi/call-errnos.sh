#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# call-errnos.sh - the per-call error table (HEKI_VTL_CALL_ERRNOS,
# uapi/heki/results.h):
#   - Documentation/abi-call-errnos.inc is what scripts/call-errnos.sh
#     generates from it (no hand edits, no stale page);
#   - the table is well formed, and every code our VTL1 lists for a call is
#     reached by a host test: the simulated guest (vtl1/tests/guest.c)
#     checks every failed call against its row, aborting on any other code,
#     and writes what it saw to build/host/errno-reached/*.txt (the suites
#     vtl1/tests/run.sh, module/integrity and kexec, which run before this
#     one in tests/suites.list). A listed code no test reaches is reported as
#     a skip, by name.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/ktap.sh
echo "KTAP version 1"

log=$(mktemp)
if ! bin=$(scripts/call-errnos.sh --bin 2>"$log"); then
	sed 's/^/# /' "$log"
	rm -f "$log"
	result 0 "call_errnos builds"
	ktap_done
	exit
fi
if "$bin" rst | diff -u Documentation/abi-call-errnos.inc - >/dev/null; then
	result 1 "Documentation/abi-call-errnos.inc is generated from HEKI_VTL_CALL_ERRNOS"
else
	"$bin" rst | diff -u Documentation/abi-call-errnos.inc - | head -n 20 | sed 's/^/# /'
	result 0 "Documentation/abi-call-errnos.inc is generated from HEKI_VTL_CALL_ERRNOS (run scripts/call-errnos.sh --update)"
fi

shopt -s nullglob
files=(build/host/errno-reached/*.txt)
[ ${#files[@]} -gt 0 ] || echo "# no build/host/errno-reached/*.txt: run the vtl1 host suites first"
"$bin" reached "${files[@]}" >"$log"
grep -vE '^(KTAP version 1|1\.\.[0-9]+|# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$log"
ktap_merge "$log" call_errnos
rm -f "$log"
ktap_done

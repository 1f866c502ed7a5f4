#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# tree.sh - the whole tree is sparse-clean: what `make C=1` checks, as a
# suite, so `make check` (and CI) fails on a sparse finding too.
#   1. kmod/ through kbuild (C=2: every file; CF=-Wsparse-error)
#   2. every uapi/ header and the vtl1/ library, standalone
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

. tests/lib/ktap.sh

step() { # step NAME MAKE-TARGET
	local out
	if out=$(make --no-print-directory "$2" 2>&1); then
		result 1 "$1"
	else
		grep -E 'error:|warning:|SPARSE FAIL|\*\*\*' <<<"$out" | head -n 40 | sed 's/^/# /'
		result 0 "$1"
	fi
}

ktap_plan 2
step "kmod/ is sparse-clean (kbuild C=2, -Wsparse-error)" sparse-kmod
step "uapi/ headers and vtl1/ library are sparse-clean (standalone)" sparse-standalone
ktap_done

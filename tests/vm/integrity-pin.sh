#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# integrity-pin.sh - VM suite (issue 5: alternatives and retpolines pinned
# by the CPU capability words of LoadKData's kernel info extension). Real
# loads on Debian's kernel under the loopback transport, with heki_vtl0's
# test_capflip flipping one feature bit in the words it sends: VTL1 then
# expects the other form at every site that bit decides, while the kernel
# wrote the form for the real CPU. Per run, the module with such sites is
# refused with the exact REWRITE_*_OTHER_FORM code (section, offset, rule
# in VTL1's log line), nothing of it stays protected, and a module without
# such sites still validates:
#   - X86_FEATURE_RETPOLINE (11*32+12) flipped: veth's retpoline site;
#   - X86_FEATURE_REP_GOOD (3*32+16) flipped: fuse's clear_user
#     ALTERNATIVE_2 (REP_GOOD, ERMS; QEMU's default CPU has no ERMS).
# Runs tests/vm/integrity.sh with another guest script.
#
# Usage: tests/vm/integrity-pin.sh
# Environment: INTEGRITY_KO (default kmod/heki_vtl0_test.ko).
# Ends with `N passed, N failed` (the sum over the runs).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

export INTEGRITY_GUEST=tests/vm/integrity-pin-guest.sh

. tests/lib/ktap.sh
log=$(mktemp)
# feature bit : module refused : VTL1 error : rule kind
for v in "364:veth:REWRITE_RETPOLINE_OTHER_FORM:retpoline" \
	 "112:fuse:REWRITE_ALT_OTHER_FORM:alternative"; do
	IFS=: read -r bit mod code kind <<<"$v"
	echo "# --- feature bit $bit flipped in the words sent: $mod refused ($code)"
	out=$(KAPPEND="${KAPPEND:-} heki_capflip=$bit heki_pin_mod=$mod heki_pin_code=$code heki_pin_kind=$kind" \
		tests/vm/integrity.sh veth fuse dummy 2>&1)
	echo "$out" | grep -vE '^(# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$'
	echo "$out" >"$log"
	ktap_merge "$log" "tests/vm/integrity.sh (bit $bit)"
done
rm -f "$log"
ktap_done

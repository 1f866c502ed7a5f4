#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-split.sh - host suite (issue 11 item 7): the production module and
# the test build are separate modules built from the same sources.
#   - kmod/heki_vtl0.ko (module heki_vtl0) has no test_* parameter, no
#     loopback transport, no VTL1 library and does not import the kernel
#     interfaces only the loopback uses (keyrings, PKCS#7 verification);
#   - kmod/heki_vtl0_test.ko (module heki_vtl0_test) has all of them.
# Judged from the built .ko files (modinfo, nm). Ends with
# `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

. tests/lib/ktap.sh

PROD=kmod/heki_vtl0.ko TEST=kmod/heki_vtl0_test.ko
for ko in "$PROD" "$TEST"; do
	if [ ! -f "$ko" ]; then
		ktap_bail "$ko built (run make)"
	fi
done

check() {
	local name=$1
	shift
	if "$@"; then result 1 "$name"; else result 0 "$name"; fi
}
modname() { [ "$(modinfo -F name "$1")" = "$2" ]; }
params() { modinfo -p "$1" | cut -d: -f1; }
has_param() { params "$1" | grep -x "$2" >/dev/null; }
no_test_param() { ! params "$1" | grep '^test_' >/dev/null; }
# defines SYMBOL: the module defines (t/T/d/D/r/R/b/B) SYMBOL.
defines() { nm "$1" | grep -E " [tTdDrRbB] $2\$" >/dev/null; }
imports() { nm -u "$1" | grep -E "^ +U $2\$" >/dev/null; }

# Symbols that exist only where the loopback transport is built in.
LOOPBACK_SYMS="heki_transport_loopback heki_vtl1_dispatch heki_vtl1_create heki_loopback_crypto"
LOOPBACK_IMPORTS="verify_pkcs7_signature keyring_alloc"

ktap_plan 18
check "production is module heki_vtl0" modname "$PROD" heki_vtl0
check "test build is module heki_vtl0_test" modname "$TEST" heki_vtl0_test
check "production has no test_* parameter" no_test_param "$PROD"
for p in test_tamper test_tamper_kexec test_capflip test_result test_online_cpu \
	test_kexec_unload_busy; do
	check "test build has $p" has_param "$TEST" "$p"
done
for s in $LOOPBACK_SYMS; do
	check "production lacks $s" eval '! defines "$PROD" "$s"'
done
check "test build has the loopback transport" defines "$TEST" heki_transport_loopback
for s in $LOOPBACK_IMPORTS; do
	check "production does not import $s" eval '! imports "$PROD" "$s"'
done
check "test build imports verify_pkcs7_signature" imports "$TEST" verify_pkcs7_signature
check "both carry the hyperv transport" \
	eval 'defines "$PROD" heki_transport_hyperv && defines "$TEST" heki_transport_hyperv'
ktap_done

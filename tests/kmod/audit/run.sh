#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh - host suite: heki_vtl0's audit records (kmod/audit.c, issue 13
# item 2) compiled unchanged against kshim.h and tested on the host with
# ASan and UBSan (test_audit.c: the record format of Documentation/kmod.rst,
# untrusted strings as the kernel logs them, refusals never aggregated,
# acceptances aggregated with counts). Every <linux/...> or <crypto/...>
# header audit.c includes becomes an empty file; kshim.h provides what they
# would. Then the same tests run on mutants of audit.c, each a deliberately
# wrong format or rule; each must fail at least one test (the tests can
# fail). Ends with `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 2
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

B=build/host/kmod-audit
rm -rf "$B"
mkdir -p "$B/shim"
sed -n 's/^#include <\(\(linux\|crypto\)\/[^>]*\)>.*/\1/p' kmod/audit.c |
	while read -r h; do
		mkdir -p "$B/shim/$(dirname "$h")"
		: >"$B/shim/$h"
	done

CFLAGS=(-std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-function
	"-fsanitize=address,undefined" -fno-sanitize-recover=all
	-I tests/kmod/audit -I "$B/shim" -I uapi -I kmod -I vtl1/tests)
SRCS=(tests/kmod/audit/test_audit.c tests/kmod/audit/kshim.c vtl1/tests/check.c)

echo "KTAP version 1"
if ! gcc "${CFLAGS[@]}" -o "$B/test_audit" "${SRCS[@]}" -lcrypto 2>"$B/gcc.log"; then
	sed 's/^/# /' "$B/gcc.log" | head -n 20
	ktap_bail "kmod/audit.c compiles against tests/kmod/audit/kshim.h"
fi
"$B/test_audit" >"$B/test_audit.out" 2>&1
grep -E '^(not )?ok |^#' "$B/test_audit.out" | grep -v '^# [0-9]* skipped$'
ktap_merge "$B/test_audit.out" "test_audit"
KTAP_N=$((KTAP_PASS + KTAP_FAIL + KTAP_SKIP))

# Mutants: NAME, then a sed expression on audit.c (each must change it).
mutants=(
	"a quote left unescaped in a string"
	's/ || s\[i\] == '"'"'"'"'"'//'
	"lowercase hex for untrusted strings (audit_log_n_hex is upper-case)"
	's/"%02X", \*v/"%02x", *v/'
	"refusals aggregated with the acceptances"
	's/if (!err \&\& !heki_audit_accept_slot())/if (!heki_audit_accept_slot())/'
	"the mode field dropped from module records"
	's/heki_audit_add(b, \&n, " mode=%s", heki_mode_name());//'
	"the acceptance count not carried by the next record"
	's/heki_audit_unrecorded = 0;/heki_audit_unrecorded_total += 0;/'
	"the signer's CN not capped"
	's/min_t(size_t, cnlen, HEKI_AUDIT_CN_MAX)/cnlen/'
)
for ((i = 0; i < ${#mutants[@]}; i += 2)); do
	name=${mutants[i]} expr=${mutants[i + 1]} dir=mutant$((i / 2))
	mkdir -p "$B/$dir"
	sed "$expr" kmod/audit.c >"$B/$dir/audit.c"
	if cmp -s kmod/audit.c "$B/$dir/audit.c"; then
		result 0 "mutant '$name': the sed expression no longer matches kmod/audit.c"
		continue
	fi
	if ! gcc "${CFLAGS[@]}" -DAUDIT_C="\"$PWD/$B/$dir/audit.c\"" \
		-o "$B/$dir/test_audit" "${SRCS[@]}" -lcrypto 2>"$B/$dir/gcc.log"; then
		result 0 "mutant '$name' compiles: $(head -n 1 "$B/$dir/gcc.log")"
		continue
	fi
	"$B/$dir/test_audit" >"$B/$dir/out" 2>&1
	caught=$(grep -c '^not ok' "$B/$dir/out")
	result "$([ "$caught" -gt 0 ] && echo 1)" \
		"mutant '$name' fails $caught test(s)"
done
ktap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# params.sh - VM suite: heki_vtl0's parameters and how it fails.
#
# modinfo documents every parameter; transport=auto and transport=hyperv
# refuse to start without Hyper-V (auto never falls back to loopback); bad
# parameters and bad certificate files fail the load and leave nothing
# behind (no debugfs, no ftrace hook on load_module); each boot step can be
# switched off; validate_modules=0 validates nothing; mode=permissive reaches
# VTL1 and loads a refused module unprotected, recorded as in enforce mode;
# the audit records of both modes' verdicts and of the boot steps, read
# with ausearch from what a static audit daemon received (tests/lib/audit.sh):
# the verdict before a signer's 300-byte CN, a signer named by subject key
# identifier, acceptances past 32 per 10 s aggregated and refusals not;
# revoked= and blocklist= files are checked like certs= and refuse what
# they name; last, a ValidateModule answered with an undefined R8 makes
# heki_vtl0 fail closed and keep the module's frames.
#
# Ends with `N passed, N failed` (counted by scripts/vm-run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

# Debian 12's kernel, the host's (tests/lib/kernel.sh).
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare params bookworm
KO=$K_TEST_KO
[ -f "$KO" ] || fail_setup "$KO is not built (run make)"
tests/modules/build.sh "$OUT" 0 >/dev/null || fail_setup "tests/modules/build.sh"
# shellcheck source=tests/lib/audit.sh
. tests/lib/audit.sh
audit_vm_args "$OUT" 2>"$OUT/audit.err" ||
	ktap_bail "audit daemon and ausearch for the guest: $(tail -n 1 "$OUT/audit.err")"
openssl x509 -inform DER -in "$OUT/test-cert.der" -outform PEM -out "$OUT/test-cert.pem"
head -c 700 "$OUT/test-cert.der" >"$OUT/truncated.der"
# Well-formed DER framing around bytes that are no certificate: passes
# heki_vtl0's own check, so VTL1 is the one that refuses LoadKData.
printf '\060\202\000\004\002\001\000\000' >"$OUT/not-a-cert.der"
# certs= the test certificate and another one: revoked= the test
# certificate leaves the other trusted (revoking every one refuses LoadKData).
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=heki params other" \
	-keyout "$OUT/other.key" -outform DER -out "$OUT/other.der" 2>/dev/null
cat "$OUT/test-certs.der" "$OUT/other.der" >"$OUT/test-other-certs.der"
# blocklist= files: a line of another form, and the test module's sha256sum.
printf '# a comment\nbin:0123\n' >"$OUT/bad-block.txt"
echo "bin:$(sha256sum <"$OUT/heki_test_mod.ko" | cut -d' ' -f1)" >"$OUT/mod-block.txt"

rc=0
scripts/vm-run.sh -K -t 300 -f "$KO" \
	-F "$OUT/test-certs.der:/lib/firmware/heki/test-certs.der" \
	-F "$OUT/test-cert.pem:/lib/firmware/heki/test-cert.pem" \
	-F "$OUT/truncated.der:/lib/firmware/heki/truncated.der" \
	-F "$OUT/not-a-cert.der:/lib/firmware/heki/not-a-cert.der" \
	-F "$OUT/test-other-certs.der:/lib/firmware/heki/test-other-certs.der" \
	-F "$OUT/bad-block.txt:/lib/firmware/heki/bad-block.txt" \
	-F "$OUT/mod-block.txt:/lib/firmware/heki/mod-block.txt" \
	-f "$OUT/heki_test_mod.ko" -f "$OUT/heki_test_mod-unsigned.ko" \
	-f "$OUT/heki_test_mod-longcn.ko" -f "$OUT/heki_test_mod-skid.ko" \
	-F "$OUT/initmod:/bin/initmod" \
	-e "LONGCN_HEX=$(cat "$OUT/longcn-signer.hex")" \
	-e "SKID_HEX=$(cat "$OUT/test-skid.hex")" \
	"${AUDIT_ARGS[@]}" \
	-l "$OUT/params.log" tests/vm/params-guest.sh >"$OUT/params.out" 2>&1 || rc=$?
grep -vE '^(# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$OUT/params.out"
ktap_merge "$OUT/params.out" "tests/vm/params.sh (params)"
cp "$OUT/params.log" build/vm/params.log 2>/dev/null || true
# Second boot: validate_modules=0 with kernel text protected (review
# finding F8); heki_vtl0 cannot be unloaded after it.
scripts/vm-run.sh -K -t 300 -f "$KO" \
	-F "$OUT/test-certs.der:/lib/firmware/heki/test-certs.der" \
	-f "$OUT/heki_test_mod-unsigned.ko" \
	-l "$OUT/params-text.log" tests/vm/params-text-guest.sh \
	>"$OUT/params-text.out" 2>&1 || rc=$?
grep -vE '^(# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$' "$OUT/params-text.out"
ktap_merge "$OUT/params-text.out" "tests/vm/params.sh (params-text)"
cp "$OUT/params-text.log" build/vm/params-text.log 2>/dev/null || true
ktap_done

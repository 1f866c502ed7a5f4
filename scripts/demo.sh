#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# demo.sh - `make demo`: heki end to end in a VM, in one minute.
#
# Boots Debian's own kernel in QEMU, loads heki_vtl0 with the loopback
# transport (the VTL1 validator compiled into the guest kernel), loads a
# module signed with a key made just now, flips one byte of that module
# and shows it refused, then prints the debugfs summary.
#
# Kernel messages reach the console only as quoted by the guest script
# (loglevel=3 keeps refusals from interleaving). Exit status 0 only if the signed module was accepted and the tampered
# one refused.
set -euo pipefail
cd "$(dirname "$0")/.."

KO=kmod/heki_vtl0_test.ko
[ -f "$KO" ] || { echo "demo: $KO is not built; run make" >&2; exit 1; }
mkdir -p build/vm
OUT=$(mktemp -d build/vm/demo.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

echo "demo: making a fresh signing key and a signed test module..."
tests/modules/build.sh "$OUT" 0 >/dev/null
subject=$(openssl x509 -inform DER -in "$OUT/test-cert.der" -noout -subject)
echo "demo: test certificate: ${subject#subject=}"
kernel=$(printf "%s\n" /boot/vmlinuz-*-amd64 | sort -V | tail -n 1)
echo "demo: booting $kernel in QEMU (TCG, about 10 s)..."
echo

set +e
scripts/vm-run.sh -t 300 -a loglevel=3 -f "$KO" \
	-F "$OUT/test-certs.der:/lib/firmware/heki/test-certs.der" \
	-f "$OUT/heki_test_mod.ko" -f "$OUT/heki_test_mod-tampered.ko" \
	-m "DEMO-RESULT: signed module accepted" \
	-m "DEMO-RESULT: tampered module refused" \
	-l build/vm/demo.log scripts/demo-guest.sh |
	sed -e '/^@@GUEST-START@@$/d' -e '/^@@GUEST-RC=/d' -e 's/^DEMO-RESULT: //'
rc=${PIPESTATUS[0]}
set -e
echo
if [ "$rc" -eq 0 ]; then
	echo "demo: OK - the signed module was accepted and the one-byte-tampered copy refused (full log: build/vm/demo.log)"
else
	echo "demo: FAILED (rc $rc; full log: build/vm/demo.log)" >&2
fi
exit "$rc"

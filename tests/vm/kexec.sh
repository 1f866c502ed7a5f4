#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kexec.sh - VM suite (issue 5 item 5): heki_vtl0's KexecValidate hook on
# Debian's own kernel, loopback transport, with the certificate that signed
# the Debian vmlinuz (Authenticode) given to LoadKData. A static
# kexec_file_load(2) loader (tests/vm/kexec-load.c, no kexec-tools) loads
# the Debian vmlinuz (accepted, pages protected), a copy with one byte of
# .text changed (refused, nothing left protected), unloads (pages
# released), loads the crash kernel into crashkernel= memory (accepted,
# released on unload), tries kexec_load(2) (refused), tries to unload
# heki_vtl0 with an image loaded (refused: VTL1 holds it; allowed once the
# image is unloaded, no copy leaked), then loads
# heki_vtl0 again with blocklist= the image's Authenticode digest, with
# revoked= its signer and with blocklist= its signer's tbs: hash (each
# refuses it with VTL1's reason). heki-verify kexec on the host gives each
# of those loads VTL1's verdict and reason (tests/lib/verdicts.sh). On bookworm
# also a 257 MiB kernel file, refused by heki_vtl0 before KexecValidate
# (EFBIG), logged, counted and audited. Boot 2 (kexec-crash-guest.sh): a
# crash image whose invalidation VTL1 refuses, then an image whose
# invalidation is answered with an undefined R8, and root shrinking the
# crashkernel= reserve (kexec_crash_size) before and after; on bookworm
# only unless KEXEC_BOOT2=1. Boot 3 (kexec-exit-guest.sh): rmmod -f racing
# an accepted load (held by test_kexec_pause_ms) whose invalidation in
# heki_vtl0's exit fails; on bookworm only unless KEXEC_BOOT3=1.
#
# Usage: tests/vm/kexec.sh   (environment: KEXEC_KO, default
# kmod/heki_vtl0_test.ko). Ends with `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh
# shellcheck source=tests/lib/verdicts.sh
. tests/lib/verdicts.sh

# Kernel: HEKI_KERNEL (default bookworm; an ID of scripts/kernel-env.sh).
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare kexec
KO=${KEXEC_KO:-$K_TEST_KO}
[ -f "$KO" ] || fail_setup "$KO is not built (run make)"
# The kernel kexecs its own signed image.
vmlinuz=$K_VMLINUZ
[ -r "$vmlinuz" ] || fail_setup "no $vmlinuz"

gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/kexec-load" \
	tests/vm/kexec-load.c 2>"$OUT/gcc.log" ||
	fail_setup "gcc -static tests/vm/kexec-load.c: $(cat "$OUT/gcc.log")"

# The certificates in the vmlinuz's Authenticode signature (the PKCS#7 of
# its one WIN_CERTIFICATE), concatenated in DER, as the authenticode host
# suite extracts them.
python3 - "$vmlinuz" "$OUT/vmlinuz.p7" <<'PY' || fail_setup "no signature in $vmlinuz"
import struct, sys
b = open(sys.argv[1], 'rb').read()
pe = struct.unpack_from('<I', b, 0x3c)[0]
off, size = struct.unpack_from('<II', b, pe + 24 + 112 + 4 * 8)
length = struct.unpack_from('<I', b, off)[0]
open(sys.argv[2], 'wb').write(b[off + 8:off + length])
PY
openssl pkcs7 -inform DER -in "$OUT/vmlinuz.p7" -print_certs \
	-out "$OUT/signer.pem" || fail_setup "openssl pkcs7"
csplit -s -z -f "$OUT/cert." "$OUT/signer.pem" '/-----BEGIN CERTIFICATE-----/' '{*}'
: >"$OUT/kexec-certs.der"
for c in "$OUT"/cert.*; do
	grep -q "BEGIN CERTIFICATE" "$c" || continue
	openssl x509 -in "$c" -outform DER >>"$OUT/kexec-certs.der"
done
[ -s "$OUT/kexec-certs.der" ] || fail_setup "no certificate in the vmlinuz signature"

# Revocation (issue 13 item 3): blocklist= the vmlinuz's Authenticode
# digest as osslsigncode computes it (UEFI dbx's SHA-256 form), and certs=
# its signer's certificates and an unrelated one for revoked= the signer's
# and blocklist= their tbs: hashes.
command -v osslsigncode >/dev/null || fail_setup "osslsigncode missing (scripts/setup.sh)"
# (verify exits 1: Debian's CA is not in its trust store; the digest is
# printed all the same)
md=$({ osslsigncode verify -in "$vmlinuz" 2>/dev/null || true; } |
	sed -n 's/^Calculated message digest *: *\([0-9A-Fa-f]*\).*/\1/p' | head -n 1)
[ ${#md} = 64 ] || fail_setup "osslsigncode gave no SHA-256 digest for $vmlinuz"
echo "bin:$(echo "$md" | tr 'A-F' 'a-f')" >"$OUT/kexec-block.txt"
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=heki kexec other" \
	-keyout "$OUT/other.key" -outform DER -out "$OUT/other.der" 2>/dev/null ||
	fail_setup "openssl req"
cat "$OUT/kexec-certs.der" "$OUT/other.der" >"$OUT/kexec-other-certs.der"
# tbs: the SHA-256 of the to-be-signed part of each certificate of the
# vmlinuz's signature (the kernel's x509_get_sig_params form, by openssl).
for c in "$OUT"/cert.*; do
	grep -q "BEGIN CERTIFICATE" "$c" || continue
	openssl asn1parse -in "$c" -strparse 4 -noout -out "$OUT/tbs" >/dev/null ||
		fail_setup "openssl asn1parse $c"
	echo "tbs:$(sha256sum <"$OUT/tbs" | cut -d' ' -f1)"
done >"$OUT/kexec-tbs.txt"

# One byte of the kernel's .text (inside the Authenticode digest) changed.
cp "$vmlinuz" "$OUT/vmlinuz"
cp "$vmlinuz" "$OUT/vmlinuz.bad"
python3 - "$OUT/vmlinuz.bad" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[0x10000] ^= 0x40
open(p, 'wb').write(b)
PY

# Two CPUs: the concurrent-load test needs two loads really in parallel.
# shellcheck source=tests/lib/audit.sh
. tests/lib/audit.sh
audit_vm_args "$OUT" 2>"$OUT/audit.err" ||
	fail_setup "audit daemon and ausearch for the guest: $(tail -n 1 "$OUT/audit.err")"

export QEMU_SMP=${QEMU_SMP:-2}
export QEMU_MEM=${QEMU_MEM:-1536M}
rc=0
scripts/vm-run.sh -K -t 600 -E "$KID" -a "crashkernel=256M" -f "$KO" \
	-e "HEKI_KO=/${KO##*/}" -e "HEKI_MOD=$(modinfo -F name "$KO")" \
	-e "KEXEC_BIG=$([ "$KID" = bookworm ] && echo 1 || echo 0)" \
	-f "$OUT/kexec-load" -f "$OUT/vmlinuz" -f "$OUT/vmlinuz.bad" \
	"${AUDIT_ARGS[@]}" \
	-F "$OUT/kexec-certs.der:/lib/firmware/heki/kexec-certs.der" \
	-F "$OUT/kexec-other-certs.der:/lib/firmware/heki/kexec-other-certs.der" \
	-F "$OUT/kexec-block.txt:/lib/firmware/heki/kexec-block.txt" \
	-F "$OUT/kexec-tbs.txt:/lib/firmware/heki/kexec-tbs.txt" \
	-l "$OUT/kexec.log" tests/vm/kexec-guest.sh >"$OUT/vm.out" || rc=$?
cp "$OUT/kexec.log" "build/vm/kexec-$KID.log" 2>/dev/null || true
vm_relay "$OUT/vm.out"

# heki-verify kexec (issue 13 item 4) on the host, on the same image with
# the same certs=, revoked= and blocklist= files as each load above,
# answers as VTL1 did in the guest. The -O2 build `make check` made first.
if make -s -C tools/heki-verify all >"$OUT/hv-build.log" 2>&1; then
	for c in signed tampered block revoked tbs; do
		img=$OUT/vmlinuz
		case $c in
		signed) opts=(--certs "$OUT/kexec-certs.der") ;;
		tampered) opts=(--certs "$OUT/kexec-certs.der")
			img=$OUT/vmlinuz.bad ;;
		block) opts=(--certs "$OUT/kexec-certs.der"
			--blocklist "$OUT/kexec-block.txt") ;;
		revoked) opts=(--certs "$OUT/kexec-other-certs.der"
			--revoked "$OUT/kexec-certs.der") ;;
		tbs) opts=(--certs "$OUT/kexec-other-certs.der"
			--blocklist "$OUT/kexec-tbs.txt") ;;
		esac
		build/heki-verify/heki-verify kexec "${opts[@]}" "$img" \
			>"$OUT/hv-$c.out" 2>&1 || true
		same_verdict "heki-verify kexec $c" \
			"$(guest_verdict "$OUT/kexec.log" "$c")" \
			"$(hv_verdict "$img" "$OUT/hv-$c.out")"
	done
else
	result 0 "make -C tools/heki-verify all: $(tail -n 1 "$OUT/hv-build.log")"
fi

# Boot 2 (tests/vm/kexec-crash-guest.sh): a crash image's invalidation
# refused, then an image's invalidation answered with an undefined R8, and
# root shrinking the crashkernel= reserve meanwhile. A boot of its own: the
# undefined answer leaves heki_vtl0 pinned and fail-closed, as boot 1's
# last case does. It tests kexec.c's bookkeeping, the same on every kernel:
# run on bookworm (make check) and with KEXEC_BOOT2=1 on the others.
if [ "${KEXEC_BOOT2:-$([ "$KID" = bookworm ] && echo 1 || echo 0)}" = 1 ]; then
	echo "# --- boot 2: a crash image's invalidation refused, an image's undefined; kexec_crash_size"
	scripts/vm-run.sh -K -t 300 -E "$KID" -a "crashkernel=256M" -f "$KO" \
		-e "HEKI_KO=/${KO##*/}" -e "HEKI_MOD=$(modinfo -F name "$KO")" \
		-f "$OUT/kexec-load" -f "$OUT/vmlinuz" \
		-F "$OUT/kexec-certs.der:/lib/firmware/heki/kexec-certs.der" \
		-l "$OUT/kexec-2.log" tests/vm/kexec-crash-guest.sh >"$OUT/vm-2.out" || rc=$?
	cp "$OUT/kexec-2.log" "build/vm/kexec-2-$KID.log" 2>/dev/null || true
	vm_relay "$OUT/vm-2.out"
fi
# Boot 3 (tests/vm/kexec-exit-guest.sh): rmmod -f of heki_vtl0 racing an
# accepted load whose invalidation in the exit function fails: heki_vtl0
# stays, fail-closed, with the hooks that keep held frames. A boot of its
# own (heki_vtl0's exit never returns); bookworm, or KEXEC_BOOT3=1.
if [ "${KEXEC_BOOT3:-$([ "$KID" = bookworm ] && echo 1 || echo 0)}" = 1 ]; then
	echo "# --- boot 3: rmmod -f racing an accepted load, its invalidation in the exit refused"
	scripts/vm-run.sh -K -t 300 -E "$KID" -f "$KO" \
		-e "HEKI_KO=/${KO##*/}" -e "HEKI_MOD=$(modinfo -F name "$KO")" \
		-f "$OUT/kexec-load" -f "$OUT/vmlinuz" \
		-F "$OUT/kexec-certs.der:/lib/firmware/heki/kexec-certs.der" \
		-l "$OUT/kexec-3.log" tests/vm/kexec-exit-guest.sh >"$OUT/vm-3.out" || rc=$?
	cp "$OUT/kexec-3.log" "build/vm/kexec-3-$KID.log" 2>/dev/null || true
	vm_relay "$OUT/vm-3.out"
fi
if ! ktap_done && [ "$rc" = 0 ]; then
	rc=1
fi
exit $rc

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - the kexec/ suite: the kimage parser, the PE reader, the
# Authenticode check and KexecValidate wiring on the installed, Debian-signed
# /boot/vmlinuz-*-amd64, under ASan + UBSan (test_kexec).
#
# Prepares, in a private directory: the kernel, the certificate embedded
# in its signature (openssl pkcs7 -print_certs), an unrelated certificate,
# an impostor (the signer's issuer and serial, another key), the kernel
# re-signed by osslsigncode with a test key (SHA-256/384/512/1, and with
# trailing data), and osslsigncode's own image digests for the
# cross-check, and the kernel's own kexec_purgatory ELF and version
# (kernel-facts.py). Prints "# N skipped" and "N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

fail() {
	result 0 "kexec: $*"
	ktap_done
	exit
}

vmlinuz=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$vmlinuz" ] || fail "no /boot/vmlinuz-*-amd64 (scripts/setup.sh installs linux-image-amd64)"
command -v osslsigncode >/dev/null || fail "osslsigncode missing (scripts/setup.sh)"

mkdir -p build/host/kexec
out=$(cd "$(mktemp -d build/host/kexec/run.XXXXXX)" && pwd)
trap 'rm -rf "$out"' EXIT
d=$out/data
mkdir -p "$d"

# osslsigncode's "Calculated message digest" of a signed image.
calc_md() {
	osslsigncode verify -in "$1" 2>/dev/null |
		sed -n 's/^Calculated message digest *: *\([0-9A-Fa-f]*\).*/\1/p' |
		head -n 1
}

prepare() {
	local o=openssl serial
	cp "$vmlinuz" "$d/vmlinuz"
	# The PKCS#7 in the (only) WIN_CERTIFICATE of the certificate table.
	python3 - "$d/vmlinuz" "$d/vmlinuz.p7" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
pe = struct.unpack_from('<I', b, 0x3c)[0]
opt = pe + 24
off, size = struct.unpack_from('<II', b, opt + 112 + 4 * 8)
length = struct.unpack_from('<I', b, off)[0]
open(sys.argv[2], 'wb').write(b[off + 8:off + length])
PY
	$o pkcs7 -inform DER -in "$d/vmlinuz.p7" -print_certs -out "$d/signer.pem"
	$o x509 -in "$d/signer.pem" -outform DER -out "$d/signer.der"
	$o req -new -x509 -newkey rsa:2048 -nodes -days 2 \
		-subj "/CN=heki authenticode unrelated" \
		-keyout "$d/other.key" -out "$d/other.pem"
	$o x509 -in "$d/other.pem" -outform DER -out "$d/other.der"
	# Issuer and serial of the signer (PrintableString like Debian's).
	serial=$($o x509 -in "$d/signer.pem" -noout -serial | cut -d= -f2)
	printf '[req]\ndistinguished_name=dn\nstring_mask=default\n[dn]\n' \
		>"$d/req.cnf"
	$o req -new -x509 -newkey rsa:2048 -nodes -days 2 -config "$d/req.cnf" \
		-subj "$($o x509 -in "$d/signer.pem" -noout -issuer -nameopt compat | sed 's/^issuer=//')" \
		-set_serial "0x$serial" -keyout "$d/impostor.key" \
		-out "$d/impostor.pem"
	$o x509 -in "$d/impostor.pem" -outform DER -out "$d/impostor.der"
	$o req -new -x509 -newkey rsa:3072 -nodes -days 2 \
		-subj "/CN=heki authenticode test signer" \
		-keyout "$d/test.key" -out "$d/test.pem"
	$o x509 -in "$d/test.pem" -outform DER -out "$d/test.der"

	osslsigncode remove-signature -in "$d/vmlinuz" -out "$d/unsigned.efi"
	for h in 256 384 512 1; do
		osslsigncode sign -certs "$d/test.pem" -key "$d/test.key" \
			-h "sha$h" -in "$d/unsigned.efi" -out "$d/s$h.efi"
	done
	cp "$d/unsigned.efi" "$d/trail-unsigned.efi"
	head -c 24 /dev/urandom >>"$d/trail-unsigned.efi"
	osslsigncode sign -certs "$d/test.pem" -key "$d/test.key" -h sha256 \
		-in "$d/trail-unsigned.efi" -out "$d/trail.efi"

	# The kexec_purgatory ELF and version the kernel carries.
	python3 vtl1/tests/kexec/kernel-facts.py "$d/vmlinuz" "$d" || return 1
	calc_md "$d/vmlinuz" >"$d/md_vmlinuz"
	calc_md "$d/s256.efi" >"$d/md_s256"
	calc_md "$d/s384.efi" >"$d/md_s384"
	calc_md "$d/s512.efi" >"$d/md_s512"
	calc_md "$d/trail.efi" >"$d/md_trail"
	for f in md_vmlinuz md_s256 md_s384 md_s512 md_trail; do
		[ -s "$d/$f" ] || { echo "osslsigncode gave no digest for $f"; return 1; }
	done
}

prepare >"$out/prepare.log" 2>&1 || { cat "$out/prepare.log" >&2; fail "test data preparation failed"; }

make -s -C vtl1/tests/kexec OUT="$out" >&2 || fail "build failed"

# Every failed call's code, for tests/abi/call-errnos.sh (guest.c).
mkdir -p build/host/errno-reached
export HEKI_ERRNO_REACHED=$PWD/build/host/errno-reached/test_kexec.txt
rm -f "$HEKI_ERRNO_REACHED"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$out/test_kexec" "$d"
rc=$?
exit $rc

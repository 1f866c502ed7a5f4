#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# gen-sig-vectors.sh DIR - make the signature test vectors of the parser
# and crypto suites in DIR: RSA-2048 (two), RSA-4096, P-256 and P-384 keys
# with self-signed certificates (PEM and DER), detached CMS signatures of
# data.bin made the way the kernel's sign-file signs (openssl cms -binary
# -nocerts -noattr), and the variants the tests refuse (SHA-1, RSA-PSS,
# signed attributes, embedded content, key identifier, two signers, a
# second certificate for the same key, plain CMS data; for ECDSA,
# certificates with the signer's name and serial on another curve:
# P-384/P-256 swapped, secp256k1, P-521, a compressed P-256 point). Fresh
# keys on every run, valid for two days.
set -euo pipefail

d=${1:?usage: gen-sig-vectors.sh DIR}
o=openssl
mkdir -p "$d"
head -c 4099 /dev/urandom >"$d/data.bin"
for k in 1 2; do
	$o req -new -x509 -newkey rsa:2048 -nodes -days 2 \
		-subj "/CN=heki test key $k" \
		-keyout "$d/k$k.pem" -out "$d/c$k.pem"
	$o x509 -in "$d/c$k.pem" -outform DER -out "$d/c$k.der"
done
$o req -new -x509 -newkey rsa:4096 -nodes -days 2 \
	-subj "/CN=heki test key 4096" \
	-keyout "$d/k4096.pem" -out "$d/c4096.pem"
$o x509 -in "$d/c4096.pem" -outform DER -out "$d/c4096.der"
$o req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-days 2 -subj "/CN=heki test ec" \
	-keyout "$d/kec.pem" -out "$d/cec.pem"
$o x509 -in "$d/cec.pem" -outform DER -out "$d/cec.der"
$o req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
	-days 2 -subj "/CN=heki test ec384" \
	-keyout "$d/kec384.pem" -out "$d/cec384.pem"
$o x509 -in "$d/cec384.pem" -outform DER -out "$d/cec384.der"
# Certificates naming the signer of cec/cec384 (same subject, self-issued,
# same serial) with a key on another curve or in another point form.
# name signer-cert curve-or-keyfile
samename() {
	local name=$1 of=$2 curve=$3 serial subj key=$d/k$1.pem
	serial=0x$($o x509 -in "$d/$of.pem" -noout -serial | cut -d= -f2)
	subj=$($o x509 -in "$d/$of.pem" -noout -subject -nameopt compat |
		sed 's/^subject=//')
	if [ "$curve" = compressed ]; then
		$o ec -in "$d/kec.pem" -conv_form compressed -out "$key" 2>/dev/null
	else
		$o genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$curve" \
			-out "$key"
	fi
	$o req -new -x509 -key "$key" -days 2 -set_serial "$serial" \
		-subj "$subj" -outform DER -out "$d/c$name.der"
}
samename ec_p384 cec P-384
samename ec384_p256 cec384 P-256
samename ec_k256 cec secp256k1
samename ec_p521 cec P-521
samename ec_comp cec compressed
# cec's key with explicit curve parameters (P-256's, spelt out), and cec
# with the last byte of its point changed (off the curve).
$o ec -in "$d/kec.pem" -param_enc explicit -out "$d/kec_explicit.pem" 2>/dev/null
serial=0x$($o x509 -in "$d/cec.pem" -noout -serial | cut -d= -f2)
$o req -new -x509 -key "$d/kec_explicit.pem" -days 2 -set_serial "$serial" \
	-subj "$($o x509 -in "$d/cec.pem" -noout -subject -nameopt compat |
		sed 's/^subject=//')" -outform DER -out "$d/cec_explicit.der"
python3 - "$d/cec.der" "$d/cec_offcurve.der" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.index(b'\x03\x42\x00\x04')
b[i + 4 + 63] ^= 0x01
open(sys.argv[2], 'wb').write(b)
PY

# name key digest [extra cms options]
sign() {
	local name=$1 key=$2 md=$3
	shift 3
	$o cms -sign -binary -outform DER -nosmimecap -nocerts \
		-md "$md" -in "$d/data.bin" -signer "$d/c$key.pem" \
		-inkey "$d/k$key.pem" -out "$d/$name" "$@"
}
sign s256.p7 1 sha256 -noattr
sign s384.p7 1 sha384 -noattr
sign s512.p7 1 sha512 -noattr
sign s1.p7 1 sha1 -noattr
sign sk2.p7 2 sha256 -noattr
sign s4096.p7 4096 sha256 -noattr
sign sec.p7 ec sha256 -noattr
sign sec_384.p7 ec sha384 -noattr
sign sec_512.p7 ec sha512 -noattr
sign sec384.p7 ec384 sha384 -noattr
sign sec384_256.p7 ec384 sha256 -noattr
sign sec384_512.p7 ec384 sha512 -noattr
sign sec1.p7 ec sha1 -noattr
sign spss.p7 1 sha256 -noattr -keyopt rsa_padding_mode:pss
sign sattr.p7 1 sha256
sign sembed.p7 1 sha256 -noattr -nodetach
sign skeyid.p7 1 sha256 -noattr -keyid
sign stwo.p7 1 sha256 -noattr -signer "$d/c2.pem" -inkey "$d/k2.pem"
# Same key as c1, another certificate (other serial and subject).
$o req -new -x509 -key "$d/k1.pem" -days 2 -set_serial 7 \
	-subj "/CN=heki test key 1 again" -out "$d/c1b.pem"
$o x509 -in "$d/c1b.pem" -outform DER -out "$d/c1b.der"
$o cms -data_create -binary -outform DER -in "$d/data.bin" \
	-out "$d/sdata.p7"

# Revocation (test_revoke.c): c1s has c1's subject (and issuer) but its own
# key and serial; c1x has c1's subject and serial and its own key.
$o req -new -x509 -newkey rsa:2048 -nodes -days 2 \
	-subj "/CN=heki test key 1" -keyout "$d/k1s.pem" -out "$d/c1s.pem"
$o x509 -in "$d/c1s.pem" -outform DER -out "$d/c1s.der"
serial=$($o x509 -in "$d/c1.pem" -noout -serial | cut -d= -f2)
$o req -new -x509 -newkey rsa:2048 -nodes -days 2 -set_serial "0x$serial" \
	-subj "/CN=heki test key 1" -keyout "$d/k1x.pem" -out "$d/c1x.pem"
$o x509 -in "$d/c1x.pem" -outform DER -out "$d/c1x.der"
# A signed module file as sign-file writes it: content, PKCS#7, the
# 12-byte trailer (id_type 2, big-endian signature length), the magic.
siglen=$(stat -c %s "$d/s256.p7")
{
	cat "$d/data.bin" "$d/s256.p7"
	printf '\0\0\002\0\0\0\0\0'
	printf "\\$(printf %03o $((siglen >> 24 & 255)))\\$(printf %03o $((siglen >> 16 & 255)))"
	printf "\\$(printf %03o $((siglen >> 8 & 255)))\\$(printf %03o $((siglen & 255)))"
	printf '~Module signature appended~\n'
} >"$d/mod.ko"
# The blocklist entries an administrator writes (Documentation/admin-guide
# commands): the file's SHA-256, the signed content's, c1's tbs: hash.
echo "bin:$(sha256sum "$d/mod.ko" | cut -d' ' -f1)" >"$d/bl-file"
echo "bin:$(sha256sum "$d/data.bin" | cut -d' ' -f1)" >"$d/bl-content"
echo "bin:$(sha384sum "$d/data.bin" | cut -d' ' -f1)" >"$d/bl-content384"
$o asn1parse -inform DER -in "$d/c1.der" -strparse 4 -noout -out "$d/c1.tbs"
echo "tbs:$(sha256sum "$d/c1.tbs" | cut -d' ' -f1)" >"$d/bl-tbs"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Host unit tests of the VTL1 parsers and the OpenSSL provider, under ASan
# and UBSan. Makes fresh test keys and CMS signatures with the openssl tool
# (the way the kernel's sign-file signs), builds, runs. Run from the
# repository root; prints "N passed, N failed" last.
set -euo pipefail

# A private directory per run: concurrent runs (several make check) must
# not regenerate each other's keys or binary.
mkdir -p build/host/parsers
out=$(mktemp -d build/host/parsers/run.XXXXXX)
trap 'rm -rf "$out"' EXIT
keys=$out/keys
mkdir -p "$keys"
CC=${CC:-gcc}

fail() {
	echo "parsers: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

gen_keys() {
	local d=$keys o="openssl"
	head -c 4099 /dev/urandom >"$d/data.bin"
	for k in 1 2; do
		$o req -new -x509 -newkey rsa:2048 -nodes -days 2 \
			-subj "/CN=heki parser test key $k" \
			-keyout "$d/k$k.pem" -out "$d/c$k.pem"
		$o x509 -in "$d/c$k.pem" -outform DER -out "$d/c$k.der"
	done
	$o req -new -x509 -newkey rsa:4096 -nodes -days 2 \
		-subj "/CN=heki parser test key 4096" \
		-keyout "$d/k4096.pem" -out "$d/c4096.pem"
	$o x509 -in "$d/c4096.pem" -outform DER -out "$d/c4096.der"
	$o req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-days 2 -subj "/CN=heki parser test ec" \
		-keyout "$d/kec.pem" -out "$d/cec.pem"
	$o x509 -in "$d/cec.pem" -outform DER -out "$d/cec.der"

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
	sign spss.p7 1 sha256 -noattr -keyopt rsa_padding_mode:pss
	sign sattr.p7 1 sha256
	sign sembed.p7 1 sha256 -noattr -nodetach
	sign skeyid.p7 1 sha256 -noattr -keyid
	sign stwo.p7 1 sha256 -noattr -signer "$d/c2.pem" -inkey "$d/k2.pem"
	# Same key as c1, another certificate (other serial and subject).
	$o req -new -x509 -key "$d/k1.pem" -days 2 -set_serial 7 \
		-subj "/CN=heki parser test key 1 again" -out "$d/c1b.pem"
	$o x509 -in "$d/c1b.pem" -outform DER -out "$d/c1b.der"
	$o cms -data_create -binary -outform DER -in "$d/data.bin" \
		-out "$d/sdata.p7"
}

gen_keys >"$out/keys.log" 2>&1 || { cat "$out/keys.log" >&2; fail "key generation failed"; }

srcs="vtl1/src/modsig.c vtl1/src/certs.c vtl1/src/symtab.c vtl1/src/sort.c
	vtl1/src/patchinfo.c vtl1/src/kimage.c vtl1/crypto/openssl.c
	vtl1/tests/parsers/main.c vtl1/tests/parsers/test_modsig.c
	vtl1/tests/parsers/test_certs.c vtl1/tests/parsers/test_symtab.c
	vtl1/tests/parsers/test_patchinfo.c vtl1/tests/parsers/test_kimage.c
	vtl1/tests/parsers/test_pkcs7.c"
# shellcheck disable=SC2086
$CC -std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I uapi -I vtl1/include -I vtl1/src -o "$out/test_parsers" $srcs \
	-lcrypto || fail "build failed"

ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$out/test_parsers" "$keys"

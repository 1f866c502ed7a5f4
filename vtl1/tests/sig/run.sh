#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - the sig/ suite: host tests of the DER reader, the PKCS#7 parser,
# the module signature trailer and both crypto providers (OpenSSL,
# BearSSL) under ASan + UBSan (test_sig), plus the freestanding build of
# the BearSSL provider. Makes its keys and signatures with
# vtl1/tests/gen-sig-vectors.sh. Run from the repository root; prints
# "# N skipped" and "N passed, N failed" last.
set -uo pipefail

mkdir -p build/host/sig
out=$(mktemp -d build/host/sig/run.XXXXXX)
trap 'rm -rf "$out"' EXIT
keys=$out/keys
mkdir -p "$keys"
CC=${CC:-gcc}
BEARSSL_A=/usr/lib/x86_64-linux-gnu/libbearssl.a
. tests/lib/ktap.sh
echo "KTAP version 1"
ok() { result 1 "$1"; }
ko() { echo "# $2"; result 0 "$1"; }
finish() { ktap_done; exit $?; }


# 1. The provider builds freestanding and needs only the memory functions,
#    BearSSL and the library's DER/PKCS#7 code.
fs_obj=$out/bearssl-fs.o
if make -s -C vtl1 lib >"$out/lib.log" 2>&1 &&
   $CC -std=gnu11 -O2 -ffreestanding -fno-builtin -nostdinc \
	-isystem "$($CC -print-file-name=include)" \
	-isystem vtl1/crypto/freestanding -fno-stack-protector -fno-common \
	-fno-pic -mno-red-zone -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wvla -Wframe-larger-than=1024 -I uapi -I vtl1/include -I vtl1/src \
	-idirafter /usr/include -c vtl1/crypto/bearssl.c -o "$fs_obj" \
	>"$out/fs.log" 2>&1; then
	ok "bearssl provider: freestanding build (-ffreestanding -nostdinc)"
	extra=$(nm -u "$fs_obj" | awk '{print $2}' |
		grep -vxE 'memcpy|memset|memmove|memcmp|br_[a-z0-9_]+|heki_(der|pkcs7)_[a-z0-9_]+' |
		tr '\n' ' ')
	if [ -z "$extra" ]; then
		ok "bearssl provider: undefined symbols are mem*, br_* and heki_der/pkcs7 only"
	else
		ko "bearssl provider: undefined symbols are mem*, br_* and heki_der/pkcs7 only" "$extra"
	fi
	if ld -r -o "$out/all.o" "$fs_obj" build/vtl1/libheki_vtl1.a "$BEARSSL_A" 2>"$out/ld.log"; then
		# Debian builds libbearssl.a with _FORTIFY_SOURCE and the stack
		# protector: an embedder provides these three (see vtl1-parsers.rst).
		extra=$(nm -u "$out/all.o" | awk '{print $2}' |
			grep -vxE 'memcpy|memset|memmove|memcmp|__memcpy_chk|__memset_chk|__stack_chk_fail|_GLOBAL_OFFSET_TABLE_' |
			tr '\n' ' ')
		if [ -z "$extra" ]; then
			ok "bearssl provider + libheki_vtl1.a + libbearssl.a: nothing else undefined"
		else
			ko "bearssl provider + libheki_vtl1.a + libbearssl.a: nothing else undefined" "$extra"
		fi
	else
		ko "bearssl provider: ld -r with the libraries" "$(head -n 3 "$out/ld.log")"
	fi
else
	ko "bearssl provider: freestanding build" "$(tail -n 5 "$out/lib.log" "$out/fs.log" 2>/dev/null)"
fi

vtl1/tests/gen-sig-vectors.sh "$keys" >"$out/keys.log" 2>&1 || { cat "$out/keys.log" >&2; ko "key generation" "failed"; finish; }

srcs="vtl1/src/sig/der.c vtl1/src/sig/pkcs7.c vtl1/src/sig/modsig.c vtl1/src/sig/revoke.c
	vtl1/src/kdata/certs.c vtl1/crypto/openssl.c vtl1/crypto/bearssl.c
	vtl1/tests/check.c vtl1/tests/sig/main.c vtl1/tests/sig/test_der.c
	vtl1/tests/sig/test_pkcs7.c vtl1/tests/sig/test_modsig.c
	vtl1/tests/sig/test_openssl.c vtl1/tests/sig/test_providers.c
	vtl1/tests/sig/test_ecdsa.c vtl1/tests/sig/test_revoke.c"
# shellcheck disable=SC2086
if ! $CC -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
	-fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I uapi -I vtl1/include -I vtl1/src -I vtl1/tests -o "$out/test_sig" $srcs \
	"$BEARSSL_A" -lcrypto >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	ko "host test build" "$(head -n 5 "$out/build.log")"
	finish
fi

ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$out/test_sig" "$keys" >"$out/test.log" 2>"$out/test.err"
rc=$?
cat "$out/test.err" >&2
grep -v -E '^(KTAP version 1|1\.\.[0-9]+|[0-9]+ passed, [0-9]+ failed|# [0-9]+ skipped)$' "$out/test.log"
ktap_merge "$out/test.log" test_sig
[ $rc -eq 0 ] || [ "$KTAP_FAIL" -ne 0 ] || ko "test_sig exit" "rc $rc"
finish

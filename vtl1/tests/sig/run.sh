#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Host tests of the DER reader, the PKCS#7 parser and both crypto
# providers (OpenSSL, BearSSL) under ASan + UBSan, plus the freestanding
# build of the BearSSL provider. Makes its keys and signatures with
# vtl1/tests/gen-sig-vectors.sh, as vtl1/tests/parsers/run.sh does. Run
# from the repository root; prints "N passed, N failed" last.
set -uo pipefail

mkdir -p build/host/crypto
out=$(mktemp -d build/host/crypto/run.XXXXXX)
trap 'rm -rf "$out"' EXIT
keys=$out/keys
mkdir -p "$keys"
CC=${CC:-gcc}
BEARSSL_A=/usr/lib/x86_64-linux-gnu/libbearssl.a
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1: $2"; fail=$((fail + 1)); }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }


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

srcs="vtl1/src/sig/der.c vtl1/src/sig/pkcs7.c vtl1/src/sig/modsig.c
	vtl1/crypto/openssl.c vtl1/crypto/bearssl.c
	vtl1/tests/crypto/main.c vtl1/tests/crypto/test_der.c
	vtl1/tests/crypto/test_pkcs7.c vtl1/tests/crypto/test_providers.c"
# shellcheck disable=SC2086
if ! $CC -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
	-fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I uapi -I vtl1/include -I vtl1/src -o "$out/test_crypto" $srcs \
	"$BEARSSL_A" -lcrypto >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	ko "host test build" "$(head -n 5 "$out/build.log")"
	finish
fi

T_VERBOSE=${T_VERBOSE:-} ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$out/test_crypto" "$keys" >"$out/test.log" 2>"$out/test.err"; cat "$out/test.err" >&2
rc=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$out/test.log"
last=$(tail -n 1 "$out/test.log")
if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
	pass=$((pass + BASH_REMATCH[1]))
	fail=$((fail + BASH_REMATCH[2]))
	[ $rc -eq 0 ] || [ "${BASH_REMATCH[2]}" -ne 0 ] || ko "test_crypto exit" "rc $rc"
else
	ko "test_crypto" "crashed (rc $rc)"
fi
finish

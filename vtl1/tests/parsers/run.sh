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


vtl1/tests/gen-sig-vectors.sh "$keys" >"$out/keys.log" 2>&1 || { cat "$out/keys.log" >&2; fail "key generation failed"; }

srcs="vtl1/src/sig/modsig.c vtl1/src/kdata/certs.c vtl1/src/kdata/symtab.c
	vtl1/src/core/sort.c vtl1/src/kdata/patchinfo.c vtl1/src/core/patchdesc.c
	vtl1/src/kexec/kimage.c vtl1/crypto/openssl.c
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

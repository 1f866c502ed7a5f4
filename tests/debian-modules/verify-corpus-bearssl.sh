#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# verify-corpus.sh through the freestanding BearSSL provider: every signed
# module of the installed Debian kernel must verify against that kernel's
# module-signing certificate through heki_modsig_verify() on
# vtl1/crypto/bearssl.c (the library's own PKCS#7 parser on BearSSL's
# SHA-2 and RSA), and tampered copies of every 50th module must fail, as
# with the OpenSSL provider. Same options (SEED=, MODDIR=). Run from the
# repository root; prints "N passed, N failed" last.
set -euo pipefail

mkdir -p build/host/debian-modules
out=$(mktemp -d build/host/debian-modules/bearssl.XXXXXX)
trap 'rm -rf "$out"' EXIT
CC=${CC:-gcc}

fail() {
	echo "debian-modules-bearssl: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

vmlinuz=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$vmlinuz" ] || fail "no /boot/vmlinuz-*-amd64 (run scripts/setup.sh)"
kver=${vmlinuz#/boot/vmlinuz-}
moddir=${MODDIR:-/lib/modules/$kver/kernel}
[ -d "$moddir" ] || fail "no $moddir"

scripts/debian-kernel-cert.sh "$out/kernel-cert.der" "$vmlinuz" ||
	fail "cannot extract the module-signing certificate"

# shellcheck disable=SC2086
$CC -std=gnu11 -O2 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -DHEKI_MODVERIFY_BEARSSL \
	-I uapi -I vtl1/include -I vtl1/src \
	-o "$out/modverify" tests/debian-modules/modverify.c \
	vtl1/src/modsig.c vtl1/src/certs.c vtl1/src/der.c vtl1/src/pkcs7.c \
	vtl1/crypto/openssl.c vtl1/crypto/bearssl.c \
	/usr/lib/x86_64-linux-gnu/libbearssl.a -lcrypto ||
	fail "build failed"

mkdir -p "$out/unz"
find "$moddir" -name '*.ko' | sort >"$out/list"
while IFS= read -r f; do
	d=$out/unz/${f#"$moddir"/}
	mkdir -p "$(dirname "$d")"
	case $f in
	*.xz) xz -dc "$f" >"${d%.xz}" ;;
	*.zst) zstd -qdc "$f" >"${d%.zst}" ;;
	esac
	echo "${d%.*}"
done < <(find "$moddir" -name '*.ko.xz' -o -name '*.ko.zst' | sort) >>"$out/list"
[ -s "$out/list" ] || fail "no modules under $moddir"

seed=${SEED:-$(date +%s)}
echo "bearssl provider: kernel $kver, $(wc -l <"$out/list") modules, flip seed $seed"
"$out/modverify" "$out/kernel-cert.der" "$seed" <"$out/list"

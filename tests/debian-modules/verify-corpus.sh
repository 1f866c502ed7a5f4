#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# Real data nobody here made: every signed module of the installed Debian
# kernel must verify against that kernel's own module-signing certificate
# (extracted from /boot/vmlinuz-*, scripts/debian-kernel-cert.sh), through
# the VTL1 library's signature parser and one crypto provider; tampered
# copies of every 50th module must fail. Run from the repository root;
# prints "# N skipped" and "N passed, N failed" last. SEED=<n> repeats a run's flip positions;
# MODDIR=<dir> verifies the modules under another directory instead.
# KERNEL=<id> takes the kernel image and its modules from scripts/kernel-env.sh
# --offline <id> (the packages tests/kernels/suite.sh <id> build prepares:
# trixie's and sid's modules are ECDSA P-384 signed); SAMPLE=<n> keeps every
# n-th module.
#
# Usage: verify-corpus.sh [openssl|bearssl]
#   openssl  the host provider (vtl1/crypto/openssl.c), the default
#   bearssl  the freestanding provider (vtl1/crypto/bearssl.c: the
#            library's own PKCS#7 parser on BearSSL's SHA-2 and RSA)
set -euo pipefail
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

provider=${1:-openssl}
case $provider in
openssl) pdefs='' psrcs=(vtl1/crypto/openssl.c) plibs=(-lcrypto) ;;
bearssl)
	pdefs=-DHEKI_MODVERIFY_BEARSSL
	psrcs=(vtl1/src/sig/der.c vtl1/src/sig/pkcs7.c vtl1/crypto/openssl.c
		vtl1/crypto/bearssl.c)
	plibs=(/usr/lib/x86_64-linux-gnu/libbearssl.a -lcrypto)
	;;
*)
	echo "usage: $0 [openssl|bearssl]" >&2
	ktap_bail "debian-modules: provider $provider known"
	;;
esac

# A private directory per run, so concurrent runs do not collide.
mkdir -p build/host/debian-modules
out=$(mktemp -d "build/host/debian-modules/$provider.XXXXXX")
trap 'rm -rf "$out"' EXIT
CC=${CC:-gcc}

fail() {
	ktap_bail "debian-modules ($provider): $*"
}

if [ -n "${KERNEL:-}" ]; then
	env=$(scripts/kernel-env.sh --offline "$KERNEL" 2>"$out/env.log") ||
		fail "scripts/kernel-env.sh --offline $KERNEL: $(tail -n 1 "$out/env.log")"
	vmlinuz=$(sed -n 's/^VMLINUZ=//p' <<<"$env" | tr -d "'\"")
	kver=$(sed -n 's/^KVER=//p' <<<"$env" | tr -d "'\"")
	moddir=${MODDIR:-$(sed -n 's/^MODDIR=//p' <<<"$env" | tr -d "'\"")/kernel}
else
	vmlinuz=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$vmlinuz" ] || fail "no /boot/vmlinuz-*-amd64 (run scripts/setup.sh)"
	kver=${vmlinuz#/boot/vmlinuz-}
	moddir=${MODDIR:-/lib/modules/$kver/kernel}
fi
[ -d "$moddir" ] || fail "no $moddir"

scripts/debian-kernel-cert.sh "$out/kernel-cert.der" "$vmlinuz" ||
	fail "cannot extract the module-signing certificate"

# shellcheck disable=SC2086
$CC -std=gnu11 -O2 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all $pdefs -I uapi -I vtl1/include -I vtl1/src \
	-I vtl1/tests -o "$out/modverify" tests/debian-modules/modverify.c \
	vtl1/tests/check.c \
	vtl1/src/sig/modsig.c vtl1/src/kdata/certs.c "${psrcs[@]}" "${plibs[@]}" ||
	fail "build failed"

# Plain .ko files as they are; .ko.xz / .ko.zst decompressed into $out/unz.
mkdir -p "$out/unz"
sample() { awk -v n="${SAMPLE:-1}" 'NR % n == 0'; }
find "$moddir" -name '*.ko' | sort | sample >"$out/list"
while IFS= read -r f; do
	d=$out/unz/${f#"$moddir"/}
	mkdir -p "$(dirname "$d")"
	case $f in
	*.xz) xz -dc "$f" >"${d%.xz}" ;;
	*.zst) zstd -qdc "$f" >"${d%.zst}" ;;
	esac
	echo "${d%.*}"
done < <(find "$moddir" -name '*.ko.xz' -o -name '*.ko.zst' | sort | sample) >>"$out/list"
[ -s "$out/list" ] || fail "no modules under $moddir"

seed=${SEED:-$(date +%s)}
echo "$provider provider: kernel $kver, $(wc -l <"$out/list") modules, flip seed $seed"
"$out/modverify" "$out/kernel-cert.der" "$seed" <"$out/list"

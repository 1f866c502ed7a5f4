#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# gen-real-seeds.sh [OUT] - fuzz_dispatch seeds of real flows, from the
# installed Debian kernel package (scripts/setup.sh installs it): its
# module signing certificate (scripts/debian-kernel-cert.sh) through
# LoadKData, and one module it signed (crypto/md4) through ValidateModule,
# FreeModuleInit and UnloadModule (real-kdata, real-module); the
# certificate that signed the vmlinuz (osslsigncode extract-signature),
# the kernel's own kexec_purgatory (tests/kexec/kernel-facts.py) and the
# signed vmlinuz through KexecValidate (real-kexec). All checked by OpenSSL
# (gen_seeds.c, real_seeds() and real_kexec()): a flow VTL1 refuses fails
# the script. Writes OUT/fuzz_dispatch/real-* (default
# build/fuzz/vtl1/corpus-real) and, in build/fuzz/real-data, what
# fuzz_dispatch reads at start (vmlinuz, purgatory.ro, version). The inputs
# start with 'R' (fuzz_dispatch then runs them on OpenSSL). Exits non-zero,
# saying why, when a part is missing.
set -euo pipefail
cd "$(dirname "$0")/../../.." || exit 1
out=$(mkdir -p "${1:-build/fuzz/vtl1/corpus-real}" && cd "${1:-build/fuzz/vtl1/corpus-real}" && pwd)
data=$PWD/build/fuzz/real-data
mkdir -p "$data"
vmlinuz=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$vmlinuz" ] || { echo "no /boot/vmlinuz-*-amd64 (scripts/setup.sh)" >&2; exit 1; }
kver=${vmlinuz#/boot/vmlinuz-}
if [ ! -s "$data/cert.der" ] || [ "$data/cert.der" -ot "$vmlinuz" ]; then
	scripts/debian-kernel-cert.sh "$data/cert.der" "$vmlinuz" 2>"$data/cert.log" ||
		{ tail -n 3 "$data/cert.log" >&2; exit 1; }
fi
mod=$(ls "/lib/modules/$kver/kernel/crypto/md4.ko"* 2>/dev/null | head -n 1)
[ -n "$mod" ] || { echo "no md4 module of $kver" >&2; exit 1; }
case $mod in
*.xz) xz -dc "$mod" >"$data/module.ko" ;;
*) cp "$mod" "$data/module.ko" ;;
esac
if [ ! -s "$data/signer.der" ] || [ "$data/signer.der" -ot "$vmlinuz" ]; then
	{
		cp "$vmlinuz" "$data/vmlinuz" &&
			python3 vtl1/tests/kexec/kernel-facts.py "$data/vmlinuz" "$data" &&
			rm -f "$data/vmlinuz.p7" &&
			osslsigncode extract-signature -in "$data/vmlinuz" -out "$data/vmlinuz.p7" &&
			openssl pkcs7 -inform DER -in "$data/vmlinuz.p7" -print_certs |
			openssl x509 -outform DER -out "$data/signer.der"
	} >"$data/kexec.log" 2>&1 || { tail -n 3 "$data/kexec.log" >&2; exit 1; }
fi
make -s -C vtl1 real-seeds REAL_OUT="$out" REAL_DATA="$data"

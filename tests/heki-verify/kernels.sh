#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# kernels.sh ID - heki-verify (ASan + UBSan build, OpenSSL provider) on the
# signed modules of another kernel of the matrix, with that kernel's own
# module-signing certificate: scripts/kernel-env.sh --offline ID gives the
# packages tests/kernels/suite.sh ID build prepared. Debian 13's 6.12 and
# unstable's 7.2 sign their modules with ECDSA (a P-384 key,
# ecdsa-with-SHA256), the path this suite proves on real data. SAMPLE=<n>
# checks every n-th module (default 4) plus kvm, btrfs, nf_tables, xfs and
# ext4. Prints "N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

id=${1:?usage: kernels.sh ID}
echo "KTAP version 1"
make -s -C tools/heki-verify san >&2 || ktap_bail "heki-verify: ASan+UBSan build"
hv=$PWD/build/host/heki-verify/heki-verify
mkdir -p build/host/heki-verify
d=$(cd "$(mktemp -d "build/host/heki-verify/$id.XXXXXX")" && pwd)
trap 'rm -rf "$d"' EXIT
env=$(scripts/kernel-env.sh --offline "$id" 2>"$d/env.log") ||
	ktap_bail "kernel $id prepared (tests/kernels/suite.sh $id build): $(tail -n 1 "$d/env.log")"
val() { sed -n "s/^$1=//p" <<<"$env" | tr -d "'\""; }
vmlinuz=$(val VMLINUZ)
kver=$(val KVER)
tree=$(val MODDIR)/kernel
if [ ! -r "$vmlinuz" ] || [ ! -d "$tree" ]; then
	ktap_bail "kernel $id: $vmlinuz and $tree present"
fi

# 1. That kernel's certificate, and what it is.
scripts/debian-kernel-cert.sh "$d/cert.der" "$vmlinuz" 2>/dev/null ||
	ktap_bail "heki-verify $id: module-signing certificate extracted from $vmlinuz"
keyinfo=$(openssl x509 -inform DER -in "$d/cert.der" -noout -text |
	grep -E 'Public Key Algorithm|NIST CURVE' | tr -s ' ' | tr '\n' ' ')
echo "# $kver: $keyinfo"
result "$(grep -q 'id-ecPublicKey' <<<"$keyinfo" && echo 1)" \
	"$id: the module-signing key of $kver is an EC key ($keyinfo)"

# shellcheck source=tests/heki-verify/lib.sh
. tests/heki-verify/lib.sh

# 2. The sample, every module accepted.
mapfile -t sample < <({
	find "$tree" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' | sort |
		awk -v n="${SAMPLE:-4}" 'NR % n == 0'
	for m in kvm btrfs nf_tables xfs ext4; do
		find "$tree" -name "$m.ko*"
	done
} | awk '!seen[$0]++')
hv sample modules --certs "$d/cert.der" --quiet "${sample[@]}"
result "$([ $rc = 0 ] && [ ! -s "$d/sample.err" ] &&
	grep -qE "^  accepted +${#sample[@]}\$" "$d/sample.out" && echo 1)" \
	"$id: ${#sample[@]} of $kver's ECDSA-signed modules (every ${SAMPLE:-4}th, kvm, btrfs, nf_tables, xfs, ext4) accepted, exit 0"

# 3. ext4, decompressed: one data bit, one bit of the ECDSA s value (the
# last byte of the PKCS#7 blob, before the 12-byte trailer and the magic).
ko=$(find "$tree" -name 'ext4.ko*' | head -n 1)
case $ko in
*.xz) xz -dc "$ko" >"$d/ext4.ko" ;;
*.zst) zstd -qdc "$ko" >"$d/ext4.ko" ;;
*) cp "$ko" "$d/ext4.ko" ;;
esac
# flip FILE OFFSET: invert bit 0 of the byte at OFFSET (negative: from the end)
flip() {
	python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(0, 2); n = int(sys.argv[2])
n = n if n >= 0 else f.tell() + n
f.seek(n); b = f.read(1); f.seek(n); f.write(bytes([b[0] ^ 1]))' "$1" "$2"
}
cp "$d/ext4.ko" "$d/data.ko"
flip "$d/data.ko" 4096
cp "$d/ext4.ko" "$d/sig.ko"
flip "$d/sig.ko" -41
rej="signature: SIG_KEY_REJECTED (no system certificate verifies the signature)"
hv one modules --certs "$d/cert.der" "$d/ext4.ko" "$d/data.ko" "$d/sig.ko"
result "$([ $rc = 1 ] && line one "accepted $d/ext4.ko" &&
	line one "refused  $d/data.ko: $rej" && line one "refused  $d/sig.ko: $rej" && echo 1)" \
	"$id: ext4 accepted; one data bit and one bit of the ECDSA s value refused (SIG_KEY_REJECTED), exit 1"

# 4. Another kernel's certificate (the host's RSA one) refuses the module.
host=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$host" ] && scripts/debian-kernel-cert.sh "$d/host.der" "$host" 2>/dev/null; then
	hv other modules --certs "$d/host.der" "$d/ext4.ko"
	result "$([ $rc = 1 ] && line other "refused  $d/ext4.ko: $rej" && echo 1)" \
		"$id: ext4 with the host kernel's module-signing certificate refused, exit 1"
else
	skip "$id: ext4 with the host kernel's certificate" "no host kernel certificate"
fi
ktap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build.sh - build and sign heki's end-to-end test modules with keys made
# now (never reused between runs).
#
# Usage: tests/modules/build.sh OUTDIR [NCOPIES]
#
# Writes to OUTDIR:
#   test-key.pem test-cert.der     fresh RSA-2048 signing key + X.509 cert
#                                   with the kernel's x509 extensions
#   other-key.pem other-cert.der   a second key the guest is never told about
#   test-certs.der                 the certs= firmware file (test cert only)
#   heki_test_mod.ko               signed with the test key
#   heki_test_mod-unsigned.ko      the same module, not signed
#   heki_test_mod-tampered.ko      signed, then one byte of .rodata flipped
#   heki_test_mod-otherkey.ko      signed with the unknown key
#   heki_test_mod-longcn.ko        signed with a third unknown key whose
#                                   CN is 300 bytes with spaces
#                                   (longcn-signer.hex: its first 64 in hex)
#   heki_test_mod-skid.ko          signed with the test key, the signer
#                                   named by subject key identifier
#                                   (sign-file -k; test-skid.hex)
#   heki_conc_NN.ko                NCOPIES (default 16) signed copies under
#                                   other module names, for concurrent loads
#   initmod                        static tool: load a .ko with init_module(2)
#   delmod32                       static, not PIE: unload a module through
#                                   int $0x80 (i386 delete_module, 129)
# Env: KERNEL_ID (a kernel of scripts/kernel-env.sh: its headers, compiler
# and sign-file, in its toolchain root), else KDIR (default: newest
# /usr/src/linux-headers-*-amd64) on the host.
set -euo pipefail

OUT=${1:?usage: build.sh OUTDIR [NCOPIES]}
NCOPIES=${2:-16}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
RUN=()
CCARG=()
if [ -n "${KERNEL_ID:-}" ]; then
	kenv=$("$ROOT/scripts/kernel-env.sh" "$KERNEL_ID") || exit 2
	KDIR=$(eval "$kenv"; echo "$KDIR")
	CCARG=(CC="$(eval "$kenv"; echo "$CC")")
	croot=$(eval "$kenv"; echo "$CHROOT")
	RUN=(bash "$ROOT/scripts/kernel-chroot.sh" "$KERNEL_ID")
else
	KDIR=${KDIR:-$(printf '%s\n' /usr/src/linux-headers-*-amd64 | sort -V | tail -n1)}
	croot=
fi
[ -f "$croot$KDIR/Makefile" ] || { echo "build.sh: no kernel headers (KDIR='$croot$KDIR')" >&2; exit 2; }
SIGN=$KDIR/scripts/sign-file
[ -x "$croot$SIGN" ] || { echo "build.sh: $croot$SIGN missing" >&2; exit 2; }

mkdir -p "$OUT"
rm -f "$OUT"/*.ko "$OUT"/*.der "$OUT"/*.pem
OUT=$(cd "$OUT" && pwd)
SRC=$OUT/src
rm -rf "$SRC"
mkdir -p "$SRC"

# 1. Keys: the same extensions as the kernel's certs/default_x509.genkey
#    (digitalSignature, subject and authority key identifiers).
genkey() { # name CN
	# OpenSSL caps a CN at RFC 5280's 64 bytes unless its string table
	# says otherwise (stbl_section: for the long-CN key).
	cat >"$OUT/$1.genkey" <<GENKEY
openssl_conf = openssl_init
[ openssl_init ]
stbl_section = stbl
[ stbl ]
commonName = min:1,max:1024

[ req ]
default_bits = 2048
distinguished_name = req_distinguished_name
prompt = no
string_mask = utf8only
x509_extensions = myexts

[ req_distinguished_name ]
O = heki end-to-end tests
CN = $2
emailAddress = heki-tests@invalid

[ myexts ]
basicConstraints=critical,CA:FALSE
keyUsage=digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
GENKEY
	OPENSSL_CONF="$OUT/$1.genkey" openssl req -new -nodes -utf8 -sha256 \
		-days 36500 -batch -x509 -config "$OUT/$1.genkey" -outform DER \
		-out "$OUT/$1-cert.der" -keyout "$OUT/$1-key.pem" 2>/dev/null
}
genkey test "heki test signing key $(date -u +%Y%m%dT%H%M%S)-$$"
genkey other "heki unknown signing key $$"
longcn=$(printf 'heki signer with a long name, %03d ' $(seq 1 10))
genkey long "$longcn"
printf '%s' "$longcn" | head -c 64 | od -An -tx1 | tr -d ' \n' | tr a-f A-F >"$OUT/longcn-signer.hex"
openssl x509 -inform DER -in "$OUT/test-cert.der" -noout -ext subjectKeyIdentifier |
	sed -n 's/^ *\([0-9A-F:]*\)$/\1/p' | tr -d ':\n' >"$OUT/test-skid.hex"
[ -s "$OUT/test-skid.hex" ] || { echo "build.sh: test certificate has no subject key identifier" >&2; exit 1; }
cp "$OUT/test-cert.der" "$OUT/test-certs.der"

# 2. Modules: one source, several object names (the module name is the
#    object name), built by kbuild against the Debian headers.
cp "$HERE/heki_test_mod.c" "$SRC/heki_test_mod.c"
cp "$HERE/Kbuild.in" "$SRC/Kbuild"
echo "obj-m += heki_test_mod.o" >>"$SRC/Kbuild"
names=()
for i in $(seq 0 $((NCOPIES - 1))); do
	n=$(printf 'heki_conc_%02d' "$i")
	names+=("$n")
	cp "$HERE/heki_test_mod.c" "$SRC/$n.c"
	echo "obj-m += $n.o" >>"$SRC/Kbuild"
done
"${RUN[@]}" make -s -C "$KDIR" M="$SRC" "${CCARG[@]}" modules >"$OUT/kbuild.log" 2>&1 ||
	{ cat "$OUT/kbuild.log" >&2; exit 1; }

# Strip debug info as Debian does for its own modules (INSTALL_MOD_STRIP).
for k in "$SRC"/*.ko; do strip --strip-debug "$k"; done

MARK='~Module signature appended~'
signed() { tail -c 28 "$1" | grep -qF "$MARK"; }

cp "$SRC/heki_test_mod.ko" "$OUT/heki_test_mod-unsigned.ko"
signed "$OUT/heki_test_mod-unsigned.ko" &&
	{ echo "build.sh: kbuild output is already signed" >&2; exit 1; }

cp "$SRC/heki_test_mod.ko" "$OUT/heki_test_mod.ko"
"${RUN[@]}" "$SIGN" sha256 "$OUT/test-key.pem" "$OUT/test-cert.der" "$OUT/heki_test_mod.ko"
cp "$SRC/heki_test_mod.ko" "$OUT/heki_test_mod-otherkey.ko"
"${RUN[@]}" "$SIGN" sha256 "$OUT/other-key.pem" "$OUT/other-cert.der" "$OUT/heki_test_mod-otherkey.ko"
cp "$SRC/heki_test_mod.ko" "$OUT/heki_test_mod-longcn.ko"
"${RUN[@]}" "$SIGN" sha256 "$OUT/long-key.pem" "$OUT/long-cert.der" "$OUT/heki_test_mod-longcn.ko"
cp "$SRC/heki_test_mod.ko" "$OUT/heki_test_mod-skid.ko"
"${RUN[@]}" "$SIGN" -k sha256 "$OUT/test-key.pem" "$OUT/test-cert.der" "$OUT/heki_test_mod-skid.ko"
for n in "${names[@]}"; do
	cp "$SRC/$n.ko" "$OUT/$n.ko"
	"${RUN[@]}" "$SIGN" sha256 "$OUT/test-key.pem" "$OUT/test-cert.der" "$OUT/$n.ko"
done

# 3. Tamper: flip one bit of the first byte of the banner string in
#    .rodata. The ELF stays valid, so the kernel alone would still load it
#    (the test key is not in its keyring: -ENOKEY is tolerated).
cp "$OUT/heki_test_mod.ko" "$OUT/heki_test_mod-tampered.ko"
off=$(grep -obUaF 'heki test module' "$OUT/heki_test_mod-tampered.ko" | head -n1 | cut -d: -f1)
[ -n "$off" ] || { echo "build.sh: banner not found" >&2; exit 1; }
byte=$(od -An -tu1 -j "$off" -N1 "$OUT/heki_test_mod-tampered.ko" | tr -d ' ')
# shellcheck disable=SC2059 # the format is the one octal escape we build
printf "$(printf '\\%03o' $((byte ^ 0x20)))" |
	dd of="$OUT/heki_test_mod-tampered.ko" bs=1 seek="$off" conv=notrunc status=none
cmp -s "$OUT/heki_test_mod.ko" "$OUT/heki_test_mod-tampered.ko" &&
	{ echo "build.sh: tampering changed nothing" >&2; exit 1; }

for f in heki_test_mod.ko heki_test_mod-otherkey.ko heki_test_mod-tampered.ko \
	heki_test_mod-longcn.ko heki_test_mod-skid.ko "${names[@]/%/.ko}"; do
	signed "$OUT/$f" || { echo "build.sh: $f is not signed" >&2; exit 1; }
done
# 4. initmod: loads through init_module(2) (busybox insmod uses finit).
gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/initmod" "$HERE/initmod.c"
# 5. delmod32: unloads through int $0x80 (the i386 entry, eax = 129).
gcc -static -no-pie -O2 -Wall -Wextra -Werror -o "$OUT/delmod32" "$HERE/delmod32.c"

echo "build.sh: $((6 + NCOPIES)) modules in $OUT (tampered byte at offset $off)"

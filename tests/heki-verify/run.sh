#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# run.sh - heki-verify (tools/heki-verify), built with ASan + UBSan, on
# real data: Debian 12's signed modules with the module-signing certificate
# of Debian's kernel (scripts/debian-kernel-cert.sh) and Debian's signed
# /boot/vmlinuz-*-amd64 with the signer of its Authenticode signature.
# Each test asserts a verdict, VTL1's reason and the exit status; the JSON
# document is checked by check-json.py. Prints "N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

echo "KTAP version 1"
make -s -C tools/heki-verify san >&2 || ktap_bail "heki-verify: ASan+UBSan build"
hv=$PWD/build/host/heki-verify/heki-verify
vmlinuz=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1)
[ -n "$vmlinuz" ] || ktap_bail "heki-verify: /boot/vmlinuz-*-amd64 present (scripts/setup.sh)"
kver=${vmlinuz#/boot/vmlinuz-}
tree=/lib/modules/$kver/kernel
[ -d "$tree" ] || ktap_bail "heki-verify: $tree present"
signfile=/usr/src/linux-headers-$kver/scripts/sign-file

mkdir -p build/host/heki-verify
d=$(cd "$(mktemp -d build/host/heki-verify/run.XXXXXX)" && pwd)
trap 'rm -rf "$d"' EXIT
scripts/debian-kernel-cert.sh "$d/debian.der" "$vmlinuz" 2>/dev/null ||
	ktap_bail "heki-verify: Debian's module-signing certificate extracted"
openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=heki-verify other" \
	-keyout "$d/other.key" -outform DER -out "$d/other.der" 2>/dev/null ||
	ktap_bail "heki-verify: a second certificate made"

# shellcheck source=tests/heki-verify/lib.sh
. tests/heki-verify/lib.sh

# 1. Every Debian 12 module accepted, default check; nothing on stderr
# (not a terminal: no progress line).
n=$(find "$tree" -name '*.ko' -o -name '*.ko.xz' | wc -l)
hv tree modules --certs "$d/debian.der" --quiet "$tree"
result "$([ $rc = 0 ] && [ ! -s "$d/tree.err" ] &&
	grep -qE "^  total +$n\$" "$d/tree.out" &&
	grep -qE "^  accepted +$n\$" "$d/tree.out" && echo 1)" \
	"modules: all $n modules of $kver accepted with Debian's certificate, exit 0"

# 2. --full (structure, relocation, rewrite sites) on every 8th module
# and the largest ones (the integrity suite validates them all).
mapfile -t sample < <({
	find "$tree" -name '*.ko' | sort | awk 'NR % 8 == 0'
	for m in kvm kvm-intel btrfs xfs nf_tables ext4; do
		find "$tree" -name "$m.ko"
	done
} | awk '!seen[$0]++')
hv treefull modules --full --certs "$d/debian.der" --quiet "${sample[@]}"
result "$([ $rc = 0 ] && grep -qE "^  accepted +${#sample[@]}\$" "$d/treefull.out" && echo 1)" \
	"modules --full: ${#sample[@]} modules (every 8th, kvm, btrfs, xfs, nf_tables, ext4) accepted, exit 0"

# The samples: ext4 (large), a copy with one byte of its code changed, one
# without its signature, one .ko.xz and its tampered twin.
ko=$tree/fs/ext4/ext4.ko
mkdir -p "$d/t/fs" "$d/t/net"
cp "$ko" "$d/t/fs/ext4.ko"
cp "$tree/fs/fat/fat.ko" "$d/t/fs/fat.ko"
# flip FILE: invert one byte in the middle of FILE
flip() {
	python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(0, 2); n = f.tell() // 2
f.seek(n); b = f.read(1); f.seek(n); f.write(bytes([b[0] ^ 0xff]))' "$1"
}
cp "$ko" "$d/tampered.ko"
flip "$d/tampered.ko"
python3 - "$ko" "$d/unsigned.ko" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
magic = b'~Module signature appended~\n'
assert b.endswith(magic)
n = struct.unpack('>I', b[-len(magic) - 4:-len(magic)])[0]
open(sys.argv[2], 'wb').write(b[:-len(magic) - 12 - n])
PY
xz -T1 -3 -c "$ko" >"$d/ext4.ko.xz"
xz -T1 -3 -c "$d/tampered.ko" >"$d/tampered.ko.xz"

# 3. A tampered copy: refused by the signature with VTL1's reason.
hv tamp modules --certs "$d/debian.der" "$d/tampered.ko"
result "$([ $rc = 1 ] && line tamp "refused  $d/tampered.ko: signature: SIG_KEY_REJECTED (no system certificate verifies the signature)" && echo 1)" \
	"modules: one changed byte refused (signature: SIG_KEY_REJECTED), exit 1"

# 4. No signature.
hv unsigned modules --certs "$d/debian.der" "$d/unsigned.ko"
result "$([ $rc = 1 ] && line unsigned "refused  $d/unsigned.ko: signature: MODSIG_NOT_FOUND (module signature magic missing)" && echo 1)" \
	"modules: an unsigned module refused (MODSIG_NOT_FOUND), exit 1"

# 5. Another certificate than the signer's.
hv wrong modules --certs "$d/other.der" "$ko"
result "$([ $rc = 1 ] && line wrong "refused  $ko: signature: SIG_KEY_REJECTED (no system certificate verifies the signature)" && echo 1)" \
	"modules: Debian's module with another certificate refused, exit 1"

# 6. .ko.xz (Debian 13's form): decompressed, then checked.
hv xz modules --certs "$d/debian.der" "$d/ext4.ko.xz" "$d/tampered.ko.xz"
result "$([ $rc = 1 ] && line xz "accepted $d/ext4.ko.xz" &&
	line xz "refused  $d/tampered.ko.xz: signature: SIG_KEY_REJECTED (no system certificate verifies the signature)" && echo 1)" \
	"modules: .ko.xz accepted, its tampered twin refused"

# 7. A tree with one bad file: exit 1, the bad one named, the others accepted.
cp "$d/tampered.ko" "$d/t/net/bad.ko"
hv badtree modules --certs "$d/debian.der" "$d/t"
result "$([ $rc = 1 ] && line badtree "accepted $d/t/fs/ext4.ko" &&
	line badtree "accepted $d/t/fs/fat.ko" &&
	line badtree "refused  $d/t/net/bad.ko: signature: SIG_KEY_REJECTED (no system certificate verifies the signature)" &&
	grep -qE '^  refused +1$' "$d/badtree.out" &&
	grep -qE '^    SIG_KEY_REJECTED +1$' "$d/badtree.out" &&
	grep -qE '^  total +3$' "$d/badtree.out" && echo 1)" \
	"modules: a tree with one bad file exits 1; summary 2 accepted, 1 refused"

# 8. The same as JSON, checked field by field.
hv json modules --json --certs "$d/debian.der" "$d/t" "$d/unsigned.ko"
result "$([ $rc = 1 ] && python3 tests/heki-verify/check-json.py "$d/json.out" $rc \
	"$d/t/fs/ext4.ko=accepted" "$d/t/net/bad.ko=refused:SIG_KEY_REJECTED" \
	"$d/unsigned.ko=refused:MODSIG_NOT_FOUND" && echo 1)" \
	"modules --json: schema 1, verdicts, summary and status consistent"
hv jsonok modules --json --certs "$d/debian.der" "$d/t/fs"
result "$([ $rc = 0 ] && python3 tests/heki-verify/check-json.py "$d/jsonok.out" $rc \
	"$d/t/fs/fat.ko=accepted" && echo 1)" \
	"modules --json: all accepted, status 0"

# 9. --full refuses what the signature alone accepts: modules signed by a
# test key, one whose section header table points past the end of the file,
# one with a bad relocation, one with a bad rewrite-site table.
if [ -x "$signfile" ]; then
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=heki-verify signer" \
		-keyout "$d/s.key" -out "$d/s.pem" 2>/dev/null
	openssl x509 -in "$d/s.pem" -outform DER -out "$d/s.der"
	python3 - "$d/unsigned.ko" "$d/badelf.ko" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<Q', b, 0x28, len(b) + 4096)   # e_shoff
open(sys.argv[2], 'wb').write(b)
PY
	# A relocation of a type the kernel refuses; an __mcount_loc entry
	# (a rewrite site) far outside the module.
	python3 - "$d/unsigned.ko" "$d/badrela.ko" "$d/badsite.ko" <<'PY'
import struct, sys
src = open(sys.argv[1], 'rb').read()
shoff, = struct.unpack_from('<Q', src, 0x28)
shnum, shstrndx = struct.unpack_from('<HH', src, 0x3c)
def sh(i):
    return struct.unpack_from('<IIQQQQIIQQ', src, shoff + i * 64)
names = sh(shstrndx)[4]
def name(i):
    o = names + sh(i)[0]
    return src[o:src.index(b'\0', o)].decode()
sec = {name(i): sh(i) for i in range(shnum)}
b = bytearray(src)
off = sec['.rela.text'][4] + 8          # r_info of entry 0
info, = struct.unpack_from('<Q', b, off)
struct.pack_into('<Q', b, off, (info & ~0xffffffff) | 0xfe)
open(sys.argv[2], 'wb').write(b)
b = bytearray(src)
struct.pack_into('<q', b, sec['.rela__mcount_loc'][4] + 16, 0x7fff0000)
open(sys.argv[3], 'wb').write(b)
PY
	for m in badelf badrela badsite; do
		"$signfile" sha256 "$d/s.key" "$d/s.pem" "$d/$m.ko"
	done
	hv def modules --certs "$d/s.der" "$d/badelf.ko" "$d/badrela.ko" "$d/badsite.ko"
	result "$([ $rc = 0 ] && echo 1)" \
		"modules: three broken modules signed by the test key pass the default check"
	hv full modules --full --certs "$d/s.der" "$d/badelf.ko"
	result "$([ $rc = 1 ] && grep -q "^refused  $d/badelf.ko: structure: ELF_" "$d/full.out" && echo 1)" \
		"modules --full: a section header table outside the file refused (structure: ELF_*)"
	hv full modules --full --certs "$d/s.der" "$d/badrela.ko"
	result "$([ $rc = 1 ] && line full "refused  $d/badrela.ko: structure: MODRELOC_UNKNOWN_TYPE (module relocation type not accepted by the kernel)" && echo 1)" \
		"modules --full: a relocation of an unknown type refused (MODRELOC_UNKNOWN_TYPE)"
	hv full modules --full --certs "$d/s.der" "$d/badsite.ko"
	result "$([ $rc = 1 ] && line full "refused  $d/badsite.ko: structure: MODULE_REWRITE_SITE_INVALID (module rewrite-site table entry malformed or outside module memory)" && echo 1)" \
		"modules --full: an __mcount_loc site outside the module refused (MODULE_REWRITE_SITE_INVALID)"
else
	skip "modules --full: broken ELF, relocation, site table" "no $signfile"
fi

# 10. kexec: Debian's vmlinuz accepted with its signer; a changed byte and
# the module-signing certificate alone refused.
python3 - "$vmlinuz" "$d/vmlinuz.p7" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
pe = struct.unpack_from('<I', b, 0x3c)[0]
off, size = struct.unpack_from('<II', b, pe + 24 + 112 + 4 * 8)
n = struct.unpack_from('<I', b, off)[0]
open(sys.argv[2], 'wb').write(b[off + 8:off + n])
PY
openssl pkcs7 -inform DER -in "$d/vmlinuz.p7" -print_certs |
	openssl x509 -outform DER -out "$d/signer.der"
cat "$d/debian.der" "$d/signer.der" >"$d/both.der"
cp "$vmlinuz" "$d/vmlinuz.tampered"
flip "$d/vmlinuz.tampered"
hv kexec kexec --certs "$d/both.der" "$vmlinuz"
result "$([ $rc = 0 ] && line kexec "accepted $vmlinuz" && echo 1)" \
	"kexec: Debian's $(basename "$vmlinuz") accepted with its signer's certificate, exit 0"
hv kexect kexec --certs "$d/both.der" "$d/vmlinuz.tampered"
result "$([ $rc = 1 ] && line kexect "refused  $d/vmlinuz.tampered: authenticode: AUTHENTICODE_IMAGE_DIGEST_MISMATCH (kexec kernel image digest differs from the signed digest)" && echo 1)" \
	"kexec: a changed byte refused (AUTHENTICODE_IMAGE_DIGEST_MISMATCH), exit 1"
hv kexecw kexec --certs "$d/debian.der" "$vmlinuz"
result "$([ $rc = 1 ] && grep -q "^refused  $vmlinuz: authenticode: CRYPTO_CERT_NOT_FOUND" "$d/kexecw.out" && echo 1)" \
	"kexec: without the signer's certificate refused (CRYPTO_CERT_NOT_FOUND), exit 1"
hv kexecj kexec --json --certs "$d/both.der" "$vmlinuz" "$d/vmlinuz.tampered"
result "$([ $rc = 1 ] && python3 tests/heki-verify/check-json.py "$d/kexecj.out" $rc \
	"$vmlinuz=accepted" "$d/vmlinuz.tampered=refused:AUTHENTICODE_IMAGE_DIGEST_MISMATCH" && echo 1)" \
	"kexec --json: schema 1, verdicts, status"

# 11. Usage errors exit 2; unusable input exits 3.
usage_ok=1
for args in "" "frobnicate" "modules" "modules --frob $ko" "modules --certs" \
	"kexec --full $vmlinuz" "modules --kernel x --full $ko" "modules --kernel 6.1 $ko"; do
	# shellcheck disable=SC2086
	hv usage $args
	[ $rc = 2 ] || { usage_ok=0; echo "# '$args': exit $rc"; }
done
result $usage_ok "usage errors exit 2"
hv nocert modules --certs "$d/none.der" "$ko"
result "$([ $rc = 3 ] && grep -q "none.der: No such file" "$d/nocert.err" && echo 1)" \
	"a missing certificates file exits 3"
hv badcert modules --certs "$d/unsigned.ko" "$ko"
result "$([ $rc = 3 ] && grep -q "unsigned.ko: SYSTEM_CERTIFICATES_INVALID (no usable system certificate)" "$d/badcert.err" && echo 1)" \
	"a certificates file that is no certificate exits 3 with LoadKData's reason"
mkdir -p "$d/empty"
hv empty modules --certs "$d/debian.der" "$d/empty"
result "$([ $rc = 3 ] && grep -q "empty: no module files" "$d/empty.err" && echo 1)" \
	"a tree without modules exits 3 and says so"
ln -s t "$d/link"
hv link modules --certs "$d/debian.der" "$d/link"
result "$([ $rc = 1 ] && grep -qE '^  total +3$' "$d/link.out" && echo 1)" \
	"a link to a tree is walked (3 modules)"
zstd -q -c "$ko" >"$d/ext4.ko.zst"
hv zst modules --certs "$d/debian.der" "$d/ext4.ko.zst" "$ko"
result "$([ $rc = 3 ] && grep -q "^error    $d/ext4.ko.zst: read: compression not supported" "$d/zst.out" && echo 1)" \
	"a .ko.zst is reported as not checked, exit 3"

# 12. The progress line only on a terminal (script(1) gives stderr a pty).
script -qec "$hv modules --certs $d/debian.der $d/t/fs >/dev/null" /dev/null \
	>"$d/pty.out" 2>&1
result "$(grep -q '2/2' "$d/pty.out" && echo 1)" \
	"progress line drawn when stderr is a terminal"

# 13. --revoked and --blocklist: VTL1's reasons, and bad lists exit 3.
# certs: Debian's and another certificate (a list that leaves no system
# certificate trusted is refused as a whole, as LoadKData refuses it).
sha() { sha256sum <"$1" | cut -d' ' -f1; }
cat "$d/debian.der" "$d/other.der" >"$d/deb-other.der"
E=SIG_KEY_REVOKED
hv rev modules --certs "$d/deb-other.der" --revoked "$d/debian.der" "$ko" "$d/ext4.ko.xz"
result "$([ $rc = 1 ] && grep -q "^refused  $ko: signature: $E (signature verifies with a revoked certificate" "$d/rev.out" &&
	grep -q "^refused  $d/ext4.ko.xz: signature: $E " "$d/rev.out" && echo 1)" \
	"--revoked Debian's certificate: its modules refused ($E), exit 1"
hv revo modules --certs "$d/debian.der" --revoked "$d/other.der" "$ko"
result "$([ $rc = 0 ] && line revo "accepted $ko" && echo 1)" \
	"--revoked another certificate: Debian's module accepted, exit 0"
echo "bin:$(sha "$ko")" >"$d/bl-ko"
hv blk modules --certs "$d/debian.der" --blocklist "$d/bl-ko" "$ko" "$d/t/fs/fat.ko"
result "$([ $rc = 1 ] && grep -q "^refused  $ko: signature: SIG_HASH_BLOCKED (bin: hash on the blocklist" "$d/blk.out" &&
	line blk "accepted $d/t/fs/fat.ko" && echo 1)" \
	"--blocklist sha256sum of ext4.ko: that module refused (SIG_HASH_BLOCKED), fat.ko accepted"
openssl asn1parse -inform DER -in "$d/debian.der" -strparse 4 -noout -out "$d/tbs" >/dev/null
printf '# Debian module key\n\ntbs:%s\n' "$(sha "$d/tbs")" >"$d/bl-tbs"
hv blt modules --certs "$d/deb-other.der" --blocklist "$d/bl-tbs" "$ko"
result "$([ $rc = 1 ] && grep -q "^refused  $ko: signature: SIG_CERT_BLOCKED " "$d/blt.out" && echo 1)" \
	"--blocklist tbs: of Debian's certificate: its modules refused (SIG_CERT_BLOCKED)"
osslsigncode verify -in "$vmlinuz" 2>/dev/null |
	sed -n 's/^Calculated message digest *: *\([0-9A-F]*\).*/bin:\1/p' |
	tr 'A-F' 'a-f' >"$d/bl-vmlinuz"
hv blkx kexec --certs "$d/both.der" --blocklist "$d/bl-vmlinuz" "$vmlinuz"
result "$([ $rc = 1 ] && [ -s "$d/bl-vmlinuz" ] &&
	grep -q "^refused  $vmlinuz: authenticode: SIG_HASH_BLOCKED " "$d/blkx.out" && echo 1)" \
	"kexec --blocklist its Authenticode digest (osslsigncode): refused (SIG_HASH_BLOCKED)"
echo "bin:$(sha "$ko" | tr a-f A-F)" >"$d/bl-bad"
hv blbad modules --certs "$d/debian.der" --blocklist "$d/bl-bad" "$ko"
result "$([ $rc = 3 ] && grep -q "bl-bad: BLOCKLIST_INVALID" "$d/blbad.err" && echo 1)" \
	"an upper-case blocklist entry: the list refused (BLOCKLIST_INVALID), exit 3"
hv revbad modules --certs "$d/debian.der" --revoked "$d/unsigned.ko" "$ko"
result "$([ $rc = 3 ] && grep -q "unsigned.ko: REVOCATION_CERTS_INVALID" "$d/revbad.err" && echo 1)" \
	"a revoked file that is no certificate list exits 3 (REVOCATION_CERTS_INVALID)"

hv revall modules --certs "$d/debian.der" --revoked "$d/debian.der" "$ko"
result "$([ $rc = 3 ] && grep -q "debian.der: SYSTEM_CERTIFICATES_INVALID" "$d/revall.err" && echo 1)" \
	"--revoked the only system certificate: nothing trusted, exit 3 (SYSTEM_CERTIFICATES_INVALID)"
hv blall modules --certs "$d/debian.der" --blocklist "$d/bl-tbs" "$ko"
result "$([ $rc = 3 ] && grep -q "debian.der: SYSTEM_CERTIFICATES_INVALID" "$d/blall.err" && echo 1)" \
	"--blocklist tbs: of the only system certificate: exit 3 (SYSTEM_CERTIFICATES_INVALID)"

# 14. Revocation by key (the PKCS#7 names the signer by issuer and serial,
# which are not signed): other.key re-issued as another certificate
# (another subject and serial) signs a module; revoking other.der refuses it.
if [ -x "$signfile" ]; then
	openssl req -new -x509 -key "$d/other.key" -days 2 -set_serial 77 \
		-subj "/CN=heki-verify other re-issued" -outform DER \
		-out "$d/reissued.der" 2>/dev/null
	openssl x509 -inform DER -in "$d/reissued.der" -out "$d/reissued.pem"
	cp "$d/unsigned.ko" "$d/reissued.ko"
	"$signfile" sha256 "$d/other.key" "$d/reissued.pem" "$d/reissued.ko"
	cat "$d/debian.der" "$d/reissued.der" >"$d/deb-reissued.der"
	hv reis modules --certs "$d/deb-reissued.der" "$d/reissued.ko"
	result "$([ $rc = 0 ] && line reis "accepted $d/reissued.ko" && echo 1)" \
		"control: a module signed under the re-issued certificate accepted"
	hv reisr modules --certs "$d/deb-reissued.der" --revoked "$d/other.der" "$d/reissued.ko" "$ko"
	result "$([ $rc = 1 ] && grep -q "^refused  $d/reissued.ko: signature: $E " "$d/reisr.out" &&
		line reisr "accepted $ko" && echo 1)" \
		"--revoked the key's first certificate: the re-issued one's module refused ($E), Debian's accepted"
else
	skip "revocation by key: a module signed under a re-issued certificate" "no $signfile"
fi

# 15. The kexec blocklist with another SHA-2 than the signer's: the
# image's SHA-384 Authenticode digest (computed here: the file without
# its checksum, certificate directory entry and certificate table, which
# for this image is what osslsigncode hashes) refuses the SHA-256-signed
# image, as a dbx entry of another length would.
python3 - "$vmlinuz" >"$d/bl-vmlinuz384" <<'PY'
import hashlib, struct, sys
b = open(sys.argv[1], 'rb').read()
opt = struct.unpack_from('<I', b, 0x3c)[0] + 24
dirs = opt + (96 if struct.unpack_from('<H', b, opt)[0] == 0x10b else 112)
cert = dirs + 4 * 8
off = struct.unpack_from('<I', b, cert)[0]
data = b[:opt + 64] + b[opt + 68:cert] + b[cert + 8:off]
print('# the SHA-256 digest, checked against osslsigncode: ' + hashlib.sha256(data).hexdigest())
print('bin:' + hashlib.sha384(data).hexdigest())
PY
hv blkx384 kexec --certs "$d/both.der" --blocklist "$d/bl-vmlinuz384" "$vmlinuz"
result "$([ $rc = 1 ] && grep -q "$(cut -d: -f2 "$d/bl-vmlinuz" | head -n 1)" "$d/bl-vmlinuz384" &&
	grep -q "^refused  $vmlinuz: authenticode: SIG_HASH_BLOCKED " "$d/blkx384.out" && echo 1)" \
	"kexec --blocklist the SHA-384 Authenticode digest of a SHA-256-signed image: refused (SIG_HASH_BLOCKED)"

# 16. The man page renders without a groff warning.
result "$(groff -man -ww -z tools/heki-verify/heki-verify.1 2>&1 | grep -q . || echo 1)" \
	"heki-verify.1: groff -man -ww clean"
ktap_done

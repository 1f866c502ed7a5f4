#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# e2e.sh - VM suite: heki_vtl0 (test build heki_vtl0_test.ko) in loopback mode against real signed modules
# on Debian's own kernel.
#
# On the host: make a fresh signing key and certificate, build and sign the
# test modules (tests/modules/build.sh), pick a few real Debian modules with
# no dependencies, and extract Debian's module-signing certificate when
# scripts/debian-kernel-cert.sh exists. In the guest (tests/vm/e2e-guest.sh):
# signed modules load and get a token, init is freed at LIVE, ranges are
# released at unload; tampered, unsigned and unknown-key modules are refused
# with their errno and leave nothing protected; 16 concurrent loads; real
# Debian modules with Debian's certificate; heki_vtl0 load/unload cycles;
# allocations back to their baseline.
#
# HEKI_VARIANT=hyperv runs the same against the production heki_vtl0.ko with
# transport=hyperv on the emulated Hyper-V (tests/hvemu): one load per boot
# (heki_vtl0 stays once it hardened the kernel), with the test and Debian
# certificates together; the unload and reload sections are skipped.
#
# Ends with `N passed, N failed` (counted by scripts/vm-run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh
# shellcheck source=tests/lib/verdicts.sh
. tests/lib/verdicts.sh

# Kernel: HEKI_KERNEL (default bookworm; an ID of scripts/kernel-env.sh).
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare e2e
kernel_variant
EMU=$K_EMU
NCONC=16
# Real Debian modules without dependencies that are not built in.
DEBIAN_MODS="lib/crc7.ko lib/crc8.ko lib/crc-itu-t.ko lib/ts_kmp.ko crypto/md4.ko crypto/wp512.ko fs/fuse/fuse.ko"

# debian_mod M: the bytes of Debian's module M (kernel/M or kernel/M.xz).
debian_mod() {
	if [ -f "$K_MODDIR/kernel/$1" ]; then
		cat "$K_MODDIR/kernel/$1"
	else
		xz -dc "$K_MODDIR/kernel/$1.xz"
	fi
}

KERNEL_ID=$KID tests/modules/build.sh "$OUT" "$NCONC" >/dev/null ||
	fail_setup "tests/modules/build.sh"

args=(-K -t 600 -E "$KID" -f "$KO"
	-F "$OUT/test-certs.der:/lib/firmware/heki/test-certs.der"
	-f "$OUT/heki_test_mod.ko" -f "$OUT/heki_test_mod-unsigned.ko"
	-f "$OUT/heki_test_mod-tampered.ko" -f "$OUT/heki_test_mod-otherkey.ko"
	-F "$OUT/initmod:/bin/initmod"
	-e "NCONC=$NCONC")
for i in $(seq 0 $((NCONC - 1))); do
	args+=(-f "$(printf '%s/heki_conc_%02d.ko' "$OUT" "$i")")
done

mods=
for m in $DEBIAN_MODS; do
	f=$K_MODDIR/kernel/$m
	[ -f "$f" ] || f=$f.xz
	[ -f "$f" ] || continue
	[ -z "$(modinfo -F depends "$f")" ] || continue
	args+=(-M "$m")
	mods="$mods $m"
done
args+=(-e "DEBIAN_MODS=${mods# }")

# Debian's module-signing certificate (from the parsers' extractor).
if [ -x scripts/debian-kernel-cert.sh ] &&
	scripts/debian-kernel-cert.sh "$OUT/debian-certs.der" "$K_VMLINUZ" \
		>"$OUT/debian-cert.log" 2>&1 &&
	[ -s "$OUT/debian-certs.der" ]; then
	args+=(-F "$OUT/debian-certs.der:/lib/firmware/heki/debian-certs.der"
		-e DEBIAN_CERT=1)
	# Section 1b: certs= the test and Debian's certificates, blocklist=
	# the tbs: hash of Debian's certificate (openssl, not the library),
	# and the first module file's sha256sum.
	cat "$OUT/test-certs.der" "$OUT/debian-certs.der" >"$OUT/debian-test-certs.der"
	openssl asn1parse -inform DER -in "$OUT/debian-certs.der" -strparse 4 \
		-noout -out "$OUT/debian.tbs" >/dev/null
	echo "tbs:$(sha256sum <"$OUT/debian.tbs" | cut -d' ' -f1)" >"$OUT/debian-tbs.txt"
	args+=(-F "$OUT/debian-test-certs.der:/lib/firmware/heki/debian-test-certs.der"
		-F "$OUT/debian-tbs.txt:/lib/firmware/heki/debian-tbs.txt")
	# blocklist= bin: the sha256sum of the first module's file and bin:
	# the SHA-256 of the second one's signed content: its file up to the
	# PKCS#7 signature.
	read -r m1 m2 _ <<<"$mods"
	{
		echo "bin:$(debian_mod "$m1" | sha256sum | cut -d' ' -f1)"
		if [ -n "${m2:-}" ]; then
			# Documentation/kmod.rst's command, on the module file
			f=$OUT/signed-content.ko
			debian_mod "$m2" >"$f"
			siglen=$(tail -c 32 "$f" | head -c 4 | od -An -tu1 |
				awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
			echo "bin:$(head -c $(($(stat -c %s "$f") - 40 - siglen)) "$f" | sha256sum | cut -d' ' -f1)"
		fi
	} >"$OUT/debian-block.txt"
	args+=(-F "$OUT/debian-block.txt:/lib/firmware/heki/debian-block.txt")
else
	args+=(-e DEBIAN_CERT=0)
fi

export QEMU_SMP=${QEMU_SMP:-2}
export QEMU_MEM=${QEMU_MEM:-1024M}
if [ "$VARIANT" = hyperv ]; then
	cat "$OUT/test-certs.der" >"$OUT/e2e-certs.der"
	[ ! -s "$OUT/debian-certs.der" ] || cat "$OUT/debian-certs.der" >>"$OUT/e2e-certs.der"
	args+=(-f "$EMU" -F "$OUT/e2e-certs.der:/lib/firmware/heki/e2e-certs.der"
		-e HEKI_KO=/heki_vtl0.ko -e HEKI_MOD=heki_vtl0
		-e "HEKI_ARGS=transport=hyperv vtl1_ready=1"
		-e "HEKI_PRELOAD=insmod /heki_hvemu.ko"
		-e HEKI_PROT=/sys/kernel/debug/heki_hvemu/protections
		-e HEKI_VTL1=/sys/kernel/debug/heki_hvemu/vtl1
		-e E2E_CERTS=heki/e2e-certs.der
		-m "heki_vtl0: ready: transport hyperv, mode enforce, module validation on")
else
	# The module said it was ready, and every unload freed everything.
	args+=(-m "heki_vtl0: ready: transport loopback, mode enforce, module validation on"
		-m "heki_vtl0: unloaded: 0 chain pages, 0 VTL1 allocations, 0 keyrings, 0 module images live")
fi
args+=(-x "with leaks: ")
rc=0
scripts/vm-run.sh "${args[@]}" -l "$OUT/e2e.log" tests/vm/e2e-guest.sh \
	>"$OUT/vm.out" || rc=$?
log=build/vm/e2e-$KID.log
[ "$VARIANT" = loopback ] || log=build/vm/e2e-$KID-$VARIANT.log
cp "$OUT/e2e.log" "$log" 2>/dev/null || true
vm_relay "$OUT/vm.out"

# heki-verify (issue 13 item 4) on the host, asked about the same Debian
# module files with the same certs=, revoked= and blocklist= files as each
# load of sections 1 and 1b, answers as VTL1 did in the guest: accepted, or
# refused with the same reason in words (the guest's "# heki-verdict"
# lines).
if [ "$VARIANT" = hyperv ] || [ ! -s "$OUT/debian-certs.der" ] || [ -z "$mods" ]; then
	skip "heki-verify answers as VTL1 did" "loopback with Debian's certificate and modules only"
elif ! grep -q '^# heki-verdict ' "$OUT/e2e.log"; then
	result 0 "heki-verify: the guest printed no verdict of a Debian module load"
else
	# The -O2 build `make check` made first (the ASan one belongs to
	# tests/heki-verify, which may be building it in the other lane).
	make -s -C tools/heki-verify all >"$OUT/hv-build.log" 2>&1 ||
		result 0 "make -C tools/heki-verify all: $(tail -n 1 "$OUT/hv-build.log")"
	for c in debian revoked tbs block; do
		case $c in
		debian) opts=(--certs "$OUT/debian-certs.der") ;;
		revoked) opts=(--certs "$OUT/debian-test-certs.der"
			--revoked "$OUT/debian-certs.der") ;;
		tbs) opts=(--certs "$OUT/debian-test-certs.der"
			--blocklist "$OUT/debian-tbs.txt") ;;
		block) opts=(--certs "$OUT/debian-certs.der"
			--blocklist "$OUT/debian-block.txt") ;;
		esac
		files=()
		for m in $mods; do
			f=$K_MODDIR/kernel/$m
			[ -f "$f" ] || f=$f.xz
			files+=("$f")
		done
		build/heki-verify/heki-verify modules "${opts[@]}" "${files[@]}" \
			>"$OUT/hv-$c.out" 2>&1 || true
		for f in "${files[@]}"; do
			m=${f#"$K_MODDIR/kernel/"}
			m=${m%.xz}
			same_verdict "heki-verify $c $m" \
				"$(guest_verdict "$OUT/e2e.log" "$c $m")" \
				"$(hv_verdict "$f" "$OUT/hv-$c.out")"
		done
	done
fi
if ! ktap_done && [ "$rc" = 0 ]; then
	rc=1
fi
exit $rc

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# integrity.sh - VM suite (issue 5 item 3): real Debian modules, loaded with
# modprobe on Debian's own kernel under heki_vtl0's loopback transport with
# Debian's module-signing certificate, must pass ValidateModule's full
# content check (memory == relocated signed ELF up to the allowed load-time
# rewrites) and get a token. Each refusal is shown with VTL1's log line
# (section, offset, rule).
#
# Usage: tests/vm/integrity.sh [MODULE...]   (default: the list below)
# Environment: INTEGRITY_KO (default kmod/heki_vtl0_test.ko), INTEGRITY_GAPS
# (modules whose refusal is reported as SKIP), INTEGRITY_GUEST (guest
# script, default tests/vm/integrity-guest.sh).
# Ends with `N passed, N failed` (counted by scripts/vm-run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

# Kernel: HEKI_KERNEL (default bookworm; an ID of scripts/kernel-env.sh).
# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_prepare integrity
kernel_variant "${INTEGRITY_KO:-}"
EMU=$K_EMU

# Modules with alternatives, static keys, static calls, per-CPU data,
# paravirt, retpolines and return thunks (kvm, btrfs, nf_tables among them).
# busybox modprobe ignores softdeps: crc32c_generic (libcrc32c), the
# btrfs hashes and blake2b come first by name.
DEFAULT_MODS="crc32c_generic xxhash_generic blake2b_generic crc7 crc8 crc-itu-t ts_kmp md4 wp512 fuse dummy veth
bonding tun macvlan vxlan geneve nf_tables nft_ct nft_nat nf_conntrack
nf_nat nft_chain_nat xt_conntrack ip_tables x_tables iptable_filter
kvm kvm_intel kvm_amd btrfs xfs ext4 jbd2 mbcache fat vfat msdos isofs
udf nls_utf8 nls_cp437 loop nbd zram dm_mod dm_crypt raid1 raid0
sha3_generic cryptd aesni_intel crc32_pclmul
ghash_clmulni_intel serpent_generic twofish_generic 8021q bridge stp llc"
# Known gaps (Documentation/integrity.rst), tried and shown, reported as
# SKIP if refused: none at the moment.
GAPS=${INTEGRITY_GAPS:-}
MODS=${*:-$DEFAULT_MODS}

scripts/debian-kernel-cert.sh "$OUT/debian-certs.der" "$K_VMLINUZ" \
	>"$OUT/cert.log" 2>&1 || fail_setup "scripts/debian-kernel-cert.sh"

kver=$K_VER
declare -A seen=()
args=(-K -t 900 -E "$KID" -f "$KO"
	-F "$OUT/debian-certs.der:/lib/firmware/heki/debian-certs.der")
add_mod() {	# add_mod NAME: the module and, first, its dependencies
	# (return 2: NAME is built into the kernel, as some are in cloud)
	local f dep rel
	f=$(modinfo -b "$K_ROOT" -k "$kver" -n "$1" 2>/dev/null) || return 1
	[ "$f" != "(builtin)" ] || return 2
	rel=${f#"$K_MODDIR"/}
	rel=${rel#/lib/modules/$kver/}
	rel=${rel%.xz}
	[ -z "${seen[$rel]:-}" ] || return 0
	seen[$rel]=1
	for dep in $(modinfo -b "$K_ROOT" -k "$kver" -F depends "$1" | tr , ' '); do
		add_mod "$dep" || [ $? = 2 ] || return 1
	done
	args+=(-M "$rel")
}
# veth is the tampering target of the guest script: always present.
add_mod veth || fail_setup "veth is not a module of $kver"
mods=
for m in $MODS; do
	if add_mod "$m"; then
		mods="$mods $m"
	elif [ $? = 2 ]; then
		echo "# $m: built into $kver, left out"
	else
		echo "# $m: not a module of $kver, left out"
	fi
done
# INTEGRITY_MIN: validated loads the guest must count (the matrix's samples
# of other kernels ask for 20).
args+=(-e "MODS=${mods# }" -e "GAPS=$GAPS" -e "MIN=${INTEGRITY_MIN:-50}")
if [ "$VARIANT" = hyperv ]; then
	args+=(-f "$EMU" -e HEKI_KO=/heki_vtl0.ko -e HEKI_MOD=heki_vtl0
		-e "HEKI_ARGS=transport=hyperv vtl1_ready=1"
		-e "HEKI_PRELOAD=insmod /heki_hvemu.ko"
		-e HEKI_PROT=/sys/kernel/debug/heki_hvemu/protections)
fi

export QEMU_SMP=${QEMU_SMP:-2}
export QEMU_MEM=${QEMU_MEM:-1536M}
rc=0
scripts/vm-run.sh "${args[@]}" -l "$OUT/integrity.log" \
	"${INTEGRITY_GUEST:-tests/vm/integrity-guest.sh}" || rc=$?
log=build/vm/integrity-$KID.log
[ "$VARIANT" = loopback ] || log=build/vm/integrity-$KID-$VARIANT.log
cp "$OUT/integrity.log" "$log" 2>/dev/null || true
exit $rc

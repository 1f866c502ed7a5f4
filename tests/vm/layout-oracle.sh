#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# layout-oracle.sh - VM suite: VTL1's module layout rules against a real
# Debian kernel. Boots the kernel in QEMU (TCG) with a busybox initramfs
# holding a sample of its own modules (kvm, kvm_intel, btrfs, nf_tables and
# their dependencies among them), loads them with insmod and dumps where
# the kernel put every section (move_module()'s dynamic-debug lines,
# /sys/module/*/sections/*, coresize, initsize, /proc/modules, and a
# kprobe on do_init_module() printing struct module's own base and size of
# every memory type, offsets from the kernel's BTF). On the
# host, tests/layout/modlayout-dump computes every module's layout with
# the rules for that kernel and tests/layout/oracle_compare.py asserts per
# module that every section lands where the layout says (address minus
# layout offset = one page-aligned base per memory type, 6.4+, or per
# allocation, 6.1), that memory types do not overlap, and that the sizes
# agree with the kernel's struct module, coresize and /proc/modules.
# That it can fail: the other generation's rules (6.1 against 6.4+ and the
# reverse) must be refused for every module, and on 6.16+ the 6.4 rules
# for every module whose layout they change.
#
# Usage: tests/vm/layout-oracle.sh KERNEL_ID [MODULE...]
#   KERNEL_ID: bookworm, trixie, trixie-cloud or sid (scripts/kernel-env.sh:
#   the kernel's signed vmlinuz and its own modules); the rules are
#   HEKI_MODLAYOUT_LINUX_6_1 for 6.1, HEKI_MODLAYOUT_LINUX_6_4 for 6.4 to
#   6.15, HEKI_MODLAYOUT_LINUX_6_16 from 6.16 (tests/lib/kernel.sh K_RULES).
# Results through tests/lib/ktap.sh; exit 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

KIND=${1:-}
shift || true
OUT=build/vm/layout-oracle-$KIND
rm -rf "$OUT"
mkdir -p "$OUT/ko"

setup_fail() { result 0 "layout-oracle setup: $*"; ktap_done; exit; }

# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
[ -n "$KIND" ] || { echo "usage: $0 KERNEL_ID [MODULE...]" >&2; exit 2; }
kernel_select "$KIND" 2>"$OUT/kernel-env.log" ||
	setup_fail "scripts/kernel-env.sh $KIND (see $OUT/kernel-env.log)"
kernel=$K_VMLINUZ kver=$K_VER base=$K_ROOT rules=$K_RULES
BIN=$(tests/layout/build.sh) || setup_fail "building modlayout-dump"

# A sample with every memory type in use: text-heavy (kvm, btrfs, xfs),
# ro_after_init and __jump_table users, init sections, per-CPU data, and
# the btrfs and nf_tables dependency chains. busybox insmod ignores
# softdeps: the crc32c and btrfs hash drivers come first by name.
DEFAULT_MODS="crc32c_generic xxhash_generic blake2b_generic kvm kvm_intel
kvm_amd btrfs nf_tables nft_ct nft_nat nft_chain_nat xfs ext4 fuse veth
dummy bonding tun vxlan bridge 8021q loop dm_crypt raid1 zram isofs vfat
nls_utf8 sha3_generic"
REQUIRED="kvm kvm_intel btrfs nf_tables"
MODS=${*:-$DEFAULT_MODS}

# shellcheck source=tests/lib/modset.sh
. tests/lib/modset.sh
# shellcheck disable=SC2086 # one word per module name
modset_collect "$base" "$kver" "$OUT/ko" $MODS
order=("${MODSET_ORDER[@]}")
[ ${#order[@]} -gt 0 ] || setup_fail "no module of $kver found"
echo "# $kver: ${#order[@]} modules (with dependencies), rules $rules"

probe=$(python3 tests/layout/kprobe_spec.py --rules "$rules" "$kernel" \
	"build/vm/vmlinux-$kver") || setup_fail "kprobe_spec.py (struct module offsets from BTF)"
args=(-k "$kernel" -t 900 -a "log_buf_len=16M" -l "$OUT/guest.log"
	-e "MODS=${order[*]}" -e "PROBE=$probe")
for n in "${order[@]}"; do
	args+=(-F "$OUT/ko/$n.ko:/m/$n.ko")
done
vm_rc=0
QEMU_MEM=${QEMU_MEM:-2048M} KVER=$kver scripts/vm-run.sh "${args[@]}" \
	tests/vm/layout-oracle-guest.sh > "$OUT/vm-run.log" 2>&1 || vm_rc=$?
grep -E '^# (PASS|FAIL)|^@@FAILED' "$OUT/vm-run.log" | head -n 20

for n in "${order[@]}"; do echo "$OUT/ko/$n.ko"; done |
	"$BIN" --kernel "$rules" --dump "$OUT/layout.txt" - > "$OUT/layout.log" 2>&1
grep '^not ok' "$OUT/layout.log"

python3 tests/layout/oracle_compare.py --rules "$rules" \
	--require "$REQUIRED" "$OUT/layout.txt" "$OUT/guest.log" |
	tee "$OUT/compare.log" |
	grep -vE '^(ok |KTAP version 1$|1\.\.[0-9]+$|# [0-9]+ skipped$|[0-9]+ passed, [0-9]+ failed$)'
ktap_merge "$OUT/compare.log" oracle_compare.py
# The oracle must be able to fail: the other kernel's rules, judged the
# same way against this kernel, must be refused for every module.
other=$([ "$rules" != 6.1 ] && echo 6.1 || echo 6.4)
for n in "${order[@]}"; do echo "$OUT/ko/$n.ko"; done |
	"$BIN" --kernel "$other" --dump "$OUT/layout-other.txt" - > /dev/null 2>&1
python3 tests/layout/oracle_compare.py --rules "$other" \
	"$OUT/layout-other.txt" "$OUT/guest.log" > "$OUT/compare-other.log" 2>&1
nmods=$(grep -c '^module ' "$OUT/layout-other.txt")
nbad=$(grep '^not ok' "$OUT/compare-other.log" | grep -v 'observed' |
	awk '{ sub(":$", "", $4); print $4 }' | sort -u | wc -l)
if [ "$nmods" -gt 0 ] && [ "$nbad" -eq "$nmods" ]; then
	result 1 "the $other rules are refused by this kernel for all $nmods modules"
else
	result 0 "the $other rules are refused for only $nbad of $nmods modules (log $OUT/compare-other.log)"
fi
# From 6.16 the rules place ro_after_init data apart from 6.4's: every
# module whose 6.4 layout is not its 6.16 one must be refused with the 6.4
# rules, and the sample must hold such a module.
if [ "$rules" = 6.16 ]; then
	for n in "${order[@]}"; do echo "$OUT/ko/$n.ko"; done |
		"$BIN" --kernel 6.4 --dump "$OUT/layout-6.4.txt" - > /dev/null 2>&1
	python3 tests/layout/oracle_compare.py --rules 6.4 \
		"$OUT/layout-6.4.txt" "$OUT/guest.log" > "$OUT/compare-6.4.log" 2>&1
	# blocks FILE: one line per module, its name and its layout lines.
	blocks() {
		awk '/^module /{ if (n != "") print n "\t" b; n = $2; b = ""; next }
			{ b = b "|" $0 } END { if (n != "") print n "\t" b }' "$1" | sort
	}
	differ=$(join -t "$(printf '\t')" <(blocks "$OUT/layout.txt") \
		<(blocks "$OUT/layout-6.4.txt") | awk -F '\t' '$2 != $3 { print $1 }')
	refused=$(grep '^not ok' "$OUT/compare-6.4.log" | grep -v 'observed' |
		awk '{ sub(":$", "", $4); print $4 }' | sort -u)
	missed=$(comm -23 <(echo "$differ") <(echo "$refused") | tr '\n' ' ')
	ndiff=$(grep -c . <<< "$differ")
	if [ "$ndiff" -gt 0 ] && [ -z "$missed" ]; then
		result 1 "the 6.4 rules are refused for all $ndiff modules whose 6.4 layout differs"
	else
		result 0 "the 6.4 rules: $ndiff modules differ, not refused: ${missed:-none} (log $OUT/compare-6.4.log)"
	fi
fi
if [ "$vm_rc" -ne 0 ]; then
	result 0 "the VM run succeeds (exit $vm_rc, log $OUT/vm-run.log)"
	tail -n 20 "$OUT/vm-run.log" | sed 's/^/# /'
fi
ktap_done

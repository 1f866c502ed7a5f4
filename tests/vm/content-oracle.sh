#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# content-oracle.sh - VM suite: VTL1's 6.4+ module content rules against a
# real Debian 6.4+ kernel. Boots the kernel's own signed vmlinuz
# (scripts/kernel-env.sh) in QEMU (TCG) with a busybox initramfs,
# loads a sample of its modules with alternatives, direct paravirt calls,
# static calls, jump labels and sealed ENDBRs (kvm, kvm_intel, btrfs,
# nf_tables, ...), and dumps (tests/vm/content-oracle-guest.sh) every
# module's mem[] bases and sizes (kprobe on do_init_module,
# tests/layout/kprobe_spec.py), /proc/kallsyms, and the bytes of text,
# rodata and ro_after_init the kernel left (from /proc/kcore, base64 over
# the console). On the host, content-oracle-check runs VTL1's
# heki_modverify_* (6.4+ layout and rewrite rules) on the module's ELF and
# those bytes at those VAs, and must accept; then one bit flipped at the
# first .ibt_endbr_seal site and at one text byte outside every site must
# be refused. The kernel info extension is built from the guest's own
# boot_cpu_data capability words, pv_ops[] and x86_return_thunk, so every
# alternative, retpoline and direct call is pinned to this CPU's form.
#
# Usage: tests/vm/content-oracle.sh KERNEL_ID [MODULE...]
#   KERNEL_ID: trixie, trixie-cloud or sid (a 6.4+ kernel of scripts/kernel-env.sh)
# Results through tests/lib/ktap.sh; exit 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib/ktap.sh
. tests/lib/ktap.sh

KID=${1:-}
[ -n "$KID" ] || { echo "usage: $0 KERNEL_ID [MODULE...]" >&2; exit 2; }
shift
OUT=build/vm/content-oracle-$KID
export ASAN_OPTIONS=detect_leaks=1
rm -rf "$OUT"
mkdir -p "$OUT/ko" "$OUT/mem"

setup_fail() { result 0 "content-oracle setup: $*"; ktap_done; exit; }

# shellcheck source=tests/lib/kernel.sh
. tests/lib/kernel.sh
kernel_select "$KID" 2>"$OUT/kernel-env.log" ||
	setup_fail "scripts/kernel-env.sh $KID (see $OUT/kernel-env.log)"
kernel=$K_VMLINUZ kver=$K_VER base=$K_ROOT
[ "$K_RULES" != 6.1 ] || setup_fail "$kver: the content rules are for 6.4+ kernels"
# LINUX_VERSION_CODE of the guest kernel, as heki_vtl0's LoadKData sends it:
# VTL1 picks its module rules from it (6.4, 6.16, 6.18 ENDBR poison).
IFS=.- read -r v1 v2 v3 _ <<< "${kver%%+*}"
export CONTENT_ORACLE_LINUX_VERSION
CONTENT_ORACLE_LINUX_VERSION=$(printf '%02x%02x%02x' "$v1" "$v2" "$((v3 > 255 ? 255 : v3))")

S=vtl1/src
gcc -static -O2 -Wall -Wextra -Werror -o "$OUT/content-oracle-kcore" \
	tests/vm/content-oracle-kcore.c || setup_fail "building the kcore reader"
CHECK=$OUT/content-oracle-check
gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wvla -Wshadow \
	-Wno-missing-field-initializers -fsanitize=address,undefined \
	-fno-sanitize-recover=all -Iuapi -Ivtl1/include -I$S -o "$CHECK" \
	tests/vm/content-oracle-check.c $S/module/modverify.c $S/elf/elf.c \
	$S/module/modlayout.c $S/module/modreloc.c $S/module/rewrite*.c \
	$S/kdata/kinfo_ext.c $S/sig/modsig.c $S/core/sort.c $S/kdata/symtab.c ||
	setup_fail "building content-oracle-check"

# The hash drivers first: busybox insmod ignores softdeps (libcrc32c needs
# crc32c). Not kvm_intel (no VMX under TCG) nor kvm_amd: its init
# re-targets kvm's static call trampolines (a run-time update, not a
# load-time rewrite), and its FILL_RETURN_BUFFER alternative carries a
# RIP-relative operand 6.12's __apply_relocation() moves, which the rules
# do not model (refused, see Documentation/integrity.rst).
DEFAULT_MODS="crc32c_generic xxhash_generic blake2b_generic kvm btrfs
nf_tables nft_ct xfs veth dummy bridge tun loop zram"
MODS=${*:-$DEFAULT_MODS}
# shellcheck source=tests/lib/modset.sh
. tests/lib/modset.sh
# shellcheck disable=SC2086 # one word per module name
modset_collect "$base" "$kver" "$OUT/ko" $MODS
order=("${MODSET_ORDER[@]}")
[ ${#order[@]} -gt 0 ] || setup_fail "no module of $kver found"
echo "# $kver: ${#order[@]} modules (with dependencies)"

probe=$(python3 tests/layout/kprobe_spec.py --rules 6.4 "$kernel" \
	"build/vm/vmlinux-$kver") || setup_fail "kprobe_spec.py"
args=(-k "$kernel" -t 900 -a "log_buf_len=16M loglevel=1"
	-l "$OUT/guest.log" -e "MODS=${order[*]}" -e "PROBE=$probe"
	-F "$OUT/content-oracle-kcore:/bin/content-oracle-kcore")
for n in "${order[@]}"; do
	args+=(-F "$OUT/ko/$n.ko:/m/$n.ko")
done
vm_rc=0
# CONTENT_ORACLE_REUSE=1: judge the guest log of the previous run again.
if [ "${CONTENT_ORACLE_REUSE:-0}" = 1 ] && [ -s "$OUT.guest.log" ]; then
	cp "$OUT.guest.log" "$OUT/guest.log"
else
	QEMU_MEM=${QEMU_MEM:-2048M} KVER=$kver scripts/vm-run.sh "${args[@]}" \
		tests/vm/content-oracle-guest.sh > "$OUT/vm-run.log" 2>&1 ||
		vm_rc=$?
	cp "$OUT/guest.log" "$OUT.guest.log"
fi

python3 tests/vm/content_oracle_split.py "$OUT/guest.log" "$OUT" \
	> "$OUT/split.log" 2>&1 || setup_fail "parsing $OUT/guest.log"

# One guest CPU: the kernel turns lock prefixes into DS (UP policy).
[ "${QEMU_SMP:-1}" != 1 ] || export CONTENT_ORACLE_UP=1
# kvm's static calls go to kvm_amd after its init, and back (their text symbols: function entries, as VTL1 keeps them).
export CONTENT_ORACLE_MODTEXT=$OUT/modtext
# The kernel info extension from the guest's own boot_cpu_data and pv_ops:
# every alternative and retpoline pinned to this CPU's form, every direct
# call to its pv_ops slot's function (CONTENT_ORACLE_NO_KEXT=1: without).
[ "${CONTENT_ORACLE_NO_KEXT:-0}" = 1 ] || export CONTENT_ORACLE_KEXT=$OUT/kext
pass() { result 1 "$*"; }
fail() { result 0 "$*"; }
for n in "${order[@]}"; do
	kn=${n//-/_}
	if ! grep -q "@@LOADED $n\b" "$OUT/guest.log"; then
		echo "# $n: $(grep -m1 "@@FAILED $n " "$OUT/guest.log" | tr -d '\r')"
		fail "$n: not loaded in the guest"
		continue
	fi
	[ -s "$OUT/mem/$kn/args" ] || { fail "$n: no dump from the guest"; continue; }
	read -r -a a < "$OUT/mem/$kn/args"
	v=$("$CHECK" "$OUT/kallsyms" "$OUT/ko/$n.ko" "$OUT/mem/$kn" "${a[@]}" 2>&1)
	echo "$v" > "$OUT/mem/$kn/verdict"
	case $v in
	*"verdict accept"*)
		nn=$(grep -c '^note ro_after_init' <<< "$v")
		extra=
		[ "$nn" -eq 0 ] || extra=" ($nn ro_after_init byte(s) its init wrote given back)"
		case $v in *"init stand-in"*)
			extra="$extra (text, rodata, ro_after_init; init memory was freed)" ;;
		esac
		pass "$n: the real $kver load is accepted$extra"
		grep '^note' <<< "$v" | sed 's/^/# /' ;;
	*) fail "$n: $v" ;;
	esac
	for fl in seal quiet dcall; do
		[ -s "$OUT/mem/$kn/flip-$fl" ] || continue
		read -r ft fo want < "$OUT/mem/$kn/flip-$fl"
		v=$("$CHECK" "$OUT/kallsyms" "$OUT/ko/$n.ko" "$OUT/mem/$kn" \
			"${a[@]}" "$ft" "$fo" 2>&1)
		case $v in
		*"verdict refuse $want mem $ft "*) pass "$n: one bit flipped ($fl, mem $ft +$fo) refused: $want" ;;
		*) fail "$n: one bit flipped ($fl, mem $ft +$fo): want $want, got $v" ;;
		esac
	done
done
# The pinning can fail: with X86_FEATURE_ALWAYS cleared in the words, the
# direct calls every CPU gets must be refused as the other form.
if [ -n "${CONTENT_ORACLE_KEXT:-}" ] && [ -s "$OUT/kext-noalways" ]; then
	for n in "${order[@]}"; do
		kn=${n//-/_}
		[ -s "$OUT/mem/$kn/flip-dcall" ] || continue
		read -r -a a < "$OUT/mem/$kn/args"
		v=$(CONTENT_ORACLE_KEXT=$OUT/kext-noalways "$CHECK" "$OUT/kallsyms" \
			"$OUT/ko/$n.ko" "$OUT/mem/$kn" "${a[@]}" 2>&1)
		case $v in
		*"verdict refuse REWRITE_ALT_OTHER_FORM mem 0 "*) pass "$n: words without X86_FEATURE_ALWAYS: direct call refused (REWRITE_ALT_OTHER_FORM)" ;;
		*) fail "$n: words without X86_FEATURE_ALWAYS: want REWRITE_ALT_OTHER_FORM, got $v" ;;
		esac
		break
	done
fi
if [ "$vm_rc" -ne 0 ]; then
	fail "the VM run failed (exit $vm_rc, log $OUT/vm-run.log)"
	tail -n 20 "$OUT/vm-run.log" | sed 's/^/# /'
fi
ktap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# integrity-amd.sh - VM suite (issue 5, kernel info extension): on AMD CPU
# models Debian's kernel returns through a thunk that is not exported -
# srso_return_thunk (QEMU -cpu EPYC, family 0x17, spec_rstack_overflow=
# safe-ret), retbleed_return_thunk (EPYC, retbleed=unret with SRSO off) or
# srso_alias_return_thunk (EPYC-Milan, family 0x19) - so every module's
# return sites become `jmp <that thunk>`. VTL1 knows the thunk only from LoadKData's kernel info
# extension. Per CPU model: the kernel picked the thunk, VTL1 logged the
# same address (/proc/kallsyms), and real Debian modules validate. Runs
# tests/vm/integrity.sh with another CPU, command line and guest script.
#
# Usage: tests/vm/integrity-amd.sh [MODULE...]   (default: the list below)
# Environment: INTEGRITY_KO (default kmod/heki_vtl0_test.ko).
# Ends with `N passed, N failed` (the sum over the three runs).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

export INTEGRITY_GUEST=tests/vm/integrity-amd-guest.sh
# Without IBPB-extending microcode (never under TCG) the SRSO code prints a
# notice that contains "WARNING:"; it is not a kernel warning.
export VM_ALLOW='Speculative Return Stack Overflow: WARNING: See https://kernel.org/doc/html/latest/admin-guide/hw-vuln/srso.html'
# Modules with many return sites, static calls and paravirt sites
# (crc32c_generic first: busybox modprobe ignores libcrc32c's softdep).
MODS=${*:-"crc32c_generic xxhash_generic blake2b_generic veth dummy tun bonding vxlan nf_tables kvm kvm_amd btrfs xfs ext4 fuse dm_crypt bridge"}

. tests/lib/ktap.sh
log=$(mktemp)
# CPU model : kernel command line (heki_thunk= names the thunk to expect).
for v in "EPYC:spec_rstack_overflow=safe-ret heki_thunk=srso_return_thunk" \
	 "EPYC:retbleed=unret spec_rstack_overflow=off heki_thunk=retbleed_return_thunk" \
	 "EPYC-Milan:spec_rstack_overflow=safe-ret heki_thunk=srso_alias_return_thunk"; do
	echo "# --- QEMU -cpu ${v%%:*}, kernel command line: ${v#*:}"
	# shellcheck disable=SC2086
	out=$(QEMU_CPU=${v%%:*} KAPPEND="${KAPPEND:-} ${v#*:}" \
		tests/vm/integrity.sh $MODS 2>&1)
	echo "$out" | grep -vE '^(# [0-9]+ skipped|[0-9]+ passed, [0-9]+ failed)$'
	echo "$out" >"$log"
	ktap_merge "$log" "tests/vm/integrity.sh (${v%%:*})"
done
rm -f "$log"
ktap_done

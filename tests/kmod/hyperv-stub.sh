#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hyperv-stub.sh - host suite: check statically what the hyperv transport's
# machine code must do: the VTL call stub in the built kmod/hyperv_call.o
# against the register contract of vtl0-lvbs.md §1.2-1.4 (RDI = function id,
# RSI/RDX/R8 = a1..a3, RCX = 0, CALL hypercall page + offset through RAX,
# result from R8) and the TLFS (vsm.md, "Virtual Processor State
# Isolation": RAX-RBP and R8-R15 are shared with VTL1, so every register the
# C calling convention lets a caller keep live across a call - RBX, RBP,
# R12-R15 - is saved and restored by the stub); in kmod/hyperv.o the FPU
# bracket and CR2 save around it and the hypercall page looked up on every
# call; the module's imports and the documented handshake parameter.
# Results through tests/lib/ktap.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/ktap.sh

STUB=kmod/hyperv_call.o OBJ=kmod/hyperv.o KO=kmod/heki_vtl0.ko
check() { local n=$1; shift; if "$@"; then result 1 "$n"; else result 0 "$n"; fi; }

echo "KTAP version 1"
if [ ! -f "$STUB" ] || [ ! -f "$OBJ" ] || [ ! -f "$KO" ]; then
	result 0 "$STUB, $OBJ and $KO built (run make)"
	ktap_done
	exit
fi

# Disassembly of function $2 in object $1 with relocations, one
# instruction a line.
fn() {
	objdump -dr --no-show-raw-insn "$1" |
		awk -v f="<$2>:" '$2 == f {on = 1; next} on && /^$/ {exit} on'
}
RAW=$(fn "$STUB" heki_hv_vtl_call_raw)
CALL=$(fn "$OBJ" heki_hv_call)
# Instructions before / after the call into the hypercall page (the call
# whose relocation or operand names the RAX thunk or *%rax).
call_line=$(printf '%s\n' "$RAW" | grep -n '__x86_indirect_thunk_rax\|call \+\*%rax' | head -n 1 | cut -d: -f1)
BEFORE=$(printf '%s\n' "$RAW" | head -n "${call_line:-0}")
AFTER=$(printf '%s\n' "$RAW" | tail -n +"$((${call_line:-0} + 1))")

has() { printf '%s\n' "$1" | grep -E "$2" >/dev/null; }
lacks() { ! has "$@"; }
saved() { has "$BEFORE" "push +%$1" && has "$AFTER" "pop +%$1"; }
imports() { nm -u "$KO" | grep -w "$1" >/dev/null; }
param_documented() { modinfo -p "$KO" | grep "^$1:$2" >/dev/null; }

check "stub heki_hv_vtl_call_raw exists" [ -n "$RAW" ]
check "call goes through RAX (hypercall page + vtl_call_offset)" [ -n "$call_line" ]
check "RAX = target (1st argument) before the call" has "$BEFORE" 'mov +%rdi,%rax'
check "RDI = function id (2nd argument)" has "$BEFORE" 'mov +%rsi,%rdi'
check "RSI = a1 (3rd argument)" has "$BEFORE" 'mov +%rdx,%rsi'
check "RDX = a2 (4th argument)" has "$BEFORE" 'mov +%rcx,%rdx'
check "R8 = a3 (5th argument, not overwritten)" lacks "$BEFORE" ',%r8d?$'
check "RCX (VTL call control) zeroed before the call" has "$BEFORE" 'xor +%ecx,%ecx'
check "result taken from R8" has "$AFTER" 'mov +%r8,%rax'
for r in rbx rbp r12 r13 r14 r15; do
	check "callee-saved %$r kept across the call (shared with VTL1)" saved "$r"
done
check "stub has no ftrace call site (notrace)" lacks "$RAW" '__fentry__'
fpu_b=$(printf '%s\n' "$CALL" | grep -n 'kernel_fpu_begin_mask' | head -n 1 | cut -d: -f1)
raw_at=$(printf '%s\n' "$CALL" | grep -n 'heki_hv_vtl_call_raw' | head -n 1 | cut -d: -f1)
fpu_e=$(printf '%s\n' "$CALL" | grep -n 'kernel_fpu_end' | head -n 1 | cut -d: -f1)
fpu_bracket() {
	[ -n "$fpu_b" ] && [ -n "$raw_at" ] && [ -n "$fpu_e" ] &&
		[ "$fpu_b" -lt "$raw_at" ] && [ "$raw_at" -lt "$fpu_e" ]
}
check "FPU state saved around the VTL call" fpu_bracket
# read_cr2()/write_cr2(): "mov %cr2" natively, a call through
# pv_ops.mmu.read_cr2/write_cr2 with CONFIG_PARAVIRT_XXL (Debian); the
# pv_ops offsets come from the object's own debug information (pahole),
# minus 4 for the RIP-relative relocation.
pv_off() {
	local mmu f
	mmu=$(pahole -C paravirt_patch_template "$OBJ" 2>/dev/null |
		awk '$1 == "struct" && $2 == "pv_mmu_ops" && $3 == "mmu;" {print $5}')
	f=$(pahole -C pv_mmu_ops "$OBJ" 2>/dev/null | grep -E "[ (*]$1[;)]" |
		sed -n 's#.*/\* *\([0-9]*\) .*#\1#p')
	[ -n "$mmu" ] && [ -n "$f" ] && printf 'pv_ops[+]0x%x$' $((mmu + f - 4))
}
cr2_line() {
	local re=$1 pv
	pv=$(pv_off "$2")
	printf '%s\n' "$CALL" | grep -nE "$re${pv:+|$pv}" | head -n 1 | cut -d: -f1
}
cr2_r=$(cr2_line 'mov +%cr2,' read_cr2)
cr2_w=$(cr2_line ',%cr2$' write_cr2)
cr2_bracket() {
	[ -n "$cr2_r" ] && [ -n "$raw_at" ] && [ -n "$cr2_w" ] &&
		[ "$cr2_r" -lt "$raw_at" ] && [ "$raw_at" -lt "$cr2_w" ]
}
check "CR2 saved before and restored after the VTL call" cr2_bracket
check "hv_hypercall_pg read on every call (heki_hv_call)" has "$CALL" 'hv_hypercall_pg'
check "module uses the kernel's hypercall page" imports hv_hypercall_pg
check "module reads the Hyper-V privileges (ms_hyperv)" imports ms_hyperv
check "handshake parameter vtl1_ready documented (modinfo)" \
	param_documented vtl1_ready Handshake

ktap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# hyperv-stub.sh - host suite: the hyperv transport cannot run without
# Hyper-V, so check statically what can be checked: the machine code of the
# VTL call stub in the built kmod/hyperv.o against the register contract of
# vtl0-lvbs.md §1.2-1.4 (RDI = function id, RSI/RDX/R8 = a1..a3, RCX = 0,
# CALL hypercall page + offset through RAX, result from R8, callee-saved
# registers kept), the FPU bracket around it, the module's imports and the
# documented handshake parameter. Results through tests/lib/ktap.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/ktap.sh

OBJ=kmod/hyperv.o KO=kmod/heki_vtl0.ko
check() { local n=$1; shift; if "$@"; then result 1 "$n"; else result 0 "$n"; fi; }

echo "KTAP version 1"
if [ ! -f "$OBJ" ] || [ ! -f "$KO" ]; then
	result 0 "$OBJ and $KO built (run make)"
	ktap_done
	exit
fi

# Disassembly of one function with relocations, one instruction a line.
fn() {
	objdump -dr --no-show-raw-insn "$OBJ" |
		awk -v f="<$1>:" '$2 == f {on = 1; next} on && /^$/ {exit} on'
}
RAW=$(fn heki_hv_vtl_call_raw)
CALL=$(fn heki_hv_call)
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
for r in rbx r12 r13 r14 r15; do
	check "callee-saved %$r kept across the call" saved "$r"
done
check "stub has no ftrace call site (notrace)" lacks "$RAW" '__fentry__'
fpu_b=$(printf '%s\n' "$CALL" | grep -n 'kernel_fpu_begin_mask' | head -n 1 | cut -d: -f1)
raw_at=$(printf '%s\n' "$CALL" | grep -n '<heki_hv_vtl_call_raw>' | head -n 1 | cut -d: -f1)
fpu_e=$(printf '%s\n' "$CALL" | grep -n 'kernel_fpu_end' | head -n 1 | cut -d: -f1)
fpu_bracket() {
	[ -n "$fpu_b" ] && [ -n "$raw_at" ] && [ -n "$fpu_e" ] &&
		[ "$fpu_b" -lt "$raw_at" ] && [ "$raw_at" -lt "$fpu_e" ]
}
check "FPU state saved around the VTL call" fpu_bracket
check "module uses the kernel's hypercall page" imports hv_hypercall_pg
check "module reads the Hyper-V privileges (ms_hyperv)" imports ms_hyperv
check "handshake parameter vtl1_ready documented (modinfo)" \
	param_documented vtl1_ready Handshake

ktap_done

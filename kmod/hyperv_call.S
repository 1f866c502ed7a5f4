/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hyperv_call.S - the VTL call of the hyperv transport
 *
 * u64 heki_hv_vtl_call_raw(void *target, u64 func, u64 a1, u64 a2, u64 a3)
 *
 * CALL @target (hv_hypercall_pg + vtl_call_offset) with RDI = @func,
 * RSI = @a1, RDX = @a2, R8 = @a3 and RCX = 0 (the VTL call control
 * input, all bits reserved); return VTL1's R8.
 *
 * TLFS (vsm.md, "Virtual Processor State Isolation"): RAX, RBX, RCX, RDX,
 * RSI, RDI, RBP, R8-R15, CR2, DR0-DR5, x87/XMM/AVX state and XCR0 are
 * shared between VTLs, so VTL1 (and the VTL call/return sequence, which
 * uses RAX and RCX) may change any of them; RIP, RSP and RFLAGS are
 * private to VTL0 and come back as they were. This function therefore
 * saves every general register the C calling convention lets the caller
 * keep live across a call - RBX, RBP, R12-R15 - and restores them from
 * the stack (RSP is private, so the stack is where it was); the others
 * are caller-saved anyway. CR2, the FPU/vector state and interrupts are
 * the caller's (heki_hv_call()). tests/kmod/hyperv-stub.sh checks the
 * assembled code.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>

	.text
SYM_FUNC_START(heki_hv_vtl_call_raw)
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rdi, %rax		/* the call target */
	mov	%rsi, %rdi		/* RDI = function id */
	mov	%rdx, %rsi		/* RSI = a1 */
	mov	%rcx, %rdx		/* RDX = a2 */
					/* R8 = a3: already there */
	xor	%ecx, %ecx		/* RCX = 0: VTL call control */
	CALL_NOSPEC rax
	mov	%r8, %rax		/* VTL1's result */
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	RET
SYM_FUNC_END(heki_hv_vtl_call_raw)

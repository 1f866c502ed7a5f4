/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * entry.S - the code behind the emulated hypercall page
 *
 * Each entry of the page (hypercall.c) is an indirect jump to one of
 * these, so they run as if the caller's CALL had reached the page: the
 * return address is on the stack, RSP is the caller's. Each pushes RFLAGS
 * and every general register as struct hvemu_regs and calls its C
 * handler with a pointer to them.
 *
 * Hypercall (TLFS "Hypercall Interface", "Volatile Registers"): every
 * register comes back as it was except RAX (the result) and, for a rep
 * hypercall, RCX (the new rep start index, which the handler writes into
 * the saved RCX).
 *
 * VTL call (TLFS "Virtual Processor State Isolation"): RIP, RSP and RFLAGS
 * are private to VTL0 and come back as they were; the general registers,
 * x87/XMM/AVX state and CR2 are shared with VTL1, which may leave anything
 * in them. This entry leaves HVEMU_POISON in every general register but
 * RSP and R8 (VTL1's answer), all-ones in XMM0-15 (YMM0-15 on a CPU with
 * AVX), HVEMU_POISON_MXCSR in MXCSR, a reset x87 unit with
 * HVEMU_POISON_FCW as its control word and pi in ST0, and a poison CR2
 * (vtlcall.c), so a caller that keeps a value in any of them across the
 * call breaks here as it would on Hyper-V.
 */
#include <linux/cfi_types.h>
#include <linux/linkage.h>
#include <asm/nospec-branch.h>
#include <asm/page_types.h>

/* Keep in step with HVEMU_POISON* in hvemu.h. */
#define HVEMU_POISON	0x5648454b49504f49	/* "VHEKIPOI" */
#define HVEMU_POISON_MXCSR	0xff80	/* flush to zero, round toward zero */
#define HVEMU_POISON_FCW	0x0c7f	/* single precision, toward zero */

.macro HVEMU_SAVE
	pushfq
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

/* Back from struct hvemu_regs: every register as saved, RFLAGS last. */
.macro HVEMU_RESTORE
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	popfq
.endm

	.data
SYM_DATA(hvemu_clobber_ymm, .byte 0)
SYM_DATA(hvemu_poison_mxcsr, .long HVEMU_POISON_MXCSR)
SYM_DATA(hvemu_poison_fcw, .word HVEMU_POISON_FCW)

/*
 * The hypercall page itself: one page of this module's text, so it is
 * executable (vmap() maps only no-execute, and module text is the one
 * executable memory a module can get). hypercall.c writes it through a
 * writable alias; until then it is an ENDBR64 (where the hypercall entry
 * is: hypercall.c's entries each start with one, as Hyper-V's page does,
 * and objtool wants one where the address a C file takes points), ud2 and
 * int3. A function to objtool, which then sees the ENDBR64 reached and the
 * flow end at the ud2; not the kernel's ENDBR macro: the page has it
 * whatever the kernel's configuration, as a hypervisor's page would.
 *
 * The page's entries reach the handlers below with an indirect JMP: each
 * starts with an ENDBR (SYM_TYPED_FUNC_START: after 6.12, Debian's 7.2
 * has it, SYM_FUNC_START no longer adds one).
 */
	.pushsection .text..hvemu_page, "ax"
	.balign	PAGE_SIZE
SYM_START(hvemu_page_text, SYM_L_GLOBAL, SYM_A_NONE)
	endbr64
	ud2
	.fill	PAGE_SIZE - 6, 1, 0xcc
SYM_END(hvemu_page_text, SYM_T_FUNC)
	.popsection

	.text

SYM_TYPED_FUNC_START(hvemu_hypercall_entry)
	HVEMU_SAVE
	movq	%rsp, %rdi
	call	hvemu_hypercall
	movq	%rax, 14*8(%rsp)		/* the saved RAX: the result */
	HVEMU_RESTORE
	RET
SYM_FUNC_END(hvemu_hypercall_entry)

SYM_TYPED_FUNC_START(hvemu_vtl_call_entry)
	HVEMU_SAVE
	movq	%rsp, %rdi
	call	hvemu_vtl_call
	movq	%rax, 7*8(%rsp)			/* the saved R8: VTL1's answer */
	testb	$1, hvemu_clobber_ymm(%rip)
	jz	.Lxmm
	vpcmpeqd	%ymm0, %ymm0, %ymm0
	vpcmpeqd	%ymm1, %ymm1, %ymm1
	vpcmpeqd	%ymm2, %ymm2, %ymm2
	vpcmpeqd	%ymm3, %ymm3, %ymm3
	vpcmpeqd	%ymm4, %ymm4, %ymm4
	vpcmpeqd	%ymm5, %ymm5, %ymm5
	vpcmpeqd	%ymm6, %ymm6, %ymm6
	vpcmpeqd	%ymm7, %ymm7, %ymm7
	vpcmpeqd	%ymm8, %ymm8, %ymm8
	vpcmpeqd	%ymm9, %ymm9, %ymm9
	vpcmpeqd	%ymm10, %ymm10, %ymm10
	vpcmpeqd	%ymm11, %ymm11, %ymm11
	vpcmpeqd	%ymm12, %ymm12, %ymm12
	vpcmpeqd	%ymm13, %ymm13, %ymm13
	vpcmpeqd	%ymm14, %ymm14, %ymm14
	vpcmpeqd	%ymm15, %ymm15, %ymm15
	jmp	.Lgprs
.Lxmm:
	pcmpeqd	%xmm0, %xmm0
	pcmpeqd	%xmm1, %xmm1
	pcmpeqd	%xmm2, %xmm2
	pcmpeqd	%xmm3, %xmm3
	pcmpeqd	%xmm4, %xmm4
	pcmpeqd	%xmm5, %xmm5
	pcmpeqd	%xmm6, %xmm6
	pcmpeqd	%xmm7, %xmm7
	pcmpeqd	%xmm8, %xmm8
	pcmpeqd	%xmm9, %xmm9
	pcmpeqd	%xmm10, %xmm10
	pcmpeqd	%xmm11, %xmm11
	pcmpeqd	%xmm12, %xmm12
	pcmpeqd	%xmm13, %xmm13
	pcmpeqd	%xmm14, %xmm14
	pcmpeqd	%xmm15, %xmm15
.Lgprs:
	ldmxcsr	hvemu_poison_mxcsr(%rip)
	fninit
	fldcw	hvemu_poison_fcw(%rip)
	fldpi
	HVEMU_RESTORE				/* RFLAGS is VTL0's own */
	/* What VTL1 leaves in the shared registers (not R8, not RSP). */
	movabsq	$HVEMU_POISON, %rax
	movq	%rax, %rbx
	movq	%rax, %rcx
	movq	%rax, %rdx
	movq	%rax, %rsi
	movq	%rax, %rdi
	movq	%rax, %rbp
	movq	%rax, %r9
	movq	%rax, %r10
	movq	%rax, %r11
	movq	%rax, %r12
	movq	%rax, %r13
	movq	%rax, %r14
	movq	%rax, %r15
	RET
SYM_FUNC_END(hvemu_vtl_call_entry)

/* A VTL return from VTL0 (the lowest VTL) is #UD: the handler does not return. */
SYM_TYPED_FUNC_START(hvemu_vtl_return_entry)
	HVEMU_SAVE
	movq	%rsp, %rdi
	call	hvemu_vtl_return
	ud2
SYM_FUNC_END(hvemu_vtl_return_entry)

/*
 * hvemu_self_check_call(target) - make one VTL call to @target (RDI) the
 * way a caller that keeps nothing in registers does, with RDI = an
 * unknown function id, RCX = 0, R8 = 0x1234, and store every general
 * register right after it into hvemu_self_check_regs (struct hvemu_regs
 * order, RFLAGS slot unused), XMM0-15 into hvemu_self_check_xmm, MXCSR
 * and the x87 control word into hvemu_self_check_mxcsr and _fcw.
 * Interrupts off and the FPU section open are the caller's job.
 */
	.data
SYM_DATA_START(hvemu_self_check_regs)
	.fill	16, 8, 0
SYM_DATA_END(hvemu_self_check_regs)
SYM_DATA_START(hvemu_self_check_xmm)
	.fill	32, 8, 0
SYM_DATA_END(hvemu_self_check_xmm)
SYM_DATA(hvemu_self_check_mxcsr, .long 0)
SYM_DATA(hvemu_self_check_fcw, .word 0)

	.text
SYM_FUNC_START(hvemu_self_check_call)
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %rax
	movl	$0x48454b49, %edi
	xorl	%ecx, %ecx
	xorl	%esi, %esi
	xorl	%edx, %edx
	movl	$0x1234, %r8d
	CALL_NOSPEC rax
	movq	%r15, hvemu_self_check_regs+0*8(%rip)
	movq	%r14, hvemu_self_check_regs+1*8(%rip)
	movq	%r13, hvemu_self_check_regs+2*8(%rip)
	movq	%r12, hvemu_self_check_regs+3*8(%rip)
	movq	%r11, hvemu_self_check_regs+4*8(%rip)
	movq	%r10, hvemu_self_check_regs+5*8(%rip)
	movq	%r9, hvemu_self_check_regs+6*8(%rip)
	movq	%r8, hvemu_self_check_regs+7*8(%rip)
	movq	%rbp, hvemu_self_check_regs+8*8(%rip)
	movq	%rdi, hvemu_self_check_regs+9*8(%rip)
	movq	%rsi, hvemu_self_check_regs+10*8(%rip)
	movq	%rdx, hvemu_self_check_regs+11*8(%rip)
	movq	%rcx, hvemu_self_check_regs+12*8(%rip)
	movq	%rbx, hvemu_self_check_regs+13*8(%rip)
	movq	%rax, hvemu_self_check_regs+14*8(%rip)
	movdqu	%xmm0, hvemu_self_check_xmm+0*16(%rip)
	movdqu	%xmm1, hvemu_self_check_xmm+1*16(%rip)
	movdqu	%xmm2, hvemu_self_check_xmm+2*16(%rip)
	movdqu	%xmm3, hvemu_self_check_xmm+3*16(%rip)
	movdqu	%xmm4, hvemu_self_check_xmm+4*16(%rip)
	movdqu	%xmm5, hvemu_self_check_xmm+5*16(%rip)
	movdqu	%xmm6, hvemu_self_check_xmm+6*16(%rip)
	movdqu	%xmm7, hvemu_self_check_xmm+7*16(%rip)
	movdqu	%xmm8, hvemu_self_check_xmm+8*16(%rip)
	movdqu	%xmm9, hvemu_self_check_xmm+9*16(%rip)
	movdqu	%xmm10, hvemu_self_check_xmm+10*16(%rip)
	movdqu	%xmm11, hvemu_self_check_xmm+11*16(%rip)
	movdqu	%xmm12, hvemu_self_check_xmm+12*16(%rip)
	movdqu	%xmm13, hvemu_self_check_xmm+13*16(%rip)
	movdqu	%xmm14, hvemu_self_check_xmm+14*16(%rip)
	movdqu	%xmm15, hvemu_self_check_xmm+15*16(%rip)
	stmxcsr	hvemu_self_check_mxcsr(%rip)
	fnstcw	hvemu_self_check_fcw(%rip)
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	RET
SYM_FUNC_END(hvemu_self_check_call)

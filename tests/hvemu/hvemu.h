/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvemu.h - interface between the files of heki_hvemu.ko, the emulated
 * Hyper-V hypervisor with VSM that tests heki_vtl0's hyperv transport
 *
 * main.c       parameters (the variants), load, the guest's view of Hyper-V
 * hypercall.c  the hypercall page and HvCallGetVpRegisters
 * vtlcall.c    the VTL call: entry checks, VTL1 on another CPU, the answer
 * entry.S      the code the hypercall page jumps to
 * debugfs.c    /sys/kernel/debug/heki_hvemu/
 * vtl1_*.c     the in-kernel VTL1 (kmod/loopback*.c) under this prefix
 *
 * Documentation/kmod.rst, "The emulated hypervisor", says what it proves.
 */
#ifndef _TESTS_HVEMU_H
#define _TESTS_HVEMU_H

#include <linux/atomic.h>
#include <linux/types.h>


/*
 * The registers at an entry of the hypercall page, as entry.S pushes
 * them (lowest address first). The C handlers read and may change them;
 * entry.S decides what goes back.
 */
struct hvemu_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 rflags;
};

/* What VTL1 leaves in the general registers it may change (entry.S). */
#define HVEMU_POISON		0x5648454b49504f49ULL	/* "VHEKIPOI" */
#define HVEMU_POISON_CR2	0x5648454b49435232ULL	/* "VHEKICR2" */
#define HVEMU_POISON_MXCSR	0xff80	/* as in entry.S */
#define HVEMU_POISON_FCW	0x0c7f	/* as in entry.S */

/* entry.S */
void hvemu_hypercall_entry(void);
void hvemu_vtl_call_entry(void);
void hvemu_vtl_return_entry(void);
extern u8 hvemu_page_text[];
void hvemu_self_check_call(void *target);
extern struct hvemu_regs hvemu_self_check_regs;
extern u64 hvemu_self_check_xmm[32];
extern u32 hvemu_self_check_mxcsr;
extern u16 hvemu_self_check_fcw;
extern u8 hvemu_clobber_ymm;

/* main.c: the variants, read at every call */
extern int hvemu_mbec;
extern int hvemu_privileges;
extern int hvemu_vtl1_enabled;
extern int hvemu_max_vtl;
extern int hvemu_vtl1_disabled_cpu;
extern int hvemu_vtl1_silent_cpu;
extern unsigned int hvemu_answer_func;
extern unsigned long long hvemu_answer;
extern unsigned int hvemu_getreg_status;
extern unsigned int hvemu_call_offset;
extern int hvemu_call_endbr;
extern unsigned int hvemu_return_offset;

/**
 * struct hvemu_stats - what the emulator saw
 * @hypercalls: calls of the hypercall entry
 * @hypercall_errors: hypercalls answered with a status other than success
 * @get_vp_registers: HvCallGetVpRegisters calls
 * @vtl_calls: VTL calls entered
 * @vtl1_here: VTL calls VTL1 answered in the calling task
 * @vtl1_elsewhere: VTL calls VTL1 answered on another CPU (atomic callers)
 * @silent: VTL calls answered without running VTL1 (vtl1_silent_cpu)
 * @forced: VTL calls answered with hvemu_answer (answer_func)
 * @violations: calls that broke heki_vtl0's calling contract (logged)
 * @max_wait_ns: longest time a caller waited for VTL1
 */
struct hvemu_stats {
	atomic64_t hypercalls;
	atomic64_t hypercall_errors;
	atomic64_t get_vp_registers;
	atomic64_t vtl_calls;
	atomic64_t vtl1_here;
	atomic64_t vtl1_elsewhere;
	atomic64_t silent;
	atomic64_t forced;
	atomic64_t violations;
	atomic64_t max_wait_ns;
};

extern struct hvemu_stats hvemu_stats;

/* hypercall.c */
int hvemu_page_init(void);
int hvemu_page_layout(unsigned int call, unsigned int ret);
void *hvemu_page(void);
u64 hvemu_hypercall(struct hvemu_regs *r);
bool hvemu_vp_vtl1_enabled(unsigned int cpu);

/* vtlcall.c */
int hvemu_vtl1_init(void);
void hvemu_vtl1_exit(void);
bool hvemu_committed(void);
u64 hvemu_vtl_call(struct hvemu_regs *r);
void __noreturn hvemu_vtl_return(struct hvemu_regs *r);
int hvemu_self_check(void);

/* debugfs.c */
int hvemu_debugfs_init(void);

#endif /* _TESTS_HVEMU_H */

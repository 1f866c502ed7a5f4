// SPDX-License-Identifier: GPL-2.0-only
/*
 * vtlcall.c - the emulated VTL call
 *
 * On entry (entry.S) the checks the TLFS makes ("VTL Call Restrictions"):
 * the VTL call control input in RCX has only reserved bits, so it must be
 * 0, and VTL1 must be enabled on the VP; either failure is #UD, which
 * this emulation raises as a real ud2 (an oops). The TLFS does not
 * require interrupts off (RFLAGS.IF is VTL0's private state), but
 * heki_vtl0 promises a call with interrupts off (kmod-mechanism.rst); a
 * call with IF set is a contract violation: logged and counted, and the
 * harness fails the run on it.
 *
 * Then VTL1 runs: the VTL1 library (kmod/loopback.c, under this module's
 * prefix) on RDI/RSI/RDX/R8, for the VP that called; the calling CPU's
 * registers are captured first, on that CPU, so LockRegs reads and pins
 * that VP's values. On Hyper-V VTL1 runs on the calling VP while VTL0 is
 * suspended. Here VTL1 is kernel code that sleeps (mutexes, allocations,
 * the kernel's PKCS#7 verifier) and shares the kernel with VTL0 (a large
 * vmalloc in VTL1 flushes every CPU's TLB), which the caller's context,
 * interrupts off and an FPU section open, does not allow. So:
 *
 *  - a caller whose only atomic section is its FPU section (heki_vtl0
 *    today: a task holding a mutex) has it suspended for the call: the
 *    FPU section is closed and interrupts enabled, VTL1 runs in the
 *    calling task, then interrupts are disabled and the FPU section
 *    reopened before the return. VTL0 interrupts on that CPU may be
 *    handled during the call (Hyper-V holds them until the return) and the
 *    task may be preempted or, unless bound, migrate (a VP stays in VTL1);
 *  - any other caller (a spinlock held, interrupt context) cannot have
 *    VTL1 run in its context: the call goes to a work item on another
 *    active CPU and the caller waits, interrupts off, as a VP does. VTL1
 *    code that then needs the waiting CPU (a TLB flush, an RCU grace
 *    period) deadlocks: this path is for short calls and is logged.
 *
 * Either way the caller sees what it would on Hyper-V when the call
 * returns.
 *
 * The answer goes to R8; entry.S poisons the other registers VTL1 may
 * change and this file poisons CR2.
 */
#define pr_fmt(fmt) "heki_hvemu: " fmt
#define HEKI_HVEMU 1

#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>
#include <linux/workqueue.h>
#include <asm/fpu/api.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

#include <heki/abi.h>

#include "../../kmod/heki_vtl0.h"
#include "../../kmod/compat/workqueue.h"
#include "hvemu.h"

/* A caller waiting this long is logged (VTL1 has not answered). */
#define HVEMU_WAIT_WARN_NS	(10ULL * NSEC_PER_SEC)

/**
 * struct hvemu_call - the VTL call in flight
 * @work: runs VTL1 on the server CPU
 * @vp: the calling VP, captured on its CPU
 * @func: RDI
 * @a1: RSI
 * @a2: RDX
 * @a3: R8
 * @ret: VTL1's answer
 * @done: set (release) once @ret is valid
 */
struct hvemu_call {
	struct work_struct work;
	struct heki_lb_vp vp;
	u32 func;
	u64 a1, a2, a3;
	s64 ret;
	int done;
};

static struct hvemu_call hvemu_call;
static atomic_t hvemu_busy = ATOMIC_INIT(0);
static struct workqueue_struct *hvemu_wq;
static bool hvemu_state_changed;
/*
 * What kernel_fpu_begin() adds to the preemption count, measured at load:
 * one preemption level on 6.1; on Debian's 7.2 a bottom-half-disable
 * level (the FPU section disables softirqs).
 */
static unsigned int hvemu_fpu_count;

/**
 * hvemu_committed() - has VTL1 accepted a state-changing call?
 *
 * Return: true once a call other than an unknown function id got an
 * answer >= 0 from VTL1: the code page offsets may not change any more.
 */
bool hvemu_committed(void)
{
	return READ_ONCE(hvemu_state_changed);
}

static void hvemu_vtl1_work(struct work_struct *work)
{
	struct hvemu_call *c = container_of(work, struct hvemu_call, work);

	c->ret = heki_loopback_call_vp(&c->vp, c->func, c->a1, c->a2, c->a3);
	/* Publishes @ret to the waiting CPU (its acquire in the loop below). */
	smp_store_release(&c->done, 1);
}

/**
 * hvemu_vtl1_init() - the workqueue VTL1 runs on
 *
 * Return: 0 or -ENOMEM.
 */
int hvemu_vtl1_init(void)
{
	unsigned int base = preempt_count();

	kernel_fpu_begin();
	hvemu_fpu_count = preempt_count() - base;
	kernel_fpu_end();
	INIT_WORK(&hvemu_call.work, hvemu_vtl1_work);
	/* Per-CPU: a call is queued on the CPU chosen to run VTL1. */
	hvemu_wq = alloc_workqueue("heki_hvemu_vtl1",
				   WQ_HIGHPRI | WQ_MEM_RECLAIM | HEKI_WQ_PERCPU,
				   1);
	return hvemu_wq ? 0 : -ENOMEM;
}

/**
 * hvemu_vtl1_exit() - free the workqueue (a failed load only)
 */
void hvemu_vtl1_exit(void)
{
	destroy_workqueue(hvemu_wq);
	hvemu_wq = NULL;
}

static void __noreturn hvemu_inject_ud(void)
{
	/* What the hypervisor injects: the caller sees an invalid opcode. */
	asm volatile("ud2");
	unreachable();
}

static void hvemu_violation(void)
{
	atomic64_inc(&hvemu_stats.violations);
}

/* Run VTL1 for the VP on @cpu on another active CPU and wait. */
static s64 hvemu_vtl1_elsewhere(unsigned int cpu, const struct hvemu_regs *r)
{
	struct hvemu_call *c = &hvemu_call;
	bool warned = false;
	unsigned int server;
	u64 t0, waited;
	s64 ret;

	if (atomic_cmpxchg(&hvemu_busy, 0, 1)) {
		hvemu_violation();
		pr_err("contract violation: VTL call from CPU %u while another is in flight (heki_vtl0 makes one at a time)\n",
		       cpu);
		return -EBUSY;
	}
	server = cpumask_any_but(cpu_active_mask, cpu);
	if (server >= nr_cpu_ids) {
		atomic_set_release(&hvemu_busy, 0);
		hvemu_violation();
		pr_err("emulation limit: VTL call from CPU %u with no other active CPU to run VTL1 on\n",
		       cpu);
		return -EIO;
	}
	heki_lb_vp_capture(&c->vp);
	c->func = (u32)r->rdi;
	c->a1 = r->rsi;
	c->a2 = r->rdx;
	c->a3 = r->r8;
	c->done = 0;
	t0 = local_clock();
	queue_work_on(server, hvemu_wq, &c->work);
	/* Pairs with the release in hvemu_vtl1_work(): @ret is valid after. */
	while (!smp_load_acquire(&c->done)) {
		cpu_relax();
		if (!warned && local_clock() - t0 > HVEMU_WAIT_WARN_NS) {
			pr_warn("CPU %u has waited 10 s for VTL1 (function %#x on CPU %u)\n",
				cpu, c->func, server);
			warned = true;
		}
	}
	waited = local_clock() - t0;
	if (waited > (u64)atomic64_read(&hvemu_stats.max_wait_ns))
		atomic64_set(&hvemu_stats.max_wait_ns, waited);
	ret = c->ret;
	atomic_set_release(&hvemu_busy, 0);
	atomic64_inc(&hvemu_stats.vtl1_elsewhere);
	return ret;
}

/*
 * Can VTL1 run in the caller's context once its FPU section is suspended?
 * A task whose only atomic section is that FPU section: the preemption
 * count kernel_fpu_begin() gives (hvemu_fpu_count), no RCU read-side
 * section, the FPU in kernel use.
 */
static bool hvemu_caller_can_sleep(void)
{
	return in_task() && preempt_count() == hvemu_fpu_count &&
	       !rcu_preempt_depth() && !irq_fpu_usable();
}

/*
 * Run VTL1 for the VP on @cpu in the calling task. Interrupts go on before
 * the FPU section ends (where that section disables bottom halves, ending
 * it with interrupts off is a kernel warning) and off after it restarts,
 * as heki_vtl0 nests them.
 */
static s64 hvemu_vtl1_here(const struct hvemu_regs *r)
{
	struct heki_lb_vp vp;
	s64 ret;

	heki_lb_vp_capture(&vp);
	local_irq_enable();
	kernel_fpu_end();
	ret = heki_loopback_call_vp(&vp, (u32)r->rdi, r->rsi, r->rdx, r->r8);
	kernel_fpu_begin();
	local_irq_disable();
	atomic64_inc(&hvemu_stats.vtl1_here);
	return ret;
}

static s64 hvemu_vtl1_serve(unsigned int cpu, const struct hvemu_regs *r)
{
	s64 ret;

	if (hvemu_caller_can_sleep()) {
		ret = hvemu_vtl1_here(r);
	} else {
		pr_info("VTL call %#llx from CPU %u in atomic context: VTL1 runs on another CPU\n",
			r->rdi, cpu);
		ret = hvemu_vtl1_elsewhere(cpu, r);
	}
	if (ret >= 0 && vsm_func_id_known((__force vsm_func_id_t)(u32)r->rdi))
		WRITE_ONCE(hvemu_state_changed, true);
	return ret;
}

/**
 * hvemu_vtl_call() - the VTL call entry
 * @r: the caller's registers (RCX control, RDI function id, RSI, RDX, R8)
 *
 * Context: the caller's (heki_vtl0: interrupts off, FPU section open).
 * Return: the value for R8.
 */
u64 hvemu_vtl_call(struct hvemu_regs *r)
{
	unsigned int cpu = raw_smp_processor_id();
	u64 ret;

	atomic64_inc(&hvemu_stats.vtl_calls);
	if (r->rcx) {
		pr_emerg("VTL call from CPU %u with control input RCX=%#llx (all its bits are reserved): #UD\n",
			 cpu, r->rcx);
		hvemu_inject_ud();
	}
	if (!hvemu_vp_vtl1_enabled(cpu)) {
		pr_emerg("VTL call from CPU %u, where VTL1 is not enabled: #UD\n",
			 cpu);
		hvemu_inject_ud();
	}
	if (r->rflags & X86_EFLAGS_IF) {
		hvemu_violation();
		pr_err("contract violation: VTL call from CPU %u with interrupts enabled\n",
		       cpu);
	}
	if (irq_fpu_usable()) {
		/* VTL1 may change XMM/AVX state: the caller must have saved it. */
		hvemu_violation();
		pr_err("contract violation: VTL call from CPU %u outside a kernel FPU section\n",
		       cpu);
	}

	if ((int)cpu == READ_ONCE(hvemu_vtl1_silent_cpu)) {
		/* VTL1 does not answer on this VP: R8 comes back as it was. */
		atomic64_inc(&hvemu_stats.silent);
		ret = r->r8;
	} else if (READ_ONCE(hvemu_answer_func) &&
		   (u32)r->rdi == READ_ONCE(hvemu_answer_func)) {
		atomic64_inc(&hvemu_stats.forced);
		ret = READ_ONCE(hvemu_answer);
	} else {
		ret = hvemu_vtl1_serve(cpu, r);
	}
	native_write_cr2(HVEMU_POISON_CR2);
	return ret;
}

/**
 * hvemu_vtl_return() - the VTL return entry, called from VTL0
 * @r: the caller's registers
 *
 * TLFS: a VTL return while the lowest VTL is active is #UD.
 */
void __noreturn hvemu_vtl_return(struct hvemu_regs *r)
{
	pr_emerg("VTL return from VTL0 on CPU %u (RCX=%#llx): #UD\n",
		 raw_smp_processor_id(), r->rcx);
	hvemu_inject_ud();
}

/* One self-check call; @atomic adds a preemption level (VTL1 elsewhere). */
static int hvemu_self_check_one(bool atomic)
{
	const u64 *reg = (const u64 *)&hvemu_self_check_regs;
	unsigned long flags, cr2, cr2_was;
	unsigned int i, bad = 0;

	kernel_fpu_begin();
	if (atomic)
		preempt_disable();
	local_irq_save(flags);
	cr2_was = native_read_cr2();
	hvemu_self_check_call(hvemu_page() + READ_ONCE(hvemu_call_offset));
	cr2 = native_read_cr2();
	native_write_cr2(cr2_was);
	local_irq_restore(flags);
	if (atomic)
		preempt_enable();
	kernel_fpu_end();

	for (i = 0; i < 15; i++) {
		u64 want = i == 7 ? (u64)-EINVAL : HVEMU_POISON;

		if (reg[i] != want) {
			pr_err("self-check: register %u of struct hvemu_regs is %#llx, expected %#llx\n",
			       i, reg[i], want);
			bad++;
		}
	}
	for (i = 0; i < ARRAY_SIZE(hvemu_self_check_xmm); i++) {
		if (hvemu_self_check_xmm[i] != ~0ULL) {
			pr_err("self-check: XMM%u is not all ones\n", i / 2);
			bad++;
			break;
		}
	}
	if (hvemu_self_check_mxcsr != HVEMU_POISON_MXCSR ||
	    hvemu_self_check_fcw != HVEMU_POISON_FCW) {
		pr_err("self-check: MXCSR %#x, x87 control word %#x\n",
		       hvemu_self_check_mxcsr, hvemu_self_check_fcw);
		bad++;
	}
	if (cr2 != HVEMU_POISON_CR2) {
		pr_err("self-check: CR2 is %#lx\n", cr2);
		bad++;
	}
	return bad ? -EIO : 0;
}

/**
 * hvemu_self_check() - VTL calls through the page, registers checked
 *
 * Calls the VTL call entry as heki_vtl0 would (interrupts off, FPU section
 * open) with an unknown function id, and checks what came back: R8 =
 * -EINVAL from VTL1, every other general register but RSP poisoned,
 * XMM0-15 all ones, MXCSR and the x87 control word poisoned, CR2
 * poisoned. Once with VTL1 in the calling task, and
 * once from atomic context (VTL1 on another CPU) when two CPUs are online.
 * Proves the emulator changes what it says it changes.
 *
 * Return: 0, or -EIO (logged) when a register came back otherwise.
 */
int hvemu_self_check(void)
{
	u64 here = atomic64_read(&hvemu_stats.vtl1_here);
	u64 away = atomic64_read(&hvemu_stats.vtl1_elsewhere);
	int ret;

	ret = hvemu_self_check_one(false);
	if (!ret && atomic64_read(&hvemu_stats.vtl1_here) != here + 1)
		ret = -EIO;
	if (!ret && num_online_cpus() > 1) {
		ret = hvemu_self_check_one(true);
		if (!ret && atomic64_read(&hvemu_stats.vtl1_elsewhere) != away + 1)
			ret = -EIO;
	}
	if (ret)
		return ret;
	pr_info("self-check: a VTL call returns VTL1's answer in R8 (-EINVAL for an unknown function id) and poison in RAX, RBX, RCX, RDX, RSI, RDI, RBP, R9-R15, XMM0-15, MXCSR, x87 and CR2 (VTL1 in the calling task%s)\n",
		num_online_cpus() > 1 ? " and on another CPU" : "");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * regs.c - the registers LockRegs pinned, re-read on every CPU
 *
 * LockRegs installs, on the VP that makes the call, intercepts on writes
 * to CR0 and CR4 (the bits of the two masks), the syscall and sysenter
 * MSRs, EFER, APIC_BASE and the descriptor-table registers; on Hyper-V
 * VTL1 refuses such a write. The in-kernel VTL1 only records the
 * intercepts, so this file keeps, per CPU, the intercept control, the
 * masks and the register values LockRegs read, and a check reads the
 * registers again on each locked CPU that is online: a pinned value that
 * differs is a would-fault event. (A write that stored the pinned value
 * again is not seen; see Documentation/kmod.rst.)
 */
#define pr_fmt(fmt) "heki_wouldfault: " fmt
#define HEKI_WOULDFAULT 1

#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#include <heki/abi.h>

#include "../heki_vtl0.h"
#include "wf.h"

/**
 * struct wf_cpu - what LockRegs set on one CPU
 * @locked: LockRegs ran on this CPU
 * @intercept: HV_REGISTER_CR_INTERCEPT_CONTROL
 * @cr0_mask: HV_REGISTER_CR_INTERCEPT_CR0_MASK
 * @cr4_mask: HV_REGISTER_CR_INTERCEPT_CR4_MASK
 * @vp: the registers as LockRegs read them (updated once a change was
 *	reported, so a change is reported once)
 */
struct wf_cpu {
	bool locked;
	u64 intercept;
	u64 cr0_mask;
	u64 cr4_mask;
	struct heki_lb_vp vp;
};

static struct wf_cpu *wf_cpus;
static DEFINE_SPINLOCK(wf_cpus_lock);

/* Which intercept bit pins which register (CR0/CR4: the masks). */
static const struct {
	unsigned int reg;
	u64 intercept;
	const char *name;
} wf_pinned[] = {
	{ HEKI_VP_CR0, HV_CR_INTERCEPT_CR0_WRITE, "CR0" },
	{ HEKI_VP_CR4, HV_CR_INTERCEPT_CR4_WRITE, "CR4" },
	{ HEKI_VP_EFER, HV_CR_INTERCEPT_MSR_EFER_WRITE, "EFER" },
	{ HEKI_VP_APIC_BASE, HV_CR_INTERCEPT_MSR_APIC_BASE_WRITE,
	  "APIC_BASE" },
	{ HEKI_VP_SYSENTER_CS, HV_CR_INTERCEPT_MSR_SYSENTER_CS_WRITE,
	  "SYSENTER_CS" },
	{ HEKI_VP_SYSENTER_EIP, HV_CR_INTERCEPT_MSR_SYSENTER_EIP_WRITE,
	  "SYSENTER_EIP" },
	{ HEKI_VP_SYSENTER_ESP, HV_CR_INTERCEPT_MSR_SYSENTER_ESP_WRITE,
	  "SYSENTER_ESP" },
	{ HEKI_VP_STAR, HV_CR_INTERCEPT_MSR_STAR_WRITE, "STAR" },
	{ HEKI_VP_LSTAR, HV_CR_INTERCEPT_MSR_LSTAR_WRITE, "LSTAR" },
	{ HEKI_VP_CSTAR, HV_CR_INTERCEPT_MSR_CSTAR_WRITE, "CSTAR" },
	{ HEKI_VP_SFMASK, HV_CR_INTERCEPT_MSR_SFMASK_WRITE, "SFMASK" },
	{ HEKI_VP_GDTR_BASE, HV_CR_INTERCEPT_GDTR_WRITE, "GDTR base" },
	{ HEKI_VP_GDTR_LIMIT, HV_CR_INTERCEPT_GDTR_WRITE, "GDTR limit" },
	{ HEKI_VP_IDTR_BASE, HV_CR_INTERCEPT_IDTR_WRITE, "IDTR base" },
	{ HEKI_VP_IDTR_LIMIT, HV_CR_INTERCEPT_IDTR_WRITE, "IDTR limit" },
	{ HEKI_VP_TR, HV_CR_INTERCEPT_TR_WRITE, "TR" },
	{ HEKI_VP_LDTR, HV_CR_INTERCEPT_LDTR_WRITE, "LDTR" },
};

/**
 * wf_reg_name() - printable name of an enum heki_vp_reg value
 * @reg: the register
 *
 * Return: a static string.
 */
const char *wf_reg_name(unsigned int reg)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(wf_pinned); i++)
		if (wf_pinned[i].reg == reg)
			return wf_pinned[i].name;
	return "?";
}

/**
 * wf_regs_init() - no CPU locked yet
 *
 * Return: 0 or -ENOMEM.
 */
int wf_regs_init(void)
{
	wf_cpus = kcalloc(nr_cpu_ids, sizeof(*wf_cpus), GFP_KERNEL);
	return wf_cpus ? 0 : -ENOMEM;
}

/**
 * wf_regs_exit() - forget the CPUs
 */
void wf_regs_exit(void)
{
	spin_lock(&wf_cpus_lock);
	kfree(wf_cpus);
	wf_cpus = NULL;
	spin_unlock(&wf_cpus_lock);
}

/**
 * wf_regs_locked() - LockRegs wrote an intercept register of a VP
 * @vp: the VP and the registers LockRegs read on it
 * @name: HV_REGISTER_CR_INTERCEPT_CONTROL, _CR0_MASK or _CR4_MASK
 * @value: the value written
 */
void wf_regs_locked(const struct heki_lb_vp *vp, u32 name, u64 value)
{
	struct wf_cpu *c;

	if (!vp)
		return;
	spin_lock(&wf_cpus_lock);
	if (!wf_cpus || vp->cpu >= nr_cpu_ids)
		goto out;
	c = &wf_cpus[vp->cpu];
	switch (name) {
	case HV_REGISTER_CR_INTERCEPT_CONTROL:
		c->intercept = value;
		break;
	case HV_REGISTER_CR_INTERCEPT_CR0_MASK:
		c->cr0_mask = value;
		break;
	case HV_REGISTER_CR_INTERCEPT_CR4_MASK:
		c->cr4_mask = value;
		break;
	default:
		goto out;
	}
	c->vp = *vp;
	c->locked = true;
out:
	spin_unlock(&wf_cpus_lock);
}

static void wf_capture_here(void *arg)
{
	heki_lb_vp_capture(arg);
}

/* Compare one CPU's registers now with what LockRegs pinned. */
static unsigned int wf_regs_compare(unsigned int cpu, struct wf_cpu *was,
				    const struct heki_lb_vp *now)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(wf_pinned); i++) {
		unsigned int r = wf_pinned[i].reg;
		u64 diff = was->vp.reg[r] ^ now->reg[r];
		struct wf_event ev = { .source = WF_SRC_REGISTER };

		if (!(was->intercept & wf_pinned[i].intercept) ||
		    !(was->vp.valid & now->valid & BIT(r)))
			continue;
		if (r == HEKI_VP_CR0)
			diff &= was->cr0_mask;
		else if (r == HEKI_VP_CR4)
			diff &= was->cr4_mask;
		if (!diff)
			continue;
		ev.pfn = cpu;
		ev.reg = r;
		ev.old = was->vp.reg[r];
		ev.new = now->reg[r];
		wf_event_record(&ev);
		was->vp.reg[r] = now->reg[r];
		n++;
	}
	return n;
}

/**
 * wf_regs_check() - read the pinned registers again on every locked CPU
 * @caller: the VP making a VTL call, whose CPU waits with interrupts off
 *	and cannot take an IPI: its registers as captured at the call; or
 *	NULL
 *
 * CPUs that are offline are skipped (they run nothing).
 *
 * Context: process context; no CPU hotplug lock is taken (a VTL call may
 * be made under it).
 * Return: the number of registers found changed.
 */
unsigned int wf_regs_check(const struct heki_lb_vp *caller)
{
	struct heki_lb_vp now;
	struct wf_cpu was;
	unsigned int cpu, m, n = 0;

	for_each_possible_cpu(cpu) {
		spin_lock(&wf_cpus_lock);
		if (!wf_cpus || !wf_cpus[cpu].locked) {
			spin_unlock(&wf_cpus_lock);
			continue;
		}
		was = wf_cpus[cpu];
		spin_unlock(&wf_cpus_lock);

		if (caller && caller->cpu == cpu)
			now = *caller;
		else if (smp_call_function_single(cpu, wf_capture_here, &now,
						  1))
			continue;
		m = wf_regs_compare(cpu, &was, &now);
		if (!m)
			continue;
		n += m;
		spin_lock(&wf_cpus_lock);
		if (wf_cpus)
			wf_cpus[cpu].vp = was.vp;
		spin_unlock(&wf_cpus_lock);
	}
	return n;
}

/**
 * wf_regs_locked_cpus() - CPUs LockRegs ran on
 *
 * Return: the count.
 */
unsigned int wf_regs_locked_cpus(void)
{
	unsigned int cpu, n = 0;

	spin_lock(&wf_cpus_lock);
	for_each_possible_cpu(cpu)
		if (wf_cpus && wf_cpus[cpu].locked)
			n++;
	spin_unlock(&wf_cpus_lock);
	return n;
}

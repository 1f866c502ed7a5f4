// SPDX-License-Identifier: GPL-2.0-only
/*
 * loopback.c - the VTL1 library inside the kernel (transport "loopback")
 *
 * For testing the whole ABI without Hyper-V: heki_vtl_call() hands the
 * four registers to heki_vtl1_dispatch() of a library instance whose
 * platform is implemented here on real guest memory:
 *
 *  - copy from VTL0: the direct map of a valid pfn, read with
 *    copy_from_kernel_nofault() so a bad address is an error, not an oops;
 *  - copy to VTL0: a temporary vmap() of the page, so writes work even
 *    where the direct map is read-only (as a real VTL1 could);
 *  - modify_vtl_protection: only RECORDED, in a sorted list of disjoint
 *    page runs (debugfs "protections"); full access is VTL0's default and
 *    is not listed. Nothing is actually enforced;
 *  - VTL0 registers: read from the current CPU; intercept registers
 *    written by LockRegs are recorded per CPU (debugfs "loopback");
 *  - VTL1-owned memory: HEKI_LB_VTL1_PAGES pages allocated at start,
 *    which the library refuses to touch on VTL0's behalf;
 *  - alloc/free: kvzalloc (kvmalloc for alloc_uninit)/kvfree with a
 *    live-allocation counter;
 *  - lock: a mutex (a loopback VTL call may sleep);
 *  - log: printk with this module's prefix;
 *  - crypto: loopback_crypto.c (the kernel's PKCS#7 verifier).
 *
 * Chosen only by transport=loopback, never automatically.
 */
/* A module that embeds this file (tests/hvemu) sets its own prefix first. */
#ifndef pr_fmt
#define pr_fmt(fmt) "heki_vtl0: " fmt
#endif

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/special_insns.h>

#include <heki/abi.h>
#include <heki_vtl1.h>

#include "heki_vtl0.h"
#include "wouldfault/wouldfault.h"

/* VTL1-owned memory: order-2 allocation, 4 pages. */
#define HEKI_LB_VTL1_ORDER	2
#define HEKI_LB_VTL1_PAGES	(1U << HEKI_LB_VTL1_ORDER)

/* Intercept registers LockRegs writes, recorded per CPU. */
enum {
	HEKI_LB_REG_INTERCEPT_CONTROL,
	HEKI_LB_REG_CR0_MASK,
	HEKI_LB_REG_CR4_MASK,
	HEKI_LB_NREGS,
};

struct heki_lb_cpu_regs {
	u64 val[HEKI_LB_NREGS];
	u64 writes;
};

struct heki_lb {
	struct heki_vtl1 *v;
	struct mutex call_lock;		/* the library's instance lock */
	struct mutex prot_lock;		/* prots, nprots */
	struct heki_lb_prot *prots;	/* sorted by gpa, disjoint */
	unsigned long nprots;
	struct page *vtl1_mem;
	struct heki_vtl1_phys_range vtl1_range;
	struct heki_lb_cpu_regs *regs;	/* nr_cpu_ids entries */
	atomic64_t enable_vp_calls;
	struct mutex vp_lock;		/* one call at a time sets @vp */
	const struct heki_lb_vp *vp;	/* the calling VP, during a call */
};

static struct heki_lb *heki_lb;
static atomic_long_t heki_lb_allocs = ATOMIC_LONG_INIT(0);

/*
 * heki_lb is published and torn down under heki_lb_state_lock; the
 * introspection functions (debugfs, tests) hold it while they use the
 * state, so they never see it freed under them. VTL calls do not take it:
 * transport.c orders them against start and stop with its call mutex.
 * Lock order: heki_lb_state_lock, then the library lock, then prot_lock.
 */
static DEFINE_MUTEX(heki_lb_state_lock);

/* The running loopback, pinned until heki_lb_put(); NULL if none. */
static struct heki_lb *heki_lb_get(void)
{
	mutex_lock(&heki_lb_state_lock);
	if (!heki_lb) {
		mutex_unlock(&heki_lb_state_lock);
		return NULL;
	}
	return heki_lb;
}

static void heki_lb_put(void)
{
	mutex_unlock(&heki_lb_state_lock);
}

/* ------------------------------------------------------------------ */
/* Guest physical memory                                               */
/* ------------------------------------------------------------------ */

static int heki_lb_copy_from(void *ctx, void *dst, heki_gpa_t src, __u64 len)
{
	u64 pa = heki_gpa_val(src), end;
	u8 *d = dst;

	if (check_add_overflow(pa, len, &end))
		return -EFAULT;
	while (pa < end) {
		size_t n = min_t(u64, PAGE_SIZE - offset_in_page(pa), end - pa);

		if (!pfn_valid(PHYS_PFN(pa)))
			return -EFAULT;
		if (copy_from_kernel_nofault(d, phys_to_virt(pa), n))
			return -EFAULT;
		d += n;
		pa += n;
	}
	return 0;
}

static int heki_lb_copy_to(void *ctx, heki_gpa_t dst, const void *src,
			   __u64 len)
{
	u64 pa = heki_gpa_val(dst), end;
	const u8 *s = src;

	if (check_add_overflow(pa, len, &end))
		return -EFAULT;
	while (pa < end) {
		size_t n = min_t(u64, PAGE_SIZE - offset_in_page(pa), end - pa);
		struct page *page;
		void *map;

		if (!pfn_valid(PHYS_PFN(pa)))
			return -EFAULT;
		page = pfn_to_page(PHYS_PFN(pa));
		map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
		if (!map)
			return -ENOMEM;
		memcpy(map + offset_in_page(pa), s, n);
		vunmap(map);
		heki_wf_vtl1_wrote(pa, n);
		s += n;
		pa += n;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Recorded protections                                                */
/* ------------------------------------------------------------------ */

/*
 * Set [gpa, gpa + npages pages) to prot: rebuild the sorted list with the
 * overlapped parts cut out, the new run inserted (unless it is full
 * access, VTL0's default) and equal neighbours merged.
 */
static int heki_lb_prot_set(struct heki_lb *lb, u64 gpa, u64 npages, u32 prot)
{
	u64 end = gpa + npages * PAGE_SIZE;
	struct heki_lb_prot *n, *o;
	unsigned long i, k = 0;
	bool full = prot == hv_page_prot_raw(HV_PAGE_FULL_ACCESS);
	bool inserted = false;

	if (lb->nprots + 2 > HEKI_VTL1_MAX_PROT_ENTRIES)
		return -ENOSPC;
	n = kvcalloc(lb->nprots + 2, sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;

#define HEKI_LB_EMIT(g, np, p) do {					\
		if (k && n[k - 1].prot == (p) &&			\
		    n[k - 1].gpa + n[k - 1].npages * PAGE_SIZE == (g))	\
			n[k - 1].npages += (np);			\
		else							\
			n[k++] = (struct heki_lb_prot){ (g), (np), (p) }; \
	} while (0)

	for (i = 0; i < lb->nprots; i++) {
		u64 oend;

		o = &lb->prots[i];
		oend = o->gpa + o->npages * PAGE_SIZE;
		if (oend <= gpa) {
			HEKI_LB_EMIT(o->gpa, o->npages, o->prot);
			continue;
		}
		if (o->gpa < gpa)
			HEKI_LB_EMIT(o->gpa, (gpa - o->gpa) >> PAGE_SHIFT,
				     o->prot);
		if (!inserted) {
			if (!full)
				HEKI_LB_EMIT(gpa, npages, prot);
			inserted = true;
		}
		if (oend > end) {
			u64 s = max(o->gpa, end);

			HEKI_LB_EMIT(s, (oend - s) >> PAGE_SHIFT, o->prot);
		}
	}
	if (!inserted && !full)
		HEKI_LB_EMIT(gpa, npages, prot);
#undef HEKI_LB_EMIT

	mutex_lock(&lb->prot_lock);
	o = lb->prots;
	lb->prots = n;
	lb->nprots = k;
	mutex_unlock(&lb->prot_lock);
	kvfree(o);
	return 0;
}

static hv_status_t heki_lb_modify_prot(void *ctx, heki_gpa_t gpa,
				       __u64 npages, hv_page_prot_t prot)
{
	struct heki_lb *lb = ctx;
	u64 pa = heki_gpa_val(gpa), bytes, end;

	if (!npages || offset_in_page(pa) ||
	    check_mul_overflow(npages, (u64)PAGE_SIZE, &bytes) ||
	    check_add_overflow(pa, bytes, &end))
		return HV_STATUS_INVALID_PARAMETER;
	switch (heki_lb_prot_set(lb, pa, npages, hv_page_prot_raw(prot))) {
	case 0:
		heki_wf_protect(pa, npages, hv_page_prot_raw(prot));
		return HV_STATUS_SUCCESS;
	case -ENOMEM:
	case -ENOSPC:
		return HV_STATUS_INSUFFICIENT_MEMORY;
	default:
		return HV_STATUS_INVALID_PARAMETER;
	}
}

#ifdef HEKI_SELFTEST
/**
 * heki_loopback_test_set_prot() - call modify_vtl_protection (tests only)
 * @gpa: page-aligned guest physical address
 * @npages: number of pages
 * @prot: HV_PAGE_* bits
 *
 * Return: 0, -EINVAL when the platform callback refuses, -ENODEV without
 * a running loopback.
 */
int heki_loopback_test_set_prot(u64 gpa, u64 npages, u32 prot)
{
	struct heki_lb *lb = heki_lb_get();
	hv_status_t st;

	if (!lb)
		return -ENODEV;
	mutex_lock(&lb->call_lock);
	st = heki_lb_modify_prot(lb, heki_gpa(gpa), npages,
				 (__force hv_page_prot_t)prot);
	mutex_unlock(&lb->call_lock);
	heki_lb_put();
	return st == HV_STATUS_SUCCESS ? 0 : -EINVAL;
}
#endif

/* ------------------------------------------------------------------ */
/* Registers                                                           */
/* ------------------------------------------------------------------ */

/* The VTL0 registers VTL1 may read, by Hyper-V name, and where they live. */
static const struct {
	u32 name;
	u32 msr;	/* 0: a control register, read below */
	unsigned int idx;
} heki_lb_vp_regs[] = {
	{ HV_REGISTER_CR0, 0, HEKI_VP_CR0 },
	{ HV_REGISTER_CR4, 0, HEKI_VP_CR4 },
	{ HV_REGISTER_EFER, MSR_EFER, HEKI_VP_EFER },
	{ HV_REGISTER_APIC_BASE, MSR_IA32_APICBASE, HEKI_VP_APIC_BASE },
	{ HV_REGISTER_SYSENTER_CS, MSR_IA32_SYSENTER_CS, HEKI_VP_SYSENTER_CS },
	{ HV_REGISTER_SYSENTER_EIP, MSR_IA32_SYSENTER_EIP,
	  HEKI_VP_SYSENTER_EIP },
	{ HV_REGISTER_SYSENTER_ESP, MSR_IA32_SYSENTER_ESP,
	  HEKI_VP_SYSENTER_ESP },
	{ HV_REGISTER_STAR, MSR_STAR, HEKI_VP_STAR },
	{ HV_REGISTER_LSTAR, MSR_LSTAR, HEKI_VP_LSTAR },
	{ HV_REGISTER_CSTAR, MSR_CSTAR, HEKI_VP_CSTAR },
	{ HV_REGISTER_SFMASK, MSR_SYSCALL_MASK, HEKI_VP_SFMASK },
};

/**
 * heki_lb_vp_capture() - the VTL0 register state of the current CPU
 * @vp: filled with the CPU number and every register of enum heki_vp_reg
 *	that could be read (bit set in @vp->valid)
 *
 * Safe in any context; the caller keeps the CPU (preemption or interrupts
 * off) so that all values come from one CPU.
 */
void heki_lb_vp_capture(struct heki_lb_vp *vp)
{
	struct desc_ptr dt;
	unsigned int i;
	u32 lo, hi;
	u16 sel;
	u64 v;

	memset(vp, 0, sizeof(*vp));
	vp->cpu = raw_smp_processor_id();
	for (i = 0; i < ARRAY_SIZE(heki_lb_vp_regs); i++) {
		unsigned int idx = heki_lb_vp_regs[i].idx;

		if (heki_lb_vp_regs[i].msr) {
			/* rdmsr_safe(): spelled the same 6.1 to 7.2
			 * (rdmsrl_safe is rdmsrq_safe from 6.16 on).
			 */
			if (rdmsr_safe(heki_lb_vp_regs[i].msr, &lo, &hi))
				continue;
			v = (u64)hi << 32 | lo;
		} else {
			v = idx == HEKI_VP_CR0 ? read_cr0() : __read_cr4();
		}
		vp->reg[idx] = v;
		vp->valid |= BIT(idx);
	}
	native_store_gdt(&dt);
	vp->reg[HEKI_VP_GDTR_BASE] = dt.address;
	vp->reg[HEKI_VP_GDTR_LIMIT] = dt.size;
	store_idt(&dt);
	vp->reg[HEKI_VP_IDTR_BASE] = dt.address;
	vp->reg[HEKI_VP_IDTR_LIMIT] = dt.size;
	asm volatile("str %0" : "=rm"(sel));
	vp->reg[HEKI_VP_TR] = sel;
	asm volatile("sldt %0" : "=rm"(sel));
	vp->reg[HEKI_VP_LDTR] = sel;
	vp->valid |= BIT(HEKI_VP_GDTR_BASE) | BIT(HEKI_VP_GDTR_LIMIT) |
		     BIT(HEKI_VP_IDTR_BASE) | BIT(HEKI_VP_IDTR_LIMIT) |
		     BIT(HEKI_VP_TR) | BIT(HEKI_VP_LDTR);
}

/* VTL1 reads the calling VP's registers: the values captured on its CPU. */
static hv_status_t heki_lb_get_reg(void *ctx, __u32 name, __u64 *value)
{
	struct heki_lb *lb = ctx;
	const struct heki_lb_vp *vp = lb->vp;
	unsigned int i, idx;

	if (!vp)
		return HV_STATUS_INVALID_PARAMETER;
	for (i = 0; i < ARRAY_SIZE(heki_lb_vp_regs); i++) {
		if (heki_lb_vp_regs[i].name != name)
			continue;
		idx = heki_lb_vp_regs[i].idx;
		if (!(vp->valid & BIT(idx)))
			return HV_STATUS_INVALID_PARAMETER;
		*value = vp->reg[idx];
		return HV_STATUS_SUCCESS;
	}
	return HV_STATUS_INVALID_PARAMETER;
}

static hv_status_t heki_lb_set_reg(void *ctx, __u32 name, __u64 value)
{
	struct heki_lb *lb = ctx;
	struct heki_lb_cpu_regs *r;

	if (!lb->vp || lb->vp->cpu >= nr_cpu_ids)
		return HV_STATUS_INVALID_PARAMETER;
	r = &lb->regs[lb->vp->cpu];

	switch (name) {
	case HV_REGISTER_CR_INTERCEPT_CONTROL:
		r->val[HEKI_LB_REG_INTERCEPT_CONTROL] = value;
		break;
	case HV_REGISTER_CR_INTERCEPT_CR0_MASK:
		r->val[HEKI_LB_REG_CR0_MASK] = value;
		break;
	case HV_REGISTER_CR_INTERCEPT_CR4_MASK:
		r->val[HEKI_LB_REG_CR4_MASK] = value;
		break;
	default:
		return HV_STATUS_INVALID_PARAMETER;
	}
	r->writes++;
	heki_wf_locked(lb->vp, name, value);
	return HV_STATUS_SUCCESS;
}

static hv_status_t heki_lb_enable_vp_vtl(void *ctx, __u32 vp_index)
{
	struct heki_lb *lb = ctx;

	atomic64_inc(&lb->enable_vp_calls);
	return HV_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Memory, lock, log                                                   */
/* ------------------------------------------------------------------ */

static void *heki_lb_alloc(void *ctx, __u64 size)
{
	void *p;

	if (!size || size > INT_MAX)
		return NULL;
	p = kvzalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (p)
		atomic_long_inc(&heki_lb_allocs);
	return p;
}

/* For buffers the library writes completely: no zeroing. */
static void *heki_lb_alloc_uninit(void *ctx, __u64 size)
{
	void *p;

	if (!size || size > INT_MAX)
		return NULL;
	p = kvmalloc(size, GFP_KERNEL | __GFP_NOWARN);
	if (p)
		atomic_long_inc(&heki_lb_allocs);
	return p;
}

static void heki_lb_free(void *ctx, void *ptr)
{
	if (!ptr)
		return;
	kvfree(ptr);
	atomic_long_dec(&heki_lb_allocs);
}

static void heki_lb_lock(void *ctx)
{
	struct heki_lb *lb = ctx;

	mutex_lock(&lb->call_lock);
}

static void heki_lb_unlock(void *ctx)
{
	struct heki_lb *lb = ctx;

	mutex_unlock(&lb->call_lock);
}

static __printf(3, 4) void heki_lb_log(void *ctx, int level,
				       const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	switch (level) {
	case HEKI_VTL1_LOG_ERR:
		pr_err("%pV", &vaf);
		break;
	case HEKI_VTL1_LOG_WARN:
		pr_warn("%pV", &vaf);
		break;
	case HEKI_VTL1_LOG_INFO:
		pr_info("%pV", &vaf);
		break;
	default:
		pr_debug("%pV", &vaf);
		break;
	}
	va_end(args);
}

/* ------------------------------------------------------------------ */
/* Transport                                                           */
/* ------------------------------------------------------------------ */

static void heki_lb_free_state(struct heki_lb *lb)
{
	if (lb->v)
		heki_vtl1_destroy(lb->v);
	if (lb->vtl1_mem)
		__free_pages(lb->vtl1_mem, HEKI_LB_VTL1_ORDER);
	kvfree(lb->prots);
	kfree(lb->regs);
	kfree(lb);
}

static int heki_lb_init(void)
{
	struct heki_vtl1_platform p = {
		.copy_from_vtl0 = heki_lb_copy_from,
		.copy_to_vtl0 = heki_lb_copy_to,
		.modify_vtl_protection = heki_lb_modify_prot,
		.get_vtl0_register = heki_lb_get_reg,
		.set_intercept_register = heki_lb_set_reg,
		.enable_vp_vtl = heki_lb_enable_vp_vtl,
		.nr_vtl1_ranges = 1,
		.alloc = heki_lb_alloc,
		.free = heki_lb_free,
		.lock = heki_lb_lock,
		.unlock = heki_lb_unlock,
		.log = heki_lb_log,
		.crypto = &heki_loopback_crypto,
		.alloc_uninit = heki_lb_alloc_uninit,
	};
	struct heki_lb *lb;
	int ret;

	lb = kzalloc(sizeof(*lb), GFP_KERNEL);
	if (!lb)
		return -ENOMEM;
	mutex_init(&lb->call_lock);
	mutex_init(&lb->prot_lock);
	mutex_init(&lb->vp_lock);
	lb->regs = kcalloc(nr_cpu_ids, sizeof(*lb->regs), GFP_KERNEL);
	lb->vtl1_mem = alloc_pages(GFP_KERNEL | __GFP_ZERO, HEKI_LB_VTL1_ORDER);
	if (!lb->regs || !lb->vtl1_mem) {
		ret = -ENOMEM;
		goto fail;
	}
	lb->vtl1_range.pa = page_to_phys(lb->vtl1_mem);
	lb->vtl1_range.size = (u64)HEKI_LB_VTL1_PAGES * PAGE_SIZE;
	p.ctx = lb;
	p.vtl1_ranges = &lb->vtl1_range;

	ret = heki_vtl1_create(&p, &lb->v);
	if (ret) {
		pr_err("loopback: heki_vtl1_create failed (%d)\n", ret);
		lb->v = NULL;
		ret = -ENOMEM;
		goto fail;
	}
	ret = heki_wf_start(lb->vtl1_range.pa, HEKI_LB_VTL1_PAGES);
	if (ret) {
		pr_err("loopback: would-fault detector failed to start (%d)\n",
		       ret);
		goto fail;
	}
	mutex_lock(&heki_lb_state_lock);
	WRITE_ONCE(heki_lb, lb);
	mutex_unlock(&heki_lb_state_lock);
	pr_info("loopback: VTL1 library running in the kernel; VTL1 memory %#llx+%#llx (protections are recorded, not enforced)\n",
		lb->vtl1_range.pa, lb->vtl1_range.size);
	return 0;
fail:
	heki_lb_free_state(lb);
	return ret;
}

static void heki_lb_exit(void)
{
	struct heki_lb *lb;

	/* Before the state lock: the detector's last check reads the state. */
	if (READ_ONCE(heki_lb))
		heki_wf_stop();
	mutex_lock(&heki_lb_state_lock);
	lb = heki_lb;
	WRITE_ONCE(heki_lb, NULL);
	if (lb)
		heki_lb_free_state(lb);
	mutex_unlock(&heki_lb_state_lock);
}

/*
 * One call into the library on behalf of @vp; with @code, the library's
 * enum heki_vsm_error for it, read under the same lock as the call.
 */
static s64 heki_lb_dispatch(const struct heki_lb_vp *vp, u32 func, u64 a1,
			    u64 a2, u64 a3, u32 *code)
{
	struct heki_lb *lb = READ_ONCE(heki_lb);
	s64 ret;

	if (!lb)
		return -ENODEV;
	mutex_lock(&lb->vp_lock);
	heki_wf_on_call(vp);
	lb->vp = vp;
	ret = heki_vtl1_dispatch(lb->v, func, a1, a2, a3);
	if (code)
		*code = heki_vtl1_last_error(lb->v);
	lb->vp = NULL;
	mutex_unlock(&lb->vp_lock);
	return ret;
}

/**
 * heki_loopback_call_vp() - one VTL call made by a given VP
 * @vp: the calling VP: its CPU and the VTL0 registers captured there
 *	(heki_lb_vp_capture() on that CPU)
 * @func: function id (RDI)
 * @a1: RSI
 * @a2: RDX
 * @a3: R8
 *
 * Runs the VTL1 library; register reads see @vp's values and LockRegs is
 * recorded for @vp->cpu. May sleep.
 *
 * Return: the value for VTL0's R8, or -ENODEV without a running loopback.
 */
s64 heki_loopback_call_vp(const struct heki_lb_vp *vp, u32 func, u64 a1,
			  u64 a2, u64 a3)
{
	return heki_lb_dispatch(vp, func, a1, a2, a3, NULL);
}

/* heki_lb_call()'s last VSM error code, under the transport's call mutex. */
static u32 heki_lb_last_code;

/* Under the transport's call mutex, which orders it against exit. */
static int heki_lb_call(u32 func, u64 a1, u64 a2, u64 a3, u64 *r8)
{
	struct heki_lb_vp vp;

	heki_lb_last_code = 0;
	if (!READ_ONCE(heki_lb))
		return -ENODEV;
	preempt_disable();
	heki_lb_vp_capture(&vp);
	preempt_enable();
	*r8 = (u64)heki_lb_dispatch(&vp, func, a1, a2, a3, &heki_lb_last_code);
	return 0;
}

/* The library's named reason for the call heki_lb_call() just made. */
static u32 heki_lb_last_error(void)
{
	return heki_lb_last_code;
}

const struct heki_transport heki_transport_loopback = {
	.name = "loopback",
	.init = heki_lb_init,
	.exit = heki_lb_exit,
	.call = heki_lb_call,
	.last_error = heki_lb_last_error,
};

/* ------------------------------------------------------------------ */
/* Introspection (tests, debugfs)                                      */
/* ------------------------------------------------------------------ */

/**
 * heki_loopback_active() - whether the loopback transport is running
 *
 * Return: true between a successful start and heki_transport_exit().
 */
bool heki_loopback_active(void)
{
	return READ_ONCE(heki_lb);
}

/**
 * heki_loopback_vtl1_range() - the memory the loopback's VTL1 owns
 * @pa: receives its first physical address
 * @size: receives its size in bytes
 *
 * Return: 0, or -ENODEV without a running loopback.
 */
int heki_loopback_vtl1_range(u64 *pa, u64 *size)
{
	struct heki_lb *lb = heki_lb_get();

	if (!lb)
		return -ENODEV;
	*pa = lb->vtl1_range.pa;
	*size = lb->vtl1_range.size;
	heki_lb_put();
	return 0;
}

/**
 * heki_loopback_live_allocs() - VTL1 library allocations not yet freed
 *
 * Return: the count (kept across restarts; 0 when nothing leaked).
 */
long heki_loopback_live_allocs(void)
{
	return atomic_long_read(&heki_lb_allocs);
}

/**
 * heki_loopback_prot_lookup() - protection recorded for one guest page
 * @gpa: any address in the page
 * @prot: receives the HV_PAGE_* bits
 *
 * Return: 0 if a protection other than full access is recorded; -ENOENT
 * if the page has VTL0's default (full) access; -ENODEV without loopback.
 */
int heki_loopback_prot_lookup(u64 gpa, u32 *prot)
{
	struct heki_lb *lb = heki_lb_get();
	unsigned long lo, hi;
	int ret = -ENOENT;

	if (!lb)
		return -ENODEV;
	gpa &= PAGE_MASK;
	mutex_lock(&lb->prot_lock);
	lo = 0;
	hi = lb->nprots;
	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		const struct heki_lb_prot *e = &lb->prots[mid];

		if (gpa < e->gpa) {
			hi = mid;
		} else if (gpa >= e->gpa + e->npages * PAGE_SIZE) {
			lo = mid + 1;
		} else {
			*prot = e->prot;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&lb->prot_lock);
	heki_lb_put();
	return ret;
}

/**
 * heki_loopback_frame_info() - what the running VTL1 records about a frame
 * @pfn: guest frame number
 * @out: filled with owner, protection and module token (zeroed if none)
 *
 * Context: process context; takes the library's instance lock.
 * Return: 0, or -ENODEV without a running loopback.
 */
int heki_loopback_frame_info(u64 pfn, struct heki_vtl1_frame_info *out)
{
	struct heki_lb *lb = heki_lb_get();

	memset(out, 0, sizeof(*out));
	if (!lb)
		return -ENODEV;
	heki_vtl1_get_frame_info(lb->v, pfn, out);
	heki_lb_put();
	return 0;
}

/**
 * heki_loopback_prot_count() - number of recorded protection runs
 *
 * Return: runs of pages with a protection other than full access (0
 * without loopback).
 */
unsigned long heki_loopback_prot_count(void)
{
	struct heki_lb *lb = heki_lb_get();
	unsigned long n;

	if (!lb)
		return 0;
	mutex_lock(&lb->prot_lock);
	n = lb->nprots;
	mutex_unlock(&lb->prot_lock);
	heki_lb_put();
	return n;
}

/**
 * heki_loopback_prot_snapshot() - copy the recorded protections
 * @out: array of @max entries
 * @max: capacity of @out
 *
 * Return: the total number of runs (may exceed @max; only @max copied).
 */
unsigned long heki_loopback_prot_snapshot(struct heki_lb_prot *out,
					  unsigned long max)
{
	struct heki_lb *lb = heki_lb_get();
	unsigned long n;

	if (!lb)
		return 0;
	mutex_lock(&lb->prot_lock);
	n = lb->nprots;
	memcpy(out, lb->prots, min(n, max) * sizeof(*out));
	mutex_unlock(&lb->prot_lock);
	heki_lb_put();
	return n;
}

/**
 * heki_prot_str() - VTL0 access bits as "rwxu" with '-' for a missing one
 * @prot: HV_PAGE_* bits
 * @s: receives 5 bytes (4 letters and the terminating NUL)
 */
void heki_prot_str(u32 prot, char *s)
{
	s[0] = prot & hv_page_prot_raw(HV_PAGE_READABLE) ? 'r' : '-';
	s[1] = prot & hv_page_prot_raw(HV_PAGE_WRITABLE) ? 'w' : '-';
	s[2] = prot & hv_page_prot_raw(HV_PAGE_KERNEL_EXECUTABLE) ? 'x' : '-';
	s[3] = prot & hv_page_prot_raw(HV_PAGE_USER_EXECUTABLE) ? 'u' : '-';
	s[4] = '\0';
}

/**
 * heki_loopback_show_protections() - print the protections to a seq_file
 * @m: seq_file of debugfs "protections"
 *
 * One line per run: "start-end npages prot rwxu", then a total line.
 */
void heki_loopback_show_protections(struct seq_file *m)
{
	struct heki_lb *lb = heki_lb_get();
	unsigned long i;
	u64 pages = 0;
	char s[5];

	if (!lb) {
		seq_puts(m, "# loopback transport not running\n");
		return;
	}
	mutex_lock(&lb->prot_lock);
	for (i = 0; i < lb->nprots; i++) {
		const struct heki_lb_prot *e = &lb->prots[i];

		heki_prot_str(e->prot, s);
		seq_printf(m, "%#014llx-%#014llx %8llu %#x %s\n", e->gpa,
			   e->gpa + e->npages * PAGE_SIZE, e->npages, e->prot,
			   s);
		pages += e->npages;
	}
	seq_printf(m, "# runs %lu pages %llu\n", lb->nprots, pages);
	mutex_unlock(&lb->prot_lock);
	heki_lb_put();
}

/**
 * heki_loopback_show_state() - print the loopback's VTL1 state
 * @m: seq_file of debugfs "loopback"
 */
void heki_loopback_show_state(struct seq_file *m)
{
	struct heki_lb *lb;
	unsigned int cpu;

	seq_printf(m, "live_allocations %ld\n", heki_loopback_live_allocs());
	seq_printf(m, "live_keyrings %ld\n",
		   heki_loopback_crypto_live_keyrings());
	lb = heki_lb_get();
	if (!lb) {
		seq_puts(m, "active 0\n");
		return;
	}
	seq_puts(m, "active 1\n");
	seq_printf(m, "vtl1_memory %#llx %#llx\n", lb->vtl1_range.pa,
		   lb->vtl1_range.size);
	seq_printf(m, "end_of_boot %d\n", heki_vtl1_end_of_boot(lb->v));
	seq_printf(m, "certs_loaded %u\n", heki_vtl1_certs_loaded(lb->v));
	seq_printf(m, "mode %s\n", heki_vtl1_mode(lb->v) == HEKI_MODE_PERMISSIVE ?
		   "permissive" : "enforce");
	seq_printf(m, "modules %u\n", heki_vtl1_nr_modules(lb->v));
	seq_printf(m, "patch_sites %u\n", heki_vtl1_nr_patch_sites(lb->v));
	seq_printf(m, "enable_vp_vtl_calls %lld\n",
		   (long long)atomic64_read(&lb->enable_vp_calls));
	for_each_possible_cpu(cpu) {
		const struct heki_lb_cpu_regs *r = &lb->regs[cpu];

		if (!r->writes)
			continue;
		seq_printf(m, "cpu%u intercept_control %#llx cr0_mask %#llx cr4_mask %#llx writes %llu\n",
			   cpu, r->val[HEKI_LB_REG_INTERCEPT_CONTROL],
			   r->val[HEKI_LB_REG_CR0_MASK],
			   r->val[HEKI_LB_REG_CR4_MASK], r->writes);
	}
	heki_lb_put();
}

#ifdef HEKI_TEST_BUILD
/*
 * Oracles of the test build (debugfs heki/protected_free, heki/self),
 * judged from VTL1's side: what the loopback recorded as protected.
 */

/**
 * heki_loopback_show_protected_free() - protected frames the kernel freed
 * @m: seq_file of debugfs "protected_free"
 *
 * A frame VTL1 still protects must never be back in the page allocator
 * (Documentation/kmod.rst, fail-closed). Counts the recorded frames VTL0
 * may not write or may execute in kernel mode (frames VTL1 released are
 * read/write, no execute) whose page has no reference (free), and names
 * the first few.
 */
void heki_loopback_show_protected_free(struct seq_file *m)
{
	struct heki_lb *lb = heki_lb_get();
	unsigned long i, shown = 0;
	u64 pfn, n = 0;

	if (!lb) {
		seq_puts(m, "# loopback transport not running\n");
		return;
	}
	mutex_lock(&lb->prot_lock);
	for (i = 0; i < lb->nprots; i++) {
		const struct heki_lb_prot *e = &lb->prots[i];

		if ((e->prot & hv_page_prot_raw(HV_PAGE_WRITABLE)) &&
		    !(e->prot & hv_page_prot_raw(HV_PAGE_KERNEL_EXECUTABLE)))
			continue;
		for (pfn = PHYS_PFN(e->gpa); pfn < PHYS_PFN(e->gpa) + e->npages;
		     pfn++) {
			if (!pfn_valid(pfn) || page_count(pfn_to_page(pfn)))
				continue;
			if (shown++ < 8)
				seq_printf(m, "free pfn %#llx prot %#x\n", pfn,
					   e->prot);
			n++;
		}
	}
	mutex_unlock(&lb->prot_lock);
	heki_lb_put();
	seq_printf(m, "protected_free %llu\n", n);
}

/* Pages of [@va, @va + @size) and how many VTL1 recorded as @prot. */
static void heki_lb_show_area(struct seq_file *m, const char *what,
			      const void *va, unsigned long size, u32 prot)
{
	unsigned long off, pages = 0, match = 0;
	u32 p;

	for (off = 0; va && off < size; off += PAGE_SIZE) {
		struct page *pg = vmalloc_to_page(va + off);

		pages++;
		if (pg && !heki_loopback_prot_lookup(page_to_phys(pg), &p) &&
		    p == prot)
			match++;
	}
	seq_printf(m, "%s pages %lu protected %lu\n", what, pages, match);
}

/**
 * heki_loopback_show_module() - how VTL1 protects a module's own code
 * @m: seq_file of debugfs "self"
 * @mod: the module (heki_vtl0_test itself)
 *
 * "text pages N protected M": M of the N text pages recorded R|X (as
 * VTL1 maps MEM_ATTR_READ | MEM_ATTR_EXEC), and the same for the
 * read-only data (R).
 */
void heki_loopback_show_module(struct seq_file *m, const struct module *mod)
{
	u32 rx = hv_page_prot_raw(heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ |
								 MEM_ATTR_EXEC));
	u32 r = hv_page_prot_raw(heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ));
#ifdef for_each_mod_mem_type
	heki_lb_show_area(m, "text", mod->mem[MOD_TEXT].base,
			  mod->mem[MOD_TEXT].size, rx);
	heki_lb_show_area(m, "rodata", mod->mem[MOD_RODATA].base,
			  mod->mem[MOD_RODATA].size, r);
#else
	const struct module_layout *l = &mod->core_layout;

	heki_lb_show_area(m, "text", l->base, l->text_size, rx);
	heki_lb_show_area(m, "rodata", l->base + l->text_size,
			  l->ro_after_init_size - l->text_size, r);
#endif
}
#endif /* HEKI_TEST_BUILD */

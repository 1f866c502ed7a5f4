// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - heki_hvemu.ko: an emulated Hyper-V hypervisor with VSM, for
 * testing heki_vtl0's hyperv transport in a VM that has no Hyper-V
 *
 * Loading it makes the running kernel look like a Hyper-V guest with VSM
 * and a running VTL1, in the places heki_vtl0's hyperv transport reads:
 *
 *  - x86_hyper_type = X86_HYPER_MS_HYPERV (decided at boot; on later
 *    kernels in read-only-after-init memory);
 *  - ms_hyperv.features |= AccessSynicRegs (HV_MSR_SYNIC_AVAILABLE) and
 *    ms_hyperv.priv_high |= AccessVsm, AccessVpRegisters;
 *  - hv_hypercall_pg = the emulated hypercall page (hypercall.c);
 *  - where the kernel's own hypercalls reach the page through the static
 *    call __hv_hypercall (compat/hv.h, heki_hv_page_by_static_call()):
 *    that static call too, as the kernel's hv_set_hypercall_pg() does,
 *    so heki_vtl0's HvCallGetVpRegisters (hv_do_rep_hypercall()) reaches
 *    the page.
 *
 * The variables are written through a temporary writable alias of their
 * frame (vmap), so the write works whether or not the kernel mapped them
 * read-only; the static call through the kernel's own
 * __static_call_update(). heki_vtl0 has no test seam for any of it. The in-kernel VTL1
 * (kmod/loopback.c) starts with the module, and answers VTL calls made
 * through the page (vtlcall.c).
 *
 * The module cannot be unloaded: like a hypervisor, it stays once a guest
 * may use it. It refuses to load on a real Hyper-V guest.
 *
 * Parameters (the variants) may change at run time through
 * /sys/module/heki_hvemu/parameters/, so one VM boot can show several
 * refusals; the code page offsets only until VTL1 accepted a
 * state-changing call.
 */
#define pr_fmt(fmt) "heki_hvemu: " fmt
#define HEKI_HVEMU 1

#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/static_call.h>
#include <linux/vmalloc.h>
#include <asm/cpufeature.h>
#include <asm/hypervisor.h>
#include <asm/mshyperv.h>

#include <heki/abi.h>

#include "../../kmod/heki_vtl0.h"
#include "../../kmod/heki_policy.h"
#include "../../kmod/compat/hv.h"
#include "hvemu.h"

/* Partition privileges, CPUID 0x40000003 EBX; not named in 6.1. */
#define HVEMU_ACCESS_VSM		BIT(16)
#define HVEMU_ACCESS_VP_REGISTERS	BIT(17)

struct hvemu_stats hvemu_stats;

static DEFINE_MUTEX(hvemu_param_lock);
static bool hvemu_loaded;

int hvemu_mbec = 1;
int hvemu_privileges = 1;
int hvemu_vtl1_enabled = 1;
int hvemu_max_vtl = 1;
int hvemu_vtl1_disabled_cpu = -1;
int hvemu_vtl1_silent_cpu = -1;
unsigned int hvemu_answer_func;
unsigned long long hvemu_answer;
unsigned int hvemu_getreg_status;
unsigned int hvemu_call_offset = 0x100;
unsigned int hvemu_return_offset = 0x180;
int hvemu_call_endbr = 1;
static int hvemu_hypercall_page = 1;

/* ------------------------------------------------------------------ */
/* The guest's view                                                    */
/* ------------------------------------------------------------------ */

/* Write @len bytes of kernel data at @dst through a writable alias. */
static int hvemu_write_kernel(void *dst, const void *src, size_t len)
{
	unsigned long addr = (unsigned long)dst;
	const u8 *s = src;

	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(addr));
		struct page *page = virt_to_page((void *)addr);
		u8 *map = vmap(&page, 1, VM_MAP, PAGE_KERNEL);

		if (!map)
			return -ENOMEM;
		memcpy(map + offset_in_page(addr), s, n);
		vunmap(map);
		addr += n;
		s += n;
		len -= n;
	}
	return 0;
}

/*
 * The static call __hv_hypercall (heki_hv_page_by_static_call()), found
 * at load: its key, trampoline, and its target while the kernel has no
 * page (the function failing every hypercall, the target at load).
 */
static struct static_call_key *hvemu_sc_key;
static void *hvemu_sc_tramp;
static void *hvemu_sc_no_page;

static int hvemu_static_call_init(void)
{
	if (!heki_hv_page_by_static_call())
		return 0;
	hvemu_sc_key = (void *)heki_ksym("__SCK____hv_hypercall");
	hvemu_sc_tramp = (void *)heki_ksym("__SCT____hv_hypercall");
	if (!hvemu_sc_key || !hvemu_sc_tramp) {
		pr_err("this kernel has no static call __hv_hypercall: its hypercalls cannot reach the page\n");
		return -ENODEV;
	}
	hvemu_sc_no_page = READ_ONCE(hvemu_sc_key->func);
	return 0;
}

/*
 * Point the kernel's hypercalls at @pg, or at the failing function for
 * NULL. Patched only on a change: the kernel's text is written, which
 * VTL1 refuses once it protects it (the parameters that re-apply the view
 * do not change the page).
 */
static void hvemu_static_call_set(void *pg)
{
	void *target = pg ? pg : hvemu_sc_no_page;

	if (hvemu_sc_key && READ_ONCE(hvemu_sc_key->func) != target)
		__static_call_update(hvemu_sc_key, hvemu_sc_tramp, target);
}

/* Make the kernel's Hyper-V variables say what the parameters say. */
static int hvemu_guest_apply(void)
{
	enum x86_hypervisor_type type = X86_HYPER_MS_HYPERV;
	u32 features = ms_hyperv.features | HV_MSR_SYNIC_AVAILABLE;
	u32 priv = ms_hyperv.priv_high;
	void *pg = hvemu_hypercall_page ? hvemu_page() : NULL;
	int ret;

	if (hvemu_privileges)
		priv |= HVEMU_ACCESS_VSM | HVEMU_ACCESS_VP_REGISTERS;
	else
		priv &= ~(HVEMU_ACCESS_VSM | HVEMU_ACCESS_VP_REGISTERS);
	ret = hvemu_write_kernel(&ms_hyperv.features, &features,
				 sizeof(features));
	if (!ret)
		ret = hvemu_write_kernel(&ms_hyperv.priv_high, &priv,
					 sizeof(priv));
	if (!ret)
		ret = hvemu_write_kernel(heki_hv_hypercall_pg_slot(), &pg,
					 sizeof(pg));
	if (!ret)
		ret = hvemu_write_kernel(&x86_hyper_type, &type, sizeof(type));
	if (ret) {
		pg = NULL;
		hvemu_write_kernel(heki_hv_hypercall_pg_slot(), &pg, sizeof(pg));
		pr_err("cannot write the kernel's Hyper-V variables (%d)\n", ret);
	}
	hvemu_static_call_set(pg);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Parameters                                                          */
/* ------------------------------------------------------------------ */

/* A variant read at every call: any int. */
static int hvemu_set_int(const char *val, const struct kernel_param *kp)
{
	int ret;

	mutex_lock(&hvemu_param_lock);
	ret = param_set_int(val, kp);
	mutex_unlock(&hvemu_param_lock);
	return ret;
}

/* A variant that changes the guest's view: applied at once. */
static int hvemu_set_view(const char *val, const struct kernel_param *kp)
{
	int ret;

	mutex_lock(&hvemu_param_lock);
	ret = param_set_int(val, kp);
	if (!ret && hvemu_loaded)
		ret = hvemu_guest_apply();
	mutex_unlock(&hvemu_param_lock);
	return ret;
}

/* A code page offset: checked, the page rewritten, frozen once used. */
static int hvemu_set_offset(const char *val, const struct kernel_param *kp)
{
	unsigned int v, call, ret_off;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	mutex_lock(&hvemu_param_lock);
	call = kp->arg == &hvemu_call_offset ? v : hvemu_call_offset;
	ret_off = kp->arg == &hvemu_return_offset ? v : hvemu_return_offset;
	if (hvemu_committed()) {
		ret = -EBUSY;
		goto out;
	}
	ret = hvemu_page_layout(call, ret_off);
	if (!ret)
		*(unsigned int *)kp->arg = v;
out:
	mutex_unlock(&hvemu_param_lock);
	return ret;
}

/* The VTL call entry's ENDBR64: rewritten at once, frozen once used. */
static int hvemu_set_endbr(const char *val, const struct kernel_param *kp)
{
	int old, ret;

	mutex_lock(&hvemu_param_lock);
	if (hvemu_committed()) {
		ret = -EBUSY;
		goto out;
	}
	old = hvemu_call_endbr;
	ret = param_set_int(val, kp);
	if (!ret)
		ret = hvemu_page_layout(hvemu_call_offset, hvemu_return_offset);
	if (ret)
		hvemu_call_endbr = old;
out:
	mutex_unlock(&hvemu_param_lock);
	return ret;
}

static const struct kernel_param_ops hvemu_endbr_ops = {
	.set = hvemu_set_endbr,
	.get = param_get_int,
};

static const struct kernel_param_ops hvemu_int_ops = {
	.set = hvemu_set_int,
	.get = param_get_int,
};

static const struct kernel_param_ops hvemu_view_ops = {
	.set = hvemu_set_view,
	.get = param_get_int,
};

static const struct kernel_param_ops hvemu_offset_ops = {
	.set = hvemu_set_offset,
	.get = param_get_uint,
};

module_param_cb(mbec, &hvemu_int_ops, &hvemu_mbec, 0644);
MODULE_PARM_DESC(mbec, "MBEC enabled for VTL1 and active on every VP (default 1)");
module_param_cb(privileges, &hvemu_view_ops, &hvemu_privileges, 0644);
MODULE_PARM_DESC(privileges, "Partition privileges AccessVsm and AccessVpRegisters (default 1; 0: GetVpRegisters is also ACCESS_DENIED)");
module_param_cb(vtl1_enabled, &hvemu_int_ops, &hvemu_vtl1_enabled, 0644);
MODULE_PARM_DESC(vtl1_enabled, "VTL1 enabled for the partition and every VP (default 1)");
module_param_cb(max_vtl, &hvemu_int_ops, &hvemu_max_vtl, 0644);
MODULE_PARM_DESC(max_vtl, "HvRegisterVsmPartitionStatus maximum_vtl (default 1)");
module_param_cb(vtl1_disabled_cpu, &hvemu_int_ops, &hvemu_vtl1_disabled_cpu,
		0644);
MODULE_PARM_DESC(vtl1_disabled_cpu, "CPU whose VpStatus lacks VTL1; a VTL call from it is #UD (default -1: none)");
module_param_cb(vtl1_silent_cpu, &hvemu_int_ops, &hvemu_vtl1_silent_cpu, 0644);
MODULE_PARM_DESC(vtl1_silent_cpu, "CPU on which VTL1 does not answer: its VTL calls return with R8 unchanged (default -1: none)");
module_param_named(answer_func, hvemu_answer_func, uint, 0644);
MODULE_PARM_DESC(answer_func, "Function id whose VTL calls get R8 = answer without running VTL1 (default 0: none)");
module_param_named(answer, hvemu_answer, ullong, 0644);
MODULE_PARM_DESC(answer, "R8 for calls of answer_func (default 0)");
module_param_named(getreg_status, hvemu_getreg_status, uint, 0644);
MODULE_PARM_DESC(getreg_status, "HV_STATUS every HvCallGetVpRegisters fails with (default 0: they succeed)");
module_param_cb(vtl_call_offset, &hvemu_offset_ops, &hvemu_call_offset, 0644);
MODULE_PARM_DESC(vtl_call_offset, "HvRegisterVsmCodePageOffsets VTL call offset (default 0x100; 0 points at the hypercall entry)");
module_param_cb(vtl_return_offset, &hvemu_offset_ops, &hvemu_return_offset,
		0644);
MODULE_PARM_DESC(vtl_return_offset, "HvRegisterVsmCodePageOffsets VTL return offset (default 0x180)");
module_param_cb(vtl_call_endbr, &hvemu_endbr_ops, &hvemu_call_endbr, 0644);
MODULE_PARM_DESC(vtl_call_endbr, "The VTL call entry starts with ENDBR64 (default 1; 0: a 4-byte NOP instead, a #CP under IBT)");
module_param_cb(hypercall_page, &hvemu_view_ops, &hvemu_hypercall_page, 0644);
MODULE_PARM_DESC(hypercall_page, "hv_hypercall_pg points at the page (default 1; 0: NULL, as across hibernation)");

/* ------------------------------------------------------------------ */
/* Load                                                                */
/* ------------------------------------------------------------------ */

static int __init hvemu_init(void)
{
	int ret;

	/* 7.x does not export hv_hypercall_pg: compat/hv.h finds it. */
	ret = heki_hv_compat_init();
	if (ret)
		return ret;
	if (hypervisor_is_type(X86_HYPER_MS_HYPERV) || heki_hv_hypercall_page()) {
		pr_err("this kernel runs on Hyper-V: not emulating it\n");
		return -EEXIST;
	}
	ret = hvemu_static_call_init();
	if (ret)
		return ret;
	hvemu_clobber_ymm = boot_cpu_has(X86_FEATURE_AVX);
	ret = hvemu_vtl1_init();
	if (ret)
		return ret;
	ret = hvemu_page_init();
	if (ret) {
		pr_err("cannot lay out the hypercall page (%d)\n", ret);
		goto wq;
	}
	ret = heki_transport_loopback.init();
	if (ret) {
		pr_err("the in-kernel VTL1 did not start (%d)\n", ret);
		goto wq;
	}
	ret = hvemu_self_check();
	if (ret)
		goto vtl1;
	mutex_lock(&hvemu_param_lock);
	ret = hvemu_guest_apply();
	hvemu_loaded = !ret;
	mutex_unlock(&hvemu_param_lock);
	if (ret)
		goto vtl1;
	/* From here on the module stays: a guest may have seen the page. */
	if (hvemu_debugfs_init())
		pr_warn("no debugfs: the state is only in the log\n");
	pr_info("emulating Hyper-V with VSM: VTL call offset %#x, return offset %#x, VTL1 running; the guest now looks like Hyper-V (written through a writable alias)\n",
		hvemu_call_offset, hvemu_return_offset);
	pr_info("the kernel's hypercalls reach the page through %s\n",
		hvemu_sc_key ? "the static call __hv_hypercall" :
			       "hv_hypercall_pg");
	return 0;
vtl1:
	heki_transport_loopback.exit();
wq:
	hvemu_vtl1_exit();
	return ret;
}
module_init(hvemu_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("heki test: emulated Hyper-V hypervisor with VSM and an in-kernel VTL1");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * hyperv.c - the real VTL call on Hyper-V (transport "hyperv")
 *
 * Detection, all before the first VTL call (vtl0-lvbs.md Appendix A):
 *  1. the kernel runs on Hyper-V (x86_hyper_type) with a hypercall page,
 *     and not as an isolated (confidential) guest;
 *  2. partition privileges AccessVsm, AccessVpRegisters and SynIC;
 *  3. HvRegisterVsmPartitionStatus: maximum_vtl >= 1, VTL1 enabled, MBEC
 *     enabled for VTL1 (PROTECT_MEMORY needs it);
 *  4. HvRegisterVsmVpStatus on every online CPU: running in VTL0, VTL1
 *     enabled on the VP, MBEC active;
 *  5. HvRegisterVsmCodePageOffsets: the VTL call offset in the hypercall
 *     page;
 *  6. the handshake: no register says that a secure kernel is *running*
 *     in VTL1 (a VTL call into an enabled but unbooted VTL1 would not
 *     return), so the VTL1 loader's tooling must say so by loading the
 *     module with vtl1_ready=1 once VTL1 has finished its boot.
 *
 * Registers are read with HvCallGetVpRegisters using this file's own input
 * and output pages: on 6.1 guests hyperv_pcpu_output_arg is only allocated
 * for the root partition.
 *
 * The code page offsets are refused when the VTL call offset is 0 (the
 * hypercall entry itself) or equals the VTL return offset.
 *
 * The VTL call (vtl0-lvbs.md §1.2-1.4): CALL hv_hypercall_pg +
 * vtl_call_offset with RCX = 0, RDI = function id, RSI/RDX/R8 = a1..a3;
 * VTL1 answers in R8. The stub is hyperv_call.S (it keeps RBX, RBP and
 * R12-R15 itself). Interrupts are off across the call, CR2 is saved and
 * restored, and the FPU state is saved (kernel_fpu_begin) because XMM,
 * AVX and x87 state are shared with VTL1. hv_hypercall_pg is read again
 * for every call, under the transport's call mutex: the kernel sets it to
 * NULL across hibernation, and a call through a stale page must not
 * happen.
 *
 * Before the first state-changing call, and on each CPU as it comes
 * online, transport.c probes VTL1 on that CPU (heki_vtl_probe()); this
 * transport's cpu_check re-reads that CPU's HvRegisterVsmVpStatus first.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/cpu.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/fpu/api.h>
#include <asm/hypervisor.h>
#include <asm/mshyperv.h>
#include <asm/nospec-branch.h>
#include <asm/special_insns.h>

/* Linux's Hyper-V headers first: heki/hv.h defers to their names. */
#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_test.h"
#include "compat/hv.h"

static bool vtl1_ready;
module_param(vtl1_ready, bool, 0444);
MODULE_PARM_DESC(vtl1_ready,
		 "Handshake for transport=hyperv|auto: set to 1 only when the VTL1 secure kernel has finished booting (set by the VTL1 loader's tooling); without it no VTL call is made (default 0)");

/* Partition privileges, CPUID 0x40000003 EBX (priv_high); not in 6.1. */
#define HEKI_HV_ACCESS_VSM		BIT(16)
#define HEKI_HV_ACCESS_VP_REGISTERS	BIT(17)

/* The VTL call offset in the hypercall page; 0 while not running. */
static u32 heki_hv_call_off;


/*
 * The decisions of the detection, as pure functions of the values read, so
 * the self-tests can check them without Hyper-V. Each returns NULL when the
 * value is acceptable, otherwise the reason it is not.
 */

/**
 * heki_hv_privileges_reason() - are the VSM partition privileges present?
 * @features: CPUID 0x40000003 EAX (ms_hyperv.features)
 * @priv_high: CPUID 0x40000003 EBX (ms_hyperv.priv_high)
 *
 * Return: NULL if SynIC, AccessVsm and AccessVpRegisters are all present.
 */
const char *heki_hv_privileges_reason(u32 features, u32 priv_high)
{
	if (!(features & HV_MSR_SYNIC_AVAILABLE))
		return "no SynIC privilege";
	if (!(priv_high & HEKI_HV_ACCESS_VSM))
		return "no AccessVsm privilege";
	if (!(priv_high & HEKI_HV_ACCESS_VP_REGISTERS))
		return "no AccessVpRegisters privilege";
	return NULL;
}

/**
 * heki_hv_partition_reason() - does HvRegisterVsmPartitionStatus allow VTL1?
 * @part: the register value
 *
 * Return: NULL if maximum_vtl >= 1 and VTL1 is enabled, with MBEC, for the
 * partition.
 */
const char *heki_hv_partition_reason(u64 part)
{
	if (hv_vsm_partition_status_maximum_vtl(part) < HV_VTL_SECURE)
		return "maximum VTL below 1";
	if (!(hv_vsm_partition_status_enabled_vtl_set(part) &
	      BIT(HV_VTL_SECURE)))
		return "VTL1 not enabled for the partition";
	if (!(hv_vsm_partition_status_mbec_enabled_vtl_set(part) &
	      BIT(HV_VTL_SECURE)))
		return "MBEC not enabled for VTL1";
	return NULL;
}

/**
 * heki_hv_vp_reason() - does HvRegisterVsmVpStatus of one VP allow VTL1?
 * @st: the register value
 *
 * Return: NULL if the VP runs in VTL0, has VTL1 enabled and MBEC active.
 */
const char *heki_hv_vp_reason(u64 st)
{
	if (hv_vsm_vp_status_active_vtl(st) != HV_VTL_NORMAL)
		return "not running in VTL0";
	if (!(hv_vsm_vp_status_enabled_vtl_set(st) & BIT(HV_VTL_SECURE)))
		return "VTL1 not enabled on the VP";
	if (!hv_vsm_vp_status_active_mbec_enabled(st))
		return "MBEC not active on the VP";
	return NULL;
}

/**
 * heki_hv_call_offset() - VTL call offset in the hypercall page
 * @offsets: HvRegisterVsmCodePageOffsets
 *
 * Return: vtl_call_offset (bits 0..11, always inside the page).
 */
u32 heki_hv_call_offset(u64 offsets)
{
	return hv_vsm_code_page_offsets_vtl_call_offset(offsets);
}

/**
 * heki_hv_offsets_reason() - can the code page offsets be used?
 * @offsets: HvRegisterVsmCodePageOffsets
 *
 * A VTL call offset of 0 is the hypercall entry, and one equal to the VTL
 * return offset would make every "call" a return: neither is a VTL call.
 *
 * Return: NULL if usable, otherwise why not.
 */
const char *heki_hv_offsets_reason(u64 offsets)
{
	u32 call = hv_vsm_code_page_offsets_vtl_call_offset(offsets);

	if (!call)
		return "VTL call offset is 0";
	if (call == hv_vsm_code_page_offsets_vtl_return_offset(offsets))
		return "VTL call offset equals the VTL return offset";
	return NULL;
}

/* Read one register of the current VP; IRQs are disabled around it. */
static int heki_hv_get_vp_register(u32 name, u64 *value)
{
	struct heki_hv_get_vp_registers_input *in;
	struct heki_hv_get_vp_registers_output *out;
	unsigned long flags;
	u64 status;
	int ret = 0;

	in = (void *)get_zeroed_page(GFP_KERNEL);
	out = (void *)get_zeroed_page(GFP_KERNEL);
	if (!in || !out) {
		ret = -ENOMEM;
		goto out;
	}
	in->partition_id = HV_PARTITION_ID_SELF;
	in->vp_index = HV_VP_INDEX_SELF;
	in->input_vtl = 0;
	in->element[0].name = name;

	local_irq_save(flags);
	status = hv_do_rep_hypercall(HVCALL_GET_VP_REGISTERS, 1, 0, in, out);
	local_irq_restore(flags);

	if (!hv_result_success(status)) {
		pr_err("HvCallGetVpRegisters(%#x) failed: status %#x\n", name,
		       hv_result(status));
		ret = -EIO;
		goto out;
	}
	*value = out->low;
out:
	free_page((unsigned long)out);
	free_page((unsigned long)in);
	return ret;
}

static long heki_hv_vp_status_fn(void *arg)
{
	u64 *value = arg;

	return heki_hv_get_vp_register(HV_REGISTER_VSM_VP_STATUS, value);
}

/* Every online CPU: running in VTL0, VTL1 enabled, MBEC active. */
static int heki_hv_check_vps(void)
{
	const char *why;
	unsigned int cpu;
	u64 st;
	int ret = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		ret = work_on_cpu(cpu, heki_hv_vp_status_fn, &st);
		if (ret)
			break;
		why = heki_hv_vp_reason(st);
		if (why) {
			pr_err("hyperv: CPU %u: %s (VpStatus %#llx)\n", cpu, why,
			       st);
			ret = -ENODEV;
			break;
		}
	}
	cpus_read_unlock();
	return ret;
}

/* ENDBR64, f3 0f 1e fa, read as a little-endian u32. */
#define HEKI_HV_ENDBR64		0xfa1e0ff3U

/**
 * heki_hv_ibt_reason() - may the VTL call entry be called indirectly?
 * @ibt: indirect branch tracking is on in this kernel
 * @entry: the first 4 bytes at the VTL call entry, as a little-endian u32
 *
 * heki_vtl0 reaches the entry with an indirect CALL (hyperv_call.S). With
 * IBT on, an indirect call to anything but an ENDBR64 raises #CP, and the
 * TLFS promises no ENDBR64 there (Linux checks, from 6.2 to 6.16, only the
 * hypercall entry at offset 0).
 *
 * Return: NULL if IBT is off or the entry starts with ENDBR64.
 */
const char *heki_hv_ibt_reason(bool ibt, u32 entry)
{
	if (ibt && entry != HEKI_HV_ENDBR64)
		return "IBT is on and the VTL call entry does not start with ENDBR64";
	return NULL;
}

/*
 * Kernel IBT on: the CPU feature the kernel keeps (cleared when it turned
 * IBT off, e.g. 6.2-6.16 for a hypercall page without ENDBR64), or CR4.CET
 * set, whichever says on. The test build may say on (test_ibt).
 */
static bool heki_hv_ibt_on(void)
{
	return cpu_feature_enabled(X86_FEATURE_IBT) ||
	       (__read_cr4() & X86_CR4_CET) || heki_test_ibt();
}

/*
 * heki_hv_ibt_reason() for the entry at @pg + @off. The 4 bytes are read
 * only with IBT on, and an entry too close to the page's end for an
 * ENDBR64 counts as one without (x86: little-endian, unaligned loads).
 */
static const char *heki_hv_entry_reason(const void *pg, u32 off)
{
	u32 w = 0;

	if (!heki_hv_ibt_on())
		return NULL;
	if (off <= HV_HYP_PAGE_SIZE - sizeof(w))
		memcpy(&w, (const u8 *)pg + off, sizeof(w));
	return heki_hv_ibt_reason(true, w);
}

/* Steps 1-5 of the detection; on success the call offset is known. */
static int heki_hv_detect(u32 *call_off)
{
	const void *pg;
	const char *why;
	u64 part, offsets;
	int ret;

	if (!hypervisor_is_type(X86_HYPER_MS_HYPERV)) {
		pr_info("hyperv: not running on Hyper-V\n");
		return -ENODEV;
	}
	ret = heki_hv_compat_init();
	if (ret)
		return ret;
	if (!heki_hv_hypercall_page()) {
		pr_err("hyperv: no hypercall page\n");
		return -ENODEV;
	}
	/*
	 * Isolated (SEV-SNP/TDX) guests need hypercall pages shared with the
	 * host; this file's own pages are private. Not a VSM setup we support.
	 */
	if (hv_is_isolation_supported()) {
		pr_err("hyperv: isolated (confidential) VM: not supported\n");
		return -ENODEV;
	}
	why = heki_hv_privileges_reason(ms_hyperv.features,
					ms_hyperv.priv_high);
	if (why) {
		pr_err("hyperv: %s (features %#x priv_high %#x)\n", why,
		       ms_hyperv.features, ms_hyperv.priv_high);
		return -ENODEV;
	}
	ret = heki_hv_get_vp_register(HV_REGISTER_VSM_PARTITION_STATUS, &part);
	if (ret)
		return ret;
	why = heki_hv_partition_reason(part);
	if (why) {
		pr_err("hyperv: %s (PartitionStatus %#llx)\n", why, part);
		return -ENODEV;
	}
	ret = heki_hv_check_vps();
	if (ret)
		return ret;
	ret = heki_hv_get_vp_register(HV_REGISTER_VSM_CODEPAGE_OFFSETS,
				      &offsets);
	if (ret)
		return ret;
	why = heki_hv_offsets_reason(offsets);
	if (why) {
		pr_err("hyperv: %s (CodePageOffsets %#llx)\n", why, offsets);
		return -ENODEV;
	}
	*call_off = heki_hv_call_offset(offsets);
	pg = heki_hv_hypercall_page();
	why = heki_hv_entry_reason(pg, *call_off);
	if (why) {
		pr_err("hyperv: %s (hypercall page + %#x: %*ph): refusing to make VTL calls\n",
		       why, *call_off,
		       (int)min_t(u32, 4, HV_HYP_PAGE_SIZE - *call_off),
		       (const u8 *)pg + *call_off);
		return -ENODEV;
	}
	return 0;
}

/**
 * heki_hyperv_probe() - can the hyperv transport be used?
 *
 * Runs the detection (no VTL call) and checks the vtl1_ready handshake.
 *
 * Return: 0 when usable; -ENODEV without Hyper-V, VSM, VTL1 or MBEC;
 * -EPERM when vtl1_ready=1 was not given; -EIO/-ENOMEM when a register
 * could not be read.
 */
int heki_hyperv_probe(void)
{
	u32 off;
	int ret;

	ret = heki_hv_detect(&off);
	if (ret)
		return ret;
	if (!vtl1_ready) {
		pr_err("hyperv: VSM present but vtl1_ready=1 not given: refusing to make VTL calls\n");
		return -EPERM;
	}
	return 0;
}

static int heki_hv_init(void)
{
	u32 off;
	int ret;

	ret = heki_hv_detect(&off);
	if (ret)
		return ret;
	if (!vtl1_ready) {
		pr_err("hyperv: vtl1_ready=1 not given\n");
		return -EPERM;
	}
	WRITE_ONCE(heki_hv_call_off, off);
	return 0;
}

static void heki_hv_exit(void)
{
	WRITE_ONCE(heki_hv_call_off, 0);
}

/* The current CPU still runs in VTL0 with VTL1 enabled and MBEC active. */
static int heki_hv_cpu_check(void)
{
	const char *why;
	u64 st;
	int ret;

	ret = heki_hv_get_vp_register(HV_REGISTER_VSM_VP_STATUS, &st);
	if (ret)
		return ret;
	why = heki_hv_vp_reason(st);
	if (why) {
		pr_err("hyperv: CPU %u: %s (VpStatus %#llx)\n",
		       raw_smp_processor_id(), why, st);
		return -ENODEV;
	}
	return 0;
}

u64 heki_hv_vtl_call_raw(void *target, u64 func, u64 a1, u64 a2, u64 a3);

/*
 * Called under the transport's call mutex. The hypercall page is looked
 * up again here: NULL (hibernation) means no call.
 */
static int heki_hv_call(u32 func, u64 a1, u64 a2, u64 a3, u64 *r8)
{
	void *pg = heki_hv_hypercall_page();
	u32 off = READ_ONCE(heki_hv_call_off);
	unsigned long flags, cr2;

	if (!pg || !off)
		return -ENODEV;
	/* A page replaced since the detection: no #CP either. */
	if (heki_hv_entry_reason(pg, off))
		return -ENODEV;
	kernel_fpu_begin();
	local_irq_save(flags);
	cr2 = read_cr2();
	*r8 = heki_hv_vtl_call_raw((u8 *)pg + off, func, a1, a2, a3);
	write_cr2(cr2);
	local_irq_restore(flags);
	kernel_fpu_end();
	return 0;
}

const struct heki_transport heki_transport_hyperv = {
	.name = "hyperv",
	.init = heki_hv_init,
	.exit = heki_hv_exit,
	.call = heki_hv_call,
	.cpu_check = heki_hv_cpu_check,
};

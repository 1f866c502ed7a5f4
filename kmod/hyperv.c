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
 * The VTL call (vtl0-lvbs.md §1.2-1.4): CALL hv_hypercall_pg +
 * vtl_call_offset with RCX = 0, RDI = function id, RSI/RDX/R8 = a1..a3;
 * VTL1 answers in R8. RAX and RCX are clobbered; r9-r11 and the
 * callee-saved registers are declared clobbered too, so the compiler keeps
 * them whatever VTL1 does. Interrupts are off across the call, CR2 is
 * saved and restored, and the FPU state is saved (kernel_fpu_begin) in
 * case the secure kernel does not preserve it.
 *
 * None of this can run under QEMU: only the refusal paths (no Hyper-V, no
 * handshake) are exercised by the self-tests.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/cpu.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>
#include <asm/fpu/api.h>
#include <asm/hypervisor.h>
#include <asm/mshyperv.h>
#include <asm/nospec-branch.h>
#include <asm/special_insns.h>

/* Linux's Hyper-V headers first: heki/hv.h defers to their names. */
#include <heki/abi.h>

#include "heki_vtl0.h"
#include "compat/hv.h"

static bool vtl1_ready;
module_param(vtl1_ready, bool, 0444);
MODULE_PARM_DESC(vtl1_ready,
		 "Handshake for transport=hyperv|auto: set to 1 only when the VTL1 secure kernel has finished booting (set by the VTL1 loader's tooling); without it no VTL call is made (default 0)");

/* Partition privileges, CPUID 0x40000003 EBX (priv_high); not in 6.1. */
#define HEKI_HV_ACCESS_VSM		BIT(16)
#define HEKI_HV_ACCESS_VP_REGISTERS	BIT(17)

static void *heki_hv_call_target;


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

/* Steps 1-5 of the detection; on success the call target is known. */
static int heki_hv_detect(void **target)
{
	const char *why;
	u64 part, offsets;
	u32 off;
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
	off = heki_hv_call_offset(offsets);
	*target = (u8 *)heki_hv_hypercall_page() + off;
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
	void *target;
	int ret;

	ret = heki_hv_detect(&target);
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
	void *target;
	int ret;

	ret = heki_hv_detect(&target);
	if (ret)
		return ret;
	if (!vtl1_ready) {
		pr_err("hyperv: vtl1_ready=1 not given\n");
		return -EPERM;
	}
	heki_hv_call_target = target;
	return 0;
}

static void heki_hv_exit(void)
{
	heki_hv_call_target = NULL;
}

/*
 * The VTL call itself. Register contract: RDI, RSI, RDX, R8 in; R8 out;
 * RCX = 0 on entry (VTL call control), RAX holds the target and both are
 * clobbered. Everything else is declared clobbered or preserved by the
 * compiler, so it does not matter what VTL1 leaves there. notrace: no
 * ftrace call site in this path. tests/kmod/hyperv-stub.sh checks the
 * generated code against this contract.
 */
static noinline notrace s64 heki_hv_vtl_call_raw(void *target, u64 a0,
						 u64 a1, u64 a2, u64 a3)
{
	register u64 r8 asm("r8") = a3;
	u64 rcx = 0;

	asm volatile(CALL_NOSPEC
		     : "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r8), "+c"(rcx),
		       [thunk_target] "+a"(target), ASM_CALL_CONSTRAINT
		     :
		     : "cc", "memory", "r9", "r10", "r11", "rbx", "r12",
		       "r13", "r14", "r15");
	return (s64)r8;
}

static s64 heki_hv_call(u32 func, u64 a1, u64 a2, u64 a3)
{
	void *target = READ_ONCE(heki_hv_call_target);
	unsigned long flags, cr2;
	s64 ret;

	if (!target)
		return -ENODEV;
	kernel_fpu_begin();
	local_irq_save(flags);
	cr2 = read_cr2();
	ret = heki_hv_vtl_call_raw(target, func, a1, a2, a3);
	write_cr2(cr2);
	local_irq_restore(flags);
	kernel_fpu_end();
	return ret;
}

const struct heki_transport heki_transport_hyperv = {
	.name = "hyperv",
	.init = heki_hv_init,
	.exit = heki_hv_exit,
	.call = heki_hv_call,
};

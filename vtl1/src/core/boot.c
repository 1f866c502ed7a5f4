// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * boot.c - boot-time calls: EnableAPsVtl, BootAPs, LockRegs,
 * SignalEndOfBoot, plus CopySecondaryKey and OpteeMessage.
 */
#include "boot.h"
#include "core.h"

__s64 vtl1_do_ENABLE_APS_VTL(struct heki_vtl1 *v, __u64 a0, __u64 a1,
			     __u64 a2)
{
	vtl1_info(v, "EnableAPsVtl: nothing to do (VTL1 is enabled per VP by BootAPs)\n");
	return 0;
}

/* A PFN argument as a byte address, or -1 if it is not below 2^52. */
static int pfn_to_pa(__u64 pfn, __u64 *pa)
{
	if (pfn >= VTL1_PFN_LIMIT)
		return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
	*pa = pfn << HEKI_PAGE_SHIFT;
	return 0;
}

/*
 * BootAPs(cpu_online_mask_pfn, boot_signal_pfn): enable VTL1 on every CPU
 * of the mask and store HV_SECURE_VTL_BOOT_TOKEN at byte <cpu> of the
 * boot-signal page for each CPU that came up. Only those token bytes are
 * written, through the write gate, so the page must be one no owner holds
 * (not kernel or module text, not kernel data, kexec or ring buffer
 * frames, not VTL1 memory); that is checked, and the token bytes read,
 * before any VP is enabled. Unlike LiteBox, a CPU whose enable failed gets
 * no token and the tokens of the others are still stored, so VTL0 sees
 * exactly which CPUs run VTL1; the call then fails with EIO.
 */
__s64 vtl1_do_BOOT_APS(struct heki_vtl1 *v, __u64 a0, __u64 a1, __u64 a2)
{
	static const __u8 token[HEKI_VTL1_MAX_VPS] = {
		[0 ... HEKI_VTL1_MAX_VPS - 1] = HV_SECURE_VTL_BOOT_TOKEN,
	};
	struct vtl1_vtl0_write_part *part;
	__u8 probe[HEKI_VTL1_MAX_VPS];
	struct heki_cpu_mask mask;
	__u64 mask_pa, signal_pa;
	hv_status_t last = HV_STATUS_SUCCESS;
	__u32 cpu, nparts = 0;
	int ret;

	ret = pfn_to_pa(a0, &mask_pa);
	if (!ret)
		ret = pfn_to_pa(a1, &signal_pa);
	if (ret)
		return ret;

	ret = vtl1_copy_from(v, &mask, mask_pa, sizeof(mask));
	if (ret == -HEKI_VSM_ERR_VTL0_COPY_FAILED)
		ret = -HEKI_VSM_ERR_CPU_ONLINE_MASK_COPY_FAILED;
	if (ret)
		return ret;

	/* One part per run of consecutive CPUs at most (heap: 3 KiB). */
	part = vtl1_alloc_array(v, HEKI_VTL1_MAX_VPS, sizeof(*part));
	if (!part)
		return -HEKI_VSM_ERR_NO_MEMORY;
	/* The token bytes: where VTL1 may store, and readable, before any VP. */
	part[0].pa = signal_pa;
	part[0].src = NULL;
	part[0].len = HEKI_VTL1_MAX_VPS;
	ret = vtl1_vtl0_write_check(v, part, 1, NULL);
	if (!ret)
		ret = vtl1_copy_from(v, probe, signal_pa, sizeof(probe));
	if (ret == -HEKI_VSM_ERR_VTL0_COPY_FAILED)
		ret = -HEKI_VSM_ERR_BOOT_SIGNAL_PAGE_COPY_FAILED;
	if (ret)
		goto out;

	for (cpu = 0; cpu < HEKI_VTL1_MAX_VPS; cpu++) {
		hv_status_t st = HV_STATUS_SUCCESS;

		if (!heki_cpu_mask_test(&mask, cpu))
			continue;
		/* The boot processor already runs VTL1. */
		if (cpu)
			st = v->p.enable_vp_vtl(v->p.ctx, cpu);
		if (st != HV_STATUS_SUCCESS) {
			vtl1_err(v, "BootAPs: enabling VTL1 on VP %u: status %u\n",
				 cpu, (unsigned int)hv_status_raw(st));
			last = st;
			continue;
		}
		/* One part per run of consecutive CPUs that came up. */
		if (nparts && part[nparts - 1].pa + part[nparts - 1].len ==
			      signal_pa + cpu) {
			part[nparts - 1].len++;
			continue;
		}
		part[nparts].pa = signal_pa + cpu;
		part[nparts].src = &token[cpu];
		part[nparts++].len = 1;
	}

	if (nparts)
		ret = vtl1_vtl0_write(v, part, nparts, NULL);
	if (ret == -HEKI_VSM_ERR_VTL0_COPY_FAILED)
		ret = -HEKI_VSM_ERR_BOOT_SIGNAL_WRITE_FAILED;
	if (!ret && last != HV_STATUS_SUCCESS)
		ret = -HEKI_VSM_ERR_AP_INIT_FAILED;
out:
	vtl1_free(v, part);
	return ret;
}

/*
 * LockRegs: read the VTL0 registers the intercepts pin (all must be
 * readable), install the intercepts on the current VP, and keep the values
 * for the embedder's intercept handler (heki_vtl1_locked_reg()). Refused
 * after end of boot.
 */
const __u32 vtl1_pinned_regs[VTL1_NR_PINNED_REGS] = {
	HV_REGISTER_CR0, HV_REGISTER_CR4, HV_REGISTER_LSTAR,
	HV_REGISTER_STAR, HV_REGISTER_CSTAR, HV_REGISTER_APIC_BASE,
	HV_REGISTER_EFER, HV_REGISTER_SYSENTER_CS,
	HV_REGISTER_SYSENTER_ESP, HV_REGISTER_SYSENTER_EIP,
	HV_REGISTER_SFMASK,
};

__s64 vtl1_do_LOCK_REGS(struct heki_vtl1 *v, __u64 a0, __u64 a1, __u64 a2)
{
	__u64 val[VTL1_NR_PINNED_REGS];
	static const struct {
		__u32 name;
		__u64 value;
	} intercepts[] = {
		{ HV_REGISTER_CR_INTERCEPT_CONTROL,
		  HV_CR_INTERCEPT_LOCK_REGS_MASK },
		{ HV_REGISTER_CR_INTERCEPT_CR4_MASK, CR4_PIN_MASK },
		{ HV_REGISTER_CR_INTERCEPT_CR0_MASK, CR0_PIN_MASK },
	};
	__u32 i;

	if (v->end_of_boot)
		return -HEKI_VSM_ERR_OPERATION_AFTER_END_OF_BOOT;

	for (i = 0; i < VTL1_NR_PINNED_REGS; i++) {
		if (v->p.get_vtl0_register(v->p.ctx, vtl1_pinned_regs[i],
					   &val[i]) != HV_STATUS_SUCCESS) {
			vtl1_err(v, "LockRegs: reading register %x failed\n",
				 vtl1_pinned_regs[i]);
			return -HEKI_VSM_ERR_HYPERCALL_FAILED;
		}
	}
	for (i = 0; i < ARRAY_SIZE(intercepts); i++) {
		if (v->p.set_intercept_register(v->p.ctx, intercepts[i].name,
						intercepts[i].value) !=
		    HV_STATUS_SUCCESS) {
			vtl1_err(v, "LockRegs: writing register %x failed\n",
				 intercepts[i].name);
			return -HEKI_VSM_ERR_HYPERCALL_FAILED;
		}
	}
	memcpy(v->locked_regs, val, sizeof(val));
	v->regs_locked = 1;
	return 0;
}

__s64 vtl1_do_SIGNAL_END_OF_BOOT(struct heki_vtl1 *v, __u64 a0, __u64 a1,
				 __u64 a2)
{
	if (!v->end_of_boot)
		vtl1_info(v, "end of boot: LockRegs, ProtectMemory and LoadKData are closed\n");
	v->end_of_boot = 1;
	return 0;
}

__s64 vtl1_do_COPY_SECONDARY_KEY(struct heki_vtl1 *v, __u64 a0, __u64 a1,
				 __u64 a2)
{
	vtl1_info(v, "CopySecondaryKey: nothing to do (no secondary keyring)\n");
	return 0;
}

__s64 vtl1_do_OPTEE_MESSAGE(struct heki_vtl1 *v, __u64 a0, __u64 a1,
			    __u64 a2)
{
	return -HEKI_VSM_ERR_OPERATION_NOT_SUPPORTED;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * hypercall.c - the emulated hypercall page and HvCallGetVpRegisters
 *
 * The page is one page of this module's text (entry.S): read-only and
 * executable, as Linux maps the real one (hv_hypercall_pg), and written
 * only through a temporary writable alias. Its bytes are int3, except
 * three entries, each an ENDBR64 followed by an indirect jump
 * (jmp *slot(%rip); 10 bytes in all) to entry.S through an 8-byte slot at
 * the end of the page. Hyper-V starts its page with an ENDBR64 (6.2 to
 * 6.16 check it before keeping IBT on); this page has one at every entry,
 * since heki_vtl0 reaches the VTL call entry with an indirect CALL (the
 * variant vtl_call_endbr=0 puts a 4-byte NOP there instead, which
 * heki_vtl0 must refuse when IBT is on):
 *
 *   offset 0                    the hypercall entry (TLFS: a CALL to the
 *                               start of the page makes a hypercall)
 *   vtl_call_offset             the VTL call entry
 *   vtl_return_offset           the VTL return entry (#UD from VTL0)
 *
 * HvRegisterVsmCodePageOffsets reports the two offsets. When the call
 * offset is 0 the register points VTL calls at the hypercall entry; when
 * it equals the return offset, at the return entry: the variants heki_vtl0
 * must refuse.
 *
 * The hypercall entry implements what heki_vtl0 uses and checks what the
 * TLFS says a hypervisor checks ("Hypercall Interface"): the control word's
 * reserved bits, rep count and start, variable header size, 8-byte aligned
 * GPAs whose lists neither cross a page nor overlap; then
 * HvCallGetVpRegisters (0x0050, rep) for partition "self" and any VP, for
 * the VSM registers. Every other call code is HV_STATUS_INVALID_HYPERCALL_CODE.
 */
#define pr_fmt(fmt) "heki_hvemu: " fmt
#define HEKI_HVEMU 1

#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/io.h>
#include <asm/sync_core.h>

#include <heki/abi.h>

#include "hvemu.h"

/* ENDBR64 (f3 0f 1e fa), then jmp *rel32(%rip) (ff 25 rel32). */
#define HVEMU_ENDBR_LEN		4
#define HVEMU_ENTRY_LEN		(HVEMU_ENDBR_LEN + 6)
#define HVEMU_SLOT_HYPERCALL	(PAGE_SIZE - 32)
#define HVEMU_SLOT_CALL		(PAGE_SIZE - 24)
#define HVEMU_SLOT_RETURN	(PAGE_SIZE - 16)
/* Entries must end before the slots. */
#define HVEMU_OFFSET_MAX	(HVEMU_SLOT_HYPERCALL - HVEMU_ENTRY_LEN)

/* Control word bits the TLFS reserves (must be zero). */
#define HVEMU_CONTROL_RSVD	(GENMASK_ULL(31, 27) | GENMASK_ULL(47, 44) | \
				 GENMASK_ULL(63, 60))

/* HV_INPUT_VTL: target VTL 0..3, use-target bit 4, 5..7 reserved. */
#define HVEMU_INPUT_VTL_TARGET	GENMASK(3, 0)
#define HVEMU_INPUT_VTL_USE	BIT(4)
#define HVEMU_INPUT_VTL_RSVD	GENMASK(7, 5)

static DEFINE_MUTEX(hvemu_page_lock);

/**
 * hvemu_page() - the hypercall page as VTL0 executes it
 *
 * Return: its read-only executable mapping.
 */
void *hvemu_page(void)
{
	return hvemu_page_text;
}

static void hvemu_put_entry(u8 *p, unsigned int off, unsigned int slot,
			    void (*target)(void), bool endbr)
{
	static const u8 endbr64[HVEMU_ENDBR_LEN] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const u8 nopl[HVEMU_ENDBR_LEN] = { 0x0f, 0x1f, 0x40, 0x00 };
	s32 rel = (s32)slot - (s32)(off + HVEMU_ENTRY_LEN);
	unsigned long t = (unsigned long)target;

	memcpy(p + off, endbr ? endbr64 : nopl, HVEMU_ENDBR_LEN);
	off += HVEMU_ENDBR_LEN;
	p[off] = 0xff;		/* jmp *rel32(%rip) */
	p[off + 1] = 0x25;
	memcpy(p + off + 2, &rel, sizeof(rel));
	memcpy(p + slot, &t, sizeof(t));
}

static bool hvemu_apart(unsigned int a, unsigned int b)
{
	return a == b || (a > b ? a - b : b - a) >= HVEMU_ENTRY_LEN;
}

static void hvemu_sync_core(void *unused)
{
	sync_core();
}

/**
 * hvemu_page_layout() - (re)write the page for a pair of offsets
 * @call: the VTL call offset HvRegisterVsmCodePageOffsets reports
 * @ret: the VTL return offset
 *
 * Each offset must leave room for an entry before the slots, and entries
 * at different offsets must not overlap; equal offsets (call == 0,
 * call == ret) are allowed: they are the variants.
 *
 * Context: process context, no VTL call in flight.
 * Return: 0, or -EINVAL for offsets that cannot be laid out.
 */
int hvemu_page_layout(unsigned int call, unsigned int ret)
{
	struct page *frame = vmalloc_to_page(hvemu_page_text);
	u8 *p;

	if (call > HVEMU_OFFSET_MAX || ret > HVEMU_OFFSET_MAX ||
	    !hvemu_apart(call, 0) || !hvemu_apart(ret, 0) ||
	    !hvemu_apart(call, ret))
		return -EINVAL;
	if (!frame)
		return -EFAULT;
	mutex_lock(&hvemu_page_lock);
	p = vmap(&frame, 1, VM_MAP, PAGE_KERNEL);
	if (!p) {
		mutex_unlock(&hvemu_page_lock);
		return -ENOMEM;
	}
	memset(p, 0xcc, PAGE_SIZE);
	hvemu_put_entry(p, 0, HVEMU_SLOT_HYPERCALL, hvemu_hypercall_entry,
			true);
	if (ret)
		hvemu_put_entry(p, ret, HVEMU_SLOT_RETURN,
				hvemu_vtl_return_entry, true);
	if (call && call != ret)
		hvemu_put_entry(p, call, HVEMU_SLOT_CALL, hvemu_vtl_call_entry,
				hvemu_call_endbr);
	vunmap(p);
	/* Cross-modifying code: serialise every CPU before it runs again. */
	on_each_cpu(hvemu_sync_core, NULL, 1);
	mutex_unlock(&hvemu_page_lock);
	return 0;
}

/**
 * hvemu_page_init() - write the page for the offsets given at load
 *
 * Return: 0, -ENOMEM, or -EINVAL for offsets that cannot be laid out.
 */
int hvemu_page_init(void)
{
	if (!PAGE_ALIGNED(hvemu_page_text))
		return -EINVAL;
	return hvemu_page_layout(hvemu_call_offset, hvemu_return_offset);
}

/* ------------------------------------------------------------------ */
/* The VSM registers                                                   */
/* ------------------------------------------------------------------ */

/**
 * hvemu_vp_vtl1_enabled() - is VTL1 enabled on a VP?
 * @cpu: the VP index (Linux CPU number)
 *
 * Return: false for the vtl1_disabled_cpu variant or when VTL1 is not
 * enabled for the partition.
 */
bool hvemu_vp_vtl1_enabled(unsigned int cpu)
{
	return READ_ONCE(hvemu_vtl1_enabled) &&
	       (int)cpu != READ_ONCE(hvemu_vtl1_disabled_cpu);
}

static u64 hvemu_vtl_set(bool vtl1)
{
	return BIT(HV_VTL_NORMAL) | (vtl1 ? BIT(HV_VTL_SECURE) : 0);
}

/* The value of a register of VP @vp; false for a name not emulated. */
static bool hvemu_register(u32 name, unsigned int vp, u64 *value)
{
	bool mbec = READ_ONCE(hvemu_mbec);
	u64 v = 0;

	switch (name) {
	case HV_REGISTER_VSM_PARTITION_STATUS:
		v = hv_vsm_partition_status_enabled_vtl_set_set(v,
			hvemu_vtl_set(READ_ONCE(hvemu_vtl1_enabled)));
		v = hv_vsm_partition_status_maximum_vtl_set(v,
			READ_ONCE(hvemu_max_vtl));
		v = hv_vsm_partition_status_mbec_enabled_vtl_set_set(v,
			mbec ? BIT(HV_VTL_SECURE) : 0);
		break;
	case HV_REGISTER_VSM_VP_STATUS:
		v = hv_vsm_vp_status_active_vtl_set(v, HV_VTL_NORMAL);
		v = hv_vsm_vp_status_active_mbec_enabled_set(v, mbec);
		v = hv_vsm_vp_status_enabled_vtl_set_set(v,
			hvemu_vtl_set(hvemu_vp_vtl1_enabled(vp)));
		break;
	case HV_REGISTER_VSM_CODEPAGE_OFFSETS:
		v = hv_vsm_code_page_offsets_vtl_call_offset_set(v,
			READ_ONCE(hvemu_call_offset));
		v = hv_vsm_code_page_offsets_vtl_return_offset_set(v,
			READ_ONCE(hvemu_return_offset));
		break;
	default:
		return false;
	}
	*value = v;
	return true;
}

/* A list of @len bytes at @gpa: 8-byte aligned, in one RAM page. */
static bool hvemu_list_ok(u64 gpa, u64 len)
{
	return !(gpa & 7) && len <= PAGE_SIZE - offset_in_page(gpa) &&
	       pfn_valid(PHYS_PFN(gpa));
}

/* HvCallGetVpRegisters; *@done: reps completed (total, not relative). */
static u16 hvemu_get_vp_registers(u64 control, u64 in_gpa, u64 out_gpa,
				  unsigned int cpu, u32 *done)
{
	u32 count = (control & HV_HYPERCALL_REP_COUNT_MASK) >>
		    HV_HYPERCALL_REP_COUNT_SHIFT;
	u32 start = (control & HV_HYPERCALL_REP_START_MASK) >>
		    HV_HYPERCALL_REP_START_SHIFT;
	u64 in_len = 16 + (u64)count * 4, out_len = (u64)count * 16;
	const u8 *in;
	u64 *out, partition;
	u32 vp, i, status;
	u8 vtl;

	*done = start;
	atomic64_inc(&hvemu_stats.get_vp_registers);
	if ((control & HV_HYPERCALL_FAST_MASK) ||
	    (control & HV_HYPERCALL_VARHEAD_MASK) || !count || start >= count)
		return HV_STATUS_INVALID_HYPERCALL_INPUT_VALUE;
	if (!hvemu_list_ok(in_gpa, in_len) || !hvemu_list_ok(out_gpa, out_len) ||
	    (in_gpa < out_gpa + out_len && out_gpa < in_gpa + in_len))
		return HV_STATUS_INVALID_ALIGNMENT_VALUE;
	if (!READ_ONCE(hvemu_privileges))
		return HV_STATUS_ACCESS_DENIED_VALUE;
	status = READ_ONCE(hvemu_getreg_status);
	if (status)
		return status;

	in = phys_to_virt(in_gpa);
	out = phys_to_virt(out_gpa);
	memcpy(&partition, in, sizeof(partition));
	memcpy(&vp, in + 8, sizeof(vp));
	vtl = in[12];
	if (partition != HV_PARTITION_ID_SELF)
		return HV_STATUS_ACCESS_DENIED_VALUE;
	if (vp == HV_VP_INDEX_SELF)
		vp = cpu;
	else if (vp >= nr_cpu_ids || !cpu_possible(vp))
		return HV_STATUS_INVALID_VP_INDEX_VALUE;
	if ((vtl & HVEMU_INPUT_VTL_RSVD) || in[13] || in[14] || in[15])
		return HV_STATUS_INVALID_PARAMETER_VALUE;
	/* VTL0 may not read a higher VTL's registers. */
	if ((vtl & HVEMU_INPUT_VTL_USE) &&
	    (vtl & HVEMU_INPUT_VTL_TARGET) != HV_VTL_NORMAL)
		return HV_STATUS_ACCESS_DENIED_VALUE;

	for (i = start; i < count; i++) {
		u32 name;
		u64 value;

		memcpy(&name, in + 16 + (u64)i * 4, sizeof(name));
		if (!hvemu_register(name, vp, &value))
			return HV_STATUS_INVALID_PARAMETER_VALUE;
		out[2 * i] = value;
		out[2 * i + 1] = 0;
		*done = i + 1;
	}
	return HV_STATUS_SUCCESS_VALUE;
}

/**
 * hvemu_hypercall() - the hypercall entry
 * @r: the caller's registers: RCX control, RDX input GPA, R8 output GPA
 *
 * Context: the caller's (interrupts as it had them; it must not sleep).
 * Return: the hypercall result value for RAX. For a rep hypercall the
 * saved RCX gets the new rep start index.
 */
u64 hvemu_hypercall(struct hvemu_regs *r)
{
	u64 control = r->rcx;
	u32 done = 0;
	u16 status;

	atomic64_inc(&hvemu_stats.hypercalls);
	if (control & HVEMU_CONTROL_RSVD)
		status = HV_STATUS_INVALID_HYPERCALL_INPUT_VALUE;
	else if ((control & HV_HYPERCALL_CODE_MASK) == HVCALL_GET_VP_REGISTERS)
		status = hvemu_get_vp_registers(control, r->rdx, r->r8,
						raw_smp_processor_id(), &done);
	else
		status = HV_STATUS_INVALID_HYPERCALL_CODE_VALUE;
	if (status != HV_STATUS_SUCCESS_VALUE)
		atomic64_inc(&hvemu_stats.hypercall_errors);
	if (control & HV_HYPERCALL_REP_COUNT_MASK)
		r->rcx = (control & ~HV_HYPERCALL_REP_START_MASK) |
			 ((u64)done << HV_HYPERCALL_REP_START_SHIFT);
	return status | ((u64)done << HV_HYPERCALL_REP_COUNT_SHIFT);
}

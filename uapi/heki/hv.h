/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: the Hyper-V and x86 architectural facts both ends share.
 *
 * Hypercall status codes and codes, register names, the layout of the VSM
 * registers (as SHIFT/MASK constants with inline accessors, never C
 * bitfields), page protection flags, pinned control-register bits and
 * the MSR numbers the register-intercept path decodes.
 *
 * Several names also exist in Linux (asm-generic/hyperv-tlfs.h,
 * asm/msr-index.h, uapi/asm/processor-flags.h). Those are wrapped in
 * #ifndef: a kernel translation unit that needs both must include the
 * Linux headers first and then gets Linux's definition, whose value
 * tests/abi/kbuild asserts is the same as ours.
 */
#ifndef _UAPI_HEKI_HV_H
#define _UAPI_HEKI_HV_H

#include "types.h"

/* ------------------------------------------------------------------ */
/* Hypercall status                                                     */
/* ------------------------------------------------------------------ */

/**
 * typedef hv_status_t - a Hyper-V hypercall status
 *
 * The 16-bit status field of a hypercall result (bits 0..15 of RAX), one
 * HV_STATUS_* value (HV_STATUS_LIST). LiteBox stores it in a u32; the value
 * range is the same.
 */
typedef __u16 __bitwise hv_status_t;

/* X(name, value): the one list of Hyper-V status codes we name. */
#define HV_STATUS_LIST(X)				\
	X(SUCCESS, 0x0000)				\
	X(INVALID_HYPERCALL_CODE, 0x0002)		\
	X(INVALID_HYPERCALL_INPUT, 0x0003)		\
	X(INVALID_ALIGNMENT, 0x0004)			\
	X(INVALID_PARAMETER, 0x0005)			\
	X(ACCESS_DENIED, 0x0006)			\
	X(INVALID_PARTITION_STATE, 0x0007)		\
	X(OPERATION_DENIED, 0x0008)			\
	X(INSUFFICIENT_MEMORY, 0x000B)			\
	X(INVALID_VP_INDEX, 0x000E)			\
	X(INVALID_PORT_ID, 0x0011)			\
	X(INVALID_CONNECTION_ID, 0x0012)		\
	X(INSUFFICIENT_BUFFERS, 0x0013)			\
	X(INVALID_REGISTER_VALUE, 0x0050)		\
	X(INVALID_VTL_STATE, 0x0051)			\
	X(TIME_OUT, 0x0078)				\
	X(VTL_ALREADY_ENABLED, 0x0086)			\
	X(UNKNOWN_REGISTER_NAME, 0x0087)

#define HV_STATUS_VALUE_ENUM_(name, value) HV_STATUS_##name##_VALUE = (value),
/* Plain integer values (HV_STATUS_<NAME>_VALUE), usable in case labels. */
enum hv_status_value {
	HV_STATUS_LIST(HV_STATUS_VALUE_ENUM_)
};
#undef HV_STATUS_VALUE_ENUM_

/* Typed constant HV_STATUS_<NAME>, value taken from HV_STATUS_LIST. */
#define HV_STATUS_C(name) ((__force hv_status_t)HV_STATUS_##name##_VALUE)

#ifndef HV_STATUS_SUCCESS
#define HV_STATUS_SUCCESS			HV_STATUS_C(SUCCESS)
#endif
#ifndef HV_STATUS_INVALID_HYPERCALL_CODE
#define HV_STATUS_INVALID_HYPERCALL_CODE	HV_STATUS_C(INVALID_HYPERCALL_CODE)
#endif
#ifndef HV_STATUS_INVALID_HYPERCALL_INPUT
#define HV_STATUS_INVALID_HYPERCALL_INPUT	HV_STATUS_C(INVALID_HYPERCALL_INPUT)
#endif
#ifndef HV_STATUS_INVALID_ALIGNMENT
#define HV_STATUS_INVALID_ALIGNMENT		HV_STATUS_C(INVALID_ALIGNMENT)
#endif
#ifndef HV_STATUS_INVALID_PARAMETER
#define HV_STATUS_INVALID_PARAMETER		HV_STATUS_C(INVALID_PARAMETER)
#endif
#ifndef HV_STATUS_ACCESS_DENIED
#define HV_STATUS_ACCESS_DENIED			HV_STATUS_C(ACCESS_DENIED)
#endif
#ifndef HV_STATUS_INVALID_PARTITION_STATE
#define HV_STATUS_INVALID_PARTITION_STATE	HV_STATUS_C(INVALID_PARTITION_STATE)
#endif
#ifndef HV_STATUS_OPERATION_DENIED
#define HV_STATUS_OPERATION_DENIED		HV_STATUS_C(OPERATION_DENIED)
#endif
#ifndef HV_STATUS_INSUFFICIENT_MEMORY
#define HV_STATUS_INSUFFICIENT_MEMORY		HV_STATUS_C(INSUFFICIENT_MEMORY)
#endif
#ifndef HV_STATUS_INVALID_VP_INDEX
#define HV_STATUS_INVALID_VP_INDEX		HV_STATUS_C(INVALID_VP_INDEX)
#endif
#ifndef HV_STATUS_INVALID_PORT_ID
#define HV_STATUS_INVALID_PORT_ID		HV_STATUS_C(INVALID_PORT_ID)
#endif
#ifndef HV_STATUS_INVALID_CONNECTION_ID
#define HV_STATUS_INVALID_CONNECTION_ID		HV_STATUS_C(INVALID_CONNECTION_ID)
#endif
#ifndef HV_STATUS_INSUFFICIENT_BUFFERS
#define HV_STATUS_INSUFFICIENT_BUFFERS		HV_STATUS_C(INSUFFICIENT_BUFFERS)
#endif
#ifndef HV_STATUS_INVALID_REGISTER_VALUE
#define HV_STATUS_INVALID_REGISTER_VALUE	HV_STATUS_C(INVALID_REGISTER_VALUE)
#endif
#ifndef HV_STATUS_INVALID_VTL_STATE
#define HV_STATUS_INVALID_VTL_STATE		HV_STATUS_C(INVALID_VTL_STATE)
#endif
#ifndef HV_STATUS_TIME_OUT
#define HV_STATUS_TIME_OUT			HV_STATUS_C(TIME_OUT)
#endif
#ifndef HV_STATUS_VTL_ALREADY_ENABLED
#define HV_STATUS_VTL_ALREADY_ENABLED		HV_STATUS_C(VTL_ALREADY_ENABLED)
#endif
#ifndef HV_STATUS_UNKNOWN_REGISTER_NAME
#define HV_STATUS_UNKNOWN_REGISTER_NAME		HV_STATUS_C(UNKNOWN_REGISTER_NAME)
#endif

#define HV_STATUS_ROW_(name, value) { (value), "HV_STATUS_" #name },

/**
 * hv_status_name() - symbolic name of a Hyper-V status code
 * @status: status from a hypercall result
 *
 * Return: "HV_STATUS_<NAME>" for a code in HV_STATUS_LIST, else NULL.
 */
static HEKI_INLINE const char *hv_status_name(hv_status_t status)
{
	static const struct heki_name_desc rows[] = {
		HV_STATUS_LIST(HV_STATUS_ROW_)
	};

	return heki_name_lookup(rows, HEKI_ARRAY_SIZE(rows),
				(__force __u16)status);
}
#undef HV_STATUS_ROW_

/**
 * hv_status_raw() - the plain integer value of a status
 * @status: typed status
 *
 * Return: the 16-bit status value.
 */
static HEKI_INLINE __u16 hv_status_raw(hv_status_t status)
{
	return (__force __u16)status;
}

/* ------------------------------------------------------------------ */
/* Hypercall codes and the hypercall control word                       */
/* ------------------------------------------------------------------ */

#ifndef HVCALL_MODIFY_VTL_PROTECTION_MASK
#define HVCALL_MODIFY_VTL_PROTECTION_MASK	0x000c
#endif
#ifndef HVCALL_ENABLE_PARTITION_VTL
#define HVCALL_ENABLE_PARTITION_VTL		0x000d
#endif
#ifndef HVCALL_ENABLE_VP_VTL
#define HVCALL_ENABLE_VP_VTL			0x000f
#endif
#ifndef HVCALL_VTL_CALL
#define HVCALL_VTL_CALL				0x0011
#endif
#ifndef HVCALL_VTL_RETURN
#define HVCALL_VTL_RETURN			0x0012
#endif
#ifndef HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX	0x0013
#endif
#ifndef HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX	0x0014
#endif
#ifndef HVCALL_GET_VP_REGISTERS
#define HVCALL_GET_VP_REGISTERS			0x0050
#endif
#ifndef HVCALL_SET_VP_REGISTERS
#define HVCALL_SET_VP_REGISTERS			0x0051
#endif

/* Hypercall control word (RCX on input) fields. */
#define HV_HYPERCALL_CODE_SHIFT		0
#define HV_HYPERCALL_CODE_MASK		0x000000000000FFFFULL
#define HV_HYPERCALL_FAST_SHIFT		16
#define HV_HYPERCALL_FAST_MASK		0x0000000000010000ULL
#define HV_HYPERCALL_VARHEAD_SHIFT	17
#ifndef HV_HYPERCALL_VARHEAD_MASK
#define HV_HYPERCALL_VARHEAD_MASK	0x0000000007FE0000ULL
#endif
#define HV_HYPERCALL_REP_COUNT_SHIFT	32
#define HV_HYPERCALL_REP_COUNT_MASK	0x00000FFF00000000ULL
#define HV_HYPERCALL_REP_START_SHIFT	48
#ifndef HV_HYPERCALL_REP_START_MASK
#define HV_HYPERCALL_REP_START_MASK	0x0FFF000000000000ULL
#endif
/* Hypercall result (RAX on output) fields. */
#define HV_HYPERCALL_STATUS_SHIFT	0
#define HV_HYPERCALL_STATUS_MASK	0x000000000000FFFFULL
#define HV_HYPERCALL_REPS_DONE_SHIFT	32
#define HV_HYPERCALL_REPS_DONE_MASK	0x00000FFF00000000ULL
/* Largest rep count and rep start the 12-bit fields hold. */
#define HV_HYPERCALL_REP_MAX		0xFFFU

/**
 * hv_hypercall_control() - build a hypercall control word
 * @code: hypercall code, e.g. HVCALL_SET_VP_REGISTERS
 * @varhead_qwords: size of the variable header in 8-byte units
 * @rep_count: number of reps (0 for a simple hypercall)
 * @rep_start: first rep to process
 *
 * Bits outside each field are dropped, so an oversized argument cannot
 * spill into a neighbouring field.
 *
 * Return: the value to load into RCX.
 */
static HEKI_INLINE __u64 hv_hypercall_control(__u16 code, __u64 varhead_qwords,
				       __u64 rep_count, __u64 rep_start)
{
	return (((__u64)code << HV_HYPERCALL_CODE_SHIFT) &
		HV_HYPERCALL_CODE_MASK) |
	       ((varhead_qwords << HV_HYPERCALL_VARHEAD_SHIFT) &
		HV_HYPERCALL_VARHEAD_MASK) |
	       ((rep_count << HV_HYPERCALL_REP_COUNT_SHIFT) &
		HV_HYPERCALL_REP_COUNT_MASK) |
	       ((rep_start << HV_HYPERCALL_REP_START_SHIFT) &
		HV_HYPERCALL_REP_START_MASK);
}

/**
 * hv_hypercall_status() - status field of a hypercall result
 * @result: RAX after the hypercall
 *
 * Return: the typed 16-bit status.
 */
static HEKI_INLINE hv_status_t hv_hypercall_status(__u64 result)
{
	return (__force hv_status_t)(__u16)(result & HV_HYPERCALL_STATUS_MASK);
}

/**
 * hv_hypercall_reps_done() - reps-completed field of a hypercall result
 * @result: RAX after the hypercall
 *
 * Return: number of reps the hypervisor completed (0..4095).
 */
static HEKI_INLINE __u32 hv_hypercall_reps_done(__u64 result)
{
	return (__u32)((result & HV_HYPERCALL_REPS_DONE_MASK) >>
		       HV_HYPERCALL_REPS_DONE_SHIFT);
}

/* ------------------------------------------------------------------ */
/* Partition, VP and VTL identifiers                                    */
/* ------------------------------------------------------------------ */

#ifndef HV_PARTITION_ID_SELF
#define HV_PARTITION_ID_SELF	0xFFFFFFFFFFFFFFFFULL
#endif
#ifndef HV_VP_INDEX_SELF
#define HV_VP_INDEX_SELF	0xFFFFFFFEU
#endif

/* The kernel's asm/mshyperv.h (6.12+) defines the same three values. */
#ifndef HV_VTL_NORMAL
#define HV_VTL_NORMAL		0	/* VTL0: the Linux guest */
#endif
#ifndef HV_VTL_SECURE
#define HV_VTL_SECURE		1	/* VTL1: the secure kernel */
#endif
#ifndef HV_VTL_MGMT
#define HV_VTL_MGMT		2
#endif
#define HV_NUM_VTLS		16	/* a VTL number is 4 bits */

/* ------------------------------------------------------------------ */
/* Register names (HvCallGet/SetVpRegisters)                            */
/* ------------------------------------------------------------------ */

#define HV_REGISTER_PENDING_EVENT0		0x00010004U
#define HV_REGISTER_RIP				0x00020010U
#define HV_REGISTER_CR0				0x00040000U
#define HV_REGISTER_CR4				0x00040003U
#define HV_REGISTER_LDTR			0x00060006U
#define HV_REGISTER_TR				0x00060007U
#define HV_REGISTER_IDTR			0x00070000U
#define HV_REGISTER_GDTR			0x00070001U
#define HV_REGISTER_EFER			0x00080001U
#define HV_REGISTER_APIC_BASE			0x00080003U
#define HV_REGISTER_SYSENTER_CS			0x00080005U
#define HV_REGISTER_SYSENTER_EIP		0x00080006U
#define HV_REGISTER_SYSENTER_ESP		0x00080007U
#define HV_REGISTER_STAR			0x00080008U
#define HV_REGISTER_LSTAR			0x00080009U
#define HV_REGISTER_CSTAR			0x0008000AU
#define HV_REGISTER_SFMASK			0x0008000BU
#define HV_REGISTER_VSM_CODEPAGE_OFFSETS	0x000D0002U
#ifndef HV_REGISTER_VSM_VP_STATUS
#define HV_REGISTER_VSM_VP_STATUS		0x000D0003U
#endif
#define HV_REGISTER_VSM_PARTITION_STATUS	0x000D0004U
#define HV_REGISTER_VSM_VINA			0x000D0005U
#define HV_REGISTER_VSM_CAPABILITIES		0x000D0006U
#define HV_REGISTER_VSM_PARTITION_CONFIG	0x000D0007U
#define HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0	0x000D0010U
#define HV_REGISTER_CR_INTERCEPT_CONTROL	0x000E0000U
#define HV_REGISTER_CR_INTERCEPT_CR0_MASK	0x000E0001U
#define HV_REGISTER_CR_INTERCEPT_CR4_MASK	0x000E0002U

/* Synthetic MSRs. */
#ifndef HV_X64_MSR_GUEST_OS_ID
#define HV_X64_MSR_GUEST_OS_ID		0x40000000
#endif
#ifndef HV_X64_MSR_HYPERCALL
#define HV_X64_MSR_HYPERCALL		0x40000001
#endif
#ifndef HV_X64_MSR_VP_INDEX
#define HV_X64_MSR_VP_INDEX		0x40000002
#endif
#ifndef HV_X64_MSR_VP_ASSIST_PAGE
#define HV_X64_MSR_VP_ASSIST_PAGE	0x40000073
#endif
#ifndef HV_X64_MSR_SCONTROL
#define HV_X64_MSR_SCONTROL		0x40000080
#endif
#ifndef HV_X64_MSR_SIEFP
#define HV_X64_MSR_SIEFP		0x40000082
#endif
#ifndef HV_X64_MSR_SIMP
#define HV_X64_MSR_SIMP			0x40000083
#endif
#ifndef HV_X64_MSR_SINT0
#define HV_X64_MSR_SINT0		0x40000090
#endif

/* ------------------------------------------------------------------ */
/* Register field accessors                                             */
/* ------------------------------------------------------------------ */

/**
 * heki_field_get() - extract a field from a register value
 * @reg: register value
 * @mask: field mask, in place
 * @shift: position of the field's least significant bit
 *
 * Return: the field value, shifted down to bit 0.
 */
static HEKI_INLINE __u64 heki_field_get(__u64 reg, __u64 mask, unsigned int shift)
{
	return (reg & mask) >> shift;
}

/**
 * heki_field_set() - replace a field in a register value
 * @reg: register value
 * @mask: field mask, in place
 * @shift: position of the field's least significant bit
 * @val: new field value; bits that do not fit the field are dropped
 *
 * Return: @reg with the field replaced.
 */
static HEKI_INLINE __u64 heki_field_set(__u64 reg, __u64 mask, unsigned int shift,
				 __u64 val)
{
	return (reg & ~mask) | ((val << shift) & mask);
}

/*
 * HEKI_REG_FIELD() defines <fn>() and <fn>_set() for the field whose
 * constants are <FIELD>_SHIFT and <FIELD>_MASK.
 */
#define HEKI_REG_FIELD(fn, FIELD)					\
	static HEKI_INLINE __u64 fn(__u64 reg)					\
	{								\
		return heki_field_get(reg, FIELD##_MASK, FIELD##_SHIFT);	\
	}								\
	static HEKI_INLINE __u64 fn##_set(__u64 reg, __u64 val)		\
	{								\
		return heki_field_set(reg, FIELD##_MASK, FIELD##_SHIFT, val); \
	}

/* HV_REGISTER_VSM_PARTITION_CONFIG (u64). */
#define HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION_SHIFT		0
#define HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION_MASK		0x0001ULL
#define HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK_SHIFT	1
#define HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK_MASK	0x001EULL
#define HV_VSM_PARTITION_CONFIG_ZERO_MEMORY_ON_RESET_SHIFT		5
#define HV_VSM_PARTITION_CONFIG_ZERO_MEMORY_ON_RESET_MASK		0x0020ULL
#define HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP_SHIFT		6
#define HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP_MASK		0x0040ULL
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_ACCEPTANCE_SHIFT		7
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_ACCEPTANCE_MASK		0x0080ULL
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_ENABLE_VTL_PROTECTION_SHIFT	8
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_ENABLE_VTL_PROTECTION_MASK	0x0100ULL
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_VP_STARTUP_SHIFT		9
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_VP_STARTUP_MASK		0x0200ULL
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_CPUID_UNIMPLEMENTED_SHIFT	10
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_CPUID_UNIMPLEMENTED_MASK	0x0400ULL
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_UNRECOVERABLE_EXCEPTION_SHIFT	11
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_UNRECOVERABLE_EXCEPTION_MASK	0x0800ULL
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_PAGE_SHIFT			12
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_PAGE_MASK			0x1000ULL
#define HV_VSM_PARTITION_CONFIG_RESERVED_MASK		0xFFFFFFFFFFFFE000ULL

HEKI_REG_FIELD(hv_vsm_partition_config_enable_vtl_protection,
	       HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION)
HEKI_REG_FIELD(hv_vsm_partition_config_default_vtl_protection_mask,
	       HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK)
HEKI_REG_FIELD(hv_vsm_partition_config_zero_memory_on_reset,
	       HV_VSM_PARTITION_CONFIG_ZERO_MEMORY_ON_RESET)
HEKI_REG_FIELD(hv_vsm_partition_config_deny_lower_vtl_startup,
	       HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP)
HEKI_REG_FIELD(hv_vsm_partition_config_intercept_acceptance,
	       HV_VSM_PARTITION_CONFIG_INTERCEPT_ACCEPTANCE)
HEKI_REG_FIELD(hv_vsm_partition_config_intercept_enable_vtl_protection,
	       HV_VSM_PARTITION_CONFIG_INTERCEPT_ENABLE_VTL_PROTECTION)
HEKI_REG_FIELD(hv_vsm_partition_config_intercept_vp_startup,
	       HV_VSM_PARTITION_CONFIG_INTERCEPT_VP_STARTUP)
HEKI_REG_FIELD(hv_vsm_partition_config_intercept_cpuid_unimplemented,
	       HV_VSM_PARTITION_CONFIG_INTERCEPT_CPUID_UNIMPLEMENTED)
HEKI_REG_FIELD(hv_vsm_partition_config_intercept_unrecoverable_exception,
	       HV_VSM_PARTITION_CONFIG_INTERCEPT_UNRECOVERABLE_EXCEPTION)
HEKI_REG_FIELD(hv_vsm_partition_config_intercept_page,
	       HV_VSM_PARTITION_CONFIG_INTERCEPT_PAGE)

/* HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL<n> (u64). */
#define HV_VSM_VP_SECURE_CONFIG_MBEC_ENABLED_SHIFT	0
#define HV_VSM_VP_SECURE_CONFIG_MBEC_ENABLED_MASK	0x1ULL
#define HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED_SHIFT	1
#define HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED_MASK		0x2ULL
#define HV_VSM_VP_SECURE_CONFIG_RESERVED_MASK		0xFFFFFFFFFFFFFFFCULL

HEKI_REG_FIELD(hv_vsm_vp_secure_config_mbec_enabled,
	       HV_VSM_VP_SECURE_CONFIG_MBEC_ENABLED)
HEKI_REG_FIELD(hv_vsm_vp_secure_config_tlb_locked,
	       HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED)

/* HV_REGISTER_VSM_CODEPAGE_OFFSETS (u64, read-only). */
#define HV_VSM_CODE_PAGE_OFFSETS_VTL_CALL_OFFSET_SHIFT		0
#define HV_VSM_CODE_PAGE_OFFSETS_VTL_CALL_OFFSET_MASK		0x000FFFULL
#define HV_VSM_CODE_PAGE_OFFSETS_VTL_RETURN_OFFSET_SHIFT	12
#define HV_VSM_CODE_PAGE_OFFSETS_VTL_RETURN_OFFSET_MASK		0xFFF000ULL

HEKI_REG_FIELD(hv_vsm_code_page_offsets_vtl_call_offset,
	       HV_VSM_CODE_PAGE_OFFSETS_VTL_CALL_OFFSET)
HEKI_REG_FIELD(hv_vsm_code_page_offsets_vtl_return_offset,
	       HV_VSM_CODE_PAGE_OFFSETS_VTL_RETURN_OFFSET)

/* HV_REGISTER_VSM_PARTITION_STATUS (u64, read-only). */
#define HV_VSM_PARTITION_STATUS_ENABLED_VTL_SET_SHIFT		0
#define HV_VSM_PARTITION_STATUS_ENABLED_VTL_SET_MASK		0x000000000FFFFULL
#define HV_VSM_PARTITION_STATUS_MAXIMUM_VTL_SHIFT		16
#define HV_VSM_PARTITION_STATUS_MAXIMUM_VTL_MASK		0x00000000F0000ULL
#define HV_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_SHIFT	20
#define HV_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_MASK	0x0000FFFF00000ULL
#define HV_VSM_PARTITION_STATUS_SSS_ENABLED_VTL_SET_SHIFT	36
#define HV_VSM_PARTITION_STATUS_SSS_ENABLED_VTL_SET_MASK	0x000F000000000ULL

HEKI_REG_FIELD(hv_vsm_partition_status_enabled_vtl_set,
	       HV_VSM_PARTITION_STATUS_ENABLED_VTL_SET)
HEKI_REG_FIELD(hv_vsm_partition_status_maximum_vtl,
	       HV_VSM_PARTITION_STATUS_MAXIMUM_VTL)
HEKI_REG_FIELD(hv_vsm_partition_status_mbec_enabled_vtl_set,
	       HV_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET)
HEKI_REG_FIELD(hv_vsm_partition_status_sss_enabled_vtl_set,
	       HV_VSM_PARTITION_STATUS_SSS_ENABLED_VTL_SET)

/* HV_REGISTER_VSM_VP_STATUS (u64, read-only, per VP). */
#define HV_VSM_VP_STATUS_ACTIVE_VTL_SHIFT		0
#define HV_VSM_VP_STATUS_ACTIVE_VTL_MASK		0x0000000FULL
#define HV_VSM_VP_STATUS_ACTIVE_MBEC_ENABLED_SHIFT	4
#define HV_VSM_VP_STATUS_ACTIVE_MBEC_ENABLED_MASK	0x00000010ULL
#define HV_VSM_VP_STATUS_ENABLED_VTL_SET_SHIFT		16
#define HV_VSM_VP_STATUS_ENABLED_VTL_SET_MASK		0xFFFF0000ULL

HEKI_REG_FIELD(hv_vsm_vp_status_active_vtl, HV_VSM_VP_STATUS_ACTIVE_VTL)
HEKI_REG_FIELD(hv_vsm_vp_status_active_mbec_enabled,
	       HV_VSM_VP_STATUS_ACTIVE_MBEC_ENABLED)
HEKI_REG_FIELD(hv_vsm_vp_status_enabled_vtl_set,
	       HV_VSM_VP_STATUS_ENABLED_VTL_SET)

/* HV_REGISTER_PENDING_EVENT0 as a pending exception (u64). */
#define HV_PENDING_EXCEPTION_EVENT_PENDING_SHIFT	0
#define HV_PENDING_EXCEPTION_EVENT_PENDING_MASK		0x0000000000000001ULL
#define HV_PENDING_EXCEPTION_EVENT_TYPE_SHIFT		1
#define HV_PENDING_EXCEPTION_EVENT_TYPE_MASK		0x000000000000000EULL
#define HV_PENDING_EXCEPTION_DELIVER_ERROR_CODE_SHIFT	8
#define HV_PENDING_EXCEPTION_DELIVER_ERROR_CODE_MASK	0x0000000000000100ULL
#define HV_PENDING_EXCEPTION_VECTOR_SHIFT		16
#define HV_PENDING_EXCEPTION_VECTOR_MASK		0x00000000FFFF0000ULL
#define HV_PENDING_EXCEPTION_ERROR_CODE_SHIFT		32
#define HV_PENDING_EXCEPTION_ERROR_CODE_MASK		0xFFFFFFFF00000000ULL
#define HV_PENDING_EVENT_TYPE_EXCEPTION			0
#define HV_X86_VECTOR_GP				13

HEKI_REG_FIELD(hv_pending_exception_event_pending,
	       HV_PENDING_EXCEPTION_EVENT_PENDING)
HEKI_REG_FIELD(hv_pending_exception_event_type,
	       HV_PENDING_EXCEPTION_EVENT_TYPE)
HEKI_REG_FIELD(hv_pending_exception_deliver_error_code,
	       HV_PENDING_EXCEPTION_DELIVER_ERROR_CODE)
HEKI_REG_FIELD(hv_pending_exception_vector, HV_PENDING_EXCEPTION_VECTOR)
HEKI_REG_FIELD(hv_pending_exception_error_code,
	       HV_PENDING_EXCEPTION_ERROR_CODE)

/**
 * hv_pending_exception_gp() - PENDING_EVENT0 value that injects #GP(0)
 *
 * Return: event pending, type exception, error code delivered, vector 13,
 * error code 0 - the value LiteBox writes to refuse a register write.
 */
static HEKI_INLINE __u64 hv_pending_exception_gp(void)
{
	__u64 v = 0;

	v = hv_pending_exception_event_pending_set(v, 1);
	v = hv_pending_exception_event_type_set(v,
						HV_PENDING_EVENT_TYPE_EXCEPTION);
	v = hv_pending_exception_deliver_error_code_set(v, 1);
	v = hv_pending_exception_vector_set(v, HV_X86_VECTOR_GP);
	return hv_pending_exception_error_code_set(v, 0);
}

/* HV_X64_MSR_SINT<n> (u64). */
#define HV_SYNIC_SINT_VECTOR_SHIFT	0
#ifndef HV_SYNIC_SINT_VECTOR_MASK
#define HV_SYNIC_SINT_VECTOR_MASK	0x000FFULL
#endif
#define HV_SYNIC_SINT_MASKED_SHIFT	16
#define HV_SYNIC_SINT_MASKED_MASK	0x10000ULL
#define HV_SYNIC_SINT_AUTO_EOI_SHIFT	17
#define HV_SYNIC_SINT_AUTO_EOI_MASK	0x20000ULL
#define HV_SYNIC_SINT_POLLING_SHIFT	18
#define HV_SYNIC_SINT_POLLING_MASK	0x40000ULL

HEKI_REG_FIELD(hv_synic_sint_vector, HV_SYNIC_SINT_VECTOR)
HEKI_REG_FIELD(hv_synic_sint_masked, HV_SYNIC_SINT_MASKED)
HEKI_REG_FIELD(hv_synic_sint_auto_eoi, HV_SYNIC_SINT_AUTO_EOI)
HEKI_REG_FIELD(hv_synic_sint_polling, HV_SYNIC_SINT_POLLING)

/* HvInputVtl (u8): which VTL a hypercall targets. */
#define HV_INPUT_VTL_TARGET_VTL_SHIFT		0
#define HV_INPUT_VTL_TARGET_VTL_MASK		0x0FU
#define HV_INPUT_VTL_USE_TARGET_VTL_SHIFT	4
#define HV_INPUT_VTL_USE_TARGET_VTL_MASK	0x10U
#define HV_INPUT_VTL_RESERVED_MASK		0xE0U

/**
 * hv_input_vtl() - build an HvInputVtl byte
 * @target_vtl: VTL number (0..15; higher bits are dropped)
 * @use_target_vtl: non-zero to address @target_vtl, zero for "current"
 *
 * Return: the encoded byte.
 */
static HEKI_INLINE __u8 hv_input_vtl(__u8 target_vtl, int use_target_vtl)
{
	return (__u8)(((target_vtl << HV_INPUT_VTL_TARGET_VTL_SHIFT) &
		       HV_INPUT_VTL_TARGET_VTL_MASK) |
		      (use_target_vtl ? HV_INPUT_VTL_USE_TARGET_VTL_MASK : 0));
}

/**
 * hv_input_vtl_current() - HvInputVtl meaning "the caller's VTL"
 *
 * Return: 0 (use_target_vtl clear).
 */
static HEKI_INLINE __u8 hv_input_vtl_current(void)
{
	return hv_input_vtl(0, 0);
}

/**
 * hv_input_vtl_target() - target VTL field of an HvInputVtl byte
 * @input_vtl: encoded byte
 *
 * Return: bits 0..3.
 */
static HEKI_INLINE __u8 hv_input_vtl_target(__u8 input_vtl)
{
	return (__u8)((input_vtl & HV_INPUT_VTL_TARGET_VTL_MASK) >>
		      HV_INPUT_VTL_TARGET_VTL_SHIFT);
}

/**
 * hv_input_vtl_use_target() - use_target_vtl bit of an HvInputVtl byte
 * @input_vtl: encoded byte
 *
 * Return: 1 if set, else 0.
 */
static HEKI_INLINE int hv_input_vtl_use_target(__u8 input_vtl)
{
	return (input_vtl & HV_INPUT_VTL_USE_TARGET_VTL_MASK) != 0;
}

/* ------------------------------------------------------------------ */
/* VTL page protection flags (HvCallModifyVtlProtectionMask)            */
/* ------------------------------------------------------------------ */

/**
 * typedef hv_page_prot_t - VTL page protection flags
 *
 * HV_PAGE_* bits of HvCallModifyVtlProtectionMask. LiteBox keeps these in a
 * u8; the hypercall input field is a u32.
 */
typedef __u32 __bitwise hv_page_prot_t;

#define HV_PAGE_ACCESS_NONE		((__force hv_page_prot_t)0x0U)
#define HV_PAGE_READABLE		((__force hv_page_prot_t)0x1U)
#define HV_PAGE_WRITABLE		((__force hv_page_prot_t)0x2U)
#define HV_PAGE_KERNEL_EXECUTABLE	((__force hv_page_prot_t)0x4U)
#define HV_PAGE_USER_EXECUTABLE		((__force hv_page_prot_t)0x8U)
#define HV_PAGE_EXECUTABLE		((__force hv_page_prot_t)0xCU)
#define HV_PAGE_FULL_ACCESS		((__force hv_page_prot_t)0xFU)

/**
 * hv_page_prot_raw() - plain value of protection flags
 * @prot: typed flags
 *
 * Return: the value for the hypercall's map_flags field.
 */
static HEKI_INLINE __u32 hv_page_prot_raw(hv_page_prot_t prot)
{
	return (__force __u32)prot;
}

/* ------------------------------------------------------------------ */
/* CR0 / CR4 bits and the pin masks                                     */
/* ------------------------------------------------------------------ */

#ifndef X86_CR0_PE
#define X86_CR0_PE	0x00000001ULL
#endif
#ifndef X86_CR0_MP
#define X86_CR0_MP	0x00000002ULL
#endif
#ifndef X86_CR0_EM
#define X86_CR0_EM	0x00000004ULL
#endif
#ifndef X86_CR0_TS
#define X86_CR0_TS	0x00000008ULL
#endif
#ifndef X86_CR0_ET
#define X86_CR0_ET	0x00000010ULL
#endif
#ifndef X86_CR0_NE
#define X86_CR0_NE	0x00000020ULL
#endif
#ifndef X86_CR0_WP
#define X86_CR0_WP	0x00010000ULL
#endif
#ifndef X86_CR0_AM
#define X86_CR0_AM	0x00040000ULL
#endif
#ifndef X86_CR0_NW
#define X86_CR0_NW	0x20000000ULL
#endif
#ifndef X86_CR0_CD
#define X86_CR0_CD	0x40000000ULL
#endif
#ifndef X86_CR0_PG
#define X86_CR0_PG	0x80000000ULL
#endif

#ifndef X86_CR4_VME
#define X86_CR4_VME		0x00000001ULL
#endif
#ifndef X86_CR4_PVI
#define X86_CR4_PVI		0x00000002ULL
#endif
#ifndef X86_CR4_TSD
#define X86_CR4_TSD		0x00000004ULL
#endif
#ifndef X86_CR4_DE
#define X86_CR4_DE		0x00000008ULL
#endif
#ifndef X86_CR4_PSE
#define X86_CR4_PSE		0x00000010ULL
#endif
#ifndef X86_CR4_PAE
#define X86_CR4_PAE		0x00000020ULL
#endif
#ifndef X86_CR4_MCE
#define X86_CR4_MCE		0x00000040ULL
#endif
#ifndef X86_CR4_PGE
#define X86_CR4_PGE		0x00000080ULL
#endif
#ifndef X86_CR4_PCE
#define X86_CR4_PCE		0x00000100ULL
#endif
#ifndef X86_CR4_OSFXSR
#define X86_CR4_OSFXSR		0x00000200ULL
#endif
#ifndef X86_CR4_OSXMMEXCPT
#define X86_CR4_OSXMMEXCPT	0x00000400ULL
#endif
#ifndef X86_CR4_UMIP
#define X86_CR4_UMIP		0x00000800ULL
#endif
#ifndef X86_CR4_LA57
#define X86_CR4_LA57		0x00001000ULL
#endif
#ifndef X86_CR4_VMXE
#define X86_CR4_VMXE		0x00002000ULL
#endif
#ifndef X86_CR4_SMXE
#define X86_CR4_SMXE		0x00004000ULL
#endif
#ifndef X86_CR4_FSGBASE
#define X86_CR4_FSGBASE		0x00010000ULL
#endif
#ifndef X86_CR4_PCIDE
#define X86_CR4_PCIDE		0x00020000ULL
#endif
#ifndef X86_CR4_OSXSAVE
#define X86_CR4_OSXSAVE		0x00040000ULL
#endif
#ifndef X86_CR4_SMEP
#define X86_CR4_SMEP		0x00100000ULL
#endif
#ifndef X86_CR4_SMAP
#define X86_CR4_SMAP		0x00200000ULL
#endif
#ifndef X86_CR4_PKE
#define X86_CR4_PKE		0x00400000ULL
#endif

/* CR0 bits VTL0 may not change once LockRegs ran: PE | WP | PG. */
#define CR0_PIN_MASK	0x0000000080010001ULL
/* CR4 bits VTL0 may not change: all of the low 32 but MCE, PGE, PCE, VMXE. */
#define CR4_PIN_MASK	0x00000000FFFFDE3FULL

/* ------------------------------------------------------------------ */
/* CR intercept control (HV_REGISTER_CR_INTERCEPT_CONTROL, u64)         */
/* ------------------------------------------------------------------ */

#define HV_CR_INTERCEPT_CR0_WRITE			(1ULL << 0)
#define HV_CR_INTERCEPT_CR4_WRITE			(1ULL << 1)
#define HV_CR_INTERCEPT_XCR0_WRITE			(1ULL << 2)
#define HV_CR_INTERCEPT_IA32MISCENABLE_READ		(1ULL << 3)
#define HV_CR_INTERCEPT_IA32MISCENABLE_WRITE		(1ULL << 4)
#define HV_CR_INTERCEPT_MSR_LSTAR_READ			(1ULL << 5)
#define HV_CR_INTERCEPT_MSR_LSTAR_WRITE			(1ULL << 6)
#define HV_CR_INTERCEPT_MSR_STAR_READ			(1ULL << 7)
#define HV_CR_INTERCEPT_MSR_STAR_WRITE			(1ULL << 8)
#define HV_CR_INTERCEPT_MSR_CSTAR_READ			(1ULL << 9)
#define HV_CR_INTERCEPT_MSR_CSTAR_WRITE			(1ULL << 10)
#define HV_CR_INTERCEPT_MSR_APIC_BASE_READ		(1ULL << 11)
#define HV_CR_INTERCEPT_MSR_APIC_BASE_WRITE		(1ULL << 12)
#define HV_CR_INTERCEPT_MSR_EFER_READ			(1ULL << 13)
#define HV_CR_INTERCEPT_MSR_EFER_WRITE			(1ULL << 14)
#define HV_CR_INTERCEPT_GDTR_WRITE			(1ULL << 15)
#define HV_CR_INTERCEPT_IDTR_WRITE			(1ULL << 16)
#define HV_CR_INTERCEPT_LDTR_WRITE			(1ULL << 17)
#define HV_CR_INTERCEPT_TR_WRITE			(1ULL << 18)
#define HV_CR_INTERCEPT_MSR_SYSENTER_CS_WRITE		(1ULL << 19)
#define HV_CR_INTERCEPT_MSR_SYSENTER_EIP_WRITE		(1ULL << 20)
#define HV_CR_INTERCEPT_MSR_SYSENTER_ESP_WRITE		(1ULL << 21)
#define HV_CR_INTERCEPT_MSR_SFMASK_WRITE		(1ULL << 22)
#define HV_CR_INTERCEPT_MSR_TSC_AUX_WRITE		(1ULL << 23)
#define HV_CR_INTERCEPT_MSR_SGX_LAUNCH_CTRL_WRITE	(1ULL << 24)

/* The intercepts LockRegs installs on each VP (LiteBox: 0x7FD543). */
#define HV_CR_INTERCEPT_LOCK_REGS_MASK	0x00000000007FD543ULL

HEKI_ABI_ASSERT(HV_CR_INTERCEPT_LOCK_REGS_MASK ==
		(HV_CR_INTERCEPT_CR0_WRITE | HV_CR_INTERCEPT_CR4_WRITE |
		 HV_CR_INTERCEPT_MSR_LSTAR_WRITE |
		 HV_CR_INTERCEPT_MSR_STAR_WRITE |
		 HV_CR_INTERCEPT_MSR_CSTAR_WRITE |
		 HV_CR_INTERCEPT_MSR_APIC_BASE_WRITE |
		 HV_CR_INTERCEPT_MSR_EFER_WRITE | HV_CR_INTERCEPT_GDTR_WRITE |
		 HV_CR_INTERCEPT_IDTR_WRITE | HV_CR_INTERCEPT_LDTR_WRITE |
		 HV_CR_INTERCEPT_TR_WRITE |
		 HV_CR_INTERCEPT_MSR_SYSENTER_CS_WRITE |
		 HV_CR_INTERCEPT_MSR_SYSENTER_EIP_WRITE |
		 HV_CR_INTERCEPT_MSR_SYSENTER_ESP_WRITE |
		 HV_CR_INTERCEPT_MSR_SFMASK_WRITE));

/* ------------------------------------------------------------------ */
/* Architectural MSRs the register-intercept path decodes               */
/* ------------------------------------------------------------------ */

#ifndef MSR_IA32_APICBASE
#define MSR_IA32_APICBASE	0x0000001b
#endif
#ifndef MSR_IA32_SYSENTER_CS
#define MSR_IA32_SYSENTER_CS	0x00000174
#endif
#ifndef MSR_IA32_SYSENTER_ESP
#define MSR_IA32_SYSENTER_ESP	0x00000175
#endif
#ifndef MSR_IA32_SYSENTER_EIP
#define MSR_IA32_SYSENTER_EIP	0x00000176
#endif
#ifndef MSR_EFER
#define MSR_EFER		0xc0000080
#endif
#ifndef MSR_STAR
#define MSR_STAR		0xc0000081
#endif
#ifndef MSR_LSTAR
#define MSR_LSTAR		0xc0000082
#endif
#ifndef MSR_CSTAR
#define MSR_CSTAR		0xc0000083
#endif
/* LiteBox 3cc745cc has 0x84 here (vtl1-litebox.md 7.9); this is correct. */
#ifndef MSR_SYSCALL_MASK
#define MSR_SYSCALL_MASK	0xc0000084
#endif

/* ------------------------------------------------------------------ */
/* SynIC messages VTL1 receives on SINT0                                */
/* ------------------------------------------------------------------ */

#define HV_MESSAGE_TYPE_NONE				0x00000000U
#define HV_MESSAGE_TYPE_UNMAPPED_GPA			0x80000000U
#define HV_MESSAGE_TYPE_GPA_INTERCEPT			0x80000001U
#define HV_MESSAGE_TYPE_TIMER_EXPIRED			0x80000010U
#define HV_MESSAGE_TYPE_INVALID_VP_REGISTER_VALUE	0x80000020U
#define HV_MESSAGE_TYPE_UNRECOVERABLE_EXCEPTION		0x80000021U
#define HV_MESSAGE_TYPE_UNSUPPORTED_FEATURE		0x80000022U
#define HV_MESSAGE_TYPE_EVENT_LOG_BUFFER_COMPLETE	0x80000040U
#define HV_MESSAGE_TYPE_IO_PORT_INTERCEPT		0x80010000U
#define HV_MESSAGE_TYPE_MSR_INTERCEPT			0x80010001U
#define HV_MESSAGE_TYPE_CPUID_INTERCEPT			0x80010002U
#define HV_MESSAGE_TYPE_EXCEPTION_INTERCEPT		0x80010003U
#define HV_MESSAGE_TYPE_APIC_EOI			0x80010004U
#define HV_MESSAGE_TYPE_LEGACY_FP_ERROR			0x80010005U
#define HV_MESSAGE_TYPE_REGISTER_INTERCEPT		0x80010006U

/* Flags of HvCallFlushVirtualAddressSpace/ListEx. */
#ifndef HV_FLUSH_ALL_PROCESSORS
#define HV_FLUSH_ALL_PROCESSORS			0x1ULL
#endif
#ifndef HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES
#define HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES	0x2ULL
#endif
#ifndef HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY
#define HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY	0x4ULL
#endif
#ifndef HV_GENERIC_SET_SPARSE_4K
#define HV_GENERIC_SET_SPARSE_4K		0
#endif

#endif /* _UAPI_HEKI_HV_H */

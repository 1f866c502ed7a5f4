/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: the VSM VTL call.
 *
 * VTL0 enters VTL1 with the function ID in RDI and up to three arguments
 * in RSI, RDX and R8. VTL1 answers in R8 with a signed 64-bit result:
 * >= 0 is success (0, or a token for VALIDATE_MODULE), < 0 is -errno
 * (HEKI_E* numbers). Only the low 32 bits of RDI select the function.
 */
#ifndef _UAPI_HEKI_VSM_H
#define _UAPI_HEKI_VSM_H

#include "types.h"
#include "errors.h"

/**
 * typedef vsm_func_id_t - a VSM function ID, the low 32 bits of RDI
 *
 * One VSM_VTL_CALL_FUNC_ID_* value (VSM_VTL_CALL_FUNC_LIST).
 */
typedef __u32 __bitwise vsm_func_id_t;

/* X(name, value): every VTL call function ID, written once. */
#define VSM_VTL_CALL_FUNC_LIST(X)				\
	X(ENABLE_APS_VTL, 0x1FFE0)				\
	X(BOOT_APS, 0x1FFE1)					\
	X(LOCK_REGS, 0x1FFE2)					\
	X(SIGNAL_END_OF_BOOT, 0x1FFE3)				\
	X(PROTECT_MEMORY, 0x1FFE4)				\
	X(LOAD_KDATA, 0x1FFE5)					\
	X(VALIDATE_MODULE, 0x1FFE6)				\
	X(FREE_MODULE_INIT, 0x1FFE7)				\
	X(UNLOAD_MODULE, 0x1FFE8)				\
	X(COPY_SECONDARY_KEY, 0x1FFE9)				\
	X(KEXEC_VALIDATE, 0x1FFEA)				\
	X(PATCH_TEXT, 0x1FFEB)					\
	X(ALLOCATE_RINGBUFFER_MEMORY, 0x1FFEC)			\
	X(OPTEE_MESSAGE, 0x1FFF0)

#define VSM_FUNC_VALUE_ENUM_(name, value) VSM_VTL_CALL_FUNC_ID_##name##_VALUE = (value),
/* Plain values VSM_VTL_CALL_FUNC_ID_<NAME>_VALUE, for case labels. */
enum vsm_vtl_call_func_value {
	VSM_VTL_CALL_FUNC_LIST(VSM_FUNC_VALUE_ENUM_)
};
#undef VSM_FUNC_VALUE_ENUM_

#define VSM_FUNC_INDEX_ENUM_(name, value) VSM_VTL_CALL_FUNC_INDEX_##name,
/* Position of each function in the list; VSM_VTL_CALL_FUNC_COUNT = size. */
enum vsm_vtl_call_func_index {
	VSM_VTL_CALL_FUNC_LIST(VSM_FUNC_INDEX_ENUM_)
	VSM_VTL_CALL_FUNC_COUNT
};
#undef VSM_FUNC_INDEX_ENUM_

/* Typed constant VSM_VTL_CALL_FUNC_ID_<NAME> from the list. */
#define VSM_FUNC_ID_C(name) ((__force vsm_func_id_t)VSM_VTL_CALL_FUNC_ID_##name##_VALUE)

#define VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL	VSM_FUNC_ID_C(ENABLE_APS_VTL)
#define VSM_VTL_CALL_FUNC_ID_BOOT_APS		VSM_FUNC_ID_C(BOOT_APS)
#define VSM_VTL_CALL_FUNC_ID_LOCK_REGS		VSM_FUNC_ID_C(LOCK_REGS)
#define VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT	VSM_FUNC_ID_C(SIGNAL_END_OF_BOOT)
#define VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY	VSM_FUNC_ID_C(PROTECT_MEMORY)
#define VSM_VTL_CALL_FUNC_ID_LOAD_KDATA		VSM_FUNC_ID_C(LOAD_KDATA)
#define VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE	VSM_FUNC_ID_C(VALIDATE_MODULE)
#define VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT	VSM_FUNC_ID_C(FREE_MODULE_INIT)
#define VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE	VSM_FUNC_ID_C(UNLOAD_MODULE)
#define VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY	VSM_FUNC_ID_C(COPY_SECONDARY_KEY)
#define VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE	VSM_FUNC_ID_C(KEXEC_VALIDATE)
#define VSM_VTL_CALL_FUNC_ID_PATCH_TEXT		VSM_FUNC_ID_C(PATCH_TEXT)
#define VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY \
	VSM_FUNC_ID_C(ALLOCATE_RINGBUFFER_MEMORY)
#define VSM_VTL_CALL_FUNC_ID_OPTEE_MESSAGE	VSM_FUNC_ID_C(OPTEE_MESSAGE)

/**
 * vsm_func_id_raw() - plain value of a function ID
 * @id: typed ID
 *
 * Return: the 32-bit value to place in RDI.
 */
static HEKI_INLINE __u32 vsm_func_id_raw(vsm_func_id_t id)
{
	return (__force __u32)id;
}

#define VSM_FUNC_ROW_(name, value) { (value), "VSM_VTL_CALL_FUNC_ID_" #name },
/**
 * vsm_func_id_name() - symbolic name of a function ID
 * @id: function ID
 *
 * Return: "VSM_VTL_CALL_FUNC_ID_<NAME>", or NULL for an unknown ID.
 */
static HEKI_INLINE const char *vsm_func_id_name(vsm_func_id_t id)
{
	static const struct heki_name_desc rows[] = {
		VSM_VTL_CALL_FUNC_LIST(VSM_FUNC_ROW_)
	};

	return heki_name_lookup(rows, HEKI_ARRAY_SIZE(rows), (__force __u32)id);
}
#undef VSM_FUNC_ROW_

/**
 * vsm_func_id_known() - whether a function ID is in the list
 * @id: function ID
 *
 * Return: 1 for an ID in VSM_VTL_CALL_FUNC_LIST, else 0.
 */
static HEKI_INLINE int vsm_func_id_known(vsm_func_id_t id)
{
	return vsm_func_id_name(id) != NULL;
}

/* ------------------------------------------------------------------ */
/* Register contract                                                    */
/* ------------------------------------------------------------------ */

/* Number of parameter registers of a VTL call: RDI, RSI, RDX, R8. */
#define NUM_VTLCALL_PARAMS	4

/**
 * struct heki_vtlcall_regs - the four VTL call registers
 * @rdi: [in] function ID in bits 0..31 (bits 32..63 are ignored)
 * @rsi: [in] first argument
 * @rdx: [in] second argument
 * @r8: [in] third argument; [out] result (see heki_vtlcall_result_*())
 *
 * Not a memory layout VTL0 sends; the order is the parameter order
 * LiteBox's dispatcher receives (params[0..3]).
 */
struct heki_vtlcall_regs {
	__u64 rdi;
	__u64 rsi;
	__u64 rdx;
	__u64 r8;
};

HEKI_ABI_ASSERT(sizeof(struct heki_vtlcall_regs) == 32);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_vtlcall_regs, rdi) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_vtlcall_regs, rsi) == 8);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_vtlcall_regs, rdx) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_vtlcall_regs, r8) == 24);
HEKI_ABI_ASSERT(sizeof(struct heki_vtlcall_regs) == NUM_VTLCALL_PARAMS * 8);

/* Index of each register in LiteBox's params[] array. */
#define HEKI_VTLCALL_PARAM_RDI	0
#define HEKI_VTLCALL_PARAM_RSI	1
#define HEKI_VTLCALL_PARAM_RDX	2
#define HEKI_VTLCALL_PARAM_R8	3

/**
 * heki_vtlcall_func() - function ID carried in RDI
 * @rdi: the RDI value VTL0 passed
 *
 * Return: the low 32 bits as a typed function ID.
 */
static HEKI_INLINE vsm_func_id_t heki_vtlcall_func(__u64 rdi)
{
	return (__force vsm_func_id_t)(__u32)(rdi & 0xFFFFFFFFULL);
}

/**
 * heki_vtlcall_result_is_error() - whether an R8 result is a failure
 * @r8: R8 after the call
 *
 * Return: 1 if R8, read as signed, is negative.
 */
static HEKI_INLINE int heki_vtlcall_result_is_error(__u64 r8)
{
	return (__s64)r8 < 0;
}

/**
 * heki_vtlcall_result_errno() - errno carried by an R8 result
 * @r8: R8 after the call
 *
 * Return: the positive errno of a failure, 0 on success. A negative value
 * below -4095 is not a valid errno and is reported as HEKI_EIO.
 */
static HEKI_INLINE int heki_vtlcall_result_errno(__u64 r8)
{
	__s64 v = (__s64)r8;

	if (v >= 0)
		return 0;
	if (v < -4095)
		return HEKI_EIO;
	return (int)-v;
}

/**
 * heki_vtlcall_result_from_errno() - R8 value for a failure
 * @err: positive errno (HEKI_E*)
 *
 * Return: -err as the 64-bit two's complement pattern VTL1 writes to R8.
 */
static HEKI_INLINE __u64 heki_vtlcall_result_from_errno(int err)
{
	return (__u64)-(__s64)err;
}

/**
 * heki_vtlcall_result_from_vsm_error() - R8 value for a VSM error
 * @e: error code (HEKI_VSM_OK gives 0)
 *
 * Return: 0 or -errno as a 64-bit pattern.
 */
static HEKI_INLINE __u64 heki_vtlcall_result_from_vsm_error(enum heki_vsm_error e)
{
	return heki_vtlcall_result_from_errno(heki_vsm_error_errno(e));
}

/*
 * VALIDATE_MODULE returns a token >= 0 in R8. The LVBS VTL0 stub
 * truncates R8 to int, so a token must stay below 2^31 to survive it.
 */
#define HEKI_MODULE_TOKEN_MAX		0x7FFFFFFFLL

/* VALIDATE_MODULE's third argument (R8); LiteBox ignores it. */
#define HEKI_VALIDATE_MODULE_FLAGS_NONE	0ULL
/* KEXEC_VALIDATE's third argument (R8): non-zero selects crash kexec. */
#define HEKI_KEXEC_VALIDATE_NORMAL	0ULL
#define HEKI_KEXEC_VALIDATE_CRASH	1ULL

/* ------------------------------------------------------------------ */
/* VTL entry                                                            */
/* ------------------------------------------------------------------ */

/* Why VTL1 was entered: a u32 at this offset of the VP assist page. */
#define HV_VP_ASSIST_PAGE_VTL_ENTRY_REASON_OFFSET	8
#define VTL_ENTRY_REASON_RESERVED		0U
#define VTL_ENTRY_REASON_LOWER_VTL_CALL		1U
#define VTL_ENTRY_REASON_INTERRUPT		2U

/* ------------------------------------------------------------------ */
/* BOOT_APS: CPU mask and boot-signal page                              */
/* ------------------------------------------------------------------ */

/* BOOT_APS writes this byte at boot_signal[cpu] for each started CPU. */
#define HV_SECURE_VTL_BOOT_TOKEN	0xDC

/* CPUs a struct heki_cpu_mask can name (LiteBox MAX_CORES). */
#define HEKI_CPU_MASK_MAX_CPUS		128
#define HEKI_CPU_MASK_WORDS		(HEKI_CPU_MASK_MAX_CPUS / 64)

/**
 * struct heki_cpu_mask - online CPUs, read from offset 0 of a VTL0 page
 * @bits: CPU n is bit (n % 64) of word (n / 64)
 *
 * BOOT_APS passes the page frame number of the page holding it in RSI.
 */
struct heki_cpu_mask {
	__u64 bits[HEKI_CPU_MASK_WORDS];
};

HEKI_ABI_ASSERT(sizeof(struct heki_cpu_mask) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_cpu_mask, bits) == 0);

/**
 * heki_cpu_mask_test() - whether a CPU is set in a mask
 * @mask: the mask
 * @cpu: CPU number; values >= HEKI_CPU_MASK_MAX_CPUS are never set
 *
 * Return: 1 if set, else 0.
 */
static HEKI_INLINE int heki_cpu_mask_test(const struct heki_cpu_mask *mask,
				   __u32 cpu)
{
	if (cpu >= HEKI_CPU_MASK_MAX_CPUS)
		return 0;
	return (mask->bits[cpu / 64] >> (cpu % 64)) & 1;
}

/**
 * heki_cpu_mask_set() - set a CPU in a mask
 * @mask: the mask
 * @cpu: CPU number
 *
 * Return: 0, or -HEKI_ERANGE if @cpu does not fit the mask.
 */
static HEKI_INLINE int heki_cpu_mask_set(struct heki_cpu_mask *mask, __u32 cpu)
{
	if (cpu >= HEKI_CPU_MASK_MAX_CPUS)
		return -HEKI_ERANGE;
	mask->bits[cpu / 64] |= 1ULL << (cpu % 64);
	return 0;
}

/* The boot-signal page: one byte per CPU number, a whole 4 KiB page. */
#define HEKI_BOOT_SIGNAL_PAGE_SIZE	4096
#define HEKI_BOOT_SIGNAL_MAX_CPUS	HEKI_BOOT_SIGNAL_PAGE_SIZE

#endif /* _UAPI_HEKI_VSM_H */

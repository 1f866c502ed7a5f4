/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: ranges, the page chain and the attribute namespaces.
 *
 * Bulk requests (PROTECT_MEMORY, LOAD_KDATA, VALIDATE_MODULE,
 * KEXEC_VALIDATE) pass RSI = physical address of the first struct
 * heki_page and RDX = total number of ranges. Each page holds up to
 * HEKI_MAX_RANGES ranges and links to the next page by next_pa.
 *
 * The meaning of heki_range.attributes depends on the call; the four
 * meanings are four distinct sparse types with explicit accessors:
 *
 *   PROTECT_MEMORY   heki_mem_attr_t      MEM_ATTR_* bits
 *   LOAD_KDATA       heki_kdata_type_t    HEKI_KDATA_*
 *   VALIDATE_MODULE  heki_mod_mem_type_t  HEKI_MOD_MEM_*
 *   KEXEC_VALIDATE   heki_kexec_type_t    HEKI_KEXEC_*
 */
#ifndef _UAPI_HEKI_HEKI_H
#define _UAPI_HEKI_HEKI_H

#include "types.h"
#include "hv.h"

/* Page geometry of the wire format (not the kernel's PAGE_SIZE). */
#define HEKI_PAGE_SHIFT		12
#define HEKI_PAGE_SIZE		(1 << HEKI_PAGE_SHIFT)
#define HEKI_PAGE_OFFSET_MASK	((1ULL << HEKI_PAGE_SHIFT) - 1)

/* Largest module image VALIDATE_MODULE accepts: 64 MiB. */
#define MODULE_VALIDATION_MAX_SIZE	0x4000000ULL

/* Physical addresses are below 2^52; bits 52..63 must be zero. */
#define HEKI_PA_LIMIT		(1ULL << 52)

/**
 * struct heki_range - one contiguous range of VTL0 memory
 * @va: VTL0 kernel virtual address of the first byte (canonical)
 * @pa: guest physical address of the first byte (< HEKI_PA_LIMIT)
 * @epa: guest physical address one past the last byte (>= @pa)
 * @attributes: meaning depends on the call; use the heki_range_*()
 *	accessors, never the raw field
 */
struct heki_range {
	__u64 va;
	__u64 pa;
	__u64 epa;
	__u64 attributes;
};

#define HEKI_RANGE_SIZE		32
HEKI_ABI_ASSERT(sizeof(struct heki_range) == HEKI_RANGE_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_range, va) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_range, pa) == 8);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_range, epa) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_range, attributes) == 24);

/* Bytes of struct heki_page before ranges[]: next, next_pa, nranges. */
#define HEKI_PAGE_HEADER_SIZE	24
/* Ranges per page: (4096 - 24) / 32 = 127. */
#define HEKI_MAX_RANGES \
	((HEKI_PAGE_SIZE - HEKI_PAGE_HEADER_SIZE) / HEKI_RANGE_SIZE)

/**
 * struct heki_page - one page of a request's range chain
 * @next: VTL0 virtual address of the next page (VTL1 ignores it)
 * @next_pa: guest physical address of the next page (any value in the
 *	last page; VTL1 stops by count, not by this field)
 * @nranges: number of valid entries in @ranges, 0..HEKI_MAX_RANGES
 * @ranges: the ranges
 * @reserved_4088: padding to a full page; write zero
 *
 * Occupies exactly one 4 KiB, physically contiguous, page-aligned page.
 */
struct heki_page {
	__u64 next;
	__u64 next_pa;
	__u64 nranges;
	struct heki_range ranges[HEKI_MAX_RANGES];
	__u64 reserved_4088;
};

HEKI_ABI_ASSERT(HEKI_MAX_RANGES == 127);
HEKI_ABI_ASSERT(sizeof(struct heki_page) == HEKI_PAGE_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_page, next) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_page, next_pa) == 8);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_page, nranges) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_page, ranges) ==
		HEKI_PAGE_HEADER_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_page, reserved_4088) == 4088);

/* ------------------------------------------------------------------ */
/* PROTECT_MEMORY: heki_mem_attr_t                                      */
/* ------------------------------------------------------------------ */

/**
 * typedef heki_mem_attr_t - PROTECT_MEMORY attributes of a range
 *
 * MEM_ATTR_* bits (READ, WRITE, EXEC, IMMUTABLE) carried in
 * &heki_range.attributes; sparse keeps them apart from the other three
 * meanings of that field.
 */
typedef __u64 __bitwise heki_mem_attr_t;

#define MEM_ATTR_NONE		((__force heki_mem_attr_t)0x0ULL)
#define MEM_ATTR_READ		((__force heki_mem_attr_t)0x1ULL)
#define MEM_ATTR_WRITE		((__force heki_mem_attr_t)0x2ULL)
#define MEM_ATTR_EXEC		((__force heki_mem_attr_t)0x4ULL)
#define MEM_ATTR_IMMUTABLE	((__force heki_mem_attr_t)0x8ULL)
#define MEM_ATTR_VALID_MASK	((__force heki_mem_attr_t)0xFULL)

/**
 * heki_mem_attr_raw() - plain value of memory attributes
 * @attr: typed attributes
 *
 * Return: the u64 bit set.
 */
static HEKI_INLINE __u64 heki_mem_attr_raw(heki_mem_attr_t attr)
{
	return (__force __u64)attr;
}

/**
 * heki_mem_attr_valid() - whether only defined MEM_ATTR_* bits are set
 * @attr: attributes
 *
 * LiteBox accepts any value here (vtl1-litebox.md 7.12); HEKI's VTL1
 * refuses unknown bits with HEKI_VSM_ERR_MEMORY_ATTRIBUTE_INVALID.
 *
 * Return: 1 if valid, else 0.
 */
static HEKI_INLINE int heki_mem_attr_valid(heki_mem_attr_t attr)
{
	return (heki_mem_attr_raw(attr) &
		~heki_mem_attr_raw(MEM_ATTR_VALID_MASK)) == 0;
}

/* ------------------------------------------------------------------ */
/* LOAD_KDATA: heki_kdata_type_t                                        */
/* ------------------------------------------------------------------ */

/**
 * typedef heki_kdata_type_t - LOAD_KDATA type of a range
 *
 * One KDATA_* value (HEKI_KDATA_TYPE_LIST) carried in
 * &heki_range.attributes.
 */
typedef __u64 __bitwise heki_kdata_type_t;

/* X(name, value): kernel data types. */
#define HEKI_KDATA_TYPE_LIST(X)			\
	X(SYSTEM_CERTS, 0)			\
	X(REVOCATION_CERTS, 1)			\
	X(BLOCKLIST_HASHES, 2)			\
	X(KERNEL_INFO, 3)			\
	X(KERNEL_DATA, 4)			\
	X(PATCH_INFO, 5)			\
	X(KEXEC_TRAMPOLINE, 6)			\
	X(MODE, 7)

#define HEKI_KDATA_VALUE_ENUM_(name, value) HEKI_KDATA_##name##_VALUE = (value),
/* Plain values HEKI_KDATA_<NAME>_VALUE, for case labels. */
enum heki_kdata_type_value {
	HEKI_KDATA_TYPE_LIST(HEKI_KDATA_VALUE_ENUM_)
	HEKI_KDATA_TYPE_COUNT
};
#undef HEKI_KDATA_VALUE_ENUM_

#define HEKI_KDATA_C(name) ((__force heki_kdata_type_t)(__u64)HEKI_KDATA_##name##_VALUE)
#define HEKI_KDATA_SYSTEM_CERTS		HEKI_KDATA_C(SYSTEM_CERTS)
#define HEKI_KDATA_REVOCATION_CERTS	HEKI_KDATA_C(REVOCATION_CERTS)
#define HEKI_KDATA_BLOCKLIST_HASHES	HEKI_KDATA_C(BLOCKLIST_HASHES)
#define HEKI_KDATA_KERNEL_INFO		HEKI_KDATA_C(KERNEL_INFO)
#define HEKI_KDATA_KERNEL_DATA		HEKI_KDATA_C(KERNEL_DATA)
#define HEKI_KDATA_PATCH_INFO		HEKI_KDATA_C(PATCH_INFO)
#define HEKI_KDATA_KEXEC_TRAMPOLINE	HEKI_KDATA_C(KEXEC_TRAMPOLINE)
#define HEKI_KDATA_MODE			HEKI_KDATA_C(MODE)

/*
 * HEKI_KDATA_MODE (extension): exactly HEKI_MODE_SIZE bytes, one
 * little-endian __u64, the mode heki_vtl0 runs in. No MODE range means
 * HEKI_MODE_ENFORCE. Like everything LOAD_KDATA carries it is fixed by the
 * first successful LOAD_KDATA, before end of boot.
 *   HEKI_MODE_ENFORCE     a module VTL1 refuses is not loaded
 *   HEKI_MODE_PERMISSIVE  a module VTL1 refuses is loaded unprotected
 *                         (VTL1 validates and refuses exactly as in
 *                         enforce mode and protects nothing for it)
 */
#define HEKI_MODE_ENFORCE		0
#define HEKI_MODE_PERMISSIVE		1
#define HEKI_MODE_SIZE			8

/*
 * BLOCKLIST_HASHES is text: the kernel's .blacklist descriptions one a
 * line ("bin:" or "tbs:", 64, 96 or 128 lowercase hex digits), empty
 * lines and '#' comments; at most this many entries. REVOCATION_CERTS is
 * DER certificates back to back, as SYSTEM_CERTS, without padding.
 */
#define HEKI_KDATA_BLOCKLIST_MAX	4096

/**
 * heki_kdata_type_raw() - plain value of a kernel data type
 * @t: typed value
 *
 * Return: the u64 value.
 */
static HEKI_INLINE __u64 heki_kdata_type_raw(heki_kdata_type_t t)
{
	return (__force __u64)t;
}

/**
 * heki_kdata_type_valid() - whether a kernel data type is defined
 * @t: value
 *
 * Return: 1 for HEKI_KDATA_SYSTEM_CERTS..HEKI_KDATA_MODE.
 */
static HEKI_INLINE int heki_kdata_type_valid(heki_kdata_type_t t)
{
	return heki_kdata_type_raw(t) < (__u64)HEKI_KDATA_TYPE_COUNT;
}

#define HEKI_KDATA_ROW_(name, value) { (value), "HEKI_KDATA_" #name },
/**
 * heki_kdata_type_name() - symbolic name of a kernel data type
 * @t: value
 *
 * Return: "HEKI_KDATA_<NAME>", or NULL if undefined.
 */
static HEKI_INLINE const char *heki_kdata_type_name(heki_kdata_type_t t)
{
	static const struct heki_name_desc rows[] = {
		HEKI_KDATA_TYPE_LIST(HEKI_KDATA_ROW_)
	};

	return heki_name_lookup(rows, HEKI_ARRAY_SIZE(rows), heki_kdata_type_raw(t));
}
#undef HEKI_KDATA_ROW_

/* ------------------------------------------------------------------ */
/* VALIDATE_MODULE: heki_mod_mem_type_t                                 */
/* ------------------------------------------------------------------ */

/**
 * typedef heki_mod_mem_type_t - VALIDATE_MODULE type of a range
 *
 * One MOD_MEM_TYPE_* value (HEKI_MOD_MEM_TYPE_LIST) carried in
 * &heki_range.attributes.
 */
typedef __u64 __bitwise heki_mod_mem_type_t;

/*
 * X(name, value): module memory types (0..6 follow Linux mod_mem_type).
 * PERCPU (not in LiteBox) is an information range: @va is the module's
 * per-CPU base (mod->percpu), @pa = @epa = 0; at most one per request,
 * sent only by modules that have per-CPU data.
 */
#define HEKI_MOD_MEM_TYPE_LIST(X)		\
	X(TEXT, 0)				\
	X(DATA, 1)				\
	X(RODATA, 2)				\
	X(RO_AFTER_INIT, 3)			\
	X(INIT_TEXT, 4)				\
	X(INIT_DATA, 5)				\
	X(INIT_RODATA, 6)			\
	X(ELF_BUFFER, 7)			\
	X(PATCH, 8)				\
	X(PERCPU, 9)

#define HEKI_MOD_MEM_VALUE_ENUM_(name, value) HEKI_MOD_MEM_##name##_VALUE = (value),
/* Plain values HEKI_MOD_MEM_<NAME>_VALUE, for case labels. */
enum heki_mod_mem_type_value {
	HEKI_MOD_MEM_TYPE_LIST(HEKI_MOD_MEM_VALUE_ENUM_)
	HEKI_MOD_MEM_TYPE_COUNT
};
#undef HEKI_MOD_MEM_VALUE_ENUM_

#define HEKI_MOD_MEM_C(name) ((__force heki_mod_mem_type_t)(__u64)HEKI_MOD_MEM_##name##_VALUE)
#define HEKI_MOD_MEM_TEXT		HEKI_MOD_MEM_C(TEXT)
#define HEKI_MOD_MEM_DATA		HEKI_MOD_MEM_C(DATA)
#define HEKI_MOD_MEM_RODATA		HEKI_MOD_MEM_C(RODATA)
#define HEKI_MOD_MEM_RO_AFTER_INIT	HEKI_MOD_MEM_C(RO_AFTER_INIT)
#define HEKI_MOD_MEM_INIT_TEXT		HEKI_MOD_MEM_C(INIT_TEXT)
#define HEKI_MOD_MEM_INIT_DATA		HEKI_MOD_MEM_C(INIT_DATA)
#define HEKI_MOD_MEM_INIT_RODATA	HEKI_MOD_MEM_C(INIT_RODATA)
#define HEKI_MOD_MEM_ELF_BUFFER		HEKI_MOD_MEM_C(ELF_BUFFER)
#define HEKI_MOD_MEM_PATCH		HEKI_MOD_MEM_C(PATCH)
#define HEKI_MOD_MEM_PERCPU		HEKI_MOD_MEM_C(PERCPU)

/**
 * heki_mod_mem_type_raw() - plain value of a module memory type
 * @t: typed value
 *
 * Return: the u64 value.
 */
static HEKI_INLINE __u64 heki_mod_mem_type_raw(heki_mod_mem_type_t t)
{
	return (__force __u64)t;
}

/**
 * heki_mod_mem_type_valid() - whether a module memory type is defined
 * @t: value
 *
 * Return: 1 for HEKI_MOD_MEM_TEXT..HEKI_MOD_MEM_PERCPU, else 0.
 */
static HEKI_INLINE int heki_mod_mem_type_valid(heki_mod_mem_type_t t)
{
	return heki_mod_mem_type_raw(t) < (__u64)HEKI_MOD_MEM_TYPE_COUNT;
}

/**
 * heki_mod_mem_type_is_memory() - whether a type names loaded module memory
 * @t: value
 *
 * Memory types (TEXT..INIT_RODATA) must be page-aligned and get
 * protected; ELF_BUFFER and PATCH carry data VTL1 only reads.
 *
 * Return: 1 for HEKI_MOD_MEM_TEXT..HEKI_MOD_MEM_INIT_RODATA, else 0.
 */
static HEKI_INLINE int heki_mod_mem_type_is_memory(heki_mod_mem_type_t t)
{
	return heki_mod_mem_type_raw(t) <= (__u64)HEKI_MOD_MEM_INIT_RODATA_VALUE;
}

#define HEKI_MOD_MEM_ROW_(name, value) { (value), "HEKI_MOD_MEM_" #name },
/**
 * heki_mod_mem_type_name() - symbolic name of a module memory type
 * @t: value
 *
 * Return: "HEKI_MOD_MEM_<NAME>", or NULL if undefined.
 */
static HEKI_INLINE const char *heki_mod_mem_type_name(heki_mod_mem_type_t t)
{
	static const struct heki_name_desc rows[] = {
		HEKI_MOD_MEM_TYPE_LIST(HEKI_MOD_MEM_ROW_)
	};

	return heki_name_lookup(rows, HEKI_ARRAY_SIZE(rows), heki_mod_mem_type_raw(t));
}
#undef HEKI_MOD_MEM_ROW_

/* ------------------------------------------------------------------ */
/* KEXEC_VALIDATE: heki_kexec_type_t                                    */
/* ------------------------------------------------------------------ */

/**
 * typedef heki_kexec_type_t - KEXEC_VALIDATE type of a range
 *
 * One KEXEC_TYPE_* value (HEKI_KEXEC_TYPE_LIST) carried in
 * &heki_range.attributes.
 */
typedef __u64 __bitwise heki_kexec_type_t;

/* X(name, value): kexec range types. */
#define HEKI_KEXEC_TYPE_LIST(X)			\
	X(IMAGE, 0)				\
	X(KERNEL_BLOB, 1)			\
	X(PAGES, 2)

#define HEKI_KEXEC_VALUE_ENUM_(name, value) HEKI_KEXEC_##name##_VALUE = (value),
/* Plain values HEKI_KEXEC_<NAME>_VALUE, for case labels. */
enum heki_kexec_type_value {
	HEKI_KEXEC_TYPE_LIST(HEKI_KEXEC_VALUE_ENUM_)
	HEKI_KEXEC_TYPE_COUNT
};
#undef HEKI_KEXEC_VALUE_ENUM_

#define HEKI_KEXEC_C(name) ((__force heki_kexec_type_t)(__u64)HEKI_KEXEC_##name##_VALUE)
#define HEKI_KEXEC_IMAGE		HEKI_KEXEC_C(IMAGE)
#define HEKI_KEXEC_KERNEL_BLOB		HEKI_KEXEC_C(KERNEL_BLOB)
#define HEKI_KEXEC_PAGES		HEKI_KEXEC_C(PAGES)

/**
 * heki_kexec_type_raw() - plain value of a kexec range type
 * @t: typed value
 *
 * Return: the u64 value.
 */
static HEKI_INLINE __u64 heki_kexec_type_raw(heki_kexec_type_t t)
{
	return (__force __u64)t;
}

/**
 * heki_kexec_type_valid() - whether a kexec range type is defined
 * @t: value
 *
 * Return: 1 for HEKI_KEXEC_IMAGE..HEKI_KEXEC_PAGES, else 0.
 */
static HEKI_INLINE int heki_kexec_type_valid(heki_kexec_type_t t)
{
	return heki_kexec_type_raw(t) < (__u64)HEKI_KEXEC_TYPE_COUNT;
}

#define HEKI_KEXEC_ROW_(name, value) { (value), "HEKI_KEXEC_" #name },
/**
 * heki_kexec_type_name() - symbolic name of a kexec range type
 * @t: value
 *
 * Return: "HEKI_KEXEC_<NAME>", or NULL if undefined.
 */
static HEKI_INLINE const char *heki_kexec_type_name(heki_kexec_type_t t)
{
	static const struct heki_name_desc rows[] = {
		HEKI_KEXEC_TYPE_LIST(HEKI_KEXEC_ROW_)
	};

	return heki_name_lookup(rows, HEKI_ARRAY_SIZE(rows), heki_kexec_type_raw(t));
}
#undef HEKI_KEXEC_ROW_

/* ------------------------------------------------------------------ */
/* Typed access to heki_range.attributes                                */
/* ------------------------------------------------------------------ */

/**
 * heki_range_mem_attr() - attributes of a PROTECT_MEMORY range
 * @r: range
 *
 * Return: @r->attributes as memory attributes.
 */
static HEKI_INLINE heki_mem_attr_t heki_range_mem_attr(const struct heki_range *r)
{
	return (__force heki_mem_attr_t)r->attributes;
}

/**
 * heki_range_set_mem_attr() - set the attributes of a PROTECT_MEMORY range
 * @r: range
 * @attr: memory attributes
 */
static HEKI_INLINE void heki_range_set_mem_attr(struct heki_range *r,
					 heki_mem_attr_t attr)
{
	r->attributes = (__force __u64)attr;
}

/**
 * heki_range_kdata_type() - type of a LOAD_KDATA range
 * @r: range
 *
 * Return: @r->attributes as a kernel data type.
 */
static HEKI_INLINE heki_kdata_type_t heki_range_kdata_type(const struct heki_range *r)
{
	return (__force heki_kdata_type_t)r->attributes;
}

/**
 * heki_range_set_kdata_type() - set the type of a LOAD_KDATA range
 * @r: range
 * @t: kernel data type
 */
static HEKI_INLINE void heki_range_set_kdata_type(struct heki_range *r,
					   heki_kdata_type_t t)
{
	r->attributes = (__force __u64)t;
}

/**
 * heki_range_mod_mem_type() - type of a VALIDATE_MODULE range
 * @r: range
 *
 * Return: @r->attributes as a module memory type.
 */
static HEKI_INLINE heki_mod_mem_type_t
heki_range_mod_mem_type(const struct heki_range *r)
{
	return (__force heki_mod_mem_type_t)r->attributes;
}

/**
 * heki_range_set_mod_mem_type() - set the type of a VALIDATE_MODULE range
 * @r: range
 * @t: module memory type
 */
static HEKI_INLINE void heki_range_set_mod_mem_type(struct heki_range *r,
					     heki_mod_mem_type_t t)
{
	r->attributes = (__force __u64)t;
}

/**
 * heki_range_kexec_type() - type of a KEXEC_VALIDATE range
 * @r: range
 *
 * Return: @r->attributes as a kexec range type.
 */
static HEKI_INLINE heki_kexec_type_t heki_range_kexec_type(const struct heki_range *r)
{
	return (__force heki_kexec_type_t)r->attributes;
}

/**
 * heki_range_set_kexec_type() - set the type of a KEXEC_VALIDATE range
 * @r: range
 * @t: kexec range type
 */
static HEKI_INLINE void heki_range_set_kexec_type(struct heki_range *r,
					   heki_kexec_type_t t)
{
	r->attributes = (__force __u64)t;
}

/* ------------------------------------------------------------------ */
/* Conversions                                                          */
/* ------------------------------------------------------------------ */

/**
 * heki_mod_mem_type_to_mem_attr() - protection a module memory type gets
 * @t: module memory type
 *
 * TEXT, INIT_TEXT: R|X. DATA, RO_AFTER_INIT, INIT_DATA: R|W.
 * RODATA, INIT_RODATA: R. Anything else (ELF_BUFFER, PATCH, undefined):
 * MEM_ATTR_NONE. Same table as LiteBox.
 *
 * Return: the memory attributes.
 */
static HEKI_INLINE heki_mem_attr_t
heki_mod_mem_type_to_mem_attr(heki_mod_mem_type_t t)
{
	switch (heki_mod_mem_type_raw(t)) {
	case HEKI_MOD_MEM_TEXT_VALUE:
	case HEKI_MOD_MEM_INIT_TEXT_VALUE:
		return MEM_ATTR_READ | MEM_ATTR_EXEC;
	case HEKI_MOD_MEM_DATA_VALUE:
	case HEKI_MOD_MEM_RO_AFTER_INIT_VALUE:
	case HEKI_MOD_MEM_INIT_DATA_VALUE:
		return MEM_ATTR_READ | MEM_ATTR_WRITE;
	case HEKI_MOD_MEM_RODATA_VALUE:
	case HEKI_MOD_MEM_INIT_RODATA_VALUE:
		return MEM_ATTR_READ;
	default:
		return MEM_ATTR_NONE;
	}
}

/**
 * heki_mem_attr_to_hv_page_prot() - Hyper-V protection for memory attributes
 * @attr: memory attributes
 *
 * LiteBox-compatible mapping: READ gives READABLE | USER_EXECUTABLE,
 * WRITE gives WRITABLE, EXEC gives KERNEL_EXECUTABLE | USER_EXECUTABLE,
 * IMMUTABLE and undefined bits add nothing. READ implying user-execute is
 * LiteBox behaviour kept for compatibility (Documentation/abi.rst, 7.13).
 *
 * Return: the Hyper-V page protection flags.
 */
static HEKI_INLINE hv_page_prot_t heki_mem_attr_to_hv_page_prot(heki_mem_attr_t attr)
{
	hv_page_prot_t prot = HV_PAGE_ACCESS_NONE;
	__u64 a = heki_mem_attr_raw(attr);

	if (a & heki_mem_attr_raw(MEM_ATTR_READ))
		prot |= HV_PAGE_READABLE | HV_PAGE_USER_EXECUTABLE;
	if (a & heki_mem_attr_raw(MEM_ATTR_WRITE))
		prot |= HV_PAGE_WRITABLE;
	if (a & heki_mem_attr_raw(MEM_ATTR_EXEC))
		prot |= HV_PAGE_KERNEL_EXECUTABLE | HV_PAGE_USER_EXECUTABLE;
	return prot;
}

/**
 * heki_page_aligned() - whether an address is HEKI_PAGE_SIZE aligned
 * @addr: address
 *
 * Return: 1 if aligned, else 0.
 */
static HEKI_INLINE int heki_page_aligned(__u64 addr)
{
	return (addr & HEKI_PAGE_OFFSET_MASK) == 0;
}

#endif /* _UAPI_HEKI_HEKI_H */

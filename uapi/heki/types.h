/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: the single type shim.
 *
 * Every other header under uapi/heki/ gets its integer types, sparse
 * annotations and compile-time assertion macro from here, so the same
 * headers compile unchanged in four environments:
 *
 *  - the Linux kernel (__KERNEL__): types come from <linux/types.h>;
 *  - an embedder that already has __u8 .. __s64 (HEKI_EXTERNAL_TYPES);
 *  - freestanding C11/C++ (firmware, VTL1): only <stdint.h> and
 *    <stddef.h>, which every freestanding compiler provides;
 *  - hosted C11/C++17 and Rust bindgen (same path as freestanding).
 *
 * The fallback typedefs spell the same underlying types as Linux's
 * asm-generic/int-ll64.h (__u64 is unsigned long long on every target),
 * so a translation unit that also includes <linux/types.h> sees an
 * identical, and therefore legal, repeated typedef.
 */
#ifndef _UAPI_HEKI_TYPES_H
#define _UAPI_HEKI_TYPES_H

#if defined(__KERNEL__)
#include <linux/types.h>
#include <linux/stddef.h>
#elif defined(HEKI_EXTERNAL_TYPES)
/* The embedder provides __u8 .. __s64 and NULL before including us. */
#else
#include <stdint.h>
#include <stddef.h>
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef signed short __s16;
typedef signed int __s32;
typedef signed long long __s64;
#endif

/* Sparse annotations: real attributes under the checker, empty otherwise. */
#ifndef __bitwise
#ifdef __CHECKER__
#define __bitwise __attribute__((bitwise))
#else
#define __bitwise
#endif
#endif

#ifndef __force
#ifdef __CHECKER__
#define __force __attribute__((force))
#else
#define __force
#endif
#endif

/**
 * HEKI_ABI_ASSERT() - compile-time assertion usable at file scope
 * @expr: integer constant expression that must be non-zero
 *
 * Expands to C++ static_assert or C11 _Static_assert (also what the
 * kernel's static_assert() uses), with the expression as the message.
 */
#ifdef __cplusplus
#define HEKI_ABI_ASSERT(expr) static_assert(expr, #expr)
#else
#define HEKI_ABI_ASSERT(expr) _Static_assert(expr, #expr)
#endif

/**
 * HEKI_OFFSETOF() - byte offset of @member inside @type
 * @type: a complete struct type, e.g. struct heki_range
 * @member: a member designator
 */
#define HEKI_OFFSETOF(type, member) __builtin_offsetof(type, member)

/**
 * HEKI_SIZEOF_MEMBER() - size in bytes of @member inside @type
 * @type: a complete struct type
 * @member: a member name
 */
#define HEKI_SIZEOF_MEMBER(type, member) sizeof(((type *)0)->member)

/**
 * HEKI_ALIGNOF() - alignment requirement of @type in bytes
 * @type: a complete type
 */
#ifdef __cplusplus
#define HEKI_ALIGNOF(type) alignof(type)
#else
#define HEKI_ALIGNOF(type) _Alignof(type)
#endif

/*
 * Accessors and conversions are "static HEKI_INLINE" functions. A consumer
 * whose compiler spells inline differently defines HEKI_INLINE first.
 */
#ifndef HEKI_INLINE
#define HEKI_INLINE inline
#endif

/*
 * The wire format is little-endian (x86_64 VTL0 and VTL1). Refuse to
 * build on a big-endian target rather than silently mis-decode it.
 */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__)
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the HEKI wire ABI is little-endian only"
#endif
#elif defined(__KERNEL__) && defined(__BIG_ENDIAN)
#error "the HEKI wire ABI is little-endian only"
#endif

/**
 * struct heki_name_desc - one row of a value-to-name table (not wire data)
 * @value: the value
 * @name: its symbolic name
 *
 * The name accessors build a static table of these from an X-macro list.
 */
struct heki_name_desc {
	__u64 value;
	const char *name;
};

/**
 * heki_name_lookup() - find the name of a value in a table
 * @rows: table built from an X-macro list
 * @nrows: number of rows
 * @value: value to look up
 *
 * Return: the name, or NULL if @value is not in the table.
 */
static HEKI_INLINE const char *heki_name_lookup(const struct heki_name_desc *rows,
					 unsigned int nrows, __u64 value)
{
	unsigned int i;

	for (i = 0; i < nrows; i++)
		if (rows[i].value == value)
			return rows[i].name;
	return NULL;
}

/* Number of elements of an array (not a pointer). */
#define HEKI_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

HEKI_ABI_ASSERT(sizeof(__u8) == 1);
HEKI_ABI_ASSERT(sizeof(__u16) == 2);
HEKI_ABI_ASSERT(sizeof(__u32) == 4);
HEKI_ABI_ASSERT(sizeof(__u64) == 8);
HEKI_ABI_ASSERT(sizeof(__s8) == 1);
HEKI_ABI_ASSERT(sizeof(__s16) == 2);
HEKI_ABI_ASSERT(sizeof(__s32) == 4);
HEKI_ABI_ASSERT(sizeof(__s64) == 8);

#endif /* _UAPI_HEKI_TYPES_H */

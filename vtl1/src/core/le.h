/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * le.h - little-endian loads from byte buffers that may be misaligned.
 *
 * VTL0 data is read from VTL1-private copies at offsets VTL0 chooses, so
 * a field is never read through a cast pointer: these helpers assemble it
 * from bytes (compilers turn each into one load on x86-64).
 */
#ifndef _HEKI_VTL1_LE_H
#define _HEKI_VTL1_LE_H

#include <heki/abi.h>

/**
 * heki_le16() - load a little-endian 16-bit value
 * @p: first byte
 *
 * Return: the value.
 */
static inline __u16 heki_le16(const __u8 *p)
{
	return (__u16)(p[0] | (p[1] << 8));
}

/**
 * heki_le32() - load a little-endian 32-bit value
 * @p: first byte
 *
 * Return: the value.
 */
static inline __u32 heki_le32(const __u8 *p)
{
	return (__u32)p[0] | ((__u32)p[1] << 8) | ((__u32)p[2] << 16) |
	       ((__u32)p[3] << 24);
}

/**
 * heki_le_s32() - load a little-endian signed 32-bit value
 * @p: first byte
 *
 * Return: the value.
 */
static inline __s32 heki_le_s32(const __u8 *p)
{
	return (__s32)heki_le32(p);
}

/**
 * heki_le64() - load a little-endian 64-bit value
 * @p: first byte
 *
 * Return: the value.
 */
static inline __u64 heki_le64(const __u8 *p)
{
	return (__u64)heki_le32(p) | ((__u64)heki_le32(p + 4) << 32);
}

#endif /* _HEKI_VTL1_LE_H */

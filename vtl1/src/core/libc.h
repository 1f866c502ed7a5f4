/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * libc.h - the only C library the VTL1 validator uses.
 *
 * In the kernel (loopback transport) the kernel's own string functions and
 * stdarg are used. Everywhere else (freestanding firmware, host tests,
 * fuzzers) only the compiler's freestanding headers are included and the
 * four memory functions are declared; the embedder links them.
 */
#ifndef HEKI_VTL1_LIBC_H
#define HEKI_VTL1_LIBC_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/stdarg.h>
#else
#include <stddef.h>
#include <stdarg.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#endif /* HEKI_VTL1_LIBC_H */

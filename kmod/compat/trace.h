/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat/trace.h - tracepoint field helpers across kernels
 *
 * HEKI_ASSIGN_STR(dst, src) fills a __string() field: up to 6.9
 * __assign_str() takes the source, from 6.10 on only the destination (the
 * source given to __string() is used). The probe is in compat/probes.mk.
 */
#ifndef _KMOD_COMPAT_TRACE_H
#define _KMOD_COMPAT_TRACE_H

#ifdef HEKI_COMPAT_ASSIGN_STR_DST_ONLY
#define HEKI_ASSIGN_STR(dst, src) __assign_str(dst)
#else
#define HEKI_ASSIGN_STR(dst, src) __assign_str(dst, src)
#endif

#endif /* _KMOD_COMPAT_TRACE_H */

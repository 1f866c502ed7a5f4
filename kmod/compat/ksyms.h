/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat/ksyms.h - kernel symbols heki_vtl0 reads whose name or presence
 * changed between the supported kernels (looked up through kallsyms at
 * run time, so both spellings are tried; each list is newest first).
 *
 * - the paravirt no-op and BUG targets: _paravirt_nop and paravirt_BUG up
 *   to 6.4, nop_func and BUG_func from 6.5 on (Debian's 6.12 and 7.2);
 * - the GPL export table: __start___ksymtab_gpl/__stop___ksymtab_gpl up to
 *   6.12; Debian's 7.2 keeps every export in __ksymtab and marks the GPL
 *   ones in __kflagstab. On such a kernel (and only there: a kernel
 *   without __kflagstab must have the GPL table) the GPL range VTL1 gets
 *   is empty, at the end of __ksymtab, which then holds them all.
 */
#ifndef _KMOD_COMPAT_KSYMS_H
#define _KMOD_COMPAT_KSYMS_H

#include <linux/errno.h>
#include <linux/stddef.h>

#include "heki_policy.h"

#define HEKI_KSYMS_PV_NOP	{ "nop_func", "_paravirt_nop", NULL }
#define HEKI_KSYMS_PV_BUG	{ "BUG_func", "paravirt_BUG", NULL }

/* Address of the first of @names kallsyms knows, or 0. */
static inline unsigned long heki_ksym_first(const char *const *names)
{
	unsigned long va = 0;

	for (; *names && !va; names++)
		va = heki_ksym(*names);
	return va;
}

/**
 * heki_ksymtab_gpl() - bounds of the kernel's GPL export table
 * @ksymtab_end: __stop___ksymtab (already looked up)
 * @start: out
 * @end: out
 *
 * Return: 0, or -ENOENT when the kernel has neither the table nor
 * __kflagstab (the caller fails LOAD_KDATA).
 */
static inline int heki_ksymtab_gpl(unsigned long ksymtab_end,
				   unsigned long *start, unsigned long *end)
{
	*start = heki_ksym("__start___ksymtab_gpl");
	*end = heki_ksym("__stop___ksymtab_gpl");
	if (*start && *end)
		return 0;
	if (*start || *end || !ksymtab_end || !heki_ksym("__start___kflagstab"))
		return -ENOENT;
	*start = ksymtab_end;
	*end = ksymtab_end;
	return 0;
}

#endif /* _KMOD_COMPAT_KSYMS_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat/ftrace.h - ftrace callback helpers across kernels
 *
 * heki_ftrace_set_ip(fregs, ip) moves the instruction pointer an IPMODIFY
 * ftrace callback returns to: ftrace_instruction_pointer_set() up to 6.1,
 * ftrace_regs_set_instruction_pointer() from 6.2 on (both macros of the
 * architecture's <asm/ftrace.h>, so the test needs no probe).
 *
 * HEKI_MOD_FTRACE_CALLSITES is defined where struct module carries the
 * module's __mcount_loc table (num_ftrace_callsites, ftrace_callsites):
 * under CONFIG_FTRACE_MCOUNT_RECORD up to 6.x, under CONFIG_DYNAMIC_FTRACE
 * once that option is gone (Debian's 7.2 has neither it nor
 * CONFIG_HAVE_FTRACE_MCOUNT_RECORD; every x86 kernel before had both with
 * DYNAMIC_FTRACE).
 */
#ifndef _KMOD_COMPAT_FTRACE_H
#define _KMOD_COMPAT_FTRACE_H

#include <linux/ftrace.h>

#ifdef ftrace_instruction_pointer_set
#define heki_ftrace_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#else
#define heki_ftrace_set_ip(fregs, ip) \
	ftrace_regs_set_instruction_pointer(fregs, ip)
#endif

#if defined(CONFIG_FTRACE_MCOUNT_RECORD) || \
	(defined(CONFIG_DYNAMIC_FTRACE) && !defined(CONFIG_HAVE_FTRACE_MCOUNT_RECORD))
#define HEKI_MOD_FTRACE_CALLSITES 1
#endif

#endif /* _KMOD_COMPAT_FTRACE_H */

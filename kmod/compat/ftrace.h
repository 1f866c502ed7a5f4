/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat/ftrace.h - ftrace callback helpers across kernels
 *
 * heki_ftrace_set_ip(fregs, ip) moves the instruction pointer an IPMODIFY
 * ftrace callback returns to: ftrace_instruction_pointer_set() up to 6.1,
 * ftrace_regs_set_instruction_pointer() from 6.2 on (both macros of the
 * architecture's <asm/ftrace.h>, so the test needs no probe).
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

#endif /* _KMOD_COMPAT_FTRACE_H */

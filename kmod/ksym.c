// SPDX-License-Identifier: GPL-2.0-only
/*
 * ksym.c - addresses of kernel symbols that are not exported
 *
 * kallsyms_lookup_name() has not been exported since Linux 5.7, but the
 * kprobe core resolves symbol names for register_kprobe(). Registering a
 * kprobe on "kallsyms_lookup_name" itself therefore yields its address;
 * the probe is removed again at once. This must run before any kernel
 * text is protected, because arming the probe patches its first
 * instruction (an ftrace site on Debian's kernel).
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/kprobes.h>
#include <linux/printk.h>

#include "heki_policy.h"

typedef unsigned long (*heki_kallsyms_lookup_fn)(const char *name);

static heki_kallsyms_lookup_fn heki_kallsyms_lookup;

/**
 * heki_ksym_init() - find kallsyms_lookup_name() through a kprobe
 *
 * Return: 0, or the -errno of register_kprobe() (e.g. -ENOENT without
 * CONFIG_KALLSYMS, -EINVAL if kprobes are blocked for the symbol).
 */
int heki_ksym_init(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int ret;

	if (heki_kallsyms_lookup)
		return 0;
	ret = register_kprobe(&kp);
	if (ret < 0) {
		pr_err("cannot find kallsyms_lookup_name through kprobes (%d)\n",
		       ret);
		return ret;
	}
	heki_kallsyms_lookup = (heki_kallsyms_lookup_fn)kp.addr;
	unregister_kprobe(&kp);
	return 0;
}

/**
 * heki_ksym() - address of a kernel symbol
 * @name: symbol name as in /proc/kallsyms
 *
 * Context: process context, after heki_ksym_init() succeeded.
 * Return: the address, or 0 if the symbol is unknown.
 */
unsigned long heki_ksym(const char *name)
{
	if (!heki_kallsyms_lookup)
		return 0;
	return heki_kallsyms_lookup(name);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * compat/hv.c - the hypercall page on kernels that no longer export it
 * (see compat/hv.h). Built into every module that holds hyperv.c; compiles
 * to nothing where hv_hypercall_pg is exported.
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/errno.h>
#include <linux/printk.h>

#include "heki_policy.h"
#include "compat/hv.h"

#ifdef HEKI_COMPAT_HV_PG_UNEXPORTED
static void **heki_hv_pg_addr;

/**
 * heki_hv_compat_init() - find the kernel's hv_hypercall_pg variable
 *
 * Context: process context, before kernel text is protected (the kallsyms
 * lookup arms a kprobe).
 * Return: 0, or -ENODEV if the kernel has no such variable (fail closed:
 * no VTL call can be made).
 */
int heki_hv_compat_init(void)
{
	int ret;

	if (heki_hv_pg_addr)
		return 0;
	ret = heki_ksym_init();
	if (ret)
		return ret;
	heki_hv_pg_addr = (void **)heki_ksym("hv_hypercall_pg");
	if (!heki_hv_pg_addr) {
		pr_err("hyperv: this kernel has no hv_hypercall_pg\n");
		return -ENODEV;
	}
	return 0;
}

/**
 * heki_hv_hypercall_pg_slot() - the kernel's hv_hypercall_pg variable
 *
 * Return: its address, or NULL before heki_hv_compat_init() succeeded.
 */
void **heki_hv_hypercall_pg_slot(void)
{
	return heki_hv_pg_addr;
}
#endif

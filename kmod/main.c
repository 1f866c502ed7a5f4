// SPDX-License-Identifier: GPL-2.0-only
/*
 * heki_vtl0 - VTL0 side of Hypervisor-Enforced Kernel Integrity.
 *
 * Minimal module: it loads, reports the wire ABI version it was built
 * against, and unloads. The VTL call machinery comes with issue 4.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

#define HEKI_VTL0_ABI_MAJOR 1
#define HEKI_VTL0_ABI_MINOR 0

static int __init heki_vtl0_init(void)
{
	pr_info("ABI %u.%u loaded\n", HEKI_VTL0_ABI_MAJOR, HEKI_VTL0_ABI_MINOR);
	return 0;
}

static void __exit heki_vtl0_exit(void)
{
	pr_info("unloaded\n");
}

module_init(heki_vtl0_init);
module_exit(heki_vtl0_exit);

MODULE_DESCRIPTION("HEKI VTL0 client: hypervisor-enforced kernel integrity");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * heki_test_mod - a tiny module for heki's end-to-end tests.
 *
 * It has one region of every kind the loader lays out on 6.1: core text,
 * rodata, ro_after_init, data and bss, plus init text, init rodata and
 * init data, so that the ValidateModule chain carries every module memory
 * type. The end-to-end tests build copies of it under other names (the
 * module name is the object name) for the concurrent-load test, sign it
 * with a key generated at test time, and tamper with the signed file.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static int answer = 42;
module_param(answer, int, 0444);
MODULE_PARM_DESC(answer, "a number the module prints at init (default 42)");

static bool fail_init;
module_param(fail_init, bool, 0444);
MODULE_PARM_DESC(fail_init, "make init fail with -ENODEV (tests the GOING path)");

static const char heki_test_banner[] = "heki test module";
static unsigned long heki_test_counter = 1;
static unsigned long heki_test_zeroed;
static int heki_test_after_init __ro_after_init;

static const char heki_test_init_msg[] __initconst = "init text ran";
static int heki_test_init_scratch __initdata = 7;

static noinline unsigned long heki_test_mix(unsigned long v)
{
	return (v * 2654435761UL) ^ (v >> 7);
}

static int __init heki_test_mod_init(void)
{
	if (fail_init) {
		pr_info("%s: init fails on request\n", heki_test_banner);
		return -ENODEV;
	}
	heki_test_after_init = answer + heki_test_init_scratch;
	heki_test_counter = heki_test_mix(heki_test_counter + answer);
	heki_test_zeroed++;
	pr_info("%s: %s, answer=%d after_init=%d\n", heki_test_banner,
		heki_test_init_msg, answer, heki_test_after_init);
	return 0;
}

static void __exit heki_test_mod_exit(void)
{
	pr_info("%s: exit counter=%lu zeroed=%lu\n", heki_test_banner,
		heki_test_counter, heki_test_zeroed);
}

module_init(heki_test_mod_init);
module_exit(heki_test_mod_exit);

MODULE_DESCRIPTION("heki end-to-end test module");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * heki_test_mod - a tiny module for heki's end-to-end tests.
 *
 * It has one region of every kind the loader lays out on 6.1: core text,
 * rodata, ro_after_init, data and bss, plus init text, init rodata and
 * init data, so that the ValidateModule chain carries every module memory
 * type. It has one static call (key heki_test_sc, trampoline and a call
 * site in its text): writing 1 or 2 to the parameter scall retargets it
 * with static_call_update() to heki_test_one() or heki_test_two(), 3 to
 * the second byte of heki_test_two() (no function entry: VTL1 refuses);
 * reading it calls through the site. It has one static key
 * (heki_test_key, off at build time) tested at one jump label site:
 * writing 1 or 0 to the parameter jlabel flips it with
 * static_branch_enable() or static_branch_disable(); reading it runs the
 * branch (1: taken); the parameter jlabel_site shows the bytes at the
 * site (its __jump_table entry). Reading the debugfs file named after
 * the module runs both sites ("branch call": 0 or 1, then the static
 * call's result) without the parameters' lock, which a flip in progress
 * holds. With exit_hold set its exit waits until the parameter is 0
 * again. The end-to-end tests build copies of it under other names (the
 * module name is the object name) for the concurrent-load test, sign it
 * with a key generated at test time, and tamper with the signed file.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/static_call.h>

static int answer = 42;
module_param(answer, int, 0444);
MODULE_PARM_DESC(answer, "a number the module prints at init (default 42)");

static bool fail_init;
module_param(fail_init, bool, 0444);
MODULE_PARM_DESC(fail_init, "make init fail with -ENODEV (tests the GOING path)");

/*
 * The exit waits while exit_hold is set (at most 120 s): an unload then
 * stays between delete_module's checks and the GOING notifier until the
 * test writes 0 (tests/vm/failclosed.sh).
 */
static bool exit_hold;
module_param(exit_hold, bool, 0644);
MODULE_PARM_DESC(exit_hold, "the exit waits until this is 0 again (at most 120 s)");

static const char heki_test_banner[] = "heki test module";
static unsigned long heki_test_counter = 1;
static unsigned long heki_test_zeroed;
static int heki_test_after_init __ro_after_init;

static const char heki_test_init_msg[] __initconst = "init text ran";
static int heki_test_init_scratch __initdata = 7;

static noinline int heki_test_one(void)
{
	return 1;
}

static noinline int heki_test_two(void)
{
	return 2;
}

DEFINE_STATIC_CALL(heki_test_sc, heki_test_one);

static int heki_test_sc_set(const char *val, const struct kernel_param *kp)
{
	unsigned long two = (unsigned long)heki_test_two;
	int v, ret = kstrtoint(val, 0, &v);

	if (ret)
		return ret;
	if (v == 1)
		static_call_update(heki_test_sc, heki_test_one);
	else if (v == 2)
		static_call_update(heki_test_sc, heki_test_two);
	else if (v == 3)
		static_call_update(heki_test_sc,
				   (typeof(&heki_test_two))(two + 1));
	else
		return -EINVAL;
	return 0;
}

static int heki_test_sc_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", static_call(heki_test_sc)());
}

static const struct kernel_param_ops heki_test_sc_ops = {
	.set = heki_test_sc_set,
	.get = heki_test_sc_get,
};
module_param_cb(scall, &heki_test_sc_ops, NULL, 0644);
MODULE_PARM_DESC(scall, "static call: 1, 2 retarget it, 3 asks for a non-entry; read: its result");

static DEFINE_STATIC_KEY_FALSE(heki_test_key);

static noinline int heki_test_branch(void)
{
	if (static_branch_unlikely(&heki_test_key))
		return 1;
	return 0;
}

static int heki_test_jl_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret = kstrtobool(val, &on);

	if (ret)
		return ret;
	if (on)
		static_branch_enable(&heki_test_key);
	else
		static_branch_disable(&heki_test_key);
	return 0;
}

static int heki_test_jl_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", heki_test_branch());
}

static const struct kernel_param_ops heki_test_jl_ops = {
	.set = heki_test_jl_set,
	.get = heki_test_jl_get,
};
module_param_cb(jlabel, &heki_test_jl_ops, NULL, 0644);
MODULE_PARM_DESC(jlabel, "static key: 1 enables, 0 disables it; read: 1 if the branch is taken");

/* The bytes at heki_test_key's site, from this module's __jump_table. */
static int heki_test_site_get(char *buf, const struct kernel_param *kp)
{
	struct jump_entry *e = THIS_MODULE->jump_entries;
	unsigned int i;

	for (i = 0; i < THIS_MODULE->num_jump_entries; i++, e++)
		if (jump_entry_key(e) == &heki_test_key.key)
			return sysfs_emit(buf, "%5phN\n",
					  (void *)jump_entry_code(e));
	return -ENOENT;
}

static const struct kernel_param_ops heki_test_site_ops = {
	.get = heki_test_site_get,
};
module_param_cb(jlabel_site, &heki_test_site_ops, NULL, 0444);
MODULE_PARM_DESC(jlabel_site, "the 5 bytes at heki_test_key's jump label site, in hex");

static ssize_t heki_test_sites_read(struct file *f, char __user *ubuf,
				    size_t len, loff_t *pos)
{
	char buf[16];
	int n = scnprintf(buf, sizeof(buf), "%d %d\n", heki_test_branch(),
			  static_call(heki_test_sc)());

	return simple_read_from_buffer(ubuf, len, pos, buf, n);
}

static const struct file_operations heki_test_sites_fops = {
	.owner = THIS_MODULE,
	.read = heki_test_sites_read,
	.llseek = default_llseek,
};

static struct dentry *heki_test_sites;

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
	heki_test_sites = debugfs_create_file(KBUILD_MODNAME, 0444, NULL, NULL,
					      &heki_test_sites_fops);
	pr_info("%s: %s, answer=%d after_init=%d\n", heki_test_banner,
		heki_test_init_msg, answer, heki_test_after_init);
	return 0;
}

static void __exit heki_test_mod_exit(void)
{
	unsigned int ms = 0;

	if (READ_ONCE(exit_hold))
		pr_info("%s: exit held\n", heki_test_banner);
	while (READ_ONCE(exit_hold) && ms < 120000) {
		msleep(50);
		ms += 50;
	}
	debugfs_remove(heki_test_sites);
	pr_info("%s: exit counter=%lu zeroed=%lu\n", heki_test_banner,
		heki_test_counter, heki_test_zeroed);
}

module_init(heki_test_mod_init);
module_exit(heki_test_mod_exit);

MODULE_DESCRIPTION("heki end-to-end test module");
MODULE_LICENSE("GPL");

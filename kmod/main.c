// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - heki_vtl0: VTL0 side of Hypervisor-Enforced Kernel Integrity
 *
 * Parameters, and the order in which the parts come up and go down:
 *
 *  init: debugfs -> transport -> kernel symbols -> capture hook on
 *        load_module -> module notifier -> boot steps -> debugfs files
 *  exit: the reverse, except that debugfs goes before the transport
 *        (its files read transport state).
 *
 * Everything that patches kernel text (the kprobe used to find
 * kallsyms_lookup_name, the ftrace hook on load_module) is armed before
 * PROTECT_MEMORY makes kernel text read-only to VTL0. The module notifier
 * is registered before the boot steps, so a module that races with them
 * is refused (no certificates yet) rather than let through.
 *
 * Unloading: every validated module holds a reference on heki_vtl0 (see
 * modhook.c). With a real VTL1, once kernel text is protected heki_vtl0
 * can no longer remove its ftrace hook (a text write), so a boot step that
 * fails after ProtectMemory leaves it loaded and pinned instead of failing
 * the load. With the hyperv transport, VTL1's boot state (locked
 * registers, protected kernel, end of boot) outlives any VTL0 module, so
 * once a boot step succeeded heki_vtl0 pins itself for good. With the
 * loopback transport the VTL1 instance lives inside heki_vtl0 and is
 * destroyed on unload, which is allowed once no module holds a token.
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"

static char *transport = "auto";
module_param(transport, charp, 0444);
MODULE_PARM_DESC(transport,
		 "how to reach VTL1: auto (Hyper-V VSM if present), hyperv, or loopback (test build heki_vtl0_test.ko only: the VTL1 library inside the module) [auto]");

static char *certs = "";
module_param(certs, charp, 0444);
MODULE_PARM_DESC(certs,
		 "firmware file under /lib/firmware with concatenated DER X.509 certificates that may sign modules; required when load_kdata=1 [none]");

static bool lock_regs = true;
module_param(lock_regs, bool, 0444);
MODULE_PARM_DESC(lock_regs,
		 "LockRegs on every online CPU at load: VTL1 pins control registers and descriptor tables [Y]");

static bool protect_kernel = true;
module_param(protect_kernel, bool, 0444);
MODULE_PARM_DESC(protect_kernel,
		 "ProtectMemory at load: core kernel text R|X and rodata R; later text patching (ftrace, kprobes, static keys) then faults on Hyper-V [Y]");

static bool load_kdata = true;
module_param(load_kdata, bool, 0444);
MODULE_PARM_DESC(load_kdata,
		 "LoadKData at load: certificates from certs=, ksymtab bounds and kernel rodata; without it VTL1 can validate no module [Y]");

static bool end_of_boot = true;
module_param(end_of_boot, bool, 0444);
MODULE_PARM_DESC(end_of_boot,
		 "SignalEndOfBoot after the other steps: VTL1 then refuses LockRegs, ProtectMemory and LoadKData [Y]");

static bool validate_modules = true;
module_param(validate_modules, bool, 0444);
MODULE_PARM_DESC(validate_modules,
		 "validate every module loaded after heki_vtl0 (ValidateModule at COMING, refusing it on error; FreeModuleInit at LIVE; UnloadModule at GOING) [Y]");

static bool validate_kexec = true;
module_param(validate_kexec, bool, 0444);
MODULE_PARM_DESC(validate_kexec,
		 "KexecValidate every kexec_file_load image, refusing the load on error; kexec_load (no kernel file) is refused [Y]");

static struct dentry *heki_main_dir;
static bool heki_main_dir_owned;
static struct dentry *heki_main_boot_file;
static struct dentry *heki_main_modules_file;

static int heki_main_boot_show(struct seq_file *m, void *v)
{
	seq_printf(m, "transport %s\n", heki_transport_name());
	heki_boot_show(m);
	heki_kexec_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_main_boot);

static int heki_main_modules_show(struct seq_file *m, void *v)
{
	heki_modhook_show(m);
	heki_pristine_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_main_modules);

static void heki_main_debugfs_init(void)
{
	/* heki/ belongs to debugfs.c; add the policy files next to its own. */
	heki_main_dir = debugfs_lookup("heki", NULL);
	if (IS_ERR_OR_NULL(heki_main_dir)) {
		heki_main_dir = debugfs_create_dir("heki", NULL);
		heki_main_dir_owned = true;
	}
	heki_main_boot_file = debugfs_create_file("boot", 0444, heki_main_dir,
						  NULL, &heki_main_boot_fops);
	heki_main_modules_file = debugfs_create_file("modules", 0444,
						     heki_main_dir, NULL,
						     &heki_main_modules_fops);
}

static void heki_main_debugfs_exit(void)
{
	debugfs_remove(heki_main_modules_file);
	debugfs_remove(heki_main_boot_file);
	if (heki_main_dir_owned)
		debugfs_remove(heki_main_dir);
	else
		dput(heki_main_dir);
	heki_main_dir = NULL;
	heki_main_dir_owned = false;
}

/* The loopback VTL1 lives and dies with us and enforces nothing. */
static bool heki_main_loopback(void)
{
	return !strcmp(heki_transport_name(), "loopback");
}

/* Everything heki_vtl0 allocates is counted; all must be back to zero. */
static void heki_main_report_leaks(const char *what)
{
	long pages = heki_chain_live_pages();
	long allocs = heki_loopback_live_allocs();
	long keyrings = heki_loopback_crypto_live_keyrings();
	long images = heki_pristine_live_images();
	long kexec = heki_kexec_live_copies();

	if (pages || allocs || keyrings || images || kexec)
		pr_err("%s with leaks: %ld chain pages, %ld VTL1 allocations, %ld keyrings, %ld module images live, %ld kexec copies held\n",
		       what, pages, allocs, keyrings, images, kexec);
	else
		pr_info("%s: 0 chain pages, 0 VTL1 allocations, 0 keyrings, 0 module images live, 0 kexec copies held\n",
			what);
}

static int __init heki_vtl0_init(void)
{
	const struct heki_boot_opts opts = {
		.lock_regs = lock_regs,
		.protect_kernel = protect_kernel,
		.load_kdata = load_kdata,
		.end_of_boot = end_of_boot,
		.certs = certs,
	};
	int ret;

	pr_info("ABI %u.%u loaded: transport=%s certs=%s lock_regs=%d protect_kernel=%d load_kdata=%d end_of_boot=%d validate_modules=%d validate_kexec=%d\n",
		HEKI_ABI_VERSION_MAJOR, HEKI_ABI_VERSION_MINOR, transport,
		certs[0] ? certs : "(none)", lock_regs, protect_kernel,
		load_kdata, end_of_boot, validate_modules, validate_kexec);
	if (load_kdata && !certs[0]) {
		pr_err("load_kdata=1 needs certs=<file under /lib/firmware> (or load_kdata=0)\n");
		return -EINVAL;
	}

	ret = heki_debugfs_init();
	if (ret)
		return ret;
	ret = heki_transport_init(transport);
	if (ret)
		goto err_debugfs;
	ret = heki_ksym_init();
	if (ret)
		goto err_transport;
	if (validate_modules) {
		ret = heki_pristine_init();
		if (ret)
			goto err_transport;
		ret = heki_modhook_init();
		if (ret)
			goto err_pristine;
	}
	if (validate_kexec) {
		ret = heki_kexec_init();
		if (ret)
			goto err_modhook;
	}
	ret = heki_boot_run(&opts);
	if (ret && !(validate_modules && heki_boot_text_protected() &&
		     !heki_main_loopback()))
		goto err_modhook;
	heki_main_debugfs_init();

	if (heki_boot_changed_vtl1() && !heki_main_loopback()) {
		/* VTL1 keeps this state after we are gone: stay for good. */
		__module_get(THIS_MODULE);
		pr_info("VTL1 boot state is permanent: heki_vtl0 cannot be unloaded\n");
	}
	if (ret) {
		/*
		 * A step after ProtectMemory failed on a real VTL1: kernel text
		 * is read-only to us now, and unloading would remove the ftrace
		 * hook on load_module, a text write that faults. Stay loaded
		 * (pinned above) and keep validating: without certificates
		 * VTL1 refuses every module, which is the safe side.
		 */
		pr_err("boot step failed (%d) after kernel text was protected: heki_vtl0 stays loaded, pinned, and keeps validating module loads\n",
		       ret);
		return 0;
	}
	pr_info("ready: transport %s, module validation %s\n",
		heki_transport_name(), validate_modules ? "on" : "off");
	return 0;

err_modhook:
	heki_kexec_exit();
	heki_modhook_exit();
err_pristine:
	heki_pristine_exit();
err_transport:
	if (heki_boot_changed_vtl1() && !heki_main_loopback())
		pr_err("VTL1 state changed by the steps that succeeded stays in place\n");
	/* debugfs reads transport state: it goes first. */
	heki_debugfs_exit();
	heki_transport_exit();
	heki_main_report_leaks("not loaded");
	pr_err("not loaded (%d)\n", ret);
	return ret;
err_debugfs:
	heki_debugfs_exit();
	pr_err("not loaded (%d)\n", ret);
	return ret;
}

static void __exit heki_vtl0_exit(void)
{
	heki_main_debugfs_exit();
	heki_kexec_exit();
	heki_modhook_exit();
	heki_pristine_exit();
	heki_debugfs_exit();
	heki_transport_exit();
	heki_main_report_leaks("unloaded");
}

module_init(heki_vtl0_init);
module_exit(heki_vtl0_exit);

MODULE_DESCRIPTION("HEKI VTL0 client: hypervisor-enforced kernel integrity");
MODULE_LICENSE("GPL");

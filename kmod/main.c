// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - heki_vtl0: VTL0 side of Hypervisor-Enforced Kernel Integrity
 *
 * Parameters, and the order in which the parts come up and go down:
 *
 *  init: sysfs -> debugfs -> transport (and its probe of every CPU) ->
 *        kernel symbols -> capture hook on load_module -> hook on the
 *        module memory free (kept ranges) -> module notifier
 *        -> int3 notifier, static call, jump label and delete_module
 *        hooks -> kexec hooks -> CPU hotplug callback -> boot steps -> debugfs
 *        files
 *  exit: the reverse, except that debugfs goes before the transport
 *        (its files read transport state).
 *
 * Everything that patches kernel text (the kprobe used to find
 * kallsyms_lookup_name, the ftrace hooks) is armed before PROTECT_MEMORY
 * makes kernel text read-only to VTL0. The module notifier is registered
 * before the boot steps, so a module that races with them is refused (no
 * certificates yet) rather than let through.
 *
 * Fail-closed: once ProtectMemory succeeded, no path may write kernel
 * text, so nothing that patched it is ever undone. A later failure (a boot
 * step, or a forced unload) does not tear down: heki_vtl0 stays loaded
 * and enters the fail-closed state, where every module load and every
 * kexec load is refused, and says why (log, /sys/kernel/heki/reason).
 *
 * Unloading is allowed only while VTL1 protects nothing on heki_vtl0's
 * behalf (heki_main_unload_blocker()): no kernel or own text protected, no
 * validated module loaded (each holds a reference), no frame kept because
 * VTL1 would not release it, no kexec image held (each kind holds a
 * reference, kexec.c), and with the hyperv transport no boot step
 * done (VTL1 keeps that state for good). A permanent reference enforces
 * it against rmmod; against rmmod -f, which ignores references, the exit
 * function itself refuses: see heki_main_refuse_exit().
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/debugfs.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"
#include "heki_test.h"
#include "textpoke.h"

static char *transport = "auto";
module_param(transport, charp, 0444);
MODULE_PARM_DESC(transport,
		 "how to reach VTL1: auto (Hyper-V VSM if present), hyperv, or loopback (test build heki_vtl0_test.ko only: the VTL1 library inside the module) [auto]");

static char *certs = "";
module_param(certs, charp, 0444);
MODULE_PARM_DESC(certs,
		 "firmware file under /lib/firmware with concatenated DER X.509 certificates that may sign modules; required when load_kdata=1 [none]");

static char *revoked = "";
module_param(revoked, charp, 0444);
MODULE_PARM_DESC(revoked,
		 "firmware file under /lib/firmware with concatenated DER X.509 certificates VTL1 treats as revoked: a module or kexec image they sign is refused (sent with load_kdata) [none]");

static char *blocklist = "";
module_param(blocklist, charp, 0444);
MODULE_PARM_DESC(blocklist,
		 "firmware file under /lib/firmware with the kernel's .blacklist lines (bin:<hex>, tbs:<hex>) VTL1 refuses (sent with load_kdata) [none]");

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

static char *mode = "enforce";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode,
		 "enforce: a module VTL1 refuses is not loaded; permissive: it is loaded unprotected (no token, refusal logged and counted as in enforce; kexec images are refused in both modes). Sent to VTL1 with LoadKData (needs load_kdata=1), fixed until the next boot [enforce]");

static bool validate_kexec = true;
module_param(validate_kexec, bool, 0444);
MODULE_PARM_DESC(validate_kexec,
		 "KexecValidate every kexec_file_load image, refusing the load on error; kexec_load (no kernel file) is refused [Y]");

static struct dentry *heki_main_dir;
static bool heki_main_dir_owned;
static struct dentry *heki_main_boot_file;
static struct dentry *heki_main_modules_file;

/* ------------------------------------------------------------------ */
/* Fail-closed state                                                   */
/* ------------------------------------------------------------------ */

enum heki_main_state {
	HEKI_MAIN_STARTING,
	HEKI_MAIN_ENFORCING,
	HEKI_MAIN_FAIL_CLOSED,
};

static const char *const heki_main_state_names[] = {
	[HEKI_MAIN_STARTING] = "starting",
	[HEKI_MAIN_ENFORCING] = "enforcing",
	[HEKI_MAIN_FAIL_CLOSED] = "fail-closed",
};

/* mode=, parsed once at load; never changes while heki_vtl0 is loaded. */
static bool heki_main_permissive __ro_after_init;

/**
 * heki_permissive() - whether heki_vtl0 runs in permissive mode
 *
 * Return: true with mode=permissive: a module VTL1 refuses is loaded
 * unprotected. Fixed at load (the parameter is read-only).
 */
bool heki_permissive(void)
{
	return heki_main_permissive;
}

/**
 * heki_mode_name() - the mode as mode= spells it
 *
 * Return: "enforce" or "permissive".
 */
const char *heki_mode_name(void)
{
	return heki_main_permissive ? "permissive" : "enforce";
}

static DEFINE_MUTEX(heki_main_state_lock);
static int heki_main_state;
static char heki_main_reason[160];

/**
 * heki_fail_closed() - whether heki_vtl0 refuses every load
 *
 * Return: true once heki_fail_close() ran; it never becomes false again.
 */
bool heki_fail_closed(void)
{
	return READ_ONCE(heki_main_state) == HEKI_MAIN_FAIL_CLOSED;
}

/**
 * heki_fail_close() - refuse every module load and kexec from now on
 * @fmt: why, printf-style; the first reason is kept
 *
 * For failures that cannot be undone without writing protected kernel
 * text. Module loads are refused at COMING (the notifier is registered
 * now if validate_modules=0 left it out: data, not text), kexec loads at
 * machine_kexec_prepare() or, without the kexec hooks, by the kernel's
 * one-way kexec_load_disabled. Context: process context.
 */
void heki_fail_close(const char *fmt, ...)
{
	bool first = false;
	va_list args;

	mutex_lock(&heki_main_state_lock);
	if (heki_main_state != HEKI_MAIN_FAIL_CLOSED) {
		va_start(args, fmt);
		vscnprintf(heki_main_reason, sizeof(heki_main_reason), fmt,
			   args);
		va_end(args);
		WRITE_ONCE(heki_main_state, HEKI_MAIN_FAIL_CLOSED);
		first = true;
	}
	mutex_unlock(&heki_main_state_lock);
	if (!first)
		return;
	pr_crit("fail-closed: %s; every module load, module unload and kexec load is refused from now on\n",
		heki_main_reason);
	heki_audit_event("heki_state", "fail-closed", -EPERM, 0,
			 heki_main_reason);
	heki_modhook_fail_close();
	heki_kexec_fail_close();
}

HEKI_SYSFS_ATTR(heki_main, state, "%s",
		heki_main_state_names[READ_ONCE(heki_main_state)]);

static ssize_t heki_main_reason_show(struct kobject *kobj,
				     struct kobj_attribute *a, char *buf)
{
	ssize_t n;

	mutex_lock(&heki_main_state_lock);
	n = sysfs_emit(buf, "%s\n", heki_main_reason);
	mutex_unlock(&heki_main_state_lock);
	return n;
}
static struct kobj_attribute heki_main_reason_attr =
	__ATTR(reason, 0444, heki_main_reason_show, NULL);

static const char *heki_main_unload_blocker(void);

static ssize_t heki_main_unload_show(struct kobject *kobj,
				     struct kobj_attribute *a, char *buf)
{
	const char *why = heki_main_unload_blocker();

	return sysfs_emit(buf, "%s%s\n", why ? "refused: " : "allowed",
			  why ? why : "");
}
static struct kobj_attribute heki_main_unload_attr =
	__ATTR(unload, 0444, heki_main_unload_show, NULL);

HEKI_SYSFS_ATTR(heki_main, mode, "%s", heki_mode_name());

static struct attribute *heki_main_attrs[] = {
	&heki_main_mode_attr.attr,
	&heki_main_state_attr.attr,
	&heki_main_reason_attr.attr,
	&heki_main_unload_attr.attr,
	NULL,
};

static const struct attribute_group heki_main_group = {
	.attrs = heki_main_attrs,
};

/* Everything under /sys/kernel/heki/ besides transport and calls/. */
static const struct attribute_group *heki_main_sysfs_groups[] = {
	&heki_main_group,
	&heki_boot_sysfs_group,
	&heki_modhook_sysfs_group,
	&heki_scall_sysfs_group,
	&heki_jlabel_sysfs_group,
	&heki_kexec_sysfs_group,
	&heki_cpus_sysfs_group,
	&heki_audit_sysfs_group,
	NULL,
};

/* ------------------------------------------------------------------ */
/* debugfs (optional)                                                  */
/* ------------------------------------------------------------------ */

static int heki_main_boot_show(struct seq_file *m, void *v)
{
	seq_printf(m, "transport %s\n", heki_transport_name());
	seq_printf(m, "mode %s\n", heki_mode_name());
	seq_printf(m, "state %s %s\n",
		   heki_main_state_names[READ_ONCE(heki_main_state)],
		   heki_main_reason);
	heki_boot_show(m);
	heki_kexec_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_main_boot);

static int heki_main_modules_show(struct seq_file *m, void *v)
{
	heki_modhook_show(m);
	heki_scall_show(m);
	heki_jlabel_show(m);
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
	else if (!IS_ERR_OR_NULL(heki_main_dir))
		dput(heki_main_dir);
	heki_main_dir = NULL;
	heki_main_dir_owned = false;
}

/* ------------------------------------------------------------------ */
/* Load and unload                                                     */
/* ------------------------------------------------------------------ */

/* The loopback VTL1 lives and dies with us and enforces nothing. */
static bool heki_main_loopback(void)
{
	return !strcmp(heki_transport_name(), "loopback");
}

/*
 * Why heki_vtl0 may not unload now, or NULL: VTL1 protects something on
 * its behalf that only heki_vtl0 could release, or whose release would
 * need a write to protected text.
 */
static const char *heki_main_unload_blocker(void)
{
	if (heki_boot_text_protected())
		return "VTL1 protects kernel text and heki_vtl0's own code";
	if (heki_boot_changed_vtl1() && !heki_main_loopback())
		return "VTL1 keeps the boot steps' state for good";
	if (heki_modhook_tokens())
		return "modules validated through heki_vtl0 are loaded";
	if (heki_modhook_kept_pages())
		return "frames VTL1 still protects are kept";
	if (heki_kexec_held())
		return "VTL1 holds a kexec image for heki_vtl0";
	if (heki_fail_closed())
		return "fail-closed";
	return NULL;
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

static void heki_main_teardown(void)
{
	heki_cpus_exit();
	heki_kexec_exit();
	heki_modhook_guard_exit();
	heki_jlabel_exit();
	heki_scall_exit();
	heki_poke_exit();
	heki_modhook_exit();
	heki_modhook_keep_exit();
	heki_pristine_exit();
	/* debugfs reads transport state: it goes first. */
	heki_debugfs_exit();
	heki_transport_exit();
	heki_sysfs_exit();
}

static int __init heki_vtl0_init(void)
{
	const struct heki_boot_opts opts = {
		.lock_regs = lock_regs,
		.protect_kernel = protect_kernel,
		.load_kdata = load_kdata,
		.end_of_boot = end_of_boot,
		.certs = certs,
		.revoked = revoked,
		.blocklist = blocklist,
	};
	const char *why;
	int ret;

	pr_info("ABI %u.%u loaded: transport=%s certs=%s revoked=%s blocklist=%s mode=%s lock_regs=%d protect_kernel=%d load_kdata=%d end_of_boot=%d validate_modules=%d validate_kexec=%d\n",
		HEKI_ABI_VERSION_MAJOR, HEKI_ABI_VERSION_MINOR, transport,
		certs[0] ? certs : "(none)", revoked[0] ? revoked : "(none)",
		blocklist[0] ? blocklist : "(none)", mode, lock_regs,
		protect_kernel, load_kdata, end_of_boot, validate_modules,
		validate_kexec);
	if (load_kdata && !certs[0]) {
		pr_err("load_kdata=1 needs certs=<file under /lib/firmware> (or load_kdata=0)\n");
		return -EINVAL;
	}
	if (!strcmp(mode, "permissive")) {
		heki_main_permissive = true;
	} else if (strcmp(mode, "enforce")) {
		pr_err("mode=%s: not enforce or permissive\n", mode);
		return -EINVAL;
	}
	/* VTL1 learns the mode from LoadKData: it must never believe more. */
	if (heki_main_permissive && !load_kdata) {
		pr_err("mode=permissive needs load_kdata=1: VTL1 learns the mode from LoadKData\n");
		return -EINVAL;
	}
	if (!load_kdata && (revoked[0] || blocklist[0])) {
		pr_err("revoked= and blocklist= reach VTL1 with load_kdata=1 only\n");
		return -EINVAL;
	}

	ret = heki_sysfs_init(heki_main_sysfs_groups);
	if (ret) {
		pr_err("cannot create /sys/kernel/heki (%d)\n", ret);
		return ret;
	}
	/* debugfs is optional: everything it shows is in sysfs as well. */
	ret = heki_debugfs_init();
	if (ret)
		pr_info("no debugfs (%d): state and counters are in /sys/kernel/heki\n",
			ret);
	ret = heki_transport_init(transport);
	if (!ret)
		ret = heki_ksym_init();
	if (!ret && validate_modules)
		ret = heki_pristine_init();
	/* Kept frames keep their address ranges: on before any token. */
	if (!ret && validate_modules)
		ret = heki_modhook_keep_init();
	if (!ret && validate_modules)
		ret = heki_modhook_init();
	/*
	 * Text patching goes through VTL1 wherever VTL1 may protect text:
	 * validated module text, and kernel text with protect_kernel even
	 * when validate_modules=0 (static_call_update() of kernel keys would
	 * write protected text otherwise).
	 */
	if (!ret && (validate_modules || protect_kernel))
		ret = heki_poke_init();
	if (!ret && (validate_modules || protect_kernel))
		ret = heki_scall_init();
	if (!ret && (validate_modules || protect_kernel))
		ret = heki_jlabel_init();
	/* Where static calls are routed, refusing them may refuse an unload. */
	if (!ret && (validate_modules || protect_kernel))
		ret = heki_modhook_guard_init();
	if (!ret && validate_kexec)
		ret = heki_kexec_init();
	if (!ret) {
		heki_test_online_cpu();
		ret = heki_cpus_init(lock_regs);
	}
	if (!ret)
		ret = heki_boot_run(&opts);
	/*
	 * A kexec image accepted meanwhile (the hooks are on) is invalidated
	 * before the teardown; if VTL1 may still hold it, heki_vtl0 stays. So
	 * it does when a module loaded meanwhile was validated (its token, or
	 * frames kept): the teardown would release a live module's frames,
	 * and drop the hooks that keep what it could not release.
	 */
	if (ret && !heki_boot_text_protected() && !heki_modhook_tokens() &&
	    !heki_modhook_kept_pages() && !heki_kexec_exit()) {
		if (heki_boot_changed_vtl1() && !heki_main_loopback())
			pr_err("VTL1 state changed by the steps that succeeded stays in place\n");
		heki_main_teardown();
		heki_main_report_leaks("not loaded");
		pr_err("not loaded (%d)\n", ret);
		return ret;
	}

	/* From here on nothing is undone: kernel text may be protected. */
	heki_main_debugfs_init();
	why = heki_main_unload_blocker();
	if (why) {
		/* Never put back: see heki_main_refuse_exit() for rmmod -f. */
		__module_get(THIS_MODULE);
		pr_info("heki_vtl0 cannot be unloaded: %s\n", why);
	}
	if (ret) {
		if (!heki_boot_text_protected() &&
		    (heki_modhook_tokens() || heki_modhook_kept_pages()))
			heki_fail_close("boot step failed (%d) while modules validated through heki_vtl0 are loaded or their frames kept",
					ret);
		if (!heki_boot_text_protected())
			heki_fail_close("boot step failed (%d) while VTL1 still holds a kexec image",
					ret);
		heki_fail_close("boot step failed (%d) after kernel text was %s",
				ret, heki_boot_text_state_unknown() ?
				"sent to VTL1 for protection (undefined answer: assumed protected)" :
				"protected");
		return 0;
	}
	WRITE_ONCE(heki_main_state, HEKI_MAIN_ENFORCING);
	heki_audit_event("heki_state", "enforcing", 0, 0, NULL);
	pr_info("ready: transport %s, mode %s, module validation %s\n",
		heki_transport_name(), heki_mode_name(),
		validate_modules ? "on" : "off");
	return 0;
}

/*
 * rmmod -f (CONFIG_MODULE_FORCE_UNLOAD, on in Debian) ignores the module's
 * references and calls the exit function. While VTL1 protects something
 * on heki_vtl0's behalf, returning from here would free our ftrace hooks
 * and notifier (writes to protected text, or validation gone) and leave a
 * kernel that VTL1 believes is validated running without it. So the exit
 * function does not return: heki_vtl0 enters the fail-closed state (its
 * hooks, notifier and CPU callback stay, module state GOING: every later
 * module load is refused; after a failed kexec invalidation
 * heki_kexec_exit() has removed the kexec_file_load and cleanup hooks,
 * and keeps those of kimage_free, machine_kexec_prepare and
 * crash_shrink_memory, which refuse every load and keep the held frames)
 * and the rmmod task sleeps for good
 * (TASK_IDLE: not killable, not counted as a hung task).
 */
static void __noreturn heki_main_refuse_exit(const char *why)
{
	heki_fail_close("forced unload (rmmod -f) refused: %s", why);
	pr_crit("heki_vtl0 stays loaded and enforcing; this rmmod never returns\n");
	for (;;) {
		set_current_state(TASK_IDLE);
		schedule();
	}
}

static void __exit heki_vtl0_exit(void)
{
	const char *why = heki_main_unload_blocker();

	if (why)
		heki_main_refuse_exit(why);
	/*
	 * An image accepted after that check (rmmod -f races a load) is
	 * invalidated here; if VTL1 may still hold it, do not go.
	 */
	if (heki_kexec_exit())
		heki_main_refuse_exit("VTL1 still holds a kexec image (invalidation failed)");
	heki_main_debugfs_exit();
	heki_main_teardown();
	heki_main_report_leaks("unloaded");
}

module_init(heki_vtl0_init);
module_exit(heki_vtl0_exit);

MODULE_DESCRIPTION("HEKI VTL0 client: hypervisor-enforced kernel integrity");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * scall.c - static call updates in module text VTL1 protects, through
 * PatchText
 *
 * static_call_update() rewrites a key's trampoline and every call site of
 * the key through arch_static_call_transform(site, tramp, func, tail),
 * which writes with text_poke_bp(). When the site or trampoline lies in
 * the text of a module VTL1 validated for heki_vtl0
 * (heki_modhook_text_guarded()), that write faults on Hyper-V (kvm_amd
 * retargeting kvm's kvm_x86_ops calls; xor and raid6_pq on 7.2). VTL1
 * knows those sites and trampolines from the module's signed ELF and
 * accepts the kernel's own forms at them (Documentation/kmod.rst, "Static
 * calls of a validated module").
 *
 * An ftrace hook with IPMODIFY (as pristine.c's on load_module()) runs
 * heki_scall_transform() instead of arch_static_call_transform():
 *  - neither address guarded: the kernel's function runs unchanged;
 *  - guarded: the 5 bytes are computed as __static_call_transform()
 *    computes them on Debian's 6.1, 6.12 and 7.2 (CALL rel32,
 *    xor %eax,%eax behind three CS prefixes for __static_call_return0,
 *    the 5-byte NOP,
 *    JMP rel32, and for a NULL tail call ret; int3 x4 or a JMP to
 *    x86_return_thunk where cpu_wants_rethunk_at() holds), then written
 *    by three PatchText calls in text_poke_bp()'s order (int3 at byte 0,
 *    bytes 1..4, byte 0) under text_mutex, with a serialising IPI to
 *    every CPU after each (text_poke_sync()). A CPU that executes the
 *    int3 meanwhile is sent on by heki_scall_int3() (a DIE_INT3 notifier:
 *    the kernel's poke_int3_handler() knows only text_poke_bp()'s own
 *    batch), which emulates the instruction the site held before.
 *    stop_machine() is no option: static_call_update() holds
 *    cpus_read_lock().
 *  - what cannot be computed or emulated (a 6-byte Jcc tail site, a CALL
 *    translated to a call-depth thunk, 7.2's WARN_trap ud1 form, a site
 *    holding no form this file knows) is refused, as is every step VTL1
 *    refuses: the bytes written so far are put back by PatchText (the
 *    old form is one of the site's forms), the site keeps its old target,
 *    the refusal is counted, logged (ratelimited) and audited. VTL0
 *    never writes protected text here; in the fail-closed state nothing
 *    is written at all.
 *
 * The hook is installed before kernel text is protected and stays while
 * heki_vtl0 is loaded (FTRACE_OPS_FL_PERMANENT: kernel.ftrace_enabled=0
 * is refused); heki_vtl0 unloads only while VTL1 protects nothing for it,
 * so no guarded site is left to the kernel's own path.
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/kdebug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/ptrace.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/wait.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/sync_core.h>
#include <asm/text-patching.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"
#include "compat/ftrace.h"

#define HEKI_SC_SIZE	5
#define HEKI_SC_CALL	0xe8
#define HEKI_SC_JMP	0xe9
#define HEKI_SC_RET	0xc3
#define HEKI_SC_INT3	0xcc
/* kmalloc() aligns a power-of-two size naturally: never across a page */
#define HEKI_SC_DESC_ALLOC	32

typedef void (*heki_scall_fn)(void *site, void *tramp, void *func, bool tail);

static const u8 heki_sc_nop5[HEKI_SC_SIZE] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const u8 heki_sc_xor5rax[HEKI_SC_SIZE] = { 0x2e, 0x2e, 0x2e, 0x31, 0xc0 };
static const u8 heki_sc_ret[HEKI_SC_SIZE] = { HEKI_SC_RET, HEKI_SC_INT3,
					      HEKI_SC_INT3, HEKI_SC_INT3,
					      HEKI_SC_INT3 };

/* The kernel's objects this file needs, found at init. */
static struct {
	heki_scall_fn transform;	/* arch_static_call_transform */
	struct mutex *text_mutex;
	void **return_thunk;		/* &x86_return_thunk */
	unsigned long its_thunk;	/* its_return_thunk, or 0 */
	unsigned long return0;		/* __static_call_return0 */
	unsigned long warn_trap;	/* __WARN_trap (7.x), or 0 */
} heki_sc;

/*
 * The site being rewritten (at most one: text_mutex), for the int3
 * notifier: its address and the instruction it held before.
 */
static struct {
	unsigned long addr;	/* 0: none */
	u8 old[HEKI_SC_SIZE];
} heki_sc_flight;

static bool heki_sc_registered;
static bool heki_sc_die_registered;
static atomic_t heki_sc_inflight = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(heki_sc_wq);
static atomic64_t heki_sc_patched = ATOMIC64_INIT(0);
static atomic64_t heki_sc_refused = ATOMIC64_INIT(0);
static atomic64_t heki_sc_kernel = ATOMIC64_INIT(0);
static atomic64_t heki_sc_emulated = ATOMIC64_INIT(0);
static atomic64_t heki_sc_stuck = ATOMIC64_INIT(0);

/* "@op rel32" at @at to @dest. */
static void heki_sc_rel32(u8 *code, u8 op, unsigned long at,
			  unsigned long dest)
{
	s32 rel = (s32)(dest - (at + HEKI_SC_SIZE));

	code[0] = op;
	memcpy(code + 1, &rel, sizeof(rel));
}

static unsigned long heki_sc_dest(const u8 *code, unsigned long at)
{
	s32 rel;

	memcpy(&rel, code + 1, sizeof(rel));
	return at + HEKI_SC_SIZE + (long)rel;
}

/* cpu_wants_rethunk_at() of 6.1.y, 6.12.y and 7.x */
static bool heki_sc_rethunk_at(unsigned long at)
{
	if (!boot_cpu_has(X86_FEATURE_RETHUNK))
		return false;
	if ((unsigned long)*heki_sc.return_thunk != heki_sc.its_thunk ||
	    !heki_sc.its_thunk)
		return true;
	return !(at & 0x20);
}

/*
 * The bytes __static_call_transform() writes at @at for a site of @tail
 * kind (or a trampoline: @tail) and function @func; @cur is what @at
 * holds. Returns 0 or -EOPNOTSUPP for what this file does not write.
 */
static int heki_sc_code(unsigned long at, const u8 *cur, void *func,
			bool tail, u8 *code)
{
	unsigned long f = (unsigned long)func;

	if (tail && cur[0] == 0x0f && (cur[1] & 0xf0) == 0x80)
		return -EOPNOTSUPP;	/* Jcc: 6 bytes, no PatchText site */
	if (tail && f) {
		heki_sc_rel32(code, HEKI_SC_JMP, at, f);
	} else if (tail) {
		if (heki_sc_rethunk_at(at))
			heki_sc_rel32(code, HEKI_SC_JMP, at,
				      (unsigned long)*heki_sc.return_thunk);
		else
			memcpy(code, heki_sc_ret, HEKI_SC_SIZE);
	} else if (!f) {
		memcpy(code, heki_sc_nop5, HEKI_SC_SIZE);
	} else {
#ifdef X86_FEATURE_CALL_DEPTH
		/* callthunks_translate_call_dest(): a thunk, no entry */
		if (boot_cpu_has(X86_FEATURE_CALL_DEPTH))
			return -EOPNOTSUPP;
#endif
		if (heki_sc.warn_trap && f == heki_sc.warn_trap)
			return -EOPNOTSUPP;
		if (f == heki_sc.return0)
			memcpy(code, heki_sc_xor5rax, HEKI_SC_SIZE);
		else
			heki_sc_rel32(code, HEKI_SC_CALL, at, f);
	}
	return 0;
}

/* Can heki_scall_int3() stand in for @old? */
static bool heki_sc_emulable(const u8 *old)
{
	return old[0] == HEKI_SC_CALL || old[0] == HEKI_SC_JMP ||
	       !memcmp(old, heki_sc_nop5, HEKI_SC_SIZE) ||
	       !memcmp(old, heki_sc_xor5rax, HEKI_SC_SIZE) ||
	       !memcmp(old, heki_sc_ret, HEKI_SC_SIZE);
}

/*
 * DIE_INT3: a CPU hit the int3 at the site being rewritten; run the
 * instruction it held before (regs->ip is just past the int3).
 */
static int heki_scall_int3(struct notifier_block *nb, unsigned long val,
			   void *data)
{
	struct die_args *args = data;
	struct pt_regs *regs = args->regs;
	unsigned long at = READ_ONCE(heki_sc_flight.addr);
	const u8 *old = heki_sc_flight.old;

	if (val != DIE_INT3 || !at || user_mode(regs) ||
	    regs->ip != at + 1)
		return NOTIFY_DONE;
	/* Pairs with the smp_wmb() before the int3 is written. */
	smp_rmb();
	if (old[0] == HEKI_SC_CALL) {
		int3_emulate_push(regs, at + HEKI_SC_SIZE);
		int3_emulate_jmp(regs, heki_sc_dest(old, at));
	} else if (old[0] == HEKI_SC_JMP) {
		int3_emulate_jmp(regs, heki_sc_dest(old, at));
	} else if (!memcmp(old, heki_sc_xor5rax, HEKI_SC_SIZE)) {
		/* what text_poke_bp() emulates: a call of return0 */
		int3_emulate_push(regs, at + HEKI_SC_SIZE);
		int3_emulate_jmp(regs, heki_sc.return0);
	} else if (old[0] == HEKI_SC_RET) {
		int3_emulate_ret(regs);
	} else {
		int3_emulate_jmp(regs, at + HEKI_SC_SIZE);	/* the NOP */
	}
	atomic64_inc(&heki_sc_emulated);
	return NOTIFY_STOP;
}

static struct notifier_block heki_scall_die_nb = {
	.notifier_call = heki_scall_int3,
	/* before anything that would report the int3 as a bug */
	.priority = INT_MAX,
};

static void heki_sc_sync_one(void *unused)
{
	sync_core();
}

/* text_poke_sync(): every CPU serialises before the next step. */
static void heki_sc_sync(void)
{
	on_each_cpu(heki_sc_sync_one, NULL, 1);
}

/*
 * One PatchText step: @len bytes of @code at @at (one byte, or bytes
 * 1..4), the descriptor in @d.
 */
static s64 heki_sc_step(struct heki_patch *d, unsigned long at,
			const u8 *code, unsigned int len)
{
	unsigned long room = PAGE_SIZE - offset_in_page(at);
	u64 pa;
	int ret;

	memset(d, 0, sizeof(*d));
	ret = heki_va_to_pa(at, &pa);
	if (ret)
		return ret;
	d->pa[0] = pa;
	if (room < len) {
		ret = heki_va_to_pa(at + room, &pa);
		if (ret)
			return ret;
		d->pa[1] = pa;
	}
	d->size = len;
	memcpy(d->code, code, len);
	return heki_vtl_call(VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE,
			     virt_to_phys(d), 0, 0);
}

/*
 * text_poke_bp() through VTL1: @old (what @at holds) to @new. On a
 * refused step the site is put back to @old. Caller holds text_mutex.
 */
static s64 heki_sc_poke(unsigned long at, const u8 *old, const u8 *new)
{
	static const u8 int3 = HEKI_SC_INT3;
	struct heki_patch *d;
	s64 ret, undo = 0;

	BUILD_BUG_ON(sizeof(*d) > HEKI_SC_DESC_ALLOC);
	d = kmalloc(HEKI_SC_DESC_ALLOC, GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	memcpy(heki_sc_flight.old, old, HEKI_SC_SIZE);
	/* the old bytes before the address: heki_scall_int3()'s smp_rmb() */
	smp_wmb();
	WRITE_ONCE(heki_sc_flight.addr, at);
	ret = heki_sc_step(d, at, &int3, 1);
	if (ret)
		goto out;
	heki_sc_sync();
	ret = heki_sc_step(d, at + 1, new + 1, HEKI_SC_SIZE - 1);
	if (ret) {
		undo = heki_sc_step(d, at, old, 1);
		goto synced;
	}
	heki_sc_sync();
	ret = heki_sc_step(d, at, new, 1);
	if (ret) {
		undo = heki_sc_step(d, at + 1, old + 1, HEKI_SC_SIZE - 1);
		if (!undo) {
			heki_sc_sync();
			undo = heki_sc_step(d, at, old, 1);
		}
	}
synced:
	heki_sc_sync();
out:
	if (undo || ret == -EPROTO) {
		/*
		 * VTL1 refused to put back a form it held a moment ago, or
		 * gave an answer that says nothing about what it wrote: an
		 * int3 may stay, and so does its emulation (never cleared).
		 */
		atomic64_inc(&heki_sc_stuck);
		pr_err("static call at %pS: int3 may be left in place (PatchText %lld, undo %lld); the old instruction stays emulated\n",
		       (void *)at, ret, undo);
	} else {
		WRITE_ONCE(heki_sc_flight.addr, 0);
	}
	kfree(d);
	return ret;
}

/* @asked: VTL1 gave @err (else heki_vtl0 refused before asking) */
static void heki_sc_refuse(unsigned long at, void *func, s64 err, bool asked)
{
	char detail[96];

	atomic64_inc(&heki_sc_refused);
	snprintf(detail, sizeof(detail), "%pS -> %ps", (void *)at, func);
	pr_warn_ratelimited("static call at %pS -> %ps not updated (%lld): it keeps its old target\n",
			    (void *)at, func, err);
	heki_audit_event("heki_static_call", "refused", err,
			 asked ? VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE : 0,
			 detail);
}

/* One site or trampoline in guarded text, under text_mutex. */
static void heki_sc_update(unsigned long at, void *func, bool tail)
{
	u8 old[HEKI_SC_SIZE], new[HEKI_SC_SIZE];
	bool asked = false;
	s64 ret;

	mutex_lock(heki_sc.text_mutex);
	memcpy(old, (void *)at, HEKI_SC_SIZE);
	ret = heki_sc_code(at, old, func, tail, new);
	if (!ret && !memcmp(old, new, HEKI_SC_SIZE)) {
		mutex_unlock(heki_sc.text_mutex);
		return;
	}
	if (!ret && !heki_sc_emulable(old))
		ret = -EOPNOTSUPP;
	if (!ret && heki_fail_closed())
		ret = -EPERM;
	/* a site left with its int3 keeps the one emulation slot */
	if (!ret && READ_ONCE(heki_sc_flight.addr))
		ret = -EBUSY;
	if (!ret) {
		asked = true;
		ret = heki_sc_poke(at, old, new);
	}
	mutex_unlock(heki_sc.text_mutex);
	if (ret)
		heki_sc_refuse(at, func, ret, asked);
	else
		atomic64_inc(&heki_sc_patched);
}

static void heki_sc_dispatch(void *site, void *tramp, void *func, bool tail)
{
	bool gs = site && heki_modhook_text_guarded((unsigned long)site,
						    HEKI_SC_SIZE);
	bool gt = tramp && heki_modhook_text_guarded((unsigned long)tramp,
						     HEKI_SC_SIZE);

	if (!gs && !gt) {
		atomic64_inc(&heki_sc_kernel);
		heki_sc.transform(site, tramp, func, tail);
		return;
	}
	/* the kernel's order: trampoline, then site */
	if (gt)
		heki_sc_update((unsigned long)tramp, func, true);
	else if (tramp)
		heki_sc.transform(NULL, tramp, func, false);
	if (gs)
		heki_sc_update((unsigned long)site, func, tail);
	else if (site)
		heki_sc.transform(site, NULL, func, tail);
}

/* Runs instead of arch_static_call_transform(). */
static void heki_scall_transform(void *site, void *tramp, void *func,
				 bool tail)
{
	atomic_inc(&heki_sc_inflight);
	heki_sc_dispatch(site, tramp, func, tail);
	if (atomic_dec_and_test(&heki_sc_inflight))
		wake_up(&heki_sc_wq);
}

static void notrace heki_scall_ftrace(unsigned long ip, unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
	/* Our own call of the original must reach it. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	heki_ftrace_set_ip(fregs, (unsigned long)heki_scall_transform);
}

static struct ftrace_ops heki_scall_ops = {
	.func = heki_scall_ftrace,
	.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_RECURSION |
		 FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT,
};

/**
 * heki_scall_init() - route static call updates of guarded text to VTL1
 *
 * Context: process context, before kernel text is protected (the hook
 * rewrites the first instruction of arch_static_call_transform()).
 * Return: 0; -ENOENT if a kernel object it needs is not found; or the
 * error of register_die_notifier() / ftrace. Nothing stays registered
 * on an error.
 */
int heki_scall_init(void)
{
	unsigned long addr = heki_ksym("arch_static_call_transform");
	unsigned long thunk = heki_ksym("x86_return_thunk");
	int ret;

	heki_sc.text_mutex = (struct mutex *)heki_ksym("text_mutex");
	heki_sc.return0 = heki_ksym("__static_call_return0");
	heki_sc.its_thunk = heki_ksym("its_return_thunk");
	heki_sc.warn_trap = heki_ksym("__WARN_trap");
	if (!addr || !thunk || !heki_sc.text_mutex || !heki_sc.return0) {
		pr_err("static calls: arch_static_call_transform, x86_return_thunk, text_mutex or __static_call_return0 not found\n");
		return -ENOENT;
	}
	heki_sc.transform = (heki_scall_fn)addr;
	heki_sc.return_thunk = (void **)thunk;
	ret = register_die_notifier(&heki_scall_die_nb);
	if (ret) {
		pr_err("static calls: int3 notifier failed (%d)\n", ret);
		return ret;
	}
	heki_sc_die_registered = true;
	ret = ftrace_set_filter_ip(&heki_scall_ops, addr, 0, 0);
	if (!ret) {
		ret = register_ftrace_function(&heki_scall_ops);
		if (ret)
			ftrace_set_filter_ip(&heki_scall_ops, addr, 1, 0);
	}
	if (ret) {
		pr_err("static calls: ftrace hook on arch_static_call_transform failed (%d)\n",
		       ret);
		unregister_die_notifier(&heki_scall_die_nb);
		heki_sc_die_registered = false;
		return ret;
	}
	heki_sc_registered = true;
	pr_info("static calls: updates in validated module text go through PatchText (%pS)\n",
		(void *)addr);
	return 0;
}

/**
 * heki_scall_exit() - remove the hook
 *
 * Context: process context; only while VTL1 protects no module text for
 * heki_vtl0 (no token), so no update needs the hook any more.
 */
void heki_scall_exit(void)
{
	if (heki_sc_registered) {
		unregister_ftrace_function(&heki_scall_ops);
		ftrace_set_filter_ip(&heki_scall_ops,
				     (unsigned long)heki_sc.transform, 1, 0);
		/* nobody between the redirect and the hook, or in the hook */
		synchronize_rcu_tasks();
		wait_event(heki_sc_wq, !atomic_read(&heki_sc_inflight));
		synchronize_rcu_tasks();
		heki_sc_registered = false;
	}
	/*
	 * No token: no guarded text, so no int3 of ours is left where
	 * anything runs (a stuck one went with its module).
	 */
	if (heki_sc_die_registered) {
		unregister_die_notifier(&heki_scall_die_nb);
		heki_sc_die_registered = false;
	}
}

/**
 * heki_scall_show() - debugfs summary
 * @m: seq_file to print to
 */
void heki_scall_show(struct seq_file *m)
{
	seq_printf(m, "static_call_hook: %s\n",
		   heki_sc_registered ? "arch_static_call_transform" : "off");
	seq_printf(m, "static_call_patched: %lld\n",
		   (long long)atomic64_read(&heki_sc_patched));
	seq_printf(m, "static_call_refused: %lld\n",
		   (long long)atomic64_read(&heki_sc_refused));
	seq_printf(m, "static_call_kernel_path: %lld\n",
		   (long long)atomic64_read(&heki_sc_kernel));
	seq_printf(m, "static_call_int3_emulated: %lld\n",
		   (long long)atomic64_read(&heki_sc_emulated));
	seq_printf(m, "static_call_stuck: %lld\n",
		   (long long)atomic64_read(&heki_sc_stuck));
}

/* /sys/kernel/heki/static_calls/: the counters of heki_scall_show(). */
HEKI_SYSFS_ATTR(heki_sc, hook, "%s",
		READ_ONCE(heki_sc_registered) ? "on" : "off");
HEKI_SYSFS_ATTR(heki_sc, patched, "%lld",
		(long long)atomic64_read(&heki_sc_patched));
HEKI_SYSFS_ATTR(heki_sc, refused, "%lld",
		(long long)atomic64_read(&heki_sc_refused));
HEKI_SYSFS_ATTR(heki_sc, kernel_path, "%lld",
		(long long)atomic64_read(&heki_sc_kernel));
HEKI_SYSFS_ATTR(heki_sc, int3_emulated, "%lld",
		(long long)atomic64_read(&heki_sc_emulated));
HEKI_SYSFS_ATTR(heki_sc, stuck, "%lld",
		(long long)atomic64_read(&heki_sc_stuck));

static struct attribute *heki_sc_attrs[] = {
	&heki_sc_hook_attr.attr,
	&heki_sc_patched_attr.attr,
	&heki_sc_refused_attr.attr,
	&heki_sc_kernel_path_attr.attr,
	&heki_sc_int3_emulated_attr.attr,
	&heki_sc_stuck_attr.attr,
	NULL,
};

/* /sys/kernel/heki/static_calls/, added by heki_sysfs_init() (main.c). */
const struct attribute_group heki_scall_sysfs_group = {
	.name = "static_calls",
	.attrs = heki_sc_attrs,
};

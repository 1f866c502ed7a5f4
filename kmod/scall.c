// SPDX-License-Identifier: GPL-2.0-only
/*
 * scall.c - static call updates in module text VTL1 protects, through
 * PatchText
 *
 * static_call_update() rewrites a key's trampoline and every call site of
 * the key through arch_static_call_transform(site, tramp, func, tail),
 * which writes with text_poke_bp(). When the site or trampoline lies in
 * the text of a module VTL1 validated for heki_vtl0
 * (heki_modhook_text_guarded()) or in core kernel text VTL1 protects
 * (protect_kernel=1; heki_vtl0's own text with it, where VTL1 has no
 * site: its own tracepoint's updates are refused), that write faults on
 * Hyper-V (kvm_amd retargeting
 * kvm's kvm_x86_ops calls and kvm the kernel's perf guest callbacks;
 * tracepoints; xor and raid6_pq on 7.2). VTL1 knows those sites and
 * trampolines from the module's signed ELF, or from the kernel's own
 * .static_call_sites and kallsyms read at LoadKData, and accepts the
 * kernel's own forms at them (Documentation/kmod.rst, "Static calls of
 * a validated module").
 *
 * An ftrace hook with IPMODIFY (as pristine.c's on load_module()) runs
 * heki_scall_transform() instead of arch_static_call_transform():
 *  - neither address guarded (heki_sc_guarded()): the kernel's function
 *    runs unchanged;
 *  - guarded: the 5 bytes are computed as __static_call_transform()
 *    computes them on Debian's 6.1, 6.12 and 7.2 (CALL rel32,
 *    xor %eax,%eax behind three CS prefixes for __static_call_return0,
 *    the 5-byte NOP,
 *    JMP rel32, and for a NULL tail call ret; int3 x4 or a JMP to
 *    x86_return_thunk where cpu_wants_rethunk_at() holds), then written
 *    under text_mutex by heki_poke() (textpoke.c: three PatchText calls
 *    in text_poke_bp()'s order, a CPU meeting the int3 meanwhile runs
 *    the instruction the site held before).
 *  - what cannot be computed or emulated (a 6-byte Jcc tail site, a CALL
 *    translated to a call-depth thunk, 7.2's WARN_trap ud1 form, a site
 *    holding no form this file knows) is refused, as is every step VTL1
 *    refuses: the bytes written so far are put back by PatchText (the
 *    old form is one of the site's forms), the site keeps its old target,
 *    the refusal is counted, logged (ratelimited) and audited. VTL0
 *    never writes protected text here; in the fail-closed state nothing
 *    is written at all.
 *
 * Tracepoints (heki_scall_tp_reset() and heki_scall_tp_done(), around
 * the protect_kernel step): tracepoint_update_call() points a tracepoint's
 * static call (tp_func_<name>) at its only probe while it has exactly one,
 * at its iterator (__traceiter_<name>, which walks tp->funcs) otherwise.
 * Those keys are on no VTL1 list, so once kernel text is protected every
 * update is refused and the sites keep the target they had. A site left
 * at a probe would keep calling that probe alone after a second probe is
 * added, and with the data of whichever probe is first after the first
 * is removed. Just before ProtectMemory every core kernel tracepoint
 * (for_each_kernel_tracepoint()) whose key or trampoline is not at its
 * iterator is pointed there with __static_call_update() (still the
 * kernel's own path: the text is not protected yet). The iterator is
 * right for any number of probes, so every later refusal leaves a right
 * target. tracepoints_mutex (static in kernel/tracepoint.c, found through
 * kallsyms) is held from the reset until the protect_kernel step is
 * recorded, so no probe is registered in between; without it the reset
 * runs unlocked. Either way the tracepoints are walked again after the
 * step and each whose trampoline does not jump to its iterator (or, while
 * the lock is held, whose key names another function) is counted as
 * mis-wired and logged (/sys/kernel/heki/static_calls/tp_*). Tracepoints
 * of modules are not walked: those of modules loaded before heki_vtl0 sit
 * in text VTL1 does not protect for heki_vtl0 (the kernel's own path keeps
 * updating them); those of modules validated later start at their
 * iterator and their updates go through PatchText (module sites).
 *
 * The hook is installed before kernel text is protected and stays while
 * heki_vtl0 is loaded (FTRACE_OPS_FL_PERMANENT: kernel.ftrace_enabled=0
 * is refused); heki_vtl0 unloads only while VTL1 protects nothing for it
 * (protect_kernel=0, no token), so no guarded site is left to the
 * kernel's own path.
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/atomic.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/static_call.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/tracepoint.h>
#include <asm/cpufeature.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"
#include "fhook.h"
#include "textpoke.h"

#define HEKI_SC_SIZE	5
#define HEKI_SC_CALL	0xe8
#define HEKI_SC_JMP	0xe9
#define HEKI_SC_RET	0xc3
#define HEKI_SC_INT3	0xcc

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
	unsigned long stext;		/* _stext */
	unsigned long etext;		/* _etext */
} heki_sc;

static struct heki_fhook heki_sc_hook;
static atomic64_t heki_sc_patched = ATOMIC64_INIT(0);
static atomic64_t heki_sc_refused = ATOMIC64_INIT(0);
static atomic64_t heki_sc_kernel = ATOMIC64_INIT(0);
static atomic64_t heki_sc_ktext = ATOMIC64_INIT(0);
static atomic64_t heki_sc_going_moved = ATOMIC64_INIT(0);
static struct heki_poke_stats heki_sc_poke_st;

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

/*
 * What @old (at @at) does, for heki_poke()'s int3 notifier. Returns false
 * for an instruction it cannot run.
 */
static bool heki_sc_emul(const u8 *old, unsigned long at,
			 struct heki_poke_emul *e)
{
	e->dest = 0;
	if (old[0] == HEKI_SC_CALL || old[0] == HEKI_SC_JMP) {
		e->kind = old[0] == HEKI_SC_CALL ? HEKI_POKE_CALL : HEKI_POKE_JMP;
		e->dest = heki_sc_dest(old, at);
	} else if (!memcmp(old, heki_sc_xor5rax, HEKI_SC_SIZE)) {
		/* what text_poke_bp() emulates: a call of return0 */
		e->kind = HEKI_POKE_CALL;
		e->dest = heki_sc.return0;
	} else if (!memcmp(old, heki_sc_ret, HEKI_SC_SIZE)) {
		e->kind = HEKI_POKE_RET;
	} else if (!memcmp(old, heki_sc_nop5, HEKI_SC_SIZE)) {
		e->kind = HEKI_POKE_NEXT;
	} else {
		return false;
	}
	return true;
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
	struct heki_poke_emul emul;
	bool asked = false;
	s64 ret;

	mutex_lock(heki_sc.text_mutex);
	memcpy(old, (void *)at, HEKI_SC_SIZE);
	ret = heki_sc_code(at, old, func, tail, new);
	if (!ret && !memcmp(old, new, HEKI_SC_SIZE)) {
		mutex_unlock(heki_sc.text_mutex);
		return;
	}
	if (!ret && !heki_sc_emul(old, at, &emul))
		ret = -EOPNOTSUPP;
	if (!ret && heki_fail_closed())
		ret = -EPERM;
	/* a site left with its int3 keeps the one emulation slot */
	if (!ret && heki_poke_busy())
		ret = -EBUSY;
	if (!ret) {
		asked = true;
		ret = heki_poke(at, HEKI_SC_SIZE, old, new, &emul,
				&heki_sc_poke_st);
	}
	mutex_unlock(heki_sc.text_mutex);
	if (ret) {
		heki_sc_refuse(at, func, ret, asked);
		return;
	}
	atomic64_inc(&heki_sc_patched);
	if (at >= heki_sc.stext && at < heki_sc.etext)
		atomic64_inc(&heki_sc_ktext);
}

/*
 * Is @p in text VTL1 protects and knows the static calls of: a module
 * VTL1 validated for heki_vtl0, or the core kernel's text once VTL1
 * protects it (protect_kernel=1; VTL1 derives its sites and trampolines
 * from the kernel's own .static_call_sites and kallsyms at LoadKData).
 */
static bool heki_sc_guarded(void *p)
{
	unsigned long at = (unsigned long)p;

	if (!p)
		return false;
	if (at >= heki_sc.stext && at < heki_sc.etext &&
	    heki_sc.etext - at >= HEKI_SC_SIZE)
		return heki_boot_text_protected();
	/* heki_vtl0's own tracepoint: VTL1 refuses, nothing is written */
	if (heki_boot_self_text(at, HEKI_SC_SIZE))
		return true;
	return heki_modhook_text_guarded(at, HEKI_SC_SIZE);
}

static void heki_sc_dispatch(void *site, void *tramp, void *func, bool tail)
{
	bool gs = heki_sc_guarded(site);
	bool gt = heki_sc_guarded(tramp);

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
	heki_fhook_enter(&heki_sc_hook);
	heki_sc_dispatch(site, tramp, func, tail);
	heki_fhook_leave(&heki_sc_hook);
}

/* The tracepoint walk of heki_scall_tp_reset() / heki_scall_tp_done(). */
static struct {
	struct mutex *lock;	/* tracepoints_mutex, NULL if not found */
	bool locked;		/* held from reset to done */
	u32 walked;		/* tracepoints with a static call */
	u32 reset;		/* pointed back at their iterator */
	u32 miswired;		/* not at their iterator after the step */
	bool done;
} heki_tp;

/* Where the trampoline at @tramp jumps (JMP rel32), or 0. */
static unsigned long heki_tp_tramp_dest(void *tramp)
{
	u8 code[HEKI_SC_SIZE];

	if (!tramp)
		return 0;
	mutex_lock(heki_sc.text_mutex);
	memcpy(code, tramp, HEKI_SC_SIZE);
	mutex_unlock(heki_sc.text_mutex);
	if (code[0] != HEKI_SC_JMP)
		return 0;
	return heki_sc_dest(code, (unsigned long)tramp);
}

/*
 * Is @tp's static call at its iterator? The trampoline always; the key's
 * function too when @key: after a refused update the key names the probe
 * while the code still calls the iterator, so the key is only evidence
 * while no update can be refused or run (before protection, or under
 * tracepoints_mutex).
 */
static bool heki_tp_at_iterator(struct tracepoint *tp, bool key)
{
	unsigned long it = (unsigned long)tp->iterator;

	if (key && READ_ONCE(tp->static_call_key->func) != tp->iterator)
		return false;
	return heki_tp_tramp_dest(tp->static_call_tramp) == it;
}

static void heki_tp_reset_one(struct tracepoint *tp, void *priv)
{
	void *was;

	/* synthetic events have no static call */
	if (!tp->static_call_key || !tp->iterator)
		return;
	heki_tp.walked++;
	if (heki_tp_at_iterator(tp, true))
		return;
	was = READ_ONCE(tp->static_call_key->func);
	__static_call_update(tp->static_call_key, tp->static_call_tramp,
			     tp->iterator);
	/* returns early when the key alone was at the iterator already */
	if (!heki_tp_at_iterator(tp, true)) {
		pr_warn("static calls: tracepoint %s not pointed at its iterator (it called %ps)\n",
			tp->name, was);
		return;
	}
	heki_tp.reset++;
	pr_info("static calls: tracepoint %s pointed at its iterator (it called %ps)\n",
		tp->name, was);
}

static void heki_tp_check_one(struct tracepoint *tp, void *priv)
{
	if (!tp->static_call_key || !tp->iterator)
		return;
	if (heki_tp_at_iterator(tp, heki_tp.locked))
		return;
	heki_tp.miswired++;
	pr_warn("static calls: tracepoint %s does not call its iterator (key %ps, trampoline to %ps): with kernel text protected its probes may be called wrongly\n",
		tp->name, READ_ONCE(tp->static_call_key->func),
		(void *)heki_tp_tramp_dest(tp->static_call_tramp));
}

/**
 * heki_scall_tp_reset() - point kernel tracepoints at their iterators
 *
 * Every core kernel tracepoint whose static call (key or trampoline) is
 * not at its iterator is pointed there with __static_call_update(). Takes tracepoints_mutex if kallsyms names it and keeps it until
 * heki_scall_tp_done(). Context: process context, in the boot steps,
 * right before ProtectMemory, after heki_scall_init() succeeded (kernel
 * text is not guarded yet, so the updates take the kernel's own path).
 */
void heki_scall_tp_reset(void)
{
	heki_tp.lock = (struct mutex *)heki_ksym("tracepoints_mutex");
	heki_tp.walked = 0;
	heki_tp.reset = 0;
	heki_tp.miswired = 0;
	heki_tp.done = false;
	if (heki_tp.lock) {
		mutex_lock(heki_tp.lock);
		heki_tp.locked = true;
	} else {
		pr_warn("static calls: tracepoints_mutex not found: tracepoints reset without it (a probe registered meanwhile is found only by the check after protection)\n");
	}
	for_each_kernel_tracepoint(heki_tp_reset_one, NULL);
}

/**
 * heki_scall_tp_done() - count tracepoints not at their iterator, unlock
 *
 * Context: process context, right after the protect_kernel step was
 * recorded (heki_boot_text_protected() is final), paired with
 * heki_scall_tp_reset().
 */
void heki_scall_tp_done(void)
{
	for_each_kernel_tracepoint(heki_tp_check_one, NULL);
	if (heki_tp.locked) {
		heki_tp.locked = false;
		mutex_unlock(heki_tp.lock);
	}
	heki_tp.done = true;
	pr_info("static calls: %u kernel tracepoints, %u pointed at their iterator, %u not at it after protection%s\n",
		heki_tp.walked, heki_tp.reset, heki_tp.miswired,
		heki_tp.lock ? "" : " (unlocked walk)");
}

/*
 * Static calls still pointing into a module that goes (review of issue
 * 11, branch unloadref): Linux leaves some keys at a function of a module
 * that unloads while the key's own module stays (kvm's kvm_x86_ops and
 * kvm_pmu_ops keys keep kvm_amd's functions after kvm_amd goes), and VTL1
 * refuses UnloadModule while a site it tracks still branches into the
 * text it would release. Before UnloadModule, heki_scall_going() points
 * every such key at __static_call_return0 through the kernel's own
 * __static_call_update(), so each of its sites and its trampoline is
 * rewritten through the hook above (PatchText where guarded, with the
 * int3 sequence of text_poke_bp()): the kernel's value for "no function"
 * of a key that returns 0 (DEFINE_STATIC_CALL_RET0), harmless for a void
 * one; a key whose owner calls it later runs return0, never freed text.
 * Keys are found through every static call site of the kernel and of each
 * live module; keys of the going module itself go with it. A key found
 * while the module list changes is looked at again on the next pass.
 */
#define HEKI_SC_GOING_KEYS	64
#define HEKI_SC_GOING_PASSES	64

struct heki_sc_going_key {
	struct static_call_key *key;
	struct module *owner;		/* NULL: the core kernel's */
};

static struct static_call_key *heki_sc_site_key(struct static_call_site *s)
{
	unsigned long k = (unsigned long)&s->key + (long)s->key;

	return (struct static_call_key *)(k & ~STATIC_CALL_SITE_FLAGS);
}

/* Add @key once to @keys (@n so far) if its function lies in @mod. */
static void heki_sc_going_add(struct heki_sc_going_key *keys,
			      unsigned int *n, struct static_call_key *key,
			      const struct module *mod, struct list_head *mods)
{
	unsigned long k = (unsigned long)key;
	struct module *m, *owner = NULL;
	unsigned int i;

	if (*n >= HEKI_SC_GOING_KEYS || within_module(k, mod) ||
	    !within_module((unsigned long)READ_ONCE(key->func), mod))
		return;
	for (i = 0; i < *n; i++)
		if (keys[i].key == key)
			return;
	/* in no module: the core kernel's (site tables name only keys) */
	list_for_each_entry_rcu(m, mods, list)
		if (m->state != MODULE_STATE_UNFORMED && within_module(k, m))
			owner = m;
	if (owner && !try_module_get(owner))
		return;
	keys[*n].key = key;
	keys[*n].owner = owner;
	(*n)++;
}

static void heki_sc_going_scan(struct static_call_site *s,
			       struct static_call_site *stop,
			       struct heki_sc_going_key *keys, unsigned int *n,
			       const struct module *mod, struct list_head *mods)
{
	for (; s && s < stop; s++)
		heki_sc_going_add(keys, n, heki_sc_site_key(s), mod, mods);
}

/*
 * Is @head the kernel's module list? heki_vtl0 is on it: walk from its
 * own entry (bounded) until @head. Context: preemption disabled.
 */
static bool heki_sc_is_module_list(struct list_head *head)
{
	struct list_head *self = &THIS_MODULE->list, *p;
	unsigned int i;

	p = READ_ONCE(self->next);
	for (i = 0; p != self && i < 100000; i++, p = READ_ONCE(p->next))
		if (p == head)
			return true;
	return false;
}

/* The trampoline of @key: __SCT__<name> for its __SCK__<name>, or NULL. */
static void *heki_sc_going_tramp(struct static_call_key *key)
{
	char name[KSYM_SYMBOL_LEN], *sp;

	sprint_symbol_no_offset(name, (unsigned long)key);
	sp = strchr(name, ' ');
	if (sp)
		*sp = '\0';
	if (strncmp(name, "__SCK__", 7))
		return NULL;
	name[4] = 'T';
	return (void *)heki_ksym(name);
}

/**
 * heki_scall_going() - move static calls away from a module that goes
 * @mod: the module, at MODULE_STATE_GOING, its memory not yet freed
 *
 * Every static call key outside @mod whose function lies in @mod is
 * pointed at __static_call_return0 (see the comment above). What cannot
 * be moved (an update refused, no trampoline found, more keys than the
 * passes hold) stays, and VTL1 then refuses @mod's UnloadModule: its
 * frames are kept (modhook.c).
 *
 * Context: process context, no heki_vtl0 lock held (the update runs the
 * hook, which takes heki_modhook_lock).
 * Return: the number of keys moved.
 */
unsigned int heki_scall_going(const struct module *mod)
{
	struct list_head *mods = (struct list_head *)heki_ksym("modules");
	struct static_call_site *ks =
		(struct static_call_site *)heki_ksym("__start_static_call_sites");
	struct static_call_site *ke =
		(struct static_call_site *)heki_ksym("__stop_static_call_sites");
	struct heki_sc_going_key keys[HEKI_SC_GOING_KEYS];
	unsigned int pass, i, n, moved = 0;
	struct module *m;

	if (!mods || !heki_fhook_on(&heki_sc_hook))
		return 0;
	for (pass = 0; pass < HEKI_SC_GOING_PASSES; pass++) {
		n = 0;
		preempt_disable();
		if (!heki_sc_is_module_list(mods)) {
			preempt_enable();
			pr_err("static calls: the module list was not found; nothing moved away from %s\n",
			       mod->name);
			break;
		}
		heki_sc_going_scan(ks, ke, keys, &n, mod, mods);
		list_for_each_entry_rcu(m, mods, list) {
			if (m->state == MODULE_STATE_UNFORMED)
				continue;
			heki_sc_going_scan(m->static_call_sites,
					   m->static_call_sites +
					   m->num_static_call_sites,
					   keys, &n, mod, mods);
		}
		preempt_enable();
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			void *tramp = heki_sc_going_tramp(keys[i].key);

			pr_info("static call %ps (%ps) moved to __static_call_return0: its function's module %s goes\n",
				keys[i].key, keys[i].key->func, mod->name);
			__static_call_update(keys[i].key, tramp,
					     (void *)heki_sc.return0);
			if (keys[i].owner)
				module_put(keys[i].owner);
			moved++;
		}
	}
	atomic64_add(moved, &heki_sc_going_moved);
	return moved;
}

/**
 * heki_scall_init() - route static call updates of guarded text to VTL1
 *
 * Context: process context, before kernel text is protected (the hook
 * rewrites the first instruction of arch_static_call_transform()).
 * Return: 0; -ENOENT if a kernel object it needs is not found; or the
 * error of the ftrace hook (fhook.c). Nothing stays registered
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
	heki_sc.stext = heki_ksym("_stext");
	heki_sc.etext = heki_ksym("_etext");
	if (!addr || !thunk || !heki_sc.text_mutex || !heki_sc.return0 ||
	    !heki_sc.stext || heki_sc.etext <= heki_sc.stext) {
		pr_err("static calls: arch_static_call_transform, x86_return_thunk, text_mutex, __static_call_return0 or _stext/_etext not found\n");
		return -ENOENT;
	}
	heki_sc.transform = (heki_scall_fn)addr;
	heki_sc.return_thunk = (void **)thunk;
	ret = heki_fhook_install(&heki_sc_hook, addr, heki_scall_transform);
	if (ret) {
		pr_err("static calls: ftrace hook on arch_static_call_transform failed (%d)\n",
		       ret);
		return ret;
	}
	pr_info("static calls: updates in validated module text and protected kernel text go through PatchText (%pS)\n",
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
	heki_fhook_remove(&heki_sc_hook);
}

/**
 * heki_scall_show() - debugfs summary
 * @m: seq_file to print to
 */
void heki_scall_show(struct seq_file *m)
{
	seq_printf(m, "static_call_hook: %s\n",
		   heki_fhook_on(&heki_sc_hook) ? "arch_static_call_transform" : "off");
	seq_printf(m, "static_call_patched: %lld\n",
		   (long long)atomic64_read(&heki_sc_patched));
	seq_printf(m, "static_call_refused: %lld\n",
		   (long long)atomic64_read(&heki_sc_refused));
	seq_printf(m, "static_call_kernel_text_patched: %lld\n",
		   (long long)atomic64_read(&heki_sc_ktext));
	seq_printf(m, "static_call_kernel_path: %lld\n",
		   (long long)atomic64_read(&heki_sc_kernel));
	seq_printf(m, "static_call_int3_emulated: %lld\n",
		   (long long)atomic64_read(&heki_sc_poke_st.emulated));
	seq_printf(m, "static_call_stuck: %lld\n",
		   (long long)atomic64_read(&heki_sc_poke_st.stuck));
	seq_printf(m, "static_call_tracepoints: %u walked, %u reset, %u miswired%s\n",
		   heki_tp.walked, heki_tp.reset, heki_tp.miswired,
		   !heki_tp.done ? " (not run)" :
		   heki_tp.lock ? "" : " (unlocked)");
}

/* /sys/kernel/heki/static_calls/: the counters of heki_scall_show(). */
HEKI_SYSFS_ATTR(heki_sc, hook, "%s",
		heki_fhook_on(&heki_sc_hook) ? "on" : "off");
HEKI_SYSFS_ATTR(heki_sc, patched, "%lld",
		(long long)atomic64_read(&heki_sc_patched));
HEKI_SYSFS_ATTR(heki_sc, refused, "%lld",
		(long long)atomic64_read(&heki_sc_refused));
HEKI_SYSFS_ATTR(heki_sc, kernel_text_patched, "%lld",
		(long long)atomic64_read(&heki_sc_ktext));
HEKI_SYSFS_ATTR(heki_sc, kernel_path, "%lld",
		(long long)atomic64_read(&heki_sc_kernel));
HEKI_SYSFS_ATTR(heki_sc, int3_emulated, "%lld",
		(long long)atomic64_read(&heki_sc_poke_st.emulated));
HEKI_SYSFS_ATTR(heki_sc, moved_from_going, "%lld",
		(long long)atomic64_read(&heki_sc_going_moved));
HEKI_SYSFS_ATTR(heki_sc, stuck, "%lld",
		(long long)atomic64_read(&heki_sc_poke_st.stuck));
/* -1 until the protect_kernel step ran (and its walk with it) */
HEKI_SYSFS_ATTR(heki_sc, tp_walked, "%lld",
		heki_tp.done ? (long long)heki_tp.walked : -1LL);
HEKI_SYSFS_ATTR(heki_sc, tp_reset, "%lld",
		heki_tp.done ? (long long)heki_tp.reset : -1LL);
HEKI_SYSFS_ATTR(heki_sc, tp_miswired, "%lld",
		heki_tp.done ? (long long)heki_tp.miswired : -1LL);
HEKI_SYSFS_ATTR(heki_sc, tp_locked, "%d", heki_tp.lock ? 1 : 0);

static struct attribute *heki_sc_attrs[] = {
	&heki_sc_hook_attr.attr,
	&heki_sc_patched_attr.attr,
	&heki_sc_refused_attr.attr,
	&heki_sc_kernel_text_patched_attr.attr,
	&heki_sc_kernel_path_attr.attr,
	&heki_sc_int3_emulated_attr.attr,
	&heki_sc_stuck_attr.attr,
	&heki_sc_tp_walked_attr.attr,
	&heki_sc_tp_reset_attr.attr,
	&heki_sc_tp_miswired_attr.attr,
	&heki_sc_tp_locked_attr.attr,
	&heki_sc_moved_from_going_attr.attr,
	NULL,
};

/* /sys/kernel/heki/static_calls/, added by heki_sysfs_init() (main.c). */
const struct attribute_group heki_scall_sysfs_group = {
	.name = "static_calls",
	.attrs = heki_sc_attrs,
};

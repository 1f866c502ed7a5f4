// SPDX-License-Identifier: GPL-2.0-only
/*
 * textpoke.c - text_poke_bp() of a live site in guarded text, through
 * VTL1's PatchText (see textpoke.h)
 *
 * A site of n bytes (2 or 5) goes from @old to @new in text_poke_bp()'s
 * three steps, each one PatchText call: int3 at byte 0, bytes 1..n-1,
 * byte 0; after each every CPU serialises (text_poke_sync(): an IPI
 * running sync_core()). A CPU that executes the int3 meanwhile is sent on
 * by heki_poke_int3() (a DIE_INT3 notifier: the kernel's
 * poke_int3_handler() knows only text_poke_bp()'s own batch), which runs
 * the instruction the site held before, as the caller describes it. A
 * refused step puts the site back to @old by PatchText (the old bytes are
 * one of the site's forms); when VTL1 refuses even that, or gives an
 * answer that says nothing about what it wrote, the int3 may stay and so
 * does its emulation: the site is stuck, and every later poke is refused
 * (heki_poke_busy()) since there is one emulation slot. VTL0 never writes
 * the protected text itself. Callers hold text_mutex: one site at a time.
 * stop_machine() is no option: static_call_update() and the jump label
 * core hold cpus_read_lock().
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/kdebug.h>
#include <linux/notifier.h>
#include <linux/ptrace.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/io.h>
#include <asm/sync_core.h>
#include <asm/text-patching.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_test.h"
#include "textpoke.h"

#define HEKI_POKE_INT3	0xcc
/* kmalloc() aligns a power-of-two size naturally: never across a page */
#define HEKI_POKE_DESC_ALLOC	32

/* The site being rewritten (at most one: text_mutex), for the notifier. */
static struct {
	unsigned long addr;	/* 0: none */
	unsigned int len;
	struct heki_poke_emul emul;
	struct heki_poke_stats *st;
} heki_poke_flight;

static bool heki_poke_registered;
/* A site was left with its int3 (never cleared: heki_poke_stuck()). */
static bool heki_poke_left;

/*
 * DIE_INT3: a CPU hit the int3 at the site being rewritten; run the
 * instruction it held before (regs->ip is just past the int3).
 */
static int heki_poke_int3(struct notifier_block *nb, unsigned long val,
			  void *data)
{
	struct die_args *args = data;
	struct pt_regs *regs = args->regs;
	unsigned long at = READ_ONCE(heki_poke_flight.addr);

	if (val != DIE_INT3 || !at || user_mode(regs) || regs->ip != at + 1)
		return NOTIFY_DONE;
	/* Pairs with the smp_wmb() before the int3 is written. */
	smp_rmb();
	switch (heki_poke_flight.emul.kind) {
	case HEKI_POKE_CALL:
		int3_emulate_push(regs, at + heki_poke_flight.len);
		int3_emulate_jmp(regs, heki_poke_flight.emul.dest);
		break;
	case HEKI_POKE_JMP:
		int3_emulate_jmp(regs, heki_poke_flight.emul.dest);
		break;
	case HEKI_POKE_RET:
		int3_emulate_ret(regs);
		break;
	default:
		int3_emulate_jmp(regs, at + heki_poke_flight.len);
		break;
	}
	atomic64_inc(&heki_poke_flight.st->emulated);
	return NOTIFY_STOP;
}

static struct notifier_block heki_poke_die_nb = {
	.notifier_call = heki_poke_int3,
	/* before anything that would report the int3 as a bug */
	.priority = INT_MAX,
};

static void heki_poke_sync_one(void *unused)
{
	sync_core();
}

/* text_poke_sync(): every CPU serialises before the next step. */
static void heki_poke_sync(void)
{
	on_each_cpu(heki_poke_sync_one, NULL, 1);
}

/* One PatchText step: @len bytes of @code at @at, descriptor in @d. */
static s64 heki_poke_step(struct heki_patch *d, unsigned long at,
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

/**
 * heki_poke() - text_poke_bp() of one site through PatchText
 * @at:   the site (in guarded text)
 * @len:  its size, 2 to HEKI_POKE_MAX
 * @old:  the @len bytes it holds now
 * @new:  the @len bytes it is to hold
 * @emul: what @old does, for a CPU that meets the int3
 * @st:   the caller's counters
 *
 * Context: process context, text_mutex held, !heki_poke_busy(); sends
 * IPIs (cpus_read_lock() may be held).
 * Return: 0; the error of the step VTL1 or the transport refused (the
 * site is then back to @old, unless counted in @st->stuck and logged);
 * -ENOMEM; -EINVAL for a @len out of range.
 */
s64 heki_poke(unsigned long at, unsigned int len, const u8 *old,
	      const u8 *new, const struct heki_poke_emul *emul,
	      struct heki_poke_stats *st)
{
	static const u8 int3 = HEKI_POKE_INT3;
	struct heki_patch *d;
	s64 ret, undo = 0;

	BUILD_BUG_ON(sizeof(*d) > HEKI_POKE_DESC_ALLOC);
	BUILD_BUG_ON(sizeof(d->code) < HEKI_POKE_MAX);
	if (len < 2 || len > HEKI_POKE_MAX)
		return -EINVAL;
	d = kmalloc(HEKI_POKE_DESC_ALLOC, GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	heki_poke_flight.len = len;
	heki_poke_flight.emul = *emul;
	heki_poke_flight.st = st;
	/* the old instruction before the address: heki_poke_int3()'s smp_rmb() */
	smp_wmb();
	WRITE_ONCE(heki_poke_flight.addr, at);
	ret = heki_poke_step(d, at, &int3, 1);
	if (ret)
		goto out;
	heki_poke_sync();
	heki_test_poke_pause();
	ret = heki_poke_step(d, at + 1, new + 1, len - 1);
	if (ret == -EPROTO) {
		/*
		 * Nothing says whether the tail was written: put the old tail
		 * back before the old first byte, so the site never holds
		 * the old opcode with the new tail.
		 */
		undo = heki_poke_step(d, at + 1, old + 1, len - 1);
		if (!undo) {
			heki_poke_sync();
			undo = heki_poke_step(d, at, old, 1);
		}
		goto synced;
	}
	if (ret) {
		undo = heki_poke_step(d, at, old, 1);
		goto synced;
	}
	heki_poke_sync();
	ret = heki_poke_step(d, at, new, 1);
	if (ret) {
		undo = heki_poke_step(d, at + 1, old + 1, len - 1);
		if (!undo) {
			heki_poke_sync();
			undo = heki_poke_step(d, at, old, 1);
		}
	}
synced:
	heki_poke_sync();
out:
	if (undo || ret == -EPROTO) {
		/*
		 * VTL1 refused to put back a form it held a moment ago, or
		 * gave an answer that says nothing about what it wrote: an
		 * int3 may stay, and so does its emulation (never cleared).
		 */
		atomic64_inc(&st->stuck);
		WRITE_ONCE(heki_poke_left, true);
		pr_err("text at %pS: int3 may be left in place (PatchText %lld, undo %lld); the old instruction stays emulated\n",
		       (void *)at, ret, undo);
	} else {
		WRITE_ONCE(heki_poke_flight.addr, 0);
	}
	kfree(d);
	return ret;
}

/**
 * heki_poke_busy() - is a site left with its int3 (the one emulation slot
 * taken)?
 *
 * Context: text_mutex held.
 * Return: true if heki_poke() must not be called.
 */
bool heki_poke_busy(void)
{
	return READ_ONCE(heki_poke_flight.addr) != 0;
}

/**
 * heki_poke_stuck() - was a site left with its int3?
 *
 * Context: any (a plain read; no lock).
 * Return: true once a heki_poke() left its int3 in place; never false
 * again. Unlike heki_poke_busy(), false while a poke is only in progress.
 */
bool heki_poke_stuck(void)
{
	return READ_ONCE(heki_poke_left);
}

/**
 * heki_poke_init() - register the int3 notifier
 *
 * Context: process context, before the first heki_poke().
 * Return: 0 or the error of register_die_notifier().
 */
int heki_poke_init(void)
{
	int ret = register_die_notifier(&heki_poke_die_nb);

	if (ret) {
		pr_err("text patching: int3 notifier failed (%d)\n", ret);
		return ret;
	}
	heki_poke_registered = true;
	return 0;
}

/**
 * heki_poke_exit() - remove the int3 notifier
 *
 * Context: process context, after the hooks that call heki_poke() are
 * gone, and only while VTL1 protects no module text for heki_vtl0 (no
 * token): no guarded text, so no int3 of ours is left where anything runs
 * (a stuck one went with its module).
 */
void heki_poke_exit(void)
{
	if (heki_poke_registered) {
		unregister_die_notifier(&heki_poke_die_nb);
		heki_poke_registered = false;
	}
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * events.c - would-fault events: counted, aggregated, logged
 *
 * An event is recorded from any context (the text_poke hooks run inside
 * the patching code). It is counted, and aggregated under a key: the
 * kernel path for text_poke events (the return addresses above the
 * patching functions), the register for register events, one key for
 * frame-hash events. The first WF_PRINT_PER_KEY events of a
 * key are logged in full from process context, with the owner VTL1
 * records for the frame and the kernel symbol; the rest are counted and
 * appear in the summary. Enabling function tracing alone writes tens of
 * thousands of protected call sites: one line each would drown the log.
 *
 * Log lines, at warning level (in the kernel log, not on a quiet console:
 * under TCG every serial line costs milliseconds, and function tracing
 * makes events by the hundred thousand): "heki_wouldfault: would-fault #N:
 * ..." per event printed (scripts/vm-run.sh counts these), "heki_wouldfault: summary (...)" and
 * "heki_wouldfault:   N events: ..." per key.
 */
#define pr_fmt(fmt) "heki_wouldfault: " fmt
#define HEKI_WOULDFAULT 1

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/pgtable.h>

#include <heki/abi.h>
#include <heki_vtl1.h>

#include "../heki_vtl0.h"
#include "wf.h"

#define WF_KEYS			128
#define WF_PRINT_PER_KEY	4
#define WF_PENDING		64

/**
 * struct wf_key - events aggregated under one kernel path or register
 * @source: enum wf_source
 * @what: the functions of the kernel path (text_poke), the register in
 *	[0], or nothing
 * @names: the names of @what's functions, taken when the key was made
 * @count: events
 * @modules: events that wrote module memory (the rest: the kernel image)
 * @first: sequence number of the first event
 */
struct wf_key {
	u8 source;
	unsigned long what[WF_PATH_DEPTH];
	char names[WF_PATH_DEPTH][WF_NAME_LEN];
	u64 count;
	u64 modules;
	u64 first;
};

struct wf_pending {
	struct wf_event ev;
	u64 seq;
};

static struct {
	u64 total;
	u64 by_source[WF_NSRC];
	u64 unprinted;
	u64 unkeyed;
	unsigned int nkeys;
	struct wf_key keys[WF_KEYS];
	unsigned int npending;
	struct wf_pending pending[WF_PENDING];
} wf_ev;
static DEFINE_SPINLOCK(wf_ev_lock);

static void wf_print_work_fn(struct work_struct *work);
static DECLARE_WORK(wf_print_work, wf_print_work_fn);
/* Serialises printing, so the lines of one flush stay in order. */
static DEFINE_MUTEX(wf_print_lock);

static const char *const wf_source_names[WF_NSRC] = {
	[WF_SRC_TEXT_POKE] = "text_poke",
	[WF_SRC_TEXT_POKE_EARLY] = "text_poke_early",
	[WF_SRC_FRAME_HASH] = "frame hash",
	[WF_SRC_REGISTER] = "register",
};

static void wf_key_of(const struct wf_event *ev, unsigned long *what)
{
	memset(what, 0, sizeof(unsigned long) * WF_PATH_DEPTH);
	switch (ev->source) {
	case WF_SRC_TEXT_POKE:
	case WF_SRC_TEXT_POKE_EARLY:
		memcpy(what, ev->fn, sizeof(ev->fn));
		break;
	case WF_SRC_REGISTER:
		what[0] = ev->reg;
		break;
	default:
		break;
	}
}

/**
 * wf_event_record() - count and queue one would-fault event
 * @ev: the event (copied)
 *
 * Context: any.
 */
void wf_event_record(const struct wf_event *ev)
{
	unsigned long what[WF_PATH_DEPTH], flags;
	struct wf_key *k = NULL;
	unsigned int i;
	u64 seq;

	wf_key_of(ev, what);
	spin_lock_irqsave(&wf_ev_lock, flags);
	seq = ++wf_ev.total;
	wf_ev.by_source[ev->source]++;
	for (i = 0; i < wf_ev.nkeys; i++) {
		if (wf_ev.keys[i].source == ev->source &&
		    !memcmp(wf_ev.keys[i].what, what, sizeof(what))) {
			k = &wf_ev.keys[i];
			break;
		}
	}
	if (!k && wf_ev.nkeys < WF_KEYS) {
		k = &wf_ev.keys[wf_ev.nkeys++];
		k->source = ev->source;
		memcpy(k->what, what, sizeof(what));
		for (i = 0; i < WF_PATH_DEPTH && ev->fn[i]; i++)
			wf_fn_name(ev->fn[i], ev->path[i], k->names[i]);
		k->first = seq;
	}
	if (k) {
		k->count++;
		if (ev->va >= MODULES_VADDR && ev->va < MODULES_END)
			k->modules++;
	} else {
		wf_ev.unkeyed++;
	}
	if (k && k->count <= WF_PRINT_PER_KEY && wf_ev.npending < WF_PENDING) {
		wf_ev.pending[wf_ev.npending].ev = *ev;
		wf_ev.pending[wf_ev.npending].seq = seq;
		wf_ev.npending++;
	} else {
		wf_ev.unprinted++;
	}
	spin_unlock_irqrestore(&wf_ev_lock, flags);
	schedule_work(&wf_print_work);
}

/* Who VTL1 protects @pfn for, as text. */
static void wf_owner_str(u64 pfn, char *buf, size_t size)
{
	struct heki_vtl1_frame_info fi;

	if (heki_loopback_frame_info(pfn, &fi) || !fi.tracked) {
		/* Not in VTL1's map: its own memory (never given to VTL0). */
		strscpy(buf, "VTL1 memory", size);
		return;
	}
	switch (fi.owner) {
	case HEKI_VTL1_OWNER_KERNEL:
		strscpy(buf, "kernel (ProtectMemory)", size);
		break;
	case HEKI_VTL1_OWNER_KDATA:
		strscpy(buf, "kernel data (LoadKData)", size);
		break;
	case HEKI_VTL1_OWNER_MODULE:
		scnprintf(buf, size, "module token %lld", fi.id);
		break;
	case HEKI_VTL1_OWNER_KEXEC:
		strscpy(buf, "kexec image", size);
		break;
	case HEKI_VTL1_OWNER_KEXEC_CRASH:
		strscpy(buf, "crash kexec image", size);
		break;
	case HEKI_VTL1_OWNER_RINGBUF:
		strscpy(buf, "VTL1 ring buffer", size);
		break;
	default:
		scnprintf(buf, size, "owner %u", fi.owner);
		break;
	}
}

/* The kernel path as "f1 <- f2 <- ...", after @prefix; returns its length. */
static size_t wf_path_str(const unsigned long *path, char *buf, size_t size,
			  const char *prefix)
{
	size_t n = 0;
	unsigned int i;

	if (!size)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < WF_PATH_DEPTH && path[i]; i++)
		n += scnprintf(buf + n, size - n, "%s%pS",
			       i ? " <- " : prefix, (void *)path[i]);
	if (!n)
		n = scnprintf(buf, size, "%s(no kernel path found)", prefix);
	return n;
}

/* @path: a scratch page for the kernel path. */
static void wf_print(const struct wf_event *ev, u64 seq, char *path)
{
	char owner[48], prot[5];
	unsigned long va;

	switch (ev->source) {
	case WF_SRC_TEXT_POKE:
	case WF_SRC_TEXT_POKE_EARLY:
		wf_owner_str(ev->pfn, owner, sizeof(owner));
		heki_prot_str(ev->prot, prot);
		wf_path_str(ev->path, path, PAGE_SIZE, "");
		pr_warn("would-fault #%llu: %s wrote %u bytes at %pS (frame %#llx, %s, VTL0 access %s); path: %s\n",
		       seq, wf_source_names[ev->source], ev->len,
		       (void *)ev->va, ev->pfn, owner, prot, path);
		break;
	case WF_SRC_FRAME_HASH:
		wf_owner_str(ev->pfn, owner, sizeof(owner));
		heki_prot_str(ev->prot, prot);
		va = wf_frame_va(ev->pfn);
		if (va)
			va += ev->old << WF_CHUNK_SHIFT;
		pr_warn("would-fault #%llu: frame %#llx (%s, VTL0 access %s) changed outside the patching functions: 256-byte chunks %#x, the first at %pS\n",
		       seq, ev->pfn, owner, prot, ev->len, (void *)va);
		break;
	case WF_SRC_REGISTER:
		pr_warn("would-fault #%llu: CPU %llu: %s is %#llx, LockRegs pinned %#llx\n",
		       seq, ev->pfn, wf_reg_name(ev->reg), ev->new, ev->old);
		break;
	}
}

/**
 * wf_events_flush() - log the queued events now
 *
 * Context: process context.
 */
void wf_events_flush(void)
{
	char *scratch = kmalloc(PAGE_SIZE, GFP_KERNEL);
	struct wf_pending p;
	unsigned long flags;

	mutex_lock(&wf_print_lock);
	for (;;) {
		spin_lock_irqsave(&wf_ev_lock, flags);
		if (!wf_ev.npending) {
			spin_unlock_irqrestore(&wf_ev_lock, flags);
			break;
		}
		p = wf_ev.pending[0];
		wf_ev.npending--;
		memmove(&wf_ev.pending[0], &wf_ev.pending[1],
			wf_ev.npending * sizeof(wf_ev.pending[0]));
		spin_unlock_irqrestore(&wf_ev_lock, flags);
		if (scratch)
			wf_print(&p.ev, p.seq, scratch);
		else
			pr_warn("would-fault #%llu: %s, frame or CPU %#llx (no memory for details)\n",
			       p.seq, wf_source_names[p.ev.source], p.ev.pfn);
	}
	mutex_unlock(&wf_print_lock);
	kfree(scratch);
}

static void wf_print_work_fn(struct work_struct *work)
{
	wf_events_flush();
}

/**
 * wf_events_reset() - forget every event (a new VTL1 starts)
 */
void wf_events_reset(void)
{
	unsigned long flags;

	cancel_work_sync(&wf_print_work);
	spin_lock_irqsave(&wf_ev_lock, flags);
	memset(&wf_ev, 0, sizeof(wf_ev));
	spin_unlock_irqrestore(&wf_ev_lock, flags);
}

/**
 * wf_events_total() - events since the start
 *
 * Return: the count.
 */
u64 wf_events_total(void)
{
	return READ_ONCE(wf_ev.total);
}

/**
 * wf_events_of() - events of one source since the start
 * @src: the source
 *
 * Return: the count.
 */
u64 wf_events_of(enum wf_source src)
{
	return src < WF_NSRC ? READ_ONCE(wf_ev.by_source[src]) : 0;
}

/**
 * wf_keys_str() - one line per key
 * @buf: output
 * @size: its size (lines that do not fit are cut)
 * @indent: the start of every line
 *
 * Return: bytes written.
 */
size_t wf_keys_str(char *buf, size_t size, const char *indent)
{
	unsigned long flags;
	unsigned int i, j;
	size_t n = 0;

	spin_lock_irqsave(&wf_ev_lock, flags);
	for (i = 0; i < wf_ev.nkeys && n < size; i++) {
		const struct wf_key *k = &wf_ev.keys[i];

		if (k->source == WF_SRC_REGISTER) {
			n += scnprintf(buf + n, size - n,
				       "%s%llu events from #%llu: %s %s\n",
				       indent, k->count, k->first,
				       wf_source_names[k->source],
				       wf_reg_name(k->what[0]));
			continue;
		}
		n += scnprintf(buf + n, size - n,
			       "%s%llu events from #%llu: %s (%llu in modules)",
			       indent, k->count, k->first,
			       wf_source_names[k->source], k->modules);
		for (j = 0; j < WF_PATH_DEPTH && k->what[j]; j++)
			n += scnprintf(buf + n, size - n, "%s%s",
				       j ? " <- " : " by ", k->names[j]);
		n += scnprintf(buf + n, size - n, "\n");
	}
	if (wf_ev.unkeyed && n < size)
		n += scnprintf(buf + n, size - n, "%s%llu events under other keys\n",
			       indent, wf_ev.unkeyed);
	spin_unlock_irqrestore(&wf_ev_lock, flags);
	return n;
}

/**
 * wf_events_show() - the counters, for sysfs
 * @buf: output
 * @size: its size
 *
 * Return: bytes written.
 */
ssize_t wf_events_show(char *buf, size_t size)
{
	return scnprintf(buf, size,
		      "events %llu\ntext_poke %llu\ntext_poke_early %llu\nframe_hash %llu\nregister %llu\nnot_printed %llu\nframes %lu\nframes_untracked %lu\nlocked_cpus %u\npatch_calls %lu\n",
		      wf_events_total(), wf_events_of(WF_SRC_TEXT_POKE),
		      wf_events_of(WF_SRC_TEXT_POKE_EARLY),
		      wf_events_of(WF_SRC_FRAME_HASH),
		      wf_events_of(WF_SRC_REGISTER), READ_ONCE(wf_ev.unprinted),
		      wf_frames_tracked(), wf_frames_untracked(),
		      wf_regs_locked_cpus(), wf_poke_calls());
}

/**
 * wf_events_summary() - log the counters, and one line per key if asked
 * @why: what the summary is for ("stopped", "on demand", ...)
 * @keys: also one line per key (they are always in sysfs "keys")
 *
 * Context: process context.
 */
void wf_events_summary(const char *why, bool keys)
{
	char *buf = kvmalloc(WF_KEYS_TEXT_MAX, GFP_KERNEL);
	char *line, *rest;

	wf_events_flush();
	pr_info("summary (%s): %llu would-fault events: %llu text_poke, %llu text_poke_early, %llu frame hash, %llu register (%llu not printed); %lu frames tracked, %lu untracked; %u CPUs locked; %lu text-patching calls seen\n",
		why, wf_events_total(), wf_events_of(WF_SRC_TEXT_POKE),
		wf_events_of(WF_SRC_TEXT_POKE_EARLY),
		wf_events_of(WF_SRC_FRAME_HASH),
		wf_events_of(WF_SRC_REGISTER), READ_ONCE(wf_ev.unprinted),
		wf_frames_tracked(), wf_frames_untracked(),
		wf_regs_locked_cpus(), wf_poke_calls());
	if (!keys || !buf) {
		kvfree(buf);
		return;
	}
	wf_keys_str(buf, WF_KEYS_TEXT_MAX, "  ");
	rest = buf;
	while ((line = strsep(&rest, "\n")) && *line)
		pr_info("%s\n", line);
	kvfree(buf);
}

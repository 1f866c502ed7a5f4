// SPDX-License-Identifier: GPL-2.0-only
/*
 * poke.c - hooks on the kernel's text-patching functions
 *
 * After boot, every write the x86 kernel makes to its own or a module's
 * text through a patching path goes through __text_poke() (text_poke(),
 * the text_poke_bp() batches of jump labels, static calls, ftrace and
 * optimized kprobes, text_poke_copy()/text_poke_set() of BPF, kgdb) or
 * text_poke_early() (alternatives and ftrace on module text that is not
 * read-only yet, static calls during boot). An ftrace hook on each reads
 * the address and length and asks whether VTL1 protects a frame written;
 * if it does, the write would have faulted on Hyper-V: an event, with the
 * kernel path that wrote (the first callers outside the patching
 * functions). The hooks are installed when the in-kernel VTL1 starts,
 * before any frame is protected, and removed when it stops.
 */
#define pr_fmt(fmt) "heki_wouldfault: " fmt
#define HEKI_WOULDFAULT 1

#include <linux/ftrace.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#include "wf.h"

static atomic_long_t wf_poke_seen = ATOMIC_LONG_INIT(0);

/*
 * Return addresses on the stack of a hook, by kind: the hook and ftrace's
 * own code (skipped), the patching functions (skipped), the rest (the
 * path). Each address is resolved once (its function's start and name,
 * kept so a path can be named after its module is gone) and cached.
 */
enum wf_frame_kind {
	WF_KIND_NONE,
	WF_KIND_MECH,
	WF_KIND_POKE,
	WF_KIND_PATH,
};

#define WF_KIND_SLOTS	1024
#define WF_KIND_PROBES	8

static struct wf_kind_slot {
	unsigned long addr;
	unsigned long start;
	u8 kind;
	char name[WF_NAME_LEN];
} wf_kinds[WF_KIND_SLOTS];
static DEFINE_RAW_SPINLOCK(wf_kinds_lock);

static const char *const wf_mech_names[] = {
	"ftrace_caller", "ftrace_regs_caller", "ftrace_call",
	"ftrace_regs_call", "ftrace_ops_list_func",
	"arch_ftrace_ops_list_func", "ftrace_ops_assist_func",
	"ftrace_trampoline",
};

static const char *const wf_poke_prefixes[] = {
	"text_poke", "__text_poke", "smp_text_poke",
};

/* Resolve @addr into @slot (not yet in the table). */
static void wf_kind_slow(unsigned long addr, struct wf_kind_slot *slot)
{
	char sym[KSYM_SYMBOL_LEN], *plus, *mod;
	unsigned long off = 0;
	unsigned int i;

	slot->addr = addr;
	slot->start = addr;
	slot->kind = WF_KIND_PATH;
	if (within_module(addr, THIS_MODULE)) {
		slot->kind = WF_KIND_MECH;
		return;
	}
	/* "name+0xoff/0xsize [module]"; no symbol: an ftrace trampoline. */
	sprint_symbol(sym, addr);
	plus = strchr(sym, '+');
	if (!plus) {
		slot->kind = WF_KIND_MECH;
		return;
	}
	*plus = '\0';
	if (sscanf(plus + 1, "0x%lx", &off) == 1 && off <= addr)
		slot->start = addr - off;
	mod = strchr(plus + 1, '[');
	scnprintf(slot->name, sizeof(slot->name), "%s%s%s", sym,
		  mod ? " " : "", mod ? mod : "");
	for (i = 0; i < ARRAY_SIZE(wf_mech_names); i++)
		if (!strcmp(sym, wf_mech_names[i]))
			slot->kind = WF_KIND_MECH;
	for (i = 0; i < ARRAY_SIZE(wf_poke_prefixes); i++)
		if (str_has_prefix(sym, wf_poke_prefixes[i]))
			slot->kind = WF_KIND_POKE;
}

/* The cached resolution of @addr; false (and *@out unset) if uncached. */
static bool wf_kind_cached(unsigned long addr, struct wf_kind_slot *out)
{
	unsigned int h = hash_long(addr, ilog2(WF_KIND_SLOTS)), i;
	unsigned long flags;
	bool found = false;

	raw_spin_lock_irqsave(&wf_kinds_lock, flags);
	for (i = 0; i < WF_KIND_PROBES; i++) {
		const struct wf_kind_slot *s = &wf_kinds[(h + i) % WF_KIND_SLOTS];

		if (s->addr == addr) {
			*out = *s;
			found = true;
			break;
		}
		if (!s->addr)
			break;
	}
	raw_spin_unlock_irqrestore(&wf_kinds_lock, flags);
	return found;
}

static void wf_kind_of(unsigned long addr, struct wf_kind_slot *out)
{
	unsigned int h = hash_long(addr, ilog2(WF_KIND_SLOTS)), i;
	unsigned long flags;

	if (wf_kind_cached(addr, out))
		return;
	memset(out, 0, sizeof(*out));
	wf_kind_slow(addr, out);
	raw_spin_lock_irqsave(&wf_kinds_lock, flags);
	for (i = 0; i < WF_KIND_PROBES; i++) {
		struct wf_kind_slot *s = &wf_kinds[(h + i) % WF_KIND_SLOTS];

		if (!s->addr) {
			*s = *out;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&wf_kinds_lock, flags);
}

/**
 * wf_fn_name() - the name wf_path() recorded for a function of a path
 * @start: a function start from struct wf_event's @fn
 * @ret: the return address in that function (struct wf_event's @path)
 * @name: receives the name ("function [module]"), WF_NAME_LEN bytes
 *
 * Context: any.
 */
void wf_fn_name(unsigned long start, unsigned long ret, char *name)
{
	struct wf_kind_slot s;

	if (wf_kind_cached(ret, &s) && s.start == start)
		strscpy(name, s.name, WF_NAME_LEN);
	else
		scnprintf(name, WF_NAME_LEN, "%#lx", start);
}

/*
 * The last path found on each CPU and what identifies the call it was
 * found for: the task, its stack pointer at the hooked function's entry
 * and the return address there. Batches (ftrace writes tens of thousands
 * of sites from one loop) repeat all three; unwinding each write again
 * made enabling function tracing take long enough under TCG for RCU to
 * report a stall.
 */
struct wf_last_path {
	struct task_struct *task;
	unsigned long sp;
	unsigned long ret;
	unsigned long path[WF_PATH_DEPTH];
	unsigned long fn[WF_PATH_DEPTH];
};

static DEFINE_PER_CPU(struct wf_last_path, wf_last_path);

/* The kernel path of the current write: callers of the patching code. */
static void wf_path(struct wf_event *ev, const struct pt_regs *regs)
{
	struct wf_last_path *last = this_cpu_ptr(&wf_last_path);
	unsigned long entries[16], ret = 0;
	unsigned int n, i, k = 0;
	struct wf_kind_slot s;
	bool poked = false;

	if (get_kernel_nofault(ret, (unsigned long *)regs->sp))
		ret = 0;
	if (ret && last->task == current && last->sp == regs->sp &&
	    last->ret == ret) {
		memcpy(ev->path, last->path, sizeof(ev->path));
		memcpy(ev->fn, last->fn, sizeof(ev->fn));
		return;
	}
	n = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	for (i = 0; i < n && k < WF_PATH_DEPTH; i++) {
		wf_kind_of(entries[i], &s);
		if (s.kind == WF_KIND_POKE)
			poked = true;
		if (s.kind == WF_KIND_PATH && poked) {
			ev->path[k] = entries[i];
			ev->fn[k++] = s.start;
		}
	}
	last->task = current;
	last->sp = regs->sp;
	last->ret = ret;
	memcpy(last->path, ev->path, sizeof(ev->path));
	memcpy(last->fn, ev->fn, sizeof(ev->fn));
}

/* The frame behind a kernel address that may be patched; 0 if unknown. */
static u64 wf_text_pfn(unsigned long addr)
{
	if (addr >= MODULES_VADDR && addr < MODULES_END)
		return vmalloc_to_pfn((void *)addr);
	if (is_vmalloc_addr((void *)addr))
		return vmalloc_to_pfn((void *)addr);
	if (addr >= __START_KERNEL_map)
		return PHYS_PFN(addr - __START_KERNEL_map + phys_base);
	if (virt_addr_valid(addr))
		return PHYS_PFN(__pa(addr));
	return 0;
}

static void wf_poke_write(enum wf_source src, const struct pt_regs *regs,
			  unsigned long addr, unsigned long len)
{
	struct wf_event ev = { .source = src };
	unsigned long page, last;
	u32 prot;

	atomic_long_inc(&wf_poke_seen);
	if (!len || len > PAGE_SIZE * 2 || addr + len < addr)
		return;
	last = (addr + len - 1) & PAGE_MASK;
	for (page = addr & PAGE_MASK; page <= last; page += PAGE_SIZE) {
		u64 pfn = wf_text_pfn(page);

		/* Every protected frame written is noted, the first reported. */
		if (!pfn || !wf_frame_poked(pfn, &prot) || ev.pfn)
			continue;
		ev.pfn = pfn;
		ev.prot = prot;
	}
	if (!ev.pfn)
		return;
	ev.va = addr;
	ev.len = len;
	wf_path(&ev, regs);
	wf_event_record(&ev);
}

/* __text_poke(func, addr, src, len): RDI, RSI, RDX, RCX. */
static void notrace wf_text_poke_hook(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);

	if (regs && wf_armed())
		wf_poke_write(WF_SRC_TEXT_POKE, regs, regs->si, regs->cx);
}

/* text_poke_early(addr, opcode, len): RDI, RSI, RDX. */
static void notrace wf_text_poke_early_hook(unsigned long ip,
					    unsigned long parent_ip,
					    struct ftrace_ops *ops,
					    struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);

	if (regs && wf_armed())
		wf_poke_write(WF_SRC_TEXT_POKE_EARLY, regs, regs->di,
			      regs->dx);
}

static struct ftrace_ops wf_ops[] = {
	{
		.func = wf_text_poke_hook,
		.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_RECURSION,
	},
	{
		.func = wf_text_poke_early_hook,
		.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_RECURSION,
	},
};

static const char *const wf_hooked[] = { "__text_poke", "text_poke_early" };
static_assert(ARRAY_SIZE(wf_ops) == ARRAY_SIZE(wf_hooked));

static unsigned int wf_ops_live;

/**
 * wf_poke_init() - install the hooks
 *
 * Must run before VTL1 protects any frame (installing a hook patches the
 * hooked function's first instruction).
 *
 * Return: 0, or the ftrace error (e.g. -EINVAL if a function cannot be
 * traced); nothing stays installed on failure.
 */
int wf_poke_init(void)
{
	char name[KSYM_NAME_LEN];
	unsigned int cpu;
	int ret = 0;

	memset(wf_kinds, 0, sizeof(wf_kinds));
	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&wf_last_path, cpu), 0,
		       sizeof(struct wf_last_path));
	atomic_long_set(&wf_poke_seen, 0);
	for (wf_ops_live = 0; wf_ops_live < ARRAY_SIZE(wf_ops);
	     wf_ops_live++) {
		struct ftrace_ops *ops = &wf_ops[wf_ops_live];

		strscpy(name, wf_hooked[wf_ops_live], sizeof(name));
		ret = ftrace_set_filter(ops, name, strlen(name), 1);
		if (!ret)
			ret = register_ftrace_function(ops);
		if (ret) {
			pr_err("cannot hook %s (%d)\n", name, ret);
			ftrace_free_filter(ops);
			wf_poke_exit();
			return ret;
		}
	}
	return 0;
}

/**
 * wf_poke_exit() - remove the hooks installed so far
 */
void wf_poke_exit(void)
{
	while (wf_ops_live) {
		struct ftrace_ops *ops = &wf_ops[--wf_ops_live];

		unregister_ftrace_function(ops);
		ftrace_free_filter(ops);
	}
}

/**
 * wf_poke_calls() - calls of the hooked functions seen since the start
 *
 * Return: the count (every call, protected frame or not).
 */
unsigned long wf_poke_calls(void)
{
	return atomic_long_read(&wf_poke_seen);
}

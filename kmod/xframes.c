// SPDX-License-Identifier: GPL-2.0-only
/*
 * xframes.c - test build, loopback transport: the kernel-executable pages
 * of the guest's own kernel page tables, each compared with what the
 * running VTL1 holds for its frame (debugfs heki/xframes).
 *
 * Issue 10 asks how far the promise is from HVCI's: VTL1 leaves every frame
 * it never protected with the partition's default access, kernel execute
 * included. This view measures that. It walks init_mm's page tables over
 * the kernel half of the address space (the effective access: NX or
 * read-only at any level applies below it), and for every 4 KiB page the
 * walk finds present and executable, asks the loopback VTL1 for its frame
 * (heki_loopback_frame_info()):
 *
 *   vtl1_x   VTL1 holds the frame with kernel execute (validated R|X)
 *   vtl1_nx  VTL1 holds the frame without kernel execute: Hyper-V would
 *            refuse to run it, so the kernel maps it executable where VTL1
 *            says it must not (none expected)
 *   none     a frame VTL1 never protected (or gave back): it keeps kernel
 *            execute under Hyper-V too
 *
 * Each page is attributed to what the address belongs to: the kernel image
 * mapping, a module (its name), a BPF program, an ftrace or kprobe
 * trampoline (kallsyms names them), other module-area memory, the direct
 * map, vmalloc, or other kernel mappings (fixmap, cpu_entry_area, EFI
 * runtime services while they are mapped in init_mm).
 *
 * Output: one line per run of pages with the same attribution and status,
 *   "x VA-VA PAGES STATUS OWNER W|- SYMBOL-OF-THE-FIRST-PAGE",
 * then "total OWNER STATUS PAGES" per pair and "x_pages N vtl1_x N
 * vtl1_nx N none N wx N". Runs only in process context; the walk reads
 * page tables without a lock (x86 does not free the page-table pages of
 * the kernel half while they map something), so a mapping changed during
 * the walk is reported as it was seen.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "heki_policy.h"
#include "heki_vtl0.h"
#include "heki_vtl1.h"

#ifdef CONFIG_X86_64

enum xf_status { XF_VTL1_X, XF_VTL1_NX, XF_NONE, XF_NSTATUS };
static const char *const xf_status_name[XF_NSTATUS] = {
	"vtl1_x", "vtl1_nx", "none"
};

#define XF_OWNER_LEN	40
#define XF_MAX_OWNERS	64

/*
 * The kernel's own answers where it has them (none exported: heki_ksym()):
 * a BPF program or trampoline, an ftrace trampoline, a kprobe instruction
 * slot page (kprobe_insn_slots, kprobe_optinsn_slots).
 */
struct xf_kernel {
	bool (*is_bpf_text)(unsigned long addr);
	bool (*is_ftrace_tramp)(unsigned long addr);
	bool (*is_insn_slot)(void *slots, unsigned long addr);
	void *insn_slots, *optinsn_slots;
};

/**
 * struct xf_run - a run of executable pages being printed
 * @start: first VA
 * @end: one past the last VA
 * @status: enum xf_status
 * @writable: the pages are also writable
 * @owner: what the addresses belong to
 */
struct xf_run {
	unsigned long start, end;
	int status;
	bool writable;
	char owner[XF_OWNER_LEN];
};

/**
 * struct xf_walk - one walk's state
 * @m: the output
 * @run: the run being collected (@run.end == 0: none)
 * @owners: distinct owners seen, with @pages per status
 * @nowners: entries in @owners
 * @pages: executable pages per status, all owners
 * @wx: executable pages also writable
 * @k: the kernel's own classifiers
 */
struct xf_walk {
	struct seq_file *m;
	struct xf_kernel k;
	struct xf_run run;
	struct {
		char name[XF_OWNER_LEN];
		unsigned long pages[XF_NSTATUS];
	} owners[XF_MAX_OWNERS];
	unsigned int nowners;
	unsigned long pages[XF_NSTATUS];
	unsigned long wx;
};

static void xf_kernel_init(struct xf_kernel *k)
{
	k->is_bpf_text = (void *)heki_ksym("is_bpf_text_address");
	k->is_ftrace_tramp = (void *)heki_ksym("is_ftrace_trampoline");
	k->is_insn_slot = (void *)heki_ksym("__is_insn_slot_addr");
	k->insn_slots = (void *)heki_ksym("kprobe_insn_slots");
	k->optinsn_slots = (void *)heki_ksym("kprobe_optinsn_slots");
}

/*
 * A BPF program or trampoline in the page at @va: programs share pages
 * (bpf_prog_pack), so every XF_BPF_CHUNK bytes of the page are asked.
 */
#define XF_BPF_CHUNK	16
static bool xf_bpf_page(const struct xf_kernel *k, unsigned long va)
{
	unsigned long off;

	if (!k->is_bpf_text)
		return false;
	for (off = 0; off < PAGE_SIZE; off += XF_BPF_CHUNK)
		if (k->is_bpf_text(va + off))
			return true;
	return false;
}

/*
 * What @va belongs to: in the module area the kernel's answer (above),
 * else kallsyms' module name, else "module_area_named" or
 * "module_area_unnamed"; outside it the region.
 */
static void xf_owner(const struct xf_kernel *k, unsigned long va, char *out)
{
	char sym[KSYM_SYMBOL_LEN];
	const char *b, *e, *o;

	if (va >= MODULES_VADDR && va < MODULES_END) {
		if (xf_bpf_page(k, va))
			o = "bpf_jit";
		else if (k->is_ftrace_tramp && k->is_ftrace_tramp(va))
			o = "ftrace_trampoline";
		else if (k->is_insn_slot &&
			 ((k->insn_slots && k->is_insn_slot(k->insn_slots, va)) ||
			  (k->optinsn_slots &&
			   k->is_insn_slot(k->optinsn_slots, va))))
			o = "kprobe_insn_slots";
		else
			o = NULL;
		if (o) {
			strscpy(out, o, XF_OWNER_LEN);
			return;
		}
		sprint_symbol(sym, va);
		b = strchr(sym, '[');
		e = b ? strchr(b, ']') : NULL;
		if (b && e && e - b - 1 < XF_OWNER_LEN - 1) {
			memcpy(out, b + 1, e - b - 1);
			out[e - b - 1] = 0;
			return;
		}
		strscpy(out, strncmp(sym, "0x", 2) ? "module_area_named" :
			"module_area_unnamed", XF_OWNER_LEN);
	} else if (va >= __START_KERNEL_map && va < MODULES_VADDR) {
		strscpy(out, "kernel_image", XF_OWNER_LEN);
	} else if (va >= PAGE_OFFSET && va < VMALLOC_START) {
		strscpy(out, "direct_map", XF_OWNER_LEN);
	} else if (va >= VMALLOC_START && va <= VMALLOC_END) {
		strscpy(out, "vmalloc", XF_OWNER_LEN);
	} else {
		strscpy(out, "other", XF_OWNER_LEN);
	}
}

static void xf_flush(struct xf_walk *w)
{
	struct xf_run *r = &w->run;
	char sym[KSYM_SYMBOL_LEN];

	if (!r->end)
		return;
	sprint_symbol(sym, r->start);
	seq_printf(w->m, "x %#lx-%#lx %lu %s %s %c %s\n", r->start, r->end,
		   (r->end - r->start) >> PAGE_SHIFT, xf_status_name[r->status],
		   r->owner, r->writable ? 'W' : '-', sym);
	r->end = 0;
}

static void xf_count(struct xf_walk *w, const char *owner, int status)
{
	unsigned int i;

	for (i = 0; i < w->nowners; i++)
		if (!strcmp(w->owners[i].name, owner))
			break;
	if (i == w->nowners) {
		if (w->nowners == XF_MAX_OWNERS)
			i = XF_MAX_OWNERS - 1;	/* the last one collects the rest */
		else
			strscpy(w->owners[w->nowners++].name, owner,
				XF_OWNER_LEN);
	}
	w->owners[i].pages[status]++;
	w->pages[status]++;
}

/* One executable 4 KiB page at @va, frame @pfn. */
static void xf_page(struct xf_walk *w, unsigned long va, u64 pfn,
		    bool writable)
{
	struct heki_vtl1_frame_info fi;
	char owner[XF_OWNER_LEN];
	int status = XF_NONE;

	if (!heki_loopback_frame_info(pfn, &fi) &&
	    fi.owner != HEKI_VTL1_OWNER_NONE)
		status = fi.prot & hv_page_prot_raw(HV_PAGE_KERNEL_EXECUTABLE) ?
			 XF_VTL1_X : XF_VTL1_NX;
	xf_owner(&w->k, va, owner);
	xf_count(w, owner, status);
	if (writable)
		w->wx++;
	if (w->run.end == va && w->run.status == status &&
	    w->run.writable == writable && !strcmp(w->run.owner, owner)) {
		w->run.end = va + PAGE_SIZE;
		return;
	}
	xf_flush(w);
	w->run.start = va;
	w->run.end = va + PAGE_SIZE;
	w->run.status = status;
	w->run.writable = writable;
	strscpy(w->run.owner, owner, XF_OWNER_LEN);
}

/* A present leaf of @size bytes at @va, first frame @pfn, flags @f. */
static void xf_leaf(struct xf_walk *w, unsigned long va, unsigned long size,
		    u64 pfn, pteval_t f)
{
	unsigned long off;

	if (f & _PAGE_NX)
		return;
	for (off = 0; off < size; off += PAGE_SIZE)
		xf_page(w, va + off, pfn + (off >> PAGE_SHIFT),
			(f & _PAGE_RW) != 0);
	cond_resched();
}

/*
 * The effective flags of a leaf: NX from any level, RW only if every level
 * grants it (x86 page-walk rules).
 */
static pteval_t xf_merge(pteval_t upper, pteval_t f)
{
	return (f & ~(pteval_t)_PAGE_RW) | (upper & _PAGE_NX) |
	       (upper & f & _PAGE_RW);
}

/*
 * The counted loops below never compute an end address: the last entries
 * of the kernel half end at 2^64.
 */
static void xf_pmd(struct xf_walk *w, pud_t *pud, unsigned long va,
		   pteval_t up)
{
	unsigned int i, j;
	unsigned long a;
	pmd_t *pmd, e;
	pte_t *pte, p;
	pteval_t f;

	for (i = 0; i < PTRS_PER_PMD; i++, va += PMD_SIZE) {
		pmd = pmd_offset(pud, va);
		e = READ_ONCE(*pmd);
		if (pmd_none(e) || !pmd_present(e))
			continue;
		f = xf_merge(up, pmd_flags(e));
		if (pmd_leaf(e)) {
			xf_leaf(w, va, PMD_SIZE, pmd_pfn(e), f);
			continue;
		}
		if (f & _PAGE_NX)
			continue;
		for (j = 0, a = va; j < PTRS_PER_PTE; j++, a += PAGE_SIZE) {
			pte = pte_offset_kernel(pmd, a);
			p = READ_ONCE(*pte);
			if (pte_present(p))
				xf_leaf(w, a, PAGE_SIZE, pte_pfn(p),
					xf_merge(f, pte_flags(p)));
		}
	}
}

static void xf_pud(struct xf_walk *w, p4d_t *p4d, unsigned long va,
		   pteval_t up)
{
	unsigned int i;
	pud_t *pud, e;
	pteval_t f;

	for (i = 0; i < PTRS_PER_PUD; i++, va += PUD_SIZE) {
		pud = pud_offset(p4d, va);
		e = READ_ONCE(*pud);
		if (pud_none(e) || !pud_present(e))
			continue;
		f = xf_merge(up, pud_flags(e));
		if (pud_leaf(e))
			xf_leaf(w, va, PUD_SIZE, pud_pfn(e), f);
		else if (!(f & _PAGE_NX))
			xf_pmd(w, pud, va, f);
	}
}

/*
 * Every p4d entry of the kernel half (with 4 levels, every pgd entry) of
 * @mm (init_mm, not exported: heki_ksym()).
 */
static void xf_walk_kernel(struct xf_walk *w, struct mm_struct *mm)
{
	unsigned long va = pgtable_l5_enabled() ? 0xff00000000000000UL :
						  0xffff800000000000UL;
	pgd_t *pgd, g;
	p4d_t *p4d, e;

	for (;;) {
		pgd = pgd_offset(mm, va);
		g = READ_ONCE(*pgd);
		if (!pgd_none(g) && pgd_present(g)) {
			p4d = p4d_offset(pgd, va);
			e = READ_ONCE(*p4d);
			if (!p4d_none(e) && p4d_present(e))
				xf_pud(w, p4d, va,
				       xf_merge(pgd_flags(g), p4d_flags(e)));
		}
		if (va + P4D_SIZE < va)
			break;
		va += P4D_SIZE;
	}
	xf_flush(w);
}

/**
 * heki_xframes_show() - print the executable kernel pages and VTL1's view
 * @m: seq_file of debugfs "xframes"
 *
 * Return: 0, or -ENOMEM (the read fails).
 */
int heki_xframes_show(struct seq_file *m)
{
	struct mm_struct *mm = (struct mm_struct *)heki_ksym("init_mm");
	struct xf_walk *w;
	unsigned int i, s;

	if (!heki_loopback_active()) {
		seq_puts(m, "# loopback transport not running\n");
		return 0;
	}
	if (!mm) {
		seq_puts(m, "# init_mm not found\n");
		return 0;
	}
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	w->m = m;
	xf_kernel_init(&w->k);
	xf_walk_kernel(w, mm);
	for (i = 0; i < w->nowners; i++)
		for (s = 0; s < XF_NSTATUS; s++)
			if (w->owners[i].pages[s])
				seq_printf(m, "total %s %s %lu\n",
					   w->owners[i].name, xf_status_name[s],
					   w->owners[i].pages[s]);
	seq_printf(m, "x_pages %lu vtl1_x %lu vtl1_nx %lu none %lu wx %lu\n",
		   w->pages[XF_VTL1_X] + w->pages[XF_VTL1_NX] +
		   w->pages[XF_NONE], w->pages[XF_VTL1_X],
		   w->pages[XF_VTL1_NX], w->pages[XF_NONE], w->wx);
	kfree(w);
	return 0;
}

#else /* !CONFIG_X86_64 */

int heki_xframes_show(struct seq_file *m)
{
	seq_puts(m, "# x86-64 only\n");
	return 0;
}

#endif

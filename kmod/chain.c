// SPDX-License-Identifier: GPL-2.0-only
/*
 * chain.c - turn kernel virtual ranges into a heki_page chain
 *
 * A chain is a singly linked list of 4 KiB pages, each holding up to
 * HEKI_MAX_RANGES struct heki_range entries. VTL1 follows next_pa until it
 * has read the total number of ranges passed in a2 of the call.
 *
 * Minimality: a new range is only started when the next piece is not
 * physically contiguous with the previous range, has different attributes,
 * or is not virtually contiguous with it. So the list holds exactly one
 * range per maximal run of pieces that are contiguous in both address
 * spaces and share attributes; no range could be merged with its
 * predecessor. Range order follows the order of the adds (VTL1 rebuilds
 * objects by concatenating ranges in order).
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#include <heki/abi.h>

#include "heki_vtl0.h"

static_assert(sizeof(struct heki_page) <= PAGE_SIZE);

static atomic_long_t heki_chain_pages_live = ATOMIC_LONG_INIT(0);

#ifdef HEKI_SELFTEST
int heki_chain_fail_alloc_after;

static bool heki_chain_inject_failure(void)
{
	if (heki_chain_fail_alloc_after <= 0)
		return false;
	return --heki_chain_fail_alloc_after == 0;
}
#else
static inline bool heki_chain_inject_failure(void)
{
	return false;
}
#endif

/**
 * heki_chain_init() - make an empty chain
 * @c: chain to initialise
 */
void heki_chain_init(struct heki_chain *c)
{
	memset(c, 0, sizeof(*c));
}

/**
 * heki_chain_live_pages() - chain pages currently allocated
 *
 * Return: the number of heki_pages allocated by any chain and not yet
 * freed (module-wide; 0 when no chain is being built or sent).
 */
long heki_chain_live_pages(void)
{
	return atomic_long_read(&heki_chain_pages_live);
}

static struct heki_page *heki_chain_new_page(struct heki_chain *c)
{
	struct heki_page *p;
	struct page *page;

	if (c->npages == UINT_MAX || heki_chain_inject_failure())
		return NULL;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return NULL;
	atomic_long_inc(&heki_chain_pages_live);
	p = page_address(page);
	if (c->tail) {
		c->tail->next = (__u64)(unsigned long)p;
		c->tail->next_pa = page_to_phys(page);
	} else {
		c->head = p;
		c->head_pa = page_to_phys(page);
	}
	c->tail = p;
	c->npages++;
	return p;
}

/*
 * Append [pa, epa) mapped at va, or extend the last range if the piece
 * continues it in both address spaces with the same attributes.
 */
static int heki_chain_append(struct heki_chain *c, u64 va, u64 pa, u64 epa,
			     u64 attributes)
{
	struct heki_range *r = c->cur;
	struct heki_page *p = c->tail;

	if (r && r->attributes == attributes && r->epa == pa &&
	    r->va + (r->epa - r->pa) == va) {
		r->epa = epa;
		return 0;
	}
	if (c->nranges == U64_MAX)
		return -EOVERFLOW;
	if (!p || p->nranges >= HEKI_MAX_RANGES) {
		p = heki_chain_new_page(c);
		if (!p)
			return -ENOMEM;
	}
	r = &p->ranges[p->nranges];
	r->va = va;
	r->pa = pa;
	r->epa = epa;
	r->attributes = attributes;
	p->nranges++;
	c->nranges++;
	c->cur = r;
	return 0;
}

static int heki_chain_fail(struct heki_chain *c, int err)
{
	if (!c->err)
		c->err = err;
	return err;
}

/**
 * heki_chain_add_phys() - add one physical range with a given VA
 * @c: chain
 * @va: kernel virtual address of @pa (sent as is)
 * @pa: first physical byte
 * @epa: physical end, exclusive; must be above @pa
 * @attributes: per-call meaning (MemAttr, kdata type, mod_mem_type, ...)
 *
 * The range is merged into the previous one when it continues it both
 * physically and virtually and has the same attributes.
 *
 * Return: 0; -EINVAL for an empty or wrapping range; -ENOMEM when a chain
 * page cannot be allocated. Any error also poisons the chain (@c->err), so
 * it can no longer be sent; free it with heki_chain_free().
 */
int heki_chain_add_phys(struct heki_chain *c, u64 va, u64 pa, u64 epa,
			u64 attributes)
{
	u64 end;

	if (c->err)
		return c->err;
	if (epa <= pa || check_add_overflow(va, epa - pa, &end))
		return heki_chain_fail(c, -EINVAL);
	return heki_chain_fail(c, heki_chain_append(c, va, pa, epa,
						    attributes));
}

/**
 * heki_chain_add_info() - add an information range (no memory)
 * @c: chain
 * @va: the value carried (e.g. a module's per-CPU base)
 * @attributes: per-call meaning (e.g. HEKI_MOD_MEM_PERCPU)
 *
 * Appends {@va, 0, 0, @attributes}; never merged with a neighbour.
 *
 * Return: 0 or -ENOMEM / -EOVERFLOW (which also poison the chain).
 */
int heki_chain_add_info(struct heki_chain *c, u64 va, u64 attributes)
{
	if (c->err)
		return c->err;
	return heki_chain_fail(c, heki_chain_append(c, va, 0, 0, attributes));
}

/**
 * heki_va_to_pa() - physical address behind one kernel virtual address
 * @va: a kernel virtual address (direct map, kernel image, vmalloc,
 *	module memory, any mapping in the kernel page tables)
 * @pa: receives the physical address of the byte at @va
 *
 * The direct map is translated arithmetically; everything else (kernel
 * image, modules, vmalloc) by a walk of the kernel page tables that
 * understands 4 KiB, 2 MiB and 1 GiB mappings. The result must be RAM
 * (pfn_valid), so MMIO mappings are refused.
 *
 * Return: 0, or -EINVAL if @va is not a kernel address, not mapped, or not
 * backed by RAM.
 */
int heki_va_to_pa(unsigned long va, u64 *pa)
{
	unsigned int level;
	u64 base, mask;
	pte_t *pte;

	if (va < PAGE_OFFSET)
		return -EINVAL;
	if (va < __START_KERNEL_map && virt_addr_valid((void *)va)) {
		*pa = __pa(va);
		return 0;
	}
	pte = lookup_address(va, &level);
	if (!pte || !pte_present(*pte))
		return -EINVAL;
	switch (level) {
	case PG_LEVEL_4K:
		base = (u64)pte_pfn(*pte) << PAGE_SHIFT;
		mask = PAGE_MASK;
		break;
	case PG_LEVEL_2M:
		base = (u64)pmd_pfn(*(pmd_t *)pte) << PAGE_SHIFT;
		mask = PMD_MASK;
		break;
	case PG_LEVEL_1G:
		base = (u64)pud_pfn(*(pud_t *)pte) << PAGE_SHIFT;
		mask = PUD_MASK;
		break;
	default:
		return -EINVAL;
	}
	base += va & ~mask;
	if (!pfn_valid(PHYS_PFN(base)))
		return -EINVAL;
	*pa = base;
	return 0;
}

/**
 * heki_chain_add_va() - add a kernel virtual range, split by physical page
 * @c: chain
 * @va: first byte (need not be page aligned)
 * @size: length in bytes, non-zero
 * @attributes: stamped into every range made from this call
 *
 * Walks the range page by page (partial first and last pages included),
 * translates each page with heki_va_to_pa() and appends it, merging
 * physically and virtually contiguous pages with equal attributes. Works
 * for any kernel mapping: direct map, kernel image, vmalloc, modules.
 * Process context: it allocates with GFP_KERNEL and may reschedule.
 *
 * Return: 0; -EINVAL for size 0, a wrapping range or an unmapped page;
 * -ENOMEM when a chain page cannot be allocated (never a dropped range).
 * On error the chain is poisoned (@c->err) and must be freed.
 */
int heki_chain_add_va(struct heki_chain *c, unsigned long va,
		      unsigned long size, u64 attributes)
{
	unsigned long end, chunk, pages = 0;
	u64 pa;
	int ret;

	if (c->err)
		return c->err;
	if (!size || check_add_overflow(va, size, &end))
		return heki_chain_fail(c, -EINVAL);
	while (va < end) {
		chunk = min(PAGE_SIZE - offset_in_page(va), end - va);
		ret = heki_va_to_pa(va, &pa);
		if (ret)
			return heki_chain_fail(c, ret);
		ret = heki_chain_append(c, va, pa, pa + chunk, attributes);
		if (ret)
			return heki_chain_fail(c, ret);
		va += chunk;
		if (!(++pages % 512))
			cond_resched();
	}
	return 0;
}

/**
 * heki_chain_free() - free every page of a chain and re-initialise it
 * @c: chain (empty, partially built, failed or sent)
 */
void heki_chain_free(struct heki_chain *c)
{
	struct heki_page *p = c->head;
	unsigned int n = c->npages;

	while (p && n) {
		struct heki_page *next =
			(struct heki_page *)(unsigned long)p->next;

		free_page((unsigned long)p);
		atomic_long_dec(&heki_chain_pages_live);
		p = next;
		n--;
	}
	heki_chain_init(c);
}

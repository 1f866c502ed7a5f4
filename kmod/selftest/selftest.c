// SPDX-License-Identifier: GPL-2.0-only
/*
 * selftest.c - in-kernel self-tests of heki_vtl0's mechanism (KTAP)
 *
 * Debian's kernel has no KUnit, so this module runs a table of cases from
 * its init function and prints KTAP through printk:
 *
 *	heki_selftest: KTAP version 1
 *	heki_selftest: 1..N
 *	heki_selftest: ok 1 chain_empty
 *	heki_selftest: not ok 2 ...   (with "# ..." diagnostics before it)
 *
 * insmod fails (-EINVAL) if any case fails. The module contains its own
 * copy of the sources under test (kmod/selftest/st_*.c include them with
 * HEKI_SELFTEST defined), so it does not need heki_vtl0.ko, can start and
 * stop transports freely, and can inject allocation failures.
 *
 * After every case the harness also checks that no chain page and no
 * loopback allocation is left behind.
 */
#define HEKI_SELFTEST 1
#define pr_fmt(fmt) "heki_selftest: " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>
#include <asm/io.h>
#include <asm/page.h>

#include <heki/abi.h>
#include <heki_vtl1.h>

#include "../heki_vtl0.h"
#include "../trace.h"
#include "st_pkcs7_vectors.h"
#include "sig/pkcs7.h"

/* ------------------------------------------------------------------ */
/* Harness                                                             */
/* ------------------------------------------------------------------ */

struct st_case {
	const char *name;
	int (*fn)(void);
};

/*
 * CHECK()/CHECK_EQ() are expressions: true (and the case marked failed,
 * with a diagnostic) when the check fails. Cases use them as
 *	if (CHECK(x))
 *		goto out;
 * so "out" frees what the case took.
 */
static bool st_report(int *fail, const char *func, int line, const char *what)
{
	pr_info("    # %s:%d: check failed: %s\n", func, line, what);
	*fail = 1;
	return true;
}

static bool st_ne(long long a, long long b, int *fail, const char *func,
		  int line, const char *what)
{
	if (a == b)
		return false;
	pr_info("    # %s:%d: %s = %lld (%#llx), expected %lld (%#llx)\n",
		func, line, what, a, a, b, b);
	*fail = 1;
	return true;
}

#define CHECK(cond) \
	(!(cond) && st_report(&fail, __func__, __LINE__, #cond))
#define CHECK_EQ(a, b) \
	st_ne((long long)(a), (long long)(b), &fail, __func__, __LINE__, #a)

/* Function id value, e.g. FN(PROTECT_MEMORY). */
#define FN(name) VSM_VTL_CALL_FUNC_ID_##name##_VALUE

/* A VA in the direct map that add_phys tests stamp into ranges. */
#define ST_FAKE_VA	0xffff888000000000ULL

struct st_range {
	u64 va, pa, epa, attr;
};

static u64 st_pa(const void *p)
{
	return virt_to_phys((void *)p);
}

/* Stats slot of a function id. */
static unsigned int st_slot_of(u32 func)
{
	unsigned int i;

	for (i = 0; i < heki_stats_nslots(); i++)
		if (heki_stats_slot_func(i) == func)
			return i;
	return heki_stats_nslots() - 1;
}

/* The chain's pages, in order (NULL past the end). */
static struct heki_page *st_page(const struct heki_chain *c, unsigned int i)
{
	struct heki_page *p = c->head;

	while (p && i--)
		p = (struct heki_page *)(unsigned long)p->next;
	return p;
}

/*
 * Structural invariants of every chain: head_pa is the head's PA, every
 * page but the last is full, next/next_pa link the pages, the last page
 * ends the list, the per-page counts add up to nranges, and no range can
 * be merged into its predecessor (minimality).
 */
static int st_chain_valid(const struct heki_chain *c)
{
	const struct heki_range *prev = NULL;
	struct heki_page *p = c->head;
	unsigned int pages = 0;
	u64 total = 0, i;
	int fail = 0;

	if (!c->nranges) {
		if (CHECK(!c->head))
			goto out;
		if (CHECK_EQ(c->npages, 0))
			goto out;
		return 0;
	}
	if (CHECK(p))
		goto out;
	if (CHECK_EQ(c->head_pa, st_pa(p)))
		goto out;
	while (p) {
		struct heki_page *next =
			(struct heki_page *)(unsigned long)p->next;

		pages++;
		if (CHECK(p->nranges >= 1 && p->nranges <= HEKI_MAX_RANGES))
			goto out;
		if (next) {
			if (CHECK_EQ(p->nranges, HEKI_MAX_RANGES))
				goto out;
			if (CHECK_EQ(p->next_pa, st_pa(next)))
				goto out;
		} else {
			if (CHECK_EQ(p->next_pa, 0))
				goto out;
			if (CHECK(p == c->tail))
				goto out;
		}
		for (i = 0; i < p->nranges; i++) {
			const struct heki_range *r = &p->ranges[i];

			if (CHECK(r->epa > r->pa))
				goto out;
			/* minimality: r could not have been merged */
			if (prev && CHECK(!(prev->attributes == r->attributes &&
					    prev->epa == r->pa &&
					    prev->va + (prev->epa - prev->pa) ==
					    r->va)))
				goto out;
			prev = r;
		}
		if (CHECK_EQ(p->reserved_4088, 0))
			goto out;
		total += p->nranges;
		p = next;
	}
	if (CHECK_EQ(pages, c->npages))
		goto out;
	if (CHECK_EQ(total, c->nranges))
		goto out;
	if (CHECK(c->cur == prev))
		goto out;
out:
	return fail;
}

/* The chain holds exactly these ranges, in this order. */
static int st_chain_is(const struct heki_chain *c, const struct st_range *e,
		       unsigned int n)
{
	unsigned int i;
	int fail = 0;

	if (CHECK(!st_chain_valid(c)))
		goto out;
	if (CHECK_EQ(c->err, 0))
		goto out;
	if (CHECK_EQ(c->nranges, n))
		goto out;
	if (CHECK_EQ(c->npages, DIV_ROUND_UP(n, HEKI_MAX_RANGES)))
		goto out;
	for (i = 0; i < n; i++) {
		struct heki_page *p = st_page(c, i / HEKI_MAX_RANGES);
		const struct heki_range *r;

		if (CHECK(p))
			goto out;
		r = &p->ranges[i % HEKI_MAX_RANGES];
		if (r->va != e[i].va || r->pa != e[i].pa ||
		    r->epa != e[i].epa || r->attributes != e[i].attr) {
			pr_info("    # range %u: {%#llx %#llx %#llx %llu}, expected {%#llx %#llx %#llx %llu}\n",
				i, r->va, r->pa, r->epa, r->attributes,
				e[i].va, e[i].pa, e[i].epa, e[i].attr);
			fail = 1;
			goto out;
		}
	}
out:
	return fail;
}

/*
 * Independent oracle for vmalloc and module memory: per-page PAs from
 * vmalloc_to_pfn(), merged by the documented rule.
 */
static unsigned int st_oracle_vmalloc(unsigned long va, unsigned long size,
				      u64 attr, struct st_range *out,
				      unsigned int max)
{
	unsigned long end = va + size;
	unsigned int n = 0;

	while (va < end) {
		unsigned long chunk = min(PAGE_SIZE - offset_in_page(va),
					  end - va);
		u64 pa = ((u64)vmalloc_to_pfn((void *)va) << PAGE_SHIFT) +
			 offset_in_page(va);

		if (n && out[n - 1].epa == pa &&
		    out[n - 1].va + (out[n - 1].epa - out[n - 1].pa) == va) {
			out[n - 1].epa += chunk;
		} else {
			if (n == max)
				return max + 1;
			out[n++] = (struct st_range){ va, pa, pa + chunk, attr };
		}
		va += chunk;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Chain builder: add_phys, merge rules, page boundaries               */
/* ------------------------------------------------------------------ */

static int st_chain_empty(void)
{
	struct heki_chain c;
	int fail = 0;

	heki_chain_init(&c);
	if (CHECK(!st_chain_valid(&c)))
		goto out;
	if (CHECK_EQ(heki_call_chain(FN(PROTECT_MEMORY), &c, 0), -EINVAL))
		goto out;
out:
	heki_chain_free(&c);
	return fail;
}

static int st_chain_one_range(void)
{
	static const struct st_range e[] = {
		{ ST_FAKE_VA + 0x10, 0x100010, 0x100ff0, 7 },
	};
	struct heki_chain c;
	int fail = 0;

	heki_chain_init(&c);
	if (CHECK_EQ(heki_chain_add_phys(&c, e[0].va, e[0].pa, e[0].epa, 7), 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, 1)))
		goto out;
	if (CHECK_EQ(c.head->next, 0))
		goto out;
	if (CHECK_EQ(c.head->next_pa, 0))
		goto out;
out:
	heki_chain_free(&c);
	return fail;
}

/*
 * Merge-rule table: two add_phys calls, and the ranges that must result.
 * A merge needs PA contiguity, VA contiguity and equal attributes.
 */
struct st_merge_case {
	const char *what;
	struct st_range a, b;
	unsigned int n;
	struct st_range want[2];
};

#define V(x) (ST_FAKE_VA + (x))
static const struct st_merge_case st_merge_cases[] = {
	{ "contiguous", { V(0), 0x200000, 0x201000, 1 },
	  { V(0x1000), 0x201000, 0x203000, 1 }, 1,
	  { { V(0), 0x200000, 0x203000, 1 } } },
	{ "partial pages", { V(0x10), 0x200010, 0x201000, 1 },
	  { V(0x1000), 0x201000, 0x201008, 1 }, 1,
	  { { V(0x10), 0x200010, 0x201008, 1 } } },
	{ "attributes differ", { V(0), 0x200000, 0x201000, 1 },
	  { V(0x1000), 0x201000, 0x202000, 2 }, 2,
	  { { V(0), 0x200000, 0x201000, 1 },
	    { V(0x1000), 0x201000, 0x202000, 2 } } },
	{ "pa gap", { V(0), 0x200000, 0x201000, 1 },
	  { V(0x1000), 0x202000, 0x203000, 1 }, 2,
	  { { V(0), 0x200000, 0x201000, 1 },
	    { V(0x1000), 0x202000, 0x203000, 1 } } },
	{ "va gap", { V(0), 0x200000, 0x201000, 1 },
	  { V(0x2000), 0x201000, 0x202000, 1 }, 2,
	  { { V(0), 0x200000, 0x201000, 1 },
	    { V(0x2000), 0x201000, 0x202000, 1 } } },
	{ "pa backwards", { V(0), 0x201000, 0x202000, 1 },
	  { V(0x1000), 0x200000, 0x201000, 1 }, 2,
	  { { V(0), 0x201000, 0x202000, 1 },
	    { V(0x1000), 0x200000, 0x201000, 1 } } },
	{ "same page twice", { V(0), 0x200000, 0x201000, 1 },
	  { V(0x1000), 0x200000, 0x201000, 1 }, 2,
	  { { V(0), 0x200000, 0x201000, 1 },
	    { V(0x1000), 0x200000, 0x201000, 1 } } },
};
#undef V

static int st_chain_merge_rules(void)
{
	unsigned int i;
	int fail = 0;

	for (i = 0; i < ARRAY_SIZE(st_merge_cases); i++) {
		const struct st_merge_case *m = &st_merge_cases[i];
		struct heki_chain c;
		int bad = 0;

		heki_chain_init(&c);
		if (heki_chain_add_phys(&c, m->a.va, m->a.pa, m->a.epa,
					m->a.attr) ||
		    heki_chain_add_phys(&c, m->b.va, m->b.pa, m->b.epa,
					m->b.attr) ||
		    st_chain_is(&c, m->want, m->n))
			bad = 1;
		heki_chain_free(&c);
		if (bad) {
			pr_info("    # merge case '%s' failed\n", m->what);
			fail = 1;
		}
	}
	return fail;
}

/* Only the last range is a merge candidate: A, B, A' gives 3 ranges. */
static int st_chain_merge_only_last(void)
{
	static const struct st_range e[] = {
		{ ST_FAKE_VA, 0x300000, 0x301000, 0 },
		{ ST_FAKE_VA + 0x1000, 0x500000, 0x501000, 0 },
		{ ST_FAKE_VA + 0x2000, 0x301000, 0x302000, 0 },
	};
	struct heki_chain c;
	unsigned int i;
	int fail = 0;

	heki_chain_init(&c);
	for (i = 0; i < ARRAY_SIZE(e); i++)
		if (CHECK_EQ(heki_chain_add_phys(&c, e[i].va, e[i].pa, e[i].epa,
					     e[i].attr), 0))
			goto out;
	if (CHECK(!st_chain_is(&c, e, ARRAY_SIZE(e))))
		goto out;
out:
	heki_chain_free(&c);
	return fail;
}

/* n ranges that cannot merge: page counts and links at the boundaries. */
static int st_chain_n_ranges(unsigned int n)
{
	struct st_range *e;
	struct heki_chain c;
	unsigned int i;
	int fail = 0;

	heki_chain_init(&c);
	e = kcalloc(n, sizeof(*e), GFP_KERNEL);
	if (CHECK(e))
		goto out;
	for (i = 0; i < n; i++) {
		u64 pa = 0x1000000ULL + (u64)i * 2 * PAGE_SIZE;

		e[i] = (struct st_range){ ST_FAKE_VA + pa, pa, pa + PAGE_SIZE,
					  i & 1 };
		if (CHECK_EQ(heki_chain_add_phys(&c, e[i].va, e[i].pa, e[i].epa,
					     e[i].attr), 0))
			goto out;
	}
	if (CHECK(!st_chain_is(&c, e, n)))
		goto out;
	if (CHECK_EQ(heki_chain_live_pages(), c.npages))
		goto out;
	for (i = 0; i < c.npages; i++) {
		struct heki_page *p = st_page(&c, i);

		if (CHECK(p))
			goto out;
		if (CHECK_EQ(p->nranges, min_t(u64, HEKI_MAX_RANGES,
					  n - i * HEKI_MAX_RANGES)))
			goto out;
	}
out:
	heki_chain_free(&c);
	kfree(e);
	return fail;
}

static int st_chain_127(void)
{
	return st_chain_n_ranges(127);
}

static int st_chain_128(void)
{
	return st_chain_n_ranges(128);
}

static int st_chain_254(void)
{
	return st_chain_n_ranges(254);
}

static int st_chain_255(void)
{
	return st_chain_n_ranges(255);
}

/* Bad arguments fail and poison the chain; nothing is ever sent. */
static int st_chain_bad_args(void)
{
	struct heki_chain c;
	int fail = 0;

	heki_chain_init(&c);
	if (CHECK_EQ(heki_chain_add_phys(&c, ST_FAKE_VA, 0x2000, 0x2000, 0),
		 -EINVAL))
		goto out;
	if (CHECK_EQ(c.err, -EINVAL))
		goto out;
	if (CHECK_EQ(heki_chain_add_phys(&c, ST_FAKE_VA, 0x2000, 0x3000, 0),
		 -EINVAL))
		goto out;
	if (CHECK_EQ(c.nranges, 0))
		goto out;
	if (CHECK_EQ(heki_call_chain(FN(PROTECT_MEMORY), &c, 0), -EINVAL))
		goto out;
	heki_chain_free(&c);

	if (CHECK_EQ(heki_chain_add_phys(&c, ST_FAKE_VA, 0x3000, 0x2000, 0),
		 -EINVAL))
		goto out;
	heki_chain_free(&c);
	if (CHECK_EQ(heki_chain_add_phys(&c, ~0ULL - 10, 0x2000, 0x3000, 0),
		 -EINVAL))
		goto out;
	heki_chain_free(&c);
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)&c, 0, 0), -EINVAL))
		goto out;
	heki_chain_free(&c);
	if (CHECK_EQ(heki_chain_add_va(&c, ~0UL - 10, 100, 0), -EINVAL))
		goto out;
	heki_chain_free(&c);
	/* A user-space address is not a kernel VA. */
	if (CHECK_EQ(heki_chain_add_va(&c, 0x400000, 100, 0), -EINVAL))
		goto out;
	if (CHECK_EQ(c.nranges, 0))
		goto out;
out:
	heki_chain_free(&c);
	return fail;
}

/* Page allocation failure: -ENOMEM, never a dropped range, all freed. */
static int st_chain_alloc_failure(void)
{
	const u32 pm = FN(PROTECT_MEMORY);
	struct heki_call_stats s0, s1;
	struct heki_chain c;
	unsigned int i;
	int fail = 0;

	heki_chain_init(&c);
	heki_stats_get(st_slot_of(pm), &s0);
	/* The second page allocation fails: range 128 cannot be stored. */
	heki_chain_fail_alloc_after = 2;
	for (i = 0; i < HEKI_MAX_RANGES; i++)
		if (CHECK_EQ(heki_chain_add_phys(&c, ST_FAKE_VA + i * 0x2000,
					     0x1000000 + i * 0x2000,
					     0x1001000 + i * 0x2000, 0), 0))
			goto out;
	if (CHECK_EQ(heki_chain_add_phys(&c, ST_FAKE_VA + i * 0x2000,
				     0x1000000 + i * 0x2000,
				     0x1001000 + i * 0x2000, 0), -ENOMEM))
		goto out;
	if (CHECK_EQ(c.err, -ENOMEM))
		goto out;
	if (CHECK_EQ(c.nranges, HEKI_MAX_RANGES))
		goto out;
	if (CHECK_EQ(c.npages, 1))
		goto out;
	if (CHECK_EQ(heki_chain_live_pages(), 1))
		goto out;
	/* Poisoned: later adds fail, the chain is never sent. */
	if (CHECK_EQ(heki_chain_add_phys(&c, ST_FAKE_VA, 0x9000000, 0x9001000, 0),
		 -ENOMEM))
		goto out;
	if (CHECK_EQ(heki_call_chain(pm, &c, 0), -ENOMEM))
		goto out;
	heki_stats_get(st_slot_of(pm), &s1);
	if (CHECK_EQ(s1.refused - s0.refused, 1) ||
	    CHECK_EQ(s1.calls - s0.calls, 0))
		goto out;
	heki_chain_free(&c);
	if (CHECK_EQ(heki_chain_live_pages(), 0))
		goto out;
	if (CHECK_EQ(c.nranges, 0))
		goto out;

	/* The very first allocation fails (add_va path). */
	heki_chain_fail_alloc_after = 1;
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)&c, sizeof(c), 0),
		 -ENOMEM))
		goto out;
	if (CHECK_EQ(c.npages, 0))
		goto out;
	if (CHECK_EQ(heki_chain_live_pages(), 0))
		goto out;
out:
	heki_chain_fail_alloc_after = 0;
	heki_chain_free(&c);
	return fail;
}

/* ------------------------------------------------------------------ */
/* Chain builder: real kernel memory                                   */
/* ------------------------------------------------------------------ */

/* Direct map: 4 physically contiguous pages are one range. */
static int st_chain_direct_map(void)
{
	struct st_range e[1];
	struct heki_chain c;
	struct page *pg;
	void *buf = NULL;
	int fail = 0;

	heki_chain_init(&c);
	pg = alloc_pages(GFP_KERNEL, 2);
	if (CHECK(pg))
		goto out;
	buf = page_address(pg);
	e[0] = (struct st_range){ (unsigned long)buf, page_to_phys(pg),
				  page_to_phys(pg) + 4 * PAGE_SIZE, 3 };
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)buf, 4 * PAGE_SIZE, 3),
		 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, 1)))
		goto out;
	heki_chain_free(&c);

	/* Unaligned start and end inside the same run. */
	e[0].va += 100;
	e[0].pa += 100;
	e[0].epa -= 200;
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)buf + 100,
				   4 * PAGE_SIZE - 300, 3), 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, 1)))
		goto out;
out:
	heki_chain_free(&c);
	if (pg)
		__free_pages(pg, 2);
	return fail;
}

/* kmalloc of several pages (page allocator backed): one exact range. */
static int st_chain_kmalloc(void)
{
	const size_t size = 3 * PAGE_SIZE + 123;
	struct st_range e[1];
	struct heki_chain c;
	void *buf;
	int fail = 0;

	heki_chain_init(&c);
	buf = kmalloc(size, GFP_KERNEL);
	if (CHECK(buf))
		goto out;
	e[0] = (struct st_range){ (unsigned long)buf, st_pa(buf),
				  st_pa(buf) + size, 4 };
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)buf, size, 4), 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, 1)))
		goto out;
out:
	heki_chain_free(&c);
	kfree(buf);
	return fail;
}

/*
 * vmalloc with a known physical layout: the four pages of one order-2
 * block mapped as p0 p1 p3 p2 give exactly three ranges.
 */
static int st_chain_vmap_layout(void)
{
	struct page *blk, *map[4];
	struct st_range e[3];
	struct heki_chain c;
	unsigned long v = 0;
	u64 p0;
	int fail = 0;

	heki_chain_init(&c);
	blk = alloc_pages(GFP_KERNEL, 2);
	if (CHECK(blk))
		goto out;
	map[0] = blk;
	map[1] = blk + 1;
	map[2] = blk + 3;
	map[3] = blk + 2;
	v = (unsigned long)vmap(map, 4, VM_MAP, PAGE_KERNEL);
	if (CHECK(v))
		goto out;
	p0 = page_to_phys(blk);
	e[0] = (struct st_range){ v, p0, p0 + 2 * PAGE_SIZE, 0 };
	e[1] = (struct st_range){ v + 2 * PAGE_SIZE, p0 + 3 * PAGE_SIZE,
				  p0 + 4 * PAGE_SIZE, 0 };
	e[2] = (struct st_range){ v + 3 * PAGE_SIZE, p0 + 2 * PAGE_SIZE,
				  p0 + 3 * PAGE_SIZE, 0 };
	if (CHECK_EQ(heki_chain_add_va(&c, v, 4 * PAGE_SIZE, 0), 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, 3)))
		goto out;
	heki_chain_free(&c);

	/* Partial first and last page. */
	e[0].va += 100;
	e[0].pa += 100;
	e[2].epa -= 100;
	if (CHECK_EQ(heki_chain_add_va(&c, v + 100, 4 * PAGE_SIZE - 200, 0), 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, 3)))
		goto out;
	heki_chain_free(&c);

	/* Two adds merge when contiguous in PA and VA with equal attrs. */
	e[0] = (struct st_range){ v, p0, p0 + 2 * PAGE_SIZE, 5 };
	if (CHECK_EQ(heki_chain_add_va(&c, v, PAGE_SIZE, 5), 0))
		goto out;
	if (CHECK_EQ(heki_chain_add_va(&c, v + PAGE_SIZE, PAGE_SIZE, 5), 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, 1)))
		goto out;
out:
	heki_chain_free(&c);
	if (v)
		vunmap((void *)v);
	if (blk)
		__free_pages(blk, 2);
	return fail;
}

/* vmalloc (physically scattered in general): matches the oracle. */
static int st_chain_vmalloc(void)
{
	const unsigned long size = 16 * PAGE_SIZE;
	struct st_range e[16];
	struct heki_chain c;
	unsigned int n;
	void *buf;
	int fail = 0;

	heki_chain_init(&c);
	buf = vmalloc(size);
	if (CHECK(buf))
		goto out;
	n = st_oracle_vmalloc((unsigned long)buf + 8, size - 16, 2, e, 16);
	if (CHECK(n >= 1 && n <= 16))
		goto out;
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)buf + 8, size - 16, 2),
		 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, n)))
		goto out;
	pr_info("    # vmalloc 16 pages -> %u ranges\n", n);
	heki_chain_free(&c);

	/* The guard page after the area is not mapped: -EINVAL. */
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)buf, size + PAGE_SIZE,
				   2), -EINVAL))
		goto out;
	if (CHECK_EQ(c.err, -EINVAL))
		goto out;
out:
	heki_chain_free(&c);
	vfree(buf);
	return fail;
}

static int st_chain_module_data_anchor;

/* This module's own text and data (module memory, 6.1 core_layout). */
static int st_chain_module_memory(void)
{
	const unsigned int max = 1024;
	struct st_range *e;
	struct heki_chain c;
	unsigned long text, size, data;
	unsigned int n;
	int fail = 0;

	heki_chain_init(&c);
	e = kcalloc(max, sizeof(*e), GFP_KERNEL);
	if (CHECK(e))
		goto out;
#ifndef for_each_mod_mem_type /* Linux < 6.4: core_layout */
	text = (unsigned long)THIS_MODULE->core_layout.base;
	size = THIS_MODULE->core_layout.text_size;
#else
	text = (unsigned long)THIS_MODULE->mem[MOD_TEXT].base;
	size = THIS_MODULE->mem[MOD_TEXT].size;
#endif
	if (CHECK(size >= PAGE_SIZE && size <= (unsigned long)max * PAGE_SIZE))
		goto out;
	n = st_oracle_vmalloc(text, size, 0, e, max);
	if (CHECK(n >= 1 && n <= max))
		goto out;
	if (CHECK_EQ(heki_chain_add_va(&c, text, size, 0), 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, n)))
		goto out;
	pr_info("    # module text %lu pages -> %u ranges\n",
		size >> PAGE_SHIFT, n);
	heki_chain_free(&c);

	data = (unsigned long)&st_chain_module_data_anchor;
	n = st_oracle_vmalloc(data, sizeof(int), 1, e, 1);
	if (CHECK_EQ(n, 1))
		goto out;
	if (CHECK_EQ(heki_chain_add_va(&c, data, sizeof(int), 1), 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, 1)))
		goto out;
out:
	heki_chain_free(&c);
	kfree(e);
	return fail;
}

/* Core kernel image (text, often 2 MiB mappings): __pa_symbol. */
static int st_chain_kernel_image(void)
{
	unsigned long va = (unsigned long)&_printk;
	struct st_range e[1];
	struct heki_chain c;
	u64 pa = __pa_symbol(va);
	int fail = 0;

	heki_chain_init(&c);
	e[0] = (struct st_range){ va, pa, pa + 64, 0 };
	if (CHECK_EQ(heki_chain_add_va(&c, va, 64, 0), 0))
		goto out;
	if (CHECK(!st_chain_is(&c, e, 1)))
		goto out;
out:
	heki_chain_free(&c);
	return fail;
}

/* ------------------------------------------------------------------ */
/* Transports                                                          */
/* ------------------------------------------------------------------ */

/*
 * The hyperv detection's decisions on register values laid out by hand
 * from the TLFS (not with the uapi accessors): PartitionStatus
 * enabled_vtl_set 0..15, maximum_vtl 16..19, mbec_enabled_vtl_set 20..35;
 * VpStatus active_vtl 0..3, active_mbec_enabled 4, enabled_vtl_set
 * 16..31; privileges SynIC = features bit 2, AccessVsm / AccessVpRegisters
 * = priv_high bits 16 / 17; CodePageOffsets vtl_call_offset 0..11.
 */
struct st_hv_case {
	const char *what;
	int kind;		/* 0 privileges, 1 partition, 2 VP, 3 offsets, 4 IBT */
	u64 a, b;
	bool ok;
};

static const struct st_hv_case st_hv_cases[] = {
	{ "privileges all", 0, 0x4, 0x30000, true },
	{ "privileges with others", 0, 0xffffffff, 0xffffffff, true },
	{ "no SynIC", 0, 0xfffffffb, 0x30000, false },
	{ "no AccessVsm", 0, 0x4, 0x20000, false },
	{ "no AccessVpRegisters", 0, 0x4, 0x10000, false },
	{ "partition VTL1 + MBEC", 1, 0x210003, 0, true },
	{ "partition max VTL 2", 1, 0x620007, 0, true },
	{ "partition max VTL 0", 1, 0x200003, 0, false },
	{ "partition VTL1 not enabled", 1, 0x210001, 0, false },
	{ "partition MBEC only for VTL0", 1, 0x110003, 0, false },
	{ "partition nothing", 1, 0, 0, false },
	{ "VP in VTL0, VTL1 + MBEC", 2, 0x30010, 0, true },
	{ "VP in VTL1", 2, 0x30011, 0, false },
	{ "VP MBEC inactive", 2, 0x30000, 0, false },
	{ "VP VTL1 not enabled", 2, 0x10010, 0, false },
	{ "offsets call 0x100 return 0x180", 3, 0x180100, 0, true },
	{ "offsets call 0xfff return 0", 3, 0xfff, 0, true },
	{ "offsets reserved bits ignored", 3, 0xabc0000180100ULL, 0, true },
	{ "offsets call 0 (hypercall entry)", 3, 0x180000, 0, false },
	{ "offsets both 0", 3, 0, 0, false },
	{ "offsets call == return", 3, 0x100100, 0, false },
	{ "offsets call == return, high", 3, 0xfffffff, 0, false },
	/* IBT on (a) and the entry's first 4 bytes, little-endian (b) */
	{ "IBT off, entry without ENDBR64", 4, 0, 0x00401f0f, true },
	{ "IBT off, entry ENDBR64", 4, 0, 0xfa1e0ff3, true },
	{ "IBT on, entry ENDBR64", 4, 1, 0xfa1e0ff3, true },
	{ "IBT on, entry nopl (no ENDBR64)", 4, 1, 0x00401f0f, false },
	{ "IBT on, entry ENDBR32", 4, 1, 0xfb1e0ff3, false },
	{ "IBT on, entry int3", 4, 1, 0xcccccccc, false },
};

static int st_hyperv_decisions(void)
{
	unsigned int i;
	int fail = 0;

	for (i = 0; i < ARRAY_SIZE(st_hv_cases); i++) {
		const struct st_hv_case *hc = &st_hv_cases[i];
		const char *why;

		if (hc->kind == 0)
			why = heki_hv_privileges_reason(hc->a, hc->b);
		else if (hc->kind == 1)
			why = heki_hv_partition_reason(hc->a);
		else if (hc->kind == 2)
			why = heki_hv_vp_reason(hc->a);
		else if (hc->kind == 3)
			why = heki_hv_offsets_reason(hc->a);
		else
			why = heki_hv_ibt_reason(hc->a, hc->b);
		if (!why != hc->ok) {
			pr_info("    # hyperv case '%s': %s\n", hc->what,
				why ? why : "accepted");
			fail = 1;
		}
	}
	if (CHECK_EQ(heki_hv_call_offset(0xdead123abcULL), 0xabc) ||
	    CHECK_EQ(heki_hv_call_offset(0xfff000ULL), 0))
		goto out;
out:
	return fail;
}

static int st_transport_hyperv_refused(void)
{
	int fail = 0;

	/* QEMU TCG does not emulate Hyper-V: detection must refuse. */
	if (CHECK_EQ(heki_hyperv_probe(), -ENODEV))
		goto out;
	if (CHECK_EQ(heki_transport_init("hyperv"), -ENODEV))
		goto out;
	if (CHECK(!strcmp(heki_transport_name(), "none")))
		goto out;
out:
	return fail;
}

static int st_transport_auto_refused(void)
{
	int fail = 0;

	if (CHECK_EQ(heki_transport_init("auto"), -ENODEV))
		goto out;
	if (CHECK_EQ(heki_transport_init(NULL), -ENODEV))
		goto out;
	if (CHECK_EQ(heki_transport_init(""), -ENODEV))
		goto out;
	/* auto never falls back to the loopback */
	if (CHECK(!heki_loopback_active()))
		goto out;
	if (CHECK(!strcmp(heki_transport_name(), "none")))
		goto out;
out:
	return fail;
}

static int st_transport_unknown_name(void)
{
	int fail = 0;

	if (CHECK_EQ(heki_transport_init("vmcall"), -EINVAL))
		goto out;
	if (CHECK_EQ(heki_transport_init("loopback2"), -EINVAL))
		goto out;
	if (CHECK(!strcmp(heki_transport_name(), "none")))
		goto out;
out:
	return fail;
}

/* No transport: -ENODEV, counted as refused, not as a call. */
static int st_transport_none_call(void)
{
	const u32 eob = FN(SIGNAL_END_OF_BOOT);
	struct heki_call_stats s0, s1;
	int fail = 0;

	heki_stats_get(st_slot_of(eob), &s0);
	if (CHECK_EQ(heki_vtl_call(eob, 0, 0, 0), -ENODEV))
		goto out;
	heki_stats_get(st_slot_of(eob), &s1);
	if (CHECK_EQ(s1.refused - s0.refused, 1) ||
	    CHECK_EQ(s1.calls - s0.calls, 0))
		goto out;
out:
	return fail;
}

/*
 * Item 1 of issue 11: every R8 goes through one mapping. A scripted
 * transport answers each call with the table's R8; heki_vtl_call() (the
 * entry point of every caller) must return the kernel result beside it.
 */
static u64 st_script_r8;
/* Probe answer: -EINVAL like VTL1, or (silent) R8 left as it was. */
static bool st_script_silent;
/* Every call returns with R8 as VTL0 set it, as if VTL1 never ran. */
static bool st_script_echo;
static unsigned int st_script_exits, st_script_probes;

static int st_script_init(void)
{
	return 0;
}

static void st_script_exit(void)
{
	st_script_exits++;
}

static int st_script_call(u32 func, u64 a1, u64 a2, u64 a3, u64 *r8)
{
	if (func == HEKI_VTL_PROBE_FUNC) {
		st_script_probes++;
		*r8 = READ_ONCE(st_script_silent) ? a3 : (u64)-EINVAL;
		return 0;
	}
	*r8 = READ_ONCE(st_script_echo) ? a3 : READ_ONCE(st_script_r8);
	return 0;
}

static const struct heki_transport st_script_transport = {
	.name = "script",
	.init = st_script_init,
	.exit = st_script_exit,
	.call = st_script_call,
};

struct st_result_case {
	const char *what;
	u32 func;
	u64 r8;
	s64 want;
	bool malformed;
};

#define NEG(e) ((u64)-(s64)(e))
static const struct st_result_case st_result_cases[] = {
	{ "0 is success", FN(LOCK_REGS), 0, 0, false },
	{ "documented errno kept", FN(LOCK_REGS), NEG(EPERM), -EPERM, false },
	{ "EINVAL (unknown id) kept", FN(LOCK_REGS), NEG(EINVAL), -EINVAL, false },
	{ "positive where none is defined", FN(LOCK_REGS), 1, -EPROTO, true },
	{ "positive, low 32 bits zero", FN(PROTECT_MEMORY), 0x100000000ULL,
	  -EPROTO, true },
	{ "negative, low 32 bits zero", FN(LOAD_KDATA), 0xffffffff00000000ULL,
	  -EPROTO, true },
	{ "negative, low 32 bits a valid errno", FN(SIGNAL_END_OF_BOOT),
	  0xfffffffefffffff3ULL, -EPROTO, true },
	{ "undocumented errno", FN(SIGNAL_END_OF_BOOT), NEG(EXDEV), -EPROTO,
	  true },
	{ "kernel-internal ERESTARTSYS", FN(FREE_MODULE_INIT), NEG(512),
	  -EPROTO, true },
	{ "below -MAX_ERRNO", FN(UNLOAD_MODULE), NEG(4096), -EPROTO, true },
	{ "S64_MIN", FN(KEXEC_VALIDATE), 0x8000000000000000ULL, -EPROTO, true },
	{ "KEXEC_VALIDATE positive", FN(KEXEC_VALIDATE), 5, -EPROTO, true },
	{ "token 0", FN(VALIDATE_MODULE), 0, 0, false },
	{ "token 1", FN(VALIDATE_MODULE), 1, 1, false },
	{ "token max", FN(VALIDATE_MODULE), 0x7fffffff, 0x7fffffff, false },
	{ "token above max", FN(VALIDATE_MODULE), 0x80000000ULL, -EPROTO, true },
	{ "token, high bits set", FN(VALIDATE_MODULE), 0x100000005ULL, -EPROTO,
	  true },
	{ "VALIDATE negative, (int) would be 0", FN(VALIDATE_MODULE),
	  0xffffffff00000000ULL, -EPROTO, true },
	{ "VALIDATE signature refused", FN(VALIDATE_MODULE), NEG(EKEYREJECTED),
	  -EKEYREJECTED, false },
	{ "VALIDATE unknown key", FN(VALIDATE_MODULE), NEG(ENOKEY), -ENOKEY,
	  false },
	{ "EPROTO itself is undocumented", FN(LOCK_REGS), NEG(EPROTO), -EPROTO,
	  true },
};
#undef NEG

static int st_vtl_result_table(void)
{
	struct heki_call_stats s0, s1;
	unsigned int i;
	int fail = 0, started = 0;

	if (CHECK_EQ(heki_transport_test_start(&st_script_transport), 0))
		goto out;
	started = 1;
	for (i = 0; i < ARRAY_SIZE(st_result_cases); i++) {
		const struct st_result_case *c = &st_result_cases[i];
		s64 got;

		WRITE_ONCE(st_script_r8, c->r8);
		heki_stats_get(st_slot_of(c->func), &s0);
		got = heki_vtl_call(c->func, 0, 0, 0);
		heki_stats_get(st_slot_of(c->func), &s1);
		if (got != c->want)
			pr_info("    # %s: R8 %#llx gave %lld\n", c->what, c->r8,
				got);
		if (CHECK_EQ(got, c->want))
			goto out;
		if (CHECK_EQ(s1.malformed - s0.malformed, c->malformed))
			goto out;
		if (CHECK_EQ(heki_vtl_result(c->func, c->r8), c->want))
			goto out;
	}
out:
	if (started)
		heki_transport_exit();
	return fail;
}

/*
 * Item 2: before the first call the transport proves on every online CPU
 * that VTL1 answers; a VTL1 that leaves R8 as it was (poisoned) fails the
 * start, and the transport is stopped again.
 */
static int st_transport_probe(void)
{
	unsigned int exits = st_script_exits;
	int fail = 0, started = 0;
	u64 made0, bad0, made1, bad1;

	heki_vtl_probe_counts(&made0, &bad0);
	st_script_probes = 0;
	if (CHECK_EQ(heki_transport_test_start(&st_script_transport), 0))
		goto out;
	started = 1;
	if (CHECK_EQ(st_script_probes, num_online_cpus()))
		goto out;
	/* The current CPU again, as a hotplug callback would. */
	if (CHECK_EQ(heki_vtl_probe(), 0))
		goto out;
	WRITE_ONCE(st_script_silent, true);
	if (CHECK_EQ(heki_vtl_probe(), -ENODEV))
		goto out;
	heki_transport_exit();
	started = 0;
	if (CHECK_EQ(heki_transport_test_start(&st_script_transport), -ENODEV))
		goto out;
	if (CHECK(!strcmp(heki_transport_name(), "none")))
		goto out;
	if (CHECK_EQ(st_script_exits - exits, 2))
		goto out;
	if (CHECK_EQ(heki_vtl_probe(), -ENODEV))
		goto out;
	heki_vtl_probe_counts(&made1, &bad1);
	if (CHECK(made1 - made0 >= num_online_cpus() + 3) ||
	    CHECK(bad1 - bad0 >= 2))
		goto out;
out:
	WRITE_ONCE(st_script_silent, false);
	if (started)
		heki_transport_exit();
	return fail;
}

/*
 * A call VTL1 never answers comes back with R8 as VTL0 loaded it. Where
 * VTL1 ignores R8 (ValidateModule's flags included) or reads only whether
 * it is non-zero (KexecValidate, crash), heki_vtl0 loads the poison, so
 * callers that pass 0 or 1 do not read that as success or as a token.
 */
static int st_vtl_result_unanswered(void)
{
	static const struct {
		u32 func;
		u64 a3;
	} calls[] = {
		{ FN(LOCK_REGS), 0 }, { FN(SIGNAL_END_OF_BOOT), 0 },
		{ FN(PROTECT_MEMORY), 0 }, { FN(LOAD_KDATA), 0 },
		{ FN(FREE_MODULE_INIT), 0 }, { FN(UNLOAD_MODULE), 0 },
		{ FN(VALIDATE_MODULE), HEKI_VALIDATE_MODULE_FLAGS_NONE },
		{ FN(KEXEC_VALIDATE), HEKI_KEXEC_VALIDATE_CRASH },
	};
	unsigned int i;
	int fail = 0, started = 0;

	if (CHECK_EQ(heki_transport_test_start(&st_script_transport), 0))
		goto out;
	started = 1;
	WRITE_ONCE(st_script_echo, true);
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		if (CHECK_EQ(heki_vtl_call(calls[i].func, 0, 0, calls[i].a3),
			     -EPROTO))
			goto out;
	/*
	 * The limit the ABI leaves (abi.rst, KEXEC_VALIDATE): the normal
	 * kind's selector is 0, so an unanswered call reads as success.
	 */
	if (CHECK_EQ(heki_vtl_call(FN(KEXEC_VALIDATE), 0, 0,
				   HEKI_KEXEC_VALIDATE_NORMAL), 0))
		goto out;
out:
	WRITE_ONCE(st_script_echo, false);
	if (started)
		heki_transport_exit();
	return fail;
}

/* The chain path (heki_call_chain) goes through the same mapping. */
static int st_vtl_result_chain(void)
{
	struct heki_chain c;
	int fail = 0, started = 0;

	heki_chain_init(&c);
	if (CHECK_EQ(heki_transport_test_start(&st_script_transport), 0))
		goto out;
	started = 1;
	if (CHECK_EQ(heki_chain_add_phys(&c, ST_FAKE_VA, 0x200000, 0x201000,
					 1), 0))
		goto out;
	WRITE_ONCE(st_script_r8, 0xffffffff00000000ULL);
	if (CHECK_EQ(heki_call_chain(FN(VALIDATE_MODULE), &c, 0), -EPROTO))
		goto out;
	WRITE_ONCE(st_script_r8, 42);
	if (CHECK_EQ(heki_call_chain(FN(VALIDATE_MODULE), &c, 0), 42))
		goto out;
	if (CHECK_EQ(heki_call_chain(FN(PROTECT_MEMORY), &c, 0), -EPROTO))
		goto out;
out:
	if (started)
		heki_transport_exit();
	heki_chain_free(&c);
	return fail;
}

static int st_loopback_start_stop(void)
{
	int fail = 0, started = 0;

	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	if (CHECK(!strcmp(heki_transport_name(), "loopback")))
		goto out;
	if (CHECK(heki_loopback_active()))
		goto out;
	if (CHECK_EQ(heki_transport_init("loopback"), -EBUSY))
		goto out;
	if (CHECK_EQ(heki_transport_init("auto"), -ENODEV))
		goto out;
out:
	if (started)
		heki_transport_exit();
	if (heki_loopback_active() || strcmp(heki_transport_name(), "none"))
		fail = 1;
	return fail;
}

static int st_loopback_unknown_id(void)
{
	struct heki_call_stats s0, s1;
	unsigned int slot = st_slot_of(0);
	int fail = 0, started = 0;

	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	/* After the start: its per-CPU probes are counted in OTHER too. */
	heki_stats_get(slot, &s0);
	if (CHECK_EQ(heki_vtl_call(0x12345, 1, 2, 3), -EINVAL))
		goto out;
	if (CHECK_EQ(heki_vtl_call(0x1FFDF, 0, 0, 0), -EINVAL))
		goto out;
	heki_stats_get(slot, &s1);
	if (CHECK_EQ(s1.calls - s0.calls, 2))
		goto out;
	if (CHECK_EQ(s1.errors - s0.errors, 2))
		goto out;
	if (CHECK_EQ(s1.last_ret, -EINVAL))
		goto out;
out:
	if (started)
		heki_transport_exit();
	return fail;
}

/*
 * BOOT_APS through the loopback exercises the copy-to-VTL0 path: VTL1
 * writes the boot token into the signal page for every CPU of the mask.
 */
static int st_loopback_boot_aps(void)
{
	struct page *mask_pg = NULL, *sig_pg = NULL;
	int fail = 0, started = 0;
	u64 *mask;
	u8 *sig;

	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	mask_pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	sig_pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (CHECK(mask_pg && sig_pg))
		goto out;
	mask = page_address(mask_pg);
	sig = page_address(sig_pg);
	mask[0] = 0xb;			/* CPUs 0, 1 and 3 */
	sig[100] = 0x5a;		/* bytes beyond the mask stay as they were */
	if (CHECK_EQ(heki_vtl_call(FN(BOOT_APS), page_to_pfn(mask_pg),
				   page_to_pfn(sig_pg), 0), 0) ||
	    CHECK_EQ(sig[0], HV_SECURE_VTL_BOOT_TOKEN) ||
	    CHECK_EQ(sig[1], HV_SECURE_VTL_BOOT_TOKEN) ||
	    CHECK_EQ(sig[2], 0) ||
	    CHECK_EQ(sig[3], HV_SECURE_VTL_BOOT_TOKEN) ||
	    CHECK_EQ(sig[4], 0) ||
	    CHECK_EQ(sig[100], 0x5a))
		goto out;
out:
	if (started)
		heki_transport_exit();
	if (sig_pg)
		__free_page(sig_pg);
	if (mask_pg)
		__free_page(mask_pg);
	return fail;
}

struct st_trace_seen {
	unsigned int hits;
	u32 func;
	u64 a1, a2, a3;
	s64 ret;
};

static void st_trace_probe(void *data, u32 func, const char *name, u64 a1,
			   u64 a2, u64 a3, s64 ret, u64 duration_ns)
{
	struct st_trace_seen *s = data;

	s->hits++;
	s->func = func;
	s->a1 = a1;
	s->a2 = a2;
	s->a3 = a3;
	s->ret = ret;
}

/* One tracepoint hit per VTL call, with the arguments and the result. */
static int st_loopback_tracepoint(void)
{
	struct st_trace_seen seen = {};
	int fail = 0, started = 0, reg = 0;

	if (CHECK_EQ(register_trace_heki_vtl_call(st_trace_probe, &seen), 0))
		goto out;
	reg = 1;
	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	if (CHECK_EQ(heki_vtl_call(0x54321, 11, 22, 33), -EINVAL))
		goto out;
	if (CHECK_EQ(seen.hits, 1))
		goto out;
	if (CHECK_EQ(seen.func, 0x54321))
		goto out;
	if (CHECK_EQ(seen.a1, 11))
		goto out;
	if (CHECK_EQ(seen.a2, 22))
		goto out;
	if (CHECK_EQ(seen.a3, 33))
		goto out;
	if (CHECK_EQ(seen.ret, -EINVAL))
		goto out;
out:
	if (started)
		heki_transport_exit();
	if (reg) {
		unregister_trace_heki_vtl_call(st_trace_probe, &seen);
		tracepoint_synchronize_unregister();
	}
	return fail;
}

/*
 * PROTECT_MEMORY through the loopback: one chain, one VTL call; VTL1 sets
 * the protection, the loopback records it (R -> readable + user-exec in
 * LiteBox's mapping), neighbouring pages stay at full access.
 */
static int st_loopback_protect(void)
{
	struct heki_call_stats s0, s1;
	unsigned int slot = st_slot_of(FN(PROTECT_MEMORY));
	struct heki_chain c;
	struct page *pg = NULL;
	int fail = 0, started = 0;
	u32 prot = 0;
	u64 pa;

	heki_chain_init(&c);
	heki_stats_get(slot, &s0);
	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	pg = alloc_pages(GFP_KERNEL, 2);
	if (CHECK(pg))
		goto out;
	pa = page_to_phys(pg);
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)page_address(pg) +
				   PAGE_SIZE, 2 * PAGE_SIZE,
				   heki_mem_attr_raw(MEM_ATTR_READ)), 0))
		goto out;
	if (CHECK_EQ(heki_call_chain(FN(PROTECT_MEMORY), &c, 0), 0))
		goto out;
	heki_stats_get(slot, &s1);
	if (CHECK_EQ(s1.calls - s0.calls, 1))
		goto out;
	if (CHECK_EQ(s1.errors - s0.errors, 0))
		goto out;
	if (CHECK_EQ(s1.ranges - s0.ranges, 1))
		goto out;
	if (CHECK_EQ(s1.pages - s0.pages, 1))
		goto out;
	if (CHECK_EQ(heki_loopback_prot_count(), 1))
		goto out;
	if (CHECK_EQ(heki_loopback_prot_lookup(pa + PAGE_SIZE, &prot), 0))
		goto out;
	if (CHECK_EQ(prot, hv_page_prot_raw(heki_mem_attr_to_hv_page_prot(
				MEM_ATTR_READ))))
		goto out;
	if (CHECK_EQ(heki_loopback_prot_lookup(pa + 2 * PAGE_SIZE + 5, &prot), 0))
		goto out;
	if (CHECK_EQ(heki_loopback_prot_lookup(pa, &prot), -ENOENT))
		goto out;
	if (CHECK_EQ(heki_loopback_prot_lookup(pa + 3 * PAGE_SIZE, &prot),
		 -ENOENT))
		goto out;
out:
	heki_chain_free(&c);
	if (started)
		heki_transport_exit();
	if (heki_loopback_prot_lookup(0, &prot) != -ENODEV)
		fail = 1;
	if (pg)
		__free_pages(pg, 2);
	return fail;
}

/* An unaligned PROTECT_MEMORY range is refused and records nothing. */
static int st_loopback_protect_unaligned(void)
{
	struct heki_chain c;
	void *buf = NULL;
	int fail = 0, started = 0;

	heki_chain_init(&c);
	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	buf = kmalloc(64, GFP_KERNEL);
	if (CHECK(buf))
		goto out;
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)buf, 64,
				   heki_mem_attr_raw(MEM_ATTR_READ)), 0))
		goto out;
	if (CHECK_EQ(heki_call_chain(FN(PROTECT_MEMORY), &c, 0), -EINVAL))
		goto out;
	if (CHECK_EQ(heki_loopback_prot_count(), 0))
		goto out;
out:
	heki_chain_free(&c);
	kfree(buf);
	if (started)
		heki_transport_exit();
	return fail;
}

/* After SIGNAL_END_OF_BOOT, PROTECT_MEMORY and LOCK_REGS get -EPERM. */
static int st_loopback_end_of_boot(void)
{
	struct heki_chain c;
	struct page *pg = NULL;
	int fail = 0, started = 0;
	s64 r = 1;

	heki_chain_init(&c);
	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	if (CHECK_EQ(heki_vtl_call_on_cpu(0, FN(LOCK_REGS), 0, 0, 0, &r), 0))
		goto out;
	if (CHECK_EQ(r, 0))
		goto out;
	if (CHECK_EQ(heki_vtl_call_on_cpu(nr_cpu_ids, FN(LOCK_REGS), 0, 0, 0, &r),
		 -EINVAL))
		goto out;
	if (CHECK_EQ(heki_vtl_call(FN(SIGNAL_END_OF_BOOT), 0, 0, 0), 0))
		goto out;
	pg = alloc_page(GFP_KERNEL);
	if (CHECK(pg))
		goto out;
	if (CHECK_EQ(heki_chain_add_va(&c, (unsigned long)page_address(pg),
				   PAGE_SIZE,
				   heki_mem_attr_raw(MEM_ATTR_READ)), 0))
		goto out;
	if (CHECK_EQ(heki_call_chain(FN(PROTECT_MEMORY), &c, 0), -EPERM))
		goto out;
	if (CHECK_EQ(heki_vtl_call_on_cpu(0, FN(LOCK_REGS), 0, 0, 0, &r), 0))
		goto out;
	if (CHECK_EQ(r, -EPERM))
		goto out;
	if (CHECK_EQ(heki_loopback_prot_count(), 0))
		goto out;
out:
	heki_chain_free(&c);
	if (started)
		heki_transport_exit();
	if (pg)
		__free_page(pg);
	return fail;
}

/* LOAD_KDATA pointing at memory that does not exist: -EFAULT. */
static int st_loopback_bad_pa(void)
{
	struct heki_chain c;
	int fail = 0, started = 0;

	heki_chain_init(&c);
	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	if (CHECK_EQ(heki_chain_add_phys(&c, ST_FAKE_VA, 1ULL << 46,
				     (1ULL << 46) + 64,
				     heki_kdata_type_raw(HEKI_KDATA_SYSTEM_CERTS)),
		 0))
		goto out;
	if (CHECK_EQ(heki_call_chain(FN(LOAD_KDATA), &c, 0), -EFAULT))
		goto out;
out:
	heki_chain_free(&c);
	if (started)
		heki_transport_exit();
	return fail;
}

/*
 * The loopback's record of protections (debugfs "protections"): a table
 * of modify_vtl_protection sequences and the exact runs that must remain.
 * Pages are counted from an arbitrary base; R = 1, W = 2, X = 4, F = full
 * access (VTL0's default, never listed).
 */
#define PR 1
#define PW 2
#define PX 4
#define PF 0xf

struct st_prot_op {
	u64 first, npages;
	u32 prot;
};

struct st_prot_case {
	const char *what;
	unsigned int nops, nruns;
	struct st_prot_op ops[4];
	struct st_prot_op runs[4];
};

static const struct st_prot_case st_prot_cases[] = {
	{ "one run", 1, 1, { { 10, 10, PR } }, { { 10, 10, PR } } },
	{ "split in three", 2, 3, { { 10, 10, PR }, { 12, 2, PR | PW } },
	  { { 10, 2, PR }, { 12, 2, PR | PW }, { 14, 6, PR } } },
	{ "split then merged back", 3, 1,
	  { { 10, 10, PR }, { 12, 2, PR | PW }, { 12, 2, PR } },
	  { { 10, 10, PR } } },
	{ "full access removes", 2, 0, { { 10, 10, PR }, { 0, 30, PF } } },
	{ "full access punches a hole", 2, 2, { { 0, 10, PR }, { 2, 2, PF } },
	  { { 0, 2, PR }, { 4, 6, PR } } },
	{ "adjacent equal merge", 2, 1, { { 0, 5, PR }, { 5, 5, PR } },
	  { { 0, 10, PR } } },
	{ "adjacent different stay", 2, 2, { { 5, 5, PR }, { 0, 5, PX } },
	  { { 0, 5, PX }, { 5, 5, PR } } },
	{ "one op over three runs", 4, 3,
	  { { 0, 5, PR }, { 10, 5, PW }, { 20, 5, PR }, { 3, 19, PX } },
	  { { 0, 3, PR }, { 3, 19, PX }, { 22, 3, PR } } },
	{ "insert first and last", 3, 3,
	  { { 10, 1, PR }, { 0, 1, PW }, { 20, 1, PX } },
	  { { 0, 1, PW }, { 10, 1, PR }, { 20, 1, PX } } },
	{ "exact overwrite", 2, 1, { { 4, 4, PR }, { 4, 4, PX | PR } },
	  { { 4, 4, PX | PR } } },
};

static int st_loopback_prot_map(void)
{
	const u64 base = 1ULL << 40;
	struct heki_lb_prot got[8];
	unsigned int i, k;
	int fail = 0;

	for (i = 0; i < ARRAY_SIZE(st_prot_cases); i++) {
		const struct st_prot_case *pc = &st_prot_cases[i];
		unsigned long n = 0;
		int bad = 0;

		if (heki_transport_init("loopback"))
			return 1;
		for (k = 0; k < pc->nops && !bad; k++)
			bad = heki_loopback_test_set_prot(base +
				pc->ops[k].first * PAGE_SIZE,
				pc->ops[k].npages, pc->ops[k].prot) != 0;
		if (!bad)
			n = heki_loopback_prot_snapshot(got, ARRAY_SIZE(got));
		if (!bad && n != pc->nruns)
			bad = 1;
		for (k = 0; !bad && k < n; k++)
			bad = got[k].gpa != base + pc->runs[k].first * PAGE_SIZE ||
			      got[k].npages != pc->runs[k].npages ||
			      got[k].prot != pc->runs[k].prot;
		heki_transport_exit();
		if (bad) {
			pr_info("    # protection case '%s': %lu runs\n",
				pc->what, n);
			for (k = 0; k < n && k < ARRAY_SIZE(got); k++)
				pr_info("    #   run %u: page %llu +%llu prot %#x\n",
					k, (got[k].gpa - base) >> PAGE_SHIFT,
					got[k].npages, got[k].prot);
			fail = 1;
		}
	}
	return fail;
}

/* modify_vtl_protection refuses what the hypervisor would refuse. */
static int st_loopback_prot_bad(void)
{
	int fail = 0, started = 0;

	if (CHECK_EQ(heki_loopback_test_set_prot(0, 1, PR), -ENODEV))
		goto out;
	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	if (CHECK_EQ(heki_loopback_test_set_prot(0x1000, 0, PR), -EINVAL) ||
	    CHECK_EQ(heki_loopback_test_set_prot(0x1001, 1, PR), -EINVAL) ||
	    CHECK_EQ(heki_loopback_test_set_prot(~0ULL & PAGE_MASK, 2, PR),
		     -EINVAL) ||
	    CHECK_EQ(heki_loopback_prot_count(), 0))
		goto out;
out:
	if (started)
		heki_transport_exit();
	return fail;
}

#undef PR
#undef PW
#undef PX
#undef PF

/* Ranges in VTL1's own memory are refused (-EACCES) and change nothing. */
static int st_loopback_vtl1_memory(void)
{
	struct heki_chain c;
	int fail = 0, started = 0;
	u64 pa, size;

	heki_chain_init(&c);
	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	if (CHECK_EQ(heki_loopback_vtl1_range(&pa, &size), 0) ||
	    CHECK(size >= PAGE_SIZE && !offset_in_page(pa)))
		goto out;
	/* PROTECT_MEMORY of the last VTL1 page */
	if (CHECK_EQ(heki_chain_add_phys(&c, (u64)phys_to_virt(pa),
					 pa + size - PAGE_SIZE, pa + size,
					 heki_mem_attr_raw(MEM_ATTR_READ)), 0) ||
	    CHECK_EQ(heki_call_chain(FN(PROTECT_MEMORY), &c, 0), -EACCES) ||
	    CHECK_EQ(heki_loopback_prot_count(), 0))
		goto out;
	heki_chain_free(&c);
	/* LOAD_KDATA reading 16 bytes of VTL1 memory */
	if (CHECK_EQ(heki_chain_add_phys(&c, (u64)phys_to_virt(pa), pa + 8,
					 pa + 24,
					 heki_kdata_type_raw(HEKI_KDATA_SYSTEM_CERTS)),
		     0) ||
	    CHECK_EQ(heki_call_chain(FN(LOAD_KDATA), &c, 0), -EACCES))
		goto out;
out:
	heki_chain_free(&c);
	if (started)
		heki_transport_exit();
	return fail;
}

/* Calls per thread (each logs one line: the library reports the id). */
#define ST_CONC_CALLS 25

struct st_conc {
	struct completion started, done;
	unsigned int errors, nodev;
	bool nodev_ok;		/* the transport may stop meanwhile */
};

static int st_conc_thread(void *arg)
{
	struct st_conc *sc = arg;
	unsigned int i;
	s64 r;

	complete(&sc->started);
	for (i = 0; i < ST_CONC_CALLS; i++) {
		r = heki_vtl_call(0x7777, i, 0, 0);
		if (r == -ENODEV && sc->nodev_ok)
			sc->nodev++;
		else if (r != -EINVAL)
			sc->errors++;
	}
	complete(&sc->done);
	return 0;
}

/* Four threads calling at once: every call answered and counted once. */
static int st_loopback_concurrent(void)
{
	struct heki_call_stats s0, s1;
	struct st_conc sc[4];
	unsigned int i, started_threads = 0;
	int fail = 0, started = 0;

	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	started = 1;
	/* After the start: its per-CPU probes are counted in OTHER too. */
	heki_stats_get(st_slot_of(0), &s0);
	for (i = 0; i < ARRAY_SIZE(sc); i++) {
		struct task_struct *t;

		init_completion(&sc[i].started);
		init_completion(&sc[i].done);
		sc[i].errors = 0;
		sc[i].nodev = 0;
		sc[i].nodev_ok = false;
		t = kthread_run(st_conc_thread, &sc[i], "heki_st/%u", i);
		if (CHECK(!IS_ERR(t)))
			goto out;
		started_threads++;
	}
out:
	for (i = 0; i < started_threads; i++) {
		wait_for_completion(&sc[i].done);
		if (sc[i].errors) {
			pr_info("    # thread %u: %u wrong results\n", i,
				sc[i].errors);
			fail = 1;
		}
	}
	heki_stats_get(st_slot_of(0), &s1);
	if (!fail && s1.calls - s0.calls != ST_CONC_CALLS * ARRAY_SIZE(sc)) {
		pr_info("    # %llu calls counted, expected %zu\n",
			s1.calls - s0.calls, ST_CONC_CALLS * ARRAY_SIZE(sc));
		fail = 1;
	}
	if (started)
		heki_transport_exit();
	return fail;
}

/*
 * The crypto provider on the kernel's PKCS#7 verifier with a real
 * certificate and a module-style signature (st_pkcs7_vectors.h): accepted
 * with its certificate; tampered data, an unknown signer and a truncated
 * signature are refused with the mapped library codes.
 */
static int st_loopback_crypto_pkcs7(void)
{
	const struct heki_vtl1_crypto *cr = &heki_loopback_crypto;
	const size_t dlen = sizeof(st_p7_data) - 1;
	void *kr = NULL, *kr_other = NULL;
	u8 *bad = NULL;
	int fail = 0;

	if (CHECK_EQ(cr->keyring_create(cr->ctx, &kr), 0) ||
	    CHECK_EQ(cr->keyring_add_cert(cr->ctx, kr, st_p7_signer_der,
					  sizeof(st_p7_signer_der)), 0) ||
	    CHECK_EQ(cr->verify_pkcs7(cr->ctx, kr, (const u8 *)st_p7_data,
				      dlen, st_p7_sig, sizeof(st_p7_sig)), 0))
		goto out;
	bad = kmemdup(st_p7_data, dlen, GFP_KERNEL);
	if (CHECK(bad))
		goto out;
	bad[3] ^= 0x01;
	if (CHECK_EQ(cr->verify_pkcs7(cr->ctx, kr, bad, dlen, st_p7_sig,
				      sizeof(st_p7_sig)),
		     -HEKI_VSM_ERR_SIG_KEY_REJECTED) ||
	    CHECK_EQ(cr->verify_pkcs7(cr->ctx, kr, (const u8 *)st_p7_data,
				      dlen, st_p7_sig, sizeof(st_p7_sig) - 9),
		     -HEKI_VSM_ERR_SIG_PARSE_FAILED))
		goto out;
	if (CHECK_EQ(cr->keyring_create(cr->ctx, &kr_other), 0) ||
	    CHECK_EQ(cr->keyring_add_cert(cr->ctx, kr_other, st_p7_other_der,
					  sizeof(st_p7_other_der)), 0) ||
	    CHECK_EQ(cr->verify_pkcs7(cr->ctx, kr_other,
				      (const u8 *)st_p7_data, dlen, st_p7_sig,
				      sizeof(st_p7_sig)),
		     -HEKI_VSM_ERR_SIG_NO_KEY))
		goto out;
out:
	kfree(bad);
	if (kr_other)
		cr->keyring_destroy(cr->ctx, kr_other);
	if (kr)
		cr->keyring_destroy(cr->ctx, kr);
	if (heki_loopback_crypto_live_keyrings() != 0)
		fail = 1;
	return fail;
}

/*
 * The crypto primitives of the kernel provider (crypto_shash,
 * find_asymmetric_key, verify_signature) under the library's own PKCS#7
 * parser: the same signature verifies, tampered data and an unknown
 * signer are refused, SHA-256("abc") is the known answer. (SHA-384/512
 * are not asserted: sha512_generic is a module the test guest may not
 * have, and the provider then returns CRYPTO_DIGEST_FAILED.)
 */
static int st_loopback_crypto_primitives(void)
{
	static const u8 abc256[8] = { 0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf,
				      0xea };
	const struct heki_vtl1_crypto *cr = &heki_loopback_crypto;
	const size_t dlen = sizeof(st_p7_data) - 1;
	void *kr = NULL, *kr_other = NULL;
	u8 out[HEKI_VTL1_HASH_MAX_SIZE];
	u8 *bad = NULL;
	int fail = 0;

	if (CHECK_EQ(cr->digest(cr->ctx, HEKI_VTL1_HASH_SHA256,
				(const u8 *)"abc", 3, out, sizeof(out)), 32) ||
	    CHECK_EQ(memcmp(out, abc256, sizeof(abc256)), 0) ||
	    CHECK_EQ(cr->digest(cr->ctx, HEKI_VTL1_HASH_SHA256,
				(const u8 *)"abc", 3, out, 31),
		     -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT) ||
	    CHECK_EQ(cr->digest(cr->ctx, 9, out, 1, out, sizeof(out)),
		     -HEKI_VSM_ERR_SIG_UNSUPPORTED))
		goto out;
	if (CHECK_EQ(cr->keyring_create(cr->ctx, &kr), 0) ||
	    CHECK_EQ(cr->keyring_add_cert(cr->ctx, kr, st_p7_signer_der,
					  sizeof(st_p7_signer_der)), 0) ||
	    CHECK_EQ(heki_pkcs7_verify(cr, kr, (const u8 *)st_p7_data, dlen,
				       st_p7_sig, sizeof(st_p7_sig)), 0))
		goto out;
	bad = kmemdup(st_p7_data, dlen, GFP_KERNEL);
	if (CHECK(bad))
		goto out;
	bad[3] ^= 0x01;
	if (CHECK_EQ(heki_pkcs7_verify(cr, kr, bad, dlen, st_p7_sig,
				       sizeof(st_p7_sig)),
		     -HEKI_VSM_ERR_SIG_KEY_REJECTED))
		goto out;
	if (CHECK_EQ(cr->keyring_create(cr->ctx, &kr_other), 0) ||
	    CHECK_EQ(cr->keyring_add_cert(cr->ctx, kr_other, st_p7_other_der,
					  sizeof(st_p7_other_der)), 0) ||
	    CHECK_EQ(heki_pkcs7_verify(cr, kr_other, (const u8 *)st_p7_data,
				       dlen, st_p7_sig, sizeof(st_p7_sig)),
		     -HEKI_VSM_ERR_SIG_KEY_REJECTED))
		goto out;
out:
	kfree(bad);
	if (kr_other)
		cr->keyring_destroy(cr->ctx, kr_other);
	if (kr)
		cr->keyring_destroy(cr->ctx, kr);
	if (heki_loopback_crypto_live_keyrings() != 0)
		fail = 1;
	return fail;
}

/*
 * The transport stops while four threads are calling: every call either
 * reached VTL1 (-EINVAL for the unknown id) or found no transport
 * (-ENODEV); nothing crashes and nothing leaks (checked by the harness).
 */
static int st_loopback_exit_during_calls(void)
{
	struct st_conc sc[4];
	unsigned int i, n = 0, nodev = 0;
	int fail = 0;

	if (CHECK_EQ(heki_transport_init("loopback"), 0))
		goto out;
	for (i = 0; i < ARRAY_SIZE(sc); i++) {
		struct task_struct *t;

		init_completion(&sc[i].started);
		init_completion(&sc[i].done);
		sc[i].errors = 0;
		sc[i].nodev = 0;
		sc[i].nodev_ok = true;
		t = kthread_run(st_conc_thread, &sc[i], "heki_st/%u", i);
		if (IS_ERR(t)) {
			fail = 1;
			break;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		wait_for_completion(&sc[i].started);
	heki_transport_exit();
	for (i = 0; i < n; i++) {
		wait_for_completion(&sc[i].done);
		nodev += sc[i].nodev;
		if (sc[i].errors) {
			pr_info("    # thread %u: %u unexpected results\n", i,
				sc[i].errors);
			fail = 1;
		}
	}
	pr_info("    # %u of %u calls found the transport gone\n", nodev,
		n * ST_CONC_CALLS);
	if (CHECK(!heki_loopback_active()))
		goto out;
out:
	return fail;
}

/* The crypto provider refuses garbage and releases its keyrings. */
static int st_loopback_crypto_garbage(void)
{
	static const u8 junk[] = { 0x30, 0x82, 0x00, 0x04, 1, 2, 3, 4 };
	const struct heki_vtl1_crypto *cr = &heki_loopback_crypto;
	void *kr = NULL;
	int fail = 0;

	if (CHECK_EQ(cr->keyring_create(cr->ctx, &kr), 0))
		goto out;
	if (CHECK(kr))
		goto out;
	if (CHECK_EQ(heki_loopback_crypto_live_keyrings(), 1))
		goto out;
	if (CHECK_EQ(cr->keyring_add_cert(cr->ctx, kr, junk, sizeof(junk)),
		 -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED))
		goto out;
	if (CHECK(cr->verify_pkcs7(cr->ctx, kr, junk, sizeof(junk), junk,
			       sizeof(junk)) < 0))
		goto out;
out:
	if (kr)
		cr->keyring_destroy(cr->ctx, kr);
	if (heki_loopback_crypto_live_keyrings() != 0)
		fail = 1;
	return fail;
}

static int st_debugfs_dir(void)
{
	struct dentry *d, *f;
	int fail = 0, made = 0;

	if (CHECK_EQ(heki_debugfs_init(), 0))
		goto out;
	made = 1;
	d = debugfs_lookup("heki_selftest", NULL);
	if (CHECK(d))
		goto out;
	f = debugfs_lookup("protections", d);
	dput(d);
	if (CHECK(f))
		goto out;
	dput(f);
out:
	if (made)
		heki_debugfs_exit();
	d = debugfs_lookup("heki_selftest", NULL);
	if (d) {
		dput(d);
		fail = 1;
	}
	return fail;
}

/* ------------------------------------------------------------------ */
/* Table and runner                                                    */
/* ------------------------------------------------------------------ */

#define ST_CASE(fn) { #fn, st_##fn }
static const struct st_case st_cases[] = {
	ST_CASE(chain_empty),
	ST_CASE(chain_one_range),
	ST_CASE(chain_merge_rules),
	ST_CASE(chain_merge_only_last),
	ST_CASE(chain_127),
	ST_CASE(chain_128),
	ST_CASE(chain_254),
	ST_CASE(chain_255),
	ST_CASE(chain_bad_args),
	ST_CASE(chain_alloc_failure),
	ST_CASE(chain_direct_map),
	ST_CASE(chain_kmalloc),
	ST_CASE(chain_vmap_layout),
	ST_CASE(chain_vmalloc),
	ST_CASE(chain_module_memory),
	ST_CASE(chain_kernel_image),
	ST_CASE(hyperv_decisions),
	ST_CASE(transport_hyperv_refused),
	ST_CASE(transport_auto_refused),
	ST_CASE(transport_unknown_name),
	ST_CASE(transport_none_call),
	ST_CASE(vtl_result_table),
	ST_CASE(vtl_result_chain),
	ST_CASE(vtl_result_unanswered),
	ST_CASE(transport_probe),
	ST_CASE(loopback_start_stop),
	ST_CASE(loopback_unknown_id),
	ST_CASE(loopback_tracepoint),
	ST_CASE(loopback_boot_aps),
	ST_CASE(loopback_protect),
	ST_CASE(loopback_protect_unaligned),
	ST_CASE(loopback_end_of_boot),
	ST_CASE(loopback_bad_pa),
	ST_CASE(loopback_vtl1_memory),
	ST_CASE(loopback_concurrent),
	ST_CASE(loopback_exit_during_calls),
	ST_CASE(loopback_prot_map),
	ST_CASE(loopback_prot_bad),
	ST_CASE(loopback_crypto_garbage),
	ST_CASE(loopback_crypto_pkcs7),
	ST_CASE(loopback_crypto_primitives),
	ST_CASE(debugfs_dir),
};

static int __init heki_selftest_init(void)
{
	unsigned int i, failed = 0;

	pr_info("KTAP version 1\n");
	pr_info("1..%zu\n", ARRAY_SIZE(st_cases));
	for (i = 0; i < ARRAY_SIZE(st_cases); i++) {
		int bad = st_cases[i].fn();

		if (heki_chain_live_pages() != 0) {
			pr_info("    # leak: %ld chain pages live\n",
				heki_chain_live_pages());
			bad = 1;
		}
		if (heki_loopback_live_allocs() != 0) {
			pr_info("    # leak: %ld loopback allocations live\n",
				heki_loopback_live_allocs());
			bad = 1;
		}
		if (strcmp(heki_transport_name(), "none")) {
			pr_info("    # transport still running\n");
			heki_transport_exit();
			bad = 1;
		}
		pr_info("%sok %u %s\n", bad ? "not " : "", i + 1,
			st_cases[i].name);
		failed += !!bad;
	}
	pr_info("# heki_selftest: pass:%zu fail:%u\n",
		ARRAY_SIZE(st_cases) - failed, failed);
	return failed ? -EINVAL : 0;
}

static void __exit heki_selftest_exit(void)
{
}

module_init(heki_selftest_init);
module_exit(heki_selftest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("heki_vtl0 in-kernel self-tests (KTAP)");

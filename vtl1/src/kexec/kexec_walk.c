// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kexec_walk.c - what relocate_kernel puts on each page of a kimage's
 * segments.
 *
 * At kexec time relocate_kernel (arch/x86/kernel/relocate_kernel_64.S,
 * swap_pages) follows the entry list from image->head. Each word is read
 * with its flags tested in this order: IND_DESTINATION sets the next
 * destination page, IND_INDIRECTION continues the list in another page,
 * IND_DONE ends it, IND_SOURCE moves one page to the destination and
 * advances it; anything else is skipped. Linux 6.1 and 6.12 swap: the
 * source page goes to the swap page, the destination page to the source
 * page, the swap page to the destination (so the source page receives the
 * destination's old bytes). From Linux 6.15 (read in 7.2.13) the pages are
 * only copied, unless the image preserves context (KEXEC_JUMP, not built
 * in Debian's kernels).
 *
 * A source used twice (the second time it holds some destination's old
 * bytes, not its own), a source or indirection page that an earlier move
 * overwrites, or a list VTL1 reads differently from relocate_kernel would
 * all put bytes VTL1 did not check on the segments (issue 10 finding 3).
 * So the list must be exactly the one kimage_load_normal_segment() and
 * kimage_add_entry() build, and its pages must keep the invariants
 * kimage_alloc_page() maintains:
 *
 *  - segments (kx_segments_check): page-aligned, non-empty, bufsz <=
 *    memsz, pairwise disjoint (sanity_check_segment_list(), plus no
 *    empty segment);
 *  - order: for each segment in kimage order, IND_DESTINATION of its
 *    first page, then one IND_SOURCE per page, then IND_DONE after the
 *    last segment; the head is an IND_INDIRECTION and only the last slot
 *    (512th) of an indirection page links on; every word has exactly one
 *    flag, an address below 2^52 and IND_DONE no address;
 *  - roles: every source and indirection page in the KexecPages ranges
 *    (read-only since this call's protection), each used once and in one
 *    role; an indirection page outside every segment; a source page either
 *    outside every segment or its own destination.
 *
 * Then no move writes a page that a later step reads: destinations are
 * pages of the segments, each written once (order), indirection pages and
 * foreign sources are outside the segments, a source inside a segment is
 * only its own destination (written by its own move, and swapping a page
 * with itself leaves it unchanged). Every page a source moves is read by
 * that move only, before any write to it, so swap and copy put on each
 * destination exactly the bytes the source holds now. The swap page is
 * not in the kimage VTL1 reads (a struct page pointer of VTL0's own
 * struct kimage): VTL1 cannot check it, and a VTL0 that can change it can
 * change image->head or image->start too (Documentation/vtl1.rst).
 *
 * A crash image's segments were copied to their destinations when it was
 * loaded: the iterator yields each page in place, and the entry list must
 * be empty (head IND_DONE), or relocate_kernel would move pages over
 * them at crash time.
 */
#include "core/core.h"
#include "kexec_walk.h"

#define PAGE_MASK_LO		(HEKI_PAGE_SIZE - 1)
#define IND_FLAGS		0xfffULL

/* Frames a normal image's KexecPages may hold: every page of a maximal list. */
#define KX_MAX_FRAMES \
	((__u64)HEKI_VTL1_MAX_KEXEC_ENTRIES + HEKI_VTL1_MAX_KEXEC_IND_PAGES)

/**
 * kx_segments_check() - the segment rules of sanity_check_segment_list()
 * @s: the kimage's segments
 *
 * Every segment's mem and memsz page-aligned and memsz non-zero, bufsz <=
 * memsz, no two segments overlapping, and at most
 * HEKI_VTL1_MAX_KEXEC_ENTRIES pages in all (KEXEC_SEGMENT_LAYOUT_INVALID).
 * heki_kimage_parse() has bounded each end below 2^52 without overflow.
 *
 * The page bound is the one a normal image's entry list already has, and
 * it bounds both passes of heki_kexec_bind() for crash images too (a
 * crash image has no list: without it one segment of 2^51 bytes made
 * the first pass step through 2^39 pages). Linux refuses segments above
 * half of its RAM (sanity_check_segment_list()).
 *
 * Return: 0 or -HEKI_VSM_ERR_KEXEC_SEGMENT_LAYOUT_INVALID.
 */
int kx_segments_check(const struct heki_kimage_segments *s)
{
	__u64 pages = 0;
	__u32 i, j;

	for (i = 0; i < s->nr; i++) {
		const struct heki_kexec_range *a = &s->seg[i];

		if ((a->pa & PAGE_MASK_LO) || (a->epa & PAGE_MASK_LO) ||
		    a->epa <= a->pa || a->bufsz > a->epa - a->pa)
			return -HEKI_VSM_ERR_KEXEC_SEGMENT_LAYOUT_INVALID;
		/* Each segment is below 2^40 pages, at most 16 of them. */
		pages += (a->epa - a->pa) >> HEKI_PAGE_SHIFT;
		if (pages > HEKI_VTL1_MAX_KEXEC_ENTRIES)
			return -HEKI_VSM_ERR_KEXEC_SEGMENT_LAYOUT_INVALID;
		for (j = 0; j < i; j++)
			if (a->pa < s->seg[j].epa && s->seg[j].pa < a->epa)
				return -HEKI_VSM_ERR_KEXEC_SEGMENT_LAYOUT_INVALID;
	}
	return 0;
}

static int run_cmp(const void *a, const void *b)
{
	const struct kx_run *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/**
 * kx_pages_build() - the KexecPages frames of a normal image's call
 * @v: instance
 * @c: the call's chain (every range checked below 2^52)
 * @p: filled: sorted, merged runs and a cleared use bitmap
 *
 * The runs may hold at most HEKI_VTL1_MAX_KEXEC_ENTRIES +
 * HEKI_VTL1_MAX_KEXEC_IND_PAGES frames, the pages of the longest list
 * the walk accepts (KEXEC_PAGES_TOO_MANY): the bitmap is sized by that
 * bound, never by a VTL0 number.
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code (@p freed by the caller).
 */
int kx_pages_build(struct heki_vtl1 *v, const struct vtl1_chain *c,
		   struct kx_pages *p)
{
	__u32 i, n = 0, m = 0;
	__u64 total = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < c->n; i++)
		n += c->r[i].attributes == HEKI_KEXEC_PAGES_VALUE &&
		     c->r[i].epa > c->r[i].pa;
	if (!n)
		return 0;
	p->runs = vtl1_alloc_array(v, n, sizeof(*p->runs));
	p->first = vtl1_alloc_array(v, n, sizeof(*p->first));
	if (!p->runs || !p->first)
		return -HEKI_VSM_ERR_NO_MEMORY;
	for (i = 0; i < c->n; i++) {
		if (c->r[i].attributes != HEKI_KEXEC_PAGES_VALUE ||
		    c->r[i].epa <= c->r[i].pa)
			continue;
		/* The chain walk bounded epa below 2^52: no overflow. */
		p->runs[m].lo = c->r[i].pa >> HEKI_PAGE_SHIFT;
		p->runs[m].hi = (c->r[i].epa + PAGE_MASK_LO) >> HEKI_PAGE_SHIFT;
		m++;
	}
	vtl1_sort(p->runs, m, sizeof(*p->runs), run_cmp);
	for (i = 1, n = 0; i < m; i++) {
		if (p->runs[i].lo <= p->runs[n].hi) {
			if (p->runs[i].hi > p->runs[n].hi)
				p->runs[n].hi = p->runs[i].hi;
		} else {
			p->runs[++n] = p->runs[i];
		}
	}
	p->nruns = n + 1;
	/* Each run is below 2^40 frames: the sum is checked per step. */
	for (i = 0; i < p->nruns; i++) {
		p->first[i] = total;
		total += p->runs[i].hi - p->runs[i].lo;
		if (total > KX_MAX_FRAMES)
			return -HEKI_VSM_ERR_KEXEC_PAGES_TOO_MANY;
	}
	p->nframes = total;
	p->used = vtl1_alloc(v, total / 8 + 1);
	if (!p->used)
		return -HEKI_VSM_ERR_NO_MEMORY;
	memset(p->used, 0, total / 8 + 1);
	return 0;
}

/** kx_pages_free() - free what kx_pages_build() allocated */
void kx_pages_free(struct heki_vtl1 *v, struct kx_pages *p)
{
	vtl1_free(v, p->runs);
	vtl1_free(v, p->first);
	vtl1_free(v, p->used);
	memset(p, 0, sizeof(*p));
}

/*
 * Take the frame of @pa for one role: inside a KexecPages run
 * (KEXEC_PAGE_NOT_PROTECTED) and not taken before (KEXEC_PAGE_REUSED).
 */
static int take_page(struct kx_pages *p, __u64 pa)
{
	__u64 pfn = pa >> HEKI_PAGE_SHIFT, bit;
	__u32 lo = 0, hi = p->nruns;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (p->runs[mid].hi <= pfn) {
			lo = mid + 1;
		} else if (p->runs[mid].lo > pfn) {
			hi = mid;
		} else {
			bit = p->first[mid] + (pfn - p->runs[mid].lo);
			if (p->used[bit / 8] & (1U << (bit % 8)))
				return -HEKI_VSM_ERR_KEXEC_PAGE_REUSED;
			p->used[bit / 8] |= 1U << (bit % 8);
			return 0;
		}
	}
	return -HEKI_VSM_ERR_KEXEC_PAGE_NOT_PROTECTED;
}

static int in_segment(const struct heki_kimage_segments *s, __u64 pa)
{
	__u32 i;

	for (i = 0; i < s->nr; i++)
		if (pa >= s->seg[i].pa && pa < s->seg[i].epa)
			return 1;
	return 0;
}

/**
 * kx_walk_start() - start a pass over the pages of a kimage's segments
 * @w: the walk
 * @v: instance
 * @segs: the segments, kx_segments_check() passed
 * @pages: the KexecPages frames (normal; their use bits are cleared)
 * @crash: crash image (segments in place, @pages unused)
 *
 * A crash image's head must be IND_DONE (KEXEC_CRASH_ENTRY_LIST).
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code; kx_walk_end() in any case.
 */
int kx_walk_start(struct kx_walk *w, struct heki_vtl1 *v,
		  const struct heki_kimage_segments *segs,
		  struct kx_pages *pages, int crash)
{
	memset(w, 0, sizeof(*w));
	w->v = v;
	w->segs = segs;
	w->crash = crash;
	w->head = segs->head;
	if (crash)
		return segs->head == HEKI_KEXEC_IND_DONE ? 0 :
		       -HEKI_VSM_ERR_KEXEC_CRASH_ENTRY_LIST;
	w->pages = pages;
	if (pages->used)
		memset(pages->used, 0, pages->nframes / 8 + 1);
	w->ind = vtl1_alloc(v, HEKI_PAGE_SIZE);
	return w->ind ? 0 : -HEKI_VSM_ERR_NO_MEMORY;
}

/** kx_walk_end() - free what kx_walk_start() allocated */
void kx_walk_end(struct kx_walk *w)
{
	vtl1_free(w->v, w->ind);
	w->ind = NULL;
}

static int crash_next(struct kx_walk *w, __u64 *src, __u32 *seg,
		      __u64 *page)
{
	const struct heki_kexec_range *s;

	while (w->seg < w->segs->nr) {
		s = &w->segs->seg[w->seg];
		if (w->page < (s->epa - s->pa) >> HEKI_PAGE_SHIFT) {
			*src = s->pa + (w->page << HEKI_PAGE_SHIFT);
			*seg = w->seg;
			*page = w->page++;
			return 1;
		}
		w->seg++;
		w->page = 0;
	}
	w->done = 1;
	return 0;
}

/* Pages of segment @i. */
static __u64 seg_pages(const struct heki_kimage_segments *s, __u32 i)
{
	return (s->seg[i].epa - s->seg[i].pa) >> HEKI_PAGE_SHIFT;
}

/* The next word of the list: the head, then the indirection pages. */
static int read_word(struct kx_walk *w, __u64 *e, int *last_slot)
{
	if (++w->entries > HEKI_VTL1_MAX_KEXEC_ENTRIES)
		return -HEKI_VSM_ERR_KEXEC_ENTRY_LIST_TOO_LONG;
	if (!w->in_page) {
		if (w->slot)
			return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
		w->slot = 1;
		*e = w->head;
		*last_slot = 1;		/* the head may link */
		return 0;
	}
	/* A slot past the last one: the page neither linked nor ended. */
	if (w->slot >= HEKI_KEXEC_ENTRIES_PER_PAGE)
		return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
	*last_slot = w->slot == HEKI_KEXEC_ENTRIES_PER_PAGE - 1;
	*e = w->ind[w->slot++];
	return 0;
}

static int next_indirection(struct kx_walk *w, __u64 addr, int last_slot)
{
	int ret;

	/* kimage_add_entry() links only from the head or a last slot. */
	if (!last_slot)
		return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
	if (++w->ind_pages > HEKI_VTL1_MAX_KEXEC_IND_PAGES)
		return -HEKI_VSM_ERR_KEXEC_ENTRY_LIST_TOO_LONG;
	ret = take_page(w->pages, addr);
	if (ret)
		return ret;
	if (in_segment(w->segs, addr))
		return -HEKI_VSM_ERR_KEXEC_ENTRY_OUTSIDE_SEGMENT;
	ret = vtl1_copy_from(w->v, w->ind, addr, HEKI_PAGE_SIZE);
	if (ret)
		return ret;
	w->in_page = 1;
	w->slot = 0;
	return 0;
}

/* The end: every page of every segment written. */
static int list_done(struct kx_walk *w, __u64 addr)
{
	if (addr)
		return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
	if (w->seg < w->segs->nr)
		return -HEKI_VSM_ERR_KEXEC_ENTRY_ORDER;
	w->done = 1;
	return 0;
}

/* IND_DESTINATION: the first page of the next segment, nothing else. */
static int destination(struct kx_walk *w, __u64 addr)
{
	const struct heki_kimage_segments *s = w->segs;

	if (!in_segment(s, addr))
		return -HEKI_VSM_ERR_KEXEC_ENTRY_OUTSIDE_SEGMENT;
	if (w->seg >= s->nr || w->have_dst || addr != s->seg[w->seg].pa)
		return -HEKI_VSM_ERR_KEXEC_ENTRY_ORDER;
	w->have_dst = 1;
	return 0;
}

/* IND_SOURCE: the next page of the current segment. */
static int source(struct kx_walk *w, __u64 addr, __u64 *src, __u32 *seg,
		  __u64 *page)
{
	const struct heki_kimage_segments *s = w->segs;
	__u64 dst;
	int ret;

	if (!w->have_dst)
		return w->seg ? -HEKI_VSM_ERR_KEXEC_ENTRY_ORDER :
		       -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
	dst = s->seg[w->seg].pa + (w->page << HEKI_PAGE_SHIFT);
	ret = take_page(w->pages, addr);
	if (ret)
		return ret;
	if (addr != dst && in_segment(s, addr))
		return -HEKI_VSM_ERR_KEXEC_ENTRY_OUTSIDE_SEGMENT;
	*src = addr;
	*seg = w->seg;
	*page = w->page++;
	if (w->page == seg_pages(s, w->seg)) {
		w->seg++;
		w->page = 0;
		w->have_dst = 0;
	}
	return 1;
}

/**
 * kx_walk_next() - the next page of the segments and where its bytes are
 * @w: the walk
 * @src: the physical page whose bytes end on the destination page
 * @seg: the segment of that destination page
 * @page: its page index in @seg
 *
 * Pages come in segment order, each segment's in address order (normal
 * images are walked in list order, which the rules make the same).
 * Errors of a normal list, in the order they are met:
 * KEXEC_ENTRY_LIST_TOO_LONG, KEXEC_ENTRY_INVALID (flags, address, a link
 * not in a last slot, a source before the first destination),
 * KEXEC_PAGE_NOT_PROTECTED, KEXEC_PAGE_REUSED,
 * KEXEC_ENTRY_OUTSIDE_SEGMENT, KEXEC_ENTRY_ORDER.
 *
 * Return: 1 with a page, 0 after the last one, or a negative
 * HEKI_VSM_ERR_* code.
 */
int kx_walk_next(struct kx_walk *w, __u64 *src, __u32 *seg, __u64 *page)
{
	int last_slot = 0, ret;
	__u64 e, addr;

	if (w->done)
		return 0;
	if (w->crash)
		return crash_next(w, src, seg, page);
	for (;;) {
		ret = read_word(w, &e, &last_slot);
		if (ret)
			return ret;
		addr = e & ~IND_FLAGS;
		if (addr >= VTL1_PA_LIMIT)
			return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
		switch (e & IND_FLAGS) {
		case HEKI_KEXEC_IND_INDIRECTION:
			ret = next_indirection(w, addr, last_slot);
			break;
		case HEKI_KEXEC_IND_DONE:
			return list_done(w, addr);
		case HEKI_KEXEC_IND_DESTINATION:
			/* Not the head, not a last slot (link or end only). */
			ret = w->in_page && !last_slot ? destination(w, addr) :
			      -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
			break;
		case HEKI_KEXEC_IND_SOURCE:
			if (!w->in_page || last_slot)
				return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
			return source(w, addr, src, seg, page);
		default:
			return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
		}
		if (ret)
			return ret;
	}
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * chain.c - copy and validate a heki_page chain.
 *
 * Each page is copied once into one VTL1 page buffer, validated there, and
 * its ranges are appended to an array sized by the nranges argument after
 * that argument was bounded by HEKI_VTL1_MAX_RANGES. Every page must carry
 * at least one range and the running total may not pass nranges, so the
 * walk ends after at most nranges pages whatever next_pa says (cycles
 * included).
 */
#include "chain.h"

/* Form checks of one range (LiteBox's HekiRange::is_valid, hardened). */
int vtl1_chain_check_range(const struct heki_range *r)
{
	if (!vtl1_va_canonical(r->va))
		return -HEKI_VSM_ERR_INVALID_VIRTUAL_ADDRESS;
	if (!vtl1_pa_valid(r->pa) || r->epa > VTL1_PA_LIMIT)
		return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
	if (r->epa < r->pa)
		return -HEKI_VSM_ERR_RANGE_END_BEFORE_START;
	/* The VA length equals the PA length; the VA end must not wrap. */
	if (r->va + (r->epa - r->pa) < r->va && r->va + (r->epa - r->pa) != 0)
		return -HEKI_VSM_ERR_INVALID_VIRTUAL_ADDRESS;
	return 0;
}

int vtl1_chain_walk(struct heki_vtl1 *v, __u64 pa, __u64 nranges,
		    struct vtl1_chain *out)
{
	struct heki_page *page;
	__u64 next = pa, seen = 0;
	int ret = 0;

	out->r = NULL;
	out->n = 0;
	if (!nranges || !vtl1_pa_valid(pa) || !vtl1_page_aligned(pa))
		return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;
	if (nranges > HEKI_VTL1_MAX_RANGES)
		return -HEKI_VSM_ERR_TOO_MANY_RANGES;

	page = vtl1_alloc(v, sizeof(*page));
	out->r = vtl1_alloc_array(v, nranges, sizeof(*out->r));
	if (!page || !out->r) {
		ret = -HEKI_VSM_ERR_NO_MEMORY;
		goto fail;
	}

	while (seen < nranges) {
		__u64 i, n;

		if (!vtl1_pa_valid(next) || !vtl1_page_aligned(next)) {
			ret = -HEKI_VSM_ERR_CHAIN_NEXT_INVALID;
			goto fail;
		}
		ret = vtl1_copy_from(v, page, next, sizeof(*page));
		if (ret) {
			if (ret == -HEKI_VSM_ERR_VTL0_COPY_FAILED)
				ret = -HEKI_VSM_ERR_HEKI_PAGES_COPY_FAILED;
			goto fail;
		}
		n = page->nranges;
		if (!n || n > HEKI_MAX_RANGES) {
			ret = -HEKI_VSM_ERR_CHAIN_PAGE_NRANGES_INVALID;
			goto fail;
		}
		if (n > nranges - seen) {
			ret = -HEKI_VSM_ERR_CHAIN_RANGES_EXCEED;
			goto fail;
		}
		for (i = 0; i < n; i++) {
			ret = vtl1_chain_check_range(&page->ranges[i]);
			if (ret)
				goto fail;
		}
		memcpy(&out->r[seen], page->ranges, n * sizeof(*out->r));
		seen += n;
		next = page->next_pa;
	}
	out->n = (__u32)seen;
	vtl1_free(v, page);
	return 0;

fail:
	vtl1_free(v, page);
	vtl1_chain_free(v, out);
	return ret;
}

void vtl1_chain_free(struct heki_vtl1 *v, struct vtl1_chain *c)
{
	vtl1_free(v, c->r);
	c->r = NULL;
	c->n = 0;
}

/* LiteBox's entry check of the chain calls (EFAULT when it fails). */
int vtl1_chain_args_ok(__u64 pa, __u64 nranges)
{
	return nranges && vtl1_pa_valid(pa) && vtl1_page_aligned(pa);
}

/*
 * Copy the bytes of every range of @c whose attributes equal @type, in
 * chain order, into one VTL1 buffer. The total is summed with overflow
 * checks and compared with @limit before anything is allocated; a total
 * above @limit returns @too_big.
 */
int vtl1_gather(struct heki_vtl1 *v, const struct vtl1_chain *c, __u64 type,
		__u64 limit, int too_big, struct vtl1_buf *out)
{
	__u64 total = 0, off = 0;
	__u32 i;
	int ret;

	out->data = NULL;
	out->len = 0;
	for (i = 0; i < c->n; i++) {
		if (c->r[i].attributes != type)
			continue;
		if (__builtin_add_overflow(total, c->r[i].epa - c->r[i].pa,
					   &total) || total > limit)
			return too_big;
	}
	if (!total)
		return 0;
	out->data = vtl1_alloc(v, total);
	if (!out->data)
		return -HEKI_VSM_ERR_NO_MEMORY;
	for (i = 0; i < c->n; i++) {
		__u64 len = c->r[i].epa - c->r[i].pa;

		if (c->r[i].attributes != type)
			continue;
		ret = vtl1_copy_from(v, out->data + off, c->r[i].pa, len);
		if (ret) {
			vtl1_buf_free(v, out);
			return ret;
		}
		off += len;
	}
	out->len = total;
	return 0;
}

void vtl1_buf_free(struct heki_vtl1 *v, struct vtl1_buf *b)
{
	vtl1_free(v, b->data);
	b->data = NULL;
	b->len = 0;
}

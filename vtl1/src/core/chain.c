// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * chain.c - copy and validate a heki_page chain.
 *
 * The nranges argument is bounded by HEKI_VTL1_MAX_RANGES before the range
 * array is sized by it. Every page must carry
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
	if (!vtl1_pa_valid(r->pa) || !vtl1_pa_valid(r->epa))
		return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
	if (r->epa < r->pa)
		return -HEKI_VSM_ERR_RANGE_END_BEFORE_START;
	return 0;
}

/*
 * Check @n ranges without a branch per range (the common case is that all
 * are valid). pa, epa and epa - pa are all below 2^52 exactly when both
 * addresses are valid and epa >= pa (a negative difference wraps to
 * 2^64 - x, which has the top bits set); va + 2^47 is below 2^48 exactly
 * when va is canonical. Two accumulators are tested once at the end; on a
 * finding, the first bad range names its error.
 */
static int check_ranges(const struct heki_range *r, __u64 n)
{
	__u64 pa_bits = 0, va_bits = 0, i;

#pragma GCC unroll 4
	for (i = 0; i < n; i++) {
		pa_bits |= r[i].pa | r[i].epa | (r[i].epa - r[i].pa);
		va_bits |= r[i].va + (1ULL << 47);
	}
	if (!(pa_bits >> 52) && !(va_bits >> 48))
		return 0;
	for (i = 0; i < n; i++) {
		int ret = vtl1_chain_check_range(&r[i]);

		if (ret)
			return ret;
	}
	return 0;
}

/* The instance keeps one range buffer, grown to the largest call. */
static struct heki_range *range_buffer(struct heki_vtl1 *v, __u64 nranges)
{
	if (nranges > v->chain_cap) {
		struct heki_range *r = vtl1_alloc_array(v, nranges, sizeof(*r));

		if (!r)
			return NULL;
		vtl1_free(v, v->chain_buf);
		v->chain_buf = r;
		v->chain_cap = (__u32)nranges;
	}
	return v->chain_buf;
}

/**
 * struct chain_page_hdr - the fields of struct heki_page before ranges[]
 * @next: VTL0 VA of the next page (ignored)
 * @next_pa: physical address of the next page
 * @nranges: ranges in this page
 */
struct chain_page_hdr {
	__u64 next;
	__u64 next_pa;
	__u64 nranges;
};

HEKI_ABI_ASSERT(sizeof(struct chain_page_hdr) ==
		HEKI_OFFSETOF(struct heki_page, ranges));
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct chain_page_hdr, next_pa) ==
		HEKI_OFFSETOF(struct heki_page, next_pa));
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct chain_page_hdr, nranges) ==
		HEKI_OFFSETOF(struct heki_page, nranges));

/*
 * Each page is read once: its header into VTL1 memory, then exactly the
 * ranges it declares straight into their place in the result, where they
 * are validated. No byte of a page is read twice and nothing is used
 * before it is checked.
 */
int vtl1_chain_walk(struct heki_vtl1 *v, __u64 pa, __u64 nranges,
		    struct vtl1_chain *out)
{
	struct chain_page_hdr hdr;
	__u64 next = pa, seen = 0;
	int ret = 0;

	out->r = NULL;
	out->n = 0;
	if (!vtl1_chain_args_ok(pa, nranges))
		return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;
	if (nranges > HEKI_VTL1_MAX_RANGES)
		return -HEKI_VSM_ERR_TOO_MANY_RANGES;
	out->r = range_buffer(v, nranges);
	if (!out->r)
		return -HEKI_VSM_ERR_NO_MEMORY;

	while (seen < nranges) {
		__u64 n;

		if (!vtl1_pa_valid(next) || !vtl1_page_aligned(next)) {
			ret = -HEKI_VSM_ERR_CHAIN_NEXT_INVALID;
			break;
		}
		ret = vtl1_copy_from(v, &hdr, next, sizeof(hdr));
		if (ret)
			break;
		n = hdr.nranges;
		if (!n || n > HEKI_MAX_RANGES) {
			ret = -HEKI_VSM_ERR_CHAIN_PAGE_NRANGES_INVALID;
			break;
		}
		if (n > nranges - seen) {
			ret = -HEKI_VSM_ERR_CHAIN_RANGES_EXCEED;
			break;
		}
		ret = vtl1_copy_from(v, &out->r[seen], next + sizeof(hdr),
				     n * sizeof(*out->r));
		if (ret)
			break;
		ret = check_ranges(&out->r[seen], n);
		if (ret)
			break;
		seen += n;
		next = hdr.next_pa;
	}
	if (ret) {
		if (ret == -HEKI_VSM_ERR_VTL0_COPY_FAILED)
			ret = -HEKI_VSM_ERR_HEKI_PAGES_COPY_FAILED;
		out->r = NULL;
		return ret;
	}
	out->n = (__u32)seen;
	return 0;
}

/* The ranges live in the instance's buffer until the next walk. */
void vtl1_chain_free(struct heki_vtl1 *v, struct vtl1_chain *c)
{
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
	out->data = vtl1_alloc_uninit(v, total);	/* every byte is copied */
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

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kexec.c - KexecValidate.
 */
#include "core/core.h"
#include "kexec.h"
#include "authenticode.h"
#include "kexec_bind.h"
#include "kimage.h"

static hv_page_prot_t ro(void)
{
	return heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ);
}

static hv_page_prot_t released(void)
{
	return heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ | MEM_ATTR_WRITE);
}

/*
 * Add release operations for every frame @owner holds that the (sorted,
 * merged) new operations in t->ops[0..nnew) do not cover again: the gaps
 * the new operations leave in each of @owner's map entries (at most
 * nnew + 2 * entries - 1 of them; see txn_cap()).
 */
static int add_releases(struct heki_vtl1 *v, struct prot_txn *t, __u8 owner,
			__u32 nnew)
{
	__u32 i, k = 0;
	int ret;

	for (i = 0; i < v->map.n; i++) {
		const struct vtl1_prot_ent *e = &v->map.e[i];
		__u64 pos = e->pfn, end = e->pfn + e->npages;

		if (e->owner != owner)
			continue;
		while (pos < end) {
			__u64 stop = end;

			while (k < nnew &&
			       t->ops[k].pfn + t->ops[k].npages <= pos)
				k++;
			if (k < nnew && t->ops[k].pfn <= pos) {
				pos = t->ops[k].pfn + t->ops[k].npages;
				continue;
			}
			if (k < nnew && t->ops[k].pfn < stop)
				stop = t->ops[k].pfn;
			ret = prot_txn_add(t, pos, stop - pos, released(),
					   HEKI_VTL1_OWNER_NONE, 0);
			if (ret)
				return ret;
			pos = stop;
		}
	}
	return 0;
}

static __u32 owned_entries(const struct heki_vtl1 *v, __u8 owner)
{
	__u32 i, n = 0;

	for (i = 0; i < v->map.n; i++)
		n += v->map.e[i].owner == owner;
	return n;
}

/*
 * Room for one call's transaction: N new operations (one per chain range,
 * one per crash segment: N <= @nranges + KEXEC_SEGMENT_MAX, fewer after
 * prot_txn_sort() merges them) and the releases add_releases() appends.
 *
 * Proof of the release bound. After sorting, the new operations are
 * pairwise disjoint intervals of frames, and so are the E map entries
 * @owner holds. add_releases() emits, for each entry, the maximal parts
 * of it no new operation covers: at most k + 1 parts for an entry that k
 * operations intersect. Summed over the entries that is I + E, where I is
 * the number of intersecting (operation, entry) pairs. Two sorted
 * families of disjoint intervals have I <= N + E - 1 such pairs: walk
 * both in order; each pair after the first needs the next operation or
 * the next entry (whichever ends first is passed), so every pair but one
 * consumes one of the N + E intervals. Hence at most N + 2E - 1
 * releases and N + (N + 2E - 1) operations in all.
 *
 * The bound is reached: one entry [0, 2N + 1) and N new single frames
 * at 1, 3, ..., 2N - 1 leave N + 1 gaps (finding 5 of issue 10: the old
 * N + 2E + 1 ran out with a second image of fragmented ranges and the
 * call failed with a spurious NO_MEMORY).
 *
 * No overflow: @nranges <= HEKI_VTL1_MAX_RANGES (the chain walk) and
 * @entries <= HEKI_VTL1_MAX_PROT_ENTRIES, so the sum is below 2^20.
 */
static __u32 txn_cap(__u32 nranges, __u32 entries)
{
	__u32 n = nranges + KEXEC_SEGMENT_MAX;

	return 2 * n + 2 * entries;
}

/*
 * The Authenticode check of the kernel blob, against the LoadKData
 * certificates, revoked certificates and blocklist. @b was copied after its pages were made read-only, so
 * the bytes verified are the bytes VTL0 can no longer change.
 */
static int verify_kernel_blob(struct heki_vtl1 *v, struct vtl1_buf *b)
{
	if (!b->len)
		return -HEKI_VSM_ERR_KEXEC_BLOB_MISSING;
	return heki_authenticode_verify_rev(v->p.crypto, v->keyring, v->rev,
					    b->data, b->len);
}

/*
 * The kernel blob's ranges, before anything is protected: present
 * (EINVAL) and within HEKI_VTL1_MAX_KEXEC_SIZE in total (ERANGE). The
 * chain walk has checked every range (epa >= pa, below 2^52).
 */
static int check_blob_ranges(const struct vtl1_chain *c)
{
	__u64 total = 0;
	__u32 i, n = 0;

	for (i = 0; i < c->n; i++) {
		if (c->r[i].attributes != HEKI_KEXEC_KERNEL_BLOB_VALUE)
			continue;
		n++;
		if (__builtin_add_overflow(total, c->r[i].epa - c->r[i].pa,
					   &total) ||
		    total > HEKI_VTL1_MAX_KEXEC_SIZE)
			return -HEKI_VSM_ERR_KEXEC_SIZE_EXCEEDED;
	}
	return n ? 0 : -HEKI_VSM_ERR_KEXEC_BLOB_MISSING;
}

/*
 * The segments protected (crash) and the entry list head bound (both
 * kinds) were read from a copy of the image made before its pages were
 * protected. Read it again, now that VTL0 cannot write it, and refuse if
 * it differs from what was parsed.
 */
static int image_unchanged(struct heki_vtl1 *v, const struct vtl1_chain *c,
			   const struct vtl1_buf *image)
{
	struct vtl1_buf again = { 0 };
	int ret;

	ret = vtl1_gather(v, c, HEKI_KEXEC_IMAGE_VALUE,
			  HEKI_VTL1_MAX_KEXEC_SIZE,
			  -HEKI_VSM_ERR_KEXEC_SIZE_EXCEEDED, &again);
	if (!ret && (again.len != image->len ||
		     (image->len && memcmp(again.data, image->data, image->len))))
		ret = -HEKI_VSM_ERR_KEXEC_IMAGE_CHANGED;
	vtl1_buf_free(v, &again);
	return ret;
}

/*
 * KexecValidate(pa, nranges, crash), in order: certificates loaded
 * (EACCES); pa == 0 only releases the pages the previous call of the same
 * kind (crash or not) protected; otherwise pa/nranges (EFAULT), the chain,
 * types (EINVAL), image size (ERANGE), a kernel blob present (EINVAL) and
 * within the size limit (ERANGE), for crash the kimage segments; then the
 * new pages (image, blob, pages, segments) are made read-only and the old
 * ones released in one transaction; only then is the blob copied from
 * VTL0 and its Authenticode signature verified (Documentation/vtl1.rst,
 * "Kexec image binding"), the image read again and compared with the
 * copy the segments came from (EBUSY), and the kernel segment the kimage
 * will boot compared with the verified blob (heki_kexec_bind()); on
 * refusal everything is rolled back (the previous protections stay).
 */
static __s64 vtl1_do_KEXEC_VALIDATE(struct heki_vtl1 *v, __u64 a0, __u64 a1,
				    __u64 a2)
{
	__u8 owner = a2 ? HEKI_VTL1_OWNER_KEXEC_CRASH : HEKI_VTL1_OWNER_KEXEC;
	struct vtl1_buf image = { 0 }, blob = { 0 };
	struct heki_kimage_segments segs;
	struct vtl1_chain c = { 0 };
	struct prot_txn t;
	__u32 i, nnew;
	int ret;

	memset(&t, 0, sizeof(t));
	if (!v->keyring)
		return -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_NOT_LOADED;
	if (a0) {
		if (!vtl1_chain_args_ok(a0, a1))
			return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;
		ret = vtl1_chain_walk(v, a0, a1, &c);
		if (ret)
			return ret;
	}
	for (i = 0; i < c.n; i++) {
		if (!heki_kexec_type_valid(heki_range_kexec_type(&c.r[i]))) {
			ret = -HEKI_VSM_ERR_KEXEC_TYPE_INVALID;
			goto out;
		}
	}
	ret = prot_txn_init(v, &t, txn_cap(c.n, owned_entries(v, owner)));
	if (ret)
		goto out;
	t.releaser_owner = owner;
	t.may_loosen = 1;

	if (a0) {
		ret = vtl1_gather(v, &c, HEKI_KEXEC_IMAGE_VALUE,
				  HEKI_VTL1_MAX_KEXEC_SIZE,
				  -HEKI_VSM_ERR_KEXEC_SIZE_EXCEEDED, &image);
		if (!ret)
			ret = check_blob_ranges(&c);
		for (i = 0; !ret && i < c.n; i++)
			ret = prot_txn_add_range(&t, c.r[i].pa, c.r[i].epa, ro(),
						 owner, 0);
		if (!ret && a2) {
			ret = heki_kimage_parse(image.data, image.len, &segs);
			for (i = 0; !ret && i < segs.nr; i++)
				ret = prot_txn_add_range(&t, segs.seg[i].pa,
							 segs.seg[i].epa, ro(),
							 owner, 0);
		}
		if (ret)
			goto out;
	}
	ret = prot_txn_sort(&t);
	nnew = t.n;
	if (!ret)
		ret = add_releases(v, &t, owner, nnew);
	if (!ret)
		ret = prot_txn_prepare(v, &t);
	if (!ret)
		ret = prot_txn_apply(v, &t);
	if (ret)
		goto out;
	if (a0) {
		/* Copied now that VTL0 can no longer write it (LiteBox 7.3). */
		ret = vtl1_gather(v, &c, HEKI_KEXEC_KERNEL_BLOB_VALUE,
				  HEKI_VTL1_MAX_KEXEC_SIZE,
				  -HEKI_VSM_ERR_KEXEC_SIZE_EXCEEDED, &blob);
		if (!ret)
			ret = verify_kernel_blob(v, &blob);
		if (!ret)
			ret = image_unchanged(v, &c, &image);
		if (!ret)
			ret = heki_kexec_bind(v, &c, &image, &blob, a2 != 0);
		if (ret) {
			prot_txn_rollback(v, &t);
			goto out;
		}
	}
	prot_txn_commit(v, &t);
out:
	vtl1_buf_free(v, &image);
	vtl1_buf_free(v, &blob);
	prot_txn_free(v, &t);
	vtl1_chain_free(v, &c);
	return ret;
}

static const struct vtl1_call kexec_calls[] = {
	VTL1_CALL(KEXEC_VALIDATE, vtl1_do_KEXEC_VALIDATE),
};

/* The protections are in the map (core/); nothing else is kept. */
const struct vtl1_subsys vtl1_subsys_kexec = {
	.name = "kexec",
	.calls = kexec_calls,
	.nr_calls = ARRAY_SIZE(kexec_calls),
};

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * protmap.c - the protection map and all-or-nothing protection changes.
 */
#include "protmap.h"
#include "sort.h"

int prot_txn_init(struct heki_vtl1 *v, struct prot_txn *t, __u32 cap)
{
	memset(t, 0, sizeof(*t));
	if (!cap)
		cap = 1;
	t->ops = vtl1_alloc_array(v, cap, sizeof(*t->ops));
	if (!t->ops)
		return -HEKI_VSM_ERR_NO_MEMORY;
	t->cap = cap;
	return 0;
}

int prot_txn_add(struct prot_txn *t, __u64 pfn, __u64 npages,
		 hv_page_prot_t prot, __u8 owner, __s64 id)
{
	struct vtl1_prot_ent *e;

	if (!npages)
		return 0;
	if (pfn >= VTL1_PFN_LIMIT || npages > VTL1_PFN_LIMIT - pfn)
		return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
	if (t->n >= t->cap)
		return -HEKI_VSM_ERR_NO_MEMORY;
	e = &t->ops[t->n++];
	e->pfn = pfn;
	e->npages = npages;
	e->prot = (__force __u8)prot;
	e->owner = owner;
	e->id = id;
	return 0;
}

/*
 * [pa, epa) covers every frame it touches: the start is rounded down and
 * the end up, so a partial last page is protected too (LiteBox rounds the
 * end down and leaves it writable, §7.25).
 */
int prot_txn_add_range(struct prot_txn *t, __u64 pa, __u64 epa,
		       hv_page_prot_t prot, __u8 owner, __s64 id)
{
	__u64 first, end;

	if (epa < pa || !vtl1_pa_valid(pa) || epa > VTL1_PA_LIMIT)
		return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
	if (epa == pa)
		return 0;
	first = pa >> HEKI_PAGE_SHIFT;
	end = (epa + HEKI_PAGE_SIZE - 1) >> HEKI_PAGE_SHIFT;
	return prot_txn_add(t, first, end - first, prot, owner, id);
}

static int ent_cmp(const void *a, const void *b)
{
	const struct vtl1_prot_ent *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return 0;
}

static int same_owner(const struct vtl1_prot_ent *a,
		      const struct vtl1_prot_ent *b)
{
	return a->owner == b->owner && a->id == b->id;
}

/*
 * Sort the operations and merge those that overlap or touch when they
 * agree; overlapping operations that disagree make the call invalid.
 */
int prot_txn_sort(struct prot_txn *t)
{
	__u32 i, out = 0;

	vtl1_sort(t->ops, t->n, sizeof(*t->ops), ent_cmp);
	for (i = 0; i < t->n; i++) {
		struct vtl1_prot_ent *cur = &t->ops[i];
		struct vtl1_prot_ent *last = out ? &t->ops[out - 1] : NULL;
		__u64 last_end, cur_end = cur->pfn + cur->npages;

		if (last) {
			last_end = last->pfn + last->npages;
			if (cur->pfn < last_end) {
				if (!same_owner(last, cur) ||
				    last->prot != cur->prot)
					return -HEKI_VSM_ERR_RANGE_CONFLICT;
				if (cur_end > last_end)
					last->npages = cur_end - last->pfn;
				continue;
			}
			if (cur->pfn == last_end && same_owner(last, cur) &&
			    last->prot == cur->prot) {
				last->npages += cur->npages;
				continue;
			}
		}
		t->ops[out++] = *cur;
	}
	t->n = out;
	return 0;
}

/* Index of the first entry that ends after @pfn (m->n if none). */
__u32 prot_map_first_end_after(const struct vtl1_prot_map *m, __u64 pfn)
{
	__u32 lo = 0, hi = m->n;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;
		const struct vtl1_prot_ent *e = &m->e[mid];

		if (e->pfn + e->npages <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct vtl1_prot_ent *prot_map_find(const struct vtl1_prot_map *m,
					  __u64 pfn)
{
	__u32 i = prot_map_first_end_after(m, pfn);

	if (i < m->n && m->e[i].pfn <= pfn)
		return &m->e[i];
	return NULL;
}

static int check_op(struct heki_vtl1 *v, const struct prot_txn *t,
		    const struct vtl1_prot_ent *op)
{
	__u64 end = op->pfn + op->npages;
	__u32 i;

	if (vtl1_overlaps_vtl1(v, op->pfn << HEKI_PAGE_SHIFT,
			       op->npages << HEKI_PAGE_SHIFT))
		return -HEKI_VSM_ERR_RANGE_IN_VTL1;

	for (i = prot_map_first_end_after(&v->map, op->pfn);
	     i < v->map.n && v->map.e[i].pfn < end; i++) {
		const struct vtl1_prot_ent *e = &v->map.e[i];

		if (e->owner == HEKI_VTL1_OWNER_NONE)
			continue;
		if (op->owner == HEKI_VTL1_OWNER_NONE) {
			/* A release gives back only the releaser's frames. */
			if (e->owner != t->releaser_owner ||
			    e->id != t->releaser_id)
				return -HEKI_VSM_ERR_RANGE_OWNED;
			continue;
		}
		if (!same_owner(e, op))
			return -HEKI_VSM_ERR_RANGE_OWNED;
		if (!t->may_loosen && (op->prot & ~e->prot))
			return -HEKI_VSM_ERR_PROT_LOOSEN;
	}
	return 0;
}

static void emit(struct vtl1_prot_ent *out, __u32 *n,
		 const struct vtl1_prot_ent *e)
{
	struct vtl1_prot_ent *last = *n ? &out[*n - 1] : NULL;

	if (last && last->pfn + last->npages == e->pfn &&
	    same_owner(last, e) && last->prot == e->prot) {
		last->npages += e->npages;
		return;
	}
	out[(*n)++] = *e;
}

/* Paint the (sorted, disjoint) operations over the current map. */
static void build_newmap(const struct vtl1_prot_map *m, struct prot_txn *t)
{
	struct vtl1_prot_ent cur;
	int have = 0;
	__u32 i = 0, k, out = 0;

	for (k = 0; k < t->n; k++) {
		const struct vtl1_prot_ent *op = &t->ops[k];
		__u64 op_end = op->pfn + op->npages;

		for (;;) {
			__u64 end;

			if (!have) {
				if (i >= m->n)
					break;
				cur = m->e[i++];
				have = 1;
			}
			end = cur.pfn + cur.npages;
			if (end <= op->pfn) {
				emit(t->newmap, &out, &cur);
				have = 0;
				continue;
			}
			if (cur.pfn >= op_end)
				break;
			if (cur.pfn < op->pfn) {
				struct vtl1_prot_ent head = cur;

				head.npages = op->pfn - cur.pfn;
				emit(t->newmap, &out, &head);
			}
			if (end > op_end) {
				cur.npages = end - op_end;
				cur.pfn = op_end;
				break;
			}
			have = 0;
		}
		emit(t->newmap, &out, op);
	}
	if (have)
		emit(t->newmap, &out, &cur);
	while (i < m->n)
		emit(t->newmap, &out, &m->e[i++]);
	t->newn = out;
}

int prot_txn_prepare(struct heki_vtl1 *v, struct prot_txn *t)
{
	__u64 cap;
	__u32 k;
	int ret;

	ret = prot_txn_sort(t);
	if (ret)
		return ret;
	for (k = 0; k < t->n; k++) {
		ret = check_op(v, t, &t->ops[k]);
		if (ret)
			return ret;
	}
	/* Each operation adds itself and may split one entry in two. */
	cap = (__u64)v->map.n + 2ULL * t->n + 1;
	t->newmap = vtl1_alloc_array(v, cap, sizeof(*t->newmap));
	if (!t->newmap)
		return -HEKI_VSM_ERR_NO_MEMORY;
	build_newmap(&v->map, t);
	if (t->newn > HEKI_VTL1_MAX_PROT_ENTRIES)
		return -HEKI_VSM_ERR_PROT_MAP_FULL;
	return 0;
}

static hv_status_t modify(struct heki_vtl1 *v, __u64 pfn, __u64 npages,
			  __u8 prot)
{
	return v->p.modify_vtl_protection(v->p.ctx,
					  heki_gpa(pfn << HEKI_PAGE_SHIFT),
					  npages, (__force hv_page_prot_t)prot);
}

/* Restore the access the (unchanged) current map records for @op. */
static void restore(struct heki_vtl1 *v, const struct vtl1_prot_ent *op)
{
	__u64 pos = op->pfn, end = op->pfn + op->npages;
	__u32 i = prot_map_first_end_after(&v->map, op->pfn);

	while (pos < end) {
		const struct vtl1_prot_ent *e = i < v->map.n ? &v->map.e[i] :
							       NULL;
		__u64 stop;
		__u8 prot;

		if (e && e->pfn <= pos) {
			stop = e->pfn + e->npages;
			prot = e->prot;
			i++;
		} else {
			stop = e ? e->pfn : end;
			prot = (__force __u8)VTL1_PROT_DEFAULT;
		}
		if (stop > end)
			stop = end;
		if (modify(v, pos, stop - pos, prot) != HV_STATUS_SUCCESS)
			vtl1_err(v, "rollback of pfn %llx+%llx failed\n",
				 (unsigned long long)pos,
				 (unsigned long long)(stop - pos));
		pos = stop;
	}
}

void prot_txn_rollback(struct heki_vtl1 *v, struct prot_txn *t)
{
	while (t->applied) {
		t->applied--;
		restore(v, &t->ops[t->applied]);
	}
}

int prot_txn_apply(struct heki_vtl1 *v, struct prot_txn *t)
{
	for (t->applied = 0; t->applied < t->n; t->applied++) {
		const struct vtl1_prot_ent *op = &t->ops[t->applied];
		hv_status_t st = modify(v, op->pfn, op->npages, op->prot);

		if (st != HV_STATUS_SUCCESS) {
			vtl1_err(v, "protect pfn %llx+%llx prot %x: status %u\n",
				 (unsigned long long)op->pfn,
				 (unsigned long long)op->npages, op->prot,
				 (unsigned int)(__force __u32)st);
			prot_txn_rollback(v, t);
			return -HEKI_VSM_ERR_HYPERCALL_FAILED;
		}
	}
	return 0;
}

void prot_txn_commit(struct heki_vtl1 *v, struct prot_txn *t)
{
	vtl1_free(v, v->map.e);
	v->map.e = t->newmap;
	v->map.n = t->newn;
	t->newmap = NULL;
	t->applied = 0;
}

void prot_txn_free(struct heki_vtl1 *v, struct prot_txn *t)
{
	vtl1_free(v, t->newmap);
	vtl1_free(v, t->ops);
	memset(t, 0, sizeof(*t));
}

int prot_txn_run(struct heki_vtl1 *v, struct prot_txn *t)
{
	int ret = prot_txn_apply(v, t);

	if (!ret)
		prot_txn_commit(v, t);
	return ret;
}

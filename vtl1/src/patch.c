// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * patch.c - precomputed text patches and PatchText.
 *
 * Every site has one key per text_poke_bp step address: byte 0 (steps 1
 * and 3) and byte 1 (step 2, for sites longer than one byte), in one
 * sorted array. A request is accepted only if every byte it writes lands
 * at the physical address of the matching byte of a registered site, with
 * that site's bytes (or INT3 on byte 0, or the same-size NOP for jumps).
 */
#include "handlers.h"
#include "patch.h"
#include "patchinfo.h"
#include "sort.h"

/* Linux x86 NOPs of 1..5 bytes (arch/x86/include/asm/nops.h, 64-bit). */
static const __u8 vtl1_nops[POKE_MAX_OPCODE_SIZE + 1][POKE_MAX_OPCODE_SIZE] = {
	[1] = { 0x90 },
	[2] = { 0x66, 0x90 },
	[3] = { 0x0f, 0x1f, 0x00 },
	[4] = { 0x0f, 0x1f, 0x40, 0x00 },
	[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
};

/* Physical address of byte @i of a (validated) patch. */
__u64 vtl1_patch_byte_pa(const struct heki_patch *p, __u32 i)
{
	__u32 first = heki_patch_first_page_len(p);

	return i < first ? p->pa[0] + i : p->pa[1] + (i - first);
}

static int key_cmp(const void *a, const void *b)
{
	const struct vtl1_patch_key *x = a, *y = b;

	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return 0;
}

/* Write the keys of sites[0..n) into @key; returns the number written. */
static __u32 build_keys(const struct vtl1_patch_site *site, __u32 n,
			struct vtl1_patch_key *key)
{
	__u32 i, k = 0;

	for (i = 0; i < n; i++) {
		key[k].pa = site[i].patch.pa[0];
		key[k].idx = i;
		key[k++].offset = 0;
		if (site[i].patch.size > 1) {
			key[k].pa = vtl1_patch_byte_pa(&site[i].patch, 1);
			key[k].idx = i;
			key[k++].offset = 1;
		}
	}
	vtl1_sort(key, k, sizeof(*key), key_cmp);
	return k;
}

/* Room for @cap sites, at most HEKI_VTL1_MAX_PATCH_SITES. */
int vtl1_patch_batch_init(struct heki_vtl1 *v, struct vtl1_patch_batch *b,
			  __u64 cap)
{
	memset(b, 0, sizeof(*b));
	if (cap > HEKI_VTL1_MAX_PATCH_SITES)
		cap = HEKI_VTL1_MAX_PATCH_SITES;
	b->site = vtl1_alloc_array(v, cap ? cap : 1, sizeof(*b->site));
	if (!b->site)
		return -HEKI_VSM_ERR_NO_MEMORY;
	b->cap = (__u32)cap;
	return 0;
}

int vtl1_patch_batch_add(struct vtl1_patch_batch *b,
			 const struct heki_patch *p, __s64 token, __u32 init)
{
	struct vtl1_patch_site *s;

	if (b->n >= b->cap)
		return -HEKI_VSM_ERR_PATCH_TABLE_FULL;
	s = &b->site[b->n++];
	s->patch = *p;
	s->token = token;
	s->init = init;
	return 0;
}

/*
 * Build the table as it will be after the batch, so that committing
 * cannot fail. Two sites may not start at the same byte.
 */
int vtl1_patches_stage(struct heki_vtl1 *v, struct vtl1_patch_batch *b)
{
	struct vtl1_patches *st = &b->staged;
	__u64 n = (__u64)v->patches.n + b->n;
	__u32 i, nk;

	if (n > HEKI_VTL1_MAX_PATCH_SITES)
		return -HEKI_VSM_ERR_PATCH_TABLE_FULL;
	st->site = vtl1_alloc_array(v, n ? n : 1, sizeof(*st->site));
	st->key = vtl1_alloc_array(v, n ? 2 * n : 1, sizeof(*st->key));
	if (!st->site || !st->key)
		return -HEKI_VSM_ERR_NO_MEMORY;
	if (v->patches.n)
		memcpy(st->site, v->patches.site,
		       sizeof(*st->site) * (__u64)v->patches.n);
	if (b->n)
		memcpy(st->site + v->patches.n, b->site,
		       sizeof(*st->site) * (__u64)b->n);
	st->n = (__u32)n;
	nk = build_keys(st->site, st->n, st->key);
	st->nk = nk;
	for (i = 1; i < nk; i++)
		if (st->key[i].pa == st->key[i - 1].pa &&
		    st->key[i].offset == 0 && st->key[i - 1].offset == 0)
			return -HEKI_VSM_ERR_PATCH_DUPLICATE;
	return 0;
}

void vtl1_patches_commit(struct heki_vtl1 *v, struct vtl1_patch_batch *b)
{
	vtl1_free(v, v->patches.site);
	vtl1_free(v, v->patches.key);
	v->patches = b->staged;
	memset(&b->staged, 0, sizeof(b->staged));
}

void vtl1_patch_batch_free(struct heki_vtl1 *v, struct vtl1_patch_batch *b)
{
	vtl1_free(v, b->staged.site);
	vtl1_free(v, b->staged.key);
	vtl1_free(v, b->site);
	memset(b, 0, sizeof(*b));
}

/* Drop a module's sites (only its init-text sites if @init_only). */
void vtl1_patches_remove(struct heki_vtl1 *v, __s64 token, int init_only)
{
	struct vtl1_patches *t = &v->patches;
	__u32 i, out = 0;

	for (i = 0; i < t->n; i++) {
		const struct vtl1_patch_site *s = &t->site[i];

		if (s->token == token && (!init_only || s->init))
			continue;
		t->site[out++] = *s;
	}
	if (out == t->n)
		return;
	t->n = out;
	t->nk = build_keys(t->site, t->n, t->key);
}

void vtl1_patches_free(struct heki_vtl1 *v)
{
	vtl1_free(v, v->patches.site);
	vtl1_free(v, v->patches.key);
	memset(&v->patches, 0, sizeof(v->patches));
}

/* Whether request @r matches site @s written from byte @off on. */
static int request_matches(const struct heki_patch *r,
			   const struct heki_patch *s, __u32 off)
{
	const __u8 *nop = vtl1_nops[s->size];
	int jump = s->size == HEKI_PATCH_JMP8_SIZE ||
		   s->size == HEKI_PATCH_JMP32_SIZE;
	__u32 i;

	if (off == 0 && r->size != 1)
		return 0;
	if (off == 1 && r->size != s->size - 1)
		return 0;
	for (i = 0; i < r->size; i++)
		if (vtl1_patch_byte_pa(r, i) != vtl1_patch_byte_pa(s, off + i))
			return 0;
	if (off == 0 && r->code[0] == HEKI_PATCH_INT3_OPCODE)
		return 1;
	if (!memcmp(r->code, s->code + off, r->size))
		return 1;
	return jump && !memcmp(r->code, nop + off, r->size);
}

/*
 * PatchText(pa0, pa1): fetch the 24-byte descriptor (split over two pages
 * when pa0 is near a page end), validate it on every path, find the site
 * whose byte 0 or byte 1 it targets, check the step, and write exactly
 * size bytes: the part in pa0's page at pa0, the rest at pa1.
 */
__s64 vtl1_do_PATCH_TEXT(struct heki_vtl1 *v, __u64 a0, __u64 a1, __u64 a2)
{
	const struct vtl1_patches *t = &v->patches;
	struct heki_patch req;
	__u8 raw[sizeof(req)];
	__u64 room;
	__u32 first, lo, hi, k, nk;
	int ret, found = 0;

	if (!vtl1_pa_valid(a0) || !vtl1_pa_valid(a1))
		return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
	if (!a0 || a0 == a1 || !vtl1_page_aligned(a1))
		return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;
	room = HEKI_PAGE_SIZE - (a0 & HEKI_PAGE_OFFSET_MASK);
	first = room < sizeof(raw) ? (__u32)room : sizeof(raw);
	if ((first < sizeof(raw)) != (a1 != 0))
		return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;

	ret = vtl1_copy_from(v, raw, a0, first);
	if (!ret)
		ret = vtl1_copy_from(v, raw + first, a1, sizeof(raw) - first);
	if (ret)
		return ret;
	memcpy(&req, raw, sizeof(req));
	ret = heki_patch_validate(&req);
	if (ret)
		return ret;

	/* First key with pa >= req.pa[0]. */
	nk = t->nk;
	lo = 0;
	hi = nk;
	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (t->key[mid].pa < req.pa[0])
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < nk && t->key[k].pa == req.pa[0]; k++) {
		const struct heki_patch *s = &t->site[t->key[k].idx].patch;

		found = 1;
		if (request_matches(&req, s, t->key[k].offset))
			goto apply;
	}
	return found ? -HEKI_VSM_ERR_TEXT_PATCH_SUSPICIOUS :
		       -HEKI_VSM_ERR_PRECOMPUTED_PATCH_NOT_FOUND;
apply:
	first = heki_patch_first_page_len(&req);
	ret = vtl1_copy_to(v, req.pa[0], req.code, first);
	if (!ret && first < req.size)
		ret = vtl1_copy_to(v, req.pa[1], req.code + first,
				   req.size - first);
	return ret;
}

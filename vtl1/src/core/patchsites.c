// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * patchsites.c - the table of precomputed text patches.
 *
 * Every site has one key per text_poke_bp step address: byte 0 (steps 1
 * and 3) and byte 1 (step 2, for sites longer than one byte), in one
 * sorted array. LoadKData (kernel sites) and ValidateModule (module sites)
 * stage a batch and commit it with their other state; FreeModuleInit and
 * UnloadModule drop a module's sites. PatchText (mem/patch_text.c) looks
 * requests up here.
 */
#include "patchdesc.h"
#include "patchsites.h"
#include "sort.h"

/* Physical address of byte @i of a (validated) patch. */
__u64 vtl1_patch_byte_pa(const struct heki_patch *p, __u32 i)
{
	__u32 first = heki_patch_first_page_len(p);

	return i < first ? p->pa[0] + i : p->pa[1] + (i - first);
}

/**
 * vtl1_patch_site_covers() - whether a byte is one of a site's bytes
 * @s: the site
 * @pa: guest physical address of the byte
 *
 * Return: 1 if PatchText may write @pa for @s, else 0.
 */
int vtl1_patch_site_covers(const struct vtl1_patch_site *s, __u64 pa)
{
	__u32 i;

	for (i = 0; i < s->patch.size; i++)
		if (vtl1_patch_byte_pa(&s->patch, i) == pa)
			return 1;
	return 0;
}

/**
 * vtl1_patch_site_owner() - the owner whose frames a site may write
 * @s: the site
 * @owner: receives HEKI_VTL1_OWNER_KERNEL (LoadKData's sites) or
 *	HEKI_VTL1_OWNER_MODULE
 * @id: receives 0, or the module's token
 */
void vtl1_patch_site_owner(const struct vtl1_patch_site *s, __u8 *owner,
			   __s64 *id)
{
	*owner = s->token < 0 ? HEKI_VTL1_OWNER_KERNEL : HEKI_VTL1_OWNER_MODULE;
	*id = s->token < 0 ? 0 : s->token;
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

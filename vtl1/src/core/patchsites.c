// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * patchsites.c - the table of text-patch sites.
 *
 * A site is a jump label: 2 or 5 bytes that may hold exactly the NOP of
 * that size or the jmp to the label's target (arch/x86/kernel/
 * jump_label.c writes nothing else); or a static call site or trampoline
 * of a validated module: 5 bytes that may hold a few fixed forms, or a
 * CALL / JMP rel32 to any function entry of validated text, checked when
 * PatchText writes it (arch/x86/kernel/static_call.c). Its location and encodings come from
 * an authenticated source only: ValidateModule derives module sites from
 * the verified ELF's __jump_table after relocation (module/), LoadKData
 * takes the kernel's sites from the patch info VTL0 sends before end of
 * boot (kdata/). Bytes VTL0 sends later never add a site or a form.
 *
 * The table keeps each site's pieces (one per page it touches) sorted by
 * physical address; pieces never share a byte, so an address names at
 * most one byte of one site. LoadKData and ValidateModule stage a batch
 * and commit it with their other state; FreeModuleInit and UnloadModule
 * drop a module's sites. PatchText (mem/patch_text.c) looks requests up
 * here.
 */
#include "le.h"
#include "patchdesc.h"
#include "patchsites.h"
#include "sort.h"

/* Linux x86-64 x86_nops[2] and x86_nops[5] (arch/x86/include/asm/nops.h). */
static const __u8 nop2[HEKI_PATCH_JMP8_SIZE] = { 0x66, 0x90 };
static const __u8 nop5[HEKI_PATCH_JMP32_SIZE] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

/**
 * vtl1_patch_nop() - the NOP the kernel writes into a jump label site
 * @size: the site's size
 *
 * Return: the 2- or 5-byte NOP, NULL for any other size.
 */
const __u8 *vtl1_patch_nop(__u32 size)
{
	if (size == HEKI_PATCH_JMP8_SIZE)
		return nop2;
	if (size == HEKI_PATCH_JMP32_SIZE)
		return nop5;
	return NULL;
}

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

	for (i = 0; i < s->loc.size; i++)
		if (vtl1_patch_byte_pa(&s->loc, i) == pa)
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

/**
 * vtl1_patch_jump_site() - fill a jump label site
 * @s: the site to fill
 * @loc: where it is (pa[0], pa[1], size; code ignored)
 * @jmp: its jmp encoding (@loc->size bytes: eb rel8 or e9 rel32), or NULL
 *	when no jmp of that size reaches the target (the NOP is then the
 *	only form)
 * @token: owning module token, -1 for the kernel
 * @init: the site lies in init text
 *
 * Return: 0; heki_patch_validate()'s code for a malformed @loc;
 * -HEKI_VSM_ERR_PATCH_INFO_NOT_JUMP if the size is not 2 or 5 or @jmp is
 * not a jmp8 / jmp32.
 */
int vtl1_patch_jump_site(struct vtl1_patch_site *s, const struct heki_patch *loc,
			 const __u8 *jmp, __s64 token, __u32 init)
{
	int ret = heki_patch_validate(loc);
	__u32 n = loc->size;

	if (ret)
		return ret;
	if (n != HEKI_PATCH_JMP8_SIZE && n != HEKI_PATCH_JMP32_SIZE)
		return -HEKI_VSM_ERR_PATCH_INFO_NOT_JUMP;
	if (jmp && jmp[0] != (n == HEKI_PATCH_JMP8_SIZE ? 0xeb : 0xe9))
		return -HEKI_VSM_ERR_PATCH_INFO_NOT_JUMP;
	memset(s, 0, sizeof(*s));
	s->loc.pa[0] = loc->pa[0];
	s->loc.pa[1] = loc->pa[1];
	s->loc.size = (__u8)n;
	memcpy(s->form[0], n == HEKI_PATCH_JMP8_SIZE ? nop2 : nop5, n);
	s->nforms = 1;
	if (jmp) {
		memcpy(s->form[1], jmp, n);
		s->nforms = 2;
	}
	s->token = token;
	s->init = init;
	return 0;
}

/**
 * vtl1_patch_static_call_site() - fill a static call site or trampoline
 * @s: the site to fill
 * @loc: where it is (pa[0], pa[1], size 5; code ignored)
 * @forms: @nforms fixed encodings of 5 bytes each, one after another
 * @nforms: 1 to VTL1_PATCH_MAX_FORMS
 * @branch: 0xe8 (CALL site) or 0xe9 (tail-call site, trampoline)
 * @entry: where the CALL / JMP form's function entry may lie
 *	(VTL1_ENTRY_ANY or VTL1_ENTRY_MODULE; struct vtl1_patch_site)
 * @va: VA of the site's first byte
 * @no_call: a function a CALL may not name (0: none)
 * @token: owning module token
 * @init: the site lies in init text
 *
 * Return: 0; heki_patch_validate()'s code for a malformed @loc;
 * -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID for any other bad argument.
 */
int vtl1_patch_static_call_site(struct vtl1_patch_site *s,
				const struct heki_patch *loc,
				const __u8 *forms,
				__u32 nforms, __u8 branch, __u32 entry,
				__u64 va, __u64 no_call, __s64 token,
				__u32 init)
{
	int ret = heki_patch_validate(loc);
	__u32 f;

	if (ret)
		return ret;
	if (loc->size != HEKI_PATCH_JMP32_SIZE || !nforms ||
	    nforms > VTL1_PATCH_MAX_FORMS || (branch != 0xe8 && branch != 0xe9) ||
	    (entry != VTL1_ENTRY_ANY && entry != VTL1_ENTRY_MODULE))
		return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
	memset(s, 0, sizeof(*s));
	s->loc.pa[0] = loc->pa[0];
	s->loc.pa[1] = loc->pa[1];
	s->loc.size = loc->size;
	for (f = 0; f < nforms; f++)
		memcpy(s->form[f], forms + f * HEKI_PATCH_JMP32_SIZE,
		       HEKI_PATCH_JMP32_SIZE);
	s->nforms = (__u8)nforms;
	s->branch = branch;
	s->entry = (__u8)entry;
	s->va = va;
	s->no_call = no_call;
	s->token = token;
	s->init = init;
	return 0;
}

/**
 * vtl1_patch_branch_target() - where 5 bytes at a static call site branch
 * @s: the site
 * @b: HEKI_PATCH_JMP32_SIZE bytes for it
 * @dest: receives the rel32's destination (modulo 2^64, as the CPU
 *	computes it)
 *
 * Return: 1 if @s is a static call site or trampoline and @b is its
 * opcode with a rel32 (any destination), else 0.
 */
int vtl1_patch_branch_target(const struct vtl1_patch_site *s, const __u8 *b,
			     __u64 *dest)
{
	if (!s->branch || s->loc.size != HEKI_PATCH_JMP32_SIZE ||
	    b[0] != s->branch)
		return 0;
	*dest = s->va + HEKI_PATCH_JMP32_SIZE +
		(__u64)(__s64)heki_le_s32(b + 1);
	return 1;
}

/**
 * vtl1_patch_branch_dest() - where a site's CALL / JMP form would go
 * @s: the site
 * @b: HEKI_PATCH_JMP32_SIZE bytes for it
 * @dest: receives the rel32's destination
 *
 * The caller decides whether @dest is a function entry it accepts.
 *
 * Return: 1 if @s is a static call site or trampoline and @b is its
 * opcode with a rel32, not a CALL of the function it may not name;
 * else 0.
 */
int vtl1_patch_branch_dest(const struct vtl1_patch_site *s, const __u8 *b,
			   __u64 *dest)
{
	return vtl1_patch_branch_target(s, b, dest) &&
	       !(s->branch == 0xe8 && s->no_call && *dest == s->no_call);
}

/**
 * vtl1_patch_site_read() - the bytes a site holds now
 * @v: the instance
 * @s: the site
 * @cur: receives its @s->loc.size bytes (POKE_MAX_OPCODE_SIZE room)
 *
 * The site's frames are ones its owner holds, which VTL0 cannot write:
 * only VTL1 wrote or validated what is there.
 *
 * Return: 0, or vtl1_copy_from()'s error.
 */
int vtl1_patch_site_read(struct heki_vtl1 *v, const struct vtl1_patch_site *s,
			 __u8 *cur)
{
	__u32 first = heki_patch_first_page_len(&s->loc);
	int ret = vtl1_copy_from(v, cur, s->loc.pa[0], first);

	if (!ret && first < s->loc.size)
		ret = vtl1_copy_from(v, cur + first, s->loc.pa[1],
				     s->loc.size - first);
	return ret;
}

static int key_cmp(const void *a, const void *b)
{
	const struct vtl1_patch_key *x = a, *y = b;

	if (x->pa != y->pa)
		return x->pa < y->pa ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return 0;
}

/* Write the pieces of sites[0..n) into @key, sorted; returns how many. */
static __u32 build_keys(const struct vtl1_patch_site *site, __u32 n,
			struct vtl1_patch_key *key)
{
	__u32 i, k = 0;

	for (i = 0; i < n; i++) {
		const struct heki_patch *p = &site[i].loc;
		__u32 first = heki_patch_first_page_len(p);

		key[k].pa = p->pa[0];
		key[k].idx = i;
		key[k].first = 0;
		key[k++].len = (__u8)first;
		if (first < p->size) {
			key[k].pa = p->pa[1];
			key[k].idx = i;
			key[k].first = (__u8)first;
			key[k++].len = (__u8)(p->size - first);
		}
	}
	vtl1_sort(key, k, sizeof(*key), key_cmp);
	return k;
}

/**
 * vtl1_patch_find() - the site holding a byte
 * @t: the table
 * @pa: physical address of the byte
 * @byte: set to the byte's index inside the site
 *
 * Return: the site, or NULL if no site holds @pa.
 */
const struct vtl1_patch_site *vtl1_patch_find(const struct vtl1_patches *t,
					      __u64 pa, __u32 *byte)
{
	__u32 lo = 0, hi = t->nk;
	const struct vtl1_patch_key *k;

	/* First piece starting above @pa; the one before may hold it. */
	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (t->key[mid].pa <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	k = &t->key[lo - 1];
	if (pa - k->pa >= k->len)
		return NULL;
	*byte = k->first + (__u32)(pa - k->pa);
	return &t->site[k->idx];
}

/**
 * vtl1_patch_find_mut() - the site holding a byte, to record its state
 * @t: the table
 * @pa: physical address of the byte
 * @byte: set to the byte's index inside the site
 *
 * Return: the site (PatchText updates its @held and @before), or NULL.
 */
struct vtl1_patch_site *vtl1_patch_find_mut(struct vtl1_patches *t, __u64 pa,
					    __u32 *byte)
{
	const struct vtl1_patch_site *s = vtl1_patch_find(t, pa, byte);

	return s ? &t->site[s - t->site] : NULL;
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

/* Room for @extra more sites in @b (HEKI_VTL1_MAX_PATCH_SITES at most). */
int vtl1_patch_batch_grow(struct heki_vtl1 *v, struct vtl1_patch_batch *b,
			  __u64 extra)
{
	struct vtl1_patch_site *site;
	__u64 cap = (__u64)b->cap + extra;

	if (extra > HEKI_VTL1_MAX_PATCH_SITES ||
	    cap > HEKI_VTL1_MAX_PATCH_SITES)
		return -HEKI_VSM_ERR_PATCH_TABLE_FULL;
	site = vtl1_alloc_array(v, cap ? cap : 1, sizeof(*site));
	if (!site)
		return -HEKI_VSM_ERR_NO_MEMORY;
	if (b->n)
		memcpy(site, b->site, sizeof(*site) * (__u64)b->n);
	vtl1_free(v, b->site);
	b->site = site;
	b->cap = (__u32)cap;
	return 0;
}

/* @s: filled by vtl1_patch_jump_site() or vtl1_patch_static_call_site(). */
int vtl1_patch_batch_add(struct vtl1_patch_batch *b,
			 const struct vtl1_patch_site *s)
{
	if (b->n >= b->cap)
		return -HEKI_VSM_ERR_PATCH_TABLE_FULL;
	b->site[b->n++] = *s;
	return 0;
}

/*
 * Build the table as it will be after the batch, so that committing
 * cannot fail. No two sites may share a byte: the same first byte is
 * PATCH_DUPLICATE, any other shared byte PATCH_SITE_OVERLAP.
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
	for (i = 1; i < nk; i++) {
		const struct vtl1_patch_key *a = &st->key[i - 1], *k = &st->key[i];

		if (k->pa - a->pa >= a->len)
			continue;
		return k->pa == a->pa && !a->first && !k->first ?
		       -HEKI_VSM_ERR_PATCH_DUPLICATE :
		       -HEKI_VSM_ERR_PATCH_SITE_OVERLAP;
	}
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

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kallsyms.c - the kernel's function entries.
 *
 * A static call, a paravirt call or a 6.4+ direct-call alternative in a
 * module may only branch to the entry of a function an authenticated
 * source names (module/). For the kernel, VTL1 knows two such sources,
 * both from LoadKData before end of boot: the exported-symbol tables
 * (symtab.c), and the kernel's own symbol table, kallsyms, which Debian
 * builds with CONFIG_KALLSYMS_ALL and keeps in its read-only data.
 *
 * The kallsyms tables are scripts/kallsyms.c output (identical in 6.1 and
 * 6.12 apart from their order in .rodata, which does not matter here):
 *   kallsyms_num_syms      u32 N
 *   kallsyms_offsets       s32[N] (or kallsyms_addresses u64[N]): the
 *                          address of symbol i, decoded per format
 *   kallsyms_relative_base u64
 *   kallsyms_names         per symbol: length (one byte, or two when the
 *                          first has bit 7 set: low 7 bits, then the next
 *                          byte << 7), then that many token bytes; the
 *                          first token's first character is the type
 *   kallsyms_markers       u32[(N + 255) / 256]: offset of symbol 256 * i
 *   kallsyms_token_table   256 NUL-terminated strings
 *   kallsyms_token_index   u16[256]: offset of token i
 * The kernel info extension gives their addresses; VTL1 reads them from
 * its LoadKData copy of the kernel data, and only if every byte read lies
 * in frames the kernel protected read-only before (so they are the bytes
 * the kernel had when VTL1 took them). Every count and offset is checked
 * before use; nothing is allocated from N before the whole table checked.
 * The text symbols ('t', 'T', 'w', 'W') inside [_stext, _etext) are the
 * function entries, except 6.4+'s __pfx_ symbols (a function's padding).
 * kallsyms does not tell a function from an assembler label inside one:
 * that is the resolution this source has.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "kallsyms.h"
#include "kinfo_ext.h"

/* Bytes of one kallsyms_offsets entry for @fmt. */
static __u64 offset_size(__u32 fmt)
{
	return fmt == HEKI_KALLSYMS_FORMAT_ABS ? 8 : 4;
}

/**
 * struct ks - the kallsyms tables, mapped into the kernel-data copy
 * @src: the caller's sources
 * @map: VA -> buffer offset
 * @fmt: HEKI_KALLSYMS_FORMAT_*
 * @n: kallsyms_num_syms
 * @rb: kallsyms_relative_base
 * @offsets: kallsyms_offsets (or _addresses)
 * @markers: kallsyms_markers
 * @names: kallsyms_names
 * @names_avail: bytes mapped from @names on
 * @names_len: bytes the names take (after the walk)
 * @tab: kallsyms_token_table
 * @tidx: kallsyms_token_index, read out
 * @type: first character of each token (0 for an empty token)
 * @scs_start: __start_static_call_sites, 0 until the walk finds it
 * @scs_stop: __stop_static_call_sites, 0 until the walk finds it
 * @kscall: the keys of HEKI_KSCALL_KEY_LIST the walk found
 * @key_dup: bit i: __SCK__<key i> named at two addresses
 * @tramp_dup: bit i: __SCT__<key i> named at two addresses
 */
struct ks {
	const struct heki_kfuncs_src *src;
	struct heki_symtab_map map;
	__u32 fmt;
	__u32 n;
	__u64 rb;
	const __u8 *offsets;
	const __u8 *markers;
	const __u8 *names;
	__u64 names_avail;
	__u64 names_len;
	const __u8 *tab;
	__u16 tidx[256];
	__u8 type[256];
	__u64 scs_start;
	__u64 scs_stop;
	struct heki_kscall_key kscall[HEKI_KSCALL_NKEYS];
	__u32 key_dup;
	__u32 tramp_dup;
};

/*
 * Map table @idx: at least @need bytes from its VA in one run (@avail set
 * to what the run holds). Protection is checked by the caller once the
 * table's extent is known.
 */
static int map_table(struct ks *k, __u32 idx, __u64 need, const __u8 **p,
		     __u64 *avail)
{
	__u64 off;

	if (heki_symtab_map_va(&k->map, k->src->kext->kallsyms[idx], &off,
			       avail) || *avail < need)
		return -HEKI_VSM_ERR_KALLSYMS_UNMAPPED;
	*p = k->src->buf + off;
	return 0;
}

static int prot(struct ks *k, __u32 idx, __u64 len)
{
	return k->src->prot(k->src->prot_arg, k->src->kext->kallsyms[idx], len);
}

/* num_syms, offsets, relative base, markers: fixed sizes once N is known. */
static int map_fixed(struct ks *k)
{
	const __u8 *p;
	__u64 avail, bytes;
	int ret;

	ret = map_table(k, HEKI_KINFO_KALLSYMS_NUM_SYMS, 4, &p, &avail);
	if (!ret)
		ret = prot(k, HEKI_KINFO_KALLSYMS_NUM_SYMS, 4);
	if (ret)
		return ret;
	k->n = heki_le32(p);
	if (!k->n || k->n > HEKI_KALLSYMS_MAX_SYMS)
		return -HEKI_VSM_ERR_KALLSYMS_COUNT_INVALID;
	/* n <= 2^22: no product below overflows */
	bytes = k->n * offset_size(k->fmt);
	ret = map_table(k, HEKI_KINFO_KALLSYMS_OFFSETS, bytes, &k->offsets,
			&avail);
	if (!ret)
		ret = prot(k, HEKI_KINFO_KALLSYMS_OFFSETS, bytes);
	if (!ret && k->fmt != HEKI_KALLSYMS_FORMAT_ABS) {
		ret = map_table(k, HEKI_KINFO_KALLSYMS_RELATIVE_BASE, 8, &p,
				&avail);
		if (!ret)
			ret = prot(k, HEKI_KINFO_KALLSYMS_RELATIVE_BASE, 8);
		if (!ret)
			k->rb = heki_le64(p);
	}
	bytes = 4ULL * ((k->n + 255ULL) / 256);
	if (!ret)
		ret = map_table(k, HEKI_KINFO_KALLSYMS_MARKERS, bytes,
				&k->markers, &avail);
	if (!ret)
		ret = prot(k, HEKI_KINFO_KALLSYMS_MARKERS, bytes);
	return ret;
}

/*
 * Token index and table: every index inside the mapped table, every token
 * NUL-terminated within HEKI_KSYM_NAME_LEN bytes. Keeps each token's first
 * character (a symbol's type is that of its first token).
 */
static int map_tokens(struct ks *k)
{
	const __u8 *idx, *tab;
	__u64 avail, tavail, end = 0, o, l, lim;
	__u32 i;
	int ret;

	ret = map_table(k, HEKI_KINFO_KALLSYMS_TOKEN_INDEX, 512, &idx, &avail);
	if (!ret)
		ret = prot(k, HEKI_KINFO_KALLSYMS_TOKEN_INDEX, 512);
	if (!ret)
		ret = map_table(k, HEKI_KINFO_KALLSYMS_TOKEN_TABLE, 1, &tab,
				&tavail);
	if (ret)
		return ret;
	for (i = 0; i < 256; i++) {
		o = heki_le16(idx + 2 * i);
		if (o >= tavail)
			return -HEKI_VSM_ERR_KALLSYMS_TOKENS_INVALID;
		lim = tavail - o < HEKI_KSYM_NAME_LEN ? tavail - o :
							HEKI_KSYM_NAME_LEN;
		for (l = 0; l < lim && tab[o + l]; l++)
			;
		if (l == lim)
			return -HEKI_VSM_ERR_KALLSYMS_TOKENS_INVALID;
		k->tidx[i] = (__u16)o;
		k->type[i] = tab[o];
		if (o + l + 1 > end)
			end = o + l + 1;
	}
	k->tab = tab;
	return prot(k, HEKI_KINFO_KALLSYMS_TOKEN_TABLE, end);
}

/*
 * Does the name held in @len token bytes at @data start, after its type
 * character, with the @plen characters of @pfx followed by the @slen of
 * @sfx (and, with @whole, end there)?
 */
static int name_match2(const struct ks *k, const __u8 *data, __u64 len,
		       const char *pfx, __u32 plen, const char *sfx,
		       __u32 slen, int whole)
{
	__u32 got = 0;
	int type = 1;
	const __u8 *t;
	__u64 i;
	__u8 want;

	for (i = 0; i < len; i++)
		for (t = k->tab + k->tidx[data[i]]; *t; t++) {
			if (type) {
				type = 0;
				continue;
			}
			if (got == plen + slen)
				return !whole;
			want = (__u8)(got < plen ? pfx[got] : sfx[got - plen]);
			got++;
			if (*t != want)
				return 0;
		}
	return got == plen + slen;
}

/* name_match2() without a second part. */
static int name_match(const struct ks *k, const __u8 *data, __u64 len,
		      const char *pfx, __u32 plen, int whole)
{
	return name_match2(k, data, len, pfx, plen, "", 0, whole);
}

/* The address of symbol @i, decoded as kallsyms_sym_address() does. */
static __u64 sym_address(const struct ks *k, __u32 i)
{
	__s32 off;

	if (k->fmt == HEKI_KALLSYMS_FORMAT_ABS)
		return heki_le64(k->offsets + 8ULL * i);
	off = heki_le_s32(k->offsets + 4ULL * i);
	if (k->fmt == HEKI_KALLSYMS_FORMAT_REL)
		return k->rb + (__u32)off;
	if (off >= 0)
		return (__u64)off;
	return k->rb - 1 - (__u64)(__s64)off;
}

/*
 * A text symbol inside kernel text, but not a 6.4+ __pfx_ symbol (the
 * padding before a function, FUNCTION_PADDING_ALIGNMENT: not its entry).
 */
static int is_function(const struct ks *k, const __u8 *data, __u64 len,
		       __u64 va)
{
	static const char pfx[] = "__pfx_";
	__u8 type = k->type[data[0]];

	return (type == 't' || type == 'T' || type == 'w' || type == 'W') &&
	       va >= k->src->text_start && va < k->src->text_end &&
	       !name_match(k, data, len, pfx, sizeof(pfx) - 1, 0);
}

/* Names whose symbols heki_kfuncs keeps besides the function entries. */
static const char sck_pfx[] = "__SCK__";
static const char sct_pfx[] = "__SCT__";
static const char scs_start[] = "__start_static_call_sites";
static const char scs_stop[] = "__stop_static_call_sites";

#define HEKI_KSCALL_KEY_NAME_(id, name) name,
static const char *const kscall_key_names[HEKI_KSCALL_NKEYS] = {
	HEKI_KSCALL_KEY_LIST(HEKI_KSCALL_KEY_NAME_)
};
#undef HEKI_KSCALL_KEY_NAME_

/* Characters of @s (a name of kscall_key_names[], NUL-terminated). */
static __u32 str_len(const char *s)
{
	__u32 n = 0;

	while (s[n])
		n++;
	return n;
}

/* Set *@at to @va, or mark bit @bit of *@dup when it held another VA. */
static void note_once(__u64 *at, __u64 va, __u32 *dup, __u32 bit)
{
	if (*at && *at != va)
		*dup |= 1U << bit;
	*at = va;
}

/*
 * Note the static call facts of symbol @va (name at @data): __SCK__<key>
 * and, if @func (a function entry), __SCT__<key> for each key of
 * HEKI_KSCALL_KEY_LIST; the first __start_ / __stop_static_call_sites
 * give the table's bounds.
 */
static void scall_sym(struct ks *k, const __u8 *data, __u64 len, __u64 va,
		      int func)
{
	__u32 i;

	if (name_match(k, data, len, sck_pfx, sizeof(sck_pfx) - 1, 0)) {
		for (i = 0; i < HEKI_KSCALL_NKEYS; i++)
			if (name_match2(k, data, len, sck_pfx,
					sizeof(sck_pfx) - 1, kscall_key_names[i],
					str_len(kscall_key_names[i]), 1))
				note_once(&k->kscall[i].key, va, &k->key_dup,
					  i);
	} else if (name_match(k, data, len, sct_pfx, sizeof(sct_pfx) - 1, 0)) {
		for (i = 0; func && i < HEKI_KSCALL_NKEYS; i++)
			if (name_match2(k, data, len, sct_pfx,
					sizeof(sct_pfx) - 1, kscall_key_names[i],
					str_len(kscall_key_names[i]), 1))
				note_once(&k->kscall[i].tramp, va,
					  &k->tramp_dup, i);
	} else if (!k->scs_start &&
		   name_match(k, data, len, scs_start, sizeof(scs_start) - 1, 1)) {
		k->scs_start = va;
	} else if (!k->scs_stop &&
		   name_match(k, data, len, scs_stop, sizeof(scs_stop) - 1, 1)) {
		k->scs_stop = va;
	}
}

/*
 * Walk the names: lengths in bounds and non-zero, markers agreeing;
 * addresses in increasing order. Counts the function entries in *@nf and,
 * if @out is not NULL, writes them there (sorted, unique); notes the
 * static call table's bounds and keys (scall_sym()).
 */
static int walk(struct ks *k, __u64 *out, __u32 *nf)
{
	__u64 off = 0, len, hdr, va, prev = 0, last = 0;
	const __u8 *nm = k->names;
	__u32 i, f = 0;
	int func;

	k->scs_start = 0;
	k->scs_stop = 0;
	memset(k->kscall, 0, sizeof(k->kscall));
	k->key_dup = 0;
	k->tramp_dup = 0;

	for (i = 0; i < k->n; i++) {
		if (!(i & 0xff) && heki_le32(k->markers + 4ULL * (i >> 8)) != off)
			return -HEKI_VSM_ERR_KALLSYMS_NAMES_INVALID;
		if (off >= k->names_avail)
			return -HEKI_VSM_ERR_KALLSYMS_NAMES_INVALID;
		len = nm[off];
		hdr = 1;
		if (len & 0x80) {
			if (k->names_avail - off < 2)
				return -HEKI_VSM_ERR_KALLSYMS_NAMES_INVALID;
			len = (len & 0x7f) | ((__u64)nm[off + 1] << 7);
			hdr = 2;
		}
		if (!len || len > k->names_avail - off - hdr)
			return -HEKI_VSM_ERR_KALLSYMS_NAMES_INVALID;
		va = sym_address(k, i);
		if (i && va < prev)
			return -HEKI_VSM_ERR_KALLSYMS_UNSORTED;
		prev = va;
		func = is_function(k, nm + off + hdr, len, va);
		if (func && (!f || va != last)) {
			if (out)
				out[f] = va;
			f++;
			last = va;
		}
		scall_sym(k, nm + off + hdr, len, va, func);
		off += hdr + len;
	}
	k->names_len = off;
	*nf = f;
	return 0;
}

/*
 * The function entries of kallsyms into *@va (allocated, sorted,
 * unique), their count in *@n.
 */
static int read_kallsyms(struct ks *k, const struct heki_vtl1_platform *p,
			 __u64 **va, __u32 *n)
{
	int ret;

	ret = map_fixed(k);
	if (!ret)
		ret = map_tokens(k);
	if (!ret)
		ret = map_table(k, HEKI_KINFO_KALLSYMS_NAMES, 1, &k->names,
				&k->names_avail);
	if (!ret)
		ret = walk(k, NULL, n);
	if (!ret)
		ret = prot(k, HEKI_KINFO_KALLSYMS_NAMES, k->names_len);
	if (ret)
		return ret;
	*va = p->alloc(p->ctx, (*n ? *n : 1) * sizeof(**va));
	if (!*va)
		return -HEKI_VSM_ERR_NO_MEMORY;
	return walk(k, *va, n);
}

static int u64_cmp(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/* The exported symbols inside kernel text, appended to @va from @n on. */
static __u32 add_exports(const struct heki_kfuncs_src *src, __u64 *va, __u32 n)
{
	__u32 t, i;

	for (t = 0; t < src->ntabs; t++)
		for (i = 0; src->tabs[t] && i < src->tabs[t]->count; i++) {
			__u64 x = src->tabs[t]->syms[i].value;

			if (x >= src->text_start && x < src->text_end) {
				if (va)
					va[n] = x;
				n++;
			}
		}
	return n;
}

/**
 * heki_kfuncs_build() - the kernel's function entries
 * @kf: receives them (written only on success)
 * @p: platform (alloc, free)
 * @src: the kernel data, export tables, text bounds, kernel info
 *	extension and the protection check
 *
 * The exported symbols inside [@src->text_start, @src->text_end), and,
 * when the extension names kallsyms tables, every text symbol kallsyms
 * places there. Checks, in order (the first failure is returned):
 *  1. kernel-data regions well formed (SYMBOL_TABLE_REGIONS_INVALID);
 *  2. kallsyms_num_syms mapped (KALLSYMS_UNMAPPED, ERANGE: every table
 *     must lie inside one VA-contiguous run of the kernel data) and
 *     protected (@src->prot's code, KALLSYMS_NOT_PROTECTED, EACCES); N from
 *     1 to HEKI_KALLSYMS_MAX_SYMS (KALLSYMS_COUNT_INVALID, ERANGE);
 *  3. offsets (N entries), relative base, markers ((N + 255) / 256
 *     entries), token index (256 entries) mapped and protected;
 *  4. every token index inside the mapped token table and every token
 *     NUL-terminated within HEKI_KSYM_NAME_LEN bytes
 *     (KALLSYMS_TOKENS_INVALID, EINVAL), the tokens' bytes protected;
 *  5. the names: each length non-zero and inside the mapped table, every
 *     256th symbol at the offset its marker gives
 *     (KALLSYMS_NAMES_INVALID, EINVAL), their bytes protected;
 *  6. addresses never decreasing (KALLSYMS_UNSORTED, EINVAL);
 *  7. memory (NO_MEMORY).
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_kfuncs_build(struct heki_kfuncs *kf,
		      const struct heki_vtl1_platform *p,
		      const struct heki_kfuncs_src *src)
{
	struct ks *k = NULL;
	__u64 *ksv = NULL, *all = NULL;
	__u32 nk = 0, ne, n, i, out;
	int ret = 0;

	if (src->kext && src->kext->kallsyms_format &&
	    src->buf && src->nregions) {
		k = p->alloc(p->ctx, sizeof(*k));
		if (!k)
			return -HEKI_VSM_ERR_NO_MEMORY;
		k->src = src;
		k->fmt = src->kext->kallsyms_format;
		ret = heki_symtab_map_init(&k->map, p, src->regions,
					   src->nregions, src->len);
		if (!ret)
			ret = read_kallsyms(k, p, &ksv, &nk);
		if (ret)
			goto out;
	}
	/* exports <= 2 * HEKI_SYMTAB_MAX_SYMBOLS, kallsyms <= 2^22 */
	ne = add_exports(src, NULL, 0);
	n = nk + ne;
	all = p->alloc(p->ctx, (n ? n : 1) * sizeof(*all));
	ret = -HEKI_VSM_ERR_NO_MEMORY;
	if (!all)
		goto out;
	if (nk)
		memcpy(all, ksv, nk * sizeof(*all));
	add_exports(src, all, nk);
	vtl1_sort(all, n, sizeof(*all), u64_cmp);
	for (i = 0, out = 0; i < n; i++)
		if (!out || all[i] != all[out - 1])
			all[out++] = all[i];
	memset(kf, 0, sizeof(*kf));
	kf->va = all;
	kf->n = out;
	kf->nkallsyms = nk;
	kf->nsyms = k ? k->n : 0;
	for (i = 0; k && i < HEKI_KSCALL_NKEYS; i++) {
		/* a name at two addresses names neither */
		if (!(k->key_dup & 1U << i))
			kf->kscall[i].key = k->kscall[i].key;
		if (!(k->tramp_dup & 1U << i))
			kf->kscall[i].tramp = k->kscall[i].tramp;
		if (kf->kscall[i].tramp)
			kf->ntramp++;
	}
	kf->scs_start = k ? k->scs_start : 0;
	kf->scs_stop = k ? k->scs_stop : 0;
	all = NULL;
	ret = 0;
out:
	if (k)
		heki_symtab_map_free(&k->map, p);
	p->free(p->ctx, k);
	p->free(p->ctx, ksv);
	p->free(p->ctx, all);
	return ret;
}

/**
 * heki_kfuncs_has() - is an address a kernel function entry VTL1 knows?
 * @kf: from heki_kfuncs_build(), or NULL (nothing known)
 * @va: the address
 *
 * Return: 1 if @va is in @kf, else 0.
 */
int heki_kfuncs_has(const struct heki_kfuncs *kf, __u64 va)
{
	return kf && vtl1_sorted_has(kf->va, kf->n, va);
}

/**
 * heki_kfuncs_free() - release heki_kfuncs_build()'s array
 * @kf: the entries (zeroed)
 * @p: the platform that allocated them
 */
void heki_kfuncs_free(struct heki_kfuncs *kf,
		      const struct heki_vtl1_platform *p)
{
	p->free(p->ctx, kf->va);
	memset(kf, 0, sizeof(*kf));
}

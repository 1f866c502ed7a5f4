// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Kernel symbol tables from LoadKData's KernelInfo and KernelData buffers.
 *
 * struct heki_kernel_info gives the VTL0 virtual addresses of the
 * __ksymtab and __ksymtab_gpl arrays. Each array entry is a 12-byte
 * struct heki_kernel_symbol whose name_offset is relative to the address
 * of that field (Linux PREL32 references). The KernelData buffer is the
 * concatenation of VTL0 ranges, each with its own virtual address; a VA is
 * translated to a buffer offset through those ranges exactly, so ranges
 * that are not VA-contiguous (LiteBox §7.24) are handled, not misread.
 *
 * Costs: O(n log r) to read n entries over r ranges, O(n log n) to sort
 * (vtl1_sort, a heapsort without recursion), O(log n) per lookup. Every name read is bounded
 * by HEKI_KSYM_NAME_LEN bytes, so hostile input cannot make the build
 * quadratic.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "symtab.h"
#include "heki_vtl1.h"

/**
 * heki_kernel_info_parse() - read struct heki_kernel_info from a buffer
 * @buf: the KernelInfo buffer, VTL1-private copy (any alignment)
 * @len: its length; bytes after the struct ("arch info") are ignored
 * @out: receives the four table bounds
 *
 * Return: 0, or -HEKI_VSM_ERR_KERNEL_INFO_TOO_SMALL (ERANGE) if @len is
 * shorter than the struct.
 */
int heki_kernel_info_parse(const __u8 *buf, __u64 len,
			   struct heki_kernel_info *out)
{
	if (!buf || len < sizeof(*out))
		return -HEKI_VSM_ERR_KERNEL_INFO_TOO_SMALL;
	memcpy(out, buf, sizeof(*out));
	return 0;
}

/**
 * heki_symtab_map_init() - prepare VA -> buffer offset translation
 * @m: the map to fill (free with heki_symtab_map_free())
 * @p: platform (alloc)
 * @r: the KernelData regions in buffer order
 * @nr: entries in @r (at most HEKI_SYMTAB_MAX_REGIONS)
 * @len: the buffer's length (the regions' lengths must add up to it)
 *
 * Return: 0, SYMBOL_TABLE_REGIONS_INVALID (too many, VA overflow, not in
 * increasing VA order, lengths not summing to @len) or NO_MEMORY.
 */
int heki_symtab_map_init(struct heki_symtab_map *m,
			 const struct heki_vtl1_platform *p,
			 const struct heki_symtab_region *r, __u32 nr,
			 __u64 len)
{
	__u64 off = 0, prev_end = 0, end;
	__u32 i;

	if (nr > HEKI_SYMTAB_MAX_REGIONS)
		return -HEKI_VSM_ERR_SYMBOL_TABLE_REGIONS_INVALID;
	for (i = 0; i < nr; i++) {
		if (__builtin_add_overflow(r[i].va, r[i].len, &end) ||
		    (i && r[i].va < prev_end) ||
		    __builtin_add_overflow(off, r[i].len, &off))
			return -HEKI_VSM_ERR_SYMBOL_TABLE_REGIONS_INVALID;
		prev_end = end;
	}
	if (off != len)
		return -HEKI_VSM_ERR_SYMBOL_TABLE_REGIONS_INVALID;

	/* nr <= HEKI_SYMTAB_MAX_REGIONS: the size cannot overflow. */
	m->off = p->alloc(p->ctx, 2ULL * nr * sizeof(__u64));
	if (!m->off)
		return -HEKI_VSM_ERR_NO_MEMORY;
	m->run_end = m->off + nr;
	m->r = r;
	m->nr = nr;

	off = 0;
	for (i = 0; i < nr; i++) {
		m->off[i] = off;
		off += r[i].len;
	}
	for (i = nr; i-- > 0;) {
		m->run_end[i] = m->off[i] + r[i].len;
		if (i + 1 < nr && r[i].va + r[i].len == r[i + 1].va)
			m->run_end[i] = m->run_end[i + 1];
	}
	return 0;
}

/**
 * heki_symtab_map_va() - translate a VA of the kernel data
 * @m: from heki_symtab_map_init()
 * @va: the VA
 * @off: set to its buffer offset
 * @avail: set to the bytes readable from there without leaving the
 *	VA-contiguous run
 *
 * Return: 0, or -1 if no region holds @va.
 */
int heki_symtab_map_va(const struct heki_symtab_map *m, __u64 va,
		       __u64 *off, __u64 *avail)
{
	__u32 lo = 0, hi = m->nr, i;

	/* Last region with r[i].va <= va. */
	while (hi - lo > 1) {
		__u32 mid = lo + (hi - lo) / 2;

		if (m->r[mid].va <= va)
			lo = mid;
		else
			hi = mid;
	}
	i = lo;
	if (va < m->r[i].va || va - m->r[i].va >= m->r[i].len)
		return -1;
	*off = m->off[i] + (va - m->r[i].va);
	*avail = m->run_end[i] - *off;
	return 0;
}

/**
 * heki_symtab_map_free() - release heki_symtab_map_init()'s memory
 * @m: the map (zeroed)
 * @p: the platform that allocated it
 */
void heki_symtab_map_free(struct heki_symtab_map *m,
			  const struct heki_vtl1_platform *p)
{
	p->free(p->ctx, m->off);
	memset(m, 0, sizeof(*m));
}

/* Strict UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
static int heki_utf8_valid(const __u8 *s, __u32 len)
{
	__u32 i = 0;

	while (i < len) {
		__u8 c = s[i];
		__u32 n, k;
		__u8 lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return 0;
		}
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			__u8 b = s[i + k];

			if (b < lo || b > hi)
				return 0;
			lo = 0x80;
			hi = 0xbf;
		}
		i += n + 1;
	}
	return 1;
}

/* Bytewise order, shorter first on a common prefix. */
static int heki_name_cmp(const char *a, __u32 alen, const char *b, __u32 blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

/* Name, then position in the kernel's array (vtl1_sort comparator). */
static int heki_sym_cmp(const void *pa, const void *pb)
{
	const struct heki_symbol *a = pa, *b = pb;
	int r = heki_name_cmp(a->name, a->name_len, b->name, b->name_len);

	if (r)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Keep the last entry of each run of equal names (later wins). */
static void heki_symtab_dedup(struct heki_symtab *t)
{
	__u32 i, out = 0;

	for (i = 0; i < t->count; i++) {
		const struct heki_symbol *a = &t->syms[i];

		if (i + 1 < t->count &&
		    !heki_name_cmp(a->name, a->name_len, t->syms[i + 1].name,
				   t->syms[i + 1].name_len))
			continue;
		t->syms[out++] = *a;
	}
	t->count = out;
}

/*
 * Read and check the entry at @va. On success *@name_off is the name's buffer
 * offset and the symbol's value and name length are filled in.
 */
static int heki_symtab_read_entry(const struct heki_symtab_map *m,
				  const __u8 *buf, __u64 va,
				  struct heki_symbol *sym, __u64 *name_off)
{
	struct heki_kernel_symbol ks;
	__u64 off, avail, name_va, lim, l;

	if (heki_symtab_map_va(m, va, &off, &avail) ||
	    avail < HEKI_KSYM_ENTRY_SIZE)
		return -HEKI_VSM_ERR_SYMBOL_ENTRY_UNMAPPED;
	memcpy(&ks, buf + off, sizeof(ks));

	/* name_offset is relative to the address of the field itself. */
	if (ks.name_offset < 0 ||
	    __builtin_add_overflow(va + 4, (__u64)ks.name_offset, &name_va) ||
	    heki_symtab_map_va(m, name_va, &off, &avail))
		return -HEKI_VSM_ERR_SYMBOL_NAME_OFFSET_INVALID;

	lim = avail < HEKI_KSYM_NAME_LEN ? avail : HEKI_KSYM_NAME_LEN;
	for (l = 0; l < lim && buf[off + l]; l++)
		;
	if (l == lim)
		return avail <= HEKI_KSYM_NAME_LEN ?
			-HEKI_VSM_ERR_SYMBOL_NAME_NO_TERMINATOR :
			-HEKI_VSM_ERR_SYMBOL_NAME_TOO_LONG;
	if (!heki_utf8_valid(buf + off, (__u32)l))
		return -HEKI_VSM_ERR_SYMBOL_NAME_INVALID_UTF8;

	/* Two's complement wrap, as the kernel's offset_to_ptr(). */
	sym->value = va + (__u64)(__s64)ks.value_offset;
	sym->name_len = (__u32)l;
	*name_off = off;
	return 0;
}

/**
 * heki_symtab_build() - build one exported-symbol table
 * @tab: receives the table (written only on success)
 * @p: platform (alloc and free)
 * @buf: the KernelData buffer, VTL1-private copy
 * @len: its length
 * @regions: the KernelData ranges in buffer order; their lengths must add
 *	up to @len and their VAs must increase without overlapping (gaps are
 *	allowed and translated exactly)
 * @nregions: number of @regions
 * @start: VA of the first struct heki_kernel_symbol (from heki_kernel_info)
 * @end: VA one past the last entry
 *
 * Checks, in order:
 *  1. @len and @nregions non-zero, else SYMBOL_TABLE_EMPTY (EINVAL);
 *  2. @len at most HEKI_VTL1_MAX_KDATA_SIZE, else SYMBOL_TABLE_TOO_LARGE
 *     (ERANGE);
 *  3. regions well formed (count limit, no VA overflow, in order and not
 *     overlapping, lengths sum to @len), else SYMBOL_TABLE_REGIONS_INVALID
 *     (EINVAL);
 *  4. [@start, @end) inside [first VA, last VA + last len), else
 *     SYMBOL_TABLE_OUT_OF_RANGE (ERANGE);
 *  5. @end >= @start, else SYMBOL_TABLE_REVERSED (EINVAL);
 *  6. (@end - @start) a multiple of 12, else SYMBOL_TABLE_LENGTH_INVALID
 *     (EINVAL);
 *  7. at most HEKI_SYMTAB_MAX_SYMBOLS entries, else SYMBOL_TABLE_TOO_LARGE,
 *     and no more than @len / 12, else SYMBOL_ENTRY_UNMAPPED (checked
 *     before anything is allocated);
 *  8. for each entry, in array order: all 12 bytes mapped, else
 *     SYMBOL_ENTRY_UNMAPPED (ERANGE); name_offset >= 0 and the name's VA
 *     mapped, else SYMBOL_NAME_OFFSET_INVALID (EINVAL); a NUL within the
 *     first 512 bytes, else SYMBOL_NAME_NO_TERMINATOR (EINVAL) if the
 *     mapped bytes end first, SYMBOL_NAME_TOO_LONG (ERANGE) otherwise;
 *     valid UTF-8, else SYMBOL_NAME_INVALID_UTF8 (EINVAL);
 *  9. names total at most HEKI_SYMTAB_MAX_NAME_BYTES, else
 *     SYMBOL_TABLE_TOO_LARGE; memory, else NO_MEMORY.
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_symtab_build(struct heki_symtab *tab,
		      const struct heki_vtl1_platform *p,
		      const __u8 *buf, __u64 len,
		      const struct heki_symtab_region *regions, __u32 nregions,
		      __u64 start, __u64 end)
{
	struct heki_symtab_map m = { 0 };
	struct heki_symtab t = { 0 };
	const struct heki_symtab_region *last;
	__u64 span_end, n, k, names = 0, *src = NULL;
	int ret;

	if (!buf || !len || !regions || !nregions)
		return -HEKI_VSM_ERR_SYMBOL_TABLE_EMPTY;
	if (len > HEKI_VTL1_MAX_KDATA_SIZE)
		return -HEKI_VSM_ERR_SYMBOL_TABLE_TOO_LARGE;
	ret = heki_symtab_map_init(&m, p, regions, nregions, len);
	if (ret)
		return ret;

	last = &regions[nregions - 1];
	span_end = last->va + last->len;	/* checked by map_init */
	ret = -HEKI_VSM_ERR_SYMBOL_TABLE_OUT_OF_RANGE;
	if (start < regions[0].va || end > span_end)
		goto out;
	ret = -HEKI_VSM_ERR_SYMBOL_TABLE_REVERSED;
	if (end < start)
		goto out;
	ret = -HEKI_VSM_ERR_SYMBOL_TABLE_LENGTH_INVALID;
	if ((end - start) % HEKI_KSYM_ENTRY_SIZE)
		goto out;
	n = (end - start) / HEKI_KSYM_ENTRY_SIZE;
	ret = -HEKI_VSM_ERR_SYMBOL_TABLE_TOO_LARGE;
	if (n > HEKI_SYMTAB_MAX_SYMBOLS)
		goto out;
	/* With VA gaps the span can exceed the buffer: entries cannot. */
	ret = -HEKI_VSM_ERR_SYMBOL_ENTRY_UNMAPPED;
	if (n > len / HEKI_KSYM_ENTRY_SIZE)
		goto out;

	ret = 0;
	if (!n)
		goto out;		/* an empty table is valid */

	/* n <= HEKI_SYMTAB_MAX_SYMBOLS: neither size can overflow. */
	ret = -HEKI_VSM_ERR_NO_MEMORY;
	t.syms = p->alloc(p->ctx, n * sizeof(*t.syms));
	src = p->alloc(p->ctx, n * sizeof(*src));
	if (!t.syms || !src)
		goto out;

	for (k = 0; k < n; k++) {
		ret = heki_symtab_read_entry(&m, buf,
					     start + k * HEKI_KSYM_ENTRY_SIZE,
					     &t.syms[k], &src[k]);
		if (ret)
			goto out;
		names += t.syms[k].name_len + 1ULL;
		ret = -HEKI_VSM_ERR_SYMBOL_TABLE_TOO_LARGE;
		if (names > HEKI_SYMTAB_MAX_NAME_BYTES)
			goto out;
	}

	ret = -HEKI_VSM_ERR_NO_MEMORY;
	t.names = p->alloc(p->ctx, names);
	if (!t.names)
		goto out;
	for (k = 0; k < n; k++) {
		struct heki_symbol *s = &t.syms[k];

		memcpy(t.names + t.names_len, buf + src[k], s->name_len);
		t.names[t.names_len + s->name_len] = '\0';
		s->name = t.names + t.names_len;
		s->seq = (__u32)k;
		t.names_len += s->name_len + 1;
	}
	t.count = (__u32)n;
	vtl1_sort(t.syms, t.count, sizeof(*t.syms), heki_sym_cmp);
	heki_symtab_dedup(&t);
	ret = 0;
out:
	p->free(p->ctx, src);
	heki_symtab_map_free(&m, p);
	if (ret) {
		heki_symtab_free(&t, p);
		return ret;
	}
	*tab = t;
	return 0;
}

/**
 * heki_symtab_free() - release a table built by heki_symtab_build()
 * @tab: the table; left zeroed (a valid empty table)
 * @p: the platform that allocated it
 */
void heki_symtab_free(struct heki_symtab *tab,
		      const struct heki_vtl1_platform *p)
{
	p->free(p->ctx, tab->syms);
	p->free(p->ctx, tab->names);
	memset(tab, 0, sizeof(*tab));
}

/**
 * heki_symtab_lookup() - find a symbol by name
 * @tab: a built table
 * @name: the name (need not be NUL-terminated)
 * @name_len: its length in bytes
 * @value: receives the symbol's VTL0 address
 *
 * Return: 0, or -HEKI_VSM_ERR_SYMBOL_NOT_FOUND (ENOENT).
 */
int heki_symtab_lookup(const struct heki_symtab *tab, const char *name,
		       __u64 name_len, __u64 *value)
{
	__u32 lo = 0, hi = tab->count;

	if (name_len >= HEKI_KSYM_NAME_LEN)
		return -HEKI_VSM_ERR_SYMBOL_NOT_FOUND;
	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;
		const struct heki_symbol *s = &tab->syms[mid];
		int r = heki_name_cmp(s->name, s->name_len, name,
				      (__u32)name_len);

		if (!r) {
			*value = s->value;
			return 0;
		}
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -HEKI_VSM_ERR_SYMBOL_NOT_FOUND;
}

/* x86-64 __START_KERNEL_map: exports below it are per-CPU offsets. */
#define KERNEL_IMAGE_MAP	0xffffffff80000000ULL

/**
 * heki_symtab_text_bounds() - kernel text as far as the exports tell
 * @tabs: the export tables (NULL entries skipped)
 * @ntabs: entries in @tabs
 * @rodata_va: VA of the kernel's read-only data (the first KernelData
 *	range), 0 if unknown
 * @start: set to the 2 MiB boundary below the lowest export that lies in
 *	the kernel image map below @rodata_va (_text is 2 MiB aligned,
 *	PHYSICAL_ALIGN, and _stext follows it), or 0
 * @end: set to @rodata_va (text precedes rodata in the x86-64 kernel
 *	image), or 0
 *
 * Used when VTL0 sent no kernel info extension (which gives _stext and
 * _etext); exports above @rodata_va are data, exports below the kernel
 * image map per-CPU offsets.
 */
void heki_symtab_text_bounds(const struct heki_symtab *const *tabs,
			     __u32 ntabs, __u64 rodata_va, __u64 *start,
			     __u64 *end)
{
	__u64 lo = ~0ULL, x;
	__u32 i, k;

	*start = 0;
	*end = 0;
	for (k = 0; k < ntabs; k++)
		for (i = 0; tabs[k] && i < tabs[k]->count; i++) {
			x = tabs[k]->syms[i].value;
			if (x >= KERNEL_IMAGE_MAP && x < rodata_va && x < lo)
				lo = x;
		}
	if (rodata_va && lo < rodata_va) {
		*start = lo & ~((2ULL << 20) - 1);
		*end = rodata_va;
	}
}

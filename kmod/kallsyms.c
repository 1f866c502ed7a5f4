// SPDX-License-Identifier: GPL-2.0-only
/*
 * kallsyms.c - where the kernel's kallsyms tables are, for VTL1
 *
 * VTL1 accepts a module's static call, paravirt or direct-call target only
 * at a function entry it knows; for kernel functions that are not
 * exported it reads the kernel's own symbol table, kallsyms, from the
 * read-only data heki_vtl0 protects and sends with LOAD_KDATA. The kernel
 * info extension tells it where the tables are.
 *
 * A stock kernel does not name them: scripts/kallsyms.c leaves the
 * kallsyms_* symbols out of the table, so kallsyms_lookup_name() cannot
 * find them. They are found here by their shape inside [__start_rodata,
 * __end_rodata), the same for Debian's 6.1 and 6.12 (only their order
 * differs):
 *   - kallsyms_token_index: 256 increasing u16, the first 0, right after
 *     kallsyms_token_table (256 NUL-terminated tokens it indexes);
 *   - kallsyms_num_syms (u32 N), then kallsyms_names at the next 8-byte
 *     boundary: N names (length, token bytes) that decode to symbol
 *     names, then kallsyms_markers (u32 per 256 names) agreeing with them;
 *   - kallsyms_offsets (s32[N]) and kallsyms_relative_base (u64): before
 *     kallsyms_num_syms on 6.1, after kallsyms_token_index on 6.12.
 * A layout is accepted only if its addresses never decrease and every
 * sampled global text symbol's address equals kallsyms_lookup_name()'s.
 * Nothing found: the extension says so (no kallsyms) and VTL1 refuses
 * module branch targets only kallsyms would name (fails closed). Sent only
 * when ProtectMemory made the read-only data read-only first: VTL1 reads
 * the tables only from frames the kernel protected.
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/align.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <heki/abi.h>

#include "heki_policy.h"

/* Fewer symbols than this is not a kernel's table (Debian 6.1: 94,266). */
#define HEKI_KALLSYMS_MIN_SYMS	1000U
#define HEKI_KALLSYMS_MAX_SYMS	(1U << 22)
/* Global text symbols checked against kallsyms_lookup_name(). */
#define HEKI_KALLSYMS_SAMPLES	64U

/**
 * struct heki_ks - the tables as found
 * @ro: first byte of the read-only data searched
 * @ero: one past its last byte
 * @tok: kallsyms_token_table
 * @idx: kallsyms_token_index
 * @num: kallsyms_num_syms
 * @n: its value
 * @names: kallsyms_names
 * @markers: kallsyms_markers
 * @offsets: kallsyms_offsets
 * @rb: kallsyms_relative_base
 */
struct heki_ks {
	unsigned long ro, ero;
	const u8 *tok;
	const u16 *idx;
	const u32 *num;
	u32 n;
	const u8 *names;
	const u32 *markers;
	const s32 *offsets;
	const u64 *rb;
};

/* The token table ending right before @idx, or NULL. */
static const u8 *heki_ks_token_table(const struct heki_ks *k, const u16 *idx)
{
	unsigned long q = (unsigned long)idx, t;
	unsigned int i, l, last = idx[255];
	const u8 *tab;

	for (l = 0; l < 64; l++) {
		t = q - ALIGN(last + l + 1, 8);
		if (t < k->ro || t > q)
			return NULL;
		tab = (const u8 *)t;
		if (tab[last + l] || memchr(tab + last, 0, l))
			continue;
		for (i = 0; i < 255; i++)
			if (tab[idx[i + 1] - 1] ||
			    memchr(tab + idx[i], 0, idx[i + 1] - 1 - idx[i]))
				break;
		if (i == 255)
			return tab;
	}
	return NULL;
}

static bool heki_ks_find_tokens(struct heki_ks *k)
{
	unsigned long q;
	unsigned int i;

	for (q = ALIGN(k->ro, 8); q + 512 <= k->ero; q += 8) {
		const u16 *idx = (const u16 *)q;

		if (idx[0] || !idx[1] || idx[1] > 64)
			continue;
		for (i = 0; i < 255 && idx[i] < idx[i + 1]; i++)
			;
		if (i < 255)
			continue;
		k->tok = heki_ks_token_table(k, idx);
		if (k->tok) {
			k->idx = idx;
			return true;
		}
	}
	return false;
}

/*
 * Decode the name at @p (not past @end) into @buf (type character first);
 * returns the next name, or NULL if it is not a plausible symbol name.
 */
static const u8 *heki_ks_name(const struct heki_ks *k, const u8 *p,
			      const u8 *end, char *buf, size_t size)
{
	unsigned int len, h = 1, i;
	const char *t;
	size_t o = 0;

	if (p >= end)
		return NULL;
	len = p[0];
	if (len & 0x80) {
		if (end - p < 2)
			return NULL;
		len = (len & 0x7f) | (p[1] << 7);
		h = 2;
	}
	if (!len || len > end - p - h)
		return NULL;
	for (i = 0; i < len; i++)
		for (t = (const char *)k->tok + k->idx[p[h + i]]; *t; t++) {
			if (o + 1 >= size)
				return NULL;
			buf[o++] = *t;
		}
	buf[o] = 0;
	if (o < 2 || !strchr("tTdDbBrRaAwWvV", buf[0]))
		return NULL;
	for (i = 1; i < o; i++)
		if (!isalnum(buf[i]) && !strchr("_.$", buf[i]))
			return NULL;
	return p + h + len;
}

/* Are the N names at @names followed by markers that agree with them? */
static bool heki_ks_names_ok(struct heki_ks *k, u32 n, const u8 *names,
			     const u8 *end, char *buf, size_t size)
{
	const u8 *p = names;
	const u32 *m;
	u32 i;

	for (i = 0; i < 8 && p; i++)
		p = heki_ks_name(k, p, end, buf, size);
	if (!p)
		return false;
	/* The cheap test passed: walk them all by their lengths. */
	for (p = names, i = 0; i < n; i++) {
		unsigned int len = p[0], h = 1;

		if (p >= end || (len & 0x80 && end - p < 2))
			return false;
		if (len & 0x80) {
			len = (len & 0x7f) | (p[1] << 7);
			h = 2;
		}
		if (!len || len > end - p - h)
			return false;
		p += h + len;
	}
	m = (const u32 *)ALIGN((unsigned long)p, 8);
	if ((unsigned long)(m + (n + 255) / 256) > k->ero)
		return false;
	for (p = names, i = 0; i < n; i++) {
		unsigned int len = p[0], h = 1;

		if (!(i & 0xff) && m[i >> 8] != (u32)(p - names))
			return false;
		if (len & 0x80) {
			len = (len & 0x7f) | (p[1] << 7);
			h = 2;
		}
		p += h + len;
	}
	k->markers = m;
	return true;
}

static bool heki_ks_find_names(struct heki_ks *k, char *buf, size_t size)
{
	unsigned long p;

	for (p = ALIGN(k->ro, 8); p + 16 <= (unsigned long)k->tok; p += 8) {
		u32 n = *(const u32 *)p;

		if (n < HEKI_KALLSYMS_MIN_SYMS || n > HEKI_KALLSYMS_MAX_SYMS)
			continue;
		if (heki_ks_names_ok(k, n, (const u8 *)(p + 8), k->tok, buf,
				     size)) {
			k->num = (const u32 *)p;
			k->n = n;
			k->names = (const u8 *)(p + 8);
			return true;
		}
	}
	return false;
}

/* kallsyms_sym_address() of this kernel's configuration. */
static unsigned long heki_ks_addr(const struct heki_ks *k, u32 i)
{
	s32 off = k->offsets[i];

	if (!IS_ENABLED(CONFIG_KALLSYMS_ABSOLUTE_PERCPU))
		return *k->rb + (u32)off;
	if (off >= 0)
		return off;
	return *k->rb - 1 - off;
}

/*
 * Offsets and relative base at @offsets / @rb: in bounds, addresses never
 * decreasing, and HEKI_KALLSYMS_SAMPLES global text symbols where
 * kallsyms_lookup_name() puts them.
 */
static bool heki_ks_layout_ok(struct heki_ks *k, const s32 *offsets,
			      const u64 *rb, char *buf, size_t size)
{
	u32 i, step, checked = 0;
	unsigned long prev = 0, a;
	const u8 *p = k->names;

	if ((unsigned long)offsets < k->ro ||
	    (unsigned long)(offsets + k->n) > k->ero ||
	    (unsigned long)rb < k->ro || (unsigned long)(rb + 1) > k->ero)
		return false;
	k->offsets = offsets;
	k->rb = rb;
	for (i = 0; i < k->n; i++) {
		a = heki_ks_addr(k, i);
		if (i && a < prev)
			return false;
		prev = a;
	}
	step = max(1U, k->n / (HEKI_KALLSYMS_SAMPLES * 4));
	for (i = 0; i < k->n && checked < HEKI_KALLSYMS_SAMPLES; i++) {
		const u8 *next = heki_ks_name(k, p, (const u8 *)k->markers,
					      buf, size);

		if (!next)
			return false;
		if (!(i % step) && buf[0] == 'T') {
			if (heki_ksym(buf + 1) != heki_ks_addr(k, i))
				return false;
			checked++;
		}
		p = next;
	}
	return checked >= HEKI_KALLSYMS_SAMPLES / 4;
}

/**
 * heki_kallsyms_locate() - fill the kernel info extension's kallsyms fields
 * @x: the extension (kallsyms_format and the seven addresses)
 * @ro: VA of __start_rodata
 * @ero: VA of __end_rodata
 *
 * Context: process context, after heki_ksym_init(); reads the kernel's
 * read-only data only.
 * Return: true if the tables were found and checked (@x filled), false if
 * not (@x says no kallsyms).
 */
bool heki_kallsyms_locate(struct heki_kernel_info_ext *x, unsigned long ro,
			  unsigned long ero)
{
	const size_t size = HEKI_KSYM_NAME_LEN + 1;
	struct heki_ks k = { .ro = ro, .ero = ero };
	unsigned long num, after_idx;
	bool ok = false;
	char *buf;

	x->kallsyms_format = HEKI_KALLSYMS_FORMAT_NONE;
	buf = kmalloc(size, GFP_KERNEL);
	if (!buf || !heki_ks_find_tokens(&k) ||
	    !heki_ks_find_names(&k, buf, size))
		goto out;
	num = (unsigned long)k.num;
	after_idx = ALIGN((unsigned long)(k.idx + 256), 8);
	/* 6.1: offsets, relative base, num_syms; 6.12: after the index. */
	ok = heki_ks_layout_ok(&k, (const s32 *)(num - 8 -
						 ALIGN(4UL * k.n, 8)),
			       (const u64 *)(num - 8), buf, size) ||
	     heki_ks_layout_ok(&k, (const s32 *)after_idx,
			       (const u64 *)ALIGN(after_idx + 4UL * k.n, 8),
			       buf, size);
	if (!ok)
		goto out;
	x->kallsyms_format = IS_ENABLED(CONFIG_KALLSYMS_ABSOLUTE_PERCPU) ?
			     HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU :
			     HEKI_KALLSYMS_FORMAT_REL;
	x->kallsyms_num_syms = (unsigned long)k.num;
	x->kallsyms_offsets = (unsigned long)k.offsets;
	x->kallsyms_relative_base = (unsigned long)k.rb;
	x->kallsyms_names = (unsigned long)k.names;
	x->kallsyms_markers = (unsigned long)k.markers;
	x->kallsyms_token_table = (unsigned long)k.tok;
	x->kallsyms_token_index = (unsigned long)k.idx;
	pr_info("boot: kallsyms tables for VTL1: %u symbols (%s layout)\n",
		k.n, (unsigned long)k.offsets < num ? "6.1" : "6.12");
out:
	kfree(buf);
	if (!ok)
		pr_warn("boot: kallsyms tables not found in rodata: VTL1 will refuse module branch targets only kallsyms names\n");
	return ok;
}

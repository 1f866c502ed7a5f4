// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki_kernel_info_parse(), heki_symtab_build() and heki_symtab_lookup():
 * every error path, VA gaps (LiteBox §7.24), misaligned entries (§7.18),
 * end < start (§7.15), and a 30,000-symbol table.
 */
#include "harness.h"
#include "kdata/symtab.h"

#define KBASE 0xffffffff82000000ULL

/* A KernelData image: one buffer, its regions. */
struct kimg {
	unsigned char *buf;
	__u64 len;
	struct heki_symtab_region r[4];
	__u32 nr;
};

static void kimg_init(struct kimg *k, __u64 len)
{
	memset(k, 0, sizeof(*k));
	k->buf = calloc(1, len);
	k->len = len;
	k->r[0].va = KBASE;
	k->r[0].len = len;
	k->nr = 1;
}

/* VA of buffer offset @off (regions in order). */
static __u64 kimg_va(const struct kimg *k, __u64 off)
{
	__u32 i;

	for (i = 0; i < k->nr; i++) {
		if (off < k->r[i].len)
			return k->r[i].va + off;
		off -= k->r[i].len;
	}
	return 0;
}

/* Entry at buffer offset @eoff: value_offset @vo, name at buffer @noff. */
static void kimg_sym(struct kimg *k, __u64 eoff, __s32 vo, __u64 noff)
{
	struct heki_kernel_symbol ks = {
		.value_offset = vo,
		.name_offset = (__s32)(kimg_va(k, noff) - (kimg_va(k, eoff) + 4)),
	};

	memcpy(k->buf + eoff, &ks, sizeof(ks));
}

static void kimg_name(struct kimg *k, __u64 noff, const char *s)
{
	memcpy(k->buf + noff, s, strlen(s) + 1);
}

static int kimg_build(struct kimg *k, struct heki_symtab *t, __u64 eoff,
		      __u64 n)
{
	__u64 start = kimg_va(k, eoff);

	return heki_symtab_build(t, &t_platform, k->buf, k->len, k->r, k->nr,
				 start, start + n * 12);
}

static int lookup_is(const struct heki_symtab *t, const char *name, __u64 want)
{
	__u64 v = 0;

	return heki_symtab_lookup(t, name, strlen(name), &v) == 0 && v == want;
}

static void test_kernel_info(void)
{
	unsigned char raw[40];
	struct heki_kernel_info ki;
	__u64 v[4] = { 1, 2, 3, 0x1122334455667788ULL };

	memcpy(raw + 1, v, sizeof(v));
	check_err("kinfo: 31 bytes -> KERNEL_INFO_TOO_SMALL",
		     heki_kernel_info_parse(raw, 31, &ki),
		     -HEKI_VSM_ERR_KERNEL_INFO_TOO_SMALL);
	check_err("kinfo: NULL -> KERNEL_INFO_TOO_SMALL",
		     heki_kernel_info_parse(NULL, 32, &ki),
		     -HEKI_VSM_ERR_KERNEL_INFO_TOO_SMALL);
	check_result(heki_kernel_info_parse(raw + 1, 33, &ki) == 0 &&
		 ki.ksymtab_start == 1 && ki.ksymtab_gpl_end == v[3], "kinfo: misaligned 33-byte buffer read by copy", NULL);
}

static void test_symtab_basic(void)
{
	struct heki_symtab t;
	struct kimg k;
	__u64 v;
	int ret;

	kimg_init(&k, 4096);
	kimg_sym(&k, 16, 0x100, 1024);
	kimg_sym(&k, 28, -0x40, 1100);
	kimg_sym(&k, 40, 8, 1200);
	kimg_sym(&k, 52, 12, 1300);
	kimg_name(&k, 1024, "zeta");
	kimg_name(&k, 1100, "alpha");
	kimg_name(&k, 1200, "zeta");	/* repeated: the later entry wins */
	kimg_name(&k, 1300, "caf\xc3\xa9");
	ret = kimg_build(&k, &t, 16, 4);
	check_err("symtab: valid table builds", ret, 0);
	check_result(t.count == 3, "symtab: repeated name kept once", "count %u",
		 t.count);
	check_result(lookup_is(&t, "alpha", KBASE + 28 - 0x40), "symtab: value = entry VA + value_offset", NULL);
	check_result(lookup_is(&t, "zeta", KBASE + 40 + 8), "symtab: later repeated name wins", NULL);
	check_result(lookup_is(&t, "caf\xc3\xa9",
						    KBASE + 52 + 12), "symtab: UTF-8 name found", NULL);
	check_err("symtab: missing name -> SYMBOL_NOT_FOUND",
		     heki_symtab_lookup(&t, "alph", 4, &v),
		     -HEKI_VSM_ERR_SYMBOL_NOT_FOUND);
	check_err("symtab: over-long lookup key -> SYMBOL_NOT_FOUND",
		     heki_symtab_lookup(&t, "alpha", 600, &v),
		     -HEKI_VSM_ERR_SYMBOL_NOT_FOUND);
	heki_symtab_free(&t, &t_platform);
	check_result(t.count == 0 &&
		 heki_symtab_lookup(&t, "alpha", 5, &v) ==
		 -HEKI_VSM_ERR_SYMBOL_NOT_FOUND, "symtab: free leaves an empty table", NULL);

	/* §7.18: an entry at an odd offset is read by copy, not asserted. */
	memset(k.buf, 0, k.len);
	kimg_sym(&k, 17, 4, 2001);
	kimg_name(&k, 2001, "odd");
	ret = kimg_build(&k, &t, 17, 1);
	check_result(ret == 0 && lookup_is(&t, "odd", KBASE + 17 + 4), "symtab: litebox_7_18 misaligned entry read by copy", "ret %d", ret);
	heki_symtab_free(&t, &t_platform);

	/* start == end: a valid, empty table. */
	ret = kimg_build(&k, &t, 17, 0);
	check_result(ret == 0 && t.count == 0, "symtab: empty range gives an empty table", "ret %d", ret);
	heki_symtab_free(&t, &t_platform);
	free(k.buf);
}

/* §7.24: ranges with VA gaps are translated exactly. */
static void test_symtab_gaps(void)
{
	struct heki_symtab t;
	struct kimg k;
	int ret;

	kimg_init(&k, 8192);
	k.r[0].len = 4096;
	k.r[1].va = KBASE + 0x10000;	/* a 60 KiB hole in VA */
	k.r[1].len = 4096;
	k.nr = 2;
	kimg_sym(&k, 4096 - 12, 0, 4096 + 100);	/* entry in 1, name in 2 */
	kimg_sym(&k, 4096, 0, 4096 + 300);	/* entry and name in 2 */
	kimg_name(&k, 4096 + 100, "second_page_name");
	kimg_name(&k, 4096 + 300, "after_the_gap");
	ret = kimg_build(&k, &t, 4096 - 12, 0);
	check_err("symtab: litebox_7_24 empty table at region end", ret, 0);
	heki_symtab_free(&t, &t_platform);

	ret = heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, k.nr,
				KBASE + 4096 - 12, KBASE + 4096);
	check_result(ret == 0 && lookup_is(&t, "second_page_name", KBASE + 4096 - 12), "symtab: litebox_7_24 name across a VA gap resolved exactly",
		 "ret %d", ret);
	heki_symtab_free(&t, &t_platform);

	ret = heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, k.nr,
				KBASE + 0x10000, KBASE + 0x10000 + 12);
	check_result(ret == 0 && lookup_is(&t, "after_the_gap", KBASE + 0x10000), "symtab: litebox_7_24 entry after the gap read at its VA",
		 "ret %d", ret);
	heki_symtab_free(&t, &t_platform);

	/* A table spanning the VA gap with more entries than the buffer holds. */
	ret = heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, k.nr,
				KBASE, KBASE + 12 * 5000);
	check_result(ret == -HEKI_VSM_ERR_SYMBOL_ENTRY_UNMAPPED && t_alloc_live == 0, "symtab: more entries than buffer bytes refused before allocating",
		 "ret %d", ret);

	/* An entry that straddles the gap is refused. */
	ret = heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, k.nr,
				KBASE + 4096 - 6, KBASE + 4096 + 6);
	check_err("symtab: entry inside the VA gap -> SYMBOL_ENTRY_UNMAPPED",
		     ret, -HEKI_VSM_ERR_SYMBOL_ENTRY_UNMAPPED);

	/* A name whose VA falls into the hole. */
	{
		struct heki_kernel_symbol ks = { .name_offset = 0x8000 };

		memcpy(k.buf, &ks, sizeof(ks));
	}
	ret = heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, k.nr,
				KBASE, KBASE + 12);
	check_err("symtab: name VA in the gap -> SYMBOL_NAME_OFFSET_INVALID",
		     ret, -HEKI_VSM_ERR_SYMBOL_NAME_OFFSET_INVALID);

	/* A name running to the end of a run (the gap) has no terminator. */
	memset(k.buf + 4000, 'a', 96);
	kimg_sym(&k, 0, 0, 4000);
	ret = heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, k.nr,
				KBASE, KBASE + 12);
	check_err("symtab: name ends at a VA gap -> SYMBOL_NAME_NO_TERMINATOR",
		     ret, -HEKI_VSM_ERR_SYMBOL_NAME_NO_TERMINATOR);
	free(k.buf);
}

/* Errors about the table as a whole, checked in this order. */
static void test_symtab_table_errors(void)
{
	struct heki_symtab t = { 0 };
	struct heki_symtab_region r[2];
	struct kimg k;

	kimg_init(&k, 4096);
	kimg_sym(&k, 0, 0, 100);
	kimg_name(&k, 100, "x");

	check_err("symtab: empty buffer -> SYMBOL_TABLE_EMPTY",
		     heki_symtab_build(&t, &t_platform, k.buf, 0, k.r, 1, KBASE,
				       KBASE), -HEKI_VSM_ERR_SYMBOL_TABLE_EMPTY);
	check_err("symtab: no regions -> SYMBOL_TABLE_EMPTY",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, 0,
				       KBASE, KBASE),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_EMPTY);
	check_err("symtab: buffer over HEKI_VTL1_MAX_KDATA_SIZE -> TOO_LARGE",
		     heki_symtab_build(&t, &t_platform, k.buf,
				       HEKI_VTL1_MAX_KDATA_SIZE + 1, k.r, 1,
				       KBASE, KBASE),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_TOO_LARGE);

	r[0].va = KBASE;
	r[0].len = 4000;
	check_err("symtab: region lengths != buffer -> REGIONS_INVALID",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, r, 1, KBASE,
				       KBASE + 12),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_REGIONS_INVALID);
	r[0].len = 2048;
	r[1].va = KBASE + 1024;
	r[1].len = 2048;
	check_err("symtab: overlapping regions -> REGIONS_INVALID",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, r, 2, KBASE,
				       KBASE + 12),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_REGIONS_INVALID);
	r[1].va = KBASE - 4096;
	check_err("symtab: regions out of VA order -> REGIONS_INVALID",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, r, 2, KBASE,
				       KBASE + 12),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_REGIONS_INVALID);
	r[0].va = ~0ULL - 100;
	r[0].len = 4096;
	check_err("symtab: region VA + len overflows -> REGIONS_INVALID",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, r, 1,
				       r[0].va, r[0].va),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_REGIONS_INVALID);
	check_err("symtab: too many regions -> REGIONS_INVALID",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, r,
				       HEKI_SYMTAB_MAX_REGIONS + 1, KBASE, KBASE),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_REGIONS_INVALID);

	check_err("symtab: start below the data -> SYMBOL_TABLE_OUT_OF_RANGE",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, 1,
				       KBASE - 12, KBASE),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_OUT_OF_RANGE);
	check_err("symtab: end past the data -> SYMBOL_TABLE_OUT_OF_RANGE",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, 1,
				       KBASE + 4092, KBASE + 4104),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_OUT_OF_RANGE);
	check_err("symtab: litebox_7_15 end < start -> SYMBOL_TABLE_REVERSED",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, 1,
				       KBASE + 24, KBASE + 12),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_REVERSED);
	check_err("symtab: 13-byte table -> SYMBOL_TABLE_LENGTH_INVALID",
		     heki_symtab_build(&t, &t_platform, k.buf, k.len, k.r, 1,
				       KBASE, KBASE + 13),
		     -HEKI_VSM_ERR_SYMBOL_TABLE_LENGTH_INVALID);
	check_result(t.count == 0 &&
		 !t.syms && !t.names, "symtab: table untouched by failures", NULL);
	check_result(t_alloc_live == 0, "symtab: no allocation leaked", "%ld live",
		 t_alloc_live);
	free(k.buf);
}

struct sym_err_case {
	const char *name;
	__s32 name_offset;	/* relative to the field; 0: use @name_at */
	__u64 name_at;		/* buffer offset of the name */
	int fill;		/* bytes of 'a' at name_at (no NUL if to end) */
	const char *text;	/* or this text */
	int want;
};

static const struct sym_err_case sym_err_cases[] = {
	{ "symtab: negative name_offset -> NAME_OFFSET_INVALID", -4, 0, 0, NULL,
	  -HEKI_VSM_ERR_SYMBOL_NAME_OFFSET_INVALID },
	{ "symtab: name_offset past the buffer -> NAME_OFFSET_INVALID",
	  4096 - 4, 0, 0, NULL, -HEKI_VSM_ERR_SYMBOL_NAME_OFFSET_INVALID },
	{ "symtab: name_offset INT32_MAX -> NAME_OFFSET_INVALID", 0x7fffffff, 0,
	  0, NULL, -HEKI_VSM_ERR_SYMBOL_NAME_OFFSET_INVALID },
	{ "symtab: no NUL before the end -> NAME_NO_TERMINATOR", 0, 4000, 96, NULL,
	  -HEKI_VSM_ERR_SYMBOL_NAME_NO_TERMINATOR },
	{ "symtab: 512-byte name -> NAME_TOO_LONG", 0, 1000, 512, NULL,
	  -HEKI_VSM_ERR_SYMBOL_NAME_TOO_LONG },
	{ "symtab: 511-byte name accepted", 0, 1000, 511, NULL, 0 },
	{ "symtab: empty name accepted", 0, 1000, 0, "", 0 },
	{ "symtab: byte 0xff -> NAME_INVALID_UTF8", 0, 1000, 0, "a\xff", -HEKI_VSM_ERR_SYMBOL_NAME_INVALID_UTF8 },
	{ "symtab: overlong C0 80 -> NAME_INVALID_UTF8", 0, 1000, 0, "\xc0\x80",
	  -HEKI_VSM_ERR_SYMBOL_NAME_INVALID_UTF8 },
	{ "symtab: surrogate ED A0 80 -> NAME_INVALID_UTF8", 0, 1000, 0,
	  "\xed\xa0\x80", -HEKI_VSM_ERR_SYMBOL_NAME_INVALID_UTF8 },
	{ "symtab: truncated E2 82 -> NAME_INVALID_UTF8", 0, 1000, 0, "\xe2\x82",
	  -HEKI_VSM_ERR_SYMBOL_NAME_INVALID_UTF8 },
	{ "symtab: above U+10FFFF -> NAME_INVALID_UTF8", 0, 1000, 0,
	  "\xf4\x90\x80\x80", -HEKI_VSM_ERR_SYMBOL_NAME_INVALID_UTF8 },
	{ "symtab: 4-byte UTF-8 accepted", 0, 1000, 0, "\xf0\x9f\x98\x80", 0 },
};

static void test_symtab_entry_errors(void)
{
	struct heki_symtab t;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sym_err_cases); i++) {
		const struct sym_err_case *c = &sym_err_cases[i];
		struct kimg k;
		int ret;

		kimg_init(&k, 4096);
		/* A good first entry, so the failure is the second one's. */
		kimg_sym(&k, 0, 0, 3000);
		kimg_name(&k, 3000, "good");
		kimg_sym(&k, 12, 0, c->name_at);
		if (c->name_offset) {
			struct heki_kernel_symbol ks = {
				.name_offset = c->name_offset };

			memcpy(k.buf + 12, &ks, sizeof(ks));
		}
		if (c->text)
			kimg_name(&k, c->name_at, c->text);
		else
			memset(k.buf + c->name_at, 'a', c->fill);
		ret = kimg_build(&k, &t, 0, 2);
		check_err(c->name, ret, c->want);
		if (!ret)
			heki_symtab_free(&t, &t_platform);
		free(k.buf);
	}
	check_result(t_alloc_live == 0, "symtab: entry errors leak nothing",
		 "%ld live", t_alloc_live);
}

static void test_symtab_limits(void)
{
	struct heki_symtab t;
	struct kimg k;
	__u64 n, i;
	int ret, fail;

	/* Names total over HEKI_SYMTAB_MAX_NAME_BYTES: many entries, one name. */
	n = HEKI_SYMTAB_MAX_NAME_BYTES / 512 + 1;
	kimg_init(&k, n * 12 + 512);
	memset(k.buf + n * 12, 'n', 511);
	for (i = 0; i < n; i++)
		kimg_sym(&k, i * 12, 0, n * 12);
	ret = kimg_build(&k, &t, 0, n);
	check_err("symtab: names over HEKI_SYMTAB_MAX_NAME_BYTES -> TOO_LARGE",
		     ret, -HEKI_VSM_ERR_SYMBOL_TABLE_TOO_LARGE);
	ret = kimg_build(&k, &t, 0, n - 1);
	check_err("symtab: names at HEKI_SYMTAB_MAX_NAME_BYTES accepted", ret, 0);
	check_result(!ret && t.count == 1 &&
		 lookup_is(&t, (const char *)k.buf + n * 12, KBASE + (n - 2) * 12), "symtab: all-equal names collapse to the last",
		 NULL);
	if (!ret)
		heki_symtab_free(&t, &t_platform);
	free(k.buf);

	/* More than HEKI_SYMTAB_MAX_SYMBOLS entries: refused before reading. */
	n = HEKI_SYMTAB_MAX_SYMBOLS + 1;
	kimg_init(&k, n * 12);
	ret = kimg_build(&k, &t, 0, n);
	check_err("symtab: HEKI_SYMTAB_MAX_SYMBOLS + 1 entries -> TOO_LARGE",
		     ret, -HEKI_VSM_ERR_SYMBOL_TABLE_TOO_LARGE);
	free(k.buf);

	/* Every allocation failure is reported and leaks nothing. */
	kimg_init(&k, 4096);
	kimg_sym(&k, 0, 0, 100);
	kimg_sym(&k, 12, 0, 200);
	kimg_name(&k, 100, "one");
	kimg_name(&k, 200, "two");
	for (fail = 1; fail <= 4; fail++) {
		char name[96];

		t_alloc_fail_at = fail;
		ret = kimg_build(&k, &t, 0, 2);
		t_alloc_fail_at = 0;
		snprintf(name, sizeof(name),
			 "symtab: allocation %d fails -> NO_MEMORY, no leak", fail);
		check_result(ret == -HEKI_VSM_ERR_NO_MEMORY && t_alloc_live == 0, name,
			 "ret %d live %ld", ret, t_alloc_live);
	}
	free(k.buf);
}

/* 30,000 symbols, like a distribution kernel's two tables together. */
static void test_symtab_30000(void)
{
	const __u64 n = 30000, names = n * 12;
	struct heki_symtab t;
	struct kimg k;
	__u64 i, off = names;
	char s[32];
	int ret, ok = 1;

	kimg_init(&k, names + n * 24);
	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "sym_%llu", (i * 7919) % n);
		kimg_name(&k, off, s);
		kimg_sym(&k, i * 12, (__s32)i, off);
		off += strlen(s) + 1;
	}
	ret = kimg_build(&k, &t, 0, n);
	check_result(ret == 0 && t.count == n, "symtab: 30000 symbols build",
		 "ret %d count %u", ret, t.count);
	for (i = 0; !ret && i < n; i += 997) {
		__u64 v;

		snprintf(s, sizeof(s), "sym_%llu", (i * 7919) % n);
		if (heki_symtab_lookup(&t, s, strlen(s), &v) ||
		    v != KBASE + i * 12 + i)
			ok = 0;
	}
	check_result(!ret && ok, "symtab: 30000 symbols look up to their values",
		 NULL);
	for (i = 1; !ret && i < t.count; i++)
		if (strcmp(t.syms[i - 1].name, t.syms[i].name) >= 0)
			ok = 0;
	check_result(!ret && ok, "symtab: table sorted and unique", NULL);
	if (!ret)
		heki_symtab_free(&t, &t_platform);
	free(k.buf);
}

void test_symtab(void)
{
	test_kernel_info();
	test_symtab_basic();
	test_symtab_gaps();
	test_symtab_table_errors();
	test_symtab_entry_errors();
	test_symtab_limits();
	test_symtab_30000();
}

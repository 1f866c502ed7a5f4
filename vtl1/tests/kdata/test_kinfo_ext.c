// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_kinfo_ext.c - host tests of vtl1/src/kdata/kinfo_ext.c and of the
 * rewrite rules it makes exact (module/: heki_modlayout_kernel_of(),
 * heki_rw_apply_kinfo()).
 *
 * Parser: table-driven KernelInfo blobs (32 bytes + extension + pv_ops
 * values + tail), each case one change to a valid blob and the exact
 * verdict: absent (0), present (1) or the KERNEL_INFO_EXT_* error. The
 * blob is an exact-size heap copy, so any read past it trips ASan.
 * Layout: linux_version -> enum heki_modlayout_kernel.
 * Rules: return sites, static call tails, paravirt sites and static call
 * targets, each with and without the extension (heki_rw_apply_kinfo());
 * alternatives (feature on/off, ALT_NOT, X86_BUG bits, beyond the words)
 * and retpolines (RETPOLINE, RETPOLINE_LFENCE, none, ITS) pinned by the
 * CPU capability words, the other form refused, no words = old rules;
 * heki_rw_alt_final(): the last applied entry of an ALTERNATIVE_2 range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "harness.h"
#include "kdata/kinfo_ext.h"
#include "module/modlayout.h"
#include "module/rewrite.h"
#include "kdata/symtab.h"

static void result(int ok, const char *group, const char *name,
		   long got, long want)
{
	check_group(ok, group, name, "got %ld, want %ld", got, want);
}

#define E(x) (-HEKI_VSM_ERR_##x)

/* Fake kernel: text [TEXT_LO, TEXT_HI), functions inside it. */
#define TEXT_LO		0xffffffff81000000ULL
#define TEXT_HI		0xffffffff83000000ULL
#define X86_RT		0xffffffff82a00000ULL	/* __x86_return_thunk */
#define SRSO_RT		0xffffffff82a00100ULL	/* srso_return_thunk */
#define RETBLEED_RT	0xffffffff82a00200ULL	/* retbleed_return_thunk */
#define ITS_RT		0xffffffff82a00300ULL	/* its_return_thunk */
#define SC_RETURN	0xffffffff82a00400ULL	/* __static_call_return */
#define PV_NOP		0xffffffff82a00500ULL	/* _paravirt_nop */
#define PV_BUG		0xffffffff82a00600ULL	/* paravirt_BUG */
#define KFN		0xffffffff81234560ULL	/* some kernel function */
#define PV_OPS		0xffffffff83e00000ULL	/* pv_ops (data) */
#define PV_FN(t)	(0xffffffff81500000ULL + 0x40ULL * (t))
#define NPV		8U
#define MOD_TEXT	0xffffffffc0001000ULL	/* module text */

/* ---- blobs -------------------------------------------------------------- */

struct blob {
	__u8 b[32 + 256 + 8 * 300 + 64];
	__u64 len;
};

static void put32(__u8 *p, __u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(__u8 *p, __u64 v)
{
	memcpy(p, &v, 8);
}

/* kexec_purgatory and kexec_purgatory_size (version 4) */
#define PURG		0xffffffff82a00000ULL
#define PURG_SIZE	0xffffffff82a05300ULL

/* Capability words of a valid version 2 blob (6.1: NCAPINTS + NBUGINTS). */
#define NCAP		24U
#define CAPWORD(i)	(0x9e3779b9U * ((i) + 1))

/*
 * A valid blob: ext of @size bytes (72: version 1, or >= 208 with NCAP
 * capability words; from 272 no kallsyms tables), NPV pv_ops values, no
 * tail.
 */
static void blob_valid(struct blob *b, __u32 size)
{
	struct heki_kernel_info_ext x = {
		.magic = HEKI_KERNEL_INFO_EXT_MAGIC,
		.size = size,
		.linux_version = 0x0601c0,	/* 6.1.192 */
		.flags = HEKI_KERNEL_INFO_EXT_RETHUNK,
		.text_start = TEXT_LO,
		.text_end = TEXT_HI,
		.return_thunk = SRSO_RT,
		.pv_ops_va = PV_OPS,
		.pv_nop_func = PV_NOP,
		.pv_bug_func = PV_BUG,
		.pv_ops_count = NPV,
	};
	__u32 i;

	memset(b, 0, sizeof(*b));
	put64(b->b, 0xffffffff82100000ULL);	/* ksymtab bounds: unused */
	if (size >= sizeof(x)) {
		x.kexec_purgatory = PURG;
		x.kexec_purgatory_size = PURG_SIZE;
	}
	if (size >= HEKI_KERNEL_INFO_EXT_SIZE_V2) {
		x.ncapwords = NCAP;
		for (i = 0; i < NCAP; i++)
			x.capwords[i] = CAPWORD(i);
	}
	memcpy(b->b + 32, &x, size < sizeof(x) ? size : sizeof(x));
	if (size > sizeof(x))
		memset(b->b + 32 + sizeof(x), 0xa5, size - sizeof(x));
	for (i = 0; i < NPV; i++)
		put64(b->b + 32 + size + 8 * i, i == 3 ? 0 : PV_FN(i));
	b->len = 32 + size + 8 * NPV;
}

#define OFF(f) (32 + offsetof(struct heki_kernel_info_ext, f))
#define V2	HEKI_KERNEL_INFO_EXT_SIZE_V2
#define V3	HEKI_KERNEL_INFO_EXT_SIZE_V3
#define V4	HEKI_KERNEL_INFO_EXT_SIZE

/*
 * M_NCAP: ncapwords = @val, words from @val on zeroed.
 * M_KS: kallsyms_format = @val and every kallsyms table VA set (KS_VA(i));
 * then @off 1..7 zeroes VA @off - 1, @off 11..17 makes VA @off - 11
 * non-canonical.
 */
enum mut { M_NONE, M_LEN, M_U32, M_U64, M_PV, M_NCAP, M_KS };
#define KS_VA(i)	(0xffffffff82000000ULL + 0x1000ULL * (i))

/**
 * struct pcase - one parser case
 * @name: what it shows
 * @size: extension size in the valid blob (0: 72, version 1)
 * @mut: how the valid blob is changed
 * @off: byte offset of the changed field (M_U32/M_U64), or pv_ops index
 * @val: the new value (M_LEN: the new length)
 * @want: 1, 0 or the exact error
 */
struct pcase {
	const char *name;
	__u32 size;
	int mut;
	__u64 off;
	__u64 val;
	int want;
};

static const struct pcase pcases[] = {
	{ "valid extension with pv_ops", 0, M_NONE, 0, 0, 1 },
	{ "absent: exactly 32 bytes", 0, M_LEN, 0, 32, 0 },
	{ "absent: 35 bytes (no whole magic)", 0, M_LEN, 0, 35, 0 },
	{ "absent: shorter than heki_kernel_info", 0, M_LEN, 0, 16, 0 },
	{ "bad magic: bytes ignored as before (LVBS arch info)", 0, M_U32,
	  OFF(magic), 0x81000000U, 0 },
	{ "bad magic: one bit off", 0, M_U32, OFF(magic),
	  HEKI_KERNEL_INFO_EXT_MAGIC ^ 0x100, 0 },
	{ "magic without a size field", 0, M_LEN, 0, 38, E(KERNEL_INFO_EXT_TRUNCATED) },
	{ "size 0", 0, M_U32, OFF(size), 0, E(KERNEL_INFO_EXT_SIZE_INVALID) },
	{ "size 71 (one below the known struct)", 0, M_U32, OFF(size), 71,
	  E(KERNEL_INFO_EXT_SIZE_INVALID) },
	{ "struct cut short (size 72, 60 bytes sent)", 0, M_LEN, 0, 32 + 60,
	  E(KERNEL_INFO_EXT_TRUNCATED) },
	{ "size beyond the blob", 0, M_U32, OFF(size), 0x10000,
	  E(KERNEL_INFO_EXT_TRUNCATED) },
	{ "size 0xffffffff", 0, M_U32, OFF(size), 0xffffffffU,
	  E(KERNEL_INFO_EXT_TRUNCATED) },
	{ "size 104 (between version 1 and 2)", 104, M_NONE, 0, 0,
	  E(KERNEL_INFO_EXT_CAPWORDS_COUNT) },
	{ "size 207 (one below version 2)", 207, M_NONE, 0, 0,
	  E(KERNEL_INFO_EXT_CAPWORDS_COUNT) },
	{ "version 2 (208) with 24 capability words", V2, M_NONE, 0, 0, 1 },
	{ "version 4 (288) with the purgatory", V4, M_NONE, 0, 0, 1 },
	{ "size 280 (between version 3 and 4)", 280, M_NONE, 0, 0,
	  E(KERNEL_INFO_EXT_PURGATORY) },
	{ "size 287 (one below version 4)", 287, M_NONE, 0, 0,
	  E(KERNEL_INFO_EXT_PURGATORY) },
	{ "kexec_purgatory without kexec_purgatory_size", V4, M_U64,
	  OFF(kexec_purgatory_size), 0, E(KERNEL_INFO_EXT_PURGATORY) },
	{ "kexec_purgatory_size without kexec_purgatory", V4, M_U64,
	  OFF(kexec_purgatory), 0, E(KERNEL_INFO_EXT_PURGATORY) },
	{ "kexec_purgatory non-canonical", V4, M_U64, OFF(kexec_purgatory),
	  0xffff7fff82a00000ULL, E(KERNEL_INFO_EXT_PURGATORY) },
	{ "kexec_purgatory_size non-canonical", V4, M_U64,
	  OFF(kexec_purgatory_size), 0x0000800000000000ULL,
	  E(KERNEL_INFO_EXT_PURGATORY) },
	{ "larger size (320): unknown tail skipped, values after it", 320,
	  M_NONE, 0, 0, 1 },
	{ "size 240 (between version 2 and 3)", 240, M_NONE, 0, 0,
	  E(KERNEL_INFO_EXT_KALLSYMS) },
	{ "size 271 (one below version 3)", 271, M_NONE, 0, 0,
	  E(KERNEL_INFO_EXT_KALLSYMS) },
	{ "version 3 (272) without kallsyms", V3, M_NONE, 0, 0, 1 },
	{ "version 3: pad3 not zero", V3, M_U32, OFF(pad3), 1,
	  E(KERNEL_INFO_EXT_RESERVED) },
	{ "kallsyms: relative, absolute per-CPU, every table", V3, M_KS, 0,
	  HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU, 1 },
	{ "kallsyms: relative, every table", V3, M_KS, 0,
	  HEKI_KALLSYMS_FORMAT_REL, 1 },
	{ "kallsyms: format 4 unknown", V3, M_KS, 0, 4,
	  E(KERNEL_INFO_EXT_KALLSYMS) },
	{ "kallsyms: no format but table VAs", V3, M_KS, 0,
	  HEKI_KALLSYMS_FORMAT_NONE, E(KERNEL_INFO_EXT_KALLSYMS) },
	{ "kallsyms: num_syms VA zero", V3, M_KS, 1,
	  HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU, E(KERNEL_INFO_EXT_KALLSYMS) },
	{ "kallsyms: token index VA zero", V3, M_KS, 7,
	  HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU, E(KERNEL_INFO_EXT_KALLSYMS) },
	{ "kallsyms: names VA non-canonical", V3, M_KS, 14,
	  HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU, E(KERNEL_INFO_EXT_KALLSYMS) },
	{ "kallsyms: absolute with a relative base", V3, M_KS, 0,
	  HEKI_KALLSYMS_FORMAT_ABS, E(KERNEL_INFO_EXT_KALLSYMS) },
	{ "kallsyms: absolute, relative base zero", V3, M_KS, 3,
	  HEKI_KALLSYMS_FORMAT_ABS, 1 },
	{ "kallsyms: relative without its base", V3, M_KS, 3,
	  HEKI_KALLSYMS_FORMAT_REL, E(KERNEL_INFO_EXT_KALLSYMS) },
	{ "version 2 cut short (150 of 208 bytes sent)", V2, M_LEN, 0, 32 + 150,
	  E(KERNEL_INFO_EXT_TRUNCATED) },
	{ "capability word count 0: no words (old rules)", V2, M_NCAP, 0, 0, 1 },
	{ "capability word count 1", V2, M_NCAP, 0, 1,
	  E(KERNEL_INFO_EXT_CAPWORDS_COUNT) },
	{ "capability word count 11 (one below the minimum)", V2, M_NCAP, 0,
	  HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN - 1, E(KERNEL_INFO_EXT_CAPWORDS_COUNT) },
	{ "capability word count 12 (the minimum)", V2, M_NCAP, 0,
	  HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN, 1 },
	{ "capability word count 32 (the maximum)", V2, M_NCAP, 0,
	  HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX, 1 },
	{ "capability word count 33", V2, M_U32, OFF(ncapwords),
	  HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX + 1, E(KERNEL_INFO_EXT_CAPWORDS_COUNT) },
	{ "capability word count 0xffffffff", V2, M_U32, OFF(ncapwords),
	  0xffffffffU, E(KERNEL_INFO_EXT_CAPWORDS_COUNT) },
	{ "capability word after the count not zero", V2, M_U32,
	  OFF(capwords) + 4 * NCAP, 1, E(KERNEL_INFO_EXT_RESERVED) },
	{ "last capability word slot not zero", V2, M_U32,
	  OFF(capwords) + 4 * (HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX - 1), 0x80000000U,
	  E(KERNEL_INFO_EXT_RESERVED) },
	{ "count 0 but words sent", V2, M_U32, OFF(ncapwords), 0,
	  E(KERNEL_INFO_EXT_RESERVED) },
	{ "pad2 not zero", V2, M_U32, OFF(pad2), 1, E(KERNEL_INFO_EXT_RESERVED) },
	{ "version 2: pv_ops values cut short", V2, M_LEN, 0,
	  32 + V2 + 8 * NPV - 1, E(KERNEL_INFO_EXT_TRUNCATED) },
	{ "bytes after the values ignored", 0, M_LEN, 0, 32 + 72 + 8 * NPV + 40, 1 },
	{ "pad not zero", 0, M_U32, OFF(pad), 1, E(KERNEL_INFO_EXT_RESERVED) },
	{ "unknown flag bit", 0, M_U32, OFF(flags), 0x4, E(KERNEL_INFO_EXT_RESERVED) },
	{ "ITS flag alone", 0, M_U32, OFF(flags), HEKI_KERNEL_INFO_EXT_ITS_THUNK, 1 },
	{ "version 6.0.19", 0, M_U32, OFF(linux_version), 0x060013,
	  E(KERNEL_INFO_EXT_VERSION) },
	{ "version 0", 0, M_U32, OFF(linux_version), 0, E(KERNEL_INFO_EXT_VERSION) },
	{ "version with a top byte", 0, M_U32, OFF(linux_version), 0x01060100,
	  E(KERNEL_INFO_EXT_VERSION) },
	{ "version 6.1.0", 0, M_U32, OFF(linux_version), 0x060100, 1 },
	{ "version 6.12.255", 0, M_U32, OFF(linux_version), 0x060cff, 1 },
	{ "text start non-canonical", 0, M_U64, OFF(text_start),
	  0xffff7fff81000000ULL, E(KERNEL_INFO_EXT_TEXT_INVALID) },
	{ "text end non-canonical", 0, M_U64, OFF(text_end),
	  0x0000800000000000ULL, E(KERNEL_INFO_EXT_TEXT_INVALID) },
	{ "text start == end", 0, M_U64, OFF(text_end), TEXT_LO,
	  E(KERNEL_INFO_EXT_TEXT_INVALID) },
	{ "text start > end", 0, M_U64, OFF(text_start), TEXT_HI + 0x1000,
	  E(KERNEL_INFO_EXT_TEXT_INVALID) },
	{ "return thunk 0", 0, M_U64, OFF(return_thunk), 0,
	  E(KERNEL_INFO_EXT_THUNK_INVALID) },
	{ "return thunk at text end", 0, M_U64, OFF(return_thunk), TEXT_HI,
	  E(KERNEL_INFO_EXT_THUNK_INVALID) },
	{ "return thunk at text start", 0, M_U64, OFF(return_thunk), TEXT_LO, 1 },
	{ "_paravirt_nop outside text", 0, M_U64, OFF(pv_nop_func), PV_OPS,
	  E(KERNEL_INFO_EXT_THUNK_INVALID) },
	{ "paravirt_BUG outside text", 0, M_U64, OFF(pv_bug_func), 0x1000,
	  E(KERNEL_INFO_EXT_THUNK_INVALID) },
	{ "_paravirt_nop 0 (unknown)", 0, M_U64, OFF(pv_nop_func), 0, 1 },
	{ "pv_ops count above the limit", 0, M_U32, OFF(pv_ops_count),
	  HEKI_KERNEL_INFO_EXT_PV_OPS_MAX + 1, E(KERNEL_INFO_EXT_PV_OPS_INVALID) },
	{ "pv_ops count with VA 0", 0, M_U64, OFF(pv_ops_va), 0,
	  E(KERNEL_INFO_EXT_PV_OPS_INVALID) },
	{ "pv_ops VA non-canonical", 0, M_U64, OFF(pv_ops_va),
	  0x8000000000000000ULL, E(KERNEL_INFO_EXT_PV_OPS_INVALID) },
	{ "pv_ops VA without a count", 0, M_U32, OFF(pv_ops_count), 0,
	  E(KERNEL_INFO_EXT_PV_OPS_INVALID) },
	{ "pv_ops values cut short", 0, M_LEN, 0, 32 + 72 + 8 * NPV - 1,
	  E(KERNEL_INFO_EXT_TRUNCATED) },
	{ "pv_ops count larger than the values sent", 0, M_U32,
	  OFF(pv_ops_count), NPV + 1, E(KERNEL_INFO_EXT_TRUNCATED) },
	{ "pv_ops value outside kernel text", 0, M_PV, 5, PV_OPS,
	  E(KERNEL_INFO_EXT_PV_OPS_INVALID) },
	{ "pv_ops value in module space", 0, M_PV, 0, MOD_TEXT,
	  E(KERNEL_INFO_EXT_PV_OPS_INVALID) },
};

/* The parsed words: none for version 1, else the count and words sent. */
static int caps_ok(const struct heki_kinfo_ext *x, __u32 size,
		   const struct pcase *c)
{
	__u32 n = size < V2 ? 0 : c->mut == M_NCAP ? (__u32)c->val : NCAP, i;

	if (x->ncapwords != n || x->pad2)
		return 0;
	for (i = 0; i < HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX; i++)
		if (x->capwords[i] != (i < n && i < NCAP ? CAPWORD(i) : 0))
			return 0;
	return 1;
}

/* The kallsyms format and table VAs parsed: those sent, or none. */
static int kallsyms_ok(const struct heki_kinfo_ext *x, const struct pcase *c)
{
	__u32 fmt = c->mut == M_KS ? (__u32)c->val : 0, i;

	if (x->kallsyms_format != fmt)
		return 0;
	for (i = 0; i < HEKI_KINFO_KALLSYMS_NR; i++)
		if (x->kallsyms[i] != (!fmt || (c->off && c->off - 1 == i) ?
				       0 : KS_VA(i)))
			return 0;
	return 1;
}

static void test_parse(void)
{
	struct heki_kinfo_ext *x = calloc(1, sizeof(*x));
	struct blob b;
	__u32 i, k, size;
	__u8 *copy;
	int ret;

	for (i = 0; i < sizeof(pcases) / sizeof(pcases[0]); i++) {
		const struct pcase *c = &pcases[i];

		size = c->size ? c->size : 72;
		blob_valid(&b, size);
		switch (c->mut) {
		case M_LEN:
			b.len = c->val;
			break;
		case M_U32:
			put32(b.b + c->off, (__u32)c->val);
			break;
		case M_U64:
			put64(b.b + c->off, c->val);
			break;
		case M_PV:
			put64(b.b + 32 + size + 8 * c->off, c->val);
			break;
		case M_NCAP:
			put32(b.b + OFF(ncapwords), (__u32)c->val);
			memset(b.b + OFF(capwords) + 4 * c->val, 0,
			       4 * (HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX - c->val));
			break;
		case M_KS:
			put32(b.b + OFF(kallsyms_format), (__u32)c->val);
			for (k = 0; k < HEKI_KINFO_KALLSYMS_NR; k++)
				put64(b.b + OFF(kallsyms_num_syms) + 8 * k,
				      KS_VA(k));
			if (c->off >= 1 && c->off <= 7)
				put64(b.b + OFF(kallsyms_num_syms) + 8 * (c->off - 1), 0);
			if (c->off >= 11 && c->off <= 17)
				put64(b.b + OFF(kallsyms_num_syms) + 8 * (c->off - 11),
				      0x0000800000000000ULL);
			break;
		}
		copy = malloc(b.len ? b.len : 1);
		memcpy(copy, b.b, b.len);
		memset(x, 0x5a, sizeof(*x));
		ret = heki_kinfo_ext_parse(copy, b.len, x);
		if (ret == 1 && c->want == 1)
			ret = x->pv_ops_count == NPV && x->pv_ops[1] == PV_FN(1) &&
			      x->pv_ops[3] == 0 && x->text_start == TEXT_LO &&
			      caps_ok(x, size, c) && kallsyms_ok(x, c) &&
			      x->kexec_purgatory == (size < V4 ? 0 : PURG) &&
			      x->kexec_purgatory_size ==
			      (size < V4 ? 0 : PURG_SIZE) ? 1 : -1;
		result(ret == c->want, "parse", c->name, ret, c->want);
		free(copy);
	}
	free(x);
}

/* What a reader that stops at 32 bytes (LiteBox, older heki) sees. */
static void test_old_reader(void)
{
	struct heki_kernel_info ki;
	struct blob b;
	__u8 *copy;
	int ret;

	blob_valid(&b, 72);
	copy = malloc(b.len);
	memcpy(copy, b.b, b.len);
	ret = heki_kernel_info_parse(copy, b.len, &ki);
	result(ret == 0 && ki.ksymtab_start == 0xffffffff82100000ULL, "compat",
	       "heki_kernel_info_parse() reads the 32 bytes, ignores the extension",
	       ret, 0);
	free(copy);
}

/* ---- export cross-check and layout -------------------------------------- */

static void test_exports_layout(void)
{
	struct heki_symbol sym = { PV_OPS, "pv_ops", 6, 0 };
	struct heki_symtab tab = { &sym, (char *)"pv_ops", 1, 7 };
	const struct heki_symtab *tabs[2] = { NULL, &tab };
	struct heki_kinfo_ext *x = calloc(1, sizeof(*x));
	static const struct {
		__u32 version;
		__u32 want;
	} lay[] = {
		{ 0x060100, HEKI_MODLAYOUT_LINUX_6_1 },
		{ 0x0601ff, HEKI_MODLAYOUT_LINUX_6_1 },
		{ 0x0603ff, HEKI_MODLAYOUT_LINUX_6_1 },
		{ 0x060400, HEKI_MODLAYOUT_LINUX_6_4 },
		{ 0x060c00, HEKI_MODLAYOUT_LINUX_6_4 },
		{ 0x060fff, HEKI_MODLAYOUT_LINUX_6_4 },
		{ 0x061000, HEKI_MODLAYOUT_LINUX_6_16 },
		{ 0x0611ff, HEKI_MODLAYOUT_LINUX_6_16 },
		{ 0x061200, HEKI_MODLAYOUT_LINUX_6_18 },
		{ 0x070000, HEKI_MODLAYOUT_LINUX_6_18 },
		{ 0x07020d, HEKI_MODLAYOUT_LINUX_6_18 },
	};
	char name[64];
	__u32 i;
	int ret;

	x->pv_ops_count = NPV;
	x->pv_ops_va = PV_OPS;
	ret = heki_kinfo_ext_check_exports(x, tabs, 2);
	result(ret == 0, "exports", "pv_ops VA equals the export", ret, 0);
	x->pv_ops_va = PV_OPS + 8;
	ret = heki_kinfo_ext_check_exports(x, tabs, 2);
	result(ret == E(KERNEL_INFO_EXT_PV_OPS_MISMATCH), "exports",
	       "pv_ops VA differs from the export", ret,
	       E(KERNEL_INFO_EXT_PV_OPS_MISMATCH));
	tab.count = 0;
	ret = heki_kinfo_ext_check_exports(x, tabs, 2);
	result(ret == 0, "exports", "pv_ops not exported: nothing to compare",
	       ret, 0);

	result(heki_modlayout_kernel_of(NULL) == 0, "layout",
	       "no extension: 0 (the Linux 6.1 default)",
	       heki_modlayout_kernel_of(NULL), 0);
	for (i = 0; i < sizeof(lay) / sizeof(lay[0]); i++) {
		x->linux_version = lay[i].version;
		snprintf(name, sizeof(name), "linux_version 0x%06x", lay[i].version);
		result(heki_modlayout_kernel_of(x) == lay[i].want, "layout", name,
		       heki_modlayout_kernel_of(x), lay[i].want);
	}
	free(x);
}

/* ---- rules with and without the extension ------------------------------- */

static __u64 pv_values[NPV];

/*
 * heki_rw_ctx.func_entry: the kernel function entries LoadKData's symbols
 * name (exports, kallsyms): KFN, the pv_ops functions, the thunks.
 */
static int kernel_entry(void *arg, __u64 va)
{
	__u32 i;

	(void)arg;
	for (i = 0; i < NPV; i++)
		if (va == PV_FN(i))
			return 1;
	return va == KFN || va == PV_BUG || va == PV_NOP || va == SC_RETURN ||
	       va == X86_RT;
}

/* What the export table gives today: no srso/retbleed/its thunks. */
static void ctx_today(struct heki_rw_ctx *ctx)
{
	static const struct {
		__u32 idx;
		__u64 va;
	} k[] = {
		{ HEKI_RW_KSYM_RETURN_THUNK, X86_RT },
		{ HEKI_RW_KSYM_STATIC_CALL_RETURN, SC_RETURN },
		{ HEKI_RW_KSYM_PV_OPS, PV_OPS },
		/* the approximation from the exports: a wider text */
		{ HEKI_RW_KSYM_KTEXT_START, 0xffffffff80000000ULL },
		{ HEKI_RW_KSYM_KTEXT_END, 0xffffffff84000000ULL },
	};
	__u32 i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->func_entry = kernel_entry;
	ctx->mem_va[HEKI_MODLAYOUT_TEXT] = MOD_TEXT & ~0xfffULL;
	ctx->mem_size[HEKI_MODLAYOUT_TEXT] = 0x1000;
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		ctx->ksym[k[i].idx] = k[i].va;
		ctx->ksym_known |= 1ULL << k[i].idx;
	}
}

static struct heki_kinfo_ext *ext_of(__u64 thunk, __u32 flags)
{
	static struct heki_kinfo_ext x;
	__u32 i;

	memset(&x, 0, sizeof(x));
	x.linux_version = 0x0601c0;
	x.flags = flags;
	x.text_start = TEXT_LO;
	x.text_end = TEXT_HI;
	x.return_thunk = thunk;
	x.pv_ops_va = PV_OPS;
	x.pv_nop_func = PV_NOP;
	x.pv_bug_func = PV_BUG;
	x.pv_ops_count = NPV;
	for (i = 0; i < NPV; i++)
		x.pv_ops[i] = pv_values[i];
	return &x;
}

static void rel32(__u8 *p, __u8 op, __u64 va, __u64 dest)
{
	p[0] = op;
	put32(p + 1, (__u32)(dest - (va + 5)));
}

#define RH	HEKI_KERNEL_INFO_EXT_RETHUNK
#define ITS	HEKI_KERNEL_INFO_EXT_ITS_THUNK
#define NOEXT	1ULL	/* rcase.thunk: no extension */
#define UPPER	0x20ULL

enum form { F_JMP, F_RET, F_CALL, F_NOPS, F_ORIG };

/**
 * struct rcase - one rule case
 * @name: what it shows
 * @kind: HEKI_RW_RETURN, HEKI_RW_STATIC_CALL (tail) or HEKI_RW_PARAVIRT
 * @thunk: extension's return thunk, NOEXT for none
 * @flags: extension flags
 * @site: offset added to MOD_TEXT (UPPER: upper half of a line)
 * @form: what memory holds
 * @dest: target of F_JMP / F_CALL
 * @type: paravirt type
 * @want: 0 or the exact error
 */
struct rcase {
	const char *name;
	__u32 kind;
	__u64 thunk;
	__u32 flags;
	__u64 site;
	int form;
	__u64 dest;
	__u32 type;
	int want;
};

static const struct rcase rcases[] = {
	/* return sites: today (any known thunk; srso is not exported) */
	{ "return, no ext: jmp srso_return_thunk refused (issue 5 gap a)",
	  HEKI_RW_RETURN, NOEXT, 0, 0, F_JMP, SRSO_RT, 0, E(REWRITE_RETURN_FORBIDDEN) },
	{ "return, no ext: ret; int3 accepted", HEKI_RW_RETURN, NOEXT, 0, 0,
	  F_RET, 0, 0, 0 },
	{ "return, no ext: original jmp __x86_return_thunk accepted",
	  HEKI_RW_RETURN, NOEXT, 0, 0, F_ORIG, 0, 0, 0 },
	/* with the extension: exactly what patch_return() writes */
	{ "return, srso in use: jmp srso_return_thunk accepted",
	  HEKI_RW_RETURN, SRSO_RT, RH, 0, F_JMP, SRSO_RT, 0, 0 },
	{ "return, srso in use: jmp retbleed_return_thunk refused",
	  HEKI_RW_RETURN, SRSO_RT, RH, 0, F_JMP, RETBLEED_RT, 0,
	  E(REWRITE_RETURN_FORBIDDEN) },
	{ "return, srso in use: original jmp __x86_return_thunk refused",
	  HEKI_RW_RETURN, SRSO_RT, RH, 0, F_ORIG, 0, 0, E(REWRITE_RETURN_FORBIDDEN) },
	{ "return, srso in use: ret; int3 refused (RETHUNK on)",
	  HEKI_RW_RETURN, SRSO_RT, RH, 0, F_RET, 0, 0, E(REWRITE_RETURN_FORBIDDEN) },
	{ "return, srso in use: jmp into kernel text refused",
	  HEKI_RW_RETURN, SRSO_RT, RH, 0, F_JMP, KFN, 0, E(REWRITE_RETURN_FORBIDDEN) },
	{ "return, retbleed in use: jmp retbleed_return_thunk accepted",
	  HEKI_RW_RETURN, RETBLEED_RT, RH, 0, F_JMP, RETBLEED_RT, 0, 0 },
	{ "return, retbleed in use: jmp srso_return_thunk refused",
	  HEKI_RW_RETURN, RETBLEED_RT, RH, 0, F_JMP, SRSO_RT, 0,
	  E(REWRITE_RETURN_FORBIDDEN) },
	{ "return, __x86_return_thunk in use: original accepted",
	  HEKI_RW_RETURN, X86_RT, RH, 0, F_ORIG, 0, 0, 0 },
	{ "return, RETHUNK off: ret; int3 accepted", HEKI_RW_RETURN, X86_RT, 0,
	  0, F_RET, 0, 0, 0 },
	{ "return, RETHUNK off: original jmp refused", HEKI_RW_RETURN, X86_RT,
	  0, 0, F_ORIG, 0, 0, E(REWRITE_RETURN_FORBIDDEN) },
	{ "return, ITS lower half: jmp its_return_thunk accepted",
	  HEKI_RW_RETURN, ITS_RT, RH | ITS, 0, F_JMP, ITS_RT, 0, 0 },
	{ "return, ITS lower half: ret refused", HEKI_RW_RETURN, ITS_RT,
	  RH | ITS, 0, F_RET, 0, 0, E(REWRITE_RETURN_FORBIDDEN) },
	{ "return, ITS upper half: ret accepted", HEKI_RW_RETURN, ITS_RT,
	  RH | ITS, UPPER, F_RET, 0, 0, 0 },
	{ "return, ITS upper half: jmp its_return_thunk refused",
	  HEKI_RW_RETURN, ITS_RT, RH | ITS, UPPER, F_JMP, ITS_RT, 0,
	  E(REWRITE_RETURN_FORBIDDEN) },
	/* NULL tail static calls take the same forms */
	{ "static call tail, no ext: ret accepted", HEKI_RW_STATIC_CALL, NOEXT,
	  0, 0, F_RET, 0, 0, 0 },
	{ "static call tail, srso in use: ret refused", HEKI_RW_STATIC_CALL,
	  SRSO_RT, RH, 0, F_RET, 0, 0, E(REWRITE_STATIC_CALL_FORBIDDEN) },
	{ "static call tail, RETHUNK off: ret accepted", HEKI_RW_STATIC_CALL,
	  X86_RT, 0, 0, F_RET, 0, 0, 0 },
	{ "static call tail, no ext: jmp to a kernel function accepted",
	  HEKI_RW_STATIC_CALL, NOEXT, 0, 0, F_JMP, KFN, 0, 0 },
	{ "static call tail, ext: jmp to a kernel function accepted",
	  HEKI_RW_STATIC_CALL, SRSO_RT, RH, 0, F_JMP, KFN, 0, 0 },
	{ "static call tail, no ext: jmp above _etext refused (no entry there)",
	  HEKI_RW_STATIC_CALL, NOEXT, 0, 0, F_JMP, TEXT_HI + 0x800000, 0,
	  E(REWRITE_TARGET_NOT_FUNCTION) },
	{ "static call tail, ext: jmp inside a kernel function refused",
	  HEKI_RW_STATIC_CALL, SRSO_RT, RH, 0, F_JMP, KFN + 1, 0,
	  E(REWRITE_TARGET_NOT_FUNCTION) },
	/* paravirt: slot values */
	{ "paravirt, no ext: call a kernel function entry accepted",
	  HEKI_RW_PARAVIRT, NOEXT, 0, 0, F_CALL, KFN, 2, 0 },
	{ "paravirt, no ext: call inside a kernel function refused",
	  HEKI_RW_PARAVIRT, NOEXT, 0, 0, F_CALL, KFN + 4, 2,
	  E(REWRITE_TARGET_NOT_FUNCTION) },
	{ "paravirt, ext: call pv_ops[2] accepted", HEKI_RW_PARAVIRT, SRSO_RT,
	  RH, 0, F_CALL, PV_FN(2), 2, 0 },
	{ "paravirt, ext: call another kernel function refused", HEKI_RW_PARAVIRT,
	  SRSO_RT, RH, 0, F_CALL, KFN, 2, E(REWRITE_PARAVIRT_FORBIDDEN) },
	{ "paravirt, ext: call pv_ops[4] at a type 2 site refused",
	  HEKI_RW_PARAVIRT, SRSO_RT, RH, 0, F_CALL, PV_FN(4), 2,
	  E(REWRITE_PARAVIRT_FORBIDDEN) },
	{ "paravirt, ext: NULL slot calls paravirt_BUG", HEKI_RW_PARAVIRT,
	  SRSO_RT, RH, 0, F_CALL, PV_BUG, 3, 0 },
	{ "paravirt, ext: _paravirt_nop slot is NOPs", HEKI_RW_PARAVIRT, SRSO_RT,
	  RH, 0, F_NOPS, 0, 5, 0 },
	{ "paravirt, ext: NOPs at a function slot refused", HEKI_RW_PARAVIRT,
	  SRSO_RT, RH, 0, F_NOPS, 0, 2, E(REWRITE_PARAVIRT_FORBIDDEN) },
	{ "paravirt, no ext: NOPs accepted", HEKI_RW_PARAVIRT, NOEXT, 0, 0,
	  F_NOPS, 0, 2, 0 },
	{ "paravirt, ext: original call *pv_ops[2] accepted", HEKI_RW_PARAVIRT,
	  SRSO_RT, RH, 0, F_ORIG, 0, 2, 0 },
	{ "paravirt, ext: type beyond pv_ops refused", HEKI_RW_PARAVIRT, SRSO_RT,
	  RH, 0, F_CALL, KFN, NPV, E(REWRITE_PARAVIRT_FORBIDDEN) },
};

static void run_rule(const struct rcase *c)
{
	static const __u8 nop6[6] = { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	struct heki_rw_site site = { 0 };
	struct heki_rw_fault fault = { 0 };
	struct heki_rw_ctx ctx;
	__u8 exp[6], act[6], *e, *a;
	__u64 va = MOD_TEXT + c->site, len = 5;
	int ret;

	ctx_today(&ctx);
	if (c->thunk != NOEXT)
		heki_rw_apply_kinfo(ext_of(c->thunk, c->flags), &ctx);
	site.kind = c->kind;
	site.mem = HEKI_MODLAYOUT_TEXT;
	site.offset = va - ctx.mem_va[HEKI_MODLAYOUT_TEXT];
	site.va = va;
	if (c->kind == HEKI_RW_RETURN) {
		rel32(exp, 0xe9, va, X86_RT);
	} else if (c->kind == HEKI_RW_STATIC_CALL) {
		site.flags = HEKI_RW_SITE_TAIL;
		rel32(exp, 0xe9, va, 0xffffffff82b00000ULL);	/* __SCT__ */
	} else {
		len = 6;
		site.aux = c->type;
		exp[0] = 0xff;
		exp[1] = 0x15;
		put32(exp + 2, (__u32)(PV_OPS + 8 * c->type - (va + 6)));
	}
	site.len = len;
	memcpy(act, exp, sizeof(act));
	switch (c->form) {
	case F_JMP:
		rel32(act, 0xe9, va, c->dest);
		break;
	case F_CALL:
		rel32(act, 0xe8, va, c->dest);
		act[5] = 0x90;
		break;
	case F_RET:
		memcpy(act, "\xc3\xcc\xcc\xcc\xcc", 5);
		break;
	case F_NOPS:
		memcpy(act, nop6, 6);
		break;
	}
	e = malloc(len);
	a = malloc(len);
	memcpy(e, exp, len);
	memcpy(a, act, len);
	ret = heki_rw_check(&ctx, &site, e, a, &fault);
	result(ret == c->want, "rules", c->name, ret, c->want);
	free(e);
	free(a);
}

static void test_rules(void)
{
	__u32 i;

	for (i = 0; i < NPV; i++)
		pv_values[i] = PV_FN(i);
	pv_values[3] = 0;		/* NULL slot: paravirt_BUG */
	pv_values[5] = PV_NOP;		/* _paravirt_nop slot */
	for (i = 0; i < sizeof(rcases) / sizeof(rcases[0]); i++)
		run_rule(&rcases[i]);
}

/* ---- alternatives and retpolines pinned by the capability words -------- */

#define ALT_ORIG_OFF	0x100U	/* site: call KFN; nop (6 bytes) */
#define ALT_REPL_OFF	0x800U	/* replacement: lfence (3 bytes) */
#define FEAT		(3 * 32 + 5)	/* some feature */
#define BUGBIT		(22 * 32 + 1)	/* an X86_BUG bit (NCAPINTS 22) */
#define NOWORDS		0xffffU	/* pcase2.feature: no words sent */
#define NOT		HEKI_ALT_FLAG_NOT
#define RETP		HEKI_X86_FEATURE_RETPOLINE
#define LFEN		HEKI_X86_FEATURE_RETPOLINE_LFENCE
#define ITSF		HEKI_X86_FEATURE_INDIRECT_THUNK_ITS
#define THUNK(r)	(0xffffffff82c00000ULL + 0x20ULL * (r))

enum pform { P_ORIG, P_APPLIED, P_REG, P_LFENCE, P_APPLIED_BAD, P_REG_BAD };

/**
 * struct pinc - one pinned-rule case
 * @name: what it shows
 * @kind: HEKI_RW_ALTERNATIVE or HEKI_RW_RETPOLINE
 * @cpuid: alternative: alt_instr.cpuid (feature | NOT); retpoline: the
 *	register (0 rax: call, 11 r11: jmp)
 * @set: features set in the words (up to 3, -1 none); @set[0] NOWORDS
 *	for no words
 * @lower: retpoline site in the lower half of a 64-byte line
 * @form: what memory holds
 * @want: 0 or the exact error
 */
struct pinc {
	const char *name;
	__u32 kind;
	__u32 cpuid;
	int set[3];
	int lower;
	int form;
	int want;
};

#define NONE	{ -1, -1, -1 }
#define ALT	HEKI_RW_ALTERNATIVE
#define RPL	HEKI_RW_RETPOLINE

static const struct pinc pincs[] = {
	{ "alt: feature on, replacement accepted", ALT, FEAT, { FEAT, -1, -1 },
	  0, P_APPLIED, 0 },
	{ "alt: feature on, original refused (other form)", ALT, FEAT,
	  { FEAT, -1, -1 }, 0, P_ORIG, E(REWRITE_ALT_OTHER_FORM) },
	{ "alt: feature off, original accepted", ALT, FEAT, NONE, 0, P_ORIG, 0 },
	{ "alt: feature off, replacement refused (other form)", ALT, FEAT, NONE,
	  0, P_APPLIED, E(REWRITE_ALT_OTHER_FORM) },
	{ "alt: ALT_NOT, feature on, original accepted", ALT, FEAT | NOT,
	  { FEAT, -1, -1 }, 0, P_ORIG, 0 },
	{ "alt: ALT_NOT, feature on, replacement refused", ALT, FEAT | NOT,
	  { FEAT, -1, -1 }, 0, P_APPLIED, E(REWRITE_ALT_OTHER_FORM) },
	{ "alt: ALT_NOT, feature off, replacement accepted", ALT, FEAT | NOT,
	  NONE, 0, P_APPLIED, 0 },
	{ "alt: ALT_NOT, feature off, original refused", ALT, FEAT | NOT, NONE,
	  0, P_ORIG, E(REWRITE_ALT_OTHER_FORM) },
	{ "alt: feature on, other bits set, replacement accepted", ALT, FEAT,
	  { FEAT - 1, FEAT, FEAT + 1 }, 0, P_APPLIED, 0 },
	{ "alt: neighbour bits only, original accepted", ALT, FEAT,
	  { FEAT - 1, FEAT + 1, FEAT + 32 }, 0, P_ORIG, 0 },
	{ "alt: feature on, replacement one byte off refused", ALT, FEAT,
	  { FEAT, -1, -1 }, 0, P_APPLIED_BAD, E(REWRITE_ALT_FORBIDDEN) },
	{ "alt: X86_BUG bit set, replacement accepted", ALT, BUGBIT,
	  { BUGBIT, -1, -1 }, 0, P_APPLIED, 0 },
	{ "alt: feature beyond the 24 words refused", ALT, 24 * 32 + 1, NONE,
	  0, P_ORIG, E(REWRITE_ALT_FEATURE) },
	{ "alt: no words: original accepted (old rule)", ALT, FEAT,
	  { NOWORDS, -1, -1 }, 0, P_ORIG, 0 },
	{ "alt: no words: replacement accepted (old rule)", ALT, FEAT,
	  { NOWORDS, -1, -1 }, 0, P_APPLIED, 0 },
	{ "alt: no words: one byte off refused", ALT, FEAT, { NOWORDS, -1, -1 },
	  0, P_APPLIED_BAD, E(REWRITE_ALT_FORBIDDEN) },
	{ "retpoline: no RETPOLINE, register form accepted", RPL, 0, NONE, 0,
	  P_REG, 0 },
	{ "retpoline: no RETPOLINE, thunk call refused (other form)", RPL, 0,
	  NONE, 0, P_ORIG, E(REWRITE_RETPOLINE_OTHER_FORM) },
	{ "retpoline: no RETPOLINE, lfence form refused (other form)", RPL, 0,
	  NONE, 0, P_LFENCE, E(REWRITE_RETPOLINE_OTHER_FORM) },
	{ "retpoline: no RETPOLINE, wrong register refused", RPL, 0, NONE, 0,
	  P_REG_BAD, E(REWRITE_RETPOLINE_FORBIDDEN) },
	{ "retpoline: RETPOLINE, thunk call accepted", RPL, 0,
	  { RETP, -1, -1 }, 0, P_ORIG, 0 },
	{ "retpoline: RETPOLINE, register form refused (other form)", RPL, 0,
	  { RETP, -1, -1 }, 0, P_REG, E(REWRITE_RETPOLINE_OTHER_FORM) },
	{ "retpoline: RETPOLINE_LFENCE, lfence form accepted", RPL, 0,
	  { RETP, LFEN, -1 }, 0, P_LFENCE, 0 },
	{ "retpoline: RETPOLINE_LFENCE, register form refused", RPL, 0,
	  { RETP, LFEN, -1 }, 0, P_REG, E(REWRITE_RETPOLINE_OTHER_FORM) },
	{ "retpoline: RETPOLINE_LFENCE, thunk call refused", RPL, 0,
	  { RETP, LFEN, -1 }, 0, P_ORIG, E(REWRITE_RETPOLINE_OTHER_FORM) },
	{ "retpoline: RETPOLINE_LFENCE, jmp r11 (no room): thunk jmp accepted",
	  RPL, 11, { RETP, LFEN, -1 }, 0, P_ORIG, 0 },
	{ "retpoline: RETPOLINE_LFENCE, jmp r11: register form refused", RPL,
	  11, { RETP, LFEN, -1 }, 0, P_REG, E(REWRITE_RETPOLINE_OTHER_FORM) },
	{ "retpoline: no RETPOLINE, jmp r11: register form accepted", RPL, 11,
	  NONE, 0, P_REG, 0 },
	{ "retpoline: ITS, lower half: refused (ITS thunk unknown)", RPL, 0,
	  { ITSF, -1, -1 }, 1, P_REG, E(REWRITE_RETPOLINE_FORBIDDEN) },
	{ "retpoline: ITS, upper half: register form accepted", RPL, 0,
	  { ITSF, -1, -1 }, 0, P_REG, 0 },
	{ "retpoline: ITS with RETPOLINE: thunk call accepted", RPL, 0,
	  { ITSF, RETP, -1 }, 1, P_ORIG, 0 },
	{ "retpoline: no words: thunk call accepted (old rule)", RPL, 0,
	  { NOWORDS, -1, -1 }, 0, P_ORIG, 0 },
	{ "retpoline: no words: register form accepted (old rule)", RPL, 0,
	  { NOWORDS, -1, -1 }, 0, P_REG, 0 },
	{ "retpoline: no words: lfence form accepted (old rule)", RPL, 0,
	  { NOWORDS, -1, -1 }, 0, P_LFENCE, 0 },
	{ "retpoline: no words: wrong register refused", RPL, 0,
	  { NOWORDS, -1, -1 }, 0, P_REG_BAD, E(REWRITE_RETPOLINE_FORBIDDEN) },
};

/* The retpoline forms patch_retpoline() writes for call rax / jmp r11. */
static void retp_form(__u8 *a, __u32 reg, int form)
{
	static const __u8 call_reg[5] = { 0xff, 0xd0, 0x0f, 0x1f, 0x00 };
	static const __u8 call_lf[5] = { 0x0f, 0xae, 0xe8, 0xff, 0xd0 };
	static const __u8 jmp_reg[5] = { 0x41, 0xff, 0xe3, 0xcc, 0x90 };

	if (form == P_LFENCE)
		memcpy(a, call_lf, 5);	/* call only: jmp r11 has no room */
	else if (form == P_REG || form == P_REG_BAD)
		memcpy(a, reg ? jmp_reg : call_reg, 5);
	if (form == P_REG_BAD)
		a[reg ? 2 : 1] ^= 1;
}

static void run_pinned(const struct pinc *c)
{
	static __u8 exp[0x1000], act[0x1000];
	struct heki_rw_fault fault = { NULL, 0 };
	struct heki_kinfo_ext *x = ext_of(SRSO_RT, RH);
	struct heki_rw_site site;
	struct heki_rw_ctx ctx;
	__u64 text = MOD_TEXT & ~0xfffULL, off = ALT_ORIG_OFF;
	__u32 i;
	__u8 *e, *a;
	int ret;

	ctx_today(&ctx);
	if (c->set[0] != NOWORDS) {
		x->ncapwords = NCAP;
		for (i = 0; i < 3; i++)
			if (c->set[i] >= 0)
				x->capwords[c->set[i] / 32] |= 1U << (c->set[i] % 32);
	}
	heki_rw_apply_kinfo(x, &ctx);
	ctx.ksym[HEKI_RW_KSYM_THUNK_RAX] = THUNK(0);
	ctx.ksym[HEKI_RW_KSYM_THUNK_R11] = THUNK(11);
	ctx.ksym_known |= 1ULL << HEKI_RW_KSYM_THUNK_RAX |
			  1ULL << HEKI_RW_KSYM_THUNK_R11;
	memset(exp, 0xcc, sizeof(exp));
	memset(&site, 0, sizeof(site));
	site.kind = c->kind;
	site.mem = HEKI_MODLAYOUT_TEXT;
	if (c->kind == ALT) {
		rel32(exp + off, 0xe8, text + off, KFN);
		exp[off + 5] = 0x90;
		memcpy(exp + ALT_REPL_OFF, "\x0f\xae\xe8", 3);
		site.len = 6;
		site.aux = c->cpuid;
		site.repl_mem = HEKI_MODLAYOUT_TEXT;
		site.repl_offset = ALT_REPL_OFF;
		site.repl_len = 3;
		site.repl_va = text + ALT_REPL_OFF;
	} else {
		off = c->lower ? 0x100 : 0x120;	/* reg byte at +1: 0x21 */
		rel32(exp + off, c->cpuid ? 0xe9 : 0xe8, text + off,
		      THUNK(c->cpuid));
		site.len = 5;
	}
	site.offset = off;
	site.va = text + off;
	memcpy(act, exp, sizeof(act));
	if (c->kind == ALT && (c->form == P_APPLIED || c->form == P_APPLIED_BAD))
		memcpy(act + off, "\x0f\xae\xe8\x0f\x1f\x00", 6);
	if (c->form == P_APPLIED_BAD)
		act[off + 4] ^= 0x10;
	if (c->kind == RPL)
		retp_form(act + off, c->cpuid, c->form);
	ctx.expected[HEKI_MODLAYOUT_TEXT] = exp;
	ctx.actual[HEKI_MODLAYOUT_TEXT] = act;
	e = malloc(site.len);
	a = malloc(site.len);
	memcpy(e, exp + off, site.len);
	memcpy(a, act + off, site.len);
	ret = heki_rw_check(&ctx, &site, e, a, &fault);
	result(ret == c->want, "pinned", c->name, ret, c->want);
	free(e);
	free(a);
}

static void test_pinned(void)
{
	__u32 i;

	for (i = 0; i < sizeof(pincs) / sizeof(pincs[0]); i++)
		run_pinned(&pincs[i]);
}

/*
 * heki_rw_alt_final(): which entry of an ALTERNATIVE_2 range decides it.
 * Sites: [0] entry 4 (feature A), [1] entry 5 (feature B) on one 6-byte
 * range, [2] a paravirt site on it, [3] entry 9 (feature A) on a longer
 * range: with it in the cluster only it spans.
 */
static void test_alt_final(void)
{
	static const struct {
		const char *name;
		int a, b, words, last;	/* features on, words sent, cluster end */
		int want;
	} c[] = {
		{ "ALTERNATIVE_2, only A on: entry A decides", 1, 0, 1, 2, 0 },
		{ "ALTERNATIVE_2, only B on: entry B decides", 0, 1, 1, 2, 1 },
		{ "ALTERNATIVE_2, both on: the later entry B decides", 1, 1, 1, 3, 1 },
		{ "ALTERNATIVE_2, none on: usual cluster walk (-1)", 0, 0, 1, 3, -1 },
		{ "no words: usual cluster walk (-1)", 1, 1, 0, 3, -1 },
		{ "entries shorter than the cluster ignored: the spanning one decides",
		  1, 1, 1, 4, 3 },
		{ "spanning entry off, shorter ones on: usual cluster walk (-1)",
		  0, 1, 1, 4, -1 },
	};
	struct heki_rw_site st[4];
	struct heki_rw_ctx ctx;
	__u32 words[NCAP], i;
	int got;

	memset(st, 0, sizeof(st));
	for (i = 0; i < 4; i++) {
		st[i].kind = i == 2 ? HEKI_RW_PARAVIRT : HEKI_RW_ALTERNATIVE;
		st[i].offset = 0x100;
		st[i].len = i == 3 ? 9 : 6;
		st[i].section = 7;
		st[i].entry = i == 3 ? 9 : 4 + i;
		st[i].aux = i == 1 ? FEAT + 1 : FEAT;
	}
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&ctx, 0, sizeof(ctx));
		memset(words, 0, sizeof(words));
		if (c[i].a)
			words[FEAT / 32] |= 1U << (FEAT % 32);
		if (c[i].b)
			words[(FEAT + 1) / 32] |= 1U << ((FEAT + 1) % 32);
		if (c[i].words) {
			ctx.capwords = words;
			ctx.ncapwords = NCAP;
		}
		/* [0, last) over [0x100, 0x106), or 0x109 with the long one */
		got = heki_rw_alt_final(&ctx, st, 0, c[i].last, 0x100,
					c[i].last == 4 ? 0x109 : 0x106);
		result(got == c[i].want, "alt_final", c[i].name, got, c[i].want);
	}
}

void test_kinfo_ext(void)
{
	test_parse();
	test_old_reader();
	test_exports_layout();
	test_rules();
	test_pinned();
	test_alt_final();
}

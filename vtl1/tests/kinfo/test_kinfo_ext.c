// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_kinfo_ext - host tests of vtl1/src/kinfo_ext.c and of the rewrite
 * rules it makes exact.
 *
 * Parser: table-driven KernelInfo blobs (32 bytes + extension + pv_ops
 * values + tail), each case one change to a valid blob and the exact
 * verdict: absent (0), present (1) or the KERNEL_INFO_EXT_* error. The
 * blob is an exact-size heap copy, so any read past it trips ASan.
 * Layout: linux_version -> enum heki_modlayout_kernel.
 * Rules: return sites, static call tails, paravirt sites and static call
 * targets, each with and without the extension (heki_kinfo_ext_apply()).
 *
 * Last line "N passed, N failed"; exit status 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "kinfo_ext.h"
#include "modlayout.h"
#include "rewrite.h"
#include "symtab.h"

static unsigned long passed, failed;

static void result(int ok, const char *group, const char *name,
		   long got, long want)
{
	if (ok) {
		passed++;
		printf("ok %s: %s\n", group, name);
	} else {
		failed++;
		printf("FAIL %s: %s: got %ld, want %ld\n", group, name, got,
		       want);
	}
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

/* A valid blob: ext of @size bytes (>= 72), NPV pv_ops values, no tail. */
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
	memcpy(b->b + 32, &x, sizeof(x));
	memset(b->b + 32 + sizeof(x), 0xa5, size - sizeof(x));
	for (i = 0; i < NPV; i++)
		put64(b->b + 32 + size + 8 * i, i == 3 ? 0 : PV_FN(i));
	b->len = 32 + size + 8 * NPV;
}

#define OFF(f) (32 + offsetof(struct heki_kernel_info_ext, f))

enum mut { M_NONE, M_LEN, M_U32, M_U64, M_PV };

/**
 * struct pcase - one parser case
 * @name: what it shows
 * @size: extension size in the valid blob (0: 72)
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
	{ "larger size (104): unknown tail skipped, values after it", 104,
	  M_NONE, 0, 0, 1 },
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

static void test_parse(void)
{
	struct heki_kinfo_ext *x = calloc(1, sizeof(*x));
	struct blob b;
	__u32 i, size;
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
		}
		copy = malloc(b.len ? b.len : 1);
		memcpy(copy, b.b, b.len);
		memset(x, 0x5a, sizeof(*x));
		ret = heki_kinfo_ext_parse(copy, b.len, x);
		if (ret == 1 && c->want == 1)
			ret = x->pv_ops_count == NPV && x->pv_ops[1] == PV_FN(1) &&
			      x->pv_ops[3] == 0 && x->text_start == TEXT_LO ? 1 : -1;
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
		{ 0x070000, HEKI_MODLAYOUT_LINUX_6_4 },
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

	result(heki_kinfo_ext_layout(NULL) == 0, "layout",
	       "no extension: 0 (the Linux 6.1 default)",
	       heki_kinfo_ext_layout(NULL), 0);
	for (i = 0; i < sizeof(lay) / sizeof(lay[0]); i++) {
		x->linux_version = lay[i].version;
		snprintf(name, sizeof(name), "linux_version 0x%06x", lay[i].version);
		result(heki_kinfo_ext_layout(x) == lay[i].want, "layout", name,
		       heki_kinfo_ext_layout(x), lay[i].want);
	}
	free(x);
}

/* ---- rules with and without the extension ------------------------------- */

static __u64 pv_values[NPV];

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
	{ "static call tail, no ext: jmp above _etext accepted (approximate text)",
	  HEKI_RW_STATIC_CALL, NOEXT, 0, 0, F_JMP, TEXT_HI + 0x800000, 0, 0 },
	{ "static call tail, ext: jmp above _etext refused (exact text)",
	  HEKI_RW_STATIC_CALL, SRSO_RT, RH, 0, F_JMP, TEXT_HI + 0x800000, 0,
	  E(REWRITE_STATIC_CALL_FORBIDDEN) },
	/* paravirt: slot values */
	{ "paravirt, no ext: call any kernel function accepted", HEKI_RW_PARAVIRT,
	  NOEXT, 0, 0, F_CALL, KFN, 2, 0 },
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
		heki_kinfo_ext_apply(ext_of(c->thunk, c->flags), &ctx);
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

int main(void)
{
	test_parse();
	test_old_reader();
	test_exports_layout();
	test_rules();
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_kallsyms.c - host tests of vtl1/src/kdata/kallsyms.c: the kernel's
 * function entries from its exports and its kallsyms tables.
 *
 * A small kallsyms image in the layout scripts/kallsyms.c writes (tokens
 * of one character each, so a name is its own token string) sits in one
 * KernelData region; each case makes one change and expects the exact
 * verdict. A valid image yields exactly the text symbols inside kernel
 * text ('T', 't', 'W', 'w'), without __pfx_ padding symbols, data
 * symbols or symbols at or past _etext; an address inside a function is
 * never an entry. The protection callback reports the bytes a case leaves
 * unprotected; every table's bytes must be checked. Allocation failure at
 * every allocation: NO_MEMORY and nothing leaked.
 */
#include "harness.h"
#include "kdata/kallsyms.h"
#include "kdata/kinfo_ext.h"

#define E(x) (-HEKI_VSM_ERR_##x)

/* The kernel: text [KT_LO, KT_HI); kernel data at KD_VA. */
#define KT_LO		0xffffffff81000000ULL
#define KT_HI		0xffffffff82000000ULL
#define KD_VA		0xffffffff82200000ULL
#define KD_LEN		0x4000ULL
/* Where each table sits in the kernel data (buffer offsets). */
#define O_NUM		0x0000ULL
#define O_OFFSETS	0x0100ULL
#define O_RBASE		0x0800ULL
#define O_NAMES		0x1000ULL
#define O_MARKERS	0x3000ULL
#define O_TINDEX	0x3100ULL
#define O_TTABLE	(KD_LEN - 512)	/* last: 256 tokens "c\0" */

/**
 * struct ksym - one symbol of the image
 * @name: type character, then the name
 * @va: its address
 */
struct ksym {
	const char *name;
	__u64 va;
};

/* Sorted by address, as scripts/kallsyms.c writes them. */
static const struct ksym syms[] = {
	{ "Tstartup_64", KT_LO },
	{ "t__pfx_foo", KT_LO + 0x10 },		/* padding, not an entry */
	{ "Tfoo", KT_LO + 0x20 },
	{ "dsome_data", KT_LO + 0x30 },		/* not text */
	{ "Wweak_fn", KT_LO + 0x40 },
	{ "tlocal_fn", KT_LO + 0x40 },		/* same entry twice */
	{ "rrodata_sym", KT_LO + 0x50 },
	{ "Tafter_etext", KT_HI },		/* past text */
};
#define NSYMS		(sizeof(syms) / sizeof(syms[0]))
/* startup_64, foo, weak_fn / local_fn */
#define NENTRIES	3U

static __u8 kd[KD_LEN];

static void put16(__u8 *p, __u16 v)
{
	memcpy(p, &v, 2);
}

static void put32(__u8 *p, __u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(__u8 *p, __u64 v)
{
	memcpy(p, &v, 8);
}

/* The valid image: format REL_ABS_PERCPU, relative base KT_LO. */
static void image(void)
{
	__u64 off = 0;
	__u32 i;

	memset(kd, 0, sizeof(kd));
	put32(kd + O_NUM, NSYMS);
	put64(kd + O_RBASE, KT_LO);
	for (i = 0; i < NSYMS; i++) {
		size_t len = strlen(syms[i].name);

		/* negative: relative_base - 1 - offset */
		put32(kd + O_OFFSETS + 4 * i,
		      (__u32)(__s32)-(__s64)(syms[i].va - KT_LO + 1));
		kd[O_NAMES + off] = (__u8)len;
		memcpy(kd + O_NAMES + off + 1, syms[i].name, len);
		off += 1 + len;
	}
	put32(kd + O_MARKERS, 0);
	for (i = 0; i < 256; i++) {
		kd[O_TTABLE + 2 * i] = (__u8)i;
		put16(kd + O_TINDEX + 2 * i, (__u16)(2 * i));
	}
}

static struct heki_kinfo_ext kext;
static struct heki_symtab_region region = { KD_VA, KD_LEN };
/* Buffer bytes [unprot_lo, unprot_hi) are not protected read-only. */
static __u64 unprot_lo, unprot_hi;

static int prot(void *arg, __u64 va, __u64 len)
{
	__u64 lo = va - KD_VA;

	(void)arg;
	return lo < unprot_hi && lo + len > unprot_lo ?
	       E(KALLSYMS_NOT_PROTECTED) : 0;
}

static void ext(__u32 fmt)
{
	static const __u64 at[HEKI_KINFO_KALLSYMS_NR] = {
		O_NUM, O_OFFSETS, O_RBASE, O_NAMES, O_MARKERS, O_TTABLE,
		O_TINDEX,
	};
	__u32 i;

	memset(&kext, 0, sizeof(kext));
	kext.text_start = KT_LO;
	kext.text_end = KT_HI;
	kext.kallsyms_format = fmt;
	for (i = 0; i < HEKI_KINFO_KALLSYMS_NR; i++)
		kext.kallsyms[i] = KD_VA + at[i];
}

static struct heki_kfuncs_src src(void)
{
	struct heki_kfuncs_src s = {
		.buf = kd, .len = KD_LEN, .regions = &region, .nregions = 1,
		.text_start = KT_LO, .text_end = KT_HI, .kext = &kext,
		.prot = prot,
	};

	return s;
}

enum mut {
	M_NONE,		/* the valid image */
	M_U8,		/* byte at @off = @val */
	M_U16,
	M_U32,
	M_VA,		/* kallsyms table VA @off = @val */
	M_UNPROT,	/* bytes [@off, @off + @val) unprotected */
};

/**
 * struct kcase - one case
 * @name: what it shows
 * @mut: the change
 * @off: where (buffer offset, or table index for M_VA)
 * @val: the new value
 * @want: 0 or the exact error
 */
struct kcase {
	const char *name;
	int mut;
	__u64 off;
	__u64 val;
	int want;
};

/* Offset of the names' byte that holds symbol 1's length. */
#define NAME1		(O_NAMES + 1 + 11)

static const struct kcase kcases[] = {
	{ "valid image", M_NONE, 0, 0, 0 },
	{ "num_syms 0", M_U32, O_NUM, 0, E(KALLSYMS_COUNT_INVALID) },
	{ "num_syms above the maximum", M_U32, O_NUM,
	  HEKI_KALLSYMS_MAX_SYMS + 1, E(KALLSYMS_COUNT_INVALID) },
	{ "num_syms 0xffffffff", M_U32, O_NUM, 0xffffffffU,
	  E(KALLSYMS_COUNT_INVALID) },
	{ "num_syms VA outside the kernel data", M_VA,
	  HEKI_KINFO_KALLSYMS_NUM_SYMS, KD_VA + KD_LEN, E(KALLSYMS_UNMAPPED) },
	{ "num_syms VA 2 bytes before the data's end", M_VA,
	  HEKI_KINFO_KALLSYMS_NUM_SYMS, KD_VA + KD_LEN - 2,
	  E(KALLSYMS_UNMAPPED) },
	{ "offsets run past the kernel data", M_VA,
	  HEKI_KINFO_KALLSYMS_OFFSETS, KD_VA + KD_LEN - 4 * NSYMS + 4,
	  E(KALLSYMS_UNMAPPED) },
	{ "names VA below the kernel data", M_VA, HEKI_KINFO_KALLSYMS_NAMES,
	  KD_VA - 1, E(KALLSYMS_UNMAPPED) },
	{ "num_syms unprotected", M_UNPROT, O_NUM, 4,
	  E(KALLSYMS_NOT_PROTECTED) },
	{ "last offset unprotected", M_UNPROT, O_OFFSETS + 4 * (NSYMS - 1), 4,
	  E(KALLSYMS_NOT_PROTECTED) },
	{ "relative base unprotected", M_UNPROT, O_RBASE + 7, 1,
	  E(KALLSYMS_NOT_PROTECTED) },
	{ "markers unprotected", M_UNPROT, O_MARKERS, 4,
	  E(KALLSYMS_NOT_PROTECTED) },
	{ "token index unprotected", M_UNPROT, O_TINDEX + 510, 2,
	  E(KALLSYMS_NOT_PROTECTED) },
	{ "last token unprotected", M_UNPROT, KD_LEN - 1, 1,
	  E(KALLSYMS_NOT_PROTECTED) },
	{ "last byte of the names unprotected", M_UNPROT,
	  NAME1 + 70 /* inside the names, past symbol 1 */, 1,
	  E(KALLSYMS_NOT_PROTECTED) },
	{ "byte after the names unprotected: not read", M_UNPROT,
	  O_NAMES + 0x400, 0x100, 0 },
	{ "token index past the token table", M_U16, O_TINDEX + 2 * 'T',
	  512, E(KALLSYMS_TOKENS_INVALID) },
	{ "last token without its NUL", M_U8, KD_LEN - 1, 'x',
	  E(KALLSYMS_TOKENS_INVALID) },
	{ "name length 0", M_U8, NAME1, 0, E(KALLSYMS_NAMES_INVALID) },
	{ "name length past the kernel data", M_U16, NAME1, 0xffff,
	  E(KALLSYMS_NAMES_INVALID) },
	{ "marker 0 not at the first name", M_U32, O_MARKERS, 1,
	  E(KALLSYMS_NAMES_INVALID) },
	{ "addresses out of order", M_U32, O_OFFSETS + 4 * 2,
	  (__u32)(__s32)-(0x5 + 1), E(KALLSYMS_UNSORTED) },
	{ "num_syms larger than the names", M_U32, O_NUM, 300,
	  E(KALLSYMS_NAMES_INVALID) },
};

/* Is every entry the valid image names known, and nothing else? */
static int entries_ok(const struct heki_kfuncs *kf)
{
	static const __u64 no[] = {
		KT_LO + 0x10, KT_LO + 0x21, KT_LO + 0x30, KT_LO + 0x50, KT_HI,
		KT_LO + 1, 0,
	};
	size_t i;

	if (kf->n != NENTRIES || kf->nkallsyms != NENTRIES ||
	    kf->nsyms != NSYMS)
		return 0;
	if (!heki_kfuncs_has(kf, KT_LO) || !heki_kfuncs_has(kf, KT_LO + 0x20) ||
	    !heki_kfuncs_has(kf, KT_LO + 0x40))
		return 0;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (heki_kfuncs_has(kf, no[i]))
			return 0;
	return 1;
}

static void run(const struct kcase *c)
{
	struct heki_kfuncs kf;
	struct heki_kfuncs_src s;
	int ret;

	image();
	ext(HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU);
	unprot_lo = unprot_hi = 0;
	switch (c->mut) {
	case M_U8:
		kd[c->off] = (__u8)c->val;
		break;
	case M_U16:
		put16(kd + c->off, (__u16)c->val);
		break;
	case M_U32:
		put32(kd + c->off, (__u32)c->val);
		break;
	case M_VA:
		kext.kallsyms[c->off] = c->val;
		break;
	case M_UNPROT:
		unprot_lo = c->off;
		unprot_hi = c->off + c->val;
		break;
	}
	s = src();
	memset(&kf, 0, sizeof(kf));
	ret = heki_kfuncs_build(&kf, &t_platform, &s);
	if (!ret && !c->want && !entries_ok(&kf))
		ret = 1;
	check_group(ret == c->want, "kallsyms", c->name,
		    "got %d (%s), want %d (%s)", ret, check_err_name(ret),
		    c->want, check_err_name(c->want));
	if (!ret)
		heki_kfuncs_free(&kf, &t_platform);
}

/* The relative format: relative_base + (u32)offset. */
static void test_relative(void)
{
	struct heki_kfuncs kf;
	struct heki_kfuncs_src s;
	__u32 i;
	int ret;

	image();
	ext(HEKI_KALLSYMS_FORMAT_REL);
	for (i = 0; i < NSYMS; i++)
		put32(kd + O_OFFSETS + 4 * i, (__u32)(syms[i].va - KT_LO));
	s = src();
	ret = heki_kfuncs_build(&kf, &t_platform, &s);
	check_group(!ret && entries_ok(&kf), "kallsyms",
		    "relative format: the same entries", "got %d (%s)", ret,
		    check_err_name(ret));
	if (!ret)
		heki_kfuncs_free(&kf, &t_platform);
}

/* No kallsyms tables: the exports inside text alone (here none). */
static void test_no_kallsyms(void)
{
	struct heki_kfuncs kf;
	struct heki_kfuncs_src s;
	int ret;

	image();
	ext(HEKI_KALLSYMS_FORMAT_NONE);
	s = src();
	ret = heki_kfuncs_build(&kf, &t_platform, &s);
	check_group(!ret && kf.n == 0 && kf.nsyms == 0 &&
		    !heki_kfuncs_has(&kf, KT_LO), "kallsyms",
		    "no tables: no kernel function entry known", "got %d (%s)",
		    ret, check_err_name(ret));
	if (!ret)
		heki_kfuncs_free(&kf, &t_platform);
	check_group(!heki_kfuncs_has(NULL, KT_LO), "kallsyms",
		    "NULL set: nothing known", "%s", "known");
}

/* Allocation failure at each allocation: NO_MEMORY, nothing kept. */
static void test_alloc_fail(void)
{
	struct heki_kfuncs kf;
	struct heki_kfuncs_src s;
	int n, ret, ok = 1;
	long live = t_alloc_live;

	for (n = 1; n < 16; n++) {
		image();
		ext(HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU);
		s = src();
		t_alloc_fail_at = n;
		ret = heki_kfuncs_build(&kf, &t_platform, &s);
		t_alloc_fail_at = 0;
		if (!ret) {
			ok &= entries_ok(&kf);
			heki_kfuncs_free(&kf, &t_platform);
			break;
		}
		ok &= ret == E(NO_MEMORY) && t_alloc_live == live;
	}
	check_group(ok && n > 1 && n < 16 && t_alloc_live == live, "kallsyms",
		    "allocation failure at each point: NO_MEMORY, nothing kept",
		    "stopped at %d", n);
}

void test_kallsyms(void)
{
	size_t i;

	for (i = 0; i < sizeof(kcases) / sizeof(kcases[0]); i++)
		run(&kcases[i]);
	test_relative();
	test_no_kallsyms();
	test_alloc_fail();
}

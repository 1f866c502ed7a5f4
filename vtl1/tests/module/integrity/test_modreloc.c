// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki_modreloc_* tests: symbol values and every relocation type of the
 * standard module against hand-computed bytes, then each refusal on its
 * own (one mutation per case).
 */
#include <string.h>

#include "harness.h"

#define G "modreloc"
#define E(x) (-HEKI_VSM_ERR_##x)

#define TEXT_VA		STD_CORE_VA
#define DATA_VA		(STD_CORE_VA + 0x2000)
#define INIT_TEXT_VA	STD_INIT_VA

static __u32 rd32(const __u8 *p)
{
	__u32 v;

	memcpy(&v, p, 4);
	return v;
}

static __u64 rd64(const __u8 *p)
{
	__u64 v;

	memcpy(&v, p, 8);
	return v;
}

static int relocate(struct std_ctx *c, __u32 target, __u8 *buf, __u64 len,
		    struct heki_modreloc_fault *f)
{
	int ret;

	ret = heki_modreloc_symbols(&c->env, c->syms, 64, f);
	if (ret)
		return ret;
	ret = heki_modreloc_load_section(&c->elf, target, buf, len);
	if (ret)
		return ret;
	return heki_modreloc_apply(&c->env, c->syms, 64, target, buf, len, f);
}

static void test_symbols(void)
{
	static struct eb_img img;
	struct std_ctx c;
	int ret;

	std_build(&img);
	ret = std_prepare(&c, &img);
	if (!ret)
		ret = heki_modreloc_symbols(&c.env, c.syms, 64, NULL);
	check_group_err(G, "standard symbols resolve", ret, 0);
	if (ret)
		return;
	t_expect_u64(G, "local_var = .data VA + 8", c.syms[SYM_LOCAL_VAR].value,
		     DATA_VA + 8);
	t_expect_u64(G, "pcpu_var = percpu base + 4",
		     c.syms[SYM_PCPU_VAR].value, STD_PERCPU_VA + 4);
	t_expect_u64(G, "ext_fn = export", c.syms[SYM_EXT_FN].value,
		     STD_EXT_FN_VA);
	t_expect_u64(G, "unresolved weak stays 0", c.syms[SYM_WEAK_FN].value, 0);
	t_expect_u64(G, "init_fn = .init.text VA + 2",
		     c.syms[SYM_INIT_FN].value, INIT_TEXT_VA + 2);
	t_expect_u64(G, "abs symbol unchanged", c.syms[SYM_ABS_SYM].value,
		     0x1234);
	t_expect_u64(G, "symbol in .modinfo is not loaded",
		     c.syms[SYM_INFO_SYM].state, HEKI_MODRELOC_SYM_UNLOADED);
}

static void test_apply_std(void)
{
	static struct eb_img img;
	struct heki_modreloc_fault f;
	struct std_ctx c;
	__u8 text[32], data[16];
	int ret;

	std_build(&img);
	ret = std_prepare(&c, &img);
	if (!ret)
		ret = relocate(&c, STD_TEXT, text, sizeof(text), &f);
	check_group_err(G, ".text relocates", ret, 0);
	if (ret)
		return;
	t_expect_u64(G, "PLT32 call ext_fn", rd32(text + 1),
		     (__u32)(STD_EXT_FN_VA - 4 - (TEXT_VA + 1)));
	t_expect_u64(G, "R_X86_64_64 local_var", rd64(text + 8), DATA_VA + 8);
	t_expect_u64(G, "PC32 section + 0x20", rd32(text + 16), 0x10);
	t_expect_u64(G, "32S per-CPU", rd32(text + 20), STD_PERCPU_VA + 4);
	t_expect_u64(G, "NONE writes nothing", text[24], 0x90);
	t_expect_u64(G, "opcode byte untouched", text[0], 0xe8);

	ret = relocate(&c, STD_DATA, data, sizeof(data), &f);
	check_group_err(G, ".data relocates", ret, 0);
	t_expect_u64(G, "R_X86_64_64 init_fn", rd64(data), INIT_TEXT_VA + 2);
	t_expect_u64(G, "PC64 local_var + 0x100", rd64(data + 8),
		     DATA_VA + 8 + 0x100 - (DATA_VA + 8));
}

/* One relocation entry rewritten, then the target relocated. */
struct rcase {
	const char *name;
	__u32 sec;		/* RELA section */
	__u32 entry;
	__s64 off;		/* -1: keep */
	__s64 type;		/* -1: keep */
	__s64 sym;		/* -1: keep */
	__s64 addend;		/* only if set_addend */
	int set_addend;
	int want;
	__u64 want_entry;
};

static const struct rcase rcases[] = {
	{ "unknown type GOTPCREL (9) refused", STD_RELA_TEXT, 1, -1, 9, -1, 0,
	  0, E(MODRELOC_UNKNOWN_TYPE), 1 },
	{ "unknown type 0xffffffff refused", STD_RELA_TEXT, 0, -1, 0xffffffff,
	  -1, 0, 0, E(MODRELOC_UNKNOWN_TYPE), 0 },
	{ "R_X86_64_8 (14) refused", STD_RELA_TEXT, 4, -1, 14, -1, 0, 0,
	  E(MODRELOC_UNKNOWN_TYPE), 4 },
	{ "64 site past the section end refused", STD_RELA_TEXT, 1, 25, -1,
	  -1, 0, 0, E(MODRELOC_OFFSET_OUT_OF_BOUNDS), 1 },
	{ "PC32 site at the last 3 bytes refused", STD_RELA_TEXT, 2, 29, -1,
	  -1, 0, 0, E(MODRELOC_OFFSET_OUT_OF_BOUNDS), 2 },
	{ "r_offset 2^64 - 2 (wraps) refused", STD_RELA_TEXT, 0, -2, -1, -1,
	  0, 0, E(MODRELOC_OFFSET_OUT_OF_BOUNDS), 0 },
	{ "NONE past the section end is ignored", STD_RELA_TEXT, 4, 4096, -1,
	  -1, 0, 0, 0, 0 },
	{ "symbol index = nsyms refused", STD_RELA_TEXT, 1, -1, -1, STD_NSYMS,
	  0, 0, E(MODRELOC_SYMBOL_INDEX), 1 },
	{ "symbol index 0xffffffff on NONE refused", STD_RELA_TEXT, 4, -1, -1,
	  0xffffffff, 0, 0, E(MODRELOC_SYMBOL_INDEX), 4 },
	{ "site already non-zero refused", STD_RELA_TEXT, 1, 0, -1, -1, 0, 0,
	  E(MODRELOC_SITE_NONZERO), 1 },
	{ "two relocations at one site refused", STD_RELA_TEXT, 2, 8, 1, -1,
	  0, 0, E(MODRELOC_SITE_NONZERO), 2 },
	{ "R_X86_64_32 of a kernel address overflows", STD_RELA_TEXT, 1, -1,
	  HEKI_R_X86_64_32, -1, 0, 0, E(MODRELOC_OVERFLOW), 1 },
	{ "R_X86_64_32 of a small value fits", STD_RELA_TEXT, 3, -1,
	  HEKI_R_X86_64_32, -1, 0, 0, 0, 0 },
	{ "32S of 0x80000000 overflows", STD_RELA_TEXT, 3, -1, -1,
	  SYM_ABS_SYM, 0x80000000LL - 0x1234, 1, E(MODRELOC_OVERFLOW), 3 },
	{ "32S of -2^31 fits", STD_RELA_TEXT, 3, -1, -1, SYM_ABS_SYM,
	  -0x80000000LL - 0x1234, 1, 0, 0 },
	{ "PC32 far target truncates like 6.1", STD_RELA_TEXT, 2, -1, -1,
	  SYM_ABS_SYM, 0, 1, 0, 0 },
	{ "symbol in a non-loaded section refused", STD_RELA_TEXT, 1, -1, -1,
	  SYM_INFO_SYM, 0, 0, E(MODRELOC_SYMBOL_NOT_LOADED), 1 },
	{ "unresolved weak symbol relocates to 0 + A", STD_RELA_TEXT, 1, -1,
	  -1, SYM_WEAK_FN, 0, 0, 0, 0 },
};

static void test_apply_table(void)
{
	static struct eb_img img;
	struct heki_modreloc_fault f;
	struct std_ctx c;
	__u8 buf[32];
	__u64 e, info;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(rcases); i++) {
		const struct rcase *rc = &rcases[i];
		__u32 type, sym;

		std_build(&img);
		e = std_rela(&img, rc->sec, rc->entry);
		memcpy(&info, img.buf + e + 8, 8);
		type = (__u32)info;
		sym = (__u32)(info >> 32);
		if (rc->off == -2)
			eb_put64(&img, e, ~0ULL - 1);
		else if (rc->off >= 0)
			eb_put64(&img, e, (__u64)rc->off);
		if (rc->type >= 0)
			type = (__u32)rc->type;
		if (rc->sym >= 0)
			sym = (__u32)rc->sym;
		eb_put64(&img, e + 8, ((__u64)sym << 32) | type);
		if (rc->set_addend)
			eb_put64(&img, e + 16, (__u64)rc->addend);
		ret = std_prepare(&c, &img);
		if (!ret)
			ret = relocate(&c, STD_TEXT, buf, sizeof(buf), &f);
		check_group_err(G, rc->name, ret, rc->want);
		if (rc->want)
			check_group(f.rela == rc->sec && f.entry == rc->want_entry,
				 G, rc->name, "fault at section %u entry %llu",
				 f.rela, f.entry);
	}
}

static int resolve_none(void *ctx, const char *name, __u64 *addr)
{
	(void)ctx;
	(void)name;
	(void)addr;
	return -HEKI_VSM_ERR_MODRELOC_SYMBOL_UNRESOLVED;
}

static int resolve_fail(void *ctx, const char *name, __u64 *addr)
{
	(void)ctx;
	(void)name;
	(void)addr;
	return -HEKI_VSM_ERR_VTL0_COPY_FAILED;
}

/* Symbol-table level refusals. */
static void test_symbol_refusals(void)
{
	static struct eb_img img;
	struct heki_modreloc_fault f;
	struct std_ctx c;
	__u16 shndx;
	int ret;

	std_build(&img);
	std_prepare(&c, &img);
	c.env.resolve = resolve_none;
	ret = heki_modreloc_symbols(&c.env, c.syms, 64, &f);
	check_group_err(G, "unknown non-weak export refused", ret,
		     E(MODRELOC_SYMBOL_UNRESOLVED));
	t_expect_u64(G, "fault names the symbol", f.sym, SYM_EXT_FN);

	c.env.resolve = resolve_fail;
	check_group_err(G, "resolver error propagates",
		     heki_modreloc_symbols(&c.env, c.syms, 64, &f),
		     E(VTL0_COPY_FAILED));
	c.env.resolve = NULL;
	check_group_err(G, "no resolver refuses exports",
		     heki_modreloc_symbols(&c.env, c.syms, 64, &f),
		     E(MODRELOC_SYMBOL_UNRESOLVED));
	c.env.resolve = std_resolve;
	c.env.has_percpu = 0;
	check_group_err(G, "per-CPU symbol without a base refused",
		     heki_modreloc_symbols(&c.env, c.syms, 64, &f),
		     E(MODRELOC_NO_PERCPU));
	c.env.has_percpu = 1;
	check_group_err(G, "symbol array too small refused",
		     heki_modreloc_symbols(&c.env, c.syms, STD_NSYMS - 1, &f),
		     E(MODRELOC_NO_ROOM));

	shndx = HEKI_SHN_COMMON;
	eb_put16(&img, std_sym(&img, SYM_LOCAL_VAR) + 6, shndx);
	std_prepare(&c, &img);
	check_group_err(G, "SHN_COMMON symbol refused",
		     heki_modreloc_symbols(&c.env, c.syms, 64, &f),
		     E(MODRELOC_SYMBOL_COMMON));
	eb_put16(&img, std_sym(&img, SYM_LOCAL_VAR) + 6, HEKI_SHN_LIVEPATCH);
	std_prepare(&c, &img);
	check_group_err(G, "SHN_LIVEPATCH symbol refused",
		     heki_modreloc_symbols(&c.env, c.syms, 64, &f),
		     E(MODRELOC_LIVEPATCH));
	eb_put16(&img, std_sym(&img, SYM_LOCAL_VAR) + 6, STD_NSECS);
	std_prepare(&c, &img);
	check_group_err(G, "symbol section index = e_shnum refused",
		     heki_modreloc_symbols(&c.env, c.syms, 64, &f),
		     E(MODRELOC_SYMBOL_SECTION));
	eb_put16(&img, std_sym(&img, SYM_LOCAL_VAR) + 6, HEKI_SHN_XINDEX);
	std_prepare(&c, &img);
	check_group_err(G, "symbol section SHN_XINDEX refused",
		     heki_modreloc_symbols(&c.env, c.syms, 64, &f),
		     E(MODRELOC_SYMBOL_SECTION));
	std_build(&img);
	eb_put32(&img, std_sym(&img, SYM_EXT_FN), 0x7fffffff);
	std_prepare(&c, &img);
	check_group_err(G, "export name offset out of range refused",
		     heki_modreloc_symbols(&c.env, c.syms, 64, &f),
		     E(ELF_SYMBOL_NAME));
	std_build(&img);
	eb_put32(&img, std_sym(&img, SYM_LOCAL_VAR), 0x7fffffff);
	check_group_err(G, "core symbol name out of range refused by layout",
		     std_prepare(&c, &img), E(ELF_SYMBOL_NAME));
}

/* Section-level refusals of heki_modreloc_apply(). */
static void test_section_refusals(void)
{
	static struct eb_img img;
	struct heki_modreloc_fault f;
	struct std_ctx c;
	__u8 buf[64];
	int ret;

	std_build(&img);
	std_prepare(&c, &img);
	heki_modreloc_symbols(&c.env, c.syms, 64, &f);
	check_group_err(G, "buffer shorter than the section refused",
		     heki_modreloc_apply(&c.env, c.syms, 64, STD_TEXT, buf, 31,
					 &f), E(MODRELOC_BUFFER_SIZE));
	check_group_err(G, "NULL buffer refused",
		     heki_modreloc_apply(&c.env, c.syms, 64, STD_TEXT, NULL,
					 32, &f), E(MODRELOC_BUFFER_SIZE));
	check_group_err(G, "load_section size mismatch refused",
		     heki_modreloc_load_section(&c.elf, STD_TEXT, buf, 33),
		     E(MODRELOC_BUFFER_SIZE));
	check_group_err(G, "target not in module memory refused",
		     heki_modreloc_apply(&c.env, c.syms, 64, STD_MODINFO, buf,
					 8, &f), E(MODLAYOUT_NOT_LOADED));
	check_group_err(G, "target index out of range refused",
		     heki_modreloc_apply(&c.env, c.syms, 64, 500, buf, 8, &f),
		     E(ELF_SECTION_INDEX));
	check_group_err(G, "symbol array too small refused on apply",
		     heki_modreloc_apply(&c.env, c.syms, 3, STD_TEXT, buf, 32,
					 &f), E(MODRELOC_NO_ROOM));
	ret = heki_modreloc_load_section(&c.elf, STD_BSS, buf, 32);
	check_group(!ret && buf[0] == 0 && buf[31] == 0, G,
		 "NOBITS loads as zeros", "ret %d", ret);

	std_build(&img);
	eb_put32(&img, eb_shdr(&img, STD_RELA_TEXT, SH_TYPE), HEKI_SHT_REL);
	std_prepare(&c, &img);
	check_group_err(G, "SHT_REL for a loaded section refused",
		     relocate(&c, STD_TEXT, buf, 32, &f),
		     E(MODRELOC_REL_UNSUPPORTED));
	std_build(&img);
	eb_put64(&img, eb_shdr(&img, STD_RELA_TEXT, SH_FLAGS),
		 0x40 | HEKI_SHF_RELA_LIVEPATCH);
	std_prepare(&c, &img);
	check_group_err(G, "livepatch relocation section refused",
		     relocate(&c, STD_TEXT, buf, 32, &f),
		     E(MODRELOC_LIVEPATCH));
	std_build(&img);
	eb_put64(&img, eb_shdr(&img, STD_RELA_TEXT, SH_ENTSIZE), 0);
	std_prepare(&c, &img);
	check_group_err(G, "RELA entsize 0 refused",
		     relocate(&c, STD_TEXT, buf, 32, &f), E(ELF_BAD_RELA));
	std_build(&img);
	eb_put32(&img, eb_shdr(&img, STD_RELA_TEXT, SH_LINK), STD_STRTAB);
	std_prepare(&c, &img);
	check_group_err(G, "RELA linked to another table refused",
		     relocate(&c, STD_TEXT, buf, 32, &f), E(ELF_BAD_RELA));
	std_build(&img);
	eb_put32(&img, eb_shdr(&img, STD_RELA_TEXT, SH_INFO), STD_MODINFO);
	std_prepare(&c, &img);
	ret = relocate(&c, STD_TEXT, buf, 32, &f);
	check_group(!ret && rd32(buf + 1) == 0, G,
		 "RELA for a non-loaded section is not applied", "ret %d",
		 ret);
}

static int all_zero(const __u8 *p, __u64 n)
{
	__u64 i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* heki_modreloc_build_mem(): whole memory types of the standard module. */
static void test_build_mem(void)
{
	static struct eb_img img;
	static __u8 mem[0x2000];
	struct heki_modreloc_fault f;
	struct std_ctx c;
	__u8 text[32], data[16];
	int ret;

	std_build(&img);
	ret = std_prepare(&c, &img);
	if (!ret)
		ret = relocate(&c, STD_TEXT, text, sizeof(text), &f);
	if (!ret)
		ret = relocate(&c, STD_DATA, data, sizeof(data), &f);
	if (!ret)
		ret = heki_modreloc_build_mem(&c.env, c.syms, 64,
					      HEKI_MODLAYOUT_TEXT, mem, 0x1000,
					      &f);
	check_group_err(G, "build text", ret, 0);
	check_group(!ret && !memcmp(mem, text, 32) && all_zero(mem + 32, 0x1000 - 32),
		 G, "text = relocated .text + zero padding", "mismatch");
	ret = heki_modreloc_build_mem(&c.env, c.syms, 64, HEKI_MODLAYOUT_DATA,
				      mem, 0x2000, &f);
	check_group(!ret && !memcmp(mem, data, 16) && all_zero(mem + 16, 0x2000 - 16),
		 G, "data = relocated .data, zero this_module/.bss/tail",
		 "ret %d", ret);
	check_group_err(G, "build empty ro_after_init",
		     heki_modreloc_build_mem(&c.env, c.syms, 64,
					     HEKI_MODLAYOUT_RO_AFTER_INIT, NULL,
					     0, &f), 0);
	check_group_err(G, "build with a short buffer refused",
		     heki_modreloc_build_mem(&c.env, c.syms, 64,
					     HEKI_MODLAYOUT_TEXT, mem, 0xfff,
					     &f), E(MODRELOC_BUFFER_SIZE));
	check_group_err(G, "build with a NULL buffer refused",
		     heki_modreloc_build_mem(&c.env, c.syms, 64,
					     HEKI_MODLAYOUT_TEXT, NULL, 0x1000,
					     &f), E(MODRELOC_BUFFER_SIZE));
	check_group_err(G, "build of memory type 7 refused",
		     heki_modreloc_build_mem(&c.env, c.syms, 64,
					     HEKI_MODLAYOUT_NR_MEM, mem, 0x1000,
					     &f), E(MODLAYOUT_NOT_LOADED));
	eb_put64(&img, std_rela(&img, STD_RELA_TEXT, 1) + 8,
		 ((__u64)SYM_LOCAL_VAR << 32) | 9);
	std_prepare(&c, &img);
	heki_modreloc_symbols(&c.env, c.syms, 64, &f);
	ret = heki_modreloc_build_mem(&c.env, c.syms, 64, HEKI_MODLAYOUT_TEXT,
				      mem, 0x1000, &f);
	check_group_err(G, "build reports a bad relocation", ret,
		     E(MODRELOC_UNKNOWN_TYPE));
	check_group(f.rela == STD_RELA_TEXT && f.entry == 1, G,
		 "build fault names the entry", "section %u entry %llu",
		 f.rela, f.entry);
}

void test_modreloc(void)
{
	test_build_mem();
	test_symbols();
	test_apply_std();
	test_apply_table();
	test_symbol_refusals();
	test_section_refusals();
}

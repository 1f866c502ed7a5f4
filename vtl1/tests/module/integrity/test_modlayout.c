// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki_modlayout_compute() and heki_modlayout_check_mem() tests on the
 * standard synthetic module: every placement worked out by hand from the
 * Linux 6.1 rules and again from the 6.4+ mod->mem[] rules, then each
 * refusal on its own, for both kernels.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define G "modlayout"
#define E(x) (-HEKI_VSM_ERR_##x)

struct want_sect {
	__u32 idx;
	__u8 mem;
	__u64 offset;
};

/*
 * Core: .text @0 (text 0x1000); .rodata @0x1000 (ro 0x2000; .modinfo lost
 * ALLOC); no ro_after_init (0x2000); .data @0x2000, this_module @0x2040,
 * .bss @0x2080 -> 0x20a0, page -> 0x3000; kallsyms tail @0x3000: 3 symbols
 * (null, local_var, pcpu_var) = 72 + strings 1+10+9 + 3 types = 0x5f ->
 * 0x4000. Init: .init.text @0 -> 0x1000; .symtab @0x1000 (216) -> 0x10d8;
 * .strtab @0x10d8 (size 1 + 10+9+7+8+8+9+8 = 0x3c) -> 0x1114; mod_kallsyms
 * @ALIGN(0x1114, 8) = 0x1118, + 32 + 9 type bytes.
 */
static const struct want_sect std_want[] = {
	{ STD_TEXT, HEKI_MODLAYOUT_TEXT, 0 },
	{ STD_RODATA, HEKI_MODLAYOUT_RODATA, 0 },
	{ STD_DATA, HEKI_MODLAYOUT_DATA, 0 },
	{ STD_THIS_MODULE, HEKI_MODLAYOUT_DATA, 0x40 },
	{ STD_BSS, HEKI_MODLAYOUT_DATA, 0x80 },
	{ STD_INIT_TEXT, HEKI_MODLAYOUT_INIT_TEXT, 0 },
	{ STD_SYMTAB, HEKI_MODLAYOUT_INIT_DATA, 0 },
	{ STD_STRTAB, HEKI_MODLAYOUT_INIT_DATA, 0xd8 },
	{ STD_PERCPU, HEKI_MODLAYOUT_MEM_NONE, 0 },
	{ STD_MODINFO, HEKI_MODLAYOUT_MEM_NONE, 0 },
	{ STD_RELA_TEXT, HEKI_MODLAYOUT_MEM_NONE, 0 },
	{ STD_SHSTRTAB, HEKI_MODLAYOUT_MEM_NONE, 0 },
};

struct want_region {
	__u8 mem;
	__u32 alloc;
	__u64 base;
	__u64 size;
};

static const struct want_region std_regions[] = {
	{ HEKI_MODLAYOUT_TEXT, 0, 0, 0x1000 },
	{ HEKI_MODLAYOUT_RODATA, 0, 0x1000, 0x1000 },
	{ HEKI_MODLAYOUT_RO_AFTER_INIT, 0, 0x2000, 0 },
	{ HEKI_MODLAYOUT_DATA, 0, 0x2000, 0x2000 },
	{ HEKI_MODLAYOUT_INIT_TEXT, 1, 0, 0x1000 },
	{ HEKI_MODLAYOUT_INIT_RODATA, 1, 0x1000, 0 },
	{ HEKI_MODLAYOUT_INIT_DATA, 1, 0x1000, 0x1000 },
};

static void test_std_layout(void)
{
	static struct eb_img img;
	struct std_ctx c;
	char name[96];
	unsigned int i;
	int ret;

	std_build(&img);
	ret = std_prepare(&c, &img);
	check_group_err(G, "standard module lays out", ret, 0);
	if (ret)
		return;
	for (i = 0; i < ARRAY_SIZE(std_want); i++) {
		const struct heki_modlayout_sect *s = &c.sects[std_want[i].idx];

		snprintf(name, sizeof(name), "section %u placement",
			 std_want[i].idx);
		check_group(s->mem == std_want[i].mem &&
			 (s->mem == HEKI_MODLAYOUT_MEM_NONE ||
			  s->offset == std_want[i].offset), G, name,
			 "mem %u offset %#llx, want mem %u offset %#llx",
			 s->mem, s->offset, std_want[i].mem, std_want[i].offset);
	}
	for (i = 0; i < ARRAY_SIZE(std_regions); i++) {
		const struct heki_modlayout_region *r =
			&c.lay.mem[std_regions[i].mem];

		snprintf(name, sizeof(name), "region %u", std_regions[i].mem);
		check_group(r->alloc == std_regions[i].alloc &&
			 r->base == std_regions[i].base &&
			 r->size == std_regions[i].size, G, name,
			 "alloc %u base %#llx size %#llx", r->alloc, r->base,
			 r->size);
	}
	t_expect_u64(G, "core size", c.lay.alloc_size[0], 0x4000);
	t_expect_u64(G, "init size", c.lay.alloc_size[1], 0x2000);
	t_expect_u64(G, "kallsyms tail offset in data", c.lay.kallsyms_off,
		     0x1000);
	t_expect_u64(G, "kallsyms tail size", c.lay.kallsyms_size, 0x5f);
	t_expect_u64(G, "init mod_kallsyms offset", c.lay.init_kallsyms_off,
		     0x118);
	t_expect_u64(G, "init mod_kallsyms + types size",
		     c.lay.init_kallsyms_size, 32 + STD_NSYMS);
	t_expect_u64(G, "this_module index", c.lay.this_module,
		     STD_THIS_MODULE);
	t_expect_u64(G, "percpu index", c.lay.percpu, STD_PERCPU);
	check_group(!(c.sects[STD_MODINFO].flags & HEKI_SHF_ALLOC) &&
		 (c.sects[STD_SYMTAB].flags & HEKI_SHF_ALLOC), G,
		 "kernel flag edits", "modinfo %#llx symtab %#llx",
		 c.sects[STD_MODINFO].flags, c.sects[STD_SYMTAB].flags);
}

/* Rename or re-flag one section of the standard module and lay it out. */
#define K61	1	/* run with HEKI_MODLAYOUT_LINUX_6_1 */
#define K64	2	/* run with HEKI_MODLAYOUT_LINUX_6_4 */
#define K616	4	/* run with HEKI_MODLAYOUT_LINUX_6_16 */
#define KMEM	(K64 | K616)
#define KALL	(K61 | K64 | K616)

struct variant {
	int kernels;		/* K61, K64, K616, KMEM or KALL */
	const char *name;
	__u32 idx;
	int spare;		/* rename to spare name n, or -1 */
	__u64 set_flags, clear_flags;
	__u64 size, align;	/* 0: unchanged */
	int want;
	__u8 want_mem;
	__u64 want_off;
};

static const struct variant variants[] = {
	{ KALL, ".init.* rodata goes to init rodata", STD_RODATA, 2,
	  0, 0, 0, 0, 0, HEKI_MODLAYOUT_INIT_RODATA, 0 },
	{ KALL, ".exit.text stays in core text", STD_INIT_TEXT, 3,
	  0, 0, 0, 0, 0, HEKI_MODLAYOUT_TEXT, 0x20 },
	{ KALL, ".data..ro_after_init is ro_after_init", STD_DATA, 0, 0, 0, 0, 0,
	  0, HEKI_MODLAYOUT_RO_AFTER_INIT, 0 },
	{ KALL, "file SHF_RO_AFTER_INIT is honoured", STD_DATA, -1,
	  HEKI_SHF_RO_AFTER_INIT, 0, 0, 0, 0, HEKI_MODLAYOUT_RO_AFTER_INIT, 0 },
	{ KALL, "read-only data with RO_AFTER_INIT stays rodata", STD_RODATA, -1,
	  HEKI_SHF_RO_AFTER_INIT, 0, 0, 0, 0, HEKI_MODLAYOUT_RODATA, 0 },
	{ KALL, "non-ALLOC section is not loaded", STD_RODATA, -1, 0,
	  HEKI_SHF_ALLOC, 0, 0, 0, HEKI_MODLAYOUT_MEM_NONE, 0 },
	{ KALL, "alignment 256 is honoured", STD_BSS, -1, 0, 0, 0, 256, 0,
	  HEKI_MODLAYOUT_DATA, 0x100 },
	{ KALL, "writable executable section refused", STD_TEXT, -1,
	  HEKI_SHF_WRITE, 0, 0, 0, E(MODLAYOUT_WX_SECTION), 0, 0 },
	{ KALL, "writable executable non-ALLOC section refused", STD_RELA_TEXT,
	  -1, HEKI_SHF_WRITE | HEKI_SHF_EXECINSTR, 0, 0, 0,
	  E(MODLAYOUT_WX_SECTION), 0, 0 },
	{ KALL, "missing this_module refused", STD_THIS_MODULE, -1, 0,
	  HEKI_SHF_ALLOC, 0, 0, E(MODLAYOUT_NO_THIS_MODULE), 0, 0 },
	{ KALL, "NOBITS of 1 GiB refused", STD_BSS, -1, 0, 0, 1ULL << 30, 0,
	  E(MODLAYOUT_TOO_LARGE), 0, 0 },
	{ KALL, "NOBITS of 2^64 - 1 refused", STD_BSS, -1, 0, 0, ~0ULL, 0,
	  E(MODLAYOUT_TOO_LARGE), 0, 0 },
	{ KALL, "alignment 2^63 refused", STD_BSS, -1, 0, 0, 0, 1ULL << 63,
	  E(MODLAYOUT_TOO_LARGE), 0, 0 },
	{ KALL, "__jump_table is ro_after_init", STD_DATA, 1, 0, 0, 0, 0, 0,
	  HEKI_MODLAYOUT_RO_AFTER_INIT, 0 },
	{ KALL, "init read-only data with RO_AFTER_INIT is init rodata",
	  STD_RODATA, 2, HEKI_SHF_RO_AFTER_INIT, 0, 0, 0, 0,
	  HEKI_MODLAYOUT_INIT_RODATA, 0 },
	/* 6.1 puts init ro_after_init in init data after init text. */
	{ K61, "6.1: writable init data with RO_AFTER_INIT is init data",
	  STD_DATA, 2, HEKI_SHF_RO_AFTER_INIT, 0, 0, 0, 0,
	  HEKI_MODLAYOUT_INIT_DATA, 0 },
	/*
	 * 6.4+: MOD_INVALID; the kernel WARNs and skips it in the
	 * ro_after_init pass, and the writable pass places it in init data.
	 */
	{ KMEM, "writable init data with RO_AFTER_INIT goes to init data",
	  STD_DATA, 2, HEKI_SHF_RO_AFTER_INIT, 0, 0, 0, 0,
	  HEKI_MODLAYOUT_INIT_DATA, 0 },
	{ KMEM, "writable init NOBITS with RO_AFTER_INIT goes to init data",
	  STD_BSS, 2, HEKI_SHF_RO_AFTER_INIT, 0, 0, 0, 0,
	  HEKI_MODLAYOUT_INIT_DATA, 0 },
	/* 6.16's module_mark_ro_after_init() lists .static_call_sites. */
	{ K61 | K64, "before 6.16: .static_call_sites stays data", STD_DATA, 4,
	  0, 0, 0, 0, 0, HEKI_MODLAYOUT_DATA, 0 },
	{ K616, ".static_call_sites is ro_after_init", STD_DATA, 4,
	  0, 0, 0, 0, 0, HEKI_MODLAYOUT_RO_AFTER_INIT, 0 },
};

static const struct {
	int bit;
	__u32 kernel;
	const char *prefix;
} kernels[] = {
	{ K61, HEKI_MODLAYOUT_LINUX_6_1, "6.1: " },
	{ K64, HEKI_MODLAYOUT_LINUX_6_4, "6.4: " },
	{ K616, HEKI_MODLAYOUT_LINUX_6_16, "6.16: " },
	{ K616, HEKI_MODLAYOUT_LINUX_6_18, "6.18: " },	/* 6.16's layout */
};

static void test_variants(void)
{
	static struct eb_img img;
	struct heki_modlayout_sect sects[EB_MAX_SECS];
	struct heki_modlayout lay;
	struct heki_elf elf;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(kernels) * ARRAY_SIZE(variants); i++) {
		const struct variant *v = &variants[i / ARRAY_SIZE(kernels)];
		unsigned int k = i % ARRAY_SIZE(kernels);
		__u32 kernel = kernels[k].kernel;
		char name[128];
		__u64 flags;

		if (!(v->kernels & kernels[k].bit))
			continue;
		snprintf(name, sizeof(name), "%s%s",
			 v->kernels == kernels[k].bit ? "" : kernels[k].prefix,
			 v->name);
		std_build(&img);
		if (v->spare >= 0)
			eb_put32(&img, eb_shdr(&img, v->idx, SH_NAME),
				 img.spare_name[v->spare]);
		memcpy(&flags, img.buf + eb_shdr(&img, v->idx, SH_FLAGS), 8);
		flags = (flags | v->set_flags) & ~v->clear_flags;
		eb_put64(&img, eb_shdr(&img, v->idx, SH_FLAGS), flags);
		if (v->size)
			eb_put64(&img, eb_shdr(&img, v->idx, SH_SIZE), v->size);
		if (v->align)
			eb_put64(&img, eb_shdr(&img, v->idx, SH_ALIGN),
				 v->align);
		ret = heki_elf_parse(&elf, img.buf, img.len);
		if (!ret)
			ret = heki_modlayout_compute(&elf, kernel, sects,
						     EB_MAX_SECS, &lay);
		if (v->want) {
			check_group_err(G, name, ret, v->want);
			continue;
		}
		check_group(!ret && sects[v->idx].mem == v->want_mem &&
			 (v->want_mem == HEKI_MODLAYOUT_MEM_NONE ||
			  sects[v->idx].offset == v->want_off), G, name,
			 "ret %s mem %u off %#llx", check_err_name(ret),
			 ret ? 0 : sects[v->idx].mem,
			 ret ? 0 : sects[v->idx].offset);
	}
}

/*
 * Two sections named __jump_table: before 6.16 find_sec() marks the first
 * one only; 6.16 marks every section of the name.
 */
static void test_ro_after_init_every_section(void)
{
	static struct eb_img img;
	struct heki_modlayout_sect sects[EB_MAX_SECS];
	struct heki_modlayout lay;
	struct heki_elf elf;
	unsigned int k;
	char name[96];
	int ret;

	for (k = 0; k < ARRAY_SIZE(kernels); k++) {
		__u8 want = kernels[k].kernel >= HEKI_MODLAYOUT_LINUX_6_16 ?
			    HEKI_MODLAYOUT_RO_AFTER_INIT : HEKI_MODLAYOUT_DATA;

		std_build(&img);
		eb_put32(&img, eb_shdr(&img, STD_DATA, SH_NAME),
			 img.spare_name[1]);
		eb_put32(&img, eb_shdr(&img, STD_BSS, SH_NAME),
			 img.spare_name[1]);
		ret = heki_elf_parse(&elf, img.buf, img.len);
		if (!ret)
			ret = heki_modlayout_compute(&elf, kernels[k].kernel,
						     sects, EB_MAX_SECS, &lay);
		snprintf(name, sizeof(name),
			 "%ssecond __jump_table section in %s", kernels[k].prefix,
			 want == HEKI_MODLAYOUT_DATA ? "data" : "ro_after_init");
		check_group(!ret && sects[STD_DATA].mem ==
			 HEKI_MODLAYOUT_RO_AFTER_INIT && sects[STD_BSS].mem == want,
			 G, name, "ret %s first %u second %u", check_err_name(ret),
			 ret ? 0 : sects[STD_DATA].mem,
			 ret ? 0 : sects[STD_BSS].mem);
	}
}

static void test_refusals(void)
{
	static struct eb_img img;
	struct heki_modlayout_sect sects[EB_MAX_SECS];
	struct heki_modlayout lay;
	struct heki_elf elf;
	__u64 va, mem_va[HEKI_MODLAYOUT_NR_MEM] = { 0 };

	std_build(&img);
	heki_elf_parse(&elf, img.buf, img.len);
	check_group_err(G, "unknown kernel refused",
		     heki_modlayout_compute(&elf, 0, sects, EB_MAX_SECS, &lay),
		     E(MODLAYOUT_BAD_KERNEL));
	check_group_err(G, "section array one short refused",
		     heki_modlayout_compute(&elf, HEKI_MODLAYOUT_LINUX_6_1,
					    sects, elf.shnum - 1, &lay),
		     E(MODLAYOUT_NO_ROOM));
	check_group_err(G, "NULL section array refused",
		     heki_modlayout_compute(&elf, HEKI_MODLAYOUT_LINUX_6_1,
					    NULL, 100, &lay),
		     E(MODLAYOUT_NO_ROOM));
	heki_modlayout_compute(&elf, HEKI_MODLAYOUT_LINUX_6_1, sects,
			       EB_MAX_SECS, &lay);
	mem_va[HEKI_MODLAYOUT_DATA] = 0x1000;
	check_group_err(G, "section_va of .data", heki_modlayout_section_va(
		     &lay, STD_THIS_MODULE, mem_va, &va), 0);
	t_expect_u64(G, "section_va value", va, 0x1040);
	check_group_err(G, "section_va of unloaded section",
		     heki_modlayout_section_va(&lay, STD_MODINFO, mem_va, &va),
		     E(MODLAYOUT_NOT_LOADED));
	check_group_err(G, "section_va index out of range",
		     heki_modlayout_section_va(&lay, 999, mem_va, &va),
		     E(ELF_SECTION_INDEX));
	mem_va[HEKI_MODLAYOUT_DATA] = ~0ULL - 8;
	check_group_err(G, "section_va wrap refused",
		     heki_modlayout_section_va(&lay, STD_THIS_MODULE, mem_va,
					       &va), E(MODLAYOUT_TOO_LARGE));
}

/* heki_modlayout_check_mem(): one wrong field per case. */
struct memcase {
	const char *name;
	int mem;		/* memory type to change, -1: none */
	__u64 va_delta;		/* added to its VA */
	__u64 size;		/* replaces its size if non-zero */
	__u64 init_va;		/* replaces the init allocation's VA if set */
	int want;
	int want_bad;
};

#define C_VA	0xffffffffc0000000ULL
#define I_VA	0xffffffffc0100000ULL

static const struct memcase memcases[] = {
	{ "VTL0 ranges match the layout", -1, 0, 0, 0, 0, -1 },
	{ "init right after core accepted", -1, 0, 0, C_VA + 0x4000, 0, -1 },
	{ "empty memory type's address ignored", HEKI_MODLAYOUT_RO_AFTER_INIT,
	  0x1234, 0, 0, 0, -1 },
	{ "text one page larger refused", HEKI_MODLAYOUT_TEXT, 0, 0x2000, 0,
	  E(MODLAYOUT_MEM_SIZE), HEKI_MODLAYOUT_TEXT },
	{ "non-empty ro_after_init refused", HEKI_MODLAYOUT_RO_AFTER_INIT, 0,
	  0x1000, 0, E(MODLAYOUT_MEM_SIZE), HEKI_MODLAYOUT_RO_AFTER_INIT },
	{ "rodata not page aligned refused", HEKI_MODLAYOUT_RODATA, 0x10, 0,
	  0, E(MODLAYOUT_MEM_ALIGN), HEKI_MODLAYOUT_RODATA },
	{ "rodata a page after text's end refused", HEKI_MODLAYOUT_RODATA,
	  0x1000, 0, 0, E(MODLAYOUT_MEM_MISPLACED), HEKI_MODLAYOUT_RODATA },
	{ "data below the core base refused", HEKI_MODLAYOUT_DATA,
	  -0x3000ULL, 0, 0, E(MODLAYOUT_MEM_MISPLACED), HEKI_MODLAYOUT_DATA },
	{ "data at VA 0 refused", HEKI_MODLAYOUT_DATA, -C_VA - 0x2000, 0, 0,
	  E(MODLAYOUT_MEM_MISPLACED), HEKI_MODLAYOUT_DATA },
	{ "init data apart from init text refused", HEKI_MODLAYOUT_INIT_DATA,
	  0x10000, 0, 0, E(MODLAYOUT_MEM_MISPLACED),
	  HEKI_MODLAYOUT_INIT_DATA },
	{ "init overlapping core refused", -1, 0, 0, C_VA + 0x3000,
	  E(MODLAYOUT_MEM_OVERLAP), HEKI_MODLAYOUT_INIT_TEXT },
	{ "data range wrapping past 2^64 refused", HEKI_MODLAYOUT_DATA,
	  -C_VA - 0x2000 - 0x1000, 0, 0, E(MODLAYOUT_TOO_LARGE),
	  HEKI_MODLAYOUT_DATA },
};

static void test_check_mem(void)
{
	static struct eb_img img;
	__u64 va[HEKI_MODLAYOUT_NR_MEM], size[HEKI_MODLAYOUT_NR_MEM];
	struct std_ctx c;
	unsigned int i, m;
	__u32 bad;
	int ret;

	std_build(&img);
	if (std_prepare(&c, &img)) {
		check_group(0, G, "check_mem", "standard module does not lay out");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(memcases); i++) {
		const struct memcase *mc = &memcases[i];

		std_mem_va(&c.lay, C_VA, mc->init_va ? mc->init_va : I_VA, va);
		for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++)
			size[m] = c.lay.mem[m].size;
		if (mc->mem >= 0) {
			va[mc->mem] += mc->va_delta;
			if (mc->size)
				size[mc->mem] = mc->size;
		}
		bad = 99;
		ret = heki_modlayout_check_mem(&c.lay, va, size, &bad);
		check_group_err(G, mc->name, ret, mc->want);
		if (mc->want)
			check_group(bad == (__u32)mc->want_bad, G, mc->name,
				 "bad memory type %u, want %d", bad,
				 mc->want_bad);
	}
}

/*
 * The standard module through the 6.4+ rules, by hand: every type has its
 * own running size. Text: .text @0 (32) -> 0x1000. Rodata: .rodata @0
 * (10) -> 0x1000. No ro_after_init. Data: .data @0, this_module @0x40,
 * .bss @0x80 -> 0xa0, kallsyms tail at ALIGN(0xa0, 8) = 0xa0 (0x5f bytes,
 * as on 6.1) -> 0xff -> 0x1000 (6.1: 0x2000, the tail starts a new page
 * there). Init text: .init.text @0 -> 0x1000. Init data: .symtab @0
 * (216), .strtab @0xd8 (0x3c) -> 0x114, mod_kallsyms @0x118 + 32 + 9 ->
 * 0x1000. No init rodata.
 */
static const struct want_sect std_want_6_4[] = {
	{ STD_TEXT, HEKI_MODLAYOUT_TEXT, 0 },
	{ STD_RODATA, HEKI_MODLAYOUT_RODATA, 0 },
	{ STD_DATA, HEKI_MODLAYOUT_DATA, 0 },
	{ STD_THIS_MODULE, HEKI_MODLAYOUT_DATA, 0x40 },
	{ STD_BSS, HEKI_MODLAYOUT_DATA, 0x80 },
	{ STD_INIT_TEXT, HEKI_MODLAYOUT_INIT_TEXT, 0 },
	{ STD_SYMTAB, HEKI_MODLAYOUT_INIT_DATA, 0 },
	{ STD_STRTAB, HEKI_MODLAYOUT_INIT_DATA, 0xd8 },
	{ STD_PERCPU, HEKI_MODLAYOUT_MEM_NONE, 0 },
	{ STD_MODINFO, HEKI_MODLAYOUT_MEM_NONE, 0 },
	{ STD_RELA_TEXT, HEKI_MODLAYOUT_MEM_NONE, 0 },
	{ STD_SHSTRTAB, HEKI_MODLAYOUT_MEM_NONE, 0 },
};

/* Each type is its own allocation (alloc = type), based at 0. */
static const struct want_region std_regions_6_4[] = {
	{ HEKI_MODLAYOUT_TEXT, 0, 0, 0x1000 },
	{ HEKI_MODLAYOUT_DATA, 1, 0, 0x1000 },
	{ HEKI_MODLAYOUT_RODATA, 2, 0, 0x1000 },
	{ HEKI_MODLAYOUT_RO_AFTER_INIT, 3, 0, 0 },
	{ HEKI_MODLAYOUT_INIT_TEXT, 4, 0, 0x1000 },
	{ HEKI_MODLAYOUT_INIT_DATA, 5, 0, 0x1000 },
	{ HEKI_MODLAYOUT_INIT_RODATA, 6, 0, 0 },
};

static int prepare_6_4(struct std_ctx *c, const struct eb_img *img)
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = heki_elf_parse(&c->elf, img->buf, img->len);
	if (!ret)
		ret = heki_modlayout_compute(&c->elf, HEKI_MODLAYOUT_LINUX_6_4,
					     c->sects, EB_MAX_SECS, &c->lay);
	return ret;
}

static void test_std_layout_6_4(void)
{
	static struct eb_img img;
	struct std_ctx c;
	char name[96];
	unsigned int i;
	int ret;

	std_build(&img);
	ret = prepare_6_4(&c, &img);
	check_group_err(G, "6.4: standard module lays out", ret, 0);
	if (ret)
		return;
	for (i = 0; i < ARRAY_SIZE(std_want_6_4); i++) {
		const struct want_sect *w = &std_want_6_4[i];
		const struct heki_modlayout_sect *s = &c.sects[w->idx];

		snprintf(name, sizeof(name), "6.4: section %u placement",
			 w->idx);
		check_group(s->mem == w->mem &&
			 (s->mem == HEKI_MODLAYOUT_MEM_NONE ||
			  s->offset == w->offset), G, name,
			 "mem %u offset %#llx, want mem %u offset %#llx",
			 s->mem, s->offset, w->mem, w->offset);
	}
	for (i = 0; i < ARRAY_SIZE(std_regions_6_4); i++) {
		const struct want_region *w = &std_regions_6_4[i];
		const struct heki_modlayout_region *r = &c.lay.mem[w->mem];

		snprintf(name, sizeof(name), "6.4: region %u", w->mem);
		check_group(r->alloc == w->alloc && r->base == w->base &&
			 r->size == w->size &&
			 c.lay.alloc_size[w->alloc] == w->size, G, name,
			 "alloc %u base %#llx size %#llx alloc size %#llx",
			 r->alloc, r->base, r->size,
			 c.lay.alloc_size[r->alloc % HEKI_MODLAYOUT_NR_MEM]);
	}
	t_expect_u64(G, "6.4: one allocation per memory type", c.lay.nalloc,
		     HEKI_MODLAYOUT_NR_MEM);
	t_expect_u64(G, "6.4: kernel recorded", c.lay.kernel,
		     HEKI_MODLAYOUT_LINUX_6_4);
	t_expect_u64(G, "6.4: kallsyms tail offset in data",
		     c.lay.kallsyms_off, 0xa0);
	t_expect_u64(G, "6.4: kallsyms tail size", c.lay.kallsyms_size, 0x5f);
	t_expect_u64(G, "6.4: init mod_kallsyms offset",
		     c.lay.init_kallsyms_off, 0x118);
	t_expect_u64(G, "6.4: init mod_kallsyms + types size",
		     c.lay.init_kallsyms_size, 32 + STD_NSYMS);
	t_expect_u64(G, "6.4: this_module index", c.lay.this_module,
		     STD_THIS_MODULE);
	t_expect_u64(G, "6.4: percpu index", c.lay.percpu, STD_PERCPU);
}

static void test_refusals_6_4(void)
{
	static struct eb_img img;
	struct heki_modlayout_sect sects[EB_MAX_SECS];
	struct heki_modlayout lay;
	struct heki_elf elf;
	__u64 va, mem_va[HEKI_MODLAYOUT_NR_MEM] = { 0 };

	std_build(&img);
	heki_elf_parse(&elf, img.buf, img.len);
	check_group_err(G, "kernel 5 (no such rules) refused",
		     heki_modlayout_compute(&elf, 5, sects, EB_MAX_SECS, &lay),
		     E(MODLAYOUT_BAD_KERNEL));
	check_group(lay.nalloc == 0 && lay.sects == NULL, G,
		 "refused layout left zeroed", "nalloc %u", lay.nalloc);
	check_group_err(G, "6.4: section array one short refused",
		     heki_modlayout_compute(&elf, HEKI_MODLAYOUT_LINUX_6_4,
					    sects, elf.shnum - 1, &lay),
		     E(MODLAYOUT_NO_ROOM));
	heki_modlayout_compute(&elf, HEKI_MODLAYOUT_LINUX_6_4, sects,
			       EB_MAX_SECS, &lay);
	mem_va[HEKI_MODLAYOUT_DATA] = 0x5000;
	check_group_err(G, "6.4: section_va of this_module", heki_modlayout_section_va(
		     &lay, STD_THIS_MODULE, mem_va, &va), 0);
	t_expect_u64(G, "6.4: section_va value (data VA + 0x40)", va, 0x5040);
	check_group_err(G, "6.4: section_va of unloaded .modinfo",
		     heki_modlayout_section_va(&lay, STD_MODINFO, mem_va, &va),
		     E(MODLAYOUT_NOT_LOADED));
}

/* heki_modlayout_check_mem() on 6.4+: each type on its own. */
struct memcase_6_4 {
	const char *name;
	int mem;		/* memory type to change, -1: none */
	__u64 va;		/* replaces its VA if non-zero */
	__u64 size;		/* replaces its size if non-zero */
	int want;
	int want_bad;
};

#define T_VA	0xffffffffc0000000ULL
#define M(t)	HEKI_MODLAYOUT_##t

/* Text, data, rodata, init text, init data: one page each, 64 KiB apart. */
static const __u64 va_6_4[HEKI_MODLAYOUT_NR_MEM] = {
	[HEKI_MODLAYOUT_TEXT] = T_VA,
	[HEKI_MODLAYOUT_DATA] = T_VA + 0x20000,
	[HEKI_MODLAYOUT_RODATA] = T_VA + 0x10000,
	[HEKI_MODLAYOUT_RO_AFTER_INIT] = 0,
	[HEKI_MODLAYOUT_INIT_TEXT] = T_VA + 0x30000,
	[HEKI_MODLAYOUT_INIT_DATA] = T_VA + 0x40000,
	[HEKI_MODLAYOUT_INIT_RODATA] = 0,
};

static const struct memcase_6_4 memcases_6_4[] = {
	{ "6.4: VTL0 ranges match the layout", -1, 0, 0, 0, -1 },
	{ "6.4: rodata below text accepted (no common base)", M(RODATA),
	  T_VA - 0x100000, 0, 0, -1 },
	{ "6.4: rodata right after text's end accepted", M(RODATA),
	  T_VA + 0x1000, 0, 0, -1 },
	{ "6.4: data in another 2 GiB region accepted", M(DATA),
	  0xffffffff00000000ULL, 0, 0, -1 },
	{ "6.4: empty memory type's address ignored", M(RO_AFTER_INIT),
	  T_VA + 0x123, 0, 0, -1 },
	{ "6.4: text one page larger refused", M(TEXT), 0, 0x2000,
	  E(MODLAYOUT_MEM_SIZE), M(TEXT) },
	{ "6.4: data one page smaller (empty) refused", M(DATA), 0, -1ULL,
	  E(MODLAYOUT_MEM_SIZE), M(DATA) },
	{ "6.4: non-empty ro_after_init refused", M(RO_AFTER_INIT), T_VA +
	  0x50000, 0x1000, E(MODLAYOUT_MEM_SIZE), M(RO_AFTER_INIT) },
	{ "6.4: non-empty init rodata refused", M(INIT_RODATA), T_VA +
	  0x50000, 0x1000, E(MODLAYOUT_MEM_SIZE), M(INIT_RODATA) },
	{ "6.4: rodata not page aligned refused", M(RODATA), T_VA + 0x10010,
	  0, E(MODLAYOUT_MEM_ALIGN), M(RODATA) },
	{ "6.4: init data at 2^64 - 4 KiB wraps, refused", M(INIT_DATA),
	  0xfffffffffffff000ULL, 0, E(MODLAYOUT_TOO_LARGE), M(INIT_DATA) },
	{ "6.4: data on text's page refused", M(DATA), T_VA, 0,
	  E(MODLAYOUT_MEM_OVERLAP), M(DATA) },
	{ "6.4: rodata on text's page refused", M(RODATA), T_VA, 0,
	  E(MODLAYOUT_MEM_OVERLAP), M(RODATA) },
	{ "6.4: init text on rodata's page refused", M(INIT_TEXT),
	  T_VA + 0x10000, 0, E(MODLAYOUT_MEM_OVERLAP), M(INIT_TEXT) },
	{ "6.4: init data on init text's page refused", M(INIT_DATA),
	  T_VA + 0x30000, 0, E(MODLAYOUT_MEM_OVERLAP), M(INIT_DATA) },
	{ "6.4: init data on data's page refused", M(INIT_DATA),
	  T_VA + 0x20000, 0, E(MODLAYOUT_MEM_OVERLAP), M(INIT_DATA) },
};

static void test_check_mem_6_4(void)
{
	static struct eb_img img;
	__u64 va[HEKI_MODLAYOUT_NR_MEM], size[HEKI_MODLAYOUT_NR_MEM];
	struct std_ctx c;
	unsigned int i, m;
	__u32 bad;
	int ret;

	std_build(&img);
	if (prepare_6_4(&c, &img)) {
		check_group(0, G, "6.4: check_mem", "standard module does not lay out");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(memcases_6_4); i++) {
		const struct memcase_6_4 *mc = &memcases_6_4[i];

		for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++) {
			va[m] = va_6_4[m];
			size[m] = c.lay.mem[m].size;
		}
		if (mc->mem >= 0) {
			if (mc->va)
				va[mc->mem] = mc->va;
			if (mc->size)
				size[mc->mem] = mc->size == -1ULL ? 0 : mc->size;
		}
		bad = 99;
		ret = heki_modlayout_check_mem(&c.lay, va, size, &bad);
		check_group_err(G, mc->name, ret, mc->want);
		if (mc->want)
			check_group(bad == (__u32)mc->want_bad, G, mc->name,
				 "bad memory type %u, want %d", bad,
				 mc->want_bad);
	}
}

/*
 * Two writable init sections, the later one marked RO_AFTER_INIT: renamed
 * .data (index 3, 16 bytes) and renamed .bss (index 9, 32 bytes, align
 * 32). 6.1 places the marked one in its own earlier pass (bss' @0, data'
 * @0x20 of init data); 6.4+ skips it there (MOD_INVALID) and the writable
 * pass takes both in header order (data' @0, bss' @0x20).
 */
static void test_init_ro_after_init_order(void)
{
	static const struct {
		__u32 kernel;
		__u64 data_off, bss_off;
	} want[] = {
		{ HEKI_MODLAYOUT_LINUX_6_1, 0x20, 0 },
		{ HEKI_MODLAYOUT_LINUX_6_4, 0, 0x20 },
	};
	static struct eb_img img;
	struct heki_modlayout_sect sects[EB_MAX_SECS];
	struct heki_modlayout lay;
	struct heki_elf elf;
	unsigned int i;
	__u64 flags;
	char name[96];
	int ret;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		std_build(&img);
		eb_put32(&img, eb_shdr(&img, STD_DATA, SH_NAME),
			 img.spare_name[2]);
		eb_put32(&img, eb_shdr(&img, STD_BSS, SH_NAME),
			 img.spare_name[2]);
		memcpy(&flags, img.buf + eb_shdr(&img, STD_BSS, SH_FLAGS), 8);
		eb_put64(&img, eb_shdr(&img, STD_BSS, SH_FLAGS),
			 flags | HEKI_SHF_RO_AFTER_INIT);
		ret = heki_elf_parse(&elf, img.buf, img.len);
		if (!ret)
			ret = heki_modlayout_compute(&elf, want[i].kernel, sects,
						     EB_MAX_SECS, &lay);
		snprintf(name, sizeof(name),
			 "%s: init ro_after_init section's place in init data",
			 i ? "6.4" : "6.1");
		check_group(!ret && sects[STD_DATA].mem == HEKI_MODLAYOUT_INIT_DATA &&
			 sects[STD_BSS].mem == HEKI_MODLAYOUT_INIT_DATA &&
			 sects[STD_DATA].offset == want[i].data_off &&
			 sects[STD_BSS].offset == want[i].bss_off, G, name,
			 "ret %s data' mem %u @%#llx bss' mem %u @%#llx",
			 check_err_name(ret), sects[STD_DATA].mem,
			 sects[STD_DATA].offset, sects[STD_BSS].mem,
			 sects[STD_BSS].offset);
	}
}

void test_modlayout(void)
{
	test_check_mem();
	test_std_layout();
	test_variants();
	test_ro_after_init_every_section();
	test_refusals();
	test_check_mem_6_4();
	test_std_layout_6_4();
	test_refusals_6_4();
	test_init_ro_after_init_order();
}

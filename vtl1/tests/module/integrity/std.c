// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The standard synthetic module used by the unit tests.
 *
 *  idx section                    flags  size  align  notes
 *  1   .text                      AX     32    16     relocation sites zero
 *  2   .rela.text                 I      5*24  8      -> 1
 *  3   .data                      WA     16    8
 *  4   .rela.data                 I      2*24  8      -> 3
 *  5   .gnu.linkonce.this_module  WA     64    64
 *  6   .symtab                           9*24  8
 *  7   .strtab
 *  8   .init.text                 AX     8     1
 *  9   .bss (NOBITS)              WA     32    32
 *  10  .data..percpu              WA     8     8
 *  11  .rodata                    A      10    4
 *  12  .modinfo                   A      8     1
 *  13  .shstrtab (added by eb_build)
 */
#include <string.h>

#include "harness.h"

struct sym_src {
	const char *name;
	__u8 info;
	__u16 shndx;
	__u64 value;
};

static const struct sym_src std_syms[STD_NSYMS] = {
	[SYM_NULL] = { "", 0, 0, 0 },
	[SYM_TEXT_SECTION] = { "", 3 /* LOCAL SECTION */, STD_TEXT, 0 },
	[SYM_LOCAL_VAR] = { "local_var", 1 /* LOCAL OBJECT */, STD_DATA, 8 },
	[SYM_PCPU_VAR] = { "pcpu_var", 1, STD_PERCPU, 4 },
	[SYM_EXT_FN] = { "ext_fn", 0x10 /* GLOBAL NOTYPE */, 0, 0 },
	[SYM_WEAK_FN] = { "weak_fn", 0x20 /* WEAK */, 0, 0 },
	[SYM_INIT_FN] = { "init_fn", 0x12 /* GLOBAL FUNC */, STD_INIT_TEXT, 2 },
	[SYM_INFO_SYM] = { "info_sym", 1, STD_MODINFO, 0 },
	[SYM_ABS_SYM] = { "abs_sym", 0x10, HEKI_SHN_ABS, 0x1234 },
};

struct rela_src {
	__u64 off;
	__u32 type;
	__u32 sym;
	__s64 addend;
};

static const struct rela_src text_relas[] = {
	{ 1, HEKI_R_X86_64_PLT32, SYM_EXT_FN, -4 },
	{ 8, HEKI_R_X86_64_64, SYM_LOCAL_VAR, 0 },
	{ 16, HEKI_R_X86_64_PC32, SYM_TEXT_SECTION, 0x20 },
	{ 20, HEKI_R_X86_64_32S, SYM_PCPU_VAR, 0 },
	{ 24, HEKI_R_X86_64_NONE, SYM_NULL, 0 },
};

static const struct rela_src data_relas[] = {
	{ 0, HEKI_R_X86_64_64, SYM_INIT_FN, 0 },
	{ 8, HEKI_R_X86_64_PC64, SYM_LOCAL_VAR, 0x100 },
};

static void put_relas(__u8 *out, const struct rela_src *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		__u64 info = ((__u64)r[i].sym << 32) | r[i].type;

		memcpy(out + 24 * i, &r[i].off, 8);
		memcpy(out + 24 * i + 8, &info, 8);
		memcpy(out + 24 * i + 16, &r[i].addend, 8);
	}
}

void std_build(struct eb_img *img)
{
	static __u8 text[32], rela_text[5 * 24], rela_data[2 * 24];
	static __u8 symtab[STD_NSYMS * 24], strtab[128];
	struct eb_sec secs[STD_SHSTRTAB];
	__u32 stroff = 1, i;

	memset(text, 0x90, sizeof(text));
	text[0] = 0xe8;
	memset(text + 1, 0, 4);
	memset(text + 8, 0, 8);
	memset(text + 16, 0, 8);
	put_relas(rela_text, text_relas, 5);
	put_relas(rela_data, data_relas, 2);

	memset(strtab, 0, sizeof(strtab));
	memset(symtab, 0, sizeof(symtab));
	for (i = 0; i < STD_NSYMS; i++) {
		__u8 *p = symtab + 24 * i;
		__u32 name = 0;

		if (*std_syms[i].name) {
			name = stroff;
			memcpy(strtab + stroff, std_syms[i].name,
			       strlen(std_syms[i].name) + 1);
			stroff += (__u32)strlen(std_syms[i].name) + 1;
		}
		memcpy(p, &name, 4);
		p[4] = std_syms[i].info;
		memcpy(p + 6, &std_syms[i].shndx, 2);
		memcpy(p + 8, &std_syms[i].value, 8);
	}

	memset(secs, 0, sizeof(secs));
	secs[STD_TEXT] = (struct eb_sec){ ".text", HEKI_SHT_PROGBITS,
		HEKI_SHF_ALLOC | HEKI_SHF_EXECINSTR, 32, 16, 0, 0, 0, text };
	secs[STD_RELA_TEXT] = (struct eb_sec){ ".rela.text", HEKI_SHT_RELA,
		0x40, sizeof(rela_text), 8, STD_SYMTAB, STD_TEXT, 24, rela_text };
	secs[STD_DATA] = (struct eb_sec){ ".data", HEKI_SHT_PROGBITS,
		HEKI_SHF_ALLOC | HEKI_SHF_WRITE, 16, 8, 0, 0, 0, NULL };
	secs[STD_RELA_DATA] = (struct eb_sec){ ".rela.data", HEKI_SHT_RELA,
		0x40, sizeof(rela_data), 8, STD_SYMTAB, STD_DATA, 24, rela_data };
	secs[STD_THIS_MODULE] = (struct eb_sec){ ".gnu.linkonce.this_module",
		HEKI_SHT_PROGBITS, HEKI_SHF_ALLOC | HEKI_SHF_WRITE, 64, 64, 0,
		0, 0, NULL };
	secs[STD_SYMTAB] = (struct eb_sec){ ".symtab", HEKI_SHT_SYMTAB, 0,
		sizeof(symtab), 8, STD_STRTAB, SYM_EXT_FN, 24, symtab };
	secs[STD_STRTAB] = (struct eb_sec){ ".strtab", HEKI_SHT_STRTAB, 0,
		stroff, 1, 0, 0, 0, strtab };
	secs[STD_INIT_TEXT] = (struct eb_sec){ ".init.text", HEKI_SHT_PROGBITS,
		HEKI_SHF_ALLOC | HEKI_SHF_EXECINSTR, 8, 1, 0, 0, 0, NULL };
	secs[STD_BSS] = (struct eb_sec){ ".bss", HEKI_SHT_NOBITS,
		HEKI_SHF_ALLOC | HEKI_SHF_WRITE, 32, 32, 0, 0, 0, NULL };
	secs[STD_PERCPU] = (struct eb_sec){ ".data..percpu", HEKI_SHT_PROGBITS,
		HEKI_SHF_ALLOC | HEKI_SHF_WRITE, 8, 8, 0, 0, 0, NULL };
	secs[STD_RODATA] = (struct eb_sec){ ".rodata", HEKI_SHT_PROGBITS,
		HEKI_SHF_ALLOC, 10, 4, 0, 0, 0, NULL };
	secs[STD_MODINFO] = (struct eb_sec){ ".modinfo", HEKI_SHT_PROGBITS,
		HEKI_SHF_ALLOC, 8, 1, 0, 0, 0, NULL };
	if (eb_build(img, secs, STD_SHSTRTAB))
		memset(img, 0, sizeof(*img));
}

__u64 std_rela(const struct eb_img *img, __u32 sec, __u32 i)
{
	return img->data_off[sec] + 24ULL * i;
}

__u64 std_sym(const struct eb_img *img, __u32 i)
{
	return img->data_off[STD_SYMTAB] + 24ULL * i;
}

int std_resolve(void *ctx, const char *name, __u64 *addr)
{
	(void)ctx;
	if (!strcmp(name, "ext_fn")) {
		*addr = STD_EXT_FN_VA;
		return 0;
	}
	return -HEKI_VSM_ERR_MODRELOC_SYMBOL_UNRESOLVED;
}

const __u64 std_va_6_4[HEKI_MODLAYOUT_NR_MEM] = {
	[HEKI_MODLAYOUT_TEXT] = 0xffffffffc0a05000ULL,
	[HEKI_MODLAYOUT_DATA] = 0xffffffffc0a02000ULL,
	[HEKI_MODLAYOUT_RODATA] = 0xffffffffc0a11000ULL,
	[HEKI_MODLAYOUT_RO_AFTER_INIT] = 0xffffffffc0a0e000ULL,
	[HEKI_MODLAYOUT_INIT_TEXT] = 0xffffffffc0a0b000ULL,
	[HEKI_MODLAYOUT_INIT_DATA] = 0xffffffffc0a08000ULL,
	[HEKI_MODLAYOUT_INIT_RODATA] = 0xffffffffc0a00000ULL,
};

void std_mem_va_alloc(const struct heki_modlayout *lay,
		      const __u64 alloc_va[HEKI_MODLAYOUT_NR_MEM],
		      __u64 mem_va[HEKI_MODLAYOUT_NR_MEM])
{
	unsigned int m;

	for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++)
		mem_va[m] = lay->mem[m].alloc < HEKI_MODLAYOUT_NR_MEM ?
			    alloc_va[lay->mem[m].alloc] + lay->mem[m].base : 0;
}

void std_mem_va(const struct heki_modlayout *lay, __u64 core, __u64 init,
		__u64 mem_va[HEKI_MODLAYOUT_NR_MEM])
{
	const __u64 alloc_va[HEKI_MODLAYOUT_NR_MEM] = { core, init };

	std_mem_va_alloc(lay, alloc_va, mem_va);
}

int std_prepare(struct std_ctx *c, const struct eb_img *img)
{
	const __u64 alloc_va[HEKI_MODLAYOUT_NR_MEM] = { STD_CORE_VA,
							STD_INIT_VA };

	return std_prepare_kernel(c, img, HEKI_MODLAYOUT_LINUX_6_1, alloc_va);
}

int std_prepare_kernel(struct std_ctx *c, const struct eb_img *img,
		       __u32 kernel,
		       const __u64 alloc_va[HEKI_MODLAYOUT_NR_MEM])
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = heki_elf_parse(&c->elf, img->buf, img->len);
	if (ret)
		return ret;
	ret = heki_modlayout_compute(&c->elf, kernel, c->sects, EB_MAX_SECS,
				     &c->lay);
	if (ret)
		return ret;
	c->env.elf = &c->elf;
	c->env.layout = &c->lay;
	std_mem_va_alloc(&c->lay, alloc_va, c->env.mem_va);
	c->env.percpu_va = STD_PERCPU_VA;
	c->env.has_percpu = 1;
	c->env.resolve = std_resolve;
	return 0;
}

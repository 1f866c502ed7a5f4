// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki_elf_* tests: every parse check fails on its own with its own error
 * (one mutation of the standard module per case), then the accessors.
 */
#include <string.h>

#include "harness.h"

enum where { AT_FILE, AT_SHDR, AT_DATA, AT_LEN, AT_NONE };

struct mutation {
	const char *name;
	enum where where;
	__u32 idx;	/* section for AT_SHDR / AT_DATA */
	__u64 off;	/* file offset, shdr field, or offset in section data */
	__u64 value;
	unsigned int width;
	int want;
};

#define E(x) (-HEKI_VSM_ERR_##x)
#define LAST_SEC STD_SHSTRTAB

static const struct mutation cases[] = {
	{ "valid module parses", AT_NONE, 0, 0, 0, 0, 0 },
	{ "empty image", AT_LEN, 0, 0, 0, 0, E(ELF_TRUNCATED) },
	{ "63 bytes", AT_LEN, 0, 0, 63, 0, E(ELF_TRUNCATED) },
	{ "bad magic", AT_FILE, 0, 1, 'X', 1, E(ELF_BAD_MAGIC) },
	{ "ELFCLASS32", AT_FILE, 0, 4, 1, 1, E(ELF_BAD_CLASS) },
	{ "big endian", AT_FILE, 0, 5, 2, 1, E(ELF_BAD_ENDIAN) },
	{ "ident version 0", AT_FILE, 0, 6, 0, 1, E(ELF_BAD_VERSION) },
	{ "e_version 2", AT_FILE, 0, 20, 2, 4, E(ELF_BAD_VERSION) },
	{ "ET_EXEC", AT_FILE, 0, 16, 2, 2, E(ELF_BAD_TYPE) },
	{ "ET_DYN", AT_FILE, 0, 16, 3, 2, E(ELF_BAD_TYPE) },
	{ "EM_386", AT_FILE, 0, 18, 3, 2, E(ELF_BAD_MACHINE) },
	{ "EM_AARCH64", AT_FILE, 0, 18, 183, 2, E(ELF_BAD_MACHINE) },
	{ "e_ehsize 52", AT_FILE, 0, 52, 52, 2, E(ELF_BAD_HEADER_SIZE) },
	{ "e_shentsize 40", AT_FILE, 0, 58, 40, 2, E(ELF_BAD_HEADER_SIZE) },
	{ "e_shnum 0 (extended numbering)", AT_FILE, 0, 60, 0, 2,
	  E(ELF_BAD_SHNUM) },
	{ "e_shnum 0xff00", AT_FILE, 0, 60, 0xff00, 2, E(ELF_BAD_SHNUM) },
	{ "e_shnum 4097 (above HEKI_ELF_MAX_SECTIONS)", AT_FILE, 0, 60, 4097,
	  2, E(ELF_BAD_SHNUM) },
	{ "e_shnum 4096 past the image", AT_FILE, 0, 60, 4096, 2,
	  E(ELF_SHDRS_OUT_OF_BOUNDS) },
	{ "e_shoff past the image", AT_FILE, 0, 40, 1ULL << 20, 8,
	  E(ELF_SHDRS_OUT_OF_BOUNDS) },
	{ "e_shoff + table wraps", AT_FILE, 0, 40, ~0ULL - 63, 8,
	  E(ELF_SHDRS_OUT_OF_BOUNDS) },
	{ "image cut inside the header table", AT_LEN, 0, 0, 1, 0,
	  E(ELF_SHDRS_OUT_OF_BOUNDS) },
	{ "header table overlaps the ELF header", AT_FILE, 0, 40, 8, 8,
	  E(ELF_SHDRS_OVERLAP_EHDR) },
	{ "e_shstrndx 0", AT_FILE, 0, 62, 0, 2, E(ELF_BAD_SHSTRNDX) },
	{ "e_shstrndx = e_shnum", AT_FILE, 0, 62, LAST_SEC + 1, 2,
	  E(ELF_BAD_SHSTRNDX) },
	{ "e_shstrndx SHN_XINDEX", AT_FILE, 0, 62, 0xffff, 2,
	  E(ELF_BAD_SHSTRNDX) },
	{ "section 0 not SHT_NULL", AT_SHDR, 0, SH_TYPE, 1, 4,
	  E(ELF_BAD_NULL_SECTION) },
	{ "section 0 has a size", AT_SHDR, 0, SH_SIZE, 1, 8,
	  E(ELF_BAD_NULL_SECTION) },
	{ "section 0 has an address", AT_SHDR, 0, SH_ADDR, 1, 8,
	  E(ELF_BAD_NULL_SECTION) },
	{ "shstrtab not STRTAB", AT_SHDR, LAST_SEC, SH_TYPE, 1, 4,
	  E(ELF_BAD_SHSTRTAB) },
	{ "shstrtab empty", AT_SHDR, LAST_SEC, SH_SIZE, 0, 8,
	  E(ELF_BAD_SHSTRTAB) },
	{ "shstrtab not NUL-terminated", AT_SHDR, LAST_SEC, SH_SIZE, 5, 8,
	  E(ELF_BAD_SHSTRTAB) },
	{ "shstrtab past the image", AT_SHDR, LAST_SEC, SH_OFFSET,
	  1ULL << 40, 8, E(ELF_BAD_SHSTRTAB) },
	{ "section name offset past the name table", AT_SHDR, STD_DATA,
	  SH_NAME, 0x7fffffff, 4, E(ELF_BAD_SECTION_NAME) },
	{ "section 0 name offset past the name table", AT_SHDR, 0, SH_NAME,
	  0x10000, 4, E(ELF_BAD_SECTION_NAME) },
	{ "sh_addralign 3", AT_SHDR, STD_DATA, SH_ALIGN, 3, 8,
	  E(ELF_BAD_ALIGN) },
	{ "sh_addralign 2^63 + 1", AT_SHDR, STD_DATA, SH_ALIGN,
	  (1ULL << 63) + 1, 8, E(ELF_BAD_ALIGN) },
	{ "section offset + size past the image", AT_SHDR, STD_RODATA,
	  SH_SIZE, 1ULL << 20, 8, E(ELF_SECTION_OUT_OF_BOUNDS) },
	{ "section offset + size wraps", AT_SHDR, STD_RODATA, SH_OFFSET,
	  ~0ULL - 4, 8, E(ELF_SECTION_OUT_OF_BOUNDS) },
	{ "section huge size (2^63)", AT_SHDR, STD_SYMTAB, SH_SIZE,
	  1ULL << 63, 8, E(ELF_SECTION_OUT_OF_BOUNDS) },
	{ "section overlaps the ELF header", AT_SHDR, STD_RODATA, SH_OFFSET,
	  0, 8, E(ELF_SECTION_OVERLAPS_HEADERS) },
	{ "section overlaps the header table", AT_SHDR, STD_RODATA, SH_OFFSET,
	  ~0ULL, 8 /* patched to shoff - 4 */, E(ELF_SECTION_OVERLAPS_HEADERS) },
	{ "symtab entsize 16", AT_SHDR, STD_SYMTAB, SH_ENTSIZE, 16, 8,
	  E(ELF_BAD_SYMTAB) },
	{ "symtab size not a multiple of 24", AT_SHDR, STD_SYMTAB, SH_SIZE,
	  25, 8, E(ELF_BAD_SYMTAB) },
	{ "symtab empty", AT_SHDR, STD_SYMTAB, SH_SIZE, 0, 8,
	  E(ELF_BAD_SYMTAB) },
	{ "symtab sh_link 0", AT_SHDR, STD_SYMTAB, SH_LINK, 0, 4,
	  E(ELF_BAD_STRTAB) },
	{ "symtab sh_link = e_shnum", AT_SHDR, STD_SYMTAB, SH_LINK,
	  LAST_SEC + 1, 4, E(ELF_BAD_STRTAB) },
	{ "symtab sh_link to PROGBITS", AT_SHDR, STD_SYMTAB, SH_LINK, STD_DATA,
	  4, E(ELF_BAD_STRTAB) },
	{ "strtab not NUL-terminated", AT_SHDR, STD_STRTAB, SH_SIZE, 3, 8,
	  E(ELF_BAD_STRTAB) },
	{ "no symtab", AT_SHDR, STD_SYMTAB, SH_TYPE, HEKI_SHT_PROGBITS, 4,
	  E(ELF_NO_SYMTAB) },
};

static void apply(struct eb_img *img, const struct mutation *m, __u64 *len)
{
	__u64 off = 0, v = m->value;

	switch (m->where) {
	case AT_NONE:
		return;
	case AT_LEN:
		*len = m->value == 1 ? img->shoff + 100 : m->value;
		return;
	case AT_FILE:
		off = m->off;
		break;
	case AT_SHDR:
		off = eb_shdr(img, m->idx, (__u32)m->off);
		if (v == ~0ULL)
			v = img->shoff - 4;
		break;
	case AT_DATA:
		off = img->data_off[m->idx] + m->off;
		break;
	}
	switch (m->width) {
	case 1:
		img->buf[off] = (__u8)v;
		break;
	case 2:
		eb_put16(img, off, (__u16)v);
		break;
	case 4:
		eb_put32(img, off, (__u32)v);
		break;
	default:
		eb_put64(img, off, v);
		break;
	}
}

static void test_parse_table(void)
{
	static struct eb_img img;
	struct heki_elf elf;
	unsigned int i;
	__u64 len;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		std_build(&img);
		len = img.len;
		apply(&img, &cases[i], &len);
		ret = heki_elf_parse(&elf, img.buf, len);
		check_group_err("elf_parse", cases[i].name, ret, cases[i].want);
		if (ret)
			check_group(elf.data == NULL && elf.shnum == 0, "elf_parse",
				 cases[i].name, "struct not cleared on failure");
	}
	check_group_err("elf_parse", "NULL image",
		     heki_elf_parse(&elf, NULL, 100), E(ELF_TRUNCATED));
}

static void test_accessors(void)
{
	static struct eb_img img;
	struct heki_elf elf;
	struct heki_elf_shdr sh;
	struct heki_elf_sym sym;
	struct heki_elf_rela r;
	const __u8 *bytes;
	const char *name;
	__u64 n;
	__u32 idx;
	int ret;

	std_build(&img);
	ret = heki_elf_parse(&elf, img.buf, img.len);
	check_group_err("elf_access", "parse", ret, 0);
	if (ret)
		return;
	t_expect_u64("elf_access", "shnum", elf.shnum, STD_NSECS);
	t_expect_u64("elf_access", "symtab index", elf.symtab, STD_SYMTAB);
	t_expect_u64("elf_access", "strtab index", elf.strtab, STD_STRTAB);
	t_expect_u64("elf_access", "nsyms", elf.nsyms, STD_NSYMS);
	check_group_err("elf_access", "shdr index = shnum",
		     heki_elf_shdr(&elf, elf.shnum, &sh),
		     E(ELF_SECTION_INDEX));
	check_group_err("elf_access", "shdr index 0xffffffff",
		     heki_elf_shdr(&elf, 0xffffffffU, &sh),
		     E(ELF_SECTION_INDEX));

	ret = heki_elf_shdr(&elf, STD_TEXT, &sh);
	if (!ret)
		ret = heki_elf_section_name(&elf, &sh, &name);
	check_group(!ret && !strcmp(name, ".text"), "elf_access",
		 "section 1 is .text", "ret %d", ret);
	sh.name = 0x10000;
	check_group_err("elf_access", "section name offset out of range",
		     heki_elf_section_name(&elf, &sh, &name),
		     E(ELF_BAD_SECTION_NAME));

	check_group_err("elf_access", "find .gnu.linkonce.this_module (ALLOC)",
		     heki_elf_find_section(&elf, ".gnu.linkonce.this_module",
					   HEKI_SHF_ALLOC, &idx), 0);
	t_expect_u64("elf_access", "this_module index", idx, STD_THIS_MODULE);
	check_group_err("elf_access", "find .symtab with ALLOC fails",
		     heki_elf_find_section(&elf, ".symtab", HEKI_SHF_ALLOC,
					   &idx), E(ELF_SECTION_NOT_FOUND));
	check_group_err("elf_access", "find missing section",
		     heki_elf_find_section(&elf, ".nope", 0, &idx),
		     E(ELF_SECTION_NOT_FOUND));
	check_group_err("elf_access", "find prefix is not a match",
		     heki_elf_find_section(&elf, ".tex", 0, &idx),
		     E(ELF_SECTION_NOT_FOUND));

	heki_elf_shdr(&elf, STD_BSS, &sh);
	ret = heki_elf_section_bytes(&elf, &sh, &bytes);
	check_group(!ret && !bytes, "elf_access", "NOBITS has no file bytes",
		 "ret %d", ret);
	heki_elf_shdr(&elf, STD_TEXT, &sh);
	ret = heki_elf_section_bytes(&elf, &sh, &bytes);
	check_group(!ret && bytes == img.buf + img.data_off[STD_TEXT],
		 "elf_access", ".text bytes", "ret %d", ret);
	sh.size = img.len;
	check_group_err("elf_access", "forged header out of bounds",
		     heki_elf_section_bytes(&elf, &sh, &bytes),
		     E(ELF_SECTION_OUT_OF_BOUNDS));

	ret = heki_elf_sym(&elf, SYM_EXT_FN, &sym);
	if (!ret)
		ret = heki_elf_sym_name(&elf, &sym, &name);
	check_group(!ret && !strcmp(name, "ext_fn") && sym.shndx == 0,
		 "elf_access", "symbol ext_fn", "ret %d", ret);
	check_group_err("elf_access", "symbol index = nsyms",
		     heki_elf_sym(&elf, elf.nsyms, &sym),
		     E(ELF_SYMBOL_INDEX));
	check_group_err("elf_access", "symbol index 2^63",
		     heki_elf_sym(&elf, 1ULL << 63, &sym),
		     E(ELF_SYMBOL_INDEX));
	sym.name = 0x7fffffff;
	check_group_err("elf_access", "symbol name out of range",
		     heki_elf_sym_name(&elf, &sym, &name),
		     E(ELF_SYMBOL_NAME));

	heki_elf_shdr(&elf, STD_RELA_TEXT, &sh);
	ret = heki_elf_rela_count(&elf, &sh, &n);
	check_group(!ret && n == 5, "elf_access", ".rela.text has 5 entries",
		 "ret %d n %llu", ret, n);
	ret = heki_elf_rela(&elf, &sh, 0, &r);
	check_group(!ret && r.offset == 1 && r.type == HEKI_R_X86_64_PLT32 &&
		 r.sym == SYM_EXT_FN && r.addend == -4, "elf_access",
		 "rela 0 decoded", "ret %d", ret);
	check_group_err("elf_access", "rela index = count",
		     heki_elf_rela(&elf, &sh, 5, &r), E(ELF_RELA_INDEX));
	sh.entsize = 16;
	check_group_err("elf_access", "rela entsize 16",
		     heki_elf_rela_count(&elf, &sh, &n), E(ELF_BAD_RELA));
	heki_elf_shdr(&elf, STD_RELA_TEXT, &sh);
	sh.size = 25;
	check_group_err("elf_access", "rela size not a multiple of 24",
		     heki_elf_rela_count(&elf, &sh, &n), E(ELF_BAD_RELA));
	heki_elf_shdr(&elf, STD_RELA_TEXT, &sh);
	sh.link = STD_STRTAB;
	check_group_err("elf_access", "rela linked to another table",
		     heki_elf_rela_count(&elf, &sh, &n), E(ELF_BAD_RELA));
	heki_elf_shdr(&elf, STD_DATA, &sh);
	check_group_err("elf_access", "PROGBITS is not RELA",
		     heki_elf_rela_count(&elf, &sh, &n), E(ELF_BAD_RELA));

	check_group(heki_elf_name_starts(".init.text", ".init") &&
		 !heki_elf_name_starts(".ini", ".init") &&
		 heki_elf_name_is("", "") && !heki_elf_name_is("a", "ab"),
		 "elf_access", "name helpers", "mismatch");
}

/* Symbol names: HEKI_ELF_MAX_NAME_LEN bytes accepted, one more refused. */
static void test_long_names(void)
{
	static struct eb_img img;
	static __u8 strtab[1 + 512 + 513], symtab[3 * 24];
	struct eb_sec secs[3];
	struct heki_elf elf;
	struct heki_elf_sym sym;
	const char *name;
	__u32 off;

	memset(strtab, 0, sizeof(strtab));
	memset(strtab + 1, 'a', 511);
	memset(strtab + 513, 'b', 512);
	memset(symtab, 0, sizeof(symtab));
	off = 1;
	memcpy(symtab + 24, &off, 4);
	off = 513;
	memcpy(symtab + 48, &off, 4);
	memset(secs, 0, sizeof(secs));
	secs[1] = (struct eb_sec){ ".symtab", HEKI_SHT_SYMTAB, 0,
		sizeof(symtab), 8, 2, 0, 24, symtab };
	secs[2] = (struct eb_sec){ ".strtab", HEKI_SHT_STRTAB, 0,
		sizeof(strtab), 1, 0, 0, 0, strtab };
	if (eb_build(&img, secs, 3) || heki_elf_parse(&elf, img.buf, img.len)) {
		check_group(0, "elf_names", "build", "cannot build image");
		return;
	}
	heki_elf_sym(&elf, 1, &sym);
	check_group_err("elf_names", "511-byte name accepted",
		     heki_elf_sym_name(&elf, &sym, &name), 0);
	heki_elf_sym(&elf, 2, &sym);
	check_group_err("elf_names", "512-byte name refused",
		     heki_elf_sym_name(&elf, &sym, &name),
		     E(ELF_SYMBOL_NAME_TOO_LONG));
}

/* SHT_NULL sections: empty ones own no bytes, non-empty ones are bounded. */
static void test_null_sections(void)
{
	static struct eb_img img;
	struct heki_elf elf;
	struct heki_elf_shdr sh;
	const __u8 *bytes;
	int ret;

	std_build(&img);
	eb_put32(&img, eb_shdr(&img, STD_RODATA, SH_TYPE), HEKI_SHT_NULL);
	ret = heki_elf_parse(&elf, img.buf, img.len);
	if (!ret)
		ret = heki_elf_shdr(&elf, STD_RODATA, &sh);
	if (!ret)
		ret = heki_elf_section_bytes(&elf, &sh, &bytes);
	check_group(!ret && bytes == img.buf + img.data_off[STD_RODATA],
		 "elf_null", "non-empty SHT_NULL has file bytes", "ret %d", ret);
	eb_put64(&img, eb_shdr(&img, STD_RODATA, SH_OFFSET), 1ULL << 40);
	check_group_err("elf_null", "non-empty SHT_NULL past the image refused",
		     heki_elf_parse(&elf, img.buf, img.len),
		     E(ELF_SECTION_OUT_OF_BOUNDS));
	eb_put64(&img, eb_shdr(&img, STD_RODATA, SH_SIZE), 0);
	check_group_err("elf_null", "empty SHT_NULL anywhere accepted",
		     heki_elf_parse(&elf, img.buf, img.len), 0);
}

void test_elf(void)
{
	test_null_sections();
	test_long_names();
	test_parse_table();
	test_accessors();
}

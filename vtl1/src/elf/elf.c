// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Bounded ELF64 x86-64 relocatable object reader.
 *
 * The checks in heki_elf_parse() are a superset of Linux 6.1's
 * elf_validity_check() (kernel/module/main.c), so an image this reader
 * accepts is one the kernel's loader parses the same way, and every later
 * accessor only has to bound the index it is handed. The image is hostile:
 * all offsets and sizes are checked with overflow-checked arithmetic
 * before use and every multi-byte field is read with memcpy.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "elf.h"

/* Offsets inside Elf64_Ehdr / Elf64_Shdr / Elf64_Sym / Elf64_Rela. */
#define EH_IDENT_CLASS		4
#define EH_IDENT_DATA		5
#define EH_IDENT_VERSION	6
#define EH_TYPE			16
#define EH_MACHINE		18
#define EH_VERSION		20
#define EH_SHOFF		40
#define EH_EHSIZE		52
#define EH_SHENTSIZE		58
#define EH_SHNUM		60
#define EH_SHSTRNDX		62

#define ELFCLASS64		2
#define ELFDATA2LSB		1
#define EV_CURRENT		1

/* Decode section header @idx; the caller has bounded @idx by elf->shnum. */
static void load_shdr(const struct heki_elf *elf, __u32 idx,
		      struct heki_elf_shdr *sh)
{
	const __u8 *p = elf->data + elf->shoff + (__u64)idx * HEKI_ELF_SHDR_SIZE;

	sh->name = heki_le32(p + 0);
	sh->type = heki_le32(p + 4);
	sh->flags = heki_le64(p + 8);
	sh->addr = heki_le64(p + 16);
	sh->offset = heki_le64(p + 24);
	sh->size = heki_le64(p + 32);
	sh->link = heki_le32(p + 40);
	sh->info = heki_le32(p + 44);
	sh->addralign = heki_le64(p + 48);
	sh->entsize = heki_le64(p + 56);
}

/* [off, off + size) lies inside the image. */
static int range_ok(const struct heki_elf *elf, __u64 off, __u64 size)
{
	__u64 end;

	if (__builtin_add_overflow(off, size, &end))
		return 0;
	return end <= elf->len;
}

/* Two non-empty half-open ranges intersect. */
static int overlaps(__u64 a, __u64 alen, __u64 b, __u64 blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* A string table: in bounds, non-empty and NUL-terminated. */
static int strtab_ok(const struct heki_elf *elf, const struct heki_elf_shdr *sh)
{
	return sh->type == HEKI_SHT_STRTAB && sh->size &&
	       range_ok(elf, sh->offset, sh->size) &&
	       elf->data[sh->offset + sh->size - 1] == 0;
}

static int check_ident(const __u8 *d)
{
	if (d[0] != 0x7f || d[1] != 'E' || d[2] != 'L' || d[3] != 'F')
		return -HEKI_VSM_ERR_ELF_BAD_MAGIC;
	if (d[EH_IDENT_CLASS] != ELFCLASS64)
		return -HEKI_VSM_ERR_ELF_BAD_CLASS;
	if (d[EH_IDENT_DATA] != ELFDATA2LSB)
		return -HEKI_VSM_ERR_ELF_BAD_ENDIAN;
	if (d[EH_IDENT_VERSION] != EV_CURRENT || heki_le32(d + EH_VERSION) != EV_CURRENT)
		return -HEKI_VSM_ERR_ELF_BAD_VERSION;
	if (heki_le16(d + EH_TYPE) != HEKI_ET_REL)
		return -HEKI_VSM_ERR_ELF_BAD_TYPE;
	if (heki_le16(d + EH_MACHINE) != HEKI_EM_X86_64)
		return -HEKI_VSM_ERR_ELF_BAD_MACHINE;
	if (heki_le16(d + EH_EHSIZE) != HEKI_ELF_EHDR_SIZE ||
	    heki_le16(d + EH_SHENTSIZE) != HEKI_ELF_SHDR_SIZE)
		return -HEKI_VSM_ERR_ELF_BAD_HEADER_SIZE;
	return 0;
}

/**
 * heki_elf_has_file_bytes() - does a section occupy bytes of the file?
 * @sh: a section header
 *
 * NOBITS sections and empty SHT_NULL sections do not. A non-empty SHT_NULL
 * section does: the kernel's move_module() copies every ALLOC section that
 * is not NOBITS, so its bytes are bounds-checked and copied like PROGBITS.
 *
 * Return: 1 if [sh_offset, sh_offset + sh_size) are file bytes, else 0.
 */
int heki_elf_has_file_bytes(const struct heki_elf_shdr *sh)
{
	if (sh->type == HEKI_SHT_NOBITS)
		return 0;
	return sh->type != HEKI_SHT_NULL || sh->size;
}

/* Per-section checks; @tbl_len is the size of the section header table. */
static int check_section(struct heki_elf *elf, __u32 i,
			 const struct heki_elf_shdr *sh, __u64 shstr_size,
			 __u64 tbl_len)
{
	struct heki_elf_shdr link;

	if (sh->name >= shstr_size)
		return -HEKI_VSM_ERR_ELF_BAD_SECTION_NAME;
	if (sh->addralign & (sh->addralign - 1))
		return -HEKI_VSM_ERR_ELF_BAD_ALIGN;
	if (heki_elf_has_file_bytes(sh)) {
		if (!range_ok(elf, sh->offset, sh->size))
			return -HEKI_VSM_ERR_ELF_SECTION_OUT_OF_BOUNDS;
		if (overlaps(sh->offset, sh->size, 0, HEKI_ELF_EHDR_SIZE) ||
		    overlaps(sh->offset, sh->size, elf->shoff, tbl_len))
			return -HEKI_VSM_ERR_ELF_SECTION_OVERLAPS_HEADERS;
	}
	if (sh->type != HEKI_SHT_SYMTAB || elf->symtab)
		return 0;

	/* The first symbol table is the one the kernel uses. */
	if (sh->entsize != HEKI_ELF_SYM_SIZE || sh->size % HEKI_ELF_SYM_SIZE ||
	    sh->size < HEKI_ELF_SYM_SIZE)
		return -HEKI_VSM_ERR_ELF_BAD_SYMTAB;
	if (sh->link == 0 || sh->link >= elf->shnum)
		return -HEKI_VSM_ERR_ELF_BAD_STRTAB;
	load_shdr(elf, sh->link, &link);
	if (!strtab_ok(elf, &link))
		return -HEKI_VSM_ERR_ELF_BAD_STRTAB;
	elf->symtab = i;
	elf->strtab = sh->link;
	elf->nsyms = sh->size / HEKI_ELF_SYM_SIZE;
	elf->sym_off = sh->offset;	/* range_ok() above: in the image */
	elf->str_off = link.offset;
	elf->str_size = link.size;
	return 0;
}

/**
 * heki_elf_parse() - check an ELF64 x86-64 relocatable image
 * @elf: filled in on success; zeroed on failure
 * @data: the image (VTL1-private copy; must outlive @elf and not change)
 * @len: its length in bytes
 *
 * Checks, in order: the ELF header (size, magic, class, byte order,
 * version, ET_REL, EM_X86_64, header sizes), the section header table
 * (1..HEKI_ELF_MAX_SECTIONS entries, after the ELF header, inside the
 * image), e_shstrndx, the SHT_NULL entry 0, the section name table, and
 * for every section (entry 0 included): its name offset, a zero or
 * power-of-two alignment, its contents inside the image and clear of both
 * headers; finally the first SHT_SYMTAB (24-byte entries, at least the
 * null symbol) and its NUL-terminated string table.
 *
 * Return: 0, or -HEKI_VSM_ERR_ELF_* naming the first failed check.
 */
int heki_elf_parse(struct heki_elf *elf, const void *data, __u64 len)
{
	struct heki_elf_shdr sh, shstr;
	const __u8 *d = data;
	__u64 tbl_len, tbl_end;
	__u32 i;
	int ret;

	memset(elf, 0, sizeof(*elf));
	if (!d || len < HEKI_ELF_EHDR_SIZE)
		return -HEKI_VSM_ERR_ELF_TRUNCATED;
	ret = check_ident(d);
	if (ret)
		return ret;

	elf->data = d;
	elf->len = len;
	elf->shoff = heki_le64(d + EH_SHOFF);
	elf->shnum = heki_le16(d + EH_SHNUM);
	elf->shstrndx = heki_le16(d + EH_SHSTRNDX);
	if (elf->shnum == 0 || elf->shnum > HEKI_ELF_MAX_SECTIONS) {
		ret = -HEKI_VSM_ERR_ELF_BAD_SHNUM;
		goto fail;
	}
	tbl_len = (__u64)elf->shnum * HEKI_ELF_SHDR_SIZE;
	if (__builtin_add_overflow(elf->shoff, tbl_len, &tbl_end) ||
	    tbl_end > len) {
		ret = -HEKI_VSM_ERR_ELF_SHDRS_OUT_OF_BOUNDS;
		goto fail;
	}
	if (elf->shoff < HEKI_ELF_EHDR_SIZE) {
		ret = -HEKI_VSM_ERR_ELF_SHDRS_OVERLAP_EHDR;
		goto fail;
	}
	if (elf->shstrndx == 0 || elf->shstrndx >= elf->shnum) {
		ret = -HEKI_VSM_ERR_ELF_BAD_SHSTRNDX;
		goto fail;
	}
	load_shdr(elf, 0, &sh);
	if (sh.type != HEKI_SHT_NULL || sh.size || sh.addr) {
		ret = -HEKI_VSM_ERR_ELF_BAD_NULL_SECTION;
		goto fail;
	}
	load_shdr(elf, elf->shstrndx, &shstr);
	if (!strtab_ok(elf, &shstr)) {
		ret = -HEKI_VSM_ERR_ELF_BAD_SHSTRTAB;
		goto fail;
	}
	for (i = 0; i < elf->shnum; i++) {
		load_shdr(elf, i, &sh);
		ret = check_section(elf, i, &sh, shstr.size, tbl_len);
		if (ret)
			goto fail;
	}
	if (!elf->symtab) {
		ret = -HEKI_VSM_ERR_ELF_NO_SYMTAB;
		goto fail;
	}
	return 0;
fail:
	memset(elf, 0, sizeof(*elf));
	return ret;
}

/**
 * heki_elf_shdr() - copy out one section header
 * @elf: a parsed image
 * @idx: section index
 * @out: the header
 *
 * Return: 0, or -HEKI_VSM_ERR_ELF_SECTION_INDEX if @idx >= e_shnum.
 */
int heki_elf_shdr(const struct heki_elf *elf, __u32 idx,
		  struct heki_elf_shdr *out)
{
	if (idx >= elf->shnum)
		return -HEKI_VSM_ERR_ELF_SECTION_INDEX;
	load_shdr(elf, idx, out);
	return 0;
}

/**
 * heki_elf_section_name() - the NUL-terminated name of a section
 * @elf: a parsed image
 * @sh: a header returned by heki_elf_shdr() for @elf
 * @name: set to the name inside the image
 *
 * Return: 0, or -HEKI_VSM_ERR_ELF_BAD_SECTION_NAME if the name offset is
 * outside the section name table.
 */
int heki_elf_section_name(const struct heki_elf *elf,
			  const struct heki_elf_shdr *sh, const char **name)
{
	struct heki_elf_shdr shstr;

	load_shdr(elf, elf->shstrndx, &shstr);
	if (sh->name >= shstr.size)
		return -HEKI_VSM_ERR_ELF_BAD_SECTION_NAME;
	*name = (const char *)elf->data + shstr.offset + sh->name;
	return 0;
}

/**
 * heki_elf_name_is() - compare two NUL-terminated names
 * @name: a name from the image (NUL-terminated by the parse checks)
 * @want: the expected name
 *
 * Return: 1 if equal, else 0.
 */
int heki_elf_name_is(const char *name, const char *want)
{
	for (;; name++, want++) {
		if (*name != *want)
			return 0;
		if (!*name)
			return 1;
	}
}

/**
 * heki_elf_name_starts() - test a name prefix (the kernel's strstarts())
 * @name: a NUL-terminated name
 * @prefix: the prefix
 *
 * Return: 1 if @name begins with @prefix, else 0.
 */
int heki_elf_name_starts(const char *name, const char *prefix)
{
	for (; *prefix; name++, prefix++)
		if (*name != *prefix)
			return 0;
	return 1;
}

/**
 * heki_elf_find_section() - first section with a name and flags
 * @elf: a parsed image
 * @name: exact section name
 * @must_flags: SHF_* bits the section must have (0 for any)
 * @idx: set to the section index
 *
 * With @must_flags = SHF_ALLOC this is the kernel's find_sec().
 *
 * Return: 0, or -HEKI_VSM_ERR_ELF_SECTION_NOT_FOUND.
 */
int heki_elf_find_section(const struct heki_elf *elf, const char *name,
			  __u64 must_flags, __u32 *idx)
{
	struct heki_elf_shdr sh;
	const char *n;
	__u32 i;

	for (i = 1; i < elf->shnum; i++) {
		load_shdr(elf, i, &sh);
		if ((sh.flags & must_flags) != must_flags)
			continue;
		if (heki_elf_section_name(elf, &sh, &n))
			continue;
		if (heki_elf_name_is(n, name)) {
			*idx = i;
			return 0;
		}
	}
	return -HEKI_VSM_ERR_ELF_SECTION_NOT_FOUND;
}

/**
 * heki_elf_section_bytes() - the file contents of a section
 * @elf: a parsed image
 * @sh: a header of @elf
 * @bytes: set to the first byte inside the image; NULL for sections
 *	without file bytes (heki_elf_has_file_bytes()), whose contents the
 *	loader zero-fills
 *
 * Return: 0, or -HEKI_VSM_ERR_ELF_SECTION_OUT_OF_BOUNDS if the header does
 * not describe bytes inside the image.
 */
int heki_elf_section_bytes(const struct heki_elf *elf,
			   const struct heki_elf_shdr *sh, const __u8 **bytes)
{
	if (!heki_elf_has_file_bytes(sh)) {
		*bytes = NULL;
		return 0;
	}
	if (!range_ok(elf, sh->offset, sh->size))
		return -HEKI_VSM_ERR_ELF_SECTION_OUT_OF_BOUNDS;
	*bytes = elf->data + sh->offset;
	return 0;
}

/**
 * heki_elf_sym() - copy out one symbol of the symbol table
 * @elf: a parsed image
 * @idx: symbol index (0 is the null symbol)
 * @out: the symbol
 *
 * Return: 0, or -HEKI_VSM_ERR_ELF_SYMBOL_INDEX if @idx >= the symbol count.
 */
int heki_elf_sym(const struct heki_elf *elf, __u64 idx,
		 struct heki_elf_sym *out)
{
	const __u8 *p;

	if (idx >= elf->nsyms)
		return -HEKI_VSM_ERR_ELF_SYMBOL_INDEX;
	p = elf->data + elf->sym_off + idx * HEKI_ELF_SYM_SIZE;
	out->name = heki_le32(p + 0);
	out->info = p[4];
	out->other = p[5];
	out->shndx = heki_le16(p + 6);
	out->value = heki_le64(p + 8);
	out->size = heki_le64(p + 16);
	return 0;
}

/**
 * heki_elf_sym_name() - the NUL-terminated name of a symbol
 * @elf: a parsed image
 * @sym: a symbol of @elf
 * @name: set to the name inside the image ("" for st_name 0)
 *
 * Return: 0; -HEKI_VSM_ERR_ELF_SYMBOL_NAME if st_name is outside the
 * symbol string table; -HEKI_VSM_ERR_ELF_SYMBOL_NAME_TOO_LONG if the name
 * has more than HEKI_ELF_MAX_NAME_LEN bytes.
 */
int heki_elf_sym_name(const struct heki_elf *elf,
		      const struct heki_elf_sym *sym, const char **name)
{
	const __u8 *p;
	__u64 i, max;

	if (sym->name >= elf->str_size)
		return -HEKI_VSM_ERR_ELF_SYMBOL_NAME;
	p = elf->data + elf->str_off + sym->name;
	/* The table ends with NUL (parse check), so a NUL is found. */
	max = elf->str_size - sym->name;
	if (max > HEKI_ELF_MAX_NAME_LEN + 1)
		max = HEKI_ELF_MAX_NAME_LEN + 1;
	/*
	 * Eight bytes at a time: the lowest bit set in z marks the first NUL
	 * (bits above it may be set wrongly, never below), then bytewise for
	 * the tail.
	 */
	for (i = 0; i + 8 <= max; i += 8) {
		__u64 w = heki_le64(p + i);
		__u64 z = (w - 0x0101010101010101ULL) & ~w &
			  0x8080808080808080ULL;

		if (z) {
			i += (__u64)__builtin_ctzll(z) / 8;
			break;
		}
	}
	if (i + 8 > max)
		for (; i < max && p[i]; i++)
			;
	if (i == max)
		return -HEKI_VSM_ERR_ELF_SYMBOL_NAME_TOO_LONG;
	*name = (const char *)p;
	return 0;
}

/**
 * heki_elf_rela_count() - validate a SHT_RELA section, count its entries
 * @elf: a parsed image
 * @sh: a header of @elf
 * @count: number of Elf64_Rela entries
 *
 * The section must be SHT_RELA with 24-byte entries, a size that is a
 * multiple of 24, and sh_link naming the symbol table the kernel uses.
 *
 * Return: 0, or -HEKI_VSM_ERR_ELF_BAD_RELA.
 */
int heki_elf_rela_count(const struct heki_elf *elf,
			const struct heki_elf_shdr *sh, __u64 *count)
{
	if (sh->type != HEKI_SHT_RELA || sh->entsize != HEKI_ELF_RELA_SIZE ||
	    sh->size % HEKI_ELF_RELA_SIZE || sh->link != elf->symtab ||
	    !range_ok(elf, sh->offset, sh->size))
		return -HEKI_VSM_ERR_ELF_BAD_RELA;
	*count = sh->size / HEKI_ELF_RELA_SIZE;
	return 0;
}

/**
 * heki_elf_rela() - copy out one relocation entry
 * @elf: a parsed image
 * @sh: a SHT_RELA header of @elf
 * @idx: entry index
 * @out: the entry
 *
 * Return: 0, -HEKI_VSM_ERR_ELF_BAD_RELA, or -HEKI_VSM_ERR_ELF_RELA_INDEX if
 * @idx is past the last entry.
 */
int heki_elf_rela(const struct heki_elf *elf, const struct heki_elf_shdr *sh,
		  __u64 idx, struct heki_elf_rela *out)
{
	__u64 count;
	int ret;

	ret = heki_elf_rela_count(elf, sh, &count);
	if (ret)
		return ret;
	if (idx >= count)
		return -HEKI_VSM_ERR_ELF_RELA_INDEX;
	heki_elf_rela_decode(elf->data + sh->offset + idx * HEKI_ELF_RELA_SIZE,
			     out);
	return 0;
}

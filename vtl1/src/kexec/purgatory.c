// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * purgatory.c - the purgatory segment kexec_load_purgatory() makes (see
 * purgatory.h), redone by VTL1 from the purgatory the running kernel
 * carries.
 *
 * The ELF came from read-only data the kernel protected before end of boot
 * (LoadKData), but it is read as hostile all the same, by the one ELF
 * reader of the library (elf/elf.h, which bounds every offset, size, index
 * and name), and every alignment and layout sum is checked here before use.
 * Where the kernel's loader
 * trusts its own purgatory (relocation offsets inside their section, a
 * relocated section that is not .bss, symbol names inside the string
 * table, one symbol table, the symbols it sets inside their section),
 * VTL1 refuses an ELF
 * that would need more (KEXEC_PURGATORY_INVALID); everywhere else it
 * computes exactly what the kernel computes, in the same order.
 */
#include "core/core.h"
#include "elf/elf.h"
#include "purgatory.h"

/* ELF64 values the reader (elf/elf.h) does not name */
#define STB_GLOBAL	1
#define R_X86_64_NONE	0
#define R_X86_64_64	1
#define R_X86_64_PC32	2
#define R_X86_64_32	10
#define R_X86_64_32S	11
#define R_X86_64_PLT32	4

#define BAD	(-HEKI_VSM_ERR_KEXEC_PURGATORY_INVALID)

/* Section header @i (any reader error is BAD). */
static int shdr(const struct heki_purgatory *p, __u32 i,
		struct heki_elf_shdr *s)
{
	return heki_elf_shdr(&p->elf, i, s) ? BAD : 0;
}

static void put32(__u8 *b, __u32 v)
{
	b[0] = (__u8)v;
	b[1] = (__u8)(v >> 8);
	b[2] = (__u8)(v >> 16);
	b[3] = (__u8)(v >> 24);
}

static void put64(__u8 *b, __u64 v)
{
	put32(b, (__u32)v);
	put32(b + 4, (__u32)(v >> 32));
}

/*
 * kexec_purgatory_find_symbol(): the first STB_GLOBAL symbol named @name
 * (the parse left one symbol table, the kernel searches all of them in
 * order); one in no section (undefined, or an index beyond the headers)
 * means "not found". A global symbol whose name the reader refuses (outside
 * the string table, too long) is BAD where the kernel would read past the
 * table. Return: 1 found, 0 not found, or BAD.
 */
static int find_symbol(const struct heki_purgatory *p, const char *name,
		       struct heki_elf_sym *out)
{
	const char *n;
	__u64 k;

	for (k = 0; k < p->elf.nsyms; k++) {
		if (heki_elf_sym(&p->elf, k, out))
			return BAD;
		if ((out->info >> 4) != STB_GLOBAL)
			continue;
		if (heki_elf_sym_name(&p->elf, out, &n))
			return BAD;
		if (!heki_elf_name_is(n, name))
			continue;
		return out->shndx != HEKI_SHN_UNDEF &&
		       out->shndx < p->elf.shnum;
	}
	return 0;
}

static int pow2_align(__u64 a)
{
	return a && a <= HEKI_PURGATORY_MAX_ALIGN && !(a & (a - 1));
}

/* ALIGN(*x, a) + add, bounded by HEKI_PURGATORY_MAX_MEMSZ. */
static int grow(__u64 *x, __u64 a, __u64 add)
{
	__u64 y = (*x + a - 1) & ~(a - 1);

	if (add > HEKI_PURGATORY_MAX_MEMSZ || y + add > HEKI_PURGATORY_MAX_MEMSZ)
		return BAD;
	*x = y + add;
	return 0;
}

/*
 * kexec_purgatory_setup_kbuf() and kexec_purgatory_setup_sechdrs(): the
 * loaded sections in header order, the others in the buffer at their
 * aligned offsets, SHT_NOBITS ones after the buffer; image->start from
 * purgatory_start (or, failing that, from e_entry in the first
 * executable section holding it).
 */
static int layout(struct heki_purgatory *p, __u64 e_entry)
{
	__u64 bss = 0, bss_align = 1, off = 0;
	struct heki_elf_sym entry;
	struct heki_elf_shdr s;
	const __u8 *bytes;
	int have_entry, start_fixed = 0;
	__u32 i;

	have_entry = find_symbol(p, "purgatory_start", &entry);
	if (have_entry < 0)
		return have_entry;
	p->buf_align = 1;
	for (i = 0; i < p->elf.shnum; i++) {
		if (shdr(p, i, &s))
			return BAD;
		if (!(s.flags & HEKI_SHF_ALLOC))
			continue;
		if (!pow2_align(s.addralign))
			return BAD;
		p->loaded[i] = 1;
		if (s.type == HEKI_SHT_NOBITS) {
			if (s.addralign > bss_align)
				bss_align = s.addralign;
			if (grow(&bss, s.addralign, s.size))
				return BAD;
			/* Offset after the buffer, fixed below. */
			p->sec_off[i] = bss - s.size;
			continue;
		}
		/* The parse bounded every section's bytes; checked again. */
		if (heki_elf_section_bytes(&p->elf, &s, &bytes))
			return BAD;
		if (s.addralign > p->buf_align)
			p->buf_align = s.addralign;
		off = (off + s.addralign - 1) & ~(s.addralign - 1);
		if (!start_fixed && have_entry && i == entry.shndx &&
		    (s.flags & HEKI_SHF_EXECINSTR) && entry.value < s.size) {
			p->entry = off + entry.value;
			start_fixed = 1;
		}
		if (!start_fixed && (s.flags & HEKI_SHF_EXECINSTR) &&
		    e_entry >= s.addr && e_entry - s.addr < s.size) {
			p->entry = off + (e_entry - s.addr);
			start_fixed = 1;
		}
		p->sec_off[i] = off;
		if (grow(&off, 1, s.size))
			return BAD;
	}
	/* image->start would be the raw e_entry: not an address VTL1 binds. */
	if (!start_fixed)
		return BAD;
	p->bufsz = (off + bss_align - 1) & ~(bss_align - 1);
	if (bss_align > p->buf_align)
		p->buf_align = bss_align;
	if (p->buf_align < HEKI_PAGE_SIZE)
		p->buf_align = HEKI_PAGE_SIZE;
	for (i = 0; i < p->elf.shnum; i++) {
		if (shdr(p, i, &s))
			return BAD;
		if (p->loaded[i] && s.type == HEKI_SHT_NOBITS)
			p->sec_off[i] += p->bufsz;
	}
	/* Both terms below HEKI_PURGATORY_MAX_MEMSZ + its alignment. */
	p->memsz = (p->bufsz + bss + HEKI_PAGE_SIZE - 1) &
		   ~(__u64)(HEKI_PAGE_SIZE - 1);
	return p->memsz <= HEKI_PURGATORY_MAX_MEMSZ ? 0 : BAD;
}

/*
 * A symbol kexec_purgatory_get_set_symbol() writes: found, @size bytes
 * (st_size, as the kernel requires), inside a loaded section with bytes.
 */
static int set_symbol(const struct heki_purgatory *p, const char *name,
		      __u64 size, __u64 *off)
{
	struct heki_elf_sym y;
	struct heki_elf_shdr s;

	if (find_symbol(p, name, &y) != 1 || y.size != size ||
	    shdr(p, y.shndx, &s))
		return BAD;
	if (!p->loaded[y.shndx] || s.type == HEKI_SHT_NOBITS ||
	    y.value > s.size || s.size - y.value < size)
		return BAD;
	*off = p->sec_off[y.shndx] + y.value;
	return 0;
}

static int overlap(__u64 a, __u64 alen, __u64 b, __u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* The parse of elf/elf.c, then what the purgatory needs beyond a module. */
static int parse_elf(struct heki_purgatory *p, const __u8 *elf, __u64 len)
{
	struct heki_elf_shdr s;
	__u32 i, nsymtab = 0;

	if (len > HEKI_VTL1_MAX_PURGATORY_SIZE ||
	    heki_elf_parse(&p->elf, elf, len) ||
	    p->elf.shnum > HEKI_PURGATORY_MAX_SECTIONS)
		return BAD;
	/*
	 * The kernel searches every symbol table for the symbols it sets and
	 * relocates with each relocation section's own sh_link; one table
	 * makes the reader's symbols the ones the kernel would use.
	 */
	for (i = 0; i < p->elf.shnum; i++) {
		if (shdr(p, i, &s))
			return BAD;
		nsymtab += s.type == HEKI_SHT_SYMTAB;
	}
	return nsymtab == 1 ? 0 : BAD;
}

/**
 * heki_purgatory_parse() - check the kexec_purgatory ELF and lay it out
 * @elf: the ELF (VTL1 copy), at most HEKI_VTL1_MAX_PURGATORY_SIZE bytes
 * @len: its length
 * @p: filled on success
 *
 * The ELF: everything heki_elf_parse() checks (elf/elf.h), 1 to
 * HEKI_PURGATORY_MAX_SECTIONS section headers and exactly one symbol
 * table; loaded sections with a power-of-two alignment up to
 * HEKI_PURGATORY_MAX_ALIGN; a segment of at most HEKI_PURGATORY_MAX_MEMSZ;
 * an entry point in an executable loaded section; global symbols with
 * names the reader accepts; the global symbols the loader sets
 * (entry64_regs, 136 bytes; purgatory_sha_regions, 256;
 * purgatory_sha256_digest, 32; all in loaded sections with bytes, not
 * overlapping) and stack_end in a loaded section.
 *
 * Return: 0 or -HEKI_VSM_ERR_KEXEC_PURGATORY_INVALID.
 */
int heki_purgatory_parse(const __u8 *elf, __u64 len, struct heki_purgatory *p)
{
	struct heki_elf_sym y;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = parse_elf(p, elf, len);
	if (!ret)
		ret = layout(p, heki_le64(elf + 24));
	if (!ret)
		ret = set_symbol(p, "entry64_regs", HEKI_PURGATORY_REGS_SIZE,
				 &p->regs);
	if (!ret)
		ret = set_symbol(p, "purgatory_sha_regions",
				 HEKI_PURGATORY_REGIONS_SIZE, &p->regions);
	if (!ret)
		ret = set_symbol(p, "purgatory_sha256_digest",
				 HEKI_PURGATORY_DIGEST_SIZE, &p->digest);
	if (ret)
		return ret;
	if (overlap(p->regs, HEKI_PURGATORY_REGS_SIZE, p->regions,
		    HEKI_PURGATORY_REGIONS_SIZE) ||
	    overlap(p->regs, HEKI_PURGATORY_REGS_SIZE, p->digest,
		    HEKI_PURGATORY_DIGEST_SIZE) ||
	    overlap(p->regions, HEKI_PURGATORY_REGIONS_SIZE, p->digest,
		    HEKI_PURGATORY_DIGEST_SIZE))
		return BAD;
	/* kexec_purgatory_get_symbol_addr("stack_end") */
	if (find_symbol(p, "stack_end", &y) != 1 || !p->loaded[y.shndx] ||
	    y.value > HEKI_PURGATORY_MAX_MEMSZ)
		return BAD;
	p->stack_end = p->sec_off[y.shndx] + y.value;
	return 0;
}

/* Address a relocation's symbol resolves to (sec_base + st_value). */
static int sym_base(const struct heki_purgatory *p, __u64 mem,
		    const struct heki_elf_sym *y, __u64 *base)
{
	struct heki_elf_shdr s;

	if (y->shndx == HEKI_SHN_UNDEF || y->shndx == HEKI_SHN_COMMON)
		return BAD;
	if (y->shndx == HEKI_SHN_ABS) {
		*base = 0;
		return 0;
	}
	if (shdr(p, y->shndx, &s))
		return BAD;
	if (p->loaded[y->shndx]) {
		*base = mem + p->sec_off[y->shndx];
		return 0;
	}
	/* Not loaded: the kernel keeps the header's own sh_addr. */
	*base = s.addr;
	return 0;
}

/* One Elf64_Rela of @rs applied to the target section @t (index @ti). */
static int apply_rela(const struct heki_purgatory *p, __u64 mem, __u8 *buf,
		      const struct heki_elf_rela *r,
		      const struct heki_elf_shdr *t, __u32 ti)
{
	struct heki_elf_sym y;
	__u64 value, where, base;

	if (heki_elf_sym(&p->elf, r->sym, &y) || sym_base(p, mem, &y, &base))
		return BAD;
	/* u64 arithmetic wraps as the kernel's unsigned long does. */
	value = y.value + base + (__u64)r->addend;
	if (r->type == R_X86_64_NONE)
		return 0;
	where = r->offset;
	if (where > t->size ||
	    t->size - where < (r->type == R_X86_64_64 ? 8 : 4))
		return BAD;
	where += p->sec_off[ti];
	switch (r->type) {
	case R_X86_64_64:
		put64(buf + where, value);
		return 0;
	case R_X86_64_32:
		if (value != (__u32)value)
			return BAD;
		put32(buf + where, (__u32)value);
		return 0;
	case R_X86_64_32S:
		if ((__s64)value != (__s32)value)
			return BAD;
		put32(buf + where, (__u32)value);
		return 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		value -= mem + where;
		put32(buf + where, (__u32)value);
		return 0;
	default:
		return BAD;
	}
}

/*
 * kexec_apply_relocations() for one SHT_RELA or SHT_REL section, then
 * arch_kexec_apply_relocations_add() for its entries.
 */
static int relocate(const struct heki_purgatory *p, __u64 mem, __u8 *buf,
		    const struct heki_elf_shdr *rs)
{
	struct heki_elf_shdr t, st;
	struct heki_elf_rela r;
	__u64 k, n;

	if (shdr(p, rs->info, &t) || shdr(p, rs->link, &st))
		return BAD;
	if (!p->loaded[rs->info])
		return 0;
	/* The kernel skips a table whose string table index is bad. */
	if (st.link >= p->elf.shnum)
		return 0;
	/* x86-64 has no arch_kexec_apply_relocations(): REL is -ENOEXEC. */
	if (rs->type == HEKI_SHT_REL || t.type == HEKI_SHT_NOBITS)
		return BAD;
	/* Entries of 24 bytes inside the file, sh_link the symbol table. */
	if (heki_elf_rela_count(&p->elf, rs, &n))
		return BAD;
	for (k = 0; k < n; k++)
		if (heki_elf_rela(&p->elf, rs, k, &r) ||
		    apply_rela(p, mem, buf, &r, &t, rs->info))
			return BAD;
	return 0;
}

/**
 * heki_purgatory_load() - the purgatory buffer for one load address
 * @p: from heki_purgatory_parse()
 * @mem: the purgatory segment's address (a multiple of @p->buf_align)
 * @buf: @p->bufsz bytes, filled: the loaded sections at their offsets
 *	(zeros between them), relocated for @mem in section and entry
 *	order; entry64_regs, purgatory_sha_regions and
 *	purgatory_sha256_digest hold the ELF's bytes (relocated)
 *
 * SHT_REL sections, relocation types other than NONE, 64, 32, 32S, PC32
 * and PLT32, a 32 or 32S value that does not fit, undefined and common
 * symbols are refused as by the kernel; a relocation outside its section
 * or into .bss, or a relocation section the reader refuses (entry size not
 * 24, sh_link not the symbol table) is refused where the kernel would write
 * out of bounds or use another table.
 *
 * Return: 0 or -HEKI_VSM_ERR_KEXEC_PURGATORY_INVALID.
 */
int heki_purgatory_load(const struct heki_purgatory *p, __u64 mem,
			__u8 *buf)
{
	struct heki_elf_shdr s;
	const __u8 *bytes;
	__u32 i;
	int ret;

	memset(buf, 0, p->bufsz);
	for (i = 0; i < p->elf.shnum; i++) {
		if (shdr(p, i, &s))
			return BAD;
		if (!p->loaded[i] || s.type == HEKI_SHT_NOBITS)
			continue;
		if (heki_elf_section_bytes(&p->elf, &s, &bytes))
			return BAD;
		if (bytes)
			memcpy(buf + p->sec_off[i], bytes, s.size);
	}
	for (i = 0; i < p->elf.shnum; i++) {
		if (shdr(p, i, &s))
			return BAD;
		if (s.type != HEKI_SHT_RELA && s.type != HEKI_SHT_REL)
			continue;
		ret = relocate(p, mem, buf, &s);
		if (ret)
			return ret;
	}
	return 0;
}

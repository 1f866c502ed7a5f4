// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * purgatory.c - the purgatory segment kexec_load_purgatory() makes (see
 * purgatory.h), redone by VTL1 from the purgatory the running kernel
 * carries.
 *
 * The ELF came from read-only data the kernel protected before end of boot
 * (LoadKData), but it is read as hostile all the same: every offset, size,
 * index and alignment is checked before use. Where the kernel's loader
 * trusts its own purgatory (relocation offsets inside their section, a
 * relocated section that is not .bss, symbol names inside the string
 * table, the symbols it sets inside their section), VTL1 refuses an ELF
 * that would need more (KEXEC_PURGATORY_INVALID); everywhere else it
 * computes exactly what the kernel computes, in the same order.
 */
#include "core/core.h"
#include "purgatory.h"

/* ELF64 (include/uapi/linux/elf.h) */
#define EH_SIZE		64
#define SH_SIZE		64
#define SYM_SIZE	24
#define RELA_SIZE	24
#define ET_REL		1
#define EM_X86_64	62
#define SHT_SYMTAB	2
#define SHT_RELA	4
#define SHT_NOBITS	8
#define SHT_REL		9
#define SHF_ALLOC	0x2ULL
#define SHF_EXECINSTR	0x4ULL
#define SHN_UNDEF	0
#define SHN_ABS		0xfff1
#define SHN_COMMON	0xfff2
#define STB_GLOBAL	1
#define R_X86_64_NONE	0
#define R_X86_64_64	1
#define R_X86_64_PC32	2
#define R_X86_64_32	10
#define R_X86_64_32S	11
#define R_X86_64_PLT32	4

/**
 * struct pg_shdr - the fields of an Elf64_Shdr VTL1 uses
 * @type: sh_type
 * @flags: sh_flags
 * @addr: sh_addr
 * @offset: sh_offset
 * @size: sh_size
 * @link: sh_link
 * @info: sh_info
 * @align: sh_addralign
 */
struct pg_shdr {
	__u32 type;
	__u64 flags;
	__u64 addr;
	__u64 offset;
	__u64 size;
	__u32 link;
	__u32 info;
	__u64 align;
};

/**
 * struct pg_sym - the fields of an Elf64_Sym VTL1 uses
 * @name: st_name
 * @info: st_info
 * @shndx: st_shndx
 * @value: st_value
 * @size: st_size
 */
struct pg_sym {
	__u32 name;
	__u8 info;
	__u16 shndx;
	__u64 value;
	__u64 size;
};

#define BAD	(-HEKI_VSM_ERR_KEXEC_PURGATORY_INVALID)

/* [off, off + n) inside [0, len) without overflow. */
static int in_file(__u64 len, __u64 off, __u64 n)
{
	__u64 end;

	return !__builtin_add_overflow(off, n, &end) && end <= len;
}

static void shdr(const struct heki_purgatory *p, __u32 i, struct pg_shdr *s)
{
	const __u8 *h = p->elf + p->shoff + (__u64)i * SH_SIZE;

	s->type = heki_le32(h + 4);
	s->flags = heki_le64(h + 8);
	s->addr = heki_le64(h + 16);
	s->offset = heki_le64(h + 24);
	s->size = heki_le64(h + 32);
	s->link = heki_le32(h + 40);
	s->info = heki_le32(h + 44);
	s->align = heki_le64(h + 48);
}

/* Symbol @k of the symbol table @st (the caller bounded @k). */
static void sym(const struct heki_purgatory *p, const struct pg_shdr *st,
		__u64 k, struct pg_sym *s)
{
	const __u8 *e = p->elf + st->offset + k * SYM_SIZE;

	s->name = heki_le32(e);
	s->info = e[4];
	s->shndx = heki_le16(e + 6);
	s->value = heki_le64(e + 8);
	s->size = heki_le64(e + 16);
}

/* A symbol table: inside the file, whole entries, a string table. */
static int symtab_ok(const struct heki_purgatory *p, const struct pg_shdr *st,
		     struct pg_shdr *str)
{
	if (st->type != SHT_SYMTAB || st->size % SYM_SIZE ||
	    !in_file(p->len, st->offset, st->size) || st->link >= p->shnum)
		return 0;
	shdr(p, st->link, str);
	return in_file(p->len, str->offset, str->size);
}

/*
 * Name @off of the string table @str is @name (@n bytes and a NUL, all
 * inside the table).
 */
static int name_is(const struct heki_purgatory *p, const struct pg_shdr *str,
		   __u32 off, const char *name, __u64 n)
{
	return off < str->size && str->size - off > n &&
	       !memcmp(p->elf + str->offset + off, name, n) &&
	       !p->elf[str->offset + off + n];
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
 * of any symbol table (tables whose string table index is out of range
 * are skipped); one in no section (undefined, or an index beyond the
 * headers) means "not found". Return: 1 found, 0 not found, or BAD.
 */
static int find_symbol_n(const struct heki_purgatory *p, const char *name,
			 __u64 n, struct pg_sym *out)
{
	struct pg_shdr st, str;
	__u32 i;
	__u64 k;

	for (i = 0; i < p->shnum; i++) {
		shdr(p, i, &st);
		if (st.type != SHT_SYMTAB || st.link >= p->shnum)
			continue;
		if (!symtab_ok(p, &st, &str))
			return BAD;
		for (k = 0; k < st.size / SYM_SIZE; k++) {
			sym(p, &st, k, out);
			if ((out->info >> 4) != STB_GLOBAL ||
			    !name_is(p, &str, out->name, name, n))
				continue;
			return out->shndx != SHN_UNDEF && out->shndx < p->shnum;
		}
	}
	return 0;
}

/* @name is a string literal. */
#define find_symbol(p, name, out) \
	find_symbol_n(p, name, sizeof(name) - 1, out)

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
	struct pg_sym entry;
	struct pg_shdr s;
	int have_entry, start_fixed = 0;
	__u32 i;

	have_entry = find_symbol(p, "purgatory_start", &entry);
	if (have_entry < 0)
		return have_entry;
	p->buf_align = 1;
	for (i = 0; i < p->shnum; i++) {
		shdr(p, i, &s);
		if (!(s.flags & SHF_ALLOC))
			continue;
		if (!pow2_align(s.align))
			return BAD;
		p->loaded[i] = 1;
		if (s.type == SHT_NOBITS) {
			if (s.align > bss_align)
				bss_align = s.align;
			if (grow(&bss, s.align, s.size))
				return BAD;
			/* Offset after the buffer, fixed below. */
			p->sec_off[i] = bss - s.size;
			continue;
		}
		if (!in_file(p->len, s.offset, s.size))
			return BAD;
		if (s.align > p->buf_align)
			p->buf_align = s.align;
		off = (off + s.align - 1) & ~(s.align - 1);
		if (!start_fixed && have_entry && i == entry.shndx &&
		    (s.flags & SHF_EXECINSTR) && entry.value < s.size) {
			p->entry = off + entry.value;
			start_fixed = 1;
		}
		if (!start_fixed && (s.flags & SHF_EXECINSTR) &&
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
	for (i = 0; i < p->shnum; i++) {
		shdr(p, i, &s);
		if (p->loaded[i] && s.type == SHT_NOBITS)
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
		      __u64 n, __u64 size, __u64 *off)
{
	struct pg_sym y;
	struct pg_shdr s;

	if (find_symbol_n(p, name, n, &y) != 1 || y.size != size)
		return BAD;
	shdr(p, y.shndx, &s);
	if (!p->loaded[y.shndx] || s.type == SHT_NOBITS ||
	    y.value > s.size || s.size - y.value < size)
		return BAD;
	*off = p->sec_off[y.shndx] + y.value;
	return 0;
}

/* set_symbol() of the string literal @name. */
#define set_symbol_lit(p, name, size, off) \
	set_symbol(p, name, sizeof(name) - 1, size, off)

static int overlap(__u64 a, __u64 alen, __u64 b, __u64 blen)
{
	return a < b + blen && b < a + alen;
}

/**
 * heki_purgatory_parse() - check the kexec_purgatory ELF and lay it out
 * @elf: the ELF (VTL1 copy), at most HEKI_VTL1_MAX_PURGATORY_SIZE bytes
 * @len: its length
 * @p: filled on success
 *
 * The ELF: ELF64, little-endian, ET_REL, x86-64, 1 to
 * HEKI_PURGATORY_MAX_SECTIONS section headers inside the file; loaded
 * sections with a power-of-two alignment up to HEKI_PURGATORY_MAX_ALIGN
 * and their bytes in the file; a segment of at most
 * HEKI_PURGATORY_MAX_MEMSZ; an entry point in an executable loaded
 * section; the global symbols the loader sets (entry64_regs, 136 bytes;
 * purgatory_sha_regions, 256; purgatory_sha256_digest, 32; all in loaded
 * sections with bytes, not overlapping) and stack_end in a loaded section.
 *
 * Return: 0 or -HEKI_VSM_ERR_KEXEC_PURGATORY_INVALID.
 */
int heki_purgatory_parse(const __u8 *elf, __u64 len, struct heki_purgatory *p)
{
	struct pg_sym y;
	struct pg_shdr s;
	int ret;

	memset(p, 0, sizeof(*p));
	p->elf = elf;
	p->len = len;
	if (!elf || len < EH_SIZE || len > HEKI_VTL1_MAX_PURGATORY_SIZE ||
	    memcmp(elf, "\177ELF\2\1\1", 7) || heki_le16(elf + 16) != ET_REL ||
	    heki_le16(elf + 18) != EM_X86_64 || heki_le16(elf + 58) != SH_SIZE)
		return BAD;
	p->shoff = heki_le64(elf + 40);
	p->shnum = heki_le16(elf + 60);
	if (!p->shnum || p->shnum > HEKI_PURGATORY_MAX_SECTIONS ||
	    !in_file(len, p->shoff, (__u64)p->shnum * SH_SIZE))
		return BAD;
	ret = layout(p, heki_le64(elf + 24));
	if (!ret)
		ret = set_symbol_lit(p, "entry64_regs",
				     HEKI_PURGATORY_REGS_SIZE, &p->regs);
	if (!ret)
		ret = set_symbol_lit(p, "purgatory_sha_regions",
				     HEKI_PURGATORY_REGIONS_SIZE, &p->regions);
	if (!ret)
		ret = set_symbol_lit(p, "purgatory_sha256_digest",
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
	if (find_symbol(p, "stack_end", &y) != 1 || !p->loaded[y.shndx])
		return BAD;
	shdr(p, y.shndx, &s);
	if (y.value > HEKI_PURGATORY_MAX_MEMSZ)
		return BAD;
	p->stack_end = p->sec_off[y.shndx] + y.value;
	return 0;
}

/* Address a relocation's symbol resolves to (sec_base + st_value). */
static int sym_base(const struct heki_purgatory *p, __u64 mem,
		    const struct pg_sym *y, __u64 *base)
{
	struct pg_shdr s;

	if (y->shndx == SHN_UNDEF || y->shndx == SHN_COMMON)
		return BAD;
	if (y->shndx == SHN_ABS) {
		*base = 0;
		return 0;
	}
	if (y->shndx >= p->shnum)
		return BAD;
	if (p->loaded[y->shndx]) {
		*base = mem + p->sec_off[y->shndx];
		return 0;
	}
	/* Not loaded: the kernel keeps the header's own sh_addr. */
	shdr(p, y->shndx, &s);
	*base = s.addr;
	return 0;
}

/*
 * kexec_apply_relocations() for one SHT_RELA or SHT_REL section, then
 * arch_kexec_apply_relocations_add() for its entries.
 */
static int relocate(const struct heki_purgatory *p, __u64 mem, __u8 *buf,
		    const struct pg_shdr *rs)
{
	struct pg_shdr t, st, str;
	struct pg_sym y;
	__u64 k, n, value, where, base;
	__u32 type;
	const __u8 *r;

	if (rs->info >= p->shnum || rs->link >= p->shnum)
		return BAD;
	shdr(p, rs->info, &t);
	if (!p->loaded[rs->info])
		return 0;
	shdr(p, rs->link, &st);
	/* The kernel skips a table whose string table index is bad. */
	if (st.link >= p->shnum)
		return 0;
	/* x86-64 has no arch_kexec_apply_relocations(): REL is -ENOEXEC. */
	if (rs->type == SHT_REL)
		return BAD;
	if (t.type == SHT_NOBITS || !symtab_ok(p, &st, &str) ||
	    rs->size % RELA_SIZE || !in_file(p->len, rs->offset, rs->size))
		return BAD;
	n = rs->size / RELA_SIZE;
	for (k = 0; k < n; k++) {
		r = p->elf + rs->offset + k * RELA_SIZE;
		where = heki_le64(r);
		type = (__u32)heki_le64(r + 8);
		if ((heki_le64(r + 8) >> 32) >= st.size / SYM_SIZE)
			return BAD;
		sym(p, &st, heki_le64(r + 8) >> 32, &y);
		if (sym_base(p, mem, &y, &base))
			return BAD;
		/* u64 arithmetic wraps as the kernel's unsigned long does. */
		value = y.value + base + heki_le64(r + 16);
		if (type == R_X86_64_NONE)
			continue;
		if (where > t.size || t.size - where < (type == R_X86_64_64 ? 8 : 4))
			return BAD;
		where += p->sec_off[rs->info];
		switch (type) {
		case R_X86_64_64:
			put64(buf + where, value);
			break;
		case R_X86_64_32:
			if (value != (__u32)value)
				return BAD;
			put32(buf + where, (__u32)value);
			break;
		case R_X86_64_32S:
			if ((__s64)value != (__s32)value)
				return BAD;
			put32(buf + where, (__u32)value);
			break;
		case R_X86_64_PC32:
		case R_X86_64_PLT32:
			value -= mem + where;
			put32(buf + where, (__u32)value);
			break;
		default:
			return BAD;
		}
	}
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
 * or into .bss is refused where the kernel would write out of bounds.
 *
 * Return: 0 or -HEKI_VSM_ERR_KEXEC_PURGATORY_INVALID.
 */
int heki_purgatory_load(const struct heki_purgatory *p, __u64 mem,
			__u8 *buf)
{
	struct pg_shdr s;
	__u32 i;
	int ret;

	memset(buf, 0, p->bufsz);
	for (i = 0; i < p->shnum; i++) {
		shdr(p, i, &s);
		if (p->loaded[i] && s.type != SHT_NOBITS)
			memcpy(buf + p->sec_off[i], p->elf + s.offset, s.size);
	}
	for (i = 0; i < p->shnum; i++) {
		shdr(p, i, &s);
		if (s.type != SHT_RELA && s.type != SHT_REL)
			continue;
		ret = relocate(p, mem, buf, &s);
		if (ret)
			return ret;
	}
	return 0;
}

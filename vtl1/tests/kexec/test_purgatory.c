// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_purgatory.c - heki_purgatory_parse() and heki_purgatory_load() on
 * the kexec_purgatory ELF of the installed Debian kernel and on copies of
 * it with one field changed (table-driven). The purgatory is read by the
 * library's one ELF reader (src/elf/); the cases marked "stricter" are
 * ELFs the purgatory's own decoder accepted before it used the reader,
 * refused now where the kernel's loader would read out of bounds or use
 * another table than VTL1 checked. The real ELF's layout is compared with
 * the test model of kexec_load_purgatory() (kexec_model.c).
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "elf/elf.h"
#include "kexec/purgatory.h"
#include "kexec_model.h"

#define G "purgatory"
#define E(x) (-HEKI_VSM_ERR_##x)
/* Room after each copy for a mutation that appends section headers. */
#define EXTRA ((HEKI_PURGATORY_MAX_SECTIONS + 1) * sizeof(Elf64_Shdr))

/* Raw views of a (writable) copy; the tests know the real ELF is sane. */
static Elf64_Ehdr *ehdr(__u8 *e)
{
	return (Elf64_Ehdr *)e;
}

static Elf64_Shdr *sec(__u8 *e, unsigned int i)
{
	return (Elf64_Shdr *)(e + ehdr(e)->e_shoff) + i;
}

/* First section of @type, or -1. */
static int sec_of_type(__u8 *e, __u32 type)
{
	unsigned int i;

	for (i = 0; i < ehdr(e)->e_shnum; i++)
		if (sec(e, i)->sh_type == type)
			return (int)i;
	return -1;
}

/* First SHT_RELA section that applies to a loaded section, or -1. */
static int loaded_rela(__u8 *e)
{
	unsigned int i;

	for (i = 0; i < ehdr(e)->e_shnum; i++)
		if (sec(e, i)->sh_type == SHT_RELA &&
		    sec(e, i)->sh_info < ehdr(e)->e_shnum &&
		    (sec(e, sec(e, i)->sh_info)->sh_flags & SHF_ALLOC) &&
		    sec(e, i)->sh_size >= sizeof(Elf64_Rela))
			return (int)i;
	return -1;
}

static Elf64_Sym *sym(__u8 *e, const char *name)
{
	Elf64_Shdr *st = sec(e, (unsigned int)sec_of_type(e, SHT_SYMTAB));
	Elf64_Sym *s = (Elf64_Sym *)(e + st->sh_offset);
	const char *str = (const char *)e + sec(e, st->sh_link)->sh_offset;
	size_t k;

	for (k = 0; k < st->sh_size / sizeof(*s); k++)
		if (!strcmp(str + s[k].st_name, name))
			return &s[k];
	return NULL;
}

/* A non-ALLOC section that is no table the reader uses, or -1. */
static int plain_section(__u8 *e)
{
	unsigned int i;

	for (i = 1; i < ehdr(e)->e_shnum; i++)
		if (!(sec(e, i)->sh_flags & SHF_ALLOC) &&
		    sec(e, i)->sh_type == SHT_PROGBITS)
			return (int)i;
	return -1;
}

/* Each mutation returns 0 if it applied, -1 if the ELF lacks its target. */
static int m_none(__u8 *e, size_t *len)
{
	return 0;
}

static int m_truncated(__u8 *e, size_t *len)
{
	*len = sizeof(Elf64_Ehdr) - 1;
	return 0;
}

static int m_machine(__u8 *e, size_t *len)
{
	ehdr(e)->e_machine = EM_386;
	return 0;
}

/*
 * The real headers copied after the file, then empty SHT_NULL ones up to
 * HEKI_PURGATORY_MAX_SECTIONS + 1: an ELF the reader accepts (up to 4096
 * sections), refused by the purgatory's own bound. The copy has room
 * (EXTRA).
 */
static int m_too_many_sections(__u8 *e, size_t *len)
{
	unsigned int n = ehdr(e)->e_shnum;

	if (n > HEKI_PURGATORY_MAX_SECTIONS)
		return -1;
	memcpy(e + *len, sec(e, 0), n * sizeof(Elf64_Shdr));
	memset(e + *len + n * sizeof(Elf64_Shdr), 0,
	       (HEKI_PURGATORY_MAX_SECTIONS + 1 - n) * sizeof(Elf64_Shdr));
	ehdr(e)->e_shoff = *len;
	ehdr(e)->e_shnum = HEKI_PURGATORY_MAX_SECTIONS + 1;
	*len += (HEKI_PURGATORY_MAX_SECTIONS + 1) * sizeof(Elf64_Shdr);
	return 0;
}

static int m_shdrs_outside(__u8 *e, size_t *len)
{
	ehdr(e)->e_shoff = *len - sizeof(Elf64_Shdr);
	return 0;
}

/* stricter: a second symbol table (the kernel searches both) */
static int m_two_symtabs(__u8 *e, size_t *len)
{
	int i = plain_section(e), st = sec_of_type(e, SHT_SYMTAB);

	if (i < 0)
		return -1;
	*sec(e, (unsigned int)i) = *sec(e, (unsigned int)st);
	return 0;
}

/* stricter: symbol table entsize not 24 */
static int m_symtab_entsize(__u8 *e, size_t *len)
{
	sec(e, (unsigned int)sec_of_type(e, SHT_SYMTAB))->sh_entsize = 16;
	return 0;
}

/* stricter: string table without its final NUL */
static int m_strtab_unterminated(__u8 *e, size_t *len)
{
	Elf64_Shdr *st = sec(e, (unsigned int)sec_of_type(e, SHT_SYMTAB));
	Elf64_Shdr *str = sec(e, st->sh_link);

	e[str->sh_offset + str->sh_size - 1] = 'x';
	return 0;
}

/* stricter: a global symbol's name outside the string table */
static int m_global_name_outside(__u8 *e, size_t *len)
{
	Elf64_Shdr *st = sec(e, (unsigned int)sec_of_type(e, SHT_SYMTAB));
	Elf64_Sym *s = sym(e, "purgatory_start");

	if (!s)
		return -1;
	s->st_name = (Elf64_Word)sec(e, st->sh_link)->sh_size + 100;
	return 0;
}

/* stricter: a non-loaded section's bytes outside the file */
static int m_plain_section_outside(__u8 *e, size_t *len)
{
	int i = plain_section(e);

	if (i < 0)
		return -1;
	sec(e, (unsigned int)i)->sh_offset = *len;
	sec(e, (unsigned int)i)->sh_size = 1;
	return 0;
}

/* stricter: relocation entries of 16 bytes claimed */
static int m_rela_entsize(__u8 *e, size_t *len)
{
	int i = loaded_rela(e);

	if (i < 0)
		return -1;
	sec(e, (unsigned int)i)->sh_entsize = 16;
	return 0;
}

static int m_rela_link_strtab(__u8 *e, size_t *len)
{
	int i = loaded_rela(e);
	Elf64_Shdr *st = sec(e, (unsigned int)sec_of_type(e, SHT_SYMTAB));

	if (i < 0)
		return -1;
	sec(e, (unsigned int)i)->sh_link = st->sh_link;
	return 0;
}

static int m_rela_sym_index(__u8 *e, size_t *len)
{
	int i = loaded_rela(e);
	Elf64_Rela *r;

	if (i < 0)
		return -1;
	r = (Elf64_Rela *)(e + sec(e, (unsigned int)i)->sh_offset);
	r->r_info = ELF64_R_INFO(0x7fffffffU, ELF64_R_TYPE(r->r_info));
	return 0;
}

static int m_rela_offset_outside(__u8 *e, size_t *len)
{
	int i = loaded_rela(e);
	Elf64_Rela *r;

	if (i < 0)
		return -1;
	r = (Elf64_Rela *)(e + sec(e, (unsigned int)i)->sh_offset);
	r->r_offset = sec(e, sec(e, (unsigned int)i)->sh_info)->sh_size - 2;
	if (ELF64_R_TYPE(r->r_info) == R_X86_64_NONE)
		r->r_info = ELF64_R_INFO(ELF64_R_SYM(r->r_info), R_X86_64_64);
	return 0;
}

static int m_rela_is_rel(__u8 *e, size_t *len)
{
	int i = loaded_rela(e);

	if (i < 0)
		return -1;
	sec(e, (unsigned int)i)->sh_type = SHT_REL;
	return 0;
}

static int m_no_entry64_regs(__u8 *e, size_t *len)
{
	Elf64_Sym *s = sym(e, "entry64_regs");

	if (!s)
		return -1;
	s->st_size = 8;
	return 0;
}

static int m_loaded_align(__u8 *e, size_t *len)
{
	int i = sec_of_type(e, SHT_PROGBITS);

	while (i >= 0 && !(sec(e, (unsigned int)i)->sh_flags & SHF_ALLOC))
		i = (unsigned int)i + 1 < ehdr(e)->e_shnum ? i + 1 : -1;
	if (i < 0)
		return -1;
	sec(e, (unsigned int)i)->sh_addralign = 0;
	return 0;
}

/**
 * struct pg_case - one purgatory ELF
 * @name: result name
 * @mutate: the change to a copy of the Debian kernel's purgatory
 * @want: heki_purgatory_parse(), then (if 0) heki_purgatory_load()
 */
struct pg_case {
	const char *name;
	int (*mutate)(__u8 *e, size_t *len);
	long long want;
};

static const struct pg_case cases[] = {
	{ "debian_purgatory_loads", m_none, 0 },
	{ "truncated_header_refused", m_truncated, E(KEXEC_PURGATORY_INVALID) },
	{ "machine_386_refused", m_machine, E(KEXEC_PURGATORY_INVALID) },
	{ "sections_over_64_refused", m_too_many_sections,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "section_headers_outside_file_refused", m_shdrs_outside,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "stricter_two_symbol_tables_refused", m_two_symtabs,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "stricter_symtab_entsize_16_refused", m_symtab_entsize,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "stricter_strtab_without_nul_refused", m_strtab_unterminated,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "stricter_global_name_outside_strtab_refused",
	  m_global_name_outside, E(KEXEC_PURGATORY_INVALID) },
	{ "stricter_unloaded_section_outside_file_refused",
	  m_plain_section_outside, E(KEXEC_PURGATORY_INVALID) },
	{ "stricter_rela_entsize_16_refused", m_rela_entsize,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "rela_link_not_symtab_refused", m_rela_link_strtab,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "rela_symbol_index_outside_refused", m_rela_sym_index,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "rela_offset_past_section_refused", m_rela_offset_outside,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "rel_section_refused", m_rela_is_rel, E(KEXEC_PURGATORY_INVALID) },
	{ "entry64_regs_wrong_size_refused", m_no_entry64_regs,
	  E(KEXEC_PURGATORY_INVALID) },
	{ "loaded_section_align_0_refused", m_loaded_align,
	  E(KEXEC_PURGATORY_INVALID) },
};

/* The library's layout of the real ELF is the model's, at two addresses. */
static void same_layout_as_model(void)
{
	static const __u64 mems[] = { 0x1f800000ULL, 0x7ffff000ULL };
	struct heki_purgatory *p = calloc(1, sizeof(*p));
	struct km_purgatory m;
	char why[160] = "";
	unsigned int i;
	int ok = 1;
	__u8 *buf;

	if (!p || heki_purgatory_parse(at.purgatory.data, at.purgatory.len, p)) {
		check_group(0, G, "layout_equals_model", "parse failed");
		free(p);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(mems); i++) {
		if (km_purgatory_load(at.purgatory.data, at.purgatory.len,
				      mems[i], &m, why, sizeof(why))) {
			ok = 0;
			break;
		}
		buf = malloc(p->bufsz);
		ok &= buf && !heki_purgatory_load(p, mems[i], buf) &&
		      m.bufsz == p->bufsz && m.memsz == p->memsz &&
		      m.align == p->buf_align &&
		      m.start == mems[i] + p->entry && m.regs == p->regs &&
		      m.regions == p->regions && m.digest == p->digest &&
		      m.stack_end == mems[i] + p->stack_end &&
		      /* code and data before entry64_regs, as relocated */
		      !memcmp(m.buf, buf, p->regs < m.bufsz ? p->regs : 0);
		free(buf);
		km_purgatory_free(&m);
	}
	check_group(ok, G, "layout_equals_model",
		    "bufsz, memsz, alignment, entry, symbols or bytes differ %s",
		    why);
	free(p);
}

void test_purgatory(void)
{
	struct heki_purgatory *p = calloc(1, sizeof(*p));
	unsigned int i;
	long long got;
	size_t len;
	__u8 *e, *buf;

	if (!p)
		abort();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		len = at.purgatory.len;
		e = calloc(1, len + EXTRA);
		if (!e)
			abort();
		memcpy(e, at.purgatory.data, len);
		if (cases[i].mutate(e, &len)) {
			check_group_skip(G, cases[i].name,
					 "the Debian purgatory has no such part");
			free(e);
			continue;
		}
		if (cases[i].mutate == m_too_many_sections) {
			struct heki_elf elf;

			check_group_err(G, "sections_over_64_pass_the_reader",
					heki_elf_parse(&elf, e, len), 0);
		}
		got = heki_purgatory_parse(e, len, p);
		if (!got) {
			buf = malloc(p->bufsz ? p->bufsz : 1);
			if (!buf)
				abort();
			got = heki_purgatory_load(p, 0x1f800000ULL, buf);
			free(buf);
		}
		check_group_err(G, cases[i].name, got, cases[i].want);
		free(e);
	}
	free(p);
	same_layout_as_model();
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Module memory layout, x86-64 with Debian's configuration
 * (STRICT_MODULE_RWX, KALLSYMS_ALL, MODULE_UNLOAD, SMP), for two kernel
 * generations.
 *
 * Replays, from the ELF alone, what the kernel's loader decides before it
 * copies a module (kernel/module/main.c and kallsyms.c):
 *
 *  1. rewrite_section_headers/layout_and_allocate change flags: ALLOC off
 *     for __versions, .modinfo and .data..percpu (first ALLOC section of
 *     each name, as find_sec() finds it); SHF_RO_AFTER_INIT on
 *     .data..ro_after_init and __jump_table (from 6.16, through
 *     module_mark_ro_after_init(), on every section of those names and of
 *     .static_call_sites; checked against 6.17's source and Debian's
 *     7.2.13, whose md4 and ts_kmp have .static_call_sites in
 *     MOD_RO_AFTER_INIT); W+X sections are refused
 *     (module_enforce_rwx_sections); .gnu.linkonce.this_module must exist.
 *  2. layout_sections: five passes of {required, forbidden} flags over the
 *     sections in header order, core sections first, then the ones whose
 *     names start with ".init"; each section is placed at the running size
 *     of its memory type aligned to sh_addralign.
 *  3. layout_symtab: .symtab and .strtab go to the end of init data; the
 *     core kallsyms tail (kept symbols, their strings and type bytes) goes
 *     after core data, mod_kallsyms and the full type table after .strtab
 *     in init data.
 *
 * Linux 6.1 (core_layout/init_layout): data_layout is core_layout on x86,
 * so core text, rodata, ro_after_init and data are consecutive regions of
 * one allocation, init text, rodata and data of another; the running size
 * is page-aligned after the text, rodata and (core) ro_after_init passes
 * and at the end (strict_align()), so every region starts on a page.
 *
 * Linux 6.4 and later (mod->mem[], checked against 6.12's source and a
 * booted Debian 6.12 kernel): every memory type is its own allocation with
 * its own running size, no alignment between passes; module_memory_alloc()
 * rounds each size up to a page. The init ro_after_init pass maps to
 * MOD_INVALID: the kernel WARNs and skips such a section, and the next
 * pass (writable) puts it in MOD_INIT_DATA in header order with the other
 * writable init sections (6.1 put it in init data one pass earlier). The
 * kallsyms tail is in MOD_DATA; .symtab, .strtab, mod_kallsyms and the
 * type table are in MOD_INIT_DATA.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "kdata/kdata.h"
#include "elf/elf.h"
#include "modlayout.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		HEKI_ARRAY_SIZE(a)
#endif

#define INIT_PREFIX		".init"
#define NR_PASSES		5
#define MOD_KALLSYMS_SIZE	32ULL	/* sizeof(struct mod_kallsyms) */
#define MOD_KALLSYMS_ALIGN	8ULL	/* __alignof__(struct mod_kallsyms) */

enum { ALLOC_CORE = 0, ALLOC_INIT = 1 };

/* The layout's memory types are the wire's module memory types. */
#define SAME_MEM(ours, wire) HEKI_ABI_ASSERT((int)(ours) == (int)(wire))
SAME_MEM(HEKI_MODLAYOUT_TEXT, HEKI_MOD_MEM_TEXT_VALUE);
SAME_MEM(HEKI_MODLAYOUT_DATA, HEKI_MOD_MEM_DATA_VALUE);
SAME_MEM(HEKI_MODLAYOUT_RODATA, HEKI_MOD_MEM_RODATA_VALUE);
SAME_MEM(HEKI_MODLAYOUT_RO_AFTER_INIT, HEKI_MOD_MEM_RO_AFTER_INIT_VALUE);
SAME_MEM(HEKI_MODLAYOUT_INIT_TEXT, HEKI_MOD_MEM_INIT_TEXT_VALUE);
SAME_MEM(HEKI_MODLAYOUT_INIT_DATA, HEKI_MOD_MEM_INIT_DATA_VALUE);
SAME_MEM(HEKI_MODLAYOUT_INIT_RODATA, HEKI_MOD_MEM_INIT_RODATA_VALUE);
SAME_MEM(HEKI_MODLAYOUT_NR_MEM, HEKI_MOD_MEM_ELF_BUFFER_VALUE);

/* layout_sections' masks[][2] with ARCH_SHF_SMALL = 0 (x86). */
static const __u64 pass_required[NR_PASSES] = {
	HEKI_SHF_EXECINSTR | HEKI_SHF_ALLOC,
	HEKI_SHF_ALLOC,
	HEKI_SHF_RO_AFTER_INIT | HEKI_SHF_ALLOC,
	HEKI_SHF_WRITE | HEKI_SHF_ALLOC,
	HEKI_SHF_ALLOC,
};

static const __u64 pass_forbidden[NR_PASSES] = {
	0, HEKI_SHF_WRITE, 0, 0, 0,
};

static const __u8 core_pass_mem[NR_PASSES] = {
	HEKI_MODLAYOUT_TEXT, HEKI_MODLAYOUT_RODATA,
	HEKI_MODLAYOUT_RO_AFTER_INIT, HEKI_MODLAYOUT_DATA,
	HEKI_MODLAYOUT_DATA,
};

static const __u8 init_pass_mem[NR_PASSES] = {
	HEKI_MODLAYOUT_INIT_TEXT, HEKI_MODLAYOUT_INIT_RODATA,
	HEKI_MODLAYOUT_INIT_DATA, HEKI_MODLAYOUT_INIT_DATA,
	HEKI_MODLAYOUT_INIT_DATA,
};

/* 6.4+ init_m_to_mem_type[]: the ro_after_init pass is MOD_INVALID. */
static const __u8 init_pass_mem_6_4[NR_PASSES] = {
	HEKI_MODLAYOUT_INIT_TEXT, HEKI_MODLAYOUT_INIT_RODATA,
	HEKI_MODLAYOUT_MEM_NONE, HEKI_MODLAYOUT_INIT_DATA,
	HEKI_MODLAYOUT_INIT_DATA,
};

/* *size = ALIGN(*size, align); bounded by HEKI_MODLAYOUT_MAX_SIZE. */
static int align_up(__u64 *size, __u64 align)
{
	__u64 v;

	if (!align)
		align = 1;
	if (__builtin_add_overflow(*size, align - 1, &v))
		return -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE;
	v &= ~(align - 1);
	if (v > HEKI_MODLAYOUT_MAX_SIZE)
		return -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE;
	*size = v;
	return 0;
}

/* *size += n, bounded. */
static int grow(__u64 *size, __u64 n)
{
	__u64 v;

	if (__builtin_add_overflow(*size, n, &v) ||
	    v > HEKI_MODLAYOUT_MAX_SIZE)
		return -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE;
	*size = v;
	return 0;
}

/* module_get_offset(): place a section of @sh_size / @align at *size. */
static int place(__u64 *size, __u64 sh_size, __u64 align, __u64 *offset)
{
	int ret = align_up(size, align);

	if (ret)
		return ret;
	*offset = *size;
	return grow(size, sh_size);
}

/*
 * 6.16's module_mark_ro_after_init(): every section named in its table
 * (any flags, any number of them) gets SHF_RO_AFTER_INIT; the table adds
 * .static_call_sites (CONFIG_HAVE_STATIC_CALL_INLINE, set on x86-64).
 */
static int mark_ro_after_init_6_16(const struct heki_elf *elf,
				   struct heki_modlayout *lay)
{
	static const char * const names[] = {
		".data..ro_after_init", "__jump_table", ".static_call_sites",
	};
	struct heki_elf_shdr sh;
	const char *name;
	__u32 i, j;
	int ret;

	for (i = 1; i < elf->shnum; i++) {
		ret = heki_elf_shdr(elf, i, &sh);
		if (!ret)
			ret = heki_elf_section_name(elf, &sh, &name);
		if (ret)
			return ret;
		for (j = 0; j < ARRAY_SIZE(names); j++)
			if (heki_elf_name_is(name, names[j]))
				lay->sects[i].flags |= HEKI_SHF_RO_AFTER_INIT;
	}
	return 0;
}

/* Step 1: the section flags the kernel has changed by layout time. */
static int kernel_flags(const struct heki_elf *elf, struct heki_modlayout *lay,
			__u32 kernel)
{
	static const char * const unalloc[] = {
		"__versions", ".modinfo", ".data..percpu",
	};
	/* Before 6.16: find_sec(), the first ALLOC section of the name. */
	static const char * const ro_after_init[] = {
		".data..ro_after_init", "__jump_table",
	};
	struct heki_elf_shdr sh;
	__u32 i, idx;
	int ret;

	for (i = 0; i < elf->shnum; i++) {
		ret = heki_elf_shdr(elf, i, &sh);
		if (ret)
			return ret;
		if ((sh.flags & HEKI_SHF_WRITE) && (sh.flags & HEKI_SHF_EXECINSTR))
			return -HEKI_VSM_ERR_MODLAYOUT_WX_SECTION;
		memset(&lay->sects[i], 0, sizeof(lay->sects[i]));
		lay->sects[i].flags = sh.flags;
		lay->sects[i].size = sh.size;
		lay->sects[i].mem = HEKI_MODLAYOUT_MEM_NONE;
	}
	if (heki_elf_find_section(elf, ".gnu.linkonce.this_module",
				  HEKI_SHF_ALLOC, &lay->this_module))
		return -HEKI_VSM_ERR_MODLAYOUT_NO_THIS_MODULE;
	if (heki_elf_find_section(elf, ".data..percpu", HEKI_SHF_ALLOC, &idx))
		idx = 0;
	lay->percpu = idx;
	for (i = 0; i < ARRAY_SIZE(unalloc); i++)
		if (!heki_elf_find_section(elf, unalloc[i], HEKI_SHF_ALLOC, &idx))
			lay->sects[idx].flags &= ~HEKI_SHF_ALLOC;
	if (kernel >= HEKI_MODLAYOUT_LINUX_6_16)
		return mark_ro_after_init_6_16(elf, lay);
	for (i = 0; i < ARRAY_SIZE(ro_after_init); i++)
		if (!heki_elf_find_section(elf, ro_after_init[i], HEKI_SHF_ALLOC,
					   &idx))
			lay->sects[idx].flags |= HEKI_SHF_RO_AFTER_INIT;
	return 0;
}

/*
 * Whether pass @m of layout_sections' @init loop takes section @i (not
 * placed yet, flags match, name in the right half); 1 yes, 0 no, or an ELF
 * accessor error. @sh is filled when the answer is yes.
 */
static int pass_takes(const struct heki_elf *elf,
		      const struct heki_modlayout *lay, __u32 m, int init,
		      __u32 i, struct heki_elf_shdr *sh)
{
	const struct heki_modlayout_sect *s = &lay->sects[i];
	const char *name;
	int ret;

	if ((s->flags & pass_required[m]) != pass_required[m] ||
	    (s->flags & pass_forbidden[m]) ||
	    s->mem != HEKI_MODLAYOUT_MEM_NONE)
		return 0;
	ret = heki_elf_shdr(elf, i, sh);
	if (!ret)
		ret = heki_elf_section_name(elf, sh, &name);
	if (ret)
		return ret;
	return heki_elf_name_starts(name, INIT_PREFIX) == init;
}

/* Step 2, 6.1: one of layout_sections' two loops (core or init). */
static int layout_pass_loop(const struct heki_elf *elf,
			    struct heki_modlayout *lay, int init, __u64 *size,
			    __u64 bound[NR_PASSES])
{
	struct heki_elf_shdr sh;
	struct heki_modlayout_sect *s;
	__u32 m, i;
	int ret;

	for (m = 0; m < NR_PASSES; m++) {
		for (i = 0; i < elf->shnum; i++) {
			s = &lay->sects[i];
			ret = pass_takes(elf, lay, m, init, i, &sh);
			if (ret < 0)
				return ret;
			if (!ret)
				continue;
			ret = place(size, sh.size, sh.addralign, &s->offset);
			if (ret)
				return ret;
			s->mem = init ? init_pass_mem[m] : core_pass_mem[m];
		}
		/* strict_align() after passes 0, 1, 2 (core only) and 4. */
		if (m == 0 || m == 1 || m == 4 || (m == 2 && !init)) {
			ret = align_up(size, HEKI_MODLAYOUT_PAGE_SIZE);
			if (ret)
				return ret;
		}
		bound[m] = *size;
	}
	return 0;
}

/*
 * Step 2, 6.4+: __layout_sections() with mod->mem[]: each memory type has
 * its own running size in @size, nothing is aligned between passes.
 */
static int layout_types_6_4(const struct heki_elf *elf,
			    struct heki_modlayout *lay, int init,
			    __u64 size[HEKI_MODLAYOUT_NR_MEM])
{
	struct heki_elf_shdr sh;
	struct heki_modlayout_sect *s;
	__u32 m, i;
	__u8 type;
	int ret;

	for (m = 0; m < NR_PASSES; m++) {
		type = init ? init_pass_mem_6_4[m] : core_pass_mem[m];
		for (i = 0; i < elf->shnum; i++) {
			s = &lay->sects[i];
			ret = pass_takes(elf, lay, m, init, i, &sh);
			if (ret < 0)
				return ret;
			if (!ret)
				continue;
			/*
			 * The kernel WARNs (WARN_ON_ONCE(type == MOD_INVALID))
			 * and skips the section; it is still unplaced, so the
			 * next pass (SHF_WRITE | SHF_ALLOC) puts it in init
			 * data.
			 */
			if (type == HEKI_MODLAYOUT_MEM_NONE)
				continue;
			ret = place(&size[type], sh.size, sh.addralign,
				    &s->offset);
			if (ret)
				return ret;
			s->mem = type;
		}
	}
	return 0;
}

static __u64 name_len(const char *s)
{
	__u64 n = 0;

	while (s[n])
		n++;
	return n;
}

/* kallsyms.c:is_core_symbol() with KALLSYMS_ALL. */
static int is_core_symbol(const struct heki_elf *elf,
			  const struct heki_modlayout *lay,
			  const struct heki_elf_sym *sym)
{
	const struct heki_modlayout_sect *s;

	if (sym->shndx == HEKI_SHN_UNDEF || sym->shndx >= elf->shnum ||
	    !sym->name)
		return 0;
	if (sym->shndx == lay->percpu)
		return 1;
	s = &lay->sects[sym->shndx];
	return (s->flags & HEKI_SHF_ALLOC) &&
	       s->mem != HEKI_MODLAYOUT_INIT_TEXT &&
	       s->mem != HEKI_MODLAYOUT_INIT_DATA &&
	       s->mem != HEKI_MODLAYOUT_INIT_RODATA;
}

/* Step 3: layout_symtab(). */
static int layout_symtab(const struct heki_elf *elf, struct heki_modlayout *lay,
			 __u64 *core, __u64 *init)
{
	struct heki_elf_shdr symsh, strsh;
	struct heki_elf_sym sym;
	__u64 i, ndst = 0, strsize = 0, v;
	const char *name;
	int ret;

	ret = heki_elf_shdr(elf, elf->symtab, &symsh);
	if (!ret)
		ret = heki_elf_shdr(elf, elf->strtab, &strsh);
	if (ret)
		return ret;

	lay->sects[elf->symtab].flags |= HEKI_SHF_ALLOC;
	ret = place(init, symsh.size, symsh.addralign,
		    &lay->sects[elf->symtab].offset);
	if (ret)
		return ret;
	lay->sects[elf->symtab].mem = HEKI_MODLAYOUT_INIT_DATA;

	for (i = 0; i < elf->nsyms; i++) {
		ret = heki_elf_sym(elf, i, &sym);
		if (ret)
			return ret;
		if (i != 0 && !is_core_symbol(elf, lay, &sym))
			continue;
		ret = heki_elf_sym_name(elf, &sym, &name);
		if (ret)
			return ret;
		ndst++;
		ret = grow(&strsize, name_len(name) + 1);
		if (ret)
			return ret;
	}

	/* Core tail: Elf64_Sym[ndst], strings, one type byte per symbol. */
	ret = align_up(core, symsh.addralign);
	if (ret)
		return ret;
	lay->kallsyms_off = *core;
	v = ndst * HEKI_ELF_SYM_SIZE;	/* ndst <= nsyms < 2^59 */
	ret = grow(core, v);
	if (!ret)
		ret = grow(core, strsize);
	if (!ret)
		ret = grow(core, ndst);
	if (ret)
		return ret;
	lay->kallsyms_size = *core - lay->kallsyms_off;
	ret = align_up(core, HEKI_MODLAYOUT_PAGE_SIZE);
	if (ret)
		return ret;

	lay->sects[elf->strtab].flags |= HEKI_SHF_ALLOC;
	ret = place(init, strsh.size, strsh.addralign,
		    &lay->sects[elf->strtab].offset);
	if (ret)
		return ret;
	lay->sects[elf->strtab].mem = HEKI_MODLAYOUT_INIT_DATA;

	ret = align_up(init, MOD_KALLSYMS_ALIGN);
	if (ret)
		return ret;
	lay->init_kallsyms_off = *init;
	ret = grow(init, MOD_KALLSYMS_SIZE);
	if (!ret)
		ret = grow(init, elf->nsyms);
	if (ret)
		return ret;
	lay->init_kallsyms_size = *init - lay->init_kallsyms_off;
	return align_up(init, HEKI_MODLAYOUT_PAGE_SIZE);
}

static void set_region(struct heki_modlayout *lay, __u8 mem, __u32 alloc,
		       __u64 start, __u64 end)
{
	lay->mem[mem].alloc = alloc;
	lay->mem[mem].base = start;
	lay->mem[mem].size = end - start;
}

static int layout_linux_6_1(const struct heki_elf *elf,
			    struct heki_modlayout *lay)
{
	__u64 core = 0, init = 0, cb[NR_PASSES], ib[NR_PASSES];
	struct heki_modlayout_sect *s;
	__u32 i;
	int ret;

	ret = kernel_flags(elf, lay, HEKI_MODLAYOUT_LINUX_6_1);
	if (ret)
		return ret;
	ret = layout_pass_loop(elf, lay, 0, &core, cb);
	if (ret)
		return ret;
	ret = layout_pass_loop(elf, lay, 1, &init, ib);
	if (ret)
		return ret;
	/* Offsets of the symtab/kallsyms extras are allocation-relative. */
	ret = layout_symtab(elf, lay, &core, &init);
	if (ret)
		return ret;

	set_region(lay, HEKI_MODLAYOUT_TEXT, ALLOC_CORE, 0, cb[0]);
	set_region(lay, HEKI_MODLAYOUT_RODATA, ALLOC_CORE, cb[0], cb[1]);
	set_region(lay, HEKI_MODLAYOUT_RO_AFTER_INIT, ALLOC_CORE, cb[1], cb[2]);
	set_region(lay, HEKI_MODLAYOUT_DATA, ALLOC_CORE, cb[2], core);
	set_region(lay, HEKI_MODLAYOUT_INIT_TEXT, ALLOC_INIT, 0, ib[0]);
	set_region(lay, HEKI_MODLAYOUT_INIT_RODATA, ALLOC_INIT, ib[0], ib[1]);
	set_region(lay, HEKI_MODLAYOUT_INIT_DATA, ALLOC_INIT, ib[1], init);
	lay->nalloc = 2;
	lay->alloc_size[ALLOC_CORE] = core;
	lay->alloc_size[ALLOC_INIT] = init;

	/* Make every offset relative to its memory type. */
	for (i = 0; i < elf->shnum; i++) {
		s = &lay->sects[i];
		if (s->mem == HEKI_MODLAYOUT_MEM_NONE)
			continue;
		s->offset -= lay->mem[s->mem].base;
	}
	lay->kallsyms_off -= lay->mem[HEKI_MODLAYOUT_DATA].base;
	lay->init_kallsyms_off -= lay->mem[HEKI_MODLAYOUT_INIT_DATA].base;
	return 0;
}

static int layout_linux_6_4(const struct heki_elf *elf,
			    struct heki_modlayout *lay)
{
	__u64 size[HEKI_MODLAYOUT_NR_MEM] = { 0 };
	__u32 t;
	int ret;

	ret = kernel_flags(elf, lay, lay->kernel);
	if (!ret)
		ret = layout_types_6_4(elf, lay, 0, size);
	if (!ret)
		ret = layout_types_6_4(elf, lay, 1, size);
	if (!ret)
		ret = layout_symtab(elf, lay, &size[HEKI_MODLAYOUT_DATA],
				    &size[HEKI_MODLAYOUT_INIT_DATA]);
	if (ret)
		return ret;

	/* module_memory_alloc(): one allocation of PAGE_ALIGN(size) each. */
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
		ret = align_up(&size[t], HEKI_MODLAYOUT_PAGE_SIZE);
		if (ret)
			return ret;
		set_region(lay, t, t, 0, size[t]);
		lay->alloc_size[t] = size[t];
	}
	lay->nalloc = HEKI_MODLAYOUT_NR_MEM;
	return 0;
}

/**
 * heki_modlayout_compute() - derive a module's memory layout from its ELF
 * @elf: the parsed, signature-stripped module image
 * @kernel: enum heki_modlayout_kernel
 * @sects: caller storage for one entry per section header
 * @nsects: number of entries in @sects; must be >= @elf->shnum
 * @out: the layout; @out->sects points to @sects
 *
 * Return: 0; -HEKI_VSM_ERR_MODLAYOUT_BAD_KERNEL for an unknown @kernel;
 * -HEKI_VSM_ERR_MODLAYOUT_NO_ROOM if @nsects is too small;
 * -HEKI_VSM_ERR_MODLAYOUT_WX_SECTION for a writable executable section;
 * -HEKI_VSM_ERR_MODLAYOUT_NO_THIS_MODULE without .gnu.linkonce.this_module;
 * -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE if an allocation would exceed
 * HEKI_MODLAYOUT_MAX_SIZE; or an ELF accessor error. @out is zeroed on
 * failure.
 */
int heki_modlayout_compute(const struct heki_elf *elf, __u32 kernel,
			   struct heki_modlayout_sect *sects, __u32 nsects,
			   struct heki_modlayout *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	if (kernel != HEKI_MODLAYOUT_LINUX_6_1 &&
	    kernel != HEKI_MODLAYOUT_LINUX_6_4 &&
	    kernel != HEKI_MODLAYOUT_LINUX_6_16 &&
	    kernel != HEKI_MODLAYOUT_LINUX_6_18)
		return -HEKI_VSM_ERR_MODLAYOUT_BAD_KERNEL;
	if (!sects || nsects < elf->shnum)
		return -HEKI_VSM_ERR_MODLAYOUT_NO_ROOM;
	out->kernel = kernel;
	out->nsects = elf->shnum;
	out->sects = sects;
	if (kernel == HEKI_MODLAYOUT_LINUX_6_1)
		ret = layout_linux_6_1(elf, out);
	else
		ret = layout_linux_6_4(elf, out);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}

/*
 * Start of allocation @a from the non-empty memory types in it: every one
 * must sit at the same allocation base + its layout offset.
 */
static int check_alloc(const struct heki_modlayout *lay,
		       const __u64 mem_va[HEKI_MODLAYOUT_NR_MEM], __u32 a,
		       __u64 *start, int *present, __u32 *first,
		       __u32 *bad_mem)
{
	const struct heki_modlayout_region *r;
	__u64 base = 0;
	__u32 m;

	*present = 0;
	*first = HEKI_MODLAYOUT_MEM_NONE;
	for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++) {
		r = &lay->mem[m];
		if (r->alloc != a || !r->size)
			continue;
		*bad_mem = m;
		if (!*present) {
			if (mem_va[m] < r->base)
				return -HEKI_VSM_ERR_MODLAYOUT_MEM_MISPLACED;
			base = mem_va[m] - r->base;
			*present = 1;
			*first = m;
		} else if (mem_va[m] < r->base || mem_va[m] - r->base != base) {
			return -HEKI_VSM_ERR_MODLAYOUT_MEM_MISPLACED;
		}
	}
	*start = base;
	return 0;
}

/**
 * heki_modlayout_check_mem() - check the module memory VTL0 described
 * @lay: the layout computed from the signed ELF
 * @mem_va: first virtual address of each memory type as VTL0 sent it
 *	(ignored for memory types of size 0)
 * @mem_size: total size of each memory type as VTL0 sent it
 * @bad_mem: on failure, the memory type that failed
 *
 * Every memory type must have exactly the layout's size, start on a page
 * boundary, and not wrap. The non-empty types of one allocation must sit
 * at one common base plus their layout offsets (6.1: core text, rodata,
 * ro_after_init, data consecutive, init likewise; 6.4+: every type is its
 * own allocation, so this holds trivially), and no two allocations may
 * overlap (6.4+: no two memory types).
 *
 * Return: 0, -HEKI_VSM_ERR_MODLAYOUT_MEM_SIZE,
 * -HEKI_VSM_ERR_MODLAYOUT_MEM_ALIGN, -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE,
 * -HEKI_VSM_ERR_MODLAYOUT_MEM_MISPLACED or
 * -HEKI_VSM_ERR_MODLAYOUT_MEM_OVERLAP (@bad_mem: the first non-empty type
 * of the later of the two allocations).
 */
int heki_modlayout_check_mem(const struct heki_modlayout *lay,
			     const __u64 mem_va[HEKI_MODLAYOUT_NR_MEM],
			     const __u64 mem_size[HEKI_MODLAYOUT_NR_MEM],
			     __u32 *bad_mem)
{
	__u64 start[HEKI_MODLAYOUT_NR_MEM], end[HEKI_MODLAYOUT_NR_MEM], v;
	int present[HEKI_MODLAYOUT_NR_MEM], ret;
	__u32 m, a, b, first[HEKI_MODLAYOUT_NR_MEM];

	if (lay->nalloc > HEKI_MODLAYOUT_NR_MEM) {
		*bad_mem = HEKI_MODLAYOUT_MEM_NONE;
		return -HEKI_VSM_ERR_MODLAYOUT_BAD_KERNEL;
	}
	for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++) {
		*bad_mem = m;
		if (mem_size[m] != lay->mem[m].size)
			return -HEKI_VSM_ERR_MODLAYOUT_MEM_SIZE;
		if (!mem_size[m])
			continue;
		if (mem_va[m] % HEKI_MODLAYOUT_PAGE_SIZE)
			return -HEKI_VSM_ERR_MODLAYOUT_MEM_ALIGN;
		if (__builtin_add_overflow(mem_va[m], mem_size[m], &v))
			return -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE;
	}
	for (a = 0; a < lay->nalloc; a++) {
		ret = check_alloc(lay, mem_va, a, &start[a], &present[a],
				  &first[a], bad_mem);
		if (ret)
			return ret;
		if (present[a] && __builtin_add_overflow(start[a],
							 lay->alloc_size[a],
							 &end[a]))
			return -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE;
	}
	for (b = 1; b < lay->nalloc; b++) {
		for (a = 0; a < b; a++) {
			if (!present[a] || !present[b])
				continue;
			*bad_mem = first[b];
			if (start[a] < end[b] && start[b] < end[a])
				return -HEKI_VSM_ERR_MODLAYOUT_MEM_OVERLAP;
		}
	}
	return 0;
}

/**
 * heki_modlayout_section_va() - final address of a section
 * @lay: a computed layout
 * @idx: section index
 * @mem_va: virtual address of each memory type's first byte
 * @va: set to @mem_va[type] + offset
 *
 * Return: 0; -HEKI_VSM_ERR_ELF_SECTION_INDEX if @idx is out of range;
 * -HEKI_VSM_ERR_MODLAYOUT_NOT_LOADED if the section is not in module
 * memory; -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE if the address wraps.
 */
int heki_modlayout_section_va(const struct heki_modlayout *lay, __u32 idx,
			      const __u64 mem_va[HEKI_MODLAYOUT_NR_MEM],
			      __u64 *va)
{
	const struct heki_modlayout_sect *s;

	if (idx >= lay->nsects)
		return -HEKI_VSM_ERR_ELF_SECTION_INDEX;
	s = &lay->sects[idx];
	if (s->mem >= HEKI_MODLAYOUT_NR_MEM)
		return -HEKI_VSM_ERR_MODLAYOUT_NOT_LOADED;
	if (__builtin_add_overflow(mem_va[s->mem], s->offset, va))
		return -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE;
	return 0;
}

/**
 * heki_modlayout_kernel_of() - module layout rules of the VTL0 kernel
 * @x: LoadKData's kernel info extension, NULL if VTL0 sent none
 *
 * Return: HEKI_MODLAYOUT_LINUX_6_18 from Linux 6.18.0 on,
 * HEKI_MODLAYOUT_LINUX_6_16 from 6.16.0,
 * HEKI_MODLAYOUT_LINUX_6_4 from 6.4.0, HEKI_MODLAYOUT_LINUX_6_1 before,
 * 0 (the 6.1 default) without @x.
 */
__u32 heki_modlayout_kernel_of(const struct heki_kinfo_ext *x)
{
	if (!x)
		return 0;
	if (x->linux_version >= HEKI_LINUX_VERSION_6_18)
		return HEKI_MODLAYOUT_LINUX_6_18;
	if (x->linux_version >= HEKI_LINUX_VERSION_6_16)
		return HEKI_MODLAYOUT_LINUX_6_16;
	return x->linux_version >= HEKI_LINUX_VERSION_6_4 ?
	       HEKI_MODLAYOUT_LINUX_6_4 : HEKI_MODLAYOUT_LINUX_6_1;
}

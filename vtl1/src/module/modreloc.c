// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Module relocation, Linux 6.1 x86-64.
 *
 * Mirrors kernel/module/main.c:simplify_symbols() and apply_relocations()
 * and arch/x86/kernel/module.c:__apply_relocate_add(): S + A with 64-bit
 * wrap-around, the "existing value must be zero" rule, the 32/32S overflow
 * checks, no overflow check for PC32/PLT32, and -ENOEXEC-equivalents for
 * unknown types and SHT_REL. Where the kernel trusts the ELF (symbol
 * index, r_offset, st_shndx) this code bounds it and fails instead.
 */
#include <heki/abi.h>

#include "core/core.h"
#include "elf/elf.h"
#include "modlayout.h"
#include "modreloc.h"

static void set_fault(struct heki_modreloc_fault *f, __u32 rela, __u32 type,
		      __u64 entry, __u64 offset, __u64 sym)
{
	if (!f)
		return;
	f->rela = rela;
	f->type = type;
	f->entry = entry;
	f->offset = offset;
	f->sym = sym;
}

/* kernel/module/main.c:ignore_undef_symbol() for EM_X86_64. */
static int ignore_undef(const char *name)
{
	return heki_elf_name_is(name, "_GLOBAL_OFFSET_TABLE_");
}

/* One symbol of simplify_symbols(). */
static int simplify_one(const struct heki_modreloc_env *env, __u64 i,
			struct heki_modreloc_sym *out)
{
	const struct heki_modlayout *lay = env->layout;
	const struct heki_elf *elf = env->elf;
	struct heki_elf_sym sym;
	const char *name;
	__u64 base;
	int ret;

	ret = heki_elf_sym(elf, i, &sym);
	if (!ret)
		ret = heki_elf_sym_name(elf, &sym, &name);
	if (ret)
		return ret;
	out->value = sym.value;
	out->state = HEKI_MODRELOC_SYM_RAW;
	out->pad = 0;
	if (i == 0)
		return 0;	/* the kernel starts at 1 */

	switch (sym.shndx) {
	case HEKI_SHN_COMMON:
		if (heki_elf_name_starts(name, "__gnu_lto"))
			return 0;
		return -HEKI_VSM_ERR_MODRELOC_SYMBOL_COMMON;
	case HEKI_SHN_ABS:
		return 0;
	case HEKI_SHN_LIVEPATCH:
		return -HEKI_VSM_ERR_MODRELOC_LIVEPATCH;
	case HEKI_SHN_UNDEF:
		if (!env->resolve)
			return -HEKI_VSM_ERR_MODRELOC_SYMBOL_UNRESOLVED;
		ret = env->resolve(env->ctx, name, &base);
		if (!ret) {
			out->value = base;
			out->state = HEKI_MODRELOC_SYM_EXPORT;
			return 0;
		}
		if (ret == -HEKI_VSM_ERR_MODRELOC_SYMBOL_UNRESOLVED &&
		    ((sym.info >> 4) == HEKI_STB_WEAK || ignore_undef(name)))
			return 0;
		return ret;
	default:
		break;
	}
	if (sym.shndx >= elf->shnum)
		return -HEKI_VSM_ERR_MODRELOC_SYMBOL_SECTION;
	if (lay->percpu && sym.shndx == lay->percpu) {
		if (!env->has_percpu)
			return -HEKI_VSM_ERR_MODRELOC_NO_PERCPU;
		out->value = env->percpu_va + sym.value;
		out->state = HEKI_MODRELOC_SYM_PERCPU;
		return 0;
	}
	ret = heki_modlayout_section_va(lay, sym.shndx, env->mem_va, &base);
	if (ret == -HEKI_VSM_ERR_MODLAYOUT_NOT_LOADED) {
		out->state = HEKI_MODRELOC_SYM_UNLOADED;
		return 0;
	}
	if (ret)
		return ret;
	out->value = base + sym.value;	/* wraps like the kernel's += */
	out->state = HEKI_MODRELOC_SYM_LOCAL;
	return 0;
}

/**
 * heki_modreloc_symbols() - final values of all symbols (simplify_symbols)
 * @env: ELF, layout, memory VAs, per-CPU base and export resolver
 * @syms: caller storage, one entry per symbol
 * @nsyms: entries in @syms; must be >= @env->elf->nsyms
 * @fault: if not NULL, @fault->sym names the failing symbol
 *
 * Return: 0; -HEKI_VSM_ERR_MODRELOC_NO_ROOM if @nsyms is too small;
 * -HEKI_VSM_ERR_MODRELOC_SYMBOL_UNRESOLVED for an unknown non-weak
 * export; -HEKI_VSM_ERR_MODRELOC_SYMBOL_COMMON for SHN_COMMON;
 * -HEKI_VSM_ERR_MODRELOC_LIVEPATCH for SHN_LIVEPATCH;
 * -HEKI_VSM_ERR_MODRELOC_SYMBOL_SECTION for a section index past e_shnum;
 * -HEKI_VSM_ERR_MODRELOC_NO_PERCPU for a per-CPU symbol without a base;
 * an ELF error for a bad name offset; or the resolver's error.
 */
int heki_modreloc_symbols(const struct heki_modreloc_env *env,
			  struct heki_modreloc_sym *syms, __u64 nsyms,
			  struct heki_modreloc_fault *fault)
{
	__u64 i;
	int ret;

	set_fault(fault, 0, 0, 0, 0, 0);
	if (!syms || nsyms < env->elf->nsyms)
		return -HEKI_VSM_ERR_MODRELOC_NO_ROOM;
	for (i = 0; i < env->elf->nsyms; i++) {
		ret = simplify_one(env, i, &syms[i]);
		if (ret) {
			set_fault(fault, 0, 0, 0, 0, i);
			return ret;
		}
	}
	return 0;
}

/**
 * heki_modreloc_load_section() - a section's bytes as move_module copies
 *	them: the file contents, or zeros for SHT_NOBITS
 * @elf: the parsed module image
 * @idx: section index
 * @buf: destination
 * @len: size of @buf; must equal the section's sh_size
 *
 * Return: 0, -HEKI_VSM_ERR_MODRELOC_BUFFER_SIZE, or an ELF error.
 */
int heki_modreloc_load_section(const struct heki_elf *elf, __u32 idx,
			       __u8 *buf, __u64 len)
{
	struct heki_elf_shdr sh;
	const __u8 *src;
	int ret;

	ret = heki_elf_shdr(elf, idx, &sh);
	if (!ret)
		ret = heki_elf_section_bytes(elf, &sh, &src);
	if (ret)
		return ret;
	if (len != sh.size || (len && !buf))
		return -HEKI_VSM_ERR_MODRELOC_BUFFER_SIZE;
	if (src)
		memcpy(buf, src, len);
	else
		memset(buf, 0, len);
	return 0;
}

/* The @width (4 or 8) bytes at @site are zero: one load. */
static int site_zero(const __u8 *site, __u32 width)
{
	return width == 8 ? !heki_le64(site) : !heki_le32(site);
}

/*
 * Width of the bytes a relocation type reads and writes: 0 for NONE,
 * -1 for a type the 6.1 x86-64 loader does not know.
 */
static int rel_width(__u32 type)
{
	switch (type) {
	case HEKI_R_X86_64_NONE:
		return 0;
	case HEKI_R_X86_64_64:
	case HEKI_R_X86_64_PC64:
		return 8;
	case HEKI_R_X86_64_32:
	case HEKI_R_X86_64_32S:
	case HEKI_R_X86_64_PC32:
	case HEKI_R_X86_64_PLT32:
		return 4;
	default:
		return -1;
	}
}

/*
 * One Elf64_Rela entry of a known, non-NONE type whose site is in bounds;
 * @s is the symbol value and @loc_va the final address of the site.
 */
static int apply_one(const struct heki_elf_rela *r, __u64 s, __u8 *site,
		     __u64 loc_va, __u32 width)
{
	__u64 val = s + (__u64)r->addend;
	__u32 v32;

	if (!site_zero(site, width))
		return -HEKI_VSM_ERR_MODRELOC_SITE_NONZERO;

	switch (r->type) {
	case HEKI_R_X86_64_64:
		__builtin_memcpy(site, &val, 8);
		return 0;
	case HEKI_R_X86_64_PC64:
		val -= loc_va;
		__builtin_memcpy(site, &val, 8);
		return 0;
	case HEKI_R_X86_64_PC32:
	case HEKI_R_X86_64_PLT32:
		v32 = (__u32)(val - loc_va);	/* no overflow check, as 6.1 */
		__builtin_memcpy(site, &v32, 4);
		return 0;
	case HEKI_R_X86_64_32:
		v32 = (__u32)val;
		__builtin_memcpy(site, &v32, 4);
		return val == v32 ? 0 : -HEKI_VSM_ERR_MODRELOC_OVERFLOW;
	default: /* HEKI_R_X86_64_32S */
		v32 = (__u32)val;
		__builtin_memcpy(site, &v32, 4);
		return (__s64)val == (__s64)(__s32)v32 ?
		       0 : -HEKI_VSM_ERR_MODRELOC_OVERFLOW;
	}
}

/*
 * Apply one SHT_RELA section @ri (header @rsh) to the target buffer. The
 * section is checked once (heki_elf_rela_count(): in the image, 24-byte
 * entries, the kernel's symbol table); its entries are decoded in place.
 */
static int apply_section(const struct heki_modreloc_env *env,
			 const struct heki_modreloc_sym *syms, __u32 ri,
			 const struct heki_elf_shdr *rsh, __u64 target_va,
			 __u8 *buf, __u64 len,
			 struct heki_modreloc_fault *fault)
{
	const __u64 nsyms = env->elf->nsyms;
	struct heki_elf_rela r;
	const __u8 *p;
	__u64 n, i, end;
	int ret, width;

	memset(&r, 0, sizeof(r));
	ret = heki_elf_rela_count(env->elf, rsh, &n);
	if (ret) {
		set_fault(fault, ri, 0, 0, 0, 0);
		return ret;
	}
	p = env->elf->data + rsh->offset;
	for (i = 0; i < n; i++, p += HEKI_ELF_RELA_SIZE) {
		heki_elf_rela_decode(p, &r);
		if (r.sym >= nsyms) {
			ret = -HEKI_VSM_ERR_MODRELOC_SYMBOL_INDEX;
			goto fail;
		}
		width = rel_width(r.type);
		if (width < 0) {
			ret = -HEKI_VSM_ERR_MODRELOC_UNKNOWN_TYPE;
			goto fail;
		}
		if (width == 0)
			continue;
		if (__builtin_add_overflow(r.offset, (__u64)width, &end) ||
		    end > len) {
			ret = -HEKI_VSM_ERR_MODRELOC_OFFSET_OUT_OF_BOUNDS;
			goto fail;
		}
		if (syms[r.sym].state == HEKI_MODRELOC_SYM_UNLOADED) {
			ret = -HEKI_VSM_ERR_MODRELOC_SYMBOL_NOT_LOADED;
			goto fail;
		}
		ret = apply_one(&r, syms[r.sym].value, buf + r.offset,
				target_va + r.offset, (__u32)width);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	set_fault(fault, ri, r.type, i, r.offset, r.sym);
	return ret;
}

/*
 * The checks apply_relocations() makes of a relocation section @i (header
 * @rsh) that targets a loaded section: SHF_RELA_LIVEPATCH and SHT_REL are
 * refused.
 */
static int rela_allowed(__u32 i, const struct heki_elf_shdr *rsh,
			struct heki_modreloc_fault *fault)
{
	int ret = 0;

	if (rsh->flags & HEKI_SHF_RELA_LIVEPATCH)
		ret = -HEKI_VSM_ERR_MODRELOC_LIVEPATCH;
	else if (rsh->type == HEKI_SHT_REL)
		ret = -HEKI_VSM_ERR_MODRELOC_REL_UNSUPPORTED;
	if (ret)
		set_fault(fault, i, 0, 0, 0, 0);
	return ret;
}

/* A relocation section of any kind apply_relocations() looks at. */
static int is_reloc_section(const struct heki_elf_shdr *rsh)
{
	return rsh->type == HEKI_SHT_RELA || rsh->type == HEKI_SHT_REL ||
	       (rsh->flags & HEKI_SHF_RELA_LIVEPATCH);
}

/**
 * heki_modreloc_apply() - apply every relocation section of one target
 * @env: ELF, layout, memory VAs (see heki_modreloc_symbols())
 * @syms: symbol values from heki_modreloc_symbols()
 * @nsyms: entries in @syms
 * @target: index of the section to relocate (must be in module memory)
 * @buf: VTL1 copy of that section, as heki_modreloc_load_section() makes
 *	it; relocated in place
 * @len: size of @buf; must equal the section's sh_size
 * @fault: if not NULL, set to the failing section, entry, type and offset
 *
 * Relocation sections are applied in section header order, entries in
 * order, as apply_relocations() does; only sections whose sh_info is
 * @target are used. SHF_RELA_LIVEPATCH and SHT_REL sections for @target
 * are refused (the 6.1 x86-64 loader has no REL support).
 *
 * Return: 0; -HEKI_VSM_ERR_MODRELOC_BUFFER_SIZE;
 * -HEKI_VSM_ERR_MODRELOC_NO_ROOM if @nsyms is too small;
 * -HEKI_VSM_ERR_MODLAYOUT_NOT_LOADED if @target is not in module memory;
 * -HEKI_VSM_ERR_MODRELOC_REL_UNSUPPORTED; -HEKI_VSM_ERR_MODRELOC_LIVEPATCH;
 * -HEKI_VSM_ERR_ELF_BAD_RELA; -HEKI_VSM_ERR_MODRELOC_SYMBOL_INDEX;
 * -HEKI_VSM_ERR_MODRELOC_UNKNOWN_TYPE;
 * -HEKI_VSM_ERR_MODRELOC_OFFSET_OUT_OF_BOUNDS;
 * -HEKI_VSM_ERR_MODRELOC_SYMBOL_NOT_LOADED;
 * -HEKI_VSM_ERR_MODRELOC_SITE_NONZERO; -HEKI_VSM_ERR_MODRELOC_OVERFLOW.
 */
int heki_modreloc_apply(const struct heki_modreloc_env *env,
			const struct heki_modreloc_sym *syms, __u64 nsyms,
			__u32 target, __u8 *buf, __u64 len,
			struct heki_modreloc_fault *fault)
{
	const struct heki_elf *elf = env->elf;
	struct heki_elf_shdr tsh, rsh;
	__u64 target_va;
	__u32 i;
	int ret;

	set_fault(fault, 0, 0, 0, 0, 0);
	if (!syms || nsyms < elf->nsyms)
		return -HEKI_VSM_ERR_MODRELOC_NO_ROOM;
	ret = heki_elf_shdr(elf, target, &tsh);
	if (ret)
		return ret;
	if (tsh.size != len || (len && !buf))
		return -HEKI_VSM_ERR_MODRELOC_BUFFER_SIZE;
	ret = heki_modlayout_section_va(env->layout, target, env->mem_va,
					&target_va);
	if (ret)
		return ret;

	for (i = 1; i < elf->shnum; i++) {
		ret = heki_elf_shdr(elf, i, &rsh);
		if (ret)
			return ret;
		if (rsh.info != target || !is_reloc_section(&rsh))
			continue;
		ret = rela_allowed(i, &rsh, fault);
		if (ret)
			return ret;
		ret = apply_section(env, syms, i, &rsh, target_va, buf, len,
				    fault);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Copy every section of @mem to its layout offset in @buf (@len bytes)
 * and zero the rest: move_module()'s memset and memcpy, writing each byte
 * once when the sections lie in index order (as the layout places them).
 */
static int load_mem(const struct heki_modreloc_env *env, __u32 mem,
		    __u8 *buf, __u64 len)
{
	const struct heki_modlayout *lay = env->layout;
	const struct heki_modlayout_sect *s;
	__u64 end, pos = 0;
	int ordered = 1, ret;
	__u32 i;

	for (i = 0; i < lay->nsects; i++) {
		s = &lay->sects[i];
		if (s->mem != mem)
			continue;
		/* The layout keeps every section inside its memory type. */
		if (__builtin_add_overflow(s->offset, s->size, &end) ||
		    end > len)
			return -HEKI_VSM_ERR_MODRELOC_BUFFER_SIZE;
		if (s->offset < pos)
			ordered = 0;
		pos = end;
	}
	if (!ordered)
		memset(buf, 0, len);
	pos = 0;
	for (i = 0; i < lay->nsects; i++) {
		s = &lay->sects[i];
		if (s->mem != mem)
			continue;
		if (ordered && s->offset > pos)
			memset(buf + pos, 0, s->offset - pos);
		ret = heki_modreloc_load_section(env->elf, i, buf + s->offset,
						 s->size);
		if (ret)
			return ret;
		pos = s->offset + s->size;
	}
	if (ordered && len > pos)
		memset(buf + pos, 0, len - pos);
	return 0;
}

/**
 * heki_modreloc_build_mem() - the bytes of one module memory type as the
 *	loader leaves them after relocation
 * @env: ELF, layout, memory VAs (see heki_modreloc_symbols())
 * @syms: symbol values from heki_modreloc_symbols()
 * @nsyms: entries in @syms
 * @mem: enum heki_modlayout_mem
 * @buf: destination, @len bytes (its contents do not matter)
 * @len: must equal the layout's size of @mem
 * @fault: as for heki_modreloc_apply()
 *
 * Zero-fills @buf (move_module's memset: alignment gaps, page padding,
 * NOBITS) and copies every section of @mem to its layout offset, then
 * applies, in section header order as apply_relocations() does, every
 * relocation section that targets one of them: the same bytes and the
 * same checks as heki_modreloc_load_section() and heki_modreloc_apply()
 * of each section, in one pass over the headers. This is exact for text,
 * rodata, ro_after_init and their init counterparts up to the later
 * rewrites (paravirt, retpolines, returns, alternatives, ftrace, table
 * sorting, jump labels, static calls). Data types also hold what the
 * loader writes later (struct module, the kallsyms tail, the init symtab
 * copy), which this does not build.
 *
 * Return: 0; -HEKI_VSM_ERR_MODLAYOUT_NOT_LOADED for an unknown @mem;
 * -HEKI_VSM_ERR_MODRELOC_BUFFER_SIZE if @len differs from the layout; or
 * any error of heki_modreloc_load_section() / heki_modreloc_apply().
 */
int heki_modreloc_build_mem(const struct heki_modreloc_env *env,
			    const struct heki_modreloc_sym *syms, __u64 nsyms,
			    __u32 mem, __u8 *buf, __u64 len,
			    struct heki_modreloc_fault *fault)
{
	const struct heki_modlayout *lay = env->layout;
	const struct heki_elf *elf = env->elf;
	const struct heki_modlayout_sect *s;
	struct heki_elf_shdr rsh;
	__u64 target_va;
	__u32 i;
	int ret;

	set_fault(fault, 0, 0, 0, 0, 0);
	if (mem >= HEKI_MODLAYOUT_NR_MEM)
		return -HEKI_VSM_ERR_MODLAYOUT_NOT_LOADED;
	if (len != lay->mem[mem].size || (len && !buf))
		return -HEKI_VSM_ERR_MODRELOC_BUFFER_SIZE;
	ret = load_mem(env, mem, buf, len);
	if (ret)
		return ret;
	for (i = 1; i < elf->shnum; i++) {
		ret = heki_elf_shdr(elf, i, &rsh);
		if (ret)
			return ret;
		if (!is_reloc_section(&rsh) || rsh.info >= lay->nsects ||
		    lay->sects[rsh.info].mem != mem)
			continue;
		if (!syms || nsyms < elf->nsyms)
			return -HEKI_VSM_ERR_MODRELOC_NO_ROOM;
		ret = rela_allowed(i, &rsh, fault);
		if (!ret)
			ret = heki_modlayout_section_va(lay, rsh.info,
							env->mem_va, &target_va);
		if (ret)
			return ret;
		s = &lay->sects[rsh.info];
		ret = apply_section(env, syms, i, &rsh, target_va,
				    buf + s->offset, s->size, fault);
		if (ret)
			return ret;
	}
	return 0;
}

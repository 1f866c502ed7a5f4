// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_validate_6_4.c - the whole ValidateModule, through the VTL call, on
 * the Linux 6.4+ module layout (mod->mem[]: every memory type its own
 * page-aligned allocation at an independent VA).
 *
 * The simulated guest's LoadKData carries the kernel info extension with
 * linux_version 6.12.95, so VTL1 chooses HEKI_MODLAYOUT_LINUX_6_4 by
 * itself (kdata.c); the module memory is laid out, relocated and placed by
 * modsim.c with the same rules, the types scattered over the module area
 * with gaps and not in type order, their frames packed in type order
 * elsewhere. Refusals are checked by their exact code: the VTL call's
 * errno and the dispatcher's "<code name> (" log line, plus the refusal
 * line's memory type where there is one, and that nothing stays
 * protected.
 *
 * Groups: "std" (the standard synthetic module of std.c), "kdata" (the
 * layout LoadKData chooses from linux_version), then each module path
 * given (6.1 Debian modules as ELF input: the rules are under test, not
 * the build; and 6.12 modules if given). Per real module: accepted in two
 * 6.4 placements, one text byte, text one page long, rodata over text,
 * the 6.1 placement under 6.4 rules and the 6.4 placement under 6.1
 * rules.
 *
 * Usage: test_validate_6_4 [--modules-only] [MODULE.ko[.xz]... | -]
 *   -               paths on stdin
 *   --modules-only  only the given modules, not the "std" and "kdata"
 *                   groups: a second process over another part of the
 *                   list (run.sh splits the list over two; the groups run
 *                   once, in the first)
 * Results through vtl1/tests/check.h (a module too large for the simulated
 * guest is a skip).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "core/core.h"
#include "guest.h"
#include "kdata/kinfo_ext.h"
#include "modsim.h"
#include "sig/modsig.h"

#define V612		0x060c5fU	/* 6.12.95 */
#define V61		0x06019eU	/* 6.1.158 */
#define NO_EXT		0U		/* LoadKData without the extension */
#define KEYID		7
#define MOD_VA		0xffffffffc0000000ULL
#define PAGE		4096ULL
#define PA_GAP		PAGE		/* frames: one free page between types */
#define PA_END		GUEST_VTL1_PA
#define MAX_R		16

#define TEXT		HEKI_MODLAYOUT_TEXT
#define DATA		HEKI_MODLAYOUT_DATA
#define RODATA		HEKI_MODLAYOUT_RODATA
#define ROAI		HEKI_MODLAYOUT_RO_AFTER_INIT
#define ITEXT		HEKI_MODLAYOUT_INIT_TEXT
#define IDATA		HEKI_MODLAYOUT_INIT_DATA
#define IRODATA		HEKI_MODLAYOUT_INIT_RODATA
#define NR_MEM		HEKI_MODLAYOUT_NR_MEM
#define L61		HEKI_MODLAYOUT_LINUX_6_1
#define L64		HEKI_MODLAYOUT_LINUX_6_4
#define L616		HEKI_MODLAYOUT_LINUX_6_16

/* modules whose 6.1 and 6.4+ sizes agree; of those, 6.1 loads accepted */
static unsigned long n_agree, n_agree_accepted;

static char logbuf[65536];
static size_t loglen;

static void capture_log(void *ctx, int level, const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)ctx;
	(void)level;
	va_start(ap, fmt);
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(logbuf) - loglen)
		loglen += (size_t)n;
}

/* ---- placements ---------------------------------------------------------- */

/**
 * struct place - where the simulated 6.4+ kernel puts the memory types
 * @name: what the case shows
 * @order: types from the lowest VA up
 * @gap: bytes left free between two consecutive types
 */
struct place {
	const char *name;
	__u8 order[NR_MEM];
	__u64 gap;
};

static const struct place places[] = {
	{ "scattered: init rodata, data, init data, text, ro_after_init, init text, rodata; 1-page gaps",
	  { IRODATA, DATA, IDATA, TEXT, ROAI, ITEXT, RODATA }, PAGE },
	{ "reverse type order, adjacent",
	  { IRODATA, IDATA, ITEXT, ROAI, RODATA, DATA, TEXT }, 0 },
	{ "type order, 37-page gaps",
	  { TEXT, DATA, RODATA, ROAI, ITEXT, IDATA, IRODATA }, 37 * PAGE },
};

/* ---- one simulated load -------------------------------------------------- */

/**
 * struct run - one module's simulated load into one simulated guest
 * @s: the simulated memory (layout rules of the simulated kernel)
 * @g: the guest
 * @r: ValidateModule ranges: the memory types, ELF buffer, per-CPU base
 * @n: ranges used
 * @nmem: of which memory types (the first @nmem)
 * @type_r: index in @r of each memory type's range, -1 if empty
 */
struct run {
	struct modsim s;
	struct guest *g;
	struct heki_range r[MAX_R];
	__u32 n;
	__u32 nmem;
	int type_r[NR_MEM];
	/* 6.4+ rewrites simulated (sim64_rewrites()): counts, first sites */
	__u32 n_sealed;
	__u32 n_dcall;
	__u32 seal_mem;
	__u64 seal_off;
	__u32 dcall_mem;
	__u64 dcall_off;
};

/* A section of the laid-out module: its memory bytes, VA and size. */
static __u8 *sim_section(struct modsim *s, const char *name, __u64 *va,
			 __u64 *size)
{
	const struct heki_modlayout_sect *sect;
	__u32 idx;

	if (heki_elf_find_section(&s->mv.elf, name, HEKI_SHF_ALLOC, &idx))
		return NULL;
	sect = &s->mv.sects[idx];
	if (sect->mem >= NR_MEM || !s->mem[sect->mem])
		return NULL;
	*va = s->va[sect->mem] + sect->offset;
	*size = sect->size;
	return s->mem[sect->mem] + sect->offset;
}

/*
 * What Debian's 6.12 module_finalize() writes that differs from the
 * relocated ELF on every CPU (6.12 arch/x86/kernel/module.c and
 * alternative.c), after the mcount NOPs:
 * - apply_seal_endbr(): X86_KERNEL_IBT=y, so every .ibt_endbr_seal entry
 *   holding ENDBR64/32 becomes gen_endbr_poison(), 66 0f 1f 00, whatever
 *   the CPU;
 * - apply_alternatives() for ALT_FLAG_DIRECT_CALL entries (paravirt calls,
 *   feature X86_FEATURE_ALWAYS, so always applied): "ff 15 disp32" becomes
 *   "e8" to the pv_ops slot's function, then one 0x90. The simulated guest
 *   sends no pv_ops values and no kallsyms, so the target is a function
 *   entry its LoadKData names: the export pv_ops, which every module with
 *   such a site imports (its "ff 15" is relocated against pv_ops). Since
 *   issue 10 finding 4 the rule accepts only function entries.
 * Other alternatives, retpolines and returns keep their ELF form (the
 * simulated guest sends no capability words; the rules accept the
 * unchanged original).
 */
static void sim64_rewrites(struct run *u)
{
	static const __u8 poison[4] = { 0x66, 0x0f, 0x1f, 0x00 };
	struct modsim *s = &u->s;
	__u64 va, size, i, site, dest;
	__u32 mem;
	__s32 rel;
	__u8 *tab, *p;

	tab = sim_section(s, ".ibt_endbr_seal", &va, &size);
	for (i = 0; tab && i + 4 <= size; i += 4) {
		memcpy(&rel, tab + i, 4);
		site = va + i + (__u64)(__s64)rel;
		p = modsim_at(s, site, 4, &mem);
		if (!p || p[0] != 0xf3 || p[1] != 0x0f || p[2] != 0x1e ||
		    (p[3] & ~1) != 0xfa)
			continue;
		memcpy(p, poison, 4);
		if (!u->n_sealed++) {
			u->seal_mem = mem;
			u->seal_off = site - s->va[mem];
		}
	}
	tab = sim_section(s, ".altinstructions", &va, &size);
	for (i = 0; tab && i + 14 <= size; i += 14) {
		if (!(tab[i + 10] & 2) || tab[i + 12] != 6)
			continue;
		memcpy(&rel, tab + i, 4);
		site = va + i + (__u64)(__s64)rel;
		p = modsim_at(s, site, 6, &mem);
		if (!p || p[0] != 0xff || p[1] != 0x15)
			continue;
		dest = modsim_fake_export("pv_ops");
		p[0] = 0xe8;
		rel = (__s32)(dest - (site + 5));
		memcpy(p + 1, &rel, 4);
		p[5] = 0x90;
		if (!u->n_dcall++) {
			u->dcall_mem = mem;
			u->dcall_off = site + 5 - s->va[mem];
		}
	}
}

static void run_free(struct run *u)
{
	if (u->g)
		guest_free(u->g);
	modsim_free(&u->s);
	memset(u, 0, sizeof(*u));
}

/*
 * Lay out @elf (unsigned, @len bytes) with @rules (6.1: core and init
 * allocations; 6.4+: @p), relocate, NOP the mcount sites, then give it to
 * a new guest whose LoadKData says @version (NO_EXT: no extension).
 * Returns 0, 1 if the module does not fit the simulated guest, or < 0.
 */
static int run_setup(struct run *u, const __u8 *elf, __u64 len, __u32 rules,
		     const struct place *p, __u32 version)
{
	static const __u64 alloc61[NR_MEM] = { MOD_VA, MOD_VA + 0x4000000ULL };
	struct heki_kernel_info_ext ext;
	__u8 cert[0x200], *signed_elf;
	__u64 clen, total = 0, slen;
	__u32 t;
	int ret;

	memset(u, 0, sizeof(*u));
	ret = modsim_layout(&u->s, elf, len, rules);
	if (ret)
		return ret;
	for (t = 0; t < NR_MEM; t++)
		total += u->s.size[t] + PA_GAP;
	if (SIM_CORE_PA + total > PA_END || len > SIM_ELF_MAX - PAGE)
		return 1;
	if (rules == L61)
		modsim_va_alloc(&u->s, alloc61);
	else
		modsim_va_scatter(&u->s, MOD_VA, p->order, p->gap);
	ret = modsim_relocate(&u->s, modsim_resolve, NULL, SIM_PERCPU_VA, 1);
	if (ret)
		return ret;
	modsim_nop_mcount(&u->s);
	if (version >= 0x060400U)
		sim64_rewrites(u);

	u->g = guest_new();
	if (!u->g)
		return -1;
	u->g->quiet = 1;
	u->g->v->p.log = capture_log;
	clen = guest_make_cert(cert, KEYID);
	modsim_kinfo_ext(&ext, version);
	ret = modsim_load_kdata_ext(u->g, cert, clen, &u->s.mv.elf,
				    version ? &ext : NULL);
	if (ret)
		return ret;

	u->nmem = modsim_place_pa(u->g, &u->s, SIM_CORE_PA, PA_GAP, u->r);
	for (t = 0; t < NR_MEM; t++)
		u->type_r[t] = -1;
	for (t = 0; t < u->nmem; t++)
		u->type_r[u->r[t].attributes] = (int)t;
	signed_elf = malloc(len + PAGE);
	if (!signed_elf)
		return -1;
	memcpy(signed_elf, elf, len);
	slen = guest_sign(signed_elf, len, KEYID);
	guest_write(u->g, SIM_ELF_PA, signed_elf, slen);
	free(signed_elf);
	u->n = u->nmem;
	u->r[u->n++] = (struct heki_range){ SIM_KVA(SIM_ELF_PA), SIM_ELF_PA,
					    SIM_ELF_PA + slen,
					    HEKI_MOD_MEM_ELF_BUFFER_VALUE };
	u->r[u->n++] = (struct heki_range){ SIM_PERCPU_VA, 0, 0,
					    HEKI_MOD_MEM_PERCPU_VALUE };
	return 0;
}

/* The simulated memory into its frames (a refused call leaves it), call. */
static __s64 validate(struct run *u)
{
	__u32 i, t;

	for (i = 0; i < u->nmem; i++) {
		t = (__u32)u->r[i].attributes;
		guest_write(u->g, u->r[i].pa, u->s.mem[t],
			    u->s.size[t] < u->r[i].epa - u->r[i].pa ?
			    u->s.size[t] : u->r[i].epa - u->r[i].pa);
	}
	guest_chain(u->g, SIM_CHAIN_PA, u->r, u->n, 0);
	loglen = 0;
	logbuf[0] = 0;
	return guest_call(u->g, VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE,
			  SIM_CHAIN_PA, u->n, 0);
}

static hv_page_prot_t prot_of(__u32 type)
{
	return heki_mem_attr_to_hv_page_prot(heki_mod_mem_type_to_mem_attr(
		(__force heki_mod_mem_type_t)(__u64)type));
}

/* Accepted: a token, every type's frames carry the type's protection. */
static int accepted(struct run *u, __s64 tok)
{
	__u32 i;
	__u64 pa;

	if (tok < 0)
		return 0;
	for (i = 0; i < u->nmem; i++)
		for (pa = u->r[i].pa; pa < u->r[i].epa; pa += PAGE)
			if (u->g->prot[pa >> 12] !=
			    hv_page_prot_raw(prot_of((__u32)u->r[i].attributes)))
				return 0;
	return 1;
}

static void unload(struct run *u, __s64 tok)
{
	if (tok >= 0)
		guest_call(u->g, VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE,
			   (__u64)tok, 0, 0);
}

static int nothing_protected(const struct run *u)
{
	__u32 i;
	__u64 pa;

	for (i = 0; i < u->nmem; i++)
		for (pa = u->r[i].pa; pa < u->r[i].epa; pa += PAGE) {
			struct heki_vtl1_frame_info fi;

			heki_vtl1_get_frame_info(u->g->v, pa >> 12, &fi);
			if ((fi.tracked && fi.owner != HEKI_VTL1_OWNER_NONE) ||
			    (u->g->prot[pa >> 12] != 0xF &&
			     u->g->prot[pa >> 12] != 0xB))
				return 0;
		}
	return heki_vtl1_nr_modules(u->g->v) == 0;
}

/*
 * Refused with exactly @code: the errno of the VTL call, the dispatcher's
 * "<name> (" line, the refusal line's "mem @mem+" (if @mem < NR_MEM) and
 * nothing left protected.
 */
static int refused(const struct run *u, __s64 tok, int code, __u32 mem)
{
	char want[96];

	if (tok != -(__s64)heki_vsm_error_errno((enum heki_vsm_error)code))
		return 0;
	snprintf(want, sizeof(want), ": %s (",
		 heki_vsm_error_name((enum heki_vsm_error)code));
	if (!strstr(logbuf, want))
		return 0;
	if (mem < NR_MEM) {
		snprintf(want, sizeof(want), "%s: mem %u+",
			 heki_vsm_error_name((enum heki_vsm_error)code), mem);
		if (!strstr(logbuf, want))
			return 0;
	}
	return nothing_protected(u);
}

#define E(x)	HEKI_VSM_ERR_##x

/* ---- the standard synthetic module --------------------------------------- */

static struct eb_img std_img;

static __u8 *std_elf(__u64 *len)
{
	std_build(&std_img);
	*len = std_img.len;
	return std_img.len ? std_img.buf : NULL;
}

/* Each placement is accepted; relocations use each type's own VA. */
static void std_accept(const __u8 *elf, __u64 len)
{
	struct std_ctx *c = calloc(1, sizeof(*c));
	struct run u;
	__u64 v64, want;
	__u32 i;
	__s32 v32;
	__s64 tok;
	char name[160];

	for (i = 0; i < ARRAY_SIZE(places); i++) {
		snprintf(name, sizeof(name), "accept (%s)", places[i].name);
		if (run_setup(&u, elf, len, L64, &places[i], V612)) {
			check_group(0, "std", name, "setup failed");
			run_free(&u);
			continue;
		}
		tok = validate(&u);
		check_group(accepted(&u, tok), "std", name, "%lld: %s",
		       (long long)tok, logbuf);
		unload(&u, tok);
		run_free(&u);
	}

	/*
	 * The relocated text at std_va_6_4 (harness), against values computed
	 * from the layout: R_X86_64_64 at text+8 -> local_var in .data (its
	 * own allocation), PLT32 at text+1 -> ext_fn.
	 */
	memset(&u, 0, sizeof(u));
	if (!c || std_prepare_kernel(c, &std_img, L64, std_va_6_4) ||
	    modsim_layout(&u.s, elf, len, L64)) {
		check_group(0, "std", "relocated at std_va_6_4", "no layout");
		goto out;
	}
	memcpy(u.s.va, std_va_6_4, sizeof(u.s.va));
	if (modsim_relocate(&u.s, modsim_resolve, NULL, SIM_PERCPU_VA, 1)) {
		check_group(0, "std", "relocated at std_va_6_4", "relocation");
		goto out;
	}
	memcpy(&v64, u.s.mem[TEXT] + c->lay.sects[STD_TEXT].offset + 8, 8);
	want = std_va_6_4[DATA] + c->lay.sects[STD_DATA].offset + 8;
	check_group(c->lay.sects[STD_DATA].mem == DATA && v64 == want, "std",
	       "R_X86_64_64 into .data at data's own VA", "%#llx, want %#llx",
	       (unsigned long long)v64, (unsigned long long)want);
	memcpy(&v32, u.s.mem[TEXT] + c->lay.sects[STD_TEXT].offset + 1, 4);
	want = modsim_fake_export("ext_fn") - 4 -
	       (std_va_6_4[TEXT] + c->lay.sects[STD_TEXT].offset + 1);
	check_group((__u64)(__s64)v32 == want, "std", "PLT32 from text's own VA",
	       "%#x, want %#llx", v32, (unsigned long long)want);
out:
	run_free(&u);
	free(c);
}

/**
 * enum mut - one change of a good 6.4+ load
 * @MUT_VA_UNALIGNED: the type's VA moved by half a page
 * @MUT_LONGER: the type one page longer (its frames too)
 * @MUT_SHORTER: the type one page shorter (gone if it had one page)
 * @MUT_OVERLAP: the type's VA on the last page of type @arg
 * @MUT_TEXT_BYTE: one text byte flipped at offset @arg
 */
enum mut {
	MUT_VA_UNALIGNED, MUT_LONGER, MUT_SHORTER, MUT_OVERLAP, MUT_TEXT_BYTE,
};

/**
 * struct rcase - a refusal of the standard module under 6.4+ rules
 * @name: what it shows
 * @mut: the change
 * @type: the memory type changed
 * @arg: MUT_OVERLAP: the other type; MUT_TEXT_BYTE: the offset
 * @code: the HEKI_VSM_ERR_* expected
 * @mem: the memory type the refusal names, NR_MEM if none
 */
struct rcase {
	const char *name;
	enum mut mut;
	__u32 type;
	__u64 arg;
	int code;
	__u32 mem;
};

static const struct rcase std_refusals[] = {
	{ "text VA not page aligned", MUT_VA_UNALIGNED, TEXT, 0,
	  E(ADDRESS_NOT_PAGE_ALIGNED), NR_MEM },
	{ "data VA not page aligned", MUT_VA_UNALIGNED, DATA, 0,
	  E(ADDRESS_NOT_PAGE_ALIGNED), NR_MEM },
	{ "init data VA not page aligned", MUT_VA_UNALIGNED, IDATA, 0,
	  E(ADDRESS_NOT_PAGE_ALIGNED), NR_MEM },
	{ "text one page longer", MUT_LONGER, TEXT, 0, E(MODLAYOUT_MEM_SIZE),
	  TEXT },
	{ "data one page longer", MUT_LONGER, DATA, 0, E(MODLAYOUT_MEM_SIZE),
	  DATA },
	{ "rodata one page longer", MUT_LONGER, RODATA, 0,
	  E(MODLAYOUT_MEM_SIZE), RODATA },
	{ "init text one page longer", MUT_LONGER, ITEXT, 0,
	  E(MODLAYOUT_MEM_SIZE), ITEXT },
	{ "init data one page longer", MUT_LONGER, IDATA, 0,
	  E(MODLAYOUT_MEM_SIZE), IDATA },
	{ "text one page shorter (absent)", MUT_SHORTER, TEXT, 0,
	  E(MODLAYOUT_MEM_SIZE), TEXT },
	{ "rodata one page shorter (absent)", MUT_SHORTER, RODATA, 0,
	  E(MODLAYOUT_MEM_SIZE), RODATA },
	{ "init data one page shorter (absent)", MUT_SHORTER, IDATA, 0,
	  E(MODLAYOUT_MEM_SIZE), IDATA },
	{ "rodata at text's VA", MUT_OVERLAP, RODATA, TEXT,
	  E(MODLAYOUT_MEM_OVERLAP), RODATA },
	{ "data at init data's VA", MUT_OVERLAP, DATA, IDATA,
	  E(MODLAYOUT_MEM_OVERLAP), IDATA },
	{ "init text at rodata's VA", MUT_OVERLAP, ITEXT, RODATA,
	  E(MODLAYOUT_MEM_OVERLAP), ITEXT },
	{ "text at init data's VA", MUT_OVERLAP, TEXT, IDATA,
	  E(MODLAYOUT_MEM_OVERLAP), IDATA },
	{ "one text byte (a nop of .text)", MUT_TEXT_BYTE, TEXT, 30,
	  E(MODULE_CONTENT_MISMATCH), TEXT },
	{ "one text byte (the PLT32 to ext_fn)", MUT_TEXT_BYTE, TEXT, 2,
	  E(MODULE_CONTENT_MISMATCH), TEXT },
};

/* Apply @c to @u; returns what must be undone in *save, or -1 if n/a. */
static int mutate(struct run *u, const struct rcase *c, struct heki_range *save)
{
	int i = u->type_r[c->type], j;
	__u8 *p;

	if (i < 0)
		return -1;
	*save = u->r[i];
	switch (c->mut) {
	case MUT_VA_UNALIGNED:
		u->r[i].va += PAGE / 2;
		break;
	case MUT_LONGER:
		u->r[i].epa += PAGE;
		break;
	case MUT_SHORTER:
		u->r[i].epa -= PAGE;
		break;
	case MUT_OVERLAP:
		j = u->type_r[c->arg];
		if (j < 0)
			return -1;
		u->r[i].va = u->r[j].va + (u->r[j].epa - u->r[j].pa) - PAGE;
		break;
	case MUT_TEXT_BYTE:
		if (c->arg >= u->s.size[c->type])
			return -1;
		p = u->s.mem[c->type] + c->arg;
		*p ^= 0x01;
		break;
	}
	return i;
}

static void unmutate(struct run *u, const struct rcase *c, int i,
		     const struct heki_range *save)
{
	if (c->mut == MUT_TEXT_BYTE)
		u->s.mem[c->type][c->arg] ^= 0x01;
	u->r[i] = *save;
}

static void run_refusals(struct run *u, const char *grp,
			 const struct rcase *cases, __u32 n)
{
	struct heki_range save;
	__s64 tok;
	__u32 k;
	int i;

	for (k = 0; k < n; k++) {
		i = mutate(u, &cases[k], &save);
		if (i < 0) {
			check_group(0, grp, cases[k].name, "case does not apply");
			continue;
		}
		tok = validate(u);
		unmutate(u, &cases[k], i, &save);
		check_group(refused(u, tok, cases[k].code, cases[k].mem), grp,
		       cases[k].name, "%lld, want %s: %s", (long long)tok,
		       heki_vsm_error_name((enum heki_vsm_error)cases[k].code),
		       logbuf);
		unload(u, tok);
	}
}

static void std_refuse(const __u8 *elf, __u64 len)
{
	struct run u;

	if (run_setup(&u, elf, len, L64, &places[0], V612)) {
		check_group(0, "std", "refusals", "setup failed");
	} else {
		run_refusals(&u, "std", std_refusals, ARRAY_SIZE(std_refusals));
		/* and the unchanged load is still accepted after them */
		check_group(accepted(&u, validate(&u)), "std",
		       "accepted after the refusals", "%s", logbuf);
	}
	run_free(&u);
}

/* First type whose size differs between the two rule sets, NR_MEM if none. */
static __u32 first_size_diff(const __u8 *elf, __u64 len, int *err)
{
	struct modsim a, b;
	__u32 t = NR_MEM;

	*err = modsim_layout(&a, elf, len, L61);
	if (!*err)
		*err = modsim_layout(&b, elf, len, L64);
	else
		memset(&b, 0, sizeof(b));
	for (t = 0; !*err && t < NR_MEM; t++)
		if (a.size[t] != b.size[t])
			break;
	modsim_free(&a);
	modsim_free(&b);
	return *err ? NR_MEM : t;
}

/*
 * The type the 6.1 rules name MISPLACED for types at @va: in each of the
 * two allocations (core first), the first non-empty type (by number)
 * fixes the base, the next one not at that base + its offset fails.
 */
static __u32 misplaced_mem(const __u8 *elf, __u64 len, const __u64 va[NR_MEM])
{
	const struct heki_modlayout_region *r;
	struct modsim a;
	__u32 alloc, t, bad = NR_MEM;
	__u64 base = 0;
	int seen;

	if (modsim_layout(&a, elf, len, L61)) {
		modsim_free(&a);
		return NR_MEM;
	}
	for (alloc = 0; alloc < 2 && bad == NR_MEM; alloc++) {
		seen = 0;
		for (t = 0; t < NR_MEM && bad == NR_MEM; t++) {
			r = &a.mv.lay.mem[t];
			if (r->alloc != alloc || !r->size)
				continue;
			if (!seen)
				base = va[t] - r->base;
			else if (va[t] - r->base != base)
				bad = t;
			seen = 1;
		}
	}
	modsim_free(&a);
	return bad;
}

/*
 * The other kernel's placement: the 6.1 load (common base) under 6.4+
 * rules and the 6.4+ load under 6.1 rules (extension 6.1.158 and none)
 * are refused with MODLAYOUT_MEM_SIZE on the first type whose size the
 * rules disagree on. Where all seven sizes agree, the scattered 6.4+ load
 * under 6.1 rules is MODLAYOUT_MEM_MISPLACED, and the common-base load is
 * also a placement a 6.4+ kernel can make (each type page aligned, none
 * overlapping): accepted if the sections sit where 6.4+ puts them, else
 * refused for content. The 6.1 layout's sizes scattered 6.4-style under
 * 6.1 rules: MODLAYOUT_MEM_MISPLACED.
 */
static void cross_rules(const char *grp, const __u8 *elf, __u64 len)
{
	static const struct {
		const char *name;
		__u32 rules;
		__u32 version;
	} cases[] = {
		{ "6.1 placement (common base), 6.4+ rules (LoadKData 6.12.95)",
		  L61, V612 },
		{ "6.4+ placement, 6.1 rules (LoadKData 6.1.158)", L64, V61 },
		{ "6.4+ placement, 6.1 rules (LoadKData without extension)",
		  L64, NO_EXT },
	};
	struct run u;
	__u32 k, t, diff;
	__s64 tok;
	int err, ret;

	diff = first_size_diff(elf, len, &err);
	n_agree += !err && diff == NR_MEM;
	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		ret = run_setup(&u, elf, len, cases[k].rules, &places[0],
				cases[k].version);
		if (ret || err) {
			check_group(ret == 1, grp, cases[k].name,
			       "setup failed: %d / %d", ret, err);
			run_free(&u);
			continue;
		}
		tok = validate(&u);
		if (diff < NR_MEM)
			check_group(refused(&u, tok, E(MODLAYOUT_MEM_SIZE), diff), grp,
			       cases[k].name, "%lld, want MODLAYOUT_MEM_SIZE mem %u: %s",
			       (long long)tok, diff, logbuf);
		else if (cases[k].rules == L64)
			/* same sizes, but not one core and one init block */
			check_group(refused(&u, tok, E(MODLAYOUT_MEM_MISPLACED),
				       misplaced_mem(elf, len, u.s.va)), grp,
			       cases[k].name, "sizes agree: %lld: %s",
			       (long long)tok, logbuf);
		else {
			/*
			 * Same sizes: the common-base placement is one a 6.4+
			 * kernel may make too; accepted if every section sits
			 * where 6.4+ puts it, else a content refusal.
			 */
			n_agree_accepted += tok >= 0;
			check_group(tok >= 0 || refused(&u, tok,
						   E(MODULE_CONTENT_MISMATCH),
						   NR_MEM), grp, cases[k].name,
			       "sizes agree: %lld: %s", (long long)tok, logbuf);
		}
		unload(&u, tok);
		run_free(&u);
	}

	/* 6.1 sizes, but every type at its own VA: not one allocation */
	if (run_setup(&u, elf, len, L61, &places[0], NO_EXT)) {
		check_group(0, grp, "6.1 layout scattered, 6.1 rules", "setup");
		run_free(&u);
		return;
	}
	modsim_va_scatter(&u.s, MOD_VA, places[0].order, places[0].gap);
	for (t = 0; t < u.nmem; t++)
		u.r[t].va = u.s.va[u.r[t].attributes];
	tok = validate(&u);
	check_group(refused(&u, tok, E(MODLAYOUT_MEM_MISPLACED),
		       misplaced_mem(elf, len, u.s.va)), grp,
	       "6.1 layout scattered 6.4-style, 6.1 rules", "%lld: %s",
	       (long long)tok, logbuf);
	unload(&u, tok);
	run_free(&u);
}

/* ---- LoadKData chooses the rules ----------------------------------------- */

static void kdata_choice(const __u8 *elf, __u64 len)
{
	static const struct {
		__u32 version;
		__u32 want;
	} cases[] = {
		{ NO_EXT, 0 },
		{ 0x060100, L61 },
		{ V61, L61 },
		{ 0x0603ff, L61 },
		{ 0x060400, L64 },
		{ V612, L64 },
		{ 0x060fff, L64 },
		{ 0x061000, L616 },
	};
	static const char * const load_name[] = { "6.1", "6.4+" };
	static const char * const verdict[] = { "refused", "accepted" };
	struct run u;
	char name[96];
	__u32 k, rules, got;
	__s64 tok;
	int ret, ok;

	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		for (rules = L61; rules <= L64; rules++) {
			ret = run_setup(&u, elf, len, rules, &places[0],
					cases[k].version);
			if (rules == L61) {
				got = u.g ? heki_modlayout_kernel_of(u.g->v->kext) : ~0U;
				snprintf(name, sizeof(name),
					 "linux_version 0x%06x: layout_kernel %u",
					 cases[k].version, cases[k].want);
				check_group(!ret && got == cases[k].want, "kdata",
				       name, "setup %d, layout_kernel %u", ret,
				       got);
			}
			tok = ret ? -1 : validate(&u);
			/*
			 * the load of the chosen rules only is accepted (this
			 * module has no .static_call_sites: 6.16 places it as
			 * 6.4 does)
			 */
			ok = (rules == L64) == (cases[k].want >= L64);
			snprintf(name, sizeof(name),
				 "linux_version 0x%06x: %s load %s",
				 cases[k].version, load_name[rules - L61],
				 verdict[ok]);
			if (ok)
				check_group(accepted(&u, tok), "kdata", name,
				       "%lld: %s", (long long)tok, logbuf);
			else
				check_group(refused(&u, tok, E(MODLAYOUT_MEM_SIZE),
					       NR_MEM), "kdata", name,
				       "%lld: %s", (long long)tok, logbuf);
			unload(&u, tok);
			run_free(&u);
		}
	}
}

/* ---- real modules ---------------------------------------------------------- */

static __u8 *read_module(const char *path, __u64 *len)
{
	size_t cap = 1 << 20, n = 0, r;
	__u8 *buf = malloc(cap), *nb;
	char cmd[4200];
	size_t l = strlen(path);
	int xz = l > 3 && !strcmp(path + l - 3, ".xz");
	FILE *f;

	if (!buf)
		return NULL;
	if (xz) {
		snprintf(cmd, sizeof(cmd), "xz -dc '%s'", path);
		f = popen(cmd, "r");
	} else {
		f = fopen(path, "rb");
	}
	if (!f) {
		free(buf);
		return NULL;
	}
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n < cap)
			continue;
		nb = realloc(buf, cap * 2);
		if (!nb)
			break;
		buf = nb;
		cap *= 2;
	}
	if (xz)
		pclose(f);
	else
		fclose(f);
	*len = n;
	return buf;
}

/* A text offset outside every rewrite site the engine collects, or -1. */
static long quiet_text_offset(struct run *u)
{
	struct heki_modverify_env env;
	struct heki_modverify_fault f;
	const struct heki_modverify *mv = &u->s.mv;
	__u64 off;
	__u32 i, t;

	memset(&env, 0, sizeof(env));
	for (t = 0; t < NR_MEM; t++)
		env.actual[t] = u->s.mem[t];
	env.percpu_va = SIM_PERCPU_VA;
	env.has_percpu = 1;
	env.resolve = modsim_resolve;
	heki_modverify_compare(&u->s.mv, &env, &f);
	for (off = u->s.size[TEXT] / 3; off < u->s.size[TEXT]; off++) {
		for (i = 0; i < mv->nsites; i++)
			if (mv->sites[i].mem == TEXT &&
			    mv->sites[i].offset <= off &&
			    off < mv->sites[i].offset + mv->sites[i].len)
				break;
		if (i == mv->nsites)
			return (long)off;
	}
	return -1;
}

/* Set up @u with placement @p under 6.4+ rules and expect acceptance. */
static int accept_in(struct run *u, const char *mod, const __u8 *elf,
		     __u64 len, const struct place *p)
{
	char name[256];
	__s64 tok;
	int ret;

	ret = run_setup(u, elf, len, L64, p, V612);
	if (ret == 1)
		return 1;
	snprintf(name, sizeof(name), "accept (%s)", p->name);
	tok = ret ? ret : validate(u);
	check_group(!ret && accepted(u, tok), mod, name, "setup %d, %lld: %s", ret,
	       (long long)tok, logbuf);
	unload(u, tok);
	return ret;
}

/*
 * A 6.1 module given as ELF input for the 6.4+ layout: its .altinstructions
 * holds 6.1's 12-byte struct alt_instr, which the 6.4+ rules (14 bytes,
 * Debian's 6.12) rightly refuse; the layout is what such inputs test, so
 * the table is renamed (same length: the layout is unchanged) and its
 * bytes are compared as they are.
 */
static void hide_61_alt(__u8 *buf, __u64 len)
{
	static const char name[] = ".altinstructions";
	__u64 i;

	for (i = 0; i + sizeof(name) <= len; i++)
		if (buf[i] == '.' && !memcmp(buf + i, name, sizeof(name)))
			buf[i + sizeof(name) - 2] = 'z';
}

static void one_module(const char *path)
{
	const char *mod = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct rcase rc[5];
	struct heki_modsig ms;
	struct run u;
	__u64 len = 0;
	__u8 *buf = read_module(path, &len);
	long off;
	__u32 i;
	int ret;

	memset(&u, 0, sizeof(u));
	if (!buf || heki_modsig_split(buf, len, &ms)) {
		check_group(0, mod, "read", "cannot read or split %s", path);
		goto out;
	}
	len = ms.data_len;
	if (!strstr(path, "/6.12."))
		hide_61_alt(buf, len);
	ret = accept_in(&u, mod, buf, len, &places[1]);
	run_free(&u);
	if (!ret)
		ret = accept_in(&u, mod, buf, len, &places[0]);
	if (ret == 1)
		check_group_skip(mod, "validate",
				 "too large for the simulated guest");
	if (ret)
		goto out;

	off = quiet_text_offset(&u);
	rc[0] = (struct rcase){ "one text byte outside every site",
		MUT_TEXT_BYTE, TEXT, (__u64)off, E(MODULE_CONTENT_MISMATCH),
		TEXT };
	rc[1] = (struct rcase){ "text one page longer", MUT_LONGER, TEXT, 0,
		E(MODLAYOUT_MEM_SIZE), TEXT };
	rc[2] = (struct rcase){ "rodata on text's last page", MUT_OVERLAP,
		RODATA, TEXT, E(MODLAYOUT_MEM_OVERLAP), RODATA };
	/* 6.12 rewrites: a sealed ENDBR and a direct call's pad, one bit */
	rc[3] = (struct rcase){ "ENDBR poison one bit off (.ibt_endbr_seal)",
		MUT_TEXT_BYTE, u.seal_mem, u.seal_off, E(REWRITE_ENDBR_SEAL),
		u.seal_mem };
	rc[4] = (struct rcase){ "direct call pad one bit off (ALT_FLAG_DIRECT_CALL)",
		MUT_TEXT_BYTE, u.dcall_mem, u.dcall_off,
		E(REWRITE_ALT_DIRECT_CALL), u.dcall_mem };
	if (!u.n_sealed)
		rc[3].name = NULL;
	if (!u.n_dcall)
		rc[4].name = NULL;
	if (off < 0)
		rc[0].name = NULL;
	for (i = 0; i < ARRAY_SIZE(rc); i++)
		if (rc[i].name && u.type_r[TEXT] >= 0 &&
		    u.type_r[rc[i].type] >= 0 &&
		    (rc[i].mut != MUT_OVERLAP || u.type_r[RODATA] >= 0))
			run_refusals(&u, mod, &rc[i], 1);
	run_free(&u);
	cross_rules(mod, buf, len);
out:
	run_free(&u);
	free(buf);
}

/* The oracle (tests/oracle.c) checks every call; a violation is a failure. */
static void oracle_failed(const char *msg)
{
	check_result(0, "oracle", "%s", msg);
}

int main(int argc, char **argv)
{
	char line[4096];
	__u64 len;
	__u8 *elf;
	int first = 1, i;

	oracle_fail_handler = oracle_failed;
	if (argc > 1 && !strcmp(argv[1], "--modules-only"))
		first = 2;
	elf = first == 1 ? std_elf(&len) : NULL;

	if (first == 1 && !elf) {
		check_group(0, "std", "build", "the standard module does not build");
	} else if (elf) {
		std_accept(elf, len);
		std_refuse(elf, len);
		cross_rules("std", elf, len);
		kdata_choice(elf, len);
	}
	if (argc == first + 1 && !strcmp(argv[first], "-")) {
		while (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\n")] = 0;
			if (line[0])
				one_module(line);
		}
	}
	for (i = first; i < argc; i++)
		if (strcmp(argv[i], "-"))
			one_module(argv[i]);
	check_diag("%lu module(s) with the same memory type sizes under both rule sets; %lu of them accepted in the 6.1 placement under 6.4+ rules",
		   n_agree, n_agree_accepted);
	return check_done();
}

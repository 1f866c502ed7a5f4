// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * modsim.c - simulated module loads for host tests (see modsim.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modsim.h"

#define MODSIM_CORE_VA	0xffffffffc0000000ULL
#define MODSIM_INIT_VA	0xffffffffc1000000ULL

static void *sim_alloc(void *ctx, __u64 size)
{
	(void)ctx;
	return calloc(1, size);
}

static void sim_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

int modsim_layout(struct modsim *s, const __u8 *elf, __u64 len,
		  __u32 kernel)
{
	const struct heki_modverify_ops ops = { .alloc = sim_alloc,
						.free = sim_free,
						.layout_kernel = kernel };
	struct heki_modverify_fault f;
	__u32 t;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = heki_modverify_init(&s->mv, &ops, elf, len, &f);
	if (ret)
		return ret;
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		s->size[t] = s->mv.lay.mem[t].size;
	return 0;
}

void modsim_va_alloc(struct modsim *s,
		     const __u64 alloc_va[HEKI_MODLAYOUT_NR_MEM])
{
	__u32 t;

	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
		const struct heki_modlayout_region *m = &s->mv.lay.mem[t];

		s->va[t] = m->alloc < HEKI_MODLAYOUT_NR_MEM ?
			   alloc_va[m->alloc] + m->base : 0;
	}
}

void modsim_va_scatter(struct modsim *s, __u64 base_va,
		       const __u8 order[HEKI_MODLAYOUT_NR_MEM], __u64 gap)
{
	__u64 va = base_va;
	__u32 i, t;

	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		s->va[t] = 0;
	for (i = 0; i < HEKI_MODLAYOUT_NR_MEM; i++) {
		t = order[i];
		if (t >= HEKI_MODLAYOUT_NR_MEM || !s->size[t])
			continue;
		s->va[t] = va;
		va += s->size[t] + gap;
	}
}

int modsim_relocate(struct modsim *s, heki_modreloc_resolve_fn resolve,
		    void *ctx, __u64 percpu_va, int has_percpu)
{
	struct heki_modverify_fault f;
	struct heki_modreloc_env env;
	struct heki_modreloc_sym *syms;
	__u32 t;
	int ret;

	ret = heki_modverify_check_mem(&s->mv, s->va, s->size, &f);
	if (ret)
		return ret;
	memset(&env, 0, sizeof(env));
	env.elf = &s->mv.elf;
	env.layout = &s->mv.lay;
	memcpy(env.mem_va, s->va, sizeof(env.mem_va));
	env.percpu_va = percpu_va;
	env.has_percpu = has_percpu;
	env.resolve = resolve;
	env.ctx = ctx;
	syms = calloc(s->mv.elf.nsyms + 1, sizeof(*syms));
	if (!syms)
		return -HEKI_VSM_ERR_NO_MEMORY;
	ret = heki_modreloc_symbols(&env, syms, s->mv.elf.nsyms, NULL);
	for (t = 0; !ret && t < HEKI_MODLAYOUT_NR_MEM; t++) {
		free(s->mem[t]);
		s->mem[t] = calloc(1, s->size[t] + 1);
		if (!s->mem[t]) {
			ret = -HEKI_VSM_ERR_NO_MEMORY;
			break;
		}
		ret = heki_modreloc_build_mem(&env, syms, s->mv.elf.nsyms, t,
					      s->mem[t], s->size[t], NULL);
	}
	free(syms);
	return ret;
}

int modsim_load(struct modsim *s, const __u8 *elf, __u64 len, __u64 core_va,
		__u64 init_va, heki_modreloc_resolve_fn resolve, void *ctx,
		__u64 percpu_va, int has_percpu)
{
	const __u64 alloc_va[HEKI_MODLAYOUT_NR_MEM] = { core_va, init_va };
	int ret;

	ret = modsim_layout(s, elf, len, HEKI_MODLAYOUT_LINUX_6_1);
	if (ret)
		return ret;
	modsim_va_alloc(s, alloc_va);
	return modsim_relocate(s, resolve, ctx, percpu_va, has_percpu);
}

void modsim_free(struct modsim *s)
{
	__u32 t;

	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		free(s->mem[t]);
	heki_modverify_free(&s->mv);
	memset(s, 0, sizeof(*s));
}

__u8 *modsim_at(struct modsim *s, __u64 va, __u64 len, __u32 *mem)
{
	__u32 t;

	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
		if (!s->size[t] || va < s->va[t] || va - s->va[t] >= s->size[t] ||
		    len > s->size[t] - (va - s->va[t]))
			continue;
		if (mem)
			*mem = t;
		return s->mem[t] + (va - s->va[t]);
	}
	return NULL;
}

static const __u8 *mcount_table(const struct modsim *s, __u64 *n)
{
	const struct heki_modlayout_sect *sect;
	__u32 idx;

	*n = 0;
	if (heki_elf_find_section(&s->mv.elf, "__mcount_loc", HEKI_SHF_ALLOC,
				  &idx))
		return NULL;
	sect = &s->mv.sects[idx];
	if (sect->mem >= HEKI_MODLAYOUT_NR_MEM)
		return NULL;
	*n = sect->size / 8;
	return s->mem[sect->mem] + sect->offset;
}

long modsim_nop_mcount(struct modsim *s)
{
	static const __u8 nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	const __u8 *tab;
	__u64 n, i, va;
	long done = 0;
	__u8 *p;

	tab = mcount_table(s, &n);
	for (i = 0; tab && i < n; i++) {
		memcpy(&va, tab + 8 * i, 8);
		p = modsim_at(s, va, 5, NULL);
		if (!p)
			return -1;
		memcpy(p, nop5, 5);
		done++;
	}
	return done;
}

__u64 modsim_first_mcount(const struct modsim *s)
{
	const __u8 *tab;
	__u64 n, va = 0;

	tab = mcount_table(s, &n);
	if (tab && n)
		memcpy(&va, tab, 8);
	return va;
}

__u32 modsim_place(struct guest *g, const struct modsim *s, __u64 core_pa,
		   __u64 init_pa, struct heki_range *r)
{
	__u32 t, n = 0;

	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
		const struct heki_modlayout_region *m = &s->mv.lay.mem[t];
		__u64 pa = (m->alloc ? init_pa : core_pa) + m->base;

		if (!s->size[t])
			continue;
		r[n].va = s->va[t];
		r[n].pa = pa;
		r[n].epa = pa + s->size[t];
		r[n].attributes = t;
		guest_write(g, pa, s->mem[t], s->size[t]);
		oracle_auth_bytes(g, pa, s->mem[t], s->size[t],
				  "module bytes loaded from the signed ELF (modsim)");
		n++;
	}
	return n;
}

__u32 modsim_place_pa(struct guest *g, const struct modsim *s, __u64 pa,
		      __u64 gap, struct heki_range *r)
{
	__u32 t, n = 0;

	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
		if (!s->size[t])
			continue;
		r[n].va = s->va[t];
		r[n].pa = pa;
		r[n].epa = pa + s->size[t];
		r[n].attributes = t;
		guest_write(g, pa, s->mem[t], s->size[t]);
		oracle_auth_bytes(g, pa, s->mem[t], s->size[t],
				  "module bytes loaded from the signed ELF (modsim)");
		pa += s->size[t] + gap;
		n++;
	}
	return n;
}

/* ---- a small real ELF module of a chosen shape ------------------------ */

struct sec {
	const char *name;
	__u32 type;
	__u64 flags;
	__u64 size;
	__u64 align;
	__u32 link, info;
	__u64 entsize;
	__u8 fill;	/* content pattern seed; 0: explicit @data */
	const void *data;
};

#define A	HEKI_SHF_ALLOC
#define W	HEKI_SHF_WRITE
#define X	HEKI_SHF_EXECINSTR

static void put(__u8 *b, __u64 off, __u64 v, unsigned int bytes)
{
	memcpy(b + off, &v, bytes);
}

/* The bytes of a jump label site in the ELF: its NOP, or its jmp. */
static void jump_bytes(__u8 *p, const struct modsim_jump *j)
{
	static const __u8 nop2[2] = { 0x66, 0x90 };
	static const __u8 nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	__s64 rel = (__s64)(j->target - (j->off + j->size));

	if (!j->jmp) {
		memcpy(p, j->size == 2 ? nop2 : nop5, j->size);
	} else if (j->size == 2) {
		p[0] = 0xeb;
		p[1] = (__u8)rel;
	} else {
		p[0] = 0xe9;
		put(p, 1, (__u64)rel, 4);
	}
}

/* "@op rel32" at .text offset @at to .text offset @to. */
static void put_rel32(__u8 *text, __u8 op, __u64 at, __u64 to)
{
	text[at] = op;
	put(text, at + 1, to - (at + 5), 4);
}

/*
 * The static call content of put_module_scalls(): the trampoline
 * __SCT__k (jmp f1; ud1 signature), the functions f1 and f2, a call site
 * and a tail-call site of key k, both through the trampoline.
 */
static void scall_bytes(__u8 *text)
{
	put_rel32(text, 0xe8, MODSIM_SC_CALL, MODSIM_SC_TRAMP);
	put_rel32(text, 0xe9, MODSIM_SC_TAIL, MODSIM_SC_TRAMP);
	put_rel32(text, 0xe9, MODSIM_SC_TRAMP, MODSIM_SC_F1);
	memcpy(text + MODSIM_SC_TRAMP + 5, "\x0f\xb9\xcc", 3);
}

/* ELF64 symbol @i of @sym: GLOBAL FUNC @name_off at @value of section @shndx. */
static void put_func_sym(__u8 *sym, __u32 i, __u32 name_off, __u32 shndx,
			 __u64 value, __u64 size)
{
	put(sym, 24ULL * i, name_off, 4);
	sym[24 * i + 4] = 0x12;
	put(sym, 24ULL * i + 6, shndx, 2);
	put(sym, 24ULL * i + 8, value, 8);
	put(sym, 24ULL * i + 16, size, 8);
}

/*
 * Builds the image into a malloc'd buffer with room for a signature; with
 * @jumps, a __jump_table (in ro_after_init) and its relocations name
 * those sites, keyed on __this_module; with @scall, the static call
 * content of scall_bytes(), its symbols and a .static_call_sites naming
 * its two sites (key: __this_module + 0x100).
 */
static __u8 *build_elf(const __u64 size[HEKI_MODLAYOUT_NR_MEM], __u64 *len,
		       const struct modsim_jump *jumps, __u32 njumps,
		       int scall)
{
	static const char strtab[] =
		"\0__this_module\0__SCT__k\0f1\0f2\0__pfx_f2\0__cfi_f1\0fi";
	struct sec s[18];
	char shstr[512];
	__u64 shstr_len = 1, off, total, name_off[18], data_off[18];
	__u8 sym[240], jt[16 * MODSIM_MAX_JUMPS], rela[72 * MODSIM_MAX_JUMPS];
	__u8 sct[16], sct_rela[96];
	__u32 n = 1, i, symtab_idx, strtab_idx, this_idx, jt_idx = 0;
	__u32 text_idx = 0, init_text_idx = 0, sct_idx = 0;
	__u8 *b;

	if (njumps > MODSIM_MAX_JUMPS ||
	    ((njumps || scall) && !size[HEKI_MODLAYOUT_RO_AFTER_INIT]))
		return NULL;
	memset(s, 0, sizeof(s));
	memset(sym, 0, sizeof(sym));
	memset(jt, 0, sizeof(jt));
	memset(rela, 0, sizeof(rela));
	memset(sct, 0, sizeof(sct));
	memset(sct_rela, 0, sizeof(sct_rela));
	shstr[0] = 0;
#define ADD(nm, fl, sz, seed) do {					\
		s[n].name = (nm); s[n].type = HEKI_SHT_PROGBITS;	\
		s[n].flags = (fl); s[n].size = (sz); s[n].align = 16;	\
		s[n].fill = (seed); n++;				\
	} while (0)
	text_idx = n;
	if (size[HEKI_MODLAYOUT_TEXT])
		ADD(".text", A | X, size[HEKI_MODLAYOUT_TEXT] - 0x800, 1);
	if (size[HEKI_MODLAYOUT_RODATA])
		ADD(".rodata", A, size[HEKI_MODLAYOUT_RODATA] - 0x800, 2);
	if (size[HEKI_MODLAYOUT_RO_AFTER_INIT])
		ADD(".data..ro_after_init", A | W,
		    size[HEKI_MODLAYOUT_RO_AFTER_INIT] - 0x800, 3);
	init_text_idx = size[HEKI_MODLAYOUT_INIT_TEXT] ? n : text_idx;
	if (size[HEKI_MODLAYOUT_INIT_TEXT])
		ADD(".init.text", A | X, size[HEKI_MODLAYOUT_INIT_TEXT] - 0x800,
		    4);
	if (njumps) {
		jt_idx = n;
		ADD("__jump_table", A | W, 16ULL * njumps, 0);
		s[jt_idx].align = 8;
		s[jt_idx].data = jt;
	}
	if (scall) {
		sct_idx = n;
		ADD(".static_call_sites", A | W, sizeof(sct), 0);
		s[sct_idx].align = 8;
		s[sct_idx].data = sct;
	}
	if (size[HEKI_MODLAYOUT_INIT_RODATA])
		ADD(".init.rodata", A,
		    size[HEKI_MODLAYOUT_INIT_RODATA] - 0x800, 5);
	/* data: [.data][this_module] page-aligned, then the kallsyms tail */
	if (size[HEKI_MODLAYOUT_DATA] > 0x2000)
		ADD(".data", A | W, size[HEKI_MODLAYOUT_DATA] - 0x2000, 6);
	if (size[HEKI_MODLAYOUT_INIT_DATA] > 0x1000)
		ADD(".init.data", A | W, size[HEKI_MODLAYOUT_INIT_DATA] - 0x1000,
		    7);
	this_idx = n;
	ADD(".gnu.linkonce.this_module", A | W, 0x380, 8);
	s[this_idx].align = 64;
#undef ADD
	symtab_idx = n++;
	strtab_idx = n++;
	s[symtab_idx] = (struct sec){ ".symtab", HEKI_SHT_SYMTAB, 0,
				      scall ? 240 : 96, 8, strtab_idx, 3, 24,
				      0, sym };
	s[strtab_idx] = (struct sec){ ".strtab", HEKI_SHT_STRTAB, 0,
				      scall ? sizeof(strtab) : 15, 1, 0, 0, 0,
				      0, strtab };
	if (njumps) {
		/* SHF_INFO_LINK (0x40), applies to __jump_table */
		s[n] = (struct sec){ ".rela__jump_table", HEKI_SHT_RELA, 0x40,
				     72ULL * njumps, 8, symtab_idx, jt_idx, 24,
				     0, rela };
		n++;
	}
	if (scall) {
		s[n] = (struct sec){ ".rela.static_call_sites", HEKI_SHT_RELA,
				     0x40, sizeof(sct_rela), 8, symtab_idx,
				     sct_idx, 24, 0, sct_rela };
		n++;
	}
	s[n] = (struct sec){ ".shstrtab", HEKI_SHT_STRTAB, 0, 0, 1, 0, 0, 0,
			     0, shstr };
	n++;
	/* symbols 1, 2: .text and .init.text (LOCAL SECTION) */
	sym[24 + 4] = 0x03;
	put(sym, 24 + 6, text_idx, 2);
	sym[48 + 4] = 0x03;
	put(sym, 48 + 6, init_text_idx, 2);
	/* symbol 3: __this_module, GLOBAL OBJECT in this_module */
	put(sym, 72 + 0, 1, 4);
	sym[72 + 4] = 0x11;
	put(sym, 72 + 6, this_idx, 2);
	put(sym, 72 + 16, 0x380, 8);
	if (scall) {
		/* __SCT__k, f1, f2 (strtab offsets 15, 24, 27) */
		put_func_sym(sym, 4, 15, text_idx, MODSIM_SC_TRAMP, 8);
		put_func_sym(sym, 5, 24, text_idx, MODSIM_SC_F1, 0x40);
		put_func_sym(sym, 6, 27, text_idx, MODSIM_SC_F2, 0x40);
		/* __pfx_f2, __cfi_f1 (30, 39): no function entries */
		put_func_sym(sym, 7, 30, text_idx, MODSIM_SC_PFX_F2, 0x10);
		put_func_sym(sym, 8, 39, text_idx, MODSIM_SC_CFI_F1, 0x10);
		/* fi (48), a function of .init.text when there is one */
		put_func_sym(sym, 9, 48, init_text_idx, MODSIM_SC_INIT_FI, 0x10);
		/*
		 * struct static_call_site: addr PC32 to the site, key PC32 to
		 * __this_module + 0x100 (+1: tail); sorted by key, then addr.
		 */
		for (i = 0; i < 2; i++) {
			__u8 *r = sct_rela + 48ULL * i;

			put(r, 0, 8ULL * i, 8);
			put(r, 8, 1ULL << 32 | HEKI_R_X86_64_PC32, 8);
			put(r, 16, i ? MODSIM_SC_TAIL : MODSIM_SC_CALL, 8);
			put(r, 24, 8ULL * i + 4, 8);
			put(r, 32, 3ULL << 32 | HEKI_R_X86_64_PC32, 8);
			put(r, 40, 0x100 + i, 8);
		}
	}
	/* struct jump_entry: code and target PC32, key PC64 (+ branch) */
	for (i = 0; i < njumps; i++) {
		__u64 sec = jumps[i].mem == HEKI_MODLAYOUT_TEXT ? 1 : 2;
		__u8 *r = rela + 72ULL * i;

		put(r, 0, 16ULL * i, 8);
		put(r, 8, sec << 32 | HEKI_R_X86_64_PC32, 8);
		put(r, 16, jumps[i].off, 8);
		put(r, 24, 16ULL * i + 4, 8);
		put(r, 32, sec << 32 | HEKI_R_X86_64_PC32, 8);
		put(r, 40, jumps[i].target, 8);
		put(r, 48, 16ULL * i + 8, 8);
		put(r, 56, 3ULL << 32 | HEKI_R_X86_64_PC64, 8);
		put(r, 64, jumps[i].branch, 8);
	}

	for (i = 1; i < n; i++) {
		__u64 l = strlen(s[i].name) + 1;

		name_off[i] = shstr_len;
		memcpy(shstr + shstr_len, s[i].name, l);
		shstr_len += l;
	}
	s[n - 1].size = shstr_len;

	off = HEKI_ELF_EHDR_SIZE;
	for (i = 1; i < n; i++) {
		off = (off + 15) & ~15ULL;
		data_off[i] = off;
		off += s[i].size;
	}
	off = (off + 7) & ~7ULL;
	total = off + (__u64)n * HEKI_ELF_SHDR_SIZE;
	b = calloc(1, total + 256);
	if (!b)
		return NULL;
	memcpy(b, "\x7f" "ELF\x02\x01\x01", 7);
	put(b, 16, HEKI_ET_REL, 2);
	put(b, 18, HEKI_EM_X86_64, 2);
	put(b, 20, 1, 4);
	put(b, 40, off, 8);
	put(b, 52, HEKI_ELF_EHDR_SIZE, 2);
	put(b, 58, HEKI_ELF_SHDR_SIZE, 2);
	put(b, 60, n, 2);
	put(b, 62, n - 1, 2);
	for (i = 1; i < n; i++) {
		__u8 *h = b + off + (__u64)i * HEKI_ELF_SHDR_SIZE;
		__u64 k;

		if (s[i].data)
			memcpy(b + data_off[i], s[i].data, s[i].size);
		else
			for (k = 0; k < s[i].size; k++)
				b[data_off[i] + k] =
					(__u8)(k * 13 + s[i].fill * 7 + 1);
		for (k = 0; k < njumps; k++)
			if (i == (jumps[k].mem == HEKI_MODLAYOUT_TEXT ?
				  text_idx : init_text_idx))
				jump_bytes(b + data_off[i] + jumps[k].off,
					   &jumps[k]);
		if (scall && i == text_idx)
			scall_bytes(b + data_off[i]);
		put(h, 0, name_off[i], 4);
		put(h, 4, s[i].type, 4);
		put(h, 8, s[i].flags, 8);
		put(h, 24, data_off[i], 8);
		put(h, 32, s[i].size, 8);
		put(h, 40, s[i].link, 4);
		put(h, 44, s[i].info, 4);
		put(h, 48, s[i].align, 8);
		put(h, 56, s[i].entsize, 8);
	}
	*len = total;
	return b;
}

__u64 put_module_mem(struct guest *g, __u64 elf_pa, __u8 keyid, int tamper,
		     struct heki_range *r, __u32 n)
{
	return put_module_jumps(g, elf_pa, keyid, tamper, r, n, NULL, 0);
}

static __u64 put_module_full(struct guest *g, __u64 elf_pa, __u8 keyid, int tamper,
			struct heki_range *r, __u32 n,
			const struct modsim_jump *jumps, __u32 njumps,
			const struct modsim_scall *x);

/* Guest address of byte @off of module memory @t laid over @r[0..n). */
static __u64 mem_byte_pa(const struct heki_range *r, __u32 n, __u32 t,
			 __u64 off)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		__u64 l = r[i].epa - r[i].pa;

		if (r[i].attributes != t)
			continue;
		if (off < l)
			return r[i].pa + off;
		off -= l;
	}
	abort();
}

/*
 * Tell the oracle the forms the kernel may write at each jump label site
 * of the signed ELF: the NOP of the site's size and,
 * where a jmp of that size reaches the entry's target, that jmp. Worked
 * out here from the test's own table, never from what VTL1 derived.
 */
static void declare_jump_sites(struct guest *g, const struct heki_range *r,
			       __u32 n, const struct modsim_jump *jumps,
			       __u32 njumps)
{
	__u32 i;

	for (i = 0; i < njumps; i++) {
		const struct modsim_jump *j = &jumps[i];
		__s64 rel = (__s64)(j->target - (j->off + j->size));
		__u8 forms[2 * 5];
		struct heki_patch where;
		__u32 room, nforms = 1;

		memset(&where, 0, sizeof(where));
		where.size = (__u8)j->size;
		where.pa[0] = mem_byte_pa(r, n, j->mem, j->off);
		room = (__u32)(HEKI_PAGE_SIZE -
			       (where.pa[0] & HEKI_PAGE_OFFSET_MASK));
		if (room < j->size)
			where.pa[1] = mem_byte_pa(r, n, j->mem, j->off + room);
		memcpy(forms, oracle_x86_nop(j->size), j->size);
		if (j->size == 2 && rel >= -128 && rel <= 127) {
			forms[2] = 0xeb;
			forms[3] = (__u8)rel;
			nforms = 2;
		} else if (j->size == 5 && rel >= INT32_MIN && rel <= INT32_MAX) {
			__s32 r32 = (__s32)rel;

			forms[5] = 0xe9;
			memcpy(forms + 6, &r32, 4);
			nforms = 2;
		}
		oracle_patch_site(g, &where, forms, nforms,
				  "jump label of the signed ELF (modsim)");
	}
}

/* "@op rel32" from @site_va to @to (5 bytes at @p). */
static void rel32_at(__u8 *p, __u8 op, __u64 site_va, __u64 to)
{
	p[0] = op;
	put(p, 1, to - (site_va + 5), 4);
}

/*
 * Tell the oracle the forms the test lets the kernel write at the static
 * call sites and the trampoline of scall_bytes(): a call / jmp to the
 * trampoline, f1, f2 or one of @x->extra, the 5-byte NOP at the call
 * site, "ret; int3 x4" at the tail sites. Worked out here from the
 * test's own layout.
 */
static void declare_scall_sites(struct guest *g, const struct heki_range *r,
				__u32 n, __u64 text_va,
				const struct modsim_scall *x)
{
	static const __u64 site[3] = { MODSIM_SC_CALL, MODSIM_SC_TAIL,
				       MODSIM_SC_TRAMP };
	static const __u64 to[3] = { MODSIM_SC_TRAMP, MODSIM_SC_F1,
				     MODSIM_SC_F2 };
	__u8 forms[(4 + MODSIM_MAX_EXTRA) * 5];
	__u32 i, k, nf;

	for (i = 0; i < 3; i++) {
		struct heki_patch where;

		memset(&where, 0, sizeof(where));
		where.size = 5;
		where.pa[0] = mem_byte_pa(r, n, HEKI_MODLAYOUT_TEXT, site[i]);
		for (k = 0; k < 3; k++)
			rel32_at(forms + 5 * k, i ? 0xe9 : 0xe8,
				 text_va + site[i], text_va + to[k]);
		memcpy(forms + 15, i ? "\xc3\xcc\xcc\xcc\xcc" :
		       "\x0f\x1f\x44\x00\x00", 5);
		nf = 4;
		for (k = 0; k < x->nextra && k < MODSIM_MAX_EXTRA; k++)
			rel32_at(forms + 5 * nf++, i ? 0xe9 : 0xe8,
				 text_va + site[i], x->extra[k]);
		oracle_scall_site(g, &where, text_va + site[i],
				  i ? 0xe9 : 0xe8, forms, nf,
				  "static call of the signed ELF (modsim)");
	}
}

__u64 put_module_scalls(struct guest *g, __u64 elf_pa, __u8 keyid,
			struct heki_range *r, __u32 n,
			const struct modsim_scall *x)
{
	return put_module_full(g, elf_pa, keyid, 0, r, n, NULL, 0, x);
}

__u64 put_module_jumps(struct guest *g, __u64 elf_pa, __u8 keyid, int tamper,
		       struct heki_range *r, __u32 n,
		       const struct modsim_jump *jumps, __u32 njumps)
{
	return put_module_full(g, elf_pa, keyid, tamper, r, n, jumps, njumps,
			       NULL);
}

static __u64 put_module_full(struct guest *g, __u64 elf_pa, __u8 keyid, int tamper,
			struct heki_range *r, __u32 n,
			const struct modsim_jump *jumps, __u32 njumps,
			const struct modsim_scall *x)
{
	__u64 size[HEKI_MODLAYOUT_NR_MEM] = { 0 };
	__u64 off[HEKI_MODLAYOUT_NR_MEM] = { 0 };
	struct modsim s;
	__u64 len = 0, slen;
	__u32 i, t;
	__u8 *elf;

	for (i = 0; i < n; i++)
		if (r[i].attributes < HEKI_MODLAYOUT_NR_MEM)
			size[r[i].attributes] += r[i].epa - r[i].pa;
	elf = build_elf(size, &len, jumps, njumps, !!x);
	if (!elf)
		return 0;
	if (modsim_load(&s, elf, len, x && x->core_va ? x->core_va :
			MODSIM_CORE_VA, x && x->core_va ? x->init_va :
			MODSIM_INIT_VA, NULL,
			NULL, 0, 0)) {
		modsim_free(&s);
		free(elf);
		return 0;
	}
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		if (s.size[t] != size[t]) {
			modsim_free(&s);
			free(elf);
			return 0;
		}
	for (i = 0; i < n; i++) {
		__u64 l = r[i].epa - r[i].pa;

		t = (__u32)r[i].attributes;
		if (t >= HEKI_MODLAYOUT_NR_MEM)
			continue;
		r[i].va = s.va[t] + off[t];
		guest_write(g, r[i].pa, s.mem[t] + off[t], l);
		oracle_auth_bytes(g, r[i].pa, s.mem[t] + off[t], l,
				  "module bytes loaded from the signed ELF (modsim)");
		off[t] += l;
	}
	declare_jump_sites(g, r, n, jumps, njumps);
	if (x)
		declare_scall_sites(g, r, n, s.va[HEKI_MODLAYOUT_TEXT], x);
	modsim_free(&s);
	slen = guest_sign(elf, len, keyid);
	if (tamper)
		elf[0x100] ^= 1;
	guest_write(g, elf_pa, elf, slen);
	free(elf);
	return slen;
}

__u64 modsim_fake_export(const char *name)
{
	__u32 h = 2166136261U;

	while (*name)
		h = (h ^ (__u8)*name++) * 16777619U;
	return 0xffffffff81000000ULL + ((h % 0x800000U) & ~15U);
}

int modsim_resolve(void *ctx, const char *name, __u64 *addr)
{
	(void)ctx;
	*addr = modsim_fake_export(name);
	return 0;
}

int modsim_load_kdata_ext(struct guest *g, const __u8 *cert, __u64 clen,
			  const struct heki_elf *elf,
			  const struct heki_kernel_info_ext *ext)
{
	struct heki_kernel_info ki;
	struct heki_kernel_symbol ks;
	struct heki_range r[3];
	struct heki_elf_sym sym;
	__u64 i, n = 0, names, names_off = 0;
	const char *name;

	guest_write(g, SIM_KD_CERT, cert, clen);
	for (i = 1; i < elf->nsyms; i++)
		if (!heki_elf_sym(elf, i, &sym) && sym.shndx == HEKI_SHN_UNDEF &&
		    !heki_elf_sym_name(elf, &sym, &name) && name[0])
			n++;
	names = SIM_KD_DATA + (n + 1) * HEKI_KERNEL_SYMBOL_SIZE;
	n = 0;
	for (i = 1; i < elf->nsyms; i++) {
		__u64 entry = SIM_KD_DATA + n * HEKI_KERNEL_SYMBOL_SIZE, l;

		if (heki_elf_sym(elf, i, &sym) || sym.shndx != HEKI_SHN_UNDEF ||
		    heki_elf_sym_name(elf, &sym, &name) || !name[0])
			continue;
		l = strlen(name) + 1;
		if (names + names_off + l > SIM_KD_PA + SIM_KD_MAX)
			return -1;
		ks.value_offset = (__s32)(modsim_fake_export(name) - SIM_KVA(entry));
		ks.name_offset = (__s32)(names + names_off - (entry + 4));
		ks.namespace_offset = 0;
		guest_write(g, entry, &ks, sizeof(ks));
		guest_write(g, names + names_off, name, l);
		names_off += l;
		n++;
	}
	/* one GPL entry: a copy of the first */
	guest_read(g, SIM_KD_DATA, &ks, sizeof(ks));
	ks.value_offset -= (__s32)(n * HEKI_KERNEL_SYMBOL_SIZE);
	ks.name_offset -= (__s32)(n * HEKI_KERNEL_SYMBOL_SIZE);
	guest_write(g, SIM_KD_DATA + n * HEKI_KERNEL_SYMBOL_SIZE, &ks, sizeof(ks));
	ki.ksymtab_start = SIM_KVA(SIM_KD_DATA);
	ki.ksymtab_end = SIM_KVA(SIM_KD_DATA) + n * HEKI_KERNEL_SYMBOL_SIZE;
	ki.ksymtab_gpl_start = ki.ksymtab_end;
	ki.ksymtab_gpl_end = ki.ksymtab_end + HEKI_KERNEL_SYMBOL_SIZE;
	guest_write(g, SIM_KD_INFO, &ki, sizeof(ki));
	if (ext)
		guest_write(g, SIM_KD_INFO + sizeof(ki), ext, ext->size);
	r[0] = (struct heki_range){ SIM_KVA(SIM_KD_CERT), SIM_KD_CERT, SIM_KD_CERT + clen,
				    HEKI_KDATA_SYSTEM_CERTS_VALUE };
	r[1] = (struct heki_range){ SIM_KVA(SIM_KD_INFO), SIM_KD_INFO,
				    SIM_KD_INFO + sizeof(ki) + (ext ? ext->size : 0),
				    HEKI_KDATA_KERNEL_INFO_VALUE };
	r[2] = (struct heki_range){ SIM_KVA(SIM_KD_DATA), SIM_KD_DATA, names + names_off,
				    HEKI_KDATA_KERNEL_DATA_VALUE };
	guest_chain(g, SIM_CHAIN_PA, r, 3, 0);
	return (int)guest_call(g, VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE,
			       SIM_CHAIN_PA, 3, 0);
}

int modsim_load_kdata(struct guest *g, const __u8 *cert, __u64 clen,
		      const struct heki_elf *elf)
{
	return modsim_load_kdata_ext(g, cert, clen, elf, NULL);
}

void modsim_kinfo_ext(struct heki_kernel_info_ext *x, __u32 linux_version)
{
	memset(x, 0, sizeof(*x));
	x->magic = HEKI_KERNEL_INFO_EXT_MAGIC;
	x->size = HEKI_KERNEL_INFO_EXT_SIZE;
	x->linux_version = linux_version;
	x->flags = HEKI_KERNEL_INFO_EXT_RETHUNK;
	x->text_start = SIM_KTEXT_START;
	x->text_end = SIM_KTEXT_END;
	x->return_thunk = modsim_fake_export("__x86_return_thunk");
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * --full: the structural checks of ValidateModule's content step run on a
 * simulated load. The library computes the layout (heki_modverify_init()),
 * each memory type is placed at an address of the module area, the
 * library relocates the signed ELF into it (heki_modreloc_symbols(),
 * heki_modreloc_build_mem(): every relocation entry's type, offset and
 * symbol checked) against a made-up kernel whose every export exists, and
 * heki_modverify_compare() then collects every rewrite-site table
 * (entries inside the module's memory, sorted where the kernel sorts them,
 * no overlaps, each site of a known form) and compares the loaded bytes,
 * here the relocated ELF itself (6.1's rules only: 6.4 and later demand
 * the ENDBR seals the kernel always writes at load, which this load does
 * not make). What this cannot check: that the module's imports exist in
 * the real kernel, and every byte VTL0 changes at load (heki-verify(1),
 * LIMITS).
 */
#include <stdlib.h>
#include <string.h>

#include "heki_vtl1.h"
#include "kdata/kinfo_ext.h"
#include "module/modverify.h"
#include "verify.h"

/* Where the simulated load puts things (x86-64 module and kernel areas). */
#define SIM_ALLOC_VA	0xffffffffc0000000ULL
#define SIM_ALLOC_STEP	(MODULE_VALIDATION_MAX_SIZE)
#define SIM_KTEXT_START	0xffffffff81000000ULL
#define SIM_KTEXT_END	0xffffffff82000000ULL
#define SIM_PERCPU_VA	0x3c000ULL

/* Every export exists, somewhere in the made-up kernel text. */
static __u64 fake_export(const char *name)
{
	__u32 h = 2166136261U;	/* FNV-1a */

	while (*name)
		h = (h ^ (__u8)*name++) * 16777619U;
	return SIM_KTEXT_START + ((h % (__u32)(SIM_KTEXT_END -
					       SIM_KTEXT_START)) & ~15U);
}

static int resolve(void *ctx, const char *name, __u64 *addr)
{
	(void)ctx;
	*addr = fake_export(name);
	return 0;
}


/**
 * struct simload - the simulated load's state (heap: it is large)
 * @env: what heki_modverify_compare() compares with
 * @kext: the made-up kernel's extended info
 * @renv: relocation environment
 * @va: address of each memory type
 * @size: size of each memory type
 * @mem: the relocated bytes of each memory type
 * @syms: symbol values
 * @nsyms: entries in @syms
 * @f: fault details
 */
struct simload {
	struct heki_modverify_env env;
	struct heki_kinfo_ext kext;
	struct heki_modreloc_env renv;
	__u64 va[HEKI_MODLAYOUT_NR_MEM];
	__u64 size[HEKI_MODLAYOUT_NR_MEM];
	__u8 *mem[HEKI_MODLAYOUT_NR_MEM];
	struct heki_modreloc_sym *syms;
	__u64 nsyms;
	struct heki_modverify_fault f;
};

/*
 * Function entries outside the module: the made-up kernel has nothing but
 * the exports this module imports, each taken as a function entry (VTL1
 * takes the real kernel's exports in text and its kallsyms text symbols).
 */
static int imported_entry(void *arg, __u64 va)
{
	const struct simload *s = arg;
	__u64 i;

	for (i = 0; i < s->nsyms; i++)
		if (s->syms[i].state == HEKI_MODRELOC_SYM_EXPORT &&
		    s->syms[i].value == va)
			return 1;
	return 0;
}

static int relocate(struct heki_modverify *mv, struct simload *s)
{
	__u32 t;
	int ret;

	s->renv.elf = &mv->elf;
	s->renv.layout = &mv->lay;
	memcpy(s->renv.mem_va, s->va, sizeof(s->va));
	s->renv.percpu_va = s->env.percpu_va;
	s->renv.has_percpu = s->env.has_percpu;
	s->renv.resolve = resolve;
	s->syms = calloc(mv->elf.nsyms + 1, sizeof(*s->syms));
	if (!s->syms)
		return -HEKI_VSM_ERR_NO_MEMORY;
	s->nsyms = mv->elf.nsyms;
	ret = heki_modreloc_symbols(&s->renv, s->syms, mv->elf.nsyms, NULL);
	for (t = 0; !ret && t < HEKI_MODLAYOUT_NR_MEM; t++) {
		if (!s->size[t])
			continue;
		s->mem[t] = malloc(s->size[t]);
		if (!s->mem[t])
			return -HEKI_VSM_ERR_NO_MEMORY;
		ret = heki_modreloc_build_mem(&s->renv, s->syms,
					      mv->elf.nsyms, t, s->mem[t],
					      s->size[t], NULL);
		s->env.actual[t] = s->mem[t];
	}
	return ret;
}

/**
 * hv_simload() - relocation and rewrite-site checks on a simulated load
 * @mv: after a successful heki_modverify_init()
 *
 * Return: 0, or the library's error (negative HEKI_VSM_ERR_*).
 */
int hv_simload(struct heki_modverify *mv)
{
	struct simload *s = calloc(1, sizeof(*s));
	__u32 idx, t;
	int ret;

	if (!s)
		return -HEKI_VSM_ERR_NO_MEMORY;
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
		const struct heki_modlayout_region *m = &mv->lay.mem[t];

		s->size[t] = m->size;
		if (m->size && m->alloc < HEKI_MODLAYOUT_NR_MEM)
			s->va[t] = SIM_ALLOC_VA + m->alloc * SIM_ALLOC_STEP +
				   m->base;
	}
	s->env.has_percpu = !heki_elf_find_section(&mv->elf, ".data..percpu",
						   HEKI_SHF_ALLOC, &idx);
	s->env.percpu_va = s->env.has_percpu ? SIM_PERCPU_VA : 0;
	ret = heki_modverify_check_mem(mv, s->va, s->size, &s->f);
	if (!ret)
		ret = relocate(mv, s);
	/*
	 * A 6.4+ kernel always seals the ENDBRs of .ibt_endbr_seal at load,
	 * and the rules demand the sealed form: the unrewritten ELF is not
	 * a load they accept, so its sites are not compared.
	 */
	if (!ret && mv->lay.kernel < HEKI_MODLAYOUT_LINUX_6_4) {
		s->kext.linux_version = HEKI_LINUX_VERSION_6_1;
		s->kext.text_start = SIM_KTEXT_START;
		s->kext.text_end = SIM_KTEXT_END;
		s->env.resolve = resolve;
		s->env.ktext_start = SIM_KTEXT_START;
		s->env.ktext_end = SIM_KTEXT_END;
		s->env.func_entry = imported_entry;
		s->env.func_entry_arg = s;
		s->env.kext = &s->kext;
		ret = heki_modverify_compare(mv, &s->env, &s->f);
	}
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		free(s->mem[t]);
	free(s->syms);
	free(s);
	return ret;
}

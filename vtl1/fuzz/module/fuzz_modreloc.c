// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_modreloc_symbols(), heki_modreloc_load_section()
 * and heki_modreloc_apply() over every loaded section, then
 * heki_modreloc_build_mem() of every memory type.
 *
 * Input: one control byte, then an ELF image. Control bits: 0 - give a
 * per-CPU base; 1 - the resolver fails names whose first byte is odd;
 * 2..7 - shift of the init allocation's distance from core (in 2 MiB).
 * Every section buffer is a heap block of exactly sh_size bytes, so ASan
 * catches any write outside a section; a section that relocates must
 * relocate to the same bytes a second time (no hidden state), and a whole
 * memory type must build to what loading and relocating each of its
 * sections alone gives.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "elf/elf.h"
#include "module/modlayout.h"
#include "module/modreloc.h"

#define CORE_VA	0xffffffffc0000000ULL

/* Abort (a libFuzzer crash) naming the broken invariant. */
#define check(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant %s broken\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static int resolve(void *ctx, const char *name, __u64 *addr)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	if (*(const uint8_t *)ctx & 2 && ((uint8_t)name[0] & 1))
		return -HEKI_VSM_ERR_MODRELOC_SYMBOL_UNRESOLVED;
	for (p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ULL;
	*addr = 0xffffffff81000000ULL + (h & 0x3fffff) * 16;
	return 0;
}

static void relocate(const struct heki_modreloc_env *env,
		     const struct heki_modreloc_sym *syms, uint32_t i,
		     uint64_t size)
{
	struct heki_modreloc_fault f;
	uint8_t *a, *b;
	int ra, rb;

	a = malloc(size ? size : 1);
	b = malloc(size ? size : 1);
	if (!a || !b)
		goto out;
	if (heki_modreloc_load_section(env->elf, i, a, size) ||
	    heki_modreloc_load_section(env->elf, i, b, size))
		goto out;
	ra = heki_modreloc_apply(env, syms, env->elf->nsyms, i, a, size, &f);
	rb = heki_modreloc_apply(env, syms, env->elf->nsyms, i, b, size, &f);
	check(ra == rb);
	check(ra || !memcmp(a, b, size));
out:
	free(a);
	free(b);
}

/* Reference build: zeros, then each section loaded and relocated alone. */
static int build_ref(const struct heki_modreloc_env *env,
		     const struct heki_modreloc_sym *syms, uint32_t m,
		     uint8_t *buf, uint64_t size)
{
	const struct heki_modlayout_sect *s;
	uint32_t i;
	int ret;

	memset(buf, 0, size);
	for (i = 0; i < env->layout->nsects; i++) {
		s = &env->layout->sects[i];
		if (s->mem != m)
			continue;
		ret = heki_modreloc_load_section(env->elf, i, buf + s->offset,
						 s->size);
		if (!ret)
			ret = heki_modreloc_apply(env, syms, env->elf->nsyms, i,
						  buf + s->offset, s->size,
						  NULL);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A whole memory type into an exact-size buffer (the layout bounds it),
 * filled with garbage first: it succeeds exactly when the per-section
 * reference does, with the same bytes.
 */
static void build(const struct heki_modreloc_env *env,
		  const struct heki_modreloc_sym *syms, uint32_t m,
		  uint64_t size)
{
	uint8_t *buf, *ref;
	int ret, rret;

	check(size <= HEKI_MODLAYOUT_MAX_SIZE);
	if (size > (16U << 20))
		return;		/* keep each run fast */
	buf = malloc(size ? size : 1);
	ref = malloc(size ? size : 1);
	if (!buf || !ref)
		goto out;
	memset(buf, 0xa5, size);
	ret = heki_modreloc_build_mem(env, syms, env->elf->nsyms, m, buf,
				      size, NULL);
	rret = build_ref(env, syms, m, ref, size);
	check(!ret == !rret);
	check(ret || !memcmp(buf, ref, size));
out:
	free(buf);
	free(ref);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heki_modlayout_sect *sects = NULL;
	struct heki_modreloc_sym *syms = NULL;
	struct heki_modreloc_env env;
	struct heki_modlayout lay;
	struct heki_elf elf;
	uint8_t ctl, *img = NULL;
	uint64_t init_va;
	uint32_t i;
	int m;

	if (size < 1)
		return 0;
	ctl = data[0];
	img = malloc(size - 1 ? size - 1 : 1);
	if (!img)
		return 0;
	memcpy(img, data + 1, size - 1);
	if (heki_elf_parse(&elf, img, size - 1))
		goto out;
	sects = calloc(elf.shnum, sizeof(*sects));
	syms = calloc(elf.nsyms, sizeof(*syms));
	if (!sects || !syms)
		goto out;
	if (heki_modlayout_compute(&elf, HEKI_MODLAYOUT_LINUX_6_1, sects,
				   elf.shnum, &lay))
		goto out;
	memset(&env, 0, sizeof(env));
	env.elf = &elf;
	env.layout = &lay;
	init_va = CORE_VA + ((uint64_t)(ctl >> 2) + 1) * (2ULL << 20) +
		  lay.alloc_size[0];
	for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++)
		env.mem_va[m] = (lay.mem[m].alloc ? init_va : CORE_VA) +
				lay.mem[m].base;
	env.percpu_va = 0x3c000;
	env.has_percpu = ctl & 1;
	env.resolve = resolve;
	env.ctx = &ctl;
	if (heki_modreloc_symbols(&env, syms, elf.nsyms, NULL))
		goto out;
	for (i = 0; i < elf.shnum; i++)
		if (sects[i].mem != HEKI_MODLAYOUT_MEM_NONE)
			relocate(&env, syms, i, sects[i].size);
	for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++)
		build(&env, syms, (uint32_t)m, lay.mem[m].size);
out:
	free(syms);
	free(sects);
	free(img);
	return 0;
}

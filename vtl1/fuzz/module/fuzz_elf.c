// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_elf_parse(), every heki_elf_* accessor, and
 * heki_modlayout_compute() with its invariants.
 *
 * Input: an ELF image (seeds: small signed Debian modules, signature
 * included; the harness also tries the image with the signature cut off
 * the way the kernel does). Invariants checked (abort on violation):
 * every accessor stays inside the image; a layout places each loaded
 * section inside its memory type, memory types are page-aligned and
 * consecutive per allocation, and allocations stay below the maximum.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "elf/elf.h"
#include "module/modlayout.h"

#define MAX_RELA_PER_SECTION	4096

/* Abort (a libFuzzer crash) naming the broken invariant. */
#define check(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant %s broken\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static int inside(const struct heki_elf *elf, const void *p, size_t n)
{
	const uint8_t *b = p;

	return b >= elf->data && b + n <= elf->data + elf->len;
}

static void walk(const struct heki_elf *elf)
{
	struct heki_elf_shdr sh;
	struct heki_elf_sym sym;
	struct heki_elf_rela r;
	const uint8_t *bytes;
	const char *name;
	__u64 i, n;
	uint32_t s, idx;

	for (s = 0; s < elf->shnum; s++) {
		check(!heki_elf_shdr(elf, s, &sh));
		check(!heki_elf_section_name(elf, &sh, &name));
		check(inside(elf, name, strlen(name) + 1));
		check(!heki_elf_section_bytes(elf, &sh, &bytes));
		if (bytes)
			check(inside(elf, bytes, sh.size));
		if (heki_elf_rela_count(elf, &sh, &n))
			continue;
		for (i = 0; i < n && i < MAX_RELA_PER_SECTION; i++)
			check(!heki_elf_rela(elf, &sh, i, &r));
		check(heki_elf_rela(elf, &sh, n, &r) ==
		      -HEKI_VSM_ERR_ELF_RELA_INDEX);
	}
	check(heki_elf_shdr(elf, elf->shnum, &sh) ==
	      -HEKI_VSM_ERR_ELF_SECTION_INDEX);
	for (i = 0; i < elf->nsyms; i++) {
		check(!heki_elf_sym(elf, i, &sym));
		if (!heki_elf_sym_name(elf, &sym, &name))
			check(inside(elf, name, strlen(name) + 1));
	}
	if (!heki_elf_find_section(elf, ".text", 0, &idx))
		check(idx < elf->shnum);
}

static void layout(const struct heki_elf *elf, uint32_t kernel)
{
	struct heki_modlayout_sect *sects;
	struct heki_modlayout lay;
	uint64_t end;
	uint32_t i;
	int m;

	sects = calloc(elf->shnum, sizeof(*sects));
	if (!sects)
		return;
	if (heki_modlayout_compute(elf, kernel, sects, elf->shnum, &lay))
		goto out;
	for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++) {
		const struct heki_modlayout_region *r = &lay.mem[m];

		check(r->alloc < lay.nalloc);
		check(!(r->base % HEKI_MODLAYOUT_PAGE_SIZE));
		check(!(r->size % HEKI_MODLAYOUT_PAGE_SIZE));
		check(r->base + r->size <= lay.alloc_size[r->alloc]);
	}
	check(lay.alloc_size[0] <= HEKI_MODLAYOUT_MAX_SIZE);
	check(lay.alloc_size[1] <= HEKI_MODLAYOUT_MAX_SIZE);
	for (i = 0; i < lay.nsects; i++) {
		if (sects[i].mem == HEKI_MODLAYOUT_MEM_NONE)
			continue;
		check(sects[i].mem < HEKI_MODLAYOUT_NR_MEM);
		end = sects[i].offset + sects[i].size;
		check(end <= lay.mem[sects[i].mem].size);
	}
out:
	free(sects);
}

static uint64_t strip_signature(const uint8_t *d, uint64_t len)
{
	static const char magic[] = "~Module signature appended~\n";
	uint64_t ml = sizeof(magic) - 1, sig;

	if (len < ml + 12 || memcmp(d + len - ml, magic, ml))
		return len;
	sig = ((uint64_t)d[len - ml - 4] << 24) | (d[len - ml - 3] << 16) |
	      (d[len - ml - 2] << 8) | d[len - ml - 1];
	return sig > len - ml - 12 ? len : len - ml - 12 - sig;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heki_elf elf;
	uint64_t lens[2] = { size, strip_signature(data, size) };
	uint8_t *copy;
	int k;

	for (k = 0; k < 2; k++) {
		if (k && lens[1] == lens[0])
			break;
		/* Exact-size heap copy: ASan sees any read past the end. */
		copy = malloc(lens[k] ? lens[k] : 1);
		if (!copy)
			return 0;
		memcpy(copy, data, lens[k]);
		if (!heki_elf_parse(&elf, copy, lens[k])) {
			walk(&elf);
			layout(&elf, HEKI_MODLAYOUT_LINUX_6_1);
			layout(&elf, HEKI_MODLAYOUT_LINUX_6_4);
		}
		free(copy);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Real Debian modules: every .ko (or .ko.xz) under a root parses, lays
 * out and relocates with a synthetic export resolver; every __mcount_loc
 * entry, once relocated, points at "e8 <rel32 to __fentry__>" in the
 * relocated text (an end-to-end check of layout + relocation on data no
 * one here made); the worked examples of linux-6.1-module-load.md §1.3
 * (nf_tables, kvm) match. Optionally dumps every layout for the
 * independent Python re-implementation (layout_ref.py).
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define G "realmods"
#define CORE_VA		0xffffffffc0200000ULL
#define PERCPU_VA	0x3c000ULL
#define FAKE_BASE	0xffffffff81000000ULL
#define SIG_MAGIC	"~Module signature appended~\n"

static FILE *dump;
static unsigned long nmods;

__u64 fake_export(const char *name)
{
	__u64 h = 1469598103934665603ULL;

	for (; *name; name++)
		h = (h ^ (__u8)*name) * 1099511628211ULL;
	return FAKE_BASE + (h & 0x3fffff) * 16;
}

static int fake_resolve(void *ctx, const char *name, __u64 *addr)
{
	(void)ctx;
	*addr = fake_export(name);
	return 0;
}

static __u8 *read_module(const char *path, __u64 *len)
{
	size_t cap = 1 << 20, n = 0, r;
	__u8 *buf = malloc(cap);
	char cmd[4200];
	FILE *f;
	int xz = strlen(path) > 3 && !strcmp(path + strlen(path) - 3, ".xz");

	if (xz) {
		snprintf(cmd, sizeof(cmd), "xz -dc '%s'", path);
		f = popen(cmd, "r");
	} else {
		f = fopen(path, "rb");
	}
	if (!f || !buf) {
		free(buf);
		return NULL;
	}
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				break;
		}
	}
	if (xz)
		pclose(f);
	else
		fclose(f);
	*len = n;
	return buf;
}

/* The kernel's module_sig_check length: drop marker, info and PKCS#7. */
static __u64 strip_signature(const __u8 *buf, __u64 len)
{
	__u64 ml = sizeof(SIG_MAGIC) - 1, sig_len;

	if (len < ml + 12 || memcmp(buf + len - ml, SIG_MAGIC, ml))
		return len;
	sig_len = ((__u64)buf[len - ml - 4] << 24) |
		  ((__u64)buf[len - ml - 3] << 16) |
		  ((__u64)buf[len - ml - 2] << 8) | buf[len - ml - 1];
	if (sig_len > len - ml - 12)
		return len;
	return len - ml - 12 - sig_len;
}

struct known_layout {
	const char *suffix;
	__u64 text, ro, rai, size, init;
};

/* linux-6.1-module-load.md §1.3 worked examples (independent Python). */
static const struct known_layout known[] = {
	{ "/net/netfilter/nf_tables.ko", 0x2c000, 0x3e000, 0x3f000, 0x4b000,
	  0xe000 },
	{ "/arch/x86/kvm/kvm.ko", 0x6b000, 0xb2000, 0xb4000, 0x118000, 0 },
};

static void check_known(const char *path, const struct heki_modlayout *lay)
{
	const struct heki_modlayout_region *m = lay->mem;
	size_t pl = strlen(path), i;
	char name[128];

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		size_t sl = strlen(known[i].suffix);

		if (pl < sl || strcmp(path + pl - sl, known[i].suffix))
			continue;
		snprintf(name, sizeof(name), "worked example %s",
			 known[i].suffix);
		check_group(m[HEKI_MODLAYOUT_TEXT].size == known[i].text &&
			 m[HEKI_MODLAYOUT_RO_AFTER_INIT].base == known[i].ro &&
			 m[HEKI_MODLAYOUT_DATA].base == known[i].rai &&
			 lay->alloc_size[0] == known[i].size &&
			 (!known[i].init || lay->alloc_size[1] == known[i].init),
			 G, name, "text %#llx ro %#llx rai %#llx size %#llx init %#llx",
			 m[HEKI_MODLAYOUT_TEXT].size,
			 m[HEKI_MODLAYOUT_RO_AFTER_INIT].base,
			 m[HEKI_MODLAYOUT_DATA].base, lay->alloc_size[0],
			 lay->alloc_size[1]);
	}
}

static void dump_layout(const char *path, const struct heki_modlayout *lay)
{
	__u32 i;
	int m;

	if (!dump)
		return;
	fprintf(dump, "%s", path);
	for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++)
		fprintf(dump, " %u:%llx:%llx", lay->mem[m].alloc,
			lay->mem[m].base, lay->mem[m].size);
	fprintf(dump, " %llx %llx |", lay->alloc_size[0], lay->alloc_size[1]);
	for (i = 0; i < lay->nsects; i++)
		if (lay->sects[i].mem != HEKI_MODLAYOUT_MEM_NONE)
			fprintf(dump, " %u:%u:%llx", i, lay->sects[i].mem,
				lay->sects[i].offset);
	fprintf(dump, "\n");
}

/* Relocated bytes at @va, if @len of them lie in one loaded section. */
const __u8 *modctx_at(const struct modctx *c, __u64 va, __u64 len)
{
	__u32 i;

	for (i = 0; i < c->elf.shnum; i++)
		if (c->bufs[i] && va >= c->va[i] &&
		    va - c->va[i] + len <= c->lay.sects[i].size)
			return c->bufs[i] + (va - c->va[i]);
	return NULL;
}

/* Every relocated __mcount_loc entry is a call to __fentry__. */
static int check_mcount(const struct modctx *c, const char *path)
{
	__u64 fentry = fake_export("__fentry__"), n, i, site;
	const __u8 *p;
	__u32 idx;
	__s32 rel;

	if (heki_elf_find_section(&c->elf, "__mcount_loc", HEKI_SHF_ALLOC,
				  &idx))
		return 0;
	n = c->lay.sects[idx].size / 8;
	for (i = 0; i < n; i++) {
		memcpy(&site, c->bufs[idx] + 8 * i, 8);
		p = modctx_at(c, site, 5);
		if (p)
			memcpy(&rel, p + 1, 4);
		if (!p || p[0] != 0xe8 || site + 5 + (__u64)(__s64)rel != fentry) {
			check_group(0, G, path, "__mcount_loc[%llu] = %#llx is not a call to __fentry__",
				 i, site);
			return 1;
		}
	}
	check_group(1, G, path, "mcount");
	return 1;
}

/*
 * heki_modreloc_build_mem() of every non-data memory type equals the
 * separately relocated sections at their offsets, with zeros elsewhere.
 */
static void check_build_mem(const struct modctx *c, const char *path)
{
	static const __u32 types[] = {
		HEKI_MODLAYOUT_TEXT, HEKI_MODLAYOUT_RODATA,
		HEKI_MODLAYOUT_RO_AFTER_INIT, HEKI_MODLAYOUT_INIT_TEXT,
		HEKI_MODLAYOUT_INIT_RODATA,
	};
	struct heki_modreloc_fault f;
	__u64 len, j;
	__u32 t, i;
	__u8 *buf;
	int ret = 0, ok = 1;

	for (t = 0; t < ARRAY_SIZE(types) && ok; t++) {
		len = c->lay.mem[types[t]].size;
		buf = malloc(len ? len : 1);
		ret = heki_modreloc_build_mem(&c->env, c->syms, c->elf.nsyms,
					      types[t], buf, len, &f);
		ok = !ret;
		for (i = 0; ok && i < c->elf.shnum; i++) {
			const struct heki_modlayout_sect *s = &c->lay.sects[i];

			if (s->mem != types[t])
				continue;
			ok = !memcmp(buf + s->offset, c->bufs[i], s->size);
			memset(buf + s->offset, 0, s->size);
		}
		for (j = 0; ok && j < len; j++)
			ok = !buf[j];
		free(buf);
	}
	check_group(ok, G, path, "build_mem of type %u: %s", types[t - 1],
		 check_err_name(ret));
}

static void check_module(const char *path)
{
	struct heki_modreloc_fault f;
	struct modctx c;
	__u64 len, init_va, mem_va[HEKI_MODLAYOUT_NR_MEM];
	__u8 *img;
	__u32 i;
	int ret;

	memset(&c, 0, sizeof(c));
	img = read_module(path, &len);
	if (!img) {
		check_group(0, G, path, "cannot read");
		return;
	}
	nmods++;
	len = strip_signature(img, len);
	ret = heki_elf_parse(&c.elf, img, len);
	check_group(!ret, G, path, "parse: %s", check_err_name(ret));
	if (ret)
		goto out;
	c.sects = calloc(c.elf.shnum, sizeof(*c.sects));
	c.syms = calloc(c.elf.nsyms, sizeof(*c.syms));
	c.bufs = calloc(c.elf.shnum, sizeof(*c.bufs));
	c.va = calloc(c.elf.shnum, sizeof(*c.va));
	ret = heki_modlayout_compute(&c.elf, HEKI_MODLAYOUT_LINUX_6_1, c.sects,
				     c.elf.shnum, &c.lay);
	check_group(!ret, G, path, "layout: %s", check_err_name(ret));
	if (ret)
		goto out;
	check_known(path, &c.lay);
	dump_layout(path, &c.lay);

	init_va = CORE_VA + ((c.lay.alloc_size[0] + (4ULL << 20)) & ~((2ULL << 20) - 1));
	std_mem_va(&c.lay, CORE_VA, init_va, mem_va);
	{
		__u64 size[HEKI_MODLAYOUT_NR_MEM];
		__u32 m, bad;

		for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++)
			size[m] = c.lay.mem[m].size;
		ret = heki_modlayout_check_mem(&c.lay, mem_va, size, &bad);
		check_group(!ret, G, path, "check_mem: %s (type %u)",
			 check_err_name(ret), bad);
	}
	c.env.elf = &c.elf;
	c.env.layout = &c.lay;
	memcpy(c.env.mem_va, mem_va, sizeof(mem_va));
	c.env.percpu_va = PERCPU_VA;
	c.env.has_percpu = 1;
	c.env.resolve = fake_resolve;
	ret = heki_modreloc_symbols(&c.env, c.syms, c.elf.nsyms, &f);
	for (i = 0; !ret && i < c.elf.shnum; i++) {
		if (c.sects[i].mem == HEKI_MODLAYOUT_MEM_NONE)
			continue;
		c.bufs[i] = malloc(c.sects[i].size ? c.sects[i].size : 1);
		heki_modlayout_section_va(&c.lay, i, mem_va, &c.va[i]);
		ret = heki_modreloc_load_section(&c.elf, i, c.bufs[i],
						 c.sects[i].size);
		if (!ret)
			ret = heki_modreloc_apply(&c.env, c.syms, c.elf.nsyms,
						  i, c.bufs[i], c.sects[i].size,
						  &f);
	}
	check_group(!ret, G, path,
		 "relocation: %s (section %u entry %llu type %u offset %#llx)",
		 check_err_name(ret), f.rela, f.entry, f.type, f.offset);
	if (!ret) {
		check_mcount(&c, path);
		check_build_mem(&c, path);
		test_sites(&c, path);
	}
out:
	if (c.bufs)
		for (i = 0; i < c.elf.shnum; i++)
			free(c.bufs[i]);
	free(c.bufs);
	free(c.va);
	free(c.sects);
	free(c.syms);
	free(img);
}

static int visit(const char *path, const struct stat *st, int type,
		 struct FTW *ftw)
{
	size_t l = strlen(path);

	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	if ((l > 3 && !strcmp(path + l - 3, ".ko")) ||
	    (l > 6 && !strcmp(path + l - 6, ".ko.xz")))
		check_module(path);
	return 0;
}

void test_realmods(const char *root, const char *dump_path)
{
	if (dump_path) {
		dump = fopen(dump_path, "w");
		if (!dump)
			check_group(0, G, "dump", "cannot open %s", dump_path);
	}
	nftw(root, visit, 16, FTW_PHYS);
	check_group(nmods > 0, G, "modules found", "no .ko under %s", root);
	printf("realmods: %lu modules under %s\n", nmods, root);
	if (dump)
		fclose(dump);
}

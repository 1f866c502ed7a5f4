// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * modlayout-dump - lay out real modules with vtl1/src/module/modlayout.c, check
 * the layout's invariants, and optionally write it down for the QEMU
 * oracle (tests/layout/oracle_compare.py).
 *
 * Usage: modlayout-dump --kernel 6.1|6.4|6.16|6.18 [--dump FILE] PATH... | -
 *   PATH is a .ko or .ko.xz; "-" reads the paths from stdin, one a line.
 *
 * Per module one result line, `ok N PATH` or `not ok N PATH: reason`, for:
 * the layout is computed without error; every region is page aligned and
 * inside its allocation, the regions of one allocation do not overlap
 * (6.4+: every type is its own allocation at offset 0); every section the
 * kernel keeps ALLOC is placed, .init* sections (names starting ".init")
 * in init types and the rest in core ones, at an offset aligned to
 * sh_addralign, inside its type, not overlapping another section of the
 * type; the kallsyms tail follows every data section inside
 * HEKI_MODLAYOUT_DATA, mod_kallsyms and the type table follow .strtab
 * inside HEKI_MODLAYOUT_INIT_DATA; and heki_modlayout_check_mem() accepts
 * the layout at plausible addresses. Results through vtl1/tests/check.h.
 *
 * The dump has, per module: `module NAME PATH`, one `mem TYPE ALLOC BASE
 * SIZE` line per memory type, `alloc A SIZE` per allocation, `kallsyms
 * OFF SIZE INIT_OFF INIT_SIZE`, and `sect IDX NAME MEM OFFSET SIZE` per
 * placed section (numbers in hex).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "check.h"
#include "elf/elf.h"
#include "module/modlayout.h"

#define SIG_MAGIC	"~Module signature appended~\n"
#define PAGE		HEKI_MODLAYOUT_PAGE_SIZE

static __u32 kernel;
static FILE *dump;

static __u8 *read_module(const char *path, __u64 *len)
{
	size_t cap = 1 << 20, n = 0, r;
	__u8 *buf = malloc(cap), *nb;
	size_t pl = strlen(path);
	int xz = pl > 3 && !strcmp(path + pl - 3, ".xz");
	char cmd[4200];
	FILE *f;

	if (xz) {
		if (strchr(path, '\'') ||
		    snprintf(cmd, sizeof(cmd), "xz -dc '%s'", path) >=
		    (int)sizeof(cmd)) {
			free(buf);
			return NULL;
		}
		f = popen(cmd, "r");
	} else {
		f = fopen(path, "rb");
	}
	if (!f || !buf) {
		if (f)
			xz ? pclose(f) : fclose(f);
		free(buf);
		return NULL;
	}
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (xz)
		pclose(f);
	else
		fclose(f);
	*len = n;
	return buf;
}

/* The kernel's module_sig_check(): drop marker, info block and PKCS#7. */
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

static int is_init_type(__u32 m)
{
	return m == HEKI_MODLAYOUT_INIT_TEXT || m == HEKI_MODLAYOUT_INIT_DATA ||
	       m == HEKI_MODLAYOUT_INIT_RODATA;
}

static void module_name(const char *path, char *out, size_t n)
{
	const char *b = strrchr(path, '/');
	size_t i;

	b = b ? b + 1 : path;
	for (i = 0; i + 1 < n && b[i] && strncmp(b + i, ".ko", 3); i++)
		out[i] = b[i] == '-' ? '_' : b[i];
	out[i] = 0;
}

/* Regions of one allocation are disjoint and inside it. */
static const char *check_regions(const struct heki_modlayout *lay)
{
	const struct heki_modlayout_region *r, *q;
	__u32 m, k;

	if (lay->nalloc != (kernel == HEKI_MODLAYOUT_LINUX_6_1 ? 2 :
			    HEKI_MODLAYOUT_NR_MEM))
		return "wrong number of allocations";
	for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++) {
		r = &lay->mem[m];
		if (r->base % PAGE || r->size % PAGE)
			return "region not page aligned";
		if (r->alloc >= lay->nalloc ||
		    r->base + r->size > lay->alloc_size[r->alloc])
			return "region outside its allocation";
		if (r->size > HEKI_MODLAYOUT_MAX_SIZE)
			return "region above the maximum size";
		if (kernel >= HEKI_MODLAYOUT_LINUX_6_4 &&
		    (r->alloc != m || r->base ||
		     lay->alloc_size[m] != r->size))
			return "6.4 type not its own allocation";
		if (kernel == HEKI_MODLAYOUT_LINUX_6_1 &&
		    r->alloc != (is_init_type(m) ? 1u : 0u))
			return "6.1 type in the wrong allocation";
		for (k = 0; k < m; k++) {
			q = &lay->mem[k];
			if (q->alloc == r->alloc && q->size && r->size &&
			    q->base < r->base + r->size &&
			    r->base < q->base + q->size)
				return "regions of one allocation overlap";
		}
	}
	return NULL;
}

static const char *check_sections(const struct heki_elf *elf,
				  const struct heki_modlayout *lay)
{
	const struct heki_modlayout_sect *s, *o;
	struct heki_elf_shdr sh;
	__u64 data_end = 0, idata_end = 0;
	const char *name;
	__u32 i, j;
	int init;

	for (i = 0; i < lay->nsects; i++) {
		s = &lay->sects[i];
		if (heki_elf_shdr(elf, i, &sh) ||
		    heki_elf_section_name(elf, &sh, &name))
			return "section header unreadable";
		if ((s->flags & HEKI_SHF_ALLOC) && s->mem == HEKI_MODLAYOUT_MEM_NONE)
			return "ALLOC section not placed";
		if (s->mem == HEKI_MODLAYOUT_MEM_NONE)
			continue;
		if (s->mem >= HEKI_MODLAYOUT_NR_MEM)
			return "section in an unknown memory type";
		init = heki_elf_name_starts(name, ".init");
		if (i != elf->symtab && i != elf->strtab &&
		    init != is_init_type(s->mem))
			return ".init section in core or core section in init";
		if (sh.addralign && s->offset % sh.addralign)
			return "section offset not aligned to sh_addralign";
		if (s->offset + s->size > lay->mem[s->mem].size)
			return "section beyond its memory type";
		if (s->mem == HEKI_MODLAYOUT_DATA &&
		    s->offset + s->size > data_end)
			data_end = s->offset + s->size;
		if (s->mem == HEKI_MODLAYOUT_INIT_DATA &&
		    s->offset + s->size > idata_end)
			idata_end = s->offset + s->size;
		for (j = 0; j < i; j++) {
			o = &lay->sects[j];
			if (o->mem == s->mem && o->size && s->size &&
			    o->offset < s->offset + s->size &&
			    s->offset < o->offset + o->size)
				return "two sections of one type overlap";
		}
	}
	if (lay->kallsyms_off < data_end ||
	    lay->kallsyms_off + lay->kallsyms_size >
	    lay->mem[HEKI_MODLAYOUT_DATA].size)
		return "kallsyms tail not after the data sections inside data";
	if (lay->init_kallsyms_off < idata_end ||
	    lay->init_kallsyms_off + lay->init_kallsyms_size >
	    lay->mem[HEKI_MODLAYOUT_INIT_DATA].size)
		return "mod_kallsyms not after .strtab inside init data";
	return NULL;
}

/* check_mem() accepts the layout at addresses a kernel could pick. */
static const char *check_accepts(const struct heki_modlayout *lay)
{
	__u64 va[HEKI_MODLAYOUT_NR_MEM], size[HEKI_MODLAYOUT_NR_MEM];
	__u64 next = 0xffffffffc0000000ULL, abase[HEKI_MODLAYOUT_NR_MEM];
	__u32 m, a, bad;

	for (a = 0; a < lay->nalloc; a++) {
		abase[a] = next;
		next += lay->alloc_size[a] + 2 * PAGE;
	}
	for (m = 0; m < HEKI_MODLAYOUT_NR_MEM; m++) {
		va[m] = abase[lay->mem[m].alloc] + lay->mem[m].base;
		size[m] = lay->mem[m].size;
	}
	if (heki_modlayout_check_mem(lay, va, size, &bad))
		return "check_mem refuses the layout's own placement";
	return NULL;
}

static void write_dump(const char *path, const struct heki_elf *elf,
		       const struct heki_modlayout *lay)
{
	struct heki_elf_shdr sh;
	const char *name;
	char mod[256];
	__u32 i;

	module_name(path, mod, sizeof(mod));
	fprintf(dump, "module %s %s\n", mod, path);
	for (i = 0; i < HEKI_MODLAYOUT_NR_MEM; i++)
		fprintf(dump, "mem %u %u %llx %llx\n", i, lay->mem[i].alloc,
			lay->mem[i].base, lay->mem[i].size);
	for (i = 0; i < lay->nalloc; i++)
		fprintf(dump, "alloc %u %llx\n", i, lay->alloc_size[i]);
	fprintf(dump, "kallsyms %llx %llx %llx %llx\n", lay->kallsyms_off,
		lay->kallsyms_size, lay->init_kallsyms_off,
		lay->init_kallsyms_size);
	for (i = 0; i < lay->nsects; i++) {
		if (lay->sects[i].mem == HEKI_MODLAYOUT_MEM_NONE ||
		    heki_elf_shdr(elf, i, &sh) ||
		    heki_elf_section_name(elf, &sh, &name))
			continue;
		fprintf(dump, "sect %u %s %u %llx %llx\n", i, name,
			lay->sects[i].mem, lay->sects[i].offset,
			lay->sects[i].size);
	}
}

static void result(int ok, const char *path, const char *why)
{
	check_result(ok, path, "%s", why);
}

static void one_module(const char *path)
{
	struct heki_modlayout_sect *sects = NULL;
	struct heki_modlayout lay;
	struct heki_elf elf;
	const char *why = NULL;
	static char msg[160];
	__u64 len;
	__u8 *img;
	int ret;

	img = read_module(path, &len);
	if (!img || !len) {
		free(img);
		result(0, path, "cannot read");
		return;
	}
	len = strip_signature(img, len);
	ret = heki_elf_parse(&elf, img, len);
	if (!ret) {
		sects = calloc(elf.shnum, sizeof(*sects));
		ret = sects ? heki_modlayout_compute(&elf, kernel, sects,
						     elf.shnum, &lay) :
			      -HEKI_VSM_ERR_NO_MEMORY;
	}
	if (ret) {
		snprintf(msg, sizeof(msg), "parse/layout error %s",
			 heki_vsm_error_name((enum heki_vsm_error)-ret) ?: "?");
		why = msg;
	}
	if (!why)
		why = check_regions(&lay);
	if (!why)
		why = check_sections(&elf, &lay);
	if (!why)
		why = check_accepts(&lay);
	if (!why && dump)
		write_dump(path, &elf, &lay);
	result(!why, path, why);
	free(sects);
	free(img);
}

int main(int argc, char **argv)
{
	char line[4096];
	size_t l;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--kernel") && i + 1 < argc) {
			i++;
			kernel = !strcmp(argv[i], "6.1") ? HEKI_MODLAYOUT_LINUX_6_1 :
				 !strcmp(argv[i], "6.4") ? HEKI_MODLAYOUT_LINUX_6_4 :
				 !strcmp(argv[i], "6.16") ? HEKI_MODLAYOUT_LINUX_6_16 :
				 !strcmp(argv[i], "6.18") ? HEKI_MODLAYOUT_LINUX_6_18 : 0;
		} else if (!strcmp(argv[i], "--dump") && i + 1 < argc) {
			dump = fopen(argv[++i], "w");
			if (!dump) {
				perror(argv[i]);
				return 2;
			}
		} else {
			break;
		}
	}
	if (!kernel || i >= argc) {
		fprintf(stderr, "usage: %s --kernel 6.1|6.4|6.16 [--dump FILE] PATH... | -\n",
			argv[0]);
		return 2;
	}
	for (; i < argc; i++) {
		if (strcmp(argv[i], "-")) {
			one_module(argv[i]);
			continue;
		}
		while (fgets(line, sizeof(line), stdin)) {
			l = strcspn(line, "\n");
			line[l] = 0;
			if (l)
				one_module(line);
		}
	}
	if (dump)
		fclose(dump);
	return check_done();
}

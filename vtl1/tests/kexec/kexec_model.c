// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kexec_model.c - Linux's kexec_file loader and relocate_kernel, modelled
 * for the tests (see kexec_model.h). Written from the kernel source, in
 * the kernel's own terms (Elf64_Shdr, kimage entries), without calling
 * vtl1/src.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "guest.h"
#include "kexec_model.h"

#define PG		4096ULL
#define PG_ALIGN(x)	(((x) + PG - 1) & ~(PG - 1))
#define ALIGN_TO(x, a)	(((x) + (a) - 1) & ~((uint64_t)(a) - 1))

#define IND_DEST	0x1ULL
#define IND_IND		0x2ULL
#define IND_DONE	0x4ULL
#define IND_SRC		0x8ULL
#define NO_DEST		(~0ULL)

/* struct kexec_entry64_regs (arch/x86/include/asm/kexec.h) */
#define REGS_SIZE	136
#define REGS_RBX	24
#define REGS_RSP	32
#define REGS_RSI	48
#define REGS_RIP	128
#define REGIONS_SIZE	(KEXEC_SEGMENT_MAX * 16)

static int fail(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	if (why && n) {
		va_start(ap, fmt);
		vsnprintf(why, n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* SHA-256 through OpenSSL's EVP interface. */
static EVP_MD_CTX *sha_init(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		abort();
	return c;
}

static void sha_update(EVP_MD_CTX *c, const void *p, size_t n)
{
	if (n && EVP_DigestUpdate(c, p, n) != 1)
		abort();
}

static void sha_final(EVP_MD_CTX *c, uint8_t *md)
{
	if (EVP_DigestFinal_ex(c, md, NULL) != 1)
		abort();
	EVP_MD_CTX_free(c);
}

/* ---- kexec_load_purgatory() ------------------------------------------ */

/* kexec_purgatory_find_symbol(): first global of that name, or NULL. */
static const Elf64_Sym *pg_find(const uint8_t *elf, size_t len,
				const char *name)
{
	const Elf64_Ehdr *eh = (const void *)elf;
	const Elf64_Shdr *sh = (const void *)(elf + eh->e_shoff);
	const Elf64_Sym *syms;
	const char *strtab;
	size_t i, k;

	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		if (sh[i].sh_offset + sh[i].sh_size > len)
			return NULL;
		strtab = (const char *)elf + sh[sh[i].sh_link].sh_offset;
		syms = (const void *)(elf + sh[i].sh_offset);
		for (k = 0; k < sh[i].sh_size / sizeof(Elf64_Sym); k++) {
			if (ELF64_ST_BIND(syms[k].st_info) != STB_GLOBAL ||
			    strcmp(strtab + syms[k].st_name, name))
				continue;
			if (syms[k].st_shndx == SHN_UNDEF ||
			    syms[k].st_shndx >= eh->e_shnum)
				return NULL;
			return &syms[k];
		}
	}
	return NULL;
}

static int pg_relocate(const uint8_t *elf, Elf64_Shdr *sec, uint8_t *buf,
		       const Elf64_Shdr *rel, const Elf64_Shdr *symtab,
		       char *why, size_t n)
{
	const Elf64_Rela *r = (const void *)(elf + rel->sh_offset);
	const Elf64_Sym *syms = (const void *)(elf + symtab->sh_offset);
	const Elf64_Ehdr *eh = (const void *)elf;
	Elf64_Shdr *target = &sec[rel->sh_info];
	uint64_t value, base, addr;
	uint8_t *loc;
	size_t i;

	for (i = 0; i < rel->sh_size / sizeof(*r); i++) {
		const Elf64_Sym *s = &syms[ELF64_R_SYM(r[i].r_info)];

		loc = buf + target->sh_offset + r[i].r_offset;
		addr = target->sh_addr + r[i].r_offset;
		if (s->st_shndx == SHN_UNDEF || s->st_shndx == SHN_COMMON)
			return fail(why, n, "purgatory: undefined symbol");
		if (s->st_shndx == SHN_ABS)
			base = 0;
		else if (s->st_shndx >= eh->e_shnum)
			return fail(why, n, "purgatory: bad section");
		else
			base = sec[s->st_shndx].sh_addr;
		value = s->st_value + base + r[i].r_addend;
		switch (ELF64_R_TYPE(r[i].r_info)) {
		case R_X86_64_NONE:
			break;
		case R_X86_64_64:
			memcpy(loc, &value, 8);
			break;
		case R_X86_64_32:
			if (value != (uint32_t)value)
				return fail(why, n, "purgatory: R_X86_64_32 overflow");
			memcpy(loc, &value, 4);
			break;
		case R_X86_64_32S:
			if ((int64_t)value != (int32_t)value)
				return fail(why, n, "purgatory: R_X86_64_32S overflow");
			memcpy(loc, &value, 4);
			break;
		case R_X86_64_PC32:
		case R_X86_64_PLT32:
			value -= addr;
			memcpy(loc, &value, 4);
			break;
		default:
			return fail(why, n, "purgatory: relocation type %u",
				    (unsigned int)ELF64_R_TYPE(r[i].r_info));
		}
	}
	return 0;
}

/* The buffer offset a set symbol is written at (get_set_symbol). */
static int pg_set_off(const uint8_t *elf, size_t len, const Elf64_Shdr *sec,
		      const char *name, size_t size, size_t *off)
{
	const Elf64_Sym *s = pg_find(elf, len, name);

	if (!s || s->st_size != size || sec[s->st_shndx].sh_type == SHT_NOBITS)
		return -1;
	*off = sec[s->st_shndx].sh_offset + s->st_value;
	return 0;
}

int km_purgatory_load(const uint8_t *elf, size_t len, uint64_t mem,
		      struct km_purgatory *out, char *why, size_t n)
{
	const Elf64_Ehdr *eh = (const void *)elf;
	uint64_t bufsz = 0, bss_sz = 0, buf_align = 1, bss_align = 1;
	uint64_t offset = 0, bss_addr, entry_off = 0;
	const Elf64_Sym *entry, *stack;
	uint16_t entry_shndx = 0;
	Elf64_Shdr *sec;
	int fixed = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(*eh) || memcmp(elf, ELFMAG, SELFMAG) ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > len)
		return fail(why, n, "purgatory: not an ELF");
	sec = malloc(eh->e_shnum * sizeof(*sec));
	if (!sec)
		abort();
	memcpy(sec, elf + eh->e_shoff, eh->e_shnum * sizeof(*sec));

	/* kexec_purgatory_setup_kbuf() */
	for (i = 0; i < eh->e_shnum; i++) {
		if (!(sec[i].sh_flags & SHF_ALLOC))
			continue;
		if (sec[i].sh_type != SHT_NOBITS) {
			if (buf_align < sec[i].sh_addralign)
				buf_align = sec[i].sh_addralign;
			bufsz = ALIGN_TO(bufsz, sec[i].sh_addralign);
			bufsz += sec[i].sh_size;
		} else {
			if (bss_align < sec[i].sh_addralign)
				bss_align = sec[i].sh_addralign;
			bss_sz = ALIGN_TO(bss_sz, sec[i].sh_addralign);
			bss_sz += sec[i].sh_size;
		}
	}
	bufsz = ALIGN_TO(bufsz, bss_align);
	if (buf_align < bss_align)
		buf_align = bss_align;
	out->bufsz = bufsz;
	/* kexec_add_buffer() */
	out->memsz = PG_ALIGN(bufsz + bss_sz);
	out->align = buf_align > PG ? buf_align : PG;
	out->buf = calloc(1, bufsz ? bufsz : 1);
	if (!out->buf)
		abort();

	/* kexec_purgatory_setup_sechdrs() */
	bss_addr = mem + bufsz;
	out->start = eh->e_entry;
	entry = pg_find(elf, len, "purgatory_start");
	if (entry) {
		entry_shndx = entry->st_shndx;
		entry_off = entry->st_value;
	}
	for (i = 0; i < eh->e_shnum; i++) {
		if (!(sec[i].sh_flags & SHF_ALLOC))
			continue;
		if (sec[i].sh_type == SHT_NOBITS) {
			bss_addr = ALIGN_TO(bss_addr, sec[i].sh_addralign);
			sec[i].sh_addr = bss_addr;
			bss_addr += sec[i].sh_size;
			continue;
		}
		offset = ALIGN_TO(offset, sec[i].sh_addralign);
		if (!fixed && entry && i == entry_shndx &&
		    (sec[i].sh_flags & SHF_EXECINSTR) &&
		    entry_off < sec[i].sh_size) {
			out->start = mem + offset + entry_off;
			fixed = 1;
		}
		if (!fixed && (sec[i].sh_flags & SHF_EXECINSTR) &&
		    eh->e_entry >= sec[i].sh_addr &&
		    eh->e_entry < sec[i].sh_addr + sec[i].sh_size &&
		    out->start == eh->e_entry) {
			out->start -= sec[i].sh_addr;
			out->start += mem + offset;
			fixed = 1;
		}
		if (sec[i].sh_offset + sec[i].sh_size > len)
			goto bad;
		memcpy(out->buf + offset, elf + sec[i].sh_offset,
		       sec[i].sh_size);
		sec[i].sh_addr = mem + offset;
		sec[i].sh_offset = offset;
		offset += sec[i].sh_size;
	}

	/* kexec_apply_relocations() */
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *rel = (const void *)(elf + eh->e_shoff +
						       i * sizeof(*sec));

		if (rel->sh_type != SHT_RELA && rel->sh_type != SHT_REL)
			continue;
		if (rel->sh_info >= eh->e_shnum || rel->sh_link >= eh->e_shnum)
			goto bad;
		if (!(sec[rel->sh_info].sh_flags & SHF_ALLOC))
			continue;
		if (((const Elf64_Shdr *)(elf + eh->e_shoff))[rel->sh_link].sh_link >=
		    eh->e_shnum)
			continue;
		if (rel->sh_type == SHT_REL)
			goto bad;
		if (pg_relocate(elf, sec, out->buf, rel,
				(const Elf64_Shdr *)(elf + eh->e_shoff) +
				rel->sh_link, why, n))
			goto out;
	}

	if (pg_set_off(elf, len, sec, "entry64_regs", REGS_SIZE, &out->regs) ||
	    pg_set_off(elf, len, sec, "purgatory_sha_regions", REGIONS_SIZE,
		       &out->regions) ||
	    pg_set_off(elf, len, sec, "purgatory_sha256_digest", 32,
		       &out->digest))
		goto bad;
	stack = pg_find(elf, len, "stack_end");
	if (!stack)
		goto bad;
	out->stack_end = sec[stack->st_shndx].sh_addr + stack->st_value;
	free(sec);
	return 0;
bad:
	fail(why, n, "purgatory: the loader would refuse it");
out:
	free(sec);
	km_purgatory_free(out);
	return -1;
}

void km_purgatory_free(struct km_purgatory *p)
{
	free(p->buf);
	p->buf = NULL;
}

/* ---- kexec_file_load(): segments ---------------------------------- */

/**
 * struct km_seg - one kexec_add_buffer()
 * @kbuf: the buffer (not owned unless @own)
 * @bufsz: its size
 * @mem: destination
 * @memsz: destination size (page aligned)
 * @own: free @kbuf at the end
 */
struct km_seg {
	const uint8_t *kbuf;
	size_t bufsz;
	uint64_t mem;
	uint64_t memsz;
	int own;
};

/**
 * struct km_state - one load in progress
 * @g: the guest
 * @in: the request
 * @seg: the segments in kimage order
 * @nseg: how many
 * @dest: next free destination address
 * @out: the image being built
 * @cur: indirection page being filled (0: the head)
 * @slot: next slot of @cur
 * @pool: next page of the allocator
 * @dest_pages: pages kimage_alloc_page() put aside (destinations)
 * @ndest_pages: entries in @dest_pages
 */
struct km_state {
	struct guest *g;
	const struct km_in *in;
	struct km_seg seg[KEXEC_SEGMENT_MAX];
	int nseg;
	uint64_t dest;
	struct km_image *out;
	uint64_t cur;
	unsigned int slot;
	uint64_t pool;
	uint64_t *dest_pages;
	size_t ndest_pages;
};

static void add_seg(struct km_state *st, const uint8_t *kbuf, size_t bufsz,
		    uint64_t memsz, uint64_t align, int own)
{
	struct km_seg *s = &st->seg[st->nseg++];

	if (align < PG)
		align = PG;
	st->dest = ALIGN_TO(st->dest, align);
	s->kbuf = kbuf;
	s->bufsz = bufsz;
	s->mem = st->dest;
	s->memsz = PG_ALIGN(memsz);
	s->own = own;
	st->dest += s->memsz;
}

/* kimage_is_destination_range() for one page */
static int is_dest(const struct km_state *st, uint64_t pa)
{
	int i;

	for (i = 0; i < st->nseg; i++)
		if (pa + PG > st->seg[i].mem &&
		    pa < st->seg[i].mem + st->seg[i].memsz)
			return 1;
	return 0;
}

static void grow_list(struct km_image *m, uint64_t e)
{
	m->list = realloc(m->list, (m->nlist + 1) * sizeof(*m->list));
	if (!m->list)
		abort();
	m->list[m->nlist++] = e;
}

static void note_page(struct km_image *m, uint64_t pa)
{
	m->pages = realloc(m->pages, (m->npages + 1) * sizeof(*m->pages));
	if (!m->pages)
		abort();
	m->pages[m->npages++] = pa;
}

/* kimage_dst_used(): the source entry whose destination is @pa, or -1 */
static long dst_used(const struct km_image *m, uint64_t pa)
{
	uint64_t dst = 0;
	size_t i;

	for (i = 0; i < m->nlist; i++) {
		uint64_t e = m->list[i];

		if (e & IND_DEST) {
			dst = e & ~0xfffULL;
		} else if (e & IND_SRC) {
			if (dst == pa)
				return (long)i;
			dst += PG;
		}
	}
	return -1;
}

/* kimage_alloc_page(); pages from the pool, in address order. */
static uint64_t alloc_page(struct km_state *st, uint64_t dest)
{
	struct km_image *m = st->out;
	uint64_t pa, old;
	size_t i;
	long k;

	for (i = 0; i < st->ndest_pages; i++) {
		if (st->dest_pages[i] == dest) {
			st->dest_pages[i] = st->dest_pages[--st->ndest_pages];
			return dest;
		}
	}
	for (;;) {
		if (st->pool >= st->in->pool_end)
			abort();	/* the test's pool is too small */
		pa = st->pool;
		st->pool += PG;
		if (pa == dest || !is_dest(st, pa))
			return pa;
		k = dst_used(m, pa);
		if (k >= 0) {
			old = m->list[k] & ~0xfffULL;
			memcpy(st->g->mem + pa, st->g->mem + old, PG);
			m->list[k] = pa | IND_SRC;
			note_page(m, pa);
			return old;
		}
		st->dest_pages = realloc(st->dest_pages, (st->ndest_pages + 1) *
					 sizeof(*st->dest_pages));
		if (!st->dest_pages)
			abort();
		st->dest_pages[st->ndest_pages++] = pa;
	}
}

/* kimage_add_entry(): a link from the head or a full page's last slot. */
static void add_entry(struct km_state *st, uint64_t e)
{
	struct km_image *m = st->out;
	uint64_t page;

	if (!st->cur || st->slot == 511) {
		page = alloc_page(st, NO_DEST);
		memset(st->g->mem + page, 0, PG);
		if (!st->cur)
			m->ki.head = page | IND_IND;
		grow_list(m, page | IND_IND);
		note_page(m, page);
		st->cur = page;
		st->slot = 0;
	}
	grow_list(m, e);
	st->slot++;
}

/* kimage_load_normal_segment() */
static void load_normal(struct km_state *st, const struct km_seg *s)
{
	uint64_t maddr = s->mem, page;
	size_t ubytes = s->bufsz, off = 0, u;

	add_entry(st, s->mem | IND_DEST);
	while (maddr < s->mem + s->memsz) {
		page = alloc_page(st, maddr);
		add_entry(st, page | IND_SRC);
		note_page(st->out, page);
		memset(st->g->mem + page, 0, PG);
		u = ubytes < PG ? ubytes : PG;
		memcpy(st->g->mem + page, s->kbuf + off, u);
		ubytes -= u;
		off += PG;
		maddr += PG;
	}
}

/* Where each word of the list lies: the head, then 512-slot pages. */
void km_write_list(struct guest *g, struct km_image *m)
{
	uint64_t page = 0;
	unsigned int slot = 0;
	size_t i;

	for (i = 0; i < m->nlist; i++) {
		uint64_t e = m->list[i];

		if (!page) {
			m->ki.head = e;
		} else {
			if (slot >= 512)
				abort();
			memcpy(g->mem + page + 8 * slot, &e, 8);
			slot++;
		}
		if ((e & 0xfff) == IND_IND) {
			page = e & ~0xfffULL;
			slot = 0;
		}
	}
	guest_write(g, m->image_pa, &m->ki, sizeof(m->ki));
}

/* kexec_calculate_store_digests(): every segment but the purgatory. */
static void store_digests(struct km_state *st, struct km_purgatory *p)
{
	static const uint8_t zero[PG];
	uint8_t *regions = p->buf + p->regions;
	EVP_MD_CTX *c = sha_init();
	uint64_t left;
	int i, j = 0;

	for (i = 0; i < st->nseg; i++) {
		const struct km_seg *s = &st->seg[i];

		if (i == st->out->pseg)
			continue;
		sha_update(c, s->kbuf, s->bufsz);
		for (left = s->memsz - s->bufsz; left; ) {
			uint64_t n = left < PG ? left : PG;

			sha_update(c, zero, n);
			left -= n;
		}
		put_u64(regions + 16 * j, s->mem);
		put_u64(regions + 16 * j + 8, s->memsz);
		j++;
	}
	sha_final(c, p->buf + p->digest);
}

int km_load(struct guest *g, const struct km_in *in, struct km_image *out,
	    char *why, size_t n)
{
	struct km_state st = { .g = g, .in = in, .dest = in->dest,
			       .out = out, .pool = in->pool };
	const uint8_t *k = in->kernel;
	uint32_t setup_sects = k[0x1f1] ? k[0x1f1] : 4, init, align;
	size_t kern16 = (setup_sects + 1) * 512, clen = strlen(in->cmdline);
	struct km_purgatory p;
	uint8_t *params, *elfcore = NULL;
	size_t psz;
	int i;

	memset(out, 0, sizeof(*out));
	out->image_pa = in->image_pa;
	memcpy(&init, k + 0x260, 4);
	memcpy(&align, k + 0x230, 4);
	/* crash_load_segments(): the elfcorehdr first */
	if (in->crash) {
		elfcore = malloc(PG);
		if (!elfcore)
			abort();
		for (i = 0; i < (int)PG; i++)
			elfcore[i] = (uint8_t)(i * 13 + 1);
		add_seg(&st, elfcore, PG, PG, PG, 1);
	}
	/* kexec_load_purgatory(): the address first, then the buffer */
	if (km_purgatory_load(in->purgatory, in->purgatory_len, 0, &p, why, n))
		return -1;
	out->pseg = st.nseg;
	add_seg(&st, NULL, p.bufsz, p.memsz, p.align, 0);
	km_purgatory_free(&p);
	if (km_purgatory_load(in->purgatory, in->purgatory_len,
			      st.seg[out->pseg].mem, &p, why, n))
		return -1;
	/* boot_params, the command line, setup_data (kexec-bzimage64.c) */
	psz = 4096 + ALIGN_TO(clen + 1 + 32, 16) + 16 + 64 + 16 + 32;
	params = calloc(1, psz);
	if (!params)
		abort();
	memcpy(params + 0x1f1, k + 0x1f1, 0x202 + k[0x201] - 0x1f1);
	params[0x210] = 0xd0;	/* type_of_loader */
	params[0x211] = 0;	/* loadflags */
	memcpy(params + 4096, in->cmdline, clen);
	out->bseg = st.nseg;
	add_seg(&st, params, psz, psz, 16, 1);
	out->kseg = st.nseg;
	add_seg(&st, k + kern16, in->kernel_len - kern16, PG_ALIGN(init),
		align, 0);
	if (in->initrd)
		add_seg(&st, in->initrd, in->initrd_len, in->initrd_len, PG, 0);
	/* cmd_line_ptr of boot_params */
	{
		uint32_t ptr = (uint32_t)(st.seg[out->bseg].mem + 4096);

		memcpy(params + 0x228, &ptr, 4);
	}
	/* bzImage64_load(): entry64_regs */
	put_u64(p.buf + p.regs + REGS_RBX, 0);
	put_u64(p.buf + p.regs + REGS_RSI, st.seg[out->bseg].mem);
	put_u64(p.buf + p.regs + REGS_RIP, st.seg[out->kseg].mem + 0x200);
	put_u64(p.buf + p.regs + REGS_RSP, p.stack_end);
	st.seg[out->pseg].kbuf = p.buf;
	store_digests(&st, &p);

	out->ki.start = p.start;
	out->ki.nr_segments = st.nseg;
	for (i = 0; i < st.nseg; i++) {
		out->ki.segment[i].buf = 0xffffc90000000000ULL + 0x1000000ULL * i;
		out->ki.segment[i].bufsz = st.seg[i].bufsz;
		out->ki.segment[i].mem = st.seg[i].mem;
		out->ki.segment[i].memsz = st.seg[i].memsz;
	}
	if (in->crash) {
		/* kimage_load_crash_segment(): in place, the rest zero */
		for (i = 0; i < st.nseg; i++) {
			if (st.seg[i].mem + st.seg[i].memsz > GUEST_MEM_SIZE)
				abort();
			memset(g->mem + st.seg[i].mem, 0, st.seg[i].memsz);
			memcpy(g->mem + st.seg[i].mem, st.seg[i].kbuf,
			       st.seg[i].bufsz);
		}
		out->ki.head = IND_DONE;
	} else {
		for (i = 0; i < st.nseg; i++)
			load_normal(&st, &st.seg[i]);
		/* kimage_terminate() */
		grow_list(out, IND_DONE);
	}
	km_write_list(g, out);
	for (i = 0; i < st.nseg; i++)
		if (st.seg[i].own)
			free((void *)st.seg[i].kbuf);
	free(st.dest_pages);
	km_purgatory_free(&p);
	return 0;
}

void km_image_free(struct km_image *m)
{
	free(m->list);
	free(m->pages);
	m->list = NULL;
	m->pages = NULL;
}

/* ---- relocate_kernel (swap_pages) and I3 ------------------------- */

/**
 * struct km_mem - physical memory as relocate_kernel sees it: pages of
 *	the guest, and beyond it pages of 0xa5 (bytes VTL0 chose); an
 *	open-addressing table of the pages touched
 * @pfn: page frame of each slot (~0: empty)
 * @data: its bytes
 * @n: slots in use
 * @cap: slots (a power of two)
 * @g: the guest (pages not touched yet are read from it)
 */
struct km_mem {
	uint64_t *pfn;
	uint8_t **data;
	size_t n, cap;
	struct guest *g;
};

static size_t mem_slot(const struct km_mem *m, uint64_t pfn)
{
	size_t i = (size_t)(pfn * 0x9e3779b97f4a7c15ULL) & (m->cap - 1);

	while (m->pfn[i] != ~0ULL && m->pfn[i] != pfn)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void mem_grow(struct km_mem *m)
{
	struct km_mem old = *m;
	size_t i, j;

	m->cap = old.cap ? 2 * old.cap : 4096;
	m->pfn = malloc(m->cap * sizeof(*m->pfn));
	m->data = malloc(m->cap * sizeof(*m->data));
	if (!m->pfn || !m->data)
		abort();
	memset(m->pfn, 0xff, m->cap * sizeof(*m->pfn));
	for (i = 0; i < old.cap; i++) {
		if (old.pfn[i] == ~0ULL)
			continue;
		j = mem_slot(m, old.pfn[i]);
		m->pfn[j] = old.pfn[i];
		m->data[j] = old.data[i];
	}
	free(old.pfn);
	free(old.data);
}

static uint8_t *mem_page(struct km_mem *m, uint64_t pa)
{
	uint64_t pfn = pa >> 12;
	size_t i;

	if (2 * (m->n + 1) > m->cap)
		mem_grow(m);
	i = mem_slot(m, pfn);
	if (m->pfn[i] == pfn)
		return m->data[i];
	m->data[i] = malloc(PG);
	if (!m->data[i])
		abort();
	if (pa < GUEST_MEM_SIZE)
		memcpy(m->data[i], m->g->mem + (pa & ~(PG - 1)), PG);
	else
		memset(m->data[i], 0xa5, PG);
	m->pfn[i] = pfn;
	m->n++;
	return m->data[i];
}

/* The byte at @pa. */
static uint8_t mem_byte(struct km_mem *m, uint64_t pa)
{
	return mem_page(m, pa)[pa & (PG - 1)];
}

static void mem_free(struct km_mem *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->pfn[i] != ~0ULL)
			free(m->data[i]);
	free(m->pfn);
	free(m->data);
}

/*
 * swap_pages (relocate_kernel_64.S): flags tested in the order of the
 * assembly, an unknown word skipped; 6.1 and 6.12 swap through the swap
 * page, 6.15 and later copy (KEXEC_JUMP is not built in).
 */
static int swap_pages(struct km_mem *m, uint64_t head, int swap, char *why,
		      size_t n)
{
	const uint64_t swap_pa = (1ULL << 52) - PG;
	uint64_t rcx = head, rbx = 0, rdi = 0, rsi;
	unsigned long steps = 0;

	for (;;) {
		if (++steps > (1UL << 22))
			return fail(why, n, "relocate_kernel: no IND_DONE");
		if (rcx & 0x1) {
			rdi = rcx & ~0xfffULL;
		} else if (rcx & 0x2) {
			rbx = rcx & ~0xfffULL;
		} else if (rcx & 0x4) {
			return 0;
		} else if (rcx & 0x8) {
			rsi = rcx & ~0xfffULL;
			if (swap) {
				memcpy(mem_page(m, swap_pa), mem_page(m, rsi), PG);
				memcpy(mem_page(m, rsi), mem_page(m, rdi), PG);
				memcpy(mem_page(m, rdi), mem_page(m, swap_pa), PG);
			} else {
				memcpy(mem_page(m, rdi), mem_page(m, rsi), PG);
			}
			rdi += PG;
		}
		rcx = get_u64(mem_page(m, rbx) + (rbx & (PG - 1)));
		rbx += 8;
	}
}

/* SHA-256 of the final memory of every region purgatory lists. */
static void regions_digest(struct km_mem *m, const uint8_t *regions,
			   uint8_t *md)
{
	EVP_MD_CTX *c = sha_init();
	uint64_t a, len, n;
	int j;

	for (j = 0; j < KEXEC_SEGMENT_MAX; j++) {
		a = get_u64(regions + 16 * j);
		len = get_u64(regions + 16 * j + 8);
		while (len) {
			n = PG - (a & (PG - 1));
			if (n > len)
				n = len;
			sha_update(c, mem_page(m, a) + (a & (PG - 1)), n);
			a += n;
			len -= n;
		}
	}
	sha_final(c, md);
}

/* Regions as whole segments, the kernel's among them. */
static int regions_ok(const struct heki_kimage *ki, const uint8_t *regions,
		      int kseg)
{
	int j, i, kernel = 0;

	for (j = 0; j < KEXEC_SEGMENT_MAX; j++) {
		uint64_t a = get_u64(regions + 16 * j);
		uint64_t len = get_u64(regions + 16 * j + 8);

		if (!a && !len)
			continue;
		for (i = 0; i < (int)ki->nr_segments; i++)
			if (ki->segment[i].mem == a && ki->segment[i].memsz == len)
				break;
		if (i == (int)ki->nr_segments)
			return 0;
		kernel |= i == kseg;
	}
	return kernel;
}

int km_replay(struct guest *g, int crash, void *arg, char *why, size_t n)
{
	const struct km_auth *au = arg;
	const uint8_t *k = au->kernel;
	uint32_t setup_sects, init;
	size_t kern16, plen, off, i;
	struct km_mem m = { .g = g };
	struct km_purgatory p = { 0 };
	struct heki_kimage ki;
	uint8_t md[32], regs[REGS_SIZE];
	int kseg = -1, pseg = -1, ret = -1, s;

	if (au->kernel_len < 0x264)
		return fail(why, n, "I3: the verified kernel is no bzImage");
	setup_sects = k[0x1f1] ? k[0x1f1] : 4;
	kern16 = (setup_sects + 1) * 512;
	if ( kern16 >= au->kernel_len)
		return fail(why, n, "I3: the verified kernel is no bzImage");
	guest_read(g, au->image_pa, &ki, sizeof(ki));
	if (ki.nr_segments > KEXEC_SEGMENT_MAX)
		return fail(why, n, "I3: %llu segments",
			    (unsigned long long)ki.nr_segments);
	memcpy(&init, k + 0x260, 4);
	plen = au->kernel_len - kern16;
	for (s = 0; s < (int)ki.nr_segments && kseg < 0; s++)
		if (ki.segment[s].bufsz == plen &&
		    ki.segment[s].memsz == PG_ALIGN(init))
			kseg = s;
	if (kseg < 0)
		return fail(why, n, "I3: no kernel segment");
	for (s = 0; s < (int)ki.nr_segments && pseg < 0; s++) {
		if (km_purgatory_load(au->purgatory, au->purgatory_len,
				      ki.segment[s].mem, &p, why, n))
			return -1;
		if (p.start == ki.start && ki.segment[s].memsz == p.memsz &&
		    ki.segment[s].bufsz == p.bufsz)
			pseg = s;
		else
			km_purgatory_free(&p);
	}
	if (pseg < 0 || pseg + 1 >= (int)ki.nr_segments)
		return fail(why, n, "I3: image->start %#llx is no purgatory's entry",
			    (unsigned long long)ki.start);

	if (swap_pages(&m, ki.head, au->version < KM_LINUX_6_15, why, n))
		goto out;

	/* The kernel segment: the verified payload, then zeros. */
	for (off = 0; off < ki.segment[kseg].memsz; off += PG) {
		uint8_t want[PG] = { 0 };

		if (off < plen)
			memcpy(want, k + kern16 + off,
			       plen - off < PG ? plen - off : PG);
		if (memcmp(mem_page(&m, ki.segment[kseg].mem + off), want, PG)) {
			fail(why, n, "I3: kernel page %zu is not the verified one",
			     (size_t)(off / PG));
			goto out;
		}
	}
	/* The purgatory: built for its address, entry64_regs set. */
	memcpy(regs, p.buf + p.regs, REGS_SIZE);
	put_u64(regs + REGS_RBX, 0);
	put_u64(regs + REGS_RSI, ki.segment[pseg + 1].mem);
	put_u64(regs + REGS_RIP, ki.segment[kseg].mem + 0x200);
	put_u64(regs + REGS_RSP, p.stack_end);
	memcpy(p.buf + p.regs, regs, REGS_SIZE);
	for (i = 0; i < ki.segment[pseg].memsz; i++) {
		uint8_t b = i < p.bufsz ? p.buf[i] : 0;

		if ((i >= p.regions && i < p.regions + REGIONS_SIZE) ||
		    (i >= p.digest && i < p.digest + 32))
			continue;
		if (mem_byte(&m, ki.segment[pseg].mem + i) != b) {
			fail(why, n, "I3: purgatory byte %zu is not the kernel's purgatory's",
			     i);
			goto out;
		}
	}
	/* What purgatory checks before it jumps: its regions and digest. */
	{
		uint8_t regions[REGIONS_SIZE], digest[32];

		for (i = 0; i < REGIONS_SIZE; i++)
			regions[i] = mem_byte(&m, ki.segment[pseg].mem +
					      p.regions + i);
		for (i = 0; i < 32; i++)
			digest[i] = mem_byte(&m, ki.segment[pseg].mem +
					     p.digest + i);
		if (!regions_ok(&ki, regions, kseg)) {
			fail(why, n, "I3: purgatory_sha_regions not whole segments with the kernel's");
			goto out;
		}
		regions_digest(&m, regions, md);
		if (memcmp(md, digest, 32)) {
			fail(why, n, "I3: purgatory would stop: digest differs");
			goto out;
		}
	}
	(void)crash;
	ret = 0;
out:
	km_purgatory_free(&p);
	mem_free(&m);
	return ret;
}

/*
 * The chain's KEXEC_KERNEL_BLOB ranges joined in chain order, as VTL1's
 * vtl1_gather() joins them: into *@blob (malloc'd; NULL and 0 without
 * any), or -1 with a range outside the guest. Sets *@image_pa to the
 * first KEXEC_IMAGE range.
 */
static int chain_blob(struct guest *g, __u64 chain_pa, uint8_t **blob,
		      size_t *len, __u64 *image_pa)
{
	struct heki_page p;
	size_t total = 0;
	__u64 pa;
	__u32 i, pages, pass;

	*blob = NULL;
	*len = 0;
	for (pass = 0; pass < 2; pass++) {
		if (pass && total) {
			*blob = malloc(total);
			if (!*blob)
				abort();
		}
		*len = 0;
		for (pa = chain_pa, pages = 0;
		     pa && pa <= GUEST_MEM_SIZE - sizeof(p) && pages++ < 64;
		     pa = p.next_pa) {
			guest_read(g, pa, &p, sizeof(p));
			for (i = 0; i < p.nranges && i < HEKI_MAX_RANGES; i++) {
				const struct heki_range *r = &p.ranges[i];

				if (r->attributes == HEKI_KEXEC_IMAGE_VALUE &&
				    !*image_pa)
					*image_pa = r->pa;
				if (r->attributes != HEKI_KEXEC_KERNEL_BLOB_VALUE)
					continue;
				if (r->epa <= r->pa || r->epa > GUEST_MEM_SIZE ||
				    r->epa - r->pa > GUEST_MEM_SIZE - *len ||
				    (pass && r->epa - r->pa > total - *len)) {
					free(*blob);
					*blob = NULL;
					return -1;
				}
				if (pass)
					guest_read(g, r->pa, *blob + *len,
						   r->epa - r->pa);
				*len += r->epa - r->pa;
			}
		}
		if (!pass)
			total = *len;
	}
	return 0;
}

int km_replay_chain(struct guest *g, __u64 chain_pa, int crash, void *arg,
		    char *why, size_t n)
{
	struct km_auth au = *(const struct km_auth *)arg;
	uint8_t *blob;
	size_t blob_len;
	__u64 image_pa = 0;
	int ret;

	if (chain_blob(g, chain_pa, &blob, &blob_len, &image_pa))
		return fail(why, n, "I3: kernel blob outside the guest");
	if (!au.kernel) {
		au.kernel = blob;
		au.kernel_len = blob_len;
	}
	if (!image_pa || !blob || !au.kernel) {
		free(blob);
		return fail(why, n, "I3: no KEXEC_IMAGE or kernel blob range in the chain");
	}
	if (!au.purgatory) {
		free(blob);
		return fail(why, n, "I3: no authenticated purgatory to replay against");
	}
	au.image_pa = image_pa;
	ret = km_replay(g, crash, &au, why, n);
	free(blob);
	return ret;
}

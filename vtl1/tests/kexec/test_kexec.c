// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_kexec.c - KexecValidate end to end through the simulated guest
 * (tests/guest.c) with a real crypto provider: the Debian kernel as the
 * kernel blob, its signer's certificate loaded by LoadKData.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "at.h"
#include "core/instance.h"
#include "guest.h"
#include "kexec/kimage.h"
#include "kexec_model.h"
#include "oracle.h"

#define KEXEC		VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE
#define LOAD_KDATA	VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE
#define KVA(pa)		(0xffffffff80000000ULL + (pa))

/*
 * Guest physical layout (GUEST_MEM_SIZE is 448 MiB for this binary; VTL1
 * owns 15..16 MiB). A normal image's sources (one page per page of its
 * segments, as kimage_load_normal_segment() allocates them: 64 MiB for
 * Debian's init_size) and indirection pages lie in one KexecPages range
 * at KPAGES_PA (or KPAGES2_PA); its segments' destinations are beyond
 * the guest (never read by VTL1; the replay below gives them bytes VTL0
 * chose). A crash image's segments lie at SEG_PA and CRASH_PA.
 *
 * Both kinds hold what bzImage64_load() makes: the purgatory (the
 * kexec_purgatory ELF the Debian kernel carries, laid out and relocated
 * for its address by the test model, kexec_model.c, not by vtl1/src), a
 * boot_params segment right after it, the kernel; a crash image has a
 * data segment (the elfcorehdr) first. LoadKData received the ELF in a
 * KernelData range at KD_PURG that ProtectMemory made read-only first.
 */
#define CHAIN_PA	0x10000ULL
#define KD_CERTS	0x100000ULL
#define KD_INFO		0x104000ULL
#define KD_DATA		0x105000ULL
#define KD_PURG		0x108000ULL	/* kexec_purgatory, then its size */
#define KD_PURG_SIZE	0x10f000ULL
#define KD_PURG_END	0x110000ULL
#define KIMG_PA		0x200000ULL
#define KIMG2_PA	0x300000ULL	/* a second image's kimage */
#define KBLOB_PA	0x400000ULL
#define SEG_PA		0xd00000ULL
#define CRASH_PA	0x1000000ULL
#define KPAGES_PA	0x5000000ULL
#define KPAGES2_PA	0x9800000ULL
#define KPAGES_SIZE	0x4100000ULL
#define IND_OFF		0x4000000ULL	/* indirection pages in the range */
#define UNPROT_OFF	0x4180000ULL	/* a page after the KexecPages range */
#define KMEM		0x20000000ULL	/* normal: kernel destination */
#define PMEM		0x1f800000ULL	/* normal: purgatory destination */
#define BPMEM		0x1f900000ULL	/* normal: boot_params destination */
#define CPMEM		(SEG_PA + 0x10000ULL)	/* crash: purgatory */
#define CBPMEM		(SEG_PA + 0x40000ULL)	/* crash: boot_params */
#define BP_BUFSZ	0x1800ULL	/* boot_params segment (and elfcorehdr) */
#define BP_MEMSZ	0x2000ULL
#define FRAG_PA		0xe000000ULL	/* extra KexecPages frames */
#define FRAG_N		64U		/* single frames of the second image */

/* Linux kimage entry flags. */
#define IND_DEST	0x1ULL
#define IND_IND		0x2ULL
#define IND_DONE	0x4ULL
#define IND_SRC		0x8ULL

static const struct at_provider *P;
static char nm[160];

static const char *name(const char *what)
{
	snprintf(nm, sizeof(nm), "%s_%s", what, P->name);
	return nm;
}

static struct heki_range rng(__u64 pa, __u64 epa, __u64 attr)
{
	struct heki_range r = { .va = KVA(pa), .pa = pa, .epa = epa,
				.attributes = attr };

	return r;
}

static __s64 call_chain(struct guest *g, __u32 id, const struct heki_range *r,
			__u32 n, __u64 a2)
{
	guest_chain(g, CHAIN_PA, r, n, 0);
	return guest_call(g, id, CHAIN_PA, n, a2);
}

static void put_sym(struct guest *g, __u64 entry_pa, __u64 name_pa)
{
	struct heki_kernel_symbol s;

	s.value_offset = 0x100;
	s.name_offset = (__s32)(name_pa - (entry_pa + 4));
	s.namespace_offset = 0;
	guest_write(g, entry_pa, &s, sizeof(s));
}

/*
 * A hook on the hypercall that changes protections: the first time it
 * runs after tamper_armed is set, it changes one byte of the kexec image
 * in guest memory (another vCPU writing while VTL1 protects).
 */
static hv_status_t (*real_modify)(void *ctx, heki_gpa_t gpa, __u64 npages,
				  hv_page_prot_t prot);
static struct guest *tamper_guest;
static int tamper_armed;

static hv_status_t tampering_modify(void *ctx, heki_gpa_t gpa, __u64 npages,
				    hv_page_prot_t prot)
{
	if (tamper_armed) {
		__u8 x;

		tamper_armed = 0;
		guest_read(tamper_guest, KIMG_PA + 8, &x, 1);
		x ^= 1;
		guest_write(tamper_guest, KIMG_PA + 8, &x, 1);
	}
	return real_modify(ctx, gpa, npages, prot);
}

/*
 * I3 for every image the oracle sees accepted (tests/oracle.c): the
 * kexec_model.c replay of relocate_kernel over the image the accepted
 * call named, against its kernel blob and the kernel's own
 * kexec_purgatory (auth, set by guest_setup()).
 */
static unsigned long replays;
static struct km_auth auth;

static int replay_counted(struct guest *g, __u64 chain_pa, int crash,
			  void *arg, char *why, size_t whylen)
{
	replays++;
	return km_replay_chain(g, chain_pa, crash, arg, why, whylen);
}

/* How guest_setup() hands the kernel's kexec_purgatory to LoadKData. */
enum purg_mode {
	PURG_PROTECTED,		/* read-only (ProtectMemory) before LoadKData */
	PURG_NONE,		/* the extension names no purgatory */
	PURG_UNPROTECTED,	/* in KernelData, never protected */
	PURG_SIZE_ZERO,		/* kexec_purgatory_size holds 0 */
	PURG_SIZE_BEYOND,	/* the size reaches past the KernelData range */
	PURG_OUTSIDE,		/* kexec_purgatory outside every KernelData range */
};

/*
 * A guest on provider P; its LoadKData (result in *@ret) got @cert and
 * a kernel info extension naming the kexec_purgatory as @mode says.
 */
static struct guest *guest_setup(const struct at_file *cert,
				 enum purg_mode mode, __s64 *ret)
{
	struct guest *g = guest_new();
	struct {
		struct heki_kernel_info ki;
		struct heki_kernel_info_ext x;
	} info;
	struct heki_kernel_info ki;
	struct heki_range r[4];
	__u64 va = KVA(KD_DATA), psize = at.purgatory.len;

	g->crypto = *P->c;
	g->quiet = 1;
	/* Same instance settings, with the protection hook in between. */
	heki_vtl1_destroy(g->v);
	real_modify = g->plat.modify_vtl_protection;
	g->plat.modify_vtl_protection = tampering_modify;
	tamper_guest = g;
	tamper_armed = 0;
	if (heki_vtl1_create(&g->plat, &g->v))
		abort();
	auth.kernel = at.vmlinuz.data;
	auth.kernel_len = at.vmlinuz.len;
	auth.purgatory = at.purgatory.data;
	auth.purgatory_len = at.purgatory.len;
	auth.version = at.version;
	oracle_kexec_replay(g, replay_counted, &auth);
	guest_write(g, KD_CERTS, cert->data, cert->len);
	ki.ksymtab_start = va;
	ki.ksymtab_end = va + 12;
	ki.ksymtab_gpl_start = va + 12;
	ki.ksymtab_gpl_end = va + 24;
	put_sym(g, KD_DATA, KD_DATA + 0x100);
	put_sym(g, KD_DATA + 12, KD_DATA + 0x110);
	guest_write(g, KD_DATA + 0x100, "printk", 7);
	guest_write(g, KD_DATA + 0x110, "gpl_only", 9);
	/* kexec_purgatory and kexec_purgatory_size in the kernel's rodata */
	if (at.purgatory.len > KD_PURG_SIZE - KD_PURG)
		abort();
	if (mode == PURG_SIZE_ZERO)
		psize = 0;
	if (mode == PURG_SIZE_BEYOND)
		psize = KD_PURG_END - KD_PURG + 1;
	guest_write(g, KD_PURG, at.purgatory.data, at.purgatory.len);
	guest_write(g, KD_PURG_SIZE, &psize, sizeof(psize));
	memset(&info, 0, sizeof(info));
	info.ki = ki;
	info.x.magic = HEKI_KERNEL_INFO_EXT_MAGIC;
	info.x.size = HEKI_KERNEL_INFO_EXT_SIZE;
	info.x.linux_version = at.version;
	info.x.text_start = KVA(0x1000000ULL);
	info.x.text_end = KVA(0x2000000ULL);
	info.x.return_thunk = KVA(0x1000000ULL);
	if (mode != PURG_NONE) {
		info.x.kexec_purgatory = KVA(mode == PURG_OUTSIDE ? KD_PURG_END :
					     KD_PURG);
		info.x.kexec_purgatory_size = KVA(KD_PURG_SIZE);
	}
	guest_write(g, KD_INFO, &info, sizeof(info));
	r[0] = rng(KD_CERTS, KD_CERTS + cert->len,
		   HEKI_KDATA_SYSTEM_CERTS_VALUE);
	r[1] = rng(KD_INFO, KD_INFO + sizeof(info),
		   HEKI_KDATA_KERNEL_INFO_VALUE);
	r[2] = rng(KD_DATA, KD_DATA + 0x200, HEKI_KDATA_KERNEL_DATA_VALUE);
	r[3] = rng(KD_PURG, KD_PURG_END, HEKI_KDATA_KERNEL_DATA_VALUE);
	*ret = 0;
	if (mode != PURG_UNPROTECTED) {
		struct heki_range ro = rng(KD_PURG, KD_PURG_END, 1);

		*ret = call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE,
				  &ro, 1, 0);
	}
	if (!*ret)
		*ret = call_chain(g, LOAD_KDATA, r, 4, 0);
	guest_write(g, KBLOB_PA, at.vmlinuz.data, at.vmlinuz.len);
	return g;
}

/* A guest on provider P whose LoadKData installed @cert. */
static struct guest *guest_with(const struct at_file *cert)
{
	__s64 ret;
	struct guest *g = guest_setup(cert, PURG_PROTECTED, &ret);

	if (ret) {
		fprintf(stderr, "LoadKData failed: %s\n", g->last_log);
		abort();
	}
	return g;
}

/* The bzImage payload: the kernel segment's bytes and memory size. */
static const __u8 *payload(__u64 *len, __u64 *memsz)
{
	const __u8 *b = at.vmlinuz.data;
	__u64 sects = b[0x1f1] ? b[0x1f1] : 4, off = (sects + 1) * 512;
	__u32 init;

	memcpy(&init, b + 0x260, 4);
	*len = at.vmlinuz.len - off;
	*memsz = ((__u64)init + 0xfff) & ~0xfffULL;
	return b + off;
}

/**
 * struct img - a kimage being built in guest memory
 * @e: the entry list, without the links between indirection pages
 * @n: entries in @e
 * @ki: the kimage prefix written at KIMG_PA
 * @base: KexecPages range start (normal)
 * @pg: the purgatory segment as the test model loads it
 * @pseg: purgatory segment index
 * @bseg: boot_params segment index
 * @kseg: kernel segment index
 * @psrc: first source page of the purgatory (normal: @pg.memsz bytes
 *	there; crash: its address)
 */
struct img {
	__u64 *e;
	__u32 n;
	struct heki_kimage ki;
	__u64 base;
	struct km_purgatory pg;
	int pseg, bseg, kseg;
	__u64 psrc;
};

/* The bytes of a data segment (boot_params, elfcorehdr): a pattern. */
static void data_seg(__u8 *b, __u8 seed)
{
	__u64 i;

	for (i = 0; i < BP_BUFSZ; i++)
		b[i] = (__u8)(i * 7 + seed);
}

/*
 * purgatory_sha256_digest as kexec_calculate_store_digests() computes it:
 * every segment but the purgatory, its buffer then zeros up to memsz.
 */
static void img_digest(const struct img *im, __u8 *md, __u8 *regions)
{
	static const __u8 zero[0x1000];
	__u8 data[BP_BUFSZ];
	__u64 len, memsz, left, n;
	const __u8 *pl = payload(&len, &memsz);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	__u32 i, j = 0;

	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		abort();
	for (i = 0; i < im->ki.nr_segments; i++) {
		const struct heki_kexec_segment *s = &im->ki.segment[i];

		if ((int)i == im->pseg)
			continue;
		if ((int)i == im->kseg) {
			EVP_DigestUpdate(c, pl, len);
			left = s->memsz - len;
		} else {
			data_seg(data, (__u8)i);
			EVP_DigestUpdate(c, data, BP_BUFSZ);
			left = s->memsz - BP_BUFSZ;
		}
		for (; left; left -= n) {
			n = left < sizeof(zero) ? left : sizeof(zero);
			EVP_DigestUpdate(c, zero, n);
		}
		memcpy(regions + 16 * j, &s->mem, 8);
		memcpy(regions + 16 * j + 8, &s->memsz, 8);
		j++;
	}
	if (EVP_DigestFinal_ex(c, md, NULL) != 1)
		abort();
	EVP_MD_CTX_free(c);
}

/*
 * The purgatory for address @mem (the model's kexec_load_purgatory()),
 * then what bzImage64_load() and kexec_calculate_store_digests() set;
 * segment @pseg and image->start follow it.
 */
static void img_purgatory(struct img *im, __u64 mem)
{
	char why[160];
	__u8 *b;
	__u64 v;

	km_purgatory_free(&im->pg);
	if (km_purgatory_load(at.purgatory.data, at.purgatory.len, mem,
			      &im->pg, why, sizeof(why))) {
		fprintf(stderr, "%s\n", why);
		abort();
	}
	b = im->pg.buf + im->pg.regs;
	v = 0;
	memcpy(b + 24, &v, 8);				/* rbx */
	v = im->ki.segment[im->bseg].mem;
	memcpy(b + 48, &v, 8);				/* rsi */
	v = im->ki.segment[im->kseg].mem + 0x200;
	memcpy(b + 128, &v, 8);				/* rip */
	memcpy(b + 32, &im->pg.stack_end, 8);		/* rsp */
	im->ki.start = im->pg.start;
	im->ki.segment[im->pseg].bufsz = im->pg.bufsz;
	im->ki.segment[im->pseg].mem = mem;
	im->ki.segment[im->pseg].memsz = im->pg.memsz;
	img_digest(im, im->pg.buf + im->pg.digest, im->pg.buf + im->pg.regions);
}

/* Write the purgatory's pages (buffer, then zeros) where they come from. */
static void img_put_purgatory(struct guest *g, const struct img *im)
{
	memset(g->mem + im->psrc, 0, im->pg.memsz);
	guest_write(g, im->psrc, im->pg.buf, im->pg.bufsz);
}

/* A data segment's bytes at @pa (@memsz bytes, the rest zero). */
static void put_data_seg(struct guest *g, __u64 pa, int i)
{
	__u8 data[BP_BUFSZ];

	data_seg(data, (__u8)i);
	memset(g->mem + pa, 0, BP_MEMSZ);
	guest_write(g, pa, data, BP_BUFSZ);
}

static void img_add(struct img *im, __u64 e)
{
	im->e = realloc(im->e, (im->n + 1) * sizeof(*im->e));
	if (!im->e)
		abort();
	im->e[im->n++] = e;
}

/*
 * Normal kexec as kimage_load_normal_segment() builds it: the purgatory,
 * boot_params and kernel segments, one source page of its own per
 * destination page (the kernel's at @base, zeros after the payload; the
 * purgatory's after them, then boot_params').
 */
static void img_normal(struct guest *g, struct img *im, __u64 base)
{
	__u64 len, memsz, i, bpage;
	const __u8 *pl = payload(&len, &memsz);

	memset(im, 0, sizeof(*im));
	im->base = base;
	im->pseg = 0;
	im->bseg = 1;
	im->kseg = 2;
	guest_write(g, base, pl, len);
	im->ki.nr_segments = 3;
	im->ki.segment[0].buf = 0xffffc90000000000ULL;
	im->ki.segment[1].buf = 0xffffc90000080000ULL;
	im->ki.segment[1].bufsz = BP_BUFSZ;
	im->ki.segment[1].mem = BPMEM;
	im->ki.segment[1].memsz = BP_MEMSZ;
	im->ki.segment[2].buf = 0xffffc90000100000ULL;
	im->ki.segment[2].bufsz = len;
	im->ki.segment[2].mem = KMEM;
	im->ki.segment[2].memsz = memsz;
	img_purgatory(im, PMEM);
	im->psrc = base + memsz;
	bpage = im->psrc + im->pg.memsz;
	img_put_purgatory(g, im);
	put_data_seg(g, bpage, 1);
	img_add(im, PMEM | IND_DEST);
	for (i = 0; i < im->pg.memsz >> 12; i++)
		img_add(im, (im->psrc + i * 0x1000) | IND_SRC);
	img_add(im, BPMEM | IND_DEST);
	for (i = 0; i < BP_MEMSZ >> 12; i++)
		img_add(im, (bpage + i * 0x1000) | IND_SRC);
	img_add(im, KMEM | IND_DEST);
	for (i = 0; i < memsz >> 12; i++)
		img_add(im, (base + i * 0x1000) | IND_SRC);
	img_add(im, IND_DONE);
}

/* Lay the entries out at @ind and write the kimage at @kimg. */
static void img_write_at(struct guest *g, struct img *im, __u64 ind,
			 __u64 kimg)
{
	__u64 page[512], pa = ind;
	__u32 i = 0, slot;

	im->ki.head = ind | IND_IND;
	while (i < im->n) {
		memset(page, 0, sizeof(page));
		for (slot = 0; slot < 511 && i < im->n; slot++)
			page[slot] = im->e[i++];
		if (i < im->n)
			page[511] = (pa + 0x1000) | IND_IND;
		guest_write(g, pa, page, sizeof(page));
		pa += 0x1000;
	}
	guest_write(g, kimg, &im->ki, sizeof(im->ki));
}

/* The same with the kimage at KIMG_PA. */
static void img_write(struct guest *g, struct img *im, __u64 ind)
{
	img_write_at(g, im, ind, KIMG_PA);
}

static void img_free(struct img *im)
{
	free(im->e);
	im->e = NULL;
	km_purgatory_free(&im->pg);
}

/* Image at @kimg, blob and one KexecPages range of a normal image. */
static __u32 img_ranges_at(struct heki_range *r, __u64 base, __u64 kimg)
{
	r[0] = rng(kimg, kimg + sizeof(struct heki_kimage),
		   HEKI_KEXEC_IMAGE_VALUE);
	r[1] = rng(KBLOB_PA, KBLOB_PA + at.vmlinuz.len,
		   HEKI_KEXEC_KERNEL_BLOB_VALUE);
	r[2] = rng(base, base + KPAGES_SIZE, HEKI_KEXEC_PAGES_VALUE);
	return 3;
}

static __u32 img_ranges(struct heki_range *r, __u64 base)
{
	return img_ranges_at(r, base, KIMG_PA);
}

/*
 * A good normal image with sources at @pages and its kimage at @kimg (a
 * new image needs its own: VTL0 cannot write a protected one); its three
 * ranges.
 */
static __u32 ranges_at(struct guest *g, struct heki_range *r, __u64 pages,
		       __u64 kimg)
{
	struct img im;

	img_normal(g, &im, pages);
	img_write_at(g, &im, pages + IND_OFF, kimg);
	img_free(&im);
	return img_ranges_at(r, pages, kimg);
}

static __u32 ranges(struct guest *g, struct heki_range *r, __u64 pages)
{
	return ranges_at(g, r, pages, KIMG_PA);
}

/* The last log line without its newline. */
static const char *logline(struct guest *g)
{
	size_t n = strlen(g->last_log);

	while (n && g->last_log[n - 1] == '\n')
		g->last_log[--n] = 0;
	return g->last_log;
}

static __u8 released(void)
{
	return (__u8)(__force __u32)heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ |
								  MEM_ATTR_WRITE);
}

static __u32 owner(struct guest *g, __u64 pa)
{
	struct heki_vtl1_frame_info fi;

	heki_vtl1_get_frame_info(g->v, pa >> HEKI_PAGE_SHIFT, &fi);
	return fi.owner;
}

/* Every frame of [pa, epa) has owner @o. */
static int all_owned(struct guest *g, __u64 pa, __u64 epa, __u32 o)
{
	for (pa &= ~(HEKI_PAGE_SIZE - 1); pa < epa; pa += HEKI_PAGE_SIZE)
		if (owner(g, pa) != o)
			return 0;
	return 1;
}

static int nothing_kexec(struct guest *g)
{
	__u64 pa;

	for (pa = 0; pa < GUEST_MEM_SIZE; pa += HEKI_PAGE_SIZE)
		if (owner(g, pa) == HEKI_VTL1_OWNER_KEXEC)
			return 0;
	return 1;
}

static void accepted(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[3];
	__s64 ret;
	int mod, copy;

	g->nr_ev = 0;
	ret = call_chain(g, KEXEC, r, ranges(g, r, KPAGES_PA), 0);
	check_result(ret == 0, name("kexec_signed_vmlinuz_accepted"), "%lld %s",
		 (long long)ret, logline(g));
	check_result(all_owned(g, KBLOB_PA, KBLOB_PA + at.vmlinuz.len,
			   HEKI_VTL1_OWNER_KEXEC) &&
		 all_owned(g, KIMG_PA, KIMG_PA + sizeof(struct heki_kimage),
			   HEKI_VTL1_OWNER_KEXEC) &&
		 all_owned(g, KPAGES_PA, KPAGES_PA + KPAGES_SIZE,
			   HEKI_VTL1_OWNER_KEXEC),
		 name("kexec_accepted_blob_image_pages_protected"), NULL);
	check_result(g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT] ==
		 (__u8)(__force __u32)heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ),
		 name("kexec_accepted_blob_read_only"), "prot %#x",
		 g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT]);
	/* LiteBox 7.3: the blob is read after it became read-only. */
	mod = guest_event_index(g, GUEST_EV_MODIFY, KBLOB_PA);
	copy = guest_event_index(g, GUEST_EV_COPY_FROM, KBLOB_PA);
	check_result(mod >= 0 && copy > mod,
		 name("litebox_7_3_blob_copied_after_protection"),
		 "modify event %d, copy event %d", mod, copy);
	guest_free(g);
}

/*
 * A blob in two KERNEL_BLOB ranges (VTL1 joins them in chain order) is
 * accepted, and the replay against the blob as VTL1 sees it (no signed
 * file given: fuzz_dispatch's test-provider inputs) joins them too, so
 * it passes where one that took the first range alone reported page 0.
 */
static void accepted_split_blob(void)
{
	struct guest *g = guest_with(&at.signer);
	struct km_auth blob_view = auth;
	struct heki_range r[4];
	char why[256] = "";
	__s64 ret;
	int replay;

	ranges(g, r, KPAGES_PA);
	r[3] = r[2];
	r[2] = rng(KBLOB_PA + 0x10000, r[1].epa, HEKI_KEXEC_KERNEL_BLOB_VALUE);
	r[1].epa = KBLOB_PA + 0x10000;
	ret = call_chain(g, KEXEC, r, 4, 0);
	blob_view.kernel = NULL;
	replay = km_replay_chain(g, CHAIN_PA, 0, &blob_view, why, sizeof(why));
	check_result(ret == 0 && replay == 0,
		     name("kexec_split_blob_accepted_and_replayed_joined"),
		     "%lld %s; replay %d %s", (long long)ret, logline(g),
		     replay, why);
	guest_free(g);
}

/*
 * The I3 replay can fail: on an accepted image, bytes VTL1 did not verify
 * on a page that runs first (what a walk that accepted a wrong entry list
 * would leave: a kernel source page changed behind the protection, two
 * kernel source entries swapped, a purgatory source byte changed) make
 * km_replay_chain() report the page; the untouched image passes. The
 * oracle, told the same call was accepted again, reports it as I3 (the
 * path fuzz_dispatch's violations take). With @blob_pa, the byte there in
 * the accepted blob changes too (what a KexecValidate that verified one
 * blob and accepted another would leave): the pages then match the blob,
 * so a replay against the blob stops only at purgatory's digest (which
 * VTL0 computes: an attacker would make it match), and only the one
 * against the signed file (auth.kernel) reports the page.
 */
static void replay_detects(const char *what, __u64 pa, __u64 swap_pa,
			   __u64 blob_pa, const char *reason)
{
	struct guest *g = guest_with(&at.signer);
	struct km_auth blob_view = auth;
	struct heki_range r[3];
	char why[256] = "", why2[256] = "";
	enum oracle_inv inv;
	__s64 ret;
	int before, after, viewed = 0;

	ret = call_chain(g, KEXEC, r, ranges(g, r, KPAGES_PA), 0);
	before = km_replay_chain(g, CHAIN_PA, 0, &auth, why, sizeof(why));
	if (swap_pa) {
		__u64 a, b;

		memcpy(&a, g->mem + pa, 8);
		memcpy(&b, g->mem + swap_pa, 8);
		memcpy(g->mem + pa, &b, 8);
		memcpy(g->mem + swap_pa, &a, 8);
	} else {
		g->mem[pa] ^= 0x01;
	}
	if (blob_pa) {
		g->mem[blob_pa] ^= 0x01;
		blob_view.kernel = NULL;
		viewed = km_replay_chain(g, CHAIN_PA, 0, &blob_view, why2,
					 sizeof(why2));
	}
	after = km_replay_chain(g, CHAIN_PA, 0, &auth, why, sizeof(why));
	for (inv = ORACLE_I1; inv < ORACLE_NR_INV; inv++)
		oracle_expect(g, inv);
	oracle_before_call(g, KEXEC, CHAIN_PA, 3, 0);
	oracle_after_call(g, 0);
	check_result(!ret && !before && after && strstr(why, reason) &&
		     (!blob_pa || (viewed && strstr(why2, "digest"))) &&
		     oracle_seen(g, ORACLE_I3) == 1,
		     name(what), "accepted %lld, replay %d then %d: %s; blob view %d %s; oracle I3 %u",
		     (long long)ret, before, after, why, viewed, why2,
		     oracle_seen(g, ORACLE_I3));
	guest_free(g);
}

static __u32 kernel_src(const struct img *im, __u32 page);

static void replay_fails(void)
{
	struct img im;
	__u64 ind = KPAGES_PA + IND_OFF, e, len, memsz;
	__u64 kern16 = (__u64)(payload(&len, &memsz) - at.vmlinuz.data);

	replay_detects("kexec_i3_replay_fails_kernel_source_changed",
		       KPAGES_PA + 0x5000, 0, 0, "kernel page 5 ");
	replay_detects("kexec_i3_replay_fails_accepted_blob_not_the_signed_file",
		       KPAGES_PA + 0x5000, 0, KBLOB_PA + kern16 + 0x5000,
		       "kernel page 5 ");
	/* entries 0..n of the list at ind: find kernel pages 1 and 2 */
	memset(&im, 0, sizeof(im));
	{
		struct guest *g = guest_new();

		img_normal(g, &im, KPAGES_PA);
		guest_free(g);
	}
	e = kernel_src(&im, 1);
	replay_detects("kexec_i3_replay_fails_kernel_sources_swapped",
		       ind + (e + e / 511) * 8, ind + (e + 1 + (e + 1) / 511) * 8,
		       0, "kernel page 1 ");
	replay_detects("kexec_i3_replay_fails_purgatory_byte_changed",
		       im.psrc + 0x10, 0, 0, "purgatory byte 16 ");
	img_free(&im);
}

static void refused(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[3];
	__u8 x;
	__s64 ret;

	/* One byte of .text changed in the blob VTL0 hands over. */
	guest_read(g, KBLOB_PA + 0x10000, &x, 1);
	x ^= 0x40;
	guest_write(g, KBLOB_PA + 0x10000, &x, 1);
	ret = call_chain(g, KEXEC, r, ranges(g, r, KPAGES_PA), 0);
	check_result(ret == -HEKI_EKEYREJECTED &&
		 strstr(g->last_log, "AUTHENTICODE_IMAGE_DIGEST_MISMATCH"),
		 name("kexec_tampered_blob_refused"), "%lld %s",
		 (long long)ret, logline(g));
	check_result(nothing_kexec(g) &&
		 g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT] == 0xF &&
		 g->prot[KPAGES_PA >> HEKI_PAGE_SHIFT] == 0xF,
		 name("kexec_refused_leaves_nothing_protected"), NULL);
	guest_free(g);

	g = guest_with(&at.other);
	ret = call_chain(g, KEXEC, r, ranges(g, r, KPAGES_PA), 0);
	check_result(ret == -HEKI_ENOKEY && nothing_kexec(g),
		 name("kexec_unknown_cert_refused_nothing_protected"),
		 "%lld %s", (long long)ret, logline(g));
	guest_free(g);

	g = guest_with(&at.signer);
	ranges(g, r, KPAGES_PA);
	r[1] = r[2];
	ret = call_chain(g, KEXEC, r, 2, 0);
	check_result(ret == -HEKI_EINVAL &&
		 strstr(g->last_log, "KEXEC_BLOB_MISSING") && nothing_kexec(g),
		 name("kexec_without_blob_refused"), "%lld %s",
		 (long long)ret, logline(g));
	guest_free(g);
}

static void replaced(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[3];
	__s64 r1, r2, r3, r4;
	__u32 n;
	__u8 x;

	r1 = call_chain(g, KEXEC, r, ranges(g, r, KPAGES_PA), 0);
	r2 = call_chain(g, KEXEC, r, ranges_at(g, r, KPAGES2_PA, KIMG2_PA), 0);
	check_result(!r1 && !r2 &&
		 all_owned(g, KPAGES_PA, KPAGES_PA + KPAGES_SIZE,
			   HEKI_VTL1_OWNER_NONE) &&
		 g->prot[KPAGES_PA >> HEKI_PAGE_SHIFT] == released() &&
		 all_owned(g, KPAGES2_PA, KPAGES2_PA + KPAGES_SIZE,
			   HEKI_VTL1_OWNER_KEXEC) &&
		 all_owned(g, KBLOB_PA, KBLOB_PA + at.vmlinuz.len,
			   HEKI_VTL1_OWNER_KEXEC),
		 name("kexec_next_call_releases_previous_pages"),
		 "%lld %lld owner %u prot %#x", (long long)r1, (long long)r2,
		 owner(g, KPAGES_PA), g->prot[KPAGES_PA >> HEKI_PAGE_SHIFT]);

	/*
	 * A refused call keeps the previous image's protections: a new image
	 * in the released frames, one byte of a kernel source page changed
	 * (the blob itself is read-only now).
	 */
	n = ranges(g, r, KPAGES_PA);
	guest_read(g, KPAGES_PA + 0x7000, &x, 1);
	x ^= 0x5a;
	guest_write(g, KPAGES_PA + 0x7000, &x, 1);
	r3 = call_chain(g, KEXEC, r, n, 0);
	check_result(r3 == -HEKI_EKEYREJECTED &&
		 all_owned(g, KPAGES2_PA, KPAGES2_PA + KPAGES_SIZE,
			   HEKI_VTL1_OWNER_KEXEC) &&
		 all_owned(g, KPAGES_PA, KPAGES_PA + KPAGES_SIZE,
			   HEKI_VTL1_OWNER_NONE),
		 name("kexec_refusal_keeps_previous_protection"), "%lld",
		 (long long)r3);

	r4 = guest_call(g, KEXEC, 0, 0, 0);
	check_result(!r4 && nothing_kexec(g) &&
		 g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT] == released(),
		 name("kexec_invalidate_releases_everything"), "%lld prot %#x",
		 (long long)r4, g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT]);
	guest_free(g);
}

/*
 * Finding 5 of issue 10 (transaction sizing): the first image also
 * protects one extra KexecPages range of 2 * FRAG_N + 1 frames; the
 * second protects every other frame of it as a range of its own, so the
 * releases of the frames between them (FRAG_N + 1 gaps, more than the old
 * room of 2 per owned entry + 1) must fit the call's transaction. The
 * second image is accepted, holds exactly the odd frames, and the even
 * ones are released.
 */
static void fragmented_second_image(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range *r = calloc(4 + FRAG_N, sizeof(*r));
	__u64 pa, fa;
	__u32 n, i;
	__s64 r1, r2;
	int odd_ok = 1, even_ok = 1;

	n = ranges(g, r, KPAGES_PA);
	r[n++] = rng(FRAG_PA, FRAG_PA + (2 * FRAG_N + 1) * HEKI_PAGE_SIZE,
		     HEKI_KEXEC_PAGES_VALUE);
	r1 = call_chain(g, KEXEC, r, n, 0);
	/* the new image's kimage where VTL0 can still write */
	n = ranges_at(g, r, KPAGES2_PA, KIMG2_PA);
	for (i = 0; i < FRAG_N; i++) {
		fa = FRAG_PA + (2 * i + 1) * HEKI_PAGE_SIZE;
		r[n++] = rng(fa, fa + HEKI_PAGE_SIZE, HEKI_KEXEC_PAGES_VALUE);
	}
	r2 = call_chain(g, KEXEC, r, n, 0);
	for (i = 0; i <= 2 * FRAG_N; i++) {
		pa = FRAG_PA + i * HEKI_PAGE_SIZE;
		if (i % 2)
			odd_ok &= owner(g, pa) == HEKI_VTL1_OWNER_KEXEC;
		else
			even_ok &= owner(g, pa) == HEKI_VTL1_OWNER_NONE &&
				   g->prot[pa >> HEKI_PAGE_SHIFT] == released();
	}
	check_result(!r1 && !r2,
		     name("finding5_fragmented_second_image_accepted"),
		     "%lld %lld %s", (long long)r1, (long long)r2, logline(g));
	check_result(!r2 && odd_ok && even_ok &&
		     all_owned(g, KPAGES_PA, KPAGES_PA + KPAGES_SIZE,
			       HEKI_VTL1_OWNER_NONE) &&
		     all_owned(g, KPAGES2_PA, KPAGES2_PA + KPAGES_SIZE,
			       HEKI_VTL1_OWNER_KEXEC),
		     name("finding5_fragmented_second_image_releases_gaps"),
		     "odd %d even %d", odd_ok, even_ok);
	free(r);
	guest_free(g);
}

/*
 * Crash kexec: the elfcorehdr at SEG_PA, the purgatory at CPMEM,
 * boot_params at CBPMEM and the kernel at CRASH_PA, each copied there
 * (rest zero) as kimage_load_crash_segment() does.
 */
static void img_crash(struct guest *g, struct img *im)
{
	__u64 len, memsz;
	const __u8 *pl = payload(&len, &memsz);

	memset(im, 0, sizeof(*im));
	im->ki.head = IND_DONE;		/* kimage_terminate(), no entries */
	im->pseg = 1;
	im->bseg = 2;
	im->kseg = 3;
	im->ki.nr_segments = 4;
	im->ki.segment[0].buf = 0x7f0000000000ULL;
	im->ki.segment[0].bufsz = BP_BUFSZ;
	im->ki.segment[0].mem = SEG_PA;
	im->ki.segment[0].memsz = BP_MEMSZ;
	im->ki.segment[1].buf = 0xffffc90000000000ULL;
	im->ki.segment[2].buf = 0xffffc90000080000ULL;
	im->ki.segment[2].bufsz = BP_BUFSZ;
	im->ki.segment[2].mem = CBPMEM;
	im->ki.segment[2].memsz = BP_MEMSZ;
	im->ki.segment[3].buf = 0xffffc90000100000ULL;
	im->ki.segment[3].bufsz = len;
	im->ki.segment[3].mem = CRASH_PA;
	im->ki.segment[3].memsz = memsz;
	img_purgatory(im, CPMEM);
	im->psrc = CPMEM;
	put_data_seg(g, SEG_PA, 0);
	img_put_purgatory(g, im);
	put_data_seg(g, CBPMEM, 2);
	guest_write(g, CRASH_PA, pl, len);
}

static __u32 crash_ranges(struct guest *g, struct heki_range *r)
{
	struct img im;

	img_crash(g, &im);
	guest_write(g, KIMG_PA, &im.ki, sizeof(im.ki));
	img_free(&im);
	return img_ranges(r, KPAGES_PA);
}

static int nothing_crash(struct guest *g)
{
	__u64 pa;

	for (pa = 0; pa < GUEST_MEM_SIZE; pa += HEKI_PAGE_SIZE)
		if (owner(g, pa) == HEKI_VTL1_OWNER_KEXEC_CRASH)
			return 0;
	return 1;
}

static void crash(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[3];
	__s64 ret;

	ret = call_chain(g, KEXEC, r, crash_ranges(g, r), 1);
	check_result(!ret &&
		 all_owned(g, SEG_PA, SEG_PA + 0x2000,
			   HEKI_VTL1_OWNER_KEXEC_CRASH) &&
		 all_owned(g, KBLOB_PA, KBLOB_PA + at.vmlinuz.len,
			   HEKI_VTL1_OWNER_KEXEC_CRASH),
		 name("crash_kexec_signed_vmlinuz_accepted_segments_protected"),
		 "%lld %s", (long long)ret, logline(g));
	guest_free(g);

	g = guest_with(&at.signer);
	crash_ranges(g, r);
	tamper_armed = 1;
	ret = call_chain(g, KEXEC, r, 3, 1);
	check_result(ret == -HEKI_EBUSY &&
		 strstr(g->last_log, "KEXEC_IMAGE_CHANGED") && nothing_crash(g),
		 name("crash_kexec_image_changed_while_protecting_refused"),
		 "%lld %s", (long long)ret, logline(g));
	guest_free(g);

	/* A normal image's head is bound too: the same write is refused. */
	g = guest_with(&at.signer);
	ranges(g, r, KPAGES_PA);
	tamper_armed = 1;
	ret = call_chain(g, KEXEC, r, 3, 0);
	check_result(ret == -HEKI_EBUSY &&
		 strstr(g->last_log, "KEXEC_IMAGE_CHANGED") && nothing_kexec(g),
		 name("kexec_image_changed_while_protecting_refused"),
		 "%lld %s", (long long)ret, logline(g));
	guest_free(g);
}

/* ---- binding of the verified blob to the kimage (kexec_bind.c) ---- */

/* Index of the first entry equal to @e. */
static __u32 img_find(const struct img *im, __u64 e)
{
	__u32 i;

	for (i = 0; i < im->n; i++)
		if (im->e[i] == e)
			return i;
	abort();
}

/* Index of the source entry of kernel page @page. */
static __u32 kernel_src(const struct img *im, __u32 page)
{
	return img_find(im, KMEM | IND_DEST) + 1 + page;
}

static void flip(struct guest *g, __u64 pa)
{
	__u8 x;

	guest_read(g, pa, &x, 1);
	x ^= 0x01;
	guest_write(g, pa, &x, 1);
}

/* Mutations of a normal image (entries, then layout in pages). */
static void n_good(struct guest *g, struct img *im) { }

static void n_byte(struct guest *g, struct img *im)
{
	flip(g, im->base + 0x123456);
}

static void n_zero_tail(struct guest *g, struct img *im)
{
	__u64 len, memsz;

	payload(&len, &memsz);
	/* The last kernel source: a page of zeros. */
	flip(g, (im->e[im->n - 2] & ~0xfffULL) + 0x10);
}

static void n_no_segment(struct guest *g, struct img *im)
{
	im->ki.segment[im->kseg].memsz += 0x1000;
}

static void n_src_unprotected(struct guest *g, struct img *im)
{
	__u32 i = kernel_src(im, 3);

	guest_write(g, im->base + UNPROT_OFF,
		    (__u8 *)g->mem + (im->e[i] & ~0xfffULL), 0x1000);
	im->e[i] = (im->base + UNPROT_OFF) | IND_SRC;
}

/* The purgatory segment moved to @pa, built for it. */
static void move_purgatory(struct guest *g, struct img *im, __u64 pa)
{
	img_purgatory(im, pa);
	img_put_purgatory(g, im);
	im->e[0] = pa | IND_DEST;
}

/* Purgatory's destination is a protected page a kernel source uses. */
static void n_src_in_segment(struct guest *g, struct img *im)
{
	__u64 pa = im->base + IND_OFF + 0x30000;

	move_purgatory(g, im, pa);
	im->e[kernel_src(im, 0)] = pa | IND_SRC;
}

static void n_misaligned(struct guest *g, struct img *im)
{
	im->e[kernel_src(im, 1)] |= 0x10;
}

static void n_two_flags(struct guest *g, struct img *im)
{
	im->e[kernel_src(im, 1)] |= IND_DEST;
}

static void n_zero_entry(struct guest *g, struct img *im)
{
	im->e[kernel_src(im, 1)] = 0;
}

static void n_beyond_2_52(struct guest *g, struct img *im)
{
	im->e[kernel_src(im, 1)] |= 1ULL << 52;
}

static void n_src_first(struct guest *g, struct img *im)
{
	im->e[0] = im->e[1];	/* purgatory source, no destination yet */
}

static void n_page_missing(struct guest *g, struct img *im)
{
	im->n -= 2;		/* last kernel source and DONE */
	img_add(im, IND_DONE);
}

static void n_page_twice(struct guest *g, struct img *im)
{
	__u64 src = im->e[kernel_src(im, 0)];

	im->n--;
	img_add(im, KMEM | IND_DEST);
	img_add(im, src);
	img_add(im, IND_DONE);
}

static void n_dest_outside(struct guest *g, struct img *im)
{
	im->e[0] = (PMEM - 0x1000) | IND_DEST;
}

/* The kernel's destination one page into its segment. */
static void n_dest_not_segment_start(struct guest *g, struct img *im)
{
	im->e[img_find(im, KMEM | IND_DEST)] = (KMEM + 0x1000) | IND_DEST;
}

/* A destination after the last segment's last page. */
static void n_entry_after_last_segment(struct guest *g, struct img *im)
{
	im->n--;
	img_add(im, PMEM | IND_DEST);
	img_add(im, IND_DONE);
}

/*
 * Issue 10 finding 3: the boot_params segment's source page is also
 * kernel page 0's source. VTL1 reads it once and finds the kernel's
 * bytes; relocate_kernel (6.1, 6.12) swaps it with boot_params'
 * destination first, so kernel page 0 receives the bytes VTL0 left at
 * that destination.
 */
static void n_source_reused(struct guest *g, struct img *im)
{
	im->e[img_find(im, BPMEM | IND_DEST) + 1] = im->e[kernel_src(im, 0)];
}

/* A kernel source that is the (first) indirection page itself. */
static void n_source_is_indirection(struct guest *g, struct img *im)
{
	im->e[kernel_src(im, 5)] = (im->base + IND_OFF) | IND_SRC;
}

/*
 * kimage_alloc_page() may hand out a page that is its own destination:
 * the purgatory segment on a KexecPages page, its source that page.
 */
static void n_source_own_destination(struct guest *g, struct img *im)
{
	__u64 pa = im->base + IND_OFF + 0x30000;

	move_purgatory(g, im, pa);
	im->e[1] = pa | IND_SRC;
	guest_write(g, pa, im->pg.buf, 0x1000);
}

static void n_segments_overlap(struct guest *g, struct img *im)
{
	im->ki.segment[0].mem = KMEM + im->ki.segment[im->kseg].memsz - 0x1000;
	im->e[0] = im->ki.segment[0].mem | IND_DEST;
}

static void n_segment_unaligned(struct guest *g, struct img *im)
{
	im->ki.segment[0].memsz = 0x800;
}

/*
 * Issue 10 finding 3, purgatory half: VTL0 puts code of its own choosing
 * where relocate_kernel jumps (image->start, in the purgatory's first
 * source page); everything else, the digest included, is what Linux
 * builds. VTL1 before this check accepted the image.
 */
static void n_purgatory_chosen(struct guest *g, struct img *im)
{
	static const __u8 spin[] = { 0xeb, 0xfe };	/* jmp . */

	guest_write(g, im->psrc + (im->ki.start - PMEM), spin, sizeof(spin));
}

/* The purgatory's last byte (.bss or the buffer's end) not as built. */
static void n_purgatory_last_byte(struct guest *g, struct img *im)
{
	flip(g, im->psrc + im->pg.memsz - 1);
}

/*
 * The purgatory relocated for another address (64 KiB up) at PMEM,
 * image->start and the stack pointer moved back: only the relocated
 * bytes differ.
 */
static void n_purgatory_other_address(struct guest *g, struct img *im)
{
	__u64 rsp;

	img_purgatory(im, PMEM + 0x10000);
	im->ki.segment[im->pseg].mem = PMEM;
	im->ki.start -= 0x10000;
	memcpy(&rsp, im->pg.buf + im->pg.regs + 32, 8);
	rsp -= 0x10000;
	memcpy(im->pg.buf + im->pg.regs + 32, &rsp, 8);
	img_put_purgatory(g, im);
}

/* Add @d to the u64 at offset @off of the purgatory buffer and write it. */
static void pg_add(struct guest *g, struct img *im, __u64 off, __u64 d)
{
	__u64 v;

	memcpy(&v, im->pg.buf + off, 8);
	v += d;
	memcpy(im->pg.buf + off, &v, 8);
	img_put_purgatory(g, im);
}

static void n_regs_rbx(struct guest *g, struct img *im)
{
	pg_add(g, im, im->pg.regs + 24, 1);
}

static void n_regs_rsi(struct guest *g, struct img *im)
{
	pg_add(g, im, im->pg.regs + 48, 1);
}

static void n_regs_rip(struct guest *g, struct img *im)
{
	pg_add(g, im, im->pg.regs + 128, 1);
}

static void n_regs_rsp(struct guest *g, struct img *im)
{
	pg_add(g, im, im->pg.regs + 32, 1);
}

static void n_start(struct guest *g, struct img *im)
{
	im->ki.start++;
}

static void n_purgatory_bufsz(struct guest *g, struct img *im)
{
	im->ki.segment[im->pseg].bufsz--;
}

/* purgatory_sha_regions[0] (boot_params): its start, then its length. */
static void n_region_start(struct guest *g, struct img *im)
{
	pg_add(g, im, im->pg.regions, 1);
}

static void n_region_len(struct guest *g, struct img *im)
{
	pg_add(g, im, im->pg.regions + 8, 1);
}

/* The kernel's region left out (the list ends after boot_params). */
static void n_region_kernel_left_out(struct guest *g, struct img *im)
{
	memset(im->pg.buf + im->pg.regions + 16, 0, 16);
	img_put_purgatory(g, im);
}

/* The purgatory's own segment listed after the others. */
static void n_region_purgatory_listed(struct guest *g, struct img *im)
{
	const struct heki_kexec_segment *p = &im->ki.segment[im->pseg];

	memcpy(im->pg.buf + im->pg.regions + 32, &p->mem, 8);
	memcpy(im->pg.buf + im->pg.regions + 40, &p->memsz, 8);
	img_put_purgatory(g, im);
}

static void n_digest(struct guest *g, struct img *im)
{
	im->pg.buf[im->pg.digest + 31]++;
	img_put_purgatory(g, im);
}

/* A boot_params byte changed after the digest was computed. */
static void n_boot_params_byte(struct guest *g, struct img *im)
{
	flip(g, im->e[img_find(im, BPMEM | IND_DEST) + 1] & ~0xfffULL);
}

/* Called after img_write(): change the laid-out pages or the head. */
static void p_ind_unprotected(struct guest *g, struct img *im)
{
	__u64 page[512];

	guest_read(g, im->base + IND_OFF, page, sizeof(page));
	guest_write(g, im->base + UNPROT_OFF, page, sizeof(page));
	im->ki.head = (im->base + UNPROT_OFF) | IND_IND;
	guest_write(g, KIMG_PA, &im->ki, sizeof(im->ki));
}

static void p_head_source(struct guest *g, struct img *im)
{
	im->ki.head = im->base | IND_SRC;
	guest_write(g, KIMG_PA, &im->ki, sizeof(im->ki));
}

static void p_loop(struct guest *g, struct img *im)
{
	__u64 e = (im->base + IND_OFF) | IND_IND;

	/* The first indirection page links to itself (its last slot). */
	guest_write(g, im->base + IND_OFF + 511 * 8, &e, sizeof(e));
}

/* A link in a slot other than the last (kimage_add_entry never). */
static void p_link_not_last_slot(struct guest *g, struct img *im)
{
	__u64 e = (im->base + IND_OFF + 0x1000) | IND_IND;

	guest_write(g, im->base + IND_OFF + 8, &e, sizeof(e));
}

/* The first indirection page's last slot a destination, not a link. */
static void p_last_slot_not_link(struct guest *g, struct img *im)
{
	__u64 e = KMEM | IND_DEST;

	guest_write(g, im->base + IND_OFF + 511 * 8, &e, sizeof(e));
}

/* Mutations of a crash image (after the segment is in place). */
static void c_good(struct guest *g, struct img *im) { }

static void c_byte(struct guest *g, struct img *im)
{
	flip(g, CRASH_PA + 0x234567);
}

static void c_zero_tail(struct guest *g, struct img *im)
{
	flip(g, CRASH_PA + im->ki.segment[im->kseg].memsz - 1);
}

static void c_no_segment(struct guest *g, struct img *im)
{
	im->ki.segment[im->kseg].bufsz--;
}

static void c_purgatory_byte(struct guest *g, struct img *im)
{
	flip(g, im->ki.start);
}

static void c_regs_rip(struct guest *g, struct img *im)
{
	pg_add(g, im, im->pg.regs + 128, 1);
}

/* The elfcorehdr's region left out: only from 6.4 (crash hotplug). */
static void c_region_elfcorehdr_left_out(struct guest *g, struct img *im)
{
	memmove(im->pg.buf + im->pg.regions, im->pg.buf + im->pg.regions + 16,
		32);
	memset(im->pg.buf + im->pg.regions + 32, 0, 16);
	img_put_purgatory(g, im);
}

/*
 * A fifth crash segment past the guest's memory: 2^20 + 1 segment pages in
 * all. Without the bound the first pass stepped through every page.
 */
static void c_pages_too_many(struct guest *g, struct img *im)
{
	im->ki.nr_segments = 5;
	im->ki.segment[4].buf = 0xffffc90000200000ULL;
	im->ki.segment[4].mem = 1ULL << 40;
	im->ki.segment[4].memsz = ((__u64)HEKI_VTL1_MAX_KEXEC_ENTRIES << 12) -
				  BP_MEMSZ - BP_MEMSZ -
				  im->ki.segment[im->pseg].memsz -
				  im->ki.segment[im->kseg].memsz + 4096;
}

/* Entries in a crash image: relocate_kernel would move pages at crash. */
static void c_entry_list(struct guest *g, struct img *im)
{
	im->ki.head = (KPAGES_PA + IND_OFF) | IND_IND;
}

/*
 * I3 for the kernel segment, independently of vtl1/src: relocate_kernel's
 * swap_pages as 6.1 runs it (arch/x86/kernel/relocate_kernel_64.S: flags
 * tested destination, indirection, done, source, anything else skipped;
 * each source swapped with its destination through the swap page) over
 * the list in guest memory. Destinations beyond the guest start with 0xa5,
 * bytes VTL0 chose. Returns 1 if the kernel segment then holds the payload
 * and zeros, 0 if not (or if the list never ends).
 */
static __u8 *replay_page(struct guest *g, const struct img *im,
			 __u8 **segbuf, __u64 pa)
{
	__u32 i;

	for (i = 0; i < im->ki.nr_segments; i++) {
		const struct heki_kexec_segment *s = &im->ki.segment[i];

		if (segbuf[i] && pa >= s->mem && pa - s->mem < s->memsz)
			return segbuf[i] + (pa - s->mem);
	}
	if (pa < GUEST_MEM_SIZE)
		return (__u8 *)g->mem + pa;
	return NULL;
}

static int replay_kernel_is_payload(struct guest *g, const struct img *im)
{
	__u8 *segbuf[KEXEC_SEGMENT_MAX] = { 0 }, swap[0x1000], *src, *dst;
	__u64 rcx = im->ki.head, rbx = 0, rdi = 0, len, memsz, steps, w;
	const __u8 *pl = payload(&len, &memsz);
	__u32 i, k = (__u32)im->kseg;
	int ok = 0;

	for (i = 0; i < im->ki.nr_segments; i++) {
		if (im->ki.segment[i].mem < GUEST_MEM_SIZE)
			continue;
		segbuf[i] = malloc(im->ki.segment[i].memsz);
		if (!segbuf[i])
			abort();
		memset(segbuf[i], 0xa5, im->ki.segment[i].memsz);
	}
	for (steps = 0; steps < (1ULL << 22); steps++) {
		if (rcx & IND_DEST) {
			rdi = rcx & ~0xfffULL;
		} else if (rcx & IND_IND) {
			rbx = rcx & ~0xfffULL;
		} else if (rcx & IND_DONE) {
			ok = 1;
			break;
		} else if (rcx & IND_SRC) {
			src = replay_page(g, im, segbuf, rcx & ~0xfffULL);
			dst = replay_page(g, im, segbuf, rdi);
			if (!src || !dst)
				break;
			memcpy(swap, src, sizeof(swap));
			memmove(src, dst, sizeof(swap));
			memcpy(dst, swap, sizeof(swap));
			rdi += 0x1000;
		}
		src = replay_page(g, im, segbuf, rbx);
		if (!src)
			break;
		memcpy(&w, src, sizeof(w));
		rcx = w;
		rbx += 8;
	}
	if (ok && segbuf[k]) {
		ok = !memcmp(segbuf[k], pl, len);
		for (w = len; ok && w < memsz; w++)
			ok = !segbuf[k][w];
	} else {
		ok = 0;
	}
	/* The purgatory segment: the model's buffer, then zeros. */
	for (w = 0; ok && w < im->pg.memsz; w++) {
		src = replay_page(g, im, segbuf,
				  im->ki.segment[im->pseg].mem + w);
		ok = src && *src == (w < im->pg.bufsz ? im->pg.buf[w] : 0);
	}
	for (i = 0; i < im->ki.nr_segments; i++)
		free(segbuf[i]);
	return ok;
}

/* The replay agrees with @want: 1 the payload, -1 other bytes. */
static void replay_check(struct guest *g, const struct img *im,
			 const char *name, int want)
{
	char nm2[160];
	int got = replay_kernel_is_payload(g, im) ? 1 : -1;

	snprintf(nm2, sizeof(nm2), "%s_6_1_swap_replay_kernel_%s", name,
		 want > 0 ? "and_purgatory_are_verified" : "is_not_payload");
	check_result(got == want, nm2, "replay %d", got);
}

/**
 * struct bind_case - one KexecValidate of a built image
 * @name: result name
 * @crash: crash kexec (a3 = 1)
 * @entries: changes the image before it is laid out (normal) or written
 * @pages: changes it after (normal only; may be NULL)
 * @want: expected error, 0 = accepted
 * @replay: the kernel segment relocate_kernel (6.1 swap) leaves: 1 the
 *	payload, -1 other bytes (the list is an attack), 0 not replayed
 */
struct bind_case {
	const char *name;
	int crash;
	void (*entries)(struct guest *g, struct img *im);
	void (*pages)(struct guest *g, struct img *im);
	int want;
	int replay;
};

#define E(x) HEKI_VSM_ERR_##x
static const struct bind_case bind_cases[] = {
	{ "bind_normal_debian_vmlinuz_accepted", 0, n_good, NULL, 0, 1 },
	{ "bind_crash_debian_vmlinuz_accepted", 1, c_good, NULL, 0 },
	{ "bind_source_own_destination_accepted", 0, n_source_own_destination,
	  NULL, 0, 1 },
	{ "finding3_source_page_reused_refused", 0, n_source_reused, NULL,
	  E(KEXEC_PAGE_REUSED), -1 },
	{ "finding3_source_is_indirection_page_refused", 0,
	  n_source_is_indirection, NULL, E(KEXEC_PAGE_REUSED), -1 },
	{ "bind_indirection_page_loops_refused", 0, n_good, p_loop,
	  E(KEXEC_PAGE_REUSED) },
	{ "bind_normal_kernel_byte_changed", 0, n_byte, NULL,
	  E(KEXEC_KERNEL_CONTENT_MISMATCH) },
	{ "bind_normal_kernel_tail_not_zero", 0, n_zero_tail, NULL,
	  E(KEXEC_KERNEL_CONTENT_MISMATCH) },
	{ "bind_crash_kernel_byte_changed", 1, c_byte, NULL,
	  E(KEXEC_KERNEL_CONTENT_MISMATCH) },
	{ "bind_crash_kernel_tail_not_zero", 1, c_zero_tail, NULL,
	  E(KEXEC_KERNEL_CONTENT_MISMATCH) },
	{ "bind_normal_kernel_segment_missing", 0, n_no_segment, NULL,
	  E(KEXEC_KERNEL_SEGMENT_MISSING) },
	{ "bind_crash_kernel_segment_missing", 1, c_no_segment, NULL,
	  E(KEXEC_KERNEL_SEGMENT_MISSING) },
	{ "bind_crash_entry_list_not_empty", 1, c_entry_list, NULL,
	  E(KEXEC_CRASH_ENTRY_LIST) },
	{ "bind_crash_segment_pages_above_2_20", 1, c_pages_too_many, NULL,
	  E(KEXEC_SEGMENT_LAYOUT_INVALID) },
	{ "bind_segments_overlap", 0, n_segments_overlap, NULL,
	  E(KEXEC_SEGMENT_LAYOUT_INVALID) },
	{ "bind_segment_not_page_aligned", 0, n_segment_unaligned, NULL,
	  E(KEXEC_SEGMENT_LAYOUT_INVALID) },
	{ "bind_source_page_outside_kexec_pages", 0, n_src_unprotected, NULL,
	  E(KEXEC_PAGE_NOT_PROTECTED) },
	{ "bind_indirection_page_outside_kexec_pages", 0, n_good,
	  p_ind_unprotected, E(KEXEC_PAGE_NOT_PROTECTED) },
	{ "bind_source_inside_a_segment", 0, n_src_in_segment, NULL,
	  E(KEXEC_ENTRY_OUTSIDE_SEGMENT) },
	{ "bind_destination_outside_segments", 0, n_dest_outside, NULL,
	  E(KEXEC_ENTRY_OUTSIDE_SEGMENT) },
	{ "bind_destination_not_segment_start", 0, n_dest_not_segment_start,
	  NULL, E(KEXEC_ENTRY_ORDER) },
	{ "bind_entry_after_last_segment", 0, n_entry_after_last_segment,
	  NULL, E(KEXEC_ENTRY_ORDER) },
	{ "bind_kernel_page_missing", 0, n_page_missing, NULL,
	  E(KEXEC_ENTRY_ORDER) },
	{ "bind_kernel_page_written_twice", 0, n_page_twice, NULL,
	  E(KEXEC_ENTRY_ORDER) },
	{ "bind_entry_misaligned", 0, n_misaligned, NULL,
	  E(KEXEC_ENTRY_INVALID) },
	{ "bind_entry_two_flags", 0, n_two_flags, NULL,
	  E(KEXEC_ENTRY_INVALID) },
	{ "bind_entry_zero", 0, n_zero_entry, NULL, E(KEXEC_ENTRY_INVALID) },
	{ "bind_entry_beyond_2_52", 0, n_beyond_2_52, NULL,
	  E(KEXEC_ENTRY_INVALID) },
	{ "bind_source_before_destination", 0, n_src_first, NULL,
	  E(KEXEC_ENTRY_INVALID) },
	{ "bind_head_not_indirection", 0, n_good, p_head_source,
	  E(KEXEC_ENTRY_INVALID) },
	{ "bind_link_not_in_last_slot", 0, n_good, p_link_not_last_slot,
	  E(KEXEC_ENTRY_INVALID) },
	{ "bind_last_slot_not_link_or_end", 0, n_good, p_last_slot_not_link,
	  E(KEXEC_ENTRY_INVALID) },
	{ "finding3_purgatory_chosen_by_vtl0_refused", 0, n_purgatory_chosen,
	  NULL, E(KEXEC_PURGATORY_MISMATCH) },
	{ "bind_purgatory_last_byte_changed", 0, n_purgatory_last_byte, NULL,
	  E(KEXEC_PURGATORY_MISMATCH) },
	{ "bind_purgatory_relocated_for_other_address", 0,
	  n_purgatory_other_address, NULL, E(KEXEC_PURGATORY_MISMATCH) },
	{ "bind_purgatory_rbx_off_by_one", 0, n_regs_rbx, NULL,
	  E(KEXEC_PURGATORY_MISMATCH) },
	{ "bind_purgatory_rsi_off_by_one", 0, n_regs_rsi, NULL,
	  E(KEXEC_PURGATORY_MISMATCH) },
	{ "bind_purgatory_rip_off_by_one", 0, n_regs_rip, NULL,
	  E(KEXEC_PURGATORY_MISMATCH) },
	{ "bind_purgatory_rsp_off_by_one", 0, n_regs_rsp, NULL,
	  E(KEXEC_PURGATORY_MISMATCH) },
	{ "bind_image_start_off_by_one", 0, n_start, NULL,
	  E(KEXEC_PURGATORY_SEGMENT_MISSING) },
	{ "bind_purgatory_bufsz_off_by_one", 0, n_purgatory_bufsz, NULL,
	  E(KEXEC_PURGATORY_SEGMENT_MISSING) },
	{ "bind_sha_region_start_off_by_one", 0, n_region_start, NULL,
	  E(KEXEC_PURGATORY_REGIONS_INVALID) },
	{ "bind_sha_region_len_off_by_one", 0, n_region_len, NULL,
	  E(KEXEC_PURGATORY_REGIONS_INVALID) },
	{ "bind_sha_region_kernel_left_out", 0, n_region_kernel_left_out,
	  NULL, E(KEXEC_PURGATORY_REGIONS_INVALID) },
	{ "bind_sha_region_purgatory_listed", 0, n_region_purgatory_listed,
	  NULL, E(KEXEC_PURGATORY_REGIONS_INVALID) },
	{ "bind_sha256_digest_off_by_one", 0, n_digest, NULL,
	  E(KEXEC_PURGATORY_DIGEST_MISMATCH) },
	{ "bind_boot_params_changed_after_digest", 0, n_boot_params_byte,
	  NULL, E(KEXEC_PURGATORY_DIGEST_MISMATCH) },
	{ "bind_crash_purgatory_byte_changed", 1, c_purgatory_byte, NULL,
	  E(KEXEC_PURGATORY_MISMATCH) },
	{ "bind_crash_purgatory_rip_off_by_one", 1, c_regs_rip, NULL,
	  E(KEXEC_PURGATORY_MISMATCH) },
	{ "bind_crash_elfcorehdr_region_left_out_6_1", 1,
	  c_region_elfcorehdr_left_out, NULL,
	  E(KEXEC_PURGATORY_REGIONS_INVALID) },
};
#undef E

static void bind_one(const struct bind_case *c)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[4];
	const char *ename;
	struct img im;
	__u32 n;
	__s64 ret;
	int ok;

	if (c->crash) {
		img_crash(g, &im);
		c->entries(g, &im);
		guest_write(g, KIMG_PA, &im.ki, sizeof(im.ki));
	} else {
		img_normal(g, &im, KPAGES_PA);
		c->entries(g, &im);
		img_write(g, &im, KPAGES_PA + IND_OFF);
		if (c->pages)
			c->pages(g, &im);
	}
	n = img_ranges(r, KPAGES_PA);
	ret = call_chain(g, KEXEC, r, n, c->crash);
	ename = heki_vsm_error_name(c->want);
	if (!c->want)
		ok = !ret && all_owned(g, KIMG_PA, KIMG_PA + 8,
				       c->crash ? HEKI_VTL1_OWNER_KEXEC_CRASH :
				       HEKI_VTL1_OWNER_KEXEC);
	else
		ok = ret == -heki_vsm_error_errno(c->want) && ename &&
		     strstr(g->last_log, ename) &&
		     (c->crash ? nothing_crash(g) : nothing_kexec(g));
	check_result(ok, c->name, "%lld %s", (long long)ret, logline(g));
	/* Last: the replay moves the guest's pages as relocate_kernel would. */
	if (c->replay)
		replay_check(g, &im, c->name, c->replay);
	img_free(&im);
	guest_free(g);
}

/*
 * LoadKData's kexec_purgatory: only from frames the kernel made read-only
 * before, inside one KernelData range, with a size of 1 to the limit;
 * without one, KexecValidate refuses; a provider without digest_chunks
 * too.
 */
static void purgatory_source(void)
{
	static const struct {
		const char *name;
		enum purg_mode mode;
		int want;
	} cases[] = {
		{ "kdata_purgatory_unprotected_refused", PURG_UNPROTECTED,
		  HEKI_VSM_ERR_KEXEC_PURGATORY_NOT_PROTECTED },
		{ "kdata_purgatory_size_zero_refused", PURG_SIZE_ZERO,
		  HEKI_VSM_ERR_KERNEL_INFO_EXT_PURGATORY },
		{ "kdata_purgatory_beyond_kernel_data_refused",
		  PURG_SIZE_BEYOND, HEKI_VSM_ERR_KERNEL_INFO_EXT_PURGATORY },
		{ "kdata_purgatory_outside_kernel_data_refused", PURG_OUTSIDE,
		  HEKI_VSM_ERR_KERNEL_INFO_EXT_PURGATORY },
	};
	struct heki_range r[3];
	struct guest *g;
	unsigned int i;
	__s64 ret;

	for (i = 0; i < HEKI_ARRAY_SIZE(cases); i++) {
		g = guest_setup(&at.signer, cases[i].mode, &ret);
		check_result(ret == -heki_vsm_error_errno(cases[i].want) &&
			     strstr(g->last_log,
				    heki_vsm_error_name(cases[i].want)) &&
			     !g->v->kdata_loaded && !g->v->kexec_purgatory,
			     cases[i].name, "%lld %s", (long long)ret,
			     logline(g));
		guest_free(g);
	}

	g = guest_setup(&at.signer, PURG_NONE, &ret);
	if (!ret)
		ret = call_chain(g, KEXEC, r, ranges(g, r, KPAGES_PA), 0);
	check_result(ret == -HEKI_ENOENT &&
		     strstr(g->last_log, "KEXEC_PURGATORY_UNKNOWN") &&
		     nothing_kexec(g),
		     "kexec_without_kernel_purgatory_refused", "%lld %s",
		     (long long)ret, logline(g));
	guest_free(g);

	g = guest_with(&at.signer);
	g->crypto.digest_chunks = NULL;
	ret = call_chain(g, KEXEC, r, ranges(g, r, KPAGES_PA), 0);
	check_result(ret == -HEKI_ENOPKG &&
		     strstr(g->last_log, "KEXEC_DIGEST_UNAVAILABLE") &&
		     nothing_kexec(g),
		     "kexec_provider_without_digest_chunks_refused", "%lld %s",
		     (long long)ret, logline(g));
	guest_free(g);
}

/* Refused, then unloaded: every frame is released. */
static void bind_release(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[3];
	__s64 r1, r2;

	r1 = call_chain(g, KEXEC, r, ranges(g, r, KPAGES_PA), 0);
	r2 = guest_call(g, KEXEC, 0, 0, 0);
	check_result(!r1 && !r2 && nothing_kexec(g) &&
		 g->prot[(KPAGES_PA + IND_OFF) >> HEKI_PAGE_SHIFT] ==
		 released(),
		 "bind_normal_accepted_then_invalidated_releases_pages",
		 "%lld %lld", (long long)r1, (long long)r2);
	guest_free(g);
}

static void test_kexec_bind(void)
{
	unsigned int i;

	P = &at_providers[0];
	for (i = 0; i < HEKI_ARRAY_SIZE(bind_cases); i++)
		bind_one(&bind_cases[i]);
	bind_release();
	purgatory_source();
}

void test_kexec(void)
{
	unsigned int i;

	for (i = 0; i < at_nr_providers; i++) {
		P = &at_providers[i];
		accepted();
		accepted_split_blob();
		refused();
		replaced();
		fragmented_second_image();
		crash();
	}
	P = &at_providers[0];
	replay_fails();
	test_kexec_bind();
	/* The oracle replayed accepted images (normal and crash) above. */
	check_result(replays > 0, "kexec_oracle_replayed_accepted_images",
		     "%lu replays", replays);
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kexec_bind.c - KexecValidate: what runs after the kexec jump up to the
 * new kernel's entry point is the verified kernel blob and the purgatory
 * the running kernel carries, relocated as its own loader relocates it.
 *
 * Linux's x86 bzImage64 kexec_file loader (kexec-bzimage64.c, the same in
 * 6.1, 6.12 and 7.2) adds, in this order: the purgatory (purgatory.h), a
 * boot_params segment, the kernel (the file from byte (setup_sects + 1) *
 * 512 to its end, in a segment of init_size bytes, page aligned, the rest
 * zero) and the initrd; crash images have their elfcorehdr (and 7.2 its
 * dm-crypt keys) first. relocate_kernel jumps to image->start, the
 * purgatory's purgatory_start; the purgatory checks the SHA-256 of the
 * segments listed in purgatory_sha_regions against purgatory_sha256_digest
 * and jumps to entry64_regs.rip, the kernel segment + 0x200, with rsi the
 * boot_params segment and rsp its own stack_end.
 *
 * VTL1 reads every page those segments will hold when relocate_kernel has
 * run (kexec_walk.c: in place for a crash image, the entry list's source
 * pages for a normal one) and requires:
 *
 *  - the kernel segment: the first segment with the payload's size and
 *    memory size; its pages the payload, then zeros;
 *  - the purgatory segment: the segment whose size and alignment are the
 *    purgatory's and with image->start at its purgatory_start; its pages
 *    the purgatory built for its address (heki_purgatory_load()) with
 *    entry64_regs rbx 0, rsi the next segment, rip the kernel + 0x200 and
 *    rsp stack_end, then zeros (.bss);
 *  - purgatory_sha_regions: the segments in kimage order, each whole,
 *    the purgatory's left out; from Linux 6.4 data segments before the
 *    purgatory may be left out too (6.5's crash hotplug leaves out the
 *    elfcorehdr, the IMA buffer is left out too); never the kernel or
 *    boot_params segment;
 *  - purgatory_sha256_digest: the SHA-256 of the regions' pages (a second
 *    pass, read again from frames VTL1 has held read-only since before the
 *    first; the walk repeats every check, so a difference fails closed).
 *
 * Every value comes from VTL0: it is checked before it is used, and no
 * allocation is sized by anything but constants, the verified purgatory's
 * size and the chain's (already bounded) range count.
 */
#include "core/core.h"
#include "kdata/kdata.h"
#include "kexec_bind.h"
#include "kimage.h"
#include "kexec_walk.h"
#include "purgatory.h"

/* bzImage setup header (Documentation/x86/boot.rst). */
#define BZ_SETUP_SECTS		0x1f1
#define BZ_MAGIC		0x202
#define BZ_VERSION		0x206
#define BZ_INIT_SIZE		0x260
#define BZ_MIN_VERSION		0x020a	/* init_size exists since 2.10 */
#define BZ_SECTOR		512

#define PAGE_MASK_LO		(HEKI_PAGE_SIZE - 1)

/**
 * struct bind_kernel - the kernel segment as the loader builds it
 * @data: the payload, inside the verified blob
 * @len: payload bytes (the segment's bufsz)
 * @memsz: init_size, page aligned (the segment's memsz)
 * @seg: index of the segment found
 */
struct bind_kernel {
	const __u8 *data;
	__u64 len;
	__u64 memsz;
	__u32 seg;
};

static int bz_payload(const struct vtl1_buf *blob, struct bind_kernel *k)
{
	__u64 off, init;
	__u32 sects;

	if (blob->len < BZ_INIT_SIZE + 4 ||
	    memcmp(blob->data + BZ_MAGIC, "HdrS", 4) ||
	    heki_le16(blob->data + BZ_VERSION) < BZ_MIN_VERSION)
		return -HEKI_VSM_ERR_KEXEC_KERNEL_NOT_BZIMAGE;
	sects = blob->data[BZ_SETUP_SECTS];
	if (!sects)
		sects = 4;
	off = (__u64)(sects + 1) * BZ_SECTOR;
	init = heki_le32(blob->data + BZ_INIT_SIZE);
	/* u32 + page: no overflow. */
	init = (init + PAGE_MASK_LO) & ~PAGE_MASK_LO;
	if (off >= blob->len || blob->len - off > init)
		return -HEKI_VSM_ERR_KEXEC_KERNEL_NOT_BZIMAGE;
	k->data = blob->data + off;
	k->len = blob->len - off;
	k->memsz = init;
	return 0;
}

/* The first segment with the payload's size and memory size. */
static int find_kernel(const struct heki_kimage_segments *s,
		       struct bind_kernel *k)
{
	__u32 i;

	for (i = 0; i < s->nr; i++) {
		if (s->seg[i].bufsz == k->len &&
		    s->seg[i].epa - s->seg[i].pa == k->memsz) {
			k->seg = i;
			return 0;
		}
	}
	return -HEKI_VSM_ERR_KEXEC_KERNEL_SEGMENT_MISSING;
}

/* Compare @page with page @idx of the kernel segment's final contents. */
static int kernel_page_ok(const struct bind_kernel *k, __u64 idx,
			  const __u8 *page)
{
	__u64 off = idx * HEKI_PAGE_SIZE, n = 0, i;

	if (off < k->len) {
		n = k->len - off;
		if (n > HEKI_PAGE_SIZE)
			n = HEKI_PAGE_SIZE;
		if (memcmp(page, k->data + off, n))
			return 0;
	}
	for (i = n; i < HEKI_PAGE_SIZE; i++)
		if (page[i])
			return 0;
	return 1;
}

/**
 * struct bind_purgatory - the purgatory segment VTL1 expects
 * @p: the parsed ELF
 * @seg: index of its segment
 * @buf: the buffer the loader writes for it (@p.bufsz bytes)
 * @regions: purgatory_sha_regions as the pages hold it
 * @digest: purgatory_sha256_digest as the pages hold it
 */
struct bind_purgatory {
	struct heki_purgatory p;
	__u32 seg;
	__u8 *buf;
	__u8 regions[HEKI_PURGATORY_REGIONS_SIZE];
	__u8 digest[HEKI_PURGATORY_DIGEST_SIZE];
};

static void put64(__u8 *b, __u64 v)
{
	__u32 i;

	for (i = 0; i < 8; i++)
		b[i] = (__u8)(v >> (8 * i));
}

/*
 * The purgatory segment: the purgatory's bufsz and memsz, an address the
 * loader could pick (buf_align) and image->start at purgatory_start; and
 * after it the boot_params segment entry64_regs.rsi names, not the
 * kernel's. Then the buffer kexec_load_purgatory() and bzImage64_load()
 * make for it.
 */
static int find_purgatory(struct heki_vtl1 *v,
			  const struct heki_kimage_segments *s, __u64 start,
			  const struct bind_kernel *k, struct bind_purgatory *pg)
{
	const struct heki_kexec_range *r = NULL;
	__u32 i;
	int ret;

	if (!v->kexec_purgatory)
		return -HEKI_VSM_ERR_KEXEC_PURGATORY_UNKNOWN;
	ret = heki_purgatory_parse(v->kexec_purgatory, v->kexec_purgatory_len,
				   &pg->p);
	if (ret)
		return ret;
	for (i = 0; i < s->nr; i++) {
		r = &s->seg[i];
		if (i != k->seg && r->bufsz == pg->p.bufsz &&
		    r->epa - r->pa == pg->p.memsz &&
		    !(r->pa & (pg->p.buf_align - 1)) &&
		    start == r->pa + pg->p.entry)
			break;
	}
	if (!r || i == s->nr || i + 1 >= s->nr || i + 1 == k->seg)
		return -HEKI_VSM_ERR_KEXEC_PURGATORY_SEGMENT_MISSING;
	pg->seg = i;
	pg->buf = vtl1_alloc(v, pg->p.bufsz);
	if (!pg->buf)
		return -HEKI_VSM_ERR_NO_MEMORY;
	ret = heki_purgatory_load(&pg->p, r->pa, pg->buf);
	if (ret)
		return ret;
	/* bzImage64_load(): the registers purgatory's entry64 loads. */
	put64(pg->buf + pg->p.regs + HEKI_PURGATORY_REGS_RBX, 0);
	put64(pg->buf + pg->p.regs + HEKI_PURGATORY_REGS_RSI, s->seg[i + 1].pa);
	put64(pg->buf + pg->p.regs + HEKI_PURGATORY_REGS_RIP,
	      s->seg[k->seg].pa + HEKI_PURGATORY_KERNEL_ENTRY);
	put64(pg->buf + pg->p.regs + HEKI_PURGATORY_REGS_RSP,
	      r->pa + pg->p.stack_end);
	return 0;
}

/* Bytes [@a, @a + @alen) and [@b, @b + @blen) of a segment: the overlap. */
static void hole(__u64 a, __u64 alen, __u64 b, __u64 blen, __u64 *lo,
		 __u64 *hi)
{
	*lo = a > b ? a : b;
	*hi = a + alen < b + blen ? a + alen : b + blen;
}

/*
 * Page @idx of the purgatory segment, as the pages hold it in @page: the
 * expected buffer (zeros after it), except the two digest symbols, whose
 * bytes are kept for check_regions() and the digest.
 */
static int purgatory_page_ok(struct bind_purgatory *pg, __u64 idx, __u8 *page,
			     __u8 *want)
{
	const __u64 off = idx * HEKI_PAGE_SIZE;
	const struct {
		__u64 at, len;
		__u8 *keep;
	} holes[] = {
		{ pg->p.regions, HEKI_PURGATORY_REGIONS_SIZE, pg->regions },
		{ pg->p.digest, HEKI_PURGATORY_DIGEST_SIZE, pg->digest },
	};
	__u64 n = 0, lo, hi;
	__u32 i;

	memset(want, 0, HEKI_PAGE_SIZE);
	if (off < pg->p.bufsz) {
		n = pg->p.bufsz - off;
		if (n > HEKI_PAGE_SIZE)
			n = HEKI_PAGE_SIZE;
		memcpy(want, pg->buf + off, n);
	}
	for (i = 0; i < ARRAY_SIZE(holes); i++) {
		hole(holes[i].at, holes[i].len, off, HEKI_PAGE_SIZE, &lo, &hi);
		if (lo >= hi)
			continue;
		memcpy(holes[i].keep + (lo - holes[i].at), page + (lo - off),
		       hi - lo);
		memcpy(page + (lo - off), want + (lo - off), hi - lo);
	}
	return !memcmp(page, want, HEKI_PAGE_SIZE);
}

/**
 * struct bind_pass - one pass over the segments' pages
 * @w: the walk
 * @k: the kernel segment
 * @pg: the purgatory segment
 * @hashed: per segment: listed in purgatory_sha_regions (second pass)
 * @buf: one page
 * @want: the expected purgatory page
 */
struct bind_pass {
	struct kx_walk w;
	const struct bind_kernel *k;
	struct bind_purgatory *pg;
	__u8 hashed[KEXEC_SEGMENT_MAX];
	__u8 *buf;
	__u8 *want;
};

/*
 * The first pass: the walk's checks on every page, the kernel's and the
 * purgatory's pages read and compared.
 */
static int check_pages(struct bind_pass *b)
{
	__u64 src, page;
	__u32 seg;
	int ret;

	for (;;) {
		ret = kx_walk_next(&b->w, &src, &seg, &page);
		if (ret <= 0)
			return ret;
		if (seg != b->k->seg && seg != b->pg->seg)
			continue;
		ret = vtl1_copy_from(b->w.v, b->buf, src, HEKI_PAGE_SIZE);
		if (ret)
			return ret;
		if (seg == b->k->seg && !kernel_page_ok(b->k, page, b->buf))
			return -HEKI_VSM_ERR_KEXEC_KERNEL_CONTENT_MISMATCH;
		if (seg == b->pg->seg &&
		    !purgatory_page_ok(b->pg, page, b->buf, b->want))
			return -HEKI_VSM_ERR_KEXEC_PURGATORY_MISMATCH;
	}
}

/*
 * purgatory_sha_regions as kexec_calculate_store_digests() fills it: one
 * { mem, memsz } per segment in kimage order but the purgatory's, then
 * zeros. From 6.4 a data segment before the purgatory may be missing
 * (at most two: the elfcorehdr of crash hotplug, the IMA buffer).
 */
static int check_regions(struct bind_pass *b, __u32 version)
{
	const struct heki_kimage_segments *s = b->w.segs;
	const __u8 *r = b->pg->regions;
	__u32 i, j = 0, left_out = 0;

	for (i = 0; i < s->nr; i++) {
		if (i == b->pg->seg)
			continue;
		if (heki_le64(r + j * HEKI_PURGATORY_REGION_SIZE) == s->seg[i].pa &&
		    heki_le64(r + j * HEKI_PURGATORY_REGION_SIZE + 8) ==
		    s->seg[i].epa - s->seg[i].pa) {
			b->hashed[i] = 1;
			j++;
			continue;
		}
		if (version < HEKI_LINUX_VERSION_6_4 || i > b->pg->seg ||
		    i == b->k->seg || ++left_out > 2)
			return -HEKI_VSM_ERR_KEXEC_PURGATORY_REGIONS_INVALID;
	}
	/* Fewer than KEXEC_SEGMENT_MAX regions: the purgatory has none. */
	for (j *= HEKI_PURGATORY_REGION_SIZE; j < HEKI_PURGATORY_REGIONS_SIZE; j++)
		if (r[j])
			return -HEKI_VSM_ERR_KEXEC_PURGATORY_REGIONS_INVALID;
	return 0;
}

/* digest_chunks' source: every page of the regions, in order. */
static int next_region_page(void *arg, const __u8 **data, __u64 *len)
{
	struct bind_pass *b = arg;
	const struct bind_kernel *k = b->k;
	__u64 src, page, off, n;
	__u32 seg;
	int ret;

	do {
		ret = kx_walk_next(&b->w, &src, &seg, &page);
		if (ret <= 0)
			return ret;
	} while (!b->hashed[seg]);
	if (seg == k->seg) {
		/* Checked equal to the payload in the first pass. */
		memset(b->buf, 0, HEKI_PAGE_SIZE);
		off = page * HEKI_PAGE_SIZE;
		if (off < k->len) {
			n = k->len - off < HEKI_PAGE_SIZE ? k->len - off :
			    HEKI_PAGE_SIZE;
			memcpy(b->buf, k->data + off, n);
		}
	} else {
		ret = vtl1_copy_from(b->w.v, b->buf, src, HEKI_PAGE_SIZE);
		if (ret)
			return ret;
	}
	*data = b->buf;
	*len = HEKI_PAGE_SIZE;
	return 1;
}

static int check_digest(struct heki_vtl1 *v,
			const struct heki_kimage_segments *segs,
			struct kx_pages *pages, int crash, struct bind_pass *b)
{
	const struct heki_vtl1_crypto *c = v->p.crypto;
	__u8 md[HEKI_PURGATORY_DIGEST_SIZE];
	int ret;

	if (!c->digest_chunks)
		return -HEKI_VSM_ERR_KEXEC_DIGEST_UNAVAILABLE;
	ret = kx_walk_start(&b->w, v, segs, pages, crash);
	if (!ret)
		ret = c->digest_chunks(c->ctx, HEKI_VTL1_HASH_SHA256,
				       next_region_page, b, md, sizeof(md));
	kx_walk_end(&b->w);
	if (ret < 0)
		return ret;
	if (ret != HEKI_PURGATORY_DIGEST_SIZE)
		return -HEKI_VSM_ERR_CRYPTO_DIGEST_FAILED;
	return memcmp(md, b->pg->digest, sizeof(md)) ?
	       -HEKI_VSM_ERR_KEXEC_PURGATORY_DIGEST_MISMATCH : 0;
}

static int bind_pages(struct heki_vtl1 *v,
		      const struct heki_kimage_segments *segs,
		      struct kx_pages *pages, int crash,
		      const struct bind_kernel *k, struct bind_purgatory *pg)
{
	struct bind_pass *b;
	int ret;

	b = vtl1_alloc(v, sizeof(*b));
	if (!b)
		return -HEKI_VSM_ERR_NO_MEMORY;
	memset(b, 0, sizeof(*b));
	b->k = k;
	b->pg = pg;
	b->buf = vtl1_alloc(v, HEKI_PAGE_SIZE);
	b->want = vtl1_alloc(v, HEKI_PAGE_SIZE);
	ret = b->buf && b->want ? 0 : -HEKI_VSM_ERR_NO_MEMORY;
	if (!ret)
		ret = kx_walk_start(&b->w, v, segs, pages, crash);
	if (!ret)
		ret = check_pages(b);
	kx_walk_end(&b->w);
	if (!ret)
		ret = check_regions(b, v->kext ? v->kext->linux_version : 0);
	if (!ret)
		ret = check_digest(v, segs, pages, crash, b);
	vtl1_free(v, b->want);
	vtl1_free(v, b->buf);
	vtl1_free(v, b);
	return ret;
}

/**
 * heki_kexec_bind() - require the kimage to run the verified kernel blob
 *	through the running kernel's purgatory
 * @v: instance
 * @c: the call's chain (KexecPages ranges are the protected pages)
 * @image: VTL1 copy of the KexecImage ranges (struct heki_kimage prefix)
 * @blob: VTL1 copy of the kernel blob, Authenticode-verified
 * @crash: non-zero for a crash kexec (segments at their destination)
 *
 * Called after every range of @c, and for crash every segment, is
 * read-only to VTL0. Errors, in order: the kimage (heki_kimage_parse());
 * KEXEC_SEGMENT_LAYOUT_INVALID; KEXEC_KERNEL_NOT_BZIMAGE;
 * KEXEC_KERNEL_SEGMENT_MISSING; KEXEC_PURGATORY_UNKNOWN,
 * KEXEC_PURGATORY_INVALID, KEXEC_PURGATORY_SEGMENT_MISSING;
 * KEXEC_PAGES_TOO_MANY; then, page by page, the walk's (kx_walk_next();
 * a crash image's list must be empty, KEXEC_CRASH_ENTRY_LIST),
 * KEXEC_KERNEL_CONTENT_MISMATCH and KEXEC_PURGATORY_MISMATCH; then
 * KEXEC_PURGATORY_REGIONS_INVALID, KEXEC_DIGEST_UNAVAILABLE and
 * KEXEC_PURGATORY_DIGEST_MISMATCH.
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_kexec_bind(struct heki_vtl1 *v, const struct vtl1_chain *c,
		    const struct vtl1_buf *image, const struct vtl1_buf *blob,
		    int crash)
{
	struct heki_kimage_segments *segs;
	struct bind_purgatory *pg;
	struct bind_kernel k = { 0 };
	struct kx_pages pages = { 0 };
	int ret;

	segs = vtl1_alloc(v, sizeof(*segs));
	pg = vtl1_alloc(v, sizeof(*pg));
	if (!segs || !pg) {
		ret = -HEKI_VSM_ERR_NO_MEMORY;
		goto out;
	}
	memset(pg, 0, sizeof(*pg));
	ret = heki_kimage_parse(image->data, image->len, segs);
	if (!ret)
		ret = kx_segments_check(segs);
	if (!ret)
		ret = bz_payload(blob, &k);
	if (!ret)
		ret = find_kernel(segs, &k);
	if (!ret)
		ret = find_purgatory(v, segs, segs->start, &k, pg);
	if (!ret && !crash)
		ret = kx_pages_build(v, c, &pages);
	if (!ret)
		ret = bind_pages(v, segs, &pages, crash, &k, pg);
out:
	kx_pages_free(v, &pages);
	if (pg)
		vtl1_free(v, pg->buf);
	vtl1_free(v, pg);
	vtl1_free(v, segs);
	return ret;
}

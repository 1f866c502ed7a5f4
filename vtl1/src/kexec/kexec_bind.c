// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kexec_bind.c - KexecValidate: the kernel the kimage will boot is the
 * verified kernel blob.
 *
 * Linux's x86 bzImage64 kexec_file loader (kexec-bzimage64.c, the same in
 * 6.1, 6.12 and 7.2) adds the kernel as one segment whose buffer is the
 * file from byte (setup_sects + 1) * 512 to its end and whose memory size
 * is the setup header's init_size, page aligned; the rest of the segment
 * is zero. Once the blob has verified, the first segment with exactly
 * that size and memory size is found in the kimage copy, and the bytes
 * every one of its pages will hold when relocate_kernel has run are
 * compared with the blob. kexec_walk.c yields, page by page, where those
 * bytes are: for a crash image the page itself (copied there at load
 * time, protected), for a normal image the source page of the entry list,
 * which must be the list the loader builds, each source and indirection
 * page used once (relocate_kernel swaps pages before 6.15: a source used
 * twice would carry another destination's old bytes the second time,
 * issue 10 finding 3).
 *
 * Every value comes from VTL0: it is checked before it is used, and no
 * allocation is sized by anything but constants and the chain's (already
 * bounded) range count.
 *
 * Not bound yet: the purgatory segment (relocate_kernel jumps to
 * image->start in it, and it jumps to the kernel), the boot_params and
 * initrd segments; see Documentation/vtl1.rst.
 */
#include "core/core.h"
#include "kexec_bind.h"
#include "kimage.h"
#include "kexec_walk.h"

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

/*
 * Every page of the kernel segment, from where relocate_kernel will take
 * it; the walk checks the whole list (every segment's pages) on the way.
 */
static int bind_pages(struct heki_vtl1 *v,
		      const struct heki_kimage_segments *segs,
		      struct kx_pages *pages, int crash,
		      const struct bind_kernel *k)
{
	struct kx_walk w;
	__u64 src, page;
	__u8 *buf;
	__u32 seg;
	int ret;

	buf = vtl1_alloc(v, HEKI_PAGE_SIZE);
	if (!buf)
		return -HEKI_VSM_ERR_NO_MEMORY;
	ret = kx_walk_start(&w, v, segs, pages, crash);
	while (!ret) {
		ret = kx_walk_next(&w, &src, &seg, &page);
		if (ret <= 0)
			break;
		ret = 0;
		if (seg != k->seg)
			continue;
		ret = vtl1_copy_from(v, buf, src, HEKI_PAGE_SIZE);
		if (!ret && !kernel_page_ok(k, page, buf))
			ret = -HEKI_VSM_ERR_KEXEC_KERNEL_CONTENT_MISMATCH;
	}
	kx_walk_end(&w);
	vtl1_free(v, buf);
	return ret;
}

/**
 * heki_kexec_bind() - require the kimage to boot the verified kernel blob
 * @v: instance
 * @c: the call's chain (KexecPages ranges are the protected pages)
 * @image: VTL1 copy of the KexecImage ranges (struct heki_kimage prefix)
 * @blob: VTL1 copy of the kernel blob, Authenticode-verified
 * @crash: non-zero for a crash kexec (segments at their destination)
 *
 * Called after every range of @c, and for crash every segment, is
 * read-only to VTL0. Errors, in order: the kimage (heki_kimage_parse());
 * KEXEC_SEGMENT_LAYOUT_INVALID; KEXEC_KERNEL_NOT_BZIMAGE;
 * KEXEC_KERNEL_SEGMENT_MISSING; KEXEC_PAGES_TOO_MANY (normal); then, page
 * by page in list order, the walk's (kx_walk_next(); a crash image's
 * list must be empty, KEXEC_CRASH_ENTRY_LIST) and
 * KEXEC_KERNEL_CONTENT_MISMATCH.
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_kexec_bind(struct heki_vtl1 *v, const struct vtl1_chain *c,
		    const struct vtl1_buf *image, const struct vtl1_buf *blob,
		    int crash)
{
	struct heki_kimage_segments *segs;
	struct bind_kernel k = { 0 };
	struct kx_pages pages = { 0 };
	int ret;

	segs = vtl1_alloc(v, sizeof(*segs));
	if (!segs)
		return -HEKI_VSM_ERR_NO_MEMORY;
	ret = heki_kimage_parse(image->data, image->len, segs);
	if (!ret)
		ret = kx_segments_check(segs);
	if (!ret)
		ret = bz_payload(blob, &k);
	if (!ret)
		ret = find_kernel(segs, &k);
	if (!ret && !crash)
		ret = kx_pages_build(v, c, &pages);
	if (!ret)
		ret = bind_pages(v, segs, &pages, crash, &k);
	kx_pages_free(v, &pages);
	vtl1_free(v, segs);
	return ret;
}

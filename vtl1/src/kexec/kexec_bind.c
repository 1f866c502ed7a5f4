// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kexec_bind.c - KexecValidate: the kernel the kimage will boot is the
 * verified kernel blob.
 *
 * Linux 6.1's x86 bzImage64 kexec_file loader (kexec-bzimage64.c) adds
 * the kernel as one segment whose buffer is the file from byte
 * (setup_sects + 1) * 512 to its end and whose memory size is the setup
 * header's init_size, page aligned; the rest of the segment is zero.
 * Once the blob has verified, the segment with exactly that size and
 * memory size is found in the kimage copy and its future contents are
 * compared with the blob:
 *
 *  - crash: the segments were copied to their physical destinations at
 *    load time; they are protected, so they are read where they are;
 *  - normal: the pages are copied by relocate_kernel at kexec time from
 *    the entry list (IND_DESTINATION / IND_SOURCE / IND_INDIRECTION /
 *    IND_DONE). The list is walked, bounded, from the kimage's head; every
 *    indirection and source page must lie in a KexecPages range (those
 *    are protected), the layout rules kimage_alloc_page() guarantees are
 *    required (destinations inside segments, sources and indirection
 *    pages outside every segment unless a source is its own destination,
 *    so relocation cannot overwrite a page before it is read), and each
 *    kernel page must be written exactly once with the blob's bytes.
 *
 * Every value comes from VTL0: it is checked before it is used, and no
 * allocation is sized by anything but the verified blob's init_size and
 * the chain's (already bounded) range count.
 */
#include "kexec_bind.h"
#include "kimage.h"
#include "core/core.h"

/* bzImage setup header (Documentation/x86/boot.rst). */
#define BZ_SETUP_SECTS		0x1f1
#define BZ_MAGIC		0x202
#define BZ_VERSION		0x206
#define BZ_INIT_SIZE		0x260
#define BZ_MIN_VERSION		0x020a	/* init_size exists since 2.10 */
#define BZ_SECTOR		512

#define PAGE_MASK_LO		(HEKI_PAGE_SIZE - 1)
#define IND_FLAGS		0xfffULL

/**
 * struct bind_kernel - the kernel segment as the loader builds it
 * @data: the payload, inside the verified blob
 * @len: payload bytes (the segment's bufsz)
 * @memsz: init_size, page aligned (the segment's memsz)
 * @pa: destination of the segment found
 * @seen: one bit per page of @memsz (normal kexec)
 */
struct bind_kernel {
	const __u8 *data;
	__u64 len;
	__u64 memsz;
	__u64 pa;
	__u8 *seen;
};

/* A run of protected frames [lo, hi). */
struct bind_run {
	__u64 lo;
	__u64 hi;
};

/**
 * struct bind_ctx - state of one entry-list walk
 * @runs: KexecPages frames, sorted and merged
 * @nruns: entries in @runs
 * @segs: the kimage's segments
 * @k: the kernel segment
 * @page: one source page at a time
 * @ind: the current indirection page's entries
 */
struct bind_ctx {
	struct bind_run *runs;
	__u32 nruns;
	const struct heki_kimage_segments *segs;
	struct bind_kernel *k;
	__u8 *page;
	__u64 *ind;
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
		    s->seg[i].epa - s->seg[i].pa == k->memsz &&
		    !(s->seg[i].pa & PAGE_MASK_LO)) {
			k->pa = s->seg[i].pa;
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

static int bind_crash(struct heki_vtl1 *v, const struct bind_kernel *k,
		      __u8 *page)
{
	__u64 idx;
	int ret;

	for (idx = 0; idx < k->memsz / HEKI_PAGE_SIZE; idx++) {
		ret = vtl1_copy_from(v, page, k->pa + idx * HEKI_PAGE_SIZE,
				     HEKI_PAGE_SIZE);
		if (ret)
			return ret;
		if (!kernel_page_ok(k, idx, page))
			return -HEKI_VSM_ERR_KEXEC_KERNEL_CONTENT_MISMATCH;
	}
	return 0;
}

static int run_cmp(const void *a, const void *b)
{
	const struct bind_run *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* KexecPages ranges as sorted, merged runs of whole frames. */
static int build_runs(struct heki_vtl1 *v, const struct vtl1_chain *c,
		      struct bind_ctx *b)
{
	__u32 i, n = 0, m = 0;

	for (i = 0; i < c->n; i++)
		n += c->r[i].attributes == HEKI_KEXEC_PAGES_VALUE &&
		     c->r[i].epa > c->r[i].pa;
	if (!n)
		return 0;
	b->runs = vtl1_alloc_array(v, n, sizeof(*b->runs));
	if (!b->runs)
		return -HEKI_VSM_ERR_NO_MEMORY;
	for (i = 0; i < c->n; i++) {
		if (c->r[i].attributes != HEKI_KEXEC_PAGES_VALUE ||
		    c->r[i].epa <= c->r[i].pa)
			continue;
		/* The chain walk bounded epa below 2^52: no overflow. */
		b->runs[m].lo = c->r[i].pa >> HEKI_PAGE_SHIFT;
		b->runs[m].hi = (c->r[i].epa + PAGE_MASK_LO) >> HEKI_PAGE_SHIFT;
		m++;
	}
	vtl1_sort(b->runs, m, sizeof(*b->runs), run_cmp);
	for (i = 1, n = 0; i < m; i++) {
		if (b->runs[i].lo <= b->runs[n].hi) {
			if (b->runs[i].hi > b->runs[n].hi)
				b->runs[n].hi = b->runs[i].hi;
		} else {
			b->runs[++n] = b->runs[i];
		}
	}
	b->nruns = n + 1;
	return 0;
}

/* Frame of @pa inside a KexecPages run (binary search). */
static int protected_page(const struct bind_ctx *b, __u64 pa)
{
	__u64 pfn = pa >> HEKI_PAGE_SHIFT;
	__u32 lo = 0, hi = b->nruns;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (b->runs[mid].hi <= pfn)
			lo = mid + 1;
		else if (b->runs[mid].lo > pfn)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

static int in_segment(const struct heki_kimage_segments *s, __u64 pa)
{
	__u32 i;

	for (i = 0; i < s->nr; i++)
		if (pa >= s->seg[i].pa && pa < s->seg[i].epa)
			return 1;
	return 0;
}

/* One IND_SOURCE entry: @src is copied to @dst at kexec time. */
static int bind_source(struct heki_vtl1 *v, struct bind_ctx *b, __u64 src,
		       __u64 dst)
{
	struct bind_kernel *k = b->k;
	__u64 idx;
	int ret;

	if (!protected_page(b, src))
		return -HEKI_VSM_ERR_KEXEC_PAGE_NOT_PROTECTED;
	if (!in_segment(b->segs, dst) ||
	    (src != dst && in_segment(b->segs, src)))
		return -HEKI_VSM_ERR_KEXEC_ENTRY_OUTSIDE_SEGMENT;
	if (dst < k->pa || dst - k->pa >= k->memsz)
		return 0;
	idx = (dst - k->pa) >> HEKI_PAGE_SHIFT;
	if (k->seen[idx / 8] & (1U << (idx % 8)))
		return -HEKI_VSM_ERR_KEXEC_KERNEL_PAGE_DUPLICATE;
	k->seen[idx / 8] |= 1U << (idx % 8);
	ret = vtl1_copy_from(v, b->page, src, HEKI_PAGE_SIZE);
	if (ret)
		return ret;
	return kernel_page_ok(k, idx, b->page) ? 0 :
		-HEKI_VSM_ERR_KEXEC_KERNEL_CONTENT_MISMATCH;
}

/*
 * Walk the entry list from @head. The head is one entry on its own (in
 * struct kimage); every other entry is in an indirection page, whose
 * last slot can only link to the next page or end the list.
 */
static int walk_entries(struct heki_vtl1 *v, struct bind_ctx *b, __u64 head)
{
	__u64 *ind = b->ind, dst = 0, e, addr;
	__u32 entries = 0, pages = 0, slot = 0, in_page = 0;
	int have_dst = 0, ret;

	e = head;
	for (;;) {
		if (++entries > HEKI_VTL1_MAX_KEXEC_ENTRIES)
			return -HEKI_VSM_ERR_KEXEC_ENTRY_LIST_TOO_LONG;
		addr = e & ~IND_FLAGS;
		if (addr >= VTL1_PA_LIMIT)
			return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
		switch (e & IND_FLAGS) {
		case HEKI_KEXEC_IND_DONE:
			if (addr)
				return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
			return 0;
		case HEKI_KEXEC_IND_INDIRECTION:
			if (++pages > HEKI_VTL1_MAX_KEXEC_IND_PAGES)
				return -HEKI_VSM_ERR_KEXEC_ENTRY_LIST_TOO_LONG;
			if (!protected_page(b, addr))
				return -HEKI_VSM_ERR_KEXEC_PAGE_NOT_PROTECTED;
			if (in_segment(b->segs, addr))
				return -HEKI_VSM_ERR_KEXEC_ENTRY_OUTSIDE_SEGMENT;
			ret = vtl1_copy_from(v, ind, addr, HEKI_PAGE_SIZE);
			if (ret)
				return ret;
			slot = 0;
			in_page = 1;
			e = ind[slot++];
			continue;
		case HEKI_KEXEC_IND_DESTINATION:
			if (!in_page)
				return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
			dst = addr;
			have_dst = 1;
			break;
		case HEKI_KEXEC_IND_SOURCE:
			if (!in_page || !have_dst)
				return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
			ret = bind_source(v, b, addr, dst);
			if (ret)
				return ret;
			dst += HEKI_PAGE_SIZE;
			break;
		default:
			return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
		}
		/* The last slot may only link or end (handled above). */
		if (slot >= HEKI_KEXEC_ENTRIES_PER_PAGE)
			return -HEKI_VSM_ERR_KEXEC_ENTRY_INVALID;
		e = ind[slot++];
	}
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
 * KEXEC_KERNEL_NOT_BZIMAGE; KEXEC_KERNEL_SEGMENT_MISSING; then for crash
 * the segment read at its destination, for normal the entry-list walk:
 * KEXEC_ENTRY_LIST_TOO_LONG, KEXEC_ENTRY_INVALID, KEXEC_PAGE_NOT_PROTECTED,
 * KEXEC_ENTRY_OUTSIDE_SEGMENT, KEXEC_KERNEL_PAGE_DUPLICATE,
 * KEXEC_KERNEL_PAGE_MISSING; and KEXEC_KERNEL_CONTENT_MISMATCH.
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int heki_kexec_bind(struct heki_vtl1 *v, const struct vtl1_chain *c,
		    const struct vtl1_buf *image, const struct vtl1_buf *blob,
		    int crash)
{
	struct heki_kimage_segments *segs;
	struct bind_kernel k = { 0 };
	struct bind_ctx b = { 0 };
	__u64 npages, i;
	int ret;

	segs = vtl1_alloc(v, sizeof(*segs));
	b.page = vtl1_alloc(v, HEKI_PAGE_SIZE);
	b.ind = vtl1_alloc(v, HEKI_PAGE_SIZE);
	if (!segs || !b.page || !b.ind) {
		ret = -HEKI_VSM_ERR_NO_MEMORY;
		goto out;
	}
	ret = heki_kimage_parse(image->data, image->len, segs);
	if (!ret)
		ret = bz_payload(blob, &k);
	if (!ret)
		ret = find_kernel(segs, &k);
	if (ret)
		goto out;
	if (crash) {
		ret = bind_crash(v, &k, b.page);
		goto out;
	}
	/* memsz <= 4 GiB (a u32 rounded up): at most 128 KiB of bits. */
	npages = k.memsz >> HEKI_PAGE_SHIFT;
	k.seen = vtl1_alloc(v, npages / 8 + 1);
	if (!k.seen) {
		ret = -HEKI_VSM_ERR_NO_MEMORY;
		goto out;
	}
	memset(k.seen, 0, npages / 8 + 1);
	b.segs = segs;
	b.k = &k;
	ret = build_runs(v, c, &b);
	if (!ret)
		ret = walk_entries(v, &b, segs->head);
	for (i = 0; !ret && i < npages; i++)
		if (!(k.seen[i / 8] & (1U << (i % 8))))
			ret = -HEKI_VSM_ERR_KEXEC_KERNEL_PAGE_MISSING;
out:
	vtl1_free(v, k.seen);
	vtl1_free(v, b.runs);
	vtl1_free(v, b.ind);
	vtl1_free(v, b.page);
	vtl1_free(v, segs);
	return ret;
}

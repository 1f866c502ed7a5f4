/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * kexec_walk.h - what relocate_kernel puts on each page of a kimage's
 * segments (kexec_walk.c).
 *
 * A page iterator over the segments, in segment order and page order, that
 * yields for each destination page the physical page its bytes come from
 * when relocate_kernel has run: for a crash image the page itself (the
 * loader copied the segments in place); for a normal image the source page
 * of the entry list, which must be the list kimage_load_normal_segment()
 * builds and nothing else (see kexec_walk.c for the rules and why they make
 * 6.1's swap and 6.15's copy put the same bytes on every page).
 */
#ifndef HEKI_VTL1_KEXEC_WALK_H
#define HEKI_VTL1_KEXEC_WALK_H

#include "core/core.h"
#include "kimage.h"

/* A run of protected frames [lo, hi). */
struct kx_run {
	__u64 lo;
	__u64 hi;
};

/**
 * struct kx_pages - the KexecPages frames of a call, and which of them an
 *	entry list walk has used
 * @runs: the frames, sorted and merged
 * @first: bit of @used of each run's first frame
 * @nruns: entries in @runs and @first
 * @used: one bit per frame of @runs: already a source or indirection page
 * @nframes: frames in @runs (bits of @used)
 */
struct kx_pages {
	struct kx_run *runs;
	__u64 *first;
	__u32 nruns;
	__u8 *used;
	__u64 nframes;
};

/**
 * struct kx_walk - one pass over the pages of a kimage's segments
 * @v: instance (copies from VTL0)
 * @segs: the segments (kx_segments_check() passed)
 * @pages: KexecPages frames (normal images only)
 * @crash: the segments are in place, the entry list must be empty
 * @head: the kimage's first entry
 * @ind: copy of the current indirection page (normal)
 * @slot: next slot of @ind to read; 0 before the head is read
 * @in_page: an indirection page has been read
 * @seg: segment of the next page
 * @page: page of @seg the next source entry fills
 * @have_dst: the destination entry of @seg was read
 * @entries: entries read
 * @ind_pages: indirection pages read
 * @done: the end of the list was read (or the crash segments ended)
 */
struct kx_walk {
	struct heki_vtl1 *v;
	const struct heki_kimage_segments *segs;
	struct kx_pages *pages;
	int crash;
	__u64 head;
	__u64 *ind;
	__u32 slot;
	int in_page;
	__u32 seg;
	__u64 page;
	int have_dst;
	__u32 entries;
	__u32 ind_pages;
	int done;
};

int kx_segments_check(const struct heki_kimage_segments *s);
int kx_pages_build(struct heki_vtl1 *v, const struct vtl1_chain *c,
		   struct kx_pages *p);
void kx_pages_free(struct heki_vtl1 *v, struct kx_pages *p);
int kx_walk_start(struct kx_walk *w, struct heki_vtl1 *v,
		  const struct heki_kimage_segments *segs,
		  struct kx_pages *pages, int crash);
int kx_walk_next(struct kx_walk *w, __u64 *src, __u32 *seg, __u64 *page);
void kx_walk_end(struct kx_walk *w);

#endif /* HEKI_VTL1_KEXEC_WALK_H */

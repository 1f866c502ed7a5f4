// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * vtl0_write.c - the write gate: every store VTL1 makes into VTL0 memory.
 *
 * Two callers exist: BootAPs (one token byte per CPU that came up, into a
 * page no owner holds) and PatchText (the bytes of one registered site,
 * with that site as authority). Nothing else writes VTL0 memory; the
 * platform's copy_to_vtl0 is called only from this file.
 */
#include "vtl0_write.h"
#include "patchsites.h"
#include "protmap.h"

/* The platform copy: [pa, pa + len) checked by the caller. */
static int copy_to_vtl0(struct heki_vtl1 *v, __u64 pa, const void *src,
			__u64 len)
{
	if (v->p.copy_to_vtl0(v->p.ctx, heki_gpa(pa), src, len))
		return -HEKI_VSM_ERR_VTL0_COPY_FAILED;
	return 0;
}

/*
 * May @site (or no authority, when NULL) store into frame @pfn, at the
 * part's bytes [pa, pa + len) that fall into it? A frame no owner holds
 * may be written by anyone; a frame an owner holds only by a site of that
 * owner (a kernel site in kernel frames, a module's site in that module's
 * frames), and only at the site's own bytes.
 */
static int frame_ok(const struct heki_vtl1 *v, __u64 pfn, __u64 pa, __u64 len,
		    const struct vtl1_patch_site *site)
{
	const struct vtl1_prot_ent *e = prot_map_find(&v->map, pfn);
	__u64 i;
	__u8 owner;
	__s64 id;

	if (site) {
		/* Every byte a site writes is one of its bytes, owned or not. */
		for (i = 0; i < len; i++)
			if ((pa + i) >> HEKI_PAGE_SHIFT == pfn &&
			    !vtl1_patch_site_covers(site, pa + i))
				return -HEKI_VSM_ERR_VTL0_WRITE_OUTSIDE_SITE;
	}
	if (!e || e->owner == HEKI_VTL1_OWNER_NONE)
		return 0;
	if (!site)
		return -HEKI_VSM_ERR_VTL0_WRITE_PROTECTED;
	vtl1_patch_site_owner(site, &owner, &id);
	if (e->owner != owner || e->id != id)
		return -HEKI_VSM_ERR_VTL0_WRITE_PROTECTED;
	return 0;
}

/**
 * vtl1_vtl0_write_check() - whether a write would pass the gate
 * @v: instance
 * @part: the parts (@src is not read)
 * @nparts: number of parts, 1..VTL1_VTL0_WRITE_MAX_PARTS
 * @site: the patch site whose bytes these are, or NULL
 *
 * Checks, in order, for every part: 1 <= len and the parts together at
 * most VTL1_VTL0_WRITE_MAX_BYTES (VTL0_WRITE_INVALID, a caller's
 * mistake);
 * [pa, pa + len) below 2^52 (INVALID_PHYSICAL_ADDRESS) and outside VTL1
 * memory (RANGE_IN_VTL1); with a @site, every byte one of the site's
 * (VTL0_WRITE_OUTSIDE_SITE); every frame touched either held by no owner,
 * or held by the site's owner when there is a @site (VTL0_WRITE_PROTECTED).
 *
 * Return: 0 or a negative HEKI_VSM_ERR_* code.
 */
int vtl1_vtl0_write_check(const struct heki_vtl1 *v,
			  const struct vtl1_vtl0_write_part *part,
			  __u32 nparts, const struct vtl1_patch_site *site)
{
	__u64 total = 0;
	__u32 k;

	if (!nparts || nparts > VTL1_VTL0_WRITE_MAX_PARTS)
		return -HEKI_VSM_ERR_VTL0_WRITE_INVALID;
	for (k = 0; k < nparts; k++) {
		const struct vtl1_vtl0_write_part *w = &part[k];
		__u64 pfn, last;
		int ret;

		if (!w->len || w->len > VTL1_VTL0_WRITE_MAX_BYTES - total)
			return -HEKI_VSM_ERR_VTL0_WRITE_INVALID;
		total += w->len;
		if (!vtl1_pa_valid(w->pa) || w->len > VTL1_PA_LIMIT - w->pa)
			return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
		if (vtl1_overlaps_vtl1(v, w->pa, w->len))
			return -HEKI_VSM_ERR_RANGE_IN_VTL1;
		last = (w->pa + w->len - 1) >> HEKI_PAGE_SHIFT;
		for (pfn = w->pa >> HEKI_PAGE_SHIFT; pfn <= last; pfn++) {
			ret = frame_ok(v, pfn, w->pa, w->len, site);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/**
 * vtl1_vtl0_write() - store bytes into VTL0 memory through the gate
 * @v: instance
 * @part: the parts, written in order
 * @nparts: number of parts
 * @site: the patch site whose bytes these are (PatchText), or NULL
 *
 * Runs vtl1_vtl0_write_check() first: nothing is written unless every
 * part passes. With more than one part, the bytes there are read first;
 * if a later part cannot be written, the earlier ones get their old bytes
 * back, so a failed write leaves VTL0 memory as it was (invariant I4).
 *
 * Return: 0, a code of vtl1_vtl0_write_check(), NO_MEMORY, or
 * VTL0_COPY_FAILED when the platform cannot read or write a part.
 */
int vtl1_vtl0_write(struct heki_vtl1 *v,
		    const struct vtl1_vtl0_write_part *part, __u32 nparts,
		    const struct vtl1_patch_site *site)
{
	__u8 *old = NULL;
	__u64 off = 0;
	__u32 k, done;
	int ret;

	ret = vtl1_vtl0_write_check(v, part, nparts, site);
	if (ret)
		return ret;
	if (nparts > 1) {
		old = vtl1_alloc_uninit(v, VTL1_VTL0_WRITE_MAX_BYTES);
		if (!old)
			return -HEKI_VSM_ERR_NO_MEMORY;
		for (k = 0; k < nparts && !ret; k++) {
			ret = vtl1_copy_from(v, old + off, part[k].pa,
					     part[k].len);
			off += part[k].len;
		}
		if (ret)
			goto out;
	}
	for (done = 0; done < nparts; done++) {
		ret = copy_to_vtl0(v, part[done].pa, part[done].src,
				   part[done].len);
		if (ret)
			break;
	}
	/* Undo the parts written before the one that failed. */
	for (k = 0, off = 0; ret && k < done; k++) {
		if (copy_to_vtl0(v, part[k].pa, old + off, part[k].len))
			vtl1_err(v, "restoring %u bytes at %llx failed\n",
				 part[k].len, (unsigned long long)part[k].pa);
		off += part[k].len;
	}
out:
	vtl1_free(v, old);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * vtl0_write.h - the one way VTL1 writes VTL0 memory (vtl0_write.c).
 *
 * Every byte VTL1 stores into VTL0 memory goes through vtl1_vtl0_write(),
 * which enforces invariant I2 of Documentation/security-model.rst: no byte
 * of VTL1 memory, no frame any owner holds in the protection map, except
 * the bytes of one text-patch site in a frame of that site's owner.
 */
#ifndef HEKI_VTL1_VTL0_WRITE_H
#define HEKI_VTL1_VTL0_WRITE_H

#include "instance.h"

/* At most this many parts, and bytes in all of them, per write. */
#define VTL1_VTL0_WRITE_MAX_PARTS	HEKI_VTL1_MAX_VPS
#define VTL1_VTL0_WRITE_MAX_BYTES	HEKI_PAGE_SIZE

/**
 * struct vtl1_vtl0_write_part - bytes VTL1 stores at one VTL0 address
 * @pa: guest physical address of the first byte
 * @src: the bytes, in VTL1 memory (NULL for vtl1_vtl0_write_check())
 * @len: number of bytes, at least 1
 */
struct vtl1_vtl0_write_part {
	__u64 pa;
	const void *src;
	__u32 len;
};

struct vtl1_patch_site;

int vtl1_vtl0_write_check(const struct heki_vtl1 *v,
			  const struct vtl1_vtl0_write_part *part,
			  __u32 nparts, const struct vtl1_patch_site *site);
int vtl1_vtl0_write(struct heki_vtl1 *v,
		    const struct vtl1_vtl0_write_part *part, __u32 nparts,
		    const struct vtl1_patch_site *site);

#endif /* HEKI_VTL1_VTL0_WRITE_H */

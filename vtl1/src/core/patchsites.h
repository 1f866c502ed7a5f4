/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * patchsites.h - the table of precomputed text patches PatchText checks
 * against (filled by LoadKData and ValidateModule).
 */
#ifndef HEKI_VTL1_PATCHSITES_H
#define HEKI_VTL1_PATCHSITES_H

#include "instance.h"

/**
 * struct vtl1_patch_batch - new sites staged by LoadKData / ValidateModule
 * @site: sites to add
 * @n: sites in @site
 * @cap: capacity of @site
 * @staged: the table after the batch (built by vtl1_patches_stage())
 */
struct vtl1_patch_batch {
	struct vtl1_patch_site *site;
	__u32 n;
	__u32 cap;
	struct vtl1_patches staged;
};

int vtl1_patch_batch_init(struct heki_vtl1 *v, struct vtl1_patch_batch *b,
			  __u64 cap);
int vtl1_patch_batch_add(struct vtl1_patch_batch *b,
			 const struct heki_patch *p, __s64 token, __u32 init);
int vtl1_patches_stage(struct heki_vtl1 *v, struct vtl1_patch_batch *b);
void vtl1_patches_commit(struct heki_vtl1 *v, struct vtl1_patch_batch *b);
void vtl1_patch_batch_free(struct heki_vtl1 *v, struct vtl1_patch_batch *b);
void vtl1_patches_remove(struct heki_vtl1 *v, __s64 token, int init_only);
void vtl1_patches_free(struct heki_vtl1 *v);
__u64 vtl1_patch_byte_pa(const struct heki_patch *p, __u32 i);
int vtl1_patch_site_covers(const struct vtl1_patch_site *s, __u64 pa);
void vtl1_patch_site_owner(const struct vtl1_patch_site *s, __u8 *owner,
			   __s64 *id);

#endif /* HEKI_VTL1_PATCHSITES_H */

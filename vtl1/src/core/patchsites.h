/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * patchsites.h - the table of text-patch sites PatchText may write: where
 * each site is, whose it is, and the encodings it may hold (filled by
 * LoadKData for the kernel and ValidateModule for modules).
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
int vtl1_patch_batch_grow(struct heki_vtl1 *v, struct vtl1_patch_batch *b,
			  __u64 extra);
int vtl1_patch_batch_add(struct vtl1_patch_batch *b,
			 const struct vtl1_patch_site *s);
int vtl1_patches_stage(struct heki_vtl1 *v, struct vtl1_patch_batch *b);
void vtl1_patches_commit(struct heki_vtl1 *v, struct vtl1_patch_batch *b);
void vtl1_patch_batch_free(struct heki_vtl1 *v, struct vtl1_patch_batch *b);
void vtl1_patches_remove(struct heki_vtl1 *v, __s64 token, int init_only);
void vtl1_patches_free(struct heki_vtl1 *v);
__u64 vtl1_patch_byte_pa(const struct heki_patch *p, __u32 i);
int vtl1_patch_site_covers(const struct vtl1_patch_site *s, __u64 pa);
void vtl1_patch_site_owner(const struct vtl1_patch_site *s, __u8 *owner,
			   __s64 *id);
const __u8 *vtl1_patch_nop(__u32 size);
int vtl1_patch_branch_target(const struct vtl1_patch_site *s, const __u8 *b,
			     __u64 *dest);
int vtl1_patch_branch_dest(const struct vtl1_patch_site *s, const __u8 *b,
			   __u64 *dest);
int vtl1_patch_site_read(struct heki_vtl1 *v, const struct vtl1_patch_site *s,
			 __u8 *cur);
int vtl1_patch_jump_site(struct vtl1_patch_site *s, const struct heki_patch *loc,
			 const __u8 *jmp, __s64 token, __u32 init);
int vtl1_patch_static_call_site(struct vtl1_patch_site *s,
				const struct heki_patch *loc,
				const __u8 *forms,
				__u32 nforms, __u8 branch, __u32 entry,
				__u64 va, __u64 no_call, __s64 token,
				__u32 init);
/* struct static_call_site's key flags (include/linux/static_call_types.h) */
#define HEKI_KSCALL_SITE_TAIL	1U
#define HEKI_KSCALL_SITE_INIT	2U
#define HEKI_KSCALL_SITE_FLAGS	3U
/* Bytes of one struct static_call_site: s32 addr, s32 key. */
#define HEKI_KSCALL_SITE_SIZE	8U

struct heki_kfuncs;
struct heki_kinfo_ext;
struct heki_symtab;

/**
 * struct vtl1_kscall_src - the kernel facts LoadKData (kdata/) hands to
 *	vtl1_kernel_static_calls() for the kernel's static call sites
 * @kf: the kernel's function entries, its trampolines and the table's
 *	bounds (kdata/kallsyms.c)
 * @kext: the kernel info extension (text bounds, return thunk)
 * @tabs: the export tables (__static_call_return0, the return thunks)
 * @ntabs: entries in @tabs
 * @n: entries in @table
 * @table: VTL1's copy of .static_call_sites (from protected frames)
 * @text_off: VA minus PA of the kernel image (the table's own mapping:
 *	x86-64 maps the image with one offset, __pa_symbol())
 */
struct vtl1_kscall_src {
	const struct heki_kfuncs *kf;
	const struct heki_kinfo_ext *kext;
	const struct heki_symtab *const *tabs;
	__u32 ntabs;
	__u32 n;
	const __u8 *table;
	__u64 text_off;
};

const struct vtl1_patch_site *vtl1_patch_find(const struct vtl1_patches *t,
					      __u64 pa, __u32 *byte);
struct vtl1_patch_site *vtl1_patch_find_mut(struct vtl1_patches *t, __u64 pa,
					    __u32 *byte);

#endif /* HEKI_VTL1_PATCHSITES_H */

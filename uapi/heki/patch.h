/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * HEKI wire ABI: text patches.
 *
 * PATCH_TEXT passes RSI = physical address of a 24-byte struct heki_patch
 * and RDX = physical address of its second piece when the descriptor
 * crosses a page (else 0). LOAD_KDATA (HEKI_KDATA_PATCH_INFO) and
 * VALIDATE_MODULE (HEKI_MOD_MEM_PATCH) carry precomputed patches as
 * records: a struct heki_patch_info followed by patch_index heki_patches.
 */
#ifndef _UAPI_HEKI_PATCH_H
#define _UAPI_HEKI_PATCH_H

#include "types.h"

/* Longest x86 text patch (a 5-byte JMP32 or NOP); same as Linux's value. */
#define POKE_MAX_OPCODE_SIZE	5

/* Opcode and sizes of the text_poke_bp steps VTL1 recognises. */
#define HEKI_PATCH_INT3_OPCODE	0xCC
#define HEKI_PATCH_JMP8_SIZE	2
#define HEKI_PATCH_JMP32_SIZE	5

/**
 * struct heki_patch - one text patch
 * @pa: ``pa[0]`` is the physical address of the first byte to patch;
 *	``pa[1]`` the page-aligned physical address of the page holding the
 *	rest when the patch crosses a page boundary, else 0
 * @size: number of bytes to write, 1..POKE_MAX_OPCODE_SIZE
 * @code: the new bytes; bytes past @size are ignored
 * @reserved_22: padding; write zero
 */
struct heki_patch {
	__u64 pa[2];
	__u8 size;
	__u8 code[POKE_MAX_OPCODE_SIZE];
	__u8 reserved_22[2];
};

#define HEKI_PATCH_SIZE		24
HEKI_ABI_ASSERT(sizeof(struct heki_patch) == HEKI_PATCH_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch, pa) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch, size) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch, code) == 17);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch, reserved_22) == 22);

/* heki_patch_info.type values (LiteBox HekiPatchType, a u32). */
#define HEKI_PATCH_TYPE_JUMP_LABEL	0U

/**
 * struct heki_patch_info - header of one precomputed-patch record
 * @type: HEKI_PATCH_TYPE_JUMP_LABEL
 * @reserved_4: padding; write zero
 * @list_next: VTL0 list_head.next (ignored by VTL1)
 * @list_prev: VTL0 list_head.prev (ignored by VTL1)
 * @mod: VTL0 struct module pointer (ignored by VTL1)
 * @patch_index: number of struct heki_patch following this header,
 *	1 to @max_patch_count
 * @max_patch_count: capacity of the producer's array
 */
struct heki_patch_info {
	__u32 type;
	__u32 reserved_4;
	__u64 list_next;
	__u64 list_prev;
	__u64 mod;
	__u64 patch_index;
	__u64 max_patch_count;
};

#define HEKI_PATCH_INFO_SIZE	48
HEKI_ABI_ASSERT(sizeof(struct heki_patch_info) == HEKI_PATCH_INFO_SIZE);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch_info, type) == 0);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch_info, reserved_4) == 4);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch_info, list_next) == 8);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch_info, list_prev) == 16);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch_info, mod) == 24);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch_info, patch_index) == 32);
HEKI_ABI_ASSERT(HEKI_OFFSETOF(struct heki_patch_info, max_patch_count) == 40);

#endif /* _UAPI_HEKI_PATCH_H */

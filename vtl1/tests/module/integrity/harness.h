/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * harness.h - host test harness for the integrity library (elf, modlayout,
 * modreloc): result counters and a builder for small synthetic modules.
 */
#ifndef _HEKI_INTEGRITY_HARNESS_H
#define _HEKI_INTEGRITY_HARNESS_H

#include <heki/abi.h>

#include "elf/elf.h"
#include "module/modlayout.h"
#include "module/modreloc.h"

#include "check.h"

/* Expect two 64-bit values equal. */
void t_expect_u64(const char *group, const char *name, __u64 got, __u64 want);

/* Synthetic module builder. */
#define EB_MAX_SECS	24
#define EB_BUF		16384

/* Names present in every built .shstrtab but used by no section. */
#define EB_SPARE_NAMES { ".data..ro_after_init", "__jump_table", \
			 ".init.rodata", ".exit.text", ".static_call_sites" }
#define EB_NR_SPARE	5

struct eb_sec {
	const char *name;
	__u32 type;
	__u64 flags;
	__u64 size;
	__u64 align;
	__u32 link;
	__u32 info;
	__u64 entsize;
	const void *data;	/* NULL: zeros (unless NOBITS) */
};

struct eb_img {
	__u8 buf[EB_BUF];
	__u64 len;
	__u64 shoff;
	__u32 shnum;
	__u64 data_off[EB_MAX_SECS];	/* file offset of each section's data */
	__u32 spare_name[EB_NR_SPARE];	/* sh_name offsets of spare names */
};

int eb_build(struct eb_img *img, const struct eb_sec *secs, unsigned int n);
void eb_put16(struct eb_img *img, __u64 off, __u16 v);
void eb_put32(struct eb_img *img, __u64 off, __u32 v);
void eb_put64(struct eb_img *img, __u64 off, __u64 v);
/* File offset of field @field_off inside section header @idx. */
__u64 eb_shdr(const struct eb_img *img, __u32 idx, __u32 field_off);

/* Section header field offsets. */
#define SH_NAME		0
#define SH_TYPE		4
#define SH_FLAGS	8
#define SH_ADDR		16
#define SH_OFFSET	24
#define SH_SIZE		32
#define SH_LINK		40
#define SH_INFO		44
#define SH_ALIGN	48
#define SH_ENTSIZE	56

/*
 * The standard synthetic module (see std.c for its sections, symbols and
 * relocations) and the indices tests refer to.
 */
enum {
	STD_TEXT = 1, STD_RELA_TEXT, STD_DATA, STD_RELA_DATA, STD_THIS_MODULE,
	STD_SYMTAB, STD_STRTAB, STD_INIT_TEXT, STD_BSS, STD_PERCPU, STD_RODATA,
	STD_MODINFO, STD_SHSTRTAB, STD_NSECS
};

enum {
	SYM_NULL, SYM_TEXT_SECTION, SYM_LOCAL_VAR, SYM_PCPU_VAR, SYM_EXT_FN,
	SYM_WEAK_FN, SYM_INIT_FN, SYM_INFO_SYM, SYM_ABS_SYM, STD_NSYMS
};

#define STD_EXT_FN_VA		0xffffffff81234560ULL
#define STD_PERCPU_VA		0x2a000ULL
#define STD_CORE_VA		0xffffffffc0000000ULL
#define STD_INIT_VA		0xffffffffc0100000ULL

void std_build(struct eb_img *img);
/* File offset of relocation entry @i of section @sec (a RELA section). */
__u64 std_rela(const struct eb_img *img, __u32 sec, __u32 i);
__u64 std_sym(const struct eb_img *img, __u32 i);
int std_resolve(void *ctx, const char *name, __u64 *addr);
/* Parse + layout + env for @img; returns the first error. */
struct std_ctx {
	struct heki_elf elf;
	struct heki_modlayout lay;
	struct heki_modlayout_sect sects[EB_MAX_SECS];
	struct heki_modreloc_env env;
	struct heki_modreloc_sym syms[64];
};
int std_prepare(struct std_ctx *c, const struct eb_img *img);
/* The same with @kernel's rules, each allocation at @alloc_va[alloc]. */
int std_prepare_kernel(struct std_ctx *c, const struct eb_img *img,
		       __u32 kernel,
		       const __u64 alloc_va[HEKI_MODLAYOUT_NR_MEM]);
/* 6.1 only: core allocation at @core, init at @init. */
void std_mem_va(const struct heki_modlayout *lay, __u64 core, __u64 init,
		__u64 mem_va[HEKI_MODLAYOUT_NR_MEM]);
/*
 * Either kernel: each memory type at @alloc_va[its allocation] + its base
 * (6.1: allocations core and init; 6.4+: one allocation per type, so
 * @alloc_va is simply each type's VA).
 */
void std_mem_va_alloc(const struct heki_modlayout *lay,
		      const __u64 alloc_va[HEKI_MODLAYOUT_NR_MEM],
		      __u64 mem_va[HEKI_MODLAYOUT_NR_MEM]);
/*
 * 6.4+ VAs for the standard module: every type its own page-aligned VA,
 * gaps between them and not in type order (init rodata lowest, text
 * between data and init data).
 */
extern const __u64 std_va_6_4[HEKI_MODLAYOUT_NR_MEM];

/* One real module, parsed, laid out and relocated (test_realmods.c). */
struct modctx {
	struct heki_elf elf;
	struct heki_modlayout lay;
	struct heki_modlayout_sect *sects;
	struct heki_modreloc_env env;
	struct heki_modreloc_sym *syms;
	__u8 **bufs;	/* relocated copy of each loaded section, else NULL */
	__u64 *va;	/* final address of each loaded section */
};

const __u8 *modctx_at(const struct modctx *c, __u64 va, __u64 len);
__u64 fake_export(const char *name);
void test_sites(const struct modctx *c, const char *path);

void test_elf(void);
void test_modlayout(void);
void test_modreloc(void);
void test_realmods(const char *root, const char *dump_path);

#endif /* _HEKI_INTEGRITY_HARNESS_H */

/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * elf.h - bounded reader for ELF64 x86-64 relocatable objects (kernel
 * modules).
 *
 * heki_elf_parse() checks the ELF header and the whole section header
 * table once; afterwards every accessor re-checks the index it is given
 * and copies the entry out with memcpy (the image may be misaligned).
 * Nothing is ever written to the image, nothing is allocated, and the
 * image must stay unchanged and alive while the struct heki_elf is used.
 */
#ifndef _HEKI_VTL1_ELF_H
#define _HEKI_VTL1_ELF_H

#include <heki/abi.h>

#include "core/core.h"

/* ELF constants this reader and its users need (values from the ELF gABI). */
#define HEKI_ELF_EHDR_SIZE	64U
#define HEKI_ELF_SHDR_SIZE	64U
#define HEKI_ELF_SYM_SIZE	24U
#define HEKI_ELF_RELA_SIZE	24U

/* ELF64_ST_TYPE(st_info) of a function (STT_FUNC) */
#define HEKI_ELF_ST_TYPE(info)	((info) & 0xfU)
#define HEKI_ELF_STT_FUNC	2U

#define HEKI_ET_REL		1U
#define HEKI_EM_X86_64		62U

#define HEKI_SHN_UNDEF		0U
#define HEKI_SHN_LORESERVE	0xff00U
#define HEKI_SHN_LIVEPATCH	0xff20U
#define HEKI_SHN_ABS		0xfff1U
#define HEKI_SHN_COMMON		0xfff2U
#define HEKI_SHN_XINDEX		0xffffU

#define HEKI_SHT_NULL		0U
#define HEKI_SHT_PROGBITS	1U
#define HEKI_SHT_SYMTAB		2U
#define HEKI_SHT_STRTAB		3U
#define HEKI_SHT_RELA		4U
#define HEKI_SHT_NOBITS		8U
#define HEKI_SHT_REL		9U

#define HEKI_SHF_WRITE		0x1ULL
#define HEKI_SHF_ALLOC		0x2ULL
#define HEKI_SHF_EXECINSTR	0x4ULL
/* Linux-private flags (include/uapi/linux/elf.h, kernel/module/internal.h). */
#define HEKI_SHF_RELA_LIVEPATCH	0x00100000ULL
#define HEKI_SHF_RO_AFTER_INIT	0x00200000ULL

#define HEKI_STB_WEAK		2U

/*
 * Largest section count accepted. The kernel takes up to SHN_LORESERVE - 1
 * (extended numbering is refused by both); Debian 12's modules have at
 * most 93. 4096 keeps per-target relocation (a pass over all headers per
 * section) bounded at 16 M header reads for any accepted image.
 */
#define HEKI_ELF_MAX_SECTIONS	4096U
/*
 * Longest symbol name accepted (KSYM_NAME_LEN - 1 in 6.1; Debian 12's
 * longest module symbol has 89 bytes). Bounds every name scan.
 */
#define HEKI_ELF_MAX_NAME_LEN	511U

/**
 * struct heki_elf - a checked ELF image
 * @data: first byte of the image (VTL1-private, unchanged while in use)
 * @len: length of the image in bytes (for a signed module: without the
 *	signature, as the kernel's elf_validity_check sees it)
 * @shoff: offset of the section header table
 * @shnum: number of section headers, 1..HEKI_ELF_MAX_SECTIONS
 * @shstrndx: index of the section name string table
 * @symtab: index of the first SHT_SYMTAB section, 0 if there is none
 * @strtab: its string table (the symtab's sh_link), 0 if no symtab
 * @nsyms: number of symbols in @symtab (entry 0 included)
 * @sym_off: file offset of @symtab's contents (checked by the parse)
 * @str_off: file offset of @strtab's contents (checked by the parse)
 * @str_size: size of @strtab (non-zero, its last byte is NUL)
 */
struct heki_elf {
	const __u8 *data;
	__u64 len;
	__u64 shoff;
	__u32 shnum;
	__u32 shstrndx;
	__u32 symtab;
	__u32 strtab;
	__u64 nsyms;
	__u64 sym_off;
	__u64 str_off;
	__u64 str_size;
};

/**
 * struct heki_elf_shdr - one section header, host endian, copied out
 * @name: offset of the name in the section name string table
 * @type: SHT_*
 * @flags: SHF_*
 * @addr: sh_addr (0 in relocatable objects)
 * @offset: file offset of the contents
 * @size: size in bytes (NOBITS sections occupy no file bytes)
 * @link: sh_link
 * @info: sh_info
 * @addralign: 0 or a power of two
 * @entsize: entry size for table sections
 */
struct heki_elf_shdr {
	__u32 name;
	__u32 type;
	__u64 flags;
	__u64 addr;
	__u64 offset;
	__u64 size;
	__u32 link;
	__u32 info;
	__u64 addralign;
	__u64 entsize;
};

/**
 * struct heki_elf_sym - one symbol, copied out
 * @name: offset of the name in the symbol string table
 * @info: binding (high nibble) and type (low nibble)
 * @other: visibility
 * @shndx: defining section or SHN_*
 * @value: st_value (section-relative in relocatable objects)
 * @size: st_size
 */
struct heki_elf_sym {
	__u32 name;
	__u8 info;
	__u8 other;
	__u16 shndx;
	__u64 value;
	__u64 size;
};

/**
 * struct heki_elf_rela - one Elf64_Rela entry, split
 * @offset: r_offset, byte offset inside the target section
 * @type: ELF64_R_TYPE(r_info)
 * @sym: ELF64_R_SYM(r_info)
 * @addend: r_addend
 */
struct heki_elf_rela {
	__u64 offset;
	__u32 type;
	__u32 sym;
	__s64 addend;
};

/**
 * heki_elf_rela_decode() - split the Elf64_Rela entry at @p
 * @p: 24 bytes inside a section heki_elf_rela_count() accepted
 * @out: the entry
 */
static inline void heki_elf_rela_decode(const __u8 *p,
					struct heki_elf_rela *out)
{
	__u64 info = heki_le64(p + 8);

	out->offset = heki_le64(p);
	out->type = (__u32)info;
	out->sym = (__u32)(info >> 32);
	out->addend = (__s64)heki_le64(p + 16);
}

int heki_elf_parse(struct heki_elf *elf, const void *data, __u64 len);
int heki_elf_shdr(const struct heki_elf *elf, __u32 idx,
		  struct heki_elf_shdr *out);
int heki_elf_section_name(const struct heki_elf *elf,
			  const struct heki_elf_shdr *sh, const char **name);
int heki_elf_find_section(const struct heki_elf *elf, const char *name,
			  __u64 must_flags, __u32 *idx);
int heki_elf_has_file_bytes(const struct heki_elf_shdr *sh);
int heki_elf_section_bytes(const struct heki_elf *elf,
			   const struct heki_elf_shdr *sh, const __u8 **bytes);
int heki_elf_sym(const struct heki_elf *elf, __u64 idx,
		 struct heki_elf_sym *out);
int heki_elf_sym_name(const struct heki_elf *elf,
		      const struct heki_elf_sym *sym, const char **name);
int heki_elf_rela_count(const struct heki_elf *elf,
			const struct heki_elf_shdr *sh, __u64 *count);
int heki_elf_rela(const struct heki_elf *elf, const struct heki_elf_shdr *sh,
		  __u64 idx, struct heki_elf_rela *out);
int heki_elf_name_is(const char *name, const char *want);
int heki_elf_name_starts(const char *name, const char *prefix);

#endif /* _HEKI_VTL1_ELF_H */

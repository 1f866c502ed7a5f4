/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * pe.h - bounded PE/COFF (PE32+) reader for the kexec kernel image: an
 * x86-64 bzImage that is also a PE/COFF image (the kernel's EFI entry
 * point), as signed for Secure Boot.
 *
 * heki_pe_parse() checks the DOS header, the PE signature, the COFF header,
 * the PE32+ optional header, the data directories and the section table,
 * and locates the three things the Authenticode image digest leaves out:
 * the CheckSum field, the certificate-table data directory entry and the
 * attribute certificate table itself. Every offset and size is checked
 * against the file length with overflow-checked arithmetic.
 *
 * The image digest (Authenticode, "Calculating the PE Image Hash") covers
 * the headers up to SizeOfHeaders without those two fields, then each
 * section's raw data in PointerToRawData order, then the bytes after the
 * last section up to the certificate table. This reader is stricter than
 * the specification: it refuses an optional header whose size is not
 * that of its data directories (Linux's verify_pefile.c reads the section
 * table right after them), headers that reach the end of the file,
 * section data that overlaps the headers or another section, gaps between
 * the headers and the sections or between sections, and a certificate
 * table that is not the last thing in the file. Then no byte of the file is left out of the digest except the
 * CheckSum field, the certificate directory entry and the certificate
 * table, and the digest is computed over (at most) three byte ranges.
 */
#ifndef _HEKI_VTL1_PE_H
#define _HEKI_VTL1_PE_H

#include <heki/abi.h>

/* Offsets and sizes from the PE/COFF specification. */
#define HEKI_PE_DOS_MAGIC		0x5a4d		/* "MZ" */
#define HEKI_PE_DOS_LFANEW_OFF		0x3c
#define HEKI_PE_SIGNATURE		0x00004550	/* "PE\0\0" */
#define HEKI_PE_COFF_SIZE		20
#define HEKI_PE_MACHINE_AMD64		0x8664
#define HEKI_PE_OPT_MAGIC_PE32PLUS	0x20b
#define HEKI_PE_OPT_CHECKSUM_OFF	64
#define HEKI_PE_OPT_SIZE_OF_HEADERS_OFF	60
#define HEKI_PE_OPT_NUM_RVA_OFF		108
#define HEKI_PE_OPT_DIRS_OFF		112
#define HEKI_PE_DIR_SECURITY		4
#define HEKI_PE_DIR_SIZE		8
#define HEKI_PE_MAX_DIRS		16
#define HEKI_PE_SECTION_SIZE		40
/* Sections a kernel image may have (Linux's PE/COFF header has 4 or 5). */
#define HEKI_PE_MAX_SECTIONS		96
/* Byte ranges the image digest covers (see the file comment). */
#define HEKI_PE_MAX_HASH_RANGES		3

/**
 * struct heki_pe_range - a byte range of the file
 * @off: first byte
 * @len: number of bytes
 */
struct heki_pe_range {
	__u64 off;
	__u64 len;
};

/**
 * struct heki_pe_image - what heki_pe_parse() found
 * @data: the file (the caller's buffer)
 * @len: its length
 * @checksum_off: file offset of the optional header's CheckSum (4 bytes)
 * @certdir_off: file offset of the certificate-table directory entry
 *	(8 bytes); 0 when the image has fewer than 5 data directories
 * @size_of_headers: SizeOfHeaders
 * @nsections: NumberOfSections
 * @sections_end: one past the last byte of section raw data (the start of
 *	the trailing data), SizeOfHeaders if no section has raw data
 * @cert: the attribute certificate table ({0, 0} when the image is not
 *	signed)
 * @nhash: number of valid entries in @hash
 * @hash: the byte ranges the Authenticode image digest covers, in order
 */
struct heki_pe_image {
	const __u8 *data;
	__u64 len;
	__u32 checksum_off;
	__u32 certdir_off;
	__u32 size_of_headers;
	__u16 nsections;
	__u64 sections_end;
	struct heki_pe_range cert;
	__u32 nhash;
	struct heki_pe_range hash[HEKI_PE_MAX_HASH_RANGES];
};

/**
 * heki_pe_parse() - check a PE32+ image and locate its digest ranges
 * @buf: the file
 * @len: its length in bytes
 * @pe: filled on success
 *
 * Return: 0, or -HEKI_VSM_ERR_PE_* naming the first check that failed.
 */
int heki_pe_parse(const __u8 *buf, __u64 len, struct heki_pe_image *pe);

#endif /* _HEKI_VTL1_PE_H */

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * pe.c - bounded PE32+ reader and Authenticode digest ranges (see pe.h).
 */
#include <heki/abi.h>

#include "core/core.h"
#include "pe.h"

/* [off, off + n) lies inside [0, len): no overflow, no wrap. */
static int in_file(__u64 len, __u64 off, __u64 n)
{
	__u64 end;

	if (__builtin_add_overflow(off, n, &end))
		return 0;
	return end <= len;
}

static void add_hash(struct heki_pe_image *pe, __u64 from, __u64 to)
{
	if (to > from) {
		pe->hash[pe->nhash].off = from;
		pe->hash[pe->nhash].len = to - from;
		pe->nhash++;
	}
}

/*
 * The section table: every section with raw data lies after the headers
 * and inside the file; in PointerToRawData order they follow each other
 * without gap or overlap, starting at SizeOfHeaders. Sections are taken
 * in order by repeatedly picking the unused one with the lowest offset
 * (at most HEKI_PE_MAX_SECTIONS^2 steps, no array of copies on the stack).
 */
static int check_sections(struct heki_pe_image *pe, __u64 sec_off)
{
	__u64 used[(HEKI_PE_MAX_SECTIONS + 63) / 64] = { 0 };
	__u64 pos = pe->size_of_headers;
	const __u8 *tab = pe->data + sec_off;
	__u32 i, k, n = 0;

	for (i = 0; i < pe->nsections; i++) {
		const __u8 *h = tab + (__u64)i * HEKI_PE_SECTION_SIZE;

		if (!heki_le32(h + 16)) {
			used[i / 64] |= 1ULL << (i % 64);
			continue;
		}
		if (!in_file(pe->len, heki_le32(h + 20), heki_le32(h + 16)))
			return -HEKI_VSM_ERR_PE_SECTION_OUT_OF_BOUNDS;
		n++;
	}
	for (k = 0; k < n; k++) {
		__u32 best = pe->nsections;
		__u64 best_off = 0;

		for (i = 0; i < pe->nsections; i++) {
			__u64 off = heki_le32(tab + (__u64)i * HEKI_PE_SECTION_SIZE + 20);

			if (used[i / 64] & (1ULL << (i % 64)))
				continue;
			if (best == pe->nsections || off < best_off) {
				best = i;
				best_off = off;
			}
		}
		if (best == pe->nsections)
			return -HEKI_VSM_ERR_PE_BAD_SECTIONS;
		used[best / 64] |= 1ULL << (best % 64);
		if (best_off < pos)
			return -HEKI_VSM_ERR_PE_SECTION_OVERLAP;
		if (best_off > pos)
			return -HEKI_VSM_ERR_PE_SECTION_GAP;
		pos = best_off +
		      heki_le32(tab + (__u64)best * HEKI_PE_SECTION_SIZE + 16);
	}
	pe->sections_end = pos;
	return 0;
}

/*
 * The certificate table (directory entry 4 holds a file offset, not an
 * RVA): absent (both fields zero), or 8-byte aligned, after every section
 * and ending exactly at the end of the file.
 */
static int check_cert_table(struct heki_pe_image *pe)
{
	const __u8 *d;
	__u64 off, size;

	pe->cert.off = 0;
	pe->cert.len = 0;
	if (!pe->certdir_off)
		return 0;
	d = pe->data + pe->certdir_off;
	off = heki_le32(d);
	size = heki_le32(d + 4);
	if (!off && !size)
		return 0;
	if (!off || !size || (off & 7) || off < pe->sections_end ||
	    !in_file(pe->len, off, size) || off + size != pe->len)
		return -HEKI_VSM_ERR_PE_CERT_TABLE_INVALID;
	pe->cert.off = off;
	pe->cert.len = size;
	return 0;
}

int heki_pe_parse(const __u8 *buf, __u64 len, struct heki_pe_image *pe)
{
	__u64 pe_off, opt_off, opt_size, sec_off, hdr_end, hashed_end;
	__u32 ndirs;
	const __u8 *opt;
	int ret;

	memset(pe, 0, sizeof(*pe));
	pe->data = buf;
	pe->len = len;
	if (!buf || len < HEKI_PE_DOS_LFANEW_OFF + 4)
		return -HEKI_VSM_ERR_PE_TRUNCATED;
	if (heki_le16(buf) != HEKI_PE_DOS_MAGIC)
		return -HEKI_VSM_ERR_PE_BAD_DOS_MAGIC;
	pe_off = heki_le32(buf + HEKI_PE_DOS_LFANEW_OFF);
	if (pe_off < HEKI_PE_DOS_LFANEW_OFF + 4 ||
	    !in_file(len, pe_off, 4 + HEKI_PE_COFF_SIZE))
		return -HEKI_VSM_ERR_PE_BAD_LFANEW;
	if (heki_le32(buf + pe_off) != HEKI_PE_SIGNATURE)
		return -HEKI_VSM_ERR_PE_BAD_SIGNATURE;
	if (heki_le16(buf + pe_off + 4) != HEKI_PE_MACHINE_AMD64)
		return -HEKI_VSM_ERR_PE_BAD_MACHINE;
	pe->nsections = heki_le16(buf + pe_off + 6);
	opt_size = heki_le16(buf + pe_off + 20);
	opt_off = pe_off + 4 + HEKI_PE_COFF_SIZE;

	/* PE32+ optional header, the fixed part and the directories. */
	if (opt_size < HEKI_PE_OPT_DIRS_OFF || !in_file(len, opt_off, opt_size))
		return -HEKI_VSM_ERR_PE_BAD_OPT_HEADER;
	opt = buf + opt_off;
	if (heki_le16(opt) != HEKI_PE_OPT_MAGIC_PE32PLUS)
		return -HEKI_VSM_ERR_PE_BAD_OPT_HEADER;
	ndirs = heki_le32(opt + HEKI_PE_OPT_NUM_RVA_OFF);
	if (ndirs > HEKI_PE_MAX_DIRS ||
	    HEKI_PE_OPT_DIRS_OFF + (__u64)ndirs * HEKI_PE_DIR_SIZE > opt_size)
		return -HEKI_VSM_ERR_PE_BAD_DIRECTORIES;
	/*
	 * Linux (verify_pefile.c) reads the section table right after the
	 * data directories, the PE format after SizeOfOptionalHeader bytes:
	 * both must be the same place, or the two digests differ.
	 */
	if (HEKI_PE_OPT_DIRS_OFF + (__u64)ndirs * HEKI_PE_DIR_SIZE != opt_size)
		return -HEKI_VSM_ERR_PE_OPT_HEADER_SIZE_MISMATCH;
	pe->checksum_off = (__u32)(opt_off + HEKI_PE_OPT_CHECKSUM_OFF);
	if (ndirs > HEKI_PE_DIR_SECURITY)
		pe->certdir_off = (__u32)(opt_off + HEKI_PE_OPT_DIRS_OFF +
					  HEKI_PE_DIR_SECURITY * HEKI_PE_DIR_SIZE);

	/* Section table, inside the headers. */
	if (!pe->nsections || pe->nsections > HEKI_PE_MAX_SECTIONS)
		return -HEKI_VSM_ERR_PE_BAD_SECTIONS;
	sec_off = opt_off + opt_size;
	hdr_end = sec_off + (__u64)pe->nsections * HEKI_PE_SECTION_SIZE;
	pe->size_of_headers = heki_le32(opt + HEKI_PE_OPT_SIZE_OF_HEADERS_OFF);
	if (pe->size_of_headers < hdr_end || pe->size_of_headers >= len)
		return -HEKI_VSM_ERR_PE_HEADERS_OUT_OF_BOUNDS;

	ret = check_sections(pe, sec_off);
	if (ret)
		return ret;
	ret = check_cert_table(pe);
	if (ret)
		return ret;

	/*
	 * Digest ranges: everything up to the certificate table (or the end
	 * of the file) except CheckSum and the certificate directory entry.
	 * Both lie inside the optional header, CheckSum first.
	 */
	hashed_end = pe->cert.len ? pe->cert.off : len;
	add_hash(pe, 0, pe->checksum_off);
	if (pe->certdir_off) {
		add_hash(pe, pe->checksum_off + 4ULL, pe->certdir_off);
		add_hash(pe, pe->certdir_off + (__u64)HEKI_PE_DIR_SIZE,
			 hashed_end);
	} else {
		add_hash(pe, pe->checksum_off + 4ULL, hashed_end);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_pe.c - heki_pe_parse() on the Debian kernel and on a small
 * synthetic PE32+ with one field broken per case; the image digest
 * against osslsigncode's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "kexec/pe.h"
#include "kexec/authenticode.h"

/*
 * Synthetic image: headers 0x200, sections at 0x200 and 0x400 (0x200
 * each), certificate table at 0x600 (16 bytes).
 */
#define S_LEN		0x610
#define S_OPT		0x58
#define S_CHECKSUM	(S_OPT + 64)
#define S_SOH		(S_OPT + 60)
#define S_NDIRS		(S_OPT + 108)
#define S_CERTDIR	(S_OPT + 112 + 32)
#define S_SEC(i, f)	(S_OPT + 0xf0 + 40 * (i) + (f))

static void put16(__u8 *b, size_t off, __u32 v)
{
	b[off] = (__u8)v;
	b[off + 1] = (__u8)(v >> 8);
}

static void put32(__u8 *b, size_t off, __u32 v)
{
	put16(b, off, v & 0xffff);
	put16(b, off + 2, v >> 16);
}

static void synth(__u8 *b)
{
	size_t i;

	memset(b, 0, S_LEN);
	for (i = 0x200; i < S_LEN; i++)
		b[i] = (__u8)(i * 13);
	put16(b, 0, 0x5a4d);
	put32(b, 0x3c, 0x40);
	put32(b, 0x40, 0x00004550);
	put16(b, 0x44, 0x8664);
	put16(b, 0x46, 2);
	put16(b, 0x54, 0xf0);
	put16(b, S_OPT, 0x20b);
	put32(b, S_SOH, 0x200);
	put32(b, S_NDIRS, 16);
	put32(b, S_CERTDIR, 0x600);
	put32(b, S_CERTDIR + 4, 0x10);
	memcpy(b + S_SEC(0, 0), ".text", 5);
	put32(b, S_SEC(0, 16), 0x200);
	put32(b, S_SEC(0, 20), 0x200);
	memcpy(b + S_SEC(1, 0), ".data", 5);
	put32(b, S_SEC(1, 16), 0x200);
	put32(b, S_SEC(1, 20), 0x400);
}

struct pe_case {
	const char *name;
	size_t off;	/* field to change (ignored when width is 0) */
	int width;	/* 2 or 4 bytes; 0: only @len changes */
	__u32 val;
	size_t len;	/* image length (0: S_LEN) */
	int want;
	size_t off2;	/* a second 4-byte field to change, if non-zero */
	__u32 val2;
};

#define E(x)	(-HEKI_VSM_ERR_##x)

static const struct pe_case pe_cases[] = {
	{ "pe_ok", 0, 0, 0, 0, 0 },
	{ "pe_truncated", 0, 0, 0, 0x3f, E(PE_TRUNCATED) },
	{ "pe_dos_magic", 0, 2, 0x5a4e, 0, E(PE_BAD_DOS_MAGIC) },
	{ "pe_lfanew_beyond", 0x3c, 4, 0x10000, 0, E(PE_BAD_LFANEW) },
	{ "pe_lfanew_wraps", 0x3c, 4, 0xfffffff0, 0, E(PE_BAD_LFANEW) },
	{ "pe_lfanew_in_dos_header", 0x3c, 4, 0, 0, E(PE_BAD_LFANEW) },
	{ "pe_signature", 0x40, 4, 0x00004551, 0, E(PE_BAD_SIGNATURE) },
	{ "pe_machine_i386", 0x44, 2, 0x14c, 0, E(PE_BAD_MACHINE) },
	{ "pe_opt_too_small", 0x54, 2, 0x60, 0, E(PE_BAD_OPT_HEADER) },
	{ "pe_opt_beyond", 0x54, 2, 0xfff0, 0, E(PE_BAD_OPT_HEADER) },
	{ "pe_opt_pe32", S_OPT, 2, 0x10b, 0, E(PE_BAD_OPT_HEADER) },
	{ "pe_dirs_17", S_NDIRS, 4, 17, 0, E(PE_BAD_DIRECTORIES) },
	{ "pe_dirs_huge", S_NDIRS, 4, 0x20000000, 0, E(PE_BAD_DIRECTORIES) },
	{ "pe_dirs_beyond_opt", 0x54, 2, 0x70 + 8 * 15, 0,
	  E(PE_BAD_DIRECTORIES) },
	{ "pe_sections_0", 0x46, 2, 0, 0, E(PE_BAD_SECTIONS) },
	{ "pe_sections_97", 0x46, 2, 97, 0, E(PE_BAD_SECTIONS) },
	{ "pe_headers_below_table", S_SOH, 4, 0x180, 0,
	  E(PE_HEADERS_OUT_OF_BOUNDS) },
	{ "pe_headers_beyond_file", S_SOH, 4, 0x10000, 0,
	  E(PE_HEADERS_OUT_OF_BOUNDS) },
	{ "pe_headers_reach_end_of_file", S_SOH, 4, S_LEN, 0,
	  E(PE_HEADERS_OUT_OF_BOUNDS) },
	{ "pe_opt_size_above_directories", 0x54, 2, 0xf8, 0,
	  E(PE_OPT_HEADER_SIZE_MISMATCH) },
	{ "pe_directories_below_opt_size", S_NDIRS, 4, 15, 0,
	  E(PE_OPT_HEADER_SIZE_MISMATCH) },
	{ "pe_section_beyond_file", S_SEC(1, 16), 4, 0x300, 0,
	  E(PE_SECTION_OUT_OF_BOUNDS) },
	{ "pe_section_offset_wraps", S_SEC(1, 20), 4, 0xffffff00, 0,
	  E(PE_SECTION_OUT_OF_BOUNDS) },
	{ "pe_section_overlaps_headers", S_SEC(0, 20), 4, 0x1f0, 0,
	  E(PE_SECTION_OVERLAP) },
	{ "pe_sections_overlap", S_SEC(1, 20), 4, 0x3f8, 0,
	  E(PE_SECTION_OVERLAP) },
	{ "pe_sections_same_offset", S_SEC(1, 20), 4, 0x200, 0,
	  E(PE_SECTION_OVERLAP) },
	{ "pe_gap_after_headers", S_SOH, 4, 0x1f8, 0, E(PE_SECTION_GAP) },
	{ "pe_gap_between_sections", S_SEC(0, 16), 4, 0x1f8, 0,
	  E(PE_SECTION_GAP) },
	{ "pe_cert_misaligned", S_CERTDIR, 4, 0x604, 0,
	  E(PE_CERT_TABLE_INVALID) },
	{ "pe_cert_not_at_end", S_CERTDIR + 4, 4, 0x8, 0,
	  E(PE_CERT_TABLE_INVALID) },
	{ "pe_cert_beyond_file", S_CERTDIR + 4, 4, 0x18, 0,
	  E(PE_CERT_TABLE_INVALID) },
	{ "pe_cert_size_wraps", S_CERTDIR + 4, 4, 0xfffffa00, 0,
	  E(PE_CERT_TABLE_INVALID) },
	{ "pe_cert_inside_sections", S_CERTDIR, 4, 0x5f0, 0,
	  E(PE_CERT_TABLE_INVALID), S_CERTDIR + 4, 0x20 },
	{ "pe_cert_offset_zero", S_CERTDIR, 4, 0, 0,
	  E(PE_CERT_TABLE_INVALID) },
	{ "pe_section_order_by_pointer", S_SEC(0, 20), 4, 0x400, 0, 0,
	  S_SEC(1, 20), 0x200 },
};

static void check_case(const struct pe_case *c)
{
	struct heki_pe_image pe;
	__u8 b[S_LEN];

	synth(b);
	if (c->width == 2)
		put16(b, c->off, c->val);
	else if (c->width == 4)
		put32(b, c->off, c->val);
	if (c->off2)
		put32(b, c->off2, c->val2);
	check_err(c->name, heki_pe_parse(b, c->len ? c->len : S_LEN, &pe),
		     c->want);
}

static void synthetic_ranges(void)
{
	struct heki_pe_image pe;
	__u8 b[S_LEN];
	int ok;

	synth(b);
	ok = !heki_pe_parse(b, S_LEN, &pe) && pe.nhash == 3 &&
	     pe.hash[0].off == 0 && pe.hash[0].len == S_CHECKSUM &&
	     pe.hash[1].off == S_CHECKSUM + 4 &&
	     pe.hash[1].len == S_CERTDIR - S_CHECKSUM - 4 &&
	     pe.hash[2].off == S_CERTDIR + 8 &&
	     pe.hash[2].len == 0x600 - S_CERTDIR - 8 &&
	     pe.cert.off == 0x600 && pe.cert.len == 0x10 &&
	     pe.sections_end == 0x600;
	check_result(ok, "pe_ranges_skip_checksum_certdir_and_table", NULL);

	/* Unsigned: no certificate table, the digest runs to the end. */
	synth(b);
	put32(b, S_CERTDIR, 0);
	put32(b, S_CERTDIR + 4, 0);
	ok = !heki_pe_parse(b, S_LEN, &pe) && !pe.cert.len && pe.nhash == 3 &&
	     pe.hash[2].off + pe.hash[2].len == S_LEN;
	check_result(ok, "pe_unsigned_ranges_to_end", NULL);

	/*
	 * Four directories (an optional header of 112 + 4 * 8 bytes, the
	 * section table right after it): no certificate entry to skip.
	 */
	synth(b);
	put32(b, S_NDIRS, 4);
	put16(b, 0x54, 0x90);
	memmove(b + S_OPT + 0x90, b + S_SEC(0, 0), 2 * 40);
	ok = !heki_pe_parse(b, S_LEN, &pe) && !pe.certdir_off &&
	     pe.nhash == 2 && pe.hash[1].off + pe.hash[1].len == S_LEN;
	check_result(ok, "pe_four_dirs_no_certdir", NULL);

	/* A section without raw data takes no place, wherever it points. */
	synth(b);
	put16(b, 0x46, 3);
	put32(b, S_SOH, 0x200);
	put32(b, S_SEC(2, 16), 0);
	put32(b, S_SEC(2, 20), 0xffffffff);
	check_err("pe_empty_section_ignored", heki_pe_parse(b, S_LEN, &pe),
		     0);
}

static void vmlinuz_layout(void)
{
	const __u8 *b = at.vmlinuz.data;
	struct heki_pe_image pe;
	__u32 pe_off, opt, cert_off, cert_len;
	int ok;

	pe_off = b[0x3c] | b[0x3d] << 8;
	opt = pe_off + 24;
	cert_off = b[opt + 144] | b[opt + 145] << 8 | b[opt + 146] << 16 |
		   (__u32)b[opt + 147] << 24;
	cert_len = b[opt + 148] | b[opt + 149] << 8 | b[opt + 150] << 16 |
		   (__u32)b[opt + 151] << 24;
	ok = !heki_pe_parse(at.vmlinuz.data, at.vmlinuz.len, &pe) &&
	     pe.checksum_off == opt + 64 && pe.certdir_off == opt + 144 &&
	     pe.cert.off == cert_off && pe.cert.len == cert_len &&
	     pe.cert.off + pe.cert.len == at.vmlinuz.len && pe.nhash == 3 &&
	     pe.hash[2].off + pe.hash[2].len == cert_off &&
	     pe.nsections >= 3;
	check_result(ok, "pe_vmlinuz_parses", "%u sections, headers %u, table %llu+%llu",
		 pe.nsections, pe.size_of_headers,
		 (unsigned long long)pe.cert.off,
		 (unsigned long long)pe.cert.len);
}

/* Our digest of @f equals osslsigncode's @hex (and @f is unchanged). */
static void digest_vs_osslsigncode(const struct at_provider *p,
				   const char *what, const struct at_file *f,
				   __u32 alg, const char *hex)
{
	__u8 want[HEKI_VTL1_HASH_MAX_SIZE], got[HEKI_VTL1_HASH_MAX_SIZE];
	struct heki_pe_image pe;
	char name[128];
	__u8 *b = at_dup(f);
	size_t n = at_unhex(hex, want, sizeof(want));
	int ret;

	snprintf(name, sizeof(name), "pe_digest_equals_osslsigncode_%s_%s",
		 what, p->name);
	ret = heki_pe_parse(b, f->len, &pe);
	if (!ret)
		ret = heki_authenticode_image_digest(p->c, &pe, b, alg, got,
						     sizeof(got));
	check_result(ret == (int)heki_vtl1_hash_size(alg) && n == (size_t)ret &&
		 !memcmp(got, want, n) && !memcmp(b, f->data, f->len), name,
		 "ret %d, %zu-byte reference", ret, n);
	free(b);
}

void test_pe(void)
{
	unsigned int i;

	for (i = 0; i < HEKI_ARRAY_SIZE(pe_cases); i++)
		check_case(&pe_cases[i]);
	synthetic_ranges();
	vmlinuz_layout();
	for (i = 0; i < at_nr_providers; i++) {
		const struct at_provider *p = &at_providers[i];

		digest_vs_osslsigncode(p, "vmlinuz_sha256", &at.vmlinuz,
				       HEKI_VTL1_HASH_SHA256, at.md_vmlinuz);
		digest_vs_osslsigncode(p, "sha384", &at.s384,
				       HEKI_VTL1_HASH_SHA384, at.md_s384);
		digest_vs_osslsigncode(p, "sha512", &at.s512,
				       HEKI_VTL1_HASH_SHA512, at.md_s512);
		digest_vs_osslsigncode(p, "trailing_data", &at.trail,
				       HEKI_VTL1_HASH_SHA256, at.md_trail);
	}
}

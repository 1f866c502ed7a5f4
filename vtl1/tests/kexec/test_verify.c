// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_verify.c - heki_authenticode_verify() on the Debian kernel, on the
 * kernel re-signed with a test key, and on each kind of tampering, for
 * every crypto provider.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "kexec/pe.h"
#include "sig/pkcs7.h"
#include "kexec/authenticode.h"
#include "sig/revoke.h"

#define E(x)	(-HEKI_VSM_ERR_##x)

static const __u8 oid_spc[] = {
	0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x01, 0x04
};

static void put32(__u8 *b, size_t off, __u32 v)
{
	memcpy(b + off, &v, 4);
}

static __u32 get32(const __u8 *b, size_t off)
{
	__u32 v;

	memcpy(&v, b + off, 4);
	return v;
}

static const struct at_provider *P;
static char nm[160];

static const char *name(const char *what)
{
	snprintf(nm, sizeof(nm), "%s_%s", what, P->name);
	return nm;
}

static int verify_with(const struct at_file *f, __u8 *b,
		       const struct at_file *cert)
{
	void *kr = at_keyring(P, cert, NULL);
	int ret = heki_authenticode_verify(P->c, kr, b, f->len);

	at_keyring_free(P, kr);
	return ret;
}

/* Verify a copy of @f with byte @off xor @x against @cert. */
static int verify_flipped(const struct at_file *f, size_t off, __u8 x,
			  const struct at_file *cert)
{
	__u8 *b = at_dup(f);
	int ret;

	b[off] ^= x;
	ret = verify_with(f, b, cert);
	free(b);
	return ret;
}

/* Where the parts of @f's (first) signature lie, as file offsets. */
struct sig_parts {
	struct heki_pe_image pe;
	size_t p7;		/* first byte of the PKCS#7 */
	size_t spc_digest;	/* DigestInfo digest octets */
	size_t md;		/* messageDigest octets */
	size_t sig;		/* signature octets */
	size_t attrs, attrs_len;
	size_t ct_attr;		/* contentType attribute OID octets */
	size_t encap_ct;	/* encapsulated content type OID octets */
	__u32 dlen, siglen;
};

static int sig_parts(const struct at_file *f, const char *spc_hex,
		     struct sig_parts *s)
{
	__u8 d[HEKI_VTL1_HASH_MAX_SIZE];
	struct heki_pkcs7 p7;
	size_t n = at_unhex(spc_hex, d, sizeof(d));
	long at_;

	memset(s, 0, sizeof(*s));
	if (heki_pe_parse(f->data, f->len, &s->pe) || !s->pe.cert.len)
		return -1;
	s->p7 = s->pe.cert.off + HEKI_WIN_CERT_HDR_SIZE;
	if (heki_pkcs7_parse(f->data + s->p7,
			     (f->data[s->p7 + 2] << 8 | f->data[s->p7 + 3]) + 4,
			     &p7))
		return -1;
	at_ = at_find(f->data, f->len, s->pe.cert.off, d, n);
	if (at_ < 0 || !p7.signer.message_digest.p || !p7.signer.sig.p ||
	    !p7.signer.signed_attrs.p || !p7.signer.content_type.p ||
	    !p7.content_type.p)
		return -1;
	s->spc_digest = (size_t)at_;
	s->dlen = (__u32)n;
	s->md = (size_t)(p7.signer.message_digest.p - f->data);
	s->sig = (size_t)(p7.signer.sig.p - f->data);
	s->siglen = p7.signer.sig.len;
	s->attrs = (size_t)(p7.signer.signed_attrs.p - f->data);
	s->attrs_len = p7.signer.signed_attrs.len;
	s->ct_attr = (size_t)(p7.signer.content_type.p - f->data);
	s->encap_ct = (size_t)(p7.content_type.p - f->data);
	return 0;
}

static void good_and_bad_keys(void)
{
	void *kr;
	__u8 *b;

	b = at_dup(&at.vmlinuz);
	check_err(name("vmlinuz_verifies_with_its_signer_cert"),
		     verify_with(&at.vmlinuz, b, &at.signer), 0);
	check_result(!memcmp(b, at.vmlinuz.data, at.vmlinuz.len),
		 name("vmlinuz_buffer_unchanged_by_verify"), NULL);
	check_err(name("vmlinuz_unknown_cert_refused"),
		     verify_with(&at.vmlinuz, b, &at.other),
		     E(CRYPTO_CERT_NOT_FOUND));
	check_err(name("vmlinuz_impostor_same_issuer_serial_refused"),
		     verify_with(&at.vmlinuz, b, &at.impostor),
		     E(SIG_KEY_REJECTED));
	kr = at_keyring(P, &at.other, &at.impostor, &at.signer, NULL);
	check_err(name("vmlinuz_verifies_with_signer_among_others"),
		     heki_authenticode_verify(P->c, kr, b, at.vmlinuz.len), 0);
	at_keyring_free(P, kr);
	free(b);

	b = at_dup(&at.s256);
	check_err(name("resigned_sha256_verifies_with_test_cert"),
		     verify_with(&at.s256, b, &at.testcert), 0);
	check_err(name("resigned_sha256_refused_with_debian_cert"),
		     verify_with(&at.s256, b, &at.signer),
		     E(CRYPTO_CERT_NOT_FOUND));
	free(b);
	b = at_dup(&at.s384);
	check_err(name("resigned_sha384_verifies"),
		     verify_with(&at.s384, b, &at.testcert), 0);
	free(b);
	b = at_dup(&at.s512);
	check_err(name("resigned_sha512_verifies"),
		     verify_with(&at.s512, b, &at.testcert), 0);
	free(b);
	b = at_dup(&at.s1);
	check_err(name("resigned_sha1_refused"),
		     verify_with(&at.s1, b, &at.testcert),
		     E(AUTHENTICODE_DIGEST_UNSUPPORTED));
	free(b);
	b = at_dup(&at.trail);
	check_err(name("trailing_data_image_verifies"),
		     verify_with(&at.trail, b, &at.testcert), 0);
	free(b);
}

/*
 * One byte changed at sampled offsets of each hashed part: every header
 * sample fails (CheckSum excepted: it is not hashed), every section and
 * trailing-data sample fails with the image digest mismatch.
 */
static void flips(void)
{
	const struct heki_pe_image *pe;
	struct sig_parts s;
	unsigned int i, bad, n;
	char what[96];
	size_t off;
	int ret;

	if (sig_parts(&at.vmlinuz, at.md_vmlinuz, &s)) {
		check_result(0, name("flip_setup"), "cannot locate the signature");
		return;
	}
	pe = &s.pe;
	for (bad = n = 0, off = 0; off < pe->size_of_headers; off += 61) {
		if (off >= pe->checksum_off && off < pe->checksum_off + 4U)
			continue;
		if (off >= pe->certdir_off && off < pe->certdir_off + 8U)
			continue;
		n++;
		ret = verify_flipped(&at.vmlinuz, off, 0x01, &at.signer);
		if (!ret) {
			bad++;
			printf("  header byte %zu changed and still verifies\n",
			       off);
		}
	}
	snprintf(what, sizeof(what), "flip_header_bytes_%u_offsets_refused",
		 n);
	check_result(!bad && n > 50, name(what), "%u of %u verified", bad, n);

	for (i = 0; i < 4; i++)
		if (verify_flipped(&at.vmlinuz, pe->checksum_off + i, 0x5a,
				   &at.signer))
			n = 0;
	check_result(n != 0, name("flip_checksum_field_still_verifies"), NULL);

	for (i = 0; i < pe->nsections; i++) {
		const __u8 *v = at.vmlinuz.data;
		__u32 pe_off = v[0x3c] | v[0x3d] << 8, rp, rs, k;
		__u32 sec = pe_off + 24 + (v[pe_off + 20] | v[pe_off + 21] << 8) +
			    40 * i;
		size_t offs[5];

		rs = get32(v, sec + 16);
		rp = get32(v, sec + 20);
		if (!rs)
			continue;
		offs[0] = rp;
		offs[1] = rp + rs / 3;
		offs[2] = rp + rs / 2;
		offs[3] = rp + rs - rs / 5;
		offs[4] = rp + rs - 1;
		for (bad = 0, k = 0; k < 5; k++) {
			ret = verify_flipped(&at.vmlinuz, offs[k], 0x80,
					     &at.signer);
			if (ret != E(AUTHENTICODE_IMAGE_DIGEST_MISMATCH)) {
				bad++;
				printf("  section %u byte %zu: %d (%s)\n", i,
				       offs[k], ret, check_err_name(ret));
			}
		}
		snprintf(what, sizeof(what),
			 "flip_section_%.8s_5_offsets_digest_mismatch",
			 (const char *)at.vmlinuz.data + sec);
		for (k = 0; what[k]; k++)
			if (what[k] == '.')
				what[k] = '_';
		check_result(!bad, name(what), "%u wrong", bad);
	}

	/* Trailing data (between the last section and the table). */
	{
		struct heki_pe_image tp;

		ret = heki_pe_parse(at.trail.data, at.trail.len, &tp);
		if (!ret && tp.cert.off > tp.sections_end) {
			for (bad = 0, off = tp.sections_end; off < tp.cert.off;
			     off++)
				bad += verify_flipped(&at.trail, off, 0x10,
						      &at.testcert) !=
				       E(AUTHENTICODE_IMAGE_DIGEST_MISMATCH);
			check_result(!bad,
				 name("flip_trailing_data_every_byte_digest_mismatch"),
				 "%u of %llu wrong", bad,
				 (unsigned long long)(tp.cert.off -
						      tp.sections_end));
		} else {
			check_result(0, name("flip_trailing_data_setup"),
				 "no trailing data (%d)", ret);
		}
	}
}

/* Changes inside the signature itself. */
static void signature_parts(void)
{
	__u8 md[HEKI_VTL1_HASH_MAX_SIZE];
	struct sig_parts s;
	long ct2;
	__u8 *b;
	int ret;

	if (sig_parts(&at.vmlinuz, at.md_vmlinuz, &s)) {
		check_result(0, name("sig_setup"), "cannot locate the signature");
		return;
	}
	check_err(name("spc_digest_changed_message_digest_mismatch"),
		     verify_flipped(&at.vmlinuz, s.spc_digest + 5, 0x01,
				    &at.signer),
		     E(AUTHENTICODE_MESSAGE_DIGEST_MISMATCH));

	/*
	 * LiteBox 7.4: a tampered image whose SpcIndirectDataContent digest
	 * is replaced by the tampered image's digest, signer info and
	 * signature left as they are.
	 */
	b = at_dup(&at.vmlinuz);
	b[s.pe.size_of_headers + 0x1234] ^= 0xff;
	s.pe.data = b;
	ret = heki_authenticode_image_digest(P->c, &s.pe, b,
					     HEKI_VTL1_HASH_SHA256, md,
					     sizeof(md));
	if (ret == 32) {
		memcpy(b + s.spc_digest, md, 32);
		ret = verify_with(&at.vmlinuz, b, &at.signer);
	} else {
		ret = 1;
	}
	check_err(name("litebox_7_4_forged_spc_digest_refused"), ret,
		     E(AUTHENTICODE_MESSAGE_DIGEST_MISMATCH));
	free(b);

	check_err(name("message_digest_changed_refused"),
		     verify_flipped(&at.vmlinuz, s.md + s.dlen - 1, 0x01,
				    &at.signer),
		     E(AUTHENTICODE_MESSAGE_DIGEST_MISMATCH));
	check_err(name("signature_last_byte_changed_refused"),
		     verify_flipped(&at.vmlinuz, s.sig + s.siglen - 1, 0x01,
				    &at.signer),
		     E(SIG_KEY_REJECTED));
	check_err(name("signature_first_byte_changed_refused"),
		     verify_flipped(&at.vmlinuz, s.sig, 0x01, &at.signer),
		     E(SIG_KEY_REJECTED));
	check_err(name("signed_content_type_attr_changed_refused"),
		     verify_flipped(&at.vmlinuz, s.ct_attr + 9, 0x01,
				    &at.signer),
		     E(AUTHENTICODE_CONTENT_TYPE_MISMATCH));
	check_err(name("encap_content_type_changed_refused"),
		     verify_flipped(&at.vmlinuz, s.encap_ct + 9, 0x01,
				    &at.signer),
		     E(AUTHENTICODE_NOT_SPC_INDIRECT));
	/* The SpcIndirectDataContent DigestInfo names SHA-512, 32-byte value. */
	ct2 = at_find(at.vmlinuz.data, at.vmlinuz.len, s.encap_ct + 10,
		      "\x60\x86\x48\x01\x65\x03\x04\x02\x01", 9);
	check_err(name("spc_digest_alg_changed_refused"),
		     ct2 > 0 && (size_t)ct2 < s.spc_digest ?
		     verify_flipped(&at.vmlinuz, (size_t)ct2 + 8, 0x02,
				    &at.signer) : 1,
		     E(AUTHENTICODE_SPC_PARSE_FAILED));
	/* A signed attribute other than the two checked: signing time. */
	ct2 = at_find(at.vmlinuz.data, s.attrs + s.attrs_len, s.attrs,
		      "\x17\x0d", 2);
	check_err(name("signing_time_attr_changed_refused"),
		     ct2 > 0 ? verify_flipped(&at.vmlinuz, (size_t)ct2 + 3,
					      0x01, &at.signer) : 1,
		     E(SIG_KEY_REJECTED));
	(void)oid_spc;
}

/* The WIN_CERTIFICATE walk. */
static void win_certificate(void)
{
	struct heki_pe_image pe, pe2;
	size_t co, len1, len2, e1, total;
	__u8 *b;
	void *kr;

	if (heki_pe_parse(at.vmlinuz.data, at.vmlinuz.len, &pe) ||
	    heki_pe_parse(at.s256.data, at.s256.len, &pe2)) {
		check_result(0, name("wincert_setup"), NULL);
		return;
	}
	co = pe.cert.off;
	check_err(name("wincert_revision_1_no_signature"),
		     verify_flipped(&at.vmlinuz, co + 5, 0x03, &at.signer),
		     E(AUTHENTICODE_NO_SIGNATURE));
	check_err(name("wincert_type_x509_no_signature"),
		     verify_flipped(&at.vmlinuz, co + 6, 0x03, &at.signer),
		     E(AUTHENTICODE_NO_SIGNATURE));
	b = at_dup(&at.vmlinuz);
	put32(b, co, 8);
	check_err(name("wincert_length_8_invalid"),
		     verify_with(&at.vmlinuz, b, &at.signer),
		     E(AUTHENTICODE_CERT_ENTRY_INVALID));
	put32(b, co, (__u32)pe.cert.len + 8);
	check_err(name("wincert_length_beyond_table_invalid"),
		     verify_with(&at.vmlinuz, b, &at.signer),
		     E(AUTHENTICODE_CERT_ENTRY_INVALID));
	memcpy(b, at.vmlinuz.data, at.vmlinuz.len);
	put32(b, pe.certdir_off, 0);
	put32(b, pe.certdir_off + 4, 0);
	check_err(name("unsigned_image_refused"),
		     verify_with(&at.vmlinuz, b, &at.signer),
		     E(AUTHENTICODE_NOT_SIGNED));
	free(b);

	/* Padding inside dwLength: zeros accepted, anything else not. */
	total = at.vmlinuz.len + 8;
	b = calloc(1, total);
	memcpy(b, at.vmlinuz.data, at.vmlinuz.len);
	put32(b, co, get32(b, co) + 8);
	put32(b, pe.certdir_off + 4, (__u32)pe.cert.len + 8);
	kr = at_keyring(P, &at.signer, NULL);
	check_err(name("wincert_zero_padding_accepted"),
		     heki_authenticode_verify(P->c, kr, b, total), 0);
	b[total - 1] = 1;
	check_err(name("wincert_nonzero_padding_invalid"),
		     heki_authenticode_verify(P->c, kr, b, total),
		     E(AUTHENTICODE_CERT_ENTRY_INVALID));
	free(b);

	/*
	 * Finding 5 of issue 10: the table must be one WIN_CERTIFICATE and
	 * nothing else, as Linux's pefile_strip_sig_wrapper() requires
	 * (round_up(dwLength, 8) == the directory's size). A valid Debian
	 * entry followed by a second entry (the test key's signature over
	 * the same image) is refused, whichever keyring, and so is the
	 * valid entry followed by 8 bytes of junk.
	 */
	len1 = pe.cert.len;
	len2 = get32(at.s256.data, pe2.cert.off);
	e1 = (len1 + 7) & ~(size_t)7;
	total = co + e1 + len2;
	b = calloc(1, total);
	memcpy(b, at.vmlinuz.data, co + len1);
	memcpy(b + co + e1, at.s256.data + pe2.cert.off, len2);
	put32(b, pe.certdir_off + 4, (__u32)(e1 + len2));
	check_err(name("finding5_valid_entry_then_second_entry_refused"),
		     heki_authenticode_verify(P->c, kr, b, total),
		     E(AUTHENTICODE_CERT_TABLE_NOT_ONE_ENTRY));
	at_keyring_free(P, kr);
	kr = at_keyring(P, &at.testcert, NULL);
	check_err(name("finding5_second_entry_never_tried"),
		     heki_authenticode_verify(P->c, kr, b, total),
		     E(AUTHENTICODE_CERT_TABLE_NOT_ONE_ENTRY));
	at_keyring_free(P, kr);
	free(b);

	total = co + e1 + 8;
	b = calloc(1, total);
	memcpy(b, at.vmlinuz.data, co + len1);
	memset(b + co + e1, 0xa5, 8);
	put32(b, pe.certdir_off + 4, (__u32)(e1 + 8));
	kr = at_keyring(P, &at.signer, NULL);
	check_err(name("finding5_valid_entry_then_trailing_junk_refused"),
		     heki_authenticode_verify(P->c, kr, b, total),
		     E(AUTHENTICODE_CERT_TABLE_NOT_ONE_ENTRY));
	/* The same 8 bytes as zeros: still not one entry. */
	memset(b + co + e1, 0, 8);
	check_err(name("finding5_valid_entry_then_zero_tail_refused"),
		     heki_authenticode_verify(P->c, kr, b, total),
		     E(AUTHENTICODE_CERT_TABLE_NOT_ONE_ENTRY));
	/* The table one byte shorter than dwLength rounded up to 8. */
	put32(b, pe.certdir_off + 4, (__u32)e1 - 1);
	check_err(name("wincert_table_short_of_rounded_length_refused"),
		     heki_authenticode_verify(P->c, kr, b, co + e1 - 1),
		     E(AUTHENTICODE_CERT_ENTRY_INVALID));
	free(b);

	/* A PKCS#7 length of three bytes: Linux says EMSGSIZE. */
	b = at_dup(&at.vmlinuz);
	b[co + 9] = 0x83;
	check_err(name("wincert_pkcs7_length_3_bytes_refused"),
		     heki_authenticode_verify(P->c, kr, b, at.vmlinuz.len),
		     E(AUTHENTICODE_SIGNATURE_TOO_LONG));
	free(b);
	at_keyring_free(P, kr);
}

/* heki_authenticode_verify_rev() of @f's copy with @rev, @cert trusted. */
static int verify_rev(const struct at_file *f, const struct at_file *cert,
		      struct heki_revocation *rev)
{
	void *kr = at_keyring(P, cert, NULL);
	__u8 *b = at_dup(f);
	int ret = heki_authenticode_verify_rev(P->c, kr, rev, b, f->len);

	at_keyring_free(P, kr);
	free(b);
	return ret;
}

/* One blocklist entry of @kind: the digest @hex, last byte xor @x. */
static void one_entry(struct heki_revocation *rev,
		      struct heki_block_entry *e, __u8 kind, const char *hex,
		      __u8 x)
{
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->len = (__u8)at_unhex(hex, e->hash, sizeof(e->hash));
	if (e->len)
		e->hash[e->len - 1] ^= x;
	rev->e = e;
	rev->n = 1;
}

/*
 * Revoked certificates (issuer and serial name the signer, and its key
 * verifies) and blocked Authenticode digests (UEFI dbx): the digest is
 * osslsigncode's, an oracle independent of the library.
 */
static void revocation(void)
{
	struct heki_revocation rev;
	struct heki_block_entry e;

	memset(&rev, 0, sizeof(rev));
	rev.revoked = at_keyring(P, &at.signer, NULL);
	check_err(name("revoked_signer_refused"),
		  verify_rev(&at.vmlinuz, &at.signer, &rev),
		  E(SIG_KEY_REVOKED));
	check_err(name("revoked_signer_refused_even_if_untrusted"),
		  verify_rev(&at.vmlinuz, &at.other, &rev),
		  E(SIG_KEY_REVOKED));
	at_keyring_free(P, rev.revoked);
	rev.revoked = at_keyring(P, &at.impostor, &at.other, NULL);
	check_err(name("revoked_same_issuer_serial_other_key_accepts"),
		  verify_rev(&at.vmlinuz, &at.signer, &rev), 0);
	at_keyring_free(P, rev.revoked);
	rev.revoked = NULL;
	rev.blocked = at_keyring(P, &at.signer, NULL);
	check_err(name("tbs_blocked_signer_refused"),
		  verify_rev(&at.vmlinuz, &at.other, &rev),
		  E(SIG_CERT_BLOCKED));
	at_keyring_free(P, rev.blocked);
	rev.blocked = NULL;

	one_entry(&rev, &e, HEKI_BLOCK_BIN, at.md_vmlinuz, 0);
	check_err(name("authenticode_digest_blocked"),
		  verify_rev(&at.vmlinuz, &at.signer, &rev),
		  E(SIG_HASH_BLOCKED));
	one_entry(&rev, &e, HEKI_BLOCK_TBS, at.md_vmlinuz, 0);
	check_err(name("authenticode_digest_as_tbs_entry_accepts"),
		  verify_rev(&at.vmlinuz, &at.signer, &rev), 0);
	one_entry(&rev, &e, HEKI_BLOCK_BIN, at.md_vmlinuz, 1);
	check_err(name("other_digest_blocked_accepts"),
		  verify_rev(&at.vmlinuz, &at.signer, &rev), 0);
	one_entry(&rev, &e, HEKI_BLOCK_BIN, at.md_s384, 0);
	check_err(name("authenticode_sha384_digest_blocked"),
		  verify_rev(&at.s384, &at.testcert, &rev),
		  E(SIG_HASH_BLOCKED));
}

/*
 * UEFI dbx lists an image by its SHA-256 Authenticode digest whatever hash
 * its signature uses: a bin: entry of one SHA-2 length blocks the image
 * signed with another (s256, s384 and s512 sign the same image bytes, so
 * osslsigncode's digest of one is the other's digest with that hash). A
 * digest of that length that is not the image's blocks nothing.
 */
static void blocklist_other_lengths(void)
{
	static const struct {
		const char *name;
		const struct at_file *img;
		const char *md;
		__u8 x;
		int want;
	} t[] = {
		{ "sha256_entry_blocks_sha384_signed_image", &at.s384,
		  at.md_s256, 0, E(SIG_HASH_BLOCKED) },
		{ "sha256_entry_blocks_sha512_signed_image", &at.s512,
		  at.md_s256, 0, E(SIG_HASH_BLOCKED) },
		{ "sha384_entry_blocks_sha256_signed_image", &at.s256,
		  at.md_s384, 0, E(SIG_HASH_BLOCKED) },
		{ "sha512_entry_blocks_sha256_signed_image", &at.s256,
		  at.md_s512, 0, E(SIG_HASH_BLOCKED) },
		{ "sha512_entry_blocks_sha384_signed_image", &at.s384,
		  at.md_s512, 0, E(SIG_HASH_BLOCKED) },
		{ "other_sha256_entry_accepts_sha384_signed_image", &at.s384,
		  at.md_s256, 1, 0 },
		{ "other_sha512_entry_accepts_sha256_signed_image", &at.s256,
		  at.md_s512, 1, 0 },
	};
	struct heki_revocation rev;
	struct heki_block_entry e;
	unsigned int i;

	for (i = 0; i < HEKI_ARRAY_SIZE(t); i++) {
		memset(&rev, 0, sizeof(rev));
		one_entry(&rev, &e, HEKI_BLOCK_BIN, t[i].md, t[i].x);
		check_err(name(t[i].name),
			  verify_rev(t[i].img, &at.testcert, &rev), t[i].want);
	}
}

void test_verify(void)
{
	unsigned int i;

	for (i = 0; i < at_nr_providers; i++) {
		P = &at_providers[i];
		good_and_bad_keys();
		flips();
		signature_parts();
		win_certificate();
		revocation();
		blocklist_other_lengths();
	}
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_revocation.c - LoadKData's RevocationCerts and BlocklistHashes through
 * the dispatcher, and ValidateModule refusing what they revoke or block
 * (sig/revoke.h, kdata/revocation.c). The test provider's digest is not a
 * hash (guest.c): the tests compute the expected entries with it. The
 * kexec Authenticode digest and real certificates are tested with OpenSSL
 * in tests/kexec/test_verify.c and tests/sig/test_revoke.c.
 */
#include "test.h"
#include "core/core.h"
#include "kdata/certs.h"
#include "sig/sig.h"

#define LOAD_KDATA	VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE
#define MOD_PA		MEM_PA
#define ELF_PA		(DATA_PA + 0x10000)
#define MAGIC_LEN	HEKI_MODULE_SIG_MAGIC_LEN

/* CHECK_EQ and CHECK naming the table row that failed. */
#define CHECK_EQ_MSG(a, b, fmt, ...)					\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_)						\
			check_fail(__FILE__, __LINE__, "%lld != %lld: " fmt, \
				   a_, b_, __VA_ARGS__);		\
	} while (0)
#define CHECK_MSG(cond, fmt, ...)					\
	do {								\
		if (!(cond))						\
			check_fail(__FILE__, __LINE__, fmt, __VA_ARGS__); \
	} while (0)

/* "<prefix>:<hex of the @alg digest of @data>\n" appended to @out. */
static void entry(struct guest *g, char *out, const char *prefix, __u32 alg,
		  const void *data, __u64 len)
{
	__u8 md[HEKI_VTL1_HASH_MAX_SIZE];
	int n = g->crypto.digest(g->crypto.ctx, alg, data, len, md, sizeof(md));
	char *p = out + strlen(out);
	int i;

	p += sprintf(p, "%s:", prefix);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%02x", md[i]);
	strcpy(p, "\n");
}

/* The signed module validate_module_at() writes, as a file: its length. */
static __u64 module_file(__u8 *buf, __u64 size)
{
	struct guest *s = guest_new();
	__u64 len;

	s->quiet = 1;
	CHECK_EQ(load_kdata_basic(s), 0);
	CHECK(validate_module_at(s, MOD_PA, ELF_PA) >= 0);
	for (len = MAGIC_LEN; len <= size; len++)
		if (!memcmp(s->mem + ELF_PA + len - MAGIC_LEN,
			    HEKI_MODULE_SIG_MAGIC, MAGIC_LEN))
			break;
	CHECK(len <= size);
	memcpy(buf, s->mem + ELF_PA, len);
	guest_free(s);
	return len;
}

/*
 * The system certificates: 7 (key 0xA7), the module's signer, and 9 (key
 * 0xA9), which signs nothing here but keeps the keyring from being empty
 * when 7 is revoked or blocked.
 */
static __u64 system_certs(__u8 *buf)
{
	__u64 len = guest_make_cert_key(buf, 7, 0xA7);

	return len + guest_make_cert_key(buf + len, 9, 0xA9);
}

/* LoadKData with system_certs() and the lists, then the module. */
static __s64 load_and_validate(struct guest *g, const void *rev, __u64 rlen,
			       const char *bl)
{
	__u8 cert[0x400];
	__u64 clen = system_certs(cert);

	CHECK_EQ(load_kdata_basic_lists(g, cert, clen, rev, rlen, bl,
					bl ? strlen(bl) : 0), 0);
	return validate_module_at(g, MOD_PA, ELF_PA);
}

TEST(revocation_revoked_signer_refused_and_nothing_kept)
{
	struct guest *g = guest_new();
	__u8 rev[0x200];
	__u64 rlen = guest_make_cert_key(rev, 7, 0xA7);

	CHECK_EQ(load_and_validate(g, rev, rlen, NULL), -HEKI_EKEYREJECTED);
	CHECK(strstr(g->last_log, "SIG_KEY_REVOKED"));
	CHECK_EQ(g->v->nr_mods, 0);
	CHECK_EQ(g->v->nr_certs, 1);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
	guest_free(g);
}

/*
 * R2: the revoked certificate has another issuer and serial (8) but the
 * signer's key: the system certificate 7 is not trusted, and a signature
 * naming it is refused as revoked.
 */
TEST(revocation_reissued_cert_of_a_revoked_key_refused)
{
	struct guest *g = guest_new();
	__u8 rev[0x200];
	__u64 rlen = guest_make_cert_key(rev, 8, 0xA7);

	CHECK_EQ(load_and_validate(g, rev, rlen, NULL), -HEKI_EKEYREJECTED);
	CHECK(strstr(g->last_log, "SIG_KEY_REVOKED"));
	CHECK_EQ(g->v->nr_certs, 1);
	CHECK_EQ(g->v->nr_mods, 0);
	guest_free(g);
}

TEST(revocation_other_revoked_cert_accepts_the_module)
{
	struct guest *g = guest_new();
	__u8 rev[0x400];
	__u64 rlen = guest_make_cert_key(rev, 8, 0xB8);

	/* 9: a system certificate's name, another key: 9 stays trusted */
	rlen += guest_make_cert_key(rev + rlen, 9, 0xB9);
	CHECK(load_and_validate(g, rev, rlen, NULL) >= 0);
	CHECK_EQ(g->v->nr_certs, 2);
	CHECK_EQ(g->v->nr_mods, 1);
	guest_free(g);
}

/* R5: a LoadKData that leaves no system certificate trusted is refused. */
TEST(revocation_every_system_cert_revoked_or_blocked_refused)
{
	static const char *const why[] = {
		"both keys revoked under other names", "both tbs: blocked",
		"one revoked, one blocked",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(why); i++) {
		struct guest *g = guest_new();
		__u8 cert[0x400], rev[0x400];
		__u64 clen = system_certs(cert), rlen = 0;
		char bl[512] = "";

		g->quiet = 1;
		if (i != 1)
			rlen = guest_make_cert_key(rev, 1, 0xA9);
		if (i == 0)
			rlen += guest_make_cert_key(rev + rlen, 2, 0xA7);
		if (i != 0)
			entry(g, bl, "tbs", HEKI_VTL1_HASH_SHA256, cert + 4,
			      0x100);
		if (i == 1)
			entry(g, bl, "tbs", HEKI_VTL1_HASH_SHA384,
			      cert + 0x104 + 4, 0x100);
		CHECK_EQ_MSG(load_kdata_basic_lists(g, cert, clen,
						    rlen ? rev : NULL, rlen,
						    bl, strlen(bl)),
			     -HEKI_EACCES, "%s", why[i]);
		CHECK_MSG(strstr(g->last_log, "SYSTEM_CERTIFICATES_INVALID"),
			  "%s: %s", why[i], g->last_log);
		CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
		CHECK(!g->v->rev);
		guest_free(g);
	}
}

/*
 * With revoked certificates, a certificate whose subjectPublicKeyInfo the
 * DER reader cannot find refuses LoadKData: its key cannot be compared.
 */
TEST(revocation_key_unreadable_refused)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct guest *g = guest_new();
		__u8 cert[0x400], rev[0x200];
		__u64 clen = system_certs(cert), rlen;

		g->quiet = 1;
		if (i == 0) {
			rlen = guest_make_cert_key(rev, 8, 0xB8);
			guest_make_cert_tbs(cert + 0x104, 9);
		} else {
			rlen = guest_make_cert_tbs(rev, 8);
		}
		CHECK_EQ_MSG(load_kdata_basic_lists(g, cert, clen, rev, rlen,
						    NULL, 0),
			     -HEKI_EINVAL, "%s", i ? "revoked" : "system");
		CHECK(strstr(g->last_log, "CERTIFICATE_PARSE_FAILED"));
		CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
		guest_free(g);
	}
}

TEST(revocation_module_file_sha256_blocked)
{
	struct guest *g = guest_new();
	static __u8 mod[0x10000];
	char bl[512] = "";
	__u64 len = module_file(mod, sizeof(mod));

	entry(g, bl, "bin", HEKI_VTL1_HASH_SHA256, mod, len);
	CHECK_EQ(load_and_validate(g, NULL, 0, bl), -HEKI_EKEYREJECTED);
	CHECK(strstr(g->last_log, "SIG_HASH_BLOCKED"));
	CHECK_EQ(g->v->nr_mods, 0);
	guest_free(g);
}

/*
 * VTL1 copies the lists once, at LoadKData: VTL0 rewriting their pages
 * afterwards (another certificate of the same length, a comment line of
 * the same length) changes nothing it refuses.
 */
TEST(revocation_revoked_list_rewritten_after_load_kdata_still_refuses)
{
	struct guest *g = guest_new();
	__u8 cert[0x400], rev[0x200], other[0x200];
	__u64 clen = system_certs(cert);
	__u64 rlen = guest_make_cert_key(rev, 7, 0xA7);

	CHECK_EQ(guest_make_cert_key(other, 8, 0xA8), rlen);
	CHECK_EQ(load_kdata_basic_lists(g, cert, clen, rev, rlen, NULL, 0), 0);
	guest_write(g, KD_REVOKED, other, rlen);
	CHECK_EQ(validate_module_at(g, MOD_PA, ELF_PA), -HEKI_EKEYREJECTED);
	CHECK(strstr(g->last_log, "SIG_KEY_REVOKED"));
	CHECK_EQ(g->v->nr_mods, 0);
	guest_free(g);
}

TEST(revocation_blocklist_rewritten_after_load_kdata_still_refuses)
{
	struct guest *g = guest_new();
	static __u8 mod[0x10000];
	__u8 cert[0x400];
	__u64 clen = system_certs(cert);
	char bl[512] = "", comment[512];
	__u64 len = module_file(mod, sizeof(mod));

	entry(g, bl, "bin", HEKI_VTL1_HASH_SHA256, mod, len);
	CHECK_EQ(load_kdata_basic_lists(g, cert, clen, NULL, 0, bl,
					strlen(bl)), 0);
	memset(comment, '#', strlen(bl) - 1);
	comment[strlen(bl) - 1] = '\n';
	guest_write(g, KD_BLOCKLIST, comment, strlen(bl));
	CHECK_EQ(validate_module_at(g, MOD_PA, ELF_PA), -HEKI_EKEYREJECTED);
	CHECK(strstr(g->last_log, "SIG_HASH_BLOCKED"));
	CHECK_EQ(g->v->nr_mods, 0);
	guest_free(g);
}

TEST(revocation_module_signed_content_sha384_blocked)
{
	struct guest *g = guest_new();
	static __u8 mod[0x10000];
	char bl[512] = "";
	__u64 len = module_file(mod, sizeof(mod));

	/* the content: without the 9-byte signature, trailer and magic */
	entry(g, bl, "bin", HEKI_VTL1_HASH_SHA384, mod,
	      len - MAGIC_LEN - sizeof(struct heki_module_signature) - 9);
	CHECK_EQ(load_and_validate(g, NULL, 0, bl), -HEKI_EKEYREJECTED);
	CHECK(strstr(g->last_log, "SIG_HASH_BLOCKED"));
	guest_free(g);
}

TEST(revocation_other_module_hash_and_comments_accept_the_module)
{
	struct guest *g = guest_new();
	static __u8 mod[0x10000];
	char bl[1024] = "# another module\n\n";
	__u64 len = module_file(mod, sizeof(mod));

	mod[0x100] ^= 1;
	entry(g, bl, "bin", HEKI_VTL1_HASH_SHA256, mod, len);
	entry(g, bl, "tbs", HEKI_VTL1_HASH_SHA256, mod, len);
	CHECK(load_and_validate(g, NULL, 0, bl) >= 0);
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 2);
	CHECK_EQ(g->v->rev->n, 2);
	guest_free(g);
}

TEST(revocation_signer_tbs_blocked)
{
	struct guest *g = guest_new();
	__u8 cert[0x400];
	char bl[512] = "";

	system_certs(cert);
	entry(g, bl, "tbs", HEKI_VTL1_HASH_SHA512, cert + 4, 0x100);
	CHECK_EQ(load_and_validate(g, NULL, 0, bl), -HEKI_EKEYREJECTED);
	CHECK(strstr(g->last_log, "SIG_CERT_BLOCKED"));
	CHECK_EQ(g->v->nr_certs, 1);
	guest_free(g);
}

TEST(revocation_tbs_of_another_cert_keeps_the_signer)
{
	struct guest *g = guest_new();
	__u8 certs[0x400];
	char bl[512] = "";
	__u64 clen = guest_make_cert_tbs(certs, 7);

	clen += guest_make_cert_tbs(certs + clen, 9);
	entry(g, bl, "tbs", HEKI_VTL1_HASH_SHA256, certs + 0x104 + 4, 0x100);
	CHECK_EQ(load_kdata_basic_lists(g, certs, clen, NULL, 0, bl,
					strlen(bl)), 0);
	CHECK_EQ(g->v->nr_certs, 1);
	CHECK(validate_module_at(g, MOD_PA, ELF_PA) >= 0);
	guest_free(g);
}

/* Every list refused as a whole: the error, and nothing loaded. */
TEST(revocation_malformed_blocklists_refused)
{
	static const struct {
		const char *text;
		const char *why;
	} bad[] = {
		{ "bin:", "no digits" },
		{ "bin:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n",
		  "63 digits" },
		{ "bin:0123456789abcdef0123456789abcdef0123456789\n",
		  "40 digits (SHA-1: a hash heki cannot compute)" },
		{ "bin:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n",
		  "upper case (the kernel refuses it too)" },
		{ "bin:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg\n",
		  "not hex" },
		{ "foo:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
		  "unknown prefix" },
		{ "bin 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
		  "no colon" },
		{ "bin:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\r\n",
		  "CRLF" },
		{ " bin:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
		  "leading space" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct guest *g = guest_new();
		__u8 cert[0x200];
		__u64 clen = guest_make_cert(cert, 7);

		g->quiet = 1;
		CHECK_EQ_MSG(load_kdata_basic_lists(g, cert, clen, NULL, 0,
						    bad[i].text,
						    strlen(bad[i].text)),
			     -HEKI_EINVAL, "%s", bad[i].why);
		CHECK_MSG(strstr(g->last_log, "BLOCKLIST_INVALID"), "%s",
			  bad[i].why);
		CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
		CHECK_EQ(frame_prot(g, MEM_PA + 0x100000), 0xF);
		guest_free(g);
	}
}

/* HEKI_BLOCKLIST_MAX entries load; one more refuses the list (E2BIG). */
TEST(revocation_blocklist_count_bounded)
{
	static char bl[(HEKI_BLOCKLIST_MAX + 1) * 70];
	__u8 cert[0x200];
	__u64 clen = guest_make_cert(cert, 7);
	struct guest *g = guest_new();
	__u32 i;
	char *p = bl;

	for (i = 0; i < HEKI_BLOCKLIST_MAX; i++)
		p += sprintf(p, "bin:%064x\n", i);
	CHECK_EQ(load_kdata_basic_lists(g, cert, clen, NULL, 0, bl,
					strlen(bl)), 0);
	CHECK_EQ(g->v->rev->n, HEKI_BLOCKLIST_MAX);
	guest_free(g);

	g = guest_new();
	sprintf(p, "tbs:%064x", i);	/* the last line without its newline */
	CHECK_EQ(load_kdata_basic_lists(g, cert, clen, NULL, 0, bl,
					strlen(bl)), -HEKI_E2BIG);
	CHECK(strstr(g->last_log, "BLOCKLIST_TOO_MANY"));
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	guest_free(g);
}

TEST(revocation_malformed_revocation_lists_refused)
{
	static __u8 rev[0x104 * (HEKI_CERTS_MAX + 1)];
	static const struct {
		__u64 len;
		int err;
		const char *code;
	} bad[] = {
		{ 64, -HEKI_EINVAL, "REVOCATION_CERTS_INVALID" },	/* zeros */
		{ 0x104 + 3, -HEKI_EINVAL, "REVOCATION_CERTS_INVALID" },
		{ 0x104 - 1, -HEKI_EINVAL, "REVOCATION_CERTS_INVALID" },
		{ 0x104 * 2, -HEKI_EINVAL, "CERTIFICATE_PARSE_FAILED" },
		{ 0x104 * (HEKI_CERTS_MAX + 1), -HEKI_EINVAL,
		  "CERTIFICATES_TOO_MANY" },
	};
	__u8 cert[0x200];
	__u64 clen = guest_make_cert(cert, 7);
	unsigned int i;

	for (i = 0; i <= HEKI_CERTS_MAX; i++)
		guest_make_cert(rev + 0x104 * i, (__u8)(8 + i % 64));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct guest *g = guest_new();
		static const __u8 zeros[64];
		const __u8 *buf = i == 0 ? zeros : rev;

		g->quiet = 1;
		if (i == 3)
			rev[0x104 + 4] = 0xEE;	/* the provider refuses it */
		CHECK_EQ_MSG(load_kdata_basic_lists(g, cert, clen, buf,
						    bad[i].len, NULL, 0),
			     bad[i].err, "case %u", i);
		CHECK_MSG(strstr(g->last_log, bad[i].code), "case %u: %s", i,
			  g->last_log);
		CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
		if (i == 3)
			rev[0x104 + 4] = 9;
		guest_free(g);
	}
}

/* The lists come with the one LoadKData before end of boot, never later. */
TEST(revocation_lists_after_end_of_boot_or_second_load_refused)
{
	struct guest *g = guest_new();
	__u8 cert[0x200], rev[0x200];
	__u64 clen = guest_make_cert(cert, 7);
	__u64 rlen = guest_make_cert(rev, 7);

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
			    0, 0, 0), 0);
	CHECK_EQ(load_kdata_basic_lists(g, cert, clen, rev, rlen, NULL, 0),
		 -HEKI_EPERM);
	CHECK(!g->v->rev);
	guest_free(g);

	g = guest_new();
	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(load_kdata_basic_lists(g, cert, clen, rev, rlen, NULL, 0),
		 -HEKI_EEXIST);
	CHECK_EQ(g->v->rev->revoked, NULL);
	CHECK(validate_module_at(g, MOD_PA, ELF_PA) >= 0);
	guest_free(g);
}

static __s64 load_with_lists(struct guest *g, void *arg)
{
	__u8 cert[0x400], rev[0x200];
	__u64 clen = system_certs(cert);
	__u64 rlen = guest_make_cert_key(rev, 8, 0xB8);
	char bl[512] = "# x\n";

	(void)arg;
	entry(g, bl, "tbs", HEKI_VTL1_HASH_SHA256, cert + 4, 0x100);
	entry(g, bl, "bin", HEKI_VTL1_HASH_SHA256, cert, clen);
	return load_kdata_basic_lists(g, cert, clen, rev, rlen, bl,
				      strlen(bl));
}

TEST(revocation_enomem_at_every_allocation_keeps_nothing)
{
	struct guest *g = guest_new();
	long points;

	CHECK_EQ(nomem_sweep(g, load_with_lists, NULL, &points), 0);
	CHECK(points > 3);
	CHECK_EQ(g->v->nr_certs, 1);	/* 7 is blocked, 9 trusted */
	CHECK_EQ(g->v->rev->n, 2);
	CHECK(g->v->rev->revoked && g->v->rev->blocked);
	CHECK_EQ(validate_module_at(g, MOD_PA, ELF_PA), -HEKI_EKEYREJECTED);
	CHECK(strstr(g->last_log, "SIG_CERT_BLOCKED"));
	guest_free(g);
}

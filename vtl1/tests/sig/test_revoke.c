// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_revoke.c - revoked certificates and blocked hashes (sig/revoke.h)
 * on real certificates and a module file made like sign-file makes one,
 * through both providers. The blocklist entries come from sha256sum,
 * sha384sum and openssl asn1parse (gen-sig-vectors.sh), an oracle apart
 * from the library.
 */
#include "harness.h"
#include "sig/modsig.h"
#include "sig/revoke.h"

#define E(x)	(-HEKI_VSM_ERR_##x)

static const struct heki_vtl1_crypto *c;
static char nm[160];

static const char *name(const char *what)
{
	snprintf(nm, sizeof(nm), "%s_%s", what,
		 c == t_ossl ? "openssl" : "bearssl");
	return nm;
}

static void *keyring(const char *cert1, const char *cert2)
{
	const char *const certs[2] = { cert1, cert2 };

	return t_ring(c, certs);
}

/* The blocklist file @file parsed into @rev (entries in @e). */
static void blocklist(struct heki_revocation *rev, struct heki_block_entry *e,
		      __u32 max, const char *file)
{
	size_t len;
	unsigned char *t = check_read_file(t_keydir, file, &len);

	if (heki_blocklist_parse(t, len, e, max, &rev->n))
		rev->n = 0;
	rev->e = e;
	free(t);
}

static void module_checks(void)
{
	struct heki_revocation rev;
	struct heki_block_entry e[2];
	size_t len;
	unsigned char *mod = check_read_file(t_keydir, "mod.ko", &len);
	void *kr = keyring("c1.der", NULL);

	memset(&rev, 0, sizeof(rev));
	check_err(name("revoke_module_verifies_without_lists"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len), 0);

	rev.revoked = keyring("c1.der", NULL);
	check_err(name("revoke_module_of_revoked_signer_refused"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len),
		  E(SIG_KEY_REVOKED));
	c->keyring_destroy(c->ctx, rev.revoked);
	/* c1s: c1's subject and issuer, another key and serial. */
	rev.revoked = keyring("c1s.der", "c2.der");
	check_err(name("revoke_same_subject_other_cert_accepted"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len), 0);
	c->keyring_destroy(c->ctx, rev.revoked);
	/* c1x: c1's issuer and serial, another key (the kernel verifies too) */
	rev.revoked = keyring("c1x.der", NULL);
	check_err(name("revoke_same_issuer_serial_other_key_accepted"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len), 0);
	c->keyring_destroy(c->ctx, rev.revoked);
	rev.revoked = NULL;

	rev.blocked = keyring("c1.der", NULL);
	check_err(name("revoke_module_of_tbs_blocked_signer_refused"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len),
		  E(SIG_CERT_BLOCKED));
	c->keyring_destroy(c->ctx, rev.blocked);
	rev.blocked = NULL;

	blocklist(&rev, e, 2, "bl-file");
	check_err(name("revoke_module_file_sha256sum_blocked"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len),
		  E(SIG_HASH_BLOCKED));
	blocklist(&rev, e, 2, "bl-content");
	check_err(name("revoke_module_signed_content_sha256_blocked"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len),
		  E(SIG_HASH_BLOCKED));
	blocklist(&rev, e, 2, "bl-content384");
	check_err(name("revoke_module_signed_content_sha384_blocked"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len),
		  E(SIG_HASH_BLOCKED));
	blocklist(&rev, e, 2, "bl-tbs");
	check_err(name("revoke_module_with_signer_tbs_only_listed_verifies"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len), 0);
	blocklist(&rev, e, 2, "bl-file");
	e[0].kind = HEKI_BLOCK_TBS;
	check_err(name("revoke_module_file_hash_as_tbs_entry_verifies"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len), 0);
	blocklist(&rev, e, 2, "bl-file");
	mod[100] ^= 1;
	check_err(name("revoke_tampered_module_key_rejected_before_hash"),
		  heki_modsig_verify_rev(c, kr, &rev, mod, len),
		  E(SIG_KEY_REJECTED));
	c->keyring_destroy(c->ctx, kr);
	free(mod);
}

static void tbs_checks(void)
{
	struct heki_revocation rev;
	struct heki_block_entry e[2];
	size_t len1, len2;
	unsigned char *c1 = check_read_file(t_keydir, "c1.der", &len1);
	unsigned char *c1s = check_read_file(t_keydir, "c1s.der", &len2);

	memset(&rev, 0, sizeof(rev));
	blocklist(&rev, e, 2, "bl-tbs");
	check_err(name("revoke_tbs_of_c1_blocks_c1"),
		  heki_cert_tbs_blocked(c, &rev, c1, len1), 1);
	check_err(name("revoke_tbs_of_c1_not_c1_same_subject"),
		  heki_cert_tbs_blocked(c, &rev, c1s, len2), 0);
	check_err(name("revoke_tbs_of_a_truncated_cert_parse_failed"),
		  heki_cert_tbs_blocked(c, &rev, c1, 20),
		  E(CERTIFICATE_PARSE_FAILED));
	free(c1);
	free(c1s);
}

void test_revoke(void)
{
	const struct heki_vtl1_crypto *providers[2] = { t_ossl, &t_br };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		c = providers[i];
		module_checks();
		tbs_checks();
	}
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * revocation.c - LoadKData's RevocationCerts and BlocklistHashes, and the
 * system keyring split by them: a system certificate whose tbs: hash is
 * blocked goes to a keyring of its own (sig/revoke.h), one whose public
 * key is a revoked certificate's joins the revoked keyring; neither is
 * trusted, and when no system certificate is left LoadKData fails. The
 * loaders work on the crypto provider alone, so heki-verify builds the
 * same state LoadKData builds.
 *
 * Fail closed: a list that is present and malformed refuses the whole
 * LoadKData with an exact code (REVOCATION_CERTS_INVALID,
 * BLOCKLIST_INVALID, BLOCKLIST_TOO_MANY, CERTIFICATES_TOO_MANY or the
 * provider's CERTIFICATE_PARSE_FAILED).
 */
#include "core/core.h"
#include "sig/sig.h"
#include "kdata.h"

/**
 * struct rev_walk - heki_certs_for_each() context
 * @c: the crypto provider
 * @rev: the state being built
 * @kr: keyring the certificates go to (RevocationCerts), or the trusted
 *	keyring (SystemCerts, @split set)
 * @split: SystemCerts: send blocked certificates to @rev->blocked, and
 *	those with a revoked certificate's key to @rev->revoked
 * @revoked: the RevocationCerts bytes (SystemCerts walk), or NULL
 * @bytes: bytes of the certificates visited
 * @nr_blocked: system certificates sent to @rev->blocked
 * @nr_key_revoked: system certificates sent to @rev->revoked
 */
struct rev_walk {
	const struct heki_vtl1_crypto *c;
	struct heki_revocation *rev;
	void *kr;
	int split;
	const struct vtl1_buf *revoked;
	__u64 bytes;
	__u32 nr_blocked;
	__u32 nr_key_revoked;
};

/**
 * struct key_match - heki_certs_for_each() context of key_revoked()
 * @cert: the system certificate
 * @len: its length
 * @spki: its subjectPublicKeyInfo
 * @spki_len: that element's length
 * @same: set when a revoked certificate is @cert itself
 */
struct key_match {
	const __u8 *cert;
	__u64 len;
	const __u8 *spki;
	__u64 spki_len;
	int same;
};

/* 1 when the revoked certificate @der has @arg's key, 0 if not, or < 0 */
static int key_cmp(void *arg, const __u8 *der, __u64 len)
{
	struct key_match *m = arg;
	const __u8 *spki;
	__u64 spki_len;
	int ret;

	ret = heki_cert_spki(der, len, &spki, &spki_len);
	if (ret)
		return ret;
	if (spki_len != m->spki_len || memcmp(spki, m->spki, spki_len))
		return 0;
	m->same = len == m->len && !memcmp(der, m->cert, len);
	return 1;
}

/*
 * Whether the system certificate @der carries the public key of a revoked
 * certificate (its subjectPublicKeyInfo, byte for byte): 1 (*@same set
 * when that revoked certificate is @der itself), 0, or < 0 when either
 * certificate has no subjectPublicKeyInfo the DER reader finds
 * (CERTIFICATE_PARSE_FAILED: refusing beats trusting a revoked key).
 */
static int key_revoked(const struct rev_walk *w, const __u8 *der, __u64 len,
		       int *same)
{
	struct key_match m = { .cert = der, .len = len };
	int ret;

	*same = 0;
	if (!w->revoked || !w->revoked->len)
		return 0;
	ret = heki_cert_spki(der, len, &m.spki, &m.spki_len);
	if (ret)
		return ret;
	ret = heki_certs_for_each(w->revoked->data, w->revoked->len, key_cmp,
				  &m, NULL);
	*same = m.same;
	return ret;
}

static int rev_add(void *arg, const __u8 *der, __u64 len)
{
	struct rev_walk *w = arg;
	const struct heki_vtl1_crypto *c = w->c;
	void *kr = w->kr;
	int ret, same;

	w->bytes += len;
	if (w->split) {
		ret = heki_cert_tbs_blocked(c, w->rev, der, len);
		if (!ret) {
			ret = key_revoked(w, der, len, &same);
			if (ret < 0)
				return ret;
			if (ret) {
				/* Refused as SIG_KEY_REVOKED whichever it names */
				w->nr_key_revoked++;
				return same ? 0 : c->keyring_add_cert(c->ctx,
							w->rev->revoked, der, len);
			}
		}
		if (ret < 0)
			return ret;
		if (ret) {
			if (!w->rev->blocked) {
				ret = c->keyring_create(c->ctx, &w->rev->blocked);
				if (ret) {
					w->rev->blocked = NULL;
					return ret;
				}
			}
			kr = w->rev->blocked;
			w->nr_blocked++;
		}
	}
	return c->keyring_add_cert(c->ctx, kr, der, len);
}

/**
 * heki_revocation_release() - destroy the keyrings of revocation state
 * @c: the crypto provider
 * @rev: the state (its entries are the caller's)
 */
void heki_revocation_release(const struct heki_vtl1_crypto *c,
			     struct heki_revocation *rev)
{
	if (rev->revoked)
		c->keyring_destroy(c->ctx, rev->revoked);
	if (rev->blocked)
		c->keyring_destroy(c->ctx, rev->blocked);
	rev->revoked = NULL;
	rev->blocked = NULL;
}

/**
 * heki_revocation_load_revoked() - the RevocationCerts keyring
 * @c: the crypto provider
 * @rev: receives the keyring in @rev->revoked (none for an empty list)
 * @certs: the RevocationCerts bytes
 * @count: receives the number of certificates
 *
 * Unlike SystemCerts, every byte must belong to a certificate.
 * Return: 0, REVOCATION_CERTS_INVALID, CERTIFICATES_TOO_MANY or the
 * provider's code.
 */
int heki_revocation_load_revoked(const struct heki_vtl1_crypto *c,
				 struct heki_revocation *rev,
				 const struct vtl1_buf *certs, __u32 *count)
{
	struct rev_walk w = { .c = c, .rev = rev };
	int ret;

	*count = 0;
	if (!certs->len)
		return 0;
	ret = c->keyring_create(c->ctx, &rev->revoked);
	if (ret) {
		rev->revoked = NULL;
		return ret;
	}
	w.kr = rev->revoked;
	ret = heki_certs_for_each(certs->data, certs->len, rev_add, &w, count);
	if (ret == -HEKI_VSM_ERR_CERTIFICATE_DER_LENGTH_INVALID ||
	    ret == -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_INVALID ||
	    (!ret && w.bytes != certs->len))
		return -HEKI_VSM_ERR_REVOCATION_CERTS_INVALID;
	return ret;
}

/**
 * heki_revocation_load_system() - the SystemCerts, split by the lists
 * @c: the crypto provider
 * @rev: revocation state with its blocklist and revoked keyring (from
 *	heki_revocation_load_revoked() on @revoked); blocked certificates go
 *	to @rev->blocked
 * @trusted: an empty keyring; receives the other certificates
 * @certs: the SystemCerts bytes
 * @revoked: the RevocationCerts bytes (empty: none)
 * @nr_trusted: receives the number of trusted certificates
 *
 * A system certificate with the subjectPublicKeyInfo of a revoked one
 * goes to @rev->revoked: the issuer and serial a signature names are not
 * signed, so it is the key that is revoked, under whatever name.
 *
 * Return: 0; SYSTEM_CERTIFICATES_INVALID when every system certificate is
 * blocked or revoked (nothing could sign); CERTIFICATE_PARSE_FAILED when
 * revoked certificates are given and a system or revoked certificate has
 * no subjectPublicKeyInfo the DER reader finds; or the
 * heki_certs_for_each() / provider error.
 */
int heki_revocation_load_system(const struct heki_vtl1_crypto *c,
				struct heki_revocation *rev, void *trusted,
				const struct vtl1_buf *certs,
				const struct vtl1_buf *revoked,
				__u32 *nr_trusted)
{
	struct rev_walk w = { .c = c, .rev = rev, .kr = trusted, .split = 1,
			      .revoked = revoked };
	__u32 total = 0;
	int ret;

	*nr_trusted = 0;
	ret = heki_certs_for_each(certs->data, certs->len, rev_add, &w, &total);
	if (ret)
		return ret;
	*nr_trusted = total - w.nr_blocked - w.nr_key_revoked;
	return *nr_trusted ? 0 : -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_INVALID;
}

/**
 * heki_revocation_free() - free revocation state and its keyrings
 * @v: the instance
 * @rev: state from heki_revocation_load(), or NULL
 */
void heki_revocation_free(struct heki_vtl1 *v, struct heki_revocation *rev)
{
	if (!rev)
		return;
	heki_revocation_release(v->p.crypto, rev);
	vtl1_free(v, rev->e);
	vtl1_free(v, rev);
}

static int load_blocklist(struct heki_vtl1 *v, struct heki_revocation *rev,
			  const struct vtl1_buf *bl)
{
	__u32 n;
	int ret;

	if (!bl->len)
		return 0;
	ret = heki_blocklist_parse(bl->data, bl->len, NULL, 0, &n);
	if (ret || !n)
		return ret;
	rev->e = vtl1_alloc_array(v, n, sizeof(*rev->e));
	if (!rev->e)
		return -HEKI_VSM_ERR_NO_MEMORY;
	return heki_blocklist_parse(bl->data, bl->len, rev->e, n, &rev->n);
}

/**
 * heki_revocation_load() - build the revocation state and the keyring
 * @v: the instance
 * @in: the LoadKData buffers (SystemCerts, RevocationCerts, BlocklistHashes)
 * @out: receives the new state (free with heki_revocation_free())
 * @trusted: an empty keyring; receives the system certificates not blocked
 * @nr_trusted: receives their number
 *
 * In order: the blocklist, the revoked certificates, the system
 * certificates. Return: 0 or the first error (the caller frees *@out).
 */
int heki_revocation_load(struct heki_vtl1 *v, const struct heki_kdata_lists *in,
			 struct heki_revocation **out, void *trusted,
			 __u32 *nr_trusted)
{
	const struct heki_vtl1_crypto *c = v->p.crypto;
	__u32 nr_revoked = 0;
	int ret;

	*nr_trusted = 0;
	*out = vtl1_alloc(v, sizeof(**out));
	if (!*out)
		return -HEKI_VSM_ERR_NO_MEMORY;
	ret = load_blocklist(v, *out, in->blocklist);
	if (!ret)
		ret = heki_revocation_load_revoked(c, *out, in->revoked,
						   &nr_revoked);
	if (!ret)
		ret = heki_revocation_load_system(c, *out, trusted, in->certs,
						  in->revoked, nr_trusted);
	if (!ret && (nr_revoked || (*out)->n || (*out)->blocked))
		vtl1_info(v, "LoadKData: %u revoked certificates, %u blocklist entries, system certificates blocked by tbs: %s\n",
			  nr_revoked, (*out)->n,
			  (*out)->blocked ? "some" : "none");
	return ret;
}

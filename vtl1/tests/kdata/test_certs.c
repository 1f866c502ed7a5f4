// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki_certs_for_each(): LiteBox framing, every error path. The OpenSSL
 * side (real certificates) is in test_pkcs7.c.
 */
#include "harness.h"
#include "kdata/certs.h"

struct certs_seen {
	unsigned int n;
	__u64 lens[8];
	int fail_at;		/* return an error on this call (1-based) */
};

static int certs_count(void *arg, const __u8 *der, __u64 len)
{
	struct certs_seen *s = arg;

	(void)der;
	if (s->n < 8)
		s->lens[s->n] = len;
	s->n++;
	if (s->fail_at && (int)s->n == s->fail_at)
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	return 0;
}

struct certs_case {
	const char *name;
	unsigned char bytes[32];
	unsigned int len;
	int want;
	unsigned int want_count;
};

static const struct certs_case certs_cases[] = {
	{ "certs: empty list -> SYSTEM_CERTIFICATES_INVALID", { 0 }, 0,
	  -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_INVALID, 0 },
	{ "certs: one entry", { 0x30, 0x82, 0, 2, 1, 2 }, 6, 0, 1 },
	{ "certs: two entries and zero padding",
	  { 0x30, 0x82, 0, 1, 9, 0x30, 0x82, 0, 0, 0, 0, 0, 0 }, 13, 0, 2 },
	{ "certs: stops at a short-form SEQUENCE",
	  { 0x30, 0x82, 0, 1, 9, 0x30, 0x81, 5, 0, 0, 0, 0, 0 }, 13, 0, 1 },
	{ "certs: padding only -> SYSTEM_CERTIFICATES_INVALID",
	  { 0, 0, 0, 0, 0, 0 }, 6, -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_INVALID, 0 },
	{ "certs: 3-byte header fragment -> SYSTEM_CERTIFICATES_INVALID",
	  { 0x30, 0x82, 0 }, 3, -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_INVALID, 0 },
	{ "certs: 4-byte length form not recognised",
	  { 0x30, 0x84, 0, 0, 0, 1, 0 }, 7,
	  -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_INVALID, 0 },
	{ "certs: first entry truncated -> DER_LENGTH_INVALID",
	  { 0x30, 0x82, 1, 0, 1, 2, 3 }, 7,
	  -HEKI_VSM_ERR_CERTIFICATE_DER_LENGTH_INVALID, 0 },
	{ "certs: second entry truncated -> DER_LENGTH_INVALID",
	  { 0x30, 0x82, 0, 1, 9, 0x30, 0x82, 0, 5, 1 }, 10,
	  -HEKI_VSM_ERR_CERTIFICATE_DER_LENGTH_INVALID, 1 },
	{ "certs: length 0xffff with 4 bytes -> DER_LENGTH_INVALID",
	  { 0x30, 0x82, 0xff, 0xff }, 4,
	  -HEKI_VSM_ERR_CERTIFICATE_DER_LENGTH_INVALID, 0 },
};

void test_certs(void)
{
	struct certs_seen s;
	unsigned char *many;
	__u32 count;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(certs_cases); i++) {
		const struct certs_case *c = &certs_cases[i];
		unsigned char *buf = malloc(c->len + 1);

		memcpy(buf, c->bytes, c->len);
		memset(&s, 0, sizeof(s));
		count = 99;
		ret = heki_certs_for_each(buf, c->len, certs_count, &s, &count);
		check_err(c->name, ret, c->want);
		check_result(count == c->want_count && s.n == c->want_count, c->name,
			 "count %u seen %u want %u", count, s.n, c->want_count);
		free(buf);
	}

	/* The callback sees each entry with its header. */
	memset(&s, 0, sizeof(s));
	ret = heki_certs_for_each(certs_cases[2].bytes, certs_cases[2].len,
				  certs_count, &s, NULL);
	check_result(!ret && s.lens[0] == 5 && s.lens[1] == 4, "certs: entry lengths include the header", "%llu %llu",
		 s.lens[0], s.lens[1]);

	/* A callback error stops the walk and is returned. */
	memset(&s, 0, sizeof(s));
	s.fail_at = 1;
	ret = heki_certs_for_each(certs_cases[2].bytes, certs_cases[2].len,
				  certs_count, &s, &count);
	check_err("certs: callback error returned", ret,
		     -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED);
	check_result(s.n == 1 && count == 0, "certs: callback error stops the walk",
		 "seen %u count %u", s.n, count);

	/* HEKI_CERTS_MAX entries are fine, one more is refused. */
	many = calloc(HEKI_CERTS_MAX + 1, 4);
	for (i = 0; i <= HEKI_CERTS_MAX; i++) {
		many[4 * i] = 0x30;
		many[4 * i + 1] = 0x82;
	}
	ret = heki_certs_for_each(many, 4ULL * HEKI_CERTS_MAX, NULL, NULL, &count);
	check_result(!ret && count == HEKI_CERTS_MAX, "certs: HEKI_CERTS_MAX entries accepted", "ret %d count %u", ret, count);
	ret = heki_certs_for_each(many, 4ULL * (HEKI_CERTS_MAX + 1), NULL, NULL,
				  &count);
	check_err("certs: HEKI_CERTS_MAX + 1 entries -> CERTIFICATES_TOO_MANY",
		     ret, -HEKI_VSM_ERR_CERTIFICATES_TOO_MANY);
	free(many);

	check_err("certs: NULL buffer -> SYSTEM_CERTIFICATES_INVALID",
		     heki_certs_for_each(NULL, 100, NULL, NULL, NULL),
		     -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_INVALID);
}

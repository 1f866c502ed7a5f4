// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * DER reader: one element read from hand-made encodings (table), the
 * typed helpers, cursor behaviour and deep nesting without recursion.
 */
#include "harness.h"
#include "sig/der.h"

struct der_case {
	const char *name;
	const unsigned char *in;
	size_t len;
	int want;		/* heki_der_next() result */
	unsigned char tag;	/* when want == 0 */
	__u32 vlen;		/* when want == 0 */
};

#define B(...) ((const unsigned char[]){ __VA_ARGS__ }), \
	sizeof((const unsigned char[]){ __VA_ARGS__ })

static unsigned char long128[3 + 128] = { 0x04, 0x81, 0x80 };
static unsigned char long256[4 + 256] = { 0x04, 0x82, 0x01, 0x00 };

static const struct der_case der_cases[] = {
	{ "der: empty SEQUENCE", B(0x30, 0x00), 0, 0x30, 0 },
	{ "der: short-form OCTET STRING", B(0x04, 0x02, 0xaa, 0xbb), 0, 0x04, 2 },
	{ "der: context [3] constructed", B(0xa3, 0x01, 0x00), 0, 0xa3, 1 },
	{ "der: no bytes -> DER_TRUNCATED", B(0x00), -HEKI_VSM_ERR_DER_TRUNCATED },
	{ "der: tag only -> DER_TRUNCATED", B(0x30), -HEKI_VSM_ERR_DER_TRUNCATED },
	{ "der: value past the end -> DER_VALUE_TRUNCATED",
	  B(0x04, 0x05, 0x01, 0x02), -HEKI_VSM_ERR_DER_VALUE_TRUNCATED },
	{ "der: long-form length bytes missing -> DER_TRUNCATED",
	  B(0x04, 0x82, 0x01), -HEKI_VSM_ERR_DER_TRUNCATED },
	{ "der: long form for a length < 128 -> DER_BAD_LENGTH",
	  B(0x04, 0x81, 0x01, 0x00), -HEKI_VSM_ERR_DER_BAD_LENGTH },
	{ "der: long-form length with a leading zero -> DER_BAD_LENGTH",
	  B(0x04, 0x82, 0x00, 0x80), -HEKI_VSM_ERR_DER_BAD_LENGTH },
	{ "der: 5 length bytes -> DER_BAD_LENGTH",
	  B(0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00),
	  -HEKI_VSM_ERR_DER_BAD_LENGTH },
	{ "der: length 0xffffffff (overflow) -> DER_BAD_LENGTH",
	  B(0x04, 0x84, 0xff, 0xff, 0xff, 0xff), -HEKI_VSM_ERR_DER_BAD_LENGTH },
	{ "der: length over HEKI_DER_MAX_LEN -> DER_BAD_LENGTH",
	  B(0x04, 0x84, 0x01, 0x00, 0x00, 0x01), -HEKI_VSM_ERR_DER_BAD_LENGTH },
	{ "der: length 64 KiB, 0 bytes -> DER_VALUE_TRUNCATED",
	  B(0x04, 0x83, 0x01, 0x00, 0x00), -HEKI_VSM_ERR_DER_VALUE_TRUNCATED },
	{ "der: indefinite length -> DER_INDEFINITE_LENGTH",
	  B(0x30, 0x80, 0x04, 0x00, 0x00, 0x00),
	  -HEKI_VSM_ERR_DER_INDEFINITE_LENGTH },
	{ "der: high tag number form -> DER_HIGH_TAG",
	  B(0x1f, 0x81, 0x01, 0x00), -HEKI_VSM_ERR_DER_HIGH_TAG },
	{ "der: context high tag number (tag overflow) -> DER_HIGH_TAG",
	  B(0xbf, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00), -HEKI_VSM_ERR_DER_HIGH_TAG },
};

static void test_der_table(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(der_cases); i++) {
		const struct der_case *t = &der_cases[i];
		struct heki_der d;
		struct heki_der_elem e;
		const unsigned char *start;
		size_t len = t->want == -HEKI_VSM_ERR_DER_TRUNCATED &&
			     t->in[0] == 0x00 ? 0 : t->len;
		int ret;

		heki_der_init(&d, t->in, len);
		start = d.p;
		ret = heki_der_next(&d, &e);
		if (t->want) {
			check_result(ret == t->want && d.p == start, t->name,
				 "got %d (%s), cursor moved %td", ret,
				 check_err_name(ret), d.p - start);
			continue;
		}
		check_result(!ret && e.tag == t->tag && e.len == t->vlen &&
			 e.raw == t->in && e.raw_len == t->len &&
			 e.val == t->in + t->len - t->vlen && heki_der_empty(&d), t->name,
			 "ret %d tag %#x len %u", ret, e.tag, e.len);
	}
}

static void test_der_long_form(void)
{
	struct heki_der d;
	struct heki_der_elem e;
	int ret;

	heki_der_init(&d, long128, sizeof(long128));
	ret = heki_der_next(&d, &e);
	check_result(!ret && e.len == 128 &&
		 e.val == long128 + 3 && heki_der_empty(&d), "der: long form 0x81 0x80 (128 bytes)", "ret %d", ret);
	heki_der_init(&d, long256, sizeof(long256));
	ret = heki_der_next(&d, &e);
	check_result(!ret &&
		 e.len == 256 && e.raw_len == 260 && heki_der_empty(&d), "der: long form 0x82 0x01 0x00 (256 bytes)",
		 "ret %d", ret);
	heki_der_init(&d, long256, sizeof(long256) - 1);
	check_err("der: long form one byte short -> DER_VALUE_TRUNCATED",
		     heki_der_next(&d, &e), -HEKI_VSM_ERR_DER_VALUE_TRUNCATED);
	heki_der_init(&d, NULL, 0);
	check_result(heki_der_empty(&d) &&
		 heki_der_peek(&d) == -1 &&
		 heki_der_next(&d, &e) == -HEKI_VSM_ERR_DER_TRUNCATED, "der: NULL buffer is an empty cursor", NULL);
}

static void test_der_cursor(void)
{
	static const unsigned char seq[] = { 0x30, 0x06, 0x02, 0x01, 0x05,
					     0x04, 0x01, 0xaa, 0x05, 0x00 };
	struct heki_der d, in;
	struct heki_der_elem e;
	const unsigned char *p;
	int ret;

	heki_der_init(&d, seq, sizeof(seq));
	ret = heki_der_expect(&d, HEKI_DER_SET, &e);
	check_result(ret == -HEKI_VSM_ERR_DER_UNEXPECTED_TAG && d.p == seq, "der: expect with the wrong tag -> DER_UNEXPECTED_TAG, cursor kept", "ret %d", ret);
	ret = heki_der_enter_expect(&d, HEKI_DER_SEQUENCE, &in);
	check_result(!ret &&
		 in.p == seq + 2 && in.end == seq + 8 && d.p == seq + 8, "der: enter a SEQUENCE bounds the inner cursor",
		 "ret %d", ret);
	p = in.p;
	ret = heki_der_optional(&in, HEKI_DER_CTX_CONS(0), &e);
	check_result(ret == 0 && in.p == p, "der: optional absent -> 0, cursor kept",
		 "ret %d", ret);
	ret = heki_der_optional(&in, HEKI_DER_INTEGER, &e);
	check_result(ret == 1 && e.len == 1, "der: optional present -> 1", "ret %d", ret);
	ret = heki_der_enter(&e, &d);
	check_err("der: enter a primitive -> DER_NOT_CONSTRUCTED", ret,
		     -HEKI_VSM_ERR_DER_NOT_CONSTRUCTED);
	ret = heki_der_expect(&in, HEKI_DER_OCTET_STRING, &e);
	check_result(!ret &&
		 heki_der_empty(&in) && heki_der_peek(&in) == -1, "der: inner cursor stops at the SEQUENCE end", "ret %d", ret);
}

struct int_case {
	const char *name;
	const unsigned char *in;
	size_t len;
	int want;
	__u32 val;
};

static const struct int_case int_cases[] = {
	{ "der int: 0", B(0x02, 0x01, 0x00), 0, 0 },
	{ "der int: 127", B(0x02, 0x01, 0x7f), 0, 127 },
	{ "der int: 128 with its 0x00 pad", B(0x02, 0x02, 0x00, 0x80), 0, 128 },
	{ "der int: 0xffffffff", B(0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff), 0,
	  0xffffffffu },
	{ "der int: 2^32 -> DER_BAD_INTEGER",
	  B(0x02, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00), -HEKI_VSM_ERR_DER_BAD_INTEGER },
	{ "der int: empty -> DER_BAD_INTEGER", B(0x02, 0x00),
	  -HEKI_VSM_ERR_DER_BAD_INTEGER },
	{ "der int: negative -> DER_BAD_INTEGER", B(0x02, 0x01, 0x80),
	  -HEKI_VSM_ERR_DER_BAD_INTEGER },
	{ "der int: non-minimal 00 7f -> DER_BAD_INTEGER", B(0x02, 0x02, 0x00, 0x7f),
	  -HEKI_VSM_ERR_DER_BAD_INTEGER },
	{ "der int: OCTET STRING -> DER_UNEXPECTED_TAG", B(0x04, 0x01, 0x01),
	  -HEKI_VSM_ERR_DER_UNEXPECTED_TAG },
};

static void test_der_integers(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(int_cases); i++) {
		const struct int_case *t = &int_cases[i];
		struct heki_der d;
		struct heki_der_elem e;
		__u32 v = 0;
		int ret;

		heki_der_init(&d, t->in, t->len);
		ret = heki_der_next(&d, &e);
		if (!ret)
			ret = heki_der_small_uint(&e, &v);
		check_result(ret == t->want && (ret || v == t->val), t->name,
			 "got %d (%s) value %u", ret, check_err_name(ret), v);
	}
}

static void test_der_bits_oid(void)
{
	static const unsigned char oid[] = { 0x06, 0x03, 0x2a, 0x86, 0x48 };
	static const unsigned char bs_ok[] = { 0x03, 0x03, 0x00, 0xab, 0xcd };
	static const unsigned char bs_unused[] = { 0x03, 0x02, 0x01, 0xfe };
	static const unsigned char bs_empty[] = { 0x03, 0x00 };
	struct heki_der d;
	struct heki_der_elem e;
	const __u8 *bits;
	__u32 n = 0;
	int ret;

	heki_der_init(&d, oid, sizeof(oid));
	heki_der_next(&d, &e);
	check_result(heki_der_oid_eq(&e, oid + 2, 3), "der oid: equal", NULL);
	check_result(!heki_der_oid_eq(&e, oid + 2, 2), "der oid: shorter expected value differs", NULL);
	check_result(!heki_der_oid_eq(&e, (const __u8 *)"\x2a\x86\x49", 3), "der oid: other value differs", NULL);
	heki_der_init(&d, bs_ok, sizeof(bs_ok));
	heki_der_next(&d, &e);
	ret = heki_der_bit_string(&e, &bits, &n);
	check_result(!ret && n == 2 &&
		 bits == bs_ok + 3, "der bit string: two bytes, no unused bits", "ret %d n %u", ret, n);
	heki_der_init(&d, bs_unused, sizeof(bs_unused));
	heki_der_next(&d, &e);
	check_err("der bit string: unused bits -> DER_BAD_BIT_STRING",
		     heki_der_bit_string(&e, &bits, &n),
		     -HEKI_VSM_ERR_DER_BAD_BIT_STRING);
	heki_der_init(&d, bs_empty, sizeof(bs_empty));
	heki_der_next(&d, &e);
	check_err("der bit string: empty -> DER_BAD_BIT_STRING",
		     heki_der_bit_string(&e, &bits, &n),
		     -HEKI_VSM_ERR_DER_BAD_BIT_STRING);
}

/*
 * Depth: 10,000 nested SEQUENCEs (30 82 xx xx ...) walked with one cursor
 * variable, as every parser does; nothing recurses, so nothing grows.
 */
static void test_der_depth(void)
{
	enum { LEVELS = 10000 };
	size_t total = (size_t)LEVELS * 4, i;
	unsigned char *buf = calloc(1, total);
	struct heki_der d;
	struct heki_der_elem e;
	unsigned int depth = 0, want = 0;

	for (i = 0; i < LEVELS; i++) {
		size_t inner = total - (i + 1) * 4;

		buf[i * 4] = 0x30;
		buf[i * 4 + 1] = 0x82;
		buf[i * 4 + 2] = (unsigned char)(inner >> 8);
		buf[i * 4 + 3] = (unsigned char)inner;
		if (inner >= 256)
			want++;
	}
	heki_der_init(&d, buf, total);
	while (!heki_der_expect(&d, HEKI_DER_SEQUENCE, &e) &&
	       !heki_der_enter(&e, &d))
		depth++;
	/* 0x82 with a zero first byte is not minimal: the walk stops there */
	check_result(depth == want && want > 9900 && heki_der_next(&d, &e) ==
		 -HEKI_VSM_ERR_DER_BAD_LENGTH, "der depth: 10000 nested SEQUENCEs walked iteratively until a non-minimal length", "depth %u want %u", depth, want);
	free(buf);
}

void test_der(void)
{
	test_der_table();
	test_der_long_form();
	test_der_cursor();
	test_der_integers();
	test_der_bits_oid();
	test_der_depth();
}

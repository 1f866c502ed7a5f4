// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki_patch_validate(), heki_patch_first_page_len() and
 * heki_patchinfo_parse(): every rule, the one documented stride
 * (LiteBox §7.23), all-or-nothing validation.
 */
#include "harness.h"
#include "core/patchdesc.h"
#include "kdata/patchinfo.h"

struct patch_case {
	const char *name;
	__u64 pa0, pa1;
	__u8 size;
	int want;
};

static const struct patch_case patch_cases[] = {
	{ "patch: 5 bytes inside one page", 0x1000 + 10, 0, 5, 0 },
	{ "patch: 1 byte at the last byte of a page", 0x1fff, 0, 1, 0 },
	{ "patch: 5 bytes from a page start", 0x3000, 0, 5, 0 },
	{ "patch: 5 bytes crossing into pa[1]", 0x1ffe, 0x7000, 5, 0 },
	{ "patch: 1 byte in the first page, 4 in pa[1]", 0x1fff, 0x9000, 5, 0 },
	{ "patch: highest valid address", (1ULL << 52) - 5, 0, 5, 0 },
	{ "patch: pa[0] == 0 -> PATCH_PA_NULL", 0, 0, 1,
	  -HEKI_VSM_ERR_PATCH_PA_NULL },
	{ "patch: pa[0] at 2^52 -> PATCH_PA_INVALID", 1ULL << 52, 0, 1,
	  -HEKI_VSM_ERR_PATCH_PA_INVALID },
	{ "patch: pa[0] all ones -> PATCH_PA_INVALID", ~0ULL, 0, 1,
	  -HEKI_VSM_ERR_PATCH_PA_INVALID },
	{ "patch: pa[1] at 2^52 -> PATCH_PA_INVALID", 0x1ffe, 1ULL << 52, 5,
	  -HEKI_VSM_ERR_PATCH_PA_INVALID },
	{ "patch: pa[1] unaligned -> PATCH_PA1_UNALIGNED", 0x1ffe, 0x7001, 5,
	  -HEKI_VSM_ERR_PATCH_PA1_UNALIGNED },
	{ "patch: size 0 -> PATCH_SIZE_INVALID", 0x1000, 0, 0,
	  -HEKI_VSM_ERR_PATCH_SIZE_INVALID },
	{ "patch: size 6 -> PATCH_SIZE_INVALID", 0x1000, 0, 6,
	  -HEKI_VSM_ERR_PATCH_SIZE_INVALID },
	{ "patch: size 255 -> PATCH_SIZE_INVALID", 0x1000, 0, 255,
	  -HEKI_VSM_ERR_PATCH_SIZE_INVALID },
	{ "patch: pa[0] == pa[1] -> PATCH_PA_EQUAL", 0x2000, 0x2000, 1,
	  -HEKI_VSM_ERR_PATCH_PA_EQUAL },
	{ "patch: crosses a page, no pa[1] -> PATCH_PA1_MISSING", 0x1ffe, 0, 5,
	  -HEKI_VSM_ERR_PATCH_PA1_MISSING },
	{ "patch: fits, has pa[1] -> PATCH_PA1_UNEXPECTED", 0x1000 + 10, 0x7000,
	  5, -HEKI_VSM_ERR_PATCH_PA1_UNEXPECTED },
	{ "patch: pa[1] is pa[0]'s page -> PATCH_PA1_SAME_PAGE", 0x1ffe, 0x1000,
	  5, -HEKI_VSM_ERR_PATCH_PA1_SAME_PAGE },
};

static struct heki_patch mkpatch(__u64 pa0, __u64 pa1, __u8 size)
{
	struct heki_patch p = { .pa = { pa0, pa1 }, .size = size,
				.code = { 0xe9, 1, 2, 3, 4 } };
	return p;
}

/* Patch-info buffer builder. */
struct pibuf {
	unsigned char *buf;
	size_t len;
};

static void pi_record(struct pibuf *b, __u32 type, __u64 n, __u64 max,
		      __u64 present, __u64 pa0_base)
{
	struct heki_patch_info info = { .type = type, .patch_index = n,
					.max_patch_count = max };
	__u64 i;

	b->buf = realloc(b->buf, b->len + 48 + present * 24);
	memcpy(b->buf + b->len, &info, 48);
	b->len += 48;
	for (i = 0; i < present; i++) {
		struct heki_patch p = mkpatch(pa0_base + i * 16, 0, 5);

		memcpy(b->buf + b->len, &p, 24);
		b->len += 24;
	}
}

struct pi_seen {
	unsigned int n;
	__u64 pa0[8];
	int fail_at;
};

static int pi_cb(void *arg, const struct heki_patch_info *info,
		 const struct heki_patch *patch)
{
	struct pi_seen *s = arg;

	(void)info;
	if (s->n < 8)
		s->pa0[s->n] = patch->pa[0];
	s->n++;
	return s->fail_at && (int)s->n == s->fail_at ?
		-HEKI_VSM_ERR_NO_MEMORY : 0;
}

static void test_patch_rules(void)
{
	struct heki_patch p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(patch_cases); i++) {
		const struct patch_case *c = &patch_cases[i];

		p = mkpatch(c->pa0, c->pa1, c->size);
		check_err(c->name, heki_patch_validate(&p), c->want);
	}
	p = mkpatch(0x1000, 0, 5);
	p.reserved_22[0] = 0xff;
	p.code[4] = 0xcc;
	check_err("patch: reserved bytes ignored", heki_patch_validate(&p), 0);

	p = mkpatch(0x1ffe, 0x7000, 5);
	check_result(heki_patch_first_page_len(&p) == 2, "patch: first_page_len of a crossing patch", NULL);
	p = mkpatch(0x3000, 0, 5);
	check_result(heki_patch_first_page_len(&p) == 5, "patch: first_page_len of an aligned patch", NULL);
	p = mkpatch(0x1fff, 0x9000, 5);
	check_result(heki_patch_first_page_len(&p) == 1, "patch: first_page_len of a 1-byte head", NULL);
}

static void test_patchinfo_buffers(void)
{
	struct pibuf b = { 0 };
	struct pi_seen s = { 0 };
	struct heki_patch bad = mkpatch(0x1ffe, 0, 5);
	__u32 count = 0;
	int ret;

	check_result(heki_patchinfo_parse(NULL, 0, pi_cb, &s, &count) == 0 &&
		 count == 0 && s.n == 0, "patchinfo: empty buffer is valid", NULL);

	/* §7.23: two records back to back, stride 48 + 24 * patch_index. */
	pi_record(&b, HEKI_PATCH_TYPE_JUMP_LABEL, 1, 1, 1, 0x10000);
	pi_record(&b, HEKI_PATCH_TYPE_JUMP_LABEL, 3, 8, 3, 0x20000);
	ret = heki_patchinfo_parse(b.buf, b.len, pi_cb, &s, &count);
	check_result(ret == 0 && count == 4 && s.n == 4 && s.pa0[0] == 0x10000 &&
		 s.pa0[1] == 0x20000 && s.pa0[3] == 0x20020, "patchinfo: litebox_7_23 two records, one stride",
		 "ret %d count %u seen %u", ret, count, s.n);

	/* The same buffer at an odd address. */
	{
		unsigned char *odd = malloc(b.len + 1);

		memcpy(odd + 1, b.buf, b.len);
		memset(&s, 0, sizeof(s));
		ret = heki_patchinfo_parse(odd + 1, b.len, pi_cb, &s, &count);
		check_result(ret == 0 && s.n == 4, "patchinfo: misaligned buffer read by copy", "ret %d", ret);
		check_err("patchinfo: trailing byte -> PATCH_INFO_TRUNCATED",
			     heki_patchinfo_parse(odd + 1, b.len + 1, NULL, NULL,
						  NULL),
			     -HEKI_VSM_ERR_PATCH_INFO_TRUNCATED);
		free(odd);
	}
	check_err("patchinfo: 47-byte header -> PATCH_INFO_TRUNCATED",
		     heki_patchinfo_parse(b.buf, 47, NULL, NULL, NULL),
		     -HEKI_VSM_ERR_PATCH_INFO_TRUNCATED);
	check_err("patchinfo: last patch cut -> PATCH_INFO_TRUNCATED",
		     heki_patchinfo_parse(b.buf, b.len - 1, NULL, NULL, NULL),
		     -HEKI_VSM_ERR_PATCH_INFO_TRUNCATED);
	/*
	 * LiteBox's double advance expects 24 * patch_index unused bytes after
	 * each record; with one stride those bytes start a header that does
	 * not validate, so such a buffer is refused, not misread.
	 */
	{
		struct pibuf g = { 0 };

		pi_record(&g, HEKI_PATCH_TYPE_JUMP_LABEL, 1, 1, 1, 0x10000);
		g.buf = realloc(g.buf, g.len + 24);
		memset(g.buf + g.len, 0, 24);
		g.len += 24;
		pi_record(&g, HEKI_PATCH_TYPE_JUMP_LABEL, 3, 8, 3, 0x20000);
		check_err("patchinfo: litebox_7_23 double-advance layout refused",
			     heki_patchinfo_parse(g.buf, g.len, NULL, NULL, NULL),
			     -HEKI_VSM_ERR_PATCH_INFO_EMPTY);
		free(g.buf);
	}

	/* All or nothing: a bad patch in record 2 means no callback at all. */
	memcpy(b.buf + 48 + 24 + 48 + 24, &bad, 24);
	memset(&s, 0, sizeof(s));
	ret = heki_patchinfo_parse(b.buf, b.len, pi_cb, &s, &count);
	check_err("patchinfo: invalid patch -> its PATCH_* code", ret,
		     -HEKI_VSM_ERR_PATCH_PA1_MISSING);
	check_result(s.n == 0, "patchinfo: no callback before the whole buffer is valid", "seen %u", s.n);
	free(b.buf);

	/* A callback error stops the walk and is returned. */
	memset(&b, 0, sizeof(b));
	pi_record(&b, HEKI_PATCH_TYPE_JUMP_LABEL, 3, 3, 3, 0x10000);
	memset(&s, 0, sizeof(s));
	s.fail_at = 2;
	check_err("patchinfo: callback error returned",
		     heki_patchinfo_parse(b.buf, b.len, pi_cb, &s, NULL),
		     -HEKI_VSM_ERR_NO_MEMORY);
	check_result(s.n == 2, "patchinfo: callback error stops the walk", NULL);
	free(b.buf);
}

struct pi_hdr_case {
	const char *name;
	__u32 type;
	__u64 n, max, present;
	int want;
};

static const struct pi_hdr_case pi_hdr_cases[] = {
	{ "patchinfo: type 1 -> PATCH_INFO_TYPE_INVALID", 1, 1, 1, 1,
	  -HEKI_VSM_ERR_PATCH_INFO_TYPE_INVALID },
	{ "patchinfo: type 0xffffffff -> PATCH_INFO_TYPE_INVALID", ~0U, 1, 1, 1,
	  -HEKI_VSM_ERR_PATCH_INFO_TYPE_INVALID },
	{ "patchinfo: patch_index 0 -> PATCH_INFO_EMPTY", 0, 0, 4, 0,
	  -HEKI_VSM_ERR_PATCH_INFO_EMPTY },
	{ "patchinfo: patch_index > max -> PATCH_INFO_COUNT_INVALID", 0, 2, 1, 2,
	  -HEKI_VSM_ERR_PATCH_INFO_COUNT_INVALID },
	{ "patchinfo: patch_index 2^63 -> PATCH_INFO_TRUNCATED", 0, 1ULL << 63,
	  ~0ULL, 1, -HEKI_VSM_ERR_PATCH_INFO_TRUNCATED },
	{ "patchinfo: patch_index 2^64/24 -> PATCH_INFO_TRUNCATED", 0,
	  ~0ULL / 24 + 1, ~0ULL, 1, -HEKI_VSM_ERR_PATCH_INFO_TRUNCATED },
	{ "patchinfo: one more than present -> PATCH_INFO_TRUNCATED", 0, 3, 3, 2,
	  -HEKI_VSM_ERR_PATCH_INFO_TRUNCATED },
	{ "patchinfo: patch_index == max accepted", 0, 2, 2, 2, 0 },
};

static void test_patchinfo_headers(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pi_hdr_cases); i++) {
		const struct pi_hdr_case *c = &pi_hdr_cases[i];
		struct pibuf b = { 0 };

		pi_record(&b, c->type, c->n, c->max, c->present, 0x40000);
		check_err(c->name,
			     heki_patchinfo_parse(b.buf, b.len, NULL, NULL, NULL),
			     c->want);
		free(b.buf);
	}
}

static void test_patchinfo_limit(void)
{
	struct pibuf b = { 0 };
	__u32 count = 0;
	int ret;

	pi_record(&b, 0, HEKI_PATCHINFO_MAX_PATCHES, HEKI_PATCHINFO_MAX_PATCHES,
		  HEKI_PATCHINFO_MAX_PATCHES, 0x100000);
	ret = heki_patchinfo_parse(b.buf, b.len, NULL, NULL, &count);
	check_result(ret == 0 && count == HEKI_PATCHINFO_MAX_PATCHES, "patchinfo: HEKI_PATCHINFO_MAX_PATCHES accepted", "ret %d", ret);
	pi_record(&b, 0, 1, 1, 1, 0x200000);
	check_err("patchinfo: one more -> PATCH_INFO_TOO_MANY",
		     heki_patchinfo_parse(b.buf, b.len, NULL, NULL, NULL),
		     -HEKI_VSM_ERR_PATCH_INFO_TOO_MANY);
	free(b.buf);
}

void test_patchinfo(void)
{
	test_patch_rules();
	test_patchinfo_buffers();
	test_patchinfo_headers();
	test_patchinfo_limit();
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki_modsig_split(): every check of the appended-signature trailer.
 */
#include "harness.h"
#include "sig/modsig.h"

/* A signed module image: data, sig, trailer, magic, with knobs to break. */
struct modsig_case {
	const char *name;
	unsigned int data_len;
	unsigned int sig_len;		/* bytes actually present */
	unsigned int hdr_sig_len;	/* sig_len written in the trailer */
	int field;			/* trailer byte to set (-1: none) */
	__u8 value;
	int magic_flip;			/* flip a magic byte */
	int cut;			/* drop this many bytes from the front */
	int want;
};

static const struct modsig_case modsig_cases[] = {
	{ "modsig: valid trailer splits", 100, 20, 20, -1, 0, 0, 0, 0 },
	{ "modsig: empty data with signature is valid", 0, 20, 20, -1, 0, 0, 0, 0 },
	{ "modsig: reserved byte 5 set -> TRAILER_INVALID", 10, 5, 5, 5, 0x01, 0,
	  0, -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID },
	{ "modsig: reserved byte 7 set -> TRAILER_INVALID", 10, 5, 5, 7, 0x80, 0,
	  0, -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID },
	{ "modsig: magic altered -> MODSIG_NOT_FOUND", 100, 20, 20, -1, 0, 1, 0,
	  -HEKI_VSM_ERR_MODSIG_NOT_FOUND },
	{ "modsig: algo != 0 -> TRAILER_INVALID", 10, 5, 5, 0, 1, 0, 0,
	  -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID },
	{ "modsig: hash != 0 -> TRAILER_INVALID", 10, 5, 5, 1, 1, 0, 0,
	  -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID },
	{ "modsig: id_type X509 -> TRAILER_INVALID", 10, 5, 5, 2, 1, 0, 0,
	  -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID },
	{ "modsig: id_type PGP -> TRAILER_INVALID", 10, 5, 5, 2, 0, 0, 0,
	  -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID },
	{ "modsig: signer_len != 0 -> TRAILER_INVALID", 10, 5, 5, 3, 1, 0, 0,
	  -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID },
	{ "modsig: key_id_len != 0 -> TRAILER_INVALID", 10, 5, 5, 4, 1, 0, 0,
	  -HEKI_VSM_ERR_MODSIG_TRAILER_INVALID },
	{ "modsig: sig_len 0 -> SIG_EMPTY", 10, 0, 0, -1, 0, 0, 0,
	  -HEKI_VSM_ERR_MODSIG_SIG_EMPTY },
	{ "modsig: sig_len one past the start -> SIG_TRUNCATED", 10, 5, 16, -1, 0,
	  0, 0, -HEKI_VSM_ERR_MODSIG_SIG_TRUNCATED },
	{ "modsig: sig_len exactly all bytes -> valid", 10, 5, 15, -1, 0, 0, 0, 0 },
	{ "modsig: sig_len 0xffffffff -> SIG_TRUNCATED", 10, 5, 0xffffffffu, -1,
	  0, 0, 0, -HEKI_VSM_ERR_MODSIG_SIG_TRUNCATED },
	{ "modsig: only 11 trailer bytes -> TRAILER_TRUNCATED", 0, 0, 0, -1, 0, 0,
	  1, -HEKI_VSM_ERR_MODSIG_TRAILER_TRUNCATED },
	{ "modsig: only the magic -> TRAILER_TRUNCATED", 0, 0, 0, -1, 0, 0, 12,
	  -HEKI_VSM_ERR_MODSIG_TRAILER_TRUNCATED },
	{ "modsig: 27 bytes -> MODSIG_NOT_FOUND", 0, 0, 0, -1, 0, 0, 13,
	  -HEKI_VSM_ERR_MODSIG_NOT_FOUND },
	{ "modsig: 0 bytes -> MODSIG_NOT_FOUND", 0, 0, 0, -1, 0, 0, 40,
	  -HEKI_VSM_ERR_MODSIG_NOT_FOUND },
};

static void modsig_run(const struct modsig_case *c, int misalign)
{
	size_t len = c->data_len + c->sig_len + 40, i;
	unsigned char *mem = malloc(len + 1), *buf = mem + misalign;
	struct heki_module_signature ms = { .id_type = HEKI_PKEY_ID_PKCS7 };
	struct heki_modsig out = { 0 };
	char name[160];
	int ret;

	for (i = 0; i < c->data_len + c->sig_len; i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	heki_module_signature_set_sig_len(&ms, c->hdr_sig_len);
	if (c->field >= 0)
		((__u8 *)&ms)[c->field] = c->value;
	memcpy(buf + c->data_len + c->sig_len, &ms, sizeof(ms));
	memcpy(buf + c->data_len + c->sig_len + 12, HEKI_MODULE_SIG_MAGIC, 28);
	if (c->magic_flip)
		buf[len - 5] ^= 0x20;

	/* The buffer is the tail: drop c->cut bytes from the front. */
	ret = heki_modsig_split(buf + c->cut, len - c->cut, &out);
	snprintf(name, sizeof(name), "%s%s", c->name,
		 misalign ? " (misaligned)" : "");
	check_err(name, ret, c->want);
	if (!ret && !c->want) {
		snprintf(name, sizeof(name), "%s: halves%s", c->name,
			 misalign ? " (misaligned)" : "");
		check_result(out.data == buf &&
			 out.data_len == len - 40 - c->hdr_sig_len &&
			 out.sig == buf + out.data_len &&
			 out.sig_len == c->hdr_sig_len, name,
			 "data_len %llu sig_len %llu", out.data_len, out.sig_len);
	}
	free(mem);
}

void test_modsig(void)
{
	struct heki_modsig out = { .data_len = 77 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modsig_cases); i++) {
		modsig_run(&modsig_cases[i], 0);
		modsig_run(&modsig_cases[i], 1);
	}
	check_err("modsig: NULL buffer -> MODSIG_NOT_FOUND",
		     heki_modsig_split(NULL, 100, &out),
		     -HEKI_VSM_ERR_MODSIG_NOT_FOUND);
	check_result(out.data_len == 77, "modsig: output untouched on failure", NULL);
}

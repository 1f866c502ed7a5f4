// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_audit.c - host tests of heki_vtl0's audit records (kmod/audit.c,
 * compiled unchanged against kshim.h; issue 13 item 2)
 *
 * The oracle is the record format of Documentation/kmod.rst (Audit
 * records) and the kernel's rules for audit fields: a string that may
 * hold anything (a module name, a signer's CN, a detail) is logged as
 * audit_log_n_untrustedstring() logs it, "value" when every byte is
 * printable ASCII other than space and '"', else the bytes in upper-case
 * hex (audit_string_contains_control(), audit_log_n_hex()). Refusals are
 * never aggregated; acceptances past the burst are counted and the next
 * acceptance record carries the count. One behaviour per test; the last
 * line is `N passed, N failed`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <openssl/sha.h>

#include "kshim.h"
#include "check.h"
/* run.sh sets AUDIT_C to a mutant's path */
#ifndef AUDIT_C
#define AUDIT_C "../../../kmod/audit.c"
#endif
#include AUDIT_C

/* ------------------------------------------------------------------ */
/* Harness                                                             */
/* ------------------------------------------------------------------ */

/* The record is exactly @want. */
static void check_text(int line, const char *got, const char *want)
{
	if (strcmp(got, want))
		check_fail(__FILE__, line, "record\n#   got  '%s'\n#   want '%s'",
			   got, want);
}
#define CHECK_TEXT(got, want) check_text(__LINE__, got, want)

static u32 last_error;		/* heki_vtl_last_error()'s answer */
static const char *mode = "enforce";

const char *heki_transport_name(void)
{
	return "loopback";
}

u32 heki_vtl_last_error(u32 func)
{
	(void)func;
	return last_error;
}

const char *heki_mode_name(void)
{
	return mode;
}

/* A fresh audit.c and shim state before every test. */
static void reset(void)
{
	shim_nrecords = 0;
	shim_printk_log[0] = 0;
	shim_kmalloc_fail = false;
	shim_audit_off = false;
	last_error = 0;
	mode = "enforce";
	heki_audit_records = 0;
	heki_audit_printk = 0;
	heki_audit_unrecorded = 0;
	heki_audit_unrecorded_total = 0;
	heki_audit_window_start = 0;
	heki_audit_window_count = 0;
}

static const char *rec(unsigned int i)
{
	return i < shim_nrecords ? shim_records[i] : "(no record)";
}

/* " key=" and the expected encoding of an untrusted string (the oracle). */
static void untrusted(char *out, size_t size, const char *key, const u8 *s,
		      size_t len)
{
	size_t i, n = (size_t)snprintf(out, size, " %s=", key);
	bool ctl = false;

	for (i = 0; i < len; i++)
		if (s[i] == '"' || s[i] < 0x21 || s[i] > 0x7e)
			ctl = true;
	if (!len) {
		snprintf(out + n, size - n, "?");
	} else if (!ctl) {
		snprintf(out + n, size - n, "\"%.*s\"", (int)len, s);
	} else {
		for (i = 0; i < len && n + 3 < size; i++)
			n += (size_t)snprintf(out + n, size - n, "%02X", s[i]);
	}
}

static void hex_lower(char *out, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * len] = 0;
}

static void hex_upper(char *out, const u8 *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02X", p[i]);
	out[2 * len] = 0;
}

/* ------------------------------------------------------------------ */
/* Signed module images (DER built here)                               */
/* ------------------------------------------------------------------ */

/* Append a DER element (tag, definite length, @len bytes of @v) at *@n. */
static void der(u8 *b, size_t *n, u8 tag, const void *v, size_t len)
{
	b[(*n)++] = tag;
	if (len < 0x80) {
		b[(*n)++] = (u8)len;
	} else if (len < 0x100) {
		b[(*n)++] = 0x81;
		b[(*n)++] = (u8)len;
	} else {
		b[(*n)++] = 0x82;
		b[(*n)++] = (u8)(len >> 8);
		b[(*n)++] = (u8)len;
	}
	if (len)
		memmove(b + *n, v, len);
	*n += len;
}

struct signer {
	const u8 *cn;		/* NULL: an issuer without a CN */
	size_t cn_len;
	const u8 *serial;
	size_t serial_len;
	const u8 *skid;		/* set: the [0] subjectKeyIdentifier form */
	size_t skid_len;
};

static const u8 oid_signed_data[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
				      0x01, 0x07, 0x02 };
static const u8 oid_cn[] = { 0x55, 0x04, 0x03 };
static const u8 oid_o[] = { 0x55, 0x04, 0x0a };
static const u8 one[] = { 0x01 };

/* The PKCS#7 ContentInfo a module's signature is, naming @s. */
static size_t pkcs7(u8 *out, const struct signer *s)
{
	u8 a[1024], b[1024], c[1024];
	size_t na = 0, nb = 0, nc = 0;

	/* issuer Name: O=heki, then CN (if any) */
	der(a, &na, 0x06, oid_o, sizeof(oid_o));
	der(a, &na, 0x0c, "heki", 4);
	der(b, &nb, 0x30, a, na);
	der(c, &nc, 0x31, b, nb);
	if (s->cn) {
		na = nb = 0;
		der(a, &na, 0x06, oid_cn, sizeof(oid_cn));
		der(a, &na, 0x0c, s->cn, s->cn_len);
		der(b, &nb, 0x30, a, na);
		der(c, &nc, 0x31, b, nb);
	}
	na = 0;
	der(a, &na, 0x30, c, nc);			/* Name */
	der(a, &na, 0x02, s->serial, s->serial_len);
	/* SignerInfo { version, sid, digestAlgorithm ... } */
	nb = 0;
	der(b, &nb, 0x02, one, 1);
	if (s->skid)
		der(b, &nb, 0x80, s->skid, s->skid_len);
	else
		der(b, &nb, 0x30, a, na);
	der(b, &nb, 0x30, NULL, 0);
	nc = 0;
	der(c, &nc, 0x30, b, nb);
	na = 0;
	der(a, &na, 0x31, c, nc);			/* signerInfos */
	/* SignedData { version, digestAlgorithms, encapContentInfo, [0] certs, signerInfos } */
	nb = 0;
	der(b, &nb, 0x02, one, 1);
	der(b, &nb, 0x31, NULL, 0);
	der(b, &nb, 0x30, NULL, 0);
	der(b, &nb, 0xa0, "certificate", 11);
	memcpy(b + nb, a, na);
	nb += na;
	nc = 0;
	der(c, &nc, 0x30, b, nb);
	na = 0;
	der(a, &na, 0x06, oid_signed_data, sizeof(oid_signed_data));
	der(a, &na, 0xa0, c, nc);
	nb = 0;
	der(out, &nb, 0x30, a, na);
	return nb;
}

/* A module file: some bytes, @sig, the signature header, the magic. */
static size_t module_image(u8 *out, const u8 *sig, size_t sig_len, u8 id_type,
			   u32 claimed_len)
{
	struct heki_module_signature ms = { .id_type = id_type };
	size_t n = 0;

	memcpy(out, "\177ELF module text", 16);
	n = 16;
	memcpy(out + n, sig, sig_len);
	n += sig_len;
	ms.sig_len_be[0] = (u8)(claimed_len >> 24);
	ms.sig_len_be[1] = (u8)(claimed_len >> 16);
	ms.sig_len_be[2] = (u8)(claimed_len >> 8);
	ms.sig_len_be[3] = (u8)claimed_len;
	memcpy(out + n, &ms, sizeof(ms));
	n += sizeof(ms);
	memcpy(out + n, HEKI_MODULE_SIG_MAGIC, HEKI_MODULE_SIG_MAGIC_LEN);
	return n + HEKI_MODULE_SIG_MAGIC_LEN;
}

static size_t signed_module(u8 *out, const struct signer *s)
{
	u8 sig[2048];
	size_t len = pkcs7(sig, s);

	return module_image(out, sig, len, HEKI_PKEY_ID_PKCS7, (u32)len);
}

static const u8 serial7[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
static const struct signer test_ca = {
	.cn = (const u8 *)"heki-test-CA", .cn_len = 12,
	.serial = serial7, .serial_len = sizeof(serial7),
};

/* " sha256=" the file's digest (OpenSSL, not kshim's sha256()). */
static void digest_field(char *out, const u8 *img, size_t len)
{
	u8 md[SHA256_DIGEST_LENGTH];

	SHA256(img, len, md);
	strcpy(out, " sha256=");
	hex_lower(out + 8, md, sizeof(md));
}

/* ------------------------------------------------------------------ */
/* Module records                                                      */
/* ------------------------------------------------------------------ */

TEST(module_accepted_record_has_every_field_in_order)
{
	reset();
	u8 img[4096];
	size_t len = signed_module(img, &test_ca);
	char want[1024], d[128];

	digest_field(d, img, len);
	heki_audit_module("crc7", img, len, 0, NULL, true, 7);
	CHECK(shim_nrecords == 1);
	snprintf(want, sizeof(want),
		 "op=heki_module name=\"crc7\" verdict=accepted by=vtl1 action=loaded token=7 err=0 reason=OK mode=enforce unrecorded=0%s signer=\"heki-test-CA\" serial=01020304050607 res=1",
		 d);
	CHECK_TEXT(rec(0), want);
}

TEST(module_refused_by_vtl1_names_vtl1_reason)
{
	reset();
	u8 img[4096];
	size_t len = signed_module(img, &test_ca);
	char want[1024], d[128];

	digest_field(d, img, len);
	last_error = HEKI_VSM_ERR_SIG_KEY_REVOKED;
	heki_audit_module("crc7", img, len, -129, NULL, false, 0);
	snprintf(want, sizeof(want),
		 "op=heki_module name=\"crc7\" verdict=refused by=vtl1 action=not_loaded err=-129 reason=SIG_KEY_REVOKED mode=enforce%s signer=\"heki-test-CA\" serial=01020304050607 res=0",
		 d);
	CHECK_TEXT(rec(0), want);
}

TEST(module_refused_without_vtl1_code_names_the_errno)
{
	reset();
	heki_audit_module("crc7", NULL, 0, -129, NULL, false, 0);
	CHECK_TEXT(rec(0),
		   "op=heki_module name=\"crc7\" verdict=refused by=vtl1 action=not_loaded err=-129 reason=-EKEYREJECTED mode=enforce sha256=? signer=none res=0");
}

TEST(module_refused_by_heki_vtl0_names_its_word)
{
	reset();
	heki_audit_module("big", NULL, 0, -27, "too_big", false, 0);
	CHECK_TEXT(rec(0),
		   "op=heki_module name=\"big\" verdict=refused by=heki_vtl0 action=not_loaded err=-27 reason=too_big mode=enforce sha256=? signer=none res=0");
}

TEST(module_refused_in_permissive_mode_loads_unprotected)
{
	reset();
	mode = "permissive";
	last_error = HEKI_VSM_ERR_SIG_HASH_BLOCKED;
	heki_audit_module("crc7", NULL, 0, -129, NULL, true, 0);
	CHECK_TEXT(rec(0),
		   "op=heki_module name=\"crc7\" verdict=refused by=vtl1 action=loaded_unprotected err=-129 reason=SIG_HASH_BLOCKED mode=permissive sha256=? signer=none res=0");
}

/* Names as the kernel logs untrusted strings. */
TEST(module_names_logged_as_untrusted_strings)
{
	reset();
	static const struct {
		const char *name;
		const char *field;	/* as it must appear */
	} t[] = {
		{ "crc_itu_t", " name=\"crc_itu_t\"" },
		{ "a b", " name=612062" },
		{ "a\"b", " name=612262" },
		{ "a\tb", " name=610962" },
		{ "\x1b[31m", " name=1B5B33316D" },
		{ "a\x7f", " name=617F" },
		{ "\xc3\xa9t\xc3\xa9", " name=C3A974C3A9" },
		{ "~!#$%&'()*+,-./:;<=>?@[\\]^_`{|}", " name=\"~!#$%&'()*+,-./:;<=>?@[\\]^_`{|}\"" },
		{ "", " name=?" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char oracle[256];

		reset();
		untrusted(oracle, sizeof(oracle), "name", (const u8 *)t[i].name,
			  strlen(t[i].name));
		/* the table agrees with the kernel's rule */
		CHECK(!strcmp(oracle, t[i].field));
		heki_audit_module(t[i].name, NULL, 0, -1, "x", false, 0);
		if (!strstr(rec(0), t[i].field) ||
		    strncmp(rec(0) + 14, t[i].field, strlen(t[i].field))) {
			check_fail(__FILE__, __LINE__,
				   "case %u: '%s' lacks '%s' after op=", i,
				   rec(0), t[i].field);
		}
	}
}

/* The signer fields of every signature form, and what does not parse. */
TEST(module_signer_fields)
{
	reset();
	static const u8 skid[] = { 0xde, 0xad, 0xbe, 0xef };
	static const u8 ser_long[24] = { 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
					 11, 12, 13, 14, 15, 16, 17, 18, 19,
					 20, 21, 22, 23 };
	u8 cn_long[80], cn_ctl[] = "Debian Secure Boot CA";
	char ser20[128], cn64[200], want_ctl[100];
	struct {
		const char *what;
		struct signer s;
		const char *field;
	} t[] = {
		{ "skid", { .skid = skid, .skid_len = 4 }, " skid=DEADBEEF res=" },
		{ "CN with spaces", { .cn = cn_ctl, .cn_len = 21, .serial = one,
				      .serial_len = 1 }, want_ctl },
		{ "no CN in the issuer", { .serial = one, .serial_len = 1 },
		  " signer=? serial=01 res=" },
		{ "serial cut to 20 bytes", { .cn = (const u8 *)"c", .cn_len = 1,
					      .serial = ser_long,
					      .serial_len = sizeof(ser_long) },
		  ser20 },
		{ "CN cut to 64 bytes", { .cn = cn_long, .cn_len = sizeof(cn_long),
					  .serial = one, .serial_len = 1 },
		  cn64 },
	};
	unsigned int i;
	size_t n;

	memset(cn_long, 'C', sizeof(cn_long));
	untrusted(want_ctl, sizeof(want_ctl), "signer", cn_ctl, 21);
	strcat(want_ctl, " serial=01 res=");
	n = (size_t)sprintf(ser20, " signer=\"c\" serial=");
	hex_upper(ser20 + n, ser_long, 20);
	strcat(ser20, " res=");
	n = (size_t)sprintf(cn64, " signer=\"%.64s\" serial=01 res=", (char *)cn_long);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		u8 img[4096];
		size_t len = signed_module(img, &t[i].s);

		reset();
		heki_audit_module("m", img, len, -1, "x", false, 0);
		if (!strstr(rec(0), t[i].field)) {
			check_fail(__FILE__, __LINE__, "%s: '%s' lacks '%s'",
				   t[i].what, rec(0), t[i].field);
		}
	}
}

TEST(module_unparsable_signatures_give_signer_unknown)
{
	reset();
	u8 sig[2048], img[4096];
	size_t sig_len = pkcs7(sig, &test_ca), len;
	unsigned int i;
	static const char *what[] = {
		"not PKCS#7 (id_type 1)", "sig_len beyond the file",
		"ContentInfo cut short", "no signature at all",
	};

	for (i = 0; i < 4; i++) {
		reset();
		switch (i) {
		case 0:
			len = module_image(img, sig, sig_len, 1, (u32)sig_len);
			break;
		case 1:
			len = module_image(img, sig, sig_len, HEKI_PKEY_ID_PKCS7,
					   0x7fffffff);
			break;
		case 2:
			len = module_image(img, sig + 4, sig_len - 4,
					   HEKI_PKEY_ID_PKCS7, (u32)sig_len - 4);
			break;
		default:
			memcpy(img, "\177ELF plain", 10);
			len = 10;
			break;
		}
		heki_audit_module("m", img, len, -1, "x", false, 0);
		if (!strstr(rec(0), i == 3 ? " signer=none res=0" :
					     " signer=? res=0")) {
			check_fail(__FILE__, __LINE__, "%s: '%s'", what[i],
				   rec(0));
		}
	}
}

/* The longest name and signer fields still leave the record whole. */
TEST(module_record_never_cut)
{
	reset();
	u8 cn[64], ser[20], img[4096];
	char name[MODULE_NAME_LEN];
	struct signer s = { .cn = cn, .cn_len = sizeof(cn), .serial = ser,
			    .serial_len = sizeof(ser) };
	size_t len, l;

	memset(cn, ' ', sizeof(cn));
	memset(ser, 0xff, sizeof(ser));
	memset(name, '"', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	len = signed_module(img, &s);
	heki_audit_module(name, img, len, -129, NULL, true, 0);
	l = strlen(rec(0));
	CHECK(l < HEKI_AUDIT_LEN - 1);
	CHECK(l > 6 && !strcmp(rec(0) + l - 6, " res=0"));
}

/* ------------------------------------------------------------------ */
/* Aggregation                                                         */
/* ------------------------------------------------------------------ */

TEST(acceptances_past_the_burst_counted_not_recorded)
{
	reset();
	char buf[64];
	unsigned int i;

	for (i = 0; i < HEKI_AUDIT_ACCEPT_BURST + 8; i++)
		heki_audit_module("m", NULL, 0, 0, NULL, true, i + 1);
	CHECK(shim_nrecords == HEKI_AUDIT_ACCEPT_BURST);
	heki_audit_unrecorded_show(NULL, NULL, buf);
	CHECK(!strcmp(buf, "8\n"));
	heki_audit_records_show(NULL, NULL, buf);
	CHECK(atoi(buf) == HEKI_AUDIT_ACCEPT_BURST);
}

TEST(next_acceptance_record_carries_the_count)
{
	reset();
	unsigned int i;

	for (i = 0; i < HEKI_AUDIT_ACCEPT_BURST + 8; i++)
		heki_audit_module("m", NULL, 0, 0, NULL, true, 1);
	jiffies += HEKI_AUDIT_ACCEPT_WINDOW + 1;
	heki_audit_module("m", NULL, 0, 0, NULL, true, 1);
	heki_audit_module("m", NULL, 0, 0, NULL, true, 1);
	CHECK(shim_nrecords == HEKI_AUDIT_ACCEPT_BURST + 2);
	CHECK(strstr(rec(HEKI_AUDIT_ACCEPT_BURST), " unrecorded=8 "));
	CHECK(strstr(rec(HEKI_AUDIT_ACCEPT_BURST + 1), " unrecorded=0 "));
}

TEST(refusals_never_aggregated)
{
	reset();
	unsigned int i, refused = 0;

	for (i = 0; i < HEKI_AUDIT_ACCEPT_BURST; i++)
		heki_audit_module("m", NULL, 0, 0, NULL, true, 1);
	for (i = 0; i < 300; i++) {
		heki_audit_module("m", NULL, 0, 0, NULL, true, 1);
		heki_audit_module("r", NULL, 0, -129, NULL, false, 0);
	}
	for (i = 0; i < shim_nrecords; i++)
		refused += !!strstr(rec(i), " verdict=refused ");
	CHECK(refused == 300);
	CHECK(shim_nrecords == HEKI_AUDIT_ACCEPT_BURST + 300);
	/* a refusal record carries no count: that is the acceptances' */
	CHECK(!strstr(rec(shim_nrecords - 1), "unrecorded"));
}

TEST(kexec_and_events_never_aggregated)
{
	reset();
	unsigned int i;

	for (i = 0; i < HEKI_AUDIT_ACCEPT_BURST + 5; i++) {
		heki_audit_kexec(false, NULL, 0, 0, "x");
		heki_audit_event("heki_state", "ready", 0, 0, NULL);
	}
	CHECK(shim_nrecords == 2 * (HEKI_AUDIT_ACCEPT_BURST + 5));
}

/* ------------------------------------------------------------------ */
/* Where a record goes when audit has no buffer or memory is short     */
/* ------------------------------------------------------------------ */

TEST(no_audit_buffer_record_goes_to_kernel_log)
{
	reset();
	char buf[64];

	shim_audit_off = true;
	heki_audit_module("crc7", NULL, 0, -129, "x", false, 0);
	CHECK(shim_nrecords == 0);
	CHECK(!strcmp(shim_printk_log,
		      "heki_vtl0: audit: type=1316 op=heki_module name=\"crc7\" verdict=refused by=heki_vtl0 action=not_loaded err=-129 reason=x mode=enforce sha256=? signer=none res=0\n"));
	heki_audit_printk_show(NULL, NULL, buf);
	CHECK(!strcmp(buf, "1\n"));
	heki_audit_records_show(NULL, NULL, buf);
	CHECK(!strcmp(buf, "0\n"));
}

/* Without memory: a short line each, the module name in hex (any bytes). */
TEST(no_memory_refusal_still_logged)
{
	reset();
	char buf[64];

	shim_kmalloc_fail = true;
	heki_audit_module("a verdict=accepted", NULL, 0, -129, NULL, false, 0);
	heki_audit_kexec(true, NULL, 0, -22, "x");
	heki_audit_event("heki_boot", "lock_regs", -5, 0, NULL);
	CHECK(!strcmp(shim_printk_log,
		      "heki_vtl0: audit: type=1316 op=heki_module name=6120766572646963743d6163636570746564 err=-129 (no memory for the full record)\n"
		      "heki_vtl0: audit: type=1316 op=heki_kexec err=-22 (no memory for the full record)\n"
		      "heki_vtl0: audit: type=1316 op=heki_boot what=lock_regs err=-5\n"));
	heki_audit_printk_show(NULL, NULL, buf);
	CHECK(!strcmp(buf, "3\n"));
}

/* ------------------------------------------------------------------ */
/* kexec and event records                                             */
/* ------------------------------------------------------------------ */

TEST(kexec_accepted_record_has_every_field_in_order)
{
	reset();
	static const u8 blob[] = "MZ kernel image";
	u8 md[SHA256_DIGEST_LENGTH];
	char want[512], h[80];

	SHA256(blob, sizeof(blob), md);
	hex_lower(h, md, sizeof(md));
	heki_audit_kexec(false, blob, sizeof(blob), 0, NULL);
	snprintf(want, sizeof(want),
		 "op=heki_kexec kind=kexec kernel_sha256=%s kernel_size=%zu verdict=accepted by=vtl1 err=0 reason=OK mode=enforce res=1",
		 h, sizeof(blob));
	CHECK_TEXT(rec(0), want);
}

TEST(kexec_refused_before_vtl1_has_no_kernel_fields)
{
	reset();
	mode = "permissive";
	heki_audit_kexec(true, NULL, 0, -27, "too_big");
	CHECK_TEXT(rec(0),
		   "op=heki_kexec kind=crash verdict=refused by=heki_vtl0 err=-27 reason=too_big mode=permissive res=0");
}

TEST(kexec_refused_by_vtl1_names_vtl1_reason)
{
	reset();
	last_error = HEKI_VSM_ERR_SIG_CERT_BLOCKED;
	heki_audit_kexec(false, "x", 1, -129, NULL);
	CHECK(strstr(rec(0),
		     " verdict=refused by=vtl1 err=-129 reason=SIG_CERT_BLOCKED mode=enforce res=0"));
}

TEST(event_record_with_vtl1_reason)
{
	reset();
	last_error = HEKI_VSM_ERR_SIG_KEY_REVOKED;
	heki_audit_event("heki_boot", "load_kdata", -129,
			 VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE, NULL);
	CHECK_TEXT(rec(0),
		   "op=heki_boot what=load_kdata err=-129 reason=SIG_KEY_REVOKED transport=loopback mode=enforce res=0");
}

TEST(event_record_detail_logged_as_untrusted_string)
{
	reset();
	heki_audit_event("heki_state", "failed_closed", -71, 0,
			 "undefined answer");
	heki_audit_event("heki_state", "ready", 0, 0, "ok");
	CHECK_TEXT(rec(0),
		   "op=heki_state what=failed_closed err=-71 detail=756E646566696E656420616E73776572 transport=loopback mode=enforce res=0");
	CHECK_TEXT(rec(1),
		   "op=heki_state what=ready err=0 detail=\"ok\" transport=loopback mode=enforce res=1");
}

int main(void)
{
	check_run_tests(NULL);
	return check_done();
}

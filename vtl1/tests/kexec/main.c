// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * main.c - test_kexec, the kexec/ host tests. Usage: test_kexec DATA_DIR
 * (DATA_DIR is what run.sh prepares, see struct at_data). The kimage
 * parser cases need no data and run first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "oracle.h"
#include "crypto/openssl.h"
#include "crypto/bearssl.h"

struct at_data at;

static void *br_alloc(void *actx, __u64 size)
{
	return calloc(1, size);
}

static void br_free(void *actx, void *ptr)
{
	free(ptr);
}

static struct heki_bearssl_ctx br_ctx = { NULL, br_alloc, br_free };
static struct heki_vtl1_crypto br;

/* Every signature test runs through each provider; verdicts must agree. */
struct at_provider at_providers[2] = {
	{ "openssl", &heki_vtl1_crypto_openssl },
	{ "bearssl", &br },
};
const unsigned int at_nr_providers = HEKI_ARRAY_SIZE(at_providers);

__u8 *at_dup(const struct at_file *f)
{
	__u8 *p = malloc(f->len ? f->len : 1);

	if (!p)
		abort();
	memcpy(p, f->data, f->len);
	return p;
}

size_t at_unhex(const char *hex, __u8 *out, size_t max)
{
	size_t n = 0;
	unsigned int b;

	while (n < max && sscanf(hex + 2 * n, "%2x", &b) == 1)
		out[n++] = (__u8)b;
	return n;
}

long at_find(const __u8 *buf, size_t len, size_t from, const void *needle,
	     size_t nlen)
{
	size_t i;

	for (i = from; nlen && i + nlen <= len; i++)
		if (!memcmp(buf + i, needle, nlen))
			return (long)i;
	return -1;
}

void *at_keyring(const struct at_provider *p, const struct at_file *cert, ...)
{
	const struct heki_vtl1_crypto *c = p->c;
	va_list ap;
	void *kr;

	if (c->keyring_create(c->ctx, &kr))
		abort();
	va_start(ap, cert);
	for (; cert; cert = va_arg(ap, const struct at_file *))
		if (c->keyring_add_cert(c->ctx, kr, cert->data, cert->len))
			abort();
	va_end(ap);
	return kr;
}

void at_keyring_free(const struct at_provider *p, void *kr)
{
	p->c->keyring_destroy(p->c->ctx, kr);
}

static void load(const char *dir, const char *name, struct at_file *f)
{
	f->data = check_read_file(dir, name, &f->len);
}

static void load_hex(const char *dir, const char *name, char *out, size_t max)
{
	struct at_file f;

	load(dir, name, &f);
	if (f.len >= max)
		exit(2);
	memcpy(out, f.data, f.len);
	out[f.len] = 0;
	free(f.data);
}

/* The oracle (tests/oracle.c) checks every VTL call; a violation fails. */
static void oracle_failed(const char *msg)
{
	check_result(0, "oracle", "%s", msg);
}

int main(int argc, char **argv)
{
	char ver[32];
	const char *d;

	oracle_fail_handler = oracle_failed;
	test_kimage();
	if (argc != 2) {
		check_result(0, "kexec: data directory given",
			     "usage: %s DATA_DIR", argv[0]);
		return check_done();
	}
	d = argv[1];
	heki_vtl1_crypto_bearssl_init(&br, &br_ctx);
	setvbuf(stdout, NULL, _IOLBF, 0);
	load(d, "vmlinuz", &at.vmlinuz);
	load(d, "signer.der", &at.signer);
	load(d, "other.der", &at.other);
	load(d, "impostor.der", &at.impostor);
	load(d, "test.der", &at.testcert);
	load(d, "s256.efi", &at.s256);
	load(d, "s384.efi", &at.s384);
	load(d, "s512.efi", &at.s512);
	load(d, "s1.efi", &at.s1);
	load(d, "trail.efi", &at.trail);
	load_hex(d, "md_vmlinuz", at.md_vmlinuz, sizeof(at.md_vmlinuz));
	load_hex(d, "md_s256", at.md_s256, sizeof(at.md_s256));
	load_hex(d, "md_s384", at.md_s384, sizeof(at.md_s384));
	load_hex(d, "md_s512", at.md_s512, sizeof(at.md_s512));
	load_hex(d, "md_trail", at.md_trail, sizeof(at.md_trail));
	load(d, "purgatory.ro", &at.purgatory);
	load_hex(d, "version", ver, sizeof(ver));
	at.version = (__u32)strtoul(ver, NULL, 16);

	test_pe();
	test_verify();
	test_kexec();
	test_purgatory();
	return check_done();
}

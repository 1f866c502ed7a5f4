// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Host tests of the DER reader, the PKCS#7 parser and both crypto
 * providers (OpenSSL and BearSSL). Usage: test_crypto KEYDIR.
 */
#include <stdarg.h>

#include "harness.h"
#include "../../crypto/openssl.h"
#include "../../crypto/bearssl.h"

unsigned int t_passed, t_failed;
const char *t_keydir;
long t_alloc_live;
const struct heki_vtl1_crypto *t_ossl = &heki_vtl1_crypto_openssl;
struct heki_vtl1_crypto t_br;

void t_result(const char *name, int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %s", ok ? "ok  " : "FAIL", name);
	if (!ok && fmt) {
		printf(": ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	if (ok)
		t_passed++;
	else
		t_failed++;
}

const char *t_err_name(int ret)
{
	const char *n;

	if (ret >= 0)
		return ret ? "positive" : "OK";
	n = heki_vsm_error_name((enum heki_vsm_error)-ret);
	return n ? n : "unknown";
}

void t_expect_ret(const char *name, int got, int want)
{
	t_result(name, got == want, "got %d (%s), want %d (%s)", got,
		 t_err_name(got), want, t_err_name(want));
}

unsigned char *t_read_file(const char *name, size_t *len)
{
	char path[4096];
	unsigned char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", t_keydir, name);
	f = fopen(path, "rb");
	n = f && !fseek(f, 0, SEEK_END) ? ftell(f) : -1;
	if (n < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void *t_alloc(void *ctx, __u64 size)
{
	void *p;

	(void)ctx;
	p = calloc(1, size ? size : 1);
	if (p)
		t_alloc_live++;
	return p;
}

static void t_free(void *ctx, void *p)
{
	(void)ctx;
	if (p)
		t_alloc_live--;
	free(p);
}

static struct heki_bearssl_ctx t_br_ctx = {
	.alloc = t_alloc,
	.free = t_free,
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s KEYDIR\n", argv[0]);
		return 2;
	}
	t_keydir = argv[1];
	heki_vtl1_crypto_bearssl_init(&t_br, &t_br_ctx);
	test_der();
	test_pkcs7_parse();
	test_providers();
	t_result("bearssl: every allocation freed", t_alloc_live == 0,
		 "%ld live", t_alloc_live);
	printf("%u passed, %u failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}

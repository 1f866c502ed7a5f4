// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Host unit tests of the VTL1 parsers and the OpenSSL provider.
 * Usage: test_parsers KEYDIR (KEYDIR from run.sh: keys, certs, signatures).
 */
#include <stdarg.h>

#include "harness.h"

unsigned int t_passed, t_failed;
const char *t_keydir;
int t_alloc_fail_at;
long t_alloc_live;

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

static const char *t_err_name(int ret)
{
	const char *n;

	if (ret > 0)
		return "positive?";
	n = heki_vsm_error_name((enum heki_vsm_error)-ret);
	return n ? n : "unknown";
}

void t_expect_ret(const char *name, int got, int want)
{
	t_result(name, got == want, "got %d (%s), want %d (%s)", got,
		 t_err_name(got), want, t_err_name(want));
}

static void *t_alloc(void *ctx, __u64 size)
{
	void *p;

	(void)ctx;
	if (t_alloc_fail_at && --t_alloc_fail_at == 0)
		return NULL;
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

struct heki_vtl1_platform t_platform = {
	.alloc = t_alloc,
	.free = t_free,
};

unsigned char *t_read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	unsigned char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	n = f && !fseek(f, 0, SEEK_END) ? ftell(f) : -1;
	if (n < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	t_keydir = argc > 1 ? argv[1] : NULL;

	test_modsig();
	test_certs();
	test_symtab();
	test_patchinfo();
	test_kimage();
	if (t_keydir)
		test_pkcs7();
	else
		t_result("pkcs7: key directory given", 0, "usage: %s KEYDIR", argv[0]);
	printf("%u passed, %u failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}

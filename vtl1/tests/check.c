// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * check.c - the result runner of every C test program (see check.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "check.h"

static unsigned long n_results, n_passed, n_failed, n_skipped;
static int quiet, started;

static void start(void)
{
	if (started)
		return;
	started = 1;
	printf("KTAP version 1\n");
}

void check_set_quiet(int q)
{
	quiet = q;
}

unsigned long check_nr_passed(void)
{
	return n_passed;
}

unsigned long check_nr_failed(void)
{
	return n_failed;
}

unsigned long check_nr_skipped(void)
{
	return n_skipped;
}

/* "# " before every line of the message. */
static void vdiag(const char *fmt, va_list ap)
{
	char buf[4096];
	const char *line = buf, *nl;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	while (*line) {
		nl = strchr(line, '\n');
		if (!nl) {
			printf("# %s\n", line);
			break;
		}
		printf("# %.*s\n", (int)(nl - line), line);
		line = nl + 1;
	}
}

void check_diag(const char *fmt, ...)
{
	va_list ap;

	start();
	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
}

static void print_name(const char *group, const char *name)
{
	if (group)
		printf("%s: ", group);
	printf("%s", name);
}

static int vresult(int ok, const char *group, const char *name,
		   const char *fmt, va_list ap)
{
	start();
	n_results++;
	if (ok)
		n_passed++;
	else
		n_failed++;
	if (ok && quiet)
		return 1;
	printf("%s %lu ", ok ? "ok" : "not ok", n_results);
	print_name(group, name);
	printf("\n");
	if (!ok && fmt)
		vdiag(fmt, ap);
	fflush(stdout);
	return ok ? 1 : 0;
}

int check_result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vresult(ok, NULL, name, fmt, ap);
	va_end(ap);
	return r;
}

int check_group(int ok, const char *group, const char *name, const char *fmt,
		...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vresult(ok, group, name, fmt, ap);
	va_end(ap);
	return r;
}

static void vskip(const char *group, const char *name, const char *fmt,
		  va_list ap)
{
	char why[1024];

	start();
	n_results++;
	n_skipped++;
	vsnprintf(why, sizeof(why), fmt, ap);
	printf("ok %lu ", n_results);
	print_name(group, name);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

void check_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vskip(NULL, name, fmt, ap);
	va_end(ap);
}

void check_group_skip(const char *group, const char *name, const char *fmt,
		      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vskip(group, name, fmt, ap);
	va_end(ap);
}

const char *check_err_name(long long err)
{
	const char *n;

	if (!err)
		return "OK";
	if (err > 0 || err < -(long long)HEKI_VSM_ERR_COUNT)
		return "unknown";
	n = heki_vsm_error_name((enum heki_vsm_error)-err);
	return n ? n : "unknown";
}

int check_err(const char *name, long long got, long long want)
{
	return check_group_err(NULL, name, got, want);
}

int check_group_err(const char *group, const char *name, long long got,
		    long long want)
{
	return check_group(got == want, group, name,
			   "got %lld (%s), want %lld (%s)", got,
			   check_err_name(got), want, check_err_name(want));
}

int check_done(void)
{
	start();
	printf("1..%lu\n", n_results);
	printf("# %lu skipped\n", n_skipped);
	printf("%lu passed, %lu failed\n", n_passed, n_failed);
	fflush(stdout);
	return n_failed ? 1 : 0;
}

unsigned char *check_read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	unsigned char *buf;
	FILE *f;
	long n;

	if (dir)
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	else
		snprintf(path, sizeof(path), "%s", name);
	f = fopen(path, "rb");
	n = f && !fseek(f, 0, SEEK_END) ? ftell(f) : -1;
	if (n < 0 || fseek(f, 0, SEEK_SET))
		goto fail;
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n)
		goto fail;
	fclose(f);
	*len = n;
	return buf;
fail:
	check_result(0, "read test data", "cannot read %s", path);
	exit(check_done() ? 1 : 2);
}

/* ---- registered tests ---------------------------------------------- */

#define MAX_TESTS 1024

struct check_test {
	const char *name;
	void (*fn)(void);
};

static struct check_test tests[MAX_TESTS];
static int nr_tests;
static int test_failed, test_skipped;
static char skip_reason[512];

void check_register(const char *name, void (*fn)(void))
{
	if (nr_tests >= MAX_TESTS) {
		fprintf(stderr, "check: more than %d tests\n", MAX_TESTS);
		abort();
	}
	tests[nr_tests].name = name;
	tests[nr_tests++].fn = fn;
}

void check_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	test_failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	check_diag("%s:%d: %s", file, line, msg);
}

void check_skip_test(const char *fmt, ...)
{
	va_list ap;

	test_skipped = 1;
	va_start(ap, fmt);
	vsnprintf(skip_reason, sizeof(skip_reason), fmt, ap);
	va_end(ap);
}

static int by_name(const void *a, const void *b)
{
	const struct check_test *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int check_run_tests(const char *filter)
{
	int i;

	qsort(tests, nr_tests, sizeof(tests[0]), by_name);
	for (i = 0; i < nr_tests; i++) {
		if (filter && !strstr(tests[i].name, filter))
			continue;
		test_failed = 0;
		test_skipped = 0;
		start();
		tests[i].fn();
		if (test_skipped && !test_failed)
			check_skip(tests[i].name, "%s", skip_reason);
		else
			check_result(!test_failed, tests[i].name, NULL);
	}
	return check_done();
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * main.c - VTL1 host test runner. Optional argument: substring filter.
 */
#include <stdarg.h>
#include <stdlib.h>
#include "test.h"

#define MAX_TESTS 512

static struct test_case tests[MAX_TESTS];
static int nr_tests;
int test_failed;

void test_register(const char *name, void (*fn)(void))
{
	if (nr_tests >= MAX_TESTS)
		abort();
	tests[nr_tests].name = name;
	tests[nr_tests++].fn = fn;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	test_failed = 1;
	fprintf(stdout, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

static int cmp(const void *a, const void *b)
{
	const struct test_case *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
	int i, passed = 0, failed = 0;

	qsort(tests, nr_tests, sizeof(tests[0]), cmp);
	for (i = 0; i < nr_tests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		test_failed = 0;
		tests[i].fn();
		printf("%s %s\n", test_failed ? "FAIL" : "ok", tests[i].name);
		fflush(stdout);
		if (test_failed)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * check.h - the one result runner of every C test program (vtl1/tests,
 * tests/): KTAP-style output, skips counted as skips.
 *
 * Output of a program:
 *
 *   KTAP version 1
 *   ok 1 NAME
 *   not ok 2 NAME
 *   # what differed (diagnostic lines start with '#')
 *   ok 3 NAME # SKIP why
 *   ...
 *   1..N
 *   # S skipped
 *   P passed, F failed
 *
 * P + F + S = N: a skipped result is neither passed nor failed. The last
 * two lines are what scripts/check.sh reads. check_done() prints them and
 * gives the exit status (1 if anything failed).
 *
 * Two ways to produce results:
 *   - direct: check_result(ok, name, fmt, ...) and friends, one line each;
 *   - registered: TEST(name) { CHECK(...); ... } anywhere in the program,
 *     then check_run_tests(filter): one result per test, failed if any
 *     CHECK failed, skipped if the test called check_skip_test().
 */
#ifndef HEKI_TESTS_CHECK_H
#define HEKI_TESTS_CHECK_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CHECK_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* One result. Returns @ok (as 0/1). @fmt (may be NULL) explains a failure. */
int check_result(int ok, const char *name, const char *fmt, ...)
	CHECK_PRINTF(3, 4);
/* The same, the name printed as "GROUP: NAME". */
int check_group(int ok, const char *group, const char *name, const char *fmt,
		...) CHECK_PRINTF(4, 5);
/* A skipped result: "ok N NAME # SKIP REASON"; counted as skipped. */
void check_skip(const char *name, const char *fmt, ...) CHECK_PRINTF(2, 3);
void check_group_skip(const char *group, const char *name, const char *fmt,
		      ...) CHECK_PRINTF(3, 4);
/* @got == @want, both 0 or -HEKI_VSM_ERR_*; names both on a failure. */
int check_err(const char *name, long long got, long long want);
int check_group_err(const char *group, const char *name, long long got,
		    long long want);
/* Name of 0 / -HEKI_VSM_ERR_<X> ("OK", "<X>", or "unknown"). */
const char *check_err_name(long long err);
/* A diagnostic line: "# ...". */
void check_diag(const char *fmt, ...) CHECK_PRINTF(1, 2);

/*
 * Quiet mode: passing results are counted but not printed (programs with
 * tens of thousands of checks); failures, skips and the totals still are.
 */
void check_set_quiet(int quiet);

unsigned long check_nr_passed(void);
unsigned long check_nr_failed(void);
unsigned long check_nr_skipped(void);

/* Plan, "# S skipped", "P passed, F failed"; returns the exit status. */
int check_done(void);

/* A whole file (DIR/NAME, DIR may be NULL); exits with a failure if absent. */
unsigned char *check_read_file(const char *dir, const char *name, size_t *len);

/* ---- registered tests ---------------------------------------------- */

void check_register(const char *name, void (*fn)(void));
/* Inside a registered test: record a failure (the test goes on). */
void check_fail(const char *file, int line, const char *fmt, ...)
	CHECK_PRINTF(3, 4);
/* Inside a registered test: it did not run its check (reason printed). */
void check_skip_test(const char *fmt, ...) CHECK_PRINTF(1, 2);
/* Run every registered test whose name contains @filter (NULL: all). */
int check_run_tests(const char *filter);

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void name##_reg(void)	\
	{								\
		check_register(#name, name);				\
	}								\
	static void name(void)

/* Record a failure and carry on (a later crash fails the run too). */
#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			check_fail(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_)						\
			check_fail(__FILE__, __LINE__,			\
				   "%s == %lld, expected %s == %lld",	\
				   #a, a_, #b, b_);			\
	} while (0)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifdef __cplusplus
}
#endif

#endif /* HEKI_TESTS_CHECK_H */

/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * test.h - minimal test registry for the VTL1 host tests.
 *
 * TEST(name) defines and registers a test; CHECK*() record a failure. The runner prints one line per test and, last,
 * "N passed, N failed".
 */
#ifndef HEKI_VTL1_TEST_H
#define HEKI_VTL1_TEST_H

#include <stdio.h>
#include <string.h>
#include "guest.h"

struct test_case {
	const char *name;
	void (*fn)(void);
};

void test_register(const char *name, void (*fn)(void));
void test_fail(const char *file, int line, const char *fmt, ...)
	HEKI_VTL1_PRINTF(3, 4);
extern int test_failed;

#define TEST(name)							\
	static void name(void);						\
	__attribute__((constructor)) static void name##_reg(void)	\
	{								\
		test_register(#name, name);				\
	}								\
	static void name(void)

/* Record a failure and carry on (a later crash fails the run too). */
#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			test_fail(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		if (a_ != b_)						\
			test_fail(__FILE__, __LINE__,			\
				  "%s == %lld, expected %s == %lld",	\
				  #a, a_, #b, b_);			\
	} while (0)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Guest physical layout used by the tests. */
#define CHAIN_PA	0x10000ULL	/* heki_page chains */
#define CHAIN2_PA	0x80000ULL	/* a second chain */
#define DATA_PA		0x100000ULL	/* buffers (certs, ELF, ...) */
#define MEM_PA		0x800000ULL	/* module / kernel frames */

#define RET_ERR(e)	(-(long long)(e))

/* Shortcuts shared by the test files (common.c). */
struct heki_range rng(__u64 va, __u64 pa, __u64 epa, __u64 attr);
__s64 call_chain(struct guest *g, __u32 id, const struct heki_range *r,
		 __u32 n, __u64 a2);
__s64 load_kdata_basic(struct guest *g);
__u64 put_module(struct guest *g, __u64 pa, __u8 keyid, int tamper);
__u8 frame_prot(struct guest *g, __u64 pa);

#define KVA(pa)		(0xffffffff80000000ULL + (pa))

#endif /* HEKI_VTL1_TEST_H */

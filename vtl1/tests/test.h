/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * test.h - what the dispatch-level host tests (build/host/vtl1_tests, one
 * TEST() per behaviour in vtl1/tests/<subsystem>/t_*.c) share: the guest
 * layout and shortcuts of common.c. TEST(), CHECK() and the runner are
 * check.h's.
 */
#ifndef HEKI_VTL1_TEST_H
#define HEKI_VTL1_TEST_H

#include <stdio.h>
#include <string.h>
#include "check.h"
#include "guest.h"

/* Guest physical layout used by the tests. */
#define CHAIN_PA	0x10000ULL	/* heki_page chains */
#define CHAIN2_PA	0x80000ULL	/* a second chain */
#define DATA_PA		0x100000ULL	/* buffers (certs, ELF, ...) */
#define MEM_PA		0x800000ULL	/* module / kernel frames */
#define KD_REVOKED	(DATA_PA + 0x6000)	/* RevocationCerts (common.c) */
#define KD_BLOCKLIST	0x380000ULL	/* BlocklistHashes (common.c) */

#define RET_ERR(e)	(-(long long)(e))

/* Shortcuts shared by the test files (common.c). */
struct heki_range rng(__u64 va, __u64 pa, __u64 epa, __u64 attr);
__s64 call_chain(struct guest *g, __u32 id, const struct heki_range *r,
		 __u32 n, __u64 a2);
__s64 load_kdata_basic(struct guest *g);
__s64 load_kdata_mode(struct guest *g, const void *mode, __u64 len, int split);
__s64 load_kdata_basic_lists(struct guest *g, const void *certs, __u64 clen,
			     const void *rev, __u64 rlen, const void *bl,
			     __u64 bllen);
__s64 load_kdata_patches(struct guest *g, const struct heki_patch *p,
			 __u32 n);
__s64 load_kdata_lists(struct guest *g, const struct heki_patch *p, __u32 n,
		       const void *certs, __u64 clen, const void *rev,
		       __u64 rlen, const void *bl, __u64 bllen);
__u64 put_module(struct guest *g, __u64 pa, __u8 keyid, int tamper);
__u8 frame_prot(struct guest *g, __u64 pa);
__s64 validate_module_at(struct guest *g, __u64 pa, __u64 elf_pa);
__s64 nomem_sweep(struct guest *g, __s64 (*call)(struct guest *g, void *arg),
		  void *arg, long *points);
/* Protected runs from @base on until the protection map is full. */
__s64 fill_prot_map(struct guest *g, __u64 base);

#define KVA(pa)		(0xffffffff80000000ULL + (pa))

/*
 * A kernel with kallsyms (ksyms.c): certificates, kernel info and
 * extension, and the kernel data (KS_DATA_LEN bytes: tables in the first
 * two pages, the third free for the caller).
 */
#define KS_CERTS	(DATA_PA + 0x10000)
#define KS_INFO		(DATA_PA + 0x11000)
#define KS_DATA		(DATA_PA + 0x12000)
#define KS_DATA_LEN	0x3000ULL
#define KS_FREE		(KS_DATA + 0x2000)	/* the third page */
#define KS_MAX_SYMS	64

/**
 * struct ksym_def - one kallsyms symbol of load_kdata_ksyms()
 * @name: its type character, then its name
 * @va: its address (the array sorted by it)
 */
struct ksym_def {
	const char *name;
	__u64 va;
};

/* Bytes of the kernel image, stored as the boot loader left them. */
void store_image(struct guest *g, __u64 pa, const void *b, __u64 len);
__s64 load_kdata_ksyms(struct guest *g, const struct ksym_def *s, __u32 n,
		       __u64 text_start, __u64 text_end);
/* The same, with the GPL export __static_call_return0 at @r0 (0: none). */
__s64 load_kdata_ksyms_r0(struct guest *g, const struct ksym_def *s,
			  __u32 n, __u64 text_start, __u64 text_end, __u64 r0);

#endif /* HEKI_VTL1_TEST_H */

/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * guest.h - a simulated VTL0 guest for host tests, fuzzers and benchmarks:
 * guest physical memory in a malloc'd buffer, VTL1-owned frames, recorded
 * page protections, registers, VPs, failure injection, and a small
 * deterministic crypto provider (a checksum "signature" bound to a key id;
 * the real OpenSSL provider is tested in tests/sig/).
 */
#ifndef HEKI_VTL1_TEST_GUEST_H
#define HEKI_VTL1_TEST_GUEST_H

#include <stddef.h>
#include <heki/abi.h>
#include "heki_vtl1.h"
#include "oracle.h"

/* A test binary may build guest.c with a larger memory (-DGUEST_MEM_SIZE). */
#ifndef GUEST_MEM_SIZE
#define GUEST_MEM_SIZE		(16ULL << 20)
#endif
#define GUEST_FRAMES		(GUEST_MEM_SIZE >> HEKI_PAGE_SHIFT)
/* The last MiB of guest physical memory belongs to VTL1. */
#define GUEST_VTL1_PA		(15ULL << 20)
#define GUEST_VTL1_SIZE		(1ULL << 20)
#define GUEST_MAX_EVENTS	4096
#define GUEST_MAX_SET_REGS	16

enum guest_event_kind {
	GUEST_EV_COPY_FROM = 1,
	GUEST_EV_COPY_TO,
	GUEST_EV_MODIFY,
};

struct guest_event {
	int kind;
	__u64 pa;
	__u64 len;
};

struct guest {
	__u8 *mem;
	__u8 prot[GUEST_FRAMES];
	struct heki_vtl1_phys_range vtl1;
	struct heki_vtl1_platform plat;
	struct heki_vtl1_crypto crypto;
	struct heki_vtl1 *v;

	/* failure injection */
	int fail_modify_at;		/* fail the Nth modify (1-based) */
	int nr_modify;
	__u64 fail_read_lo, fail_read_hi;	/* reads touching this fail */
	int fail_copy_to;
	__u64 fail_write_lo, fail_write_hi;	/* writes touching this fail */
	int fail_copy_to_nth;		/* fail only the Nth next copy_to */
	long alloc_fail_after;		/* -1: never */
	long nr_alloc, live_alloc;
	/* alloc_uninit: 0 fills with 0xa5 (tests), 1 leaves malloc's bytes */
	int uninit_raw;
	int fail_get_reg, fail_set_reg;
	__u32 fail_vp;			/* VP whose enable fails (0 = none) */

	/* observations */
	int locked, lock_calls, unlock_calls;
	__u32 set_reg_name[GUEST_MAX_SET_REGS];
	__u64 set_reg_value[GUEST_MAX_SET_REGS];
	int nr_set_regs;
	__u8 vp_enabled[HEKI_VTL1_MAX_VPS];
	int nr_enable_calls;
	struct guest_event ev[GUEST_MAX_EVENTS];
	int nr_ev;
	long nr_refused_stores;
	char last_log[512];
	int verbose;
	int quiet;
	/* called by guest_call() before each dispatch (seed recording) */
	void (*on_call)(struct guest *g, __u32 id, __u64 a0, __u64 a1,
			__u64 a2);
	void *on_call_arg;
	/*
	 * the soundness oracle (oracle.h), checked by guest_call(); a
	 * benchmark may free it and set NULL to time VTL1 alone
	 */
	struct oracle *oracle;
};

struct guest *guest_new(void);
void guest_free(struct guest *g);
__s64 guest_call(struct guest *g, __u32 id, __u64 a0, __u64 a1, __u64 a2);

/* Write a chain of ranges at page_pa (consecutive pages, per_page each). */
__u64 guest_chain(struct guest *g, __u64 page_pa, const struct heki_range *r,
		  __u32 n, __u32 per_page);
/*
 * guest_write() is a VTL0 store: bytes in a frame VTL0 cannot write (the
 * access VTL1 set) are not stored, as the hypervisor faults the store,
 * and counted in nr_refused_stores; VTL1 memory aborts (a test bug).
 */
void guest_write(struct guest *g, __u64 pa, const void *src, __u64 len);
void guest_read(struct guest *g, __u64 pa, void *dst, __u64 len);

/* Test crypto: certificates and signatures. */
__u64 guest_make_cert(__u8 *buf, __u8 keyid);
__u64 guest_make_cert_tbs(__u8 *buf, __u8 keyid);
__u64 guest_make_cert_key(__u8 *buf, __u8 keyid, __u8 key);
__u64 guest_sign(__u8 *buf, __u64 data_len, __u8 keyid);
int guest_event_index(const struct guest *g, int kind, __u64 pa);

#endif /* HEKI_VTL1_TEST_GUEST_H */

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_dispatch.c - libFuzzer harness over the whole dispatcher: the input
 * fills simulated guest memory and makes up to FUZZ_MAX_CALLS VTL calls on
 * a fresh instance. Oracles: ASan/UBSan, the guest's aborts (VTL1 memory
 * touched, allocation above 1 GiB, unbalanced lock, an error the call's
 * row of HEKI_VTL_CALL_ERRNOS does not list), results in range, no VTL1
 * allocation left behind after destroy, and the soundness oracle
 * (tests/oracle.h): I1-I5 after every call, a violation aborts. The
 * input's stores are VTL0's: dropped in frames VTL1 made read-only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"
#include "dispatch_input.h"

static struct guest *g;

static void reset_guest(void)
{
	int i;

	/* Clear what the last input wrote (guest writes and VTL1 writes). */
	for (i = 0; i < g->nr_ev; i++)
		if (g->ev[i].kind == GUEST_EV_COPY_TO &&
		    g->ev[i].pa < GUEST_MEM_SIZE &&
		    g->ev[i].len <= GUEST_MEM_SIZE - g->ev[i].pa)
			memset(g->mem + g->ev[i].pa, 0, g->ev[i].len);
	g->nr_ev = 0;
	memset(g->prot, 0xF, sizeof(g->prot));
	g->nr_modify = 0;
	g->nr_set_regs = 0;
	g->nr_enable_calls = 0;
	memset(g->vp_enabled, 0, sizeof(g->vp_enabled));
}

static __u64 get(const uint8_t **p, size_t *left, unsigned int n)
{
	__u64 v = 0;
	unsigned int i;

	for (i = 0; i < n && *left; i++, (*p)++, (*left)--)
		v |= (__u64)**p << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static __u64 written_pa[256], written_len[256];
	int nw = 0, calls = 0;
	const uint8_t *p = data;
	size_t left = size;

	if (!g) {
		g = guest_new();
		g->quiet = 1;
		heki_vtl1_destroy(g->v);
		g->v = NULL;
	}
	if (heki_vtl1_create(&g->plat, &g->v))
		abort();
	oracle_reset(g);

	while (left && calls < FUZZ_MAX_CALLS) {
		uint8_t op = *p++;

		left--;
		if (op == FUZZ_REC_WRITE) {
			__u64 pa = get(&p, &left, 4) % GUEST_MEM_SIZE;
			__u64 len = get(&p, &left, 2);

			if (len > left)
				len = left;
			if (len > GUEST_MEM_SIZE - pa)
				len = GUEST_MEM_SIZE - pa;
			/* VTL0 cannot write VTL1 memory either. */
			if (pa < GUEST_VTL1_PA + GUEST_VTL1_SIZE &&
			    pa + len > GUEST_VTL1_PA)
				len = pa < GUEST_VTL1_PA ? GUEST_VTL1_PA - pa : 0;
			guest_write(g, pa, p, len);
			if (nw < 256) {
				written_pa[nw] = pa;
				written_len[nw++] = len;
			}
			p += len;
			left -= len;
		} else if (op == FUZZ_REC_CALL) {
			__u32 id = (__u32)get(&p, &left, 4);
			__u64 a0 = get(&p, &left, 8);
			__u64 a1 = get(&p, &left, 8);
			__u64 a2 = get(&p, &left, 8);
			__s64 r = guest_call(g, id, a0, a1, a2);

			if (r < -4095 || g->locked)
				abort();
			calls++;
		} else {
			break;
		}
	}

	heki_vtl1_destroy(g->v);
	g->v = NULL;
	if (g->live_alloc)
		abort();
	while (nw--)
		memset(g->mem + written_pa[nw], 0, written_len[nw]);
	reset_guest();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * fuzz_dispatch.c - libFuzzer harness over the whole dispatcher: the input
 * fills simulated guest memory and makes up to FUZZ_MAX_CALLS VTL calls on
 * a fresh instance. Oracles: ASan/UBSan, the guest's aborts (VTL1 memory
 * touched, allocation above 1 GiB, unbalanced lock, an error the call's
 * row of HEKI_VTL_CALL_ERRNOS does not list), results in range, no VTL1
 * allocation left behind after destroy, and the soundness oracle
 * (tests/oracle.h): I1-I6 after every call, a violation aborts. The
 * input's stores are VTL0's: dropped in frames VTL1 made read-only. An
 * input that starts with 'R' runs on the OpenSSL provider (real Debian
 * certificates and signatures; seeds from gen-real-seeds.sh), any other
 * on the guest's test provider (the committed seeds).
 *
 * I3: every accepted KexecValidate is replayed (kexec_model.c,
 * km_replay_chain()) against the kernel's own kexec_purgatory and, for an
 * 'R' input, the signed vmlinuz file (on the test provider, whose
 * signatures any input can forge, against the chain's kernel blob), both
 * of which the fuzzer reads at start from the directory
 * $HEKI_FUZZ_REAL_DATA (default build/fuzz/real-data, written by
 * gen-real-seeds.sh: purgatory.ro, version, vmlinuz, the last also the
 * source of 'K' records). Without it an accepted image is a violation
 * (nothing to replay against). FUZZ_DISPATCH_TRACE=1 prints each call's
 * result and the replays to stderr (smoke.sh's check of the real flows).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "guest.h"
#include "kexec_model.h"
#include "../../crypto/openssl.h"
#include "dispatch_input.h"

static struct guest *g;
static struct heki_vtl1_crypto test_crypto;
static struct km_auth auth;
static uint8_t *kfile;
static size_t kfile_len;
static unsigned long replays;
static int trace;

static uint8_t *read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	uint8_t *buf = NULL;
	long n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("HEKI_FUZZ_REAL_DATA");
	uint8_t *ver;
	size_t len;

	(void)argc;
	(void)argv;
	trace = getenv("FUZZ_DISPATCH_TRACE") != NULL;
	if (!dir)
		dir = "build/fuzz/real-data";
	auth.purgatory = read_file(dir, "purgatory.ro", &auth.purgatory_len);
	ver = read_file(dir, "version", &len);
	if (ver) {
		char s[32] = "";

		memcpy(s, ver, len < sizeof(s) - 1 ? len : sizeof(s) - 1);
		auth.version = (uint32_t)strtoul(s, NULL, 16);
		free(ver);
	}
	kfile = read_file(dir, "vmlinuz", &kfile_len);
	if (trace)
		fprintf(stderr, "fuzz_dispatch: %s: purgatory %zu bytes, version %#x, kernel %zu bytes\n",
			dir, auth.purgatory_len, auth.version, kfile_len);
	return 0;
}

static int replay(struct guest *gg, __u64 chain_pa, int crash, void *arg,
		  char *why, size_t whylen)
{
	replays++;
	return km_replay_chain(gg, chain_pa, crash, arg, why, whylen);
}

/*
 * The stores of one input, cleared after it; past FUZZ_MAX_STORES
 * (real-kexec has about 2,000 'K' records) the whole guest memory is
 * handed back to the kernel instead (zero pages again).
 */
#define FUZZ_MAX_STORES	256
static __u64 written_pa[FUZZ_MAX_STORES], written_len[FUZZ_MAX_STORES];
static int nw;

static void written(__u64 pa, __u64 len)
{
	if (nw < FUZZ_MAX_STORES) {
		written_pa[nw] = pa;
		written_len[nw] = len;
	}
	if (nw <= FUZZ_MAX_STORES)
		nw++;
}

static void clear_stores(void)
{
	if (nw > FUZZ_MAX_STORES) {
		if (madvise(g->mem, GUEST_MEM_SIZE, MADV_DONTNEED))
			abort();
	} else {
		while (nw--)
			memset(g->mem + written_pa[nw], 0, written_len[nw]);
	}
	nw = 0;
}

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
	int calls = 0;
	const uint8_t *p = data;
	size_t left = size;

	if (!g) {
		g = guest_new();
		g->quiet = 1;
		heki_vtl1_destroy(g->v);
		g->v = NULL;
		test_crypto = g->crypto;
	}
	g->crypto = test_crypto;
	auth.kernel = NULL;
	auth.kernel_len = 0;
	if (left && *p == FUZZ_REC_REAL) {
		g->crypto = heki_vtl1_crypto_openssl;
		/* Debian signed this file, and nothing else in reach. */
		auth.kernel = kfile;
		auth.kernel_len = kfile_len;
		p++;
		left--;
	}
	if (heki_vtl1_create(&g->plat, &g->v))
		abort();
	oracle_reset(g);
	oracle_kexec_replay(g, replay, &auth);
	replays = 0;

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
			written(pa, len);
			p += len;
			left -= len;
		} else if (op == FUZZ_REC_KERNEL) {
			__u64 pa = get(&p, &left, 4) % GUEST_MEM_SIZE;
			__u64 off = get(&p, &left, 4);
			__u64 len = get(&p, &left, 4);

			if (off > kfile_len)
				off = kfile_len;
			if (len > kfile_len - off)
				len = kfile_len - off;
			if (len > GUEST_MEM_SIZE - pa)
				len = GUEST_MEM_SIZE - pa;
			if (pa < GUEST_VTL1_PA + GUEST_VTL1_SIZE &&
			    pa + len > GUEST_VTL1_PA)
				len = pa < GUEST_VTL1_PA ? GUEST_VTL1_PA - pa : 0;
			if (len) {
				guest_write(g, pa, kfile + off, len);
				written(pa, len);
			}
		} else if (op == FUZZ_REC_CALL) {
			__u32 id = (__u32)get(&p, &left, 4);
			__u64 a0 = get(&p, &left, 8);
			__u64 a1 = get(&p, &left, 8);
			__u64 a2 = get(&p, &left, 8);
			__s64 r = guest_call(g, id, a0, a1, a2);

			if (trace)
				fprintf(stderr, "fuzz_dispatch: call %#x -> %lld\n",
					id, (long long)r);
			if (r < -4095 || g->locked)
				abort();
			calls++;
		} else {
			break;
		}
	}

	if (trace)
		fprintf(stderr, "fuzz_dispatch: %lu kexec replays, %lu accepted images unreplayed\n",
			replays, oracle_kexec_unreplayed(g));
	heki_vtl1_destroy(g->v);
	g->v = NULL;
	if (g->live_alloc)
		abort();
	clear_stores();
	reset_guest();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * modverify DIR MODE [ITERATIONS]
 *
 * ValidateModule of a real ~1 MiB Debian module against the floor: SHA-256
 * of the same bytes plus a memcmp of the module memory with a copy
 * (make -C vtl1 bench, issue 5 item 7). DIR (made by modverify.sh) holds
 * mod.ko (the Debian module, decompressed), cert.der and, after MODE
 * "strip", body.bin (the module without its Debian signature) and sig.p7
 * (body.bin signed sign-file style with the bench key).
 *
 * The module is loaded as the integrity host tests do (modsim.c: 6.1
 * layout, relocation against a fake export table, every __mcount_loc site
 * NOP'd), placed in a simulated guest (tests/guest.c) whose crypto is the
 * OpenSSL provider and whose LoadKData holds cert.der and every import;
 * validation is the whole VSM call ValidateModule through heki_vtl1_dispatch
 * (chain walk, copies, signature, layout check, relocation, rewrite rules,
 * compare, protection), measured alone (UnloadModule between calls is not).
 *
 * MODE:
 *   strip     write DIR/body.bin and print the sizes
 *   time      ITERATIONS interleaved rounds of the three cases: median
 *             and minimum wall time per call
 *   validate  one ValidateModule (for callgrind)
 *   sha256    one SHA-256 of the signed ELF body (for callgrind)
 *   memcmp    one memcmp of the compared memory types with a copy
 *   loop      ValidateModule + UnloadModule ITERATIONS times (for perf)
 * Under callgrind, --toggle-collect=bench_case counts only the case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "core/core.h"
#include "guest.h"
#include "modsim.h"
#include "sig/modsig.h"
#include "../../crypto/openssl.h"

static struct guest *g;
static struct modsim sim;
static struct heki_range rng[12];
static __u32 nrng;
static __u8 *body, *signed_elf, *mem_all, *mem_copy;
static size_t body_len, mem_len;
static __u64 signed_len;
static __s64 last_tok;

static __u8 *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	__u8 *b;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	n = f && !fseek(f, 0, SEEK_END) ? ftell(f) : -1;
	if (n < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "modverify: cannot read %s\n", path);
		exit(2);
	}
	b = malloc(n + 8192);
	if (!b || fread(b, 1, n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = n;
	return b;
}

/* body + PKCS#7 + struct module_signature + magic, as sign-file does. */
static __u64 sign_file(__u8 *out, const __u8 *p7, size_t p7len)
{
	struct heki_module_signature s;
	__u64 off = body_len;

	memcpy(out, body, body_len);
	memcpy(out + off, p7, p7len);
	off += p7len;
	memset(&s, 0, sizeof(s));
	s.id_type = HEKI_PKEY_ID_PKCS7;
	heki_module_signature_set_sig_len(&s, (__u32)p7len);
	memcpy(out + off, &s, sizeof(s));
	off += sizeof(s);
	memcpy(out + off, HEKI_MODULE_SIG_MAGIC, HEKI_MODULE_SIG_MAGIC_LEN);
	return off + HEKI_MODULE_SIG_MAGIC_LEN;
}

static void setup(const char *dir)
{
	size_t clen, p7len;
	__u8 *cert = slurp(dir, "cert.der", &clen);
	__u8 *p7 = slurp(dir, "sig.p7", &p7len);
	__u64 off = 0;
	__u32 t;

	body = slurp(dir, "body.bin", &body_len);
	if (modsim_load(&sim, body, body_len, SIM_CORE_VA, SIM_INIT_VA,
			modsim_resolve, NULL, SIM_PERCPU_VA, 1) ||
	    sim.mv.lay.alloc_size[0] > SIM_CORE_MAX ||
	    sim.mv.lay.alloc_size[1] > SIM_INIT_MAX) {
		fprintf(stderr, "modverify: simulated load failed\n");
		exit(2);
	}
	modsim_nop_mcount(&sim);
	g = guest_new();
	/* time VTL1 alone: no soundness oracle around the calls */
	oracle_free(g->oracle);
	g->oracle = NULL;
	g->quiet = 1;
	g->uninit_raw = 1;	/* a VTL1 heap does not fill unzeroed memory */
	g->crypto = heki_vtl1_crypto_openssl;
	if (modsim_load_kdata(g, cert, clen, &sim.mv.elf)) {
		fprintf(stderr, "modverify: LoadKData failed: %s\n",
			g->last_log);
		exit(2);
	}
	nrng = modsim_place(g, &sim, SIM_CORE_PA, SIM_INIT_PA, rng);
	signed_elf = malloc(body_len + p7len + 4096);
	if (!signed_elf || body_len + p7len + 4096 > SIM_ELF_MAX)
		exit(2);
	signed_len = sign_file(signed_elf, p7, p7len);
	guest_write(g, SIM_ELF_PA, signed_elf, signed_len);
	rng[nrng++] = (struct heki_range){ SIM_KVA(SIM_ELF_PA), SIM_ELF_PA,
					   SIM_ELF_PA + signed_len,
					   HEKI_MOD_MEM_ELF_BUFFER_VALUE };
	rng[nrng++] = (struct heki_range){ SIM_PERCPU_VA, 0, 0,
					   HEKI_MOD_MEM_PERCPU_VALUE };

	/* the compared memory types, back to back, and a copy */
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		if (heki_modverify_compared_mem(t) && sim.mem[t])
			mem_len += sim.size[t];
	mem_all = malloc(mem_len);
	mem_copy = malloc(mem_len);
	if (!mem_all || !mem_copy)
		exit(2);
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		if (heki_modverify_compared_mem(t) && sim.mem[t]) {
			memcpy(mem_all + off, sim.mem[t], sim.size[t]);
			off += sim.size[t];
		}
	memcpy(mem_copy, mem_all, mem_len);
	free(cert);
	free(p7);
}

static int run_validate(void)
{
	guest_chain(g, SIM_CHAIN_PA, rng, nrng, 0);
	last_tok = guest_call(g, VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE,
			      SIM_CHAIN_PA, nrng, 0);
	return last_tok < 0;
}

static void unload(void)
{
	if (last_tok >= 0)
		guest_call(g, VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE,
			   (__u64)last_tok, 0, 0);
	last_tok = -1;
}

static int run_sha256(void)
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	return !EVP_Digest(body, body_len, md, &mdlen, EVP_sha256(), NULL);
}

int modverify_sink;	/* keeps the memcmp */

static int run_memcmp(void)
{
	modverify_sink = memcmp(mem_all, mem_copy, mem_len);
	return modverify_sink != 0;
}

__attribute__((noipa)) int bench_case(int (*fn)(void))
{
	return fn();
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Wall time of one call of @fn, in ns. */
static long long time_ns(int (*fn)(void))
{
	struct timespec a, b;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &a);
	ret = bench_case(fn);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (ret) {
		fprintf(stderr, "modverify: case failed: %s\n", g->last_log);
		exit(1);
	}
	if (fn == run_validate)
		unload();
	return (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
}

/**
 * struct case_times - timings of one case
 * @ns: one per round
 * @med: median
 * @min: fastest
 */
struct case_times {
	long long *ns;
	long long med;
	long long min;
};

static void summarise(struct case_times *st, int iters)
{
	qsort(st->ns, iters, sizeof(*st->ns), cmp_ll);
	st->min = st->ns[0];
	st->med = st->ns[iters / 2];
}

/*
 * Interleaved rounds (validate, SHA-256, memcmp, validate, ...) after one
 * warm-up round: load from other jobs on the machine hits all three cases
 * alike. Per case the median and the minimum; st[3] holds each round's
 * ratio validate / (SHA-256 + memcmp) in thousandths.
 */
static void run_rounds(int iters, struct case_times st[4])
{
	int (*const fns[3])(void) = { run_validate, run_sha256, run_memcmp };
	int i, k;

	for (k = 0; k < 4; k++) {
		st[k].ns = calloc(iters, sizeof(*st[k].ns));
		if (!st[k].ns)
			exit(2);
	}
	for (i = -1; i < iters; i++) {
		long long t[3];

		for (k = 0; k < 3; k++)
			t[k] = time_ns(fns[k]);
		if (i < 0)
			continue;
		for (k = 0; k < 3; k++)
			st[k].ns[i] = t[k];
		/* per-round ratio in thousandths, summarised like a time */
		st[3].ns[i] = t[0] * 1000 / (t[1] + t[2]);
	}
	for (k = 0; k < 4; k++)
		summarise(&st[k], iters);
}

static int strip(const char *dir)
{
	char path[4096];
	size_t len;
	__u8 *buf = slurp(dir, "mod.ko", &len);
	struct heki_modsig ms;
	FILE *f;

	if (heki_modsig_split(buf, len, &ms)) {
		fprintf(stderr, "modverify: mod.ko has no module signature\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/body.bin", dir);
	f = fopen(path, "wb");
	if (!f || fwrite(ms.data, 1, ms.data_len, f) != ms.data_len ||
	    fclose(f))
		return 2;
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int iters = argc > 3 ? atoi(argv[3]) : 61;
	struct case_times st[4];
	__u32 t;

	if (argc < 3) {
		fprintf(stderr, "usage: modverify DIR strip|time|validate|sha256|memcmp [N]\n");
		return 2;
	}
	if (!strcmp(argv[2], "strip"))
		return strip(argv[1]);
	setup(argv[1]);
	if (!strcmp(argv[2], "validate"))
		return bench_case(run_validate);
	if (!strcmp(argv[2], "sha256"))
		return bench_case(run_sha256);
	if (!strcmp(argv[2], "memcmp"))
		return bench_case(run_memcmp);
	if (!strcmp(argv[2], "loop")) {	/* for perf record */
		while (iters-- > 0 && !run_validate())
			unload();
		return iters >= 0;
	}
	if (strcmp(argv[2], "time") || iters < 1)
		return 2;

	printf("module        ELF body %zu bytes, signed image %llu bytes\n",
	       body_len, (unsigned long long)signed_len);
	printf("compared mem  %zu bytes (", mem_len);
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		if (heki_modverify_compared_mem(t) && sim.mem[t])
			printf(" mem%u=%llu", t, (unsigned long long)sim.size[t]);
	printf(" ), %u ranges\n", nrng);
	run_rounds(iters, st);
	printf("time  ValidateModule (dispatch)   %10.1f us median %10.1f us min  (%d interleaved rounds)\n",
	       st[0].med / 1e3, st[0].min / 1e3, iters);
	printf("time  SHA-256 of ELF body         %10.1f us median %10.1f us min\n",
	       st[1].med / 1e3, st[1].min / 1e3);
	printf("time  memcmp of compared memory   %10.1f us median %10.1f us min\n",
	       st[2].med / 1e3, st[2].min / 1e3);
	printf("time  ratio validate / (sha256 + memcmp) %.2f median of rounds, %.2f of medians, %.2f of minima (target <= 1.5)\n",
	       st[3].med / 1e3,
	       (double)st[0].med / (double)(st[1].med + st[2].med),
	       (double)st[0].min / (double)(st[1].min + st[2].min));
	guest_free(g);
	return 0;
}

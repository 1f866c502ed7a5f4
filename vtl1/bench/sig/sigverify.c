// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * sigverify DIR MODE [ITERATIONS]
 *
 * Benchmarks for the signature and symbol-table parsers (make -C vtl1 bench).
 * DIR holds data.bin (the 1 MiB module body), sig.p7 (its sign-file style
 * PKCS#7) and cert.der (the signing certificate), made by sigverify.sh.
 *
 * MODE:
 *   time      run every case ITERATIONS times and print the time per call
 *             and the ratios, all measured in this one run;
 *   verify    one heki_modsig_verify() of the signed module (for callgrind);
 *   baseline  one SHA-256 of the same body plus one RSA verification of the
 *             signature, the floor any verifier pays (for callgrind);
 *   symtab    one build of a 30,000-symbol table (for callgrind).
 * Under callgrind, --toggle-collect=bench_case counts only the case itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <heki/abi.h>

#include "sig/modsig.h"
#include "kdata/symtab.h"
#include "../../crypto/openssl.h"

#define NSYMS 30000ULL
#define KBASE 0xffffffff82000000ULL

static const struct heki_vtl1_crypto *cr = &heki_vtl1_crypto_openssl;

static unsigned char *module, *body, *sigder, *kdata;
static size_t module_len, body_len, sig_len, kdata_len;
static void *keyring;
static EVP_PKEY *pubkey;
static const unsigned char *rsa_sig;
static size_t rsa_sig_len;
static struct heki_symtab_region kregion;

static void *h_alloc(void *ctx, __u64 n)
{
	(void)ctx;
	return calloc(1, n ? n : 1);
}

static void h_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static const struct heki_vtl1_platform plat = { .alloc = h_alloc, .free = h_free };

static unsigned char *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	unsigned char *b;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	n = f && !fseek(f, 0, SEEK_END) ? ftell(f) : -1;
	if (n < 0 || fseek(f, 0, SEEK_SET))
		exit(2);
	b = malloc(n);
	if (!b || fread(b, 1, n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = n;
	return b;
}

static void setup(const char *dir)
{
	struct heki_module_signature ms = { .id_type = HEKI_PKEY_ID_PKCS7 };
	size_t cert_len, i, off;
	unsigned char *cert = slurp(dir, "cert.der", &cert_len);
	const unsigned char *p = cert;
	PKCS7_SIGNER_INFO *si;
	X509 *x = d2i_X509(NULL, &p, (long)cert_len);
	PKCS7 *p7;

	body = slurp(dir, "data.bin", &body_len);
	sigder = slurp(dir, "sig.p7", &sig_len);
	module_len = body_len + sig_len + HEKI_MODULE_SIG_TRAILER_SIZE;
	module = malloc(module_len);
	memcpy(module, body, body_len);
	memcpy(module + body_len, sigder, sig_len);
	heki_module_signature_set_sig_len(&ms, (__u32)sig_len);
	memcpy(module + body_len + sig_len, &ms, sizeof(ms));
	memcpy(module + module_len - HEKI_MODULE_SIG_MAGIC_LEN,
	       HEKI_MODULE_SIG_MAGIC, HEKI_MODULE_SIG_MAGIC_LEN);
	if (!x || cr->keyring_create(cr->ctx, &keyring) ||
	    cr->keyring_add_cert(cr->ctx, keyring, cert, cert_len))
		exit(2);
	pubkey = X509_get_pubkey(x);
	X509_free(x);
	free(cert);

	/* The raw RSA signature, for the baseline. */
	p = sigder;
	p7 = d2i_PKCS7(NULL, &p, (long)sig_len);
	si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
	rsa_sig_len = ASN1_STRING_length(si->enc_digest);
	rsa_sig = malloc(rsa_sig_len);
	memcpy((void *)rsa_sig, ASN1_STRING_get0_data(si->enc_digest), rsa_sig_len);
	PKCS7_free(p7);

	/* 30,000 ksymtab entries followed by their names. */
	kdata_len = NSYMS * 12 + NSYMS * 24;
	kdata = calloc(1, kdata_len);
	off = NSYMS * 12;
	for (i = 0; i < NSYMS; i++) {
		struct heki_kernel_symbol ks;
		int n = sprintf((char *)kdata + off, "__bench_symbol_%llu",
				(unsigned long long)((i * 7919) % NSYMS));

		ks.value_offset = (__s32)i;
		ks.name_offset = (__s32)(off - (i * 12 + 4));
		ks.namespace_offset = 0;
		memcpy(kdata + i * 12, &ks, sizeof(ks));
		off += n + 1;
	}
	kregion.va = KBASE;
	kregion.len = kdata_len;
}

static int run_verify(void)
{
	return heki_modsig_verify(cr, keyring, module, module_len);
}

static int run_baseline(void)
{
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dlen;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(pubkey, NULL);
	int ok;

	ok = EVP_Digest(body, body_len, dig, &dlen, EVP_sha256(), NULL) == 1 &&
	     pc && EVP_PKEY_verify_init(pc) == 1 &&
	     EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING) == 1 &&
	     EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()) == 1 &&
	     EVP_PKEY_verify(pc, rsa_sig, rsa_sig_len, dig, dlen) == 1;
	EVP_PKEY_CTX_free(pc);
	return ok ? 0 : -1;
}

static int run_symtab(void)
{
	struct heki_symtab t;
	int ret = heki_symtab_build(&t, &plat, kdata, kdata_len, &kregion, 1,
				    KBASE, KBASE + NSYMS * 12);

	if (!ret && t.count != NSYMS)
		ret = -1;
	if (!ret)
		heki_symtab_free(&t, &plat);
	return ret;
}

/* The one function callgrind collects in (noipa: never inlined). */
__attribute__((noipa)) int bench_case(int (*fn)(void))
{
	return fn();
}

static double per_call_us(int (*fn)(void), int iters)
{
	struct timespec a, b;
	int i;

	if (bench_case(fn))	/* warm-up, and must succeed */
		exit(3);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < iters; i++)
		if (bench_case(fn))
			exit(3);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3) /
	       iters;
}

int main(int argc, char **argv)
{
	int iters = argc > 3 ? atoi(argv[3]) : 200;
	double v, base, sym;

	if (argc < 3)
		return 2;
	setup(argv[1]);
	if (!strcmp(argv[2], "verify"))
		return bench_case(run_verify) ? 1 : 0;
	if (!strcmp(argv[2], "baseline"))
		return bench_case(run_baseline) ? 1 : 0;
	if (!strcmp(argv[2], "symtab"))
		return bench_case(run_symtab) ? 1 : 0;

	/* Interleave to share cache and frequency conditions. */
	base = per_call_us(run_baseline, iters);
	v = per_call_us(run_verify, iters);
	base = (base + per_call_us(run_baseline, iters)) / 2;
	v = (v + per_call_us(run_verify, iters)) / 2;
	sym = per_call_us(run_symtab, iters / 10 ? iters / 10 : 1);
	printf("module body %zu bytes, PKCS#7 %zu bytes, %d iterations\n",
	       body_len, sig_len, iters);
	printf("time  heki_modsig_verify          %10.1f us\n", v);
	printf("time  sha256 + one RSA verify     %10.1f us\n", base);
	printf("time  ratio verify / baseline     %10.3f (target <= 1.2)\n",
	       v / base);
	printf("time  symtab build, %llu symbols %10.1f us\n", NSYMS, sym);
	return 0;
}

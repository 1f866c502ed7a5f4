// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * modverify CERT.der SEED < LIST
 *
 * Verify every module named in LIST (one path per line) against the DER
 * certificate CERT.der with the VTL1 library's own code: the certificate
 * goes through heki_certs_load(), each module through heki_modsig_verify()
 * and the OpenSSL provider. For every 50th module, three tampered copies
 * (one byte flipped at a random position in the data, in the PKCS#7
 * signature and in the 40-byte trailer) must fail. SEED makes the positions
 * reproducible. Results through vtl1/tests/check.h (failures printed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "check.h"
#include "kdata/certs.h"
#include "sig/modsig.h"
#include "../../vtl1/crypto/openssl.h"
#ifdef HEKI_MODVERIFY_BEARSSL
#include "../../vtl1/crypto/bearssl.h"

/* verify-corpus-bearssl.sh: the freestanding provider on the same corpus */
static void *mv_alloc(void *ctx, __u64 size)
{
	(void)ctx;
	return calloc(1, size ? size : 1);
}

static void mv_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static struct heki_bearssl_ctx mv_br_ctx = { .alloc = mv_alloc, .free = mv_free };
static struct heki_vtl1_crypto mv_br;

static const struct heki_vtl1_crypto *mv_provider(void)
{
	heki_vtl1_crypto_bearssl_init(&mv_br, &mv_br_ctx);
	return &mv_br;
}
#else
static const struct heki_vtl1_crypto *mv_provider(void)
{
	return &heki_vtl1_crypto_openssl;
}
#endif

#define TAMPER_EVERY 50

static unsigned long long rng_state;

static unsigned long long rng(void)
{
	/* xorshift64*: reproducible positions, not cryptographic. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned char *read_all(const char *path, size_t *len)
{
	unsigned char *buf;
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return NULL;
	n = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	if (n < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc(n ? n : 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static const char *ename(int ret)
{
	const char *n = heki_vsm_error_name((enum heki_vsm_error)-ret);

	return n ? n : "?";
}

int main(int argc, char **argv)
{
	const struct heki_vtl1_crypto *c = mv_provider();
	unsigned int modules = 0, tampered = 0;
	unsigned char *cert, *mod;
	size_t cert_len, len;
	char path[4096];
	void *kr = NULL;
	__u32 n = 0;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s CERT.der SEED < LIST\n", argv[0]);
		return 2;
	}
	rng_state = strtoull(argv[2], NULL, 0) | 1;
	cert = read_all(argv[1], &cert_len);
	ret = cert ? c->keyring_create(c->ctx, &kr) : -1;
	if (!ret)
		ret = heki_certs_load(c, kr, cert, cert_len, &n);
	if (!check_result(!ret && n == 1, "certificate loads as 1 system certificate",
			  "%s: %d, %u certificates", argv[1], ret, n))
		return check_done();
	/* one result per module and tampered copy: print only failures */
	check_set_quiet(1);

	while (fgets(path, sizeof(path), stdin)) {
		struct heki_modsig ms;
		static const char *const what[] = { "data", "signature", "trailer" };
		int k;

		path[strcspn(path, "\n")] = '\0';
		if (!path[0])
			continue;
		mod = read_all(path, &len);
		if (!mod) {
			check_result(0, path, "cannot read");
			continue;
		}
		ret = heki_modsig_verify(c, kr, mod, len);
		check_result(!ret, path, "%s", ename(ret));
		if (!ret && !modules && !heki_modsig_split(mod, len, &ms)) {
			/* First module: every byte of signature and trailer. */
			__u64 pos, bad = 0;

			for (pos = ms.data_len; pos < len; pos++) {
				unsigned char bit = (unsigned char)(1u << (rng() % 8));

				mod[pos] ^= bit;
				if (!heki_modsig_verify(c, kr, mod, len)) {
					check_diag("%s: flipped byte %llu still verifies",
						   path, pos);
					bad++;
				}
				mod[pos] ^= bit;
			}
			check_diag("%s: each of the %llu signature and trailer bytes flipped: %llu still verify",
				   path, len - ms.data_len, bad);
			check_result(!bad, "signature and trailer bytes flipped: refused",
				     "%llu still verify", bad);
		}
		if (ret || modules++ % TAMPER_EVERY || heki_modsig_split(mod, len, &ms)) {
			free(mod);
			continue;
		}
		for (k = 0; k < 3; k++) {
			__u64 base = k == 0 ? 0 : k == 1 ? ms.data_len :
				     ms.data_len + ms.sig_len;
			__u64 span = k == 0 ? ms.data_len : k == 1 ? ms.sig_len :
				     len - base;
			__u64 pos = base + rng() % span;
			unsigned char bit = (unsigned char)(1u << (rng() % 8));

			mod[pos] ^= bit;
			ret = heki_modsig_verify(c, kr, mod, len);
			mod[pos] ^= bit;
			tampered++;
			check_result(ret != 0, path,
				     "flipped %s byte %llu still verifies", what[k],
				     pos);
		}
		free(mod);
	}
	c->keyring_destroy(c->ctx, kr);
	free(cert);
	check_diag("modules verified: %u, tampered copies refused: %u (every %dth module, 3 flips each)",
		   modules, tampered, TAMPER_EVERY);
	return check_done();
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * floor - the least work any module signature check must do, for the
 * heki-verify benchmark (run.sh): for each module named on stdin, read the
 * file, SHA-256 of its signed part and one RSA PKCS#1 v1.5 verification of
 * the PKCS#7's signature value with the certificate's key, all through
 * OpenSSL. No issuer, serial or structure checks: a floor, not a verifier.
 *
 * Usage: floor CERT.der < LIST; prints the number of modules verified and
 * exits non-zero if one did not verify.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

static const char magic[] = "~Module signature appended~\n";
#define MAGIC_LEN (sizeof(magic) - 1)
#define SIGINFO_LEN 12	/* struct module_signature */

static unsigned char *read_file(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	size_t got = 0;
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st))
		buf = malloc(st.st_size ? st.st_size : 1);
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);

		if (n <= 0) {
			free(buf);
			buf = NULL;
			break;
		}
		got += n;
	}
	close(fd);
	*len = got;
	return buf;
}

static int verify_one(EVP_PKEY *key, const unsigned char *b, size_t len)
{
	const unsigned char *p7der;
	unsigned char md[32];
	PKCS7_SIGNER_INFO *si;
	EVP_PKEY_CTX *ctx;
	size_t siglen;
	PKCS7 *p7;
	int ok = 0;

	if (len < MAGIC_LEN + SIGINFO_LEN ||
	    memcmp(b + len - MAGIC_LEN, magic, MAGIC_LEN))
		return 0;
	len -= MAGIC_LEN;
	siglen = (size_t)b[len - 4] << 24 | b[len - 3] << 16 |
		 b[len - 2] << 8 | b[len - 1];
	len -= SIGINFO_LEN;
	if (siglen > len)
		return 0;
	len -= siglen;
	p7der = b + len;
	if (!EVP_Digest(b, len, md, NULL, EVP_sha256(), NULL))
		return 0;
	p7 = d2i_PKCS7(NULL, &p7der, siglen);
	if (!p7)
		return 0;
	si = sk_PKCS7_SIGNER_INFO_value(PKCS7_get_signer_info(p7), 0);
	ctx = si ? EVP_PKEY_CTX_new(key, NULL) : NULL;
	if (ctx && EVP_PKEY_verify_init(ctx) > 0 &&
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0)
		ok = EVP_PKEY_verify(ctx, si->enc_digest->data,
				     si->enc_digest->length, md, sizeof(md)) == 1;
	EVP_PKEY_CTX_free(ctx);
	PKCS7_free(p7);
	return ok;
}

int main(int argc, char **argv)
{
	unsigned long n = 0, bad = 0;
	const unsigned char *p;
	char path[4096];
	unsigned char *b;
	EVP_PKEY *key;
	size_t len;
	X509 *cert;

	if (argc != 2) {
		fprintf(stderr, "usage: floor CERT.der < LIST\n");
		return 2;
	}
	b = read_file(argv[1], &len);
	p = b;
	cert = b ? d2i_X509(NULL, &p, len) : NULL;
	key = cert ? X509_get_pubkey(cert) : NULL;
	free(b);
	if (!key) {
		fprintf(stderr, "floor: %s: no certificate\n", argv[1]);
		return 2;
	}
	while (fgets(path, sizeof(path), stdin)) {
		path[strcspn(path, "\n")] = '\0';
		b = read_file(path, &len);
		if (!b || !verify_one(key, b, len)) {
			fprintf(stderr, "floor: %s: does not verify\n", path);
			bad++;
		}
		free(b);
		n++;
	}
	printf("%lu modules, %lu did not verify\n", n, bad);
	EVP_PKEY_free(key);
	X509_free(cert);
	return bad ? 1 : 0;
}

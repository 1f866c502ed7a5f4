/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * at.h - the kexec/ host tests (test_kexec): the kimage parser, the PE
 * reader, the Authenticode check and its KexecValidate wiring on the
 * installed Debian kernel: test data, crypto providers. Results through the
 * shared runner (../check.h).
 */
#ifndef _HEKI_AT_H
#define _HEKI_AT_H

#include <stddef.h>
#include <heki/abi.h>
#include "heki_vtl1.h"

#include "check.h"

/**
 * struct at_file - a file the run script prepared
 * @data: its bytes (malloc'd)
 * @len: their length
 */
struct at_file {
	__u8 *data;
	size_t len;
};

/**
 * struct at_data - everything the tests read from the data directory
 * @vmlinuz: the installed Debian kernel (signed by Debian)
 * @signer: DER certificate embedded in @vmlinuz's signature
 * @other: an unrelated self-signed certificate
 * @impostor: issuer and serial of @signer, another key
 * @testcert: certificate of the test key that signed @s256 .. @trail
 * @s256: @vmlinuz re-signed by osslsigncode with the test key, SHA-256
 * @s384: same, SHA-384
 * @s512: same, SHA-512
 * @s1: same, SHA-1 (refused)
 * @trail: @vmlinuz with 24 bytes appended after the sections, re-signed
 *	(SHA-256): trailing data inside the digest
 * @md_vmlinuz: osslsigncode's calculated digest of @vmlinuz (hex)
 * @md_s256: of @s256 (SHA-256, hex); @s256 .. @s512 sign the same
 *	image bytes, so each md_sN is also the SHA-N Authenticode digest of
 *	the other two
 * @md_s384: of @s384 (SHA-384, hex)
 * @md_s512: of @s512 (SHA-512, hex)
 * @md_trail: of @trail (hex)
 * @purgatory: the kexec_purgatory ELF @vmlinuz carries (kernel-facts.py)
 * @version: @vmlinuz's LINUX_VERSION_CODE, sublevel 0 (kernel-facts.py)
 */
struct at_data {
	struct at_file vmlinuz, signer, other, impostor, testcert;
	struct at_file s256, s384, s512, s1, trail;
	char md_vmlinuz[160], md_s256[160], md_s384[160], md_s512[160], md_trail[160];
	struct at_file purgatory;
	__u32 version;
};

extern struct at_data at;

/**
 * struct at_provider - a crypto provider under test
 * @name: for result lines
 * @c: the provider
 */
struct at_provider {
	const char *name;
	const struct heki_vtl1_crypto *c;
};

extern struct at_provider at_providers[];
extern const unsigned int at_nr_providers;

/* A keyring of @p holding the given certificates (NULL-terminated). */
void *at_keyring(const struct at_provider *p, const struct at_file *cert, ...);
void at_keyring_free(const struct at_provider *p, void *kr);
/* Fresh writable copy of a file. */
__u8 *at_dup(const struct at_file *f);
/* Hex string to bytes; returns the byte count. */
size_t at_unhex(const char *hex, __u8 *out, size_t max);
/* Offset of the first occurrence of @needle at or after @from, or -1. */
long at_find(const __u8 *buf, size_t len, size_t from, const void *needle,
	     size_t nlen);

void test_kimage(void);
void test_pe(void);
void test_verify(void);
void test_kexec(void);
void test_purgatory(void);

#endif /* _HEKI_AT_H */

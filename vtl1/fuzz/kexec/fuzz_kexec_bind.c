// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_kexec_bind() - the kimage entry-list walk, the
 * kernel segment comparison, the purgatory rebuilt from the kernel's
 * kexec_purgatory ELF and compared, its regions and digest - on a hostile
 * kimage, hostile guest pages and a hostile purgatory ELF, against a fixed
 * small bzImage blob.
 *
 * Input: byte 0 bit 0 = crash; bytes 1-2 the purgatory ELF's length L (LE,
 * at most MAX_PURG; 0: the kernel names none), then its L bytes (what
 * LoadKData copied from protected rodata); then the struct heki_kimage
 * prefix (584 bytes, zero-padded); the rest is written to guest memory at
 * PAGES_PA (at most NPAGES pages), which is also the one KexecPages range.
 * The blob is not signature-checked here (heki_kexec_bind() runs after the
 * Authenticode check in KexecValidate). The provider's digest_chunks is
 * fold(), a stand-in for SHA-256 the seeds can compute. Seeds:
 * fuzz/kexec/corpus/fuzz_kexec_bind (gen-kexec-bind-seeds.py): a good
 * normal and a good crash image.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <heki/abi.h>

#include "core/instance.h"
#include "guest.h"
#include "kexec/kexec_bind.h"

#define PAGES_PA	0x400000ULL
#define NPAGES		64
#define BLOB_LEN	(1024 + 5000)
#define MAX_PURG	8192

static struct guest *g;
static __u8 blob[BLOB_LEN];
static __u8 purg[MAX_PURG];

/* digest_chunks: 32 bytes, md[i % 32] = md[i % 32] * 31 + byte i. */
static int fold(void *ctx, __u32 alg,
		int (*next)(void *arg, const __u8 **data, __u64 *len),
		void *arg, __u8 *out, __u32 outlen)
{
	const __u8 *d;
	__u64 len, i, pos = 0;
	__u8 md[32] = { 0 };
	int ret;

	while ((ret = next(arg, &d, &len)) > 0)
		for (i = 0; i < len; i++, pos++)
			md[pos % 32] = (__u8)(md[pos % 32] * 31 + d[i]);
	if (ret < 0)
		return ret;
	if (outlen < sizeof(md))
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	memcpy(out, md, sizeof(md));
	return sizeof(md);
}

/* setup_sects 1, "HdrS", protocol 2.15, init_size 0x3000, payload i * 7. */
static void make_blob(void)
{
	__u32 i, init = 0x3000;

	blob[0x1f1] = 1;
	memcpy(blob + 0x202, "HdrS", 4);
	blob[0x206] = 0x0f;
	blob[0x207] = 0x02;
	memcpy(blob + 0x260, &init, 4);
	for (i = 1024; i < BLOB_LEN; i++)
		blob[i] = (__u8)(i * 7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heki_range r = { 0, PAGES_PA, PAGES_PA + NPAGES * 0x1000,
				HEKI_KEXEC_PAGES_VALUE };
	struct vtl1_buf image, b = { blob, BLOB_LEN };
	struct vtl1_chain c = { &r, 1 };
	__u8 ki[sizeof(struct heki_kimage)];
	size_t rest, plen;
	int crash;

	if (!g) {
		g = guest_new();
		g->quiet = 1;
		g->crypto.digest_chunks = fold;
		make_blob();
	}
	if (size < 3)
		return 0;
	crash = data[0] & 1;
	plen = data[1] | (size_t)data[2] << 8;
	data += 3;
	size -= 3;
	if (plen > MAX_PURG || plen > size)
		return 0;
	/* LoadKData's copy: the instance frees nothing the harness set. */
	memcpy(purg, data, plen);
	g->v->kexec_purgatory = plen ? purg : NULL;
	g->v->kexec_purgatory_len = plen;
	data += plen;
	size -= plen;
	memset(ki, 0, sizeof(ki));
	memcpy(ki, data, size < sizeof(ki) ? size : sizeof(ki));
	rest = size > sizeof(ki) ? size - sizeof(ki) : 0;
	if (rest > NPAGES * 0x1000)
		rest = NPAGES * 0x1000;
	memset(g->mem + PAGES_PA, 0, NPAGES * 0x1000);
	if (rest)
		memcpy(g->mem + PAGES_PA, data + sizeof(ki), rest);
	image.data = ki;
	image.len = sizeof(ki);
	heki_kexec_bind(g->v, &c, &image, &b, crash);
	return 0;
}

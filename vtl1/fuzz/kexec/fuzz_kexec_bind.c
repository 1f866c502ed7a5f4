// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_kexec_bind() - the kimage entry-list walk and
 * the kernel segment comparison - on a hostile kimage and hostile guest
 * pages, against a fixed small bzImage blob.
 *
 * Input: byte 0 bit 0 = crash; then the struct heki_kimage prefix (584
 * bytes, zero-padded); the rest is written to guest memory at PAGES_PA
 * (at most NPAGES pages), which is also the one KexecPages range. The
 * blob is not signature-checked here (heki_kexec_bind() runs after the
 * Authenticode check in KexecValidate). Seeds: fuzz/kexec/corpus/fuzz_kexec_bind
 * (gen-kexec-bind-seeds.py): a good normal and a good crash image.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <heki/abi.h>

#include "guest.h"
#include "kexec/kexec_bind.h"

#define PAGES_PA	0x400000ULL
#define NPAGES		64
#define BLOB_LEN	(1024 + 5000)

static struct guest *g;
static __u8 blob[BLOB_LEN];

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
	size_t rest;
	int crash;

	if (!g) {
		g = guest_new();
		g->quiet = 1;
		make_blob();
	}
	if (!size)
		return 0;
	crash = data[0] & 1;
	data++;
	size--;
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

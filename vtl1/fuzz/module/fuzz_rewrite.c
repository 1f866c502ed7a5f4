// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * libFuzzer harness: heki_rw_check() on arbitrary sites, site bytes,
 * kernel facts and module text.
 *
 * Input: a 16-byte header, then the site's expected bytes, its actual
 * bytes, and the rest as the module text memory (the replacement of an
 * alternative, the paired ORC array of a table; expected and actual text
 * are the same bytes). Header: [0] kind (any value), [1] site flags,
 * [2..3] site length (instruction kinds: at most 255 is still passed on
 * so the entry check is fuzzed; tables: up to 4096), [4] context bits
 * (0 ftrace policy, 1 uniprocessor, 2 pv_ops values known, 3 __fentry__
 * unknown, 4 kernel text bounds unknown), [5] replacement / pair length,
 * [6..7] its offset in text, [8] aux, [9..10] site offset in text,
 * [11..12] signed jump target distance, [13] repl_mem, [14..15] unused.
 * Every buffer is an exact-size heap block (ASan catches any read past a
 * site); the verdict must be 0 or a named error with a rule and an
 * offset inside the site, and the same on a second call.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <heki/abi.h>

#include "module/rewrite.h"

#define TEXT_VA		0xffffffffc0000000ULL
#define KTEXT_LO	0xffffffff81000000ULL
#define HDR		16U

#define check(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: invariant %s broken\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

static __u8 *dup_exact(const __u8 *p, size_t n)
{
	__u8 *b = malloc(n ? n : 1);

	if (n)
		memcpy(b, p, n);
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static __u64 pv[256];
	struct heki_rw_fault f1 = { NULL, 0 }, f2 = { NULL, 0 };
	struct heki_rw_site site;
	struct heki_rw_ctx ctx;
	__u8 *exp, *act, *text;
	size_t len, rest;
	__u32 i;
	int r1, r2;

	if (size < HDR)
		return 0;
	len = data[2] | (size_t)data[3] << 8;
	if (len > 4096 || size - HDR < 2 * len)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	for (i = 0; i < HEKI_RW_KSYM_NR; i++) {
		ctx.ksym[i] = KTEXT_LO + 0x1000ULL * (i + 1);
		ctx.ksym_known |= 1ULL << i;
	}
	ctx.ksym[HEKI_RW_KSYM_KTEXT_START] = KTEXT_LO;
	ctx.ksym[HEKI_RW_KSYM_KTEXT_END] = KTEXT_LO + 0x1000000;
	if (data[4] & 8)
		ctx.ksym_known &= ~(1ULL << HEKI_RW_KSYM_FENTRY);
	if (data[4] & 16)
		ctx.ksym_known &= ~(1ULL << HEKI_RW_KSYM_KTEXT_END);
	if (data[4] & 1)
		ctx.policy |= HEKI_RW_POLICY_FTRACE_CALLS;
	if (data[4] & 2)
		ctx.policy |= HEKI_RW_POLICY_UNIPROCESSOR;
	if (data[4] & 4) {
		for (i = 0; i < 256; i++)
			pv[i] = KTEXT_LO + 0x40000ULL + 0x40ULL * i;
		ctx.pv_ops = pv;
		ctx.pv_ops_count = 256;
	}
	rest = size - HDR - 2 * len;
	exp = dup_exact(data + HDR, len);
	act = dup_exact(data + HDR + len, len);
	text = dup_exact(data + HDR + 2 * len, rest);
	ctx.mem_va[HEKI_MODLAYOUT_TEXT] = TEXT_VA;
	ctx.mem_size[HEKI_MODLAYOUT_TEXT] = rest;
	ctx.expected[HEKI_MODLAYOUT_TEXT] = text;
	ctx.actual[HEKI_MODLAYOUT_TEXT] = text;

	memset(&site, 0, sizeof(site));
	site.kind = data[0];
	site.flags = data[1];
	site.len = len;
	site.mem = HEKI_MODLAYOUT_TEXT;
	site.offset = data[9] | (__u64)data[10] << 8;
	site.va = TEXT_VA + site.offset;
	site.target_va = site.va + (__u64)(__s64)(int16_t)(data[11] |
							   data[12] << 8);
	site.aux = data[8];
	site.repl_mem = data[13] % (HEKI_MODLAYOUT_NR_MEM + 1);
	site.repl_len = data[5];
	site.repl_offset = data[6] | (__u64)data[7] << 8;
	site.repl_va = TEXT_VA + site.repl_offset;

	r1 = heki_rw_check(&ctx, &site, exp, act, &f1);
	r2 = heki_rw_check(&ctx, &site, exp, act, &f2);
	check(r1 == r2);
	check(r1 <= 0 && -r1 < HEKI_VSM_ERR_COUNT);
	if (r1) {
		check(f1.rule && f2.rule == f1.rule && f1.at == f2.at);
		check(f1.at <= len);
	}
	check(heki_rw_kind_name(site.kind) != NULL);
	free(exp);
	free(act);
	free(text);
	return 0;
}

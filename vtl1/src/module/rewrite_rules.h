/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * rewrite_rules.h - what the rewrite-site rules (rewrite_<kind>.c) share:
 * opcodes, the kernel's NOP table, closest-form tracking, the fault helper,
 * and each rule's entry point for heki_rw_check() (rewrite.c). Internal to
 * module/.
 */
#ifndef HEKI_VTL1_REWRITE_RULES_H
#define HEKI_VTL1_REWRITE_RULES_H

#include <heki/abi.h>

#include "core/core.h"
#include "rewrite.h"

#define OP_CALL		0xe8U
#define OP_JMP32	0xe9U
#define OP_JMP8		0xebU
#define OP_RET		0xc3U
#define OP_INT3		0xccU
#define OP_NOP1		0x90U
#define OP_CS		0x2eU
#define OP_DS		0x3eU
#define OP_LOCK		0xf0U
#define NOP_MAX		8U
#define REG_RSP		4U

/*
 * arch/x86/include/asm/nops.h, 64-bit: x86_nops[len]. 6.1 has lengths
 * 1..8 (NOP_MAX), 6.12 the same eight plus 9..11 (NOP612_MAX).
 */
#define NOP612_MAX	11U
extern const __u8 heki_rw_nops[NOP612_MAX + 1][NOP612_MAX];
/* ret; int3 x4 and the 5-byte "xor %eax,%eax" of static calls */
extern const __u8 heki_rw_ret_int3[5];
extern const __u8 heki_rw_xor5rax[5];
extern const __u8 heki_rw_warninsn[5];

/*
 * Closest-form tracking: @best is the longest prefix of the actual bytes
 * any tried form matched, reported as the offending byte on refusal.
 */
struct rw_try {
	const __u8 *actual;
	__u64 len;
	__u64 best;
};

static inline __u64 first_diff(const __u8 *a, const __u8 *b, __u64 n)
{
	__u64 i;

	/* Whole sorted tables come here: the common equal case in one pass. */
	if (!memcmp(a, b, n))
		return n;
	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	return i;
}

/* Does @form (@t->len bytes) equal the actual bytes? */
static inline int try_form(struct rw_try *t, const __u8 *form)
{
	__u64 d = first_diff(form, t->actual, t->len);

	if (d == t->len)
		return 1;
	if (d > t->best)
		t->best = d;
	return 0;
}

static inline void put_u32(__u8 *p, __u32 v)
{
	p[0] = (__u8)v;
	p[1] = (__u8)(v >> 8);
	p[2] = (__u8)(v >> 16);
	p[3] = (__u8)(v >> 24);
}

/* Target of a rel32 whose next instruction starts at @next. */
static inline __u64 rel32_dest(__u64 next, const __u8 *rel)
{
	return next + (__u64)(__s64)heki_le_s32(rel);
}

/* Write "@op rel32 -> @dest" for an instruction at @va (5 bytes). */
static inline void gen_rel32(__u8 *p, __u8 op, __u64 va, __u64 dest)
{
	p[0] = op;
	put_u32(p + 1, (__u32)(dest - (va + 5)));
}

/* arch/x86/kernel/alternative.c:add_nops() */
static inline void rw_add_nops(__u8 *p, __u64 len)
{
	__u64 n;

	while (len) {
		n = len > NOP_MAX ? NOP_MAX : len;
		memcpy(p, heki_rw_nops[n], n);
		p += n;
		len -= n;
	}
}

/* Byte @k of rw_add_nops(@len) without a buffer. */
static inline __u8 nop_byte(__u64 len, __u64 k)
{
	__u64 chunk = k / NOP_MAX, rest = len - chunk * NOP_MAX;

	return heki_rw_nops[rest > NOP_MAX ? NOP_MAX : rest][k % NOP_MAX];
}

/*
 * Byte @k of 6.12's add_nop(@len): one x86_nops[] entry up to 11 bytes,
 * else a jmp8 (below 128) or jmp32 over the rest, filled with int3.
 */
static inline __u8 nop612_byte(__u64 len, __u64 k)
{
	__u64 rel;

	if (len <= NOP612_MAX)
		return heki_rw_nops[len][k];
	rel = len < 128 ? len - 2 : len - 5;
	if (k == 0)
		return len < 128 ? OP_JMP8 : OP_JMP32;
	if (len < 128 ? k == 1 : k <= 4)
		return (__u8)(rel >> ((k - 1) * 8));
	return OP_INT3;
}

/* The NOP byte of the kernel @k64 (nonzero: 6.4+ rules). */
static inline __u8 knop_byte(int k64, __u64 len, __u64 k)
{
	return k64 ? nop612_byte(len, k) : nop_byte(len, k);
}

/* Is @ctx a 6.4+ kernel (rules checked against Debian's 6.12)? */
static inline int k64(const struct heki_rw_ctx *ctx)
{
	return ctx->kernel >= HEKI_MODLAYOUT_LINUX_6_4;
}

static inline int ksym(const struct heki_rw_ctx *ctx, __u32 idx, __u64 *va)
{
	if (idx >= HEKI_RW_KSYM_NR || !(ctx->ksym_known & (1ULL << idx)))
		return 0;
	*va = ctx->ksym[idx];
	return 1;
}

/* boot_cpu_has(@feature) as VTL0 reported it; beyond the words: clear. */
static inline int cpu_has(const struct heki_rw_ctx *ctx, __u32 feature)
{
	if (!ctx->capwords || feature / 32 >= ctx->ncapwords)
		return 0;
	return (ctx->capwords[feature / 32] >> (feature % 32)) & 1;
}

static inline int refuse(struct heki_rw_fault *fault, const char *rule, __u64 at,
		  int err)
{
	fault->rule = rule;
	fault->at = at;
	return -err;
}

/*
 * Common tail of every instruction rule: the rule covered the first @n
 * bytes; anything after them in the site is not rewritten.
 */
static inline int check_rest(const struct heki_rw_site *site, const __u8 *expected,
		      const __u8 *actual, __u64 n, const char *rule, int err,
		      struct heki_rw_fault *fault)
{
	__u64 d = first_diff(expected + n, actual + n, site->len - n);

	if (d != site->len - n)
		return refuse(fault, rule, n + d, err);
	return 0;
}

/* ---- ftrace: __mcount_loc ---------------------------------------------- */
static inline int rw_in_range(__u64 va, __u64 lo, __u64 size)
{
	return size && va >= lo && va - lo < size;
}

/* The rules, one file each (rewrite_<kind>.c); heki_rw_check() picks one. */
int heki_rw_rule_mcount(const struct heki_rw_ctx *ctx,
			const struct heki_rw_site *site,
			const __u8 *expected, const __u8 *actual,
			struct heki_rw_fault *fault);
int heki_rw_rule_return(const struct heki_rw_ctx *ctx,
			const struct heki_rw_site *site,
			const __u8 *expected, const __u8 *actual,
			struct heki_rw_fault *fault);
int heki_rw_rule_retpoline(const struct heki_rw_ctx *ctx,
			   const struct heki_rw_site *site,
			   const __u8 *expected, const __u8 *actual,
			   struct heki_rw_fault *fault);
int heki_rw_rule_alternative(const struct heki_rw_ctx *ctx,
			     const struct heki_rw_site *site,
			     const __u8 *expected, const __u8 *actual,
			     struct heki_rw_fault *fault);
int heki_rw_rule_static_call(const struct heki_rw_ctx *ctx,
			     const struct heki_rw_site *site,
			     const __u8 *expected, const __u8 *actual,
			     struct heki_rw_fault *fault);
int heki_rw_rule_paravirt(const struct heki_rw_ctx *ctx,
			  const struct heki_rw_site *site,
			  const __u8 *expected, const __u8 *actual,
			  struct heki_rw_fault *fault);
int heki_rw_rule_smp_lock(const struct heki_rw_ctx *ctx,
			  const struct heki_rw_site *site,
			  const __u8 *expected, const __u8 *actual,
			  struct heki_rw_fault *fault);
int heki_rw_rule_table(const struct heki_rw_ctx *ctx,
		       const struct heki_rw_site *site,
		       const __u8 *expected, const __u8 *actual,
		       struct heki_rw_fault *fault);
int heki_rw_rule_jump_label(const struct heki_rw_site *site,
			    const __u8 *expected, const __u8 *actual,
			    struct heki_rw_fault *fault);
int heki_rw_rule_endbr_seal(const struct heki_rw_ctx *ctx,
			    const struct heki_rw_site *site,
			    const __u8 *expected, const __u8 *actual,
			    struct heki_rw_fault *fault);

/* Shared between rules. */
extern const __u32 heki_rw_return_thunks[5];
int heki_rw_try_return_forms(const struct heki_rw_ctx *ctx, struct rw_try *t,
			     __u64 va);
__u64 heki_rw_match_nop_runs(int v64, const __u8 *form, const __u8 *actual,
			     __u64 len, __u64 pad);
int heki_rw_kernel_text(const struct heki_rw_ctx *ctx, __u64 dest);
int heki_rw_func_entry(const struct heki_rw_ctx *ctx, __u64 va);

#endif /* HEKI_VTL1_REWRITE_RULES_H */

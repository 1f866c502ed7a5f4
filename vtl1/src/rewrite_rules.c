// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_rules.c - what each load-time rewrite of Linux 6.1 x86-64 may
 * leave at one site of a module (linux-6.1-module-load.md §2 and §6).
 *
 * Every rule gets the site's relocated ELF bytes ("expected") and what
 * VTL0's memory holds there ("actual"), both VTL1-private. It first checks
 * that the ELF bytes are the instruction the rewrite starts from (else the
 * site table lied: *_ORIGINAL), then builds each form the kernel's rewrite
 * can write there and accepts only an exact match (else *_FORBIDDEN). A
 * rule covers the bytes of the instruction it rewrites; bytes of a longer
 * site beyond that instruction must be equal. The fault names the rule and
 * the first byte that differs from the closest form.
 *
 * No recursion, no allocation, one bounded buffer per call; all address
 * arithmetic is modulo 2^64 as in the kernel's rel32 encoding.
 */
#include <heki/abi.h>

#include "libc.h"
#include "rewrite.h"
#include "le.h"

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
static const __u8 rw_nops[NOP612_MAX + 1][NOP612_MAX] = {
	{ 0 },
	{ 0x90 },
	{ 0x66, 0x90 },
	{ 0x0f, 0x1f, 0x00 },
	{ 0x0f, 0x1f, 0x40, 0x00 },
	{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

static const __u8 ret_int3[5] = { OP_RET, OP_INT3, OP_INT3, OP_INT3, OP_INT3 };
static const __u8 xor5rax[5] = { OP_CS, OP_CS, OP_CS, 0x31, 0xc0 };

/*
 * Closest-form tracking: @best is the longest prefix of the actual bytes
 * any tried form matched, reported as the offending byte on refusal.
 */
struct rw_try {
	const __u8 *actual;
	__u64 len;
	__u64 best;
};

static __u64 first_diff(const __u8 *a, const __u8 *b, __u64 n)
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
static int try_form(struct rw_try *t, const __u8 *form)
{
	__u64 d = first_diff(form, t->actual, t->len);

	if (d == t->len)
		return 1;
	if (d > t->best)
		t->best = d;
	return 0;
}

static void put_u32(__u8 *p, __u32 v)
{
	p[0] = (__u8)v;
	p[1] = (__u8)(v >> 8);
	p[2] = (__u8)(v >> 16);
	p[3] = (__u8)(v >> 24);
}

/* Target of a rel32 whose next instruction starts at @next. */
static __u64 rel32_dest(__u64 next, const __u8 *rel)
{
	return next + (__u64)(__s64)heki_le_s32(rel);
}

/* Write "@op rel32 -> @dest" for an instruction at @va (5 bytes). */
static void gen_rel32(__u8 *p, __u8 op, __u64 va, __u64 dest)
{
	p[0] = op;
	put_u32(p + 1, (__u32)(dest - (va + 5)));
}

/* arch/x86/kernel/alternative.c:add_nops() */
static void rw_add_nops(__u8 *p, __u64 len)
{
	__u64 n;

	while (len) {
		n = len > NOP_MAX ? NOP_MAX : len;
		memcpy(p, rw_nops[n], n);
		p += n;
		len -= n;
	}
}

/* Byte @k of rw_add_nops(@len) without a buffer. */
static __u8 nop_byte(__u64 len, __u64 k)
{
	__u64 chunk = k / NOP_MAX, rest = len - chunk * NOP_MAX;

	return rw_nops[rest > NOP_MAX ? NOP_MAX : rest][k % NOP_MAX];
}


/*
 * Byte @k of 6.12's add_nop(@len): one x86_nops[] entry up to 11 bytes,
 * else a jmp8 (below 128) or jmp32 over the rest, filled with int3.
 */
static __u8 nop612_byte(__u64 len, __u64 k)
{
	__u64 rel;

	if (len <= NOP612_MAX)
		return rw_nops[len][k];
	rel = len < 128 ? len - 2 : len - 5;
	if (k == 0)
		return len < 128 ? OP_JMP8 : OP_JMP32;
	if (len < 128 ? k == 1 : k <= 4)
		return (__u8)(rel >> ((k - 1) * 8));
	return OP_INT3;
}

/* The NOP byte of the kernel @k64 (nonzero: 6.4+ rules). */
static __u8 knop_byte(int k64, __u64 len, __u64 k)
{
	return k64 ? nop612_byte(len, k) : nop_byte(len, k);
}

/* Is @ctx a 6.4+ kernel (rules checked against Debian's 6.12)? */
static int k64(const struct heki_rw_ctx *ctx)
{
	return ctx->kernel == HEKI_MODLAYOUT_LINUX_6_4;
}

static int ksym(const struct heki_rw_ctx *ctx, __u32 idx, __u64 *va)
{
	if (idx >= HEKI_RW_KSYM_NR || !(ctx->ksym_known & (1ULL << idx)))
		return 0;
	*va = ctx->ksym[idx];
	return 1;
}

/* boot_cpu_has(@feature) as VTL0 reported it; beyond the words: clear. */
static int cpu_has(const struct heki_rw_ctx *ctx, __u32 feature)
{
	if (!ctx->capwords || feature / 32 >= ctx->ncapwords)
		return 0;
	return (ctx->capwords[feature / 32] >> (feature % 32)) & 1;
}

static int refuse(struct heki_rw_fault *fault, const char *rule, __u64 at,
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
static int check_rest(const struct heki_rw_site *site, const __u8 *expected,
		      const __u8 *actual, __u64 n, const char *rule, int err,
		      struct heki_rw_fault *fault)
{
	__u64 d = first_diff(expected + n, actual + n, site->len - n);

	if (d != site->len - n)
		return refuse(fault, rule, n + d, err);
	return 0;
}

/* ---- ftrace: __mcount_loc ---------------------------------------------- */

static int rule_mcount(const struct heki_rw_ctx *ctx,
		       const struct heki_rw_site *site, const __u8 *expected,
		       const __u8 *actual, struct heki_rw_fault *fault)
{
	struct rw_try t = { actual, 5, 0 };
	__u64 fentry, tramp;
	__u8 form[5];
	__u32 i;
	static const __u32 callers[] = {
		HEKI_RW_KSYM_FTRACE_CALLER, HEKI_RW_KSYM_FTRACE_REGS_CALLER,
	};

	if (site->len < 5)
		return refuse(fault, "mcount: site shorter than a call",
			      site->len, HEKI_VSM_ERR_REWRITE_SITE_LENGTH);
	if (!ksym(ctx, HEKI_RW_KSYM_FENTRY, &fentry))
		return refuse(fault, "mcount: __fentry__ unknown", 0,
			      HEKI_VSM_ERR_REWRITE_KSYM_UNKNOWN);
	/* ftrace_make_nop() verifies exactly this before it writes. */
	gen_rel32(form, OP_CALL, site->va, fentry);
	if (memcmp(form, expected, 5))
		return refuse(fault, "mcount: ELF site is not call __fentry__",
			      first_diff(form, expected, 5),
			      HEKI_VSM_ERR_REWRITE_MCOUNT_ORIGINAL);
	if (try_form(&t, form) || try_form(&t, rw_nops[5]))
		goto rest;
	for (i = 0; (ctx->policy & HEKI_RW_POLICY_FTRACE_CALLS) &&
		    i < ARRAY_SIZE(callers); i++) {
		if (!ksym(ctx, callers[i], &tramp))
			continue;
		gen_rel32(form, OP_CALL, site->va, tramp);
		if (try_form(&t, form))
			goto rest;
	}
	return refuse(fault, "mcount: not call __fentry__, nop5 or an allowed ftrace call",
		      t.best, HEKI_VSM_ERR_REWRITE_MCOUNT_FORBIDDEN);
rest:
	return check_rest(site, expected, actual, 5,
			  "mcount: bytes after the call changed",
			  HEKI_VSM_ERR_REWRITE_MCOUNT_FORBIDDEN, fault);
}

/* ---- return thunks: .return_sites --------------------------------------- */

static const __u32 return_thunks[] = {
	HEKI_RW_KSYM_RETURN_THUNK, HEKI_RW_KSYM_RETBLEED_RETURN_THUNK,
	HEKI_RW_KSYM_SRSO_RETURN_THUNK, HEKI_RW_KSYM_SRSO_ALIAS_RETURN_THUNK,
	HEKI_RW_KSYM_ITS_RETURN_THUNK,
};

/*
 * With the thunk in use known (ctx->return_thunk, LoadKData's kernel info
 * extension), exactly what patch_return() / __static_call_transform()
 * write: cpu_wants_rethunk_at() - X86_FEATURE_RETHUNK on and, for the ITS
 * thunk, the lower half of a 64-byte line - gives "jmp <thunk>", else
 * "ret; int3 x4".
 */
static int try_return_exact(const struct heki_rw_ctx *ctx, struct rw_try *t,
			    __u64 va)
{
	__u8 form[5];

	if ((ctx->return_flags & HEKI_KERNEL_INFO_EXT_RETHUNK) &&
	    !((ctx->return_flags & HEKI_KERNEL_INFO_EXT_ITS_THUNK) &&
	      (va & 0x20))) {
		gen_rel32(form, OP_JMP32, va, ctx->return_thunk);
		return try_form(t, form);
	}
	return try_form(t, ret_int3);
}

/*
 * "jmp <any return thunk cpu/bugs.c may select>" or "ret; int3 x4"; only
 * the kernel's own form when the thunk in use is known.
 */
static int try_return_forms(const struct heki_rw_ctx *ctx, struct rw_try *t,
			    __u64 va)
{
	__u8 form[5];
	__u64 thunk;
	__u32 i;

	if (ctx->return_thunk)
		return try_return_exact(ctx, t, va);
	if (try_form(t, ret_int3))
		return 1;
	for (i = 0; i < ARRAY_SIZE(return_thunks); i++) {
		if (!ksym(ctx, return_thunks[i], &thunk))
			continue;
		/* cpu_wants_rethunk_at(): ITS only in a line's lower half. */
		if (return_thunks[i] == HEKI_RW_KSYM_ITS_RETURN_THUNK &&
		    (va & 0x20))
			continue;
		gen_rel32(form, OP_JMP32, va, thunk);
		if (try_form(t, form))
			return 1;
	}
	return 0;
}

static int rule_return(const struct heki_rw_ctx *ctx,
		       const struct heki_rw_site *site, const __u8 *expected,
		       const __u8 *actual, struct heki_rw_fault *fault)
{
	struct rw_try t = { actual, 5, 0 };
	__u8 form[5];
	__u64 thunk;

	if (site->len < 5)
		return refuse(fault, "return: site shorter than a jmp",
			      site->len, HEKI_VSM_ERR_REWRITE_SITE_LENGTH);
	if (!ksym(ctx, HEKI_RW_KSYM_RETURN_THUNK, &thunk))
		return refuse(fault, "return: __x86_return_thunk unknown", 0,
			      HEKI_VSM_ERR_REWRITE_KSYM_UNKNOWN);
	gen_rel32(form, OP_JMP32, site->va, thunk);
	if (memcmp(form, expected, 5))
		return refuse(fault, "return: ELF site is not jmp __x86_return_thunk",
			      first_diff(form, expected, 5),
			      HEKI_VSM_ERR_REWRITE_RETURN_ORIGINAL);
	if (!try_return_forms(ctx, &t, site->va))
		return refuse(fault, "return: not jmp to a return thunk nor ret; int3",
			      t.best, HEKI_VSM_ERR_REWRITE_RETURN_FORBIDDEN);
	return check_rest(site, expected, actual, 5,
			  "return: bytes after the jmp changed",
			  HEKI_VSM_ERR_REWRITE_RETURN_FORBIDDEN, fault);
}

/* ---- retpolines: .retpoline_sites --------------------------------------- */

/*
 * Decode the ELF instruction: [2e] e8/e9 rel32, or 0f 8x rel32, to
 * __x86_indirect_thunk_<reg>. Sets its length, opcode (e8, e9, or the
 * second Jcc byte) and register; 0 if it is none of these.
 */
static int retpoline_decode(const struct heki_rw_ctx *ctx,
			    const struct heki_rw_site *site,
			    const __u8 *e, __u64 *ilen, __u8 *op, __u32 *reg)
{
	__u64 off = 0, dest, thunk;
	__u32 r;

	if (site->len >= 6 && e[0] == OP_CS &&
	    (e[1] == OP_CALL || e[1] == OP_JMP32))
		off = 1;
	if (e[off] == OP_CALL || e[off] == OP_JMP32) {
		*ilen = off + 5;
		*op = e[off];
		if (site->len < *ilen)
			return 0;
		dest = rel32_dest(site->va + *ilen, e + off + 1);
	} else if (site->len >= 6 && e[0] == 0x0f && (e[1] & 0xf0) == 0x80) {
		*ilen = 6;
		*op = e[1];
		dest = rel32_dest(site->va + 6, e + 2);
	} else {
		return 0;
	}
	for (r = 0; r < 16; r++)
		if (r != REG_RSP &&
		    ksym(ctx, HEKI_RW_KSYM_THUNK_RAX + r, &thunk) &&
		    thunk == dest) {
			*reg = r;
			return 1;
		}
	return 0;
}

/*
 * alternative.c:patch_retpoline() for the CPUs that do not keep the thunk
 * call: [Jncc.d8 over the rest] [lfence] [41] ff d0+r / ff e0+r [int3],
 * NOP fill, then optimize_nops() (the fill run starts on an instruction
 * boundary here). Returns 0 if the sequence does not fit the instruction
 * (the kernel then leaves the site alone).
 */
static int retpoline_form(__u8 *b, __u64 ilen, __u8 op, __u32 reg,
			  int lfence)
{
	__u64 i = 0, need;

	if (op != OP_CALL && op != OP_JMP32) {
		b[i++] = (__u8)(0x70 + ((op & 0x0f) ^ 1));
		b[i++] = (__u8)(ilen - 2);
		op = OP_JMP32;
	}
	need = i + (lfence ? 3 : 0) + (reg >= 8 ? 3 : 2);
	if (need > ilen)
		return 0;
	if (lfence) {
		b[i++] = 0x0f;
		b[i++] = 0xae;
		b[i++] = 0xe8;
	}
	if (reg >= 8)
		b[i++] = 0x41;
	b[i++] = 0xff;
	b[i++] = (__u8)((op == OP_CALL ? 0xd0 : 0xe0) + (reg & 7));
	if (op == OP_JMP32 && i < ilen)
		b[i++] = OP_INT3;
	if (ilen - i >= 2)
		rw_add_nops(b + i, ilen - i);
	else if (i < ilen)
		b[i] = OP_NOP1;
	return 1;
}

/*
 * With the CPU's feature words: exactly what apply_retpolines() writes.
 * patch_retpoline() keeps the thunk call when X86_FEATURE_RETPOLINE is on
 * without RETPOLINE_LFENCE, or when its sequence does not fit the
 * instruction; with INDIRECT_THUNK_ITS and the indirect branch's last
 * opcode byte in the lower half of a 64-byte line it calls an ITS thunk
 * in a page allocated at load, which VTL1 cannot know (refused); else the
 * register form, with LFENCE iff RETPOLINE_LFENCE.
 */
static int rule_retpoline_pinned(const struct heki_rw_ctx *ctx,
				 const struct heki_rw_site *site,
				 const __u8 *expected, const __u8 *actual,
				 __u64 ilen, __u8 op, __u32 reg,
				 struct heki_rw_fault *fault)
{
	int retp = cpu_has(ctx, HEKI_X86_FEATURE_RETPOLINE);
	int lf = cpu_has(ctx, HEKI_X86_FEATURE_RETPOLINE_LFENCE);
	const char *rule;
	__u8 form[6], other[6];
	__u64 pre, d;
	int k;

	if (retp && !lf) {
		rule = "retpoline: not the thunk call this CPU keeps (RETPOLINE without LFENCE)";
		memcpy(form, expected, ilen);
	} else {
		pre = (op != OP_CALL && op != OP_JMP32 ? 2 : 0) +
		      (lf ? 3 : 0);
		if (cpu_has(ctx, k64(ctx) ?
				 HEKI_X86_FEATURE_INDIRECT_THUNK_ITS_612 :
				 HEKI_X86_FEATURE_INDIRECT_THUNK_ITS) &&
		    !((site->va + pre + 1 + reg / 8) & 0x20))
			return refuse(fault, "retpoline: this CPU calls an ITS thunk VTL1 cannot locate",
				      0, HEKI_VSM_ERR_REWRITE_RETPOLINE_FORBIDDEN);
		rule = lf ? "retpoline: not the LFENCE register form this CPU gets (RETPOLINE_LFENCE)" :
			    "retpoline: not the register form this CPU gets (no RETPOLINE)";
		if (!retpoline_form(form, ilen, op, reg, lf)) {
			rule = "retpoline: not the thunk call this CPU keeps (its form does not fit)";
			memcpy(form, expected, ilen);
		}
	}
	d = first_diff(form, actual, ilen);
	if (d == ilen)
		return check_rest(site, expected, actual, ilen,
				  "retpoline: bytes after the instruction changed",
				  HEKI_VSM_ERR_REWRITE_RETPOLINE_FORBIDDEN,
				  fault);
	/* A form patch_retpoline() writes for other feature bits? */
	if (!memcmp(expected, actual, ilen))
		return refuse(fault, rule, d,
			      HEKI_VSM_ERR_REWRITE_RETPOLINE_OTHER_FORM);
	for (k = 0; k < 2; k++)
		if (retpoline_form(other, ilen, op, reg, k) &&
		    !memcmp(other, actual, ilen))
			return refuse(fault, rule, d,
				      HEKI_VSM_ERR_REWRITE_RETPOLINE_OTHER_FORM);
	return refuse(fault, rule, d, HEKI_VSM_ERR_REWRITE_RETPOLINE_FORBIDDEN);
}

static int rule_retpoline(const struct heki_rw_ctx *ctx,
			  const struct heki_rw_site *site,
			  const __u8 *expected, const __u8 *actual,
			  struct heki_rw_fault *fault)
{
	struct rw_try t = { actual, 0, 0 };
	__u8 form[6];
	__u64 ilen;
	__u32 reg;
	__u8 op;
	int lf;

	if (!retpoline_decode(ctx, site, expected, &ilen, &op, &reg))
		return refuse(fault, "retpoline: ELF site is not call/jmp/jcc to an indirect thunk",
			      0, HEKI_VSM_ERR_REWRITE_RETPOLINE_ORIGINAL);
	t.len = ilen;
	if (ctx->capwords)
		return rule_retpoline_pinned(ctx, site, expected, actual, ilen,
					     op, reg, fault);
	if (try_form(&t, expected))
		goto rest;
	for (lf = 0; lf < 2; lf++)
		if (retpoline_form(form, ilen, op, reg, lf) &&
		    try_form(&t, form))
			goto rest;
	return refuse(fault, "retpoline: not the thunk call nor its register form",
		      t.best, HEKI_VSM_ERR_REWRITE_RETPOLINE_FORBIDDEN);
rest:
	return check_rest(site, expected, actual, ilen,
			  "retpoline: bytes after the instruction changed",
			  HEKI_VSM_ERR_REWRITE_RETPOLINE_FORBIDDEN, fault);
}

/* ---- alternatives: .altinstructions ------------------------------------- */

/*
 * Compare @actual with @form where every maximal run of two or more 0x90
 * bytes in @form may instead hold rw_add_nops() of the run's length
 * (optimize_nops()); a run from @pad on (the padding after an applied
 * replacement) may also be optimised from @pad only. Returns the length
 * of the matching prefix (@len if all match).
 */
static __u64 match_nop_runs(int v64, const __u8 *form, const __u8 *actual,
			    __u64 len, __u64 pad)
{
	__u64 i = 0, e, k, s;
	int plain, opt, from_pad;

	while (i < len) {
		if (form[i] != OP_NOP1) {
			if (actual[i] != form[i])
				return i;
			i++;
			continue;
		}
		for (e = i; e < len && form[e] == OP_NOP1; e++)
			;
		if (e - i < 2) {
			if (actual[i] != OP_NOP1)
				return i;
			i = e;
			continue;
		}
		plain = 1;
		opt = 1;
		from_pad = pad > i && pad < e && e - pad >= 2;
		for (k = i; k < e; k++) {
			plain &= actual[k] == OP_NOP1;
			opt &= actual[k] == knop_byte(v64, e - i, k - i);
		}
		for (k = i; from_pad && k < e; k++)
			from_pad &= k < pad ? actual[k] == OP_NOP1 :
				    actual[k] == knop_byte(v64, e - pad, k - pad);
		if (!plain && !opt && !from_pad) {
			for (s = i; s < e &&
			     actual[s] == knop_byte(v64, e - i, s - i); s++)
				;
			return s;
		}
		i = e;
	}
	return len;
}

/*
 * alternative.c:apply_alternatives() when the feature selects the
 * replacement: copy it, fix a 5-byte call's rel32, recompute a jmp
 * (recompute_jump()), pad with 0x90. Returns the padding start.
 */
static __u64 alt_apply(const struct heki_rw_ctx *ctx, __u8 *b,
		       const struct heki_rw_site *site, const __u8 *repl)
{
	__u64 rlen = site->repl_len, dest;
	__s64 n, n32;
	__s32 imm;

	memcpy(b, repl, rlen);
	if (rlen == 5 && b[0] == OP_CALL)
		put_u32(b + 1, (__u32)heki_le_s32(b + 1) +
			       (__u32)(site->repl_va - site->va));
	if (k64(ctx) && rlen == 5 && repl[0] == OP_JMP32) {
		/*
		 * 6.12 __apply_relocation(): a jmp32 leaving the replacement
		 * is relocated, then becomes jmp8 + three int3 if it fits.
		 * Other branches and RIP-relative operands are not modelled
		 * (such applied replacements are refused: fail closed).
		 */
		imm = (__s32)((__u32)heki_le_s32(b + 1) +
			      (__u32)(site->repl_va - site->va));
		if (rel32_dest(site->repl_va + 5, repl + 1) -
		    site->repl_va <= 5)
			imm = heki_le_s32(repl + 1);
		put_u32(b + 1, (__u32)imm);
		imm = (__s32)((__u32)imm + 3);
		if (imm >= -128 && imm <= 127) {
			b[0] = OP_JMP8;
			b[1] = (__u8)imm;
			memset(b + 2, OP_INT3, 3);
		}
	} else if (rlen == 5 &&
		   (repl[0] == OP_JMP8 || repl[0] == OP_JMP32)) {
		/*
		 * recompute_jump(): o_dspl from the buffer, the new s32
		 * displacement, the 64-bit sign of the distance; same
		 * truncations as the kernel.
		 */
		dest = rel32_dest(site->repl_va + 5, b + 1);
		n = (__s64)(dest - site->va);
		n32 = (__s32)(__u32)(dest - site->va);
		if (n >= 0 ? n32 - 2 <= 127 :
			     ((n32 - 2) & 0xff) == n32 - 2) {
			b[0] = OP_JMP8;
			b[1] = (__u8)(n32 - 2);
			rw_add_nops(b + 2, 3);
		} else {
			b[0] = OP_JMP32;
			put_u32(b + 1, (__u32)(n32 - 5));
		}
	}
	memset(b + rlen, OP_NOP1, site->len - rlen);
	return rlen;
}

/**
 * heki_rw_alt_pinned() - what this CPU makes of an alternative
 * @ctx: module and kernel facts
 * @site: an HEKI_RW_ALTERNATIVE site
 *
 * apply_alternatives() skips an entry iff !boot_cpu_has(feature) ==
 * !(cpuid & ALTINSTR_FLAG_INV).
 *
 * Return: -1 without capability words or for a feature beyond them, 1 if
 * the replacement is copied, 0 if the original stays.
 */
int heki_rw_alt_pinned(const struct heki_rw_ctx *ctx,
		       const struct heki_rw_site *site)
{
	__u32 f = (__u32)(site->aux & HEKI_ALT_FEATURE_MASK);

	if (!ctx->capwords || f / 32 >= ctx->ncapwords)
		return -1;
	return cpu_has(ctx, f) != !!(site->aux & HEKI_ALT_FLAG_NOT);
}

/**
 * heki_rw_alt_final() - the alternative whose replacement a cluster holds
 * @ctx: module and kernel facts
 * @sites: the engine's sites
 * @i: first site of the cluster
 * @j: one past its last site
 * @start: cluster start offset
 * @end: cluster end offset
 *
 * apply_alternatives() walks .altinstructions in order and each applied
 * entry copies its replacement over its whole original; entries of one
 * range (ALTERNATIVE_2) overwrite each other. With capability words, the
 * last applied entry spanning the cluster decides it alone: the kernel's
 * earlier rewrites there (paravirt, retpolines, other entries) are gone.
 *
 * Return: index of that site, or -1 (no words, or no spanning entry this
 * CPU applies: the engine's usual cluster walk).
 */
int heki_rw_alt_final(const struct heki_rw_ctx *ctx,
		      const struct heki_rw_site *sites, __u32 i, __u32 j,
		      __u64 start, __u64 end)
{
	const struct heki_rw_site *s;
	int best = -1;
	__u32 k;

	for (k = i; ctx->capwords && k < j; k++) {
		s = &sites[k];
		if (s->kind != HEKI_RW_ALTERNATIVE || s->offset != start ||
		    s->offset + s->len != end || heki_rw_alt_pinned(ctx, s) != 1)
			continue;
		if (best < 0 || s->section > sites[best].section ||
		    (s->section == sites[best].section &&
		     s->entry > sites[best].entry))
			best = (int)k;
	}
	return best;
}

/*
 * Applied replacement forms: from the relocated ELF replacement, and from
 * the replacement as memory holds it when sites inside it (retpolines,
 * returns) were rewritten first. Returns the longest matching prefix.
 * @form is the caller's HEKI_RW_MAX_SITE_LEN-byte scratch (one buffer for
 * the whole alternative rule keeps sanitizer builds' frames small).
 */
static __u64 alt_match_applied(const struct heki_rw_ctx *ctx,
			       const struct heki_rw_site *site,
			       const __u8 *expected, const __u8 *actual,
			       const __u8 *repl, __u8 *form)
{
	const __u8 *ra;
	__u64 pad, d1, d2;

	pad = alt_apply(ctx, form, site, repl ? repl : expected);
	d1 = match_nop_runs(k64(ctx), form, actual, site->len, pad);
	if (d1 == site->len || !repl || !ctx->actual[site->repl_mem])
		return d1;
	ra = ctx->actual[site->repl_mem] + site->repl_offset;
	if (!memcmp(repl, ra, site->repl_len))
		return d1;
	pad = alt_apply(ctx, form, site, ra);
	d2 = match_nop_runs(k64(ctx), form, actual, site->len, pad);
	return d1 > d2 ? d1 : d2;
}

/*
 * With the CPU's feature words: the replacement (relocated, NOP padded,
 * optimize_nops()) iff the feature says so, else the original after
 * optimize_nops(). The form for the other feature value is refused with
 * its own code. Entries of ALTERNATIVE_2 share one range and are checked
 * one by one; with the words the engine asks only the last entry this
 * CPU applies (heki_rw_alt_final()).
 */
static int rule_alternative_pinned(const struct heki_rw_ctx *ctx,
				   const struct heki_rw_site *site,
				   const __u8 *expected, const __u8 *actual,
				   const __u8 *repl, __u8 *form,
				   struct heki_rw_fault *fault)
{
	int pin = heki_rw_alt_pinned(ctx, site);
	__u64 orig, appl;

	if (pin < 0)
		return refuse(fault, "alternative: CPU feature beyond the capability words VTL0 sent",
			      0, HEKI_VSM_ERR_REWRITE_ALT_FEATURE);
	orig = match_nop_runs(k64(ctx), expected, actual, site->len, site->len);
	if (!pin && orig == site->len)
		return 0;
	appl = alt_match_applied(ctx, site, expected, actual, repl, form);
	if (pin && appl == site->len)
		return 0;
	if (pin && orig == site->len)
		return refuse(fault, "alternative: original kept, but this CPU gets the replacement (feature on)",
			      appl, HEKI_VSM_ERR_REWRITE_ALT_OTHER_FORM);
	if (!pin && appl == site->len)
		return refuse(fault, "alternative: replacement written, but this CPU keeps the original (feature off)",
			      orig, HEKI_VSM_ERR_REWRITE_ALT_OTHER_FORM);
	return refuse(fault, pin ? "alternative: not the relocated replacement (with NOPs) this CPU gets" :
				   "alternative: not the original (with NOPs) this CPU keeps",
		      pin ? appl : orig, HEKI_VSM_ERR_REWRITE_ALT_FORBIDDEN);
}

static int rw_kernel_text(const struct heki_rw_ctx *ctx, __u64 dest);

/*
 * 6.4+ ALT_FLAG_DIRECT_CALL (6.12 alt_replace_call(), paravirt calls since
 * PVOP_ALT went away): the original is "ff 15 disp32" (call *pv_ops[i]),
 * the replacement "e8" to BUG_func. Applied, the call goes to the slot's
 * function (BUG_func if NULL): dest = replacement's dest + target -
 * BUG_func, then a 0x90 pad (the last NOP, left by optimize_nops());
 * nop_func gives add_nop(6). Without ctx->pv_ops: a call into kernel text
 * or the six NOP bytes.
 */
static int rule_alt_direct_call(const struct heki_rw_ctx *ctx,
				const struct heki_rw_site *site,
				const __u8 *expected, const __u8 *actual,
				const __u8 *repl, struct heki_rw_fault *fault)
{
	__u8 form[6];
	__u64 slot, base, bug, nop, tgt, dest, k;
	int pin = -1, ok;

	if (site->len != 6 || site->repl_len != 5 || !repl ||
	    repl[0] != OP_CALL || expected[0] != 0xff || expected[1] != 0x15)
		return refuse(fault, "alternative direct call: not ff 15 with a 5-byte e8 replacement",
			      0, HEKI_VSM_ERR_REWRITE_ALT_DIRECT_CALL);
	if (ctx->capwords) {
		pin = heki_rw_alt_pinned(ctx, site);
		if (pin < 0)
			return refuse(fault, "alternative: CPU feature beyond the capability words VTL0 sent",
				      0, HEKI_VSM_ERR_REWRITE_ALT_FEATURE);
	}
	if (!memcmp(expected, actual, 6)) {
		if (pin != 1)
			return 0;
		return refuse(fault, "alternative direct call: original kept, but this CPU gets the call",
			      0, HEKI_VSM_ERR_REWRITE_ALT_OTHER_FORM);
	}
	if (pin == 0)
		return refuse(fault, "alternative direct call: call written, but this CPU keeps the original",
			      0, HEKI_VSM_ERR_REWRITE_ALT_OTHER_FORM);
	slot = rel32_dest(site->va + 6, expected + 2);
	if (ctx->pv_ops && ksym(ctx, HEKI_RW_KSYM_PV_OPS, &base) &&
	    slot - base < ctx->pv_ops_count * 8 && !((slot - base) % 8)) {
		tgt = ctx->pv_ops[(slot - base) / 8];
		if (!tgt) {
			if (!ksym(ctx, HEKI_RW_KSYM_PARAVIRT_BUG, &tgt))
				return refuse(fault, "alternative direct call: BUG_func unknown",
					      0, HEKI_VSM_ERR_REWRITE_KSYM_UNKNOWN);
		}
		if (ksym(ctx, HEKI_RW_KSYM_PARAVIRT_NOP, &nop) && tgt == nop) {
			for (k = 0; k < 6; k++)
				form[k] = nop612_byte(6, k);
			k = first_diff(form, actual, 6);
			return k == 6 ? 0 :
			       refuse(fault, "alternative direct call: not add_nop(6) for nop_func",
				      k, HEKI_VSM_ERR_REWRITE_ALT_DIRECT_CALL);
		}
		if (!ksym(ctx, HEKI_RW_KSYM_PARAVIRT_BUG, &bug))
			return refuse(fault, "alternative direct call: BUG_func unknown",
				      0, HEKI_VSM_ERR_REWRITE_KSYM_UNKNOWN);
		dest = rel32_dest(site->repl_va + 5, repl + 1) + tgt - bug;
		gen_rel32(form, OP_CALL, site->va, dest);
		form[5] = OP_NOP1;
		k = first_diff(form, actual, 6);
		return k == 6 ? 0 :
		       refuse(fault, "alternative direct call: not a call to the pv_ops slot's function",
			      k, HEKI_VSM_ERR_REWRITE_ALT_DIRECT_CALL);
	}
	for (k = 0; k < 6; k++)
		form[k] = nop612_byte(6, k);
	if (!memcmp(form, actual, 6))
		return 0;
	dest = rel32_dest(site->va + 5, actual + 1);
	ok = actual[0] == OP_CALL && actual[5] == OP_NOP1 &&
	     rw_kernel_text(ctx, dest);
	return ok ? 0 :
	       refuse(fault, "alternative direct call: neither a call into kernel text nor add_nop(6)",
		      actual[0] != OP_CALL ? 0 : 1,
		      HEKI_VSM_ERR_REWRITE_ALT_DIRECT_CALL);
}

static int rule_alternative(const struct heki_rw_ctx *ctx,
			    const struct heki_rw_site *site,
			    const __u8 *expected, const __u8 *actual,
			    struct heki_rw_fault *fault)
{
	__u8 form[HEKI_RW_MAX_SITE_LEN];
	const __u8 *repl = NULL;
	__u64 d1, d2, pad, end;
	__u32 m = site->repl_mem;

	if (site->repl_len > site->len)
		return refuse(fault, "alternative: replacement longer than the original",
			      0, HEKI_VSM_ERR_REWRITE_ALT_REPLACEMENT);
	if (site->repl_len) {
		if (m >= HEKI_MODLAYOUT_NR_MEM || !ctx->expected[m] ||
		    __builtin_add_overflow(site->repl_offset, site->repl_len,
					   &end) ||
		    end > ctx->mem_size[m] ||
		    site->repl_va != ctx->mem_va[m] + site->repl_offset)
			return refuse(fault, "alternative: replacement outside module memory",
				      0, HEKI_VSM_ERR_REWRITE_ALT_REPLACEMENT);
		repl = ctx->expected[m] + site->repl_offset;
	}
	if (k64(ctx) && site->aux & HEKI_ALT_FLAG_DIRECT_CALL)
		return rule_alt_direct_call(ctx, site, expected, actual, repl,
					    fault);
	if (ctx->capwords)
		return rule_alternative_pinned(ctx, site, expected, actual,
					       repl, form, fault);
	d1 = match_nop_runs(k64(ctx), expected, actual, site->len, site->len);
	if (d1 == site->len)
		return 0;
	pad = alt_apply(ctx, form, site, repl ? repl : expected);
	d2 = match_nop_runs(k64(ctx), form, actual, site->len, pad);
	if (d2 == site->len)
		return 0;
	d1 = d1 > d2 ? d1 : d2;
	/*
	 * Sites inside the replacement (retpolines, returns) are rewritten
	 * before apply_alternatives() copies it: the replacement as memory
	 * holds it, itself checked byte for byte, is a source as well.
	 */
	if (repl && ctx->actual[m] &&
	    memcmp(repl, ctx->actual[m] + site->repl_offset, site->repl_len)) {
		pad = alt_apply(ctx, form, site, ctx->actual[m] + site->repl_offset);
		d2 = match_nop_runs(k64(ctx), form, actual, site->len, pad);
		if (d2 == site->len)
			return 0;
		d1 = d1 > d2 ? d1 : d2;
	}
	return refuse(fault, "alternative: neither original nor relocated replacement (with NOPs)",
		      d1, HEKI_VSM_ERR_REWRITE_ALT_FORBIDDEN);
}

/* ---- ibt endbr seal: .ibt_endbr_seal (6.4+) ----------------------------- */

/*
 * Debian's 6.12 is built with X86_KERNEL_IBT: module_finalize() calls
 * apply_seal_endbr() whatever the CPU, and poison_endbr() writes
 * gen_endbr_poison() (66 0f 1f 00, osp nopl (%rax)) over every ENDBR64 or
 * ENDBR32 (is_endbr(); the poison itself counts and is rewritten with
 * itself); anything else is left alone with a WARN. FINEIBT is off (gcc),
 * so poison_cfi() is not compiled.
 */
static int rule_endbr_seal(const struct heki_rw_site *site,
			   const __u8 *expected, const __u8 *actual,
			   struct heki_rw_fault *fault)
{
	static const __u8 poison[4] = { 0x66, 0x0f, 0x1f, 0x00 };
	int endbr;
	__u64 d;

	if (site->len != 4)
		return refuse(fault, "ibt endbr seal: entry length is not 4", 0,
			      HEKI_VSM_ERR_REWRITE_SITE_LENGTH);
	endbr = (expected[0] == 0xf3 && expected[1] == 0x0f &&
		 expected[2] == 0x1e && (expected[3] & ~1U) == 0xfa) ||
		!memcmp(expected, poison, 4);
	if (!endbr) {
		d = first_diff(expected, actual, 4);
		return d == 4 ? 0 :
		       refuse(fault, "ibt endbr seal: no ENDBR there, the kernel leaves it",
			      d, HEKI_VSM_ERR_REWRITE_ENDBR_SEAL);
	}
	d = first_diff(poison, actual, 4);
	if (d == 4)
		return 0;
	if (!memcmp(expected, actual, 4))
		return refuse(fault, "ibt endbr seal: ENDBR not poisoned (6.4+ IBT build seals every entry)",
			      0, HEKI_VSM_ERR_REWRITE_ENDBR_NOT_SEALED);
	return refuse(fault, "ibt endbr seal: not the ENDBR poison 66 0f 1f 00",
		      d, HEKI_VSM_ERR_REWRITE_ENDBR_SEAL);
}

/* ---- jump labels: __jump_table ------------------------------------------ */

static int rule_jump_label(const struct heki_rw_site *site,
			   const __u8 *expected, const __u8 *actual,
			   struct heki_rw_fault *fault)
{
	struct rw_try t = { actual, 0, 0 };
	__u64 n, to = site->target_va;
	__u8 jmp[5];
	__s64 d;

	/* arch_jump_entry_size(): the size of the instruction there. */
	if (expected[0] == 0x66 || expected[0] == OP_JMP8)
		n = 2;
	else
		n = 5;
	if (site->len < n)
		return refuse(fault, "jump label: site shorter than its instruction",
			      site->len, HEKI_VSM_ERR_REWRITE_SITE_LENGTH);
	if (n == 2) {
		d = (__s64)(to - (site->va + 2));
		jmp[0] = OP_JMP8;
		jmp[1] = (__u8)d;
		if (d < -128 || d > 127)
			jmp[0] = 0;	/* no jmp8 reaches: never written */
	} else {
		gen_rel32(jmp, OP_JMP32, site->va, to);
	}
	if (memcmp(expected, rw_nops[n], n) &&
	    (!jmp[0] || memcmp(expected, jmp, n)))
		return refuse(fault, "jump label: ELF code is not nop or jmp to the target",
			      0, HEKI_VSM_ERR_REWRITE_JUMP_LABEL_ORIGINAL);
	t.len = n;
	if (!try_form(&t, rw_nops[n]) && !(jmp[0] && try_form(&t, jmp)))
		return refuse(fault, "jump label: not the nop nor the jmp to the target",
			      t.best, HEKI_VSM_ERR_REWRITE_JUMP_LABEL_FORBIDDEN);
	return check_rest(site, expected, actual, n,
			  "jump label: bytes after the instruction changed",
			  HEKI_VSM_ERR_REWRITE_JUMP_LABEL_FORBIDDEN, fault);
}

/* ---- static calls: .static_call_sites ----------------------------------- */

static int rw_in_range(__u64 va, __u64 lo, __u64 size)
{
	return size && va >= lo && va - lo < size;
}

/* Inside the kernel's text [_stext, _etext)? */
static int rw_kernel_text(const struct heki_rw_ctx *ctx, __u64 dest)
{
	__u64 lo, hi;

	return ksym(ctx, HEKI_RW_KSYM_KTEXT_START, &lo) &&
	       ksym(ctx, HEKI_RW_KSYM_KTEXT_END, &hi) && lo < hi &&
	       dest >= lo && dest < hi;
}

/*
 * The key's function may be kernel text, this module's text, or the text
 * of another module VTL1 validated (ctx->module_text).
 */
static int static_call_target_ok(const struct heki_rw_ctx *ctx, __u64 dest)
{
	return rw_in_range(dest, ctx->mem_va[HEKI_MODLAYOUT_TEXT],
			ctx->mem_size[HEKI_MODLAYOUT_TEXT]) ||
	       rw_in_range(dest, ctx->mem_va[HEKI_MODLAYOUT_INIT_TEXT],
			ctx->mem_size[HEKI_MODLAYOUT_INIT_TEXT]) ||
	       rw_kernel_text(ctx, dest) ||
	       (ctx->module_text &&
		ctx->module_text(ctx->module_text_arg, dest) == 1);
}

static int rule_static_call(const struct heki_rw_ctx *ctx,
			    const struct heki_rw_site *site,
			    const __u8 *expected, const __u8 *actual,
			    struct heki_rw_fault *fault)
{
	int tail = !!(site->flags & HEKI_RW_SITE_TAIL), jcc, ok;
	struct rw_try t = { actual, 5, 0 };
	__u64 dest, r0 = 0, sret, thunk, off = 0;
	__u8 form[6];
	__u32 i;

	jcc = site->len >= 6 && expected[0] == 0x0f &&
	      (expected[1] & 0xf0) == 0x80;
	if (site->len < 5 ||
	    !(jcc ? tail : expected[0] == (tail ? OP_JMP32 : OP_CALL)))
		return refuse(fault, "static call: ELF site is not the call/jmp/jcc of its tail flag",
			      0, HEKI_VSM_ERR_REWRITE_STATIC_CALL_ORIGINAL);
	if (jcc) {
		off = 1;
		t.len = 6;
	}
	if (try_form(&t, expected))
		goto rest;
	ksym(ctx, HEKI_RW_KSYM_STATIC_CALL_RETURN0, &r0);
	/* A call or jmp (Jcc: same condition) to an allowed function. */
	if (actual[off] == (jcc ? expected[1] : expected[0]) &&
	    (!jcc || actual[0] == 0x0f)) {
		dest = rel32_dest(site->va + t.len, actual + off + 1);
		ok = static_call_target_ok(ctx, dest);
		/* CALL __static_call_return0 is written as xor5rax. */
		if (ok && !tail && r0 && dest == r0)
			ok = 0;
		if (ok)
			goto rest;
		t.best = off + 1;
	}
	if (!tail) {
		if (try_form(&t, rw_nops[5]) || (r0 && try_form(&t, xor5rax)))
			goto rest;
	} else if (!jcc) {
		if (try_return_forms(ctx, &t, site->va))
			goto rest;
	} else {
		/* NULL Jcc: __static_call_return or the return thunk. */
		form[0] = 0x0f;
		if (ctx->return_thunk) {
			/* 6.1.y: RETHUNK ? __x86_return_thunk : ... */
			if (!ksym(ctx, ctx->return_flags &
				       HEKI_KERNEL_INFO_EXT_RETHUNK ?
				       HEKI_RW_KSYM_RETURN_THUNK :
				       HEKI_RW_KSYM_STATIC_CALL_RETURN, &sret))
				goto refused;
			gen_rel32(form + 1, expected[1], site->va + 1, sret);
			if (try_form(&t, form))
				goto rest;
			goto refused;
		}
		if (ksym(ctx, HEKI_RW_KSYM_STATIC_CALL_RETURN, &sret)) {
			gen_rel32(form + 1, expected[1], site->va + 1, sret);
			if (try_form(&t, form))
				goto rest;
		}
		for (i = 0; i < ARRAY_SIZE(return_thunks); i++) {
			if (!ksym(ctx, return_thunks[i], &thunk))
				continue;
			gen_rel32(form + 1, expected[1], site->va + 1, thunk);
			if (try_form(&t, form))
				goto rest;
		}
	}
refused:
	return refuse(fault, "static call: no form __static_call_transform writes",
		      t.best, HEKI_VSM_ERR_REWRITE_STATIC_CALL_FORBIDDEN);
rest:
	return check_rest(site, expected, actual, t.len,
			  "static call: bytes after the instruction changed",
			  HEKI_VSM_ERR_REWRITE_STATIC_CALL_FORBIDDEN, fault);
}

/* ---- paravirt: .parainstructions ---------------------------------------- */

/* Length of the prefix of @p (@len bytes) that equals rw_add_nops(@len). */
static __u64 nop_prefix(const __u8 *p, __u64 len)
{
	__u64 d;

	for (d = 0; d < len && p[d] == nop_byte(len, d); d++)
		;
	return d;
}

/*
 * paravirt_patch() + apply_paravirt(): pv_ops[type] NULL -> call
 * paravirt_BUG, _paravirt_nop -> nothing, else a direct call; the rest is
 * rw_add_nops(). Without the pv_ops values (ctx->pv_ops NULL, no kernel
 * info extension) any call into kernel text or all NOPs is accepted; with
 * them only the slot's value (or paravirt_BUG for NULL, NOPs for
 * _paravirt_nop), and a type beyond them is refused.
 */
static int rule_paravirt(const struct heki_rw_ctx *ctx,
			 const struct heki_rw_site *site, const __u8 *expected,
			 const __u8 *actual, struct heki_rw_fault *fault)
{
	struct rw_try t = { actual, site->len, 0 };
	__u64 pv_ops, slot, fn = 0, nop = 0, bug = 0, dest, d;
	int known = 0, ok;

	if (site->len < 6)
		return refuse(fault, "paravirt: site shorter than call *pv_ops(%rip)",
			      site->len, HEKI_VSM_ERR_REWRITE_SITE_LENGTH);
	if (!ksym(ctx, HEKI_RW_KSYM_PV_OPS, &pv_ops))
		return refuse(fault, "paravirt: pv_ops unknown", 0,
			      HEKI_VSM_ERR_REWRITE_KSYM_UNKNOWN);
	/* ff 15 rel32 -> pv_ops + 8 * type (modulo 2^64). */
	slot = pv_ops + 8 * site->aux;
	if (site->aux > 0xff || expected[0] != 0xff || expected[1] != 0x15 ||
	    rel32_dest(site->va + 6, expected + 2) != slot)
		return refuse(fault, "paravirt: ELF site is not call *pv_ops[type]",
			      0, HEKI_VSM_ERR_REWRITE_PARAVIRT_ORIGINAL);
	if (try_form(&t, expected))
		return 0;
	ksym(ctx, HEKI_RW_KSYM_PARAVIRT_NOP, &nop);
	ksym(ctx, HEKI_RW_KSYM_PARAVIRT_BUG, &bug);
	if (ctx->pv_ops && site->aux < ctx->pv_ops_count) {
		fn = ctx->pv_ops[site->aux];
		known = 1;
	} else if (ctx->pv_ops) {
		return refuse(fault, "paravirt: type beyond the pv_ops VTL0 reported",
			      0, HEKI_VSM_ERR_REWRITE_PARAVIRT_FORBIDDEN);
	}
	d = nop_prefix(actual, site->len);
	if (d == site->len && (!known || (nop && fn == nop)))
		return 0;
	if (d > t.best)
		t.best = d;
	if (actual[0] != OP_CALL)
		goto refused;
	dest = rel32_dest(site->va + 5, actual + 1);
	if (known)
		ok = (!nop || fn != nop) && (fn ? dest == fn : bug && dest == bug);
	else
		ok = rw_kernel_text(ctx, dest);
	if (!ok) {
		t.best = t.best > 1 ? t.best : 1;
		goto refused;
	}
	d = 5 + nop_prefix(actual + 5, site->len - 5);
	if (d == site->len)
		return 0;
	t.best = t.best > d ? t.best : d;
refused:
	return refuse(fault, "paravirt: not the original, a call to pv_ops[type] nor NOPs",
		      t.best, HEKI_VSM_ERR_REWRITE_PARAVIRT_FORBIDDEN);
}

/* ---- SMP lock prefixes: .smp_locks -------------------------------------- */

static int rule_smp_lock(const struct heki_rw_ctx *ctx,
			 const struct heki_rw_site *site, const __u8 *expected,
			 const __u8 *actual, struct heki_rw_fault *fault)
{
	if (expected[0] != OP_LOCK)
		return refuse(fault, "smp lock: ELF byte is not lock (f0)", 0,
			      HEKI_VSM_ERR_REWRITE_SMP_LOCK_ORIGINAL);
	if (actual[0] != OP_LOCK &&
	    !(actual[0] == OP_DS &&
	      (ctx->policy & HEKI_RW_POLICY_UNIPROCESSOR)))
		return refuse(fault, "smp lock: lock prefix changed", 0,
			      HEKI_VSM_ERR_REWRITE_SMP_LOCK_FORBIDDEN);
	return check_rest(site, expected, actual, 1,
			  "smp lock: bytes after the prefix changed",
			  HEKI_VSM_ERR_REWRITE_SMP_LOCK_FORBIDDEN, fault);
}

/* ---- sorted tables ------------------------------------------------------ */

/*
 * Self-relative tables the kernel sorts (and partly re-keys) at load,
 * told apart by entry size (the engine's table list has one of each):
 * 12 __ex_table (sort_extable: by insn; insn and fixup rebased, data
 * moved), 4 .orc_unwind_ip (unwind_module_init: by ip; paired with
 * .orc_unwind when the site names it in repl_*), 6 .orc_unwind (checked
 * through its ip table; alone only as a multiset hash), 16 __jump_table
 * (jump_label_add_module: by key then code; bit 1 of the key set exactly
 * for init code), 8 .static_call_sites (static_call_add_module: by key;
 * bit 1 set for init sites; a key pointing into kernel text - a
 * trampoline - is replaced by the real key, which VTL1 cannot predict and
 * only requires to lie outside kernel text).
 */
#define TBL_EX		12U
#define TBL_ORC_IP	4U
#define TBL_ORC		6U
#define TBL_JUMP	16U
#define TBL_SCALL	8U
/* Entries of a table whose keys may be rewritten (quadratic matching). */
#define TBL_MAX_REKEYED	16384U

/**
 * struct rw_ent - one decoded table entry
 * @id: identity (insn, ip, code or site address)
 * @key: primary sort key (@id, or the masked key)
 * @a: second field (fixup, target, key with flags; 6-byte ORC entry)
 * @b: third field (ex data)
 * @wild: static call key the kernel re-keys (only its flags compare)
 */
struct rw_ent {
	__u64 id, key, a, b;
	int wild;
};

struct rw_tbl {
	const struct heki_rw_ctx *ctx;
	const struct heki_rw_site *site;
	const __u8 *pair_e, *pair_a;	/* .orc_unwind of an ip table */
};

static __u64 get_u48(const __u8 *p)
{
	return (__u64)p[0] | (__u64)p[1] << 8 | (__u64)p[2] << 16 |
	       (__u64)p[3] << 24 | (__u64)p[4] << 32 | (__u64)p[5] << 40;
}

static int in_init_text(const struct heki_rw_ctx *ctx, __u64 va)
{
	return rw_in_range(va, ctx->mem_va[HEKI_MODLAYOUT_INIT_TEXT],
			ctx->mem_size[HEKI_MODLAYOUT_INIT_TEXT]);
}

/* Entry @i of @buf (table at @t->site->va); @exp: normalise as loaded. */
static void tbl_decode(const struct rw_tbl *t, const __u8 *buf, __u64 i,
		       int exp, struct rw_ent *e)
{
	__u64 es = t->site->aux, va = t->site->va + i * es, init;
	const __u8 *p = buf + i * es;
	const __u8 *pair = exp ? t->pair_e : t->pair_a;

	memset(e, 0, sizeof(*e));
	switch (es) {
	case TBL_EX:
		e->id = rel32_dest(va, p);
		e->a = rel32_dest(va + 4, p + 4);
		e->b = (__u32)heki_le_s32(p + 8);
		e->key = e->id;
		break;
	case TBL_ORC_IP:
		e->id = rel32_dest(va, p);
		e->key = e->id;
		if (pair)
			e->a = get_u48(pair + 6 * i);
		break;
	case TBL_JUMP:
		e->id = rel32_dest(va, p);
		e->b = rel32_dest(va + 4, p + 4);
		e->a = va + 8 + heki_le64(p + 8);
		if (exp)
			e->a = (e->a & ~2ULL) |
			       (in_init_text(t->ctx, e->id) ? 2 : 0);
		e->key = e->a & ~3ULL;
		break;
	default:	/* TBL_SCALL */
		e->id = rel32_dest(va, p);
		e->a = rel32_dest(va + 4, p + 4);
		init = in_init_text(t->ctx, e->id) ? 2 : 0;
		if (exp) {
			e->wild = rw_kernel_text(t->ctx, e->a & ~3ULL);
			e->a = (e->a & ~2ULL) | init;
		}
		e->key = e->a & ~3ULL;
		break;
	}
}

static int ent_match(const struct rw_ent *x, const struct rw_ent *y,
		     const struct heki_rw_ctx *ctx)
{
	if (x->wild)
		return x->id == y->id && (x->a & 3) == (y->a & 3) &&
		       !rw_kernel_text(ctx, y->key);
	return x->id == y->id && x->a == y->a && x->b == y->b;
}

static __u64 ent_mix(const struct rw_ent *e)
{
	__u64 v = e->id * 0x9e3779b97f4a7c15ULL;

	return v ^ (v >> 31);
}

static int heki_rw_check_reltable(const struct rw_tbl *t, const __u8 *exp,
				  const __u8 *act, struct heki_rw_fault *fault)
{
	__u64 es = t->site->aux, n = t->site->len / es, i, j, lo, hi, mid;
	__u64 sum_e = 0, sum_a = 0, prev_key = 0, prev_id = 0;
	struct rw_ent x, y;
	int found;

	for (i = 0; i < n; i++) {
		tbl_decode(t, act, i, 0, &y);
		if (i && (y.key < prev_key ||
			  (es == TBL_JUMP && y.key == prev_key &&
			   y.id < prev_id)))
			return refuse(fault, "table: not in the kernel's sort order",
				      i * es, HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
		prev_key = y.key;
		prev_id = y.id;
		sum_a += ent_mix(&y);
	}
	for (i = 0; i < n; i++) {
		tbl_decode(t, exp, i, 1, &x);
		sum_e += ent_mix(&x);
		found = 0;
		if (x.wild) {
			if (n > TBL_MAX_REKEYED)
				return refuse(fault, "table: too many re-keyed entries",
					      i * es, HEKI_VSM_ERR_REWRITE_TABLE_ENTRY);
			for (j = 0; j < n && !found; j++) {
				tbl_decode(t, act, j, 0, &y);
				found = ent_match(&x, &y, t->ctx);
			}
		} else {
			lo = 0;
			hi = n;
			while (lo < hi) {
				mid = lo + (hi - lo) / 2;
				tbl_decode(t, act, mid, 0, &y);
				if (y.key < x.key)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (j = lo; j < n && !found; j++) {
				tbl_decode(t, act, j, 0, &y);
				if (y.key != x.key)
					break;
				found = ent_match(&x, &y, t->ctx);
			}
		}
		if (!found)
			return refuse(fault, "table: relocated entry missing or changed",
				      i * es, HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	}
	if (sum_a != sum_e)
		return refuse(fault, "table: entries duplicated or dropped", 0,
			      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	return 0;
}

/* .orc_unwind alone: the same 6-byte entries in any order (hash). */
static int heki_rw_check_orc(const struct heki_rw_site *site,
			     const __u8 *exp, const __u8 *act,
			     struct heki_rw_fault *fault)
{
	__u64 i, se = 0, sa = 0, ve, va;

	for (i = 0; i + 6 <= site->len; i += 6) {
		ve = (get_u48(exp + i) + 1) * 0x9e3779b97f4a7c15ULL;
		va = (get_u48(act + i) + 1) * 0x9e3779b97f4a7c15ULL;
		se += ve ^ (ve >> 29);
		sa += va ^ (va >> 29);
	}
	if (se != sa)
		return refuse(fault, "table: ORC entries changed", 0,
			      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	return 0;
}

/*
 * A table the kernel sorts in place. Unchanged is always accepted. An
 * absolute 8-byte table (__mcount_loc, ftrace_process_locs()) may be
 * sorted ascending with every expected entry present (binary search) and
 * the same entry hash; self-relative tables follow the models above.
 */
static int heki_rw_check_table(const struct heki_rw_ctx *ctx,
			       const struct heki_rw_site *site,
			       const __u8 *expected, const __u8 *actual,
			       struct heki_rw_fault *fault)
{
	__u64 n, i, lo, hi, mid, v, sum_e = 0, sum_a = 0, prev = 0, end;
	__u64 d = first_diff(expected, actual, site->len);
	struct rw_tbl t = { ctx, site, NULL, NULL };
	__u32 m = site->repl_mem;

	/* An ip table with its ORC pair is unchanged only if both are. */
	if (d == site->len && !(site->aux == TBL_ORC_IP && site->repl_len &&
				!(site->flags & HEKI_RW_SITE_ABS_TABLE)))
		return 0;
	if (!site->aux || site->len % site->aux)
		return refuse(fault, "table: size not a multiple of the entry size",
			      0, HEKI_VSM_ERR_REWRITE_TABLE_ENTRY);
	if (!(site->flags & HEKI_RW_SITE_ABS_TABLE)) {
		if (site->aux == TBL_ORC)
			return heki_rw_check_orc(site, expected, actual, fault);
		if (site->aux != TBL_EX && site->aux != TBL_ORC_IP &&
		    site->aux != TBL_JUMP && site->aux != TBL_SCALL)
			return refuse(fault, "table: no model for this entry size",
				      d, HEKI_VSM_ERR_REWRITE_TABLE_UNSUPPORTED);
		if (site->aux == TBL_ORC_IP && site->repl_len) {
			if (m >= HEKI_MODLAYOUT_NR_MEM || !ctx->expected[m] ||
			    !ctx->actual[m] ||
			    site->repl_len != site->len / 4 * 6 ||
			    __builtin_add_overflow(site->repl_offset,
						   site->repl_len, &end) ||
			    end > ctx->mem_size[m])
				return refuse(fault, "table: ORC pair outside module memory",
					      0, HEKI_VSM_ERR_REWRITE_TABLE_ENTRY);
			t.pair_e = ctx->expected[m] + site->repl_offset;
			t.pair_a = ctx->actual[m] + site->repl_offset;
		}
		return heki_rw_check_reltable(&t, expected, actual, fault);
	}
	if (site->aux != 8)
		return refuse(fault, "table: absolute table entry size not 8", 0,
			      HEKI_VSM_ERR_REWRITE_TABLE_ENTRY);
	n = site->len / 8;
	for (i = 0; i < n; i++) {
		v = heki_le64(actual + 8 * i);
		if (i && v < prev)
			return refuse(fault, "table: not sorted", 8 * i,
				      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
		prev = v;
		sum_a += v * 0x9e3779b97f4a7c15ULL + (v >> 29);
	}
	for (i = 0; i < n; i++) {
		v = heki_le64(expected + 8 * i);
		sum_e += v * 0x9e3779b97f4a7c15ULL + (v >> 29);
		lo = 0;
		hi = n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (heki_le64(actual + 8 * mid) < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == n || heki_le64(actual + 8 * lo) != v)
			return refuse(fault, "table: entry missing", 8 * i,
				      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	}
	if (sum_a != sum_e)
		return refuse(fault, "table: entries duplicated", 0,
			      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	return 0;
}

/* ---- entry point -------------------------------------------------------- */

/**
 * heki_rw_check() - may a rewrite site hold these bytes?
 * @ctx: module and kernel facts
 * @site: the site
 * @expected: @site->len relocated ELF bytes
 * @actual: @site->len bytes of VTL0's memory
 * @fault: set on refusal (rule and offending byte inside the site)
 *
 * Return: 0 if @actual is a form the site's rewrite can produce on
 * Debian's Linux 6.1 x86-64, else -HEKI_VSM_ERR_REWRITE_*.
 */
int heki_rw_check(const struct heki_rw_ctx *ctx,
		  const struct heki_rw_site *site, const __u8 *expected,
		  const __u8 *actual, struct heki_rw_fault *fault)
{
	if (!site->len || (site->kind != HEKI_RW_SORTED_TABLE &&
			   site->len > HEKI_RW_MAX_SITE_LEN))
		return refuse(fault, "site: length 0 or above HEKI_RW_MAX_SITE_LEN",
			      0, HEKI_VSM_ERR_REWRITE_SITE_LENGTH);
	/*
	 * 6.12 with call depth tracking (retbleed=stuff): patch_retpoline()
	 * calls __x86_indirect_call_thunk_*, callthunks_patch_module_calls()
	 * moves every .call_sites call and alternative call into the
	 * callee's padding; not modelled.
	 */
	if (k64(ctx) && cpu_has(ctx, HEKI_X86_FEATURE_CALL_DEPTH_612))
		return refuse(fault, "call depth tracking: calls rewritten to thunks VTL1 does not model",
			      0, HEKI_VSM_ERR_REWRITE_CALL_DEPTH);
	switch (site->kind) {
	case HEKI_RW_MCOUNT:
		return rule_mcount(ctx, site, expected, actual, fault);
	case HEKI_RW_ALTERNATIVE:
		return rule_alternative(ctx, site, expected, actual, fault);
	case HEKI_RW_RETPOLINE:
		return rule_retpoline(ctx, site, expected, actual, fault);
	case HEKI_RW_RETURN:
		return rule_return(ctx, site, expected, actual, fault);
	case HEKI_RW_STATIC_CALL:
		return rule_static_call(ctx, site, expected, actual, fault);
	case HEKI_RW_JUMP_LABEL:
		return rule_jump_label(site, expected, actual, fault);
	case HEKI_RW_PARAVIRT:
		return rule_paravirt(ctx, site, expected, actual, fault);
	case HEKI_RW_SMP_LOCK:
		return rule_smp_lock(ctx, site, expected, actual, fault);
	case HEKI_RW_ENDBR_SEAL:
		if (k64(ctx))
			return rule_endbr_seal(site, expected, actual, fault);
		/* X86_KERNEL_IBT is off: apply_ibt_endbr() does nothing. */
		return refuse(fault, "ibt endbr seal: no IBT on this kernel", 0,
			      HEKI_VSM_ERR_REWRITE_ENDBR_SEAL);
	case HEKI_RW_SORTED_TABLE:
		return heki_rw_check_table(ctx, site, expected, actual, fault);
	default:
		return refuse(fault, "site: unknown kind", 0,
			      HEKI_VSM_ERR_REWRITE_KIND_UNKNOWN);
	}
}

/**
 * heki_rw_match_nops() - compare bytes optimize_nops() may have rewritten
 * @expected: relocated ELF bytes
 * @actual: memory bytes
 * @len: bytes to compare
 *
 * Return: the number of leading bytes that match (@len if all do).
 */
__u64 heki_rw_match_nops(const __u8 *expected, const __u8 *actual, __u64 len)
{
	return match_nop_runs(0, expected, actual, len, len);
}

/**
 * heki_rw_match_nops_kernel() - heki_rw_match_nops() for one kernel
 * @kernel: enum heki_modlayout_kernel (heki_rw_ctx.kernel)
 * @expected: relocated ELF bytes
 * @actual: memory bytes
 * @len: bytes to compare
 *
 * Return: the number of leading bytes that match (@len if all do); 6.4+
 * runs hold 6.12's add_nop() (up to 11-byte NOPs, then jmp8 + int3).
 */
__u64 heki_rw_match_nops_kernel(__u32 kernel, const __u8 *expected,
				const __u8 *actual, __u64 len)
{
	return match_nop_runs(kernel == HEKI_MODLAYOUT_LINUX_6_4, expected,
			      actual, len, len);
}

static const char * const kind_names[HEKI_RW_NR_KINDS] = {
	[HEKI_RW_MCOUNT] = "mcount",
	[HEKI_RW_ALTERNATIVE] = "alternative",
	[HEKI_RW_RETPOLINE] = "retpoline",
	[HEKI_RW_RETURN] = "return",
	[HEKI_RW_STATIC_CALL] = "static call",
	[HEKI_RW_JUMP_LABEL] = "jump label",
	[HEKI_RW_PARAVIRT] = "paravirt",
	[HEKI_RW_SMP_LOCK] = "smp lock",
	[HEKI_RW_ENDBR_SEAL] = "ibt endbr seal",
	[HEKI_RW_SORTED_TABLE] = "sorted table",
};

/**
 * heki_rw_kind_name() - printable name of a rewrite kind
 * @kind: enum heki_rw_kind
 *
 * Return: the name, or "?" for an unknown value.
 */
const char *heki_rw_kind_name(__u32 kind)
{
	return kind < HEKI_RW_NR_KINDS ? kind_names[kind] : "?";
}

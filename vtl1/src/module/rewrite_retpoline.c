// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_retpoline.c - retpolines: .retpoline_sites (call/jmp/Jcc to an
 * indirect thunk and the forms patch_retpoline() writes).
 */
#include "rewrite_rules.h"

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

int heki_rw_rule_retpoline(const struct heki_rw_ctx *ctx,
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

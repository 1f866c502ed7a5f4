// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_alternative.c - alternatives: .altinstructions (original,
 * replacement with NOP runs, 6.4+ direct calls); heki_rw_alt_pinned(),
 * heki_rw_alt_final().
 */
#include "rewrite_rules.h"

/*
 * Compare @actual with @form where every maximal run of two or more 0x90
 * bytes in @form may instead hold rw_add_nops() of the run's length
 * (optimize_nops()); a run from @pad on (the padding after an applied
 * replacement) may also be optimised from @pad only. Returns the length
 * of the matching prefix (@len if all match).
 */
__u64 heki_rw_match_nop_runs(int v64, const __u8 *form, const __u8 *actual,
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
	d1 = heki_rw_match_nop_runs(k64(ctx), form, actual, site->len, pad);
	if (d1 == site->len || !repl || !ctx->actual[site->repl_mem])
		return d1;
	ra = ctx->actual[site->repl_mem] + site->repl_offset;
	if (!memcmp(repl, ra, site->repl_len))
		return d1;
	pad = alt_apply(ctx, form, site, ra);
	d2 = heki_rw_match_nop_runs(k64(ctx), form, actual, site->len, pad);
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
	orig = heki_rw_match_nop_runs(k64(ctx), expected, actual, site->len, site->len);
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

/*
 * 6.4+ ALT_FLAG_DIRECT_CALL (6.12 alt_replace_call(), paravirt calls since
 * PVOP_ALT went away): the original is "ff 15 disp32" (call *pv_ops[i]),
 * the replacement "e8" to BUG_func. Applied, the call goes to the slot's
 * function (BUG_func if NULL): dest = replacement's dest + target -
 * BUG_func, then a 0x90 pad (the last NOP, left by optimize_nops());
 * nop_func gives add_nop(6). Without ctx->pv_ops: a call to a kernel
 * function entry (REWRITE_TARGET_NOT_FUNCTION for any other address) or
 * the six NOP bytes.
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
	if (actual[0] == OP_CALL && actual[5] == OP_NOP1 &&
	    !heki_rw_func_entry(ctx, dest))
		return refuse(fault, "alternative direct call: call to an address no symbol names as a function entry",
			      1, HEKI_VSM_ERR_REWRITE_TARGET_NOT_FUNCTION);
	ok = actual[0] == OP_CALL && actual[5] == OP_NOP1 &&
	     heki_rw_kernel_text(ctx, dest);
	return ok ? 0 :
	       refuse(fault, "alternative direct call: neither a call to a kernel function nor add_nop(6)",
		      actual[0] != OP_CALL ? 0 : 1,
		      HEKI_VSM_ERR_REWRITE_ALT_DIRECT_CALL);
}

int heki_rw_rule_alternative(const struct heki_rw_ctx *ctx,
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
	d1 = heki_rw_match_nop_runs(k64(ctx), expected, actual, site->len, site->len);
	if (d1 == site->len)
		return 0;
	pad = alt_apply(ctx, form, site, repl ? repl : expected);
	d2 = heki_rw_match_nop_runs(k64(ctx), form, actual, site->len, pad);
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
		d2 = heki_rw_match_nop_runs(k64(ctx), form, actual, site->len, pad);
		if (d2 == site->len)
			return 0;
		d1 = d1 > d2 ? d1 : d2;
	}
	return refuse(fault, "alternative: neither original nor relocated replacement (with NOPs)",
		      d1, HEKI_VSM_ERR_REWRITE_ALT_FORBIDDEN);
}

/* ---- ibt endbr seal: .ibt_endbr_seal (6.4+) ----------------------------- */

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_static_call.c - static calls: .static_call_sites (call/jmp to
 * the trampoline or the key's function, NULL forms, and from 7.x the
 * WARN_trap key's ud1).
 */
#include "rewrite_rules.h"

/* Inside the kernel's text [_stext, _etext)? */
int heki_rw_kernel_text(const struct heki_rw_ctx *ctx, __u64 dest)
{
	__u64 lo, hi;

	return ksym(ctx, HEKI_RW_KSYM_KTEXT_START, &lo) &&
	       ksym(ctx, HEKI_RW_KSYM_KTEXT_END, &hi) && lo < hi &&
	       dest >= lo && dest < hi;
}

/**
 * heki_rw_func_entry() - is an address a function entry VTL1 knows?
 * @ctx: module and kernel facts
 * @va: the address
 *
 * Branch targets (static calls, paravirt and direct calls) must start a
 * function an authenticated source names: this module's verified ELF
 * (ctx->funcs), or the kernel and other validated modules
 * (ctx->func_entry). Never an arbitrary byte of text.
 *
 * Return: 1 if it is, else 0.
 */
int heki_rw_func_entry(const struct heki_rw_ctx *ctx, __u64 va)
{
	if (ctx->funcs && vtl1_sorted_has(ctx->funcs, ctx->nfuncs, va))
		return 1;
	return ctx->func_entry &&
	       ctx->func_entry(ctx->func_entry_arg, va) == 1;
}

/*
 * A call of the WARN_trap key: the signed ELF calls the kernel's exported
 * __SCT__WARN_trap trampoline. __static_call_transform() writes such a
 * call, whose function is __WARN_trap, as heki_rw_warninsn, a ud1 that
 * handle_bug() reports as a WARN and steps over; it reaches no code.
 */
static int warn_trap_site(const struct heki_rw_ctx *ctx,
			  const struct heki_rw_site *site, const __u8 *expected)
{
	__u64 tramp;

	return ksym(ctx, HEKI_RW_KSYM_SCT_WARN_TRAP, &tramp) &&
	       expected[0] == OP_CALL &&
	       rel32_dest(site->va + 5, expected + 1) == tramp;
}

int heki_rw_rule_static_call(const struct heki_rw_ctx *ctx,
			     const struct heki_rw_site *site,
			     const __u8 *expected, const __u8 *actual,
			     struct heki_rw_fault *fault)
{
	int tail = !!(site->flags & HEKI_RW_SITE_TAIL), jcc, ok,
	    no_entry = 0;
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
	/*
	 * A call or jmp (Jcc: same condition) to the key's function: any
	 * function entry of this module, the kernel or a validated module.
	 */
	if (actual[off] == (jcc ? expected[1] : expected[0]) &&
	    (!jcc || actual[0] == 0x0f)) {
		dest = rel32_dest(site->va + t.len, actual + off + 1);
		ok = heki_rw_func_entry(ctx, dest);
		no_entry = !ok;
		/* CALL __static_call_return0 is written as heki_rw_xor5rax. */
		if (ok && !tail && r0 && dest == r0)
			ok = 0;
		if (ok)
			goto rest;
		t.best = off + 1;
	}
	if (!tail) {
		if (try_form(&t, heki_rw_nops[5]) ||
		    (r0 && try_form(&t, heki_rw_xor5rax)) ||
		    (warn_trap_site(ctx, site, expected) &&
		     try_form(&t, heki_rw_warninsn)))
			goto rest;
	} else if (!jcc) {
		if (heki_rw_try_return_forms(ctx, &t, site->va))
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
		for (i = 0; i < ARRAY_SIZE(heki_rw_return_thunks); i++) {
			if (!ksym(ctx, heki_rw_return_thunks[i], &thunk))
				continue;
			gen_rel32(form + 1, expected[1], site->va + 1, thunk);
			if (try_form(&t, form))
				goto rest;
		}
	}
refused:
	if (no_entry)
		return refuse(fault, "static call: branch to an address no symbol names as a function entry",
			      t.best, HEKI_VSM_ERR_REWRITE_TARGET_NOT_FUNCTION);
	return refuse(fault, "static call: no form __static_call_transform writes",
		      t.best, HEKI_VSM_ERR_REWRITE_STATIC_CALL_FORBIDDEN);
rest:
	return check_rest(site, expected, actual, t.len,
			  "static call: bytes after the instruction changed",
			  HEKI_VSM_ERR_REWRITE_STATIC_CALL_FORBIDDEN, fault);
}

__u32 heki_rw_static_call_forms(const struct heki_rw_ctx *ctx, __u64 va,
				int tail,
				__u8 form[HEKI_RW_STATIC_CALL_MAX_FORMS][5],
				__u64 *no_call)
{
	__u64 r0 = 0, thunk;
	__u32 n = 0, i;

	*no_call = 0;
	if (!tail) {
		memcpy(form[n++], heki_rw_nops[5], 5);
		if (ksym(ctx, HEKI_RW_KSYM_STATIC_CALL_RETURN0, &r0)) {
			memcpy(form[n++], heki_rw_xor5rax, 5);
			*no_call = r0;
		}
		return n;
	}
	if (ctx->return_thunk) {
		/* cpu_wants_rethunk_at(), as try_return_exact() */
		if ((ctx->return_flags & HEKI_KERNEL_INFO_EXT_RETHUNK) &&
		    !((ctx->return_flags & HEKI_KERNEL_INFO_EXT_ITS_THUNK) &&
		      (va & 0x20)))
			gen_rel32(form[n++], OP_JMP32, va, ctx->return_thunk);
		else
			memcpy(form[n++], heki_rw_ret_int3, 5);
		return n;
	}
	memcpy(form[n++], heki_rw_ret_int3, 5);
	for (i = 0; i < ARRAY_SIZE(heki_rw_return_thunks) &&
		    n < HEKI_RW_STATIC_CALL_MAX_FORMS; i++) {
		if (!ksym(ctx, heki_rw_return_thunks[i], &thunk))
			continue;
		if (heki_rw_return_thunks[i] == HEKI_RW_KSYM_ITS_RETURN_THUNK &&
		    (va & 0x20))
			continue;
		gen_rel32(form[n++], OP_JMP32, va, thunk);
	}
	return n;
}

/* ---- paravirt: .parainstructions ---------------------------------------- */

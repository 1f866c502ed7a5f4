// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_mcount.c - ftrace: __mcount_loc sites (call __fentry__, nop5,
 * or an allowed ftrace call).
 */
#include "rewrite_rules.h"

int heki_rw_rule_mcount(const struct heki_rw_ctx *ctx,
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
	if (try_form(&t, form) || try_form(&t, heki_rw_nops[5]))
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

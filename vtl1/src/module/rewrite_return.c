// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_return.c - return thunks: .return_sites (jmp to the return
 * thunk in use, or ret; int3 x4).
 */
#include "rewrite_rules.h"

const __u32 heki_rw_return_thunks[] = {
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
	return try_form(t, heki_rw_ret_int3);
}

/*
 * "jmp <any return thunk cpu/bugs.c may select>" or "ret; int3 x4"; only
 * the kernel's own form when the thunk in use is known.
 */
int heki_rw_try_return_forms(const struct heki_rw_ctx *ctx, struct rw_try *t,
			     __u64 va)
{
	__u8 form[5];
	__u64 thunk;
	__u32 i;

	if (ctx->return_thunk)
		return try_return_exact(ctx, t, va);
	if (try_form(t, heki_rw_ret_int3))
		return 1;
	for (i = 0; i < ARRAY_SIZE(heki_rw_return_thunks); i++) {
		if (!ksym(ctx, heki_rw_return_thunks[i], &thunk))
			continue;
		/* cpu_wants_rethunk_at(): ITS only in a line's lower half. */
		if (heki_rw_return_thunks[i] == HEKI_RW_KSYM_ITS_RETURN_THUNK &&
		    (va & 0x20))
			continue;
		gen_rel32(form, OP_JMP32, va, thunk);
		if (try_form(t, form))
			return 1;
	}
	return 0;
}

int heki_rw_rule_return(const struct heki_rw_ctx *ctx,
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
	if (!heki_rw_try_return_forms(ctx, &t, site->va))
		return refuse(fault, "return: not jmp to a return thunk nor ret; int3",
			      t.best, HEKI_VSM_ERR_REWRITE_RETURN_FORBIDDEN);
	return check_rest(site, expected, actual, 5,
			  "return: bytes after the jmp changed",
			  HEKI_VSM_ERR_REWRITE_RETURN_FORBIDDEN, fault);
}

/* ---- retpolines: .retpoline_sites --------------------------------------- */

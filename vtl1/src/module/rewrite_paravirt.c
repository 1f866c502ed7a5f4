// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_paravirt.c - paravirt: .parainstructions (indirect call through
 * pv_ops or what the slot patches in).
 */
#include "rewrite_rules.h"

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
 * info extension) a call to a kernel function entry (exports, kallsyms;
 * REWRITE_TARGET_NOT_FUNCTION for any other address) or all NOPs is
 * accepted; with them only the slot's value (or paravirt_BUG for NULL,
 * NOPs for _paravirt_nop), and a type beyond them is refused.
 */
int heki_rw_rule_paravirt(const struct heki_rw_ctx *ctx,
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
	if (known) {
		ok = (!nop || fn != nop) && (fn ? dest == fn : bug && dest == bug);
	} else if (!heki_rw_func_entry(ctx, dest)) {
		return refuse(fault, "paravirt: call to an address no symbol names as a function entry",
			      1, HEKI_VSM_ERR_REWRITE_TARGET_NOT_FUNCTION);
	} else {
		ok = heki_rw_kernel_text(ctx, dest);
	}
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

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_smp_lock.c - SMP lock prefixes: .smp_locks (lock prefix or DS
 * prefix on UP).
 */
#include "rewrite_rules.h"

int heki_rw_rule_smp_lock(const struct heki_rw_ctx *ctx,
			  const struct heki_rw_site *site, const __u8 *expected,
			  const __u8 *actual, struct heki_rw_fault *fault)
{
	/*
	 * The kernel turns f0 into 3e (UP) and back, and leaves any other
	 * byte alone: 6.12.118's kvm has an entry on the 66 prefix of a
	 * 16-bit lock cmpxchg. Such a site must hold the ELF's bytes.
	 */
	if (expected[0] != OP_LOCK)
		return check_rest(site, expected, actual, 0,
				  "smp lock: ELF byte is not lock (f0) and changed",
				  HEKI_VSM_ERR_REWRITE_SMP_LOCK_ORIGINAL, fault);
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

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_jump_label.c - jump labels: __jump_table (NOP2/NOP5 or jmp to
 * the target).
 */
#include "rewrite_rules.h"

int heki_rw_rule_jump_label(const struct heki_rw_site *site,
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
	if (memcmp(expected, heki_rw_nops[n], n) &&
	    (!jmp[0] || memcmp(expected, jmp, n)))
		return refuse(fault, "jump label: ELF code is not nop or jmp to the target",
			      0, HEKI_VSM_ERR_REWRITE_JUMP_LABEL_ORIGINAL);
	t.len = n;
	if (!try_form(&t, heki_rw_nops[n]) && !(jmp[0] && try_form(&t, jmp)))
		return refuse(fault, "jump label: not the nop nor the jmp to the target",
			      t.best, HEKI_VSM_ERR_REWRITE_JUMP_LABEL_FORBIDDEN);
	return check_rest(site, expected, actual, n,
			  "jump label: bytes after the instruction changed",
			  HEKI_VSM_ERR_REWRITE_JUMP_LABEL_FORBIDDEN, fault);
}

/* ---- static calls: .static_call_sites ----------------------------------- */

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_jump_label.c - jump labels: __jump_table (NOP2/NOP5 or jmp to
 * the target).
 */
#include "rewrite_rules.h"

/**
 * heki_rw_jump_label_forms() - the encodings a jump label site may hold
 * @va: VA of the site's first byte
 * @target: the __jump_table entry's target
 * @n: the site's size: 2 or 5 (arch_jump_entry_size())
 * @form: receives the NOP of size @n in form[0] and, when a jmp of size
 *	@n reaches @target, that jmp in form[1]
 *
 * __jump_label_patch() writes x86_nops[n] or text_gen_insn(JMP8 / JMP32,
 * code, target); a jmp8 that does not reach is never written (the kernel
 * would BUG).
 *
 * Return: the number of forms (1 or 2), 0 if @n is neither 2 nor 5.
 */
__u32 heki_rw_jump_label_forms(__u64 va, __u64 target, __u64 n,
			       __u8 form[2][5])
{
	__s64 d;

	if (n != 2 && n != 5)
		return 0;
	memcpy(form[0], heki_rw_nops[n], n);
	if (n == 5) {
		gen_rel32(form[1], OP_JMP32, va, target);
		return 2;
	}
	d = (__s64)(target - (va + 2));
	if (d < -128 || d > 127)
		return 1;
	form[1][0] = OP_JMP8;
	form[1][1] = (__u8)d;
	return 2;
}

int heki_rw_rule_jump_label(const struct heki_rw_site *site,
			    const __u8 *expected, const __u8 *actual,
			    struct heki_rw_fault *fault)
{
	struct rw_try t = { actual, 0, 0 };
	__u8 form[2][5];
	__u32 nforms, f;
	__u64 n;

	/* arch_jump_entry_size(): the size of the instruction there. */
	n = expected[0] == 0x66 || expected[0] == OP_JMP8 ? 2 : 5;
	if (site->len < n)
		return refuse(fault, "jump label: site shorter than its instruction",
			      site->len, HEKI_VSM_ERR_REWRITE_SITE_LENGTH);
	nforms = heki_rw_jump_label_forms(site->va, site->target_va, n, form);
	for (f = 0; f < nforms && memcmp(expected, form[f], n); f++)
		;
	if (f == nforms)
		return refuse(fault, "jump label: ELF code is not nop or jmp to the target",
			      0, HEKI_VSM_ERR_REWRITE_JUMP_LABEL_ORIGINAL);
	t.len = n;
	for (f = 0; f < nforms && !try_form(&t, form[f]); f++)
		;
	if (f == nforms)
		return refuse(fault, "jump label: not the nop nor the jmp to the target",
			      t.best, HEKI_VSM_ERR_REWRITE_JUMP_LABEL_FORBIDDEN);
	return check_rest(site, expected, actual, n,
			  "jump label: bytes after the instruction changed",
			  HEKI_VSM_ERR_REWRITE_JUMP_LABEL_FORBIDDEN, fault);
}

/* ---- static calls: .static_call_sites ----------------------------------- */

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_endbr.c - IBT endbr seal: .ibt_endbr_seal (6.4+).
 */
#include "rewrite_rules.h"

/*
 * Debian's 6.12 and 7.x are built with X86_KERNEL_IBT: module_finalize()
 * calls apply_seal_endbr() whatever the CPU, and poison_endbr() writes
 * gen_endbr_poison() over every entry that is_endbr() accepts: ENDBR64,
 * ENDBR32 or the poison itself (rewritten with itself); anything else is
 * left alone with a WARN. FINEIBT is off (gcc), so poison_cfi() is not
 * compiled. The poison is one constant per kernel:
 *   6.4 .. 6.17  66 0f 1f 00   osp nopl (%rax)
 *   6.18 and on  0f 1f 40 d6   nopl -42(%rax), its last byte UDB (the
 *                "x86,ibt: Use UDB instead of 0xEA" change; Debian's
 *                7.2.13 headers, arch/x86/include/asm/ibt.h)
 * and the other kernel's poison is no ENDBR to is_endbr(): left alone.
 */
static const __u8 endbr_poison_6_4[4] = { 0x66, 0x0f, 0x1f, 0x00 };
static const __u8 endbr_poison_6_18[4] = { 0x0f, 0x1f, 0x40, 0xd6 };

int heki_rw_rule_endbr_seal(const struct heki_rw_ctx *ctx,
			    const struct heki_rw_site *site,
			    const __u8 *expected, const __u8 *actual,
			    struct heki_rw_fault *fault)
{
	const __u8 *poison = ctx->kernel >= HEKI_MODLAYOUT_LINUX_6_18 ?
			     endbr_poison_6_18 : endbr_poison_6_4;
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
	return refuse(fault, poison == endbr_poison_6_18 ?
			     "ibt endbr seal: not the 6.18+ ENDBR poison 0f 1f 40 d6" :
			     "ibt endbr seal: not the ENDBR poison 66 0f 1f 00",
		      d, HEKI_VSM_ERR_REWRITE_ENDBR_SEAL);
}

/* ---- jump labels: __jump_table ------------------------------------------ */

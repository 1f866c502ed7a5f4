// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite.c - the rewrite-site rules' entry point: what each load-time
 * rewrite of Linux 6.1 / 6.4+ x86-64 may leave at one site of a module
 * (linux-6.1-module-load.md §2 and §6). One file per rewrite kind
 * (rewrite_<kind>.c, shared helpers in rewrite_rules.h); this file picks
 * the rule, holds the kernel's NOP table, and gives the rules what the
 * kernel info extension knows (heki_rw_apply_kinfo()).
 *
 * Every rule gets the site's relocated ELF bytes ("expected") and what
 * VTL0's memory holds there ("actual"), both VTL1-private. It first checks
 * that the ELF bytes are the instruction the rewrite starts from (else the
 * site table lied: *_ORIGINAL), then builds each form the kernel's rewrite
 * can write there and accepts only an exact match (else *_FORBIDDEN). A
 * rule covers the bytes of the instruction it rewrites; bytes of a longer
 * site beyond that instruction must be equal. The fault names the rule and
 * the first byte that differs from the closest form.
 *
 * No recursion, no allocation, one bounded buffer per call; all address
 * arithmetic is modulo 2^64 as in the kernel's rel32 encoding.
 */
#include "kdata/kdata.h"
#include "rewrite_rules.h"

/*
 * arch/x86/include/asm/nops.h, 64-bit: x86_nops[len]. 6.1 has lengths
 * 1..8 (NOP_MAX), 6.12 the same eight plus 9..11 (NOP612_MAX).
 */
const __u8 heki_rw_nops[NOP612_MAX + 1][NOP612_MAX] = {
	{ 0 },
	{ 0x90 },
	{ 0x66, 0x90 },
	{ 0x0f, 0x1f, 0x00 },
	{ 0x0f, 0x1f, 0x40, 0x00 },
	{ 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

const __u8 heki_rw_ret_int3[5] = { OP_RET, OP_INT3, OP_INT3, OP_INT3, OP_INT3 };
const __u8 heki_rw_xor5rax[5] = { OP_CS, OP_CS, OP_CS, 0x31, 0xc0 };
/* ud1 (%edx),%rdi: the call of the WARN_trap static call (7.x). */
const __u8 heki_rw_warninsn[5] = { 0x67, 0x48, 0x0f, 0xb9, 0x3a };

static void set_ksym(struct heki_rw_ctx *ctx, __u32 idx, __u64 va)
{
	ctx->ksym[idx] = va;
	ctx->ksym_known |= 1ULL << idx;
}

/* Every HEKI_RW_KSYM_LIST name through @resolve (rewrite.h). */
void heki_rw_resolve_ksyms(struct heki_rw_ctx *ctx, heki_rw_lookup_fn resolve,
			   void *arg)
{
#define HEKI_RW_KSYM_NAME_(idx, name) name,
	static const char *const names[HEKI_RW_KSYM_NR] = {
		HEKI_RW_KSYM_LIST(HEKI_RW_KSYM_NAME_)
	};
#undef HEKI_RW_KSYM_NAME_
	__u32 i;

	for (i = 0; i < HEKI_RW_KSYM_NR; i++)
		if (resolve && !resolve(arg, names[i], &ctx->ksym[i]))
			ctx->ksym_known |= 1ULL << i;
		else
			ctx->ksym[i] = 0;
}

/**
 * heki_rw_apply_kinfo() - give the rewrite rules what the extension knows
 * @x: the extension, NULL if VTL0 sent none (@ctx unchanged)
 * @ctx: a filled rule context
 *
 * Kernel text becomes exactly [_stext, _etext); _paravirt_nop,
 * paravirt_BUG and pv_ops are known by address and pv_ops by value; the
 * return rules learn the one thunk in use (heki_rw_ctx.return_thunk); with
 * CPU capability words, alternatives and retpolines are pinned to the form
 * this CPU gets (heki_rw_ctx.capwords).
 */
void heki_rw_apply_kinfo(const struct heki_kinfo_ext *x,
			 struct heki_rw_ctx *ctx)
{
	if (!x)
		return;
	set_ksym(ctx, HEKI_RW_KSYM_KTEXT_START, x->text_start);
	set_ksym(ctx, HEKI_RW_KSYM_KTEXT_END, x->text_end);
	if (x->pv_nop_func)
		set_ksym(ctx, HEKI_RW_KSYM_PARAVIRT_NOP, x->pv_nop_func);
	if (x->pv_bug_func)
		set_ksym(ctx, HEKI_RW_KSYM_PARAVIRT_BUG, x->pv_bug_func);
	if (x->pv_ops_count) {
		set_ksym(ctx, HEKI_RW_KSYM_PV_OPS, x->pv_ops_va);
		ctx->pv_ops = x->pv_ops;
		ctx->pv_ops_count = x->pv_ops_count;
	}
	ctx->return_thunk = x->return_thunk;
	ctx->return_flags = x->flags;
	if (x->ncapwords) {
		ctx->capwords = x->capwords;
		ctx->ncapwords = x->ncapwords;
	}
}

/**
 * heki_rw_check() - may a rewrite site hold these bytes?
 * @ctx: module and kernel facts
 * @site: the site
 * @expected: @site->len relocated ELF bytes
 * @actual: @site->len bytes of VTL0's memory
 * @fault: set on refusal (rule and offending byte inside the site)
 *
 * Return: 0 if @actual is a form the site's rewrite can produce on
 * Debian's Linux 6.1 x86-64, else -HEKI_VSM_ERR_REWRITE_*.
 */
int heki_rw_check(const struct heki_rw_ctx *ctx,
		  const struct heki_rw_site *site, const __u8 *expected,
		  const __u8 *actual, struct heki_rw_fault *fault)
{
	if (!site->len || (site->kind != HEKI_RW_SORTED_TABLE &&
			   site->len > HEKI_RW_MAX_SITE_LEN))
		return refuse(fault, "site: length 0 or above HEKI_RW_MAX_SITE_LEN",
			      0, HEKI_VSM_ERR_REWRITE_SITE_LENGTH);
	/*
	 * 6.12 with call depth tracking (retbleed=stuff): patch_retpoline()
	 * calls __x86_indirect_call_thunk_*, callthunks_patch_module_calls()
	 * moves every .call_sites call and alternative call into the
	 * callee's padding; not modelled.
	 */
	if (k64(ctx) && cpu_has(ctx, HEKI_X86_FEATURE_CALL_DEPTH_612))
		return refuse(fault, "call depth tracking: calls rewritten to thunks VTL1 does not model",
			      0, HEKI_VSM_ERR_REWRITE_CALL_DEPTH);
	switch (site->kind) {
	case HEKI_RW_MCOUNT:
		return heki_rw_rule_mcount(ctx, site, expected, actual, fault);
	case HEKI_RW_ALTERNATIVE:
		return heki_rw_rule_alternative(ctx, site, expected, actual, fault);
	case HEKI_RW_RETPOLINE:
		return heki_rw_rule_retpoline(ctx, site, expected, actual, fault);
	case HEKI_RW_RETURN:
		return heki_rw_rule_return(ctx, site, expected, actual, fault);
	case HEKI_RW_STATIC_CALL:
		return heki_rw_rule_static_call(ctx, site, expected, actual, fault);
	case HEKI_RW_JUMP_LABEL:
		return heki_rw_rule_jump_label(site, expected, actual, fault);
	case HEKI_RW_PARAVIRT:
		return heki_rw_rule_paravirt(ctx, site, expected, actual, fault);
	case HEKI_RW_SMP_LOCK:
		return heki_rw_rule_smp_lock(ctx, site, expected, actual, fault);
	case HEKI_RW_ENDBR_SEAL:
		if (k64(ctx))
			return heki_rw_rule_endbr_seal(ctx, site, expected,
						       actual, fault);
		/* X86_KERNEL_IBT is off: apply_ibt_endbr() does nothing. */
		return refuse(fault, "ibt endbr seal: no IBT on this kernel", 0,
			      HEKI_VSM_ERR_REWRITE_ENDBR_SEAL);
	case HEKI_RW_SORTED_TABLE:
		return heki_rw_rule_table(ctx, site, expected, actual, fault);
	default:
		return refuse(fault, "site: unknown kind", 0,
			      HEKI_VSM_ERR_REWRITE_KIND_UNKNOWN);
	}
}

/**
 * heki_rw_match_nops() - compare bytes optimize_nops() may have rewritten
 * @expected: relocated ELF bytes
 * @actual: memory bytes
 * @len: bytes to compare
 *
 * Return: the number of leading bytes that match (@len if all do).
 */
__u64 heki_rw_match_nops(const __u8 *expected, const __u8 *actual, __u64 len)
{
	return heki_rw_match_nop_runs(0, expected, actual, len, len);
}

/**
 * heki_rw_match_nops_kernel() - heki_rw_match_nops() for one kernel
 * @kernel: enum heki_modlayout_kernel (heki_rw_ctx.kernel)
 * @expected: relocated ELF bytes
 * @actual: memory bytes
 * @len: bytes to compare
 *
 * Return: the number of leading bytes that match (@len if all do); 6.4+
 * runs hold 6.12's add_nop() (up to 11-byte NOPs, then jmp8 + int3).
 */
__u64 heki_rw_match_nops_kernel(__u32 kernel, const __u8 *expected,
				const __u8 *actual, __u64 len)
{
	return heki_rw_match_nop_runs(kernel >= HEKI_MODLAYOUT_LINUX_6_4, expected,
			      actual, len, len);
}

static const char * const kind_names[HEKI_RW_NR_KINDS] = {
	[HEKI_RW_MCOUNT] = "mcount",
	[HEKI_RW_ALTERNATIVE] = "alternative",
	[HEKI_RW_RETPOLINE] = "retpoline",
	[HEKI_RW_RETURN] = "return",
	[HEKI_RW_STATIC_CALL] = "static call",
	[HEKI_RW_JUMP_LABEL] = "jump label",
	[HEKI_RW_PARAVIRT] = "paravirt",
	[HEKI_RW_SMP_LOCK] = "smp lock",
	[HEKI_RW_ENDBR_SEAL] = "ibt endbr seal",
	[HEKI_RW_SORTED_TABLE] = "sorted table",
};

/**
 * heki_rw_kind_name() - printable name of a rewrite kind
 * @kind: enum heki_rw_kind
 *
 * Return: the name, or "?" for an unknown value.
 */
const char *heki_rw_kind_name(__u32 kind)
{
	return kind < HEKI_RW_NR_KINDS ? kind_names[kind] : "?";
}

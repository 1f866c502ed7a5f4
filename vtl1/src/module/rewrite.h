/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * rewrite.h - interface between the module comparison engine
 * (modverify.c) and the rewrite-site rules (rewrite.c, one
 * rewrite_<kind>.c per kind).
 *
 * The engine rebuilds, from the signed ELF, the bytes each compared module
 * memory type must hold after relocation ("expected"), and copies what VTL0
 * actually holds ("actual"). Every byte outside a rewrite site must be
 * equal. The kernel legitimately changes some bytes at load (ftrace NOPs,
 * alternatives, retpolines, return thunks, static calls, jump labels,
 * paravirt, SMP locks, sorted tables); the engine finds each such site from
 * the module's own relocated sections and hands it to heki_rw_check(),
 * which decides whether the bytes there are something that rewrite may
 * produce. The rules never see VTL0 memory directly: @expected and @actual
 * are VTL1-private copies that stay unchanged during the check.
 *
 * Overlapping sites (e.g. a retpoline site inside an alternative's
 * original instruction) form one cluster: the engine first offers the
 * cluster to every site that spans all of it (in practice alternatives);
 * if none accepts, the inner sites are checked one by one and every byte
 * of the cluster outside them must be equal. With the CPU's capability
 * words, a cluster spanned by an alternative this CPU applies is decided
 * by the last such entry alone (heki_rw_alt_final()).
 */
#ifndef _HEKI_VTL1_REWRITE_H
#define _HEKI_VTL1_REWRITE_H

#include <heki/abi.h>

#include "modlayout.h"

/**
 * enum heki_rw_kind - which load-time rewrite produced a site
 * @HEKI_RW_MCOUNT: __mcount_loc entry: 5-byte `call __fentry__`
 * @HEKI_RW_ALTERNATIVE: .altinstructions entry: original instruction
 *	(@len = instrlen); @repl_* name the replacement
 * @HEKI_RW_RETPOLINE: .retpoline_sites: call/jmp/Jcc to an indirect thunk
 * @HEKI_RW_RETURN: .return_sites: `jmp __x86_return_thunk`
 * @HEKI_RW_STATIC_CALL: .static_call_sites: call/jmp to a static call
 *	trampoline; @key_va names the key, @flags the site flags
 * @HEKI_RW_JUMP_LABEL: __jump_table: NOP2/NOP5 or jmp; @target_va is the
 *	jump target, @key_va the key, @flags the entry flags
 * @HEKI_RW_PARAVIRT: .parainstructions: indirect call through pv_ops;
 *	@aux is the pv_ops slot (type)
 * @HEKI_RW_SMP_LOCK: .smp_locks: one lock prefix byte
 * @HEKI_RW_ENDBR_SEAL: .ibt_endbr_seal: 4-byte endbr64
 * @HEKI_RW_SORTED_TABLE: a whole table section the kernel sorts in place
 *	(__ex_table, .orc_unwind_ip + .orc_unwind, __mcount_loc, __jump_table,
 *	.static_call_sites); @aux is the entry size, @repl_* name the paired
 *	array for ORC (.orc_unwind) when there is one
 * @HEKI_RW_NR_KINDS: number of kinds
 */
enum heki_rw_kind {
	HEKI_RW_MCOUNT = 0,
	HEKI_RW_ALTERNATIVE = 1,
	HEKI_RW_RETPOLINE = 2,
	HEKI_RW_RETURN = 3,
	HEKI_RW_STATIC_CALL = 4,
	HEKI_RW_JUMP_LABEL = 5,
	HEKI_RW_PARAVIRT = 6,
	HEKI_RW_SMP_LOCK = 7,
	HEKI_RW_ENDBR_SEAL = 8,
	HEKI_RW_SORTED_TABLE = 9,
	HEKI_RW_NR_KINDS = 10,
};

/* heki_rw_site.flags */
#define HEKI_RW_SITE_TAIL	0x1U	/* static call: tail call (jmp) */
#define HEKI_RW_SITE_INIT	0x2U	/* site lies in init memory */
#define HEKI_RW_SITE_BRANCH	0x4U	/* jump label: key's branch bit */
#define HEKI_RW_SITE_INNER	0x8U	/* site lies inside a larger site */
#define HEKI_RW_SITE_ABS_TABLE	0x10U	/* sorted table of absolute u64 (__mcount_loc) */
/*
 * The 8-byte word at offset 8 of a static_call_key (kind STATIC_CALL) or
 * static_key (kind JUMP_LABEL) the module defines in ro_after_init, which
 * the COMING notifiers point at their lists; checked by the engine itself,
 * never passed to heki_rw_check()
 */
#define HEKI_RW_SITE_KEY_WORD	0x20U

/**
 * struct heki_rw_site - one byte range the kernel may rewrite at load
 * @kind: enum heki_rw_kind
 * @mem: enum heki_modlayout_mem of the memory holding the site
 * @offset: byte offset of the site inside that memory
 * @len: bytes of the site (1..HEKI_RW_MAX_SITE_LEN, or a table's size)
 * @flags: HEKI_RW_SITE_*
 * @va: VTL0 virtual address of the site's first byte
 * @target_va: jump label target / 0
 * @key_va: jump label or static call key (flag bits cleared) / 0
 * @aux: paravirt type, alternative cpuid feature (with its flag bit 15),
 *	table entry size
 * @repl_mem: alternatives: memory holding the replacement (TEXT or
 *	INIT_TEXT); sorted ORC table: memory of .orc_unwind
 * @repl_offset: offset of the replacement (or paired table) in @repl_mem
 * @repl_len: replacementlen (or paired table size)
 * @repl_va: VTL0 virtual address of the replacement
 * @section: ELF section index of the table entry that named the site
 * @entry: index of that entry inside its table section
 */
struct heki_rw_site {
	__u32 kind;
	__u32 mem;
	__u64 offset;
	__u64 len;
	__u32 flags;
	__u32 repl_mem;
	__u64 va;
	__u64 target_va;
	__u64 key_va;
	__u64 aux;
	__u64 repl_offset;
	__u64 repl_len;
	__u64 repl_va;
	__u32 section;
	__u32 pad;
	__u64 entry;
};

/* Longest instruction site (an alternative's instrlen is a u8). */
#define HEKI_RW_MAX_SITE_LEN	255U

/*
 * Kernel addresses the rules may need, resolved by name through the
 * LoadKData export table; X(index name, "symbol"). A name the table lacks
 * resolves to 0 and its bit in heki_rw_ctx.ksym_known stays clear.
 */
#define HEKI_RW_KSYM_LIST(X)						\
	X(FENTRY, "__fentry__")						\
	X(RETURN_THUNK, "__x86_return_thunk")				\
	X(PV_OPS, "pv_ops")						\
	X(PARAVIRT_BUG, "paravirt_BUG")					\
	X(STATIC_CALL_RETURN0, "__static_call_return0")			\
	X(THUNK_RAX, "__x86_indirect_thunk_rax")			\
	X(THUNK_RCX, "__x86_indirect_thunk_rcx")			\
	X(THUNK_RDX, "__x86_indirect_thunk_rdx")			\
	X(THUNK_RBX, "__x86_indirect_thunk_rbx")			\
	X(THUNK_RSP, "__x86_indirect_thunk_rsp")			\
	X(THUNK_RBP, "__x86_indirect_thunk_rbp")			\
	X(THUNK_RSI, "__x86_indirect_thunk_rsi")			\
	X(THUNK_RDI, "__x86_indirect_thunk_rdi")			\
	X(THUNK_R8, "__x86_indirect_thunk_r8")				\
	X(THUNK_R9, "__x86_indirect_thunk_r9")				\
	X(THUNK_R10, "__x86_indirect_thunk_r10")			\
	X(THUNK_R11, "__x86_indirect_thunk_r11")			\
	X(THUNK_R12, "__x86_indirect_thunk_r12")			\
	X(THUNK_R13, "__x86_indirect_thunk_r13")			\
	X(THUNK_R14, "__x86_indirect_thunk_r14")			\
	X(THUNK_R15, "__x86_indirect_thunk_r15")				\
	X(FTRACE_CALLER, "ftrace_caller")				\
	X(FTRACE_REGS_CALLER, "ftrace_regs_caller")			\
	X(RETBLEED_RETURN_THUNK, "retbleed_return_thunk")		\
	X(SRSO_RETURN_THUNK, "srso_return_thunk")			\
	X(SRSO_ALIAS_RETURN_THUNK, "srso_alias_return_thunk")		\
	X(ITS_RETURN_THUNK, "its_return_thunk")				\
	X(STATIC_CALL_RETURN, "__static_call_return")			\
	X(SCT_WARN_TRAP, "__SCT__WARN_trap")				\
	X(PARAVIRT_NOP, "_paravirt_nop")				\
	X(KTEXT_START, "_stext")					\
	X(KTEXT_END, "_etext")

#define HEKI_RW_KSYM_ENUM_(idx, name) HEKI_RW_KSYM_##idx,
/** enum heki_rw_ksym - indices into heki_rw_ctx.ksym */
enum heki_rw_ksym {
	HEKI_RW_KSYM_LIST(HEKI_RW_KSYM_ENUM_)
	HEKI_RW_KSYM_NR
};
#undef HEKI_RW_KSYM_ENUM_

/* heki_rw_ctx.policy */
#define HEKI_RW_POLICY_FTRACE_CALLS	0x1U	/* mcount sites may call ftrace */
#define HEKI_RW_POLICY_UNIPROCESSOR	0x2U	/* lock prefixes may be 0x3e */

/**
 * typedef heki_rw_lookup_fn - resolve any kernel export by name
 * @arg: heki_rw_ctx.lookup_arg
 * @name: NUL-terminated symbol name
 * @va: set to its address
 *
 * Return: 0, or -HEKI_VSM_ERR_MODRELOC_SYMBOL_UNRESOLVED if unknown.
 */
typedef int (*heki_rw_lookup_fn)(void *arg, const char *name, __u64 *va);

/**
 * typedef heki_rw_entry_fn - is an address a function entry VTL1 knows
 *	outside the module being validated
 * @arg: heki_rw_ctx.func_entry_arg
 * @va: the address
 *
 * Return: 1 if an authenticated symbol source names a function starting
 * at @va: the kernel's exports or kallsyms (LoadKData, before end of
 * boot), or the ELF symbols (STT_FUNC) of a module VTL1 validated earlier
 * and still tracks (e.g. kvm.ko for kvm_intel's static calls); else 0.
 */
typedef int (*heki_rw_entry_fn)(void *arg, __u64 va);

/**
 * struct heki_rw_ctx - what the rules know about the module and kernel
 * @mem_va: VTL0 virtual address of each module memory type
 * @mem_size: size of each type (the layout's page-rounded size)
 * @expected: VTL1 copy of the relocated ELF bytes of each compared type,
 *	NULL for types not compared (data, init data)
 * @actual: VTL1 copy of VTL0's bytes of each compared type, NULL likewise
 * @percpu_va: the module's per-CPU base, 0 if unknown
 * @ksym: kernel addresses indexed by enum heki_rw_ksym
 * @ksym_known: bit i set if ksym[i] was resolved
 * @policy: HEKI_RW_POLICY_*
 * @lookup: resolve other kernel exports (e.g. __SCT__ trampolines)
 * @lookup_arg: passed to @lookup
 * @pv_ops: current pv_ops[] entries (8 bytes each) as VTL0 reported them,
 *	NULL if unknown (paravirt calls may then target kernel text only)
 * @pv_ops_count: entries in @pv_ops
 * @funcs: this module's function entries: the VA of every STT_FUNC symbol
 *	of its verified ELF in text or init text, sorted, unique
 * @nfuncs: entries in @funcs
 * @func_entry: function entries outside this module (static call,
 *	paravirt and direct-call targets must be one; NULL: none known)
 * @func_entry_arg: passed to @func_entry
 * @return_thunk: the return thunk VTL0's kernel uses (LoadKData's kernel
 *	info extension), 0 if unknown: return sites then may jump to any
 *	known thunk
 * @return_flags: HEKI_KERNEL_INFO_EXT_RETHUNK / _ITS_THUNK with
 *	@return_thunk
 * @capwords: VTL0's boot_cpu_data.x86_capability words (kernel info
 *	extension), NULL if not sent: alternatives and retpolines then may
 *	hold any form the kernel writes for some CPU; with them only the
 *	form for this CPU's feature bits
 * @ncapwords: words in @capwords (a feature beyond them is clear for
 *	retpolines and refused for alternatives)
 * @kernel: enum heki_modlayout_kernel of VTL0's kernel (LoadKData's
 *	linux_version): 0 or HEKI_MODLAYOUT_LINUX_6_1 for the 6.1 rules,
 *	HEKI_MODLAYOUT_LINUX_6_4 for the 6.4+ rules (checked against
 *	Debian's 6.12: IBT-sealed ENDBR, 14-byte struct alt_instr with
 *	ALT_FLAG_DIRECT_CALL, add_nop() up to 11 bytes then a short jmp),
 *	HEKI_MODLAYOUT_LINUX_6_18 for those with 6.18's ENDBR poison
 *	(checked against Debian's 7.2.13)
 */
struct heki_rw_ctx {
	__u64 mem_va[HEKI_MODLAYOUT_NR_MEM];
	__u64 mem_size[HEKI_MODLAYOUT_NR_MEM];
	const __u8 *expected[HEKI_MODLAYOUT_NR_MEM];
	const __u8 *actual[HEKI_MODLAYOUT_NR_MEM];
	__u64 percpu_va;
	__u64 ksym[HEKI_RW_KSYM_NR];
	__u64 ksym_known;
	__u32 policy;
	__u32 pad;
	heki_rw_lookup_fn lookup;
	void *lookup_arg;
	const __u64 *pv_ops;
	__u64 pv_ops_count;
	const __u64 *funcs;
	__u64 nfuncs;
	heki_rw_entry_fn func_entry;
	void *func_entry_arg;
	__u64 return_thunk;
	__u32 return_flags;
	__u32 pad2;
	const __u32 *capwords;
	__u32 ncapwords;
	__u32 kernel;
};

/* 6.1 x86 feature numbers the rules decide by (cpufeatures.h). */
#define HEKI_X86_FEATURE_RETPOLINE		(11 * 32 + 12)
#define HEKI_X86_FEATURE_RETPOLINE_LFENCE	(11 * 32 + 13)
#define HEKI_X86_FEATURE_INDIRECT_THUNK_ITS	(21 * 32 + 5)
/* 6.12 numbers where they differ, and features only the 6.4+ rules use. */
#define HEKI_X86_FEATURE_INDIRECT_THUNK_ITS_612	(21 * 32 + 6)
#define HEKI_X86_FEATURE_CALL_DEPTH_612		(11 * 32 + 19)
/* struct alt_instr.cpuid: ALT_NOT() (ALTINSTR_FLAG_INV) and the feature */
#define HEKI_ALT_FLAG_NOT	0x8000U
#define HEKI_ALT_FEATURE_MASK	0x7fffU
/* 6.4+ struct alt_instr.flags ALT_FLAG_DIRECT_CALL, carried in site.aux */
#define HEKI_ALT_FLAG_DIRECT_CALL	0x10000U

/**
 * struct heki_rw_fault - why a site was refused
 * @rule: short name of the rule that refused (static string), e.g.
 *	"mcount: not nop5 nor call __fentry__"
 * @at: offset inside the site of the first offending byte
 */
struct heki_rw_fault {
	const char *rule;
	__u64 at;
};

/**
 * heki_rw_check() - may a rewrite site hold these bytes?
 * @ctx: module and kernel facts
 * @site: the site (offset/len inside ctx memory type @site->mem)
 * @expected: @site->len bytes: the relocated ELF bytes of the site
 * @actual: @site->len bytes: what VTL0's memory holds there
 * @fault: filled on refusal
 *
 * Implemented by rewrite.c and rewrite_<kind>.c; modverify.c carries a
 * strict default (equal bytes only) used when HEKI_RW_STRICT_DEFAULT is
 * defined.
 *
 * Return: 0 if @actual is something the rewrite of @site->kind can produce
 * from @expected, else -HEKI_VSM_ERR_MODULE_REWRITE_FORBIDDEN (or a more
 * specific -HEKI_VSM_ERR_*).
 */
int heki_rw_check(const struct heki_rw_ctx *ctx,
		  const struct heki_rw_site *site, const __u8 *expected,
		  const __u8 *actual, struct heki_rw_fault *fault);

/**
 * heki_rw_alt_pinned() - what this CPU makes of an alternative
 * @ctx: module and kernel facts
 * @site: an HEKI_RW_ALTERNATIVE site
 *
 * Return: -1 if @ctx has no capability words (either form) or the feature
 * lies beyond them, 1 if apply_alternatives() copies the replacement
 * (boot_cpu_has(feature) differs from ALT_NOT), 0 if it keeps the original.
 */
int heki_rw_alt_pinned(const struct heki_rw_ctx *ctx,
		       const struct heki_rw_site *site);

/**
 * heki_rw_alt_final() - the alternative whose replacement a cluster holds
 * @ctx: module and kernel facts
 * @sites: the engine's sites
 * @i: first site of the cluster
 * @j: one past its last site
 * @start: cluster start offset
 * @end: cluster end offset
 *
 * Return: index of the last .altinstructions entry spanning the cluster
 * that this CPU applies (its check alone decides the cluster), or -1.
 */
int heki_rw_alt_final(const struct heki_rw_ctx *ctx,
		      const struct heki_rw_site *sites, __u32 i, __u32 j,
		      __u64 start, __u64 end);

/**
 * heki_rw_jump_label_forms() - the encodings a jump label site may hold
 *	(rewrite_jump_label.c; also the forms ValidateModule registers for
 *	PatchText)
 * @va: VA of the site's first byte
 * @target: the __jump_table entry's target
 * @n: the site's size: 2 or 5
 * @form: receives the NOP in form[0] and, when a jmp of size @n reaches
 *	@target, that jmp in form[1]
 *
 * Return: the number of forms (1 or 2), 0 if @n is neither 2 nor 5.
 */
__u32 heki_rw_jump_label_forms(__u64 va, __u64 target, __u64 n,
			       __u8 form[2][5]);

/* Most fixed forms heki_rw_static_call_forms() gives. */
#define HEKI_RW_STATIC_CALL_MAX_FORMS	6

/**
 * heki_rw_static_call_forms() - the fixed encodings the kernel writes at
 *	a static call site or trampoline (rewrite_static_call.c; the forms
 *	ValidateModule registers for PatchText)
 * @ctx: the module's rule context (return thunk, kernel symbols)
 * @va: VA of the site's first byte
 * @tail: a tail-call site or a trampoline (JMP / RET forms), else a call
 *	site (CALL / NOP forms)
 * @form: receives the forms, 5 bytes each
 * @no_call: receives the function a CALL may not name
 *	(__static_call_return0, written as xor-rax), 0 if none
 *
 * The variable form (CALL or JMP rel32 to a function entry) is not
 * listed. A call site: the 5-byte NOP and, where __static_call_return0 is
 * known, xor-rax. A tail site or trampoline: __static_call_transform()'s
 * RET forms, the one of the thunk in use when LoadKData named it, else
 * "ret; int3 x4" and a jmp to each return thunk the kernel exports.
 *
 * Return: the number of forms (1 to HEKI_RW_STATIC_CALL_MAX_FORMS).
 */
__u32 heki_rw_static_call_forms(const struct heki_rw_ctx *ctx, __u64 va,
				int tail,
				__u8 form[HEKI_RW_STATIC_CALL_MAX_FORMS][5],
				__u64 *no_call);

struct heki_kinfo_ext;

/**
 * heki_rw_apply_kinfo() - give the rules what LoadKData's kernel info
 * extension knows (rewrite.c)
 * @x: the extension, NULL if VTL0 sent none (@ctx unchanged)
 * @ctx: a filled rule context
 */
void heki_rw_apply_kinfo(const struct heki_kinfo_ext *x,
			 struct heki_rw_ctx *ctx);

/**
 * heki_rw_resolve_ksyms() - the kernel symbols the rules need, by name
 * (rewrite.c)
 * @ctx: the rule context (its ksym[] and ksym_known set here)
 * @resolve: resolves one name (0 on success), or NULL (none known)
 * @arg: passed to @resolve
 */
void heki_rw_resolve_ksyms(struct heki_rw_ctx *ctx, heki_rw_lookup_fn resolve,
			   void *arg);

/**
 * heki_rw_kind_name() - printable name of a rewrite kind
 * @kind: enum heki_rw_kind
 *
 * Return: e.g. "mcount", or "?" for an unknown value.
 */
const char *heki_rw_kind_name(__u32 kind);

/**
 * heki_rw_match_nops() - compare bytes an alternative's optimize_nops()
 *	may have rewritten
 * @expected: relocated ELF bytes
 * @actual: memory bytes
 * @len: bytes to compare
 *
 * For the bytes of an alternative's original that lie outside its inner
 * sites (when the alternative was not applied but inner sites were
 * rewritten): each maximal run of two or more 0x90 in @expected may hold
 * the kernel's NOP encoding of its length; every other byte must be equal.
 *
 * Return: the number of leading bytes that match (@len if all do).
 */
__u64 heki_rw_match_nops(const __u8 *expected, const __u8 *actual, __u64 len);

/**
 * heki_rw_match_nops_kernel() - heki_rw_match_nops() for one kernel
 * @kernel: enum heki_modlayout_kernel (heki_rw_ctx.kernel); 6.4+ runs
 *	hold 6.12's add_nop() (NOPs up to 11 bytes, then jmp8 + int3)
 * @expected: relocated ELF bytes
 * @actual: memory bytes
 * @len: bytes to compare
 *
 * Return: the number of leading bytes that match (@len if all do).
 */
__u64 heki_rw_match_nops_kernel(__u32 kernel, const __u8 *expected,
				const __u8 *actual, __u64 len);

#endif /* _HEKI_VTL1_REWRITE_H */

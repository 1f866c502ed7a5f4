// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_rewrite - host tests of the rewrite rules (vtl1/src/module/rewrite*.c).
 *
 * Table-driven: every case names a site kind, the site's relocated ELF
 * bytes and the bytes in memory, written as a small byte language
 * ("e8 @__fentry__" = e8 + rel32 to that address, "%target" = rel8,
 * "=name" = absolute u64), and the expected verdict (0 or the exact
 * error) plus, on refusal, the offending byte. Every rule has accepted
 * forms and refused ones (one byte off, wrong target, wrong length,
 * bytes past the instruction, unknown kernel symbol). Buffers are
 * exact-size heap copies, so a site at the very end of memory is read
 * only within its length (ASan).
 *
 * Usage: test_rewrite [--modules ROOT]. Results through ../../check.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rw_test.h"

#define KSYM_NAME_(idx, name) name,
static const char * const ksym_names[] = {
	HEKI_RW_KSYM_LIST(KSYM_NAME_)
};

__u64 fake_ksym(const char *name)
{
	__u64 h = 1469598103934665603ULL;

	if (!strcmp(name, "_stext"))
		return KTEXT_LO;
	if (!strcmp(name, "_etext"))
		return KTEXT_HI;
	if (!strcmp(name, "pv_ops"))
		return 0xffffffff83400000ULL;	/* data, not text */
	for (; *name; name++)
		h = (h ^ (__u8)*name) * 1099511628211ULL;
	return KTEXT_LO + (h & 0xfffff) * 16;
}

void fake_ctx_ksyms(struct heki_rw_ctx *ctx)
{
	__u32 i;

	for (i = 0; i < HEKI_RW_KSYM_NR; i++) {
		ctx->ksym[i] = fake_ksym(ksym_names[i]);
		ctx->ksym_known |= 1ULL << i;
	}
}

int fake_lookup(void *arg, const char *name, __u64 *va)
{
	(void)arg;
	*va = fake_ksym(name);
	return 0;
}

int rw_check_exact(const struct heki_rw_ctx *ctx,
		   const struct heki_rw_site *site, const __u8 *expected,
		   const __u8 *actual, struct heki_rw_fault *fault)
{
	size_t n = site->len ? site->len : 1;
	__u8 *e = malloc(n), *a = malloc(n);
	int ret;

	memcpy(e, expected, site->len);
	memcpy(a, actual, site->len);
	ret = heki_rw_check(ctx, site, e, a, fault);
	free(e);
	free(a);
	return ret;
}

/* ---- the byte language ------------------------------------------------ */

#define TEXT_VA		0xffffffffc0000000ULL
#define TEXT_SIZE	0x4000ULL
#define INIT_VA		0xffffffffc0100000ULL
#define SITE_OFF	0x1000ULL
#define SITE_VA		(TEXT_VA + SITE_OFF)
#define REPL_OFF	0x3000ULL
#define REPL_VA		(TEXT_VA + REPL_OFF)
#define PV_TYPE		3
#define OTHERMOD_TEXT	0xffffffffc1000000ULL

static __u64 name_va(const char *n)
{
	static const struct { const char *n; __u64 va; } local[] = {
		{ "kfn", KTEXT_LO + 0x123450 },
		{ "kfn2", KTEXT_LO + 0x200000 },
		{ "outside", 0xffffffffa0000000ULL },
		{ "modfn", TEXT_VA + 0x800 },
		{ "initfn", INIT_VA + 0x10 },
		{ "target", SITE_VA + 0x40 },
		{ "far", SITE_VA + 0x1000 },
		{ "back", SITE_VA - 0x100 },
		{ "pvfn", KTEXT_LO + 0x300000 },
		{ "pvslot", 0xffffffff83400000ULL + 8 * PV_TYPE },
		{ "badslot", 0xffffffff83400000ULL + 8 * (PV_TYPE + 1) },
		{ "sct", KTEXT_LO + 0x400000 },
		{ "othermodfn", OTHERMOD_TEXT + 0x100 },
		{ "othermodend", OTHERMOD_TEXT + 0x10000 },
		{ "othermodmid", OTHERMOD_TEXT + 0x101 },
		{ "kfnmid", KTEXT_LO + 0x123453 },
		{ "modmid", TEXT_VA + 0x802 },
		{ "rawdest", KTEXT_LO + 0x200000 + SITE_VA - REPL_VA },
	};
	size_t i;

	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (!strcmp(local[i].n, n))
			return local[i].va;
	return fake_ksym(n);
}

/* Assemble @spec for an instruction stream starting at @va. */
static __u64 assemble(const char *spec, __u64 va, __u8 *out, __u64 cap)
{
	char tok[64];
	__u64 n = 0, dest;
	const char *p = spec;
	int len, k;

	while (sscanf(p, "%63s%n", tok, &len) == 1) {
		p += len;
		if (tok[0] == '@' || tok[0] == '%' || tok[0] == '=') {
			int w = tok[0] == '@' ? 4 : tok[0] == '%' ? 1 : 8;
			__u64 v;

			dest = name_va(tok + 1);
			v = tok[0] == '=' ? dest : dest - (va + n + w);
			for (k = 0; k < w && n < cap; k++)
				out[n++] = (__u8)(v >> (8 * k));
		} else if (n < cap) {
			out[n++] = (__u8)strtoul(tok, NULL, 16);
		}
	}
	return n;
}

/* ---- the cases ---------------------------------------------------------- */

enum { ALLK = 0, NO_FENTRY = 1, NO_PVOPS_VALUES = 2, PV_NOP = 4,
	PV_NULL = 8, FTRACE = 16, UP = 32, UPPER = 64, OTHERMOD = 128,
	K64 = 256, DCALL = 512, CALLDEPTH = 1024, K616 = 2048, K618 = 4096 };


/*
 * heki_rw_ctx.func_entry: the function entries VTL1 would know outside the
 * module (the kernel's exports and kallsyms, a validated module's ELF
 * symbols; othermodfn only with OTHERMOD). Everything else, kernel text
 * included, is no entry: "kfnmid" is 3 bytes into kfn.
 */
static const char * const kernel_entries[] = {
	"kfn", "kfn2", "pvfn", "sct", "paravirt_BUG", "BUG_func", "nop_func",
	"_paravirt_nop", "__static_call_return0", "__static_call_return",
	"__x86_return_thunk", "__fentry__",
};

static int func_entry(void *arg, __u64 va)
{
	const int *ctxf = arg;
	size_t i;

	for (i = 0; i < sizeof(kernel_entries) / sizeof(kernel_entries[0]); i++)
		if (va == name_va(kernel_entries[i]))
			return 1;
	return (*ctxf & OTHERMOD) && va == name_va("othermodfn");
}

/* This module's function entries (its ELF's STT_FUNC symbols), sorted. */
static const __u64 module_entries[] = {
	TEXT_VA + 0x800,	/* modfn */
	INIT_VA + 0x10,		/* initfn */
};

struct rcase {
	const char *name;
	__u32 kind;
	const char *exp;	/* relocated ELF bytes */
	const char *act;	/* memory bytes (NULL: same as exp) */
	int want;		/* 0 or HEKI_VSM_ERR_* (positive) */
	__u64 at;		/* offending byte on refusal */
	__u32 flags;		/* HEKI_RW_SITE_* */
	int ctxf;		/* context variations above */
	__u64 len;		/* 0: length of exp */
	const char *repl;	/* alternatives: replacement bytes */
};

#define E(x) HEKI_VSM_ERR_REWRITE_##x

static const struct rcase cases[] = {
	/* mcount */
	{ "mcount original", HEKI_RW_MCOUNT, "e8 @__fentry__", NULL, 0 },
	{ "mcount nop5", HEKI_RW_MCOUNT, "e8 @__fentry__", "0f 1f 44 00 00", 0 },
	{ "mcount nop5 last byte off", HEKI_RW_MCOUNT, "e8 @__fentry__",
	  "0f 1f 44 00 01", E(MCOUNT_FORBIDDEN), 4 },
	{ "mcount two nops (66 90 + 0f 1f 00)", HEKI_RW_MCOUNT, "e8 @__fentry__",
	  "66 90 0f 1f 00", E(MCOUNT_FORBIDDEN), 0 },
	{ "mcount transient int3", HEKI_RW_MCOUNT, "e8 @__fentry__",
	  "cc 1f 44 00 00", E(MCOUNT_FORBIDDEN), 0 },
	{ "mcount ftrace_caller without policy", HEKI_RW_MCOUNT,
	  "e8 @__fentry__", "e8 @ftrace_caller", E(MCOUNT_FORBIDDEN), 1 },
	{ "mcount ftrace_caller with policy", HEKI_RW_MCOUNT, "e8 @__fentry__",
	  "e8 @ftrace_caller", 0, 0, 0, FTRACE },
	{ "mcount ftrace_regs_caller with policy", HEKI_RW_MCOUNT,
	  "e8 @__fentry__", "e8 @ftrace_regs_caller", 0, 0, 0, FTRACE },
	{ "mcount call elsewhere with policy", HEKI_RW_MCOUNT, "e8 @__fentry__",
	  "e8 @kfn", E(MCOUNT_FORBIDDEN), 1, 0, FTRACE },
	{ "mcount jmp __fentry__", HEKI_RW_MCOUNT, "e8 @__fentry__",
	  "e9 @__fentry__", E(MCOUNT_FORBIDDEN), 0 },
	{ "mcount ELF not call __fentry__", HEKI_RW_MCOUNT, "e8 @kfn",
	  "0f 1f 44 00 00", E(MCOUNT_ORIGINAL), 1 },
	{ "mcount __fentry__ unknown", HEKI_RW_MCOUNT, "e8 @__fentry__", NULL,
	  -HEKI_VSM_ERR_REWRITE_KSYM_UNKNOWN, 0, 0, NO_FENTRY },
	{ "mcount site of 4 bytes", HEKI_RW_MCOUNT, "e8 @__fentry__", NULL,
	  E(SITE_LENGTH), 4, 0, 0, 4 },
	{ "mcount site of 6, byte 5 kept", HEKI_RW_MCOUNT, "e8 @__fentry__ 55",
	  "0f 1f 44 00 00 55", 0 },
	{ "mcount site of 6, byte 5 changed", HEKI_RW_MCOUNT,
	  "e8 @__fentry__ 55", "0f 1f 44 00 00 56", E(MCOUNT_FORBIDDEN), 5 },

	/* return thunks */
	{ "return original", HEKI_RW_RETURN, "e9 @__x86_return_thunk", NULL, 0 },
	{ "return ret int3", HEKI_RW_RETURN, "e9 @__x86_return_thunk",
	  "c3 cc cc cc cc", 0 },
	{ "return srso thunk", HEKI_RW_RETURN, "e9 @__x86_return_thunk",
	  "e9 @srso_return_thunk", 0 },
	{ "return srso alias thunk", HEKI_RW_RETURN, "e9 @__x86_return_thunk",
	  "e9 @srso_alias_return_thunk", 0 },
	{ "return retbleed thunk", HEKI_RW_RETURN, "e9 @__x86_return_thunk",
	  "e9 @retbleed_return_thunk", 0 },
	{ "return its thunk, lower half of a line", HEKI_RW_RETURN,
	  "e9 @__x86_return_thunk", "e9 @its_return_thunk", 0 },
	{ "return its thunk, upper half of a line", HEKI_RW_RETURN,
	  "e9 @__x86_return_thunk", "e9 @its_return_thunk",
	  E(RETURN_FORBIDDEN), 1, 0, UPPER },
	{ "return ret int3 last byte off", HEKI_RW_RETURN,
	  "e9 @__x86_return_thunk", "c3 cc cc cc cd", E(RETURN_FORBIDDEN), 4 },
	{ "return ret + nops", HEKI_RW_RETURN, "e9 @__x86_return_thunk",
	  "c3 0f 1f 40 00", E(RETURN_FORBIDDEN), 1 },
	{ "return jmp elsewhere", HEKI_RW_RETURN, "e9 @__x86_return_thunk",
	  "e9 @kfn", E(RETURN_FORBIDDEN), 1 },
	{ "return call thunk", HEKI_RW_RETURN, "e9 @__x86_return_thunk",
	  "e8 @__x86_return_thunk", E(RETURN_FORBIDDEN), 0 },
	{ "return ELF is jmp elsewhere", HEKI_RW_RETURN, "e9 @kfn",
	  "c3 cc cc cc cc", E(RETURN_ORIGINAL), 1 },
	{ "return site of 4 bytes", HEKI_RW_RETURN, "e9 @__x86_return_thunk",
	  NULL, E(SITE_LENGTH), 4, 0, 0, 4 },

	/* retpolines */
	{ "retpoline call rax original", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_rax", NULL, 0 },
	{ "retpoline call rax register form", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_rax", "ff d0 0f 1f 00", 0 },
	{ "retpoline call rax lfence form", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_rax", "0f ae e8 ff d0", 0 },
	{ "retpoline call rax unoptimised nops", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_rax", "ff d0 90 90 90",
	  E(RETPOLINE_FORBIDDEN), 2 },
	{ "retpoline call rax as rcx", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_rax", "ff d1 0f 1f 00",
	  E(RETPOLINE_FORBIDDEN), 1 },
	{ "retpoline call rax as jmp", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_rax", "ff e0 cc 66 90",
	  E(RETPOLINE_FORBIDDEN), 1 },
	{ "retpoline jmp rdx register form", HEKI_RW_RETPOLINE,
	  "e9 @__x86_indirect_thunk_rdx", "ff e2 cc 66 90", 0 },
	{ "retpoline jmp rdx lfence form", HEKI_RW_RETPOLINE,
	  "e9 @__x86_indirect_thunk_rdx", "0f ae e8 ff e2", 0 },
	{ "retpoline jmp rdx without int3", HEKI_RW_RETPOLINE,
	  "e9 @__x86_indirect_thunk_rdx", "ff e2 0f 1f 00",
	  E(RETPOLINE_FORBIDDEN), 2 },
	{ "retpoline call r11 (5) register form", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_r11", "41 ff d3 66 90", 0 },
	{ "retpoline call r11 (5) lfence does not fit", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_r11", "0f ae e8 41 ff",
	  E(RETPOLINE_FORBIDDEN), 0 },
	{ "retpoline cs call r11 register form", HEKI_RW_RETPOLINE,
	  "2e e8 @__x86_indirect_thunk_r11", "41 ff d3 0f 1f 00", 0 },
	{ "retpoline cs call r11 lfence form", HEKI_RW_RETPOLINE,
	  "2e e8 @__x86_indirect_thunk_r11", "0f ae e8 41 ff d3", 0 },
	{ "retpoline cs jmp r15 register form", HEKI_RW_RETPOLINE,
	  "2e e9 @__x86_indirect_thunk_r15", "41 ff e7 cc 66 90", 0 },
	{ "retpoline cs call r11 REX dropped", HEKI_RW_RETPOLINE,
	  "2e e8 @__x86_indirect_thunk_r11", "ff d3 0f 1f 40 00",
	  E(RETPOLINE_FORBIDDEN), 0 },
	{ "retpoline jne rax register form", HEKI_RW_RETPOLINE,
	  "0f 85 @__x86_indirect_thunk_rax", "74 04 ff e0 cc 90", 0 },
	{ "retpoline jne rax condition not inverted", HEKI_RW_RETPOLINE,
	  "0f 85 @__x86_indirect_thunk_rax", "75 04 ff e0 cc 90",
	  E(RETPOLINE_FORBIDDEN), 0 },
	{ "retpoline jne rax lfence does not fit", HEKI_RW_RETPOLINE,
	  "0f 85 @__x86_indirect_thunk_rax", "74 04 0f ae e8 ff",
	  E(RETPOLINE_FORBIDDEN), 2 },
	{ "retpoline ELF thunk rsp", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_rsp", "ff d4 0f 1f 00",
	  E(RETPOLINE_ORIGINAL), 0 },
	{ "retpoline ELF call elsewhere", HEKI_RW_RETPOLINE, "e8 @kfn", NULL,
	  E(RETPOLINE_ORIGINAL), 0 },
	{ "retpoline call site of 4 bytes", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_rax", NULL, E(RETPOLINE_ORIGINAL), 0, 0, 0,
	  4 },
	{ "retpoline byte after call changed", HEKI_RW_RETPOLINE,
	  "e8 @__x86_indirect_thunk_rax 90", "ff d0 0f 1f 00 91",
	  E(RETPOLINE_FORBIDDEN), 5 },

	/* alternatives (replacement at REPL_VA) */
	{ "alt original kept", HEKI_RW_ALTERNATIVE, "e8 @kfn 90 90 90", NULL, 0,
	  0, 0, 0, 0, "0f 01 cb" },
	{ "alt original nops optimised", HEKI_RW_ALTERNATIVE, "e8 @kfn 90 90 90",
	  "e8 @kfn 0f 1f 00", 0, 0, 0, 0, 0, "0f 01 cb" },
	{ "alt original nops wrongly optimised", HEKI_RW_ALTERNATIVE,
	  "e8 @kfn 90 90 90", "e8 @kfn 66 90 90", E(ALT_FORBIDDEN), 5, 0, 0, 0,
	  "0f 01 cb" },
	{ "alt stac applied", HEKI_RW_ALTERNATIVE, "90 90 90 90 90 90",
	  "0f 01 cb 0f 1f 00", 0, 0, 0, 0, 0, "0f 01 cb" },
	{ "alt stac applied, padding unoptimised", HEKI_RW_ALTERNATIVE,
	  "90 90 90 90 90 90", "0f 01 cb 90 90 90", 0, 0, 0, 0, 0, "0f 01 cb" },
	{ "alt empty original optimised", HEKI_RW_ALTERNATIVE,
	  "90 90 90 90 90 90", "66 0f 1f 44 00 00", 0, 0, 0, 0, 0, "0f 01 cb" },
	{ "alt clac instead of stac", HEKI_RW_ALTERNATIVE, "90 90 90 90 90 90",
	  "0f 01 ca 0f 1f 00", E(ALT_FORBIDDEN), 2, 0, 0, 0, "0f 01 cb" },
	{ "alt call replacement, rel32 fixed", HEKI_RW_ALTERNATIVE,
	  "e8 @kfn 90", "e8 @kfn2 90", 0, 0, 0, 0, 0, "e8 @kfn2" },
	{ "alt call replacement copied raw", HEKI_RW_ALTERNATIVE, "e8 @kfn 90",
	  "e8 @rawdest 90", E(ALT_FORBIDDEN), 2, 0, 0, 0, "e8 @kfn2" },
	{ "alt call replacement, padding changed", HEKI_RW_ALTERNATIVE,
	  "e8 @kfn 90", "e8 @kfn2 91", E(ALT_FORBIDDEN), 5, 0, 0, 0,
	  "e8 @kfn2" },
	{ "alt jmp replacement near -> jmp8", HEKI_RW_ALTERNATIVE,
	  "e8 @kfn 90 90 90", "eb 3e 0f 1f 00 0f 1f 00", 0, 0, 0, 0, 0,
	  "e9 @target" },
	{ "alt jmp replacement far -> jmp32", HEKI_RW_ALTERNATIVE,
	  "e8 @kfn 90 90", "e9 @far 66 90", 0, 0, 0, 0, 0, "e9 @far" },
	{ "alt jmp replacement backwards -> jmp32", HEKI_RW_ALTERNATIVE,
	  "e8 @kfn", "e9 @back", 0, 0, 0, 0, 0, "e9 @back" },
	{ "alt jmp replacement kept as jmp32 when near", HEKI_RW_ALTERNATIVE,
	  "e8 @kfn 90 90", "e9 @target 66 90", E(ALT_FORBIDDEN), 0, 0, 0, 0,
	  "e9 @target" },
	{ "alt replacement longer than original", HEKI_RW_ALTERNATIVE, "90 90",
	  NULL, E(ALT_REPLACEMENT), 0, 0, 0, 0, "0f 01 cb" },

	/* jump labels (target = SITE_VA + 0x40) */
	{ "jump label nop2 kept", HEKI_RW_JUMP_LABEL, "66 90", NULL, 0 },
	{ "jump label nop2 -> jmp8", HEKI_RW_JUMP_LABEL, "66 90", "eb %target",
	  0 },
	{ "jump label jmp8 -> nop2", HEKI_RW_JUMP_LABEL, "eb %target", "66 90",
	  0 },
	{ "jump label jmp8 one off", HEKI_RW_JUMP_LABEL, "66 90", "eb 3f",
	  E(JUMP_LABEL_FORBIDDEN), 1 },
	{ "jump label nop2 as xchg", HEKI_RW_JUMP_LABEL, "66 90", "90 90",
	  E(JUMP_LABEL_FORBIDDEN), 0 },
	{ "jump label nop5 kept", HEKI_RW_JUMP_LABEL, "0f 1f 44 00 00", NULL,
	  0 },
	{ "jump label nop5 -> jmp32", HEKI_RW_JUMP_LABEL, "0f 1f 44 00 00",
	  "e9 @target", 0 },
	{ "jump label jmp32 -> nop5", HEKI_RW_JUMP_LABEL, "e9 @target",
	  "0f 1f 44 00 00", 0 },
	{ "jump label jmp32 elsewhere", HEKI_RW_JUMP_LABEL, "0f 1f 44 00 00",
	  "e9 @kfn", E(JUMP_LABEL_FORBIDDEN), 1 },
	{ "jump label jmp8 in a 5-byte site", HEKI_RW_JUMP_LABEL,
	  "0f 1f 44 00 00", "eb %target 0f 1f 00", E(JUMP_LABEL_FORBIDDEN), 0 },
	{ "jump label transient int3", HEKI_RW_JUMP_LABEL, "0f 1f 44 00 00",
	  "cc 1f 44 00 00", E(JUMP_LABEL_FORBIDDEN), 0 },
	{ "jump label ELF jmp elsewhere", HEKI_RW_JUMP_LABEL, "e9 @kfn", NULL,
	  E(JUMP_LABEL_ORIGINAL), 0 },
	{ "jump label ELF 90 90", HEKI_RW_JUMP_LABEL, "90 90 90 90 90", NULL,
	  E(JUMP_LABEL_ORIGINAL), 0 },
	{ "jump label site of 1 byte", HEKI_RW_JUMP_LABEL, "66 90", NULL,
	  E(SITE_LENGTH), 1, 0, 0, 1 },

	/* static calls */
	{ "static call kept", HEKI_RW_STATIC_CALL, "e8 @sct", NULL, 0 },
	{ "static call -> kernel function", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "e8 @kfn", 0 },
	{ "static call -> module function", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "e8 @modfn", 0 },
	{ "static call -> outside any text", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "e8 @outside", E(TARGET_NOT_FUNCTION), 1 },
	/* issue 10 finding 4: a branch target must be a function entry */
	{ "issue10_finding4: static call -> inside a kernel function", HEKI_RW_STATIC_CALL,
	  "e8 @sct", "e8 @kfnmid", E(TARGET_NOT_FUNCTION), 1 },
	{ "issue10_finding4: static call -> inside a module function", HEKI_RW_STATIC_CALL,
	  "e8 @sct", "e8 @modmid", E(TARGET_NOT_FUNCTION), 1 },
	{ "issue10_finding4: static call -> into its own rel32", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "e8 fc ff ff ff", E(TARGET_NOT_FUNCTION), 1 },
	{ "static call -> init function", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "e8 @initfn", 0 },
	{ "issue10_finding4: static tail -> inside a kernel function", HEKI_RW_STATIC_CALL,
	  "e9 @sct", "e9 @kfnmid", E(TARGET_NOT_FUNCTION), 1, HEKI_RW_SITE_TAIL },
	{ "issue10_finding4: static tail jcc -> inside a kernel function", HEKI_RW_STATIC_CALL,
	  "0f 84 @sct", "0f 84 @kfnmid", E(TARGET_NOT_FUNCTION), 2,
	  HEKI_RW_SITE_TAIL },
	{ "issue10_finding4: static call -> inside a validated module's function",
	  HEKI_RW_STATIC_CALL, "e8 @sct", "e8 @othermodmid",
	  E(TARGET_NOT_FUNCTION), 1, 0, OTHERMOD },
	{ "static call -> validated module's text", HEKI_RW_STATIC_CALL,
	  "e8 @sct", "e8 @othermodfn", 0, 0, 0, OTHERMOD },
	{ "static call -> past validated module's text", HEKI_RW_STATIC_CALL,
	  "e8 @sct", "e8 @othermodend", E(TARGET_NOT_FUNCTION), 1, 0,
	  OTHERMOD },
	{ "static call -> other module, no module list", HEKI_RW_STATIC_CALL,
	  "e8 @sct", "e8 @othermodfn", E(TARGET_NOT_FUNCTION), 1 },
	{ "static call NULL -> nop5", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "0f 1f 44 00 00", 0 },
	{ "static call return0 -> xor", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "2e 2e 2e 31 c0", 0 },
	{ "static call xor one off", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "2e 2e 2e 31 c1", E(STATIC_CALL_FORBIDDEN), 4 },
	{ "static call call return0", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "e8 @__static_call_return0", E(STATIC_CALL_FORBIDDEN), 1 },
	{ "static call WARN_trap -> ud1", HEKI_RW_STATIC_CALL,
	  "e8 @__SCT__WARN_trap", "67 48 0f b9 3a", 0, 0 },
	{ "static call WARN_trap ud1 one off", HEKI_RW_STATIC_CALL,
	  "e8 @__SCT__WARN_trap", "67 48 0f b9 39", E(STATIC_CALL_FORBIDDEN), 4 },
	{ "static call ud1 on another key's call", HEKI_RW_STATIC_CALL,
	  "e8 @sct", "67 48 0f b9 3a", E(STATIC_CALL_FORBIDDEN), 0 },
	{ "static call ret on a call site", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "c3 cc cc cc cc", E(STATIC_CALL_FORBIDDEN), 0 },
	{ "static call jmp on a call site", HEKI_RW_STATIC_CALL, "e8 @sct",
	  "e9 @kfn", E(STATIC_CALL_FORBIDDEN), 0 },
	{ "static tail -> kernel function", HEKI_RW_STATIC_CALL, "e9 @sct",
	  "e9 @kfn", 0, 0, HEKI_RW_SITE_TAIL },
	{ "static tail -> return0", HEKI_RW_STATIC_CALL, "e9 @sct",
	  "e9 @__static_call_return0", 0, 0, HEKI_RW_SITE_TAIL },
	{ "static tail NULL -> ret", HEKI_RW_STATIC_CALL, "e9 @sct",
	  "c3 cc cc cc cc", 0, 0, HEKI_RW_SITE_TAIL },
	{ "static tail NULL -> return thunk", HEKI_RW_STATIC_CALL, "e9 @sct",
	  "e9 @__x86_return_thunk", 0, 0, HEKI_RW_SITE_TAIL },
	{ "static tail nop5", HEKI_RW_STATIC_CALL, "e9 @sct",
	  "0f 1f 44 00 00", E(STATIC_CALL_FORBIDDEN), 0, HEKI_RW_SITE_TAIL },
	{ "static tail xor", HEKI_RW_STATIC_CALL, "e9 @sct", "2e 2e 2e 31 c0",
	  E(STATIC_CALL_FORBIDDEN), 0, HEKI_RW_SITE_TAIL },
	{ "static tail jcc -> function", HEKI_RW_STATIC_CALL, "0f 84 @sct",
	  "0f 84 @kfn", 0, 0, HEKI_RW_SITE_TAIL },
	{ "static tail jcc -> __static_call_return", HEKI_RW_STATIC_CALL,
	  "0f 84 @sct", "0f 84 @__static_call_return", 0, 0,
	  HEKI_RW_SITE_TAIL },
	{ "static tail jcc condition changed", HEKI_RW_STATIC_CALL,
	  "0f 84 @sct", "0f 85 @kfn", E(STATIC_CALL_FORBIDDEN), 1,
	  HEKI_RW_SITE_TAIL },
	{ "static call ELF call, tail flag", HEKI_RW_STATIC_CALL, "e8 @sct",
	  NULL, E(STATIC_CALL_ORIGINAL), 0, HEKI_RW_SITE_TAIL },
	{ "static call ELF jmp, no tail flag", HEKI_RW_STATIC_CALL, "e9 @sct",
	  NULL, E(STATIC_CALL_ORIGINAL), 0 },
	{ "static call site of 4 bytes", HEKI_RW_STATIC_CALL, "e8 @sct", NULL,
	  E(STATIC_CALL_ORIGINAL), 0, 0, 0, 4 },

	/* paravirt (type PV_TYPE) */
	{ "paravirt original", HEKI_RW_PARAVIRT, "ff 15 @pvslot", NULL, 0 },
	{ "paravirt call pv_ops target", HEKI_RW_PARAVIRT, "ff 15 @pvslot",
	  "e8 @pvfn 90", 0 },
	{ "paravirt call other kernel function", HEKI_RW_PARAVIRT,
	  "ff 15 @pvslot", "e8 @kfn 90", E(PARAVIRT_FORBIDDEN), 1 },
	{ "paravirt call, nop one off", HEKI_RW_PARAVIRT, "ff 15 @pvslot",
	  "e8 @pvfn 91", E(PARAVIRT_FORBIDDEN), 5 },
	{ "paravirt nops while target is a function", HEKI_RW_PARAVIRT,
	  "ff 15 @pvslot", "66 0f 1f 44 00 00", E(PARAVIRT_FORBIDDEN), 6 },
	{ "paravirt nops for _paravirt_nop", HEKI_RW_PARAVIRT, "ff 15 @pvslot",
	  "66 0f 1f 44 00 00", 0, 0, 0, PV_NOP },
	{ "paravirt NULL -> paravirt_BUG", HEKI_RW_PARAVIRT, "ff 15 @pvslot",
	  "e8 @paravirt_BUG 90", 0, 0, 0, PV_NULL },
	{ "paravirt unknown values, kernel call", HEKI_RW_PARAVIRT,
	  "ff 15 @pvslot", "e8 @kfn 90", 0, 0, 0, NO_PVOPS_VALUES },
	{ "paravirt unknown values, call outside text", HEKI_RW_PARAVIRT,
	  "ff 15 @pvslot", "e8 @outside 90", E(TARGET_NOT_FUNCTION), 1, 0,
	  NO_PVOPS_VALUES },
	{ "issue10_finding4: paravirt unknown values, call inside a kernel function",
	  HEKI_RW_PARAVIRT, "ff 15 @pvslot", "e8 @kfnmid 90",
	  E(TARGET_NOT_FUNCTION), 1, 0, NO_PVOPS_VALUES },
	{ "paravirt unknown values, call to a module function",
	  HEKI_RW_PARAVIRT, "ff 15 @pvslot", "e8 @modfn 90",
	  E(PARAVIRT_FORBIDDEN), 1, 0, NO_PVOPS_VALUES },
	{ "paravirt unknown values, nops", HEKI_RW_PARAVIRT, "ff 15 @pvslot",
	  "66 0f 1f 44 00 00", 0, 0, 0, NO_PVOPS_VALUES },
	{ "paravirt ELF other slot", HEKI_RW_PARAVIRT, "ff 15 @badslot", NULL,
	  E(PARAVIRT_ORIGINAL), 0 },
	{ "paravirt site of 5 bytes", HEKI_RW_PARAVIRT, "ff 15 @pvslot", NULL,
	  E(SITE_LENGTH), 5, 0, 0, 5 },

	/* smp locks */
	{ "smp lock kept", HEKI_RW_SMP_LOCK, "f0", NULL, 0 },
	{ "smp lock -> ds on SMP", HEKI_RW_SMP_LOCK, "f0", "3e",
	  E(SMP_LOCK_FORBIDDEN), 0 },
	{ "smp lock -> ds on UP", HEKI_RW_SMP_LOCK, "f0", "3e", 0, 0, 0, UP },
	{ "smp lock -> nop on UP", HEKI_RW_SMP_LOCK, "f0", "90",
	  E(SMP_LOCK_FORBIDDEN), 0, 0, UP },
	{ "smp lock ELF not lock, kept", HEKI_RW_SMP_LOCK, "66", NULL, 0 },
	{ "smp lock ELF not lock, changed", HEKI_RW_SMP_LOCK, "66", "3e",
	  E(SMP_LOCK_ORIGINAL), 0 },
	{ "smp lock ELF ds, made lock", HEKI_RW_SMP_LOCK, "3e", "f0",
	  E(SMP_LOCK_ORIGINAL), 0, 0, UP },

	/* ibt seal, unknown kind */
	{ "ibt endbr seal refused", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa", NULL,
	  E(ENDBR_SEAL), 0 },
	{ "unknown kind", HEKI_RW_NR_KINDS, "90", NULL, E(KIND_UNKNOWN), 0 },

	/* 6.4+ rules (K64: heki_rw_ctx.kernel = 6.4, Debian's 6.12) */
	{ "6.12 endbr64 poisoned", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa",
	  "66 0f 1f 00", 0, 0, 0, K64 },
	{ "6.12 endbr32 poisoned", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fb",
	  "66 0f 1f 00", 0, 0, 0, K64 },
	{ "6.12 endbr left unsealed", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa", NULL,
	  E(ENDBR_NOT_SEALED), 0, 0, K64 },
	{ "6.12 endbr poison last byte off", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa",
	  "66 0f 1f 01", E(ENDBR_SEAL), 3, 0, K64 },
	{ "6.12 endbr -> nop4 (not the poison)", HEKI_RW_ENDBR_SEAL,
	  "f3 0f 1e fa", "0f 1f 40 00", E(ENDBR_SEAL), 0, 0, K64 },
	{ "6.12 no endbr at the entry, left", HEKI_RW_ENDBR_SEAL, "55 48 89 e5",
	  NULL, 0, 0, 0, K64 },
	{ "6.12 no endbr at the entry, poisoned", HEKI_RW_ENDBR_SEAL,
	  "55 48 89 e5", "66 0f 1f 00", E(ENDBR_SEAL), 0, 0, K64 },
	{ "6.12 endbr site of 5 bytes", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa 90",
	  NULL, E(SITE_LENGTH), 0, 0, K64 },
	{ "6.1 context: poison still refused", HEKI_RW_ENDBR_SEAL,
	  "f3 0f 1e fa", "66 0f 1f 00", E(ENDBR_SEAL), 0 },
	{ "6.12 the 6.18 poison refused", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa",
	  "0f 1f 40 d6", E(ENDBR_SEAL), 0, 0, K64 },
	{ "6.16 endbr64 poisoned as 6.12", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa",
	  "66 0f 1f 00", 0, 0, 0, K616 },
	{ "6.16 the 6.18 poison refused", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa",
	  "0f 1f 40 d6", E(ENDBR_SEAL), 0, 0, K616 },

	/* 6.18+ rules (K618: Debian's 7.2, the UDB-carrying poison) */
	{ "6.18 endbr64 poisoned", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa",
	  "0f 1f 40 d6", 0, 0, 0, K618 },
	{ "6.18 endbr32 poisoned", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fb",
	  "0f 1f 40 d6", 0, 0, 0, K618 },
	{ "6.18 endbr left unsealed", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa", NULL,
	  E(ENDBR_NOT_SEALED), 0, 0, K618 },
	{ "6.18 the 6.12 poison refused", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa",
	  "66 0f 1f 00", E(ENDBR_SEAL), 0, 0, K618 },
	{ "6.18 poison UDB byte off", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa",
	  "0f 1f 40 d7", E(ENDBR_SEAL), 3, 0, K618 },
	{ "6.18 endbr -> nop4 (not the poison)", HEKI_RW_ENDBR_SEAL,
	  "f3 0f 1e fa", "0f 1f 40 00", E(ENDBR_SEAL), 3, 0, K618 },
	{ "6.18 ELF poison rewritten with itself", HEKI_RW_ENDBR_SEAL,
	  "0f 1f 40 d6", NULL, 0, 0, 0, K618 },
	{ "6.18 ELF 6.12 poison is no ENDBR, left", HEKI_RW_ENDBR_SEAL,
	  "66 0f 1f 00", NULL, 0, 0, 0, K618 },
	{ "6.18 ELF 6.12 poison is no ENDBR, poisoned", HEKI_RW_ENDBR_SEAL,
	  "66 0f 1f 00", "0f 1f 40 d6", E(ENDBR_SEAL), 0, 0, K618 },
	{ "6.18 no endbr at the entry, poisoned", HEKI_RW_ENDBR_SEAL,
	  "55 48 89 e5", "0f 1f 40 d6", E(ENDBR_SEAL), 0, 0, K618 },
	{ "6.18 endbr site of 5 bytes", HEKI_RW_ENDBR_SEAL, "f3 0f 1e fa 90",
	  NULL, E(SITE_LENGTH), 0, 0, K618 },
	{ "6.12 direct call to the slot's function", HEKI_RW_ALTERNATIVE,
	  "ff 15 @pvslot", "e8 @pvfn 90", 0, 0, 0, K64 | DCALL, 0,
	  "e8 @paravirt_BUG" },
	{ "6.12 direct call, original kept (no words)", HEKI_RW_ALTERNATIVE,
	  "ff 15 @pvslot", NULL, 0, 0, 0, K64 | DCALL, 0, "e8 @paravirt_BUG" },
	{ "6.12 direct call, pad one off", HEKI_RW_ALTERNATIVE,
	  "ff 15 @pvslot", "e8 @pvfn 91", E(ALT_DIRECT_CALL), 5, 0,
	  K64 | DCALL, 0, "e8 @paravirt_BUG" },
	{ "6.12 direct call, other function", HEKI_RW_ALTERNATIVE,
	  "ff 15 @pvslot", "e8 @kfn 90", E(ALT_DIRECT_CALL), 1, 0,
	  K64 | DCALL, 0, "e8 @paravirt_BUG" },
	{ "6.12 direct call, nop_func -> add_nop(6)", HEKI_RW_ALTERNATIVE,
	  "ff 15 @pvslot", "66 0f 1f 44 00 00", 0, 0, 0, K64 | DCALL | PV_NOP,
	  0, "e8 @paravirt_BUG" },
	{ "6.12 direct call, NOPs while the slot holds a function",
	  HEKI_RW_ALTERNATIVE, "ff 15 @pvslot", "66 0f 1f 44 00 00",
	  E(ALT_DIRECT_CALL), 0, 0, K64 | DCALL, 0, "e8 @paravirt_BUG" },
	{ "6.12 direct call, NULL slot -> BUG_func", HEKI_RW_ALTERNATIVE,
	  "ff 15 @pvslot", "e8 @paravirt_BUG 90", 0, 0, 0,
	  K64 | DCALL | PV_NULL, 0, "e8 @paravirt_BUG" },
	{ "6.12 direct call, no pv_ops values, kernel text", HEKI_RW_ALTERNATIVE,
	  "ff 15 @pvslot", "e8 @kfn 90", 0, 0, 0,
	  K64 | DCALL | NO_PVOPS_VALUES, 0, "e8 @paravirt_BUG" },
	{ "issue10_finding4: 6.12 direct call, no pv_ops values, inside a kernel function",
	  HEKI_RW_ALTERNATIVE, "ff 15 @pvslot", "e8 @kfnmid 90",
	  E(TARGET_NOT_FUNCTION), 1, 0, K64 | DCALL | NO_PVOPS_VALUES, 0,
	  "e8 @paravirt_BUG" },
	{ "issue10_finding4: 6.12 direct call, no pv_ops values, into the site itself",
	  HEKI_RW_ALTERNATIVE, "ff 15 @pvslot", "e8 fd ff ff ff 90",
	  E(TARGET_NOT_FUNCTION), 1, 0, K64 | DCALL | NO_PVOPS_VALUES, 0,
	  "e8 @paravirt_BUG" },
	{ "6.12 direct call, no pv_ops values, outside text",
	  HEKI_RW_ALTERNATIVE, "ff 15 @pvslot", "e8 @outside 90",
	  E(TARGET_NOT_FUNCTION), 1, 0, K64 | DCALL | NO_PVOPS_VALUES, 0,
	  "e8 @paravirt_BUG" },
	{ "6.12 direct call, original not ff 15", HEKI_RW_ALTERNATIVE,
	  "e8 @kfn 90", NULL, E(ALT_DIRECT_CALL), 0, 0, K64 | DCALL, 0,
	  "e8 @paravirt_BUG" },
	{ "6.12 alternative 12 NOPs -> jmp8 + int3", HEKI_RW_ALTERNATIVE,
	  "90 90 90 90 90 90 90 90 90 90 90 90",
	  "eb 0a cc cc cc cc cc cc cc cc cc cc", 0, 0, 0, K64 },
	{ "6.1 alternative 12 NOPs -> jmp8 + int3 refused", HEKI_RW_ALTERNATIVE,
	  "90 90 90 90 90 90 90 90 90 90 90 90",
	  "eb 0a cc cc cc cc cc cc cc cc cc cc", E(ALT_FORBIDDEN), 0 },
	{ "6.12 alternative 9 NOPs -> nop9", HEKI_RW_ALTERNATIVE,
	  "90 90 90 90 90 90 90 90 90", "2e 0f 1f 84 00 00 00 00 00", 0, 0, 0,
	  K64 },
	{ "6.12 alternative 9 NOPs -> 6.1's nop8 + nop1", HEKI_RW_ALTERNATIVE,
	  "90 90 90 90 90 90 90 90 90", "0f 1f 84 00 00 00 00 00 90",
	  E(ALT_FORBIDDEN), 0, 0, K64 },
	{ "6.12 alternative jmp32 -> jmp8 + int3", HEKI_RW_ALTERNATIVE,
	  "90 90 90 90 90", "eb %target cc cc cc", 0, 0, 0, K64, 0,
	  "e9 @target" },
	{ "6.12 alternative jmp32 -> 6.1's jmp8 + nop3", HEKI_RW_ALTERNATIVE,
	  "90 90 90 90 90", "eb %target 0f 1f 00", E(ALT_FORBIDDEN), 2, 0, K64,
	  0, "e9 @target" },
	{ "6.12 call depth tracking on: refused", HEKI_RW_RETURN,
	  "e9 @__x86_return_thunk", NULL, E(CALL_DEPTH), 0, 0,
	  K64 | CALLDEPTH },
	{ "6.1 context ignores the 6.12 call depth bit", HEKI_RW_RETURN,
	  "e9 @__x86_return_thunk", NULL, 0, 0, 0, CALLDEPTH },

	/* sorted tables */
	{ "table unchanged", HEKI_RW_SORTED_TABLE, "=modfn =kfn", NULL, 0, 0,
	  HEKI_RW_SITE_ABS_TABLE },
	{ "table sorted", HEKI_RW_SORTED_TABLE, "=modfn =kfn =initfn",
	  "=kfn =modfn =initfn", 0, 0, HEKI_RW_SITE_ABS_TABLE },
	{ "table unsorted", HEKI_RW_SORTED_TABLE, "=modfn =kfn =initfn",
	  "=initfn =kfn =modfn", E(TABLE_FORBIDDEN), 8,
	  HEKI_RW_SITE_ABS_TABLE },
	{ "table entry replaced", HEKI_RW_SORTED_TABLE, "=modfn =kfn",
	  "=kfn =initfn", E(TABLE_FORBIDDEN), 0, HEKI_RW_SITE_ABS_TABLE },
	{ "table entry duplicated", HEKI_RW_SORTED_TABLE, "=kfn =kfn =modfn",
	  "=kfn =modfn =modfn", E(TABLE_FORBIDDEN), 0, HEKI_RW_SITE_ABS_TABLE },
};

static void run_case(const struct rcase *c)
{
	static __u8 text[TEXT_SIZE];
	struct heki_rw_site site;
	struct heki_rw_ctx ctx;
	struct heki_rw_fault f = { NULL, 0 };
	__u8 exp[64], act[64];
	__u64 pv[8] = { 0 }, n, na, rl = 0, va;
	int ret, want = c->want > 0 ? -c->want : c->want;

	memset(&ctx, 0, sizeof(ctx));
	memset(&site, 0, sizeof(site));
	fake_ctx_ksyms(&ctx);
	ctx.lookup = fake_lookup;
	ctx.mem_va[HEKI_MODLAYOUT_TEXT] = TEXT_VA;
	ctx.mem_size[HEKI_MODLAYOUT_TEXT] = TEXT_SIZE;
	ctx.mem_va[HEKI_MODLAYOUT_INIT_TEXT] = INIT_VA;
	ctx.mem_size[HEKI_MODLAYOUT_INIT_TEXT] = 0x1000;
	ctx.expected[HEKI_MODLAYOUT_TEXT] = text;
	if (c->ctxf & NO_FENTRY)
		ctx.ksym_known &= ~(1ULL << HEKI_RW_KSYM_FENTRY);
	if (c->ctxf & FTRACE)
		ctx.policy |= HEKI_RW_POLICY_FTRACE_CALLS;
	if (c->ctxf & UP)
		ctx.policy |= HEKI_RW_POLICY_UNIPROCESSOR;
	ctx.func_entry = func_entry;
	ctx.func_entry_arg = (void *)&c->ctxf;
	ctx.funcs = module_entries;
	ctx.nfuncs = sizeof(module_entries) / sizeof(module_entries[0]);
	if (c->ctxf & K64)
		ctx.kernel = HEKI_MODLAYOUT_LINUX_6_4;
	if (c->ctxf & K616)
		ctx.kernel = HEKI_MODLAYOUT_LINUX_6_16;
	if (c->ctxf & K618)
		ctx.kernel = HEKI_MODLAYOUT_LINUX_6_18;
	if (c->ctxf & CALLDEPTH) {
		static __u32 caps[24];

		caps[HEKI_X86_FEATURE_CALL_DEPTH_612 / 32] =
			1U << (HEKI_X86_FEATURE_CALL_DEPTH_612 % 32);
		ctx.capwords = caps;
		ctx.ncapwords = 24;
	}
	pv[PV_TYPE] = name_va("pvfn");
	if (c->ctxf & PV_NOP)
		pv[PV_TYPE] = ctx.ksym[HEKI_RW_KSYM_PARAVIRT_NOP];
	if (c->ctxf & PV_NULL)
		pv[PV_TYPE] = 0;
	if (!(c->ctxf & NO_PVOPS_VALUES)) {
		ctx.pv_ops = pv;
		ctx.pv_ops_count = 8;
	}

	va = SITE_VA + ((c->ctxf & UPPER) ? 0x20 : 0);
	n = assemble(c->exp, va, exp, sizeof(exp));
	na = c->act ? assemble(c->act, va, act, sizeof(act)) : n;
	if (!c->act)
		memcpy(act, exp, n);
	if (c->repl) {
		memset(text, 0, sizeof(text));
		rl = assemble(c->repl, REPL_VA, text + REPL_OFF, 64);
	}
	site.kind = c->kind;
	site.mem = HEKI_MODLAYOUT_TEXT;
	site.offset = SITE_OFF + (va - SITE_VA);
	site.va = va;
	site.len = c->len ? c->len : n;
	site.flags = c->flags;
	site.target_va = name_va("target");
	site.aux = c->kind == HEKI_RW_SORTED_TABLE ? 8 : PV_TYPE;
	if (c->ctxf & DCALL)	/* ALT_DIRECT_CALL(X86_FEATURE_ALWAYS) */
		site.aux = HEKI_ALT_FLAG_DIRECT_CALL | (3 * 32 + 21);
	site.repl_mem = HEKI_MODLAYOUT_TEXT;
	site.repl_offset = REPL_OFF;
	site.repl_len = rl;
	site.repl_va = REPL_VA;
	if (na < site.len)
		memset(act + na, 0, site.len - na);
	ret = rw_check_exact(&ctx, &site, exp, act, &f);
	check_group(ret == want && (!ret || f.at == c->at) && (!ret || f.rule),
		 "rules", c->name,
		 "got %d (%s) at %llu [%s], want %d (%s) at %llu", ret,
		 check_err_name(ret), f.at, f.rule ? f.rule : "-", want,
		 check_err_name(want), c->at);
}

/*
 * Overlapping sites as the engine offers them: an alternative spanning a
 * paravirt site (6.1 PVOP_ALT_*): the alternative rule accepts its applied
 * replacement over the whole cluster but refuses the paravirt-patched
 * bytes, which the inner paravirt rule accepts on its own.
 */
static void test_overlap(void)
{
	static __u8 text[TEXT_SIZE];
	struct heki_rw_ctx ctx;
	struct heki_rw_site alt, pv;
	struct heki_rw_fault f;
	__u8 exp[16], act[16];
	__u64 pvv[8] = { 0 };
	int r1, r2, r3;

	memset(&ctx, 0, sizeof(ctx));
	fake_ctx_ksyms(&ctx);
	pvv[PV_TYPE] = name_va("pvfn");
	ctx.pv_ops = pvv;
	ctx.pv_ops_count = 8;
	ctx.mem_va[HEKI_MODLAYOUT_TEXT] = TEXT_VA;
	ctx.mem_size[HEKI_MODLAYOUT_TEXT] = TEXT_SIZE;
	ctx.expected[HEKI_MODLAYOUT_TEXT] = text;
	text[REPL_OFF] = 0xfa;	/* cli */
	memset(&alt, 0, sizeof(alt));
	alt.kind = HEKI_RW_ALTERNATIVE;
	alt.va = SITE_VA;
	alt.len = 6;
	alt.repl_len = 1;
	alt.repl_offset = REPL_OFF;
	alt.repl_va = REPL_VA;
	pv = alt;
	pv.kind = HEKI_RW_PARAVIRT;
	pv.aux = PV_TYPE;
	pv.flags = HEKI_RW_SITE_INNER;
	assemble("ff 15 @pvslot", SITE_VA, exp, sizeof(exp));
	assemble("fa 0f 1f 44 00 00", SITE_VA, act, sizeof(act));
	r1 = rw_check_exact(&ctx, &alt, exp, act, &f);
	assemble("e8 @pvfn 90", SITE_VA, act, sizeof(act));
	r2 = rw_check_exact(&ctx, &alt, exp, act, &f);
	r3 = rw_check_exact(&ctx, &pv, exp, act, &f);
	check_group(!r1, "overlap", "alternative over paravirt: cli applied",
		 "%s", check_err_name(r1));
	check_group(r2 == -HEKI_VSM_ERR_REWRITE_ALT_FORBIDDEN, "overlap",
		 "alternative over paravirt: paravirt bytes not the alt's",
		 "%s", check_err_name(r2));
	check_group(!r3, "overlap", "inner paravirt accepts its call", "%s",
		 check_err_name(r3));
}

/* ---- self-relative sorted tables ---------------------------------------- */

#define TBL_VA		(TEXT_VA + 0x2000)
#define MODKEY		(INIT_VA - 0x100000 + 0x40)	/* module data */

struct tent {		/* absolute fields of one entry */
	__u64 f0, f1, f2;
};

/* Encode @n entries of size @es at TBL_VA (the kernel's layouts). */
static void tbl_encode(__u8 *buf, __u32 es, const struct tent *e, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		__u8 *p = buf + i * es;
		__u64 va = TBL_VA + (__u64)i * es;
		__s32 r0 = (__s32)(e[i].f0 - va), r1 = (__s32)(e[i].f1 - va - 4);
		__s64 r2 = (__s64)(e[i].f2 - va - 8);
		__u32 d = (__u32)e[i].f2;

		memcpy(p, &r0, 4);
		if (es >= 8)
			memcpy(p + 4, &r1, 4);
		if (es == 12)
			memcpy(p + 8, &d, 4);
		if (es == 16)
			memcpy(p + 8, &r2, 8);
	}
}

struct tcase {
	const char *name;
	__u32 es;
	int n;
	struct tent exp[3], act[3];
	int want;
	const __u8 *orc_e, *orc_a;	/* pair for ip tables */
};

#define A1 (TEXT_VA + 0x100)
#define A2 (TEXT_VA + 0x200)
#define I1 (INIT_VA + 0x20)
#define F1 (TEXT_VA + 0x3100)
#define F2 (TEXT_VA + 0x3200)

static const __u8 orc_e[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
static const __u8 orc_sw[12] = { 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6 };

static const struct tcase tcases[] = {
	{ "ex_table sorted, rebased", 12, 2,
	  { { A2, F2, 1 }, { A1, F1, 2 } }, { { A1, F1, 2 }, { A2, F2, 1 } },
	  0 },
	{ "ex_table sorted, data not moved", 12, 2,
	  { { A2, F2, 1 }, { A1, F1, 2 } }, { { A1, F1, 1 }, { A2, F2, 2 } },
	  E(TABLE_FORBIDDEN) },
	{ "ex_table fixup redirected", 12, 2,
	  { { A2, F2, 1 }, { A1, F1, 2 } }, { { A1, F2, 2 }, { A2, F2, 1 } },
	  E(TABLE_FORBIDDEN) },
	{ "ex_table reordered but unsorted", 12, 3,
	  { { A2, F2, 1 }, { A1, F1, 2 }, { I1, F1, 3 } },
	  { { A2, F2, 1 }, { I1, F1, 3 }, { A1, F1, 2 } }, E(TABLE_FORBIDDEN) },
	{ "orc_unwind_ip sorted with its ORC pairs", 4, 2,
	  { { A2 }, { A1 } }, { { A1 }, { A2 } }, 0, orc_e, orc_sw },
	{ "orc_unwind_ip unchanged, ORC pairs swapped", 4, 2,
	  { { A1 }, { A2 } }, { { A1 }, { A2 } }, E(TABLE_FORBIDDEN), orc_e,
	  orc_sw },
	{ "orc_unwind_ip sorted, ORC pairs left", 4, 2,
	  { { A2 }, { A1 } }, { { A1 }, { A2 } }, E(TABLE_FORBIDDEN), orc_e,
	  orc_e },
	{ "jump_table sorted by key, init bit set for init code only", 16, 2,
	  { { A1, A2, MODKEY + 0x12 }, { I1, A2, MODKEY + 0x2 } },
	  { { I1, A2, MODKEY + 0x2 }, { A1, A2, MODKEY + 0x10 } }, 0 },
	{ "jump_table init bit left on core code", 16, 2,
	  { { A1, A2, MODKEY + 0x12 }, { I1, A2, MODKEY + 0x2 } },
	  { { I1, A2, MODKEY + 0x2 }, { A1, A2, MODKEY + 0x12 } },
	  E(TABLE_FORBIDDEN) },
	{ "jump_table branch bit flipped", 16, 2,
	  { { A1, A2, MODKEY + 0x12 }, { I1, A2, MODKEY + 0x2 } },
	  { { I1, A2, MODKEY + 0x3 }, { A1, A2, MODKEY + 0x10 } },
	  E(TABLE_FORBIDDEN) },
	{ "jump_table same key not sorted by code", 16, 2,
	  { { A2, A2, MODKEY }, { A1, A2, MODKEY + 1 } },
	  { { A2, A2, MODKEY }, { A1, A2, MODKEY + 1 } }, 0 },
	{ "static_call_sites trampoline key re-keyed", 8, 2,
	  { { A1, KTEXT_LO + 0x1000 + 1 }, { A2, MODKEY } },
	  { { A2, MODKEY }, { A1, MODKEY + 0x80 + 1 } }, 0 },
	{ "static_call_sites re-keyed into kernel text", 8, 2,
	  { { A1, KTEXT_LO + 0x1000 + 1 }, { A2, MODKEY } },
	  { { A2, MODKEY }, { A1, KTEXT_LO + 0x2000 + 1 } },
	  E(TABLE_FORBIDDEN) },
	{ "static_call_sites tail flag dropped", 8, 2,
	  { { A1, KTEXT_LO + 0x1000 + 1 }, { A2, MODKEY } },
	  { { A2, MODKEY }, { A1, MODKEY + 0x80 } }, E(TABLE_FORBIDDEN) },
	{ "static_call_sites module key changed", 8, 2,
	  { { A1, MODKEY + 0x40 }, { A2, MODKEY } },
	  { { A2, MODKEY }, { A1, MODKEY + 0x80 } }, E(TABLE_FORBIDDEN) },
	{ "static_call_sites init site flagged", 8, 2,
	  { { I1, MODKEY + 0x40 }, { A2, MODKEY } },
	  { { A2, MODKEY }, { I1, MODKEY + 0x42 } }, 0 },
};

static void test_tables(void)
{
	static __u8 text[TEXT_SIZE], atext[TEXT_SIZE];
	struct heki_rw_ctx ctx;
	struct heki_rw_site site;
	struct heki_rw_fault f;
	__u8 e[64], a[64];
	size_t i;
	int ret, want;

	for (i = 0; i < ARRAY_SIZE(tcases); i++) {
		const struct tcase *c = &tcases[i];

		memset(&ctx, 0, sizeof(ctx));
		fake_ctx_ksyms(&ctx);
		ctx.mem_va[HEKI_MODLAYOUT_TEXT] = TEXT_VA;
		ctx.mem_size[HEKI_MODLAYOUT_TEXT] = TEXT_SIZE;
		ctx.mem_va[HEKI_MODLAYOUT_INIT_TEXT] = INIT_VA;
		ctx.mem_size[HEKI_MODLAYOUT_INIT_TEXT] = 0x1000;
		ctx.expected[HEKI_MODLAYOUT_TEXT] = text;
		ctx.actual[HEKI_MODLAYOUT_TEXT] = atext;
		memset(&site, 0, sizeof(site));
		site.kind = HEKI_RW_SORTED_TABLE;
		site.mem = HEKI_MODLAYOUT_TEXT;
		site.offset = TBL_VA - TEXT_VA;
		site.va = TBL_VA;
		site.aux = c->es;
		site.len = c->es * c->n;
		if (c->orc_e) {
			memcpy(text + 0x3800, c->orc_e, 6 * c->n);
			memcpy(atext + 0x3800, c->orc_a, 6 * c->n);
			site.repl_mem = HEKI_MODLAYOUT_TEXT;
			site.repl_offset = 0x3800;
			site.repl_len = 6 * c->n;
		}
		tbl_encode(e, c->es, c->exp, c->n);
		tbl_encode(a, c->es, c->act, c->n);
		ret = rw_check_exact(&ctx, &site, e, a, &f);
		want = c->want > 0 ? -c->want : c->want;
		check_group(ret == want, "tables", c->name, "got %s, want %s",
			 check_err_name(ret), check_err_name(want));
	}
	/* .orc_unwind alone, an unknown entry size. */
	site.aux = 6;
	site.len = 12;
	site.repl_len = 0;
	ret = rw_check_exact(&ctx, &site, orc_e, orc_sw, &f);
	check_group(!ret, "tables", "orc_unwind permuted", "%s", check_err_name(ret));
	memcpy(a, orc_sw, 12);
	a[3] ^= 1;
	ret = rw_check_exact(&ctx, &site, orc_e, a, &f);
	check_group(ret == -HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN, "tables",
		 "orc_unwind entry changed", "%s", check_err_name(ret));
	site.aux = 24;
	site.len = 48;
	memset(e, 0, 48);
	memset(a, 1, 48);
	ret = rw_check_exact(&ctx, &site, e, a, &f);
	check_group(ret == -HEKI_VSM_ERR_REWRITE_TABLE_UNSUPPORTED, "tables",
		 "unknown entry size", "%s", check_err_name(ret));
	site.aux = 7;
	ret = rw_check_exact(&ctx, &site, e, a, &f);
	check_group(ret == -HEKI_VSM_ERR_REWRITE_TABLE_ENTRY, "tables",
		 "size not a multiple of the entry", "%s", check_err_name(ret));
}

/*
 * A retpoline site inside an alternative's replacement is rewritten before
 * the replacement is copied: the alternative then holds the copy of the
 * replacement as memory has it. Only with the memory copy in the context.
 */
static void test_alt_patched_replacement(void)
{
	static __u8 text[TEXT_SIZE], atext[TEXT_SIZE];
	struct heki_rw_ctx ctx;
	struct heki_rw_site site;
	struct heki_rw_fault f;
	__u8 exp[16], act[16];
	int r1, r2;

	memset(&ctx, 0, sizeof(ctx));
	fake_ctx_ksyms(&ctx);
	ctx.mem_va[HEKI_MODLAYOUT_TEXT] = TEXT_VA;
	ctx.mem_size[HEKI_MODLAYOUT_TEXT] = TEXT_SIZE;
	ctx.expected[HEKI_MODLAYOUT_TEXT] = text;
	assemble("e8 @__x86_indirect_thunk_rax", REPL_VA, text + REPL_OFF, 8);
	memcpy(atext, text, sizeof(atext));
	assemble("ff d0 0f 1f 00", REPL_VA, atext + REPL_OFF, 8);
	memset(&site, 0, sizeof(site));
	site.kind = HEKI_RW_ALTERNATIVE;
	site.va = SITE_VA;
	site.offset = SITE_OFF;
	site.len = 6;
	site.repl_offset = REPL_OFF;
	site.repl_len = 5;
	site.repl_va = REPL_VA;
	assemble("e8 @kfn 90", SITE_VA, exp, sizeof(exp));
	assemble("ff d0 0f 1f 00 90", SITE_VA, act, sizeof(act));
	r1 = rw_check_exact(&ctx, &site, exp, act, &f);
	ctx.actual[HEKI_MODLAYOUT_TEXT] = atext;
	r2 = rw_check_exact(&ctx, &site, exp, act, &f);
	check_group(r1 == -HEKI_VSM_ERR_REWRITE_ALT_FORBIDDEN, "rules",
		 "alt patched replacement refused without memory copy", "%s",
		 check_err_name(r1));
	check_group(!r2, "rules", "alt patched replacement accepted from memory",
		 "%s", check_err_name(r2));
}

/* heki_rw_match_nops(): the bytes of an unapplied alternative. */
static void test_match_nops(void)
{
	static const struct {
		const char *name, *exp, *act;
		__u64 want;
	} m[] = {
		{ "match_nops equal", "e8 00 00 00 00 90 90 90",
		  "e8 00 00 00 00 90 90 90", 8 },
		{ "match_nops run optimised", "e8 00 00 00 00 90 90 90",
		  "e8 00 00 00 00 0f 1f 00", 8 },
		{ "match_nops run wrongly optimised", "e8 00 00 00 00 90 90 90",
		  "e8 00 00 00 00 66 90 90", 5 },
		{ "match_nops single 90 kept", "55 90 c3", "55 90 c3", 3 },
		{ "match_nops single 90 changed", "55 90 c3", "55 cc c3", 1 },
		{ "match_nops other byte changed", "55 90 90 c3",
		  "55 66 90 c2", 3 },
		{ "match_nops 10-byte run", "90 90 90 90 90 90 90 90 90 90",
		  "0f 1f 84 00 00 00 00 00 66 90", 10 },
	};
	__u8 e[16], a[16];
	__u64 n, got;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(m); i++) {
		n = assemble(m[i].exp, SITE_VA, e, sizeof(e));
		assemble(m[i].act, SITE_VA, a, sizeof(a));
		got = heki_rw_match_nops(e, a, n);
		check_group(got == m[i].want, "rules", m[i].name,
			 "got %llu, want %llu", got, m[i].want);
	}
}

static void test_kind_names(void)
{
	check_group(!strcmp(heki_rw_kind_name(HEKI_RW_MCOUNT), "mcount") &&
		 !strcmp(heki_rw_kind_name(HEKI_RW_SORTED_TABLE),
			 "sorted table") &&
		 !strcmp(heki_rw_kind_name(HEKI_RW_NR_KINDS), "?"),
		 "rules", "kind names", "wrong name");
}

/* Site lengths the entry point refuses before any rule. */
static void test_lengths(void)
{
	static __u8 buf[HEKI_RW_MAX_SITE_LEN + 1];
	struct heki_rw_ctx ctx;
	struct heki_rw_site site;
	struct heki_rw_fault f;
	int r0, r1;

	memset(&ctx, 0, sizeof(ctx));
	memset(&site, 0, sizeof(site));
	site.kind = HEKI_RW_ALTERNATIVE;
	r0 = heki_rw_check(&ctx, &site, buf, buf, &f);
	site.len = HEKI_RW_MAX_SITE_LEN + 1;
	r1 = heki_rw_check(&ctx, &site, buf, buf, &f);
	check_group(r0 == -HEKI_VSM_ERR_REWRITE_SITE_LENGTH, "rules",
		 "site of 0 bytes", "%s", check_err_name(r0));
	check_group(r1 == -HEKI_VSM_ERR_REWRITE_SITE_LENGTH, "rules",
		 "site of 256 bytes", "%s", check_err_name(r1));
}

void test_rules(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	test_overlap();
	test_tables();
	test_alt_patched_replacement();
	test_match_nops();
	test_kind_names();
	test_lengths();
}

int main(int argc, char **argv)
{
	const char *root = NULL;
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--modules") && i + 1 < argc)
			root = argv[++i];
	test_rules();
	if (root)
		test_realmods(root);
	return check_done();
}

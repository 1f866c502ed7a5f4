// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Rewrite-site tables of real modules, after layout and relocation: each
 * entry must locate the instruction its rewrite expects, in the relocated
 * bytes (linux-6.1-module-load.md §2). This is the ground truth the
 * issue-5 rewrite rules will be built on, and an end-to-end check that
 * the self-relative (PC32) and absolute (64) tables relocate correctly.
 * One test per table per module; the first bad entry is reported.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define G "sites"

static const char * const thunk_regs[] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10",
	"r11", "r12", "r13", "r14", "r15",
};

static __s32 s32_at(const __u8 *p)
{
	__s32 v;

	memcpy(&v, p, 4);
	return v;
}

/* Relocated table @name: section index, bytes, VA and entry count. */
static int table(const struct modctx *c, const char *name, __u64 entsize,
		 __u32 *idx, __u64 *n)
{
	if (heki_elf_find_section(&c->elf, name, HEKI_SHF_ALLOC, idx) ||
	    !c->bufs[*idx])
		return 0;
	*n = c->lay.sects[*idx].size / entsize;
	return 1;
}

/* Target of "e8/e9 rel32" or "0f 8x rel32" at @site, 0 if neither. */
static __u64 branch_target(const struct modctx *c, __u64 site)
{
	const __u8 *p = modctx_at(c, site, 6);

	if (!p)
		p = modctx_at(c, site, 5);
	if (!p)
		return 0;
	if (p[0] == 0xe8 || p[0] == 0xe9)
		return site + 5 + (__u64)(__s64)s32_at(p + 1);
	if (p[0] == 0x0f && (p[1] & 0xf0) == 0x80 && modctx_at(c, site, 6))
		return site + 6 + (__u64)(__s64)s32_at(p + 2);
	return 0;
}

static void report(int ok, const char *path, const char *tbl, __u64 i,
		   __u64 site)
{
	char name[4200];

	snprintf(name, sizeof(name), "%s %s", path, tbl);
	check_group(ok, G, name, "entry %llu, site %#llx", i, site);
}

/* .return_sites: e9 rel32 -> __x86_return_thunk. */
static void check_return_sites(const struct modctx *c, const char *path)
{
	__u64 thunk = fake_export("__x86_return_thunk"), n, i, e, site = 0;
	const __u8 *p;
	__u32 idx;

	if (!table(c, ".return_sites", 4, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		e = c->va[idx] + 4 * i;
		site = e + (__u64)(__s64)s32_at(c->bufs[idx] + 4 * i);
		p = modctx_at(c, site, 5);
		if (!p || p[0] != 0xe9 || branch_target(c, site) != thunk)
			break;
	}
	report(i == n, path, ".return_sites", i, site);
}

/*
 * .retpoline_sites: [2e] call/jmp rel32 or jcc rel32 ->
 * __x86_indirect_thunk_<reg>.
 */
static void check_retpoline_sites(const struct modctx *c, const char *path)
{
	__u64 thunks[ARRAY_SIZE(thunk_regs)], n, i, site = 0, t;
	const __u8 *p;
	char nm[64];
	__u32 idx;
	size_t r;

	if (!table(c, ".retpoline_sites", 4, &idx, &n))
		return;
	for (r = 0; r < ARRAY_SIZE(thunk_regs); r++) {
		snprintf(nm, sizeof(nm), "__x86_indirect_thunk_%s",
			 thunk_regs[r]);
		thunks[r] = fake_export(nm);
	}
	for (i = 0; i < n; i++) {
		site = c->va[idx] + 4 * i +
		       (__u64)(__s64)s32_at(c->bufs[idx] + 4 * i);
		/* -mindirect-branch-cs-prefix: "2e" before r8..r15 thunks. */
		p = modctx_at(c, site, 1);
		t = branch_target(c, site + (p && p[0] == 0x2e));
		for (r = 0; r < ARRAY_SIZE(thunks) && thunks[r] != t; r++)
			;
		if (r == ARRAY_SIZE(thunks))
			break;
	}
	report(i == n, path, ".retpoline_sites", i, site);
}

/* __jump_table: code holds a NOP2/NOP5 or a jmp to the entry's target. */
static void check_jump_table(const struct modctx *c, const char *path)
{
	static const __u8 nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	__u64 n, i, e, code = 0, target;
	const __u8 *p, *q;
	__u32 idx;
	int ok;

	if (!table(c, "__jump_table", 16, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		q = c->bufs[idx] + 16 * i;
		e = c->va[idx] + 16 * i;
		code = e + (__u64)(__s64)s32_at(q);
		target = e + 4 + (__u64)(__s64)s32_at(q + 4);
		p = modctx_at(c, code, 2);
		ok = p && ((p[0] == 0x66 && p[1] == 0x90) ||
			   (p[0] == 0xeb && code + 2 + (__u64)(__s64)(__s8)p[1] ==
			    target));
		p = ok ? NULL : modctx_at(c, code, 5);
		if (p)
			ok = !memcmp(p, nop5, 5) ||
			     (p[0] == 0xe9 && branch_target(c, code) == target);
		if (!ok)
			break;
	}
	report(i == n, path, "__jump_table", i, code);
}

/* .static_call_sites: call/jmp rel32 to a static call trampoline. */
static void check_static_call_sites(const struct modctx *c, const char *path)
{
	__u64 n, i, site = 0, t, lo = 0, hi = 0;
	const __u8 *p;
	__u32 idx, tramp;

	if (!table(c, ".static_call_sites", 8, &idx, &n))
		return;
	if (!heki_elf_find_section(&c->elf, ".static_call.text",
				   HEKI_SHF_ALLOC, &tramp) && c->bufs[tramp]) {
		lo = c->va[tramp];
		hi = lo + c->lay.sects[tramp].size;
	}
	for (i = 0; i < n; i++) {
		site = c->va[idx] + 8 * i +
		       (__u64)(__s64)s32_at(c->bufs[idx] + 8 * i);
		p = modctx_at(c, site, 5);
		t = branch_target(c, site);
		if (!p || (p[0] != 0xe8 && p[0] != 0xe9) || !t)
			break;
		/* Exports are fake addresses below module space. */
		if (!(t >= lo && t < hi) && t >= 0xffffffffc0000000ULL)
			break;
	}
	report(i == n, path, ".static_call_sites", i, site);
}

/* .altinstructions: original inside text, replacement inside its section. */
static void check_altinstructions(const struct modctx *c, const char *path)
{
	__u64 n, i, e, instr = 0, repl, rlo = 0, rhi = 0;
	const __u8 *q;
	__u32 idx, ridx;
	__u8 ilen, rlen;

	if (!table(c, ".altinstructions", 12, &idx, &n))
		return;
	if (!heki_elf_find_section(&c->elf, ".altinstr_replacement",
				   HEKI_SHF_ALLOC, &ridx) && c->bufs[ridx]) {
		rlo = c->va[ridx];
		rhi = rlo + c->lay.sects[ridx].size;
	}
	for (i = 0; i < n; i++) {
		q = c->bufs[idx] + 12 * i;
		e = c->va[idx] + 12 * i;
		instr = e + (__u64)(__s64)s32_at(q);
		repl = e + 4 + (__u64)(__s64)s32_at(q + 4);
		ilen = q[10];
		rlen = q[11];
		if (rlen > ilen || !modctx_at(c, instr, ilen ? ilen : 1))
			break;
		if (rlen && !(repl >= rlo && repl + rlen <= rhi))
			break;
	}
	report(i == n, path, ".altinstructions", i, instr);
}

/* .parainstructions: "ff 15 rel32" -> pv_ops[type], len >= 6. */
static void check_parainstructions(const struct modctx *c, const char *path)
{
	__u64 pv_ops = fake_export("pv_ops"), n, i, instr = 0;
	const __u8 *p, *q;
	__u32 idx;

	if (!table(c, ".parainstructions", 16, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		q = c->bufs[idx] + 16 * i;
		memcpy(&instr, q, 8);
		p = modctx_at(c, instr, 6);
		if (!p || q[9] < 6 || p[0] != 0xff || p[1] != 0x15 ||
		    instr + 6 + (__u64)(__s64)s32_at(p + 2) != pv_ops + 8ULL * q[8])
			break;
	}
	report(i == n, path, ".parainstructions", i, instr);
}

/* .smp_locks: each entry points at a lock prefix. */
static void check_smp_locks(const struct modctx *c, const char *path)
{
	__u64 n, i, site = 0;
	const __u8 *p;
	__u32 idx;

	if (!table(c, ".smp_locks", 4, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		site = c->va[idx] + 4 * i +
		       (__u64)(__s64)s32_at(c->bufs[idx] + 4 * i);
		p = modctx_at(c, site, 1);
		if (!p || p[0] != 0xf0)
			break;
	}
	report(i == n, path, ".smp_locks", i, site);
}

void test_sites(const struct modctx *c, const char *path)
{
	check_return_sites(c, path);
	check_retpoline_sites(c, path);
	check_jump_table(c, path);
	check_static_call_sites(c, path);
	check_altinstructions(c, path);
	check_parainstructions(c, path);
	check_smp_locks(c, path);
}

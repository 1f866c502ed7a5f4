// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_scall.c - PatchText at the static call sites and trampolines a
 * validated module's signed ELF names (issue 11/12: static_call_update()
 * of a module's keys after its load, kvm_amd -> kvm, 7.2 xor/raid6_pq).
 *
 * The module (put_module_scalls()) defines the trampoline __SCT__k
 * ("jmp f1; ud1"), the functions f1 and f2, and names a call site C and a
 * tail-call site J of key k in .static_call_sites, both through the
 * trampoline. The kernel's forms are accepted with the oracle holding
 * after every call; everything else is refused with its exact code and
 * leaves the site's bytes as they were.
 */
#include "test.h"
#include "modsim.h"
#include "core/core.h"

#define PATCH		VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE
#define VALIDATE	VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE
#define FREE_INIT	VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT_VALUE
#define UNLOAD		VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE
#define DESC_PA		(DATA_PA + 0x30000)
#define ELF_PA		(DATA_PA + 0x20000)
#define MPATCH_PA	(DATA_PA + 0x38000)
#define MOD_PA		(MEM_PA + 0x200000)
#define C_PA		(MOD_PA + MODSIM_SC_CALL)
#define J_PA		(MOD_PA + MODSIM_SC_TAIL)
#define T_PA		(MOD_PA + MODSIM_SC_TRAMP)
/* load_kdata_basic()'s two kernel sites */
#define KERNEL_SITES	2

static const __u8 nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
static const __u8 ret5[5] = { 0xc3, 0xcc, 0xcc, 0xcc, 0xcc };

static __s64 patch(struct guest *g, __u64 pa, __u8 size, const __u8 *code)
{
	struct heki_patch p;

	memset(&p, 0, sizeof(p));
	p.pa[0] = pa;
	p.size = size;
	memcpy(p.code, code, size);
	guest_write(g, DESC_PA, &p, sizeof(p));
	return guest_call(g, PATCH, DESC_PA, 0, 0);
}

static int bytes_are(struct guest *g, __u64 pa, const __u8 *want)
{
	__u8 b[5];

	guest_read(g, pa, b, 5);
	return !memcmp(b, want, 5);
}

/* The three text_poke_bp steps: int3, bytes 1..4, byte 0. */
static int poke(struct guest *g, __u64 pa, const __u8 *to)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;

	return patch(g, pa, 1, &int3) == 0 && patch(g, pa + 1, 4, to + 1) == 0 &&
	       patch(g, pa, 1, to) == 0 && bytes_are(g, pa, to);
}

/* Kernel text protected and LoadKData, as t_patch.c's kernel_text(). */
static __s64 load_kernel(struct guest *g)
{
	struct heki_range k = rng(KVA(MEM_PA), MEM_PA, MEM_PA + 0x6000,
				  heki_mem_attr_raw(MEM_ATTR_READ |
						    MEM_ATTR_EXEC));
	__s64 ret;

	ret = call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, &k, 1,
			 0);
	return ret ? ret : load_kdata_basic(g);
}

/*
 * The module in frames from @pa on (text at @pa and @pa + 0x6000), its
 * signed image at @elf_pa, @x its options; returns ValidateModule's
 * result and the VA of its text through @text_va.
 */
static __s64 load_module_recs(struct guest *g, __u64 pa, __u64 elf_pa,
			      const struct modsim_scall *x, __u64 *text_va,
			      const struct heki_patch *recs, __u32 nrecs)
{
	struct heki_patch_info pi;
	struct heki_range r[9];
	__u32 n = 0;

	r[n++] = rng(0, pa, pa + 0x1000, HEKI_MOD_MEM_TEXT_VALUE);
	r[n++] = rng(0, pa + 0x6000, pa + 0x7000, HEKI_MOD_MEM_TEXT_VALUE);
	r[n++] = rng(0, pa + 0x1000, pa + 0x2000,
		     HEKI_MOD_MEM_INIT_TEXT_VALUE);
	r[n++] = rng(0, pa + 0x2000, pa + 0x3000,
		     HEKI_MOD_MEM_RO_AFTER_INIT_VALUE);
	r[n++] = rng(0, pa + 0x3000, pa + 0x4000, HEKI_MOD_MEM_DATA_VALUE);
	r[n++] = rng(0, pa + 0x4000, pa + 0x5000, HEKI_MOD_MEM_DATA_VALUE);
	r[n++] = rng(0, pa + 0x5000, pa + 0x6000,
		     HEKI_MOD_MEM_INIT_DATA_VALUE);
	r[n] = rng(KVA(elf_pa), elf_pa, elf_pa, HEKI_MOD_MEM_ELF_BUFFER_VALUE);
	r[n].epa += put_module_scalls(g, elf_pa, 7, r, n, x);
	*text_va = r[0].va;
	n++;
	if (nrecs) {
		memset(&pi, 0, sizeof(pi));
		pi.patch_index = nrecs;
		pi.max_patch_count = nrecs;
		guest_write(g, MPATCH_PA, &pi, sizeof(pi));
		guest_write(g, MPATCH_PA + sizeof(pi), recs,
			    sizeof(*recs) * nrecs);
		r[n++] = rng(KVA(MPATCH_PA), MPATCH_PA, MPATCH_PA + sizeof(pi) +
			     sizeof(*recs) * nrecs, HEKI_MOD_MEM_PATCH_VALUE);
	}
	return call_chain(g, VALIDATE, r, n, 0);
}

static __s64 load_module(struct guest *g, __u64 pa, __u64 elf_pa,
			 const struct modsim_scall *x, __u64 *text_va)
{
	return load_module_recs(g, pa, elf_pa, x, text_va, NULL, 0);
}

static __s64 load(struct guest *g, __u64 *text_va)
{
	static const struct modsim_scall x;
	__s64 ret = load_kernel(g);

	return ret ? ret : load_module(g, MOD_PA, ELF_PA, &x, text_va);
}

/* "@op rel32" at text offset @at to text VA @to. */
static void enc(__u8 *b, __u8 op, __u64 text_va, __u64 at, __u64 to)
{
	__u32 rel = (__u32)(to - (text_va + at + 5));

	b[0] = op;
	memcpy(b + 1, &rel, 4);
}

static struct guest *loaded(__u64 *text_va)
{
	struct guest *g = guest_new();

	CHECK_EQ(load(g, text_va), 0);
	return g;
}

TEST(scall_sites_and_trampoline_derived_from_the_signed_elf)
{
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5];

	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KERNEL_SITES + 3);
	/* as loaded: call / jmp __SCT__k, the trampoline jmp f1 */
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_TRAMP);
	CHECK(bytes_are(g, C_PA, b));
	enc(b, 0xe9, tv, MODSIM_SC_TRAMP, tv + MODSIM_SC_F1);
	CHECK(bytes_are(g, T_PA, b));
	guest_free(g);
}

/* static_call_update(k, f2), then NULL, then back, as the kernel writes. */
TEST(scall_kernel_forms_accepted_at_call_site)
{
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5];

	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F2);
	CHECK(poke(g, C_PA, b));
	CHECK(poke(g, C_PA, nop5));
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1);
	CHECK(poke(g, C_PA, b));
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_TRAMP);
	CHECK(poke(g, C_PA, b));
	guest_free(g);
}

TEST(scall_kernel_forms_accepted_at_tail_site_and_trampoline)
{
	static const __u64 at[2] = { MODSIM_SC_TAIL, MODSIM_SC_TRAMP };
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5];
	__u32 i;

	for (i = 0; i < 2; i++) {
		__u64 pa = MOD_PA + at[i];

		enc(b, 0xe9, tv, at[i], tv + MODSIM_SC_F2);
		CHECK(poke(g, pa, b));
		CHECK(poke(g, pa, ret5));
		enc(b, 0xe9, tv, at[i], tv + MODSIM_SC_F1);
		CHECK(poke(g, pa, b));
	}
	guest_free(g);
}

/*
 * What an attacker in VTL0 would try at the sites; each refused with its
 * code, the site holding what it held before the refused step.
 */
TEST(scall_attacker_requests_refused)
{
	enum what { TAIL_TO, HEAD_OP, INT3_AT };
	static const struct {
		const char *name;
		enum what what;
		__u64 site;	/* text offset of the site */
		__u8 op;	/* opcode of the form asked for */
		__s64 to;	/* its target, a text offset (< 0: absolute) */
		__s64 code;
		const char *log;
	} bad[] = {
		{ "call into the middle of f1", TAIL_TO, MODSIM_SC_CALL, 0xe8,
		  MODSIM_SC_F1 + 4, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "call into text past every function", TAIL_TO, MODSIM_SC_CALL,
		  0xe8, 0x1700, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "call into unvalidated kernel memory", TAIL_TO,
		  MODSIM_SC_CALL, 0xe8, -(__s64)0x100, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "call __pfx_f2 (F2)", TAIL_TO, MODSIM_SC_CALL, 0xe8,
		  MODSIM_SC_PFX_F2, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "jmp __cfi_f1 at the trampoline (F2)", TAIL_TO,
		  MODSIM_SC_TRAMP, 0xe9, MODSIM_SC_CFI_F1, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "trampoline jmp into its own ud1", TAIL_TO, MODSIM_SC_TRAMP,
		  0xe9, MODSIM_SC_TRAMP + 5, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "jmp written at a call site", HEAD_OP, MODSIM_SC_CALL, 0xe9,
		  MODSIM_SC_F1, RET_ERR(HEKI_EACCES), "TEXT_PATCH_SUSPICIOUS" },
		{ "call written at a tail site", HEAD_OP, MODSIM_SC_TAIL, 0xe8,
		  MODSIM_SC_F1, RET_ERR(HEKI_EACCES), "TEXT_PATCH_SUSPICIOUS" },
		{ "xor-rax without __static_call_return0", HEAD_OP,
		  MODSIM_SC_CALL, 0x2e, 0, RET_ERR(HEKI_EACCES),
		  "TEXT_PATCH_SUSPICIOUS" },
		{ "int3 at a function the ELF names no site at", INT3_AT,
		  MODSIM_SC_F1, 0, 0, RET_ERR(HEKI_ENOENT),
		  "PRECOMPUTED_PATCH_NOT_FOUND" },
		{ "int3 at a made-up site between the two", INT3_AT,
		  MODSIM_SC_CALL + 0x28, 0, 0, RET_ERR(HEKI_ENOENT),
		  "PRECOMPUTED_PATCH_NOT_FOUND" },
	};
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		__u64 tv, pa;
		struct guest *g = loaded(&tv);
		__u8 want[5], before[5];
		__s64 ret;

		pa = MOD_PA + bad[i].site;
		if (bad[i].to < 0)
			enc(want, bad[i].op, tv, bad[i].site,
			    KVA(MEM_PA) + (__u64)-bad[i].to);
		else
			enc(want, bad[i].op, tv, bad[i].site,
			    tv + (__u64)bad[i].to);
		guest_read(g, pa, before, 5);
		if (bad[i].what == INT3_AT) {
			ret = patch(g, pa, 1, &int3);
		} else {
			CHECK_EQ(patch(g, pa, 1, &int3), 0);
			before[0] = int3;
			ret = bad[i].what == TAIL_TO ?
			      patch(g, pa + 1, 4, want + 1) :
			      patch(g, pa, 1, want);
		}
		if (ret != bad[i].code || !strstr(g->last_log, bad[i].log))
			check_fail(__FILE__, __LINE__, "%s: %lld %s", bad[i].name,
				   (long long)ret, g->last_log);
		CHECK(bytes_are(g, pa, before));
		guest_free(g);
	}
}

/* A whole form the kernel never writes, step by step. */
TEST(scall_nop_at_tail_site_refused)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5];

	enc(b, 0xe9, tv, MODSIM_SC_TAIL, tv + MODSIM_SC_TRAMP);
	CHECK_EQ(patch(g, J_PA, 1, &int3), 0);
	CHECK_EQ(patch(g, J_PA + 1, 4, nop5 + 1),
		 RET_ERR(HEKI_EINVAL));
	CHECK(strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"));
	b[0] = int3;
	CHECK(bytes_are(g, J_PA, b));
	guest_free(g);
}

/* int3 twice: the second finds no whole form at the site. */
TEST(scall_same_step_twice_refused)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5];

	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	CHECK_EQ(patch(g, C_PA, 1, &int3), RET_ERR(HEKI_EACCES));
	CHECK(strstr(g->last_log, "TEXT_PATCH_STEP_INVALID"));
	/* and the head without the tail step only restores the old form */
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F2);
	CHECK_EQ(patch(g, C_PA, 1, b), 0);
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_TRAMP);
	CHECK(bytes_are(g, C_PA, b));
	guest_free(g);
}

/* A step whose head would complete a call to a non-entry is refused. */
TEST(scall_head_over_foreign_tail_refused)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5];

	/* C: int3, NOP tail (a fixed form's), then a CALL head */
	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	CHECK_EQ(patch(g, C_PA + 1, 4, nop5 + 1), 0);
	b[0] = 0xe8;
	CHECK_EQ(patch(g, C_PA, 1, b), RET_ERR(HEKI_EACCES));
	CHECK(strstr(g->last_log, "TEXT_PATCH_STEP_INVALID"));
	CHECK_EQ(patch(g, C_PA, 1, nop5), 0);
	CHECK(bytes_are(g, C_PA, nop5));
	guest_free(g);
}

/* The sites and the module's functions as targets die with the module. */
TEST(scall_sites_gone_after_unload)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5];

	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KERNEL_SITES + 3);
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F2);
	CHECK(poke(g, C_PA, b));
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KERNEL_SITES);
	CHECK_EQ(patch(g, C_PA, 1, &int3), RET_ERR(HEKI_ENOENT));
	CHECK_EQ(patch(g, T_PA, 1, &int3), RET_ERR(HEKI_ENOENT));
	CHECK(bytes_are(g, C_PA, b));
	guest_free(g);
}

/* After end of boot too: nothing here depends on boot-time state. */
TEST(scall_retarget_after_end_of_boot)
{
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5];

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
			    0, 0, 0), 0);
	enc(b, 0xe9, tv, MODSIM_SC_TRAMP, tv + MODSIM_SC_F2);
	CHECK(poke(g, T_PA, b));
	guest_free(g);
}

/*
 * Module A's call site calls module B's f2 (a function entry of other
 * validated text), B goes: the site moves away from B's gone function,
 * but never to it again; B's trampoline and sites went with B.
 */
TEST(scall_target_in_another_module_and_after_its_unload)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	static const __u64 b_va = 0xffffffffc2000000ULL;
	struct modsim_scall xa = { 0, 0, { b_va + MODSIM_SC_F2 }, 1 };
	struct modsim_scall xb = { b_va, b_va + 0x1000000, { 0 }, 0 };
	struct guest *g = guest_new();
	__u64 tv, bv, b_pa = MOD_PA + 0x10000;
	__u8 b[5];

	CHECK_EQ(load_kernel(g), 0);
	CHECK_EQ(load_module(g, MOD_PA, ELF_PA, &xa, &tv), 0);
	CHECK_EQ(load_module(g, b_pa, ELF_PA + 0x8000, &xb, &bv), 1);
	CHECK_EQ(bv, b_va);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KERNEL_SITES + 6);
	enc(b, 0xe8, tv, MODSIM_SC_CALL, bv + MODSIM_SC_F2);
	CHECK(poke(g, C_PA, b));
	/* B's trampoline is B's own site */
	enc(b, 0xe9, bv, MODSIM_SC_TRAMP, bv + MODSIM_SC_F2);
	CHECK(poke(g, b_pa + MODSIM_SC_TRAMP, b));
	CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KERNEL_SITES + 3);
	CHECK_EQ(patch(g, b_pa + MODSIM_SC_TRAMP, 1, &int3),
		 RET_ERR(HEKI_ENOENT));
	/* A's site, still calling B's f2: int3 on it is accepted ... */
	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	/* ... a tail to B's f1 is not (no function entry any more) ... */
	enc(b, 0xe8, tv, MODSIM_SC_CALL, bv + MODSIM_SC_F1);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), RET_ERR(HEKI_EINVAL));
	CHECK(strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"));
	/* ... but A's own f1 is */
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), 0);
	CHECK_EQ(patch(g, C_PA, 1, b), 0);
	CHECK(bytes_are(g, C_PA, b));
	/* and once it left, a call to B's gone f2 is refused again */
	enc(b, 0xe8, tv, MODSIM_SC_CALL, bv + MODSIM_SC_F2);
	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), RET_ERR(HEKI_EINVAL));
	CHECK(strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"));
	guest_free(g);
}

/*
 * Finding F4: A's call site C calls B's f2 and B is unloaded. A
 * text_poke_bp() moving C away whose step 2 or 3 VTL1 refuses is undone
 * by heki_vtl0 putting C's old bytes back through PatchText. Those bytes
 * (a CALL to a function that is no entry any more) are accepted as the
 * restoration of what C held before the int3, and only while C holds
 * that int3. Returns the guest with A loaded and B unloaded, C's old
 * bytes in @old, A's and B's text VAs in @tv and @bv.
 */
static struct guest *a_calls_gone_b(__u64 *tv, __u64 *bv, __u8 *old)
{
	static const __u64 b_va = 0xffffffffc2000000ULL;
	struct modsim_scall xa = { 0, 0, { b_va + MODSIM_SC_F2 }, 1 };
	struct modsim_scall xb = { b_va, b_va + 0x1000000, { 0 }, 0 };
	struct guest *g = guest_new();

	CHECK_EQ(load_kernel(g), 0);
	CHECK_EQ(load_module(g, MOD_PA, ELF_PA, &xa, tv), 0);
	CHECK_EQ(load_module(g, MOD_PA + 0x10000, ELF_PA + 0x8000, &xb, bv),
		 1);
	enc(old, 0xe8, *tv, MODSIM_SC_CALL, *bv + MODSIM_SC_F2);
	CHECK(poke(g, C_PA, old));
	CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), 0);
	return g;
}

/* Step 2 refused: the old head alone puts C back (no int3 left). */
TEST(scall_restore_after_refused_step2_accepted)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv, bv;
	__u8 old[5], b[5];
	struct guest *g = a_calls_gone_b(&tv, &bv, old);

	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	enc(b, 0xe8, tv, MODSIM_SC_CALL, bv + MODSIM_SC_F1);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), RET_ERR(HEKI_EINVAL));
	CHECK_EQ(patch(g, C_PA, 1, old), 0);
	CHECK(bytes_are(g, C_PA, old));
	guest_free(g);
}

/* Step 3 refused: the old tail, then the old head, put C back. */
TEST(scall_restore_after_refused_step3_accepted)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv, bv;
	__u8 old[5], b[5];
	struct guest *g = a_calls_gone_b(&tv, &bv, old);

	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), 0);
	/* (heki_vtl0 saw step 3 refused) */
	CHECK_EQ(patch(g, C_PA + 1, 4, old + 1), 0);
	CHECK_EQ(patch(g, C_PA, 1, old), 0);
	CHECK(bytes_are(g, C_PA, old));
	guest_free(g);
}

/*
 * With C held at its int3 (and its tail rewritten to A's f1, step 2
 * done), only its old bytes are accepted besides the forms: each other
 * request is refused with its code and C's bytes stay.
 */
TEST(scall_restore_only_the_old_bytes)
{
	enum what { TAIL_TO, HEAD_OP, TAIL_OLD_BUT };
	static const struct {
		const char *name;
		enum what what;
		__s64 to;	/* a text offset in B (TAIL_TO) */
		__u8 op;	/* HEAD_OP: the head asked for */
		__u32 flip;	/* TAIL_OLD_BUT: the tail byte changed */
		__s64 code;
		const char *log;
	} bad[] = {
		{ "tail: call B's gone f1", TAIL_TO, MODSIM_SC_F1, 0, 0,
		  RET_ERR(HEKI_EINVAL), "REWRITE_TARGET_NOT_FUNCTION" },
		{ "tail: call 1 byte past B's gone f2", TAIL_TO,
		  MODSIM_SC_F2 + 1, 0, 0, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "tail: the old tail with its last byte changed", TAIL_OLD_BUT,
		  0, 0, 4, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "tail: the old tail with its first byte changed",
		  TAIL_OLD_BUT, 0, 0, 1, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "head: jmp (the old bytes' tail under a jmp)", HEAD_OP, 0,
		  0xe9, 0, RET_ERR(HEKI_EACCES), "TEXT_PATCH_SUSPICIOUS" },
	};
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		__u64 tv, bv;
		__u8 old[5], b[5], held[5];
		struct guest *g = a_calls_gone_b(&tv, &bv, old);
		__s64 ret;

		CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
		enc(held, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1);
		CHECK_EQ(patch(g, C_PA + 1, 4, held + 1), 0);
		held[0] = int3;
		switch (bad[i].what) {
		case TAIL_TO:
			enc(b, 0xe8, tv, MODSIM_SC_CALL, bv + (__u64)bad[i].to);
			ret = patch(g, C_PA + 1, 4, b + 1);
			break;
		case TAIL_OLD_BUT:
			memcpy(b, old, 5);
			b[bad[i].flip] ^= 0x01;
			ret = patch(g, C_PA + 1, 4, b + 1);
			break;
		default:
			b[0] = bad[i].op;
			ret = patch(g, C_PA, 1, b);
			break;
		}
		if (ret != bad[i].code || !strstr(g->last_log, bad[i].log))
			check_fail(__FILE__, __LINE__, "%s: %lld %s",
				   bad[i].name, (long long)ret, g->last_log);
		CHECK(bytes_are(g, C_PA, held));
		guest_free(g);
	}
}

/* The restoration ends with the sequence: the head step clears it. */
TEST(scall_restore_not_after_the_sequence_ended)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv, bv;
	__u8 old[5], b[5];
	struct guest *g = a_calls_gone_b(&tv, &bv, old);

	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1);
	CHECK(poke(g, C_PA, b));
	/* a new sequence from f1: B's gone f2 is no longer "before" */
	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	CHECK_EQ(patch(g, C_PA + 1, 4, old + 1), RET_ERR(HEKI_EINVAL));
	CHECK(strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"));
	b[0] = int3;
	CHECK(bytes_are(g, C_PA, b));
	guest_free(g);
}

/* A ValidateModule patch record naming static call site @at with @b. */
static struct heki_patch scall_rec(__u64 at, const __u8 *b)
{
	struct heki_patch p;

	memset(&p, 0, sizeof(p));
	p.pa[0] = MOD_PA + at;
	p.size = 5;
	memcpy(p.code, b, 5);
	return p;
}

/*
 * Finding F3: records with the CALL / JMP forms the sites hold as the
 * kernel linked them (call / jmp __SCT__k, the trampoline's jmp f1) and
 * the ones static_call_update() writes (a call of f2) select their
 * sites; a form no site takes is still PATCH_NOT_A_SITE.
 */
TEST(scall_module_records_with_branch_forms)
{
	static const struct {
		const char *name;
		__u64 at;
		__u8 op;
		__u64 to;	/* text offset */
		int ok;
	} recs[] = {
		{ "call __SCT__k at C", MODSIM_SC_CALL, 0xe8, MODSIM_SC_TRAMP, 1 },
		{ "jmp __SCT__k at J", MODSIM_SC_TAIL, 0xe9, MODSIM_SC_TRAMP, 1 },
		{ "jmp f1 at the trampoline", MODSIM_SC_TRAMP, 0xe9,
		  MODSIM_SC_F1, 1 },
		{ "call f2 at C", MODSIM_SC_CALL, 0xe8, MODSIM_SC_F2, 1 },
		{ "call into the middle of f1", MODSIM_SC_CALL, 0xe8,
		  MODSIM_SC_F1 + 4, 0 },
		{ "jmp f1 at the call site", MODSIM_SC_CALL, 0xe9,
		  MODSIM_SC_F1, 0 },
		{ "call f1 at the trampoline", MODSIM_SC_TRAMP, 0xe8,
		  MODSIM_SC_F1, 0 },
		{ "call __pfx_f2 at C", MODSIM_SC_CALL, 0xe8,
		  MODSIM_SC_PFX_F2, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(recs); i++) {
		static const struct modsim_scall x;
		struct guest *g = guest_new();
		struct heki_patch r;
		__u64 tv;
		__u8 b[5];
		__s64 ret;

		CHECK_EQ(load_kernel(g), 0);
		tv = 0xffffffffc0000000ULL;	/* modsim's core VA */
		enc(b, recs[i].op, tv, recs[i].at, tv + recs[i].to);
		r = scall_rec(recs[i].at, b);
		ret = load_module_recs(g, MOD_PA, ELF_PA, &x, &tv, &r, 1);
		if (recs[i].ok ? ret != 0 :
		    ret != -HEKI_EINVAL ||
		    !strstr(g->last_log, "PATCH_NOT_A_SITE"))
			check_fail(__FILE__, __LINE__, "%s: %lld %s",
				   recs[i].name, (long long)ret, g->last_log);
		CHECK_EQ(tv, 0xffffffffc0000000ULL);
		CHECK_EQ(heki_vtl1_nr_modules(g->v), recs[i].ok ? 1 : 0);
		guest_free(g);
	}
}

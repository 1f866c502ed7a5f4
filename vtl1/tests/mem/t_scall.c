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
#include "kdata/kallsyms.h"

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
	/* the rest of a site across a page end: the next frame */
	if ((pa & HEKI_PAGE_OFFSET_MASK) + size > HEKI_PAGE_SIZE)
		p.pa[1] = (pa | HEKI_PAGE_OFFSET_MASK) + 1;
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
 * The module in frames from @pa on (text at @pa and @pa + 0x6000, init
 * text at @pa + 0x1000), its signed image at @elf_pa, @x its options:
 * its ranges in @r (9 entries of room), their number returned, the VAs
 * of its text and init text in @text_va and @init_va.
 */
static __u32 put_module_ranges(struct guest *g, __u64 pa, __u64 elf_pa,
			       const struct modsim_scall *x,
			       struct heki_range *r, __u64 *text_va,
			       __u64 *init_va)
{
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
	*init_va = r[2].va;
	return n + 1;
}

/*
 * put_module_ranges() and ValidateModule with @nrecs patch records;
 * returns ValidateModule's result and the VA of its text through
 * @text_va.
 */
static __s64 load_module_recs(struct guest *g, __u64 pa, __u64 elf_pa,
			      const struct modsim_scall *x, __u64 *text_va,
			      const struct heki_patch *recs, __u32 nrecs)
{
	struct heki_patch_info pi;
	struct heki_range r[9];
	__u64 init_va;
	__u32 n = put_module_ranges(g, pa, elf_pa, x, r, text_va, &init_va);

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

/* What an attacker asks at a site (bad_steps_refused()). */
enum bad_what {
	TAIL_TO,	/* INT3, then bytes 1..4 of the form */
	HEAD_OP,	/* INT3, then the form's byte 0 */
	INT3_AT,	/* INT3 at the site */
	TAIL_FIRST,	/* bytes 1..4 of the form before any INT3 */
};

/**
 * struct bad_step - one request an attacker in VTL0 makes at a site
 * @name: what it is
 * @what: which step
 * @site: offset of the site in the text
 * @op: opcode of the form asked for
 * @to: VA the form's rel32 reaches
 * @code: PatchText's result
 * @log: the error code VTL1 logs
 */
struct bad_step {
	const char *name;
	enum bad_what what;
	__u64 site;
	__u8 op;
	__u64 to;
	__s64 code;
	const char *log;
};

/*
 * Each of @bad[0..n) on a fresh guest from @build(), at a site of the
 * text whose first byte is at @pa and VA @va: refused with its code and
 * log, the site holding what it held before the refused step.
 */
static void bad_steps_refused(const struct bad_step *bad, unsigned int n,
			      struct guest *(*build)(void), __u64 pa,
			      __u64 va)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct guest *g = build();
		__u64 at = pa + bad[i].site;
		__u8 want[5], before[5];
		__s64 ret;

		enc(want, bad[i].op, va, bad[i].site, bad[i].to);
		guest_read(g, at, before, 5);
		if (bad[i].what == INT3_AT) {
			ret = patch(g, at, 1, &int3);
		} else if (bad[i].what == TAIL_FIRST) {
			ret = patch(g, at + 1, 4, want + 1);
		} else {
			CHECK_EQ(patch(g, at, 1, &int3), 0);
			before[0] = int3;
			ret = bad[i].what == TAIL_TO ?
			      patch(g, at + 1, 4, want + 1) :
			      patch(g, at, 1, want);
		}
		if (ret != bad[i].code || !strstr(g->last_log, bad[i].log))
			check_fail(__FILE__, __LINE__, "%s: %lld %s", bad[i].name,
				   (long long)ret, g->last_log);
		CHECK(bytes_are(g, at, before));
		guest_free(g);
	}
}

/* The module at SIM_CORE_VA (loaded()). */
static struct guest *module_loaded(void)
{
	__u64 tv;
	struct guest *g = loaded(&tv);

	CHECK_EQ(tv, SIM_CORE_VA);
	return g;
}

/* A VA of the module's text. */
#define MV(off)		(SIM_CORE_VA + (off))

/*
 * What an attacker in VTL0 would try at the sites; each refused with its
 * code, the site holding what it held before the refused step.
 */
TEST(scall_attacker_requests_refused)
{
	static const struct bad_step bad[] = {
		{ "call into the middle of f1", TAIL_TO, MODSIM_SC_CALL, 0xe8,
		  MV(MODSIM_SC_F1 + 4), RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "call into text past every function", TAIL_TO, MODSIM_SC_CALL,
		  0xe8, MV(0x1700), RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "call into unvalidated kernel memory", TAIL_TO,
		  MODSIM_SC_CALL, 0xe8, KVA(MEM_PA) + 0x100,
		  RET_ERR(HEKI_EINVAL), "REWRITE_TARGET_NOT_FUNCTION" },
		{ "call __pfx_f2 (F2)", TAIL_TO, MODSIM_SC_CALL, 0xe8,
		  MV(MODSIM_SC_PFX_F2), RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "jmp __cfi_f1 at the trampoline (F2)", TAIL_TO,
		  MODSIM_SC_TRAMP, 0xe9, MV(MODSIM_SC_CFI_F1),
		  RET_ERR(HEKI_EINVAL), "REWRITE_TARGET_NOT_FUNCTION" },
		{ "trampoline jmp into its own ud1", TAIL_TO, MODSIM_SC_TRAMP,
		  0xe9, MV(MODSIM_SC_TRAMP + 5), RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "jmp written at a call site", HEAD_OP, MODSIM_SC_CALL, 0xe9,
		  MV(MODSIM_SC_F1), RET_ERR(HEKI_EACCES),
		  "TEXT_PATCH_SUSPICIOUS" },
		{ "call written at a tail site", HEAD_OP, MODSIM_SC_TAIL, 0xe8,
		  MV(MODSIM_SC_F1), RET_ERR(HEKI_EACCES),
		  "TEXT_PATCH_SUSPICIOUS" },
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

	bad_steps_refused(bad, ARRAY_SIZE(bad), module_loaded, MOD_PA,
			  SIM_CORE_VA);
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

/* Does VTL1 hold the frame of @pa kernel-executable for module @token? */
static int text_held(struct guest *g, __u64 pa, __s64 token)
{
	const struct vtl1_prot_ent *e =
		prot_map_find(&g->v->map, pa >> HEKI_PAGE_SHIFT);

	return e && e->owner == HEKI_VTL1_OWNER_MODULE && e->id == token &&
	       (e->prot & hv_page_prot_raw(HV_PAGE_KERNEL_EXECUTABLE));
}

/* Module B of two_modules(): its text and its frames. */
#define B_VA		0xffffffffc2000000ULL
#define B_PA		(MOD_PA + 0x10000)

/*
 * The kernel, module A (token 0, at MOD_PA) whose sites the test may
 * point at B's f1 and f2, and module B (token 1, at B_VA).
 */
static struct guest *two_modules(__u64 *tv)
{
	struct modsim_scall xa = { 0, 0, { B_VA + MODSIM_SC_F1,
					   B_VA + MODSIM_SC_F2 }, 2 };
	struct modsim_scall xb = { B_VA, B_VA + 0x1000000, { 0 }, 0 };
	struct guest *g = guest_new();
	__u64 bv;

	CHECK_EQ(load_kernel(g), 0);
	CHECK_EQ(load_module(g, MOD_PA, ELF_PA, &xa, tv), 0);
	CHECK_EQ(load_module(g, B_PA, ELF_PA + 0x8000, &xb, &bv), 1);
	CHECK_EQ(bv, B_VA);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KERNEL_SITES + 6);
	return g;
}

/*
 * A site of module A pointed (through PatchText, as static_call_update()
 * does) at module B's f2: UnloadModule(B) is refused with EBUSY
 * (MODULE_TEXT_TARGETED), B, its frames and its sites stay, A's site
 * keeps its bytes; once the site moved to another allowed target, B
 * unloads. For the call site, the tail-call site and the trampoline.
 */
TEST(scall_unload_refused_while_another_modules_site_calls_it)
{
	static const struct {
		const char *name;
		__u64 at;
		__u8 op;
	} site[] = {
		{ "call site", MODSIM_SC_CALL, 0xe8 },
		{ "tail-call site", MODSIM_SC_TAIL, 0xe9 },
		{ "trampoline", MODSIM_SC_TRAMP, 0xe9 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(site); i++) {
		__u64 tv, pa = MOD_PA + site[i].at;
		struct guest *g = two_modules(&tv);
		__u8 b[5];
		__s64 ret;

		enc(b, site[i].op, tv, site[i].at, B_VA + MODSIM_SC_F2);
		CHECK(poke(g, pa, b));
		ret = guest_call(g, UNLOAD, 1, 0, 0);
		if (ret != RET_ERR(HEKI_EBUSY) ||
		    !strstr(g->last_log, "MODULE_TEXT_TARGETED"))
			check_fail(__FILE__, __LINE__, "%s: %lld %s",
				   site[i].name, (long long)ret, g->last_log);
		CHECK_EQ(heki_vtl1_nr_modules(g->v), 2);
		CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KERNEL_SITES + 6);
		CHECK(text_held(g, B_PA + MODSIM_SC_F2, 1));
		CHECK(bytes_are(g, pa, b));
		/* moved back to A's own f1: B goes */
		enc(b, site[i].op, tv, site[i].at, tv + MODSIM_SC_F1);
		CHECK(poke(g, pa, b));
		CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), 0);
		CHECK_EQ(heki_vtl1_nr_modules(g->v), 1);
		CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KERNEL_SITES + 3);
		CHECK(!text_held(g, B_PA + MODSIM_SC_F2, 1));
		guest_free(g);
	}
}

/*
 * A site whose bytes VTL1 cannot read (a failing copy from A's call site
 * C, which calls nothing of B) refuses B's unload too: VTL1 cannot tell
 * where it branches. Readable again, B unloads.
 */
TEST(scall_unload_refused_when_a_site_cannot_be_read)
{
	__u64 tv;
	struct guest *g = two_modules(&tv);

	g->fail_read_lo = C_PA;
	g->fail_read_hi = C_PA + 5;
	CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), RET_ERR(HEKI_EBUSY));
	CHECK(strstr(g->last_log, "MODULE_TEXT_TARGETED"));
	CHECK(text_held(g, B_PA + MODSIM_SC_F2, 1));
	g->fail_read_lo = g->fail_read_hi = 0;
	CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), 0);
	guest_free(g);
}

/*
 * B's UnloadModule refused (A's tail site calls B's f2): B is going. Its
 * frames stay protected, but its functions are no new targets: A's call
 * site cannot be pointed at B's f1 (which was a target while B was live).
 * Once A's tail site moved back to A's f1, B's UnloadModule succeeds.
 */
TEST(scall_refused_unload_leaves_no_new_target)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv, tail = MOD_PA + MODSIM_SC_TAIL;
	struct guest *g = two_modules(&tv);
	__u8 b[5];

	enc(b, 0xe9, tv, MODSIM_SC_TAIL, B_VA + MODSIM_SC_F2);
	CHECK(poke(g, tail, b));
	CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), RET_ERR(HEKI_EBUSY));
	enc(b, 0xe8, tv, MODSIM_SC_CALL, B_VA + MODSIM_SC_F1);
	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), RET_ERR(HEKI_EINVAL));
	CHECK(strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"));
	enc(b, 0xe9, tv, MODSIM_SC_TAIL, tv + MODSIM_SC_F1);
	CHECK(poke(g, tail, b));
	CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 1);
	guest_free(g);
}

/*
 * B unloaded once no site calls it: its functions are no targets any
 * more, and its trampoline is no site.
 */
TEST(scall_unloaded_module_is_no_target)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv;
	struct guest *g = two_modules(&tv);
	__u8 b[5];

	CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), 0);
	CHECK_EQ(patch(g, B_PA + MODSIM_SC_TRAMP, 1, &int3),
		 RET_ERR(HEKI_ENOENT));
	enc(b, 0xe8, tv, MODSIM_SC_CALL, B_VA + MODSIM_SC_F2);
	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), RET_ERR(HEKI_EINVAL));
	CHECK(strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"));
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_TRAMP);
	CHECK_EQ(patch(g, C_PA, 1, b), 0);
	CHECK(bytes_are(g, C_PA, b));
	guest_free(g);
}

/*
 * A site of the module itself calling into its own text does not keep
 * it: its sites go with it (call site, tail site and trampoline at f2).
 */
TEST(scall_own_sites_into_own_text_do_not_block_unload)
{
	static const __u64 at[3] = { MODSIM_SC_CALL, MODSIM_SC_TAIL,
				     MODSIM_SC_TRAMP };
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5];
	__u32 i;

	for (i = 0; i < 3; i++) {
		enc(b, i ? 0xe9 : 0xe8, tv, at[i], tv + MODSIM_SC_F2);
		CHECK(poke(g, MOD_PA + at[i], b));
	}
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KERNEL_SITES);
	CHECK(!text_held(g, MOD_PA + MODSIM_SC_F2, 0));
	guest_free(g);
}

/*
 * A's call site C held at the int3 VTL1 wrote over a call of B's f2, its
 * tail moved to A's f1: those old bytes may still be put back
 * (PatchText's restoration), so B stays, whether the sequence then ends
 * at f1 or by that restoration; B unloads once C calls f1.
 */
TEST(scall_unload_refused_while_a_held_site_may_restore_a_call_to_it)
{
	static const char *const end[2] = { "ends at f1", "is undone" };
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		__u64 tv;
		struct guest *g = two_modules(&tv);
		__u8 old[5], f1[5];
		__s64 ret;

		enc(old, 0xe8, tv, MODSIM_SC_CALL, B_VA + MODSIM_SC_F2);
		CHECK(poke(g, C_PA, old));
		enc(f1, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1);
		CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
		CHECK_EQ(patch(g, C_PA + 1, 4, f1 + 1), 0);
		ret = guest_call(g, UNLOAD, 1, 0, 0);
		if (ret != RET_ERR(HEKI_EBUSY) ||
		    !strstr(g->last_log, "MODULE_TEXT_TARGETED"))
			check_fail(__FILE__, __LINE__, "sequence %s: %lld %s",
				   end[i], (long long)ret, g->last_log);
		CHECK(text_held(g, B_PA + MODSIM_SC_F2, 1));
		if (i) {
			/* heki_vtl0's undo: the old tail, the old head */
			CHECK_EQ(patch(g, C_PA + 1, 4, old + 1), 0);
			CHECK_EQ(patch(g, C_PA, 1, old), 0);
			CHECK(bytes_are(g, C_PA, old));
			CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0),
				 RET_ERR(HEKI_EBUSY));
			CHECK(poke(g, C_PA, f1));
		} else {
			CHECK_EQ(patch(g, C_PA, 1, f1), 0);
		}
		CHECK(bytes_are(g, C_PA, f1));
		CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), 0);
		guest_free(g);
	}
}

/*
 * The tail of a call of B's f2 behind the int3 (step 2 done, step 3 not)
 * does not keep B: no CPU runs it, and once B is gone the head that would
 * complete it is refused; the site goes back to what it held.
 */
TEST(scall_unload_with_a_tail_to_it_behind_int3_then_head_refused)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv;
	struct guest *g = two_modules(&tv);
	__u8 b[5], old[5];

	guest_read(g, C_PA, old, 5);
	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	enc(b, 0xe8, tv, MODSIM_SC_CALL, B_VA + MODSIM_SC_F2);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), 0);
	CHECK_EQ(guest_call(g, UNLOAD, 1, 0, 0), 0);
	CHECK_EQ(patch(g, C_PA, 1, b), RET_ERR(HEKI_EACCES));
	CHECK(strstr(g->last_log, "TEXT_PATCH_STEP_INVALID"));
	CHECK_EQ(patch(g, C_PA + 1, 4, old + 1), 0);
	CHECK_EQ(patch(g, C_PA, 1, old), 0);
	CHECK(bytes_are(g, C_PA, old));
	guest_free(g);
}

/* The module's init text: fi (modsim's init VA, checked when loaded). */
#define INIT_VA		0xffffffffc1000000ULL
#define FI_VA		(INIT_VA + MODSIM_SC_INIT_FI)
#define FI_PA		(MOD_PA + 0x1000 + MODSIM_SC_INIT_FI)

/*
 * The kernel and the module, whose call site C held, when VTL1 validated
 * it, a call of fi, a function of the module's own init text (as
 * static_call_add_module() leaves a site of a key whose function is an
 * __init one): a form the ELF's function entries allow at ValidateModule,
 * which PatchText never writes. C's bytes then in @old, the text VA in
 * @tv.
 */
static struct guest *c_calls_init(__u64 *tv, __u8 *old)
{
	struct modsim_scall x = { SIM_CORE_VA, INIT_VA, { 0 }, 0 };
	struct guest *g = guest_new();
	struct heki_range r[9];
	__u64 init_va;
	__u32 n;

	CHECK_EQ(load_kernel(g), 0);
	n = put_module_ranges(g, MOD_PA, ELF_PA, &x, r, tv, &init_va);
	CHECK_EQ(init_va, INIT_VA);
	enc(old, 0xe8, *tv, MODSIM_SC_CALL, FI_VA);
	guest_write(g, C_PA, old, 5);
	/* content, not a form: the oracle allows it back only as PatchText's restoration */
	oracle_auth_bytes(g, C_PA, old, 5,
			  "C as static_call_add_module() left it: call fi");
	CHECK_EQ(call_chain(g, VALIDATE, r, n, 0), 0);
	return g;
}

/* PatchText's targets are core text entries: fi is none. */
TEST(scall_init_function_is_no_patch_target)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv;
	struct guest *g = loaded(&tv);
	__u8 b[5], old[5];

	guest_read(g, C_PA, old, 5);
	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	enc(b, 0xe8, tv, MODSIM_SC_CALL, FI_VA);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), RET_ERR(HEKI_EINVAL));
	CHECK(strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"));
	CHECK_EQ(patch(g, C_PA, 1, old), 0);
	CHECK(bytes_are(g, C_PA, old));
	guest_free(g);
}

/*
 * C (core text) calls fi: FreeModuleInit is refused with EBUSY
 * (MODULE_TEXT_TARGETED), the init text stays protected; once C moved to
 * f1 it succeeds.
 */
TEST(scall_free_module_init_refused_while_a_core_site_calls_init_text)
{
	__u64 tv;
	__u8 old[5], b[5];
	struct guest *g = c_calls_init(&tv, old);

	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), RET_ERR(HEKI_EBUSY));
	CHECK(strstr(g->last_log, "MODULE_TEXT_TARGETED"));
	CHECK(text_held(g, FI_PA, 0));
	CHECK(bytes_are(g, C_PA, old));
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1);
	CHECK(poke(g, C_PA, b));
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	CHECK(!text_held(g, FI_PA, 0));
	guest_free(g);
}

/* The module's own site into its own init text does not keep it. */
TEST(scall_unload_with_own_core_site_calling_init_text)
{
	__u64 tv;
	__u8 old[5];
	struct guest *g = c_calls_init(&tv, old);

	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 0);
	CHECK(!text_held(g, FI_PA, 0));
	guest_free(g);
}

/*
 * Finding F4: C calls fi, which PatchText accepts at no step. A
 * text_poke_bp() moving C away whose step 2 or 3 VTL1 refuses is undone
 * by heki_vtl0 putting C's old bytes back through PatchText. Those bytes
 * are accepted as the restoration of what C held before the int3, and
 * only while C holds that int3.
 */

/* Step 2 refused: the old head alone puts C back (no int3 left). */
TEST(scall_restore_after_refused_step2_accepted)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv;
	__u8 old[5], b[5];
	struct guest *g = c_calls_init(&tv, old);

	CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1 + 4);
	CHECK_EQ(patch(g, C_PA + 1, 4, b + 1), RET_ERR(HEKI_EINVAL));
	CHECK_EQ(patch(g, C_PA, 1, old), 0);
	CHECK(bytes_are(g, C_PA, old));
	guest_free(g);
}

/* Step 3 refused: the old tail, then the old head, put C back. */
TEST(scall_restore_after_refused_step3_accepted)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u64 tv;
	__u8 old[5], b[5];
	struct guest *g = c_calls_init(&tv, old);

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
 * With C held at its int3 (and its tail rewritten to f1, step 2 done),
 * only its old bytes are accepted besides the forms: each other request
 * is refused with its code and C's bytes stay.
 */
TEST(scall_restore_only_the_old_bytes)
{
	enum what { TAIL_TO, HEAD_OP, TAIL_OLD_BUT };
	static const struct {
		const char *name;
		enum what what;
		__u64 to;	/* TAIL_TO: the VA called */
		__u8 op;	/* HEAD_OP: the head asked for */
		__u32 flip;	/* TAIL_OLD_BUT: the tail byte changed */
		__s64 code;
		const char *log;
	} bad[] = {
		{ "tail: call into the middle of f1", TAIL_TO,
		  SIM_CORE_VA + MODSIM_SC_F1 + 4, 0, 0, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "tail: call 1 byte past fi", TAIL_TO, FI_VA + 1, 0, 0,
		  RET_ERR(HEKI_EINVAL), "REWRITE_TARGET_NOT_FUNCTION" },
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
		__u64 tv;
		__u8 old[5], b[5], held[5];
		struct guest *g = c_calls_init(&tv, old);
		__s64 ret;

		CHECK_EQ(patch(g, C_PA, 1, &int3), 0);
		enc(held, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1);
		CHECK_EQ(patch(g, C_PA + 1, 4, held + 1), 0);
		held[0] = int3;
		switch (bad[i].what) {
		case TAIL_TO:
			enc(b, 0xe8, tv, MODSIM_SC_CALL, bad[i].to);
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
	__u64 tv;
	__u8 old[5], b[5];
	struct guest *g = c_calls_init(&tv, old);

	enc(b, 0xe8, tv, MODSIM_SC_CALL, tv + MODSIM_SC_F1);
	CHECK(poke(g, C_PA, b));
	/* a new sequence from f1: the call of fi is no longer "before" */
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

/* ---- the core kernel's static calls (module/kscall.c) ------------------ */

/*
 * The kernel: text [KT_VA, KT_VA + 0x6000) with frames [MEM_PA, MEM_PA +
 * 0x5000) protected R|X; the functions f1, f2, g and the exported
 * __static_call_return0 (r0); three keys in kernel data kallsyms names:
 * __SCK____perf_guest_state (listed), __SCK____perf_guest_get_ip (listed)
 * and __SCK__lsm_static_call_locked_down_0 (an LSM hook's, not listed),
 * and one it does not name (K_ANON). Trampolines: __SCT____perf_guest_state
 * ("jmp r0; ud1"), __SCT____perf_guest_get_ip without the ud1 and
 * __SCT__lsm_static_call_locked_down_0 ("jmp f1; ud1"). The table at
 * KS_FREE names, of the perf_guest_state key, the call sites C and X (X
 * across a page end), the tail site J, a site in init text, one in text
 * VTL1 does not protect and one outside text; the LSM key's call site L
 * (security_locked_down()'s) and tail site LJ; K_ANON's call site U.
 * Derived: C, X, J and __SCT____perf_guest_state.
 */
#define KT_VA		KVA(MEM_PA)
#define KT_F1		0x100ULL
#define KT_F2		0x200ULL
#define KT_R0		0x280ULL
#define KT_TRAMP	0x300ULL
#define KT_FAKE		0x340ULL
#define KT_LSMT		0x380ULL
#define KT_G		0x400ULL
#define KT_C		0x410ULL
#define KT_J		0x420ULL
#define KT_INIT		0x430ULL
#define KT_L		0x440ULL
#define KT_LJ		0x450ULL
#define KT_U		0x460ULL
#define KT_X		0xffdULL
#define KT_UNHELD	0x5800ULL
#define KT_OUTSIDE	0x7000ULL
#define KT_TEXT_LEN	0x6000ULL
#define KT_HELD_LEN	0x5000ULL
#define KT_DERIVED	4
/* the keys, in the third page of kernel data after the table */
#define K_PERF		(KVA(KS_FREE) + 0x800)
#define K_GETIP		(KVA(KS_FREE) + 0x810)
#define K_LSM		(KVA(KS_FREE) + 0x820)
#define K_ANON		(KVA(KS_FREE) + 0x830)
/* the module's functions (modsim's core VA) */
#define MF1		(SIM_CORE_VA + MODSIM_SC_F1)
#define MF2		(SIM_CORE_VA + MODSIM_SC_F2)

static const __u8 xor5rax[5] = { 0x2e, 0x2e, 0x2e, 0x31, 0xc0 };

static const struct {
	__u64 at;
	__u64 key;
	__u32 flags;	/* HEKI_KSCALL_SITE_* */
} kt_table[] = {
	{ KT_C, K_PERF, 0 }, { KT_J, K_PERF, 1 }, { KT_INIT, K_PERF, 2 },
	{ KT_X, K_PERF, 0 }, { KT_UNHELD, K_PERF, 0 },
	{ KT_OUTSIDE, K_PERF, 0 }, { KT_L, K_LSM, 0 }, { KT_LJ, K_LSM, 1 },
	{ KT_U, K_ANON, 0 },
};
#define KT_NSITES	ARRAY_SIZE(kt_table)

/* kallsyms, sorted; the stop symbol's VA from the table's size. */
static const struct ksym_def kt_syms[] = {
	{ "D__start_static_call_sites", KVA(KS_FREE) },
	{ "D__stop_static_call_sites", KVA(KS_FREE) + 8 * KT_NSITES },
	{ "D__SCK____perf_guest_state", K_PERF },
	{ "D__SCK____perf_guest_get_ip", K_GETIP },
	{ "D__SCK__lsm_static_call_locked_down_0", K_LSM },
	{ "Tf1", KT_VA + KT_F1 }, { "Tf2", KT_VA + KT_F2 },
	{ "T__static_call_return0", KT_VA + KT_R0 },
	{ "T__SCT____perf_guest_state", KT_VA + KT_TRAMP },
	{ "T__SCT____perf_guest_get_ip", KT_VA + KT_FAKE },
	{ "T__SCT__lsm_static_call_locked_down_0", KT_VA + KT_LSMT },
	{ "Tg", KT_VA + KT_G },
};
#define KT_NSYMS	ARRAY_SIZE(kt_syms)
/* kt_syms[KT_SYM_PERF] is __SCK____perf_guest_state */
#define KT_SYM_PERF	2

/* "@op rel32" at kernel text offset @at to kernel text offset @to. */
static void kenc(__u8 *b, __u8 op, __u64 at, __u64 to)
{
	enc(b, op, KT_VA, at, KT_VA + to);
}

/*
 * The bytes a site holds at end of boot: a perf_guest_state site as
 * static_call_init() leaves a RET0 key (xor-rax at a call site, jmp r0 at
 * a tail site), the LSM and K_ANON sites calling f1 (the hook).
 */
static void kt_site_bytes(__u8 *b, __u64 at, __u64 key, __u32 flags)
{
	if (key == K_PERF && !(flags & 1))
		memcpy(b, xor5rax, 5);
	else if (key == K_PERF)
		kenc(b, 0xe9, at, KT_R0);
	else
		kenc(b, flags & 1 ? 0xe9 : 0xe8, at, KT_F1);
}

/* The image: text bytes and the table, before anything is protected. */
static void put_kernel_image(struct guest *g)
{
	static const __u8 ud1[3] = { 0x0f, 0xb9, 0xcc };
	static const __u8 ret = 0xc3;
	__u8 b[8];
	__u32 i;

	store_image(g, MEM_PA + KT_F1, &ret, 1);
	store_image(g, MEM_PA + KT_F2, &ret, 1);
	store_image(g, MEM_PA + KT_R0, &ret, 1);
	store_image(g, MEM_PA + KT_G, &ret, 1);
	kenc(b, 0xe9, KT_TRAMP, KT_R0);
	memcpy(b + 5, ud1, 3);
	store_image(g, MEM_PA + KT_TRAMP, b, 8);
	kenc(b, 0xe9, KT_LSMT, KT_F1);
	store_image(g, MEM_PA + KT_LSMT, b, 8);
	memset(b + 5, 0x90, 3);
	kenc(b, 0xe9, KT_FAKE, KT_R0);
	store_image(g, MEM_PA + KT_FAKE, b, 8);
	for (i = 0; i < KT_NSITES; i++) {
		__u64 e = KS_FREE + 8ULL * i;
		__s32 addr = (__s32)(KT_VA + kt_table[i].at - KVA(e));
		__s32 key = (__s32)(kt_table[i].key - KVA(e + 4)) |
			    (__s32)kt_table[i].flags;

		if (kt_table[i].at + 5 <= KT_TEXT_LEN) {
			kt_site_bytes(b, kt_table[i].at, kt_table[i].key,
				      kt_table[i].flags);
			store_image(g, MEM_PA + kt_table[i].at, b, 5);
		}
		store_image(g, e, &addr, 4);
		store_image(g, e + 4, &key, 4);
	}
}

/*
 * Tell the oracle what the kernel may write at the derived sites, as this
 * test reads the kernel (not from VTL1's table): at a call site xor-rax,
 * the NOP and a call of the module's f1 or f2; at the tail site and the
 * trampoline jmp r0, "ret; int3 x4" and a jmp to the module's f1 or f2.
 */
static void declare_kernel_sites(struct guest *g)
{
	static const struct {
		__u64 at;
		__u8 op;
	} s[KT_DERIVED] = {
		{ KT_C, 0xe8 }, { KT_X, 0xe8 }, { KT_J, 0xe9 },
		{ KT_TRAMP, 0xe9 },
	};
	__u8 forms[4 * 5];
	__u32 i;

	for (i = 0; i < KT_DERIVED; i++) {
		struct heki_patch where;

		memset(&where, 0, sizeof(where));
		where.size = 5;
		where.pa[0] = MEM_PA + s[i].at;
		if ((s[i].at & HEKI_PAGE_OFFSET_MASK) > HEKI_PAGE_SIZE - 5)
			where.pa[1] = (where.pa[0] | HEKI_PAGE_OFFSET_MASK) + 1;
		if (s[i].op == 0xe8) {
			memcpy(forms, xor5rax, 5);
			memcpy(forms + 5, nop5, 5);
		} else {
			kenc(forms, 0xe9, s[i].at, KT_R0);
			memcpy(forms + 5, ret5, 5);
		}
		enc(forms + 10, s[i].op, KT_VA, s[i].at, MF1);
		enc(forms + 15, s[i].op, KT_VA, s[i].at, MF2);
		oracle_scall_site(g, &where, KT_VA + s[i].at, s[i].op, forms,
				  4, "kernel static call (test image)");
	}
}

/*
 * ProtectMemory of the text and of @data_pages pages of kernel data with
 * @data_attr, then LoadKData with kallsyms @syms.
 */
static __s64 load_kernel_scalls_with(struct guest *g, __u64 data_pages,
				     __u64 data_attr,
				     const struct ksym_def *syms, __u32 nsyms)
{
	struct heki_range r[2];
	__u32 n = 0;
	__s64 ret;

	put_kernel_image(g);
	r[n++] = rng(KT_VA, MEM_PA, MEM_PA + KT_HELD_LEN,
		     heki_mem_attr_raw(MEM_ATTR_READ | MEM_ATTR_EXEC));
	if (data_pages)
		r[n++] = rng(KVA(KS_DATA), KS_DATA,
			     KS_DATA + data_pages * HEKI_PAGE_SIZE, data_attr);
	ret = call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, r, n,
			 0);
	if (ret)
		return ret;
	return load_kdata_ksyms_r0(g, syms, nsyms, KT_VA, KT_VA + KT_TEXT_LEN,
				   KT_VA + KT_R0);
}

static __s64 load_kernel_scalls(struct guest *g)
{
	return load_kernel_scalls_with(g, 3, heki_mem_attr_raw(MEM_ATTR_READ),
				       kt_syms, KT_NSYMS);
}

/* The kernel, the module (its f1 and f2: MF1, MF2), end of boot. */
static struct guest *kernel_loaded(void)
{
	static const struct modsim_scall x;
	struct guest *g = guest_new();
	__u64 tv;

	declare_kernel_sites(g);
	CHECK_EQ(load_kernel_scalls(g), 0);
	CHECK_EQ(load_module(g, MOD_PA, ELF_PA, &x, &tv), 0);
	CHECK_EQ(tv, SIM_CORE_VA);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
			    0, 0, 0), 0);
	return g;
}

/* Module sites besides the kernel's (scall_sites_and_...: 3). */
#define MOD_SITES	3

TEST(kscall_only_listed_keys_sites_and_trampoline_derived)
{
	struct guest *g = kernel_loaded();

	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KT_DERIVED + MOD_SITES);
	/* the two listed trampolines kallsyms names; not the LSM one */
	CHECK_EQ(g->v->kfuncs->ntramp, 2);
	guest_free(g);
}

/*
 * After end of boot, as kvm's load and unload update the perf guest
 * callbacks: the module's functions, return0's forms, NULL's forms.
 */
TEST(kscall_listed_key_forms_accepted_after_end_of_boot)
{
	static const struct {
		__u64 at;
		__u8 op;
	} site[] = {
		{ KT_C, 0xe8 }, { KT_X, 0xe8 }, { KT_J, 0xe9 },
		{ KT_TRAMP, 0xe9 },
	};
	struct guest *g = kernel_loaded();
	__u8 b[5];
	__u32 i;

	for (i = 0; i < ARRAY_SIZE(site); i++) {
		__u64 pa = MEM_PA + site[i].at;

		enc(b, site[i].op, KT_VA, site[i].at, MF2);
		CHECK(poke(g, pa, b));
		if (site[i].op == 0xe8) {
			CHECK(poke(g, pa, xor5rax));
		} else {
			kenc(b, 0xe9, site[i].at, KT_R0);
			CHECK(poke(g, pa, b));
		}
		enc(b, site[i].op, KT_VA, site[i].at, MF1);
		CHECK(poke(g, pa, b));
		CHECK(poke(g, pa, site[i].op == 0xe8 ? nop5 : ret5));
	}
	guest_free(g);
}

/* The text_poke_bp steps towards @to at @pa; 1 if none was accepted. */
static int steps_refused(struct guest *g, __u64 pa, const __u8 *to,
			 __s64 code, const char *log)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	__u8 before[5];
	int ok = 1;

	guest_read(g, pa, before, 5);
	if (patch(g, pa, 1, &int3) != code || !strstr(g->last_log, log))
		ok = 0;
	if (patch(g, pa + 1, 4, to + 1) != code || !strstr(g->last_log, log))
		ok = 0;
	if (patch(g, pa, 1, to) != code || !strstr(g->last_log, log))
		ok = 0;
	return ok && bytes_are(g, pa, before);
}

/*
 * F1: an LSM hook's site (the key security_locked_down() calls through)
 * is no patch site: neither the return-0 form nor a call to a function
 * entry may be written after end of boot.
 */
TEST(kscall_lsm_key_site_refused_after_end_of_boot)
{
	static const struct {
		const char *name;
		__u64 at;
		int form;	/* 0 xor-rax, 1 call f2, 2 call MF2, 3 jmp r0, 4 ret */
	} c[] = {
		{ "return 0 at the call site", KT_L, 0 },
		{ "a kernel function at the call site", KT_L, 1 },
		{ "a module function at the call site", KT_L, 2 },
		{ "return0 at the tail site", KT_LJ, 3 },
		{ "NULL at the tail site", KT_LJ, 4 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct guest *g = kernel_loaded();
		__u8 b[5];

		if (c[i].form == 0)
			memcpy(b, xor5rax, 5);
		else if (c[i].form == 1)
			kenc(b, 0xe8, c[i].at, KT_F2);
		else if (c[i].form == 2)
			enc(b, 0xe8, KT_VA, c[i].at, MF2);
		else if (c[i].form == 3)
			kenc(b, 0xe9, c[i].at, KT_R0);
		else
			memcpy(b, ret5, 5);
		if (!steps_refused(g, MEM_PA + c[i].at, b, RET_ERR(HEKI_ENOENT),
				   "PRECOMPUTED_PATCH_NOT_FOUND"))
			check_fail(__FILE__, __LINE__, "%s: %s", c[i].name,
				   g->last_log);
		guest_free(g);
	}
}

/* F1: the trampoline of a key not on the list is no patch site. */
TEST(kscall_unlisted_key_trampoline_refused)
{
	static const int form[] = { 0, 1, 2 };	/* jmp r0, ret, jmp g */
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(form); i++) {
		struct guest *g = kernel_loaded();
		__u8 b[5];

		if (form[i] == 0)
			kenc(b, 0xe9, KT_LSMT, KT_R0);
		else if (form[i] == 1)
			memcpy(b, ret5, 5);
		else
			kenc(b, 0xe9, KT_LSMT, KT_G);
		if (!steps_refused(g, MEM_PA + KT_LSMT, b, RET_ERR(HEKI_ENOENT),
				   "PRECOMPUTED_PATCH_NOT_FOUND"))
			check_fail(__FILE__, __LINE__, "form %d: %s", form[i],
				   g->last_log);
		guest_free(g);
	}
}

/*
 * F1: a key kallsyms does not name is no key VTL1 admits: K_ANON's site;
 * the perf_guest_state sites when kallsyms leaves __SCK____perf_guest_state
 * out, or names it twice at two addresses (and its trampoline with it).
 */
TEST(kscall_key_not_in_kallsyms_refused)
{
	enum { ANON, PERF_UNNAMED, PERF_TWICE };
	static const int what[] = { ANON, PERF_UNNAMED, PERF_TWICE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(what); i++) {
		struct ksym_def s[KT_NSYMS + 1];
		struct guest *g = guest_new();
		__u32 n = 0, k;
		__u8 b[5];
		int ok;

		for (k = 0; k < KT_NSYMS; k++) {
			if (k == KT_SYM_PERF && what[i] == PERF_UNNAMED)
				continue;
			s[n++] = kt_syms[k];
			/* the same name again at K_ANON (sorted after K_LSM) */
			if (k == KT_SYM_PERF + 2 && what[i] == PERF_TWICE)
				s[n++] = (struct ksym_def){
					"D__SCK____perf_guest_state", K_ANON };
		}
		CHECK_EQ(load_kernel_scalls_with(g, 3,
						 heki_mem_attr_raw(MEM_ATTR_READ),
						 s, n), 0);
		CHECK_EQ(guest_call(g,
				    VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
				    0, 0, 0), 0);
		if (what[i] == ANON) {
			CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KT_DERIVED);
			ok = steps_refused(g, MEM_PA + KT_U, xor5rax,
					   RET_ERR(HEKI_ENOENT),
					   "PRECOMPUTED_PATCH_NOT_FOUND");
		} else {
			CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 0);
			kenc(b, 0xe9, KT_TRAMP, KT_G);
			ok = steps_refused(g, MEM_PA + KT_C, nop5,
					   RET_ERR(HEKI_ENOENT),
					   "PRECOMPUTED_PATCH_NOT_FOUND") &&
			     steps_refused(g, MEM_PA + KT_TRAMP, b,
					   RET_ERR(HEKI_ENOENT),
					   "PRECOMPUTED_PATCH_NOT_FOUND");
		}
		if (!ok)
			check_fail(__FILE__, __LINE__, "case %u: %s", i,
				   g->last_log);
		guest_free(g);
	}
}

/*
 * A listed key's site may call a live module's function, never a kernel
 * function: perf's NMI-time callback cannot become any kernel function.
 */
TEST(kscall_listed_key_kernel_function_refused)
{
	static const struct {
		__u64 at;
		__u8 op;
		__u64 to;	/* kernel text offset */
	} c[] = {
		{ KT_C, 0xe8, KT_F2 }, { KT_C, 0xe8, KT_G },
		{ KT_X, 0xe8, KT_F1 }, { KT_J, 0xe9, KT_F2 },
		{ KT_TRAMP, 0xe9, KT_G }, { KT_C, 0xe8, KT_TRAMP },
	};
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct guest *g = kernel_loaded();
		__u64 pa = MEM_PA + c[i].at;
		__u8 b[5], before[5];
		__s64 ret;

		kenc(b, c[i].op, c[i].at, c[i].to);
		guest_read(g, pa, before, 5);
		CHECK_EQ(patch(g, pa, 1, &int3), 0);
		ret = patch(g, pa + 1, 4, b + 1);
		if (ret != RET_ERR(HEKI_EINVAL) ||
		    !strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"))
			check_fail(__FILE__, __LINE__, "case %u: %lld %s", i,
				   (long long)ret, g->last_log);
		/* back to what it held */
		CHECK_EQ(patch(g, pa, 1, before), 0);
		CHECK(bytes_are(g, pa, before));
		guest_free(g);
	}
}

/* A VA of the kernel's text. */
#define KV(off)		(KT_VA + (off))

/*
 * What an attacker in VTL0 would ask at kernel text after end of boot;
 * each refused with its code, the bytes as they were.
 */
TEST(kscall_kernel_attacker_requests_refused)
{
	static const struct bad_step bad[] = {
		{ "call into the middle of f1", TAIL_TO, KT_C, 0xe8,
		  KV(KT_F1 + 1), RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "call into the middle of the module's f1", TAIL_TO, KT_C,
		  0xe8, MF1 + 1, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "call text kallsyms names no function at", TAIL_TO, KT_C,
		  0xe8, KV(0x3000), RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "call __static_call_return0", TAIL_TO, KT_C, 0xe8, KV(KT_R0),
		  RET_ERR(HEKI_EINVAL), "REWRITE_TARGET_NOT_FUNCTION" },
		{ "jmp into kernel data", TAIL_TO, KT_TRAMP, 0xe9,
		  KVA(KS_FREE), RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "jmp into module space nobody validated", TAIL_TO, KT_J, 0xe9,
		  0xffffffffc1000000ULL, RET_ERR(HEKI_EINVAL),
		  "REWRITE_TARGET_NOT_FUNCTION" },
		{ "jmp written at a call site", HEAD_OP, KT_C, 0xe9, KV(KT_F1),
		  RET_ERR(HEKI_EACCES), "TEXT_PATCH_SUSPICIOUS" },
		{ "call written at the trampoline", HEAD_OP, KT_TRAMP, 0xe8,
		  KV(KT_F1), RET_ERR(HEKI_EACCES), "TEXT_PATCH_SUSPICIOUS" },
		{ "bytes 1..4 before the int3", TAIL_FIRST, KT_C, 0xe8,
		  MF2, RET_ERR(HEKI_EACCES), "TEXT_PATCH_STEP_INVALID" },
		{ "int3 at a site in init text", INT3_AT, KT_INIT, 0, 0,
		  RET_ERR(HEKI_ENOENT), "PRECOMPUTED_PATCH_NOT_FOUND" },
		{ "int3 at a site in text VTL1 does not protect", INT3_AT,
		  KT_UNHELD, 0, 0, RET_ERR(HEKI_ENOENT),
		  "PRECOMPUTED_PATCH_NOT_FOUND" },
		{ "int3 at a listed trampoline without its ud1", INT3_AT,
		  KT_FAKE, 0, 0, RET_ERR(HEKI_ENOENT),
		  "PRECOMPUTED_PATCH_NOT_FOUND" },
		{ "int3 at a function the table names no site at", INT3_AT,
		  KT_F1, 0, 0, RET_ERR(HEKI_ENOENT),
		  "PRECOMPUTED_PATCH_NOT_FOUND" },
		{ "int3 one byte into a site", INT3_AT, KT_C + 1, 0, 0,
		  RET_ERR(HEKI_EACCES), "TEXT_PATCH_SUSPICIOUS" },
	};

	bad_steps_refused(bad, ARRAY_SIZE(bad), kernel_loaded, MEM_PA, KT_VA);
}

/*
 * The table in kernel data the kernel did not protect read-only: LoadKData
 * fails as a whole and keeps nothing.
 */
TEST(kscall_table_not_protected_refused)
{
	static const struct {
		__u64 pages;
		__u64 attr;
	} c[] = {
		{ 2, MEM_ATTR_READ },	/* the table's page left out */
		{ 0, 0 },		/* no kernel data protected: kallsyms fails */
		{ 3, MEM_ATTR_READ | MEM_ATTR_WRITE },
	};
	static const char *const log[] = {
		"KERNEL_STATIC_CALLS_NOT_PROTECTED",
		"KALLSYMS_NOT_PROTECTED",
		"KALLSYMS_NOT_PROTECTED",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct guest *g = guest_new();
		__s64 ret = load_kernel_scalls_with(g, c[i].pages,
						    heki_mem_attr_raw(c[i].attr),
						    kt_syms, KT_NSYMS);

		if (ret != RET_ERR(HEKI_EACCES) || !strstr(g->last_log, log[i]))
			check_fail(__FILE__, __LINE__, "case %u: %lld %s", i,
				   (long long)ret, g->last_log);
		CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
		CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 0);
		guest_free(g);
	}
}

/* Bounds kallsyms gives that no linker writes: refused, nothing kept. */
TEST(kscall_table_bounds_invalid_refused)
{
	static const struct {
		const char *name;
		__u64 start, stop;	/* 0: the symbol left out */
	} c[] = {
		{ "only the start", KVA(KS_FREE), 0 },
		{ "only the stop", 0, KVA(KS_FREE) + 8 },
		{ "stop below start", KVA(KS_FREE) + 8, KVA(KS_FREE) },
		{ "size not a multiple of 8", KVA(KS_FREE), KVA(KS_FREE) + 12 },
		{ "past the kernel data", KVA(KS_FREE),
		  KVA(KS_DATA) + KS_DATA_LEN + 8 },
		{ "more entries than patch sites", KVA(KS_FREE),
		  KVA(KS_FREE) + 8ULL * (HEKI_VTL1_MAX_PATCH_SITES + 1) },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct ksym_def s[KT_NSYMS];
		struct guest *g = guest_new();
		__u32 n = 0, k;
		__s64 ret;

		if (c[i].start)
			s[n++] = (struct ksym_def){ "D__start_static_call_sites",
						    c[i].start };
		if (c[i].stop)
			s[n++] = (struct ksym_def){ "D__stop_static_call_sites",
						    c[i].stop };
		/* kallsyms is sorted by address */
		if (n == 2 && s[1].va < s[0].va) {
			struct ksym_def t = s[0];

			s[0] = s[1];
			s[1] = t;
		}
		/* the keys and functions, after the bounds but one case */
		for (k = 2; k < KT_NSYMS; k++)
			if (c[i].stop <= kt_syms[k].va)
				s[n++] = kt_syms[k];
		ret = load_kernel_scalls_with(g, 3,
					      heki_mem_attr_raw(MEM_ATTR_READ),
					      s, n);
		if (ret != RET_ERR(HEKI_EINVAL) ||
		    !strstr(g->last_log, "KERNEL_STATIC_CALLS_INVALID"))
			check_fail(__FILE__, __LINE__, "%s: %lld %s", c[i].name,
				   (long long)ret, g->last_log);
		CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
		guest_free(g);
	}
}

/*
 * No table named (a kernel without kallsyms' bounds): no kernel site, not
 * even the trampoline (no image offset without the table).
 */
TEST(kscall_no_table_no_kernel_sites)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kernel_scalls_with(g, 3, heki_mem_attr_raw(MEM_ATTR_READ),
					 kt_syms + 2, KT_NSYMS - 2), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 0);
	guest_free(g);
}

/* The same step twice: the second int3 finds no whole form. */
TEST(kscall_same_step_twice_refused)
{
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	struct guest *g = kernel_loaded();
	__u8 b[5];

	CHECK_EQ(patch(g, MEM_PA + KT_J, 1, &int3), 0);
	CHECK_EQ(patch(g, MEM_PA + KT_J, 1, &int3), RET_ERR(HEKI_EACCES));
	CHECK(strstr(g->last_log, "TEXT_PATCH_STEP_INVALID"));
	kenc(b, 0xe9, KT_J, KT_R0);
	CHECK_EQ(patch(g, MEM_PA + KT_J, 1, b), 0);
	CHECK(bytes_are(g, MEM_PA + KT_J, b));
	guest_free(g);
}

/*
 * A kernel site of a listed key pointed at the module's function (as
 * kvm's perf guest callbacks point perf's sites into kvm-like modules):
 * UnloadModule of that module is refused with EBUSY
 * (MODULE_TEXT_TARGETED), its frames stay protected and the site keeps
 * its bytes; once the site is back to the key's return-0 form (as
 * perf_unregister_guest_info_callbacks() writes), the module unloads and
 * its function is no target any more. For each derived kernel site:
 * call site, call site across a page end, tail site, trampoline.
 */
TEST(kscall_unload_refused_while_a_kernel_site_calls_the_module)
{
	static const struct {
		const char *name;
		__u64 at;
		__u8 op;
	} site[] = {
		{ "call site", KT_C, 0xe8 }, { "call site across a page", KT_X,
		  0xe8 },
		{ "tail site", KT_J, 0xe9 }, { "trampoline", KT_TRAMP, 0xe9 },
	};
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(site); i++) {
		struct guest *g = kernel_loaded();
		__u64 pa = MEM_PA + site[i].at;
		__u8 b[5], back[5];
		__s64 ret;

		enc(b, site[i].op, KT_VA, site[i].at, MF2);
		CHECK(poke(g, pa, b));
		ret = guest_call(g, UNLOAD, 0, 0, 0);
		if (ret != RET_ERR(HEKI_EBUSY) ||
		    !strstr(g->last_log, "MODULE_TEXT_TARGETED"))
			check_fail(__FILE__, __LINE__, "%s: %lld %s",
				   site[i].name, (long long)ret, g->last_log);
		CHECK_EQ(heki_vtl1_nr_modules(g->v), 1);
		CHECK(text_held(g, MOD_PA + MODSIM_SC_F2, 0));
		CHECK(bytes_are(g, pa, b));
		if (site[i].op == 0xe8)
			memcpy(back, xor5rax, 5);
		else
			kenc(back, 0xe9, site[i].at, KT_R0);
		CHECK(poke(g, pa, back));
		CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
		CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KT_DERIVED);
		CHECK(!text_held(g, MOD_PA + MODSIM_SC_F2, 0));
		/* the gone function is no target */
		CHECK_EQ(patch(g, pa, 1, &int3), 0);
		ret = patch(g, pa + 1, 4, b + 1);
		if (ret != RET_ERR(HEKI_EINVAL) ||
		    !strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"))
			check_fail(__FILE__, __LINE__, "%s after: %lld %s",
				   site[i].name, (long long)ret, g->last_log);
		CHECK_EQ(patch(g, pa, 1, back), 0);
		CHECK(bytes_are(g, pa, back));
		guest_free(g);
	}
}

/*
 * 7.2's fourth perf key: kallsyms names K_ANON __SCK____perf_guest_handle_
 * mediated_pmi, so its call site U is derived as the listed keys' are.
 * kvm (enable_mediated_pmu=1) points it at kvm_handle_guest_mediated_pmi,
 * a function of the validated kvm.ko (here the module's f2), and back at
 * __static_call_return0 when it unloads; a kernel function stays refused.
 */
TEST(kscall_mediated_pmi_key_listed)
{
	static const struct modsim_scall x;
	static const __u8 int3 = HEKI_PATCH_INT3_OPCODE;
	struct ksym_def s[KT_NSYMS + 1];
	struct guest *g = guest_new();
	struct heki_patch where;
	__u8 forms[5 * 5], b[5], before[5];
	__u32 n = 0, k;
	__u64 tv;

	for (k = 0; k < KT_NSYMS; k++) {
		s[n++] = kt_syms[k];
		/* sorted after K_LSM's __SCK__lsm_static_call_locked_down_0 */
		if (k == KT_SYM_PERF + 2)
			s[n++] = (struct ksym_def){
				"D__SCK____perf_guest_handle_mediated_pmi",
				K_ANON };
	}
	declare_kernel_sites(g);
	memset(&where, 0, sizeof(where));
	where.size = 5;
	where.pa[0] = MEM_PA + KT_U;
	memcpy(forms, xor5rax, 5);
	memcpy(forms + 5, nop5, 5);
	enc(forms + 10, 0xe8, KT_VA, KT_U, MF1);
	enc(forms + 15, 0xe8, KT_VA, KT_U, MF2);
	/* and what the test image holds there at end of boot: call f1 */
	kenc(forms + 20, 0xe8, KT_U, KT_F1);
	oracle_patch_site(g, &where, forms, 5,
			  "kernel static call (test image)");
	CHECK_EQ(load_kernel_scalls_with(g, 3,
					 heki_mem_attr_raw(MEM_ATTR_READ), s,
					 n), 0);
	CHECK_EQ(load_module(g, MOD_PA, ELF_PA, &x, &tv), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
			    0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), KT_DERIVED + 1 + MOD_SITES);
	/* a kernel function: refused, the site as it was */
	guest_read(g, MEM_PA + KT_U, before, 5);
	kenc(b, 0xe8, KT_U, KT_F2);
	CHECK_EQ(patch(g, MEM_PA + KT_U, 1, &int3), 0);
	CHECK_EQ(patch(g, MEM_PA + KT_U + 1, 4, b + 1), RET_ERR(HEKI_EINVAL));
	CHECK(strstr(g->last_log, "REWRITE_TARGET_NOT_FUNCTION"));
	CHECK_EQ(patch(g, MEM_PA + KT_U, 1, before), 0);
	CHECK(bytes_are(g, MEM_PA + KT_U, before));
	/* kvm's handler, then return0 and NULL's forms */
	enc(b, 0xe8, KT_VA, KT_U, MF2);
	CHECK(poke(g, MEM_PA + KT_U, b));
	CHECK(poke(g, MEM_PA + KT_U, xor5rax));
	CHECK(poke(g, MEM_PA + KT_U, nop5));
	guest_free(g);
}

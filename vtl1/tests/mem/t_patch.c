// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_patch.c - PatchText and the patch sites LoadKData and ValidateModule
 * register.
 *
 * Kernel sites come from load_kdata_basic()'s patch info (two jmp32
 * records: A inside one page, B crossing into a non-adjacent page) over
 * kernel text the tests protect first (kernel_text()). Module sites come
 * from the __jump_table of a small signed module (put_module_jumps()):
 * a 2-byte site in text, a 5-byte site crossing from one text frame into
 * a non-adjacent one, a 5-byte site in init text.
 */
#include "test.h"
#include "modsim.h"
#include "core/core.h"

#define PATCH		VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE
#define VALIDATE	VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE
#define FREE_INIT	VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT_VALUE
#define UNLOAD		VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE
#define DESC_PA		(DATA_PA + 0x30000)
#define DESC2_PA	(DATA_PA + 0x38000)
/* load_kdata_basic()'s sites: jmp e9 11 22 33 44 and e9 55 66 77 88 */
#define SITE_A		(MEM_PA + 0x10)
#define SITE_B		(MEM_PA + 0x1FFE)
#define SITE_B_PA1	(MEM_PA + 0x5000)

static const char nop5[] = "\x0f\x1f\x44\x00\x00";
static const char jmp_a[] = "\xe9\x11\x22\x33\x44";
static const char jmp_b[] = "\xe9\x55\x66\x77\x88";

static __s64 patch(struct guest *g, __u64 pa0, __u64 pa1, __u8 size,
		   const char *code)
{
	struct heki_patch p;

	memset(&p, 0, sizeof(p));
	p.pa[0] = pa0;
	p.pa[1] = pa1;
	p.size = size;
	memcpy(p.code, code, size);
	guest_write(g, DESC_PA, &p, sizeof(p));
	return guest_call(g, PATCH, DESC_PA, 0, 0);
}

static __u8 byte_at(struct guest *g, __u64 pa)
{
	__u8 b;

	guest_read(g, pa, &b, 1);
	return b;
}

/* The @n bytes of a site whose byte 0 is at @pa0 (rest at @pa1). */
static int site_is(struct guest *g, __u64 pa0, __u64 pa1, const char *want,
		   __u32 n)
{
	__u32 first = pa1 ? (__u32)(0x1000 - (pa0 & 0xfff)) : n, i;

	for (i = 0; i < n; i++)
		if (byte_at(g, i < first ? pa0 + i : pa1 + i - first) !=
		    (__u8)want[i])
			return 0;
	return 1;
}

/*
 * The test sets a site's bytes itself (guest memory, not a VTL0 store:
 * guest_write() drops stores into frames VTL1 made read-only).
 */
static void put_site(struct guest *g, __u64 pa0, __u64 pa1, const char *b,
		     __u32 n)
{
	__u32 first = pa1 ? (__u32)(0x1000 - (pa0 & 0xfff)) : n;

	memcpy(g->mem + pa0, b, first);
	if (first < n)
		memcpy(g->mem + pa1, b + first, n - first);
}

/*
 * Kernel text as a booting kernel leaves it: NOP5 at both sites, frames
 * MEM_PA .. +0x6000 made R|X by ProtectMemory, then LoadKData.
 */
static __s64 kernel_text(struct guest *g)
{
	struct heki_range k = rng(KVA(MEM_PA), MEM_PA, MEM_PA + 0x6000,
				  heki_mem_attr_raw(MEM_ATTR_READ |
						    MEM_ATTR_EXEC));
	__s64 ret;

	put_site(g, SITE_A, 0, nop5, 5);
	put_site(g, SITE_B, SITE_B_PA1, nop5, 5);
	ret = call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, &k, 1,
			 0);
	return ret ? ret : load_kdata_basic(g);
}

/* The three text_poke_bp steps at a site inside one page. */
static int poke(struct guest *g, __u64 pa, const char *to, __u8 n)
{
	return patch(g, pa, 0, 1, "\xcc") == 0 &&
	       patch(g, pa + 1, 0, n - 1, to + 1) == 0 &&
	       patch(g, pa, 0, 1, to) == 0;
}

/* ---- kernel sites ------------------------------------------------------ */

TEST(patch_text_three_steps_in_one_page)
{
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xcc"), 0);
	CHECK_EQ(byte_at(g, SITE_A), 0xCC);
	CHECK_EQ(patch(g, SITE_A + 1, 0, 4, jmp_a + 1), 0);
	CHECK(site_is(g, SITE_A, 0, "\xcc\x11\x22\x33\x44", 5));
	CHECK_EQ(patch(g, SITE_A, 0, 1, jmp_a), 0);
	CHECK(site_is(g, SITE_A, 0, jmp_a, 5));
	CHECK_EQ(byte_at(g, SITE_A + 5), 0);
	/* and back to the NOP */
	CHECK(poke(g, SITE_A, nop5, 5));
	CHECK(site_is(g, SITE_A, 0, nop5, 5));
	guest_free(g);
}

TEST(patch_text_same_form_again_accepted)
{
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	CHECK(poke(g, SITE_A, nop5, 5));
	CHECK(site_is(g, SITE_A, 0, nop5, 5));
	guest_free(g);
}

TEST(patch_text_wrong_bytes_eacces)
{
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xcc"), 0);
	CHECK_EQ(patch(g, SITE_A + 1, 0, 4, "\x00\x00\x00\x00"), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "TEXT_PATCH_SUSPICIOUS"));
	CHECK_EQ(patch(g, SITE_A + 1, 0, 3, "\x11\x22\x33"), -HEKI_EACCES);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\x90"), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "TEXT_PATCH_SUSPICIOUS"));
	CHECK(site_is(g, SITE_A, 0, "\xcc\x1f\x44\x00\x00", 5));
	guest_free(g);
}

/*
 * Each step only from the state text_poke_bp leaves before it: no tail or
 * head without the int3, no second int3, no head whose encoding's tail is
 * not there yet. Refused steps change nothing.
 */
TEST(patch_text_steps_out_of_order_refused)
{
	static const struct {
		const char *name;
		const char *pre;	/* bytes at the site before the step */
		__u32 at;		/* 0: byte 0, 1: bytes 1..4 */
		const char *code;
	} cases[] = {
		{ "tail without int3", "\x0f\x1f\x44\x00\x00", 1, "\x11\x22\x33\x44" },
		{ "head without int3", "\x0f\x1f\x44\x00\x00", 0, "\xe9" },
		{ "int3 twice", "\xcc\x1f\x44\x00\x00", 0, "\xcc" },
		{ "head before the tail", "\xcc\x1f\x44\x00\x00", 0, "\xe9" },
		{ "int3 on a half-written site", "\xe9\x1f\x44\x00\x00", 0, "\xcc" },
		{ "tail behind a foreign byte 0", "\x90\x11\x22\x33\x44", 1,
		  "\x1f\x44\x00\x00" },
		{ "tail over foreign bytes", "\xcc\x00\x00\x00\x00", 1,
		  "\x11\x22\x33\x44" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct guest *g = guest_new();

		CHECK_EQ(kernel_text(g), 0);
		put_site(g, SITE_A, 0, cases[i].pre, 5);
		if (cases[i].at)
			CHECK_EQ(patch(g, SITE_A + 1, 0, 4, cases[i].code),
				 -HEKI_EACCES);
		else
			CHECK_EQ(patch(g, SITE_A, 0, 1, cases[i].code),
				 -HEKI_EACCES);
		if (!strstr(g->last_log, "TEXT_PATCH_STEP_INVALID"))
			check_fail(__FILE__, __LINE__, "%s: %s", cases[i].name,
				   g->last_log);
		CHECK(site_is(g, SITE_A, 0, cases[i].pre, 5));
		guest_free(g);
	}
}

TEST(litebox_7_6_int3_only_at_a_registered_site)
{
	static const __u64 targets[] = { SITE_A + 2, SITE_A - 1, SITE_A + 0x1000,
					 MEM_PA + 0x3000 };
	struct guest *g = guest_new();
	unsigned int i;

	CHECK_EQ(kernel_text(g), 0);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		__u8 before = byte_at(g, targets[i]);

		CHECK_EQ(patch(g, targets[i], 0, 1, "\xcc"), -HEKI_ENOENT);
		CHECK_EQ(byte_at(g, targets[i]), before);
	}
	guest_free(g);
}

TEST(litebox_7_6_descriptor_validated_on_single_page_path)
{
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(patch(g, SITE_A, 0, 0, ""), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "PATCH_SIZE_INVALID"));
	CHECK_EQ(patch(g, SITE_A, 0, 6, "\xcc\xcc\xcc\xcc\xcc"), -HEKI_EINVAL);
	CHECK_EQ(patch(g, SITE_A, MEM_PA + 0x7000, 1, "\xcc"), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "PATCH_PA1_UNEXPECTED"));
	CHECK_EQ(patch(g, 1ULL << 52, 0, 1, "\xcc"), -HEKI_EINVAL);
	guest_free(g);
}

TEST(litebox_7_7_cross_page_patch_written_at_right_address)
{
	struct guest *g = guest_new();
	__u8 buf[3];

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(patch(g, SITE_B, 0, 1, "\xcc"), 0);
	/* step 2 of site B: byte 1 at 0x...1FFF, bytes 2..4 at pa1 */
	CHECK_EQ(patch(g, SITE_B + 1, SITE_B_PA1, 4, jmp_b + 1), 0);
	CHECK_EQ(byte_at(g, SITE_B + 1), 0x55);
	guest_read(g, SITE_B_PA1, buf, 3);
	CHECK(!memcmp(buf, "\x66\x77\x88", 3));
	CHECK_EQ(byte_at(g, SITE_B_PA1 + 3), 0);
	CHECK_EQ(byte_at(g, SITE_B + 2), 0);		/* adjacent page untouched */
	CHECK_EQ(patch(g, SITE_B, 0, 1, jmp_b), 0);
	CHECK(site_is(g, SITE_B, SITE_B_PA1, jmp_b, 5));
	guest_free(g);
}

TEST(patch_text_cross_page_wrong_second_page_eacces)
{
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(patch(g, SITE_B, 0, 1, "\xcc"), 0);
	CHECK_EQ(patch(g, SITE_B + 1, MEM_PA + 0x2000, 4, jmp_b + 1),
		 -HEKI_EACCES);
	CHECK_EQ(byte_at(g, MEM_PA + 0x2000), 0);
	guest_free(g);
}

/* A failed second piece leaves the first as it was (I4). */
TEST(patch_text_cross_page_failed_write_undone)
{
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(patch(g, SITE_B, 0, 1, "\xcc"), 0);
	g->fail_copy_to_nth = 2;
	CHECK_EQ(patch(g, SITE_B + 1, SITE_B_PA1, 4, jmp_b + 1), -HEKI_EFAULT);
	CHECK_EQ(g->fail_copy_to_nth, 0);
	CHECK(site_is(g, SITE_B, SITE_B_PA1, "\xcc\x1f\x44\x00\x00", 5));
	guest_free(g);
}

TEST(patch_text_descriptor_split_over_two_pages)
{
	struct guest *g = guest_new();
	struct heki_patch p;
	__u8 raw[sizeof(p)];

	CHECK_EQ(kernel_text(g), 0);
	memset(&p, 0, sizeof(p));
	p.pa[0] = SITE_A;
	p.size = 1;
	p.code[0] = 0xCC;
	memcpy(raw, &p, sizeof(p));
	guest_write(g, DESC_PA + 0xFF0, raw, 16);
	guest_write(g, DESC2_PA, raw + 16, sizeof(raw) - 16);
	CHECK_EQ(guest_call(g, PATCH, DESC_PA + 0xFF0, DESC2_PA, 0), 0);
	CHECK_EQ(byte_at(g, SITE_A), 0xCC);
	guest_free(g);
}

TEST(patch_text_argument_checks_efault)
{
	static const struct {
		__u64 pa0, pa1;
	} cases[] = {
		{ 0, 0 },
		{ DESC_PA, DESC_PA },
		{ DESC_PA, DESC2_PA + 8 },
		{ 1ULL << 52, 0 },
		{ DESC_PA, 1ULL << 52 },
		{ DESC_PA + 0xFF0, 0 },		/* split without a second page */
		{ DESC_PA, DESC2_PA },		/* fits, yet a second page */
	};
	struct guest *g = guest_new();
	unsigned int i;

	CHECK_EQ(kernel_text(g), 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_EQ(guest_call(g, PATCH, cases[i].pa0, cases[i].pa1, 0),
			 -HEKI_EFAULT);
	guest_free(g);
}

TEST(patch_text_without_sites_enoent)
{
	struct guest *g = guest_new();

	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xcc"), -HEKI_ENOENT);
	CHECK(strstr(g->last_log, "PRECOMPUTED_PATCH_NOT_FOUND"));
	guest_free(g);
}

TEST(patch_text_write_failure_efault)
{
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	g->fail_copy_to = 1;
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xcc"), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "VTL0_COPY_FAILED"));
	g->fail_copy_to = 0;
	CHECK(site_is(g, SITE_A, 0, nop5, 5));
	guest_free(g);
}

/*
 * A kernel site in frames the kernel never protected, or that another
 * owner holds now, is not written: the site does not belong to them.
 */
TEST(patch_text_kernel_site_outside_kernel_text_eacces)
{
	struct guest *g = guest_new();

	put_site(g, SITE_A, 0, nop5, 5);
	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xcc"), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "PATCH_SITE_NOT_HELD"));
	CHECK(site_is(g, SITE_A, 0, nop5, 5));
	guest_free(g);
}

TEST(patch_text_kernel_patch_info_must_be_jumps)
{
	static const struct {
		__u8 size;
		const char *code;
	} bad[] = {
		{ 5, "\xe8\x00\x00\x00\x00" },	/* call */
		{ 5, "\x0f\x1f\x44\x00\x00" },	/* the NOP itself */
		{ 2, "\xe9\x00" },		/* jmp32 opcode, 2 bytes */
		{ 3, "\xe9\x00\x00" },		/* no 3-byte jump */
		{ 1, "\xc3" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct guest *g = guest_new();
		struct heki_patch p;

		memset(&p, 0, sizeof(p));
		p.pa[0] = SITE_A;
		p.size = bad[i].size;
		memcpy(p.code, bad[i].code, bad[i].size);
		CHECK_EQ(load_kdata_patches(g, &p, 1), -HEKI_EINVAL);
		CHECK(strstr(g->last_log, "PATCH_INFO_NOT_JUMP"));
		CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 0);
		guest_free(g);
	}
}

/* ---- module sites ------------------------------------------------------ */

#define ELF_PA		(DATA_PA + 0x20000)
#define MPATCH_PA	(DATA_PA + 0x28000)
#define MOD_PA		(MEM_PA + 0x200000)
#define MOD_TEXT2_PA	(MOD_PA + 0x6000)	/* text's second frame */
#define MOD_INIT_PA	(MOD_PA + 0x1000)
/* the module's sites: J0 text+0x20 (2), J1 text+0xffe (5, crosses), J2 init */
#define J0_PA		(MOD_PA + 0x20)
#define J1_PA		(MOD_PA + 0xffe)
#define J2_PA		(MOD_INIT_PA + 0x100)

static const struct modsim_jump mod_jumps[] = {
	{ HEKI_MODLAYOUT_TEXT, 2, 0x20, 0x40, 0, 0 },
	{ HEKI_MODLAYOUT_TEXT, 5, 0xffe, 0x100, 1, 1 },
	{ HEKI_MODLAYOUT_INIT_TEXT, 5, 0x100, 0x180, 0, 0 },
};
/* their encodings in the ELF's own terms (offsets in one section) */
static const char j0_jmp[] = "\xeb\x1e";
static const char j1_jmp[] = "\xe9\xfd\xf0\xff\xff";
static const char j2_jmp[] = "\xe9\x7b\x00\x00\x00";

/*
 * A signed module with the sites above; @recs (may be NULL) are the patch
 * records VTL0 sends with it (one patch-info record of @nrecs patches).
 */
static __s64 validate_module(struct guest *g, const struct heki_patch *recs,
			     __u32 nrecs)
{
	struct heki_patch_info pi;
	struct heki_range r[10];
	__u32 n = 0;

	r[n++] = rng(0, MOD_PA, MOD_PA + 0x1000, HEKI_MOD_MEM_TEXT_VALUE);
	r[n++] = rng(0, MOD_TEXT2_PA, MOD_TEXT2_PA + 0x1000,
		     HEKI_MOD_MEM_TEXT_VALUE);
	r[n++] = rng(0, MOD_INIT_PA, MOD_INIT_PA + 0x1000,
		     HEKI_MOD_MEM_INIT_TEXT_VALUE);
	r[n++] = rng(0, MOD_PA + 0x2000, MOD_PA + 0x3000,
		     HEKI_MOD_MEM_RO_AFTER_INIT_VALUE);
	r[n++] = rng(0, MOD_PA + 0x3000, MOD_PA + 0x4000,
		     HEKI_MOD_MEM_DATA_VALUE);
	r[n++] = rng(0, MOD_PA + 0x4000, MOD_PA + 0x5000,
		     HEKI_MOD_MEM_DATA_VALUE);
	r[n++] = rng(0, MOD_PA + 0x5000, MOD_PA + 0x6000,
		     HEKI_MOD_MEM_INIT_DATA_VALUE);
	r[n] = rng(KVA(ELF_PA), ELF_PA, ELF_PA, HEKI_MOD_MEM_ELF_BUFFER_VALUE);
	r[n].epa += put_module_jumps(g, ELF_PA, 7, 0, r, n, mod_jumps,
				     ARRAY_SIZE(mod_jumps));
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

static struct heki_patch rec(__u64 pa0, __u64 pa1, __u8 size,
			     const char *code)
{
	struct heki_patch p;

	memset(&p, 0, sizeof(p));
	p.pa[0] = pa0;
	p.pa[1] = pa1;
	p.size = size;
	memcpy(p.code, code, size);
	return p;
}

TEST(module_sites_derived_from_its_jump_table)
{
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(validate_module(g, NULL, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 2 + 3);
	/* J0: NOP2 -> jmp8 -> NOP2 */
	CHECK(site_is(g, J0_PA, 0, "\x66\x90", 2));
	CHECK(poke(g, J0_PA, j0_jmp, 2));
	CHECK(site_is(g, J0_PA, 0, j0_jmp, 2));
	CHECK(poke(g, J0_PA, "\x66\x90", 2));
	/* J1 (the ELF holds the jmp), across two non-adjacent frames */
	CHECK(site_is(g, J1_PA, MOD_TEXT2_PA, j1_jmp, 5));
	CHECK_EQ(patch(g, J1_PA, 0, 1, "\xcc"), 0);
	CHECK_EQ(patch(g, J1_PA + 1, MOD_TEXT2_PA, 4, nop5 + 1), 0);
	CHECK_EQ(patch(g, J1_PA, 0, 1, nop5), 0);
	CHECK(site_is(g, J1_PA, MOD_TEXT2_PA, nop5, 5));
	/* J2, in init text */
	CHECK(poke(g, J2_PA, j2_jmp, 5));
	CHECK(site_is(g, J2_PA, 0, j2_jmp, 5));
	guest_free(g);
}

TEST(module_patch_records_select_derived_sites)
{
	struct heki_patch recs[3] = {
		rec(J0_PA, 0, 2, j0_jmp),
		rec(J1_PA, MOD_TEXT2_PA, 5, j1_jmp),
		rec(J2_PA, 0, 5, nop5),
	};
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(validate_module(g, recs, 3), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 2 + 3);
	guest_free(g);
}

/*
 * A record that names no derived site, or a form its site cannot take,
 * refuses the module: nothing protected, no site, no token used.
 */
TEST(module_patch_records_never_add_a_site)
{
	static const struct {
		const char *name;
		__u64 pa0, pa1;
		__u8 size;
		const char *code;
	} bad[] = {
		{ "made-up site", MOD_PA + 0x200, 0, 5, "\xe9\x01\x02\x03\x04" },
		{ "arbitrary code at a real site", J0_PA, 0, 2, "\x0f\x0b" },
		{ "jmp elsewhere at a real site", J2_PA, 0, 5, "\xe9\x00\x10\x00\x00" },
		{ "real site, other size", J2_PA, 0, 2, "\xeb\x00" },
		{ "byte 1 of a real site", J1_PA + 1, MOD_TEXT2_PA, 4, "\x0f\x0b\x0f\x0b" },
		{ "cross-page site, other second frame", J1_PA, MOD_PA + 0x3000, 5,
		  "\x0f\x1f\x44\x00\x00" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct heki_patch r = rec(bad[i].pa0, bad[i].pa1, bad[i].size,
					  bad[i].code);
		struct guest *g = guest_new();

		CHECK_EQ(kernel_text(g), 0);
		CHECK_EQ(validate_module(g, &r, 1), -HEKI_EINVAL);
		if (!strstr(g->last_log, "PATCH_NOT_A_SITE"))
			check_fail(__FILE__, __LINE__, "%s: %s", bad[i].name,
				   g->last_log);
		CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 2);
		CHECK_EQ(heki_vtl1_nr_modules(g->v), 0);
		CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
		/* the next module still gets token 0 */
		CHECK_EQ(validate_module(g, NULL, 0), 0);
		guest_free(g);
	}
}

/*
 * Issue 10, finding 1: a signed module with made-up "jump-label sites"
 * holding arbitrary code, then the three text_poke_bp steps per site after
 * end of boot: VTL1 used to write that code into R|X module text. Now
 * the records are refused with the module, and without them no such site
 * exists: PatchText finds nothing there and writes nothing.
 */
TEST(issue10_finding1_patch_text_made_up_jump_sites_refused)
{
	static const char payload[] = "\xe9\xde\xad\xbe\xef";
	struct heki_patch fake[2] = {
		rec(MOD_PA + 0x300, 0, 5, payload),
		rec(MOD_PA + 0x400, 0, 5, payload),
	};
	struct guest *g = guest_new();
	unsigned int i;
	__u8 before[5];

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
			    0, 0, 0), 0);
	CHECK_EQ(validate_module(g, fake, 2), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "PATCH_NOT_A_SITE"));
	CHECK_EQ(validate_module(g, NULL, 0), 0);
	for (i = 0; i < 2; i++) {
		__u64 pa = fake[i].pa[0];

		guest_read(g, pa, before, 5);
		CHECK_EQ(patch(g, pa, 0, 1, "\xcc"), -HEKI_ENOENT);
		CHECK_EQ(patch(g, pa + 1, 0, 4, payload + 1), -HEKI_ENOENT);
		CHECK_EQ(patch(g, pa, 0, 1, payload), -HEKI_ENOENT);
		CHECK(site_is(g, pa, 0, (const char *)before, 5));
	}
	/* nor can a real site take the payload */
	CHECK_EQ(patch(g, J2_PA, 0, 1, "\xcc"), 0);
	CHECK_EQ(patch(g, J2_PA + 1, 0, 4, payload + 1), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "TEXT_PATCH_SUSPICIOUS"));
	CHECK(site_is(g, J2_PA, 0, "\xcc\x1f\x44\x00\x00", 5));
	guest_free(g);
}

TEST(litebox_7_8_init_text_sites_die_with_free_module_init)
{
	struct guest *g = guest_new();

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(validate_module(g, NULL, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 5);
	CHECK_EQ(patch(g, J2_PA, 0, 1, "\xcc"), 0);
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 4);
	CHECK_EQ(patch(g, J2_PA + 1, 0, 4, j2_jmp + 1), -HEKI_ENOENT);
	CHECK_EQ(patch(g, J0_PA, 0, 1, "\xcc"), 0);
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 2);
	CHECK_EQ(patch(g, J0_PA + 1, 0, 1, j0_jmp + 1), -HEKI_ENOENT);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xcc"), 0);
	guest_free(g);
}

/* Kernel text as kernel_text() leaves it, with the kernel sites @p. */
static __s64 kernel_text_sites(struct guest *g, const struct heki_patch *p,
			       __u32 n)
{
	struct heki_range k = rng(KVA(MEM_PA), MEM_PA, MEM_PA + 0x6000,
				  heki_mem_attr_raw(MEM_ATTR_READ |
						    MEM_ATTR_EXEC));
	__s64 ret;

	put_site(g, SITE_A, 0, nop5, 5);
	ret = call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, &k, 1,
			 0);
	return ret ? ret : load_kdata_patches(g, p, n);
}

/*
 * A kernel site (patch info before end of boot) naming a byte of frames
 * a module holds later is not written: a site belongs to its owner's
 * memory, and that memory is the module's now.
 */
TEST(patch_text_kernel_site_over_module_text_eacces)
{
	struct heki_patch k[2] = {
		rec(SITE_A, 0, 5, jmp_a),
		rec(MOD_PA + 0x300, 0, 5, "\xe9\x11\x22\x33\x44"),
	};
	struct guest *g = guest_new();
	__u8 before[5];

	CHECK_EQ(kernel_text_sites(g, k, 2), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
			    0, 0, 0), 0);
	CHECK_EQ(validate_module(g, NULL, 0), 0);
	guest_read(g, MOD_PA + 0x300, before, 5);
	CHECK_EQ(patch(g, MOD_PA + 0x300, 0, 1, "\xcc"), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "PATCH_SITE_NOT_HELD"));
	CHECK(site_is(g, MOD_PA + 0x300, 0, (const char *)before, 5));
	/* the kernel's own site still works */
	CHECK(poke(g, SITE_A, jmp_a, 5));
	guest_free(g);
}

/* A module site sharing a byte with a kernel site: the module is refused. */
TEST(module_patch_site_overlapping_a_kernel_site_refused)
{
	static const struct {
		__u64 pa;
		long long err;
		const char *code;
	} cases[] = {
		{ J0_PA, -HEKI_EEXIST, "PATCH_DUPLICATE" },
		{ J0_PA - 3, -HEKI_EEXIST, "PATCH_SITE_OVERLAP" },
		{ J1_PA + 1, -HEKI_EEXIST, "PATCH_SITE_OVERLAP" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct heki_patch k = rec(cases[i].pa, 0, 5, jmp_a);
		struct guest *g = guest_new();

		if (((cases[i].pa + 4) & 0xfff) < (cases[i].pa & 0xfff))
			k.pa[1] = MEM_PA + 0x5000;
		CHECK_EQ(kernel_text_sites(g, &k, 1), 0);
		CHECK_EQ(validate_module(g, NULL, 0), cases[i].err);
		CHECK(strstr(g->last_log, cases[i].code));
		CHECK_EQ(heki_vtl1_nr_modules(g->v), 0);
		CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 1);
		CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
		guest_free(g);
	}
}

TEST(litebox_7_29_one_lock_held_for_each_whole_call)
{
	struct guest *g = guest_new();
	int calls;

	CHECK_EQ(kernel_text(g), 0);
	CHECK_EQ(validate_module(g, NULL, 0), 0);
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	calls = 5;
	/* guest.c aborts on a nested or unbalanced lock */
	CHECK_EQ(g->lock_calls, calls);
	CHECK_EQ(g->unlock_calls, calls);
	CHECK_EQ(g->locked, 0);
	guest_free(g);
}

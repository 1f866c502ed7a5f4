// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_patch.c - PatchText and the patch sites LoadKData and ValidateModule
 * register.
 */
#include "test.h"
#include "modsim.h"
#include "core/core.h"

#define PATCH		VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE
#define DESC_PA		(DATA_PA + 0x30000)
#define DESC2_PA	(DATA_PA + 0x38000)
#define SITE_A		(MEM_PA + 0x10)
#define SITE_B		(MEM_PA + 0x1FFE)
#define SITE_B_PA1	(MEM_PA + 0x5000)

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

#define ELF_PA		(DATA_PA + 0x20000)
#define MPATCH_PA	(DATA_PA + 0x28000)
#define MOD_PA		(MEM_PA + 0x200000)

/* A module whose patch info names one site in text and one in init text. */
static __s64 validate_with_patches(struct guest *g, __u64 site2)
{
	struct heki_patch_info pi;
	struct heki_patch p[2];
	struct heki_range r[7];

	memset(&pi, 0, sizeof(pi));
	pi.patch_index = 2;
	pi.max_patch_count = 4;
	memset(p, 0, sizeof(p));
	p[0].pa[0] = MOD_PA + 0x20;
	p[0].size = 2;
	memcpy(p[0].code, "\xeb\x10", 2);
	p[1].pa[0] = site2;
	p[1].size = 5;
	memcpy(p[1].code, "\xe9\x01\x02\x03\x04", 5);
	guest_write(g, MPATCH_PA, &pi, sizeof(pi));
	guest_write(g, MPATCH_PA + sizeof(pi), p, sizeof(p));
	r[0] = rng(KVA(MOD_PA), MOD_PA, MOD_PA + 0x1000, HEKI_MOD_MEM_TEXT_VALUE);
	r[1] = rng(KVA(MOD_PA + 0x1000), MOD_PA + 0x1000, MOD_PA + 0x2000,
		   HEKI_MOD_MEM_INIT_TEXT_VALUE);
	r[2] = rng(KVA(MOD_PA + 0x2000), MOD_PA + 0x2000, MOD_PA + 0x3000,
		   HEKI_MOD_MEM_DATA_VALUE);
	r[3] = rng(KVA(ELF_PA), ELF_PA, ELF_PA, HEKI_MOD_MEM_ELF_BUFFER_VALUE);
	r[4] = rng(KVA(MPATCH_PA), MPATCH_PA, MPATCH_PA + sizeof(pi) + sizeof(p),
		   HEKI_MOD_MEM_PATCH_VALUE);
	/* a real module needs init data (its symtab) and 2 data pages */
	r[5] = rng(KVA(MOD_PA + 0x3000), MOD_PA + 0x3000, MOD_PA + 0x4000,
		   HEKI_MOD_MEM_INIT_DATA_VALUE);
	r[6] = rng(KVA(MOD_PA + 0x4000), MOD_PA + 0x4000, MOD_PA + 0x5000,
		   HEKI_MOD_MEM_DATA_VALUE);
	r[3].epa += put_module_mem(g, ELF_PA, 7, 0, r, 7);
	return call_chain(g, VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE, r, 7, 0);
}

TEST(patch_text_three_steps_in_one_page)
{
	struct guest *g = guest_new();
	__u8 buf[5];

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xcc"), 0);
	CHECK_EQ(byte_at(g, SITE_A), 0xCC);
	CHECK_EQ(patch(g, SITE_A + 1, 0, 4, "\x11\x22\x33\x44"), 0);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xe9"), 0);
	guest_read(g, SITE_A, buf, 5);
	CHECK(!memcmp(buf, "\xe9\x11\x22\x33\x44", 5));
	CHECK_EQ(byte_at(g, SITE_A + 5), 0);
	guest_free(g);
}

TEST(patch_text_nop_variant_accepted)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(patch(g, SITE_A + 1, 0, 4, "\x1f\x44\x00\x00"), 0);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\x0f"), 0);
	guest_free(g);
}

TEST(patch_text_wrong_bytes_eacces)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(patch(g, SITE_A + 1, 0, 4, "\x00\x00\x00\x00"), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "TEXT_PATCH_SUSPICIOUS"));
	CHECK_EQ(patch(g, SITE_A + 1, 0, 3, "\x11\x22\x33"), -HEKI_EACCES);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\x90"), -HEKI_EACCES);
	CHECK_EQ(byte_at(g, SITE_A + 1), 0);
	guest_free(g);
}

TEST(litebox_7_6_int3_only_at_a_registered_site)
{
	static const __u64 targets[] = { SITE_A + 2, SITE_A - 1, SITE_A + 0x1000,
					 MEM_PA + 0x3000 };
	struct guest *g = guest_new();
	unsigned int i;

	CHECK_EQ(load_kdata_basic(g), 0);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		CHECK_EQ(patch(g, targets[i], 0, 1, "\xcc"), -HEKI_ENOENT);
		CHECK_EQ(byte_at(g, targets[i]), 0);
	}
	guest_free(g);
}

TEST(litebox_7_6_descriptor_validated_on_single_page_path)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
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
	__u8 buf[4];

	CHECK_EQ(load_kdata_basic(g), 0);
	/* step 2 of site B: byte 1 at 0x...1FFF, bytes 2..4 at pa1 */
	CHECK_EQ(patch(g, SITE_B + 1, SITE_B_PA1, 4, "\x55\x66\x77\x88"), 0);
	CHECK_EQ(byte_at(g, SITE_B + 1), 0x55);
	guest_read(g, SITE_B_PA1, buf, 4);
	CHECK(!memcmp(buf, "\x66\x77\x88\x00", 4));
	CHECK_EQ(byte_at(g, SITE_B + 2), 0);		/* adjacent page untouched */
	CHECK_EQ(byte_at(g, SITE_B + 1 - 0x1FFF % 0x1000), 0);
	/* steps 1 and 3 */
	CHECK_EQ(patch(g, SITE_B, 0, 1, "\xcc"), 0);
	CHECK_EQ(patch(g, SITE_B, 0, 1, "\xe9"), 0);
	CHECK_EQ(byte_at(g, SITE_B), 0xE9);
	guest_free(g);
}

TEST(patch_text_cross_page_wrong_second_page_eacces)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(patch(g, SITE_B + 1, MEM_PA + 0x2000, 4, "\x55\x66\x77\x88"),
		 -HEKI_EACCES);
	CHECK_EQ(byte_at(g, MEM_PA + 0x2000), 0);
	guest_free(g);
}

TEST(patch_text_descriptor_split_over_two_pages)
{
	struct guest *g = guest_new();
	struct heki_patch p;
	__u8 raw[sizeof(p)];

	CHECK_EQ(load_kdata_basic(g), 0);
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

	CHECK_EQ(load_kdata_basic(g), 0);
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

	CHECK_EQ(load_kdata_basic(g), 0);
	g->fail_copy_to = 1;
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xcc"), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "VTL0_COPY_FAILED"));
	guest_free(g);
}

TEST(litebox_7_8_init_text_sites_die_with_free_module_init)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate_with_patches(g, MOD_PA + 0x1100), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 4);
	CHECK_EQ(patch(g, MOD_PA + 0x1100, 0, 1, "\xcc"), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT_VALUE, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 3);
	CHECK_EQ(patch(g, MOD_PA + 0x1100, 0, 1, "\xcc"), -HEKI_ENOENT);
	CHECK_EQ(patch(g, MOD_PA + 0x20, 0, 1, "\xcc"), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 2);
	CHECK_EQ(patch(g, MOD_PA + 0x20, 0, 1, "\xcc"), -HEKI_ENOENT);
	CHECK_EQ(patch(g, SITE_A, 0, 1, "\xcc"), 0);
	guest_free(g);
}

TEST(litebox_7_5_module_patch_outside_its_text_refused)
{
	static const __u64 sites[] = { MEM_PA + 0x30, MOD_PA + 0x2100,
				       MOD_PA + 0x0FFE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sites); i++) {
		struct guest *g = guest_new();

		CHECK_EQ(load_kdata_basic(g), 0);
		CHECK_EQ(validate_with_patches(g, sites[i]), -HEKI_EINVAL);
		CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 2);
		CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
		guest_free(g);
	}
}

TEST(module_patch_site_duplicate_eexist)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate_with_patches(g, MOD_PA + 0x20), -HEKI_EEXIST);
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 0);
	guest_free(g);
}

TEST(litebox_7_6_int3_on_second_byte_refused)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate_with_patches(g, MOD_PA + 0x1100), 0);
	/* byte 1 of the 2-byte module site: step 2 must carry its byte */
	CHECK_EQ(patch(g, MOD_PA + 0x21, 0, 1, "\xcc"), -HEKI_EACCES);
	CHECK_EQ(patch(g, MOD_PA + 0x21, 0, 1, "\x10"), 0);
	CHECK_EQ(byte_at(g, MOD_PA + 0x21), 0x10);
	guest_free(g);
}

TEST(litebox_7_29_one_lock_held_for_each_whole_call)
{
	struct guest *g = guest_new();
	int calls;

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate_with_patches(g, MOD_PA + 0x1100), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT_VALUE, 0, 0, 0), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE, 0, 0, 0), 0);
	calls = 4;
	/* guest.c aborts on a nested or unbalanced lock */
	CHECK_EQ(g->lock_calls, calls);
	CHECK_EQ(g->unlock_calls, calls);
	CHECK_EQ(g->locked, 0);
	guest_free(g);
}

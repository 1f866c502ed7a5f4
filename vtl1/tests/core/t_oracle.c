// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_oracle.c - the oracle can fail: each test plays a VTL1 that breaks one
 * invariant (through the platform callbacks, between oracle_before_call()
 * and oracle_after_call(), as a dispatcher call would) and requires the
 * oracle to report exactly that invariant. The real VTL1 is untouched.
 */
#include "test.h"

#define PROTECT		VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE
#define EOB		VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE
#define PATCH		VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE
#define BOOT_APS	VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE
#define KEXEC		VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE
#define UNLOAD		VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE
#define VALIDATE	VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE

#define O_TEXT_PA	(MEM_PA + 0x40000)	/* kernel text, R|X */
#define O_FREE_PA	(MEM_PA + 0x60000)	/* never protected */

static void protect_text_with(struct guest *g, const __u8 *b, __u64 n)
{
	struct heki_range r = rng(KVA(O_TEXT_PA), O_TEXT_PA,
				  O_TEXT_PA + 0x1000, 5);

	guest_write(g, O_TEXT_PA, b, n);
	CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), 0);
}

static void protect_text(struct guest *g)
{
	protect_text_with(g, (const __u8 *)"\x55\x48\x89\xe5\xc3", 5);
}

/* A rogue VTL1 call: what the hooks see, without the real dispatcher. */
static void rogue_begin(struct guest *g, __u32 id, __u64 a0, __u64 a1)
{
	oracle_before_call(g, id, a0, a1, 0);
}

static void rogue_write(struct guest *g, __u64 pa, const void *b, __u64 n)
{
	CHECK_EQ(g->plat.copy_to_vtl0(g, heki_gpa(pa), b, n), 0);
}

static void rogue_protect(struct guest *g, __u64 pa, __u8 prot)
{
	CHECK_EQ(g->plat.modify_vtl_protection(g, heki_gpa(pa), 1,
					       (__force hv_page_prot_t)prot),
		 HV_STATUS_SUCCESS);
}

TEST(oracle_i2_write_into_protected_kernel_text)
{
	struct guest *g = guest_new();

	protect_text(g);
	oracle_expect(g, ORACLE_I2);
	rogue_begin(g, PATCH, 0, 0);
	rogue_write(g, O_TEXT_PA, "\xcc", 1);
	oracle_after_call(g, 0);
	CHECK(oracle_seen(g, ORACLE_I2) >= 1);
	CHECK(strstr(oracle_last(g), "no declared patch site"));
	guest_free(g);
}

TEST(oracle_i2_call_that_never_writes_writes)
{
	struct guest *g = guest_new();

	oracle_expect(g, ORACLE_I2);
	rogue_begin(g, EOB, 0, 0);
	rogue_write(g, O_FREE_PA, "\x01", 1);
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 1);
	CHECK(strstr(oracle_last(g), "this call writes VTL0 memory"));
	guest_free(g);
}

TEST(oracle_i2_boot_aps_byte_it_does_not_own)
{
	struct guest *g = guest_new();
	struct heki_cpu_mask m = { .bits = { 0x3, 0 } };

	guest_write(g, DATA_PA, &m, sizeof(m));
	oracle_expect(g, ORACLE_I2);
	rogue_begin(g, BOOT_APS, DATA_PA >> 12, O_FREE_PA >> 12);
	rogue_write(g, O_FREE_PA + 1, "\xdc", 1);	/* CPU 1: its token */
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 0);
	rogue_write(g, O_FREE_PA + 2, "\xdc", 1);	/* CPU 2: not in mask */
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 1);
	guest_free(g);
}

/*
 * Declared sites: a form, or INT3 + the rest of a form, when the call is
 * over; INT3 at byte 0 whenever other bytes of the site are torn.
 */
static const __u8 site_forms[] = { 0xe9, 1, 2, 3, 4,
				   0x0f, 0x1f, 0x44, 0x00, 0x00 };

static void site_in_text(struct guest *g)
{
	struct heki_patch where = { .pa = { O_TEXT_PA, 0 }, .size = 5 };

	protect_text_with(g, site_forms + 5, 5);
	oracle_patch_site(g, &where, site_forms, 2, "test site");
	oracle_expect(g, ORACLE_I2);
}

TEST(oracle_i2_site_three_steps_pass)
{
	struct guest *g = guest_new();

	site_in_text(g);
	rogue_begin(g, PATCH, 0, 0);
	rogue_write(g, O_TEXT_PA, "\xcc", 1);
	rogue_write(g, O_TEXT_PA + 1, "\x01\x02\x03\x04", 4);
	rogue_write(g, O_TEXT_PA, "\xe9", 1);
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 0);
	guest_free(g);
}

TEST(oracle_i2_site_left_in_no_allowed_state)
{
	struct guest *g = guest_new();

	site_in_text(g);
	rogue_begin(g, PATCH, 0, 0);
	rogue_write(g, O_TEXT_PA, "\xcc", 1);
	rogue_write(g, O_TEXT_PA + 1, "\x1f\x44\x00\x01", 4); /* no form */
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 0);	/* behind INT3 so far */
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 1);
	CHECK(strstr(oracle_last(g), "in a state no allowed form has"));
	guest_free(g);
}

/*
 * The oracle's own record of the bytes a site held at its INT3 step: a
 * site that held bytes no form has (as validated) may get exactly them
 * back while the sequence is under way, and rests there after; each
 * step is one successful PatchText.
 */
static const __u8 old_bytes[5] = { 0xe9, 9, 9, 9, 9 };

static void rogue_step(struct guest *g, __u64 pa, const void *b, __u64 n)
{
	rogue_begin(g, PATCH, 0, 0);
	rogue_write(g, pa, b, n);
	oracle_after_call(g, 0);
}

/* The three steps to the site's jmp form: the sequence ends there. */
static void rogue_sequence_to_jmp(struct guest *g)
{
	rogue_step(g, O_TEXT_PA, "\xcc", 1);
	rogue_step(g, O_TEXT_PA + 1, site_forms + 1, 4);
	rogue_step(g, O_TEXT_PA, site_forms, 1);
}

static void site_holding_old_bytes(struct guest *g)
{
	struct heki_patch where = { .pa = { O_TEXT_PA, 0 }, .size = 5 };

	protect_text_with(g, old_bytes, 5);
	oracle_patch_site(g, &where, site_forms, 2, "test site");
	oracle_expect(g, ORACLE_I1);
	oracle_expect(g, ORACLE_I2);
}

TEST(oracle_record_restore_while_held_passes)
{
	struct guest *g = guest_new();

	site_holding_old_bytes(g);
	rogue_step(g, O_TEXT_PA, "\xcc", 1);
	rogue_step(g, O_TEXT_PA + 1, site_forms + 1, 4);
	/* step 3 refused: the old tail, the old head */
	rogue_step(g, O_TEXT_PA + 1, old_bytes + 1, 4);
	rogue_step(g, O_TEXT_PA, old_bytes, 1);
	/* resting there; a new sequence from them */
	rogue_step(g, O_TEXT_PA, "\xcc", 1);
	rogue_step(g, O_TEXT_PA + 1, site_forms + 6, 4);
	rogue_step(g, O_TEXT_PA, site_forms + 5, 1);
	CHECK_EQ(oracle_seen(g, ORACLE_I1), 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 0);
	guest_free(g);
}

/* A sequence that ended at a form drops the record: no way back. */
TEST(oracle_i2_restore_of_bytes_from_an_earlier_sequence)
{
	struct guest *g = guest_new();

	site_holding_old_bytes(g);
	rogue_sequence_to_jmp(g);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 0);
	rogue_step(g, O_TEXT_PA, "\xcc", 1);
	rogue_step(g, O_TEXT_PA + 1, old_bytes + 1, 4);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 1);
	CHECK(strstr(oracle_last(g), "in a state no allowed form has"));
	guest_free(g);
}

/* While held, bytes other than the recorded ones are no restoration. */
TEST(oracle_i2_restore_of_other_bytes_while_held)
{
	static const __u8 other[5] = { 0xe9, 9, 9, 9, 8 };
	struct guest *g = guest_new();

	site_holding_old_bytes(g);
	rogue_step(g, O_TEXT_PA, "\xcc", 1);
	rogue_step(g, O_TEXT_PA + 1, other + 1, 4);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 1);
	CHECK(strstr(oracle_last(g), "in a state no allowed form has"));
	guest_free(g);
}

/*
 * A site VTL1 wrote that goes back to its validated bytes without a
 * sequence of its own (the bytes equal declared content) is I1.
 */
TEST(oracle_i1_written_site_back_to_its_validated_bytes)
{
	struct guest *g = guest_new();

	site_holding_old_bytes(g);
	rogue_sequence_to_jmp(g);
	/* bypassing every callback, as DMA would */
	memcpy(g->mem + O_TEXT_PA, old_bytes, 5);
	CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I1), 1);
	CHECK(strstr(oracle_last(g), "written by VTL1"));
	guest_free(g);
}

/*
 * I6: a static call site in kernel text calls a function of module 0's
 * text; module 0 released while it does (a VTL1 that gives the text
 * back) is I6, whatever VTL1's own records say (I5 here: the real VTL1
 * never saw the rogue ValidateModule).
 */
TEST(oracle_i6_site_calls_released_module_text)
{
	static const __u64 mod_va = 0xffffffffc0000000ULL;
	struct heki_range r = rng(mod_va, O_FREE_PA, O_FREE_PA + 0x1000,
				  HEKI_MOD_MEM_TEXT_VALUE);
	struct heki_patch where = { .pa = { O_TEXT_PA, 0 }, .size = 5 };
	__u64 site_va = KVA(O_TEXT_PA);
	__u8 forms[10];
	__s32 rel = (__s32)(mod_va + 0x40 - (site_va + 5));
	struct guest *g = guest_new();

	protect_text_with(g, site_forms + 5, 5);
	memcpy(forms, site_forms + 5, 5);
	forms[5] = 0xe8;
	memcpy(forms + 6, &rel, 4);
	oracle_scall_site(g, &where, site_va, 0xe8, forms, 2,
			  "test static call site");
	oracle_expect(g, ORACLE_I5);
	oracle_expect(g, ORACLE_I6);
	guest_chain(g, CHAIN_PA, &r, 1, 0);
	rogue_begin(g, VALIDATE, CHAIN_PA, 1);
	rogue_protect(g, O_FREE_PA, 0xD);
	oracle_after_call(g, 0);
	rogue_step(g, O_TEXT_PA, forms + 5, 5);
	CHECK_EQ(oracle_seen(g, ORACLE_I6), 0);
	rogue_begin(g, UNLOAD, 0, 0);
	rogue_protect(g, O_FREE_PA, 0xB);
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I6), 1);
	CHECK(strstr(oracle_last(g), "in text of module 0 that VTL1 released"));
	/* back to the NOP: no more I6 */
	rogue_step(g, O_TEXT_PA, forms, 5);
	CHECK_EQ(oracle_seen(g, ORACLE_I6), 1);
	guest_free(g);
}

/* Torn without INT3, even if put right before the call returns. */
TEST(oracle_i2_site_torn_while_runnable)
{
	struct guest *g = guest_new();

	site_in_text(g);
	rogue_begin(g, PATCH, 0, 0);
	rogue_write(g, O_TEXT_PA + 1, "\x01\x02", 2);
	rogue_write(g, O_TEXT_PA + 1, "\x1f\x44", 2);
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 1);
	CHECK(strstr(oracle_last(g), "runnable in a state no allowed form"));
	guest_free(g);
}

/* A site across two frames is written in two parts behind INT3. */
TEST(oracle_i2_cross_page_site_in_two_parts_passes)
{
	struct guest *g = guest_new();
	struct heki_range r[2] = {
		rng(KVA(O_TEXT_PA), O_TEXT_PA, O_TEXT_PA + 0x1000, 5),
		rng(KVA(O_TEXT_PA + 0x3000), O_TEXT_PA + 0x3000,
		    O_TEXT_PA + 0x4000, 5),
	};
	struct heki_patch where = {
		.pa = { O_TEXT_PA + 0xffe, O_TEXT_PA + 0x3000 }, .size = 5
	};

	guest_write(g, O_TEXT_PA + 0xffe, "\xcc\x1f", 2);
	guest_write(g, O_TEXT_PA + 0x3000, "\x44\x00\x00", 3);
	CHECK_EQ(call_chain(g, PROTECT, r, 2, 0), 0);
	oracle_patch_site(g, &where, site_forms, 2, "test site");
	oracle_expect(g, ORACLE_I2);
	rogue_begin(g, PATCH, 0, 0);
	rogue_write(g, O_TEXT_PA + 0xfff, "\x01", 1);
	rogue_write(g, O_TEXT_PA + 0x3000, "\x02\x03\x04", 3);
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 0);
	/* and the same first part alone is caught at the end of the call */
	rogue_begin(g, PATCH, 0, 0);
	rogue_write(g, O_TEXT_PA + 0xfff, "\x1f", 1);
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I2), 1);
	guest_free(g);
}

TEST(oracle_i1_executable_byte_changed_after_end_of_boot)
{
	struct guest *g = guest_new();

	protect_text(g);
	CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
	/* a change that bypassed every callback (as DMA would) */
	g->mem[O_TEXT_PA + 2] ^= 0xff;
	oracle_expect(g, ORACLE_I1);
	CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
	CHECK(oracle_seen(g, ORACLE_I1) >= 1);
	CHECK(strstr(oracle_last(g), "kernel text at end of boot"));
	guest_free(g);
}

TEST(oracle_i1_strict_undeclared_executable_frame)
{
	struct guest *g = guest_new();

	oracle_strict(g, 1);
	oracle_expect(g, ORACLE_I1);
	oracle_expect(g, ORACLE_I5);
	/* VTL1 grants kernel-execute to a frame with no authenticated bytes */
	rogue_begin(g, PATCH, 0, 0);
	rogue_protect(g, O_FREE_PA, 0xD);
	oracle_after_call(g, 0);
	CHECK(oracle_seen(g, ORACLE_I1) >= 1);
	CHECK(oracle_seen(g, ORACLE_I5) >= 1);
	guest_free(g);
}

TEST(oracle_i4_failed_call_changed_access)
{
	struct guest *g = guest_new();

	oracle_expect(g, ORACLE_I4);
	oracle_expect(g, ORACLE_I5);
	rogue_begin(g, PATCH, 0, 0);
	rogue_protect(g, O_FREE_PA, 0x9);
	oracle_after_call(g, -HEKI_EINVAL);
	CHECK_EQ(oracle_seen(g, ORACLE_I4), 1);
	guest_free(g);
}

TEST(oracle_i4_failed_call_changed_memory)
{
	struct guest *g = guest_new();

	oracle_expect(g, ORACLE_I4);
	rogue_begin(g, PATCH, 0, 0);
	rogue_write(g, O_FREE_PA, "\x77", 1);
	oracle_after_call(g, -HEKI_EFAULT);
	CHECK_EQ(oracle_seen(g, ORACLE_I4), 1);
	CHECK(strstr(oracle_last(g), "changed by the failed call"));
	guest_free(g);
}

/* A write undone before the call returns leaves memory as it was. */
TEST(oracle_i4_restored_write_is_no_change)
{
	struct guest *g = guest_new();

	oracle_expect(g, ORACLE_I4);
	rogue_begin(g, PATCH, 0, 0);
	rogue_write(g, O_FREE_PA, "\x77", 1);
	rogue_write(g, O_FREE_PA, "\x00", 1);
	oracle_after_call(g, -HEKI_EFAULT);
	CHECK_EQ(oracle_seen(g, ORACLE_I4), 0);
	guest_free(g);
}

/* VTL1 reports success but protected nothing of what was asked. */
TEST(oracle_i5_success_without_the_protection)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(O_FREE_PA), O_FREE_PA,
				  O_FREE_PA + 0x1000, 1);

	guest_chain(g, CHAIN_PA, &r, 1, 0);
	oracle_expect(g, ORACLE_I5);
	rogue_begin(g, PROTECT, CHAIN_PA, 1);
	oracle_after_call(g, 0);
	CHECK(oracle_seen(g, ORACLE_I5) >= 1);
	CHECK(strstr(oracle_last(g), "VTL1 records none"));
	guest_free(g);
}

/* A protection dropped outside its owner's release. */
TEST(oracle_i5_protection_lost)
{
	struct guest *g = guest_new();

	protect_text(g);
	oracle_expect(g, ORACLE_I5);
	rogue_begin(g, EOB, 0, 0);
	rogue_protect(g, O_TEXT_PA, 0xF);
	oracle_after_call(g, 0);
	CHECK(oracle_seen(g, ORACLE_I5) >= 1);
	CHECK(strstr(oracle_last(g), "access applied f"));
	guest_free(g);
}

TEST(oracle_i5_release_of_an_unknown_token)
{
	struct guest *g = guest_new();

	oracle_expect(g, ORACLE_I5);
	rogue_begin(g, UNLOAD, 42, 0);
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I5), 1);
	guest_free(g);
}

static int replay_refuses(struct guest *g, __u64 chain_pa, int crash,
			  void *arg, char *why, size_t len)
{
	(*(int *)arg)++;
	snprintf(why, len, "test replay refuses");
	return 1;
}

TEST(oracle_i3_accepted_image_fails_the_replay)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(O_FREE_PA), O_FREE_PA,
				  O_FREE_PA + 0x1000, HEKI_KEXEC_PAGES_VALUE);
	int called = 0;

	guest_chain(g, CHAIN_PA, &r, 1, 0);
	oracle_kexec_replay(g, replay_refuses, &called);
	oracle_expect(g, ORACLE_I3);
	oracle_expect(g, ORACLE_I5);
	rogue_begin(g, KEXEC, CHAIN_PA, 1);
	rogue_protect(g, O_FREE_PA, 0x9);
	oracle_after_call(g, 0);
	CHECK_EQ(called, 1);
	CHECK_EQ(oracle_seen(g, ORACLE_I3), 1);
	CHECK(strstr(oracle_last(g), "test replay refuses"));
	guest_free(g);
}

TEST(oracle_i3_strict_image_without_replay)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(O_FREE_PA), O_FREE_PA,
				  O_FREE_PA + 0x1000, HEKI_KEXEC_PAGES_VALUE);

	guest_chain(g, CHAIN_PA, &r, 1, 0);
	oracle_strict(g, 1);
	oracle_expect(g, ORACLE_I3);
	oracle_expect(g, ORACLE_I5);
	rogue_begin(g, KEXEC, CHAIN_PA, 1);
	rogue_protect(g, O_FREE_PA, 0x9);
	oracle_after_call(g, 0);
	CHECK_EQ(oracle_seen(g, ORACLE_I3), 1);
	CHECK(strstr(oracle_last(g), "no replay declared"));
	CHECK_EQ(oracle_kexec_unreplayed(g), 1);
	guest_free(g);
}

/* And the real VTL1 passes every check of a sample life cycle. */
TEST(oracle_real_calls_pass)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	protect_text(g);
	CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
	CHECK(oracle_calls_checked(g) >= 3);
	CHECK_EQ(oracle_last(g)[0], 0);
	guest_free(g);
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_soundness.c - a hostile VTL0 after end of boot, call by call: each
 * call out of order, twice, over frames another owner holds or that were
 * just released, with valid but chosen values. Each test asserts the exact
 * result and the frames' access; the oracle (oracle.h), in strict mode,
 * checks I1-I6 after every call (no executable byte without an
 * authenticated source, no write into an owned frame, nothing lost).
 * The findings of issue 10 have their own regression tests, named
 * issue10_finding<n>_*.
 */
#include "test.h"

#define PROTECT		VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE
#define EOB		VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE
#define FREE_INIT	VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT_VALUE
#define UNLOAD		VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE
#define RINGBUF		VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY_VALUE

#define H_KTEXT_PA	(MEM_PA + 0x400000)	/* kernel text, 2 pages */
#define H_MOD_PA	(MEM_PA + 0x500000)	/* module 0 */
#define H_MOD2_PA	(MEM_PA + 0x600000)	/* room for another */
#define H_ELF_PA	(DATA_PA + 0x60000)

/* Booted: certificates, kernel text R|X, module 0, end of boot. */
static struct guest *booted(void)
{
	struct heki_range r = rng(KVA(H_KTEXT_PA), H_KTEXT_PA,
				  H_KTEXT_PA + 0x2000, 5);
	struct guest *g = guest_new();
	__u8 text[0x2000];
	__u32 i;

	oracle_strict(g, 1);
	for (i = 0; i < sizeof(text); i++)
		text[i] = (__u8)(0xc3 - i % 5);
	guest_write(g, H_KTEXT_PA, text, sizeof(text));
	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), 0);
	CHECK_EQ(validate_module_at(g, H_MOD_PA, H_ELF_PA), 0);
	CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
	return g;
}

TEST(hostile_protect_memory_after_end_of_boot_cannot_loosen_text)
{
	struct guest *g = booted();
	struct heki_range r = rng(KVA(H_KTEXT_PA), H_KTEXT_PA,
				  H_KTEXT_PA + 0x1000, 7);

	CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), -HEKI_EPERM);
	CHECK_EQ(frame_prot(g, H_KTEXT_PA), 0xD);
	guest_free(g);
}

/* VTL0 stores into validated text: dropped by the access VTL1 set. */
TEST(hostile_store_into_module_text_dropped)
{
	struct guest *g = booted();
	__u8 before[16], after[16];

	guest_read(g, H_MOD_PA + 0x100, before, sizeof(before));
	guest_write(g, H_MOD_PA + 0x100, "\xcc\xcc\xcc\xcc", 4);
	guest_read(g, H_MOD_PA + 0x100, after, sizeof(after));
	CHECK_EQ(g->nr_refused_stores, 4);
	CHECK(!memcmp(before, after, sizeof(after)));
	/* the oracle checks I1 over every executable frame at this call */
	CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
	guest_free(g);
}

/* The same signed module validated again over module 0's frames. */
TEST(hostile_module_over_validated_module_refused)
{
	struct guest *g = booted();

	CHECK_EQ(validate_module_at(g, H_MOD_PA, H_ELF_PA + 0x10000),
		 -HEKI_EBUSY);
	CHECK_EQ(frame_prot(g, H_MOD_PA), 0xD);
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	guest_free(g);
}

TEST(hostile_unload_twice_refused)
{
	struct guest *g = booted();

	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), -HEKI_EINVAL);
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), -HEKI_EINVAL);
	CHECK_EQ(frame_prot(g, H_MOD_PA), 0xB);
	guest_free(g);
}

/* A second FreeModuleInit has nothing left to release. */
TEST(hostile_free_init_twice_changes_nothing)
{
	struct guest *g = booted();

	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	/* text still R|X, init text given back */
	CHECK_EQ(frame_prot(g, H_MOD_PA), 0xD);
	CHECK_EQ(frame_prot(g, H_MOD_PA + 0x6000), 0xB);
	guest_free(g);
}

/* A token never returned, and the next one before it exists. */
TEST(hostile_release_of_chosen_tokens_refused)
{
	static const __u64 tok[] = { 1, 2, 0x7fffffffffffffffULL,
				     0x8000000000000000ULL, ~0ULL };
	struct guest *g = booted();
	__u32 i;

	for (i = 0; i < ARRAY_SIZE(tok); i++) {
		CHECK_EQ(guest_call(g, UNLOAD, tok[i], 0, 0), -HEKI_EINVAL);
		CHECK_EQ(guest_call(g, FREE_INIT, tok[i], 0, 0), -HEKI_EINVAL);
	}
	CHECK_EQ(frame_prot(g, H_MOD_PA), 0xD);
	guest_free(g);
}

/*
 * Frames given back by UnloadModule are VTL0's again: it writes its own
 * code there (not executable: VTL1 removed kernel execute), then has a
 * new module validated over them; the new module's bytes are the signed
 * ones and its token the next.
 */
TEST(hostile_released_frames_reused_by_a_new_module)
{
	struct guest *g = booted();
	__u8 junk[0x100];

	memset(junk, 0xcc, sizeof(junk));
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	guest_write(g, H_MOD_PA, junk, sizeof(junk));
	CHECK_EQ(g->nr_refused_stores, 0);
	CHECK_EQ(frame_prot(g, H_MOD_PA), 0xB);
	CHECK_EQ(validate_module_at(g, H_MOD_PA, H_ELF_PA), 1);
	CHECK_EQ(frame_prot(g, H_MOD_PA), 0xD);
	guest_free(g);
}

/* The ring buffer cannot take frames another owner holds. */
TEST(hostile_ringbuffer_over_owned_frames_refused)
{
	static const __u64 pa[] = { H_KTEXT_PA, H_MOD_PA, H_MOD_PA + 0x2000 };
	struct guest *g = booted();
	__u32 i;

	for (i = 0; i < ARRAY_SIZE(pa); i++)
		CHECK_EQ(guest_call(g, RINGBUF, pa[i], 0x1000, 0),
			 -HEKI_EBUSY);
	CHECK_EQ(frame_prot(g, H_MOD_PA + 0x2000), 0xB);
	guest_free(g);
}

/* A second module whose text reaches into kernel text. */
TEST(hostile_module_over_kernel_text_refused)
{
	struct guest *g = booted();

	CHECK_EQ(validate_module_at(g, H_KTEXT_PA + 0x1000, H_ELF_PA),
		 -HEKI_EBUSY);
	CHECK_EQ(frame_prot(g, H_KTEXT_PA + 0x1000), 0xD);
	CHECK_EQ(validate_module_at(g, H_MOD2_PA, H_ELF_PA), 1);
	guest_free(g);
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_boot_signal.c - BootAPs' boot-signal page against a hostile VTL0
 * (issue 10, finding 2): VTL1 stores only the token bytes of the CPUs that
 * came up, through the write gate, and refuses a page any owner holds
 * (kernel text, module memory, kernel data, the ring buffer), before and
 * after end of boot, before any VP is enabled and with nothing written.
 */
#include "test.h"

#define PROTECT		VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE
#define EOB		VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE
#define BOOT_APS	VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE
#define RINGBUF		VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY_VALUE

#define S_MASK_PA	(DATA_PA + 0x50000)	/* online CPU mask */
#define S_SIGNAL_PA	(DATA_PA + 0x51000)	/* an ordinary page */
#define S_ELF_PA	(DATA_PA + 0x60000)
#define S_KTEXT_PA	(MEM_PA + 0x400000)	/* kernel text, 2 pages */
#define S_RING_PA	(MEM_PA + 0x480000)
#define S_MOD_PA	(MEM_PA + 0x500000)	/* a validated module */

static void put_mask(struct guest *g, __u64 lo, __u64 hi)
{
	struct heki_cpu_mask m = { .bits = { lo, hi } };

	guest_write(g, S_MASK_PA, &m, sizeof(m));
}

static __s64 boot_aps(struct guest *g, __u64 signal_pa)
{
	return guest_call(g, BOOT_APS, S_MASK_PA >> 12, signal_pa >> 12, 0);
}

/* Kernel text as the boot kernel lays it out and protects it (R|X). */
static void protect_kernel_text(struct guest *g)
{
	struct heki_range r = rng(KVA(S_KTEXT_PA), S_KTEXT_PA,
				  S_KTEXT_PA + 0x2000, 5);
	__u8 text[0x2000];
	__u32 i;

	for (i = 0; i < sizeof(text); i++)
		text[i] = (__u8)(0x90 + i % 7);
	guest_write(g, S_KTEXT_PA, text, sizeof(text));
	CHECK_EQ(call_chain(g, PROTECT, &r, 1, 0), 0);
}

static int same_page(struct guest *g, __u64 pa, const __u8 *want)
{
	__u8 buf[HEKI_PAGE_SIZE];

	guest_read(g, pa, buf, sizeof(buf));
	return !memcmp(buf, want, sizeof(buf));
}

/*
 * The attack: after end of boot, name kernel text protected by
 * ProtectMemory as the boot-signal page. VTL1 used to copy the page, set
 * one byte per CPU and write the whole page back into R|X kernel text.
 */
TEST(issue10_finding2_boot_signal_page_in_kernel_text_refused)
{
	struct guest *g = guest_new();
	__u8 before[HEKI_PAGE_SIZE];

	protect_kernel_text(g);
	CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
	put_mask(g, 0xF, 0);
	guest_read(g, S_KTEXT_PA, before, sizeof(before));
	CHECK_EQ(boot_aps(g, S_KTEXT_PA), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "VTL0_WRITE_PROTECTED"));
	CHECK(same_page(g, S_KTEXT_PA, before));
	/* refused before any VP was touched */
	CHECK_EQ(g->nr_enable_calls, 0);
	guest_free(g);
}

/* The same with a validated module's text (R|X, owner the module). */
TEST(issue10_finding2_boot_signal_page_in_module_text_refused)
{
	struct guest *g = guest_new();
	__u8 before[HEKI_PAGE_SIZE];

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate_module_at(g, S_MOD_PA, S_ELF_PA), 0);
	CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
	put_mask(g, 0x3, 0);
	guest_read(g, S_MOD_PA + 0x1000, before, sizeof(before));
	CHECK_EQ(boot_aps(g, S_MOD_PA + 0x1000), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "VTL0_WRITE_PROTECTED"));
	CHECK(same_page(g, S_MOD_PA + 0x1000, before));
	CHECK_EQ(g->nr_enable_calls, 0);
	guest_free(g);
}

/*
 * The class: a frame any owner holds is refused as the boot-signal page,
 * before and after end of boot, whatever its access (read-only ring
 * buffer and kernel data, writable module data, R|X text).
 */
TEST(boot_aps_refuses_every_owned_frame)
{
	static const struct {
		const char *what;
		__u64 pa;
	} c[] = {
		{ "kernel text", S_KTEXT_PA + 0x1000 },
		{ "kernel data (LoadKData)", MEM_PA + 0x100000 },
		{ "module text", S_MOD_PA },
		{ "module data (R|W)", S_MOD_PA + 0x2000 },
		{ "module rodata", S_MOD_PA + 0x3000 },
		{ "module init text", S_MOD_PA + 0x6000 },
		{ "ring buffer", S_RING_PA },
	};
	__u8 before[HEKI_PAGE_SIZE];
	int eob;
	__u32 i;

	for (eob = 0; eob < 2; eob++) {
		for (i = 0; i < ARRAY_SIZE(c); i++) {
			struct guest *g = guest_new();

			CHECK_EQ(load_kdata_basic(g), 0);
			protect_kernel_text(g);
			CHECK_EQ(validate_module_at(g, S_MOD_PA, S_ELF_PA), 0);
			CHECK_EQ(guest_call(g, RINGBUF, S_RING_PA, 0x1000, 0),
				 0);
			if (eob)
				CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
			put_mask(g, 0x3, 0);
			guest_read(g, c[i].pa, before, sizeof(before));
			if (boot_aps(g, c[i].pa) != -HEKI_EACCES ||
			    !strstr(g->last_log, "VTL0_WRITE_PROTECTED"))
				check_fail(__FILE__, __LINE__,
					   "%s (end of boot %d) not refused",
					   c[i].what, eob);
			if (!same_page(g, c[i].pa, before))
				check_fail(__FILE__, __LINE__,
					   "%s (end of boot %d) written",
					   c[i].what, eob);
			CHECK_EQ(g->nr_enable_calls, 0);
			guest_free(g);
		}
	}
}

/* What BootAPs may do: tokens of the CPUs that came up, nothing else. */
TEST(boot_aps_writes_only_token_bytes)
{
	struct guest *g = guest_new();
	__u8 page[HEKI_PAGE_SIZE], want[HEKI_PAGE_SIZE];
	__u32 i, n;

	for (i = 0; i < sizeof(page); i++)
		page[i] = (__u8)(i * 13 + 1);
	guest_write(g, S_SIGNAL_PA, page, sizeof(page));
	memcpy(want, page, sizeof(want));
	put_mask(g, 0x2D, 1ULL << 63);	/* CPUs 0, 2, 3, 5, 127 */
	g->fail_vp = 3;
	CHECK_EQ(boot_aps(g, S_SIGNAL_PA), -HEKI_EIO);
	want[0] = want[2] = want[5] = want[127] = 0xDC;
	CHECK(same_page(g, S_SIGNAL_PA, want));
	/* one store per run of CPUs that came up: 0, 2, 5, 127 */
	for (i = 0, n = 0; i < (__u32)g->nr_ev; i++)
		n += g->ev[i].kind == GUEST_EV_COPY_TO;
	CHECK_EQ(n, 4);
	guest_free(g);
}

/*
 * The token bytes of a page beyond the end of VTL0 memory cannot be read:
 * refused before any VP is enabled.
 */
TEST(boot_aps_unreadable_page_refused_before_any_vp)
{
	struct guest *g = guest_new();

	put_mask(g, 0x3, 0);
	CHECK_EQ(boot_aps(g, GUEST_MEM_SIZE + 0x1000), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "BOOT_SIGNAL_PAGE_COPY_FAILED"));
	CHECK_EQ(g->nr_enable_calls, 0);
	guest_free(g);
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_kexec.c - KexecValidate through the dispatcher.
 */
#include "test.h"
#include "core/core.h"

#define KEXEC		VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE
#define KIMG_PA		(DATA_PA + 0x40000)
#define KBLOB_PA	(DATA_PA + 0x48000)
#define KPAGES_PA	(MEM_PA + 0x300000)

static __u32 kexec_ranges(struct heki_range *r, __u64 image_len)
{
	r[0] = rng(KVA(KIMG_PA), KIMG_PA, KIMG_PA + image_len,
		   HEKI_KEXEC_IMAGE_VALUE);
	r[1] = rng(KVA(KBLOB_PA), KBLOB_PA, KBLOB_PA + 0x2000,
		   HEKI_KEXEC_KERNEL_BLOB_VALUE);
	r[2] = rng(KVA(KPAGES_PA), KPAGES_PA, KPAGES_PA + 0x3000,
		   HEKI_KEXEC_PAGES_VALUE);
	return 3;
}

TEST(kexec_without_certs_eacces)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, KEXEC, 0, 0, 0), -HEKI_EACCES);
	guest_free(g);
}

TEST(kexec_invalidate_only_returns_0)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(guest_call(g, KEXEC, 0, 0, 0), 0);
	CHECK_EQ(guest_call(g, KEXEC, 0, 0, 1), 0);
	guest_free(g);
}

TEST(litebox_7_17_kexec_entry_checks_efault)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(guest_call(g, KEXEC, CHAIN_PA, 0, 1), -HEKI_EFAULT);
	CHECK_EQ(guest_call(g, KEXEC, CHAIN_PA + 4, 1, 0), -HEKI_EFAULT);
	guest_free(g);
}

TEST(kexec_type_invalid_einval)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(KIMG_PA), KIMG_PA, KIMG_PA + 0x100, 3);

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(call_chain(g, KEXEC, &r, 1, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "KEXEC_TYPE_INVALID"));
	guest_free(g);
}

TEST(kexec_refused_until_authenticode_and_rolled_back)
{
	struct guest *g = guest_new();
	struct heki_range r[3];
	__u32 n = kexec_ranges(r, 0x1000);
	int before;

	CHECK_EQ(load_kdata_basic(g), 0);
	before = g->nr_modify;
	CHECK_EQ(call_chain(g, KEXEC, r, n, 0), -HEKI_ENOPKG);
	CHECK(strstr(g->last_log, "KEXEC_AUTHENTICODE_UNAVAILABLE"));
	CHECK(g->nr_modify > before);		/* protected, then undone */
	CHECK_EQ(frame_prot(g, KPAGES_PA), 0xF);
	CHECK_EQ(frame_prot(g, KIMG_PA), 0xF);
	CHECK_EQ(frame_prot(g, KBLOB_PA), 0xF);
	guest_free(g);
}

TEST(litebox_7_17_crash_kexec_short_image_erange)
{
	struct guest *g = guest_new();
	struct heki_range r[3];
	__u32 n = kexec_ranges(r, 100);

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(call_chain(g, KEXEC, r, n, 1), -HEKI_ERANGE);
	CHECK(strstr(g->last_log, "KEXEC_IMAGE_TOO_SMALL"));
	CHECK_EQ(g->nr_modify, 1);	/* only LoadKData's trampoline */
	guest_free(g);
}

TEST(kexec_crash_segments_parsed_and_checked)
{
	struct guest *g = guest_new();
	struct heki_kimage ki;
	struct heki_range r[3];
	__u32 n = kexec_ranges(r, sizeof(ki));

	CHECK_EQ(load_kdata_basic(g), 0);
	memset(&ki, 0, sizeof(ki));
	ki.nr_segments = 1;
	ki.segment[0].buf = 0x7f0000000000ULL;
	ki.segment[0].mem = MEM_PA + 0x400000;
	ki.segment[0].memsz = 0x1800;
	guest_write(g, KIMG_PA, &ki, sizeof(ki));
	CHECK_EQ(call_chain(g, KEXEC, r, n, 1), -HEKI_ENOPKG);
	CHECK(guest_event_index(g, GUEST_EV_MODIFY, MEM_PA + 0x401000) >= 0);
	ki.segment[0].memsz = ~0ULL;
	guest_write(g, KIMG_PA, &ki, sizeof(ki));
	CHECK_EQ(call_chain(g, KEXEC, r, n, 1), -HEKI_ERANGE);
	ki.segment[0].memsz = 0x1000;
	ki.segment[0].mem = GUEST_VTL1_PA;
	guest_write(g, KIMG_PA, &ki, sizeof(ki));
	CHECK_EQ(call_chain(g, KEXEC, r, n, 1), -HEKI_EACCES);
	ki.nr_segments = 17;
	guest_write(g, KIMG_PA, &ki, sizeof(ki));
	CHECK_EQ(call_chain(g, KEXEC, r, n, 1), -HEKI_EINVAL);
	guest_free(g);
}

TEST(kexec_image_too_big_erange_before_copy)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(DATA_PA), DATA_PA,
				  DATA_PA + HEKI_VTL1_MAX_KEXEC_SIZE + 1,
				  HEKI_KEXEC_IMAGE_VALUE);

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(call_chain(g, KEXEC, &r, 1, 0), -HEKI_ERANGE);
	CHECK(strstr(g->last_log, "KEXEC_SIZE_EXCEEDED"));
	guest_free(g);
}

TEST(litebox_7_1_kexec_pages_in_vtl1_refused)
{
	struct guest *g = guest_new();
	struct heki_range r[3];
	__u32 n = kexec_ranges(r, 0x1000);

	CHECK_EQ(load_kdata_basic(g), 0);
	r[2].pa = GUEST_VTL1_PA;
	r[2].epa = GUEST_VTL1_PA + 0x1000;
	CHECK_EQ(call_chain(g, KEXEC, r, n, 0), -HEKI_EACCES);
	guest_free(g);
}

TEST(litebox_7_3_kexec_blob_protected_with_image_and_pages)
{
	struct guest *g = guest_new();
	struct heki_range r[3];
	__u32 n = kexec_ranges(r, 0x1000);

	CHECK_EQ(load_kdata_basic(g), 0);
	g->nr_ev = 0;
	CHECK_EQ(call_chain(g, KEXEC, r, n, 0), -HEKI_ENOPKG);
	/* each was made read-only (then rolled back with the refusal) */
	CHECK(guest_event_index(g, GUEST_EV_MODIFY, KBLOB_PA) >= 0);
	CHECK(guest_event_index(g, GUEST_EV_MODIFY, KIMG_PA) >= 0);
	CHECK(guest_event_index(g, GUEST_EV_MODIFY, KPAGES_PA + 0x2000) >= 0);
	guest_free(g);
}

/*
 * The hypervisor refuses the second protection change (the image and the
 * blob are done, the pages are not): -EIO, and every frame is back at its
 * default, VTL1 keeping no record of the partial protection.
 */
TEST(kexec_hypercall_failure_eio_rolls_back)
{
	struct guest *g = guest_new();
	struct heki_range r[3];
	__u32 n = kexec_ranges(r, 0x1000);
	struct heki_vtl1_frame_info fi;

	CHECK_EQ(load_kdata_basic(g), 0);
	g->fail_modify_at = g->nr_modify + 2;
	CHECK_EQ(call_chain(g, KEXEC, r, n, 0), -HEKI_EIO);
	CHECK_EQ(frame_prot(g, KIMG_PA), 0xF);
	CHECK_EQ(frame_prot(g, KBLOB_PA), 0xF);
	CHECK_EQ(frame_prot(g, KPAGES_PA), 0xF);
	heki_vtl1_get_frame_info(g->v, KIMG_PA >> 12, &fi);
	CHECK_EQ(fi.tracked, 0);
	heki_vtl1_get_frame_info(g->v, KPAGES_PA >> 12, &fi);
	CHECK_EQ(fi.tracked, 0);
	/* the hypervisor works again: the same call reaches the same refusal */
	g->fail_modify_at = 0;
	CHECK_EQ(call_chain(g, KEXEC, r, n, 0), -HEKI_ENOPKG);
	guest_free(g);
}

/* No room in the protection map: -ENOSPC before any frame changes. */
TEST(kexec_protection_map_full_enospc)
{
	struct guest *g = guest_new();
	struct heki_range r[3];
	__u32 n = kexec_ranges(r, 0x1000);
	int before;

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(fill_prot_map(g, 1ULL << 32), 0);
	before = g->nr_modify;
	CHECK_EQ(call_chain(g, KEXEC, r, n, 0), -HEKI_ENOSPC);
	CHECK(strstr(g->last_log, "PROT_MAP_FULL"));
	CHECK_EQ(g->nr_modify, before);
	CHECK_EQ(frame_prot(g, KIMG_PA), 0xF);
	CHECK_EQ(frame_prot(g, KPAGES_PA), 0xF);
	guest_free(g);
}

static __s64 kexec_call(struct guest *g, void *arg)
{
	struct heki_range r[3];
	__u32 n = kexec_ranges(r, 0x1000);

	return call_chain(g, KEXEC, r, n, 0);
}

/*
 * Allocation failure at each point before the Authenticode check (which
 * the test crypto provider cannot do): -ENOMEM and nothing left protected.
 */
TEST(kexec_enomem_at_every_allocation_keeps_nothing)
{
	struct guest *g = guest_new();
	long points;

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(nomem_sweep(g, kexec_call, NULL, &points), -HEKI_ENOPKG);
	CHECK(points >= 2);
	CHECK_EQ(frame_prot(g, KPAGES_PA), 0xF);
	CHECK_EQ(frame_prot(g, KIMG_PA), 0xF);
	guest_free(g);
}

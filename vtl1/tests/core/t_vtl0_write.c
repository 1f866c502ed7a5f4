// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_vtl0_write.c - the write gate (src/core/vtl0_write.c) called directly:
 * its checks in order, its owner rule for patch sites, and the restore of
 * earlier parts when a later one fails; through PatchText, a kernel
 * site is no authority in a frame a module holds since.
 */
#include "test.h"
#include "core/core.h"

#define W_FREE_PA	(MEM_PA + 0x20000)	/* no owner */
#define W_TEXT_PA	(MEM_PA + 0x30000)	/* kernel text (R|X) */
#define W_FREE2_PA	(MEM_PA + 0x42000)	/* no owner, another page */

static struct guest *gate_guest(void)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(W_TEXT_PA), W_TEXT_PA, W_TEXT_PA + 0x1000,
				  5);

	CHECK_EQ(call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, &r,
			    1, 0), 0);
	/* these writes are made outside a VTL call: no oracle */
	oracle_free(g->oracle);
	g->oracle = NULL;
	return g;
}

static struct vtl1_vtl0_write_part part(__u64 pa, const void *src, __u32 len)
{
	struct vtl1_vtl0_write_part p = { .pa = pa, .src = src, .len = len };

	return p;
}

TEST(vtl0_write_checks_in_order)
{
	static const __u8 b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const struct {
		const char *what;
		__u64 pa;
		__u32 len;
		__u32 nparts;
		int err;
	} c[] = {
		{ "no part", W_FREE_PA, 1, 0, HEKI_VSM_ERR_VTL0_WRITE_INVALID },
		{ "empty part", W_FREE_PA, 0, 1, HEKI_VSM_ERR_VTL0_WRITE_INVALID },
		{ "more than a page", W_FREE_PA, HEKI_PAGE_SIZE + 1, 1,
		  HEKI_VSM_ERR_VTL0_WRITE_INVALID },
		{ "too many parts", W_FREE_PA, 1, VTL1_VTL0_WRITE_MAX_PARTS + 1,
		  HEKI_VSM_ERR_VTL0_WRITE_INVALID },
		{ "beyond 2^52", (1ULL << 52) - 4, 8, 1,
		  HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS },
		{ "VTL1 memory", GUEST_VTL1_PA - 4, 8, 1,
		  HEKI_VSM_ERR_RANGE_IN_VTL1 },
		{ "kernel text", W_TEXT_PA + 0x100, 1, 1,
		  HEKI_VSM_ERR_VTL0_WRITE_PROTECTED },
		{ "reaching into kernel text", W_TEXT_PA - 2, 4, 1,
		  HEKI_VSM_ERR_VTL0_WRITE_PROTECTED },
		{ "free frame", W_FREE_PA, 8, 1, 0 },
	};
	static struct vtl1_vtl0_write_part p[VTL1_VTL0_WRITE_MAX_PARTS + 1];
	__u32 i, k;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		struct guest *g = gate_guest();
		__u8 before[8], after[8];
		__u64 at = c[i].pa < GUEST_MEM_SIZE - 8 ? c[i].pa : W_FREE_PA;
		int ret;

		for (k = 0; k < c[i].nparts; k++)
			p[k] = part(c[i].pa, b, c[i].len);
		guest_read(g, at, before, sizeof(before));
		ret = vtl1_vtl0_write(g->v, p, c[i].nparts, NULL);
		guest_read(g, at, after, sizeof(after));
		if (ret != -c[i].err)
			check_fail(__FILE__, __LINE__, "%s: %d, expected %d",
				  c[i].what, ret, -c[i].err);
		if (c[i].err && memcmp(before, after, sizeof(after)))
			check_fail(__FILE__, __LINE__, "%s: memory changed",
				  c[i].what);
		guest_free(g);
	}
}

/* A site may write only its own bytes, and only in its owner's frames. */
TEST(vtl0_write_site_authority)
{
	struct guest *g = gate_guest();
	struct vtl1_patch_site kernel_site, module_site;
	struct vtl1_vtl0_write_part p;

	memset(&kernel_site, 0, sizeof(kernel_site));
	kernel_site.loc.pa[0] = W_TEXT_PA + 0x10;
	kernel_site.loc.size = 2;
	kernel_site.token = -1;
	module_site = kernel_site;
	module_site.token = 3;

	p = part(W_TEXT_PA + 0x10, "\xeb\x00", 2);
	CHECK_EQ(vtl1_vtl0_write(g->v, &p, 1, &kernel_site), 0);
	/* a byte past the site */
	p = part(W_TEXT_PA + 0x10, "\xeb\x00\x90", 3);
	CHECK_EQ(vtl1_vtl0_write(g->v, &p, 1, &kernel_site),
		 -HEKI_VSM_ERR_VTL0_WRITE_OUTSIDE_SITE);
	/* a module's site in a kernel frame */
	p = part(W_TEXT_PA + 0x10, "\xcc", 1);
	CHECK_EQ(vtl1_vtl0_write(g->v, &p, 1, &module_site),
		 -HEKI_VSM_ERR_VTL0_WRITE_PROTECTED);
	/* a site in a frame no owner holds: its bytes only */
	kernel_site.loc.pa[0] = W_FREE_PA + 0x10;
	p = part(W_FREE_PA + 0x10, "\xcc", 1);
	CHECK_EQ(vtl1_vtl0_write(g->v, &p, 1, &kernel_site), 0);
	p = part(W_FREE_PA + 0x12, "\xcc", 1);
	CHECK_EQ(vtl1_vtl0_write(g->v, &p, 1, &kernel_site),
		 -HEKI_VSM_ERR_VTL0_WRITE_OUTSIDE_SITE);
	guest_free(g);
}

/* A later part that cannot be written: the earlier ones get their bytes back. */
TEST(vtl0_write_restores_earlier_parts)
{
	struct guest *g = gate_guest();
	struct vtl1_vtl0_write_part p[3];
	__u8 a[4], b[4];

	guest_write(g, W_FREE_PA, "\x11\x22\x33\x44", 4);
	guest_write(g, W_FREE2_PA, "\x55\x66\x77\x88", 4);
	p[0] = part(W_FREE_PA, "\xaa\xbb", 2);
	p[1] = part(W_FREE_PA + 2, "\xcc", 1);
	p[2] = part(W_FREE2_PA, "\xdd", 1);
	g->fail_write_lo = W_FREE2_PA;
	g->fail_write_hi = W_FREE2_PA + 1;
	CHECK_EQ(vtl1_vtl0_write(g->v, p, 3, NULL),
		 -HEKI_VSM_ERR_VTL0_COPY_FAILED);
	guest_read(g, W_FREE_PA, a, 4);
	guest_read(g, W_FREE2_PA, b, 4);
	CHECK(!memcmp(a, "\x11\x22\x33\x44", 4));
	CHECK(!memcmp(b, "\x55\x66\x77\x88", 4));
	/* the same parts, nothing failing */
	g->fail_write_hi = 0;
	CHECK_EQ(vtl1_vtl0_write(g->v, p, 3, NULL), 0);
	guest_read(g, W_FREE_PA, a, 4);
	CHECK(!memcmp(a, "\xaa\xbb\xcc\x44", 4));
	guest_free(g);
}

/* heki_vtl1_destroy() leaves VTL0's access as the last call set it. */
TEST(destroy_keeps_protections)
{
	struct guest *g = gate_guest();
	int n = g->nr_modify;

	heki_vtl1_destroy(g->v);
	g->v = NULL;
	CHECK_EQ(g->nr_modify, n);
	CHECK_EQ(frame_prot(g, W_TEXT_PA), 0xD);
	CHECK_EQ(heki_vtl1_create(&g->plat, &g->v), 0);
	guest_free(g);
}

/* ---- the write gate through PatchText ------------------------------- */

#define PATCH		VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE
#define EOB		VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE
#define S_DESC_PA	(DATA_PA + 0x70000)
#define S_ELF_PA	(DATA_PA + 0x60000)

static int same_bytes(struct guest *g, __u64 pa, const __u8 *want,
		      __u64 len)
{
	__u8 buf[64];

	guest_read(g, pa, buf, len);
	return !memcmp(buf, want, len);
}

static __s64 patch(struct guest *g, __u64 pa0, __u8 size, const char *code)
{
	struct heki_patch p;

	memset(&p, 0, sizeof(p));
	p.pa[0] = pa0;
	p.size = size;
	memcpy(p.code, code, size);
	guest_write(g, S_DESC_PA, &p, sizeof(p));
	return guest_call(g, PATCH, S_DESC_PA, 0, 0);
}

/*
 * A kernel site (LoadKData, before end of boot) lies in a frame that was
 * free then: kernel init text freed at the end of boot is the real case.
 * When that frame later holds a validated module's text, the kernel site
 * is no authority there: PatchText through it is refused.
 */
TEST(kernel_site_in_a_module_frame_refused)
{
	struct guest *g = guest_new();
	__u8 before[16];

	/*
	 * load_kdata_basic's site A is at MEM_PA + 0x10, still free: PatchText
	 * already refuses it there (a site's frames must be held
	 * kernel-executable by its owner, mem/patch_text.c)
	 */
	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(patch(g, MEM_PA + 0x10, 1, "\xcc"), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "PATCH_SITE_NOT_HELD"));
	/* now a module's text takes that frame */
	CHECK_EQ(validate_module_at(g, MEM_PA, S_ELF_PA), 0);
	CHECK_EQ(guest_call(g, EOB, 0, 0, 0), 0);
	guest_read(g, MEM_PA + 0x10, before, sizeof(before));
	CHECK_EQ(patch(g, MEM_PA + 0x10, 1, "\xcc"), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "PATCH_SITE_NOT_HELD"));
	CHECK(same_bytes(g, MEM_PA + 0x10, before, sizeof(before)));
	guest_free(g);
}

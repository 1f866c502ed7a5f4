// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_kdata.c - LoadKData.
 */
#include "test.h"
#include "core/core.h"
#include "kdata/symtab.h"

#define LOAD_KDATA	VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE

/* Guest memory holding the buffers of load_kdata_basic(), nothing loaded. */
static struct guest *guest_with_basic_kdata(void)
{
	struct guest *g = guest_new();
	struct guest *src = guest_new();

	load_kdata_basic(src);
	memcpy(g->mem, src->mem, GUEST_MEM_SIZE);
	guest_free(src);
	return g;
}

TEST(load_kdata_loads_everything)
{
	struct guest *g = guest_new();
	__u64 value;

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 1);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 2);
	CHECK_EQ(g->v->symtab->count, 2);
	CHECK_EQ(g->v->gpl_symtab->count, 1);
	CHECK_EQ(heki_symtab_lookup(g->v->symtab, "kmalloc", 7, &value), 0);
	CHECK_EQ(value, KVA(DATA_PA + 0x2000 + 12 + 0x100));
	/* trampoline: read-only */
	CHECK_EQ(frame_prot(g, MEM_PA + 0x100000), 0x9);
	guest_free(g);
}

TEST(load_kdata_entry_checks_efault)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, LOAD_KDATA, CHAIN_PA + 1, 1, 0), -HEKI_EFAULT);
	CHECK_EQ(guest_call(g, LOAD_KDATA, CHAIN_PA, 0, 0), -HEKI_EFAULT);
	guest_free(g);
}

TEST(load_kdata_after_end_of_boot_eperm)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE, 0, 0, 0), 0);
	CHECK_EQ(load_kdata_basic(g), -HEKI_EPERM);
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	guest_free(g);
}

TEST(litebox_7_11_second_load_kdata_refused)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(load_kdata_basic(g), -HEKI_EEXIST);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 2);
	guest_free(g);
}

TEST(load_kdata_type_invalid_einval)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(DATA_PA), DATA_PA, DATA_PA + 16, 8);

	CHECK_EQ(call_chain(g, LOAD_KDATA, &r, 1, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "KERNEL_DATA_TYPE_INVALID"));
	guest_free(g);
}

TEST(load_kdata_without_certs_enoent)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(DATA_PA), DATA_PA, DATA_PA + 32,
				  HEKI_KDATA_KERNEL_INFO_VALUE);

	CHECK_EQ(call_chain(g, LOAD_KDATA, &r, 1, 0), -HEKI_ENOENT);
	CHECK(strstr(g->last_log, "SYSTEM_CERTIFICATES_NOT_FOUND"));
	guest_free(g);
}

TEST(load_kdata_unusable_certs_eacces)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(DATA_PA), DATA_PA, DATA_PA + 64,
				  HEKI_KDATA_SYSTEM_CERTS_VALUE);

	/* 64 zero bytes: no certificate framing at all */
	CHECK_EQ(call_chain(g, LOAD_KDATA, &r, 1, 0), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "SYSTEM_CERTIFICATES_INVALID"));
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	guest_free(g);
}

TEST(load_kdata_cert_parse_failure_einval)
{
	struct guest *g = guest_new();
	__u8 cert[0x200];
	__u64 len = guest_make_cert(cert, 0xEE);	/* provider rejects 0xEE */
	struct heki_range r = rng(KVA(DATA_PA), DATA_PA, DATA_PA + len,
				  HEKI_KDATA_SYSTEM_CERTS_VALUE);

	guest_write(g, DATA_PA, cert, len);
	CHECK_EQ(call_chain(g, LOAD_KDATA, &r, 1, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "CERTIFICATE_PARSE_FAILED"));
	guest_free(g);
}

TEST(load_kdata_without_kernel_info_enoent_and_nothing_kept)
{
	struct guest *g = guest_new();
	__u8 cert[0x200];
	__u64 len = guest_make_cert(cert, 1);
	struct heki_range r[2] = {
		rng(KVA(DATA_PA), DATA_PA, DATA_PA + len,
		    HEKI_KDATA_SYSTEM_CERTS_VALUE),
		rng(KVA(MEM_PA), MEM_PA, MEM_PA + 0x10,
		    HEKI_KDATA_KEXEC_TRAMPOLINE_VALUE),
	};

	guest_write(g, DATA_PA, cert, len);
	CHECK_EQ(call_chain(g, LOAD_KDATA, r, 2, 0), -HEKI_ENOENT);
	CHECK(strstr(g->last_log, "KERNEL_SYMBOL_TABLE_NOT_FOUND"));
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	CHECK_EQ(frame_prot(g, MEM_PA), 0xF);
	CHECK_EQ(g->nr_modify, 0);
	guest_free(g);
}

TEST(litebox_7_28_load_kdata_trampoline_in_vtl1_keeps_nothing)
{
	struct guest *g = guest_with_basic_kdata();
	struct heki_page p;

	guest_read(g, CHAIN_PA, &p, sizeof(p));
	p.ranges[p.nranges++] = rng(KVA(GUEST_VTL1_PA), GUEST_VTL1_PA,
				    GUEST_VTL1_PA + 0x10,
				    HEKI_KDATA_KEXEC_TRAMPOLINE_VALUE);
	guest_write(g, CHAIN_PA, &p, sizeof(p));
	CHECK_EQ(guest_call(g, LOAD_KDATA, CHAIN_PA, p.nranges, 0), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "RANGE_IN_VTL1"));
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 0);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x100000), 0xF);
	CHECK_EQ(g->nr_modify, 0);
	/* the same data without the bad range loads fine afterwards */
	p.nranges--;
	guest_write(g, CHAIN_PA, &p, sizeof(p));
	CHECK_EQ(guest_call(g, LOAD_KDATA, CHAIN_PA, p.nranges, 0), 0);
	guest_free(g);
}

TEST(load_kdata_bad_patch_info_keeps_nothing)
{
	struct guest *g = guest_with_basic_kdata();
	struct heki_patch_info pi;

	guest_read(g, DATA_PA + 0x4000, &pi, sizeof(pi));
	pi.type = 1;
	guest_write(g, DATA_PA + 0x4000, &pi, sizeof(pi));
	CHECK_EQ(guest_call(g, LOAD_KDATA, CHAIN_PA, 5, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "PATCH_INFO_TYPE_INVALID"));
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x100000), 0xF);
	guest_free(g);
}

TEST(load_kdata_symbol_error_keeps_nothing)
{
	struct guest *g = guest_with_basic_kdata();
	struct heki_kernel_info ki;

	guest_read(g, DATA_PA + 0x1000, &ki, sizeof(ki));
	ki.ksymtab_end = ki.ksymtab_start + 13;
	guest_write(g, DATA_PA + 0x1000, &ki, sizeof(ki));
	CHECK_EQ(guest_call(g, LOAD_KDATA, CHAIN_PA, 5, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "SYMBOL_TABLE_LENGTH_INVALID"));
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 0);
	guest_free(g);
}

TEST(litebox_7_23_patch_info_records_one_stride)
{
	/* Two records of one patch each, back to back: both sites load. */
	struct guest *g = guest_with_basic_kdata();
	struct heki_patch_info pi;
	struct heki_patch p[2];
	struct heki_page pg;
	__u64 pa = DATA_PA + 0x4000;

	guest_read(g, pa, &pi, sizeof(pi));
	guest_read(g, pa + sizeof(pi), p, sizeof(p));
	pi.patch_index = 1;
	pi.max_patch_count = 1;
	guest_write(g, pa, &pi, sizeof(pi));
	guest_write(g, pa + sizeof(pi), &p[0], sizeof(p[0]));
	guest_write(g, pa + sizeof(pi) + sizeof(p[0]), &pi, sizeof(pi));
	guest_write(g, pa + 2 * sizeof(pi) + sizeof(p[0]), &p[1], sizeof(p[1]));
	guest_read(g, CHAIN_PA, &pg, sizeof(pg));
	pg.ranges[3].epa = pg.ranges[3].pa + 2 * (sizeof(pi) + sizeof(p[0]));
	guest_write(g, CHAIN_PA, &pg, sizeof(pg));
	CHECK_EQ(guest_call(g, LOAD_KDATA, CHAIN_PA, 5, 0), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 2);
	guest_free(g);
}

TEST(litebox_7_25_trampoline_partial_page_protected)
{
	struct guest *g = guest_with_basic_kdata();
	struct heki_range r[4];
	int n = 0;

	r[n++] = rng(KVA(DATA_PA), DATA_PA, DATA_PA + 0x104,
		     HEKI_KDATA_SYSTEM_CERTS_VALUE);
	r[n++] = rng(KVA(DATA_PA + 0x1000), DATA_PA + 0x1000, DATA_PA + 0x1020,
		     HEKI_KDATA_KERNEL_INFO_VALUE);
	r[n++] = rng(KVA(DATA_PA + 0x2000), DATA_PA + 0x2000, DATA_PA + 0x2200,
		     HEKI_KDATA_KERNEL_DATA_VALUE);
	r[n++] = rng(KVA(MEM_PA + 0xF80), MEM_PA + 0xF80, MEM_PA + 0x1080,
		     HEKI_KDATA_KEXEC_TRAMPOLINE_VALUE);
	CHECK_EQ(call_chain(g, LOAD_KDATA, r, n, 0), 0);
	CHECK_EQ(frame_prot(g, MEM_PA), 0x9);
	CHECK_EQ(frame_prot(g, MEM_PA + 0x1000), 0x9);	/* partial last page */
	CHECK_EQ(frame_prot(g, MEM_PA + 0x2000), 0xF);
	guest_free(g);
}

TEST(litebox_7_18_misaligned_kernel_info_accepted)
{
	struct guest *g = guest_with_basic_kdata();
	struct heki_kernel_info ki;
	struct heki_range r[3];

	guest_read(g, DATA_PA + 0x1000, &ki, sizeof(ki));
	guest_write(g, DATA_PA + 0x3003, &ki, sizeof(ki));
	r[0] = rng(KVA(DATA_PA), DATA_PA, DATA_PA + 0x104,
		   HEKI_KDATA_SYSTEM_CERTS_VALUE);
	r[1] = rng(KVA(DATA_PA + 0x3003), DATA_PA + 0x3003,
		   DATA_PA + 0x3003 + sizeof(ki), HEKI_KDATA_KERNEL_INFO_VALUE);
	r[2] = rng(KVA(DATA_PA + 0x2000), DATA_PA + 0x2000, DATA_PA + 0x2200,
		   HEKI_KDATA_KERNEL_DATA_VALUE);
	CHECK_EQ(call_chain(g, LOAD_KDATA, r, 3, 0), 0);
	guest_free(g);
}

TEST(litebox_7_24_kernel_data_ranges_out_of_va_order_refused)
{
	struct guest *g = guest_with_basic_kdata();
	struct heki_range r[4];

	r[0] = rng(KVA(DATA_PA), DATA_PA, DATA_PA + 0x104,
		   HEKI_KDATA_SYSTEM_CERTS_VALUE);
	r[1] = rng(KVA(DATA_PA + 0x1000), DATA_PA + 0x1000, DATA_PA + 0x1020,
		   HEKI_KDATA_KERNEL_INFO_VALUE);
	/* the two halves of the kernel data, second half first */
	r[2] = rng(KVA(DATA_PA + 0x2100), DATA_PA + 0x2100, DATA_PA + 0x2200,
		   HEKI_KDATA_KERNEL_DATA_VALUE);
	r[3] = rng(KVA(DATA_PA + 0x2000), DATA_PA + 0x2000, DATA_PA + 0x2100,
		   HEKI_KDATA_KERNEL_DATA_VALUE);
	CHECK_EQ(call_chain(g, LOAD_KDATA, r, 4, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "SYMBOL_TABLE_REGIONS_INVALID"));
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	/* in VA order the same two ranges load */
	r[2] = rng(KVA(DATA_PA + 0x2000), DATA_PA + 0x2000, DATA_PA + 0x2100,
		   HEKI_KDATA_KERNEL_DATA_VALUE);
	r[3] = rng(KVA(DATA_PA + 0x2100), DATA_PA + 0x2100, DATA_PA + 0x2200,
		   HEKI_KDATA_KERNEL_DATA_VALUE);
	CHECK_EQ(call_chain(g, LOAD_KDATA, r, 4, 0), 0);
	guest_free(g);
}

TEST(load_kdata_too_big_erange_before_copy)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(DATA_PA), DATA_PA,
				  DATA_PA + HEKI_VTL1_MAX_KDATA_SIZE + 1,
				  HEKI_KDATA_KERNEL_DATA_VALUE);

	g->nr_ev = 0;
	CHECK_EQ(call_chain(g, LOAD_KDATA, &r, 1, 0), -HEKI_ERANGE);
	CHECK(strstr(g->last_log, "KDATA_SIZE_EXCEEDED"));
	CHECK_EQ(guest_event_index(g, GUEST_EV_COPY_FROM, DATA_PA), -1);
	guest_free(g);
}

TEST(load_kdata_hypercall_failure_keeps_nothing)
{
	struct guest *g = guest_with_basic_kdata();

	g->fail_modify_at = 1;
	CHECK_EQ(guest_call(g, LOAD_KDATA, CHAIN_PA, 5, 0), -HEKI_EIO);
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 0);
	CHECK(g->v->symtab == NULL);
	g->fail_modify_at = 0;
	CHECK_EQ(guest_call(g, LOAD_KDATA, CHAIN_PA, 5, 0), 0);
	guest_free(g);
}

/* No room in the protection map for the trampoline: -ENOSPC, nothing kept. */
TEST(load_kdata_protection_map_full_keeps_nothing)
{
	struct guest *g = guest_new();
	int before;

	CHECK_EQ(fill_prot_map(g, 1ULL << 32), 0);
	before = g->nr_modify;
	CHECK_EQ(load_kdata_basic(g), -HEKI_ENOSPC);
	CHECK(strstr(g->last_log, "PROT_MAP_FULL"));
	CHECK_EQ(g->nr_modify, before);
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 0);
	CHECK(g->v->symtab == NULL);
	guest_free(g);
}

static __s64 load_kdata_call(struct guest *g, void *arg)
{
	return load_kdata_basic(g);
}

/* Each allocation LoadKData makes can fail: -ENOMEM and nothing kept. */
TEST(load_kdata_enomem_at_every_allocation_keeps_nothing)
{
	struct guest *g = guest_new();
	long points;

	CHECK_EQ(nomem_sweep(g, load_kdata_call, NULL, &points), 0);
	CHECK(points >= 4);
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 1);
	CHECK_EQ(g->live_alloc > 0, 1);
	guest_free(g);
}

/* The Mode range (heki_vtl0's mode=): recorded once, before end of boot. */
static const __u8 mode_enforce[8] = { 0 };
static const __u8 mode_permissive[8] = { 1 };

TEST(load_kdata_without_mode_is_enforce)
{
	struct guest *g = guest_new();

	CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_ENFORCE);
	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_ENFORCE);
	guest_free(g);
}

TEST(load_kdata_mode_permissive_recorded)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_mode(g, mode_permissive, 8, 0), 0);
	CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_PERMISSIVE);
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 1);
	guest_free(g);
}

TEST(load_kdata_mode_enforce_recorded)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_mode(g, mode_enforce, 8, 0), 0);
	CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_ENFORCE);
	guest_free(g);
}

/* A malformed Mode fails the whole LoadKData: nothing loaded, enforce. */
struct mode_case {
	const char *name;
	__u8 bytes[16];
	__u64 len;
	int split;
};

static const struct mode_case bad_modes[] = {
	{ "4 bytes", { 1 }, 4, 0 },
	{ "9 bytes (over the limit, refused before the copy)", { 1 }, 9, 0 },
	{ "16 bytes in one range", { 1 }, 16, 0 },
	{ "two 8-byte ranges", { 1, 0, 0, 0, 0, 0, 0, 0, 1 }, 16, 1 },
	{ "value 2", { 2 }, 8, 0 },
	{ "value 1 << 32 (high half set)", { 0, 0, 0, 0, 1 }, 8, 0 },
	{ "value ~0", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 8, 0 },
};

TEST(load_kdata_bad_mode_refused_and_nothing_loaded)
{
	__u32 i;

	for (i = 0; i < ARRAY_SIZE(bad_modes); i++) {
		const struct mode_case *mc = &bad_modes[i];
		struct guest *g = guest_new();

		if (load_kdata_mode(g, mc->bytes, mc->len, mc->split) !=
		    -HEKI_EINVAL || !strstr(g->last_log, "MODE_INVALID"))
			check_fail(__FILE__, __LINE__,
				   "%s: not refused with MODE_INVALID (log: %s)",
				   mc->name, g->last_log);
		CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
		CHECK_EQ(heki_vtl1_nr_patch_sites(g->v), 0);
		CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_ENFORCE);
		/* The refusal kept nothing: a well-formed LoadKData works. */
		CHECK_EQ(load_kdata_basic(g), 0);
		CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_ENFORCE);
		guest_free(g);
	}
}

/* Root after boot cannot downgrade: a second LoadKData is refused. */
TEST(load_kdata_mode_cannot_change_after_first_load)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(load_kdata_mode(g, mode_permissive, 8, 0), -HEKI_EEXIST);
	CHECK(strstr(g->last_log, "KDATA_ALREADY_LOADED"));
	CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_ENFORCE);
	guest_free(g);
}

TEST(load_kdata_mode_cannot_leave_permissive)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_mode(g, mode_permissive, 8, 0), 0);
	CHECK_EQ(load_kdata_mode(g, mode_enforce, 8, 0), -HEKI_EEXIST);
	CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_PERMISSIVE);
	guest_free(g);
}

TEST(load_kdata_mode_after_end_of_boot_refused)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE, 0, 0, 0), 0);
	CHECK_EQ(load_kdata_mode(g, mode_permissive, 8, 0), -HEKI_EPERM);
	CHECK(strstr(g->last_log, "OPERATION_AFTER_END_OF_BOOT"));
	CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_ENFORCE);
	guest_free(g);
}

/* A LoadKData that fails after the Mode parsed records no mode. */
TEST(load_kdata_failed_with_mode_records_nothing)
{
	struct guest *g = guest_new();
	struct heki_range r[2];

	guest_write(g, DATA_PA, mode_permissive, 8);
	r[0] = rng(KVA(DATA_PA), DATA_PA, DATA_PA + 8, HEKI_KDATA_MODE_VALUE);
	r[1] = rng(KVA(DATA_PA + 0x100), DATA_PA + 0x100, DATA_PA + 0x120,
		   HEKI_KDATA_KERNEL_INFO_VALUE);
	CHECK_EQ(call_chain(g, LOAD_KDATA, r, 2, 0), -HEKI_ENOENT);
	CHECK(strstr(g->last_log, "SYSTEM_CERTIFICATES_NOT_FOUND"));
	CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_ENFORCE);
	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(heki_vtl1_mode(g->v), HEKI_MODE_ENFORCE);
	guest_free(g);
}

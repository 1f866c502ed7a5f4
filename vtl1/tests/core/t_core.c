// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_core.c - dispatcher and subsystem tables, instance life cycle, the boot
 * calls (EnableAPsVtl, BootAPs, LockRegs, SignalEndOfBoot, CopySecondaryKey,
 * OpteeMessage), rules that hold for every call (addresses, the lock).
 */
#include "test.h"
#include "core/subsys.h"

TEST(dispatch_unknown_id_einval)
{
	static const __u32 ids[] = { 0, 0x1FFDF, 0x1FFED, 0x1FFEF, 0x1FFF1,
				     0xFFFFFFFF };
	struct guest *g = guest_new();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		CHECK_EQ(guest_call(g, ids[i], 0, 0, 0), -HEKI_EINVAL);
	CHECK_EQ(g->lock_calls, g->unlock_calls);
	guest_free(g);
}

/*
 * The tables the subsystems fill (core/subsys.h): every function ID of the
 * uapi list is handled by exactly one subsystem, under its list name, and
 * the dispatcher finds that row.
 */
#define SUBSYS_PTR_(name) &vtl1_subsys_##name,
static const struct vtl1_subsys *const subsystems[] = {
	VTL1_SUBSYS_LIST(SUBSYS_PTR_)
};

#define ID_ROW_(name, value) { value, #name },
static const struct {
	__u32 id;
	const char *name;
} function_ids[] = { VSM_VTL_CALL_FUNC_LIST(ID_ROW_) };

TEST(every_function_id_handled_by_exactly_one_subsystem)
{
	unsigned int i, s, k, rows = 0, found;

	for (i = 0; i < ARRAY_SIZE(function_ids); i++) {
		found = 0;
		for (s = 0; s < ARRAY_SIZE(subsystems); s++)
			for (k = 0; k < subsystems[s]->nr_calls; k++) {
				const struct vtl1_call *c = &subsystems[s]->calls[k];

				if (c->id != function_ids[i].id)
					continue;
				found++;
				CHECK(!strcmp(c->name, function_ids[i].name));
				CHECK(c->fn != NULL);
				CHECK(vtl1_call_find(c->id) == c);
			}
		if (found != 1)
			check_fail(__FILE__, __LINE__, "%s: %u handlers",
				  function_ids[i].name, found);
	}
	for (s = 0; s < ARRAY_SIZE(subsystems); s++)
		rows += subsystems[s]->nr_calls;
	CHECK_EQ(rows, ARRAY_SIZE(function_ids));
	CHECK(vtl1_call_find(0) == NULL);
}

TEST(dispatch_uses_low_32_bits_of_rdi)
{
	struct guest *g = guest_new();

	CHECK_EQ(heki_vtl1_dispatch(g->v, 0xABCD000000000000ULL |
				    VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
				    0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_end_of_boot(g->v), 1);
	guest_free(g);
}

TEST(dispatch_optee_message_eopnotsupp)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_OPTEE_MESSAGE_VALUE, 5, 0, 0),
		 -HEKI_EOPNOTSUPP);
	CHECK_EQ(HEKI_EOPNOTSUPP, 95);
	guest_free(g);
}

TEST(dispatch_logs_error_name)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, 1, 1, 0),
		 -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "INVALID_INPUT_ADDRESS") != NULL);
	CHECK(strstr(g->last_log, "PROTECT_MEMORY") != NULL);
	guest_free(g);
}

/* The named code behind the errno, for an embedder's audit records. */
TEST(dispatch_records_last_error_code)
{
	struct guest *g = guest_new();

	CHECK_EQ(heki_vtl1_last_error(g->v), HEKI_VSM_OK);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, 1, 1, 0),
		 -HEKI_EFAULT);
	CHECK_EQ(heki_vtl1_last_error(g->v), HEKI_VSM_ERR_INVALID_INPUT_ADDRESS);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_last_error(g->v), HEKI_VSM_OK);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE, CHAIN_PA, 1, 0),
		 -HEKI_EPERM);
	CHECK_EQ(heki_vtl1_last_error(g->v), HEKI_VSM_ERR_OPERATION_AFTER_END_OF_BOOT);
	/* an unknown id has no code: not the previous call's */
	CHECK_EQ(guest_call(g, 0x12345, 0, 0, 0), -HEKI_EINVAL);
	CHECK_EQ(heki_vtl1_last_error(g->v), HEKI_VSM_OK);
	guest_free(g);
}

TEST(enable_aps_vtl_returns_0)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_ENABLE_APS_VTL_VALUE, 123, 0, 0), 0);
	guest_free(g);
}

TEST(copy_secondary_key_returns_0)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_COPY_SECONDARY_KEY_VALUE, 1, 2, 0), 0);
	guest_free(g);
}

TEST(end_of_boot_sets_flag_and_repeats)
{
	struct guest *g = guest_new();

	CHECK_EQ(heki_vtl1_end_of_boot(g->v), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE, 0, 0, 0), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_end_of_boot(g->v), 1);
	guest_free(g);
}

TEST(create_rejects_incomplete_platform)
{
	struct guest *g = guest_new();
	struct heki_vtl1_platform p = g->plat;
	struct heki_vtl1_phys_range bad = { .pa = 0x1001, .size = 0x1000 };
	struct heki_vtl1 *v = (struct heki_vtl1 *)1;

	p.modify_vtl_protection = NULL;
	CHECK_EQ(heki_vtl1_create(&p, &v), -HEKI_VSM_ERR_PLATFORM_INVALID);
	CHECK(v == NULL);
	p = g->plat;
	p.vtl1_ranges = &bad;
	CHECK_EQ(heki_vtl1_create(&p, &v), -HEKI_VSM_ERR_PLATFORM_INVALID);
	CHECK_EQ(heki_vtl1_create(NULL, &v), -HEKI_VSM_ERR_PLATFORM_INVALID);
	guest_free(g);
}

TEST(create_out_of_memory)
{
	struct guest *g = guest_new();
	struct heki_vtl1 *v;

	g->alloc_fail_after = g->nr_alloc;
	CHECK_EQ(heki_vtl1_create(&g->plat, &v), -HEKI_VSM_ERR_NO_MEMORY);
	g->alloc_fail_after = g->nr_alloc + 1;
	CHECK_EQ(heki_vtl1_create(&g->plat, &v), -HEKI_VSM_ERR_NO_MEMORY);
	g->alloc_fail_after = -1;
	guest_free(g);
}

TEST(every_error_code_positive_with_errno)
{
	int e;

	CHECK_EQ(HEKI_VSM_OK, 0);
	for (e = 1; e < HEKI_VSM_ERR_COUNT; e++) {
		CHECK(heki_vsm_error_errno((enum heki_vsm_error)e) > 0);
		CHECK(heki_vsm_error_name((enum heki_vsm_error)e) != NULL);
	}
}

/* ---- BootAPs ---------------------------------------------------------- */

#define MASK_PA		(DATA_PA + 0x10000)
#define SIGNAL_PA	(DATA_PA + 0x11000)

static void put_mask(struct guest *g, __u64 lo, __u64 hi)
{
	struct heki_cpu_mask m = { .bits = { lo, hi } };

	guest_write(g, MASK_PA, &m, sizeof(m));
}

TEST(boot_aps_enables_and_signals)
{
	struct guest *g = guest_new();
	__u8 sig[HEKI_PAGE_SIZE];

	put_mask(g, 0xB, 1ULL << 63);	/* CPUs 0, 1, 3, 127 */
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    MASK_PA >> 12, SIGNAL_PA >> 12, 0), 0);
	guest_read(g, SIGNAL_PA, sig, sizeof(sig));
	CHECK_EQ(sig[0], 0xDC);
	CHECK_EQ(sig[1], 0xDC);
	CHECK_EQ(sig[2], 0);
	CHECK_EQ(sig[3], 0xDC);
	CHECK_EQ(sig[127], 0xDC);
	CHECK_EQ(g->nr_enable_calls, 3);
	CHECK(g->vp_enabled[1] && g->vp_enabled[3] && g->vp_enabled[127]);
	guest_free(g);
}

TEST(boot_aps_pfn_beyond_2_52_efault)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    1ULL << 40, SIGNAL_PA >> 12, 0), -HEKI_EFAULT);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    MASK_PA >> 12, ~0ULL, 0), -HEKI_EFAULT);
	guest_free(g);
}

TEST(boot_aps_mask_unreadable_efault)
{
	struct guest *g = guest_new();

	g->fail_read_lo = MASK_PA;
	g->fail_read_hi = MASK_PA + 1;
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    MASK_PA >> 12, SIGNAL_PA >> 12, 0), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "CPU_ONLINE_MASK_COPY_FAILED"));
	guest_free(g);
}

TEST(boot_aps_signal_unreadable_efault)
{
	struct guest *g = guest_new();

	put_mask(g, 3, 0);
	g->fail_read_lo = SIGNAL_PA;
	g->fail_read_hi = SIGNAL_PA + 1;
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    MASK_PA >> 12, SIGNAL_PA >> 12, 0), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "BOOT_SIGNAL_PAGE_COPY_FAILED"));
	CHECK_EQ(g->nr_enable_calls, 0);
	guest_free(g);
}

TEST(boot_aps_signal_write_failed_efault)
{
	struct guest *g = guest_new();

	put_mask(g, 3, 0);
	g->fail_copy_to = 1;
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    MASK_PA >> 12, SIGNAL_PA >> 12, 0), -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "BOOT_SIGNAL_WRITE_FAILED"));
	guest_free(g);
}

TEST(boot_aps_page_in_vtl1_eacces)
{
	struct guest *g = guest_new();

	put_mask(g, 3, 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    MASK_PA >> 12, GUEST_VTL1_PA >> 12, 0), -HEKI_EACCES);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    GUEST_VTL1_PA >> 12, SIGNAL_PA >> 12, 0), -HEKI_EACCES);
	guest_free(g);
}

TEST(boot_aps_repeat_eio_like_litebox)
{
	struct guest *g = guest_new();

	put_mask(g, 3, 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    MASK_PA >> 12, SIGNAL_PA >> 12, 0), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    MASK_PA >> 12, SIGNAL_PA >> 12, 0), -HEKI_EIO);
	guest_free(g);
}

TEST(litebox_7_26_no_token_for_failed_cpu)
{
	struct guest *g = guest_new();
	__u8 sig[8];

	put_mask(g, 0xF, 0);
	g->fail_vp = 2;
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE,
			    MASK_PA >> 12, SIGNAL_PA >> 12, 0), -HEKI_EIO);
	guest_read(g, SIGNAL_PA, sig, sizeof(sig));
	CHECK_EQ(sig[1], 0xDC);
	CHECK_EQ(sig[2], 0);
	CHECK_EQ(sig[3], 0xDC);
	guest_free(g);
}

/* ---- LockRegs --------------------------------------------------------- */

TEST(lock_regs_installs_intercepts)
{
	struct guest *g = guest_new();
	__u64 val = 0;

	CHECK_EQ(heki_vtl1_locked_reg(g->v, HV_REGISTER_CR0, &val), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_LOCK_REGS_VALUE, 0, 0, 0), 0);
	CHECK_EQ(heki_vtl1_locked_reg(g->v, HV_REGISTER_LSTAR, &val), 1);
	CHECK_EQ(val, 0x1000ULL + HV_REGISTER_LSTAR);	/* guest.c's value */
	CHECK_EQ(heki_vtl1_locked_reg(g->v, HV_REGISTER_RIP, &val), 0);
	CHECK_EQ(g->nr_set_regs, 3);
	CHECK_EQ(g->set_reg_name[0], HV_REGISTER_CR_INTERCEPT_CONTROL);
	CHECK_EQ(g->set_reg_value[0], 0x7FD543);
	CHECK_EQ(g->set_reg_name[1], HV_REGISTER_CR_INTERCEPT_CR4_MASK);
	CHECK_EQ(g->set_reg_value[1], 0xFFFFDE3F);
	CHECK_EQ(g->set_reg_name[2], HV_REGISTER_CR_INTERCEPT_CR0_MASK);
	CHECK_EQ(g->set_reg_value[2], 0x80010001);
	guest_free(g);
}

TEST(lock_regs_after_end_of_boot_eperm)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE, 0, 0, 0), 0);
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_LOCK_REGS_VALUE, 0, 0, 0),
		 -HEKI_EPERM);
	CHECK_EQ(g->nr_set_regs, 0);
	guest_free(g);
}

TEST(lock_regs_read_failure_eio)
{
	struct guest *g = guest_new();

	g->fail_get_reg = 1;
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_LOCK_REGS_VALUE, 0, 0, 0),
		 -HEKI_EIO);
	CHECK_EQ(g->nr_set_regs, 0);
	guest_free(g);
}

TEST(lock_regs_write_failure_eio)
{
	struct guest *g = guest_new();

	g->fail_set_reg = 1;
	CHECK_EQ(guest_call(g, VSM_VTL_CALL_FUNC_ID_LOCK_REGS_VALUE, 0, 0, 0),
		 -HEKI_EIO);
	guest_free(g);
}


/* ---- every call ------------------------------------------------------- */

#define PATCH		VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE
#define KEXEC		VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE
#define RINGBUF		VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY_VALUE
#define DESC_PA		(DATA_PA + 0x30000)

TEST(litebox_7_15_addresses_beyond_2_52_are_errors)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(0), 1ULL << 52, (1ULL << 52) + 0x1000, 1);

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(guest_call(g, PATCH, 1ULL << 52, 0, 0), -HEKI_EFAULT);
	CHECK_EQ(guest_call(g, PATCH, DESC_PA, ~0ULL << 12, 0), -HEKI_EFAULT);
	CHECK_EQ(guest_call(g, RINGBUF, ~0ULL, 1, 0), -HEKI_EFAULT);
	CHECK_EQ(guest_call(g, RINGBUF, (1ULL << 52) - 0x100, 0x1000, 0),
		 -HEKI_EFAULT);
	CHECK_EQ(call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, &r, 1, 0),
		 -HEKI_EFAULT);
	r.attributes = HEKI_KEXEC_PAGES_VALUE;
	CHECK_EQ(call_chain(g, KEXEC, &r, 1, 0), -HEKI_EFAULT);
	r = rng(0x8000000000000000ULL, MEM_PA, MEM_PA + 0x1000,
		HEKI_MOD_MEM_TEXT_VALUE);
	CHECK_EQ(call_chain(g, VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE, &r, 1, 0),
		 -HEKI_EFAULT);
	CHECK(strstr(g->last_log, "INVALID_VIRTUAL_ADDRESS"));
	guest_free(g);
}

static __s64 boot_aps_call(struct guest *g, void *arg)
{
	return guest_call(g, VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE, MASK_PA >> 12,
			  SIGNAL_PA >> 12, 0);
}

/* Allocation failure: -ENOMEM, nothing enabled, then a clean success. */
TEST(boot_aps_enomem_at_every_allocation)
{
	struct guest *g = guest_new();
	long points;

	put_mask(g, 0x1, 0);	/* CPU 0 only: nothing to enable */
	CHECK_EQ(nomem_sweep(g, boot_aps_call, NULL, &points), 0);
	CHECK(points >= 1);
	CHECK_EQ(g->nr_enable_calls, 0);
	guest_free(g);
}

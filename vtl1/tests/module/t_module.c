// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_module.c - ValidateModule, FreeModuleInit, UnloadModule.
 */
#include "test.h"
#include "modsim.h"
#include "core/core.h"

#define VALIDATE	VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE
#define FREE_INIT	VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT_VALUE
#define UNLOAD		VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE
#define ELF_PA		(DATA_PA + 0x20000)
#define MOD_PA		(MEM_PA + 0x200000)	/* module frames */

/* text(2 pages) data(1 + 1 at 0x8000) rodata(1) ro_after_init(1) init_text(1) init_data(1) */
static __u32 module_ranges(struct heki_range *r, __u64 elf_len)
{
	__u32 n = 0;

	r[n++] = rng(KVA(MOD_PA), MOD_PA, MOD_PA + 0x2000, HEKI_MOD_MEM_TEXT_VALUE);
	r[n++] = rng(KVA(MOD_PA + 0x2000), MOD_PA + 0x2000, MOD_PA + 0x3000,
		     HEKI_MOD_MEM_DATA_VALUE);
	/* data's second page: a real module's kallsyms tail (modsim.c) */
	r[n++] = rng(KVA(MOD_PA + 0x8000), MOD_PA + 0x8000, MOD_PA + 0x9000,
		     HEKI_MOD_MEM_DATA_VALUE);
	r[n++] = rng(KVA(MOD_PA + 0x3000), MOD_PA + 0x3000, MOD_PA + 0x4000,
		     HEKI_MOD_MEM_RODATA_VALUE);
	r[n++] = rng(KVA(MOD_PA + 0x4000), MOD_PA + 0x4000, MOD_PA + 0x5000,
		     HEKI_MOD_MEM_RO_AFTER_INIT_VALUE);
	r[n++] = rng(KVA(MOD_PA + 0x6000), MOD_PA + 0x6000, MOD_PA + 0x7000,
		     HEKI_MOD_MEM_INIT_TEXT_VALUE);
	r[n++] = rng(KVA(MOD_PA + 0x7000), MOD_PA + 0x7000, MOD_PA + 0x8000,
		     HEKI_MOD_MEM_INIT_DATA_VALUE);
	r[n++] = rng(KVA(ELF_PA), ELF_PA, ELF_PA + elf_len,
		     HEKI_MOD_MEM_ELF_BUFFER_VALUE);
	return n;
}

/* A real (small) ELF module laid out over module_ranges() (modsim.c). */
static __s64 validate(struct guest *g, int tamper, __u8 keyid)
{
	struct heki_range r[16];
	__u32 n = module_ranges(r, 0);

	r[n - 1].epa += put_module_mem(g, ELF_PA, keyid, tamper, r, n);
	return call_chain(g, VALIDATE, r, n, 0);
}

TEST(validate_module_returns_tokens_and_protects)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate(g, 0, 7), 0);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xD);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x1000), 0xD);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x2000), 0xB);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x3000), 0x9);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x4000), 0xB);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x6000), 0xD);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x7000), 0xB);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x5000), 0xF);
	CHECK(!strstr(g->last_log, "only the signature was checked"));
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 1);
	/* a second module elsewhere gets token 1 */
	{
		struct heki_range r[16];
		__u32 n = module_ranges(r, 0), i;

		for (i = 0; i < n - 1; i++) {
			r[i].pa += 0x100000;
			r[i].epa += 0x100000;
		}
		r[n - 1].epa += put_module_mem(g, ELF_PA, 7, 0, r, n);
		CHECK_EQ(call_chain(g, VALIDATE, r, n, 0), 1);
	}
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 2);
	guest_free(g);
}

TEST(validate_module_entry_checks_efault)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(guest_call(g, VALIDATE, CHAIN_PA + 0x10, 1, 0), -HEKI_EFAULT);
	CHECK_EQ(guest_call(g, VALIDATE, CHAIN_PA, 0, 0), -HEKI_EFAULT);
	guest_free(g);
}

TEST(validate_module_without_certs_eacces)
{
	struct guest *g = guest_new();

	CHECK_EQ(validate(g, 0, 7), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "SYSTEM_CERTIFICATES_NOT_LOADED"));
	guest_free(g);
}

TEST(validate_module_type_invalid_einval)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(MOD_PA), MOD_PA, MOD_PA + 0x1000,
				  HEKI_MOD_MEM_TYPE_COUNT);

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(call_chain(g, VALIDATE, &r, 1, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "MODULE_MEMORY_TYPE_INVALID"));
	guest_free(g);
}

TEST(validate_module_unaligned_memory_einval)
{
	struct guest *g = guest_new();
	struct heki_range r = rng(KVA(MOD_PA), MOD_PA, MOD_PA + 0x800,
				  HEKI_MOD_MEM_TEXT_VALUE);

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(call_chain(g, VALIDATE, &r, 1, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "ADDRESS_NOT_PAGE_ALIGNED"));
	guest_free(g);
}

TEST(litebox_7_27_elf_size_checked_before_copy)
{
	struct guest *g = guest_new();
	struct heki_range r[2] = {
		rng(KVA(DATA_PA), DATA_PA, DATA_PA + (40ULL << 20),
		    HEKI_MOD_MEM_ELF_BUFFER_VALUE),
		rng(KVA(DATA_PA), DATA_PA, DATA_PA + (30ULL << 20),
		    HEKI_MOD_MEM_ELF_BUFFER_VALUE),
	};
	int before;

	CHECK_EQ(load_kdata_basic(g), 0);
	g->nr_ev = 0;
	CHECK_EQ(call_chain(g, VALIDATE, r, 2, 0), -HEKI_ERANGE);
	CHECK(strstr(g->last_log, "MODULE_ELF_SIZE_EXCEEDED"));
	/* only the chain page was read, none of the 70 MiB */
	CHECK_EQ(guest_event_index(g, GUEST_EV_COPY_FROM, DATA_PA), -1);
	for (before = 0; before < g->nr_ev; before++)
		CHECK_EQ(g->ev[before].pa >> 12, CHAIN_PA >> 12);
	guest_free(g);
}

TEST(validate_module_bad_signature_rolls_back)
{
	struct guest *g = guest_new();
	struct heki_vtl1_frame_info fi;

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate(g, 1, 7), -HEKI_EKEYREJECTED);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x2000), 0xF);
	heki_vtl1_get_frame_info(g->v, MOD_PA >> 12, &fi);
	CHECK_EQ(fi.tracked, 0);
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 0);
	/* the failed call did not consume a token */
	CHECK_EQ(validate(g, 0, 7), 0);
	guest_free(g);
}

/*
 * Permissive mode changes nothing VTL1 does: the same refusal with the same
 * error, nothing protected or tracked for the refused module (heki_vtl0
 * loads it unprotected), and a good module is validated and protected.
 */
TEST(validate_module_same_verdicts_in_both_modes)
{
	static const __u8 modes[2][8] = { { HEKI_MODE_ENFORCE },
					  { HEKI_MODE_PERMISSIVE } };
	struct heki_vtl1_frame_info fi;
	int m;

	for (m = 0; m < 2; m++) {
		struct guest *g = guest_new();

		CHECK_EQ(load_kdata_mode(g, modes[m], 8, 0), 0);
		CHECK_EQ(heki_vtl1_mode(g->v), modes[m][0]);
		CHECK_EQ(validate(g, 1, 7), -HEKI_EKEYREJECTED);
		CHECK(strstr(g->last_log, "SIGNATURE_VERIFICATION_FAILED") ||
		      strstr(g->last_log, "SIG_KEY_REJECTED"));
		CHECK_EQ(validate(g, 0, 8), -HEKI_EKEYREJECTED);
		CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
		CHECK_EQ(frame_prot(g, MOD_PA + 0x3000), 0xF);
		heki_vtl1_get_frame_info(g->v, MOD_PA >> 12, &fi);
		CHECK_EQ(fi.tracked, 0);
		CHECK_EQ(heki_vtl1_nr_modules(g->v), 0);
		CHECK_EQ(validate(g, 0, 7), 0);
		CHECK_EQ(frame_prot(g, MOD_PA), 0xD);
		CHECK_EQ(heki_vtl1_nr_modules(g->v), 1);
		guest_free(g);
	}
}

TEST(validate_module_unknown_key_ekeyrejected)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate(g, 0, 8), -HEKI_EKEYREJECTED);
	guest_free(g);
}

TEST(validate_module_unsigned_enodata)
{
	struct guest *g = guest_new();
	struct heki_range r[16];
	__u32 n = module_ranges(r, 0x1800);

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(call_chain(g, VALIDATE, r, n, 0), -HEKI_ENODATA);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
	guest_free(g);
}

TEST(litebox_7_2_module_protected_before_signature_check)
{
	struct guest *g = guest_new();
	int prot_ev, elf_ev;

	CHECK_EQ(load_kdata_basic(g), 0);
	g->nr_ev = 0;
	CHECK_EQ(validate(g, 0, 7), 0);
	prot_ev = guest_event_index(g, GUEST_EV_MODIFY, MOD_PA);
	elf_ev = guest_event_index(g, GUEST_EV_COPY_FROM, ELF_PA);
	CHECK(prot_ev >= 0 && elf_ev >= 0);
	CHECK(prot_ev < elf_ev);
	guest_free(g);
}

TEST(litebox_7_1_module_memory_in_vtl1_refused)
{
	struct guest *g = guest_new();
	struct heki_range r[16];
	__u64 len;
	__u32 n;

	CHECK_EQ(load_kdata_basic(g), 0);
	len = put_module(g, ELF_PA, 7, 0);
	n = module_ranges(r, len);
	r[1].pa = GUEST_VTL1_PA;
	r[1].epa = GUEST_VTL1_PA + 0x1000;
	CHECK_EQ(call_chain(g, VALIDATE, r, n, 0), -HEKI_EACCES);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
	guest_free(g);
}

TEST(module_pages_cannot_be_changed_by_protect_memory)
{
	struct guest *g = guest_new();
	struct heki_range k = rng(KVA(MOD_PA), MOD_PA, MOD_PA + 0x1000, 7);

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate(g, 0, 7), 0);
	CHECK_EQ(call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, &k, 1, 0),
		 -HEKI_EBUSY);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xD);
	guest_free(g);
}

TEST(validate_module_hypercall_failure_rolls_back)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	g->fail_modify_at = g->nr_modify + 3;
	CHECK_EQ(validate(g, 0, 7), -HEKI_EIO);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x2000), 0xF);
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 0);
	guest_free(g);
}

TEST(free_module_init_releases_init_and_seals_ro_after_init)
{
	struct guest *g = guest_new();
	struct heki_vtl1_frame_info fi;

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate(g, 0, 7), 0);
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x6000), 0xB);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x7000), 0xB);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x4000), 0x9);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xD);
	heki_vtl1_get_frame_info(g->v, (MOD_PA + 0x6000) >> 12, &fi);
	CHECK_EQ(fi.owner, HEKI_VTL1_OWNER_NONE);
	heki_vtl1_get_frame_info(g->v, (MOD_PA + 0x4000) >> 12, &fi);
	CHECK_EQ(fi.owner, HEKI_VTL1_OWNER_MODULE);
	/* repeat is harmless */
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	guest_free(g);
}

TEST(free_module_init_bad_token_einval)
{
	struct guest *g = guest_new();

	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), -HEKI_EINVAL);
	CHECK_EQ(guest_call(g, FREE_INIT, (__u64)-1, 0, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "MODULE_TOKEN_INVALID"));
	guest_free(g);
}

TEST(unload_module_releases_everything)
{
	struct guest *g = guest_new();
	int i;

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate(g, 0, 7), 0);
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	for (i = 0; i < 8; i++)
		if (i != 5)
			CHECK_EQ(frame_prot(g, MOD_PA + i * 0x1000ULL), 0xB);
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 0);
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), -HEKI_EINVAL);
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), -HEKI_EINVAL);
	/* the frames can be used again by a new module */
	CHECK_EQ(validate(g, 0, 7), 1);
	guest_free(g);
}

TEST(unload_module_after_free_init)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate(g, 0, 7), 0);
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x4000), 0xB);
	CHECK_EQ(g->v->map.n > 0, 1);
	guest_free(g);
}

TEST(module_ranges_overlapping_each_other_refused)
{
	/* init text sharing a frame with text: freeing init would free text */
	struct guest *g = guest_new();
	struct heki_range r[16];
	__u64 len;
	__u32 n;

	CHECK_EQ(load_kdata_basic(g), 0);
	len = put_module(g, ELF_PA, 7, 0);
	n = module_ranges(r, len);
	r[4].pa = MOD_PA + 0x1000;
	r[4].epa = MOD_PA + 0x2000;
	CHECK_EQ(call_chain(g, VALIDATE, r, n, 0), -HEKI_EINVAL);
	CHECK(strstr(g->last_log, "RANGE_CONFLICT"));
	CHECK_EQ(frame_prot(g, MOD_PA), 0xF);
	guest_free(g);
}

TEST(module_token_counter_exhausted_eoverflow)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	g->v->next_token = 0x7fffffffffffffffLL;
	oracle_sync_token(g, 0x7fffffffffffffffLL);
	CHECK_EQ(validate(g, 0, 7), 0x7fffffffffffffffLL);
	CHECK_EQ(guest_call(g, UNLOAD, 0x7fffffffffffffffULL, 0, 0), 0);
	CHECK_EQ(validate(g, 0, 7), -HEKI_EOVERFLOW);
	CHECK(strstr(g->last_log, "MODULE_TOKEN_EXHAUSTED"));
	guest_free(g);
}

TEST(module_limit_enospc)
{
	struct guest *g = guest_new();
	__u32 saved;

	CHECK_EQ(load_kdata_basic(g), 0);
	saved = g->v->nr_mods;
	g->v->nr_mods = HEKI_VTL1_MAX_MODULES;
	CHECK_EQ(validate(g, 0, 7), -HEKI_ENOSPC);
	CHECK(strstr(g->last_log, "MODULE_LIMIT"));
	g->v->nr_mods = saved;
	guest_free(g);
}

TEST(free_init_and_unload_hypercall_failure_keep_state)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(validate(g, 0, 7), 0);
	g->fail_modify_at = g->nr_modify + 2;
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), -HEKI_EIO);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x6000), 0xD);	/* rolled back */
	CHECK_EQ(frame_prot(g, MOD_PA + 0x4000), 0xB);
	g->fail_modify_at = g->nr_modify + 1;
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), -HEKI_EIO);
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 1);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xD);
	g->fail_modify_at = 0;
	CHECK_EQ(guest_call(g, FREE_INIT, 0, 0, 0), 0);
	CHECK_EQ(guest_call(g, UNLOAD, 0, 0, 0), 0);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xB);
	guest_free(g);
}

TEST(litebox_7_30_module_over_kernel_protection_ebusy)
{
	struct guest *g = guest_new();
	struct heki_range k = rng(KVA(MOD_PA), MOD_PA, MOD_PA + 0x1000, 5);

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE, &k, 1, 0), 0);
	CHECK_EQ(validate(g, 0, 7), -HEKI_EBUSY);
	CHECK(strstr(g->last_log, "RANGE_OWNED"));
	guest_free(g);
}

static __s64 validate_call(struct guest *g, void *arg)
{
	return validate(g, 0, 7);
}

static __s64 token_call(struct guest *g, void *arg)
{
	return guest_call(g, *(const __u32 *)arg, 0, 0, 0);
}

/*
 * Allocation failure at each point of ValidateModule, FreeModuleInit and
 * UnloadModule: -ENOMEM and nothing kept (the next run starts from the
 * state the failed one left), then each call succeeds.
 */
TEST(module_calls_enomem_at_every_allocation)
{
	static const __u32 free_init = FREE_INIT, unload = UNLOAD;
	struct guest *g = guest_new();
	long points;

	CHECK_EQ(load_kdata_basic(g), 0);
	CHECK_EQ(nomem_sweep(g, validate_call, NULL, &points), 0);
	CHECK(points >= 4);
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 1);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xD);
	CHECK_EQ(nomem_sweep(g, token_call, (void *)&free_init, &points), 0);
	CHECK(points >= 1);
	CHECK_EQ(frame_prot(g, MOD_PA + 0x6000), 0xB);
	CHECK_EQ(nomem_sweep(g, token_call, (void *)&unload, &points), 0);
	CHECK(points >= 1);
	CHECK_EQ(heki_vtl1_nr_modules(g->v), 0);
	CHECK_EQ(frame_prot(g, MOD_PA), 0xB);
	guest_free(g);
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * t_kallsyms.c - LoadKData reads the kernel's kallsyms tables (kernel info
 * extension version 3) only from frames the kernel protected read-only
 * with ProtectMemory before; otherwise it fails as a whole and keeps
 * nothing. With them, the kernel function entries are kallsyms' text
 * symbols (issue 10, finding 4: the only kernel branch targets module
 * rewrites may use besides the exports).
 */
#include "test.h"
#include "core/core.h"
#include "kdata/kallsyms.h"
#include "kdata/kinfo_ext.h"

#define LOAD_KDATA	VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE
#define PROTECT		VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE

/* The kernel: text [KS_TEXT, KS_TEXT + 1 MiB). */
#define KS_TEXT		0xffffffff81000000ULL

static const struct ksym_def ks_syms[] = {
	{ "Tfn_a", KS_TEXT + 0x100 }, { "tfn_b", KS_TEXT + 0x200 },
	{ "t__pfx_fn_c", KS_TEXT + 0x2f0 }, { "Tfn_c", KS_TEXT + 0x300 },
	{ "Dsome_data", KS_TEXT + 0x400 },
};
#define KS_N		(sizeof(ks_syms) / sizeof(ks_syms[0]))

/* LoadKData with a version 3 extension naming the tables (ksyms.c). */
static __s64 load_kdata_kallsyms(struct guest *g)
{
	return load_kdata_ksyms(g, ks_syms, KS_N, KS_TEXT,
				KS_TEXT + 0x100000);
}

/* ProtectMemory of the kernel data's first @pages pages with @attr. */
static __s64 protect_data(struct guest *g, __u64 pages, __u64 attr)
{
	struct heki_range r = rng(KVA(KS_DATA), KS_DATA,
				  KS_DATA + pages * HEKI_PAGE_SIZE, attr);

	return call_chain(g, PROTECT, &r, 1, 0);
}

TEST(load_kdata_kallsyms_from_protected_rodata)
{
	struct guest *g = guest_new();

	CHECK_EQ(protect_data(g, 2, heki_mem_attr_raw(MEM_ATTR_READ)), 0);
	CHECK_EQ(load_kdata_kallsyms(g), 0);
	CHECK(g->v->kfuncs != NULL);
	CHECK_EQ(g->v->kfuncs->nsyms, KS_N);
	/* fn_a, fn_b, fn_c; not __pfx_fn_c, not the data symbol */
	CHECK_EQ(g->v->kfuncs->nkallsyms, 3);
	CHECK_EQ(heki_kfuncs_has(g->v->kfuncs, KS_TEXT + 0x200), 1);
	CHECK_EQ(heki_kfuncs_has(g->v->kfuncs, KS_TEXT + 0x300), 1);
	CHECK_EQ(heki_kfuncs_has(g->v->kfuncs, KS_TEXT + 0x2f0), 0);
	CHECK_EQ(heki_kfuncs_has(g->v->kfuncs, KS_TEXT + 0x201), 0);
	CHECK_EQ(heki_kfuncs_has(g->v->kfuncs, KS_TEXT + 0x400), 0);
	guest_free(g);
}

TEST(load_kdata_kallsyms_unprotected_eacces_keeps_nothing)
{
	struct guest *g = guest_new();

	CHECK_EQ(load_kdata_kallsyms(g), -HEKI_EACCES);
	CHECK(strstr(g->last_log, "KALLSYMS_NOT_PROTECTED") != NULL);
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	CHECK(g->v->kfuncs == NULL);
	CHECK(g->v->symtab == NULL);
	guest_free(g);
}

TEST(load_kdata_kallsyms_writable_eacces)
{
	struct guest *g = guest_new();

	CHECK_EQ(protect_data(g, 2, heki_mem_attr_raw(MEM_ATTR_READ |
						      MEM_ATTR_WRITE)), 0);
	CHECK_EQ(load_kdata_kallsyms(g), -HEKI_EACCES);
	CHECK(g->v->kfuncs == NULL);
	guest_free(g);
}

/* The names and tokens are in the second page, which stays unprotected. */
TEST(load_kdata_kallsyms_names_page_unprotected_eacces)
{
	struct guest *g = guest_new();

	CHECK_EQ(protect_data(g, 1, heki_mem_attr_raw(MEM_ATTR_READ)), 0);
	CHECK_EQ(load_kdata_kallsyms(g), -HEKI_EACCES);
	CHECK_EQ(heki_vtl1_certs_loaded(g->v), 0);
	guest_free(g);
}

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

/* Buffers: certificates, kernel info + extension, kernel data. */
#define KS_CERTS	(DATA_PA + 0x10000)
#define KS_INFO		(DATA_PA + 0x11000)
#define KS_DATA		(DATA_PA + 0x12000)	/* two pages */
#define KS_DATA_LEN	0x2000ULL
/* The kernel: text [KS_TEXT, KS_TEXT + 1 MiB). */
#define KS_TEXT		0xffffffff81000000ULL
/*
 * The tables inside the kernel data (offsets); the second page holds the
 * names and tokens.
 */
#define T_NUM		0x0000ULL
#define T_OFFSETS	0x0010ULL
#define T_RBASE		0x0100ULL
#define T_MARKERS	0x0110ULL
#define T_NAMES		0x1000ULL
#define T_TINDEX	0x1200ULL
#define T_TTABLE	0x1400ULL

static const struct {
	const char *name;	/* type, then name */
	__u64 off;		/* from KS_TEXT */
} ks_syms[] = {
	{ "Tfn_a", 0x100 }, { "tfn_b", 0x200 }, { "t__pfx_fn_c", 0x2f0 },
	{ "Tfn_c", 0x300 }, { "Dsome_data", 0x400 },
};
#define KS_N		(sizeof(ks_syms) / sizeof(ks_syms[0]))

/*
 * The kernel's rodata as the image holds it: in a real boot it is there
 * before ProtectMemory, so the test stores it into guest memory directly
 * (guest_write() is a VTL0 store and is dropped in a read-only frame).
 */
static void ks_store(struct guest *g, __u64 pa, const void *b, __u64 len)
{
	memcpy(g->mem + pa, b, len);
}

static void put_u32(struct guest *g, __u64 pa, __u32 v)
{
	ks_store(g, pa, &v, 4);
}

/* The kernel data: one export (printk, outside text) and the tables. */
static void put_kernel_data(struct guest *g)
{
	struct heki_kernel_symbol s = { 0x100, 0, 0 };
	__u64 rb = KS_TEXT, off = 0;
	__u32 i;

	/* the export table at 0x40, between the offsets and the base */
	s.name_offset = 0x80 - 4;
	ks_store(g, KS_DATA + 0x40, &s, sizeof(s));
	ks_store(g, KS_DATA + 0x40 + 0x80, "printk", 7);
	put_u32(g, KS_DATA + T_NUM, KS_N);
	ks_store(g, KS_DATA + T_RBASE, &rb, 8);
	put_u32(g, KS_DATA + T_MARKERS, 0);
	for (i = 0; i < KS_N; i++) {
		__u8 len = (__u8)strlen(ks_syms[i].name);

		put_u32(g, KS_DATA + T_OFFSETS + 4 * i,
			(__u32)(__s32)-(__s64)(ks_syms[i].off + 1));
		ks_store(g, KS_DATA + T_NAMES + off, &len, 1);
		ks_store(g, KS_DATA + T_NAMES + off + 1, ks_syms[i].name,
			    len);
		off += 1 + len;
	}
	for (i = 0; i < 256; i++) {
		__u8 c = (__u8)i;
		__u16 o = (__u16)(2 * i);

		ks_store(g, KS_DATA + T_TTABLE + 2 * i, &c, 1);
		ks_store(g, KS_DATA + T_TINDEX + 2 * i, &o, 2);
	}
}

/* LoadKData with a version 3 extension naming the tables. */
static __s64 load_kdata_kallsyms(struct guest *g)
{
	static const __u64 at[HEKI_KINFO_KALLSYMS_NR] = {
		T_NUM, T_OFFSETS, T_RBASE, T_NAMES, T_MARKERS, T_TTABLE,
		T_TINDEX,
	};
	struct heki_kernel_info ki;
	struct heki_kernel_info_ext x;
	__u64 va = KVA(KS_DATA), *tab = &x.kallsyms_num_syms, clen;
	__u8 cert[0x200];
	struct heki_range r[3];
	__u32 i;

	clen = guest_make_cert(cert, 7);
	guest_write(g, KS_CERTS, cert, clen);
	ki.ksymtab_start = va + 0x40;
	ki.ksymtab_end = va + 0x40 + 12;
	ki.ksymtab_gpl_start = va + 0x40 + 12;
	ki.ksymtab_gpl_end = va + 0x40 + 12;
	memset(&x, 0, sizeof(x));
	x.magic = HEKI_KERNEL_INFO_EXT_MAGIC;
	x.size = HEKI_KERNEL_INFO_EXT_SIZE;
	x.linux_version = 0x0601c0;
	x.text_start = KS_TEXT;
	x.text_end = KS_TEXT + 0x100000;
	x.return_thunk = KS_TEXT + 0x800;
	x.kallsyms_format = HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU;
	for (i = 0; i < HEKI_KINFO_KALLSYMS_NR; i++)
		tab[i] = va + at[i];
	guest_write(g, KS_INFO, &ki, sizeof(ki));
	guest_write(g, KS_INFO + sizeof(ki), &x, sizeof(x));
	put_kernel_data(g);
	r[0] = rng(KVA(KS_CERTS), KS_CERTS, KS_CERTS + clen,
		   HEKI_KDATA_SYSTEM_CERTS_VALUE);
	r[1] = rng(KVA(KS_INFO), KS_INFO, KS_INFO + sizeof(ki) + sizeof(x),
		   HEKI_KDATA_KERNEL_INFO_VALUE);
	r[2] = rng(va, KS_DATA, KS_DATA + KS_DATA_LEN,
		   HEKI_KDATA_KERNEL_DATA_VALUE);
	return call_chain(g, LOAD_KDATA, r, 3, 0);
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

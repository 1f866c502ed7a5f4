// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * common.c - request builders shared by the test files.
 */
#include "test.h"
#include "modsim.h"
#include "core/core.h"

struct heki_range rng(__u64 va, __u64 pa, __u64 epa, __u64 attr)
{
	struct heki_range r = { .va = va, .pa = pa, .epa = epa,
				.attributes = attr };

	return r;
}

__s64 call_chain(struct guest *g, __u32 id, const struct heki_range *r,
		 __u32 n, __u64 a2)
{
	guest_chain(g, CHAIN_PA, r, n, 0);
	return guest_call(g, id, CHAIN_PA, n, a2);
}

__u8 frame_prot(struct guest *g, __u64 pa)
{
	return g->prot[pa >> HEKI_PAGE_SHIFT];
}

/* Kernel data layout of load_kdata_basic(). */
#define KD_CERTS	(DATA_PA)
#define KD_INFO		(DATA_PA + 0x1000)
#define KD_DATA		(DATA_PA + 0x2000)
#define KD_PATCH	(DATA_PA + 0x4000)

static void put_sym(struct guest *g, __u64 entry_pa, __u64 name_pa)
{
	struct heki_kernel_symbol s;

	s.value_offset = 0x100;
	s.name_offset = (__s32)(name_pa - (entry_pa + 4));
	s.namespace_offset = 0;
	guest_write(g, entry_pa, &s, sizeof(s));
}

/*
 * Certificates (key id 7), kernel info, kernel data with two exported
 * symbols and one GPL symbol, patch info with two sites (see t_patch.c),
 * and one kexec trampoline covering part of a page.
 */
__s64 load_kdata_basic(struct guest *g)
{
	__u8 cert[0x200];
	__u64 clen = guest_make_cert(cert, 7);

	return load_kdata_basic_lists(g, cert, clen, NULL, 0, NULL, 0);
}

/* load_kdata_basic() with the certificates and lists of load_kdata_lists(). */
__s64 load_kdata_basic_lists(struct guest *g, const void *certs, __u64 clen,
			     const void *rev, __u64 rlen, const void *bl,
			     __u64 bllen)
{
	struct heki_patch p[2];

	memset(p, 0, sizeof(p));
	/* A: 5-byte JMP inside one page. */
	p[0].pa[0] = MEM_PA + 0x10;
	p[0].size = 5;
	memcpy(p[0].code, "\xe9\x11\x22\x33\x44", 5);
	/* B: 5-byte JMP at offset 4094, continuing in a non-adjacent page. */
	p[1].pa[0] = MEM_PA + 0x1000 + 0xFFE;
	p[1].pa[1] = MEM_PA + 0x5000;
	p[1].size = 5;
	memcpy(p[1].code, "\xe9\x55\x66\x77\x88", 5);
	return load_kdata_lists(g, p, 2, certs, clen, rev, rlen, bl, bllen);
}

/*
 * load_kdata_patches() with the system certificates @certs (@clen bytes,
 * at most 0x1000) and, when not NULL, RevocationCerts @rev (@rlen bytes,
 * at most 0x1000, at KD_REVOKED) and BlocklistHashes @bl (@bllen bytes, at
 * most 0x70000, at KD_BLOCKLIST).
 */
static __s64 load_kdata_full(struct guest *g, const struct heki_patch *p,
			     __u32 n, const void *certs, __u64 clen,
			     const void *rev, __u64 rlen, const void *bl,
			     __u64 bllen, const struct heki_range *extra,
			     __u32 nextra);

__s64 load_kdata_lists(struct guest *g, const struct heki_patch *p, __u32 n,
		       const void *certs, __u64 clen, const void *rev,
		       __u64 rlen, const void *bl, __u64 bllen)
{
	return load_kdata_full(g, p, n, certs, clen, rev, rlen, bl, bllen,
			       NULL, 0);
}

/* load_kdata_lists(), then the @nextra (0..2) ranges @extra. */
static __s64 load_kdata_full(struct guest *g, const struct heki_patch *p,
			     __u32 n, const void *certs, __u64 clen,
			     const void *rev, __u64 rlen, const void *bl,
			     __u64 bllen, const struct heki_range *extra,
			     __u32 nextra)
{
	struct heki_kernel_info ki;
	struct heki_patch_info pi;
	struct heki_range r[9];
	__u64 va = KVA(KD_DATA);
	__u32 nr = 5;

	guest_write(g, KD_CERTS, certs, clen);
	ki.ksymtab_start = va;
	ki.ksymtab_end = va + 24;
	ki.ksymtab_gpl_start = va + 24;
	ki.ksymtab_gpl_end = va + 36;
	guest_write(g, KD_INFO, &ki, sizeof(ki));
	put_sym(g, KD_DATA, KD_DATA + 0x100);
	put_sym(g, KD_DATA + 12, KD_DATA + 0x110);
	put_sym(g, KD_DATA + 24, KD_DATA + 0x120);
	guest_write(g, KD_DATA + 0x100, "printk", 7);
	guest_write(g, KD_DATA + 0x110, "kmalloc", 8);
	guest_write(g, KD_DATA + 0x120, "gpl_only", 9);

	memset(&pi, 0, sizeof(pi));
	pi.type = HEKI_PATCH_TYPE_JUMP_LABEL;
	pi.patch_index = n;
	pi.max_patch_count = n;
	guest_write(g, KD_PATCH, &pi, sizeof(pi));
	guest_write(g, KD_PATCH + sizeof(pi), p, sizeof(*p) * n);

	r[0] = rng(KVA(KD_CERTS), KD_CERTS, KD_CERTS + clen,
		   HEKI_KDATA_SYSTEM_CERTS_VALUE);
	r[1] = rng(KVA(KD_INFO), KD_INFO, KD_INFO + sizeof(ki),
		   HEKI_KDATA_KERNEL_INFO_VALUE);
	r[2] = rng(va, KD_DATA, KD_DATA + 0x200, HEKI_KDATA_KERNEL_DATA_VALUE);
	r[3] = rng(KVA(KD_PATCH), KD_PATCH,
		   KD_PATCH + sizeof(pi) + sizeof(*p) * n,
		   HEKI_KDATA_PATCH_INFO_VALUE);
	r[4] = rng(KVA(MEM_PA + 0x100010), MEM_PA + 0x100010,
		   MEM_PA + 0x100020, HEKI_KDATA_KEXEC_TRAMPOLINE_VALUE);
	if (rev) {
		guest_write(g, KD_REVOKED, rev, rlen);
		r[nr++] = rng(KVA(KD_REVOKED), KD_REVOKED, KD_REVOKED + rlen,
			      HEKI_KDATA_REVOCATION_CERTS_VALUE);
	}
	if (bl) {
		guest_write(g, KD_BLOCKLIST, bl, bllen);
		r[nr++] = rng(KVA(KD_BLOCKLIST), KD_BLOCKLIST,
			      KD_BLOCKLIST + bllen,
			      HEKI_KDATA_BLOCKLIST_HASHES_VALUE);
	}
	if (nextra > 2)
		return -HEKI_E2BIG;
	if (nextra)
		memcpy(&r[nr], extra, sizeof(*extra) * nextra);
	return call_chain(g, VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE, r,
			  nr + nextra, 0);
}

/*
 * load_kdata_basic()'s ranges with the @n (1..8) kernel patch sites @p,
 * then the @nextra (0..2) ranges @extra.
 */
static __s64 load_kdata_with(struct guest *g, const struct heki_patch *p,
			     __u32 n, const struct heki_range *extra,
			     __u32 nextra)
{
	__u8 cert[0x200];
	__u64 clen = guest_make_cert(cert, 7);

	return load_kdata_full(g, p, n, cert, clen, NULL, 0, NULL, 0, extra,
			       nextra);
}

/* load_kdata_basic() with the @n (1..8) kernel patch sites @p instead. */
__s64 load_kdata_patches(struct guest *g, const struct heki_patch *p,
			 __u32 n)
{
	return load_kdata_with(g, p, n, NULL, 0);
}

/* Where load_kdata_mode() puts the Mode bytes. */
#define KD_MODE		(DATA_PA + 0x7000)

/*
 * load_kdata_basic() plus Mode ranges: the @len bytes @mode at KD_MODE, as
 * one range or, with @split, as two ranges of @len / 2 bytes each.
 */
__s64 load_kdata_mode(struct guest *g, const void *mode, __u64 len, int split)
{
	__u64 half = split ? len / 2 : len;
	struct heki_range r[2];
	struct heki_patch p[1];

	guest_write(g, KD_MODE, mode, len);
	r[0] = rng(KVA(KD_MODE), KD_MODE, KD_MODE + half,
		   HEKI_KDATA_MODE_VALUE);
	r[1] = rng(KVA(KD_MODE + half), KD_MODE + half, KD_MODE + len,
		   HEKI_KDATA_MODE_VALUE);
	memset(p, 0, sizeof(p));
	p[0].pa[0] = MEM_PA + 0x10;
	p[0].size = 5;
	memcpy(p[0].code, "\xe9\x11\x22\x33\x44", 5);
	return load_kdata_with(g, p, 1, r, split ? 2 : 1);
}

/* A fake signed ELF image at @pa; returns its length. */
__u64 put_module(struct guest *g, __u64 pa, __u8 keyid, int tamper)
{
	__u8 buf[0x2000];
	__u64 len, i;

	for (i = 0; i < 0x1800; i++)
		buf[i] = (__u8)(i * 7);
	buf[0] = 0x7f;
	memcpy(buf + 1, "ELF", 3);
	len = guest_sign(buf, 0x1800, keyid);
	if (tamper)
		buf[0x100] ^= 1;
	guest_write(g, pa, buf, len);
	return len;
}

/*
 * ValidateModule of a small signed module (modsim.c) laid out from @pa:
 * text 2 pages, data, rodata, ro_after_init, a gap, init text, init data
 * and a second data page; the ELF buffer at @elf_pa.
 */
__s64 validate_module_at(struct guest *g, __u64 pa, __u64 elf_pa)
{
	static const struct {
		__u64 off, len, type;
	} m[] = {
		{ 0x0000, 0x2000, HEKI_MOD_MEM_TEXT_VALUE },
		{ 0x2000, 0x1000, HEKI_MOD_MEM_DATA_VALUE },
		{ 0x8000, 0x1000, HEKI_MOD_MEM_DATA_VALUE },
		{ 0x3000, 0x1000, HEKI_MOD_MEM_RODATA_VALUE },
		{ 0x4000, 0x1000, HEKI_MOD_MEM_RO_AFTER_INIT_VALUE },
		{ 0x6000, 0x1000, HEKI_MOD_MEM_INIT_TEXT_VALUE },
		{ 0x7000, 0x1000, HEKI_MOD_MEM_INIT_DATA_VALUE },
	};
	struct heki_range r[ARRAY_SIZE(m) + 1];
	__u32 n;

	for (n = 0; n < ARRAY_SIZE(m); n++)
		r[n] = rng(KVA(pa + m[n].off), pa + m[n].off,
			   pa + m[n].off + m[n].len, m[n].type);
	r[n++] = rng(KVA(elf_pa), elf_pa, elf_pa,
		     HEKI_MOD_MEM_ELF_BUFFER_VALUE);
	r[n - 1].epa += put_module_mem(g, elf_pa, 7, 0, r, n);
	return call_chain(g, VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE, r, n,
			  0);
}

/*
 * Run @call with the 1st, 2nd, ... VTL1 allocation it makes failing (and
 * every later one), until a run gets past all of them. Each run before that
 * must fail with -ENOMEM and keep nothing: the next run starts from the
 * state the failed one left. Returns the last run's result and, in
 * *@points, the number of runs that failed for lack of memory.
 */
__s64 nomem_sweep(struct guest *g, __s64 (*call)(struct guest *g, void *arg),
		  void *arg, long *points)
{
	__s64 ret;
	long k;

	for (k = 0; k < 100000; k++) {
		g->alloc_fail_after = g->nr_alloc + k;
		ret = call(g, arg);
		if (ret != -HEKI_ENOMEM)
			break;
	}
	g->alloc_fail_after = -1;
	*points = k;
	return ret;
}

/*
 * Fill the protection map to HEKI_VTL1_MAX_PROT_ENTRIES with separate
 * one-page runs from @base on (beyond guest RAM: only the map grows).
 * Returns 0, or the result of the ProtectMemory call that failed.
 */
__s64 fill_prot_map(struct guest *g, __u64 base)
{
	static struct heki_range r[HEKI_VTL1_MAX_RANGES];
	__u64 pa = base;
	__u32 i, n;
	__s64 ret;

	while (g->v->map.n < HEKI_VTL1_MAX_PROT_ENTRIES) {
		n = HEKI_VTL1_MAX_PROT_ENTRIES - g->v->map.n;
		if (n > HEKI_VTL1_MAX_RANGES)
			n = HEKI_VTL1_MAX_RANGES;
		for (i = 0; i < n; i++, pa += 0x2000)
			r[i] = rng(KVA(pa), pa, pa + 0x1000, 1);
		ret = call_chain(g, VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE,
				 r, n, 0);
		if (ret)
			return ret;
	}
	return 0;
}

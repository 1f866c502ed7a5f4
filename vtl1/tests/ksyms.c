// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * ksyms.c - a kernel's kallsyms tables in the simulated guest's kernel
 * data, and LoadKData with a version 3 kernel info extension naming them
 * (t_kallsyms.c, t_scall.c).
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "kdata/kinfo_ext.h"

/* The tables inside the kernel data (offsets from KS_DATA). */
#define T_NUM		0x0000ULL
#define T_EXPORT	0x0040ULL	/* one export, name at +0x80 */
#define T_GPL		0x004cULL	/* __static_call_return0, at +0x90 */
#define T_RBASE		0x0100ULL
#define T_MARKERS	0x0110ULL
#define T_OFFSETS	0x0800ULL	/* up to KS_MAX_SYMS entries */
#define T_TINDEX	0x1000ULL
#define T_TTABLE	0x1200ULL
#define T_NAMES		0x1400ULL	/* to the end of the second page */
#define T_NAMES_END	0x2000ULL

void store_image(struct guest *g, __u64 pa, const void *b, __u64 len)
{
	memcpy(g->mem + pa, b, len);
}

static void put_u32(struct guest *g, __u64 pa, __u32 v)
{
	store_image(g, pa, &v, 4);
}

/*
 * The kernel data: one export (printk, outside text), a GPL export
 * __static_call_return0 at @r0 if not 0, and the tables of @s (sorted by
 * address), each token one character.
 */
static void put_kernel_data(struct guest *g, const struct ksym_def *s,
			    __u32 n, __u64 r0)
{
	struct heki_kernel_symbol e = { 0x100, 0, 0 };
	__u64 rb = s[0].va, off = 0;
	__u32 i;

	if (n > KS_MAX_SYMS)
		abort();
	e.name_offset = 0x80 - 4;
	store_image(g, KS_DATA + T_EXPORT, &e, sizeof(e));
	store_image(g, KS_DATA + T_EXPORT + 0x80, "printk", 7);
	if (r0) {
		e.value_offset = (__s32)(r0 - KVA(KS_DATA + T_GPL));
		e.name_offset = 0x90 - 4;
		store_image(g, KS_DATA + T_GPL, &e, sizeof(e));
		store_image(g, KS_DATA + T_GPL + 0x90,
			    "__static_call_return0", 22);
	}
	put_u32(g, KS_DATA + T_NUM, n);
	store_image(g, KS_DATA + T_RBASE, &rb, 8);
	put_u32(g, KS_DATA + T_MARKERS, 0);
	for (i = 0; i < n; i++) {
		__u8 len = (__u8)strlen(s[i].name);

		if (T_NAMES + off + 1 + len > T_NAMES_END)
			abort();
		/* REL_ABS_PERCPU: -(d + 1) is relative_base + d */
		put_u32(g, KS_DATA + T_OFFSETS + 4 * i,
			(__u32)(__s32)-(__s64)(s[i].va - rb + 1));
		store_image(g, KS_DATA + T_NAMES + off, &len, 1);
		store_image(g, KS_DATA + T_NAMES + off + 1, s[i].name, len);
		off += 1 + len;
	}
	for (i = 0; i < 256; i++) {
		__u8 c = (__u8)i;
		__u16 o = (__u16)(2 * i);

		store_image(g, KS_DATA + T_TTABLE + 2 * i, &c, 1);
		store_image(g, KS_DATA + T_TINDEX + 2 * i, &o, 2);
	}
}

__s64 load_kdata_ksyms(struct guest *g, const struct ksym_def *s, __u32 n,
		       __u64 text_start, __u64 text_end)
{
	return load_kdata_ksyms_r0(g, s, n, text_start, text_end, 0);
}

__s64 load_kdata_ksyms_r0(struct guest *g, const struct ksym_def *s,
			  __u32 n, __u64 text_start, __u64 text_end, __u64 r0)
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
	ki.ksymtab_start = va + T_EXPORT;
	ki.ksymtab_end = va + T_EXPORT + 12;
	ki.ksymtab_gpl_start = va + T_GPL;
	ki.ksymtab_gpl_end = va + T_GPL + (r0 ? 12 : 0);
	memset(&x, 0, sizeof(x));
	x.magic = HEKI_KERNEL_INFO_EXT_MAGIC;
	x.size = HEKI_KERNEL_INFO_EXT_SIZE;
	x.linux_version = 0x0601c0;
	x.text_start = text_start;
	x.text_end = text_end;
	x.return_thunk = text_start + 0x800;
	x.kallsyms_format = HEKI_KALLSYMS_FORMAT_REL_ABS_PERCPU;
	for (i = 0; i < HEKI_KINFO_KALLSYMS_NR; i++)
		tab[i] = va + at[i];
	guest_write(g, KS_INFO, &ki, sizeof(ki));
	guest_write(g, KS_INFO + sizeof(ki), &x, sizeof(x));
	put_kernel_data(g, s, n, r0);
	r[0] = rng(KVA(KS_CERTS), KS_CERTS, KS_CERTS + clen,
		   HEKI_KDATA_SYSTEM_CERTS_VALUE);
	r[1] = rng(KVA(KS_INFO), KS_INFO, KS_INFO + sizeof(ki) + sizeof(x),
		   HEKI_KDATA_KERNEL_INFO_VALUE);
	r[2] = rng(va, KS_DATA, KS_DATA + KS_DATA_LEN,
		   HEKI_KDATA_KERNEL_DATA_VALUE);
	return call_chain(g, VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE, r, 3, 0);
}

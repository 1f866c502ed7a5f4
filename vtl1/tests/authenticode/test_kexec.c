// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_kexec.c - KexecValidate end to end through the simulated guest
 * (tests/guest.c) with a real crypto provider: the Debian kernel as the
 * kernel blob, its signer's certificate loaded by LoadKData.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at.h"
#include "guest.h"

#define KEXEC		VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE
#define LOAD_KDATA	VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE
#define KVA(pa)		(0xffffffff80000000ULL + (pa))

/* Guest physical layout (16 MiB, the last MiB is VTL1's). */
#define CHAIN_PA	0x10000ULL
#define KD_CERTS	0x100000ULL
#define KD_INFO		0x104000ULL
#define KD_DATA		0x105000ULL
#define KIMG_PA		0x200000ULL
#define KPAGES_PA	0x210000ULL
#define KPAGES2_PA	0x300000ULL
#define KBLOB_PA	0x400000ULL
#define SEG_PA		0xd00000ULL

static const struct at_provider *P;
static char nm[160];

static const char *name(const char *what)
{
	snprintf(nm, sizeof(nm), "%s_%s", what, P->name);
	return nm;
}

static struct heki_range rng(__u64 pa, __u64 epa, __u64 attr)
{
	struct heki_range r = { .va = KVA(pa), .pa = pa, .epa = epa,
				.attributes = attr };

	return r;
}

static __s64 call_chain(struct guest *g, __u32 id, const struct heki_range *r,
			__u32 n, __u64 a2)
{
	guest_chain(g, CHAIN_PA, r, n, 0);
	return guest_call(g, id, CHAIN_PA, n, a2);
}

static void put_sym(struct guest *g, __u64 entry_pa, __u64 name_pa)
{
	struct heki_kernel_symbol s;

	s.value_offset = 0x100;
	s.name_offset = (__s32)(name_pa - (entry_pa + 4));
	s.namespace_offset = 0;
	guest_write(g, entry_pa, &s, sizeof(s));
}

/*
 * A hook on the hypercall that changes protections: the first time it
 * runs after tamper_armed is set, it changes one byte of the kexec image
 * in guest memory (another vCPU writing while VTL1 protects).
 */
static hv_status_t (*real_modify)(void *ctx, heki_gpa_t gpa, __u64 npages,
				  hv_page_prot_t prot);
static struct guest *tamper_guest;
static int tamper_armed;

static hv_status_t tampering_modify(void *ctx, heki_gpa_t gpa, __u64 npages,
				    hv_page_prot_t prot)
{
	if (tamper_armed) {
		__u8 x;

		tamper_armed = 0;
		guest_read(tamper_guest, KIMG_PA + 8, &x, 1);
		x ^= 1;
		guest_write(tamper_guest, KIMG_PA + 8, &x, 1);
	}
	return real_modify(ctx, gpa, npages, prot);
}

/* A guest on provider P whose LoadKData installed @cert. */
static struct guest *guest_with(const struct at_file *cert)
{
	struct guest *g = guest_new();
	struct heki_kernel_info ki;
	struct heki_range r[3];
	__u64 va = KVA(KD_DATA);

	g->crypto = *P->c;
	g->quiet = 1;
	/* Same instance settings, with the protection hook in between. */
	heki_vtl1_destroy(g->v);
	real_modify = g->plat.modify_vtl_protection;
	g->plat.modify_vtl_protection = tampering_modify;
	tamper_guest = g;
	tamper_armed = 0;
	if (heki_vtl1_create(&g->plat, &g->v))
		abort();
	guest_write(g, KD_CERTS, cert->data, cert->len);
	ki.ksymtab_start = va;
	ki.ksymtab_end = va + 12;
	ki.ksymtab_gpl_start = va + 12;
	ki.ksymtab_gpl_end = va + 24;
	guest_write(g, KD_INFO, &ki, sizeof(ki));
	put_sym(g, KD_DATA, KD_DATA + 0x100);
	put_sym(g, KD_DATA + 12, KD_DATA + 0x110);
	guest_write(g, KD_DATA + 0x100, "printk", 7);
	guest_write(g, KD_DATA + 0x110, "gpl_only", 9);
	r[0] = rng(KD_CERTS, KD_CERTS + cert->len,
		   HEKI_KDATA_SYSTEM_CERTS_VALUE);
	r[1] = rng(KD_INFO, KD_INFO + sizeof(ki), HEKI_KDATA_KERNEL_INFO_VALUE);
	r[2] = rng(KD_DATA, KD_DATA + 0x200, HEKI_KDATA_KERNEL_DATA_VALUE);
	if (call_chain(g, LOAD_KDATA, r, 3, 0)) {
		fprintf(stderr, "LoadKData failed: %s\n", g->last_log);
		abort();
	}
	guest_write(g, KBLOB_PA, at.vmlinuz.data, at.vmlinuz.len);
	return g;
}

/* Image (one page), blob (the kernel) and kexec pages at @pages. */
static __u32 ranges(struct heki_range *r, __u64 pages)
{
	r[0] = rng(KIMG_PA, KIMG_PA + 0x1000, HEKI_KEXEC_IMAGE_VALUE);
	r[1] = rng(KBLOB_PA, KBLOB_PA + at.vmlinuz.len,
		   HEKI_KEXEC_KERNEL_BLOB_VALUE);
	r[2] = rng(pages, pages + 0x3000, HEKI_KEXEC_PAGES_VALUE);
	return 3;
}

/* The last log line without its newline. */
static const char *logline(struct guest *g)
{
	size_t n = strlen(g->last_log);

	while (n && g->last_log[n - 1] == '\n')
		g->last_log[--n] = 0;
	return g->last_log;
}

static __u8 released(void)
{
	return (__u8)(__force __u32)heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ |
								  MEM_ATTR_WRITE);
}

static __u32 owner(struct guest *g, __u64 pa)
{
	struct heki_vtl1_frame_info fi;

	heki_vtl1_frame_info(g->v, pa >> HEKI_PAGE_SHIFT, &fi);
	return fi.owner;
}

/* Every frame of [pa, epa) has owner @o. */
static int all_owned(struct guest *g, __u64 pa, __u64 epa, __u32 o)
{
	for (pa &= ~(HEKI_PAGE_SIZE - 1); pa < epa; pa += HEKI_PAGE_SIZE)
		if (owner(g, pa) != o)
			return 0;
	return 1;
}

static int nothing_kexec(struct guest *g)
{
	__u64 pa;

	for (pa = 0; pa < GUEST_VTL1_PA; pa += HEKI_PAGE_SIZE)
		if (owner(g, pa) == HEKI_VTL1_OWNER_KEXEC)
			return 0;
	return 1;
}

static void accepted(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[3];
	__s64 ret;
	int mod, copy;

	g->nr_ev = 0;
	ret = call_chain(g, KEXEC, r, ranges(r, KPAGES_PA), 0);
	t_result(ret == 0, name("kexec_signed_vmlinuz_accepted"), "%lld %s",
		 (long long)ret, logline(g));
	t_result(all_owned(g, KBLOB_PA, KBLOB_PA + at.vmlinuz.len,
			   HEKI_VTL1_OWNER_KEXEC) &&
		 all_owned(g, KIMG_PA, KIMG_PA + 0x1000,
			   HEKI_VTL1_OWNER_KEXEC) &&
		 all_owned(g, KPAGES_PA, KPAGES_PA + 0x3000,
			   HEKI_VTL1_OWNER_KEXEC),
		 name("kexec_accepted_blob_image_pages_protected"), NULL);
	t_result(g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT] ==
		 (__u8)(__force __u32)heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ),
		 name("kexec_accepted_blob_read_only"), "prot %#x",
		 g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT]);
	/* LiteBox 7.3: the blob is read after it became read-only. */
	mod = guest_event_index(g, GUEST_EV_MODIFY, KBLOB_PA);
	copy = guest_event_index(g, GUEST_EV_COPY_FROM, KBLOB_PA);
	t_result(mod >= 0 && copy > mod,
		 name("litebox_7_3_blob_copied_after_protection"),
		 "modify event %d, copy event %d", mod, copy);
	guest_free(g);
}

static void refused(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[3];
	__u8 x;
	__s64 ret;

	/* One byte of .text changed in the blob VTL0 hands over. */
	guest_read(g, KBLOB_PA + 0x10000, &x, 1);
	x ^= 0x40;
	guest_write(g, KBLOB_PA + 0x10000, &x, 1);
	ret = call_chain(g, KEXEC, r, ranges(r, KPAGES_PA), 0);
	t_result(ret == -HEKI_EKEYREJECTED &&
		 strstr(g->last_log, "AUTHENTICODE_IMAGE_DIGEST_MISMATCH"),
		 name("kexec_tampered_blob_refused"), "%lld %s",
		 (long long)ret, logline(g));
	t_result(nothing_kexec(g) &&
		 g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT] == 0xF &&
		 g->prot[KPAGES_PA >> HEKI_PAGE_SHIFT] == 0xF,
		 name("kexec_refused_leaves_nothing_protected"), NULL);
	guest_free(g);

	g = guest_with(&at.other);
	ret = call_chain(g, KEXEC, r, ranges(r, KPAGES_PA), 0);
	t_result(ret == -HEKI_ENOKEY && nothing_kexec(g),
		 name("kexec_unknown_cert_refused_nothing_protected"),
		 "%lld %s", (long long)ret, logline(g));
	guest_free(g);

	g = guest_with(&at.signer);
	ranges(r, KPAGES_PA);
	r[1] = r[2];
	ret = call_chain(g, KEXEC, r, 2, 0);
	t_result(ret == -HEKI_EINVAL &&
		 strstr(g->last_log, "KEXEC_BLOB_MISSING") && nothing_kexec(g),
		 name("kexec_without_blob_refused"), "%lld %s",
		 (long long)ret, logline(g));
	guest_free(g);
}

static void replaced(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[3];
	__s64 r1, r2, r3, r4;
	__u8 x;

	r1 = call_chain(g, KEXEC, r, ranges(r, KPAGES_PA), 0);
	r2 = call_chain(g, KEXEC, r, ranges(r, KPAGES2_PA), 0);
	t_result(!r1 && !r2 &&
		 all_owned(g, KPAGES_PA, KPAGES_PA + 0x3000,
			   HEKI_VTL1_OWNER_NONE) &&
		 g->prot[KPAGES_PA >> HEKI_PAGE_SHIFT] == released() &&
		 all_owned(g, KPAGES2_PA, KPAGES2_PA + 0x3000,
			   HEKI_VTL1_OWNER_KEXEC) &&
		 all_owned(g, KBLOB_PA, KBLOB_PA + at.vmlinuz.len,
			   HEKI_VTL1_OWNER_KEXEC),
		 name("kexec_next_call_releases_previous_pages"),
		 "%lld %lld owner %u prot %#x", (long long)r1, (long long)r2,
		 owner(g, KPAGES_PA), g->prot[KPAGES_PA >> HEKI_PAGE_SHIFT]);

	/* A refused call keeps the previous image's protections. */
	x = 0x5a;
	guest_write(g, KBLOB_PA + 0x7000, &x, 1);
	r3 = call_chain(g, KEXEC, r, ranges(r, KPAGES_PA), 0);
	t_result(r3 == -HEKI_EKEYREJECTED &&
		 all_owned(g, KPAGES2_PA, KPAGES2_PA + 0x3000,
			   HEKI_VTL1_OWNER_KEXEC) &&
		 all_owned(g, KPAGES_PA, KPAGES_PA + 0x3000,
			   HEKI_VTL1_OWNER_NONE),
		 name("kexec_refusal_keeps_previous_protection"), "%lld",
		 (long long)r3);

	r4 = guest_call(g, KEXEC, 0, 0, 0);
	t_result(!r4 && nothing_kexec(g) &&
		 g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT] == released(),
		 name("kexec_invalidate_releases_everything"), "%lld prot %#x",
		 (long long)r4, g->prot[KBLOB_PA >> HEKI_PAGE_SHIFT]);
	guest_free(g);
}

/* Crash kexec: image = a kimage with one segment at SEG_PA. */
static __u32 crash_ranges(struct guest *g, struct heki_range *r)
{
	struct heki_kimage ki;

	memset(&ki, 0, sizeof(ki));
	ki.nr_segments = 1;
	ki.segment[0].buf = 0x7f0000000000ULL;
	ki.segment[0].mem = SEG_PA;
	ki.segment[0].memsz = 0x1800;
	guest_write(g, KIMG_PA, &ki, sizeof(ki));
	ranges(r, KPAGES_PA);
	r[0].epa = KIMG_PA + sizeof(ki);
	return 3;
}

static int nothing_crash(struct guest *g)
{
	__u64 pa;

	for (pa = 0; pa < GUEST_VTL1_PA; pa += HEKI_PAGE_SIZE)
		if (owner(g, pa) == HEKI_VTL1_OWNER_KEXEC_CRASH)
			return 0;
	return 1;
}

static void crash(void)
{
	struct guest *g = guest_with(&at.signer);
	struct heki_range r[3];
	__s64 ret;

	ret = call_chain(g, KEXEC, r, crash_ranges(g, r), 1);
	t_result(!ret &&
		 all_owned(g, SEG_PA, SEG_PA + 0x1800,
			   HEKI_VTL1_OWNER_KEXEC_CRASH) &&
		 all_owned(g, KBLOB_PA, KBLOB_PA + at.vmlinuz.len,
			   HEKI_VTL1_OWNER_KEXEC_CRASH),
		 name("crash_kexec_signed_vmlinuz_accepted_segments_protected"),
		 "%lld %s", (long long)ret, logline(g));
	guest_free(g);

	g = guest_with(&at.signer);
	crash_ranges(g, r);
	tamper_armed = 1;
	ret = call_chain(g, KEXEC, r, 3, 1);
	t_result(ret == -HEKI_EBUSY &&
		 strstr(g->last_log, "KEXEC_IMAGE_CHANGED") && nothing_crash(g),
		 name("crash_kexec_image_changed_while_protecting_refused"),
		 "%lld %s", (long long)ret, logline(g));
	guest_free(g);

	/* The same write during a non-crash call changes nothing verified. */
	g = guest_with(&at.signer);
	tamper_armed = 1;
	ret = call_chain(g, KEXEC, r, ranges(r, KPAGES_PA), 0);
	t_result(!ret, name("kexec_image_write_during_noncrash_call_harmless"),
		 "%lld %s", (long long)ret, logline(g));
	guest_free(g);
}

void test_kexec(void)
{
	unsigned int i;

	for (i = 0; i < at_nr_providers; i++) {
		P = &at_providers[i];
		accepted();
		refused();
		replaced();
		crash();
	}
}

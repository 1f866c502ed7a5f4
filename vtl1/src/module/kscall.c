// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kscall.c - the core kernel's static call sites and trampolines.
 *
 * static_call_update() of a kernel key after end of boot (kvm's
 * perf_register_guest_info_callbacks() when kvm loads, tracepoints)
 * rewrites the key's trampoline and call sites in kernel text, which VTL1
 * protects. The kernel lists its sites in .static_call_sites (struct
 * static_call_site: s32 addr and s32 key, each relative to its own
 * field; the key's low bits carry STATIC_CALL_SITE_TAIL and _INIT),
 * which the linker places in ro_after_init between kallsyms'
 * __start_static_call_sites and __stop_static_call_sites; after
 * static_call_init() the kernel never writes it again (a site in init
 * text is marked INIT then and skipped from then on). Its trampolines
 * are the functions named __SCT__<key>, "jmp.d32 func" or a RET form
 * followed by the ud1 0f b9 cc that __static_call_validate() checks.
 *
 * LoadKData derives them once, before end of boot: the table from its
 * copy of the kernel data, every byte of it in frames the kernel
 * protected read-only before the call (kdata/kdata.c), the names from the
 * kallsyms tables read under the same rule (kdata/kallsyms.c); kdata/
 * hands them here through core (vtl1_kernel_static_calls()), since this
 * folder owns the static call forms.
 *
 * Only the keys of HEKI_KSCALL_KEY_LIST (kdata/kallsyms.h: the perf guest
 * callbacks kvm sets and clears) are admitted: a site whose key, decoded
 * as static_call_key() does (&site->key + key, the low two bits masked
 * off), is the address kallsyms gives __SCK__<name> of a listed name, and
 * the trampoline kallsyms names __SCT__<name> of such a key. Every other
 * key (the LSM hooks, tracepoints, preempt_dynamic, the BPF dispatcher,
 * keys kallsyms does not name) has no site: PatchText refuses it as
 * PRECOMPUTED_PATCH_NOT_FOUND, as before the kernel's sites were routed.
 *
 * An admitted site or trampoline becomes a patch site of the kernel
 * (core/patchsites.c) with the fixed forms __static_call_transform()
 * writes for a NULL function and for __static_call_return0 (NOP5 and
 * xor-rax at a call site; the RET forms and JMP __static_call_return0 at
 * a tail site or trampoline), and one variable form, CALL / JMP rel32 to
 * a function entry of a live validated MODULE's text (VTL1_ENTRY_MODULE),
 * never of the kernel: kvm's callbacks live in kvm.ko and kvm_intel.ko,
 * and no kernel function may become perf's NMI-time callback. Its 5
 * bytes must lie in kernel text the kernel holds executable and
 * read-only; INIT sites, sites outside [_stext, _etext) or outside such
 * frames and names without the trampoline's ud1 are left out, and
 * without the table (kallsyms names neither bound) nothing is derived.
 * Nothing VTL0 sends after end of boot adds a site, a key or a form.
 */
#include "core/core.h"
#include "kdata/kdata.h"
#include "kscall.h"
#include "rewrite.h"
#include "rewrite_rules.h"

/* The ud1 a trampoline carries after its 5 bytes (tramp_ud[]). */
static const __u8 tramp_ud[3] = { 0x0f, 0xb9, 0xcc };

/* heki_rw_lookup_fn over the export tables LoadKData is building. */
static int resolve(void *arg, const char *name, __u64 *va)
{
	const struct vtl1_kscall_src *src = arg;
	__u64 len = 0;
	__u32 t;

	while (name[len] && len < HEKI_KSYM_NAME_LEN)
		len++;
	for (t = 0; t < src->ntabs; t++)
		if (src->tabs[t] &&
		    !heki_symtab_lookup(src->tabs[t], name, len, va))
			return 0;
	return -1;
}

/* The frame of @pa: the kernel's, kernel-executable, not VTL0-writable. */
static int kernel_text_frame(const struct heki_vtl1 *v, __u64 pa)
{
	const struct vtl1_prot_ent *e;

	if (!vtl1_pa_valid(pa))
		return 0;
	e = prot_map_find(&v->map, pa >> HEKI_PAGE_SHIFT);
	return e && e->owner == HEKI_VTL1_OWNER_KERNEL &&
	       (e->prot & hv_page_prot_raw(HV_PAGE_KERNEL_EXECUTABLE)) &&
	       !(e->prot & hv_page_prot_raw(HV_PAGE_WRITABLE));
}

/*
 * The @len bytes at kernel VA @va: inside [_stext, _etext), in held
 * kernel text. Returns 1 with @loc's pa[0], pa[1] and size set, else 0.
 */
static int locate(const struct heki_vtl1 *v,
		  const struct vtl1_kscall_src *src, __u64 va, __u32 len,
		  struct heki_patch *loc)
{
	const struct heki_kinfo_ext *x = src->kext;
	__u64 room = HEKI_PAGE_SIZE - (va & HEKI_PAGE_OFFSET_MASK);

	if (va < x->text_start || va >= x->text_end ||
	    x->text_end - va < len)
		return 0;
	memset(loc, 0, sizeof(*loc));
	loc->size = (__u8)len;
	loc->pa[0] = va - src->text_off;
	if (room < len)
		loc->pa[1] = va + room - src->text_off;
	return kernel_text_frame(v, loc->pa[0]) &&
	       (!loc->pa[1] || kernel_text_frame(v, loc->pa[1]));
}

/* Does the trampoline at @va carry the ud1 at +5 (held kernel text)? */
static int tramp_signed(struct heki_vtl1 *v, const struct vtl1_kscall_src *src,
			__u64 va)
{
	struct heki_patch loc;
	__u8 b[sizeof(tramp_ud)];
	__u32 first;

	if (va > ~0ULL - HEKI_PATCH_JMP32_SIZE ||
	    !locate(v, src, va + HEKI_PATCH_JMP32_SIZE, sizeof(b), &loc))
		return 0;
	first = heki_patch_first_page_len(&loc);
	if (vtl1_copy_from(v, b, loc.pa[0], first) ||
	    (first < sizeof(b) &&
	     vtl1_copy_from(v, b + first, loc.pa[1], sizeof(b) - first)))
		return 0;
	return !memcmp(b, tramp_ud, sizeof(b));
}

/*
 * One site (@branch 0xe8) or tail site / trampoline (0xe9) at @va of an
 * admitted key: counted in *@n if its 5 bytes are held kernel text, and
 * added to @b (when not NULL) with its fixed forms and the module-only
 * CALL / JMP form.
 */
static int add_site(struct heki_vtl1 *v, const struct vtl1_kscall_src *src,
		    const struct heki_rw_ctx *ctx, __u64 va, __u8 branch,
		    struct vtl1_patch_batch *b, __u32 *n)
{
	__u8 form[VTL1_PATCH_MAX_FORMS][HEKI_PATCH_JMP32_SIZE];
	struct vtl1_patch_site s;
	struct heki_patch loc;
	__u64 no_call, r0;
	__u32 nf;
	int ret;

	if (!locate(v, src, va, HEKI_PATCH_JMP32_SIZE, &loc))
		return 0;
	(*n)++;
	if (!b)
		return 0;
	nf = heki_rw_static_call_forms(ctx, va, branch == 0xe9, form,
				       &no_call);
	/* a tail site or trampoline of __static_call_return0: JMP to it */
	if (branch == 0xe9 && nf < VTL1_PATCH_MAX_FORMS &&
	    ksym(ctx, HEKI_RW_KSYM_STATIC_CALL_RETURN0, &r0))
		gen_rel32(form[nf++], OP_JMP32, va, r0);
	ret = vtl1_patch_static_call_site(&s, &loc, form[0], nf, branch,
					  VTL1_ENTRY_MODULE, va, no_call, -1,
					  0);
	return ret ? ret : vtl1_patch_batch_add(b, &s);
}

/* The listed key (kf->kscall[]) at @key_va, or -1 if none is there. */
static int admitted_key(const struct heki_kfuncs *kf, __u64 key_va)
{
	__u32 j;

	for (j = 0; j < HEKI_KSCALL_NKEYS; j++)
		if (kf->kscall[j].key && kf->kscall[j].key == key_va)
			return (int)j;
	return -1;
}

/**
 * heki_kscall_sites() - the kernel's static call sites and trampolines of
 *	the keys VTL1 admits
 * @v: the instance (its protection map; kernel text read through it)
 * @src: the table, the kallsyms facts, the extension and the exports
 * @b: the batch to add them to, or NULL to count only
 * @n: receives how many there are (added, or to add)
 *
 * Return: 0, or the first error of vtl1_patch_static_call_site() or
 * vtl1_patch_batch_add() (PATCH_TABLE_FULL when @b has no room).
 */
int heki_kscall_sites(struct heki_vtl1 *v, const struct vtl1_kscall_src *src,
		      struct vtl1_patch_batch *b, __u32 *n)
{
	const struct heki_kfuncs *kf = src->kf;
	struct heki_rw_ctx *ctx;
	__u64 va, ent, key;
	__u32 i, flags;
	int ret = 0;

	*n = 0;
	/* no table: no image offset either, and no static calls to update */
	if (!src->kext || !kf || !src->table)
		return 0;
	ctx = vtl1_alloc(v, sizeof(*ctx));
	if (!ctx)
		return -HEKI_VSM_ERR_NO_MEMORY;
	memset(ctx, 0, sizeof(*ctx));
	heki_rw_resolve_ksyms(ctx, resolve, (void *)src);
	heki_rw_apply_kinfo(src->kext, ctx);
	for (i = 0; !ret && i < src->n; i++) {
		const __u8 *e = src->table + (__u64)i * HEKI_KSCALL_SITE_SIZE;

		/*
		 * &site->addr + addr and &site->key + key, modulo 2^64 as
		 * the kernel computes them; the key's low bits are flags
		 * (static_call_key(), static_call_is_init/_tail())
		 */
		ent = kf->scs_start + (__u64)i * HEKI_KSCALL_SITE_SIZE;
		va = ent + (__u64)(__s64)heki_le_s32(e);
		key = ent + 4 + (__u64)(__s64)heki_le_s32(e + 4);
		flags = (__u32)(key & HEKI_KSCALL_SITE_FLAGS);
		key &= ~(__u64)HEKI_KSCALL_SITE_FLAGS;
		if ((flags & HEKI_KSCALL_SITE_INIT) ||
		    admitted_key(kf, key) < 0)
			continue;
		ret = add_site(v, src, ctx, va,
			       flags & HEKI_KSCALL_SITE_TAIL ? 0xe9 : 0xe8, b,
			       n);
	}
	/* a trampoline only with its key named too */
	for (i = 0; !ret && i < HEKI_KSCALL_NKEYS; i++)
		if (kf->kscall[i].key && kf->kscall[i].tramp &&
		    tramp_signed(v, src, kf->kscall[i].tramp))
			ret = add_site(v, src, ctx, kf->kscall[i].tramp, 0xe9,
				       b, n);
	vtl1_free(v, ctx);
	return ret;
}

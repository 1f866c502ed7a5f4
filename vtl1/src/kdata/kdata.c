// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kdata.c - LoadKData: system certificates, kexec trampolines, kernel
 * patch info, kernel symbol tables, the kernel's static call sites.
 *
 * Everything is copied and checked first; the new state (keyring, patch
 * sites, symbol tables, trampoline protection) is installed only when all
 * of it is valid and the protection hypercalls succeeded.
 */
#include "core/core.h"
#include "sig/sig.h"
#include "kdata.h"

/**
 * struct kdata - the parts of one LoadKData call
 * @certs: SystemCerts bytes
 * @revoked: RevocationCerts bytes
 * @blocklist: BlocklistHashes bytes
 * @patch: PatchInfo bytes
 * @info: KernelInfo bytes
 * @data: KernelData bytes
 * @mode: Mode bytes (none, or one HEKI_MODE_SIZE value)
 * @regions: VA and length of each KernelData range, in buffer order
 * @region_pa: physical address of each KernelData range
 * @nregions: entries in @regions and @region_pa
 * @keyring: new keyring
 * @nr_certs: certificates in @keyring
 * @rev: new revocation state
 * @symtab: new symbol table
 * @gpl_symtab: new GPL symbol table
 * @kext: the kernel info extension, NULL if the blob has none
 * @kfuncs: the kernel's function entries
 * @purgatory: copy of the kernel's kexec_purgatory, NULL if none
 * @purgatory_len: its length
 * @pb: new kernel patch sites
 * @t: trampoline protections
 */
struct kdata {
	struct vtl1_buf certs, revoked, blocklist, patch, info, data, mode;
	struct heki_symtab_region *regions;
	__u64 *region_pa;
	__u32 nregions;
	void *keyring;
	__u32 nr_certs;
	struct heki_revocation *rev;
	struct heki_symtab *symtab, *gpl_symtab;
	struct heki_kinfo_ext *kext;
	struct heki_kfuncs *kfuncs;
	__u8 *purgatory;
	__u64 purgatory_len;
	struct vtl1_patch_batch pb;
	struct prot_txn t;
};

/*
 * A kernel site comes from the patch info VTL0 sends before end of boot:
 * its jmp (the record's code, a jmp8 or jmp32) and the NOP of that size.
 */
static int kernel_patch(void *arg, const struct heki_patch_info *info,
			const struct heki_patch *p)
{
	struct vtl1_patch_site s;
	int ret = vtl1_patch_jump_site(&s, p, p->code, -1, 0);

	return ret ? ret : vtl1_patch_batch_add(arg, &s);
}

static void kdata_free(struct heki_vtl1 *v, struct kdata *k)
{
	vtl1_buf_free(v, &k->certs);
	vtl1_buf_free(v, &k->revoked);
	vtl1_buf_free(v, &k->blocklist);
	heki_revocation_free(v, k->rev);
	vtl1_buf_free(v, &k->patch);
	vtl1_buf_free(v, &k->info);
	vtl1_buf_free(v, &k->data);
	vtl1_buf_free(v, &k->mode);
	vtl1_free(v, k->regions);
	vtl1_free(v, k->region_pa);
	if (k->kfuncs) {
		heki_kfuncs_free(k->kfuncs, &v->p);
		vtl1_free(v, k->kfuncs);
	}
	if (k->keyring)
		v->p.crypto->keyring_destroy(v->p.crypto->ctx, k->keyring);
	if (k->symtab) {
		heki_symtab_free(k->symtab, &v->p);
		vtl1_free(v, k->symtab);
	}
	if (k->gpl_symtab) {
		heki_symtab_free(k->gpl_symtab, &v->p);
		vtl1_free(v, k->gpl_symtab);
	}
	vtl1_free(v, k->kext);
	vtl1_free(v, k->purgatory);
	vtl1_patch_batch_free(v, &k->pb);
	prot_txn_free(v, &k->t);
}

static int classify(struct heki_vtl1 *v, const struct vtl1_chain *c,
		    struct kdata *k)
{
	__u32 i, ntramp = 0;
	int ret;

	for (i = 0; i < c->n; i++) {
		const struct heki_range *r = &c->r[i];

		if (!heki_kdata_type_valid(heki_range_kdata_type(r)))
			return -HEKI_VSM_ERR_KERNEL_DATA_TYPE_INVALID;
		if (r->attributes == HEKI_KDATA_KEXEC_TRAMPOLINE_VALUE)
			ntramp++;
		if (r->attributes == HEKI_KDATA_KERNEL_DATA_VALUE)
			k->nregions++;
	}
	ret = prot_txn_init(v, &k->t, ntramp);
	if (ret)
		return ret;
	k->regions = vtl1_alloc_array(v, k->nregions ? k->nregions : 1,
				      sizeof(*k->regions));
	k->region_pa = vtl1_alloc_array(v, k->nregions ? k->nregions : 1,
					sizeof(*k->region_pa));
	if (!k->regions || !k->region_pa)
		return -HEKI_VSM_ERR_NO_MEMORY;
	k->nregions = 0;
	for (i = 0; i < c->n; i++) {
		const struct heki_range *r = &c->r[i];

		if (r->attributes == HEKI_KDATA_KERNEL_DATA_VALUE) {
			k->region_pa[k->nregions] = r->pa;
			k->regions[k->nregions].va = r->va;
			k->regions[k->nregions++].len = r->epa - r->pa;
		}
		if (r->attributes != HEKI_KDATA_KEXEC_TRAMPOLINE_VALUE)
			continue;
		ret = prot_txn_add_range(&k->t, r->pa, r->epa,
					 heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ),
					 HEKI_VTL1_OWNER_KDATA, 0);
		if (ret)
			return ret;
	}
	return 0;
}

static int gather_all(struct heki_vtl1 *v, const struct vtl1_chain *c,
		      struct kdata *k)
{
	static const struct {
		__u64 type;
		size_t off;
	} parts[] = {
		{ HEKI_KDATA_SYSTEM_CERTS_VALUE, offsetof(struct kdata, certs) },
		{ HEKI_KDATA_REVOCATION_CERTS_VALUE,
		  offsetof(struct kdata, revoked) },
		{ HEKI_KDATA_BLOCKLIST_HASHES_VALUE,
		  offsetof(struct kdata, blocklist) },
		{ HEKI_KDATA_PATCH_INFO_VALUE, offsetof(struct kdata, patch) },
		{ HEKI_KDATA_KERNEL_INFO_VALUE, offsetof(struct kdata, info) },
		{ HEKI_KDATA_KERNEL_DATA_VALUE, offsetof(struct kdata, data) },
	};
	__u32 i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		ret = vtl1_gather(v, c, parts[i].type, HEKI_VTL1_MAX_KDATA_SIZE,
				  -HEKI_VSM_ERR_KDATA_SIZE_EXCEEDED,
				  (struct vtl1_buf *)((__u8 *)k + parts[i].off));
		if (ret)
			return ret;
	}
	return vtl1_gather(v, c, HEKI_KDATA_MODE_VALUE, HEKI_MODE_SIZE,
			   -HEKI_VSM_ERR_MODE_INVALID, &k->mode);
}

/*
 * The mode heki_vtl0 runs in: no Mode range is enforce; else exactly one
 * HEKI_MODE_SIZE value (two ranges gather more bytes: refused).
 */
static int parse_mode(const struct kdata *k, __u32 *mode)
{
	__u64 m;

	*mode = HEKI_MODE_ENFORCE;
	if (!k->mode.len)
		return 0;
	if (k->mode.len != HEKI_MODE_SIZE)
		return -HEKI_VSM_ERR_MODE_INVALID;
	m = heki_le64(k->mode.data);
	if (m != HEKI_MODE_ENFORCE && m != HEKI_MODE_PERMISSIVE)
		return -HEKI_VSM_ERR_MODE_INVALID;
	*mode = (__u32)m;
	return 0;
}

static int build_symtabs(struct heki_vtl1 *v, struct kdata *k)
{
	struct heki_kernel_info ki;
	int ret;

	if (!k->info.len || !k->data.len)
		return -HEKI_VSM_ERR_KERNEL_SYMBOL_TABLE_NOT_FOUND;
	ret = heki_kernel_info_parse(k->info.data, k->info.len, &ki);
	if (ret)
		return ret;
	k->symtab = vtl1_alloc(v, sizeof(*k->symtab));
	k->gpl_symtab = vtl1_alloc(v, sizeof(*k->gpl_symtab));
	if (!k->symtab || !k->gpl_symtab)
		return -HEKI_VSM_ERR_NO_MEMORY;
	ret = heki_symtab_build(k->gpl_symtab, &v->p, k->data.data,
				k->data.len, k->regions, k->nregions,
				ki.ksymtab_gpl_start, ki.ksymtab_gpl_end);
	if (ret)
		return ret;
	return heki_symtab_build(k->symtab, &v->p, k->data.data, k->data.len,
				 k->regions, k->nregions, ki.ksymtab_start,
				 ki.ksymtab_end);
}

/* The optional extension after the 32 bytes (kinfo_ext.c). */
static int parse_kinfo_ext(struct heki_vtl1 *v, struct kdata *k)
{
	const struct heki_symtab *tabs[2] = { k->symtab, k->gpl_symtab };
	int ret;

	k->kext = vtl1_alloc(v, sizeof(*k->kext));
	if (!k->kext)
		return -HEKI_VSM_ERR_NO_MEMORY;
	ret = heki_kinfo_ext_parse(k->info.data, k->info.len, k->kext);
	if (ret <= 0) {
		vtl1_free(v, k->kext);
		k->kext = NULL;
		return ret;
	}
	return heki_kinfo_ext_check_exports(k->kext, tabs, ARRAY_SIZE(tabs));
}

/**
 * struct kdata_prot - the kallsyms protection check's context
 * @v: the instance (its protection map)
 * @k: this call's kernel data
 */
struct kdata_prot {
	struct heki_vtl1 *v;
	const struct kdata *k;
};

/* Frames [@pfn, @last] all held by the kernel without write access? */
static int frames_kernel_ro(const struct heki_vtl1 *v, __u64 pfn, __u64 last)
{
	const struct vtl1_prot_ent *e;

	while (pfn <= last) {
		e = prot_map_find(&v->map, pfn);
		if (!e || e->owner != HEKI_VTL1_OWNER_KERNEL ||
		    (e->prot & hv_page_prot_raw(HV_PAGE_WRITABLE)))
			return 0;
		pfn = e->pfn + e->npages;
	}
	return 1;
}

/*
 * heki_kallsyms_prot_fn: every byte of [@va, @va + @len) of the kernel
 * data came from frames the kernel protected read-only (ProtectMemory,
 * before this call), so the copy holds the bytes the kernel had then.
 */
static int kallsyms_prot(void *arg, __u64 va, __u64 len)
{
	const struct kdata_prot *kp = arg;
	const struct kdata *k = kp->k;
	__u64 end = va + len, lo, hi, pa;
	__u32 i;

	for (i = 0; i < k->nregions && len; i++) {
		const struct heki_symtab_region *r = &k->regions[i];

		lo = va > r->va ? va : r->va;
		hi = end < r->va + r->len ? end : r->va + r->len;
		if (lo >= hi)
			continue;
		pa = k->region_pa[i] + (lo - r->va);
		if (!frames_kernel_ro(kp->v, pa >> HEKI_PAGE_SHIFT,
				      (pa + (hi - lo) - 1) >> HEKI_PAGE_SHIFT))
			return -HEKI_VSM_ERR_KALLSYMS_NOT_PROTECTED;
	}
	return 0;
}

/* The kernel's function entries: exports in text, kallsyms (kallsyms.c). */
static int build_kfuncs(struct heki_vtl1 *v, struct kdata *k)
{
	const struct heki_symtab *tabs[2] = { k->symtab, k->gpl_symtab };
	struct kdata_prot kp = { v, k };
	struct heki_kfuncs_src src = {
		.buf = k->data.data, .len = k->data.len,
		.regions = k->regions, .nregions = k->nregions,
		.tabs = tabs, .ntabs = ARRAY_SIZE(tabs),
		.kext = k->kext, .prot = kallsyms_prot, .prot_arg = &kp,
	};

	if (k->kext) {
		src.text_start = k->kext->text_start;
		src.text_end = k->kext->text_end;
	} else {
		heki_symtab_text_bounds(tabs, ARRAY_SIZE(tabs),
					k->nregions ? k->regions[0].va : 0,
					&src.text_start, &src.text_end);
	}
	k->kfuncs = vtl1_alloc(v, sizeof(*k->kfuncs));
	if (!k->kfuncs)
		return -HEKI_VSM_ERR_NO_MEMORY;
	return heki_kfuncs_build(k->kfuncs, &v->p, &src);
}

/*
 * The @len bytes at kernel VA @va: inside one KernelData range of @c (their
 * copy in @data, in chain order), in frames the kernel holds read-only
 * (ProtectMemory before this call), so the copy is what the kernel had
 * and VTL0 cannot change since. Return: a pointer into @data with *@pa
 * the physical address of @va, or NULL with *@err set (@err_range when no
 * range holds them, @err_prot when a frame is not protected so).
 */
static const __u8 *protected_kdata(struct heki_vtl1 *v,
				   const struct vtl1_chain *c,
				   const struct vtl1_buf *data, __u64 va,
				   __u64 len, int err_range, int err_prot,
				   __u64 *pa, int *err)
{
	__u64 off = 0, pfn, last, rlen;
	__u32 i;

	*err = err_range;
	for (i = 0; i < c->n; i++) {
		const struct heki_range *r = &c->r[i];

		if (r->attributes != HEKI_KDATA_KERNEL_DATA_VALUE)
			continue;
		rlen = r->epa - r->pa;
		if (va < r->va || va - r->va > rlen || rlen - (va - r->va) < len) {
			off += rlen;
			continue;
		}
		if (!len || off + rlen > data->len)
			return NULL;
		/* pa + rlen < 2^52 (chain walk): no overflow. */
		*pa = r->pa + (va - r->va);
		pfn = *pa >> HEKI_PAGE_SHIFT;
		last = (*pa + len - 1) >> HEKI_PAGE_SHIFT;
		if (!frames_kernel_ro(v, pfn, last)) {
			*err = err_prot;
			return NULL;
		}
		return data->data + off + (va - r->va);
	}
	return NULL;
}

/*
 * The table's length from kallsyms' bounds (0: kallsyms names neither):
 * KERNEL_STATIC_CALLS_INVALID when only one is named, the stop lies
 * below the start, or the length is not a multiple of
 * HEKI_KSCALL_SITE_SIZE or holds more than HEKI_VTL1_MAX_PATCH_SITES
 * entries.
 */
static int kscall_bounds(const struct heki_kfuncs *kf, __u64 *len)
{
	__u64 l;

	*len = 0;
	if (!kf || (!kf->scs_start && !kf->scs_stop))
		return 0;
	if (!kf->scs_start || !kf->scs_stop || kf->scs_stop < kf->scs_start)
		return -HEKI_VSM_ERR_KERNEL_STATIC_CALLS_INVALID;
	l = kf->scs_stop - kf->scs_start;
	if (l % HEKI_KSCALL_SITE_SIZE ||
	    l / HEKI_KSCALL_SITE_SIZE > HEKI_VTL1_MAX_PATCH_SITES)
		return -HEKI_VSM_ERR_KERNEL_STATIC_CALLS_INVALID;
	*len = l;
	return 0;
}

/*
 * The kernel's static call sites and trampolines into @k's patch batch
 * (module/kscall.c through vtl1_kernel_static_calls()): the table
 * kallsyms bounds, read from protected kernel data
 * (KERNEL_STATIC_CALLS_INVALID, _NOT_PROTECTED). The batch grows by what
 * the table gives.
 */
static int kernel_scalls(struct heki_vtl1 *v, const struct vtl1_chain *c,
			 struct kdata *k, __u32 *n)
{
	const struct heki_symtab *tabs[2] = { k->symtab, k->gpl_symtab };
	struct vtl1_kscall_src src = {
		.kf = k->kfuncs, .kext = k->kext,
		.tabs = tabs, .ntabs = ARRAY_SIZE(tabs),
	};
	__u64 len, pa = 0;
	int ret, err;

	*n = 0;
	ret = kscall_bounds(k->kfuncs, &len);
	if (ret || !k->kext)
		return ret;
	if (len) {
		src.table = protected_kdata(v, c, &k->data,
					    k->kfuncs->scs_start, len,
					    -HEKI_VSM_ERR_KERNEL_STATIC_CALLS_INVALID,
					    -HEKI_VSM_ERR_KERNEL_STATIC_CALLS_NOT_PROTECTED,
					    &pa, &err);
		if (!src.table)
			return err;
		src.n = (__u32)(len / HEKI_KSCALL_SITE_SIZE);
		src.text_off = k->kfuncs->scs_start - pa;
	}
	ret = vtl1_kernel_static_calls(v, &src, NULL, n);
	if (!ret && *n)
		ret = vtl1_patch_batch_grow(v, &k->pb, *n);
	if (!ret && *n)
		ret = vtl1_kernel_static_calls(v, &src, &k->pb, n);
	return ret;
}

/*
 * The kernel's kexec_purgatory ELF (kernel info extension): its size from
 * kexec_purgatory_size, 1..HEKI_VTL1_MAX_PURGATORY_SIZE bytes, both read
 * from protected kernel data; a copy for KexecValidate (kexec/).
 */
static int load_purgatory(struct heki_vtl1 *v, const struct vtl1_chain *c,
			  struct kdata *k)
{
	const __u8 *p;
	__u64 size, pa;
	int err;

	if (!k->kext || !k->kext->kexec_purgatory)
		return 0;
	p = protected_kdata(v, c, &k->data, k->kext->kexec_purgatory_size, 8,
			    -HEKI_VSM_ERR_KERNEL_INFO_EXT_PURGATORY,
			    -HEKI_VSM_ERR_KEXEC_PURGATORY_NOT_PROTECTED, &pa,
			    &err);
	if (!p)
		return err;
	size = heki_le64(p);
	if (!size || size > HEKI_VTL1_MAX_PURGATORY_SIZE)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_PURGATORY;
	p = protected_kdata(v, c, &k->data, k->kext->kexec_purgatory, size,
			    -HEKI_VSM_ERR_KERNEL_INFO_EXT_PURGATORY,
			    -HEKI_VSM_ERR_KEXEC_PURGATORY_NOT_PROTECTED, &pa,
			    &err);
	if (!p)
		return err;
	k->purgatory = vtl1_alloc(v, size);
	if (!k->purgatory)
		return -HEKI_VSM_ERR_NO_MEMORY;
	memcpy(k->purgatory, p, size);
	k->purgatory_len = size;
	return 0;
}

/*
 * LoadKData(pa, nranges), in order: pa/nranges (EFAULT); end of boot
 * (EPERM); already loaded (EEXIST); the chain; every type known (EINVAL);
 * sizes (ERANGE; a Mode over HEKI_MODE_SIZE: MODE_INVALID); the mode
 * (MODE_INVALID); certificates present (ENOENT); the blocklist, revoked
 * certificates and system certificates (revocation.c: EINVAL / E2BIG /
 * EACCES); trampolines free of VTL1 and other owners; patch info records;
 * kernel info and data present (ENOENT) and the symbol tables; the
 * optional kernel info extension (KERNEL_INFO_EXT_*); the kernel's
 * function entries, kallsyms read from protected kernel data
 * (KALLSYMS_*); the kernel's static call table kallsyms bounds, in
 * protected kernel data (KERNEL_STATIC_CALLS_INVALID, _NOT_PROTECTED);
 * the patch sites together (PATCH_DUPLICATE, PATCH_SITE_OVERLAP,
 * PATCH_TABLE_FULL); the kexec purgatory the extension names, in
 * protected kernel data (KERNEL_INFO_EXT_PURGATORY,
 * KEXEC_PURGATORY_NOT_PROTECTED). Then apply.
 */
static __s64 vtl1_do_LOAD_KDATA(struct heki_vtl1 *v, __u64 a0, __u64 a1,
				__u64 a2)
{
	const struct heki_vtl1_crypto *cr = v->p.crypto;
	struct heki_kdata_lists lists;
	struct vtl1_chain c;
	struct kdata k;
	__u32 mode, nscalls = 0;
	int ret;

	if (!vtl1_chain_args_ok(a0, a1))
		return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;
	if (v->end_of_boot)
		return -HEKI_VSM_ERR_OPERATION_AFTER_END_OF_BOOT;
	if (v->kdata_loaded)
		return -HEKI_VSM_ERR_KDATA_ALREADY_LOADED;
	ret = vtl1_chain_walk(v, a0, a1, &c);
	if (ret)
		return ret;
	memset(&k, 0, sizeof(k));
	lists.certs = &k.certs;
	lists.revoked = &k.revoked;
	lists.blocklist = &k.blocklist;

	ret = classify(v, &c, &k);
	if (!ret)
		ret = gather_all(v, &c, &k);
	if (!ret)
		ret = parse_mode(&k, &mode);
	if (ret)
		goto out;

	if (!k.certs.len) {
		ret = -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_NOT_FOUND;
		goto out;
	}
	ret = cr->keyring_create(cr->ctx, &k.keyring);
	if (ret) {
		k.keyring = NULL;
		goto out;
	}
	ret = heki_revocation_load(v, &lists, &k.rev, k.keyring, &k.nr_certs);
	if (ret)
		goto out;

	ret = prot_txn_prepare(v, &k.t);
	if (ret)
		goto out;

	ret = vtl1_patch_batch_init(v, &k.pb,
				    k.patch.len / sizeof(struct heki_patch));
	if (!ret && k.patch.len)
		ret = heki_patchinfo_parse(k.patch.data, k.patch.len,
					   kernel_patch, &k.pb, NULL);
	if (!ret)
		ret = build_symtabs(v, &k);
	if (!ret)
		ret = parse_kinfo_ext(v, &k);
	if (!ret)
		ret = build_kfuncs(v, &k);
	if (!ret)
		ret = kernel_scalls(v, &c, &k, &nscalls);
	if (!ret)
		ret = vtl1_patches_stage(v, &k.pb);
	if (!ret)
		ret = load_purgatory(v, &c, &k);
	if (!ret)
		ret = prot_txn_run(v, &k.t);
	if (ret)
		goto out;

	vtl1_patches_commit(v, &k.pb);
	v->keyring = k.keyring;
	v->nr_certs = k.nr_certs;
	v->rev = k.rev;
	k.rev = NULL;
	v->symtab = k.symtab;
	v->gpl_symtab = k.gpl_symtab;
	/* The kernel data (rodata) start bounds kernel text (modverify). */
	v->kdata_va = k.nregions ? k.regions[0].va : 0;
	v->kext = k.kext;
	k.kext = NULL;
	v->kfuncs = k.kfuncs;
	k.kfuncs = NULL;
	v->kexec_purgatory = k.purgatory;
	v->kexec_purgatory_len = k.purgatory_len;
	k.purgatory = NULL;
	k.keyring = NULL;
	k.symtab = NULL;
	k.gpl_symtab = NULL;
	v->kdata_loaded = 1;
	v->mode = mode;
	vtl1_info(v, "LoadKData: %u certificates, %u patch sites, %u + %u symbols, mode %s\n",
		  v->nr_certs, v->patches.n, v->symtab->count,
		  v->gpl_symtab->count,
		  mode == HEKI_MODE_PERMISSIVE ? "permissive" : "enforce");
	if (v->kext)
		vtl1_info(v, "LoadKData: kernel %u.%u.%u, text 0x%llx-0x%llx, return thunk 0x%llx flags 0x%x, %u pv_ops\n",
			  v->kext->linux_version >> 16,
			  (v->kext->linux_version >> 8) & 0xff,
			  v->kext->linux_version & 0xff,
			  (unsigned long long)v->kext->text_start,
			  (unsigned long long)v->kext->text_end,
			  (unsigned long long)v->kext->return_thunk,
			  v->kext->flags, v->kext->pv_ops_count);
	else
		vtl1_info(v, "LoadKData: no kernel info extension (Linux 6.1 rules, exports only)\n");
	vtl1_info(v, "LoadKData: %u kernel function entries (%u from %u kallsyms symbols)\n",
		  v->kfuncs->n, v->kfuncs->nkallsyms, v->kfuncs->nsyms);
	vtl1_info(v, "LoadKData: %u kernel static call sites and trampolines (%u trampolines named)\n",
		  nscalls, v->kfuncs->ntramp);
out:
	kdata_free(v, &k);
	vtl1_chain_free(v, &c);
	return ret;
}

/* The state LoadKData installed: keyring, export tables, extension. */
static void kdata_teardown(struct heki_vtl1 *v)
{
	if (v->symtab) {
		heki_symtab_free(v->symtab, &v->p);
		vtl1_free(v, v->symtab);
		v->symtab = NULL;
	}
	if (v->gpl_symtab) {
		heki_symtab_free(v->gpl_symtab, &v->p);
		vtl1_free(v, v->gpl_symtab);
		v->gpl_symtab = NULL;
	}
	vtl1_free(v, v->kext);
	v->kext = NULL;
	if (v->kfuncs) {
		heki_kfuncs_free(v->kfuncs, &v->p);
		vtl1_free(v, v->kfuncs);
		v->kfuncs = NULL;
	}
	vtl1_free(v, v->kexec_purgatory);
	v->kexec_purgatory = NULL;
	v->kexec_purgatory_len = 0;
	if (v->keyring)
		v->p.crypto->keyring_destroy(v->p.crypto->ctx, v->keyring);
	v->keyring = NULL;
	heki_revocation_free(v, v->rev);
	v->rev = NULL;
}

static const struct vtl1_call kdata_calls[] = {
	VTL1_CALL(LOAD_KDATA, vtl1_do_LOAD_KDATA),
};

const struct vtl1_subsys vtl1_subsys_kdata = {
	.name = "kdata",
	.calls = kdata_calls,
	.nr_calls = ARRAY_SIZE(kdata_calls),
	.teardown = kdata_teardown,
};

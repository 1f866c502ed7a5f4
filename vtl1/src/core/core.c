// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * core.c - instance life cycle, dispatcher, VTL0 copy primitives, the
 * public accessors, and core's own table (the boot calls of boot.c).
 */
#include "boot.h"
#include "core.h"

void *vtl1_alloc(struct heki_vtl1 *v, __u64 size)
{
	if (!size)
		size = 1;
	return v->p.alloc(v->p.ctx, size);
}

/* Memory the caller overwrites completely: the contents are unspecified. */
void *vtl1_alloc_uninit(struct heki_vtl1 *v, __u64 size)
{
	if (!v->p.alloc_uninit)
		return vtl1_alloc(v, size);
	return v->p.alloc_uninit(v->p.ctx, size ? size : 1);
}

void *vtl1_alloc_array(struct heki_vtl1 *v, __u64 n, __u64 size)
{
	__u64 bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return vtl1_alloc(v, bytes);
}

void vtl1_free(struct heki_vtl1 *v, void *ptr)
{
	if (ptr)
		v->p.free(v->p.ctx, ptr);
}

/* Whether [pa, pa + len) touches VTL1-owned memory (len > 0, no wrap). */
int vtl1_overlaps_vtl1(const struct heki_vtl1 *v, __u64 pa, __u64 len)
{
	__u32 i;

	for (i = 0; i < v->nr_vtl1; i++) {
		const struct heki_vtl1_phys_range *r = &v->vtl1[i];

		if (pa < r->pa + r->size && r->pa < pa + len)
			return 1;
	}
	return 0;
}

static int check_vtl0_span(const struct heki_vtl1 *v, __u64 pa, __u64 len)
{
	if (!vtl1_pa_valid(pa) || len > VTL1_PA_LIMIT - pa)
		return -HEKI_VSM_ERR_INVALID_PHYSICAL_ADDRESS;
	if (vtl1_overlaps_vtl1(v, pa, len))
		return -HEKI_VSM_ERR_RANGE_IN_VTL1;
	return 0;
}

int vtl1_copy_from(struct heki_vtl1 *v, void *dst, __u64 pa, __u64 len)
{
	int ret;

	if (!len)
		return 0;
	ret = check_vtl0_span(v, pa, len);
	if (ret)
		return ret;
	if (v->p.copy_from_vtl0(v->p.ctx, dst, heki_gpa(pa), len))
		return -HEKI_VSM_ERR_VTL0_COPY_FAILED;
	return 0;
}

static int platform_complete(const struct heki_vtl1_platform *p)
{
	const struct heki_vtl1_crypto *c = p->crypto;

	return p->copy_from_vtl0 && p->copy_to_vtl0 &&
	       p->modify_vtl_protection && p->get_vtl0_register &&
	       p->set_intercept_register && p->enable_vp_vtl && p->alloc &&
	       p->free && p->lock && p->unlock && p->log && c &&
	       c->keyring_create && c->keyring_add_cert &&
	       c->keyring_destroy && c->verify_pkcs7 &&
	       p->nr_vtl1_ranges <= 64 && (p->vtl1_ranges || !p->nr_vtl1_ranges);
}

int heki_vtl1_create(const struct heki_vtl1_platform *p,
		     struct heki_vtl1 **out)
{
	struct heki_vtl1 *v;
	__u32 i;

	if (!out)
		return -HEKI_VSM_ERR_PLATFORM_INVALID;
	*out = NULL;
	if (!p || !platform_complete(p))
		return -HEKI_VSM_ERR_PLATFORM_INVALID;
	for (i = 0; i < p->nr_vtl1_ranges; i++) {
		const struct heki_vtl1_phys_range *r = &p->vtl1_ranges[i];

		if (!r->size || !vtl1_page_aligned(r->pa) ||
		    !vtl1_page_aligned(r->size) || !vtl1_pa_valid(r->pa) ||
		    r->size > VTL1_PA_LIMIT - r->pa)
			return -HEKI_VSM_ERR_PLATFORM_INVALID;
	}
	v = p->alloc(p->ctx, sizeof(*v));
	if (!v)
		return -HEKI_VSM_ERR_NO_MEMORY;
	v->p = *p;
	v->nr_vtl1 = p->nr_vtl1_ranges;
	v->vtl1 = vtl1_alloc_array(v, v->nr_vtl1 ? v->nr_vtl1 : 1,
				   sizeof(*v->vtl1));
	if (!v->vtl1) {
		p->free(p->ctx, v);
		return -HEKI_VSM_ERR_NO_MEMORY;
	}
	if (v->nr_vtl1)
		memcpy(v->vtl1, p->vtl1_ranges,
		       sizeof(*v->vtl1) * (__u64)v->nr_vtl1);
	*out = v;
	return 0;
}

/* Core's own state: the protection map, the patch table, the chain buffer. */
static void core_teardown(struct heki_vtl1 *v)
{
	vtl1_patches_free(v);
	vtl1_free(v, v->map.e);
	v->map.e = NULL;
	vtl1_free(v, v->chain_buf);
	v->chain_buf = NULL;
}

static const struct vtl1_call core_calls[] = {
	VTL1_CALL(ENABLE_APS_VTL, vtl1_do_ENABLE_APS_VTL),
	VTL1_CALL(BOOT_APS, vtl1_do_BOOT_APS),
	VTL1_CALL(LOCK_REGS, vtl1_do_LOCK_REGS),
	VTL1_CALL(SIGNAL_END_OF_BOOT, vtl1_do_SIGNAL_END_OF_BOOT),
	VTL1_CALL(COPY_SECONDARY_KEY, vtl1_do_COPY_SECONDARY_KEY),
	VTL1_CALL(OPTEE_MESSAGE, vtl1_do_OPTEE_MESSAGE),
};

const struct vtl1_subsys vtl1_subsys_core = {
	.name = "core",
	.calls = core_calls,
	.nr_calls = ARRAY_SIZE(core_calls),
	.teardown = core_teardown,
};

/* Bottom layer first (subsys.h); teardown walks it from the top down. */
#define VTL1_SUBSYS_PTR_(name) &vtl1_subsys_##name,
static const struct vtl1_subsys *const vtl1_subsystems[] = {
	VTL1_SUBSYS_LIST(VTL1_SUBSYS_PTR_)
};
#undef VTL1_SUBSYS_PTR_

void heki_vtl1_destroy(struct heki_vtl1 *v)
{
	__u32 i;

	if (!v)
		return;
	for (i = ARRAY_SIZE(vtl1_subsystems); i-- > 0;)
		if (vtl1_subsystems[i]->teardown)
			vtl1_subsystems[i]->teardown(v);
	vtl1_free(v, v->vtl1);
	v->p.free(v->p.ctx, v);
}

int vtl1_func_entry(const struct heki_vtl1 *v, __u64 va, __u32 where)
{
	__u32 i;

	for (i = 0; i < ARRAY_SIZE(vtl1_subsystems); i++)
		if (vtl1_subsystems[i]->func_entry &&
		    vtl1_subsystems[i]->func_entry(v, va, where) == 1)
			return 1;
	return 0;
}

int vtl1_kernel_static_calls(struct heki_vtl1 *v,
			     const struct vtl1_kscall_src *src,
			     struct vtl1_patch_batch *b, __u32 *n)
{
	__u32 i;

	*n = 0;
	for (i = 0; i < ARRAY_SIZE(vtl1_subsystems); i++)
		if (vtl1_subsystems[i]->kernel_static_calls)
			return vtl1_subsystems[i]->kernel_static_calls(v, src,
								       b, n);
	return 0;
}

const struct vtl1_call *vtl1_call_find(__u32 id)
{
	const struct vtl1_call *found = NULL;
	__u32 i, k;

	for (i = 0; i < ARRAY_SIZE(vtl1_subsystems); i++)
		for (k = 0; k < vtl1_subsystems[i]->nr_calls; k++)
			if (vtl1_subsystems[i]->calls[k].id == id)
				found = &vtl1_subsystems[i]->calls[k];
	return found;
}

__s64 heki_vtl1_dispatch(struct heki_vtl1 *v, __u64 rdi, __u64 rsi,
			 __u64 rdx, __u64 r8)
{
	const struct vtl1_call *h = vtl1_call_find((__u32)rdi);
	__u32 id = (__u32)rdi;
	__s64 ret;
	int e;

	if (!h) {
		v->p.lock(v->p.ctx);
		v->last_error = HEKI_VSM_OK;
		v->p.unlock(v->p.ctx);
		vtl1_err(v, "unknown function id %x\n", id);
		return -HEKI_EINVAL;
	}

	v->p.lock(v->p.ctx);
	ret = h->fn(v, rsi, rdx, r8);
	e = ret >= 0 || ret < -(__s64)HEKI_VSM_ERR_COUNT ? 0 : (int)-ret;
	v->last_error = ret >= 0 ? HEKI_VSM_OK : (__u32)e;
	v->p.unlock(v->p.ctx);
	if (ret >= 0)
		return ret;

	if (e <= 0 || e >= HEKI_VSM_ERR_COUNT) {
		vtl1_err(v, "%s: internal error %lld\n", h->name,
			 (long long)ret);
		return -HEKI_EINVAL;
	}
	vtl1_err(v, "%s: %s (%s)\n", h->name,
		 heki_vsm_error_name((enum heki_vsm_error)e),
		 heki_vsm_error_message((enum heki_vsm_error)e));
	return -(__s64)heki_vsm_error_errno((enum heki_vsm_error)e);
}

int heki_vtl1_end_of_boot(struct heki_vtl1 *v)
{
	int r;

	v->p.lock(v->p.ctx);
	r = v->end_of_boot ? 1 : 0;
	v->p.unlock(v->p.ctx);
	return r;
}

__u32 heki_vtl1_certs_loaded(struct heki_vtl1 *v)
{
	__u32 r;

	v->p.lock(v->p.ctx);
	r = v->nr_certs;
	v->p.unlock(v->p.ctx);
	return r;
}

__u32 heki_vtl1_last_error(struct heki_vtl1 *v)
{
	__u32 r;

	v->p.lock(v->p.ctx);
	r = v->last_error;
	v->p.unlock(v->p.ctx);
	return r;
}

__u32 heki_vtl1_mode(struct heki_vtl1 *v)
{
	__u32 r;

	v->p.lock(v->p.ctx);
	r = v->mode;
	v->p.unlock(v->p.ctx);
	return r;
}

__u32 heki_vtl1_nr_modules(struct heki_vtl1 *v)
{
	__u32 r;

	v->p.lock(v->p.ctx);
	r = v->nr_mods;
	v->p.unlock(v->p.ctx);
	return r;
}

__u32 heki_vtl1_nr_patch_sites(struct heki_vtl1 *v)
{
	__u32 r;

	v->p.lock(v->p.ctx);
	r = v->patches.n;
	v->p.unlock(v->p.ctx);
	return r;
}

int heki_vtl1_locked_reg(struct heki_vtl1 *v, __u32 name, __u64 *value)
{
	int found = 0;
	__u32 i;

	v->p.lock(v->p.ctx);
	for (i = 0; v->regs_locked && i < VTL1_NR_PINNED_REGS; i++) {
		if (vtl1_pinned_regs[i] == name) {
			*value = v->locked_regs[i];
			found = 1;
		}
	}
	v->p.unlock(v->p.ctx);
	return found;
}

int heki_vtl1_ringbuf(struct heki_vtl1 *v, __u64 *pa, __u64 *size)
{
	v->p.lock(v->p.ctx);
	*pa = v->ringbuf_pa;
	*size = v->ringbuf_size;
	v->p.unlock(v->p.ctx);
	return *size != 0;
}

void heki_vtl1_get_frame_info(struct heki_vtl1 *v, __u64 pfn,
			      struct heki_vtl1_frame_info *out)
{
	const struct vtl1_prot_ent *e;

	memset(out, 0, sizeof(*out));
	v->p.lock(v->p.ctx);
	e = prot_map_find(&v->map, pfn);
	if (e) {
		out->owner = e->owner;
		out->prot = e->prot;
		out->tracked = 1;
		out->id = e->id;
	}
	v->p.unlock(v->p.ctx);
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * module.c - ValidateModule, FreeModuleInit, UnloadModule, and module/'s
 * table (vtl1_subsys_module); the folder is described in module.h.
 */
#include "core/core.h"
#include "module.h"
#include "sig/sig.h"
#include "modverify.h"
#include "kdata/kdata.h"
#include "kscall.h"

static void module_free(struct heki_vtl1 *v, struct vtl1_module *m)
{
	if (!m)
		return;
	vtl1_free(v, m->exp);
	vtl1_free(v, m->exp_names);
	vtl1_free(v, m->func);
	vtl1_free(v, m->r);
	vtl1_free(v, m);
}

static void module_teardown(struct heki_vtl1 *v)
{
	__u32 i;

	for (i = 0; i < v->nr_mods; i++)
		module_free(v, v->mods[i]);
	vtl1_free(v, v->mods);
	v->mods = NULL;
	v->nr_mods = 0;
}

/* Binary search: tokens are handed out in increasing order. */
static __u32 module_index(const struct heki_vtl1 *v, __s64 token)
{
	__u32 lo = 0, hi = v->nr_mods;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (v->mods[mid]->token < token)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vtl1_module *vtl1_module_find(struct heki_vtl1 *v, __s64 token)
{
	__u32 i = module_index(v, token);

	return i < v->nr_mods && v->mods[i]->token == token ? v->mods[i] :
							      NULL;
}

static int is_init_type(__u32 type)
{
	return type == HEKI_MOD_MEM_INIT_TEXT_VALUE ||
	       type == HEKI_MOD_MEM_INIT_DATA_VALUE ||
	       type == HEKI_MOD_MEM_INIT_RODATA_VALUE;
}

static hv_page_prot_t type_prot(__u32 type)
{
	heki_mod_mem_type_t t = (__force heki_mod_mem_type_t)(__u64)type;

	return heki_mem_attr_to_hv_page_prot(heki_mod_mem_type_to_mem_attr(t));
}

static hv_page_prot_t released_prot(void)
{
	return heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ | MEM_ATTR_WRITE);
}

/**
 * struct text_map - VA -> PA of a module's text and init text
 * @r: the TEXT and INIT_TEXT ranges of the chain, sorted by VA
 * @n: entries in @r
 */
struct text_map {
	struct heki_range *r;
	__u32 n;
};

static int range_va_cmp(const void *a, const void *b)
{
	const struct heki_range *x = a, *y = b;

	if (x->va != y->va)
		return x->va < y->va ? -1 : 1;
	return 0;
}

static int text_map_init(struct heki_vtl1 *v, const struct vtl1_chain *c,
			 struct text_map *tm)
{
	__u32 i;

	memset(tm, 0, sizeof(*tm));
	for (i = 0; i < c->n; i++)
		if (c->r[i].attributes == HEKI_MOD_MEM_TEXT_VALUE ||
		    c->r[i].attributes == HEKI_MOD_MEM_INIT_TEXT_VALUE)
			tm->n++;
	tm->r = vtl1_alloc_array(v, tm->n ? tm->n : 1, sizeof(*tm->r));
	if (!tm->r)
		return -HEKI_VSM_ERR_NO_MEMORY;
	tm->n = 0;
	for (i = 0; i < c->n; i++)
		if (c->r[i].attributes == HEKI_MOD_MEM_TEXT_VALUE ||
		    c->r[i].attributes == HEKI_MOD_MEM_INIT_TEXT_VALUE)
			tm->r[tm->n++] = c->r[i];
	vtl1_sort(tm->r, tm->n, sizeof(*tm->r), range_va_cmp);
	return 0;
}

/* The frame address of text byte @va of memory type @type, 0 if none. */
static __u64 text_pa(const struct text_map *tm, __u64 va, __u32 type)
{
	__u32 lo = 0, hi = tm->n;
	const struct heki_range *r;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (tm->r[mid].va <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return 0;
	r = &tm->r[lo - 1];
	if (r->attributes != type || va - r->va >= r->epa - r->pa)
		return 0;
	return r->pa + (va - r->va);
}

/**
 * struct jump_fill - counting, then staging a module's patch sites
 * @tm: VA -> PA of its text
 * @b: the batch (NULL while counting)
 * @token: the module's token
 * @n: sites seen
 */
struct jump_fill {
	const struct text_map *tm;
	struct vtl1_patch_batch *b;
	__s64 token;
	__u64 n;
};

/*
 * Count a site of @size bytes at @va of memory @mem (text or init text),
 * or, once the batch exists, locate it through the module's own ranges
 * (the frames VTL1 protected and compared). Returns 0 while counting, 1
 * with @loc and @init filled, or a negative error.
 */
static int site_start(struct jump_fill *f, __u64 va, __u32 size, __u32 mem,
		      struct heki_patch *loc, __u32 *init)
{
	__u32 type = mem == HEKI_MODLAYOUT_TEXT ?
		     HEKI_MOD_MEM_TEXT_VALUE : HEKI_MOD_MEM_INIT_TEXT_VALUE;
	__u64 room = HEKI_PAGE_SIZE - (va & HEKI_PAGE_OFFSET_MASK);

	f->n++;
	if (!f->b)
		return 0;
	memset(loc, 0, sizeof(*loc));
	loc->size = (__u8)size;
	loc->pa[0] = text_pa(f->tm, va, type);
	if (room < size)
		loc->pa[1] = text_pa(f->tm, va + room, type);
	if (!loc->pa[0] || (room < size && !loc->pa[1]))
		return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
	*init = type == HEKI_MOD_MEM_INIT_TEXT_VALUE;
	return 1;
}

/*
 * One static call site or trampoline the verified ELF names, with the
 * fixed forms the rules give and its CALL / JMP form left to PatchText's
 * function-entry check.
 */
static int scall_cb(void *arg, const struct heki_modverify_scall *c)
{
	struct jump_fill *f = arg;
	struct vtl1_patch_site s;
	struct heki_patch loc;
	__u32 init;
	int ret = site_start(f, c->va, 5, c->mem, &loc, &init);

	if (ret <= 0)
		return ret;
	ret = vtl1_patch_static_call_site(&s, &loc, c->form[0], c->nforms,
					  c->branch, VTL1_ENTRY_ANY, c->va,
					  c->no_call, f->token, init);
	return ret ? ret : vtl1_patch_batch_add(f->b, &s);
}

/*
 * One jump label site the verified ELF names, with the encodings the
 * comparison accepted.
 */
static int jump_cb(void *arg, const struct heki_modverify_jump *j)
{
	struct jump_fill *f = arg;
	struct vtl1_patch_site s;
	struct heki_patch loc;
	__u32 init;
	int ret = site_start(f, j->va, j->size, j->mem, &loc, &init);

	if (ret <= 0)
		return ret;
	ret = vtl1_patch_jump_site(&s, &loc, j->nforms > 1 ? j->form[1] : NULL,
				   f->token, init);
	return ret ? ret : vtl1_patch_batch_add(f->b, &s);
}

/*
 * The module's patch sites, derived from its verified ELF alone: its
 * __jump_table, its .static_call_sites and its trampolines.
 */
static int derive_sites(struct heki_vtl1 *v, const struct vtl1_chain *c,
			const struct heki_modverify *mv, __s64 token,
			struct vtl1_patch_batch *pb)
{
	struct jump_fill f = { NULL, NULL, token, 0 };
	struct text_map tm;
	int ret;

	ret = heki_modverify_jump_sites(mv, jump_cb, &f);
	if (!ret)
		ret = heki_modverify_static_calls(mv, scall_cb, &f);
	if (!ret)
		ret = vtl1_patch_batch_init(v, pb, f.n);
	if (!ret)
		ret = text_map_init(v, c, &tm);
	if (ret)
		return ret;
	f.tm = &tm;
	f.b = pb;
	ret = heki_modverify_jump_sites(mv, jump_cb, &f);
	if (!ret)
		ret = heki_modverify_static_calls(mv, scall_cb, &f);
	vtl1_free(v, tm.r);
	return ret;
}

static int site_pa_cmp(const void *a, const void *b)
{
	const struct vtl1_patch_site *x = a, *y = b;

	if (x->loc.pa[0] != y->loc.pa[0])
		return x->loc.pa[0] < y->loc.pa[0] ? -1 : 1;
	return 0;
}

/* What module_select() needs: the sorted batch and the module's entries. */
struct select_ctx {
	const struct heki_vtl1 *v;
	const struct vtl1_module *m;
	const struct vtl1_patch_batch *b;
};

/*
 * A patch record VTL0 sent with ValidateModule only selects: it must name
 * a derived site exactly (first byte, second page, size) with one of that
 * site's encodings: a fixed one, or for a static call site or trampoline
 * its CALL / JMP to a function entry of this module's verified ELF or of
 * other validated text (what PatchText would accept there). It never adds
 * a site or a form (the derived sites are all registered, named or not).
 */
static int module_select(void *arg, const struct heki_patch_info *info,
			 const struct heki_patch *p)
{
	const struct select_ctx *x = arg;
	const struct vtl1_patch_batch *b = x->b;
	__u32 lo = 0, hi = b->n, f;
	const struct vtl1_patch_site *s;
	__u64 dest;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (b->site[mid].loc.pa[0] < p->pa[0])
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == b->n)
		return -HEKI_VSM_ERR_PATCH_NOT_A_SITE;
	s = &b->site[lo];
	if (s->loc.pa[0] != p->pa[0] || s->loc.pa[1] != p->pa[1] ||
	    s->loc.size != p->size)
		return -HEKI_VSM_ERR_PATCH_NOT_A_SITE;
	for (f = 0; f < s->nforms; f++)
		if (!memcmp(s->form[f], p->code, p->size))
			return 0;
	if (vtl1_patch_branch_dest(s, p->code, &dest) &&
	    (vtl1_sorted_has(x->m->func, x->m->nfunc, dest) ||
	     vtl1_func_entry(x->v, dest, s->entry)))
		return 0;
	return -HEKI_VSM_ERR_PATCH_NOT_A_SITE;
}

/* Every record of VTL0's patch info names a derived site (@pb sorted here). */
static int check_selectors(const struct heki_vtl1 *v,
			   const struct vtl1_module *m,
			   const struct vtl1_buf *pbuf,
			   struct vtl1_patch_batch *pb)
{
	struct select_ctx x = { v, m, pb };

	vtl1_sort(pb->site, pb->n, sizeof(*pb->site), site_pa_cmp);
	return heki_patchinfo_parse(pbuf->data, pbuf->len, module_select, &x,
				    NULL);
}

static int range_cmp(const void *a, const void *b)
{
	const struct vtl1_mod_range *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return 0;
}

/*
 * A module's memory ranges may not overlap one another, whatever their
 * types: otherwise releasing init memory would also release the text or
 * data that shares its frames.
 */
static int check_module_overlap(struct vtl1_module *m)
{
	__u32 i;

	vtl1_sort(m->r, m->nr, sizeof(*m->r), range_cmp);
	for (i = 1; i < m->nr; i++)
		if (m->r[i].pfn < m->r[i - 1].pfn + m->r[i - 1].npages)
			return -HEKI_VSM_ERR_RANGE_CONFLICT;
	return 0;
}

static int insert_module(struct heki_vtl1 *v, struct vtl1_module *m,
			 struct vtl1_module ***grown)
{
	struct vtl1_module **a;

	a = vtl1_alloc_array(v, (__u64)v->nr_mods + 1, sizeof(*a));
	if (!a)
		return -HEKI_VSM_ERR_NO_MEMORY;
	if (v->nr_mods)
		memcpy(a, v->mods, sizeof(*a) * (__u64)v->nr_mods);
	a[v->nr_mods] = m;
	*grown = a;
	return 0;
}

/**
 * struct modmem - a module's memory types as VTL0 described them
 * @va: VA of each type's first byte (first range of that type)
 * @size: bytes of each type (its ranges must be VA-contiguous)
 * @percpu_va: HEKI_MOD_MEM_PERCPU range's va
 * @has_percpu: a PERCPU range was sent
 */
struct modmem {
	__u64 va[HEKI_MODLAYOUT_NR_MEM];
	__u64 size[HEKI_MODLAYOUT_NR_MEM];
	__u64 percpu_va;
	int has_percpu;
};

/*
 * Merge each memory type's ranges (chain order) into one VA span; a type
 * whose ranges are not VA-contiguous cannot be a kernel allocation.
 */
static int merge_mem(const struct vtl1_chain *c, struct modmem *mm)
{
	__u32 i;

	for (i = 0; i < c->n; i++) {
		const struct heki_range *r = &c->r[i];
		__u64 t = r->attributes, len = r->epa - r->pa;

		if (t >= HEKI_MODLAYOUT_NR_MEM || !len)
			continue;
		if (!mm->size[t])
			mm->va[t] = r->va;
		else if (mm->va[t] + mm->size[t] != r->va)
			return -HEKI_VSM_ERR_MODULE_MEMORY_INCOMPLETE;
		if (__builtin_add_overflow(mm->size[t], len, &mm->size[t]) ||
		    mm->size[t] > HEKI_MODLAYOUT_MAX_SIZE)
			return -HEKI_VSM_ERR_MODLAYOUT_TOO_LARGE;
	}
	return 0;
}

/* Kernel exports: the LoadKData tables, the non-GPL one first. */
static int resolve_export(void *ctx, const char *name, __u64 *addr)
{
	struct heki_vtl1 *v = ctx;
	__u64 len = 0;
	__u32 i, j;

	while (name[len] && len < HEKI_ELF_MAX_NAME_LEN)
		len++;
	if (v->symtab && !heki_symtab_lookup(v->symtab, name, len, addr))
		return 0;
	if (v->gpl_symtab && !heki_symtab_lookup(v->gpl_symtab, name, len, addr))
		return 0;
	/* Exports of validated modules (the kernel resolves those too). */
	for (i = 0; i < v->nr_mods; i++) {
		const struct vtl1_module *m = v->mods[i];

		if (m->going)
			continue;
		for (j = 0; j < m->nexp; j++)
			if (m->exp[j].name_len == len &&
			    !memcmp(m->exp[j].name, name, len)) {
				*addr = m->exp[j].value;
				return 0;
			}
	}
	return -HEKI_VSM_ERR_MODRELOC_SYMBOL_UNRESOLVED;
}

/* Kernel text, as far as the exports tell (symtab.c). */
static void kernel_text(const struct heki_vtl1 *v, __u64 *start, __u64 *end)
{
	const struct heki_symtab *tabs[2] = { v->symtab, v->gpl_symtab };

	heki_symtab_text_bounds(tabs, ARRAY_SIZE(tabs), v->kdata_va, start,
				end);
}

/**
 * struct export_fill - counting, then copying a module's exports
 * @m: the module (NULL while counting)
 * @n: exports seen
 * @bytes: name bytes seen (with NULs)
 */
struct export_fill {
	struct vtl1_module *m;
	__u64 n;
	__u64 bytes;
};

static int export_cb(void *arg, const char *name, __u64 len, __u64 value)
{
	struct export_fill *f = arg;

	if (f->m) {
		struct heki_symbol *s = &f->m->exp[f->n];

		memcpy(f->m->exp_names + f->bytes, name, len);
		s->name = f->m->exp_names + f->bytes;
		s->name_len = (__u32)len;
		s->value = value;
		s->seq = (__u32)f->n;
	}
	f->n++;
	f->bytes += len + 1;
	return f->n > HEKI_SYMTAB_MAX_SYMBOLS ?
	       -HEKI_VSM_ERR_MODULE_REWRITE_TOO_MANY : 0;
}

/* Keep the verified module's exports for the modules that use them. */
static int keep_exports(struct heki_vtl1 *v, const struct heki_modverify *mv,
			struct vtl1_module *m)
{
	struct export_fill f = { NULL, 0, 0 };
	int ret = heki_modverify_exports(mv, export_cb, &f);

	if (ret || !f.n)
		return ret;
	m->exp = vtl1_alloc_array(v, f.n, sizeof(*m->exp));
	m->exp_names = vtl1_alloc(v, f.bytes);
	if (!m->exp || !m->exp_names)
		return -HEKI_VSM_ERR_NO_MEMORY;
	f.m = m;
	f.n = 0;
	f.bytes = 0;
	ret = heki_modverify_exports(mv, export_cb, &f);
	if (!ret)
		m->nexp = (__u32)f.n;
	return ret;
}

/*
 * A kernel function entry (exports and kallsyms, LoadKData) or one of a
 * live validated module's core text (not going) (its verified ELF), as @where
 * (VTL1_ENTRY_*) allows: the rules' branch targets (heki_rw_entry_fn,
 * either) and PatchText's (vtl1_func_entry(), the site's entry).
 */
static int module_func_entry(const struct heki_vtl1 *v, __u64 va,
			     __u32 where)
{
	__u32 i;

	if ((where & VTL1_ENTRY_KERNEL) && heki_kfuncs_has(v->kfuncs, va))
		return 1;
	for (i = 0; (where & VTL1_ENTRY_MODULE) && i < v->nr_mods; i++) {
		const struct vtl1_module *m = v->mods[i];

		if (m->going)
			continue;
		if (m->text_size && va - m->text_va < m->text_size)
			return vtl1_sorted_has(m->func, m->nfunc, va);
	}
	return 0;
}

static int func_entry(void *arg, __u64 va)
{
	return module_func_entry(arg, va, VTL1_ENTRY_ANY);
}

/* Keep the function entries of the module's core text. */
static int keep_funcs(struct heki_vtl1 *v, const struct heki_modverify *mv,
		      struct vtl1_module *m)
{
	__u64 i, n = 0;

	for (i = 0; i < mv->nfuncs; i++)
		n += m->text_size && mv->funcs[i] - m->text_va < m->text_size;
	if (!n)
		return 0;
	m->func = vtl1_alloc_array(v, n, sizeof(*m->func));
	if (!m->func)
		return -HEKI_VSM_ERR_NO_MEMORY;
	for (i = 0; i < mv->nfuncs; i++)
		if (mv->funcs[i] - m->text_va < m->text_size)
			m->func[m->nfunc++] = mv->funcs[i];
	return 0;
}

static void *mv_alloc_cb(void *ctx, __u64 size)
{
	return vtl1_alloc(ctx, size);
}

static void *mv_alloc_uninit_cb(void *ctx, __u64 size)
{
	return vtl1_alloc_uninit(ctx, size);
}

static void mv_free_cb(void *ctx, void *ptr)
{
	vtl1_free(ctx, ptr);
}

static void log_refusal(struct heki_vtl1 *v, __s64 token, int ret,
			const struct heki_modverify_fault *f)
{
	const struct heki_error_desc *d =
		heki_vsm_error_desc((enum heki_vsm_error)-ret);

	vtl1_err(v, "module %lld refused: %s: mem %u+0x%llx section %u '%s'+0x%llx rule %s '%s' table %u entry %llu expected %x actual %x reloc sec %u entry %llu type %u sym %llu\n",
		 (long long)token, d ? d->name : "?", f->mem,
		 (unsigned long long)f->mem_off, f->section,
		 f->section_name ? f->section_name : "",
		 (unsigned long long)f->sect_off,
		 f->kind < HEKI_RW_NR_KINDS ? heki_rw_kind_name(f->kind) : "-",
		 f->rule ? f->rule : "", f->table,
		 (unsigned long long)f->entry, f->expected,
		 f->actual, f->reloc.rela, (unsigned long long)f->reloc.entry,
		 f->reloc.type, (unsigned long long)f->reloc.sym);
}

/*
 * The content check (issue 5): with the module's pages already protected,
 * parse the signed ELF, check VTL0's memory types against the 6.1 layout,
 * copy every compared type once and compare it with the relocated ELF,
 * rewrite sites through heki_rw_check(); then derive the module's patch
 * sites (its __jump_table, static call sites and trampolines) into @pb.
 */
/**
 * struct verify_work - verify_content()'s state (heap, not stack)
 * @mv: the engine
 * @env: what the engine compares with
 * @f: where it refused
 * @mem: VTL1 copy of each compared memory type
 */
struct verify_work {
	struct heki_modverify mv;
	struct heki_modverify_env env;
	struct heki_modverify_fault f;
	struct vtl1_buf mem[HEKI_MODLAYOUT_NR_MEM];
};

static int verify_content(struct heki_vtl1 *v, const struct vtl1_chain *c,
			  const struct vtl1_buf *elf, const struct modmem *mm,
			  struct vtl1_module *m, struct vtl1_patch_batch *pb)
{
	const struct heki_modverify_ops ops = {
		.alloc = mv_alloc_cb, .free = mv_free_cb, .ctx = v,
		.layout_kernel = heki_modlayout_kernel_of(v->kext),
		.alloc_uninit = mv_alloc_uninit_cb,
	};
	struct verify_work *w = vtl1_alloc(v, sizeof(*w));
	struct heki_modsig ms;
	__u32 t;
	int ret;

	if (!w)
		return -HEKI_VSM_ERR_NO_MEMORY;
	ret = heki_modsig_split(elf->data, elf->len, &ms);
	if (!ret)
		ret = heki_modverify_init(&w->mv, &ops, ms.data, ms.data_len,
					  &w->f);
	if (!ret)
		ret = heki_modverify_check_mem(&w->mv, mm->va, mm->size, &w->f);
	for (t = 0; !ret && t < HEKI_MODLAYOUT_NR_MEM; t++) {
		if (!heki_modverify_compared_mem(t) || !mm->size[t])
			continue;
		ret = vtl1_gather(v, c, t, mm->size[t],
				  -HEKI_VSM_ERR_MODLAYOUT_MEM_SIZE, &w->mem[t]);
		if (!ret && w->mem[t].len != mm->size[t])
			ret = -HEKI_VSM_ERR_MODULE_MEMORY_INCOMPLETE;
		w->env.actual[t] = w->mem[t].data;
	}
	if (!ret) {
		w->env.percpu_va = mm->percpu_va;
		w->env.has_percpu = mm->has_percpu;
		w->env.resolve = resolve_export;
		w->env.resolve_ctx = v;
		kernel_text(v, &w->env.ktext_start, &w->env.ktext_end);
		w->env.func_entry = func_entry;
		w->env.func_entry_arg = v;
		w->env.kext = v->kext;
		ret = heki_modverify_compare(&w->mv, &w->env, &w->f);
	}
	if (ret) {
		log_refusal(v, m->token, ret, &w->f);
	} else {
		m->text_va = mm->va[HEKI_MODLAYOUT_TEXT];
		m->text_size = mm->size[HEKI_MODLAYOUT_TEXT];
		m->init_text_va = mm->va[HEKI_MODLAYOUT_INIT_TEXT];
		m->init_text_size = mm->size[HEKI_MODLAYOUT_INIT_TEXT];
		ret = keep_exports(v, &w->mv, m);
		if (!ret)
			ret = keep_funcs(v, &w->mv, m);
		if (!ret)
			ret = derive_sites(v, c, &w->mv, m->token, pb);
	}
	heki_modverify_free(&w->mv);
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		vtl1_buf_free(v, &w->mem[t]);
	vtl1_free(v, w);
	return ret;
}

/*
 * ValidateModule(pa, nranges, flags), in order:
 *  1. pa page aligned and below 2^52, nranges != 0 (EFAULT);
 *  2. system certificates loaded (EACCES);
 *  3. the chain (see chain.c);
 *  4. each range's type known (EINVAL); memory ranges page aligned
 *     (EINVAL); ELF image no larger than MODULE_VALIDATION_MAX_SIZE,
 *     checked before copying (ERANGE);
 *  5. the module's ranges do not overlap one another (EINVAL), and its
 *     pages are free of VTL1 memory and of anything another owner
 *     protects (EACCES / EBUSY);
 *  6. VTL0's patch info well formed (EINVAL);
 *  7. protect the module's pages, then copy the ELF and verify its
 *     signature;
 *  8. with the pages still protected, compare the module's memory with
 *     the relocated signed ELF (verify_content(), modverify.c);
 *  9. the module's patch sites derived from its verified __jump_table,
 *     .static_call_sites and __SCT__ trampolines;
 *     each record of VTL0's patch info must name one of them with one of
 *     its encodings (PATCH_NOT_A_SITE, EINVAL); the sites join the table
 *     (PATCH_TABLE_FULL, PATCH_DUPLICATE, PATCH_SITE_OVERLAP).
 * On any refusal from 7 on the protections are rolled back and no site
 * is left. Returns the module token (a counter from 0).
 */
static __s64 vtl1_do_VALIDATE_MODULE(struct heki_vtl1 *v, __u64 a0, __u64 a1,
				     __u64 a2)
{
	struct vtl1_module *m = NULL, **grown = NULL;
	struct vtl1_patch_batch pb;
	struct vtl1_buf elf = { 0 }, pbuf = { 0 };
	struct vtl1_chain c;
	struct modmem mm;
	struct prot_txn t;
	__u64 elf_len = 0;
	__u32 i, nmem = 0;
	__s64 token;
	int ret;

	memset(&pb, 0, sizeof(pb));
	memset(&t, 0, sizeof(t));
	memset(&mm, 0, sizeof(mm));
	if (!vtl1_chain_args_ok(a0, a1))
		return -HEKI_VSM_ERR_INVALID_INPUT_ADDRESS;
	if (!v->keyring)
		return -HEKI_VSM_ERR_SYSTEM_CERTIFICATES_NOT_LOADED;
	if (v->nr_mods >= HEKI_VTL1_MAX_MODULES)
		return -HEKI_VSM_ERR_MODULE_LIMIT;
	if (v->next_token < 0)
		return -HEKI_VSM_ERR_MODULE_TOKEN_EXHAUSTED;
	token = v->next_token;
	ret = vtl1_chain_walk(v, a0, a1, &c);
	if (ret)
		return ret;

	for (i = 0; i < c.n; i++) {
		const struct heki_range *r = &c.r[i];
		heki_mod_mem_type_t type = heki_range_mod_mem_type(r);

		if (!heki_mod_mem_type_valid(type)) {
			ret = -HEKI_VSM_ERR_MODULE_MEMORY_TYPE_INVALID;
			goto out;
		}
		if (r->attributes == HEKI_MOD_MEM_PERCPU_VALUE) {
			/* Information only: one, with no memory. */
			if (mm.has_percpu || r->epa != r->pa) {
				ret = -HEKI_VSM_ERR_MODULE_MEMORY_TYPE_INVALID;
				goto out;
			}
			mm.has_percpu = 1;
			mm.percpu_va = r->va;
			continue;
		}
		if (r->attributes == HEKI_MOD_MEM_ELF_BUFFER_VALUE) {
			if (__builtin_add_overflow(elf_len, r->epa - r->pa,
						   &elf_len) ||
			    elf_len > MODULE_VALIDATION_MAX_SIZE) {
				ret = -HEKI_VSM_ERR_MODULE_ELF_SIZE_EXCEEDED;
				goto out;
			}
			continue;
		}
		if (r->attributes == HEKI_MOD_MEM_PATCH_VALUE)
			continue;
		if (!vtl1_page_aligned(r->va) || !vtl1_page_aligned(r->pa) ||
		    !vtl1_page_aligned(r->epa)) {
			ret = -HEKI_VSM_ERR_ADDRESS_NOT_PAGE_ALIGNED;
			goto out;
		}
		nmem++;
	}

	m = vtl1_alloc(v, sizeof(*m));
	if (!m) {
		ret = -HEKI_VSM_ERR_NO_MEMORY;
		goto out;
	}
	m->token = token;
	m->r = vtl1_alloc_array(v, nmem ? nmem : 1, sizeof(*m->r));
	ret = m->r ? prot_txn_init(v, &t, nmem) : -HEKI_VSM_ERR_NO_MEMORY;
	if (ret)
		goto out;
	for (i = 0; i < c.n; i++) {
		const struct heki_range *r = &c.r[i];
		struct vtl1_mod_range *mr;

		if (r->attributes == HEKI_MOD_MEM_ELF_BUFFER_VALUE ||
		    r->attributes == HEKI_MOD_MEM_PATCH_VALUE ||
		    r->attributes == HEKI_MOD_MEM_PERCPU_VALUE ||
		    r->epa == r->pa)
			continue;
		mr = &m->r[m->nr++];
		mr->pfn = r->pa >> HEKI_PAGE_SHIFT;
		mr->npages = (r->epa - r->pa) >> HEKI_PAGE_SHIFT;
		mr->type = (__u32)r->attributes;
		ret = prot_txn_add(&t, mr->pfn, mr->npages, type_prot(mr->type),
				   HEKI_VTL1_OWNER_MODULE, token);
		if (ret)
			goto out;
	}
	ret = check_module_overlap(m);
	if (!ret)
		ret = prot_txn_prepare(v, &t);
	if (ret)
		goto out;

	/* VTL0's patch records: copied and checked before anything changes. */
	ret = vtl1_gather(v, &c, HEKI_MOD_MEM_PATCH_VALUE,
			  HEKI_VTL1_MAX_KDATA_SIZE,
			  -HEKI_VSM_ERR_KDATA_SIZE_EXCEEDED, &pbuf);
	if (!ret && pbuf.len)
		ret = heki_patchinfo_parse(pbuf.data, pbuf.len, NULL, NULL,
					   NULL);
	if (!ret)
		ret = insert_module(v, m, &grown);
	if (ret)
		goto out;

	/* Protect first, so the pages cannot change while they are checked. */
	ret = prot_txn_apply(v, &t);
	if (ret)
		goto out;
	ret = vtl1_gather(v, &c, HEKI_MOD_MEM_ELF_BUFFER_VALUE,
			  MODULE_VALIDATION_MAX_SIZE,
			  -HEKI_VSM_ERR_MODULE_ELF_SIZE_EXCEEDED, &elf);
	if (!ret)
		ret = heki_modsig_verify_rev(v->p.crypto, v->keyring, v->rev,
					     elf.data, elf.len);
	if (!ret)
		ret = merge_mem(&c, &mm);
	if (!ret)
		ret = verify_content(v, &c, &elf, &mm, m, &pb);
	if (!ret && pbuf.len)
		ret = check_selectors(v, m, &pbuf, &pb);
	if (!ret)
		ret = vtl1_patches_stage(v, &pb);
	if (ret) {
		prot_txn_rollback(v, &t);
		goto out;
	}

	prot_txn_commit(v, &t);
	vtl1_patches_commit(v, &pb);
	vtl1_free(v, v->mods);
	v->mods = grown;
	grown = NULL;
	v->nr_mods++;
	m = NULL;
	if (__builtin_add_overflow(token, 1, &v->next_token))
		v->next_token = -1;
	ret = 0;
out:
	vtl1_free(v, grown);
	module_free(v, m);
	vtl1_buf_free(v, &elf);
	vtl1_buf_free(v, &pbuf);
	vtl1_patch_batch_free(v, &pb);
	prot_txn_free(v, &t);
	vtl1_chain_free(v, &c);
	return ret ? ret : token;
}

/* Whether @m's init text is still protected (FreeModuleInit not done). */
static int init_text_held(const struct vtl1_module *m)
{
	__u32 i;

	for (i = 0; i < m->nr; i++)
		if (m->r[i].type == HEKI_MOD_MEM_INIT_TEXT_VALUE &&
		    !m->r[i].released)
			return 1;
	return 0;
}

/*
 * Would the release of @m's memory selected by @init_only leave a
 * tracked static call site or trampoline branching into text it gives
 * back? Every site with a CALL / JMP form counts (the kernel's, every
 * module's) except the ones the release drops with the memory they lie
 * in: all of @m's for UnloadModule, its init-text ones for
 * FreeModuleInit. A site's bytes are read from the frames its owner
 * holds, which only VTL1 wrote or validated; while a text_poke_bp
 * sequence is under way (site->held) the bytes it may still put back
 * (site->before) count too. One 5-byte read per site, no allocation:
 * O(sites), at most HEKI_VTL1_MAX_PATCH_SITES.
 *
 * Return: 0, or -HEKI_VSM_ERR_MODULE_TEXT_TARGETED (also when a site's
 * bytes cannot be read: VTL1 then cannot tell).
 */
static int module_text_targeted(struct heki_vtl1 *v,
				const struct vtl1_module *m, int init_only)
{
	__u64 lo[2], len[2], dest = 0;
	__u32 i, k, nspan = 0;

	if (!init_only && m->text_size) {
		lo[nspan] = m->text_va;
		len[nspan++] = m->text_size;
	}
	if (m->init_text_size && init_text_held(m)) {
		lo[nspan] = m->init_text_va;
		len[nspan++] = m->init_text_size;
	}
	for (i = 0; nspan && i < v->patches.n; i++) {
		const struct vtl1_patch_site *s = &v->patches.site[i];
		__u8 cur[POKE_MAX_OPCODE_SIZE];
		int hit = 0;

		if (!s->branch ||
		    (s->token == m->token && (!init_only || s->init)))
			continue;
		if (vtl1_patch_site_read(v, s, cur)) {
			vtl1_err(v, "module %lld: the bytes of the static call site at 0x%llx cannot be read\n",
				 (long long)m->token,
				 (unsigned long long)s->va);
			return -HEKI_VSM_ERR_MODULE_TEXT_TARGETED;
		}
		for (k = 0; k < nspan && !hit; k++)
			hit = (vtl1_patch_branch_target(s, cur, &dest) &&
			       dest - lo[k] < len[k]) ||
			      (s->held &&
			       vtl1_patch_branch_target(s, s->before, &dest) &&
			       dest - lo[k] < len[k]);
		if (hit) {
			vtl1_err(v, "module %lld: static call site at 0x%llx (%s %lld%s) branches to 0x%llx in the text it would release\n",
				 (long long)m->token,
				 (unsigned long long)s->va,
				 s->token < 0 ? "kernel" : "module",
				 (long long)s->token,
				 s->held ? ", int3 held" : "",
				 (unsigned long long)dest);
			return -HEKI_VSM_ERR_MODULE_TEXT_TARGETED;
		}
	}
	return 0;
}

/* Release (or narrow) a module's ranges selected by @init_only. */
static int module_release(struct heki_vtl1 *v, struct vtl1_module *m,
			  int init_only)
{
	struct prot_txn t;
	__u32 i;
	int ret;

	ret = prot_txn_init(v, &t, m->nr);
	if (ret)
		return ret;
	t.releaser_owner = HEKI_VTL1_OWNER_MODULE;
	t.releaser_id = m->token;
	t.may_loosen = 1;
	for (i = 0; i < m->nr && !ret; i++) {
		const struct vtl1_mod_range *r = &m->r[i];

		if (r->released)
			continue;
		if (!init_only || is_init_type(r->type))
			ret = prot_txn_add(&t, r->pfn, r->npages,
					   released_prot(),
					   HEKI_VTL1_OWNER_NONE, 0);
		else if (r->type == HEKI_MOD_MEM_RO_AFTER_INIT_VALUE)
			ret = prot_txn_add(&t, r->pfn, r->npages,
					   heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ),
					   HEKI_VTL1_OWNER_MODULE, m->token);
	}
	if (!ret)
		ret = prot_txn_prepare(v, &t);
	if (!ret)
		ret = prot_txn_run(v, &t);
	prot_txn_free(v, &t);
	if (ret)
		return ret;
	for (i = 0; i < m->nr; i++)
		if (!init_only || is_init_type(m->r[i].type))
			m->r[i].released = 1;
	return 0;
}

/*
 * FreeModuleInit(token): init text/data/rodata go back to VTL0 (R|W), the
 * module's ro_after_init becomes read-only, and the patch sites in init
 * text are dropped so that PatchText can never write into freed memory.
 * Refused (MODULE_TEXT_TARGETED, nothing changed) while a static call
 * site or trampoline outside the init text branches into it: PatchText
 * never writes such a target (init functions are no entries it accepts),
 * but ValidateModule accepts a site of the module's core text that calls
 * one of its own init functions, as static_call_add_module() may leave it.
 */
static __s64 vtl1_do_FREE_MODULE_INIT(struct heki_vtl1 *v, __u64 a0, __u64 a1,
				      __u64 a2)
{
	struct vtl1_module *m = vtl1_module_find(v, (__s64)a0);
	int ret;

	if (!m)
		return -HEKI_VSM_ERR_MODULE_TOKEN_INVALID;
	ret = module_text_targeted(v, m, 1);
	if (!ret)
		ret = module_release(v, m, 1);
	if (ret)
		return ret;
	vtl1_patches_remove(v, m->token, 1);
	return 0;
}

/*
 * UnloadModule(token): all the module's pages go back to VTL0 (R|W).
 * Refused (MODULE_TEXT_TARGETED, nothing changed) while a static call
 * site or trampoline of the kernel or of another module branches into
 * the module's text (core, or init not yet released): the kernel moves
 * such sites away before it frees a module; where it did not, or VTL1
 * refused the move, the module's frames stay protected. Any refusal marks
 * the module going: VTL0 has let it go, so none of its functions is a
 * target and none of its exports resolves any more (a later load of the
 * same module is validated against the kernel and live modules only); a
 * later UnloadModule of the same token may still succeed.
 */
static __s64 vtl1_do_UNLOAD_MODULE(struct heki_vtl1 *v, __u64 a0, __u64 a1,
				   __u64 a2)
{
	__s64 token = (__s64)a0;
	struct vtl1_module *m = vtl1_module_find(v, token);
	__u32 i;
	int ret;

	if (!m)
		return -HEKI_VSM_ERR_MODULE_TOKEN_INVALID;
	ret = module_text_targeted(v, m, 0);
	if (!ret)
		ret = module_release(v, m, 0);
	if (ret) {
		/*
		 * VTL0 unloads it: its text stays protected (sites still call
		 * it), but it is no live module any more, so no new site, rule
		 * or import may name its functions or exports.
		 */
		m->going = 1;
		return ret;
	}
	vtl1_patches_remove(v, token, 0);
	i = module_index(v, token);
	memmove(&v->mods[i], &v->mods[i + 1],
		sizeof(*v->mods) * (__u64)(v->nr_mods - i - 1));
	v->nr_mods--;
	module_free(v, m);
	return 0;
}

static const struct vtl1_call module_calls[] = {
	VTL1_CALL(VALIDATE_MODULE, vtl1_do_VALIDATE_MODULE),
	VTL1_CALL(FREE_MODULE_INIT, vtl1_do_FREE_MODULE_INIT),
	VTL1_CALL(UNLOAD_MODULE, vtl1_do_UNLOAD_MODULE),
};

const struct vtl1_subsys vtl1_subsys_module = {
	.name = "module",
	.calls = module_calls,
	.nr_calls = ARRAY_SIZE(module_calls),
	.teardown = module_teardown,
	.func_entry = module_func_entry,
	.kernel_static_calls = heki_kscall_sites,
};

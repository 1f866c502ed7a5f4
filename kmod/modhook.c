// SPDX-License-Identifier: GPL-2.0-only
/*
 * modhook.c - module lifecycle: ValidateModule, FreeModuleInit,
 * UnloadModule
 *
 * A module notifier sees every module the kernel loads after heki_vtl0:
 *  - MODULE_STATE_COMING: the module is laid out, relocated, patched and
 *    write-protected, and its init has not run. One chain describes its
 *    memory by type, its per-CPU base (HEKI_MOD_MEM_PERCPU, if it has
 *    per-CPU data) and the signed image captured by pristine.c; one
 *    VALIDATE_MODULE call either returns a token (kept per module) or
 *    -errno, which refuses the load (notifier_from_errno()).
 *  - MODULE_STATE_LIVE: init ran; FREE_MODULE_INIT(token) lets VTL1
 *    release the init memory and seal ro_after_init.
 *  - MODULE_STATE_GOING: unload, failed init, or a later COMING notifier
 *    refused the module; UNLOAD_MODULE(token) drops VTL1's protections.
 *
 * Concurrent loads run their COMING notifiers in parallel (the chain is
 * walked under a read lock). Each builds its own chain; heki_modhook_lock
 * serialises the VTL call with the token map, so a token is recorded
 * before any LIVE/GOING of that module can look for it.
 *
 * Every live token holds a reference on heki_vtl0 itself: VTL1 keeps
 * state for that module, and only heki_vtl0 can release it, so
 * `rmmod heki_vtl0` answers -EBUSY until every validated module is gone.
 *
 * Frames VTL1 still protects never go back to the page allocator: when
 * FreeModuleInit fails, the init frames are kept (a page reference each,
 * so the kernel's vfree of the init memory does not free them) until a
 * later UnloadModule of that token succeeds; when UnloadModule fails, the
 * module's frames are kept for good, as they are when ValidateModule is
 * answered with an undefined R8 (-EPROTO: VTL1 may hold a token we never
 * learn; the module is refused, counted in modules/unknown, and
 * heki_vtl0 fails closed). Kept pages are counted
 * (/sys/kernel/heki/modules/kept_pages) and logged.
 *
 * Fail-closed (heki_fail_close()): every COMING is refused without a VTL
 * call; LIVE and GOING of modules validated before still run.
 *
 * Module unload while static calls and jump labels cannot be updated
 * (review finding F3): a module's exit (or the kernel on its behalf)
 * moves the static call sites that call into it away before its text is
 * freed. In the fail-closed state, and while a site is stuck at its int3
 * (heki_poke_stuck(): every later update is refused), heki_vtl0 refuses
 * those updates, so the sites would keep calling the freed text, which
 * VTL1 gives back with kernel execute. delete_module(2) is therefore
 * refused (-EBUSY, before the kernel looks at the module: rmmod -f
 * included) in either state, for every module: an ftrace hook
 * (fhook.c) on __x64_sys_delete_module and, when the kernel has it
 * (CONFIG_IA32_EMULATION: int $0x80, i386 syscall 129), on
 * __ia32_sys_delete_module, heki_modhook_guard_init(), installed
 * wherever static calls are routed (main.c). x32 uses the x64 entry.
 *
 * Permissive mode (mode=permissive, heki_permissive()): a module VTL1
 * refuses, or whose signed image was not captured, is recorded exactly as
 * a refusal in enforce mode (log, refused, last_refused) and then loaded
 * unprotected: no token, VTL1 protects none of its frames, and it is
 * counted in loaded_unprotected. Fail-closed refuses in both modes.
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/err.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"
#include "heki_test.h"
#include "fhook.h"
#include "textpoke.h"

/* Most areas one heki_modhook_areas() call returns (the init types: 3). */
#ifdef for_each_mod_mem_type
#define HEKI_MODHOOK_MAX_AREAS	4
#else
#define HEKI_MODHOOK_MAX_AREAS	1
#endif

/**
 * struct heki_kept - frames kept because VTL1 still protects them, and
 * the address ranges they are mapped at
 * @node:    entry in heki_modhook_kept_forever (UnloadModule failed)
 * @rnode:   entry in heki_modhook_ranged, while @nareas
 * @name:    the module's name, for the log
 * @nareas:  number of entries in @base
 * @base:    start of each area, as the kernel frees it (module_memfree()
 *           or execmem_free())
 * @held:    bit a: the kernel's free of @base[a] was skipped (the area
 *           stays allocated; under heki_modhook_range_lock)
 * @npages:  number of entries in @pages
 * @pages:   one reference held on each, or NULL (no memory to record
 *           them: the references are held for good)
 */
struct heki_kept {
	struct list_head node;
	struct list_head rnode;
	char name[MODULE_NAME_LEN];
	unsigned int nareas;
	void *base[HEKI_MODHOOK_MAX_AREAS];
	unsigned long held;
	unsigned long npages;
	struct page **pages;
};

/**
 * struct heki_modtoken - VTL1's token for one validated module
 * @node:       entry in heki_modtokens
 * @mod:        the module (only compared, never dereferenced after GOING)
 * @name:       module name, for debugfs and messages
 * @token:      VALIDATE_MODULE result (>= 0; 0 is a valid token)
 * @nranges:    ranges sent in the VALIDATE_MODULE chain
 * @npages:     heki_pages of that chain
 * @init_freed: FREE_MODULE_INIT succeeded
 * @init_kept:  the init frames, kept because FREE_MODULE_INIT failed
 *              (released once UNLOAD_MODULE succeeds), or NULL
 */
struct heki_modtoken {
	struct list_head node;
	const struct module *mod;
	char name[MODULE_NAME_LEN];
	s64 token;
	u64 nranges;
	unsigned int npages;
	bool init_freed;
	struct heki_kept *init_kept;
};

static LIST_HEAD(heki_modtokens);
static DEFINE_MUTEX(heki_modhook_lock);
static unsigned int heki_modhook_ntokens;
static bool heki_modhook_registered;
static LIST_HEAD(heki_modhook_kept_forever);
static atomic_long_t heki_modhook_nkept = ATOMIC_LONG_INIT(0);

/*
 * Kept records with areas whose address range is kept too: the hook on
 * the kernel function that frees module memory (heki_modhook_memfree())
 * looks the freed pointer up here. A spinlock: that function is called
 * from process context only, but by many callers (BPF, kprobes, ftrace).
 */
static DEFINE_SPINLOCK(heki_modhook_range_lock);
static LIST_HEAD(heki_modhook_ranged);
/* Areas in heki_modhook_ranged; the hook runs only while it is not 0. */
static atomic_t heki_modhook_nareas = ATOMIC_INIT(0);
/* Areas whose free was skipped and that stay allocated. */
static atomic_long_t heki_modhook_kept_ranges = ATOMIC_LONG_INIT(0);
/* module_memfree() (6.1) or execmem_free() (6.4+), replaced. */
static struct heki_fhook heki_modhook_free_hook;
typedef void (*heki_memfree_fn)(void *ptr);

/* __x64_sys_delete_module, replaced by heki_modhook_delete_module() */
static struct heki_fhook heki_modhook_del_hook;
/* __ia32_sys_delete_module, replaced by heki_modhook_delete_module32() */
static struct heki_fhook heki_modhook_del32_hook;
static atomic64_t heki_modhook_unload_refused = ATOMIC64_INIT(0);

/* Counters and the last refusal, under heki_modhook_lock. */
static struct {
	u64 validated;
	u64 refused;
	u64 init_freed;
	u64 init_free_failed;
	u64 unloaded;
	u64 unload_failed;
	u64 loaded_unprotected;
	u64 unknown;
	char last_refused[MODULE_NAME_LEN];
	int last_refused_err;
} heki_modhook_stats;

static int heki_modhook_add(struct heki_chain *c, void *base,
			    unsigned int start, unsigned int end, u64 type)
{
	if (end <= start)
		return 0;
	return heki_chain_add_va(c, (unsigned long)base + start, end - start,
				 type);
}

/*
 * Which layout the kernel has is tested by feature, not by version number
 * (checkpatch rejects LINUX_VERSION_CODE): for_each_mod_mem_type() is the
 * macro that came with struct module_memory in 6.4 ("module: replace
 * module_layout with module_memory"). Debian 12's 6.1 takes the #else.
 */
#ifdef for_each_mod_mem_type
/* 6.4+: struct module_memory mem[MOD_MEM_NUM_TYPES], typed by the kernel. */
static const u64 heki_mod_mem_type_of[MOD_MEM_NUM_TYPES] = {
	[MOD_TEXT] = HEKI_MOD_MEM_TEXT_VALUE,
	[MOD_DATA] = HEKI_MOD_MEM_DATA_VALUE,
	[MOD_RODATA] = HEKI_MOD_MEM_RODATA_VALUE,
	[MOD_RO_AFTER_INIT] = HEKI_MOD_MEM_RO_AFTER_INIT_VALUE,
	[MOD_INIT_TEXT] = HEKI_MOD_MEM_INIT_TEXT_VALUE,
	[MOD_INIT_DATA] = HEKI_MOD_MEM_INIT_DATA_VALUE,
	[MOD_INIT_RODATA] = HEKI_MOD_MEM_INIT_RODATA_VALUE,
};

static int heki_modhook_add_memory(struct heki_chain *c, struct module *mod)
{
	int ret;

	/* The macro declares @type itself. */
	for_each_mod_mem_type(type) {
		const struct module_memory *mem = &mod->mem[type];

		if (!mem->size)
			continue;
		ret = heki_modhook_add(c, mem->base, 0, mem->size,
				       heki_mod_mem_type_of[type]);
		if (ret)
			return ret;
	}
	return 0;
}
#else
/*
 * Up to 6.3: two layouts, each [text][rodata][ro_after_init][data], every
 * boundary page-aligned under STRICT_MODULE_RWX. The init layout has no
 * ro_after_init part (its ro_after_init_size equals ro_size).
 */
static int heki_modhook_add_layout(struct heki_chain *c,
				   const struct module_layout *l, bool init)
{
	int ret;

	if (!l->size)
		return 0;
	if (!l->base || l->text_size > l->ro_size ||
	    l->ro_size > l->ro_after_init_size ||
	    l->ro_after_init_size > l->size)
		return -EINVAL;
	ret = heki_modhook_add(c, l->base, 0, l->text_size,
			       init ? HEKI_MOD_MEM_INIT_TEXT_VALUE :
				      HEKI_MOD_MEM_TEXT_VALUE);
	if (!ret)
		ret = heki_modhook_add(c, l->base, l->text_size, l->ro_size,
				       init ? HEKI_MOD_MEM_INIT_RODATA_VALUE :
					      HEKI_MOD_MEM_RODATA_VALUE);
	if (!ret && !init)
		ret = heki_modhook_add(c, l->base, l->ro_size,
				       l->ro_after_init_size,
				       HEKI_MOD_MEM_RO_AFTER_INIT_VALUE);
	if (!ret)
		ret = heki_modhook_add(c, l->base, l->ro_after_init_size,
				       l->size,
				       init ? HEKI_MOD_MEM_INIT_DATA_VALUE :
					      HEKI_MOD_MEM_DATA_VALUE);
	return ret;
}

static int heki_modhook_add_memory(struct heki_chain *c, struct module *mod)
{
	int ret = heki_modhook_add_layout(c, &mod->core_layout, false);

	if (!ret)
		ret = heki_modhook_add_layout(c, &mod->init_layout, true);
	return ret;
}
#endif

/*
 * The module's memory as (base, size) areas: the core part, or with @init
 * the init part. Areas may be empty (size 0).
 */
#ifdef for_each_mod_mem_type
static const enum mod_mem_type heki_modhook_core_types[] = {
	MOD_TEXT, MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT,
};
static const enum mod_mem_type heki_modhook_init_types[] = {
	MOD_INIT_TEXT, MOD_INIT_DATA, MOD_INIT_RODATA,
};

static unsigned int heki_modhook_areas(const struct module *mod, bool init,
				       void **base, unsigned long *size)
{
	const enum mod_mem_type *t = init ? heki_modhook_init_types :
					    heki_modhook_core_types;
	unsigned int i, n = init ? ARRAY_SIZE(heki_modhook_init_types) :
				   ARRAY_SIZE(heki_modhook_core_types);

	for (i = 0; i < n; i++) {
		base[i] = mod->mem[t[i]].base;
		size[i] = mod->mem[t[i]].size;
	}
	return n;
}
#else
static unsigned int heki_modhook_areas(const struct module *mod, bool init,
				       void **base, unsigned long *size)
{
	const struct module_layout *l = init ? &mod->init_layout :
					       &mod->core_layout;

	base[0] = l->base;
	size[0] = l->size;
	return 1;
}
#endif

/*
 * Take a reference on every frame of @mod's core or init memory, so that
 * the kernel freeing that memory does not give them to the allocator, and
 * keep each area's address range: the kernel's free of it is skipped
 * (heki_modhook_memfree()), so no later module, BPF program, kprobe or
 * ftrace trampoline is mapped where a static call site VTL1 protects may
 * still call, and on 7.2 execmem's ROX cache neither refills nor reuses
 * it. Returns the record, or NULL when @mod has no such memory. Caller
 * holds heki_modhook_lock.
 */
static struct heki_kept *heki_modhook_keep(const struct module *mod,
					   bool init)
{
	void *base[HEKI_MODHOOK_MAX_AREAS];
	unsigned long size[HEKI_MODHOOK_MAX_AREAS], npages = 0, i, n = 0;
	unsigned int a, nareas = heki_modhook_areas(mod, init, base, size);
	struct heki_kept *k;

	for (a = 0; a < nareas; a++)
		if (base[a])
			npages += PAGE_ALIGN(size[a]) >> PAGE_SHIFT;
	if (!npages)
		return NULL;
	/*
	 * The record of the ranges must exist: without it the kernel frees
	 * a range a protected site may call. It is small (no __GFP_NOFAIL
	 * warning); the page array may fail.
	 */
	k = kzalloc(sizeof(*k), GFP_KERNEL | __GFP_NOFAIL);
	strscpy(k->name, mod->name, sizeof(k->name));
	k->pages = kvcalloc(npages, sizeof(*k->pages), GFP_KERNEL);
	for (a = 0; a < nareas; a++) {
		if (!base[a] || !size[a])
			continue;
		k->base[k->nareas++] = base[a];
		for (i = 0; i < PAGE_ALIGN(size[a]); i += PAGE_SIZE) {
			struct page *pg = vmalloc_to_page(base[a] + i);

			if (!pg)
				continue;
			get_page(pg);
			if (k->pages)
				k->pages[n] = pg;
			n++;
		}
	}
	atomic_long_add(n, &heki_modhook_nkept);
	if (k->pages)
		k->npages = n;
	spin_lock(&heki_modhook_range_lock);
	list_add(&k->rnode, &heki_modhook_ranged);
	atomic_add(k->nareas, &heki_modhook_nareas);
	spin_unlock(&heki_modhook_range_lock);
	pr_err("module %s: %lu %s frames and their %u address ranges kept: VTL1 still protects them, they are never freed%s\n",
	       mod->name, n, init ? "init" : "module", k->nareas,
	       k->pages ? "" : " (no memory to record the frames: kept for good)");
	return k;
}

/*
 * Stop keeping @k's ranges. Returns the bits of the areas whose free the
 * kernel already tried (and we skipped): the caller frees those.
 */
static unsigned long heki_modhook_unrange(struct heki_kept *k)
{
	unsigned long held;

	spin_lock(&heki_modhook_range_lock);
	list_del(&k->rnode);
	atomic_sub(k->nareas, &heki_modhook_nareas);
	held = k->held;
	spin_unlock(&heki_modhook_range_lock);
	return held;
}

/*
 * VTL1 released these frames: drop our references and free the ranges
 * whose free was skipped, through the kernel's function (a call from
 * heki_vtl0 passes the hook); the others the kernel frees itself later.
 */
static void heki_modhook_unkeep(struct heki_kept *k)
{
	unsigned long i, held;
	unsigned int a;

	if (!k)
		return;
	held = heki_modhook_unrange(k);
	for (i = 0; i < k->npages; i++)
		put_page(k->pages[i]);
	atomic_long_sub(k->npages, &heki_modhook_nkept);
	for (a = 0; a < k->nareas; a++) {
		if (!(held & BIT(a)))
			continue;
		atomic_long_dec(&heki_modhook_kept_ranges);
		((heki_memfree_fn)heki_modhook_free_hook.addr)(k->base[a]);
	}
	kvfree(k->pages);
	kfree(k);
}

/* Caller holds heki_modhook_lock. */
static struct heki_modtoken *heki_modhook_find(const struct module *mod)
{
	struct heki_modtoken *t;

	list_for_each_entry(t, &heki_modtokens, node)
		if (t->mod == mod)
			return t;
	return NULL;
}

/*
 * Record a refusal (log, counters, audit record). @img is the signed image
 * or NULL, @word NULL when @err is VTL1's ValidateModule answer, else
 * heki_vtl0's reason for the audit record. Returns @err, or 0 when
 * @permissive_ok and heki_vtl0 is in permissive mode: the module then
 * loads unprotected. Caller holds heki_modhook_lock.
 */
static int heki_modhook_refused(struct module *mod, int err, const char *why,
				bool permissive_ok,
				const struct heki_pristine *img, const char *word)
{
	bool load = permissive_ok && heki_permissive();

	heki_audit_module(mod->name, img ? img->data : NULL,
			  img ? img->len : 0, err, word, load, 0);

	heki_modhook_stats.refused++;
	strscpy(heki_modhook_stats.last_refused, mod->name,
		sizeof(heki_modhook_stats.last_refused));
	heki_modhook_stats.last_refused_err = err;
	pr_err("module %s refused: %s (%d)%s\n", mod->name, why, err,
	       load ? "; mode=permissive: loaded unprotected" : "");
	if (!load)
		return err;
	heki_modhook_stats.loaded_unprotected++;
	return 0;
}

/*
 * ValidateModule of @mod was sent and its R8 is no documented answer: VTL1
 * may have validated it and protect its frames under a token we never
 * learn. Refused in both modes, and as for a failed UnloadModule every
 * frame of the module is kept for good and heki_vtl0 stays pinned (the
 * reference taken for the token is never put). The caller then fails
 * closed. Caller holds heki_modhook_lock.
 */
static void heki_modhook_unknown(struct module *mod,
				 const struct heki_pristine *img)
{
	struct heki_kept *k;

	heki_modhook_refused(mod, -EPROTO,
			     "ValidateModule answer undefined, VTL1's state unknown",
			     false, img, "undefined_answer");
	heki_modhook_stats.unknown++;
	k = heki_modhook_keep(mod, false);
	if (k)
		list_add(&k->node, &heki_modhook_kept_forever);
	k = heki_modhook_keep(mod, true);
	if (k)
		list_add(&k->node, &heki_modhook_kept_forever);
}

static int heki_modhook_coming(struct module *mod)
{
	const struct heki_pristine *img = heki_pristine_current();
	struct heki_modtoken *tok;
	struct heki_chain chain;
	s64 ret, chain_err;
	int err;

	if (heki_fail_closed()) {
		mutex_lock(&heki_modhook_lock);
		err = heki_modhook_refused(mod, -EPERM,
					   "heki_vtl0 is fail-closed", false,
					   IS_ERR(img) ? NULL : img,
					   "fail_closed");
		mutex_unlock(&heki_modhook_lock);
		return err;
	}
	if (IS_ERR(img)) {
		mutex_lock(&heki_modhook_lock);
		err = heki_modhook_refused(mod, PTR_ERR(img),
					   "no signed image captured", true,
					   NULL, "no_signed_image");
		mutex_unlock(&heki_modhook_lock);
		return err;
	}
	/* VTL1 will hold state that only we can release: pin ourselves. */
	if (!try_module_get(THIS_MODULE)) {
		mutex_lock(&heki_modhook_lock);
		err = heki_modhook_refused(mod, -EBUSY, "heki_vtl0 is unloading",
					   false, img, "unloading");
		mutex_unlock(&heki_modhook_lock);
		return err;
	}
	tok = kzalloc(sizeof(*tok), GFP_KERNEL);
	if (!tok) {
		module_put(THIS_MODULE);
		mutex_lock(&heki_modhook_lock);
		err = heki_modhook_refused(mod, -ENOMEM, "no memory for its token",
					   false, img, "no_memory");
		mutex_unlock(&heki_modhook_lock);
		return err;
	}
	tok->mod = mod;
	strscpy(tok->name, mod->name, sizeof(tok->name));

	heki_test_tamper_module(mod);
	/* The signed image first, then the module's memory by type. */
	heki_chain_init(&chain);
	ret = heki_chain_add_va(&chain, (unsigned long)img->data, img->len,
				HEKI_MOD_MEM_ELF_BUFFER_VALUE);
	if (!ret)
		ret = heki_modhook_add_memory(&chain, mod);
	/* The per-CPU base: VTL1 relocates per-CPU symbols with it. */
	if (!ret && mod->percpu)
		ret = heki_chain_add_info(&chain, (u64)(unsigned long)mod->percpu,
					  HEKI_MOD_MEM_PERCPU_VALUE);

	mutex_lock(&heki_modhook_lock);
	chain_err = ret;
	if (!ret)
		ret = heki_call_chain(VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE,
				      &chain, (u64)(unsigned int)img->flags);
	else
		ret = chain.err ? chain.err : ret;
	tok->nranges = chain.nranges;
	tok->npages = chain.npages;
	heki_chain_free(&chain);

	if (ret == -EPROTO && !chain_err) {
		heki_modhook_unknown(mod, img);
		mutex_unlock(&heki_modhook_lock);
		kfree(tok);
		heki_fail_close("ValidateModule of %s answered with an undefined R8: VTL1's state unknown, its frames kept",
				mod->name);
		return -EPROTO;
	}
	if (ret < 0) {
		err = heki_modhook_refused(mod, (int)ret,
					   "ValidateModule failed", true, img,
					   chain_err ? "chain_not_built" : NULL);
		mutex_unlock(&heki_modhook_lock);
		kfree(tok);
		module_put(THIS_MODULE);
		return err;
	}
	tok->token = ret;
	list_add_tail(&tok->node, &heki_modtokens);
	heki_modhook_ntokens++;
	heki_modhook_stats.validated++;
	heki_audit_module(mod->name, img->data, img->len, 0, NULL, true,
			  tok->token);
	mutex_unlock(&heki_modhook_lock);
	pr_info("module %s validated: token %lld (%llu ranges, %u chain pages, image %zu bytes)\n",
		mod->name, (long long)tok->token,
		(unsigned long long)tok->nranges, tok->npages, img->len);
	return 0;
}

static void heki_modhook_live(struct module *mod)
{
	struct heki_modtoken *tok;
	s64 ret;

	mutex_lock(&heki_modhook_lock);
	tok = heki_modhook_find(mod);
	if (!tok) {
		mutex_unlock(&heki_modhook_lock);
		return;
	}
	ret = heki_vtl_call(VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT_VALUE,
			    (u64)tok->token, 0, 0);
	if (ret < 0) {
		heki_modhook_stats.init_free_failed++;
		pr_err("module %s: FreeModuleInit(token %lld) failed (%lld)\n",
		       mod->name, (long long)tok->token, (long long)ret);
		/* The kernel frees init memory right after LIVE: keep it. */
		tok->init_kept = heki_modhook_keep(mod, true);
	} else {
		tok->init_freed = true;
		heki_modhook_stats.init_freed++;
	}
	mutex_unlock(&heki_modhook_lock);
}

/* Why no module may be unloaded now (see the top of this file), or NULL. */
static const char *heki_modhook_unload_refusal(void)
{
	if (heki_fail_closed())
		return "heki_vtl0 is fail-closed: static calls into the module could not be moved away";
	if (heki_poke_stuck())
		return "a static call or jump label site is stuck at its int3: static calls into the module could not be moved away";
	return NULL;
}

/*
 * Whether a delete_module(2) goes to heki_modhook_delete_module(): only
 * while unloads are refused. Otherwise the kernel's runs with nothing of
 * heki_vtl0 on the stack, so an allowed rmmod of heki_vtl0 itself never
 * returns into its freed text. Called from the ftrace callback.
 */
static bool heki_modhook_refusing(void)
{
	return heki_fail_closed() || heki_poke_stuck();
}

/*
 * UnloadModule(@tok), or, when @keep, no call at all: the module's frames
 * stay protected by VTL1 and kept, as when UnloadModule fails. Caller
 * holds heki_modhook_lock; frees @tok. @mod is the module (its memory not
 * yet freed), or NULL when unknown.
 */
static void heki_modhook_release(struct heki_modtoken *tok,
				 const struct module *mod, bool keep)
{
	struct heki_kept *k;
	s64 ret = 0;

	if (!keep)
		ret = heki_vtl_call(VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE,
				    (u64)tok->token, 0, 0);
	list_del(&tok->node);
	heki_modhook_ntokens--;
	if (keep || ret < 0) {
		/*
		 * VTL1 still protects this module's frames: keep them, and
		 * keep our pin so that heki_vtl0 stays as long as they are.
		 */
		if (keep) {
			atomic64_inc(&heki_modhook_unload_refused);
			pr_err("module %s: unloaded while unloads are refused (%s): no UnloadModule, token %lld and its frames kept; heki_vtl0 stays pinned\n",
			       tok->name, heki_modhook_unload_refusal(),
			       (long long)tok->token);
		} else {
			heki_modhook_stats.unload_failed++;
			pr_err("module %s: UnloadModule(token %lld) failed (%lld); heki_vtl0 stays pinned\n",
			       tok->name, (long long)tok->token,
			       (long long)ret);
		}
		if (tok->init_kept)
			list_add(&tok->init_kept->node,
				 &heki_modhook_kept_forever);
		if (mod) {
			/* Init memory still there only if LIVE never came. */
			k = heki_modhook_keep(mod, false);
			if (k)
				list_add(&k->node, &heki_modhook_kept_forever);
			if (!tok->init_kept) {
				k = heki_modhook_keep(mod, true);
				if (k)
					list_add(&k->node,
						 &heki_modhook_kept_forever);
			}
		}
	} else {
		heki_modhook_stats.unloaded++;
		/* VTL1 released every range, the kept init frames too. */
		heki_modhook_unkeep(tok->init_kept);
		pr_info("module %s: token %lld released\n", tok->name,
			(long long)tok->token);
		module_put(THIS_MODULE);
	}
	kfree(tok);
}

/* Does @mod hold a token (was it validated for heki_vtl0)? */
static bool heki_modhook_has_token(const struct module *mod)
{
	bool found;

	mutex_lock(&heki_modhook_lock);
	found = heki_modhook_find(mod);
	mutex_unlock(&heki_modhook_lock);
	return found;
}

/*
 * A module goes. An unload that passed the delete_module hook before
 * heki_vtl0 turned fail-closed (or a site stuck at its int3) reaches here
 * while unloads are refused: its exit's static_call_update() was refused,
 * so sites may still call its text. Its frames then stay protected and
 * kept (no UnloadModule), as the delete_module hook would have had it.
 */
static void heki_modhook_going(struct module *mod)
{
	struct heki_modtoken *tok;

	/*
	 * Static calls the kernel leaves at this module's functions move to
	 * return0 first, so that VTL1 can release its text (scall.c).
	 */
	if (!heki_modhook_refusing() && heki_modhook_has_token(mod))
		heki_scall_going(mod);
	mutex_lock(&heki_modhook_lock);
	tok = heki_modhook_find(mod);
	if (tok)
		heki_modhook_release(tok, mod, heki_modhook_refusing());
	mutex_unlock(&heki_modhook_lock);
}

static int heki_modhook_notify(struct notifier_block *nb, unsigned long state,
			       void *data)
{
	struct module *mod = data;

	switch (state) {
	case MODULE_STATE_COMING:
		return notifier_from_errno(heki_modhook_coming(mod));
	case MODULE_STATE_LIVE:
		heki_modhook_live(mod);
		break;
	case MODULE_STATE_GOING:
		heki_modhook_going(mod);
		break;
	default:
		break;
	}
	return NOTIFY_DONE;
}

/*
 * Priority 0, registered after boot: runs after every built-in COMING
 * handler (static calls, jump labels, kprobe events), so VTL1 sees the
 * module's text as it will run.
 */
static struct notifier_block heki_modhook_nb = {
	.notifier_call = heki_modhook_notify,
	.priority = 0,
};

/* /sys/kernel/heki/modules/: the counters of heki_modhook_show(). */
HEKI_SYSFS_ATTR(heki_modhook, validation, "%s",
		READ_ONCE(heki_modhook_registered) ? "on" : "off");
HEKI_SYSFS_ATTR(heki_modhook, validated, "%llu",
		READ_ONCE(heki_modhook_stats.validated));
HEKI_SYSFS_ATTR(heki_modhook, refused, "%llu",
		READ_ONCE(heki_modhook_stats.refused));
HEKI_SYSFS_ATTR(heki_modhook, init_freed, "%llu",
		READ_ONCE(heki_modhook_stats.init_freed));
HEKI_SYSFS_ATTR(heki_modhook, init_free_failed, "%llu",
		READ_ONCE(heki_modhook_stats.init_free_failed));
HEKI_SYSFS_ATTR(heki_modhook, unloaded, "%llu",
		READ_ONCE(heki_modhook_stats.unloaded));
HEKI_SYSFS_ATTR(heki_modhook, unload_failed, "%llu",
		READ_ONCE(heki_modhook_stats.unload_failed));
HEKI_SYSFS_ATTR(heki_modhook, loaded_unprotected, "%llu",
		READ_ONCE(heki_modhook_stats.loaded_unprotected));
HEKI_SYSFS_ATTR(heki_modhook, unknown, "%llu",
		READ_ONCE(heki_modhook_stats.unknown));
HEKI_SYSFS_ATTR(heki_modhook, tokens, "%u", READ_ONCE(heki_modhook_ntokens));
HEKI_SYSFS_ATTR(heki_modhook, unloads_refused, "%lld",
		(long long)atomic64_read(&heki_modhook_unload_refused));
HEKI_SYSFS_ATTR(heki_modhook, kept_pages, "%ld",
		atomic_long_read(&heki_modhook_nkept));
HEKI_SYSFS_ATTR(heki_modhook, kept_ranges, "%ld",
		atomic_long_read(&heki_modhook_kept_ranges));

static ssize_t heki_modhook_last_refused_show(struct kobject *kobj,
					      struct kobj_attribute *a,
					      char *buf)
{
	ssize_t n;

	mutex_lock(&heki_modhook_lock);
	n = sysfs_emit(buf, "%s %d\n",
		       heki_modhook_stats.last_refused[0] ?
		       heki_modhook_stats.last_refused : "-",
		       heki_modhook_stats.last_refused_err);
	mutex_unlock(&heki_modhook_lock);
	return n;
}
static struct kobj_attribute heki_modhook_last_refused_attr =
	__ATTR(last_refused, 0444, heki_modhook_last_refused_show, NULL);

static struct attribute *heki_modhook_attrs[] = {
	&heki_modhook_validation_attr.attr,
	&heki_modhook_validated_attr.attr,
	&heki_modhook_refused_attr.attr,
	&heki_modhook_last_refused_attr.attr,
	&heki_modhook_loaded_unprotected_attr.attr,
	&heki_modhook_init_freed_attr.attr,
	&heki_modhook_init_free_failed_attr.attr,
	&heki_modhook_unloaded_attr.attr,
	&heki_modhook_unload_failed_attr.attr,
	&heki_modhook_unknown_attr.attr,
	&heki_modhook_tokens_attr.attr,
	&heki_modhook_kept_pages_attr.attr,
	&heki_modhook_kept_ranges_attr.attr,
	&heki_modhook_unloads_refused_attr.attr,
	NULL,
};

/* /sys/kernel/heki/modules/, added by heki_sysfs_init() (main.c). */
const struct attribute_group heki_modhook_sysfs_group = {
	.name = "modules",
	.attrs = heki_modhook_attrs,
};

/* Does [@addr, @addr + @len) touch [@base, @base + @size)? */
static bool heki_modhook_touches(unsigned long addr, unsigned long len,
				 const void *base, unsigned long size)
{
	unsigned long b = (unsigned long)base;

	return size && addr < b + size && b < addr + len;
}

#ifdef for_each_mod_mem_type
static bool heki_modhook_in_text(const struct heki_modtoken *t,
				 unsigned long addr, unsigned long len)
{
	const struct module *mod = t->mod;

	return heki_modhook_touches(addr, len, mod->mem[MOD_TEXT].base,
				    mod->mem[MOD_TEXT].size) ||
	       (!t->init_freed &&
		heki_modhook_touches(addr, len, mod->mem[MOD_INIT_TEXT].base,
				     mod->mem[MOD_INIT_TEXT].size));
}
#else
static bool heki_modhook_in_text(const struct heki_modtoken *t,
				 unsigned long addr, unsigned long len)
{
	const struct module *mod = t->mod;

	return heki_modhook_touches(addr, len, mod->core_layout.base,
				    mod->core_layout.text_size) ||
	       (!t->init_freed &&
		heki_modhook_touches(addr, len, mod->init_layout.base,
				     mod->init_layout.text_size));
}
#endif

/**
 * heki_modhook_text_guarded() - does a range touch text VTL1 protects for
 * heki_vtl0?
 * @addr: first byte
 * @len: number of bytes
 *
 * The text of a module VTL1 validated (a live token): its core text, and
 * its init text until FreeModuleInit succeeded. Kernel text is not
 * asked about here.
 *
 * Context: process context; takes heki_modhook_lock.
 * Return: true if any byte of the range lies in such text.
 */
bool heki_modhook_text_guarded(unsigned long addr, unsigned long len)
{
	const struct heki_modtoken *t;
	bool in = false;

	mutex_lock(&heki_modhook_lock);
	list_for_each_entry(t, &heki_modtokens, node) {
		if (heki_modhook_in_text(t, addr, len)) {
			in = true;
			break;
		}
	}
	mutex_unlock(&heki_modhook_lock);
	return in;
}

/**
 * heki_modhook_kept_pages() - frames kept because VTL1 still protects them
 *
 * Return: the number of pages heki_vtl0 holds a reference on.
 */
long heki_modhook_kept_pages(void)
{
	return atomic_long_read(&heki_modhook_nkept);
}

/**
 * heki_modhook_fail_close() - make sure every later module load is refused
 *
 * With validate_modules=0 no notifier is registered: register it now
 * (a notifier is data, not text). Its COMING refuses while fail-closed.
 */
void heki_modhook_fail_close(void)
{
	if (READ_ONCE(heki_modhook_registered))
		return;
	if (heki_modhook_init())
		pr_crit("fail-closed: cannot register the module notifier: module loads are not refused\n");
}

/**
 * heki_modhook_init() - validate every module loaded from now on
 *
 * Context: process context, after heki_pristine_init() succeeded.
 * Return: 0 or the error of register_module_notifier().
 */
int heki_modhook_init(void)
{
	int ret = register_module_notifier(&heki_modhook_nb);

	if (ret) {
		pr_err("cannot register the module notifier (%d)\n", ret);
		return ret;
	}
	WRITE_ONCE(heki_modhook_registered, true);
	pr_info("module validation on: every module load makes one ValidateModule call\n");
	return 0;
}

/**
 * heki_modhook_exit() - stop validating modules
 *
 * Normally no token is left (each pins heki_vtl0). A module whose COMING
 * raced with this unload may still hold one: it is released here.
 */
void heki_modhook_exit(void)
{
	struct heki_modtoken *tok, *next;

	if (!heki_modhook_registered)
		return;
	unregister_module_notifier(&heki_modhook_nb);
	WRITE_ONCE(heki_modhook_registered, false);
	mutex_lock(&heki_modhook_lock);
	list_for_each_entry_safe(tok, next, &heki_modtokens, node) {
		pr_warn("module %s still holds token %lld at unload\n",
			tok->name, (long long)tok->token);
		heki_modhook_release(tok, NULL, false);
	}
	mutex_unlock(&heki_modhook_lock);
}

/* The refusal both delete_module replacements return. */
static long heki_modhook_refuse_unload(void)
{
	const char *why = heki_modhook_unload_refusal();

	atomic64_inc(&heki_modhook_unload_refused);
	pr_err_ratelimited("module unload refused (-EBUSY): %s\n",
			   why ? why : "?");
	heki_audit_event("heki_module_unload", "refused", -EBUSY, 0, why);
	return -EBUSY;
}

/*
 * Runs instead of __x64_sys_delete_module() once heki_modhook_refusing()
 * holds, which then holds for good (neither state is ever left): it never
 * calls the kernel's, so no unload runs with heki_vtl0 on its stack.
 */
static long heki_modhook_delete_module(const struct pt_regs *regs)
{
	long ret;

	heki_fhook_enter(&heki_modhook_del_hook);
	ret = heki_modhook_refuse_unload();
	heki_fhook_leave(&heki_modhook_del_hook);
	return ret;
}

/* The same for __ia32_sys_delete_module() (int $0x80, eax = 129). */
static long heki_modhook_delete_module32(const struct pt_regs *regs)
{
	long ret;

	heki_fhook_enter(&heki_modhook_del32_hook);
	ret = heki_modhook_refuse_unload();
	heki_fhook_leave(&heki_modhook_del32_hook);
	return ret;
}

/**
 * heki_modhook_guard_init() - refuse module unloads while static calls and
 * jump labels cannot be updated
 *
 * Hooks __x64_sys_delete_module() and, when kallsyms has it (a kernel
 * with CONFIG_IA32_EMULATION), __ia32_sys_delete_module(): without the
 * second, int $0x80 with eax = 129 unloads a module while unloads are
 * refused. x32 system calls go through the x64 entry.
 *
 * Context: process context, before kernel text is protected (the hooks
 * rewrite the first instruction of each syscall entry).
 * Return: 0; -ENOENT if __x64_sys_delete_module is not found; or the
 * error of an ftrace hook (fhook.c). Nothing stays registered on an error.
 */
int heki_modhook_guard_init(void)
{
	unsigned long addr = heki_ksym("__x64_sys_delete_module");
	unsigned long addr32 = heki_ksym("__ia32_sys_delete_module");
	int ret;

	if (!addr) {
		pr_err("module unload guard: __x64_sys_delete_module not found\n");
		return -ENOENT;
	}
	ret = heki_fhook_install_when(&heki_modhook_del_hook, addr,
				      heki_modhook_delete_module,
				      heki_modhook_refusing);
	if (ret) {
		pr_err("module unload guard: ftrace hook on __x64_sys_delete_module failed (%d)\n",
		       ret);
		return ret;
	}
	if (!addr32)
		return 0;
	ret = heki_fhook_install_when(&heki_modhook_del32_hook, addr32,
				      heki_modhook_delete_module32,
				      heki_modhook_refusing);
	if (ret) {
		pr_err("module unload guard: ftrace hook on __ia32_sys_delete_module failed (%d)\n",
		       ret);
		heki_fhook_remove(&heki_modhook_del_hook);
	}
	return ret;
}

/**
 * heki_modhook_guard_exit() - remove the delete_module hooks
 *
 * Context: process context; waits for the tasks inside the hooks.
 */
void heki_modhook_guard_exit(void)
{
	heki_fhook_remove(&heki_modhook_del32_hook);
	heki_fhook_remove(&heki_modhook_del_hook);
}

/*
 * Whether a free of module memory goes to heki_modhook_memfree(): only
 * while a range is kept. Called from the ftrace callback.
 */
static bool heki_modhook_ranges_kept(void)
{
	return atomic_read(&heki_modhook_nareas) != 0;
}

/* Whether @ptr starts a kept range; if so it is marked held. */
static bool heki_modhook_hold(void *ptr, char *name)
{
	struct heki_kept *k;
	unsigned int a;
	bool hold = false;

	if (!ptr)
		return false;
	spin_lock(&heki_modhook_range_lock);
	list_for_each_entry(k, &heki_modhook_ranged, rnode) {
		for (a = 0; a < k->nareas; a++) {
			if (k->base[a] != ptr || (k->held & BIT(a)))
				continue;
			k->held |= BIT(a);
			strscpy(name, k->name, MODULE_NAME_LEN);
			hold = true;
			goto out;
		}
	}
out:
	spin_unlock(&heki_modhook_range_lock);
	return hold;
}

/*
 * Runs instead of module_memfree() (6.1) or execmem_free() (6.4+) while a
 * range is kept: the free of a kept range is skipped, its area stays
 * allocated (mapped, in /proc/vmallocinfo, and on 7.2 busy in execmem's
 * ROX cache); every other free goes to the kernel's function.
 */
static void heki_modhook_memfree(void *ptr)
{
	char name[MODULE_NAME_LEN];

	heki_fhook_enter(&heki_modhook_free_hook);
	if (heki_modhook_hold(ptr, name)) {
		atomic_long_inc(&heki_modhook_kept_ranges);
		pr_err("module %s: an address range not freed: VTL1 still protects its frames and a static call site may still call into it\n",
		       name);
	} else {
		((heki_memfree_fn)heki_modhook_free_hook.addr)(ptr);
	}
	heki_fhook_leave(&heki_modhook_free_hook);
}

/**
 * heki_modhook_keep_init() - keep the address ranges of kept frames
 *
 * Hooks the kernel function that frees module memory: execmem_free()
 * where kallsyms has it (6.4+; 6.12, 7.2), else module_memfree() (6.1).
 * Installed before the module notifier, so every token's frames can have
 * their ranges kept.
 *
 * Context: process context, before kernel text is protected.
 * Return: 0; -ENOENT if neither function is found; or the error of the
 * ftrace hook (fhook.c). Nothing stays registered on an error.
 */
int heki_modhook_keep_init(void)
{
	const char *name = "execmem_free";
	unsigned long addr = heki_ksym(name);
	int ret;

	if (!addr) {
		name = "module_memfree";
		addr = heki_ksym(name);
	}
	if (!addr) {
		pr_err("kept ranges: neither execmem_free nor module_memfree found\n");
		return -ENOENT;
	}
	ret = heki_fhook_install_when(&heki_modhook_free_hook, addr,
				      heki_modhook_memfree,
				      heki_modhook_ranges_kept);
	if (ret)
		pr_err("kept ranges: ftrace hook on %s failed (%d)\n", name,
		       ret);
	return ret;
}

/**
 * heki_modhook_keep_exit() - remove the hook of heki_modhook_keep_init()
 *
 * Context: process context, after heki_modhook_exit(); reached only with
 * no frame kept (main.c's unload check), so no range is kept either.
 */
void heki_modhook_keep_exit(void)
{
	heki_fhook_remove(&heki_modhook_free_hook);
}

/**
 * heki_modhook_tokens() - number of modules VTL1 currently holds state for
 *
 * Return: the number of live tokens.
 */
unsigned int heki_modhook_tokens(void)
{
	unsigned int n;

	mutex_lock(&heki_modhook_lock);
	n = heki_modhook_ntokens;
	mutex_unlock(&heki_modhook_lock);
	return n;
}

/**
 * heki_modhook_show() - debugfs: counters and one line per live token
 * @m: seq_file to print to
 */
void heki_modhook_show(struct seq_file *m)
{
	struct heki_modtoken *t;

	mutex_lock(&heki_modhook_lock);
	seq_printf(m, "validation: %s\n",
		   heki_modhook_registered ? "on" : "off");
	seq_printf(m, "validated: %llu\n", heki_modhook_stats.validated);
	seq_printf(m, "refused: %llu\n", heki_modhook_stats.refused);
	seq_printf(m, "last_refused: %s %d\n",
		   heki_modhook_stats.last_refused[0] ?
		   heki_modhook_stats.last_refused : "-",
		   heki_modhook_stats.last_refused_err);
	seq_printf(m, "loaded_unprotected: %llu\n",
		   heki_modhook_stats.loaded_unprotected);
	seq_printf(m, "init_freed: %llu\n", heki_modhook_stats.init_freed);
	seq_printf(m, "init_free_failed: %llu\n",
		   heki_modhook_stats.init_free_failed);
	seq_printf(m, "unloaded: %llu\n", heki_modhook_stats.unloaded);
	seq_printf(m, "unload_failed: %llu\n", heki_modhook_stats.unload_failed);
	seq_printf(m, "unknown: %llu\n", heki_modhook_stats.unknown);
	seq_printf(m, "tokens: %u\n", heki_modhook_ntokens);
	seq_printf(m, "kept_pages: %ld\n", atomic_long_read(&heki_modhook_nkept));
	seq_printf(m, "kept_ranges: %ld\n",
		   atomic_long_read(&heki_modhook_kept_ranges));
	seq_printf(m, "unloads_refused: %lld\n",
		   (long long)atomic64_read(&heki_modhook_unload_refused));
	list_for_each_entry(t, &heki_modtokens, node)
		seq_printf(m, "token %lld module %s ranges %llu pages %u init %s\n",
			   (long long)t->token, t->name,
			   (unsigned long long)t->nranges, t->npages,
			   t->init_freed ? "freed" : "live");
	mutex_unlock(&heki_modhook_lock);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * kexec.c - KexecValidate for every kexec image the kernel loads
 *
 * Debian's 6.1 kexec_file_load() (kernel/kexec_file.c) reads the kernel
 * file into image->kernel_buf, lets the bzImage loader add the segments,
 * copies them (kimage_load_segment), terminates the entry list, calls
 * machine_kexec_post_load() - a static inline no-op on x86, so nothing to
 * hook - and then kimage_file_post_load_cleanup(image), which frees
 * kernel_buf, right before the image is installed. That function is
 * global and has an ftrace site; an ftrace ops with IPMODIFY sends the
 * call to heki_kexec_cleanup_hook(), which, for a complete image (entry
 * list ended by IND_DONE), calls KexecValidate before the original, with
 * the chain MARINER's heki_kexec_validate() builds:
 *
 *  - KexecImage: a struct heki_kimage filled from struct kimage, in a
 *    page of its own (see below);
 *  - KexecKernelBlob: a vmalloc copy of image->kernel_buf;
 *  - KexecPages: crash - every segment [mem, mem + memsz); normal - every
 *    indirection and source page of the entry list;
 *  - a3: image->type == KEXEC_TYPE_CRASH.
 *
 * kimage_file_post_load_cleanup() returns void, so a refusal cannot fail
 * the load there. Instead the refused image is made harmless at once
 * (its source pages, or crash segments, are zeroed: VTL1 has rolled its
 * protection back), the verdict is recorded in the record of that
 * kexec_file_load call, and the syscall itself (__x64_sys_kexec_file_load,
 * hooked the same way) unloads the installed image again
 * (KEXEC_FILE_UNLOAD) and returns VTL1's error. The syscall hook runs one
 * kexec_file_load at a time (heki_kexec_syscall_lock, taken killable
 * around the load, the verdict and the unload): the kernel's own kexec
 * lock is released between the load and the unload, and without ours a
 * concurrent load could slip in there and have its accepted image
 * unloaded, or its verdict read by another call. So each call keeps its
 * own verdict, and a refused load never reports success.
 * The legacy kexec_load() carries no kernel file and is refused (-EPERM)
 * at machine_kexec_prepare(), which both loaders call; its unload
 * (no segments) does not reach that function.
 *
 * VTL1 keeps the pages it protected read-only until the next
 * KexecValidate of the same kind, or an invalidation (a1 = 0). So:
 *  - the two copies (kimage, kernel file) stay allocated until then;
 *  - kimage_free() - reached on KEXEC_FILE_UNLOAD, before a crash image
 *    is loaded, and when an installed image is replaced - is hooked too:
 *    freeing the image VTL1 holds first invalidates that kind; if the
 *    invalidation fails, the image and the copies are leaked (counted in
 *    debugfs) rather than giving protected pages back to the allocator;
 *  - a new image of the same kind replaces the old one's protections in
 *    VTL1 in one call, after which the old copies are freed.
 *
 * An undefined KexecValidate answer (-EPROTO: VTL1 may have accepted and
 * protect the image) is a refusal that writes and frees nothing VTL1 may
 * hold: no zeroing, both copies kept, kimage_free() keeps the image
 * (heki_kexec_keep()), heki_vtl0 pinned and fail-closed. An undefined
 * answer to an invalidation does the same: the image and its copies are
 * kept, heki_vtl0 pinned and fail-closed.
 *
 * Only heki_vtl0 knows what VTL1 holds for it, so while VTL1 holds an
 * image (from its acceptance until VTL1 confirms the invalidation: a
 * KEXEC_FILE_UNLOAD, or a replacing load of that kind) heki_vtl0 holds a
 * reference on itself, one per kind (heki_kexec_set_image()): rmmod is
 * refused (EAGAIN) meanwhile. The reference is taken with try_module_get()
 * before KexecValidate is sent, so an image is never accepted while
 * heki_vtl0 is being unloaded (that load is refused, -EBUSY); it is
 * dropped only on a successful invalidation, never on an error or an
 * undefined answer. heki_kexec_held() tells main.c's unload check (which
 * also refuses rmmod -f's exit).
 *
 * Crash images live in the crashkernel= reserve, which root can give back
 * to the page allocator by writing a smaller /sys/kernel/kexec_crash_size
 * (crash_shrink_memory()). The kernel refuses that only while a crash
 * image is loaded; crash_shrink_memory() is hooked too and refuses
 * (-EBUSY) while VTL1 holds or may hold crash frames: a crash image
 * accepted and not invalidated (also after a failed invalidation), or any
 * undefined KexecValidate answer (heki_vtl0 is then fail-closed anyway).
 *
 * Why a copy and not struct kimage itself (MARINER sends the kzalloc'd
 * struct): VTL1 reads the LiteBox (Linux 6.6) layout, struct heki_kimage,
 * and 6.1's struct kimage has no vmcoreinfo_page, so nr_segments and the
 * segments sit 8 bytes earlier; VTL1 makes KexecImage frames read-only,
 * while the kernel writes the structure right after the call (the
 * cleanup clears kernel_buf and more) and a slab page holds other
 * objects too. The copy carries the values VTL1 reads: head, the entry
 * pointers, start, and the segments.
 *
 * The five hooks are kmod/fhook.c's (permanent ftrace IPMODIFY ops,
 * installed before kernel text is protected). Unload: each is removed,
 * waiting for the tasks inside it, then both kinds are invalidated and
 * the copies freed.
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kexec.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"
#include "heki_test.h"
#include "fhook.h"

/* VTL1 refuses larger blobs (HEKI_VTL1_MAX_KEXEC_SIZE). */
#define HEKI_KEXEC_MAX_BLOB	(256UL << 20)

/* Entries one indirection page holds. */
#define HEKI_KEXEC_PER_PAGE	(PAGE_SIZE / sizeof(kimage_entry_t))

typedef void (*heki_kimage_fn)(struct kimage *image);
typedef int (*heki_prepare_fn)(struct kimage *image);
typedef long (*heki_syscall_fn)(const struct pt_regs *regs);
typedef int (*heki_shrink_fn)(unsigned long new_size);

/**
 * struct heki_kexec_kind - what VTL1 holds for one kind (normal, crash)
 * @image: the accepted kimage (compared only, never dereferenced)
 * @blob: vmalloc copy of its kernel file, read-only in VTL1
 * @blob_len: bytes in @blob
 * @kcopy: its struct heki_kimage (vmalloc'd page), read-only in VTL1
 */
struct heki_kexec_kind {
	struct kimage *image;
	void *blob;
	size_t blob_len;
	void *kcopy;
};

static struct heki_kexec_kind heki_kexec_kinds[2];
static DEFINE_MUTEX(heki_kexec_lock);
/**
 * struct heki_kexec_call - one kexec_file_load inside the syscall hook
 * @task: the calling task
 * @err: 0, or VTL1's refusal of the image this call built
 */
struct heki_kexec_call {
	struct task_struct *task;
	int err;
};

/* One kexec_file_load at a time; the call in progress, or NULL. */
static DEFINE_MUTEX(heki_kexec_syscall_lock);
static struct heki_kexec_call *heki_kexec_current;

static atomic64_t heki_kexec_accepted = ATOMIC64_INIT(0);
static atomic64_t heki_kexec_refused = ATOMIC64_INIT(0);
static atomic64_t heki_kexec_released = ATOMIC64_INIT(0);
static atomic64_t heki_kexec_leaked = ATOMIC64_INIT(0);
static atomic64_t heki_kexec_orphans = ATOMIC64_INIT(0);
/* kexec_crash_size shrinks refused (crash frames VTL1 may protect). */
static atomic64_t heki_kexec_shrink_refused = ATOMIC64_INIT(0);
/* Refused images whose unload still failed after the retries. */
static atomic64_t heki_kexec_unload_failed = ATOMIC64_INIT(0);
static atomic64_t heki_kexec_last_ret = ATOMIC64_INIT(0);
static atomic_t heki_kexec_ncopies = ATOMIC_INIT(0);
/* KexecValidate answers the ABI does not define (VTL1's state unknown). */
static atomic64_t heki_kexec_unknown = ATOMIC64_INIT(0);
/* Pages kept for good because VTL1 may protect them (see heki_kexec_keep). */
static atomic_long_t heki_kexec_kept_pages = ATOMIC_LONG_INIT(0);

/*
 * The image whose KexecValidate got an undefined answer: VTL1 may protect
 * its pages, so kimage_free() never gives it back (nor any other image
 * once a second one comes: heki_vtl0 is fail-closed after the first, so
 * only a load already past machine_kexec_prepare() can). A kept image is
 * never freed, so the pointer is never reused by another image.
 */
static struct kimage *heki_kexec_unknown_image;
static bool heki_kexec_keep_all;

static void heki_kexec_free_copies(void *blob, void *kcopy)
{
	if (blob) {
		vfree(blob);
		atomic_dec(&heki_kexec_ncopies);
	}
	if (kcopy) {
		vfree(kcopy);
		atomic_dec(&heki_kexec_ncopies);
	}
}

/* The struct heki_kimage VTL1 reads, from Linux 6.1's struct kimage. */
static void heki_kexec_fill(struct heki_kimage *k, const struct kimage *image)
{
	unsigned long i;

	k->head = image->head;
	k->entry = (u64)(unsigned long)image->entry;
	k->last_entry = (u64)(unsigned long)image->last_entry;
	k->start = image->start;
	k->control_code_page = (u64)(unsigned long)image->control_code_page;
	k->swap_page = (u64)(unsigned long)image->swap_page;
	k->vmcoreinfo_data_copy =
		(u64)(unsigned long)image->vmcoreinfo_data_copy;
	k->nr_segments = image->nr_segments;
	for (i = 0; i < image->nr_segments && i < KEXEC_SEGMENT_MAX; i++) {
		k->segment[i].buf = (u64)(unsigned long)image->segment[i].buf;
		k->segment[i].bufsz = image->segment[i].bufsz;
		k->segment[i].mem = image->segment[i].mem;
		k->segment[i].memsz = image->segment[i].memsz;
	}
}

/* Every indirection and source page of a normal image's entry list. */
static int heki_kexec_add_entries(struct heki_chain *c, struct kimage *image,
				  unsigned long *npages)
{
	kimage_entry_t *ptr, entry;
	unsigned long n = 0;
	int ret = 0;

	for (ptr = &image->head; (entry = *ptr) && !(entry & IND_DONE);
	     ptr = (entry & IND_INDIRECTION) ?
		   boot_phys_to_virt(entry & PAGE_MASK) : ptr + 1) {
		if (entry & (IND_INDIRECTION | IND_SOURCE)) {
			u64 pa = entry & PAGE_MASK;

			ret = heki_chain_add_phys(c, (u64)(unsigned long)__va(pa),
						  pa, pa + PAGE_SIZE,
						  HEKI_KEXEC_PAGES_VALUE);
			if (ret)
				return ret;
			(*npages)++;
		}
		if (!(++n % HEKI_KEXEC_PER_PAGE))
			cond_resched();
	}
	return 0;
}

static int heki_kexec_add_segments(struct heki_chain *c, struct kimage *image,
				   unsigned long *npages)
{
	unsigned long i;
	int ret;

	for (i = 0; i < image->nr_segments; i++) {
		u64 pa = image->segment[i].mem;
		u64 len = image->segment[i].memsz;

		if (!len)
			continue;
		ret = heki_chain_add_phys(c, (u64)(unsigned long)__va(pa), pa,
					  pa + len, HEKI_KEXEC_PAGES_VALUE);
		if (ret)
			return ret;
		*npages += (PAGE_ALIGN(pa + len) - (pa & PAGE_MASK)) >> PAGE_SHIFT;
	}
	return 0;
}

/*
 * KexecValidate of @image was sent and its R8 is no documented answer:
 * VTL1 may protect its copies, its entry-list pages or its crash segments.
 * Nothing of it is written or freed from now on: the copies are never
 * freed (they stay counted in kexec_live_copies), heki_kexec_neuter() is
 * not run, and kimage_free() keeps the image (heki_kimage_free_hook()).
 * @npages: the pages of the copies and of the image sent to VTL1.
 * Caller holds heki_kexec_lock.
 */
static void heki_kexec_keep(struct kimage *image, unsigned long npages)
{
	/*
	 * Only heki_vtl0 knows these pages are held: it stays loaded (the
	 * caller's reference, taken for this call, is never put).
	 */
	atomic64_inc(&heki_kexec_unknown);
	atomic_long_add(npages, &heki_kexec_kept_pages);
	if (!heki_kexec_unknown_image) {
		heki_kexec_unknown_image = image;
		return;
	}
	WRITE_ONCE(heki_kexec_keep_all, true);
	pr_crit("kexec: a second image in an unknown state: no kexec image is freed from now on\n");
}

/* Whether @image must never be freed. Caller holds heki_kexec_lock. */
static bool heki_kexec_kept(const struct kimage *image)
{
	return READ_ONCE(heki_kexec_keep_all) ||
	       heki_kexec_unknown_image == image;
}

/*
 * A refusal before KexecValidate (heki_vtl0's own reason @word): logged,
 * counted in kexec/refused and audited like VTL1's. Returns @err.
 */
static __printf(4, 5) int heki_kexec_refuse_early(bool crash, int err,
						  const char *word,
						  const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("kexec: %s image refused: %pV (%d)\n",
	       crash ? "crash" : "kexec", &vaf, err);
	va_end(args);
	atomic64_inc(&heki_kexec_refused);
	heki_audit_kexec(crash, NULL, 0, err, word);
	return err;
}

/*
 * @kind now holds @image (NULL: nothing). The kind's reference on
 * heki_vtl0 follows: @ref, a reference the caller took for @image, is kept
 * when @kind had nothing, put when it replaces an image (the kind keeps
 * its one reference); emptying a kind puts its reference. Caller holds
 * heki_kexec_lock.
 */
static void heki_kexec_set_image(struct heki_kexec_kind *kind,
				 struct kimage *image, bool ref)
{
	bool had = kind->image;

	kind->image = image;
	if ((image && had && ref) || (!image && had))
		module_put(THIS_MODULE);
}

/*
 * KexecValidate of @image. On success the copies become @kind's and the
 * previous ones, released by VTL1 in the same call, are freed.
 */
static int heki_kexec_validate(struct kimage *image)
{
	bool crash = image->type == KEXEC_TYPE_CRASH;
	struct heki_kexec_kind *kind = &heki_kexec_kinds[crash];
	void *blob = NULL, *kcopy = NULL;
	struct heki_chain c;
	unsigned long npages;
	bool sent;
	s64 ret;

	if (!image->kernel_buf_len ||
	    image->kernel_buf_len > HEKI_KEXEC_MAX_BLOB)
		return heki_kexec_refuse_early(crash, -EFBIG, "image_size",
					       "kernel file size not in 1..%lu bytes",
					       HEKI_KEXEC_MAX_BLOB);

	/*
	 * Pins heki_vtl0 while VTL1 may hold the image; fails once its
	 * unload has begun, before VTL1 is asked.
	 */
	if (!try_module_get(THIS_MODULE))
		return heki_kexec_refuse_early(crash, -EBUSY, "unloading",
					       "heki_vtl0 is being unloaded");
	heki_test_kexec_pause();
	heki_chain_init(&c);
	blob = vmalloc(image->kernel_buf_len);
	kcopy = vzalloc(sizeof(struct heki_kimage));
	if (!blob || !kcopy) {
		vfree(blob);
		vfree(kcopy);
		module_put(THIS_MODULE);
		return heki_kexec_refuse_early(crash, -ENOMEM, "no_memory",
					       "no memory for its copies (%zu bytes)",
					       image->kernel_buf_len);
	}
	atomic_add(2, &heki_kexec_ncopies);
	memcpy(blob, image->kernel_buf, image->kernel_buf_len);
	heki_kexec_fill(kcopy, image);
	heki_test_tamper_kexec(image);

	heki_chain_add_va(&c, (unsigned long)kcopy, sizeof(struct heki_kimage),
			  HEKI_KEXEC_IMAGE_VALUE);
	heki_chain_add_va(&c, (unsigned long)blob, image->kernel_buf_len,
			  HEKI_KEXEC_KERNEL_BLOB_VALUE);
	/* Pages VTL1 may protect: the two copies, then the image's. */
	npages = (PAGE_ALIGN(sizeof(struct heki_kimage)) +
		  PAGE_ALIGN(image->kernel_buf_len)) >> PAGE_SHIFT;
	if (crash)
		heki_kexec_add_segments(&c, image, &npages);
	else
		heki_kexec_add_entries(&c, image, &npages);

	mutex_lock(&heki_kexec_lock);
	sent = !c.err && c.nranges;
	ret = heki_call_chain(VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE, &c,
			      crash);
	heki_chain_free(&c);
	atomic64_set(&heki_kexec_last_ret, ret);
	if (ret == -EPROTO && sent) {
		heki_kexec_keep(image, npages);
		mutex_unlock(&heki_kexec_lock);
		atomic64_inc(&heki_kexec_refused);
		heki_audit_kexec(crash, blob, image->kernel_buf_len, -EPROTO,
				 "undefined_answer");
		heki_fail_close("KexecValidate of a %s image answered with an undefined R8: VTL1's state unknown, its %lu pages kept",
				crash ? "crash" : "kexec", npages);
		return -EPROTO;
	}
	heki_audit_kexec(crash, blob, image->kernel_buf_len, (int)ret, NULL);
	if (ret) {
		mutex_unlock(&heki_kexec_lock);
		/* VTL1 rolled back: nothing of this call is protected. */
		heki_kexec_free_copies(blob, kcopy);
		module_put(THIS_MODULE);
		atomic64_inc(&heki_kexec_refused);
		pr_err("kexec: %s image refused by VTL1 (%lld)\n",
		       crash ? "crash" : "kexec", (long long)ret);
		return (int)ret;
	}
	/* VTL1 released the previous image's frames in the same call. */
	heki_kexec_free_copies(kind->blob, kind->kcopy);
	heki_kexec_set_image(kind, image, true);
	kind->blob = blob;
	kind->blob_len = image->kernel_buf_len;
	kind->kcopy = kcopy;
	mutex_unlock(&heki_kexec_lock);
	atomic64_inc(&heki_kexec_accepted);
	pr_info("kexec: %s image validated by VTL1 (kernel %zu bytes, %u segments)\n",
		crash ? "crash" : "kexec", kind->blob_len,
		(unsigned int)image->nr_segments);
	return 0;
}

/*
 * Invalidate @kind in VTL1 and free its copies. Called with the lock
 * held. Return: 0 when nothing of @kind is protected any more, else the
 * invalidation's error (-EPROTO: VTL1's state unknown; the caller fails
 * closed once the lock is dropped).
 */
static int heki_kexec_release_locked(unsigned int crash)
{
	struct heki_kexec_kind *kind = &heki_kexec_kinds[crash];
	s64 ret;

	if (!kind->image)
		return 0;
	ret = heki_vtl_call(VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE, 0, 0,
			    crash);
	if (ret) {
		atomic64_inc(&heki_kexec_leaked);
		pr_err("kexec: invalidating the %s image failed (%lld): its pages stay allocated\n",
		       crash ? "crash" : "kexec", (long long)ret);
		if (ret == -EPROTO)
			atomic64_inc(&heki_kexec_unknown);
		return (int)ret;
	}
	heki_kexec_free_copies(kind->blob, kind->kcopy);
	/* VTL1 confirmed: nothing of @kind held, its pin goes. */
	heki_kexec_set_image(kind, NULL, false);
	memset(kind, 0, sizeof(*kind));
	atomic64_inc(&heki_kexec_released);
	return 0;
}

/* Set by heki_kexec_exit(): machine_kexec_prepare() refuses every load. */
static bool heki_kexec_exiting;

/* Which kernel function each hook replaces (fhook.c). */
enum heki_kexec_hook_id {
	HEKI_KH_FREE,		/* kimage_free */
	HEKI_KH_PREPARE,	/* machine_kexec_prepare */
	HEKI_KH_SYSCALL,	/* __x64_sys_kexec_file_load */
	HEKI_KH_CLEANUP,	/* kimage_file_post_load_cleanup */
	HEKI_KH_SHRINK,		/* crash_shrink_memory */
	HEKI_KH_NR
};

/**
 * struct heki_kexec_hook - one replaced kernel function
 * @name: its kallsyms name
 * @repl: heki_vtl0's replacement
 * @fh: the hook; fh.addr is the original, called by the replacement
 */
struct heki_kexec_hook {
	const char *name;
	void *repl;
	struct heki_fhook fh;
};

static void heki_kimage_free_hook(struct kimage *image);
static int heki_kexec_prepare_hook(struct kimage *image);
static long heki_kexec_file_load_hook(const struct pt_regs *regs);
static void heki_kexec_cleanup_hook(struct kimage *image);
static int heki_crash_shrink_hook(unsigned long new_size);

/* Installed in this order (kimage_free first), removed in reverse. */
static struct heki_kexec_hook heki_kexec_hooks[HEKI_KH_NR] = {
	[HEKI_KH_FREE] = { "kimage_free", heki_kimage_free_hook },
	[HEKI_KH_PREPARE] = { "machine_kexec_prepare",
			      heki_kexec_prepare_hook },
	[HEKI_KH_SYSCALL] = { "__x64_sys_kexec_file_load",
			      heki_kexec_file_load_hook },
	[HEKI_KH_CLEANUP] = { "kimage_file_post_load_cleanup",
			      heki_kexec_cleanup_hook },
	[HEKI_KH_SHRINK] = { "crash_shrink_memory", heki_crash_shrink_hook },
};

/* The hook of @id: its original is heki_kexec_fh(id)->addr. */
static struct heki_fhook *heki_kexec_fh(enum heki_kexec_hook_id id)
{
	return &heki_kexec_hooks[id].fh;
}

/*
 * A refused image is installed by the kernel right after the cleanup:
 * make it boot nothing until the syscall hook unloads it. VTL1 rolled
 * its protections back, so these pages are writable.
 */
static void heki_kexec_neuter(struct kimage *image)
{
	kimage_entry_t *ptr, entry;
	unsigned long i;

	if (image->type == KEXEC_TYPE_CRASH) {
		for (i = 0; i < image->nr_segments; i++)
			memset(__va(image->segment[i].mem), 0,
			       image->segment[i].memsz);
		return;
	}
	for (ptr = &image->head; (entry = *ptr) && !(entry & IND_DONE);
	     ptr = (entry & IND_INDIRECTION) ?
		   boot_phys_to_virt(entry & PAGE_MASK) : ptr + 1)
		if (entry & IND_SOURCE)
			clear_page(boot_phys_to_virt(entry & PAGE_MASK));
}

/* Runs instead of kimage_file_post_load_cleanup(). */
static void heki_kexec_cleanup_hook(struct kimage *image)
{
	bool kept;
	int ret;

	heki_fhook_enter(heki_kexec_fh(HEKI_KH_CLEANUP));
	/* Complete images only: error paths free half-built ones too. */
	if (image && image->file_mode && image->kernel_buf && image->entry &&
	    *image->entry == IND_DONE) {
		ret = heki_kexec_validate(image);
		mutex_lock(&heki_kexec_lock);
		kept = heki_kexec_kept(image);
		mutex_unlock(&heki_kexec_lock);
		/* Never write pages VTL1 may protect (undefined answer). */
		if (ret && !kept)
			heki_kexec_neuter(image);
		if (ret) {
			/* Under heki_kexec_syscall_lock when it is our call. */
			if (heki_kexec_current &&
			    heki_kexec_current->task == current) {
				heki_kexec_current->err = ret;
			} else {
				/* No syscall hook to undo it: refuse all. */
				atomic64_inc(&heki_kexec_orphans);
				heki_fail_close("a refused kexec image was installed outside kexec_file_load");
			}
		}
	}
	((heki_kimage_fn)heki_kexec_fh(HEKI_KH_CLEANUP)->addr)(image);
	heki_fhook_leave(heki_kexec_fh(HEKI_KH_CLEANUP));
}

/* Runs instead of __x64_sys_kexec_file_load(). */
static long heki_kexec_file_load_hook(const struct pt_regs *regs)
{
	struct heki_kexec_call call = { .task = current };
	heki_syscall_fn orig;
	struct pt_regs unload;
	long ret, ul = 0;
	int tries;

	heki_fhook_enter(heki_kexec_fh(HEKI_KH_SYSCALL));
	if (mutex_lock_killable(&heki_kexec_syscall_lock)) {
		heki_fhook_leave(heki_kexec_fh(HEKI_KH_SYSCALL));
		return -EINTR;
	}
	heki_kexec_current = &call;
	orig = (heki_syscall_fn)heki_kexec_fh(HEKI_KH_SYSCALL)->addr;
	ret = orig(regs);
	if (call.err && !ret) {
		/* The refused (neutered) image was installed: unload it. */
		unload = *regs;
		unload.r8 = KEXEC_FILE_UNLOAD | (regs->r8 & KEXEC_FILE_ON_CRASH);
		for (tries = 0; tries < 100; tries++) {
			ul = heki_test_kexec_unload_busy() ? -EBUSY :
							      orig(&unload);
			if (ul != -EBUSY)
				break;
			msleep(20);
		}
		/*
		 * The refused image (pages zeroed) stays installed: a
		 * reboot into it runs nothing VTL1 approved. Refuse all.
		 */
		if (ul) {
			atomic64_inc(&heki_kexec_unload_failed);
			heki_fail_close("kexec: unloading a refused image failed (%ld): it stays installed with its pages %s",
					ul, call.err == -EPROTO ?
					"untouched (VTL1's state unknown)" :
					"zeroed");
		}
	}
	heki_kexec_current = NULL;
	mutex_unlock(&heki_kexec_syscall_lock);
	heki_fhook_leave(heki_kexec_fh(HEKI_KH_SYSCALL));
	return call.err ? call.err : ret;
}

/*
 * Whether VTL1 holds a crash image's frames: one it accepted that is
 * still loaded, or that the kernel dropped while its invalidation failed.
 */
static bool heki_kexec_crash_region_held(void)
{
	bool held;

	mutex_lock(&heki_kexec_lock);
	held = heki_kexec_kinds[1].image;
	mutex_unlock(&heki_kexec_lock);
	return held;
}

/* Runs instead of machine_kexec_prepare(): both loaders call it. */
static int heki_kexec_prepare_hook(struct kimage *image)
{
	bool crash = image->type == KEXEC_TYPE_CRASH;
	int ret = -EPERM;

	heki_fhook_enter(heki_kexec_fh(HEKI_KH_PREPARE));
	if (heki_fail_closed()) {
		pr_err("kexec: refused: heki_vtl0 is fail-closed\n");
		atomic64_inc(&heki_kexec_refused);
		heki_audit_kexec(false, NULL, 0, ret, "fail_closed");
	} else if (crash && heki_kexec_crash_region_held()) {
		/*
		 * The kernel freed the old crash image before preparing this
		 * one: it is held only because its invalidation failed, and
		 * loading would write frames VTL1 may keep read-only.
		 */
		ret = -EBUSY;
		pr_err("kexec: crash image refused: VTL1 may still protect the crash region (an invalidation failed)\n");
		atomic64_inc(&heki_kexec_refused);
		heki_audit_kexec(true, NULL, 0, ret, "crash_region_held");
	} else if (READ_ONCE(heki_kexec_exiting)) {
		/* heki_kexec_exit() takes the validating hooks away. */
		pr_err("kexec: refused: heki_vtl0 is unloading, the image could not be validated\n");
		atomic64_inc(&heki_kexec_refused);
		heki_audit_kexec(false, NULL, 0, ret, "unloading");
	} else if (image->file_mode) {
		ret = ((heki_prepare_fn)heki_kexec_fh(HEKI_KH_PREPARE)->addr)(image);
	} else {
		pr_err("kexec: refused: kexec_load without a kernel file cannot be validated\n");
		atomic64_inc(&heki_kexec_refused);
		heki_audit_kexec(false, NULL, 0, ret, "kexec_load_without_file");
	}
	heki_fhook_leave(heki_kexec_fh(HEKI_KH_PREPARE));
	return ret;
}

/* Runs instead of kimage_free(). */
static void heki_kimage_free_hook(struct kimage *image)
{
	bool leak = false;
	unsigned int k;
	int err = 0;

	heki_fhook_enter(heki_kexec_fh(HEKI_KH_FREE));
	if (image) {
		mutex_lock(&heki_kexec_lock);
		for (k = 0; k < ARRAY_SIZE(heki_kexec_kinds); k++)
			if (heki_kexec_kinds[k].image == image)
				err = heki_kexec_release_locked(k);
		leak = err || heki_kexec_kept(image);
		mutex_unlock(&heki_kexec_lock);
	}
	if (err == -EPROTO) {
		/* Only heki_vtl0 knows these pages are held: it stays loaded. */
		__module_get(THIS_MODULE);
		heki_fail_close("kexec: invalidation answered with an undefined R8: VTL1's state unknown, the image's pages kept");
	}
	/* Never give pages VTL1 may still protect back to the allocator. */
	if (!leak)
		((heki_kimage_fn)heki_kexec_fh(HEKI_KH_FREE)->addr)(image);
	else
		pr_err("kexec: a %s image kept, not freed: VTL1 may protect its pages\n",
		       image->type == KEXEC_TYPE_CRASH ? "crash" : "kexec");
	heki_fhook_leave(heki_kexec_fh(HEKI_KH_FREE));
}

/*
 * Runs instead of crash_shrink_memory() (root writing a smaller
 * /sys/kernel/kexec_crash_size), which gives the end of the crashkernel=
 * reserve back to the page allocator. Refused while VTL1 holds or may hold
 * crash frames (see the top of this file). One kexec_file_load or shrink
 * at a time (heki_kexec_syscall_lock, taken before the kernel's kexec lock
 * as in the syscall hook), so no crash image of kexec_file_load comes and
 * goes between the check and the shrink.
 */
static int heki_crash_shrink_hook(unsigned long new_size)
{
	bool held;
	int ret;

	heki_fhook_enter(heki_kexec_fh(HEKI_KH_SHRINK));
	if (mutex_lock_killable(&heki_kexec_syscall_lock)) {
		heki_fhook_leave(heki_kexec_fh(HEKI_KH_SHRINK));
		return -EINTR;
	}
	held = heki_kexec_crash_region_held() ||
	       atomic64_read(&heki_kexec_unknown);
	if (held) {
		atomic64_inc(&heki_kexec_shrink_refused);
		pr_err("kexec: kexec_crash_size shrink to %lu bytes refused: VTL1 may protect crash kernel memory\n",
		       new_size);
		ret = -EBUSY;
	} else {
		ret = ((heki_shrink_fn)heki_kexec_fh(HEKI_KH_SHRINK)->addr)(new_size);
	}
	mutex_unlock(&heki_kexec_syscall_lock);
	heki_fhook_leave(heki_kexec_fh(HEKI_KH_SHRINK));
	return ret;
}

/* Each removal waits for the tasks inside that hook (fhook.c). */
static void heki_kexec_unhook_all(void)
{
	int i;

	for (i = HEKI_KH_NR - 1; i >= 0; i--)
		heki_fhook_remove(&heki_kexec_hooks[i].fh);
}

/**
 * heki_kexec_init() - validate every kexec image from now on
 *
 * Context: process context, before kernel text is protected (the ftrace
 * hooks rewrite the first instruction of five kernel functions).
 * Return: 0; -ENOENT if one of kimage_free, machine_kexec_prepare,
 * __x64_sys_kexec_file_load, kimage_file_post_load_cleanup or
 * crash_shrink_memory cannot be found; or the ftrace error (e.g. -EBUSY).
 * Nothing stays hooked on failure.
 */
int heki_kexec_init(void)
{
	unsigned long addr[HEKI_KH_NR];
	unsigned int i;
	int ret;

	for (i = 0; i < HEKI_KH_NR; i++) {
		addr[i] = heki_ksym(heki_kexec_hooks[i].name);
		if (!addr[i]) {
			pr_err("kexec: %s not found in kallsyms\n",
			       heki_kexec_hooks[i].name);
			return -ENOENT;
		}
	}
	for (i = 0; i < HEKI_KH_NR; i++) {
		struct heki_kexec_hook *h = &heki_kexec_hooks[i];

		ret = heki_fhook_install(&h->fh, addr[i], h->repl);
		if (ret) {
			pr_err("kexec: ftrace hook on %s failed (%d)\n",
			       h->name, ret);
			heki_kexec_unhook_all();
			return ret;
		}
	}
	pr_info("kexec: KexecValidate at kimage_file_post_load_cleanup, refusals returned by kexec_file_load, release at kimage_free, kexec_load refused, crash reserve kept while VTL1 may protect it\n");
	return 0;
}

/**
 * heki_kexec_exit() - stop validating, release what VTL1 holds
 *
 * Context: process context; waits for kexec loads inside the hooks.
 * Reached with nothing held (heki_kexec_held() refuses the unload before),
 * except for an image accepted while rmmod -f raced that check: both kinds
 * are then invalidated in VTL1 and the copies freed; a copy whose
 * invalidation fails is leaked (and reported), never freed. The hooks
 * that accept images (kexec_file_load and its cleanup) go first, and
 * machine_kexec_prepare() refuses every load from then on, so none is
 * accepted or loaded unvalidated after the release; those that keep held
 * frames (kimage_free, machine_kexec_prepare, crash_shrink_memory) go
 * only once the release succeeded. On -EBUSY they stay: heki_vtl0 stays
 * loaded and fail-closed with them (no caller calls again).
 * Return: 0, or -EBUSY when VTL1 still holds or may hold an image: the
 * caller must not let heki_vtl0 go.
 */
int heki_kexec_exit(void)
{
	unsigned int k;
	int ret = 0;

	if (!heki_fhook_on(heki_kexec_fh(HEKI_KH_FREE)))
		return 0;
	/*
	 * Loads inside the syscall hook finish validated (the cleanup hook
	 * is still on); any load after it is refused at prepare.
	 */
	WRITE_ONCE(heki_kexec_exiting, true);
	heki_fhook_remove(heki_kexec_fh(HEKI_KH_SYSCALL));
	heki_fhook_remove(heki_kexec_fh(HEKI_KH_CLEANUP));

	mutex_lock(&heki_kexec_lock);
	for (k = 0; k < ARRAY_SIZE(heki_kexec_kinds); k++)
		if (heki_kexec_release_locked(k))
			ret = -EBUSY;
	if (atomic64_read(&heki_kexec_unknown))
		ret = -EBUSY;
	mutex_unlock(&heki_kexec_lock);
	if (!ret)
		heki_kexec_unhook_all();
	return ret;
}

/**
 * heki_kexec_held() - whether VTL1 holds or may hold a kexec image for
 * heki_vtl0
 *
 * Return: true from an image's acceptance until VTL1 confirmed its
 * invalidation (a failed invalidation keeps it true), and after any
 * undefined KexecValidate answer.
 */
bool heki_kexec_held(void)
{
	bool held;

	mutex_lock(&heki_kexec_lock);
	held = heki_kexec_kinds[0].image || heki_kexec_kinds[1].image ||
	       atomic64_read(&heki_kexec_unknown);
	mutex_unlock(&heki_kexec_lock);
	return held;
}

/**
 * heki_kexec_fail_close() - make sure every later kexec load is refused
 *
 * With the hooks, machine_kexec_prepare() refuses while fail-closed.
 * Without them (validate_kexec=0) the kernel's own one-way switch
 * kexec_load_disabled (found through kallsyms; a data write) refuses
 * both kexec_load and kexec_file_load.
 */
void heki_kexec_fail_close(void)
{
	int *disabled;

	if (heki_fhook_on(heki_kexec_fh(HEKI_KH_PREPARE)))
		return;
	disabled = (int *)heki_ksym("kexec_load_disabled");
	if (disabled)
		WRITE_ONCE(*disabled, 1);
	else
		pr_crit("fail-closed: kexec_load_disabled not found: kexec loads are not refused\n");
}

HEKI_SYSFS_ATTR(heki_kexec, hook, "%s",
		heki_fhook_on(heki_kexec_fh(HEKI_KH_CLEANUP)) ? "on" : "off");
HEKI_SYSFS_ATTR(heki_kexec, accepted, "%lld",
		(long long)atomic64_read(&heki_kexec_accepted));
HEKI_SYSFS_ATTR(heki_kexec, refused, "%lld",
		(long long)atomic64_read(&heki_kexec_refused));
HEKI_SYSFS_ATTR(heki_kexec, released, "%lld",
		(long long)atomic64_read(&heki_kexec_released));
HEKI_SYSFS_ATTR(heki_kexec, leaked, "%lld",
		(long long)atomic64_read(&heki_kexec_leaked));
HEKI_SYSFS_ATTR(heki_kexec, orphan_refusals, "%lld",
		(long long)atomic64_read(&heki_kexec_orphans));
HEKI_SYSFS_ATTR(heki_kexec, shrink_refused, "%lld",
		(long long)atomic64_read(&heki_kexec_shrink_refused));
HEKI_SYSFS_ATTR(heki_kexec, unload_failed, "%lld",
		(long long)atomic64_read(&heki_kexec_unload_failed));
HEKI_SYSFS_ATTR(heki_kexec, unknown, "%lld",
		(long long)atomic64_read(&heki_kexec_unknown));
HEKI_SYSFS_ATTR(heki_kexec, kept_pages, "%ld",
		atomic_long_read(&heki_kexec_kept_pages));
HEKI_SYSFS_ATTR(heki_kexec, last_ret, "%lld",
		(long long)atomic64_read(&heki_kexec_last_ret));
HEKI_SYSFS_ATTR(heki_kexec, normal_held, "%d",
		READ_ONCE(heki_kexec_kinds[0].image) != NULL);
HEKI_SYSFS_ATTR(heki_kexec, crash_held, "%d",
		READ_ONCE(heki_kexec_kinds[1].image) != NULL);

static struct attribute *heki_kexec_attrs[] = {
	&heki_kexec_hook_attr.attr,
	&heki_kexec_accepted_attr.attr,
	&heki_kexec_refused_attr.attr,
	&heki_kexec_released_attr.attr,
	&heki_kexec_leaked_attr.attr,
	&heki_kexec_orphan_refusals_attr.attr,
	&heki_kexec_unload_failed_attr.attr,
	&heki_kexec_shrink_refused_attr.attr,
	&heki_kexec_unknown_attr.attr,
	&heki_kexec_kept_pages_attr.attr,
	&heki_kexec_last_ret_attr.attr,
	&heki_kexec_normal_held_attr.attr,
	&heki_kexec_crash_held_attr.attr,
	NULL,
};

/* /sys/kernel/heki/kexec/, added by heki_sysfs_init() (main.c). */
const struct attribute_group heki_kexec_sysfs_group = {
	.name = "kexec",
	.attrs = heki_kexec_attrs,
};

/**
 * heki_kexec_live_copies() - kimage and kernel-file copies held
 *
 * Return: the number of vmalloc copies (two per image VTL1 holds).
 */
long heki_kexec_live_copies(void)
{
	return atomic_read(&heki_kexec_ncopies);
}

/**
 * heki_kexec_show() - debugfs summary of the kexec hooks
 * @m: seq_file to print to
 */
void heki_kexec_show(struct seq_file *m)
{
	unsigned int k;

	seq_printf(m, "kexec_hook: %s\n",
		   heki_fhook_on(heki_kexec_fh(HEKI_KH_CLEANUP)) ?
		   "kimage_file_post_load_cleanup" : "off");
	seq_printf(m, "kexec_accepted: %lld\n",
		   (long long)atomic64_read(&heki_kexec_accepted));
	seq_printf(m, "kexec_refused: %lld\n",
		   (long long)atomic64_read(&heki_kexec_refused));
	seq_printf(m, "kexec_released: %lld\n",
		   (long long)atomic64_read(&heki_kexec_released));
	seq_printf(m, "kexec_leaked: %lld\n",
		   (long long)atomic64_read(&heki_kexec_leaked));
	seq_printf(m, "kexec_orphan_refusals: %lld\n",
		   (long long)atomic64_read(&heki_kexec_orphans));
	seq_printf(m, "kexec_unload_failed: %lld\n",
		   (long long)atomic64_read(&heki_kexec_unload_failed));
	seq_printf(m, "kexec_unknown: %lld\n",
		   (long long)atomic64_read(&heki_kexec_unknown));
	seq_printf(m, "kexec_kept_pages: %ld\n",
		   atomic_long_read(&heki_kexec_kept_pages));
	seq_printf(m, "kexec_last_ret: %lld\n",
		   (long long)atomic64_read(&heki_kexec_last_ret));
	mutex_lock(&heki_kexec_lock);
	for (k = 0; k < ARRAY_SIZE(heki_kexec_kinds); k++)
		seq_printf(m, "kexec_%s_held: %s (kernel %zu bytes)\n",
			   k ? "crash" : "normal",
			   heki_kexec_kinds[k].image ? "yes" : "no",
			   heki_kexec_kinds[k].blob_len);
	mutex_unlock(&heki_kexec_lock);
	seq_printf(m, "kexec_live_copies: %d\n",
		   atomic_read(&heki_kexec_ncopies));
}

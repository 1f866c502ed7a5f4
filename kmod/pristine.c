// SPDX-License-Identifier: GPL-2.0-only
/*
 * pristine.c - capture every module's signed image before the loader
 * touches it
 *
 * VTL1 verifies a module's PKCS#7 signature over the bytes it receives,
 * so it needs the file exactly as signed, trailer included. At
 * MODULE_STATE_COMING the loader's temporary copy still exists but its
 * section headers and .gnu.linkonce.this_module have been rewritten and
 * the signature has been cut off info->len (see
 * Documentation/kmod.rst, "Capturing the signed image").
 *
 * So the image is copied at the entry of load_module(), the one function
 * that every module load (init_module and finit_module) goes through and
 * that receives the kernel's private copy of the file in
 * struct load_info {name, mod, hdr, len, ...} before anything, the
 * signature check included, has run. load_module() is static but is its
 * own function with an ftrace site in Debian's 6.1 build, so an ftrace
 * ops with IPMODIFY sends the call to heki_load_module_hook(), which runs
 * as the function body in the loading task (sleepable), copies
 * hdr[0, len) into a vmalloc buffer, calls the real load_module() and
 * frees the copy when it returns. The COMING notifier runs inside that
 * call, in the same task, and finds the copy by task.
 *
 * Why this is safe:
 *  - the buffer is the kernel's own copy (vmalloc'd by kernel_read_file or
 *    copy_module_from_user): user space cannot change it under us, and it
 *    is exactly what the loader parses, so VTL1 judges the loaded bytes;
 *  - the hook calls the original through its address; ftrace sees a
 *    parent inside this module and does not redirect again;
 *  - the kernel is built with -pg, which disables GCC's interprocedural
 *    register allocation, so load_module() has the standard C calling
 *    convention and a C wrapper is a faithful substitute;
 *  - FTRACE_OPS_FL_PERMANENT: while the hook is registered, the kernel
 *    refuses kernel.ftrace_enabled=0 (-EBUSY), which would otherwise stop
 *    every ftrace callback, ours included, without telling us; and a
 *    registration while ftrace is disabled fails (-EBUSY) instead of
 *    installing a hook that never runs;
 *  - unload: exit unregisters the ops (ftrace waits for tasks RCU, so no
 *    task is left between the redirect and the hook), waits until no
 *    task is inside the hook, then waits for tasks RCU again so that the
 *    last one has also left the hook's epilogue;
 *  - anything unexpected (no ELF magic, not vmalloc, too large, no
 *    memory) records an error instead of a copy, and the COMING notifier
 *    refuses that module: the capture fails closed.
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/atomic.h>
#include <linux/elf.h>
#include <linux/ftrace.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "heki_policy.h"
#include "fhook.h"

/*
 * struct load_info (kernel/module/internal.h, not in linux-headers):
 * const char *name; struct module *mod; Elf_Ehdr *hdr; unsigned long len.
 * Unchanged from 4.x to 6.x on 64-bit.
 */
#define HEKI_LOAD_INFO_HDR_OFFSET	16
#define HEKI_LOAD_INFO_LEN_OFFSET	24

/* VTL1 refuses larger images (MODULE_VALIDATION_MAX_SIZE). */
#define HEKI_PRISTINE_MAX_LEN		(64UL << 20)

typedef int (*heki_load_module_fn)(void *info, const char __user *uargs,
				   int flags);

/**
 * struct heki_pristine_rec - one capture, alive while load_module() runs
 * @node:  entry in heki_pristine_list
 * @task:  the loading task (the key; one load per task at a time)
 * @err:   0, or why no copy was made (-EFBIG, -ENOMEM, -ENOEXEC)
 * @img:   the copy (@img.data is NULL when @err is set)
 */
struct heki_pristine_rec {
	struct list_head node;
	struct task_struct *task;
	int err;
	struct heki_pristine img;
};

static LIST_HEAD(heki_pristine_list);
static DEFINE_MUTEX(heki_pristine_lock);
static struct heki_fhook heki_pristine_hook;
static heki_load_module_fn heki_orig_load_module;

static atomic64_t heki_pristine_captured = ATOMIC64_INIT(0);
static atomic64_t heki_pristine_failed = ATOMIC64_INIT(0);
static atomic64_t heki_pristine_bytes_live = ATOMIC64_INIT(0);
static atomic_t heki_pristine_live = ATOMIC_INIT(0);

static struct heki_pristine_rec *heki_pristine_capture(void *info, int flags)
{
	const void *hdr = *(const void **)(info + HEKI_LOAD_INFO_HDR_OFFSET);
	unsigned long len = *(unsigned long *)(info + HEKI_LOAD_INFO_LEN_OFFSET);
	struct heki_pristine_rec *rec;

	rec = kzalloc(sizeof(*rec), GFP_KERNEL);
	if (!rec) {
		atomic64_inc(&heki_pristine_failed);
		return NULL;	/* no record: COMING refuses the module */
	}
	rec->task = current;
	rec->img.flags = flags;

	if (!hdr || !is_vmalloc_addr(hdr) || len < sizeof(Elf64_Ehdr) ||
	    memcmp(hdr, ELFMAG, SELFMAG)) {
		rec->err = -ENOEXEC;
	} else if (len > HEKI_PRISTINE_MAX_LEN) {
		rec->err = -EFBIG;
	} else {
		rec->img.data = vmalloc(len);
		if (!rec->img.data) {
			rec->err = -ENOMEM;
		} else {
			memcpy(rec->img.data, hdr, len);
			rec->img.len = len;
		}
	}
	if (rec->err) {
		atomic64_inc(&heki_pristine_failed);
	} else {
		atomic64_inc(&heki_pristine_captured);
		atomic64_add(len, &heki_pristine_bytes_live);
	}
	atomic_inc(&heki_pristine_live);

	mutex_lock(&heki_pristine_lock);
	list_add(&rec->node, &heki_pristine_list);
	mutex_unlock(&heki_pristine_lock);
	return rec;
}

static void heki_pristine_drop(struct heki_pristine_rec *rec)
{
	if (!rec)
		return;
	mutex_lock(&heki_pristine_lock);
	list_del(&rec->node);
	mutex_unlock(&heki_pristine_lock);
	if (rec->img.data) {
		atomic64_sub(rec->img.len, &heki_pristine_bytes_live);
		vfree(rec->img.data);
	}
	atomic_dec(&heki_pristine_live);
	kfree(rec);
}

/* Runs instead of load_module(), in the loading task. */
static int heki_load_module_hook(void *info, const char __user *uargs,
				 int flags)
{
	struct heki_pristine_rec *rec;
	int ret;

	heki_fhook_enter(&heki_pristine_hook);
	rec = heki_pristine_capture(info, flags);
	ret = heki_orig_load_module(info, uargs, flags);
	heki_pristine_drop(rec);
	heki_fhook_leave(&heki_pristine_hook);
	return ret;
}

/**
 * heki_pristine_current() - the image captured for the current task
 *
 * Context: process context, called from the module notifier, which runs
 * inside load_module() in the loading task.
 * Return: the capture of the module that the current task is loading, an
 * ERR_PTR() saying why there is none (-ENOEXEC, -EFBIG, -ENOMEM, or
 * -ENODATA if this task is not inside a hooked load_module()). The
 * result stays valid until that load_module() returns; only this task
 * can end it.
 */
const struct heki_pristine *heki_pristine_current(void)
{
	struct heki_pristine_rec *rec, *found = NULL;

	mutex_lock(&heki_pristine_lock);
	list_for_each_entry(rec, &heki_pristine_list, node) {
		if (rec->task == current) {
			found = rec;
			break;
		}
	}
	mutex_unlock(&heki_pristine_lock);
	if (!found)
		return ERR_PTR(-ENODATA);
	if (found->err)
		return ERR_PTR(found->err);
	return &found->img;
}

/**
 * heki_pristine_init() - start capturing module images
 *
 * Context: process context, before kernel text is protected: installing
 * the ftrace hook on load_module() rewrites its first instruction.
 * Return: 0, -ENOENT if load_module() cannot be found, or the error of
 * ftrace_set_filter_ip()/register_ftrace_function() (e.g. -EBUSY when
 * another IPMODIFY user such as a livepatch owns the function).
 */
int heki_pristine_init(void)
{
	unsigned long addr = heki_ksym("load_module");
	int ret;

	if (!addr) {
		pr_err("pristine: load_module not found in kallsyms\n");
		return -ENOENT;
	}
	heki_orig_load_module = (heki_load_module_fn)addr;
	ret = heki_fhook_install(&heki_pristine_hook, addr,
				 heki_load_module_hook);
	if (ret) {
		pr_err("pristine: ftrace hook on load_module failed (%d)\n",
		       ret);
		return ret;
	}
	pr_info("pristine: capturing signed module images at load_module (%pS)\n",
		(void *)addr);
	return 0;
}

/**
 * heki_pristine_exit() - stop capturing and wait for loads in progress
 *
 * Context: process context; may sleep for as long as a module load that
 * entered the hook takes (its init function included).
 */
void heki_pristine_exit(void)
{
	heki_fhook_remove(&heki_pristine_hook);
}

/**
 * heki_pristine_live_images() - captures currently held
 *
 * Return: the number of module images held by loads in progress.
 */
long heki_pristine_live_images(void)
{
	return atomic_read(&heki_pristine_live);
}

/**
 * heki_pristine_show() - debugfs summary of the capture hook
 * @m: seq_file to print to
 */
void heki_pristine_show(struct seq_file *m)
{
	seq_printf(m, "pristine_hook: %s\n",
		   heki_fhook_on(&heki_pristine_hook) ? "load_module" : "off");
	seq_printf(m, "pristine_captured: %lld\n",
		   (long long)atomic64_read(&heki_pristine_captured));
	seq_printf(m, "pristine_failed: %lld\n",
		   (long long)atomic64_read(&heki_pristine_failed));
	seq_printf(m, "pristine_live: %d\n", atomic_read(&heki_pristine_live));
	seq_printf(m, "pristine_bytes_live: %lld\n",
		   (long long)atomic64_read(&heki_pristine_bytes_live));
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fhook.h - a kernel function replaced by one of heki_vtl0's (fhook.c)
 *
 * An ftrace ops with IPMODIFY on the kernel function's __fentry__ site
 * sends every call from outside heki_vtl0 to the replacement, which may
 * call the original through its address (a call from heki_vtl0 passes).
 * The hook is permanent (kernel.ftrace_enabled=0 is refused) and must be
 * installed before kernel text is protected. The replacement brackets its
 * body with heki_fhook_enter()/heki_fhook_leave() so that removal waits
 * for every task inside it. Users: pristine.c (load_module), scall.c
 * (arch_static_call_transform), jlabel.c
 * (arch_jump_label_transform_queue), kexec.c (kimage_free,
 * machine_kexec_prepare, __x64_sys_kexec_file_load,
 * kimage_file_post_load_cleanup, crash_shrink_memory), modhook.c
 * (__x64_sys_delete_module, __ia32_sys_delete_module, only while
 * unloads are refused: the rmmod of heki_vtl0 itself must not return into
 * its freed text; execmem_free or module_memfree, only while an address
 * range is kept).
 */
#ifndef _KMOD_FHOOK_H
#define _KMOD_FHOOK_H

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/wait.h>

/**
 * struct heki_fhook - one hooked kernel function
 * @addr:       the kernel function's address (0: not installed)
 * @repl:       heki_vtl0's replacement, same prototype
 * @when:       NULL, or whether this call goes to @repl
 * @ops:        the ftrace ops
 * @inflight:   tasks inside the replacement
 * @wq:         woken when @inflight drops to 0
 */
struct heki_fhook {
	unsigned long addr;
	void *repl;
	bool (*when)(void);
	struct ftrace_ops ops;
	atomic_t inflight;
	wait_queue_head_t wq;
};

int heki_fhook_install(struct heki_fhook *h, unsigned long addr, void *repl);
int heki_fhook_install_when(struct heki_fhook *h, unsigned long addr,
			    void *repl, bool (*when)(void));
void heki_fhook_remove(struct heki_fhook *h);

/* Is @h installed? */
static inline bool heki_fhook_on(const struct heki_fhook *h)
{
	return READ_ONCE(h->addr) != 0;
}

/* First thing the replacement does. */
static inline void heki_fhook_enter(struct heki_fhook *h)
{
	atomic_inc(&h->inflight);
}

/* Last thing the replacement does. */
static inline void heki_fhook_leave(struct heki_fhook *h)
{
	if (atomic_dec_and_test(&h->inflight))
		wake_up(&h->wq);
}

#endif /* _KMOD_FHOOK_H */

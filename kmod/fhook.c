// SPDX-License-Identifier: GPL-2.0-only
/*
 * fhook.c - a kernel function replaced by one of heki_vtl0's, through
 * ftrace (see fhook.h)
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/ftrace.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "fhook.h"
#include "compat/ftrace.h"

static void notrace heki_fhook_ftrace(unsigned long ip,
				      unsigned long parent_ip,
				      struct ftrace_ops *ops,
				      struct ftrace_regs *fregs)
{
	struct heki_fhook *h = container_of(ops, struct heki_fhook, ops);

	/* Our own call of the original must reach it. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	if (h->when && !h->when())
		return;
	heki_ftrace_set_ip(fregs, (unsigned long)h->repl);
}

/**
 * heki_fhook_install() - send the calls of a kernel function to @repl
 * @h:    the hook, not installed
 * @addr: the kernel function (it must call __fentry__)
 * @repl: the replacement
 *
 * Context: process context, before kernel text is protected (ftrace
 * rewrites the function's first instruction).
 * Return: 0, or the error of ftrace_set_filter_ip() or
 * register_ftrace_function() (-EBUSY when another IPMODIFY user such as a
 * livepatch owns the function, or ftrace is disabled); nothing stays
 * registered on an error.
 */
int heki_fhook_install(struct heki_fhook *h, unsigned long addr, void *repl)
{
	return heki_fhook_install_when(h, addr, repl, NULL);
}

/**
 * heki_fhook_install_when() - heki_fhook_install(), for the calls made
 * while @when says so
 * @h:    the hook, not installed
 * @addr: the kernel function (it must call __fentry__)
 * @repl: the replacement
 * @when: NULL (every call), or called (from the ftrace callback: no
 *	sleeping, no locks) at each call; false lets the kernel function
 *	run with nothing of heki_vtl0 on the stack
 *
 * Context and return: as heki_fhook_install().
 */
int heki_fhook_install_when(struct heki_fhook *h, unsigned long addr,
			    void *repl, bool (*when)(void))
{
	int ret;

	h->when = when;
	memset(&h->ops, 0, sizeof(h->ops));
	h->ops.func = heki_fhook_ftrace;
	h->ops.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_RECURSION |
		       FTRACE_OPS_FL_IPMODIFY | FTRACE_OPS_FL_PERMANENT;
	h->repl = repl;
	atomic_set(&h->inflight, 0);
	init_waitqueue_head(&h->wq);
	/* The replacement may run as soon as the ops are registered. */
	WRITE_ONCE(h->addr, addr);
	ret = ftrace_set_filter_ip(&h->ops, addr, 0, 0);
	if (ret)
		goto fail;
	ret = register_ftrace_function(&h->ops);
	if (ret) {
		ftrace_set_filter_ip(&h->ops, addr, 1, 0);
		goto fail;
	}
	return 0;
fail:
	WRITE_ONCE(h->addr, 0);
	return ret;
}

/**
 * heki_fhook_remove() - give the function back and wait for the tasks in
 * the replacement
 * @h: the hook (nothing happens if it is not installed)
 *
 * Context: process context; may sleep as long as the longest call of the
 * replacement in progress.
 */
void heki_fhook_remove(struct heki_fhook *h)
{
	if (!h->addr)
		return;
	unregister_ftrace_function(&h->ops);
	ftrace_set_filter_ip(&h->ops, h->addr, 1, 0);
	/* No new entries; nobody between the redirect and the hook. */
	synchronize_rcu_tasks();
	wait_event(h->wq, !atomic_read(&h->inflight));
	/* The last task out has left the replacement's epilogue too. */
	synchronize_rcu_tasks();
	WRITE_ONCE(h->addr, 0);
}

/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * subsys.h - the table each subsystem fills for the dispatcher and for
 * heki_vtl1_destroy() (core.c): the VTL calls it handles and what it frees.
 *
 * A handler gets the three argument registers (RSI, RDX, R8), runs under
 * the instance lock, and returns 0, a token (>= 0), or -HEKI_VSM_ERR_<X>.
 * Core knows each subsystem only by its table: it never includes another
 * folder's headers.
 */
#ifndef HEKI_VTL1_SUBSYS_H
#define HEKI_VTL1_SUBSYS_H

#include "instance.h"
#include "patchsites.h"

typedef __s64 vtl1_handler_fn(struct heki_vtl1 *v, __u64 a0, __u64 a1,
			       __u64 a2);

/**
 * struct vtl1_call - one VTL call a subsystem handles
 * @id: function ID (low 32 bits of RDI)
 * @name: function name for the log (the VSM_VTL_CALL_FUNC_LIST name)
 * @fn: handler
 */
struct vtl1_call {
	__u32 id;
	const char *name;
	vtl1_handler_fn *fn;
};

/* One row of a subsystem's call table, from the uapi function list name. */
#define VTL1_CALL(name, fn) \
	{ VSM_VTL_CALL_FUNC_ID_##name##_VALUE, #name, (fn) }

/**
 * struct vtl1_subsys - what a subsystem gives core
 * @name: folder name
 * @calls: the VTL calls it handles (each function ID in exactly one table)
 * @nr_calls: entries in @calls
 * @teardown: frees what the subsystem keeps in the instance (may be NULL);
 *	heki_vtl1_destroy() calls the subsystems from the top layer down
 * @func_entry: whether a VA is a function entry of text the subsystem
 *	validated, in the VTL1_ENTRY_* places its third argument names (may
 *	be NULL); vtl1_func_entry() asks every subsystem
 * @kernel_static_calls: the kernel's static call sites and trampolines
 *	as patch sites (may be NULL; vtl1_kernel_static_calls())
 */
struct vtl1_subsys {
	const char *name;
	const struct vtl1_call *calls;
	__u32 nr_calls;
	void (*teardown)(struct heki_vtl1 *v);
	int (*func_entry)(const struct heki_vtl1 *v, __u64 va, __u32 where);
	int (*kernel_static_calls)(struct heki_vtl1 *v,
				   const struct vtl1_kscall_src *src,
				   struct vtl1_patch_batch *b, __u32 *n);
};

/*
 * Every subsystem with a table, bottom layer first (the include order of
 * Documentation/vtl1.rst); each defines vtl1_subsys_<name> in its main file.
 * sig/ has neither calls nor state and no table.
 */
#define VTL1_SUBSYS_LIST(X) X(core) X(kdata) X(mem) X(module) X(kexec)

#define VTL1_SUBSYS_DECL_(name) extern const struct vtl1_subsys vtl1_subsys_##name;
VTL1_SUBSYS_LIST(VTL1_SUBSYS_DECL_)
#undef VTL1_SUBSYS_DECL_

/* The handler of a function ID, or NULL (core.c; the tests use it too). */
const struct vtl1_call *vtl1_call_find(__u32 id);

/*
 * 1 if @va starts a function of validated text in @where (VTL1_ENTRY_*:
 * the kernel's, from LoadKData, a live validated module's core text, or
 * either), else 0 (core.c).
 */
int vtl1_func_entry(const struct heki_vtl1 *v, __u64 va, __u32 where);

/*
 * The kernel's static call sites and trampolines from @src, added to @b
 * (counted only when @b is NULL), their number in *@n: the first
 * subsystem with a kernel_static_calls hook (module/, which owns the
 * static call forms); 0 sites without one (core.c).
 */
int vtl1_kernel_static_calls(struct heki_vtl1 *v,
			     const struct vtl1_kscall_src *src,
			     struct vtl1_patch_batch *b, __u32 *n);

#endif /* HEKI_VTL1_SUBSYS_H */

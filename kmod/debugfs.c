// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs.c - /sys/kernel/debug/heki/
 *
 *   transport    running transport: hyperv, loopback or none
 *   stats        per VTL function: calls, errors (negative results),
 *                refused (not sent: chain build failed, empty chain or
 *                no transport), last result, ranges and pages sent in
 *                chains, total time in the transport
 *   allocations  live chain pages, loopback allocations and keyrings
 *                (all 0 when nothing is in flight and nothing leaked)
 *   protections  test build, loopback: VTL0 protections VTL1 set, as
 *                page runs
 *   loopback     test build, loopback: VTL1 state, LockRegs values per CPU
 *   protected_free  test build: frames VTL1 protects that are free
 *   self         test build: heki_vtl0_test's own code as VTL1 protects it
 *   xframes      test build, loopback: the pages the kernel's page tables
 *                map executable and what VTL1 holds for their frames
 *                (xframes.c)
 *
 * All files are read-only. The self-test build uses heki_selftest/.
 * Reading them is safe while the transport starts or stops.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "heki_vtl0.h"

#ifdef HEKI_SELFTEST
#define HEKI_DEBUGFS_DIR "heki_selftest"
#else
#define HEKI_DEBUGFS_DIR "heki"
#endif

static struct dentry *heki_debugfs_root;

static int heki_transport_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", heki_transport_name());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_transport);

static int heki_stats_show(struct seq_file *m, void *v)
{
	unsigned int i, n = heki_stats_nslots();
	struct heki_call_stats s;

	seq_printf(m, "%-28s %8s %8s %8s %10s %10s %8s %14s\n", "function",
		   "calls", "errors", "refused", "last", "ranges", "pages",
		   "total_ns");
	for (i = 0; i < n; i++) {
		u32 func = heki_stats_slot_func(i);

		heki_stats_get(i, &s);
		seq_printf(m, "%-28s %8llu %8llu %8llu %10lld %10llu %8llu %14llu\n",
			   func ? heki_func_name(func) : "OTHER", s.calls,
			   s.errors, s.refused, s.last_ret, s.ranges, s.pages,
			   s.total_ns);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_stats);

static int heki_allocations_show(struct seq_file *m, void *v)
{
	seq_printf(m, "chain_pages %ld\n", heki_chain_live_pages());
	seq_printf(m, "loopback_allocations %ld\n",
		   heki_loopback_live_allocs());
	seq_printf(m, "loopback_keyrings %ld\n",
		   heki_loopback_crypto_live_keyrings());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_allocations);

#ifdef HEKI_HAS_LOOPBACK
static int heki_protections_show(struct seq_file *m, void *v)
{
	heki_loopback_show_protections(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_protections);

static int heki_loopback_show(struct seq_file *m, void *v)
{
	heki_loopback_show_state(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_loopback);
#endif

#ifdef HEKI_TEST_BUILD
static int heki_protected_free_show(struct seq_file *m, void *v)
{
	heki_loopback_show_protected_free(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_protected_free);

static int heki_self_show(struct seq_file *m, void *v)
{
	heki_loopback_show_module(m, THIS_MODULE);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(heki_self);

static int heki_xframes_dfs_show(struct seq_file *m, void *v)
{
	return heki_xframes_show(m);
}
DEFINE_SHOW_ATTRIBUTE(heki_xframes_dfs);
#endif

/**
 * heki_debugfs_init() - create /sys/kernel/debug/heki/
 *
 * Return: 0, or -ENODEV/-EEXIST when the directory cannot be created
 * (debugfs missing or the directory already exists); nothing is left
 * behind on failure.
 */
int heki_debugfs_init(void)
{
	struct dentry *d;

	d = debugfs_create_dir(HEKI_DEBUGFS_DIR, NULL);
	if (IS_ERR(d))
		return PTR_ERR(d);
	debugfs_create_file("transport", 0444, d, NULL, &heki_transport_fops);
	debugfs_create_file("stats", 0444, d, NULL, &heki_stats_fops);
	debugfs_create_file("allocations", 0444, d, NULL,
			    &heki_allocations_fops);
#ifdef HEKI_HAS_LOOPBACK
	debugfs_create_file("protections", 0444, d, NULL,
			    &heki_protections_fops);
	debugfs_create_file("loopback", 0444, d, NULL, &heki_loopback_fops);
#endif
#ifdef HEKI_TEST_BUILD
	debugfs_create_file("protected_free", 0444, d, NULL,
			    &heki_protected_free_fops);
	debugfs_create_file("self", 0444, d, NULL, &heki_self_fops);
	debugfs_create_file("xframes", 0400, d, NULL, &heki_xframes_dfs_fops);
#endif
	heki_debugfs_root = d;
	return 0;
}

/**
 * heki_debugfs_exit() - remove /sys/kernel/debug/heki/ (safe if absent)
 */
void heki_debugfs_exit(void)
{
	debugfs_remove_recursive(heki_debugfs_root);
	heki_debugfs_root = NULL;
}

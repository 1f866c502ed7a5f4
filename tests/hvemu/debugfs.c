// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs.c - /sys/kernel/debug/heki_hvemu/
 *
 *   protections  what the emulated VTL1 set for VTL0 (the loopback
 *                "protections" format: page runs with rwxu flags)
 *   vtl1         VTL1's state (the loopback "loopback" format:
 *                end_of_boot, certs_loaded, modules, LockRegs per CPU)
 *   stats        hypercalls, VTL calls and what the emulator saw
 */
#define pr_fmt(fmt) "heki_hvemu: " fmt
#define HEKI_HVEMU 1

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "../../kmod/heki_vtl0.h"
#include "hvemu.h"

static int hvemu_protections_show(struct seq_file *m, void *v)
{
	heki_loopback_show_protections(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvemu_protections);

static int hvemu_vtl1_show(struct seq_file *m, void *v)
{
	heki_loopback_show_state(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvemu_vtl1);

static int hvemu_stats_show(struct seq_file *m, void *v)
{
	const struct hvemu_stats *s = &hvemu_stats;

	seq_printf(m, "hypercalls %lld\n", atomic64_read(&s->hypercalls));
	seq_printf(m, "hypercall_errors %lld\n",
		   atomic64_read(&s->hypercall_errors));
	seq_printf(m, "get_vp_registers %lld\n",
		   atomic64_read(&s->get_vp_registers));
	seq_printf(m, "vtl_calls %lld\n", atomic64_read(&s->vtl_calls));
	seq_printf(m, "vtl1_here %lld\n", atomic64_read(&s->vtl1_here));
	seq_printf(m, "vtl1_elsewhere %lld\n",
		   atomic64_read(&s->vtl1_elsewhere));
	seq_printf(m, "silent %lld\n", atomic64_read(&s->silent));
	seq_printf(m, "forced %lld\n", atomic64_read(&s->forced));
	seq_printf(m, "violations %lld\n", atomic64_read(&s->violations));
	seq_printf(m, "max_wait_ns %lld\n", atomic64_read(&s->max_wait_ns));
	seq_printf(m, "committed %d\n", hvemu_committed());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvemu_stats);

/**
 * hvemu_debugfs_init() - create the directory (kept for good)
 *
 * Return: 0, or -ENODEV without debugfs.
 */
int hvemu_debugfs_init(void)
{
	struct dentry *d = debugfs_create_dir("heki_hvemu", NULL);

	if (IS_ERR(d))
		return -ENODEV;
	debugfs_create_file("protections", 0400, d, NULL,
			    &hvemu_protections_fops);
	debugfs_create_file("vtl1", 0400, d, NULL, &hvemu_vtl1_fops);
	debugfs_create_file("stats", 0400, d, NULL, &hvemu_stats_fops);
	return 0;
}

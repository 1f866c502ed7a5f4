// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpus.c - CPUs that come online while heki_vtl0 is loaded
 *
 * LockRegs is per virtual processor, and VTL1 refuses it after end of
 * boot. A CPU that Linux brings online later (it was offline when
 * heki_vtl0 loaded, or booted with maxcpus=) would run with its control
 * registers unlocked, and a VTL call from a CPU where VTL1 does not answer
 * may never return. So two CPU hotplug callbacks check every CPU that
 * comes online while heki_vtl0 is loaded:
 *
 *  1. heki_vtl0:prepare (CPUHP_BP_PREPARE_DYN), on the control CPU before
 *     the new CPU is started: with lock_regs=1, a CPU that was not locked
 *     is refused once end of boot was signalled - it never runs;
 *  2. heki_vtl0:online (CPUHP_AP_ONLINE_DYN), on the new CPU in its
 *     hotplug thread, after its idle task, per-CPU threads and interrupts
 *     ran but before the scheduler makes it active:
 *     a. the probe (heki_vtl_probe(): the transport's own check, then
 *        VTL1 must answer an unknown function id with -EINVAL): on
 *        failure the CPU is refused - also for a CPU that was locked
 *        before and only went offline and online again;
 *     b. with lock_regs=1, a CPU not locked yet: LockRegs now if end of
 *        boot was not signalled (nor the boot LockRegs step still to
 *        come, which will lock it), otherwise the CPU is refused.
 *
 * A refused CPU makes the hotplug step fail: the kernel rolls the CPU
 * back offline and `echo 1 > /sys/devices/system/cpu/cpuN/online` fails.
 * The online callback is registered with its calls: under the hotplug
 * lock it probes every CPU online at that time, so a CPU brought online
 * after the transport's own probe is covered too. Both are registered
 * before the boot steps (the boot LockRegs step runs under
 * cpus_read_lock(), which excludes hotplug) and removed only when
 * heki_vtl0 unloads. Counters: /sys/kernel/heki/cpus/.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"

static struct cpumask heki_cpus_locked_mask;
/* Online CPUs that passed the online step's probe. */
static struct cpumask heki_cpus_probed_mask;
static bool heki_cpus_lock_required;
static int heki_cpus_hp_prepare = -1;
static int heki_cpus_hp_state = -1;
static atomic64_t heki_cpus_refused = ATOMIC64_INIT(0);
static atomic64_t heki_cpus_locked_late = ATOMIC64_INIT(0);

/**
 * heki_cpus_is_locked() - whether LockRegs succeeded on @cpu
 * @cpu: CPU number
 *
 * Return: true once @cpu was locked (it stays locked while offline).
 */
bool heki_cpus_is_locked(unsigned int cpu)
{
	return cpumask_test_cpu(cpu, &heki_cpus_locked_mask);
}

/**
 * heki_cpus_set_locked() - record that LockRegs succeeded on @cpu
 * @cpu: CPU number
 */
void heki_cpus_set_locked(unsigned int cpu)
{
	cpumask_set_cpu(cpu, &heki_cpus_locked_mask);
}

static int heki_cpus_refuse(unsigned int cpu, const char *when, int err,
			    const char *why)
{
	atomic64_inc(&heki_cpus_refused);
	pr_err("CPU %u refused %s: %s (%d)\n", cpu, when, why, err);
	return err;
}

/* CPUHP_BP_PREPARE_DYN: runs on the control CPU before @cpu starts. */
static int heki_cpus_prepare(unsigned int cpu)
{
	if (heki_cpus_lock_required && !heki_cpus_is_locked(cpu) &&
	    heki_boot_end_of_boot_signalled())
		return heki_cpus_refuse(cpu, "before it starts", -EPERM,
					"not locked before end of boot");
	return 0;
}

/*
 * Whether @cpu may come online: VTL1 answers on it and, when lock_regs is
 * required, it is locked (now, if end of boot has not been signalled).
 */
static int heki_cpus_admit(unsigned int cpu)
{
	s64 ret;

	ret = heki_vtl_probe();
	if (ret)
		return heki_cpus_refuse(cpu, "at online", ret,
					"VTL1 does not answer on it");
	if (!heki_cpus_lock_required || heki_cpus_is_locked(cpu))
		return 0;
	/* End of boot signalled since the prepare step: refused here. */
	if (heki_boot_end_of_boot_signalled())
		return heki_cpus_refuse(cpu, "at online", -EPERM,
					"not locked before end of boot");
	if (!heki_boot_regs_locked())
		return 0;	/* the boot LockRegs step will lock it */
	ret = heki_vtl_call(VSM_VTL_CALL_FUNC_ID_LOCK_REGS_VALUE, 0, 0, 0);
	if (ret < 0)
		return heki_cpus_refuse(cpu, "at online", ret,
					"LockRegs failed");
	heki_cpus_set_locked(cpu);
	atomic64_inc(&heki_cpus_locked_late);
	pr_info("CPU %u locked at online\n", cpu);
	return 0;
}

/*
 * CPUHP_AP_ONLINE_DYN: runs on @cpu, in its hotplug thread. The hotplug
 * core does not run this step's teardown when the step fails, so @cpu is
 * marked probed only once it passed.
 */
static int heki_cpus_online(unsigned int cpu)
{
	int ret = heki_cpus_admit(cpu);

	if (!ret)
		cpumask_set_cpu(cpu, &heki_cpus_probed_mask);
	return ret;
}

/* The online step's teardown: @cpu goes offline (or its online failed). */
static int heki_cpus_offline(unsigned int cpu)
{
	cpumask_clear_cpu(cpu, &heki_cpus_probed_mask);
	return 0;
}

/* cpus/locked, cpus/probed: a CPU list such as "0-1". */
HEKI_SYSFS_ATTR(heki_cpus, locked, "%*pbl",
		cpumask_pr_args(&heki_cpus_locked_mask));
HEKI_SYSFS_ATTR(heki_cpus, probed, "%*pbl",
		cpumask_pr_args(&heki_cpus_probed_mask));

static u64 heki_cpus_probes(bool failed)
{
	u64 made, bad;

	heki_vtl_probe_counts(&made, &bad);
	return failed ? bad : made;
}

HEKI_SYSFS_ATTR(heki_cpus, probes, "%llu", heki_cpus_probes(false));
HEKI_SYSFS_ATTR(heki_cpus, probes_failed, "%llu", heki_cpus_probes(true));
HEKI_SYSFS_ATTR(heki_cpus, refused, "%lld",
		(long long)atomic64_read(&heki_cpus_refused));
HEKI_SYSFS_ATTR(heki_cpus, locked_at_online, "%lld",
		(long long)atomic64_read(&heki_cpus_locked_late));

static struct attribute *heki_cpus_attrs[] = {
	&heki_cpus_locked_attr.attr,
	&heki_cpus_probed_attr.attr,
	&heki_cpus_probes_attr.attr,
	&heki_cpus_probes_failed_attr.attr,
	&heki_cpus_refused_attr.attr,
	&heki_cpus_locked_at_online_attr.attr,
	NULL,
};

/* /sys/kernel/heki/cpus/, added by heki_sysfs_init() (main.c). */
const struct attribute_group heki_cpus_sysfs_group = {
	.name = "cpus",
	.attrs = heki_cpus_attrs,
};

/**
 * heki_cpus_init() - watch CPUs coming online
 * @lock_regs: every CPU must be locked (module parameter lock_regs)
 *
 * Context: process context, after the transport is up and before the boot
 * steps. The online callback runs now on every online CPU (each is probed
 * again, under the hotplug lock); a failing probe fails the load.
 * Return: 0 or -errno (nothing registered).
 */
int heki_cpus_init(bool lock_regs)
{
	int ret;

	cpumask_clear(&heki_cpus_locked_mask);
	cpumask_clear(&heki_cpus_probed_mask);
	heki_cpus_lock_required = lock_regs;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN,
					"heki_vtl0:prepare", heki_cpus_prepare,
					NULL);
	if (ret >= 0) {
		heki_cpus_hp_prepare = ret;
		ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "heki_vtl0:online",
					heki_cpus_online, heki_cpus_offline);
	}
	if (ret < 0) {
		pr_err("cannot register the CPU hotplug callbacks (%d)\n", ret);
		heki_cpus_exit();
		return ret;
	}
	heki_cpus_hp_state = ret;
	return 0;
}

/**
 * heki_cpus_exit() - stop watching CPUs (safe if heki_cpus_init() failed)
 */
void heki_cpus_exit(void)
{
	if (heki_cpus_hp_state >= 0)
		cpuhp_remove_state_nocalls(heki_cpus_hp_state);
	if (heki_cpus_hp_prepare >= 0)
		cpuhp_remove_state_nocalls(heki_cpus_hp_prepare);
	heki_cpus_hp_state = -1;
	heki_cpus_hp_prepare = -1;
}

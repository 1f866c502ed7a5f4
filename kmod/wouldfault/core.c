// SPDX-License-Identifier: GPL-2.0-only
/*
 * core.c - the would-fault detector's life cycle, checks and sysfs files
 *
 * The in-kernel VTL1 (kmod/loopback.c) starts the detector before its
 * first VTL call and stops it when it goes away. A check hashes every
 * protected frame again and re-reads the pinned registers on every
 * locked CPU; it runs when the VTL1 stops, on demand (a write to
 * /sys/kernel/heki_wouldfault/check: scripts/vm-run.sh does it at the end
 * of every VM suite), and before every VTL call while
 * /sys/kernel/heki_wouldfault/check_every_call is 1. The text_poke hooks
 * report as the writes happen.
 *
 * /sys/kernel/heki_wouldfault/ (root only; one in-kernel VTL1 at a time):
 *   check              write 1: check now; read: the last check's result
 *   check_every_call   0/1 (default 0: hashing everything on every call is
 *                      too slow under TCG outside the detector's suite)
 *   events             the total number of would-fault events
 *   summary            counters, frames, locked CPUs
 *   keys               one line per kernel path (or register): events,
 *                      the first event's number, the path
 */
#define pr_fmt(fmt) "heki_wouldfault: " fmt
#define HEKI_WOULDFAULT 1

#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>

#include <heki/abi.h>

#include "../heki_vtl0.h"
#include "../compat/sysfs.h"
#include "wouldfault.h"
#include "wf.h"

static struct {
	bool armed;
	bool every_call;
	unsigned long checks;
	struct kobject *kobj;
	char last[200];
} wf;

/* Serialises start, stop and checks. */
static DEFINE_MUTEX(wf_lock);

/**
 * wf_armed() - is the detector running?
 *
 * Return: true between heki_wf_start() and heki_wf_stop().
 */
bool wf_armed(void)
{
	return READ_ONCE(wf.armed);
}

/* Caller holds wf_lock. */
static u64 wf_check_locked(const char *why, const struct heki_lb_vp *caller,
			   bool quiet)
{
	u64 before = wf_events_total();
	unsigned int frames, regs;

	frames = wf_frames_check();
	regs = wf_regs_check(caller);
	wf.checks++;
	wf_events_flush();
	scnprintf(wf.last, sizeof(wf.last),
		  "check %lu (%s): %u frames changed, %u registers changed; %llu would-fault events in all, %lu frames tracked, %u CPUs locked\n",
		  wf.checks, why, frames, regs, wf_events_total(),
		  wf_frames_tracked(), wf_regs_locked_cpus());
	if (!quiet || wf_events_total() != before)
		pr_info("%s", wf.last);
	if (wf_frames_untracked())
		pr_err("detector incomplete: %lu protected frames not tracked\n",
		       wf_frames_untracked());
	return wf_events_total() - before;
}

static ssize_t check_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	ssize_t n;

	mutex_lock(&wf_lock);
	n = sysfs_emit(buf, "%s", wf.last[0] ? wf.last : "no check yet\n");
	mutex_unlock(&wf_lock);
	return n;
}

static ssize_t check_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	bool run;
	int ret = kstrtobool(buf, &run);

	if (ret)
		return ret;
	if (!run)
		return count;
	mutex_lock(&wf_lock);
	if (wf.armed) {
		wf_check_locked("on demand", NULL, false);
		wf_events_summary("on demand", false);
	}
	mutex_unlock(&wf_lock);
	return count;
}

static ssize_t check_every_call_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(wf.every_call));
}

static ssize_t check_every_call_store(struct kobject *kobj,
				      struct kobj_attribute *attr,
				      const char *buf, size_t count)
{
	bool on;
	int ret = kstrtobool(buf, &on);

	if (ret)
		return ret;
	WRITE_ONCE(wf.every_call, on);
	return count;
}

static ssize_t events_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%llu\n", wf_events_total());
}

static ssize_t summary_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return wf_events_show(buf, PAGE_SIZE);
}

static ssize_t keys_read(struct file *file, struct kobject *kobj,
			 HEKI_BIN_ATTR_CONST struct bin_attribute *attr,
			 char *buf, loff_t off,
			 size_t count)
{
	char *text = kvmalloc(WF_KEYS_TEXT_MAX, GFP_KERNEL);
	ssize_t n;

	if (!text)
		return -ENOMEM;
	n = memory_read_from_buffer(buf, count, &off, text,
				    wf_keys_str(text, WF_KEYS_TEXT_MAX, ""));
	kvfree(text);
	return n;
}

static struct bin_attribute wf_attr_keys = __BIN_ATTR(keys, 0400, keys_read, NULL, 0);

static HEKI_BIN_ATTR_CONST struct bin_attribute *wf_bin_attrs[] = {
	&wf_attr_keys,
	NULL,
};

static struct kobj_attribute wf_attr_check = __ATTR_RW_MODE(check, 0600);
static struct kobj_attribute wf_attr_every =
	__ATTR_RW_MODE(check_every_call, 0600);
static struct kobj_attribute wf_attr_events = __ATTR_RO_MODE(events, 0400);
static struct kobj_attribute wf_attr_summary = __ATTR_RO_MODE(summary, 0400);

static struct attribute *wf_attrs[] = {
	&wf_attr_check.attr,
	&wf_attr_every.attr,
	&wf_attr_events.attr,
	&wf_attr_summary.attr,
	NULL,
};

static const struct attribute_group wf_group = {
	.attrs = wf_attrs,
	.bin_attrs = wf_bin_attrs,
};

/**
 * heki_wf_start() - arm the detector for a new in-kernel VTL1
 * @vtl1_pa: first byte of the memory VTL1 owns (VTL0 has no access)
 * @vtl1_pages: its size in pages
 *
 * Installs the text_poke hooks (before any frame is protected: that
 * patches kernel text) and the sysfs directory.
 *
 * Return: 0, or -errno with nothing left installed (-EEXIST if another
 * in-kernel VTL1 runs its detector).
 */
int heki_wf_start(u64 vtl1_pa, u64 vtl1_pages)
{
	int ret;

	mutex_lock(&wf_lock);
	wf_events_reset();
	wf.checks = 0;
	wf.last[0] = '\0';
	wf.every_call = false;
	ret = wf_frames_init();
	if (ret)
		goto out;
	ret = wf_regs_init();
	if (ret)
		goto frames;
	wf.kobj = kobject_create_and_add("heki_wouldfault", kernel_kobj);
	if (!wf.kobj) {
		ret = -EEXIST;
		goto regs;
	}
	ret = sysfs_create_group(wf.kobj, &wf_group);
	if (ret)
		goto kobj;
	WRITE_ONCE(wf.armed, true);
	ret = wf_poke_init();
	if (ret)
		goto armed;
	/* VTL1's own memory: VTL0 has no access at all. */
	wf_frames_set(vtl1_pa, vtl1_pages, 0);
	pr_info("armed: writes to frames VTL1 protects (text_poke hooks, frame hashes) and to pinned registers are would-fault events\n");
	mutex_unlock(&wf_lock);
	return 0;
armed:
	WRITE_ONCE(wf.armed, false);
kobj:
	kobject_put(wf.kobj);
	wf.kobj = NULL;
regs:
	wf_regs_exit();
frames:
	wf_frames_exit();
out:
	mutex_unlock(&wf_lock);
	return ret;
}

/**
 * heki_wf_stop() - last check, summary, remove everything
 *
 * Context: process context, before the VTL1 state goes away (the owner of
 * a frame is looked up in it).
 */
void heki_wf_stop(void)
{
	mutex_lock(&wf_lock);
	if (!wf.armed) {
		mutex_unlock(&wf_lock);
		return;
	}
	wf_check_locked("VTL1 stopping", NULL, false);
	/* Removing the hooks patches text: not an event of the kernel's. */
	WRITE_ONCE(wf.armed, false);
	wf_poke_exit();
	wf_events_summary("stopped", true);
	kobject_put(wf.kobj);
	wf.kobj = NULL;
	wf_regs_exit();
	wf_frames_exit();
	mutex_unlock(&wf_lock);
}

/**
 * heki_wf_protect() - VTL1 set VTL0's access to frames
 * @pa: first byte (page aligned)
 * @npages: number of frames
 * @prot: the access (HV_PAGE_* bits)
 */
void heki_wf_protect(u64 pa, u64 npages, u32 prot)
{
	if (wf_armed())
		wf_frames_set(pa, npages, prot);
}

/**
 * heki_wf_vtl1_wrote() - VTL1 wrote VTL0 memory (its own writes are legal)
 * @pa: first byte written
 * @len: bytes written
 */
void heki_wf_vtl1_wrote(u64 pa, u64 len)
{
	if (wf_armed())
		wf_frames_rehash(pa, len);
}

/**
 * heki_wf_locked() - LockRegs wrote an intercept register of a VP
 * @vp: the VP, with the register values LockRegs read
 * @name: the intercept register
 * @value: the value written
 */
void heki_wf_locked(const struct heki_lb_vp *vp, u32 name, u64 value)
{
	if (wf_armed())
		wf_regs_locked(vp, name, value);
}

/**
 * heki_wf_on_call() - a VTL call is about to be dispatched
 * @vp: the calling VP (its CPU may be waiting with interrupts off)
 *
 * With check_every_call set, a full check runs first.
 */
void heki_wf_on_call(const struct heki_lb_vp *vp)
{
	if (!wf_armed() || !READ_ONCE(wf.every_call))
		return;
	mutex_lock(&wf_lock);
	if (wf.armed)
		wf_check_locked("VTL call", vp, true);
	mutex_unlock(&wf_lock);
}

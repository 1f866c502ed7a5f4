// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs.c - /sys/kernel/heki/: state and counters, read-only
 *
 * debugfs is optional (a kernel booted with debugfs=off has none, and
 * lockdown may restrict it), so what an operator needs to see lives here
 * too, one value per file, every file 0444:
 *
 *   transport              hyperv, loopback or none
 *   calls/<FUNCTION>/      per VTL function id (and OTHER): calls, errors,
 *                          malformed (R8 the ABI does not define),
 *                          refused (not sent), last (last kernel result)
 *
 * The caller (main.c) adds the policy files' groups: the fail-closed state
 * (main.c), boot/ (boot.c), modules/ (modhook.c), kexec/ (kexec.c), cpus/
 * (cpus.c). The kernel log and the tracepoint
 * heki:heki_vtl_call report the same events as they happen.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "heki_vtl0.h"

static struct kobject *heki_sysfs_root;
static struct kobject *heki_sysfs_calls;
static struct kobject **heki_sysfs_slots;
static unsigned int heki_sysfs_nslots;
/* The groups heki_sysfs_init() added, NULL before. */
static const struct attribute_group **heki_sysfs_groups;

static ssize_t transport_show(struct kobject *kobj, struct kobj_attribute *a,
			      char *buf)
{
	return sysfs_emit(buf, "%s\n", heki_transport_name());
}
static struct kobj_attribute heki_sysfs_transport = __ATTR_RO(transport);

/* The stats slot a calls/<FUNCTION> directory stands for. */
static int heki_sysfs_slot(struct kobject *kobj, struct heki_call_stats *s)
{
	unsigned int i;

	for (i = 0; i < heki_sysfs_nslots; i++) {
		if (heki_sysfs_slots[i] == kobj) {
			heki_stats_get(i, s);
			return 0;
		}
	}
	return -ENOENT;
}

#define HEKI_SYSFS_CALL_ATTR(field, fmt, type)				\
static ssize_t field##_show(struct kobject *kobj,			\
			    struct kobj_attribute *a, char *buf)	\
{									\
	struct heki_call_stats s;					\
									\
	if (heki_sysfs_slot(kobj, &s))					\
		return -ENOENT;						\
	return sysfs_emit(buf, fmt "\n", (type)s.field);		\
}									\
static struct kobj_attribute heki_sysfs_call_##field = __ATTR_RO(field)

HEKI_SYSFS_CALL_ATTR(calls, "%llu", unsigned long long);
HEKI_SYSFS_CALL_ATTR(errors, "%llu", unsigned long long);
HEKI_SYSFS_CALL_ATTR(malformed, "%llu", unsigned long long);
HEKI_SYSFS_CALL_ATTR(refused, "%llu", unsigned long long);

static ssize_t last_show(struct kobject *kobj, struct kobj_attribute *a,
			 char *buf)
{
	struct heki_call_stats s;

	if (heki_sysfs_slot(kobj, &s))
		return -ENOENT;
	return sysfs_emit(buf, "%lld\n", (long long)s.last_ret);
}
static struct kobj_attribute heki_sysfs_call_last = __ATTR_RO(last);

static struct attribute *heki_sysfs_call_attrs[] = {
	&heki_sysfs_call_calls.attr,
	&heki_sysfs_call_errors.attr,
	&heki_sysfs_call_malformed.attr,
	&heki_sysfs_call_refused.attr,
	&heki_sysfs_call_last.attr,
	NULL,
};

static const struct attribute_group heki_sysfs_call_group = {
	.attrs = heki_sysfs_call_attrs,
};

static void heki_sysfs_free_calls(void)
{
	unsigned int i;

	for (i = 0; heki_sysfs_slots && i < heki_sysfs_nslots; i++) {
		if (!heki_sysfs_slots[i])
			continue;
		sysfs_remove_group(heki_sysfs_slots[i], &heki_sysfs_call_group);
		kobject_put(heki_sysfs_slots[i]);
	}
	kfree(heki_sysfs_slots);
	heki_sysfs_slots = NULL;
	heki_sysfs_nslots = 0;
	kobject_put(heki_sysfs_calls);
	heki_sysfs_calls = NULL;
}

static int heki_sysfs_add_calls(void)
{
	unsigned int i, n = heki_stats_nslots();
	int ret;

	heki_sysfs_calls = kobject_create_and_add("calls", heki_sysfs_root);
	if (!heki_sysfs_calls)
		return -ENOMEM;
	heki_sysfs_slots = kcalloc(n, sizeof(*heki_sysfs_slots), GFP_KERNEL);
	if (!heki_sysfs_slots)
		return -ENOMEM;
	heki_sysfs_nslots = n;
	for (i = 0; i < n; i++) {
		u32 func = heki_stats_slot_func(i);
		struct kobject *k;

		k = kobject_create_and_add(func ? heki_func_name(func) : "OTHER",
					   heki_sysfs_calls);
		if (!k)
			return -ENOMEM;
		ret = sysfs_create_group(k, &heki_sysfs_call_group);
		if (ret) {
			kobject_put(k);
			return ret;
		}
		heki_sysfs_slots[i] = k;
	}
	return 0;
}

/**
 * heki_sysfs_init() - create /sys/kernel/heki/ with transport, calls/ and
 * the caller's groups
 * @groups: NULL-terminated attribute groups; a named group is a
 *	subdirectory. They stay until heki_sysfs_exit().
 *
 * Return: 0, -EEXIST when the directory exists already (another heki
 * module is loaded), -ENOMEM or the error of sysfs_create_groups();
 * nothing is left behind on failure.
 */
int heki_sysfs_init(const struct attribute_group **groups)
{
	int ret;

	heki_sysfs_root = kobject_create_and_add("heki", kernel_kobj);
	if (!heki_sysfs_root)
		return -EEXIST;
	ret = sysfs_create_file(heki_sysfs_root, &heki_sysfs_transport.attr);
	if (!ret)
		ret = heki_sysfs_add_calls();
	if (!ret)
		ret = sysfs_create_groups(heki_sysfs_root, groups);
	if (!ret)
		heki_sysfs_groups = groups;
	if (ret)
		heki_sysfs_exit();
	return ret;
}

/**
 * heki_sysfs_exit() - remove /sys/kernel/heki/ (safe if absent)
 */
void heki_sysfs_exit(void)
{
	if (!heki_sysfs_root)
		return;
	if (heki_sysfs_groups)
		sysfs_remove_groups(heki_sysfs_root, heki_sysfs_groups);
	heki_sysfs_groups = NULL;
	heki_sysfs_free_calls();
	sysfs_remove_file(heki_sysfs_root, &heki_sysfs_transport.attr);
	kobject_put(heki_sysfs_root);
	heki_sysfs_root = NULL;
}

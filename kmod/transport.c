// SPDX-License-Identifier: GPL-2.0-only
/*
 * transport.c - one entry point for every VTL call
 *
 * heki_vtl_call() sends the four VTL call registers through the transport
 * chosen at load time (transport=auto|hyperv|loopback) and accounts for
 * the call: per-function counters (debugfs), a tracepoint with the
 * arguments, the result and the duration.
 *
 * Selection: "auto" means the real Hyper-V VTL call, and only if VSM is
 * detected and the VTL1 handshake was given; it never falls back to the
 * loopback, which is chosen only by name.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include <linux/workqueue.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "trace.h"

/* One stats slot per known function id, in this order, then "other". */
#define HEKI_FUNC_SLOT_(name, value) value,
static const u32 heki_slot_funcs[] = {
	VSM_VTL_CALL_FUNC_LIST(HEKI_FUNC_SLOT_)
};

#define HEKI_NSLOTS (ARRAY_SIZE(heki_slot_funcs) + 1)

struct heki_stats_slot {
	atomic64_t calls;
	atomic64_t errors;
	atomic64_t refused;
	atomic64_t last_ret;
	atomic64_t ranges;
	atomic64_t pages;
	atomic64_t total_ns;
};

static struct heki_stats_slot heki_stats[HEKI_NSLOTS];

static const struct heki_transport *heki_cur;
static DEFINE_MUTEX(heki_transport_mutex);
/*
 * One VTL call at a time, whatever the transport: HEKI serialises its calls
 * the same way (heki.lock), and no VTL1 has to cope with concurrent calls
 * from several VPs. Callers build and free their chains outside it. It
 * also orders calls against heki_transport_exit(). Lock order:
 * heki_transport_mutex, then heki_call_mutex.
 */
static DEFINE_MUTEX(heki_call_mutex);

static unsigned int heki_func_slot(u32 func)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(heki_slot_funcs); i++)
		if (heki_slot_funcs[i] == func)
			return i;
	return HEKI_NSLOTS - 1;
}

/**
 * heki_func_name() - printable name of a VSM function id
 * @func: function id (VSM_VTL_CALL_FUNC_ID_*)
 *
 * Return: a static string such as "PROTECT_MEMORY", or "UNKNOWN".
 */
const char *heki_func_name(u32 func)
{
	const char *name = vsm_func_id_name((__force vsm_func_id_t)func);
	static const char prefix[] = "VSM_VTL_CALL_FUNC_ID_";

	if (!name)
		return "UNKNOWN";
	if (!strncmp(name, prefix, sizeof(prefix) - 1))
		name += sizeof(prefix) - 1;
	return name;
}

/**
 * heki_stats_nslots() - number of stats slots
 *
 * Return: one slot per known function id plus one for unknown ids.
 */
unsigned int heki_stats_nslots(void)
{
	return HEKI_NSLOTS;
}

/**
 * heki_stats_slot_func() - function id counted in a stats slot
 * @slot: slot index below heki_stats_nslots()
 *
 * Return: the function id, or 0 for the "other" slot.
 */
u32 heki_stats_slot_func(unsigned int slot)
{
	return slot < ARRAY_SIZE(heki_slot_funcs) ? heki_slot_funcs[slot] : 0;
}

/**
 * heki_stats_get() - read the counters of one slot
 * @slot: slot index below heki_stats_nslots()
 * @out: receives a snapshot (each field read atomically)
 */
void heki_stats_get(unsigned int slot, struct heki_call_stats *out)
{
	struct heki_stats_slot *s;

	memset(out, 0, sizeof(*out));
	if (slot >= HEKI_NSLOTS)
		return;
	s = &heki_stats[slot];
	out->calls = atomic64_read(&s->calls);
	out->errors = atomic64_read(&s->errors);
	out->refused = atomic64_read(&s->refused);
	out->last_ret = atomic64_read(&s->last_ret);
	out->ranges = atomic64_read(&s->ranges);
	out->pages = atomic64_read(&s->pages);
	out->total_ns = atomic64_read(&s->total_ns);
}

/**
 * heki_stats_reset() - zero every counter
 */
void heki_stats_reset(void)
{
	unsigned int i;

	for (i = 0; i < HEKI_NSLOTS; i++) {
		atomic64_set(&heki_stats[i].calls, 0);
		atomic64_set(&heki_stats[i].errors, 0);
		atomic64_set(&heki_stats[i].refused, 0);
		atomic64_set(&heki_stats[i].last_ret, 0);
		atomic64_set(&heki_stats[i].ranges, 0);
		atomic64_set(&heki_stats[i].pages, 0);
		atomic64_set(&heki_stats[i].total_ns, 0);
	}
}

/**
 * heki_transport_init() - select and start the transport
 * @name: "auto" (or NULL), "hyperv" or "loopback"
 *
 * "auto" selects hyperv when heki_hyperv_probe() accepts it and fails
 * otherwise: the loopback is only used when asked for by name.
 *
 * Return: 0; -EBUSY if a transport is already running; -EINVAL for an
 * unknown name; -ENODEV/-EPERM from the hyperv probe; or the transport's
 * init error. Nothing stays allocated on failure.
 */
int heki_transport_init(const char *name)
{
	const struct heki_transport *t;
	int ret;

	if (!name || !*name || sysfs_streq(name, "auto")) {
		ret = heki_hyperv_probe();
		if (ret) {
			pr_err("transport=auto: no usable Hyper-V VSM transport (%d); the loopback is never chosen automatically (use transport=loopback for testing)\n",
			       ret);
			return ret;
		}
		t = &heki_transport_hyperv;
	} else if (sysfs_streq(name, "hyperv")) {
		t = &heki_transport_hyperv;
	} else if (sysfs_streq(name, "loopback")) {
#ifdef HEKI_HAS_LOOPBACK
		t = &heki_transport_loopback;
#else
		pr_err("transport=loopback exists only in the test build (heki_vtl0_test.ko)\n");
		return -EINVAL;
#endif
	} else {
		pr_err("unknown transport '%s' (auto|hyperv|loopback)\n", name);
		return -EINVAL;
	}

	mutex_lock(&heki_transport_mutex);
	if (heki_cur) {
		ret = -EBUSY;
		goto out;
	}
	ret = t->init();
	if (ret) {
		pr_err("transport %s failed to start (%d)\n", t->name, ret);
		goto out;
	}
	mutex_lock(&heki_call_mutex);
	WRITE_ONCE(heki_cur, t);
	mutex_unlock(&heki_call_mutex);
	pr_info("transport %s ready\n", t->name);
out:
	mutex_unlock(&heki_transport_mutex);
	return ret;
}

/**
 * heki_transport_exit() - stop the running transport, if any
 *
 * A call in flight finishes first; calls made afterwards fail with
 * -ENODEV (the module notifier should be unregistered before anyway).
 */
void heki_transport_exit(void)
{
	const struct heki_transport *t;

	mutex_lock(&heki_transport_mutex);
	/* Waits for a call in flight; later calls see no transport. */
	mutex_lock(&heki_call_mutex);
	t = heki_cur;
	WRITE_ONCE(heki_cur, NULL);
	if (t)
		t->exit();
	mutex_unlock(&heki_call_mutex);
	mutex_unlock(&heki_transport_mutex);
}

/**
 * heki_transport_name() - name of the running transport
 *
 * Return: "hyperv", "loopback" or "none".
 */
const char *heki_transport_name(void)
{
	const struct heki_transport *t = READ_ONCE(heki_cur);

	return t ? t->name : "none";
}

static s64 heki_do_call(u32 func, u64 a1, u64 a2, u64 a3, u64 nranges,
			u64 npages)
{
	struct heki_stats_slot *s = &heki_stats[heki_func_slot(func)];
	const struct heki_transport *t;
	u64 start, ns;
	s64 ret;

	mutex_lock(&heki_call_mutex);
	t = heki_cur;
	if (!t) {
		mutex_unlock(&heki_call_mutex);
		atomic64_inc(&s->refused);
		return -ENODEV;
	}
	start = ktime_get_ns();
	ret = t->call(func, a1, a2, a3);
	ns = ktime_get_ns() - start;
	mutex_unlock(&heki_call_mutex);

	atomic64_inc(&s->calls);
	if (ret < 0)
		atomic64_inc(&s->errors);
	atomic64_set(&s->last_ret, ret);
	atomic64_add(nranges, &s->ranges);
	atomic64_add(npages, &s->pages);
	atomic64_add(ns, &s->total_ns);
	trace_heki_vtl_call(func, heki_func_name(func), a1, a2, a3, ret, ns);
	if (ret < 0)
		pr_debug("%s(%#llx, %#llx, %#llx) = %lld\n", heki_func_name(func),
			 a1, a2, a3, ret);
	return ret;
}

/**
 * heki_vtl_call() - make one VTL call through the running transport
 * @func: VSM function id (RDI)
 * @a1: RSI
 * @a2: RDX
 * @a3: R8
 *
 * Process context: calls are serialised by a mutex (one VTL call at a
 * time) and the loopback may sleep. Counts the call in debugfs and emits
 * the heki_vtl_call tracepoint.
 *
 * Return: VTL1's R8: >= 0 on success (a module token for VALIDATE_MODULE),
 * -errno on failure; -ENODEV if no transport is running.
 */
s64 heki_vtl_call(u32 func, u64 a1, u64 a2, u64 a3)
{
	return heki_do_call(func, a1, a2, a3, 0, 0);
}

/**
 * heki_call_chain() - one VTL call that passes a heki_page chain
 * @func: VSM function id taking a chain (PROTECT_MEMORY, LOAD_KDATA,
 *	VALIDATE_MODULE, KEXEC_VALIDATE, COPY_SECONDARY_KEY)
 * @c: built chain; a1 = @c->head_pa, a2 = @c->nranges (the total)
 * @a3: third argument (e.g. load flags)
 *
 * The chain is not freed: the caller always calls heki_chain_free()
 * afterwards, on success and on failure.
 *
 * Return: the call's result; @c->err if building the chain failed;
 * -EINVAL for an empty chain (no call is made in either case).
 */
s64 heki_call_chain(u32 func, struct heki_chain *c, u64 a3)
{
	int err = c->err;

	if (!err && (!c->nranges || !c->head))
		err = -EINVAL;
	if (err) {
		atomic64_inc(&heki_stats[heki_func_slot(func)].refused);
		return err;
	}
	return heki_do_call(func, c->head_pa, c->nranges, a3, c->nranges,
			    c->npages);
}

struct heki_cpu_call {
	u32 func;
	u64 a1, a2, a3;
	s64 ret;
};

static long heki_cpu_call_fn(void *arg)
{
	struct heki_cpu_call *cc = arg;

	cc->ret = heki_vtl_call(cc->func, cc->a1, cc->a2, cc->a3);
	return 0;
}

/**
 * heki_vtl_call_on_cpu() - make a VTL call on a given CPU
 * @cpu: online CPU (the caller holds cpus_read_lock())
 * @func: VSM function id
 * @a1: RSI
 * @a2: RDX
 * @a3: R8
 * @result: receives the call's result
 *
 * For per-VP calls such as LOCK_REGS. Runs heki_vtl_call() from a worker
 * bound to @cpu, so it may sleep like any other call.
 *
 * Return: 0 when the call was made (its result is in *@result), -EINVAL
 * for an offline CPU.
 */
int heki_vtl_call_on_cpu(unsigned int cpu, u32 func, u64 a1, u64 a2,
			 u64 a3, s64 *result)
{
	struct heki_cpu_call cc = {
		.func = func, .a1 = a1, .a2 = a2, .a3 = a3, .ret = -EIO,
	};

	if (cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	work_on_cpu(cpu, heki_cpu_call_fn, &cc);
	*result = cc.ret;
	return 0;
}

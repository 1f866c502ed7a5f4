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
 *
 * Results: every call's R8 goes through heki_vtl_result(), the one
 * mapping from VTL1's 64-bit answer to a kernel result. Callers therefore
 * only ever see 0, a module token (VALIDATE_MODULE) or a -errno the ABI
 * documents; anything else is -EPROTO, counted and logged.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/ktime.h>
#include <linux/workqueue.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_test.h"
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
	atomic64_t malformed;
	atomic64_t refused;
	atomic64_t last_ret;
	atomic64_t ranges;
	atomic64_t pages;
	atomic64_t total_ns;
	atomic_t last_error;
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
 * Return: a static string such as "PROTECT_MEMORY", "PROBE" for the
 * per-CPU probe, or "UNKNOWN".
 */
const char *heki_func_name(u32 func)
{
	const char *name = vsm_func_id_name((__force vsm_func_id_t)func);
	static const char prefix[] = "VSM_VTL_CALL_FUNC_ID_";

	if (func == HEKI_VTL_PROBE_FUNC)
		return "PROBE";
	if (!name)
		return "UNKNOWN";
	if (!strncmp(name, prefix, sizeof(prefix) - 1))
		name += sizeof(prefix) - 1;
	return name;
}

/* Every errno VTL1 may answer with: the ABI's two error lists. */
#define HEKI_DOC_ERRNO_(name, err, msg) (err),
static const int heki_doc_errnos[] = {
	HEKI_EINVAL,		/* unknown function id */
	HEKI_VSM_ERROR_LIST(HEKI_DOC_ERRNO_)
	HEKI_VERIFY_ERROR_LIST(HEKI_DOC_ERRNO_)
};
#undef HEKI_DOC_ERRNO_

static bool heki_errno_documented(u64 err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(heki_doc_errnos); i++)
		if (heki_doc_errnos[i] == err)
			return true;
	return false;
}

/**
 * heki_vtl_result() - the kernel result of one VTL1 answer
 * @func: the function id that was called
 * @r8: R8 as VTL1 returned it, all 64 bits
 *
 * The one mapping every caller's result goes through (heki_do_call()).
 * Success is only a documented success value: 0 for every function, and
 * for VALIDATE_MODULE also a token 1..HEKI_MODULE_TOKEN_MAX. A failure is
 * -errno with an errno of the ABI's lists (Documentation/abi.rst, Error
 * codes). Every other value - a positive answer where none is defined, a
 * token above the limit, a negative number that is no documented errno
 * (kernel-internal ones such as -ERESTARTSYS included) - is -EPROTO. The
 * 64-bit value is judged whole: nothing is truncated to int first.
 *
 * Return: 0, a token, a documented -errno, or -EPROTO.
 */
s64 heki_vtl_result(u32 func, u64 r8)
{
	if (!r8)
		return 0;
	if (func == VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE &&
	    r8 <= HEKI_MODULE_TOKEN_MAX)
		return (s64)r8;
	if ((s64)r8 < 0 && heki_errno_documented(-r8))
		return (s64)r8;
	return -EPROTO;
}

/**
 * heki_vtl_last_error() - VTL1's named reason for the last call of @func
 * @func: function id
 *
 * Meaningful to a caller that serialises its calls of @func and asks
 * right after one (modhook.c under its lock for VALIDATE_MODULE).
 *
 * Return: the enum heki_vsm_error the transport reported, 0 when the call
 * succeeded or the transport cannot tell (Hyper-V: R8 is the errno alone).
 */
u32 heki_vtl_last_error(u32 func)
{
	return (u32)atomic_read(&heki_stats[heki_func_slot(func)].last_error);
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
	out->malformed = atomic64_read(&s->malformed);
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
		atomic64_set(&heki_stats[i].malformed, 0);
		atomic64_set(&heki_stats[i].refused, 0);
		atomic64_set(&heki_stats[i].last_ret, 0);
		atomic64_set(&heki_stats[i].ranges, 0);
		atomic64_set(&heki_stats[i].pages, 0);
		atomic64_set(&heki_stats[i].total_ns, 0);
	}
}

static atomic64_t heki_probes = ATOMIC64_INIT(0);
static atomic64_t heki_probes_failed = ATOMIC64_INIT(0);

/**
 * heki_vtl_probe() - prove that VTL1 answers on the current CPU
 *
 * The transport's cpu_check, then one VTL call of HEKI_VTL_PROBE_FUNC
 * with R8 = HEKI_VTL_PROBE_POISON, which VTL1 must answer with exactly
 * -EINVAL. Context: process context, on the CPU to probe and unable to
 * leave it (a bound worker or the CPU's hotplug thread).
 *
 * Return: 0; -ENODEV if no transport runs, VTL1 did not answer or the
 * transport's check failed; or the transport's error.
 */
int heki_vtl_probe(void)
{
	const struct heki_transport *t;
	u64 r8 = HEKI_VTL_PROBE_POISON, tr8 = 0;
	bool answered, sent = false;
	int ret;

	mutex_lock(&heki_call_mutex);
	t = heki_cur;
	if (!t) {
		mutex_unlock(&heki_call_mutex);
		return -ENODEV;
	}
	ret = t->cpu_check ? t->cpu_check() : 0;
	answered = !ret && heki_test_answer(HEKI_VTL_PROBE_FUNC, &tr8, &sent);
	if (!ret && (!answered || sent))
		ret = t->call(HEKI_VTL_PROBE_FUNC, 0, 0, HEKI_VTL_PROBE_POISON,
			      &r8);
	if (!ret && answered)
		r8 = tr8;
	mutex_unlock(&heki_call_mutex);
	atomic64_inc(&heki_probes);
	if (!ret)	/* a VTL call was made: counted like any other (OTHER) */
		atomic64_inc(&heki_stats[heki_func_slot(HEKI_VTL_PROBE_FUNC)].calls);
	if (!ret && r8 != (u64)-EINVAL) {
		pr_err("CPU %u: VTL1 did not answer the probe (R8 %#llx, expected %#llx)\n",
		       raw_smp_processor_id(), r8, (u64)-EINVAL);
		ret = -ENODEV;
	}
	if (ret)
		atomic64_inc(&heki_probes_failed);
	return ret;
}

static long heki_vtl_probe_fn(void *arg)
{
	return heki_vtl_probe();
}

/* The probe on every online CPU (each from a worker bound to it). */
static int heki_vtl_probe_online(void)
{
	unsigned int cpu;
	long ret = 0;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		ret = work_on_cpu(cpu, heki_vtl_probe_fn, NULL);
		if (ret)
			break;
	}
	cpus_read_unlock();
	return ret;
}

/**
 * heki_vtl_probe_counts() - probes made and failed since load
 * @made: receives the number of probes
 * @failed: receives the number that failed
 */
void heki_vtl_probe_counts(u64 *made, u64 *failed)
{
	*made = atomic64_read(&heki_probes);
	*failed = atomic64_read(&heki_probes_failed);
}

/* Start @t and make it the running transport. */
static int heki_transport_start(const struct heki_transport *t)
{
	int ret;

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
	/* Before any state-changing call: VTL1 answers on every CPU. */
	ret = heki_vtl_probe_online();
	if (ret) {
		mutex_lock(&heki_call_mutex);
		WRITE_ONCE(heki_cur, NULL);
		t->exit();
		mutex_unlock(&heki_call_mutex);
		pr_err("transport %s: VTL1 does not answer on every online CPU\n",
		       t->name);
		goto out;
	}
	pr_info("transport %s ready\n", t->name);
out:
	mutex_unlock(&heki_transport_mutex);
	return ret;
}

#ifdef HEKI_SELFTEST
/**
 * heki_transport_test_start() - run a transport the self-test supplies
 * @t: a scripted transport (its answers are the test's input)
 *
 * Return: as heki_transport_init().
 */
int heki_transport_test_start(const struct heki_transport *t)
{
	return heki_transport_start(t);
}
#endif

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

	return heki_transport_start(t);
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

/*
 * R8 in: the poison instead of whatever the caller passed wherever VTL1
 * ignores R8 - the functions whose R8 the ABI declares ignored, and
 * ValidateModule (its flags, NONE, are ignored) - and for KexecValidate
 * of the crash kind (any non-zero R8 selects it). A call VTL1 never
 * answers (a wrong code page, a VP where VTL1 does not run) returns R8
 * unchanged; with 0 in it that would read as success (token 0 for
 * ValidateModule), with the poison it is -EPROTO. KexecValidate of the
 * normal kind must send 0: unanswered, it reads as success
 * (Documentation/abi.rst, KEXEC_VALIDATE).
 */
static u64 heki_r8_in(u32 func, u64 a3)
{
	switch (func) {
	case VSM_VTL_CALL_FUNC_ID_LOCK_REGS_VALUE:
	case VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE:
	case VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE:
	case VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE:
	case VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE:
	case VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT_VALUE:
	case VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE:
	case VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE:
		return HEKI_VTL_PROBE_POISON;
	case VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE:
		return a3 ? HEKI_VTL_PROBE_POISON : 0;
	default:
		return a3;
	}
}

static s64 heki_do_call(u32 func, u64 a1, u64 a2, u64 a3, u64 nranges,
			u64 npages)
{
	struct heki_stats_slot *s = &heki_stats[heki_func_slot(func)];
	const struct heki_transport *t;
	u64 start, ns, r8, tr8 = 0;
	bool answered, sent = false;
	u32 code;
	s64 ret;
	int err;

	mutex_lock(&heki_call_mutex);
	t = heki_cur;
	if (!t) {
		mutex_unlock(&heki_call_mutex);
		atomic64_inc(&s->refused);
		return -ENODEV;
	}
	a3 = heki_r8_in(func, a3);
	start = ktime_get_ns();
	code = 0;
	answered = heki_test_answer(func, &tr8, &sent);
	if (answered && !sent) {
		r8 = tr8;
		err = 0;
	} else {
		err = t->call(func, a1, a2, a3, &r8);
		if (!err && t->last_error)
			code = t->last_error();
		if (!err && answered)
			r8 = tr8;
	}
	ns = ktime_get_ns() - start;
	atomic_set(&s->last_error, code);
	mutex_unlock(&heki_call_mutex);
	if (err) {
		/* The transport could not make the call: no R8 to judge. */
		atomic64_inc(&s->refused);
		return err;
	}

	ret = heki_vtl_result(func, r8);
	atomic64_inc(&s->calls);
	if (ret < 0)
		atomic64_inc(&s->errors);
	/* -EPROTO is in no error list: it always means an undefined R8. */
	if (ret == -EPROTO) {
		atomic64_inc(&s->malformed);
		pr_err_ratelimited("%s: VTL1 answered R8 = %#llx, which the ABI does not define: treated as -EPROTO\n",
				   heki_func_name(func), r8);
	}
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
 * Return: heki_vtl_result() of VTL1's R8: 0 or a module token
 * (VALIDATE_MODULE) on success, a documented -errno or -EPROTO on failure;
 * -ENODEV if no transport is running.
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

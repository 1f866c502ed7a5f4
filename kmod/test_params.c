// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_params.c - the test-only parameters of heki_vtl0_test.ko
 *
 * Linked into the test build alone (Kbuild): the production heki_vtl0.ko
 * has none of these parameters, and its callers get the empty inline
 * functions of heki_test.h. Each parameter is honoured with the loopback
 * transport only, so even the test build cannot tamper with what a real
 * (or emulated) VTL1 is shown.
 *
 *   test_tamper        change a module's memory at COMING, before
 *                      ValidateModule (tests/vm/integrity.sh)
 *   test_tamper_kexec  change one byte of a loaded kexec kernel segment
 *                      before KexecValidate (tests/vm/kexec.sh)
 *   test_capflip       flip one feature bit in the CPU capability words
 *                      LoadKData sends (tests/vm/integrity-pin.sh)
 *   test_result        answer calls of one VTL function with a chosen R8
 *                      instead of making them (tests/vm/failclosed.sh)
 *   test_online_cpu    bring a CPU online after the transport's probe and
 *                      before the hotplug callbacks are registered
 *                      (tests/vm/failclosed.sh)
 *   test_kexec_unload_busy  the unload of a refused kexec image answers
 *                      -EBUSY without being made (tests/vm/failclosed.sh)
 *   test_kexec_pause_ms  a kexec image's validation sleeps after it
 *                      pinned heki_vtl0, before KexecValidate
 *                      (tests/vm/kexec.sh boot 3)
 *   test_ibt           the hyperv transport treats IBT as on
 *                      (tests/vm/hyperv.sh: QEMU TCG has no CET)
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kexec.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "compat/ftrace.h"
#include "heki_vtl0.h"
#include "heki_test.h"

/*
 * Test only, honoured with the loopback transport alone (any other
 * transport ignores it): "MODULE:KIND" tampers MODULE's memory at its
 * COMING, just before ValidateModule. tests/vm/integrity.sh uses it. KIND:
 *  - byte:       flip the last byte of ro_after_init (page padding,
 *                outside every rewrite site);
 *  - jump_table: flip one byte of the target field of the first
 *                __jump_table entry (a sorted-table rewrite site);
 *  - text:       flip the first byte after the lowest __mcount_loc site in
 *                core text (the first instruction of that function's
 *                body, not a rewrite site);
 *  - rodata:     flip the first byte of the first "MODULE\0" string in
 *                the module's read-only data;
 *  - mcount:     turn that lowest __mcount_loc site into "call .+5" (a call
 *                that neither __fentry__ nor ftrace can have written).
 * ro_after_init stays writable until init ends and is written directly.
 * Text and rodata are already read-only at COMING: they are written
 * through a temporary writable alias of the physical page (vmap), the
 * module's own mapping keeps its permissions.
 */
static char *test_tamper;
module_param(test_tamper, charp, 0600);
MODULE_PARM_DESC(test_tamper,
		 "test only, loopback only: MODULE:{byte,jump_table,text,rodata,mcount} tampers MODULE's memory at COMING before ValidateModule");

/* Write @len bytes at module address @dst through a writable alias. */
static int heki_test_poke(u8 *dst, const u8 *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned long a = (unsigned long)dst + i;
		struct page *pg = vmalloc_to_page((void *)a);
		u8 *alias;

		if (!pg)
			return -EFAULT;
		alias = vmap(&pg, 1, VM_MAP, PAGE_KERNEL);
		if (!alias)
			return -ENOMEM;
		alias[offset_in_page(a)] = src[i];
		vunmap(alias);
	}
	return 0;
}

/*
 * Lowest __mcount_loc site of @mod in its core text, or NULL (init text
 * may lie below it: 7.2 puts it there).
 */
static u8 *heki_test_first_mcount(struct module *mod)
{
	u8 *low = NULL;
#ifdef HEKI_MOD_FTRACE_CALLSITES
	unsigned int i;
	u8 *text, *end;

#ifdef for_each_mod_mem_type
	text = mod->mem[MOD_TEXT].base;
	end = text + mod->mem[MOD_TEXT].size;
#else
	text = mod->core_layout.base;
	end = text + mod->core_layout.text_size;
#endif
	for (i = 0; i < mod->num_ftrace_callsites; i++) {
		u8 *s = (u8 *)mod->ftrace_callsites[i];

		if (s >= text && s + 5 < end && (!low || s < low))
			low = s;
	}
#endif
	return low;
}

/* First "NAME\0" in @mod's read-only data, or NULL. */
static u8 *heki_test_rodata_name(struct module *mod)
{
	size_t n = strlen(mod->name) + 1;
	u8 *ro, *end;

#ifdef for_each_mod_mem_type
	ro = mod->mem[MOD_RODATA].base;
	end = ro + mod->mem[MOD_RODATA].size;
#else
	ro = (u8 *)mod->core_layout.base + mod->core_layout.text_size;
	end = (u8 *)mod->core_layout.base + mod->core_layout.ro_size;
#endif
	if (!ro || end < ro + n)
		return NULL;
	for (end -= n; ro <= end; ro++)
		if (!memcmp(ro, mod->name, n))
			return ro;
	return NULL;
}

/**
 * heki_test_tamper_module() - apply test_tamper to @mod (COMING)
 * @mod: the module about to be validated
 */
void heki_test_tamper_module(struct module *mod)
{
	const char *p = READ_ONCE(test_tamper);
	const char *kind;
	u8 v[5];
	size_t n, len = 1;
	u8 *b = NULL;
	bool alias = true;
	int ret;

	if (!p || !heki_loopback_active())
		return;
	n = strcspn(p, ":");
	if (p[n] != ':' || strlen(mod->name) != n || strncmp(p, mod->name, n))
		return;
	kind = p + n + 1;
	if (sysfs_streq(kind, "byte")) {
		alias = false;
#ifdef for_each_mod_mem_type
		{
			const struct module_memory *m =
				&mod->mem[MOD_RO_AFTER_INIT];

			if (m->size)
				b = (u8 *)m->base + m->size - 1;
		}
#else
		if (mod->core_layout.ro_after_init_size >
		    mod->core_layout.ro_size)
			b = (u8 *)mod->core_layout.base +
			    mod->core_layout.ro_after_init_size - 1;
#endif
	} else if (sysfs_streq(kind, "jump_table")) {
		alias = false;
#ifdef CONFIG_JUMP_LABEL
		/* the target (not the key: GOING unlinks by key) of entry 0 */
		if (mod->num_jump_entries)
			b = (u8 *)mod->jump_entries + 5;
#endif
	} else if (sysfs_streq(kind, "text")) {
		b = heki_test_first_mcount(mod);
		if (b)
			b += 5;
	} else if (sysfs_streq(kind, "rodata")) {
		b = heki_test_rodata_name(mod);
	} else if (sysfs_streq(kind, "mcount")) {
		b = heki_test_first_mcount(mod);
		/* e8 00 00 00 00: call .+5 */
		memset(v, 0, sizeof(v));
		v[0] = 0xe8;
		len = sizeof(v);
	}
	if (!b) {
		pr_warn("test_tamper: %s: nothing to tamper for '%.*s'\n",
			mod->name, (int)strcspn(kind, "\n"), kind);
		return;
	}
	if (len == 1)
		v[0] = *b ^ 0x01;
	if (alias) {
		ret = heki_test_poke(b, v, len);
	} else {
		*b = v[0];
		ret = 0;
	}
	n = strcspn(kind, "\n");
	if (ret)
		pr_warn("test_tamper: %s: write failed (%.*s, %d)\n",
			mod->name, (int)n, kind, ret);
	else
		pr_info("test_tamper: %s: wrote %zu byte(s) (%.*s)\n",
			mod->name, len, (int)n, kind);
}

static int test_tamper_kexec;
module_param(test_tamper_kexec, int, 0600);
MODULE_PARM_DESC(test_tamper_kexec,
		 "test only, loopback only: 1 changes one byte of the loaded kernel segment (2: of its zero tail) after the kernel file is copied, before KexecValidate [0]");

/*
 * test_tamper_kexec: flip one byte of the kernel segment as it will be
 * booted - page 1 (mode 1) or the last page (mode 2, the zero tail) - in
 * the crash region or in the source page the entry list copies there.
 */
/**
 * heki_test_tamper_kexec() - apply test_tamper_kexec to @image
 * @image: a complete kexec_file_load image, before KexecValidate
 */
void heki_test_tamper_kexec(struct kimage *image)
{
	int mode = READ_ONCE(test_tamper_kexec);
	const char *kbuf = image->kernel_buf;
	kimage_entry_t *ptr, entry;
	unsigned long i, dst = 0, want;
	u8 *byte = NULL;

	if ((mode != 1 && mode != 2) || !heki_loopback_active())
		return;
	for (i = 0; i < image->nr_segments; i++) {
		const char *b = image->segment[i].kbuf;

		if (b >= kbuf && b < kbuf + image->kernel_buf_len)
			break;
	}
	if (i == image->nr_segments || image->segment[i].memsz < 2 * PAGE_SIZE) {
		pr_warn("test_tamper_kexec: no kernel segment\n");
		return;
	}
	want = image->segment[i].mem +
	       (mode == 1 ? PAGE_SIZE : image->segment[i].memsz - PAGE_SIZE);
	if (image->type == KEXEC_TYPE_CRASH) {
		byte = __va(want);
	} else {
		for (ptr = &image->head; (entry = *ptr) && !(entry & IND_DONE);
		     ptr = (entry & IND_INDIRECTION) ?
			   boot_phys_to_virt(entry & PAGE_MASK) : ptr + 1) {
			if (entry & IND_DESTINATION) {
				dst = entry & PAGE_MASK;
			} else if (entry & IND_SOURCE) {
				if (dst == want)
					byte = boot_phys_to_virt(entry & PAGE_MASK);
				dst += PAGE_SIZE;
			}
		}
	}
	if (!byte) {
		pr_warn("test_tamper_kexec: page %#lx not found\n", want);
		return;
	}
	byte[0x10] ^= 0x40;
	pr_info("test_tamper_kexec: changed one byte of kernel page %#lx (%s)\n",
		want, mode == 1 ? "payload" : "zero tail");
}

/*
 * Test only, honoured with the loopback transport alone: flip feature bit
 * N (word N / 32) of the capability words sent, so that VTL1 expects the
 * other form of every alternative / retpoline site N decides.
 * tests/vm/integrity-pin.sh uses it; -1 (default) sends them unchanged.
 */
static int test_capflip = -1;
module_param(test_capflip, int, 0400);
MODULE_PARM_DESC(test_capflip,
		 "test only, loopback only: flip this feature bit in the CPU capability words sent to VTL1");


/**
 * heki_test_capflip() - apply test_capflip to the capability words sent
 * @capwords: the words LoadKData is about to send
 * @n: number of words
 */
void heki_test_capflip(u32 *capwords, unsigned int n)
{
	if (test_capflip < 0 || test_capflip >= 32 * (int)n ||
	    !heki_loopback_active())
		return;
	capwords[test_capflip / 32] ^= 1U << (test_capflip % 32);
	pr_info("boot: test_capflip: feature bit %d flipped in the words sent\n",
		test_capflip);
}

/*
 * test_result=NAME:VALUE - calls of function NAME (as heki_func_name()
 * prints it, e.g. FREE_MODULE_INIT) get R8 = VALUE (0x... or -N) and are
 * not made: VTL1 never sees them, as when a real VTL1 refuses.
 * test_result=+NAME:VALUE - the calls are made and VTL1's R8 is then
 * replaced by VALUE: VTL1 acted on them, heki_vtl0 learns nothing of it
 * (an undefined answer to a call VTL1 accepted). Empty: off.
 * NAME#N:VALUE (or +NAME#N:VALUE) - only the N-th call of NAME since the
 * parameter was written (N from 1); NAME#N+:VALUE - the N-th and every
 * later one. The others are made as usual (PatchText step 2 or 3 of one
 * text_poke_bp() sequence: tests/vm/failclosed.sh).
 * A fixed buffer, written under the parameter lock, which the reader takes.
 */
static char test_result[64];
/* Calls of the function test_result names since it was written. */
static unsigned long test_result_calls;

static int test_result_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_copystring(val, kp);

	if (!ret)
		test_result_calls = 0;
	return ret;
}

static const struct kernel_param_ops test_result_ops = {
	.set = test_result_set,
	.get = param_get_string,
};

static struct kparam_string test_result_kps = {
	.maxlen = sizeof(test_result),
	.string = test_result,
};
module_param_cb(test_result, &test_result_ops, &test_result_kps, 0600);
MODULE_PARM_DESC(test_result,
		 "test only, loopback only: NAME:VALUE answers every call of VTL function NAME with R8=VALUE without making it; +NAME:VALUE makes the call, then replaces its R8; NAME#N: only its N-th call since written, NAME#N+: from the N-th on");

/**
 * heki_test_answer() - the R8 test_result imposes on a call, if any
 * @func: the function id about to be called
 * @r8: receives the imposed R8
 * @sent: receives whether the call is still made (+NAME:VALUE); its R8
 *	is then replaced by *@r8 afterwards
 *
 * Context: under the transport's call mutex.
 * Return: true when test_result names @func and *@r8 is its answer.
 */
bool heki_test_answer(u32 func, u64 *r8, bool *sent)
{
	char buf[sizeof(test_result)];
	const char *name = heki_func_name(func);
	size_t n = strlen(name);
	char *p = buf;
	s64 neg;

	unsigned long nth = 0, seen = 0;
	bool later = false;

	if (!heki_loopback_active())
		return false;
	kernel_param_lock(THIS_MODULE);
	strscpy(buf, test_result, sizeof(buf));
	*sent = *p == '+';
	if (*sent)
		p++;
	if (!strncmp(p, name, n) && (p[n] == ':' || p[n] == '#'))
		seen = ++test_result_calls;
	kernel_param_unlock(THIS_MODULE);
	if (!seen)
		return false;
	p += n;
	if (*p == '#') {
		char *colon = strchr(p, ':');

		if (!colon)
			return false;
		*colon = '\0';
		later = colon > p + 1 && colon[-1] == '+';
		if (later)
			colon[-1] = '\0';
		if (kstrtoul(p + 1, 10, &nth) || !nth)
			return false;
		if (seen < nth || (seen > nth && !later))
			return false;
		p = colon;
	}
	p = strim(p + 1);
	if (*p == '-') {
		if (kstrtos64(p, 0, &neg))
			return false;
		*r8 = (u64)neg;
	} else if (kstrtou64(p, 0, r8)) {
		return false;
	}
	pr_info("test_result: %s (call %lu) answered with R8 %#llx, %s\n",
		name, seen, *r8,
		*sent ? "its real answer replaced" : "not sent to VTL1");
	return true;
}

/*
 * test_online_cpu=N - at load, bring CPU N online between the transport's
 * probe of every online CPU and the registration of the CPU hotplug
 * callbacks (kmod/cpus.c must still probe it). -1: off.
 */
static int test_online_cpu = -1;
module_param(test_online_cpu, int, 0400);
MODULE_PARM_DESC(test_online_cpu,
		 "test only, loopback only: bring this CPU online just before the hotplug callbacks are registered");

/**
 * heki_test_online_cpu() - bring test_online_cpu online, if set
 *
 * Context: module init, after the transport started, before
 * heki_cpus_init(). The result is only logged: the test checks the CPU.
 */
void heki_test_online_cpu(void)
{
	int ret;

	if (test_online_cpu < 0 || !heki_loopback_active())
		return;
	ret = add_cpu(test_online_cpu);
	pr_info("test_online_cpu: CPU %d brought online before the hotplug callbacks (%d)\n",
		test_online_cpu, ret);
}

/*
 * test_kexec_unload_busy=1 - the syscall hook's unload of a refused kexec
 * image is not made and reads -EBUSY, as if the kernel's kexec lock stayed
 * busy through every retry.
 */
static bool test_kexec_unload_busy;
module_param(test_kexec_unload_busy, bool, 0600);
MODULE_PARM_DESC(test_kexec_unload_busy,
		 "test only, loopback only: the unload of a refused kexec image fails with -EBUSY");

/**
 * heki_test_kexec_unload_busy() - whether to fail that unload
 *
 * Return: true when test_kexec_unload_busy is set (loopback only).
 */
bool heki_test_kexec_unload_busy(void)
{
	return READ_ONCE(test_kexec_unload_busy) && heki_loopback_active();
}

/*
 * The pause knobs below: sleep @ms (at most 10 s) when @on, logged as
 * "@knob: N ms @when" (the VM suites look for that line).
 */
static void heki_test_sleep(const char *knob, unsigned int ms, bool on,
			    const char *when)
{
	ms = min(ms, 10000U);
	if (!ms || !on)
		return;
	pr_info("%s: %u ms %s\n", knob, ms, when);
	msleep(ms);
}

/*
 * test_kexec_pause_ms=N - heki_kexec_validate() (kmod/kexec.c) sleeps N ms
 * once it has pinned heki_vtl0 (try_module_get) and before KexecValidate:
 * an rmmod -f started meanwhile finds no image held, and the image is
 * accepted while heki_kexec_exit() waits for the load. 0: off.
 */
static unsigned int test_kexec_pause_ms;
module_param(test_kexec_pause_ms, uint, 0600);
MODULE_PARM_DESC(test_kexec_pause_ms,
		 "test only, loopback only: a kexec image's validation sleeps this long (ms, at most 10000) before KexecValidate");

/**
 * heki_test_kexec_pause() - the pause of test_kexec_pause_ms, if set
 *
 * Context: process context (kexec_file_load, heki_vtl0 pinned).
 */
void heki_test_kexec_pause(void)
{
	heki_test_sleep("test_kexec_pause_ms", READ_ONCE(test_kexec_pause_ms),
			heki_loopback_active(), "before KexecValidate");
}

/*
 * test_init_pause_ms=N - heki_vtl0's init sleeps N ms just before its
 * SignalEndOfBoot step (kmod/boot.c), after LoadKData: a module loaded
 * meanwhile is validated, and an end-of-boot step that then fails
 * (test_result) meets its token. 0: off.
 */
static unsigned int test_init_pause_ms;
module_param(test_init_pause_ms, uint, 0400);
MODULE_PARM_DESC(test_init_pause_ms,
		 "test only, loopback only: sleep this long (ms, at most 10000) in init before the SignalEndOfBoot step");

/**
 * heki_test_init_pause() - the pause of test_init_pause_ms, if set
 *
 * Context: module init, the module notifier registered, LoadKData done.
 */
void heki_test_init_pause(void)
{
	heki_test_sleep("test_init_pause_ms", test_init_pause_ms,
			heki_loopback_active(), "before SignalEndOfBoot");
}

/*
 * test_ibt=1 - the hyperv transport's detection treats kernel IBT as on,
 * so a VTL call entry without ENDBR64 is refused as on a CPU with IBT
 * (QEMU TCG emulates no CET). Read at load and at every VTL call.
 */
static bool test_ibt;
module_param(test_ibt, bool, 0400);
MODULE_PARM_DESC(test_ibt,
		 "test only, hyperv transport: treat kernel IBT as on");

/**
 * heki_test_ibt() - whether test_ibt asks to treat IBT as on
 *
 * Return: test_ibt.
 */
bool heki_test_ibt(void)
{
	return test_ibt;
}

/*
 * test_poke_pause_ms=N - heki_poke() (kmod/textpoke.c) sleeps N ms after
 * its int3 step, so that another CPU meets the int3 and the notifier's
 * emulation runs. 0: off.
 */
static unsigned int test_poke_pause_ms;
module_param(test_poke_pause_ms, uint, 0600);
MODULE_PARM_DESC(test_poke_pause_ms,
		 "test only: sleep this long (ms, at most 10000) between the int3 step of a PatchText rewrite and the next");

/**
 * heki_test_poke_pause() - the pause of test_poke_pause_ms, if set
 *
 * Context: process context (heki_poke(), text_mutex held).
 */
void heki_test_poke_pause(void)
{
	heki_test_sleep("test_poke_pause_ms", READ_ONCE(test_poke_pause_ms),
			true, "with the int3 in place");
}

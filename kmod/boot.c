// SPDX-License-Identifier: GPL-2.0-only
/*
 * boot.c - hardening at load time
 *
 * A patched HEKI kernel does these four steps right after
 * mark_rodata_ro(); heki_vtl0 does them from its init function, in the
 * same order, each behind its own module parameter:
 *
 *  1. LOCK_REGS on every online CPU (the intercepts are per VP);
 *  2. PROTECT_MEMORY: core kernel text R|X and rodata R;
 *  3. LOAD_KDATA: the system certificates (certs= firmware file), the
 *     kernel info (ksymtab bounds, then struct heki_kernel_info_ext:
 *     version, text bounds, return thunk in use, pv_ops, the CPU
 *     capability words boot_cpu_data.x86_capability) and the kernel
 *     data the ksymtab bounds point into;
 *  4. SIGNAL_END_OF_BOOT: VTL1 refuses steps 1-3 from now on.
 *
 * The certs= file is read and checked before the first VTL call, so a bad
 * file changes nothing in VTL1. The first failing step stops the sequence
 * and fails the module load, unless VTL1 may protect kernel text by then
 * (heki_boot_text_protected()): main.c then fails closed instead.
 * Each step's outcome is logged and shown in debugfs (heki/boot).
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/firmware.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>
#include <linux/version.h>
#include <asm/cpufeature.h>
#include <asm/paravirt_types.h>
#include <asm/processor.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"
#include "heki_test.h"
#include "compat/ksyms.h"

enum heki_boot_step_id {
	HEKI_BOOT_LOCK_REGS,
	HEKI_BOOT_PROTECT_KERNEL,
	HEKI_BOOT_LOAD_KDATA,
	HEKI_BOOT_END_OF_BOOT,
	HEKI_BOOT_NSTEPS,
};

/**
 * struct heki_boot_step - outcome of one boot step, for debugfs
 * @name:    parameter name of the step
 * @state:   "off" (parameter false), "not run", "ok" or "failed"
 * @result:  the step's error code (0 on success)
 * @detail:  one line of what was sent (CPUs, ranges, pages, bytes)
 */
struct heki_boot_step {
	const char *name;
	const char *state;
	long result;
	char detail[128];
};

static struct heki_boot_step heki_boot_steps[HEKI_BOOT_NSTEPS] = {
	[HEKI_BOOT_LOCK_REGS] = { .name = "lock_regs" },
	[HEKI_BOOT_PROTECT_KERNEL] = { .name = "protect_kernel" },
	[HEKI_BOOT_LOAD_KDATA] = { .name = "load_kdata" },
	[HEKI_BOOT_END_OF_BOOT] = { .name = "end_of_boot" },
};

static bool heki_boot_vtl1_changed;
/* ProtectMemory was sent and its R8 is no documented answer (-EPROTO). */
static bool heki_boot_text_unknown;
/* LockRegs ran on every online CPU / SignalEndOfBoot succeeded. */
static bool heki_boot_regs_done;
static bool heki_boot_eob_sent;

/* The VTL function whose answer each step's result is. */
static const u32 heki_boot_step_func[HEKI_BOOT_NSTEPS] = {
	[HEKI_BOOT_LOCK_REGS] = VSM_VTL_CALL_FUNC_ID_LOCK_REGS_VALUE,
	[HEKI_BOOT_PROTECT_KERNEL] = VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE,
	[HEKI_BOOT_LOAD_KDATA] = VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE,
	[HEKI_BOOT_END_OF_BOOT] = VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
};

static void heki_boot_record(enum heki_boot_step_id id, long result)
{
	struct heki_boot_step *s = &heki_boot_steps[id];
	enum heki_vsm_error code;
	const char *why;

	s->result = result;
	s->state = result < 0 ? "failed" : "ok";
	if (result >= 0)
		heki_boot_vtl1_changed = true;
	if (result < 0) {
		/* VTL1's named reason, when the transport reports one. */
		code = (enum heki_vsm_error)heki_vtl_last_error(heki_boot_step_func[id]);
		why = code ? heki_vsm_error_name(code) : NULL;
		pr_err("boot: %s failed (%ld)%s%s%s%s%s%s\n", s->name, result,
		       s->detail[0] ? ": " : "", s->detail,
		       why ? "; VTL1: " : "", why ? why : "",
		       why ? " - " : "",
		       why ? heki_vsm_error_message(code) : "");
	} else {
		pr_info("boot: %s ok%s%s\n", s->name,
			s->detail[0] ? ": " : "", s->detail);
	}
	heki_audit_event("heki_boot", s->name, result < 0 ? result : 0,
			 heki_boot_step_func[id], NULL);
}

static int heki_boot_lock_regs(void)
{
	struct heki_boot_step *s = &heki_boot_steps[HEKI_BOOT_LOCK_REGS];
	unsigned int cpu, locked = 0;
	s64 res = 0;
	int ret = 0;

	/* Excludes CPU hotplug: cpus.c locks CPUs that come online later. */
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		if (heki_cpus_is_locked(cpu)) {
			locked++;
			continue;
		}
		ret = heki_vtl_call_on_cpu(cpu,
					   VSM_VTL_CALL_FUNC_ID_LOCK_REGS_VALUE,
					   0, 0, 0, &res);
		if (!ret && res < 0)
			ret = (int)res;
		if (ret) {
			scnprintf(s->detail, sizeof(s->detail),
				  "CPU %u refused after %u locked", cpu,
				  locked);
			break;
		}
		heki_cpus_set_locked(cpu);
		locked++;
	}
	if (!ret)
		WRITE_ONCE(heki_boot_regs_done, true);
	cpus_read_unlock();
	if (!ret)
		scnprintf(s->detail, sizeof(s->detail), "%u of %u online CPUs",
			  locked, num_online_cpus());
	/* Any CPU locked changed VTL1 state even if a later one failed. */
	if (ret && locked)
		heki_boot_vtl1_changed = true;
	return ret;
}

static int heki_boot_kernel_range(const char *start_sym, const char *end_sym,
				  unsigned long *start, unsigned long *end)
{
	*start = heki_ksym(start_sym);
	*end = heki_ksym(end_sym);
	if (!*start || !*end || *end <= *start) {
		pr_err("boot: kernel symbols %s/%s not found in kallsyms\n",
		       start_sym, end_sym);
		return -ENOENT;
	}
	return 0;
}

/*
 * heki_vtl0's own code: its text R|X, its read-only data (rodata and
 * ro_after_init) R, like the core kernel's. Its init memory is not sent:
 * the kernel frees it when init returns.
 */
#ifdef for_each_mod_mem_type
static int heki_boot_add_self(struct heki_chain *c, unsigned long *bytes)
{
	static const enum mod_mem_type types[] = {
		MOD_TEXT, MOD_RODATA, MOD_RO_AFTER_INIT,
	};
	unsigned int i;
	int ret = 0;

	*bytes = 0;
	for (i = 0; i < ARRAY_SIZE(types) && !ret; i++) {
		const struct module_memory *m = &THIS_MODULE->mem[types[i]];

		if (!m->size)
			continue;
		ret = heki_chain_add_va(c, (unsigned long)m->base,
					PAGE_ALIGN(m->size),
					heki_mem_attr_raw(types[i] == MOD_TEXT ?
							  MEM_ATTR_READ |
							  MEM_ATTR_EXEC :
							  MEM_ATTR_READ));
		*bytes += PAGE_ALIGN(m->size);
	}
	return ret;
}
#else
static int heki_boot_add_self(struct heki_chain *c, unsigned long *bytes)
{
	const struct module_layout *l = &THIS_MODULE->core_layout;
	unsigned long base = (unsigned long)l->base;
	int ret;

	*bytes = l->ro_after_init_size;
	ret = heki_chain_add_va(c, base, l->text_size,
				heki_mem_attr_raw(MEM_ATTR_READ |
						  MEM_ATTR_EXEC));
	if (!ret && l->ro_after_init_size > l->text_size)
		ret = heki_chain_add_va(c, base + l->text_size,
					l->ro_after_init_size - l->text_size,
					heki_mem_attr_raw(MEM_ATTR_READ));
	return ret;
}
#endif

static int heki_boot_protect_kernel(void)
{
	struct heki_boot_step *s = &heki_boot_steps[HEKI_BOOT_PROTECT_KERNEL];
	unsigned long text, etext, ro, ero, self = 0;
	struct heki_chain c;
	s64 ret;

	ret = heki_boot_kernel_range("_stext", "_etext", &text, &etext);
	if (!ret)
		ret = heki_boot_kernel_range("__start_rodata", "__end_rodata",
					     &ro, &ero);
	if (ret)
		return ret;
	/* PROTECT_MEMORY takes whole pages; both ends pad to a page. */
	text = round_down(text, PAGE_SIZE);
	etext = round_up(etext, PAGE_SIZE);
	ro = round_down(ro, PAGE_SIZE);
	ero = round_up(ero, PAGE_SIZE);

	heki_chain_init(&c);
	ret = heki_chain_add_va(&c, text, etext - text,
				heki_mem_attr_raw(MEM_ATTR_READ |
						  MEM_ATTR_EXEC));
	if (!ret)
		ret = heki_chain_add_va(&c, ro, ero - ro,
					heki_mem_attr_raw(MEM_ATTR_READ));
	if (!ret)
		ret = heki_boot_add_self(&c, &self);
	if (!ret)
		ret = heki_call_chain(VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE,
				      &c, 0);
	/*
	 * An undefined R8 (-EPROTO) comes back only from a call that was
	 * sent: VTL1 may have applied it. Assume so (fail closed).
	 */
	if (ret == -EPROTO)
		heki_boot_text_unknown = true;
	scnprintf(s->detail, sizeof(s->detail),
		  "text %lu KiB R|X, rodata %lu KiB R, own code %lu KiB, %llu ranges, %u pages",
		  (etext - text) >> 10, (ero - ro) >> 10, self >> 10,
		  (unsigned long long)c.nranges, c.npages);
	heki_chain_free(&c);
	return ret < 0 ? (int)ret : 0;
}

/*
 * The certs= file must be DER certificates back to back, each a SEQUENCE
 * with a two-byte length (30 82 hi lo), which is what VTL1 parses.
 */
static int heki_boot_count_certs(const u8 *p, size_t len, unsigned int *n)
{
	size_t off = 0;

	*n = 0;
	while (off < len) {
		size_t clen;

		if (len - off < 4 || p[off] != 0x30 || p[off + 1] != 0x82) {
			pr_err("boot: certs file: no DER certificate at offset %zu\n",
			       off);
			return -EINVAL;
		}
		clen = 4 + ((size_t)p[off + 2] << 8 | p[off + 3]);
		if (clen > len - off) {
			pr_err("boot: certs file: certificate at offset %zu is truncated\n",
			       off);
			return -EINVAL;
		}
		off += clen;
		(*n)++;
	}
	return *n ? 0 : -EINVAL;
}

static bool heki_boot_hex_lower(const u8 *p, size_t n)
{
	while (n--) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
		p++;
	}
	return true;
}

/*
 * The blocklist= file: the kernel's .blacklist descriptions one a line,
 * "bin:" or "tbs:" and 64, 96 or 128 lowercase hex digits; empty lines
 * and '#' comments. VTL1 checks the same (BLOCKLIST_INVALID); checking
 * here fails the load before VTL1 is touched, as for certs=.
 */
static int heki_boot_count_blocklist(const u8 *p, size_t len, unsigned int *n)
{
	size_t off = 0, end, digits;

	*n = 0;
	while (off < len) {
		for (end = off; end < len && p[end] != '\n'; end++)
			;
		if (end > off && p[off] != '#') {
			digits = end - off < 4 ? 0 : end - off - 4;
			if (!digits || (memcmp(p + off, "bin:", 4) &&
					memcmp(p + off, "tbs:", 4)) ||
			    (digits != 64 && digits != 96 && digits != 128) ||
			    !heki_boot_hex_lower(p + off + 4, digits)) {
				pr_err("boot: blocklist file: line at offset %zu is not bin:<hex> or tbs:<hex>\n",
				       off);
				return -EINVAL;
			}
			if (++*n > HEKI_KDATA_BLOCKLIST_MAX) {
				pr_err("boot: blocklist file: more than %u entries\n",
				       HEKI_KDATA_BLOCKLIST_MAX);
				return -E2BIG;
			}
		}
		off = end + 1;
	}
	return 0;
}

static int heki_boot_load_file(const char *param, const char *name,
			       int (*check)(const u8 *p, size_t len,
					    unsigned int *n),
			       void **buf, size_t *len, unsigned int *n)
{
	const struct firmware *fw;
	int ret;

	ret = request_firmware_direct(&fw, name, NULL);
	if (ret) {
		pr_err("boot: cannot load %s=%s from /lib/firmware (%d)\n",
		       param, name, ret);
		return ret;
	}
	ret = check(fw->data, fw->size, n);
	if (!ret && fw->size) {
		*buf = vmalloc(fw->size);
		if (*buf) {
			memcpy(*buf, fw->data, fw->size);
			*len = fw->size;
		} else {
			ret = -ENOMEM;
		}
	}
	release_firmware(fw);
	return ret;
}

/*
 * The certs=, revoked= and blocklist= files, read and checked before any
 * VTL call is made (an empty blocklist file is sent as nothing).
 */
static struct heki_boot_file {
	const char *param;
	const char *name;
	int (*check)(const u8 *p, size_t len, unsigned int *n);
	u64 type;
	void *buf;
	size_t len;
	unsigned int n;
} heki_boot_files[] = {
	{ "certs", NULL, heki_boot_count_certs,
	  HEKI_KDATA_SYSTEM_CERTS_VALUE },
	{ "revoked", NULL, heki_boot_count_certs,
	  HEKI_KDATA_REVOCATION_CERTS_VALUE },
	{ "blocklist", NULL, heki_boot_count_blocklist,
	  HEKI_KDATA_BLOCKLIST_HASHES_VALUE },
};

static void heki_boot_free_certs(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(heki_boot_files); i++) {
		vfree(heki_boot_files[i].buf);
		heki_boot_files[i].buf = NULL;
		heki_boot_files[i].len = 0;
		heki_boot_files[i].n = 0;
	}
}

#ifdef CONFIG_PARAVIRT
#define HEKI_BOOT_PV_OPS_COUNT \
	(sizeof(struct paravirt_patch_template) / sizeof(unsigned long))
#else
#define HEKI_BOOT_PV_OPS_COUNT	0
#endif
static_assert(HEKI_BOOT_PV_OPS_COUNT <= HEKI_KERNEL_INFO_EXT_PV_OPS_MAX);
static_assert(ARRAY_SIZE(boot_cpu_data.x86_capability) >=
	      HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN &&
	      ARRAY_SIZE(boot_cpu_data.x86_capability) <=
	      HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX);

/* Bytes of the KernelInfo blob: the 32, the extension, the pv_ops values. */
#define HEKI_BOOT_KINFO_SIZE \
	(sizeof(struct heki_kernel_info) + \
	 sizeof(struct heki_kernel_info_ext) + 8 * HEKI_BOOT_PV_OPS_COUNT)

/* Address of a kernel symbol that must exist; logs the one missing. */
static unsigned long heki_boot_need(const char *name, int *ret)
{
	unsigned long va = heki_ksym(name);

	if (!va && !*ret) {
		pr_err("boot: kernel symbol %s not found in kallsyms\n", name);
		*ret = -ENOENT;
	}
	return va;
}

/* The first of @names that exists (compat/ksyms.h); logs the first name. */
static unsigned long heki_boot_need_any(const char *const *names, int *ret)
{
	unsigned long va = heki_ksym_first(names);

	if (!va && !*ret) {
		pr_err("boot: kernel symbol %s not found in kallsyms\n", names[0]);
		*ret = -ENOENT;
	}
	return va;
}

/**
 * heki_boot_fill_kinfo_ext() - struct heki_kernel_info_ext and pv_ops
 * @x: the extension, zeroed, followed by room for HEKI_BOOT_PV_OPS_COUNT
 *	values
 *
 * The return thunk is the value of x86_return_thunk (6.1.y with the SRSO
 * backport), else __x86_return_thunk; RETHUNK and ITS say what
 * patch_return() writes with it. The CPU capability words (all
 * NCAPINTS + NBUGINTS, a compile-time bound) pin every later module's
 * alternatives and retpolines in VTL1. Fails closed: any required symbol that
 * kallsyms does not know fails LOAD_KDATA.
 *
 * Return: 0 or -ENOENT.
 */
static int heki_boot_fill_kinfo_ext(struct heki_kernel_info_ext *x)
{
	static const char *const pv_nop[] = HEKI_KSYMS_PV_NOP;
	static const char *const pv_bug[] = HEKI_KSYMS_PV_BUG;
	unsigned long rt, its;
	int ret = 0;

	x->magic = HEKI_KERNEL_INFO_EXT_MAGIC;
	x->size = sizeof(*x);
	/* LINUX_VERSION_CODE, spelled out (checkpatch) */
	x->linux_version = KERNEL_VERSION(LINUX_VERSION_MAJOR,
					  LINUX_VERSION_PATCHLEVEL,
					  LINUX_VERSION_SUBLEVEL);
	x->text_start = heki_boot_need("_stext", &ret);
	x->text_end = heki_boot_need("_etext", &ret);
	rt = heki_ksym("x86_return_thunk");
	if (rt)
		x->return_thunk = *(const unsigned long *)rt;
	else
		x->return_thunk = heki_boot_need("__x86_return_thunk", &ret);
	if (cpu_feature_enabled(X86_FEATURE_RETHUNK))
		x->flags |= HEKI_KERNEL_INFO_EXT_RETHUNK;
	its = heki_ksym("its_return_thunk");
	if (its && x->return_thunk == its)
		x->flags |= HEKI_KERNEL_INFO_EXT_ITS_THUNK;
	/*
	 * The feature words apply_alternatives() / apply_retpolines() test
	 * at every later module load; VTL1 pins each site to them.
	 */
	x->ncapwords = ARRAY_SIZE(boot_cpu_data.x86_capability);
	memcpy(x->capwords, boot_cpu_data.x86_capability,
	       sizeof(boot_cpu_data.x86_capability));
	heki_test_capflip(x->capwords, x->ncapwords);
	pr_info("boot: %u CPU capability words for VTL1 (retpoline %d, lfence %d, its %d)\n",
		x->ncapwords, boot_cpu_has(X86_FEATURE_RETPOLINE),
		boot_cpu_has(X86_FEATURE_RETPOLINE_LFENCE),
		boot_cpu_has(X86_FEATURE_INDIRECT_THUNK_ITS));
	if (HEKI_BOOT_PV_OPS_COUNT) {
		x->pv_ops_va = heki_boot_need("pv_ops", &ret);
		x->pv_nop_func = heki_boot_need_any(pv_nop, &ret);
		x->pv_bug_func = heki_boot_need_any(pv_bug, &ret);
		if (!ret) {
			x->pv_ops_count = HEKI_BOOT_PV_OPS_COUNT;
			memcpy(x + 1, (const void *)x->pv_ops_va,
			       8 * HEKI_BOOT_PV_OPS_COUNT);
		}
	}
	return ret;
}

/**
 * heki_boot_purgatory() - name the kernel's kexec_purgatory to VTL1
 * @x: the kernel info extension
 * @ro: start of the kernel's rodata
 * @ero: its end
 *
 * kexec_purgatory (the purgatory ELF kexec_file_load relocates into every
 * image) and the u64 kexec_purgatory_size live in rodata
 * (arch/x86/purgatory/kexec-purgatory.S). VTL1 copies the ELF only from
 * frames the kernel made read-only before LoadKData, and binds every
 * kexec image's purgatory to it. The protect_kernel step did that for all
 * of rodata; without it, the pages holding the two symbols are protected
 * read-only here (they never change: rodata). A kernel without
 * CONFIG_KEXEC_FILE, symbols outside rodata or a failed protection leave
 * both fields zero: VTL1 then refuses every KexecValidate
 * (KEXEC_PURGATORY_UNKNOWN); it never accepts a purgatory it cannot check.
 */
static void heki_boot_purgatory(struct heki_kernel_info_ext *x,
				unsigned long ro, unsigned long ero)
{
	unsigned long p = heki_ksym("kexec_purgatory");
	unsigned long sz = heki_ksym("kexec_purgatory_size");
	unsigned long lo, hi;
	struct heki_chain c;
	u64 size;
	s64 ret;

	if (!p || !sz || p < ro || p >= ero || sz < ro ||
	    sz > ero - sizeof(u64)) {
		pr_info("boot: no kexec_purgatory in rodata: kexec images will be refused\n");
		return;
	}
	size = *(const u64 *)sz;
	if (!size || size > ero - p) {
		pr_info("boot: kexec_purgatory_size %llu outside rodata: kexec images will be refused\n",
			size);
		return;
	}
	if (!heki_boot_text_protected()) {
		lo = round_down(min(p, sz), PAGE_SIZE);
		hi = round_up(max(p + (unsigned long)size, sz + sizeof(u64)),
			      PAGE_SIZE);
		heki_chain_init(&c);
		ret = heki_chain_add_va(&c, lo, hi - lo,
					heki_mem_attr_raw(MEM_ATTR_READ));
		if (!ret)
			ret = heki_call_chain(VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE,
					      &c, 0);
		heki_chain_free(&c);
		if (ret) {
			pr_info("boot: kexec_purgatory not protected (%lld): kexec images will be refused\n",
				ret);
			return;
		}
	}
	x->kexec_purgatory = p;
	x->kexec_purgatory_size = sz;
}

static int heki_boot_load_kdata(void)
{
	struct heki_boot_step *s = &heki_boot_steps[HEKI_BOOT_LOAD_KDATA];
	struct heki_kernel_info *kinfo;
	unsigned long ro, ero, gpl, egpl = 0;
	struct heki_chain c;
	__le64 *mode;
	unsigned int i;
	s64 ret;

	kinfo = kzalloc(HEKI_BOOT_KINFO_SIZE + HEKI_MODE_SIZE, GFP_KERNEL);
	if (!kinfo)
		return -ENOMEM;
	/* The Mode value after the kernel info, in the same allocation. */
	mode = (__le64 *)((u8 *)kinfo + HEKI_BOOT_KINFO_SIZE);
	*mode = cpu_to_le64(HEKI_MODE_PERMISSIVE);
	kinfo->ksymtab_start = heki_ksym("__start___ksymtab");
	kinfo->ksymtab_end = heki_ksym("__stop___ksymtab");
	if (heki_ksymtab_gpl(kinfo->ksymtab_end, &gpl, &egpl))
		gpl = 0;
	kinfo->ksymtab_gpl_start = gpl;
	kinfo->ksymtab_gpl_end = egpl;
	ret = heki_boot_kernel_range("__start_rodata", "__end_rodata", &ro,
				     &ero);
	if (ret)
		goto out;
	/* VTL1 rebuilds the symbol tables from the kernel data: all inside. */
	if (!kinfo->ksymtab_start || !kinfo->ksymtab_gpl_start ||
	    kinfo->ksymtab_start < ro || kinfo->ksymtab_end > ero ||
	    kinfo->ksymtab_end < kinfo->ksymtab_start ||
	    kinfo->ksymtab_gpl_start < ro || kinfo->ksymtab_gpl_end > ero ||
	    kinfo->ksymtab_gpl_end < kinfo->ksymtab_gpl_start) {
		scnprintf(s->detail, sizeof(s->detail),
			  "ksymtab bounds missing or outside rodata");
		ret = -ENOENT;
		goto out;
	}
	ret = heki_boot_fill_kinfo_ext((struct heki_kernel_info_ext *)(kinfo + 1));
	if (ret) {
		scnprintf(s->detail, sizeof(s->detail),
			  "kernel info extension: symbol missing");
		goto out;
	}
	/* VTL1 reads kallsyms only from rodata the kernel protected. */
	if (heki_boot_text_protected())
		heki_kallsyms_locate((struct heki_kernel_info_ext *)(kinfo + 1),
				     ro, ero);
	heki_boot_purgatory((struct heki_kernel_info_ext *)(kinfo + 1), ro, ero);

	heki_chain_init(&c);
	for (i = 0; i < ARRAY_SIZE(heki_boot_files) && !ret; i++)
		if (heki_boot_files[i].len)
			ret = heki_chain_add_va(&c,
						(unsigned long)heki_boot_files[i].buf,
						heki_boot_files[i].len,
						heki_boot_files[i].type);
	if (!ret)
		ret = heki_chain_add_va(&c, (unsigned long)kinfo,
					HEKI_BOOT_KINFO_SIZE,
					HEKI_KDATA_KERNEL_INFO_VALUE);
	if (!ret)
		ret = heki_chain_add_va(&c, ro, ero - ro,
					HEKI_KDATA_KERNEL_DATA_VALUE);
	/*
	 * Enforce sends no Mode (VTL1's default; a VTL1 without the
	 * extension keeps working); permissive must reach VTL1 or fail.
	 */
	if (!ret && heki_permissive())
		ret = heki_chain_add_va(&c, (unsigned long)mode, HEKI_MODE_SIZE,
					HEKI_KDATA_MODE_VALUE);
	if (!ret)
		ret = heki_call_chain(VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE, &c,
				      0);
	scnprintf(s->detail, sizeof(s->detail),
		  "%u certificates (%zu bytes), %u revoked, %u blocked hashes, kernel data %lu KiB, %llu ranges, %u pages, mode %s",
		  heki_boot_files[0].n, heki_boot_files[0].len,
		  heki_boot_files[1].n, heki_boot_files[2].n, (ero - ro) >> 10,
		  (unsigned long long)c.nranges, c.npages, heki_mode_name());
	heki_chain_free(&c);
out:
	kfree(kinfo);
	return ret < 0 ? (int)ret : 0;
}

static int heki_boot_end_of_boot(void)
{
	s64 ret;

	/*
	 * Set before the call: a CPU coming online from now on is refused
	 * instead of locked (VTL1 refuses LockRegs after end of boot; if
	 * the call fails, the load fails or fails closed anyway).
	 */
	WRITE_ONCE(heki_boot_eob_sent, true);
	ret = heki_vtl_call(VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE,
			    0, 0, 0);
	return ret < 0 ? (int)ret : 0;
}

/**
 * heki_boot_run() - run the enabled boot steps in order
 * @opts: which steps, and the certs= file name
 *
 * Context: process context, after the transport is up. Stops at the first
 * failing step.
 * Return: 0 or that step's negative error.
 */
int heki_boot_run(const struct heki_boot_opts *opts)
{
	const bool on[HEKI_BOOT_NSTEPS] = {
		[HEKI_BOOT_LOCK_REGS] = opts->lock_regs,
		[HEKI_BOOT_PROTECT_KERNEL] = opts->protect_kernel,
		[HEKI_BOOT_LOAD_KDATA] = opts->load_kdata,
		[HEKI_BOOT_END_OF_BOOT] = opts->end_of_boot,
	};
	struct heki_boot_file *f;
	int id, ret = 0;

	for (id = 0; id < HEKI_BOOT_NSTEPS; id++) {
		heki_boot_steps[id].state = on[id] ? "not run" : "off";
		heki_boot_steps[id].result = 0;
		heki_boot_steps[id].detail[0] = '\0';
	}
	heki_boot_vtl1_changed = false;
	heki_boot_text_unknown = false;
	heki_boot_regs_done = false;
	heki_boot_eob_sent = false;

	/* A bad certs= file fails the load before VTL1 is touched at all. */
	if (opts->load_kdata) {
		if (!opts->certs || !opts->certs[0]) {
			pr_err("boot: load_kdata needs certs=\n");
			return -EINVAL;
		}
		heki_boot_files[0].name = opts->certs;
		heki_boot_files[1].name = opts->revoked;
		heki_boot_files[2].name = opts->blocklist;
		for (id = 0; id < (int)ARRAY_SIZE(heki_boot_files) && !ret; id++) {
			f = &heki_boot_files[id];
			if (!f->name || !f->name[0])
				continue;
			ret = heki_boot_load_file(f->param, f->name, f->check,
						  &f->buf, &f->len, &f->n);
			if (ret)
				scnprintf(heki_boot_steps[HEKI_BOOT_LOAD_KDATA].detail,
					  sizeof(heki_boot_steps[0].detail),
					  "%s=%s unusable", f->param, f->name);
		}
		if (ret) {
			heki_boot_free_certs();
			heki_boot_record(HEKI_BOOT_LOAD_KDATA, ret);
			return ret;
		}
	}

	for (id = 0; id < HEKI_BOOT_NSTEPS && !ret; id++) {
		if (!on[id]) {
			pr_info("boot: %s skipped (parameter off)\n",
				heki_boot_steps[id].name);
			continue;
		}
		/*
		 * Tracepoint static calls to their iterators first: VTL1
		 * refuses every later update of them (kmod/scall.c).
		 */
		if (id == HEKI_BOOT_PROTECT_KERNEL)
			heki_scall_tp_reset();
		switch (id) {
		case HEKI_BOOT_LOCK_REGS:
			ret = heki_boot_lock_regs();
			break;
		case HEKI_BOOT_PROTECT_KERNEL:
			ret = heki_boot_protect_kernel();
			break;
		case HEKI_BOOT_LOAD_KDATA:
			ret = heki_boot_load_kdata();
			break;
		default:
			heki_test_init_pause();
			ret = heki_boot_end_of_boot();
			break;
		}
		heki_boot_record(id, ret);
		if (id == HEKI_BOOT_PROTECT_KERNEL)
			heki_scall_tp_done();
	}
	heki_boot_free_certs();
	return ret;
}

/**
 * heki_boot_changed_vtl1() - whether a boot step changed VTL1's state
 *
 * Return: true once any step succeeded (or LOCK_REGS locked any CPU).
 */
bool heki_boot_changed_vtl1(void)
{
	return heki_boot_vtl1_changed;
}

/**
 * heki_boot_text_protected() - whether VTL1 may protect kernel text
 *
 * Return: true if the protect_kernel step succeeded in the last run, or
 * if VTL1 answered it with an R8 the ABI does not define (the call was
 * sent, so VTL1's state is unknown and is assumed protected). From then
 * on, with a real VTL1, any write to kernel text from VTL0 faults,
 * including the removal of heki_vtl0's own ftrace hook.
 */
bool heki_boot_text_protected(void)
{
	const struct heki_boot_step *s =
		&heki_boot_steps[HEKI_BOOT_PROTECT_KERNEL];

	return heki_boot_text_unknown || (s->state && !strcmp(s->state, "ok"));
}

/**
 * heki_boot_text_state_unknown() - ProtectMemory got an undefined answer
 *
 * Return: true if the protect_kernel step was sent and VTL1 answered an
 * R8 the ABI does not define (heki_boot_text_protected() is then true).
 */
bool heki_boot_text_state_unknown(void)
{
	return heki_boot_text_unknown;
}

/**
 * heki_boot_self_text() - is a range in heki_vtl0's own protected text?
 * @addr: first byte
 * @len: number of bytes
 *
 * heki_vtl0's core text is sent with the kernel's in the protect_kernel
 * step (heki_boot_add_self()). Its own tracepoint's static call and
 * static key sites lie there: once protected, their updates must go to
 * VTL1 (which refuses them: no patch site) rather than the kernel's path.
 *
 * Return: true if kernel text may be protected and any byte of the range
 * lies in heki_vtl0's core text.
 */
bool heki_boot_self_text(unsigned long addr, unsigned long len)
{
#ifdef for_each_mod_mem_type
	const struct module_memory *m = &THIS_MODULE->mem[MOD_TEXT];
	unsigned long base = (unsigned long)m->base, size = m->size;
#else
	unsigned long base = (unsigned long)THIS_MODULE->core_layout.base;
	unsigned long size = THIS_MODULE->core_layout.text_size;
#endif

	if (!len || !heki_boot_text_protected())
		return false;
	return addr < base + size && addr + len > base;
}

/**
 * heki_boot_regs_locked() - whether the LockRegs step locked every CPU
 *
 * Context: stable under cpus_read_lock() or in a hotplug callback.
 * Return: true once every CPU online at that time was locked.
 */
bool heki_boot_regs_locked(void)
{
	return READ_ONCE(heki_boot_regs_done);
}

/**
 * heki_boot_end_of_boot_signalled() - whether SignalEndOfBoot was sent
 *
 * Return: true from just before the call on (VTL1 then refuses LockRegs).
 */
bool heki_boot_end_of_boot_signalled(void)
{
	return READ_ONCE(heki_boot_eob_sent);
}

/* /sys/kernel/heki/boot/<step>: "<state> <result>", e.g. "ok 0". */
#define HEKI_BOOT_SYSFS(id, name)					\
	HEKI_SYSFS_ATTR(heki_boot, name, "%s %ld",			\
			heki_boot_steps[id].state ?			\
			heki_boot_steps[id].state : "not run",		\
			heki_boot_steps[id].result)
HEKI_BOOT_SYSFS(HEKI_BOOT_LOCK_REGS, lock_regs);
HEKI_BOOT_SYSFS(HEKI_BOOT_PROTECT_KERNEL, protect_kernel);
HEKI_BOOT_SYSFS(HEKI_BOOT_LOAD_KDATA, load_kdata);
HEKI_BOOT_SYSFS(HEKI_BOOT_END_OF_BOOT, end_of_boot);

static struct attribute *heki_boot_attrs[] = {
	&heki_boot_lock_regs_attr.attr,
	&heki_boot_protect_kernel_attr.attr,
	&heki_boot_load_kdata_attr.attr,
	&heki_boot_end_of_boot_attr.attr,
	NULL,
};

/* /sys/kernel/heki/boot/, added by heki_sysfs_init() (main.c). */
const struct attribute_group heki_boot_sysfs_group = {
	.name = "boot",
	.attrs = heki_boot_attrs,
};

/**
 * heki_boot_show() - debugfs: one line per boot step
 * @m: seq_file to print to
 */
void heki_boot_show(struct seq_file *m)
{
	int id;

	for (id = 0; id < HEKI_BOOT_NSTEPS; id++) {
		const struct heki_boot_step *s = &heki_boot_steps[id];

		seq_printf(m, "%-15s %-8s %ld%s%s\n", s->name,
			   s->state ? s->state : "not run", s->result,
			   s->detail[0] ? "  " : "", s->detail);
	}
}

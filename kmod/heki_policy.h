/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * heki_policy.h - interface between the policy files of heki_vtl0.ko
 *
 * main.c owns the module parameters and the init/exit order; it calls:
 *   ksym.c      kernel symbol addresses (kallsyms through a kprobe)
 *   kallsyms.c  where the kallsyms tables are (for VTL1's branch targets)
 *   boot.c      hardening at load: LockRegs, ProtectMemory, LoadKData,
 *               SignalEndOfBoot
 *   pristine.c  capture of each module's signed image before the loader
 *               changes it (ftrace hook on load_module)
 *   modhook.c   module lifecycle: ValidateModule at COMING,
 *               FreeModuleInit at LIVE, UnloadModule at GOING
 *   scall.c     static calls of validated module text (PatchText)
 *   jlabel.c    jump labels of validated module text (PatchText)
 *   kexec.c     KexecValidate of every kexec_file_load image (ftrace
 *               hooks in the kexec path), invalidation at kimage_free
 *   cpus.c      CPUs coming online: probe, LockRegs or refusal
 *   audit.c     audit records of every verdict, boot step and state
 * Mechanism (chains, transports, debugfs, sysfs, stats) is in heki_vtl0.h.
 */
#ifndef _KMOD_HEKI_POLICY_H
#define _KMOD_HEKI_POLICY_H

#include <linux/types.h>

struct seq_file;
struct dentry;

/* ------------------------------------------------------------------ */
/* Fail-closed state (main.c)                                          */
/* ------------------------------------------------------------------ */

bool heki_fail_closed(void);
bool heki_permissive(void);
const char *heki_mode_name(void);
__printf(1, 2) void heki_fail_close(const char *fmt, ...);

/* ------------------------------------------------------------------ */
/* Kernel symbols (ksym.c)                                             */
/* ------------------------------------------------------------------ */

int heki_ksym_init(void);
unsigned long heki_ksym(const char *name);

/* ------------------------------------------------------------------ */
/* kallsyms tables for VTL1 (kallsyms.c)                               */
/* ------------------------------------------------------------------ */

struct heki_kernel_info_ext;
bool heki_kallsyms_locate(struct heki_kernel_info_ext *x, unsigned long ro,
			  unsigned long ero);

/* ------------------------------------------------------------------ */
/* Hardening at load (boot.c)                                          */
/* ------------------------------------------------------------------ */

/**
 * struct heki_boot_opts - which boot steps to run, from module params
 * @lock_regs:      LockRegs on every online CPU
 * @protect_kernel: ProtectMemory: core kernel text R|X, rodata R
 * @load_kdata:     LoadKData: certificates, kernel info, kernel data
 * @end_of_boot:    SignalEndOfBoot
 * @certs:          firmware file of concatenated DER X.509 certificates
 *                  (under /lib/firmware), or NULL/"" for none
 * @revoked:        firmware file of revoked DER X.509 certificates, or
 *                  NULL/"" for none
 * @blocklist:      firmware file of bin:/tbs: lines, or NULL/"" for none
 */
struct heki_boot_opts {
	bool lock_regs;
	bool protect_kernel;
	bool load_kdata;
	bool end_of_boot;
	const char *certs;
	const char *revoked;
	const char *blocklist;
};

int heki_boot_run(const struct heki_boot_opts *opts);
bool heki_boot_changed_vtl1(void);
bool heki_boot_text_protected(void);
bool heki_boot_text_state_unknown(void);
bool heki_boot_self_text(unsigned long addr, unsigned long len);
bool heki_boot_regs_locked(void);
bool heki_boot_end_of_boot_signalled(void);
void heki_boot_show(struct seq_file *m);
extern const struct attribute_group heki_boot_sysfs_group;

/* ------------------------------------------------------------------ */
/* Pristine module images (pristine.c)                                 */
/* ------------------------------------------------------------------ */

/**
 * struct heki_pristine - the signed module file as the loader received it
 * @data:   vmalloc'd copy of the whole file, signature trailer included
 * @len:    its length in bytes
 * @flags:  the load flags (MODULE_INIT_*) given to init/finit_module
 *
 * Valid from the start of load_module() until it returns, in the task
 * that loads the module; modhook.c reads it at MODULE_STATE_COMING.
 */
struct heki_pristine {
	void *data;
	size_t len;
	int flags;
};

int heki_pristine_init(void);
void heki_pristine_exit(void);
const struct heki_pristine *heki_pristine_current(void);
long heki_pristine_live_images(void);
void heki_pristine_show(struct seq_file *m);

/* ------------------------------------------------------------------ */
/* Kexec images (kexec.c)                                              */
/* ------------------------------------------------------------------ */

int heki_kexec_init(void);
int heki_kexec_exit(void);
bool heki_kexec_held(void);
long heki_kexec_live_copies(void);
void heki_kexec_show(struct seq_file *m);
void heki_kexec_fail_close(void);
extern const struct attribute_group heki_kexec_sysfs_group;

/* ------------------------------------------------------------------ */
/* Module lifecycle (modhook.c)                                        */
/* ------------------------------------------------------------------ */

int heki_modhook_init(void);
void heki_modhook_exit(void);
int heki_modhook_guard_init(void);
int heki_modhook_keep_init(void);
void heki_modhook_keep_exit(void);
void heki_modhook_guard_exit(void);
unsigned int heki_modhook_tokens(void);
long heki_modhook_kept_pages(void);
void heki_modhook_show(struct seq_file *m);
void heki_modhook_fail_close(void);
bool heki_modhook_text_guarded(unsigned long addr, unsigned long len);
extern const struct attribute_group heki_modhook_sysfs_group;

/* ------------------------------------------------------------------ */
/* Static calls in validated module text (scall.c)                     */
/* ------------------------------------------------------------------ */

int heki_scall_init(void);
void heki_scall_exit(void);
void heki_scall_tp_reset(void);
void heki_scall_tp_done(void);
unsigned int heki_scall_going(const struct module *mod);
void heki_scall_show(struct seq_file *m);
extern const struct attribute_group heki_scall_sysfs_group;

/* ------------------------------------------------------------------ */
/* Jump labels in validated module text (jlabel.c)                     */
/* ------------------------------------------------------------------ */

int heki_jlabel_init(void);
void heki_jlabel_exit(void);
void heki_jlabel_show(struct seq_file *m);
extern const struct attribute_group heki_jlabel_sysfs_group;

/* ------------------------------------------------------------------ */
/* Audit records (audit.c)                                             */
/* ------------------------------------------------------------------ */

void heki_audit_module(const char *name, const void *img, size_t len,
		       int err, const char *why, bool loaded, s64 token);
void heki_audit_kexec(bool crash, const void *blob, size_t len, int err,
		      const char *why);
void heki_audit_event(const char *op, const char *what, long err, u32 func,
		      const char *detail);
extern const struct attribute_group heki_audit_sysfs_group;

/* ------------------------------------------------------------------ */
/* CPUs coming online (cpus.c)                                         */
/* ------------------------------------------------------------------ */

int heki_cpus_init(bool lock_regs);
void heki_cpus_exit(void);
extern const struct attribute_group heki_cpus_sysfs_group;
bool heki_cpus_is_locked(unsigned int cpu);
void heki_cpus_set_locked(unsigned int cpu);

#endif /* _KMOD_HEKI_POLICY_H */

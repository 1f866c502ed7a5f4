/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kshim.h - the kernel interfaces kmod/audit.c uses, for compiling it
 * unchanged in a host test (tests/kmod/audit/run.sh)
 *
 * run.sh makes an empty file for every <linux/...> and <crypto/...>
 * header audit.c includes; this header, included first, provides what
 * they would have: types, the printk-style formatting with the kernel's
 * own conversions (%pe, %*phN), the audit buffer calls, jiffies, kmalloc,
 * sha256() and sysfs attributes. Each records what audit.c hands it so
 * the tests read the records back. heki_vtl0.h and heki_policy.h are
 * replaced by the declarations audit.c needs (their include guards are
 * defined here); a changed prototype there fails the compile here.
 */
#ifndef _TESTS_KMOD_AUDIT_KSHIM_H
#define _TESTS_KMOD_AUDIT_KSHIM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <heki/abi.h>

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;	/* as the kernel spells it */
typedef long long s64;

#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define READ_ONCE(x)		(x)
#define ERR_PTR(e)		((void *)(long)(e))
#define MODULE_NAME_LEN		(64 - sizeof(unsigned long))
#define SHA256_DIGEST_SIZE	32
#define GFP_KERNEL		0
#define AUDIT_KERNEL_OTHER	1316	/* include/uapi/linux/audit.h */

/* Kernel vscnprintf(): the bytes written, at most @size - 1. */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args);

/* printk: formatted like the kernel's, kept in shim_printk_log. */
void shim_printk(const char *fmt, ...) __printf(1, 2);
#define pr_notice(fmt, ...)	shim_printk(pr_fmt(fmt), ##__VA_ARGS__)
extern char shim_printk_log[8192];

/* Mutexes: the tests run in one thread. */
struct mutex {
	int unused;
};
#define DEFINE_MUTEX(m)		struct mutex m
static inline void mutex_lock(struct mutex *m) { (void)m; }
static inline void mutex_unlock(struct mutex *m) { (void)m; }

/* kmalloc() fails when shim_kmalloc_fail is set. */
extern bool shim_kmalloc_fail;
void *kmalloc(size_t size, int gfp);
void kfree(const void *p);

/* jiffies moved by the tests; HZ as Debian's kernels. */
#define HZ			250
extern unsigned long jiffies;
#define time_after(a, b)	((long)((b) - (a)) < 0)

void sha256(const u8 *data, size_t len, u8 *out);

/*
 * The audit buffer: audit_log_start() gives none when shim_audit_off is
 * set (audit=0, a rule, a full backlog); audit_log_end() appends the
 * record to shim_records.
 */
struct audit_buffer;
struct audit_context;
extern bool shim_audit_off;
#define SHIM_RECORDS 512
extern char shim_records[SHIM_RECORDS][1024];
extern unsigned int shim_nrecords;
static inline struct audit_context *audit_context(void) { return NULL; }
struct audit_buffer *audit_log_start(struct audit_context *ctx, int gfp,
				     int type);
void audit_log_format(struct audit_buffer *ab, const char *fmt, ...)
	__printf(2, 3);
void audit_log_end(struct audit_buffer *ab);

/* sysfs, as far as HEKI_SYSFS_ATTR and the attribute group use it. */
struct kobject;
struct attribute {
	const char *name;
};
struct kobj_attribute {
	struct attribute attr;
	ssize_t (*show)(struct kobject *kobj, struct kobj_attribute *a,
			char *buf);
};
struct attribute_group {
	const char *name;
	struct attribute **attrs;
};
#define __ATTR(n, mode, sh, st)	{ .attr = { .name = #n }, .show = sh }
int sysfs_emit(char *buf, const char *fmt, ...) __printf(2, 3);

/* heki_vtl0.h, heki_policy.h: what audit.c uses, set by the tests. */
#define _KMOD_HEKI_VTL0_H
#define _KMOD_HEKI_POLICY_H
const char *heki_transport_name(void);
u32 heki_vtl_last_error(u32 func);
const char *heki_mode_name(void);
void heki_audit_module(const char *name, const void *img, size_t len,
		       int err, const char *why, bool loaded, s64 token);
void heki_audit_kexec(bool crash, const void *blob, size_t len, int err,
		      const char *why);
void heki_audit_event(const char *op, const char *what, long err, u32 func,
		      const char *detail);
extern const struct attribute_group heki_audit_sysfs_group;
#define HEKI_SYSFS_ATTR(prefix, name, fmt, ...)				\
static ssize_t prefix##_##name##_show(struct kobject *kobj,		\
				      struct kobj_attribute *a,		\
				      char *buf)			\
{									\
	(void)kobj;							\
	(void)a;							\
	return sysfs_emit(buf, fmt "\n", __VA_ARGS__);			\
}									\
static struct kobj_attribute prefix##_##name##_attr =			\
	__ATTR(name, 0444, prefix##_##name##_show, NULL)

#endif /* _TESTS_KMOD_AUDIT_KSHIM_H */

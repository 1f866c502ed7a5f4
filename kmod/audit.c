// SPDX-License-Identifier: GPL-2.0-only
/*
 * audit.c - audit records of heki_vtl0's verdicts
 *
 * One AUDIT_KERNEL_OTHER record ("for use by 3rd party modules") per
 * module verdict, kexec verdict, boot step and state change, in the
 * kernel's field=value form; Documentation/kmod.rst (Audit records) lists
 * every field. audit_log_start(), audit_log_format() and audit_log_end()
 * are exported to every module on 6.1, 6.12 and 7.2.
 *
 * Refusals are never aggregated, and each also has its own kernel log
 * line (modhook.c, kexec.c). When audit_log_start() gives no buffer
 * (audit=0, an exclude rule, or a full backlog after the wait) the record
 * goes to the kernel log instead, counted in audit/printk. Acceptances
 * come in storms (boot loads a hundred modules): at most
 * HEKI_AUDIT_ACCEPT_BURST acceptance records per HEKI_AUDIT_ACCEPT_WINDOW;
 * the acceptances past that are counted, and the next acceptance record
 * carries that count (unrecorded=N), as /sys/kernel/heki/audit/ does.
 */
#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/audit.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <crypto/sha2.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"

#define HEKI_AUDIT_LEN			768
/*
 * Bytes of the signer's CN, subject key identifier and serial number a
 * module record carries (RFC 5280's upper bounds for the CN and the
 * serial; 64 for the key identifier). With these caps a whole record fits
 * in HEKI_AUDIT_LEN, and the verdict fields come before them anyway.
 */
#define HEKI_AUDIT_CN_MAX		64
#define HEKI_AUDIT_SKID_MAX		64
#define HEKI_AUDIT_SERIAL_MAX		20
#define HEKI_AUDIT_ACCEPT_BURST		32
#define HEKI_AUDIT_ACCEPT_WINDOW	(10 * HZ)

static DEFINE_MUTEX(heki_audit_lock);
static u64 heki_audit_records;
static u64 heki_audit_printk;
static u64 heki_audit_unrecorded;	/* since the last acceptance record */
static u64 heki_audit_unrecorded_total;
static unsigned long heki_audit_window_start;
static unsigned int heki_audit_window_count;

/* Append to @b (size HEKI_AUDIT_LEN) at *@n. */
static __printf(3, 4) void heki_audit_add(char *b, size_t *n,
					  const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	*n += vscnprintf(b + *n, HEKI_AUDIT_LEN - *n, fmt, args);
	va_end(args);
}

/* key=HEX of @len bytes. */
static void heki_audit_hex(char *b, size_t *n, const char *key, const u8 *v,
			   size_t len)
{
	heki_audit_add(b, n, " %s=", key);
	for (; len && *n + 3 < HEKI_AUDIT_LEN; len--, v++)
		heki_audit_add(b, n, "%02X", *v);
}

/*
 * key="value" when @s is printable ASCII without a quote or space, else
 * key=HEX of its bytes (how the kernel logs untrusted strings).
 */
static void heki_audit_str(char *b, size_t *n, const char *key,
			   const u8 *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || s[i] == '"')
			break;
	if (len && i == len) {
		heki_audit_add(b, n, " %s=\"%.*s\"", key, (int)len, s);
		return;
	}
	if (!len)
		heki_audit_add(b, n, " %s=?", key);
	else
		heki_audit_hex(b, n, key, s, len);
}

/* Hand the record to the audit subsystem, or to the kernel log. */
static void heki_audit_emit(const char *text)
{
	struct audit_buffer *ab;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (ab) {
		audit_log_format(ab, "%s", text);
		audit_log_end(ab);
		heki_audit_records++;
		return;
	}
	heki_audit_printk++;
	pr_notice("audit: type=%d %s\n", AUDIT_KERNEL_OTHER, text);
}

/* VTL1's reason in words: its error name if known, else the errno's. */
static void heki_audit_reason(char *b, size_t *n, u32 func, int err)
{
	const char *name = NULL;
	u32 code = func ? heki_vtl_last_error(func) : 0;

	if (!err) {
		heki_audit_add(b, n, " err=0 reason=OK");
		return;
	}
	if (code)
		name = heki_vsm_error_name((enum heki_vsm_error)code);
	if (name)
		heki_audit_add(b, n, " err=%d reason=%s", err, name);
	else
		heki_audit_add(b, n, " err=%d reason=%pe", err, ERR_PTR(err));
}

/* ------------------------------------------------------------------ */
/* The module's signer, from its PKCS#7 signature                      */
/* ------------------------------------------------------------------ */

/*
 * One DER element at *@p (before @end): its tag, contents and length.
 * Definite lengths of up to 4 bytes only. Moves *@p past it.
 */
static bool heki_der_next(const u8 **p, const u8 *end, u8 *tag,
			  const u8 **val, size_t *len)
{
	const u8 *q = *p;
	size_t l, k;

	if (end - q < 2)
		return false;
	*tag = *q++;
	l = *q++;
	if (l & 0x80) {
		k = l & 0x7f;
		if (!k || k > 4 || (size_t)(end - q) < k)
			return false;
		for (l = 0; k; k--)
			l = (l << 8) | *q++;
	}
	if (l > (size_t)(end - q))
		return false;
	*val = q;
	*len = l;
	*p = q + l;
	return true;
}

/* Enter the element at *@p if its tag is @tag: [*@p, *@end) = contents. */
static bool heki_der_enter(const u8 **p, const u8 **end, u8 tag)
{
	const u8 *v;
	size_t l;
	u8 t;

	if (!heki_der_next(p, *end, &t, &v, &l) || t != tag)
		return false;
	*p = v;
	*end = v + l;
	return true;
}

/* Skip the element at *@p if its tag is @tag. */
static void heki_der_skip_if(const u8 **p, const u8 *end, u8 tag)
{
	const u8 *q = *p, *v;
	size_t l;
	u8 t;

	if (heki_der_next(&q, end, &t, &v, &l) && t == tag)
		*p = q;
}

/* The commonName (2.5.4.3) of an X.501 Name [@p, @end), or NULL. */
static const u8 *heki_der_cn(const u8 *p, const u8 *end, size_t *len)
{
	static const u8 cn_oid[] = { 0x55, 0x04, 0x03 };

	while (p < end) {
		const u8 *set = p, *set_end = end, *atv, *atv_end, *v;
		size_t l;
		u8 t;

		if (!heki_der_enter(&set, &set_end, 0x31))
			return NULL;
		p = set_end;
		atv = set;
		atv_end = set_end;
		if (!heki_der_enter(&atv, &atv_end, 0x30) ||
		    !heki_der_next(&atv, atv_end, &t, &v, &l) || t != 0x06)
			return NULL;
		if (l != sizeof(cn_oid) || memcmp(v, cn_oid, l))
			continue;
		if (!heki_der_next(&atv, atv_end, &t, &v, &l))
			return NULL;
		*len = l;
		return v;
	}
	return NULL;
}

/*
 * signer="<issuer CN>" serial=HEX, or skid=HEX, of the first SignerInfo
 * of the module's appended PKCS#7 signature, each cut to its cap above;
 * signer=none without one, signer=? when it does not parse. Everything
 * is bounded by @len.
 */
static void heki_audit_signer(char *b, size_t *n, const u8 *data, size_t len)
{
	const struct heki_module_signature *ms;
	const u8 *p, *end, *v, *cn;
	size_t l, cnlen;
	u32 sig_len;
	u8 t;

	if (!data || len < HEKI_MODULE_SIG_TRAILER_SIZE ||
	    memcmp(data + len - HEKI_MODULE_SIG_MAGIC_LEN,
		   HEKI_MODULE_SIG_MAGIC, HEKI_MODULE_SIG_MAGIC_LEN)) {
		heki_audit_add(b, n, " signer=none");
		return;
	}
	ms = (const void *)(data + len - HEKI_MODULE_SIG_TRAILER_SIZE);
	sig_len = heki_module_signature_sig_len(ms);
	if (ms->id_type != HEKI_PKEY_ID_PKCS7 ||
	    sig_len > len - HEKI_MODULE_SIG_TRAILER_SIZE)
		goto bad;
	end = data + len - HEKI_MODULE_SIG_TRAILER_SIZE;
	p = end - sig_len;
	/* ContentInfo { contentType, [0] SignedData { version, algs, ... } } */
	if (!heki_der_enter(&p, &end, 0x30) ||
	    !heki_der_next(&p, end, &t, &v, &l) || t != 0x06 ||
	    !heki_der_enter(&p, &end, 0xa0) || !heki_der_enter(&p, &end, 0x30) ||
	    !heki_der_next(&p, end, &t, &v, &l) || t != 0x02 ||
	    !heki_der_next(&p, end, &t, &v, &l) || t != 0x31 ||
	    !heki_der_next(&p, end, &t, &v, &l) || t != 0x30)
		goto bad;
	heki_der_skip_if(&p, end, 0xa0);	/* certificates */
	heki_der_skip_if(&p, end, 0xa1);	/* crls */
	/* signerInfos SET { SignerInfo { version, sid, ... } } */
	if (!heki_der_enter(&p, &end, 0x31) || !heki_der_enter(&p, &end, 0x30) ||
	    !heki_der_next(&p, end, &t, &v, &l) || t != 0x02 ||
	    !heki_der_next(&p, end, &t, &v, &l))
		goto bad;
	if (t == 0x80) {	/* [0] subjectKeyIdentifier */
		heki_audit_hex(b, n, "skid", v, min_t(size_t, l,
						      HEKI_AUDIT_SKID_MAX));
		return;
	}
	if (t != 0x30)
		goto bad;
	/* issuerAndSerialNumber { issuer Name, serialNumber INTEGER } */
	p = v;
	end = v + l;
	if (!heki_der_next(&p, end, &t, &v, &l) || t != 0x30)
		goto bad;
	cn = heki_der_cn(v, v + l, &cnlen);
	if (!heki_der_next(&p, end, &t, &v, &l) || t != 0x02)
		goto bad;
	heki_audit_str(b, n, "signer", cn,
		       cn ? min_t(size_t, cnlen, HEKI_AUDIT_CN_MAX) : 0);
	heki_audit_hex(b, n, "serial", v,
		       min_t(size_t, l, HEKI_AUDIT_SERIAL_MAX));
	return;
bad:
	heki_audit_add(b, n, " signer=?");
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

/* Whether this acceptance gets its own record (under heki_audit_lock). */
static bool heki_audit_accept_slot(void)
{
	if (!heki_audit_window_start ||
	    time_after(jiffies, heki_audit_window_start +
				HEKI_AUDIT_ACCEPT_WINDOW)) {
		heki_audit_window_start = jiffies;
		heki_audit_window_count = 0;
	}
	if (heki_audit_window_count < HEKI_AUDIT_ACCEPT_BURST) {
		heki_audit_window_count++;
		return true;
	}
	heki_audit_unrecorded++;
	heki_audit_unrecorded_total++;
	return false;
}

/**
 * heki_audit_module() - record one module verdict
 * @name: the module's name
 * @img: its signed image as sent to VTL1 (NULL: none was captured)
 * @len: bytes of @img
 * @err: 0 (accepted) or the refusal's -errno
 * @why: NULL when @err is VTL1's answer to ValidateModule (its reason is
 *	named from the error table); else heki_vtl0's own reason (one word):
 *	it refused before asking
 * @loaded: the module loads (accepted, or refused in permissive mode)
 * @token: VTL1's token when accepted
 *
 * Context: process context, right after the ValidateModule call and
 * under the lock that serialises those calls.
 */
void heki_audit_module(const char *name, const void *img, size_t len,
		       int err, const char *why, bool loaded, s64 token)
{
	u8 digest[SHA256_DIGEST_SIZE];
	size_t n = 0;
	char *b;

	mutex_lock(&heki_audit_lock);
	if (!err && !heki_audit_accept_slot()) {
		mutex_unlock(&heki_audit_lock);
		return;
	}
	b = kmalloc(HEKI_AUDIT_LEN, GFP_KERNEL);
	if (!b) {
		heki_audit_printk++;
		/* The name in hex: it may hold anything, even "verdict=". */
		pr_notice("audit: type=%d op=heki_module name=%*phN err=%d (no memory for the full record)\n",
			  AUDIT_KERNEL_OTHER,
			  (int)strnlen(name, MODULE_NAME_LEN), name, err);
		mutex_unlock(&heki_audit_lock);
		return;
	}
	/* The verdict first, then what identifies the file and its signer. */
	heki_audit_add(b, &n, "op=heki_module");
	heki_audit_str(b, &n, "name", (const u8 *)name,
		       strnlen(name, MODULE_NAME_LEN));
	heki_audit_add(b, &n, " verdict=%s by=%s action=%s",
		       err ? "refused" : "accepted",
		       why ? "heki_vtl0" : "vtl1",
		       !loaded ? "not_loaded" :
		       err ? "loaded_unprotected" : "loaded");
	if (!err)
		heki_audit_add(b, &n, " token=%lld", (long long)token);
	if (why)
		heki_audit_add(b, &n, " err=%d reason=%s", err, why);
	else
		heki_audit_reason(b, &n,
				  VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE,
				  err);
	heki_audit_add(b, &n, " mode=%s", heki_mode_name());
	if (!err) {
		heki_audit_add(b, &n, " unrecorded=%llu", heki_audit_unrecorded);
		heki_audit_unrecorded = 0;
	}
	if (img) {
		sha256(img, len, digest);
		heki_audit_add(b, &n, " sha256=%*phN", SHA256_DIGEST_SIZE,
			       digest);
	} else {
		heki_audit_add(b, &n, " sha256=?");
	}
	heki_audit_signer(b, &n, img, img ? len : 0);
	heki_audit_add(b, &n, " res=%d", err ? 0 : 1);
	heki_audit_emit(b);
	mutex_unlock(&heki_audit_lock);
	kfree(b);
}

/**
 * heki_audit_kexec() - record one kexec verdict
 * @crash: the crash kernel slot
 * @blob: the kernel image as sent to VTL1, NULL when refused before
 * @len: bytes of @blob
 * @err: 0 (accepted) or the refusal's -errno
 * @why: NULL when @err is VTL1's answer to KexecValidate; else heki_vtl0's
 *	own reason (one word)
 */
void heki_audit_kexec(bool crash, const void *blob, size_t len, int err,
		      const char *why)
{
	u8 digest[SHA256_DIGEST_SIZE];
	size_t n = 0;
	char *b = kmalloc(HEKI_AUDIT_LEN, GFP_KERNEL);

	mutex_lock(&heki_audit_lock);
	if (!b) {
		heki_audit_printk++;
		pr_notice("audit: type=%d op=heki_kexec err=%d (no memory for the full record)\n",
			  AUDIT_KERNEL_OTHER, err);
		mutex_unlock(&heki_audit_lock);
		return;
	}
	heki_audit_add(b, &n, "op=heki_kexec kind=%s",
		       crash ? "crash" : "kexec");
	if (blob) {
		sha256(blob, len, digest);
		heki_audit_add(b, &n, " kernel_sha256=%*phN kernel_size=%zu",
			       SHA256_DIGEST_SIZE, digest, len);
	}
	heki_audit_add(b, &n, " verdict=%s by=%s",
		       err ? "refused" : "accepted", why ? "heki_vtl0" : "vtl1");
	if (why)
		heki_audit_add(b, &n, " err=%d reason=%s", err, why);
	else
		heki_audit_reason(b, &n, VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE,
				  err);
	heki_audit_add(b, &n, " mode=%s res=%d", heki_mode_name(), err ? 0 : 1);
	heki_audit_emit(b);
	mutex_unlock(&heki_audit_lock);
	kfree(b);
}

/**
 * heki_audit_event() - record a boot step or a state change
 * @op: heki_boot, heki_state
 * @what: the step (lock_regs, ...) or the new state
 * @err: its result (0 or -errno)
 * @func: the VTL function whose answer @err is, or 0
 * @detail: NULL, or a free-text detail (logged as a checked string)
 */
void heki_audit_event(const char *op, const char *what, long err, u32 func,
		      const char *detail)
{
	size_t n = 0;
	char *b = kmalloc(HEKI_AUDIT_LEN, GFP_KERNEL);

	mutex_lock(&heki_audit_lock);
	if (!b) {
		heki_audit_printk++;
		pr_notice("audit: type=%d op=%s what=%s err=%ld\n",
			  AUDIT_KERNEL_OTHER, op, what, err);
		mutex_unlock(&heki_audit_lock);
		return;
	}
	heki_audit_add(b, &n, "op=%s what=%s", op, what);
	if (func)
		heki_audit_reason(b, &n, func, (int)err);
	else
		heki_audit_add(b, &n, " err=%ld", err);
	if (detail)
		heki_audit_str(b, &n, "detail", (const u8 *)detail,
			       strlen(detail));
	heki_audit_add(b, &n, " transport=%s mode=%s res=%d",
		       heki_transport_name(), heki_mode_name(), err ? 0 : 1);
	heki_audit_emit(b);
	mutex_unlock(&heki_audit_lock);
	kfree(b);
}

/* /sys/kernel/heki/audit/ */
HEKI_SYSFS_ATTR(heki_audit, records, "%llu", READ_ONCE(heki_audit_records));
HEKI_SYSFS_ATTR(heki_audit, printk, "%llu", READ_ONCE(heki_audit_printk));
HEKI_SYSFS_ATTR(heki_audit, unrecorded, "%llu",
		READ_ONCE(heki_audit_unrecorded_total));

static struct attribute *heki_audit_attrs[] = {
	&heki_audit_records_attr.attr,
	&heki_audit_printk_attr.attr,
	&heki_audit_unrecorded_attr.attr,
	NULL,
};

const struct attribute_group heki_audit_sysfs_group = {
	.name = "audit",
	.attrs = heki_audit_attrs,
};

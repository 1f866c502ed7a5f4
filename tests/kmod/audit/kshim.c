// SPDX-License-Identifier: GPL-2.0-only
/*
 * kshim.c - the host side of kshim.h: kernel formatting, audit buffers,
 * kmalloc, jiffies and sha256() for kmod/audit.c in a host test
 *
 * vscnprintf() follows lib/vsprintf.c for the conversions audit.c uses:
 * the C ones (%s %d %u %x %X with flags, width, precision, h/l/ll/z),
 * %pe (the error's symbolic name, CONFIG_SYMBOLIC_ERRNAME as in Debian's
 * kernels: "-EKEYREJECTED") and %*phN (the bytes in lowercase hex, no
 * separator, at most 64). Any other conversion aborts the test run, so a
 * format audit.c starts to use is not silently mistranslated.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <openssl/sha.h>

#include "kshim.h"

char shim_printk_log[8192];
bool shim_kmalloc_fail;
bool shim_audit_off;
unsigned long jiffies = 1000;

/* The records audit_log_end() took, oldest first. */
char shim_records[SHIM_RECORDS][1024];
unsigned int shim_nrecords;

static void unsupported(const char *fmt)
{
	fprintf(stderr, "kshim: unsupported conversion in \"%s\"\n", fmt);
	abort();
}

/* Append @len bytes of @s to @out (size @size) at *@n, cut at the end. */
static void put(char *out, size_t size, size_t *n, const char *s, size_t len)
{
	while (len-- && *n + 1 < size)
		out[(*n)++] = *s++;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	const char *f = fmt;
	size_t n = 0;

	if (!size)
		return 0;
	while (*f) {
		char spec[32], tmp[512], len[3] = "";
		int width = -1, prec = -1, k;
		size_t s = 0, l = 0;

		if (*f != '%') {
			put(buf, size, &n, f++, 1);
			continue;
		}
		spec[s++] = *f++;
		if (*f == '%') {
			put(buf, size, &n, f++, 1);
			continue;
		}
		while (*f && strchr("-+ #0", *f) && s < 8)
			spec[s++] = *f++;
		if (*f == '*') {
			width = va_arg(args, int);
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				width = (width < 0 ? 0 : width * 10) + (*f++ - '0');
		}
		if (*f == '.') {
			f++;
			prec = 0;
			if (*f == '*') {
				prec = va_arg(args, int);
				f++;
			} else {
				while (*f >= '0' && *f <= '9')
					prec = prec * 10 + (*f++ - '0');
			}
		}
		while (*f && strchr("hlz", *f) && l < 2)
			len[l++] = *f++;
		len[l] = 0;
		if (*f == 'p') {
			f++;
			if (*f == 'e') {
				long e = (long)va_arg(args, void *);
				const char *name = e < 0 ? strerrorname_np((int)-e) : NULL;

				f++;
				k = name ? snprintf(tmp, sizeof(tmp), "-%s", name) :
					   snprintf(tmp, sizeof(tmp), "%ld", e);
			} else if (f[0] == 'h' && f[1] == 'N') {
				const u8 *p = va_arg(args, const u8 *);
				int i, w = width < 0 ? 1 : width > 64 ? 64 : width;

				f += 2;
				for (i = 0, k = 0; i < w; i++)
					k += snprintf(tmp + k, sizeof(tmp) - k, "%02x", p[i]);
			} else {
				unsupported(fmt);
				return 0;
			}
			put(buf, size, &n, tmp, (size_t)k);
			continue;
		}
		if (!*f || !strchr("diuxXsc", *f))
			unsupported(fmt);
		if (width >= 0)
			s += (size_t)snprintf(spec + s, sizeof(spec) - s, "%d", width);
		if (prec >= 0)
			s += (size_t)snprintf(spec + s, sizeof(spec) - s, ".%d", prec);
		snprintf(spec + s, sizeof(spec) - s, "%s%c", len, *f);
		switch (*f++) {
		case 's':
			k = snprintf(tmp, sizeof(tmp), spec, va_arg(args, const char *));
			break;
		case 'c':
			k = snprintf(tmp, sizeof(tmp), spec, va_arg(args, int));
			break;
		case 'd':
		case 'i':
			if (!strcmp(len, "ll"))
				k = snprintf(tmp, sizeof(tmp), spec, va_arg(args, long long));
			else if (!strcmp(len, "l"))
				k = snprintf(tmp, sizeof(tmp), spec, va_arg(args, long));
			else if (!strcmp(len, "z"))
				k = snprintf(tmp, sizeof(tmp), spec, va_arg(args, ssize_t));
			else
				k = snprintf(tmp, sizeof(tmp), spec, va_arg(args, int));
			break;
		default:
			if (!strcmp(len, "ll"))
				k = snprintf(tmp, sizeof(tmp), spec,
					     va_arg(args, unsigned long long));
			else if (!strcmp(len, "l"))
				k = snprintf(tmp, sizeof(tmp), spec,
					     va_arg(args, unsigned long));
			else if (!strcmp(len, "z"))
				k = snprintf(tmp, sizeof(tmp), spec, va_arg(args, size_t));
			else
				k = snprintf(tmp, sizeof(tmp), spec,
					     va_arg(args, unsigned int));
			break;
		}
		if (k > (int)sizeof(tmp) - 1)
			k = sizeof(tmp) - 1;
		put(buf, size, &n, tmp, (size_t)k);
	}
	buf[n] = 0;
	return (int)n;
}

void shim_printk(const char *fmt, ...)
{
	size_t n = strlen(shim_printk_log);
	va_list args;

	va_start(args, fmt);
	vscnprintf(shim_printk_log + n, sizeof(shim_printk_log) - n, fmt, args);
	va_end(args);
}

void *kmalloc(size_t size, int gfp)
{
	(void)gfp;
	return shim_kmalloc_fail ? NULL : malloc(size);
}

void kfree(const void *p)
{
	free((void *)p);
}

void sha256(const u8 *data, size_t len, u8 *out)
{
	SHA256(data, len, out);
}

struct audit_buffer {
	char text[1024];
	size_t n;
	int type;
};

struct audit_buffer *audit_log_start(struct audit_context *ctx, int gfp,
				     int type)
{
	struct audit_buffer *ab;

	(void)ctx;
	(void)gfp;
	if (shim_audit_off)
		return NULL;
	ab = calloc(1, sizeof(*ab));
	if (ab)
		ab->type = type;
	return ab;
}

void audit_log_format(struct audit_buffer *ab, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	ab->n += (size_t)vscnprintf(ab->text + ab->n, sizeof(ab->text) - ab->n,
				    fmt, args);
	va_end(args);
}

void audit_log_end(struct audit_buffer *ab)
{
	if (ab->type == AUDIT_KERNEL_OTHER && shim_nrecords < SHIM_RECORDS)
		memcpy(shim_records[shim_nrecords++], ab->text, sizeof(ab->text));
	free(ab);
}

int sysfs_emit(char *buf, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vscnprintf(buf, 4096, fmt, args);
	va_end(args);
	return n;
}

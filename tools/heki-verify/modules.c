// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The modules command: what ValidateModule checks that needs no loaded
 * memory, through the library's own functions, in ValidateModule's order
 * (vtl1/src/module/module.c):
 *  1. the image no larger than MODULE_VALIDATION_MAX_SIZE;
 *  2. heki_modsig_verify_rev(): the signature trailer, the PKCS#7 and a
 *     certificate of the keyring as its signer, no revoked or tbs:-blocked
 *     certificate as its signer, no bin: entry for the file or its signed
 *     content;
 *  3. with --full, heki_modverify_init() on the signed ELF: the ELF
 *     structure (headers, sections, symbols, relocation sections) and the
 *     memory layout VTL1 computes for the module's kernel; then the
 *     relocations and rewrite-site tables on a simulated load (simload.c).
 * The real kernel's exports and the bytes VTL0 loads are VTL1's alone to
 * check (heki-verify(1), LIMITS).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "heki_vtl1.h"
#include "kdata/kinfo_ext.h"
#include "module/modlayout.h"
#include "module/modverify.h"
#include "sig/modsig.h"
#include "sig/revoke.h"
#include "verify.h"

static void *mv_alloc(void *ctx, __u64 size)
{
	(void)ctx;
	return calloc(1, size ? size : 1);
}

static void *mv_alloc_uninit(void *ctx, __u64 size)
{
	(void)ctx;
	return malloc(size ? size : 1);
}

static void mv_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

/*
 * The layout rules of Linux @major.@minor: the library's own choice
 * (heki_modlayout_kernel_of()) for the version LoadKData would carry.
 */
static __u32 layout_of(unsigned long major, unsigned long minor)
{
	struct heki_kinfo_ext x = { 0 };

	if (major > 255)
		major = 255;
	if (minor > 255)
		minor = 255;
	x.linux_version = (__u32)(major << 16 | minor << 8);
	return heki_modlayout_kernel_of(&x);
}

/**
 * hv_parse_kernel_version() - the layout rules of a kernel release
 * @s: "MAJOR.MINOR" optionally followed by anything ("6.1.0-57-amd64")
 * @layout_kernel: receives the enum heki_modlayout_kernel value
 *
 * Return: 0, or -1 if @s does not start with MAJOR.MINOR.
 */
int hv_parse_kernel_version(const char *s, __u32 *layout_kernel)
{
	unsigned long major, minor;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	major = strtoul(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	minor = strtoul(end + 1, &end, 10);
	*layout_kernel = layout_of(major, minor);
	return 0;
}

/* The rules of the kernel named by the module's vermagic (6.1's if none). */
static __u32 layout_from_vermagic(const __u8 *data, __u64 len)
{
	static const char key[] = "vermagic=";
	const char *p = memmem(data, len, key, sizeof(key) - 1);
	__u32 k;

	if (!p)
		return HEKI_MODLAYOUT_LINUX_6_1;
	p += sizeof(key) - 1;
	/* .modinfo strings are NUL-terminated; stay inside the buffer. */
	if (!memchr(p, '\0', (const char *)data + len - p))
		return HEKI_MODLAYOUT_LINUX_6_1;
	return hv_parse_kernel_version(p, &k) ? HEKI_MODLAYOUT_LINUX_6_1 : k;
}

static int check_structure(const struct hv_module_opts *o,
			   const struct hv_buf *b, struct hv_result *r)
{
	struct heki_modverify_ops ops = {
		.alloc = mv_alloc, .free = mv_free,
		.alloc_uninit = mv_alloc_uninit,
	};
	struct heki_modverify_fault f;
	struct heki_modverify *mv;
	struct heki_modsig ms;
	int ret;

	ret = heki_modsig_split(b->data, b->len, &ms);
	if (ret)
		return ret;
	ops.layout_kernel = o->layout_kernel ?:
			    layout_from_vermagic(ms.data, ms.data_len);
	mv = malloc(sizeof(*mv));
	if (!mv) {
		r->detail = "out of memory";
		return 1;
	}
	ret = heki_modverify_init(mv, &ops, ms.data, ms.data_len, &f);
	if (!ret)
		ret = hv_simload(mv);
	heki_modverify_free(mv);
	free(mv);
	return ret;
}

/**
 * hv_check_module() - would ValidateModule accept this module's file?
 * @k: the keyring
 * @o: the checks to run
 * @path: the module file
 * @r: the verdict (reset and its @path set by hv_read_file())
 */
void hv_check_module(const struct hv_keyring *k,
		     const struct hv_module_opts *o, const char *path,
		     struct hv_result *r)
{
	struct hv_buf b;
	int ret;

	if (hv_read_file(path, MODULE_VALIDATION_MAX_SIZE,
			 HEKI_VSM_ERR_MODULE_ELF_SIZE_EXCEEDED, &b, r))
		return;
	ret = heki_modsig_verify_rev(k->crypto, k->kr, k->rev, b.data, b.len);
	if (ret) {
		r->step = "signature";
	} else if (o->full) {
		ret = check_structure(o, &b, r);
		if (ret)
			r->step = "structure";
	}
	free(b.data);
	if (ret == 1) {
		r->verdict = HV_ERROR;
	} else if (ret) {
		r->verdict = HV_REFUSED;
		r->code = -ret;
	}
}

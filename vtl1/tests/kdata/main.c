// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_kdata - host tests of vtl1/src/kdata: certificate list, kernel info
 * and export tables, patch info, the kernel info extension (and the rules
 * of module/ it makes exact), the kernel's function entries (kallsyms).
 */
#include "harness.h"

int t_alloc_fail_at;
long t_alloc_live;

static void *t_alloc(void *ctx, __u64 size)
{
	void *p;

	(void)ctx;
	if (t_alloc_fail_at && --t_alloc_fail_at == 0)
		return NULL;
	p = calloc(1, size ? size : 1);
	if (p)
		t_alloc_live++;
	return p;
}

static void t_free(void *ctx, void *p)
{
	(void)ctx;
	if (p)
		t_alloc_live--;
	free(p);
}

struct heki_vtl1_platform t_platform = {
	.alloc = t_alloc,
	.free = t_free,
};

int main(void)
{
	test_certs();
	test_symtab();
	test_patchinfo();
	test_kinfo_ext();
	test_kallsyms();
	check_result(t_alloc_live == 0, "kdata: every allocation freed",
		     "%ld live", t_alloc_live);
	return check_done();
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * content-oracle-check.c - host part of tests/vm/content-oracle.sh: run
 * VTL1's module content check (heki_modverify_init / check_mem / compare,
 * the 6.4+ rules) on a module's ELF and the bytes a real Debian 6.12
 * kernel left in its text, rodata and ro_after_init after the load.
 *
 * Usage: content-oracle-check KALLSYMS MODULE.ko MEMDIR PERCPU_VA
 *	  B0 S0 B1 S1 ... B6 S6 [FLIP_TYPE FLIP_OFF]
 *   KALLSYMS   the guest's /proc/kallsyms (exports of kernel and modules)
 *   MEMDIR     holds mem0, mem2, mem3: the guest's bytes of text, rodata,
 *              ro_after_init (mod->mem[t].size bytes each)
 *   PERCPU_VA  the module's per-CPU base (hex; 0 if it has none)
 *   Bt St      mod->mem[t].base / .size from the do_init_module kprobe
 *   FLIP_*     flip one bit of that byte first (must then be refused)
 * Init memory is freed once the module runs; its compared types (init
 * text, init rodata) are given as the relocated ELF bytes, so a refusal
 * there says nothing about the kernel: the verdict is on the core types.
 * CONTENT_ORACLE_KEXT: the extension's facts (capability words, pv_ops).
 * CONTENT_ORACLE_UP set: the guest ran one CPU (HEKI_RW_POLICY_UNIPROCESSOR).
 * Prints "verdict accept" or "verdict refuse <code> mem <t> +<off> <rule>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdata/kinfo_ext.h"
#include "sig/modsig.h"
#include "module/modverify.h"

struct ksym {
	char *name;
	__u64 va;
	int kernel;
	char type;
};

static struct ksym *syms;
static size_t nsyms;

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return y->kernel - x->kernel;	/* kernel's own first */
}

static int load_kallsyms(const char *path)
{
	char line[512], name[256], mod[128], type;
	size_t cap = 0;
	__u64 va;
	FILE *f = fopen(path, "r");
	int n;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		mod[0] = 0;
		n = sscanf(line, "%llx %c %255s %127s", &va, &type, name, mod);
		if (n < 3)
			continue;
		if (nsyms == cap) {
			cap = cap ? cap * 2 : 65536;
			syms = realloc(syms, cap * sizeof(*syms));
			if (!syms)
				return -1;
		}
		syms[nsyms].name = strdup(name);
		syms[nsyms].va = va;
		syms[nsyms].kernel = n == 3;
		syms[nsyms].type = type;
		nsyms++;
	}
	fclose(f);
	qsort(syms, nsyms, sizeof(*syms), ksym_cmp);
	return 0;
}

static int resolve(void *ctx, const char *name, __u64 *va)
{
	size_t lo = 0, hi = nsyms, mid;
	int c;

	(void)ctx;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(syms[mid].name, name);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < nsyms && !strcmp(syms[lo].name, name)) {
		*va = syms[lo].va;
		return 0;
	}
	return -1;
}

/* Text ranges of every module the guest loaded (CONTENT_ORACLE_MODTEXT). */
static __u64 modtext[256][2];
static unsigned int nmodtext;

static void load_modtext(const char *path)
{
	FILE *f = path ? fopen(path, "r") : NULL;
	unsigned long long b, sz;

	while (f && nmodtext < 256 && fscanf(f, "%llx %llu", &b, &sz) == 2) {
		modtext[nmodtext][0] = b;
		modtext[nmodtext][1] = sz;
		nmodtext++;
	}
	if (f)
		fclose(f);
}

static int in_modtext(__u64 va)
{
	unsigned int i;

	for (i = 0; i < nmodtext; i++)
		if (va >= modtext[i][0] && va - modtext[i][0] < modtext[i][1])
			return 1;
	return 0;
}

/*
 * The function entries VTL1 would know outside the module checked, from
 * the guest's /proc/kallsyms: the kernel's text symbols inside [_stext,
 * _etext) but __pfx_ padding (what LoadKData reads from the kernel's
 * kallsyms tables), and the text symbols of the other modules (what
 * ValidateModule kept from their ELF's STT_FUNC symbols).
 */
static __u64 *entries;
static size_t nentries;

static int u64_cmp(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static int text_type(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

static int build_entries(__u64 ktext_s, __u64 ktext_e)
{
	size_t i;

	entries = calloc(nsyms ? nsyms : 1, sizeof(*entries));
	if (!entries)
		return -1;
	for (i = 0; i < nsyms; i++) {
		const struct ksym *k = &syms[i];

		if (!text_type(k->type) || !strncmp(k->name, "__pfx_", 6))
			continue;
		if (k->kernel ? k->va >= ktext_s && k->va < ktext_e :
				in_modtext(k->va))
			entries[nentries++] = k->va;
	}
	qsort(entries, nentries, sizeof(*entries), u64_cmp);
	return 0;
}

/* heki_rw_ctx.func_entry over build_entries()'s list. */
static int func_entry(void *arg, __u64 va)
{
	(void)arg;
	return bsearch(&va, entries, nentries, sizeof(*entries), u64_cmp) != NULL;
}

/*
 * LoadKData's kernel info extension as heki_vtl0 would send it for this
 * guest (CONTENT_ORACLE_KEXT: "capwords", "pv_ops", "return_thunk" lines
 * read from the guest's kcore): linux_version (CONTENT_ORACLE_LINUX_VERSION,
 * LINUX_VERSION_CODE in hex; default 6.12.95), kernel text, the
 * capability words, pv_ops[] with nop_func / BUG_func, the return thunk.
 */
static struct heki_kinfo_ext kext;

static __u32 linux_version(void)
{
	const char *v = getenv("CONTENT_ORACLE_LINUX_VERSION");

	return v ? (__u32)strtoul(v, NULL, 16) : 0x060c5f;
}

static int load_kext(const char *path)
{
	char key[32];
	unsigned long long v;
	FILE *f = path ? fopen(path, "r") : NULL;
	int c;

	if (!f)
		return 0;
	kext.linux_version = linux_version();
	resolve(NULL, "_stext", &kext.text_start);
	resolve(NULL, "_etext", &kext.text_end);
	resolve(NULL, "pv_ops", &kext.pv_ops_va);
	resolve(NULL, "nop_func", &kext.pv_nop_func);
	resolve(NULL, "BUG_func", &kext.pv_bug_func);
	while (fscanf(f, "%31s", key) == 1) {
		while ((c = fgetc(f)) == ' ' && fscanf(f, "%llx", &v) == 1) {
			if (!strcmp(key, "capwords") &&
			    kext.ncapwords < HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX)
				kext.capwords[kext.ncapwords++] = (__u32)v;
			else if (!strcmp(key, "pv_ops") &&
				 kext.pv_ops_count < HEKI_KERNEL_INFO_EXT_PV_OPS_MAX)
				kext.pv_ops[kext.pv_ops_count++] = v;
			else if (!strcmp(key, "return_thunk"))
				kext.return_thunk = v;
		}
	}
	fclose(f);
	/* X86_FEATURE_RETHUNK (11*32+14): patch_return() jumps to the thunk */
	if (kext.return_thunk && kext.ncapwords > 11 &&
	    (kext.capwords[11] >> 14) & 1)
		kext.flags = HEKI_KERNEL_INFO_EXT_RETHUNK;
	return kext.ncapwords != 0;
}

/*
 * apply_seal_endbr() over init text, for the ELF stand-in of it: the
 * kernel's gen_endbr_poison() (rewrite_endbr.c).
 */
static void seal_init(const struct heki_modverify *mv, __u8 *itext)
{
	static const __u8 poison_6_4[4] = { 0x66, 0x0f, 0x1f, 0x00 };
	static const __u8 poison_6_18[4] = { 0x0f, 0x1f, 0x40, 0xd6 };
	const __u8 *poison = mv->lay.kernel >= HEKI_MODLAYOUT_LINUX_6_18 ?
			     poison_6_18 : poison_6_4;
	const struct heki_rw_site *s;
	__u8 *p;
	__u32 i;

	for (i = 0; i < mv->nsites; i++) {
		s = &mv->sites[i];
		if (s->kind != HEKI_RW_ENDBR_SEAL ||
		    s->mem != HEKI_MODLAYOUT_INIT_TEXT || s->len != 4)
			continue;
		p = itext + s->offset;
		if (p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e &&
		    (p[3] & ~1) == 0xfa)
			memcpy(p, poison, 4);
	}
}

static void *h_alloc(void *ctx, __u64 size)
{
	(void)ctx;
	return calloc(1, size);
}

static void h_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

static __u8 *slurp(const char *path, __u64 *len)
{
	FILE *f = fopen(path, "rb");
	__u8 *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(n ? n : 1);
	if (b && fread(b, 1, n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = n;
	return b;
}

int main(int argc, char **argv)
{
	struct heki_modverify_ops ops = { h_alloc, h_free, NULL,
					  HEKI_MODLAYOUT_LINUX_6_4, NULL };
	__u64 va[HEKI_MODLAYOUT_NR_MEM], size[HEKI_MODLAYOUT_NR_MEM];
	__u8 *mem[HEKI_MODLAYOUT_NR_MEM] = { NULL };
	struct heki_modverify_env env;
	struct heki_modverify_fault f;
	struct heki_modverify mv;
	struct heki_modsig ms;
	__u64 len, n, ktext_s = 0, ktext_e = 0;
	char p[4096];
	__u8 *elf;
	__u32 t;
	int ret, pass, have_kext;

	if (argc != 5 + 14 && argc != 7 + 14) {
		fprintf(stderr, "usage: see the header\n");
		return 2;
	}
	if (load_kallsyms(argv[1])) {
		fprintf(stderr, "cannot read %s\n", argv[1]);
		return 2;
	}
	load_modtext(getenv("CONTENT_ORACLE_MODTEXT"));
	resolve(NULL, "_stext", &ktext_s);
	have_kext = load_kext(getenv("CONTENT_ORACLE_KEXT"));
	resolve(NULL, "_etext", &ktext_e);
	if (build_entries(ktext_s, ktext_e)) {
		fprintf(stderr, "out of memory\n");
		return 2;
	}
	/* the rules heki_vtl0's LoadKData makes VTL1 pick for this kernel */
	kext.linux_version = linux_version();
	ops.layout_kernel = heki_modlayout_kernel_of(&kext);
	elf = slurp(argv[2], &len);
	if (!elf || heki_modsig_split(elf, len, &ms)) {
		fprintf(stderr, "cannot read %s\n", argv[2]);
		return 2;
	}
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
		va[t] = strtoull(argv[5 + 2 * t], NULL, 16);
		size[t] = strtoull(argv[6 + 2 * t], NULL, 10);
	}
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
		if (t == HEKI_MODLAYOUT_TEXT || t == HEKI_MODLAYOUT_RODATA ||
		    t == HEKI_MODLAYOUT_RO_AFTER_INIT) {
			if (!size[t])
				continue;
			snprintf(p, sizeof(p), "%s/mem%u", argv[3], t);
			mem[t] = slurp(p, &n);
			if (!mem[t] || n != size[t]) {
				fprintf(stderr, "%s: %llu bytes, want %llu\n",
					p, (unsigned long long)n,
					(unsigned long long)size[t]);
				return 2;
			}
		} else {
			mem[t] = calloc(1, size[t] ? size[t] : 1);
		}
	}
	if (argc == 7 + 14) {
		t = (__u32)atoi(argv[19]);
		n = strtoull(argv[20], NULL, 0);
		if (t >= HEKI_MODLAYOUT_NR_MEM || n >= size[t]) {
			fprintf(stderr, "flip outside memory\n");
			return 2;
		}
		mem[t][n] ^= 0x01;
	}
	/*
	 * Pass 0 builds the relocated ELF bytes of init memory (freed in the
	 * guest); pass 1 checks with them standing in for init memory.
	 */
	/*
	 * Later passes: the module's init may write its ro_after_init (it is
	 * writable until init returns, after COMING): a byte outside every
	 * rewrite site that differs there is reported and given back its
	 * relocated ELF value, up to 64 bytes; every other byte stays judged.
	 */
	for (pass = 0; pass < 2 + 64; pass++) {
		ret = heki_modverify_init(&mv, &ops, elf, ms.data_len, &f);
		if (!ret)
			ret = heki_modverify_check_mem(&mv, va, size, &f);
		if (ret) {
			printf("verdict setup-error %s mem %u\n",
			       heki_vsm_error_name((enum heki_vsm_error)-ret),
			       f.mem);
			return 1;
		}
		memset(&env, 0, sizeof(env));
		for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
			if (heki_modverify_compared_mem(t) && size[t])
				env.actual[t] = mem[t];
		env.percpu_va = strtoull(argv[4], NULL, 16);
		env.has_percpu = 1;
		env.resolve = resolve;
		env.ktext_start = ktext_s;
		env.ktext_end = ktext_e;
		env.func_entry = func_entry;
		env.kext = have_kext ? &kext : NULL;
		/* a one-CPU guest: alternatives_smp_module_add() writes 3e */
		if (getenv("CONTENT_ORACLE_UP"))
			env.policy = HEKI_RW_POLICY_UNIPROCESSOR;
		ret = heki_modverify_compare(&mv, &env, &f);
		if (pass == 0)
			for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
				if ((t == HEKI_MODLAYOUT_INIT_TEXT ||
				     t == HEKI_MODLAYOUT_INIT_RODATA) &&
				    mv.expected[t])
					memcpy(mem[t], mv.expected[t], size[t]);
		if (pass == 0 && mv.sites &&
		    size[HEKI_MODLAYOUT_INIT_TEXT])
			seal_init(&mv, mem[HEKI_MODLAYOUT_INIT_TEXT]);
		if (ret == -HEKI_VSM_ERR_MODULE_CONTENT_MISMATCH &&
		    f.mem == HEKI_MODLAYOUT_RO_AFTER_INIT && argc == 5 + 14 &&
		    f.rule && !strcmp(f.rule, "equal") && pass < 1 + 64) {
			printf("note ro_after_init +0x%llx ('%s'+0x%llx) %02x -> %02x after init\n",
			       (unsigned long long)f.mem_off,
			       f.section_name ? f.section_name : "",
			       (unsigned long long)f.sect_off, f.expected,
			       f.actual);
			mem[f.mem][f.mem_off] = f.expected;
			heki_modverify_free(&mv);
			continue;
		}
		if (pass >= 1 || (ret && f.mem < HEKI_MODLAYOUT_INIT_TEXT))
			break;
		heki_modverify_free(&mv);
	}
	if (!ret) {
		printf("verdict accept\n");
	} else if (f.mem == HEKI_MODLAYOUT_INIT_TEXT ||
		   f.mem == HEKI_MODLAYOUT_INIT_RODATA) {
		/* every core byte passed; init memory is not the kernel's */
		printf("verdict accept (text, rodata, ro_after_init; the init stand-in stops at %s mem %u +0x%llx)\n",
		       heki_vsm_error_name((enum heki_vsm_error)-ret), f.mem,
		       (unsigned long long)f.mem_off);
	} else
		printf("verdict refuse %s mem %u +0x%llx section '%s'+0x%llx rule '%s' expected %02x actual %02x\n",
		       heki_vsm_error_name((enum heki_vsm_error)-ret), f.mem,
		       (unsigned long long)f.mem_off,
		       f.section_name ? f.section_name : "",
		       (unsigned long long)f.sect_off, f.rule ? f.rule : "",
		       f.expected, f.actual);
	fflush(stdout);
	heki_modverify_free(&mv);
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		free(mem[t]);
	free(elf);
	return 0;
}

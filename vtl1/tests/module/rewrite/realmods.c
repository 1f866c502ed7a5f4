// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Real Debian 6.1 modules: simulated loads. For a sample of modules
 * (kvm, kvm-intel, btrfs, nf_tables, xfs and every 40th module under the
 * root) the groundwork code (elf, modlayout, modreloc) builds the relocated
 * text as the kernel's loader would, the module's own rewrite tables name
 * every site, and for every site of every kind:
 *   - each form the kernel's rewrite writes there (simulated here the way
 *     arch/x86/kernel/{alternative,paravirt,static_call,jump_label,ftrace}.c
 *     do it) must be accepted by heki_rw_check(), and
 *   - a corrupted form (one byte off, wrong target or register) must be
 *     refused with the rule's *_FORBIDDEN code.
 * One result line per module, kind and form, counting the sites.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/elf.h"
#include "module/modlayout.h"
#include "module/modreloc.h"
#include "rw_test.h"

#define G "realmods"
#define CORE_VA		0xffffffffc0200000ULL
#define PERCPU_VA	0x3c000ULL
#define SIG_MAGIC	"~Module signature appended~\n"
#define SAMPLE_EVERY	40
#define PV_FN(t)	(KTEXT_LO + 0x500000ULL + 0x40ULL * (t))

static const char * const named[] = {
	"/arch/x86/kvm/kvm.ko", "/arch/x86/kvm/kvm-intel.ko",
	"/fs/btrfs/btrfs.ko", "/net/netfilter/nf_tables.ko", "/fs/xfs/xfs.ko",
};

struct mod {
	const char *path;
	struct heki_elf elf;
	struct heki_modlayout lay;
	struct heki_modlayout_sect *sects;
	struct heki_modreloc_env env;
	struct heki_modreloc_sym *syms;
	__u8 **bufs;		/* relocated section copies */
	__u64 *va;
	__u8 *mem[HEKI_MODLAYOUT_NR_MEM];	/* relocated text types */
	struct heki_rw_ctx ctx;
	__u64 pv[256];
};

/* Per (kind, form) tallies of one module. */
struct tally {
	const char *what;
	__u64 sites, bad;
	__u64 first_bad;
	int err;
	const char *rule;
};

static int resolve(void *ctx, const char *name, __u64 *addr)
{
	(void)ctx;
	*addr = fake_ksym(name);
	return 0;
}

static __u8 *read_file(const char *path, __u64 *len)
{
	FILE *f = fopen(path, "rb");
	__u8 *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = n;
	}
	fclose(f);
	return buf;
}

static __u64 strip_signature(const __u8 *buf, __u64 len)
{
	__u64 ml = sizeof(SIG_MAGIC) - 1, sig_len;

	if (len < ml + 12 || memcmp(buf + len - ml, SIG_MAGIC, ml))
		return len;
	sig_len = ((__u64)buf[len - ml - 4] << 24) |
		  ((__u64)buf[len - ml - 3] << 16) |
		  ((__u64)buf[len - ml - 2] << 8) | buf[len - ml - 1];
	if (sig_len > len - ml - 12)
		return len;
	return len - ml - 12 - sig_len;
}

static __s32 s32_at(const __u8 *p)
{
	__s32 v;

	memcpy(&v, p, 4);
	return v;
}

static void put_rel32(__u8 *p, __u64 next, __u64 dest)
{
	__u32 v = (__u32)(dest - next);

	memcpy(p, &v, 4);
}

static __u64 first_eq(const __u8 *a, const __u8 *b, __u64 n)
{
	__u64 i;

	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	return i;
}

static const __u8 nops[9][8] = {
	{ 0 }, { 0x90 }, { 0x66, 0x90 }, { 0x0f, 0x1f, 0x00 },
	{ 0x0f, 0x1f, 0x40, 0x00 }, { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	{ 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
};

static void sim_add_nops(__u8 *p, unsigned int len)
{
	while (len) {
		unsigned int n = len > 8 ? 8 : len;

		memcpy(p, nops[n], n);
		p += n;
		len -= n;
	}
}

/*
 * CPU feature sets the simulated loads pick forms from (the capability
 * words of LoadKData's kernel info extension, 24 words as on 6.1.y):
 * none (no RETPOLINE: register forms; only ALT_NOT replacements), all but
 * RETPOLINE_LFENCE and INDIRECT_THUNK_ITS (thunk calls kept; every
 * replacement but ALT_NOT), and a mixed pattern with RETPOLINE_LFENCE.
 */
#define NCAPW	24U
static struct fset {
	const char *name;
	__u32 w[NCAPW];
} fsets[3] = { { "no features" }, { "all features, RETPOLINE" },
	       { "mixed features, RETPOLINE_LFENCE" } };

static void fset_bit(__u32 *w, __u32 f, int on)
{
	if (on)
		w[f / 32] |= 1U << (f % 32);
	else
		w[f / 32] &= ~(1U << (f % 32));
}

static void fsets_init(void)
{
	__u32 i;

	for (i = 0; i < NCAPW; i++) {
		fsets[0].w[i] = 0;
		fsets[1].w[i] = 0xffffffffU;
		fsets[2].w[i] = 0x9e3779b9U * (i + 1) ^ (0x5bd1e995U >> (i % 7));
	}
	fset_bit(fsets[1].w, HEKI_X86_FEATURE_RETPOLINE_LFENCE, 0);
	fset_bit(fsets[1].w, HEKI_X86_FEATURE_INDIRECT_THUNK_ITS, 0);
	fset_bit(fsets[2].w, HEKI_X86_FEATURE_RETPOLINE, 1);
	fset_bit(fsets[2].w, HEKI_X86_FEATURE_RETPOLINE_LFENCE, 1);
	fset_bit(fsets[2].w, HEKI_X86_FEATURE_INDIRECT_THUNK_ITS, 0);
}

static int fset_has(const __u32 *w, __u32 f)
{
	return f / 32 < NCAPW && ((w[f / 32] >> (f % 32)) & 1);
}

/* apply_alternatives(): copy the replacement iff has(feature) != ALT_NOT */
static int fset_alt(const __u32 *w, __u64 cpuid)
{
	return fset_has(w, cpuid & HEKI_ALT_FEATURE_MASK) !=
	       !!(cpuid & HEKI_ALT_FLAG_NOT);
}

static void fset_use(struct mod *m, const struct fset *fs)
{
	m->ctx.capwords = fs ? fs->w : NULL;
	m->ctx.ncapwords = fs ? NCAPW : 0;
}

/* The text memory type holding [va, va + len), its offset; -1 if none. */
static int locate(const struct mod *m, __u64 va, __u64 len, __u64 *off)
{
	static const int types[] = { HEKI_MODLAYOUT_TEXT,
				     HEKI_MODLAYOUT_INIT_TEXT };
	size_t i;

	for (i = 0; i < 2; i++) {
		int t = types[i];
		__u64 base = m->ctx.mem_va[t], size = m->ctx.mem_size[t];

		if (m->mem[t] && va >= base && va - base <= size &&
		    len <= size - (va - base)) {
			*off = va - base;
			return t;
		}
	}
	return -1;
}

/*
 * Check @form at @site (expected = relocated bytes there): @want 0 or an
 * error; tallies into @t.
 */
static void try_site(struct mod *m, struct heki_rw_site *site,
		     const __u8 *form, int want, struct tally *t)
{
	struct heki_rw_fault f = { NULL, 0 };
	int ret = rw_check_exact(&m->ctx, site,
				 m->mem[site->mem] + site->offset, form, &f);

	t->sites++;
	if (want ? ret != -want : ret != 0) {
		if (!t->bad++) {
			t->first_bad = site->va;
			t->err = ret;
			t->rule = f.rule;
		}
	}
}

static void report(const struct mod *m, const char *kind, struct tally *t,
		   size_t n)
{
	char name[4400];
	size_t i;

	for (i = 0; i < n; i++) {
		if (!t[i].sites)
			continue;
		snprintf(name, sizeof(name), "%s %s %s (%llu sites)", m->path,
			 kind, t[i].what, t[i].sites);
		check_group(!t[i].bad, G, name,
			 "%llu wrong verdicts, first at %#llx: %s [%s]",
			 t[i].bad, t[i].first_bad, check_err_name(t[i].err),
			 t[i].rule ? t[i].rule : "-");
	}
}

static int table(const struct mod *m, const char *name, __u64 entsize,
		 __u32 *idx, __u64 *n)
{
	if (heki_elf_find_section(&m->elf, name, HEKI_SHF_ALLOC, idx) ||
	    !m->bufs[*idx])
		return 0;
	*n = m->lay.sects[*idx].size / entsize;
	return 1;
}

/* Fill @site for an instruction at @va of @len bytes; 0 if outside text. */
static int mk_site(const struct mod *m, struct heki_rw_site *site,
		   __u32 kind, __u64 va, __u64 len)
{
	__u64 off;
	int t = locate(m, va, len, &off);

	memset(site, 0, sizeof(*site));
	if (t < 0)
		return 0;
	site->kind = kind;
	site->mem = t;
	site->offset = off;
	site->len = len;
	site->va = va;
	return 1;
}

static const __u8 *exp_at(const struct mod *m, const struct heki_rw_site *s)
{
	return m->mem[s->mem] + s->offset;
}

/* ---- per kind --------------------------------------------------------- */

static void sim_mcount(struct mod *m)
{
	struct tally t[] = { { "accepts nop5" }, { "refuses nop5 off by one" },
			     { "refuses ftrace_caller (no policy)" },
			     { "accepts ftrace_caller (policy)" },
			     { "refuses site outside text" } };
	struct heki_rw_site s;
	__u64 n, i, va;
	__u8 f[5];
	__u32 idx;

	if (!table(m, "__mcount_loc", 8, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		memcpy(&va, m->bufs[idx] + 8 * i, 8);
		if (!mk_site(m, &s, HEKI_RW_MCOUNT, va, 5)) {
			t[4].sites++;
			t[4].bad++;
			continue;
		}
		try_site(m, &s, nops[5], 0, &t[0]);
		memcpy(f, nops[5], 5);
		f[4] = 1;
		try_site(m, &s, f, HEKI_VSM_ERR_REWRITE_MCOUNT_FORBIDDEN, &t[1]);
		f[0] = 0xe8;
		put_rel32(f + 1, va + 5,
			  m->ctx.ksym[HEKI_RW_KSYM_FTRACE_CALLER]);
		try_site(m, &s, f, HEKI_VSM_ERR_REWRITE_MCOUNT_FORBIDDEN, &t[2]);
		m->ctx.policy |= HEKI_RW_POLICY_FTRACE_CALLS;
		try_site(m, &s, f, 0, &t[3]);
		m->ctx.policy &= ~HEKI_RW_POLICY_FTRACE_CALLS;
	}
	report(m, "mcount", t, ARRAY_SIZE(t));
}

static void sim_return(struct mod *m)
{
	struct tally t[] = { { "accepts ret; int3" },
			     { "accepts jmp srso_return_thunk" },
			     { "refuses jmp thunk+1" },
			     { "refuses site outside text" },
			     { "refuses target inside a function" } };
	static const __u8 ret[5] = { 0xc3, 0xcc, 0xcc, 0xcc, 0xcc };
	struct heki_rw_site s;
	__u64 n, i, va, e;
	__u8 f[5];
	__u32 idx;

	if (!table(m, ".return_sites", 4, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		e = m->va[idx] + 4 * i;
		va = e + (__u64)(__s64)s32_at(m->bufs[idx] + 4 * i);
		if (!mk_site(m, &s, HEKI_RW_RETURN, va, 5)) {
			t[3].sites++;
			t[3].bad++;
			continue;
		}
		try_site(m, &s, ret, 0, &t[0]);
		f[0] = 0xe9;
		put_rel32(f + 1, va + 5,
			  m->ctx.ksym[HEKI_RW_KSYM_SRSO_RETURN_THUNK]);
		try_site(m, &s, f, 0, &t[1]);
		put_rel32(f + 1, va + 5,
			  m->ctx.ksym[HEKI_RW_KSYM_RETURN_THUNK] + 1);
		try_site(m, &s, f, HEKI_VSM_ERR_REWRITE_RETURN_FORBIDDEN, &t[2]);
	}
	report(m, "return", t, ARRAY_SIZE(t));
}

/* patch_retpoline() + optimize_nops(), as the kernel writes them. */
static int sim_retpoline(const __u8 *e, __u64 ilen, __u32 reg, int lfence,
			 __u8 *b)
{
	unsigned int i = 0, off = e[0] == 0x2e;
	__u8 op = e[off];

	if (e[0] == 0x0f) {
		b[i++] = 0x70 + ((e[1] & 0xf) ^ 1);
		b[i++] = ilen - 2;
		op = 0xe9;
	}
	if (lfence) {
		b[i++] = 0x0f;
		b[i++] = 0xae;
		b[i++] = 0xe8;
	}
	if (reg >= 8)
		b[i++] = 0x41;
	b[i++] = 0xff;
	b[i++] = (op == 0xe8 ? 0xd0 : 0xe0) + (reg & 7);
	if (i > ilen)
		return 0;
	if (op == 0xe9 && i < ilen)
		b[i++] = 0xcc;
	if (ilen - i > 1)
		sim_add_nops(b + i, ilen - i);
	else if (i < ilen)
		b[i] = 0x90;
	return 1;
}

/* The form apply_retpolines() writes for feature words @w. */
static void retpoline_of(const __u32 *w, const __u8 *e, __u64 ilen,
			 __u32 reg, __u8 *f)
{
	int lf = fset_has(w, HEKI_X86_FEATURE_RETPOLINE_LFENCE);

	if ((fset_has(w, HEKI_X86_FEATURE_RETPOLINE) && !lf) ||
	    !sim_retpoline(e, ilen, reg, lf, f))
		memcpy(f, e, ilen);
}

/*
 * Per feature set: the CPU's form accepted, each other form (thunk call,
 * register form, LFENCE form) refused with REWRITE_RETPOLINE_OTHER_FORM.
 */
static void retpoline_pinned(struct mod *m, struct heki_rw_site *s,
			     const __u8 *e, __u64 ilen, __u32 reg,
			     struct tally *tp)
{
	__u8 want[6], other[6];
	unsigned int k, lf;

	for (k = 0; k < ARRAY_SIZE(fsets); k++) {
		retpoline_of(fsets[k].w, e, ilen, reg, want);
		fset_use(m, &fsets[k]);
		try_site(m, s, want, 0, &tp[2 * k]);
		for (lf = 0; lf < 3; lf++) {
			if (lf == 2)
				memcpy(other, e, ilen);
			else if (!sim_retpoline(e, ilen, reg, lf, other))
				continue;
			if (memcmp(other, want, ilen))
				try_site(m, s, other,
					 HEKI_VSM_ERR_REWRITE_RETPOLINE_OTHER_FORM,
					 &tp[2 * k + 1]);
		}
		fset_use(m, NULL);
	}
}

static void sim_retpolines(struct mod *m)
{
	struct tally tp[] = {
		{ "no features: accepts register form" },
		{ "no features: refuses thunk call and lfence form (OTHER_FORM)" },
		{ "RETPOLINE: accepts thunk call" },
		{ "RETPOLINE: refuses register forms (OTHER_FORM)" },
		{ "RETPOLINE_LFENCE: accepts lfence form (or the call)" },
		{ "RETPOLINE_LFENCE: refuses the other forms (OTHER_FORM)" } };
	struct tally t[] = { { "accepts register form" },
			     { "accepts lfence form (where it fits)" },
			     { "refuses wrong register" },
			     { "refuses site outside text" } };
	struct heki_rw_site s;
	__u64 n, i, va, ilen, dest;
	__u32 idx, reg;
	const __u8 *e;
	__u8 f[6];

	if (!table(m, ".retpoline_sites", 4, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		va = m->va[idx] + 4 * i +
		     (__u64)(__s64)s32_at(m->bufs[idx] + 4 * i);
		if (!mk_site(m, &s, HEKI_RW_RETPOLINE, va, 5)) {
			t[3].sites++;
			t[3].bad++;
			continue;
		}
		e = exp_at(m, &s);
		ilen = e[0] == 0x2e || e[0] == 0x0f ? 6 : 5;
		if (!mk_site(m, &s, HEKI_RW_RETPOLINE, va, ilen))
			continue;
		dest = va + ilen + (__u64)(__s64)s32_at(e + ilen - 4);
		for (reg = 0; reg < 16; reg++)
			if (m->ctx.ksym[HEKI_RW_KSYM_THUNK_RAX + reg] == dest)
				break;
		if (reg == 16 || !sim_retpoline(e, ilen, reg, 0, f)) {
			t[0].sites++;
			t[0].bad++;
			continue;
		}
		try_site(m, &s, f, 0, &t[0]);
		f[(e[0] == 0x0f ? 2 : 0) + (reg >= 8) + 1] ^= 1;
		try_site(m, &s, f, HEKI_VSM_ERR_REWRITE_RETPOLINE_FORBIDDEN,
			 &t[2]);
		if (sim_retpoline(e, ilen, reg, 1, f))
			try_site(m, &s, f, 0, &t[1]);
		retpoline_pinned(m, &s, e, ilen, reg, tp);
	}
	report(m, "retpoline", t, ARRAY_SIZE(t));
	report(m, "retpoline", tp, ARRAY_SIZE(tp));
}

static void sim_jump_labels(struct mod *m)
{
	struct tally t[] = { { "accepts flipped" }, { "accepts kept" },
			     { "refuses jmp to target+1" },
			     { "refuses site outside text" } };
	struct heki_rw_site s;
	__u64 n, i, e, code, target, len;
	__u32 idx;
	const __u8 *x;
	__u8 f[5];
	__s64 d;

	if (!table(m, "__jump_table", 16, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		e = m->va[idx] + 16 * i;
		code = e + (__u64)(__s64)s32_at(m->bufs[idx] + 16 * i);
		target = e + 4 + (__u64)(__s64)s32_at(m->bufs[idx] + 16 * i + 4);
		if (!mk_site(m, &s, HEKI_RW_JUMP_LABEL, code, 2)) {
			t[3].sites++;
			t[3].bad++;
			continue;
		}
		x = exp_at(m, &s);
		len = x[0] == 0x66 || x[0] == 0xeb ? 2 : 5;
		if (!mk_site(m, &s, HEKI_RW_JUMP_LABEL, code, len))
			continue;
		s.target_va = target;
		try_site(m, &s, exp_at(m, &s), 0, &t[1]);
		if (x[0] == 0x66 || x[0] == 0x0f) {
			d = (__s64)(target - (code + len));
			f[0] = len == 2 ? 0xeb : 0xe9;
			if (len == 2)
				f[1] = (__u8)d;
			else
				put_rel32(f + 1, code + 5, target);
			if (len == 5 || (d >= -128 && d <= 127))
				try_site(m, &s, f, 0, &t[0]);
		} else {
			try_site(m, &s, nops[len], 0, &t[0]);
			memcpy(f, x, len);
		}
		if (len == 2)
			f[1]++;
		else
			put_rel32(f + 1, code + 5, target + 1);
		try_site(m, &s, f, HEKI_VSM_ERR_REWRITE_JUMP_LABEL_FORBIDDEN,
			 &t[2]);
	}
	report(m, "jump label", t, ARRAY_SIZE(t));
}

/* The simulated kernel function static calls are pointed at. */
#define SC_KFN		(KTEXT_LO + 0x777770)

/*
 * heki_rw_ctx.func_entry: the kernel function entries LoadKData's symbols
 * would name here: SC_KFN and every fake kernel symbol (fake_ksym()).
 */
static int kernel_entry(void *arg, __u64 va)
{
	(void)arg;
	return va == SC_KFN || (va >= KTEXT_LO && va < KTEXT_HI && !(va & 15));
}

static void sim_static_calls(struct mod *m)
{
	struct tally t[] = { { "accepts call/jmp to a kernel function" },
			     { "accepts NULL form (nop5 / ret)" },
			     { "accepts return0 form" },
			     { "refuses target outside any text" },
			     { "refuses site outside text" },
			     { "refuses target inside a function" } };
	static const __u8 ret[5] = { 0xc3, 0xcc, 0xcc, 0xcc, 0xcc };
	static const __u8 xor5[5] = { 0x2e, 0x2e, 0x2e, 0x31, 0xc0 };
	struct heki_rw_site s;
	__u64 n, i, e, va, key, len, o;
	const __u8 *x;
	__u32 idx;
	__u8 f[6];
	int tail;

	if (!table(m, ".static_call_sites", 8, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		e = m->va[idx] + 8 * i;
		va = e + (__u64)(__s64)s32_at(m->bufs[idx] + 8 * i);
		key = e + 4 + (__u64)(__s64)s32_at(m->bufs[idx] + 8 * i + 4);
		tail = key & 1;
		if (!mk_site(m, &s, HEKI_RW_STATIC_CALL, va, 5)) {
			t[4].sites++;
			t[4].bad++;
			continue;
		}
		x = exp_at(m, &s);
		len = x[0] == 0x0f ? 6 : 5;
		if (!mk_site(m, &s, HEKI_RW_STATIC_CALL, va, len))
			continue;
		s.flags = tail ? HEKI_RW_SITE_TAIL : 0;
		s.key_va = key & ~3ULL;
		o = len - 5;
		memcpy(f, x, len);
		put_rel32(f + o + 1, va + len, SC_KFN);
		try_site(m, &s, f, 0, &t[0]);
		put_rel32(f + o + 1, va + len, 0xffffffffa0000000ULL);
		try_site(m, &s, f, HEKI_VSM_ERR_REWRITE_TARGET_NOT_FUNCTION,
			 &t[3]);
		put_rel32(f + o + 1, va + len, SC_KFN + 1);
		try_site(m, &s, f, HEKI_VSM_ERR_REWRITE_TARGET_NOT_FUNCTION,
			 &t[5]);
		if (len == 5) {
			try_site(m, &s, tail ? ret : nops[5], 0, &t[1]);
			if (!tail)
				try_site(m, &s, xor5, 0, &t[2]);
		}
	}
	report(m, "static call", t, ARRAY_SIZE(t));
}

static void sim_paravirt(struct mod *m)
{
	struct tally t[] = { { "accepts call pv_ops[type] + nops" },
			     { "refuses call pv_ops[type]+1" },
			     { "refuses site outside text" } };
	struct heki_rw_site s;
	__u8 f[HEKI_RW_MAX_SITE_LEN];
	__u64 n, i, va;
	__u32 idx;
	__u8 type, len;

	if (!table(m, ".parainstructions", 16, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		memcpy(&va, m->bufs[idx] + 16 * i, 8);
		type = m->bufs[idx][16 * i + 8];
		len = m->bufs[idx][16 * i + 9];
		if (len < 5 || !mk_site(m, &s, HEKI_RW_PARAVIRT, va, len)) {
			t[2].sites++;
			t[2].bad++;
			continue;
		}
		s.aux = type;
		f[0] = 0xe8;
		put_rel32(f + 1, va + 5, m->pv[type]);
		sim_add_nops(f + 5, len - 5);
		try_site(m, &s, f, 0, &t[0]);
		put_rel32(f + 1, va + 5, m->pv[type] + 1);
		try_site(m, &s, f, HEKI_VSM_ERR_REWRITE_PARAVIRT_FORBIDDEN,
			 &t[1]);
	}
	report(m, "paravirt", t, ARRAY_SIZE(t));
}

/* optimize_nops() on a buffer whose 0x90 runs start on boundaries. */
static void sim_optimize(__u8 *b, unsigned int len)
{
	unsigned int i = 0, e;

	while (i < len) {
		if (b[i] != 0x90) {
			i++;
			continue;
		}
		for (e = i; e < len && b[e] == 0x90; e++)
			;
		if (e - i > 1)
			sim_add_nops(b + i, e - i);
		i = e;
	}
}

static void sim_alternatives(struct mod *m)
{
	struct tally t[] = { { "accepts applied replacement" },
			     { "accepts original with optimised NOPs" },
			     { "refuses first byte flipped" },
			     { "refuses site outside text" } };
	struct tally tp[] = {
		{ "no features: accepts the CPU's form" },
		{ "no features: refuses the other form (OTHER_FORM)" },
		{ "all features: accepts the CPU's form" },
		{ "all features: refuses the other form (OTHER_FORM)" },
		{ "mixed features: accepts the CPU's form" },
		{ "mixed features: refuses the other form (OTHER_FORM)" } };
	__u8 f[HEKI_RW_MAX_SITE_LEN], g[HEKI_RW_MAX_SITE_LEN];
	struct heki_rw_site s;
	__u64 n, i, e, instr, repl, roff;
	__u32 idx, k;
	__u8 ilen, rlen;
	int rm;

	if (!table(m, ".altinstructions", 12, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		const __u8 *q = m->bufs[idx] + 12 * i;

		e = m->va[idx] + 12 * i;
		instr = e + (__u64)(__s64)s32_at(q);
		repl = e + 4 + (__u64)(__s64)s32_at(q + 4);
		ilen = q[10];
		rlen = q[11];
		if (!ilen)
			continue;
		rm = locate(m, repl, rlen, &roff);
		if (!mk_site(m, &s, HEKI_RW_ALTERNATIVE, instr, ilen) ||
		    rlen > ilen || rm < 0) {
			t[3].sites++;
			t[3].bad++;
			continue;
		}
		s.repl_mem = rm;
		s.repl_offset = roff;
		s.repl_len = rlen;
		s.repl_va = repl;
		s.aux = q[8] | q[9] << 8;
		/* apply_alternatives(): copy, fix call, recompute jmp, pad. */
		memcpy(f, m->mem[rm] + roff, rlen);
		if (rlen == 5 && f[0] == 0xe8)
			put_rel32(f + 1, instr + 5,
				  repl + 5 + (__u64)(__s64)s32_at(f + 1));
		if (rlen == 5 && (f[0] == 0xe9 || f[0] == 0xeb)) {
			__u64 dest = repl + 5 + (__u64)(__s64)s32_at(f + 1);
			__s64 nd = (__s64)(dest - instr);

			if (nd >= 0 && nd - 2 <= 127) {
				f[0] = 0xeb;
				f[1] = (__u8)(nd - 2);
				sim_add_nops(f + 2, 3);
			} else {
				put_rel32(f + 1, instr + 5, dest);
			}
		}
		memset(f + rlen, 0x90, ilen - rlen);
		sim_optimize(f, ilen);
		try_site(m, &s, f, 0, &t[0]);
		memcpy(g, exp_at(m, &s), ilen);
		sim_optimize(g, ilen);
		try_site(m, &s, g, 0, &t[1]);
		/* per feature set: the CPU's form only */
		for (k = 0; k < ARRAY_SIZE(fsets); k++) {
			int on = fset_alt(fsets[k].w, s.aux);

			fset_use(m, &fsets[k]);
			try_site(m, &s, on ? f : g, 0, &tp[2 * k]);
			if (memcmp(f, g, ilen))
				try_site(m, &s, on ? g : f,
					 HEKI_VSM_ERR_REWRITE_ALT_OTHER_FORM,
					 &tp[2 * k + 1]);
			fset_use(m, NULL);
		}
		g[0] ^= 0xff;
		try_site(m, &s, g, HEKI_VSM_ERR_REWRITE_ALT_FORBIDDEN, &t[2]);
	}
	report(m, "alternative", t, ARRAY_SIZE(t));
	report(m, "alternative", tp, ARRAY_SIZE(tp));
}

static void sim_smp_locks(struct mod *m)
{
	struct tally t[] = { { "accepts lock kept" },
			     { "refuses 3e on SMP" } };
	static const __u8 ds = 0x3e, lock = 0xf0;
	struct heki_rw_site s;
	__u64 n, i, va;
	__u32 idx;

	if (!table(m, ".smp_locks", 4, &idx, &n))
		return;
	for (i = 0; i < n; i++) {
		va = m->va[idx] + 4 * i +
		     (__u64)(__s64)s32_at(m->bufs[idx] + 4 * i);
		if (!mk_site(m, &s, HEKI_RW_SMP_LOCK, va, 1))
			continue;
		try_site(m, &s, &lock, 0, &t[0]);
		try_site(m, &s, &ds, HEKI_VSM_ERR_REWRITE_SMP_LOCK_FORBIDDEN,
			 &t[1]);
	}
	report(m, "smp lock", t, ARRAY_SIZE(t));
}

/* __mcount_loc as a sorted absolute table: sorted copy accepted. */
static int cmp_u64(const void *a, const void *b)
{
	__u64 x, y;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return x < y ? -1 : x > y;
}

static void sim_sorted_mcount(struct mod *m)
{
	struct heki_rw_site s;
	struct heki_rw_fault f;
	__u64 size;
	__u32 idx;
	__u8 *sorted;
	int r1, r2 = 0;
	char name[4200];

	if (heki_elf_find_section(&m->elf, "__mcount_loc", HEKI_SHF_ALLOC,
				  &idx) || !m->bufs[idx])
		return;
	size = m->lay.sects[idx].size;
	if (size < 16)
		return;
	sorted = malloc(size);
	memcpy(sorted, m->bufs[idx], size);
	qsort(sorted, size / 8, 8, cmp_u64);
	memset(&s, 0, sizeof(s));
	s.kind = HEKI_RW_SORTED_TABLE;
	s.len = size;
	s.aux = 8;
	s.flags = HEKI_RW_SITE_ABS_TABLE;
	r1 = heki_rw_check(&m->ctx, &s, m->bufs[idx], sorted, &f);
	/* Replace the largest entry by a second copy of the smallest. */
	memcpy(sorted + size - 8, sorted, 8);
	qsort(sorted, size / 8, 8, cmp_u64);
	r2 = heki_rw_check(&m->ctx, &s, m->bufs[idx], sorted, &f);
	free(sorted);
	snprintf(name, sizeof(name), "%s __mcount_loc sorted accepted, entry duplicated refused",
		 m->path);
	check_group(!r1 && r2 == -HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN, G, name,
		 "sorted %s, duplicated %s", check_err_name(r1), check_err_name(r2));
}

/*
 * Self-relative sorted tables: decode every relocated entry to absolute
 * fields, sort them as the kernel does (sort_extable, unwind_module_init,
 * jump_label_sort_entries, static_call_add_module), set the init bits,
 * re-encode at the new positions; the rule must accept that and refuse a
 * corrupted copy.
 */
struct aent {
	__u64 f0, f1, f2;	/* insn/ip/code/addr, fixup/key, data/target */
	__u8 orc[6];
};

static __u32 sort_es;

static int cmp_aent(const void *a, const void *b)
{
	const struct aent *x = a, *y = b;
	__u64 kx = x->f0, ky = y->f0;

	if (sort_es == 16 || sort_es == 8) {
		kx = x->f1 & ~3ULL;
		ky = y->f1 & ~3ULL;
	}
	if (kx != ky)
		return kx < ky ? -1 : 1;
	if (sort_es == 16 && x->f0 != y->f0)
		return x->f0 < y->f0 ? -1 : 1;
	return 0;
}

static void tbl_sim(struct mod *m, const char *name, __u32 es)
{
	struct heki_rw_site s;
	struct heki_rw_fault f = { NULL, 0 };
	struct heki_rw_ctx ctx = m->ctx;
	struct aent *e;
	__u64 n, i, va, size, init_lo, init_hi;
	__u32 idx, oidx = 0;
	__u8 *buf, *obuf = NULL;
	int r1, r2;
	char nm[4400];

	if (heki_elf_find_section(&m->elf, name, HEKI_SHF_ALLOC, &idx) ||
	    !m->bufs[idx])
		return;
	size = m->lay.sects[idx].size;
	n = size / es;
	if (n < 2 || size % es)
		return;
	if (es == 4 && (heki_elf_find_section(&m->elf, ".orc_unwind",
					      HEKI_SHF_ALLOC, &oidx) ||
			!m->bufs[oidx] || m->lay.sects[oidx].size != 6 * n))
		return;
	va = m->va[idx];
	init_lo = m->ctx.mem_va[HEKI_MODLAYOUT_INIT_TEXT];
	init_hi = init_lo + m->ctx.mem_size[HEKI_MODLAYOUT_INIT_TEXT];
	e = calloc(n, sizeof(*e));
	for (i = 0; i < n; i++) {
		const __u8 *p = m->bufs[idx] + i * es;
		__u64 eva = va + i * es;
		__s64 k64;

		e[i].f0 = eva + (__u64)(__s64)s32_at(p);
		if (es >= 8)
			e[i].f1 = eva + 4 + (__u64)(__s64)s32_at(p + 4);
		if (es == 12)
			e[i].f2 = (__u32)s32_at(p + 8);
		if (es == 16) {
			memcpy(&k64, p + 8, 8);
			e[i].f2 = e[i].f1;	/* target */
			e[i].f1 = eva + 8 + (__u64)k64;	/* key */
		}
		if (es == 16 || es == 8) {
			int in = e[i].f0 >= init_lo && e[i].f0 < init_hi;

			e[i].f1 = (e[i].f1 & ~2ULL) | (in ? 2 : 0);
			/* Trampoline keys become a key in kernel data. */
			if (es == 8 && (e[i].f1 & ~3ULL) >= KTEXT_LO &&
			    (e[i].f1 & ~3ULL) < KTEXT_HI)
				e[i].f1 = ((e[i].f1 & ~3ULL) + 0x4000000ULL) |
					  (e[i].f1 & 3);
		}
		if (es == 4)
			memcpy(e[i].orc, m->bufs[oidx] + 6 * i, 6);
	}
	sort_es = es;
	qsort(e, n, sizeof(*e), cmp_aent);
	buf = malloc(size);
	if (es == 4)
		obuf = malloc(6 * n);
	for (i = 0; i < n; i++) {
		__u8 *p = buf + i * es;
		__u64 eva = va + i * es;
		__u32 v;
		__u64 k;

		v = (__u32)(e[i].f0 - eva);
		memcpy(p, &v, 4);
		if (es == 12 || es == 8) {
			v = (__u32)(e[i].f1 - eva - 4);
			memcpy(p + 4, &v, 4);
		}
		if (es == 12) {
			v = (__u32)e[i].f2;
			memcpy(p + 8, &v, 4);
		}
		if (es == 16) {
			v = (__u32)(e[i].f2 - eva - 4);
			memcpy(p + 4, &v, 4);
			k = e[i].f1 - eva - 8;
			memcpy(p + 8, &k, 8);
		}
		if (es == 4)
			memcpy(obuf + 6 * i, e[i].orc, 6);
	}
	memset(&s, 0, sizeof(s));
	s.kind = HEKI_RW_SORTED_TABLE;
	s.len = size;
	s.aux = es;
	s.va = va;
	if (es == 4) {
		/* The paired .orc_unwind through a data memory type. */
		ctx.mem_va[HEKI_MODLAYOUT_RODATA] = m->va[oidx];
		ctx.mem_size[HEKI_MODLAYOUT_RODATA] = 6 * n;
		ctx.expected[HEKI_MODLAYOUT_RODATA] = m->bufs[oidx];
		ctx.actual[HEKI_MODLAYOUT_RODATA] = obuf;
		s.repl_mem = HEKI_MODLAYOUT_RODATA;
		s.repl_len = 6 * n;
	}
	r1 = rw_check_exact(&ctx, &s, m->bufs[idx], buf, &f);
	/* Corrupt: the last entry's second field (or its ORC entry). */
	if (es == 4)
		obuf[6 * (n - 1)] ^= 0x40;
	else
		buf[(n - 1) * es + (es == 8 ? 0 : 4)] ^= 0x10;
	r2 = rw_check_exact(&ctx, &s, m->bufs[idx], buf, &f);
	snprintf(nm, sizeof(nm), "%s %s sorted accepted, corrupted refused (%llu entries)",
		 m->path, name, n);
	check_group(!r1 && r2 == -HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN, G, nm,
		 "sorted %s, corrupted %s [%s]", check_err_name(r1), check_err_name(r2),
		 f.rule ? f.rule : "-");
	free(buf);
	free(obuf);
	free(e);
}

static void sim_tables(struct mod *m)
{
	tbl_sim(m, "__ex_table", 12);
	tbl_sim(m, ".orc_unwind_ip", 4);
	tbl_sim(m, "__jump_table", 16);
	tbl_sim(m, ".static_call_sites", 8);
}

/*
 * Composite load: every rewrite applied to one copy of the module's text in
 * the kernel's order (module_finalize: paravirt, retpolines, returns,
 * alternatives - all applied, or none -; then ftrace NOPs, static calls,
 * jump labels), then every site checked against that one memory the way
 * the comparison engine does it (rewrite.h): overlapping sites form a
 * cluster, a site spanning the cluster may accept it alone, else the
 * inner sites are checked one by one and the bytes around them must be
 * equal (heki_rw_match_nops() inside an alternative).
 */
struct csite {
	struct heki_rw_site s;
};

static int csite_cmp(const void *a, const void *b)
{
	const struct heki_rw_site *x = a, *y = b;

	if (x->mem != y->mem)
		return x->mem < y->mem ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	/* table order: apply_alternatives() order of one range's entries */
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Every code site of the module, as the engine would list them. */
static __u64 collect(struct mod *m, struct heki_rw_site *out, __u64 cap)
{
	static const struct { const char *n; __u32 kind, es; } tb[] = {
		{ "__mcount_loc", HEKI_RW_MCOUNT, 8 },
		{ ".altinstructions", HEKI_RW_ALTERNATIVE, 12 },
		{ ".retpoline_sites", HEKI_RW_RETPOLINE, 4 },
		{ ".return_sites", HEKI_RW_RETURN, 4 },
		{ ".static_call_sites", HEKI_RW_STATIC_CALL, 8 },
		{ "__jump_table", HEKI_RW_JUMP_LABEL, 16 },
		{ ".parainstructions", HEKI_RW_PARAVIRT, 16 },
		{ ".smp_locks", HEKI_RW_SMP_LOCK, 4 },
	};
	struct heki_rw_site s;
	__u64 n = 0, cnt, i, e, va, roff;
	__u32 t, idx;
	const __u8 *q, *x;
	int rm;

	for (t = 0; t < ARRAY_SIZE(tb); t++) {
		if (!table(m, tb[t].n, tb[t].es, &idx, &cnt))
			continue;
		for (i = 0; i < cnt && n < cap; i++) {
			q = m->bufs[idx] + i * tb[t].es;
			e = m->va[idx] + i * tb[t].es;
			va = e + (__u64)(__s64)s32_at(q);
			if (tb[t].kind == HEKI_RW_MCOUNT ||
			    tb[t].kind == HEKI_RW_PARAVIRT)
				memcpy(&va, q, 8);
			if (!mk_site(m, &s, tb[t].kind, va, 1))
				continue;
			x = exp_at(m, &s);
			switch (tb[t].kind) {
			case HEKI_RW_MCOUNT:
			case HEKI_RW_RETURN:
				s.len = 5;
				break;
			case HEKI_RW_SMP_LOCK:
				s.len = 1;
				break;
			case HEKI_RW_RETPOLINE:
			case HEKI_RW_STATIC_CALL:
				s.len = x[0] == 0x2e || x[0] == 0x0f ? 6 : 5;
				if (tb[t].kind == HEKI_RW_STATIC_CALL &&
				    ((e + 4 + (__u64)(__s64)s32_at(q + 4)) & 1))
					s.flags |= HEKI_RW_SITE_TAIL;
				break;
			case HEKI_RW_JUMP_LABEL:
				s.len = x[0] == 0x66 || x[0] == 0xeb ? 2 : 5;
				s.target_va = e + 4 +
					      (__u64)(__s64)s32_at(q + 4);
				break;
			case HEKI_RW_PARAVIRT:
				s.len = q[9];
				s.aux = q[8];
				break;
			case HEKI_RW_ALTERNATIVE:
				s.len = q[10];
				s.repl_len = q[11];
				s.repl_va = e + 4 + (__u64)(__s64)s32_at(q + 4);
				rm = locate(m, s.repl_va, s.repl_len, &roff);
				if (!s.len || rm < 0)
					continue;
				s.repl_mem = rm;
				s.repl_offset = roff;
				s.aux = q[8] | q[9] << 8;	/* cpuid */
				break;
			}
			s.section = idx;
			s.entry = i;
			if (!mk_site(m, &out[n], s.kind, va, s.len))
				continue;
			s.mem = out[n].mem;
			s.offset = out[n].offset;
			s.va = va;
			out[n++] = s;
		}
	}
	qsort(out, n, sizeof(*out), csite_cmp);
	return n;
}

/* Apply one site's rewrite to @mem (the kernel's bytes for it). */
static void apply(struct mod *m, __u8 **mem, const struct heki_rw_site *s,
		  int alt_applied, const struct fset *fs)
{
	__u8 *p = mem[s->mem] + s->offset;
	const __u8 *x = exp_at(m, s);
	__u64 dest;
	__u32 reg;
	__u8 f[HEKI_RW_MAX_SITE_LEN];
	unsigned int j, e;

	switch (s->kind) {
	case HEKI_RW_PARAVIRT:
		p[0] = 0xe8;
		put_rel32(p + 1, s->va + 5, m->pv[s->aux]);
		sim_add_nops(p + 5, s->len - 5);
		break;
	case HEKI_RW_RETPOLINE:
		dest = s->va + s->len + (__u64)(__s64)s32_at(x + s->len - 4);
		for (reg = 0; reg < 16; reg++)
			if (m->ctx.ksym[HEKI_RW_KSYM_THUNK_RAX + reg] == dest)
				break;
		if (reg < 16 && fs) {
			retpoline_of(fs->w, x, s->len, reg, f);
			memcpy(p, f, s->len);
		} else if (reg < 16 && sim_retpoline(x, s->len, reg, 0, f)) {
			memcpy(p, f, s->len);
		}
		break;
	case HEKI_RW_RETURN:
		memcpy(p, "\xc3\xcc\xcc\xcc\xcc", 5);
		break;
	case HEKI_RW_ALTERNATIVE:
		if (fs)
			alt_applied = fset_alt(fs->w, s->aux);
		if (alt_applied) {
			memcpy(f, mem[s->repl_mem] + s->repl_offset, s->repl_len);
			if (s->repl_len == 5 && f[0] == 0xe8)
				put_rel32(f + 1, s->va + 5, s->repl_va + 5 +
					  (__u64)(__s64)s32_at(f + 1));
			if (s->repl_len == 5 &&
			    (f[0] == 0xe9 || f[0] == 0xeb)) {
				__u64 d = s->repl_va + 5 +
					  (__u64)(__s64)s32_at(f + 1);
				__s64 nd = (__s64)(d - s->va);

				if (nd >= 0 && nd - 2 <= 127) {
					f[0] = 0xeb;
					f[1] = (__u8)(nd - 2);
					sim_add_nops(f + 2, 3);
				} else {
					put_rel32(f + 1, s->va + 5, d);
				}
			}
			memset(f + s->repl_len, 0x90, s->len - s->repl_len);
			sim_optimize(f, s->len);
			memcpy(p, f, s->len);
			break;
		}
		/* optimize_nops(): the original's padding runs (boundaries). */
		for (j = 0; j < s->len; j = e + 1) {
			for (e = j; e < s->len && x[e] == 0x90 && p[e] == 0x90;
			     e++)
				;
			if (e - j > 1)
				sim_add_nops(p + j, e - j);
		}
		break;
	case HEKI_RW_MCOUNT:
		memcpy(p, nops[5], 5);
		break;
	case HEKI_RW_STATIC_CALL:
		if (s->len == 5 && (s->flags & HEKI_RW_SITE_TAIL))
			memcpy(p, "\xc3\xcc\xcc\xcc\xcc", 5);
		else if (s->len == 5)
			memcpy(p, nops[5], 5);
		break;
	case HEKI_RW_JUMP_LABEL:
		if (x[0] == 0x66 || x[0] == 0xeb)
			break;	/* rel8 may not reach; keep */
		if (x[0] == 0x0f) {
			p[0] = 0xe9;
			put_rel32(p + 1, s->va + 5, s->target_va);
		} else {
			memcpy(p, nops[5], 5);
		}
		break;
	}
}

/* The engine's cluster walk over one memory type; 0 or first error. */
static int verify(struct mod *m, __u8 **mem, const struct heki_rw_site *st,
		  __u64 n, __u64 *checked, const char **rule)
{
	struct heki_rw_fault f = { NULL, 0 };
	__u64 i = 0, j, k, start, end, pos;
	int ret = 0, ok, alt, fin;

	while (i < n) {
		start = st[i].offset;
		end = start + st[i].len;
		for (j = i + 1; j < n && st[j].mem == st[i].mem &&
		     st[j].offset < end; j++)
			if (st[j].offset + st[j].len > end)
				end = st[j].offset + st[j].len;
		ok = 0;
		alt = 0;
		fin = heki_rw_alt_final(&m->ctx, st, (__u32)i, (__u32)j, start,
					end);
		if (fin >= 0) {
			ok = !rw_check_exact(&m->ctx, &st[fin],
					     m->mem[st[fin].mem] + st[fin].offset,
					     mem[st[fin].mem] + st[fin].offset, &f);
		}
		for (k = fin >= 0 ? j : i; k < j && !ok; k++) {
			if (st[k].offset != start ||
			    st[k].offset + st[k].len != end)
				continue;
			alt |= st[k].kind == HEKI_RW_ALTERNATIVE;
			ok = !rw_check_exact(&m->ctx, &st[k],
					     m->mem[st[k].mem] + st[k].offset,
					     mem[st[k].mem] + st[k].offset, &f);
		}
		pos = start;
		for (k = fin >= 0 ? j + 1 : i; k < j && !ok; k++) {
			const __u8 *ex = m->mem[st[k].mem], *ac = mem[st[k].mem];

			if (st[k].offset == start && st[k].offset + st[k].len == end)
				continue;
			if (st[k].offset < pos)
				break;
			if ((alt ? heki_rw_match_nops(ex + pos, ac + pos,
						      st[k].offset - pos) :
			     first_eq(ex + pos, ac + pos, st[k].offset - pos)) !=
			    st[k].offset - pos)
				break;
			if (rw_check_exact(&m->ctx, &st[k], ex + st[k].offset,
					   ac + st[k].offset, &f))
				break;
			pos = st[k].offset + st[k].len;
		}
		if (!ok && k == j && fin < 0) {
			const __u8 *ex = m->mem[st[i].mem], *ac = mem[st[i].mem];

			ok = (alt ? heki_rw_match_nops(ex + pos, ac + pos,
						       end - pos) :
			      first_eq(ex + pos, ac + pos, end - pos)) ==
			     end - pos;
		}
		(*checked)++;
		if (!ok && !ret) {
			ret = -1;
			*rule = f.rule ? f.rule : "bytes around inner sites";
			*checked |= (__u64)st[i].kind << 56;
		}
		i = j;
	}
	return ret;
}

/*
 * The whole load with feature set @fs, but the first three alternative
 * sites whose two forms differ hold the form for the other feature value
 * (one at a time): refused.
 */
static void other_form_refused(struct mod *m, __u8 **mem,
			       const struct heki_rw_site *st, __u64 n,
			       const struct fset *fs)
{
	__u8 save[HEKI_RW_MAX_SITE_LEN], *p;
	const char *rule = NULL;
	__u64 i, checked, done = 0;
	char nm[4400];
	int ret;

	for (i = 0; i < n && done < 3; i++) {
		if (st[i].kind != HEKI_RW_ALTERNATIVE)
			continue;
		p = mem[st[i].mem] + st[i].offset;
		memcpy(save, p, st[i].len);
		memcpy(p, exp_at(m, &st[i]), st[i].len);
		apply(m, mem, &st[i], !fset_alt(fs->w, st[i].aux), NULL);
		if (!memcmp(p, save, st[i].len)) {
			memcpy(p, save, st[i].len);
			continue;
		}
		checked = 0;
		ret = verify(m, mem, st, n, &checked, &rule);
		memcpy(p, save, st[i].len);
		snprintf(nm, sizeof(nm), "%s composite load, %s: other alternative form at %#llx (cpuid %#llx) refused",
			 m->path, fs->name, st[i].va, st[i].aux);
		check_group(ret != 0, G, nm, "accepted");
		done++;
	}
}

static void composite(struct mod *m)
{
	struct heki_rw_site *st;
	__u8 *mem[HEKI_MODLAYOUT_NR_MEM] = { NULL };
	__u64 n, i, checked;
	const char *rule = NULL;
	char nm[4400];
	int t, applied, ret, run;
	__u32 k;

	st = calloc(1 << 17, sizeof(*st));
	n = collect(m, st, 1 << 17);
	/* runs 0, 1: no words, alternatives not / all applied; then fsets */
	for (run = 0; run < 2 + (int)ARRAY_SIZE(fsets); run++) {
		const struct fset *fs = run >= 2 ? &fsets[run - 2] : NULL;
		char what[64];

		applied = run == 1;
		snprintf(what, sizeof(what), "%s", fs ? fs->name :
			 applied ? "alternatives applied" :
			 "alternatives not applied");
		fset_use(m, fs);
		for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
			mem[t] = NULL;
			if (m->mem[t]) {
				mem[t] = malloc(m->ctx.mem_size[t]);
				memcpy(mem[t], m->mem[t], m->ctx.mem_size[t]);
			}
		}
		/* module_finalize order, then ftrace, static calls, jumps. */
		static const __u32 order[] = {
			HEKI_RW_PARAVIRT, HEKI_RW_RETPOLINE, HEKI_RW_RETURN,
			HEKI_RW_ALTERNATIVE, HEKI_RW_MCOUNT, HEKI_RW_STATIC_CALL,
			HEKI_RW_JUMP_LABEL,
		};
		for (t = 0; t < (int)ARRAY_SIZE(order); t++)
			for (i = 0; i < n; i++)
				if (st[i].kind == order[t])
					apply(m, mem, &st[i], applied, fs);
		for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
			m->ctx.actual[t] = mem[t];
		checked = 0;
		ret = verify(m, mem, st, n, &checked, &rule);
		snprintf(nm, sizeof(nm), "%s composite load, %s (%llu sites)",
			 m->path, what, n);
		check_group(!ret, G, nm, "refused: kind %llu [%s]", checked >> 56,
			 rule ? rule : "-");
		/* One byte flipped at the first site of each kind: refused. */
		for (k = 0; k < HEKI_RW_NR_KINDS; k++) {
			for (i = 0; i < n && st[i].kind != k; i++)
				;
			if (i == n)
				continue;
			mem[st[i].mem][st[i].offset + st[i].len - 1] ^= 0x01;
			checked = 0;
			ret = verify(m, mem, st, n, &checked, &rule);
			mem[st[i].mem][st[i].offset + st[i].len - 1] ^= 0x01;
			snprintf(nm, sizeof(nm), "%s composite load, %s: %s site byte flipped refused",
				 m->path, what, heki_rw_kind_name(k));
			check_group(ret != 0, G, nm, "accepted");
		}
		if (fs)
			other_form_refused(m, mem, st, n, fs);
		for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
			m->ctx.actual[t] = NULL;
			free(mem[t]);
		}
		fset_use(m, NULL);
	}
	free(st);
}

/* ---- module setup ------------------------------------------------------ */

static int load(struct mod *m, const __u8 *img, __u64 len)
{
	static const int types[] = { HEKI_MODLAYOUT_TEXT,
				     HEKI_MODLAYOUT_INIT_TEXT };
	struct heki_modreloc_fault f;
	__u64 mem_va[HEKI_MODLAYOUT_NR_MEM], init_va;
	__u32 i;
	int ret, k;

	ret = heki_elf_parse(&m->elf, img, len);
	if (ret)
		return ret;
	m->sects = calloc(m->elf.shnum, sizeof(*m->sects));
	m->syms = calloc(m->elf.nsyms, sizeof(*m->syms));
	m->bufs = calloc(m->elf.shnum, sizeof(*m->bufs));
	m->va = calloc(m->elf.shnum, sizeof(*m->va));
	ret = heki_modlayout_compute(&m->elf, HEKI_MODLAYOUT_LINUX_6_1,
				     m->sects, m->elf.shnum, &m->lay);
	if (ret)
		return ret;
	init_va = CORE_VA + ((m->lay.alloc_size[0] + (4ULL << 20)) &
			     ~((2ULL << 20) - 1));
	for (k = 0; k < HEKI_MODLAYOUT_NR_MEM; k++)
		mem_va[k] = (m->lay.mem[k].alloc ? init_va : CORE_VA) +
			    m->lay.mem[k].base;
	m->env.elf = &m->elf;
	m->env.layout = &m->lay;
	memcpy(m->env.mem_va, mem_va, sizeof(mem_va));
	m->env.percpu_va = PERCPU_VA;
	m->env.has_percpu = 1;
	m->env.resolve = resolve;
	ret = heki_modreloc_symbols(&m->env, m->syms, m->elf.nsyms, &f);
	for (i = 0; !ret && i < m->elf.shnum; i++) {
		if (m->sects[i].mem == HEKI_MODLAYOUT_MEM_NONE)
			continue;
		m->bufs[i] = malloc(m->sects[i].size ? m->sects[i].size : 1);
		heki_modlayout_section_va(&m->lay, i, mem_va, &m->va[i]);
		ret = heki_modreloc_load_section(&m->elf, i, m->bufs[i],
						 m->sects[i].size);
		if (!ret)
			ret = heki_modreloc_apply(&m->env, m->syms,
						  m->elf.nsyms, i, m->bufs[i],
						  m->sects[i].size, &f);
	}
	memset(&m->ctx, 0, sizeof(m->ctx));
	fake_ctx_ksyms(&m->ctx);
	m->ctx.lookup = fake_lookup;
	m->ctx.func_entry = kernel_entry;
	for (k = 0; k < 256; k++)
		m->pv[k] = PV_FN(k);
	m->ctx.pv_ops = m->pv;
	m->ctx.pv_ops_count = 256;
	for (k = 0; !ret && k < 2; k++) {
		int t = types[k];
		__u64 size = m->lay.mem[t].size;

		m->ctx.mem_va[t] = mem_va[t];
		m->ctx.mem_size[t] = size;
		if (!size)
			continue;
		m->mem[t] = malloc(size);
		ret = heki_modreloc_build_mem(&m->env, m->syms, m->elf.nsyms,
					      t, m->mem[t], size, &f);
		m->ctx.expected[t] = m->mem[t];
	}
	return ret;
}

static void check_module(const char *path)
{
	struct mod m;
	__u64 len;
	__u8 *img;
	__u32 i;
	int ret;

	memset(&m, 0, sizeof(m));
	m.path = path;
	img = read_file(path, &len);
	if (!img) {
		check_group(0, G, path, "cannot read");
		return;
	}
	ret = load(&m, img, strip_signature(img, len));
	check_group(!ret, G, path, "simulated load: %s", check_err_name(ret));
	if (!ret) {
		sim_mcount(&m);
		sim_return(&m);
		sim_retpolines(&m);
		sim_jump_labels(&m);
		sim_static_calls(&m);
		sim_paravirt(&m);
		sim_alternatives(&m);
		sim_smp_locks(&m);
		sim_sorted_mcount(&m);
		sim_tables(&m);
		composite(&m);
	}
	for (i = 0; m.bufs && i < m.elf.shnum; i++)
		free(m.bufs[i]);
	for (i = 0; i < HEKI_MODLAYOUT_NR_MEM; i++)
		free(m.mem[i]);
	free(m.bufs);
	free(m.va);
	free(m.sects);
	free(m.syms);
	free(img);
}

static char **paths;
static size_t npaths, cap;

static int visit(const char *path, const struct stat *st, int type,
		 struct FTW *ftw)
{
	size_t l = strlen(path);

	(void)st;
	(void)ftw;
	if (type != FTW_F || l < 3 || strcmp(path + l - 3, ".ko"))
		return 0;
	if (npaths == cap) {
		cap = cap ? 2 * cap : 1024;
		paths = realloc(paths, cap * sizeof(*paths));
	}
	paths[npaths++] = strdup(path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

static int is_named(const char *p)
{
	size_t i, l = strlen(p);

	for (i = 0; i < ARRAY_SIZE(named); i++) {
		size_t sl = strlen(named[i]);

		if (l >= sl && !strcmp(p + l - sl, named[i]))
			return 1;
	}
	return 0;
}

void test_realmods(const char *root)
{
	const char *ev = getenv("RW_SAMPLE_EVERY");
	size_t i, sampled = 0, every = ev ? strtoul(ev, NULL, 10) : 0;

	if (!every)
		every = SAMPLE_EVERY;

	fsets_init();
	nftw(root, visit, 16, FTW_PHYS);
	qsort(paths, npaths, sizeof(*paths), cmp_str);
	for (i = 0; i < npaths; i++) {
		if (is_named(paths[i]) || i % every == 0) {
			check_module(paths[i]);
			sampled++;
		}
		free(paths[i]);
	}
	free(paths);
	check_group(sampled >= 50, G, "at least 50 modules sampled",
		 "%zu of %zu under %s", sampled, npaths, root);
	printf("realmods: %zu of %zu modules under %s\n", sampled, npaths,
	       root);
}

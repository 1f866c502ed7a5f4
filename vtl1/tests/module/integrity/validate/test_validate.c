// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * test_validate.c - the whole ValidateModule over real Debian modules, with
 * simulated loads: each module's signed ELF (its Debian PKCS#7 replaced by
 * the simulated guest's test signature) is laid out and relocated as the
 * kernel would (modsim.c), the legitimate ftrace rewrite is applied
 * (every __mcount_loc site becomes NOP5), and the result is placed in a
 * simulated guest whose LoadKData export table holds every symbol the
 * module imports. Per module:
 *   accept      pristine relocated memory + NOP'd mcount -> token, text R|X
 *   byte        one byte changed outside every rewrite site -> refused,
 *               MODULE_CONTENT_MISMATCH naming the section, nothing protected
 *   site        an mcount site turned into a call elsewhere -> refused by
 *               the mcount rule (…FORBIDDEN), nothing protected
 *   text size   text one page short -> MODLAYOUT_MEM_SIZE
 *   text split  text's ranges not VA-contiguous -> MODULE_MEMORY_INCOMPLETE
 *   two percpu  two HEKI_MOD_MEM_PERCPU ranges -> MODULE_MEMORY_TYPE_INVALID
 * Usage: test_validate MODULE.ko[.xz]... | -  (paths on stdin)
 * Results through vtl1/tests/check.h (a module too large for the simulated
 * guest is a skip).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/core.h"
#include "guest.h"
#include "modsim.h"
#include "sig/modsig.h"


/* Every VTL1 log line of the current call (the refusal line included). */
static char logbuf[65536];
static size_t loglen;

static void capture_log(void *ctx, int level, const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)ctx;
	(void)level;
	va_start(ap, fmt);
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(logbuf) - loglen)
		loglen += (size_t)n;
}

/* The oracle (tests/oracle.c) checks every call; a violation is a failure. */
static void oracle_failed(const char *msg)
{
	check_result(0, "oracle", "%s", msg);
}

static __u8 *read_module(const char *path, __u64 *len)
{
	size_t cap = 1 << 20, n = 0, r;
	__u8 *buf = malloc(cap + 4096);
	char cmd[4200];
	FILE *f;
	size_t l = strlen(path);
	int xz = l > 3 && !strcmp(path + l - 3, ".xz");

	if (!buf)
		return NULL;
	if (xz) {
		snprintf(cmd, sizeof(cmd), "xz -dc '%s'", path);
		f = popen(cmd, "r");
	} else {
		f = fopen(path, "rb");
	}
	if (!f) {
		free(buf);
		return NULL;
	}
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			__u8 *nb = realloc(buf, cap * 2 + 4096);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	if (xz)
		pclose(f);
	else
		fclose(f);
	*len = n;
	return buf;
}

/* LoadKData: test certificate 7 and an export table of @elf's imports. */
static int load_kdata(struct guest *g, const struct heki_elf *elf)
{
	__u8 cert[0x200];
	__u64 clen = guest_make_cert(cert, 7);

	return modsim_load_kdata(g, cert, clen, elf);
}

/**
 * struct run - one module's simulated load
 * @s: simulated memory
 * @r: ValidateModule ranges
 * @n: count
 */
struct run {
	struct modsim s;
	struct heki_range r[12];
	__u32 n;
};

static __s64 validate(struct guest *g, struct run *u)
{
	__u32 t;

	/* (re)write the simulated memory: a refused call leaves it as is */
	for (t = 0; t < u->n; t++)
		if (u->r[t].attributes < HEKI_MODLAYOUT_NR_MEM)
			guest_write(g, u->r[t].pa,
				    u->s.mem[u->r[t].attributes],
				    u->r[t].epa - u->r[t].pa);
	guest_chain(g, SIM_CHAIN_PA, u->r, u->n, 0);
	loglen = 0;
	logbuf[0] = 0;
	return guest_call(g, VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE,
			  SIM_CHAIN_PA, u->n, 0);
}

static int nothing_protected(struct guest *g, const struct run *u)
{
	__u32 i;
	__u64 pa;

	for (i = 0; i < u->n; i++) {
		if (u->r[i].attributes >= HEKI_MODLAYOUT_NR_MEM)
			continue;
		for (pa = u->r[i].pa; pa < u->r[i].epa; pa += 4096) {
			struct heki_vtl1_frame_info fi;

			/* untouched (0xF) or released after an unload (0xB) */
			heki_vtl1_get_frame_info(g->v, pa >> 12, &fi);
			if ((fi.tracked && fi.owner != HEKI_VTL1_OWNER_NONE) ||
			    (g->prot[pa >> 12] != 0xF &&
			     g->prot[pa >> 12] != 0xB))
				return 0;
		}
	}
	return heki_vtl1_nr_modules(g->v) == 0;
}

/* Collect the engine's sites once (on the simulated memory itself). */
static void collect(struct run *u)
{
	struct heki_modverify_env env;
	struct heki_modverify_fault f;
	__u32 t;

	memset(&env, 0, sizeof(env));
	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++)
		env.actual[t] = u->s.mem[t];
	env.percpu_va = SIM_PERCPU_VA;
	env.has_percpu = 1;
	env.resolve = modsim_resolve;
	heki_modverify_compare(&u->s.mv, &env, &f);
}

/* Is [off, off+len) of @mem outside every site the engine collects? */
static int outside_sites(const struct run *u, __u32 mem, __u64 off, __u64 len)
{
	const struct heki_modverify *mv = &u->s.mv;
	__u32 i;

	for (i = 0; i < mv->nsites; i++) {
		const struct heki_rw_site *s = &mv->sites[i];

		if (s->mem == mem && s->offset < off + len &&
		    off < s->offset + s->len)
			return 0;
	}
	return 1;
}

static void one_module(const char *path)
{
	const char *mod = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct heki_modsig ms;
	struct guest *g = NULL;
	struct run *u = calloc(1, sizeof(*u));
	__u64 len = 0, slen, site, off = 0;
	__u8 *buf = read_module(path, &len), *p, save[5];
	__u32 mem = 0, t;
	long nops;
	__s64 tok;
	int ret;

	if (!buf || !u || heki_modsig_split(buf, len, &ms)) {
		check_group(0, mod, "read", "cannot read or split %s", path);
		goto out;
	}
	len = ms.data_len;
	if (len > SIM_ELF_MAX - 4096) {
		check_group_skip(mod, "validate",
				 "ELF too large for the simulated guest");
		goto out;
	}
	ret = modsim_load(&u->s, buf, len, SIM_CORE_VA, SIM_INIT_VA,
			  modsim_resolve, NULL, SIM_PERCPU_VA, 1);
	if (ret || u->s.mv.lay.alloc_size[0] > SIM_CORE_MAX ||
	    u->s.mv.lay.alloc_size[1] > SIM_INIT_MAX) {
		if (ret)
			check_group(0, mod, "simulated load",
				    "simulated load failed: %d", ret);
		else
			check_group_skip(mod, "validate",
					 "memory too large for the simulated guest");
		goto out;
	}
	nops = modsim_nop_mcount(&u->s);
	g = guest_new();
	g->quiet = 1;
	g->v->p.log = capture_log;
	/* modsim_place() declares every loaded byte: nothing else may run */
	oracle_strict(g, 1);
	ret = load_kdata(g, &u->s.mv.elf);
	if (ret) {
		check_group(0, mod, "load_kdata", "LoadKData: %d (%s)", ret,
		       g->last_log);
		goto out;
	}
	u->n = modsim_place(g, &u->s, SIM_CORE_PA, SIM_INIT_PA, u->r);
	slen = guest_sign(buf, len, 7);
	guest_write(g, SIM_ELF_PA, buf, slen);
	u->r[u->n++] = (struct heki_range){ SIM_KVA(SIM_ELF_PA), SIM_ELF_PA, SIM_ELF_PA + slen,
					    HEKI_MOD_MEM_ELF_BUFFER_VALUE };
	u->r[u->n++] = (struct heki_range){ SIM_PERCPU_VA, 0, 0,
					    HEKI_MOD_MEM_PERCPU_VALUE };

	/* accept: relocated ELF with every mcount site NOP'd */
	tok = validate(g, u);
	check_group(tok >= 0 && g->prot[u->r[0].pa >> 12] ==
	       hv_page_prot_raw(heki_mem_attr_to_hv_page_prot(
			heki_mod_mem_type_to_mem_attr(
			(__force heki_mod_mem_type_t)u->r[0].attributes))),
	       mod, "accept",
	       "ValidateModule %lld (%ld mcount NOPs): %s", (long long)tok,
	       nops, logbuf);
	if (tok >= 0)
		guest_call(g, VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE,
			   (__u64)tok, 0, 0);
	/*
	 * The unload released the frames and their declarations; the
	 * pristine bytes stay the only authenticated ones for the tampered
	 * loads below (an accepted tampered load is an I1 violation).
	 */
	for (t = 0; t < u->n; t++)
		if (u->r[t].attributes < HEKI_MODLAYOUT_NR_MEM)
			oracle_auth_bytes(g, u->r[t].pa,
					  u->s.mem[u->r[t].attributes],
					  u->r[t].epa - u->r[t].pa,
					  "module bytes loaded from the signed ELF (modsim)");

	/* byte: one byte outside every site, after the first mcount site */
	collect(u);
	site = modsim_first_mcount(&u->s);
	p = site ? modsim_at(&u->s, site + 5, 1, &mem) : NULL;
	if (p)
		off = site + 5 - u->s.va[mem];
	while (p && !outside_sites(u, mem, off, 1) &&
	       off + 1 < u->s.size[mem]) {
		off++;
		p++;
	}
	if (p) {
		*p ^= 0x01;
		tok = validate(g, u);
		*p ^= 0x01;
		check_group(tok == -HEKI_EINVAL &&
		       strstr(logbuf, "MODULE_CONTENT_MISMATCH") &&
		       strstr(logbuf, "rule - 'equal'") &&
		       nothing_protected(g, u), mod, "byte",
		       "ValidateModule %lld: %s", (long long)tok, logbuf);
	}

	/* site: the first mcount site calls something else */
	p = site ? modsim_at(&u->s, site, 5, NULL) : NULL;
	if (p) {
		memcpy(save, p, 5);
		p[0] = 0xe8;
		p[1] = 0x10;
		p[2] = p[3] = p[4] = 0;
		tok = validate(g, u);
		memcpy(p, save, 5);
		check_group(tok == -HEKI_EINVAL &&
		       strstr(logbuf, "FORBIDDEN") &&
		       strstr(logbuf, "rule mcount") &&
		       nothing_protected(g, u), mod, "site",
		       "ValidateModule %lld: %s", (long long)tok, logbuf);
	}
	/* size: text one page shorter than the layout -> MODLAYOUT_MEM_SIZE */
	if (u->r[0].attributes == HEKI_MOD_MEM_TEXT_VALUE &&
	    u->r[0].epa - u->r[0].pa > 4096) {
		u->r[0].epa -= 4096;
		tok = validate(g, u);
		u->r[0].epa += 4096;
		check_group(tok == -HEKI_EINVAL &&
		       strstr(logbuf, "MODLAYOUT_MEM_SIZE: mem 0+") &&
		       nothing_protected(g, u), mod, "text size",
		       "ValidateModule %lld: %s", (long long)tok, logbuf);
	}

	/* split: text's second part at another VA -> MEMORY_INCOMPLETE */
	if (u->r[0].attributes == HEKI_MOD_MEM_TEXT_VALUE &&
	    u->r[0].epa - u->r[0].pa > 4096 && u->n < 12) {
		struct heki_range keep = u->r[0];

		memmove(&u->r[1], &u->r[0], sizeof(u->r[0]) * u->n);
		u->n++;
		u->r[0].epa = u->r[0].pa + 4096;
		u->r[1].pa += 4096;
		u->r[1].va += 2 * 4096;
		tok = validate(g, u);
		memmove(&u->r[0], &u->r[1], sizeof(u->r[0]) * (u->n - 1));
		u->n--;
		u->r[0] = keep;
		check_group(tok == -HEKI_EINVAL &&
		       strstr(logbuf, "MODULE_MEMORY_INCOMPLETE") &&
		       nothing_protected(g, u), mod, "text split",
		       "ValidateModule %lld: %s", (long long)tok, logbuf);
	}

	/* two per-CPU bases -> MODULE_MEMORY_TYPE_INVALID */
	if (u->n < 12) {
		u->r[u->n++] = (struct heki_range){ SIM_PERCPU_VA + 64, 0, 0,
						    HEKI_MOD_MEM_PERCPU_VALUE };
		tok = validate(g, u);
		u->n--;
		check_group(tok == -HEKI_EINVAL &&
		       strstr(logbuf, "MODULE_MEMORY_TYPE_INVALID") &&
		       nothing_protected(g, u), mod, "two percpu",
		       "ValidateModule %lld: %s", (long long)tok, logbuf);
	}
out:
	if (g)
		guest_free(g);
	if (u)
		modsim_free(&u->s);
	free(u);
	free(buf);
}

int main(int argc, char **argv)
{
	int i;

	char line[4096];

	oracle_fail_handler = oracle_failed;
	if (argc == 2 && !strcmp(argv[1], "-")) {
		/* one path per line on stdin */
		while (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\n")] = 0;
			if (line[0])
				one_module(line);
		}
	}
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-"))
			one_module(argv[i]);
	return check_done();
}

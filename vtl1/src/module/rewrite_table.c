// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * rewrite_table.c - sorted tables: __ex_table, ORC, __mcount_loc,
 * __jump_table, .static_call_sites sorted in place by the loader.
 */
#include "rewrite_rules.h"

/*
 * Self-relative tables the kernel sorts (and partly re-keys) at load,
 * told apart by entry size (the engine's table list has one of each):
 * 12 __ex_table (sort_extable: by insn; insn and fixup rebased, data
 * moved), 4 .orc_unwind_ip (unwind_module_init: by ip; paired with
 * .orc_unwind when the site names it in repl_*), 6 .orc_unwind (checked
 * through its ip table; alone only as a multiset hash), 16 __jump_table
 * (jump_label_add_module: by key then code; bit 1 of the key set exactly
 * for init code), 8 .static_call_sites (static_call_add_module: by key;
 * bit 1 set for init sites; a key pointing into kernel text - a
 * trampoline - is replaced by the real key, which VTL1 cannot predict and
 * only requires to lie outside kernel text).
 */
#define TBL_EX		12U
#define TBL_ORC_IP	4U
#define TBL_ORC		6U
#define TBL_JUMP	16U
#define TBL_SCALL	8U
/* Entries of a table whose keys may be rewritten (quadratic matching). */
#define TBL_MAX_REKEYED	16384U

/**
 * struct rw_ent - one decoded table entry
 * @id: identity (insn, ip, code or site address)
 * @key: primary sort key (@id, or the masked key)
 * @a: second field (fixup, target, key with flags; 6-byte ORC entry)
 * @b: third field (ex data)
 * @wild: static call key the kernel re-keys (only its flags compare)
 */
struct rw_ent {
	__u64 id, key, a, b;
	int wild;
};

struct rw_tbl {
	const struct heki_rw_ctx *ctx;
	const struct heki_rw_site *site;
	const __u8 *pair_e, *pair_a;	/* .orc_unwind of an ip table */
};

static __u64 get_u48(const __u8 *p)
{
	return (__u64)p[0] | (__u64)p[1] << 8 | (__u64)p[2] << 16 |
	       (__u64)p[3] << 24 | (__u64)p[4] << 32 | (__u64)p[5] << 40;
}

static int in_init_text(const struct heki_rw_ctx *ctx, __u64 va)
{
	return rw_in_range(va, ctx->mem_va[HEKI_MODLAYOUT_INIT_TEXT],
			ctx->mem_size[HEKI_MODLAYOUT_INIT_TEXT]);
}

/* Entry @i of @buf (table at @t->site->va); @exp: normalise as loaded. */
static void tbl_decode(const struct rw_tbl *t, const __u8 *buf, __u64 i,
		       int exp, struct rw_ent *e)
{
	__u64 es = t->site->aux, va = t->site->va + i * es, init;
	const __u8 *p = buf + i * es;
	const __u8 *pair = exp ? t->pair_e : t->pair_a;

	memset(e, 0, sizeof(*e));
	switch (es) {
	case TBL_EX:
		e->id = rel32_dest(va, p);
		e->a = rel32_dest(va + 4, p + 4);
		e->b = (__u32)heki_le_s32(p + 8);
		e->key = e->id;
		break;
	case TBL_ORC_IP:
		e->id = rel32_dest(va, p);
		e->key = e->id;
		if (pair)
			e->a = get_u48(pair + 6 * i);
		break;
	case TBL_JUMP:
		e->id = rel32_dest(va, p);
		e->b = rel32_dest(va + 4, p + 4);
		e->a = va + 8 + heki_le64(p + 8);
		if (exp)
			e->a = (e->a & ~2ULL) |
			       (in_init_text(t->ctx, e->id) ? 2 : 0);
		e->key = e->a & ~3ULL;
		break;
	default:	/* TBL_SCALL */
		e->id = rel32_dest(va, p);
		e->a = rel32_dest(va + 4, p + 4);
		init = in_init_text(t->ctx, e->id) ? 2 : 0;
		if (exp) {
			e->wild = heki_rw_kernel_text(t->ctx, e->a & ~3ULL);
			e->a = (e->a & ~2ULL) | init;
		}
		e->key = e->a & ~3ULL;
		break;
	}
}

static int ent_match(const struct rw_ent *x, const struct rw_ent *y,
		     const struct heki_rw_ctx *ctx)
{
	if (x->wild)
		return x->id == y->id && (x->a & 3) == (y->a & 3) &&
		       !heki_rw_kernel_text(ctx, y->key);
	return x->id == y->id && x->a == y->a && x->b == y->b;
}

static __u64 ent_mix(const struct rw_ent *e)
{
	__u64 v = e->id * 0x9e3779b97f4a7c15ULL;

	return v ^ (v >> 31);
}

static int heki_rw_check_reltable(const struct rw_tbl *t, const __u8 *exp,
				  const __u8 *act, struct heki_rw_fault *fault)
{
	__u64 es = t->site->aux, n = t->site->len / es, i, j, lo, hi, mid;
	__u64 sum_e = 0, sum_a = 0, prev_key = 0, prev_id = 0;
	struct rw_ent x, y;
	int found;

	for (i = 0; i < n; i++) {
		tbl_decode(t, act, i, 0, &y);
		if (i && (y.key < prev_key ||
			  (es == TBL_JUMP && y.key == prev_key &&
			   y.id < prev_id)))
			return refuse(fault, "table: not in the kernel's sort order",
				      i * es, HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
		prev_key = y.key;
		prev_id = y.id;
		sum_a += ent_mix(&y);
	}
	for (i = 0; i < n; i++) {
		tbl_decode(t, exp, i, 1, &x);
		sum_e += ent_mix(&x);
		found = 0;
		if (x.wild) {
			if (n > TBL_MAX_REKEYED)
				return refuse(fault, "table: too many re-keyed entries",
					      i * es, HEKI_VSM_ERR_REWRITE_TABLE_ENTRY);
			for (j = 0; j < n && !found; j++) {
				tbl_decode(t, act, j, 0, &y);
				found = ent_match(&x, &y, t->ctx);
			}
		} else {
			lo = 0;
			hi = n;
			while (lo < hi) {
				mid = lo + (hi - lo) / 2;
				tbl_decode(t, act, mid, 0, &y);
				if (y.key < x.key)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (j = lo; j < n && !found; j++) {
				tbl_decode(t, act, j, 0, &y);
				if (y.key != x.key)
					break;
				found = ent_match(&x, &y, t->ctx);
			}
		}
		if (!found)
			return refuse(fault, "table: relocated entry missing or changed",
				      i * es, HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	}
	if (sum_a != sum_e)
		return refuse(fault, "table: entries duplicated or dropped", 0,
			      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	return 0;
}

/* .orc_unwind alone: the same 6-byte entries in any order (hash). */
static int heki_rw_check_orc(const struct heki_rw_site *site,
			     const __u8 *exp, const __u8 *act,
			     struct heki_rw_fault *fault)
{
	__u64 i, se = 0, sa = 0, ve, va;

	for (i = 0; i + 6 <= site->len; i += 6) {
		ve = (get_u48(exp + i) + 1) * 0x9e3779b97f4a7c15ULL;
		va = (get_u48(act + i) + 1) * 0x9e3779b97f4a7c15ULL;
		se += ve ^ (ve >> 29);
		sa += va ^ (va >> 29);
	}
	if (se != sa)
		return refuse(fault, "table: ORC entries changed", 0,
			      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	return 0;
}

/*
 * A table the kernel sorts in place. Unchanged is always accepted. An
 * absolute 8-byte table (__mcount_loc, ftrace_process_locs()) may be
 * sorted ascending with every expected entry present (binary search) and
 * the same entry hash; self-relative tables follow the models above.
 */
int heki_rw_rule_table(const struct heki_rw_ctx *ctx,
		       const struct heki_rw_site *site,
		       const __u8 *expected, const __u8 *actual,
		       struct heki_rw_fault *fault)
{
	__u64 n, i, lo, hi, mid, v, sum_e = 0, sum_a = 0, prev = 0, end;
	__u64 d = first_diff(expected, actual, site->len);
	struct rw_tbl t = { ctx, site, NULL, NULL };
	__u32 m = site->repl_mem;

	/* An ip table with its ORC pair is unchanged only if both are. */
	if (d == site->len && !(site->aux == TBL_ORC_IP && site->repl_len &&
				!(site->flags & HEKI_RW_SITE_ABS_TABLE)))
		return 0;
	if (!site->aux || site->len % site->aux)
		return refuse(fault, "table: size not a multiple of the entry size",
			      0, HEKI_VSM_ERR_REWRITE_TABLE_ENTRY);
	if (!(site->flags & HEKI_RW_SITE_ABS_TABLE)) {
		if (site->aux == TBL_ORC)
			return heki_rw_check_orc(site, expected, actual, fault);
		if (site->aux != TBL_EX && site->aux != TBL_ORC_IP &&
		    site->aux != TBL_JUMP && site->aux != TBL_SCALL)
			return refuse(fault, "table: no model for this entry size",
				      d, HEKI_VSM_ERR_REWRITE_TABLE_UNSUPPORTED);
		if (site->aux == TBL_ORC_IP && site->repl_len) {
			if (m >= HEKI_MODLAYOUT_NR_MEM || !ctx->expected[m] ||
			    !ctx->actual[m] ||
			    site->repl_len != site->len / 4 * 6 ||
			    __builtin_add_overflow(site->repl_offset,
						   site->repl_len, &end) ||
			    end > ctx->mem_size[m])
				return refuse(fault, "table: ORC pair outside module memory",
					      0, HEKI_VSM_ERR_REWRITE_TABLE_ENTRY);
			t.pair_e = ctx->expected[m] + site->repl_offset;
			t.pair_a = ctx->actual[m] + site->repl_offset;
		}
		return heki_rw_check_reltable(&t, expected, actual, fault);
	}
	if (site->aux != 8)
		return refuse(fault, "table: absolute table entry size not 8", 0,
			      HEKI_VSM_ERR_REWRITE_TABLE_ENTRY);
	n = site->len / 8;
	for (i = 0; i < n; i++) {
		v = heki_le64(actual + 8 * i);
		if (i && v < prev)
			return refuse(fault, "table: not sorted", 8 * i,
				      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
		prev = v;
		sum_a += v * 0x9e3779b97f4a7c15ULL + (v >> 29);
	}
	for (i = 0; i < n; i++) {
		v = heki_le64(expected + 8 * i);
		sum_e += v * 0x9e3779b97f4a7c15ULL + (v >> 29);
		lo = 0;
		hi = n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (heki_le64(actual + 8 * mid) < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == n || heki_le64(actual + 8 * lo) != v)
			return refuse(fault, "table: entry missing", 8 * i,
				      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	}
	if (sum_a != sum_e)
		return refuse(fault, "table: entries duplicated", 0,
			      HEKI_VSM_ERR_REWRITE_TABLE_FORBIDDEN);
	return 0;
}

/* ---- entry point -------------------------------------------------------- */

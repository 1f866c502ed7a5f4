// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * modverify.c - compare a module's memory with what its signed ELF yields
 * after the Linux 6.1 layout, relocation and the load-time rewrites.
 *
 * Expected bytes come from heki_modreloc_build_mem() (the kernel's
 * move_module + simplify_symbols + apply_relocations). Rewrite sites come
 * from the module's own tables, read from the *expected* (relocated ELF)
 * bytes, never from VTL0's copy: VTL0 cannot add, move or widen a site.
 * Every byte outside a site must be equal; each site (or cluster of
 * overlapping sites) goes to heki_rw_check().
 */
#include "core/core.h"
#include "modverify.h"
#include "kdata/kdata.h"

static const __u32 compared[] = {
	HEKI_MODLAYOUT_TEXT, HEKI_MODLAYOUT_RODATA,
	HEKI_MODLAYOUT_RO_AFTER_INIT, HEKI_MODLAYOUT_INIT_TEXT,
	HEKI_MODLAYOUT_INIT_RODATA,
};

/**
 * heki_modverify_compared_mem() - is a memory type compared byte by byte?
 * @mem: enum heki_modlayout_mem
 *
 * Return: 1 for text, rodata, ro_after_init, init text and init rodata.
 */
int heki_modverify_compared_mem(__u32 mem)
{
	__u32 i;

	for (i = 0; i < ARRAY_SIZE(compared); i++)
		if (compared[i] == mem)
			return 1;
	return 0;
}

static void fault_reset(struct heki_modverify_fault *f)
{
	memset(f, 0, sizeof(*f));
	f->mem = HEKI_MODLAYOUT_MEM_NONE;
	f->section_name = "";
	f->kind = HEKI_RW_NR_KINDS;
	f->rule = "";
}

static void *mv_alloc(struct heki_modverify *mv, __u64 n, __u64 size)
{
	__u64 bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return mv->ops.alloc(mv->ops.ctx, bytes ? bytes : 1);
}

/* For buffers written completely before they are read. */
static void *mv_alloc_uninit(struct heki_modverify *mv, __u64 n, __u64 size)
{
	__u64 bytes;

	if (!mv->ops.alloc_uninit)
		return mv_alloc(mv, n, size);
	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return mv->ops.alloc_uninit(mv->ops.ctx, bytes ? bytes : 1);
}

/**
 * heki_modverify_init() - parse a module ELF and compute its layout
 * @mv: state to fill (zeroed here)
 * @ops: allocation callbacks (copied)
 * @elf: the signed ELF without its signature (VTL1-private, unchanged
 *	until heki_modverify_free())
 * @elf_len: its length
 * @fault: filled on failure
 *
 * Return: 0, or the error of the ELF parser / layout, or
 * -HEKI_VSM_ERR_NO_MEMORY. heki_modverify_free() is safe either way.
 */
int heki_modverify_init(struct heki_modverify *mv,
			const struct heki_modverify_ops *ops,
			const __u8 *elf, __u64 elf_len,
			struct heki_modverify_fault *fault)
{
	int ret;

	memset(mv, 0, sizeof(*mv));
	mv->ops = *ops;
	fault_reset(fault);
	ret = heki_elf_parse(&mv->elf, elf, elf_len);
	if (!ret) {
		mv->sects = mv_alloc(mv, mv->elf.shnum, sizeof(*mv->sects));
		if (!mv->sects)
			ret = -HEKI_VSM_ERR_NO_MEMORY;
	}
	if (!ret)
		ret = heki_modlayout_compute(&mv->elf,
					     ops->layout_kernel ?:
					     HEKI_MODLAYOUT_LINUX_6_1,
					     mv->sects, mv->elf.shnum,
					     &mv->lay);
	fault->err = ret;
	return ret;
}

/**
 * heki_modverify_check_mem() - check VTL0's memory types against the layout
 * @mv: from heki_modverify_init()
 * @mem_va: VA of each memory type (merged ranges)
 * @mem_size: size of each memory type
 * @fault: @mem names the offending type on failure
 *
 * Return: 0 or the error of heki_modlayout_check_mem().
 */
int heki_modverify_check_mem(struct heki_modverify *mv,
			     const __u64 mem_va[HEKI_MODLAYOUT_NR_MEM],
			     const __u64 mem_size[HEKI_MODLAYOUT_NR_MEM],
			     struct heki_modverify_fault *fault)
{
	__u32 bad = HEKI_MODLAYOUT_MEM_NONE;
	int ret;

	fault_reset(fault);
	ret = heki_modlayout_check_mem(&mv->lay, mem_va, mem_size, &bad);
	if (ret) {
		fault->err = ret;
		fault->mem = bad;
		return ret;
	}
	memcpy(mv->mem_va, mem_va, sizeof(mv->mem_va));
	mv->mem_checked = 1;
	return 0;
}

/* ---- site collection ------------------------------------------------- */

/* The compared memory type holding [va, va + len), and the offset there. */
static int va_to_mem(const struct heki_modverify *mv, __u64 va, __u64 len,
		     __u32 *mem, __u64 *off)
{
	__u32 i;

	for (i = 0; i < ARRAY_SIZE(compared); i++) {
		__u32 t = compared[i];
		__u64 size = mv->lay.mem[t].size, o;

		if (!size || va < mv->mem_va[t])
			continue;
		o = va - mv->mem_va[t];
		if (o >= size || len > size - o)
			continue;
		*mem = t;
		*off = o;
		return 0;
	}
	return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
}

/**
 * struct site_table - one rewrite-site table section
 * @name: exact section name (module_finalize / find_sec)
 * @kind: enum heki_rw_kind of its entries
 * @entsize: bytes per entry
 * @sorted: the kernel sorts the table in place at load
 */
struct site_table {
	const char *name;
	__u32 kind;
	__u32 entsize;
	int sorted;
};

static const struct site_table tables[] = {
	{ "__mcount_loc", HEKI_RW_MCOUNT, 8, 1 },
	{ ".altinstructions", HEKI_RW_ALTERNATIVE, 0, 0 },	/* ent_size() */
	{ ".retpoline_sites", HEKI_RW_RETPOLINE, 4, 0 },
	{ ".return_sites", HEKI_RW_RETURN, 4, 0 },
	{ ".static_call_sites", HEKI_RW_STATIC_CALL, 8, 1 },
	{ "__jump_table", HEKI_RW_JUMP_LABEL, 16, 1 },
	{ ".parainstructions", HEKI_RW_PARAVIRT, 16, 0 },
	{ ".smp_locks", HEKI_RW_SMP_LOCK, 4, 0 },
	{ ".ibt_endbr_seal", HEKI_RW_ENDBR_SEAL, 4, 0 },
	/* Sorted only: the entries name no rewritable code. */
	{ "__ex_table", HEKI_RW_SORTED_TABLE, 12, 1 },
	{ ".orc_unwind_ip", HEKI_RW_SORTED_TABLE, 4, 1 },
	{ ".orc_unwind", HEKI_RW_SORTED_TABLE, 6, 1 },
};

/*
 * Bytes per entry of @tb on the module's kernel: struct alt_instr is 12
 * bytes on 6.1 (u16 cpuid) and 14 on 6.4+ (6.3 added u16 flags after
 * cpuid: 6.12's arch/x86/include/asm/alternative.h).
 */
static __u32 ent_size(const struct heki_modverify *mv,
		      const struct site_table *tb)
{
	if (tb->entsize)
		return tb->entsize;
	return mv->lay.kernel >= HEKI_MODLAYOUT_LINUX_6_4 ? 14 : 12;
}

/**
 * struct table_loc - a site table found in the ELF
 * @idx: section index, 0 if absent
 * @mem: memory type holding it
 * @off: offset there
 * @size: sh_size
 * @va: its VA
 */
struct table_loc {
	__u32 idx;
	__u32 mem;
	__u64 off;
	__u64 size;
	__u64 va;
};

/* The name of every section (@names[0] unused). */
static int section_names(const struct heki_modverify *mv, const char **names)
{
	struct heki_elf_shdr sh;
	__u32 i;
	int ret;

	for (i = 1; i < mv->elf.shnum; i++) {
		ret = heki_elf_shdr(&mv->elf, i, &sh);
		if (!ret)
			ret = heki_elf_section_name(&mv->elf, &sh, &names[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* @names: from section_names(), or NULL to read each name here. */
static int find_table(const struct heki_modverify *mv, const char **names,
		      const char *name, __u32 entsize, struct table_loc *t)
{
	struct heki_elf_shdr sh;
	const char *n;
	__u32 i;
	int ret;

	memset(t, 0, sizeof(*t));
	for (i = 1; i < mv->elf.shnum; i++) {
		const struct heki_modlayout_sect *s = &mv->sects[i];

		if (names) {
			n = names[i];
		} else {
			ret = heki_elf_shdr(&mv->elf, i, &sh);
			if (!ret)
				ret = heki_elf_section_name(&mv->elf, &sh, &n);
			if (ret)
				return ret;
		}
		if (!heki_elf_name_is(n, name) || s->mem == HEKI_MODLAYOUT_MEM_NONE)
			continue;
		/* One table per name, whole entries. */
		if (t->idx || s->mem >= HEKI_MODLAYOUT_NR_MEM ||
		    s->size % entsize)
			return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
		t->idx = i;
		t->mem = s->mem;
		t->off = s->offset;
		t->size = s->size;
		t->va = mv->mem_va[s->mem] + s->offset;
	}
	return 0;
}

/* Length of a [2e] call/jmp rel32 or Jcc rel32 at @p (@avail bytes). */
static __u64 branch_len(const __u8 *p, __u64 avail)
{
	__u64 pre = avail && p[0] == 0x2e;

	if (avail < pre + 5)
		return 0;
	if (p[pre] == 0xe8 || p[pre] == 0xe9)
		return pre + 5;
	if (avail >= pre + 6 && p[pre] == 0x0f && (p[pre + 1] & 0xf0) == 0x80)
		return pre + 6;
	return 0;
}

/* Length of a jump label site: NOP2 / jmp8 = 2, NOP5 / jmp32 = 5. */
static __u64 jump_len(const __u8 *p, __u64 avail)
{
	static const __u8 nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

	if (avail >= 2 && ((p[0] == 0x66 && p[1] == 0x90) || p[0] == 0xeb))
		return 2;
	if (avail >= 5 && (p[0] == 0xe9 || !memcmp(p, nop5, 5)))
		return 5;
	return 0;
}

/**
 * struct collect - site collection state
 * @mv: the module
 * @cap: capacity of mv->sites
 * @f: names the table, entry and kind being read when collection fails
 */
struct collect {
	struct heki_modverify *mv;
	__u32 cap;
	struct heki_modverify_fault *f;
};

static int add_site(struct collect *c, struct heki_rw_site *s)
{
	struct heki_modverify *mv = c->mv;

	if (mv->nsites >= c->cap)
		return -HEKI_VSM_ERR_MODULE_REWRITE_TOO_MANY;
	if (s->mem == HEKI_MODLAYOUT_INIT_TEXT ||
	    s->mem == HEKI_MODLAYOUT_INIT_RODATA)
		s->flags |= HEKI_RW_SITE_INIT;
	s->va = mv->mem_va[s->mem] + s->offset;
	mv->sites[mv->nsites++] = *s;
	return 0;
}

/* A site of @len bytes at @va; @len 0 means "decode it with @lenfn". */
static int code_site(struct collect *c, struct heki_rw_site *s, __u64 va,
		     __u64 len, __u64 (*lenfn)(const __u8 *, __u64))
{
	struct heki_modverify *mv = c->mv;
	__u64 avail;

	if (va_to_mem(mv, va, 1, &s->mem, &s->offset))
		return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
	avail = mv->lay.mem[s->mem].size - s->offset;
	if (!len && lenfn)
		len = lenfn(mv->expected[s->mem] + s->offset, avail);
	if (!len || len > avail || (s->kind != HEKI_RW_SORTED_TABLE &&
				    len > HEKI_RW_MAX_SITE_LEN))
		return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
	s->len = len;
	return add_site(c, s);
}

/*
 * At COMING, static_call_add_module() points the sites/mods word (offset
 * 8) of every static_call_key the module defines at a kmalloc'd struct
 * static_call_mod, and jump_label_add_module() the entries word of every
 * static_key it defines at the key's first entry in the module's sorted
 * __jump_table (keeping the two type bits). One 8-byte site per such key
 * in ro_after_init (keys in data, and kernel keys, are not compared).
 */
static int key_word_site(struct collect *c, const struct heki_rw_site *call,
			 const struct table_loc *t)
{
	struct heki_modverify *mv = c->mv;
	struct heki_rw_site s;
	__u32 i;

	memset(&s, 0, sizeof(s));
	if (va_to_mem(mv, call->key_va + 8, 8, &s.mem, &s.offset) ||
	    s.mem != HEKI_MODLAYOUT_RO_AFTER_INIT)
		return 0;
	for (i = 0; i < mv->nsites; i++)
		if (mv->sites[i].flags & HEKI_RW_SITE_KEY_WORD &&
		    mv->sites[i].mem == s.mem &&
		    mv->sites[i].offset == s.offset)
			return 0;
	s.kind = call->kind;
	s.flags = HEKI_RW_SITE_KEY_WORD;
	s.len = 8;
	s.key_va = call->key_va;
	s.repl_va = t->va;
	s.repl_len = t->size;
	s.section = call->section;
	s.entry = call->entry;
	return add_site(c, &s);
}

static int entry_site(struct collect *c, const struct site_table *tb,
		      const struct table_loc *t, __u64 i)
{
	struct heki_modverify *mv = c->mv;
	__u32 es = ent_size(mv, tb);
	const __u8 *e = mv->expected[t->mem] + t->off + i * es;
	__u64 eva = t->va + i * es, key;
	struct heki_rw_site s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.kind = tb->kind;
	s.section = t->idx;
	s.entry = i;
	switch (tb->kind) {
	case HEKI_RW_MCOUNT:
		return code_site(c, &s, heki_le64(e), 5, NULL);
	case HEKI_RW_ALTERNATIVE:
		/*
		 * struct alt_instr: s32 instr, s32 repl, u16 cpuid, [6.4+:
		 * u16 flags,] u8 instrlen, u8 replacementlen. 6.4+ flags:
		 * bit 0 ALT_FLAG_NOT, bit 1 ALT_FLAG_DIRECT_CALL, others
		 * unknown (refused).
		 */
		s.aux = (__u64)e[8] | (__u64)e[9] << 8;
		if (es == 14) {
			if (s.aux & HEKI_ALT_FLAG_NOT || e[11] || e[10] & ~3)
				return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
			if (e[10] & 1)
				s.aux |= HEKI_ALT_FLAG_NOT;
			if (e[10] & 2)
				s.aux |= HEKI_ALT_FLAG_DIRECT_CALL;
		}
		s.repl_len = e[es - 1];
		if (!e[es - 2])
			return 0;	/* nothing the kernel could write */
		if (s.repl_len > e[es - 2])
			return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
		s.repl_va = eva + 4 + (__u64)heki_le_s32(e + 4);
		if (s.repl_len &&
		    va_to_mem(mv, s.repl_va, s.repl_len, &s.repl_mem,
			      &s.repl_offset))
			return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
		return code_site(c, &s, eva + (__u64)heki_le_s32(e), e[es - 2],
				 NULL);
	case HEKI_RW_RETPOLINE:
	case HEKI_RW_STATIC_CALL:
		if (tb->kind == HEKI_RW_STATIC_CALL) {
			key = eva + 4 + (__u64)heki_le_s32(e + 4);
			if (key & 1)
				s.flags |= HEKI_RW_SITE_TAIL;
			s.key_va = key & ~3ULL;
		}
		ret = code_site(c, &s, eva + (__u64)heki_le_s32(e), 0, branch_len);
		if (!ret && tb->kind == HEKI_RW_STATIC_CALL)
			ret = key_word_site(c, &s, t);
		return ret;
	case HEKI_RW_RETURN:
		return code_site(c, &s, eva + (__u64)heki_le_s32(e), 5, NULL);
	case HEKI_RW_JUMP_LABEL:
		/* struct jump_entry: s32 code, s32 target, s64 key */
		s.target_va = eva + 4 + (__u64)heki_le_s32(e + 4);
		key = eva + 8 + heki_le64(e + 8);
		if (key & 1)
			s.flags |= HEKI_RW_SITE_BRANCH;
		s.key_va = key & ~3ULL;
		ret = code_site(c, &s, eva + (__u64)heki_le_s32(e), 0, jump_len);
		if (!ret)
			ret = key_word_site(c, &s, t);
		return ret;
	case HEKI_RW_PARAVIRT:
		/* struct paravirt_patch_site: u8 *instr, u8 type, u8 len */
		s.aux = e[8];
		return code_site(c, &s, heki_le64(e), e[9], NULL);
	case HEKI_RW_SMP_LOCK:
		return code_site(c, &s, eva + (__u64)heki_le_s32(e), 1, NULL);
	case HEKI_RW_ENDBR_SEAL:
		return code_site(c, &s, eva + (__u64)heki_le_s32(e), 4, NULL);
	default:
		return -HEKI_VSM_ERR_MODULE_REWRITE_SITE_INVALID;
	}
}

static int table_site(struct collect *c, const struct site_table *tb,
		      const struct table_loc *t)
{
	struct heki_rw_site s;

	memset(&s, 0, sizeof(s));
	s.kind = HEKI_RW_SORTED_TABLE;
	s.mem = t->mem;
	s.offset = t->off;
	s.len = t->size;
	s.aux = tb->entsize;
	s.section = t->idx;
	if (tb->kind == HEKI_RW_MCOUNT)
		s.flags |= HEKI_RW_SITE_ABS_TABLE;
	return add_site(c, &s);
}

static int site_cmp(const struct heki_rw_site *x, const struct heki_rw_site *y)
{
	if (x->mem != y->mem)
		return x->mem < y->mem ? -1 : 1;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;	/* longer first */
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	return 0;
}

static int site_idx_cmp(const void *ctx, __u32 a, __u32 b)
{
	const struct heki_rw_site *sites = ctx;

	return site_cmp(&sites[a], &sites[b]);
}

/*
 * Sort mv->sites into site_cmp order. site_cmp's first two fields, mem and
 * offset, become one key, the offset from the start of the first memory
 * type (offset < that type's size): a radix sort of the site indices by
 * that key, then site_cmp orders each group of equal keys (a natural
 * merge: linear for the usual groups of one or two). A site outside its
 * type (none in a valid layout) leaves every key 0: site_cmp decides all.
 * The sites are then permuted in place, one cycle at a time.
 */
static int sort_sites(struct heki_modverify *mv)
{
	__u64 base[HEKI_MODLAYOUT_NR_MEM], *key, b = 0;
	__u32 n = mv->nsites, i, j, k, *idx, *count;
	struct heki_rw_site t;

	if (n < 2)
		return 0;
	key = mv_alloc_uninit(mv, 1ULL * n * (sizeof(*key) + 2 * sizeof(*idx)) +
			      VTL1_RADIX_SIZE * sizeof(*count), 1);
	if (!key)
		return -HEKI_VSM_ERR_NO_MEMORY;
	idx = (__u32 *)(key + n);
	count = idx + 2ULL * n;
	for (i = 0; i < HEKI_MODLAYOUT_NR_MEM; i++) {
		base[i] = b;
		b += mv->lay.mem[i].size;
	}
	for (i = 0; i < n; i++) {
		const struct heki_rw_site *s = &mv->sites[i];

		idx[i] = i;
		if (s->mem >= HEKI_MODLAYOUT_NR_MEM ||
		    s->offset >= mv->lay.mem[s->mem].size)
			break;
		key[i] = base[s->mem] + s->offset;
	}
	if (i < n) {
		for (i = 0; i < n; i++) {
			idx[i] = i;
			key[i] = 0;
		}
	} else {
		vtl1_radix_sort_idx(idx, idx + n, n, key, count);
	}
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && key[idx[j]] == key[idx[i]]; j++)
			;
		if (j - i > 1)
			vtl1_merge_sort_idx(idx + i, idx + n, j - i, key,
					    site_idx_cmp, mv->sites);
	}
	/* position j takes the site at idx[j]; idx[j] = j marks it done */
	for (i = 0; i < n; i++) {
		if (idx[i] == i)
			continue;
		t = mv->sites[i];
		for (j = i;; j = k) {
			k = idx[j];
			idx[j] = j;
			if (k == i)
				break;
			mv->sites[j] = mv->sites[k];
		}
		mv->sites[j] = t;
	}
	mv->ops.free(mv->ops.ctx, key);
	return 0;
}

static int collect_tables(struct heki_modverify *mv, struct table_loc *loc,
			  const char **names, struct heki_modverify_fault *f)
{
	struct collect c = { mv, 0, f };
	__u64 total = 0, i;
	__u32 t;
	int ret;

	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		f->rule = tables[t].name;
		f->kind = tables[t].kind;
		ret = find_table(mv, names, tables[t].name,
				 ent_size(mv, &tables[t]), &loc[t]);
		if (ret)
			return ret;
		if (!loc[t].idx)
			continue;
		total += loc[t].size / ent_size(mv, &tables[t]) +
			 !!tables[t].sorted;
		if (tables[t].kind == HEKI_RW_STATIC_CALL ||
		    tables[t].kind == HEKI_RW_JUMP_LABEL)
			total += loc[t].size / tables[t].entsize;
		if (total > HEKI_MODVERIFY_MAX_SITES)
			return -HEKI_VSM_ERR_MODULE_REWRITE_TOO_MANY;
	}
	c.cap = (__u32)total;
	/* add_site() writes each entry whole; none past nsites is read */
	mv->sites = mv_alloc_uninit(mv, total, sizeof(*mv->sites));
	if (!mv->sites)
		return -HEKI_VSM_ERR_NO_MEMORY;
	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		if (!loc[t].idx)
			continue;
		f->rule = tables[t].name;
		f->kind = tables[t].kind;
		f->table = loc[t].idx;
		/* A sorted table in data (.static_call_sites) is not compared. */
		if (tables[t].sorted &&
		    heki_modverify_compared_mem(loc[t].mem)) {
			ret = table_site(&c, &tables[t], &loc[t]);
			if (ret)
				return ret;
		}
		if (tables[t].kind == HEKI_RW_SORTED_TABLE)
			continue;
		for (i = 0; i < loc[t].size / ent_size(mv, &tables[t]); i++) {
			f->entry = i;
			ret = entry_site(&c, &tables[t], &loc[t], i);
			if (ret)
				return ret;
		}
	}
	ret = sort_sites(mv);
	if (ret)
		return ret;
	f->rule = "";
	f->kind = HEKI_RW_NR_KINDS;
	f->table = 0;
	f->entry = 0;
	return 0;
}

/* On failure @f names the table (@rule = its name), entry and kind. */
static int collect_sites(struct heki_modverify *mv,
			 struct heki_modverify_fault *f)
{
	struct table_loc *loc;
	const char **names;
	int ret;

	loc = mv_alloc(mv, ARRAY_SIZE(tables), sizeof(*loc));
	names = mv_alloc_uninit(mv, mv->elf.shnum, sizeof(*names));
	ret = loc && names ? section_names(mv, names) :
			     -HEKI_VSM_ERR_NO_MEMORY;
	if (!ret)
		ret = collect_tables(mv, loc, names, f);
	mv->ops.free(mv->ops.ctx, names);
	mv->ops.free(mv->ops.ctx, loc);
	return ret;
}

/* ---- comparison ------------------------------------------------------ */

/* Name the section holding byte @off of memory type @mem. */
static void locate(const struct heki_modverify *mv, __u32 mem, __u64 off,
		   struct heki_modverify_fault *f)
{
	struct heki_elf_shdr sh;
	const char *n;
	__u32 i;

	f->mem = mem;
	f->mem_off = off;
	for (i = 1; i < mv->lay.nsects; i++) {
		const struct heki_modlayout_sect *s = &mv->sects[i];

		if (s->mem != mem || off < s->offset ||
		    off - s->offset >= s->size)
			continue;
		f->section = i;
		f->sect_off = off - s->offset;
		if (!heki_elf_shdr(&mv->elf, i, &sh) &&
		    !heki_elf_section_name(&mv->elf, &sh, &n))
			f->section_name = n;
		return;
	}
}

/* Bytes [from, to) of @mem must be equal. */
static int cmp_equal(const struct heki_modverify *mv,
		     const struct heki_modverify_env *env, __u32 mem,
		     __u64 from, __u64 to, struct heki_modverify_fault *f)
{
	const __u8 *e = mv->expected[mem], *a = env->actual[mem];
	__u64 i;

	if (to <= from || !memcmp(e + from, a + from, to - from))
		return 0;
	for (i = from; i < to && e[i] == a[i]; i++)
		;
	locate(mv, mem, i, f);
	f->err = -HEKI_VSM_ERR_MODULE_CONTENT_MISMATCH;
	f->rule = "equal";
	f->expected = e[i];
	f->actual = a[i];
	return f->err;
}

/*
 * Bytes [from, to) of an unapplied alternative's original around its inner
 * sites: equal, except that runs of 0x90 may hold the kernel's NOPs
 * (optimize_nops() runs for every alternative, applied or not).
 */
static int cmp_nops(const struct heki_modverify *mv,
		    const struct heki_modverify_env *env, __u32 mem,
		    __u64 from, __u64 to, struct heki_modverify_fault *f)
{
	const __u8 *e = mv->expected[mem], *a = env->actual[mem];
	__u64 n;

	if (to <= from)
		return 0;
	n = heki_rw_match_nops_kernel(mv->lay.kernel, e + from, a + from,
				      to - from);
	if (n >= to - from)
		return 0;
	locate(mv, mem, from + n, f);
	f->err = -HEKI_VSM_ERR_MODULE_CONTENT_MISMATCH;
	f->rule = "equal (x86 NOPs for 0x90 runs) around inner sites";
	f->expected = e[from + n];
	f->actual = a[from + n];
	return f->err;
}

/*
 * A module key's word at offset 8: unchanged; for a static_call_key a
 * kernel pointer (kmalloc'd, 8-aligned); for a static_key an entry of the
 * module's __jump_table with the original two type bits.
 */
static int key_word_check(const struct heki_rw_site *s, const __u8 *expected,
			  const __u8 *actual, struct heki_rw_fault *rf)
{
	__u64 v, e, off;

	if (!memcmp(expected, actual, 8))
		return 0;
	memcpy(&v, actual, 8);
	memcpy(&e, expected, 8);
	if (s->kind == HEKI_RW_STATIC_CALL &&
	    v >= 0xffff800000000000ULL && !(v & 7))
		return 0;
	off = (v & ~3ULL) - s->repl_va;
	if (s->kind == HEKI_RW_JUMP_LABEL && (v & ~3ULL) >= s->repl_va &&
	    off < s->repl_len && !(off % 16) && (v & 3) == (e & 3))
		return 0;
	rf->rule = s->kind == HEKI_RW_STATIC_CALL ?
		   "static call key: mods word neither unchanged nor a kernel pointer" :
		   "static key: entries word not an entry of the module's __jump_table";
	rf->at = 0;
	return -HEKI_VSM_ERR_MODULE_REWRITE_FORBIDDEN;
}

static int check_site(const struct heki_modverify *mv,
		      const struct heki_modverify_env *env,
		      const struct heki_rw_ctx *ctx,
		      const struct heki_rw_site *s,
		      struct heki_modverify_fault *f)
{
	struct heki_rw_fault rf = { "", 0 };
	__u64 at;
	int ret;

	if (s->flags & HEKI_RW_SITE_KEY_WORD)
		ret = key_word_check(s, mv->expected[s->mem] + s->offset,
				     env->actual[s->mem] + s->offset, &rf);
	else
		ret = heki_rw_check(ctx, s, mv->expected[s->mem] + s->offset,
				    env->actual[s->mem] + s->offset, &rf);
	if (!ret)
		return 0;
	if (ret > 0 || ret <= -HEKI_VSM_ERR_COUNT)
		ret = -HEKI_VSM_ERR_MODULE_REWRITE_FORBIDDEN;
	at = rf.at < s->len ? rf.at : 0;
	locate(mv, s->mem, s->offset + at, f);
	f->err = ret;
	f->kind = s->kind;
	f->rule = rf.rule ? rf.rule : "";
	f->table = s->section;
	f->entry = s->entry;
	f->expected = mv->expected[s->mem][s->offset + at];
	f->actual = env->actual[s->mem][s->offset + at];
	return ret;
}

/*
 * Sites [i, j) overlap into one cluster [start, end). A site spanning the
 * whole cluster (an alternative, applied) may accept it alone; otherwise
 * the inner sites are checked one by one and the rest must be equal.
 */
static int check_cluster(const struct heki_modverify *mv,
			 const struct heki_modverify_env *env,
			 const struct heki_rw_ctx *ctx, __u32 i, __u32 j,
			 __u64 start, __u64 end, struct heki_modverify_fault *f)
{
	struct heki_modverify_fault first;
	const struct heki_rw_site *s;
	int spanning = 0, alt = 0, ret;
	__u64 pos = start;
	__u32 k, mem = mv->sites[i].mem;

	if (j == i + 1)
		return check_site(mv, env, ctx, &mv->sites[i], f);
	ret = heki_rw_alt_final(ctx, mv->sites, i, j, start, end);
	if (ret >= 0)	/* with CPU words: the replacement this CPU gets */
		return check_site(mv, env, ctx, &mv->sites[ret], f);
	fault_reset(&first);
	for (k = i; k < j; k++) {
		s = &mv->sites[k];
		if (s->offset != start || s->offset + s->len != end)
			continue;
		ret = check_site(mv, env, ctx, s, spanning ? f : &first);
		if (!ret)
			return 0;
		spanning = 1;
		alt |= s->kind == HEKI_RW_ALTERNATIVE;
	}
	for (k = i; k < j; k++) {
		struct heki_rw_site inner;

		s = &mv->sites[k];
		if (s->offset == start && s->offset + s->len == end)
			continue;
		if (s->offset < pos) {
			locate(mv, mem, s->offset, f);
			f->err = -HEKI_VSM_ERR_MODULE_REWRITE_SITE_OVERLAP;
			f->kind = s->kind;
			f->rule = "inner sites overlap";
			f->table = s->section;
			f->entry = s->entry;
			return f->err;
		}
		ret = alt ? cmp_nops(mv, env, mem, pos, s->offset, f) :
			    cmp_equal(mv, env, mem, pos, s->offset, f);
		if (!ret) {
			inner = *s;
			inner.flags |= HEKI_RW_SITE_INNER;
			ret = check_site(mv, env, ctx, &inner, f);
		}
		if (ret) {
			if (spanning)
				*f = first;
			return f->err;
		}
		pos = s->offset + s->len;
	}
	ret = alt ? cmp_nops(mv, env, mem, pos, end, f) :
		    cmp_equal(mv, env, mem, pos, end, f);
	if (ret && spanning)
		*f = first;
	return ret ? f->err : 0;
}

/* @i: the first site not below @mem (sites are sorted by memory type) */
static int compare_mem(const struct heki_modverify *mv,
		       const struct heki_modverify_env *env,
		       const struct heki_rw_ctx *ctx, __u32 mem, __u32 i,
		       struct heki_modverify_fault *f)
{
	__u64 size = mv->lay.mem[mem].size, pos = 0, start, end;
	__u32 j;
	int ret;

	while (i < mv->nsites && mv->sites[i].mem < mem)
		i++;
	while (i < mv->nsites && mv->sites[i].mem == mem) {
		start = mv->sites[i].offset;
		end = start + mv->sites[i].len;
		for (j = i + 1; j < mv->nsites && mv->sites[j].mem == mem &&
		     mv->sites[j].offset < end; j++)
			if (mv->sites[j].offset + mv->sites[j].len > end)
				end = mv->sites[j].offset + mv->sites[j].len;
		ret = cmp_equal(mv, env, mem, pos, start, f);
		if (!ret)
			ret = check_cluster(mv, env, ctx, i, j, start, end, f);
		if (ret)
			return ret;
		pos = end;
		i = j;
	}
	return cmp_equal(mv, env, mem, pos, size, f);
}

static int u64_cmp(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * STT_FUNC symbols of the module placed in text or init text, except the
 * __pfx_ (padding before a function, 6.4+) and __cfi_ (kCFI type hash
 * preamble) symbols: a branch there does not enter a function, and the
 * kallsyms path (kdata/kallsyms.c) skips them as well.
 */
static int func_sym(const struct heki_modverify *mv, __u64 i)
{
	struct heki_elf_sym sym;
	const char *name;
	__u32 mem;

	if (heki_elf_sym(&mv->elf, i, &sym) || HEKI_ELF_ST_TYPE(sym.info) != HEKI_ELF_STT_FUNC ||
	    sym.shndx >= mv->elf.shnum ||
	    mv->syms[i].state != HEKI_MODRELOC_SYM_LOCAL ||
	    heki_elf_sym_name(&mv->elf, &sym, &name) ||
	    heki_elf_name_starts(name, "__pfx_") ||
	    heki_elf_name_starts(name, "__cfi_"))
		return 0;
	mem = mv->sects[sym.shndx].mem;
	return mem == HEKI_MODLAYOUT_TEXT || mem == HEKI_MODLAYOUT_INIT_TEXT;
}

/*
 * The module's own function entries (its signed ELF's STT_FUNC symbols,
 * at their relocated VAs): the static call targets inside this module.
 */
static int collect_funcs(struct heki_modverify *mv)
{
	__u64 i, n = 0, out;

	for (i = 1; i < mv->elf.nsyms; i++)
		n += func_sym(mv, i);
	mv->funcs = mv_alloc_uninit(mv, n, sizeof(*mv->funcs));
	if (!mv->funcs)
		return -HEKI_VSM_ERR_NO_MEMORY;
	for (i = 1, n = 0; i < mv->elf.nsyms; i++)
		if (func_sym(mv, i))
			mv->funcs[n++] = mv->syms[i].value;
	vtl1_sort(mv->funcs, n, sizeof(*mv->funcs), u64_cmp);
	for (i = 0, out = 0; i < n; i++)
		if (!out || mv->funcs[i] != mv->funcs[out - 1])
			mv->funcs[out++] = mv->funcs[i];
	mv->nfuncs = out;
	return 0;
}

static void build_ctx(const struct heki_modverify *mv,
		      const struct heki_modverify_env *env,
		      struct heki_rw_ctx *ctx)
{
	__u32 i;

	memset(ctx, 0, sizeof(*ctx));
	for (i = 0; i < HEKI_MODLAYOUT_NR_MEM; i++) {
		ctx->mem_va[i] = mv->mem_va[i];
		ctx->mem_size[i] = mv->lay.mem[i].size;
		if (heki_modverify_compared_mem(i) && mv->lay.mem[i].size) {
			ctx->expected[i] = mv->expected[i];
			ctx->actual[i] = env->actual[i];
		}
	}
	ctx->percpu_va = env->has_percpu ? env->percpu_va : 0;
	heki_rw_resolve_ksyms(ctx, env->resolve, env->resolve_ctx);
	if (env->ktext_start && env->ktext_end > env->ktext_start &&
	    !(ctx->ksym_known & (1ULL << HEKI_RW_KSYM_KTEXT_START |
				 1ULL << HEKI_RW_KSYM_KTEXT_END))) {
		ctx->ksym[HEKI_RW_KSYM_KTEXT_START] = env->ktext_start;
		ctx->ksym[HEKI_RW_KSYM_KTEXT_END] = env->ktext_end;
		ctx->ksym_known |= 1ULL << HEKI_RW_KSYM_KTEXT_START |
				   1ULL << HEKI_RW_KSYM_KTEXT_END;
	}
	ctx->funcs = mv->funcs;
	ctx->nfuncs = mv->nfuncs;
	ctx->func_entry = env->func_entry;
	ctx->func_entry_arg = env->func_entry_arg;
	ctx->policy = env->policy;
	ctx->lookup = env->resolve;
	ctx->lookup_arg = env->resolve_ctx;
	ctx->kernel = mv->lay.kernel;
	heki_rw_apply_kinfo(env->kext, ctx);
}

/**
 * heki_modverify_compare() - compare module memory with the relocated ELF
 * @mv: after a successful heki_modverify_check_mem()
 * @env: VTL1 copies of the memory, per-CPU base, resolver, policy
 * @fault: names memory type, offset, section, site kind and rule on
 *	refusal
 *
 * Builds the expected bytes of every compared type, collects the rewrite
 * sites from the relocated tables and compares.
 *
 * Return: 0 if every compared byte is accounted for;
 * -HEKI_VSM_ERR_MODULE_CONTENT_MISMATCH for a byte outside every site;
 * the rule's error (normally MODULE_REWRITE_FORBIDDEN) for a site;
 * MODULE_REWRITE_SITE_INVALID / _OVERLAP / _TOO_MANY for bad tables;
 * MODULE_MEMORY_INCOMPLETE if a compared type has no copy; relocation
 * errors (with @fault->reloc); -HEKI_VSM_ERR_NO_MEMORY.
 */
int heki_modverify_compare(struct heki_modverify *mv,
			   const struct heki_modverify_env *env,
			   struct heki_modverify_fault *fault)
{
	struct heki_modreloc_env renv;
	__u32 i, t, first;
	int ret;

	fault_reset(fault);
	if (!mv->mem_checked)
		return fault->err = -HEKI_VSM_ERR_MODULE_MEMORY_INCOMPLETE;
	memset(&renv, 0, sizeof(renv));
	renv.elf = &mv->elf;
	renv.layout = &mv->lay;
	memcpy(renv.mem_va, mv->mem_va, sizeof(renv.mem_va));
	renv.percpu_va = env->percpu_va;
	renv.has_percpu = env->has_percpu;
	renv.resolve = env->resolve;
	renv.ctx = env->resolve_ctx;

	/* filled entry by entry, read only after success */
	mv->syms = mv_alloc_uninit(mv, mv->elf.nsyms, sizeof(*mv->syms));
	if (!mv->syms)
		return fault->err = -HEKI_VSM_ERR_NO_MEMORY;
	ret = heki_modreloc_symbols(&renv, mv->syms, mv->elf.nsyms,
				    &fault->reloc);
	/* Every type: tables may sit in data (.static_call_sites). */
	for (t = 0; !ret && t < HEKI_MODLAYOUT_NR_MEM; t++) {
		if (!mv->lay.mem[t].size)
			continue;
		if (heki_modverify_compared_mem(t) && !env->actual[t]) {
			fault->mem = t;
			ret = -HEKI_VSM_ERR_MODULE_MEMORY_INCOMPLETE;
			break;
		}
		/* every byte is built (read only after success) */
		mv->expected[t] = mv_alloc_uninit(mv, mv->lay.mem[t].size, 1);
		if (!mv->expected[t]) {
			ret = -HEKI_VSM_ERR_NO_MEMORY;
			break;
		}
		ret = heki_modreloc_build_mem(&renv, mv->syms, mv->elf.nsyms, t,
					      mv->expected[t],
					      mv->lay.mem[t].size,
					      &fault->reloc);
		if (ret)
			fault->mem = t;
	}
	if (!ret)
		ret = collect_sites(mv, fault);
	if (!ret)
		ret = collect_funcs(mv);
	if (ret)
		return fault->err = ret;
	build_ctx(mv, env, &mv->ctx);
	/* compared[] is in increasing type order, like the sorted sites */
	for (i = 0, first = 0; i < ARRAY_SIZE(compared); i++) {
		t = compared[i];
		while (first < mv->nsites && mv->sites[first].mem < t)
			first++;
		if (!mv->lay.mem[t].size)
			continue;
		ret = compare_mem(mv, env, &mv->ctx, t, first, fault);
		if (ret)
			return fault->err = ret;
	}
	return 0;
}

/* The NUL-terminated name at @va in expected memory: its length, or 0. */
static __u64 name_at(const struct heki_modverify *mv, __u64 va,
		     const char **name)
{
	__u32 t;
	__u64 off, i;

	for (t = 0; t < HEKI_MODLAYOUT_NR_MEM; t++) {
		__u64 size = mv->lay.mem[t].size;

		if (!mv->expected[t] || va < mv->mem_va[t] ||
		    va - mv->mem_va[t] >= size)
			continue;
		off = va - mv->mem_va[t];
		for (i = 0; off + i < size && i <= HEKI_ELF_MAX_NAME_LEN; i++)
			if (!mv->expected[t][off + i])
				break;
		if (!i || off + i >= size || i > HEKI_ELF_MAX_NAME_LEN)
			return 0;
		*name = (const char *)mv->expected[t] + off;
		return i;
	}
	return 0;
}

/**
 * heki_modverify_exports() - the exports of a verified module
 * @mv: after a successful heki_modverify_compare()
 * @fn: called for each well-formed __ksymtab / __ksymtab_gpl entry
 *	(struct kernel_symbol with PREL32 offsets, 12 bytes)
 * @arg: passed to @fn
 *
 * Entries are read from the relocated ELF bytes, never from VTL0 memory;
 * an entry whose name cannot be found is skipped.
 *
 * Return: 0, or the first error of @fn or of the table lookup.
 */
int heki_modverify_exports(const struct heki_modverify *mv,
			   heki_modverify_export_fn fn, void *arg)
{
	static const char *const names[] = { "__ksymtab", "__ksymtab_gpl" };
	struct table_loc t;
	const char *name;
	__u64 i, eva, len;
	__u32 k;
	int ret;

	for (k = 0; k < ARRAY_SIZE(names); k++) {
		ret = find_table(mv, NULL, names[k], 12, &t);
		if (ret)
			return ret;
		if (!t.idx || !mv->expected[t.mem])
			continue;
		for (i = 0; i < t.size / 12; i++) {
			const __u8 *e = mv->expected[t.mem] + t.off + i * 12;

			eva = t.va + i * 12;
			len = name_at(mv, eva + 4 + (__u64)heki_le_s32(e + 4), &name);
			if (!len)
				continue;
			ret = fn(arg, name, len, eva + (__u64)heki_le_s32(e));
			if (ret)
				return ret;
		}
	}
	return 0;
}

/**
 * heki_modverify_jump_sites() - the jump label sites of a verified module
 * @mv: after a successful heki_modverify_compare()
 * @fn: called for each __jump_table site in text or init text
 * @arg: passed to @fn
 *
 * The sites are the ones the comparison checked: found from the module's
 * relocated __jump_table (never from VTL0 memory), sized by the
 * instruction the ELF holds there, each with the encodings
 * heki_rw_jump_label_forms() gives; the module's memory held one of them
 * when it was verified. Sites outside text and init text are skipped
 * (nothing patches them).
 *
 * Return: 0, or the first error of @fn.
 */
int heki_modverify_jump_sites(const struct heki_modverify *mv,
			      heki_modverify_jump_fn fn, void *arg)
{
	struct heki_modverify_jump j;
	__u32 i;
	int ret;

	for (i = 0; i < mv->nsites; i++) {
		const struct heki_rw_site *s = &mv->sites[i];

		if (s->kind != HEKI_RW_JUMP_LABEL ||
		    s->flags & HEKI_RW_SITE_KEY_WORD ||
		    (s->mem != HEKI_MODLAYOUT_TEXT &&
		     s->mem != HEKI_MODLAYOUT_INIT_TEXT))
			continue;
		memset(&j, 0, sizeof(j));
		j.va = s->va;
		j.mem = s->mem;
		j.size = (__u32)s->len;
		j.nforms = heki_rw_jump_label_forms(s->va, s->target_va, s->len,
						    j.form);
		if (!j.nforms)
			continue;
		ret = fn(arg, &j);
		if (ret)
			return ret;
	}
	return 0;
}

/* Prefix of a static call trampoline's symbol (STATIC_CALL_TRAMP_STR). */
static const char sct_prefix[] = "__SCT__";
/* The ud1 a trampoline carries at +5 (__static_call_validate()). */
static const __u8 tramp_ud[3] = { 0x0f, 0xb9, 0xcc };

/* Fill @c's forms for a site at @va of memory @mem, offset @off. */
static void scall_forms(const struct heki_modverify *mv,
			struct heki_modverify_scall *c, __u64 va, __u32 mem,
			__u64 off, int tail)
{
	const __u8 *now = mv->ctx.actual[mem] + off;
	__u32 f;

	memset(c, 0, sizeof(*c));
	c->va = va;
	c->mem = mem;
	c->branch = tail ? 0xe9 : 0xe8;
	c->nforms = heki_rw_static_call_forms(&mv->ctx, va, tail, c->form,
					      &c->no_call);
	for (f = 0; f < c->nforms && memcmp(c->form[f], now, 5); f++)
		;
	if (f == c->nforms && now[0] != c->branch)
		memcpy(c->form[c->nforms++], now, 5);
}

/*
 * A trampoline the module defines: an STT_FUNC symbol "__SCT__<key>" of
 * its own text whose verified bytes carry the trampoline signature at +5.
 */
static int tramp_sym(const struct heki_modverify *mv, __u64 i, __u64 *off)
{
	struct heki_elf_sym sym;
	const char *name;
	__u32 mem;
	__u64 k;

	if (!func_sym(mv, i) || heki_elf_sym(&mv->elf, i, &sym) ||
	    heki_elf_sym_name(&mv->elf, &sym, &name))
		return 0;
	for (k = 0; k < sizeof(sct_prefix) - 1; k++)
		if (name[k] != sct_prefix[k])
			return 0;
	if (va_to_mem(mv, mv->syms[i].value, 8, &mem, off) ||
	    mem != HEKI_MODLAYOUT_TEXT || !mv->ctx.actual[mem])
		return 0;
	return !memcmp(mv->expected[mem] + *off + 5, tramp_ud, 3);
}

/**
 * heki_modverify_static_calls() - the static call sites and trampolines
 *	of a verified module
 * @mv: after a successful heki_modverify_compare()
 * @fn: called for each
 * @arg: passed to @fn
 *
 * The sites are the 5-byte call and jmp entries of the module's relocated
 * .static_call_sites in text or init text (Jcc tail calls, 6 bytes, are
 * left out: PatchText writes at most 5); the trampolines are the
 * module's own "__SCT__" functions of its text that carry the
 * trampoline signature in the signed ELF. Never anything VTL0 names.
 *
 * Return: 0, or the first error of @fn.
 */
int heki_modverify_static_calls(const struct heki_modverify *mv,
				heki_modverify_scall_fn fn, void *arg)
{
	struct heki_modverify_scall c;
	__u64 i, off;
	int ret;

	for (i = 0; i < mv->nsites; i++) {
		const struct heki_rw_site *s = &mv->sites[i];

		if (s->kind != HEKI_RW_STATIC_CALL ||
		    s->flags & HEKI_RW_SITE_KEY_WORD || s->len != 5 ||
		    (s->mem != HEKI_MODLAYOUT_TEXT &&
		     s->mem != HEKI_MODLAYOUT_INIT_TEXT) ||
		    !mv->ctx.actual[s->mem])
			continue;
		scall_forms(mv, &c, s->va, s->mem, s->offset,
			    !!(s->flags & HEKI_RW_SITE_TAIL));
		ret = fn(arg, &c);
		if (ret)
			return ret;
	}
	for (i = 1; i < mv->elf.nsyms; i++) {
		if (!tramp_sym(mv, i, &off))
			continue;
		scall_forms(mv, &c, mv->syms[i].value, HEKI_MODLAYOUT_TEXT,
			    off, 1);
		ret = fn(arg, &c);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * heki_modverify_free() - release everything heki_modverify_*() allocated
 * @mv: state (may be partially initialised; zeroed afterwards)
 */
void heki_modverify_free(struct heki_modverify *mv)
{
	__u32 i;

	if (!mv->ops.free)
		return;
	for (i = 0; i < HEKI_MODLAYOUT_NR_MEM; i++)
		mv->ops.free(mv->ops.ctx, mv->expected[i]);
	mv->ops.free(mv->ops.ctx, mv->sites);
	mv->ops.free(mv->ops.ctx, mv->funcs);
	mv->ops.free(mv->ops.ctx, mv->syms);
	mv->ops.free(mv->ops.ctx, mv->sects);
	memset(mv, 0, sizeof(*mv));
}

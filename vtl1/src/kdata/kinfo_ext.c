// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * kinfo_ext.c - LoadKData's kernel info extension.
 *
 * The KernelInfo blob is struct heki_kernel_info (32 bytes); VTL1 readers
 * that know nothing else (LiteBox, older heki) ignore every byte after it.
 * heki_vtl0 puts struct heki_kernel_info_ext there, followed by the pv_ops
 * values. Without the magic the bytes are not ours (LVBS kernels put their
 * arch info there) and are ignored as before. With it, every field is
 * checked, the values are copied once into VTL1 memory, and the result
 * feeds (in module/) the module layout choice (linux_version,
 * heki_modlayout_kernel_of()) and the rewrite rules (exact return thunk,
 * pv_ops slots, _stext/_etext instead of an approximation from the
 * exports, the CPU feature words that decide each alternative and
 * retpoline site: heki_rw_apply_kinfo()).
 */
#include <heki/abi.h>

#include "core/core.h"
#include "kinfo_ext.h"
#include "symtab.h"

static int in_text(const struct heki_kinfo_ext *x, __u64 va)
{
	return va >= x->text_start && va < x->text_end;
}

/*
 * The kallsyms table addresses: with a format, all canonical and non-zero
 * (the relative base zero, and only it, for the absolute format); without
 * one, all zero. Their contents are read later, from the kernel data
 * (kallsyms.c). Returns 1 or KERNEL_INFO_EXT_KALLSYMS.
 */
static int parse_kallsyms(const struct heki_kernel_info_ext *e,
			  struct heki_kinfo_ext *out)
{
	const __u64 va[HEKI_KINFO_KALLSYMS_NR] = {
		e->kallsyms_num_syms, e->kallsyms_offsets,
		e->kallsyms_relative_base, e->kallsyms_names,
		e->kallsyms_markers, e->kallsyms_token_table,
		e->kallsyms_token_index,
	};
	__u32 i;

	if (e->kallsyms_format > HEKI_KALLSYMS_FORMAT_ABS)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_KALLSYMS;
	for (i = 0; i < HEKI_KINFO_KALLSYMS_NR; i++) {
		int want = e->kallsyms_format != HEKI_KALLSYMS_FORMAT_NONE &&
			   !(i == HEKI_KINFO_KALLSYMS_RELATIVE_BASE &&
			     e->kallsyms_format == HEKI_KALLSYMS_FORMAT_ABS);

		if (!va[i] != !want || !vtl1_va_canonical(va[i]))
			return -HEKI_VSM_ERR_KERNEL_INFO_EXT_KALLSYMS;
		out->kallsyms[i] = va[i];
	}
	out->kallsyms_format = e->kallsyms_format;
	return 1;
}

/**
 * heki_kinfo_ext_parse() - find and check the extension in a KernelInfo blob
 * @buf: the whole KernelInfo blob, VTL1-private copy (any alignment)
 * @len: its length
 * @out: receives the checked extension (written only when 1 is returned)
 *
 * Checks, in order: fewer than 36 bytes or no HEKI_KERNEL_INFO_EXT_MAGIC
 * right after the first 32 bytes: absent (0); the size field readable,
 * else KERNEL_INFO_EXT_TRUNCATED (ERANGE); size at least
 * HEKI_KERNEL_INFO_EXT_SIZE_V1, else KERNEL_INFO_EXT_SIZE_INVALID (EINVAL);
 * all size bytes present, else TRUNCATED; size not between _V1 and _V2,
 * else KERNEL_INFO_EXT_CAPWORDS_COUNT (EINVAL), nor between _V2 and
 * HEKI_KERNEL_INFO_EXT_SIZE_V3, else KERNEL_INFO_EXT_KALLSYMS (EINVAL),
 * nor between _V3 and HEKI_KERNEL_INFO_EXT_SIZE, else
 * KERNEL_INFO_EXT_PURGATORY; pad, pad3 zero and no unknown flag, else
 * KERNEL_INFO_EXT_RESERVED;
 * with the capability words (size _V2 or more): their
 * count 0 or HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN..MAX, else
 * KERNEL_INFO_EXT_CAPWORDS_COUNT; pad2 and every word from the count on
 * zero, else KERNEL_INFO_EXT_RESERVED; linux_version with a zero top byte and
 * at least 6.1.0, else KERNEL_INFO_EXT_VERSION; text bounds canonical and
 * start < end, else KERNEL_INFO_EXT_TEXT_INVALID; return thunk inside
 * kernel text, _paravirt_nop and paravirt_BUG 0 or inside it, else
 * KERNEL_INFO_EXT_THUNK_INVALID; pv_ops count at most
 * HEKI_KERNEL_INFO_EXT_PV_OPS_MAX and its VA canonical and non-zero
 * exactly when the count is, else KERNEL_INFO_EXT_PV_OPS_INVALID; the
 * values present, else TRUNCATED; each value 0 or inside kernel text,
 * else PV_OPS_INVALID; the kallsyms format known and the table addresses
 * canonical and all non-zero with a format (the relative base zero for
 * the absolute one), all zero without, else KERNEL_INFO_EXT_KALLSYMS;
 * the two purgatory addresses both zero or both canonical and non-zero,
 * else KERNEL_INFO_EXT_PURGATORY (LoadKData reads what they point at
 * later). Bytes after the values are ignored.
 *
 * Return: 1 (present, @out filled), 0 (absent), or a negative
 * HEKI_VSM_ERR_KERNEL_INFO_EXT_* code.
 */
int heki_kinfo_ext_parse(const __u8 *buf, __u64 len,
			 struct heki_kinfo_ext *out)
{
	struct heki_kernel_info_ext e;
	__u64 avail, need;
	const __u8 *p;
	__u32 size, i;

	if (!buf || len < HEKI_KERNEL_INFO_SIZE + 4)
		return 0;
	p = buf + HEKI_KERNEL_INFO_SIZE;
	avail = len - HEKI_KERNEL_INFO_SIZE;
	if (heki_le32(p) != HEKI_KERNEL_INFO_EXT_MAGIC)
		return 0;
	if (avail < 8)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_TRUNCATED;
	size = heki_le32(p + 4);
	if (size < HEKI_KERNEL_INFO_EXT_SIZE_V1)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_SIZE_INVALID;
	if (size > avail)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_TRUNCATED;
	if (size > HEKI_KERNEL_INFO_EXT_SIZE_V1 &&
	    size < HEKI_KERNEL_INFO_EXT_SIZE_V2)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_CAPWORDS_COUNT;
	if (size > HEKI_KERNEL_INFO_EXT_SIZE_V2 &&
	    size < HEKI_KERNEL_INFO_EXT_SIZE_V3)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_KALLSYMS;
	if (size > HEKI_KERNEL_INFO_EXT_SIZE_V3 &&
	    size < HEKI_KERNEL_INFO_EXT_SIZE)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_PURGATORY;
	/* Older senders: no CPU features, kallsyms or purgatory (zero fill). */
	memset(&e, 0, sizeof(e));
	memcpy(&e, p, size < sizeof(e) ? size : sizeof(e));
	if (e.pad || e.pad3 || (e.flags & ~HEKI_KERNEL_INFO_EXT_FLAGS))
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_RESERVED;
	if (e.ncapwords > HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX ||
	    (e.ncapwords && e.ncapwords < HEKI_KERNEL_INFO_EXT_CAPWORDS_MIN))
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_CAPWORDS_COUNT;
	if (e.pad2)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_RESERVED;
	for (i = e.ncapwords; i < HEKI_KERNEL_INFO_EXT_CAPWORDS_MAX; i++)
		if (e.capwords[i])
			return -HEKI_VSM_ERR_KERNEL_INFO_EXT_RESERVED;
	if ((e.linux_version >> 24) ||
	    e.linux_version < HEKI_LINUX_VERSION_6_1)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_VERSION;
	if (!vtl1_va_canonical(e.text_start) ||
	    !vtl1_va_canonical(e.text_end) || e.text_start >= e.text_end)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_TEXT_INVALID;

	memset(out, 0, sizeof(*out));
	out->text_start = e.text_start;
	out->text_end = e.text_end;
	if (!in_text(out, e.return_thunk) ||
	    (e.pv_nop_func && !in_text(out, e.pv_nop_func)) ||
	    (e.pv_bug_func && !in_text(out, e.pv_bug_func)))
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_THUNK_INVALID;
	if (e.pv_ops_count > HEKI_KERNEL_INFO_EXT_PV_OPS_MAX ||
	    !e.pv_ops_count != !e.pv_ops_va ||
	    (e.pv_ops_va && !vtl1_va_canonical(e.pv_ops_va)))
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_PV_OPS_INVALID;
	/* size < 2^32 and count <= 256: no overflow. */
	need = (__u64)size + 8ULL * e.pv_ops_count;
	if (need > avail)
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_TRUNCATED;
	for (i = 0; i < e.pv_ops_count; i++) {
		out->pv_ops[i] = heki_le64(p + size + 8ULL * i);
		if (out->pv_ops[i] && !in_text(out, out->pv_ops[i]))
			return -HEKI_VSM_ERR_KERNEL_INFO_EXT_PV_OPS_INVALID;
	}
	out->linux_version = e.linux_version;
	out->flags = e.flags;
	out->return_thunk = e.return_thunk;
	out->pv_ops_va = e.pv_ops_va;
	out->pv_nop_func = e.pv_nop_func;
	out->pv_bug_func = e.pv_bug_func;
	out->pv_ops_count = e.pv_ops_count;
	out->ncapwords = e.ncapwords;
	memcpy(out->capwords, e.capwords, sizeof(out->capwords));
	if (!e.kexec_purgatory != !e.kexec_purgatory_size ||
	    !vtl1_va_canonical(e.kexec_purgatory) ||
	    !vtl1_va_canonical(e.kexec_purgatory_size))
		return -HEKI_VSM_ERR_KERNEL_INFO_EXT_PURGATORY;
	out->kexec_purgatory = e.kexec_purgatory;
	out->kexec_purgatory_size = e.kexec_purgatory_size;
	return parse_kallsyms(&e, out);
}

/**
 * heki_kinfo_ext_check_exports() - the extension agrees with the exports
 * @x: a parsed extension
 * @tabs: the LoadKData export tables
 * @ntabs: entries in @tabs (NULL entries skipped)
 *
 * Return: 0, or -HEKI_VSM_ERR_KERNEL_INFO_EXT_PV_OPS_MISMATCH if pv_ops is
 * exported at another address than @x->pv_ops_va.
 */
int heki_kinfo_ext_check_exports(const struct heki_kinfo_ext *x,
				 const struct heki_symtab *const *tabs,
				 __u32 ntabs)
{
	static const char name[] = "pv_ops";
	__u64 va;
	__u32 i;

	for (i = 0; x->pv_ops_count && i < ntabs; i++)
		if (tabs[i] &&
		    !heki_symtab_lookup(tabs[i], name, sizeof(name) - 1, &va) &&
		    va != x->pv_ops_va)
			return -HEKI_VSM_ERR_KERNEL_INFO_EXT_PV_OPS_MISMATCH;
	return 0;
}

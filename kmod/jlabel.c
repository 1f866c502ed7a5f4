// SPDX-License-Identifier: GPL-2.0-only
/*
 * jlabel.c - jump labels in module text VTL1 protects, through PatchText
 *
 * A static key flipped at run time (static_branch_enable() and the like)
 * rewrites each of its sites: the jump label core hands every entry to
 * arch_jump_label_transform_queue(entry, type), which checks what the
 * site holds and queues the new bytes for text_poke_bp()'s batch, written
 * by arch_jump_label_transform_apply(). When the site lies in the text of
 * a module VTL1 validated for heki_vtl0 (heki_modhook_text_guarded()),
 * that write faults on Hyper-V. VTL1 knows those sites from the module's
 * signed ELF (__jump_table) and accepts PatchText there in the kernel's
 * own two forms: the NOP of the site's size and the jump to the entry's
 * target. heki_vtl0's own text, once protected (heki_boot_self_text()),
 * goes the same way: VTL1 has no site there and refuses.
 *
 * An ftrace hook (fhook.c) runs heki_jlabel_queue() instead of
 * arch_jump_label_transform_queue(), which calls __fentry__ on Debian's
 * 6.1, 6.12 and 7.2 (the hook's install is checked at every load):
 *  - the system still booting, or a site not in guarded text: the
 *    kernel's function, so its batch is what it would have been;
 *  - guarded: the bytes are computed as __jump_label_patch() computes
 *    them (the site's size from what it holds, 2 or 5; JMP rel8 or rel32
 *    to the target, or the NOP of that size, x86_nops[2] or [5]), with
 *    the kernel's check that the site holds the other form now, and
 *    written at once under text_mutex by heki_poke() (textpoke.c: three
 *    PatchText calls in text_poke_bp()'s order; a CPU meeting the int3
 *    meanwhile runs the old form). Done before the kernel's batch is
 *    applied, which holds only other sites: the order of sites within a
 *    key was never atomic (text_poke_bp_batch() rewrites them one step
 *    at a time for all), and the queue's sorting invariant concerns only
 *    what it holds.
 *  - what the site holds is neither form (the kernel would BUG()), a
 *    rel8 that cannot reach the target, every step VTL1 refuses, and
 *    the fail-closed state: nothing is written (a refused step is put
 *    back by PatchText), the site keeps its old form, and the refusal is
 *    counted, logged (ratelimited) and audited (op=heki_jump_label). The
 *    key's state then disagrees with that site: the branch goes the old
 *    way until the key flips back, which breaks only the module's own
 *    logic, never what VTL1 protects.
 *
 * arch_jump_label_transform() (no batch) is reached only from the queue
 * function while the system is booting, before any module is validated.
 */

#define pr_fmt(fmt) "heki_vtl0: " fmt

#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/sysfs.h>

#include <heki/abi.h>

#include "heki_vtl0.h"
#include "heki_policy.h"
#include "fhook.h"
#include "textpoke.h"

#define HEKI_JL_JMP8	0xeb
#define HEKI_JL_JMP32	0xe9

typedef bool (*heki_jl_queue_fn)(struct jump_entry *entry,
				 enum jump_label_type type);

/* x86_nops[2] and x86_nops[5] of 6.1, 6.12 and 7.2 */
static const u8 heki_jl_nop2[2] = { 0x66, 0x90 };
static const u8 heki_jl_nop5[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

static heki_jl_queue_fn heki_jl_orig;
static struct mutex *heki_jl_text_mutex;
static struct heki_fhook heki_jl_hook;
static atomic64_t heki_jl_patched = ATOMIC64_INIT(0);
static atomic64_t heki_jl_refused = ATOMIC64_INIT(0);
static atomic64_t heki_jl_kernel = ATOMIC64_INIT(0);
static struct heki_poke_stats heki_jl_poke_st;

/*
 * The site's size from what it holds (@cur), as arch_jump_entry_size()
 * decodes it; 0 for neither form's opcode (an int3 left in place, say).
 */
static unsigned int heki_jl_size(const u8 *cur)
{
	if (cur[0] == HEKI_JL_JMP8 || !memcmp(cur, heki_jl_nop2, 2))
		return 2;
	if (cur[0] == HEKI_JL_JMP32 || !memcmp(cur, heki_jl_nop5, 5))
		return 5;
	return 0;
}

/*
 * __jump_label_patch(): @jmp (the jump at @at of @size bytes to
 * @target) and @nop. Returns -ERANGE for a rel8 that cannot reach.
 */
static int heki_jl_forms(unsigned long at, unsigned int size,
			 unsigned long target, u8 *jmp, u8 *nop)
{
	long rel = (long)(target - (at + size));

	if (size == 2) {
		if (rel < S8_MIN || rel > S8_MAX)
			return -ERANGE;
		jmp[0] = HEKI_JL_JMP8;
		jmp[1] = (u8)(s8)rel;
		memcpy(nop, heki_jl_nop2, 2);
	} else {
		s32 rel32 = (s32)rel;

		if (rel32 != rel)
			return -ERANGE;
		jmp[0] = HEKI_JL_JMP32;
		memcpy(jmp + 1, &rel32, sizeof(rel32));
		memcpy(nop, heki_jl_nop5, 5);
	}
	return 0;
}

/* @asked: VTL1 gave @err (else heki_vtl0 refused before asking) */
static void heki_jl_refuse(unsigned long at, enum jump_label_type type,
			   s64 err, bool asked)
{
	const char *to = type == JUMP_LABEL_JMP ? "jump" : "nop";
	char detail[96];

	atomic64_inc(&heki_jl_refused);
	snprintf(detail, sizeof(detail), "%pS -> %s", (void *)at, to);
	pr_warn_ratelimited("jump label at %pS not set to %s (%lld): it keeps its old form\n",
			    (void *)at, to, err);
	heki_audit_event("heki_jump_label", "refused", err,
			 asked ? VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE : 0,
			 detail);
}

/* One entry whose site lies in guarded text. */
static void heki_jl_update(struct jump_entry *entry, enum jump_label_type type)
{
	unsigned long at = jump_entry_code(entry);
	unsigned long target = jump_entry_target(entry);
	u8 cur[HEKI_POKE_MAX], jmp[HEKI_POKE_MAX], nop[HEKI_POKE_MAX];
	struct heki_poke_emul emul = { .kind = HEKI_POKE_NEXT };
	const u8 *expect, *new;
	unsigned int size;
	bool asked = false;
	s64 ret;

	mutex_lock(heki_jl_text_mutex);
	if (copy_from_kernel_nofault(cur, (void *)at, HEKI_POKE_MAX))
		memset(cur, 0, sizeof(cur));
	size = heki_jl_size(cur);
	ret = size ? heki_jl_forms(at, size, target, jmp, nop) : -EILSEQ;
	if (!ret && !heki_modhook_text_guarded(at, size) &&
	    !heki_boot_self_text(at, size))
		ret = -ERANGE;	/* a site across the end of guarded text */
	if (!ret) {
		new = type == JUMP_LABEL_JMP ? jmp : nop;
		expect = type == JUMP_LABEL_JMP ? nop : jmp;
		/* the kernel's check: the site holds the other form */
		if (memcmp(cur, expect, size))
			ret = -EILSEQ;
	}
	if (!ret && heki_fail_closed())
		ret = -EPERM;
	if (!ret && heki_poke_busy())
		ret = -EBUSY;
	if (!ret) {
		if (expect == jmp) {
			emul.kind = HEKI_POKE_JMP;
			emul.dest = target;
		}
		asked = true;
		ret = heki_poke(at, size, expect, new, &emul,
				&heki_jl_poke_st);
	}
	mutex_unlock(heki_jl_text_mutex);
	if (ret)
		heki_jl_refuse(at, type, ret, asked);
	else
		atomic64_inc(&heki_jl_patched);
}

/* Runs instead of arch_jump_label_transform_queue(). */
static bool heki_jlabel_queue(struct jump_entry *entry,
			      enum jump_label_type type)
{
	unsigned long at = jump_entry_code(entry);
	bool ret = true;

	heki_fhook_enter(&heki_jl_hook);
	/* 2 bytes: the shortest site; a 5-byte one is checked in full below */
	if (system_state == SYSTEM_BOOTING ||
	    (!heki_modhook_text_guarded(at, 2) &&
	     !heki_boot_self_text(at, 2))) {
		atomic64_inc(&heki_jl_kernel);
		ret = heki_jl_orig(entry, type);
	} else {
		heki_jl_update(entry, type);
	}
	heki_fhook_leave(&heki_jl_hook);
	return ret;
}

/**
 * heki_jlabel_init() - route jump label updates of guarded text to VTL1
 *
 * Context: process context, before kernel text is protected (the hook
 * rewrites the first instruction of arch_jump_label_transform_queue()).
 * Return: 0; -ENOENT if a kernel object it needs is not found; or the
 * error of the ftrace hook (fhook.c). Nothing stays registered on an
 * error.
 */
int heki_jlabel_init(void)
{
	unsigned long addr = heki_ksym("arch_jump_label_transform_queue");
	int ret;

	heki_jl_text_mutex = (struct mutex *)heki_ksym("text_mutex");
	if (!addr || !heki_jl_text_mutex) {
		pr_err("jump labels: arch_jump_label_transform_queue or text_mutex not found\n");
		return -ENOENT;
	}
	heki_jl_orig = (heki_jl_queue_fn)addr;
	ret = heki_fhook_install(&heki_jl_hook, addr, heki_jlabel_queue);
	if (ret) {
		pr_err("jump labels: ftrace hook on arch_jump_label_transform_queue failed (%d)\n",
		       ret);
		return ret;
	}
	pr_info("jump labels: updates in validated module text go through PatchText (%pS)\n",
		(void *)addr);
	return 0;
}

/**
 * heki_jlabel_exit() - remove the hook
 *
 * Context: process context; only while VTL1 protects no module text for
 * heki_vtl0 (no token), so no update needs the hook any more.
 */
void heki_jlabel_exit(void)
{
	heki_fhook_remove(&heki_jl_hook);
}

/**
 * heki_jlabel_show() - debugfs summary
 * @m: seq_file to print to
 */
void heki_jlabel_show(struct seq_file *m)
{
	seq_printf(m, "jump_label_hook: %s\n",
		   heki_fhook_on(&heki_jl_hook) ?
		   "arch_jump_label_transform_queue" : "off");
	seq_printf(m, "jump_label_patched: %lld\n",
		   (long long)atomic64_read(&heki_jl_patched));
	seq_printf(m, "jump_label_refused: %lld\n",
		   (long long)atomic64_read(&heki_jl_refused));
	seq_printf(m, "jump_label_kernel_path: %lld\n",
		   (long long)atomic64_read(&heki_jl_kernel));
	seq_printf(m, "jump_label_int3_emulated: %lld\n",
		   (long long)atomic64_read(&heki_jl_poke_st.emulated));
	seq_printf(m, "jump_label_stuck: %lld\n",
		   (long long)atomic64_read(&heki_jl_poke_st.stuck));
}

/* /sys/kernel/heki/jump_labels/: the counters of heki_jlabel_show(). */
HEKI_SYSFS_ATTR(heki_jl, hook, "%s",
		heki_fhook_on(&heki_jl_hook) ? "on" : "off");
HEKI_SYSFS_ATTR(heki_jl, patched, "%lld",
		(long long)atomic64_read(&heki_jl_patched));
HEKI_SYSFS_ATTR(heki_jl, refused, "%lld",
		(long long)atomic64_read(&heki_jl_refused));
HEKI_SYSFS_ATTR(heki_jl, kernel_path, "%lld",
		(long long)atomic64_read(&heki_jl_kernel));
HEKI_SYSFS_ATTR(heki_jl, int3_emulated, "%lld",
		(long long)atomic64_read(&heki_jl_poke_st.emulated));
HEKI_SYSFS_ATTR(heki_jl, stuck, "%lld",
		(long long)atomic64_read(&heki_jl_poke_st.stuck));

static struct attribute *heki_jl_attrs[] = {
	&heki_jl_hook_attr.attr,
	&heki_jl_patched_attr.attr,
	&heki_jl_refused_attr.attr,
	&heki_jl_kernel_path_attr.attr,
	&heki_jl_int3_emulated_attr.attr,
	&heki_jl_stuck_attr.attr,
	NULL,
};

/* /sys/kernel/heki/jump_labels/, added by heki_sysfs_init() (main.c). */
const struct attribute_group heki_jlabel_sysfs_group = {
	.name = "jump_labels",
	.attrs = heki_jl_attrs,
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * frames.c - the frames VTL1 protects against VTL0 writes, with hashes
 *
 * Every frame whose VTL0 access VTL1 sets without write permission is
 * tracked here from that moment, with a hash of each of its 256-byte
 * chunks taken then. The hashes change only when VTL1 itself writes the
 * frame (heki_wf_vtl1_wrote()); a frame VTL1 makes writable again is
 * forgotten. wf_frames_check() hashes every tracked frame again: a chunk
 * that differs is a write Hyper-V would have refused, whatever path made
 * it, unless the text_poke hooks reported a write to that frame since the
 * last check (one write, one event). The hooks ask wf_frame_poked() from
 * any context (the xarray is read under RCU).
 */
#define pr_fmt(fmt) "heki_wouldfault: " fmt
#define HEKI_WOULDFAULT 1

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/xxhash.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#include <heki/abi.h>

#include "wf.h"

/**
 * struct wf_frame - one frame VTL1 protects against writes
 * @prot: the VTL0 access VTL1 set (HV_PAGE_* bits, no write)
 * @poked: a text_poke event was reported for this frame since the last
 *	check: its next change is that write, not a second event
 * @chunk: xxh32 of each 256-byte chunk, as VTL1 last knew it
 * @rcu: freed after the readers of the xarray are done
 */
struct wf_frame {
	u32 prot;
	u32 poked;
	u32 chunk[WF_CHUNKS];
	struct rcu_head rcu;
};

static DEFINE_XARRAY(wf_frames);
/* Serialises changes of the set and checks; the page buffer is its. */
static DEFINE_MUTEX(wf_frames_lock);
static u8 *wf_buf;
static atomic_long_t wf_tracked = ATOMIC_LONG_INIT(0);
static atomic_long_t wf_untracked = ATOMIC_LONG_INIT(0);

static int wf_read_frame(u64 pfn, u8 *buf)
{
	if (!pfn_valid(pfn))
		return -EFAULT;
	if (copy_from_kernel_nofault(buf, pfn_to_kaddr(pfn), PAGE_SIZE))
		return -EFAULT;
	return 0;
}

static void wf_hash(const u8 *buf, u32 *chunk)
{
	unsigned int i;

	for (i = 0; i < WF_CHUNKS; i++)
		chunk[i] = xxh32(buf + (i << WF_CHUNK_SHIFT),
				 1U << WF_CHUNK_SHIFT, 0);
}

/**
 * wf_frames_init() - prepare an empty set
 *
 * Return: 0 or -ENOMEM.
 */
int wf_frames_init(void)
{
	wf_buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!wf_buf)
		return -ENOMEM;
	atomic_long_set(&wf_tracked, 0);
	atomic_long_set(&wf_untracked, 0);
	return 0;
}

/**
 * wf_frames_exit() - forget every frame
 *
 * Context: after the text_poke hooks are gone (no reader left).
 */
void wf_frames_exit(void)
{
	struct wf_frame *f;
	unsigned long pfn;

	mutex_lock(&wf_frames_lock);
	xa_for_each(&wf_frames, pfn, f) {
		xa_erase(&wf_frames, pfn);
		kfree_rcu(f, rcu);
	}
	xa_destroy(&wf_frames);
	kfree(wf_buf);
	wf_buf = NULL;
	mutex_unlock(&wf_frames_lock);
}

/**
 * wf_frame_poked() - is a frame protected? Note a text_poke write if so
 * @pfn: the frame the patching code is about to write
 * @prot: receives the VTL0 access VTL1 set, when it protects the frame
 *
 * The write is an event of the text_poke hook; the change it makes is
 * then not reported again by the next hash check.
 *
 * Context: any (RCU).
 * Return: true if VTL0 may not write @pfn.
 */
bool wf_frame_poked(u64 pfn, u32 *prot)
{
	struct wf_frame *f;
	bool ret = false;

	rcu_read_lock();
	f = xa_load(&wf_frames, pfn);
	if (f) {
		*prot = READ_ONCE(f->prot);
		WRITE_ONCE(f->poked, 1);
		ret = true;
	}
	rcu_read_unlock();
	return ret;
}

/* Start tracking @pfn with its current contents; a failure is counted. */
static void wf_frame_track(u64 pfn, u32 prot)
{
	struct wf_frame *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f || wf_read_frame(pfn, wf_buf)) {
		kfree(f);
		atomic_long_inc(&wf_untracked);
		pr_err("frame %#llx: cannot track it (%s)\n", pfn,
		       f ? "unreadable" : "no memory");
		return;
	}
	wf_hash(wf_buf, f->chunk);
	f->prot = prot;
	if (xa_err(xa_store(&wf_frames, pfn, f, GFP_KERNEL))) {
		kfree(f);
		atomic_long_inc(&wf_untracked);
		pr_err("frame %#llx: cannot track it (no memory)\n", pfn);
		return;
	}
	atomic_long_inc(&wf_tracked);
}

/**
 * wf_frames_set() - VTL1 set VTL0's access to a run of frames
 * @pa: first byte (page aligned)
 * @npages: number of frames
 * @prot: the new access (HV_PAGE_* bits)
 *
 * Without write permission a frame is tracked, with the hash of its
 * contents now (a frame tracked already keeps the hash it has: its
 * contents cannot have changed legitimately); with write permission it
 * is forgotten.
 *
 * Context: process context (the VTL1 call that changed the protection).
 */
void wf_frames_set(u64 pa, u64 npages, u32 prot)
{
	bool writable = prot & hv_page_prot_raw(HV_PAGE_WRITABLE);
	u64 pfn = PHYS_PFN(pa), i;
	struct wf_frame *f;

	mutex_lock(&wf_frames_lock);
	for (i = 0; i < npages && wf_buf; i++, pfn++) {
		if (writable) {
			f = xa_erase(&wf_frames, pfn);
			if (f) {
				kfree_rcu(f, rcu);
				atomic_long_dec(&wf_tracked);
			}
		} else {
			f = xa_load(&wf_frames, pfn);
			if (f)
				WRITE_ONCE(f->prot, prot);
			else
				wf_frame_track(pfn, prot);
		}
		if (!(i & 255))
			cond_resched();
	}
	mutex_unlock(&wf_frames_lock);
}

/**
 * wf_frames_rehash() - VTL1 wrote VTL0 memory
 * @pa: first byte written
 * @len: bytes written
 *
 * Tracked frames in the range take their new contents as the reference:
 * VTL1's own writes are not would-fault events.
 */
void wf_frames_rehash(u64 pa, u64 len)
{
	u64 pfn, last;
	struct wf_frame *f;

	if (!len)
		return;
	last = PHYS_PFN(pa + len - 1);
	mutex_lock(&wf_frames_lock);
	for (pfn = PHYS_PFN(pa); pfn <= last && wf_buf; pfn++) {
		f = xa_load(&wf_frames, pfn);
		if (f && !wf_read_frame(pfn, wf_buf))
			wf_hash(wf_buf, f->chunk);
	}
	mutex_unlock(&wf_frames_lock);
}

/**
 * wf_frames_check() - hash every tracked frame again
 *
 * Each frame whose contents changed is a would-fault event; its new hash
 * becomes the reference, so one change is reported once.
 *
 * Context: process context, may sleep.
 * Return: the number of frames found changed.
 */
unsigned int wf_frames_check(void)
{
	u32 cur[WF_CHUNKS];
	struct wf_frame *f;
	unsigned long pfn;
	unsigned int n = 0, i;

	mutex_lock(&wf_frames_lock);
	xa_for_each(&wf_frames, pfn, f) {
		struct wf_event ev = { .source = WF_SRC_FRAME_HASH };
		u32 mask = 0;

		if (!wf_buf)
			break;
		if (wf_read_frame(pfn, wf_buf)) {
			pr_err("frame %#lx: unreadable, not checked\n", pfn);
			continue;
		}
		wf_hash(wf_buf, cur);
		for (i = 0; i < WF_CHUNKS; i++)
			if (cur[i] != f->chunk[i])
				mask |= BIT(i);
		if (mask && READ_ONCE(f->poked)) {
			/* The change a text_poke event already reported. */
			memcpy(f->chunk, cur, sizeof(cur));
			WRITE_ONCE(f->poked, 0);
		} else if (mask) {
			ev.pfn = pfn;
			ev.prot = f->prot;
			ev.len = mask;
			ev.old = __ffs(mask);
			memcpy(f->chunk, cur, sizeof(cur));
			wf_event_record(&ev);
			n++;
		}
		cond_resched();
	}
	mutex_unlock(&wf_frames_lock);
	return n;
}

/**
 * wf_frames_tracked() - frames tracked now
 *
 * Return: the count.
 */
unsigned long wf_frames_tracked(void)
{
	return atomic_long_read(&wf_tracked);
}

/**
 * wf_frames_untracked() - frames VTL1 protected that could not be tracked
 *
 * Return: the count (any is a failure of the detector: reported).
 */
unsigned long wf_frames_untracked(void)
{
	return atomic_long_read(&wf_untracked);
}

/* Does the kernel page table map @va to @pfn? */
static bool wf_maps(unsigned long va, u64 pfn)
{
	unsigned int level;
	pte_t *pte = lookup_address(va, &level);
	unsigned long off;

	if (!pte || !pte_present(*pte))
		return false;
	off = (va & (page_level_size(level) - 1)) >> PAGE_SHIFT;
	return pte_pfn(*pte) + off == pfn;
}

/**
 * wf_frame_va() - a kernel address of a frame, for naming it
 * @pfn: the frame
 *
 * Tries the kernel image mapping, then the module area (a walk of its
 * page tables; only used when an event is printed).
 *
 * Context: process context.
 * Return: the address of the frame's first byte, or 0 if it is neither
 * kernel image nor module memory (e.g. a kexec page).
 */
unsigned long wf_frame_va(u64 pfn)
{
	/* phys_base is the image's offset, "negative" (wrapped) under KASLR. */
	unsigned long off = (unsigned long)PFN_PHYS(pfn) - phys_base;
	unsigned long va;
	unsigned int level;

	if (off < KERNEL_IMAGE_SIZE) {
		va = __START_KERNEL_map + off;
		if (wf_maps(va, pfn))
			return va;
	}
	for (va = MODULES_VADDR; va < MODULES_END && va >= MODULES_VADDR;) {
		pte_t *pte = lookup_address(va, &level);
		unsigned long skip;

		/*
		 * NULL: the entry one level below @level is empty; otherwise
		 * the entry at @level is a leaf or not present.
		 */
		if (!pte || !pte_present(*pte)) {
			if (level == PG_LEVEL_NONE)
				break;
			skip = page_level_size(level);
			if (!pte)
				skip >>= PTE_SHIFT;
			va = round_down(va, skip) + skip;
			continue;
		}
		if (wf_maps(va, pfn))
			return va;
		va += PAGE_SIZE;
		if (!(va & (PMD_SIZE - 1)))
			cond_resched();
	}
	return 0;
}

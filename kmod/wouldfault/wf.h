/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wf.h - interface between the files of the would-fault detector
 *
 * core.c     start/stop, checks, the sysfs directory
 * frames.c   the frames VTL1 protects against writes, with their hashes
 * poke.c     ftrace hooks on the kernel's text-patching functions
 * regs.c     the registers LockRegs pinned, per CPU, re-read
 * events.c   would-fault events: counted, aggregated by kernel path, logged
 *
 * Every message starts with "heki_wouldfault: "; an event line contains
 * "would-fault #", which scripts/vm-run.sh counts.
 */
#ifndef _KMOD_WOULDFAULT_WF_H
#define _KMOD_WOULDFAULT_WF_H

#include <linux/types.h>

struct heki_lb_vp;

/* Return addresses kept per text_poke event: the kernel path that wrote. */
#define WF_PATH_DEPTH	6

/* Bytes kept of a function's name ("function [module]") in a path. */
#define WF_NAME_LEN	48

/* Frames are hashed in chunks of this size, so a change is located. */
#define WF_CHUNK_SHIFT	8
#define WF_CHUNKS	(PAGE_SIZE >> WF_CHUNK_SHIFT)

/**
 * enum wf_source - how a would-fault event was found
 * @WF_SRC_TEXT_POKE: __text_poke() wrote a protected frame (text_poke,
 *	text_poke_bp batches, text_poke_copy/set, kgdb)
 * @WF_SRC_TEXT_POKE_EARLY: text_poke_early() wrote a protected frame
 * @WF_SRC_FRAME_HASH: a protected frame's contents changed between checks
 *	(a write outside the patching functions)
 * @WF_SRC_REGISTER: a register LockRegs pinned has another value
 * @WF_NSRC: number of sources
 */
enum wf_source {
	WF_SRC_TEXT_POKE,
	WF_SRC_TEXT_POKE_EARLY,
	WF_SRC_FRAME_HASH,
	WF_SRC_REGISTER,
	WF_NSRC
};

/**
 * struct wf_event - one would-fault event
 * @source: enum wf_source
 * @len: bytes written (text_poke); changed chunks (frame hash)
 * @prot: VTL0 access VTL1 set for the frame (HV_PAGE_* bits)
 * @reg: register (WF_SRC_REGISTER): enum heki_vp_reg
 * @pfn: the frame written; the CPU for WF_SRC_REGISTER
 * @va: the address written (text_poke); first changed address, if the
 *	frame has a known kernel address (frame hash); 0 otherwise
 * @old: register value LockRegs saw; first changed chunk (frame hash)
 * @new: register value now
 * @path: return addresses of the kernel path that wrote (text_poke), the
 *	first outside the patching functions first; 0-terminated
 * @fn: the start of the function of each @path entry
 */
struct wf_event {
	u8 source;
	u32 len;
	u32 prot;
	u32 reg;
	u64 pfn;
	unsigned long va;
	u64 old;
	u64 new;
	unsigned long path[WF_PATH_DEPTH];
	unsigned long fn[WF_PATH_DEPTH];
};

/* core.c */
bool wf_armed(void);

/* frames.c */
int wf_frames_init(void);
void wf_frames_exit(void);
bool wf_frame_poked(u64 pfn, u32 *prot);
void wf_frames_set(u64 pa, u64 npages, u32 prot);
void wf_frames_rehash(u64 pa, u64 len);
unsigned int wf_frames_check(void);
unsigned long wf_frames_tracked(void);
unsigned long wf_frames_untracked(void);
unsigned long wf_frame_va(u64 pfn);

/* poke.c */
int wf_poke_init(void);
void wf_poke_exit(void);
unsigned long wf_poke_calls(void);
void wf_fn_name(unsigned long start, unsigned long ret, char *name);

/* regs.c */
int wf_regs_init(void);
void wf_regs_exit(void);
void wf_regs_locked(const struct heki_lb_vp *vp, u32 name, u64 value);
unsigned int wf_regs_check(const struct heki_lb_vp *caller);
unsigned int wf_regs_locked_cpus(void);
const char *wf_reg_name(unsigned int reg);

/* events.c */
void wf_event_record(const struct wf_event *ev);
void wf_events_flush(void);
void wf_events_reset(void);
u64 wf_events_total(void);
u64 wf_events_of(enum wf_source src);
void wf_events_summary(const char *why, bool keys);
ssize_t wf_events_show(char *buf, size_t size);
size_t wf_keys_str(char *buf, size_t size, const char *indent);

/* Room for every key line (WF_KEYS of them, each with its full path). */
#define WF_KEYS_TEXT_MAX	(64 * 1024)

#endif /* _KMOD_WOULDFAULT_WF_H */

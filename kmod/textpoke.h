/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * textpoke.h - text_poke_bp() through VTL1's PatchText (textpoke.c)
 *
 * One live site of guarded text (module text VTL1 validated for
 * heki_vtl0) rewritten by three PatchText steps in text_poke_bp()'s order,
 * a serialising IPI after each, with a DIE_INT3 notifier that runs the
 * site's old instruction for a CPU that meets the int3 meanwhile. Users:
 * scall.c (static calls) and jlabel.c (jump labels).
 */
#ifndef _KMOD_TEXTPOKE_H
#define _KMOD_TEXTPOKE_H

#include <linux/atomic.h>
#include <linux/types.h>

/* The longest site: a CALL, JMP or NOP of 5 bytes. */
#define HEKI_POKE_MAX	5

/**
 * enum heki_poke_kind - what the old instruction of a site does
 * @HEKI_POKE_NEXT: nothing (a NOP): on to the next instruction
 * @HEKI_POKE_JMP:  jump to &struct heki_poke_emul.dest
 * @HEKI_POKE_CALL: call &struct heki_poke_emul.dest
 * @HEKI_POKE_RET:  return
 */
enum heki_poke_kind {
	HEKI_POKE_NEXT,
	HEKI_POKE_JMP,
	HEKI_POKE_CALL,
	HEKI_POKE_RET,
};

/**
 * struct heki_poke_emul - the old instruction, as the int3 notifier runs it
 * @kind: what it does
 * @dest: its destination (JMP, CALL)
 */
struct heki_poke_emul {
	enum heki_poke_kind kind;
	unsigned long dest;
};

/**
 * struct heki_poke_stats - a user's counters
 * @emulated: CPUs sent on by the int3 notifier at one of its sites
 * @stuck:    sites left with an int3 (a refused undo, an unanswered step)
 */
struct heki_poke_stats {
	atomic64_t emulated;
	atomic64_t stuck;
};

int heki_poke_init(void);
void heki_poke_exit(void);
bool heki_poke_busy(void);
bool heki_poke_stuck(void);
s64 heki_poke(unsigned long at, unsigned int len, const u8 *old,
	      const u8 *new, const struct heki_poke_emul *emul,
	      struct heki_poke_stats *st);

#endif /* _KMOD_TEXTPOKE_H */

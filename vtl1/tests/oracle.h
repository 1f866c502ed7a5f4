/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * oracle.h - the soundness oracle of the simulated guest: invariants I1-I6
 * of Documentation/security-model.rst, checked after every VTL call made
 * through guest_call() (and by the fuzzers after every call they make).
 *
 * The oracle keeps its own model, built only from what it sees and from
 * what the test declares, never from VTL1's records:
 *   - the access applied through the platform (every modify callback);
 *   - the owner, token and access each successful call should leave on
 *     each frame, from the request as VTL0 wrote it (the oracle walks the
 *     chain itself) and the call's result;
 *   - every byte VTL1 writes into VTL0 memory, where and during which call;
 *   - the authenticated inputs the test declares: content (validated
 *     module bytes), allowed patch forms, the kexec replay. What VTL0
 *     sends before end of boot is declared by the oracle itself: the
 *     kernel patch sites of a successful LoadKData (its patch info) and,
 *     at the first SignalEndOfBoot, kernel frames (memory VTL1 protected
 *     before end of boot).
 *
 * After each call it checks:
 *   I1  every frame VTL1 holds kernel-executable and not writable holds the
 *       declared bytes, or an allowed state of a declared patch site;
 *   I2  no VTL1 write touches a frame any owner holds or VTL0 cannot write,
 *       except inside a declared patch site, leaving it in an allowed
 *       state; only PatchText and BootAPs write at all, BootAPs only its
 *       token bytes (0xDC at the offset of a CPU of the mask);
 *   I3  an accepted KexecValidate passes the declared replay;
 *   I4  a failed call changed no protection, owner, token, module, patch
 *       site or VTL0 byte (BootAPs' tokens excepted, I2 still applies);
 *   I5  VTL1's protection map, the access applied through the platform and
 *       the oracle's model agree on every frame; tokens are the expected
 *       counter values;
 *   I6  no declared static call site or trampoline holds a CALL / JMP into
 *       module text VTL1 released (FreeModuleInit, UnloadModule) that no
 *       live module's text covers again.
 * A violation calls oracle_fail_handler (default: print and abort), unless
 * the test announced it with oracle_expect(); then it is only counted.
 */
#ifndef HEKI_VTL1_TEST_ORACLE_H
#define HEKI_VTL1_TEST_ORACLE_H

#include <stddef.h>
#include <heki/abi.h>

struct guest;
struct oracle;

enum oracle_inv {
	ORACLE_I1 = 1,
	ORACLE_I2,
	ORACLE_I3,
	ORACLE_I4,
	ORACLE_I5,
	ORACLE_I6,
	ORACLE_NR_INV
};

/*
 * I3 replay (tests/kexec/kexec_model.c, km_replay_chain): after an
 * accepted KexecValidate(@chain_pa != 0, @crash), replay the target
 * kernel's page relocation over the accepted entry list in guest memory;
 * 0 if every page that runs before the verified entry point gets exactly
 * the verified bytes, otherwise non-zero with the reason in @why.
 */
typedef int oracle_replay_fn(struct guest *g, __u64 chain_pa, int crash,
			     void *arg, char *why, size_t whylen);

/* Called with the message of every violation not announced by oracle_expect. */
extern void (*oracle_fail_handler)(const char *msg);

/* Life cycle, used by guest.c. */
struct oracle *oracle_new(struct guest *g);
void oracle_free(struct oracle *o);
void oracle_before_call(struct guest *g, __u32 id, __u64 a0, __u64 a1,
			__u64 a2);
void oracle_after_call(struct guest *g, __s64 ret);
void oracle_on_modify(struct guest *g, __u64 pfn, __u64 npages, __u8 prot);
void oracle_on_write(struct guest *g, __u64 pa, const void *src, __u64 len);
/* A new VTL1 instance on the same guest (the fuzzers): forget the model. */
void oracle_reset(struct guest *g);

/* ---- what a test declares ------------------------------------------- */

/*
 * @len bytes at @pa are authenticated content (I1), from @why: what a
 * loader stored there. Frames VTL0 cannot write now keep what they hold
 * (the loader's store was dropped).
 */
void oracle_auth_bytes(struct guest *g, __u64 pa, const void *bytes,
		       __u64 len, const char *why);
/* The bytes now at [@pa, @pa + @len) are authenticated content. */
void oracle_auth_current(struct guest *g, __u64 pa, __u64 len,
			 const char *why);
/*
 * Allowed forms of one patch site: @where gives pa[0], pa[1] and size as
 * PatchText's descriptor does; @forms holds @nforms encodings of size
 * bytes, back to back. INT3 followed by bytes 1.. of a form is allowed too.
 * Besides the forms, the oracle records at each INT3 step (a successful
 * PatchText that puts INT3 at byte 0 over a whole state) the bytes the
 * site held: until the step that ends the sequence (a byte 0 other than
 * INT3), those bytes and INT3 followed by their tail are allowed too, and
 * when that step puts them back they stay the site's resting bytes until
 * its next INT3 step (PatchText's restoration of a refused sequence).
 */
void oracle_patch_site(struct guest *g, const struct heki_patch *where,
		       const __u8 *forms, __u32 nforms, const char *why);
/*
 * The same for a static call site or trampoline whose byte 0 is at VA @va
 * and whose CALL / JMP opcode is @op (0xe8, 0xe9): I6 follows where it
 * branches.
 */
void oracle_scall_site(struct guest *g, const struct heki_patch *where,
		       __u64 va, __u8 op, const __u8 *forms, __u32 nforms,
		       const char *why);
/* The NOP of @size bytes (2 or 5) the kernel writes at a jump label, else NULL. */
const __u8 *oracle_x86_nop(__u32 size);
void oracle_kexec_replay(struct guest *g, oracle_replay_fn *fn, void *arg);
/* A test that sets VTL1's token counter tells the oracle the same. */
void oracle_sync_token(struct guest *g, __s64 next);
/* Executable content nobody declared is a violation (default: adopted). */
void oracle_strict(struct guest *g, int strict);

/* ---- announced violations ------------------------------------------- */

/* Violations of @inv are counted from now on instead of failing. */
void oracle_expect(struct guest *g, enum oracle_inv inv);
/* How many violations of @inv were counted since oracle_expect(). */
unsigned int oracle_seen(struct guest *g, enum oracle_inv inv);
/* The message of the last violation (counted or not), "" if none. */
const char *oracle_last(struct guest *g);
/* Calls checked so far, and accepted kexec images nobody replayed. */
unsigned long oracle_calls_checked(struct guest *g);
unsigned long oracle_kexec_unreplayed(struct guest *g);

#endif /* HEKI_VTL1_TEST_ORACLE_H */

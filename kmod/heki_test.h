/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * heki_test.h - what only the test build (heki_vtl0_test.ko) contains
 *
 * The same kmod/ sources make two modules (Kbuild):
 *  - heki_vtl0.ko, production: the hyperv transport only, no test
 *    parameter, no VTL1 library;
 *  - heki_vtl0_test.ko, built with HEKI_TEST_BUILD through the wrappers in
 *    kmod/test/: adds the loopback transport (the vtl1/ library inside
 *    the module) and the test parameters of test_params.c.
 * In the production build every function here is an empty inline, so the
 * policy files call them unconditionally and carry no #ifdef.
 */
#ifndef _KMOD_HEKI_TEST_H
#define _KMOD_HEKI_TEST_H

#include <linux/types.h>

struct module;
struct kimage;

#ifdef HEKI_TEST_BUILD
void heki_test_tamper_module(struct module *mod);
void heki_test_tamper_kexec(struct kimage *image);
void heki_test_capflip(u32 *capwords, unsigned int n);
bool heki_test_answer(u32 func, u64 *r8, bool *sent);
void heki_test_online_cpu(void);
void heki_test_init_pause(void);
bool heki_test_kexec_unload_busy(void);
void heki_test_kexec_pause(void);
bool heki_test_ibt(void);
void heki_test_poke_pause(void);
#else
static inline void heki_test_tamper_module(struct module *mod) {}
static inline void heki_test_tamper_kexec(struct kimage *image) {}
static inline void heki_test_capflip(u32 *capwords, unsigned int n) {}
static inline bool heki_test_answer(u32 func, u64 *r8, bool *sent)
{
	return false;
}
static inline void heki_test_online_cpu(void) {}
static inline void heki_test_init_pause(void) {}
static inline bool heki_test_kexec_unload_busy(void)
{
	return false;
}
static inline void heki_test_kexec_pause(void) {}
static inline bool heki_test_ibt(void)
{
	return false;
}
static inline void heki_test_poke_pause(void) {}
#endif

#endif /* _KMOD_HEKI_TEST_H */

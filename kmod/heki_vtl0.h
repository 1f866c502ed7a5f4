/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * heki_vtl0.h - internal interface between the files of heki_vtl0.ko
 *
 * Mechanism (chain.c, transport.c, hyperv.c, loopback*.c, debugfs.c,
 * trace.c) is declared here; policy (main.c, modhook.c) uses it.
 *
 * Contexts: every function below may sleep and must be called from
 * process context unless its comment says otherwise. heki_vtl_call()
 * takes a mutex (one VTL call at a time), so per-CPU calls go through
 * heki_vtl_call_on_cpu(), which uses work_on_cpu().

 *
 * Every .c file of the module starts with
 *	#define pr_fmt(fmt) "heki_vtl0: " fmt
 * before its first #include, so all messages carry one prefix.
 */
#ifndef _KMOD_HEKI_VTL0_H
#define _KMOD_HEKI_VTL0_H

#include <linux/types.h>

struct heki_page;
struct heki_range;
struct seq_file;

/* ------------------------------------------------------------------ */
/* Chain builder (chain.c)                                             */
/* ------------------------------------------------------------------ */

/**
 * struct heki_chain - a heki_page chain being built for one VTL call
 * @head:     first page of the chain (kernel VA), NULL while empty
 * @head_pa:  physical address of @head, passed as a1 of the call
 * @tail:     last page of the chain; new ranges go here
 * @cur:      last range written (the only merge candidate), or NULL
 * @nranges:  total number of ranges over all pages, passed as a2
 * @npages:   number of pages in the chain
 * @err:      first error hit while building (sticky); a chain with
 *            @err set is never sent, heki_call_chain() returns @err
 *
 * Initialise with heki_chain_init() (or zero it), add ranges, send with
 * heki_call_chain(), then always release with heki_chain_free(), which
 * is safe on an empty or failed chain and leaves it re-initialised.
 * A chain is owned by one caller: it has no lock of its own.
 */
struct heki_chain {
	struct heki_page *head;
	u64 head_pa;
	struct heki_page *tail;
	struct heki_range *cur;
	u64 nranges;
	unsigned int npages;
	int err;
};

void heki_chain_init(struct heki_chain *c);
int heki_chain_add_va(struct heki_chain *c, unsigned long va,
		      unsigned long size, u64 attributes);
int heki_chain_add_phys(struct heki_chain *c, u64 va, u64 pa, u64 epa,
			u64 attributes);
int heki_chain_add_info(struct heki_chain *c, u64 va, u64 attributes);
void heki_chain_free(struct heki_chain *c);
int heki_va_to_pa(unsigned long va, u64 *pa);
long heki_chain_live_pages(void);

#ifdef HEKI_SELFTEST
/*
 * Fault injection for the self-test build only: when > 0, the chain
 * page allocation that would make the count reach zero fails.
 * 0 = never fail. Not present in heki_vtl0.ko.
 */
extern int heki_chain_fail_alloc_after;
#endif

/* ------------------------------------------------------------------ */
/* VTL calls and transports (transport.c)                              */
/* ------------------------------------------------------------------ */

/**
 * struct heki_transport - one way of reaching VTL1
 * @name:  "hyperv" or "loopback"
 * @init:  bring the transport up; 0 or -errno (nothing left allocated)
 * @exit:  tear it down; only called after a successful @init
 * @call:  one VTL call: RDI=@func, RSI=@a1, RDX=@a2, R8=@a3 in, R8 out in
 *         *@r8 (raw, all 64 bits); 0 when the call was made, -errno when
 *         it could not be (then *@r8 is not set). Called under the call
 *         mutex.
 * @cpu_check: optional; before the probe of the current CPU, whatever the
 *         transport can check without a VTL call (0 or -errno)
 * @last_error: optional; VTL1's enum heki_vsm_error for the @call just
 *         made (0 when it succeeded or is unknown). Only a VTL1 in the
 *         same kernel can say: the wire carries the errno alone. Called
 *         under the call mutex right after @call.
 */
struct heki_transport {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
	int (*call)(u32 func, u64 a1, u64 a2, u64 a3, u64 *r8);
	int (*cpu_check)(void);
	u32 (*last_error)(void);
};

/*
 * The per-CPU probe (heki_vtl_probe()): an unknown function id ("HEKI"
 * in ASCII, in no VSM list) with R8 poisoned; VTL1 answers every unknown
 * id with -EINVAL in R8, so any other R8 means VTL1 did not answer.
 */
#define HEKI_VTL_PROBE_FUNC	0x48454B49U
#define HEKI_VTL_PROBE_POISON	0x48454B4950524F42ULL

extern const struct heki_transport heki_transport_hyperv;

int heki_transport_init(const char *name);
void heki_transport_exit(void);
#ifdef HEKI_SELFTEST
int heki_transport_test_start(const struct heki_transport *t);
#endif
const char *heki_transport_name(void);

s64 heki_vtl_result(u32 func, u64 r8);
s64 heki_vtl_call(u32 func, u64 a1, u64 a2, u64 a3);
s64 heki_call_chain(u32 func, struct heki_chain *c, u64 a3);
int heki_vtl_probe(void);
void heki_vtl_probe_counts(u64 *made, u64 *failed);
int heki_vtl_call_on_cpu(unsigned int cpu, u32 func, u64 a1, u64 a2,
			 u64 a3, s64 *result);
const char *heki_func_name(u32 func);
u32 heki_vtl_last_error(u32 func);

/**
 * struct heki_call_stats - counters for one VTL function id
 * @calls:     VTL calls made (including failed ones)
 * @errors:    calls that returned a negative value
 * @malformed: calls whose R8 the ABI does not define (made -EPROTO)
 * @refused:   calls not made: the chain failed to build, was empty, or
 *             no transport was running (the caller got an error)
 * @last_ret:  value returned by the most recent call
 * @ranges:    heki_ranges sent in chains (heki_call_chain only)
 * @pages:     heki_pages sent in chains
 * @total_ns:  time spent inside the transport, summed
 */
struct heki_call_stats {
	u64 calls;
	u64 errors;
	u64 malformed;
	u64 refused;
	s64 last_ret;
	u64 ranges;
	u64 pages;
	u64 total_ns;
};

/* Stats slots: one per known function id, then one for "other". */
unsigned int heki_stats_nslots(void);
u32 heki_stats_slot_func(unsigned int slot);
void heki_stats_get(unsigned int slot, struct heki_call_stats *out);
void heki_stats_reset(void);

/* ------------------------------------------------------------------ */
/* Hyper-V transport (hyperv.c)                                        */
/* ------------------------------------------------------------------ */

/*
 * heki_hyperv_probe() - detect VSM and the VTL1 handshake without
 * making any VTL call. 0 when usable, -ENODEV when not on Hyper-V or
 * VSM/VTL1 is missing, -EPERM when the handshake (module parameter
 * vtl1_ready=1) was not given. Safe to call anywhere (no side effects).
 */
int heki_hyperv_probe(void);

/* The detection's decisions on the values read (NULL = acceptable). */
const char *heki_hv_privileges_reason(u32 features, u32 priv_high);
const char *heki_hv_partition_reason(u64 part);
const char *heki_hv_vp_reason(u64 st);
u32 heki_hv_call_offset(u64 offsets);
const char *heki_hv_offsets_reason(u64 offsets);
const char *heki_hv_ibt_reason(bool ibt, u32 entry);

/* ------------------------------------------------------------------ */
/* Loopback transport (loopback.c, loopback_crypto.c)                  */
/* ------------------------------------------------------------------ */

/*
 * The loopback exists in the test build (heki_vtl0_test.ko, HEKI_TEST_BUILD),
 * the self-test module (HEKI_SELFTEST) and, as the in-kernel VTL1, in the
 * would-fault detector (HEKI_WOULDFAULT) and the emulated hypervisor
 * (tests/hvemu, HEKI_HVEMU) only. The production
 * heki_vtl0.ko gets the inline answers below: no loopback is running, it
 * holds no allocation and has nothing to show.
 */
#if defined(HEKI_TEST_BUILD) || defined(HEKI_SELFTEST) || \
	defined(HEKI_WOULDFAULT) || defined(HEKI_HVEMU)
#define HEKI_HAS_LOOPBACK 1
#endif

/**
 * struct heki_lb_prot - one recorded VTL0 protection (loopback only)
 * @gpa:     first guest physical address (page-aligned)
 * @npages:  number of 4 KiB pages
 * @prot:    hv page protection bits (R=1, W=2, KX=4, UX=8)
 */
struct heki_lb_prot {
	u64 gpa;
	u64 npages;
	u32 prot;
};

#ifdef HEKI_HAS_LOOPBACK
extern const struct heki_transport heki_transport_loopback;

/**
 * enum heki_vp_reg - VTL0 registers of one VP as VTL1 sees them
 * @HEKI_VP_CR0: CR0
 * @HEKI_VP_CR4: CR4
 * @HEKI_VP_EFER: IA32_EFER
 * @HEKI_VP_APIC_BASE: IA32_APIC_BASE
 * @HEKI_VP_SYSENTER_CS: IA32_SYSENTER_CS
 * @HEKI_VP_SYSENTER_EIP: IA32_SYSENTER_EIP
 * @HEKI_VP_SYSENTER_ESP: IA32_SYSENTER_ESP
 * @HEKI_VP_STAR: STAR
 * @HEKI_VP_LSTAR: LSTAR
 * @HEKI_VP_CSTAR: CSTAR
 * @HEKI_VP_SFMASK: SFMASK
 * @HEKI_VP_GDTR_BASE: GDTR base
 * @HEKI_VP_GDTR_LIMIT: GDTR limit
 * @HEKI_VP_IDTR_BASE: IDTR base
 * @HEKI_VP_IDTR_LIMIT: IDTR limit
 * @HEKI_VP_TR: TR selector
 * @HEKI_VP_LDTR: LDTR selector
 * @HEKI_VP_NREGS: number of registers
 */
enum heki_vp_reg {
	HEKI_VP_CR0,
	HEKI_VP_CR4,
	HEKI_VP_EFER,
	HEKI_VP_APIC_BASE,
	HEKI_VP_SYSENTER_CS,
	HEKI_VP_SYSENTER_EIP,
	HEKI_VP_SYSENTER_ESP,
	HEKI_VP_STAR,
	HEKI_VP_LSTAR,
	HEKI_VP_CSTAR,
	HEKI_VP_SFMASK,
	HEKI_VP_GDTR_BASE,
	HEKI_VP_GDTR_LIMIT,
	HEKI_VP_IDTR_BASE,
	HEKI_VP_IDTR_LIMIT,
	HEKI_VP_TR,
	HEKI_VP_LDTR,
	HEKI_VP_NREGS
};

/**
 * struct heki_lb_vp - the VP that makes a VTL call (loopback VTL1)
 * @cpu: its CPU number (the VP index)
 * @valid: bit N set when @reg[N] could be read
 * @reg: VTL0 register values, indexed by enum heki_vp_reg, captured on
 *	@cpu when the call was made
 */
struct heki_lb_vp {
	unsigned int cpu;
	u32 valid;
	u64 reg[HEKI_VP_NREGS];
};

void heki_lb_vp_capture(struct heki_lb_vp *vp);
s64 heki_loopback_call_vp(const struct heki_lb_vp *vp, u32 func, u64 a1,
			  u64 a2, u64 a3);
bool heki_loopback_active(void);
int heki_loopback_vtl1_range(u64 *pa, u64 *size);
int heki_loopback_prot_lookup(u64 gpa, u32 *prot);
struct heki_vtl1_frame_info;
int heki_loopback_frame_info(u64 pfn, struct heki_vtl1_frame_info *out);
unsigned long heki_loopback_prot_count(void);
unsigned long heki_loopback_prot_snapshot(struct heki_lb_prot *out,
					  unsigned long max);
long heki_loopback_live_allocs(void);
void heki_prot_str(u32 prot, char *s);
void heki_loopback_show_protections(struct seq_file *m);
void heki_loopback_show_state(struct seq_file *m);

/* Kernel crypto provider for the VTL1 library (loopback_crypto.c). */
struct heki_vtl1_crypto;
extern const struct heki_vtl1_crypto heki_loopback_crypto;
long heki_loopback_crypto_live_keyrings(void);
#else
static inline bool heki_loopback_active(void)
{
	return false;
}

static inline long heki_loopback_live_allocs(void)
{
	return 0;
}

static inline long heki_loopback_crypto_live_keyrings(void)
{
	return 0;
}
#endif

#ifdef HEKI_TEST_BUILD
struct module;
void heki_loopback_show_protected_free(struct seq_file *m);
void heki_loopback_show_module(struct seq_file *m, const struct module *mod);
/* Kernel-executable pages and VTL1's view of their frames (xframes.c). */
int heki_xframes_show(struct seq_file *m);
#endif

#ifdef HEKI_SELFTEST
/* Self-test build only: drive modify_vtl_protection directly. */
int heki_loopback_test_set_prot(u64 gpa, u64 npages, u32 prot);
#endif

/* ------------------------------------------------------------------ */
/* debugfs (debugfs.c)                                                 */
/* ------------------------------------------------------------------ */

int heki_debugfs_init(void);
void heki_debugfs_exit(void);

/* ------------------------------------------------------------------ */
/* sysfs (sysfs.c): /sys/kernel/heki/                                  */
/* ------------------------------------------------------------------ */

struct attribute_group;

int heki_sysfs_init(const struct attribute_group **groups);
void heki_sysfs_exit(void);

/*
 * HEKI_SYSFS_ATTR(prefix, name, fmt, args...) - a read-only attribute
 * "name" printing args with fmt; defines prefix_name_attr for a group.
 */
#define HEKI_SYSFS_ATTR(prefix, name, fmt, ...)				\
static ssize_t prefix##_##name##_show(struct kobject *kobj,		\
				      struct kobj_attribute *a,		\
				      char *buf)			\
{									\
	return sysfs_emit(buf, fmt "\n", __VA_ARGS__);			\
}									\
static struct kobj_attribute prefix##_##name##_attr =			\
	__ATTR(name, 0444, prefix##_##name##_show, NULL)

#endif /* _KMOD_HEKI_VTL0_H */

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * vtl1-consumer.c - a small freestanding VTL1 firmware built from the
 * installed libheki-vtl1-dev alone (tests/pkg/vtl1-dev.sh): compiled with
 * -ffreestanding -nostdinc and `pkg-config --cflags heki-vtl1`, linked with
 * -nostdlib -static and `pkg-config --libs heki-vtl1`. It has no libc: its
 * own _start, memory functions and raw write/exit system calls, so it runs
 * as a static program on the build machine.
 *
 * It hands the library a fake VTL0 memory and checks what VTL1 answers:
 * an unknown function, a PROTECT_MEMORY chain (protection applied to the
 * exact frames, owner recorded), a chain touching VTL1's own memory and a
 * range count that disagrees with the chain (both refused, nothing
 * applied), end of boot (then PROTECT_MEMORY refused). Prints `ok N NAME`
 * or `not ok N NAME` per check; exit status = failures.
 */
#include <heki/abi.h>
#include <heki_vtl1.h>

#define PAGE		4096ULL
#define NPAGES		32ULL
#define GPA_BASE	0x200000ULL
#define VTL1_PAGE	(GPA_BASE + 16 * PAGE)	/* VTL1 owns this frame */

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void _start(void);

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;

	while (n--)
		*dp++ = (unsigned char)c;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp < sp)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *ap = a, *bp = b;

	for (; n; n--, ap++, bp++)
		if (*ap != *bp)
			return *ap - *bp;
	return 0;
}

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static void out(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	sys3(1, 1, (long)s, (long)n);	/* write(1, s, n) */
}

static void out_num(unsigned long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out(&buf[i]);
}

static unsigned int ntest, nfail;

static void check(int ok, const char *name)
{
	ntest++;
	if (!ok) {
		nfail++;
		out("not ");
	}
	out("ok ");
	out_num(ntest);
	out(" ");
	out(name);
	out("\n");
}

/* The fake VTL0 memory and what VTL1 did to it. */
static unsigned char vtl0[NPAGES * PAGE] __attribute__((aligned(4096)));
static unsigned int nprot;
static __u64 last_gpa, last_npages;
static hv_page_prot_t last_prot;

/* A bump allocator over a static arena: zeroed memory, free is a no-op. */
static unsigned char arena[4 << 20] __attribute__((aligned(64)));
static __u64 arena_used;

static int in_vtl0(heki_gpa_t gpa, __u64 len)
{
	__u64 a = heki_gpa_val(gpa);

	return a >= GPA_BASE && len <= NPAGES * PAGE && a - GPA_BASE <= NPAGES * PAGE - len;
}

static int p_copy_from(void *ctx, void *dst, heki_gpa_t src, __u64 len)
{
	if (!in_vtl0(src, len))
		return -1;
	memcpy(dst, vtl0 + (heki_gpa_val(src) - GPA_BASE), len);
	return 0;
}

static int p_copy_to(void *ctx, heki_gpa_t dst, const void *src, __u64 len)
{
	if (!in_vtl0(dst, len))
		return -1;
	memcpy(vtl0 + (heki_gpa_val(dst) - GPA_BASE), src, len);
	return 0;
}

static hv_status_t p_modify(void *ctx, heki_gpa_t gpa, __u64 npages,
			    hv_page_prot_t prot)
{
	nprot++;
	last_gpa = heki_gpa_val(gpa);
	last_npages = npages;
	last_prot = prot;
	return HV_STATUS_SUCCESS;
}

static hv_status_t p_getreg(void *ctx, __u32 name, __u64 *value)
{
	*value = 0;
	return HV_STATUS_SUCCESS;
}

static hv_status_t p_setreg(void *ctx, __u32 name, __u64 value)
{
	return HV_STATUS_SUCCESS;
}

static hv_status_t p_enable_vp(void *ctx, __u32 vp)
{
	return HV_STATUS_SUCCESS;
}

static void *p_alloc(void *ctx, __u64 size)
{
	__u64 at = (arena_used + 63) & ~63ULL;

	if (size > sizeof(arena) || at > sizeof(arena) - size)
		return NULL;
	arena_used = at + size;
	memset(arena + at, 0, size);
	return arena + at;
}

static void p_free(void *ctx, void *p) { }
static void p_lock(void *ctx) { }
static void p_unlock(void *ctx) { }
static void p_log(void *ctx, int level, const char *fmt, ...) { }

/* No signature is verified here: every crypto callback refuses. */
static int c_kr_create(void *ctx, void **kr) { return -HEKI_VSM_ERR_NO_MEMORY; }
static int c_kr_add(void *ctx, void *kr, const __u8 *der, __u64 len) { return -1; }
static void c_kr_destroy(void *ctx, void *kr) { }
static int c_verify(void *ctx, void *kr, const __u8 *d, __u64 l, const __u8 *p7,
		    __u64 p7l) { return -1; }
static int c_digest(void *ctx, __u32 alg, const __u8 *d, __u64 l, __u8 *o,
		    __u32 ol) { return -1; }
static int c_find(void *ctx, void *kr, const __u8 *i, __u32 il, const __u8 *s,
		  __u32 sl, __u32 *pos, void **cert) { return -1; }
static int c_rsa(void *ctx, void *cert, __u32 alg, const __u8 *d, __u32 dl,
		 const __u8 *sig, __u32 sl) { return -1; }

static const struct heki_vtl1_crypto crypto = {
	.keyring_create = c_kr_create, .keyring_add_cert = c_kr_add,
	.keyring_destroy = c_kr_destroy, .verify_pkcs7 = c_verify,
	.digest = c_digest, .find_cert = c_find, .rsa_pkcs1_verify = c_rsa,
};

static const struct heki_vtl1_phys_range vtl1_own = { VTL1_PAGE, PAGE };

/* One heki_page at the start of VTL0 memory holding one range. */
static __u64 chain(__u64 pa, __u64 epa, __u64 attr)
{
	struct heki_page *pg = (struct heki_page *)vtl0;

	memset(pg, 0, sizeof(*pg));
	pg->nranges = 1;
	pg->ranges[0].va = 0xffffffff81000000ULL;
	pg->ranges[0].pa = pa;
	pg->ranges[0].epa = epa;
	pg->ranges[0].attributes = attr;
	return GPA_BASE;
}

static __s64 call(struct heki_vtl1 *v, __u32 id, __u64 a1, __u64 a2)
{
	return heki_vtl1_dispatch(v, id, a1, a2, 0);
}

static void run(void)
{
	const __u64 rx = heki_mem_attr_raw(MEM_ATTR_READ | MEM_ATTR_EXEC);
	const __u32 protect = VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE;
	struct heki_vtl1_platform p = {
		.copy_from_vtl0 = p_copy_from, .copy_to_vtl0 = p_copy_to,
		.modify_vtl_protection = p_modify, .get_vtl0_register = p_getreg,
		.set_intercept_register = p_setreg, .enable_vp_vtl = p_enable_vp,
		.vtl1_ranges = &vtl1_own, .nr_vtl1_ranges = 1,
		.alloc = p_alloc, .free = p_free, .lock = p_lock,
		.unlock = p_unlock, .log = p_log, .crypto = &crypto,
	};
	struct heki_vtl1_frame_info fi;
	struct heki_vtl1 *v = NULL;
	unsigned int before;

	check(heki_vtl1_create(&p, &v) == 0 && v, "create_instance");
	if (!v)
		return;
	check(call(v, 0x48454B49, 0, 0) == -HEKI_EINVAL, "unknown_function_is_einval");

	check(call(v, protect, chain(GPA_BASE + PAGE, GPA_BASE + 3 * PAGE, rx), 1) == 0,
	      "protect_memory_accepted");
	check(nprot == 1 && last_gpa == GPA_BASE + PAGE && last_npages == 2 &&
	      last_prot == heki_mem_attr_to_hv_page_prot(MEM_ATTR_READ | MEM_ATTR_EXEC),
	      "protection_applied_to_exact_frames");
	heki_vtl1_get_frame_info(v, (GPA_BASE + PAGE) / PAGE, &fi);
	check(fi.owner == HEKI_VTL1_OWNER_KERNEL && fi.tracked, "frame_owned_by_kernel");
	heki_vtl1_get_frame_info(v, (GPA_BASE + 3 * PAGE) / PAGE, &fi);
	check(fi.owner == HEKI_VTL1_OWNER_NONE && !fi.tracked, "next_frame_untouched");

	before = nprot;
	check(call(v, protect, chain(VTL1_PAGE, VTL1_PAGE + PAGE, rx), 1) < 0 &&
	      nprot == before, "range_in_vtl1_memory_refused");
	check(call(v, protect, chain(GPA_BASE + 4 * PAGE, GPA_BASE + 5 * PAGE, rx), 2) < 0 &&
	      nprot == before, "range_count_mismatch_refused");

	check(call(v, VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE, 0, 0) == 0 &&
	      heki_vtl1_end_of_boot(v) == 1, "end_of_boot");
	check(call(v, protect, chain(GPA_BASE + 6 * PAGE, GPA_BASE + 7 * PAGE, rx), 1) ==
	      -HEKI_EPERM && nprot == before, "protect_after_end_of_boot_eperm");
	heki_vtl1_destroy(v);
}

__attribute__((force_align_arg_pointer, noreturn)) void _start(void)
{
	run();
	out_num(ntest - nfail);
	out(" passed, ");
	out_num(nfail);
	out(" failed\n");
	for (;;)
		sys3(60, nfail, 0, 0);	/* exit(nfail) */
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * guest.c - the simulated VTL0 guest (see guest.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "guest.h"

static void event(struct guest *g, int kind, __u64 pa, __u64 len)
{
	if (g->nr_ev < GUEST_MAX_EVENTS) {
		g->ev[g->nr_ev].kind = kind;
		g->ev[g->nr_ev].pa = pa;
		g->ev[g->nr_ev].len = len;
		g->nr_ev++;
	}
}

int guest_event_index(const struct guest *g, int kind, __u64 pa)
{
	int i;

	for (i = 0; i < g->nr_ev; i++)
		if (g->ev[i].kind == kind && g->ev[i].pa <= pa &&
		    pa - g->ev[i].pa < (g->ev[i].len ? g->ev[i].len : 1))
			return i;
	return -1;
}

static int in_guest(__u64 pa, __u64 len)
{
	return pa <= GUEST_MEM_SIZE && len <= GUEST_MEM_SIZE - pa;
}

static int g_copy_from(void *ctx, void *dst, heki_gpa_t src, __u64 len)
{
	struct guest *g = ctx;
	__u64 pa = heki_gpa_val(src);

	event(g, GUEST_EV_COPY_FROM, pa, len);
	if (!in_guest(pa, len))
		return -1;
	if (pa < g->fail_read_hi && g->fail_read_lo < pa + len)
		return -1;
	/* The library must never ask for VTL1 memory. */
	if (pa < g->vtl1.pa + g->vtl1.size && g->vtl1.pa < pa + len)
		abort();
	memcpy(dst, g->mem + pa, len);
	return 0;
}

static int g_copy_to(void *ctx, heki_gpa_t dst, const void *src, __u64 len)
{
	struct guest *g = ctx;
	__u64 pa = heki_gpa_val(dst);

	event(g, GUEST_EV_COPY_TO, pa, len);
	if (g->oracle)
		oracle_on_write(g, pa, src, len);
	if (!in_guest(pa, len) || g->fail_copy_to)
		return -1;
	if (pa < g->fail_write_hi && g->fail_write_lo < pa + len)
		return -1;
	if (g->fail_copy_to_nth > 0 && !--g->fail_copy_to_nth)
		return -1;
	if (pa < g->vtl1.pa + g->vtl1.size && g->vtl1.pa < pa + len)
		abort();
	memcpy(g->mem + pa, src, len);
	return 0;
}

static hv_status_t g_modify(void *ctx, heki_gpa_t gpa, __u64 npages,
			    hv_page_prot_t prot)
{
	struct guest *g = ctx;
	__u64 pa = heki_gpa_val(gpa), i;

	event(g, GUEST_EV_MODIFY, pa, npages << HEKI_PAGE_SHIFT);
	g->nr_modify++;
	if (g->fail_modify_at && g->nr_modify == g->fail_modify_at)
		return HV_STATUS_ACCESS_DENIED;
	if (!npages || pa & (HEKI_PAGE_SIZE - 1))
		abort();
	/* Frames beyond guest RAM are accepted and not recorded. */
	for (i = 0; i < npages && (pa >> HEKI_PAGE_SHIFT) + i < GUEST_FRAMES; i++)
		g->prot[(pa >> HEKI_PAGE_SHIFT) + i] = (__u8)(__force __u32)prot;
	if (g->oracle)
		oracle_on_modify(g, pa >> HEKI_PAGE_SHIFT, npages,
				 (__u8)(__force __u32)prot);
	return HV_STATUS_SUCCESS;
}

static hv_status_t g_get_reg(void *ctx, __u32 name, __u64 *value)
{
	struct guest *g = ctx;

	if (g->fail_get_reg)
		return HV_STATUS_INVALID_PARAMETER;
	*value = 0x1000ULL + name;
	return HV_STATUS_SUCCESS;
}

static hv_status_t g_set_reg(void *ctx, __u32 name, __u64 value)
{
	struct guest *g = ctx;

	if (g->fail_set_reg)
		return HV_STATUS_ACCESS_DENIED;
	if (g->nr_set_regs < GUEST_MAX_SET_REGS) {
		g->set_reg_name[g->nr_set_regs] = name;
		g->set_reg_value[g->nr_set_regs++] = value;
	}
	return HV_STATUS_SUCCESS;
}

static hv_status_t g_enable_vp(void *ctx, __u32 vp)
{
	struct guest *g = ctx;

	g->nr_enable_calls++;
	if (vp >= HEKI_VTL1_MAX_VPS || (g->fail_vp && vp == g->fail_vp))
		return HV_STATUS_INVALID_VP_INDEX;
	if (g->vp_enabled[vp])
		return HV_STATUS_VTL_ALREADY_ENABLED;
	g->vp_enabled[vp] = 1;
	return HV_STATUS_SUCCESS;
}

static void *g_alloc(void *ctx, __u64 size)
{
	struct guest *g = ctx;
	void *p;

	if (g->alloc_fail_after >= 0 && g->nr_alloc >= g->alloc_fail_after)
		return NULL;
	/* Sizes are bounded by the library's limits: never above 1 GiB. */
	if (size > (1ULL << 30))
		abort();
	p = calloc(1, size);
	if (p) {
		g->nr_alloc++;
		g->live_alloc++;
	}
	return p;
}

/*
 * Unzeroed memory: filled with 0xa5 (so a read of a byte the library did
 * not write shows) unless uninit_raw; counted and failed like g_alloc.
 */
static void *g_alloc_uninit(void *ctx, __u64 size)
{
	struct guest *g = ctx;
	void *p;

	if (g->alloc_fail_after >= 0 && g->nr_alloc >= g->alloc_fail_after)
		return NULL;
	if (size > (1ULL << 30))
		abort();
	p = malloc(size);
	if (p) {
		if (!g->uninit_raw)
			memset(p, 0xa5, size);
		g->nr_alloc++;
		g->live_alloc++;
	}
	return p;
}

static void g_free(void *ctx, void *ptr)
{
	struct guest *g = ctx;

	if (ptr)
		g->live_alloc--;
	free(ptr);
}

static void g_lock(void *ctx)
{
	struct guest *g = ctx;

	if (g->locked)
		abort();
	g->locked = 1;
	g->lock_calls++;
}

static void g_unlock(void *ctx)
{
	struct guest *g = ctx;

	if (!g->locked)
		abort();
	g->locked = 0;
	g->unlock_calls++;
}

static void g_log(void *ctx, int level, const char *fmt, ...)
{
	struct guest *g = ctx;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->last_log, sizeof(g->last_log), fmt, ap);
	va_end(ap);
	if (g->verbose && !g->quiet)
		fprintf(stderr, "[%d] %s", level, g->last_log);
}

/* ---- test crypto provider ------------------------------------------- */

struct keyring {
	__u32 n;
	__u8 keyid[256];
};

static __u32 fnv32(const __u8 *p, __u64 len)
{
	__u32 h = 2166136261u;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static int c_kr_create(void *ctx, void **kr)
{
	*kr = calloc(1, sizeof(struct keyring));
	return *kr ? 0 : -HEKI_VSM_ERR_NO_MEMORY;
}

/*
 * The key id is byte 4 of a guest_make_cert() certificate, byte 7 (the
 * first inside the TBS) of a guest_make_cert_tbs() one, byte 9 (the
 * serial, after 02 01) of a guest_make_cert_key() one.
 */
static int c_kr_add(void *ctx, void *kr, const __u8 *der, __u64 len)
{
	struct keyring *k = kr;
	__u8 id;

	if (len < 5 || der[4] == 0xEE)
		return -HEKI_VSM_ERR_CERTIFICATE_PARSE_FAILED;
	id = der[4] == 0x30 && len > 7 ? der[7] : der[4];
	if (der[4] == 0x30 && len > 9 && der[7] == 0x02 && der[8] == 0x01)
		id = der[9];
	if (k->n < sizeof(k->keyid))
		k->keyid[k->n++] = id;
	return 0;
}

/* Not a hash: the FNV-1a of @data spread over the digest size of @alg. */
static int c_digest(void *ctx, __u32 alg, const __u8 *data, __u64 len,
		    __u8 *out, __u32 outlen)
{
	__u32 size = heki_vtl1_hash_size(alg), h = fnv32(data, len), i;

	if (!size)
		return -HEKI_VSM_ERR_SIG_UNSUPPORTED;
	if (outlen < size)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	for (i = 0; i < size; i++)
		out[i] = (__u8)((h >> (8 * (i % 4))) ^ (i * 13) ^ (alg * 31));
	return (int)size;
}

static void c_kr_destroy(void *ctx, void *kr)
{
	free(kr);
}

static int c_verify(void *ctx, void *kr, const __u8 *data, __u64 len,
		    const __u8 *p7, __u64 p7len)
{
	struct keyring *k = kr;
	__u32 h;
	__u32 i;

	if (p7len != 9 || memcmp(p7, "SIGN", 4))
		return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	memcpy(&h, p7 + 4, 4);
	if (h != fnv32(data, len))
		return -HEKI_VSM_ERR_SIG_KEY_REJECTED;
	for (i = 0; i < k->n; i++)
		if (k->keyid[i] == p7[8])
			return 0;
	return -HEKI_VSM_ERR_SIG_KEY_REJECTED;
}

__u64 guest_make_cert(__u8 *buf, __u8 keyid)
{
	buf[0] = 0x30;
	buf[1] = 0x82;
	buf[2] = 0x01;
	buf[3] = 0x00;
	memset(buf + 4, 0x5A, 0x100);
	buf[4] = keyid;
	return 0x104;
}

/*
 * A certificate whose TBS is a SEQUENCE (what heki_cert_tbs_blocked()
 * hashes): 30 82 01 00, then 30 81 fd and the key id.
 */
__u64 guest_make_cert_tbs(__u8 *buf, __u8 keyid)
{
	__u64 len = guest_make_cert(buf, keyid);

	memcpy(buf + 4, "\x30\x81\xfd", 3);
	buf[7] = keyid;
	return len;
}

/*
 * A certificate whose TBS has the fields heki_cert_spki() walks to: 30 82
 * 01 00, 30 81 fd, serial 02 01 <keyid>, four empty SEQUENCEs, then a
 * subjectPublicKeyInfo SEQUENCE of 239 bytes @key (the public key: two
 * certificates with the same @key have the same one).
 */
__u64 guest_make_cert_key(__u8 *buf, __u8 keyid, __u8 key)
{
	__u64 len = guest_make_cert(buf, keyid);

	memcpy(buf + 4, "\x30\x81\xfd\x02\x01", 5);
	buf[9] = keyid;
	memcpy(buf + 10, "\x30\x00\x30\x00\x30\x00\x30\x00\x30\x81\xef", 11);
	memset(buf + 21, key, 0x104 - 21);
	return len;
}

/* Append "SIGN" + checksum + keyid, the trailer and the magic. */
__u64 guest_sign(__u8 *buf, __u64 data_len, __u8 keyid)
{
	struct heki_module_signature s;
	__u32 h = fnv32(buf, data_len);
	__u64 off = data_len;

	memcpy(buf + off, "SIGN", 4);
	memcpy(buf + off + 4, &h, 4);
	buf[off + 8] = keyid;
	off += 9;
	memset(&s, 0, sizeof(s));
	s.id_type = HEKI_PKEY_ID_PKCS7;
	heki_module_signature_set_sig_len(&s, 9);
	memcpy(buf + off, &s, sizeof(s));
	off += sizeof(s);
	memcpy(buf + off, HEKI_MODULE_SIG_MAGIC, HEKI_MODULE_SIG_MAGIC_LEN);
	return off + HEKI_MODULE_SIG_MAGIC_LEN;
}

/* ---- guest life cycle ------------------------------------------------ */

/*
 * Guest memory: zero pages from the kernel between two inaccessible
 * pages (an access next to it faults, as ASan's redzones would catch),
 * outside the heap, so that LeakSanitizer does not scan hundreds of MiB
 * for pointers at every leak check (fuzz_dispatch's 448 MiB guest).
 */
static __u8 *guest_mem_map(void)
{
	__u8 *m = mmap(NULL, GUEST_MEM_SIZE + 2 * HEKI_PAGE_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED ||
	    mprotect(m + HEKI_PAGE_SIZE, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE))
		abort();
	return m + HEKI_PAGE_SIZE;
}

struct guest *guest_new(void)
{
	struct guest *g = calloc(1, sizeof(*g));

	if (!g)
		abort();
	g->mem = guest_mem_map();
	memset(g->prot, 0xF, sizeof(g->prot));
	g->alloc_fail_after = -1;
	g->verbose = getenv("VTL1_TEST_VERBOSE") != NULL;
	g->vtl1.pa = GUEST_VTL1_PA;
	g->vtl1.size = GUEST_VTL1_SIZE;
	g->crypto.ctx = g;
	g->crypto.keyring_create = c_kr_create;
	g->crypto.keyring_add_cert = c_kr_add;
	g->crypto.keyring_destroy = c_kr_destroy;
	g->crypto.verify_pkcs7 = c_verify;
	g->crypto.digest = c_digest;
	g->plat.ctx = g;
	g->plat.copy_from_vtl0 = g_copy_from;
	g->plat.copy_to_vtl0 = g_copy_to;
	g->plat.modify_vtl_protection = g_modify;
	g->plat.get_vtl0_register = g_get_reg;
	g->plat.set_intercept_register = g_set_reg;
	g->plat.enable_vp_vtl = g_enable_vp;
	g->plat.vtl1_ranges = &g->vtl1;
	g->plat.nr_vtl1_ranges = 1;
	g->plat.alloc = g_alloc;
	g->plat.alloc_uninit = g_alloc_uninit;
	g->plat.free = g_free;
	g->plat.lock = g_lock;
	g->plat.unlock = g_unlock;
	g->plat.log = g_log;
	g->plat.crypto = &g->crypto;
	g->oracle = oracle_new(g);
	if (heki_vtl1_create(&g->plat, &g->v))
		abort();
	return g;
}

void guest_free(struct guest *g)
{
	if (!g)
		return;
	heki_vtl1_destroy(g->v);
	if (g->live_alloc)
		fprintf(stderr, "guest: %ld VTL1 allocations leaked\n",
			g->live_alloc);
	oracle_free(g->oracle);
	munmap(g->mem - HEKI_PAGE_SIZE, GUEST_MEM_SIZE + 2 * HEKI_PAGE_SIZE);
	free(g);
}

/* ---- every result against HEKI_VTL_CALL_ERRNOS (uapi/heki/results.h) -- */

/**
 * struct call_errno - one row of the per-call table
 * @id: function ID
 * @idx: its position in VSM_VTL_CALL_FUNC_LIST
 * @err: errno
 * @func: function name
 * @name: errno name
 * @heki: 1 if our VTL1 may return it (the LiteBox-only rows are 0)
 */
struct call_errno {
	__u32 id;
	__u32 idx;
	int err;
	const char *func;
	const char *name;
	int heki;
};

#define CALL_ERRNO_ROW_(f, e, heki, litebox)				\
	{ VSM_VTL_CALL_FUNC_ID_##f##_VALUE, VSM_VTL_CALL_FUNC_INDEX_##f,	\
	  HEKI_##e, #f, #e, heki },
static const struct call_errno call_errnos[] = {
	HEKI_VTL_CALL_ERRNOS(CALL_ERRNO_ROW_)
};
#undef CALL_ERRNO_ROW_

#define CALL_NAME_ROW_(name, value) { value, #name },
static const struct {
	__u32 id;
	const char *name;
} call_names[] = { VSM_VTL_CALL_FUNC_LIST(CALL_NAME_ROW_) };
#undef CALL_NAME_ROW_

/* Which listed codes this process saw (HEKI_ERRNO_REACHED writes them). */
static unsigned char reached[HEKI_ARRAY_SIZE(call_errnos)];

static void write_reached(void)
{
	const char *path = getenv("HEKI_ERRNO_REACHED");
	unsigned int i;
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	for (i = 0; i < HEKI_ARRAY_SIZE(call_errnos); i++)
		if (reached[i])
			fprintf(f, "%s %s\n", call_errnos[i].func,
				call_errnos[i].name);
	fclose(f);
}

/*
 * A failed call of a known function must fail with a code the table lists
 * for it (HEKI = 1); anything else aborts the test program, so every
 * negative test and every fuzz input checks the table. Unknown function
 * IDs are the dispatcher's own -EINVAL (t_core.c tests it).
 */
static void check_call_result(const struct guest *g, __u32 id, __s64 ret)
{
	static int registered;
	const char *func = NULL;
	unsigned int i;

	if (ret >= 0)
		return;
	for (i = 0; i < HEKI_ARRAY_SIZE(call_names); i++)
		if (call_names[i].id == id)
			func = call_names[i].name;
	if (!func)
		return;
	if (!registered) {
		registered = 1;
		atexit(write_reached);
	}
	for (i = 0; i < HEKI_ARRAY_SIZE(call_errnos); i++) {
		if (call_errnos[i].id == id && call_errnos[i].heki &&
		    -ret == call_errnos[i].err) {
			reached[i] = 1;
			return;
		}
	}
	fprintf(stderr,
		"guest: %s returned %lld, not an error HEKI_VTL_CALL_ERRNOS (uapi/heki/results.h) lists for it; last VTL1 log: %s\n",
		func, (long long)ret, g->last_log);
	abort();
}

__s64 guest_call(struct guest *g, __u32 id, __u64 a0, __u64 a1, __u64 a2)
{
	__s64 ret;

	if (g->on_call)
		g->on_call(g, id, a0, a1, a2);
	if (g->oracle)
		oracle_before_call(g, id, a0, a1, a2);
	ret = heki_vtl1_dispatch(g->v, id, a0, a1, a2);
	check_call_result(g, id, ret);
	if (g->oracle)
		oracle_after_call(g, ret);
	return ret;
}

void guest_write(struct guest *g, __u64 pa, const void *src, __u64 len)
{
	const __u8 *b = src;
	__u64 n;

	if (!in_guest(pa, len))
		abort();
	if (len && pa < g->vtl1.pa + g->vtl1.size && g->vtl1.pa < pa + len)
		abort();
	/* A page at a time: fuzz_dispatch's 'K' records store megabytes. */
	while (len) {
		n = HEKI_PAGE_SIZE - (pa & (HEKI_PAGE_SIZE - 1));
		if (n > len)
			n = len;
		if (g->prot[pa >> HEKI_PAGE_SHIFT] & 0x2)
			memcpy(g->mem + pa, b, n);
		else
			g->nr_refused_stores += n;
		pa += n;
		b += n;
		len -= n;
	}
}

void guest_read(struct guest *g, __u64 pa, void *dst, __u64 len)
{
	if (!in_guest(pa, len))
		abort();
	memcpy(dst, g->mem + pa, len);
}

__u64 guest_chain(struct guest *g, __u64 page_pa, const struct heki_range *r,
		  __u32 n, __u32 per_page)
{
	__u64 pa = page_pa;
	__u32 done = 0;

	if (!per_page || per_page > HEKI_MAX_RANGES)
		per_page = HEKI_MAX_RANGES;
	while (done < n) {
		struct heki_page p;
		__u32 k = n - done < per_page ? n - done : per_page;

		memset(&p, 0, sizeof(p));
		p.nranges = k;
		memcpy(p.ranges, r + done, k * sizeof(*r));
		done += k;
		p.next_pa = done < n ? pa + HEKI_PAGE_SIZE : 0;
		p.next = 0xffff888000000000ULL + p.next_pa;
		guest_write(g, pa, &p, sizeof(p));
		pa += HEKI_PAGE_SIZE;
	}
	return page_pa;
}

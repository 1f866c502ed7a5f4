// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * oracle.c - the soundness oracle of the simulated guest (see oracle.h and
 * Documentation/security-model.rst, "The oracle").
 *
 * Its model is its own: interval maps built from the platform callbacks
 * and from each call's request as VTL0 wrote it; VTL1's records are only
 * read to be compared with that model (I5) and with themselves across a
 * failed call (I4).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "oracle.h"
#include "core/core.h"

#define O_PFN_END	(1ULL << 40)	/* frames below 2^52 */
#define O_PROT_R	0x9		/* READABLE | USER_EXECUTABLE */
#define O_PROT_W	0x2
#define O_PROT_X	0xC		/* KERNEL_ | USER_EXECUTABLE */
#define O_PROT_KX	0x4		/* KERNEL_EXECUTABLE */
#define O_PROT_RW	(O_PROT_R | O_PROT_W)
#define O_PROT_DEFAULT	0xF
#define O_MAX_SITE	16
#define O_MAX_RANGES	32768U
#define O_TOKEN_BYTE	0xDC		/* HV_SECURE_VTL_BOOT_TOKEN */

void (*oracle_fail_handler)(const char *msg);

/* ---- interval maps ---------------------------------------------------- */

/* What one frame is in a map: owner, module token, access. */
struct oval {
	__s64 id;
	__u8 owner;
	__u8 prot;
};

struct orun {
	__u64 pfn;
	__u64 n;
	struct oval v;
};

/* Sorted, disjoint runs; frames in no run have the value @dflt. */
struct omap {
	struct orun *r;
	__u32 n;
	__u32 cap;
	struct oval dflt;
};

/* One operation of a batch: paint [pfn, pfn + n) with @v; later ops win. */
struct oop {
	__u64 pfn;
	__u64 n;
	struct oval v;
	__u64 seq;
};

static int oval_eq(const struct oval *a, const struct oval *b)
{
	return a->owner == b->owner && a->id == b->id && a->prot == b->prot;
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		abort();
	return q;
}

static void omap_push(struct orun **out, __u32 *n, __u32 *cap, __u64 pfn,
		      __u64 len, const struct oval *v, const struct oval *dflt)
{
	struct orun *last = *n ? &(*out)[*n - 1] : NULL;

	if (!len || oval_eq(v, dflt))
		return;
	if (last && last->pfn + last->n == pfn && oval_eq(&last->v, v)) {
		last->n += len;
		return;
	}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*out = xrealloc(*out, sizeof(**out) * *cap);
	}
	(*out)[*n].pfn = pfn;
	(*out)[*n].n = len;
	(*out)[(*n)++].v = *v;
}

/* Value at @pfn and the first frame after it where the map may change. */
static void omap_at(const struct omap *m, __u32 *cur, __u64 pfn,
		    struct oval *v, __u64 *next)
{
	while (*cur < m->n && m->r[*cur].pfn + m->r[*cur].n <= pfn)
		(*cur)++;
	if (*cur < m->n && m->r[*cur].pfn <= pfn) {
		*v = m->r[*cur].v;
		*next = m->r[*cur].pfn + m->r[*cur].n;
	} else {
		*v = m->dflt;
		*next = *cur < m->n ? m->r[*cur].pfn : O_PFN_END;
	}
}

static struct oval omap_get(const struct omap *m, __u64 pfn)
{
	__u32 lo = 0, hi = m->n;

	while (lo < hi) {
		__u32 mid = lo + (hi - lo) / 2;

		if (m->r[mid].pfn + m->r[mid].n <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && m->r[lo].pfn <= pfn)
		return m->r[lo].v;
	return m->dflt;
}

static int op_cmp(const void *a, const void *b)
{
	const struct oop *x = a, *y = b;

	if (x->pfn != y->pfn)
		return x->pfn < y->pfn ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Max-heap of op indices by seq, for the sweep below. */
struct oheap {
	__u32 *i;
	__u32 n;
};

static void heap_push(struct oheap *h, const struct oop *ops, __u32 k)
{
	__u32 c = h->n++;

	h->i[c] = k;
	while (c) {
		__u32 p = (c - 1) / 2, t;

		if (ops[h->i[p]].seq >= ops[h->i[c]].seq)
			break;
		t = h->i[p];
		h->i[p] = h->i[c];
		h->i[c] = t;
		c = p;
	}
}

static void heap_pop(struct oheap *h, const struct oop *ops)
{
	__u32 c = 0;

	h->i[0] = h->i[--h->n];
	for (;;) {
		__u32 l = 2 * c + 1, r = l + 1, m = c, t;

		if (l < h->n && ops[h->i[l]].seq > ops[h->i[m]].seq)
			m = l;
		if (r < h->n && ops[h->i[r]].seq > ops[h->i[m]].seq)
			m = r;
		if (m == c)
			break;
		t = h->i[m];
		h->i[m] = h->i[c];
		h->i[c] = t;
		c = m;
	}
}

/*
 * Apply @n operations (in the order given: a later one wins where they
 * overlap) to @m. A sweep turns them into disjoint pieces, which are then
 * merged with the map in one pass.
 */
static void omap_apply(struct omap *m, struct oop *ops, __u32 n)
{
	struct orun *piece = NULL, *out = NULL;
	__u32 np = 0, pcap = 0, no = 0, ocap = 0, k = 0, i = 0, j;
	struct oheap h;
	__u64 pos;

	if (!n)
		return;
	for (j = 0; j < n; j++)
		ops[j].seq = j;
	qsort(ops, n, sizeof(*ops), op_cmp);
	h.i = xrealloc(NULL, sizeof(*h.i) * n);
	h.n = 0;
	pos = ops[0].pfn;
	while (k < n || h.n) {
		__u64 stop;

		if (!h.n && k < n && pos < ops[k].pfn)
			pos = ops[k].pfn;
		while (k < n && ops[k].pfn <= pos)
			heap_push(&h, ops, k++);
		while (h.n && ops[h.i[0]].pfn + ops[h.i[0]].n <= pos)
			heap_pop(&h, ops);
		if (!h.n)
			continue;
		/* The top op covers pos; stop where anything may change. */
		stop = ops[h.i[0]].pfn + ops[h.i[0]].n;
		if (k < n && ops[k].pfn < stop)
			stop = ops[k].pfn;
		for (j = 0; j < h.n; j++) {
			__u64 e = ops[h.i[j]].pfn + ops[h.i[j]].n;

			if (e > pos && e < stop)
				stop = e;
		}
		if (np && piece[np - 1].pfn + piece[np - 1].n == pos &&
		    oval_eq(&piece[np - 1].v, &ops[h.i[0]].v)) {
			piece[np - 1].n += stop - pos;
		} else {
			if (np == pcap) {
				pcap = pcap ? 2 * pcap : 64;
				piece = xrealloc(piece, sizeof(*piece) * pcap);
			}
			piece[np].pfn = pos;
			piece[np].n = stop - pos;
			piece[np++].v = ops[h.i[0]].v;
		}
		pos = stop;
	}
	free(h.i);

	/* Merge: the map outside the pieces, the pieces over it. */
	k = 0;
	pos = 0;
	for (j = 0; j <= np; j++) {
		__u64 until = j < np ? piece[j].pfn : O_PFN_END;

		while (i < m->n && m->r[i].pfn < until) {
			__u64 s = m->r[i].pfn > pos ? m->r[i].pfn : pos;
			__u64 e = m->r[i].pfn + m->r[i].n;

			if (e > until)
				e = until;
			if (e > s)
				omap_push(&out, &no, &ocap, s, e - s, &m->r[i].v,
					  &m->dflt);
			if (m->r[i].pfn + m->r[i].n > until)
				break;
			i++;
		}
		if (j == np)
			break;
		omap_push(&out, &no, &ocap, piece[j].pfn, piece[j].n,
			  &piece[j].v, &m->dflt);
		pos = piece[j].pfn + piece[j].n;
		while (i < m->n && m->r[i].pfn + m->r[i].n <= pos)
			i++;
	}
	free(piece);
	free(m->r);
	m->r = out;
	m->n = no;
	m->cap = ocap;
}

static void omap_copy(struct omap *dst, const struct omap *src)
{
	dst->r = xrealloc(dst->r, sizeof(*dst->r) * (src->n ? src->n : 1));
	if (src->n)
		memcpy(dst->r, src->r, sizeof(*src->r) * src->n);
	dst->n = src->n;
	dst->cap = src->n ? src->n : 1;
	dst->dflt = src->dflt;
}

/* ---- oracle state ----------------------------------------------------- */

/* Declared content of one guest frame. */
struct oframe {
	__u8 b[HEKI_PAGE_SIZE];
	__u8 valid[HEKI_PAGE_SIZE / 8];
	const char *why;
};

/*
 * A declared patch site. @before is the oracle's own record of the bytes
 * the site held at its last INT3 step: allowed while @held (the sequence
 * under way), and as the site's resting bytes while @resting (the step
 * that ended the sequence put them back).
 */
struct osite {
	__u64 pa[O_MAX_SITE];
	__u32 size;
	__u8 *forms;
	__u32 nforms;
	const char *why;
	__u64 va;		/* static call: VA of byte 0 */
	__u8 op;		/* static call: 0xe8 / 0xe9, else 0 */
	int written;		/* a successful call wrote it */
	int held;
	int resting;
	__u8 before[O_MAX_SITE];
};

struct omod_range {
	__u64 pfn;
	__u64 n;
	__u32 type;
	int released;
	__u64 va;		/* VA of its first byte, as validated */
	__u64 len;		/* bytes */
};

/* A VA span of module text VTL1 released (I6). */
struct ospan {
	__u64 va;
	__u64 len;
	__s64 token;
};

struct omod {
	__s64 token;
	struct omod_range *r;
	__u32 nr;
};

struct owrite {
	__u64 pa;
	__u32 len;
	__u8 *old;
};

/* What a failed call must leave as it was (I4). */
struct ostate {
	struct vtl1_prot_ent *map;
	__u32 map_n;
	__u32 nr_mods;
	__s64 next_token;
	__u32 nr_sites;
	void *keyring;
	__u32 nr_certs;
	__u32 kdata_loaded;
	__u64 ringbuf_pa;
	__u64 ringbuf_size;
};

struct oracle {
	struct guest *g;
	struct omap expected;		/* owner, token, access per frame */
	struct omap applied;		/* access set through the platform */
	struct oop *pending;		/* modify callbacks of this call */
	__u32 npending, pcap;
	struct oframe **fr;		/* declared content, per guest frame */
	__u64 fr_hi;			/* frames below have had a record */
	struct osite *site;
	__u32 nsite, scap;
	struct omod *mod;
	__u32 nmod;
	struct ospan *gone;		/* released module text (I6) */
	__u32 ngone, gcap;
	__s64 next_token;
	int eob;
	int strict;
	oracle_replay_fn *replay;
	void *replay_arg;

	/* the call in progress */
	int in_call;
	__u32 id;
	__u64 a[3];
	struct heki_range *req;		/* its chain, as VTL0 wrote it */
	__u32 nreq;
	int req_ok;
	__u8 cpu_mask[16];
	struct owrite *wr;
	__u32 nwr, wcap;
	struct ostate before;
	struct omap applied_before;

	unsigned int expect_mask;
	unsigned int seen[ORACLE_NR_INV];
	unsigned long calls;
	unsigned long unreplayed;
	char last[512];
};

static struct oracle *O(struct guest *g)
{
	return g->oracle;
}

static void violation(struct oracle *o, enum oracle_inv inv,
		      const char *fmt, ...) HEKI_VTL1_PRINTF(3, 4);

static void violation(struct oracle *o, enum oracle_inv inv,
		      const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(o->last, sizeof(o->last), "oracle: I%d: call %x(%llx, %llx, %llx): %s",
		 inv, o->id, (unsigned long long)o->a[0],
		 (unsigned long long)o->a[1], (unsigned long long)o->a[2],
		 msg);
	if (o->expect_mask & (1U << inv)) {
		o->seen[inv]++;
		return;
	}
	if (oracle_fail_handler) {
		oracle_fail_handler(o->last);
		return;
	}
	fprintf(stderr, "%s\n", o->last);
	abort();
}

struct oracle *oracle_new(struct guest *g)
{
	struct oracle *o = calloc(1, sizeof(*o));

	if (!o)
		abort();
	o->g = g;
	o->fr = calloc(GUEST_FRAMES, sizeof(*o->fr));
	if (!o->fr)
		abort();
	o->expected.dflt.prot = O_PROT_DEFAULT;
	o->applied.dflt.prot = O_PROT_DEFAULT;
	o->applied_before.dflt.prot = O_PROT_DEFAULT;
	return o;
}

static void drop_frame(struct oracle *o, __u64 pfn)
{
	if (pfn < GUEST_FRAMES) {
		free(o->fr[pfn]);
		o->fr[pfn] = NULL;
	}
}

static void drop_model(struct oracle *o)
{
	__u32 i;

	for (i = 0; i < o->fr_hi; i++)
		drop_frame(o, i);
	o->fr_hi = 0;
	for (i = 0; i < o->nsite; i++)
		free(o->site[i].forms);
	free(o->site);
	o->site = NULL;
	o->nsite = o->scap = 0;
	for (i = 0; i < o->nmod; i++)
		free(o->mod[i].r);
	free(o->mod);
	o->mod = NULL;
	o->nmod = 0;
	free(o->gone);
	o->gone = NULL;
	o->ngone = o->gcap = 0;
	free(o->expected.r);
	free(o->applied.r);
	memset(&o->expected, 0, sizeof(o->expected));
	memset(&o->applied, 0, sizeof(o->applied));
	o->expected.dflt.prot = O_PROT_DEFAULT;
	o->applied.dflt.prot = O_PROT_DEFAULT;
	o->next_token = 0;
	o->eob = 0;
	o->npending = 0;
}

void oracle_reset(struct guest *g)
{
	drop_model(O(g));
}

void oracle_free(struct oracle *o)
{
	if (!o)
		return;
	drop_model(o);
	while (o->nwr)
		free(o->wr[--o->nwr].old);
	free(o->fr);
	free(o->pending);
	free(o->req);
	free(o->wr);
	free(o->before.map);
	free(o->applied_before.r);
	free(o);
}

void oracle_strict(struct guest *g, int strict)
{
	O(g)->strict = strict;
}

void oracle_expect(struct guest *g, enum oracle_inv inv)
{
	O(g)->expect_mask |= 1U << inv;
}

unsigned int oracle_seen(struct guest *g, enum oracle_inv inv)
{
	return inv < ORACLE_NR_INV ? O(g)->seen[inv] : 0;
}

const char *oracle_last(struct guest *g)
{
	return O(g)->last;
}

unsigned long oracle_calls_checked(struct guest *g)
{
	return O(g)->calls;
}

unsigned long oracle_kexec_unreplayed(struct guest *g)
{
	return O(g)->unreplayed;
}

void oracle_sync_token(struct guest *g, __s64 next)
{
	O(g)->next_token = next;
}

void oracle_kexec_replay(struct guest *g, oracle_replay_fn *fn, void *arg)
{
	O(g)->replay = fn;
	O(g)->replay_arg = arg;
}

/* ---- declarations ----------------------------------------------------- */

static struct oframe *frame_rec(struct oracle *o, __u64 pfn)
{
	if (pfn >= GUEST_FRAMES)
		return NULL;
	if (!o->fr[pfn]) {
		o->fr[pfn] = calloc(1, sizeof(*o->fr[pfn]));
		if (!o->fr[pfn])
			abort();
		if (pfn >= o->fr_hi)
			o->fr_hi = pfn + 1;
	}
	return o->fr[pfn];
}

/*
 * Declare @len bytes at @pa; with @placed, only in frames VTL0 can write
 * now (a loader's store into a frame VTL1 holds read-only was dropped, so
 * those bytes are not there and the frame keeps its declaration).
 */
static void auth_bytes(struct oracle *o, __u64 pa, const __u8 *b, __u64 len,
		       const char *why, int placed)
{
	while (len) {
		__u64 pfn = pa >> HEKI_PAGE_SHIFT;
		struct oframe *f = NULL;
		__u32 off = pa & HEKI_PAGE_OFFSET_MASK, n, i;

		if (!placed || (omap_get(&o->applied, pfn).prot & O_PROT_W))
			f = frame_rec(o, pfn);
		n = HEKI_PAGE_SIZE - off < len ? HEKI_PAGE_SIZE - off :
						 (__u32)len;
		if (f) {
			memcpy(f->b + off, b, n);
			for (i = off; i < off + n; i++)
				f->valid[i / 8] |= 1U << (i % 8);
			f->why = why;
		}
		pa += n;
		b += n;
		len -= n;
	}
}

void oracle_auth_bytes(struct guest *g, __u64 pa, const void *bytes,
		       __u64 len, const char *why)
{
	auth_bytes(O(g), pa, bytes, len, why, 1);
}

void oracle_auth_current(struct guest *g, __u64 pa, __u64 len,
			 const char *why)
{
	if (pa > GUEST_MEM_SIZE || len > GUEST_MEM_SIZE - pa)
		abort();
	auth_bytes(O(g), pa, g->mem + pa, len, why, 0);
}

/* Byte @i of a site laid out like a heki_patch (pa[0], pa[1], size). */
static __u64 site_byte_pa(const struct heki_patch *w, __u32 i)
{
	__u64 room = HEKI_PAGE_SIZE - (w->pa[0] & HEKI_PAGE_OFFSET_MASK);

	return i < room ? w->pa[0] + i : w->pa[1] + (i - room);
}

void oracle_scall_site(struct guest *g, const struct heki_patch *where,
		       __u64 va, __u8 op, const __u8 *forms, __u32 nforms,
		       const char *why)
{
	struct oracle *o = O(g);
	struct osite *s;
	__u32 i;

	if (!where->size || where->size > O_MAX_SITE || !nforms ||
	    (op && where->size != 5))
		abort();
	if (o->nsite == o->scap) {
		o->scap = o->scap ? 2 * o->scap : 16;
		o->site = xrealloc(o->site, sizeof(*o->site) * o->scap);
	}
	s = &o->site[o->nsite++];
	memset(s, 0, sizeof(*s));
	s->size = where->size;
	for (i = 0; i < s->size; i++)
		s->pa[i] = site_byte_pa(where, i);
	s->forms = xrealloc(NULL, (size_t)nforms * s->size);
	memcpy(s->forms, forms, (size_t)nforms * s->size);
	s->nforms = nforms;
	s->why = why;
	s->va = va;
	s->op = op;
}

void oracle_patch_site(struct guest *g, const struct heki_patch *where,
		       const __u8 *forms, __u32 nforms, const char *why)
{
	oracle_scall_site(g, where, 0, 0, forms, nforms, why);
}

/* Forget declarations on frames that went back to VTL0. */
static void drop_released(struct oracle *o, __u64 pfn, __u64 n)
{
	__u64 i;
	__u32 k, out = 0;

	for (i = 0; i < n && pfn + i < GUEST_FRAMES; i++)
		drop_frame(o, pfn + i);
	for (k = 0; k < o->nsite; k++) {
		struct osite *s = &o->site[k];
		__u32 b;
		int hit = 0;

		for (b = 0; b < s->size; b++)
			if ((s->pa[b] >> HEKI_PAGE_SHIFT) - pfn < n)
				hit = 1;
		if (hit) {
			free(s->forms);
			continue;
		}
		o->site[out++] = *s;
	}
	o->nsite = out;
}

/* ---- the request as VTL0 wrote it ------------------------------------- */

static int guest_bytes(struct oracle *o, __u64 pa, void *dst, __u64 len)
{
	if (pa > GUEST_MEM_SIZE || len > GUEST_MEM_SIZE - pa)
		return -1;
	memcpy(dst, o->g->mem + pa, len);
	return 0;
}

/* The oracle's own walk of a heki_page chain (count-driven, no checks
 * beyond what it needs to read it). */
static void read_chain(struct oracle *o, __u64 pa, __u64 n)
{
	__u64 done = 0, page = pa;

	o->nreq = 0;
	o->req_ok = 0;
	if (!n || n > O_MAX_RANGES)
		return;
	o->req = xrealloc(o->req, sizeof(*o->req) * n);
	while (done < n) {
		__u64 hdr[3];

		if (page & HEKI_PAGE_OFFSET_MASK ||
		    guest_bytes(o, page, hdr, sizeof(hdr)))
			return;
		if (!hdr[2] || hdr[2] > HEKI_MAX_RANGES || hdr[2] > n - done)
			return;
		if (guest_bytes(o, page + HEKI_PAGE_HEADER_SIZE, o->req + done,
				hdr[2] * sizeof(*o->req)))
			return;
		done += hdr[2];
		page = hdr[1];
	}
	o->nreq = (__u32)n;
	o->req_ok = 1;
}

static void op_add(struct oop **ops, __u32 *n, __u32 *cap, __u64 pfn,
		   __u64 len, __u8 owner, __s64 id, __u8 prot)
{
	if (!len)
		return;
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*ops = xrealloc(*ops, sizeof(**ops) * *cap);
	}
	(*ops)[*n].pfn = pfn;
	(*ops)[*n].n = len;
	(*ops)[*n].v.owner = owner;
	(*ops)[*n].v.id = id;
	(*ops)[(*n)++].v.prot = prot;
}

/* [pa, epa) as the frames it touches. */
static void op_add_bytes(struct oop **ops, __u32 *n, __u32 *cap, __u64 pa,
			 __u64 epa, __u8 owner, __s64 id, __u8 prot)
{
	__u64 first = pa >> HEKI_PAGE_SHIFT;
	__u64 end = (epa + HEKI_PAGE_SIZE - 1) >> HEKI_PAGE_SHIFT;

	if (epa > pa)
		op_add(ops, n, cap, first, end - first, owner, id, prot);
}

static __u8 attr_prot(__u64 attr)
{
	__u8 p = 0;

	if (attr & 1)
		p |= O_PROT_R;
	if (attr & 2)
		p |= O_PROT_W;
	if (attr & 4)
		p |= O_PROT_X;
	return p;
}

/* Documentation/vtl1.rst: text R|X; data, ro_after_init, init data R|W. */
static __u8 mod_type_prot(__u64 type)
{
	switch (type) {
	case HEKI_MOD_MEM_TEXT_VALUE:
	case HEKI_MOD_MEM_INIT_TEXT_VALUE:
		return O_PROT_R | O_PROT_X;
	case HEKI_MOD_MEM_DATA_VALUE:
	case HEKI_MOD_MEM_RO_AFTER_INIT_VALUE:
	case HEKI_MOD_MEM_INIT_DATA_VALUE:
		return O_PROT_RW;
	default:
		return O_PROT_R;
	}
}

static int mod_type_memory(__u64 type)
{
	return type <= HEKI_MOD_MEM_INIT_RODATA_VALUE;
}

static int mod_type_text(__u32 type)
{
	return type == HEKI_MOD_MEM_TEXT_VALUE ||
	       type == HEKI_MOD_MEM_INIT_TEXT_VALUE;
}

/* Text VTL1 gave back: a site calling into it is I6's concern. */
static void gone_text(struct oracle *o, __u64 va, __u64 len, __s64 token)
{
	if (o->ngone == o->gcap) {
		o->gcap = o->gcap ? 2 * o->gcap : 16;
		o->gone = xrealloc(o->gone, sizeof(*o->gone) * o->gcap);
	}
	o->gone[o->ngone].va = va;
	o->gone[o->ngone].len = len;
	o->gone[o->ngone++].token = token;
}

static int mod_type_init(__u32 type)
{
	return type == HEKI_MOD_MEM_INIT_TEXT_VALUE ||
	       type == HEKI_MOD_MEM_INIT_DATA_VALUE ||
	       type == HEKI_MOD_MEM_INIT_RODATA_VALUE;
}

static struct omod *find_mod(struct oracle *o, __s64 token)
{
	__u32 i;

	for (i = 0; i < o->nmod; i++)
		if (o->mod[i].token == token)
			return &o->mod[i];
	return NULL;
}

/* Released frames: to VTL0 with R|W, declarations forgotten. */
static void release_ops(struct oracle *o, struct oop **ops, __u32 *n,
			__u32 *cap, __u64 pfn, __u64 len)
{
	op_add(ops, n, cap, pfn, len, HEKI_VTL1_OWNER_NONE, 0, O_PROT_RW);
	drop_released(o, pfn, len);
}

/* ---- the effect each successful call must have ------------------------ */

static void effect_protect(struct oracle *o, struct oop **ops, __u32 *n,
			   __u32 *cap)
{
	__u32 i;

	for (i = 0; i < o->nreq; i++)
		op_add_bytes(ops, n, cap, o->req[i].pa, o->req[i].epa,
			     HEKI_VTL1_OWNER_KERNEL, 0,
			     attr_prot(o->req[i].attributes));
}

const __u8 *oracle_x86_nop(__u32 size)
{
	static const __u8 nop2[] = { 0x66, 0x90 };
	static const __u8 nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

	return size == 2 ? nop2 : size == 5 ? nop5 : NULL;
}

/*
 * The kernel's patch sites, from LoadKData's patch info as VTL0 wrote it
 * (before end of boot, so trusted): each record's code and the NOP of its
 * size. Records are read with the documented stride (header, then
 * patch_index patches), bounded by the range.
 */
static void kdata_sites(struct oracle *o, const struct heki_range *r)
{
	const __u64 hdr = sizeof(struct heki_patch_info);
	const __u64 ent = sizeof(struct heki_patch);
	__u64 off = 0, len = r->epa > r->pa ? r->epa - r->pa : 0;

	while (len - off >= hdr) {
		struct heki_patch_info info;
		__u64 i;

		if (guest_bytes(o, r->pa + off, &info, hdr))
			return;
		off += hdr;
		for (i = 0; i < info.patch_index && len - off >= ent;
		     i++, off += ent) {
			__u8 forms[2 * O_MAX_SITE];
			struct heki_patch p;
			const __u8 *nop;

			if (guest_bytes(o, r->pa + off, &p, ent))
				return;
			nop = oracle_x86_nop(p.size);
			if (!nop)
				continue;
			memcpy(forms, p.code, p.size);
			memcpy(forms + p.size, nop, p.size);
			oracle_patch_site(o->g, &p, forms, 2,
					  "kernel jump label (LoadKData patch info)");
		}
	}
}

static void effect_kdata(struct oracle *o, struct oop **ops, __u32 *n,
			 __u32 *cap)
{
	__u32 i;

	for (i = 0; i < o->nreq; i++) {
		if (o->req[i].attributes == HEKI_KDATA_KEXEC_TRAMPOLINE_VALUE)
			op_add_bytes(ops, n, cap, o->req[i].pa, o->req[i].epa,
				     HEKI_VTL1_OWNER_KDATA, 0, O_PROT_R);
		if (o->req[i].attributes == HEKI_KDATA_PATCH_INFO_VALUE)
			kdata_sites(o, &o->req[i]);
	}
}

static void effect_validate(struct oracle *o, __s64 token, struct oop **ops,
			    __u32 *n, __u32 *cap)
{
	struct omod *m;
	__u32 i;

	o->mod = xrealloc(o->mod, sizeof(*o->mod) * (o->nmod + 1));
	m = &o->mod[o->nmod++];
	m->token = token;
	m->nr = 0;
	m->r = xrealloc(NULL, sizeof(*m->r) * (o->nreq ? o->nreq : 1));
	for (i = 0; i < o->nreq; i++) {
		const struct heki_range *r = &o->req[i];

		if (!mod_type_memory(r->attributes) || r->epa <= r->pa)
			continue;
		m->r[m->nr].pfn = r->pa >> HEKI_PAGE_SHIFT;
		m->r[m->nr].n = ((r->epa + HEKI_PAGE_SIZE - 1) >> HEKI_PAGE_SHIFT) -
				m->r[m->nr].pfn;
		m->r[m->nr].type = (__u32)r->attributes;
		m->r[m->nr].released = 0;
		m->r[m->nr].va = r->va;
		m->r[m->nr].len = r->epa - r->pa;
		op_add(ops, n, cap, m->r[m->nr].pfn, m->r[m->nr].n,
		       HEKI_VTL1_OWNER_MODULE, token,
		       mod_type_prot(r->attributes));
		m->nr++;
	}
}

static void effect_release_module(struct oracle *o, __s64 token,
				  int init_only, struct oop **ops, __u32 *n,
				  __u32 *cap)
{
	struct omod *m = find_mod(o, token);
	__u32 i;

	if (!m) {
		violation(o, ORACLE_I5, "token %lld accepted but no live module has it",
			  (long long)token);
		return;
	}
	for (i = 0; i < m->nr; i++) {
		struct omod_range *r = &m->r[i];

		if (r->released)
			continue;
		if (!init_only || mod_type_init(r->type)) {
			release_ops(o, ops, n, cap, r->pfn, r->n);
			r->released = 1;
			if (mod_type_text(r->type))
				gone_text(o, r->va, r->len, token);
		} else if (r->type == HEKI_MOD_MEM_RO_AFTER_INIT_VALUE) {
			op_add(ops, n, cap, r->pfn, r->n,
			       HEKI_VTL1_OWNER_MODULE, token, O_PROT_R);
		}
	}
	if (!init_only) {
		free(m->r);
		*m = o->mod[--o->nmod];
	}
}

/* The image's kimage prefix (crash kexec protects its segments too). */
static void kexec_segments(struct oracle *o, struct oop **ops, __u32 *n,
			   __u32 *cap, __u8 owner)
{
	struct heki_kimage ki;
	__u64 got = 0;
	__u32 i;

	for (i = 0; i < o->nreq && got < sizeof(ki); i++) {
		const struct heki_range *r = &o->req[i];
		__u64 len = r->epa - r->pa;

		if (r->attributes != HEKI_KEXEC_IMAGE_VALUE)
			continue;
		if (len > sizeof(ki) - got)
			len = sizeof(ki) - got;
		if (guest_bytes(o, r->pa, (__u8 *)&ki + got, len))
			return;
		got += len;
	}
	if (got < sizeof(ki) || ki.nr_segments > KEXEC_SEGMENT_MAX) {
		violation(o, ORACLE_I5, "crash image accepted without a readable kimage prefix");
		return;
	}
	for (i = 0; i < ki.nr_segments; i++)
		op_add_bytes(ops, n, cap, ki.segment[i].mem,
			     ki.segment[i].mem + ki.segment[i].memsz, owner, 0,
			     O_PROT_R);
}

/*
 * KexecValidate: the kind's frames not covered again go back to VTL0, the
 * new ranges (every range of the chain, and a crash image's segments)
 * become read-only for that kind. Two batches: releases, then the new.
 */
static void effect_kexec(struct oracle *o, struct oop **ops, __u32 *n,
			 __u32 *cap)
{
	__u8 owner = o->a[2] ? HEKI_VTL1_OWNER_KEXEC_CRASH :
			       HEKI_VTL1_OWNER_KEXEC;
	struct oop *newops = NULL;
	__u32 nn = 0, ncap = 0, i;

	if (o->a[0]) {
		for (i = 0; i < o->nreq; i++)
			op_add_bytes(&newops, &nn, &ncap, o->req[i].pa,
				     o->req[i].epa, owner, 0, O_PROT_R);
		if (o->a[2])
			kexec_segments(o, &newops, &nn, &ncap, owner);
	}
	for (i = 0; i < o->expected.n; i++) {
		const struct orun *r = &o->expected.r[i];
		__u64 pos = r->pfn, end = r->pfn + r->n;

		if (r->v.owner != owner)
			continue;
		/* Only frames the new set does not cover are released. */
		while (pos < end) {
			__u64 stop = end;
			__u32 k;
			int covered = 0;

			for (k = 0; k < nn; k++) {
				__u64 s = newops[k].pfn, e = s + newops[k].n;

				if (s <= pos && pos < e) {
					covered = 1;
					if (e < stop)
						stop = e;
				} else if (s > pos && s < stop) {
					stop = s;
				}
			}
			if (!covered)
				release_ops(o, ops, n, cap, pos, stop - pos);
			pos = stop;
		}
	}
	omap_apply(&o->expected, *ops, *n);
	*n = 0;
	for (i = 0; i < nn; i++)
		op_add(ops, n, cap, newops[i].pfn, newops[i].n, owner, 0,
		       O_PROT_R);
	free(newops);
}

static void effect_ringbuf(struct oracle *o, struct oop **ops, __u32 *n,
			   __u32 *cap)
{
	op_add_bytes(ops, n, cap, o->a[0], o->a[0] + o->a[1],
		     HEKI_VTL1_OWNER_RINGBUF, 0, O_PROT_R);
}

/* ---- before a call ---------------------------------------------------- */

static void snapshot(struct oracle *o, struct ostate *s)
{
	const struct heki_vtl1 *v = o->g->v;

	s->map = xrealloc(s->map, sizeof(*s->map) * (v->map.n ? v->map.n : 1));
	if (v->map.n)
		memcpy(s->map, v->map.e, sizeof(*s->map) * v->map.n);
	s->map_n = v->map.n;
	s->nr_mods = v->nr_mods;
	s->next_token = v->next_token;
	s->nr_sites = v->patches.n;
	s->keyring = v->keyring;
	s->nr_certs = v->nr_certs;
	s->kdata_loaded = v->kdata_loaded;
	s->ringbuf_pa = v->ringbuf_pa;
	s->ringbuf_size = v->ringbuf_size;
}

static int chain_call(__u32 id)
{
	switch (id) {
	case VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE:
	case VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE:
	case VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE:
	case VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE:
		return 1;
	default:
		return 0;
	}
}

void oracle_before_call(struct guest *g, __u32 id, __u64 a0, __u64 a1,
			__u64 a2)
{
	struct oracle *o = O(g);
	__u32 i;

	o->in_call = 1;
	o->id = id;
	o->a[0] = a0;
	o->a[1] = a1;
	o->a[2] = a2;
	o->npending = 0;
	for (i = 0; i < o->nwr; i++)
		free(o->wr[i].old);
	o->nwr = 0;
	o->nreq = 0;
	o->req_ok = 0;
	if (chain_call(id) && a0)
		read_chain(o, a0, a1);
	memset(o->cpu_mask, 0, sizeof(o->cpu_mask));
	if (id == VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE && a0 < (1ULL << 40))
		guest_bytes(o, a0 << HEKI_PAGE_SHIFT, o->cpu_mask,
			    sizeof(o->cpu_mask));
	snapshot(o, &o->before);
	omap_copy(&o->applied_before, &o->applied);
}

/* ---- during a call ---------------------------------------------------- */

void oracle_on_modify(struct guest *g, __u64 pfn, __u64 npages, __u8 prot)
{
	struct oracle *o = O(g);

	if (!o->in_call) {
		violation(o, ORACLE_I5, "protection changed outside a VTL call");
		return;
	}
	if (o->npending == o->pcap) {
		o->pcap = o->pcap ? 2 * o->pcap : 64;
		o->pending = xrealloc(o->pending, sizeof(*o->pending) * o->pcap);
	}
	o->pending[o->npending].pfn = pfn;
	o->pending[o->npending].n = npages;
	o->pending[o->npending].v.owner = 0;
	o->pending[o->npending].v.id = 0;
	o->pending[o->npending++].v.prot = prot;
}

/* Access VTL0 has to @pfn right now (pending modifies of this call too). */
static __u8 access_now(struct oracle *o, __u64 pfn)
{
	__u8 p = omap_get(&o->applied, pfn).prot;
	__u32 i;

	for (i = 0; i < o->npending; i++)
		if (pfn - o->pending[i].pfn < o->pending[i].n)
			p = o->pending[i].v.prot;
	return p;
}

/*
 * A form, INT3 and a form's tail, or the oracle's record of the bytes the
 * site held at its INT3 step: while the sequence is under way, those
 * bytes or INT3 and their tail; once the sequence ended by putting them
 * back, those bytes.
 */
static int site_state_ok(const struct osite *s, const __u8 *cur)
{
	__u32 f;

	for (f = 0; f < s->nforms; f++) {
		const __u8 *form = s->forms + (size_t)f * s->size;

		if (!memcmp(cur, form, s->size))
			return 1;
		if (cur[0] == HEKI_PATCH_INT3_OPCODE &&
		    !memcmp(cur + 1, form + 1, s->size - 1))
			return 1;
	}
	if ((s->held || s->resting) && !memcmp(cur, s->before, s->size))
		return 1;
	return s->held && cur[0] == HEKI_PATCH_INT3_OPCODE &&
	       !memcmp(cur + 1, s->before + 1, s->size - 1);
}

/* The site's bytes now, with @len bytes at @pa replaced by @src. */
static void site_bytes(struct oracle *o, const struct osite *s, __u64 pa,
		       const __u8 *src, __u64 len, __u8 *cur)
{
	__u32 b;

	for (b = 0; b < s->size; b++) {
		__u64 at = s->pa[b];

		cur[b] = at < GUEST_MEM_SIZE ? o->g->mem[at] : 0;
		if (src && at - pa < len)
			cur[b] = src[at - pa];
	}
}

static struct osite *site_of(struct oracle *o, __u64 pa)
{
	__u32 k, b;

	for (k = 0; k < o->nsite; k++)
		for (b = 0; b < o->site[k].size; b++)
			if (o->site[k].pa[b] == pa)
				return &o->site[k];
	return NULL;
}

static int boot_token_ok(struct oracle *o, __u64 at, __u8 val)
{
	__u64 page = o->a[1] << HEKI_PAGE_SHIFT, cpu;

	if (o->a[1] >= (1ULL << 40) || at - page >= HEKI_VTL1_MAX_VPS)
		return 0;
	cpu = at - page;
	return val == O_TOKEN_BYTE &&
	       (o->cpu_mask[cpu / 8] >> (cpu % 8)) & 1;
}

void oracle_on_write(struct guest *g, __u64 pa, const void *src, __u64 len)
{
	struct oracle *o = O(g);
	const __u8 *b = src;
	struct owrite *w;
	__u64 i;

	if (!o->in_call) {
		violation(o, ORACLE_I2, "VTL0 memory written outside a VTL call");
		return;
	}
	if (pa < g->vtl1.pa + g->vtl1.size && g->vtl1.pa < pa + len)
		violation(o, ORACLE_I2, "write of %llu bytes at %llx reaches VTL1 memory",
			  (unsigned long long)len, (unsigned long long)pa);
	if (o->id != VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE &&
	    o->id != VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE) {
		violation(o, ORACLE_I2, "this call writes VTL0 memory (%llu bytes at %llx)",
			  (unsigned long long)len, (unsigned long long)pa);
	}
	for (i = 0; i < len; i++) {
		__u64 at = pa + i, pfn = at >> HEKI_PAGE_SHIFT;
		struct oval e = omap_get(&o->expected, pfn);
		const struct osite *s;
		__u8 cur[O_MAX_SITE];

		if (o->id == VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE &&
		    !boot_token_ok(o, at, b[i])) {
			violation(o, ORACLE_I2, "BootAPs writes %02x at %llx, not a token byte of a CPU of its mask",
				  b[i], (unsigned long long)at);
			break;
		}
		if (e.owner == HEKI_VTL1_OWNER_NONE &&
		    (access_now(o, pfn) & O_PROT_W))
			continue;
		s = site_of(o, at);
		if (!s) {
			violation(o, ORACLE_I2, "write at %llx: frame held by owner %u id %lld (access %x), no declared patch site there",
				  (unsigned long long)at, e.owner,
				  (long long)e.id, access_now(o, pfn));
			break;
		}
		/*
		 * Other CPUs run this text while VTL1 writes: between the two
		 * parts of a site that crosses a page, only INT3 at byte 0
		 * keeps a torn tail from running. The whole site must be in an
		 * allowed state once the call is over (check_written_sites).
		 */
		site_bytes(o, s, pa, b, len, cur);
		if (cur[0] != HEKI_PATCH_INT3_OPCODE && !site_state_ok(s, cur)) {
			violation(o, ORACLE_I2, "write at %llx leaves site %llx (%s) runnable in a state no allowed form has",
				  (unsigned long long)at,
				  (unsigned long long)s->pa[0], s->why);
			break;
		}
	}
	/* Keep the old bytes for I4. */
	if (o->nwr == o->wcap) {
		o->wcap = o->wcap ? 2 * o->wcap : 16;
		o->wr = xrealloc(o->wr, sizeof(*o->wr) * o->wcap);
	}
	w = &o->wr[o->nwr++];
	w->pa = pa;
	w->len = len > HEKI_PAGE_SIZE ? HEKI_PAGE_SIZE : (__u32)len;
	w->old = xrealloc(NULL, w->len);
	if (guest_bytes(o, pa, w->old, w->len))
		memset(w->old, 0, w->len);
}

/* ---- after a call ----------------------------------------------------- */

static const char *owner_name(__u8 owner)
{
	static const char *const n[] = { "none", "kernel", "kdata", "module",
					 "kexec", "kexec-crash", "ringbuf" };

	return owner < ARRAY_SIZE(n) ? n[owner] : "?";
}

/* VTL1's map as an omap, to be compared with the model. */
static void vtl1_omap(const struct heki_vtl1 *v, struct omap *m)
{
	__u32 i;

	m->r = xrealloc(NULL, sizeof(*m->r) * (v->map.n ? v->map.n : 1));
	m->n = v->map.n;
	m->cap = m->n;
	m->dflt.owner = HEKI_VTL1_OWNER_NONE;
	m->dflt.id = 0;
	m->dflt.prot = O_PROT_DEFAULT;
	for (i = 0; i < v->map.n; i++) {
		m->r[i].pfn = v->map.e[i].pfn;
		m->r[i].n = v->map.e[i].npages;
		m->r[i].v.owner = v->map.e[i].owner;
		m->r[i].v.id = v->map.e[i].id;
		m->r[i].v.prot = v->map.e[i].prot;
	}
}

/* I5: VTL1's map, the applied access and the model agree everywhere. */
static void check_i5(struct oracle *o)
{
	struct omap vm;
	__u32 ce = 0, ca = 0, cv = 0;
	__u64 pos = 0;

	vtl1_omap(o->g->v, &vm);
	while (pos < O_PFN_END) {
		struct oval e, a, v;
		__u64 ne, na, nv, next;

		omap_at(&o->expected, &ce, pos, &e, &ne);
		omap_at(&o->applied, &ca, pos, &a, &na);
		omap_at(&vm, &cv, pos, &v, &nv);
		if (!oval_eq(&e, &v)) {
			violation(o, ORACLE_I5, "pfn %llx: VTL1 records %s/%lld/%x, the calls made it %s/%lld/%x",
				  (unsigned long long)pos, owner_name(v.owner),
				  (long long)v.id, v.prot, owner_name(e.owner),
				  (long long)e.id, e.prot);
			break;
		}
		if (a.prot != e.prot) {
			violation(o, ORACLE_I5, "pfn %llx: access applied %x, the calls made it %x (%s/%lld)",
				  (unsigned long long)pos, a.prot, e.prot,
				  owner_name(e.owner), (long long)e.id);
			break;
		}
		next = ne < na ? ne : na;
		pos = nv < next ? nv : next;
	}
	free(vm.r);
}

static int all_valid(const struct oframe *f)
{
	__u32 i;

	for (i = 0; i < sizeof(f->valid); i++)
		if (f->valid[i] != 0xff)
			return 0;
	return 1;
}

/* I1 for one frame VTL1 holds kernel-executable and not writable. */
static void check_frame(struct oracle *o, __u64 pfn, const struct oval *e)
{
	const __u8 *mem = o->g->mem + (pfn << HEKI_PAGE_SHIFT);
	struct oframe *f = o->fr[pfn];
	__u32 off;

	if (e->owner == HEKI_VTL1_OWNER_KERNEL && !o->eob)
		return;		/* before end of boot VTL0 is trusted */
	if (!f) {
		if (o->strict) {
			violation(o, ORACLE_I1, "pfn %llx (%s) is kernel-executable and nothing authenticated declares its content",
				  (unsigned long long)pfn, owner_name(e->owner));
			return;
		}
		auth_bytes(o, pfn << HEKI_PAGE_SHIFT, mem, HEKI_PAGE_SIZE,
			   "adopted when first executable", 0);
		return;
	}
	if (!memcmp(f->b, mem, HEKI_PAGE_SIZE) && all_valid(f))
		return;
	for (off = 0; off < HEKI_PAGE_SIZE; off++) {
		__u64 at = (pfn << HEKI_PAGE_SHIFT) + off;
		const struct osite *s;
		__u8 cur[O_MAX_SITE];

		if (!(f->valid[off / 8] & (1U << (off % 8)))) {
			if (o->strict) {
				violation(o, ORACLE_I1, "byte %llx (%s) is kernel-executable and not declared",
					  (unsigned long long)at,
					  owner_name(e->owner));
				return;
			}
			f->b[off] = mem[off];
			f->valid[off / 8] |= 1U << (off % 8);
			continue;
		}
		if (f->b[off] == mem[off])
			continue;
		s = site_of(o, at);
		if (s) {
			site_bytes(o, s, 0, NULL, 0, cur);
			if (site_state_ok(s, cur))
				continue;
		}
		violation(o, ORACLE_I1, "byte %llx (%s/%lld) is %02x, authenticated %02x (%s)%s",
			  (unsigned long long)at, owner_name(e->owner),
			  (long long)e->id, mem[off], f->b[off],
			  f->why ? f->why : "?",
			  s ? ", and its patch site is in no allowed state" : "");
		return;
	}
}

static void check_i1(struct oracle *o)
{
	__u32 i;

	for (i = 0; i < o->applied.n; i++) {
		const struct orun *r = &o->applied.r[i];
		__u64 p;

		if (!(r->v.prot & O_PROT_KX) || (r->v.prot & O_PROT_W))
			continue;
		for (p = r->pfn; p < r->pfn + r->n && p < GUEST_FRAMES; p++) {
			struct oval e = omap_get(&o->expected, p);

			check_frame(o, p, &e);
		}
	}
}

/*
 * I2, the second half: every patch site this call wrote is, now that the
 * call is over, in an allowed state. A site that crosses a page is written
 * in two parts, so the state between them is not checked.
 */
static void check_written_sites(struct oracle *o)
{
	__u32 i;
	__u64 k;

	for (i = 0; i < o->nwr; i++) {
		for (k = 0; k < o->wr[i].len; k++) {
			const struct osite *s = site_of(o, o->wr[i].pa + k);
			__u8 cur[O_MAX_SITE];

			if (!s)
				continue;
			site_bytes(o, s, 0, NULL, 0, cur);
			if (!site_state_ok(s, cur)) {
				violation(o, ORACLE_I2, "write at %llx leaves site %llx (%s) in a state no allowed form has",
					  (unsigned long long)(o->wr[i].pa + k),
					  (unsigned long long)s->pa[0], s->why);
				return;
			}
		}
	}
}

/* I4: what a failed call left. */
static void check_i4(struct oracle *o)
{
	const struct heki_vtl1 *v = o->g->v;
	const struct ostate *s = &o->before;
	__u32 ca = 0, cb = 0, i, k;
	__u64 pos = 0;

	if (v->map.n != s->map_n ||
	    (s->map_n && memcmp(v->map.e, s->map, sizeof(*s->map) * s->map_n)))
		violation(o, ORACLE_I4, "the protection map changed");
	if (v->nr_mods != s->nr_mods || v->next_token != s->next_token)
		violation(o, ORACLE_I4, "modules or the token counter changed (%u -> %u, %lld -> %lld)",
			  s->nr_mods, v->nr_mods, (long long)s->next_token,
			  (long long)v->next_token);
	if (v->patches.n != s->nr_sites)
		violation(o, ORACLE_I4, "patch sites changed (%u -> %u)",
			  s->nr_sites, v->patches.n);
	if (v->keyring != s->keyring || v->nr_certs != s->nr_certs ||
	    v->kdata_loaded != s->kdata_loaded)
		violation(o, ORACLE_I4, "kernel data state changed");
	if (v->ringbuf_pa != s->ringbuf_pa || v->ringbuf_size != s->ringbuf_size)
		violation(o, ORACLE_I4, "ring buffer changed");
	while (pos < O_PFN_END) {
		struct oval a, b;
		__u64 na, nb;

		omap_at(&o->applied, &ca, pos, &a, &na);
		omap_at(&o->applied_before, &cb, pos, &b, &nb);
		if (a.prot != b.prot) {
			violation(o, ORACLE_I4, "pfn %llx: access %x after the failed call, %x before",
				  (unsigned long long)pos, a.prot, b.prot);
			break;
		}
		pos = na < nb ? na : nb;
	}
	/* VTL0 bytes: as before the first write, BootAPs tokens excepted. */
	for (i = 0; i < o->nwr; i++) {
		const struct owrite *w = &o->wr[i];
		__u32 b;

		for (b = 0; b < w->len; b++) {
			__u64 at = w->pa + b;
			__u8 old = w->old[b];

			if (at >= GUEST_MEM_SIZE)
				continue;
			for (k = 0; k < i; k++)
				if (at - o->wr[k].pa < o->wr[k].len) {
					old = o->wr[k].old[at - o->wr[k].pa];
					break;
				}
			if (o->g->mem[at] == old)
				continue;
			if (o->id == VSM_VTL_CALL_FUNC_ID_BOOT_APS_VALUE &&
			    boot_token_ok(o, at, o->g->mem[at]))
				continue;
			violation(o, ORACLE_I4, "byte %llx changed by the failed call (%02x -> %02x)",
				  (unsigned long long)at, old, o->g->mem[at]);
			return;
		}
	}
}

/* The first SignalEndOfBoot: kernel text as protected now is the truth. */
static void end_of_boot(struct oracle *o)
{
	__u32 i;

	o->eob = 1;
	for (i = 0; i < o->applied.n; i++) {
		const struct orun *r = &o->applied.r[i];
		__u64 p;

		if (!(r->v.prot & O_PROT_KX) || (r->v.prot & O_PROT_W))
			continue;
		for (p = r->pfn; p < r->pfn + r->n && p < GUEST_FRAMES; p++)
			if (omap_get(&o->expected, p).owner ==
			    HEKI_VTL1_OWNER_KERNEL)
				oracle_auth_current(o->g, p << HEKI_PAGE_SHIFT,
						    HEKI_PAGE_SIZE,
						    "kernel text at end of boot");
	}
}

static void apply_effect(struct oracle *o, __s64 ret)
{
	struct oop *ops = NULL;
	__u32 n = 0, cap = 0;

	if (chain_call(o->id) && o->a[0] && !o->req_ok) {
		violation(o, ORACLE_I5, "VTL1 accepted a chain the oracle cannot read");
		return;
	}
	switch (o->id) {
	case VSM_VTL_CALL_FUNC_ID_PROTECT_MEMORY_VALUE:
		effect_protect(o, &ops, &n, &cap);
		break;
	case VSM_VTL_CALL_FUNC_ID_LOAD_KDATA_VALUE:
		effect_kdata(o, &ops, &n, &cap);
		break;
	case VSM_VTL_CALL_FUNC_ID_VALIDATE_MODULE_VALUE:
		if (ret != o->next_token)
			violation(o, ORACLE_I5, "token %lld returned, %lld expected (tokens count successful calls from 0)",
				  (long long)ret, (long long)o->next_token);
		if (__builtin_add_overflow(ret, 1, &o->next_token))
			o->next_token = -1;
		effect_validate(o, ret, &ops, &n, &cap);
		break;
	case VSM_VTL_CALL_FUNC_ID_FREE_MODULE_INIT_VALUE:
		effect_release_module(o, (__s64)o->a[0], 1, &ops, &n, &cap);
		break;
	case VSM_VTL_CALL_FUNC_ID_UNLOAD_MODULE_VALUE:
		effect_release_module(o, (__s64)o->a[0], 0, &ops, &n, &cap);
		break;
	case VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE:
		effect_kexec(o, &ops, &n, &cap);
		break;
	case VSM_VTL_CALL_FUNC_ID_ALLOCATE_RINGBUFFER_MEMORY_VALUE:
		effect_ringbuf(o, &ops, &n, &cap);
		break;
	case VSM_VTL_CALL_FUNC_ID_SIGNAL_END_OF_BOOT_VALUE:
		if (!o->eob)
			end_of_boot(o);
		break;
	default:
		break;
	}
	omap_apply(&o->expected, ops, n);
	free(ops);
}

/* The byte at @pa before this call's first write of it. */
static __u8 byte_before_call(struct oracle *o, __u64 pa)
{
	__u32 i;

	for (i = 0; i < o->nwr; i++)
		if (pa - o->wr[i].pa < o->wr[i].len)
			return o->wr[i].old[pa - o->wr[i].pa];
	return pa < GUEST_MEM_SIZE ? o->g->mem[pa] : 0;
}

/* Did this call write a byte of @s? */
static int site_touched(const struct oracle *o, const struct osite *s)
{
	__u32 b, i;

	for (b = 0; b < s->size; b++)
		for (i = 0; i < o->nwr; i++)
			if (s->pa[b] - o->wr[i].pa < o->wr[i].len)
				return 1;
	return 0;
}

/*
 * After a successful PatchText, the oracle's own record of each site it
 * wrote, as text_poke_bp() sequences go: an INT3 put over a whole state
 * records the bytes the site held (held); a byte 0 other than INT3 put
 * over an INT3 ends the sequence, and the record stays only as the site's
 * resting bytes when that step put exactly them back.
 */
static void update_site_records(struct oracle *o)
{
	__u32 k, b;

	for (k = 0; k < o->nsite; k++) {
		struct osite *s = &o->site[k];
		__u8 was[O_MAX_SITE], now[O_MAX_SITE];

		if (!site_touched(o, s))
			continue;
		for (b = 0; b < s->size; b++)
			was[b] = byte_before_call(o, s->pa[b]);
		s->written = 1;
		site_bytes(o, s, 0, NULL, 0, now);
		if (was[0] != HEKI_PATCH_INT3_OPCODE &&
		    now[0] == HEKI_PATCH_INT3_OPCODE) {
			memcpy(s->before, was, s->size);
			s->held = 1;
			s->resting = 0;
		} else if (was[0] == HEKI_PATCH_INT3_OPCODE &&
			   now[0] != HEKI_PATCH_INT3_OPCODE) {
			s->resting = s->held &&
				     !memcmp(now, s->before, s->size);
			s->held = 0;
		}
	}
}

/*
 * I1 for the sites VTL1 has written before: a whole state the forms or
 * the oracle's record allow, even where the bytes equal declared content
 * (a site may not go back to bytes it held when validated once it moved,
 * except by the restoration the record allows). Sites this call wrote are
 * I2's (check_written_sites()).
 */
static void check_written_site_states(struct oracle *o)
{
	__u32 k;

	for (k = 0; k < o->nsite; k++) {
		const struct osite *s = &o->site[k];
		__u8 cur[O_MAX_SITE];

		if (!s->written || site_touched(o, s))
			continue;
		site_bytes(o, s, 0, NULL, 0, cur);
		if (!site_state_ok(s, cur)) {
			violation(o, ORACLE_I1, "site %llx (%s), written by VTL1, holds a state neither its forms nor the bytes it held at its INT3 step allow",
				  (unsigned long long)s->pa[0], s->why);
			return;
		}
	}
}

/* Does a live module's text (not released) cover @va? */
static int live_text(const struct oracle *o, __u64 va)
{
	__u32 i, k;

	for (i = 0; i < o->nmod; i++)
		for (k = 0; k < o->mod[i].nr; k++) {
			const struct omod_range *r = &o->mod[i].r[k];

			if (!r->released && mod_type_text(r->type) &&
			    va - r->va < r->len)
				return 1;
		}
	return 0;
}

/*
 * I6: no declared static call site or trampoline branches into module
 * text VTL1 released, unless a live module's text covers that VA again.
 */
static void check_i6(struct oracle *o)
{
	__u32 k, i;

	for (k = 0; k < o->nsite; k++) {
		const struct osite *s = &o->site[k];
		__u8 cur[O_MAX_SITE];
		__s32 rel;
		__u64 dest;

		if (!s->op)
			continue;
		site_bytes(o, s, 0, NULL, 0, cur);
		if (cur[0] != s->op)
			continue;
		memcpy(&rel, cur + 1, 4);
		dest = s->va + 5 + (__u64)(__s64)rel;
		for (i = 0; i < o->ngone; i++) {
			if (dest - o->gone[i].va >= o->gone[i].len ||
			    live_text(o, dest))
				continue;
			violation(o, ORACLE_I6, "site %llx (%s) branches to %llx, in text of module %lld that VTL1 released",
				  (unsigned long long)s->pa[0], s->why,
				  (unsigned long long)dest,
				  (long long)o->gone[i].token);
			return;
		}
	}
}

static void check_i3(struct oracle *o)
{
	char why[256] = "";

	if (o->id != VSM_VTL_CALL_FUNC_ID_KEXEC_VALIDATE_VALUE || !o->a[0])
		return;
	if (!o->replay) {
		o->unreplayed++;
		if (o->strict)
			violation(o, ORACLE_I3, "kexec image accepted and no replay declared");
		return;
	}
	if (o->replay(o->g, o->a[0], o->a[2] != 0, o->replay_arg, why,
		     sizeof(why)))
		violation(o, ORACLE_I3, "accepted kexec image fails the replay: %s",
			  why);
}

void oracle_after_call(struct guest *g, __s64 ret)
{
	struct oracle *o = O(g);

	omap_apply(&o->applied, o->pending, o->npending);
	o->npending = 0;
	if (ret < 0)
		check_i4(o);
	else
		apply_effect(o, ret);
	if (ret >= 0 && o->id == VSM_VTL_CALL_FUNC_ID_PATCH_TEXT_VALUE)
		update_site_records(o);
	check_written_sites(o);
	check_i5(o);
	check_i1(o);
	check_written_site_states(o);
	check_i6(o);
	if (ret >= 0)
		check_i3(o);
	o->calls++;
	o->in_call = 0;
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Minimal DER reader (see der.h). Every element is bounded by the cursor
 * it is read from; no function recurses and nothing is allocated, so the
 * nesting depth of any parse is fixed by the caller's code.
 */
#include <heki/abi.h>

#include "libc.h"
#include "der.h"

void heki_der_init(struct heki_der *d, const __u8 *buf, __u64 len)
{
	d->p = buf;
	d->end = buf;
	if (buf && len)
		d->end = buf + len;
}

int heki_der_empty(const struct heki_der *d)
{
	return d->p >= d->end;
}

int heki_der_peek(const struct heki_der *d)
{
	if (heki_der_empty(d))
		return -1;
	return d->p[0];
}

int heki_der_next(struct heki_der *d, struct heki_der_elem *e)
{
	const __u8 *p = d->p;
	__u64 left = (__u64)(d->end - d->p);
	__u32 len, hdr = 2, i, n;
	__u8 tag;

	if (d->p >= d->end || left < 2)
		return -HEKI_VSM_ERR_DER_TRUNCATED;
	tag = p[0];
	if ((tag & 0x1f) == 0x1f)
		return -HEKI_VSM_ERR_DER_HIGH_TAG;
	if (p[1] == 0x80)
		return -HEKI_VSM_ERR_DER_INDEFINITE_LENGTH;
	if (p[1] < 0x80) {
		len = p[1];
	} else {
		n = p[1] & 0x7f;
		if (n > 4)
			return -HEKI_VSM_ERR_DER_BAD_LENGTH;
		if (left - 2 < n)
			return -HEKI_VSM_ERR_DER_TRUNCATED;
		if (p[2] == 0)
			return -HEKI_VSM_ERR_DER_BAD_LENGTH;
		len = 0;
		for (i = 0; i < n; i++)
			len = (len << 8) | p[2 + i];
		if (len < 0x80)
			return -HEKI_VSM_ERR_DER_BAD_LENGTH;
		hdr += n;
	}
	if (len > HEKI_DER_MAX_LEN)
		return -HEKI_VSM_ERR_DER_BAD_LENGTH;
	if (left - hdr < len)
		return -HEKI_VSM_ERR_DER_VALUE_TRUNCATED;
	e->tag = tag;
	e->raw = p;
	e->raw_len = hdr + len;
	e->val = p + hdr;
	e->len = len;
	d->p = p + hdr + len;
	return 0;
}

int heki_der_expect(struct heki_der *d, __u8 tag, struct heki_der_elem *e)
{
	struct heki_der save = *d;
	int ret = heki_der_next(d, e);

	if (ret)
		return ret;
	if (e->tag != tag) {
		*d = save;
		return -HEKI_VSM_ERR_DER_UNEXPECTED_TAG;
	}
	return 0;
}

int heki_der_optional(struct heki_der *d, __u8 tag, struct heki_der_elem *e)
{
	int ret;

	if (heki_der_peek(d) != tag)
		return 0;
	ret = heki_der_next(d, e);
	return ret ? ret : 1;
}

int heki_der_enter(const struct heki_der_elem *e, struct heki_der *inner)
{
	if (!(e->tag & 0x20))
		return -HEKI_VSM_ERR_DER_NOT_CONSTRUCTED;
	heki_der_init(inner, e->val, e->len);
	return 0;
}

int heki_der_enter_expect(struct heki_der *d, __u8 tag,
			  struct heki_der *inner)
{
	struct heki_der_elem e;
	int ret = heki_der_expect(d, tag, &e);

	if (ret)
		return ret;
	return heki_der_enter(&e, inner);
}

int heki_der_oid_eq(const struct heki_der_elem *e, const __u8 *oid,
		    __u32 oid_len)
{
	return e->tag == HEKI_DER_OID && e->len == oid_len &&
	       !memcmp(e->val, oid, oid_len);
}

int heki_der_integer(const struct heki_der_elem *e, const __u8 **mag,
		     __u32 *mag_len)
{
	const __u8 *v = e->val;
	__u32 n = e->len;

	if (e->tag != HEKI_DER_INTEGER)
		return -HEKI_VSM_ERR_DER_UNEXPECTED_TAG;
	if (!n || (v[0] & 0x80))
		return -HEKI_VSM_ERR_DER_BAD_INTEGER;
	if (v[0] == 0 && n > 1) {
		if (!(v[1] & 0x80))
			return -HEKI_VSM_ERR_DER_BAD_INTEGER;
		v++;
		n--;
	}
	*mag = v;
	*mag_len = n;
	return 0;
}

int heki_der_small_uint(const struct heki_der_elem *e, __u32 *out)
{
	const __u8 *mag;
	__u32 n, i, v = 0;
	int ret = heki_der_integer(e, &mag, &n);

	if (ret)
		return ret;
	if (n > 4)
		return -HEKI_VSM_ERR_DER_BAD_INTEGER;
	for (i = 0; i < n; i++)
		v = (v << 8) | mag[i];
	*out = v;
	return 0;
}

int heki_der_bit_string(const struct heki_der_elem *e, const __u8 **bits,
			__u32 *len)
{
	if (e->tag != HEKI_DER_BIT_STRING)
		return -HEKI_VSM_ERR_DER_UNEXPECTED_TAG;
	if (!e->len || e->val[0] != 0)
		return -HEKI_VSM_ERR_DER_BAD_BIT_STRING;
	*bits = e->val + 1;
	*len = e->len - 1;
	return 0;
}

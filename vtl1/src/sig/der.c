// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Minimal DER reader (see der.h). Every element is bounded by the cursor
 * it is read from; no function recurses and nothing is allocated, so the
 * nesting depth of any parse is fixed by the caller's code.
 */
#include <heki/abi.h>

#include "core/core.h"
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

int heki_der_oid_valid(const struct heki_der_elem *e)
{
	__u32 i;

	if (e->tag != HEKI_DER_OID || !e->len || (e->val[e->len - 1] & 0x80))
		return 0;
	for (i = 0; i < e->len; i++)
		if (e->val[i] == 0x80 && (i == 0 || !(e->val[i - 1] & 0x80)))
			return 0;
	return 1;
}

/* Strict UTF-8: no stray continuation, overlong form, surrogate or > U+10FFFF */
static int heki_der_utf8_valid(const __u8 *p, __u32 len)
{
	__u32 i = 0, n, k, cp, min;

	while (i < len) {
		__u8 c = p[i];

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
			min = 0x10000;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int heki_der_primitive_valid(const struct heki_der_elem *e)
{
	const __u8 *v = e->val;
	__u32 n = e->len;

	switch (e->tag) {
	case 0x00:
		return 0;	/* end-of-contents: BER only */
	case HEKI_DER_BOOLEAN:
		return n == 1 && (v[0] == 0 || v[0] == 0xff);
	case HEKI_DER_NULL:
		return n == 0;
	case HEKI_DER_INTEGER:
	case HEKI_DER_ENUMERATED:
		return n && !(n > 1 && ((v[0] == 0 && !(v[1] & 0x80)) ||
					(v[0] == 0xff && (v[1] & 0x80))));
	case HEKI_DER_OID:
		return heki_der_oid_valid(e);
	case HEKI_DER_BIT_STRING:
		return n && v[0] <= 7 && (n > 1 || v[0] == 0);
	case HEKI_DER_UTF8_STRING:
		return heki_der_utf8_valid(v, n);
	case HEKI_DER_BMP_STRING:
		return !(n & 1);
	case HEKI_DER_UNIVERSAL_STRING:
		return !(n & 3);
	default:
		/* constructed forms of string types are BER, not DER */
		if (e->tag >= 0x21 && e->tag <= 0x3e && e->tag != 0x30 &&
		    e->tag != 0x31)
			return 0;
		return 1;
	}
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

/* One INTEGER of an ECDSA-Sig-Value into @out (@size bytes, zero-padded) */
static int heki_der_ecdsa_coord(struct heki_der *d, __u32 size, __u8 *out)
{
	struct heki_der_elem e;
	const __u8 *mag;
	__u32 n, i, nz = 0;

	if (heki_der_expect(d, HEKI_DER_INTEGER, &e) ||
	    heki_der_integer(&e, &mag, &n))
		return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	for (i = 0; i < n; i++)
		nz |= mag[i];
	if (!nz || n > size)
		return -HEKI_VSM_ERR_SIG_KEY_REJECTED;
	memset(out, 0, size - n);
	memcpy(out + size - n, mag, n);
	return 0;
}

int heki_der_ecdsa_sig(const __u8 *sig, __u32 len, __u32 size, __u8 *raw)
{
	struct heki_der top, in;
	int ret;

	if (!size || size > HEKI_ECDSA_MAX_SIZE || !raw)
		return -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT;
	heki_der_init(&top, sig, len);
	if (!sig || heki_der_enter_expect(&top, HEKI_DER_SEQUENCE, &in) ||
	    !heki_der_empty(&top))
		return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	ret = heki_der_ecdsa_coord(&in, size, raw);
	if (ret == -HEKI_VSM_ERR_SIG_PARSE_FAILED)
		return ret;
	/* s is parsed even when r is out of range: a parse error wins */
	switch (heki_der_ecdsa_coord(&in, size, raw + size)) {
	case -HEKI_VSM_ERR_SIG_PARSE_FAILED:
		return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	case -HEKI_VSM_ERR_SIG_KEY_REJECTED:
		ret = -HEKI_VSM_ERR_SIG_KEY_REJECTED;
		break;
	}
	if (!heki_der_empty(&in))
		return -HEKI_VSM_ERR_SIG_PARSE_FAILED;
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * der.h - minimal, bounded, non-recursive DER reader.
 *
 * A struct heki_der is a cursor over a byte range [p, end). Reading an
 * element advances the cursor past it and returns the element's tag, its
 * whole encoding (header + value) and its value. Nested structures are read
 * by opening a new cursor on a constructed element's value
 * (heki_der_enter()); no function calls itself, so the depth of a parse is
 * the number of cursors the caller declares. Nothing is allocated.
 *
 * Only definite-length DER is accepted: the indefinite form (0x80) is
 * refused, long-form lengths are 1..4 bytes with no leading zero and must
 * be >= 128, tags are single-byte (low tag number 0..30) and every length is
 * checked against the bytes left before it is used. All pointers returned
 * point into the caller's buffer.
 */
#ifndef _HEKI_VTL1_DER_H
#define _HEKI_VTL1_DER_H

#include <heki/abi.h>

/* Universal tags (class/constructed bits included, as they appear on the wire) */
#define HEKI_DER_INTEGER	0x02
#define HEKI_DER_BIT_STRING	0x03
#define HEKI_DER_OCTET_STRING	0x04
#define HEKI_DER_NULL		0x05
#define HEKI_DER_OID		0x06
#define HEKI_DER_ENUMERATED	0x0a
#define HEKI_DER_BOOLEAN	0x01
#define HEKI_DER_UTF8_STRING	0x0c
#define HEKI_DER_PRINTABLE	0x13
#define HEKI_DER_IA5_STRING	0x16
#define HEKI_DER_UTC_TIME	0x17
#define HEKI_DER_GEN_TIME	0x18
#define HEKI_DER_UNIVERSAL_STRING 0x1c
#define HEKI_DER_BMP_STRING	0x1e
#define HEKI_DER_SEQUENCE	0x30
#define HEKI_DER_SET		0x31

/* Context-specific tags: [n] IMPLICIT primitive / [n] constructed */
#define HEKI_DER_CTX(n)		(0x80 | (n))
#define HEKI_DER_CTX_CONS(n)	(0xa0 | (n))

/** Largest element value the reader accepts (16 MiB) */
#define HEKI_DER_MAX_LEN	(16u << 20)

/**
 * struct heki_der - cursor over DER bytes
 * @p: next unread byte
 * @end: one past the last byte of the range
 */
struct heki_der {
	const __u8 *p;
	const __u8 *end;
};

/**
 * struct heki_der_elem - one element read by heki_der_next()
 * @tag: the identifier octet (class, constructed bit and tag number)
 * @raw: first byte of the element's encoding (the identifier octet)
 * @raw_len: length of the whole encoding, header included
 * @val: first byte of the value
 * @len: length of the value
 */
struct heki_der_elem {
	__u8 tag;
	const __u8 *raw;
	__u32 raw_len;
	const __u8 *val;
	__u32 len;
};

/**
 * heki_der_init() - open a cursor on a buffer
 * @d: cursor to initialise
 * @buf: bytes to read (may be NULL when @len is 0)
 * @len: number of bytes, at most HEKI_DER_MAX_LEN + 16 are ever used
 */
void heki_der_init(struct heki_der *d, const __u8 *buf, __u64 len);

/**
 * heki_der_empty() - whether a cursor has no bytes left
 * @d: cursor
 *
 * Return: non-zero when every byte of the range was read.
 */
int heki_der_empty(const struct heki_der *d);

/**
 * heki_der_peek() - the tag of the next element without reading it
 * @d: cursor
 *
 * Return: the identifier octet, or -1 if the cursor is empty.
 */
int heki_der_peek(const struct heki_der *d);

/**
 * heki_der_next() - read the next element, whatever its tag
 * @d: cursor, advanced past the element on success, unchanged on failure
 * @e: receives the element
 *
 * Return: 0, or -HEKI_VSM_ERR_DER_* (truncated header, high-tag-number
 * form, indefinite length, non-minimal or oversized length, value longer
 * than the bytes left).
 */
int heki_der_next(struct heki_der *d, struct heki_der_elem *e);

/**
 * heki_der_expect() - read the next element and require its tag
 * @d: cursor, advanced on success, unchanged on failure
 * @tag: required identifier octet
 * @e: receives the element
 *
 * Return: 0, -HEKI_VSM_ERR_DER_UNEXPECTED_TAG or a heki_der_next() error.
 */
int heki_der_expect(struct heki_der *d, __u8 tag, struct heki_der_elem *e);

/**
 * heki_der_optional() - read the next element only if it has @tag
 * @d: cursor
 * @tag: identifier octet of the optional element
 * @e: receives the element when present
 *
 * Return: 1 when read, 0 when the next element has another tag or the
 * cursor is empty, or a negative heki_der_next() error.
 */
int heki_der_optional(struct heki_der *d, __u8 tag, struct heki_der_elem *e);

/**
 * heki_der_enter() - open a cursor on the value of a constructed element
 * @e: element (its tag must have the constructed bit 0x20 set)
 * @inner: receives a cursor over @e's value
 *
 * Return: 0 or -HEKI_VSM_ERR_DER_NOT_CONSTRUCTED.
 */
int heki_der_enter(const struct heki_der_elem *e, struct heki_der *inner);

/**
 * heki_der_enter_expect() - read an element with @tag and enter it
 * @d: outer cursor, advanced past the element on success
 * @tag: required (constructed) identifier octet
 * @inner: receives a cursor over the element's value
 *
 * Return: 0 or a heki_der_expect()/heki_der_enter() error.
 */
int heki_der_enter_expect(struct heki_der *d, __u8 tag,
			  struct heki_der *inner);

/**
 * heki_der_oid_eq() - compare an OID element with an encoded OID value
 * @e: element read from the input
 * @oid: expected OID content octets (without tag and length)
 * @oid_len: length of @oid
 *
 * Return: non-zero when @e is an OBJECT IDENTIFIER with exactly @oid.
 */
int heki_der_oid_eq(const struct heki_der_elem *e, const __u8 *oid,
		    __u32 oid_len);

/**
 * heki_der_oid_valid() - whether an OID element is well formed
 * @e: element read from the input
 *
 * Return: non-zero when @e is a non-empty OBJECT IDENTIFIER whose every
 * subidentifier is minimal (no leading 0x80) and whose last byte ends a
 * subidentifier (bit 7 clear).
 */
int heki_der_oid_valid(const struct heki_der_elem *e);

/**
 * heki_der_primitive_valid() - DER rules of a universal primitive value
 * @e: element read from the input
 *
 * BOOLEAN is one byte 0x00/0xff, NULL is empty, INTEGER and ENUMERATED
 * are non-empty and minimal, OBJECT IDENTIFIER is heki_der_oid_valid(),
 * BIT STRING has an unused-bits octet <= 7 (0 when empty), UTF8String is
 * valid UTF-8, BMPString has an even length and UniversalString a length
 * that is a multiple of 4; universal string types may not be constructed;
 * tag 0 (end-of-contents) is refused.
 * Other tags are not checked.
 *
 * Return: non-zero when @e passes.
 */
int heki_der_primitive_valid(const struct heki_der_elem *e);

/**
 * heki_der_integer() - the magnitude of a non-negative INTEGER
 * @e: element (tag HEKI_DER_INTEGER)
 * @mag: receives the first significant byte (one leading 0x00 pad removed)
 * @mag_len: receives the number of bytes at @mag (at least 1)
 *
 * Return: 0, -HEKI_VSM_ERR_DER_UNEXPECTED_TAG, or
 * -HEKI_VSM_ERR_DER_BAD_INTEGER (empty, negative or non-minimal).
 */
int heki_der_integer(const struct heki_der_elem *e, const __u8 **mag,
		     __u32 *mag_len);

/**
 * heki_der_small_uint() - an INTEGER that fits in 32 bits
 * @e: element (tag HEKI_DER_INTEGER)
 * @out: receives the value
 *
 * Return: 0, -HEKI_VSM_ERR_DER_UNEXPECTED_TAG or
 * -HEKI_VSM_ERR_DER_BAD_INTEGER (negative, non-minimal or > 0xffffffff).
 */
int heki_der_small_uint(const struct heki_der_elem *e, __u32 *out);

/**
 * heki_der_bit_string() - the bytes of a BIT STRING with no unused bits
 * @e: element (tag HEKI_DER_BIT_STRING)
 * @bits: receives the first content byte after the unused-bits octet
 * @len: receives the number of content bytes
 *
 * Return: 0, -HEKI_VSM_ERR_DER_UNEXPECTED_TAG or
 * -HEKI_VSM_ERR_DER_BAD_BIT_STRING (empty or unused bits not 0).
 */
int heki_der_bit_string(const struct heki_der_elem *e, const __u8 **bits,
			__u32 *len);

/* Largest ECDSA coordinate the library verifies (NIST P-384), in bytes */
#define HEKI_ECDSA_MAX_SIZE	48

/**
 * heki_der_ecdsa_sig() - an ECDSA-Sig-Value as fixed-width r || s
 * @sig: the DER signature, SEQUENCE { r INTEGER, s INTEGER }
 * @len: length of @sig
 * @size: the curve's coordinate size in bytes (32 or 48)
 * @raw: receives r then s, each big-endian on @size bytes (2 * @size)
 *
 * Strict, as OpenSSL's ECDSA verification (which re-encodes the value and
 * compares): one SEQUENCE and nothing after it, exactly two INTEGERs,
 * each minimal and non-negative. The values are range-checked only as far
 * as the encoding allows (non-zero, at most @size bytes); r, s < n is
 * the verifier's check.
 *
 * Return: 0, -HEKI_VSM_ERR_SIG_PARSE_FAILED for an encoding that is not
 * that, -HEKI_VSM_ERR_SIG_KEY_REJECTED for r or s zero or longer than
 * @size, -HEKI_VSM_ERR_CRYPTO_BAD_ARGUMENT for @size above
 * HEKI_ECDSA_MAX_SIZE.
 */
int heki_der_ecdsa_sig(const __u8 *sig, __u32 len, __u32 size, __u8 *raw);

#endif /* _HEKI_VTL1_DER_H */

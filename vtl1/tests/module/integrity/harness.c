// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The synthetic ELF builder of the integrity tests and their one result
 * helper of their own (64-bit values); results through ../../check.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

void t_expect_u64(const char *group, const char *name, __u64 got, __u64 want)
{
	check_group(got == want, group, name, "got %#llx, want %#llx", got, want);
}

void eb_put16(struct eb_img *img, __u64 off, __u16 v)
{
	memcpy(img->buf + off, &v, sizeof(v));
}

void eb_put32(struct eb_img *img, __u64 off, __u32 v)
{
	memcpy(img->buf + off, &v, sizeof(v));
}

void eb_put64(struct eb_img *img, __u64 off, __u64 v)
{
	memcpy(img->buf + off, &v, sizeof(v));
}

__u64 eb_shdr(const struct eb_img *img, __u32 idx, __u32 field_off)
{
	return img->shoff + (__u64)idx * 64 + field_off;
}

static __u64 align_to(__u64 v, __u64 a)
{
	return a > 1 ? (v + a - 1) & ~(a - 1) : v;
}

/*
 * Lay out @secs (index 0 must be the SHT_NULL entry) followed by an
 * automatic .shstrtab: ELF header, section data, section header table.
 */
int eb_build(struct eb_img *img, const struct eb_sec *secs, unsigned int n)
{
	char names[1024];
	__u32 name_off[EB_MAX_SECS];
	__u64 off = 64, nlen = 1;
	unsigned int i;

	if (n + 1 > EB_MAX_SECS)
		return -1;
	memset(img, 0, sizeof(*img));
	memset(names, 0, sizeof(names));
	for (i = 0; i < n; i++) {
		const char *nm = secs[i].name ? secs[i].name : "";

		if (!*nm) {
			name_off[i] = 0;
			continue;
		}
		name_off[i] = (__u32)nlen;
		memcpy(names + nlen, nm, strlen(nm) + 1);
		nlen += strlen(nm) + 1;
	}
	name_off[n] = (__u32)nlen;
	memcpy(names + nlen, ".shstrtab", 10);
	nlen += 10;
	for (i = 0; i < EB_NR_SPARE; i++) {
		static const char * const spare[EB_NR_SPARE] = EB_SPARE_NAMES;

		img->spare_name[i] = (__u32)nlen;
		memcpy(names + nlen, spare[i], strlen(spare[i]) + 1);
		nlen += strlen(spare[i]) + 1;
	}

	for (i = 1; i < n; i++) {
		off = align_to(off, secs[i].align ? secs[i].align : 1);
		img->data_off[i] = off;
		if (secs[i].type == HEKI_SHT_NOBITS)
			continue;
		if (off + secs[i].size > EB_BUF)
			return -1;
		if (secs[i].data)
			memcpy(img->buf + off, secs[i].data, secs[i].size);
		off += secs[i].size;
	}
	img->data_off[n] = off;
	memcpy(img->buf + off, names, nlen);
	off = align_to(off + nlen, 8);
	img->shoff = off;
	img->shnum = n + 1;
	img->len = off + (__u64)img->shnum * 64;
	if (img->len > EB_BUF)
		return -1;

	memcpy(img->buf, "\177ELF", 4);
	img->buf[4] = 2;	/* ELFCLASS64 */
	img->buf[5] = 1;	/* ELFDATA2LSB */
	img->buf[6] = 1;	/* EV_CURRENT */
	eb_put16(img, 16, HEKI_ET_REL);
	eb_put16(img, 18, HEKI_EM_X86_64);
	eb_put32(img, 20, 1);
	eb_put64(img, 40, img->shoff);
	eb_put16(img, 52, 64);
	eb_put16(img, 58, 64);
	eb_put16(img, 60, (__u16)img->shnum);
	eb_put16(img, 62, (__u16)n);

	for (i = 1; i <= n; i++) {
		const struct eb_sec *s = i < n ? &secs[i] : NULL;

		eb_put32(img, eb_shdr(img, i, SH_NAME), name_off[i]);
		eb_put32(img, eb_shdr(img, i, SH_TYPE),
			 s ? s->type : HEKI_SHT_STRTAB);
		eb_put64(img, eb_shdr(img, i, SH_FLAGS), s ? s->flags : 0);
		eb_put64(img, eb_shdr(img, i, SH_OFFSET), img->data_off[i]);
		eb_put64(img, eb_shdr(img, i, SH_SIZE), s ? s->size : nlen);
		eb_put32(img, eb_shdr(img, i, SH_LINK), s ? s->link : 0);
		eb_put32(img, eb_shdr(img, i, SH_INFO), s ? s->info : 0);
		eb_put64(img, eb_shdr(img, i, SH_ALIGN), s ? s->align : 1);
		eb_put64(img, eb_shdr(img, i, SH_ENTSIZE), s ? s->entsize : 0);
	}
	return 0;
}

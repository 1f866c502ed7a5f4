// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Input: a file's bytes as VTL1 would receive them, and the module files
 * of a tree. A .ko.xz is decompressed first (the kernel verifies the
 * signature of the decompressed module; Debian 13 and later ship .ko.xz);
 * other compressions are reported as not checked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lzma.h>

#include "verify.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static void set_errno(struct hv_result *r, int err)
{
	r->verdict = HV_ERROR;
	r->step = "read";
	r->sys_errno = err;
}

static void set_refused(struct hv_result *r, const char *step, int code)
{
	r->verdict = HV_REFUSED;
	r->step = step;
	r->code = code;
}

/* The whole of @fd, at most @limit bytes; 1 if it is larger. */
static int read_plain(int fd, __u64 limit, struct hv_buf *b)
{
	struct stat st;
	__u64 got = 0;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((__u64)st.st_size > limit)
		return 1;
	b->data = malloc(st.st_size ? st.st_size : 1);
	if (!b->data)
		return -ENOMEM;
	while (got < (__u64)st.st_size) {
		ssize_t n = read(fd, b->data + got, st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -EIO;
		got += n;
	}
	b->len = got;
	return 0;
}

/* Decompress the .xz file in @in into @b, at most @limit bytes. */
static int unxz(const struct hv_buf *in, __u64 limit, struct hv_buf *b)
{
	lzma_stream s = LZMA_STREAM_INIT;
	__u64 cap = in->len * 4 + 4096;
	lzma_ret lr;

	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return -ENOMEM;
	s.next_in = in->data;
	s.avail_in = in->len;
	b->len = 0;
	for (;;) {
		__u8 *grown;

		if (cap > limit + 1)
			cap = limit + 1;
		grown = realloc(b->data, cap);
		if (!grown) {
			lzma_end(&s);
			return -ENOMEM;
		}
		b->data = grown;
		s.next_out = b->data + b->len;
		s.avail_out = cap - b->len;
		lr = lzma_code(&s, LZMA_FINISH);
		b->len = cap - s.avail_out;
		if (lr == LZMA_STREAM_END)
			break;
		if (lr != LZMA_OK && lr != LZMA_BUF_ERROR) {
			lzma_end(&s);
			return -EILSEQ;
		}
		if (b->len > limit) {
			lzma_end(&s);
			return 1;
		}
		if (!s.avail_out)
			cap *= 2;
		else if (lr == LZMA_BUF_ERROR) {
			lzma_end(&s);
			return -EILSEQ;	/* truncated */
		}
	}
	lzma_end(&s);
	return b->len > limit ? 1 : 0;
}

/**
 * hv_read_file() - the bytes VTL1 would check
 * @path: a file (a name ending in .xz is decompressed)
 * @limit: the library's size limit for this kind of input
 * @too_big: the library's error for input above @limit (positive)
 * @b: filled on success (free b->data)
 * @r: reset to an accepted verdict for @path; on failure, the verdict:
 *	refused with @too_big, or not checked
 *
 * Return: 0 on success, -1 with @r filled otherwise.
 */
int hv_read_file(const char *path, __u64 limit, int too_big, struct hv_buf *b,
		 struct hv_result *r)
{
	int xz = ends_with(path, ".xz");
	struct hv_buf raw = { 0 };
	int fd, ret;

	memset(r, 0, sizeof(*r));
	r->path = path;
	r->step = "";
	b->data = NULL;
	b->len = 0;
	if (ends_with(path, ".zst") || ends_with(path, ".gz")) {
		r->verdict = HV_ERROR;
		r->step = "read";
		r->detail = "compression not supported (only .xz): decompress the file first";
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_errno(r, errno);
		return -1;
	}
	/* The compressed file itself may be as large as its content. */
	ret = read_plain(fd, limit, xz ? &raw : b);
	close(fd);
	if (!ret && xz) {
		ret = unxz(&raw, limit, b);
		if (ret == -EILSEQ) {
			r->verdict = HV_ERROR;
			r->step = "read";
			r->detail = "not a valid .xz file";
		}
	}
	free(raw.data);
	if (!ret)
		return 0;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	if (ret == 1)
		set_refused(r, "size", too_big);
	else if (ret != -EILSEQ)
		set_errno(r, -ret);
	return -1;
}

/* ---- module trees ---------------------------------------------------- */

static struct hv_list *walk_list;
static int walk_err;

static int list_add(struct hv_list *l, const char *path)
{
	char *copy;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		char **grown = realloc(l->path, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		l->path = grown;
		l->cap = cap;
	}
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	l->path[l->n++] = copy;
	return 0;
}

static int is_module_name(const char *path)
{
	return ends_with(path, ".ko") || ends_with(path, ".ko.xz") ||
	       ends_with(path, ".ko.zst") || ends_with(path, ".ko.gz");
}

static int walk_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DNR) {
		walk_err = EACCES;
		return 1;
	}
	if (type != FTW_F || !is_module_name(path))
		return 0;
	walk_err = -list_add(walk_list, path);
	return walk_err ? 1 : 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/**
 * hv_collect_modules() - add a module file, or a tree's module files
 * @path: a file (taken whatever its name) or a directory (walked without
 *	following symbolic links inside it, from its real path if @path is
 *	one; every *.ko, *.ko.xz, *.ko.zst, *.ko.gz, in byte order of their
 *	names)
 * @l: list to append to
 *
 * Return: 0, or a positive errno (nothing at @path, an unreadable
 * directory, no memory).
 */
int hv_collect_modules(const char *path, struct hv_list *l)
{
	struct stat st;
	size_t first = l->n;
	char *real = NULL;

	if (stat(path, &st))
		return errno;
	if (!S_ISDIR(st.st_mode))
		return -list_add(l, path);
	/* A named link to a tree is followed (nftw would not descend). */
	if (!lstat(path, &st) && S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (!real)
			return errno;
	}
	walk_list = l;
	walk_err = 0;
	if (nftw(real ? real : path, walk_one, 32, FTW_PHYS) < 0 && !walk_err)
		walk_err = errno;
	free(real);
	if (!walk_err && l->n > first)
		qsort(l->path + first, l->n - first, sizeof(*l->path),
		      cmp_path);
	return walk_err;
}

/**
 * hv_list_free() - free the names of a list
 * @l: the list (emptied)
 */
void hv_list_free(struct hv_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->path[i]);
	free(l->path);
	l->path = NULL;
	l->n = l->cap = 0;
}

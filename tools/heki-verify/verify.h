/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * heki-verify - would VTL1 accept this? Offline checks of modules and kexec
 * images through the VTL1 library's own code (vtl1/src) and its OpenSSL
 * provider (vtl1/crypto/openssl.c). Shared declarations of the command's
 * files: main.c (options, exit status), keyring.c (the certs= file),
 * input.c (reading files and module trees), modules.c, simload.c,
 * kexec.c (the checks) and report.c (text, summary, JSON, progress).
 */
#ifndef HEKI_VERIFY_H
#define HEKI_VERIFY_H

#include <stddef.h>

#include <heki/abi.h>

struct heki_revocation;

/* Exit status (heki-verify(1), EXIT STATUS). */
#define HV_EXIT_ACCEPTED	0	/* every file accepted */
#define HV_EXIT_REFUSED		1	/* at least one file refused */
#define HV_EXIT_USAGE		2	/* bad command line */
#define HV_EXIT_ERROR		3	/* a file or the certificates unusable */

/* Version of the --json schema (Documentation/heki-verify.rst). */
#define HV_JSON_SCHEMA		1

/**
 * enum hv_verdict - the answer for one file
 * @HV_ACCEPTED: VTL1 would accept it (for the checks run)
 * @HV_REFUSED: VTL1 would refuse it; @code says why
 * @HV_ERROR: the file could not be checked (unreadable, unsupported
 *	compression); @sys_errno or @detail says why
 */
enum hv_verdict {
	HV_ACCEPTED,
	HV_REFUSED,
	HV_ERROR,
};

/**
 * struct hv_result - one file's verdict
 * @path: the file as found (not owned)
 * @verdict: enum hv_verdict
 * @step: the check that decided ("read", "size", "signature",
 *	"structure", "authenticode"); "" for an accepted file
 * @code: the library's error (a positive enum heki_vsm_error) for a
 *	refusal, 0 otherwise
 * @sys_errno: errno of a read failure, 0 otherwise
 * @detail: a fixed text for other errors (NULL if none)
 */
struct hv_result {
	const char *path;
	enum hv_verdict verdict;
	const char *step;
	int code;
	int sys_errno;
	const char *detail;
};

/**
 * struct hv_report - output settings and running totals
 * @command: "modules" or "kexec"
 * @check: "default" or "full"
 * @certs: the certificates file
 * @ncerts: certificates loaded from it
 * @json: print the JSON document instead of text
 * @quiet: text mode: print refused and unchecked files only
 * @progress: draw a progress line on stderr (a terminal)
 * @total: files to check (for the progress line)
 * @done: files checked so far
 * @count: files per enum hv_verdict
 * @by_code: refusals per error code
 */
struct hv_report {
	const char *command;
	const char *check;
	const char *certs;
	const char *revoked;
	const char *blocklist;
	__u32 ncerts;
	int json;
	int quiet;
	int progress;
	size_t total;
	size_t done;
	size_t count[3];
	size_t by_code[HEKI_VSM_ERR_COUNT];
};

/* keyring.c */
struct hv_keyring {
	const struct heki_vtl1_crypto *crypto;
	void *kr;
	__u32 count;
	struct heki_revocation *rev;
};

/**
 * struct hv_lists - the files LoadKData would carry
 * @certs: the certs= file
 * @revoked: the revoked= file, or NULL
 * @blocklist: the blocklist= file, or NULL
 */
struct hv_lists {
	const char *certs;
	const char *revoked;
	const char *blocklist;
};

int hv_keyring_load(struct hv_keyring *k, const struct hv_lists *l,
		    const char **bad, int *code, int *sys_errno);
void hv_keyring_free(struct hv_keyring *k);

/* input.c */
/**
 * struct hv_buf - a file's bytes (decompressed for .ko.xz)
 * @data: malloc'ed
 * @len: bytes in @data
 */
struct hv_buf {
	__u8 *data;
	__u64 len;
};

/**
 * struct hv_list - file names collected from the command line
 * @path: malloc'ed names
 * @n: entries used
 * @cap: entries allocated
 */
struct hv_list {
	char **path;
	size_t n;
	size_t cap;
};

int hv_read_file(const char *path, __u64 limit, int too_big, struct hv_buf *b,
		 struct hv_result *r);
int hv_collect_modules(const char *path, struct hv_list *l);
void hv_list_free(struct hv_list *l);

/* modules.c */
/**
 * struct hv_module_opts - what the modules command checks
 * @full: also the ELF structure, layout, relocations and rewrite-site
 *	tables on a simulated load (--full)
 * @layout_kernel: enum heki_modlayout_kernel for --full, 0 = from the
 *	module's vermagic
 */
struct hv_module_opts {
	int full;
	__u32 layout_kernel;
};

void hv_check_module(const struct hv_keyring *k,
		     const struct hv_module_opts *o, const char *path,
		     struct hv_result *r);
int hv_parse_kernel_version(const char *s, __u32 *layout_kernel);

/* simload.c */
struct heki_modverify;
int hv_simload(struct heki_modverify *mv);

/* kexec.c */
void hv_check_kexec(const struct hv_keyring *k, const char *path,
		    struct hv_result *r);

/* report.c */
void hv_report_begin(struct hv_report *rep);
void hv_report_add(struct hv_report *rep, const struct hv_result *r);
void hv_report_end(struct hv_report *rep);
int hv_report_status(const struct hv_report *rep);

#endif /* HEKI_VERIFY_H */

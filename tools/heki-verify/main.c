// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * heki-verify - the command line: options, the certificates, each file
 * through its check, the exit status (heki-verify(1)).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "verify.h"

#define DEFAULT_CERTS "/lib/firmware/heki/certs.der"

static const char usage_text[] =
	"usage: heki-verify modules [--certs FILE] [--revoked FILE]\n"
	"                           [--blocklist FILE] [--full] [--kernel VERSION]\n"
	"                           [--json] [--quiet] PATH...\n"
	"       heki-verify kexec [--certs FILE] [--revoked FILE] [--blocklist FILE]\n"
	"                         [--json] [--quiet] IMAGE...\n"
	"       heki-verify --help\n"
	"Would VTL1 accept these modules (files or module trees) or kexec\n"
	"images? --certs defaults to " DEFAULT_CERTS ".\n"
	"Exit status: 0 all accepted, 1 one refused, 2 usage, 3 not checked.\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "heki-verify: %s\n", msg);
	fputs(usage_text, stderr);
	return HV_EXIT_USAGE;
}

enum { OPT_CERTS = 1, OPT_REVOKED, OPT_BLOCKLIST, OPT_FULL, OPT_KERNEL,
	OPT_JSON, OPT_QUIET, OPT_HELP };

static const struct option options[] = {
	{ "certs", required_argument, NULL, OPT_CERTS },
	{ "revoked", required_argument, NULL, OPT_REVOKED },
	{ "blocklist", required_argument, NULL, OPT_BLOCKLIST },
	{ "full", no_argument, NULL, OPT_FULL },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int run(struct hv_report *rep, const struct hv_module_opts *mo,
	       int kexec, char **paths, int npaths)
{
	struct hv_lists lists = { rep->certs, rep->revoked, rep->blocklist };
	struct hv_list files = { 0 };
	struct hv_keyring k;
	const char *bad = rep->certs;
	int i, err, code, status;
	size_t f;

	for (i = 0; i < npaths; i++) {
		size_t before = files.n;

		err = kexec ? 0 : hv_collect_modules(paths[i], &files);
		if (kexec && access(paths[i], F_OK))
			err = ENOENT;
		if (err) {
			fprintf(stderr, "heki-verify: %s: %s\n", paths[i],
				strerror(err));
			hv_list_free(&files);
			return HV_EXIT_ERROR;
		}
		if (!kexec && files.n == before)
			fprintf(stderr, "heki-verify: %s: no module files (*.ko, *.ko.xz, *.ko.zst, *.ko.gz)\n",
				paths[i]);
	}
	if (hv_keyring_load(&k, &lists, &bad, &code, &err)) {
		if (code)
			fprintf(stderr, "heki-verify: %s: %s (%s)\n", bad,
				heki_vsm_error_name((enum heki_vsm_error)code) ?: "UNKNOWN",
				heki_vsm_error_message((enum heki_vsm_error)code) ?: "");
		else
			fprintf(stderr, "heki-verify: %s: %s\n", bad,
				strerror(err));
		hv_list_free(&files);
		return HV_EXIT_ERROR;
	}
	rep->ncerts = k.count;
	rep->total = kexec ? (size_t)npaths : files.n;
	hv_report_begin(rep);
	for (f = 0; f < rep->total; f++) {
		struct hv_result r;

		if (kexec)
			hv_check_kexec(&k, paths[f], &r);
		else
			hv_check_module(&k, mo, files.path[f], &r);
		hv_report_add(rep, &r);
	}
	hv_report_end(rep);
	status = hv_report_status(rep);
	hv_keyring_free(&k);
	hv_list_free(&files);
	return status;
}

int main(int argc, char **argv)
{
	struct hv_report rep = { .certs = DEFAULT_CERTS, .check = "default" };
	struct hv_module_opts mo = { 0 };
	int kexec, opt;

	if (argc < 2)
		return usage(NULL);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return HV_EXIT_ACCEPTED;
	}
	if (!strcmp(argv[1], "modules"))
		kexec = 0;
	else if (!strcmp(argv[1], "kexec"))
		kexec = 1;
	else
		return usage("unknown command (modules or kexec)");
	rep.command = argv[1];
	argc--;
	argv++;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case OPT_CERTS:
			rep.certs = optarg;
			break;
		case OPT_REVOKED:
			rep.revoked = optarg;
			break;
		case OPT_BLOCKLIST:
			rep.blocklist = optarg;
			break;
		case OPT_FULL:
			if (kexec)
				return usage("--full is an option of modules");
			mo.full = 1;
			rep.check = "full";
			break;
		case OPT_KERNEL:
			if (kexec)
				return usage("--kernel is an option of modules");
			if (hv_parse_kernel_version(optarg, &mo.layout_kernel))
				return usage("--kernel takes MAJOR.MINOR, e.g. 6.1");
			break;
		case OPT_JSON:
			rep.json = 1;
			break;
		case OPT_QUIET:
			rep.quiet = 1;
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return HV_EXIT_ACCEPTED;
		default:
			return usage("unknown option or missing argument");
		}
	}
	if (optind >= argc)
		return usage(kexec ? "no image given" : "no module or tree given");
	if (mo.layout_kernel && !mo.full)
		return usage("--kernel goes with --full");
	rep.progress = isatty(STDERR_FILENO);
	return run(&rep, &mo, kexec, argv + optind, argc - optind);
}

// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Output: one line per file and a summary table (text), or one JSON
 * document (--json, schema in Documentation/heki-verify.rst), on stdout;
 * a progress line on stderr when it is a terminal. VTL1's reasons are the
 * names and messages of uapi/heki/errors.h (heki_vsm_error_name(),
 * heki_vsm_error_message()), the same words VTL1 logs.
 */
#include <stdio.h>
#include <string.h>

#include "verify.h"

static const char *const verdict_name[] = {
	[HV_ACCEPTED] = "accepted",
	[HV_REFUSED] = "refused",
	[HV_ERROR] = "error",
};

static const char *code_name(int code)
{
	const char *n = heki_vsm_error_name((enum heki_vsm_error)code);

	return n ? n : "UNKNOWN";
}

static const char *code_message(int code)
{
	const char *m = heki_vsm_error_message((enum heki_vsm_error)code);

	return m ? m : "unknown error";
}

static const char *error_text(const struct hv_result *r)
{
	if (r->detail)
		return r->detail;
	return strerror(r->sys_errno);
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
static void json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void progress_clear(const struct hv_report *rep)
{
	if (rep->progress)
		fputs("\r\033[K", stderr);
}

static void progress_draw(const struct hv_report *rep)
{
	enum { WIDTH = 40 };
	size_t fill;
	char bar[WIDTH + 1];

	if (!rep->progress || !rep->total)
		return;
	fill = rep->done * WIDTH / rep->total;
	memset(bar, '#', fill);
	memset(bar + fill, '.', WIDTH - fill);
	bar[WIDTH] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu", bar, rep->done, rep->total);
}

/**
 * hv_report_begin() - start the output
 * @rep: settings; the totals are reset
 */
void hv_report_begin(struct hv_report *rep)
{
	rep->done = 0;
	memset(rep->count, 0, sizeof(rep->count));
	memset(rep->by_code, 0, sizeof(rep->by_code));
	if (rep->json) {
		printf("{\"schema\":%d,\"command\":\"%s\",\"check\":\"%s\",\"certs\":{\"file\":",
		       HV_JSON_SCHEMA, rep->command, rep->check);
		json_str(rep->certs);
		printf(",\"count\":%u},\"results\":[", rep->ncerts);
	}
	progress_draw(rep);
}

static void add_json(const struct hv_report *rep, const struct hv_result *r)
{
	printf("%s\n{\"path\":", rep->done > 1 ? "," : "");
	json_str(r->path);
	printf(",\"verdict\":\"%s\",\"step\":", verdict_name[r->verdict]);
	json_str(r->step);
	if (r->verdict == HV_REFUSED) {
		printf(",\"error\":\"%s\",\"errno\":%d,\"reason\":",
		       code_name(r->code),
		       heki_vsm_error_errno((enum heki_vsm_error)r->code));
		json_str(code_message(r->code));
	} else if (r->verdict == HV_ERROR) {
		printf(",\"error\":null,\"errno\":null,\"reason\":");
		json_str(error_text(r));
	} else {
		printf(",\"error\":null,\"errno\":null,\"reason\":null");
	}
	putchar('}');
}

static void add_text(const struct hv_report *rep, const struct hv_result *r)
{
	if (rep->quiet && r->verdict == HV_ACCEPTED)
		return;
	printf("%-8s %s", verdict_name[r->verdict], r->path);
	if (r->verdict == HV_REFUSED)
		printf(": %s: %s (%s)", r->step, code_name(r->code),
		       code_message(r->code));
	else if (r->verdict == HV_ERROR)
		printf(": %s: %s", r->step, error_text(r));
	putchar('\n');
}

/**
 * hv_report_add() - one file's verdict
 * @rep: the report
 * @r: the verdict
 */
void hv_report_add(struct hv_report *rep, const struct hv_result *r)
{
	rep->done++;
	rep->count[r->verdict]++;
	if (r->verdict == HV_REFUSED && r->code > 0 &&
	    r->code < HEKI_VSM_ERR_COUNT)
		rep->by_code[r->code]++;
	progress_clear(rep);
	if (rep->json)
		add_json(rep, r);
	else
		add_text(rep, r);
	if (rep->progress)
		fflush(stdout);
	progress_draw(rep);
}

/**
 * hv_report_end() - the summary (text table or the JSON document's end)
 * @rep: the report
 */
void hv_report_end(struct hv_report *rep)
{
	const char *sep = "";
	int c;

	progress_clear(rep);
	if (rep->json) {
		printf("\n],\"summary\":{\"total\":%zu,\"accepted\":%zu,\"refused\":%zu,\"error\":%zu,\"refusals\":{",
		       rep->done, rep->count[HV_ACCEPTED],
		       rep->count[HV_REFUSED], rep->count[HV_ERROR]);
		for (c = 1; c < HEKI_VSM_ERR_COUNT; c++) {
			if (!rep->by_code[c])
				continue;
			printf("%s\"%s\":%zu", sep, code_name(c),
			       rep->by_code[c]);
			sep = ",";
		}
		printf("}},\"status\":%d}\n", hv_report_status(rep));
		fflush(stdout);
		return;
	}
	printf("\nheki-verify %s (%s check), %u certificate%s from %s\n",
	       rep->command, rep->check, rep->ncerts,
	       rep->ncerts == 1 ? "" : "s", rep->certs);
	if (rep->revoked)
		printf("  revoked certificates from %s\n", rep->revoked);
	if (rep->blocklist)
		printf("  blocklist from %s\n", rep->blocklist);
	printf("  %-36s %8zu\n", "accepted", rep->count[HV_ACCEPTED]);
	printf("  %-36s %8zu\n", "refused", rep->count[HV_REFUSED]);
	for (c = 1; c < HEKI_VSM_ERR_COUNT; c++)
		if (rep->by_code[c])
			printf("    %-34s %8zu\n", code_name(c),
			       rep->by_code[c]);
	printf("  %-36s %8zu\n", "not checked (error)", rep->count[HV_ERROR]);
	printf("  %-36s %8zu\n", "total", rep->done);
	fflush(stdout);
}

/**
 * hv_report_status() - the exit status the verdicts call for
 * @rep: the report
 *
 * Return: HV_EXIT_REFUSED if a file was refused, else HV_EXIT_ERROR if a
 * file was not checked or there was none, else HV_EXIT_ACCEPTED.
 */
int hv_report_status(const struct hv_report *rep)
{
	if (rep->count[HV_REFUSED])
		return HV_EXIT_REFUSED;
	if (rep->count[HV_ERROR] || !rep->done)
		return HV_EXIT_ERROR;
	return HV_EXIT_ACCEPTED;
}

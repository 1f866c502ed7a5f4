// SPDX-License-Identifier: GPL-2.0-only
/*
 * audit-read.c - the guest's audit daemon for the VM suites (static).
 *
 * Usage: audit-read FILE
 *
 * Registers with the kernel as the audit daemon (AUDIT_SET: enabled 1, pid
 * its own), as auditd does, and appends every record the kernel sends to
 * FILE in auditd's raw log format, "type=NAME msg=audit(...): fields", one
 * line each, flushed at once; ausearch -if FILE reads it. Prints "ready"
 * once registered; runs until killed. Exit status 1 when it cannot
 * register.
 */
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A record is at most MAX_AUDIT_MESSAGE_LENGTH (8970) bytes of text. */
#define MAX_MSG		9000

/* The record types the suites read, by the names auparse knows. */
static const char *type_name(int type, char *buf, size_t len)
{
	switch (type) {
	case AUDIT_KERNEL_OTHER:
		return "KERNEL_OTHER";
	case AUDIT_CONFIG_CHANGE:
		return "CONFIG_CHANGE";
	default:
		snprintf(buf, len, "UNKNOWN[%d]", type);
		return buf;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		struct audit_status s;
	} req;
	static char msg[MAX_MSG + NLMSG_HDRLEN + 1];
	char name[32];
	FILE *out;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	out = fopen(argv[1], "a");
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (!out || fd < 0) {
		perror("audit-read");
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.s));
	req.h.nlmsg_type = AUDIT_SET;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.s.mask = AUDIT_STATUS_ENABLED | AUDIT_STATUS_PID;
	req.s.enabled = 1;
	req.s.pid = (unsigned int)getpid();
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		perror("audit-read: AUDIT_SET");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);
		const struct nlmsghdr *h = (const void *)msg;
		const char *text = msg + NLMSG_HDRLEN;
		size_t len;

		if (n < (ssize_t)NLMSG_HDRLEN)
			continue;
		if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE)
			continue;
		msg[n] = '\0';
		len = strnlen(text, (size_t)n - NLMSG_HDRLEN);
		fprintf(out, "type=%s msg=%.*s\n",
			type_name(h->nlmsg_type, name, sizeof(name)),
			(int)len, text);
		fflush(out);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl monitor [buffer BYTES]: every change of the namespace's forwards as
 * it happens, one line each in add's words ("+ tcp 80 192.168.1.2:8080",
 * "- ...", "- ... (expired)", "flush", "restore N forwards"), or JSON lines with -j. When the
 * kernel had to drop announcements because pfctl fell behind (ENOBUFS), it
 * says so ("resync") and prints the whole table ("= ..." lines). Ends on
 * SIGINT or SIGTERM, or when the module goes away.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "lines.h"
#include "msg.h"
#include "pfctl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct monitor {
	struct pf_nl *nl;
	bool gone;		/* the module went away */
};

/* The top-level attribute @type of @nlh as a u32; 0 without it. */
static uint32_t msg_u32(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == type && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			return mnl_attr_get_u32(a);
	return 0;
}

static void print_forward_event(const char *sign, const char *name, const struct pf_forward *f,
				bool keep, bool expired)
{
	char words[PF_SAVE_LINE];

	if (opts.json) {
		printf("{\"event\":\"%s\",", name);
		if (!strcmp(name, "del"))
			printf("\"keep\":%s,\"expired\":%s,", keep ? "true" : "false",
			       expired ? "true" : "false");
		printf("\"forward\":");
		pf_print_json_forward(stdout, f);
		printf("}\n");
		return;
	}
	pf_format_save(f, words, sizeof(words));
	printf("%s %s%s%s\n", sign, words, keep ? " keep" : "", expired ? " (expired)" : "");
}

static void print_table_event(const char *name, uint32_t count, bool keep)
{
	if (opts.json)
		printf("{\"event\":\"%s\",\"forwards\":%u,\"keep\":%s}\n", name, count,
		       keep ? "true" : "false");
	else if (!strcmp(name, "flush"))
		printf("flush%s\n", keep ? " keep" : "");
	else
		printf("restore %u forward%s%s\n", count, count == 1 ? "" : "s", keep ? " keep" : "");
}

static int event_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct monitor *m = arg;
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	bool keep, expired;
	struct pf_forward f;

	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		/* The module going: nlctrl says the family is gone. */
		const struct nlattr *a;

		if (g->cmd != CTRL_CMD_DELFAMILY)
			return MNL_CB_OK;
		mnl_attr_for_each(a, nlh, GENL_HDRLEN)
			if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0 &&
			    !strcmp(mnl_attr_get_str(a), PFMOD_GENL_NAME))
				m->gone = true;
		return MNL_CB_OK;
	}
	if (nlh->nlmsg_type != m->nl->family)
		return MNL_CB_OK;
	keep = msg_u32(nlh, PFMOD_A_FLAGS) & PFMOD_REQ_F_KEEP_CONNS;
	expired = msg_u32(nlh, PFMOD_A_FLAGS) & PFMOD_EVENT_F_EXPIRED;
	switch (g->cmd) {
	case PFMOD_CMD_ADD:
	case PFMOD_CMD_DEL:
		if (pf_msg_get_forward(nlh, &f))
			return MNL_CB_OK;
		if (g->cmd == PFMOD_CMD_ADD)
			print_forward_event("+", "add", &f, false, false);
		else
			print_forward_event("-", "del", &f, keep, expired);
		break;
	case PFMOD_CMD_FLUSH:
		print_table_event("flush", msg_u32(nlh, PFMOD_A_COUNT), keep);
		break;
	case PFMOD_CMD_REPLACE:
		print_table_event("restore", msg_u32(nlh, PFMOD_A_COUNT), keep);
		break;
	}
	return MNL_CB_OK;
}

/* "= " and @f in add's words, at the end of the lines. */
static int resync_one(const struct pf_forward *f, void *arg)
{
	struct pf_dump_text *r = arg;
	char *at = pf_lines_room(&r->lines, 2 + PF_SAVE_LINE);

	if (!at)
		return -ENOMEM;
	memcpy(at, "= ", 2);
	pf_lines_add(&r->lines, 2 + pf_format_save_at(f, r->now, at + 2, PF_SAVE_LINE));
	r->n++;
	return 0;
}

/*
 * Announcements were lost: the whole table, as it is now, gathered as the
 * dump brings it (as pfctl save and show do) and printed after the marker.
 * A table that changed during every try is read whole at the last one, and
 * the marker says so: no one state of the table, but with the changes made
 * while it was read, which this listener hears and prints after it, the
 * state now (not across a restore, announced by its count alone).
 * Announcements already queued when the dump began are printed after it
 * too: the lines after a resync may repeat what it shows.
 */
static int resync(void)
{
	struct pf_dump_text r = { .now = time(NULL) };
	bool changed = false;
	int ret;

	if (opts.json) {
		ret = pf_json_forwards(PF_DUMP_CHANGING, &changed, "}\n", &r.lines);
		if (!ret)
			printf("{\"event\":\"resync\",\"changing\":%s,\"forwards\":",
			       changed ? "true" : "false");
	} else {
		ret = pf_dump_forwards(PF_DUMP_CHANGING, &changed, resync_one, pf_dump_text_again,
				       &r);
		if (!ret)
			printf("resync: %zu forward%s%s\n", r.n, r.n == 1 ? "" : "s",
			       changed ? ", read while the table changed" : "");
	}
	if (!ret && pf_lines_write(&r.lines, stdout)) {
		perror("pfctl: monitor");
		ret = EXIT_OTHER;
	}
	pf_lines_free(&r.lines);
	return ret;
}

static int join(struct pf_nl *nl, uint32_t group, const char *what)
{
	int g = group;

	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) == 0)
		return 0;
	if (errno == EPERM || errno == EACCES)
		fprintf(stderr, "%s: cannot listen to %s: %s (pfctl monitor needs CAP_NET_ADMIN)\n",
			prog, what, strerror(errno));
	else
		fprintf(stderr, "%s: cannot listen to %s: %s\n", prog, what, strerror(errno));
	return EXIT_OTHER;
}

int cmd_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct monitor m = { 0 };
	struct pf_nl nl;
	char *end;
	long rcvbuf = 0;
	ssize_t n;
	int ret;

	if (argc == 3 && !strcmp(argv[1], "buffer")) {
		rcvbuf = strtol(argv[2], &end, 10);
		if (!argv[2][0] || *end || rcvbuf < 1)
			return pf_usage_error("monitor: bad buffer size '%s' (bytes)", argv[2]);
	} else if (argc > 1) {
		return pf_usage_error("monitor takes nothing but 'buffer BYTES' (unexpected '%s')",
				      argv[1]);
	}
	ret = pf_connect(&nl);
	if (ret)
		return ret;
	m.nl = &nl;
	if (!nl.mcgrp_config) {
		fprintf(stderr, "%s: this pfmod module announces no changes (too old for pfctl monitor)\n",
			prog);
		pf_nl_close(&nl);
		return EXIT_MODULE;
	}
	ret = join(&nl, nl.mcgrp_config, "pfmod's changes");
	if (!ret)
		ret = join(&nl, GENL_ID_CTRL, "generic netlink's notices");
	if (ret) {
		pf_nl_close(&nl);
		return ret;
	}
	if (rcvbuf)
		setsockopt(mnl_socket_get_fd(nl.sock), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(int));
	/* No SA_RESTART: a signal ends the wait. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop && !m.gone) {
		n = mnl_socket_recvfrom(nl.sock, nl.buf, nl.bufsize);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				ret = resync();
				if (ret)
					break;
				continue;
			}
			fprintf(stderr, "%s: monitor: %s\n", prog, strerror(errno));
			ret = EXIT_OTHER;
			break;
		}
		mnl_cb_run(nl.buf, n, 0, 0, event_cb, &m);
	}
	if (m.gone) {
		if (opts.json)
			printf("{\"event\":\"module gone\"}\n");
		else
			printf("the pfmod module is gone\n");
	}
	pf_nl_close(&nl);
	return ret;
}

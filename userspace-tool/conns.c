// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl conns [ID]: the connections pfmod translated in this namespace, of
 * every forward or of forward ID, as conntrack has them (a ctnetlink dump),
 * with the forward each belongs to, read from the conntrack labels pfmod
 * records (PFMOD_LABEL_BIT_* in the uapi header).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "forward.h"
#include "pfctl.h"
#include "table.h"

struct pf_end {
	union pf_addr addr;
	uint16_t port;
};

struct pf_conn {
	uint32_t entry;		/* conntrack's id of the entry */
	uint32_t fwd;		/* 0: not pfmod's */
	bool ended, snatted;
	int family;
	uint8_t proto;
	int tcp_state;		/* -1: none */
	uint32_t timeout;
	struct pf_end osrc, odst, rsrc, rdst;
};

struct pf_conns {
	struct pf_conn *v;
	size_t n, cap;
	uint32_t only;		/* forward id, or 0 for all */
};

static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT",
	"LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

/* Bit @n of a labels attribute, numbered as the kernel's bitmap numbers it. */
static unsigned long label_bits(const void *labels, unsigned int n, unsigned int count)
{
	const unsigned long *w = labels;
	unsigned int bpl = 8 * sizeof(long);

	return (w[n / bpl] >> (n % bpl)) & ((1UL << count) - 1);
}

static int put_ip(const struct nlattr *nest, union pf_addr *src, union pf_addr *dst,
		  int *family)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case CTA_IP_V4_SRC:
		case CTA_IP_V4_DST:
			if (mnl_attr_get_payload_len(a) != 4)
				return -1;
			*family = AF_INET;
			memcpy(mnl_attr_get_type(a) == CTA_IP_V4_SRC ? src : dst,
			       mnl_attr_get_payload(a), 4);
			break;
		case CTA_IP_V6_SRC:
		case CTA_IP_V6_DST:
			if (mnl_attr_get_payload_len(a) != 16)
				return -1;
			*family = AF_INET6;
			memcpy(mnl_attr_get_type(a) == CTA_IP_V6_SRC ? src : dst,
			       mnl_attr_get_payload(a), 16);
			break;
		}
	}
	return 0;
}

static int put_tuple(const struct nlattr *nest, struct pf_end *src, struct pf_end *dst,
		     struct pf_conn *c)
{
	const struct nlattr *a, *p;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == CTA_TUPLE_IP &&
		    put_ip(a, &src->addr, &dst->addr, &c->family))
			return -1;
		if (mnl_attr_get_type(a) != CTA_TUPLE_PROTO)
			continue;
		mnl_attr_for_each_nested(p, a) {
			switch (mnl_attr_get_type(p)) {
			case CTA_PROTO_NUM:
				c->proto = mnl_attr_get_u8(p);
				break;
			case CTA_PROTO_SRC_PORT:
				src->port = ntohs(mnl_attr_get_u16(p));
				break;
			case CTA_PROTO_DST_PORT:
				dst->port = ntohs(mnl_attr_get_u16(p));
				break;
			}
		}
	}
	return 0;
}

static int conn_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct pf_conns *list = arg;
	const struct nlattr *a, *p, *t;
	struct pf_conn c = { .tcp_state = -1 };

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
		switch (mnl_attr_get_type(a)) {
		case CTA_TUPLE_ORIG:
			if (put_tuple(a, &c.osrc, &c.odst, &c))
				return MNL_CB_ERROR;
			break;
		case CTA_TUPLE_REPLY:
			if (put_tuple(a, &c.rsrc, &c.rdst, &c))
				return MNL_CB_ERROR;
			break;
		case CTA_ID:
			c.entry = ntohl(mnl_attr_get_u32(a));
			break;
		case CTA_TIMEOUT:
			c.timeout = ntohl(mnl_attr_get_u32(a));
			break;
		case CTA_LABELS:
			if (mnl_attr_get_payload_len(a) * 8 <= PFMOD_LABEL_BIT_LAST)
				break;
			c.fwd = label_bits(mnl_attr_get_payload(a), PFMOD_LABEL_BIT_ID, 32);
			c.ended = label_bits(mnl_attr_get_payload(a), PFMOD_LABEL_BIT_ENDED, 1);
			c.snatted = label_bits(mnl_attr_get_payload(a), PFMOD_LABEL_BIT_SNATTED, 1);
			break;
		case CTA_PROTOINFO:
			mnl_attr_for_each_nested(p, a) {
				if (mnl_attr_get_type(p) != CTA_PROTOINFO_TCP)
					continue;
				mnl_attr_for_each_nested(t, p)
					if (mnl_attr_get_type(t) == CTA_PROTOINFO_TCP_STATE)
						c.tcp_state = mnl_attr_get_u8(t);
			}
			break;
		}
	}
	if (!c.fwd || (list->only && c.fwd != list->only))
		return MNL_CB_OK;
	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 64;
		struct pf_conn *v = realloc(list->v, cap * sizeof(*v));

		if (!v) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		list->v = v;
		list->cap = cap;
	}
	list->v[list->n++] = c;
	return MNL_CB_OK;
}

static int read_conns(struct pf_conns *list, char *err, size_t errlen)
{
	int ret = pf_nfnl_dump(NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET, AF_UNSPEC,
			       conn_cb, list);

	if (ret < 0) {
		snprintf(err, errlen, "cannot read conntrack: %s%s", strerror(-ret),
			 ret == -EPERM ? " (pfctl needs CAP_NET_ADMIN)" : "");
		return -1;
	}
	return 0;
}

static void format_end(int family, const struct pf_end *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, &e->addr, a, sizeof(a));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, e->port);
}

static const char *state_name(const struct pf_conn *c)
{
	if (c->tcp_state < 0)
		return "-";
	if ((size_t)c->tcp_state < sizeof(tcp_states) / sizeof(tcp_states[0]))
		return tcp_states[c->tcp_state];
	return "?";
}

/* A connection's four ends as text. */
struct conn_ends {
	char client[64], listen[64], target[64], seen_as[64];
};

static void format_ends(const struct pf_conn *c, struct conn_ends *e)
{
	format_end(c->family, &c->osrc, e->client, sizeof(e->client));
	format_end(c->family, &c->odst, e->listen, sizeof(e->listen));
	format_end(c->family, &c->rsrc, e->target, sizeof(e->target));
	format_end(c->family, &c->rdst, e->seen_as, sizeof(e->seen_as));
}

static const struct pf_column conn_columns[] = {
	{ .name = "FWD" }, { .name = "ENTRY" }, { .name = "PROTO" }, { .name = "STATE" },
	{ .name = "CLIENT" }, { .name = "LISTEN" }, { .name = "TARGET" },
	{ .name = "TARGET_SEES" }, { .name = "ENDED" },
};

#define PF_CONN_ROW 512

/* The connections as a table: 0, or -1 with errno. */
static int print_conn_table(const struct pf_conns *list)
{
	struct pf_table_text t = {
		.cols = conn_columns,
		.n = sizeof(conn_columns) / sizeof(conn_columns[0]),
	};
	const struct pf_conn *c;
	struct conn_ends e;
	int ret = 0, len;
	size_t i;
	char *at;

	for (i = 0; i < list->n && !ret; i++) {
		c = &list->v[i];
		format_ends(c, &e);
		at = pf_table_room(&t, PF_CONN_ROW);
		if (!at) {
			errno = ENOMEM;
			ret = -1;
			break;
		}
		len = snprintf(at, PF_CONN_ROW, "%u\t%u\t%s\t%s\t%s\t%s\t%s\t%s\t%s", c->fwd,
			       c->entry, pf_proto_name(c->proto), state_name(c), e.client, e.listen,
			       e.target, e.seen_as, c->ended ? "yes" : "no");
		pf_table_row(&t, len < PF_CONN_ROW ? len : PF_CONN_ROW - 1);
	}
	if (!ret)
		ret = pf_table_write(&t, (1U << t.n) - 1, stdout);
	pf_table_free(&t);
	return ret;
}

static void print_conns_json(const struct pf_conns *list)
{
	const struct pf_conn *c;
	struct conn_ends e;
	size_t i;

	putchar('[');
	for (i = 0; i < list->n; i++) {
		c = &list->v[i];
		format_ends(c, &e);
		printf("%s{\"forward\":%u,\"entry\":%u,\"protocol\":\"%s\",\"state\":\"%s\","
		       "\"client\":\"%s\",\"listen\":\"%s\",\"target\":\"%s\",\"target_sees\":\"%s\","
		       "\"source_nat\":%s,\"ended\":%s,\"timeout\":%u}",
		       i ? "," : "", c->fwd, c->entry, pf_proto_name(c->proto), state_name(c),
		       e.client, e.listen, e.target, e.seen_as, c->snatted ? "true" : "false",
		       c->ended ? "true" : "false", c->timeout);
	}
	printf("]\n");
}

int cmd_conns(int argc, char **argv)
{
	struct pf_conns list = { 0 };
	unsigned long id;
	char err[256], *end;

	if (argc > 2)
		return pf_usage_error("conns takes at most a forward's id (unexpected '%s')",
				      argv[2]);
	if (argc == 2) {
		id = strtoul(argv[1], &end, 10);
		if (!argv[1][0] || *end || id < 1 || id > UINT32_MAX)
			return pf_usage_error("conns: bad forward id '%s'", argv[1]);
		list.only = id;
	}
	if (read_conns(&list, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		free(list.v);
		return EXIT_OTHER;
	}
	if (opts.json) {
		print_conns_json(&list);
	} else if (print_conn_table(&list)) {
		perror("pfctl: cannot write the connections");
		free(list.v);
		return EXIT_OTHER;
	}
	free(list.v);
	return 0;
}

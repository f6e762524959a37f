// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl which: the forward the module's table picks for a connection from
 * CLIENT to ADDR:PORT (PFMOD_CMD_LOOKUP), without making one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "msg.h"
#include "pfctl.h"
#include "fwd_table.h"

struct which_req {
	int family;
	uint8_t proto;
	union pf_addr saddr, daddr;
	uint16_t dport;
	char ifname[IF_NAMESIZE];
	bool scan;
};

static int addr_of(const char *s, size_t n, union pf_addr *a, int *family, const char *what)
{
	char err[256];
	int fam;

	fam = pf_parse_addr(s, n, a, what, err, sizeof(err));
	if (fam < 0)
		return pf_usage_error("which: %s", err);
	if (*family && *family != fam)
		return pf_usage_error("which: the %s '%.*s' is not of the same family as the other address",
				      what, (int)n, s);
	*family = fam;
	return 0;
}

/* ADDR:PORT or [V6ADDR]:PORT */
static int parse_dest(const char *s, struct which_req *w)
{
	const char *addr = s, *port, *end;
	unsigned long v;
	char *e;
	size_t n;
	int ret;

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || end[1] != ':')
			return pf_usage_error("which: bad destination '%s': expected [ADDR]:PORT", s);
		addr = s + 1;
		n = end - addr;
		port = end + 2;
	} else {
		port = strrchr(s, ':');
		if (!port || strchr(s, ':') != port)
			return pf_usage_error("which: bad destination '%s': expected ADDR:PORT (IPv6: [ADDR]:PORT)",
					      s);
		n = port - s;
		port++;
	}
	ret = addr_of(addr, n, &w->daddr, &w->family, "destination address");
	if (ret)
		return ret;
	errno = 0;
	v = strtoul(port, &e, 10);
	if (!port[0] || *e || errno || v < 1 || v > 65535)
		return pf_usage_error("which: bad port '%s' (1-65535)", port);
	w->dport = v;
	return 0;
}

static int parse_which(int argc, char **argv, struct which_req *w)
{
	bool have_from = false;
	int a = 1;

	memset(w, 0, sizeof(*w));
	w->proto = IPPROTO_TCP;
	if (a < argc && (!strcmp(argv[a], "tcp") || !strcmp(argv[a], "udp") ||
			 !strcmp(argv[a], "sctp"))) {
		w->proto = !strcmp(argv[a], "tcp") ? IPPROTO_TCP :
			   !strcmp(argv[a], "udp") ? IPPROTO_UDP : IPPROTO_SCTP;
		a++;
	}
	if (a >= argc)
		return pf_usage_error("usage: %s which %s", prog, PFCTL_WHICH_ARGS);
	if (parse_dest(argv[a++], w))
		return EXIT_USAGE;
	for (; a < argc; a++) {
		if (!strcmp(argv[a], "scan")) {
			w->scan = true;
			continue;
		}
		if (strcmp(argv[a], "from") && strcmp(argv[a], "dev"))
			return pf_usage_error("which: unknown keyword '%s'", argv[a]);
		if (a + 1 >= argc)
			return pf_usage_error("which: '%s' needs a value", argv[a]);
		if (!strcmp(argv[a], "from")) {
			if (have_from)
				return pf_usage_error("which: 'from' given twice");
			if (addr_of(argv[a + 1], strlen(argv[a + 1]), &w->saddr, &w->family,
				    "client address"))
				return EXIT_USAGE;
			have_from = true;
		} else {
			if (w->ifname[0])
				return pf_usage_error("which: 'dev' given twice");
			if (!argv[a + 1][0] || strlen(argv[a + 1]) >= IF_NAMESIZE ||
			    strpbrk(argv[a + 1], "/ \t"))
				return pf_usage_error("which: bad interface name '%s'", argv[a + 1]);
			strcpy(w->ifname, argv[a + 1]);
		}
		a++;
	}
	if (!have_from)
		return pf_usage_error("which: 'from CLIENT' missing: the client's address decides among forwards with 'from'");
	return 0;
}

static int reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	pf_msg_get_forward(nlh, arg);
	return MNL_CB_OK;
}

/* Asks the module; 0 with @f filled, -ENOENT when no forward applies. */
static int lookup(struct pf_nl *nl, const struct which_req *w, struct pf_forward *f)
{
	size_t alen = pf_addr_len(w->family);
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	memset(f, 0, sizeof(*f));
	nlh = pf_nl_msg(nl, PFMOD_CMD_LOOKUP, 0);
	nest = mnl_attr_nest_start(nlh, PFMOD_A_LOOKUP);
	mnl_attr_put_u8(nlh, PFMOD_LOOKUP_A_FAMILY, w->family);
	mnl_attr_put_u8(nlh, PFMOD_LOOKUP_A_PROTO, w->proto);
	mnl_attr_put(nlh, PFMOD_LOOKUP_A_SADDR, alen, &w->saddr);
	mnl_attr_put(nlh, PFMOD_LOOKUP_A_DADDR, alen, &w->daddr);
	mnl_attr_put_u16(nlh, PFMOD_LOOKUP_A_DPORT, w->dport);
	if (w->ifname[0])
		mnl_attr_put_strz(nlh, PFMOD_LOOKUP_A_IFNAME, w->ifname);
	if (w->scan)
		mnl_attr_put(nlh, PFMOD_LOOKUP_A_SCAN, 0, NULL);
	mnl_attr_nest_end(nlh, nest);
	return pf_nl_talk(nl, nlh, reply_cb, f);
}

/* The most words a query takes: tcp ADDR:PORT from CLIENT dev IF scan. */
#define WHICH_WORDS	7

/*
 * "which -": a query a line on standard input, an answer a line on standard
 * output: the forward's id (with -j, its JSON object) or "none" (null).
 * A line that cannot be parsed, is longer than 511 characters or has more
 * words than a query takes stops the run (exit status 2).
 */
static int which_batch(struct pf_nl *nl)
{
	char line[512], *words[WHICH_WORDS + 2], *save, *t;
	struct pf_forward f;
	struct which_req w;
	unsigned int n = 0;
	int argc, ret;

	while (fgets(line, sizeof(line), stdin)) {
		n++;
		if (!strchr(line, '\n') && !feof(stdin)) {
			pf_usage_error("which: line %u of standard input is longer than %zu characters",
				       n, sizeof(line) - 1);
			return EXIT_USAGE;
		}
		argc = 0;
		words[argc++] = "which";
		for (t = strtok_r(line, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
			if (argc == WHICH_WORDS + 1) {
				pf_usage_error("which: line %u of standard input has more than %d words",
					       n, WHICH_WORDS);
				return EXIT_USAGE;
			}
			words[argc++] = t;
		}
		words[argc] = NULL;
		if (argc == 1)
			continue;
		ret = parse_which(argc, words, &w);
		if (ret) {
			fprintf(stderr, "%s: which: line %u of standard input\n", prog, n);
			return ret;
		}
		ret = lookup(nl, &w, &f);
		if (ret == -ENOENT) {
			puts(opts.json ? "null" : "none");
		} else if (ret) {
			return pf_kernel_error(nl, ret, "which");
		} else if (opts.json) {
			pf_print_json_forward(stdout, &f);
			putchar('\n');
		} else {
			printf("%u\n", f.id);
		}
	}
	return 0;
}

int cmd_which(int argc, char **argv)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	struct pf_forward f;
	struct which_req w;
	struct pf_nl nl;
	int ret;

	if (argc == 2 && !strcmp(argv[1], "-")) {
		ret = pf_connect(&nl);
		if (ret)
			return ret;
		ret = which_batch(&nl);
		pf_nl_close(&nl);
		return ret;
	}
	ret = parse_which(argc, argv, &w);
	if (ret)
		return ret;
	ret = pf_connect(&nl);
	if (ret)
		return ret;
	ret = lookup(&nl, &w, &f);
	if (ret == -ENOENT) {
		/* Not an error of the request: the answer is "none". */
		inet_ntop(w.family, &w.saddr, src, sizeof(src));
		inet_ntop(w.family, &w.daddr, dst, sizeof(dst));
		if (opts.json)
			printf("null\n");
		else
			printf("no forward applies to %s %s%s%s:%u from %s%s%s\n",
			       pf_proto_name(w.proto), w.family == AF_INET6 ? "[" : "", dst,
			       w.family == AF_INET6 ? "]" : "", w.dport, src,
			       w.ifname[0] ? " on " : "", w.ifname);
		ret = EXIT_OTHER;
	} else if (ret) {
		ret = pf_kernel_error(&nl, ret, "which");
	} else if (opts.json) {
		pf_print_json_forward(stdout, &f);
		putchar('\n');
	} else if (pf_print_table(stdout, &f, 1, false)) {
		perror("pfctl: which");
		ret = EXIT_OTHER;
	}
	pf_nl_close(&nl);
	return ret;
}

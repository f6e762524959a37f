// SPDX-License-Identifier: GPL-2.0
/*
 * Forwards read from dump messages (pf_msg_get_forward): every attribute
 * the kernel sends (module/msg.c, pf_msg_put_fwd) read back as it was, and
 * attributes of the wrong size, running past their nest or unknown.
 */
#include <string.h>
#include <stdlib.h>

#include "dump.h"
#include "tap.h"

/* The clock of these tests: 2026-11-29T18:00:00Z. */
#define NOW 1795975200

static char buf[8192];

static int parse(const char *line, struct pf_forward *f)
{
	char copy[1024], *argv[64], *tok, *save = NULL, err[256];
	struct pf_request req = { .now = NOW };
	int argc = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (tok = strtok_r(copy, " ", &save); tok && argc < 64; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	return pf_parse_forward(argc, argv, PF_PARSE_ADD, f, &req, err, sizeof(err));
}

/* Counters that fill their attributes' bytes, different for each id. */
#define counts(id) ((struct pf_dump_counts){					\
	.conns = 0x100000001ULL * (id), .snat_conns = 7 * (id),			\
	.drops = 0x1122334455ULL + (id), .usage = true, .active = (id) + 1,	\
	.packets = 0xfedcba9876ULL, .bytes = 0x123456789abcdefULL })

/* Read back: the same words in save's form, and the kernel's own fields. */
static int reads_back(const char *line, uint32_t id)
{
	static struct pf_forward f, g;
	char want[1024], got[1024];
	bool limited;

	if (parse(line, &f))
		return 0;
	/* The kernel says when it expires, not the timeout it was given. */
	pf_format_save_at(&f, NOW, want, sizeof(want));
	memset(&g, 0xa5, sizeof(g));
	if (pf_msg_get_forward(pf_put_dump(buf, &f, id, &counts(id)), &g))
		return 0;
	pf_format_save_at(&g, NOW, got, sizeof(got));
	limited = f.maxconn || f.maxconn_src || f.rate;
	if (strcmp(want, got))
		printf("#   %s\n#   %s\n", want, got);
	return !strcmp(want, got) && g.id == id && g.conns == 0x100000001ULL * id &&
	       g.snat_conns == 7 * id && g.has_usage && g.active == id + 1 && g.has_traffic &&
	       g.packets == 0xfedcba9876ULL && g.bytes == 0x123456789abcdefULL &&
	       g.has_drops == limited && (!limited || g.drops == 0x1122334455ULL + id) &&
	       g.expires_ms == f.timeout * 1000ULL && !g.timeout && !g.expires_at &&
	       g.has_to_addr == !f.to_self && g.n_from == f.n_from;
}

/* A message of a forward with one attribute @type of @len bytes of @fill. */
static struct nlmsghdr *with_attr(uint16_t type, size_t len, int fill)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *nest;
	char data[64];

	memset(data, fill, sizeof(data));
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	nest = mnl_attr_nest_start(nlh, PFMOD_A_FORWARD);
	mnl_attr_put_u8(nlh, PFMOD_FWD_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, PFMOD_FWD_A_PROTO, IPPROTO_TCP);
	mnl_attr_put_u16(nlh, PFMOD_FWD_A_PORT_MIN, 80);
	mnl_attr_put(nlh, type, len, data);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

int main(void)
{
	static const char *const lines[] = {
		"80 192.168.1.2:8080",
		"udp 53 192.168.1.3",
		"8000-8099 192.168.1.2:9000-9099",
		"203.0.113.10:80 192.168.1.2:8080 dev eth0",
		"[2001:db8::10]:443 [2001:db8:1::2]:8443 dev averylongname15",
		"80 local:8080",
		"[::]:80 local:8080",
		"sctp 22 192.168.1.5 from 198.51.100.0/24 from 2.0.0.0/8 dev wan0",
		"[2001:db8::10]:80 2001:db8:1::2 snat 2001:db8:1::1 from 2001:db8:99::/48",
		"80 192.168.1.2 snat 192.168.1.254",
		"udp 53 192.168.1.3 snat never",
		"1-65535 192.168.1.2",
		"80 192.168.1.2 timeout 30m",
		"80 192.168.1.2 timeout 1d keep maxconn 100",
		"80 192.168.1.2 maxconn-per-source 3 rate 5/h burst 1",
		"udp 53 192.168.1.3 rate 1000000/s burst 1000000 offload",
	};
	static struct pf_forward g;
	struct nlmsghdr *nlh;
	struct nlattr *a;
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ok(reads_back(lines[i], 1 + i * 0x01010101U), "read back from a dump: %s", lines[i]);

	ok(pf_msg_get_forward(with_attr(PFMOD_FWD_A_TO_PORT_MIN, 2, 1), &g) == 0 &&
	   g.to_port_min == 0x0101, "an attribute of its size is read");
	ok(pf_msg_get_forward(with_attr(PFMOD_FWD_A_TO_PORT_MIN, 4, 1), &g) == -1,
	   "a port of 4 bytes is refused");
	ok(pf_msg_get_forward(with_attr(PFMOD_FWD_A_CONNS, 4, 1), &g) == -1,
	   "a counter of 4 bytes is refused");
	ok(pf_msg_get_forward(with_attr(PFMOD_FWD_A_ID, 8, 1), &g) == -1,
	   "an id of 8 bytes is refused");
	ok(pf_msg_get_forward(with_attr(PFMOD_FWD_A_TO_ADDR, 16, 1), &g) == -1,
	   "an IPv6 target of an IPv4 forward is refused");
	ok(pf_msg_get_forward(with_attr(PFMOD_FWD_A_IFNAME, 5, 'x'), &g) == -1,
	   "an interface name without its NUL is refused");
	ok(pf_msg_get_forward(with_attr(PFMOD_FWD_A_IFNAME, 17, 0), &g) == -1,
	   "an interface name longer than IF_NAMESIZE is refused");
	ok(pf_msg_get_forward(with_attr(PFMOD_FWD_A_IFNAME, 16, 0), &g) == 0 && !g.ifname[0],
	   "an interface name of IF_NAMESIZE with its NUL is read");
	ok(pf_msg_get_forward(with_attr(PFMOD_FWD_A_MAX + 3, 5, 1), &g) == 0 && g.port_min == 80,
	   "an attribute of a newer kernel is skipped");

	/* An attribute that says it is longer than its nest: what follows
	 * it is not read, and the family it held back is missing.
	 */
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	a = mnl_attr_nest_start(nlh, PFMOD_A_FORWARD);
	mnl_attr_put_u16(nlh, PFMOD_FWD_A_PORT_MIN, 80);
	mnl_attr_put_u16(nlh, PFMOD_FWD_A_PORT_MAX, 81);
	mnl_attr_put_u8(nlh, PFMOD_FWD_A_FAMILY, AF_INET);
	mnl_attr_nest_end(nlh, a);
	a = (struct nlattr *)((char *)mnl_attr_get_payload(a) + MNL_ALIGN(MNL_ATTR_HDRLEN + 2));
	a->nla_len = 200;
	ok(pf_msg_get_forward(nlh, &g) == -1 && g.port_min == 80 && g.port_max == 0,
	   "an attribute running past its nest ends the reading there");

	/* Seventeen source prefixes: one more than a forward has. */
	nlh = mnl_nlmsg_put_header(buf);
	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	a = mnl_attr_nest_start(nlh, PFMOD_A_FORWARD);
	mnl_attr_put_u8(nlh, PFMOD_FWD_A_FAMILY, AF_INET);
	mnl_attr_put_u16(nlh, PFMOD_FWD_A_PORT_MIN, 80);
	{
		struct nlattr *from = mnl_attr_nest_start(nlh, PFMOD_FWD_A_FROM), *pfx;
		uint32_t addr = 0;

		for (i = 0; i < PFMOD_FROM_MAX + 1; i++) {
			pfx = mnl_attr_nest_start(nlh, PFMOD_FROM_A_PREFIX);
			mnl_attr_put(nlh, PFMOD_PREFIX_A_ADDR, 4, &addr);
			mnl_attr_put_u8(nlh, PFMOD_PREFIX_A_LEN, i);
			mnl_attr_nest_end(nlh, pfx);
		}
		mnl_attr_nest_end(nlh, from);
	}
	mnl_attr_nest_end(nlh, a);
	ok(pf_msg_get_forward(nlh, &g) == -1, "%d source prefixes are refused", PFMOD_FROM_MAX + 1);

	printf("1..%d\n", tap_n);
	return tap_done();
}

// SPDX-License-Identifier: GPL-2.0
/* The forward grammar and its text forms, without a kernel. */
#include <arpa/inet.h>
#include <string.h>
#include <stdlib.h>

#include "forward.h"
#include "fwd_table.h"
#include "tap.h"

static struct pf_forward f;
static struct pf_request req;
static char err[256];

/* The clock of these tests: 2026-11-29T18:00:00Z. */
#define NOW 1795975200

/* Parses a command line given as one string. */
static int parse(enum pf_parse_mode mode, const char *line)
{
	char buf[PF_SAVE_LINE], *argv[64], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 64; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	memset(&req, 0, sizeof(req));
	req.now = NOW;
	err[0] = '\0';
	return pf_parse_forward(argc, argv, mode, &f, &req, err, sizeof(err));
}

static const char *saved(void)
{
	static char buf[512];

	pf_format_save_at(&f, NOW, buf, sizeof(buf));
	return buf;
}

static int same_forward(const struct pf_forward *a, const struct pf_forward *b)
{
	unsigned int i;

	if (memcmp(a, b, offsetof(struct pf_forward, from)) || a->n_from != b->n_from)
		return 0;
	for (i = 0; i < a->n_from; i++)
		if (a->from[i].len != b->from[i].len ||
		    memcmp(&a->from[i].addr, &b->from[i].addr, sizeof(a->from[i].addr)))
			return 0;
	return 1;
}

/* Parses, prints as `save` would, and parses that again: the same forward. */
static int round_trips(const char *line)
{
	struct pf_forward first;
	char words[PF_SAVE_LINE];

	if (parse(PF_PARSE_ADD, line))
		return 0;
	first = f;
	pf_format_save_at(&f, NOW, words, sizeof(words));
	if (parse(PF_PARSE_ADD, words))
		return 0;
	/* "timeout 30m" comes back as the time it gives: the same timeout. */
	first.expires_at = f.expires_at;
	return same_forward(&first, &f);
}

static void test_good(void)
{
	char buf[128];

	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2:8080"), "the canonical example parses");
	ok(f.family == AF_INET && f.proto == IPPROTO_TCP && !f.has_addr && f.port_min == 80 &&
	   f.port_max == 80 && f.has_to_addr && f.to_port_min == 8080 && f.to_port_max == 8080,
	   "tcp, any address, port 80 to 192.168.1.2:8080");
	ok(!strcmp(saved(), "tcp 80 192.168.1.2:8080"), "save form: %s", saved());

	ok(!parse(PF_PARSE_ADD, "udp 53 192.168.1.3"), "udp, target port defaults");
	ok(f.proto == IPPROTO_UDP && f.to_port_min == 53 && f.to_port_max == 53, "... to port 53");

	ok(!parse(PF_PARSE_ADD, "8000-8099 192.168.1.2"), "a range to the same ports");
	ok(f.port_min == 8000 && f.port_max == 8099 && f.to_port_min == 8000 && f.to_port_max == 8099,
	   "... 8000-8099 to 8000-8099");
	ok(!parse(PF_PARSE_ADD, "8000-8099 192.168.1.2:9000-9099"), "a range, offset");
	ok(!parse(PF_PARSE_ADD, "8000-8099 192.168.1.2:9000"), "a range to one port");
	ok(f.to_port_min == 9000 && f.to_port_max == 9000, "... all to 9000");

	ok(!parse(PF_PARSE_ADD, "203.0.113.10:80 192.168.1.2:8080 dev eth0"),
	   "listen address and dev");
	ok(f.has_addr && !strcmp(f.ifname, "eth0"), "... kept");
	ok(!strcmp(saved(), "tcp 203.0.113.10:80 192.168.1.2:8080 dev eth0"), "save form: %s",
	   saved());
	pf_format_listen(&f, buf, sizeof(buf));
	ok(!strcmp(buf, "203.0.113.10:80"), "listen column: %s", buf);

	ok(!parse(PF_PARSE_ADD, "0.0.0.0:80 192.168.1.2"), "0.0.0.0 means any address");
	ok(!f.has_addr && f.family == AF_INET, "... no listen address, IPv4");

	ok(!parse(PF_PARSE_ADD, "443 [2001:db8:1::2]:8443"), "IPv6 target in brackets");
	ok(f.family == AF_INET6 && f.to_port_min == 8443, "... IPv6, port 8443");
	pf_format_target(&f, buf, sizeof(buf));
	ok(!strcmp(buf, "[2001:db8:1::2]:8443"), "target column: %s", buf);
	ok(!parse(PF_PARSE_ADD, "443 2001:db8:1::2"), "IPv6 target without port or brackets");
	ok(f.family == AF_INET6 && f.to_port_min == 443, "... port 443");
	ok(!parse(PF_PARSE_ADD, "[2001:db8::10]:443 [2001:db8:1::2]:8443"), "IPv6 listen address");
	pf_format_listen(&f, buf, sizeof(buf));
	ok(!strcmp(buf, "[2001:db8::10]:443"), "listen column: %s", buf);

	ok(!parse(PF_PARSE_ADD, "80 local:8080"), "forward to this host");
	ok(f.to_self && !f.has_to_addr && f.family == AF_INET, "... to self, IPv4 by default");
	ok(!strcmp(saved(), "tcp 80 local:8080"), "save form: %s", saved());
	req.family = AF_INET6;
	memset(&f, 0, sizeof(f));
	{
		char *argv[] = { "80", "local:8080" };
		struct pf_request r6 = { .family = AF_INET6 };

		ok(!pf_parse_forward(2, argv, PF_PARSE_ADD, &f, &r6, err, sizeof(err)) &&
		   f.family == AF_INET6, "-6 makes a local forward IPv6");
		ok(!strcmp(saved(), "tcp [::]:80 local:8080"), "... and save says so: %s", saved());
	}

	ok(!parse(PF_PARSE_ADD, "22 192.168.1.5 from 198.51.100.0/24 from 203.0.113.7"),
	   "repeated from, a host without /len");
	ok(f.n_from == 2 && f.from[0].len == 24 && f.from[1].len == 32, "... /24 and /32");
	pf_format_from(&f, buf, sizeof(buf));
	ok(!strcmp(buf, "198.51.100.0/24,203.0.113.7/32"), "from column: %s", buf);
	ok(!parse(PF_PARSE_ADD, "sctp 9999 192.168.1.2"), "sctp");
	ok(f.proto == IPPROTO_SCTP, "... is SCTP");
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 flush"), "flush keyword");
	ok(req.flags == PFMOD_REQ_F_FLUSH_EXISTING, "... sets FLUSH_EXISTING");

	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 snat always"), "snat always");
	ok(f.snat == PFMOD_SNAT_ALWAYS, "... is ALWAYS");
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 snat 192.168.1.254"), "snat ADDR");
	ok(f.snat == PFMOD_SNAT_ADDR && f.snat_addr.bytes[3] == 254, "... is ADDR 192.168.1.254");
	ok(!strcmp(saved(), "tcp 80 192.168.1.2:80 snat 192.168.1.254"), "save form: %s", saved());
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 snat never"), "snat never");
	ok(f.snat == PFMOD_SNAT_NEVER, "... is NEVER");
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 snat auto"), "snat auto");
	ok(!strcmp(saved(), "tcp 80 192.168.1.2:80"), "auto is the default, not saved: %s", saved());
	ok(!parse(PF_PARSE_DEL, "80"), "del takes the listen side alone");
	ok(!parse(PF_PARSE_DEL, "udp 203.0.113.10:53 dev eth0 keep"), "del with dev and keep");
	ok(req.flags == PFMOD_REQ_F_KEEP_CONNS && f.proto == IPPROTO_UDP, "... keep, udp");

	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 timeout 30m"), "timeout 30m");
	ok(f.timeout == 1800 && !f.expire_keep, "... 1800 s");
	ok(!strcmp(saved(), "tcp 80 192.168.1.2:80 expires 2026-11-29T18:30:00Z"),
	   "save writes when it expires: %s", saved());
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2:8080 offload"), "offload");
	ok(f.offload && !strcmp(saved(), "tcp 80 192.168.1.2:8080 offload"),
	   "... save writes it: %s", saved());
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 timeout 2d keep"), "timeout 2d keep");
	ok(f.timeout == 172800 && f.expire_keep, "... 172800 s, keep");
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 timeout 45"), "timeout without a unit");
	ok(f.timeout == 45, "... seconds");
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 expires 2026-11-29T19:00:01Z"), "expires");
	ok(f.timeout == 3601 && !f.expired, "... in 3601 s");
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 expires 2026-11-29T18:00:00Z"),
	   "an expires that has come parses");
	ok(f.expired, "... as expired");
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 maxconn 5 maxconn-per-source 2 rate 10/s"),
	   "maxconn, maxconn-per-source, rate");
	ok(f.maxconn == 5 && f.maxconn_src == 2 && f.rate == 10 && f.rate_period == 1 && !f.burst,
	   "... 5, 2, 10 per second, default burst");
	ok(!strcmp(saved(), "tcp 80 192.168.1.2:80 maxconn 5 maxconn-per-source 2 rate 10/s"),
	   "save form: %s", saved());
	ok(!parse(PF_PARSE_ADD, "80 192.168.1.2 rate 100/m burst 20"), "rate per minute, burst");
	ok(f.rate == 100 && f.rate_period == 60 && f.burst == 20, "... 100 per 60 s, burst 20");
	f.burst = PF_BURST_DEFAULT;
	ok(!strcmp(saved(), "tcp 80 192.168.1.2:80 rate 100/m"),
	   "the default burst is not saved: %s", saved());
	pf_format_duration(1800, buf, sizeof(buf));
	ok(!strcmp(buf, "30m"), "30 minutes: %s", buf);
	pf_format_duration(3 * 86400 + 3600 + 7, buf, sizeof(buf));
	ok(!strcmp(buf, "3d1h"), "3 days, an hour, 7 s: %s", buf);
	pf_format_duration(3605, buf, sizeof(buf));
	ok(!strcmp(buf, "1h"), "an hour and 5 s: %s", buf);
	pf_format_duration(65, buf, sizeof(buf));
	ok(!strcmp(buf, "1m5s"), "65 s: %s", buf);
	pf_format_duration(0, buf, sizeof(buf));
	ok(!strcmp(buf, "0s"), "0 s: %s", buf);
}

static void test_round_trips(void)
{
	static const char *const lines[] = {
		"80 192.168.1.2:8080",
		"udp 53 192.168.1.3",
		"8000-8099 192.168.1.2:9000-9099",
		"8000-8099 192.168.1.2:9000",
		"203.0.113.10:80 192.168.1.2:8080 dev eth0",
		"[2001:db8::10]:443 [2001:db8:1::2]:8443",
		"443 2001:db8:1::2",
		"80 local:8080",
		"sctp 22 192.168.1.5 from 198.51.100.0/24 from 2.0.0.0/8 dev wan0",
		"65535 192.168.1.2:1",
		"80 192.168.1.2 snat always",
		"[2001:db8::10]:80 2001:db8:1::2 snat 2001:db8:1::1",
		"udp 53 192.168.1.3 snat never",
		"1-65535 192.168.1.2",
		"80 192.168.1.2 timeout 30m",
		"80 192.168.1.2 timeout 1d keep maxconn 100",
		"80 192.168.1.2 maxconn-per-source 3 rate 5/h burst 1",
		"udp 53 192.168.1.3 rate 1000000/s burst 1000000",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ok(round_trips(lines[i]), "save form round-trips: %s", lines[i]);
}

/*
 * The longest line save writes: PF_SAVE_LINE holds it whole (the 1,024 bytes
 * save and monitor once gave a line would have cut it), and it round-trips.
 */
static void test_longest(void)
{
	char line[PF_SAVE_LINE], words[PF_SAVE_LINE + 1];
	size_t off, n;
	int i;

	off = snprintf(line, sizeof(line),
		       "sctp [ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0]:65534-65535 "
		       "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff1]:65534-65535 dev abcdefghijklmno");
	for (i = 0; i < PFMOD_FROM_MAX; i++)
		off += snprintf(line + off, sizeof(line) - off,
				" from ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff%02x/128", i);
	snprintf(line + off, sizeof(line) - off,
		 " snat ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff2 timeout 3650d keep maxconn 4294967295 maxconn-per-source 4294967295 rate %u/h burst %u offload",
		 PFMOD_RATE_MAX, PFMOD_RATE_MAX);
	ok(!parse(PF_PARSE_ADD, line), "the longest forward parses (%s)", err);
	memset(words, '#', sizeof(words));
	n = pf_format_save_at(&f, NOW, words, PF_SAVE_LINE);
	ok(n > 1023 && n == strlen(words) && n < PF_SAVE_LINE - 1 && words[PF_SAVE_LINE] == '#',
	   "its line is %zu bytes, the length returned; PF_SAVE_LINE holds it", n);
	ok(round_trips(line), "... and it round-trips");
}

/* A buffer too short for the words: they are cut where snprintf() would cut them. */
static void test_cut(void)
{
	char full[512], buf[48];
	size_t len;

	ok(!parse(PF_PARSE_ADD, "sctp 22 192.168.1.5 from 198.51.100.0/24 dev wan0 maxconn 10"),
	   "a long forward");
	pf_format_save_at(&f, NOW, full, sizeof(full));
	for (len = 1; len < sizeof(buf); len++) {
		memset(buf, '#', sizeof(buf));
		pf_format_save_at(&f, NOW, buf, len);
		if (strlen(buf) != len - 1 || strncmp(buf, full, len - 1) || buf[len] != '#')
			break;
	}
	ok(len == sizeof(buf), "cut, ended and kept in buffers of 1 to %zu bytes (%zu: '%.*s')",
	   sizeof(buf) - 1, len, (int)(len < sizeof(buf) ? len : 0), buf);
}

/* Each bad line, and a piece of the message it must get. */
static void test_bad(void)
{
	static const struct { const char *line, *msg; } cases[] = {
		{ "", "listen port missing" },
		{ "0 1.2.3.4", "ports are 1-65535" },
		{ "65536 1.2.3.4", "ports are 1-65535" },
		{ "99999999999999999999 1.2.3.4", "ports are 1-65535" },
		{ "+80 1.2.3.4", "not a number" },
		{ "80-79 1.2.3.4", "ends before it starts" },
		{ "80- 1.2.3.4", "listen port missing" },
		{ "-80 1.2.3.4", "options go before the command" },
		{ "80", "target missing" },
		{ "80 1.2.3", "not an IPv4 or IPv6 address" },
		{ "80 1.2.3.4:", "target port missing" },
		{ "80 [2001:db8::1", "missing ']'" },
		{ "80 [2001:db8::1]8080", "expected ':' after ']'" },
		{ "80 fe80::1%eth0", "not an IPv4 or IPv6 address" },
		{ "icmp 80 1.2.3.4", "unknown protocol 'icmp'" },
		{ "80 1.2.3.4 bogus", "unknown keyword 'bogus'" },
		{ "80 1.2.3.4 dev", "needs an interface name" },
		{ "80 1.2.3.4 dev 0123456789abcdef", "1 to 15 characters" },
		{ "80 1.2.3.4 dev a/b", "bad interface name" },
		{ "80 1.2.3.4 dev eth0 dev eth1", "'dev' given twice" },
		{ "80 1.2.3.4 from", "needs a source prefix" },
		{ "80 1.2.3.4 from 10.0.0.1/8", "did you mean 10.0.0.0/8?" },
		{ "80 1.2.3.4 from 10.0.0.0/", "the length must be 0-32" },
		{ "80 1.2.3.4 from 10.0.0.0/x", "the length must be 0-32" },
		{ "80 1.2.3.4 from 2001:db8::/32", "a forward is one address family" },
		{ "[2001:db8::1]:80 1.2.3.4", "a forward is one address family" },
		{ "8000-8009 1.2.3.4:9000-9001", "give one target port or as many" },
		{ "80 local", "needs the port" },
		{ "80 local:80", "would change nothing" },
		{ "80 1.2.3.4 keep", "it needs a timeout" },
		{ "80 1.2.3.4 timeout", "'timeout' needs a value" },
		{ "80 1.2.3.4 timeout 0", "at least 1s" },
		{ "80 1.2.3.4 timeout 0s", "at least 1s" },
		{ "80 1.2.3.4 timeout 10y", "the units are s, m, h and d" },
		{ "80 1.2.3.4 timeout -5m", "a number and a unit" },
		{ "80 1.2.3.4 timeout m", "a whole number" },
		{ "80 1.2.3.4 timeout 1.5h", "a number and a unit" },
		{ "80 1.2.3.4 timeout 50000d", "at most 49710d" },
		{ "80 1.2.3.4 timeout 99999999999999999999", "a whole number" },
		{ "80 1.2.3.4 timeout 1m timeout 2m", "given twice" },
		{ "80 1.2.3.4 timeout 1m expires 2026-11-29T19:00:00Z", "given twice" },
		{ "80 1.2.3.4 expires tomorrow", "a UTC time like" },
		{ "80 1.2.3.4 expires 2026-11-29T19:00:00", "a UTC time like" },
		{ "80 1.2.3.4 maxconn", "'maxconn' needs a value" },
		{ "80 1.2.3.4 maxconn -1", "bad maxconn '-1'" },
		{ "80 1.2.3.4 maxconn 0", "from 1 to 4294967295" },
		{ "80 1.2.3.4 maxconn 4294967296", "from 1 to 4294967295" },
		{ "80 1.2.3.4 maxconn 5x", "bad maxconn '5x'" },
		{ "80 1.2.3.4 maxconn 5 maxconn 6", "'maxconn' given twice" },
		{ "80 1.2.3.4 maxconn-per-source 0", "bad maxconn-per-source '0'" },
		{ "80 1.2.3.4 rate 0/s", "bad rate '0/s'" },
		{ "80 1.2.3.4 rate 10", "new connections per s, m or h" },
		{ "80 1.2.3.4 rate 10/d", "the period is s, m or h" },
		{ "80 1.2.3.4 rate 1000001/s", "from 1 to 1000000" },
		{ "80 1.2.3.4 rate -1/s", "bad rate '-1/s'" },
		{ "80 1.2.3.4 rate 10/s rate 5/s", "'rate' given twice" },
		{ "80 1.2.3.4 burst 10", "'burst' needs a 'rate'" },
		{ "80 1.2.3.4 rate 10/s burst 0", "bad burst '0'" },
		{ "1.2.3.4 5.6.7.8", "listen port missing" },
		{ "80 1.2.3.4 snat", "'snat' needs auto, never, always or an address" },
		{ "80 1.2.3.4 snat sometimes", "bad snat 'sometimes'" },
		{ "80 1.2.3.4 snat always snat never", "'snat' given twice" },
		{ "80 1.2.3.4 snat 2001:db8::1", "a forward is one address family" },
		{ "80 1.2.3.4 snat 1.2.3", "not an IPv4 or IPv6 address" },
		{ "80 local:8080 snat always", "keeps the client's address" },
		{ "80 local:8080 offload", "nothing to offload" },
		{ "80 192.168.1.2 offload offload", "'offload' given twice" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(parse(PF_PARSE_ADD, cases[i].line) && strstr(err, cases[i].msg),
		   "'%s' is refused: %s", cases[i].line, err);
	ok(parse(PF_PARSE_DEL, "80 flush") && strstr(err, "unknown keyword 'flush'"),
	   "del does not take flush: %s", err);
	ok(parse(PF_PARSE_DEL, "80 timeout 5m") && strstr(err, "unknown keyword 'timeout'"),
	   "del does not take timeout: %s", err);
	ok(parse(PF_PARSE_DEL, "80 maxconn 5") && strstr(err, "unknown keyword 'maxconn'"),
	   "del does not take maxconn: %s", err);
	ok(parse(PF_PARSE_DEL, "80 offload") && strstr(err, "unknown keyword 'offload'"),
	   "del does not take offload: %s", err);
}

static void test_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	parse(PF_PARSE_ADD, "80 192.168.1.2:8080 dev e\"th0 from 10.0.0.0/8");
	f.id = 7;
	f.conns = 42;
	pf_print_json_forward(out, &f);
	fclose(out);
	ok(!strcmp(buf, "{\"id\":7,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"address\":null,"
			"\"port_min\":80,\"port_max\":80,\"to_self\":false,"
			"\"target_address\":\"192.168.1.2\",\"target_port_min\":8080,"
			"\"target_port_max\":8080,\"dev\":\"e\\\"th0\",\"from\":[\"10.0.0.0/8\"],"
			"\"snat\":\"auto\",\"connections\":42,\"snat_connections\":0}"),
	   "JSON, with escaping: %s", buf);
	free(buf);
}

static void test_overlap(void)
{
	struct pf_forward a, b;

	parse(PF_PARSE_ADD, "8000-8099 1.2.3.4");
	a = f;
	parse(PF_PARSE_ADD, "8099-8100 1.2.3.5");
	b = f;
	ok(pf_forward_overlaps(&a, &b), "8000-8099 and 8099-8100 overlap");
	parse(PF_PARSE_ADD, "8100 1.2.3.5");
	b = f;
	ok(!pf_forward_overlaps(&a, &b), "8000-8099 and 8100 do not");
	parse(PF_PARSE_ADD, "8050 1.2.3.5 from 10.0.0.0/8");
	b = f;
	ok(!pf_forward_overlaps(&a, &b), "a forward with from is another kind");
}

static void test_addr(void)
{
	union pf_addr a;

	ok(pf_parse_addr("192.168.1.2:80", 11, &a, "target", err, sizeof(err)) == AF_INET &&
	   a.v4.s_addr == htonl(0xc0a80102), "the first n characters, IPv4");
	ok(pf_parse_addr("2001:db8::1", 11, &a, "target", err, sizeof(err)) == AF_INET6 &&
	   a.v6.s6_addr[15] == 1, "IPv6");
	ok(pf_parse_addr("1.2.3", 5, &a, "client address", err, sizeof(err)) < 0 &&
	   !strcmp(err, "bad client address '1.2.3': not an IPv4 or IPv6 address"),
	   "not an address, named as asked: %s", err);
	ok(pf_parse_addr("1111:2222:3333:4444:5555:6666:7777:8888:9999", 44, &a, "target", err,
			 sizeof(err)) < 0 && strstr(err, "bad target '1111:"),
	   "too long for any address: %s", err);
}

/* IPv4 is read without inet_pton: it must take exactly what inet_pton takes. */
static int addr_like_pton(const char *s)
{
	struct in_addr want;
	union pf_addr a;
	int fam = pf_parse_addr(s, strlen(s), &a, "target", err, sizeof(err));

	if (inet_pton(AF_INET, s, &want) == 1)
		return fam == AF_INET && a.v4.s_addr == want.s_addr;
	return fam != AF_INET;
}

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	*seed = *seed * 1103515245 + 12345;
	return (*seed >> 16) % n;
}

static void test_addr_ipv4(void)
{
	static const char *const edges[] = {
		"0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3.256", "01.2.3.4", "1.2.3.04",
		"1.2.3.0", "00.1.2.3", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5",
		"1.2.3.-4", "1.2.3.4 ", "1.2.3.1000", "4294967295", "0x1.2.3.4", "", ".",
		"192.168.001.2", "1.2.3.00",
	};
	unsigned int seed = 1, i, j, k, len, parts, digits, bad = 0, v4 = 0;
	char s[24];

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		ok(addr_like_pton(edges[i]), "'%s' read as inet_pton reads it", edges[i]);
	/* Mostly 4 parts, else 1 to 5; mostly 1 to 3 digits, else none; a
	 * third of the parts start with 0 or 2 (leading zeros, past 255).
	 */
	for (i = 0; i < 200000; i++) {
		parts = rnd(&seed, 4) ? 4 : 1 + rnd(&seed, 5);
		for (j = 0, len = 0; j < parts; j++) {
			digits = rnd(&seed, 8) ? 1 + rnd(&seed, 3) : 0;
			for (k = 0; k < digits; k++)
				s[len++] = !k && !rnd(&seed, 3) ? "02"[rnd(&seed, 2)] :
					   "0123456789"[rnd(&seed, 10)];
			if (j + 1 < parts)
				s[len++] = '.';
		}
		s[len] = '\0';
		v4 += inet_pton(AF_INET, s, &(struct in_addr){ 0 }) == 1;
		if (!addr_like_pton(s) && !bad++)
			printf("# '%s' read otherwise than inet_pton reads it\n", s);
	}
	ok(!bad && v4 > 10000,
	   "200000 random strings of digits and dots (%u of them addresses) read as inet_pton reads them (%u not)",
	   v4, bad);
}

/* IPv4 is written without inet_ntop: every byte in every place as it writes it. */
static void test_format_ipv4(void)
{
	char got[64], want[INET_ADDRSTRLEN + 8];
	unsigned int v, i, bad = 0;

	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.has_addr = true;
	f.port_min = f.port_max = 80;
	for (v = 0; v < 256; v++) {
		for (i = 0; i < 4; i++) {
			memset(&f.addr, 0, sizeof(f.addr));
			f.addr.bytes[i] = v;
			f.addr.bytes[(i + 1) % 4] = 255 - v;
			inet_ntop(AF_INET, &f.addr, want, sizeof(want));
			strcat(want, ":80");
			pf_format_listen(&f, got, sizeof(got));
			if (strcmp(got, want) && !bad++)
				printf("# %s written as %s\n", want, got);
		}
	}
	ok(!bad, "every byte in every place of a dotted quad written as inet_ntop writes it (%u not)",
	   bad);
}

/* Every port, and ranges of every width of digits, written as printf writes them. */
static void test_format_ports(void)
{
	char got[64], want[64];
	unsigned int p, bad = 0;

	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	for (p = 1; p <= 65535; p++) {
		f.port_min = p;
		f.port_max = p == 65535 ? p : p < 32768 ? 65535 - p : p + 1;
		if (f.port_min == f.port_max)
			snprintf(want, sizeof(want), "0.0.0.0:%u", p);
		else
			snprintf(want, sizeof(want), "0.0.0.0:%u-%u", p, f.port_max);
		pf_format_listen(&f, got, sizeof(got));
		if (strcmp(got, want) && !bad++)
			printf("# %s written as %s\n", want, got);
	}
	ok(!bad, "every port and range written as printf writes it (%u not)", bad);
}

/* pf_next_line as it was (memcpy, strchr, strtok_r): the model of the one-pass one. */
static int model_next_line(char **pos, char *copy, size_t copylen, char **argv)
{
	char *line = *pos, *end, *tok, *save;
	size_t n;
	int argc = 0;

	if (!*line)
		return -1;
	end = strchr(line, '\n');
	n = end ? (size_t)(end - line) : strlen(line);
	*pos = end ? end + 1 : line + n;
	if (n >= copylen)
		n = copylen - 1;
	memcpy(copy, line, n);
	copy[n] = '\0';
	tok = strchr(copy, '#');
	if (tok)
		*tok = '\0';
	for (tok = strtok_r(copy, " \t\r", &save); tok && argc < PF_MAX_WORDS;
	     tok = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = tok;
	return argc;
}

static void test_next_line(void)
{
	static const char alphabet[] = "ab1.:- \t\r#\n";
	char text[400], copy[64], mcopy[64], *argv[PF_MAX_WORDS], *margv[PF_MAX_WORDS];
	unsigned int seed = 7, i, j, len, bad = 0, lines = 0;
	char *pos, *mpos;
	size_t copylen;
	int argc, margc, k;

	for (i = 0; i < 20000; i++) {
		len = rnd(&seed, sizeof(text) - 1);
		for (j = 0; j < len; j++)
			text[j] = alphabet[rnd(&seed, sizeof(alphabet) - 1)];
		text[len] = '\0';
		copylen = 1 + rnd(&seed, sizeof(copy));
		pos = text;
		mpos = text;
		do {
			argc = pf_next_line(&pos, copy, copylen, argv);
			margc = model_next_line(&mpos, mcopy, copylen, margv);
			lines++;
			if (argc != margc || pos != mpos) {
				bad++;
				break;
			}
			for (k = 0; k < argc; k++) {
				if (strcmp(argv[k], margv[k])) {
					bad++;
					break;
				}
			}
		} while (argc >= 0);
	}
	ok(!bad, "%u lines of random blanks, words, comments and cuts split as before (%u not)",
	   lines, bad);
	ok(!bad && pf_next_line(&(char *){ "" }, copy, sizeof(copy), argv) == -1,
	   "the end of the text is -1");
}

/* A counter of the table as printf wrote it: "-" when the kernel sent none. */
static const char *model_count(bool have, uint64_t v, char *buf, size_t len)
{
	if (!have)
		return "-";
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* The optional columns of a table. */
struct model_cols {
	bool stats, offload, expiring, limited;
};

/*
 * A row of the table as printf wrote it (pfctl 0.2.0's pf_print_table), in
 * columns of fixed widths: the same words as the table's row now, which
 * sizes its columns to their widest field.
 */
static void model_row(const struct pf_forward *g, const struct model_cols *c, char *buf,
		      size_t len)
{
	char listen[64], target[64], from[PFMOD_FROM_MAX * 48], snat[INET6_ADDRSTRLEN];
	char active[24], packets[24], bytes[24], left[32], limits[128], drops[24], rate[32];
	size_t off, l = 0;

	pf_format_listen(g, listen, sizeof(listen));
	pf_format_target(g, target, sizeof(target));
	pf_format_from(g, from, sizeof(from));
	pf_format_snat(g, snat, sizeof(snat));
	off = snprintf(buf, len, "%-5u %-5s %-26s %-30s %-8s %-18s %-8s %5llu", g->id,
		       pf_proto_name(g->proto), listen, target, g->ifname[0] ? g->ifname : "-",
		       from[0] ? from : "-", snat, (unsigned long long)g->conns);
	if (c->stats)
		off += snprintf(buf + off, len - off, " %8s %10s %12s",
				model_count(g->has_usage, g->active, active, sizeof(active)),
				model_count(g->has_traffic, g->packets, packets, sizeof(packets)),
				model_count(g->has_traffic, g->bytes, bytes, sizeof(bytes)));
	if (c->stats && c->limited)
		off += snprintf(buf + off, len - off, " %8s",
				model_count(g->has_drops, g->drops, drops, sizeof(drops)));
	if (c->offload)
		off += snprintf(buf + off, len - off, " %-7s", g->offload ? "yes" : "-");
	if (c->expiring) {
		if (g->expires_ms)
			pf_format_duration((g->expires_ms + 999) / 1000, left, sizeof(left));
		else
			snprintf(left, sizeof(left), "-");
		off += snprintf(buf + off, len - off, " %-10s", left);
	}
	if (c->limited) {
		limits[0] = '\0';
		if (g->maxconn)
			l += snprintf(limits + l, sizeof(limits) - l, " maxconn %u", g->maxconn);
		if (g->maxconn_src)
			l += snprintf(limits + l, sizeof(limits) - l, " maxconn-per-source %u",
				      g->maxconn_src);
		if (g->rate) {
			pf_format_rate(g, rate, sizeof(rate));
			l += snprintf(limits + l, sizeof(limits) - l, " rate %s", rate);
		}
		if (g->rate && g->burst && g->burst != PF_BURST_DEFAULT)
			snprintf(limits + l, sizeof(limits) - l, " burst %u", g->burst);
		snprintf(buf + off, len - off, " %s", limits[0] ? limits + 1 : "-");
	}
}

static uint64_t rnd64(unsigned int *seed)
{
	uint64_t v = rnd(seed, 1u << 16);

	/* Small numbers, and some of every width up to 2^64 - 1. */
	switch (rnd(seed, 4)) {
	case 0:
		return rnd(seed, 10);
	case 1:
		return v;
	case 2:
		return v << 32 | rnd(seed, 1u << 16) << 16 | rnd(seed, 1u << 16);
	}
	return UINT64_MAX - rnd(seed, 3);
}

static void rnd_addr(unsigned int *seed, int family, union pf_addr *a)
{
	unsigned int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < (family == AF_INET ? 4u : 16u); i++)
		a->bytes[i] = rnd(seed, 3) ? rnd(seed, 256) : 0;
}

/* A forward as the kernel may send it: every field, of every width. */
static void rnd_forward(unsigned int *seed, struct pf_forward *g)
{
	static const char *const names[] = { "", "eth0", "wan", "enp0s31f6", "averyverylongif",
					     "e\"th0", "a\\b", "x\x01\x1fy" };
	static const uint32_t periods[] = { 1, 60, 3600 };
	unsigned int j;

	memset(g, 0, sizeof(*g));
	g->family = rnd(seed, 2) ? AF_INET : AF_INET6;
	g->proto = (uint8_t[]){ IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP }[rnd(seed, 3)];
	g->id = rnd(seed, 2) ? 1 + rnd(seed, 1000) : (uint32_t)rnd64(seed);
	g->has_addr = rnd(seed, 2);
	if (g->has_addr)
		rnd_addr(seed, g->family, &g->addr);
	g->port_min = 1 + rnd(seed, 65535);
	g->port_max = rnd(seed, 2) ? g->port_min : g->port_min + rnd(seed, 65536 - g->port_min);
	g->to_self = !rnd(seed, 5);
	rnd_addr(seed, g->family, &g->to_addr);
	g->to_port_min = 1 + rnd(seed, 65535);
	g->to_port_max = g->to_port_min + rnd(seed, 65536 - g->to_port_min);
	strcpy(g->ifname, names[rnd(seed, sizeof(names) / sizeof(names[0]))]);
	g->n_from = rnd(seed, 3) ? rnd(seed, 3) : rnd(seed, PFMOD_FROM_MAX + 1);
	for (j = 0; j < g->n_from; j++) {
		rnd_addr(seed, g->family, &g->from[j].addr);
		g->from[j].len = rnd(seed, g->family == AF_INET ? 33 : 129);
	}
	g->snat = rnd(seed, 5);	/* the four modes, and one the kernel may add */
	rnd_addr(seed, g->family, &g->snat_addr);
	g->conns = rnd64(seed);
	g->snat_conns = rnd64(seed);
	g->has_usage = rnd(seed, 2);
	g->has_traffic = rnd(seed, 2);
	g->has_drops = rnd(seed, 2);
	g->active = rnd64(seed);
	g->packets = rnd64(seed);
	g->bytes = rnd64(seed);
	g->drops = rnd64(seed);
	g->offload = rnd(seed, 2);
	g->expires_ms = rnd(seed, 2) ? rnd64(seed) % (100ull * 86400 * 1000) : 0;
	g->expire_keep = rnd(seed, 2);
	g->timeout = rnd(seed, 2) ? 1 + rnd(seed, 86400) : 0;
	g->maxconn = rnd(seed, 2) ? (uint32_t)rnd64(seed) : 0;
	g->maxconn_src = rnd(seed, 2) ? (uint32_t)rnd64(seed) : 0;
	g->rate = rnd(seed, 2) ? 1 + rnd(seed, 1000000) : 0;
	g->rate_period = periods[rnd(seed, 3)];
	g->burst = rnd(seed, 2) ? PF_BURST_DEFAULT : rnd(seed, 1000001);
}

/* Whether column @word (@len bytes) is one of @cols' counts (aligned right). */
static bool right_aligned(const char *word, size_t len, const struct pf_column *cols,
			  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strlen(cols[i].name) == len && !strncmp(cols[i].name, word, len))
			return cols[i].right;
	return false;
}

/*
 * Whether @row's columns line up under @header's words: a column's text
 * begins where its header word does, or for a count (of @cols) ends where
 * it does. Says the first that does not in @why.
 */
static bool lines_up_any(const char *header, const char *row, const struct pf_column *cols,
			 unsigned int n_cols, char *why, size_t len)
{
	size_t start, end, n = strlen(row);
	const char *h;

	for (h = header; *h && *h != '\n';) {
		if (*h == ' ') {
			h++;
			continue;
		}
		start = h - header;
		end = start + strcspn(h, " \n");
		if (right_aligned(h, end - start, cols, n_cols) ?
		    end > n || row[end - 1] == ' ' || (row[end] && row[end] != ' ') :
		    start >= n || row[start] == ' ' || (start && row[start - 1] != ' ')) {
			snprintf(why, len, "%.*s in '%s'", (int)(end - start), h, row);
			return false;
		}
		h = header + end;
	}
	return true;
}

/* The same for a table of forwards. */
static bool lines_up(const char *header, const char *row, char *why, size_t len)
{
	static const struct pf_column counts[] = {
		{ "CONNS", true }, { "ACTIVE", true }, { "PACKETS", true }, { "BYTES", true },
		{ "DROPPED", true },
	};

	return lines_up_any(header, row, counts, sizeof(counts) / sizeof(counts[0]), why, len);
}

/* @line with each run of blanks one blank, and none at its ends. */
static void squeeze(const char *line, char *buf, size_t len)
{
	size_t n = 0;

	for (line += strspn(line, " "); *line && n + 1 < len; line++)
		if (*line != ' ' || (line[1] && line[1] != ' '))
			buf[n++] = *line;
	buf[n] = '\0';
}

/* The table of @n forwards, as pfctl show writes it, in @buf. */
static void table_text(const struct pf_forward *g, size_t n, bool stats, char *buf, size_t len)
{
	FILE *out = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (!out)
		return;
	if (pf_print_table(out, g, n, stats))
		buf[0] = '\0';
	fclose(out);
}

/*
 * The table: each column as wide as its widest field, so every row lines
 * up under the header, whatever its addresses, interfaces, prefixes, ids
 * and counts; the same words as the fixed-width printf table had; the
 * optional columns when a forward has them; no line ends in a blank.
 */
static void test_table_rows(void)
{
	static struct pf_forward g[20];
	static char text[20 * 2 * PF_ROW_LINE];
	char want[PF_ROW_LINE], got[PF_ROW_LINE], why[PF_ROW_LINE + 64] = "";
	unsigned int seed = 7, k, i, bad = 0, unaligned = 0, blank = 0, heads = 0, wide = 0;
	struct model_cols c;
	char *line, *save, *header;
	bool stats;

	for (k = 0; k < 5000; k++) {
		stats = rnd(&seed, 2);
		c = (struct model_cols){ .stats = stats };
		/* Tables of one to twenty, the optional columns rarer in the large. */
		for (i = 0; i < 1 + k % 20; i++) {
			rnd_forward(&seed, &g[i]);
			if (rnd(&seed, 4)) {
				g[i].offload = false;
				g[i].expires_ms = g[i].timeout = 0;
				g[i].maxconn = g[i].maxconn_src = g[i].rate = 0;
			}
			c.offload |= g[i].offload;
			c.expiring |= g[i].expires_ms || g[i].timeout;
			c.limited |= g[i].maxconn || g[i].maxconn_src || g[i].rate;
		}
		table_text(g, i, stats, text, sizeof(text));
		header = strtok_r(text, "\n", &save);
		snprintf(want, sizeof(want), "ID PROTO LISTEN TARGET DEV FROM SNAT CONNS%s%s%s%s%s",
			 stats ? " ACTIVE PACKETS BYTES" : "", stats && c.limited ? " DROPPED" : "",
			 c.offload ? " OFFLOAD" : "", c.expiring ? " EXPIRES" : "",
			 c.limited ? " LIMITS" : "");
		squeeze(header ? header : "", got, sizeof(got));
		if (strcmp(got, want) && !heads++)
			printf("# header '%s', not '%s'\n", got, want);
		for (i = 0; i < 1 + k % 20; i++) {
			line = strtok_r(NULL, "\n", &save);
			if (!line)
				line = "";
			model_row(&g[i], &c, want, sizeof(want));
			wide += strlen(want) > 200;
			squeeze(want, want, sizeof(want));
			squeeze(line, got, sizeof(got));
			if (strcmp(got, want) && !bad++)
				printf("# want '%s'\n#  got '%s'\n", want, got);
			if (header && !lines_up(header, line, why, sizeof(why)) && !unaligned++)
				printf("# %s under '%s'\n", why, header);
			if (line[0] && line[strlen(line) - 1] == ' ' && !blank++)
				printf("# a blank at the end of '%s'\n", line);
		}
		if (header && header[strlen(header) - 1] == ' ' && !blank++)
			printf("# a blank at the end of '%s'\n", header);
	}
	ok(!heads && !bad && wide > 1000,
	   "52500 rows of 5000 random tables: the header's columns, the words printf wrote (%u rows wider than 200; %u not)",
	   wide, bad);
	ok(!unaligned, "... each row under its header (%u not)", unaligned);
	ok(!blank, "... no line ends in a blank (%u do)", blank);
}

/* The table of @n forwards is @want, or its lines are TAP diagnostics. */
static void table_is(const struct pf_forward *g, size_t n, bool stats, const char *want,
		     const char *what)
{
	char text[2048];
	const char *at, *nl;

	table_text(g, n, stats, text, sizeof(text));
	ok(!strcmp(text, want), "%s", what);
	for (at = text; strcmp(text, want) && *at; at = nl + 1) {
		nl = strchr(at, '\n');
		if (!nl)
			nl = at + strlen(at) - 1;
		printf("# %.*s\n", (int)(nl - at + (*nl != '\n')), at);
	}
}

/* A table as an admin sees it: IPv4 and IPv6, an id and counts past five digits. */
static void test_table_text(void)
{
	static const char *const lines[] = {
		"tcp 80 192.168.1.2:8080",
		"udp 203.0.113.1:5000-5010 192.168.1.3:6000-6010 dev eth0 from 10.0.0.0/8 "
		"snat always maxconn 5 timeout 1h offload",
		"tcp [2001:db8::1]:443 [fd00::2]:8443 from 2001:db8::/32 rate 10/s",
	};
	struct pf_forward g[3];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		parse(PF_PARSE_ADD, lines[i]);
		g[i] = f;
		g[i].id = i ? (i == 1 ? 42 : 123456) : 1;
		g[i].expires_ms = g[i].timeout ? 3600000 : 0;
		g[i].has_usage = i != 2;
		g[i].has_traffic = i == 1;
		g[i].has_drops = i == 1;
	}
	g[1].conns = 1234567;
	g[1].active = 7;
	g[1].packets = 1234567890;
	g[1].bytes = 999999999999ull;
	g[1].drops = 5;
	table_is(g, 3, false,
		   "ID     PROTO LISTEN                TARGET                DEV  FROM          SNAT     CONNS OFFLOAD EXPIRES LIMITS\n"
		   "1      tcp   0.0.0.0:80            192.168.1.2:8080      -    -             auto         0 -       -       -\n"
		   "42     udp   203.0.113.1:5000-5010 192.168.1.3:6000-6010 eth0 10.0.0.0/8    always 1234567 yes     1h      maxconn 5\n"
		   "123456 tcp   [2001:db8::1]:443     [fd00::2]:8443        -    2001:db8::/32 auto         0 -       -       rate 10/s\n",
		 "a table: each column as wide as its widest field");
	table_is(g, 3, true,
		   "ID     PROTO LISTEN                TARGET                DEV  FROM          SNAT     CONNS ACTIVE    PACKETS        BYTES DROPPED OFFLOAD EXPIRES LIMITS\n"
		   "1      tcp   0.0.0.0:80            192.168.1.2:8080      -    -             auto         0      0          -            -       - -       -       -\n"
		   "42     udp   203.0.113.1:5000-5010 192.168.1.3:6000-6010 eth0 10.0.0.0/8    always 1234567      7 1234567890 999999999999       5 yes     1h      maxconn 5\n"
		   "123456 tcp   [2001:db8::1]:443     [fd00::2]:8443        -    2001:db8::/32 auto         0      -          -            -       - -       -       rate 10/s\n",
		 "a table with -s, the same");
}

/*
 * Any table (table.c): random fields in random columns, some counts, some
 * not shown: every row under its header, its words the fields shown, no
 * line ending in a blank.
 */
static void test_table_any(void)
{
	static const char *const names[] = { "A", "BB", "CCCC", "N", "COUNT", "X", "Y", "LAST" };
	static char text[64 * 16 * 64];
	char row[1024], want[1024], got[1024], why[1200], *line, *save, *header, *at;
	struct pf_column cols[8];
	unsigned int seed = 3, k, r, i, j, n, bad = 0, unaligned = 0, blank = 0, rows = 0;
	struct pf_table_text t;
	uint32_t shown;
	size_t len, w;
	FILE *out;

	for (k = 0; k < 2000; k++) {
		n = 1 + rnd(&seed, 8);
		for (i = 0; i < n; i++)
			cols[i] = (struct pf_column){ .name = names[i], .right = !rnd(&seed, 3) };
		shown = 1 | rnd(&seed, 1u << n);
		t = (struct pf_table_text){ .cols = cols, .n = n };
		for (r = 1 + rnd(&seed, 12); r; r--) {
			len = 0;
			for (i = 0; i < n; i++) {
				w = 1 + (rnd(&seed, 4) ? rnd(&seed, 6) : rnd(&seed, 50));
				for (j = 0; j < w; j++)
					row[len++] = 'a' + rnd(&seed, 26);
				row[len++] = i + 1 < n ? '\t' : '\0';
			}
			at = pf_table_room(&t, sizeof(row));
			if (!at)
				break;
			memcpy(at, row, len);
			pf_table_row(&t, len - 1);
		}
		out = fmemopen(text, sizeof(text), "w");
		if (!out)
			break;
		pf_table_write(&t, shown, out);
		fclose(out);
		header = strtok_r(text, "\n", &save);
		for (at = t.rows.buf; at < t.rows.buf + t.rows.len; at += strlen(at) + 1) {
			at[strcspn(at, "\n")] = '\0';
			/* The fields shown, a blank between two. */
			len = 0;
			for (i = 0, line = at; i < n; i++) {
				w = strcspn(line, "\t");
				if (shown & 1u << i) {
					memcpy(want + len, line, w);
					len += w;
					want[len++] = ' ';
				}
				line += w + (line[w] == '\t');
			}
			want[len - 1] = '\0';
			line = strtok_r(NULL, "\n", &save);
			if (!line)
				line = "";
			rows++;
			squeeze(line, got, sizeof(got));
			if (strcmp(got, want) && !bad++)
				printf("# want '%s'\n#  got '%s'\n", want, got);
			if (header && !lines_up_any(header, line, cols, n, why, sizeof(why)) &&
			    !unaligned++)
				printf("# %s under '%s'\n", why, header);
			if (line[0] && line[strlen(line) - 1] == ' ' && !blank++)
				printf("# a blank at the end of '%s'\n", line);
		}
		pf_table_free(&t);
	}
	ok(rows > 10000 && !bad && !unaligned && !blank,
	   "%u rows of 2000 random tables: under their headers (%u not), their fields (%u not), no blank at the end (%u)",
	   rows, unaligned, bad, blank);
}

/* A JSON string as pfctl 0.2.0 wrote it, a byte at a time. */
static void model_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void model_json_addr(FILE *out, int family, const union pf_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	model_json_string(out, inet_ntop(family, a, buf, sizeof(buf)) ? buf : "?");
}

/* A forward in JSON as fprintf wrote it (pfctl 0.2.0), its expiry from @now. */
static void model_json(FILE *out, const struct pf_forward *f, int64_t now)
{
	char snat[INET6_ADDRSTRLEN];
	unsigned int j;

	fprintf(out, "{\"id\":%u,\"family\":\"%s\",\"protocol\":\"%s\",\"address\":", f->id,
		f->family == AF_INET ? "ipv4" : "ipv6", pf_proto_name(f->proto));
	if (f->has_addr)
		model_json_addr(out, f->family, &f->addr);
	else
		fputs("null", out);
	fprintf(out, ",\"port_min\":%u,\"port_max\":%u,\"to_self\":%s,\"target_address\":",
		f->port_min, f->port_max, f->to_self ? "true" : "false");
	if (f->to_self)
		fputs("null", out);
	else
		model_json_addr(out, f->family, &f->to_addr);
	fprintf(out, ",\"target_port_min\":%u,\"target_port_max\":%u,\"dev\":",
		f->to_port_min, f->to_port_max);
	if (f->ifname[0])
		model_json_string(out, f->ifname);
	else
		fputs("null", out);
	fputs(",\"from\":[", out);
	for (j = 0; j < f->n_from; j++) {
		char buf[INET6_ADDRSTRLEN + 8], addr[INET6_ADDRSTRLEN];

		inet_ntop(f->family, &f->from[j].addr, addr, sizeof(addr));
		snprintf(buf, sizeof(buf), "%s/%u", addr, f->from[j].len);
		if (j)
			fputc(',', out);
		model_json_string(out, buf);
	}
	fputs("],\"snat\":", out);
	pf_format_snat(f, snat, sizeof(snat));
	model_json_string(out, snat);
	fprintf(out, ",\"connections\":%llu,\"snat_connections\":%llu",
		(unsigned long long)f->conns, (unsigned long long)f->snat_conns);
	if (f->has_usage)
		fprintf(out, ",\"active\":%llu", (unsigned long long)f->active);
	if (f->has_usage && f->has_traffic)
		fprintf(out, ",\"packets\":%llu,\"bytes\":%llu",
			(unsigned long long)f->packets, (unsigned long long)f->bytes);
	else if (f->has_usage)
		fputs(",\"packets\":null,\"bytes\":null", out);
	if (f->expires_ms) {
		char when[32];

		pf_format_time(now + (int64_t)((f->expires_ms + 999) / 1000), when, sizeof(when));
		fprintf(out, ",\"expires_in_ms\":%llu,\"expires\":\"%s\",\"expire_keep\":%s",
			(unsigned long long)f->expires_ms, when, f->expire_keep ? "true" : "false");
	}
	if (f->maxconn)
		fprintf(out, ",\"maxconn\":%u", f->maxconn);
	if (f->maxconn_src)
		fprintf(out, ",\"maxconn_per_source\":%u", f->maxconn_src);
	if (f->rate)
		fprintf(out, ",\"rate\":%u,\"rate_period\":%u,\"burst\":%u", f->rate,
			f->rate_period, f->burst);
	if (f->has_drops)
		fprintf(out, ",\"dropped\":%llu", (unsigned long long)f->drops);
	if (f->offload)
		fputs(",\"offload\":true", out);
	fputc('}', out);
}

/*
 * JSON written without printf, byte for byte as fprintf wrote it, for
 * forwards of every field and width; the longest fits PF_JSON_LINE.
 */
static void test_json_random(void)
{
	char got[PF_JSON_LINE], want[2 * PF_JSON_LINE];
	unsigned int seed = 11, i, bad = 0, escaped = 0;
	size_t n, longest = 0;
	struct pf_forward g;
	FILE *out;

	for (i = 0; i < 100000; i++) {
		rnd_forward(&seed, &g);
		out = fmemopen(want, sizeof(want), "w");
		if (!out)
			break;
		model_json(out, &g, NOW);
		fclose(out);
		n = pf_format_json_at(&g, NOW, got, sizeof(got));
		longest = n > longest ? n : longest;
		escaped += strchr(g.ifname, '"') || strchr(g.ifname, '\\') || strchr(g.ifname, 1);
		if ((n != strlen(want) || strcmp(got, want)) && !bad++)
			printf("# want '%s'\n#  got '%s'\n", want, got);
	}
	ok(i == 100000 && !bad && escaped > 1000 && longest < PF_JSON_LINE - 1,
	   "100000 random forwards in JSON (%u with escapes, the longest %zu bytes) as fprintf wrote them (%u not)",
	   escaped, longest, bad);
}

/* doctor's strings: any length, any byte, escaped as the model did. */
static void test_json_string(void)
{
	static char str[3000], got[6 * sizeof(str) + 3], want[sizeof(got)];
	unsigned int seed = 13, i, bad = 0, escaped = 0, n, j;
	size_t longest = 0;
	FILE *out;

	for (i = 0; i < 20000; i++) {
		n = rand_r(&seed) % (i % 10 ? 300 : sizeof(str));
		/* One in seven of nothing but bytes to escape: six times as long. */
		for (j = 0; j < n; j++)
			str[j] = i % 7 == 0 ? 1 + rand_r(&seed) % 0x1f :
				 rand_r(&seed) % 4 ? 32 + rand_r(&seed) % 95 :
				 1 + rand_r(&seed) % 255;
		str[n] = '\0';
		longest = n > longest ? n : longest;
		for (j = 0; j < n && str[j] != '"' && str[j] != '\\' && (unsigned char)str[j] >= 0x20; j++)
			;
		escaped += j < n;
		out = fmemopen(got, sizeof(got), "w");
		if (!out)
			break;
		pf_json_string(out, str);
		fclose(out);
		out = fmemopen(want, sizeof(want), "w");
		if (!out)
			break;
		model_json_string(out, str);
		fclose(out);
		if (strcmp(got, want) && !bad++)
			printf("# want '%s'\n#  got '%s'\n", want, got);
	}
	ok(i == 20000 && !bad && escaped > 10000 && longest > 2000,
	   "20000 random strings (%u with escapes, the longest %zu bytes) in JSON as fprintf wrote them (%u not)",
	   escaped, longest, bad);
}

int main(void)
{
	test_good();
	test_round_trips();
	test_cut();
	test_longest();
	test_bad();
	test_json();
	test_overlap();
	test_addr();
	test_addr_ipv4();
	test_format_ipv4();
	test_format_ports();
	test_next_line();
	test_table_rows();
	test_table_text();
	test_table_any();
	test_json_random();
	test_json_string();
	printf("1..%d\n", tap_n);
	return tap_done();
}

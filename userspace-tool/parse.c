// SPDX-License-Identifier: GPL-2.0
/*
 * The forward grammar, shared by the command line and `pfctl restore`:
 *
 *   [tcp|udp|sctp] [LISTEN_ADDR:]PORT[-END] TARGET[:PORT[-END]]
 *	[dev IFNAME] [from PREFIX]... [snat auto|never|always|ADDR]
 *	[timeout N[s|m|h|d] | expires YYYY-MM-DDTHH:MM:SSZ] [keep]
 *	[maxconn N] [maxconn-per-source N] [rate N/s|m|h [burst M]] [flush]
 *
 * TARGET is an IPv4 address, an IPv6 address ([bracketed] when a port
 * follows) or "local" for this host. `del` takes the listen side, dev and
 * from, and "keep".
 */
#define _GNU_SOURCE	/* strptime, timegm */
#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forward.h"

struct pf_parser {
	char *err;
	size_t errlen;
	int family;		/* 0 until something says which */
	const char *family_from;
};

static int fail(struct pf_parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pf_parser *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Every address must agree on the family of the first one. */
static int set_family(struct pf_parser *ps, int family, const char *what)
{
	if (ps->family && ps->family != family)
		return fail(ps, "%s is %s but %s is %s: a forward is one address family", what,
			    family == AF_INET ? "IPv4" : "IPv6", ps->family_from,
			    ps->family == AF_INET ? "IPv4" : "IPv6");
	ps->family = family;
	ps->family_from = what;
	return 0;
}

static int parse_port(struct pf_parser *ps, const char *s, size_t n, uint16_t *port,
		      const char *what)
{
	unsigned long v = 0;
	size_t i;

	if (!n)
		return fail(ps, "%s missing", what);
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(ps, "bad %s '%.*s': not a number", what, (int)n, s);
		v = v * 10 + (s[i] - '0');
		if (v > 65535)
			break;
	}
	if (v < 1 || v > 65535)
		return fail(ps, "bad %s '%.*s': ports are 1-65535", what, (int)n, s);
	*port = v;
	return 0;
}

/*
 * The words of a line are a few characters long: the ones every line has
 * are scanned here by hand, not with glibc's vector string functions,
 * whose setup is most of their cost on such words (and costs much more
 * under emulation: pftext's parse of a million lines took 3.0 s in the
 * guest with them, 2.1 s with glibc told to use its plain ones).
 */

/* The first @c in @s, or the '\0' at its end. */
static const char *scan_to(const char *s, char c)
{
	while (*s && *s != c)
		s++;
	return s;
}

/* PORT or PORT-END. */
static int parse_ports(struct pf_parser *ps, const char *s, uint16_t *min, uint16_t *max,
		       const char *what)
{
	const char *dash = scan_to(s, '-');

	if (!*dash) {
		if (parse_port(ps, s, dash - s, min, what))
			return -1;
		*max = *min;
		return 0;
	}
	if (parse_port(ps, s, dash - s, min, what) ||
	    parse_port(ps, dash + 1, strlen(dash + 1), max, what))
		return -1;
	if (*max < *min)
		return fail(ps, "bad %s range '%s': it ends before it starts", what, s);
	return 0;
}

/*
 * The common case without a copy: a dotted quad as inet_pton(AF_INET) takes
 * it (four parts 0-255, no leading zeros). What this refuses goes on to
 * inet_pton, so it decides only what both would accept alike.
 */
static bool parse_ipv4(const char *s, size_t n, struct in_addr *a)
{
	const char *end = s + n;
	unsigned int i, part;
	uint8_t b[4];

	for (i = 0; i < 4; i++) {
		if (i && (s == end || *s++ != '.'))
			return false;
		if (s == end || *s < '0' || *s > '9')
			return false;
		part = *s++ - '0';
		while (s != end && *s >= '0' && *s <= '9') {
			if (!part)
				return false;	/* a leading zero */
			part = part * 10 + (*s++ - '0');
			if (part > 255)
				return false;
		}
		b[i] = part;
	}
	if (s != end)
		return false;
	memcpy(a, b, sizeof(b));
	return true;
}

int pf_parse_addr(const char *s, size_t n, union pf_addr *a, const char *what, char *err,
		  size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 1];

	memset(a, 0, sizeof(*a));
	if (parse_ipv4(s, n, &a->v4))
		return AF_INET;
	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "bad %s '%.*s'", what, (int)n, s);
		return -1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a->v4) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, buf, &a->v6) == 1)
		return AF_INET6;
	snprintf(err, errlen, "bad %s '%s': not an IPv4 or IPv6 address", what, buf);
	return -1;
}

static int parse_addr(struct pf_parser *ps, const char *s, size_t n, union pf_addr *a,
		      const char *what)
{
	int family = pf_parse_addr(s, n, a, what, ps->err, ps->errlen);

	if (family < 0)
		return -1;
	return set_family(ps, family, what);
}

static bool addr_is_zero(const union pf_addr *a)
{
	static const union pf_addr zero;

	return !memcmp(a, &zero, sizeof(*a));
}

/*
 * [ADDR:]PORTS for the listen side, ADDR[:PORTS] for the target: splits
 * @s into an address part and a port part. IPv6 addresses with a port go
 * in brackets; a bare IPv6 address has no port.
 */
static int split_endpoint(struct pf_parser *ps, const char *s, const char **addr, size_t *alen,
			  const char **ports, const char *what)
{
	const char *colon, *end;

	*addr = NULL;
	*alen = 0;
	*ports = NULL;
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end)
			return fail(ps, "bad %s '%s': missing ']'", what, s);
		*addr = s + 1;
		*alen = end - s - 1;
		if (end[1] == ':')
			*ports = end + 2;
		else if (end[1])
			return fail(ps, "bad %s '%s': expected ':' after ']'", what, s);
		return 0;
	}
	colon = scan_to(s, ':');
	end = *colon ? scan_to(colon + 1, ':') : colon;
	if (*end) {
		/* Several colons and no brackets: an IPv6 address alone. */
		*addr = s;
		*alen = strlen(s);
		return 0;
	}
	if (*colon) {
		*addr = s;
		*alen = colon - s;
		*ports = colon + 1;
	} else if (*scan_to(s, '.')) {
		*addr = s;
		*alen = end - s;
	} else {
		*ports = s;
	}
	return 0;
}

static int parse_listen(struct pf_parser *ps, const char *s, struct pf_forward *f)
{
	const char *addr, *ports;
	size_t alen;

	if (split_endpoint(ps, s, &addr, &alen, &ports, "listen address"))
		return -1;
	if (!ports)
		return fail(ps, "listen port missing in '%s' (e.g. 80, 8000-8099, 203.0.113.10:80)",
			    s);
	if (addr) {
		if (parse_addr(ps, addr, alen, &f->addr, "listen address"))
			return -1;
		/* 0.0.0.0 and :: mean what no address means: any local one. */
		f->has_addr = !addr_is_zero(&f->addr);
	}
	return parse_ports(ps, ports, &f->port_min, &f->port_max, "listen port");
}

static int parse_target(struct pf_parser *ps, const char *s, struct pf_forward *f)
{
	const char *addr, *ports;
	size_t alen;

	if (s[0] == 'l' && !strncmp(s, "local", 5) && (!s[5] || s[5] == ':')) {
		f->to_self = true;
		if (!s[5] || !s[6])
			return fail(ps, "'local' needs the port to forward to (e.g. local:8080)");
		return parse_ports(ps, s + 6, &f->to_port_min, &f->to_port_max, "target port");
	}
	if (split_endpoint(ps, s, &addr, &alen, &ports, "target"))
		return -1;
	if (!addr)
		return fail(ps, "target address missing in '%s' (e.g. 192.168.1.2:8080 or local:8080)",
			    s);
	if (parse_addr(ps, addr, alen, &f->to_addr, "target"))
		return -1;
	f->has_to_addr = true;
	if (!ports) {
		f->to_port_min = f->port_min;
		f->to_port_max = f->port_max;
		return 0;
	}
	return parse_ports(ps, ports, &f->to_port_min, &f->to_port_max, "target port");
}

static int parse_prefix(struct pf_parser *ps, const char *s, struct pf_prefix *p)
{
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int bits, i;
	union pf_addr masked;
	char *end;
	long len;

	if (parse_addr(ps, s, alen, &p->addr, "source prefix"))
		return -1;
	bits = ps->family == AF_INET ? 32 : 128;
	len = bits;
	if (slash) {
		len = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || len < 0 || len > (long)bits)
			return fail(ps, "bad source prefix '%s': the length must be 0-%u", s, bits);
	}
	p->len = len;
	masked = p->addr;
	for (i = 0; i < bits / 8; i++) {
		int keep = (int)len - (int)i * 8;

		masked.bytes[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
	if (memcmp(&masked, &p->addr, sizeof(masked))) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(ps->family, &masked, a, sizeof(a));
		return fail(ps, "bad source prefix '%s': bits set past /%ld (did you mean %s/%ld?)",
			    s, len, a, len);
	}
	return 0;
}

static int parse_ifname(struct pf_parser *ps, const char *s, char *ifname)
{
	size_t n = strlen(s);

	if (!n || n >= IF_NAMESIZE)
		return fail(ps, "bad interface name '%s': 1 to %d characters", s, IF_NAMESIZE - 1);
	if (!strcmp(s, ".") || !strcmp(s, "..") || strpbrk(s, "/: \t\n"))
		return fail(ps, "bad interface name '%s'", s);
	memcpy(ifname, s, n + 1);
	return 0;
}

static int parse_snat(struct pf_parser *ps, const char *s, struct pf_forward *f)
{
	if (!s)
		return fail(ps, "'snat' needs auto, never, always or an address");
	if (f->snat != PFMOD_SNAT_AUTO || !addr_is_zero(&f->snat_addr))
		return fail(ps, "'snat' given twice");
	if (!strcmp(s, "auto"))
		f->snat = PFMOD_SNAT_AUTO;
	else if (!strcmp(s, "never"))
		f->snat = PFMOD_SNAT_NEVER;
	else if (!strcmp(s, "always"))
		f->snat = PFMOD_SNAT_ALWAYS;
	else if (!strchr(s, '.') && !strchr(s, ':'))
		return fail(ps, "bad snat '%s': auto, never, always or an address", s);
	else if (parse_addr(ps, s, strlen(s), &f->snat_addr, "snat address"))
		return -1;
	else
		f->snat = PFMOD_SNAT_ADDR;
	return 0;
}

/* A whole number @min..@max, digits only: "-1" and "5x" are refused. */
static int parse_number(struct pf_parser *ps, const char *s, size_t n, uint64_t min,
			uint64_t max, uint64_t *v, const char *what)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || *v > max)
			break;
		*v = *v * 10 + (s[i] - '0');
	}
	if (!n || i < n || *v < min || *v > max)
		return fail(ps, "bad %s '%s': a whole number from %llu to %llu", what, s,
			    (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* timeout N[s|m|h|d]: seconds, the unit s when none is given. */
static int parse_timeout(struct pf_parser *ps, const char *s, struct pf_forward *f)
{
	static const struct { char unit; uint32_t secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	size_t n = strlen(s), i;
	uint32_t mult = 1;
	uint64_t v;

	if (n && (s[n - 1] < '0' || s[n - 1] > '9')) {
		mult = 0;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (s[n - 1] == units[i].unit)
				mult = units[i].secs;
		if (!mult)
			return fail(ps, "bad timeout '%s': the units are s, m, h and d (e.g. 30m)",
				    s);
		n--;
	}
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return fail(ps, "bad timeout '%s': a number and a unit s, m, h or d (e.g. 30m)",
				    s);
	if (parse_number(ps, s, n, 0, UINT32_MAX, &v, "timeout"))
		return -1;
	if (!v)
		return fail(ps, "bad timeout '%s': at least 1s", s);
	if (v * mult > UINT32_MAX)
		return fail(ps, "bad timeout '%s': at most %ud", s, UINT32_MAX / 86400);
	f->timeout = v * mult;
	return 0;
}

/* expires YYYY-MM-DDTHH:MM:SSZ (UTC, as save writes it). */
static int parse_expires(struct pf_parser *ps, const char *s, int64_t now, struct pf_forward *f)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	time_t at;

	if (!end || *end)
		return fail(ps, "bad expires '%s': a UTC time like 2026-11-29T18:30:00Z", s);
	at = timegm(&tm);
	f->expires_at = at;
	if (at <= now) {
		f->expired = true;
		f->timeout = 1;
		return 0;
	}
	if (at - now > UINT32_MAX)
		return fail(ps, "bad expires '%s': more than %ud from now", s, UINT32_MAX / 86400);
	f->timeout = at - now;
	return 0;
}

/* rate N/s|m|h */
static int parse_rate(struct pf_parser *ps, const char *s, struct pf_forward *f)
{
	const char *slash = strchr(s, '/');
	uint64_t v;

	if (!slash)
		return fail(ps, "bad rate '%s': new connections per s, m or h (e.g. 10/s)", s);
	if (!strcmp(slash + 1, "s"))
		f->rate_period = 1;
	else if (!strcmp(slash + 1, "m"))
		f->rate_period = 60;
	else if (!strcmp(slash + 1, "h"))
		f->rate_period = 3600;
	else
		return fail(ps, "bad rate '%s': the period is s, m or h (e.g. 10/s)", s);
	if (parse_number(ps, s, slash - s, 1, PFMOD_RATE_MAX, &v, "rate"))
		return -1;
	f->rate = v;
	return 0;
}

/* A keyword's value, or an error that names the keyword. */
static const char *value(struct pf_parser *ps, int argc, char **argv, int *a, const char *kw,
			 const char *example)
{
	if (*a >= argc) {
		fail(ps, "'%s' needs a value (e.g. %s %s)", kw, kw, example);
		return NULL;
	}
	return argv[(*a)++];
}

/* The keywords whose value may start with '-' and be refused by them. */
static bool takes_value(const char *kw)
{
	static const char *const kws[] = {
		"dev", "from", "snat", "timeout", "expires", "maxconn", "maxconn-per-source",
		"rate", "burst",
	};
	size_t i;

	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (!strcmp(kw, kws[i]))
			return true;
	return false;
}

int pf_parse_forward(int argc, char **argv, enum pf_parse_mode mode, struct pf_forward *f,
		     struct pf_request *req, char *err, size_t errlen)
{
	struct pf_parser ps = { .err = err, .errlen = errlen };
	int64_t now = req->now ? req->now : time(NULL);
	const char *v;
	unsigned int i;
	uint64_t n;
	int a = 0;

	memset(f, 0, offsetof(struct pf_forward, from));
	f->proto = IPPROTO_TCP;
	if (req->family)
		set_family(&ps, req->family, req->family == AF_INET ? "-4" : "-6");
	if (a < argc && (!strcmp(argv[a], "tcp") || !strcmp(argv[a], "udp") ||
			 !strcmp(argv[a], "sctp"))) {
		f->proto = !strcmp(argv[a], "tcp") ? IPPROTO_TCP :
			   !strcmp(argv[a], "udp") ? IPPROTO_UDP : IPPROTO_SCTP;
		a++;
	}
	for (i = 0; i < (unsigned int)argc; i++) {
		if (argv[i][0] == '-' && !(i && takes_value(argv[i - 1])))
			return fail(&ps, "unexpected '%s' (options go before the command: pfctl %s add ...)",
				    argv[i], argv[i]);
	}
	if (a < argc && argv[a][0] >= 'a' && argv[a][0] <= 'z' && !strchr(argv[a], ':'))
		return fail(&ps, "unknown protocol '%s' (tcp, udp or sctp)", argv[a]);
	if (a >= argc)
		return fail(&ps, "listen port missing (e.g. 80, 8000-8099, 203.0.113.10:80)");
	if (parse_listen(&ps, argv[a++], f))
		return -1;
	if (mode == PF_PARSE_ADD) {
		if (a >= argc)
			return fail(&ps, "target missing (e.g. 192.168.1.2:8080 or local:8080)");
		if (parse_target(&ps, argv[a++], f))
			return -1;
	}
	while (a < argc) {
		const char *kw = argv[a++];

		if (!strcmp(kw, "dev")) {
			if (a >= argc)
				return fail(&ps, "'dev' needs an interface name");
			if (f->ifname[0])
				return fail(&ps, "'dev' given twice");
			if (parse_ifname(&ps, argv[a++], f->ifname))
				return -1;
		} else if (!strcmp(kw, "from")) {
			if (a >= argc)
				return fail(&ps, "'from' needs a source prefix (e.g. 198.51.100.0/24)");
			if (f->n_from == PFMOD_FROM_MAX)
				return fail(&ps, "too many 'from' (at most %d)", PFMOD_FROM_MAX);
			if (parse_prefix(&ps, argv[a++], &f->from[f->n_from]))
				return -1;
			for (i = 0; i < f->n_from; i++)
				if (f->from[i].len == f->from[f->n_from].len &&
				    !memcmp(&f->from[i].addr, &f->from[f->n_from].addr,
					    sizeof(f->from[i].addr)))
					return fail(&ps, "source prefix '%s' given twice",
						    argv[a - 1]);
			f->n_from++;
		} else if (mode == PF_PARSE_ADD && !strcmp(kw, "snat")) {
			if (parse_snat(&ps, a < argc ? argv[a++] : NULL, f))
				return -1;
		} else if (mode == PF_PARSE_ADD && (!strcmp(kw, "timeout") ||
						    !strcmp(kw, "expires"))) {
			v = value(&ps, argc, argv, &a, kw, kw[0] == 't' ? "30m" :
							   "2026-11-29T18:30:00Z");
			if (!v)
				return -1;
			if (f->timeout || f->expired)
				return fail(&ps, "'timeout' or 'expires' given twice");
			if (kw[0] == 't' ? parse_timeout(&ps, v, f) : parse_expires(&ps, v, now, f))
				return -1;
		} else if (!strcmp(kw, "maxconn") || !strcmp(kw, "maxconn-per-source")) {
			uint32_t *max = kw[7] ? &f->maxconn_src : &f->maxconn;

			if (mode != PF_PARSE_ADD)
				return fail(&ps, "unknown keyword '%s'", kw);
			v = value(&ps, argc, argv, &a, kw, "100");
			if (!v || parse_number(&ps, v, strlen(v), 1, UINT32_MAX, &n, kw))
				return -1;
			if (*max)
				return fail(&ps, "'%s' given twice", kw);
			*max = n;
		} else if (mode == PF_PARSE_ADD && !strcmp(kw, "rate")) {
			v = value(&ps, argc, argv, &a, kw, "10/s");
			if (!v)
				return -1;
			if (f->rate)
				return fail(&ps, "'rate' given twice");
			if (parse_rate(&ps, v, f))
				return -1;
		} else if (mode == PF_PARSE_ADD && !strcmp(kw, "burst")) {
			v = value(&ps, argc, argv, &a, kw, "20");
			if (!v || parse_number(&ps, v, strlen(v), 1, PFMOD_RATE_MAX, &n, kw))
				return -1;
			if (f->burst)
				return fail(&ps, "'burst' given twice");
			f->burst = n;
		} else if (!strcmp(kw, "keep")) {
			if (mode == PF_PARSE_DEL)
				req->flags |= PFMOD_REQ_F_KEEP_CONNS;
			else
				f->expire_keep = true;
		} else if (mode == PF_PARSE_ADD && !strcmp(kw, "offload")) {
			if (f->offload)
				return fail(&ps, "'offload' given twice");
			f->offload = true;
		} else if (mode == PF_PARSE_ADD && !strcmp(kw, "flush")) {
			req->flags |= PFMOD_REQ_F_FLUSH_EXISTING;
		} else {
			return fail(&ps, "unknown keyword '%s'", kw);
		}
	}
	f->family = ps.family ? ps.family : AF_INET;
	if (f->expire_keep && !f->timeout)
		return fail(&ps, "'keep' on add says what happens at expiry: it needs a timeout (e.g. timeout 30m keep)");
	if (f->offload && f->to_self)
		return fail(&ps, "a forward to this host has nothing to offload: its connections are the host's own");
	if (f->burst && !f->rate)
		return fail(&ps, "'burst' needs a 'rate' (e.g. rate 10/s burst 20)");
	if (mode == PF_PARSE_ADD && f->to_port_max - f->to_port_min != f->port_max - f->port_min &&
	    f->to_port_min != f->to_port_max)
		return fail(&ps, "target ports %u-%u are %u, listen ports %u-%u are %u: give one target port or as many as listen ports",
			    f->to_port_min, f->to_port_max, f->to_port_max - f->to_port_min + 1,
			    f->port_min, f->port_max, f->port_max - f->port_min + 1);
	if (f->to_self && (f->snat == PFMOD_SNAT_ALWAYS || f->snat == PFMOD_SNAT_ADDR))
		return fail(&ps, "a forward to this host keeps the client's address: no snat %s",
			    f->snat == PFMOD_SNAT_ALWAYS ? "always" : "ADDR");
	if (mode == PF_PARSE_ADD && f->to_self && f->to_port_min == f->port_min &&
	    f->to_port_max == f->port_max)
		return fail(&ps, "a forward to local port %u of this host would change nothing",
			    f->port_min);
	return 0;
}

/* A character of a word: not a blank (space, tab, CR), '#', '\n' or the end. */
static bool word_char(unsigned char c)
{
	if (c > ' ')
		return c != '#';
	return c && c != ' ' && c != '\t' && c != '\r' && c != '\n';
}

static bool blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int pf_next_line(char **pos, char *copy, size_t copylen, char **argv)
{
	const unsigned char *line = (const unsigned char *)*pos;
	size_t i = 0, n = 0, max = copylen - 1;
	int argc = 0;

	if (!*line)
		return -1;
	/* Of the line's first copylen - 1 characters, those before a '#' are
	 * copied as words, cut at blanks; each word's copy ends in a '\0'
	 * where the line has the character after it, so they fit in @copy.
	 */
	for (;;) {
		while (i < max && blank(line[i]))
			i++;
		if (i == max || !word_char(line[i]))
			break;
		if (argc < PF_MAX_WORDS)
			argv[argc++] = copy + n;
		do
			copy[n++] = line[i++];
		while (i < max && word_char(line[i]));
		copy[n++] = '\0';
	}
	/* A comment, or what lies past the first copylen - 1 characters. */
	while (line[i] && line[i] != '\n')
		i++;
	*pos = (char *)line + i + (line[i] == '\n');
	return argc;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Forwards as text: the fields of a table for people (table.c lays them
 * out), JSON for programs, and the words `pfctl add` takes (for `pfctl
 * save`).
 */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "forward.h"

const char *pf_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	return "?";
}

/*
 * Text put at the end of a buffer of @len bytes, always ended by a NUL; what
 * does not fit is cut off, as snprintf() cuts it. pfctl save writes a
 * million forwards through these, so they do without printf's parsing.
 */
struct pf_text {
	char *buf;
	size_t len, off;
};

static struct pf_text pf_text_init(char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	return (struct pf_text){ .buf = buf, .len = len };
}

static void put_mem(struct pf_text *t, const char *s, size_t n)
{
	if (t->off + 1 >= t->len)
		return;
	if (n > t->len - 1 - t->off)
		n = t->len - 1 - t->off;
	memcpy(t->buf + t->off, s, n);
	t->off += n;
	t->buf[t->off] = '\0';
}

/* Inlined: the length of a literal is then known where it is put. */
static inline __attribute__((always_inline)) void put_str(struct pf_text *t, const char *s)
{
	put_mem(t, s, strlen(s));
}

/* @v in decimal, ending where @end points: returns where it begins. */
static char *decimal(char *end, uint32_t v)
{
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

static void put_u32(struct pf_text *t, uint32_t v)
{
	char digits[10], *end = digits + sizeof(digits), *p = decimal(end, v);

	put_mem(t, p, end - p);
}

/* A port or a prefix length in decimal at @p: returns where it ends. */
static char *number_at(char *p, uint16_t v)
{
	char *end = p + (v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1);

	decimal(end, v);
	return end;
}

/*
 * The bytes 0-255 in decimal, without leading zeros: each entry its digits
 * and then their count in its fourth byte.
 */
#define OCTET_LEN(v) ((v) >= 100 ? 3 : (v) >= 10 ? 2 : 1)
#define OCTET_TEN(v, i) (OCTET_LEN(v) - (i) == 3 ? 100 : OCTET_LEN(v) - (i) == 2 ? 10 : 1)
#define OCTET_CHAR(v, i) ((i) < OCTET_LEN(v) ? '0' + (v) / OCTET_TEN(v, i) % 10 : 0)
#define OCTET(v) { OCTET_CHAR(v, 0), OCTET_CHAR(v, 1), OCTET_CHAR(v, 2), OCTET_LEN(v) }
#define OCTET4(v) OCTET(v), OCTET((v) + 1), OCTET((v) + 2), OCTET((v) + 3)
#define OCTET16(v) OCTET4(v), OCTET4((v) + 4), OCTET4((v) + 8), OCTET4((v) + 12)
#define OCTET64(v) OCTET16(v), OCTET16((v) + 16), OCTET16((v) + 32), OCTET16((v) + 48)

static const char octets[256][4] = {
	OCTET64(0), OCTET64(64), OCTET64(128), OCTET64(192),
};

/*
 * A byte in decimal at @p, which has room for four bytes (the fourth is
 * left with no meaning): returns where its digits end.
 */
static char *octet(char *p, uint8_t v)
{
	memcpy(p, octets[v], 4);
	return p + octets[v][3];
}

/*
 * The words below are written at @p, which has room for the longest, and
 * each returns where it ends: a line is then put a few words at once, not
 * a piece at a time (pfctl save writes a million).
 *
 * An address as inet_ntop() writes it; dotted quads without it (it runs
 * sprintf).
 */
static char *addr_at(char *p, int family, const union pf_addr *a)
{
	const uint8_t *b = (const uint8_t *)a;

	if (family == AF_INET) {
		p = octet(p, b[0]);
		*p++ = '.';
		p = octet(p, b[1]);
		*p++ = '.';
		p = octet(p, b[2]);
		*p++ = '.';
		return octet(p, b[3]);
	}
	if (!inet_ntop(family, a, p, INET6_ADDRSTRLEN))
		return stpcpy(p, "?");
	return p + strlen(p);
}

/* PORT or MIN-MAX. */
static char *ports_at(char *p, uint16_t min, uint16_t max)
{
	p = number_at(p, min);
	if (min != max) {
		*p++ = '-';
		p = number_at(p, max);
	}
	return p;
}

/* ADDR/LEN: PF_PREFIX_LEN bytes at most. */
#define PF_PREFIX_LEN (INET6_ADDRSTRLEN + sizeof("/128"))
static char *prefix_at(char *p, int family, const struct pf_prefix *pfx)
{
	p = addr_at(p, family, &pfx->addr);
	*p++ = '/';
	return number_at(p, pfx->len);
}

/* ADDR:PORTS, with [ADDR] for IPv6: PF_ENDPOINT_LEN bytes at most. */
#define PF_ENDPOINT_LEN (INET6_ADDRSTRLEN + sizeof("[]:65535-65535"))
static char *endpoint_at(char *p, int family, const union pf_addr *a, uint16_t min,
			 uint16_t max)
{
	if (family == AF_INET6)
		*p++ = '[';
	p = addr_at(p, family, a);
	if (family == AF_INET6)
		*p++ = ']';
	*p++ = ':';
	return ports_at(p, min, max);
}

/* The listen side as ss(8) shows sockets: 0.0.0.0 / [::] for any address. */
static char *listen_at(char *p, const struct pf_forward *f)
{
	static const union pf_addr any;

	return endpoint_at(p, f->family, f->has_addr ? &f->addr : &any, f->port_min,
			   f->port_max);
}

/* local:PORTS or an endpoint. */
static char *target_at(char *p, const struct pf_forward *f)
{
	if (f->to_self)
		return ports_at(stpcpy(p, "local:"), f->to_port_min, f->to_port_max);
	return endpoint_at(p, f->family, &f->to_addr, f->to_port_min, f->to_port_max);
}

static void put_addr(struct pf_text *t, int family, const union pf_addr *a)
{
	char word[INET6_ADDRSTRLEN];

	put_mem(t, word, addr_at(word, family, a) - word);
}

static void put_listen(struct pf_text *t, const struct pf_forward *f)
{
	char word[PF_ENDPOINT_LEN];

	put_mem(t, word, listen_at(word, f) - word);
}

void pf_format_listen(const struct pf_forward *f, char *buf, size_t len)
{
	struct pf_text t = pf_text_init(buf, len);

	put_listen(&t, f);
}

static void put_target(struct pf_text *t, const struct pf_forward *f)
{
	char word[PF_ENDPOINT_LEN];

	put_mem(t, word, target_at(word, f) - word);
}

void pf_format_target(const struct pf_forward *f, char *buf, size_t len)
{
	struct pf_text t = pf_text_init(buf, len);

	put_target(&t, f);
}

/* ADDR/LEN. */
static void put_prefix(struct pf_text *t, int family, const struct pf_prefix *p)
{
	char word[PF_PREFIX_LEN];

	put_mem(t, word, prefix_at(word, family, p) - word);
}

void pf_format_from(const struct pf_forward *f, char *buf, size_t len)
{
	struct pf_text t = pf_text_init(buf, len);
	unsigned int i;

	for (i = 0; i < f->n_from; i++) {
		if (i)
			put_mem(&t, ",", 1);
		put_prefix(&t, f->family, &f->from[i]);
	}
}

static void put_snat(struct pf_text *t, const struct pf_forward *f)
{
	switch (f->snat) {
	case PFMOD_SNAT_AUTO:
		put_str(t, "auto");
		break;
	case PFMOD_SNAT_NEVER:
		put_str(t, "never");
		break;
	case PFMOD_SNAT_ALWAYS:
		put_str(t, "always");
		break;
	case PFMOD_SNAT_ADDR:
		put_addr(t, f->family, &f->snat_addr);
		break;
	default:
		put_str(t, "?");
	}
}

void pf_format_snat(const struct pf_forward *f, char *buf, size_t len)
{
	struct pf_text t = pf_text_init(buf, len);

	put_snat(&t, f);
}

void pf_format_duration(uint64_t seconds, char *buf, size_t len)
{
	static const struct { char unit; uint64_t secs; } units[] = {
		{ 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
	};
	size_t off = 0, i;
	int shown = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(units) / sizeof(units[0]) && off < len && shown < 2; i++) {
		uint64_t n = seconds / units[i].secs;

		if (!n && !(shown || units[i].secs == 1))
			continue;
		if (!n && shown)
			break;
		off += snprintf(buf + off, len - off, "%llu%c", (unsigned long long)n,
				units[i].unit);
		seconds -= n * units[i].secs;
		shown++;
	}
}

void pf_format_time(int64_t t, char *buf, size_t len)
{
	time_t tt = t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

void pf_format_rate(const struct pf_forward *f, char *buf, size_t len)
{
	snprintf(buf, len, "%u/%c", f->rate,
		 f->rate_period == 3600 ? 'h' : f->rate_period == 60 ? 'm' : 's');
}

/* When @f expires, in seconds since the epoch, from @now; 0: never. */
static int64_t expires_at(const struct pf_forward *f, int64_t now)
{
	if (f->expires_ms)
		return now + (int64_t)((f->expires_ms + 999) / 1000);
	if (f->expires_at)
		return f->expires_at;
	return f->timeout ? now + f->timeout : 0;
}

/* The words of the limits, each with a leading space. */
static void put_limits(struct pf_text *t, const struct pf_forward *f)
{
	char rate[32];

	if (f->maxconn) {
		put_str(t, " maxconn ");
		put_u32(t, f->maxconn);
	}
	if (f->maxconn_src) {
		put_str(t, " maxconn-per-source ");
		put_u32(t, f->maxconn_src);
	}
	if (f->rate) {
		pf_format_rate(f, rate, sizeof(rate));
		put_str(t, " rate ");
		put_str(t, rate);
	}
	if (f->rate && f->burst && f->burst != PF_BURST_DEFAULT) {
		put_str(t, " burst ");
		put_u32(t, f->burst);
	}
}

static void format_limits(const struct pf_forward *f, char *buf, size_t len)
{
	struct pf_text t = pf_text_init(buf, len);

	put_limits(&t, f);
}

void pf_format_save(const struct pf_forward *f, char *buf, size_t len)
{
	pf_format_save_at(f, 0, buf, len);
}

size_t pf_format_save_at(const struct pf_forward *f, int64_t now, char *buf, size_t len)
{
	struct pf_text t = pf_text_init(buf, len);
	char head[sizeof("sctp ") + 2 * PF_ENDPOINT_LEN], *p, when[32];
	unsigned int i;
	int64_t at;

	p = stpcpy(head, pf_proto_name(f->proto));
	*p++ = ' ';
	/* The listen address only if there is one, or if nothing else would
	 * tell the family: "[::]:80 local:8080".
	 */
	if (f->has_addr || (f->family == AF_INET6 && f->to_self && !f->n_from))
		p = listen_at(p, f);
	else
		p = ports_at(p, f->port_min, f->port_max);
	*p++ = ' ';
	p = target_at(p, f);
	put_mem(&t, head, p - head);
	if (f->ifname[0]) {
		put_str(&t, " dev ");
		put_str(&t, f->ifname);
	}
	/* Each prefix a word too, in the head's room. */
	for (i = 0; i < f->n_from; i++) {
		p = prefix_at(stpcpy(head, " from "), f->family, &f->from[i]);
		put_mem(&t, head, p - head);
	}
	if (f->snat != PFMOD_SNAT_AUTO) {
		put_str(&t, " snat ");
		put_snat(&t, f);
	}
	at = expires_at(f, now ? now : time(NULL));
	if (at) {
		pf_format_time(at, when, sizeof(when));
		put_str(&t, " expires ");
		put_str(&t, when);
		if (f->expire_keep)
			put_str(&t, " keep");
	}
	put_limits(&t, f);
	if (f->offload)
		put_str(&t, " offload");
	return t.off;
}

static void put_u64(struct pf_text *t, uint64_t v)
{
	char digits[20], *end = digits + sizeof(digits), *p = end;

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	put_mem(t, p, end - p);
}

/* A counter of a stats dump, or "-" when the kernel did not send it. */
static void put_count(struct pf_text *t, bool have, uint64_t v)
{
	if (have)
		put_u64(t, v);
	else
		put_mem(t, "-", 1);
}

/* Ends a field of a row of the table: a tab between two. */
static void end_field(struct pf_text *t)
{
	put_mem(t, "\t", 1);
}

size_t pf_format_fields_at(const struct pf_forward *f, char *buf, size_t len)
{
	struct pf_text t = pf_text_init(buf, len);
	char left[32], limits[128];
	unsigned int i;

	put_u32(&t, f->id);
	end_field(&t);
	put_str(&t, pf_proto_name(f->proto));
	end_field(&t);
	put_listen(&t, f);
	end_field(&t);
	put_target(&t, f);
	end_field(&t);
	put_str(&t, f->ifname[0] ? f->ifname : "-");
	end_field(&t);
	for (i = 0; i < f->n_from; i++) {
		if (i)
			put_mem(&t, ",", 1);
		put_prefix(&t, f->family, &f->from[i]);
	}
	if (!f->n_from)
		put_mem(&t, "-", 1);
	end_field(&t);
	put_snat(&t, f);
	end_field(&t);
	put_u64(&t, f->conns);
	end_field(&t);
	put_count(&t, f->has_usage, f->active);
	end_field(&t);
	put_count(&t, f->has_traffic, f->packets);
	end_field(&t);
	put_count(&t, f->has_traffic, f->bytes);
	end_field(&t);
	put_count(&t, f->has_drops, f->drops);
	end_field(&t);
	put_str(&t, f->offload ? "yes" : "-");
	end_field(&t);
	if (f->expires_ms) {
		pf_format_duration((f->expires_ms + 999) / 1000, left, sizeof(left));
		put_str(&t, left);
	} else {
		put_mem(&t, "-", 1);
	}
	end_field(&t);
	format_limits(f, limits, sizeof(limits));
	put_str(&t, limits[0] ? limits + 1 : "-");
	return t.off;
}

/* @s escaped for a JSON string, without its quotes. */
static void put_json_chars(struct pf_text *t, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n;

	while (*s) {
		/* The run that needs no escape, then the one that does. */
		n = strcspn(s, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
			    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f");
		put_mem(t, s, n);
		s += n;
		if (*s == '"' || *s == '\\')
			put_mem(t, (const char[]){ '\\', *s }, 2);
		else if (*s)
			put_mem(t, (const char[]){ '\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 0xf] },
				6);
		else
			break;
		s++;
	}
}

/* @s as a JSON string, quoted and escaped. */
static void put_json_string(struct pf_text *t, const char *s)
{
	put_mem(t, "\"", 1);
	put_json_chars(t, s);
	put_mem(t, "\"", 1);
}

void pf_json_string(FILE *out, const char *s)
{
	/* A piece at a time, of any length: a byte is 6 at most (\u001f). */
	char piece[256], buf[6 * sizeof(piece)];
	struct pf_text t;
	size_t n;

	fputc('"', out);
	for (; *s; s += n) {
		n = strnlen(s, sizeof(piece) - 1);
		memcpy(piece, s, n);
		piece[n] = '\0';
		t = pf_text_init(buf, sizeof(buf));
		put_json_chars(&t, piece);
		fwrite(buf, 1, t.off, out);
	}
	fputc('"', out);
}

static void put_json_addr(struct pf_text *t, int family, const union pf_addr *a)
{
	put_mem(t, "\"", 1);
	put_addr(t, family, a);
	put_mem(t, "\"", 1);
}

static void put_json_bool(struct pf_text *t, bool v)
{
	if (v)
		put_str(t, "true");
	else
		put_str(t, "false");
}

/* ,"@key": and @v */
static void put_json_u64(struct pf_text *t, const char *key, uint64_t v)
{
	put_str(t, ",\"");
	put_str(t, key);
	put_str(t, "\":");
	put_u64(t, v);
}

size_t pf_format_json_at(const struct pf_forward *f, int64_t now, char *buf, size_t len)
{
	struct pf_text t = pf_text_init(buf, len);
	char word[32];
	unsigned int j;

	put_str(&t, "{\"id\":");
	put_u32(&t, f->id);
	put_str(&t, f->family == AF_INET ? ",\"family\":\"ipv4\",\"protocol\":\"" :
					   ",\"family\":\"ipv6\",\"protocol\":\"");
	put_str(&t, pf_proto_name(f->proto));
	put_str(&t, "\",\"address\":");
	if (f->has_addr)
		put_json_addr(&t, f->family, &f->addr);
	else
		put_str(&t, "null");
	put_json_u64(&t, "port_min", f->port_min);
	put_json_u64(&t, "port_max", f->port_max);
	put_str(&t, ",\"to_self\":");
	put_json_bool(&t, f->to_self);
	put_str(&t, ",\"target_address\":");
	if (f->to_self)
		put_str(&t, "null");
	else
		put_json_addr(&t, f->family, &f->to_addr);
	put_json_u64(&t, "target_port_min", f->to_port_min);
	put_json_u64(&t, "target_port_max", f->to_port_max);
	put_str(&t, ",\"dev\":");
	if (f->ifname[0])
		put_json_string(&t, f->ifname);
	else
		put_str(&t, "null");
	put_str(&t, ",\"from\":[");
	for (j = 0; j < f->n_from; j++) {
		if (j)
			put_mem(&t, ",", 1);
		put_mem(&t, "\"", 1);
		put_prefix(&t, f->family, &f->from[j]);
		put_mem(&t, "\"", 1);
	}
	put_str(&t, "],\"snat\":\"");
	put_snat(&t, f);
	put_mem(&t, "\"", 1);
	put_json_u64(&t, "connections", f->conns);
	put_json_u64(&t, "snat_connections", f->snat_conns);
	if (f->has_usage)
		put_json_u64(&t, "active", f->active);
	if (f->has_usage && f->has_traffic) {
		put_json_u64(&t, "packets", f->packets);
		put_json_u64(&t, "bytes", f->bytes);
	} else if (f->has_usage) {
		put_str(&t, ",\"packets\":null,\"bytes\":null");
	}
	if (f->expires_ms) {
		put_json_u64(&t, "expires_in_ms", f->expires_ms);
		pf_format_time(expires_at(f, now ? now : time(NULL)), word, sizeof(word));
		put_str(&t, ",\"expires\":\"");
		put_str(&t, word);
		put_str(&t, "\",\"expire_keep\":");
		put_json_bool(&t, f->expire_keep);
	}
	if (f->maxconn)
		put_json_u64(&t, "maxconn", f->maxconn);
	if (f->maxconn_src)
		put_json_u64(&t, "maxconn_per_source", f->maxconn_src);
	if (f->rate) {
		put_json_u64(&t, "rate", f->rate);
		put_json_u64(&t, "rate_period", f->rate_period);
		put_json_u64(&t, "burst", f->burst);
	}
	if (f->has_drops)
		put_json_u64(&t, "dropped", f->drops);
	if (f->offload)
		put_str(&t, ",\"offload\":true");
	put_mem(&t, "}", 1);
	return t.off;
}

void pf_print_json_forward(FILE *out, const struct pf_forward *f)
{
	char buf[PF_JSON_LINE];

	fwrite(buf, pf_format_json_at(f, 0, buf, sizeof(buf)), 1, out);
}

static bool same_from_prefix(const struct pf_forward *a, const struct pf_forward *b)
{
	unsigned int i, j;

	if (!a->n_from || !b->n_from)
		return !a->n_from && !b->n_from;
	for (i = 0; i < a->n_from; i++)
		for (j = 0; j < b->n_from; j++)
			if (a->from[i].len == b->from[j].len &&
			    !memcmp(&a->from[i].addr, &b->from[j].addr, sizeof(a->from[i].addr)))
				return true;
	return false;
}

/* The kernel's rule for EEXIST (module/table.c: a class cannot share a port). */
bool pf_forward_overlaps(const struct pf_forward *a, const struct pf_forward *b)
{
	return a->family == b->family && a->proto == b->proto && a->has_addr == b->has_addr &&
	       (!a->has_addr || !memcmp(&a->addr, &b->addr, sizeof(a->addr))) &&
	       !strcmp(a->ifname, b->ifname) && same_from_prefix(a, b) &&
	       a->port_min <= b->port_max && b->port_min <= a->port_max;
}

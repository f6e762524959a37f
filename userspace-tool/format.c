// SPDX-License-Identifier: GPL-2.0
/*
 * Forwards as text: a table for people, JSON for programs, and the words
 * `pfctl add` takes (for `pfctl save`).
 */
#include <arpa/inet.h>
#include <string.h>

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

static void format_addr(int family, const union pf_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(family, a, buf, len))
		snprintf(buf, len, "?");
}

static size_t format_ports(uint16_t min, uint16_t max, char *buf, size_t len)
{
	return min == max ? (size_t)snprintf(buf, len, "%u", min) :
			    (size_t)snprintf(buf, len, "%u-%u", min, max);
}

/* ADDR:PORTS, with [ADDR] for IPv6. */
static void format_endpoint(int family, const union pf_addr *a, uint16_t min, uint16_t max,
			    char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN], ports[16];

	format_addr(family, a, addr, sizeof(addr));
	format_ports(min, max, ports, sizeof(ports));
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%s" : "%s:%s", addr, ports);
}

/* The listen side as ss(8) shows sockets: 0.0.0.0 / [::] for any address. */
void pf_format_listen(const struct pf_forward *f, char *buf, size_t len)
{
	static const union pf_addr any;

	format_endpoint(f->family, f->has_addr ? &f->addr : &any, f->port_min, f->port_max,
			buf, len);
}

void pf_format_target(const struct pf_forward *f, char *buf, size_t len)
{
	char ports[16];

	if (f->to_self) {
		format_ports(f->to_port_min, f->to_port_max, ports, sizeof(ports));
		snprintf(buf, len, "local:%s", ports);
		return;
	}
	format_endpoint(f->family, &f->to_addr, f->to_port_min, f->to_port_max, buf, len);
}

void pf_format_from(const struct pf_forward *f, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < f->n_from && off < len; i++) {
		format_addr(f->family, &f->from[i].addr, addr, sizeof(addr));
		off += snprintf(buf + off, len - off, "%s%s/%u", i ? "," : "", addr,
				f->from[i].len);
	}
}

void pf_format_snat(const struct pf_forward *f, char *buf, size_t len)
{
	switch (f->snat) {
	case PFMOD_SNAT_AUTO:
		snprintf(buf, len, "auto");
		break;
	case PFMOD_SNAT_NEVER:
		snprintf(buf, len, "never");
		break;
	case PFMOD_SNAT_ALWAYS:
		snprintf(buf, len, "always");
		break;
	case PFMOD_SNAT_ADDR:
		format_addr(f->family, &f->snat_addr, buf, len);
		break;
	default:
		snprintf(buf, len, "?");
	}
}

void pf_format_save(const struct pf_forward *f, char *buf, size_t len)
{
	char snat[INET6_ADDRSTRLEN];
	char listen[64], target[64], addr[INET6_ADDRSTRLEN];
	size_t off;
	unsigned int i;

	/* The listen address only if there is one, or if nothing else would
	 * tell the family: "[::]:80 local:8080".
	 */
	if (f->has_addr || (f->family == AF_INET6 && f->to_self && !f->n_from))
		pf_format_listen(f, listen, sizeof(listen));
	else
		format_ports(f->port_min, f->port_max, listen, sizeof(listen));
	pf_format_target(f, target, sizeof(target));
	off = snprintf(buf, len, "%s %s %s", pf_proto_name(f->proto), listen, target);
	if (f->ifname[0] && off < len)
		off += snprintf(buf + off, len - off, " dev %s", f->ifname);
	for (i = 0; i < f->n_from && off < len; i++) {
		format_addr(f->family, &f->from[i].addr, addr, sizeof(addr));
		off += snprintf(buf + off, len - off, " from %s/%u", addr, f->from[i].len);
	}
	if (f->snat != PFMOD_SNAT_AUTO && off < len) {
		pf_format_snat(f, snat, sizeof(snat));
		snprintf(buf + off, len - off, " snat %s", snat);
	}
}

void pf_print_table(FILE *out, const struct pf_forward *f, size_t n)
{
	char listen[64], target[64], from[PFMOD_FROM_MAX * 48], snat[INET6_ADDRSTRLEN];
	size_t i;

	fprintf(out, "%-5s %-5s %-26s %-30s %-8s %-18s %-8s %s\n", "ID", "PROTO", "LISTEN",
		"TARGET", "DEV", "FROM", "SNAT", "CONNS");
	for (i = 0; i < n; i++) {
		pf_format_listen(&f[i], listen, sizeof(listen));
		pf_format_target(&f[i], target, sizeof(target));
		pf_format_from(&f[i], from, sizeof(from));
		pf_format_snat(&f[i], snat, sizeof(snat));
		fprintf(out, "%-5u %-5s %-26s %-30s %-8s %-18s %-8s %llu\n", f[i].id,
			pf_proto_name(f[i].proto), listen, target,
			f[i].ifname[0] ? f[i].ifname : "-", from[0] ? from : "-", snat,
			(unsigned long long)f[i].conns);
	}
}

static void json_string(FILE *out, const char *s)
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

static void json_addr(FILE *out, int family, const union pf_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	format_addr(family, a, buf, sizeof(buf));
	json_string(out, buf);
}

void pf_print_json(FILE *out, const struct pf_forward *f, size_t n)
{
	size_t i;
	unsigned int j;

	fputc('[', out);
	for (i = 0; i < n; i++) {
		fprintf(out, "%s{\"id\":%u,\"family\":\"%s\",\"protocol\":\"%s\",\"address\":",
			i ? "," : "", f[i].id, f[i].family == AF_INET ? "ipv4" : "ipv6",
			pf_proto_name(f[i].proto));
		if (f[i].has_addr)
			json_addr(out, f[i].family, &f[i].addr);
		else
			fputs("null", out);
		fprintf(out, ",\"port_min\":%u,\"port_max\":%u,\"to_self\":%s,\"target_address\":",
			f[i].port_min, f[i].port_max, f[i].to_self ? "true" : "false");
		if (f[i].to_self)
			fputs("null", out);
		else
			json_addr(out, f[i].family, &f[i].to_addr);
		fprintf(out, ",\"target_port_min\":%u,\"target_port_max\":%u,\"dev\":",
			f[i].to_port_min, f[i].to_port_max);
		if (f[i].ifname[0])
			json_string(out, f[i].ifname);
		else
			fputs("null", out);
		fputs(",\"from\":[", out);
		for (j = 0; j < f[i].n_from; j++) {
			char buf[INET6_ADDRSTRLEN + 8], addr[INET6_ADDRSTRLEN];

			format_addr(f[i].family, &f[i].from[j].addr, addr, sizeof(addr));
			snprintf(buf, sizeof(buf), "%s/%u", addr, f[i].from[j].len);
			if (j)
				fputc(',', out);
			json_string(out, buf);
		}
		fputs("],\"snat\":", out);
		{
			char snat[INET6_ADDRSTRLEN];

			pf_format_snat(&f[i], snat, sizeof(snat));
			json_string(out, snat);
		}
		fprintf(out, ",\"connections\":%llu,\"snat_connections\":%llu}",
			(unsigned long long)f[i].conns, (unsigned long long)f[i].snat_conns);
	}
	fputs("]\n", out);
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

/* The kernel's rule for EEXIST (module/forward.c, pf_fwd_same_class). */
bool pf_forward_overlaps(const struct pf_forward *a, const struct pf_forward *b)
{
	return a->family == b->family && a->proto == b->proto && a->has_addr == b->has_addr &&
	       (!a->has_addr || !memcmp(&a->addr, &b->addr, sizeof(a->addr))) &&
	       !strcmp(a->ifname, b->ifname) && same_from_prefix(a, b) &&
	       a->port_min <= b->port_max && b->port_min <= a->port_max;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * doctor: local sockets on a forward's listen ports. Connections to those
 * ports are forwarded, so such a socket never gets one. Read from the
 * namespace's /proc/net socket tables, which load nothing (sock_diag would
 * load its modules on a host that had none).
 */
#include <stdio.h>
#include <string.h>

#include "doctor.h"

struct sock_table {
	const char *path;
	int family;
	uint8_t proto;
	const char *state;	/* the st column of a listener */
	const char *ss;		/* ss options that show it, with its program */
};

static const struct sock_table tables[] = {
	{ "/proc/net/tcp", AF_INET, IPPROTO_TCP, "0A", "-ltnp" },
	{ "/proc/net/tcp6", AF_INET6, IPPROTO_TCP, "0A", "-ltnp" },
	{ "/proc/net/udp", AF_INET, IPPROTO_UDP, "07", "-lunp" },
	{ "/proc/net/udp6", AF_INET6, IPPROTO_UDP, "07", "-lunp" },
};

/* "0100007F:1F90" or 32 hex digits and a port: the address as stored. */
static int parse_local(const char *s, int family, union pf_addr *a, unsigned int *port)
{
	unsigned int w[4];

	memset(a, 0, sizeof(*a));
	if (family == AF_INET)
		return sscanf(s, "%8X:%X", &w[0], port) == 2 ? (memcpy(a, w, 4), 0) : -1;
	if (sscanf(s, "%8X%8X%8X%8X:%X", &w[0], &w[1], &w[2], &w[3], port) != 5)
		return -1;
	memcpy(a, w, 16);
	return 0;
}

static bool addr_any(const union pf_addr *a, int family)
{
	static const union pf_addr zero;

	return !memcmp(a, &zero, pf_addr_len(family));
}

/*
 * Whether a socket bound to @a (of @family) gets connections to @f's
 * listen side: the same address or any; an IPv6 socket on :: takes IPv4
 * too unless it is IPV6_V6ONLY (which these tables do not show: it is
 * taken to), as does one on an IPv4-mapped address.
 */
static bool covers(int family, const union pf_addr *a, const struct pf_forward *f)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (family == AF_INET6 && f->family == AF_INET) {
		if (addr_any(a, AF_INET6))
			return true;
		if (memcmp(a->bytes, mapped, sizeof(mapped)))
			return false;
		return !f->has_addr || !memcmp(a->bytes + 12, &f->addr, 4);
	}
	if (family != f->family)
		return false;
	return !f->has_addr || addr_any(a, family) ||
	       !memcmp(a, &f->addr, pf_addr_len(family));
}

static void check_table(struct pf_doctor *d, const struct sock_table *t)
{
	char line[512], local[64], st[8], fix[256];
	FILE *in = fopen(t->path, "r");
	union pf_addr a;
	unsigned int port;
	size_t i;

	if (!in)
		return;
	while (fgets(line, sizeof(line), in)) {
		if (sscanf(line, " %*s %63s %*s %7s", local, st) != 2 || strcmp(st, t->state) ||
		    parse_local(local, t->family, &a, &port))
			continue;
		for (i = 0; i < d->n; i++) {
			const struct pf_forward *f = &d->fwd[i];

			if (!covers(t->family, &a, f) || f->proto != t->proto ||
			    port < f->port_min || port > f->port_max)
				continue;
			snprintf(fix, sizeof(fix),
				 "ss %s 'sport = :%u' names the program: move it to another port, or forward another port",
				 t->ss, port);
			pf_doctor_report(d, PF_PROBLEM, "local-listener", f, fix,
					 "a local %s socket listens on port %u: the connections to it are forwarded, so it never gets one",
					 pf_proto_name(t->proto), port);
		}
	}
	fclose(in);
}

void pf_doctor_listeners(struct pf_doctor *d)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		check_table(d, &tables[i]);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * doctor: the legacy x_tables rules (iptables-legacy, ip6tables-legacy),
 * read with IPT_SO_GET_ENTRIES as iptables-legacy -L does, only for the
 * tables that exist already (/proc/net/ip*_tables_names: asking for
 * another would load its module). The same questions as of nf_tables: does
 * the filter table's FORWARD chain drop DNATed connections, and does a
 * DNAT or REDIRECT rule of the nat table's PREROUTING take a forward's
 * port first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "doctor.h"	/* net/if.h before linux/if.h */

#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

/* One table's rules, and where the family's entry layout differs. */
struct xt_table {
	int family;
	void *buf;		/* what the kernel wrote */
	char *blob;		/* its entries */
	unsigned int size;
	unsigned int hook_entry[NF_INET_NUMHOOKS], underflow[NF_INET_NUMHOOKS];
};

struct xt_rule {
	struct pf_xt_match m;	/* with the addresses and interfaces */
	const char *target;	/* "" for a standard verdict */
	int verdict;		/* standard: < 0 -NF_x - 1, >= 0 a jump offset */
	unsigned int next;	/* offset of the next rule */
};

static bool table_exists(int family, const char *name)
{
	char line[64];
	bool found = false;
	FILE *f = fopen(family == AF_INET ? "/proc/net/ip_tables_names" :
					  "/proc/net/ip6_tables_names", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, strlen(name)) && line[strlen(name)] == '\n';
	fclose(f);
	return found;
}

static int read_table(int family, const char *name, struct xt_table *t)
{
	/* ipt_getinfo and ip6t_getinfo are alike, as are the get_entries
	 * headers: a name, a size, then the entries.
	 */
	int level = family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	size_t head = family == AF_INET ? sizeof(struct ipt_get_entries) :
					  sizeof(struct ip6t_get_entries);
	struct ipt_get_entries *e;
	struct ipt_getinfo info;
	socklen_t len = sizeof(info);
	int fd, ret = 0;

	memset(t, 0, sizeof(*t));
	t->family = family;
	fd = socket(family, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "%s", name);
	if (getsockopt(fd, level, IPT_SO_GET_INFO, &info, &len) < 0) {
		ret = -errno;
		goto out;
	}
	memcpy(t->hook_entry, info.hook_entry, sizeof(t->hook_entry));
	memcpy(t->underflow, info.underflow, sizeof(t->underflow));
	t->size = info.size;
	len = head + info.size;
	e = calloc(1, len);
	if (!e) {
		ret = -ENOMEM;
		goto out;
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->size = info.size;
	if (getsockopt(fd, level, IPT_SO_GET_ENTRIES, e, &len) < 0) {
		ret = -errno;
		free(e);
		goto out;
	}
	/* The blob stays in its buffer: the entries start after the head. */
	t->blob = (char *)e + head;
	t->buf = e;
out:
	close(fd);
	return ret;
}

static bool ip4_conditions(const struct ipt_ip *ip)
{
	return ip->smsk.s_addr || ip->dmsk.s_addr || ip->iniface[0] || ip->outiface[0];
}

static bool ip6_conditions(const struct ip6t_ip6 *ip)
{
	static const struct in6_addr any;

	return memcmp(&ip->smsk, &any, sizeof(any)) || memcmp(&ip->dmsk, &any, sizeof(any)) ||
	       ip->iniface[0] || ip->outiface[0];
}

/* The rule at @off, summed up; false past the table. */
static bool read_rule(const struct xt_table *t, unsigned int off, struct xt_rule *r)
{
	unsigned int head = t->family == AF_INET ? sizeof(struct ipt_entry) :
						   sizeof(struct ip6t_entry);
	uint16_t target_offset, next_offset;
	const struct xt_entry_target *target;
	const char *e = t->blob + off;
	unsigned int m;

	if (off + head > t->size)
		return false;
	memset(r, 0, sizeof(*r));
	r->m.dport_max = 65535;
	if (t->family == AF_INET) {
		const struct ipt_entry *e4 = (const void *)e;

		target_offset = e4->target_offset;
		next_offset = e4->next_offset;
		r->m.conditions = ip4_conditions(&e4->ip);
		r->m.proto = e4->ip.proto;
	} else {
		const struct ip6t_entry *e6 = (const void *)e;

		target_offset = e6->target_offset;
		next_offset = e6->next_offset;
		r->m.conditions = ip6_conditions(&e6->ipv6);
		r->m.proto = e6->ipv6.proto;
	}
	if (next_offset < head || off + next_offset > t->size || target_offset > next_offset)
		return false;
	for (m = head; m + sizeof(struct xt_entry_match) <= target_offset;) {
		const struct xt_entry_match *match = (const void *)(e + m);

		if (match->u.user.match_size < sizeof(*match))
			break;
		pf_doctor_xt_match(&r->m, match->u.user.name, match->u.user.revision,
				   match->data, match->u.user.match_size - sizeof(*match));
		m += match->u.user.match_size;
	}
	target = (const void *)(e + target_offset);
	r->target = target->u.user.name;
	if (!r->target[0])
		r->verdict = ((const struct xt_standard_target *)target)->verdict;
	r->next = off + next_offset;
	return true;
}

static bool is_verdict(const struct xt_rule *r, int nf)
{
	return !r->target[0] && r->verdict == -nf - 1;
}

/* Walks from @off to the end of its chain (a RETURN, or @end). */
static void walk_filter(const struct xt_table *t, unsigned int off, unsigned int end, int depth,
			struct pf_chain_verdict *v, bool *stop)
{
	struct xt_rule r;

	while (!*stop && off < end && read_rule(t, off, &r)) {
		if (!strcmp(r.target, "ERROR") || is_verdict(&r, NF_REPEAT))
			return;		/* the end of a user chain */
		if (is_verdict(&r, NF_ACCEPT) && r.m.ct_dnat) {
			v->accepts_dnat = true;
			*stop = true;
		} else if ((is_verdict(&r, NF_DROP) || !strcmp(r.target, "REJECT")) &&
			   !r.m.conditions && !r.m.ct_dnat && !r.m.proto && !depth) {
			v->drops = true;
			*stop = true;
		} else if (!r.target[0] && r.verdict >= 0 && depth < 8 &&
			   (unsigned int)r.verdict != r.next) {
			walk_filter(t, r.verdict, t->size, depth + 1, v, stop);
		}
		off = r.next;
	}
}

static void check_filter(struct pf_doctor *d, int family)
{
	const char *cmd = family == AF_INET ? "iptables-legacy" : "ip6tables-legacy";
	unsigned int entry, policy;
	struct pf_chain_verdict v = { 0 };
	char name[128], fix[256];
	struct xt_table t;
	struct xt_rule r;
	bool stop = false;

	if (!table_exists(family, "filter") || read_table(family, "filter", &t))
		return;
	entry = t.hook_entry[NF_INET_FORWARD];
	policy = t.underflow[NF_INET_FORWARD];
	walk_filter(&t, entry, policy, 0, &v, &stop);
	if (!stop && read_rule(&t, policy, &r) && is_verdict(&r, NF_DROP))
		v.drops = true;
	snprintf(name, sizeof(name), "the %s FORWARD chain", cmd);
	snprintf(fix, sizeof(fix), "%s -I FORWARD -m conntrack --ctstate DNAT -j ACCEPT", cmd);
	pf_doctor_forward_chain(d, family, name, &v, fix);
	free(t.buf);
}

static void check_nat(struct pf_doctor *d, int family)
{
	const char *cmd = family == AF_INET ? "iptables-legacy" : "ip6tables-legacy";
	char where[128], undo[256];
	unsigned int off, n = 0;
	struct xt_table t;
	struct xt_rule r;

	if (!table_exists(family, "nat") || read_table(family, "nat", &t))
		return;
	off = t.hook_entry[NF_INET_PRE_ROUTING];
	while (off < t.underflow[NF_INET_PRE_ROUTING] && read_rule(&t, off, &r)) {
		n++;
		if (!strcmp(r.target, "DNAT") || !strcmp(r.target, "REDIRECT")) {
			snprintf(where, sizeof(where), "rule %u of the %s nat PREROUTING chain", n,
				 cmd);
			snprintf(undo, sizeof(undo), "%s -t nat -D PREROUTING %u (or give the forward another port)",
				 cmd, n);
			pf_doctor_nat_rule(d, family, r.m.proto, r.m.dport_min, r.m.dport_max,
					   where, undo);
		}
		off = r.next;
	}
	free(t.buf);
}

void pf_doctor_xtables(struct pf_doctor *d)
{
	check_filter(d, AF_INET);
	check_filter(d, AF_INET6);
	check_nat(d, AF_INET);
	check_nat(d, AF_INET6);
}

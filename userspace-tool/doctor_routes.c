// SPDX-License-Identifier: GPL-2.0
/*
 * doctor: where the FIB sends a forward's packets (RTM_GETROUTE, as
 * `ip route get` asks; nothing is sent): a target with no route, a target
 * behind the interface its clients come in on (hairpin), and strict
 * reverse path filtering against the route back to the clients.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "doctor.h"

struct route {
	int err;		/* 0, or -errno from the kernel */
	unsigned int oif;
	unsigned char type;	/* RTN_* */
	char oifname[IF_NAMESIZE];	/* "?" if none */
};

/*
 * The routes asked for, by address: the forwards to one target, or from
 * one client prefix, ask the kernel once (a million forwards to a few
 * servers: a few questions). Open addressing, at most half full.
 */
struct route_entry {
	bool used;
	int family;
	union pf_addr addr;
	struct route r;
};

struct routes {
	struct mnl_socket *nl;
	struct route_entry *v;
	size_t n, cap;		/* cap: 0 or a power of two */
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route *r = data;
	const struct nlattr *a;

	r->type = rtm->rtm_type;
	mnl_attr_for_each(a, nlh, sizeof(*rtm))
		if (mnl_attr_get_type(a) == RTA_OIF && !mnl_attr_validate(a, MNL_TYPE_U32))
			r->oif = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static void ifname_of(unsigned int ifindex, char *buf)
{
	if (!ifindex || !if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "?");
}

/* The route from this host to @addr, as `ip route get ADDR` shows it. */
static void route_ask(struct mnl_socket *nl, int family, const union pf_addr *addr,
		      struct route *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	unsigned int seq = time(NULL);
	struct rtmsg *rtm;
	int n;

	memset(r, 0, sizeof(*r));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = family == AF_INET ? 32 : 128;
	mnl_attr_put(nlh, RTA_DST, pf_addr_len(family), addr);
	n = mnl_socket_sendto(nl, nlh, nlh->nlmsg_len);
	if (n >= 0)
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	/* The answer is read over the question in @buf: match the seq kept aside. */
	if (n < 0 || mnl_cb_run(buf, n, seq, 0, route_cb, r) < 0)
		r->err = -errno;
	ifname_of(r->oif, r->oifname);
}

static size_t route_slot(const struct routes *rt, int family, const union pf_addr *addr)
{
	uint32_t h = 2166136261u ^ (uint32_t)family;	/* FNV-1a */
	size_t i, mask = rt->cap - 1;

	for (i = 0; i < pf_addr_len(family); i++)
		h = (h ^ addr->bytes[i]) * 16777619u;
	for (i = h & mask;; i = (i + 1) & mask) {
		const struct route_entry *e = &rt->v[i];

		if (!e->used ||
		    (e->family == family && !memcmp(&e->addr, addr, pf_addr_len(family))))
			return i;
	}
}

/* Room for one more entry; false if there is none to be had. */
static bool routes_room(struct routes *rt)
{
	struct route_entry *old = rt->v;
	size_t i, cap = rt->cap;

	if (2 * (rt->n + 1) <= rt->cap)
		return true;
	rt->cap = cap ? 2 * cap : 64;
	rt->v = calloc(rt->cap, sizeof(*rt->v));
	if (!rt->v) {
		rt->v = old;
		rt->cap = cap;
		return false;
	}
	for (i = 0; i < cap; i++)
		if (old[i].used)
			rt->v[route_slot(rt, old[i].family, &old[i].addr)] = old[i];
	free(old);
	return true;
}

/* The route to @addr: asked for once, then remembered (if there is memory
 * to remember it in).
 */
static void route_get(struct routes *rt, int family, const union pf_addr *addr,
		      struct route *r)
{
	struct route_entry *e;

	if (rt->cap) {
		e = &rt->v[route_slot(rt, family, addr)];
		if (e->used) {
			*r = e->r;
			return;
		}
	}
	route_ask(rt->nl, family, addr, r);
	if (!routes_room(rt))
		return;
	e = &rt->v[route_slot(rt, family, addr)];
	e->used = true;
	e->family = family;
	memcpy(&e->addr, addr, pf_addr_len(family));
	e->r = *r;
	rt->n++;
}

/* strict rp_filter on @dev: the larger of all's and the device's. */
static bool rp_filter_strict(const char *dev)
{
	char path[128];
	long long all, one;

	all = pf_read_number("/proc/sys/net/ipv4/conf/all/rp_filter");
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/rp_filter", dev);
	one = pf_read_number(path);
	return (all > one ? all : one) == 1;
}

static void check_forward(struct pf_doctor *d, struct routes *rt, const struct pf_forward *f)
{
	char target[INET6_ADDRSTRLEN], from[INET6_ADDRSTRLEN], fix[512];
	const char *oif, *back;
	struct route to, rev;
	unsigned int i;

	inet_ntop(f->family, &f->to_addr, target, sizeof(target));
	route_get(rt, f->family, &f->to_addr, &to);
	if (to.err || to.type == RTN_UNREACHABLE || to.type == RTN_BLACKHOLE ||
	    to.type == RTN_PROHIBIT) {
		snprintf(fix, sizeof(fix), "ip %sroute add %s via ROUTER (a router on a network of this host's)",
			 f->family == AF_INET6 ? "-6 " : "", target);
		pf_doctor_report(d, PF_PROBLEM, "target-unreachable", f, fix,
				 "this host has no route to the target %s (%s)", target,
				 to.err ? strerror(-to.err) : "an unreachable route");
		return;
	}
	oif = to.oifname;
	/* Where clients come in: dev, or the way back to their prefixes. */
	if (f->ifname[0] && !strcmp(f->ifname, oif)) {
		snprintf(fix, sizeof(fix), "pfctl del id %u && pfctl add ... snat auto", f->id);
		if (f->snat == PFMOD_SNAT_NEVER)
			pf_doctor_report(d, PF_PROBLEM, "hairpin-no-snat", f, fix,
					 "the target %s is reached through %s, where the clients come in, and snat is never: its answers go straight back to the clients, who drop them",
					 target, oif);
		else if (f->snat == PFMOD_SNAT_AUTO)
			pf_doctor_report(d, PF_NOTE, "hairpin", f, NULL,
					 "the target %s is reached through %s, where the clients come in: their connections are masqueraded to this host's address (snat auto), so the target sees the gateway as their source",
					 target, oif);
	}
	for (i = 0; i < f->n_from; i++) {
		inet_ntop(f->family, &f->from[i].addr, from, sizeof(from));
		route_get(rt, f->family, &f->from[i].addr, &rev);
		if (rev.err)
			continue;
		back = rev.oifname;
		if (!f->ifname[0] && !strcmp(back, oif) && f->snat == PFMOD_SNAT_AUTO)
			pf_doctor_report(d, PF_NOTE, "hairpin", f, NULL,
					 "clients from %s/%u are reached through %s, as the target %s is: their connections are masqueraded to this host's address (snat auto)",
					 from, f->from[i].len, back, target);
		if (f->family == AF_INET && f->ifname[0] && strcmp(back, f->ifname) &&
		    rp_filter_strict(f->ifname)) {
			snprintf(fix, sizeof(fix),
				 "sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.%s.rp_filter=2 (or a route to %s/%u through %s)",
				 f->ifname, from, f->from[i].len, f->ifname);
			pf_doctor_report(d, PF_PROBLEM, "rp-filter", f, fix,
					 "strict reverse path filtering on %s drops clients from %s/%u: the route back to them goes through %s",
					 f->ifname, from, f->from[i].len, back);
		}
	}
}

void pf_doctor_routes(struct pf_doctor *d)
{
	struct routes rt = { .nl = mnl_socket_open(NETLINK_ROUTE) };
	size_t i;

	if (!rt.nl || mnl_socket_bind(rt.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		pf_doctor_report(d, PF_NOTE, "no-check", NULL, NULL,
				 "cannot ask the kernel for routes: %s", strerror(errno));
		if (rt.nl)
			mnl_socket_close(rt.nl);
		return;
	}
	for (i = 0; i < d->n; i++)
		if (!d->fwd[i].to_self)
			check_forward(d, &rt, &d->fwd[i]);
	free(rt.v);
	mnl_socket_close(rt.nl);
}

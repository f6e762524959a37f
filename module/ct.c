// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack cleanup: connections end when the forward that translated them
 * goes, and a new forward is not shadowed by entries made before it.
 *
 * The iterators run under a conntrack bucket lock with BHs off: no sleeping,
 * and nothing they read may go away during the walk (the callers own it).
 */

#include <net/netfilter/nf_conntrack.h>

#include "ct.h"
#include "nat.h"

static int pf_ct_fwd(struct nf_conn *ct, void *data)
{
	return pf_fwd_owns(data, ct);
}

void pf_ct_flush_fwd(struct net *net, const struct pf_fwd *f)
{
	pf_ct_cleanup_net(net, pf_ct_fwd, (void *)f);
}

struct pf_ct_tables {
	const struct pf_table *gone, *gone2, *keep;
};

static int pf_ct_tables(struct nf_conn *ct, void *data)
{
	const struct pf_ct_tables *d = data;

	if (!(READ_ONCE(ct->status) & IPS_DST_NAT))
		return 0;
	if (!(d->gone && pf_table_owner(d->gone, ct)) &&
	    !(d->gone2 && pf_table_owner(d->gone2, ct)))
		return 0;
	return !(d->keep && pf_table_owner(d->keep, ct));
}

void pf_ct_flush_tables(struct net *net, const struct pf_table *gone,
			const struct pf_table *gone2, const struct pf_table *keep)
{
	struct pf_ct_tables d = { .gone = gone, .gone2 = gone2, .keep = keep };

	if ((gone && gone->count) || (gone2 && gone2->count))
		pf_ct_cleanup_net(net, pf_ct_tables, &d);
}

static int pf_ct_mark(struct nf_conn *ct, void *data)
{
	struct pf_fwd *f;

	if (READ_ONCE(ct->status) & IPS_DST_NAT) {
		f = pf_table_owner(data, ct);
		if (f)
			f->flags |= PF_F_ALIVE;
	}
	return 0;
}

void pf_ct_mark_owners(struct net *net, struct pf_table *t)
{
	pf_ct_cleanup_net(net, pf_ct_mark, t);
}

struct pf_ct_stale {
	struct net *net;
	const struct pf_fwd *f;		/* this forward, */
	const struct pf_table *t;	/* or the UDP and SCTP ones of this table */
};

/* Whether @f would have taken the untranslated connection @ct. */
static bool pf_ct_stale_for(struct net *net, const struct pf_fwd *f, const struct nf_conn *ct,
			    struct pf_pkt *p)
{
	if (!f || p->family != f->family || p->proto != f->proto)
		return false;
	if (f->flags & PF_F_HAS_ADDR)
		return nf_inet_addr_cmp(p->daddr, pf_fwd_addr(f)) && pf_fwd_match(f, p) >= 0;
	return pf_fwd_match(f, p) >= 0 && pf_nat_is_local(net, NULL, p->family, p->daddr);
}

static int pf_ct_stale(struct nf_conn *ct, void *data)
{
	const struct pf_ct_stale *d = data;
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct pf_pkt p = {
		.saddr = &o->src.u3,
		.daddr = &o->dst.u3,
		.dport = ntohs(o->dst.u.all),
		.family = nf_ct_l3num(ct),
		.proto = o->dst.protonum,
		/* A conntrack entry does not keep the interface it came in on. */
		.any_in = true,
	};

	if (READ_ONCE(ct->status) & IPS_NAT_MASK)
		return 0;
	if (d->f)
		return pf_ct_stale_for(d->net, d->f, ct, &p);
	if (p.proto == IPPROTO_TCP)
		return 0;
	return pf_ct_stale_for(d->net, pf_table_lookup(d->t, &p), ct, &p);
}

void pf_ct_flush_stale(struct net *net, const struct pf_fwd *f)
{
	struct pf_ct_stale d = { .net = net, .f = f };

	pf_ct_cleanup_net(net, pf_ct_stale, &d);
}

void pf_ct_flush_stale_table(struct net *net, const struct pf_table *t)
{
	struct pf_ct_stale d = { .net = net, .t = t };

	if (t->count)
		pf_ct_cleanup_net(net, pf_ct_stale, &d);
}

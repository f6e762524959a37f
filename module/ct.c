// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack walks that end nothing (ct.h). The iterators run under a
 * conntrack bucket lock with BHs off: no sleeping, and nothing they read may
 * go away during the walk (the callers own it).
 */

#include <linux/bsearch.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_acct.h>

#include "ct.h"
#include "nat.h"
#include "owner.h"

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
	if (f->flags & PF_F_HAS_ADDR) {
		const union nf_inet_addr addr = pf_fwd_addr(f);

		return nf_inet_addr_cmp(p->daddr, &addr) && pf_fwd_match(f, p) >= 0;
	}
	return pf_fwd_match(f, p) >= 0 && pf_nat_is_local(net, NULL, p->family, p->daddr);
}

static int pf_ct_stale(struct nf_conn *ct, void *data)
{
	const struct pf_ct_stale *d = data;
	int stale;
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
	/* A lookup is an RCU reader: the walk's bucket spinlock keeps
	 * preemption off, but the table's RCU checks want rcu_read_lock().
	 */
	rcu_read_lock();
	stale = pf_ct_stale_for(d->net, pf_table_lookup(d->t, &p), ct, &p);
	rcu_read_unlock();
	return stale;
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

struct pf_ct_usage_walk {
	struct pf_ct_usage *usage;
	unsigned int n;
};

static int pf_ct_usage_cmp(const void *key, const void *elt)
{
	u32 id = *(const u32 *)key, other = ((const struct pf_ct_usage *)elt)->id;

	return id < other ? -1 : id > other;
}

static int pf_ct_usage_iter(struct nf_conn *ct, void *data)
{
	struct pf_ct_usage_walk *w = data;
	const struct nf_conn_acct *acct;
	struct pf_ct_usage *u;
	struct pf_owner o;

	if (!pf_owner_get(ct, &o) || o.ended || nf_ct_is_dying(ct))
		return 0;
	u = bsearch(&o.id, w->usage, w->n, sizeof(*u), pf_ct_usage_cmp);
	if (!u)
		return 0;
	u->active++;
	acct = nf_conn_acct_find(ct);
	if (acct) {
		u->packets += atomic64_read(&acct->counter[IP_CT_DIR_ORIGINAL].packets) +
			      atomic64_read(&acct->counter[IP_CT_DIR_REPLY].packets);
		u->bytes += atomic64_read(&acct->counter[IP_CT_DIR_ORIGINAL].bytes) +
			    atomic64_read(&acct->counter[IP_CT_DIR_REPLY].bytes);
	}
	return 0;
}

bool pf_ct_usage(struct net *net, struct pf_ct_usage *usage, unsigned int n)
{
	struct pf_ct_usage_walk w = { .usage = usage, .n = n };

	if (n)
		pf_ct_cleanup_net(net, pf_ct_usage_iter, &w);
	return nf_ct_acct_enabled(net);
}

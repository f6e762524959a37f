// SPDX-License-Identifier: GPL-2.0
/*
 * The NAT side: lookup functions that the nf_nat core calls for the first
 * packet of every connection (registered with nf_nat_ipv4/ipv6_register_fn,
 * not as netfilter hooks of their own). They only decide and bind the
 * mapping with nf_nat_setup_info(); the NAT core rewrites this packet and
 * every later one in both directions.
 */

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/addrconf.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_nat.h>
#include <net/route.h>

#include "nat.h"
#include "netns.h"

bool pf_nat_is_local(struct net *net, const struct net_device *dev, u8 family,
		     const union nf_inet_addr *a)
{
	if (family == NFPROTO_IPV4)
		return inet_addr_type_dev_table(net, dev, a->ip) == RTN_LOCAL;
	return IS_ENABLED(CONFIG_IPV6) && ipv6_chk_addr(net, &a->in6, NULL, 0);
}

static bool pf_nat_is_loopback(u8 family, const union nf_inet_addr *a)
{
	return family == NFPROTO_IPV4 ? ipv4_is_loopback(a->ip) : ipv6_addr_loopback(&a->in6);
}

/* PRE_ROUTING and LOCAL_OUT: DNAT new connections to a forward's target. */
static unsigned int pf_nat_dnat(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *o;
	enum ip_conntrack_info ctinfo;
	struct nf_nat_range2 range;
	const struct pf_table *t;
	struct nf_conn *ct;
	struct pf_fwd *f;
	struct pf_pkt p;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || nf_nat_initialized(ct, NF_NAT_MANIP_DST))
		return NF_ACCEPT;
	o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	memset(&p, 0, sizeof(p));
	p.saddr = &o->src.u3;
	p.daddr = &o->dst.u3;
	p.dport = ntohs(o->dst.u.all);
	p.family = state->pf;
	p.proto = o->dst.protonum;
	p.in = state->in;
	/* Loopback destinations only arrive from this host itself, and only
	 * a forward to a local port may keep them.
	 */
	if (pf_nat_is_loopback(p.family, p.daddr)) {
		if (state->hook != NF_INET_LOCAL_OUT)
			return NF_ACCEPT;
		p.self_only = true;
	}

	t = rcu_dereference(pf_net(state->net)->table);
	f = pf_table_lookup(t, &p);
	if (!f)
		return NF_ACCEPT;
	/* Without a listen address, only connections to this host count: a
	 * LAN client's connection to some web server's port 80 is its own.
	 */
	if (!(f->flags & PF_F_HAS_ADDR) &&
	    !pf_nat_is_local(state->net, state->hook == NF_INET_LOCAL_OUT ? state->out : state->in,
			     p.family, p.daddr))
		return NF_ACCEPT;

	memset(&range, 0, sizeof(range));
	range.flags = NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_proto.all = htons(pf_fwd_to_port(f, p.dport));
	range.max_proto.all = range.min_proto.all;
	if (!(f->flags & PFMOD_F_TO_SELF)) {
		range.flags |= NF_NAT_RANGE_MAP_IPS;
		range.min_addr = f->to_addr;
		range.max_addr = f->to_addr;
	}
	atomic64_inc(&f->conns);
	return nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
}

/*
 * After the admin's own NAT rules (iptables nat, nft chains at dstnat):
 * the core runs lookups in priority order and stops at the first binding.
 */
static const struct nf_hook_ops pf_nat_ops4[] = {
	{
		.hook = pf_nat_dnat,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_NAT_DST + 1,
	},
	{
		.hook = pf_nat_dnat,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_NAT_DST + 1,
	},
};

static const struct nf_hook_ops pf_nat_ops6[] = {
	{
		.hook = pf_nat_dnat,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_NAT_DST + 1,
	},
	{
		.hook = pf_nat_dnat,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP6_PRI_NAT_DST + 1,
	},
};

static int pf_nat_register(struct net *net, unsigned int fam, const struct nf_hook_ops *ops)
{
	if (!fam)
		return nf_nat_ipv4_register_fn(net, ops);
	if (!IS_ENABLED(CONFIG_IPV6))
		return -EAFNOSUPPORT;
	return nf_nat_ipv6_register_fn(net, ops);
}

static void pf_nat_unregister(struct net *net, unsigned int fam, const struct nf_hook_ops *ops)
{
	if (!fam)
		nf_nat_ipv4_unregister_fn(net, ops);
	else if (IS_ENABLED(CONFIG_IPV6))
		nf_nat_ipv6_unregister_fn(net, ops);
}

static const struct nf_hook_ops *pf_nat_ops(unsigned int fam)
{
	BUILD_BUG_ON(ARRAY_SIZE(pf_nat_ops4) != ARRAY_SIZE(pf_nat_ops6));
	return fam ? pf_nat_ops6 : pf_nat_ops4;
}

static u8 pf_nat_nfproto(unsigned int fam)
{
	return fam ? NFPROTO_IPV6 : NFPROTO_IPV4;
}

static void pf_nat_unhook(struct net *net, unsigned int fam)
{
	const struct nf_hook_ops *ops = pf_nat_ops(fam);
	unsigned int i;

	for (i = ARRAY_SIZE(pf_nat_ops4); i-- > 0;)
		pf_nat_unregister(net, fam, &ops[i]);
	nf_ct_netns_put(net, pf_nat_nfproto(fam));
}

static int pf_nat_hook(struct net *net, unsigned int fam)
{
	const struct nf_hook_ops *ops = pf_nat_ops(fam);
	unsigned int i;
	int ret;

	/* Conntrack first: without it the NAT core never calls us. */
	ret = nf_ct_netns_get(net, pf_nat_nfproto(fam));
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(pf_nat_ops4); i++) {
		ret = pf_nat_register(net, fam, &ops[i]);
		if (ret)
			goto err;
	}
	return 0;

err:
	while (i-- > 0)
		pf_nat_unregister(net, fam, &ops[i]);
	nf_ct_netns_put(net, pf_nat_nfproto(fam));
	return ret;
}

static int pf_nat_apply(struct net *net, struct pf_net *pn, bool all_off,
			struct netlink_ext_ack *extack)
{
	const struct pf_table *t = pf_net_table(pn);
	unsigned int fam;
	bool want;
	int ret;

	lockdep_assert_held(&pn->lock);
	for (fam = 0; fam < PF_NFAMILIES; fam++) {
		/* Kept connections are translated by the NAT core only while
		 * someone in the namespace is registered with it.
		 */
		want = !all_off && (t->n_family[fam] || (pn->kept && pn->kept->n_family[fam]));
		if (want == pn->hooked[fam])
			continue;
		if (want) {
			ret = pf_nat_hook(net, fam);
			if (ret) {
				NL_SET_ERR_MSG(extack,
					       "cannot register with conntrack and the NAT core");
				return ret;
			}
		} else {
			pf_nat_unhook(net, fam);
		}
		pn->hooked[fam] = want;
	}
	return 0;
}

int pf_nat_sync(struct net *net, struct pf_net *pn, struct netlink_ext_ack *extack)
{
	return pf_nat_apply(net, pn, false, extack);
}

void pf_nat_unhook_all(struct net *net, struct pf_net *pn)
{
	pf_nat_apply(net, pn, true, NULL);
}

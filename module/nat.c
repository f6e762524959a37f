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
#include <net/netfilter/nf_nat_masquerade.h>
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

/*
 * The forward for a new connection, from its original tuple and where it
 * came in (@in: NULL for this host's own connections). @local_out: whether
 * it was made by this host.
 */
static struct pf_fwd *pf_nat_lookup(const struct nf_hook_state *state, const struct nf_conn *ct,
				    const struct net_device *in, bool local_out)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct pf_pkt p = {
		.saddr = &o->src.u3,
		.daddr = &o->dst.u3,
		.dport = ntohs(o->dst.u.all),
		.family = state->pf,
		.proto = o->dst.protonum,
		.in = in,
	};

	/* Loopback destinations only arrive from this host itself, and only
	 * a forward to a local port may keep them.
	 */
	if (pf_nat_is_loopback(p.family, p.daddr)) {
		if (!local_out)
			return NULL;
		p.self_only = true;
	}
	return pf_table_lookup(rcu_dereference(pf_net(state->net)->table), &p);
}

/* PRE_ROUTING and LOCAL_OUT: DNAT new connections to a forward's target. */
static unsigned int pf_nat_dnat(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	bool local_out = state->hook == NF_INET_LOCAL_OUT;
	const struct nf_conntrack_tuple *o;
	enum ip_conntrack_info ctinfo;
	struct nf_nat_range2 range;
	struct nf_conn *ct;
	struct pf_fwd *f;
	u16 dport;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || nf_nat_initialized(ct, NF_NAT_MANIP_DST))
		return NF_ACCEPT;
	f = pf_nat_lookup(state, ct, state->in, local_out);
	if (!f)
		return NF_ACCEPT;
	o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	dport = ntohs(o->dst.u.all);
	/* Without a listen address, only connections to this host count: a
	 * LAN client's connection to some web server's port 80 is its own.
	 */
	if (!(f->flags & PF_F_HAS_ADDR) &&
	    !pf_nat_is_local(state->net, local_out ? state->out : state->in, state->pf,
			     &o->dst.u3))
		return NF_ACCEPT;

	memset(&range, 0, sizeof(range));
	range.flags = NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_proto.all = htons(pf_fwd_to_port(f, dport));
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
 * POST_ROUTING: source NAT for connections a forward translated, by its
 * snat mode. "auto" masquerades hairpinned connections only: those that
 * leave by the interface they came in on, whose target would otherwise
 * answer the client directly.
 */
static unsigned int pf_nat_snat(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_nat_range2 range;
	const struct net_device *in;
	unsigned int verdict;
	struct nf_conn *ct;
	struct pf_fwd *f;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || !(READ_ONCE(ct->status) & IPS_DST_NAT) ||
	    nf_nat_initialized(ct, NF_NAT_MANIP_SRC))
		return NF_ACCEPT;
	/* Find the forward again as the DNAT lookup did, from where the
	 * connection came in (none: this host's own).
	 */
	in = skb->skb_iif ? dev_get_by_index_rcu(state->net, skb->skb_iif) : NULL;
	f = pf_nat_lookup(state, ct, in, !skb->skb_iif);
	if (!f || !pf_fwd_owns(f, ct))
		return NF_ACCEPT;

	memset(&range, 0, sizeof(range));
	switch (f->snat) {
	case PFMOD_SNAT_AUTO:
		if (!in || in != state->out)
			return NF_ACCEPT;
		fallthrough;
	case PFMOD_SNAT_ALWAYS:
		if (state->pf == NFPROTO_IPV4)
			verdict = nf_nat_masquerade_ipv4(skb, state->hook, &range, state->out);
		else if (IS_ENABLED(CONFIG_IPV6))
			verdict = nf_nat_masquerade_ipv6(skb, &range, state->out);
		else
			return NF_ACCEPT;
		break;
	case PFMOD_SNAT_ADDR:
		range.flags = NF_NAT_RANGE_MAP_IPS;
		range.min_addr = f->ext->snat_addr;
		range.max_addr = f->ext->snat_addr;
		verdict = nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC);
		break;
	default:
		return NF_ACCEPT;
	}
	if (verdict == NF_ACCEPT)
		atomic64_inc(&f->snat_conns);
	return verdict;
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
	{
		.hook = pf_nat_snat,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_NAT_SRC + 1,
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
	{
		.hook = pf_nat_snat,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_NAT_SRC + 1,
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

/* Masqueraded connections end when their address or device goes. */
int __init pf_nat_init(void)
{
	return nf_nat_masquerade_inet_register_notifiers();
}

void pf_nat_uninit(void)
{
	nf_nat_masquerade_inet_unregister_notifiers();
}

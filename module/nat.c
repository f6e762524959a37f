// SPDX-License-Identifier: GPL-2.0
/*
 * The NAT side: lookup functions that the nf_nat core calls for the first
 * packet of every connection (registered with nf_nat_ipv4/ipv6_register_fn,
 * not as netfilter hooks of their own). They only decide and bind mappings
 * with nf_nat_setup_info(); the NAT core rewrites this packet and every
 * later one in both directions.
 *
 * A connection meets pfmod three times, each before it is confirmed:
 *   dnat	PRE_ROUTING, LOCAL_OUT: the table lookup; the forward's id and
 *		snat mode are recorded on the connection (owner.h) and its
 *		destination is bound.
 *   admit	POST_ROUTING, LOCAL_IN, before any source NAT: a connection whose
 *		forward has gone since dnat chose it is dropped; the others are
 *		counted, now that the filter rules let them through.
 *   snat	POST_ROUTING, after the admin's own source NAT: the recorded
 *		snat mode of the recorded forward, never a second lookup.
 */

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/ip6_route.h>
#include <net/ip_fib.h>
#include <net/l3mdev.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_nat.h>
#include <net/netfilter/nf_nat_masquerade.h>
#include <net/route.h>

#include "limit.h"
#include "nat.h"
#include "netns.h"
#include "owner.h"

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

/* A new connection that nobody has translated yet, or NULL. */
static struct nf_conn *pf_nat_new_ct(struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	/* A confirmed entry cannot be bound any more: one that began while
	 * the NAT core was not registered in this namespace.
	 */
	if (!ct || ctinfo != IP_CT_NEW || nf_ct_is_confirmed(ct))
		return NULL;
	return ct;
}

/*
 * The forward for a new connection, from its original tuple and where it
 * came in (@in: NULL for this host's own connections).
 */
static struct pf_fwd *pf_nat_lookup(const struct nf_hook_state *state, const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	bool local_out = state->hook == NF_INET_LOCAL_OUT;
	struct pf_net *pn = pf_net(state->net);
	struct pf_pkt p = {
		.saddr = &o->src.u3,
		.daddr = &o->dst.u3,
		.dport = ntohs(o->dst.u.all),
		.family = state->pf,
		.proto = o->dst.protonum,
		.in = state->in ? state->in->name : NULL,
	};

	/* The module is going: no new connection of pfmod's. */
	if (READ_ONCE(pn->exiting))
		return NULL;
	/* Loopback destinations only arrive from this host itself, and only
	 * a forward to a local port may keep them.
	 */
	if (pf_nat_is_loopback(p.family, p.daddr)) {
		if (!local_out)
			return NULL;
		p.self_only = true;
	}
	return pf_table_lookup(rcu_dereference(pn->table), &p);
}

/* PRE_ROUTING and LOCAL_OUT: DNAT new connections to a forward's target. */
static unsigned int pf_nat_dnat(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	bool local_out = state->hook == NF_INET_LOCAL_OUT;
	const struct nf_conntrack_tuple *o;
	struct nf_nat_range2 range;
	struct nf_conn *ct;
	struct pf_fwd *f;
	u16 dport;

	ct = pf_nat_new_ct(skb);
	if (!ct || nf_nat_initialized(ct, NF_NAT_MANIP_DST))
		return NF_ACCEPT;
	f = pf_nat_lookup(state, ct);
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
	/* Over the forward's limits: dropped, not forwarded (only the first
	 * packet of a connection comes here).
	 */
	if (unlikely(f->flags & PF_F_LIMITED) &&
	    !pf_limits_admit(READ_ONCE(f->ext->opts->limits), skb, ct))
		return NF_DROP;
	/* What pfmod cannot own, it does not translate. */
	if (!pf_owner_set(ct, f->id, f->snat))
		return NF_ACCEPT;

	memset(&range, 0, sizeof(range));
	range.flags = NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_proto.all = htons(pf_fwd_to_port(f, dport));
	range.max_proto.all = range.min_proto.all;
	if (!(f->flags & PFMOD_F_TO_SELF)) {
		range.flags |= NF_NAT_RANGE_MAP_IPS;
		range.min_addr = pf_fwd_to_addr(f);
		range.max_addr = range.min_addr;
	}
	return nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
}

/* The recorded forward of a new connection that pfmod translated, or NULL. */
static struct pf_fwd *pf_nat_owner(const struct nf_hook_state *state, const struct nf_conn *ct,
				   struct pf_owner *o)
{
	o->id = 0;
	if (!pf_owner_get(ct, o))
		return NULL;
	return pf_table_get(rcu_dereference(pf_net(state->net)->table), o->id);
}

/*
 * POST_ROUTING and LOCAL_IN, ahead of every source NAT lookup, binding
 * nothing: the last word on a connection before it is confirmed.
 */
static unsigned int pf_nat_admit(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct nf_conn *ct = pf_nat_new_ct(skb);
	struct pf_owner o;
	struct pf_fwd *f;

	if (!ct)
		return NF_ACCEPT;
	f = pf_nat_owner(state, ct, &o);
	if (!f)
		/* Chosen by a forward that has gone since (a delete while
		 * the packet was queued, or between the hooks): it must not
		 * start with the old target.
		 */
		return o.id ? NF_DROP : NF_ACCEPT;
	pf_fwd_count(f, PF_STAT_CONNS);
	return NF_ACCEPT;
}

/*
 * Whether a connection from @client that leaves by @out is hairpinned:
 * this host's route back to the client goes out by @out too, so the target
 * would answer the client directly, past the translation. The route is
 * looked up in the routing domain (VRF) of @out. With
 * bridge-nf-call-iptables, a connection DNATed back into the bridge it came
 * from is bridged, not routed, and br_netfilter's POST_ROUTING gives the
 * bridge itself as @out, not the port: the route compares the same way.
 */
static bool pf_nat_hairpin(struct net *net, u8 family, const union nf_inet_addr *client,
			   const struct net_device *out)
{
	int l3mdev = l3mdev_master_ifindex_rcu(out);
	bool same = false;

	if (family == NFPROTO_IPV4) {
		struct flowi4 fl4 = {
			.daddr = client->ip,
			.flowi4_iif = LOOPBACK_IFINDEX,
			.flowi4_scope = RT_SCOPE_UNIVERSE,
		};
		struct fib_result res;
		unsigned int i;

		pf_flowi4_set_l3mdev(&fl4, l3mdev);
		if (fib_lookup(net, &fl4, &res, FIB_LOOKUP_IGNORE_LINKSTATE) ||
		    res.type != RTN_UNICAST)
			return false;
		for (i = 0; i < fib_info_num_path(res.fi) && !same; i++)
			same = fib_info_nhc(res.fi, i)->nhc_dev == out;
		return same;
	}
#if IS_ENABLED(CONFIG_IPV6)
	{
		struct flowi6 fl6 = {
			.daddr = client->in6,
			.flowi6_iif = LOOPBACK_IFINDEX,
		};
		struct rt6_info *rt;

		pf_flowi6_set_l3mdev(&fl6, l3mdev);
		rt = (struct rt6_info *)ip6_route_lookup(net, &fl6, NULL, 0);
		same = !rt->dst.error && !(rt->rt6i_flags & (RTF_REJECT | RTF_LOCAL)) &&
		       rt->dst.dev == out;
		ip6_rt_put(rt);
	}
#endif
	return same;
}

/*
 * POST_ROUTING, after the admin's own source NAT: the recorded snat mode.
 * "auto" masquerades hairpinned connections only.
 */
static unsigned int pf_nat_snat(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *o;
	struct nf_nat_range2 range;
	struct pf_owner owner;
	unsigned int verdict;
	struct nf_conn *ct;
	struct pf_fwd *f;

	ct = pf_nat_new_ct(skb);
	if (!ct || !(READ_ONCE(ct->status) & IPS_DST_NAT))
		return NF_ACCEPT;
	f = pf_nat_owner(state, ct, &owner);
	if (!f)
		return NF_ACCEPT;
	o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	memset(&range, 0, sizeof(range));
	switch (owner.snat_mode) {
	case PFMOD_SNAT_AUTO:
		if (!pf_nat_hairpin(state->net, state->pf, &o->src.u3, state->out))
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
		range.min_addr = f->ext->opts->snat_addr;
		range.max_addr = f->ext->opts->snat_addr;
		verdict = nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC);
		break;
	default:
		return NF_ACCEPT;
	}
	if (verdict == NF_ACCEPT && nf_nat_initialized(ct, NF_NAT_MANIP_SRC)) {
		pf_owner_flag(ct, PF_OWNER_BIT_SNATTED);
		pf_fwd_count(f, PF_STAT_SNAT_CONNS);
	}
	return verdict;
}

/*
 * Priorities order the lookups inside the NAT core's hooks. dnat and snat
 * come after the admin's own NAT rules (iptables nat, nft chains at dstnat
 * and srcnat): the core stops at the first binding. admit comes first of
 * all and binds nothing.
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
		.hook = pf_nat_admit,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = INT_MIN + 1,
	},
	{
		.hook = pf_nat_admit,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = INT_MIN + 1,
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
		.hook = pf_nat_admit,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = INT_MIN + 1,
	},
	{
		.hook = pf_nat_admit,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = INT_MIN + 1,
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

static atomic_t pf_nat_hooked = ATOMIC_INIT(0);

unsigned int pf_nat_hooks(void)
{
	return atomic_read(&pf_nat_hooked);
}

void pf_nat_unhook(struct net *net, unsigned int fam)
{
	const struct nf_hook_ops *ops = pf_nat_ops(fam);
	unsigned int i;

	for (i = ARRAY_SIZE(pf_nat_ops4); i-- > 0;)
		pf_nat_unregister(net, fam, &ops[i]);
	nf_ct_netns_put(net, pf_nat_nfproto(fam));
	atomic_dec(&pf_nat_hooked);
}

int pf_nat_hook(struct net *net, unsigned int fam)
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
	atomic_inc(&pf_nat_hooked);
	return 0;

err:
	while (i-- > 0)
		pf_nat_unregister(net, fam, &ops[i]);
	nf_ct_netns_put(net, pf_nat_nfproto(fam));
	return ret;
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

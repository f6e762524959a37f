// SPDX-License-Identifier: GPL-2.0
/*
 * The "pfmod" generic netlink family: requests are checked and turned into
 * a struct pf_fwd_cfg here; what they mean is decided in forward.c and
 * config.c. Every error carries an extack message.
 */

#include <linux/inetdevice.h>
#include <linux/moduleparam.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <uapi/linux/pfmod.h>

#include "config.h"
#include "ct.h"
#include "msg.h"
#include "end.h"
#include "nat.h"
#include "netlink.h"
#include "netns.h"
#include "offload.h"
#include "version.h"

static bool pf_userns_admin __read_mostly;
module_param_named(userns_admin, pf_userns_admin, bool, 0644);
MODULE_PARM_DESC(userns_admin,
		 "Let CAP_NET_ADMIN of a user namespace (a container's root) configure the forwards of its network namespaces (default: no, only the initial user namespace's)");

#define PF_ADDR_POLICY NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr), sizeof(struct in6_addr))
/* New connections per period, and a burst: no more than a token bucket's
 * nanoseconds can hold (an hour's cost times the burst).
 */
static struct netlink_range_validation pf_rate_range = {
	.min = 1,
	.max = PFMOD_RATE_MAX,
};

static const struct nla_policy pf_prefix_policy[PFMOD_PREFIX_A_MAX + 1] = {
	[PFMOD_PREFIX_A_ADDR] = PF_ADDR_POLICY,
	[PFMOD_PREFIX_A_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy pf_from_policy[PFMOD_FROM_A_MAX + 1] = {
	[PFMOD_FROM_A_PREFIX] = NLA_POLICY_NESTED(pf_prefix_policy),
};

static const struct nla_policy pf_fwd_policy[PFMOD_FWD_A_MAX + 1] = {
	[PFMOD_FWD_A_PAD] = { .type = NLA_REJECT },
	[PFMOD_FWD_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PFMOD_FWD_A_FAMILY] = { .type = NLA_U8 },
	[PFMOD_FWD_A_PROTO] = { .type = NLA_U8 },
	[PFMOD_FWD_A_ADDR] = PF_ADDR_POLICY,
	[PFMOD_FWD_A_PORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[PFMOD_FWD_A_PORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
	[PFMOD_FWD_A_TO_ADDR] = PF_ADDR_POLICY,
	[PFMOD_FWD_A_TO_PORT_MIN] = NLA_POLICY_MIN(NLA_U16, 1),
	[PFMOD_FWD_A_TO_PORT_MAX] = NLA_POLICY_MIN(NLA_U16, 1),
	[PFMOD_FWD_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PFMOD_FWD_A_FROM] = NLA_POLICY_NESTED(pf_from_policy),
	[PFMOD_FWD_A_SNAT] = NLA_POLICY_MAX(NLA_U8, PFMOD_SNAT_MAX),
	[PFMOD_FWD_A_SNAT_ADDR] = PF_ADDR_POLICY,
	[PFMOD_FWD_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __PFMOD_F_ALL),
	[PFMOD_FWD_A_CONNS] = { .type = NLA_REJECT },
	[PFMOD_FWD_A_SNAT_CONNS] = { .type = NLA_REJECT },
	[PFMOD_FWD_A_ACTIVE] = { .type = NLA_REJECT },
	[PFMOD_FWD_A_PACKETS] = { .type = NLA_REJECT },
	[PFMOD_FWD_A_BYTES] = { .type = NLA_REJECT },
	[PFMOD_FWD_A_TIMEOUT] = NLA_POLICY_MIN(NLA_U32, 1),
	[PFMOD_FWD_A_EXPIRES] = { .type = NLA_REJECT },
	[PFMOD_FWD_A_MAXCONN] = NLA_POLICY_MIN(NLA_U32, 1),
	[PFMOD_FWD_A_MAXCONN_SRC] = NLA_POLICY_MIN(NLA_U32, 1),
	[PFMOD_FWD_A_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32, &pf_rate_range),
	[PFMOD_FWD_A_RATE_PERIOD] = NLA_POLICY_RANGE(NLA_U32, 1, 3600),
	[PFMOD_FWD_A_BURST] = NLA_POLICY_FULL_RANGE(NLA_U32, &pf_rate_range),
	[PFMOD_FWD_A_DROPS] = { .type = NLA_REJECT },
};

static const struct nla_policy pf_lookup_policy[PFMOD_LOOKUP_A_MAX + 1] = {
	[PFMOD_LOOKUP_A_FAMILY] = { .type = NLA_U8 },
	[PFMOD_LOOKUP_A_PROTO] = { .type = NLA_U8 },
	[PFMOD_LOOKUP_A_SADDR] = PF_ADDR_POLICY,
	[PFMOD_LOOKUP_A_DADDR] = PF_ADDR_POLICY,
	[PFMOD_LOOKUP_A_DPORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PFMOD_LOOKUP_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PFMOD_LOOKUP_A_SCAN] = { .type = NLA_FLAG },
};

static const struct nla_policy pf_nl_policy[PFMOD_A_MAX + 1] = {
	[PFMOD_A_VERSION] = { .type = NLA_REJECT },
	[PFMOD_A_API] = { .type = NLA_REJECT },
	[PFMOD_A_MAX_FORWARDS] = { .type = NLA_REJECT },
	[PFMOD_A_FORWARDS] = { .type = NLA_REJECT },
	/* Validated as it is parsed (pf_nl_parse_fwd): a restore's batch holds
	 * thousands, and genetlink's pass would be a second walk of each.
	 */
	[PFMOD_A_FORWARD] = { .type = NLA_NESTED },
	[PFMOD_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __PFMOD_REQ_F_ALL),
	[PFMOD_A_COUNT] = { .type = NLA_U32 },
	[PFMOD_A_ALL_FORWARDS] = { .type = NLA_REJECT },
	[PFMOD_A_NAT_HOOKS] = { .type = NLA_REJECT },
	[PFMOD_A_END_HOOKS] = { .type = NLA_REJECT },
	[PFMOD_A_CONN_COUNTS] = { .type = NLA_REJECT },
	[PFMOD_A_LOOKUP] = NLA_POLICY_NESTED(pf_lookup_policy),
};

/*
 * What every request passes. CAP_NET_ADMIN over the namespace is the ops'
 * GENL_UNS_ADMIN_PERM, checked by genetlink; by default the initial user
 * namespace's is needed too (module parameter userns_admin).
 */
static int pf_nl_check(const struct sk_buff *skb, const struct genlmsghdr *hdr, bool admin,
		       struct netlink_ext_ack *extack)
{
	if (hdr->version != PFMOD_GENL_VERSION) {
		NL_SET_ERR_MSG(extack, "unsupported pfmod netlink version");
		return -EOPNOTSUPP;
	}
	if (admin && !READ_ONCE(pf_userns_admin) && !netlink_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "CAP_NET_ADMIN in the initial user namespace needed (module parameter userns_admin)");
		return -EPERM;
	}
	return 0;
}

/* The checks of every request: version, privileges, what only a restore's
 * commit takes.
 */
static int pf_nl_check_req(struct sk_buff *skb, struct genl_info *info, bool admin)
{
	int ret = pf_nl_check(skb, info->genlhdr, admin, info->extack);

	if (!ret && info->attrs[PFMOD_A_COUNT] && info->genlhdr->cmd != PFMOD_CMD_REPLACE) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PFMOD_A_COUNT],
				    "only a restore's commit takes a count");
		ret = -EINVAL;
	}
	return ret;
}

static u16 pf_nl_u16(const struct nlattr *a, u16 dflt)
{
	return a ? nla_get_u16(a) : dflt;
}

static u32 pf_nl_u32(const struct nlattr *a, u32 dflt)
{
	return a ? nla_get_u32(a) : dflt;
}

static int pf_nl_addr(const struct nlattr *a, u8 family, union nf_inet_addr *addr,
		      struct netlink_ext_ack *extack)
{
	int len = family == NFPROTO_IPV4 ? sizeof(struct in_addr) : sizeof(struct in6_addr);

	if (nla_len(a) != len) {
		NL_SET_ERR_MSG_ATTR(extack, a, "address does not belong to the forward's family");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	nla_memcpy(addr, a, len);
	return 0;
}

static int pf_nl_from(struct nlattr *from, struct pf_fwd_cfg *c, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PFMOD_PREFIX_A_MAX + 1], *a;
	int rem, ret;

	nla_for_each_nested(a, from, rem) {
		if (c->n_from == PFMOD_FROM_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, a, "too many source prefixes");
			return -EINVAL;
		}
		/* Validated with the forward's nest (pf_fwd_policy). */
		ret = nla_parse_nested(tb, PFMOD_PREFIX_A_MAX, a, NULL, extack);
		if (ret)
			return ret;
		if (NL_REQ_ATTR_CHECK(extack, a, tb, PFMOD_PREFIX_A_ADDR)) {
			NL_SET_ERR_MSG_ATTR(extack, a, "source prefix without address");
			return -EINVAL;
		}
		if (NL_REQ_ATTR_CHECK(extack, a, tb, PFMOD_PREFIX_A_LEN)) {
			NL_SET_ERR_MSG_ATTR(extack, a, "source prefix without length");
			return -EINVAL;
		}
		ret = pf_nl_addr(tb[PFMOD_PREFIX_A_ADDR], c->family, &c->from[c->n_from].addr,
				 extack);
		if (ret)
			return ret;
		c->from[c->n_from++].len = nla_get_u8(tb[PFMOD_PREFIX_A_LEN]);
	}
	return 0;
}

/* Output-only attributes, and what a forward's key does not include. */
static const u8 pf_nl_not_in_key[] = {
	PFMOD_FWD_A_TO_ADDR, PFMOD_FWD_A_TO_PORT_MIN, PFMOD_FWD_A_TO_PORT_MAX, PFMOD_FWD_A_FLAGS,
	PFMOD_FWD_A_SNAT, PFMOD_FWD_A_SNAT_ADDR, PFMOD_FWD_A_TIMEOUT, PFMOD_FWD_A_MAXCONN,
	PFMOD_FWD_A_MAXCONN_SRC, PFMOD_FWD_A_RATE, PFMOD_FWD_A_RATE_PERIOD, PFMOD_FWD_A_BURST,
};

/*
 * Parses a PFMOD_A_FORWARD: everything ADD takes, or (@key) the key DEL
 * takes. Returns the id instead if DEL names the forward by id alone.
 */
static int pf_nl_parse_fwd(struct nlattr *nest, bool key, struct pf_fwd_cfg *c, u32 *id,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PFMOD_FWD_A_MAX + 1];
	unsigned int i, to_port_max;
	int ret;

	memset(c, 0, offsetof(struct pf_fwd_cfg, from));
	*id = 0;
	ret = nla_parse_nested(tb, PFMOD_FWD_A_MAX, nest, pf_fwd_policy, extack);
	if (ret)
		return ret;
	if (tb[PFMOD_FWD_A_ID]) {
		if (!key) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PFMOD_FWD_A_ID], "the module assigns ids");
			return -EINVAL;
		}
		for (i = 0; i <= PFMOD_FWD_A_MAX; i++) {
			if (tb[i] && i != PFMOD_FWD_A_ID) {
				NL_SET_ERR_MSG_ATTR(extack, tb[i], "a forward's id goes alone");
				return -EINVAL;
			}
		}
		*id = nla_get_u32(tb[PFMOD_FWD_A_ID]);
		return 0;
	}
	for (i = 0; key && i < ARRAY_SIZE(pf_nl_not_in_key); i++) {
		if (tb[pf_nl_not_in_key[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[pf_nl_not_in_key[i]],
					    "not part of a forward's key");
			return -EINVAL;
		}
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PFMOD_FWD_A_FAMILY)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "address family missing");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PFMOD_FWD_A_PROTO)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "protocol missing");
		return -EINVAL;
	}
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PFMOD_FWD_A_PORT_MIN)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "listen port missing");
		return -EINVAL;
	}
	c->family = nla_get_u8(tb[PFMOD_FWD_A_FAMILY]);
	if (c->family != NFPROTO_IPV4 && c->family != NFPROTO_IPV6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PFMOD_FWD_A_FAMILY],
				    "address family must be IPv4 or IPv6");
		return -EAFNOSUPPORT;
	}
	c->proto = nla_get_u8(tb[PFMOD_FWD_A_PROTO]);
	c->port_min = nla_get_u16(tb[PFMOD_FWD_A_PORT_MIN]);
	c->port_max = pf_nl_u16(tb[PFMOD_FWD_A_PORT_MAX], c->port_min);
	c->key_only = key;
	if (tb[PFMOD_FWD_A_ADDR]) {
		ret = pf_nl_addr(tb[PFMOD_FWD_A_ADDR], c->family, &c->addr, extack);
		if (ret)
			return ret;
		c->has_addr = !pf_addr_is_zero(&c->addr);
	}
	if (tb[PFMOD_FWD_A_TO_ADDR]) {
		ret = pf_nl_addr(tb[PFMOD_FWD_A_TO_ADDR], c->family, &c->to_addr, extack);
		if (ret)
			return ret;
		c->has_to_addr = true;
	}
	c->to_port_min = pf_nl_u16(tb[PFMOD_FWD_A_TO_PORT_MIN], c->port_min);
	c->to_port_max = c->to_port_min;
	if (tb[PFMOD_FWD_A_TO_PORT_MAX]) {
		c->to_port_max = nla_get_u16(tb[PFMOD_FWD_A_TO_PORT_MAX]);
	} else if (c->port_max > c->port_min) {
		to_port_max = pf_to_port_max_default(c->port_min, c->port_max, c->to_port_min);
		if (to_port_max > U16_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PFMOD_FWD_A_TO_PORT_MIN],
					    "target port range would go past 65535");
			return -ERANGE;
		}
		c->to_port_max = to_port_max;
	}
	if (tb[PFMOD_FWD_A_IFNAME])
		nla_strscpy(c->ifname, tb[PFMOD_FWD_A_IFNAME], sizeof(c->ifname));
	if (tb[PFMOD_FWD_A_FROM]) {
		ret = pf_nl_from(tb[PFMOD_FWD_A_FROM], c, extack);
		if (ret)
			return ret;
	}
	if (tb[PFMOD_FWD_A_SNAT])
		c->snat = nla_get_u8(tb[PFMOD_FWD_A_SNAT]);
	if (tb[PFMOD_FWD_A_SNAT_ADDR]) {
		ret = pf_nl_addr(tb[PFMOD_FWD_A_SNAT_ADDR], c->family, &c->snat_addr, extack);
		if (ret)
			return ret;
		c->has_snat_addr = true;
	}
	if (tb[PFMOD_FWD_A_FLAGS])
		c->flags = nla_get_u32(tb[PFMOD_FWD_A_FLAGS]);
	c->timeout = pf_nl_u32(tb[PFMOD_FWD_A_TIMEOUT], 0);
	c->maxconn = pf_nl_u32(tb[PFMOD_FWD_A_MAXCONN], 0);
	c->maxconn_src = pf_nl_u32(tb[PFMOD_FWD_A_MAXCONN_SRC], 0);
	c->rate = pf_nl_u32(tb[PFMOD_FWD_A_RATE], 0);
	c->rate_period = pf_nl_u32(tb[PFMOD_FWD_A_RATE_PERIOD], 0);
	c->burst = pf_nl_u32(tb[PFMOD_FWD_A_BURST], 0);
	if ((c->flags & PFMOD_F_EXPIRE_KEEP) && !c->timeout) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PFMOD_FWD_A_FLAGS],
				    "keeping the connections at expiry needs a timeout");
		return -EINVAL;
	}
	if ((c->flags & PFMOD_F_OFFLOAD) && (c->flags & PFMOD_F_TO_SELF)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PFMOD_FWD_A_FLAGS],
				    "a forward to this host has nothing to offload: its connections are the host's own");
		return -EINVAL;
	}
	if ((c->flags & PFMOD_F_OFFLOAD) && !pf_offload_supported()) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PFMOD_FWD_A_FLAGS],
				    "this kernel has no flow fast path for pfmod (offload)");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* The request's PFMOD_A_FORWARD, parsed. */
static int pf_nl_parse(struct genl_info *info, bool key, struct pf_fwd_cfg *c, u32 *id)
{
	if (GENL_REQ_ATTR_CHECK(info, PFMOD_A_FORWARD)) {
		GENL_SET_ERR_MSG(info, "forward missing");
		return -EINVAL;
	}
	return pf_nl_parse_fwd(info->attrs[PFMOD_A_FORWARD], key, c, id, info->extack);
}

static u32 pf_nl_flags(struct genl_info *info)
{
	return info->attrs[PFMOD_A_FLAGS] ? nla_get_u32(info->attrs[PFMOD_A_FLAGS]) : 0;
}

/*
 * Every error says what went wrong: the handlers set a precise message
 * where they can; this names the errno where they did not.
 */
static int pf_nl_ret(struct netlink_ext_ack *extack, int ret)
{
	if (ret >= 0 || !extack || extack->_msg)
		return ret;
	switch (ret) {
	case -ENOMEM:
		NL_SET_ERR_MSG(extack, "out of memory");
		break;
	case -EMSGSIZE:
		NL_SET_ERR_MSG(extack, "the answer does not fit in a netlink message");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG(extack, "busy, try again");
		break;
	default:
		NL_SET_ERR_MSG(extack, "pfmod could not carry out the request");
		break;
	}
	return ret;
}

static int pf_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct pf_net *pn = pf_net(genl_info_net(info));
	struct pf_table *t;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = pf_nl_check_req(skb, info, false);
	if (ret)
		goto out;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_put_reply(msg, info, &pf_genl_family, 0, PFMOD_CMD_GET_INFO);
	rcu_read_lock();
	t = rcu_dereference(pn->table);
	ret = !hdr ||
	      nla_put_string(msg, PFMOD_A_VERSION, PFMOD_VERSION) ||
	      nla_put_u32(msg, PFMOD_A_API, PFMOD_GENL_VERSION) ||
	      nla_put_u32(msg, PFMOD_A_MAX_FORWARDS, READ_ONCE(pf_max_forwards)) ||
	      nla_put_u32(msg, PFMOD_A_FORWARDS, READ_ONCE(t->count)) ||
	      nla_put_u32(msg, PFMOD_A_CONN_COUNTS, READ_ONCE(pn->conn_counts));
	rcu_read_unlock();
	/* What all namespaces hold is the host admin's business only. */
	if (!ret && netlink_capable(skb, CAP_NET_ADMIN))
		ret = nla_put_u32(msg, PFMOD_A_ALL_FORWARDS, pf_fwd_count_all()) ||
		      nla_put_u32(msg, PFMOD_A_NAT_HOOKS, pf_nat_hooks()) ||
		      nla_put_u32(msg, PFMOD_A_END_HOOKS, pf_end_hooks());
	if (ret) {
		nlmsg_free(msg);
		ret = -EMSGSIZE;
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	return pf_nl_ret(info->extack, ret);
}

/* A hint on success: the forward is in, but the host will not route it. */
static void pf_nl_warn_forwarding(struct net *net, const struct pf_fwd_cfg *c,
				  struct netlink_ext_ack *extack)
{
	if (c->flags & PFMOD_F_TO_SELF)
		return;
	if (c->family == NFPROTO_IPV4 && !IPV4_DEVCONF_ALL(net, FORWARDING))
		NL_SET_ERR_MSG(extack,
			       "warning: net.ipv4.ip_forward is 0 here, so only this host's own connections will be forwarded");
#if IS_ENABLED(CONFIG_IPV6)
	if (c->family == NFPROTO_IPV6 && !READ_ONCE(net->ipv6.devconf_all->forwarding))
		NL_SET_ERR_MSG(extack,
			       "warning: net.ipv6.conf.all.forwarding is 0 here, so only this host's own connections will be forwarded");
#endif
}

static int pf_nl_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct pf_fwd_cfg cfg;
	struct pf_fwd *f;
	u32 id;
	int ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		goto out;
	ret = pf_nl_parse(info, false, &cfg, &id);
	if (ret)
		goto out;
	f = pf_fwd_create(net, &cfg, info->extack);
	if (IS_ERR(f)) {
		ret = PTR_ERR(f);
		goto out;
	}
	ret = pf_config_add(net, f, pf_nl_flags(info), info);
	if (!ret)
		pf_nl_warn_forwarding(net, &cfg, info->extack);
out:
	return pf_nl_ret(info->extack, ret);
}

static int pf_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct pf_fwd_cfg cfg;
	struct pf_fwd *key;
	u32 id;
	int ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		goto out;
	ret = pf_nl_parse(info, true, &cfg, &id);
	if (ret)
		goto out;
	if (id) {
		ret = pf_config_del(net, id, NULL, pf_nl_flags(info), info);
		goto out;
	}
	key = pf_fwd_create(net, &cfg, info->extack);
	if (IS_ERR(key)) {
		ret = PTR_ERR(key);
		goto out;
	}
	ret = pf_config_del(net, 0, key, pf_nl_flags(info), info);
	pf_fwd_free(key);
out:
	return pf_nl_ret(info->extack, ret);
}

static int pf_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		goto out;
	if (info->attrs[PFMOD_A_FORWARD]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PFMOD_A_FORWARD],
				    "flush takes no forward");
		ret = -EINVAL;
		goto out;
	}
	ret = pf_config_flush(genl_info_net(info), pf_nl_flags(info), info);
out:
	return pf_nl_ret(info->extack, ret);
}

/* How a request that answers with one forward finds it. RCU. */
typedef struct pf_fwd *(*pf_nl_find_fn)(const struct pf_table *t, const void *arg);

static struct pf_fwd *pf_nl_find_id(const struct pf_table *t, const void *id)
{
	return pf_table_get(t, *(const u32 *)id);
}

static struct pf_fwd *pf_nl_find_lookup(const struct pf_table *t, const void *p)
{
	return pf_table_lookup(t, p);
}

static struct pf_fwd *pf_nl_find_scan(const struct pf_table *t, const void *p)
{
	return pf_table_scan(t, p);
}

/*
 * Replies to @info with the forward @find finds in the namespace's live
 * table, as a @cmd message; -ENOENT if there is none.
 */
static int pf_nl_reply_fwd(struct genl_info *info, u8 cmd, pf_nl_find_fn find, const void *arg)
{
	struct pf_table *t;
	struct sk_buff *msg;
	struct pf_fwd *f;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pf_genl_family, 0, cmd);
	rcu_read_lock();
	t = rcu_dereference(pf_net(genl_info_net(info))->table);
	f = find(t, arg);
	ret = !f ? -ENOENT : !hdr ? -EMSGSIZE : pf_msg_put_fwd(msg, f, NULL, false);
	rcu_read_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int pf_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct pf_fwd_cfg cfg;
	u32 id;
	int ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		goto out;
	ret = pf_nl_parse(info, true, &cfg, &id);
	if (ret)
		goto out;
	if (!id) {
		GENL_SET_ERR_MSG(info, "get takes a forward's id (or ask for a dump)");
		ret = -EINVAL;
		goto out;
	}
	ret = pf_nl_reply_fwd(info, PFMOD_CMD_GET, pf_nl_find_id, &id);
	if (ret == -ENOENT)
		GENL_SET_ERR_MSG(info, "no forward with this id");
out:
	return pf_nl_ret(info->extack, ret);
}

/* What a LOOKUP asks about, as the packet path would see it. */
static int pf_nl_parse_lookup(struct genl_info *info, struct pf_pkt *p,
			      union nf_inet_addr *saddr, union nf_inet_addr *daddr,
			      char *ifname, bool *scan)
{
	struct nlattr *nest = info->attrs[PFMOD_A_LOOKUP];
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[PFMOD_LOOKUP_A_MAX + 1];
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, PFMOD_A_LOOKUP)) {
		GENL_SET_ERR_MSG(info, "lookup takes what a connection is (PFMOD_A_LOOKUP)");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, PFMOD_LOOKUP_A_MAX, nest, NULL, extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PFMOD_LOOKUP_A_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PFMOD_LOOKUP_A_PROTO) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PFMOD_LOOKUP_A_SADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PFMOD_LOOKUP_A_DADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PFMOD_LOOKUP_A_DPORT)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "lookup needs family, protocol, both addresses and the port");
		return -EINVAL;
	}
	memset(p, 0, sizeof(*p));
	p->family = nla_get_u8(tb[PFMOD_LOOKUP_A_FAMILY]);
	if (p->family != NFPROTO_IPV4 && p->family != NFPROTO_IPV6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PFMOD_LOOKUP_A_FAMILY],
				    "address family must be IPv4 or IPv6");
		return -EAFNOSUPPORT;
	}
	p->proto = nla_get_u8(tb[PFMOD_LOOKUP_A_PROTO]);
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP && p->proto != IPPROTO_SCTP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PFMOD_LOOKUP_A_PROTO],
				    "protocol must be TCP, UDP or SCTP");
		return -EPROTONOSUPPORT;
	}
	ret = pf_nl_addr(tb[PFMOD_LOOKUP_A_SADDR], p->family, saddr, extack) ?:
	      pf_nl_addr(tb[PFMOD_LOOKUP_A_DADDR], p->family, daddr, extack);
	if (ret)
		return ret;
	p->saddr = saddr;
	p->daddr = daddr;
	p->dport = nla_get_u16(tb[PFMOD_LOOKUP_A_DPORT]);
	if (tb[PFMOD_LOOKUP_A_IFNAME]) {
		nla_strscpy(ifname, tb[PFMOD_LOOKUP_A_IFNAME], IFNAMSIZ);
		p->in = ifname;
	}
	*scan = nla_get_flag(tb[PFMOD_LOOKUP_A_SCAN]);
	return 0;
}

/* Which forward a new connection would get: see PFMOD_CMD_LOOKUP. */
static int pf_nl_lookup(struct sk_buff *skb, struct genl_info *info)
{
	union nf_inet_addr saddr, daddr;
	char ifname[IFNAMSIZ];
	struct pf_pkt p;
	bool scan;
	int ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		goto out;
	ret = pf_nl_parse_lookup(info, &p, &saddr, &daddr, ifname, &scan);
	if (ret)
		goto out;
	ret = pf_nl_reply_fwd(info, PFMOD_CMD_LOOKUP, scan ? pf_nl_find_scan : pf_nl_find_lookup,
			      &p);
	if (ret == -ENOENT)
		GENL_SET_ERR_MSG(info, "no forward applies");
out:
	return pf_nl_ret(info->extack, ret);
}

/* A batch of a restore: see PFMOD_CMD_REPLACE in the uapi header. */
static int pf_nl_replace(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct net *net = genl_info_net(info);
	u32 flags = pf_nl_flags(info), id;
	struct pf_fwd_cfg *cfg;
	struct nlattr *a;
	struct pf_fwd *f;
	int rem, ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		goto out;
	if ((flags & PFMOD_REQ_F_COMMIT) && GENL_REQ_ATTR_CHECK(info, PFMOD_A_COUNT)) {
		GENL_SET_ERR_MSG(info, "a commit says how many forwards the restore sent");
		ret = -EINVAL;
		goto err;
	}
	if (flags & PFMOD_REQ_F_FLUSH_EXISTING) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[PFMOD_A_FLAGS],
				    "a restore does not take FLUSH_EXISTING");
		ret = -EINVAL;
		goto out;
	}
	if (flags & PFMOD_REQ_F_BEGIN) {
		ret = pf_config_stage_begin(net, info->snd_portid, extack);
		if (ret)
			goto out;
	}
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		ret = -ENOMEM;
		goto err;
	}
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != PFMOD_A_FORWARD)
			continue;
		ret = pf_nl_parse_fwd(a, false, cfg, &id, extack);
		if (ret)
			goto err_attr;
		f = pf_fwd_create(net, cfg, extack);
		if (IS_ERR(f)) {
			ret = PTR_ERR(f);
			goto err_attr;
		}
		ret = pf_config_stage_add(net, info->snd_portid, f, extack);
		if (ret)
			goto err_attr;
		cond_resched();
	}
	kfree(cfg);
	if (flags & PFMOD_REQ_F_COMMIT)
		ret = pf_config_stage_commit(net, info->snd_portid, flags,
					     nla_get_u32(info->attrs[PFMOD_A_COUNT]), info);
	goto out;

err_attr:
	/* Say which forward failed, if the error did not point inside it. */
	if (!extack->bad_attr)
		NL_SET_BAD_ATTR(extack, a);
	kfree(cfg);
err:
	pf_config_stage_drop(net, info->snd_portid);
out:
	return pf_nl_ret(extack, ret);
}

/* A socket that goes away in the middle of a restore takes it along. */
static int pf_nl_notify(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC && n->portid)
		pf_config_stage_drop(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block pf_nl_notifier = {
	.notifier_call = pf_nl_notify,
};

struct pf_nl_dump_ctx {
	unsigned long next_id;
	/* GET_STATS: what the forwards' connections added up to at .start */
	struct pf_ct_usage *usage;
	unsigned int n_usage;
	bool acct;
	bool terse;		/* PFMOD_REQ_F_TERSE */
};

static int pf_nl_dump_start(struct netlink_callback *cb)
{
	struct pf_nl_dump_ctx *ctx = (void *)cb->ctx;
	const struct nlattr *flags;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	memset(ctx, 0, sizeof(*ctx));
	/* Validated by genetlink (pf_nl_policy) before .start. */
	flags = nlmsg_find_attr(cb->nlh, GENL_HDRLEN, PFMOD_A_FLAGS);
	ctx->terse = flags && (nla_get_u32(flags) & PFMOD_REQ_F_TERSE);
	return 0;
}

/* GET_STATS: one walk over the connections before the dump. */
static int pf_nl_dump_stats_start(struct netlink_callback *cb)
{
	struct pf_nl_dump_ctx *ctx = (void *)cb->ctx;
	struct net *net = sock_net(cb->skb->sk);
	struct pf_net *pn = pf_net(net);
	struct pf_table *t;
	struct pf_fwd *f;
	unsigned long id;
	unsigned int n = 0;
	int ret;

	pf_nl_dump_start(cb);
	/* The walk is not for those the dump itself will refuse. */
	ret = pf_nl_check(cb->skb, nlmsg_data(cb->nlh), true, cb->extack);
	if (ret)
		return ret;
	/* Refused by pf_nl_dump(), which can say why. */
	if (ctx->terse)
		return 0;
	mutex_lock(&pn->lock);
	t = pf_net_table(pn);
	ctx->usage = kvcalloc(t->count, sizeof(*ctx->usage), GFP_KERNEL);
	if (!ctx->usage && t->count) {
		mutex_unlock(&pn->lock);
		return -ENOMEM;
	}
	xa_for_each(&t->fwds, id, f)
		ctx->usage[n++].id = id;
	mutex_unlock(&pn->lock);
	ctx->n_usage = n;
	ctx->acct = pf_ct_usage(net, ctx->usage, n);
	return 0;
}

static int pf_nl_dump_done(struct netlink_callback *cb)
{
	struct pf_nl_dump_ctx *ctx = (void *)cb->ctx;

	kvfree(ctx->usage);
	return 0;
}

static const struct pf_ct_usage *pf_nl_dump_usage(const struct pf_nl_dump_ctx *ctx, u32 id)
{
	unsigned int lo = 0, hi = ctx->n_usage, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ctx->usage[mid].id == id)
			return &ctx->usage[mid];
		if (ctx->usage[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * The forwards of @t from ctx->next_id on, as many as fit in @skb. One walk
 * along the xarray (xas_for_each), not a descent from its root per forward.
 * RCU.
 */
static void pf_nl_dump_table(struct sk_buff *skb, struct netlink_callback *cb,
			     struct pf_table *t, bool stats)
{
	static const struct pf_ct_usage none;
	struct pf_nl_dump_ctx *ctx = (void *)cb->ctx;
	XA_STATE(xas, &t->fwds, ctx->next_id);
	const struct pf_ct_usage *u;
	struct pf_fwd *f;
	void *hdr;
	int ret;

	xas_for_each(&xas, f, ULONG_MAX) {
		if (xas_retry(&xas, f))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &pf_genl_family, NLM_F_MULTI,
				  stats ? PFMOD_CMD_GET_STATS : PFMOD_CMD_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		u = stats ? pf_nl_dump_usage(ctx, xas.xa_index) : NULL;
		if (stats && !u)
			u = &none;	/* added since the walk */
		ret = ctx->terse ? pf_msg_put_fwd_terse(skb, f) :
				   pf_msg_put_fwd(skb, f, u, ctx->acct);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->next_id = xas.xa_index + 1;
	}
}

static int pf_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pf_nl_dump_ctx *ctx = (void *)cb->ctx;
	struct pf_net *pn = pf_net(sock_net(cb->skb->sk));
	bool stats = cb->nlh && ((struct genlmsghdr *)nlmsg_data(cb->nlh))->cmd ==
		     PFMOD_CMD_GET_STATS;
	int ret;

	/* Checked here as well as by genetlink: only errors of .dumpit carry
	 * their extack message (in NLMSG_DONE). Nothing is sent before it
	 * passes.
	 */
	ret = pf_nl_check(cb->skb, nlmsg_data(cb->nlh), true, cb->extack);
	if (ret)
		return pf_nl_ret(cb->extack, ret);
	if (stats && ctx->terse) {
		NL_SET_ERR_MSG(cb->extack, "a terse dump has no counters: not with GET_STATS");
		return -EINVAL;
	}

	rcu_read_lock();
	cb->seq = READ_ONCE(pn->gen);
	pf_nl_dump_table(skb, cb, rcu_dereference(pn->table), stats);
	rcu_read_unlock();
	return skb->len;
}

static const struct genl_ops pf_genl_ops[] = {
	{
		.cmd = PFMOD_CMD_GET_INFO,
		.doit = pf_nl_get_info,
	},
	{
		.cmd = PFMOD_CMD_ADD,
		.doit = pf_nl_add,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PFMOD_CMD_DEL,
		.doit = pf_nl_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PFMOD_CMD_GET,
		.doit = pf_nl_get,
		.start = pf_nl_dump_start,
		.dumpit = pf_nl_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PFMOD_CMD_FLUSH,
		.doit = pf_nl_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PFMOD_CMD_REPLACE,
		.doit = pf_nl_replace,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PFMOD_CMD_GET_STATS,
		.start = pf_nl_dump_stats_start,
		.dumpit = pf_nl_dump,
		.done = pf_nl_dump_done,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = PFMOD_CMD_LOOKUP,
		.doit = pf_nl_lookup,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/* Joining needs CAP_NET_ADMIN over the namespace, as reading its table does. */
static const struct genl_multicast_group pf_genl_mcgrps[] = {
	[PFMOD_MCGRP_CONFIG] = {
		.name = PFMOD_MCGRP_CONFIG_NAME,
		.flags = PF_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family pf_genl_family __ro_after_init = {
	.name = PFMOD_GENL_NAME,
	.version = PFMOD_GENL_VERSION,
	.maxattr = PFMOD_A_MAX,
	.policy = pf_nl_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = pf_genl_ops,
	.n_ops = ARRAY_SIZE(pf_genl_ops),
	.mcgrps = pf_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(pf_genl_mcgrps),
};

int __init pf_genl_init(void)
{
	int ret;

	ret = netlink_register_notifier(&pf_nl_notifier);
	if (ret)
		return ret;
	ret = genl_register_family(&pf_genl_family);
	if (ret)
		netlink_unregister_notifier(&pf_nl_notifier);
	return ret;
}

void pf_genl_uninit(void)
{
	genl_unregister_family(&pf_genl_family);
	netlink_unregister_notifier(&pf_nl_notifier);
}

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
#include "netlink.h"
#include "netns.h"
#include "version.h"

static bool pf_userns_admin __read_mostly;
module_param_named(userns_admin, pf_userns_admin, bool, 0644);
MODULE_PARM_DESC(userns_admin,
		 "Let CAP_NET_ADMIN of a user namespace (a container's root) configure the forwards of its network namespaces (default: no, only the initial user namespace's)");

#define PF_ADDR_POLICY NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr), sizeof(struct in6_addr))

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
};

static const struct nla_policy pf_nl_policy[PFMOD_A_MAX + 1] = {
	[PFMOD_A_VERSION] = { .type = NLA_REJECT },
	[PFMOD_A_API] = { .type = NLA_REJECT },
	[PFMOD_A_MAX_FORWARDS] = { .type = NLA_REJECT },
	[PFMOD_A_FORWARDS] = { .type = NLA_REJECT },
	[PFMOD_A_FORWARD] = NLA_POLICY_NESTED(pf_fwd_policy),
	[PFMOD_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __PFMOD_REQ_F_ALL),
	[PFMOD_A_COUNT] = { .type = NLA_U32 },
};

static struct genl_family pf_genl_family;

static int pf_nl_check(const struct sk_buff *skb, const struct genlmsghdr *hdr, bool admin,
		       struct netlink_ext_ack *extack)
{
	struct net *net = sock_net(skb->sk);

	if (hdr->version != PFMOD_GENL_VERSION) {
		NL_SET_ERR_MSG(extack, "unsupported pfmod netlink version");
		return -EOPNOTSUPP;
	}
	if (!admin)
		return 0;
	if (!netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack, "CAP_NET_ADMIN needed");
		return -EPERM;
	}
	if (!READ_ONCE(pf_userns_admin) && !netlink_capable(skb, CAP_NET_ADMIN)) {
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

/* -EINVAL with @msg (a literal) if attribute @type is missing. */
#define pf_nl_require(extack, nest, tb, type, msg) ({			\
	struct netlink_ext_ack *__pf_ext = (extack);			\
	struct nlattr *__pf_nest = (nest);				\
	int __ret = 0;							\
									\
	if (!(tb)[type]) {						\
		NL_SET_ERR_MSG_ATTR(__pf_ext, __pf_nest, msg);		\
		NL_SET_ERR_ATTR_MISS(__pf_ext, __pf_nest, type);	\
		__ret = -EINVAL;					\
	}								\
	__ret;								\
})

static u16 pf_nl_u16(const struct nlattr *a, u16 dflt)
{
	return a ? nla_get_u16(a) : dflt;
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
		ret = nla_parse_nested(tb, PFMOD_PREFIX_A_MAX, a, NULL, extack);
		if (ret)
			return ret;
		if (pf_nl_require(extack, a, tb, PFMOD_PREFIX_A_ADDR,
				  "source prefix without address") ||
		    pf_nl_require(extack, a, tb, PFMOD_PREFIX_A_LEN,
				  "source prefix without length"))
			return -EINVAL;
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
	PFMOD_FWD_A_SNAT, PFMOD_FWD_A_SNAT_ADDR,
};

/*
 * Parses a PFMOD_A_FORWARD: everything ADD takes, or (@key) the key DEL
 * takes. Returns the id instead if DEL names the forward by id alone.
 */
static int pf_nl_parse_fwd(struct nlattr *nest, bool key, struct pf_fwd_cfg *c, u32 *id,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PFMOD_FWD_A_MAX + 1];
	unsigned int i;
	int ret;

	memset(c, 0, offsetof(struct pf_fwd_cfg, from));
	*id = 0;
	/* The family's policy has been applied to the whole request,
	 * nested attributes included: only split the nest up.
	 */
	ret = nla_parse_nested(tb, PFMOD_FWD_A_MAX, nest, NULL, extack);
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
	if (pf_nl_require(extack, nest, tb, PFMOD_FWD_A_FAMILY, "address family missing") ||
	    pf_nl_require(extack, nest, tb, PFMOD_FWD_A_PROTO, "protocol missing") ||
	    pf_nl_require(extack, nest, tb, PFMOD_FWD_A_PORT_MIN, "listen port missing"))
		return -EINVAL;
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
		/* As many target ports as listen ports, from TO_PORT_MIN on. */
		if (c->to_port_min + (c->port_max - c->port_min) > U16_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PFMOD_FWD_A_TO_PORT_MIN],
					    "target port range would go past 65535");
			return -ERANGE;
		}
		c->to_port_max = c->to_port_min + (c->port_max - c->port_min);
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
	return 0;
}

/* The request's PFMOD_A_FORWARD, parsed. */
static int pf_nl_parse(struct genl_info *info, bool key, struct pf_fwd_cfg *c, u32 *id)
{
	int ret;

	ret = pf_nl_require(info->extack, NULL, info->attrs, PFMOD_A_FORWARD, "forward missing");
	if (ret)
		return ret;
	return pf_nl_parse_fwd(info->attrs[PFMOD_A_FORWARD], key, c, id, info->extack);
}

static u32 pf_nl_flags(struct genl_info *info)
{
	return info->attrs[PFMOD_A_FLAGS] ? nla_get_u32(info->attrs[PFMOD_A_FLAGS]) : 0;
}

static int pf_nl_put_addr(struct sk_buff *skb, int type, u8 family, const union nf_inet_addr *a)
{
	return nla_put(skb, type, family == NFPROTO_IPV4 ? sizeof(struct in_addr) :
			sizeof(struct in6_addr), a);
}

static int pf_nl_put_from(struct sk_buff *skb, const struct pf_fwd *f)
{
	struct nlattr *from, *pfx;
	unsigned int i;

	from = nla_nest_start(skb, PFMOD_FWD_A_FROM);
	if (!from)
		return -EMSGSIZE;
	for (i = 0; i < f->ext->n_from; i++) {
		pfx = nla_nest_start(skb, PFMOD_FROM_A_PREFIX);
		if (!pfx || pf_nl_put_addr(skb, PFMOD_PREFIX_A_ADDR, f->family,
					   &f->ext->from[i].addr) ||
		    nla_put_u8(skb, PFMOD_PREFIX_A_LEN, f->ext->from[i].len))
			return -EMSGSIZE;
		nla_nest_end(skb, pfx);
	}
	nla_nest_end(skb, from);
	return 0;
}

static int pf_nl_put_fwd(struct sk_buff *skb, const struct pf_fwd *f)
{
	struct nlattr *nest = nla_nest_start(skb, PFMOD_A_FORWARD);

	if (!nest ||
	    nla_put_u32(skb, PFMOD_FWD_A_ID, f->id) ||
	    nla_put_u8(skb, PFMOD_FWD_A_FAMILY, f->family) ||
	    nla_put_u8(skb, PFMOD_FWD_A_PROTO, f->proto) ||
	    ((f->flags & PF_F_HAS_ADDR) &&
	     pf_nl_put_addr(skb, PFMOD_FWD_A_ADDR, f->family, pf_fwd_addr(f))) ||
	    nla_put_u16(skb, PFMOD_FWD_A_PORT_MIN, f->port_min) ||
	    nla_put_u16(skb, PFMOD_FWD_A_PORT_MAX, f->port_max) ||
	    (!(f->flags & PFMOD_F_TO_SELF) &&
	     pf_nl_put_addr(skb, PFMOD_FWD_A_TO_ADDR, f->family, &f->to_addr)) ||
	    nla_put_u16(skb, PFMOD_FWD_A_TO_PORT_MIN, f->to_port_min) ||
	    nla_put_u16(skb, PFMOD_FWD_A_TO_PORT_MAX, f->to_port_max) ||
	    (pf_fwd_ifname(f)[0] &&
	     nla_put_string(skb, PFMOD_FWD_A_IFNAME, pf_fwd_ifname(f))) ||
	    (f->ext && f->ext->n_from && pf_nl_put_from(skb, f)) ||
	    nla_put_u8(skb, PFMOD_FWD_A_SNAT, f->snat) ||
	    (f->snat == PFMOD_SNAT_ADDR &&
	     pf_nl_put_addr(skb, PFMOD_FWD_A_SNAT_ADDR, f->family, &f->ext->snat_addr)) ||
	    nla_put_u32(skb, PFMOD_FWD_A_FLAGS, f->flags & __PFMOD_F_ALL) ||
	    nla_put_u64_64bit(skb, PFMOD_FWD_A_CONNS, atomic64_read(&f->conns),
			      PFMOD_FWD_A_PAD) ||
	    nla_put_u64_64bit(skb, PFMOD_FWD_A_SNAT_CONNS, atomic64_read(&f->snat_conns),
			      PFMOD_FWD_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int __pf_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct pf_table *t;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	ret = pf_nl_check_req(skb, info, false);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pf_genl_family, 0, PFMOD_CMD_GET_INFO);
	rcu_read_lock();
	t = rcu_dereference(pf_net(genl_info_net(info))->table);
	if (!hdr ||
	    nla_put_string(msg, PFMOD_A_VERSION, PFMOD_VERSION) ||
	    nla_put_u32(msg, PFMOD_A_API, PFMOD_GENL_VERSION) ||
	    nla_put_u32(msg, PFMOD_A_MAX_FORWARDS, READ_ONCE(pf_max_forwards)) ||
	    nla_put_u32(msg, PFMOD_A_FORWARDS, READ_ONCE(t->count))) {
		rcu_read_unlock();
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	rcu_read_unlock();
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
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

static int __pf_nl_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct pf_fwd_cfg cfg;
	struct pf_fwd *f;
	u32 id;
	int ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		return ret;
	ret = pf_nl_parse(info, false, &cfg, &id);
	if (ret)
		return ret;
	f = pf_fwd_create(&cfg, info->extack);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = pf_config_add(net, f, pf_nl_flags(info), info->extack);
	if (!ret)
		pf_nl_warn_forwarding(net, &cfg, info->extack);
	return ret;
}

static int __pf_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct pf_fwd_cfg cfg;
	struct pf_fwd *key;
	u32 id;
	int ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		return ret;
	ret = pf_nl_parse(info, true, &cfg, &id);
	if (ret)
		return ret;
	if (id)
		return pf_config_del(genl_info_net(info), id, NULL, pf_nl_flags(info),
				     info->extack);
	key = pf_fwd_create(&cfg, info->extack);
	if (IS_ERR(key))
		return PTR_ERR(key);
	ret = pf_config_del(genl_info_net(info), 0, key, pf_nl_flags(info), info->extack);
	pf_fwd_free(key);
	return ret;
}

static int __pf_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		return ret;
	if (info->attrs[PFMOD_A_FORWARD]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PFMOD_A_FORWARD],
				    "flush takes no forward");
		return -EINVAL;
	}
	return pf_config_flush(genl_info_net(info), pf_nl_flags(info));
}

static int __pf_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct pf_fwd_cfg cfg;
	struct pf_table *t;
	struct sk_buff *msg;
	struct pf_fwd *f;
	void *hdr;
	u32 id;
	int ret;

	ret = pf_nl_check_req(skb, info, true);
	if (ret)
		return ret;
	ret = pf_nl_parse(info, true, &cfg, &id);
	if (ret)
		return ret;
	if (!id) {
		GENL_SET_ERR_MSG(info, "get takes a forward's id (or ask for a dump)");
		return -EINVAL;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pf_genl_family, 0, PFMOD_CMD_GET);
	rcu_read_lock();
	t = rcu_dereference(pf_net(genl_info_net(info))->table);
	f = xa_load(&t->fwds, id);
	ret = !f ? -ENOENT : !hdr ? -EMSGSIZE : pf_nl_put_fwd(msg, f);
	rcu_read_unlock();
	if (ret) {
		if (ret == -ENOENT)
			GENL_SET_ERR_MSG(info, "no forward with this id");
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* A batch of a restore: see PFMOD_CMD_REPLACE in the uapi header. */
static int __pf_nl_replace(struct sk_buff *skb, struct genl_info *info)
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
		return ret;
	if (flags & PFMOD_REQ_F_COMMIT) {
		ret = pf_nl_require(extack, NULL, info->attrs, PFMOD_A_COUNT,
				    "a commit says how many forwards the restore sent");
		if (ret)
			goto err;
	}
	if (flags & PFMOD_REQ_F_FLUSH_EXISTING) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[PFMOD_A_FLAGS],
				    "a restore does not take FLUSH_EXISTING");
		return -EINVAL;
	}
	if (flags & PFMOD_REQ_F_BEGIN) {
		ret = pf_config_stage_begin(net, info->snd_portid, extack);
		if (ret)
			return ret;
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
		f = pf_fwd_create(cfg, extack);
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
		return pf_config_stage_commit(net, info->snd_portid, flags,
					      nla_get_u32(info->attrs[PFMOD_A_COUNT]), extack);
	return 0;

err_attr:
	/* Say which forward failed, if the error did not point inside it. */
	if (!extack->bad_attr)
		NL_SET_BAD_ATTR(extack, a);
	kfree(cfg);
err:
	pf_config_stage_drop(net, info->snd_portid);
	return ret;
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
};

static int pf_nl_dump_start(struct netlink_callback *cb)
{
	struct pf_nl_dump_ctx *ctx = (void *)cb->ctx;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	ctx->next_id = 0;
	return 0;
}

static int __pf_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct pf_net *pn = pf_net(sock_net(cb->skb->sk));
	struct pf_nl_dump_ctx *ctx = (void *)cb->ctx;
	struct pf_table *t;
	unsigned long id;
	struct pf_fwd *f;
	void *hdr;
	int ret;

	/* Checked here, not in .start: only errors of .dumpit carry their
	 * extack message (in NLMSG_DONE). Nothing is sent before it passes.
	 */
	ret = pf_nl_check(cb->skb, nlmsg_data(cb->nlh), true, cb->extack);
	if (ret)
		return ret;

	rcu_read_lock();
	cb->seq = READ_ONCE(pn->gen);
	t = rcu_dereference(pn->table);
	xa_for_each_start(&t->fwds, id, f, ctx->next_id) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &pf_genl_family, NLM_F_MULTI, PFMOD_CMD_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (pf_nl_put_fwd(skb, f)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->next_id = id + 1;
	}
	rcu_read_unlock();
	return skb->len;
}

/*
 * Every error says what went wrong: the handlers set a precise message
 * where they can; these wrappers name the errno where they did not.
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

#define PF_NL_DOIT(name)						\
static int name(struct sk_buff *skb, struct genl_info *info)		\
{									\
	return pf_nl_ret(info->extack, __##name(skb, info));		\
}

PF_NL_DOIT(pf_nl_get_info)
PF_NL_DOIT(pf_nl_add)
PF_NL_DOIT(pf_nl_del)
PF_NL_DOIT(pf_nl_flush)
PF_NL_DOIT(pf_nl_get)
PF_NL_DOIT(pf_nl_replace)

static int pf_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return pf_nl_ret(cb->extack, __pf_nl_dump(skb, cb));
}

static const struct genl_ops pf_genl_ops[] = {
	{
		.cmd = PFMOD_CMD_GET_INFO,
		.doit = pf_nl_get_info,
	},
	{
		.cmd = PFMOD_CMD_ADD,
		.doit = pf_nl_add,
	},
	{
		.cmd = PFMOD_CMD_DEL,
		.doit = pf_nl_del,
	},
	{
		.cmd = PFMOD_CMD_GET,
		.doit = pf_nl_get,
		.start = pf_nl_dump_start,
		.dumpit = pf_nl_dump,
	},
	{
		.cmd = PFMOD_CMD_FLUSH,
		.doit = pf_nl_flush,
	},
	{
		.cmd = PFMOD_CMD_REPLACE,
		.doit = pf_nl_replace,
	},
};

static struct genl_family pf_genl_family __ro_after_init = {
	.name = PFMOD_GENL_NAME,
	.version = PFMOD_GENL_VERSION,
	.maxattr = PFMOD_A_MAX,
	.policy = pf_nl_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = pf_genl_ops,
	.n_ops = ARRAY_SIZE(pf_genl_ops),
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

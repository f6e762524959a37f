// SPDX-License-Identifier: GPL-2.0
/*
 * doctor: the nf_tables ruleset (native nft and iptables-nft alike), read
 * with NFT_MSG_GETCHAIN and NFT_MSG_GETRULE dumps: no text is parsed and
 * nothing changes. Each rule is summed up by what decides a forward's
 * fate: its verdict, the conntrack state or status it requires, the
 * destination ports and protocol it requires, whether it DNATs.
 *
 * A FORWARD base chain (type filter) "drops" when its policy is drop, or
 * an unconditional drop or reject comes before an accept of DNATed
 * connections (ct status dnat, ctstate DNAT, or state new), looked for in
 * the chain and the chains it jumps to. An accept that names the target's
 * address or port instead is not recognised: doctor reports the chain then,
 * and says which rule it would take.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "doctor.h"
#include "ipc.h"

#define NAME_MAX_LEN	256
#define CT_NEW		(1U << (IP_CT_NEW + 1))	/* NF_CT_STATE_BIT(IP_CT_NEW) */
/* pfmod's DNAT runs at NF_IP_PRI_NAT_DST + 1: NAT chains up to there first. */
#define PF_PRI_NAT	(-100 + 1)

struct chain {
	int family;			/* NFPROTO_* */
	char table[NAME_MAX_LEN], name[NAME_MAX_LEN], type[16];
	bool base;
	uint32_t hook;
	int32_t prio;
	uint32_t policy;
};

enum verdict { V_NONE, V_ACCEPT, V_DROP, V_JUMP };

struct rule {
	int family;
	char table[NAME_MAX_LEN], chain[NAME_MAX_LEN];
	uint64_t handle;
	enum verdict verdict;
	char jump[NAME_MAX_LEN];	/* V_JUMP: the chain */
	bool conditions;		/* requires something beyond the below */
	bool ct_dnat;			/* requires DNAT status, or allows new */
	bool dnat;			/* translates the destination */
	uint8_t proto;			/* requires this protocol, or 0 */
	uint16_t dport_min, dport_max;	/* requires these destination ports */
};

struct ruleset {
	struct chain *chains;
	size_t n_chains;
	struct rule *rules;
	size_t n_rules;
	int err;
};

/* Room for one more: 16 at first, doubled when full. */
static void *grow(void *v, size_t n, size_t size)
{
	void *p = n && (n < 16 || (n & (n - 1))) ? v : realloc(v, (n ? 2 * n : 16) * size);

	if (!p)
		abort();
	return p;
}

static uint32_t be32_attr(const struct nlattr *a)
{
	return ntohl(mnl_attr_get_u32(a));
}

static void copy_str(char *dst, const struct nlattr *a)
{
	snprintf(dst, NAME_MAX_LEN, "%s", (const char *)mnl_attr_get_payload(a));
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	struct ruleset *rs = data;
	const struct nlattr *a, *h;
	struct chain *c;

	rs->chains = grow(rs->chains, rs->n_chains, sizeof(*c));
	c = &rs->chains[rs->n_chains++];
	memset(c, 0, sizeof(*c));
	c->family = g->nfgen_family;
	c->policy = NF_ACCEPT;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_CHAIN_TABLE:
			copy_str(c->table, a);
			break;
		case NFTA_CHAIN_NAME:
			copy_str(c->name, a);
			break;
		case NFTA_CHAIN_TYPE:
			snprintf(c->type, sizeof(c->type), "%s", mnl_attr_get_str(a));
			break;
		case NFTA_CHAIN_POLICY:
			c->policy = be32_attr(a);
			break;
		case NFTA_CHAIN_HOOK:
			c->base = true;
			mnl_attr_for_each_nested(h, a) {
				if (mnl_attr_get_type(h) == NFTA_HOOK_HOOKNUM)
					c->hook = be32_attr(h);
				else if (mnl_attr_get_type(h) == NFTA_HOOK_PRIORITY)
					c->prio = (int32_t)be32_attr(h);
			}
			break;
		}
	}
	return MNL_CB_OK;
}

/* The value of an NFTA_DATA_VALUE nest, up to 16 bytes; its length. */
static size_t data_value(const struct nlattr *nest, uint8_t *out)
{
	const struct nlattr *a;
	size_t len = 0;

	memset(out, 0, 16);
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == NFTA_DATA_VALUE) {
			len = mnl_attr_get_payload_len(a);
			if (len > 16)
				len = 16;
			memcpy(out, mnl_attr_get_payload(a), len);
		}
	}
	return len;
}

static uint32_t value_u32(const uint8_t *v)
{
	uint32_t x;

	memcpy(&x, v, 4);
	return x;
}

static uint16_t value_port(const uint8_t *v)
{
	return (uint16_t)(v[0] << 8 | v[1]);
}

/* What the registers hold, as far as the summary needs. */
enum reg_kind { R_OTHER, R_CT_STATE, R_CT_STATUS, R_DPORT, R_L4PROTO };
struct regs {
	enum reg_kind kind[32];
	uint32_t mask[32];
};

static unsigned int reg_index(const struct nlattr *a)
{
	return be32_attr(a) % 32;
}

/* The attributes of one expression, by type (up to 16). */
static void expr_attrs(const struct nlattr *data, const struct nlattr **tb)
{
	const struct nlattr *a;

	memset(tb, 0, 17 * sizeof(*tb));
	if (!data)
		return;
	mnl_attr_for_each_nested(a, data)
		if (mnl_attr_get_type(a) <= 16)
			tb[mnl_attr_get_type(a)] = a;
}

static void expr_ct(struct regs *r, const struct nlattr **tb)
{
	unsigned int key;

	if (!tb[NFTA_CT_DREG] || !tb[NFTA_CT_KEY])
		return;
	key = be32_attr(tb[NFTA_CT_KEY]);
	r->kind[reg_index(tb[NFTA_CT_DREG])] = key == NFT_CT_STATE ? R_CT_STATE :
					       key == NFT_CT_STATUS ? R_CT_STATUS : R_OTHER;
	r->mask[reg_index(tb[NFTA_CT_DREG])] = ~0U;
}

static void expr_bitwise(struct regs *r, const struct nlattr **tb)
{
	uint8_t v[16];
	unsigned int s, dst;

	if (!tb[NFTA_BITWISE_SREG] || !tb[NFTA_BITWISE_DREG] || !tb[NFTA_BITWISE_MASK])
		return;
	s = reg_index(tb[NFTA_BITWISE_SREG]);
	dst = reg_index(tb[NFTA_BITWISE_DREG]);
	data_value(tb[NFTA_BITWISE_MASK], v);
	r->kind[dst] = r->kind[s];
	r->mask[dst] = r->mask[s] & value_u32(v);
}

static void expr_cmp(struct rule *ru, struct regs *r, const struct nlattr **tb)
{
	uint32_t op, x;
	uint8_t v[16];
	unsigned int s;

	if (!tb[NFTA_CMP_SREG] || !tb[NFTA_CMP_OP] || !tb[NFTA_CMP_DATA]) {
		ru->conditions = true;
		return;
	}
	s = reg_index(tb[NFTA_CMP_SREG]);
	op = be32_attr(tb[NFTA_CMP_OP]);
	data_value(tb[NFTA_CMP_DATA], v);
	x = value_u32(v);
	switch (r->kind[s]) {
	case R_CT_STATUS:
		if ((op == NFT_CMP_NEQ && !x && (r->mask[s] & IPS_DST_NAT)) ||
		    (op == NFT_CMP_EQ && (x & IPS_DST_NAT)))
			ru->ct_dnat = true;
		else
			ru->conditions = true;
		break;
	case R_CT_STATE:
		if ((op == NFT_CMP_NEQ && !x && (r->mask[s] & CT_NEW)) ||
		    (op == NFT_CMP_EQ && (x & CT_NEW)))
			ru->ct_dnat = true;
		else
			ru->conditions = true;
		break;
	case R_DPORT:
		if (op == NFT_CMP_EQ) {
			ru->dport_min = ru->dport_max = value_port(v);
		} else if (op == NFT_CMP_GTE || op == NFT_CMP_GT) {
			ru->dport_min = value_port(v) + (op == NFT_CMP_GT);
		} else if (op == NFT_CMP_LTE || op == NFT_CMP_LT) {
			ru->dport_max = value_port(v) - (op == NFT_CMP_LT);
		}
		break;
	case R_L4PROTO:
		if (op == NFT_CMP_EQ)
			ru->proto = v[0];
		break;
	default:
		ru->conditions = true;
	}
}

static void expr_range(struct rule *ru, struct regs *r, const struct nlattr **tb)
{
	uint8_t from[16], to[16];

	if (!tb[NFTA_RANGE_SREG] || !tb[NFTA_RANGE_FROM_DATA] || !tb[NFTA_RANGE_TO_DATA] ||
	    r->kind[reg_index(tb[NFTA_RANGE_SREG])] != R_DPORT ||
	    be32_attr(tb[NFTA_RANGE_OP]) != NFT_RANGE_EQ) {
		ru->conditions = true;
		return;
	}
	data_value(tb[NFTA_RANGE_FROM_DATA], from);
	data_value(tb[NFTA_RANGE_TO_DATA], to);
	ru->dport_min = value_port(from);
	ru->dport_max = value_port(to);
}

static void expr_payload(struct regs *r, const struct nlattr **tb)
{
	unsigned int dreg;

	if (!tb[NFTA_PAYLOAD_DREG])
		return;
	dreg = reg_index(tb[NFTA_PAYLOAD_DREG]);
	r->kind[dreg] = R_OTHER;
	if (tb[NFTA_PAYLOAD_BASE] && tb[NFTA_PAYLOAD_OFFSET] && tb[NFTA_PAYLOAD_LEN] &&
	    be32_attr(tb[NFTA_PAYLOAD_BASE]) == NFT_PAYLOAD_TRANSPORT_HEADER &&
	    be32_attr(tb[NFTA_PAYLOAD_OFFSET]) == 2 && be32_attr(tb[NFTA_PAYLOAD_LEN]) == 2)
		r->kind[dreg] = R_DPORT;
}

static void expr_meta(struct regs *r, const struct nlattr **tb)
{
	if (tb[NFTA_META_DREG])
		r->kind[reg_index(tb[NFTA_META_DREG])] =
			tb[NFTA_META_KEY] && be32_attr(tb[NFTA_META_KEY]) == NFT_META_L4PROTO ?
			R_L4PROTO : R_OTHER;
}

static void expr_immediate(struct rule *ru, const struct nlattr **tb)
{
	const struct nlattr *a, *v;
	int32_t code = 0;

	if (!tb[NFTA_IMMEDIATE_DREG] || be32_attr(tb[NFTA_IMMEDIATE_DREG]) != NFT_REG_VERDICT ||
	    !tb[NFTA_IMMEDIATE_DATA])
		return;
	mnl_attr_for_each_nested(a, tb[NFTA_IMMEDIATE_DATA]) {
		if (mnl_attr_get_type(a) != NFTA_DATA_VERDICT)
			continue;
		mnl_attr_for_each_nested(v, a) {
			if (mnl_attr_get_type(v) == NFTA_VERDICT_CODE)
				code = (int32_t)be32_attr(v);
			else if (mnl_attr_get_type(v) == NFTA_VERDICT_CHAIN)
				copy_str(ru->jump, v);
		}
	}
	ru->verdict = code == NF_ACCEPT ? V_ACCEPT : code == NF_DROP ? V_DROP :
		      code == NFT_JUMP || code == NFT_GOTO ? V_JUMP : V_NONE;
}

/* iptables-nft's matches and targets, carried as x_tables blobs. */
static void expr_match(struct rule *ru, const struct nlattr **tb)
{
	struct pf_xt_match m = { .proto = ru->proto, .dport_min = ru->dport_min,
				 .dport_max = ru->dport_max };

	if (!tb[NFTA_MATCH_NAME] || !tb[NFTA_MATCH_INFO]) {
		ru->conditions = true;
		return;
	}
	pf_doctor_xt_match(&m, mnl_attr_get_str(tb[NFTA_MATCH_NAME]),
			   tb[NFTA_MATCH_REV] ? be32_attr(tb[NFTA_MATCH_REV]) : 0,
			   mnl_attr_get_payload(tb[NFTA_MATCH_INFO]),
			   mnl_attr_get_payload_len(tb[NFTA_MATCH_INFO]));
	ru->conditions |= m.conditions;
	ru->ct_dnat |= m.ct_dnat;
	ru->proto = m.proto;
	ru->dport_min = m.dport_min;
	ru->dport_max = m.dport_max;
}

static void expr_target(struct rule *ru, const struct nlattr **tb)
{
	const char *name = tb[NFTA_TARGET_NAME] ? mnl_attr_get_str(tb[NFTA_TARGET_NAME]) : "";

	if (!strcmp(name, "REJECT"))
		ru->verdict = V_DROP;
	else if (!strcmp(name, "DNAT") || !strcmp(name, "REDIRECT"))
		ru->dnat = true;
}

static void summarize_expr(struct rule *ru, struct regs *r, const struct nlattr *elem)
{
	const struct nlattr *a, *name = NULL, *data = NULL, *tb[17];
	const char *n;

	mnl_attr_for_each_nested(a, elem) {
		if (mnl_attr_get_type(a) == NFTA_EXPR_NAME)
			name = a;
		else if (mnl_attr_get_type(a) == NFTA_EXPR_DATA)
			data = a;
	}
	if (!name)
		return;
	n = mnl_attr_get_str(name);
	expr_attrs(data, tb);
	if (!strcmp(n, "ct"))
		expr_ct(r, tb);
	else if (!strcmp(n, "bitwise"))
		expr_bitwise(r, tb);
	else if (!strcmp(n, "cmp"))
		expr_cmp(ru, r, tb);
	else if (!strcmp(n, "range"))
		expr_range(ru, r, tb);
	else if (!strcmp(n, "payload"))
		expr_payload(r, tb);
	else if (!strcmp(n, "meta"))
		expr_meta(r, tb);
	else if (!strcmp(n, "immediate"))
		expr_immediate(ru, tb);
	else if (!strcmp(n, "match"))
		expr_match(ru, tb);
	else if (!strcmp(n, "target"))
		expr_target(ru, tb);
	else if (!strcmp(n, "nat"))
		ru->dnat |= tb[NFTA_NAT_TYPE] && be32_attr(tb[NFTA_NAT_TYPE]) == NFT_NAT_DNAT;
	else if (!strcmp(n, "redir"))
		ru->dnat = true;
	else if (!strcmp(n, "reject"))
		ru->verdict = V_DROP;
	else if (strcmp(n, "counter") && strcmp(n, "log") && strcmp(n, "notrack"))
		ru->conditions = true;	/* lookup, limit, fib, ...: not understood */
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);
	struct ruleset *rs = data;
	const struct nlattr *a, *e;
	struct regs regs = { 0 };
	struct rule *ru;

	rs->rules = grow(rs->rules, rs->n_rules, sizeof(*ru));
	ru = &rs->rules[rs->n_rules++];
	memset(ru, 0, sizeof(*ru));
	ru->family = g->nfgen_family;
	ru->dport_max = 65535;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		switch (mnl_attr_get_type(a)) {
		case NFTA_RULE_TABLE:
			copy_str(ru->table, a);
			break;
		case NFTA_RULE_CHAIN:
			copy_str(ru->chain, a);
			break;
		case NFTA_RULE_HANDLE:
			ru->handle = be64toh(mnl_attr_get_u64(a));
			break;
		case NFTA_RULE_EXPRESSIONS:
			mnl_attr_for_each_nested(e, a)
				summarize_expr(ru, &regs, e);
			break;
		}
	}
	return MNL_CB_OK;
}

static const struct chain *find_chain(const struct ruleset *rs, int family, const char *table,
				      const char *name)
{
	size_t i;

	for (i = 0; i < rs->n_chains; i++)
		if (rs->chains[i].family == family && !strcmp(rs->chains[i].table, table) &&
		    !strcmp(rs->chains[i].name, name))
			return &rs->chains[i];
	return NULL;
}

/*
 * Walks @c's rules (and those of the chains they jump to, @depth deep) for
 * an accept of DNATed connections, and, at the top, an unconditional drop
 * before it.
 */
static void walk_filter(const struct ruleset *rs, const struct chain *c, int depth,
			struct pf_chain_verdict *v, bool *stop)
{
	size_t i;

	for (i = 0; i < rs->n_rules && !*stop; i++) {
		const struct rule *ru = &rs->rules[i];
		const struct chain *to;

		if (ru->family != c->family || strcmp(ru->table, c->table) ||
		    strcmp(ru->chain, c->name))
			continue;
		/* Other conditions of such an accept (interfaces, addresses)
		 * are taken to hold: rather no finding than a false one.
		 */
		if (ru->verdict == V_ACCEPT && ru->ct_dnat) {
			v->accepts_dnat = true;
			*stop = true;
		} else if (ru->verdict == V_DROP && !ru->conditions && !ru->ct_dnat &&
			   ru->dport_min == 0 && ru->dport_max == 65535 && !ru->proto && !depth) {
			v->drops = true;
			*stop = true;
		} else if (ru->verdict == V_JUMP && depth < 8) {
			to = find_chain(rs, c->family, c->table, ru->jump);
			if (to)
				walk_filter(rs, to, depth + 1, v, stop);
		}
	}
}

static const char *family_name(int family)
{
	return family == NFPROTO_IPV4 ? "ip" : family == NFPROTO_IPV6 ? "ip6" :
	       family == NFPROTO_INET ? "inet" : "?";
}

static void check_filter(struct pf_doctor *d, const struct ruleset *rs, const struct chain *c)
{
	struct pf_chain_verdict v = { 0 };
	char name[600], fix[600];
	bool stop = false;
	bool xt = !strcmp(c->table, "filter") && !strcmp(c->name, "FORWARD") &&
		  c->family != NFPROTO_INET;

	walk_filter(rs, c, 0, &v, &stop);
	if (!stop && c->policy == NF_DROP)
		v.drops = true;
	if (xt) {
		snprintf(name, sizeof(name), "the %s FORWARD chain (iptables-nft)",
			 c->family == NFPROTO_IPV4 ? "iptables" : "ip6tables");
		snprintf(fix, sizeof(fix), "%s -I FORWARD -m conntrack --ctstate DNAT -j ACCEPT",
			 c->family == NFPROTO_IPV4 ? "iptables" : "ip6tables");
	} else {
		snprintf(name, sizeof(name), "nft chain %s %s %s", family_name(c->family),
			 c->table, c->name);
		snprintf(fix, sizeof(fix), "nft insert rule %s %s %s ct status dnat accept",
			 family_name(c->family), c->table, c->name);
	}
	if (c->family != NFPROTO_IPV6)
		pf_doctor_forward_chain(d, AF_INET, name, &v, fix);
	if (c->family != NFPROTO_IPV4)
		pf_doctor_forward_chain(d, AF_INET6, name, &v, fix);
}

static void walk_nat(struct pf_doctor *d, const struct ruleset *rs, const struct chain *c,
		     int depth)
{
	char where[600], undo[600];
	size_t i;

	for (i = 0; i < rs->n_rules; i++) {
		const struct rule *ru = &rs->rules[i];
		const struct chain *to;

		if (ru->family != c->family || strcmp(ru->table, c->table) ||
		    strcmp(ru->chain, c->name))
			continue;
		if (ru->verdict == V_JUMP && depth < 8) {
			to = find_chain(rs, c->family, c->table, ru->jump);
			if (to)
				walk_nat(d, rs, to, depth + 1);
			continue;
		}
		if (!ru->dnat)
			continue;
		snprintf(where, sizeof(where), "rule %llu of nft chain %s %s %s",
			 (unsigned long long)ru->handle, family_name(c->family), c->table, c->name);
		snprintf(undo, sizeof(undo), "nft delete rule %s %s %s handle %llu (or give the forward another port)",
			 family_name(c->family), c->table, c->name,
			 (unsigned long long)ru->handle);
		if (c->family != NFPROTO_IPV6)
			pf_doctor_nat_rule(d, AF_INET, ru->proto, ru->dport_min, ru->dport_max,
					   where, undo);
		if (c->family != NFPROTO_IPV4)
			pf_doctor_nat_rule(d, AF_INET6, ru->proto, ru->dport_min, ru->dport_max,
					   where, undo);
	}
}

void pf_doctor_nftables(struct pf_doctor *d)
{
	struct ruleset rs = { 0 };
	size_t i;
	int err;

	/* Without nf_tables there is no ruleset; asking would load it. */
	if (!pf_kernel_has("nf_tables"))
		return;
	err = pf_nfnl_dump(NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETCHAIN, NFPROTO_UNSPEC,
			   chain_cb, &rs);
	if (!err)
		err = pf_nfnl_dump(NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETRULE, NFPROTO_UNSPEC,
				   rule_cb, &rs);
	if (err && err != -ENOENT && err != -EPROTONOSUPPORT) {
		pf_doctor_report(d, PF_NOTE, "no-check", NULL, NULL,
				 "cannot read the nftables ruleset: %s", strerror(-err));
	} else {
		for (i = 0; i < rs.n_chains; i++) {
			const struct chain *c = &rs.chains[i];

			if (!c->base)
				continue;
			if (!strcmp(c->type, "filter") && c->hook == NF_INET_FORWARD)
				check_filter(d, &rs, c);
			else if (!strcmp(c->type, "nat") && c->hook == NF_INET_PRE_ROUTING &&
				 c->prio <= PF_PRI_NAT)
				walk_nat(d, &rs, c, 0);
		}
	}
	free(rs.chains);
	free(rs.rules);
}

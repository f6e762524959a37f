// SPDX-License-Identifier: GPL-2.0
/*
 * The forward table: a hash of port prefixes for lookups, an id-ordered
 * xarray for dumps and deletes.
 */

#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>

#include "table.h"

static const struct rhashtable_params pf_ht_params = {
	.head_offset = offsetof(struct pf_node, list),
	.key_offset = offsetof(struct pf_node, key),
	.key_len = sizeof(struct pf_key),
	.automatic_shrinking = true,
};

static int pf_proto_index(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 0;
	case IPPROTO_UDP:
		return 1;
	case IPPROTO_SCTP:
		return 2;
	}
	return -1;
}

static u16 pf_port_mask(unsigned int plen)
{
	return plen ? (u16)(0xffffU << (PF_PORT_BITS - plen)) : 0;
}

struct pf_table *pf_table_new(void)
{
	struct pf_table *t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);

	if (!t)
		return NULL;
	if (rhltable_init(&t->ht, &pf_ht_params)) {
		kfree(t);
		return NULL;
	}
	xa_init_flags(&t->fwds, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	return t;
}

void pf_table_free(struct pf_table *t)
{
	struct pf_fwd *f;
	unsigned long id;

	if (!t)
		return;
	xa_for_each(&t->fwds, id, f)
		pf_fwd_free(f);
	xa_destroy(&t->fwds);
	rhltable_destroy(&t->ht);
	kfree(t);
}

/* The nodes under @key, as the packet path sees them. RCU. */
static struct rhlist_head *pf_table_probe(const struct pf_table *t, const struct pf_pkt *p,
					  bool addr, unsigned int plen)
{
	struct pf_key key;

	memset(&key, 0, sizeof(key));
	if (addr)
		key.addr = *p->daddr;
	key.port = p->dport & pf_port_mask(plen);
	key.plen = plen;
	key.family = p->family;
	key.proto = p->proto;
	return rhltable_lookup((struct rhltable *)&t->ht, &key, pf_ht_params);
}

/* A forward of @t that could have a port of @f's, or NULL. Lock. */
static struct pf_fwd *pf_table_overlap(struct pf_table *t, const struct pf_fwd *f)
{
	bool addr = f->flags & PF_F_HAS_ADDR;
	u32 used = t->plens[pf_family_index(f->family)][addr];
	struct pf_pkt p = {
		.daddr = pf_fwd_addr(f),
		.family = f->family,
		.proto = f->proto,
	};
	struct pf_fwd *hit = NULL;
	struct rhlist_head *list, *pos;
	struct pf_node *node;
	unsigned long bits;
	unsigned int plen;
	u32 port;

	/* Every forward that shares a port with @f has a node at one of the
	 * lengths in use that covers that port: probe them all, port by port.
	 */
	for (port = f->port_min; port <= f->port_max && used && !hit; port++) {
		p.dport = port;
		bits = used;
		rcu_read_lock();
		for_each_set_bit(plen, &bits, PF_PORT_BITS + 1) {
			list = pf_table_probe(t, &p, addr, plen);
			rhl_for_each_entry_rcu(node, pos, list, list) {
				if (pf_fwd_same_class(pf_node_fwd(node), f)) {
					hit = pf_node_fwd(node);
					break;
				}
			}
		}
		rcu_read_unlock();
		if (!(port & 1023))
			cond_resched();
	}
	return hit;
}

static void pf_table_account(struct pf_table *t, const struct pf_fwd *f, int delta)
{
	unsigned int fam = pf_family_index(f->family), i, plen;
	bool addr = f->flags & PF_F_HAS_ADDR;

	t->count += delta;
	t->n_family[fam] += delta;
	t->n_proto[fam][pf_proto_index(f->proto)] += delta;
	for (i = 0; i <= f->n_more; i++) {
		plen = pf_fwd_node((struct pf_fwd *)f, i)->key.plen;
		t->plen_refs[fam][addr][plen] += delta;
		if (t->plen_refs[fam][addr][plen])
			WRITE_ONCE(t->plens[fam][addr], t->plens[fam][addr] | BIT(plen));
		else
			WRITE_ONCE(t->plens[fam][addr], t->plens[fam][addr] & ~BIT(plen));
	}
}

int pf_table_insert(struct pf_table *t, struct pf_fwd *f, struct netlink_ext_ack *extack)
{
	if (pf_table_overlap(t, f)) {
		NL_SET_ERR_MSG(extack, "listen ports overlap an existing forward of the same kind");
		return -EEXIST;
	}
	return pf_table_link(t, f);
}

int pf_table_link(struct pf_table *t, struct pf_fwd *f)
{
	unsigned int i;
	int ret;

	ret = xa_alloc_cyclic(&t->fwds, &f->id, f, xa_limit_32b, &t->next_id,
			      GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		return ret;
	for (i = 0; i <= f->n_more; i++) {
		ret = rhltable_insert(&t->ht, &pf_fwd_node(f, i)->list, pf_ht_params);
		if (ret) {
			while (i--)
				rhltable_remove(&t->ht, &pf_fwd_node(f, i)->list, pf_ht_params);
			xa_erase(&t->fwds, f->id);
			return ret;
		}
	}
	pf_table_account(t, f, 1);
	return 0;
}

void pf_table_remove(struct pf_table *t, struct pf_fwd *f)
{
	unsigned int i;

	pf_table_account(t, f, -1);
	for (i = 0; i <= f->n_more; i++)
		rhltable_remove(&t->ht, &pf_fwd_node(f, i)->list, pf_ht_params);
	xa_erase(&t->fwds, f->id);
}

struct pf_fwd *pf_table_find(struct pf_table *t, const struct pf_fwd *key)
{
	struct rhlist_head *list, *pos;
	struct pf_fwd *hit = NULL;
	struct pf_node *node;

	/* A forward with the same key has the same first port prefix. */
	rcu_read_lock();
	list = rhltable_lookup(&t->ht, &key->node.key, pf_ht_params);
	rhl_for_each_entry_rcu(node, pos, list, list) {
		if (pf_fwd_same_key(pf_node_fwd(node), key)) {
			hit = pf_node_fwd(node);
			break;
		}
	}
	rcu_read_unlock();
	return hit;
}

struct pf_fwd *pf_table_lookup(const struct pf_table *t, const struct pf_pkt *p)
{
	unsigned int fam = pf_family_index(p->family);
	int proto = pf_proto_index(p->proto), score, best_score = -1;
	struct rhlist_head *list, *pos;
	struct pf_fwd *best = NULL, *f;
	struct pf_node *node;
	unsigned long used;
	unsigned int plen;
	int addr;

	if (proto < 0 || !READ_ONCE(t->n_proto[fam][proto]))
		return NULL;
	/* Forwards for a listen address come before those for any. */
	for (addr = 1; addr >= 0; addr--) {
		used = READ_ONCE(t->plens[fam][addr]);
		for_each_set_bit(plen, &used, PF_PORT_BITS + 1) {
			list = pf_table_probe(t, p, addr, plen);
			rhl_for_each_entry_rcu(node, pos, list, list) {
				f = pf_node_fwd(node);
				score = pf_fwd_match(f, p);
				if (score < 0 ||
				    (best && !pf_fwd_better(f, score, best, best_score)))
					continue;
				best = f;
				best_score = score;
			}
		}
		if (best)
			return best;
	}
	return NULL;
}

struct pf_fwd *pf_table_owner(const struct pf_table *t, const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	unsigned int fam = pf_family_index(nf_ct_l3num(ct));
	struct pf_pkt p = {
		.daddr = &o->dst.u3,
		.dport = ntohs(o->dst.u.all),
		.family = nf_ct_l3num(ct),
		.proto = o->dst.protonum,
	};
	struct rhlist_head *list, *pos;
	struct pf_fwd *owner = NULL;
	struct pf_node *node;
	unsigned long used;
	unsigned int plen;
	int addr;

	rcu_read_lock();
	for (addr = 1; addr >= 0 && !owner; addr--) {
		used = READ_ONCE(t->plens[fam][addr]);
		for_each_set_bit(plen, &used, PF_PORT_BITS + 1) {
			list = pf_table_probe(t, &p, addr, plen);
			rhl_for_each_entry_rcu(node, pos, list, list) {
				if (pf_fwd_owns(pf_node_fwd(node), ct)) {
					owner = pf_node_fwd(node);
					break;
				}
			}
		}
	}
	rcu_read_unlock();
	return owner;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The forward table: a hash of port prefixes for lookups, an id-ordered
 * xarray for dumps and deletes.
 */

#include <linux/slab.h>

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
	xa_init_flags(&t->fwds, XA_FLAGS_ACCOUNT);
	INIT_LIST_HEAD(&t->expiring);
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
	for (id = t->n_numbered; id < t->n_staged; id++)
		pf_fwd_free(t->staged[id]);
	kvfree(t->staged);
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
	if (pf_fwd_expires(f)) {
		if (delta > 0)
			list_add(&f->ext->expiring, &t->expiring);
		else
			list_del_init(&f->ext->expiring);
	}
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

/* Makes @f findable by the packet path's keys. */
static int pf_table_index(struct pf_table *t, struct pf_fwd *f)
{
	unsigned int i;
	int ret;

	for (i = 0; i <= f->n_more; i++) {
		ret = rhltable_insert(&t->ht, &pf_fwd_node(f, i)->list, pf_ht_params);
		if (ret) {
			while (i--)
				rhltable_remove(&t->ht, &pf_fwd_node(f, i)->list, pf_ht_params);
			return ret;
		}
	}
	pf_table_account(t, f, 1);
	return 0;
}

int pf_table_insert(struct pf_table *t, struct pf_fwd *f, struct netlink_ext_ack *extack)
{
	int ret;

	if (pf_table_overlap(t, f)) {
		NL_SET_ERR_MSG(extack, "listen ports overlap an existing forward of the same kind");
		return -EEXIST;
	}
	ret = xa_insert(&t->fwds, f->id, f, GFP_KERNEL_ACCOUNT);
	if (ret)
		return ret;
	ret = pf_table_index(t, f);
	if (ret)
		xa_erase(&t->fwds, f->id);
	return ret;
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

/*
 * Does @f listen where @p goes: 1 with a listen address (@p's), 0 for any
 * address, -1 not at all. Ports, source and interface are pf_fwd_match's.
 */
static int pf_scan_addr(const struct pf_fwd *f, const struct pf_pkt *p)
{
	if (f->family != p->family || f->proto != p->proto)
		return -1;
	if (!(f->flags & PF_F_HAS_ADDR))
		return 0;
	return nf_inet_addr_cmp(pf_fwd_addr(f), p->daddr) ? 1 : -1;
}

struct pf_fwd *pf_table_scan(const struct pf_table *t, const struct pf_pkt *p)
{
	int addr, best_addr = -1, score, best_score = -1;
	struct pf_fwd *f, *best = NULL;
	unsigned long id;

	xa_for_each((struct xarray *)&t->fwds, id, f) {
		addr = pf_scan_addr(f, p);
		score = addr < 0 ? -1 : pf_fwd_match(f, p);
		if (score < 0)
			continue;
		/* The README's order: listen address, then source prefix
		 * length, then interface (pf_fwd_better).
		 */
		if (best && (addr < best_addr ||
			     (addr == best_addr && !pf_fwd_better(f, score, best, best_score))))
			continue;
		best = f;
		best_addr = addr;
		best_score = score;
	}
	return best;
}

u64 pf_table_next_expiry(const struct pf_table *t)
{
	const struct pf_fwd_ext *ext;
	u64 next = 0;

	list_for_each_entry(ext, &t->expiring, expiring)
		if (!next || ext->expires < next)
			next = ext->expires;
	return next;
}

struct pf_fwd *pf_table_expired(const struct pf_table *t, u64 now)
{
	const struct pf_fwd_ext *ext;

	list_for_each_entry(ext, &t->expiring, expiring)
		if (ext->expires <= now)
			return ext->fwd;
	return NULL;
}

int pf_table_stage(struct pf_table *t, struct pf_fwd *f, struct netlink_ext_ack *extack)
{
	struct pf_fwd **v;
	int ret;

	if (t->n_staged == t->staged_cap) {
		v = kvmalloc_array(max(2 * t->staged_cap, 64U), sizeof(*v), GFP_KERNEL_ACCOUNT);
		if (!v)
			return -ENOMEM;
		if (t->staged)
			memcpy(v, t->staged, t->n_staged * sizeof(*v));
		kvfree(t->staged);
		t->staged = v;
		t->staged_cap = max(2 * t->staged_cap, 64U);
	}
	if (pf_table_overlap(t, f)) {
		NL_SET_ERR_MSG(extack, "listen ports overlap an existing forward of the same kind");
		return -EEXIST;
	}
	ret = pf_table_index(t, f);
	if (ret)
		return ret;
	t->staged[t->n_staged++] = f;
	return 0;
}

int pf_table_number(struct pf_table *t, u32 (*id_of)(struct pf_fwd *f, void *data), void *data)
{
	struct pf_fwd *f;
	int ret;

	for (; t->n_numbered < t->n_staged; t->n_numbered++) {
		f = t->staged[t->n_numbered];
		f->id = id_of(f, data);
		ret = xa_insert(&t->fwds, f->id, f, GFP_KERNEL_ACCOUNT);
		if (ret)
			return ret;
	}
	kvfree(t->staged);
	t->staged = NULL;
	t->n_staged = 0;
	t->staged_cap = 0;
	t->n_numbered = 0;
	return 0;
}

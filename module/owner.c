// SPDX-License-Identifier: GPL-2.0
/*
 * Connection ownership in conntrack labels (layout in owner.h).
 *
 * Bits are numbered as nftables and xt_connlabel number them: bit N is
 * test_bit(N) of the labels bitmap. Reads take whole words with READ_ONCE;
 * writes go through nf_connlabels_replace(), which changes only the bits of
 * its mask, word by word with cmpxchg, so that they never disturb the
 * admin's labels and tell ctnetlink listeners about the change.
 */

#include <linux/bitmap.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_labels.h>

#include "owner.h"

#if !IS_ENABLED(CONFIG_NF_CONNTRACK_LABELS)
#error "pfmod records connection ownership in conntrack labels: CONFIG_NF_CONNTRACK_LABELS"
#endif

#define PF_OWNER_LONGS	(NF_CT_LABELS_MAX_SIZE / sizeof(long))
#define PF_OWNER_U32S	(NF_CT_LABELS_MAX_SIZE / sizeof(u32))

int pf_owner_net_get(struct net *net)
{
	return nf_connlabels_get(net, PF_OWNER_BIT_LAST);
}

void pf_owner_net_put(struct net *net)
{
	nf_connlabels_put(net);
}

/* Bits [@first, @first + @n) of the labels, n <= 32, not across a word. */
static u32 pf_owner_field(const struct nf_conn_labels *l, unsigned int first, unsigned int n)
{
	unsigned long word = READ_ONCE(l->bits[BIT_WORD(first)]);

	return (word >> (first % BITS_PER_LONG)) & GENMASK(n - 1, 0);
}

/*
 * Writes @v into bits [@first, @first + @n) of @map, where they are zero, as
 * pf_owner_field() reads them: one shift, not a loop over the bits.
 */
static void pf_owner_put_field(unsigned long *map, unsigned int first, unsigned int n, u32 v)
{
	map[BIT_WORD(first)] |= (unsigned long)(v & GENMASK(n - 1, 0)) << (first % BITS_PER_LONG);
}

/* Replaces the bits of @mask with those of @val (both bitmaps). */
static void pf_owner_replace(struct nf_conn *ct, const unsigned long *val,
			     const unsigned long *mask)
{
	u32 val32[PF_OWNER_U32S], mask32[PF_OWNER_U32S];

	/* nf_connlabels_replace() takes the bitmap's memory as u32s. */
	BUILD_BUG_ON(sizeof(val32) != PF_OWNER_LONGS * sizeof(long));
	memcpy(val32, val, sizeof(val32));
	memcpy(mask32, mask, sizeof(mask32));
	nf_connlabels_replace(ct, val32, mask32, PF_OWNER_U32S);
}

bool pf_owner_set(struct nf_conn *ct, u32 id, u8 snat_mode)
{
	DECLARE_BITMAP(val, PF_OWNER_LONGS * BITS_PER_LONG) = { 0 };
	DECLARE_BITMAP(mask, PF_OWNER_LONGS * BITS_PER_LONG) = { 0 };

	BUILD_BUG_ON(PF_OWNER_BIT_ID % 32 || PF_OWNER_BIT_LAST != PF_OWNER_BIT_ID + 31);
	BUILD_BUG_ON(BIT_WORD(PF_OWNER_BIT_MODE) !=
		     BIT_WORD(PF_OWNER_BIT_MODE + PF_OWNER_MODE_BITS - 1));
	if (!nf_ct_labels_find(ct) && !nf_ct_labels_ext_add(ct))
		return false;
	bitmap_set(mask, PF_OWNER_BIT_FIRST, PF_OWNER_BIT_LAST - PF_OWNER_BIT_FIRST + 1);
	pf_owner_put_field(val, PF_OWNER_BIT_ID, 32, id);
	pf_owner_put_field(val, PF_OWNER_BIT_MODE, PF_OWNER_MODE_BITS, snat_mode);
	pf_owner_replace(ct, val, mask);
	return true;
}

u32 pf_owner_id(const struct nf_conn *ct)
{
	const struct nf_conn_labels *l = nf_ct_labels_find(ct);

	return l ? pf_owner_field(l, PF_OWNER_BIT_ID, 32) : 0;
}

bool pf_owner_get(const struct nf_conn *ct, struct pf_owner *o)
{
	const struct nf_conn_labels *l = nf_ct_labels_find(ct);

	if (!l)
		return false;
	o->id = pf_owner_field(l, PF_OWNER_BIT_ID, 32);
	o->snat_mode = pf_owner_field(l, PF_OWNER_BIT_MODE, PF_OWNER_MODE_BITS);
	o->snatted = pf_owner_field(l, PF_OWNER_BIT_SNATTED, 1);
	o->ended = pf_owner_field(l, PF_OWNER_BIT_ENDED, 1);
	return o->id;
}

bool pf_owner_ended(const struct nf_conn *ct)
{
	const struct nf_conn_labels *l = nf_ct_labels_find(ct);

	return l && pf_owner_field(l, PF_OWNER_BIT_ENDED, 1) &&
	       pf_owner_field(l, PF_OWNER_BIT_ID, 32);
}

void pf_owner_flag(struct nf_conn *ct, unsigned int bit)
{
	DECLARE_BITMAP(val, PF_OWNER_LONGS * BITS_PER_LONG) = { 0 };

	__set_bit(bit, val);
	pf_owner_replace(ct, val, val);
}

void pf_owner_move(struct nf_conn *ct, u32 id)
{
	DECLARE_BITMAP(val, PF_OWNER_LONGS * BITS_PER_LONG) = { 0 };
	DECLARE_BITMAP(mask, PF_OWNER_LONGS * BITS_PER_LONG) = { 0 };

	bitmap_set(mask, PF_OWNER_BIT_ID, 32);
	pf_owner_put_field(val, PF_OWNER_BIT_ID, 32, id);
	pf_owner_replace(ct, val, mask);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters of forwards, in slots of per-CPU blocks of a namespace
 * (stats.h): a restore of many forwards makes one per-CPU allocation per
 * PF_STATS_SLOTS of them. A block that has a free slot is on its pool's
 * list; a block whose last slot is given back is freed.
 */

#include <linux/bitops.h>
#include <linux/slab.h>

#include "stats.h"

#define PF_STATS_SLOTS	BITS_PER_LONG

struct pf_stats_block {
	struct list_head list;		/* in pool->partial while not full */
	struct pf_stats_pool *pool;
	struct pf_stats __percpu *slots;	/* [PF_STATS_SLOTS] */
	unsigned long used;		/* bit n: slot n is taken */
};

void pf_stats_pool_init(struct pf_stats_pool *pool)
{
	mutex_init(&pool->lock);
	INIT_LIST_HEAD(&pool->partial);
	pool->n_blocks = 0;
}

void pf_stats_pool_destroy(struct pf_stats_pool *pool)
{
	WARN_ON_ONCE(pool->n_blocks);
	mutex_destroy(&pool->lock);
}

static struct pf_stats_block *pf_stats_block_new(struct pf_stats_pool *pool)
{
	struct pf_stats_block *b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);

	if (!b)
		return NULL;
	b->slots = __alloc_percpu_gfp(PF_STATS_SLOTS * sizeof(struct pf_stats),
				      __alignof__(struct pf_stats), GFP_KERNEL_ACCOUNT);
	if (!b->slots) {
		kfree(b);
		return NULL;
	}
	b->pool = pool;
	list_add(&b->list, &pool->partial);
	pool->n_blocks++;
	return b;
}

struct pf_stats __percpu *pf_stats_get(struct pf_stats_pool *pool, struct pf_stats_block **block)
{
	struct pf_stats __percpu *s = NULL;
	struct pf_stats_block *b;
	unsigned int slot, cpu;

	mutex_lock(&pool->lock);
	b = list_first_entry_or_null(&pool->partial, struct pf_stats_block, list);
	if (!b)
		b = pf_stats_block_new(pool);
	if (b) {
		slot = ffz(b->used);
		b->used |= BIT(slot);
		if (b->used == ~0UL)
			list_del_init(&b->list);
		s = b->slots + slot;
		*block = b;
	}
	mutex_unlock(&pool->lock);
	if (!s)
		return NULL;
	for_each_possible_cpu(cpu) {
		struct pf_stats *c = per_cpu_ptr(s, cpu);

		memset(c, 0, sizeof(*c));
		u64_stats_init(&c->syncp);
	}
	return s;
}

void pf_stats_put(struct pf_stats __percpu *s, struct pf_stats_block *b)
{
	struct pf_stats_pool *pool = b->pool;
	unsigned int slot = s - b->slots;

	mutex_lock(&pool->lock);
	if (b->used == ~0UL)
		list_add(&b->list, &pool->partial);
	b->used &= ~BIT(slot);
	if (!b->used) {
		list_del(&b->list);
		pool->n_blocks--;
		free_percpu(b->slots);
		kfree(b);
	}
	mutex_unlock(&pool->lock);
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFMOD_STATS_H
#define PFMOD_STATS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

/* Counters of a forward, one set per CPU. */
struct pf_stats {
	u64_stats_t conns;		/* connections translated */
	u64_stats_t snat_conns;		/* of those, source-NATed */
	struct u64_stats_sync syncp;
};

/*
 * The per-CPU counters of a namespace's forwards, handed out in slots of
 * shared per-CPU blocks: one alloc_percpu() for every PF_STATS_SLOTS
 * forwards instead of one for each.
 */
struct pf_stats_pool {
	struct mutex lock;		/* the blocks and their slots */
	struct list_head partial;	/* blocks with a free slot */
	unsigned int n_blocks;
};

struct pf_stats_block;

void pf_stats_pool_init(struct pf_stats_pool *pool);
/* Frees the pool; every slot must have been given back. */
void pf_stats_pool_destroy(struct pf_stats_pool *pool);
/* Zeroed counters and the block they are in, or NULL without memory. */
struct pf_stats __percpu *pf_stats_get(struct pf_stats_pool *pool, struct pf_stats_block **block);
/* Gives back what pf_stats_get() gave. */
void pf_stats_put(struct pf_stats __percpu *s, struct pf_stats_block *block);

#endif /* PFMOD_STATS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfctl show's table of forwards (table.c lays it out): the columns of
 * offload, expiry and limits only when a forward has them, those of a stats
 * dump with -s.
 */
#ifndef PFCTL_FWD_TABLE_H
#define PFCTL_FWD_TABLE_H

#include "forward.h"
#include "table.h"

struct pf_fwd_table {
	struct pf_table_text text;
	bool stats;			/* the columns of a stats dump */
	bool offload, expiring, limited;	/* a forward needs that column */
};

void pf_fwd_table_init(struct pf_fwd_table *t, bool stats);
/* No rows: as pf_fwd_table_init() left it, its memory kept. */
void pf_fwd_table_clear(struct pf_fwd_table *t);
/* @f's row at the end of the table: 0, or -ENOMEM. */
int pf_fwd_table_add(struct pf_fwd_table *t, const struct pf_forward *f);
/* The table to @out, flushed: 0, or -1 with errno. */
int pf_fwd_table_write(const struct pf_fwd_table *t, FILE *out);
/* @n forwards as a table (pfctl which's one row): 0, or -1 with errno. */
int pf_print_table(FILE *out, const struct pf_forward *f, size_t n, bool stats);

#endif /* PFCTL_FWD_TABLE_H */

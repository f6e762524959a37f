/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfctl show's table: rows gathered as their fields as the dump brings them,
 * then written with each column as wide as its widest field, so that every
 * column stands under its header whatever the addresses, interfaces, ids and
 * counts (the optional columns only when a forward has them).
 */
#ifndef PFCTL_TABLE_H
#define PFCTL_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "forward.h"
#include "lines.h"

struct pf_table_text {
	struct pf_lines rows;		/* pf_format_fields_at()'s, a line each */
	size_t width[PF_COLS];		/* of the widest field of each column */
	bool stats;			/* with the columns of a stats dump */
	bool offload, expiring, limited;	/* a row needs that column */
};

/* @f's row at the end of the table: 0, or -ENOMEM. */
int pf_table_add(struct pf_table_text *t, const struct pf_forward *f);
/* The header and the rows to @out, flushed: 0, or -1 with errno. */
int pf_table_write(const struct pf_table_text *t, FILE *out);
void pf_table_free(struct pf_table_text *t);
/* @n forwards as a table (pfctl which's one row): 0, or -1 with errno. */
int pf_print_table(FILE *out, const struct pf_forward *f, size_t n, bool stats);

#endif /* PFCTL_TABLE_H */

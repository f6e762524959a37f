/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pfctl's tables (show, conns, which): rows gathered as their fields, then
 * written with each column as wide as its widest field, so that every row
 * stands under the header whatever the addresses, interfaces, ids and
 * counts. A count is aligned right, the rest left; no line ends in a blank.
 */
#ifndef PFCTL_TABLE_H
#define PFCTL_TABLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lines.h"

/* A column: its header, and whether it holds a count (aligned right). */
struct pf_column {
	const char *name;
	bool right;
};

#define PF_TABLE_COLS 16

struct pf_table_text {
	const struct pf_column *cols;	/* n of them */
	unsigned int n;
	struct pf_lines rows;		/* a row's fields, a tab between two, a line each */
	size_t width[PF_TABLE_COLS];	/* of the widest field of each column */
};

/* Where the next row goes, with room for @max bytes: NULL, no memory. */
char *pf_table_room(struct pf_table_text *t, size_t max);
/* Ends the row of @len bytes written where pf_table_room() said. */
void pf_table_row(struct pf_table_text *t, size_t len);
/*
 * The header and the rows, of the columns in @shown (bit i: column i), to
 * @out, flushed: 0, or -1 with errno.
 */
int pf_table_write(const struct pf_table_text *t, uint32_t shown, FILE *out);
void pf_table_free(struct pf_table_text *t);

#endif /* PFCTL_TABLE_H */

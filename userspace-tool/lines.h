/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lines gathered in memory and written once all have come: pfctl save,
 * show and monitor's resync format a dump's forwards as they arrive, and
 * write nothing of a dump that fails half-way.
 */
#ifndef PFCTL_LINES_H
#define PFCTL_LINES_H

#include <stddef.h>
#include <stdio.h>

struct pf_lines {
	char *buf;
	size_t len, cap;
};

/* Where the next line goes, with room for @max bytes and a newline; NULL: no memory. */
char *pf_lines_room(struct pf_lines *l, size_t max);
/* Ends the line of @n bytes written where pf_lines_room() said. */
void pf_lines_add(struct pf_lines *l, size_t n);
/* The same for a piece of a line: no newline after it. */
void pf_lines_put(struct pf_lines *l, size_t n);
/* Writes the lines to @out and flushes it: 0, or -1 with errno. */
int pf_lines_write(const struct pf_lines *l, FILE *out);
void pf_lines_free(struct pf_lines *l);

#endif /* PFCTL_LINES_H */

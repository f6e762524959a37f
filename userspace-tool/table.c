// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "table.h"

char *pf_table_room(struct pf_table_text *t, size_t max)
{
	return pf_lines_room(&t->rows, max);
}

/* The fields of the row at @row, up to @end: their starts and lengths. */
static void split_row(const struct pf_table_text *t, const char *row, const char *end,
		      const char **field, size_t *n)
{
	const char *tab;
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		tab = memchr(row, '\t', end - row);
		field[i] = row;
		n[i] = (tab ? tab : end) - row;
		row = tab ? tab + 1 : end;
	}
}

void pf_table_row(struct pf_table_text *t, size_t len)
{
	const char *row = t->rows.buf + t->rows.len, *field[PF_TABLE_COLS];
	size_t n[PF_TABLE_COLS];
	unsigned int i;

	split_row(t, row, row + len, field, n);
	for (i = 0; i < t->n; i++)
		if (n[i] > t->width[i])
			t->width[i] = n[i];
	pf_lines_add(&t->rows, len);
}

/*
 * Cell @s (@n bytes) of column @i at @p, in @width: a blank before it (but
 * the first), blanks to the left of a count, to the right of the rest (but
 * the last, so that no line ends in a blank). Returns where it ends.
 */
static char *put_cell(const struct pf_table_text *t, char *p, unsigned int i, const char *s,
		      size_t n, size_t width, bool last)
{
	size_t pad = width > n ? width - n : 0;

	if (i)
		*p++ = ' ';
	if (t->cols[i].right) {
		memset(p, ' ', pad);
		p += pad;
	}
	memcpy(p, s, n);
	p += n;
	if (!t->cols[i].right && !last) {
		memset(p, ' ', pad);
		p += pad;
	}
	return p;
}

/* One line of the table: the fields of the columns in @shown, padded to @width. */
static void write_line(const struct pf_table_text *t, uint32_t shown, const char **field,
		       const size_t *n, const size_t *width, unsigned int last, char *line,
		       FILE *out)
{
	unsigned int i;
	char *p = line;

	for (i = 0; i < t->n; i++)
		if (shown & 1U << i)
			p = put_cell(t, p, i, field[i], n[i], width[i], i == last);
	*p++ = '\n';
	fwrite(line, p - line, 1, out);
}

int pf_table_write(const struct pf_table_text *t, uint32_t shown, FILE *out)
{
	const char *row, *next, *end = t->rows.buf + t->rows.len, *field[PF_TABLE_COLS];
	size_t width[PF_TABLE_COLS], n[PF_TABLE_COLS], room = 1;
	unsigned int i, last = 0;
	char *line;

	for (i = 0; i < t->n; i++) {
		field[i] = t->cols[i].name;
		n[i] = strlen(field[i]);
		width[i] = t->width[i] > n[i] ? t->width[i] : n[i];
		if (shown & 1U << i) {
			room += 1 + width[i];
			last = i;
		}
	}
	line = malloc(room);
	if (!line)
		return -1;
	write_line(t, shown, field, n, width, last, line, out);
	for (row = t->rows.buf; row < end; row = next + 1) {
		next = memchr(row, '\n', end - row);
		split_row(t, row, next, field, n);
		write_line(t, shown, field, n, width, last, line, out);
	}
	free(line);
	return fflush(out) || ferror(out) ? -1 : 0;
}

void pf_table_free(struct pf_table_text *t)
{
	pf_lines_free(&t->rows);
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

static const struct {
	const char *name;
	bool right;		/* a count, aligned right */
} columns[PF_COLS] = {
	[PF_COL_ID] = { "ID" },
	[PF_COL_PROTO] = { "PROTO" },
	[PF_COL_LISTEN] = { "LISTEN" },
	[PF_COL_TARGET] = { "TARGET" },
	[PF_COL_DEV] = { "DEV" },
	[PF_COL_FROM] = { "FROM" },
	[PF_COL_SNAT] = { "SNAT" },
	[PF_COL_CONNS] = { "CONNS", true },
	[PF_COL_ACTIVE] = { "ACTIVE", true },
	[PF_COL_PACKETS] = { "PACKETS", true },
	[PF_COL_BYTES] = { "BYTES", true },
	[PF_COL_DROPPED] = { "DROPPED", true },
	[PF_COL_OFFLOAD] = { "OFFLOAD" },
	[PF_COL_EXPIRES] = { "EXPIRES" },
	[PF_COL_LIMITS] = { "LIMITS" },
};

int pf_table_add(struct pf_table_text *t, const struct pf_forward *f)
{
	char *at = pf_lines_room(&t->rows, PF_ROW_LINE);
	size_t width[PF_COLS];
	unsigned int i;

	if (!at)
		return -ENOMEM;
	pf_lines_add(&t->rows, pf_format_fields_at(f, at, PF_ROW_LINE, width));
	for (i = 0; i < PF_COLS; i++)
		if (width[i] > t->width[i])
			t->width[i] = width[i];
	t->offload |= f->offload;
	t->expiring |= f->expires_ms || f->timeout;
	t->limited |= f->maxconn || f->maxconn_src || f->rate;
	return 0;
}

/* Whether the table shows column @i. */
static bool shown(const struct pf_table_text *t, unsigned int i)
{
	switch (i) {
	case PF_COL_ACTIVE:
	case PF_COL_PACKETS:
	case PF_COL_BYTES:
		return t->stats;
	case PF_COL_DROPPED:
		return t->stats && t->limited;
	case PF_COL_OFFLOAD:
		return t->offload;
	case PF_COL_EXPIRES:
		return t->expiring;
	case PF_COL_LIMITS:
		return t->limited;
	}
	return true;
}

/*
 * Cell @s (@n bytes) of column @i at @p, in @width: a blank before it (but
 * the first), blanks to the left of a count, to the right of the rest (but
 * the last, so that no line ends in a blank). Returns where it ends.
 */
static char *put_cell(char *p, unsigned int i, const char *s, size_t n, size_t width, bool last)
{
	size_t pad = width > n ? width - n : 0;

	if (i)
		*p++ = ' ';
	if (columns[i].right) {
		memset(p, ' ', pad);
		p += pad;
	}
	memcpy(p, s, n);
	p += n;
	if (!columns[i].right && !last) {
		memset(p, ' ', pad);
		p += pad;
	}
	return p;
}

/* The fields of the row at @row, up to @end: their starts and lengths. */
static void split_row(const char *row, const char *end, const char **field, size_t *n)
{
	const char *tab;
	unsigned int i;

	for (i = 0; i < PF_COLS; i++) {
		tab = memchr(row, '\t', end - row);
		field[i] = row;
		n[i] = (tab ? tab : end) - row;
		row = tab ? tab + 1 : end;
	}
}

int pf_table_write(const struct pf_table_text *t, FILE *out)
{
	const char *row, *next, *end = t->rows.buf + t->rows.len, *field[PF_COLS];
	size_t width[PF_COLS], n[PF_COLS], room = 1;
	unsigned int i, last = 0;
	char *line, *p;

	for (i = 0; i < PF_COLS; i++) {
		n[i] = strlen(columns[i].name);
		width[i] = t->width[i] > n[i] ? t->width[i] : n[i];
		if (shown(t, i)) {
			room += 1 + width[i];
			last = i;
		}
	}
	line = malloc(room);
	if (!line)
		return -1;
	p = line;
	for (i = 0; i < PF_COLS; i++)
		if (shown(t, i))
			p = put_cell(p, i, columns[i].name, n[i], width[i], i == last);
	*p++ = '\n';
	fwrite(line, p - line, 1, out);
	for (row = t->rows.buf; row < end; row = next + 1) {
		next = memchr(row, '\n', end - row);
		split_row(row, next, field, n);
		p = line;
		for (i = 0; i < PF_COLS; i++)
			if (shown(t, i))
				p = put_cell(p, i, field[i], n[i], width[i], i == last);
		*p++ = '\n';
		fwrite(line, p - line, 1, out);
	}
	free(line);
	return fflush(out) || ferror(out) ? -1 : 0;
}

void pf_table_free(struct pf_table_text *t)
{
	pf_lines_free(&t->rows);
}

int pf_print_table(FILE *out, const struct pf_forward *f, size_t n, bool stats)
{
	struct pf_table_text t = { .stats = stats };
	int ret = 0;
	size_t i;

	for (i = 0; i < n && !ret; i++)
		ret = pf_table_add(&t, &f[i]);
	if (ret)
		errno = -ret;
	ret = ret ? -1 : pf_table_write(&t, out);
	pf_table_free(&t);
	return ret;
}

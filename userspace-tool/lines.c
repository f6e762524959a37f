// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "lines.h"

char *pf_lines_room(struct pf_lines *l, size_t max)
{
	size_t cap;
	char *buf;

	if (l->cap - l->len < max + 1) {
		cap = l->cap ? 2 * l->cap : 1 << 16;
		while (cap - l->len < max + 1)
			cap *= 2;
		buf = realloc(l->buf, cap);
		if (!buf)
			return NULL;
		l->buf = buf;
		l->cap = cap;
	}
	return l->buf + l->len;
}

void pf_lines_add(struct pf_lines *l, size_t n)
{
	l->buf[l->len + n] = '\n';
	l->len += n + 1;
}

void pf_lines_put(struct pf_lines *l, size_t n)
{
	l->len += n;
}

int pf_lines_write(const struct pf_lines *l, FILE *out)
{
	if ((l->len && fwrite(l->buf, l->len, 1, out) != 1) || fflush(out) || ferror(out))
		return -1;
	return 0;
}

void pf_lines_free(struct pf_lines *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = 0;
	l->cap = 0;
}

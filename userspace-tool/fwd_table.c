// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "fwd_table.h"

static const struct pf_column columns[PF_COLS] = {
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

void pf_fwd_table_init(struct pf_fwd_table *t, bool stats)
{
	memset(t, 0, sizeof(*t));
	t->text.cols = columns;
	t->text.n = PF_COLS;
	t->stats = stats;
}

void pf_fwd_table_clear(struct pf_fwd_table *t)
{
	struct pf_lines rows = t->text.rows;

	pf_fwd_table_init(t, t->stats);
	rows.len = 0;
	t->text.rows = rows;
}

int pf_fwd_table_add(struct pf_fwd_table *t, const struct pf_forward *f)
{
	char *at = pf_table_room(&t->text, PF_ROW_LINE);

	if (!at)
		return -ENOMEM;
	pf_table_row(&t->text, pf_format_fields_at(f, at, PF_ROW_LINE));
	t->offload |= f->offload;
	t->expiring |= f->expires_ms || f->timeout;
	t->limited |= f->maxconn || f->maxconn_src || f->rate;
	return 0;
}

#define COL(c) (1U << PF_COL_##c)

int pf_fwd_table_write(const struct pf_fwd_table *t, FILE *out)
{
	uint32_t shown = COL(ID) | COL(PROTO) | COL(LISTEN) | COL(TARGET) | COL(DEV) |
			 COL(FROM) | COL(SNAT) | COL(CONNS);

	if (t->stats)
		shown |= COL(ACTIVE) | COL(PACKETS) | COL(BYTES);
	if (t->stats && t->limited)
		shown |= COL(DROPPED);
	if (t->offload)
		shown |= COL(OFFLOAD);
	if (t->expiring)
		shown |= COL(EXPIRES);
	if (t->limited)
		shown |= COL(LIMITS);
	return pf_table_write(&t->text, shown, out);
}

int pf_print_table(FILE *out, const struct pf_forward *f, size_t n, bool stats)
{
	struct pf_fwd_table t;
	int ret = 0;
	size_t i;

	pf_fwd_table_init(&t, stats);
	for (i = 0; i < n && !ret; i++)
		ret = pf_fwd_table_add(&t, &f[i]);
	if (ret)
		errno = -ret;
	ret = ret ? -1 : pf_fwd_table_write(&t, out);
	pf_table_free(&t.text);
	return ret;
}

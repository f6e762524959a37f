// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl doctor [id ID | PORT]...: the findings of every check about the
 * forwards named (all by default), one line each, or a JSON list with -j.
 * Exits 0 when no problem was found (notes do not count), 1 otherwise.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "doctor.h"
#include "msg.h"
#include "pfctl.h"

void pf_doctor_report(struct pf_doctor *d, enum pf_severity sev, const char *code,
		      const struct pf_forward *f, const char *fix, const char *fmt, ...)
{
	char msg[1024], words[PF_SAVE_LINE] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (f)
		pf_format_save(f, words, sizeof(words));
	if (sev == PF_PROBLEM)
		d->problems++;
	else
		d->notes++;
	if (!d->json) {
		printf("%s: %s: %s%s%s%s\n", sev == PF_PROBLEM ? "problem" : "note", code, msg,
		       f ? " (" : "", words, f ? ")" : "");
		if (fix)
			printf("  fix: %s\n", fix);
		return;
	}
	printf("%s{\"code\":\"%s\",\"severity\":\"%s\",\"forward\":", d->first ? "" : ",", code,
	       sev == PF_PROBLEM ? "problem" : "note");
	d->first = false;
	if (f) {
		printf("{\"id\":%u,\"words\":", f->id);
		pf_json_string(stdout, words);
		putchar('}');
	} else {
		printf("null");
	}
	printf(",\"message\":");
	pf_json_string(stdout, msg);
	printf(",\"fix\":");
	if (fix)
		pf_json_string(stdout, fix);
	else
		printf("null");
	putchar('}');
}

long long pf_read_number(const char *path)
{
	FILE *f = fopen(path, "r");
	long long v;

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

bool pf_kernel_has(const char *module)
{
	char path[PATH_MAX], line[PATH_MAX], want[NAME_MAX];
	bool found = false;
	struct utsname u;
	const char *name;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s", module);
	if (!access(path, F_OK))
		return true;
	/* Built in: listed as kernel/.../MODULE.ko in modules.builtin. */
	if (uname(&u))
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", u.release);
	f = fopen(path, "r");
	if (!f)
		return false;
	snprintf(want, sizeof(want), "%s.ko", module);
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		name = strrchr(line, '/');
		found = !strcmp(name ? name + 1 : line, want);
	}
	fclose(f);
	return found;
}

void pf_doctor_forward_chain(struct pf_doctor *d, int family, const char *name,
			     const struct pf_chain_verdict *v, const char *fix)
{
	size_t i, n = 0;

	if (!v->drops || v->accepts_dnat)
		return;
	for (i = 0; i < d->n; i++)
		n += d->fwd[i].family == family && !d->fwd[i].to_self;
	if (!n)
		return;
	pf_doctor_report(d, PF_PROBLEM, "forward-filter", NULL, fix,
			 "%s drops what it does not accept, and accepts no DNATed connection (ctstate DNAT / ct status dnat): the %zu %s forward%s to other hosts are dropped there",
			 name, n, family == AF_INET ? "IPv4" : "IPv6", n == 1 ? "" : "s");
}

void pf_doctor_nat_rule(struct pf_doctor *d, int family, uint8_t proto, uint16_t min,
			uint16_t max, const char *where, const char *undo)
{
	char ports[24];
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct pf_forward *f = &d->fwd[i];

		if (f->family != family || (proto && proto != f->proto) ||
		    max < f->port_min || min > f->port_max)
			continue;
		if (f->port_min == f->port_max)
			snprintf(ports, sizeof(ports), "port %u", f->port_min);
		else
			snprintf(ports, sizeof(ports), "ports %u-%u", f->port_min, f->port_max);
		pf_doctor_report(d, PF_PROBLEM, "nat-before", f, undo,
				 "%s translates connections to %s %s first: pfmod runs after it and does not see them",
				 where, pf_proto_name(f->proto), ports);
	}
}

/* A forward named on the command line: "id N", or a listen port. */
struct pf_doctor_sel {
	bool id;
	unsigned long v;
	bool hit;		/* some forward has it */
};

/* What doctor reads: the forwards named (all if none), as the dump brings them. */
struct pf_doctor_read {
	struct pf_doctor_sel *sel;
	int n_sel;
	struct pf_list list;	/* the forwards named */
	size_t total;		/* and how many the namespace has */
};

/* The forwards named by @argv into @r->sel; on failure prints why, returns the code. */
static int parse_selection(int argc, char **argv, struct pf_doctor_read *r)
{
	int a;

	r->sel = calloc(argc, sizeof(*r->sel));
	if (!r->sel) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_RESOURCE;
	}
	for (a = 1; a < argc; a++) {
		struct pf_doctor_sel *s = &r->sel[r->n_sel++];
		char *end;

		s->id = !strcmp(argv[a], "id");
		if (s->id && ++a >= argc)
			goto usage;
		s->v = strtoul(argv[a], &end, 10);
		if (*end || !s->v || s->v > (s->id ? UINT32_MAX : 65535) || argv[a][0] == '-')
			goto usage;
	}
	return 0;
usage:
	return pf_usage_error("cannot check: bad forward '%s' (an id: id 3, or a listen port: 80)",
			      argv[a < argc ? a : argc - 1]);
}

/* A dump's callback: counts @f, and keeps it if it is named (or none is). */
static int read_one(const struct pf_forward *f, void *arg)
{
	struct pf_doctor_read *r = arg;
	bool want = !r->n_sel;
	int i;

	r->total++;
	for (i = 0; i < r->n_sel; i++) {
		struct pf_doctor_sel *s = &r->sel[i];

		if (s->id ? f->id == s->v : (f->port_min <= s->v && s->v <= f->port_max)) {
			s->hit = true;
			want = true;
		}
	}
	return want ? pf_list_add(f, &r->list) : 0;
}

static void read_again(void *arg)
{
	struct pf_doctor_read *r = arg;
	int i;

	r->list.n = 0;
	r->total = 0;
	for (i = 0; i < r->n_sel; i++)
		r->sel[i].hit = false;
}

/*
 * The forwards named by @argv (all by default), parsed: only those are kept,
 * so checking one of a million costs the memory of one. On failure prints
 * why, returns the code.
 */
static int read_forwards(int argc, char **argv, struct pf_doctor_read *r)
{
	int ret, i;

	ret = parse_selection(argc, argv, r);
	if (ret)
		return ret;
	ret = pf_dump_forwards(0, NULL, read_one, read_again, r);
	if (ret)
		return ret;
	for (i = 0; i < r->n_sel; i++)
		if (!r->sel[i].hit) {
			fprintf(stderr, "%s: cannot check: no forward %s %lu\n", prog,
				r->sel[i].id ? "with id" : "listens on port", r->sel[i].v);
			return EXIT_OTHER;
		}
	return 0;
}

int cmd_doctor(int argc, char **argv)
{
	struct pf_doctor d = { .json = opts.json, .first = true };
	struct pf_doctor_read r = { 0 };
	int ret;

	ret = read_forwards(argc, argv, &r);
	free(r.sel);
	if (ret) {
		pf_list_free(&r.list);
		return ret;
	}
	d.fwd = r.list.v;
	d.n = r.list.n;
	d.total = r.total;
	if (d.json)
		putchar('[');
	pf_doctor_sysctls(&d);
	if (d.n) {
		pf_doctor_routes(&d);
		pf_doctor_listeners(&d);
		pf_doctor_nftables(&d);
		pf_doctor_xtables(&d);
	}
	if (d.json)
		printf("]\n");
	else if (!d.problems && !d.notes)
		printf("no problems found (%zu forward%s checked)\n", d.n, d.n == 1 ? "" : "s");
	else
		printf("%u problem%s, %u note%s (%zu forward%s checked)\n", d.problems,
		       d.problems == 1 ? "" : "s", d.notes, d.notes == 1 ? "" : "s", d.n,
		       d.n == 1 ? "" : "s");
	pf_list_free(&r.list);
	if (fflush(stdout) || ferror(stdout))
		return EXIT_OTHER;
	return d.problems ? EXIT_OTHER : 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PFCTL_H
#define PFCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <linux/pfmod.h>

#include "ipc.h"
#include "lines.h"

/* Exit codes (documented in pfctl(8) and `pfctl help`). */
enum {
	EXIT_OTHER = 1,		/* the kernel refused, anything else */
	EXIT_USAGE = 2,		/* bad command line or input */
	EXIT_MODULE = 3,	/* module not loaded, or version mismatch */
	EXIT_RESOURCE = 4,	/* limit reached, out of memory */
};

struct pf_opts {
	bool json;
	bool stats;		/* -s: what the open connections add up to */
	int family;		/* -4: AF_INET, -6: AF_INET6, or 0 */
};

#define PFCTL_ADD_ARGS \
	"[tcp|udp|sctp] [LISTEN_ADDR:]PORT[-END] TARGET[:PORT[-END]] [dev IFNAME] [from PREFIX]...\n" \
	"        [snat auto|never|always|ADDR] [timeout N[s|m|h|d] [keep]] [maxconn N]\n" \
	"        [maxconn-per-source N] [rate N/s|m|h [burst M]] [flush]"
#define PFCTL_DEL_ARGS \
	"[tcp|udp|sctp] [LISTEN_ADDR:]PORT[-END] [dev IFNAME] [from PREFIX]... [keep]  |  id ID [keep]"
#define PFCTL_WHICH_ARGS "[tcp|udp|sctp] ADDR:PORT from CLIENT [dev IFNAME] [scan]  |  -"
extern struct pf_opts opts;
extern const char *prog;

/* Prints "pfctl: <what>: <reason>" and returns the exit code for it. */
int pf_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int pf_kernel_error(const struct pf_nl *nl, int err, const char *what);
/* Opens the family; on failure prints why and returns the exit code. */
int pf_connect(struct pf_nl *nl);
struct pf_forward;
/* What pf_dump_forwards() reads, and how. */
enum {
	PF_DUMP_STATS = 1 << 0,		/* GET_STATS: with the counters */
	PF_DUMP_CHANGING = 1 << 1,	/* the last try read whole, changes or not */
	PF_DUMP_TERSE = 1 << 2,		/* in ADD's words, without the counters */
};
/*
 * Each forward to @each as the dump (@how: PF_DUMP_*) brings it, from one
 * state of the table: a dump a change interrupted is begun again, after
 * @again dropped what @each gathered (dump.c). With PF_DUMP_CHANGING, the
 * last try is read to its end even if the table changes meanwhile, and
 * *@changed says whether it did. 0, or on failure prints why and returns
 * the exit code.
 */
int pf_dump_forwards(unsigned int how, bool *changed,
		     int (*each)(const struct pf_forward *f, void *arg), void (*again)(void *arg),
		     void *arg);
/* Text that a dump's forwards are formatted into as they come, and how many. */
struct pf_dump_text {
	struct pf_lines lines;
	size_t n;
	time_t now;
};
/* pf_dump_forwards()'s @again for a struct pf_dump_text: no text, no forwards. */
void pf_dump_text_again(void *arg);
/*
 * The forwards (read as pf_dump_forwards() reads them, @how and @changed)
 * as a JSON array and @end, gathered in @text as the dump brings them; on
 * failure prints why, returns the code.
 */
int pf_json_forwards(unsigned int how, bool *changed, const char *end, struct pf_lines *text);

int cmd_add(int argc, char **argv);
int cmd_del(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_conns(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_flush(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_which(int argc, char **argv);
int cmd_help(int argc, char **argv);

#endif /* PFCTL_H */

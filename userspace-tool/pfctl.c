// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl: configure pfmod port forwards.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/pfmod.h>

#include "pfctl.h"

struct pf_opts opts;

/* json: what -j does for the command; NULL if it has nothing to format. */
static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *description;
	const char *examples;
	const char *json;
} subcommands[] = {
	{ "add", cmd_add, PFCTL_ADD_ARGS,
	  "forward connections to the listen port(s) to TARGET (an address, or local for this host)",
	  "  pfctl add 80 192.168.1.2:8080            TCP 80 to 192.168.1.2 port 8080\n"
	  "  pfctl add udp 53 192.168.1.3             UDP 53 to the same port\n"
	  "  pfctl add 8000-8099 192.168.1.2:9000     a range, all to one port\n"
	  "  pfctl add 203.0.113.10:443 192.168.1.2 dev eth0 from 198.51.100.0/24\n"
	  "  pfctl add 80 local:8080                  to port 8080 of this host\n"
	  "  pfctl add 443 [2001:db8:1::2]:8443 snat always\n"
	  "  pfctl add 80 192.168.1.2:8080 flush      also end open TCP connections to port 80\n"
	  "  pfctl add 27015 192.168.1.9 timeout 3h   gone in 3 hours, its connections ended\n"
	  "  pfctl add 22 192.168.1.5 maxconn 20 maxconn-per-source 2 rate 10/m burst 3\n",
	  "prints the forward added, with its id" },
	{ "del", cmd_del, PFCTL_DEL_ARGS,
	  "delete a forward and end its connections (keep: leave them)",
	  "  pfctl del 80                             the TCP forward of port 80\n"
	  "  pfctl del udp 53 from 198.51.100.0/24    as it was added (its key)\n"
	  "  pfctl del id 7 keep                      by id; its connections go on\n",
	  "prints the forward deleted" },
	{ "show", cmd_show, "[-s]",
	  "list the forwards (also: list; -s: and what their open connections add up to)",
	  "  pfctl show\n  pfctl -j show -s\n", "an array of forwards" },
	{ "list", cmd_show, NULL, NULL, NULL, NULL },
	{ "conns", cmd_conns, "[ID]",
	  "list the connections the forwards (or forward ID) translated, from conntrack",
	  "  pfctl conns\n  pfctl -j conns 3\n", "an array of connections" },
	{ "flush", cmd_flush, "[keep]", "delete every forward (keep: leave their connections)",
	  "  pfctl flush\n", "prints how many forwards went" },
	{ "save", cmd_save, "",
	  "print the forwards as lines that restore reads (to keep them: pfctl save > /etc/pfmod/forwards.conf)",
	  "  pfctl save > /etc/pfmod/forwards.conf\n", NULL },
	{ "restore", cmd_restore, "[--optional] [FILE|-] [keep]",
	  "replace all forwards with the file's, at once; a bad line changes nothing "
	  "(--optional: a missing file is an empty table)",
	  "  pfctl restore /etc/pfmod/forwards.conf\n"
	  "  pfctl save | ssh gw2 pfctl restore -\n", "prints how many forwards are in" },
	{ "monitor", cmd_monitor, "[buffer BYTES]",
	  "print every change of the forwards as it happens, until interrupted",
	  "  pfctl monitor\n  pfctl -j monitor\n", "one JSON object a line" },
	{ "doctor", cmd_doctor, "[id ID | PORT]...",
	  "explain what stands between the forwards (or those named) and their connections, and how to fix it",
	  "  pfctl doctor\n  pfctl doctor 80\n  pfctl -j doctor id 3\n",
	  "a list of findings, each with a stable code" },
	{ "which", cmd_which, PFCTL_WHICH_ARGS,
	  "name the forward that would take a connection from CLIENT to ADDR:PORT "
	  "(scan: decide by going through every forward, not the index); exit status 1 if none; "
	  "-: a query a line from standard input, an id (or none) a line out",
	  "  pfctl which 203.0.113.10:80 from 198.51.100.7\n"
	  "  pfctl which udp 203.0.113.10:53 from 198.51.100.7 dev eth0\n", "the forward, or null" },
	{ "version", cmd_version, "", "print pfctl's version and the module's",
	  "  pfctl version\n", "versions, and what the module holds" },
	{ "help", cmd_help, "[COMMAND]", "print this help, or a command's",
	  "  pfctl help add\n  pfctl add --help\n", NULL },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static int find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_SUBCOMMANDS; i++)
		if (!strcmp(name, subcommands[i].name))
			return i;
	return -1;
}

static int help_command(int i)
{
	/* "list" is "show". */
	if (!subcommands[i].description)
		i = find_command("show");
	printf("Usage: %s [options] %s%s%s\n\n%c%s.\n\nExamples:\n%s", prog, subcommands[i].name,
	       subcommands[i].args[0] ? " " : "", subcommands[i].args, toupper((unsigned char)subcommands[i].description[0]),
	       subcommands[i].description + 1, subcommands[i].examples);
	printf("\nWith -j: %s.\n", subcommands[i].json ? subcommands[i].json :
	       "refused (nothing to format)");
	return 0;
}

int cmd_help(int argc, char **argv)
{
	size_t i;
	int c;

	if (argc > 1) {
		c = find_command(argv[1]);
		if (c < 0)
			return pf_usage_error("help: unknown command '%s' (try '%s help')", argv[1],
					      prog);
		return help_command(c);
	}
	printf("Usage: %s [-j|--json] [-s] [-4|-6] <command> [arguments]\n\nCommands:\n", prog);
	for (i = 0; i < N_SUBCOMMANDS; i++) {
		if (subcommands[i].description)
			printf("  %s%s%s\n        %s\n", subcommands[i].name,
			       subcommands[i].args[0] ? " " : "", subcommands[i].args,
			       subcommands[i].description);
	}
	printf("\nOptions: -j/--json  JSON output;  -s/--stats  with show: the open connections,\n"
	       "their packets and bytes;  -4, -6  address family where no address tells it\n"
	       "(default IPv4);  -h/--help;  -V/--version.  '%s help COMMAND' or\n"
	       "'%s COMMAND --help': a command's usage and examples.\n", prog, prog);
	printf("\nExit status: 0 success, 1 other error, 2 bad usage or input,\n"
	       "3 module not loaded or version mismatch, 4 resource limit reached.\n"
	       "See pfctl(8).\n");
	return 0;
}

int main(int argc, char **argv)
{
	int c, a;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-j") || !strcmp(argv[1], "--json")) {
			opts.json = true;
		} else if (!strcmp(argv[1], "-s") || !strcmp(argv[1], "--stats")) {
			opts.stats = true;
		} else if (!strcmp(argv[1], "-4")) {
			opts.family = AF_INET;
		} else if (!strcmp(argv[1], "-6")) {
			opts.family = AF_INET6;
		} else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			return cmd_help(0, NULL);
		} else if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
			return cmd_version(1, (char *[]){ "version", NULL });
		} else {
			return pf_usage_error("unknown option '%s' (try '%s help')", argv[1], prog);
		}
		argc--;
		argv++;
	}
	if (argc < 2)
		return cmd_show(1, (char *[]){ "show", NULL });
	c = find_command(argv[1]);
	if (c < 0)
		return pf_usage_error("unknown command '%s' (try '%s help')", argv[1], prog);
	for (a = 2; a < argc; a++)
		if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h"))
			return help_command(c);
	if (opts.json && !subcommands[c].json && subcommands[c].fn != cmd_help)
		return pf_usage_error("-j: %s has nothing to print as JSON%s", argv[1],
				      subcommands[c].fn == cmd_save ?
				      " (its lines are what restore reads; for JSON: pfctl -j show)" :
				      "");
	if (opts.json && subcommands[c].fn == cmd_help)
		return pf_usage_error("-j: help has nothing to print as JSON");
	return subcommands[c].fn(argc - 1, argv + 1);
}

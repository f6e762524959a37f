// SPDX-License-Identifier: GPL-2.0
/*
 * pfctl: configure pfmod port forwards.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/pfmod.h>

#include "pfctl.h"

struct pf_opts opts;

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *description;
} subcommands[] = {
	{ "add", cmd_add, PFCTL_ADD_ARGS,
	  "forward connections to the listen port(s) to TARGET (an address, or local for this host)" },
	{ "del", cmd_del, PFCTL_DEL_ARGS,
	  "delete a forward and end its connections (keep: leave them)" },
	{ "show", cmd_show, "", "list the forwards (also: list; with -j, as JSON)" },
	{ "list", cmd_show, NULL, NULL },
	{ "flush", cmd_flush, "[keep]", "delete every forward" },
	{ "save", cmd_save, "", "print the forwards as lines that restore reads" },
	{ "restore", cmd_restore, "[FILE|-] [keep]",
	  "replace all forwards with the file's, at once; a bad line changes nothing" },
	{ "version", cmd_version, "", "print pfctl's version and the module's" },
	{ "help", cmd_help, "", "print this help" },
};

int cmd_help(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	printf("Usage: %s [-j|--json] <command> [arguments]\n\nCommands:\n", prog);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (subcommands[i].description)
			printf("  %s %s\n        %s\n", subcommands[i].name, subcommands[i].args,
			       subcommands[i].description);
	}
	printf("\nOptions: -j/--json  JSON output;  -4, -6  address family where no address\n"
	       "tells it (default IPv4);  -h/--help;  -V/--version\n");
	printf("\nExit status: 0 success, 1 other error, 2 bad usage or input,\n"
	       "3 module not loaded or version mismatch, 4 resource limit reached.\n"
	       "See pfctl(8).\n");
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-j") || !strcmp(argv[1], "--json")) {
			opts.json = true;
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
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].fn(argc - 1, argv + 1);
	}
	return pf_usage_error("unknown command '%s' (try '%s help')", argv[1], prog);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * How pfctl reports failures: "pfctl: <what failed>: <reason>" on stderr,
 * with the kernel's extack text when it sent one, and the exit code.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/pfmod.h>

#include "pfctl.h"

const char *prog = "pfctl";

int pf_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int pf_kernel_error(const struct pf_nl *nl, int err, const char *what)
{
	const char *reason = nl && nl->errmsg[0] ? nl->errmsg : strerror(-err);

	switch (-err) {
	case EPERM:
	case EACCES:
		if (nl && nl->errmsg[0])
			fprintf(stderr, "%s: %s: not permitted: %s\n", prog, what, reason);
		else
			fprintf(stderr, "%s: %s: %s (pfctl needs CAP_NET_ADMIN)\n", prog, what,
				reason);
		return EXIT_OTHER;
	case EINTR:
		fprintf(stderr, "%s: %s: the forwards changed while being read; try again\n",
			prog, what);
		return EXIT_OTHER;
	}
	fprintf(stderr, "%s: %s: %s\n", prog, what, reason);
	switch (-err) {
	case EINVAL:
	case ERANGE:
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
	case ENODEV:
		return EXIT_USAGE;
	case ENOSPC:
	case ENOMEM:
	case ENOBUFS:
	case EMSGSIZE:
		return EXIT_RESOURCE;
	case EOPNOTSUPP:
		return EXIT_MODULE;
	}
	return EXIT_OTHER;
}

int pf_connect(struct pf_nl *nl)
{
	int err = pf_nl_open(nl);

	if (err == -ENOENT) {
		fprintf(stderr,
			"%s: the pfmod kernel module is not loaded; load it with 'modprobe pfmod'\n"
			"%*s (or 'insmod pfmod.ko' in the build tree), as root\n",
			prog, (int)strlen(prog), "");
		return EXIT_MODULE;
	}
	if (err)
		return pf_kernel_error(NULL, err, "cannot talk to the kernel");
	if (nl->version != PFMOD_GENL_VERSION) {
		fprintf(stderr,
			"%s: the pfmod module speaks netlink version %u, this pfctl speaks %u; "
			"use the pfctl built with the module\n",
			prog, nl->version, PFMOD_GENL_VERSION);
		pf_nl_close(nl);
		return EXIT_MODULE;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Exit codes and messages for the kernel's errors. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pfctl.h"
#include "tap.h"

static char captured[512];

/* Runs pf_kernel_error with stderr captured. */
static int kernel_error(const char *extack, int err, const char *what)
{
	struct pf_nl nl = { 0 };
	FILE *f = tmpfile();
	int saved = dup(2), ret;
	size_t n;

	snprintf(nl.errmsg, sizeof(nl.errmsg), "%s", extack);
	fflush(stderr);
	dup2(fileno(f), 2);
	ret = pf_kernel_error(&nl, err, what);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(captured, 1, sizeof(captured) - 1, f);
	captured[n] = '\0';
	if (n && captured[n - 1] == '\n')
		captured[n - 1] = '\0';
	fclose(f);
	return ret;
}

int main(void)
{
	ok(kernel_error("listen ports overlap an existing forward", -EEXIST,
			"cannot add forward") == EXIT_OTHER, "EEXIST exits 1");
	ok(!strcmp(captured, "pfctl: cannot add forward: listen ports overlap an existing forward"),
	   "the extack text is the reason: %s", captured);
	ok(kernel_error("", -ENOENT, "cannot delete forward") == EXIT_OTHER, "ENOENT exits 1");
	ok(strstr(captured, strerror(ENOENT)) != NULL, "without extack, strerror is the reason");
	ok(kernel_error("bad port", -EINVAL, "x") == EXIT_USAGE, "EINVAL exits 2");
	ok(kernel_error("bad port", -ERANGE, "x") == EXIT_USAGE, "ERANGE exits 2");
	ok(kernel_error("limit", -ENOSPC, "x") == EXIT_RESOURCE, "ENOSPC exits 4");
	ok(kernel_error("", -ENOMEM, "x") == EXIT_RESOURCE, "ENOMEM exits 4");
	ok(kernel_error("unsupported pfmod netlink version", -EOPNOTSUPP, "x") == EXIT_MODULE,
	   "EOPNOTSUPP (version mismatch) exits 3");
	ok(kernel_error("", -EPERM, "cannot add forward") == EXIT_OTHER, "EPERM exits 1");
	ok(strstr(captured, "CAP_NET_ADMIN") != NULL, "EPERM names the capability: %s", captured);
	ok(kernel_error("CAP_NET_ADMIN needed", -EPERM, "cannot add forward") == EXIT_OTHER &&
	   !strcmp(captured, "pfctl: cannot add forward: not permitted: CAP_NET_ADMIN needed"),
	   "EPERM with the kernel's reason: %s", captured);
	ok(kernel_error("", -EINTR, "cannot list forwards") == EXIT_OTHER &&
	   strstr(captured, "try again"), "an interrupted dump says to try again");
	printf("1..%d\n", tap_n);
	return tap_done();
}

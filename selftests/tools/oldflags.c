// SPDX-License-Identifier: GPL-2.0
/*
 * oldflags.so: what a module older than PFMOD_REQ_F_TERSE makes of a
 * terse dump, for pfctl to meet (LD_PRELOAD). On a generic netlink socket
 * it turns the PFMOD_REQ_F_TERSE bit of a request's PFMOD_A_FLAGS into the
 * highest bit, which no module knows: the module refuses the request by
 * its policy (EINVAL) before it sends anything, as an older one refuses
 * PFMOD_REQ_F_TERSE. Each request it changed is a line in $OLDFLAGS_LOG.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pfmod.h>

static void oldflags(struct nlmsghdr *nlh)
{
	const char *log = getenv("OLDFLAGS_LOG");
	uint32_t *flags;
	struct nlattr *a;
	FILE *f;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != PFMOD_A_FLAGS ||
		    mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		flags = mnl_attr_get_payload(a);
		if (!(*flags & PFMOD_REQ_F_TERSE))
			continue;
		*flags = (*flags & ~PFMOD_REQ_F_TERSE) | 1U << 31;
		f = log ? fopen(log, "a") : NULL;
		if (f) {
			fprintf(f, "terse refused\n");
			fclose(f);
		}
	}
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *,
			       socklen_t);
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	socklen_t optlen = sizeof(int);
	int proto;

	if (!real)
		real = dlsym(RTLD_NEXT, "sendto");
	if (len >= NLMSG_HDRLEN + GENL_HDRLEN && nlh->nlmsg_len <= len &&
	    nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN && nlh->nlmsg_type != GENL_ID_CTRL &&
	    !getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &optlen) &&
	    proto == NETLINK_GENERIC)
		oldflags(nlh);
	return real(fd, buf, len, flags, to, tolen);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels pfmod builds against, each behind a
 * switch named after the feature (see probes.mk), never a version number.
 * Force-included into every file of the module.
 */
#ifndef PFMOD_COMPAT_H
#define PFMOD_COMPAT_H

struct net;
struct nf_conn;

/* 5.19 passes nf_ct_iterate_cleanup_net() its arguments in a struct. */
#ifdef PF_HAVE_NF_CT_ITER_DATA
#define pf_ct_cleanup_net(_net, _iter, _data) ({			\
	struct nf_ct_iter_data __d = { .net = (_net), .data = (_data) };\
	nf_ct_iterate_cleanup_net((_iter), &__d);			\
})
#else
#define pf_ct_cleanup_net(_net, _iter, _data) \
	nf_ct_iterate_cleanup_net((_net), (_iter), (_data), 0, 0)
#endif

/* 6.0 reports which attribute a request lacks. */
#include <linux/netlink.h>
#ifndef NL_SET_ERR_ATTR_MISS
#define NL_SET_ERR_ATTR_MISS(extack, nest, type) do { } while (0)
#endif

#endif /* PFMOD_COMPAT_H */

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "pfctl.h"

struct add_overlap {
	const struct pf_forward *f;
	struct pf_forward in_way;
	bool found;
};

/* The first forward in @o->f's way, kept as the dump goes by (not all of them). */
static int overlap_cb(const struct pf_forward *g, void *arg)
{
	struct add_overlap *o = arg;

	if (!o->found && pf_forward_overlaps(o->f, g)) {
		o->in_way = *g;
		o->found = true;
	}
	return 0;
}

/* EEXIST: say which forward is in the way. */
static int report_overlap(struct pf_nl *nl, const struct pf_forward *f, int err)
{
	char reason[sizeof(nl->errmsg)], words[PF_SAVE_LINE];
	struct add_overlap *o = calloc(1, sizeof(*o));

	snprintf(reason, sizeof(reason), "%s",
		 nl->errmsg[0] ? nl->errmsg : "it overlaps an existing forward");
	if (o) {
		o->f = f;
		if (pf_msg_dump_each(nl, overlap_cb, o) == 0 && o->found) {
			pf_format_save(&o->in_way, words, sizeof(words));
			fprintf(stderr, "%s: cannot add forward: %s: %s (id %u)\n", prog, reason,
				words, o->in_way.id);
			free(o);
			return EXIT_OTHER;
		}
		free(o);
	}
	snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", reason);
	return pf_kernel_error(nl, err, "cannot add forward");
}

/* The announcement echoed back (NLM_F_ECHO): the forward as added. */
static int echo_cb(const struct nlmsghdr *nlh, void *arg)
{
	pf_msg_get_forward(nlh, arg);
	return MNL_CB_OK;
}

int cmd_add(int argc, char **argv)
{
	struct pf_forward added = { 0 };
	struct pf_request req = { .family = opts.family };
	struct pf_forward f;
	struct nlmsghdr *nlh;
	struct pf_nl nl;
	char err[256];
	int ret;

	if (argc < 2)
		return pf_usage_error("usage: %s add %s", prog, PFCTL_ADD_ARGS);
	if (pf_parse_forward(argc - 1, argv + 1, PF_PARSE_ADD, &f, &req, err, sizeof(err)))
		return pf_usage_error("cannot add forward: %s", err);
	if (f.expired) {
		pf_format_time(f.expires_at, err, sizeof(err));
		return pf_usage_error("cannot add forward: it expired at %s", err);
	}
	ret = pf_connect(&nl);
	if (ret)
		return ret;
	nlh = pf_nl_msg(&nl, PFMOD_CMD_ADD, opts.json ? NLM_F_ECHO : 0);
	pf_msg_put_forward(nlh, &f, PF_PARSE_ADD);
	if (req.flags)
		mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, req.flags);
	ret = pf_nl_talk(&nl, nlh, opts.json ? echo_cb : NULL, &added);
	if (ret == -EEXIST)
		ret = report_overlap(&nl, &f, ret);
	else if (ret)
		ret = pf_kernel_error(&nl, ret, "cannot add forward");
	else if (nl.errmsg[0])
		fprintf(stderr, "%s: %s\n", prog, nl.errmsg);
	if (!ret && opts.json && added.id) {
		pf_print_json_forward(stdout, &added);
		putchar('\n');
	}
	pf_nl_close(&nl);
	return ret;
}

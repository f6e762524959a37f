// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "pfctl.h"

/* EEXIST: say which forward is in the way. */
static int report_overlap(struct pf_nl *nl, const struct pf_forward *f, int err)
{
	char reason[sizeof(nl->errmsg)], words[PF_SAVE_LINE];
	struct pf_list list;
	size_t i;

	snprintf(reason, sizeof(reason), "%s",
		 nl->errmsg[0] ? nl->errmsg : "it overlaps an existing forward");
	if (pf_msg_dump(nl, &list) == 0) {
		for (i = 0; i < list.n; i++) {
			if (!pf_forward_overlaps(f, &list.v[i]))
				continue;
			pf_format_save(&list.v[i], words, sizeof(words));
			fprintf(stderr, "%s: cannot add forward: %s: %s (id %u)\n", prog, reason,
				words, list.v[i].id);
			pf_list_free(&list);
			return EXIT_OTHER;
		}
		pf_list_free(&list);
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

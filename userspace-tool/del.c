// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "pfctl.h"

/* "id N [keep]" */
static int parse_id(int argc, char **argv, uint32_t *id, struct pf_request *req)
{
	unsigned long v;
	char *end;
	int a;

	v = strtoul(argv[1], &end, 10);
	if (!argv[1][0] || *end || v < 1 || v > UINT32_MAX)
		return pf_usage_error("cannot delete forward: bad id '%s'", argv[1]);
	*id = v;
	for (a = 2; a < argc; a++) {
		if (strcmp(argv[a], "keep"))
			return pf_usage_error("cannot delete forward: unknown keyword '%s'", argv[a]);
		req->flags |= PFMOD_REQ_F_KEEP_CONNS;
	}
	return 0;
}

/* The announcement echoed back (NLM_F_ECHO): the forward as it was. */
static int echo_cb(const struct nlmsghdr *nlh, void *arg)
{
	pf_msg_get_forward(nlh, arg);
	return MNL_CB_OK;
}

int cmd_del(int argc, char **argv)
{
	struct pf_forward deleted = { 0 };
	struct pf_request req = { .family = opts.family };
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	struct pf_forward f;
	struct pf_nl nl;
	uint32_t id = 0;
	char err[256];
	int ret;

	if (argc < 2)
		return pf_usage_error("usage: %s del %s", prog, PFCTL_DEL_ARGS);
	if (!strcmp(argv[1], "id")) {
		if (argc < 3)
			return pf_usage_error("cannot delete forward: 'id' needs a number");
		ret = parse_id(argc - 1, argv + 1, &id, &req);
		if (ret)
			return ret;
	} else if (pf_parse_forward(argc - 1, argv + 1, PF_PARSE_DEL, &f, &req, err, sizeof(err))) {
		return pf_usage_error("cannot delete forward: %s", err);
	}
	ret = pf_connect(&nl);
	if (ret)
		return ret;
	nlh = pf_nl_msg(&nl, PFMOD_CMD_DEL, opts.json ? NLM_F_ECHO : 0);
	if (id) {
		nest = mnl_attr_nest_start(nlh, PFMOD_A_FORWARD);
		mnl_attr_put_u32(nlh, PFMOD_FWD_A_ID, id);
		mnl_attr_nest_end(nlh, nest);
	} else {
		pf_msg_put_forward(nlh, &f, PF_PARSE_DEL);
	}
	if (req.flags)
		mnl_attr_put_u32(nlh, PFMOD_A_FLAGS, req.flags);
	ret = pf_nl_talk(&nl, nlh, opts.json ? echo_cb : NULL, &deleted);
	if (ret)
		ret = pf_kernel_error(&nl, ret, "cannot delete forward");
	else if (opts.json && deleted.id) {
		pf_print_json_forward(stdout, &deleted);
		putchar('\n');
	}
	pf_nl_close(&nl);
	return ret;
}

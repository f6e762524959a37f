// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
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

#define PF_DEL_NAMED 5	/* forwards named when none has the key given */

struct del_near {
	const struct pf_forward *key;
	char words[PF_DEL_NAMED][PF_SAVE_LINE];
	uint32_t ids[PF_DEL_NAMED];
	unsigned int n;
};

/* A forward of the same protocol whose listen ports meet @d->key's. */
static int near_cb(const struct pf_forward *f, void *arg)
{
	struct del_near *d = arg;

	if (f->proto != d->key->proto || f->port_max < d->key->port_min ||
	    d->key->port_max < f->port_min)
		return 0;
	if (d->n < PF_DEL_NAMED) {
		pf_format_save(f, d->words[d->n], sizeof(d->words[d->n]));
		d->ids[d->n] = f->id;
	}
	d->n++;
	return 0;
}

/*
 * ENOENT for a key: a forward is named by all of it (family, listen address
 * and ports, dev, from), so name those that take these ports otherwise.
 */
static int report_missing(struct pf_nl *nl, const struct pf_forward *key, int err)
{
	struct del_near *d = calloc(1, sizeof(*d));
	char ports[24];
	unsigned int i;
	int ret;

	ret = pf_kernel_error(nl, err, "cannot delete forward");
	if (!d)
		return ret;
	d->key = key;
	if (pf_msg_dump_each(nl, near_cb, d) == 0 && d->n) {
		if (key->port_min == key->port_max)
			snprintf(ports, sizeof(ports), "port %u", key->port_min);
		else
			snprintf(ports, sizeof(ports), "ports %u-%u", key->port_min,
				 key->port_max);
		for (i = 0; i < d->n && i < PF_DEL_NAMED; i++)
			fprintf(stderr, "%s: on %s %s: %s (pfctl del id %u)\n", prog,
				pf_proto_name(key->proto), ports, d->words[i], d->ids[i]);
		if (d->n > PF_DEL_NAMED)
			fprintf(stderr, "%s: and %u more on %s %s (pfctl show)\n", prog,
				d->n - PF_DEL_NAMED, pf_proto_name(key->proto), ports);
	}
	free(d);
	return ret;
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
	if (ret == -ENOENT && !id)
		ret = report_missing(&nl, &f, ret);
	else if (ret)
		ret = pf_kernel_error(&nl, ret, "cannot delete forward");
	else if (opts.json && deleted.id) {
		pf_print_json_forward(stdout, &deleted);
		putchar('\n');
	}
	pf_nl_close(&nl);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The forwards, as one dump of the kernel's table reads them (pfctl show,
 * save, doctor and monitor's resync). A table that changes while a dump is
 * under way (a forward added, deleted or expired between two of its parts)
 * marks the rest of the dump NLM_F_DUMP_INTR: what it read is no one state
 * of the table. Such a dump is begun again on a new socket (the rest of the
 * old one is still queued there), once what the callback gathered from it
 * is dropped; PF_DUMP_TRIES dumps in all, then a table that changes all the
 * time gets the last one's error ("try again"), or with PF_DUMP_CHANGING
 * (monitor's resync, whose listener hears the changes anyway) the last
 * dump read to its end.
 */
#include <errno.h>

#include "msg.h"
#include "pfctl.h"

#define PF_DUMP_TRIES 5

int pf_dump_forwards(unsigned int how, bool *changed,
		     int (*each)(const struct pf_forward *f, void *arg), void (*again)(void *arg),
		     void *arg)
{
	uint8_t cmd = how & PF_DUMP_STATS ? PFMOD_CMD_GET_STATS : PFMOD_CMD_GET;
	struct pf_nl nl;
	int tries = 0, ret;

	for (;;) {
		ret = pf_connect(&nl);
		if (ret)
			return ret;
		nl.dump_changing_ok = (how & PF_DUMP_CHANGING) && tries == PF_DUMP_TRIES - 1;
		ret = pf_msg_dump_cmd_each(&nl, cmd, how & PF_DUMP_TERSE ? PFMOD_REQ_F_TERSE : 0,
					   each, arg);
		if (ret == -EINVAL && (how & PF_DUMP_TERSE)) {
			/* A module older than PFMOD_REQ_F_TERSE refuses it
			 * before it sends anything: the whole dump, then.
			 */
			how &= ~PF_DUMP_TERSE;
		} else if (ret != -EINTR || ++tries == PF_DUMP_TRIES) {
			break;
		}
		pf_nl_close(&nl);
		again(arg);
	}
	if (ret)
		ret = pf_kernel_error(&nl, ret, "cannot list forwards");
	else if (changed)
		*changed = nl.dump_changed;
	pf_nl_close(&nl);
	return ret;
}

void pf_dump_text_again(void *arg)
{
	struct pf_dump_text *t = arg;

	t->lines.len = 0;
	t->n = 0;
}

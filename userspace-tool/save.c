// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "msg.h"
#include "pfctl.h"

int cmd_save(int argc, char **argv)
{
	struct pf_list list;
	char words[1024];
	size_t i;
	int ret;

	if (argc > 1)
		return pf_usage_error("save takes no arguments (unexpected '%s')", argv[1]);
	ret = pf_read_forwards(&list);
	if (ret)
		return ret;
	printf("# pfmod forwards: pfctl restore reads this\n");
	for (i = 0; i < list.n; i++) {
		pf_format_save(&list.v[i], words, sizeof(words));
		printf("%s\n", words);
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror("pfctl: cannot write the forwards");
		ret = EXIT_OTHER;
	}
	pf_list_free(&list);
	return ret;
}

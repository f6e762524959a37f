/* SPDX-License-Identifier: GPL-2.0 */
/* A few lines of TAP for pfctl's unit tests. */
#ifndef PFCTL_TAP_H
#define PFCTL_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                        \
	do {                                                 \
		int _ok = !!(cond);                          \
		printf("%sok %d ", _ok ? "" : "not ", ++tap_n); \
		printf(__VA_ARGS__);                         \
		printf("\n");                                \
		if (!_ok) {                                  \
			printf("#   at %s:%d\n", __FILE__, __LINE__); \
			tap_failed++;                        \
		}                                            \
	} while (0)

static inline int tap_done(void)
{
	return tap_failed ? 1 : 0;
}

#endif /* PFCTL_TAP_H */

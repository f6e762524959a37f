// SPDX-License-Identifier: GPL-2.0
/* pfmod's own stats code, built into pflookup (main.c). */
#include "../../../module/stats.c"

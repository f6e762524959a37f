// SPDX-License-Identifier: GPL-2.0
/* pfmod's own limit code, built into pflookup (main.c). */
#include "../../../module/limit.c"

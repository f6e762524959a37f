// SPDX-License-Identifier: GPL-2.0
/* pfmod's own forward code, built into pflookup (main.c). */
#include "../../../module/forward.c"

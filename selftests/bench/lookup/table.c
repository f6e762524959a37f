// SPDX-License-Identifier: GPL-2.0
/* pfmod's own table code, built into pflookup (main.c). */
#include "../../../module/table.c"

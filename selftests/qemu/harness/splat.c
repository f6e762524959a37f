// SPDX-License-Identifier: GPL-2.0
/*
 * The harness self-test's deliberately bad module: loading it logs a
 * WARNING with a call trace, which the test runner must report as a failure.
 */
#include <linux/module.h>

static int __init splat_init(void)
{
	WARN(1, "pfmod harness self-test: deliberate warning\n");
	return -EAGAIN;
}
module_init(splat_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pfmod harness self-test: WARNs on load");

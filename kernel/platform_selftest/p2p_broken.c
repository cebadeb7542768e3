// SPDX-License-Identifier: GPL-2.0-only
/*
 * A deliberately broken module: it warns when it loads.  `tools/p2p-vm test` loads it in
 * a guest of its own and requires that run to be judged failed, which shows that the
 * guest log checker catches a kernel warning whatever the test itself reported.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init p2p_broken_init(void)
{
	WARN(1, "p2p_broken: deliberate warning for the platform self-test\n");
	return 0;
}

static void __exit p2p_broken_exit(void)
{
}

module_init(p2p_broken_init);
module_exit(p2p_broken_exit);
MODULE_DESCRIPTION("drm-p2p platform self-test: a module that warns at load");
MODULE_LICENSE("GPL");

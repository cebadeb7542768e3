// SPDX-License-Identifier: GPL-2.0-only
/*
 * A deliberately stuck module: its init never returns, and the task that loads it sleeps
 * uninterruptibly.  `tools/p2p-vm test` loads it in a guest of its own and requires the
 * runner to kill that guest within its stall limit while the kernel's hung-task reports
 * keep coming on the console: a kernel saying that it is stuck is no progress.
 */
#include <linux/completion.h>
#include <linux/module.h>

static DECLARE_COMPLETION(p2p_stuck_never);

static int __init p2p_stuck_init(void)
{
	wait_for_completion(&p2p_stuck_never);
	return 0;
}

module_init(p2p_stuck_init);
MODULE_DESCRIPTION("drm-p2p platform self-test: a module whose init never returns");
MODULE_LICENSE("GPL");

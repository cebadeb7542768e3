// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf_phyr: dma-bufs backed by physical ranges, mapped per importing device.
 * Module entry points; the tracepoints are instantiated here.
 */
#include <linux/module.h>

#include "phyr_internal.h"

#define CREATE_TRACE_POINTS
#include "phyr_trace.h"

static int __init phyr_init(void)
{
	int ret = phyr_path_init();

	if (ret)
		return ret;
	phyr_debugfs_init();
	return 0;
}

static void __exit phyr_exit(void)
{
	phyr_debugfs_exit();
	phyr_path_exit();
}

module_init(phyr_init);
module_exit(phyr_exit);

MODULE_DESCRIPTION("dma-bufs backed by physical ranges, mapped per importing device");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMA_BUF");

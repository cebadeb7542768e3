// SPDX-License-Identifier: MIT
/*
 * no_uapi.c - built instead of the driver queries and the xfer command when
 * the tree has no include/uapi/drm/drm_p2p_drm.h: p2pctl then knows only what
 * sysfs tells, and says so.
 */
#include <errno.h>
#include <stdio.h>

#include "gpus.h"
#include "p2pctl.h"

int gpu_query_info(struct gpu *gpu)
{
	gpu->have_info = false;
	return -ENOSYS;
}

int gpu_query_path(const struct gpu *from, const struct gpu *to, const char **kind,
		   const char **addr)
{
	return -ENOSYS;
}

int xfer_run(const struct xfer_args *args)
{
	fprintf(stderr, "p2pctl xfer: this p2pctl was built without the drm_p2p uapi header\n");
	return EXIT_FAIL;
}

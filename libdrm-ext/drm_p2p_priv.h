/* SPDX-License-Identifier: MIT */
/*
 * drm_p2p_priv.h - internals of libdrm_p2p shared by its source files.
 */
#ifndef DRM_P2P_PRIV_H
#define DRM_P2P_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "drm_p2p.h"

/* like libdrm: everything is hidden unless marked drm_public */
#define drm_public __attribute__((visibility("default")))

struct drm_p2p_device {
	int fd;
	bool own_fd;
	struct drm_p2p_device_desc desc;
};

/* ioctl with EINTR/EAGAIN restart; returns 0 or -errno */
int p2p_ioctl(int fd, unsigned long request, void *arg);

#endif /* DRM_P2P_PRIV_H */

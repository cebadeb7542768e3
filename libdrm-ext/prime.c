// SPDX-License-Identifier: MIT
/*
 * prime.c - driver independent buffer object plumbing: GEM handle close and
 * PRIME export/import through libdrm's helpers, dma-buf size and CPU access
 * bracketing.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "drm_p2p_priv.h"

drm_public int drm_p2p_bo_close(struct drm_p2p_device *dev, uint32_t handle)
{
	struct drm_gem_close arg;

	if (!dev || !handle)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.handle = handle;
	return p2p_ioctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &arg);
}

drm_public int drm_p2p_bo_export(struct drm_p2p_device *dev, uint32_t handle, int *dmabuf_fd)
{
	int fd = -1;

	if (!dev || !handle || !dmabuf_fd)
		return -EINVAL;
	if (drmPrimeHandleToFD(dev->fd, handle, DRM_CLOEXEC | DRM_RDWR, &fd))
		return errno ? -errno : -EINVAL;
	*dmabuf_fd = fd;
	return 0;
}

drm_public int drm_p2p_bo_import(struct drm_p2p_device *dev, int dmabuf_fd, uint32_t *handle)
{
	uint32_t h = 0;

	if (!dev || dmabuf_fd < 0 || !handle)
		return -EINVAL;
	if (drmPrimeFDToHandle(dev->fd, dmabuf_fd, &h))
		return errno ? -errno : -EINVAL;
	*handle = h;
	return 0;
}

drm_public int drm_p2p_dmabuf_size(int dmabuf_fd, uint64_t *size)
{
	off_t end;

	if (dmabuf_fd < 0 || !size)
		return -EINVAL;
	end = lseek(dmabuf_fd, 0, SEEK_END);
	if (end < 0)
		return -errno;
	lseek(dmabuf_fd, 0, SEEK_SET);
	*size = end;
	return 0;
}

drm_public int drm_p2p_dmabuf_sync(int dmabuf_fd, uint32_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	if (dmabuf_fd < 0 || (flags & ~DMA_BUF_SYNC_VALID_FLAGS_MASK) ||
	    !(flags & DMA_BUF_SYNC_RW))
		return -EINVAL;
	return p2p_ioctl(dmabuf_fd, DMA_BUF_IOCTL_SYNC, &sync);
}

// SPDX-License-Identifier: MIT
/*
 * bo.c - GPU info and buffer objects through the drm_p2p ioctls: create,
 * mmap, wait, info and the engine's DMA view.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "drm_p2p_priv.h"

drm_public int drm_p2p_query_info(struct drm_p2p_device *dev, struct drm_p2p_info *info)
{
	struct drm_p2p_get_info arg;
	int ret;

	if (!dev || !info)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_GET_INFO, &arg);
	if (ret)
		return ret;
	memset(info, 0, sizeof(*info));
	info->uapi_version = arg.uapi_version;
	info->engine_flags = arg.engine_flags;
	info->vram_size = arg.vram_size;
	info->vram_free = arg.vram_free;
	info->vram_used = arg.vram_size - arg.vram_free;
	info->vram_bar_size = arg.vram_bar_size;
	info->pci.domain = arg.pci_domain;
	info->pci.bus = arg.pci_bus;
	info->pci.dev = arg.pci_dev;
	info->pci.func = arg.pci_func;
	info->gpu_index = arg.gpu_index;
	info->probe_max = arg.probe_max;
	return 0;
}

drm_public int drm_p2p_bo_create(struct drm_p2p_device *dev, uint64_t size, uint32_t flags,
				 uint32_t *handle)
{
	struct drm_p2p_bo_create arg;
	int ret;

	if (!dev || !handle || !size)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.size = size;
	arg.flags = flags;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_BO_CREATE, &arg);
	if (ret)
		return ret;
	*handle = arg.handle;
	return 0;
}

drm_public int drm_p2p_bo_mmap(struct drm_p2p_device *dev, uint32_t handle, uint64_t size,
			       void **ptr)
{
	struct drm_p2p_bo_mmap_offset arg;
	void *map;
	int ret;

	if (!dev || !handle || !size || !ptr)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.handle = handle;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_BO_MMAP_OFFSET, &arg);
	if (ret)
		return ret;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dev->fd, arg.offset);
	if (map == MAP_FAILED)
		return -errno;
	*ptr = map;
	return 0;
}

drm_public int drm_p2p_bo_munmap(void *ptr, uint64_t size)
{
	if (!ptr || !size)
		return -EINVAL;
	return munmap(ptr, size) ? -errno : 0;
}

drm_public int drm_p2p_bo_wait(struct drm_p2p_device *dev, uint32_t handle, int64_t timeout_ns)
{
	struct drm_p2p_bo_wait arg;

	if (!dev || !handle)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.handle = handle;
	arg.timeout_ns = timeout_ns;
	return p2p_ioctl(dev->fd, DRM_IOCTL_P2P_BO_WAIT, &arg);
}

drm_public int drm_p2p_bo_info(struct drm_p2p_device *dev, uint32_t handle,
			       struct drm_p2p_bo_info *info)
{
	struct drm_p2p_bo_info arg;
	int ret;

	if (!dev || !handle || !info)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.handle = handle;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_BO_INFO, &arg);
	if (!ret)
		*info = arg;
	return ret;
}

drm_public int drm_p2p_bo_dma_info(struct drm_p2p_device *dev, uint32_t handle,
				   struct drm_p2p_dma_range *ranges, uint32_t max)
{
	struct drm_p2p_bo_dma_info arg;
	int ret;

	if (!dev || !handle || (max && !ranges) || max > INT32_MAX)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.handle = handle;
	arg.ranges_ptr = (uintptr_t)ranges;
	arg.nr_ranges = max;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_BO_DMA_INFO, &arg);
	if (ret)
		return ret;
	return arg.nr_ranges > INT32_MAX ? -EOVERFLOW : (int)arg.nr_ranges;
}

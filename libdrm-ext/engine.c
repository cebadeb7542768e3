// SPDX-License-Identifier: MIT
/*
 * engine.c - the GPU engine's operations (fill, copy, checksum, DMA probes)
 * and the checksum it computes, for comparison on the CPU.
 */
#include <errno.h>
#include <string.h>

#include "drm_p2p_priv.h"

drm_public int drm_p2p_fill(struct drm_p2p_device *dev, uint32_t handle, uint64_t offset,
			    uint64_t size, uint32_t pattern, uint32_t flags,
			    uint32_t out_syncobj)
{
	struct drm_p2p_fill arg;

	if (!dev || !handle || !size)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.handle = handle;
	arg.pattern = pattern;
	arg.offset = offset;
	arg.size = size;
	arg.out_syncobj = out_syncobj;
	arg.flags = flags;
	return p2p_ioctl(dev->fd, DRM_IOCTL_P2P_FILL, &arg);
}

drm_public int drm_p2p_copy(struct drm_p2p_device *dev, uint32_t dst_handle,
			    uint64_t dst_offset, uint32_t src_handle, uint64_t src_offset,
			    uint64_t size, uint32_t flags, uint32_t out_syncobj)
{
	struct drm_p2p_copy arg;

	if (!dev || !dst_handle || !src_handle || !size)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.src_handle = src_handle;
	arg.dst_handle = dst_handle;
	arg.src_offset = src_offset;
	arg.dst_offset = dst_offset;
	arg.size = size;
	arg.out_syncobj = out_syncobj;
	arg.flags = flags;
	return p2p_ioctl(dev->fd, DRM_IOCTL_P2P_COPY, &arg);
}

drm_public int drm_p2p_checksum(struct drm_p2p_device *dev, uint32_t handle, uint64_t offset,
				uint64_t size, uint64_t *checksum)
{
	struct drm_p2p_checksum arg;
	int ret;

	if (!dev || !handle || !size || !checksum)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.handle = handle;
	arg.offset = offset;
	arg.size = size;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_CHECKSUM, &arg);
	if (!ret)
		*checksum = arg.checksum;
	return ret;
}

drm_public int drm_p2p_probe(struct drm_p2p_device *dev, uint32_t handle, uint64_t offset,
			     void *buf, uint32_t size, uint32_t flags, uint64_t *dma_addr,
			     uint32_t *path)
{
	struct drm_p2p_probe arg;
	int ret;

	if (!dev || !handle || !buf || !size || size > DRM_P2P_PROBE_MAX)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.handle = handle;
	arg.flags = flags;
	arg.offset = offset;
	arg.size = size;
	arg.user_ptr = (uintptr_t)buf;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_PROBE, &arg);
	if (ret)
		return ret;
	if (dma_addr)
		*dma_addr = arg.dma_addr;
	if (path)
		*path = arg.path;
	return 0;
}

drm_public int drm_p2p_probe_addr(struct drm_p2p_device *dev, uint64_t dma_addr, void *buf,
				  uint32_t size)
{
	struct drm_p2p_probe_addr arg;

	if (!dev || !buf || !size || size > DRM_P2P_PROBE_MAX)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.dma_addr = dma_addr;
	arg.size = size;
	arg.user_ptr = (uintptr_t)buf;
	return p2p_ioctl(dev->fd, DRM_IOCTL_P2P_PROBE_ADDR, &arg);
}

static uint64_t fnv_word(uint64_t h, uint32_t w)
{
	return (h ^ w) * DRM_P2P_FNV64_PRIME;
}

drm_public uint64_t drm_p2p_checksum_data(const void *data, uint64_t size)
{
	const uint8_t *p = data;
	uint64_t h = DRM_P2P_FNV64_OFFSET, i;

	/* little-endian 32-bit words, whatever the host byte order */
	for (i = 0; i + 4 <= size; i += 4)
		h = fnv_word(h, p[i] | p[i + 1] << 8 | p[i + 2] << 16 | (uint32_t)p[i + 3] << 24);
	return h;
}

drm_public uint64_t drm_p2p_checksum_pattern(uint32_t pattern, uint64_t size)
{
	uint64_t h = DRM_P2P_FNV64_OFFSET, i;

	for (i = 0; i + 4 <= size; i += 4)
		h = fnv_word(h, pattern);
	return h;
}

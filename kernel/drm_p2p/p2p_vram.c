// SPDX-License-Identifier: GPL-2.0-only
/*
 * VRAM manager: a gpu_buddy allocator over the VRAM BAR.
 */
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/sizes.h>

#include <drm/drm_managed.h>

#include "p2p_drv.h"

static void p2p_vram_release(struct drm_device *drm, void *data)
{
	struct p2p_vram *vram = data;

	gpu_buddy_fini(&vram->mm);
	mutex_destroy(&vram->lock);
}

/**
 * p2p_vram_init - set up the VRAM manager
 * @p2p: the GPU
 * @size: bytes of VRAM to manage, from offset 0 of the BAR, a multiple of 4 KiB
 *
 * The manager lives as long as the DRM device: buffer objects may outlive the
 * binding of the PCI device.
 *
 * Return: 0 or a negative errno.
 */
int p2p_vram_init(struct p2p_device *p2p, u64 size)
{
	struct p2p_vram *vram = &p2p->vram;
	int ret;

	mutex_init(&vram->lock);
	ret = gpu_buddy_init(&vram->mm, size, P2P_VRAM_CHUNK);
	if (ret) {
		mutex_destroy(&vram->lock);
		return ret;
	}
	vram->size = size;
	return drmm_add_action_or_reset(&p2p->drm, p2p_vram_release, vram);
}

/**
 * p2p_vram_alloc - allocate VRAM
 * @p2p: the GPU
 * @size: bytes, a non-zero multiple of 4 KiB
 * @contiguous: one block of exactly @size bytes
 * @blocks: empty list receiving the blocks, in buffer order
 *
 * Return: 0, -ENOSPC when the VRAM is exhausted (or too fragmented for a contiguous
 * allocation), or another negative errno.
 */
int p2p_vram_alloc(struct p2p_device *p2p, u64 size, bool contiguous,
		   struct list_head *blocks)
{
	struct p2p_vram *vram = &p2p->vram;
	u64 alloc = size, min = P2P_VRAM_CHUNK;
	int ret;

	if (!size || !IS_ALIGNED(size, P2P_VRAM_CHUNK))
		return -EINVAL;
	if (contiguous) {
		if (size > vram->size)
			return -ENOSPC;
		alloc = roundup_pow_of_two(size);
		min = alloc;
	}

	mutex_lock(&vram->lock);
	if (size > vram->size - vram->used || alloc > vram->size) {
		ret = -ENOSPC;
		goto out;
	}
	ret = gpu_buddy_alloc_blocks(&vram->mm, 0, vram->size, alloc, min, blocks, 0);
	if (ret) {
		/* The buddy allocator says -ENOSPC for exhaustion; keep that errno. */
		if (ret != -ENOMEM)
			ret = -ENOSPC;
		goto out;
	}
	if (alloc != size) {
		ret = gpu_buddy_block_trim(&vram->mm, NULL, size, blocks);
		if (ret) {
			gpu_buddy_free_list(&vram->mm, blocks, 0);
			goto out;
		}
	}
	vram->used += size;
out:
	mutex_unlock(&vram->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(p2p_vram_alloc, "DRM_P2P_TEST");

/**
 * p2p_vram_free - free VRAM allocated by p2p_vram_alloc()
 * @p2p: the GPU
 * @blocks: the blocks; the list is left empty
 */
void p2p_vram_free(struct p2p_device *p2p, struct list_head *blocks)
{
	struct p2p_vram *vram = &p2p->vram;
	struct gpu_buddy_block *block;
	u64 size = 0;

	mutex_lock(&vram->lock);
	list_for_each_entry(block, blocks, link)
		size += gpu_buddy_block_size(&vram->mm, block);
	gpu_buddy_free_list(&vram->mm, blocks, 0);
	vram->used -= size;
	mutex_unlock(&vram->lock);
}
EXPORT_SYMBOL_NS_GPL(p2p_vram_free, "DRM_P2P_TEST");

/**
 * p2p_vram_usage - VRAM statistics
 * @p2p: the GPU
 * @size: bytes managed
 * @used: bytes allocated
 */
void p2p_vram_usage(struct p2p_device *p2p, u64 *size, u64 *used)
{
	mutex_lock(&p2p->vram.lock);
	*size = p2p->vram.size;
	*used = p2p->vram.used;
	mutex_unlock(&p2p->vram.lock);
}

/**
 * p2p_vram_clear - zero VRAM blocks through the CPU mapping of the BAR
 * @p2p: the GPU (its BAR must still be mapped)
 * @blocks: the blocks
 */
void p2p_vram_clear(struct p2p_device *p2p, struct list_head *blocks)
{
	struct gpu_buddy_block *block;

	list_for_each_entry(block, blocks, link) {
		u64 off = gpu_buddy_block_offset(block);
		u64 len = gpu_buddy_block_size(&p2p->vram.mm, block);

		memset_io(p2p->vram_io + off, 0, len);
		cond_resched();
	}
}

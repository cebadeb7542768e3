// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver-specific ioctls (include/uapi/drm/drm_p2p_drm.h).
 */
#include <linux/capability.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <uapi/drm/drm_p2p_drm.h>

#include "p2p_drv.h"

/* The uapi layouts are fixed: the same on 32- and 64-bit userspace. */
static_assert(sizeof(struct drm_p2p_get_info) == 88);
static_assert(sizeof(struct drm_p2p_bo_create) == 24);
static_assert(sizeof(struct drm_p2p_bo_mmap_offset) == 16);
static_assert(sizeof(struct drm_p2p_bo_wait) == 16);
static_assert(sizeof(struct drm_p2p_bo_info) == 32);
static_assert(sizeof(struct drm_p2p_fill) == 40);
static_assert(sizeof(struct drm_p2p_copy) == 40);
static_assert(sizeof(struct drm_p2p_checksum) == 32);
static_assert(sizeof(struct drm_p2p_probe) == 48);
static_assert(sizeof(struct drm_p2p_dma_range) == 32);
static_assert(sizeof(struct drm_p2p_bo_dma_info) == 24);
static_assert(sizeof(struct drm_p2p_probe_addr) == 24);

int p2p_ioctl_get_info(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct p2p_device *p2p = to_p2p_dev(drm);
	struct drm_p2p_get_info *args = data;
	u64 size, used;

	if (args->flags)
		return -EINVAL;
	p2p_vram_usage(p2p, &size, &used);
	memset(args, 0, sizeof(*args));
	args->uapi_version = DRM_P2P_UAPI_VERSION;
	args->vram_size = size;
	args->vram_free = size - used;
	args->vram_bar_size = p2p->vram_bar_size;
	args->pci_domain = pci_domain_nr(p2p->pdev->bus);
	args->pci_bus = p2p->pdev->bus->number;
	args->pci_dev = PCI_SLOT(p2p->pdev->devfn);
	args->pci_func = PCI_FUNC(p2p->pdev->devfn);
	args->engine_flags = DRM_P2P_ENGINE_PRESENT;
	if (p2p_edu_translated(p2p))
		args->engine_flags |= DRM_P2P_ENGINE_IOMMU;
	args->gpu_index = p2p->index;
	args->probe_max = DRM_P2P_PROBE_MAX;
	return 0;
}

int p2p_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_bo_create *args = data;
	u32 handle;
	int ret;

	if (args->reserved)
		return -EINVAL;
	ret = p2p_bo_create_handle(file, to_p2p_dev(drm), args->size, args->flags, &handle);
	if (ret)
		return ret;
	args->handle = handle;
	args->size = PAGE_ALIGN(args->size);
	return 0;
}

int p2p_ioctl_bo_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	if (obj->import_attach) {
		ret = -EINVAL;
		goto out;
	}
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		args->offset = drm_vma_node_offset_addr(&obj->vma_node);
out:
	drm_gem_object_put(obj);
	return ret;
}

int p2p_ioctl_bo_wait(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_bo_wait *args = data;
	struct drm_gem_object *obj;
	long timeout, ret;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	if (!args->timeout_ns) {
		ret = dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_BOOKKEEP) ? 0 : -ETIME;
		goto out;
	}
	timeout = args->timeout_ns < 0 ? MAX_SCHEDULE_TIMEOUT :
		  max_t(long, nsecs_to_jiffies(args->timeout_ns), 1);
	ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_BOOKKEEP, true, timeout);
	if (ret == 0)
		ret = -ETIME;
	else if (ret > 0)
		ret = 0;
out:
	drm_gem_object_put(obj);
	return ret;
}

static u32 bo_kind_uapi(struct p2p_bo *bo)
{
	switch (bo->kind) {
	case P2P_BO_VRAM:
		return DRM_P2P_KIND_VRAM;
	case P2P_BO_SYSTEM:
		return DRM_P2P_KIND_SYSTEM;
	case P2P_BO_IMPORT_PHYR:
		return DRM_P2P_KIND_IMPORT_PHYR;
	default:
		return DRM_P2P_KIND_IMPORT_SG;
	}
}

/*
 * The engine ranges of a whole BO; maps an invalidated import again.  Returns with
 * the BO's resv locked on success (the ranges are only stable under it).
 */
static int bo_lock_segs(struct p2p_bo *bo, u64 offset, u64 size, struct p2p_seg **segs,
			unsigned int *nr)
{
	int ret;

	ret = dma_resv_lock_interruptible(bo->base.resv, NULL);
	if (ret)
		return ret;
	if (p2p_bo_is_import(bo)) {
		ret = p2p_import_ensure_mapped(bo);
		if (ret)
			goto err;
	}
	ret = p2p_bo_segs(bo, offset, size, segs, nr);
	if (ret)
		goto err;
	return 0;
err:
	dma_resv_unlock(bo->base.resv);
	return ret;
}

int p2p_ioctl_bo_info(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_bo_info *args = data;
	struct drm_gem_object *obj;
	struct p2p_seg *segs;
	unsigned int nr;
	struct p2p_bo *bo;
	int ret;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = to_p2p_bo(obj);
	ret = bo_lock_segs(bo, 0, obj->size, &segs, &nr);
	if (ret)
		goto out;
	dma_resv_unlock(obj->resv);
	args->size = obj->size;
	args->kind = bo_kind_uapi(bo);
	args->path = nr ? segs[0].path : DRM_P2P_PATH_NONE;
	args->nr_ranges = nr;
	args->pad = 0;
	kfree(segs);
out:
	drm_gem_object_put(obj);
	return ret;
}

int p2p_ioctl_fill(struct drm_device *drm, void *data, struct drm_file *file)
{
	return p2p_engine_fill(to_p2p_dev(drm), file, data);
}

int p2p_ioctl_copy(struct drm_device *drm, void *data, struct drm_file *file)
{
	return p2p_engine_copy(to_p2p_dev(drm), file, data);
}

int p2p_ioctl_checksum(struct drm_device *drm, void *data, struct drm_file *file)
{
	return p2p_engine_checksum(to_p2p_dev(drm), file, data);
}

static bool probe_size_ok(u64 addr, u32 size)
{
	return size && size <= DRM_P2P_PROBE_MAX && offset_in_page(addr) + size <= PAGE_SIZE;
}

/*
 * The address of a byte of the GPU's own VRAM for its own engine on the bus: a DMA
 * API mapping of the BAR for the engine function (an IOVA under an IOMMU, else the
 * physical address), which every topology routes.
 */
static int probe_local_addr(struct p2p_device *p2p, phys_addr_t phys, u32 size,
			    dma_addr_t *addr, u32 *path)
{
	struct device *dev = p2p_engine_dev(p2p);

	*addr = dma_map_resource(dev, phys, size, DMA_BIDIRECTIONAL, 0);
	if (dma_mapping_error(dev, *addr))
		return -EIO;
	*path = p2p_edu_translated(p2p) ? DRM_P2P_PATH_IOVA : DRM_P2P_PATH_PHYS;
	return 0;
}

int p2p_ioctl_probe(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct p2p_device *p2p = to_p2p_dev(drm);
	struct drm_p2p_probe *args = data;
	bool write = args->flags & DRM_P2P_PROBE_WRITE, mapped = false;
	void __user *uptr = u64_to_user_ptr(args->user_ptr);
	struct p2p_seg *segs = NULL;
	struct drm_gem_object *obj;
	struct p2p_bo *bo;
	dma_addr_t addr;
	unsigned int nr;
	u32 path;
	void *buf;
	long lret;
	int ret;

	if (args->flags & ~DRM_P2P_PROBE_WRITE || args->pad || args->pad2 ||
	    !probe_size_ok(args->offset, args->size))
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	bo = to_p2p_bo(obj);
	buf = kmalloc(args->size, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out_put;
	}
	if (args->offset >= obj->size || args->size > obj->size - args->offset) {
		ret = -EINVAL;
		goto out_free;
	}
	if (write && copy_from_user(buf, uptr, args->size)) {
		ret = -EFAULT;
		goto out_free;
	}

	/* The resv stays locked: an imported mapping must not go away meanwhile. */
	ret = bo_lock_segs(bo, args->offset, args->size, &segs, &nr);
	if (ret)
		goto out_free;
	lret = dma_resv_wait_timeout(obj->resv, dma_resv_usage_rw(write), true,
				     MAX_SCHEDULE_TIMEOUT);
	if (lret < 0) {
		ret = lret;
		goto out_unlock;
	}
	if (nr != 1) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (segs[0].path == DRM_P2P_PATH_LOCAL) {
		ret = probe_local_addr(p2p, p2p->vram_phys + segs[0].addr, args->size, &addr,
				       &path);
		if (ret)
			goto out_unlock;
		mapped = true;
	} else {
		addr = segs[0].addr;
		path = segs[0].path;
	}
	ret = p2p_edu_dma(p2p, addr, buf, args->size, write);
	if (mapped)
		dma_unmap_resource(p2p_engine_dev(p2p), addr, args->size, DMA_BIDIRECTIONAL, 0);
	if (ret)
		goto out_unlock;
	args->dma_addr = addr;
	args->path = path;
out_unlock:
	dma_resv_unlock(obj->resv);
	if (!ret && !write && copy_to_user(uptr, buf, args->size))
		ret = -EFAULT;
out_free:
	kfree(segs);
	kfree(buf);
out_put:
	drm_gem_object_put(obj);
	return ret;
}

int p2p_ioctl_bo_dma_info(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct p2p_device *p2p = to_p2p_dev(drm);
	struct drm_p2p_bo_dma_info *args = data;
	struct drm_p2p_dma_range __user *uranges = u64_to_user_ptr(args->ranges_ptr);
	struct drm_p2p_dma_range r;
	struct drm_gem_object *obj;
	struct p2p_seg *segs;
	unsigned int nr, i;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (args->flags || args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = bo_lock_segs(to_p2p_bo(obj), 0, obj->size, &segs, &nr);
	if (ret)
		goto out;
	dma_resv_unlock(obj->resv);
	for (i = 0; i < min(nr, args->nr_ranges); i++) {
		memset(&r, 0, sizeof(r));
		r.dma_addr = segs[i].addr;
		r.size = segs[i].len;
		r.path = segs[i].path;
		if (segs[i].path == DRM_P2P_PATH_LOCAL)
			r.cpu_phys = p2p->vram_phys + segs[i].addr;
		else
			r.cpu_phys = p2p_fabric_resolve(p2p, segs[i].addr);
		if (copy_to_user(&uranges[i], &r, sizeof(r))) {
			ret = -EFAULT;
			break;
		}
	}
	if (!ret)
		args->nr_ranges = nr;
	kfree(segs);
out:
	drm_gem_object_put(obj);
	return ret;
}

int p2p_ioctl_probe_addr(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_probe_addr *args = data;
	void *buf;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (args->flags || !probe_size_ok(args->dma_addr, args->size))
		return -EINVAL;
	buf = kzalloc(args->size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = p2p_edu_dma(to_p2p_dev(drm), args->dma_addr, buf, args->size, false);
	if (!ret && copy_to_user(u64_to_user_ptr(args->user_ptr), buf, args->size))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

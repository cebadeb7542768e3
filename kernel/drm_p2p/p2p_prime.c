// SPDX-License-Identifier: GPL-2.0-only
/*
 * PRIME export as phyr dma-bufs, and import.
 *
 * Export: a VRAM BO becomes a phyr dma-buf whose ranges are the BO's buddy blocks
 * (one range per block, provider = the VRAM BAR); a system BO one whose ranges are
 * its pages (provider = system RAM).  A BO's memory never moves, so each export
 * stores its ranges once, in phyr's packed form (8 bytes per buddy block), and phyr
 * reads them in place at every attach and map.  The dma-buf shares the BO's
 * reservation object, so the engine's fences are visible to every importer and to
 * DMA_BUF_IOCTL_EXPORT_SYNC_FILE.
 *
 * Import:
 *  - a dma-buf exported by this same device gives back the original BO;
 *  - any other phyr dma-buf (another drm_p2p GPU's VRAM) is attached with the
 *    importing GPU's *engine* device and mapped with phyr_map(): the engine then
 *    addresses the exporter's memory through those DMA addresses.  invalidate_mappings drops
 *    the mapping; the next engine use maps again.  A GPU that cannot reach the
 *    memory fails the import with -EREMOTEIO;
 *  - other dma-bufs (vgem, udmabuf, a PCI BAR exported by vfio-pci, ...) are
 *    attached to the engine device as a dynamic importer that takes peer-to-peer
 *    addresses (allow_peer2peer) and gives them back when told to
 *    (invalidate_mappings), as vfio-pci requires; they are mapped through their
 *    scatterlist under the resv lock, again after an invalidation.
 */
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/scatterlist.h>

#include <drm/drm_drv.h>
#include <drm/drm_prime.h>
#include <linux/dmabuf_phyr.h>
#include <uapi/drm/drm_p2p_drm.h>

#include "p2p_drv.h"

/* Also identifies our dma-bufs: phyr hands this pointer on as dma_buf->exp_name. */
static const char p2p_exp_name[] = P2P_DRIVER_NAME;

/**
 * struct p2p_export - one dma-buf exported by a GPU
 * @link: on the GPU's list of exports (under exports_lock)
 * @bo: the exported BO (referenced)
 * @dmabuf: the dma-buf
 * @ranges: the BO's memory, packed; fixed for the BO's lifetime
 */
struct p2p_export {
	struct list_head link;
	struct p2p_bo *bo;
	struct dma_buf *dmabuf;
	struct phyr_packed_list ranges;
};

static struct p2p_bo *dmabuf_bo(struct dma_buf *dmabuf)
{
	return ((struct p2p_export *)phyr_dmabuf_priv(dmabuf))->bo;
}

/* The BO of a dma-buf exported by drm_p2p, or NULL. */
static struct p2p_bo *p2p_dmabuf_bo(struct dma_buf *dmabuf)
{
	if (!is_phyr_dmabuf(dmabuf) || dmabuf->exp_name != p2p_exp_name)
		return NULL;
	return dmabuf_bo(dmabuf);
}

/* The physical ranges of a BO's memory, in buffer order. */
static int p2p_bo_ranges(struct p2p_bo *bo, struct phyr_list *out)
{
	struct p2p_device *p2p = p2p_bo_dev(bo);
	struct gpu_buddy_block *block;
	unsigned long i, npages;
	int ret = 0;

	switch (bo->kind) {
	case P2P_BO_VRAM:
		list_for_each_entry(block, &bo->blocks, link) {
			ret = phyr_list_append(out, p2p->provider,
					       p2p->vram_phys + gpu_buddy_block_offset(block),
					       gpu_buddy_block_size(&p2p->vram.mm, block));
			if (ret)
				break;
		}
		break;
	case P2P_BO_SYSTEM:
		npages = bo->base.size >> PAGE_SHIFT;
		for (i = 0; i < npages && !ret; i++)
			ret = phyr_list_append(out, phyr_provider_sysram(),
					       page_to_phys(bo->pages[i]), PAGE_SIZE);
		if (!ret)
			phyr_list_merge(out);
		break;
	default:
		ret = -EINVAL;
	}
	return ret;
}

/*
 * Importers get VRAM as a memory-like write-combined mapping, not an __iomem one:
 * the BAR is prefetchable memory, and drm's shmem helper (vkms, for one) refuses
 * an iomem mapping of an imported buffer.  Only single-range VRAM BOs can be mapped.
 */
static int p2p_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct p2p_bo *bo = dmabuf_bo(dmabuf);
	void *vaddr;

	if (bo->kind != P2P_BO_VRAM)
		return bo->base.funcs->vmap(&bo->base, map);
	if (p2p_bo_nr_segs(bo) != 1)
		return -EINVAL;
	vaddr = memremap(p2p_bo_vram_phys(bo, 0), bo->base.size, MEMREMAP_WC);
	if (!vaddr)
		return -ENOMEM;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void p2p_dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct p2p_bo *bo = dmabuf_bo(dmabuf);

	if (bo->kind == P2P_BO_VRAM)
		memunmap(map->vaddr);
	else
		bo->base.funcs->vunmap(&bo->base, map);
}

static int p2p_dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct p2p_bo *bo = dmabuf_bo(dmabuf);
	int ret;

	/*
	 * Faults find the page from the fake offset that drm_gem_prime_mmap() adds:
	 * create it now so that it never changes under this mapping.
	 */
	ret = drm_gem_create_mmap_offset(&bo->base);
	if (ret)
		return ret;
	return drm_gem_prime_mmap(&bo->base, vma);
}

/* Store the BO's ranges in the export, packed. */
static int p2p_export_pack(struct p2p_export *exp)
{
	struct phyr_list l;
	int ret;

	phyr_list_init(&l);
	ret = p2p_bo_ranges(exp->bo, &l);
	if (!ret)
		ret = phyr_list_pack(&exp->ranges, &l);
	phyr_list_fini(&l);
	return ret;
}

static const struct phyr_packed_list *p2p_dmabuf_packed_ranges(struct dma_buf *dmabuf)
{
	struct p2p_export *exp = phyr_dmabuf_priv(dmabuf);

	return &exp->ranges;
}

static void p2p_dmabuf_release(struct dma_buf *dmabuf)
{
	struct p2p_export *exp = phyr_dmabuf_priv(dmabuf);
	struct p2p_bo *bo = exp->bo;
	struct p2p_device *p2p = p2p_bo_dev(bo);

	mutex_lock(&p2p->exports_lock);
	list_del(&exp->link);
	mutex_unlock(&p2p->exports_lock);
	phyr_packed_fini(&exp->ranges);
	kfree(exp);
	drm_gem_object_put(&bo->base);
	drm_dev_put(&p2p->drm);
}

static const struct phyr_exporter_ops p2p_exporter_ops = {
	.packed_ranges = p2p_dmabuf_packed_ranges,
	.vmap = p2p_dmabuf_vmap,
	.vunmap = p2p_dmabuf_vunmap,
	.mmap = p2p_dmabuf_mmap,
	.release = p2p_dmabuf_release,
};

/**
 * p2p_gem_prime_export - &drm_gem_object_funcs.export: a phyr dma-buf
 * @obj: a VRAM or system BO of this driver
 * @flags: file flags
 *
 * Return: the dma-buf, holding a reference on @obj and its device, or an ERR_PTR().
 */
struct dma_buf *p2p_gem_prime_export(struct drm_gem_object *obj, int flags)
{
	struct p2p_bo *bo = to_p2p_bo(obj);
	struct p2p_device *p2p = p2p_bo_dev(bo);
	struct p2p_export *exp;
	struct phyr_export_info info = {
		.ops = &p2p_exporter_ops,
		.size = obj->size,
		.flags = flags,
		.resv = obj->resv,
		.owner = THIS_MODULE,
		.exp_name = p2p_exp_name,
	};
	struct dma_buf *dmabuf;
	int ret;

	if (bo->kind != P2P_BO_VRAM && bo->kind != P2P_BO_SYSTEM)
		return ERR_PTR(-EINVAL);
	exp = kzalloc_obj(*exp);
	if (!exp)
		return ERR_PTR(-ENOMEM);
	exp->bo = bo;
	ret = p2p_export_pack(exp);
	if (ret) {
		kfree(exp);
		return ERR_PTR(ret);
	}
	info.priv = exp;
	drm_gem_object_get(obj);
	drm_dev_get(obj->dev);
	mutex_lock(&p2p->exports_lock);
	dmabuf = phyr_dmabuf_export(&info);
	if (IS_ERR(dmabuf)) {
		mutex_unlock(&p2p->exports_lock);
		drm_dev_put(obj->dev);
		drm_gem_object_put(obj);
		phyr_packed_fini(&exp->ranges);
		kfree(exp);
		return dmabuf;
	}
	exp->dmabuf = dmabuf;
	list_add_tail(&exp->link, &p2p->exports);
	mutex_unlock(&p2p->exports_lock);
	return dmabuf;
}

/**
 * p2p_prime_revoke_all - withdraw every dma-buf a GPU exported (unbind)
 * @p2p: the GPU, unplugged
 *
 * Importers get invalidate_mappings and can no longer map the buffers (-ENODEV); CPU
 * mappings of the dma-buf files are zapped (new faults get SIGBUS).
 */
void p2p_prime_revoke_all(struct p2p_device *p2p)
{
	struct p2p_export *exp;

	mutex_lock(&p2p->exports_lock);
	list_for_each_entry(exp, &p2p->exports, link) {
		phyr_dmabuf_revoke(exp->dmabuf);
		unmap_mapping_range(exp->dmabuf->file->f_mapping, 0, 0, 1);
	}
	mutex_unlock(&p2p->exports_lock);
}

/**
 * p2p_prime_init - set up the export list of a GPU
 * @p2p: the GPU
 */
void p2p_prime_init(struct p2p_device *p2p)
{
	mutex_init(&p2p->exports_lock);
	INIT_LIST_HEAD(&p2p->exports);
}

/* Drop an imported BO's mapping for the engine, if it has one (resv held). */
static void p2p_import_unmap_locked(struct p2p_bo *bo)
{
	dma_resv_assert_held(bo->base.resv);
	if (bo->kind == P2P_BO_IMPORT_PHYR && bo->map) {
		phyr_unmap(bo->attach, bo->map);
		bo->map = NULL;
	} else if (bo->kind == P2P_BO_IMPORT_SG && bo->sgt) {
		dma_buf_unmap_attachment(bo->attach, bo->sgt, DMA_BIDIRECTIONAL);
		bo->sgt = NULL;
	}
}

/* invalidate_mappings of both kinds of import; called with the resv held. */
static void p2p_import_invalidate_bo(struct p2p_bo *bo)
{
	dma_resv_assert_held(bo->base.resv);
	if (!bo->map && !bo->sgt)
		return;
	/* Engine jobs still using the addresses finish first. */
	dma_resv_wait_timeout(bo->base.resv, DMA_RESV_USAGE_BOOKKEEP, false,
			      MAX_SCHEDULE_TIMEOUT);
	p2p_import_unmap_locked(bo);
}

static void p2p_import_invalidate(struct dma_buf_attachment *attach)
{
	p2p_import_invalidate_bo(phyr_attach_priv(attach));
}

static const struct phyr_importer_ops p2p_importer_ops = {
	.invalidate_mappings = p2p_import_invalidate,
};

static void p2p_import_sg_invalidate(struct dma_buf_attachment *attach)
{
	p2p_import_invalidate_bo(attach->importer_priv);
}

static const struct dma_buf_attach_ops p2p_sg_importer_ops = {
	.allow_peer2peer = true,
	.invalidate_mappings = p2p_import_sg_invalidate,
};

/**
 * p2p_import_ensure_mapped - map an imported BO for the engine if needed
 * @bo: an imported BO, its resv held
 *
 * Return: 0, or the error of phyr_map() or dma_buf_map_attachment() (-EREMOTEIO or
 * -EINVAL: the engine cannot reach the memory, -ENODEV: revoked).
 */
int p2p_import_ensure_mapped(struct p2p_bo *bo)
{
	struct phyr_mapping *map;
	struct sg_table *sgt;

	dma_resv_assert_held(bo->base.resv);
	if (bo->kind == P2P_BO_IMPORT_SG) {
		if (bo->sgt)
			return 0;
		sgt = dma_buf_map_attachment(bo->attach, DMA_BIDIRECTIONAL);
		if (IS_ERR(sgt))
			return PTR_ERR(sgt);
		bo->sgt = sgt;
		return 0;
	}
	if (bo->map)
		return 0;
	map = phyr_map(bo->attach);
	if (IS_ERR(map))
		return PTR_ERR(map);
	bo->map = map;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(p2p_import_ensure_mapped, "DRM_P2P_TEST");

/**
 * p2p_import_segs - the engine ranges of a mapped imported phyr BO
 * @bo: the BO, its resv held
 * @out: array receiving the ranges, or NULL to count
 *
 * Return: the number of ranges (0 when the BO is not mapped).
 */
unsigned int p2p_import_segs(struct p2p_bo *bo, struct p2p_seg *out)
{
	struct p2p_device *p2p = p2p_bo_dev(bo);
	u32 dma = p2p_edu_translated(p2p) ? DRM_P2P_PATH_IOVA : DRM_P2P_PATH_PHYS;
	unsigned int i;

	if (!bo->map)
		return 0;
	for (i = 0; out && i < bo->map->nr; i++) {
		out[i].addr = bo->map->ranges[i].addr;
		out[i].len = bo->map->ranges[i].len;
		out[i].path = bo->map->ranges[i].path == PHYR_MAP_BUS_ADDR ?
			      DRM_P2P_PATH_BUS : dma;
	}
	return bo->map->nr;
}

/**
 * p2p_import_release - undo an import (from the BO's free)
 * @bo: an imported BO
 */
void p2p_import_release(struct p2p_bo *bo)
{
	struct dma_buf_attachment *attach = bo->attach;
	struct dma_buf *dmabuf;

	if (!attach)
		return;
	dmabuf = attach->dmabuf;
	dma_resv_lock(dmabuf->resv, NULL);
	p2p_import_unmap_locked(bo);
	dma_resv_unlock(dmabuf->resv);
	if (bo->kind == P2P_BO_IMPORT_PHYR)
		phyr_detach(dmabuf, attach);
	else
		dma_buf_detach(dmabuf, attach);
	bo->attach = NULL;
	bo->base.import_attach = NULL;
	dma_buf_put(dmabuf);
}

static int import_phyr(struct p2p_bo *bo, struct dma_buf *dmabuf)
{
	struct device *dev = p2p_engine_dev(p2p_bo_dev(bo));
	struct dma_buf_attachment *attach;
	int ret;

	attach = phyr_attach(dmabuf, dev, &p2p_importer_ops, bo);
	if (IS_ERR(attach))
		return PTR_ERR(attach);
	bo->attach = attach;
	get_dma_buf(dmabuf);
	/* Map now: a GPU that cannot reach the memory fails here, not at first use. */
	dma_resv_lock(dmabuf->resv, NULL);
	ret = p2p_import_ensure_mapped(bo);
	dma_resv_unlock(dmabuf->resv);
	return ret;
}

static int import_sg(struct p2p_bo *bo, struct dma_buf *dmabuf)
{
	struct device *dev = p2p_engine_dev(p2p_bo_dev(bo));
	struct dma_buf_attachment *attach;
	int ret;

	attach = dma_buf_dynamic_attach(dmabuf, dev, &p2p_sg_importer_ops, bo);
	if (IS_ERR(attach))
		return PTR_ERR(attach);
	bo->attach = attach;
	get_dma_buf(dmabuf);
	/* Map now: a GPU that cannot reach the memory fails here, not at first use. */
	dma_resv_lock(dmabuf->resv, NULL);
	ret = p2p_import_ensure_mapped(bo);
	dma_resv_unlock(dmabuf->resv);
	return ret;
}

/**
 * p2p_gem_prime_import - &drm_driver.gem_prime_import
 * @drm: the importing device
 * @dmabuf: the dma-buf
 *
 * Return: the BO, or an ERR_PTR(): -EREMOTEIO (a phyr dma-buf) or the exporter's
 * error, -EINVAL from upstream's phys_vec helper for one, when this GPU's engine
 * cannot reach the memory; -EOPNOTSUPP or -ENODEV when the exporter refuses the
 * attachment (vfio-pci: revoked device); -EINVAL for a buffer whose size is not
 * page aligned.
 */
struct drm_gem_object *p2p_gem_prime_import(struct drm_device *drm, struct dma_buf *dmabuf)
{
	struct p2p_device *p2p = to_p2p_dev(drm);
	struct p2p_bo *bo = p2p_dmabuf_bo(dmabuf);
	bool phyr = is_phyr_dmabuf(dmabuf);
	int ret;

	if (bo && bo->base.dev == drm) {
		drm_gem_object_get(&bo->base);
		return &bo->base;
	}
	if (!dmabuf->size || !PAGE_ALIGNED(dmabuf->size))
		return ERR_PTR(-EINVAL);

	bo = p2p_bo_alloc(p2p, dmabuf->size, phyr ? P2P_BO_IMPORT_PHYR : P2P_BO_IMPORT_SG,
			  dmabuf->resv);
	if (IS_ERR(bo))
		return ERR_CAST(bo);
	ret = phyr ? import_phyr(bo, dmabuf) : import_sg(bo, dmabuf);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	bo->base.import_attach = bo->attach;
	return &bo->base;
}
EXPORT_SYMBOL_NS_GPL(p2p_gem_prime_import, "DRM_P2P_TEST");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffer objects: VRAM (buddy blocks of the BAR) and system memory
 * (shmem pages mapped for the engine), CPU mappings, dumb buffers, and the list of
 * ranges through which the engine addresses a BO.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_prime.h>
#include <drm/drm_vma_manager.h>
#include <uapi/drm/drm_p2p_drm.h>

#include "p2p_drv.h"

/**
 * p2p_bo_alloc - allocate and initialise the GEM part of a BO
 * @p2p: the GPU
 * @size: bytes, page aligned
 * @kind: what backs it; SYSTEM gets a shmem file
 * @resv: reservation object to share (imports), or NULL
 *
 * Return: the BO (one reference) or an ERR_PTR().
 */
struct p2p_bo *p2p_bo_alloc(struct p2p_device *p2p, size_t size, enum p2p_bo_kind kind,
			    struct dma_resv *resv)
{
	struct p2p_bo *bo;
	int ret;

	bo = kzalloc_obj(*bo);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->kind = kind;
	INIT_LIST_HEAD(&bo->blocks);
	bo->base.funcs = &p2p_gem_funcs;
	bo->base.resv = resv;
	if (kind == P2P_BO_SYSTEM) {
		ret = drm_gem_object_init(&p2p->drm, &bo->base, size);
		if (ret) {
			kfree(bo);
			return ERR_PTR(ret);
		}
	} else {
		drm_gem_private_object_init(&p2p->drm, &bo->base, size);
	}
	return bo;
}

static int bo_init_vram(struct p2p_bo *bo, u32 flags)
{
	struct p2p_device *p2p = p2p_bo_dev(bo);
	int ret, idx;

	if (!drm_dev_enter(&p2p->drm, &idx))
		return -ENODEV;
	ret = p2p_vram_alloc(p2p, bo->base.size, flags & DRM_P2P_BO_CONTIGUOUS, &bo->blocks);
	if (!ret) {
		bo->contiguous = flags & DRM_P2P_BO_CONTIGUOUS;
		/* Never hand out what a previous owner left in VRAM. */
		p2p_vram_clear(p2p, &bo->blocks);
	}
	drm_dev_exit(idx);
	return ret;
}

static int bo_init_system(struct p2p_bo *bo)
{
	struct p2p_device *p2p = p2p_bo_dev(bo);
	unsigned int npages = bo->base.size >> PAGE_SHIFT;
	struct sg_table *sgt;
	struct page **pages;
	int ret;

	pages = drm_gem_get_pages(&bo->base);
	if (IS_ERR(pages))
		return PTR_ERR(pages);
	bo->pages = pages;
	sgt = drm_prime_pages_to_sg(&p2p->drm, pages, npages);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	ret = dma_map_sgtable(p2p_engine_dev(p2p), sgt, DMA_BIDIRECTIONAL,
			      DMA_ATTR_SKIP_CPU_SYNC);
	if (ret) {
		sg_free_table(sgt);
		kfree(sgt);
		return ret;
	}
	bo->sgt = sgt;
	return 0;
}

/**
 * p2p_bo_create - create a VRAM or system BO
 * @p2p: the GPU
 * @size: bytes requested (rounded up to 4 KiB)
 * @flags: DRM_P2P_BO_*
 *
 * Return: the BO or an ERR_PTR(): -EINVAL for bad flags or sizes, -ENOSPC when the
 * VRAM is exhausted, -ENOMEM when memory is.
 */
struct p2p_bo *p2p_bo_create(struct p2p_device *p2p, u64 size, u32 flags)
{
	u32 placement = flags & DRM_P2P_BO_PLACEMENT_MASK;
	struct p2p_bo *bo;
	int ret;

	if (flags & ~DRM_P2P_BO_FLAGS || hweight32(placement) != 1 ||
	    (placement == DRM_P2P_BO_SYSTEM && (flags & DRM_P2P_BO_CONTIGUOUS)))
		return ERR_PTR(-EINVAL);
	if (!size || size > U64_MAX - PAGE_SIZE + 1)
		return ERR_PTR(-EINVAL);
	size = PAGE_ALIGN(size);
	if (placement == DRM_P2P_BO_VRAM) {
		if (size > p2p->vram.size)
			return ERR_PTR(-ENOSPC);
	} else {
		/* drm_gem_get_pages() allocates a pointer per page with kvmalloc() */
		if (size >> PAGE_SHIFT > totalram_pages() ||
		    (size >> PAGE_SHIFT) > INT_MAX / sizeof(struct page *))
			return ERR_PTR(-ENOMEM);
	}

	bo = p2p_bo_alloc(p2p, size, placement == DRM_P2P_BO_VRAM ? P2P_BO_VRAM :
			  P2P_BO_SYSTEM, NULL);
	if (IS_ERR(bo))
		return bo;
	if (placement == DRM_P2P_BO_VRAM)
		ret = bo_init_vram(bo, flags);
	else
		ret = bo_init_system(bo);
	if (ret) {
		drm_gem_object_put(&bo->base);
		return ERR_PTR(ret);
	}
	return bo;
}
EXPORT_SYMBOL_NS_GPL(p2p_bo_create, "DRM_P2P_TEST");

/**
 * p2p_bo_create_handle - create a BO and a handle for it
 * @file: the DRM file
 * @p2p: the GPU
 * @size: bytes requested; the BO's size is @size rounded up to 4 KiB
 * @flags: DRM_P2P_BO_*
 * @handle: receives the handle
 *
 * Return: 0 or a negative errno (see p2p_bo_create()).
 */
int p2p_bo_create_handle(struct drm_file *file, struct p2p_device *p2p, u64 size,
			 u32 flags, u32 *handle)
{
	struct p2p_bo *bo;
	int ret;

	bo = p2p_bo_create(p2p, size, flags);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	ret = drm_gem_handle_create(file, &bo->base, handle);
	drm_gem_object_put(&bo->base);
	return ret;
}

/**
 * p2p_dumb_create - &drm_driver.dumb_create: dumb buffers live in VRAM
 * @file: the DRM file
 * @drm: the DRM device
 * @args: the request
 *
 * Dumb buffers are contiguous in VRAM when possible, so that importers that need a
 * kernel mapping (vmap) of the whole buffer get one.
 *
 * Return: 0 or a negative errno.
 */
int p2p_dumb_create(struct drm_file *file, struct drm_device *drm,
		    struct drm_mode_create_dumb *args)
{
	struct p2p_device *p2p = to_p2p_dev(drm);
	u32 pitch;
	u64 size;
	int ret;

	if (!args->width || !args->height || !args->bpp)
		return -EINVAL;
	if (check_mul_overflow(args->width, DIV_ROUND_UP(args->bpp, 8), &pitch))
		return -EINVAL;
	pitch = ALIGN(pitch, 64);
	if (!pitch)
		return -EINVAL;
	size = (u64)pitch * args->height;
	ret = p2p_bo_create_handle(file, p2p, size, DRM_P2P_BO_VRAM | DRM_P2P_BO_CONTIGUOUS,
				   &args->handle);
	if (ret == -ENOSPC)
		ret = p2p_bo_create_handle(file, p2p, size, DRM_P2P_BO_VRAM, &args->handle);
	if (ret)
		return ret;
	args->pitch = pitch;
	args->size = PAGE_ALIGN(size);
	return 0;
}

static void p2p_gem_free(struct drm_gem_object *obj)
{
	struct p2p_bo *bo = to_p2p_bo(obj);
	struct p2p_device *p2p = p2p_bo_dev(bo);

	switch (bo->kind) {
	case P2P_BO_VRAM:
		p2p_vram_free(p2p, &bo->blocks);
		break;
	case P2P_BO_SYSTEM:
		if (bo->sgt) {
			dma_unmap_sgtable(p2p_engine_dev(p2p), bo->sgt, DMA_BIDIRECTIONAL,
					  DMA_ATTR_SKIP_CPU_SYNC);
			sg_free_table(bo->sgt);
			kfree(bo->sgt);
		}
		if (bo->pages)
			drm_gem_put_pages(obj, bo->pages, true, true);
		break;
	case P2P_BO_IMPORT_PHYR:
	case P2P_BO_IMPORT_SG:
		p2p_import_release(bo);
		break;
	}
	drm_gem_object_release(obj);
	kfree(bo);
}

/*
 * The VRAM offset of byte @offset of a VRAM BO, and how many bytes from there are
 * contiguous.
 */
static u64 bo_vram_offset(struct p2p_bo *bo, u64 offset, u64 *contig)
{
	struct gpu_buddy *mm = &p2p_bo_dev(bo)->vram.mm;
	struct gpu_buddy_block *block;

	list_for_each_entry(block, &bo->blocks, link) {
		u64 len = gpu_buddy_block_size(mm, block);

		if (offset < len) {
			if (contig)
				*contig = len - offset;
			return gpu_buddy_block_offset(block) + offset;
		}
		offset -= len;
	}
	return U64_MAX;
}

/**
 * p2p_bo_vram_phys - CPU physical address of a byte of a VRAM BO
 * @bo: a VRAM BO
 * @offset: byte offset in it
 *
 * Return: the address (the BO's blocks do not move).
 */
phys_addr_t p2p_bo_vram_phys(struct p2p_bo *bo, u64 offset)
{
	return p2p_bo_dev(bo)->vram_phys + bo_vram_offset(bo, offset, NULL);
}
EXPORT_SYMBOL_NS_GPL(p2p_bo_vram_phys, "DRM_P2P_TEST");

static unsigned int bo_all_segs(struct p2p_bo *bo, struct p2p_seg *out);

static vm_fault_t p2p_gem_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct drm_gem_object *obj = vma->vm_private_data;
	struct p2p_bo *bo = to_p2p_bo(obj);
	struct p2p_device *p2p = p2p_bo_dev(bo);
	unsigned long pgoff = vmf->pgoff - drm_vma_node_start(&obj->vma_node);
	unsigned long pfn;
	vm_fault_t ret;
	int idx;

	if (pgoff >= obj->size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	if (bo->kind == P2P_BO_SYSTEM)
		return vmf_insert_pfn(vma, vmf->address, page_to_pfn(bo->pages[pgoff]));

	/* The BAR is only ours while the device is bound. */
	if (!drm_dev_enter(obj->dev, &idx))
		return VM_FAULT_SIGBUS;
	pfn = PHYS_PFN(p2p->vram_phys + bo_vram_offset(bo, (u64)pgoff << PAGE_SHIFT, NULL));
	ret = vmf_insert_pfn(vma, vmf->address, pfn);
	drm_dev_exit(idx);
	return ret;
}

static const struct vm_operations_struct p2p_gem_vm_ops = {
	.fault = p2p_gem_fault,
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static int p2p_gem_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct p2p_bo *bo = to_p2p_bo(obj);

	if (bo->kind != P2P_BO_VRAM && bo->kind != P2P_BO_SYSTEM)
		return -EINVAL;
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	if (bo->kind == P2P_BO_VRAM) {
		vm_flags_set(vma, VM_IO);
		vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	} else {
		vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	}
	return 0;
}

static int p2p_gem_vmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	struct p2p_bo *bo = to_p2p_bo(obj);
	struct p2p_device *p2p = p2p_bo_dev(bo);
	void *vaddr;
	int idx;

	switch (bo->kind) {
	case P2P_BO_VRAM:
		/* One kernel mapping of the BAR: only for BOs that are one range. */
		if (bo_all_segs(bo, NULL) != 1)
			return -EINVAL;
		if (!drm_dev_enter(obj->dev, &idx))
			return -ENODEV;
		iosys_map_set_vaddr_iomem(map, p2p->vram_io + bo_vram_offset(bo, 0, NULL));
		drm_dev_exit(idx);
		return 0;
	case P2P_BO_SYSTEM:
		vaddr = vmap(bo->pages, obj->size >> PAGE_SHIFT, VM_MAP, PAGE_KERNEL);
		if (!vaddr)
			return -ENOMEM;
		iosys_map_set_vaddr(map, vaddr);
		return 0;
	default:
		return -EINVAL;
	}
}

static void p2p_gem_vunmap(struct drm_gem_object *obj, struct iosys_map *map)
{
	if (!map->is_iomem)
		vunmap(map->vaddr);
}

const struct drm_gem_object_funcs p2p_gem_funcs = {
	.free = p2p_gem_free,
	.export = p2p_gem_prime_export,
	.vmap = p2p_gem_vmap,
	.vunmap = p2p_gem_vunmap,
	.mmap = p2p_gem_mmap,
	.vm_ops = &p2p_gem_vm_ops,
};

static u32 dma_path(struct p2p_device *p2p)
{
	return p2p_edu_translated(p2p) ? DRM_P2P_PATH_IOVA : DRM_P2P_PATH_PHYS;
}

/* Append @s to the ranges in @out (NULL: only count), merging with the last one. */
static void seg_emit(struct p2p_seg *out, unsigned int *nr, struct p2p_seg *last,
		     const struct p2p_seg *s)
{
	if (*nr && last->path == s->path && last->addr + last->len == s->addr) {
		last->len += s->len;
	} else {
		*last = *s;
		(*nr)++;
	}
	if (out)
		out[*nr - 1] = *last;
}

/* The BO's ranges, merged where contiguous; @out may be NULL to count. */
static unsigned int bo_all_segs(struct p2p_bo *bo, struct p2p_seg *out)
{
	struct p2p_device *p2p = p2p_bo_dev(bo);
	struct p2p_seg last = {}, s;
	struct gpu_buddy_block *block;
	struct scatterlist *sg;
	unsigned int nr = 0, i;

	switch (bo->kind) {
	case P2P_BO_VRAM:
		list_for_each_entry(block, &bo->blocks, link) {
			s.addr = gpu_buddy_block_offset(block);
			s.len = gpu_buddy_block_size(&p2p->vram.mm, block);
			s.path = DRM_P2P_PATH_LOCAL;
			seg_emit(out, &nr, &last, &s);
		}
		break;
	case P2P_BO_SYSTEM:
	case P2P_BO_IMPORT_SG:
		if (!bo->sgt)	/* an import, invalidated */
			break;
		for_each_sgtable_dma_sg(bo->sgt, sg, i) {
			s.addr = sg_dma_address(sg);
			s.len = sg_dma_len(sg);
			s.path = dma_path(p2p);
			seg_emit(out, &nr, &last, &s);
		}
		break;
	case P2P_BO_IMPORT_PHYR:
		nr = p2p_import_segs(bo, out);
		break;
	}
	return nr;
}

/**
 * p2p_bo_segs - the ranges through which the engine addresses part of a BO
 * @bo: the BO; an imported BO must be mapped (p2p_import_ensure_mapped(), resv held)
 * @offset: first byte
 * @size: bytes, > 0; [@offset, @offset + @size) inside the BO
 * @segs: receives a kmalloc()ed array, in buffer order
 * @nr: receives its length
 *
 * Return: 0 or -ENOMEM.
 */
int p2p_bo_segs(struct p2p_bo *bo, u64 offset, u64 size, struct p2p_seg **segs,
		unsigned int *nr)
{
	unsigned int n = bo_all_segs(bo, NULL), i, cnt = 0;
	u64 pos = 0, end = offset + size;
	struct p2p_seg *all;

	all = kmalloc_array(max(n, 1u), sizeof(*all), GFP_KERNEL);
	if (!all)
		return -ENOMEM;
	n = bo_all_segs(bo, all);
	for (i = 0; i < n; i++) {
		struct p2p_seg s = all[i];
		u64 lo = max(offset, pos), hi = min(end, pos + s.len);

		if (lo < hi) {
			all[cnt].addr = s.addr + (lo - pos);
			all[cnt].len = hi - lo;
			all[cnt].path = s.path;
			cnt++;
		}
		pos += s.len;
	}
	*segs = all;
	*nr = cnt;
	return 0;
}

/**
 * p2p_bo_nr_segs - number of contiguous ranges of a BO
 * @bo: the BO (an imported BO must be mapped)
 *
 * Return: the count.
 */
unsigned int p2p_bo_nr_segs(struct p2p_bo *bo)
{
	return bo_all_segs(bo, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_svm_engine.c - the GPU engine's view of memory for SVM.
 *
 * The engine only has DMA addresses, the ones its own device was given.  An
 * access resolves the address the way the hardware does: through the engine
 * function's IOMMU domain when it translates (an unmapped IOVA is a DMA
 * fault, -EFAULT), else the address is the physical (= bus, on x86/QEMU)
 * address.  The physical page is then either a GPU's VRAM (the BAR) or
 * system RAM.  There is no shortcut through a struct page or a kernel
 * mapping the caller may hold.
 */
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>

#include "p2p_svm_internal.h"

static int p2p_svm_engine_resolve(struct p2p_svm_device *sdev, dma_addr_t dma,
				  phys_addr_t *phys)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(sdev->engine);

	if (dom && (dom->type & __IOMMU_DOMAIN_PAGING)) {
		*phys = iommu_iova_to_phys(dom, dma);
		if (!*phys)
			return -EFAULT;
	} else {
		*phys = dma;
	}
	return 0;
}

static int p2p_svm_engine_xfer(struct p2p_svm_device *sdev, dma_addr_t dma,
			       void *buf, size_t len, bool write)
{
	void __iomem *io;
	phys_addr_t phys;
	struct page *page;
	void *va;
	int ret;

	if (len > PAGE_SIZE - offset_in_page(dma))
		return -EINVAL;
	if (sdev->engine_access)
		return sdev->engine_access(sdev->drm, dma, buf, len, write);
	ret = p2p_svm_engine_resolve(sdev, dma, &phys);
	if (ret)
		return ret;

	rcu_read_lock();
	io = p2p_svm_phys_to_vram(phys, len);
	if (io) {
		if (write)
			memcpy_toio(io, buf, len);
		else
			memcpy_fromio(buf, io, len);
		rcu_read_unlock();
		return 0;
	}
	rcu_read_unlock();

	if (!pfn_valid(PHYS_PFN(phys)))
		return -EIO;
	page = pfn_to_page(PHYS_PFN(phys));
	if (is_zone_device_page(page))
		return -EIO;
	va = kmap_local_page(page);
	if (write)
		memcpy(va + offset_in_page(phys), buf, len);
	else
		memcpy(buf, va + offset_in_page(phys), len);
	kunmap_local(va);
	return 0;
}

/**
 * p2p_svm_engine_read() - the engine reads memory at one of its addresses
 * @sdev: the GPU
 * @dma: the engine's address
 * @buf: destination
 * @len: bytes, not crossing a page boundary
 *
 * Return: 0, -EFAULT if the IOMMU has no mapping, -EIO if the address is
 * neither RAM nor a GPU's SVM VRAM.
 */
int p2p_svm_engine_read(struct p2p_svm_device *sdev, dma_addr_t dma,
			void *buf, size_t len)
{
	return p2p_svm_engine_xfer(sdev, dma, buf, len, false);
}

/**
 * p2p_svm_engine_write() - the engine writes memory at one of its addresses
 * @sdev: the GPU
 * @dma: the engine's address
 * @buf: source
 * @len: bytes, not crossing a page boundary
 *
 * Return: as p2p_svm_engine_read().
 */
int p2p_svm_engine_write(struct p2p_svm_device *sdev, dma_addr_t dma,
			 const void *buf, size_t len)
{
	return p2p_svm_engine_xfer(sdev, dma, (void *)buf, len, true);
}

/**
 * p2p_svm_map_page() - map a system page for the engine
 * @sdev: the GPU whose engine will access the page
 * @page: the page
 * @dir: DMA direction
 * @attrs: DMA_ATTR_*
 * @dma: the engine address, out
 *
 * The mapping and its dma_mapping_error() check are one step under
 * @sdev->map_lock.  DMA-API debugging pairs them by device address, which two
 * mappings of one page share when no IOMMU translates: a mapping of the same
 * page by another thread in between would take the check for itself, and the
 * first mapping would be reported unchecked at its unmap.
 *
 * Return: 0 or -ENOMEM.
 */
int p2p_svm_map_page(struct p2p_svm_device *sdev, struct page *page,
		     enum dma_data_direction dir, unsigned long attrs, dma_addr_t *dma)
{
	int ret = 0;

	spin_lock(&sdev->map_lock);
	*dma = dma_map_page_attrs(sdev->engine, page, 0, PAGE_SIZE, dir, attrs);
	if (dma_mapping_error(sdev->engine, *dma))
		ret = -ENOMEM;
	spin_unlock(&sdev->map_lock);
	return ret;
}

/* The engine address of a page for the migration copy, mapped if needed. */
static int p2p_svm_page_dma(struct p2p_svm_device *sdev, struct page *page,
			    enum dma_data_direction dir, dma_addr_t *dma, bool *mapped)
{
	struct p2p_svm_device *owner = p2p_svm_dev_of_page(page);

	*mapped = false;
	if (owner) {
		struct p2p_svm_peer *w = &sdev->peer[owner->index];

		if (!READ_ONCE(w->mapped))
			return -EREMOTEIO;
		*dma = w->dma + ((dma_addr_t)p2p_svm_vram_index(owner, page) << PAGE_SHIFT);
		return 0;
	}
	if (p2p_svm_map_page(sdev, page, dir, 0, dma))
		return -ENOMEM;
	*mapped = true;
	return 0;
}

/**
 * p2p_svm_copy_page() - the engine copies one page (migration)
 * @sdev: the GPU whose engine copies; it must reach both pages
 * @dst: destination page (system or device-private)
 * @src: source page (system or device-private), NULL to clear @dst
 * @tmp: PAGE_SIZE bytes of scratch (the engine's internal buffer)
 *
 * Return: 0 or a negative errno.
 */
int p2p_svm_copy_page(struct p2p_svm_device *sdev, struct page *dst,
		      struct page *src, void *tmp)
{
	dma_addr_t sdma = 0, ddma;
	bool smapped = false, dmapped;
	int ret;

	ret = p2p_svm_page_dma(sdev, dst, DMA_FROM_DEVICE, &ddma, &dmapped);
	if (ret)
		return ret;
	if (src) {
		ret = p2p_svm_page_dma(sdev, src, DMA_TO_DEVICE, &sdma, &smapped);
		if (ret)
			goto out;
		ret = p2p_svm_engine_read(sdev, sdma, tmp, PAGE_SIZE);
	} else {
		memset(tmp, 0, PAGE_SIZE);
	}
	if (!ret)
		ret = p2p_svm_engine_write(sdev, ddma, tmp, PAGE_SIZE);
	if (smapped)
		dma_unmap_page(sdev->engine, sdma, PAGE_SIZE, DMA_TO_DEVICE);
out:
	if (dmapped)
		dma_unmap_page(sdev->engine, ddma, PAGE_SIZE, DMA_FROM_DEVICE);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GPU's DMA engine: QEMU's edu device, function 1 of the GPU's slot (its
 * registers and commands: include/qemu_gpu.h).  The driver polls for
 * completion.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/io.h>
#include <linux/pci.h>

#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <uapi/drm/drm_p2p_drm.h>

#include <qemu_gpu.h>

#include "p2p_drv.h"

#define EDU_BOUNCE_SIZE		PAGE_SIZE

static void p2p_edu_release(struct drm_device *drm, void *data)
{
	struct p2p_edu *e = &to_p2p_dev(drm)->edu;

	pci_dev_put(e->pdev);
	mutex_destroy(&e->lock);
}

/**
 * p2p_edu_init - take the engine function of a GPU
 * @p2p: the GPU
 * @edu: its engine function; the caller's reference is transferred
 *
 * The GPU driver owns both functions of its slot: the engine is enabled, made a bus
 * master with a 64-bit DMA mask, and its registers are requested for drm_p2p.
 *
 * Return: 0 or a negative errno; the reference on @edu is dropped when the DRM
 * device is released, the hardware set-up is undone by p2p_edu_fini().
 */
int p2p_edu_init(struct p2p_device *p2p, struct pci_dev *edu)
{
	struct p2p_edu *e = &p2p->edu;
	u32 ident;
	int ret;

	mutex_init(&e->lock);
	e->pdev = edu;
	/* The reference lives as long as the DRM device: BOs unmap with it. */
	ret = drmm_add_action_or_reset(&p2p->drm, p2p_edu_release, NULL);
	if (ret)
		return ret;
	ret = pci_enable_device_mem(edu);
	if (ret)
		return ret;
	e->enabled = true;
	ret = pci_request_region(edu, 0, P2P_DRIVER_NAME);
	if (ret)
		return ret;
	e->regs = pci_iomap(edu, 0, 0);
	if (!e->regs) {
		pci_release_region(edu, 0);
		return -ENOMEM;
	}
	ident = readl(e->regs + EDU_IDENT);
	if ((ident & 0xff) != EDU_IDENT_MAGIC) {
		drm_err(&p2p->drm, "engine %s: bad ident %#x\n", pci_name(edu), ident);
		return -ENODEV;
	}
	pci_set_master(edu);
	ret = dma_set_mask_and_coherent(&edu->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	/* The bulk engine takes segments of any length (scatterlists of BOs). */
	dma_set_max_seg_size(&edu->dev, UINT_MAX);
	e->bounce = dma_alloc_coherent(&edu->dev, EDU_BOUNCE_SIZE, &e->bounce_dma,
				       GFP_KERNEL);
	if (!e->bounce)
		return -ENOMEM;
	return 0;
}

/**
 * p2p_edu_fini - stop using the engine function
 * @p2p: the GPU
 *
 * Undoes the hardware set-up of p2p_edu_init(), also after a partial failure.  The
 * device reference stays until the DRM device is released.
 */
void p2p_edu_fini(struct p2p_device *p2p)
{
	struct p2p_edu *e = &p2p->edu;

	if (!e->pdev)
		return;
	if (e->bounce)
		dma_free_coherent(&e->pdev->dev, EDU_BOUNCE_SIZE, e->bounce, e->bounce_dma);
	e->bounce = NULL;
	if (e->regs) {
		pci_clear_master(e->pdev);
		pci_iounmap(e->pdev, e->regs);
		pci_release_region(e->pdev, 0);
	}
	e->regs = NULL;
	if (e->enabled)
		pci_disable_device(e->pdev);
	e->enabled = false;
}

/**
 * p2p_edu_translated - whether an IOMMU translates the engine's DMA
 * @p2p: the GPU
 *
 * Return: true if the engine's device is attached to a paging (DMA) domain.
 */
bool p2p_edu_translated(struct p2p_device *p2p)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(p2p_engine_dev(p2p));

	return dom && (dom->type & __IOMMU_DOMAIN_PAGING);
}
EXPORT_SYMBOL_NS_GPL(p2p_edu_translated, "DRM_P2P_TEST");

/**
 * p2p_edu_dma - one DMA transfer of the engine at a device address
 * @p2p: the GPU
 * @addr: device address, as this engine must use it
 * @buf: kernel buffer of @len bytes: receives the data, or holds it if @write
 * @len: 1 .. DRM_P2P_PROBE_MAX bytes
 * @write: transfer @buf to @addr; else read @addr into @buf
 *
 * The engine goes through its internal buffer and a coherent bounce buffer, so the
 * only access to @addr is the engine's own DMA.  Sleeps (each command takes 100 ms
 * of virtual time).
 *
 * Return: 0 when the commands completed, -ETIMEDOUT when the engine did not finish,
 * -EINVAL for a bad length.
 */
int p2p_edu_dma(struct p2p_device *p2p, dma_addr_t addr, void *buf, u32 len, bool write)
{
	struct p2p_edu *e = &p2p->edu;
	int ret;

	BUILD_BUG_ON(DRM_P2P_PROBE_MAX != EDU_MAX_XFER);
	if (!len || len > DRM_P2P_PROBE_MAX)
		return -EINVAL;
	mutex_lock(&e->lock);
	if (write) {
		memcpy(e->bounce, buf, len);
		ret = qemu_edu_dma_write(e->regs, addr, e->bounce_dma, len);
	} else {
		ret = qemu_edu_dma_read(e->regs, addr, e->bounce_dma, len);
		if (!ret)
			memcpy(buf, e->bounce, len);
	}
	mutex_unlock(&e->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(p2p_edu_dma, "DRM_P2P_TEST");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GPU's DMA engine: QEMU's edu device, function 1 of the GPU's slot.
 *
 * A command moves at most 2048 bytes between a device address and the engine's
 * internal buffer (at 0x40000 in its own address space), and takes 100 ms of virtual
 * time.  The driver polls for completion.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/io.h>
#include <linux/pci.h>

#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <uapi/drm/drm_p2p_drm.h>

#include "p2p_drv.h"

#define EDU_IDENT		0x00
#define EDU_IDENT_MAGIC		0xed
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_CMD_START		BIT(0)
#define EDU_CMD_TO_RAM		BIT(1)
#define EDU_BUFFER		0x40000
#define EDU_TIMEOUT_MS		3000
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
	ret = dma_set_max_seg_size(&edu->dev, UINT_MAX);
	if (ret)
		return ret;
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
EXPORT_SYMBOL_NS_GPL(p2p_edu_translated, DRM_P2P_TEST);

static int edu_cmd(struct p2p_edu *e, u64 src, u64 dst, u32 len, u32 cmd)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(EDU_TIMEOUT_MS);

	/* The address registers take 64-bit accesses only (no high half at +4). */
	writeq(src, e->regs + EDU_DMA_SRC);
	writeq(dst, e->regs + EDU_DMA_DST);
	writeq(len, e->regs + EDU_DMA_COUNT);
	writel(cmd | EDU_CMD_START, e->regs + EDU_DMA_CMD);
	while (readl(e->regs + EDU_DMA_CMD) & EDU_CMD_START) {
		if (time_after(jiffies, timeout))
			return -ETIMEDOUT;
		usleep_range(10000, 20000);
	}
	return 0;
}

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

	if (!len || len > DRM_P2P_PROBE_MAX)
		return -EINVAL;
	mutex_lock(&e->lock);
	if (write) {
		memcpy(e->bounce, buf, len);
		ret = edu_cmd(e, e->bounce_dma, EDU_BUFFER, len, 0);
		if (!ret)
			ret = edu_cmd(e, EDU_BUFFER, addr, len, EDU_CMD_TO_RAM);
	} else {
		ret = edu_cmd(e, addr, EDU_BUFFER, len, 0);
		if (!ret)
			ret = edu_cmd(e, EDU_BUFFER, e->bounce_dma, len, EDU_CMD_TO_RAM);
		if (!ret)
			memcpy(buf, e->bounce, len);
	}
	mutex_unlock(&e->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(p2p_edu_dma, DRM_P2P_TEST);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * drm_p2p: the DRM driver of the emulated GPUs.
 *
 * The PCI driver matches ivshmem functions (1af4:1110) and binds only those that are
 * function 0 of a slot whose function 1 is an edu device (1234:11e8): such a slot is
 * one GPU, its ivshmem BAR2 the VRAM, its edu function the DMA engine.  The GPU
 * driver owns both functions of its slot; a lone ivshmem or edu is left alone.
 * Each GPU is one DRM device (primary and render node) whose parent is the VRAM
 * function, so libdrm lists it as a PCI device.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/sizes.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <linux/dmabuf_phyr.h>
#include <uapi/drm/drm_p2p_drm.h>
#include <uapi/drm/drm_p2p_svm.h>

#include <qemu_gpu.h>

#include "p2p_drv.h"
#include "p2p_svm.h"

static unsigned int vram_mb;
module_param(vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb, "VRAM managed per GPU in MiB (0 = the whole BAR, default)");

static const struct drm_ioctl_desc p2p_ioctls[] = {
	DRM_IOCTL_DEF_DRV(P2P_GET_INFO, p2p_ioctl_get_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_BO_CREATE, p2p_ioctl_bo_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_BO_MMAP_OFFSET, p2p_ioctl_bo_mmap_offset, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_BO_WAIT, p2p_ioctl_bo_wait, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_BO_INFO, p2p_ioctl_bo_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_FILL, p2p_ioctl_fill, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_COPY, p2p_ioctl_copy, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_CHECKSUM, p2p_ioctl_checksum, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_PROBE, p2p_ioctl_probe, DRM_RENDER_ALLOW),
	/* CAP_SYS_ADMIN is checked by the handlers (-EPERM). */
	DRM_IOCTL_DEF_DRV(P2P_BO_DMA_INFO, p2p_ioctl_bo_dma_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_PROBE_ADDR, p2p_ioctl_probe_addr, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_SVM_CREATE, p2p_svm_ioctl_create, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_SVM_DESTROY, p2p_svm_ioctl_destroy, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_SVM_ACCESS, p2p_svm_ioctl_access, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_SVM_MIGRATE, p2p_svm_ioctl_migrate, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_SVM_STATS, p2p_svm_ioctl_stats, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(P2P_SVM_QUERY, p2p_svm_ioctl_query, DRM_RENDER_ALLOW),
};

DEFINE_DRM_GEM_FOPS(p2p_fops);

static const struct drm_driver p2p_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ,
	.ioctls = p2p_ioctls,
	.num_ioctls = ARRAY_SIZE(p2p_ioctls),
	.fops = &p2p_fops,
	.dumb_create = p2p_dumb_create,
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,
	.gem_prime_import = p2p_gem_prime_import,
	.debugfs_init = p2p_debugfs_init,
	.postclose = p2p_svm_postclose,
	.name = P2P_DRIVER_NAME,
	.desc = "Emulated GPUs with peer-to-peer VRAM",
	.major = 1,
	.minor = DRM_P2P_UAPI_VERSION,
};

/* Function 1 of @pdev's slot if it is the GPU's engine; referenced. */
static struct pci_dev *p2p_find_engine(struct pci_dev *pdev)
{
	if (PCI_FUNC(pdev->devfn) != 0)
		return NULL;
	return qemu_gpu_engine_of(pdev);
}

static void p2p_provider_release(struct drm_device *drm, void *data)
{
	struct p2p_device *p2p = to_p2p_dev(drm);

	if (!IS_ERR_OR_NULL(p2p->provider))
		phyr_provider_put(p2p->provider);
	p2p->provider = NULL;
}

/* Undo the hardware set-up of p2p_hw_init(); the DRM device may live on. */
static void p2p_hw_fini(struct p2p_device *p2p)
{
	p2p_engine_fini(p2p);
	p2p_fabric_unregister(p2p);
	p2p_edu_fini(p2p);
	if (p2p->vram_io) {
		iounmap(p2p->vram_io);
		p2p->vram_io = NULL;
	}
	if (p2p->region_requested) {
		pci_release_region(p2p->pdev, P2P_VRAM_BAR);
		p2p->region_requested = false;
	}
}

static int p2p_hw_init(struct p2p_device *p2p, struct pci_dev *edu)
{
	struct pci_dev *pdev = p2p->pdev;
	u64 size;
	int ret;

	ret = p2p_edu_init(p2p, edu);
	if (ret)
		return ret;

	if (!(pci_resource_flags(pdev, P2P_VRAM_BAR) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, P2P_VRAM_BAR) < P2P_VRAM_CHUNK)
		return -ENODEV;
	ret = pci_request_region(pdev, P2P_VRAM_BAR, P2P_DRIVER_NAME);
	if (ret)
		return ret;
	p2p->region_requested = true;
	p2p->vram_phys = pci_resource_start(pdev, P2P_VRAM_BAR);
	p2p->vram_bar_size = pci_resource_len(pdev, P2P_VRAM_BAR);
	p2p->vram_io = ioremap_wc(p2p->vram_phys, p2p->vram_bar_size);
	if (!p2p->vram_io)
		return -ENOMEM;

	size = p2p->vram_bar_size;
	if (vram_mb)
		size = min_t(u64, size, (u64)vram_mb * SZ_1M);
	size = ALIGN_DOWN(size, P2P_VRAM_CHUNK);
	ret = p2p_vram_init(p2p, size);
	if (ret)
		return ret;

	/*
	 * The P2P DMA core's state for our BARs: its map type cache, and the
	 * p2pdma_provider that the phyr provider wraps until we unbind.
	 */
	ret = pcim_p2pdma_init(pdev);
	if (ret)
		return ret;
	p2p->provider = phyr_provider_create_p2p(pdev, P2P_VRAM_BAR);
	if (IS_ERR(p2p->provider))
		return PTR_ERR(p2p->provider);
	ret = drmm_add_action_or_reset(&p2p->drm, p2p_provider_release, NULL);
	if (ret)
		return ret;

	ret = p2p_engine_init(p2p);
	if (ret)
		return ret;
	return p2p_fabric_register(p2p);
}

static int p2p_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct p2p_device *p2p;
	struct pci_dev *edu;
	int ret;

	edu = p2p_find_engine(pdev);
	if (!edu)
		return -ENODEV;	/* not a GPU slot: leave the function alone */
	if (edu->driver) {
		dev_info(&pdev->dev, "engine %s is driven by %s, not binding\n",
			 pci_name(edu), edu->driver->name);
		pci_dev_put(edu);
		return -EBUSY;
	}

	ret = pcim_enable_device(pdev);
	if (ret) {
		pci_dev_put(edu);
		return ret;
	}
	p2p = devm_drm_dev_alloc(&pdev->dev, &p2p_drm_driver, struct p2p_device, drm);
	if (IS_ERR(p2p)) {
		pci_dev_put(edu);
		return PTR_ERR(p2p);
	}
	p2p->pdev = pdev;
	pci_set_drvdata(pdev, p2p);
	p2p_prime_init(p2p);

	ret = p2p_hw_init(p2p, edu);
	if (ret)
		goto err;
	ret = drm_dev_register(&p2p->drm, 0);
	if (ret)
		goto err;
	drm_info(&p2p->drm, "GPU %u: VRAM %s/bar%d %pa, %llu MiB managed, engine %s%s\n",
		 p2p->index, pci_name(pdev), P2P_VRAM_BAR, &p2p->vram_phys,
		 p2p->vram.size >> 20, pci_name(edu),
		 p2p_edu_translated(p2p) ? " (IOMMU)" : "");
	p2p_svm_attach(p2p);	/* optional: the log says why when it fails */
	return 0;
err:
	p2p_hw_fini(p2p);
	return ret;
}

static void p2p_pci_remove(struct pci_dev *pdev)
{
	struct p2p_device *p2p = pci_get_drvdata(pdev);

	/* No new ioctls, CPU mappings of the VRAM zapped. */
	drm_dev_unplug(&p2p->drm);
	/* Importers (other GPUs' engines) stop using the VRAM before it goes. */
	p2p_prime_revoke_all(p2p);
	p2p_svm_detach(p2p);
	p2p_hw_fini(p2p);
}

static const struct pci_device_id p2p_pci_ids[] = {
	{ PCI_DEVICE(QEMU_GPU_IVSHMEM_VENDOR, QEMU_GPU_IVSHMEM_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, p2p_pci_ids);

static struct pci_driver p2p_pci_driver = {
	.name = P2P_DRIVER_NAME,
	.id_table = p2p_pci_ids,
	.probe = p2p_pci_probe,
	.remove = p2p_pci_remove,
};
module_pci_driver(p2p_pci_driver);

MODULE_DESCRIPTION("DRM driver for emulated GPUs sharing VRAM peer-to-peer");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMABUF_PHYR");
MODULE_IMPORT_NS("DMA_BUF");

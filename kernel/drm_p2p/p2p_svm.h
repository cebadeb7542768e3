/* SPDX-License-Identifier: GPL-2.0 */
/*
 * p2p_svm.h - interface between the drm_p2p device and its SVM part.
 *
 * The device gives SVM a slice of its VRAM and the two functions of its PCI
 * slot; SVM does the rest (HMM mirror, DEVICE_PRIVATE pagemap of the slice,
 * migration, peer-to-peer faults).  For drm_p2p, p2p_svm_glue.c does the
 * register, remove and debugfs steps below: p2p_svm_attach() at probe (after
 * drm_dev_register()), p2p_svm_detach() at remove (after drm_dev_unplug()).
 * Generic integration:
 *
 *   probe:     svm = p2p_svm_device_register(&desc);   (IS_ERR -> no SVM)
 *   remove:    p2p_svm_device_unregister(svm);   (after drm_dev_unplug(),
 *              before the engine goes)
 *   postclose: p2p_svm_postclose(drm, file);
 *   ioctls:    in the driver's drm_ioctl_desc table, for each of CREATE,
 *              DESTROY, ACCESS, MIGRATE, STATS, QUERY:
 *      DRM_IOCTL_DEF_DRV(P2P_SVM_CREATE, p2p_svm_ioctl_create, DRM_RENDER_ALLOW),
 *   debugfs:   p2p_svm_debugfs_init(svm, minor->debugfs_root);
 */
#ifndef _P2P_SVM_H_
#define _P2P_SVM_H_

#include <linux/types.h>

struct dentry;
struct device;
struct drm_device;
struct drm_file;
struct pci_dev;
struct p2p_svm_device;

/**
 * struct p2p_svm_dev_desc - what SVM needs to know about one GPU
 * @drm: the DRM device (ioctls find the SVM device through it)
 * @vram_pdev: the PCI function whose BAR is the VRAM (ivshmem)
 * @vram_bar: the BAR number (2)
 * @engine_dev: the engine's device (edu function): DMA mappings and the
 *	IOMMU domain the engine's addresses are translated with
 * @vram_offset: offset in the BAR of the VRAM slice given to SVM; the
 *	device must never hand it out to anything else
 * @vram_size: size of the slice (a multiple of 2 MiB)
 * @engine_access: optional, how the device's engine accesses one of its DMA
 *	addresses (at most one page, not crossing a page boundary); without it
 *	SVM resolves addresses itself (IOMMU domain of @engine_dev, else
 *	physical)
 * @peer_path: how @client reaches the VRAM of the GPU @provider: a
 *	DRM_P2P_SVM_PATH_* or a negative errno when it cannot.  SVM has no rule
 *	of its own: the device gives the one its dma-bufs are mapped with
 */
struct p2p_svm_dev_desc {
	struct drm_device *drm;
	struct pci_dev *vram_pdev;
	int vram_bar;
	struct device *engine_dev;
	u64 vram_offset;
	u64 vram_size;
	int (*engine_access)(struct drm_device *drm, u64 addr, void *buf,
			     size_t len, bool write);
	int (*peer_path)(struct drm_device *provider, struct device *client);
};

struct p2p_svm_device *p2p_svm_device_register(const struct p2p_svm_dev_desc *desc);
void p2p_svm_device_unregister(struct p2p_svm_device *svm);
void p2p_svm_postclose(struct drm_device *drm, struct drm_file *file);
void p2p_svm_debugfs_init(struct p2p_svm_device *svm, struct dentry *root);

/* drm_p2p glue (p2p_svm_glue.c): register/unregister/debugfs for a p2p_device */
struct p2p_device;
void p2p_svm_attach(struct p2p_device *p2p);
void p2p_svm_detach(struct p2p_device *p2p);

int p2p_svm_ioctl_create(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_svm_ioctl_destroy(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_svm_ioctl_access(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_svm_ioctl_migrate(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_svm_ioctl_stats(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_svm_ioctl_query(struct drm_device *drm, void *data, struct drm_file *file);

#endif /* _P2P_SVM_H_ */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interfaces of the drm_p2p driver.
 *
 * An emulated GPU is one PCI slot: function 0 (ivshmem) carries the VRAM in BAR2,
 * function 1 (edu) is the GPU's DMA engine.  The driver binds function 0 and owns
 * function 1 of the same slot as well: it enables it, requests its registers and
 * makes it a bus master; nothing else may drive it while the GPU is bound.
 */
#ifndef _P2P_DRV_H_
#define _P2P_DRV_H_

#include <linux/dma-fence.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <linux/dmabuf_phyr.h>
#include <linux/gpu_buddy.h>
#include <drm/drm_device.h>
#include <drm/drm_gem.h>

struct dma_buf;
struct dma_buf_attachment;
struct dma_resv;
struct drm_file;
struct drm_ioctl_desc;
struct drm_minor;
struct drm_mode_create_dumb;
struct iommu_domain;
struct pci_dev;
struct phyr_mapping;
struct phyr_provider;
struct sg_table;

#define P2P_DRIVER_NAME		"drm_p2p"
#define P2P_VRAM_BAR		2
/* VRAM allocation unit: a page, as GEM sizes and the packed ranges of exports are */
#define P2P_VRAM_CHUNK		PAGE_SIZE

/**
 * struct p2p_edu - the DMA engine (edu function) of a GPU
 * @pdev: the edu PCI function (function 1 of the GPU's slot), referenced
 * @regs: its BAR0 registers
 * @lock: serialises commands
 * @bounce: coherent buffer the engine writes results into
 * @bounce_dma: engine address of @bounce
 * @enabled: pci_enable_device() succeeded
 */
struct p2p_edu {
	struct pci_dev *pdev;
	void __iomem *regs;
	struct mutex lock; /* serialises engine commands */
	void *bounce;
	dma_addr_t bounce_dma;
	bool enabled;
};

/**
 * struct p2p_vram - VRAM manager of a GPU
 * @mm: buddy allocator over [0, size)
 * @lock: protects @mm and @used
 * @size: bytes managed
 * @used: bytes allocated
 */
struct p2p_vram {
	struct gpu_buddy mm;
	struct mutex lock; /* protects mm and used */
	u64 size;
	u64 used;
};

/**
 * struct p2p_fabric_node - a GPU's VRAM window as other engines reach it
 * @link: on the global fabric list
 * @dev: the GPU
 * @pdev: the VRAM function
 * @phys: CPU physical address of the VRAM BAR
 * @bus: PCI bus address of the VRAM BAR
 * @size: BAR size
 * @io: write-combined kernel mapping of the whole BAR
 * @routes: how this GPU's engine reaches the VRAM of each GPU of the fabric,
 *	indexed by the other GPU's index: xa_mk_value(enum phyr_map_type)
 */
struct p2p_fabric_node {
	struct list_head link;
	struct p2p_device *dev;
	struct pci_dev *pdev;
	phys_addr_t phys;
	u64 bus;
	u64 size;
	void __iomem *io;
	struct xarray routes;
};

/**
 * struct p2p_device - one emulated GPU
 * @drm: the DRM device (parent: the VRAM PCI function)
 * @pdev: the VRAM PCI function (ivshmem, function 0)
 * @index: bind order among the GPUs
 * @vram_phys: CPU physical address of the VRAM BAR
 * @vram_bar_size: size of the VRAM BAR
 * @vram_io: write-combined mapping of the whole BAR
 * @vram: the VRAM manager
 * @edu: the DMA engine
 * @provider: phyr provider of the VRAM BAR (for PRIME export)
 * @fabric: this GPU's entry in the fabric registry
 * @wq: ordered queue executing engine jobs
 * @fence_context: dma_fence context of the engine
 * @fence_seqno: last seqno handed out (under @submit_lock)
 * @submit_lock: orders seqnos with queueing
 * @region_requested: the VRAM BAR region is ours
 * @exports_lock: protects @exports
 * @exports: dma-bufs exported from this GPU (struct p2p_export)
 */
struct p2p_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	unsigned int index;
	phys_addr_t vram_phys;
	u64 vram_bar_size;
	void __iomem *vram_io;
	struct p2p_vram vram;
	struct p2p_edu edu;
	struct phyr_provider *provider;
	struct p2p_fabric_node fabric;
	struct workqueue_struct *wq;
	u64 fence_context;
	u64 fence_seqno;
	struct mutex submit_lock; /* orders seqnos with queueing */
	bool region_requested;
	struct mutex exports_lock; /* protects exports */
	struct list_head exports;
};

static inline struct p2p_device *to_p2p_dev(struct drm_device *drm)
{
	return container_of(drm, struct p2p_device, drm);
}

static inline struct device *p2p_engine_dev(struct p2p_device *p2p)
{
	return &p2p->edu.pdev->dev;
}

/**
 * enum p2p_bo_kind - where a BO's memory is
 * @P2P_BO_VRAM: this GPU's VRAM (buddy blocks)
 * @P2P_BO_SYSTEM: shmem pages, DMA-mapped for the engine
 * @P2P_BO_IMPORT_PHYR: a phyr dma-buf, mapped for the engine with phyr_map()
 * @P2P_BO_IMPORT_SG: another dma-buf, mapped through its scatterlist by a dynamic
 *	importer that takes peer-to-peer addresses and unmaps on invalidate_mappings
 */
enum p2p_bo_kind {
	P2P_BO_VRAM = 1,
	P2P_BO_SYSTEM,
	P2P_BO_IMPORT_PHYR,
	P2P_BO_IMPORT_SG,
};

/**
 * struct p2p_bo - a drm_p2p buffer object
 * @base: the GEM object
 * @kind: enum p2p_bo_kind
 * @blocks: VRAM: the buddy blocks, in buffer order
 * @contiguous: VRAM: a single block
 * @pages: SYSTEM: the shmem pages
 * @sgt: SYSTEM: the pages mapped for the engine; IMPORT_SG: the current importer
 *	mapping, NULL after invalidate_mappings (under the resv)
 * @attach: imports: the attachment of the engine's device
 * @map: IMPORT_PHYR: the current mapping, NULL after invalidate_mappings (under the resv)
 * @vmap_count: kernel mappings handed out by vmap
 */
struct p2p_bo {
	struct drm_gem_object base;
	enum p2p_bo_kind kind;
	struct list_head blocks;
	bool contiguous;
	struct page **pages;
	struct sg_table *sgt;
	struct dma_buf_attachment *attach;
	struct phyr_mapping *map;
	unsigned int vmap_count;
};

static inline struct p2p_bo *to_p2p_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct p2p_bo, base);
}

static inline struct p2p_device *p2p_bo_dev(struct p2p_bo *bo)
{
	return to_p2p_dev(bo->base.dev);
}

/**
 * struct p2p_seg - one contiguous range of a BO as the engine addresses it
 * @addr: VRAM offset (local) or engine DMA address
 * @len: bytes
 * @path: DRM_P2P_PATH_*
 */
struct p2p_seg {
	u64 addr;
	u64 len;
	u32 path;
};

/* p2p_edu.c */
int p2p_edu_init(struct p2p_device *p2p, struct pci_dev *edu);
void p2p_edu_fini(struct p2p_device *p2p);
int p2p_edu_dma(struct p2p_device *p2p, dma_addr_t addr, void *buf, u32 len, bool write);
bool p2p_edu_translated(struct p2p_device *p2p);

/* p2p_vram.c */
int p2p_vram_init(struct p2p_device *p2p, u64 size);
int p2p_vram_alloc(struct p2p_device *p2p, u64 size, bool contiguous,
		   struct list_head *blocks);
void p2p_vram_free(struct p2p_device *p2p, struct list_head *blocks);
void p2p_vram_usage(struct p2p_device *p2p, u64 *size, u64 *used);
void p2p_vram_clear(struct p2p_device *p2p, struct list_head *blocks);

/* p2p_fabric.c */
int p2p_fabric_register(struct p2p_device *p2p);
void p2p_fabric_unregister(struct p2p_device *p2p);
int p2p_fabric_access(struct p2p_device *p2p, u64 addr, void *buf, size_t len, bool write);
phys_addr_t p2p_fabric_resolve(struct p2p_device *p2p, u64 addr);
enum phyr_map_type p2p_fabric_path(struct p2p_device *engine_gpu,
				   struct p2p_device *vram_gpu);
unsigned int p2p_fabric_count(void);
struct p2p_device *p2p_fabric_get(unsigned int nth);

/* p2p_gem.c */
struct p2p_bo *p2p_bo_create(struct p2p_device *p2p, u64 size, u32 flags);
int p2p_bo_create_handle(struct drm_file *file, struct p2p_device *p2p, u64 size,
			 u32 flags, u32 *handle);
struct p2p_bo *p2p_bo_alloc(struct p2p_device *p2p, size_t size, enum p2p_bo_kind kind,
			    struct dma_resv *resv);
int p2p_bo_segs(struct p2p_bo *bo, u64 offset, u64 size, struct p2p_seg **segs,
		unsigned int *nr);
unsigned int p2p_bo_nr_segs(struct p2p_bo *bo);
phys_addr_t p2p_bo_vram_phys(struct p2p_bo *bo, u64 offset);
int p2p_dumb_create(struct drm_file *file, struct drm_device *drm,
		    struct drm_mode_create_dumb *args);
extern const struct drm_gem_object_funcs p2p_gem_funcs;

/* p2p_prime.c */
struct dma_buf *p2p_gem_prime_export(struct drm_gem_object *obj, int flags);
struct drm_gem_object *p2p_gem_prime_import(struct drm_device *drm, struct dma_buf *dmabuf);
void p2p_prime_init(struct p2p_device *p2p);
void p2p_prime_revoke_all(struct p2p_device *p2p);
static inline bool p2p_bo_is_import(const struct p2p_bo *bo)
{
	return bo->kind == P2P_BO_IMPORT_PHYR || bo->kind == P2P_BO_IMPORT_SG;
}

int p2p_import_ensure_mapped(struct p2p_bo *bo);
unsigned int p2p_import_segs(struct p2p_bo *bo, struct p2p_seg *out);
void p2p_import_release(struct p2p_bo *bo);

/* p2p_engine.c */
struct drm_p2p_fill;
struct drm_p2p_copy;
struct drm_p2p_checksum;
int p2p_engine_init(struct p2p_device *p2p);
void p2p_engine_fini(struct p2p_device *p2p);
int p2p_engine_fill(struct p2p_device *p2p, struct drm_file *file, struct drm_p2p_fill *args);
int p2p_engine_copy(struct p2p_device *p2p, struct drm_file *file, struct drm_p2p_copy *args);
int p2p_engine_checksum(struct p2p_device *p2p, struct drm_file *file,
			struct drm_p2p_checksum *args);

/* p2p_ioctl.c: DRM_IOCTL_P2P_* handlers */
int p2p_ioctl_get_info(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_bo_create(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_bo_mmap_offset(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_bo_wait(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_bo_info(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_fill(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_copy(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_checksum(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_probe(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_bo_dma_info(struct drm_device *drm, void *data, struct drm_file *file);
int p2p_ioctl_probe_addr(struct drm_device *drm, void *data, struct drm_file *file);

/* p2p_debugfs.c */
void p2p_debugfs_init(struct drm_minor *minor);

#endif /* _P2P_DRV_H_ */

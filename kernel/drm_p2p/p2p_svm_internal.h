/* SPDX-License-Identifier: GPL-2.0 */
/*
 * p2p_svm_internal.h - data structures shared by the SVM files.
 */
#ifndef _P2P_SVM_INTERNAL_H_
#define _P2P_SVM_INTERNAL_H_

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/dma-mapping.h>
#include <linux/kref.h>
#include <linux/memremap.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include "p2p_svm.h"

#define P2P_SVM_MAX_DEVS	32

/* One mmu_interval_notifier and one page table leaf per 2 MiB of VA */
#define P2P_SVM_RANGE_SHIFT	21
#define P2P_SVM_RANGE_SIZE	BIT(P2P_SVM_RANGE_SHIFT)
#define P2P_SVM_RANGE_PAGES	(P2P_SVM_RANGE_SIZE >> PAGE_SHIFT)

/*
 * A GPU page table entry: the engine's DMA address of the page in the high
 * bits, the rest describes it.  Zero is "not present".
 */
#define P2P_SVM_PTE_VALID	BIT_ULL(0)
#define P2P_SVM_PTE_WRITE	BIT_ULL(1)
#define P2P_SVM_PTE_KIND	GENMASK_ULL(3, 2)
#define P2P_SVM_PTE_PATH	GENMASK_ULL(5, 4)
#define P2P_SVM_PTE_PEER	GENMASK_ULL(10, 6)
#define P2P_SVM_PTE_ADDR	GENMASK_ULL(63, PAGE_SHIFT)

/* Values of P2P_SVM_PTE_KIND and _PATH are those of the uapi */

/**
 * struct p2p_svm_group - a pagemap owner shared by GPUs that reach each
 * other's VRAM peer-to-peer
 * @id: number shown to userspace
 * @members: bitmap of device indices
 */
struct p2p_svm_group {
	u32 id;
	unsigned long members;
};

/**
 * struct p2p_svm_peer - how one GPU's engine reaches another GPU's VRAM slice
 * @dma: engine address of the first byte of the peer's slice
 * @path: DRM_P2P_SVM_PATH_*
 * @mapped: the window is valid
 * @dma_mapped: @dma came from dma_map_resource() (unmap on teardown)
 */
struct p2p_svm_peer {
	dma_addr_t dma;
	u8 path;
	bool mapped;
	bool dma_mapped;
};

/**
 * struct p2p_svm_device - SVM state of one GPU
 */
struct p2p_svm_device {
	struct kref ref;
	unsigned int index;
	struct drm_device *drm;
	struct pci_dev *vram_pdev;
	struct device *engine;
	int (*engine_access)(struct drm_device *drm, u64 addr, void *buf,
			     size_t len, bool write);
	int (*peer_path)(struct drm_device *provider, struct device *client);
	phys_addr_t vram_phys;
	u64 vram_size;
	unsigned long npages;
	void __iomem *vram_io;

	/* the DEVICE_PRIVATE pages standing for the slice */
	struct dev_pagemap pagemap;
	struct resource *res;
	unsigned long first_pfn;
	struct p2p_svm_group *group;

	/* a system page's mapping for the engine and its error check, as one */
	spinlock_t map_lock;

	/* page allocator of the slice */
	spinlock_t alloc_lock;
	unsigned long *bitmap;
	unsigned long used;
	unsigned long hint;
	bool dying;
	/* for debugfs: each allocated page must reach folio_free exactly once */
	u64 pages_allocated;
	u64 folio_frees;

	/* serialises evictions and the clock hand */
	struct mutex evict_lock;
	unsigned long evict_hand;

	/* engine windows: [own index] is the local VRAM */
	struct p2p_svm_peer peer[P2P_SVM_MAX_DEVS];

	/* contexts, by id (allocated cyclically: no quick reuse) */
	struct xarray ctxs;
	u32 next_ctx;
	bool dead;

	atomic64_t cpu_faults;
	atomic64_t evictions;
};

/**
 * struct p2p_svm_ctx - one mm mirrored by one GPU for one open file
 */
struct p2p_svm_ctx {
	struct kref ref;
	u32 id;
	u32 flags;
	struct p2p_svm_device *sdev;
	struct drm_file *file;
	struct mm_struct *mm;
	void *owner;
	pid_t pid;

	/* protects every range's pte[] and dead; taken by the notifiers */
	struct mutex lock;
	bool dead;
	struct xarray ranges;

	atomic64_t faults;
	atomic64_t pages_faulted;
	atomic64_t pages_to_vram;
	atomic64_t pages_to_ram;
	atomic64_t bytes_migrated;
	atomic64_t peer_mappings;
	atomic64_t local_mappings;
	atomic64_t invalidations;
};

/**
 * struct p2p_svm_range - 2 MiB of mirrored VA: notifier and PTEs
 * @fault_lock: one fault of the range at a time.  Concurrent faults would each
 *	map every system page of the range for the engine, all but one of them in
 *	vain (DMA-API debugging reports more than 7 mappings of a page as a leak).
 */
struct p2p_svm_range {
	struct mmu_interval_notifier notifier;
	struct mutex fault_lock;	/* serialises the faults of the range */
	struct p2p_svm_ctx *ctx;
	unsigned long start;
	u64 pte[P2P_SVM_RANGE_PAGES];
};

/* p2p_svm_dev.c */
struct p2p_svm_device *p2p_svm_dev_from_drm(struct drm_device *drm);
struct p2p_svm_device *p2p_svm_dev_of_page(struct page *page);
struct p2p_svm_device *p2p_svm_dev_get_index(unsigned int index);
void p2p_svm_dev_put(struct p2p_svm_device *sdev);
struct page *p2p_svm_vram_alloc(struct p2p_svm_device *sdev);
unsigned long p2p_svm_vram_free_pages(struct p2p_svm_device *sdev);
u32 p2p_svm_group_id(struct p2p_svm_device *sdev);
u32 p2p_svm_dev_minor(unsigned int index);
bool p2p_svm_peers_hold_vram(struct p2p_svm_device *sdev);
unsigned int p2p_svm_foreign_owners(void *owner, void **owners, unsigned int max);
void __iomem *p2p_svm_phys_to_vram(phys_addr_t phys, size_t len);

static inline unsigned long p2p_svm_vram_index(struct p2p_svm_device *sdev,
					       struct page *page)
{
	return page_to_pfn(page) - sdev->first_pfn;
}

/* p2p_svm_engine.c */
int p2p_svm_engine_read(struct p2p_svm_device *sdev, dma_addr_t dma,
			void *buf, size_t len);
int p2p_svm_engine_write(struct p2p_svm_device *sdev, dma_addr_t dma,
			 const void *buf, size_t len);
int p2p_svm_map_page(struct p2p_svm_device *sdev, struct page *page,
		     enum dma_data_direction dir, unsigned long attrs, dma_addr_t *dma);
int p2p_svm_copy_page(struct p2p_svm_device *sdev, struct page *dst,
		      struct page *src, void *tmp);

/* p2p_svm_ctx.c */
struct p2p_svm_ctx *p2p_svm_ctx_create(struct p2p_svm_device *sdev,
				       struct drm_file *file, u32 flags);
struct p2p_svm_ctx *p2p_svm_ctx_lookup(struct p2p_svm_device *sdev,
				       struct drm_file *file, u32 id);
void p2p_svm_ctx_put(struct p2p_svm_ctx *ctx);
void p2p_svm_ctx_kill(struct p2p_svm_ctx *ctx);
void p2p_svm_ctx_drop_peer(struct p2p_svm_ctx *ctx, unsigned int index);
int p2p_svm_ctx_fault(struct p2p_svm_ctx *ctx, unsigned long start,
		      unsigned long end, bool write, u64 *faults, u64 *pages);
struct p2p_svm_range *p2p_svm_range_find(struct p2p_svm_ctx *ctx,
					 unsigned long addr);

static inline dma_addr_t p2p_svm_pte_dma(u64 pte)
{
	return pte & P2P_SVM_PTE_ADDR;
}

/* p2p_svm_access.c */
int p2p_svm_access(struct p2p_svm_ctx *ctx, u32 op, unsigned long addr,
		   unsigned long size, unsigned long src,
		   void __user *uptr, u64 *value, u64 *faults, u64 *pages);

/* p2p_svm_migrate.c */
long p2p_svm_migrate_to_vram(struct p2p_svm_ctx *ctx, unsigned long start,
			     unsigned long end);
long p2p_svm_migrate_to_ram(struct p2p_svm_ctx *ctx, unsigned long start,
			    unsigned long end);
unsigned long p2p_svm_evict(struct p2p_svm_device *sdev, unsigned long want,
			    bool all);
vm_fault_t p2p_svm_migrate_to_ram_fault(struct vm_fault *vmf);

extern const struct dev_pagemap_ops p2p_svm_pagemap_ops;

#endif /* _P2P_SVM_INTERNAL_H_ */

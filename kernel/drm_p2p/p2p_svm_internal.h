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
 * @ref: reference count; held by the registry, by each context and by lookups
 * @index: the GPU's slot in the registry; also its number in @peer, in PTEs
 *	(P2P_SVM_PTE_PEER) and in its group's members bitmap
 * @drm: the DRM device
 * @vram_pdev: the PCI function whose BAR holds the VRAM
 * @engine: the engine's device: DMA mappings and the IOMMU domain
 * @engine_access: optional, how the engine accesses one of its DMA addresses
 *	(see &struct p2p_svm_dev_desc)
 * @peer_path: how a client device reaches the VRAM of a provider GPU (see
 *	&struct p2p_svm_dev_desc)
 * @vram_phys: CPU physical address of the VRAM slice
 * @vram_size: size of the slice in bytes
 * @npages: number of pages in the slice
 * @vram_io: write-combining kernel mapping of the slice
 * @pagemap: the DEVICE_PRIVATE pages standing for the slice; its owner is the
 *	GPU's group
 * @res: the free physical address range reserved for those pages
 * @first_pfn: pfn of the first of those pages
 * @group: the pagemap owner group; NULL once the GPU is unregistered.  Set
 *	and cleared under p2p_svm_lock
 * @map_lock: makes mapping a system page for the engine and the mapping's
 *	error check one step (see p2p_svm_map_page())
 * @alloc_lock: protects the page allocator of the slice: @bitmap, @used,
 *	@hint, @dying, @pages_allocated and @folio_frees
 * @bitmap: allocated pages of the slice, one bit per page
 * @used: number of allocated pages (also read without the lock, as a hint)
 * @hint: page index after the last allocated one, where the search for a
 *	free page starts
 * @dying: the GPU is being unregistered: no more allocations
 * @pages_allocated: pages allocated so far, for debugfs
 * @folio_frees: folio_free calls so far, for debugfs: each allocated page must
 *	reach folio_free exactly once
 * @evict_lock: serialises evictions and @evict_hand
 * @evict_hand: clock hand of eviction: page index where the next window starts
 * @peer: engine windows onto each GPU's VRAM slice, by index; [own index] is
 *	the local VRAM
 * @ctxs: contexts, by id (allocated cyclically: no quick reuse); its lock
 *	also protects @next_ctx and @dead
 * @next_ctx: state of the cyclic id allocation in @ctxs
 * @dead: the GPU was unregistered: no new contexts
 * @cpu_faults: pages of this GPU's VRAM migrated back to system memory by CPU
 *	faults
 * @evictions: pages of this GPU's VRAM evicted to system memory
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

	struct dev_pagemap pagemap;
	struct resource *res;
	unsigned long first_pfn;
	struct p2p_svm_group *group;

	spinlock_t map_lock;		/* page mapping + its error check as one */

	spinlock_t alloc_lock;		/* the page allocator of the slice */
	unsigned long *bitmap;
	unsigned long used;
	unsigned long hint;
	bool dying;
	u64 pages_allocated;
	u64 folio_frees;

	struct mutex evict_lock;	/* evictions and evict_hand */
	unsigned long evict_hand;

	struct p2p_svm_peer peer[P2P_SVM_MAX_DEVS];

	struct xarray ctxs;
	u32 next_ctx;
	bool dead;

	atomic64_t cpu_faults;
	atomic64_t evictions;
};

/**
 * struct p2p_svm_ctx - one mm mirrored by one GPU for one open file
 * @ref: reference count; held by the device's table of contexts and by lookups
 * @id: the context's id in the device's table of contexts (the uapi ctx_id)
 * @flags: DRM_P2P_SVM_CTX_*
 * @sdev: the GPU (the context holds a reference to it)
 * @file: the DRM file the context belongs to
 * @mm: the mirrored mm (of the creating process)
 * @owner: the pagemap owner whose device-private pages are mapped in place:
 *	the GPU's group, or the context itself for a NO_PEER context (it matches
 *	no pagemap)
 * @pid: thread group id of the creating process, for debugfs
 * @lock: protects every range's pte[] and @dead; taken by the notifiers
 * @dead: the GPU went away: faults, accesses and migrations fail with -ENODEV
 * @ranges: the context's ranges (&struct p2p_svm_range), indexed by address >>
 *	P2P_SVM_RANGE_SHIFT; they live as long as the context
 * @faults: hmm_range_fault() batches (one per 2 MiB range) that completed
 * @pages_faulted: page table entries those batches made
 * @pages_to_vram: pages this context migrated into its GPU's VRAM (from system
 *	memory and from peers)
 * @pages_to_ram: pages this context moved back to system memory with
 *	p2p_svm_migrate_to_ram()
 * @bytes_migrated: bytes this context's migrations copied (both ways)
 * @peer_mappings: entries made that point at a peer GPU's VRAM
 * @local_mappings: entries made that point at this GPU's VRAM
 * @invalidations: mmu notifier invalidations that hit this context
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

	struct mutex lock;		/* every range's pte[] and dead */
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
 * @notifier: the mmu interval notifier covering the range
 * @fault_lock: one fault of the range at a time.  Concurrent faults would each
 *	map every system page of the range for the engine, all but one of them in
 *	vain (DMA-API debugging reports more than 7 mappings of a page as a leak).
 * @ctx: the context the range belongs to
 * @start: first address of the range (2 MiB aligned)
 * @pte: GPU page table entries (P2P_SVM_PTE_*), one per page; protected by
 *	@ctx's lock
 */
struct p2p_svm_range {
	struct mmu_interval_notifier notifier;
	struct mutex fault_lock;	/* one fault of the range at a time */
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

/* SPDX-License-Identifier: MIT */
/*
 * drm_p2p_svm.h - shared virtual memory (SVM) part of the drm_p2p uapi.
 *
 * A process binds its address space to a drm_p2p GPU with an SVM context.
 * The GPU then reads and writes the process's virtual addresses directly
 * through its own (software) page table, filled on demand from the CPU page
 * tables, and pages can be migrated into the GPU's VRAM.  Pages resident in
 * a peer GPU's VRAM are reached peer-to-peer without migration when the two
 * GPUs can reach each other.
 *
 * The SVM ioctls use DRM_COMMAND_BASE + 0x20 .. 0x2f; 0x00 .. 0x1f belong to
 * drm_p2p_drm.h.  All structures are 64-bit clean; every flags, pad and
 * reserved field must be zero on input (-EINVAL otherwise).  Addresses and
 * sizes are page aligned (-EINVAL otherwise) and must not wrap.
 */
#ifndef _UAPI_DRM_P2P_SVM_H_
#define _UAPI_DRM_P2P_SVM_H_

#ifdef __KERNEL__
#include <drm/drm.h>
#else
#include "drm.h"	/* libdrm's copy, like the other DRM uapi headers */
#endif

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_P2P_SVM_CREATE	0x20
#define DRM_P2P_SVM_DESTROY	0x21
#define DRM_P2P_SVM_ACCESS	0x22
#define DRM_P2P_SVM_MIGRATE	0x23
#define DRM_P2P_SVM_STATS	0x24
#define DRM_P2P_SVM_QUERY	0x25

/*
 * Context creation flags.
 *
 * DRM_P2P_SVM_CTX_NO_PEER: the context never maps another GPU's VRAM (nor
 * its own) in place: every device-private page it meets is migrated back to
 * system memory first, as lib/test_hmm does for pages of other devices.  Used
 * to compare with the peer-to-peer path.
 */
#define DRM_P2P_SVM_CTX_NO_PEER		(1u << 0)
#define DRM_P2P_SVM_CTX_FLAGS		(DRM_P2P_SVM_CTX_NO_PEER)

/**
 * struct drm_p2p_svm_create - bind the calling process's mm to this GPU
 * @flags: DRM_P2P_SVM_CTX_*
 * @ctx_id: out, id of the new context (non-zero)
 * @reserved: must be zero
 *
 * One context per (open file, mm): -EEXIST if the caller's mm already has one
 * on this file.
 */
struct drm_p2p_svm_create {
	__u32 flags;
	__u32 ctx_id;
	__u64 reserved;
};

/**
 * struct drm_p2p_svm_destroy - unbind a context
 * @ctx_id: the context
 * @pad: must be zero
 */
struct drm_p2p_svm_destroy {
	__u32 ctx_id;
	__u32 pad;
};

/* Device access operations (drm_p2p_svm_access.op) */
#define DRM_P2P_SVM_OP_READ	1	/* [addr, addr + size) -> user_ptr */
#define DRM_P2P_SVM_OP_WRITE	2	/* user_ptr -> [addr, addr + size) */
#define DRM_P2P_SVM_OP_FILL	3	/* 32-bit pattern -> [addr, addr + size) */
#define DRM_P2P_SVM_OP_CHECKSUM	4	/* checksum of [addr, addr + size) */
#define DRM_P2P_SVM_OP_COPY	5	/* [src_addr, +size) -> [addr, +size) */
#define DRM_P2P_SVM_OP_PREFETCH	6	/* fault [addr, +size) in, move no data */

/**
 * struct drm_p2p_svm_access - the GPU accesses process virtual memory
 * @ctx_id: the context (must belong to the caller's mm)
 * @op: DRM_P2P_SVM_OP_*
 * @addr: destination (or source for READ and CHECKSUM) virtual address
 * @size: bytes
 * @src_addr: COPY source virtual address, else zero
 * @user_ptr: READ/WRITE user buffer of @size bytes, else zero
 * @value: in: FILL pattern (low 32 bits); out: CHECKSUM result
 * @flags: must be zero
 * @pad: must be zero
 * @faults: out, number of hmm_range_fault() batches this call made
 * @pages_faulted: out, pages those batches entered into the GPU page table
 *
 * The GPU goes through its page table; missing or read-only entries are
 * faulted in batches.  A write to memory the process may not write fails
 * with -EPERM, an unmapped address with -EFAULT.
 *
 * The checksum is FNV-1a 64 over the range taken as little-endian 32-bit
 * words: h = 0xcbf29ce484222325; for each word w: h = (h ^ w) *
 * 0x100000001b3.
 */
struct drm_p2p_svm_access {
	__u32 ctx_id;
	__u32 op;
	__u64 addr;
	__u64 size;
	__u64 src_addr;
	__u64 user_ptr;
	__u64 value;
	__u32 flags;
	__u32 pad;
	__u64 faults;
	__u64 pages_faulted;
};

#define DRM_P2P_SVM_MIGRATE_TO_VRAM	1	/* into this GPU's VRAM */
#define DRM_P2P_SVM_MIGRATE_TO_RAM	2	/* back to system memory */

/**
 * struct drm_p2p_svm_migrate - migrate a range
 * @ctx_id: the context
 * @target: DRM_P2P_SVM_MIGRATE_*
 * @addr: start (page aligned)
 * @size: bytes (page aligned)
 * @flags: must be zero
 * @pad: must be zero
 * @pages: out, pages that moved
 *
 * TO_VRAM moves the range's pages into this GPU's VRAM (evicting older pages
 * of this GPU when it is full): system pages are copied in, pages in a P2P
 * peer's VRAM move VRAM to VRAM, pages in the VRAM of a GPU that is not a
 * peer come through system memory (for a NO_PEER context, every page in any
 * GPU's VRAM, this one's included).  Pages already in this GPU's VRAM are
 * otherwise left alone and not counted.  TO_RAM moves pages of
 * this GPU's VRAM and of its P2P peers' VRAM back to system memory.  Pages
 * that cannot move (pinned, busy, file-backed) are skipped and not counted;
 * -ENOSPC if the range is larger than the GPU's SVM VRAM.
 */
struct drm_p2p_svm_migrate {
	__u32 ctx_id;
	__u32 target;
	__u64 addr;
	__u64 size;
	__u32 flags;
	__u32 pad;
	__u64 pages;
};

/**
 * struct drm_p2p_svm_stats - counters of a context and of its GPU
 * @ctx_id: the context
 * @pad: must be zero
 * @faults: hmm_range_fault() batches that completed
 * @pages_faulted: page table entries those batches made
 * @pages_to_vram: pages this context migrated to VRAM
 * @pages_to_ram: pages this context migrated back with TO_RAM
 * @bytes_migrated: bytes this context's migrations copied (both ways)
 * @peer_mappings: entries made that point at a peer GPU's VRAM
 * @local_mappings: entries made that point at this GPU's VRAM
 * @invalidations: mmu notifier invalidations that hit this context
 * @dev_cpu_faults: pages of this GPU's VRAM migrated back by CPU faults
 * @dev_evictions: pages of this GPU's VRAM evicted to make room
 * @dev_vram_pages: pages of this GPU's VRAM usable for SVM
 * @dev_vram_used: of which in use
 * @dev_owner: id of this GPU's pagemap owner group: GPUs with equal ids map
 *	each other's VRAM peer-to-peer
 * @dev_pad: zero
 * @reserved: zero
 */
struct drm_p2p_svm_stats {
	__u32 ctx_id;
	__u32 pad;
	__u64 faults;
	__u64 pages_faulted;
	__u64 pages_to_vram;
	__u64 pages_to_ram;
	__u64 bytes_migrated;
	__u64 peer_mappings;
	__u64 local_mappings;
	__u64 invalidations;
	__u64 dev_cpu_faults;
	__u64 dev_evictions;
	__u64 dev_vram_pages;
	__u64 dev_vram_used;
	__u32 dev_owner;
	__u32 dev_pad;
	__u64 reserved[4];
};

/* drm_p2p_svm_pte.flags */
#define DRM_P2P_SVM_PTE_VALID		(1u << 0)
#define DRM_P2P_SVM_PTE_WRITE		(1u << 1)
#define DRM_P2P_SVM_PTE_KIND_SHIFT	2	/* 2 bits: DRM_P2P_SVM_KIND_* */
#define DRM_P2P_SVM_PTE_KIND_MASK	(3u << 2)
#define DRM_P2P_SVM_PTE_PATH_SHIFT	4	/* 2 bits: DRM_P2P_SVM_PATH_* */
#define DRM_P2P_SVM_PTE_PATH_MASK	(3u << 4)

#define DRM_P2P_SVM_KIND_SYSTEM		0	/* a system RAM page */
#define DRM_P2P_SVM_KIND_LOCAL		1	/* this GPU's VRAM */
#define DRM_P2P_SVM_KIND_PEER		2	/* a peer GPU's VRAM */

/* How the GPU's engine reaches the page (the upstream p2pdma words) */
#define DRM_P2P_SVM_PATH_DMA		0	/* DMA API (IOVA or physical) */
#define DRM_P2P_SVM_PATH_BUS_ADDR	1	/* PCI bus address, no IOMMU */
#define DRM_P2P_SVM_PATH_THRU_HOST_BRIDGE 2	/* dma_map_resource() */

/**
 * struct drm_p2p_svm_pte - one entry of the GPU page table
 * @dma_addr: the address this GPU's engine uses (zero unless CAP_SYS_ADMIN)
 * @flags: DRM_P2P_SVM_PTE_*
 * @peer: for KIND_PEER, the DRM primary minor of the GPU whose VRAM holds
 *	the page; for KIND_LOCAL, this GPU's minor; else zero
 */
struct drm_p2p_svm_pte {
	__u64 dma_addr;
	__u32 flags;
	__u32 peer;
};

/**
 * struct drm_p2p_svm_query - read the GPU page table, without faulting
 * @ctx_id: the context
 * @npages: entries to read (at most 65536)
 * @addr: first virtual page
 * @ptes: user pointer to @npages struct drm_p2p_svm_pte
 */
struct drm_p2p_svm_query {
	__u32 ctx_id;
	__u32 npages;
	__u64 addr;
	__u64 ptes;
};

#define DRM_IOCTL_P2P_SVM_CREATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_SVM_CREATE, \
						 struct drm_p2p_svm_create)
#define DRM_IOCTL_P2P_SVM_DESTROY	DRM_IOW(DRM_COMMAND_BASE + DRM_P2P_SVM_DESTROY, \
						struct drm_p2p_svm_destroy)
#define DRM_IOCTL_P2P_SVM_ACCESS	DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_SVM_ACCESS, \
						 struct drm_p2p_svm_access)
#define DRM_IOCTL_P2P_SVM_MIGRATE	DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_SVM_MIGRATE, \
						 struct drm_p2p_svm_migrate)
#define DRM_IOCTL_P2P_SVM_STATS		DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_SVM_STATS, \
						 struct drm_p2p_svm_stats)
#define DRM_IOCTL_P2P_SVM_QUERY		DRM_IOW(DRM_COMMAND_BASE + DRM_P2P_SVM_QUERY, \
						struct drm_p2p_svm_query)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_P2P_SVM_H_ */

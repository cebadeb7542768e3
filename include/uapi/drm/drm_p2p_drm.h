/* SPDX-License-Identifier: MIT */
/*
 * drm_p2p_drm.h - uapi of the drm_p2p driver (emulated GPUs with VRAM and a DMA engine).
 *
 * One DRM device per GPU, driver name "drm_p2p", primary and render node.  Buffer
 * objects (BOs) live in the GPU's VRAM or in system memory; they are shared with
 * other devices through PRIME (DRM_IOCTL_PRIME_HANDLE_TO_FD / FD_TO_HANDLE).  The
 * GPU's engine fills, copies and checksums BOs, local or imported, always through the
 * addresses its own device was given for them.
 *
 * Conventions, for every ioctl of this file:
 *  - structures are 64-bit clean, with explicit padding;
 *  - every flags, pad and reserved input field must be zero unless a flag is defined
 *    for it: anything else fails with -EINVAL and changes nothing;
 *  - unknown BO handles fail with -ENOENT;
 *  - offset/size pairs must lie inside the BO and must not wrap: -EINVAL;
 *  - a device that is gone (unbound) fails with -ENODEV.
 *
 * The SVM ioctls (drm_p2p_svm.h) use DRM_COMMAND_BASE + 0x20 .. 0x2f; this file uses
 * 0x00 .. 0x1f.  See docs/uapi.md for errors and examples.
 */
#ifndef _UAPI_DRM_P2P_DRM_H_
#define _UAPI_DRM_P2P_DRM_H_

#ifdef __KERNEL__
#include <drm/drm.h>
#else
#include "drm.h"	/* libdrm's copy, like the other DRM uapi headers */
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/* Version of this interface, reported by GET_INFO; bumped on every addition. */
#define DRM_P2P_UAPI_VERSION		1

#define DRM_P2P_GET_INFO		0x00
#define DRM_P2P_BO_CREATE		0x01
#define DRM_P2P_BO_MMAP_OFFSET		0x02
#define DRM_P2P_BO_WAIT			0x03
#define DRM_P2P_BO_INFO			0x04
#define DRM_P2P_FILL			0x05
#define DRM_P2P_COPY			0x06
#define DRM_P2P_CHECKSUM		0x07
#define DRM_P2P_PROBE			0x08
#define DRM_P2P_BO_DMA_INFO		0x09	/* root only */
#define DRM_P2P_PROBE_ADDR		0x0a	/* root only */

/* Largest transfer of one engine DMA probe (a hardware limit of the engine). */
#define DRM_P2P_PROBE_MAX		2048

/* drm_p2p_get_info.engine_flags */
#define DRM_P2P_ENGINE_PRESENT		(1u << 0)	/* the slot has its DMA engine */
#define DRM_P2P_ENGINE_IOMMU		(1u << 1)	/* an IOMMU translates its DMA */

/**
 * struct drm_p2p_get_info - describe the GPU
 * @uapi_version: out, DRM_P2P_UAPI_VERSION of the kernel
 * @flags: in, must be zero
 * @vram_size: out, bytes of VRAM the driver manages (module parameter
 *	vram_mb); the SVM slice (svm_vram_mb) is carved out of it at probe
 *	and counts as allocated
 * @vram_free: out, bytes of it not allocated: what BO_CREATE can still get
 * @vram_bar_size: out, size of the PCI BAR holding the VRAM
 * @pci_domain: out, PCI domain of the GPU (function 0, the VRAM function)
 * @pci_bus: out, PCI bus
 * @pci_dev: out, PCI device (slot)
 * @pci_func: out, PCI function of the VRAM function (0; the engine is function 1)
 * @pad0: out, zero
 * @engine_flags: out, DRM_P2P_ENGINE_*
 * @gpu_index: out, index of this GPU among the bound drm_p2p GPUs (bind order)
 * @probe_max: out, DRM_P2P_PROBE_MAX
 * @pad1: out, zero
 * @reserved: out, zero
 */
struct drm_p2p_get_info {
	__u32 uapi_version;
	__u32 flags;
	__u64 vram_size;
	__u64 vram_free;
	__u64 vram_bar_size;
	__u32 pci_domain;
	__u8 pci_bus;
	__u8 pci_dev;
	__u8 pci_func;
	__u8 pad0;
	__u32 engine_flags;
	__u32 gpu_index;
	__u32 probe_max;
	__u32 pad1;
	__u64 reserved[4];
};

/* drm_p2p_bo_create.flags: exactly one placement, plus modifiers */
#define DRM_P2P_BO_VRAM			(1u << 0)	/* in this GPU's VRAM */
#define DRM_P2P_BO_SYSTEM		(1u << 1)	/* in system memory (shmem) */
#define DRM_P2P_BO_CONTIGUOUS		(1u << 2)	/* VRAM only: one physical range */
#define DRM_P2P_BO_PLACEMENT_MASK	(DRM_P2P_BO_VRAM | DRM_P2P_BO_SYSTEM)
#define DRM_P2P_BO_FLAGS		(DRM_P2P_BO_PLACEMENT_MASK | DRM_P2P_BO_CONTIGUOUS)

/**
 * struct drm_p2p_bo_create - create a buffer object
 * @size: in, bytes (> 0); out, the size rounded up to 4 KiB (the BO's size)
 * @flags: in, DRM_P2P_BO_*: exactly one of VRAM and SYSTEM
 * @handle: out, GEM handle
 * @reserved: in, must be zero
 *
 * The content of a new BO is zero (VRAM is cleared before it is handed out).
 * Errors: -EINVAL (zero size, size overflowing when rounded, bad flags),
 * -ENOSPC (not enough free VRAM, or VRAM too fragmented for CONTIGUOUS),
 * -ENOMEM (system memory).
 */
struct drm_p2p_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
	__u64 reserved;
};

/**
 * struct drm_p2p_bo_mmap_offset - fake offset for mmap() of a BO on this DRM fd
 * @handle: in, the BO
 * @flags: in, must be zero
 * @offset: out, pass to mmap() on the DRM file descriptor
 *
 * VRAM is mapped write-combined, system memory cached.  The mapping stays valid
 * after the handle is closed.  Imported BOs cannot be mapped here (-EINVAL): map the
 * dma-buf file descriptor instead.
 */
struct drm_p2p_bo_mmap_offset {
	__u32 handle;
	__u32 flags;
	__u64 offset;
};

/**
 * struct drm_p2p_bo_wait - wait until the engine work on a BO is done
 * @handle: in, the BO
 * @flags: in, must be zero
 * @timeout_ns: in, relative timeout in nanoseconds; 0 only polls; negative waits
 *	without limit
 *
 * Waits for every fence in the BO's reservation object (engine work of this and of
 * other devices).  Returns 0 when idle, -ETIME when still busy at the timeout,
 * -EINTR/-ERESTARTSYS when interrupted.
 */
struct drm_p2p_bo_wait {
	__u32 handle;
	__u32 flags;
	__s64 timeout_ns;
};

/* drm_p2p_bo_info.kind */
#define DRM_P2P_KIND_VRAM		1	/* this GPU's VRAM */
#define DRM_P2P_KIND_SYSTEM		2	/* system memory of this device */
#define DRM_P2P_KIND_IMPORT_PHYR	3	/* imported phyr dma-buf (e.g. peer VRAM) */
#define DRM_P2P_KIND_IMPORT_SG		4	/* imported through a scatterlist */

/* Paths: how the engine reaches memory (drm_p2p_bo_info.path, drm_p2p_dma_range.path) */
#define DRM_P2P_PATH_LOCAL		1	/* own VRAM, by VRAM offset */
#define DRM_P2P_PATH_BUS		2	/* PCI bus address through a common switch */
#define DRM_P2P_PATH_IOVA		3	/* DMA API address translated by an IOMMU */
#define DRM_P2P_PATH_PHYS		4	/* DMA API address = physical (no IOMMU) */
#define DRM_P2P_PATH_NONE		5	/* not mapped at the moment (invalidated) */

/**
 * struct drm_p2p_bo_info - describe a BO
 * @handle: in, the BO
 * @flags: in, must be zero
 * @size: out, bytes
 * @kind: out, DRM_P2P_KIND_*
 * @path: out, DRM_P2P_PATH_* of its first range (all ranges of a BO share it in
 *	practice; BO_DMA_INFO gives every range)
 * @nr_ranges: out, number of contiguous ranges the engine sees
 * @pad: out, zero
 */
struct drm_p2p_bo_info {
	__u32 handle;
	__u32 flags;
	__u64 size;
	__u32 kind;
	__u32 path;
	__u32 nr_ranges;
	__u32 pad;
};

/* Flags of the engine operations FILL and COPY */
#define DRM_P2P_EXEC_SYNC		(1u << 0)	/* wait, return the job's error */

/**
 * struct drm_p2p_fill - the engine fills a range of a BO with a 32-bit pattern
 * @handle: in, destination BO
 * @pattern: in, written as little-endian 32-bit words
 * @offset: in, byte offset in the BO, multiple of 4
 * @size: in, bytes, multiple of 4, > 0
 * @out_syncobj: in, handle of a drm_syncobj that receives the job's fence, or 0
 * @flags: in, DRM_P2P_EXEC_*
 * @reserved: in, must be zero
 *
 * Asynchronous: the job's fence is added to the BO's reservation object (write
 * usage) and, if given, to @out_syncobj.  Wait with BO_WAIT, DRM_IOCTL_SYNCOBJ_WAIT
 * or a sync_file exported from the dma-buf.  A job that faults (an address with no
 * translation) completes with the fence error -EFAULT; with DRM_P2P_EXEC_SYNC the
 * ioctl waits and returns that error.
 */
struct drm_p2p_fill {
	__u32 handle;
	__u32 pattern;
	__u64 offset;
	__u64 size;
	__u32 out_syncobj;
	__u32 flags;
	__u64 reserved;
};

/**
 * struct drm_p2p_copy - the engine copies bytes from one BO range to another
 * @src_handle: in, source BO
 * @dst_handle: in, destination BO (may be the source BO; ranges must not overlap)
 * @src_offset: in, byte offset in the source
 * @dst_offset: in, byte offset in the destination
 * @size: in, bytes, > 0
 * @out_syncobj: in, see &drm_p2p_fill
 * @flags: in, DRM_P2P_EXEC_*
 *
 * Asynchronous like FILL; the fence is added with read usage to the source and
 * write usage to the destination.
 */
struct drm_p2p_copy {
	__u32 src_handle;
	__u32 dst_handle;
	__u64 src_offset;
	__u64 dst_offset;
	__u64 size;
	__u32 out_syncobj;
	__u32 flags;
};

/* FNV-1a 64 parameters of DRM_P2P_CHECKSUM (same as DRM_P2P_SVM_OP_CHECKSUM) */
#define DRM_P2P_FNV64_OFFSET		0xcbf29ce484222325ULL
#define DRM_P2P_FNV64_PRIME		0x100000001b3ULL

/**
 * struct drm_p2p_checksum - the engine checksums a range of a BO
 * @handle: in, the BO
 * @flags: in, must be zero
 * @offset: in, byte offset, multiple of 4
 * @size: in, bytes, multiple of 4, > 0
 * @checksum: out, FNV-1a 64 over the range taken as little-endian 32-bit words:
 *	h = DRM_P2P_FNV64_OFFSET; for each word w: h = (h ^ w) * DRM_P2P_FNV64_PRIME
 *
 * Synchronous: waits for earlier writers of the BO, runs on the engine and returns
 * the job's error (-EFAULT when an address has no translation).
 */
struct drm_p2p_checksum {
	__u32 handle;
	__u32 flags;
	__u64 offset;
	__u64 size;
	__u64 checksum;
};

/* drm_p2p_probe.flags */
#define DRM_P2P_PROBE_WRITE		(1u << 0)	/* user buffer -> BO; else BO -> user */

/**
 * struct drm_p2p_probe - one DMA transfer of the real engine at the BO's address
 * @handle: in, the BO
 * @flags: in, DRM_P2P_PROBE_*
 * @offset: in, byte offset in the BO
 * @size: in, 1 .. DRM_P2P_PROBE_MAX bytes; [offset, offset + size) must not cross
 *	a 4 KiB boundary of the BO
 * @pad: in, must be zero
 * @user_ptr: in, user buffer of @size bytes (destination of a read, source of a
 *	write)
 * @dma_addr: out, the device address the engine's DMA used
 * @path: out, DRM_P2P_PATH_* of that address
 * @pad2: out, zero
 *
 * Synchronous; waits for earlier engine work on the BO first.  The engine reaches
 * its own VRAM through a DMA mapping of its own BAR here (not the internal path), so
 * a probe always proves the address on the bus.
 */
struct drm_p2p_probe {
	__u32 handle;
	__u32 flags;
	__u64 offset;
	__u32 size;
	__u32 pad;
	__u64 user_ptr;
	__u64 dma_addr;
	__u32 path;
	__u32 pad2;
};

/**
 * struct drm_p2p_dma_range - one contiguous range of a BO as the engine sees it
 * @dma_addr: engine address (the VRAM offset for DRM_P2P_PATH_LOCAL)
 * @size: bytes
 * @cpu_phys: CPU physical address the engine address resolves to, 0 if none
 * @path: DRM_P2P_PATH_*
 * @pad: zero
 */
struct drm_p2p_dma_range {
	__u64 dma_addr;
	__u64 size;
	__u64 cpu_phys;
	__u32 path;
	__u32 pad;
};

/**
 * struct drm_p2p_bo_dma_info - the engine's view of a BO (CAP_SYS_ADMIN only)
 * @handle: in, the BO
 * @flags: in, must be zero
 * @ranges_ptr: in, user array of struct drm_p2p_dma_range, in BO order
 * @nr_ranges: in, capacity of the array (may be 0 to ask for the count); out,
 *	number of ranges of the BO (only the first min(in, out) are written)
 * @pad: in, must be zero
 *
 * Errors: -EPERM without CAP_SYS_ADMIN; -EREMOTEIO when an imported BO cannot be
 * mapped for this engine.
 */
struct drm_p2p_bo_dma_info {
	__u32 handle;
	__u32 flags;
	__u64 ranges_ptr;
	__u32 nr_ranges;
	__u32 pad;
};

/**
 * struct drm_p2p_probe_addr - raw engine read at any device address (CAP_SYS_ADMIN)
 * @dma_addr: in, device address for the engine
 * @size: in, 1 .. DRM_P2P_PROBE_MAX bytes, not crossing a 4 KiB boundary
 * @flags: in, must be zero
 * @user_ptr: in, user buffer receiving @size bytes
 *
 * For tests that show a wrong address does not reach the memory: under an IOMMU an
 * untranslated address faults (DMAR fault in the kernel log) and the engine returns
 * no data from it (the buffer receives what the IOMMU substitutes, zeros in QEMU).
 * Returns 0 when the engine completed the command, -ETIMEDOUT when it did not.
 */
struct drm_p2p_probe_addr {
	__u64 dma_addr;
	__u32 size;
	__u32 flags;
	__u64 user_ptr;
};

#define DRM_IOCTL_P2P_GET_INFO		DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_GET_INFO, \
						 struct drm_p2p_get_info)
#define DRM_IOCTL_P2P_BO_CREATE		DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_BO_CREATE, \
						 struct drm_p2p_bo_create)
#define DRM_IOCTL_P2P_BO_MMAP_OFFSET	DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_BO_MMAP_OFFSET, \
						 struct drm_p2p_bo_mmap_offset)
#define DRM_IOCTL_P2P_BO_WAIT		DRM_IOW(DRM_COMMAND_BASE + DRM_P2P_BO_WAIT, \
						struct drm_p2p_bo_wait)
#define DRM_IOCTL_P2P_BO_INFO		DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_BO_INFO, \
						 struct drm_p2p_bo_info)
#define DRM_IOCTL_P2P_FILL		DRM_IOW(DRM_COMMAND_BASE + DRM_P2P_FILL, \
						struct drm_p2p_fill)
#define DRM_IOCTL_P2P_COPY		DRM_IOW(DRM_COMMAND_BASE + DRM_P2P_COPY, \
						struct drm_p2p_copy)
#define DRM_IOCTL_P2P_CHECKSUM		DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_CHECKSUM, \
						 struct drm_p2p_checksum)
#define DRM_IOCTL_P2P_PROBE		DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_PROBE, \
						 struct drm_p2p_probe)
#define DRM_IOCTL_P2P_BO_DMA_INFO	DRM_IOWR(DRM_COMMAND_BASE + DRM_P2P_BO_DMA_INFO, \
						 struct drm_p2p_bo_dma_info)
#define DRM_IOCTL_P2P_PROBE_ADDR	DRM_IOW(DRM_COMMAND_BASE + DRM_P2P_PROBE_ADDR, \
						struct drm_p2p_probe_addr)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_P2P_DRM_H_ */

/* SPDX-License-Identifier: MIT */
/*
 * drm_p2p.h - libdrm_p2p, the userspace library of the drm_p2p driver.
 *
 * Every function returns 0 (or a documented non-negative value) on success
 * and a negative errno on failure; none of them prints anything.  The ioctl
 * structures and flag values are those of <drm_p2p_drm.h>, installed next to
 * this header, and those of <drm_p2p_svm.h> for shared virtual memory.
 */
#ifndef DRM_P2P_H
#define DRM_P2P_H

#include <stddef.h>
#include <stdint.h>

#include <drm_p2p_drm.h>
#include <drm_p2p_svm.h>

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_P2P_DRIVER_NAME "drm_p2p"

struct drm_p2p_device;

struct drm_p2p_pci_addr {
	uint16_t domain;
	uint8_t bus;
	uint8_t dev;
	uint8_t func;
};

/* One drm_p2p GPU as found by drm_p2p_enumerate(). */
struct drm_p2p_device_desc {
	struct drm_p2p_pci_addr pci;	/* of the VRAM (DRM) function */
	char render_node[64];		/* "/dev/dri/renderD128", or "" */
	char primary_node[64];		/* "/dev/dri/card0", or "" */
};

/*
 * drm_p2p_parse_pci_addr - parse "DDDD:BB:DD.F" or "BB:DD.F" (hex, domain 0).
 * Returns 0 or -EINVAL.
 */
int drm_p2p_parse_pci_addr(const char *str, struct drm_p2p_pci_addr *addr);

/* drm_p2p_format_pci_addr - "DDDD:BB:DD.F" into @buf; -ENOSPC if too small. */
int drm_p2p_format_pci_addr(const struct drm_p2p_pci_addr *addr, char *buf, size_t len);

/*
 * drm_p2p_enumerate - the drm_p2p GPUs of this machine in PCI address order.
 * Fills at most @max entries of @descs (which may be NULL when @max is 0) and
 * returns the number of GPUs found, which may be larger than @max.
 */
int drm_p2p_enumerate(struct drm_p2p_device_desc *descs, int max);

/* Open the @index-th GPU (drm_p2p_enumerate() order); -ENODEV if none. */
int drm_p2p_open_index(int index, struct drm_p2p_device **dev);

/* Open the GPU at PCI address @pci_addr; -EINVAL if malformed, -ENODEV if none. */
int drm_p2p_open_pci(const char *pci_addr, struct drm_p2p_device **dev);

/*
 * Wrap a DRM file descriptor the caller opened; the caller keeps ownership of
 * @fd (drm_p2p_close() does not close it).  -ENODEV if it is not drm_p2p.
 */
int drm_p2p_open_fd(int fd, struct drm_p2p_device **dev);

/* Release @dev (closing its file descriptor if the library opened it). */
void drm_p2p_close(struct drm_p2p_device *dev);

/* The DRM file descriptor of @dev. */
int drm_p2p_get_fd(const struct drm_p2p_device *dev);

/* PCI address and device nodes of @dev. */
int drm_p2p_get_desc(const struct drm_p2p_device *dev, struct drm_p2p_device_desc *desc);

/* ---- buffer objects: GEM handles and PRIME ---------------------------- */

/* Close GEM handle @handle of @dev (DRM_IOCTL_GEM_CLOSE). */
int drm_p2p_bo_close(struct drm_p2p_device *dev, uint32_t handle);

/*
 * Export @handle as a dma-buf (drmPrimeHandleToFD, close-on-exec, mappable
 * read-write).  Exporting the same BO again gives a descriptor of the same
 * dma-buf.
 */
int drm_p2p_bo_export(struct drm_p2p_device *dev, uint32_t handle, int *dmabuf_fd);

/*
 * Import a dma-buf into @dev (drmPrimeFDToHandle).  A dma-buf that @dev itself
 * exported gives back the original handle; one from another drm_p2p GPU
 * becomes a BO that @dev's engine reaches peer-to-peer.
 */
int drm_p2p_bo_import(struct drm_p2p_device *dev, int dmabuf_fd, uint32_t *handle);

/* Size of a dma-buf (lseek(SEEK_END)). */
int drm_p2p_dmabuf_size(int dmabuf_fd, uint64_t *size);

/*
 * Bracket CPU access to a mapped dma-buf: DMA_BUF_IOCTL_SYNC with @flags
 * DMA_BUF_SYNC_START or _END | DMA_BUF_SYNC_READ and/or _WRITE
 * (<linux/dma-buf.h>).
 */
int drm_p2p_dmabuf_sync(int dmabuf_fd, uint32_t flags);

/* ---- the GPU ------------------------------------------------------------ */

struct drm_p2p_info {
	uint32_t uapi_version;		/* DRM_P2P_UAPI_VERSION of the kernel */
	uint32_t engine_flags;		/* DRM_P2P_ENGINE_* */
	uint64_t vram_size;		/* bytes the driver manages (SVM's slice included) */
	uint64_t vram_free;		/* what BO creation can still get */
	uint64_t vram_used;		/* vram_size - vram_free */
	uint64_t vram_bar_size;
	struct drm_p2p_pci_addr pci;	/* of the VRAM function */
	uint32_t gpu_index;		/* the driver's bind order */
	uint32_t probe_max;		/* largest drm_p2p_probe() size */
};

/* DRM_IOCTL_P2P_GET_INFO. */
int drm_p2p_query_info(struct drm_p2p_device *dev, struct drm_p2p_info *info);

/* ---- buffer objects: driver ioctls --------------------------------------- */

/*
 * Create a BO of at least @size bytes (rounded up to 4 KiB by the kernel);
 * @flags: DRM_P2P_BO_VRAM or DRM_P2P_BO_SYSTEM, optionally
 * DRM_P2P_BO_CONTIGUOUS.  -ENOSPC when VRAM is short.
 */
int drm_p2p_bo_create(struct drm_p2p_device *dev, uint64_t size, uint32_t flags,
		      uint32_t *handle);

/* Map @size bytes of a local BO read-write (VRAM write-combined). */
int drm_p2p_bo_mmap(struct drm_p2p_device *dev, uint32_t handle, uint64_t size, void **ptr);

/* Undo drm_p2p_bo_mmap(). */
int drm_p2p_bo_munmap(void *ptr, uint64_t size);

/*
 * Wait for the engine work on a BO: @timeout_ns relative, 0 polls, negative
 * waits forever.  -ETIME if still busy.
 */
int drm_p2p_bo_wait(struct drm_p2p_device *dev, uint32_t handle, int64_t timeout_ns);

/* DRM_IOCTL_P2P_BO_INFO: size, kind (DRM_P2P_KIND_*), path, number of ranges. */
int drm_p2p_bo_info(struct drm_p2p_device *dev, uint32_t handle, struct drm_p2p_bo_info *info);

/*
 * The engine's addresses of a BO (CAP_SYS_ADMIN; -EPERM otherwise).  Writes at
 * most @max ranges and returns the BO's number of ranges.
 */
int drm_p2p_bo_dma_info(struct drm_p2p_device *dev, uint32_t handle,
			struct drm_p2p_dma_range *ranges, uint32_t max);

/* ---- the engine ---------------------------------------------------------- */

/*
 * Fill [offset, offset + size) of a BO with the 32-bit little-endian
 * @pattern.  @flags: DRM_P2P_EXEC_SYNC waits and returns the job's error;
 * @out_syncobj: a drm_syncobj receiving the job's fence, or 0.
 */
int drm_p2p_fill(struct drm_p2p_device *dev, uint32_t handle, uint64_t offset,
		 uint64_t size, uint32_t pattern, uint32_t flags, uint32_t out_syncobj);

/* Copy @size bytes between BO ranges (flags and syncobj as drm_p2p_fill()). */
int drm_p2p_copy(struct drm_p2p_device *dev, uint32_t dst_handle, uint64_t dst_offset,
		 uint32_t src_handle, uint64_t src_offset, uint64_t size, uint32_t flags,
		 uint32_t out_syncobj);

/* The engine's FNV-1a 64 checksum of a BO range (synchronous). */
int drm_p2p_checksum(struct drm_p2p_device *dev, uint32_t handle, uint64_t offset,
		     uint64_t size, uint64_t *checksum);

/*
 * One real DMA transfer of the engine at the BO's address: reads @size
 * (<= DRM_P2P_PROBE_MAX, within one 4 KiB page of the BO) bytes into @buf, or
 * writes them from @buf with DRM_P2P_PROBE_WRITE.  @dma_addr and @path (may
 * be NULL) receive the address used and its DRM_P2P_PATH_*.
 */
int drm_p2p_probe(struct drm_p2p_device *dev, uint32_t handle, uint64_t offset, void *buf,
		  uint32_t size, uint32_t flags, uint64_t *dma_addr, uint32_t *path);

/* Raw engine read of @size bytes at device address @dma_addr (CAP_SYS_ADMIN). */
int drm_p2p_probe_addr(struct drm_p2p_device *dev, uint64_t dma_addr, void *buf,
		       uint32_t size);

/* The checksum the engine computes over @size bytes of @data (CPU side). */
uint64_t drm_p2p_checksum_data(const void *data, uint64_t size);

/* The checksum of @size bytes (a multiple of 4) filled with @pattern. */
uint64_t drm_p2p_checksum_pattern(uint32_t pattern, uint64_t size);

/* ---- peer-to-peer paths --------------------------------------------------- */

struct drm_p2p_peer_path {
	uint32_t path;		/* DRM_P2P_PATH_* the importer's engine uses */
	uint32_t kind;		/* DRM_P2P_KIND_* of the imported BO */
	int error;		/* 0, or the -errno of a refused import/mapping */
};

/*
 * What the kernel does when @to imports VRAM of @from: creates a 4 KiB VRAM
 * BO on @from, exports it, imports it on @to and reads BO_INFO there.  An
 * import the kernel refuses is a result (path DRM_P2P_PATH_NONE, @error set),
 * not a failure; failures to set up the probe on @from return -errno.
 */
int drm_p2p_query_path(struct drm_p2p_device *from, struct drm_p2p_device *to,
		       struct drm_p2p_peer_path *path);

/* "local", "bus", "iova", "phys", "none" or "unknown". */
const char *drm_p2p_path_name(uint32_t path);

/* ---- shared virtual memory (SVM) --------------------------------------- */

/*
 * An SVM context binds the calling process's address space to a GPU: the
 * GPU's engine then reads and writes the process's own virtual addresses,
 * faulting pages into its page table on demand.  Addresses and sizes are
 * page aligned.  See docs/svm.md.
 */

/* What one access cost in page table faults (hmm_range_fault() batches). */
struct drm_p2p_svm_faults {
	uint64_t batches;	/* fault batches (at most one per 2 MiB) */
	uint64_t pages;		/* entries those batches made */
};

/*
 * Bind the caller's mm to @dev; @flags: 0 or DRM_P2P_SVM_CTX_NO_PEER (every
 * page in some GPU's VRAM is migrated to RAM before use).  -EEXIST if this
 * file already has a context for the caller's mm, -EOPNOTSUPP without SVM.
 */
int drm_p2p_svm_create(struct drm_p2p_device *dev, uint32_t flags, uint32_t *ctx_id);

/* Unbind; the GPU drops its page table.  -ENOENT if no such context. */
int drm_p2p_svm_destroy(struct drm_p2p_device *dev, uint32_t ctx_id);

/*
 * The engine reads [@addr, @addr + @size) into @buf, writes @buf to it,
 * fills it with a 32-bit pattern, checksums it (drm_p2p_checksum_data()'s
 * FNV-1a), copies [@src, +@size) to [@dst, +@size), or only faults it into
 * its page table (prefetch).  @faults may be NULL.  -EFAULT for a hole in the
 * address space, -EPERM for a write to read-only memory.
 */
int drm_p2p_svm_read(struct drm_p2p_device *dev, uint32_t ctx_id, const void *addr,
		     uint64_t size, void *buf, struct drm_p2p_svm_faults *faults);
int drm_p2p_svm_write(struct drm_p2p_device *dev, uint32_t ctx_id, void *addr,
		      uint64_t size, const void *buf, struct drm_p2p_svm_faults *faults);
int drm_p2p_svm_fill(struct drm_p2p_device *dev, uint32_t ctx_id, void *addr,
		     uint64_t size, uint32_t pattern, struct drm_p2p_svm_faults *faults);
int drm_p2p_svm_checksum(struct drm_p2p_device *dev, uint32_t ctx_id, const void *addr,
			 uint64_t size, uint64_t *checksum, struct drm_p2p_svm_faults *faults);
int drm_p2p_svm_copy(struct drm_p2p_device *dev, uint32_t ctx_id, void *dst,
		     const void *src, uint64_t size, struct drm_p2p_svm_faults *faults);
int drm_p2p_svm_prefetch(struct drm_p2p_device *dev, uint32_t ctx_id, const void *addr,
			 uint64_t size, struct drm_p2p_svm_faults *faults);

/*
 * Migrate [@addr, @addr + @size) into @dev's VRAM (@target
 * DRM_P2P_SVM_MIGRATE_TO_VRAM) or back to system memory (_TO_RAM).  Returns
 * the number of pages that moved (pages already there, or that cannot move,
 * are not counted), or -errno.
 */
int64_t drm_p2p_svm_migrate(struct drm_p2p_device *dev, uint32_t ctx_id, void *addr,
			    uint64_t size, uint32_t target);

/* Counters of the context and of its GPU (struct drm_p2p_svm_stats). */
int drm_p2p_svm_stats(struct drm_p2p_device *dev, uint32_t ctx_id,
		      struct drm_p2p_svm_stats *stats);

/* One entry of the GPU's page table, decoded. */
struct drm_p2p_svm_entry {
	int valid;
	int writable;
	uint32_t kind;		/* DRM_P2P_SVM_KIND_* */
	uint32_t path;		/* DRM_P2P_SVM_PATH_* */
	uint32_t owner_minor;	/* DRM minor of the GPU whose VRAM holds the page */
	uint64_t dma_addr;	/* the engine's address (0 unless CAP_SYS_ADMIN) */
};

/*
 * Read @npages entries of the GPU page table from @addr on, without
 * faulting anything in.
 */
int drm_p2p_svm_query(struct drm_p2p_device *dev, uint32_t ctx_id, const void *addr,
		      uint32_t npages, struct drm_p2p_svm_entry *entries);

/* "system", "local", "peer" or "unknown" for a DRM_P2P_SVM_KIND_*. */
const char *drm_p2p_svm_kind_name(uint32_t kind);

/* "dma", "bus", "host-bridge" or "unknown" for a DRM_P2P_SVM_PATH_*. */
const char *drm_p2p_svm_path_name(uint32_t path);

#if defined(__cplusplus)
}
#endif

#endif /* DRM_P2P_H */

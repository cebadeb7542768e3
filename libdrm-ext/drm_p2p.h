/* SPDX-License-Identifier: MIT */
/*
 * drm_p2p.h - libdrm_p2p, the userspace library of the drm_p2p driver.
 *
 * Every function returns 0 (or a documented non-negative value) on success
 * and a negative errno on failure; none of them prints anything.  The ioctl
 * structures and flag values are those of <drm_p2p_drm.h>, installed next to
 * this header.
 */
#ifndef DRM_P2P_H
#define DRM_P2P_H

#include <stddef.h>
#include <stdint.h>

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

#if defined(__cplusplus)
}
#endif

#endif /* DRM_P2P_H */

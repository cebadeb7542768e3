/* SPDX-License-Identifier: MIT */
/*
 * p2p_ioctl.h - thin wrappers over the drm_p2p ioctls for the igt tests, in the style
 * of IGT's lib/igt_<driver>.c: __p2p_foo() returns 0 or -errno and changes nothing
 * else, p2p_foo() asserts success.  Also: opening the N-th drm_p2p GPU, the FNV-1a
 * checksum of the engine computed on the CPU, and what the test VM's preset promises.
 */
#ifndef P2P_IOCTL_H
#define P2P_IOCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drm/drm_p2p_drm.h"

#define P2P_DRIVER_NAME "drm_p2p"
#define P2P_MAX_GPUS 16
#define P2P_PAGE 4096ull

/* ---- devices ---------------------------------------------------------------- */

/* Number of drm_p2p GPUs (render nodes); rescans the nodes every call. */
int p2p_num_gpus(void);
/* Open the @idx-th drm_p2p GPU in PCI address order (render node); -1 if none. */
int __p2p_open_gpu(int idx);
/* Same, skipping the subtest when there is no such GPU. */
int p2p_open_gpu(int idx);
/* Open the primary node (card) of the @idx-th GPU, for KMS ioctls (dumb buffers). */
int p2p_open_gpu_primary(int idx);
/* Skip unless there are at least @n drm_p2p GPUs. */
void p2p_require_gpus(int n);
/* True when @fd is a drm_p2p device. */
bool p2p_is_drm_p2p(int fd);

int __p2p_get_info(int fd, struct drm_p2p_get_info *info);
void p2p_get_info(int fd, struct drm_p2p_get_info *info);
uint64_t p2p_vram_free(int fd);
/* "DDDD:BB:DD.F" of the GPU's VRAM function */
void p2p_bdf(const struct drm_p2p_get_info *info, char *buf, size_t len);
/* CPU physical start and size of the GPU's VRAM BAR (from sysfs); false if unknown */
bool p2p_vram_bar(const struct drm_p2p_get_info *info, uint64_t *start, uint64_t *size);

/* ---- buffer objects ------------------------------------------------------------ */

int __p2p_bo_create(int fd, struct drm_p2p_bo_create *args);
uint32_t p2p_bo_create(int fd, uint64_t size, uint32_t flags);
int __p2p_bo_mmap_offset(int fd, uint32_t handle, uint32_t flags, uint64_t *offset);
void *p2p_bo_mmap(int fd, uint32_t handle, uint64_t size, int prot);
int __p2p_bo_wait(int fd, uint32_t handle, uint32_t flags, int64_t timeout_ns);
int __p2p_bo_info(int fd, struct drm_p2p_bo_info *info);
void p2p_bo_info(int fd, uint32_t handle, struct drm_p2p_bo_info *info);
/* The handle names a BO on @fd (BO_INFO succeeds). */
bool p2p_bo_exists(int fd, uint32_t handle);

/* ---- engine ------------------------------------------------------------------- */

int __p2p_fill(int fd, struct drm_p2p_fill *args);
void p2p_fill(int fd, uint32_t handle, uint32_t pattern, uint64_t offset, uint64_t size);
int __p2p_copy(int fd, struct drm_p2p_copy *args);
void p2p_copy(int fd, uint32_t dst, uint64_t dst_off, uint32_t src, uint64_t src_off,
	      uint64_t size);
int __p2p_checksum(int fd, struct drm_p2p_checksum *args);
uint64_t p2p_checksum(int fd, uint32_t handle, uint64_t offset, uint64_t size);
int __p2p_probe(int fd, struct drm_p2p_probe *args);
/* Engine DMA read of @size bytes at @offset of the BO; returns the address and path. */
void p2p_probe_read(int fd, uint32_t handle, uint64_t offset, void *buf, uint32_t size,
		    uint64_t *dma_addr, uint32_t *path);
int __p2p_bo_dma_info(int fd, struct drm_p2p_bo_dma_info *args);
/* Every engine range of a BO (root); *nr set; free() the result. */
int __p2p_dma_ranges(int fd, uint32_t handle, struct drm_p2p_dma_range **ranges,
		     uint32_t *nr);
struct drm_p2p_dma_range *p2p_dma_ranges(int fd, uint32_t handle, uint32_t *nr);
int __p2p_probe_addr(int fd, struct drm_p2p_probe_addr *args);

/* ---- CPU side ----------------------------------------------------------------- */

/* The engine's checksum: FNV-1a 64 over little-endian 32-bit words. */
uint64_t p2p_fnv1a(const void *buf, size_t len);
uint64_t p2p_fnv1a_pattern(uint32_t pattern, size_t len);
/* Deterministic data: word i of a buffer seeded with @seed. */
void p2p_fill_data(void *buf, size_t len, uint32_t seed);
/* Copy to/from a write-combined mapping with 32-bit accesses. */
void p2p_memcpy_to_wc(void *dst, const void *src, size_t len);
void p2p_memcpy_from_wc(void *dst, const void *src, size_t len);
const char *p2p_path_name(uint32_t path);

/* ---- the preset of the test VM (environment of tools/vm/guest-tests) ----------- */

/* P2P_PRESET, or NULL outside the test VM */
const char *p2p_preset(void);
/* GPU @idx is behind the preset's PCIe switch (P2P_SWITCH) */
bool p2p_behind_switch(int idx);
/*
 * The path the preset promises for GPU @importer's engine to reach GPU @exporter's
 * VRAM: DRM_P2P_PATH_BUS/IOVA/PHYS, or 0 when there is none (import fails with
 * -EREMOTEIO), -1 when no preset is known.
 */
int p2p_expected_path(int exporter, int importer, bool importer_iommu);

#endif /* P2P_IOCTL_H */

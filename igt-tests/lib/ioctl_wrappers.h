/* SPDX-License-Identifier: MIT */
/*
 * ioctl_wrappers.h - the generic (driver independent) part of IGT's
 * lib/ioctl_wrappers.h that the drm-p2p tests use.
 */
#ifndef IOCTL_WRAPPERS_H
#define IOCTL_WRAPPERS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>

extern __thread int (*igt_ioctl)(int fd, unsigned long request, void *arg);

void gem_close(int fd, uint32_t handle);

struct local_dma_buf_sync {
	uint64_t flags;
};

#define LOCAL_DMA_BUF_SYNC_READ      (1 << 0)
#define LOCAL_DMA_BUF_SYNC_WRITE     (2 << 0)
#define LOCAL_DMA_BUF_SYNC_RW        (LOCAL_DMA_BUF_SYNC_READ | LOCAL_DMA_BUF_SYNC_WRITE)
#define LOCAL_DMA_BUF_SYNC_START     (0 << 2)
#define LOCAL_DMA_BUF_SYNC_END       (1 << 2)
#define LOCAL_DMA_BUF_SYNC_VALID_FLAGS_MASK \
		(LOCAL_DMA_BUF_SYNC_RW | LOCAL_DMA_BUF_SYNC_END)

#define LOCAL_DMA_BUF_BASE 'b'
#define LOCAL_DMA_BUF_IOCTL_SYNC _IOW(LOCAL_DMA_BUF_BASE, 0, struct local_dma_buf_sync)

int prime_handle_to_fd(int fd, uint32_t handle);
#ifndef DRM_RDWR
#define DRM_RDWR O_RDWR
#endif
int prime_handle_to_fd_for_mmap(int fd, uint32_t handle);
uint32_t prime_fd_to_handle(int fd, int dma_buf_fd);
off_t prime_get_size(int dma_buf_fd);
void prime_sync_start(int dma_buf_fd, bool write);
void prime_sync_end(int dma_buf_fd, bool write);

int igt_has_drm_cap(int fd, uint64_t capability);

static inline uint64_t to_user_pointer(const void *ptr)
{
	return (uintptr_t)ptr;
}

static inline void *from_user_pointer(uint64_t u64p)
{
	return (void *)(uintptr_t)u64p;
}

static inline uint32_t lower_32_bits(uint64_t x)
{
	return x & 0xffffffff;
}

static inline uint32_t upper_32_bits(uint64_t x)
{
	return x >> 32;
}

#endif /* IOCTL_WRAPPERS_H */

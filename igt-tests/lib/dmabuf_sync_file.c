// SPDX-License-Identifier: MIT
/*
 * dmabuf_sync_file.c - DMA_BUF_IOCTL_EXPORT/IMPORT_SYNC_FILE and poll-based
 * busy checks, as in IGT's lib/dmabuf_sync_file.c (asserting variants).
 */
#include <sys/ioctl.h>

#include "igt_core.h"
#include "drmtest.h"
#include "ioctl_wrappers.h"
#include "dmabuf_sync_file.h"

struct igt_dma_buf_sync_file {
	__u32 flags;
	__s32 fd;
};

#define IGT_DMA_BUF_IOCTL_EXPORT_SYNC_FILE _IOWR(DMA_BUF_BASE, 2, struct igt_dma_buf_sync_file)
#define IGT_DMA_BUF_IOCTL_IMPORT_SYNC_FILE _IOW(DMA_BUF_BASE, 3, struct igt_dma_buf_sync_file)

int dmabuf_export_sync_file(int dmabuf, uint32_t flags)
{
	struct igt_dma_buf_sync_file arg = { .flags = flags, .fd = -1 };

	do_ioctl(dmabuf, IGT_DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg);
	return arg.fd;
}

void dmabuf_import_sync_file(int dmabuf, uint32_t flags, int sync_fd)
{
	struct igt_dma_buf_sync_file arg = { .flags = flags, .fd = sync_fd };

	do_ioctl(dmabuf, IGT_DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &arg);
}

bool dmabuf_busy(int dmabuf, uint32_t flags)
{
	struct pollfd pfd = { .fd = dmabuf };

	/* POLLOUT waits for all fences, POLLIN only for the writers */
	if (flags & DMA_BUF_SYNC_WRITE)
		pfd.events |= POLLOUT;
	else if (flags & DMA_BUF_SYNC_READ)
		pfd.events |= POLLIN;
	return poll(&pfd, 1, 0) == 0;
}

bool sync_file_busy(int sync_file)
{
	struct pollfd pfd = { .fd = sync_file, .events = POLLIN };

	return poll(&pfd, 1, 0) == 0;
}

bool dmabuf_sync_file_busy(int dmabuf, uint32_t flags)
{
	int sync_file = dmabuf_export_sync_file(dmabuf, flags);
	bool busy = sync_file_busy(sync_file);

	close(sync_file);
	return busy;
}

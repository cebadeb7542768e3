/* SPDX-License-Identifier: MIT */
/* dmabuf_sync_file.h - IGT's dma-buf <-> sync_file helpers (subset). */
#ifndef DMABUF_SYNC_FILE_H
#define DMABUF_SYNC_FILE_H

#include <linux/dma-buf.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/poll.h>

int dmabuf_export_sync_file(int dmabuf, uint32_t flags);
void dmabuf_import_sync_file(int dmabuf, uint32_t flags, int sync_fd);
bool dmabuf_busy(int dmabuf, uint32_t flags);
bool sync_file_busy(int sync_file);
bool dmabuf_sync_file_busy(int dmabuf, uint32_t flags);

#endif /* DMABUF_SYNC_FILE_H */

/* SPDX-License-Identifier: MIT */
/* sw_sync.h - IGT's software sync timeline helpers (lib/sw_sync.h). */
#ifndef SW_SYNC_H
#define SW_SYNC_H

#include <stdint.h>

#define SYNC_FENCE_OK 1

int sw_sync_timeline_create(void);
int __sw_sync_timeline_create_fence(int fd, uint32_t seqno);
int sw_sync_timeline_create_fence(int fd, uint32_t seqno);
void sw_sync_timeline_inc(int fd, uint32_t count);

int sync_fence_merge(int fd1, int fd2);
int sync_fence_wait(int fence, int timeout);
int sync_fence_status(int fence);
int sync_fence_count(int fence);
int sync_fence_count_status(int fence, int status);

void igt_require_sw_sync(void);

#endif /* SW_SYNC_H */

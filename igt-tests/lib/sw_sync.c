// SPDX-License-Identifier: MIT
/*
 * sw_sync.c - sw_sync timelines (CONFIG_SW_SYNC: debugfs sync/sw_sync) and
 * sync_file queries, with the return conventions of IGT's lib/sw_sync.c:
 * the __ and query helpers return -errno, the plain ones assert.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <linux/sync_file.h>
#include <linux/types.h>

#include "igt_core.h"
#include "drmtest.h"
#include "ioctl_wrappers.h"
#include "sw_sync.h"

struct int_sync_create_fence_data {
	__u32 value;
	char name[32];
	__s32 fence;
};

#define INT_SYNC_IOC_MAGIC 'W'
#define INT_SYNC_IOC_CREATE_FENCE _IOWR(INT_SYNC_IOC_MAGIC, 0, struct int_sync_create_fence_data)
#define INT_SYNC_IOC_INC _IOW(INT_SYNC_IOC_MAGIC, 1, __u32)

static bool kernel_sw_sync_path(char *path, int length)
{
	static const char * const paths[] = {
		"/dev/sw_sync",
		"/sys/kernel/debug/sync/sw_sync",
		"/sys/kernel/debug/sw_sync",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		snprintf(path, length, "%s", paths[i]);
		if (access(path, R_OK | W_OK) == 0)
			return true;
	}
	return false;
}

static bool fd_is_valid(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD, 0) >= 0;
}

int sw_sync_timeline_create(void)
{
	char path[128];
	int fd;

	igt_assert_f(kernel_sw_sync_path(path, sizeof(path)),
		     "Unable to find valid path for sw_sync\n");
	fd = open(path, O_RDWR | O_CLOEXEC);
	igt_assert_f(fd_is_valid(fd), "Created invalid timeline\n");
	return fd;
}

int __sw_sync_timeline_create_fence(int fd, uint32_t seqno)
{
	struct int_sync_create_fence_data data = { .value = seqno };

	if (igt_ioctl(fd, INT_SYNC_IOC_CREATE_FENCE, &data))
		return -errno;
	return data.fence;
}

int sw_sync_timeline_create_fence(int fd, uint32_t seqno)
{
	int fence = __sw_sync_timeline_create_fence(fd, seqno);

	igt_assert_f(fd_is_valid(fence), "Created invalid fence\n");
	return fence;
}

void sw_sync_timeline_inc(int fd, uint32_t count)
{
	do_ioctl(fd, INT_SYNC_IOC_INC, &count);
}

int sync_fence_merge(int fd1, int fd2)
{
	struct sync_merge_data data = { .fd2 = fd2 };

	if (ioctl(fd1, SYNC_IOC_MERGE, &data))
		return -errno;
	return data.fence;
}

int sync_fence_wait(int fd, int timeout)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	for (;;) {
		ret = poll(&pfd, 1, timeout);
		if (ret > 0)
			return pfd.revents & (POLLERR | POLLNVAL) ? -EINVAL : 0;
		if (ret == 0)
			return -ETIME;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

int sync_fence_count(int fd)
{
	struct sync_file_info info = {};

	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		return -errno;
	return info.num_fences;
}

int sync_fence_count_status(int fd, int status)
{
	struct sync_file_info info = {};
	struct sync_fence_info *fences;
	int count = 0;
	__u32 i;

	igt_assert(ioctl(fd, SYNC_IOC_FILE_INFO, &info) == 0);
	fences = calloc(info.num_fences ?: 1, sizeof(*fences));
	igt_assert(fences);
	info.sync_fence_info = to_user_pointer(fences);
	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info)) {
		count = -errno;
	} else {
		for (i = 0; i < info.num_fences; i++)
			count += fences[i].status == status;
	}
	free(fences);
	igt_assert_f(count >= 0, "No fences with supplied status found\n");
	return count;
}

int sync_fence_status(int fence)
{
	struct sync_file_info info = {};

	if (ioctl(fence, SYNC_IOC_FILE_INFO, &info))
		return -errno;
	return info.status;
}

void igt_require_sw_sync(void)
{
	char path[128];

	igt_require(kernel_sw_sync_path(path, sizeof(path)));
}

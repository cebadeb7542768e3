// SPDX-License-Identifier: MIT
/*
 * p2p_ioctl.c - thin wrappers over the drm_p2p ioctls for the igt tests (see
 * p2p_ioctl.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "p2p_ioctl.h"

/* ---- devices ---------------------------------------------------------------- */

struct p2p_node {
	char path[32];
	uint32_t key[4];	/* domain, bus, dev, func */
};

bool p2p_is_drm_p2p(int fd)
{
	char name[16] = "";

	if (__get_drm_device_name(fd, name, sizeof(name) - 1))
		return false;
	return !strcmp(name, P2P_DRIVER_NAME);
}

static int cmp_node(const void *a, const void *b)
{
	const struct p2p_node *x = a, *y = b;
	int i;

	for (i = 0; i < 4; i++)
		if (x->key[i] != y->key[i])
			return x->key[i] < y->key[i] ? -1 : 1;
	return 0;
}

/* The drm_p2p render (or primary) nodes in PCI address order. */
static int scan_nodes(struct p2p_node *nodes, int max, bool primary)
{
	int i, n = 0;

	for (i = 0; i < 64 && n < max; i++) {
		struct drm_p2p_get_info info;
		char path[32];
		int fd;

		if (primary)
			snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		else
			snprintf(path, sizeof(path), "/dev/dri/renderD%d", 128 + i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (p2p_is_drm_p2p(fd) && !__p2p_get_info(fd, &info)) {
			snprintf(nodes[n].path, sizeof(nodes[n].path), "%s", path);
			nodes[n].key[0] = info.pci_domain;
			nodes[n].key[1] = info.pci_bus;
			nodes[n].key[2] = info.pci_dev;
			nodes[n].key[3] = info.pci_func;
			n++;
		}
		close(fd);
	}
	qsort(nodes, n, sizeof(nodes[0]), cmp_node);
	return n;
}

int p2p_num_gpus(void)
{
	struct p2p_node nodes[P2P_MAX_GPUS];

	return scan_nodes(nodes, P2P_MAX_GPUS, false);
}

int __p2p_open_gpu(int idx)
{
	struct p2p_node nodes[P2P_MAX_GPUS];
	int n = scan_nodes(nodes, P2P_MAX_GPUS, false);

	if (idx < 0 || idx >= n)
		return -1;
	return open(nodes[idx].path, O_RDWR | O_CLOEXEC);
}

int p2p_open_gpu_primary(int idx)
{
	struct p2p_node nodes[P2P_MAX_GPUS];
	int n = scan_nodes(nodes, P2P_MAX_GPUS, true), fd = -1;

	if (idx >= 0 && idx < n)
		fd = open(nodes[idx].path, O_RDWR | O_CLOEXEC);
	igt_require_f(fd >= 0, "no primary node of drm_p2p GPU %d\n", idx);
	return fd;
}

int p2p_open_gpu(int idx)
{
	int fd = __p2p_open_gpu(idx);

	igt_require_f(fd >= 0, "no drm_p2p GPU %d\n", idx);
	return fd;
}

void p2p_require_gpus(int n)
{
	int have = p2p_num_gpus();

	igt_require_f(have >= n, "%d drm_p2p GPUs needed, %d present\n", n, have);
}

int __p2p_get_info(int fd, struct drm_p2p_get_info *info)
{
	memset(info, 0, sizeof(*info));
	if (igt_ioctl(fd, DRM_IOCTL_P2P_GET_INFO, info))
		return -errno;
	return 0;
}

void p2p_get_info(int fd, struct drm_p2p_get_info *info)
{
	igt_assert_eq(__p2p_get_info(fd, info), 0);
}

uint64_t p2p_vram_free(int fd)
{
	struct drm_p2p_get_info info;

	p2p_get_info(fd, &info);
	return info.vram_free;
}

void p2p_bdf(const struct drm_p2p_get_info *info, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%u", info->pci_domain, info->pci_bus,
		 info->pci_dev, info->pci_func);
}

bool p2p_vram_bar(const struct drm_p2p_get_info *info, uint64_t *start, uint64_t *size)
{
	unsigned long long s, e, f;
	char bdf[32], path[96];
	bool ok = false;
	FILE *file;
	int i;

	p2p_bdf(info, bdf, sizeof(bdf));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	file = fopen(path, "r");
	if (!file)
		return false;
	for (i = 0; i <= 2; i++) {
		if (fscanf(file, "%llx %llx %llx", &s, &e, &f) != 3)
			break;
		if (i == 2 && e > s) {
			*start = s;
			*size = e - s + 1;
			ok = true;
		}
	}
	fclose(file);
	return ok;
}

/* ---- buffer objects ------------------------------------------------------------ */

static int p2p_ioctl(int fd, unsigned long request, void *arg)
{
	if (igt_ioctl(fd, request, arg))
		return -errno;
	errno = 0;
	return 0;
}

int __p2p_bo_create(int fd, struct drm_p2p_bo_create *args)
{
	return p2p_ioctl(fd, DRM_IOCTL_P2P_BO_CREATE, args);
}

uint32_t p2p_bo_create(int fd, uint64_t size, uint32_t flags)
{
	struct drm_p2p_bo_create args = { .size = size, .flags = flags };

	igt_assert_eq(__p2p_bo_create(fd, &args), 0);
	igt_assert(args.handle);
	return args.handle;
}

int __p2p_bo_mmap_offset(int fd, uint32_t handle, uint32_t flags, uint64_t *offset)
{
	struct drm_p2p_bo_mmap_offset args = { .handle = handle, .flags = flags };
	int ret = p2p_ioctl(fd, DRM_IOCTL_P2P_BO_MMAP_OFFSET, &args);

	if (!ret)
		*offset = args.offset;
	return ret;
}

void *p2p_bo_mmap(int fd, uint32_t handle, uint64_t size, int prot)
{
	uint64_t offset;
	void *ptr;

	igt_assert_eq(__p2p_bo_mmap_offset(fd, handle, 0, &offset), 0);
	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, offset);
	igt_assert(ptr != MAP_FAILED);
	return ptr;
}

int __p2p_bo_wait(int fd, uint32_t handle, uint32_t flags, int64_t timeout_ns)
{
	struct drm_p2p_bo_wait args = {
		.handle = handle, .flags = flags, .timeout_ns = timeout_ns,
	};

	return p2p_ioctl(fd, DRM_IOCTL_P2P_BO_WAIT, &args);
}

int __p2p_bo_info(int fd, struct drm_p2p_bo_info *info)
{
	return p2p_ioctl(fd, DRM_IOCTL_P2P_BO_INFO, info);
}

void p2p_bo_info(int fd, uint32_t handle, struct drm_p2p_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	igt_assert_eq(__p2p_bo_info(fd, info), 0);
}

bool p2p_bo_exists(int fd, uint32_t handle)
{
	struct drm_p2p_bo_info info = { .handle = handle };
	int ret = __p2p_bo_info(fd, &info);

	igt_assert_f(ret == 0 || ret == -ENOENT, "BO_INFO: %d\n", ret);
	return ret == 0;
}

/* ---- engine ------------------------------------------------------------------- */

int __p2p_fill(int fd, struct drm_p2p_fill *args)
{
	return p2p_ioctl(fd, DRM_IOCTL_P2P_FILL, args);
}

void p2p_fill(int fd, uint32_t handle, uint32_t pattern, uint64_t offset, uint64_t size)
{
	struct drm_p2p_fill args = {
		.handle = handle, .pattern = pattern, .offset = offset, .size = size,
		.flags = DRM_P2P_EXEC_SYNC,
	};

	igt_assert_eq(__p2p_fill(fd, &args), 0);
}

int __p2p_copy(int fd, struct drm_p2p_copy *args)
{
	return p2p_ioctl(fd, DRM_IOCTL_P2P_COPY, args);
}

void p2p_copy(int fd, uint32_t dst, uint64_t dst_off, uint32_t src, uint64_t src_off,
	      uint64_t size)
{
	struct drm_p2p_copy args = {
		.src_handle = src, .dst_handle = dst, .src_offset = src_off,
		.dst_offset = dst_off, .size = size, .flags = DRM_P2P_EXEC_SYNC,
	};

	igt_assert_eq(__p2p_copy(fd, &args), 0);
}

int __p2p_checksum(int fd, struct drm_p2p_checksum *args)
{
	return p2p_ioctl(fd, DRM_IOCTL_P2P_CHECKSUM, args);
}

uint64_t p2p_checksum(int fd, uint32_t handle, uint64_t offset, uint64_t size)
{
	struct drm_p2p_checksum args = { .handle = handle, .offset = offset, .size = size };

	igt_assert_eq(__p2p_checksum(fd, &args), 0);
	return args.checksum;
}

int __p2p_probe(int fd, struct drm_p2p_probe *args)
{
	return p2p_ioctl(fd, DRM_IOCTL_P2P_PROBE, args);
}

void p2p_probe_read(int fd, uint32_t handle, uint64_t offset, void *buf, uint32_t size,
		    uint64_t *dma_addr, uint32_t *path)
{
	struct drm_p2p_probe args = {
		.handle = handle, .offset = offset, .size = size,
		.user_ptr = to_user_pointer(buf),
	};

	igt_assert_eq(__p2p_probe(fd, &args), 0);
	if (dma_addr)
		*dma_addr = args.dma_addr;
	if (path)
		*path = args.path;
}

int __p2p_bo_dma_info(int fd, struct drm_p2p_bo_dma_info *args)
{
	return p2p_ioctl(fd, DRM_IOCTL_P2P_BO_DMA_INFO, args);
}

int __p2p_dma_ranges(int fd, uint32_t handle, struct drm_p2p_dma_range **ranges,
		     uint32_t *nr)
{
	struct drm_p2p_bo_dma_info args = { .handle = handle };
	struct drm_p2p_dma_range *r;
	uint32_t n;
	int ret;

	*ranges = NULL;
	*nr = 0;
	ret = __p2p_bo_dma_info(fd, &args);
	if (ret)
		return ret;
	n = args.nr_ranges;
	igt_assert(n > 0);
	r = calloc(n, sizeof(*r));
	igt_assert(r);
	args.ranges_ptr = to_user_pointer(r);
	args.nr_ranges = n;
	ret = __p2p_bo_dma_info(fd, &args);
	if (ret) {
		free(r);
		return ret;
	}
	igt_assert_eq_u32(args.nr_ranges, n);
	*ranges = r;
	*nr = n;
	return 0;
}

struct drm_p2p_dma_range *p2p_dma_ranges(int fd, uint32_t handle, uint32_t *nr)
{
	struct drm_p2p_dma_range *r;

	igt_assert_eq(__p2p_dma_ranges(fd, handle, &r, nr), 0);
	return r;
}

int __p2p_probe_addr(int fd, struct drm_p2p_probe_addr *args)
{
	return p2p_ioctl(fd, DRM_IOCTL_P2P_PROBE_ADDR, args);
}

/* ---- CPU side ----------------------------------------------------------------- */

uint64_t p2p_fnv1a(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t h = DRM_P2P_FNV64_OFFSET;
	size_t i;

	igt_assert(len % 4 == 0);
	for (i = 0; i < len; i += 4) {
		uint32_t w = p[i] | p[i + 1] << 8 | p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;

		h ^= w;
		h *= DRM_P2P_FNV64_PRIME;
	}
	return h;
}

uint64_t p2p_fnv1a_pattern(uint32_t pattern, size_t len)
{
	uint64_t h = DRM_P2P_FNV64_OFFSET;
	size_t i;

	igt_assert(len % 4 == 0);
	for (i = 0; i < len; i += 4) {
		h ^= pattern;
		h *= DRM_P2P_FNV64_PRIME;
	}
	return h;
}

void p2p_fill_data(void *buf, size_t len, uint32_t seed)
{
	uint32_t *w = buf, x = seed * 2654435761u + 1;
	size_t i;

	igt_assert(len % 4 == 0);
	for (i = 0; i < len / 4; i++) {
		/* xorshift32 mixed with the word index: no two pages alike */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		w[i] = x ^ (uint32_t)i;
	}
}

void p2p_memcpy_to_wc(void *dst, const void *src, size_t len)
{
	volatile uint32_t *d = dst;
	const uint32_t *s = src;
	size_t i;

	for (i = 0; i < len / 4; i++)
		d[i] = s[i];
	__sync_synchronize();
}

void p2p_memcpy_from_wc(void *dst, const void *src, size_t len)
{
	const volatile uint32_t *s = src;
	uint32_t *d = dst;
	size_t i;

	__sync_synchronize();
	for (i = 0; i < len / 4; i++)
		d[i] = s[i];
}

const char *p2p_path_name(uint32_t path)
{
	switch (path) {
	case DRM_P2P_PATH_LOCAL:
		return "LOCAL";
	case DRM_P2P_PATH_BUS:
		return "BUS";
	case DRM_P2P_PATH_IOVA:
		return "IOVA";
	case DRM_P2P_PATH_PHYS:
		return "PHYS";
	case DRM_P2P_PATH_NONE:
		return "NONE";
	case 0:
		return "unreachable";
	default:
		return "?";
	}
}

/* ---- the preset ---------------------------------------------------------------- */

const char *p2p_preset(void)
{
	const char *p = getenv("P2P_PRESET");

	return p && *p ? p : NULL;
}

bool p2p_behind_switch(int idx)
{
	const char *s = getenv("P2P_SWITCH");
	char buf[128], *tok, *save = NULL;

	if (!s)
		return false;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (atoi(tok) == idx)
			return true;
	return false;
}

int p2p_expected_path(int exporter, int importer, bool importer_iommu)
{
	const char *cpu = getenv("P2P_CPU");

	if (!p2p_preset())
		return -1;
	if (p2p_behind_switch(exporter) && p2p_behind_switch(importer))
		return DRM_P2P_PATH_BUS;
	/* -cpu max: not AMD family 17h+, p2pdma refuses the host bridge */
	if (cpu && !strcmp(cpu, "max"))
		return 0;
	return importer_iommu ? DRM_P2P_PATH_IOVA : DRM_P2P_PATH_PHYS;
}

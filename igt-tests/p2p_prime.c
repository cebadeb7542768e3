// SPDX-License-Identifier: MIT
/*
 * p2p_prime: PRIME export and import of drm_p2p buffer objects: the dma-buf's size,
 * identity and CPU access, its fences (sync_file export and import), self-import,
 * cross-GPU import with the engine of the importer working on the exporter's VRAM
 * (checksum, writes, the DMA probe), re-export of an import, closing in every order,
 * and the preset without a P2P path failing the import cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "dmabuf_sync_file.h"
#include "sw_sync.h"
#include "p2p/p2p_ioctl.h"

IGT_TEST_DESCRIPTION("drm_p2p PRIME: dma-buf export/import on one GPU and across GPUs");

#define SZ_64K (64ull << 10)
#define SZ_1M (1ull << 20)

static int fd[2] = { -1, -1 };
static struct drm_p2p_get_info info[2];

static ino_t dmabuf_ino(int dmabuf)
{
	struct stat st;

	igt_assert_eq(fstat(dmabuf, &st), 0);
	return st.st_ino;
}

static int __prime_fd_to_handle(int drm, int dmabuf, uint32_t *handle)
{
	struct drm_prime_handle args = { .fd = dmabuf };

	if (igt_ioctl(drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &args))
		return -errno;
	*handle = args.handle;
	return 0;
}

static int __prime_handle_to_fd(int drm, uint32_t handle, uint32_t flags, int *dmabuf)
{
	struct drm_prime_handle args = { .handle = handle, .flags = flags, .fd = -1 };

	if (igt_ioctl(drm, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args))
		return -errno;
	*dmabuf = args.fd;
	return 0;
}

/* A VRAM BO of GPU @g with known content; *ref receives it (malloc'ed). */
static uint32_t make_bo(int g, uint64_t size, uint32_t seed, uint8_t **ref)
{
	uint32_t h = p2p_bo_create(fd[g], size, DRM_P2P_BO_VRAM);
	uint8_t *data = malloc(size), *map;

	igt_assert(data);
	p2p_fill_data(data, size, seed);
	map = p2p_bo_mmap(fd[g], h, size, PROT_WRITE);
	p2p_memcpy_to_wc(map, data, size);
	munmap(map, size);
	if (ref)
		*ref = data;
	else
		free(data);
	return h;
}

/* Skip unless GPU @imp can reach GPU @exp's VRAM in this preset. */
static void require_path(int exp, int imp)
{
	int want = p2p_expected_path(exp, imp, info[imp].engine_flags & DRM_P2P_ENGINE_IOMMU);

	igt_require_f(want != 0, "preset %s: GPU %d cannot reach GPU %d's VRAM\n",
		      p2p_preset(), imp, exp);
}

static void require_two(void)
{
	igt_require_f(fd[1] >= 0, "a second drm_p2p GPU is needed\n");
}

/* ---- one GPU ---------------------------------------------------------------------- */

static void test_export_size(void)
{
	static const uint64_t sizes[] = { P2P_PAGE, 3 * P2P_PAGE, SZ_1M + P2P_PAGE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint32_t h = p2p_bo_create(fd[0], sizes[i] - 100, DRM_P2P_BO_VRAM);
		int dmabuf = prime_handle_to_fd(fd[0], h);

		igt_assert_eq_s64(prime_get_size(dmabuf), sizes[i]);
		igt_assert_eq_s64(lseek(dmabuf, 0, SEEK_SET), 0);
		igt_assert_eq_s64(lseek(dmabuf, 0, SEEK_END), sizes[i]);
		/* dma-bufs only seek to 0 from SET or END */
		igt_assert_eq_s64(lseek(dmabuf, 4, SEEK_SET), -1);
		igt_assert_eq(errno, EINVAL);
		close(dmabuf);
		gem_close(fd[0], h);
	}
	{
		uint32_t h = p2p_bo_create(fd[0], 5 * P2P_PAGE, DRM_P2P_BO_SYSTEM);
		int dmabuf = prime_handle_to_fd(fd[0], h);

		igt_assert_eq_s64(prime_get_size(dmabuf), 5 * P2P_PAGE);
		close(dmabuf);
		gem_close(fd[0], h);
	}
}

static void test_reexport(void)
{
	uint32_t h = p2p_bo_create(fd[0], SZ_64K, DRM_P2P_BO_VRAM);
	int a = prime_handle_to_fd(fd[0], h), b = prime_handle_to_fd(fd[0], h), c;

	igt_assert_neq(a, b);
	igt_assert(dmabuf_ino(a) == dmabuf_ino(b));
	/* still the same after the first file descriptors are gone */
	c = dup(a);
	close(a);
	close(b);
	b = prime_handle_to_fd(fd[0], h);
	igt_assert(dmabuf_ino(b) == dmabuf_ino(c));
	close(b);
	close(c);
	gem_close(fd[0], h);
}

static void test_self_import(void)
{
	uint32_t h = p2p_bo_create(fd[0], SZ_64K, DRM_P2P_BO_VRAM), h2;
	int dmabuf = prime_handle_to_fd(fd[0], h);
	struct drm_p2p_bo_info bi;

	igt_assert_eq_u32(prime_fd_to_handle(fd[0], dmabuf), h);
	close(dmabuf);
	p2p_bo_info(fd[0], h, &bi);
	igt_assert_eq_u32(bi.kind, DRM_P2P_KIND_VRAM);

	/* another file of the same device: a new handle to the same BO */
	{
		int fd2 = p2p_open_gpu(0);

		dmabuf = prime_handle_to_fd(fd[0], h);
		h2 = prime_fd_to_handle(fd2, dmabuf);
		p2p_bo_info(fd2, h2, &bi);
		igt_assert_eq_u32(bi.kind, DRM_P2P_KIND_VRAM);
		igt_assert_eq_u32(bi.path, DRM_P2P_PATH_LOCAL);
		p2p_fill(fd2, h2, 0x0f0f0f0f, 0, SZ_64K);
		igt_assert_eq_u64(p2p_checksum(fd[0], h, 0, SZ_64K),
				  p2p_fnv1a_pattern(0x0f0f0f0f, SZ_64K));
		/* and it gives back the exporter's dma-buf too */
		{
			int again = prime_handle_to_fd(fd2, h2);

			igt_assert(dmabuf_ino(again) == dmabuf_ino(dmabuf));
			close(again);
		}
		close(dmabuf);
		close(fd2);
	}
	gem_close(fd[0], h);
}

static void test_dmabuf_mmap(uint32_t placement)
{
	const uint64_t size = 4 * SZ_64K;
	uint32_t h = p2p_bo_create(fd[0], size, placement);
	int dmabuf = prime_handle_to_fd_for_mmap(fd[0], h);
	uint8_t *map, *data = malloc(size), *back = malloc(size);
	struct local_dma_buf_sync sync;

	igt_assert(dmabuf >= 0 && data && back);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
	igt_assert(map != MAP_FAILED);

	/* CPU write through the dma-buf, engine checksum */
	p2p_fill_data(data, size, 31);
	prime_sync_start(dmabuf, true);
	p2p_memcpy_to_wc(map, data, size);
	prime_sync_end(dmabuf, true);
	igt_assert_eq_u64(p2p_checksum(fd[0], h, 0, size), p2p_fnv1a(data, size));

	/* engine write, CPU read through the dma-buf */
	p2p_fill(fd[0], h, 0x7e7e7e7e, SZ_64K, SZ_64K);
	prime_sync_start(dmabuf, false);
	p2p_memcpy_from_wc(back, map, size);
	prime_sync_end(dmabuf, false);
	memset(data + SZ_64K, 0x7e, SZ_64K);
	igt_assert(!memcmp(back, data, size));

	/* DMA_BUF_IOCTL_SYNC rejects unknown flags and no direction */
	memset(&sync, 0, sizeof(sync));
	sync.flags = 1ull << 5;
	do_ioctl_err(dmabuf, LOCAL_DMA_BUF_IOCTL_SYNC, &sync, EINVAL);
	sync.flags = LOCAL_DMA_BUF_SYNC_START;
	do_ioctl_err(dmabuf, LOCAL_DMA_BUF_IOCTL_SYNC, &sync, EINVAL);

	/* a mapping beyond the buffer is refused; the mapping outlives fd and handle */
	igt_assert(mmap(NULL, size + P2P_PAGE, PROT_READ, MAP_SHARED, dmabuf, 0) == MAP_FAILED);
	close(dmabuf);
	gem_close(fd[0], h);
	p2p_memcpy_from_wc(back, map, size);
	igt_assert(!memcmp(back, data, size));
	munmap(map, size);
	free(data);
	free(back);
}

static void test_sync_file_export(void)
{
	const uint64_t size = 16 * SZ_1M;
	uint32_t h = p2p_bo_create(fd[0], size, DRM_P2P_BO_VRAM);
	int dmabuf = prime_handle_to_fd_for_mmap(fd[0], h), sf;
	struct drm_p2p_fill f = { .handle = h, .pattern = 0xf00dface, .size = size };
	volatile uint32_t *map;

	igt_assert(dmabuf >= 0);
	/* idle buffer: the exported fences are signalled */
	sf = dmabuf_export_sync_file(dmabuf, DMA_BUF_SYNC_RW);
	igt_assert(!sync_file_busy(sf));
	close(sf);

	igt_assert_eq(__p2p_fill(fd[0], &f), 0);
	/* a reader waits for the writer: the fill's fence is in it */
	sf = dmabuf_export_sync_file(dmabuf, DMA_BUF_SYNC_READ);
	igt_assert_eq(sync_fence_wait(sf, 20000), 0);
	igt_assert_eq(sync_fence_status(sf), 1);
	close(sf);
	igt_assert(!dmabuf_busy(dmabuf, DMA_BUF_SYNC_RW));
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, dmabuf, 0);
	igt_assert(map != MAP_FAILED);
	igt_assert_eq_u32(map[0], 0xf00dface);
	igt_assert_eq_u32(map[size / 4 - 1], 0xf00dface);
	munmap((void *)map, size);

	/* bad flags */
	{
		struct dma_buf_export_sync_file arg = { .flags = 0, .fd = -1 };

		do_ioctl_err(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg, EINVAL);
		arg.flags = DMA_BUF_SYNC_RW | (1u << 4);
		do_ioctl_err(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg, EINVAL);
	}
	close(dmabuf);
	gem_close(fd[0], h);
}

/* A fence imported into the dma-buf holds back the engine and the waits. */
static void test_sync_file_import(void)
{
	const uint64_t size = SZ_1M;
	uint32_t h, h2;
	int dmabuf, timeline, fence, sf;
	struct drm_p2p_fill f = { .pattern = 0xabad1dea, .size = size };

	igt_require_sw_sync();
	h = p2p_bo_create(fd[0], size, DRM_P2P_BO_VRAM);
	h2 = p2p_bo_create(fd[0], size, DRM_P2P_BO_VRAM);
	dmabuf = prime_handle_to_fd(fd[0], h);
	timeline = sw_sync_timeline_create();
	fence = sw_sync_timeline_create_fence(timeline, 1);
	dmabuf_import_sync_file(dmabuf, DMA_BUF_SYNC_WRITE, fence);
	close(fence);

	/* the BO is busy: BO_WAIT polls -ETIME, times out, the dma-buf says busy */
	igt_assert_eq(__p2p_bo_wait(fd[0], h, 0, 0), -ETIME);
	igt_assert_eq(__p2p_bo_wait(fd[0], h, 0, 20 * NSEC_PER_MSEC), -ETIME);
	igt_assert(dmabuf_busy(dmabuf, DMA_BUF_SYNC_READ));
	igt_assert(dmabuf_sync_file_busy(dmabuf, DMA_BUF_SYNC_READ));

	/* engine work queued behind the fence: fill h, then copy h -> h2 */
	f.handle = h;
	igt_assert_eq(__p2p_fill(fd[0], &f), 0);
	{
		struct drm_p2p_copy c = { .src_handle = h, .dst_handle = h2, .size = size };

		igt_assert_eq(__p2p_copy(fd[0], &c), 0);
	}
	usleep(50000);
	igt_assert_eq(__p2p_bo_wait(fd[0], h, 0, 0), -ETIME);
	igt_assert_eq(__p2p_bo_wait(fd[0], h2, 0, 0), -ETIME);
	sf = dmabuf_export_sync_file(dmabuf, DMA_BUF_SYNC_RW);
	igt_assert(sync_file_busy(sf));

	sw_sync_timeline_inc(timeline, 1);
	igt_assert_eq(sync_fence_wait(sf, 20000), 0);
	close(sf);
	igt_assert_eq(__p2p_bo_wait(fd[0], h2, 0, 10ll * NSEC_PER_SEC), 0);
	igt_assert_eq_u64(p2p_checksum(fd[0], h2, 0, size), p2p_fnv1a_pattern(0xabad1dea, size));

	/* bad flags, bad fd */
	{
		struct dma_buf_import_sync_file arg = { .flags = 1u << 4, .fd = -1 };
		int t2 = sw_sync_timeline_create_fence(timeline, 5);

		arg.fd = t2;
		do_ioctl_err(dmabuf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &arg, EINVAL);
		arg.flags = DMA_BUF_SYNC_WRITE;
		arg.fd = -1;
		do_ioctl_err(dmabuf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &arg, EINVAL);
		close(t2);
		/* nothing was added: still idle */
		igt_assert_eq(__p2p_bo_wait(fd[0], h, 0, 0), 0);
	}
	close(timeline);
	close(dmabuf);
	gem_close(fd[0], h);
	gem_close(fd[0], h2);
}

static void test_bad_prime(void)
{
	uint32_t h = p2p_bo_create(fd[0], SZ_64K, DRM_P2P_BO_VRAM), h2 = 0;
	int dmabuf = -1, efd;

	igt_assert_eq(__prime_handle_to_fd(fd[0], h + 1000, DRM_CLOEXEC, &dmabuf), -ENOENT);
	igt_assert_eq(__prime_handle_to_fd(fd[0], h, 1u << 3, &dmabuf), -EINVAL);
	igt_assert_eq(dmabuf, -1);
	efd = eventfd(0, 0);
	igt_assert(efd >= 0);
	igt_assert_eq(__prime_fd_to_handle(fd[0], efd, &h2), -EINVAL);
	close(efd);
	igt_assert_eq(__prime_fd_to_handle(fd[0], efd, &h2), -EBADF);
	igt_assert_eq(__prime_fd_to_handle(fd[0], -1, &h2), -EBADF);
	igt_assert_eq_u32(h2, 0);
	/* the BO is untouched and exports fine */
	dmabuf = prime_handle_to_fd(fd[0], h);
	igt_assert_eq_s64(prime_get_size(dmabuf), SZ_64K);
	close(dmabuf);
	gem_close(fd[0], h);
}

/* ---- two GPUs ---------------------------------------------------------------------- */

/* GPU @exp's VRAM, imported on GPU @imp: the engine of @imp reads and writes it. */
static void test_cross_import(int exp, int imp)
{
	const uint64_t size = 2 * SZ_1M + 3 * P2P_PAGE;
	uint64_t free_exp = p2p_vram_free(fd[exp]), free_imp = p2p_vram_free(fd[imp]);
	struct drm_p2p_bo_info bi;
	uint8_t *ref, *back;
	uint32_t h, hi, local;
	int dmabuf;

	require_path(exp, imp);
	h = make_bo(exp, size, 41 + exp, &ref);
	/* part of it written by the exporter's engine */
	p2p_fill(fd[exp], h, 0x0badcafe, SZ_1M, SZ_64K);
	memset(ref + SZ_1M, 0, SZ_64K);
	{
		uint32_t *w = (uint32_t *)(ref + SZ_1M);
		size_t i;

		for (i = 0; i < SZ_64K / 4; i++)
			w[i] = 0x0badcafe;
	}
	dmabuf = prime_handle_to_fd(fd[exp], h);
	hi = prime_fd_to_handle(fd[imp], dmabuf);
	p2p_bo_info(fd[imp], hi, &bi);
	igt_assert_eq_u32(bi.kind, DRM_P2P_KIND_IMPORT_PHYR);
	igt_assert_eq_u64(bi.size, size);
	igt_assert(bi.nr_ranges >= 1);
	igt_info("GPU %d -> GPU %d: %s, %u ranges\n", exp, imp, p2p_path_name(bi.path),
		 bi.nr_ranges);
	igt_assert(bi.path == DRM_P2P_PATH_BUS || bi.path == DRM_P2P_PATH_IOVA ||
		   bi.path == DRM_P2P_PATH_PHYS);
	/* the import takes no VRAM of the importer */
	igt_assert_eq_u64(p2p_vram_free(fd[imp]), free_imp);
	igt_assert_eq_u64(p2p_vram_free(fd[exp]), free_exp - size);
	/* imported BOs are not mmapped through the DRM file */
	{
		uint64_t off;

		igt_assert_eq(__p2p_bo_mmap_offset(fd[imp], hi, 0, &off), -EINVAL);
	}

	/* read: the importer's checksum is the CPU's */
	igt_assert_eq_u64(p2p_checksum(fd[imp], hi, 0, size), p2p_fnv1a(ref, size));
	igt_assert_eq_u64(p2p_checksum(fd[imp], hi, SZ_1M - 8, SZ_64K + 16),
			  p2p_fnv1a(ref + SZ_1M - 8, SZ_64K + 16));

	/* copy from the peer into local VRAM, then check it locally */
	local = p2p_bo_create(fd[imp], size, DRM_P2P_BO_VRAM);
	p2p_copy(fd[imp], local, 0, hi, 0, size);
	igt_assert_eq_u64(p2p_checksum(fd[imp], local, 0, size), p2p_fnv1a(ref, size));

	/* write: the importer's engine fills and copies into the peer's VRAM */
	p2p_fill(fd[imp], hi, 0x600df00d, 2 * P2P_PAGE, 3 * P2P_PAGE);
	p2p_fill(fd[imp], local, 0x12121212, 0, P2P_PAGE);
	p2p_copy(fd[imp], hi, size - P2P_PAGE, local, 0, P2P_PAGE);
	{
		uint32_t *w = (uint32_t *)(ref + 2 * P2P_PAGE);
		size_t i;

		for (i = 0; i < 3 * P2P_PAGE / 4; i++)
			w[i] = 0x600df00d;
		w = (uint32_t *)(ref + size - P2P_PAGE);
		for (i = 0; i < P2P_PAGE / 4; i++)
			w[i] = 0x12121212;
	}
	back = malloc(size);
	igt_assert(back);
	{
		uint8_t *map = p2p_bo_mmap(fd[exp], h, size, PROT_READ);

		p2p_memcpy_from_wc(back, map, size);
		munmap(map, size);
	}
	igt_assert(!memcmp(back, ref, size));
	igt_assert_eq_u64(p2p_checksum(fd[exp], h, 0, size), p2p_fnv1a(ref, size));

	gem_close(fd[imp], local);
	gem_close(fd[imp], hi);
	close(dmabuf);
	gem_close(fd[exp], h);
	igt_assert_eq_u64(p2p_vram_free(fd[exp]), free_exp);
	igt_assert_eq_u64(p2p_vram_free(fd[imp]), free_imp);
	free(ref);
	free(back);
}

/* The exporter's pending engine write is waited for by the importer's engine. */
static void test_cross_fence(int exp, int imp)
{
	const uint64_t size = 16 * SZ_1M;
	uint32_t h, hi;
	int dmabuf, i;

	require_path(exp, imp);
	h = p2p_bo_create(fd[exp], size, DRM_P2P_BO_VRAM);
	dmabuf = prime_handle_to_fd(fd[exp], h);
	hi = prime_fd_to_handle(fd[imp], dmabuf);
	for (i = 0; i < 3; i++) {
		struct drm_p2p_fill f = { .handle = h, .pattern = 0xc0de0000 + i,
					  .size = size };

		igt_assert_eq(__p2p_fill(fd[exp], &f), 0);
		/* no wait: the checksum on the other GPU waits for the fill's fence */
		igt_assert_eq_u64(p2p_checksum(fd[imp], hi, size - SZ_64K, SZ_64K),
				  p2p_fnv1a_pattern(0xc0de0000 + i, SZ_64K));
	}
	/* and the other way round */
	{
		struct drm_p2p_fill f = { .handle = hi, .pattern = 0x1dc0de, .size = size };

		igt_assert_eq(__p2p_fill(fd[imp], &f), 0);
		igt_assert_eq_u64(p2p_checksum(fd[exp], h, size - SZ_64K, SZ_64K),
				  p2p_fnv1a_pattern(0x1dc0de, SZ_64K));
		igt_assert_eq(__p2p_bo_wait(fd[exp], h, 0, 10ll * NSEC_PER_SEC), 0);
		igt_assert_eq(__p2p_bo_wait(fd[imp], hi, 0, 0), 0);
	}
	gem_close(fd[imp], hi);
	close(dmabuf);
	gem_close(fd[exp], h);
}

/* The importer's engine DMA at its address of the peer's VRAM reads the real bytes. */
static void test_cross_probe(int exp, int imp)
{
	const uint64_t size = 8 * P2P_PAGE;
	uint8_t back[DRM_P2P_PROBE_MAX], *ref;
	bool iommu = info[imp].engine_flags & DRM_P2P_ENGINE_IOMMU;
	int want = p2p_expected_path(exp, imp, iommu);
	struct drm_p2p_bo_info bi;
	uint32_t h, hi, path;
	uint64_t dma;
	int dmabuf;
	unsigned int i;

	require_path(exp, imp);
	h = make_bo(exp, size, 51, &ref);
	dmabuf = prime_handle_to_fd(fd[exp], h);
	hi = prime_fd_to_handle(fd[imp], dmabuf);
	p2p_bo_info(fd[imp], hi, &bi);
	if (want > 0)
		igt_assert_f(bi.path == (uint32_t)want, "path %s, preset %s promises %s\n",
			     p2p_path_name(bi.path), p2p_preset(), p2p_path_name(want));
	if (bi.path == DRM_P2P_PATH_BUS && iommu) {
		/* QEMU translates every DMA through its IOMMU: prove by the checksum */
		igt_assert_eq_u64(p2p_checksum(fd[imp], hi, 0, size), p2p_fnv1a(ref, size));
		igt_skip("bus address under an IOMMU: QEMU's IOMMU faults the probe, the "
			 "engine's checksum (switch routing) matched instead\n");
	}
	for (i = 0; i < 8; i++) {
		uint64_t off = i * P2P_PAGE + (i * 200) % 2048;
		uint32_t len = 512 + 128 * i;

		if ((off % P2P_PAGE) + len > P2P_PAGE)
			len = P2P_PAGE - off % P2P_PAGE;
		memset(back, 0, sizeof(back));
		p2p_probe_read(fd[imp], hi, off, back, len, &dma, &path);
		igt_assert_eq_u32(path, bi.path);
		igt_assert_f(!memcmp(back, ref + off, len),
			     "probe at %#llx (%s dma %#llx) read other bytes\n",
			     (unsigned long long)off, p2p_path_name(path),
			     (unsigned long long)dma);
	}
	/* a probe write lands in the exporter's VRAM */
	{
		struct drm_p2p_probe p = { .handle = hi, .flags = DRM_P2P_PROBE_WRITE,
					   .offset = 3 * P2P_PAGE + 64, .size = 1024 };
		uint8_t data[1024];
		volatile uint8_t *map;

		p2p_fill_data(data, sizeof(data), 52);
		p.user_ptr = to_user_pointer(data);
		igt_assert_eq(__p2p_probe(fd[imp], &p), 0);
		map = p2p_bo_mmap(fd[exp], h, size, PROT_READ);
		p2p_memcpy_from_wc(back, (void *)(map + 3 * P2P_PAGE + 64), 1024);
		munmap((void *)map, size);
		igt_assert(!memcmp(back, data, 1024));
	}
	gem_close(fd[imp], hi);
	close(dmabuf);
	gem_close(fd[exp], h);
	free(ref);
}

/* Exporting an imported BO gives the exporter's dma-buf back. */
static void test_export_imported(void)
{
	uint32_t h, hi;
	int dmabuf, again;
	uint8_t *ref;

	require_two();
	require_path(0, 1);
	h = make_bo(0, SZ_1M, 61, &ref);
	dmabuf = prime_handle_to_fd(fd[0], h);
	hi = prime_fd_to_handle(fd[1], dmabuf);
	again = prime_handle_to_fd(fd[1], hi);
	igt_assert(dmabuf_ino(again) == dmabuf_ino(dmabuf));
	igt_assert_eq_s64(prime_get_size(again), SZ_1M);
	/* importing it back on the exporter gives the original BO */
	igt_assert_eq_u32(prime_fd_to_handle(fd[0], again), h);
	/* importing it again on the importer gives the same import */
	igt_assert_eq_u32(prime_fd_to_handle(fd[1], again), hi);
	close(dmabuf);
	/* the re-exported fd alone keeps everything alive */
	gem_close(fd[0], h);
	gem_close(fd[1], hi);
	hi = prime_fd_to_handle(fd[1], again);
	igt_assert_eq_u64(p2p_checksum(fd[1], hi, 0, SZ_1M), p2p_fnv1a(ref, SZ_1M));
	gem_close(fd[1], hi);
	close(again);
	free(ref);
}

enum close_order { EXPORTER_FIRST, IMPORTER_FIRST, FD_FIRST, EXPORTER_FILE_FIRST };

/* Drop the references in @order; whatever still holds the buffer sees the data. */
static void test_close_order(enum close_order order)
{
	const uint64_t size = SZ_1M;
	uint64_t free0;
	uint32_t h, hi;
	int dmabuf, efd;
	uint8_t *ref;

	require_two();
	require_path(0, 1);
	efd = p2p_open_gpu(0);	/* an exporter file of its own, that may be closed */
	free0 = p2p_vram_free(efd);
	h = p2p_bo_create(efd, size, DRM_P2P_BO_VRAM);
	ref = malloc(size);
	igt_assert(ref);
	p2p_fill_data(ref, size, 71 + order);
	{
		uint8_t *map = p2p_bo_mmap(efd, h, size, PROT_WRITE);

		p2p_memcpy_to_wc(map, ref, size);
		munmap(map, size);
	}
	dmabuf = prime_handle_to_fd(efd, h);
	hi = prime_fd_to_handle(fd[1], dmabuf);

	switch (order) {
	case EXPORTER_FIRST:
		gem_close(efd, h);
		igt_assert_eq_u64(p2p_checksum(fd[1], hi, 0, size), p2p_fnv1a(ref, size));
		close(dmabuf);
		igt_assert_eq_u64(p2p_checksum(fd[1], hi, 0, size), p2p_fnv1a(ref, size));
		igt_assert_eq_u64(p2p_vram_free(efd), free0 - size);
		gem_close(fd[1], hi);
		break;
	case IMPORTER_FIRST:
		gem_close(fd[1], hi);
		igt_assert_eq_u64(p2p_checksum(efd, h, 0, size), p2p_fnv1a(ref, size));
		/* the dma-buf can be imported again */
		hi = prime_fd_to_handle(fd[1], dmabuf);
		igt_assert_eq_u64(p2p_checksum(fd[1], hi, 0, size), p2p_fnv1a(ref, size));
		gem_close(fd[1], hi);
		close(dmabuf);
		igt_assert_eq_u64(p2p_checksum(efd, h, 0, size), p2p_fnv1a(ref, size));
		gem_close(efd, h);
		break;
	case FD_FIRST:
		close(dmabuf);
		igt_assert_eq_u64(p2p_checksum(fd[1], hi, 0, size), p2p_fnv1a(ref, size));
		igt_assert_eq_u64(p2p_checksum(efd, h, 0, size), p2p_fnv1a(ref, size));
		gem_close(efd, h);
		igt_assert_eq_u64(p2p_checksum(fd[1], hi, 0, size), p2p_fnv1a(ref, size));
		gem_close(fd[1], hi);
		break;
	case EXPORTER_FILE_FIRST:
		/* the exporter's whole DRM file goes, with its handle */
		close(efd);
		efd = -1;
		igt_assert_eq_u64(p2p_checksum(fd[1], hi, 0, size), p2p_fnv1a(ref, size));
		p2p_fill(fd[1], hi, 0x31313131, 0, P2P_PAGE);
		close(dmabuf);
		igt_assert_eq_u64(p2p_checksum(fd[1], hi, 0, P2P_PAGE),
				  p2p_fnv1a_pattern(0x31313131, P2P_PAGE));
		igt_assert_eq_u64(p2p_vram_free(fd[0]), free0 - size);
		gem_close(fd[1], hi);
		break;
	}
	/* everything released: the VRAM is free again */
	igt_assert_eq_u64(p2p_vram_free(fd[0]), free0);
	if (efd >= 0)
		close(efd);
	free(ref);
}

/* A system-memory BO of one GPU, imported by another: reachable in every preset. */
static void test_cross_system(void)
{
	const uint64_t size = SZ_1M;
	uint32_t h = p2p_bo_create(fd[0], size, DRM_P2P_BO_SYSTEM), hi;
	uint8_t *ref = malloc(size), *map;
	struct drm_p2p_bo_info bi;
	int dmabuf;

	igt_assert(ref);
	p2p_fill_data(ref, size, 81);
	map = p2p_bo_mmap(fd[0], h, size, PROT_WRITE);
	memcpy(map, ref, size);
	munmap(map, size);
	dmabuf = prime_handle_to_fd(fd[0], h);
	hi = prime_fd_to_handle(fd[1], dmabuf);
	p2p_bo_info(fd[1], hi, &bi);
	igt_assert_eq_u64(bi.size, size);
	igt_assert(bi.kind == DRM_P2P_KIND_IMPORT_PHYR || bi.kind == DRM_P2P_KIND_IMPORT_SG);
	igt_assert(bi.path == DRM_P2P_PATH_IOVA || bi.path == DRM_P2P_PATH_PHYS);
	igt_assert_eq_u64(p2p_checksum(fd[1], hi, 0, size), p2p_fnv1a(ref, size));
	p2p_fill(fd[1], hi, 0x5151aaaa, 0, SZ_64K);
	igt_assert_eq_u64(p2p_checksum(fd[0], h, 0, SZ_64K), p2p_fnv1a_pattern(0x5151aaaa,
									     SZ_64K));
	gem_close(fd[1], hi);
	close(dmabuf);
	gem_close(fd[0], h);
	free(ref);
}

/* No P2P path (2gpu-nop2p): the import fails with -EREMOTEIO and changes nothing. */
static void test_import_unreachable(void)
{
	uint64_t free0, free1;
	struct drm_p2p_bo_info bi;
	uint32_t h, hi = 0;
	uint8_t *ref;
	int dmabuf, i, ret;

	require_two();
	igt_require_f(p2p_expected_path(0, 1, info[1].engine_flags & DRM_P2P_ENGINE_IOMMU) == 0,
		      "GPU 1 reaches GPU 0's VRAM in this preset (%s)\n",
		      p2p_preset() ?: "none");
	h = make_bo(0, SZ_1M, 91, &ref);
	free0 = p2p_vram_free(fd[0]);
	free1 = p2p_vram_free(fd[1]);
	dmabuf = prime_handle_to_fd(fd[0], h);
	for (i = 0; i < 3; i++) {
		ret = __prime_fd_to_handle(fd[1], dmabuf, &hi);
		igt_assert_f(ret == -EREMOTEIO, "import without a P2P path: %d (%s)\n", ret,
			     strerror(-ret));
	}
	igt_assert_eq_u32(hi, 0);
	igt_assert_eq_u64(p2p_vram_free(fd[0]), free0);
	igt_assert_eq_u64(p2p_vram_free(fd[1]), free1);
	/* the other direction too */
	{
		uint32_t h1 = p2p_bo_create(fd[1], SZ_64K, DRM_P2P_BO_VRAM), x = 0;
		int d1 = prime_handle_to_fd(fd[1], h1);

		igt_assert_eq(__prime_fd_to_handle(fd[0], d1, &x), -EREMOTEIO);
		close(d1);
		gem_close(fd[1], h1);
	}
	/* the buffer and its dma-buf still work where they are */
	igt_assert_eq_u32(prime_fd_to_handle(fd[0], dmabuf), h);
	igt_assert_eq_u64(p2p_checksum(fd[0], h, 0, SZ_1M), p2p_fnv1a(ref, SZ_1M));
	p2p_bo_info(fd[0], h, &bi);
	igt_assert_eq_u32(bi.kind, DRM_P2P_KIND_VRAM);
	close(dmabuf);
	gem_close(fd[0], h);
	igt_assert_eq_u64(p2p_vram_free(fd[0]), free0 + SZ_1M);
	free(ref);
}

igt_main
{
	igt_fixture {
		fd[0] = p2p_open_gpu(0);
		p2p_get_info(fd[0], &info[0]);
		fd[1] = __p2p_open_gpu(1);
		if (fd[1] >= 0)
			p2p_get_info(fd[1], &info[1]);
	}

	igt_describe("lseek(SEEK_END) of the dma-buf gives the BO's size");
	igt_subtest("export-size")
		test_export_size();
	igt_describe("Exporting a BO twice gives the same dma-buf (same inode)");
	igt_subtest("reexport-same-dmabuf")
		test_reexport();
	igt_describe("Importing a BO's dma-buf on its own device gives the original BO");
	igt_subtest("self-import")
		test_self_import();
	igt_subtest_with_dynamic("dmabuf-mmap") {
		igt_dynamic("vram")
			test_dmabuf_mmap(DRM_P2P_BO_VRAM);
		igt_dynamic("system")
			test_dmabuf_mmap(DRM_P2P_BO_SYSTEM);
	}
	igt_subtest("sync-file-export")
		test_sync_file_export();
	igt_subtest("sync-file-import")
		test_sync_file_import();
	igt_subtest("bad-prime")
		test_bad_prime();

	igt_describe("GPU A's VRAM imported on GPU B: B's engine reads and writes it");
	igt_subtest_with_dynamic("cross-gpu-import") {
		require_two();
		igt_dynamic("gpu0-to-gpu1")
			test_cross_import(0, 1);
		igt_dynamic("gpu1-to-gpu0")
			test_cross_import(1, 0);
	}
	igt_subtest_with_dynamic("cross-gpu-fence") {
		require_two();
		igt_dynamic("gpu0-to-gpu1")
			test_cross_fence(0, 1);
		igt_dynamic("gpu1-to-gpu0")
			test_cross_fence(1, 0);
	}
	igt_describe("The importer's engine DMA at its address of the peer VRAM reads it");
	igt_subtest_with_dynamic("cross-gpu-probe") {
		require_two();
		igt_dynamic("gpu0-to-gpu1")
			test_cross_probe(0, 1);
		igt_dynamic("gpu1-to-gpu0")
			test_cross_probe(1, 0);
	}
	igt_subtest("cross-gpu-system") {
		require_two();
		test_cross_system();
	}
	igt_subtest("export-imported")
		test_export_imported();
	igt_subtest("close-exporter-first")
		test_close_order(EXPORTER_FIRST);
	igt_subtest("close-importer-first")
		test_close_order(IMPORTER_FIRST);
	igt_subtest("close-fd-first")
		test_close_order(FD_FIRST);
	igt_subtest("close-exporter-file-first")
		test_close_order(EXPORTER_FILE_FIRST);
	igt_describe("Without a P2P path the import fails with -EREMOTEIO, nothing changes");
	igt_subtest("import-unreachable")
		test_import_unreachable();

	igt_fixture {
		if (fd[1] >= 0)
			close(fd[1]);
		close(fd[0]);
	}
}

// SPDX-License-Identifier: MIT
/*
 * p2p_bo: buffer objects of one drm_p2p GPU: creation in VRAM and system memory,
 * clearing, CPU mappings, dumb buffers, the engine's fill/copy/checksum against the
 * CPU, waiting (BO_WAIT, syncobj), exhaustion, and every bad input of every ioctl:
 * a specific errno and no change of state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "p2p/p2p_ioctl.h"

IGT_TEST_DESCRIPTION("drm_p2p buffer objects: create, clear, mmap, dumb, engine, waits, "
		     "exhaustion and bad inputs");

#define SZ_64K (64ull << 10)
#define SZ_1M (1ull << 20)

static int fd = -1;
static struct drm_p2p_get_info info;

/* A BO's bytes through a CPU mapping, for comparisons (the BO is not kept mapped). */
static void read_bo(uint32_t handle, uint64_t offset, void *buf, size_t len)
{
	uint8_t *map = p2p_bo_mmap(fd, handle, offset + len, PROT_READ);

	p2p_memcpy_from_wc(buf, map + offset, len);
	munmap(map, offset + len);
}

static void write_bo(uint32_t handle, uint64_t offset, const void *buf, size_t len)
{
	uint8_t *map = p2p_bo_mmap(fd, handle, offset + len, PROT_READ | PROT_WRITE);

	p2p_memcpy_to_wc(map + offset, buf, len);
	munmap(map, offset + len);
}

static bool all_words(const void *buf, size_t len, uint32_t word)
{
	const uint32_t *w = buf;
	size_t i;

	for (i = 0; i < len / 4; i++)
		if (w[i] != word) {
			igt_info("word %zu: %#x, expected %#x\n", i, w[i], word);
			return false;
		}
	return true;
}

static void test_create_close(uint32_t placement)
{
	uint64_t free0 = p2p_vram_free(fd), size = 3 * SZ_64K;
	struct drm_p2p_bo_info bi;
	uint32_t handle;

	handle = p2p_bo_create(fd, size, placement);
	p2p_bo_info(fd, handle, &bi);
	igt_assert_eq_u64(bi.size, size);
	igt_assert_eq_u32(bi.kind, placement == DRM_P2P_BO_VRAM ? DRM_P2P_KIND_VRAM :
						      DRM_P2P_KIND_SYSTEM);
	igt_assert_eq_u32(bi.pad, 0);
	igt_assert(bi.nr_ranges >= 1);
	if (placement == DRM_P2P_BO_VRAM) {
		igt_assert_eq_u32(bi.path, DRM_P2P_PATH_LOCAL);
		igt_assert_eq_u64(p2p_vram_free(fd), free0 - size);
	} else {
		igt_assert_eq_u64(p2p_vram_free(fd), free0);
	}
	gem_close(fd, handle);
	igt_assert(!p2p_bo_exists(fd, handle));
	igt_assert_eq_u64(p2p_vram_free(fd), free0);

	/* contiguous VRAM: one range */
	if (placement == DRM_P2P_BO_VRAM) {
		handle = p2p_bo_create(fd, 5 * P2P_PAGE, DRM_P2P_BO_VRAM | DRM_P2P_BO_CONTIGUOUS);
		p2p_bo_info(fd, handle, &bi);
		igt_assert_eq_u32(bi.nr_ranges, 1);
		igt_assert(p2p_vram_free(fd) < free0);
		gem_close(fd, handle);
		igt_assert_eq_u64(p2p_vram_free(fd), free0);
	}
}

static void test_size_rounding(void)
{
	static const uint64_t sizes[] = { 1, 3, 4095, 4096, 4097, 12345, SZ_1M - 1 };
	uint64_t free0 = p2p_vram_free(fd);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct drm_p2p_bo_create c = { .size = sizes[i], .flags = DRM_P2P_BO_VRAM };
		uint64_t want = ALIGN(sizes[i], P2P_PAGE);
		struct drm_p2p_bo_info bi;

		igt_assert_eq(__p2p_bo_create(fd, &c), 0);
		igt_assert_eq_u64(c.size, want);
		p2p_bo_info(fd, c.handle, &bi);
		igt_assert_eq_u64(bi.size, want);
		igt_assert_eq_u64(p2p_vram_free(fd), free0 - want);
		gem_close(fd, c.handle);
		igt_assert_eq_u64(p2p_vram_free(fd), free0);
	}
}

/* Old VRAM content never reaches a new BO, whether the CPU or the engine wrote it. */
static void test_vram_cleared(void)
{
	const uint64_t size = SZ_1M;
	struct drm_p2p_dma_range *r0, *r1;
	uint32_t nr0, nr1, handle;
	int round, reused = 0;
	void *buf = malloc(size);

	igt_assert(buf);
	for (round = 0; round < 4; round++) {
		handle = p2p_bo_create(fd, size, DRM_P2P_BO_VRAM);
		r0 = p2p_dma_ranges(fd, handle, &nr0);
		read_bo(handle, 0, buf, size);
		igt_assert_f(all_words(buf, size, 0), "round %d: new BO not zero\n", round);
		igt_assert_eq_u64(p2p_checksum(fd, handle, 0, size), p2p_fnv1a_pattern(0, size));
		/* dirty it: half by the CPU, half by the engine */
		memset(buf, 0xa5, size / 2);
		write_bo(handle, 0, buf, size / 2);
		p2p_fill(fd, handle, 0xdeadbeef, size / 2, size / 2);
		gem_close(fd, handle);

		handle = p2p_bo_create(fd, size, DRM_P2P_BO_VRAM);
		r1 = p2p_dma_ranges(fd, handle, &nr1);
		if (nr0 == nr1 && !memcmp(r0, r1, nr0 * sizeof(*r0)))
			reused++;
		read_bo(handle, 0, buf, size);
		igt_assert_f(all_words(buf, size, 0), "round %d: reused VRAM not cleared\n",
			     round);
		gem_close(fd, handle);
		free(r0);
		free(r1);
	}
	igt_info("the new BO had the old BO's VRAM in %d of 4 rounds\n", reused);
	igt_assert_f(reused > 0, "never got the same VRAM back: clearing not exercised\n");
	free(buf);
}

static void test_mmap(uint32_t placement)
{
	const uint64_t size = 4 * SZ_64K;
	uint32_t handle = p2p_bo_create(fd, size, placement);
	uint8_t *map = p2p_bo_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	void *data = malloc(size), *back = malloc(size);

	igt_assert(data && back);
	/* CPU write -> engine checksum and CPU read back */
	p2p_fill_data(data, size, 1);
	p2p_memcpy_to_wc(map, data, size);
	igt_assert_eq_u64(p2p_checksum(fd, handle, 0, size), p2p_fnv1a(data, size));
	igt_assert_eq_u64(p2p_checksum(fd, handle, 4096 + 64, 8192),
			  p2p_fnv1a((uint8_t *)data + 4096 + 64, 8192));
	p2p_memcpy_from_wc(back, map, size);
	igt_assert(!memcmp(back, data, size));

	/* engine write -> CPU read through the same mapping */
	p2p_fill(fd, handle, 0x12345678, SZ_64K, SZ_64K);
	p2p_memcpy_from_wc(back, map, size);
	igt_assert(!memcmp(back, data, SZ_64K));
	igt_assert(all_words((uint8_t *)back + SZ_64K, SZ_64K, 0x12345678));
	igt_assert(!memcmp((uint8_t *)back + 2 * SZ_64K, (uint8_t *)data + 2 * SZ_64K,
			   2 * SZ_64K));

	/* a second mapping of the same offset sees the same memory */
	{
		uint8_t *map2 = p2p_bo_mmap(fd, handle, size, PROT_READ);

		igt_assert_eq_u32(((volatile uint32_t *)map2)[SZ_64K / 4], 0x12345678);
		munmap(map2, size);
	}
	/* beyond the BO: the mapping is refused */
	{
		uint64_t offset;

		igt_assert_eq(__p2p_bo_mmap_offset(fd, handle, 0, &offset), 0);
		igt_assert(mmap(NULL, size + P2P_PAGE, PROT_READ, MAP_SHARED, fd, offset) ==
			   MAP_FAILED);
	}
	munmap(map, size);
	gem_close(fd, handle);
	free(data);
	free(back);
}

/* The CPU mapping keeps the BO (and its VRAM) alive after the handle is closed. */
static void test_mmap_after_close(void)
{
	const uint64_t size = SZ_64K;
	uint64_t free0 = p2p_vram_free(fd);
	uint32_t handle = p2p_bo_create(fd, size, DRM_P2P_BO_VRAM);
	volatile uint32_t *map = p2p_bo_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	void *data = malloc(size), *back = malloc(size);

	igt_assert(data && back);
	p2p_fill(fd, handle, 0xcafef00d, 0, size);
	gem_close(fd, handle);
	igt_assert(!p2p_bo_exists(fd, handle));
	igt_assert_eq_u64(p2p_vram_free(fd), free0 - size);
	igt_assert_eq_u32(map[0], 0xcafef00d);
	igt_assert_eq_u32(map[size / 4 - 1], 0xcafef00d);
	p2p_fill_data(data, size, 7);
	p2p_memcpy_to_wc((void *)map, data, size);
	p2p_memcpy_from_wc(back, (void *)map, size);
	igt_assert(!memcmp(back, data, size));
	munmap((void *)map, size);
	igt_assert_eq_u64(p2p_vram_free(fd), free0);
	free(data);
	free(back);
}

/* ---- bad inputs ---------------------------------------------------------------- */

static void create_err(uint64_t size, uint32_t flags, uint64_t reserved, int err)
{
	struct drm_p2p_bo_create c = { .size = size, .flags = flags, .reserved = reserved };
	uint64_t free0 = p2p_vram_free(fd);

	igt_assert_f(__p2p_bo_create(fd, &c) == -err,
		     "BO_CREATE size %#llx flags %#x reserved %#llx: expected %d\n",
		     (unsigned long long)size, flags, (unsigned long long)reserved, -err);
	igt_assert_eq_u32(c.handle, 0);
	igt_assert_eq_u64(p2p_vram_free(fd), free0);
}

static void test_bad_create(void)
{
	/* a BO that must survive all of this */
	uint32_t keep = p2p_bo_create(fd, SZ_64K, DRM_P2P_BO_VRAM);

	p2p_fill(fd, keep, 0x5a5a5a5a, 0, SZ_64K);

	create_err(0, DRM_P2P_BO_VRAM, 0, EINVAL);
	create_err(0, DRM_P2P_BO_SYSTEM, 0, EINVAL);
	create_err(~0ull, DRM_P2P_BO_VRAM, 0, EINVAL);		/* overflows when rounded */
	create_err(~0ull - 4094, DRM_P2P_BO_VRAM, 0, EINVAL);
	create_err(~0ull, DRM_P2P_BO_SYSTEM, 0, EINVAL);
	create_err(SZ_64K, 0, 0, EINVAL);			/* no placement */
	create_err(SZ_64K, DRM_P2P_BO_VRAM | DRM_P2P_BO_SYSTEM, 0, EINVAL);
	create_err(SZ_64K, DRM_P2P_BO_CONTIGUOUS, 0, EINVAL);
	create_err(SZ_64K, DRM_P2P_BO_SYSTEM | DRM_P2P_BO_CONTIGUOUS, 0, EINVAL);
	create_err(SZ_64K, DRM_P2P_BO_VRAM | (1u << 3), 0, EINVAL);	/* unknown flag */
	create_err(SZ_64K, DRM_P2P_BO_VRAM | (1u << 31), 0, EINVAL);
	create_err(SZ_64K, DRM_P2P_BO_VRAM, 1, EINVAL);		/* reserved */
	create_err(SZ_64K, DRM_P2P_BO_SYSTEM, 1ull << 63, EINVAL);
	/* more than the VRAM, and a size that is huge but does not overflow */
	create_err(info.vram_size + P2P_PAGE, DRM_P2P_BO_VRAM, 0, ENOSPC);
	create_err(1ull << 62, DRM_P2P_BO_VRAM, 0, ENOSPC);
	create_err(1ull << 50, DRM_P2P_BO_SYSTEM, 0, ENOMEM);

	igt_assert_eq_u64(p2p_checksum(fd, keep, 0, SZ_64K),
			  p2p_fnv1a_pattern(0x5a5a5a5a, SZ_64K));
	gem_close(fd, keep);
}

static void test_bad_get_info(void)
{
	struct drm_p2p_get_info gi;

	memset(&gi, 0, sizeof(gi));
	gi.flags = 1;
	do_ioctl_err(fd, DRM_IOCTL_P2P_GET_INFO, &gi, EINVAL);
	/* nothing written back on failure */
	igt_assert_eq_u32(gi.uapi_version, 0);
	igt_assert_eq_u64(gi.vram_size, 0);
	memset(&gi, 0, sizeof(gi));
	gi.flags = 1u << 31;
	do_ioctl_err(fd, DRM_IOCTL_P2P_GET_INFO, &gi, EINVAL);
}

static void test_bad_handles(void)
{
	uint32_t h = p2p_bo_create(fd, SZ_64K, DRM_P2P_BO_VRAM), bad = h + 1000;
	uint64_t offset = 0xdead;
	uint8_t buf[64];

	p2p_fill(fd, h, 0x11111111, 0, SZ_64K);
	igt_assert_eq(__p2p_bo_mmap_offset(fd, bad, 0, &offset), -ENOENT);
	igt_assert_eq(__p2p_bo_mmap_offset(fd, 0, 0, &offset), -ENOENT);
	igt_assert_eq_u64(offset, 0xdead);
	igt_assert_eq(__p2p_bo_wait(fd, bad, 0, 0), -ENOENT);
	igt_assert_eq(__p2p_bo_wait(fd, 0, 0, -1), -ENOENT);
	{
		struct drm_p2p_bo_info bi = { .handle = bad };

		igt_assert_eq(__p2p_bo_info(fd, &bi), -ENOENT);
	}
	{
		struct drm_p2p_fill f = { .handle = bad, .size = 4, .flags = DRM_P2P_EXEC_SYNC };

		igt_assert_eq(__p2p_fill(fd, &f), -ENOENT);
	}
	{
		struct drm_p2p_copy c = { .src_handle = h, .dst_handle = bad, .size = 4,
					  .flags = DRM_P2P_EXEC_SYNC };

		igt_assert_eq(__p2p_copy(fd, &c), -ENOENT);
		c.src_handle = bad;
		c.dst_handle = h;
		igt_assert_eq(__p2p_copy(fd, &c), -ENOENT);
	}
	{
		struct drm_p2p_checksum cs = { .handle = bad, .size = 4 };

		igt_assert_eq(__p2p_checksum(fd, &cs), -ENOENT);
		igt_assert_eq_u64(cs.checksum, 0);
	}
	{
		struct drm_p2p_probe p = { .handle = bad, .size = 64,
					   .user_ptr = to_user_pointer(buf) };

		igt_assert_eq(__p2p_probe(fd, &p), -ENOENT);
	}
	{
		struct drm_p2p_bo_dma_info di = { .handle = bad };

		igt_assert_eq(__p2p_bo_dma_info(fd, &di), -ENOENT);
	}
	{
		struct drm_gem_close gc = { .handle = bad };

		do_ioctl_err(fd, DRM_IOCTL_GEM_CLOSE, &gc, EINVAL);
	}
	/* the good BO is untouched */
	igt_assert_eq_u64(p2p_checksum(fd, h, 0, SZ_64K), p2p_fnv1a_pattern(0x11111111, SZ_64K));
	gem_close(fd, h);
	/* a closed handle is a bad handle */
	igt_assert_eq(__p2p_bo_wait(fd, h, 0, 0), -ENOENT);
	igt_assert_eq(__p2p_bo_mmap_offset(fd, h, 0, &offset), -ENOENT);
}

static void test_bad_flags(void)
{
	const uint64_t size = SZ_64K;
	uint32_t h = p2p_bo_create(fd, size, DRM_P2P_BO_VRAM);
	uint64_t offset = 0xdead;
	uint8_t buf[64];

	p2p_fill(fd, h, 0x22222222, 0, size);
	igt_assert_eq(__p2p_bo_mmap_offset(fd, h, 1, &offset), -EINVAL);
	igt_assert_eq_u64(offset, 0xdead);
	igt_assert_eq(__p2p_bo_wait(fd, h, 1, 0), -EINVAL);
	igt_assert_eq(__p2p_bo_wait(fd, h, 1u << 31, -1), -EINVAL);
	{
		struct drm_p2p_bo_info bi = { .handle = h, .flags = 1 };

		igt_assert_eq(__p2p_bo_info(fd, &bi), -EINVAL);
		igt_assert_eq_u64(bi.size, 0);
	}
	{
		struct drm_p2p_fill f = { .handle = h, .pattern = 0xbad, .size = 4,
					  .flags = 1u << 1 };

		igt_assert_eq(__p2p_fill(fd, &f), -EINVAL);
		f.flags = DRM_P2P_EXEC_SYNC;
		f.reserved = 1;
		igt_assert_eq(__p2p_fill(fd, &f), -EINVAL);
	}
	{
		struct drm_p2p_copy c = { .src_handle = h, .dst_handle = h, .src_offset = 0,
					  .dst_offset = 4096, .size = 4, .flags = 1u << 5 };

		igt_assert_eq(__p2p_copy(fd, &c), -EINVAL);
	}
	{
		struct drm_p2p_checksum cs = { .handle = h, .size = 4, .flags = 1 };

		igt_assert_eq(__p2p_checksum(fd, &cs), -EINVAL);
		igt_assert_eq_u64(cs.checksum, 0);
	}
	{
		struct drm_p2p_probe p = { .handle = h, .size = 64, .flags = 1u << 1,
					   .user_ptr = to_user_pointer(buf) };

		igt_assert_eq(__p2p_probe(fd, &p), -EINVAL);
		p.flags = 0;
		p.pad = 1;
		igt_assert_eq(__p2p_probe(fd, &p), -EINVAL);
	}
	{
		struct drm_p2p_bo_dma_info di = { .handle = h, .flags = 1 };

		igt_assert_eq(__p2p_bo_dma_info(fd, &di), -EINVAL);
		di.flags = 0;
		di.pad = 1;
		igt_assert_eq(__p2p_bo_dma_info(fd, &di), -EINVAL);
		igt_assert_eq_u32(di.nr_ranges, 0);
	}
	{
		struct drm_p2p_probe_addr pa = { .dma_addr = 0, .size = 64, .flags = 1,
						 .user_ptr = to_user_pointer(buf) };

		igt_assert_eq(__p2p_probe_addr(fd, &pa), -EINVAL);
	}
	igt_assert_eq_u64(p2p_checksum(fd, h, 0, size), p2p_fnv1a_pattern(0x22222222, size));
	gem_close(fd, h);
}

/* Offsets and sizes: zero, unaligned, outside, wrapping. */
static void test_bad_ranges(void)
{
	const uint64_t size = 4 * P2P_PAGE;
	uint32_t h = p2p_bo_create(fd, size, DRM_P2P_BO_VRAM);
	uint32_t h2 = p2p_bo_create(fd, size, DRM_P2P_BO_VRAM);
	static const struct { uint64_t off, size; } fill_bad[] = {
		{ 0, 0 }, { 2, 4 }, { 0, 6 }, { 1, 3 }, { size, 4 }, { size - 4, 8 },
		{ 0, size + 4 }, { ~0ull - 3, 8 }, { 4, ~0ull - 3 }, { 1ull << 63, 1ull << 63 },
	};
	uint8_t buf[DRM_P2P_PROBE_MAX + 64];
	unsigned int i;

	p2p_fill(fd, h, 0x33333333, 0, size);
	p2p_fill(fd, h2, 0x44444444, 0, size);

	for (i = 0; i < ARRAY_SIZE(fill_bad); i++) {
		struct drm_p2p_fill f = { .handle = h, .pattern = 0xbadbad, .offset =
					  fill_bad[i].off, .size = fill_bad[i].size,
					  .flags = DRM_P2P_EXEC_SYNC };
		struct drm_p2p_checksum cs = { .handle = h, .offset = fill_bad[i].off,
					       .size = fill_bad[i].size };

		igt_assert_f(__p2p_fill(fd, &f) == -EINVAL, "FILL %#llx+%#llx\n",
			     (unsigned long long)f.offset, (unsigned long long)f.size);
		igt_assert_f(__p2p_checksum(fd, &cs) == -EINVAL, "CHECKSUM %#llx+%#llx\n",
			     (unsigned long long)cs.offset, (unsigned long long)cs.size);
	}

	/* copy: zero, outside either BO, wrapping, overlapping in one BO */
	{
		static const struct { uint64_t so, doff, size; bool same; } copy_bad[] = {
			{ 0, 0, 0, false },
			{ size, 0, 4, false }, { 0, size, 4, false },
			{ 0, 0, size + 4, false }, { size - 4, 0, 8, false },
			{ ~0ull - 3, 0, 8, false }, { 0, ~0ull - 3, 8, false },
			{ 0, 4, 8, true }, { 4, 0, 8, true }, { 0, 0, 4, true },
			{ 0, P2P_PAGE - 4, P2P_PAGE, true },
		};

		for (i = 0; i < ARRAY_SIZE(copy_bad); i++) {
			struct drm_p2p_copy c = {
				.src_handle = h, .dst_handle = copy_bad[i].same ? h : h2,
				.src_offset = copy_bad[i].so, .dst_offset = copy_bad[i].doff,
				.size = copy_bad[i].size, .flags = DRM_P2P_EXEC_SYNC,
			};

			igt_assert_f(__p2p_copy(fd, &c) == -EINVAL, "COPY %#llx->%#llx+%#llx%s\n",
				     (unsigned long long)c.src_offset,
				     (unsigned long long)c.dst_offset,
				     (unsigned long long)c.size, copy_bad[i].same ? " same BO" : "");
		}
	}

	/* probe: 0, > PROBE_MAX, crossing 4 KiB, outside the BO, bad user pointer */
	{
		static const struct { uint64_t off; uint32_t size; int err; } probe_bad[] = {
			{ 0, 0, EINVAL }, { 0, DRM_P2P_PROBE_MAX + 4, EINVAL },
			{ 0, 4096, EINVAL }, { 4000, 200, EINVAL }, { 4095, 2, EINVAL },
			{ size, 64, EINVAL }, { 4 * P2P_PAGE + 8, 8, EINVAL },
			{ ~0ull - 63, 64, EINVAL },
		};

		for (i = 0; i < ARRAY_SIZE(probe_bad); i++) {
			struct drm_p2p_probe p = { .handle = h, .offset = probe_bad[i].off,
						   .size = probe_bad[i].size,
						   .user_ptr = to_user_pointer(buf) };

			igt_assert_f(__p2p_probe(fd, &p) == -probe_bad[i].err,
				     "PROBE %#llx+%u\n", (unsigned long long)p.offset, p.size);
			p.flags = DRM_P2P_PROBE_WRITE;
			igt_assert_f(__p2p_probe(fd, &p) == -probe_bad[i].err,
				     "PROBE write %#llx+%u\n", (unsigned long long)p.offset,
				     p.size);
		}
		{
			struct drm_p2p_probe p = { .handle = h, .offset = 0, .size = 64,
						   .user_ptr = 8 };

			igt_assert_eq(__p2p_probe(fd, &p), -EFAULT);
			p.flags = DRM_P2P_PROBE_WRITE;
			igt_assert_eq(__p2p_probe(fd, &p), -EFAULT);
		}
	}

	/* probe_addr: size 0, too big, crossing a page */
	{
		struct drm_p2p_probe_addr pa = { .dma_addr = 0, .size = 0,
						 .user_ptr = to_user_pointer(buf) };

		igt_assert_eq(__p2p_probe_addr(fd, &pa), -EINVAL);
		pa.size = DRM_P2P_PROBE_MAX + 4;
		igt_assert_eq(__p2p_probe_addr(fd, &pa), -EINVAL);
		pa.dma_addr = 4000;
		pa.size = 200;
		igt_assert_eq(__p2p_probe_addr(fd, &pa), -EINVAL);
	}

	/* a bad range array for BO_DMA_INFO */
	{
		struct drm_p2p_bo_dma_info di = { .handle = h, .ranges_ptr = 8, .nr_ranges = 4 };

		igt_assert_eq(__p2p_bo_dma_info(fd, &di), -EFAULT);
	}

	/* nothing was written anywhere */
	igt_assert_eq_u64(p2p_checksum(fd, h, 0, size), p2p_fnv1a_pattern(0x33333333, size));
	igt_assert_eq_u64(p2p_checksum(fd, h2, 0, size), p2p_fnv1a_pattern(0x44444444, size));
	gem_close(fd, h);
	gem_close(fd, h2);
}

/* Fill the VRAM until BO_CREATE fails: -ENOSPC, nothing leaked, all back afterwards. */
static void test_exhaustion(void)
{
	const uint64_t chunk = 16 * SZ_1M;
	uint64_t free0 = p2p_vram_free(fd), free_full;
	uint32_t *handles;
	unsigned int n = 0, max = info.vram_size / chunk + 2, i;
	struct drm_p2p_bo_create c;
	int ret;

	handles = calloc(max, sizeof(*handles));
	igt_assert(handles);
	for (;;) {
		memset(&c, 0, sizeof(c));
		c.size = chunk;
		c.flags = DRM_P2P_BO_VRAM;
		ret = __p2p_bo_create(fd, &c);
		if (ret)
			break;
		igt_assert(n < max);
		handles[n++] = c.handle;
	}
	igt_assert_eq(ret, -ENOSPC);
	igt_assert(n >= 1);
	free_full = p2p_vram_free(fd);
	igt_assert_lt_u64(free_full, chunk);
	igt_assert_eq_u64(free_full, free0 - n * chunk);
	igt_info("%u BOs of 16 MiB, %llu bytes left\n", n, (unsigned long long)free_full);

	/* the rest, page by page in one BO if anything is left, then nothing */
	if (free_full) {
		uint32_t h = p2p_bo_create(fd, free_full, DRM_P2P_BO_VRAM);

		igt_assert_eq_u64(p2p_vram_free(fd), 0);
		create_err(P2P_PAGE, DRM_P2P_BO_VRAM, 0, ENOSPC);
		gem_close(fd, h);
	}
	create_err(chunk, DRM_P2P_BO_VRAM, 0, ENOSPC);
	create_err(free_full + P2P_PAGE, DRM_P2P_BO_VRAM, 0, ENOSPC);
	igt_assert_eq_u64(p2p_vram_free(fd), free_full);
	/* system memory is another pool */
	{
		uint32_t h = p2p_bo_create(fd, SZ_1M, DRM_P2P_BO_SYSTEM);

		gem_close(fd, h);
	}

	/*
	 * Free the BOs at even 16 MiB slots of the VRAM: 16 MiB holes, each next to a
	 * used slot, so a contiguous 32 MiB (a 32 MiB aligned buddy block) cannot fit
	 * although more than 32 MiB are free.
	 */
	for (i = 0; i < n; i++) {
		struct drm_p2p_dma_range *r;
		uint32_t nr;

		r = p2p_dma_ranges(fd, handles[i], &nr);
		if (nr == 1 && r[0].size == chunk && !((r[0].dma_addr / chunk) & 1)) {
			gem_close(fd, handles[i]);
			handles[i] = 0;
		}
		free(r);
	}
	if (p2p_vram_free(fd) >= 2 * chunk)
		create_err(2 * chunk, DRM_P2P_BO_VRAM | DRM_P2P_BO_CONTIGUOUS, 0, ENOSPC);
	/* but a non-contiguous BO of that size fits in the holes */
	if (p2p_vram_free(fd) >= 2 * chunk) {
		uint32_t h = p2p_bo_create(fd, 2 * chunk, DRM_P2P_BO_VRAM);

		gem_close(fd, h);
	}
	for (i = 0; i < n; i++)
		if (handles[i])
			gem_close(fd, handles[i]);
	igt_assert_eq_u64(p2p_vram_free(fd), free0);

	/* and the VRAM works again */
	{
		uint32_t h = p2p_bo_create(fd, chunk, DRM_P2P_BO_VRAM);

		p2p_fill(fd, h, 0x01020304, 0, chunk);
		igt_assert_eq_u64(p2p_checksum(fd, h, chunk - SZ_64K, SZ_64K),
				  p2p_fnv1a_pattern(0x01020304, SZ_64K));
		gem_close(fd, h);
	}
	free(handles);
}

/* Dumb buffers (primary node only: the KMS ioctls are not render ioctls). */
static void test_dumb(void)
{
	int card = p2p_open_gpu_primary(0);

	struct drm_mode_create_dumb cd = { .width = 100, .height = 50, .bpp = 32 };
	struct drm_mode_map_dumb md = {};
	struct drm_mode_destroy_dumb dd = {};
	uint64_t free0 = p2p_vram_free(card);
	unsigned int stride;
	uint64_t size;
	uint32_t handle, *map;
	void *data;

	do_ioctl(card, DRM_IOCTL_MODE_CREATE_DUMB, &cd);
	igt_assert(cd.pitch >= 400);
	igt_assert(cd.size >= (uint64_t)cd.pitch * 50);
	igt_assert(p2p_vram_free(card) < free0);
	md.handle = cd.handle;
	do_ioctl(card, DRM_IOCTL_MODE_MAP_DUMB, &md);
	map = mmap(NULL, cd.size, PROT_READ | PROT_WRITE, MAP_SHARED, card, md.offset);
	igt_assert(map != MAP_FAILED);
	data = malloc(cd.size);
	igt_assert(data);
	p2p_fill_data(data, cd.size, 3);
	p2p_memcpy_to_wc(map, data, cd.size);
	/* the dumb buffer is a drm_p2p BO: the engine sees what the CPU wrote */
	igt_assert_eq_u64(p2p_checksum(card, cd.handle, 0, cd.size), p2p_fnv1a(data, cd.size));
	munmap(map, cd.size);
	dd.handle = cd.handle;
	do_ioctl(card, DRM_IOCTL_MODE_DESTROY_DUMB, &dd);
	igt_assert(!p2p_bo_exists(card, cd.handle));
	igt_assert_eq_u64(p2p_vram_free(card), free0);
	free(data);

	/* IGT's helpers work on it */
	handle = kmstest_dumb_create(card, 64, 64, 32, &stride, &size);
	igt_assert(stride >= 256 && size >= 64 * stride);
	map = kmstest_dumb_map_buffer(card, handle, size, PROT_READ | PROT_WRITE);
	igt_assert_eq_u32(map[0], 0);	/* cleared */
	map[0] = 0xabcdef01;
	igt_assert_eq_u64(p2p_checksum(card, handle, 0, 4), p2p_fnv1a_pattern(0xabcdef01, 4));
	munmap(map, size);
	kmstest_dumb_destroy(card, handle);

	/* bad dumb requests */
	{
		static const struct { uint32_t w, h, bpp; } bad[] = {
			{ 0, 50, 32 }, { 100, 0, 32 }, { 100, 50, 0 },
			{ 0xffffffff, 2, 32 }, { 0x40000000, 0x40000000, 32 },
		};
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			struct drm_mode_create_dumb b = { .width = bad[i].w, .height = bad[i].h,
							  .bpp = bad[i].bpp };

			igt_assert_eq(igt_ioctl(card, DRM_IOCTL_MODE_CREATE_DUMB, &b), -1);
			igt_assert_f(errno == EINVAL || errno == ENOSPC,
				     "dumb %ux%u bpp %u: errno %d\n", b.width, b.height,
				     b.bpp, errno);
			igt_assert_eq_u32(b.handle, 0);
		}
		md.handle = 0xffff;
		do_ioctl_err(card, DRM_IOCTL_MODE_MAP_DUMB, &md, ENOENT);
	}
	igt_assert_eq_u64(p2p_vram_free(card), free0);
	/* and not on the render node */
	{
		struct drm_mode_create_dumb r = { .width = 64, .height = 64, .bpp = 32 };

		do_ioctl_err(fd, DRM_IOCTL_MODE_CREATE_DUMB, &r, EACCES);
	}
	close(card);
}

/* The engine against the CPU: fill, copy (across BOs, placements, pages), checksum. */
static void test_engine(uint32_t src_place, uint32_t dst_place)
{
	const uint64_t size = 8 * P2P_PAGE;
	uint32_t a = p2p_bo_create(fd, size, src_place);
	uint32_t b = p2p_bo_create(fd, size, dst_place);
	uint8_t *ref = malloc(size), *back = malloc(size), *init = malloc(size);
	uint32_t *w;
	size_t i;

	igt_assert(ref && back && init);
	/* fill: an unaligned-to-page range of a */
	p2p_fill_data(init, size, 11);
	write_bo(a, 0, init, size);
	p2p_fill(fd, a, 0x89abcdef, 1000, 3 * P2P_PAGE + 12);
	memcpy(ref, init, size);
	w = (uint32_t *)(ref + 1000);
	for (i = 0; i < (3 * P2P_PAGE + 12) / 4; i++)
		w[i] = 0x89abcdef;
	read_bo(a, 0, back, size);
	igt_assert(!memcmp(back, ref, size));
	igt_assert_eq_u64(p2p_checksum(fd, a, 0, size), p2p_fnv1a(ref, size));
	igt_assert_eq_u64(p2p_checksum(fd, a, 996, 8), p2p_fnv1a(ref + 996, 8));

	/* copy: a[100 .. +5 pages) -> b[4100 ..) with unaligned offsets, odd size */
	p2p_copy(fd, b, 4100, a, 100, 5 * P2P_PAGE - 8);
	p2p_copy(fd, b, 0, a, size - 8, 8);
	memset(back, 0, size);
	read_bo(b, 0, back, size);
	igt_assert(!memcmp(back, ref + size - 8, 8));
	igt_assert(!memcmp(back + 4100, ref + 100, 5 * P2P_PAGE - 8));
	igt_assert_eq_u64(p2p_checksum(fd, b, 4100, 5 * P2P_PAGE - 8),
			  p2p_fnv1a(ref + 100, 5 * P2P_PAGE - 8));

	/* copy inside one BO, non-overlapping */
	p2p_copy(fd, a, 6 * P2P_PAGE, a, 0, 2 * P2P_PAGE);
	memcpy(ref + 6 * P2P_PAGE, ref, 2 * P2P_PAGE);
	igt_assert_eq_u64(p2p_checksum(fd, a, 0, size), p2p_fnv1a(ref, size));
	read_bo(a, 0, back, size);
	igt_assert(!memcmp(back, ref, size));

	gem_close(fd, a);
	gem_close(fd, b);
	free(ref);
	free(back);
	free(init);
}

/* Asynchronous jobs: BO_WAIT and the syncobj both report completion, data is there. */
static void test_bo_wait(void)
{
	const uint64_t size = 16 * SZ_1M;
	uint32_t h = p2p_bo_create(fd, size, DRM_P2P_BO_VRAM);
	struct drm_p2p_fill f = { .handle = h, .pattern = 0x600d600d, .size = size };
	volatile uint32_t *map;
	int i;

	for (i = 0; i < 4; i++) {
		f.pattern = 0x600d0000 + i;
		igt_assert_eq(__p2p_fill(fd, &f), 0);
	}
	igt_assert_eq(__p2p_bo_wait(fd, h, 0, -1), 0);
	/* idle: a poll and a short wait return 0 at once */
	igt_assert_eq(__p2p_bo_wait(fd, h, 0, 0), 0);
	igt_assert_eq(__p2p_bo_wait(fd, h, 0, 1000), 0);
	map = p2p_bo_mmap(fd, h, size, PROT_READ);
	igt_assert_eq_u32(map[0], 0x600d0003);
	igt_assert_eq_u32(map[size / 4 - 1], 0x600d0003);
	munmap((void *)map, size);

	/* a busy BO: poll says -ETIME (unless the engine already finished) */
	f.pattern = 0x600d0010;
	igt_assert_eq(__p2p_fill(fd, &f), 0);
	{
		int ret = __p2p_bo_wait(fd, h, 0, 0);

		igt_assert_f(ret == 0 || ret == -ETIME, "BO_WAIT poll: %d\n", ret);
		igt_info("16 MiB fill %s at the first poll\n", ret ? "busy" : "done");
	}
	igt_assert_eq(__p2p_bo_wait(fd, h, 0, 10ll * NSEC_PER_SEC), 0);
	igt_assert_eq_u64(p2p_checksum(fd, h, 0, SZ_64K), p2p_fnv1a_pattern(0x600d0010, SZ_64K));
	gem_close(fd, h);
}

static void test_syncobj(void)
{
	const uint64_t size = 4 * SZ_1M;
	uint32_t h, h2, syncobj, first;
	struct drm_p2p_fill f = { .pattern = 0x5e5e5e5e, .size = size };
	struct drm_p2p_copy c;

	igt_require(igt_has_drm_cap(fd, DRM_CAP_SYNCOBJ));
	h = p2p_bo_create(fd, size, DRM_P2P_BO_VRAM);
	h2 = p2p_bo_create(fd, size, DRM_P2P_BO_SYSTEM);
	f.handle = h;
	igt_assert_eq(drmSyncobjCreate(fd, 0, &syncobj), 0);
	f.out_syncobj = syncobj;
	igt_assert_eq(__p2p_fill(fd, &f), 0);
	igt_assert_eq(drmSyncobjWait(fd, &syncobj, 1, INT64_MAX,
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, &first), 0);
	igt_assert_eq_u32(first, 0);
	/* signalled now: a zero-timeout wait succeeds */
	igt_assert_eq(drmSyncobjWait(fd, &syncobj, 1, 0, 0, NULL), 0);
	igt_assert_eq_u64(p2p_checksum(fd, h, size - SZ_64K, SZ_64K),
			  p2p_fnv1a_pattern(0x5e5e5e5e, SZ_64K));

	/* copy into a system BO, the syncobj gets the copy's fence */
	drmSyncobjReset(fd, &syncobj, 1);
	memset(&c, 0, sizeof(c));
	c.src_handle = h;
	c.dst_handle = h2;
	c.size = size;
	c.out_syncobj = syncobj;
	igt_assert_eq(__p2p_copy(fd, &c), 0);
	igt_assert_eq(drmSyncobjWait(fd, &syncobj, 1, INT64_MAX,
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL), 0);
	{
		volatile uint32_t *map = p2p_bo_mmap(fd, h2, size, PROT_READ);

		igt_assert_eq_u32(map[0], 0x5e5e5e5e);
		igt_assert_eq_u32(map[size / 4 - 1], 0x5e5e5e5e);
		munmap((void *)map, size);
	}

	/* a handle that is no syncobj: nothing is submitted */
	f.out_syncobj = syncobj + 100;
	f.pattern = 0xbadbad00;
	f.flags = 0;
	igt_assert_eq(__p2p_fill(fd, &f), -ENOENT);
	igt_assert_eq(__p2p_bo_wait(fd, h, 0, -1), 0);
	igt_assert_eq_u64(p2p_checksum(fd, h, 0, SZ_64K), p2p_fnv1a_pattern(0x5e5e5e5e, SZ_64K));

	/* the sync flag returns when the job is done */
	f.out_syncobj = 0;
	f.pattern = 0x77777777;
	f.flags = DRM_P2P_EXEC_SYNC;
	igt_assert_eq(__p2p_fill(fd, &f), 0);
	igt_assert_eq(__p2p_bo_wait(fd, h, 0, 0), 0);

	drmSyncobjDestroy(fd, syncobj);
	gem_close(fd, h);
	gem_close(fd, h2);
}

/* The engine's DMA at its own VRAM and at a system BO reads and writes the real bytes. */
static void test_probe(uint32_t placement)
{
	const uint64_t size = 4 * P2P_PAGE;
	uint32_t h = p2p_bo_create(fd, size, placement);
	uint8_t data[DRM_P2P_PROBE_MAX], back[DRM_P2P_PROBE_MAX];
	struct drm_p2p_probe p;
	uint8_t *ref = malloc(size);
	uint64_t dma;
	uint32_t path;

	igt_assert(ref);
	p2p_fill_data(ref, size, 21);
	write_bo(h, 0, ref, size);
	memset(&p, 0, sizeof(p));
	p.handle = h;
	p.offset = 2 * P2P_PAGE + 256;
	p.size = 1024;
	p.user_ptr = to_user_pointer(back);
	igt_assert_eq(__p2p_probe(fd, &p), 0);
	dma = p.dma_addr;
	path = p.path;
	igt_info("probe: %s dma %#llx\n", p2p_path_name(path), (unsigned long long)dma);
	igt_skip_on_f(path == DRM_P2P_PATH_BUS && (info.engine_flags & DRM_P2P_ENGINE_IOMMU),
		      "bus address under an IOMMU: QEMU translates it, the probe cannot "
		      "prove it\n");
	igt_assert(path == DRM_P2P_PATH_IOVA || path == DRM_P2P_PATH_PHYS ||
		   path == DRM_P2P_PATH_BUS);
	if (info.engine_flags & DRM_P2P_ENGINE_IOMMU)
		igt_assert(path != DRM_P2P_PATH_PHYS);
	else
		igt_assert(path != DRM_P2P_PATH_IOVA);
	igt_assert(!memcmp(back, ref + 2 * P2P_PAGE + 256, 1024));

	/* a write by the engine, read by the CPU */
	p2p_fill_data(data, sizeof(data), 22);
	memset(&p, 0, sizeof(p));
	p.handle = h;
	p.flags = DRM_P2P_PROBE_WRITE;
	p.offset = P2P_PAGE;
	p.size = DRM_P2P_PROBE_MAX;
	p.user_ptr = to_user_pointer(data);
	igt_assert_eq(__p2p_probe(fd, &p), 0);
	memcpy(ref + P2P_PAGE, data, DRM_P2P_PROBE_MAX);
	{
		uint8_t *now = malloc(size);

		igt_assert(now);
		read_bo(h, 0, now, size);
		igt_assert(!memcmp(now, ref, size));
		free(now);
	}
	/* and it is the same address for the same place */
	igt_assert_eq_u32(p.path, path);
	gem_close(fd, h);
	free(ref);
}

igt_main
{
	igt_fixture {
		fd = p2p_open_gpu(0);
		p2p_get_info(fd, &info);
		igt_assert_eq_u32(info.uapi_version, DRM_P2P_UAPI_VERSION);
		igt_require(info.engine_flags & DRM_P2P_ENGINE_PRESENT);
	}

	igt_describe("GET_INFO describes the GPU: sizes, PCI location, engine, index");
	igt_subtest("get-info") {
		const char *iommu = getenv("P2P_IOMMU");
		uint64_t bar_start, bar_size;

		igt_assert(info.vram_size > 0 && info.vram_size <= info.vram_bar_size);
		igt_assert(info.vram_free <= info.vram_size);
		igt_assert_eq_u32(info.pci_func, 0);
		igt_assert_eq_u32(info.probe_max, DRM_P2P_PROBE_MAX);
		igt_assert_eq_u32(info.gpu_index < P2P_MAX_GPUS, 1);
		igt_assert_eq_u32(info.pad0, 0);
		igt_assert_eq_u32(info.pad1, 0);
		igt_assert(!info.reserved[0] && !info.reserved[1] && !info.reserved[2] &&
			   !info.reserved[3]);
		igt_assert(p2p_vram_bar(&info, &bar_start, &bar_size));
		igt_assert_eq_u64(bar_size, info.vram_bar_size);
		if (iommu)
			igt_assert_eq(!!(info.engine_flags & DRM_P2P_ENGINE_IOMMU),
				      atoi(iommu) == 1);
	}

	igt_subtest("create-close-vram")
		test_create_close(DRM_P2P_BO_VRAM);
	igt_subtest("create-close-system")
		test_create_close(DRM_P2P_BO_SYSTEM);
	igt_subtest("size-rounding")
		test_size_rounding();
	igt_describe("Old VRAM content never reaches a new BO");
	igt_subtest("vram-cleared")
		test_vram_cleared();
	igt_subtest("mmap-vram")
		test_mmap(DRM_P2P_BO_VRAM);
	igt_subtest("mmap-system")
		test_mmap(DRM_P2P_BO_SYSTEM);
	igt_subtest("mmap-after-close")
		test_mmap_after_close();
	igt_subtest("bad-create")
		test_bad_create();
	igt_subtest("bad-get-info")
		test_bad_get_info();
	igt_subtest("bad-handles")
		test_bad_handles();
	igt_subtest("bad-flags")
		test_bad_flags();
	igt_subtest("bad-ranges")
		test_bad_ranges();
	igt_subtest("exhaustion")
		test_exhaustion();
	igt_subtest("dumb")
		test_dumb();
	igt_subtest_with_dynamic("engine") {
		igt_dynamic("vram-vram")
			test_engine(DRM_P2P_BO_VRAM, DRM_P2P_BO_VRAM);
		igt_dynamic("vram-system")
			test_engine(DRM_P2P_BO_VRAM, DRM_P2P_BO_SYSTEM);
		igt_dynamic("system-vram")
			test_engine(DRM_P2P_BO_SYSTEM, DRM_P2P_BO_VRAM);
		igt_dynamic("system-system")
			test_engine(DRM_P2P_BO_SYSTEM, DRM_P2P_BO_SYSTEM);
	}
	igt_subtest("bo-wait")
		test_bo_wait();
	igt_subtest("syncobj")
		test_syncobj();
	igt_subtest_with_dynamic("probe") {
		igt_dynamic("vram")
			test_probe(DRM_P2P_BO_VRAM);
		igt_dynamic("system")
			test_probe(DRM_P2P_BO_SYSTEM);
	}

	igt_fixture
		close(fd);
}

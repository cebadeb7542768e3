// SPDX-License-Identifier: MIT
/*
 * p2p_libdrm: libdrm_p2p's shared virtual memory calls against drm_p2p
 * GPUs: each wrapper does what the ioctl does, decodes what the kernel
 * returns and passes the kernel's errno through.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt.h"
#include "drm_p2p.h"

IGT_TEST_DESCRIPTION("libdrm_p2p SVM calls on drm_p2p GPUs");

#define PAGE	4096ul
#define MIB	(1024ul * 1024ul)

struct gpu {
	int fd;
	struct drm_p2p_device *dev;
	uint32_t ctx;
	uint32_t minor;
	uint32_t group;
};

static struct gpu a = { .fd = -1 }, b = { .fd = -1 };

static uint32_t fd_minor(int fd)
{
	struct stat st;

	igt_assert_eq(fstat(fd, &st), 0);
	return minor(st.st_rdev);
}

static struct drm_p2p_svm_stats stats(const struct gpu *g)
{
	struct drm_p2p_svm_stats s;

	igt_assert_eq(drm_p2p_svm_stats(g->dev, g->ctx, &s), 0);
	return s;
}

static bool gpu_open(struct gpu *g, int fd)
{
	/* -ENODEV for a DRM device of another driver */
	if (drm_p2p_open_fd(fd, &g->dev))
		return false;
	if (drm_p2p_svm_create(g->dev, 0, &g->ctx)) {
		drm_p2p_close(g->dev);
		return false;
	}
	g->fd = fd;
	g->minor = fd_minor(fd);
	g->group = stats(g).dev_owner;
	return true;
}

static void gpu_close(struct gpu *g)
{
	if (g->fd < 0)
		return;
	igt_assert_eq(drm_p2p_svm_destroy(g->dev, g->ctx), 0);
	drm_p2p_close(g->dev);
	close(g->fd);
}

static void *map_anon(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

static void pattern(void *buf, size_t size, uint32_t seed)
{
	uint32_t *w = buf;
	size_t i;

	for (i = 0; i < size / 4; i++)
		w[i] = seed ^ (uint32_t)(i * 2654435761u);
}

/* write, read, fill, checksum, copy, prefetch over three 2 MiB ranges */
static void test_ops(void)
{
	size_t size = 3 * MIB, half = size / 2;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size), *buf = malloc(size);
	struct drm_p2p_svm_faults f, total = { 0, 0 };
	struct drm_p2p_svm_stats s0 = stats(&a), s1;
	uint64_t sum = 0;

	igt_assert(ref && buf);
	pattern(ref, size, 1);
	igt_assert_eq(drm_p2p_svm_write(a.dev, a.ctx, p, size, ref, &f), 0);
	/*
	 * One batch per 2 MiB range touched (two or three here), more only
	 * when an invalidation races with a batch; never page by page.
	 */
	igt_info("write: %llu fault batches, %llu pages\n",
		 (unsigned long long)f.batches, (unsigned long long)f.pages);
	igt_assert(f.batches >= 2 && f.batches < size / PAGE / 64);
	igt_assert(f.pages >= size / PAGE);
	total.batches += f.batches;
	igt_assert(!memcmp(p, ref, size));

	memset(buf, 0, size);
	igt_assert_eq(drm_p2p_svm_read(a.dev, a.ctx, p, size, buf, &f), 0);
	igt_assert(!memcmp(buf, ref, size));
	/* everything is in the GPU page table already: no fault */
	igt_assert_eq_u64(f.batches, 0);
	igt_assert_eq(drm_p2p_svm_checksum(a.dev, a.ctx, p, size, &sum, NULL), 0);
	igt_assert_eq_u64(sum, drm_p2p_checksum_data(ref, size));

	igt_assert_eq(drm_p2p_svm_fill(a.dev, a.ctx, p, half, 0xa5a5f00d, NULL), 0);
	igt_assert_eq_u64(drm_p2p_checksum_data(p, half), drm_p2p_checksum_pattern(0xa5a5f00d, half));
	igt_assert(!memcmp(p + half, ref + half, half));
	igt_assert_eq(drm_p2p_svm_copy(a.dev, a.ctx, p + half, p, half, NULL), 0);
	igt_assert_eq_u64(drm_p2p_checksum_data(p + half, half),
			  drm_p2p_checksum_pattern(0xa5a5f00d, half));
	igt_assert_eq(drm_p2p_svm_prefetch(a.dev, a.ctx, p, size, &f), 0);

	s1 = stats(&a);
	igt_assert(s1.faults - s0.faults >= total.batches);
	munmap(p, size);
	free(ref);
	free(buf);
}

/* migration both ways and the page table entries it leaves */
static void test_migrate_query(void)
{
	size_t size = 64 * PAGE, n = size / PAGE, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct drm_p2p_svm_entry *e = calloc(n, sizeof(*e));
	char *ref = malloc(size);

	igt_assert(e && ref);
	pattern(p, size, 2);
	memcpy(ref, p, size);
	igt_assert_eq(drm_p2p_svm_migrate(a.dev, a.ctx, p, size, DRM_P2P_SVM_MIGRATE_TO_VRAM),
		      (int64_t)n);
	igt_assert_eq(drm_p2p_svm_prefetch(a.dev, a.ctx, p, size, NULL), 0);
	igt_assert_eq(drm_p2p_svm_query(a.dev, a.ctx, p, n, e), 0);
	for (i = 0; i < n; i++) {
		igt_assert(e[i].valid && e[i].writable);
		igt_assert_eq(e[i].kind, DRM_P2P_SVM_KIND_LOCAL);
		igt_assert_eq(e[i].owner_minor, a.minor);
		igt_assert(strcmp(drm_p2p_svm_path_name(e[i].path), "unknown"));
		if (getuid() == 0)
			igt_assert_neq_u64(e[i].dma_addr, 0);
	}
	igt_assert_eq(strcmp(drm_p2p_svm_kind_name(e[0].kind), "local"), 0);

	igt_assert_eq(drm_p2p_svm_migrate(a.dev, a.ctx, p, size, DRM_P2P_SVM_MIGRATE_TO_RAM),
		      (int64_t)n);
	/* the migration invalidated the entries; the data is back in RAM */
	igt_assert_eq(drm_p2p_svm_query(a.dev, a.ctx, p, n, e), 0);
	for (i = 0; i < n; i++)
		igt_assert(!e[i].valid);
	igt_assert(!memcmp(p, ref, size));
	munmap(p, size);
	free(e);
	free(ref);
}

/* more entries than one QUERY ioctl reads: the library splits the request */
static void test_query_chunks(void)
{
	size_t n = 65536 + 16, size = n * PAGE, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct drm_p2p_svm_entry *e = calloc(n, sizeof(*e));

	igt_assert(e);
	memset(p + size - 16 * PAGE, 0x5a, 16 * PAGE);
	igt_assert_eq(drm_p2p_svm_prefetch(a.dev, a.ctx, p + size - 16 * PAGE, 16 * PAGE, NULL),
		      0);
	igt_assert_eq(drm_p2p_svm_query(a.dev, a.ctx, p, n, e), 0);
	for (i = 0; i < n - 16; i++)
		igt_assert_f(!e[i].valid, "entry %zu valid\n", i);
	for (; i < n; i++) {
		igt_assert(e[i].valid);
		igt_assert_eq(e[i].kind, DRM_P2P_SVM_KIND_SYSTEM);
	}
	munmap(p, size);
	free(e);
}

/* GPU B reads pages in GPU A's VRAM through the library, nothing moves */
static void test_peer(void)
{
	size_t size = 32 * PAGE, n = size / PAGE, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct drm_p2p_svm_entry *e = calloc(n, sizeof(*e));
	struct drm_p2p_svm_stats a0, a1, b0, b1;
	uint64_t sum;

	igt_require_f(b.fd >= 0, "needs a second drm_p2p GPU\n");
	igt_require_f(a.group == b.group, "GPUs %u and %u are not P2P peers\n", a.minor, b.minor);
	igt_assert(e);
	pattern(p, size, 3);
	sum = drm_p2p_checksum_data(p, size);
	igt_assert_eq(drm_p2p_svm_migrate(a.dev, a.ctx, p, size, DRM_P2P_SVM_MIGRATE_TO_VRAM),
		      (int64_t)n);
	a0 = stats(&a);
	b0 = stats(&b);
	{
		uint64_t got = 0;

		igt_assert_eq(drm_p2p_svm_checksum(b.dev, b.ctx, p, size, &got, NULL), 0);
		igt_assert_eq_u64(got, sum);
	}
	a1 = stats(&a);
	b1 = stats(&b);
	igt_assert_eq_u64(a1.dev_cpu_faults, a0.dev_cpu_faults);
	igt_assert_eq_u64(a1.dev_vram_used, a0.dev_vram_used);
	igt_assert_eq_u64(b1.bytes_migrated, b0.bytes_migrated);
	igt_assert_eq_u64(b1.peer_mappings - b0.peer_mappings, n);
	igt_assert_eq(drm_p2p_svm_query(b.dev, b.ctx, p, n, e), 0);
	for (i = 0; i < n; i++) {
		igt_assert(e[i].valid);
		igt_assert_eq(e[i].kind, DRM_P2P_SVM_KIND_PEER);
		igt_assert_eq(e[i].owner_minor, a.minor);
	}
	igt_info("GPU %u reaches GPU %u's VRAM by path %s\n", b.minor, a.minor,
		 drm_p2p_svm_path_name(e[0].path));
	munmap(p, size);
	free(e);
}

/* the kernel's errno comes through unchanged */
static void test_errors(void)
{
	char *p = map_anon(2 * PAGE, PROT_READ);
	char buf[PAGE];
	uint64_t sum = 7;
	uint32_t id = 0;

	igt_assert_eq(drm_p2p_svm_create(a.dev, 0, &id), -EEXIST);
	igt_assert_eq(drm_p2p_svm_create(a.dev, 0x80, &id), -EINVAL);
	igt_assert_eq(id, 0);
	igt_assert_eq(drm_p2p_svm_destroy(a.dev, a.ctx + 1000), -ENOENT);
	igt_assert_eq(drm_p2p_svm_read(a.dev, a.ctx, p + 1, PAGE, buf, NULL), -EINVAL);
	igt_assert_eq(drm_p2p_svm_write(a.dev, a.ctx, p, PAGE, buf, NULL), -EPERM);
	igt_assert_eq(drm_p2p_svm_migrate(a.dev, a.ctx, p, PAGE, 99), -EINVAL);
	munmap(p, 2 * PAGE);
	igt_assert_eq(drm_p2p_svm_checksum(a.dev, a.ctx, p, PAGE, &sum, NULL), -EFAULT);
	igt_assert_eq_u64(sum, 7);
}

igt_main
{
	igt_fixture {
		int fd = drm_open_driver(DRIVER_ANY), k;

		igt_require_f(gpu_open(&a, fd), "not a drm_p2p GPU with SVM\n");
		/* B: a P2P peer of A if there is one, else any other GPU */
		for (k = 1; k < 16; k++) {
			struct gpu g = { .fd = -1 };

			fd = __drm_open_driver_another(k, DRIVER_ANY);
			if (fd < 0)
				break;
			if (fd_minor(fd) == a.minor || !gpu_open(&g, fd)) {
				close(fd);
				continue;
			}
			if (b.fd >= 0 && (b.group == a.group || g.group != a.group)) {
				gpu_close(&g);
				continue;
			}
			gpu_close(&b);
			b = g;
		}
	}

	igt_describe("Write, read, fill, checksum, copy and prefetch through the library");
	igt_subtest("svm-ops")
		test_ops();
	igt_describe("Migration both ways and the decoded page table entries");
	igt_subtest("svm-migrate-query")
		test_migrate_query();
	igt_describe("Page table reads larger than one ioctl's limit");
	igt_subtest("svm-query-chunks")
		test_query_chunks();
	igt_describe("A peer GPU reads pages in another GPU's VRAM, nothing moves");
	igt_subtest("svm-peer")
		test_peer();
	igt_describe("Kernel errors reach the caller as negative errno values");
	igt_subtest("svm-errors")
		test_errors();

	igt_fixture {
		gpu_close(&b);
		gpu_close(&a);
	}
}

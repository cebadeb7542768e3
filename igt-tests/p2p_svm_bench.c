// SPDX-License-Identifier: MIT
/*
 * p2p_svm_bench: GPU B reaches 64 MiB that live in GPU A's VRAM, peer-to-peer
 * (pages stay in A's VRAM) versus with migration (B's faults migrate every
 * page back to system memory first, as lib/test_hmm and today's drivers do).
 *
 * For each way it prints the time for B to fault the range into its page
 * table, the end-to-end time of a checksum of the range on B from a cold page
 * table, and the bytes copied; then the ratios.  The subtest fails if the
 * peer path copies anything, if a checksum is wrong, or if the peer faults
 * are not at least 10x faster.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "drm/drm_p2p_svm.h"

IGT_TEST_DESCRIPTION("SVM: peer-to-peer faults versus migration, 64 MiB in a peer's VRAM");

#define PAGE	4096ul
#define MIB	(1024ul * 1024ul)

static size_t bench_size = 64 * MIB;
static int fa = -1, fb = -1, fbn = -1;
static uint32_t ca, cb, cbn;

static int xioctl(int fd, unsigned long req, void *arg)
{
	return igt_ioctl(fd, req, arg) ? -errno : 0;
}

static uint32_t create(int fd, uint32_t flags)
{
	struct drm_p2p_svm_create c = { .flags = flags };

	igt_assert_eq(xioctl(fd, DRM_IOCTL_P2P_SVM_CREATE, &c), 0);
	return c.ctx_id;
}

static struct drm_p2p_svm_stats stats(int fd, uint32_t ctx)
{
	struct drm_p2p_svm_stats s = { .ctx_id = ctx };

	igt_assert_eq(xioctl(fd, DRM_IOCTL_P2P_SVM_STATS, &s), 0);
	return s;
}

static long migrate(int fd, uint32_t ctx, uint32_t target, void *p, size_t size)
{
	struct drm_p2p_svm_migrate m = {
		.ctx_id = ctx, .target = target, .addr = (uintptr_t)p, .size = size,
	};

	igt_assert_eq(xioctl(fd, DRM_IOCTL_P2P_SVM_MIGRATE, &m), 0);
	return m.pages;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Time one access op; returns ns, *value gets the checksum. */
static uint64_t timed(int fd, uint32_t ctx, uint32_t op, void *p, size_t size,
		      uint64_t *value)
{
	struct drm_p2p_svm_access a = {
		.ctx_id = ctx, .op = op, .addr = (uintptr_t)p, .size = size,
	};
	uint64_t t = now_ns();

	igt_assert_eq(xioctl(fd, DRM_IOCTL_P2P_SVM_ACCESS, &a), 0);
	t = now_ns() - t;
	if (value)
		*value = a.value;
	return t;
}

static uint64_t fnv(const void *buf, size_t len)
{
	const uint32_t *w = buf;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len / 4; i++) {
		h ^= w[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static bool is_drm_p2p(int fd)
{
	char name[32] = "";

	__get_drm_device_name(fd, name, sizeof(name) - 1);
	return !strcmp(name, "drm_p2p");
}

struct way {
	uint64_t fault_ns, e2e_ns, fault_copied, e2e_copied;
};

/* All of the range into A's VRAM, from wherever it is (invalidates B). */
static void into_a(int fa, uint32_t ca, void *p, size_t size)
{
	migrate(fa, ca, DRM_P2P_SVM_MIGRATE_TO_RAM, p, size);
	igt_assert_eq(migrate(fa, ca, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), size / PAGE);
}

/*
 * Put the range in A's VRAM, then let B (context @cb on @fb) fault it and,
 * after A re-migrates it (which also invalidates B), checksum it cold.
 */
static struct way run_way(const char *name, int fa, uint32_t ca, int fb, uint32_t cb,
			  uint32_t *p, size_t size, uint64_t expect)
{
	struct drm_p2p_svm_stats a0, a1;
	struct way w = { 0 };
	uint64_t sum = 0;

	into_a(fa, ca, p, size);
	a0 = stats(fa, ca);
	w.fault_ns = timed(fb, cb, DRM_P2P_SVM_OP_PREFETCH, p, size, NULL);
	a1 = stats(fa, ca);
	w.fault_copied = (a1.dev_cpu_faults - a0.dev_cpu_faults) * PAGE;

	/* back into A's VRAM: B's entries are invalidated, the next access is cold */
	into_a(fa, ca, p, size);
	a0 = stats(fa, ca);
	w.e2e_ns = timed(fb, cb, DRM_P2P_SVM_OP_CHECKSUM, p, size, &sum);
	a1 = stats(fa, ca);
	igt_assert_eq_u64(sum, expect);
	w.e2e_copied = (a1.dev_cpu_faults - a0.dev_cpu_faults) * PAGE;

	igt_info("%-13s B faults %zu MiB in %10.3f ms (%llu bytes copied); checksum end-to-end %10.3f ms (%llu bytes copied)\n",
		 name, size / MIB, w.fault_ns / 1e6, (unsigned long long)w.fault_copied,
		 w.e2e_ns / 1e6, (unsigned long long)w.e2e_copied);
	return w;
}

/*
 * Put the range in A's VRAM, then let context @ctx on @fd migrate it into its
 * GPU's VRAM: time it, count the bytes the context copied, check the data.
 */
static void take_into(int fd, uint32_t ctx, void *p, size_t size, uint64_t expect,
		      uint64_t *ns, uint64_t *copied)
{
	struct drm_p2p_svm_stats b0, b1;
	uint64_t sum = 0;

	into_a(fa, ca, p, size);
	b0 = stats(fd, ctx);
	*ns = now_ns();
	igt_assert_eq(migrate(fd, ctx, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), size / PAGE);
	*ns = now_ns() - *ns;
	b1 = stats(fd, ctx);
	*copied = b1.bytes_migrated - b0.bytes_migrated;
	timed(fd, ctx, DRM_P2P_SVM_OP_CHECKSUM, p, size, &sum);
	igt_assert_eq_u64(sum, expect);
}

igt_main
{
	igt_fixture {
		const char *env = getenv("P2P_SVM_BENCH_MIB");

		if (env && atoi(env) > 0)
			bench_size = (size_t)atoi(env) * MIB;
		/* A and B: the first two GPUs that are P2P peers (same owner group) */
		{
			int fds[16], n = 0, k, l, a = -1, b = -1;
			uint32_t ids[16], owners[16];
			char path[64];
			struct stat st;

			for (k = 0; k < 16; k++) {
				int fd = k ? __drm_open_driver_another(k, DRIVER_ANY) :
					     drm_open_driver(DRIVER_ANY);
				struct drm_p2p_svm_create c = { 0 };

				if (fd < 0)
					break;
				if (!is_drm_p2p(fd) || xioctl(fd, DRM_IOCTL_P2P_SVM_CREATE, &c)) {
					close(fd);
					continue;
				}
				fds[n] = fd;
				ids[n] = c.ctx_id;
				owners[n] = stats(fd, c.ctx_id).dev_owner;
				n++;
			}
			for (k = 0; k < n && a < 0; k++)
				for (l = k + 1; l < n && a < 0; l++)
					if (owners[k] == owners[l])
						a = k, b = l;
			for (k = 0; k < n; k++)
				if (k != a && k != b)
					close(fds[k]);
			igt_require_f(a >= 0, "needs two drm_p2p GPUs that are P2P peers\n");
			fa = fds[a];
			ca = ids[a];
			fb = fds[b];
			cb = ids[b];
			igt_assert_eq(fstat(fb, &st), 0);
			snprintf(path, sizeof(path), "/dev/dri/card%d", minor(st.st_rdev));
			fbn = open(path, O_RDWR);
			igt_assert(fbn >= 0);
		}
		cbn = create(fbn, DRM_P2P_SVM_CTX_NO_PEER);
	}

	igt_subtest("peer-vs-migration") {
		struct drm_p2p_svm_stats sa = stats(fa, ca), sb = stats(fb, cb);
		struct way peer, mig;
		uint32_t *p;
		uint64_t expect;
		size_t i;

		igt_assert_eq_u32(sa.dev_owner, sb.dev_owner);
		igt_require(sa.dev_vram_pages * PAGE >= bench_size);
		p = mmap(NULL, bench_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(p != MAP_FAILED);
		for (i = 0; i < bench_size / 4; i++)
			p[i] = i * 2654435761u;
		expect = fnv(p, bench_size);

		peer = run_way("peer-to-peer", fa, ca, fb, cb, p, bench_size, expect);
		mig = run_way("migration", fa, ca, fbn, cbn, p, bench_size, expect);

		igt_info("migration / peer-to-peer: faults %.1fx slower, checksum %.1fx slower; bytes copied %llu vs %llu per pass\n",
			 (double)mig.fault_ns / peer.fault_ns,
			 (double)mig.e2e_ns / peer.e2e_ns,
			 (unsigned long long)mig.fault_copied,
			 (unsigned long long)peer.fault_copied);
		igt_assert_eq_u64(peer.fault_copied + peer.e2e_copied, 0);
		igt_assert_eq_u64(mig.fault_copied, bench_size);
		igt_assert_eq_u64(mig.e2e_copied, bench_size);
		igt_assert_f(mig.fault_ns >= 10 * peer.fault_ns,
			     "peer faults only %.1fx faster\n",
			     (double)mig.fault_ns / peer.fault_ns);
		munmap(p, bench_size);
	}

	igt_describe("B takes the range from A's VRAM into its own: VRAM to VRAM vs through RAM");
	igt_subtest("vram-to-vram") {
		struct drm_p2p_svm_stats sb = stats(fb, cb);
		uint64_t direct_ns, via_ns, direct_copied, via_copied, expect;
		size_t size = bench_size, i;
		uint32_t *p;

		igt_require(sb.dev_vram_pages * PAGE >= size);
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(p != MAP_FAILED);
		for (i = 0; i < size / 4; i++)
			p[i] = i * 40503u;
		expect = fnv(p, size);

		/* peers: B's engine copies each page from A's VRAM straight into B's */
		take_into(fb, cb, p, size, expect, &direct_ns, &direct_copied);
		/* a NO_PEER context: A's engine copies to RAM, then B's into its VRAM */
		take_into(fbn, cbn, p, size, expect, &via_ns, &via_copied);

		igt_info("VRAM to VRAM  %zu MiB in %10.3f ms (%llu bytes copied)\n", size / MIB,
			 direct_ns / 1e6, (unsigned long long)direct_copied);
		igt_info("through RAM   %zu MiB in %10.3f ms (%llu bytes copied)\n", size / MIB,
			 via_ns / 1e6, (unsigned long long)via_copied);
		igt_info("through RAM / VRAM to VRAM: %.1fx the time, %.1fx the bytes\n",
			 (double)via_ns / direct_ns, (double)via_copied / direct_copied);
		igt_assert_eq_u64(direct_copied, size);
		igt_assert_eq_u64(via_copied, 2 * size);
		for (i = 0; i < size / 4; i += 1024)
			igt_assert_eq_u32(p[i], (uint32_t)(i * 40503u));
		munmap(p, size);
	}

	igt_fixture {
		close(fbn);
		close(fb);
		close(fa);
	}
}

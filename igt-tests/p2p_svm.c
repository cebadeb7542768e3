// SPDX-License-Identifier: MIT
/*
 * p2p_svm: shared virtual memory on drm_p2p GPUs, in the spirit of the
 * kernel's hmm-tests.  A GPU reads and writes the process's own virtual
 * addresses through its page table (filled by hmm_range_fault()), pages
 * migrate into VRAM and back on CPU access, and a GPU reaches a page in a
 * peer GPU's VRAM without migrating it when the two share a pagemap owner.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "drm/drm_p2p_drm.h"
#include "drm/drm_p2p_svm.h"

IGT_TEST_DESCRIPTION("drm_p2p shared virtual memory: HMM mirror, VRAM migration, peer faults");

#define PAGE		4096ul
#define MIB		(1024ul * 1024ul)

static int fd0 = -1, fd1 = -1, fd2 = -1;
static uint32_t ctx0, ctx1, ctx2;	/* 1: a P2P peer of GPU 0 if any; 2: a non-peer */

/* ---- uapi wrappers: return 0 or -errno ---- */

static int svm_ioctl(int fd, unsigned long req, void *arg)
{
	return igt_ioctl(fd, req, arg) ? -errno : 0;
}

static int __svm_create(int fd, uint32_t flags, uint32_t *id)
{
	struct drm_p2p_svm_create c = { .flags = flags };
	int ret = svm_ioctl(fd, DRM_IOCTL_P2P_SVM_CREATE, &c);

	if (!ret)
		*id = c.ctx_id;
	return ret;
}

static uint32_t svm_create(int fd, uint32_t flags)
{
	uint32_t id = 0;

	igt_assert_eq(__svm_create(fd, flags, &id), 0);
	igt_assert_neq(id, 0);
	return id;
}

static void svm_destroy(int fd, uint32_t id)
{
	struct drm_p2p_svm_destroy d = { .ctx_id = id };

	igt_assert_eq(svm_ioctl(fd, DRM_IOCTL_P2P_SVM_DESTROY, &d), 0);
}

static int __svm_access(int fd, struct drm_p2p_svm_access *a)
{
	return svm_ioctl(fd, DRM_IOCTL_P2P_SVM_ACCESS, a);
}

static int svm_op(int fd, uint32_t ctx, uint32_t op, void *addr, size_t size,
		  void *src, void *ptr, uint64_t *value)
{
	struct drm_p2p_svm_access a = {
		.ctx_id = ctx, .op = op,
		.addr = (uintptr_t)addr, .size = size,
		.src_addr = (uintptr_t)src, .user_ptr = (uintptr_t)ptr,
		.value = value && op == DRM_P2P_SVM_OP_FILL ? *value : 0,
	};
	int ret = __svm_access(fd, &a);

	if (!ret && value && op == DRM_P2P_SVM_OP_CHECKSUM)
		*value = a.value;
	return ret;
}

static int svm_read(int fd, uint32_t ctx, void *addr, size_t size, void *out)
{
	return svm_op(fd, ctx, DRM_P2P_SVM_OP_READ, addr, size, NULL, out, NULL);
}

static int svm_write(int fd, uint32_t ctx, void *addr, size_t size, const void *in)
{
	return svm_op(fd, ctx, DRM_P2P_SVM_OP_WRITE, addr, size, NULL, (void *)in, NULL);
}

static int svm_checksum(int fd, uint32_t ctx, void *addr, size_t size, uint64_t *sum)
{
	return svm_op(fd, ctx, DRM_P2P_SVM_OP_CHECKSUM, addr, size, NULL, NULL, sum);
}

static long svm_migrate(int fd, uint32_t ctx, uint32_t target, void *addr, size_t size)
{
	struct drm_p2p_svm_migrate m = {
		.ctx_id = ctx, .target = target, .addr = (uintptr_t)addr, .size = size,
	};
	int ret = svm_ioctl(fd, DRM_IOCTL_P2P_SVM_MIGRATE, &m);

	return ret ? ret : (long)m.pages;
}

static struct drm_p2p_svm_stats svm_stats(int fd, uint32_t ctx)
{
	struct drm_p2p_svm_stats s = { .ctx_id = ctx };

	igt_assert_eq(svm_ioctl(fd, DRM_IOCTL_P2P_SVM_STATS, &s), 0);
	return s;
}

static struct drm_p2p_svm_pte *svm_query(int fd, uint32_t ctx, void *addr, size_t n)
{
	struct drm_p2p_svm_pte *p = calloc(n, sizeof(*p));
	struct drm_p2p_svm_query q = {
		.ctx_id = ctx, .npages = n, .addr = (uintptr_t)addr, .ptes = (uintptr_t)p,
	};

	igt_assert(p);
	igt_assert_eq(svm_ioctl(fd, DRM_IOCTL_P2P_SVM_QUERY, &q), 0);
	return p;
}

static unsigned int pte_kind(const struct drm_p2p_svm_pte *p)
{
	return (p->flags & DRM_P2P_SVM_PTE_KIND_MASK) >> DRM_P2P_SVM_PTE_KIND_SHIFT;
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

static void *map_anon(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

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

static bool is_drm_p2p(int fd)
{
	char name[32] = "";

	__get_drm_device_name(fd, name, sizeof(name) - 1);
	return !strcmp(name, "drm_p2p");
}

static int dev_minor(int fd)
{
	struct stat st;

	igt_assert_eq(fstat(fd, &st), 0);
	return minor(st.st_rdev);
}

/*
 * Let the GPU's real DMA engine (edu) read @len bytes at an entry's DMA
 * address and compare them with @expect: proves the address is the one the
 * hardware would use.  Returns false when the driver has no raw probe.
 */
static bool edu_probe_matches(int fd, uint64_t dma, const void *expect, size_t len)
{
	struct drm_p2p_probe_addr pa = { .dma_addr = dma, .size = len };
	char buf[DRM_P2P_PROBE_MAX];
	int ret;

	igt_assert(len <= sizeof(buf));
	memset(buf, 0xcd, len);
	pa.user_ptr = (uintptr_t)buf;
	ret = svm_ioctl(fd, DRM_IOCTL_P2P_PROBE_ADDR, &pa);
	if (ret == -EINVAL || ret == -ENOTTY || ret == -EOPNOTSUPP) {
		igt_info("no engine probe (%d), address not checked by DMA\n", ret);
		return false;
	}
	igt_assert_eq(ret, 0);
	igt_assert_f(!memcmp(buf, expect, len),
		     "engine DMA at %#llx does not read the page\n", (unsigned long long)dma);
	return true;
}

/*
 * A BUS_ADDR entry is routed by the switch on real hardware; QEMU sends every
 * DMA of an engine behind an IOMMU through the IOMMU, so there the real edu
 * cannot use it (the emulated bulk engine routes it like a switch would).
 */
static bool edu_can_probe(int fd, const struct drm_p2p_svm_pte *pte)
{
	struct drm_p2p_get_info info = { 0 };
	unsigned int path = (pte->flags & DRM_P2P_SVM_PTE_PATH_MASK) >>
			    DRM_P2P_SVM_PTE_PATH_SHIFT;

	if (getuid() != 0)
		return false;
	if (path != DRM_P2P_SVM_PATH_BUS_ADDR)
		return true;
	if (svm_ioctl(fd, DRM_IOCTL_P2P_GET_INFO, &info) ||
	    (info.engine_flags & DRM_P2P_ENGINE_IOMMU)) {
		igt_info("bus address behind an IOMMU-translated engine: QEMU cannot DMA to it, not probed\n");
		return false;
	}
	return true;
}

static void require_peer(void)
{
	igt_require_f(fd1 >= 0, "needs two drm_p2p GPUs\n");
}

/* ---- subtests ---- */

static void test_bad_args(void)
{
	struct drm_p2p_svm_access a = { .ctx_id = ctx0, .op = DRM_P2P_SVM_OP_CHECKSUM };
	struct drm_p2p_svm_migrate m = { .ctx_id = ctx0 };
	struct drm_p2p_svm_query q = { .ctx_id = ctx0 };
	struct drm_p2p_svm_create c = { .flags = 1u << 31 };
	struct drm_p2p_svm_stats s = { .ctx_id = 0xdead };
	struct drm_p2p_svm_stats before = svm_stats(fd0, ctx0), after;
	void *p = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	uint32_t id;

	igt_assert_eq(svm_ioctl(fd0, DRM_IOCTL_P2P_SVM_CREATE, &c), -EINVAL);
	c.flags = 0;
	c.reserved = 1;
	igt_assert_eq(svm_ioctl(fd0, DRM_IOCTL_P2P_SVM_CREATE, &c), -EINVAL);
	igt_assert_eq(__svm_create(fd0, 0, &id), -EEXIST);
	igt_assert_eq(svm_ioctl(fd0, DRM_IOCTL_P2P_SVM_STATS, &s), -ENOENT);

	a.addr = (uintptr_t)p + 1;
	a.size = PAGE;
	igt_assert_eq(__svm_access(fd0, &a), -EINVAL);		/* unaligned */
	a.addr = (uintptr_t)p;
	a.size = 0;
	igt_assert_eq(__svm_access(fd0, &a), -EINVAL);		/* empty */
	a.size = PAGE + 1;
	igt_assert_eq(__svm_access(fd0, &a), -EINVAL);
	a.size = -PAGE;
	igt_assert_eq(__svm_access(fd0, &a), -EINVAL);		/* wraps */
	a.size = PAGE;
	a.op = 77;
	igt_assert_eq(__svm_access(fd0, &a), -EINVAL);		/* unknown op */
	a.op = DRM_P2P_SVM_OP_CHECKSUM;
	a.flags = 1;
	igt_assert_eq(__svm_access(fd0, &a), -EINVAL);
	a.flags = 0;
	a.pad = 1;
	igt_assert_eq(__svm_access(fd0, &a), -EINVAL);
	a.pad = 0;
	a.op = DRM_P2P_SVM_OP_READ;				/* READ without buffer */
	igt_assert_eq(__svm_access(fd0, &a), -EINVAL);
	a.op = DRM_P2P_SVM_OP_FILL;
	a.value = 1ull << 32;
	igt_assert_eq(__svm_access(fd0, &a), -EINVAL);
	a.value = 0;
	a.op = DRM_P2P_SVM_OP_CHECKSUM;
	a.ctx_id = 0xdead;
	igt_assert_eq(__svm_access(fd0, &a), -ENOENT);

	m.target = 9;
	m.addr = (uintptr_t)p;
	m.size = PAGE;
	igt_assert_eq(svm_ioctl(fd0, DRM_IOCTL_P2P_SVM_MIGRATE, &m), -EINVAL);
	m.target = DRM_P2P_SVM_MIGRATE_TO_VRAM;
	m.flags = 1;
	igt_assert_eq(svm_ioctl(fd0, DRM_IOCTL_P2P_SVM_MIGRATE, &m), -EINVAL);
	m.flags = 0;
	m.size = 3;
	igt_assert_eq(svm_ioctl(fd0, DRM_IOCTL_P2P_SVM_MIGRATE, &m), -EINVAL);

	q.npages = 0;
	q.addr = (uintptr_t)p;
	q.ptes = (uintptr_t)p;
	igt_assert_eq(svm_ioctl(fd0, DRM_IOCTL_P2P_SVM_QUERY, &q), -EINVAL);
	q.npages = 1u << 20;
	igt_assert_eq(svm_ioctl(fd0, DRM_IOCTL_P2P_SVM_QUERY, &q), -EINVAL);

	/* an address with no VMA: -EFAULT, nothing changed */
	munmap(p, 2 * PAGE);
	a.ctx_id = ctx0;
	a.addr = (uintptr_t)p;
	a.size = PAGE;
	igt_assert_eq(__svm_access(fd0, &a), -EFAULT);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, PAGE), -EFAULT);
	after = svm_stats(fd0, ctx0);
	igt_assert_eq_u64(after.pages_to_vram, before.pages_to_vram);
	igt_assert_eq_u64(after.dev_vram_used, before.dev_vram_used);
}

static void test_create_destroy(void)
{
	int fd = drm_open_driver(DRIVER_ANY);
	struct drm_p2p_svm_destroy d = { 0 };
	uint32_t a, b;

	a = svm_create(fd, 0);
	svm_destroy(fd, a);
	d.ctx_id = a;
	igt_assert_eq(svm_ioctl(fd, DRM_IOCTL_P2P_SVM_DESTROY, &d), -ENOENT);
	d.ctx_id = ctx0;	/* another file's context */
	igt_assert_eq(svm_ioctl(fd, DRM_IOCTL_P2P_SVM_DESTROY, &d), -ENOENT);
	d.pad = 1;
	igt_assert_eq(svm_ioctl(fd0, DRM_IOCTL_P2P_SVM_DESTROY, &d), -EINVAL);
	b = svm_create(fd, DRM_P2P_SVM_CTX_NO_PEER);
	igt_assert_neq(a, b);
	/* closing the file releases its context */
	drm_close_driver(fd);
}

static void test_anon_read(void)
{
	size_t size = 3 * MIB + 5 * PAGE;	/* crosses 2 MiB ranges */
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *out = malloc(size);
	struct drm_p2p_svm_access a = {
		.ctx_id = ctx0, .op = DRM_P2P_SVM_OP_READ,
		.addr = (uintptr_t)p, .size = size, .user_ptr = (uintptr_t)out,
	};
	struct drm_p2p_svm_pte *pt;
	size_t i;

	pattern(p, size, 1);
	igt_assert_eq(__svm_access(fd0, &a), 0);
	igt_assert(!memcmp(p, out, size));
	/*
	 * batched: one fault per touched 2 MiB range, not per page (a range
	 * invalidated meanwhile, e.g. by khugepaged, is faulted again)
	 */
	igt_info("%llu faults for %zu pages\n", (unsigned long long)a.faults, size / PAGE);
	igt_assert_lte_u64(a.faults, 2 * ((((uintptr_t)p + size - 1) >> 21) -
					  ((uintptr_t)p >> 21) + 1));
	igt_assert_eq_u64(a.pages_faulted, size / PAGE);

	/* a second read faults nothing */
	a.faults = a.pages_faulted = 0;
	igt_assert_eq(__svm_access(fd0, &a), 0);
	igt_assert_eq_u64(a.faults, 0);

	pt = svm_query(fd0, ctx0, p, size / PAGE);
	for (i = 0; i < size / PAGE; i++) {
		igt_assert(pt[i].flags & DRM_P2P_SVM_PTE_VALID);
		igt_assert_eq(pte_kind(&pt[i]), DRM_P2P_SVM_KIND_SYSTEM);
	}
	if (edu_can_probe(fd0, &pt[1]))
		edu_probe_matches(fd0, pt[1].dma_addr, p + PAGE, DRM_P2P_PROBE_MAX);
	free(pt);

	/* zero pages (never touched memory) read as zero */
	munmap(p, size);
	p = map_anon(size, PROT_READ | PROT_WRITE);
	memset(out, 0xff, size);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, out), 0);
	for (i = 0; i < size; i++)
		igt_assert_eq(out[i], 0);
	munmap(p, size);
	free(out);
}

static void test_anon_write(void)
{
	size_t size = 2 * MIB;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *in = malloc(size);
	struct drm_p2p_svm_pte *pt;

	/* first read (read-only entries on zero pages), then write */
	igt_assert_eq(svm_read(fd0, ctx0, p, PAGE, in), 0);
	pattern(in, size, 2);
	igt_assert_eq(svm_write(fd0, ctx0, p, size, in), 0);
	igt_assert(!memcmp(p, in, size));
	pt = svm_query(fd0, ctx0, p, 1);
	igt_assert(pt[0].flags & DRM_P2P_SVM_PTE_WRITE);
	free(pt);
	munmap(p, size);
	free(in);
}

static void test_fill_checksum_copy(void)
{
	size_t size = 4 * MIB;
	uint32_t *p = map_anon(size, PROT_READ | PROT_WRITE);
	uint32_t *q = map_anon(size, PROT_READ | PROT_WRITE);
	uint64_t v = 0xa5a5f00d, sum = 0;
	size_t i;

	igt_assert_eq(svm_op(fd0, ctx0, DRM_P2P_SVM_OP_FILL, p, size, NULL, NULL, &v), 0);
	for (i = 0; i < size / 4; i++)
		igt_assert_eq_u32(p[i], 0xa5a5f00d);
	pattern(p, size, 3);
	igt_assert_eq(svm_checksum(fd0, ctx0, p, size, &sum), 0);
	igt_assert_eq_u64(sum, fnv(p, size));
	igt_assert_eq(svm_op(fd0, ctx0, DRM_P2P_SVM_OP_COPY, q, size, p, NULL, NULL), 0);
	igt_assert(!memcmp(p, q, size));
	munmap(p, size);
	munmap(q, size);
}

/* Anonymous private, shared anonymous and file-backed VMAs side by side. */
static void test_multi_vma(void)
{
	size_t part = MIB, size = 3 * part;
	char *base = map_anon(size, PROT_READ | PROT_WRITE);
	char path[] = "/tmp/p2p_svm_XXXXXX";
	char *buf = malloc(size);
	uint64_t sum;
	int tfd;

	igt_assert(mmap(base + part, part, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == base + part);
	tfd = mkstemp(path);
	igt_assert(tfd >= 0);
	unlink(path);
	igt_assert_eq(ftruncate(tfd, part), 0);
	igt_assert(mmap(base + 2 * part, part, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_FIXED, tfd, 0) == base + 2 * part);

	pattern(base, size, 4);
	igt_assert_eq(svm_read(fd0, ctx0, base, size, buf), 0);
	igt_assert(!memcmp(base, buf, size));
	pattern(buf, size, 5);
	igt_assert_eq(svm_write(fd0, ctx0, base, size, buf), 0);
	igt_assert(!memcmp(base, buf, size));
	igt_assert_eq(svm_checksum(fd0, ctx0, base, size, &sum), 0);
	igt_assert_eq_u64(sum, fnv(buf, size));
	/* the file sees the GPU's write */
	igt_assert_eq(pread(tfd, buf, part, 0), (ssize_t)part);
	igt_assert(!memcmp(base + 2 * part, buf, part));
	close(tfd);
	munmap(base, size);
	free(buf);
}

static void test_huge(void)
{
	size_t size = 4 * MIB;
	char *raw = map_anon(size + 2 * MIB, PROT_READ | PROT_WRITE);
	char *p = (char *)(((uintptr_t)raw + 2 * MIB - 1) & ~(2 * MIB - 1));
	char *buf = malloc(size);

	madvise(p, size, MADV_HUGEPAGE);
	pattern(p, size, 6);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(p, buf, size));
	pattern(buf, size, 7);
	igt_assert_eq(svm_write(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(p, buf, size));
	munmap(raw, size + 2 * MIB);
	free(buf);
}

static void test_protection(void)
{
	size_t size = MIB;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *buf = malloc(size);
	struct drm_p2p_svm_pte *pt;

	pattern(p, size, 8);
	igt_assert_eq(mprotect(p, size, PROT_READ), 0);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(p, buf, size));
	igt_assert_eq(svm_write(fd0, ctx0, p, size, buf), -EPERM);
	pt = svm_query(fd0, ctx0, p, 1);
	igt_assert(!(pt[0].flags & DRM_P2P_SVM_PTE_WRITE));
	free(pt);

	/* mprotect back: the device may write */
	igt_assert_eq(mprotect(p, size, PROT_READ | PROT_WRITE), 0);
	pattern(buf, size, 9);
	igt_assert_eq(svm_write(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(p, buf, size));

	/* mprotect to none: entries dropped, access refused */
	igt_assert_eq(mprotect(p, size, PROT_NONE), 0);
	pt = svm_query(fd0, ctx0, p, 1);
	igt_assert(!(pt[0].flags & DRM_P2P_SVM_PTE_VALID));
	free(pt);
	igt_assert_neq(svm_read(fd0, ctx0, p, size, buf), 0);
	munmap(p, size);
	free(buf);
}

static void test_munmap(void)
{
	size_t size = 2 * MIB;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *buf = malloc(size);
	struct drm_p2p_svm_pte *pt;
	uint64_t inval = svm_stats(fd0, ctx0).invalidations;

	pattern(p, size, 10);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	igt_assert_eq(munmap(p + size / 2, size / 2), 0);
	/*
	 * The unmapped half is gone from the device's table.  The kept half may be gone
	 * too: the kernel (7.3 here) places an anonymous mapping of 2 MiB on a THP
	 * boundary, and splitting that huge page invalidates all 2 MiB.  The kept half
	 * must come back, with its data, on the next device access.
	 */
	pt = svm_query(fd0, ctx0, p, size / PAGE);
	igt_assert(!(pt[size / PAGE - 1].flags & DRM_P2P_SVM_PTE_VALID));
	free(pt);
	igt_assert_lt_u64(inval, svm_stats(fd0, ctx0).invalidations);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), -EFAULT);
	igt_assert_eq(svm_read(fd0, ctx0, p, size / 2, buf), 0);
	igt_assert(!memcmp(p, buf, size / 2));
	pt = svm_query(fd0, ctx0, p, size / 2 / PAGE);
	igt_assert(pt[0].flags & DRM_P2P_SVM_PTE_VALID);
	igt_assert(pt[size / 2 / PAGE - 1].flags & DRM_P2P_SVM_PTE_VALID);
	free(pt);
	munmap(p, size / 2);
	free(buf);
}

static void test_madvise(void)
{
	size_t size = MIB, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *buf = malloc(size);
	struct drm_p2p_svm_pte *pt;

	pattern(p, size, 28);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	igt_assert_eq(madvise(p, size, MADV_DONTNEED), 0);
	pt = svm_query(fd0, ctx0, p, size / PAGE);
	for (i = 0; i < size / PAGE; i++)
		igt_assert(!(pt[i].flags & DRM_P2P_SVM_PTE_VALID));
	free(pt);
	/* the GPU sees what the CPU sees: fresh zero pages */
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	for (i = 0; i < size; i++)
		igt_assert_eq(buf[i], 0);
	munmap(p, size);
	free(buf);
}

struct munmap_race {
	char *p;
	size_t size;
	volatile bool stop;
};

static void *munmap_racer(void *arg)
{
	struct munmap_race *r = arg;

	while (!r->stop) {
		munmap(r->p, r->size);
		mmap(r->p, r->size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		usleep(20000);
	}
	return NULL;
}

/* munmap (and remap) while the device accesses the range */
static void test_munmap_during_access(void)
{
	struct munmap_race r = { .size = 2 * MIB };
	char *buf = malloc(r.size);
	pthread_t t;
	int i, ok = 0, fault = 0;

	r.p = map_anon(r.size, PROT_READ | PROT_WRITE);
	pthread_create(&t, NULL, munmap_racer, &r);
	for (i = 0; i < 20; i++) {
		int ret = svm_read(fd0, ctx0, r.p, r.size, buf);

		igt_assert_f(ret == 0 || ret == -EFAULT || ret == -EBUSY,
			     "read during munmap: %d\n", ret);
		if (ret == 0)
			ok++;
		else
			fault++;
		ret = svm_write(fd0, ctx0, r.p, r.size, buf);
		igt_assert_f(ret == 0 || ret == -EFAULT || ret == -EBUSY,
			     "write during munmap: %d\n", ret);
	}
	r.stop = true;
	pthread_join(t, NULL);
	igt_info("reads: %d complete, %d hit a hole\n", ok, fault);
	munmap(r.p, r.size);
	free(buf);
}

static void test_migrate(void)
{
	size_t size = 2 * MIB, n = size / PAGE;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size), *buf = malloc(size);
	struct drm_p2p_svm_stats s0 = svm_stats(fd0, ctx0), s1;
	struct drm_p2p_svm_pte *pt;
	size_t i;

	pattern(p, size, 11);
	memcpy(ref, p, size);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	s1 = svm_stats(fd0, ctx0);
	igt_assert_eq_u64(s1.pages_to_vram - s0.pages_to_vram, n);
	igt_assert_eq_u64(s1.bytes_migrated - s0.bytes_migrated, size);
	igt_assert_lte_u64(s0.dev_vram_used + n, s1.dev_vram_used);

	/* the GPU reads its own VRAM: local entries, right data */
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(ref, buf, size));
	pt = svm_query(fd0, ctx0, p, n);
	for (i = 0; i < n; i++)
		igt_assert_eq(pte_kind(&pt[i]), DRM_P2P_SVM_KIND_LOCAL);
	igt_assert_eq(pt[0].peer, dev_minor(fd0));
	free(pt);

	/* a GPU write lands in VRAM; already migrated pages are not moved again */
	pattern(ref, PAGE, 12);
	igt_assert_eq(svm_write(fd0, ctx0, p, PAGE, ref), 0);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), 0);

	/* CPU access brings pages back through migrate_to_ram */
	igt_assert(!memcmp(ref, p, size));
	s1 = svm_stats(fd0, ctx0);
	igt_assert_lte_u64(s0.dev_cpu_faults + n, s1.dev_cpu_faults);
	pt = svm_query(fd0, ctx0, p, n);
	for (i = 0; i < n; i++)
		igt_assert(!(pt[i].flags & DRM_P2P_SVM_PTE_VALID));
	free(pt);
	munmap(p, size);
	free(ref);
	free(buf);
}

static void test_migrate_to_ram(void)
{
	size_t size = MIB, n = size / PAGE;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size);
	struct drm_p2p_svm_stats s0, s1;

	pattern(p, size, 13);
	memcpy(ref, p, size);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	s0 = svm_stats(fd0, ctx0);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_RAM, p, size), (long)n);
	s1 = svm_stats(fd0, ctx0);
	igt_assert_eq_u64(s1.pages_to_ram - s0.pages_to_ram, n);
	igt_assert_eq_u64(s1.dev_vram_used + n, s0.dev_vram_used);
	/* nothing left to move; CPU reads without faults back */
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_RAM, p, size), 0);
	igt_assert(!memcmp(ref, p, size));
	igt_assert_eq_u64(svm_stats(fd0, ctx0).dev_cpu_faults, s1.dev_cpu_faults);
	munmap(p, size);
	free(ref);
}

/* A CPU fault on one page brings the GPU's pages of its 2 MiB back at once. */
static void test_cpu_fault_window(void)
{
	size_t size = 4 * MIB, n = size / PAGE, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size), *touch, *win, *win_end;
	struct drm_p2p_svm_stats s0, s1;
	size_t expect;

	pattern(p, size, 14);
	memcpy(ref, p, size);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	s0 = svm_stats(fd0, ctx0);

	/* a page in the middle: its 2 MiB-aligned window lies inside the buffer */
	touch = p + size / 2 + 5 * PAGE;
	win = (char *)((uintptr_t)touch & ~(2 * MIB - 1));
	win_end = win + 2 * MIB;
	if (win < p)
		win = p;
	if (win_end > p + size)
		win_end = p + size;
	expect = (win_end - win) / PAGE;
	igt_assert(!memcmp(touch, ref + (touch - p), PAGE));
	s1 = svm_stats(fd0, ctx0);
	igt_assert_eq_u64(s1.dev_cpu_faults - s0.dev_cpu_faults, expect);
	igt_assert_eq_u64(s0.dev_vram_used - s1.dev_vram_used, expect);

	/* the rest of the window is in RAM already, the rest of the buffer is not */
	igt_assert(!memcmp(win, ref + (win - p), win_end - win));
	igt_assert_eq_u64(svm_stats(fd0, ctx0).dev_cpu_faults, s1.dev_cpu_faults);
	for (i = 0; i < size; i += 64 * PAGE)
		igt_assert(!memcmp(p + i, ref + i, PAGE));
	igt_assert(!memcmp(p, ref, size));
	igt_assert_eq_u64(svm_stats(fd0, ctx0).dev_cpu_faults - s0.dev_cpu_faults, n);
	munmap(p, size);
	free(ref);
}

/*
 * GPU 1 asks for pages that live in GPU 0's VRAM: between P2P peers they
 * move VRAM to VRAM (GPU 1's engine copies through its window onto GPU 0's
 * VRAM), without a trip through system memory.
 */
static void test_migrate_peer_to_vram(void)
{
	size_t size = MIB, n = size / PAGE, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size), *buf = malloc(size);
	struct drm_p2p_svm_stats a0, a1, b0, b1;
	struct drm_p2p_svm_pte *pa, *pb;

	require_peer();
	a0 = svm_stats(fd0, ctx0);
	b0 = svm_stats(fd1, ctx1);
	igt_require_f(a0.dev_owner == b0.dev_owner, "GPUs are not P2P peers\n");

	pattern(p, size, 27);
	memcpy(ref, p, size);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	a0 = svm_stats(fd0, ctx0);
	igt_assert_eq(svm_migrate(fd1, ctx1, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	a1 = svm_stats(fd0, ctx0);
	b1 = svm_stats(fd1, ctx1);
	igt_assert_eq_u64(a0.dev_vram_used - a1.dev_vram_used, n);
	igt_assert_eq_u64(b1.dev_vram_used - b0.dev_vram_used, n);
	igt_assert_eq_u64(a1.dev_cpu_faults, a0.dev_cpu_faults);	/* no trip to RAM */
	igt_assert_eq_u64(b1.dev_cpu_faults, b0.dev_cpu_faults);
	igt_assert_eq_u64(b1.pages_to_vram - b0.pages_to_vram, n);
	igt_assert_eq_u64(b1.bytes_migrated - b0.bytes_migrated, size);
	/* nothing left to move */
	igt_assert_eq(svm_migrate(fd1, ctx1, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), 0);

	/* B's entries are local now, A reaches the pages peer-to-peer */
	igt_assert_eq(svm_read(fd1, ctx1, p, size, buf), 0);
	igt_assert(!memcmp(ref, buf, size));
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(ref, buf, size));
	pa = svm_query(fd0, ctx0, p, n);
	pb = svm_query(fd1, ctx1, p, n);
	for (i = 0; i < n; i++) {
		igt_assert_eq(pte_kind(&pb[i]), DRM_P2P_SVM_KIND_LOCAL);
		igt_assert_eq(pte_kind(&pa[i]), DRM_P2P_SVM_KIND_PEER);
		igt_assert_eq(pa[i].peer, dev_minor(fd1));
	}
	free(pa);
	free(pb);
	/* and the CPU gets them back from B */
	igt_assert(!memcmp(ref, p, size));
	igt_assert_eq_u64(svm_stats(fd1, ctx1).dev_cpu_faults - b1.dev_cpu_faults, n);
	munmap(p, size);
	free(ref);
	free(buf);
}

/* Between GPUs that are not peers, the same request goes through RAM. */
static void test_migrate_nonpeer_to_vram(void)
{
	size_t size = MIB, n = size / PAGE, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size);
	struct drm_p2p_svm_stats a0, a1, c0, c1;
	struct drm_p2p_svm_pte *pc;

	igt_require_f(fd2 >= 0, "every GPU is a P2P peer of GPU 0\n");
	a0 = svm_stats(fd0, ctx0);
	c0 = svm_stats(fd2, ctx2);
	igt_assert_neq(a0.dev_owner, c0.dev_owner);

	pattern(p, size, 28);
	memcpy(ref, p, size);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	a0 = svm_stats(fd0, ctx0);
	igt_assert_eq(svm_migrate(fd2, ctx2, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	a1 = svm_stats(fd0, ctx0);
	c1 = svm_stats(fd2, ctx2);
	/* out of A's VRAM into RAM (A's engine copies), then into C's: two copies */
	igt_assert_eq_u64(a1.dev_cpu_faults, a0.dev_cpu_faults);
	igt_assert_eq_u64(a0.dev_vram_used - a1.dev_vram_used, n);
	igt_assert_eq_u64(c1.dev_vram_used - c0.dev_vram_used, n);
	igt_assert_eq_u64(c1.pages_to_vram - c0.pages_to_vram, n);
	igt_assert_eq_u64(c1.bytes_migrated - c0.bytes_migrated, 2 * size);
	igt_assert_eq(svm_op(fd2, ctx2, DRM_P2P_SVM_OP_PREFETCH, p, size, NULL, NULL, NULL), 0);
	pc = svm_query(fd2, ctx2, p, n);
	for (i = 0; i < n; i++)
		igt_assert_eq(pte_kind(&pc[i]), DRM_P2P_SVM_KIND_LOCAL);
	free(pc);
	igt_assert(!memcmp(ref, p, size));
	munmap(p, size);
	free(ref);
}

/* Some pages in RAM, some in VRAM, one call. */
static void test_mixed(void)
{
	size_t size = 4 * MIB, chunk = 64 * 1024, off;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size), *buf = malloc(size);
	struct drm_p2p_svm_pte *pt;
	size_t i, sys = 0, local = 0;
	uint64_t sum;

	pattern(p, size, 14);
	memcpy(ref, p, size);
	for (off = 0; off < size; off += 2 * chunk)
		igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM,
					  p + off, chunk), (long)(chunk / PAGE));
	igt_assert_eq(svm_checksum(fd0, ctx0, p, size, &sum), 0);
	igt_assert_eq_u64(sum, fnv(ref, size));
	pt = svm_query(fd0, ctx0, p, size / PAGE);
	for (i = 0; i < size / PAGE; i++) {
		igt_assert(pt[i].flags & DRM_P2P_SVM_PTE_VALID);
		if (pte_kind(&pt[i]) == DRM_P2P_SVM_KIND_SYSTEM)
			sys++;
		else if (pte_kind(&pt[i]) == DRM_P2P_SVM_KIND_LOCAL)
			local++;
	}
	free(pt);
	igt_assert_eq_u64(sys, size / PAGE / 2);
	igt_assert_eq_u64(local, size / PAGE / 2);
	pattern(buf, size, 15);
	igt_assert_eq(svm_write(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(p, buf, size));
	munmap(p, size);
	free(ref);
	free(buf);
}

/*
 * One access over two VMAs whose pages sit in system memory, in GPU 0's VRAM
 * and in the VRAM of each of its P2P peers: GPU 0 reads them all in one
 * call, each through the right kind of entry.
 */
static void test_mixed_peers(void)
{
	size_t priv = 4 * MIB, shared = MIB, size = priv + shared, chunk = 64 * 1024;
	int fds[16], minors[16], nfd = 0, k;
	uint32_t ctxs[16], own0 = svm_stats(fd0, ctx0).dev_owner;
	size_t counts[16] = { 0 }, want[18], sys = 0, local = 0, off, i, slot;
	char *ref = malloc(size), *buf = malloc(size), *p;
	struct drm_p2p_svm_pte *pt;
	uint64_t sum;

	/* every peer of GPU 0 */
	for (k = 1; k < 16 && nfd < 14; k++) {
		int fd = __drm_open_driver_another(k, DRIVER_ANY);
		uint32_t id;

		if (fd < 0)
			break;
		if (!is_drm_p2p(fd) || dev_minor(fd) == dev_minor(fd0) ||
		    __svm_create(fd, 0, &id)) {
			close(fd);
			continue;
		}
		if (svm_stats(fd, id).dev_owner != own0) {
			svm_destroy(fd, id);
			close(fd);
			continue;
		}
		fds[nfd] = fd;
		ctxs[nfd] = id;
		minors[nfd] = dev_minor(fd);
		nfd++;
	}
	igt_require_f(nfd, "GPU 0 has no P2P peer\n");
	igt_info("%d peer(s) of GPU 0\n", nfd);

	/* a private VMA, then a shared one right after it */
	p = map_anon(size, PROT_READ | PROT_WRITE);
	igt_assert(mmap(p + priv, shared, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p + priv);
	pattern(p, size, 30);
	memcpy(ref, p, size);
	/* chunk i: RAM, GPU 0, peer 0, peer 1, ... in turn */
	for (off = 0, slot = 0; off < priv; off += chunk, slot = (slot + 1) % (nfd + 2)) {
		if (slot == 0)
			continue;
		if (slot == 1)
			igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM,
						  p + off, chunk), (long)(chunk / PAGE));
		else
			igt_assert_eq(svm_migrate(fds[slot - 2], ctxs[slot - 2],
						  DRM_P2P_SVM_MIGRATE_TO_VRAM, p + off, chunk),
				      (long)(chunk / PAGE));
	}

	igt_assert_eq(svm_checksum(fd0, ctx0, p, size, &sum), 0);
	igt_assert_eq_u64(sum, fnv(ref, size));
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(ref, buf, size));

	pt = svm_query(fd0, ctx0, p, size / PAGE);
	for (i = 0; i < size / PAGE; i++) {
		igt_assert(pt[i].flags & DRM_P2P_SVM_PTE_VALID);
		switch (pte_kind(&pt[i])) {
		case DRM_P2P_SVM_KIND_SYSTEM:
			sys++;
			break;
		case DRM_P2P_SVM_KIND_LOCAL:
			local++;
			break;
		default:
			for (k = 0; k < nfd; k++)
				if (minors[k] == (int)pt[i].peer)
					counts[k]++;
		}
	}
	free(pt);
	/* the shared VMA stays in RAM; the private one is dealt out chunk by chunk */
	memset(want, 0, sizeof(want));
	want[0] = shared / PAGE;
	for (off = 0, slot = 0; off < priv; off += chunk, slot = (slot + 1) % (nfd + 2))
		want[slot] += chunk / PAGE;
	igt_assert_eq_u64(sys, want[0]);
	igt_assert_eq_u64(local, want[1]);
	for (k = 0; k < nfd; k++)
		igt_assert_eq_u64(counts[k], want[k + 2]);
	igt_assert(!memcmp(ref, p, size));
	munmap(p, size);
	for (k = 0; k < nfd; k++) {
		svm_destroy(fds[k], ctxs[k]);
		close(fds[k]);
	}
	free(ref);
	free(buf);
}

static void test_fork_cow(void)
{
	size_t size = MIB;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size), *buf = malloc(size);
	int status;
	pid_t pid;

	pattern(p, size, 16);
	memcpy(ref, p, size);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);

	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		uint32_t cctx;
		int bad = 0;

		/* the parent's context is not ours */
		bad |= svm_read(fd0, ctx0, p, size, buf) != -EACCES;
		bad |= __svm_create(fd0, 0, &cctx) != 0;
		/* the child's own writes stay in the child */
		memset(p, 0x5a, size);
		bad |= svm_read(fd0, cctx, p, size, buf) != 0;
		bad |= buf[0] != 0x5a || buf[size - 1] != 0x5a;
		usleep(200000);
		/* the parent's device write must not reach us */
		bad |= p[0] != 0x5a;
		_exit(bad);
	}
	/* COW: the device write breaks the share for the parent only */
	usleep(100000);
	pattern(ref, size, 17);
	igt_assert_eq(svm_write(fd0, ctx0, p, size, ref), 0);
	igt_assert(!memcmp(p, ref, size));
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFEXITED(status));
	igt_assert_eq(WEXITSTATUS(status), 0);

	/* after the child is gone the parent's mirror still works */
	pattern(ref, size, 18);
	memcpy(p, ref, size);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(ref, buf, size));
	munmap(p, size);
	free(ref);
	free(buf);
}

static void test_fork_migrated(void)
{
	size_t size = MIB;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size);
	int status;
	pid_t pid;

	pattern(p, size, 19);
	memcpy(ref, p, size);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size),
		      (long)(size / PAGE));
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		int bad = memcmp(p, ref, size) != 0;

		memset(p, 1, PAGE);
		_exit(bad);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	igt_assert(!memcmp(p, ref, size));
	munmap(p, size);
	free(ref);
}

struct thr {
	char *p;
	size_t size;
	uint64_t expect;
	int errors;
	int last_err;
};

static void *thr_checksum(void *arg)
{
	struct thr *t = arg;
	int i;

	for (i = 0; i < 20; i++) {
		uint64_t sum = 0;

		int ret = svm_checksum(fd0, ctx0, t->p, t->size, &sum);

		if (ret || sum != t->expect) {
			__atomic_add_fetch(&t->errors, 1, __ATOMIC_RELAXED);
			t->last_err = ret;
		}
	}
	return NULL;
}

static void test_threads(void)
{
	struct thr t = { .size = 2 * MIB };
	pthread_t th[8];
	int i;

	t.p = map_anon(t.size, PROT_READ | PROT_WRITE);
	pattern(t.p, t.size, 20);
	t.expect = fnv(t.p, t.size);
	for (i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, thr_checksum, &t);
	/* meanwhile: migrations and invalidations of the same range */
	for (i = 0; i < 10; i++) {
		igt_assert_lte(0, svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM,
					      t.p, t.size));
		igt_assert_lte(0, svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_RAM,
					      t.p, t.size));
		igt_assert_eq(mprotect(t.p, t.size, PROT_READ), 0);
		igt_assert_eq(mprotect(t.p, t.size, PROT_READ | PROT_WRITE), 0);
	}
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	igt_assert_f(t.errors == 0, "%d failed checksums, last error %d\n",
		     t.errors, t.last_err);
	igt_assert_eq_u64(fnv(t.p, t.size), t.expect);
	munmap(t.p, t.size);
}

/* A process exits (killed) while its GPU works on its memory. */
static void test_exit_in_flight(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		int status;
		pid_t pid = fork();

		igt_assert(pid >= 0);
		if (pid == 0) {
			size_t size = 8 * MIB;
			char *p = map_anon(size, PROT_READ | PROT_WRITE);
			uint64_t sum;
			uint32_t c;

			if (__svm_create(fd0, 0, &c))
				_exit(1);
			pattern(p, size, 21);
			svm_migrate(fd0, c, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size / 2);
			for (;;)
				svm_checksum(fd0, c, p, size, &sum);
		}
		usleep(200000 + i * 150000);
		kill(pid, SIGKILL);
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert(WIFSIGNALED(status));
	}
	/* the device still works for us */
	test_fill_checksum_copy();
}

static void test_evict(void)
{
	struct drm_p2p_svm_stats s0 = svm_stats(fd0, ctx0), s1;
	size_t cap = s0.dev_vram_pages * PAGE, extra = 2 * MIB;
	char *p, *ref;
	long moved;

	igt_require(cap && cap <= 256 * MIB);
	p = map_anon(cap + extra, PROT_READ | PROT_WRITE);
	ref = malloc(cap + extra);
	pattern(p, cap + extra, 22);
	memcpy(ref, p, cap + extra);
	moved = svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, cap);
	igt_assert_lte(1, moved);
	/* full (or nearly): the next migration evicts older pages */
	moved = svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p + cap, extra);
	igt_assert_eq(moved, (long)(extra / PAGE));
	s1 = svm_stats(fd0, ctx0);
	igt_assert_lt_u64(s0.dev_evictions, s1.dev_evictions);
	igt_assert(!memcmp(p, ref, cap + extra));
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_RAM, p, cap + extra), 0);
	munmap(p, cap + extra);
	free(ref);
}

/* GPU 1 reads and writes pages that live in GPU 0's VRAM. */
static void test_cross_peer(void)
{
	size_t size = 2 * MIB, n = size / PAGE, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size), *buf = malloc(size);
	struct drm_p2p_svm_stats a0, a1, b0, b1;
	struct drm_p2p_svm_pte *pa, *pb;
	uint64_t sum;

	require_peer();
	a0 = svm_stats(fd0, ctx0);
	b0 = svm_stats(fd1, ctx1);
	igt_require_f(a0.dev_owner == b0.dev_owner,
		      "GPUs are not P2P peers (owner groups %u, %u)\n",
		      a0.dev_owner, b0.dev_owner);

	pattern(p, size, 23);
	memcpy(ref, p, size);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	a0 = svm_stats(fd0, ctx0);

	/* data right */
	igt_assert_eq(svm_checksum(fd1, ctx1, p, size, &sum), 0);
	igt_assert_eq_u64(sum, fnv(ref, size));
	igt_assert_eq(svm_read(fd1, ctx1, p, size, buf), 0);
	igt_assert(!memcmp(ref, buf, size));

	/* nothing moved: A's VRAM still holds the pages, no CPU fault, no migration */
	a1 = svm_stats(fd0, ctx0);
	b1 = svm_stats(fd1, ctx1);
	igt_assert_eq_u64(a1.dev_cpu_faults, a0.dev_cpu_faults);
	igt_assert_eq_u64(a1.dev_vram_used, a0.dev_vram_used);
	igt_assert_eq_u64(b1.pages_to_vram, b0.pages_to_vram);
	igt_assert_eq_u64(b1.pages_to_ram, b0.pages_to_ram);
	igt_assert_eq_u64(b1.bytes_migrated, b0.bytes_migrated);
	igt_assert_eq_u64(b1.peer_mappings - b0.peer_mappings, n);

	/* B's entries are peer entries for A's VRAM, A's are local */
	pa = svm_query(fd0, ctx0, p, n);
	pb = svm_query(fd1, ctx1, p, n);
	for (i = 0; i < n; i++) {
		igt_assert_eq(pte_kind(&pa[i]), DRM_P2P_SVM_KIND_LOCAL);
		igt_assert_eq(pte_kind(&pb[i]), DRM_P2P_SVM_KIND_PEER);
		igt_assert_eq(pb[i].peer, dev_minor(fd0));
		if (getuid() == 0)
			igt_assert_neq_u64(pb[i].dma_addr, 0);
	}
	/* B's real engine reads A's VRAM page at B's address */
	if (edu_can_probe(fd1, &pb[3]))
		edu_probe_matches(fd1, pb[3].dma_addr, ref + 3 * PAGE, DRM_P2P_PROBE_MAX);
	if (edu_can_probe(fd0, &pa[3]))
		edu_probe_matches(fd0, pa[3].dma_addr, ref + 3 * PAGE, DRM_P2P_PROBE_MAX);
	igt_info("A's engine: %#llx (path %u), B's engine: %#llx (path %u)\n",
		 (unsigned long long)pa[0].dma_addr,
		 (pa[0].flags & DRM_P2P_SVM_PTE_PATH_MASK) >> DRM_P2P_SVM_PTE_PATH_SHIFT,
		 (unsigned long long)pb[0].dma_addr,
		 (pb[0].flags & DRM_P2P_SVM_PTE_PATH_MASK) >> DRM_P2P_SVM_PTE_PATH_SHIFT);
	free(pa);
	free(pb);

	/* B writes into A's VRAM in place */
	pattern(ref, size, 24);
	igt_assert_eq(svm_write(fd1, ctx1, p, size, ref), 0);
	igt_assert_eq_u64(svm_stats(fd0, ctx0).dev_vram_used, a0.dev_vram_used);
	igt_assert_eq(svm_read(fd0, ctx0, p, size, buf), 0);
	igt_assert(!memcmp(ref, buf, size));

	/*
	 * The trap: A migrates the pages back.  The invalidation carries the
	 * owner B shares; B must not skip it.
	 */
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_RAM, p, size), (long)n);
	pb = svm_query(fd1, ctx1, p, n);
	for (i = 0; i < n; i++)
		igt_assert(!(pb[i].flags & DRM_P2P_SVM_PTE_VALID));
	free(pb);
	igt_assert_eq(svm_read(fd1, ctx1, p, size, buf), 0);
	igt_assert(!memcmp(ref, buf, size));
	igt_assert(!memcmp(ref, p, size));
	munmap(p, size);
	free(ref);
	free(buf);
}

/* Without P2P (or with a NO_PEER context) pages migrate back to RAM. */
static void test_cross_fallback(bool force)
{
	size_t size = MIB, n = size / PAGE, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size);
	struct drm_p2p_svm_stats a0, a1, b;
	struct drm_p2p_svm_pte *pb;
	uint32_t c = ctx1;
	uint64_t sum;
	int fd = fd1;

	require_peer();
	a0 = svm_stats(fd0, ctx0);
	if (force) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/dri/card%d", dev_minor(fd1));
		fd = open(path, O_RDWR);
		igt_assert(fd >= 0);
		c = svm_create(fd, DRM_P2P_SVM_CTX_NO_PEER);
	} else {
		igt_require_f(fd2 >= 0, "every GPU is a P2P peer of GPU 0; see cross-gpu-no-peer\n");
		fd = fd2;
		c = ctx2;
		b = svm_stats(fd2, ctx2);
		igt_assert_neq(a0.dev_owner, b.dev_owner);
	}
	pattern(p, size, 25);
	memcpy(ref, p, size);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	a0 = svm_stats(fd0, ctx0);
	igt_assert_eq(svm_checksum(fd, c, p, size, &sum), 0);
	igt_assert_eq_u64(sum, fnv(ref, size));
	a1 = svm_stats(fd0, ctx0);
	/* every page came back to RAM through A's migrate_to_ram */
	igt_assert_eq_u64(a1.dev_cpu_faults - a0.dev_cpu_faults, n);
	igt_assert_eq_u64(a1.dev_vram_used + n, a0.dev_vram_used);
	pb = svm_query(fd, c, p, n);
	for (i = 0; i < n; i++)
		igt_assert_eq(pte_kind(&pb[i]), DRM_P2P_SVM_KIND_SYSTEM);
	free(pb);
	igt_assert_eq_u64(svm_stats(fd, c).peer_mappings, 0);
	igt_assert(!memcmp(ref, p, size));
	if (force)
		close(fd);
	munmap(p, size);
	free(ref);
}

static void test_debugfs(void)
{
	char path[PATH_MAX], line[512];
	size_t size = 2 * PAGE;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/svm", dev_minor(fd0));
	f = fopen(path, "r");
	igt_require_f(f, "no %s\n", path);
	pattern(p, size, 26);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, PAGE), 1);
	igt_assert_eq(svm_op(fd0, ctx0, DRM_P2P_SVM_OP_PREFETCH, p, size, NULL, NULL, NULL), 0);
	fclose(f);
	f = fopen(path, "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		char want[32];

		snprintf(want, sizeof(want), "%#016lx", (unsigned long)p);
		if (strstr(line, want) && strstr(line, "local"))
			found = true;
	}
	fclose(f);
	igt_assert(found);
	munmap(p, size);
}

/* The lifetime page counters of GPU 0's slice, from its debugfs file. */
static bool svm_page_counters(uint64_t *allocated, uint64_t *freed)
{
	char path[PATH_MAX], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/svm", dev_minor(fd0));
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "pages allocated %" SCNu64 " folio_free %" SCNu64,
			       allocated, freed) == 2;
	fclose(f);
	return found;
}

/*
 * Every device-private page is freed exactly once: the core calls
 * folio_free() once a page's last reference is gone (at refcount 0 since
 * 6.16; a driver written for the old page_free at refcount 1 frees early or
 * twice).  A cycle through every way a page leaves the VRAM: migration
 * back, a peer GPU's fault (which must not free), munmap, the CPU fault, and
 * the exit of a process that still has pages in VRAM.
 */
static void test_folio_free_once(void)
{
	size_t size = MIB, n = size / PAGE;
	bool peers = fd1 >= 0 && svm_stats(fd0, ctx0).dev_owner == svm_stats(fd1, ctx1).dev_owner;
	uint64_t alloc0, freed0, alloc1, freed1, sum, want;
	uint64_t used0 = svm_stats(fd0, ctx0).dev_vram_used;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	int status, tries;
	pid_t pid;

	igt_require_f(svm_page_counters(&alloc0, &freed0), "no svm debugfs file\n");
	pattern(p, size, 27);
	want = fnv(p + size / 2, size / 4);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	if (peers) {
		uint64_t before = svm_stats(fd0, ctx0).dev_vram_used;

		igt_assert_eq(svm_checksum(fd1, ctx1, p, size, &sum), 0);
		igt_assert_eq_u64(svm_stats(fd0, ctx0).dev_vram_used, before);
	}
	/* a quarter back by migration, a quarter by munmap, a quarter by CPU faults */
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_RAM, p, size / 4),
		      (long)(n / 4));
	munmap(p + size / 4, size / 4);
	igt_assert_eq_u64(fnv(p + size / 2, size / 4), want);

	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		char *q = map_anon(size, PROT_READ | PROT_WRITE);
		uint32_t c;

		if (__svm_create(fd0, 0, &c))
			_exit(1);
		pattern(q, size, 28);
		_exit(svm_migrate(fd0, c, DRM_P2P_SVM_MIGRATE_TO_VRAM, q, size) != (long)n);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	munmap(p, size / 4);
	munmap(p + size / 2, size / 2);

	/* the child's address space may be torn down after waitpid() returns */
	for (tries = 0; tries < 50; tries++) {
		igt_assert(svm_page_counters(&alloc1, &freed1));
		if (freed1 - freed0 >= alloc1 - alloc0)
			break;
		usleep(100000);
	}
	igt_info("pages allocated %" PRIu64 ", folio_free calls %" PRIu64 "\n",
		 alloc1 - alloc0, freed1 - freed0);
	igt_assert_lte_u64(2 * n, alloc1 - alloc0);
	igt_assert_eq_u64(freed1 - freed0, alloc1 - alloc0);
	igt_assert_eq_u64(svm_stats(fd0, ctx0).dev_vram_used, used0);
}

static bool trace_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return false;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok;
}

/* The p2p_svm tracepoints fire for a migration, faults, a peer map and munmap. */
static void test_tracepoints(void)
{
	static const char * const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	bool fault = false, migrate = false, inval = false, peer_map = false;
	bool peers = fd1 >= 0 && svm_stats(fd0, ctx0).dev_owner == svm_stats(fd1, ctx1).dev_owner;
	size_t size = 16 * PAGE;
	const char *dir = NULL;
	char path[PATH_MAX], line[512];
	uint64_t sum;
	unsigned int i;
	char *p;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(dirs) && !dir; i++) {
		snprintf(path, sizeof(path), "%s/events/p2p_svm/enable", dirs[i]);
		if (access(path, W_OK) == 0)
			dir = dirs[i];
	}
	igt_require_f(dir, "no writable tracefs with p2p_svm events\n");
	igt_assert(trace_write(dir, "trace", ""));
	igt_assert(trace_write(dir, "events/p2p_svm/enable", "1"));
	igt_assert(trace_write(dir, "tracing_on", "1"));

	p = map_anon(size, PROT_READ | PROT_WRITE);
	pattern(p, size, 29);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size),
		      (long)(size / PAGE));
	igt_assert_eq(svm_checksum(fd0, ctx0, p, size, &sum), 0);
	if (peers)
		igt_assert_eq(svm_checksum(fd1, ctx1, p, size, &sum), 0);
	munmap(p, size);
	igt_assert(trace_write(dir, "events/p2p_svm/enable", "0"));

	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		fault |= strstr(line, "p2p_svm_fault:") && strstr(line, "ret 0");
		migrate |= strstr(line, "p2p_svm_migrate:") && strstr(line, "to_vram") &&
			   strstr(line, "16 of 16 pages moved");
		inval |= !!strstr(line, "p2p_svm_invalidate:");
		peer_map |= !!strstr(line, "p2p_svm_peer_map:");
	}
	fclose(f);
	igt_assert(trace_write(dir, "trace", ""));
	igt_assert_f(migrate, "no p2p_svm_migrate to_vram event\n");
	igt_assert_f(fault, "no successful p2p_svm_fault event\n");
	igt_assert_f(inval, "no p2p_svm_invalidate event\n");
	igt_assert_f(!peers || peer_map, "no p2p_svm_peer_map event\n");
}

/* Open the primary node of the DRM device bound to PCI device directory @dev. */
static int open_card_of(const char *dev)
{
	char path[PATH_MAX + 16];
	struct dirent *d;
	int fd = -1;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/drm", dev);
	dir = opendir(path);
	igt_assert_f(dir, "no %s\n", path);
	while ((d = readdir(dir)) && fd < 0) {
		if (strncmp(d->d_name, "card", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", d->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
	}
	closedir(dir);
	igt_assert_f(fd >= 0, "no card node for %s\n", dev);
	return fd;
}

/* GPU 0 goes away (driver unbound) while GPU 1 maps its VRAM. */
static void test_unbind_peer(void)
{
	char dev[PATH_MAX], drv[PATH_MAX], bdf[64], path[PATH_MAX + 64];
	size_t size = MIB, n = size / PAGE, i;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *ref = malloc(size), *buf = malloc(size);
	struct drm_p2p_svm_pte *pb;
	ssize_t len;
	int f;

	require_peer();
	igt_require(getuid() == 0);
	igt_require(svm_stats(fd0, ctx0).dev_owner == svm_stats(fd1, ctx1).dev_owner);
	snprintf(path, sizeof(path), "/sys/class/drm/card%d/device", dev_minor(fd0));
	igt_assert(realpath(path, dev));
	snprintf(path, sizeof(path), "%s/driver", dev);
	igt_assert(realpath(path, drv));
	snprintf(bdf, sizeof(bdf), "%s", strrchr(dev, '/') + 1);

	pattern(p, size, 27);
	memcpy(ref, p, size);
	igt_assert_eq(svm_migrate(fd0, ctx0, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
	igt_assert_eq(svm_read(fd1, ctx1, p, size, buf), 0);
	pb = svm_query(fd1, ctx1, p, n);
	igt_assert_eq(pte_kind(&pb[0]), DRM_P2P_SVM_KIND_PEER);
	free(pb);

	snprintf(path, sizeof(path), "%s/unbind", drv);
	f = open(path, O_WRONLY);
	igt_assert(f >= 0);
	len = write(f, bdf, strlen(bdf));
	close(f);
	igt_assert_eq(len, (ssize_t)strlen(bdf));

	/* B's peer entries are gone, the data went back to RAM */
	pb = svm_query(fd1, ctx1, p, n);
	for (i = 0; i < n; i++)
		igt_assert(!(pb[i].flags & DRM_P2P_SVM_PTE_VALID));
	free(pb);
	igt_assert_eq(svm_read(fd1, ctx1, p, size, buf), 0);
	igt_assert(!memcmp(ref, buf, size));
	igt_assert(!memcmp(ref, p, size));
	/* GPU 0's context is dead */
	igt_assert_neq(svm_read(fd0, ctx0, p, size, buf), 0);

	snprintf(path, sizeof(path), "%s/bind", drv);
	f = open(path, O_WRONLY);
	igt_assert(f >= 0);
	len = write(f, bdf, strlen(bdf));
	close(f);
	igt_assert_eq(len, (ssize_t)strlen(bdf));

	/* back: it joins B's owner group again and B maps its VRAM in place */
	{
		struct drm_p2p_svm_stats sa, sb = svm_stats(fd1, ctx1);
		int fa = open_card_of(dev);
		uint32_t ca = svm_create(fa, 0);

		sa = svm_stats(fa, ca);
		igt_assert_eq(sa.dev_owner, sb.dev_owner);
		igt_assert_eq(svm_migrate(fa, ca, DRM_P2P_SVM_MIGRATE_TO_VRAM, p, size), (long)n);
		igt_assert_eq(svm_read(fd1, ctx1, p, size, buf), 0);
		igt_assert(!memcmp(ref, buf, size));
		pb = svm_query(fd1, ctx1, p, n);
		for (i = 0; i < n; i++)
			igt_assert_eq(pte_kind(&pb[i]), DRM_P2P_SVM_KIND_PEER);
		free(pb);
		igt_assert_eq_u64(svm_stats(fd1, ctx1).bytes_migrated, sb.bytes_migrated);
		svm_destroy(fa, ca);
		close(fa);
	}
	munmap(p, size);
	free(ref);
	free(buf);
}

igt_main
{
	igt_fixture {
		uint32_t id;
		int ret;

		fd0 = drm_open_driver(DRIVER_ANY);
		igt_require(is_drm_p2p(fd0));
		ret = __svm_create(fd0, 0, &id);
		igt_require_f(ret != -EOPNOTSUPP && ret != -EINVAL && ret != -ENOTTY,
			      "no SVM on this device (%d)\n", ret);
		igt_assert_eq(ret, 0);
		ctx0 = id;
		/*
		 * The other GPUs: GPU "1" is a P2P peer of GPU 0 if there is
		 * one, GPU "2" one that is not (for the fallback).
		 */
		{
			int fds[16], n = 0, k;
			uint32_t ids[16], owners[16], own0;

			own0 = svm_stats(fd0, ctx0).dev_owner;
			for (k = 1; k < 16; k++) {
				int fd = __drm_open_driver_another(k, DRIVER_ANY);

				if (fd < 0)
					break;
				if (!is_drm_p2p(fd) || dev_minor(fd) == dev_minor(fd0) ||
				    __svm_create(fd, 0, &ids[n])) {
					close(fd);
					continue;
				}
				fds[n] = fd;
				owners[n] = svm_stats(fd, ids[n]).dev_owner;
				n++;
			}
			for (k = 0; k < n && fd1 < 0; k++)
				if (owners[k] == own0)
					fd1 = fds[k], ctx1 = ids[k];
			for (k = 0; k < n && fd2 < 0; k++)
				if (owners[k] != own0)
					fd2 = fds[k], ctx2 = ids[k];
			if (fd1 < 0 && n)
				fd1 = fds[0], ctx1 = ids[0];
			for (k = 0; k < n; k++)
				if (fds[k] != fd1 && fds[k] != fd2)
					close(fds[k]);
		}
	}

	igt_describe("Every bad input gets a specific errno and changes nothing");
	igt_subtest("bad-args")
		test_bad_args();
	igt_subtest("create-destroy")
		test_create_destroy();
	igt_describe("GPU reads anonymous memory across 2 MiB ranges in batched faults");
	igt_subtest("anon-read")
		test_anon_read();
	igt_subtest("anon-write")
		test_anon_write();
	igt_subtest("fill-checksum-copy")
		test_fill_checksum_copy();
	igt_describe("One access over private, shared and file-backed VMAs");
	igt_subtest("multi-vma")
		test_multi_vma();
	igt_subtest("huge")
		test_huge();
	igt_describe("Writes to read-only memory fail with -EPERM; mprotect invalidates");
	igt_subtest("protection")
		test_protection();
	igt_subtest("munmap")
		test_munmap();
	igt_subtest("madvise")
		test_madvise();
	igt_subtest("munmap-during-access")
		test_munmap_during_access();
	igt_describe("Migrate to VRAM, GPU uses local entries, CPU fault brings pages back");
	igt_subtest("migrate")
		test_migrate();
	igt_subtest("migrate-to-ram")
		test_migrate_to_ram();
	igt_describe("A CPU fault brings the GPU's pages of the surrounding 2 MiB back");
	igt_subtest("cpu-fault-window")
		test_cpu_fault_window();
	igt_describe("Pages in a peer's VRAM migrate VRAM to VRAM, not through RAM");
	igt_subtest("migrate-peer-to-vram")
		test_migrate_peer_to_vram();
	igt_describe("Pages in a non-peer's VRAM migrate through RAM");
	igt_subtest("migrate-nonpeer-to-vram")
		test_migrate_nonpeer_to_vram();
	igt_subtest("mixed-residency")
		test_mixed();
	igt_describe("One access over two VMAs: RAM, local VRAM and every peer's VRAM");
	igt_subtest("mixed-residency-peers")
		test_mixed_peers();
	igt_subtest("fork-cow")
		test_fork_cow();
	igt_subtest("fork-migrated")
		test_fork_migrated();
	igt_subtest("threads")
		test_threads();
	igt_subtest("exit-in-flight")
		test_exit_in_flight();
	igt_subtest("evict")
		test_evict();
	igt_subtest("debugfs")
		test_debugfs();
	igt_describe("Tracepoints for fault, migrate, invalidate and peer map");
	igt_describe("Every device-private page reaches folio_free exactly once");
	igt_subtest("folio-free-once")
		test_folio_free_once();
	igt_subtest("tracepoints")
		test_tracepoints();
	igt_describe("GPU 1 maps GPU 0's VRAM peer-to-peer: nothing migrates");
	igt_subtest("cross-gpu-peer")
		test_cross_peer();
	igt_describe("A NO_PEER context migrates the peer's pages to RAM instead");
	igt_subtest("cross-gpu-no-peer")
		test_cross_fallback(true);
	igt_describe("GPUs without a P2P path keep separate owners and migrate");
	igt_subtest("cross-gpu-fallback")
		test_cross_fallback(false);
	igt_describe("GPU 0 unbound while GPU 1 has peer entries into its VRAM");
	igt_subtest("unbind-peer")
		test_unbind_peer();

	igt_fixture {
		if (fd2 >= 0)
			close(fd2);
		if (fd1 >= 0)
			close(fd1);
		drm_close_driver(fd0);
	}
}

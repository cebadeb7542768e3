// SPDX-License-Identifier: MIT
/*
 * drm_p2p_unit - host unit test of libdrm_p2p: everything that needs no
 * drm_p2p device (PCI address parsing, argument validation, enumeration on a
 * machine without the driver).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "drm_p2p.h"

static int failures, checks;

#define CHECK_EQ(expr, want) do { \
	long long got__ = (long long)(expr), want__ = (long long)(want); \
	checks++; \
	if (got__ != want__) { \
		failures++; \
		printf("FAIL %s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, \
		       #expr, got__, want__); \
	} \
} while (0)

static void test_parse_valid(void)
{
	static const struct {
		const char *str;
		struct drm_p2p_pci_addr addr;
		const char *canonical;
	} cases[] = {
		{ "0000:00:03.0", { 0, 0, 3, 0 }, "0000:00:03.0" },
		{ "00:03.1", { 0, 0, 3, 1 }, "0000:00:03.1" },
		{ "abcd:ef:1f.7", { 0xabcd, 0xef, 0x1f, 7 }, "abcd:ef:1f.7" },
		{ "ABCD:EF:1F.7", { 0xabcd, 0xef, 0x1f, 7 }, "abcd:ef:1f.7" },
		{ "1:2.3", { 0, 1, 2, 3 }, "0000:01:02.3" },
		{ "0001:02:00.0", { 1, 2, 0, 0 }, "0001:02:00.0" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct drm_p2p_pci_addr a;
		char buf[16];

		memset(&a, 0xff, sizeof(a));
		CHECK_EQ(drm_p2p_parse_pci_addr(cases[i].str, &a), 0);
		CHECK_EQ(a.domain, cases[i].addr.domain);
		CHECK_EQ(a.bus, cases[i].addr.bus);
		CHECK_EQ(a.dev, cases[i].addr.dev);
		CHECK_EQ(a.func, cases[i].addr.func);
		CHECK_EQ(drm_p2p_format_pci_addr(&a, buf, sizeof(buf)), 0);
		CHECK_EQ(strcmp(buf, cases[i].canonical), 0);
	}
}

static void test_parse_invalid(void)
{
	static const char * const bad[] = {
		"", "0", "00:03", "00:03.", "00:03.8", "00:20.0", "00:03.0 ",
		" 00:03.0", "0000:00:03.0.1", "00000:00:03.0", "000:00:03.0:1",
		"0000:000:03.0", "0000:00:003.0", "g0:03.0", "00:03.01",
		"0000:00:03:0", "0000-00:03.0", "0000:00:03.-1", "123:03.0",
	};
	struct drm_p2p_pci_addr a = { 1, 2, 3, 4 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		checks++;
		if (drm_p2p_parse_pci_addr(bad[i], &a) != -EINVAL) {
			failures++;
			printf("FAIL: \"%s\" parsed\n", bad[i]);
		}
	}
	/* a failed parse leaves the output alone */
	CHECK_EQ(a.domain, 1);
	CHECK_EQ(a.func, 4);
	CHECK_EQ(drm_p2p_parse_pci_addr(NULL, &a), -EINVAL);
	CHECK_EQ(drm_p2p_parse_pci_addr("00:03.0", NULL), -EINVAL);
}

static void test_format(void)
{
	struct drm_p2p_pci_addr a = { 0, 0, 3, 0 }, bad = { 0, 0, 0x20, 0 };
	char small[12], buf[16];

	CHECK_EQ(drm_p2p_format_pci_addr(&a, small, sizeof(small)), -ENOSPC);
	CHECK_EQ(drm_p2p_format_pci_addr(&bad, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(drm_p2p_format_pci_addr(NULL, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(drm_p2p_format_pci_addr(&a, NULL, 0), -EINVAL);
}

static void test_device_args(void)
{
	struct drm_p2p_device *dev = (struct drm_p2p_device *)&dev;
	struct drm_p2p_device_desc desc;
	int fds[2], n, ret;

	CHECK_EQ(drm_p2p_open_index(-1, &dev), -EINVAL);
	CHECK_EQ(drm_p2p_open_index(0, NULL), -EINVAL);
	CHECK_EQ(drm_p2p_open_pci("bogus", &dev), -EINVAL);
	CHECK_EQ(drm_p2p_open_pci(NULL, &dev), -EINVAL);
	CHECK_EQ(drm_p2p_open_pci("00:03.0", NULL), -EINVAL);
	CHECK_EQ(drm_p2p_open_fd(-1, &dev), -EINVAL);
	CHECK_EQ(drm_p2p_enumerate(NULL, 1), -EINVAL);
	CHECK_EQ(drm_p2p_enumerate(&desc, -1), -EINVAL);
	CHECK_EQ(drm_p2p_get_fd(NULL), -EINVAL);
	CHECK_EQ(drm_p2p_get_desc(NULL, &desc), -EINVAL);
	drm_p2p_close(NULL);

	/* not a DRM device at all */
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(drm_p2p_open_fd(fds[0], &dev), -ENOTTY);
	close(fds[0]);
	close(fds[1]);

	/* the dev pointer is untouched by every failure above */
	CHECK_EQ(dev == (struct drm_p2p_device *)&dev, 1);

	/* consistent counts; the index past the last GPU does not exist */
	n = drm_p2p_enumerate(NULL, 0);
	printf("# %d drm_p2p GPU(s) on this machine\n", n);
	checks++;
	if (n < 0) {
		failures++;
		printf("FAIL: drm_p2p_enumerate() = %d\n", n);
	}
	if (n >= 0) {
		ret = drm_p2p_open_index(n, &dev);
		CHECK_EQ(ret, -ENODEV);
	}
}

static void test_prime_args(void)
{
	uint64_t size = 0;
	uint32_t handle = 0;
	int fd, dmabuf = -1;

	CHECK_EQ(drm_p2p_bo_close(NULL, 1), -EINVAL);
	CHECK_EQ(drm_p2p_bo_export(NULL, 1, &dmabuf), -EINVAL);
	CHECK_EQ(drm_p2p_bo_import(NULL, 0, &handle), -EINVAL);
	CHECK_EQ(drm_p2p_dmabuf_size(-1, &size), -EINVAL);
	CHECK_EQ(drm_p2p_dmabuf_size(0, NULL), -EINVAL);
	CHECK_EQ(drm_p2p_dmabuf_sync(-1, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ), -EINVAL);
	CHECK_EQ(dmabuf, -1);
	CHECK_EQ(handle, 0);

	/* size by lseek(SEEK_END), offset restored; SYNC only on dma-bufs */
	fd = memfd_create("drm_p2p_unit", MFD_CLOEXEC);
	CHECK_EQ(fd >= 0, 1);
	CHECK_EQ(ftruncate(fd, 12288), 0);
	CHECK_EQ(drm_p2p_dmabuf_size(fd, &size), 0);
	CHECK_EQ(size, 12288);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0);
	CHECK_EQ(drm_p2p_dmabuf_sync(fd, 0), -EINVAL);
	CHECK_EQ(drm_p2p_dmabuf_sync(fd, DMA_BUF_SYNC_START), -EINVAL);
	CHECK_EQ(drm_p2p_dmabuf_sync(fd, DMA_BUF_SYNC_READ | 0x100), -EINVAL);
	CHECK_EQ(drm_p2p_dmabuf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ), -ENOTTY);
	close(fd);
}

static void test_checksum(void)
{
	static const uint8_t bytes[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	uint32_t words[64];
	size_t i;

	/* reference values computed independently (FNV-1a 64 over LE words) */
	CHECK_EQ(drm_p2p_checksum_pattern(0xc0ffee42, 0), 0xcbf29ce484222325ull);
	CHECK_EQ(drm_p2p_checksum_pattern(0xc0ffee42, 8), 0x04b060a03b6bb0a5ull);
	CHECK_EQ(drm_p2p_checksum_data(bytes, 8), 0x9c69136a91b667abull);
	/* a trailing partial word is not part of the checksum */
	CHECK_EQ(drm_p2p_checksum_data(bytes, 9), 0x9c69136a91b667abull);

	for (i = 0; i < 64; i++)
		words[i] = 0xdeadbeef;
	CHECK_EQ(drm_p2p_checksum_data(words, sizeof(words)),
		 drm_p2p_checksum_pattern(0xdeadbeef, sizeof(words)));
	words[63] ^= 1;
	CHECK_EQ(drm_p2p_checksum_data(words, sizeof(words)) ==
		 drm_p2p_checksum_pattern(0xdeadbeef, sizeof(words)), 0);
}

static void test_driver_args(void)
{
	struct drm_p2p_peer_path path;
	struct drm_p2p_dma_range range;
	struct drm_p2p_bo_info bo_info;
	struct drm_p2p_info info;
	uint64_t sum = 0;
	uint32_t handle = 0;
	char buf[16];
	void *ptr = NULL;

	CHECK_EQ(drm_p2p_query_info(NULL, &info), -EINVAL);
	CHECK_EQ(drm_p2p_bo_create(NULL, 4096, DRM_P2P_BO_VRAM, &handle), -EINVAL);
	CHECK_EQ(drm_p2p_bo_mmap(NULL, 1, 4096, &ptr), -EINVAL);
	CHECK_EQ(drm_p2p_bo_munmap(NULL, 4096), -EINVAL);
	CHECK_EQ(drm_p2p_bo_wait(NULL, 1, 0), -EINVAL);
	CHECK_EQ(drm_p2p_bo_info(NULL, 1, &bo_info), -EINVAL);
	CHECK_EQ(drm_p2p_bo_dma_info(NULL, 1, &range, 1), -EINVAL);
	CHECK_EQ(drm_p2p_fill(NULL, 1, 0, 4, 0, 0, 0), -EINVAL);
	CHECK_EQ(drm_p2p_copy(NULL, 1, 0, 2, 0, 4, 0, 0), -EINVAL);
	CHECK_EQ(drm_p2p_checksum(NULL, 1, 0, 4, &sum), -EINVAL);
	CHECK_EQ(drm_p2p_probe(NULL, 1, 0, buf, sizeof(buf), 0, NULL, NULL), -EINVAL);
	CHECK_EQ(drm_p2p_probe_addr(NULL, 0x1000, buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(drm_p2p_query_path(NULL, NULL, &path), -EINVAL);
	CHECK_EQ(handle, 0);
	CHECK_EQ(sum, 0);
	CHECK_EQ(ptr == NULL, 1);

	CHECK_EQ(strcmp(drm_p2p_path_name(DRM_P2P_PATH_BUS), "bus"), 0);
	CHECK_EQ(strcmp(drm_p2p_path_name(DRM_P2P_PATH_IOVA), "iova"), 0);
	CHECK_EQ(strcmp(drm_p2p_path_name(0), "unknown"), 0);
}

static void test_svm_args(void)
{
	struct drm_p2p_svm_entry entry = { .valid = 7 };
	struct drm_p2p_svm_faults faults = { 7, 7 };
	struct drm_p2p_svm_stats stats = { .faults = 7 };
	static char page[4096] __attribute__((aligned(4096)));
	uint64_t sum = 7;
	uint32_t id = 7;

	CHECK_EQ(drm_p2p_svm_create(NULL, 0, &id), -EINVAL);
	CHECK_EQ(drm_p2p_svm_destroy(NULL, 1), -EINVAL);
	CHECK_EQ(drm_p2p_svm_read(NULL, 1, page, 4096, page, &faults), -EINVAL);
	CHECK_EQ(drm_p2p_svm_write(NULL, 1, page, 4096, page, &faults), -EINVAL);
	CHECK_EQ(drm_p2p_svm_fill(NULL, 1, page, 4096, 0, &faults), -EINVAL);
	CHECK_EQ(drm_p2p_svm_checksum(NULL, 1, page, 4096, &sum, &faults), -EINVAL);
	CHECK_EQ(drm_p2p_svm_copy(NULL, 1, page, page, 4096, &faults), -EINVAL);
	CHECK_EQ(drm_p2p_svm_prefetch(NULL, 1, page, 4096, &faults), -EINVAL);
	CHECK_EQ(drm_p2p_svm_migrate(NULL, 1, page, 4096, DRM_P2P_SVM_MIGRATE_TO_VRAM),
		 -EINVAL);
	CHECK_EQ(drm_p2p_svm_stats(NULL, 1, &stats), -EINVAL);
	CHECK_EQ(drm_p2p_svm_query(NULL, 1, page, 1, &entry), -EINVAL);
	/* nothing written on failure */
	CHECK_EQ(id, 7);
	CHECK_EQ(sum, 7);
	CHECK_EQ(faults.batches, 7);
	CHECK_EQ(stats.faults, 7);
	CHECK_EQ(entry.valid, 7);

	CHECK_EQ(strcmp(drm_p2p_svm_kind_name(DRM_P2P_SVM_KIND_PEER), "peer"), 0);
	CHECK_EQ(strcmp(drm_p2p_svm_kind_name(DRM_P2P_SVM_KIND_SYSTEM), "system"), 0);
	CHECK_EQ(strcmp(drm_p2p_svm_kind_name(3), "unknown"), 0);
	CHECK_EQ(strcmp(drm_p2p_svm_path_name(DRM_P2P_SVM_PATH_BUS_ADDR), "bus"), 0);
	CHECK_EQ(strcmp(drm_p2p_svm_path_name(DRM_P2P_SVM_PATH_THRU_HOST_BRIDGE),
			"host-bridge"), 0);
	CHECK_EQ(strcmp(drm_p2p_svm_path_name(3), "unknown"), 0);
}

int main(void)
{
	test_parse_valid();
	test_parse_invalid();
	test_format();
	test_device_args();
	test_prime_args();
	test_checksum();
	test_driver_args();
	test_svm_args();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the dmabuf_phyr KUnit suites: the emulated GPUs, a plain test
 * device, the edu DMA engine, and a small test exporter.
 */
#ifndef _PHYR_TEST_H
#define _PHYR_TEST_H

#include <kunit/test.h>
#include <linux/dmabuf_phyr.h>
#include <linux/pci.h>

#define PHYR_TEST_MAX_GPUS	4
#define PHYR_TEST_VRAM_BAR	2	/* QEMU_GPU_VRAM_BAR */

struct phyr_test_gpu {
	struct pci_dev *vram;		/* ivshmem function 0, BAR2 = VRAM */
	struct pci_dev *engine;		/* edu function 1, the DMA engine */
};

unsigned int phyr_test_find_gpus(struct phyr_test_gpu *gpu, unsigned int max);
bool phyr_test_gpu_free(const struct phyr_test_gpu *gpu);
void phyr_test_put_gpus(struct phyr_test_gpu *gpu, unsigned int n);
bool phyr_test_cpu_p2p(void);
struct device *phyr_test_device(struct kunit *test, u64 dma_mask);

/* edu: read @len bytes (<= 2048) at @addr, as the engine addresses it, into @out. */
struct phyr_test_edu;
struct phyr_test_edu *phyr_test_edu_open(struct kunit *test, struct pci_dev *engine);
int phyr_test_edu_read(struct phyr_test_edu *edu, dma_addr_t addr, void *out, u32 len);
void phyr_test_edu_close(struct phyr_test_edu *edu);

/* A pattern the CPU writes into VRAM (@len bytes) and an engine reads back. */
void phyr_test_fill_pattern(void __iomem *dst, u32 seed, size_t len);
size_t phyr_test_count_pattern(const u32 *buf, u32 seed, size_t len);

/* A test exporter whose ranges are whatever the test puts in @ranges. */
struct phyr_test_exp {
	struct phyr_list ranges;	/* the backing, under the resv lock */
	struct phyr_list fallback_to;	/* what @fallback switches to, if anything */
	bool packed;			/* store @ranges packed (packed_ranges) */
	struct phyr_packed_list pk;	/* @ranges packed, when @packed */
	bool use_fallback;
	int pins;
	int fallbacks;
	int get_calls;
	bool released;
};

struct dma_buf *phyr_test_export(struct kunit *test, struct phyr_test_exp *exp,
				 size_t size);
void phyr_test_put(struct dma_buf *dmabuf);

#endif /* _PHYR_TEST_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of drm_p2p on the emulated hardware, with the GPUs bound to drm_p2p.
 *
 * With two GPUs: the CPU writes a pattern into GPU 0's VRAM (allocated from the
 * driver's VRAM manager); GPU 1's engine (its edu function) reads it back through
 * the address dma_map_resource() gave that engine for the VRAM.  When an IOMMU
 * translates for the engine, reading the CPU physical address instead must not
 * bring the data (QEMU logs a DMAR fault); without an IOMMU both addresses are the
 * same and both reads work.  The driver's software resolution of engine addresses
 * (used by the bulk engine) must agree with what the hardware did.
 */
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>

#include <drm/drm_drv.h>
#include <linux/dmabuf_phyr.h>
#include <uapi/drm/drm_p2p_drm.h>

#include "../p2p_drv.h"
#include "p2p_test_pattern.h"

#define XFER	DRM_P2P_PROBE_MAX

struct hw_ctx {
	struct p2p_device *gpu[2];
	struct list_head blocks;
	bool allocated;
	u64 vram_off;
	void *buf;
};

static int hw_init(struct kunit *test)
{
	struct hw_ctx *ctx;
	int ret;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	INIT_LIST_HEAD(&ctx->blocks);
	test->priv = ctx;
	ctx->buf = kunit_kzalloc(test, XFER, GFP_KERNEL);
	if (!ctx->buf)
		return -ENOMEM;
	if (p2p_fabric_count() < 2)
		return 0;
	ctx->gpu[0] = p2p_fabric_get(0);
	ctx->gpu[1] = p2p_fabric_get(1);
	if (!ctx->gpu[0] || !ctx->gpu[1])
		return 0;
	ret = p2p_vram_alloc(ctx->gpu[0], PAGE_SIZE, false, &ctx->blocks);
	if (ret)
		return ret;
	ctx->allocated = true;
	ctx->vram_off = gpu_buddy_block_offset(list_first_entry(&ctx->blocks,
								struct gpu_buddy_block, link));
	return 0;
}

static void hw_exit(struct kunit *test)
{
	struct hw_ctx *ctx = test->priv;
	int i;

	if (ctx->allocated)
		p2p_vram_free(ctx->gpu[0], &ctx->blocks);
	for (i = 0; i < 2; i++)
		if (ctx->gpu[i])
			drm_dev_put(&ctx->gpu[i]->drm);
}

static struct hw_ctx *hw_require(struct kunit *test)
{
	struct hw_ctx *ctx = test->priv;

	if (!ctx->allocated)
		kunit_skip(test, "needs two GPUs bound to drm_p2p");
	return ctx;
}

/* GPU 1's engine reads GPU 0's VRAM at the address mapped for it. */
static void hw_engine_reads_peer_vram_at_its_dma_address(struct kunit *test)
{
	struct hw_ctx *ctx = hw_require(test);
	struct p2p_device *gpu0 = ctx->gpu[0], *gpu1 = ctx->gpu[1];
	struct device *engine = p2p_engine_dev(gpu1);
	phys_addr_t phys = gpu0->vram_phys + ctx->vram_off;
	dma_addr_t addr;

	p2p_test_fill_pattern(gpu0->vram_io + ctx->vram_off, 0x7a7a0001, XFER);
	memset(ctx->buf, 0xee, XFER);
	addr = dma_map_resource(engine, phys, XFER, DMA_BIDIRECTIONAL, 0);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(engine, addr));
	kunit_info(test, "VRAM %pa of %s is %pad for engine %s (%s)\n", &phys,
		   pci_name(gpu0->pdev), &addr, dev_name(engine),
		   p2p_edu_translated(gpu1) ? "IOMMU" : "direct");
	if (p2p_edu_translated(gpu1))
		KUNIT_EXPECT_NE(test, (u64)addr, (u64)phys);
	else
		KUNIT_EXPECT_EQ(test, (u64)addr, (u64)phys);

	KUNIT_EXPECT_EQ(test, p2p_edu_dma(gpu1, addr, ctx->buf, XFER, false), 0);
	KUNIT_EXPECT_EQ(test, p2p_test_count_pattern(ctx->buf, 0x7a7a0001, XFER), XFER / 4);

	/* The bulk engine's resolution of the same address agrees with the hardware. */
	KUNIT_EXPECT_EQ(test, (u64)p2p_fabric_resolve(gpu1, addr), (u64)phys);
	memset(ctx->buf, 0, XFER);
	KUNIT_EXPECT_EQ(test, p2p_fabric_access(gpu1, addr, ctx->buf, XFER, false), 0);
	KUNIT_EXPECT_EQ(test, p2p_test_count_pattern(ctx->buf, 0x7a7a0001, XFER), XFER / 4);
	dma_unmap_resource(engine, addr, XFER, DMA_BIDIRECTIONAL, 0);
}

/*
 * The CPU physical address is no engine address under an IOMMU: the engine's read
 * faults (DMAR fault in the log) and brings no VRAM data; the command completes or
 * times out cleanly.  Without an IOMMU the physical address is the DMA address.
 */
static void hw_cpu_physical_address_only_without_iommu(struct kunit *test)
{
	struct hw_ctx *ctx = hw_require(test);
	struct p2p_device *gpu0 = ctx->gpu[0], *gpu1 = ctx->gpu[1];
	phys_addr_t phys = gpu0->vram_phys + ctx->vram_off;
	int ret;

	p2p_test_fill_pattern(gpu0->vram_io + ctx->vram_off, 0x7a7a0002, XFER);
	memset(ctx->buf, 0xc3, XFER);
	ret = p2p_edu_dma(gpu1, phys, ctx->buf, XFER, false);
	if (!p2p_edu_translated(gpu1)) {
		KUNIT_EXPECT_EQ(test, ret, 0);
		KUNIT_EXPECT_EQ(test, p2p_test_count_pattern(ctx->buf, 0x7a7a0002, XFER),
				XFER / 4);
		KUNIT_EXPECT_EQ(test, p2p_fabric_access(gpu1, phys, ctx->buf, XFER, false), 0);
		return;
	}
	kunit_info(test, "engine %s read %pa (CPU physical): %d, expecting a DMAR fault\n",
		   dev_name(p2p_engine_dev(gpu1)), &phys, ret);
	KUNIT_EXPECT_TRUE(test, ret == 0 || ret == -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, p2p_test_count_pattern(ctx->buf, 0x7a7a0002, XFER), 0);
	/*
	 * The bulk engine refuses the untranslated address the same way, unless the
	 * two GPUs share a switch: there the address is also GPU 0's bus address (bus
	 * and CPU physical addresses are equal in QEMU), which the switch routes to
	 * GPU 0 without the IOMMU on real hardware, and so does the bulk engine.
	 */
	if (phyr_path_for(gpu0->provider, p2p_engine_dev(gpu1)) == PHYR_MAP_BUS_ADDR &&
	    pci_bus_address(gpu0->pdev, P2P_VRAM_BAR) == gpu0->vram_phys) {
		KUNIT_EXPECT_EQ(test, p2p_fabric_access(gpu1, phys, ctx->buf, XFER, false), 0);
		KUNIT_EXPECT_EQ(test, p2p_test_count_pattern(ctx->buf, 0x7a7a0002, XFER),
				XFER / 4);
	} else {
		KUNIT_EXPECT_EQ(test, p2p_fabric_access(gpu1, phys, ctx->buf, XFER, false),
				-EFAULT);
	}
}

/* An engine writes into a peer's VRAM through its DMA address; the CPU sees it. */
static void hw_engine_writes_peer_vram(struct kunit *test)
{
	struct hw_ctx *ctx = hw_require(test);
	struct p2p_device *gpu0 = ctx->gpu[0], *gpu1 = ctx->gpu[1];
	struct device *engine = p2p_engine_dev(gpu1);
	phys_addr_t phys = gpu0->vram_phys + ctx->vram_off;
	u32 *words = ctx->buf;
	dma_addr_t addr;
	unsigned int i, n = 0;

	memset_io(gpu0->vram_io + ctx->vram_off, 0, XFER);
	for (i = 0; i < XFER / 4; i++)
		words[i] = 0x7a7a0003 ^ (u32)(i * 0x9e3779b9);
	addr = dma_map_resource(engine, phys, XFER, DMA_BIDIRECTIONAL, 0);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(engine, addr));
	KUNIT_EXPECT_EQ(test, p2p_edu_dma(gpu1, addr, ctx->buf, XFER, true), 0);
	dma_unmap_resource(engine, addr, XFER, DMA_BIDIRECTIONAL, 0);
	for (i = 0; i < XFER / 4; i++)
		n += readl(gpu0->vram_io + ctx->vram_off + i * 4) ==
		     (0x7a7a0003 ^ (u32)(i * 0x9e3779b9));
	KUNIT_EXPECT_EQ(test, n, XFER / 4);
}

static struct kunit_case hw_cases[] = {
	KUNIT_CASE(hw_engine_reads_peer_vram_at_its_dma_address),
	KUNIT_CASE(hw_cpu_physical_address_only_without_iommu),
	KUNIT_CASE(hw_engine_writes_peer_vram),
	{}
};

static struct kunit_suite hw_suite = {
	.name = "drm_p2p_hw",
	.init = hw_init,
	.exit = hw_exit,
	.test_cases = hw_cases,
};

kunit_test_suite(hw_suite);

MODULE_DESCRIPTION("drm_p2p: KUnit tests on the emulated GPUs");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DRM_P2P_TEST");
MODULE_IMPORT_NS("DMABUF_PHYR");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit proof that the emulated platform behaves as real hardware would.
 *
 * An emulated GPU is one PCI slot: function 0 is an ivshmem device whose BAR2 is the
 * VRAM, function 1 an edu device that does real DMA.  Through the edu engine of GPU 1,
 * a word pattern that the CPU wrote into GPU 0's VRAM is read back via the address that
 * dma_map_resource() returned for GPU 1's engine.  When an IOMMU translates for that
 * engine, reading the CPU physical address instead must not bring the data: QEMU's IOMMU
 * refuses it (and logs a DMAR fault, which tools/vm/guest-tests looks for).
 *
 * The suite drives unbound devices directly and therefore runs before drm_p2p is
 * loaded; it enables the functions it uses and disables them again.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/pci.h>

#include <qemu_gpu.h>

#define EDU_XFER	EDU_MAX_XFER

struct platform_gpu {
	struct pci_dev *vram;
	struct pci_dev *engine;
};

struct platform_ctx {
	struct platform_gpu gpu[2];
	void __iomem *edu_regs;
	void __iomem *vram_map;
	void *buf;
	dma_addr_t buf_dma;
};

/* The nth emulated GPU, counting slots with ivshmem at function 0 and edu at 1. */
static bool platform_find_gpu(unsigned int nth, struct platform_gpu *gpu)
{
	struct pci_dev *vram = NULL, *engine;

	while ((vram = pci_get_device(QEMU_GPU_IVSHMEM_VENDOR, QEMU_GPU_IVSHMEM_DEVICE, vram))) {
		if (PCI_FUNC(vram->devfn) != 0)
			continue;
		engine = qemu_gpu_engine_of(vram);
		if (engine && nth-- == 0) {
			gpu->vram = vram;
			gpu->engine = engine;
			return true;
		}
		pci_dev_put(engine);
	}
	return false;
}

/* Read @len bytes at device address @addr through the engine into ctx->buf. */
static int edu_read(struct kunit *test, struct platform_ctx *ctx, dma_addr_t addr, u32 len)
{
	int ret = qemu_edu_dma_read(ctx->edu_regs, addr, ctx->buf_dma, len);

	if (ret)
		kunit_err(test, "edu DMA failed: %d\n", ret);
	return ret;
}

static void fill_pattern(void __iomem *dst, u32 seed, size_t len)
{
	size_t i;

	for (i = 0; i < len / 4; i++)
		writel(seed ^ (u32)(i * 0x9e3779b9), dst + i * 4);
}

static bool matches_pattern(const u32 *buf, u32 seed, size_t len)
{
	size_t i;

	for (i = 0; i < len / 4; i++)
		if (buf[i] != (seed ^ (u32)(i * 0x9e3779b9)))
			return false;
	return true;
}

static bool engine_is_translated(struct pci_dev *engine)
{
	struct iommu_domain *domain = iommu_get_domain_for_dev(&engine->dev);

	return domain && (domain->type & __IOMMU_DOMAIN_PAGING);
}

static int platform_init(struct kunit *test)
{
	struct platform_ctx *ctx;
	struct pci_dev *engine;
	int ret;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	if (!platform_find_gpu(0, &ctx->gpu[0]) || !platform_find_gpu(1, &ctx->gpu[1]))
		return 0;
	if (ctx->gpu[0].vram->driver || ctx->gpu[1].engine->driver) {
		kunit_info(test, "GPU functions are bound to a driver: unload it first\n");
		return 0;
	}

	ret = pci_enable_device_mem(ctx->gpu[0].vram);
	if (ret)
		return ret;
	ctx->vram_map = pci_iomap_wc(ctx->gpu[0].vram, QEMU_GPU_VRAM_BAR, PAGE_SIZE);
	if (!ctx->vram_map)
		return -ENOMEM;

	engine = ctx->gpu[1].engine;
	ret = pci_enable_device_mem(engine);
	if (ret)
		return ret;
	pci_set_master(engine);
	ctx->edu_regs = pci_iomap(engine, 0, 0);
	if (!ctx->edu_regs)
		return -ENOMEM;
	ret = dma_set_mask_and_coherent(&engine->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	ctx->buf = dma_alloc_coherent(&engine->dev, PAGE_SIZE, &ctx->buf_dma, GFP_KERNEL);
	return ctx->buf ? 0 : -ENOMEM;
}

static void platform_exit(struct kunit *test)
{
	struct platform_ctx *ctx = test->priv;
	int i;

	if (!ctx)
		return;
	if (ctx->buf)
		dma_free_coherent(&ctx->gpu[1].engine->dev, PAGE_SIZE, ctx->buf, ctx->buf_dma);
	if (ctx->edu_regs) {
		pci_iounmap(ctx->gpu[1].engine, ctx->edu_regs);
		pci_clear_master(ctx->gpu[1].engine);
		pci_disable_device(ctx->gpu[1].engine);
	}
	if (ctx->vram_map) {
		pci_iounmap(ctx->gpu[0].vram, ctx->vram_map);
		pci_disable_device(ctx->gpu[0].vram);
	}
	for (i = 0; i < ARRAY_SIZE(ctx->gpu); i++) {
		pci_dev_put(ctx->gpu[i].vram);
		pci_dev_put(ctx->gpu[i].engine);
	}
}

static struct platform_ctx *platform_require(struct kunit *test)
{
	struct platform_ctx *ctx = test->priv;

	if (!ctx->buf)
		kunit_skip(test, "needs two unbound emulated GPUs");
	return ctx;
}

/* GPU 1's engine reads GPU 0's VRAM through the address mapped for GPU 1's engine. */
static void platform_engine_reads_peer_vram_at_its_dma_address(struct kunit *test)
{
	struct platform_ctx *ctx = platform_require(test);
	struct pci_dev *engine = ctx->gpu[1].engine;
	phys_addr_t phys = pci_resource_start(ctx->gpu[0].vram, QEMU_GPU_VRAM_BAR);
	dma_addr_t addr;

	fill_pattern(ctx->vram_map, 0x5a5a0001, EDU_XFER);
	memset(ctx->buf, 0xee, EDU_XFER);
	addr = dma_map_resource(&engine->dev, phys, EDU_XFER, DMA_TO_DEVICE, 0);
	KUNIT_ASSERT_FALSE(test, dma_mapping_error(&engine->dev, addr));
	kunit_info(test, "VRAM %pa of %s is %pad for %s (%s)\n", &phys,
		   pci_name(ctx->gpu[0].vram), &addr, pci_name(engine),
		   engine_is_translated(engine) ? "IOMMU" : "direct");
	if (engine_is_translated(engine))
		KUNIT_EXPECT_NE(test, (u64)addr, (u64)phys);
	else
		KUNIT_EXPECT_EQ(test, (u64)addr, (u64)phys);

	KUNIT_EXPECT_EQ(test, edu_read(test, ctx, addr, EDU_XFER), 0);
	KUNIT_EXPECT_TRUE(test, matches_pattern(ctx->buf, 0x5a5a0001, EDU_XFER));
	dma_unmap_resource(&engine->dev, addr, EDU_XFER, DMA_TO_DEVICE, 0);
}

/*
 * Under an IOMMU the CPU physical address is not a DMA address of the engine: the read
 * faults, and the engine's buffer receives no VRAM data (QEMU hands a refused read back
 * as zeros).
 */
static void platform_iommu_refuses_cpu_physical_address(struct kunit *test)
{
	struct platform_ctx *ctx = platform_require(test);
	phys_addr_t phys = pci_resource_start(ctx->gpu[0].vram, QEMU_GPU_VRAM_BAR);
	u32 *buf = ctx->buf;
	size_t i, seen = 0;

	if (!engine_is_translated(ctx->gpu[1].engine))
		kunit_skip(test, "no IOMMU translates for %s", pci_name(ctx->gpu[1].engine));

	fill_pattern(ctx->vram_map, 0x5a5a0002, EDU_XFER);
	memset(ctx->buf, 0xc3, EDU_XFER);
	KUNIT_EXPECT_EQ(test, edu_read(test, ctx, phys, EDU_XFER), 0);
	for (i = 0; i < EDU_XFER / 4; i++)
		seen += buf[i] == (0x5a5a0002 ^ (u32)(i * 0x9e3779b9));
	KUNIT_EXPECT_EQ(test, seen, 0);
	KUNIT_EXPECT_FALSE(test, matches_pattern(ctx->buf, 0x5a5a0002, EDU_XFER));
}

static struct kunit_case platform_cases[] = {
	KUNIT_CASE(platform_engine_reads_peer_vram_at_its_dma_address),
	KUNIT_CASE(platform_iommu_refuses_cpu_physical_address),
	{}
};

static struct kunit_suite platform_suite = {
	.name = "p2p_platform",
	.init = platform_init,
	.exit = platform_exit,
	.test_cases = platform_cases,
};

kunit_test_suite(platform_suite);

MODULE_DESCRIPTION("drm-p2p: proof that emulated GPU DMA addresses behave as on hardware");
MODULE_LICENSE("GPL");

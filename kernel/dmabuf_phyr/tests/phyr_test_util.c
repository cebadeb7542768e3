// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by the dmabuf_phyr KUnit suites.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include <qemu_gpu.h>

#include "phyr_test.h"

/**
 * phyr_test_find_gpus - the emulated GPUs: ivshmem at function 0, edu at 1
 * @gpu: filled with referenced devices
 * @max: size of @gpu
 *
 * Return: the number found.
 */
unsigned int phyr_test_find_gpus(struct phyr_test_gpu *gpu, unsigned int max)
{
	struct pci_dev *vram = NULL, *engine;
	unsigned int n = 0;

	while (n < max && (vram = pci_get_device(QEMU_GPU_IVSHMEM_VENDOR,
						 QEMU_GPU_IVSHMEM_DEVICE, vram))) {
		if (PCI_FUNC(vram->devfn) != 0)
			continue;
		engine = qemu_gpu_engine_of(vram);
		if (engine) {
			gpu[n].vram = pci_dev_get(vram);
			gpu[n].engine = engine;
			n++;
		}
	}
	pci_dev_put(vram);
	return n;
}

/**
 * phyr_test_gpu_free - whether no driver owns a GPU
 * @gpu: the GPU
 *
 * drm_p2p binds function 0 and drives function 1 without binding it: a test may
 * only touch the engine (DMA mask, registers, hotplug) when neither is bound.
 *
 * Return: true when the test may use the GPU's functions directly.
 */
bool phyr_test_gpu_free(const struct phyr_test_gpu *gpu)
{
	return !gpu->vram->driver && !gpu->engine->driver;
}

void phyr_test_put_gpus(struct phyr_test_gpu *gpu, unsigned int n)
{
	while (n--) {
		pci_dev_put(gpu[n].vram);
		pci_dev_put(gpu[n].engine);
	}
}

bool phyr_test_cpu_p2p(void)
{
#ifdef CONFIG_X86
	return boot_cpu_data.x86_vendor == X86_VENDOR_AMD && boot_cpu_data.x86 >= 0x17;
#else
	return false;
#endif
}

struct phyr_test_dev {
	struct device dev;
};

static void phyr_test_dev_release(struct device *dev)
{
	kfree(container_of(dev, struct phyr_test_dev, dev));
}

static void phyr_test_device_free(struct kunit_resource *res)
{
	put_device(res->data);
}

/**
 * phyr_test_device - a device that is not PCI, released when the test ends
 * @test: the test
 * @dma_mask: its DMA mask, 0 for none
 *
 * The device is initialised but not added to the driver model: it has no bus, no
 * IOMMU and direct DMA, like a platform device without an IOMMU.
 *
 * Return: the device or an ERR_PTR.
 */
struct device *phyr_test_device(struct kunit *test, u64 dma_mask)
{
	static atomic_t seq = ATOMIC_INIT(0);
	struct phyr_test_dev *td;
	struct device *dev;
	int ret;

	td = kzalloc_obj(*td);
	if (!td)
		return ERR_PTR(-ENOMEM);
	dev = &td->dev;
	device_initialize(dev);
	dev->release = phyr_test_dev_release;
	ret = dev_set_name(dev, "phyr_test%d", atomic_inc_return(&seq));
	if (ret || !kunit_alloc_resource(test, NULL, phyr_test_device_free, GFP_KERNEL,
					 dev)) {
		put_device(dev);
		return ERR_PTR(ret ?: -ENOMEM);
	}
	if (dma_mask) {
		ret = dma_coerce_mask_and_coherent(dev, dma_mask);
		if (ret)
			return ERR_PTR(ret);
	}
	return dev;
}

struct phyr_test_edu {
	struct kunit *test;
	struct pci_dev *engine;
	void __iomem *regs;
	void *buf;
	dma_addr_t buf_dma;
};

/**
 * phyr_test_edu_open - drive an unbound edu engine
 * @test: the test
 * @engine: the edu function
 *
 * Return: the engine, or NULL when it is bound to a driver or cannot be enabled.
 */
struct phyr_test_edu *phyr_test_edu_open(struct kunit *test, struct pci_dev *engine)
{
	struct phyr_test_edu *edu;

	if (engine->driver)
		return NULL;
	edu = kzalloc_obj(*edu);
	if (!edu)
		return NULL;
	edu->test = test;
	edu->engine = engine;
	if (pci_enable_device_mem(engine))
		goto err_free;
	pci_set_master(engine);
	edu->regs = pci_iomap(engine, 0, 0);
	if (!edu->regs || dma_set_mask_and_coherent(&engine->dev, DMA_BIT_MASK(64)))
		goto err_disable;
	edu->buf = dma_alloc_coherent(&engine->dev, EDU_MAX_XFER, &edu->buf_dma, GFP_KERNEL);
	if (!edu->buf)
		goto err_disable;
	return edu;

err_disable:
	if (edu->regs)
		pci_iounmap(engine, edu->regs);
	pci_clear_master(engine);
	pci_disable_device(engine);
err_free:
	kfree(edu);
	return NULL;
}

int phyr_test_edu_read(struct phyr_test_edu *edu, dma_addr_t addr, void *out, u32 len)
{
	int ret;

	if (!len || len > EDU_MAX_XFER)
		return -EINVAL;
	memset(edu->buf, 0, len);
	ret = qemu_edu_dma_read(edu->regs, addr, edu->buf_dma, len);
	if (!ret)
		memcpy(out, edu->buf, len);
	return ret;
}

void phyr_test_edu_close(struct phyr_test_edu *edu)
{
	if (!edu)
		return;
	dma_free_coherent(&edu->engine->dev, EDU_MAX_XFER, edu->buf, edu->buf_dma);
	pci_iounmap(edu->engine, edu->regs);
	pci_clear_master(edu->engine);
	pci_disable_device(edu->engine);
	kfree(edu);
}

/* ---------------------------------------------------------------------------------
 * Test exporter
 */
static struct phyr_test_exp *exp_of(struct dma_buf *dmabuf)
{
	return phyr_dmabuf_priv(dmabuf);
}

static int texp_get_ranges(struct dma_buf *dmabuf, struct phyr_list *out)
{
	struct phyr_test_exp *exp = exp_of(dmabuf);

	exp->get_calls++;
	return phyr_list_copy(out, &exp->ranges);
}

static int texp_pin(struct dma_buf *dmabuf)
{
	exp_of(dmabuf)->pins++;
	return 0;
}

static void texp_unpin(struct dma_buf *dmabuf)
{
	exp_of(dmabuf)->pins--;
}

static int texp_fallback(struct dma_buf *dmabuf, struct device *dev)
{
	struct phyr_test_exp *exp = exp_of(dmabuf);

	struct phyr_packed_list pk;
	int ret;

	exp->fallbacks++;
	if (!exp->use_fallback)
		return -EOPNOTSUPP;
	if (exp->packed) {
		ret = phyr_list_pack(&pk, &exp->fallback_to);
		if (ret)
			return ret;
		phyr_packed_fini(&exp->pk);
		exp->pk = pk;
	}
	return phyr_list_copy(&exp->ranges, &exp->fallback_to);
}

static const struct phyr_packed_list *texp_packed_ranges(struct dma_buf *dmabuf)
{
	struct phyr_test_exp *exp = exp_of(dmabuf);

	exp->get_calls++;
	return &exp->pk;
}

static void texp_release(struct dma_buf *dmabuf)
{
	struct phyr_test_exp *exp = exp_of(dmabuf);

	if (exp->packed)
		phyr_packed_fini(&exp->pk);
	exp->released = true;
}

static const struct phyr_exporter_ops texp_ops = {
	.get_ranges = texp_get_ranges,
	.pin = texp_pin,
	.unpin = texp_unpin,
	.fallback = texp_fallback,
	.release = texp_release,
};

static const struct phyr_exporter_ops texp_packed_ops = {
	.packed_ranges = texp_packed_ranges,
	.pin = texp_pin,
	.unpin = texp_unpin,
	.fallback = texp_fallback,
	.release = texp_release,
};

/**
 * phyr_test_export - export a test buffer
 * @test: the test
 * @exp: the exporter state (ranges set by the caller; with @exp->packed set they are
 *	packed now, and the buffer is a packed_ranges one)
 * @size: buffer size
 *
 * Return: the dma-buf or an ERR_PTR.
 */
struct dma_buf *phyr_test_export(struct kunit *test, struct phyr_test_exp *exp,
				 size_t size)
{
	struct phyr_export_info info = {
		.ops = exp->packed ? &texp_packed_ops : &texp_ops,
		.priv = exp,
		.size = size,
		.flags = O_RDWR,
		.owner = THIS_MODULE,
		.exp_name = "phyr_test",
	};
	struct dma_buf *dmabuf;
	int ret;

	if (exp->packed) {
		ret = phyr_list_pack(&exp->pk, &exp->ranges);
		if (ret)
			return ERR_PTR(ret);
	}
	dmabuf = phyr_dmabuf_export(&info);
	if (IS_ERR(dmabuf) && exp->packed)
		phyr_packed_fini(&exp->pk);
	return dmabuf;
}

/**
 * phyr_test_put - drop a dma-buf reference and run the release now
 * @dmabuf: the dma-buf
 *
 * A kthread's fput() is deferred to a work item: flush it so that the exporter's
 * release has run when this returns.
 */
void phyr_test_put(struct dma_buf *dmabuf)
{
	dma_buf_put(dmabuf);
	flush_delayed_fput();
}

/* The data pattern written into VRAM with the CPU and read back with an engine. */
static u32 phyr_test_pattern_word(u32 seed, size_t i)
{
	return seed ^ (u32)(i * 0x9e3779b9);
}

void phyr_test_fill_pattern(void __iomem *dst, u32 seed, size_t len)
{
	size_t i;

	for (i = 0; i < len / 4; i++)
		writel(phyr_test_pattern_word(seed, i), dst + i * 4);
}

size_t phyr_test_count_pattern(const u32 *buf, u32 seed, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len / 4; i++)
		n += buf[i] == phyr_test_pattern_word(seed, i);
	return n;
}

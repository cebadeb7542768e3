/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * qemu_gpu.h - the emulated GPU of the test platform, as the driver and the
 * hardware tests see it.
 *
 * One PCI slot: function 0 is QEMU's ivshmem-plain, whose BAR2 is the VRAM;
 * function 1 is QEMU's edu, a DMA engine.  An edu command moves at most 2048
 * bytes between a device address and the engine's internal buffer (at 0x40000
 * in its own address space) and takes 100 ms of virtual time; 4096 bytes abort
 * QEMU 7.2 (an off-by-one in its range check).  See docs/platform.md.
 */
#ifndef _QEMU_GPU_H_
#define _QEMU_GPU_H_

#include <linux/bits.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/pci.h>

#define QEMU_GPU_IVSHMEM_VENDOR	0x1af4
#define QEMU_GPU_IVSHMEM_DEVICE	0x1110
#define QEMU_GPU_EDU_VENDOR	0x1234
#define QEMU_GPU_EDU_DEVICE	0x11e8
#define QEMU_GPU_VRAM_BAR	2

/* edu registers (BAR0) */
#define EDU_IDENT		0x00
#define EDU_IDENT_MAGIC		0xed
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_CMD_START		BIT(0)
#define EDU_CMD_TO_RAM		BIT(1)	/* internal buffer -> device address */
#define EDU_BUFFER		0x40000	/* the internal buffer, engine side */
#define EDU_MAX_XFER		2048
#define EDU_TIMEOUT_MS		3000

/**
 * qemu_gpu_engine_of() - the edu function in the slot of a VRAM function
 * @vram: function 0 of a slot
 *
 * Return: function 1 with a reference if it is an edu device, else NULL.
 */
static inline struct pci_dev *qemu_gpu_engine_of(struct pci_dev *vram)
{
	struct pci_dev *engine;

	engine = pci_get_slot(vram->bus, PCI_DEVFN(PCI_SLOT(vram->devfn), 1));
	if (engine && (engine->vendor != QEMU_GPU_EDU_VENDOR ||
		       engine->device != QEMU_GPU_EDU_DEVICE)) {
		pci_dev_put(engine);
		return NULL;
	}
	return engine;
}

/**
 * qemu_edu_dma_cmd() - one edu DMA command, polled to completion
 * @regs: the engine's BAR0
 * @src: source: a device address, or EDU_BUFFER with EDU_CMD_TO_RAM
 * @dst: destination: EDU_BUFFER, or a device address with EDU_CMD_TO_RAM
 * @len: bytes, at most EDU_MAX_XFER
 * @cmd: 0 (device address -> buffer) or EDU_CMD_TO_RAM
 *
 * Sleeps.  The address registers take 64-bit accesses only.
 *
 * Return: 0, or -ETIMEDOUT when the engine did not finish.
 */
static inline int qemu_edu_dma_cmd(void __iomem *regs, u64 src, u64 dst, u32 len, u32 cmd)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(EDU_TIMEOUT_MS);

	writeq(src, regs + EDU_DMA_SRC);
	writeq(dst, regs + EDU_DMA_DST);
	writeq(len, regs + EDU_DMA_COUNT);
	writel(cmd | EDU_CMD_START, regs + EDU_DMA_CMD);
	while (readl(regs + EDU_DMA_CMD) & EDU_CMD_START) {
		if (time_after(jiffies, timeout))
			return -ETIMEDOUT;
		usleep_range(10000, 20000);
	}
	return 0;
}

/**
 * qemu_edu_dma_read() - the engine reads device memory into a bounce buffer
 * @regs: the engine's BAR0
 * @addr: device address to read, as this engine must use it
 * @bounce: device address of a buffer the engine writes to (coherent memory)
 * @len: bytes, 1 .. EDU_MAX_XFER
 *
 * Return: 0, -EINVAL for a bad length, -ETIMEDOUT.
 */
static inline int qemu_edu_dma_read(void __iomem *regs, u64 addr, u64 bounce, u32 len)
{
	int ret;

	if (!len || len > EDU_MAX_XFER)
		return -EINVAL;
	ret = qemu_edu_dma_cmd(regs, addr, EDU_BUFFER, len, 0);
	if (!ret)
		ret = qemu_edu_dma_cmd(regs, EDU_BUFFER, bounce, len, EDU_CMD_TO_RAM);
	return ret;
}

/**
 * qemu_edu_dma_write() - the engine writes a bounce buffer to device memory
 * @regs: the engine's BAR0
 * @addr: device address to write, as this engine must use it
 * @bounce: device address of the buffer holding the data
 * @len: bytes, 1 .. EDU_MAX_XFER
 *
 * Return: 0, -EINVAL for a bad length, -ETIMEDOUT.
 */
static inline int qemu_edu_dma_write(void __iomem *regs, u64 addr, u64 bounce, u32 len)
{
	int ret;

	if (!len || len > EDU_MAX_XFER)
		return -EINVAL;
	ret = qemu_edu_dma_cmd(regs, bounce, EDU_BUFFER, len, 0);
	if (!ret)
		ret = qemu_edu_dma_cmd(regs, EDU_BUFFER, addr, len, EDU_CMD_TO_RAM);
	return ret;
}

#endif /* _QEMU_GPU_H_ */

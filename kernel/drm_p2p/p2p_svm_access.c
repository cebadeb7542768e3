// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_svm_access.c - engine operations on process virtual addresses.
 *
 * Every operation goes through the GPU page table: under the context lock
 * it checks that a whole 2 MiB piece is present (writable for a write), and
 * then the engine moves the data through the entries' DMA addresses; a piece
 * with a missing entry is faulted as a whole by one hmm_range_fault() and
 * tried again.  User buffers are only touched outside the context lock (the
 * lock is taken by the mmu notifiers, and a user copy can fault).
 */
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <uapi/drm/drm_p2p_svm.h>

#include "p2p_svm_internal.h"

#define P2P_SVM_CHUNK		P2P_SVM_RANGE_SIZE
/* give up on a piece invalidated after every one of this many faults */
#define P2P_SVM_MAX_FAULTS	1000

static int p2p_svm_piece_present(struct p2p_svm_range *r, unsigned long start,
				 unsigned long end, bool write)
{
	unsigned long i;

	for (i = (start - r->start) >> PAGE_SHIFT;
	     i < (end - r->start) >> PAGE_SHIFT; i++) {
		u64 pte = r->pte[i];

		if (!(pte & P2P_SVM_PTE_VALID) ||
		    (write && !(pte & P2P_SVM_PTE_WRITE)))
			return false;
	}
	return true;
}

static int p2p_svm_piece_xfer(struct p2p_svm_ctx *ctx, struct p2p_svm_range *r,
			      unsigned long start, unsigned long end, void *buf,
			      bool write)
{
	unsigned long i;
	int ret;

	for (i = (start - r->start) >> PAGE_SHIFT;
	     i < (end - r->start) >> PAGE_SHIFT; i++, buf += PAGE_SIZE) {
		dma_addr_t dma = p2p_svm_pte_dma(r->pte[i]);

		if (write)
			ret = p2p_svm_engine_write(ctx->sdev, dma, buf, PAGE_SIZE);
		else
			ret = p2p_svm_engine_read(ctx->sdev, dma, buf, PAGE_SIZE);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Move [start, end) between the process and @buf through the GPU page
 * table, faulting what is missing.
 */
static int p2p_svm_xfer(struct p2p_svm_ctx *ctx, unsigned long start,
			unsigned long end, void *buf, bool write,
			u64 *faults, u64 *pages)
{
	unsigned long a, b;
	int ret;

	for (a = start; a < end; a = b) {
		void *p = buf + (a - start);
		unsigned int tries = 0;

		b = min(end, (a | (P2P_SVM_RANGE_SIZE - 1)) + 1);
		for (;;) {
			struct p2p_svm_range *r = p2p_svm_range_find(ctx, a);

			mutex_lock(&ctx->lock);
			if (ctx->dead)
				ret = -ENODEV;
			else if (r && p2p_svm_piece_present(r, a, b, write))
				ret = p2p_svm_piece_xfer(ctx, r, a, b, p, write);
			else
				ret = -EAGAIN;
			mutex_unlock(&ctx->lock);
			if (ret != -EAGAIN)
				break;
			if (++tries > P2P_SVM_MAX_FAULTS)
				return -EBUSY;
			if (fatal_signal_pending(current))
				return -EINTR;
			ret = p2p_svm_ctx_fault(ctx, a, b, write, faults, pages);
			if (ret)
				return ret;
		}
		if (ret)
			return ret;
	}
	return 0;
}

static u64 p2p_svm_fnv(u64 h, const void *buf, size_t len)
{
	const __le32 *w = buf;
	size_t i;

	for (i = 0; i < len / 4; i++) {
		h ^= le32_to_cpu(w[i]);
		h *= 0x100000001b3ULL;
	}
	return h;
}

/**
 * p2p_svm_access() - run one engine operation on process memory
 * @ctx: the context (of the calling process)
 * @op: DRM_P2P_SVM_OP_*
 * @addr: destination (READ/CHECKSUM: source), page aligned
 * @size: bytes, page aligned
 * @src: COPY source address
 * @uptr: READ/WRITE user buffer
 * @value: FILL pattern in, CHECKSUM result out
 * @faults: incremented by the fault batches made
 * @pages: incremented by the entries faulted
 *
 * Return: 0 or a negative errno (see p2p_svm_ctx_fault()).
 */
int p2p_svm_access(struct p2p_svm_ctx *ctx, u32 op, unsigned long addr,
		   unsigned long size, unsigned long src,
		   void __user *uptr, u64 *value, u64 *faults, u64 *pages)
{
	unsigned long off, n, chunk = min_t(unsigned long, size, P2P_SVM_CHUNK);
	u64 h = 0xcbf29ce484222325ULL;
	__le32 *fill;
	void *buf;
	int ret = 0;

	if (op == DRM_P2P_SVM_OP_PREFETCH)
		return p2p_svm_ctx_fault(ctx, addr, addr + size, false, faults, pages);

	buf = kvmalloc(chunk, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (op == DRM_P2P_SVM_OP_FILL) {
		fill = buf;
		for (off = 0; off < chunk / 4; off++)
			fill[off] = cpu_to_le32((u32)*value);
	}

	for (off = 0; off < size && !ret; off += n) {
		n = min(chunk, size - off);
		switch (op) {
		case DRM_P2P_SVM_OP_READ:
			ret = p2p_svm_xfer(ctx, addr + off, addr + off + n, buf, false,
					   faults, pages);
			if (!ret && copy_to_user(uptr + off, buf, n))
				ret = -EFAULT;
			break;
		case DRM_P2P_SVM_OP_WRITE:
			if (copy_from_user(buf, uptr + off, n)) {
				ret = -EFAULT;
				break;
			}
			fallthrough;
		case DRM_P2P_SVM_OP_FILL:
			ret = p2p_svm_xfer(ctx, addr + off, addr + off + n, buf, true,
					   faults, pages);
			break;
		case DRM_P2P_SVM_OP_CHECKSUM:
			ret = p2p_svm_xfer(ctx, addr + off, addr + off + n, buf, false,
					   faults, pages);
			if (!ret)
				h = p2p_svm_fnv(h, buf, n);
			break;
		case DRM_P2P_SVM_OP_COPY:
			ret = p2p_svm_xfer(ctx, src + off, src + off + n, buf, false,
					   faults, pages);
			if (!ret)
				ret = p2p_svm_xfer(ctx, addr + off, addr + off + n, buf,
						   true, faults, pages);
			break;
		default:
			ret = -EINVAL;
		}
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
	}
	if (!ret && op == DRM_P2P_SVM_OP_CHECKSUM)
		*value = h;
	kvfree(buf);
	return ret;
}

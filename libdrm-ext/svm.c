// SPDX-License-Identifier: MIT
/*
 * svm.c - shared virtual memory: contexts, engine accesses to process
 * virtual addresses, migration, counters and the GPU page table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drm_p2p_priv.h"

/* the kernel reads at most this many entries per DRM_IOCTL_P2P_SVM_QUERY */
#define SVM_QUERY_CHUNK 65536u

drm_public int drm_p2p_svm_create(struct drm_p2p_device *dev, uint32_t flags, uint32_t *ctx_id)
{
	struct drm_p2p_svm_create arg;
	int ret;

	if (!dev || !ctx_id)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.flags = flags;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_SVM_CREATE, &arg);
	if (ret)
		return ret;
	*ctx_id = arg.ctx_id;
	return 0;
}

drm_public int drm_p2p_svm_destroy(struct drm_p2p_device *dev, uint32_t ctx_id)
{
	struct drm_p2p_svm_destroy arg;

	if (!dev || !ctx_id)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.ctx_id = ctx_id;
	return p2p_ioctl(dev->fd, DRM_IOCTL_P2P_SVM_DESTROY, &arg);
}

/* One DRM_IOCTL_P2P_SVM_ACCESS; @arg carries the op's fields, the rest zero. */
static int svm_access(struct drm_p2p_device *dev, struct drm_p2p_svm_access *arg,
		      struct drm_p2p_svm_faults *faults)
{
	int ret;

	if (!dev || !arg->ctx_id || !arg->addr || !arg->size)
		return -EINVAL;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_SVM_ACCESS, arg);
	if (!ret && faults) {
		faults->batches = arg->faults;
		faults->pages = arg->pages_faulted;
	}
	return ret;
}

static void svm_access_init(struct drm_p2p_svm_access *arg, uint32_t ctx_id, uint32_t op,
			    const void *addr, uint64_t size)
{
	memset(arg, 0, sizeof(*arg));
	arg->ctx_id = ctx_id;
	arg->op = op;
	arg->addr = (uintptr_t)addr;
	arg->size = size;
}

drm_public int drm_p2p_svm_read(struct drm_p2p_device *dev, uint32_t ctx_id, const void *addr,
				uint64_t size, void *buf, struct drm_p2p_svm_faults *faults)
{
	struct drm_p2p_svm_access arg;

	if (!buf)
		return -EINVAL;
	svm_access_init(&arg, ctx_id, DRM_P2P_SVM_OP_READ, addr, size);
	arg.user_ptr = (uintptr_t)buf;
	return svm_access(dev, &arg, faults);
}

drm_public int drm_p2p_svm_write(struct drm_p2p_device *dev, uint32_t ctx_id, void *addr,
				 uint64_t size, const void *buf, struct drm_p2p_svm_faults *faults)
{
	struct drm_p2p_svm_access arg;

	if (!buf)
		return -EINVAL;
	svm_access_init(&arg, ctx_id, DRM_P2P_SVM_OP_WRITE, addr, size);
	arg.user_ptr = (uintptr_t)buf;
	return svm_access(dev, &arg, faults);
}

drm_public int drm_p2p_svm_fill(struct drm_p2p_device *dev, uint32_t ctx_id, void *addr,
				uint64_t size, uint32_t pattern, struct drm_p2p_svm_faults *faults)
{
	struct drm_p2p_svm_access arg;

	svm_access_init(&arg, ctx_id, DRM_P2P_SVM_OP_FILL, addr, size);
	arg.value = pattern;
	return svm_access(dev, &arg, faults);
}

drm_public int drm_p2p_svm_checksum(struct drm_p2p_device *dev, uint32_t ctx_id,
				    const void *addr, uint64_t size, uint64_t *checksum,
				    struct drm_p2p_svm_faults *faults)
{
	struct drm_p2p_svm_access arg;
	int ret;

	if (!checksum)
		return -EINVAL;
	svm_access_init(&arg, ctx_id, DRM_P2P_SVM_OP_CHECKSUM, addr, size);
	ret = svm_access(dev, &arg, faults);
	if (!ret)
		*checksum = arg.value;
	return ret;
}

drm_public int drm_p2p_svm_copy(struct drm_p2p_device *dev, uint32_t ctx_id, void *dst,
				const void *src, uint64_t size, struct drm_p2p_svm_faults *faults)
{
	struct drm_p2p_svm_access arg;

	if (!src)
		return -EINVAL;
	svm_access_init(&arg, ctx_id, DRM_P2P_SVM_OP_COPY, dst, size);
	arg.src_addr = (uintptr_t)src;
	return svm_access(dev, &arg, faults);
}

drm_public int drm_p2p_svm_prefetch(struct drm_p2p_device *dev, uint32_t ctx_id,
				    const void *addr, uint64_t size,
				    struct drm_p2p_svm_faults *faults)
{
	struct drm_p2p_svm_access arg;

	svm_access_init(&arg, ctx_id, DRM_P2P_SVM_OP_PREFETCH, addr, size);
	return svm_access(dev, &arg, faults);
}

drm_public int64_t drm_p2p_svm_migrate(struct drm_p2p_device *dev, uint32_t ctx_id, void *addr,
				       uint64_t size, uint32_t target)
{
	struct drm_p2p_svm_migrate arg;
	int ret;

	if (!dev || !ctx_id || !addr || !size)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.ctx_id = ctx_id;
	arg.target = target;
	arg.addr = (uintptr_t)addr;
	arg.size = size;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_SVM_MIGRATE, &arg);
	return ret ? ret : (int64_t)arg.pages;
}

drm_public int drm_p2p_svm_stats(struct drm_p2p_device *dev, uint32_t ctx_id,
				 struct drm_p2p_svm_stats *stats)
{
	struct drm_p2p_svm_stats arg;
	int ret;

	if (!dev || !ctx_id || !stats)
		return -EINVAL;
	memset(&arg, 0, sizeof(arg));
	arg.ctx_id = ctx_id;
	ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_SVM_STATS, &arg);
	if (!ret)
		*stats = arg;
	return ret;
}

static void svm_entry_decode(const struct drm_p2p_svm_pte *pte, struct drm_p2p_svm_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->valid = !!(pte->flags & DRM_P2P_SVM_PTE_VALID);
	e->writable = !!(pte->flags & DRM_P2P_SVM_PTE_WRITE);
	e->kind = (pte->flags & DRM_P2P_SVM_PTE_KIND_MASK) >> DRM_P2P_SVM_PTE_KIND_SHIFT;
	e->path = (pte->flags & DRM_P2P_SVM_PTE_PATH_MASK) >> DRM_P2P_SVM_PTE_PATH_SHIFT;
	e->owner_minor = pte->peer;
	e->dma_addr = pte->dma_addr;
}

drm_public int drm_p2p_svm_query(struct drm_p2p_device *dev, uint32_t ctx_id, const void *addr,
				 uint32_t npages, struct drm_p2p_svm_entry *entries)
{
	struct drm_p2p_svm_pte *ptes;
	long page = sysconf(_SC_PAGESIZE);	/* SVM works in CPU pages */
	struct drm_p2p_svm_query arg;
	uint32_t done = 0, i, n;
	int ret = 0;

	if (!dev || !ctx_id || !addr || !npages || !entries || page <= 0)
		return -EINVAL;
	ptes = calloc(npages < SVM_QUERY_CHUNK ? npages : SVM_QUERY_CHUNK, sizeof(*ptes));
	if (!ptes)
		return -ENOMEM;
	while (done < npages) {
		n = npages - done < SVM_QUERY_CHUNK ? npages - done : SVM_QUERY_CHUNK;
		memset(&arg, 0, sizeof(arg));
		arg.ctx_id = ctx_id;
		arg.npages = n;
		arg.addr = (uintptr_t)addr + (uint64_t)done * (uint64_t)page;
		arg.ptes = (uintptr_t)ptes;
		ret = p2p_ioctl(dev->fd, DRM_IOCTL_P2P_SVM_QUERY, &arg);
		if (ret)
			break;
		for (i = 0; i < n; i++)
			svm_entry_decode(&ptes[i], &entries[done + i]);
		done += n;
	}
	free(ptes);
	return ret;
}

drm_public const char *drm_p2p_svm_kind_name(uint32_t kind)
{
	switch (kind) {
	case DRM_P2P_SVM_KIND_SYSTEM:
		return "system";
	case DRM_P2P_SVM_KIND_LOCAL:
		return "local";
	case DRM_P2P_SVM_KIND_PEER:
		return "peer";
	}
	return "unknown";
}

drm_public const char *drm_p2p_svm_path_name(uint32_t path)
{
	switch (path) {
	case DRM_P2P_SVM_PATH_DMA:
		return "dma";
	case DRM_P2P_SVM_PATH_BUS_ADDR:
		return "bus";
	case DRM_P2P_SVM_PATH_THRU_HOST_BRIDGE:
		return "host-bridge";
	}
	return "unknown";
}

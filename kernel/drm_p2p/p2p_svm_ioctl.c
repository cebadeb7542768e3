// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_svm_ioctl.c - SVM ioctls and the debugfs dump of the page tables.
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>

#include <uapi/drm/drm_p2p_svm.h>

#include "p2p_svm_internal.h"

#define P2P_SVM_QUERY_MAX	65536

static bool p2p_svm_range_ok(u64 addr, u64 size)
{
	return size && PAGE_ALIGNED(addr) && PAGE_ALIGNED(size) &&
	       addr + size > addr && addr + size <= TASK_SIZE;
}

/*
 * The context @id of @file, referenced.  @own: the caller must be the
 * context's process (its addresses are what the ioctl is about).
 */
static int p2p_svm_get(struct drm_device *drm, struct drm_file *file, u32 id,
		       bool own, struct p2p_svm_ctx **out)
{
	struct p2p_svm_device *sdev = p2p_svm_dev_from_drm(drm);
	struct p2p_svm_ctx *ctx;

	if (!sdev)
		return -EOPNOTSUPP;
	ctx = p2p_svm_ctx_lookup(sdev, file, id);
	p2p_svm_dev_put(sdev);
	if (!ctx)
		return -ENOENT;
	if (own && ctx->mm != current->mm) {
		p2p_svm_ctx_put(ctx);
		return -EACCES;
	}
	*out = ctx;
	return 0;
}

/**
 * p2p_svm_ioctl_create() - DRM_IOCTL_P2P_SVM_CREATE
 * @drm: the device
 * @data: struct drm_p2p_svm_create
 * @file: the caller's file
 *
 * Return: 0, -EINVAL for unknown flags or non-zero reserved, -EOPNOTSUPP
 * without SVM, -EEXIST, -ENODEV, -ENOMEM.
 */
int p2p_svm_ioctl_create(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_svm_create *args = data;
	struct p2p_svm_device *sdev;
	struct p2p_svm_ctx *ctx;

	if ((args->flags & ~DRM_P2P_SVM_CTX_FLAGS) || args->reserved || args->ctx_id)
		return -EINVAL;
	if (!current->mm)
		return -EINVAL;
	sdev = p2p_svm_dev_from_drm(drm);
	if (!sdev)
		return -EOPNOTSUPP;
	ctx = p2p_svm_ctx_create(sdev, file, args->flags);
	p2p_svm_dev_put(sdev);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	args->ctx_id = ctx->id;
	return 0;
}

/**
 * p2p_svm_ioctl_destroy() - DRM_IOCTL_P2P_SVM_DESTROY
 * @drm: the device
 * @data: struct drm_p2p_svm_destroy
 * @file: the caller's file
 *
 * Return: 0, -EINVAL, -ENOENT for an unknown context.
 */
int p2p_svm_ioctl_destroy(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_svm_destroy *args = data;
	struct p2p_svm_device *sdev;
	struct p2p_svm_ctx *ctx;

	if (args->pad)
		return -EINVAL;
	sdev = p2p_svm_dev_from_drm(drm);
	if (!sdev)
		return -EOPNOTSUPP;
	xa_lock(&sdev->ctxs);
	ctx = xa_load(&sdev->ctxs, args->ctx_id);
	if (ctx && ctx->file == file)
		__xa_erase(&sdev->ctxs, args->ctx_id);
	else
		ctx = NULL;
	xa_unlock(&sdev->ctxs);
	p2p_svm_dev_put(sdev);
	if (!ctx)
		return -ENOENT;
	p2p_svm_ctx_put(ctx);
	return 0;
}

static int p2p_svm_access_check(const struct drm_p2p_svm_access *a)
{
	if (a->flags || a->pad || a->faults || a->pages_faulted ||
	    !p2p_svm_range_ok(a->addr, a->size))
		return -EINVAL;
	switch (a->op) {
	case DRM_P2P_SVM_OP_READ:
	case DRM_P2P_SVM_OP_WRITE:
		if (!a->user_ptr || a->src_addr || a->value)
			return -EINVAL;
		return 0;
	case DRM_P2P_SVM_OP_FILL:
		if (a->user_ptr || a->src_addr || a->value > U32_MAX)
			return -EINVAL;
		return 0;
	case DRM_P2P_SVM_OP_CHECKSUM:
	case DRM_P2P_SVM_OP_PREFETCH:
		if (a->user_ptr || a->src_addr || a->value)
			return -EINVAL;
		return 0;
	case DRM_P2P_SVM_OP_COPY:
		if (a->user_ptr || a->value || !p2p_svm_range_ok(a->src_addr, a->size))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * p2p_svm_ioctl_access() - DRM_IOCTL_P2P_SVM_ACCESS
 * @drm: the device
 * @data: struct drm_p2p_svm_access
 * @file: the caller's file
 *
 * Return: 0 or a negative errno, see the uapi header.
 */
int p2p_svm_ioctl_access(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_svm_access *args = data;
	struct p2p_svm_ctx *ctx;
	u64 faults = 0, pages = 0, value = args->value;
	int ret;

	ret = p2p_svm_access_check(args);
	if (ret)
		return ret;
	ret = p2p_svm_get(drm, file, args->ctx_id, true, &ctx);
	if (ret)
		return ret;
	ret = p2p_svm_access(ctx, args->op, args->addr, args->size, args->src_addr,
			     u64_to_user_ptr(args->user_ptr), &value, &faults, &pages);
	p2p_svm_ctx_put(ctx);
	args->faults = faults;
	args->pages_faulted = pages;
	if (!ret && args->op == DRM_P2P_SVM_OP_CHECKSUM)
		args->value = value;
	return ret;
}

/**
 * p2p_svm_ioctl_migrate() - DRM_IOCTL_P2P_SVM_MIGRATE
 * @drm: the device
 * @data: struct drm_p2p_svm_migrate
 * @file: the caller's file
 *
 * Return: 0 or a negative errno, see the uapi header.
 */
int p2p_svm_ioctl_migrate(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_svm_migrate *args = data;
	struct p2p_svm_ctx *ctx;
	long ret;

	if (args->flags || args->pad || args->pages ||
	    !p2p_svm_range_ok(args->addr, args->size) ||
	    (args->target != DRM_P2P_SVM_MIGRATE_TO_VRAM &&
	     args->target != DRM_P2P_SVM_MIGRATE_TO_RAM))
		return -EINVAL;
	ret = p2p_svm_get(drm, file, args->ctx_id, true, &ctx);
	if (ret)
		return ret;
	if (ctx->dead)
		ret = -ENODEV;
	else if (args->target == DRM_P2P_SVM_MIGRATE_TO_VRAM)
		ret = p2p_svm_migrate_to_vram(ctx, args->addr, args->addr + args->size);
	else
		ret = p2p_svm_migrate_to_ram(ctx, args->addr, args->addr + args->size);
	p2p_svm_ctx_put(ctx);
	if (ret < 0)
		return ret;
	args->pages = ret;
	return 0;
}

/**
 * p2p_svm_ioctl_stats() - DRM_IOCTL_P2P_SVM_STATS
 * @drm: the device
 * @data: struct drm_p2p_svm_stats
 * @file: the caller's file
 *
 * Return: 0, -EINVAL, -ENOENT.
 */
int p2p_svm_ioctl_stats(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_svm_stats *s = data;
	struct p2p_svm_device *sdev;
	struct p2p_svm_ctx *ctx;
	u32 id = s->ctx_id;
	int ret;

	if (s->pad)
		return -EINVAL;
	ret = p2p_svm_get(drm, file, id, false, &ctx);
	if (ret)
		return ret;
	sdev = ctx->sdev;
	memset(s, 0, sizeof(*s));
	s->ctx_id = id;
	s->faults = atomic64_read(&ctx->faults);
	s->pages_faulted = atomic64_read(&ctx->pages_faulted);
	s->pages_to_vram = atomic64_read(&ctx->pages_to_vram);
	s->pages_to_ram = atomic64_read(&ctx->pages_to_ram);
	s->bytes_migrated = atomic64_read(&ctx->bytes_migrated);
	s->peer_mappings = atomic64_read(&ctx->peer_mappings);
	s->local_mappings = atomic64_read(&ctx->local_mappings);
	s->invalidations = atomic64_read(&ctx->invalidations);
	s->dev_cpu_faults = atomic64_read(&sdev->cpu_faults);
	s->dev_evictions = atomic64_read(&sdev->evictions);
	s->dev_vram_pages = sdev->npages;
	s->dev_vram_used = sdev->npages - p2p_svm_vram_free_pages(sdev);
	s->dev_owner = p2p_svm_group_id(sdev);
	p2p_svm_ctx_put(ctx);
	return 0;
}

static struct drm_p2p_svm_pte p2p_svm_pte_uapi(u64 pte, bool admin)
{
	struct drm_p2p_svm_pte u = { 0 };
	u32 kind;

	if (!(pte & P2P_SVM_PTE_VALID))
		return u;
	kind = FIELD_GET(P2P_SVM_PTE_KIND, pte);
	u.flags = DRM_P2P_SVM_PTE_VALID |
		  ((pte & P2P_SVM_PTE_WRITE) ? DRM_P2P_SVM_PTE_WRITE : 0) |
		  (kind << DRM_P2P_SVM_PTE_KIND_SHIFT) |
		  ((u32)FIELD_GET(P2P_SVM_PTE_PATH, pte) << DRM_P2P_SVM_PTE_PATH_SHIFT);
	if (kind != DRM_P2P_SVM_KIND_SYSTEM)
		u.peer = p2p_svm_dev_minor(FIELD_GET(P2P_SVM_PTE_PEER, pte));
	if (admin)
		u.dma_addr = p2p_svm_pte_dma(pte);
	return u;
}

/**
 * p2p_svm_ioctl_query() - DRM_IOCTL_P2P_SVM_QUERY
 * @drm: the device
 * @data: struct drm_p2p_svm_query
 * @file: the caller's file
 *
 * Return: 0, -EINVAL, -ENOENT, -EFAULT, -ENOMEM.
 */
int p2p_svm_ioctl_query(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_p2p_svm_query *q = data;
	bool admin = capable(CAP_SYS_ADMIN);
	struct drm_p2p_svm_pte *out;
	struct p2p_svm_ctx *ctx;
	unsigned long i;
	int ret;

	if (!q->npages || q->npages > P2P_SVM_QUERY_MAX || !q->ptes ||
	    !p2p_svm_range_ok(q->addr, (u64)q->npages << PAGE_SHIFT))
		return -EINVAL;
	ret = p2p_svm_get(drm, file, q->ctx_id, false, &ctx);
	if (ret)
		return ret;
	out = kvcalloc(q->npages, sizeof(*out), GFP_KERNEL);
	if (!out) {
		p2p_svm_ctx_put(ctx);
		return -ENOMEM;
	}
	for (i = 0; i < q->npages; i++) {
		unsigned long addr = q->addr + (i << PAGE_SHIFT);
		struct p2p_svm_range *r = p2p_svm_range_find(ctx, addr);
		u64 pte = 0;

		if (r) {
			mutex_lock(&ctx->lock);
			pte = r->pte[(addr - r->start) >> PAGE_SHIFT];
			mutex_unlock(&ctx->lock);
		}
		out[i] = p2p_svm_pte_uapi(pte, admin);
	}
	p2p_svm_ctx_put(ctx);
	if (copy_to_user(u64_to_user_ptr(q->ptes), out, q->npages * sizeof(*out)))
		ret = -EFAULT;
	kvfree(out);
	return ret;
}

static const char * const p2p_svm_kind_name[] = { "system", "local", "peer", "?" };
static const char * const p2p_svm_path_name[] = {
	"dma", "bus_addr", "thru_host_bridge", "?"
};

static void p2p_svm_show_ctx(struct seq_file *m, struct p2p_svm_ctx *ctx)
{
	struct p2p_svm_range *r;
	unsigned long idx, i;

	seq_printf(m, "context %u pid %d%s%s faults %lld pages %lld to_vram %lld to_ram %lld peer %lld local %lld inval %lld\n",
		   ctx->id, ctx->pid,
		   (ctx->flags & DRM_P2P_SVM_CTX_NO_PEER) ? " no-peer" : "",
		   ctx->dead ? " dead" : "",
		   atomic64_read(&ctx->faults), atomic64_read(&ctx->pages_faulted),
		   atomic64_read(&ctx->pages_to_vram), atomic64_read(&ctx->pages_to_ram),
		   atomic64_read(&ctx->peer_mappings), atomic64_read(&ctx->local_mappings),
		   atomic64_read(&ctx->invalidations));
	mutex_lock(&ctx->lock);
	xa_for_each(&ctx->ranges, idx, r) {
		for (i = 0; i < P2P_SVM_RANGE_PAGES; i++) {
			u64 pte = r->pte[i];
			u64 kind = FIELD_GET(P2P_SVM_PTE_KIND, pte);
			dma_addr_t dma = p2p_svm_pte_dma(pte);

			if (!(pte & P2P_SVM_PTE_VALID))
				continue;
			seq_printf(m, "  %#016lx %s %-6s %-16s", r->start + (i << PAGE_SHIFT),
				   (pte & P2P_SVM_PTE_WRITE) ? "rw" : "r-",
				   p2p_svm_kind_name[kind],
				   p2p_svm_path_name[FIELD_GET(P2P_SVM_PTE_PATH, pte)]);
			if (kind != DRM_P2P_SVM_KIND_SYSTEM)
				seq_printf(m, " gpu%llu", FIELD_GET(P2P_SVM_PTE_PEER, pte));
			seq_printf(m, " dma %pad\n", &dma);
		}
	}
	mutex_unlock(&ctx->lock);
}

static int p2p_svm_debugfs_show(struct seq_file *m, void *unused)
{
	struct p2p_svm_device *sdev = m->private;
	struct p2p_svm_ctx *ctx;
	u64 allocated, freed;
	unsigned long id;
	unsigned int i;

	seq_printf(m, "gpu%u owner group %u vram %pa + %llu MiB, %lu/%lu pages used, cpu faults %lld, evictions %lld\n",
		   sdev->index, p2p_svm_group_id(sdev), &sdev->vram_phys,
		   sdev->vram_size >> 20, sdev->npages - p2p_svm_vram_free_pages(sdev),
		   sdev->npages, atomic64_read(&sdev->cpu_faults),
		   atomic64_read(&sdev->evictions));
	spin_lock(&sdev->alloc_lock);
	allocated = sdev->pages_allocated;
	freed = sdev->folio_frees;
	spin_unlock(&sdev->alloc_lock);
	seq_printf(m, "pages allocated %llu folio_free %llu\n", allocated, freed);
	for (i = 0; i < P2P_SVM_MAX_DEVS; i++) {
		struct p2p_svm_peer *w = &sdev->peer[i];

		if (READ_ONCE(w->mapped))
			seq_printf(m, "window gpu%u %s dma %pad\n", i,
				   p2p_svm_path_name[w->path], &w->dma);
	}

	xa_lock(&sdev->ctxs);
	xa_for_each(&sdev->ctxs, id, ctx) {
		kref_get(&ctx->ref);
		xa_unlock(&sdev->ctxs);
		p2p_svm_show_ctx(m, ctx);
		p2p_svm_ctx_put(ctx);
		xa_lock(&sdev->ctxs);
	}
	xa_unlock(&sdev->ctxs);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(p2p_svm_debugfs);

/**
 * p2p_svm_debugfs_init() - add the "svm" file (page tables of every context)
 * @svm: the SVM device
 * @root: the DRM minor's debugfs directory
 *
 * The file goes with @root (drm_dev_unregister()), which must happen before
 * p2p_svm_device_unregister().
 */
void p2p_svm_debugfs_init(struct p2p_svm_device *svm, struct dentry *root)
{
	if (IS_ERR_OR_NULL(svm))
		return;
	debugfs_create_file("svm", 0444, root, svm, &p2p_svm_debugfs_fops);
}

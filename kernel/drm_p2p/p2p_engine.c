// SPDX-License-Identifier: GPL-2.0-only
/*
 * The GPU's bulk engine: fill, copy and checksum jobs on BOs.
 *
 * Jobs are prepared at submission (BOs looked up, imported buffers mapped for the
 * engine, the ranges the engine addresses snapshot, dependencies collected from the
 * reservation objects), then executed in order on the device's ordered workqueue and
 * completed through a dma_fence that sits in the BOs' reservation objects and, on
 * request, in a drm_syncobj.
 *
 * Execution addresses memory as the hardware would: the GPU's own VRAM by VRAM
 * offset (the internal path), everything else by the DMA address the engine was
 * given, resolved by p2p_fabric_access().  The execution is a fence signalling
 * critical section: no allocation, no lock that is held while waiting for a fence.
 */
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/unaligned.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>
#include <uapi/drm/drm_p2p_drm.h>

#include "p2p_drv.h"

/* How long a job waits for the fences it depends on. */
#define P2P_DEP_TIMEOUT_MS	30000

enum p2p_job_op {
	P2P_JOB_FILL,
	P2P_JOB_COPY,
	P2P_JOB_CHECKSUM,
};

struct p2p_operand {
	struct p2p_bo *bo;
	u64 offset;
	struct p2p_seg *segs;
	unsigned int nr;
};

struct p2p_job {
	struct kref ref;
	struct work_struct work;
	struct p2p_device *p2p;
	struct dma_fence *fence;
	enum p2p_job_op op;
	u32 pattern;
	u64 size;
	struct p2p_operand src;
	struct p2p_operand dst;
	struct dma_fence **deps;
	unsigned int nr_deps;
	void *bounce;
	u64 result;
};

struct seg_cursor {
	const struct p2p_seg *segs;
	unsigned int nr;
	unsigned int i;
	u64 off;
};

static const char *p2p_fence_driver_name(struct dma_fence *fence)
{
	return P2P_DRIVER_NAME;
}

static const char *p2p_fence_timeline_name(struct dma_fence *fence)
{
	return "engine";
}

static const struct dma_fence_ops p2p_fence_ops = {
	.get_driver_name = p2p_fence_driver_name,
	.get_timeline_name = p2p_fence_timeline_name,
};

/* The next piece of the operand: at most @max bytes, never across a page. */
static u64 cursor_chunk(struct seg_cursor *c, u64 max, const struct p2p_seg **seg)
{
	const struct p2p_seg *s = &c->segs[c->i];
	u64 addr = s->addr + c->off;

	*seg = s;
	max = min(max, s->len - c->off);
	return min_t(u64, max, PAGE_SIZE - offset_in_page(addr));
}

static void cursor_advance(struct seg_cursor *c, u64 len)
{
	c->off += len;
	if (c->off == c->segs[c->i].len) {
		c->i++;
		c->off = 0;
	}
}

static int engine_access(struct p2p_device *p2p, const struct p2p_seg *s, u64 off,
			 void *buf, size_t len, bool write)
{
	u64 addr = s->addr + off;

	if (s->path == DRM_P2P_PATH_LOCAL) {
		if (write)
			memcpy_toio(p2p->vram_io + addr, buf, len);
		else
			memcpy_fromio(buf, p2p->vram_io + addr, len);
		return 0;
	}
	return p2p_fabric_access(p2p, addr, buf, len, write);
}

static u64 fnv1a_words(u64 h, const u8 *p, size_t len, u8 *carry, unsigned int *nc)
{
	size_t i;

	for (i = 0; i < len; i++) {
		carry[(*nc)++] = p[i];
		if (*nc == 4) {
			h ^= get_unaligned_le32(carry);
			h *= DRM_P2P_FNV64_PRIME;
			*nc = 0;
		}
	}
	return h;
}

static int job_run(struct p2p_job *job)
{
	struct p2p_device *p2p = job->p2p;
	struct seg_cursor src = { .segs = job->src.segs, .nr = job->src.nr };
	struct seg_cursor dst = { .segs = job->dst.segs, .nr = job->dst.nr };
	const struct p2p_seg *ss, *ds;
	u64 left = job->size, h = DRM_P2P_FNV64_OFFSET;
	unsigned int nc = 0;
	u8 carry[4];
	__le32 *words;
	size_t i;
	int ret;

	if (job->op == P2P_JOB_FILL) {
		words = job->bounce;
		for (i = 0; i < PAGE_SIZE / 4; i++)
			words[i] = cpu_to_le32(job->pattern);
	}

	while (left) {
		u64 len, soff, doff;

		switch (job->op) {
		case P2P_JOB_FILL:
			len = cursor_chunk(&dst, left, &ds);
			ret = engine_access(p2p, ds, dst.off, job->bounce, len, true);
			cursor_advance(&dst, len);
			break;
		case P2P_JOB_COPY:
			len = cursor_chunk(&src, left, &ss);
			len = cursor_chunk(&dst, len, &ds);
			soff = src.off;
			doff = dst.off;
			ret = engine_access(p2p, ss, soff, job->bounce, len, false);
			if (!ret)
				ret = engine_access(p2p, ds, doff, job->bounce, len, true);
			cursor_advance(&src, len);
			cursor_advance(&dst, len);
			break;
		case P2P_JOB_CHECKSUM:
			len = cursor_chunk(&src, left, &ss);
			ret = engine_access(p2p, ss, src.off, job->bounce, len, false);
			h = fnv1a_words(h, job->bounce, len, carry, &nc);
			cursor_advance(&src, len);
			break;
		default:
			return -EINVAL;
		}
		if (ret)
			return ret;
		left -= len;
	}
	job->result = h;
	return 0;
}

static void job_release(struct kref *ref)
{
	struct p2p_job *job = container_of(ref, struct p2p_job, ref);
	unsigned int i;

	for (i = 0; i < job->nr_deps; i++)
		dma_fence_put(job->deps[i]);
	kfree(job->deps);
	kfree(job->src.segs);
	kfree(job->dst.segs);
	if (job->src.bo)
		drm_gem_object_put(&job->src.bo->base);
	if (job->dst.bo)
		drm_gem_object_put(&job->dst.bo->base);
	/*
	 * A fence that was never initialised is a bare allocation.  Its ops cannot
	 * tell: dma_fence_signal() detaches them from a fence without .release.
	 */
	if (dma_fence_was_initialized(job->fence))
		dma_fence_put(job->fence);
	else
		kfree(job->fence);
	kfree(job->bounce);
	kfree(job);
}

static void job_work(struct work_struct *work)
{
	struct p2p_job *job = container_of(work, struct p2p_job, work);
	unsigned int i;
	bool cookie;
	int ret;

	/*
	 * Dependencies first, outside the signalling section.  A dependency that never
	 * signals (e.g. a sw_sync fence imported into the dma-buf) fails the job after
	 * P2P_DEP_TIMEOUT_MS instead of blocking the engine forever.
	 */
	ret = 0;
	for (i = 0; i < job->nr_deps && !ret; i++)
		if (!dma_fence_wait_timeout(job->deps[i], false,
					    msecs_to_jiffies(P2P_DEP_TIMEOUT_MS)))
			ret = -ETIMEDOUT;

	cookie = dma_fence_begin_signalling();
	if (!ret)
		ret = job_run(job);
	if (ret)
		dma_fence_set_error(job->fence, ret);
	dma_fence_signal(job->fence);
	dma_fence_end_signalling(cookie);

	kref_put(&job->ref, job_release);
}

/* Resolve @handle into a referenced BO and check [@offset, @offset + @size). */
static int operand_lookup(struct drm_file *file, u32 handle, u64 offset, u64 size,
			  struct p2p_operand *op)
{
	struct drm_gem_object *obj;
	u64 end;

	obj = drm_gem_object_lookup(file, handle);
	if (!obj)
		return -ENOENT;
	op->bo = to_p2p_bo(obj);
	op->offset = offset;
	if (!size || check_add_overflow(offset, size, &end) || end > obj->size)
		return -EINVAL;
	return 0;
}

static int operand_prepare(struct p2p_operand *op, u64 size)
{
	int ret;

	if (p2p_bo_is_import(op->bo)) {
		ret = p2p_import_ensure_mapped(op->bo);
		if (ret)
			return ret;
	}
	return p2p_bo_segs(op->bo, op->offset, size, &op->segs, &op->nr);
}

static int collect_deps(struct p2p_job *job, struct dma_resv *resv, bool write)
{
	struct dma_fence **fences, **all;
	unsigned int n, i;
	int ret;

	ret = dma_resv_get_fences(resv, dma_resv_usage_rw(write), &n, &fences);
	if (ret || !n)
		return ret;
	all = krealloc_array(job->deps, job->nr_deps + n, sizeof(*all), GFP_KERNEL);
	if (!all) {
		for (i = 0; i < n; i++)
			dma_fence_put(fences[i]);
		kfree(fences);
		return -ENOMEM;
	}
	memcpy(all + job->nr_deps, fences, n * sizeof(*fences));
	job->deps = all;
	job->nr_deps += n;
	kfree(fences);
	return 0;
}

/*
 * Lock the operands' reservation objects, map and snapshot, add the fence, queue.
 * Returns with the job queued (one reference for the worker) or an error.
 */
static int job_submit(struct p2p_job *job)
{
	struct p2p_device *p2p = job->p2p;
	struct drm_gem_object *objs[2];
	bool write[2] = {};
	unsigned int nobj = 0, i;
	struct ww_acquire_ctx ctx;
	int ret, idx;

	if (job->src.bo) {
		objs[nobj] = &job->src.bo->base;
		write[nobj++] = false;
	}
	if (job->dst.bo) {
		if (nobj && objs[0]->resv == job->dst.bo->base.resv) {
			write[0] = true;
		} else {
			objs[nobj] = &job->dst.bo->base;
			write[nobj++] = true;
		}
	}

	ret = drm_gem_lock_reservations(objs, nobj, &ctx);
	if (ret)
		return ret;
	if (job->src.bo) {
		ret = operand_prepare(&job->src, job->size);
		if (ret)
			goto unlock;
	}
	if (job->dst.bo) {
		ret = operand_prepare(&job->dst, job->size);
		if (ret)
			goto unlock;
	}
	for (i = 0; i < nobj; i++) {
		ret = dma_resv_reserve_fences(objs[i]->resv, 1);
		if (ret)
			goto unlock;
		ret = collect_deps(job, objs[i]->resv, write[i]);
		if (ret)
			goto unlock;
	}

	if (!drm_dev_enter(&p2p->drm, &idx)) {
		ret = -ENODEV;
		goto unlock;
	}
	mutex_lock(&p2p->submit_lock);
	dma_fence_init(job->fence, &p2p_fence_ops, NULL, p2p->fence_context,
		       ++p2p->fence_seqno);
	for (i = 0; i < nobj; i++)
		dma_resv_add_fence(objs[i]->resv, job->fence,
				   write[i] ? DMA_RESV_USAGE_WRITE : DMA_RESV_USAGE_READ);
	kref_get(&job->ref);
	queue_work(p2p->wq, &job->work);
	mutex_unlock(&p2p->submit_lock);
	drm_dev_exit(idx);
unlock:
	drm_gem_unlock_reservations(objs, nobj, &ctx);
	return ret;
}

static struct p2p_job *job_alloc(struct p2p_device *p2p, enum p2p_job_op op, u64 size)
{
	struct p2p_job *job;

	job = kzalloc_obj(*job);
	if (!job)
		return NULL;
	kref_init(&job->ref);
	INIT_WORK(&job->work, job_work);
	job->p2p = p2p;
	job->op = op;
	job->size = size;
	job->bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	job->fence = kzalloc_obj(*job->fence);
	if (!job->bounce || !job->fence) {
		kref_put(&job->ref, job_release);
		return NULL;
	}
	return job;
}

/*
 * Submit, hand the fence to the syncobj, optionally wait.  Consumes the job
 * reference of the caller.
 */
static int job_execute(struct p2p_job *job, struct drm_file *file, u32 out_syncobj,
		       bool wait, u64 *result)
{
	struct drm_syncobj *syncobj = NULL;
	int ret;

	if (out_syncobj) {
		syncobj = drm_syncobj_find(file, out_syncobj);
		if (!syncobj) {
			ret = -ENOENT;
			goto out;
		}
	}
	ret = job_submit(job);
	if (ret)
		goto out;
	if (syncobj)
		drm_syncobj_replace_fence(syncobj, job->fence);
	if (wait) {
		long r = dma_fence_wait(job->fence, true);

		if (r) {
			ret = r;
			goto out;
		}
		ret = job->fence->error;
		if (!ret && result)
			*result = job->result;
	}
out:
	if (syncobj)
		drm_syncobj_put(syncobj);
	kref_put(&job->ref, job_release);
	return ret;
}

/**
 * p2p_engine_fill - DRM_IOCTL_P2P_FILL
 * @p2p: the GPU
 * @file: the caller's DRM file
 * @args: the request
 *
 * Return: 0 or a negative errno.
 */
int p2p_engine_fill(struct p2p_device *p2p, struct drm_file *file, struct drm_p2p_fill *args)
{
	struct p2p_job *job;
	int ret;

	if (args->flags & ~DRM_P2P_EXEC_SYNC || args->reserved ||
	    !IS_ALIGNED(args->offset | args->size, 4))
		return -EINVAL;
	job = job_alloc(p2p, P2P_JOB_FILL, args->size);
	if (!job)
		return -ENOMEM;
	job->pattern = args->pattern;
	ret = operand_lookup(file, args->handle, args->offset, args->size, &job->dst);
	if (ret) {
		kref_put(&job->ref, job_release);
		return ret;
	}
	return job_execute(job, file, args->out_syncobj, args->flags & DRM_P2P_EXEC_SYNC,
			   NULL);
}

static bool ranges_overlap(u64 a, u64 b, u64 len)
{
	return a < b + len && b < a + len;
}

/**
 * p2p_engine_copy - DRM_IOCTL_P2P_COPY
 * @p2p: the GPU
 * @file: the caller's DRM file
 * @args: the request
 *
 * Return: 0 or a negative errno.
 */
int p2p_engine_copy(struct p2p_device *p2p, struct drm_file *file, struct drm_p2p_copy *args)
{
	struct p2p_job *job;
	int ret;

	if (args->flags & ~DRM_P2P_EXEC_SYNC)
		return -EINVAL;
	job = job_alloc(p2p, P2P_JOB_COPY, args->size);
	if (!job)
		return -ENOMEM;
	ret = operand_lookup(file, args->src_handle, args->src_offset, args->size, &job->src);
	if (!ret)
		ret = operand_lookup(file, args->dst_handle, args->dst_offset, args->size,
				     &job->dst);
	if (!ret && job->src.bo == job->dst.bo &&
	    ranges_overlap(args->src_offset, args->dst_offset, args->size))
		ret = -EINVAL;
	if (ret) {
		kref_put(&job->ref, job_release);
		return ret;
	}
	return job_execute(job, file, args->out_syncobj, args->flags & DRM_P2P_EXEC_SYNC,
			   NULL);
}

/**
 * p2p_engine_checksum - DRM_IOCTL_P2P_CHECKSUM
 * @p2p: the GPU
 * @file: the caller's DRM file
 * @args: the request
 *
 * Return: 0 or a negative errno.
 */
int p2p_engine_checksum(struct p2p_device *p2p, struct drm_file *file,
			struct drm_p2p_checksum *args)
{
	struct p2p_job *job;
	int ret;

	if (args->flags || !IS_ALIGNED(args->offset | args->size, 4))
		return -EINVAL;
	job = job_alloc(p2p, P2P_JOB_CHECKSUM, args->size);
	if (!job)
		return -ENOMEM;
	ret = operand_lookup(file, args->handle, args->offset, args->size, &job->src);
	if (ret) {
		kref_put(&job->ref, job_release);
		return ret;
	}
	return job_execute(job, file, 0, true, &args->checksum);
}

/**
 * p2p_engine_init - set up the engine's queue and fence timeline
 * @p2p: the GPU
 *
 * Return: 0 or -ENOMEM.
 */
int p2p_engine_init(struct p2p_device *p2p)
{
	mutex_init(&p2p->submit_lock);
	p2p->fence_context = dma_fence_context_alloc(1);
	p2p->wq = alloc_ordered_workqueue("drm_p2p-%s", 0, pci_name(p2p->pdev));
	return p2p->wq ? 0 : -ENOMEM;
}

/**
 * p2p_engine_fini - run the queued jobs to completion and stop the engine
 * @p2p: the GPU; no job may be submitted any more
 */
void p2p_engine_fini(struct p2p_device *p2p)
{
	if (!p2p->wq)
		return;
	destroy_workqueue(p2p->wq);
	p2p->wq = NULL;
}

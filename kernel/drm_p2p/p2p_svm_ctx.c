// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_svm_ctx.c - an SVM context: one process address space mirrored by one
 * GPU.  The GPU page table is a two-level software table: an xarray of 2 MiB
 * ranges keyed by virtual address, each range with one
 * mmu_interval_notifier and 512 entries.  Entries are filled by
 * hmm_range_fault() under the notifier's read_begin/retry protocol and
 * cleared by the notifier on every invalidation (munmap, mprotect, COW,
 * migration, madvise, exit), including MMU_NOTIFY_MIGRATE ones: an owner
 * shared by several GPUs says nothing about which GPU migrates, so no
 * invalidation is ever skipped.
 */
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <uapi/drm/drm_p2p_svm.h>

#include "p2p_svm_internal.h"

#define CREATE_TRACE_POINTS
#include "p2p_svm_trace.h"

/*
 * hmm_range_fault() is retried while the range keeps changing under it.  Each
 * -EBUSY means the world moved (often our own faults migrating pages back
 * from another GPU, one invalidation each), so the "no progress" timer
 * restarts then; a hard limit bounds a range that never settles.
 */
#define P2P_SVM_FAULT_IDLE_MS		5000
#define P2P_SVM_FAULT_HARD_MS		120000

static u64 p2p_svm_pte_kind(u64 pte)
{
	return FIELD_GET(P2P_SVM_PTE_KIND, pte);
}

/*
 * System pages are mapped for the engine as long as the entry lives:
 * read-only entries DMA_TO_DEVICE, writable ones DMA_BIDIRECTIONAL.  The
 * engine is cache coherent and a page may legitimately be mapped by several
 * GPUs (or contexts) at once, so no CPU cache maintenance is asked for.
 */
static enum dma_data_direction p2p_svm_pte_dir(u64 pte)
{
	return (pte & P2P_SVM_PTE_WRITE) ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE;
}

static void p2p_svm_pte_unmap(struct p2p_svm_ctx *ctx, u64 pte)
{
	if ((pte & P2P_SVM_PTE_VALID) &&
	    p2p_svm_pte_kind(pte) == DRM_P2P_SVM_KIND_SYSTEM)
		dma_unmap_page_attrs(ctx->sdev->engine, p2p_svm_pte_dma(pte),
				     PAGE_SIZE, p2p_svm_pte_dir(pte),
				     DMA_ATTR_SKIP_CPU_SYNC);
}

/* Under ctx->lock: clear one entry, releasing its system page mapping. */
static void p2p_svm_pte_clear(struct p2p_svm_ctx *ctx, u64 *pte)
{
	p2p_svm_pte_unmap(ctx, *pte);
	*pte = 0;
}

/* Under ctx->lock; returns the number of entries that were valid. */
static unsigned long p2p_svm_range_clear(struct p2p_svm_ctx *ctx,
					 struct p2p_svm_range *r,
					 unsigned long start, unsigned long end)
{
	unsigned long i, n = 0;

	start = max(start, r->start);
	end = min(end, r->start + P2P_SVM_RANGE_SIZE);
	for (i = (start - r->start) >> PAGE_SHIFT;
	     i < (end - r->start) >> PAGE_SHIFT; i++) {
		if (r->pte[i] & P2P_SVM_PTE_VALID)
			n++;
		p2p_svm_pte_clear(ctx, &r->pte[i]);
	}
	return n;
}

static bool p2p_svm_invalidate(struct mmu_interval_notifier *mni,
			       const struct mmu_notifier_range *range,
			       unsigned long cur_seq)
{
	struct p2p_svm_range *r = container_of(mni, struct p2p_svm_range, notifier);
	struct p2p_svm_ctx *ctx = r->ctx;
	unsigned long n;

	if (mmu_notifier_range_blockable(range))
		mutex_lock(&ctx->lock);
	else if (!mutex_trylock(&ctx->lock))
		return false;

	mmu_interval_set_seq(mni, cur_seq);
	n = p2p_svm_range_clear(ctx, r, range->start, range->end);
	atomic64_inc(&ctx->invalidations);
	trace_p2p_svm_invalidate(ctx->sdev->index, ctx->id, range->start, range->end,
				 range->event, n);

	mutex_unlock(&ctx->lock);
	return true;
}

static const struct mmu_interval_notifier_ops p2p_svm_notifier_ops = {
	.invalidate = p2p_svm_invalidate,
};

/**
 * p2p_svm_range_find() - the range holding an address, if it exists
 * @ctx: the context
 * @addr: a virtual address
 *
 * Return: the range or NULL.  Ranges live as long as the context.
 */
struct p2p_svm_range *p2p_svm_range_find(struct p2p_svm_ctx *ctx,
					 unsigned long addr)
{
	return xa_load(&ctx->ranges, addr >> P2P_SVM_RANGE_SHIFT);
}

static struct p2p_svm_range *p2p_svm_range_get(struct p2p_svm_ctx *ctx,
					       unsigned long addr)
{
	struct p2p_svm_range *r, *old;
	int ret;

	r = p2p_svm_range_find(ctx, addr);
	if (r)
		return r;

	r = kzalloc_obj(*r);
	if (!r)
		return ERR_PTR(-ENOMEM);
	mutex_init(&r->fault_lock);
	r->ctx = ctx;
	r->start = addr & ~(P2P_SVM_RANGE_SIZE - 1);
	ret = mmu_interval_notifier_insert(&r->notifier, ctx->mm, r->start,
					   P2P_SVM_RANGE_SIZE, &p2p_svm_notifier_ops);
	if (ret) {
		mutex_destroy(&r->fault_lock);
		kfree(r);
		return ERR_PTR(ret);
	}
	old = xa_cmpxchg(&ctx->ranges, addr >> P2P_SVM_RANGE_SHIFT, NULL, r,
			 GFP_KERNEL);
	if (old) {
		/* lost a race with another thread, or no memory */
		mmu_interval_notifier_remove(&r->notifier);
		mutex_destroy(&r->fault_lock);
		kfree(r);
		return xa_is_err(old) ? ERR_PTR(xa_err(old)) : old;
	}
	return r;
}

/* Build the entry for one hmm pfn; system pages get mapped for the engine. */
static int p2p_svm_mkpte(struct p2p_svm_ctx *ctx, unsigned long hpfn, u64 *pte)
{
	struct p2p_svm_device *sdev = ctx->sdev;
	struct page *page = hmm_pfn_to_page(hpfn);
	struct p2p_svm_device *owner = p2p_svm_dev_of_page(page);
	u64 flags = P2P_SVM_PTE_VALID;
	dma_addr_t dma;

	if (hpfn & HMM_PFN_WRITE)
		flags |= P2P_SVM_PTE_WRITE;
	if (owner) {
		/* resolved against the window under ctx->lock, see install */
		*pte = flags | FIELD_PREP(P2P_SVM_PTE_PEER, owner->index) |
		       FIELD_PREP(P2P_SVM_PTE_KIND, owner == sdev ?
				  DRM_P2P_SVM_KIND_LOCAL : DRM_P2P_SVM_KIND_PEER) |
		       ((u64)p2p_svm_vram_index(owner, page) << PAGE_SHIFT);
		return 0;
	}
	if (is_zone_device_page(page))
		return -EREMOTEIO;
	if (p2p_svm_map_page(sdev, page, p2p_svm_pte_dir(flags),
			     DMA_ATTR_SKIP_CPU_SYNC, &dma))
		return -ENOMEM;
	if (WARN_ON_ONCE(!PAGE_ALIGNED(dma))) {
		dma_unmap_page_attrs(sdev->engine, dma, PAGE_SIZE,
				     p2p_svm_pte_dir(flags), DMA_ATTR_SKIP_CPU_SYNC);
		return -EIO;
	}
	*pte = flags | FIELD_PREP(P2P_SVM_PTE_KIND, DRM_P2P_SVM_KIND_SYSTEM) |
	       FIELD_PREP(P2P_SVM_PTE_PATH, DRM_P2P_SVM_PATH_DMA) | dma;
	return 0;
}

static void p2p_svm_unmap_built(struct p2p_svm_ctx *ctx, u64 *ptes,
				unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		p2p_svm_pte_unmap(ctx, ptes[i]);
		ptes[i] = 0;
	}
}

/*
 * Under ctx->lock with a valid notifier sequence: turn VRAM entries into
 * engine addresses through the windows (which a departing GPU clears before
 * dropping entries under this lock) and store everything.
 */
static int p2p_svm_install(struct p2p_svm_ctx *ctx, struct p2p_svm_range *r,
			   unsigned long start, u64 *ptes, unsigned long n)
{
	struct p2p_svm_device *sdev = ctx->sdev;
	unsigned long first = (start - r->start) >> PAGE_SHIFT;
	unsigned long i, peer = 0, local = 0;

	for (i = 0; i < n; i++) {
		u64 kind = p2p_svm_pte_kind(ptes[i]);
		struct p2p_svm_peer *w;

		if (kind == DRM_P2P_SVM_KIND_SYSTEM)
			continue;
		w = &sdev->peer[FIELD_GET(P2P_SVM_PTE_PEER, ptes[i])];
		if (!READ_ONCE(w->mapped))
			return -EAGAIN;
	}
	for (i = 0; i < n; i++) {
		u64 pte = ptes[i];
		u64 kind = p2p_svm_pte_kind(pte);

		if (kind != DRM_P2P_SVM_KIND_SYSTEM) {
			struct p2p_svm_peer *w =
				&sdev->peer[FIELD_GET(P2P_SVM_PTE_PEER, pte)];

			pte = (pte & ~P2P_SVM_PTE_ADDR & ~P2P_SVM_PTE_PATH) |
			      FIELD_PREP(P2P_SVM_PTE_PATH, w->path) |
			      (w->dma + p2p_svm_pte_dma(pte));
			if (kind == DRM_P2P_SVM_KIND_PEER) {
				peer++;
				trace_p2p_svm_peer_map(sdev->index, ctx->id,
						       r->start + ((first + i) << PAGE_SHIFT),
						       FIELD_GET(P2P_SVM_PTE_PEER, pte),
						       p2p_svm_pte_dma(pte), w->path);
			} else {
				local++;
			}
		}
		p2p_svm_pte_clear(ctx, &r->pte[first + i]);
		r->pte[first + i] = pte;
		ptes[i] = 0;
	}
	atomic64_add(peer, &ctx->peer_mappings);
	atomic64_add(local, &ctx->local_mappings);
	return 0;
}

/*
 * hmm_range_fault() until the range holds still long enough to return
 * without -EBUSY.  Every -EBUSY restarts the @idle timer; @hard bounds the
 * whole fault.  On success range->notifier_seq is the sequence to check.
 */
static int p2p_svm_hmm_fault(struct p2p_svm_ctx *ctx, struct hmm_range *range,
			     unsigned long *idle, unsigned long hard)
{
	int ret;

	for (;;) {
		if (time_after(jiffies, *idle) || time_after(jiffies, hard))
			return -EBUSY;
		if (fatal_signal_pending(current))
			return -EINTR;

		range->notifier_seq = mmu_interval_read_begin(range->notifier);
		mmap_read_lock(ctx->mm);
		ret = hmm_range_fault(range);
		mmap_read_unlock(ctx->mm);
		if (ret != -EBUSY)
			return ret;
		*idle = jiffies + msecs_to_jiffies(P2P_SVM_FAULT_IDLE_MS);
	}
}

static int p2p_svm_range_fault(struct p2p_svm_ctx *ctx, struct p2p_svm_range *r,
			       unsigned long start, unsigned long end, bool write,
			       unsigned long *pfns, u64 *ptes)
{
	unsigned long hard = jiffies + msecs_to_jiffies(P2P_SVM_FAULT_HARD_MS);
	unsigned long idle = jiffies + msecs_to_jiffies(P2P_SVM_FAULT_IDLE_MS);
	unsigned long n = (end - start) >> PAGE_SHIFT, i;
	struct hmm_range range = {
		.notifier = &r->notifier,
		.start = start,
		.end = end,
		.hmm_pfns = pfns,
		.default_flags = HMM_PFN_REQ_FAULT | (write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = ctx->owner,
	};
	int ret;

	for (;;) {
		ret = p2p_svm_hmm_fault(ctx, &range, &idle, hard);
		if (ret)
			return ret;

		for (i = 0; i < n; i++) {
			ret = p2p_svm_mkpte(ctx, pfns[i], &ptes[i]);
			if (ret) {
				p2p_svm_unmap_built(ctx, ptes, i);
				return ret;
			}
		}

		mutex_lock(&ctx->lock);
		if (ctx->dead)
			ret = -ENODEV;
		else if (mmu_interval_read_retry(&r->notifier, range.notifier_seq))
			ret = -EAGAIN;
		else
			ret = p2p_svm_install(ctx, r, start, ptes, n);
		mutex_unlock(&ctx->lock);
		if (ret != -EAGAIN)
			break;
		p2p_svm_unmap_built(ctx, ptes, n);
		cond_resched();
	}
	trace_p2p_svm_fault(ctx->sdev->index, ctx->id, start, end, write, ret);
	if (ret) {
		p2p_svm_unmap_built(ctx, ptes, n);
		return ret;
	}
	atomic64_inc(&ctx->faults);
	atomic64_add(n, &ctx->pages_faulted);
	return 0;
}

/**
 * p2p_svm_ctx_fault() - fill the GPU page table for a range
 * @ctx: the context
 * @start: first address (page aligned)
 * @end: end address (page aligned)
 * @write: the entries must allow writing
 * @faults: incremented by the number of hmm_range_fault() batches
 * @pages: incremented by the number of entries made
 *
 * One hmm_range_fault() call per 2 MiB range.
 *
 * Return: 0, -ESRCH if the process is gone, -EFAULT for an address with no
 * VMA, -EPERM for a write to read-only memory, -ENODEV if the GPU went away.
 */
int p2p_svm_ctx_fault(struct p2p_svm_ctx *ctx, unsigned long start,
		      unsigned long end, bool write, u64 *faults, u64 *pages)
{
	unsigned long *pfns;
	unsigned long addr, next;
	u64 *ptes;
	int ret = 0;

	if (!mmget_not_zero(ctx->mm))
		return -ESRCH;
	/* hmm_range_fault() keeps the caller's HMM_PFN_INOUT_FLAGS of each entry: none. */
	pfns = kcalloc(P2P_SVM_RANGE_PAGES, sizeof(*pfns), GFP_KERNEL);
	ptes = kcalloc(P2P_SVM_RANGE_PAGES, sizeof(*ptes), GFP_KERNEL);
	if (!pfns || !ptes) {
		ret = -ENOMEM;
		goto out;
	}

	for (addr = start; addr < end; addr = next) {
		struct p2p_svm_range *r;

		next = min(end, (addr | (P2P_SVM_RANGE_SIZE - 1)) + 1);
		r = p2p_svm_range_get(ctx, addr);
		if (IS_ERR(r)) {
			ret = PTR_ERR(r);
			break;
		}
		ret = mutex_lock_killable(&r->fault_lock);
		if (ret)
			break;
		ret = p2p_svm_range_fault(ctx, r, addr, next, write, pfns, ptes);
		mutex_unlock(&r->fault_lock);
		if (ret)
			break;
		(*faults)++;
		*pages += (next - addr) >> PAGE_SHIFT;
	}
out:
	kfree(ptes);
	kfree(pfns);
	mmput(ctx->mm);
	return ret;
}

/**
 * p2p_svm_ctx_create() - mirror the calling process for a GPU
 * @sdev: the GPU
 * @file: the DRM file the context belongs to
 * @flags: DRM_P2P_SVM_CTX_*
 *
 * Return: the context (its reference belongs to @sdev's table), or an
 * ERR_PTR: -EEXIST if the caller's mm has one on @file, -ENODEV if the GPU
 * is gone, -ENOMEM.
 */
struct p2p_svm_ctx *p2p_svm_ctx_create(struct p2p_svm_device *sdev,
				       struct drm_file *file, u32 flags)
{
	struct p2p_svm_ctx *ctx, *it;
	unsigned long id;
	u32 nid;
	int ret;

	ctx = kzalloc_obj(*ctx);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	kref_init(&ctx->ref);
	mutex_init(&ctx->lock);
	xa_init(&ctx->ranges);
	ctx->flags = flags;
	ctx->sdev = sdev;
	ctx->file = file;
	ctx->mm = current->mm;
	ctx->pid = task_tgid_nr(current);
	/* a NO_PEER context matches no pagemap: every VRAM page migrates */
	ctx->owner = (flags & DRM_P2P_SVM_CTX_NO_PEER) ? (void *)ctx : sdev->pagemap.owner;

	xa_lock(&sdev->ctxs);
	ret = sdev->dead ? -ENODEV : 0;
	xa_for_each(&sdev->ctxs, id, it)
		if (it->file == file && it->mm == ctx->mm)
			ret = -EEXIST;
	if (!ret)
		ret = __xa_alloc_cyclic(&sdev->ctxs, &nid, ctx, xa_limit_31b,
					&sdev->next_ctx, GFP_ATOMIC);
	if (ret > 0)	/* wrapped */
		ret = 0;
	xa_unlock(&sdev->ctxs);
	if (ret) {
		kfree(ctx);
		return ERR_PTR(ret);
	}
	ctx->id = nid;
	mmgrab(ctx->mm);
	kref_get(&sdev->ref);
	return ctx;
}

/**
 * p2p_svm_ctx_lookup() - find a context of a file
 * @sdev: the GPU
 * @file: the DRM file
 * @id: the context id
 *
 * Return: a referenced context or NULL.
 */
struct p2p_svm_ctx *p2p_svm_ctx_lookup(struct p2p_svm_device *sdev,
				       struct drm_file *file, u32 id)
{
	struct p2p_svm_ctx *ctx;

	xa_lock(&sdev->ctxs);
	ctx = xa_load(&sdev->ctxs, id);
	if (ctx && ctx->file == file)
		kref_get(&ctx->ref);
	else
		ctx = NULL;
	xa_unlock(&sdev->ctxs);
	return ctx;
}

/**
 * p2p_svm_ctx_kill() - drop every entry of a context whose GPU goes away
 * @ctx: the context
 *
 * Later faults and accesses fail with -ENODEV.
 */
void p2p_svm_ctx_kill(struct p2p_svm_ctx *ctx)
{
	struct p2p_svm_range *r;
	unsigned long idx;

	mutex_lock(&ctx->lock);
	ctx->dead = true;
	xa_for_each(&ctx->ranges, idx, r)
		p2p_svm_range_clear(ctx, r, 0, ULONG_MAX);
	mutex_unlock(&ctx->lock);
}

/**
 * p2p_svm_ctx_drop_peer() - drop the entries pointing at a GPU's VRAM
 * @ctx: the context
 * @index: the GPU's index, whose window in @ctx's GPU is no longer mapped
 */
void p2p_svm_ctx_drop_peer(struct p2p_svm_ctx *ctx, unsigned int index)
{
	struct p2p_svm_range *r;
	unsigned long idx, i;

	mutex_lock(&ctx->lock);
	xa_for_each(&ctx->ranges, idx, r) {
		for (i = 0; i < P2P_SVM_RANGE_PAGES; i++) {
			u64 pte = r->pte[i];

			if ((pte & P2P_SVM_PTE_VALID) &&
			    p2p_svm_pte_kind(pte) != DRM_P2P_SVM_KIND_SYSTEM &&
			    FIELD_GET(P2P_SVM_PTE_PEER, pte) == index)
				r->pte[i] = 0;
		}
	}
	mutex_unlock(&ctx->lock);
}

static void p2p_svm_ctx_release(struct kref *ref)
{
	struct p2p_svm_ctx *ctx = container_of(ref, struct p2p_svm_ctx, ref);
	struct p2p_svm_device *sdev = ctx->sdev;
	struct p2p_svm_range *r;
	unsigned long idx;

	xa_for_each(&ctx->ranges, idx, r) {
		mmu_interval_notifier_remove(&r->notifier);
		mutex_lock(&ctx->lock);
		p2p_svm_range_clear(ctx, r, 0, ULONG_MAX);
		mutex_unlock(&ctx->lock);
		mutex_destroy(&r->fault_lock);
		kfree(r);
	}
	xa_destroy(&ctx->ranges);
	mmdrop(ctx->mm);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
	p2p_svm_dev_put(sdev);
}

/**
 * p2p_svm_ctx_put() - drop a context reference
 * @ctx: the context
 */
void p2p_svm_ctx_put(struct p2p_svm_ctx *ctx)
{
	kref_put(&ctx->ref, p2p_svm_ctx_release);
}

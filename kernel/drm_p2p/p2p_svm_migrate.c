// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_svm_migrate.c - moving pages between system memory and VRAM.
 *
 * To VRAM: migrate_vma_setup() collects system pages of the range, each is
 * copied by the GPU engine into a newly allocated VRAM page whose
 * device-private struct page replaces it in the CPU page table.  Pages in a
 * P2P peer's VRAM move straight from VRAM to VRAM, copied by this GPU's
 * engine through its window onto the peer; pages in the VRAM of a GPU it
 * cannot reach come back to RAM first (selected with that GPU's owner).  Back: by
 * ioctl for a range, by a CPU fault (migrate_to_ram, which takes the
 * faulting GPU's pages of the surrounding 2 MiB along), or by eviction of a
 * window of VRAM pages when the slice is full (migrate_device_range(), no
 * VMA needed).  Copies to RAM are done by the engine of the GPU owning the
 * VRAM page.
 */
#include <linux/delay.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <uapi/drm/drm_p2p_svm.h>

#include "p2p_svm_internal.h"
#include "p2p_svm_trace.h"

#define P2P_SVM_MIGRATE_PAGES	512UL
/* how long a departing GPU keeps trying to empty its VRAM */
#define P2P_SVM_EVICT_ALL_MS	10000

struct p2p_svm_migrate_buf {
	unsigned long *src;
	unsigned long *dst;
	void *tmp;
};

static int p2p_svm_mbuf_init(struct p2p_svm_migrate_buf *m)
{
	m->src = kvcalloc(P2P_SVM_MIGRATE_PAGES, sizeof(*m->src), GFP_KERNEL);
	m->dst = kvcalloc(P2P_SVM_MIGRATE_PAGES, sizeof(*m->dst), GFP_KERNEL);
	m->tmp = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (m->src && m->dst && m->tmp)
		return 0;
	kvfree(m->src);
	kvfree(m->dst);
	kfree(m->tmp);
	return -ENOMEM;
}

static void p2p_svm_mbuf_fini(struct p2p_svm_migrate_buf *m)
{
	kvfree(m->src);
	kvfree(m->dst);
	kfree(m->tmp);
}

/* A freshly allocated, locked destination page that will not be used. */
static void p2p_svm_drop_dpage(struct page *dpage)
{
	unlock_page(dpage);
	put_page(dpage);
}

static unsigned long p2p_svm_count_moved(const unsigned long *src,
					 const unsigned long *dst,
					 unsigned long n)
{
	unsigned long i, moved = 0;

	for (i = 0; i < n; i++)
		if ((src[i] & MIGRATE_PFN_MIGRATE) && dst[i])
			moved++;
	return moved;
}

/*
 * Fill dst[] with system pages holding copies of the device pages in src[]
 * (only of @only's pages unless it is NULL; the others stay where they are).
 */
static void p2p_svm_to_ram_copy(struct p2p_svm_migrate_buf *m, unsigned long n,
				struct vm_area_struct *vma, unsigned long addr,
				struct p2p_svm_device *only)
{
	unsigned long i;

	for (i = 0; i < n; i++, addr += PAGE_SIZE) {
		struct page *spage = migrate_pfn_to_page(m->src[i]);
		struct p2p_svm_device *owner;
		struct page *dpage;

		m->dst[i] = 0;
		if (!spage || !(m->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		owner = p2p_svm_dev_of_page(spage);
		if (!owner || (only && owner != only))
			continue;
		if (vma)
			dpage = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, addr);
		else
			dpage = alloc_page(GFP_HIGHUSER_MOVABLE);
		if (!dpage)
			continue;
		lock_page(dpage);
		if (p2p_svm_copy_page(owner, dpage, spage, m->tmp)) {
			p2p_svm_drop_dpage(dpage);
			continue;
		}
		m->dst[i] = migrate_pfn(page_to_pfn(dpage));
		if (m->src[i] & MIGRATE_PFN_WRITE)
			m->dst[i] |= MIGRATE_PFN_WRITE;
	}
}

static bool p2p_svm_vma_migratable(struct vm_area_struct *vma)
{
	return !is_vm_hugetlb_page(vma) && !(vma->vm_flags & VM_SPECIAL) &&
	       !vma_is_dax(vma);
}

typedef unsigned long (*p2p_svm_migrate_fn)(struct p2p_svm_ctx *ctx,
					    struct migrate_vma *args,
					    struct p2p_svm_migrate_buf *m);

/*
 * Our engine copies one page into a VRAM page of ours.  A page of a peer's
 * VRAM is read through our window onto the peer's slice, under the context's
 * lock: a departing peer clears that window and then takes the lock
 * (p2p_svm_ctx_drop_peer()) before it unmaps the window, so the copy either
 * sees the window gone or finishes before it is unmapped.
 */
static int p2p_svm_copy_into_vram(struct p2p_svm_ctx *ctx, struct page *dpage,
				  struct page *spage, bool from_peer, void *tmp)
{
	int ret;

	if (!from_peer)
		return p2p_svm_copy_page(ctx->sdev, dpage, spage, tmp);
	mutex_lock(&ctx->lock);
	ret = ctx->dead ? -ENODEV : p2p_svm_copy_page(ctx->sdev, dpage, spage, tmp);
	mutex_unlock(&ctx->lock);
	return ret;
}

/*
 * One batch into this GPU's VRAM.  From system memory (@from_peers false):
 * system pages and empty entries.  From peers: pages of peers' VRAM, which
 * move without touching system memory; our own pages, collected too (they
 * share the owner), stay.
 */
static unsigned long p2p_svm_into_vram(struct p2p_svm_ctx *ctx, struct migrate_vma *args,
				       struct p2p_svm_migrate_buf *m, bool from_peers)
{
	struct p2p_svm_device *sdev = ctx->sdev;
	unsigned long i, moved;

	for (i = 0; i < args->npages; i++) {
		struct page *spage = migrate_pfn_to_page(m->src[i]);
		struct p2p_svm_device *owner = spage ? p2p_svm_dev_of_page(spage) : NULL;
		struct page *dpage;

		m->dst[i] = 0;
		if (!(m->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		if (from_peers ? !owner || owner == sdev : spage && is_zone_device_page(spage))
			continue;
		dpage = p2p_svm_vram_alloc(sdev);
		if (!dpage)
			continue;
		if (p2p_svm_copy_into_vram(ctx, dpage, spage, from_peers, m->tmp)) {
			p2p_svm_drop_dpage(dpage);
			continue;
		}
		m->dst[i] = migrate_pfn(page_to_pfn(dpage));
		if ((m->src[i] & MIGRATE_PFN_WRITE) ||
		    (!spage && (args->vma->vm_flags & VM_WRITE)))
			m->dst[i] |= MIGRATE_PFN_WRITE;
	}
	migrate_vma_pages(args);
	moved = p2p_svm_count_moved(m->src, m->dst, args->npages);
	migrate_vma_finalize(args);
	trace_p2p_svm_migrate(sdev->index, from_peers ? "peer_to_vram" : "to_vram",
			      args->start, args->npages, moved);
	return moved;
}

static unsigned long p2p_svm_to_vram_batch(struct p2p_svm_ctx *ctx,
					   struct migrate_vma *args,
					   struct p2p_svm_migrate_buf *m)
{
	return p2p_svm_into_vram(ctx, args, m, false);
}

static unsigned long p2p_svm_peer_to_vram_batch(struct p2p_svm_ctx *ctx,
						struct migrate_vma *args,
						struct p2p_svm_migrate_buf *m)
{
	return p2p_svm_into_vram(ctx, args, m, true);
}

static unsigned long p2p_svm_to_ram_batch(struct p2p_svm_ctx *ctx,
					  struct migrate_vma *args,
					  struct p2p_svm_migrate_buf *m)
{
	unsigned long moved;

	p2p_svm_to_ram_copy(m, args->npages, args->vma, args->start, NULL);
	migrate_vma_pages(args);
	moved = p2p_svm_count_moved(m->src, m->dst, args->npages);
	migrate_vma_finalize(args);
	trace_p2p_svm_migrate(ctx->sdev->index, "to_ram", args->start, args->npages, moved);
	return moved;
}

static long p2p_svm_migrate_range(struct p2p_svm_ctx *ctx, unsigned long start,
				  unsigned long end, unsigned long flags,
				  void *owner, p2p_svm_migrate_fn fn)
{
	struct mm_struct *mm = ctx->mm;
	struct p2p_svm_migrate_buf m;
	unsigned long addr, next, moved = 0;
	long ret = 0;

	if (!mmget_not_zero(mm))
		return -ESRCH;
	ret = p2p_svm_mbuf_init(&m);
	if (ret)
		goto out_put;

	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = next) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		struct migrate_vma args = {
			.src = m.src,
			.dst = m.dst,
			.pgmap_owner = owner,
			.flags = flags,
		};

		if (!vma) {
			ret = -EFAULT;
			break;
		}
		next = min3(end, vma->vm_end, addr + (P2P_SVM_MIGRATE_PAGES << PAGE_SHIFT));
		if (!p2p_svm_vma_migratable(vma))
			continue;
		args.vma = vma;
		args.start = addr;
		args.end = next;
		ret = migrate_vma_setup(&args);
		if (ret)
			break;
		if (args.cpages)
			moved += fn(ctx, &args, &m);
		else
			migrate_vma_finalize(&args);
	}
	mmap_read_unlock(mm);
	p2p_svm_mbuf_fini(&m);
out_put:
	mmput(mm);
	return ret ? ret : (long)moved;
}

/* Count a migration pass into the context's statistics. */
static void p2p_svm_account(struct p2p_svm_ctx *ctx, long moved, atomic64_t *pages)
{
	if (moved <= 0)
		return;
	if (pages)
		atomic64_add(moved, pages);
	atomic64_add((u64)moved << PAGE_SHIFT, &ctx->bytes_migrated);
}

/**
 * p2p_svm_migrate_to_vram() - move a range's pages into the GPU's VRAM
 * @ctx: the context (of the calling process)
 * @start: page aligned start
 * @end: page aligned end
 *
 * Pages in the VRAM of GPUs this context cannot map in place (outside its
 * owner group; for a NO_PEER context, every GPU) are first moved back to
 * system memory, each group's pages selected with that group's owner and
 * copied by their own GPU's engine.  Then system pages are copied in, and
 * pages of P2P peers move VRAM to VRAM.
 *
 * Return: pages moved into this GPU's VRAM, or -ENOSPC if the range exceeds
 * the GPU's SVM VRAM, -EFAULT for a hole in the range, -ESRCH if the process
 * is exiting.
 */
long p2p_svm_migrate_to_vram(struct p2p_svm_ctx *ctx, unsigned long start,
			     unsigned long end)
{
	struct p2p_svm_device *sdev = ctx->sdev;
	unsigned long npages = (end - start) >> PAGE_SHIFT, free;
	void *owners[P2P_SVM_MAX_DEVS];
	unsigned int i, nowners;
	long moved, ret;

	if (npages > sdev->npages)
		return -ENOSPC;
	free = p2p_svm_vram_free_pages(sdev);
	if (free < npages)
		p2p_svm_evict(sdev, npages - free, false);

	nowners = p2p_svm_foreign_owners(ctx->owner, owners, ARRAY_SIZE(owners));
	for (i = 0; i < nowners; i++) {
		ret = p2p_svm_migrate_range(ctx, start, end,
					    MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
					    owners[i], p2p_svm_to_ram_batch);
		if (ret < 0)
			return ret;
		p2p_svm_account(ctx, ret, NULL);
	}

	/*
	 * The owner only tags the notifier range; pages are selected from
	 * system memory.  No context skips the invalidation, see p2p_svm_ctx.c.
	 */
	moved = p2p_svm_migrate_range(ctx, start, end, MIGRATE_VMA_SELECT_SYSTEM,
				      ctx, p2p_svm_to_vram_batch);
	if (moved < 0)
		return moved;
	p2p_svm_account(ctx, moved, &ctx->pages_to_vram);

	if (!(ctx->flags & DRM_P2P_SVM_CTX_NO_PEER) && p2p_svm_peers_hold_vram(sdev)) {
		/* the group's pages; migrate_vma_setup() needs the group as owner */
		ret = p2p_svm_migrate_range(ctx, start, end,
					    MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
					    sdev->pagemap.owner,
					    p2p_svm_peer_to_vram_batch);
		if (ret < 0)
			return ret;
		p2p_svm_account(ctx, ret, &ctx->pages_to_vram);
		moved += ret;
	}
	return moved;
}

/**
 * p2p_svm_migrate_to_ram() - move a range's VRAM pages back to system memory
 * @ctx: the context (of the calling process)
 * @start: page aligned start
 * @end: page aligned end
 *
 * Pages in the VRAM of this GPU and of the GPUs sharing its pagemap owner
 * are moved.
 *
 * Return: pages moved or a negative errno.
 */
long p2p_svm_migrate_to_ram(struct p2p_svm_ctx *ctx, unsigned long start,
			    unsigned long end)
{
	long moved;

	moved = p2p_svm_migrate_range(ctx, start, end,
				      MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
				      ctx->sdev->pagemap.owner, p2p_svm_to_ram_batch);
	p2p_svm_account(ctx, moved, &ctx->pages_to_ram);
	return moved;
}

/**
 * p2p_svm_evict() - move pages of a GPU's VRAM back to system memory
 * @sdev: the GPU
 * @want: pages to free (ignored with @all)
 * @all: evict everything (the GPU goes away)
 *
 * Works through the slice in windows of 512 pages from a clock hand, so that
 * the oldest allocations tend to go first.
 *
 * Return: pages evicted.
 */
unsigned long p2p_svm_evict(struct p2p_svm_device *sdev, unsigned long want,
			    bool all)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(P2P_SVM_EVICT_ALL_MS);
	unsigned long scanned = 0, evicted = 0, limit = sdev->npages;
	struct p2p_svm_migrate_buf m;

	if (p2p_svm_mbuf_init(&m))
		return 0;
	mutex_lock(&sdev->evict_lock);
	if (all)
		sdev->evict_hand = 0;
	while (all ? p2p_svm_vram_free_pages(sdev) < sdev->npages :
		     scanned < limit && evicted < want) {
		/*
		 * Everything must go before memunmap_pages(), which waits for
		 * the last page: pages someone holds locked right now (a
		 * migration in flight) are taken on a later pass.
		 */
		if (all && scanned && !(scanned % sdev->npages)) {
			if (time_after(jiffies, deadline)) {
				dev_err(sdev->drm->dev, "SVM: %lu VRAM pages still busy\n",
					sdev->npages - p2p_svm_vram_free_pages(sdev));
				break;
			}
			msleep(20);
		}
		unsigned long base = sdev->evict_hand;
		unsigned long n = min(P2P_SVM_MIGRATE_PAGES, sdev->npages - base);
		unsigned long moved;

		memset(m.src, 0, n * sizeof(*m.src));
		migrate_device_range(m.src, sdev->first_pfn + base, n);
		p2p_svm_to_ram_copy(&m, n, NULL, 0, NULL);
		migrate_device_pages(m.src, m.dst, n);
		moved = p2p_svm_count_moved(m.src, m.dst, n);
		evicted += moved;
		migrate_device_finalize(m.src, m.dst, n);
		trace_p2p_svm_migrate(sdev->index, "evict", sdev->first_pfn + base, n, moved);

		sdev->evict_hand = (base + n) % sdev->npages;
		scanned += n;
	}
	mutex_unlock(&sdev->evict_lock);
	p2p_svm_mbuf_fini(&m);
	atomic64_add(evicted, &sdev->evictions);
	return evicted;
}

/**
 * p2p_svm_migrate_to_ram_fault() - dev_pagemap_ops.migrate_to_ram: a CPU
 * fault on a page in VRAM brings the page back
 * @vmf: the fault
 *
 * The GPU's other pages in the same 2 MiB of the VMA come along: a CPU
 * touching one page of a buffer is about to touch its neighbours, and one
 * batch costs much less than one fault per page.  Peers' pages in that
 * window, collected too (same owner), stay where they are.
 *
 * Return: 0 (the fault is retried), VM_FAULT_OOM, or VM_FAULT_SIGBUS when
 * the faulting page could not be copied (no system page, engine error).
 */
vm_fault_t p2p_svm_migrate_to_ram_fault(struct vm_fault *vmf)
{
	struct p2p_svm_device *sdev = p2p_svm_dev_of_page(vmf->page);
	unsigned long win = ALIGN_DOWN(vmf->address, P2P_SVM_RANGE_SIZE);
	struct p2p_svm_migrate_buf m;
	struct migrate_vma args = {
		.vma = vmf->vma,
		.start = max(win, vmf->vma->vm_start),
		.end = min(win + P2P_SVM_RANGE_SIZE, vmf->vma->vm_end),
		.pgmap_owner = sdev->pagemap.owner,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	unsigned long moved, fi;
	vm_fault_t ret = 0;

	BUILD_BUG_ON(P2P_SVM_RANGE_PAGES > P2P_SVM_MIGRATE_PAGES);
	if (p2p_svm_mbuf_init(&m))
		return VM_FAULT_OOM;
	args.src = m.src;
	args.dst = m.dst;
	if (migrate_vma_setup(&args)) {
		p2p_svm_mbuf_fini(&m);
		return VM_FAULT_SIGBUS;
	}
	p2p_svm_to_ram_copy(&m, args.npages, args.vma, args.start, sdev);
	/* the faulting page was collected but could not be copied: fail it */
	fi = ((vmf->address & PAGE_MASK) - args.start) >> PAGE_SHIFT;
	if ((m.src[fi] & MIGRATE_PFN_MIGRATE) && !m.dst[fi])
		ret = VM_FAULT_SIGBUS;
	migrate_vma_pages(&args);
	moved = p2p_svm_count_moved(m.src, m.dst, args.npages);
	atomic64_add(moved, &sdev->cpu_faults);
	migrate_vma_finalize(&args);
	trace_p2p_svm_migrate(sdev->index, "cpu_fault", args.start, args.npages, moved);
	p2p_svm_mbuf_fini(&m);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * p2p_svm_dev.c - the SVM side of a GPU: its VRAM slice as DEVICE_PRIVATE
 * pages, their allocator, the pagemap owner groups and the engine windows
 * onto the VRAM of peer GPUs.
 *
 * GPUs whose engines reach each other's VRAM peer-to-peer (both ways) share
 * one pagemap owner, so that hmm_range_fault() on one of them returns the
 * device-private pages of the others instead of migrating them to RAM.  A GPU
 * joins, when it registers, the first group all of whose members it reaches
 * both ways, else it starts its own; when it goes, its pages are evicted, the
 * peers drop their entries and windows, and it leaves the group.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>

#include <uapi/drm/drm_p2p_svm.h>

#include "p2p_svm_internal.h"

static DEFINE_MUTEX(p2p_svm_lock);
/* registered devices by index (RCU for the engine's address resolution) */
static struct p2p_svm_device __rcu *p2p_svm_devs[P2P_SVM_MAX_DEVS];
/* every device until freed, for ioctls and postclose after unregister */
static LIST_HEAD(p2p_svm_all);
static u32 p2p_svm_group_next;

struct p2p_svm_devlink {
	struct list_head link;
	struct p2p_svm_device *sdev;
};

static void p2p_svm_dev_release(struct kref *ref)
{
	struct p2p_svm_device *sdev = container_of(ref, struct p2p_svm_device, ref);

	xa_destroy(&sdev->ctxs);
	bitmap_free(sdev->bitmap);
	kfree(sdev);
}

/**
 * p2p_svm_dev_put() - drop a reference to an SVM device
 * @sdev: the device
 */
void p2p_svm_dev_put(struct p2p_svm_device *sdev)
{
	kref_put(&sdev->ref, p2p_svm_dev_release);
}

/**
 * p2p_svm_dev_from_drm() - find the SVM device of a DRM device
 * @drm: the DRM device
 *
 * Return: a referenced SVM device (also after it was unregistered, so that
 * its contexts can still be released) or NULL.
 */
struct p2p_svm_device *p2p_svm_dev_from_drm(struct drm_device *drm)
{
	struct p2p_svm_devlink *l;
	struct p2p_svm_device *found = NULL;

	mutex_lock(&p2p_svm_lock);
	list_for_each_entry(l, &p2p_svm_all, link) {
		if (l->sdev->drm == drm) {
			found = l->sdev;
			kref_get(&found->ref);
			break;
		}
	}
	mutex_unlock(&p2p_svm_lock);
	return found;
}

/**
 * p2p_svm_dev_of_page() - the GPU whose VRAM a device-private page stands for
 * @page: a device-private page
 *
 * Return: the device, or NULL if @page is not one of ours.
 */
struct p2p_svm_device *p2p_svm_dev_of_page(struct page *page)
{
	if (!is_device_private_page(page) || page_pgmap(page)->ops != &p2p_svm_pagemap_ops)
		return NULL;
	return container_of(page_pgmap(page), struct p2p_svm_device, pagemap);
}

/**
 * p2p_svm_group_id() - number of a device's owner group
 * @sdev: the device
 *
 * Return: the id, 0 once the device is gone.
 */
u32 p2p_svm_group_id(struct p2p_svm_device *sdev)
{
	u32 id = 0;

	mutex_lock(&p2p_svm_lock);
	if (sdev->group)
		id = sdev->group->id;
	mutex_unlock(&p2p_svm_lock);
	return id;
}

/**
 * p2p_svm_phys_to_vram() - kernel mapping of a physical range in some GPU's
 * SVM VRAM slice
 * @phys: physical address
 * @len: bytes from @phys (must not cross the slice's end)
 *
 * Caller holds rcu_read_lock() for as long as it uses the mapping.
 *
 * Return: the mapping or NULL if the range is not in any slice.
 */
void __iomem *p2p_svm_phys_to_vram(phys_addr_t phys, size_t len)
{
	unsigned int i;

	for (i = 0; i < P2P_SVM_MAX_DEVS; i++) {
		struct p2p_svm_device *s = rcu_dereference(p2p_svm_devs[i]);

		if (s && phys >= s->vram_phys && len <= s->vram_size &&
		    phys - s->vram_phys <= s->vram_size - len)
			return s->vram_io + (phys - s->vram_phys);
	}
	return NULL;
}

/**
 * p2p_svm_dev_minor() - DRM minor of a registered GPU
 * @index: the GPU's index
 *
 * Return: the primary minor's index, 0 if there is no such GPU.
 */
u32 p2p_svm_dev_minor(unsigned int index)
{
	struct p2p_svm_device *s;
	u32 minor = 0;

	if (index >= P2P_SVM_MAX_DEVS)
		return 0;
	rcu_read_lock();
	s = rcu_dereference(p2p_svm_devs[index]);
	if (s && s->drm->primary)
		minor = s->drm->primary->index;
	rcu_read_unlock();
	return minor;
}

/**
 * p2p_svm_peers_hold_vram() - do a GPU's P2P peers have SVM pages in use?
 * @sdev: the GPU
 *
 * A hint that lets migration skip a pass in which no page can qualify; the
 * answer may be stale by the time it is used.
 *
 * Return: true if another GPU of @sdev's owner group has pages in use.
 */
bool p2p_svm_peers_hold_vram(struct p2p_svm_device *sdev)
{
	void *owner = sdev->pagemap.owner;
	bool found = false;
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < P2P_SVM_MAX_DEVS && !found; i++) {
		struct p2p_svm_device *s = rcu_dereference(p2p_svm_devs[i]);

		/* unlocked read of the count: a hint */
		found = s && s != sdev && s->pagemap.owner == owner && READ_ONCE(s->used);
	}
	rcu_read_unlock();
	return found;
}

/**
 * p2p_svm_foreign_owners() - pagemap owners, other than one, that have pages
 * @owner: the owner to leave out
 * @owners: receives up to @max distinct owners
 * @max: size of @owners
 *
 * The owners are only compared with pgmap->owner by the migration core,
 * never dereferenced, so a group that goes away meanwhile does no harm.
 *
 * Return: the number of owners written.
 */
unsigned int p2p_svm_foreign_owners(void *owner, void **owners, unsigned int max)
{
	unsigned int i, k, n = 0;

	rcu_read_lock();
	for (i = 0; i < P2P_SVM_MAX_DEVS && n < max; i++) {
		struct p2p_svm_device *s = rcu_dereference(p2p_svm_devs[i]);

		if (!s || s->pagemap.owner == owner || !READ_ONCE(s->used))
			continue;
		for (k = 0; k < n && owners[k] != s->pagemap.owner; k++)
			;
		if (k == n)
			owners[n++] = s->pagemap.owner;
	}
	rcu_read_unlock();
	return n;
}

/**
 * p2p_svm_vram_alloc() - allocate one page of a GPU's SVM VRAM
 * @sdev: the GPU
 *
 * Return: the locked device-private page with one reference, or NULL when
 * the slice is full or the GPU is going away.
 */
struct page *p2p_svm_vram_alloc(struct p2p_svm_device *sdev)
{
	unsigned long idx;
	struct page *page;

	spin_lock(&sdev->alloc_lock);
	if (sdev->dying || sdev->used == sdev->npages) {
		spin_unlock(&sdev->alloc_lock);
		return NULL;
	}
	idx = find_next_zero_bit(sdev->bitmap, sdev->npages, sdev->hint);
	if (idx >= sdev->npages)
		idx = find_first_zero_bit(sdev->bitmap, sdev->npages);
	__set_bit(idx, sdev->bitmap);
	sdev->used++;
	sdev->pages_allocated++;
	sdev->hint = idx + 1;
	spin_unlock(&sdev->alloc_lock);

	page = pfn_to_page(sdev->first_pfn + idx);
	page->zone_device_data = NULL;
	zone_device_page_init(page, &sdev->pagemap, 0);
	return page;
}

/**
 * p2p_svm_vram_free_pages() - free pages in a GPU's SVM VRAM
 * @sdev: the GPU
 *
 * Return: the number of free pages.
 */
unsigned long p2p_svm_vram_free_pages(struct p2p_svm_device *sdev)
{
	unsigned long n;

	spin_lock(&sdev->alloc_lock);
	n = sdev->npages - sdev->used;
	spin_unlock(&sdev->alloc_lock);
	return n;
}

static void p2p_svm_folio_free(struct folio *folio)
{
	struct page *page = &folio->page;
	struct p2p_svm_device *sdev = p2p_svm_dev_of_page(page);
	unsigned long idx = p2p_svm_vram_index(sdev, page);

	spin_lock(&sdev->alloc_lock);
	sdev->folio_frees++;
	if (!WARN_ON(!test_bit(idx, sdev->bitmap))) {
		__clear_bit(idx, sdev->bitmap);
		sdev->used--;
	}
	spin_unlock(&sdev->alloc_lock);
}

const struct dev_pagemap_ops p2p_svm_pagemap_ops = {
	.folio_free = p2p_svm_folio_free,
	.migrate_to_ram = p2p_svm_migrate_to_ram_fault,
};

/*
 * Map @prov's slice for @client's engine, on the path the device's rule gives
 * (for drm_p2p, phyr's decision, the one its dma-bufs are mapped with): the
 * PCI bus address, or through the host bridge with dma_map_resource() (IOVA
 * under an IOMMU, physical without), or unreachable.
 */
static int p2p_svm_window_map(struct p2p_svm_device *client,
			      struct p2p_svm_device *prov)
{
	struct p2p_svm_peer *w = &client->peer[prov->index];
	struct device *cdev = client->engine;
	int bar = -1, i;

	if (client == prov) {
		w->path = DRM_P2P_SVM_PATH_DMA;
	} else {
		int path = client->peer_path(prov->drm, cdev);

		if (path < 0)
			return path;
		w->path = path;
	}

	if (w->path == DRM_P2P_SVM_PATH_BUS_ADDR) {
		for (i = 0; i < PCI_STD_NUM_BARS; i++) {
			resource_size_t s = pci_resource_start(prov->vram_pdev, i);

			if (s && prov->vram_phys >= s &&
			    prov->vram_phys < s + pci_resource_len(prov->vram_pdev, i))
				bar = i;
		}
		if (bar < 0)
			return -EREMOTEIO;
		w->dma = pci_bus_address(prov->vram_pdev, bar) +
			 (prov->vram_phys - pci_resource_start(prov->vram_pdev, bar));
		w->dma_mapped = false;
	} else {
		/* MMIO: no CPU cache to maintain; several engines map it */
		w->dma = dma_map_resource(cdev, prov->vram_phys, prov->vram_size,
					  DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
		if (dma_mapping_error(cdev, w->dma))
			return -EREMOTEIO;
		w->dma_mapped = true;
	}
	/*
	 * Trust but verify: the engine must really reach the peer's VRAM at
	 * that address (the platform may route it otherwise than the rules).
	 */
	if (client != prov && client->engine_access) {
		__le32 probe;

		if (client->engine_access(client->drm, w->dma, &probe, sizeof(probe), false)) {
			dev_info(client->drm->dev, "SVM: engine does not reach %s's VRAM at %pad (path %u): not peers\n",
				 dev_name(prov->drm->dev), &w->dma, w->path);
			if (w->dma_mapped)
				dma_unmap_resource(cdev, w->dma, prov->vram_size,
						   DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
			w->dma_mapped = false;
			return -EREMOTEIO;
		}
	}
	WRITE_ONCE(w->mapped, true);
	return 0;
}

static void p2p_svm_window_unmap(struct p2p_svm_device *client,
				 struct p2p_svm_device *prov)
{
	struct p2p_svm_peer *w = &client->peer[prov->index];
	struct p2p_svm_ctx *ctx;
	unsigned long id;

	if (!w->mapped)
		return;
	/* new entries check the window under ctx->lock; drop the old ones */
	WRITE_ONCE(w->mapped, false);
	xa_lock(&client->ctxs);
	xa_for_each(&client->ctxs, id, ctx) {
		kref_get(&ctx->ref);
		xa_unlock(&client->ctxs);
		p2p_svm_ctx_drop_peer(ctx, prov->index);
		p2p_svm_ctx_put(ctx);
		xa_lock(&client->ctxs);
	}
	xa_unlock(&client->ctxs);
	if (w->dma_mapped)
		dma_unmap_resource(client->engine, w->dma, prov->vram_size,
				   DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
	w->dma_mapped = false;
}

static struct p2p_svm_device *p2p_svm_dev_at(unsigned int i)
{
	return rcu_dereference_protected(p2p_svm_devs[i],
					 lockdep_is_held(&p2p_svm_lock));
}

/* Under p2p_svm_lock: map windows with every peer, pick or make a group. */
static int p2p_svm_join(struct p2p_svm_device *sdev)
{
	DECLARE_BITMAP(both, P2P_SVM_MAX_DEVS) = { 0 };
	struct p2p_svm_group *group = NULL;
	unsigned int i;

	for (i = 0; i < P2P_SVM_MAX_DEVS; i++) {
		struct p2p_svm_device *o = p2p_svm_dev_at(i);

		/* skip ourselves and GPUs on their way out */
		if (!o || o == sdev || !o->group)
			continue;
		if (p2p_svm_window_map(sdev, o))
			continue;
		if (p2p_svm_window_map(o, sdev)) {
			p2p_svm_window_unmap(sdev, o);
			continue;
		}
		__set_bit(i, both);
	}

	for (i = 0; i < P2P_SVM_MAX_DEVS && !group; i++) {
		struct p2p_svm_device *o = p2p_svm_dev_at(i);

		if (o && o != sdev && o->group &&
		    bitmap_subset(&o->group->members, both, P2P_SVM_MAX_DEVS))
			group = o->group;
	}
	if (!group) {
		group = kzalloc_obj(*group);
		if (!group)
			goto err;
		group->id = ++p2p_svm_group_next;
	}

	/* keep windows only inside the group: no one else sees our pages */
	for (i = 0; i < P2P_SVM_MAX_DEVS; i++) {
		struct p2p_svm_device *o = p2p_svm_dev_at(i);

		if (test_bit(i, both) && !test_bit(i, &group->members)) {
			p2p_svm_window_unmap(sdev, o);
			p2p_svm_window_unmap(o, sdev);
		}
	}
	__set_bit(sdev->index, &group->members);
	sdev->group = group;
	return 0;

err:
	for_each_set_bit(i, both, P2P_SVM_MAX_DEVS) {
		p2p_svm_window_unmap(sdev, p2p_svm_dev_at(i));
		p2p_svm_window_unmap(p2p_svm_dev_at(i), sdev);
	}
	return -ENOMEM;
}

static int p2p_svm_pagemap_init(struct p2p_svm_device *sdev)
{
	void *addr;

	sdev->res = request_free_mem_region(&iomem_resource, sdev->vram_size,
					    "drm_p2p_svm");
	if (IS_ERR(sdev->res))
		return PTR_ERR(sdev->res);

	sdev->pagemap.type = MEMORY_DEVICE_PRIVATE;
	sdev->pagemap.range.start = sdev->res->start;
	sdev->pagemap.range.end = sdev->res->end;
	sdev->pagemap.nr_range = 1;
	sdev->pagemap.ops = &p2p_svm_pagemap_ops;
	sdev->pagemap.owner = sdev->group;
	addr = memremap_pages(&sdev->pagemap, dev_to_node(sdev->engine));
	if (IS_ERR(addr)) {
		release_mem_region(sdev->res->start, resource_size(sdev->res));
		return PTR_ERR(addr);
	}
	sdev->first_pfn = PHYS_PFN(sdev->res->start);
	return 0;
}

static void p2p_svm_leave(struct p2p_svm_device *sdev)
{
	unsigned int i;

	for (i = 0; i < P2P_SVM_MAX_DEVS; i++) {
		struct p2p_svm_device *o = p2p_svm_dev_at(i);

		if (!o || o == sdev)
			continue;
		p2p_svm_window_unmap(sdev, o);
		p2p_svm_window_unmap(o, sdev);
	}
	__clear_bit(sdev->index, &sdev->group->members);
}

/**
 * p2p_svm_device_register() - give a GPU shared virtual memory
 * @desc: the GPU's devices and the VRAM slice SVM owns
 *
 * Maps the slice for the GPU's engine and for the engines of its P2P peers,
 * registers it as DEVICE_PRIVATE memory and joins the GPU to the owner group
 * of the peers it reaches.
 *
 * Return: the SVM device or an ERR_PTR: -EINVAL for a bad slice, -ENOSPC
 * when P2P_SVM_MAX_DEVS GPUs are registered, -ENOMEM, or the error of
 * mapping or memremap_pages().
 */
struct p2p_svm_device *p2p_svm_device_register(const struct p2p_svm_dev_desc *desc)
{
	struct p2p_svm_device *sdev;
	struct p2p_svm_devlink *link;
	unsigned int i;
	int ret;

	if (!desc->drm || !desc->vram_pdev || !desc->engine_dev || !desc->peer_path ||
	    desc->vram_bar < 0 || desc->vram_bar >= PCI_STD_NUM_BARS ||
	    !desc->vram_size || !IS_ALIGNED(desc->vram_size, P2P_SVM_RANGE_SIZE) ||
	    !PAGE_ALIGNED(desc->vram_offset) ||
	    desc->vram_offset > pci_resource_len(desc->vram_pdev, desc->vram_bar) ||
	    desc->vram_size > pci_resource_len(desc->vram_pdev, desc->vram_bar) -
			      desc->vram_offset)
		return ERR_PTR(-EINVAL);

	sdev = kzalloc_obj(*sdev);
	link = kzalloc_obj(*link);
	if (!sdev || !link) {
		ret = -ENOMEM;
		goto err_free;
	}
	kref_init(&sdev->ref);
	spin_lock_init(&sdev->map_lock);
	spin_lock_init(&sdev->alloc_lock);
	mutex_init(&sdev->evict_lock);
	xa_init_flags(&sdev->ctxs, XA_FLAGS_ALLOC1);
	atomic64_set(&sdev->cpu_faults, 0);
	atomic64_set(&sdev->evictions, 0);
	sdev->drm = desc->drm;
	sdev->vram_pdev = desc->vram_pdev;
	sdev->engine = desc->engine_dev;
	sdev->engine_access = desc->engine_access;
	sdev->peer_path = desc->peer_path;
	sdev->vram_phys = pci_resource_start(desc->vram_pdev, desc->vram_bar) +
			  desc->vram_offset;
	sdev->vram_size = desc->vram_size;
	sdev->npages = desc->vram_size >> PAGE_SHIFT;
	sdev->bitmap = bitmap_zalloc(sdev->npages, GFP_KERNEL);
	if (!sdev->bitmap) {
		ret = -ENOMEM;
		goto err_free;
	}
	sdev->vram_io = ioremap_wc(sdev->vram_phys, sdev->vram_size);
	if (!sdev->vram_io) {
		ret = -ENOMEM;
		goto err_free;
	}

	mutex_lock(&p2p_svm_lock);
	for (i = 0; i < P2P_SVM_MAX_DEVS; i++)
		if (!p2p_svm_dev_at(i))
			break;
	if (i == P2P_SVM_MAX_DEVS) {
		ret = -ENOSPC;
		goto err_unlock;
	}
	sdev->index = i;
	ret = p2p_svm_window_map(sdev, sdev);
	if (ret)
		goto err_unlock;
	ret = p2p_svm_join(sdev);
	if (ret)
		goto err_local;
	ret = p2p_svm_pagemap_init(sdev);
	if (ret)
		goto err_leave;
	rcu_assign_pointer(p2p_svm_devs[i], sdev);
	link->sdev = sdev;
	list_add_tail(&link->link, &p2p_svm_all);
	mutex_unlock(&p2p_svm_lock);

	dev_info(sdev->drm->dev, "SVM: %llu MiB of VRAM at %pa as device-private pfns %#lx+%#lx, owner group %u\n",
		 sdev->vram_size >> 20, &sdev->vram_phys, sdev->first_pfn,
		 sdev->npages, sdev->group->id);
	return sdev;

err_leave:
	p2p_svm_leave(sdev);
	if (!sdev->group->members)
		kfree(sdev->group);
err_local:
	p2p_svm_window_unmap(sdev, sdev);
err_unlock:
	mutex_unlock(&p2p_svm_lock);
	iounmap(sdev->vram_io);
err_free:
	kfree(link);
	if (sdev)
		bitmap_free(sdev->bitmap);
	kfree(sdev);
	return ERR_PTR(ret);
}

/*
 * Drop the registry's link (and its reference) to an unregistered device
 * once it has no context left.  Idempotent.
 */
static void p2p_svm_dev_forget(struct p2p_svm_device *sdev)
{
	struct p2p_svm_devlink *l, *tmp;

	mutex_lock(&p2p_svm_lock);
	list_for_each_entry_safe(l, tmp, &p2p_svm_all, link) {
		if (l->sdev == sdev) {
			list_del(&l->link);
			kfree(l);
			p2p_svm_dev_put(sdev);
			break;
		}
	}
	mutex_unlock(&p2p_svm_lock);
}

/**
 * p2p_svm_device_unregister() - take SVM away from a GPU
 * @sdev: the SVM device (NULL or an ERR_PTR are ignored)
 *
 * Kills the GPU's contexts (their entries are dropped, later ioctls fail
 * with -ENODEV), evicts every page of its VRAM to system memory (which
 * invalidates the peers' entries through their notifiers), drops the peers'
 * windows and leaves the owner group.  Call after drm_dev_unplug() (no new
 * ioctls, debugfs file gone) and before the engine device goes.
 */
void p2p_svm_device_unregister(struct p2p_svm_device *sdev)
{
	struct p2p_svm_group *group;
	struct p2p_svm_ctx *ctx;
	unsigned long id;
	bool empty;

	if (IS_ERR_OR_NULL(sdev))
		return;

	spin_lock(&sdev->alloc_lock);
	sdev->dying = true;
	spin_unlock(&sdev->alloc_lock);

	xa_lock(&sdev->ctxs);
	sdev->dead = true;
	xa_for_each(&sdev->ctxs, id, ctx) {
		kref_get(&ctx->ref);
		xa_unlock(&sdev->ctxs);
		p2p_svm_ctx_kill(ctx);
		p2p_svm_ctx_put(ctx);
		xa_lock(&sdev->ctxs);
	}
	xa_unlock(&sdev->ctxs);

	p2p_svm_evict(sdev, 0, true);

	mutex_lock(&p2p_svm_lock);
	/* peers' entries pointing here were invalidated by the eviction */
	p2p_svm_leave(sdev);
	group = sdev->group;
	sdev->group = NULL;
	mutex_unlock(&p2p_svm_lock);

	/* waits for the last page: stragglers still get copied by our engine */
	memunmap_pages(&sdev->pagemap);
	release_mem_region(sdev->res->start, resource_size(sdev->res));

	mutex_lock(&p2p_svm_lock);
	RCU_INIT_POINTER(p2p_svm_devs[sdev->index], NULL);
	if (!group->members)
		kfree(group);
	mutex_unlock(&p2p_svm_lock);
	synchronize_rcu();
	p2p_svm_window_unmap(sdev, sdev);
	iounmap(sdev->vram_io);
	sdev->vram_io = NULL;

	/* the registry's reference goes with the last context */
	xa_lock(&sdev->ctxs);
	empty = xa_empty(&sdev->ctxs);
	xa_unlock(&sdev->ctxs);
	if (empty)
		p2p_svm_dev_forget(sdev);
}

/**
 * p2p_svm_postclose() - release the SVM contexts of a closing DRM file
 * @drm: the DRM device
 * @file: the file
 */
void p2p_svm_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct p2p_svm_device *sdev = p2p_svm_dev_from_drm(drm);
	struct p2p_svm_ctx *ctx;
	unsigned long id;
	bool empty;

	if (!sdev)
		return;
	xa_lock(&sdev->ctxs);
	xa_for_each(&sdev->ctxs, id, ctx) {
		if (ctx->file != file)
			continue;
		__xa_erase(&sdev->ctxs, id);
		xa_unlock(&sdev->ctxs);
		p2p_svm_ctx_put(ctx);
		xa_lock(&sdev->ctxs);
	}
	empty = sdev->dead && xa_empty(&sdev->ctxs);
	xa_unlock(&sdev->ctxs);

	/* an unregistered device is freed with its last context */
	if (empty)
		p2p_svm_dev_forget(sdev);
	p2p_svm_dev_put(sdev);
}

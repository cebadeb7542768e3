// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device ranges: the DMA addresses of a buffer for one attachment.
 *
 * For every range of the buffer the path decision of (provider, attaching device)
 * says how to address it:
 *
 *  - PHYR_MAP_NONE (system RAM) and PHYR_MAP_THRU_HOST_BRIDGE (a BAR reached through
 *    the root complex) go through the importing device's DMA API: an IOVA under an
 *    IOMMU, the physical address (or a bounce buffer for RAM) without;
 *  - PHYR_MAP_BUS_ADDR: the PCI bus address (physical address + the provider's bus
 *    offset); no DMA API at all;
 *  - PHYR_MAP_NOT_SUPPORTED: the exporter's fallback is tried once, else the map
 *    fails with -EREMOTEIO and a debug message naming the range and the reason.
 *
 * Under an IOMMU a mapping takes one IOVA allocation for all its DMA API ranges
 * (dma_iova_try_alloc()), links each range at its offset in it (dma_iova_link(),
 * one IOMMU mapping per range, DMA_ATTR_MMIO for BARs), flushes the IOTLB once
 * (dma_iova_sync()) and is torn down with one dma_iova_destroy().  Where there is no
 * IOMMU, or the ranges' inner boundaries (or a BAR range's ends) are not aligned to its
 * granule, each range is mapped on its own with dma_map_phys().
 *
 * Unmapping releases exactly what mapping made.  Everything here runs under the
 * buffer's dma_resv lock.
 *
 * As in every dma-buf exporter, the mappings skip CPU cache maintenance: a buffer is
 * mapped by several importers at once (possibly several on one device), and CPU
 * access is bracketed by begin/end_cpu_access, which the exporter implements.
 */
#include <kunit/visibility.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "phyr_internal.h"
#include "phyr_trace.h"

#define PHYR_DMA_ATTRS	DMA_ATTR_SKIP_CPU_SYNC

/**
 * phyr_view_get - the current ranges of a buffer
 * @buf: the buffer; its resv lock is held until phyr_view_put()
 * @v: filled on success: the exporter's packed list in place, or the list its
 *	get_ranges filled in
 *
 * Return: 0, the exporter's error, or -EINVAL when the ranges do not add up to the
 * buffer size.
 */
int phyr_view_get(struct phyr_buf *buf, struct phyr_view *v)
{
	const struct phyr_packed_list *pk;
	int ret;

	dma_resv_assert_held(buf->dmabuf->resv);
	phyr_list_init(&v->list);
	if (buf->ops->packed_ranges) {
		pk = buf->ops->packed_ranges(buf->dmabuf);
		v->packed = pk;
		v->providers = pk->providers;
		v->nr_providers = pk->nr_providers;
		v->nr = pk->nr;
		v->size = pk->size;
	} else {
		ret = buf->ops->get_ranges(buf->dmabuf, &v->list);
		if (ret) {
			phyr_list_fini(&v->list);
			return ret;
		}
		v->packed = NULL;
		v->providers = v->list.providers;
		v->nr_providers = v->list.nr_providers;
		v->nr = v->list.nr;
		v->size = v->list.size;
	}
	if (v->size != buf->dmabuf->size) {
		pr_warn_ratelimited("dmabuf_phyr: %s: ranges cover %llu bytes of %zu\n",
				    buf->name, v->size, buf->dmabuf->size);
		phyr_view_put(v);
		return -EINVAL;
	}
	return 0;
}

/**
 * phyr_view_put - done with the ranges of phyr_view_get()
 * @v: the view
 */
void phyr_view_put(struct phyr_view *v)
{
	phyr_list_fini(&v->list);
	v->packed = NULL;
	v->nr = 0;
}

/*
 * Name in the debug log the first range of a provider that @dev may not use, and
 * why: @what, or (NULL) the reason the path decision gives.
 */
static void phyr_report_provider(struct device *dev, struct phyr_buf *buf,
				 const struct phyr_view *v, unsigned int prov,
				 const char *what)
{
	struct phyr_provider *p = v->providers[prov];
	struct phyr_run run = {};
	enum phyr_path_reason why;
	unsigned int i;

	for (i = 0; i < v->nr; i++) {
		phyr_view_entry(v, i, &run);
		if (run.prov == prov)
			break;
	}
	if (!what) {
		phyr_path_explain(p, dev, &why);
		dev_dbg(dev, "phyr: %s: range %u (%s %pa+%#llx) unreachable: %s\n",
			buf->name, i, phyr_provider_name(p), &run.phys, run.len,
			phyr_path_reason_str(why));
		return;
	}
	dev_dbg(dev, "phyr: %s: range %u (%s %pa+%#llx) %s\n", buf->name, i,
		phyr_provider_name(p), &run.phys, run.len, what);
}

/**
 * phyr_view_reachable - the path an attachment uses for a buffer's ranges
 * @buf: the buffer
 * @dev: the attaching device
 * @v: the buffer's ranges
 *
 * When a range is unreachable, the first one is named in the debug log.
 *
 * Return: PHYR_MAP_NOT_SUPPORTED if some provider is unreachable, else the most
 * costly path used: THRU_HOST_BRIDGE, then BUS_ADDR, then NONE (system RAM only).
 */
enum phyr_map_type phyr_view_reachable(struct phyr_buf *buf, struct device *dev,
				       const struct phyr_view *v)
{
	static const u8 cost[] = {
		[PHYR_MAP_NONE] = 1,
		[PHYR_MAP_BUS_ADDR] = 2,
		[PHYR_MAP_THRU_HOST_BRIDGE] = 3,
		[PHYR_MAP_NOT_SUPPORTED] = 4,
	};
	enum phyr_map_type worst = PHYR_MAP_NONE, t;
	unsigned int p;

	for (p = 0; p < v->nr_providers; p++) {
		t = phyr_path_for(v->providers[p], dev);
		if (t == PHYR_MAP_UNKNOWN)
			t = PHYR_MAP_NOT_SUPPORTED;
		if (cost[t] > cost[worst])
			worst = t;
		if (t == PHYR_MAP_NOT_SUPPORTED) {
			phyr_report_provider(dev, buf, v, p, NULL);
			break;
		}
	}
	return worst;
}

/* Attributes of the DMA API mapping of a range that takes one. */
static unsigned long phyr_range_attrs(enum phyr_map_type path)
{
	return path == PHYR_MAP_THRU_HOST_BRIDGE ? PHYR_DMA_ATTRS | DMA_ATTR_MMIO :
						   PHYR_DMA_ATTRS;
}

static bool phyr_path_uses_dma_api(enum phyr_map_type path)
{
	return path == PHYR_MAP_NONE || path == PHYR_MAP_THRU_HOST_BRIDGE;
}

static void phyr_mapping_unmap_all(struct device *dev, struct phyr_mapping *map)
{
	if (dma_use_iova(&map->iova)) {
		if (map->iova_len)
			dma_iova_destroy(dev, &map->iova, map->iova_len, map->dir,
					 PHYR_DMA_ATTRS);
		else
			dma_iova_free(dev, &map->iova);
		memset(&map->iova, 0, sizeof(map->iova));
		map->iova_len = 0;
	} else {
		while (map->nr) {
			const struct phyr_dev_range *r = &map->ranges[--map->nr];

			if (phyr_path_uses_dma_api(r->path))
				dma_unmap_phys(dev, r->addr, r->len, map->dir,
					       phyr_range_attrs(r->path));
		}
	}
	map->nr = 0;
	map->size = 0;
}

static void phyr_mapping_release(struct device *dev, struct phyr_mapping *map)
{
	phyr_mapping_unmap_all(dev, map);
	kvfree(map);
}

/**
 * phyr_bus_addr - PCI bus address of a range of a P2P provider
 * @p: the provider
 * @phys: CPU physical address of the range
 * @len: its length
 * @mask: DMA mask of the device that will use the address
 * @addr: set to the bus address
 *
 * Return: 0, or -EREMOTEIO when the range's bus addresses wrap or exceed @mask.
 */
int phyr_bus_addr(const struct phyr_provider *p, phys_addr_t phys, u64 len, u64 mask,
		  dma_addr_t *addr)
{
	u64 bus, last;

	/* The offset is modular: a bus address below the CPU one wraps back. */
	bus = (u64)phys + phyr_provider_bus_offset(p);
	if (!len || check_add_overflow(bus, len - 1, &last) || last > mask)
		return -EREMOTEIO;
	*addr = bus;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(phyr_bus_addr);

/*
 * The bytes of a view that go through the importer's DMA API, and the address of
 * the first of them: what one IOVA for the mapping must cover.
 */
static size_t phyr_dma_api_bytes(const struct phyr_view *v, const u8 *paths,
				 phys_addr_t *first)
{
	struct phyr_run_iter it;
	struct phyr_run run;
	bool seen = false;
	size_t total = 0;
	unsigned int p;

	for (p = 0; p < v->nr_providers; p++)
		if (!phyr_path_uses_dma_api(paths[p]))
			break;
	if (!v->nr)
		return 0;
	phyr_run_iter_start(&it, v);
	if (p == v->nr_providers) {
		/* The usual case, every range: no need to walk them. */
		*first = it.ahead.phys;
		return v->size;
	}
	while (phyr_run_iter_next(&it, &run)) {
		if (!phyr_path_uses_dma_api(paths[run.prov]))
			continue;
		if (!seen)
			*first = run.phys;
		seen = true;
		total += run.len;
	}
	return total;
}

/*
 * Can @run take the next bytes of the mapping's IOVA?  Every inner boundary of the
 * IOVA must fall on the IOMMU granule (only the first range may start, and only the
 * last may end, inside one), and a BAR range must be whole granules: dma_iova_link()
 * refuses to bounce MMIO for a device that needs swiotlb, where dma_map_phys() maps
 * it.
 */
static bool phyr_iova_fits(const struct phyr_mapping *map, unsigned long granule_mask,
			   const struct phyr_run *run, enum phyr_map_type path)
{
	if (path == PHYR_MAP_THRU_HOST_BRIDGE && ((run->phys | run->len) & granule_mask))
		return false;
	if (!map->iova_len)
		return true;
	return !((map->iova.addr + map->iova_len) & granule_mask) &&
	       !(run->phys & granule_mask);
}

/* One range through the IOVA allocation of the mapping, at the next free offset. */
static int phyr_link_range(struct device *dev, struct phyr_mapping *map,
			   const struct phyr_run *run, enum phyr_map_type path,
			   struct phyr_dev_range *r)
{
	int ret;

	ret = dma_iova_link(dev, &map->iova, run->phys, map->iova_len, run->len, map->dir,
			    phyr_range_attrs(path));
	if (ret)
		return ret;
	r->addr = map->iova.addr + map->iova_len;
	map->iova_len += run->len;
	return 0;
}

static int phyr_map_range(struct device *dev, struct phyr_mapping *map,
			  const struct phyr_view *v, const struct phyr_run *run,
			  enum phyr_map_type path, struct phyr_dev_range *r)
{
	r->len = run->len;
	r->path = path;
	switch (path) {
	case PHYR_MAP_NONE:
		if (!pfn_valid(PHYS_PFN(run->phys)) ||
		    !pfn_valid(PHYS_PFN(run->phys + run->len - 1)))
			return -EINVAL;
		fallthrough;
	case PHYR_MAP_THRU_HOST_BRIDGE:
		if (dma_use_iova(&map->iova))
			return phyr_link_range(dev, map, run, path, r);
		r->addr = dma_map_phys(dev, run->phys, run->len, map->dir,
				       phyr_range_attrs(path));
		return dma_mapping_error(dev, r->addr);
	case PHYR_MAP_BUS_ADDR:
		return phyr_bus_addr(v->providers[run->prov], run->phys, run->len,
				     dma_get_mask(dev), &r->addr);
	default:
		return -EREMOTEIO;
	}
}

/*
 * The path of every provider of the ranges, in @paths.  An importer that may not
 * take device memory (phyr_importer_takes_device_memory()) gets system RAM only.  A
 * provider the importer cannot reach, or may not take, gives the exporter's fallback
 * one chance unless the attachment has pinned the buffer (*@moved is set when it
 * moved the buffer: the ranges must be read again).
 *
 * Return: 0, -EOPNOTSUPP for device memory and an importer that may not take it,
 * or -EREMOTEIO when a range stays unreachable.
 */
static int phyr_provider_paths(struct phyr_attachment *pa,
			       struct dma_buf_attachment *attach,
			       const struct phyr_view *v, u8 *paths, bool *fallback_tried,
			       bool *moved)
{
	bool takes = phyr_importer_takes_device_memory(attach);
	struct phyr_buf *buf = pa->buf;
	struct device *dev = attach->dev;
	unsigned int p;
	bool allowed;

	*moved = false;
	for (p = 0; p < v->nr_providers; p++) {
		paths[p] = phyr_path_for(v->providers[p], dev);
		allowed = takes || v->providers[p] == phyr_provider_sysram();
		if (allowed && paths[p] != PHYR_MAP_NOT_SUPPORTED)
			continue;
		/* A buffer this attachment pinned (a static importer's map) stays put. */
		if (buf->ops->fallback && !*fallback_tried && !pa->pins) {
			*fallback_tried = true;
			if (!buf->ops->fallback(buf->dmabuf, dev)) {
				*moved = true;
				return 0;
			}
		}
		if (!allowed) {
			phyr_report_provider(dev, buf, v, p,
					     "is device memory: the importer did not allow peer2peer or cannot be revoked");
			return -EOPNOTSUPP;
		}
		phyr_report_provider(dev, buf, v, p, NULL);
		return -EREMOTEIO;
	}
	return 0;
}

/**
 * phyr_map_locked - build the device ranges of an attachment
 * @attach: the attachment (of a phyr dma-buf)
 * @dir: DMA direction
 *
 * Physically contiguous ranges of one provider become one device range.
 *
 * Return: the mapping, on the attachment's list; ERR_PTR(-ENODEV) once the buffer is
 * revoked, ERR_PTR(-EREMOTEIO) when a range is unreachable, ERR_PTR(-EOPNOTSUPP)
 * when a range is device memory and the importer did not set allow_peer2peer or has
 * no invalidate_mappings, or another error.
 */
struct phyr_mapping *phyr_map_locked(struct dma_buf_attachment *attach,
				     enum dma_data_direction dir)
{
	struct phyr_attachment *pa = attach->priv;
	u8 paths[PHYR_LIST_MAX_PROVIDERS];
	struct phyr_buf *buf = pa->buf;
	struct device *dev = attach->dev;
	unsigned long granule_mask = dma_get_merge_boundary(dev);
	bool fallback_tried = false, moved;
	struct phyr_mapping *map = NULL;
	enum phyr_map_type path;
	struct phyr_run_iter it;
	phys_addr_t first = 0;
	struct phyr_run run;
	struct phyr_view v;
	size_t span;
	int ret;

	dma_resv_assert_held(buf->dmabuf->resv);
retry:
	if (buf->revoked) {
		ret = -ENODEV;
		goto out;
	}
	ret = phyr_view_get(buf, &v);
	if (ret)
		goto out;
	ret = phyr_provider_paths(pa, attach, &v, paths, &fallback_tried, &moved);
	if (ret)
		goto out_put;
	if (moved) {
		phyr_view_put(&v);
		goto retry;
	}

	/* At most one device range per entry.  Each is written when it is mapped. */
	map = kvmalloc(struct_size(map, ranges, v.nr), GFP_KERNEL);
	if (!map) {
		ret = -ENOMEM;
		goto out_put;
	}
	memset(map, 0, offsetof(struct phyr_mapping, ranges));
	map->dir = dir;
	span = granule_mask ? phyr_dma_api_bytes(&v, paths, &first) : 0;
	if (span)
		dma_iova_try_alloc(dev, &map->iova, first, span);
remap:
	phyr_run_iter_start(&it, &v);
	while (phyr_run_iter_next(&it, &run)) {
		/* An exporter's packed list is read as is: a bad one must not map. */
		if (WARN_ON_ONCE(run.prov >= v.nr_providers ||
				 map->size + run.len > v.size)) {
			ret = -EINVAL;
			break;
		}
		path = paths[run.prov];
		if (dma_use_iova(&map->iova) && phyr_path_uses_dma_api(path) &&
		    !phyr_iova_fits(map, granule_mask, &run, path)) {
			/* Rare: ranges off the IOMMU granule.  Map each on its own. */
			phyr_mapping_unmap_all(dev, map);
			goto remap;
		}
		ret = phyr_map_range(dev, map, &v, &run, path, &map->ranges[map->nr]);
		if (ret) {
			dev_dbg(dev, "phyr: %s: range %u (%s %pa+%#llx) %s mapping failed: %d\n",
				buf->name, run.idx, phyr_provider_name(v.providers[run.prov]),
				&run.phys, run.len, phyr_map_type_name(path), ret);
			break;
		}
		map->nr++;
		map->size += run.len;
	}
	if (!ret && map->iova_len)
		ret = dma_iova_sync(dev, &map->iova, 0, map->iova_len);
	if (ret) {
		phyr_mapping_release(dev, map);
		goto out_put;
	}
	list_add_tail(&map->node, &pa->maps);
	phyr_view_put(&v);
	trace_phyr_map(buf->dmabuf, dev, map->nr, map->size, 0);
	return map;

out_put:
	phyr_view_put(&v);
out:
	trace_phyr_map(buf->dmabuf, dev, 0, 0, ret);
	return ERR_PTR(ret);
}

/**
 * phyr_unmap_locked - release a mapping made by phyr_map_locked()
 * @attach: the attachment it was made for
 * @map: the mapping
 */
void phyr_unmap_locked(struct dma_buf_attachment *attach, struct phyr_mapping *map)
{
	struct phyr_attachment *pa = attach->priv;

	dma_resv_assert_held(pa->buf->dmabuf->resv);
	trace_phyr_unmap(attach->dmabuf, attach->dev, map->nr, map->size);
	list_del(&map->node);
	phyr_mapping_release(attach->dev, map);
}

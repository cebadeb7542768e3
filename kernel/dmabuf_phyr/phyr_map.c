// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device ranges: the DMA addresses of a buffer for one attachment.
 *
 * For every range of the buffer the path decision of (provider, attaching device)
 * says how to address it:
 *
 *  - PHYR_MAP_NONE (system RAM): dma_map_page() on the importing device;
 *  - PHYR_MAP_THRU_HOST_BRIDGE: dma_map_resource() on the importing device, which
 *    gives an IOVA under an IOMMU and the physical address without;
 *  - PHYR_MAP_BUS_ADDR: the PCI bus address (physical address + the provider's bus
 *    offset); nothing is mapped;
 *  - PHYR_MAP_NOT_SUPPORTED: the exporter's fallback is tried once, else the map
 *    fails with -EREMOTEIO and a debug message naming the range and the reason.
 *
 * Unmapping releases exactly what mapping made, per range, from the path recorded in
 * the mapping.  Everything here runs under the buffer's dma_resv lock.
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
 * phyr_get_ranges - the current ranges of a buffer
 * @buf: the buffer; its resv lock is held
 * @l: uninitialised list, initialised and filled on success
 *
 * Return: 0, the exporter's error, or -EINVAL when the ranges do not add up to the
 * buffer size.
 */
int phyr_get_ranges(struct phyr_buf *buf, struct phyr_list *l)
{
	int ret;

	dma_resv_assert_held(buf->dmabuf->resv);
	phyr_list_init(l);
	ret = buf->ops->get_ranges(buf->dmabuf, l);
	if (!ret && phyr_list_size(l) != buf->dmabuf->size) {
		pr_warn_ratelimited("dmabuf_phyr: %s: ranges cover %llu bytes of %zu\n",
				    buf->name, phyr_list_size(l), buf->dmabuf->size);
		ret = -EINVAL;
	}
	if (ret)
		phyr_list_fini(l);
	return ret;
}

static void phyr_report_unreachable(struct device *dev, struct phyr_buf *buf,
				    unsigned int idx, const struct phyr_entry *e)
{
	enum phyr_path_reason why;

	phyr_path_explain(e->provider, dev, &why);
	dev_dbg(dev, "phyr: %s: range %u (%s %pa+%#llx) unreachable: %s\n", buf->name, idx,
		phyr_provider_name(e->provider), &e->phys, e->len,
		phyr_path_reason_str(why));
}

/**
 * phyr_ranges_reachable - the path an attachment uses for a list of ranges
 * @buf: the buffer
 * @dev: the attaching device
 * @l: the buffer's ranges
 *
 * When a range is unreachable, the first one is named in the debug log.
 *
 * Return: PHYR_MAP_NOT_SUPPORTED if some provider is unreachable, else the most
 * costly path used: THRU_HOST_BRIDGE, then BUS_ADDR, then NONE (system RAM only).
 */
enum phyr_map_type phyr_ranges_reachable(struct phyr_buf *buf, struct device *dev,
					 const struct phyr_list *l)
{
	static const u8 cost[] = {
		[PHYR_MAP_NONE] = 1,
		[PHYR_MAP_BUS_ADDR] = 2,
		[PHYR_MAP_THRU_HOST_BRIDGE] = 3,
		[PHYR_MAP_NOT_SUPPORTED] = 4,
	};
	enum phyr_map_type worst = PHYR_MAP_NONE, t;
	struct phyr_entry e;
	unsigned int i;

	for (i = 0; i < l->nr_providers; i++) {
		t = phyr_path_for(l->providers[i], dev);
		if (t == PHYR_MAP_UNKNOWN)
			t = PHYR_MAP_NOT_SUPPORTED;
		if (cost[t] > cost[worst])
			worst = t;
	}
	if (worst != PHYR_MAP_NOT_SUPPORTED)
		return worst;
	phyr_list_for_each(l, i, e) {
		if (phyr_path_for(e.provider, dev) == PHYR_MAP_NOT_SUPPORTED) {
			phyr_report_unreachable(dev, buf, i, &e);
			break;
		}
	}
	return worst;
}

static void phyr_unmap_range(struct device *dev, const struct phyr_dev_range *r,
			     enum dma_data_direction dir)
{
	switch (r->path) {
	case PHYR_MAP_NONE:
		dma_unmap_page_attrs(dev, r->addr, r->len, dir, PHYR_DMA_ATTRS);
		break;
	case PHYR_MAP_THRU_HOST_BRIDGE:
		dma_unmap_resource(dev, r->addr, r->len, dir, PHYR_DMA_ATTRS);
		break;
	default:
		break;
	}
}

static void phyr_mapping_unmap_all(struct device *dev, struct phyr_mapping *map)
{
	while (map->nr)
		phyr_unmap_range(dev, &map->ranges[--map->nr], map->dir);
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

static int phyr_map_range(struct device *dev, const struct phyr_entry *e,
			  enum phyr_map_type path, enum dma_data_direction dir,
			  struct phyr_dev_range *r)
{
	r->len = e->len;
	r->path = path;
	switch (path) {
	case PHYR_MAP_NONE:
		if (!pfn_valid(PHYS_PFN(e->phys)) ||
		    !pfn_valid(PHYS_PFN(e->phys + e->len - 1)))
			return -EINVAL;
		r->addr = dma_map_page_attrs(dev, pfn_to_page(PHYS_PFN(e->phys)),
					     offset_in_page(e->phys), e->len, dir, PHYR_DMA_ATTRS);
		return dma_mapping_error(dev, r->addr) ? -EREMOTEIO : 0;
	case PHYR_MAP_THRU_HOST_BRIDGE:
		r->addr = dma_map_resource(dev, e->phys, e->len, dir, PHYR_DMA_ATTRS);
		return dma_mapping_error(dev, r->addr) ? -EREMOTEIO : 0;
	case PHYR_MAP_BUS_ADDR:
		return phyr_bus_addr(e->provider, e->phys, e->len, dma_get_mask(dev),
				     &r->addr);
	default:
		return -EREMOTEIO;
	}
}

/**
 * phyr_map_locked - build the device ranges of an attachment
 * @attach: the attachment (of a phyr dma-buf)
 * @dir: DMA direction
 *
 * Return: the mapping, on the attachment's list; ERR_PTR(-ENODEV) once the buffer is
 * revoked, ERR_PTR(-EREMOTEIO) when a range is unreachable, or another error.
 */
struct phyr_mapping *phyr_map_locked(struct dma_buf_attachment *attach,
				     enum dma_data_direction dir)
{
	struct phyr_attachment *pa = attach->priv;
	struct phyr_buf *buf = pa->buf;
	struct device *dev = attach->dev;
	bool fallback_tried = false;
	struct phyr_mapping *map;
	struct phyr_entry e;
	struct phyr_list l;
	unsigned int i;
	int ret;

	dma_resv_assert_held(buf->dmabuf->resv);
retry:
	if (buf->revoked) {
		ret = -ENODEV;
		goto out;
	}
	ret = phyr_get_ranges(buf, &l);
	if (ret)
		goto out;

	map = kvzalloc(struct_size(map, ranges, phyr_list_count(&l)), GFP_KERNEL);
	if (!map) {
		ret = -ENOMEM;
		goto out_list;
	}
	map->dir = dir;
	phyr_list_for_each(&l, i, e) {
		enum phyr_map_type path = phyr_path_for(e.provider, dev);

		if (path == PHYR_MAP_NOT_SUPPORTED && buf->ops->fallback && !fallback_tried) {
			/* Let the exporter move the buffer; nothing of ours stays mapped. */
			phyr_mapping_unmap_all(dev, map);
			fallback_tried = true;
			if (!buf->ops->fallback(buf->dmabuf, dev)) {
				kvfree(map);
				phyr_list_fini(&l);
				goto retry;
			}
		}
		if (path == PHYR_MAP_NOT_SUPPORTED) {
			phyr_report_unreachable(dev, buf, i, &e);
			ret = -EREMOTEIO;
			break;
		}
		ret = phyr_map_range(dev, &e, path, dir, &map->ranges[i]);
		if (ret) {
			dev_dbg(dev, "phyr: %s: range %u (%s %pa+%#llx) %s mapping failed: %d\n",
				buf->name, i, phyr_provider_name(e.provider), &e.phys, e.len,
				phyr_map_type_name(path), ret);
			break;
		}
		map->nr++;
		map->size += e.len;
	}
	if (ret) {
		phyr_mapping_release(dev, map);
		goto out_list;
	}
	list_add_tail(&map->node, &pa->maps);
	phyr_list_fini(&l);
	trace_phyr_map(buf->dmabuf, dev, map->nr, map->size, 0);
	return map;

out_list:
	phyr_list_fini(&l);
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

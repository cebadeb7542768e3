// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scatterlist fallback for importers that know nothing of phyr.
 *
 * map_dma_buf builds the attachment's device ranges exactly as phyr_map() does and
 * returns them as a DMA-only sg_table: sg_dma_address()/sg_dma_len() are set, there
 * is no struct page behind the entries (device memory has none), and a range longer
 * than the device's maximum segment (and than any unsigned int) is split.  Importers
 * must only walk the DMA side (for_each_sgtable_dma_sg()); with CONFIG_DMABUF_DEBUG
 * the dma-buf core scrambles the page side to catch those that do not.
 */
#include <kunit/visibility.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/limits.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "phyr_internal.h"

struct phyr_sgt {
	struct sg_table sgt;
	struct phyr_mapping *map;
};

/**
 * phyr_sg_max_segment - longest sg entry for a device
 * @dev: the importing device
 *
 * Return: the device's maximum segment size, capped below UINT_MAX, page-aligned.
 */
unsigned int phyr_sg_max_segment(struct device *dev)
{
	unsigned int max = min_t(u64, dma_get_max_seg_size(dev), UINT_MAX);

	return max_t(unsigned int, rounddown(max, PAGE_SIZE), PAGE_SIZE);
}
EXPORT_SYMBOL_IF_KUNIT(phyr_sg_max_segment);

struct sg_table *phyr_sg_map(struct dma_buf_attachment *attach,
			     enum dma_data_direction dir)
{
	unsigned int seg = phyr_sg_max_segment(attach->dev);
	struct scatterlist *sg;
	struct phyr_sgt *s;
	unsigned int i, n = 0;
	int ret;

	s = kzalloc_obj(*s);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->map = phyr_map_locked(attach, dir);
	if (IS_ERR(s->map)) {
		ret = PTR_ERR(s->map);
		goto err_free;
	}

	for (i = 0; i < s->map->nr; i++) {
		u64 segs = DIV_ROUND_UP_ULL(s->map->ranges[i].len, seg);

		if (segs > UINT_MAX - n) {
			ret = -E2BIG;
			goto err_unmap;
		}
		n += segs;
	}
	ret = sg_alloc_table(&s->sgt, n, GFP_KERNEL);
	if (ret)
		goto err_unmap;

	sg = s->sgt.sgl;
	for (i = 0; i < s->map->nr; i++) {
		const struct phyr_dev_range *r = &s->map->ranges[i];
		u64 off;

		for (off = 0; off < r->len; off += seg, sg = sg_next(sg)) {
			unsigned int len = min_t(u64, r->len - off, seg);

			sg->length = len;
			sg_dma_address(sg) = r->addr + off;
			sg_dma_len(sg) = len;
		}
	}
	return &s->sgt;

err_unmap:
	phyr_unmap_locked(attach, s->map);
err_free:
	kfree(s);
	return ERR_PTR(ret);
}

void phyr_sg_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
		   enum dma_data_direction dir)
{
	struct phyr_sgt *s = container_of(sgt, struct phyr_sgt, sgt);

	phyr_unmap_locked(attach, s->map);
	sg_free_table(&s->sgt);
	kfree(s);
}

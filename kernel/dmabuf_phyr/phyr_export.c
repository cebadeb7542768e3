// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exporter side: one set of dma_buf_ops for every phyr dma-buf.
 *
 * The exporter only describes its memory (get_ranges under the resv lock) and, if it
 * moves it, pins it on request.  This file does the rest the same way for everyone:
 * attach checks that the attaching device reaches every provider of the buffer and
 * records the path, the mapping callbacks build per-device ranges (phyr_map.c,
 * phyr_sg.c), and phyr_dmabuf_revoke() invalidates every attachment.
 *
 * Locking: the buffer's dma_resv lock protects the revoked flag, the pin counts and
 * the mapping lists.  Map and revoke both hold it, so an importer that is mid-map
 * either finishes before the revoke (and then gets its invalidate_mappings) or sees the
 * buffer revoked and gets -ENODEV.  phyr_bufs_lock (the list of all phyr buffers, for
 * debugfs) is taken before a resv lock, never inside one.
 */
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "phyr_internal.h"
#include "phyr_trace.h"

/* Protects phyr_bufs, the list of every phyr buffer (for debugfs). */
DEFINE_MUTEX(phyr_bufs_lock);
LIST_HEAD(phyr_bufs);

static const struct dma_buf_ops phyr_dmabuf_ops;

/*
 * Check reachability for attach->dev, trying the exporter's fallback once.  An
 * importer that may take device memory (phyr_importer_takes_device_memory()) is
 * refused when it cannot reach a range.  Any other importer attaches all the same
 * (to vmap or mmap the buffer, as vkms does) and its map of device memory fails:
 * its path is NOT_SUPPORTED while the buffer has device memory.  The exporter gets
 * its one chance to move the buffer to system RAM now, before a static importer's
 * map pins it.
 */
static int phyr_attach_check(struct phyr_buf *buf, struct dma_buf_attachment *attach,
			     enum phyr_map_type *path)
{
	bool takes = phyr_importer_takes_device_memory(attach);
	bool fallback_tried = false;
	struct phyr_view v;
	int ret;

	dma_resv_assert_held(buf->dmabuf->resv);
	for (;;) {
		if (buf->revoked)
			return -ENODEV;
		ret = phyr_view_get(buf, &v);
		if (ret)
			return ret;
		*path = phyr_view_reachable(buf, attach->dev, &v);
		phyr_view_put(&v);
		if (*path == PHYR_MAP_NONE || (takes && *path != PHYR_MAP_NOT_SUPPORTED))
			return 0;
		if (!buf->ops->fallback || fallback_tried)
			break;
		fallback_tried = true;
		ret = buf->ops->fallback(buf->dmabuf, attach->dev);
		if (ret)
			break;
	}
	if (!takes) {
		*path = PHYR_MAP_NOT_SUPPORTED;
		return 0;
	}
	return *path == PHYR_MAP_NOT_SUPPORTED ? -EREMOTEIO : 0;
}

static int phyr_dmabuf_attach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	struct phyr_buf *buf = phyr_buf_of(dmabuf);
	struct phyr_attachment *pa;
	enum phyr_map_type path = PHYR_MAP_UNKNOWN;
	int ret;

	pa = kzalloc_obj(*pa);
	if (!pa)
		return -ENOMEM;
	pa->buf = buf;
	INIT_LIST_HEAD(&pa->maps);

	dma_resv_lock(dmabuf->resv, NULL);
	ret = phyr_attach_check(buf, attach, &path);
	dma_resv_unlock(dmabuf->resv);
	trace_phyr_attach(dmabuf, attach->dev, path, ret);
	if (ret) {
		kfree(pa);
		return ret;
	}
	pa->path = path;
	attach->priv = pa;
	return 0;
}

static void phyr_dmabuf_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	struct phyr_attachment *pa = attach->priv;
	struct phyr_mapping *map, *tmp;

	if (!list_empty(&pa->maps) || pa->pins) {
		/* An importer bug: release what it left so that nothing leaks. */
		dev_WARN(attach->dev, "phyr: detach with mappings or pins left\n");
		dma_resv_lock(dmabuf->resv, NULL);
		list_for_each_entry_safe(map, tmp, &pa->maps, node)
			phyr_unmap_locked(attach, map);
		for (; pa->pins; pa->pins--)
			if (pa->buf->ops->unpin)
				pa->buf->ops->unpin(dmabuf);
		dma_resv_unlock(dmabuf->resv);
	}
	attach->priv = NULL;
	kfree(pa);
}

static int phyr_dmabuf_pin(struct dma_buf_attachment *attach)
{
	struct phyr_attachment *pa = attach->priv;
	struct phyr_buf *buf = pa->buf;
	int ret = 0;

	dma_resv_assert_held(buf->dmabuf->resv);
	if (buf->ops->pin)
		ret = buf->ops->pin(buf->dmabuf);
	if (!ret)
		pa->pins++;
	return ret;
}

static void phyr_dmabuf_unpin(struct dma_buf_attachment *attach)
{
	struct phyr_attachment *pa = attach->priv;
	struct phyr_buf *buf = pa->buf;

	dma_resv_assert_held(buf->dmabuf->resv);
	if (WARN_ON(!pa->pins))
		return;
	if (buf->ops->unpin)
		buf->ops->unpin(buf->dmabuf);
	pa->pins--;
}

static void phyr_dmabuf_release(struct dma_buf *dmabuf)
{
	struct phyr_buf *buf = phyr_buf_of(dmabuf);

	mutex_lock(&phyr_bufs_lock);
	list_del(&buf->node);
	mutex_unlock(&phyr_bufs_lock);
	buf->ops->release(dmabuf);
	kfree(buf);
}

static int phyr_dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct phyr_buf *buf = phyr_buf_of(dmabuf);

	return buf->ops->mmap ? buf->ops->mmap(dmabuf, vma) : -EINVAL;
}

static int phyr_dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct phyr_buf *buf = phyr_buf_of(dmabuf);

	return buf->ops->vmap ? buf->ops->vmap(dmabuf, map) : -EINVAL;
}

static void phyr_dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct phyr_buf *buf = phyr_buf_of(dmabuf);

	if (buf->ops->vunmap)
		buf->ops->vunmap(dmabuf, map);
}

static int phyr_dmabuf_begin_cpu_access(struct dma_buf *dmabuf,
					enum dma_data_direction dir)
{
	struct phyr_buf *buf = phyr_buf_of(dmabuf);

	return buf->ops->begin_cpu_access ? buf->ops->begin_cpu_access(dmabuf, dir) : 0;
}

static int phyr_dmabuf_end_cpu_access(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct phyr_buf *buf = phyr_buf_of(dmabuf);

	return buf->ops->end_cpu_access ? buf->ops->end_cpu_access(dmabuf, dir) : 0;
}

static const struct dma_buf_ops phyr_dmabuf_ops = {
	.attach = phyr_dmabuf_attach,
	.detach = phyr_dmabuf_detach,
	.pin = phyr_dmabuf_pin,
	.unpin = phyr_dmabuf_unpin,
	.map_dma_buf = phyr_sg_map,
	.unmap_dma_buf = phyr_sg_unmap,
	.release = phyr_dmabuf_release,
	.begin_cpu_access = phyr_dmabuf_begin_cpu_access,
	.end_cpu_access = phyr_dmabuf_end_cpu_access,
	.mmap = phyr_dmabuf_mmap,
	.vmap = phyr_dmabuf_vmap,
	.vunmap = phyr_dmabuf_vunmap,
};

/**
 * phyr_dmabuf_export - create a dma-buf backed by physical ranges
 * @info: exporter callbacks, private data, size and flags
 *
 * The dma-buf's operations belong to this module; the exporter's callbacks in
 * @info->ops describe and manage its memory.  @info->ops->release and exactly one
 * of @info->ops->get_ranges and @info->ops->packed_ranges are required,
 * @info->size must not be 0.
 *
 * Return: the dma-buf, or ERR_PTR(-EINVAL) for bad @info, ERR_PTR(-ENOMEM), or the
 * error of dma_buf_export().
 */
struct dma_buf *phyr_dmabuf_export(const struct phyr_export_info *info)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct dma_buf *dmabuf;
	struct phyr_buf *buf;

	if (!info || !info->ops || !info->ops->get_ranges == !info->ops->packed_ranges ||
	    !info->ops->release ||
	    !info->size || !info->ops->pin != !info->ops->unpin ||
	    !info->ops->vmap != !info->ops->vunmap)
		return ERR_PTR(-EINVAL);

	buf = kzalloc_obj(*buf);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->ops = info->ops;
	buf->priv = info->priv;
	buf->name = info->exp_name ?: KBUILD_MODNAME;

	exp.exp_name = buf->name;
	exp.owner = info->owner;
	exp.ops = &phyr_dmabuf_ops;
	exp.size = info->size;
	exp.flags = info->flags;
	exp.resv = info->resv;
	exp.priv = buf;
	dmabuf = dma_buf_export(&exp);
	if (IS_ERR(dmabuf)) {
		kfree(buf);
		return dmabuf;
	}
	buf->dmabuf = dmabuf;

	mutex_lock(&phyr_bufs_lock);
	list_add_tail(&buf->node, &phyr_bufs);
	mutex_unlock(&phyr_bufs_lock);
	return dmabuf;
}
EXPORT_SYMBOL_NS_GPL(phyr_dmabuf_export, "DMABUF_PHYR");

/**
 * is_phyr_dmabuf - whether a dma-buf was made by phyr_dmabuf_export()
 * @dmabuf: the dma-buf
 *
 * Return: true for a phyr dma-buf.
 */
bool is_phyr_dmabuf(const struct dma_buf *dmabuf)
{
	return dmabuf && dmabuf->ops == &phyr_dmabuf_ops;
}
EXPORT_SYMBOL_NS_GPL(is_phyr_dmabuf, "DMABUF_PHYR");

/**
 * phyr_dmabuf_priv - the exporter's private data of a phyr dma-buf
 * @dmabuf: the dma-buf
 *
 * Return: &phyr_export_info.priv, or NULL if @dmabuf is not a phyr dma-buf.
 */
void *phyr_dmabuf_priv(const struct dma_buf *dmabuf)
{
	return is_phyr_dmabuf(dmabuf) ? phyr_buf_of(dmabuf)->priv : NULL;
}
EXPORT_SYMBOL_NS_GPL(phyr_dmabuf_priv, "DMABUF_PHYR");

/**
 * phyr_dmabuf_revoke - withdraw a buffer's memory from every importer
 * @dmabuf: a phyr dma-buf
 *
 * Under the resv lock, marks the buffer revoked and sends invalidate_mappings to every
 * dynamic attachment; those must drop their mappings in invalidate_mappings.  Every later
 * map (phyr_map(), dma_buf_map_attachment()) and attach fails with -ENODEV.
 * Mappings of static (pinned, non-dynamic) importers cannot be recalled: they stay
 * until those importers detach.  Revoking twice is a no-op.
 */
void phyr_dmabuf_revoke(struct dma_buf *dmabuf)
{
	struct phyr_buf *buf;

	if (WARN_ON(!is_phyr_dmabuf(dmabuf)))
		return;
	buf = phyr_buf_of(dmabuf);

	dma_resv_lock(dmabuf->resv, NULL);
	if (!buf->revoked) {
		WRITE_ONCE(buf->revoked, true);
		trace_phyr_revoke(dmabuf);
		dma_buf_invalidate_mappings(dmabuf);
	}
	dma_resv_unlock(dmabuf->resv);
}
EXPORT_SYMBOL_NS_GPL(phyr_dmabuf_revoke, "DMABUF_PHYR");

/**
 * phyr_dmabuf_is_revoked - whether phyr_dmabuf_revoke() was called on a buffer
 * @dmabuf: a phyr dma-buf
 *
 * Return: true once revoked (false for a dma-buf that is not a phyr one).
 */
bool phyr_dmabuf_is_revoked(const struct dma_buf *dmabuf)
{
	return is_phyr_dmabuf(dmabuf) && READ_ONCE(phyr_buf_of(dmabuf)->revoked);
}
EXPORT_SYMBOL_NS_GPL(phyr_dmabuf_is_revoked, "DMABUF_PHYR");

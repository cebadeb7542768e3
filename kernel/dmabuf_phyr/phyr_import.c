// SPDX-License-Identifier: GPL-2.0-only
/*
 * The importer side: attach a device to a phyr dma-buf and get its device ranges.
 *
 * A phyr importer always attaches dynamically (it must handle invalidate_mappings) and with
 * the struct device that will do the DMA: the path, and with it the DMA address,
 * depends on that device.  Importers of dma-bufs that are not phyr dma-bufs use the
 * ordinary dma-buf API.
 */
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/export.h>
#include <linux/slab.h>

#include "phyr_internal.h"

static void phyr_import_invalidate(struct dma_buf_attachment *attach)
{
	struct phyr_importer *imp = attach->importer_priv;

	imp->ops->invalidate_mappings(attach);
}

const struct dma_buf_attach_ops phyr_import_attach_ops = {
	.allow_peer2peer = true,
	.invalidate_mappings = phyr_import_invalidate,
};

static bool phyr_is_import(const struct dma_buf_attachment *attach)
{
	return attach && attach->importer_ops == &phyr_import_attach_ops &&
	       is_phyr_dmabuf(attach->dmabuf);
}

/**
 * phyr_attach - attach a device to a phyr dma-buf
 * @dmabuf: a phyr dma-buf
 * @dev: the device that will do the DMA (e.g. the PCI function of a DMA engine)
 * @ops: importer callbacks; @ops->invalidate_mappings is required
 * @priv: importer private data, see phyr_attach_priv()
 *
 * Return: the attachment, or ERR_PTR(-EINVAL) (missing argument or callback),
 * ERR_PTR(-EOPNOTSUPP) (not a phyr dma-buf), ERR_PTR(-EREMOTEIO) (@dev cannot
 * reach the buffer's memory), ERR_PTR(-ENODEV) (the buffer was revoked), or another
 * error.
 */
struct dma_buf_attachment *phyr_attach(struct dma_buf *dmabuf, struct device *dev,
				       const struct phyr_importer_ops *ops, void *priv)
{
	struct dma_buf_attachment *attach;
	struct phyr_importer *imp;

	if (!dmabuf || !dev || !ops || !ops->invalidate_mappings)
		return ERR_PTR(-EINVAL);
	if (!is_phyr_dmabuf(dmabuf))
		return ERR_PTR(-EOPNOTSUPP);

	imp = kzalloc_obj(*imp);
	if (!imp)
		return ERR_PTR(-ENOMEM);
	imp->ops = ops;
	imp->priv = priv;
	attach = dma_buf_dynamic_attach(dmabuf, dev, &phyr_import_attach_ops, imp);
	if (IS_ERR(attach))
		kfree(imp);
	return attach;
}
EXPORT_SYMBOL_NS_GPL(phyr_attach, "DMABUF_PHYR");

/**
 * phyr_detach - detach from a phyr dma-buf
 * @dmabuf: the dma-buf
 * @attach: an attachment made by phyr_attach(); every mapping must be unmapped
 */
void phyr_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	struct phyr_importer *imp;

	if (WARN_ON(!phyr_is_import(attach) || attach->dmabuf != dmabuf))
		return;
	imp = attach->importer_priv;
	dma_buf_detach(dmabuf, attach);
	kfree(imp);
}
EXPORT_SYMBOL_NS_GPL(phyr_detach, "DMABUF_PHYR");

/**
 * phyr_attach_priv - the importer's private data of an attachment
 * @attach: an attachment made by phyr_attach()
 *
 * Return: the @priv given to phyr_attach(), NULL for other attachments.
 */
void *phyr_attach_priv(const struct dma_buf_attachment *attach)
{
	const struct phyr_importer *imp;

	if (!phyr_is_import(attach))
		return NULL;
	imp = attach->importer_priv;
	return imp->priv;
}
EXPORT_SYMBOL_NS_GPL(phyr_attach_priv, "DMABUF_PHYR");

/**
 * phyr_attach_path - the path recorded when an attachment was made
 * @attach: an attachment of a phyr dma-buf
 *
 * Return: the most costly path the device needed for the buffer's memory at attach
 * time (THRU_HOST_BRIDGE, BUS_ADDR, or NONE for system RAM only);
 * NOT_SUPPORTED when the buffer had device memory and the importer may not map it
 * (no allow_peer2peer, or no invalidate_mappings); PHYR_MAP_UNKNOWN for an
 * attachment of another dma-buf.
 */
enum phyr_map_type phyr_attach_path(const struct dma_buf_attachment *attach)
{
	const struct phyr_attachment *pa;

	if (!attach || !is_phyr_dmabuf(attach->dmabuf) || !attach->priv)
		return PHYR_MAP_UNKNOWN;
	pa = attach->priv;
	return pa->path;
}
EXPORT_SYMBOL_NS_GPL(phyr_attach_path, "DMABUF_PHYR");

/**
 * phyr_map - the device ranges of a buffer for an attachment
 * @attach: an attachment made by phyr_attach(); the buffer's resv lock is held
 *
 * Every range of the buffer, in order, as the attached device must address it.
 * The mapping stays valid until phyr_unmap(), which must happen at the latest in
 * invalidate_mappings.  Mapped for DMA in both directions.
 *
 * Return: the mapping, or ERR_PTR(-EINVAL) (not a phyr attachment),
 * ERR_PTR(-ENODEV) (revoked), ERR_PTR(-EREMOTEIO) (a range is unreachable for the
 * device; the kernel log names it at debug level), ERR_PTR(-ENOMEM), or the
 * exporter's error.
 */
struct phyr_mapping *phyr_map(struct dma_buf_attachment *attach)
{
	if (!phyr_is_import(attach))
		return ERR_PTR(-EINVAL);
	return phyr_map_locked(attach, DMA_BIDIRECTIONAL);
}
EXPORT_SYMBOL_NS_GPL(phyr_map, "DMABUF_PHYR");

/**
 * phyr_unmap - release a mapping made by phyr_map()
 * @attach: the attachment; the buffer's resv lock is held
 * @map: the mapping
 */
void phyr_unmap(struct dma_buf_attachment *attach, struct phyr_mapping *map)
{
	if (WARN_ON(!phyr_is_import(attach)) || IS_ERR_OR_NULL(map))
		return;
	phyr_unmap_locked(attach, map);
}
EXPORT_SYMBOL_NS_GPL(phyr_unmap, "DMABUF_PHYR");

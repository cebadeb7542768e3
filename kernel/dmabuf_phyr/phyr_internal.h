/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dmabuf_phyr internals shared by the files of the module and by its KUnit suites.
 */
#ifndef _PHYR_INTERNAL_H
#define _PHYR_INTERNAL_H

#include <linux/dma-buf.h>
#include <linux/dmabuf_phyr.h>
#include <linux/iommu.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/xarray.h>

/* ---------------------------------------------------------------------------------
 * Providers (phyr_provider.c)
 */
struct phyr_provider {
	struct kref ref;
	bool p2p;
	struct pci_dev *pdev;		/* P2P: the device owning the BAR (referenced) */
	int bar;
	phys_addr_t start;		/* P2P: CPU physical address of the BAR */
	u64 size;			/* P2P: BAR length */
	u64 bus_offset;			/* P2P: bus address - CPU physical address */
	/* P2P: the P2P DMA core's provider of the BAR, if its driver set the core up */
	struct p2pdma_provider *p2pdma;
	bool unplugged;			/* P2P: the memory is gone, see phyr_provider_unplug() */
	struct xarray paths;		/* P2P: decision cache, index = client id */
	struct list_head node;		/* on phyr_providers, under phyr_providers_lock */
	char name[32];
};

extern struct mutex phyr_providers_lock;
extern struct list_head phyr_providers;

bool phyr_provider_contains(const struct phyr_provider *p, phys_addr_t phys, u64 len);
const char *phyr_provider_name(const struct phyr_provider *p);
struct phyr_provider *phyr_provider_create_fake(phys_addr_t start, u64 size,
						u64 bus_offset);
void phyr_provider_unplug(struct phyr_provider *p);

/* ---------------------------------------------------------------------------------
 * Range encoding (phyr_range.c)
 */
#define PHYR_RANGE_LEN_MASK	PHYR_RANGE_MAX_LEN
#define PHYR_PACK_ORDER_BITS	6
#define PHYR_PACK_ORDER_MASK	((1ULL << PHYR_PACK_ORDER_BITS) - 1)
#define PHYR_PACK_PROV_SHIFT	PHYR_PACK_ORDER_BITS
#define PHYR_PACK_PROV_MASK	((u64)(PHYR_LIST_MAX_PROVIDERS - 1) << PHYR_PACK_PROV_SHIFT)

static inline u64 phyr_range_len(const struct phyr_range *r)
{
	return r->len_prov & PHYR_RANGE_LEN_MASK;
}

static inline unsigned int phyr_range_prov(const struct phyr_range *r)
{
	return r->len_prov >> PHYR_RANGE_LEN_BITS;
}

/* phyr_list_get() for an index known to be in range, inline for the mapping loops. */
static inline void phyr_list_entry(const struct phyr_list *l, unsigned int idx,
				   struct phyr_entry *e)
{
	const struct phyr_range *r = &l->ranges[idx];

	e->provider = l->providers[phyr_range_prov(r)];
	e->phys = r->addr;
	e->len = phyr_range_len(r);
}

static inline u64 phyr_range_encode(u64 len, unsigned int prov)
{
	return len | (u64)prov << PHYR_RANGE_LEN_BITS;
}

/* ---------------------------------------------------------------------------------
 * Path decision (phyr_path.c)
 */

/* Why a decision came out as it did (for the debug log of a failed map). */
enum phyr_path_reason {
	PHYR_WHY_SYSRAM,
	PHYR_WHY_SAME_SWITCH,
	PHYR_WHY_HOST_BRIDGE,
	PHYR_WHY_ACS_REDIRECT,
	PHYR_WHY_NO_DMA,
	PHYR_WHY_DMA_MASK,
	PHYR_WHY_NOT_PCI,
	PHYR_WHY_P2PDMA_REFUSED,
	PHYR_WHY_NO_PROVIDER_DEV,
	PHYR_WHY_UNPLUGGED,
};

#define PHYR_TOPO_MAX_DEPTH	16

/**
 * struct phyr_topo_port - one PCI function on a path to the root
 * @id: identity (any value unique within one topology: the kernel uses
 *	domain << 16 | bus << 8 | devfn)
 * @acs_redirect: ACS P2P request/completion redirect or egress control is enabled
 */
struct phyr_topo_port {
	u32 id;
	bool acs_redirect;
};

/**
 * struct phyr_topo_end - one end of a pair: the device and its upstream bridges
 * @path: @path[0] is the device, then each upstream bridge up to the root port
 * @depth: number of entries in @path (0: not a PCI device)
 */
struct phyr_topo_end {
	struct phyr_topo_port path[PHYR_TOPO_MAX_DEPTH];
	unsigned int depth;
};

/**
 * struct phyr_topo - everything the path decision depends on
 * @sysram: the provider is system RAM
 * @unplugged: the driver of the provider's BAR is gone (phyr_provider_unplug())
 * @provider: the provider's PCI function and its upstream path
 * @client: the importing device's PCI function (depth 0: not PCI)
 * @p2pdma_dist: the P2P DMA core's verdict on the pair: what
 *	pci_p2pdma_distance_many() returned, negative when it refuses the pair
 * @client_iommu: an IOMMU translates the client's DMA
 * @dma_mask: the client's DMA mask (0: the device cannot do DMA)
 * @bus_end: last PCI bus address of the provider's BAR
 * @phys_end: last CPU physical address of the provider's BAR
 */
struct phyr_topo {
	bool sysram;
	bool unplugged;
	struct phyr_topo_end provider;
	struct phyr_topo_end client;
	int p2pdma_dist;
	bool client_iommu;
	u64 dma_mask;
	u64 bus_end;
	u64 phys_end;
};

enum phyr_map_type phyr_path_decide(const struct phyr_topo *t, int *dist,
				    enum phyr_path_reason *why);
const char *phyr_path_reason_str(enum phyr_path_reason why);
enum phyr_map_type phyr_path_explain(struct phyr_provider *p, struct device *dev,
				     enum phyr_path_reason *why);
void phyr_path_cache_flush(void);
int phyr_path_init(void);
void phyr_path_exit(void);

/* ---------------------------------------------------------------------------------
 * Buffers, attachments and mappings (phyr_export.c, phyr_map.c)
 */
struct phyr_buf {
	struct dma_buf *dmabuf;
	const struct phyr_exporter_ops *ops;
	void *priv;
	const char *name;
	bool revoked;			/* under the resv lock */
	struct list_head node;		/* on phyr_bufs, under phyr_bufs_lock */
};

/* attach->priv of every attachment of a phyr dma-buf */
struct phyr_attachment {
	struct phyr_buf *buf;
	enum phyr_map_type path;	/* recorded at attach */
	unsigned int pins;		/* under the resv lock */
	struct list_head maps;		/* struct phyr_mapping, under the resv lock */
};

/* attach->importer_priv of an attachment made by phyr_attach() */
struct phyr_importer {
	const struct phyr_importer_ops *ops;
	void *priv;
};

extern struct mutex phyr_bufs_lock;
extern struct list_head phyr_bufs;
extern const struct dma_buf_attach_ops phyr_import_attach_ops;

/*
 * Does an IOMMU translate @dev's DMA?  (iommu-dma has no dma_map_ops, so
 * get_dma_ops() cannot tell.)  Without translation a DMA address is the bus
 * address of the memory.
 */
static inline bool phyr_dev_dma_translated(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	return dom && (dom->type & __IOMMU_DOMAIN_PAGING);
}

/*
 * Device memory is DMA-mapped only for an importer that takes P2P addresses
 * (allow_peer2peer) and gives them back within bounded time when told to
 * (invalidate_mappings, dma_buf_attach_revocable()), as vfio-pci's exporter
 * decides.  Every other importer gets system RAM only: a mapping it would keep
 * could outlive the device memory behind it.
 */
static inline bool phyr_importer_takes_device_memory(struct dma_buf_attachment *attach)
{
	return attach->peer2peer && dma_buf_attach_revocable(attach);
}

static inline struct phyr_buf *phyr_buf_of(const struct dma_buf *dmabuf)
{
	return dmabuf->priv;
}

/**
 * struct phyr_view - a buffer's ranges as phyr reads them, under the buffer's resv lock
 * @packed: the exporter's own packed list, read in place; NULL for a get_ranges exporter
 * @list: the ranges that get_ranges filled in (empty when @packed is used)
 * @providers: the provider table of the form in use
 * @nr_providers: its length
 * @nr: number of entries
 * @size: their total length (the dma-buf's size)
 */
struct phyr_view {
	const struct phyr_packed_list *packed;
	struct phyr_list list;
	struct phyr_provider * const *providers;
	unsigned int nr_providers;
	unsigned int nr;
	u64 size;
};

/**
 * struct phyr_run - an entry of a view, or physically contiguous entries of one provider
 * @prov: index in the view's provider table
 * @idx: index of the (first) entry
 * @phys: CPU physical address of the first byte
 * @len: length in bytes
 */
struct phyr_run {
	unsigned int prov;
	unsigned int idx;
	phys_addr_t phys;
	u64 len;
};

static inline void phyr_view_entry(const struct phyr_view *v, unsigned int idx,
				   struct phyr_run *run)
{
	const struct phyr_range *r;
	u64 ent;

	run->idx = idx;
	if (v->packed) {
		ent = v->packed->ents[idx];
		run->prov = (ent & PHYR_PACK_PROV_MASK) >> PHYR_PACK_PROV_SHIFT;
		run->phys = ent & ~(u64)(PAGE_SIZE - 1);
		run->len = (u64)PAGE_SIZE << (ent & PHYR_PACK_ORDER_MASK);
	} else {
		r = &v->list.ranges[idx];
		run->prov = phyr_range_prov(r);
		run->phys = r->addr;
		run->len = phyr_range_len(r);
	}
}

/**
 * struct phyr_run_iter - walks a view run by run, decoding each entry once
 * @v: the view
 * @ahead: the entry after the last run returned, decoded (valid while
 *	@ahead.idx < @v->nr)
 *
 * A run is an entry and the entries after it that continue it in the same provider
 * (the buddy blocks of one allocation are often adjacent).
 */
struct phyr_run_iter {
	const struct phyr_view *v;
	struct phyr_run ahead;
};

static inline void phyr_run_iter_start(struct phyr_run_iter *it, const struct phyr_view *v)
{
	it->v = v;
	it->ahead.idx = 0;
	if (v->nr)
		phyr_view_entry(v, 0, &it->ahead);
}

/* The next run in @run; false after the last one. */
static inline bool phyr_run_iter_next(struct phyr_run_iter *it, struct phyr_run *run)
{
	const struct phyr_view *v = it->v;
	unsigned int idx = it->ahead.idx;

	if (idx >= v->nr)
		return false;
	*run = it->ahead;
	while (++idx < v->nr) {
		phyr_view_entry(v, idx, &it->ahead);
		if (it->ahead.prov != run->prov || it->ahead.phys != run->phys + run->len)
			return true;
		run->len += it->ahead.len;
	}
	it->ahead.idx = idx;
	return true;
}

int phyr_view_get(struct phyr_buf *buf, struct phyr_view *v);
void phyr_view_put(struct phyr_view *v);
int phyr_bus_addr(const struct phyr_provider *p, phys_addr_t phys, u64 len, u64 mask,
		  dma_addr_t *addr);
enum phyr_map_type phyr_view_reachable(struct phyr_buf *buf, struct device *dev,
				       const struct phyr_view *v);
struct phyr_mapping *phyr_map_locked(struct dma_buf_attachment *attach,
				     enum dma_data_direction dir);
void phyr_unmap_locked(struct dma_buf_attachment *attach, struct phyr_mapping *map);

/* phyr_sg.c */
struct sg_table *phyr_sg_map(struct dma_buf_attachment *attach,
			     enum dma_data_direction dir);
void phyr_sg_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
		   enum dma_data_direction dir);
unsigned int phyr_sg_max_segment(struct device *dev);

/* phyr_debugfs.c */
struct seq_file;
int phyr_debugfs_show(struct seq_file *m, void *unused);
void phyr_debugfs_init(void);
void phyr_debugfs_exit(void);

#endif /* _PHYR_INTERNAL_H */

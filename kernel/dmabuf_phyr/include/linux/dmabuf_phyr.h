/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dmabuf_phyr: dma-bufs backed by physical ranges, mapped per importing device.
 *
 * A buffer is a list of physical ranges, each owned by a provider: system RAM, or a
 * PCI BAR of a peer device (a "P2P provider").  There is no struct page and no
 * scatterlist in the model.  Each importer attaches with the struct device that will
 * do the DMA and gets, per range, the address that device must use and the path that
 * was chosen for it (PCI bus address behind a common switch, DMA API mapping through
 * the host bridge, DMA API mapping of system RAM), or -EREMOTEIO when the device
 * cannot reach a range.
 *
 * Every symbol is exported GPL-only in the DMABUF_PHYR namespace: users need
 * MODULE_IMPORT_NS("DMABUF_PHYR").  See docs/phyr.md.
 */
#ifndef _LINUX_DMABUF_PHYR_H
#define _LINUX_DMABUF_PHYR_H

#include <linux/dma-buf.h>
#include <linux/dma-direction.h>
#include <linux/dma-mapping.h>
#include <linux/list.h>
#include <linux/types.h>

struct device;
struct dma_resv;
struct iosys_map;
struct module;
struct p2pdma_provider;
struct pci_dev;
struct vm_area_struct;

/**
 * enum phyr_map_type - how one device reaches one provider's memory
 * @PHYR_MAP_UNKNOWN: not decided (never returned by a completed decision)
 * @PHYR_MAP_NOT_SUPPORTED: the device cannot reach the memory
 * @PHYR_MAP_BUS_ADDR: PCI bus address, routed by a common switch; no DMA API mapping
 * @PHYR_MAP_THRU_HOST_BRIDGE: through the host bridge, mapped with the importer's DMA
 *	API as MMIO (an IOVA under an IOMMU, the physical address without)
 * @PHYR_MAP_NONE: system RAM, mapped with the importer's DMA API
 *
 * The names follow enum pci_p2pdma_map_type of newer kernels.
 */
enum phyr_map_type {
	PHYR_MAP_UNKNOWN,
	PHYR_MAP_NOT_SUPPORTED,
	PHYR_MAP_BUS_ADDR,
	PHYR_MAP_THRU_HOST_BRIDGE,
	PHYR_MAP_NONE,
};

/* ---------------------------------------------------------------------------------
 * Providers
 */
struct phyr_provider;

struct phyr_provider *phyr_provider_sysram(void);
struct phyr_provider *phyr_provider_create_p2p(struct pci_dev *pdev, int bar);
struct phyr_provider *phyr_provider_get(struct phyr_provider *p);
void phyr_provider_put(struct phyr_provider *p);
struct p2pdma_provider *phyr_provider_p2pdma(const struct phyr_provider *p);
bool phyr_provider_is_p2p(const struct phyr_provider *p);
struct pci_dev *phyr_provider_pdev(const struct phyr_provider *p);
int phyr_provider_bar(const struct phyr_provider *p);
u64 phyr_provider_bus_offset(const struct phyr_provider *p);

/* ---------------------------------------------------------------------------------
 * Range lists
 */

/* A list refers to at most this many distinct providers (6 bits in the packed form). */
#define PHYR_LIST_MAX_PROVIDERS	64
/* Longest single range of the 16-byte form: 56 bits of length. */
#define PHYR_RANGE_LEN_BITS	56
#define PHYR_RANGE_MAX_LEN	((1ULL << PHYR_RANGE_LEN_BITS) - 1)

/**
 * struct phyr_range - one stored range, 16 bytes
 * @addr: CPU physical address of the first byte
 * @len_prov: length in bits 0-55, index into the list's provider table in bits 56-63
 *
 * Use phyr_list_get() or phyr_list_for_each() rather than decoding it by hand.
 */
struct phyr_range {
	u64 addr;
	u64 len_prov;
};

/**
 * struct phyr_list - a growable list of physical ranges
 * @ranges: the entries, in buffer order
 * @nr: number of entries used
 * @cap: number of entries allocated
 * @providers: provider table; the list holds one reference on each
 * @nr_providers: number of providers in @providers
 * @size: total length of the entries in bytes
 *
 * Initialise with phyr_list_init(), release with phyr_list_fini().  Not locked: the
 * owner serialises access.
 */
struct phyr_list {
	struct phyr_range *ranges;
	unsigned int nr;
	unsigned int cap;
	struct phyr_provider **providers;
	unsigned int nr_providers;
	u64 size;
};

/**
 * struct phyr_entry - one decoded range of a list
 * @provider: the provider owning the memory (the list holds the reference)
 * @phys: CPU physical address
 * @len: length in bytes
 */
struct phyr_entry {
	struct phyr_provider *provider;
	phys_addr_t phys;
	u64 len;
};

int phyr_list_init(struct phyr_list *l);
void phyr_list_fini(struct phyr_list *l);
void phyr_list_reset(struct phyr_list *l);
int phyr_list_append(struct phyr_list *l, struct phyr_provider *p, phys_addr_t phys,
		     u64 len);
int phyr_list_copy(struct phyr_list *dst, const struct phyr_list *src);
unsigned int phyr_list_count(const struct phyr_list *l);
u64 phyr_list_size(const struct phyr_list *l);
bool phyr_list_get(const struct phyr_list *l, unsigned int idx, struct phyr_entry *e);
const struct phys_vec *phyr_list_phys_vec(const struct phyr_list *l,
					  struct phyr_provider **provider);
int phyr_list_append_phys_vec(struct phyr_list *l, struct phyr_provider *provider,
			      const struct phys_vec *vec, size_t nr);
void phyr_list_merge(struct phyr_list *l);
int phyr_list_split_at(struct phyr_list *l, u64 offset);
int phyr_list_slice(struct phyr_list *dst, const struct phyr_list *src, u64 offset,
		    u64 len);

/**
 * phyr_list_for_each - iterate over the ranges of a list
 * @l: the list
 * @i: unsigned int cursor
 * @e: struct phyr_entry filled for each range
 */
#define phyr_list_for_each(l, i, e) \
	for ((i) = 0; phyr_list_get((l), (i), &(e)); (i)++)

/**
 * struct phyr_packed_list - long-term storage of page-aligned ranges, 8 bytes a range
 * @ents: each entry: page-aligned address | provider index << 6 | order, where the
 *	range is PAGE_SIZE << order bytes long
 * @nr: number of entries
 * @providers: provider table (one reference each)
 * @nr_providers: number of providers
 * @size: total length of the entries in bytes
 */
struct phyr_packed_list {
	u64 *ents;
	unsigned int nr;
	struct phyr_provider **providers;
	unsigned int nr_providers;
	u64 size;
};

int phyr_list_pack(struct phyr_packed_list *out, const struct phyr_list *l);
int phyr_packed_unpack(struct phyr_list *out, const struct phyr_packed_list *pk);
void phyr_packed_fini(struct phyr_packed_list *pk);

/* ---------------------------------------------------------------------------------
 * Exporter API
 */

/**
 * struct phyr_exporter_ops - callbacks of a phyr exporter
 * @get_ranges: append the buffer's current ranges, in buffer order, to an empty,
 *	initialised list; they must add up to the dma-buf size.  Called with the
 *	buffer's dma_resv lock held, at attach, at every map and from debugfs.
 * @packed_ranges: instead of @get_ranges, for an exporter that stores its ranges in
 *	the packed form: the buffer's current ranges, made by phyr_list_pack() and not
 *	edited since.  phyr reads them in place, with the buffer's dma_resv lock held,
 *	and keeps no pointer to them past that lock: the exporter may replace them
 *	under the lock (after moving the buffer) and frees them in @release.
 * @pin: optional; keep the ranges where they are until @unpin (resv held).  Called
 *	for every mapping of a static importer and every dma_buf_pin() of a dynamic
 *	one.  An exporter without @pin never moves its memory.
 * @unpin: optional; undo one @pin (resv held)
 * @fallback: optional; a device cannot reach some range: move the buffer where @dev
 *	reaches it (e.g. system RAM) and return 0, or return an error.  Resv held.
 * @vmap: optional; CPU mapping of the whole buffer (write-combined for VRAM).  The
 *	dma-buf core calls it with the buffer's resv lock held: it must not take it.
 * @vunmap: optional; undo @vmap
 * @mmap: optional; map the buffer into user space
 * @begin_cpu_access: optional; see &dma_buf_ops.begin_cpu_access
 * @end_cpu_access: optional; see &dma_buf_ops.end_cpu_access
 * @release: required; the last reference to the dma-buf is gone
 */
struct phyr_exporter_ops {
	int (*get_ranges)(struct dma_buf *dmabuf, struct phyr_list *out);
	const struct phyr_packed_list *(*packed_ranges)(struct dma_buf *dmabuf);
	int (*pin)(struct dma_buf *dmabuf);
	void (*unpin)(struct dma_buf *dmabuf);
	int (*fallback)(struct dma_buf *dmabuf, struct device *dev);
	int (*vmap)(struct dma_buf *dmabuf, struct iosys_map *map);
	void (*vunmap)(struct dma_buf *dmabuf, struct iosys_map *map);
	int (*mmap)(struct dma_buf *dmabuf, struct vm_area_struct *vma);
	int (*begin_cpu_access)(struct dma_buf *dmabuf, enum dma_data_direction dir);
	int (*end_cpu_access)(struct dma_buf *dmabuf, enum dma_data_direction dir);
	void (*release)(struct dma_buf *dmabuf);
};

/**
 * struct phyr_export_info - what phyr_dmabuf_export() needs
 * @ops: exporter callbacks
 * @priv: exporter private data, see phyr_dmabuf_priv()
 * @size: buffer size in bytes
 * @flags: file flags (O_RDWR, O_CLOEXEC)
 * @resv: reservation object to share, or NULL for the dma-buf's own
 * @owner: module owning @ops (THIS_MODULE)
 * @exp_name: exporter name shown in debugfs
 */
struct phyr_export_info {
	const struct phyr_exporter_ops *ops;
	void *priv;
	size_t size;
	int flags;
	struct dma_resv *resv;
	struct module *owner;
	const char *exp_name;
};

struct dma_buf *phyr_dmabuf_export(const struct phyr_export_info *info);
bool is_phyr_dmabuf(const struct dma_buf *dmabuf);
void *phyr_dmabuf_priv(const struct dma_buf *dmabuf);
void phyr_dmabuf_revoke(struct dma_buf *dmabuf);
bool phyr_dmabuf_is_revoked(const struct dma_buf *dmabuf);

/* ---------------------------------------------------------------------------------
 * Importer API
 */

/**
 * struct phyr_dev_range - one range as one device must address it
 * @addr: DMA address for the importing device
 * @len: length in bytes
 * @path: how the device reaches it
 */
struct phyr_dev_range {
	dma_addr_t addr;
	u64 len;
	enum phyr_map_type path;
};

/**
 * struct phyr_mapping - the ranges of a buffer for one attachment, in buffer order
 * @nr: number of ranges
 * @size: total length in bytes
 * @dir: DMA direction of the mapping
 * @ranges: the device ranges
 */
struct phyr_mapping {
	unsigned int nr;
	u64 size;
	enum dma_data_direction dir;
	/* private: */
	/* on the attachment's list of mappings */
	struct list_head node;
	/* one IOVA for the ranges that go through the importer's IOMMU, if it has one */
	struct dma_iova_state iova;
	/* the bytes linked into @iova */
	size_t iova_len;
	/* public: */
	struct phyr_dev_range ranges[];
};

/**
 * struct phyr_importer_ops - importer callbacks
 * @invalidate_mappings: required; the buffer moves or is revoked: mappings must be dropped
 *	(phyr_unmap()) before the resv lock is released or the fences signalled.
 *	Called with the resv lock held.
 */
struct phyr_importer_ops {
	void (*invalidate_mappings)(struct dma_buf_attachment *attach);
};

/* phyr_attach() takes the buffer's resv lock: call it with no dma_resv held. */
struct dma_buf_attachment *phyr_attach(struct dma_buf *dmabuf, struct device *dev,
				       const struct phyr_importer_ops *ops, void *priv);
void phyr_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach);
void *phyr_attach_priv(const struct dma_buf_attachment *attach);
enum phyr_map_type phyr_attach_path(const struct dma_buf_attachment *attach);
struct phyr_mapping *phyr_map(struct dma_buf_attachment *attach);
void phyr_unmap(struct dma_buf_attachment *attach, struct phyr_mapping *map);

/* ---------------------------------------------------------------------------------
 * Path decision
 */
enum phyr_map_type phyr_path_for(struct phyr_provider *p, struct device *dev);
const char *phyr_map_type_name(enum phyr_map_type t);

#endif /* _LINUX_DMABUF_PHYR_H */

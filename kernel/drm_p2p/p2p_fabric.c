// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registry of GPU VRAM windows, and how an engine address reaches
 * memory.
 *
 * The emulated engines are driven in software for bulk work, so the driver must do
 * what the hardware and the platform would do with an address the engine emits:
 *
 *  1. a PCI bus address inside the VRAM window of a GPU that the engine reaches by
 *     bus address (phyr's path decision for that VRAM and that engine is
 *     PHYR_MAP_BUS_ADDR: a common upstream bridge, no ACS redirect on the way) is
 *     routed below the host bridge to that GPU: no IOMMU sees it.  (QEMU does not
 *     model this: it sends every DMA through its IOMMU, so the real edu engine
 *     faults where this model and real hardware succeed; docs/platform.md says so
 *     and the tests skip that probe);
 *  2. otherwise, if an IOMMU translates for the engine, the address is an IOVA and
 *     goes through the engine's IOMMU domain; no translation is a fault (-EFAULT), as
 *     a DMAR fault would be;
 *  3. otherwise the address is the physical address.
 *
 * The resulting physical address is then accessed through the mapping of the BAR
 * that owns it (the "fabric" of GPU BARs), or as a page of system RAM.  Nothing here
 * uses an exporter's kernel mapping of a buffer.
 *
 * The decision of rule 1 is phyr's, the same that maps the GPU's dma-bufs for the
 * engine: it is taken when a GPU joins the fabric, for every engine and every VRAM,
 * and kept in each node's route table.  It includes the engine's DMA mask, which the
 * driver sets once, before the GPU joins (p2p_edu_init()).  Lookups run inside engine
 * jobs (dma_fence signalling critical sections): they take only the fabric's
 * rw_semaphore for reading and read the route tables under RCU; they never allocate
 * and never wait.
 */
#include <linux/highmem.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>

#include <drm/drm_drv.h>
#include <linux/dmabuf_phyr.h>

#include "p2p_drv.h"

/* Serializes joins and leaves, which decide routes (that sleeps) outside fabric_rwsem. */
static DEFINE_MUTEX(fabric_join_lock);
static DECLARE_RWSEM(fabric_rwsem);
static LIST_HEAD(fabric_nodes);
static DEFINE_IDA(fabric_ida);

/* How @engine_gpu's engine reaches @vram_gpu's VRAM: phyr's decision. */
static int fabric_route_store(struct p2p_device *engine_gpu, struct p2p_device *vram_gpu)
{
	enum phyr_map_type path = phyr_path_for(vram_gpu->provider,
						p2p_engine_dev(engine_gpu));

	return xa_err(xa_store(&engine_gpu->fabric.routes, vram_gpu->index,
			       xa_mk_value(path), GFP_KERNEL));
}

static void fabric_routes_forget(struct p2p_device *p2p)
{
	struct p2p_fabric_node *n;

	list_for_each_entry(n, &fabric_nodes, link)
		xa_erase(&n->routes, p2p->index);
	xa_destroy(&p2p->fabric.routes);
}

/**
 * p2p_fabric_register - make a GPU's VRAM reachable by the engines
 * @p2p: the GPU, with its BAR mapped, its engine and its phyr provider set up;
 *	gets its index
 *
 * Decides how this GPU's engine reaches every VRAM of the fabric, its own
 * included, and how every other engine reaches this GPU's VRAM.
 *
 * Return: 0 or a negative errno.
 */
int p2p_fabric_register(struct p2p_device *p2p)
{
	struct p2p_fabric_node *n = &p2p->fabric, *m;
	int id, ret;

	xa_init(&n->routes);
	id = ida_alloc(&fabric_ida, GFP_KERNEL);
	if (id < 0)
		return id;
	p2p->index = id;
	n->dev = p2p;
	n->pdev = p2p->pdev;
	n->phys = p2p->vram_phys;
	n->bus = pci_bus_address(p2p->pdev, P2P_VRAM_BAR);
	n->size = p2p->vram_bar_size;
	n->io = p2p->vram_io;

	mutex_lock(&fabric_join_lock);
	ret = fabric_route_store(p2p, p2p);
	list_for_each_entry(m, &fabric_nodes, link) {
		if (ret)
			break;
		ret = fabric_route_store(p2p, m->dev) ?: fabric_route_store(m->dev, p2p);
	}
	if (ret) {
		fabric_routes_forget(p2p);
		mutex_unlock(&fabric_join_lock);
		ida_free(&fabric_ida, id);
		n->dev = NULL;
		return ret;
	}
	down_write(&fabric_rwsem);
	list_add_tail(&n->link, &fabric_nodes);
	up_write(&fabric_rwsem);
	mutex_unlock(&fabric_join_lock);
	return 0;
}

/**
 * p2p_fabric_unregister - remove a GPU from the fabric
 * @p2p: the GPU
 *
 * After this returns no engine accesses the GPU's BAR any more.
 */
void p2p_fabric_unregister(struct p2p_device *p2p)
{
	struct p2p_fabric_node *n = &p2p->fabric;

	if (!n->dev)
		return;
	mutex_lock(&fabric_join_lock);
	down_write(&fabric_rwsem);
	list_del(&n->link);
	up_write(&fabric_rwsem);
	fabric_routes_forget(p2p);
	mutex_unlock(&fabric_join_lock);
	ida_free(&fabric_ida, p2p->index);
	n->dev = NULL;
}

/* The path decided for @p2p's engine to @n's VRAM; fabric lock held. */
static enum phyr_map_type fabric_route(struct p2p_device *p2p, struct p2p_fabric_node *n)
{
	void *entry = xa_load(&p2p->fabric.routes, n->dev->index);

	return xa_is_value(entry) ? xa_to_value(entry) : PHYR_MAP_UNKNOWN;
}

/**
 * p2p_fabric_path - how a GPU's engine reaches another GPU's VRAM
 * @engine_gpu: the GPU whose engine accesses
 * @vram_gpu: the GPU whose VRAM it accesses (may be @engine_gpu)
 *
 * Return: the path decided when the later of the two joined the fabric;
 * PHYR_MAP_UNKNOWN when either is not in the fabric.
 */
enum phyr_map_type p2p_fabric_path(struct p2p_device *engine_gpu,
				   struct p2p_device *vram_gpu)
{
	enum phyr_map_type path = PHYR_MAP_UNKNOWN;
	struct p2p_fabric_node *n;

	/* A node on the list has its GPU set: unregister clears it after list_del(). */
	down_read(&fabric_rwsem);
	list_for_each_entry(n, &fabric_nodes, link)
		if (n == &vram_gpu->fabric)
			path = fabric_route(engine_gpu, n);
	up_read(&fabric_rwsem);
	return path;
}
EXPORT_SYMBOL_NS_GPL(p2p_fabric_path, "DRM_P2P_TEST");

/* Route @addr of @p2p's engine to a CPU physical address.  Fabric lock held. */
static int fabric_translate(struct p2p_device *p2p, u64 addr, phys_addr_t *phys)
{
	struct pci_dev *engine = p2p->edu.pdev;
	struct iommu_domain *dom;
	struct p2p_fabric_node *n;

	list_for_each_entry(n, &fabric_nodes, link) {
		if (addr >= n->bus && addr - n->bus < n->size &&
		    fabric_route(p2p, n) == PHYR_MAP_BUS_ADDR) {
			*phys = n->phys + (addr - n->bus);
			return 0;
		}
	}

	dom = iommu_get_domain_for_dev(&engine->dev);
	if (dom && (dom->type & __IOMMU_DOMAIN_PAGING)) {
		*phys = iommu_iova_to_phys(dom, addr);
		return *phys ? 0 : -EFAULT;
	}
	*phys = addr;
	return 0;
}

static struct p2p_fabric_node *fabric_find_phys(phys_addr_t phys, size_t len)
{
	struct p2p_fabric_node *n;

	list_for_each_entry(n, &fabric_nodes, link)
		if (phys >= n->phys && phys - n->phys < n->size &&
		    len <= n->size - (phys - n->phys))
			return n;
	return NULL;
}

static int ram_access(phys_addr_t phys, void *buf, size_t len, bool write)
{
	unsigned long pfn = PHYS_PFN(phys);
	void *va;

	if (!pfn_valid(pfn) || !page_is_ram(pfn))
		return -EFAULT;
	va = kmap_local_page(pfn_to_page(pfn));
	if (write)
		memcpy(va + offset_in_page(phys), buf, len);
	else
		memcpy(buf, va + offset_in_page(phys), len);
	kunmap_local(va);
	return 0;
}

/**
 * p2p_fabric_access - an engine access at a device address
 * @p2p: the GPU whose engine accesses
 * @addr: the engine's DMA address
 * @buf: kernel buffer
 * @len: bytes; [@addr, @addr + @len) must not cross a page boundary
 * @write: write @buf to @addr, else read
 *
 * Return: 0, or -EFAULT when the address reaches no memory (no IOMMU translation,
 * nothing at the physical address).
 */
int p2p_fabric_access(struct p2p_device *p2p, u64 addr, void *buf, size_t len, bool write)
{
	struct p2p_fabric_node *n;
	phys_addr_t phys;
	int ret;

	if (offset_in_page(addr) + len > PAGE_SIZE)
		return -EINVAL;
	down_read(&fabric_rwsem);
	ret = fabric_translate(p2p, addr, &phys);
	if (ret)
		goto out;
	n = fabric_find_phys(phys, len);
	if (n) {
		void __iomem *io = n->io + (phys - n->phys);

		if (write)
			memcpy_toio(io, buf, len);
		else
			memcpy_fromio(buf, io, len);
	} else {
		ret = ram_access(phys, buf, len, write);
	}
out:
	up_read(&fabric_rwsem);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(p2p_fabric_access, "DRM_P2P_TEST");

/**
 * p2p_fabric_resolve - the CPU physical address an engine address reaches
 * @p2p: the GPU whose engine would access
 * @addr: the engine's DMA address
 *
 * Return: the physical address, or 0 when there is none.
 */
phys_addr_t p2p_fabric_resolve(struct p2p_device *p2p, u64 addr)
{
	phys_addr_t phys;
	int ret;

	down_read(&fabric_rwsem);
	ret = fabric_translate(p2p, addr, &phys);
	up_read(&fabric_rwsem);
	return ret ? 0 : phys;
}
EXPORT_SYMBOL_NS_GPL(p2p_fabric_resolve, "DRM_P2P_TEST");

/**
 * p2p_fabric_count - number of bound GPUs
 *
 * Return: the number of GPUs in the fabric.
 */
unsigned int p2p_fabric_count(void)
{
	struct p2p_fabric_node *n;
	unsigned int nr = 0;

	down_read(&fabric_rwsem);
	list_for_each_entry(n, &fabric_nodes, link)
		nr++;
	up_read(&fabric_rwsem);
	return nr;
}
EXPORT_SYMBOL_NS_GPL(p2p_fabric_count, "DRM_P2P_TEST");

/**
 * p2p_fabric_get - a bound GPU by position
 * @nth: 0 for the GPU with the lowest index, and so on
 *
 * Return: the GPU with a reference on its DRM device (drop it with drm_dev_put()),
 * or NULL.
 */
struct p2p_device *p2p_fabric_get(unsigned int nth)
{
	struct p2p_fabric_node *n, *best = NULL;
	struct p2p_device *p2p = NULL;
	unsigned int i;

	down_read(&fabric_rwsem);
	for (i = 0; i <= nth; i++) {
		struct p2p_fabric_node *next = NULL;

		list_for_each_entry(n, &fabric_nodes, link)
			if ((!best || n->dev->index > best->dev->index) &&
			    (!next || n->dev->index < next->dev->index))
				next = n;
		best = next;
		if (!best)
			break;
	}
	if (best) {
		p2p = best->dev;
		drm_dev_get(&p2p->drm);
	}
	up_read(&fabric_rwsem);
	return p2p;
}
EXPORT_SYMBOL_NS_GPL(p2p_fabric_get, "DRM_P2P_TEST");

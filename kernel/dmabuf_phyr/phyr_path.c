// SPDX-License-Identifier: GPL-2.0-only
/*
 * Path decision: how one device reaches the memory of one provider.  This is the
 * one place that decides it; the importer (phyr_map.c) and drivers built on phyr
 * (their engines' models of the fabric, SVM) all ask phyr_path_for().
 *
 * The PCI P2P DMA core decides whether a pair may talk at all, and a module can
 * get that verdict: pci_p2pdma_distance_many() refuses exactly the pairs for which
 * the core's calc_map_type_and_dist() says PCI_P2PDMA_MAP_NOT_SUPPORTED (no common
 * upstream bridge, or ACS redirect on the way, and a host bridge that is neither
 * whitelisted nor on a P2P-capable CPU).  Which of the two allowed paths the core
 * would take is in pci_p2pdma_map_type(), which 7.3 does not export; it is decided
 * here by the same walk:
 *
 *  - system RAM is mapped with the device's DMA API (PHYR_MAP_NONE);
 *  - a pair the P2P DMA core refuses has no path (PHYR_MAP_NOT_SUPPORTED), and
 *    neither does a device that is not a PCI function: the core has no answer for
 *    it (pci_p2pdma_map_type() refuses it too);
 *  - two PCI functions with a common upstream device and no ACS redirect on the
 *    ports from either of them up to it talk by PCI bus address (PHYR_MAP_BUS_ADDR);
 *  - otherwise the transaction goes through the host bridge
 *    (PHYR_MAP_THRU_HOST_BRIDGE), mapped with the importer's DMA API as MMIO.
 *
 * phyr adds one check of its own: the device's DMA mask must cover the addresses it
 * would be given (bus addresses, or physical ones where no IOMMU translates), so that
 * a device that cannot reach the BAR is refused at attach instead of reading wrong
 * memory.
 *
 * The decision itself, phyr_path_decide(), is a pure function of a small topology
 * description so that KUnit can feed it synthetic topologies.  phyr_path_for() fills
 * that description from the real PCI tree and the P2P DMA core, and caches the
 * result per (provider, PCI client) pair.  The cache is dropped whenever a PCI
 * device is added or removed.
 */
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/export.h>
#include <linux/iommu.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>

#include <kunit/visibility.h>

#include "phyr_internal.h"

/*
 * The walk of calc_map_type_and_dist(): up from the provider until a device is on
 * the client's path too, counting ACS redirects on both sides below it.
 */
static enum phyr_map_type phyr_path_topology(const struct phyr_topo *t, int *dist,
					     enum phyr_path_reason *why)
{
	const struct phyr_topo_end *p = &t->provider, *c = &t->client;
	unsigned int ia, ib = 0, acs = 0;

	*dist = -1;
	if (t->sysram) {
		*why = PHYR_WHY_SYSRAM;
		return PHYR_MAP_NONE;
	}
	if (t->unplugged) {
		*why = PHYR_WHY_UNPLUGGED;
		return PHYR_MAP_NOT_SUPPORTED;
	}
	if (!p->depth) {
		*why = PHYR_WHY_NO_PROVIDER_DEV;
		return PHYR_MAP_NOT_SUPPORTED;
	}
	if (!c->depth) {
		*why = PHYR_WHY_NOT_PCI;
		return PHYR_MAP_NOT_SUPPORTED;
	}
	if (t->p2pdma_dist < 0 || p->depth > PHYR_TOPO_MAX_DEPTH ||
	    c->depth > PHYR_TOPO_MAX_DEPTH) {
		*why = PHYR_WHY_P2PDMA_REFUSED;
		return PHYR_MAP_NOT_SUPPORTED;
	}

	for (ia = 0; ia < p->depth; ia++) {
		if (p->path[ia].acs_redirect)
			acs++;
		for (ib = 0; ib < c->depth; ib++)
			if (c->path[ib].id == p->path[ia].id)
				goto common;
	}
	*dist = p->depth + c->depth;
	*why = PHYR_WHY_HOST_BRIDGE;
	return PHYR_MAP_THRU_HOST_BRIDGE;

common:
	for (unsigned int j = 0; j < ib; j++)
		if (c->path[j].acs_redirect)
			acs++;
	*dist = ia + ib;
	if (acs) {
		*why = PHYR_WHY_ACS_REDIRECT;
		return PHYR_MAP_THRU_HOST_BRIDGE;
	}
	*why = PHYR_WHY_SAME_SWITCH;
	return PHYR_MAP_BUS_ADDR;
}

/* Can the client address what @type would give it?  Depends on its DMA mask. */
static enum phyr_map_type phyr_path_mask(const struct phyr_topo *t, enum phyr_map_type type,
					 enum phyr_path_reason *why)
{
	if (type == PHYR_MAP_NOT_SUPPORTED)
		return type;
	if (!t->dma_mask) {
		*why = PHYR_WHY_NO_DMA;
		return PHYR_MAP_NOT_SUPPORTED;
	}
	if ((type == PHYR_MAP_BUS_ADDR && t->bus_end > t->dma_mask) ||
	    (type == PHYR_MAP_THRU_HOST_BRIDGE && !t->client_iommu &&
	     t->phys_end > t->dma_mask)) {
		*why = PHYR_WHY_DMA_MASK;
		return PHYR_MAP_NOT_SUPPORTED;
	}
	return type;
}

/**
 * phyr_path_decide - the path decision over a topology description
 * @t: the topology, with the P2P DMA core's verdict on the pair
 * @dist: set to the p2pdma distance (ports traversed) between two PCI functions,
 *	-1 when it does not apply
 * @why: set to the reason of the decision
 *
 * Pure: depends on @t only.  The topology decides first; then the client's DMA mask
 * must cover the addresses it would use.
 *
 * Return: the path.
 */
enum phyr_map_type phyr_path_decide(const struct phyr_topo *t, int *dist,
				    enum phyr_path_reason *why)
{
	return phyr_path_mask(t, phyr_path_topology(t, dist, why), why);
}
EXPORT_SYMBOL_IF_KUNIT(phyr_path_decide);

const char *phyr_path_reason_str(enum phyr_path_reason why)
{
	switch (why) {
	case PHYR_WHY_SYSRAM:
		return "system RAM";
	case PHYR_WHY_SAME_SWITCH:
		return "common upstream bridge, no ACS redirect";
	case PHYR_WHY_HOST_BRIDGE:
		return "no common upstream bridge; the P2P DMA core allows the host bridge";
	case PHYR_WHY_ACS_REDIRECT:
		return "ACS redirect on the way; the P2P DMA core allows the host bridge";
	case PHYR_WHY_NO_DMA:
		return "device has no DMA mask";
	case PHYR_WHY_DMA_MASK:
		return "address above the device's DMA mask";
	case PHYR_WHY_NOT_PCI:
		return "device is not a PCI function";
	case PHYR_WHY_P2PDMA_REFUSED:
		return "the PCI P2P DMA core refuses the pair";
	case PHYR_WHY_NO_PROVIDER_DEV:
		return "provider has no PCI device";
	case PHYR_WHY_UNPLUGGED:
		return "the driver of the provider's BAR is gone";
	}
	return "?";
}
EXPORT_SYMBOL_IF_KUNIT(phyr_path_reason_str);

/**
 * phyr_map_type_name - printable name of a path
 * @t: the path
 *
 * Return: a constant string such as "BUS_ADDR".
 */
const char *phyr_map_type_name(enum phyr_map_type t)
{
	switch (t) {
	case PHYR_MAP_UNKNOWN:
		return "UNKNOWN";
	case PHYR_MAP_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case PHYR_MAP_BUS_ADDR:
		return "BUS_ADDR";
	case PHYR_MAP_THRU_HOST_BRIDGE:
		return "THRU_HOST_BRIDGE";
	case PHYR_MAP_NONE:
		return "NONE";
	}
	return "INVALID";
}
EXPORT_SYMBOL_NS_GPL(phyr_map_type_name, "DMABUF_PHYR");

/* ---------------------------------------------------------------------------------
 * The real topology
 */

static u32 phyr_pci_id(struct pci_dev *pdev)
{
	return (u32)pci_domain_nr(pdev->bus) << 16 | pdev->bus->number << 8 | pdev->devfn;
}

/* Same test as pci_bridge_has_acs_redir() of p2pdma.c. */
static bool phyr_acs_redirect(struct pci_dev *pdev)
{
	u16 ctrl;

	if (!pdev->acs_cap)
		return false;
	pci_read_config_word(pdev, pdev->acs_cap + PCI_ACS_CTRL, &ctrl);
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

static void phyr_topo_fill_end(struct phyr_topo_end *e, struct pci_dev *pdev)
{
	struct pci_dev *up;

	/* The references we hold on @pdev keep its upstream bridges. */
	e->depth = 0;
	for (up = pdev; up; up = pci_upstream_bridge(up)) {
		if (e->depth == PHYR_TOPO_MAX_DEPTH) {
			/* Deeper than any real tree: make the decision refuse it. */
			e->depth = PHYR_TOPO_MAX_DEPTH + 1;
			return;
		}
		e->path[e->depth].id = phyr_pci_id(up);
		e->path[e->depth].acs_redirect = phyr_acs_redirect(up);
		e->depth++;
	}
}

static u64 phyr_dev_dma_mask(struct device *dev)
{
	if (!dev->dma_mask || !*dev->dma_mask)
		return 0;
	return min_not_zero(*dev->dma_mask, dev->bus_dma_limit);
}

/* The parts of the description that may change without a hotplug event. */
static void phyr_topo_fill_client(struct phyr_topo *t, struct phyr_provider *p,
				  struct device *dev)
{
	t->sysram = !p->p2p;
	t->dma_mask = phyr_dev_dma_mask(dev);
	t->client_iommu = phyr_dev_dma_translated(dev);
	if (p->p2p) {
		t->phys_end = p->start + p->size - 1;
		t->bus_end = t->phys_end + p->bus_offset;
	}
}

/*
 * Fill @t, with the P2P DMA core's verdict, and decide from the topology (without
 * the DMA mask).
 */
static enum phyr_map_type phyr_path_topo_for(struct phyr_provider *p, struct device *dev,
					     struct phyr_topo *t,
					     enum phyr_path_reason *why)
{
	enum phyr_map_type type;
	int dist;

	memset(t, 0, sizeof(*t));
	phyr_topo_fill_client(t, p, dev);
	t->unplugged = p->p2p && READ_ONCE(p->unplugged);
	if (p->p2p && p->pdev && !t->unplugged) {
		phyr_topo_fill_end(&t->provider, p->pdev);
		if (dev_is_pci(dev)) {
			phyr_topo_fill_end(&t->client, to_pci_dev(dev));
			t->p2pdma_dist = pci_p2pdma_distance_many(p->pdev, &dev, 1, false);
		}
	}
	type = phyr_path_topology(t, &dist, why);
	if (type != PHYR_MAP_NOT_SUPPORTED && type != PHYR_MAP_NONE &&
	    dist != t->p2pdma_dist)
		dev_dbg(dev, "phyr: distance to %s is %d, p2pdma says %d\n", p->name, dist,
			t->p2pdma_dist);
	return type;
}

/**
 * phyr_path_explain - decide a path without the cache
 * @p: the provider
 * @dev: the importing device
 * @why: set to the reason
 *
 * Return: the path.
 */
enum phyr_map_type phyr_path_explain(struct phyr_provider *p, struct device *dev,
				     enum phyr_path_reason *why)
{
	enum phyr_map_type type;
	struct phyr_topo t;

	type = phyr_path_topo_for(p, dev, &t, why);
	return phyr_path_mask(&t, type, why);
}
EXPORT_SYMBOL_IF_KUNIT(phyr_path_explain);

static atomic_t phyr_cache_gen = ATOMIC_INIT(0);

/**
 * phyr_path_for - how a device reaches a provider's memory
 * @p: the provider
 * @dev: the device that will do the DMA
 *
 * The topology part of the decision is cached per (provider, PCI device); the DMA
 * mask is checked on every call, as a driver may change it.  Sleeps.
 *
 * Return: the path; PHYR_MAP_NOT_SUPPORTED when there is none.
 */
enum phyr_map_type phyr_path_for(struct phyr_provider *p, struct device *dev)
{
	enum phyr_path_reason why;
	enum phyr_map_type type;
	struct phyr_topo t;
	unsigned long idx;
	void *entry;
	int gen;

	might_sleep();
	if (!p || !dev)
		return PHYR_MAP_NOT_SUPPORTED;
	if (!p->p2p || !p->pdev || !dev_is_pci(dev) || READ_ONCE(p->unplugged))
		return phyr_path_explain(p, dev, &why);

	idx = phyr_pci_id(to_pci_dev(dev));
	entry = xa_load(&p->paths, idx);
	if (xa_is_value(entry)) {
		memset(&t, 0, sizeof(t));
		phyr_topo_fill_client(&t, p, dev);
		return phyr_path_mask(&t, xa_to_value(entry), &why);
	}

	gen = atomic_read(&phyr_cache_gen);
	type = phyr_path_topo_for(p, dev, &t, &why);
	/* A failed store only costs a later recomputation. */
	if (!xa_is_err(xa_store(&p->paths, idx, xa_mk_value(type), GFP_KERNEL)) &&
	    atomic_read(&phyr_cache_gen) != gen)
		xa_erase(&p->paths, idx);
	return phyr_path_mask(&t, type, &why);
}
EXPORT_SYMBOL_NS_GPL(phyr_path_for, "DMABUF_PHYR");

/**
 * phyr_path_cache_flush - forget every cached decision
 */
void phyr_path_cache_flush(void)
{
	struct phyr_provider *p;

	atomic_inc(&phyr_cache_gen);
	mutex_lock(&phyr_providers_lock);
	list_for_each_entry(p, &phyr_providers, node)
		xa_destroy(&p->paths);
	mutex_unlock(&phyr_providers_lock);
}
EXPORT_SYMBOL_IF_KUNIT(phyr_path_cache_flush);

static int phyr_pci_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
	case BUS_NOTIFY_DEL_DEVICE:
		dev_dbg(data, "phyr: PCI topology changed, dropping cached paths\n");
		phyr_path_cache_flush();
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block phyr_pci_nb = {
	.notifier_call = phyr_pci_notify,
};

int phyr_path_init(void)
{
	return bus_register_notifier(&pci_bus_type, &phyr_pci_nb);
}

void phyr_path_exit(void)
{
	bus_unregister_notifier(&pci_bus_type, &phyr_pci_nb);
}

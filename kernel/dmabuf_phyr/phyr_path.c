// SPDX-License-Identifier: GPL-2.0-only
/*
 * Path decision: how one device reaches the memory of one provider.
 *
 * The rules are those of the PCI P2P DMA core (drivers/pci/p2pdma.c of 6.1), whose
 * pci_p2pdma_map_type() is static there:
 *
 *  - system RAM is mapped with the device's DMA API (PHYR_MAP_NONE);
 *  - two PCI functions below a common upstream bridge, with no ACS redirect on the
 *    ports between them, talk by PCI bus address (PHYR_MAP_BUS_ADDR);
 *  - otherwise the transaction goes through the host bridge, which is allowed on AMD
 *    Zen and later CPUs and on the whitelisted Intel host bridges
 *    (PHYR_MAP_THRU_HOST_BRIDGE, mapped with the importer's DMA API as MMIO);
 *  - otherwise there is no path (PHYR_MAP_NOT_SUPPORTED).
 *
 * A device that is not PCI (nor below a PCI function) reaches a BAR through the host
 * bridge when the provider's host bridge allows it: the same whitelist decides.  The
 * device's DMA mask must cover the address it would use.
 *
 * The decision itself, phyr_path_decide(), is a pure function of a small topology
 * description so that KUnit can feed it synthetic topologies.  phyr_path_for() fills
 * that description from the real PCI tree, cross-checks a positive answer with the
 * exported pci_p2pdma_distance_many(), and caches the result per (provider, PCI
 * client) pair.  The cache is dropped whenever a PCI device is added or removed.
 */
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/export.h>
#include <linux/iommu.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/rcupdate.h>

#include <kunit/visibility.h>

#ifdef CONFIG_X86
#include <asm/processor.h>
#endif

#include "phyr_internal.h"

static const struct phyr_hb_entry {
	u16 vendor;
	u16 device;
	bool same_host_bridge;
} phyr_hb_whitelist[] = {
	/* The list of drivers/pci/p2pdma.c in Linux 6.1. */
	{ PCI_VENDOR_ID_INTEL, 0x3c00, true },	/* Xeon E5 / Core i7 */
	{ PCI_VENDOR_ID_INTEL, 0x3c01, true },
	{ PCI_VENDOR_ID_INTEL, 0x2f00, true },	/* Xeon E7 v3 / E5 v3 / Core i7 */
	{ PCI_VENDOR_ID_INTEL, 0x2f01, true },
	{ PCI_VENDOR_ID_INTEL, 0x2030, false },	/* SkyLake-E */
	{ PCI_VENDOR_ID_INTEL, 0x2031, false },
	{ PCI_VENDOR_ID_INTEL, 0x2032, false },
	{ PCI_VENDOR_ID_INTEL, 0x2033, false },
	{ PCI_VENDOR_ID_INTEL, 0x2020, false },
	{ PCI_VENDOR_ID_INTEL, 0x09a2, false },
};

/**
 * phyr_host_bridge_whitelisted - whether a host bridge forwards P2P transactions
 * @vendor: vendor of the host bridge's first function
 * @device: device id of that function
 * @same_host_bridge: both devices are below this one host bridge
 *
 * Return: true if P2P through this host bridge is known to work.
 */
bool phyr_host_bridge_whitelisted(u16 vendor, u16 device, bool same_host_bridge)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(phyr_hb_whitelist); i++) {
		const struct phyr_hb_entry *e = &phyr_hb_whitelist[i];

		if (e->vendor == vendor && e->device == device)
			return same_host_bridge || !e->same_host_bridge;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(phyr_host_bridge_whitelisted);

static enum phyr_map_type phyr_thru_host_bridge(const struct phyr_topo *t, bool pci_client,
						enum phyr_path_reason *why)
{
	const struct phyr_topo_end *p = &t->provider, *c = &t->client;
	bool ok;

	if (t->cpu_p2p) {
		*why = PHYR_WHY_HOST_BRIDGE_CPU;
		return PHYR_MAP_THRU_HOST_BRIDGE;
	}
	if (!pci_client || p->host_bridge == c->host_bridge)
		ok = phyr_host_bridge_whitelisted(p->hb_vendor, p->hb_device, pci_client);
	else
		ok = phyr_host_bridge_whitelisted(p->hb_vendor, p->hb_device, false) &&
		     phyr_host_bridge_whitelisted(c->hb_vendor, c->hb_device, false);
	*why = ok ? PHYR_WHY_HOST_BRIDGE_WHITELIST : PHYR_WHY_NOT_WHITELISTED;
	return ok ? PHYR_MAP_THRU_HOST_BRIDGE : PHYR_MAP_NOT_SUPPORTED;
}

/* The decision from the topology alone: what the PCI P2P rules allow. */
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
	if (!p->depth) {
		*why = PHYR_WHY_NO_PROVIDER_DEV;
		return PHYR_MAP_NOT_SUPPORTED;
	}
	if (p->depth > PHYR_TOPO_MAX_DEPTH || c->depth > PHYR_TOPO_MAX_DEPTH) {
		*why = PHYR_WHY_P2PDMA_REFUSED;
		return PHYR_MAP_NOT_SUPPORTED;
	}
	if (!c->depth)
		return phyr_thru_host_bridge(t, false, why);

	/* Walk up from the provider until a port is on the client's path too. */
	for (ia = 0; ia < p->depth; ia++) {
		if (p->path[ia].acs_redirect)
			acs++;
		for (ib = 0; ib < c->depth; ib++)
			if (c->path[ib].id == p->path[ia].id)
				goto common;
	}
	*dist = p->depth + c->depth;
	return phyr_thru_host_bridge(t, true, why);

common:
	for (unsigned int j = 0; j < ib; j++)
		if (c->path[j].acs_redirect)
			acs++;
	*dist = ia + ib;
	if (acs)
		return phyr_thru_host_bridge(t, true, why);
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
 * @t: the topology
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
	case PHYR_WHY_HOST_BRIDGE_CPU:
		return "host bridge of a P2P-capable CPU";
	case PHYR_WHY_HOST_BRIDGE_WHITELIST:
		return "whitelisted host bridge";
	case PHYR_WHY_NO_DMA:
		return "device has no DMA mask";
	case PHYR_WHY_DMA_MASK:
		return "address above the device's DMA mask";
	case PHYR_WHY_NOT_WHITELISTED:
		return "no common switch and host bridge not whitelisted for P2P";
	case PHYR_WHY_P2PDMA_REFUSED:
		return "PCI P2P DMA core refuses the pair";
	case PHYR_WHY_NO_PROVIDER_DEV:
		return "provider has no PCI device";
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
	struct pci_host_bridge *host = pci_find_host_bridge(pdev->bus);
	struct pci_dev *root, *up;

	/*
	 * As p2pdma's pci_host_bridge_dev(): the first device of the root bus, if it is
	 * 00.0 or a root port.  Safe without pci_bus_sem as we hold a reference on a
	 * device below the host bridge.
	 */
	root = list_first_entry_or_null(&host->bus->devices, struct pci_dev, bus_list);
	if (root && (root->devfn == PCI_DEVFN(0, 0) ||
		     pci_pcie_type(root) == PCI_EXP_TYPE_ROOT_PORT)) {
		e->hb_vendor = root->vendor;
		e->hb_device = root->device;
	}
	e->host_bridge = (u32)pci_domain_nr(host->bus) << 8 | host->bus->number;

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

static struct pci_dev *phyr_find_pci(struct device *dev)
{
	for (; dev; dev = dev->parent)
		if (dev_is_pci(dev))
			return to_pci_dev(dev);
	return NULL;
}

static bool phyr_cpu_p2p(void)
{
#ifdef CONFIG_X86
	/* As p2pdma's cpu_supports_p2pdma(): AMD Zen (family 17h) and later. */
	return boot_cpu_data.x86_vendor == X86_VENDOR_AMD && boot_cpu_data.x86 >= 0x17;
#else
	return false;
#endif
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
 * Fill @t and decide from the topology (without the DMA mask), cross-checked with
 * the P2P DMA core.
 */
static enum phyr_map_type phyr_path_topo_for(struct phyr_provider *p, struct device *dev,
					     struct phyr_topo *t,
					     enum phyr_path_reason *why)
{
	struct pci_dev *client = phyr_find_pci(dev);
	enum phyr_map_type type;
	int dist, kdist;

	memset(t, 0, sizeof(*t));
	phyr_topo_fill_client(t, p, dev);
	if (p->p2p && !p->pdev) {
		*why = PHYR_WHY_NO_PROVIDER_DEV;
		return PHYR_MAP_NOT_SUPPORTED;
	}
	if (p->p2p) {
		t->cpu_p2p = phyr_cpu_p2p();
		phyr_topo_fill_end(&t->provider, p->pdev);
		if (client)
			phyr_topo_fill_end(&t->client, client);
	}
	type = phyr_path_topology(t, &dist, why);
	if (!client || (type != PHYR_MAP_BUS_ADDR && type != PHYR_MAP_THRU_HOST_BRIDGE))
		return type;
	/*
	 * Cross-check with the P2P DMA core.  Not when the provider has p2pdma state
	 * (pci_p2pdma_add_resource() was called on it): 6.1's calc_map_type_and_dist()
	 * then does an xa_store(GFP_KERNEL) inside rcu_read_lock(), which may sleep in
	 * atomic context.  Our own walk above implements the same rules.
	 */
	if (rcu_access_pointer(p->pdev->p2pdma))
		return type;
	kdist = pci_p2pdma_distance_many(p->pdev, &dev, 1, false);
	if (kdist < 0) {
		*why = PHYR_WHY_P2PDMA_REFUSED;
		return PHYR_MAP_NOT_SUPPORTED;
	}
	if (kdist != dist)
		dev_dbg(dev, "phyr: distance to %s is %d, p2pdma says %d\n", p->name, dist,
			kdist);
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
	if (!p->p2p || !p->pdev || !dev_is_pci(dev))
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

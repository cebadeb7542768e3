// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory providers: system RAM (one static instance) and the BARs of PCI devices.
 *
 * A P2P provider is one BAR of one PCI function.  It records where the BAR is in CPU
 * physical space and the offset to add to reach its PCI bus address
 * (pci_bus_address() - pci_resource_start(); zero on x86, not on every platform).
 * Providers are deduplicated: creating a provider for a BAR that has one returns it
 * with one more reference.  Each P2P provider caches its path decisions per client
 * (phyr_path.c).
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "phyr_internal.h"

/* Protects phyr_providers, the list of P2P providers, and their last put. */
DEFINE_MUTEX(phyr_providers_lock);
LIST_HEAD(phyr_providers);

static struct phyr_provider phyr_sysram = {
	.ref = KREF_INIT(1),
	.p2p = false,
	.bar = -1,
	.name = "sysram",
};

/**
 * phyr_provider_sysram - the system RAM provider
 *
 * Return: the provider of ordinary memory.  It is static: references on it may be
 * taken and dropped like on any other provider but it never goes away.
 */
struct phyr_provider *phyr_provider_sysram(void)
{
	return &phyr_sysram;
}
EXPORT_SYMBOL_NS_GPL(phyr_provider_sysram, "DMABUF_PHYR");

/**
 * phyr_provider_create_p2p - get the provider of a PCI BAR
 * @pdev: the PCI function
 * @bar: the BAR number; it must be a memory BAR
 *
 * Return: a referenced provider (the existing one if @pdev/@bar has one), or
 * ERR_PTR(-EINVAL) for a bad BAR (not a memory BAR, unassigned, empty), or
 * ERR_PTR(-ENOMEM).
 */
struct phyr_provider *phyr_provider_create_p2p(struct pci_dev *pdev, int bar)
{
	struct phyr_provider *p, *new;

	if (!pdev || bar < 0 || bar > PCI_STD_RESOURCE_END)
		return ERR_PTR(-EINVAL);
	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
	    !pci_resource_len(pdev, bar) || !pci_resource_start(pdev, bar))
		return ERR_PTR(-EINVAL);

	new = kzalloc_obj(*new);
	if (!new)
		return ERR_PTR(-ENOMEM);
	kref_init(&new->ref);
	new->p2p = true;
	new->bar = bar;
	new->start = pci_resource_start(pdev, bar);
	new->size = pci_resource_len(pdev, bar);
	/* Wraps when the bus address is below the CPU address; additions wrap back. */
	new->bus_offset = (u64)pci_bus_address(pdev, bar) - (u64)new->start;
	xa_init(&new->paths);
	snprintf(new->name, sizeof(new->name), "%s/bar%d", pci_name(pdev), bar);

	mutex_lock(&phyr_providers_lock);
	list_for_each_entry(p, &phyr_providers, node) {
		if (p->pdev == pdev && p->bar == bar && kref_get_unless_zero(&p->ref)) {
			mutex_unlock(&phyr_providers_lock);
			kfree(new);
			return p;
		}
	}
	new->pdev = pci_dev_get(pdev);
	list_add(&new->node, &phyr_providers);
	mutex_unlock(&phyr_providers_lock);
	return new;
}
EXPORT_SYMBOL_NS_GPL(phyr_provider_create_p2p, "DMABUF_PHYR");

#if IS_ENABLED(CONFIG_KUNIT)
/*
 * A P2P provider without a PCI device, for KUnit: a synthetic BAR at @start with a
 * bus offset.  Its path decision is always NOT_SUPPORTED (phyr_path_for() needs a
 * device); the decision table is tested on phyr_path_decide() directly.
 */
struct phyr_provider *phyr_provider_create_fake(phys_addr_t start, u64 size,
						u64 bus_offset)
{
	struct phyr_provider *p = kzalloc_obj(*p);

	if (!p)
		return ERR_PTR(-ENOMEM);
	kref_init(&p->ref);
	p->p2p = true;
	p->start = start;
	p->size = size;
	p->bus_offset = bus_offset;
	xa_init(&p->paths);
	snprintf(p->name, sizeof(p->name), "fake@%pa", &start);
	mutex_lock(&phyr_providers_lock);
	list_add(&p->node, &phyr_providers);
	mutex_unlock(&phyr_providers_lock);
	return p;
}
EXPORT_SYMBOL_IF_KUNIT(phyr_provider_create_fake);
#endif

/**
 * phyr_provider_get - take a reference on a provider
 * @p: the provider
 *
 * Return: @p.
 */
struct phyr_provider *phyr_provider_get(struct phyr_provider *p)
{
	if (p->p2p)
		kref_get(&p->ref);
	return p;
}
EXPORT_SYMBOL_NS_GPL(phyr_provider_get, "DMABUF_PHYR");

/* Called by kref_put_mutex() with phyr_providers_lock held; drops it. */
static void phyr_provider_release(struct kref *ref)
{
	struct phyr_provider *p = container_of(ref, struct phyr_provider, ref);

	list_del(&p->node);
	mutex_unlock(&phyr_providers_lock);
	xa_destroy(&p->paths);
	pci_dev_put(p->pdev);
	kfree(p);
}

/**
 * phyr_provider_put - drop a reference on a provider
 * @p: the provider, or NULL
 */
void phyr_provider_put(struct phyr_provider *p)
{
	/* The static system RAM provider is not counted. */
	if (!p || !p->p2p)
		return;
	kref_put_mutex(&p->ref, phyr_provider_release, &phyr_providers_lock);
}
EXPORT_SYMBOL_NS_GPL(phyr_provider_put, "DMABUF_PHYR");

/**
 * phyr_provider_is_p2p - whether a provider is a PCI BAR
 * @p: the provider
 *
 * Return: true for a P2P provider, false for system RAM.
 */
bool phyr_provider_is_p2p(const struct phyr_provider *p)
{
	return p->p2p;
}
EXPORT_SYMBOL_NS_GPL(phyr_provider_is_p2p, "DMABUF_PHYR");

/**
 * phyr_provider_pdev - the PCI function of a P2P provider
 * @p: the provider
 *
 * Return: the device (the provider holds a reference), NULL for system RAM.
 */
struct pci_dev *phyr_provider_pdev(const struct phyr_provider *p)
{
	return p->pdev;
}
EXPORT_SYMBOL_NS_GPL(phyr_provider_pdev, "DMABUF_PHYR");

/**
 * phyr_provider_bar - the BAR of a P2P provider
 * @p: the provider
 *
 * Return: the BAR number, -1 for system RAM.
 */
int phyr_provider_bar(const struct phyr_provider *p)
{
	return p->p2p ? p->bar : -1;
}
EXPORT_SYMBOL_NS_GPL(phyr_provider_bar, "DMABUF_PHYR");

/**
 * phyr_provider_bus_offset - PCI bus address minus CPU physical address
 * @p: the provider
 *
 * Return: the offset (modulo 2^64), 0 for system RAM.
 */
u64 phyr_provider_bus_offset(const struct phyr_provider *p)
{
	return p->bus_offset;
}
EXPORT_SYMBOL_NS_GPL(phyr_provider_bus_offset, "DMABUF_PHYR");

/* Whether [@phys, @phys + @len) is memory of @p; the caller checked for wrapping. */
bool phyr_provider_contains(const struct phyr_provider *p, phys_addr_t phys, u64 len)
{
	if (!p->p2p)
		return true;
	return phys >= p->start && len <= p->size && phys - p->start <= p->size - len;
}

const char *phyr_provider_name(const struct phyr_provider *p)
{
	return p->name;
}

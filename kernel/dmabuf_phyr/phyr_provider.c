// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory providers: system RAM (one static instance) and the BARs of PCI devices.
 *
 * A P2P provider is one BAR of one PCI function.  When the BAR's driver has set up
 * the P2P DMA core for the function (pcim_p2pdma_init()), the provider wraps the
 * core's struct p2pdma_provider of the BAR and takes its bus offset from it (bus
 * address - CPU physical address; zero on x86, not on every platform); otherwise
 * (a BAR no driver owns, as in tests) it computes the offset the same way the core
 * does.  It records where the BAR is in CPU physical space.  Providers are
 * deduplicated: creating a provider for a BAR that has one returns it with one more
 * reference.  Each P2P provider caches its path decisions per client (phyr_path.c).
 *
 * The core's provider lives as long as the binding of the BAR's driver (devres); a
 * phyr provider lives as long as its last reference, which a revoked dma-buf may
 * hold past the unbind.  So a provider that wraps the core's is unplugged by a
 * devres action of the same binding, which runs before the core's own release:
 * the wrapped pointer is dropped, no device reaches the provider any more, and the
 * next binding gets a new provider.  The driver revokes its buffers in remove(),
 * before devres runs.
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
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

/*
 * The P2P DMA core's provider of a BAR, if the BAR's driver has set the core up for
 * the function (pcim_p2pdma_provider() warns when it has not).
 */
static struct p2pdma_provider *phyr_core_provider(struct pci_dev *pdev, int bar)
{
	if (!rcu_access_pointer(pdev->p2pdma))
		return NULL;
	return pcim_p2pdma_provider(pdev, bar);
}

static void phyr_provider_unplug_action(void *data)
{
	struct phyr_provider *p = data;

	phyr_provider_unplug(p);
	phyr_provider_put(p);
}

/**
 * phyr_provider_create_p2p - get the provider of a PCI BAR
 * @pdev: the PCI function
 * @bar: the BAR number; it must be a memory BAR
 *
 * If @pdev's driver has set up P2P DMA (pcim_p2pdma_init()), the provider wraps the
 * BAR's struct p2pdma_provider and is unplugged when that driver unbinds (a devres
 * action): the driver revokes its buffers with ranges of the BAR in remove().
 *
 * Return: a referenced provider (the existing one if @pdev/@bar has one), or
 * ERR_PTR(-EINVAL) for a bad BAR (not a memory BAR, unassigned, empty, or one the
 * P2P DMA core does not map), or ERR_PTR(-ENOMEM).
 */
struct phyr_provider *phyr_provider_create_p2p(struct pci_dev *pdev, int bar)
{
	struct p2pdma_provider *core;
	struct phyr_provider *p, *new;
	int ret;

	if (!pdev || bar < 0 || bar > PCI_STD_RESOURCE_END)
		return ERR_PTR(-EINVAL);
	if (!(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
	    !pci_resource_len(pdev, bar) || !pci_resource_start(pdev, bar))
		return ERR_PTR(-EINVAL);
	core = phyr_core_provider(pdev, bar);
	if (rcu_access_pointer(pdev->p2pdma) && !core)
		return ERR_PTR(-EINVAL);

	new = kzalloc_obj(*new);
	if (!new)
		return ERR_PTR(-ENOMEM);
	kref_init(&new->ref);
	new->p2p = true;
	new->bar = bar;
	new->start = pci_resource_start(pdev, bar);
	new->size = pci_resource_len(pdev, bar);
	/* As the core computes it; wraps when the bus address is below the CPU one. */
	new->bus_offset = core ? core->bus_offset :
				 (u64)pci_bus_address(pdev, bar) - (u64)new->start;
	new->p2pdma = core;
	xa_init(&new->paths);
	snprintf(new->name, sizeof(new->name), "%s/bar%d", pci_name(pdev), bar);

	mutex_lock(&phyr_providers_lock);
	list_for_each_entry(p, &phyr_providers, node) {
		/* A provider made before the driver set up the core is not reused. */
		if (p->pdev == pdev && p->bar == bar && p->p2pdma == core &&
		    kref_get_unless_zero(&p->ref)) {
			mutex_unlock(&phyr_providers_lock);
			kfree(new);
			return p;
		}
	}
	new->pdev = pci_dev_get(pdev);
	list_add(&new->node, &phyr_providers);
	mutex_unlock(&phyr_providers_lock);

	/* Registered after the core's release, so it runs before it on unbind. */
	if (core) {
		ret = devm_add_action_or_reset(&pdev->dev, phyr_provider_unplug_action,
					       phyr_provider_get(new));
		if (ret) {
			phyr_provider_put(new);
			return ERR_PTR(ret);
		}
	}
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
 * phyr_provider_unplug - the memory of a provider is going away
 * @p: a P2P provider; the caller holds a reference
 *
 * Runs when the driver of a BAR whose core provider @p wraps unbinds, after its
 * remove() has revoked the buffers with ranges of the BAR and before devres frees
 * the core's provider.  From then on no device reaches @p (phyr_path_for() returns
 * PHYR_MAP_NOT_SUPPORTED), phyr_provider_p2pdma() returns NULL, and
 * phyr_provider_create_p2p() for the same BAR makes a new provider.  References on
 * @p stay valid until they are put.  Unplugging twice is a no-op.
 */
void phyr_provider_unplug(struct phyr_provider *p)
{
	if (WARN_ON(!p || !p->p2p))
		return;
	mutex_lock(&phyr_providers_lock);
	WRITE_ONCE(p->unplugged, true);
	WRITE_ONCE(p->p2pdma, NULL);
	list_del_init(&p->node);
	mutex_unlock(&phyr_providers_lock);
	xa_destroy(&p->paths);
}
EXPORT_SYMBOL_IF_KUNIT(phyr_provider_unplug);

/**
 * phyr_provider_p2pdma - the P2P DMA core's provider wrapped by a phyr provider
 * @p: the provider
 *
 * For an exporter that hands its ranges to the core's helpers
 * (dma_buf_phys_vec_to_sgt()).  Valid while the BAR's driver is bound.
 *
 * Return: the struct p2pdma_provider of the BAR, or NULL for system RAM and once
 * @p is unplugged.
 */
struct p2pdma_provider *phyr_provider_p2pdma(const struct phyr_provider *p)
{
	return p->p2p ? READ_ONCE(p->p2pdma) : NULL;
}
EXPORT_SYMBOL_NS_GPL(phyr_provider_p2pdma, "DMABUF_PHYR");

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
 * Return: the offset (modulo 2^64) of the BAR's p2pdma_provider, recorded when
 * @p was made; 0 for system RAM.
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

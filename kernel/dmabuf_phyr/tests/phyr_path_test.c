// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the path decision.
 *
 * The decision table runs over synthetic topologies (switches, ACS redirect, the P2P
 * DMA core's verdict, non-PCI importers, DMA masks, non-zero bus offsets).  Then the
 * real emulated GPUs, when present, are checked: for every pair (VRAM of one GPU,
 * DMA engine of another), the decision must agree with an independent reading of the
 * tree (what pci_p2pdma_distance_many() refuses -> NOT_SUPPORTED, else a common
 * upstream bridge without ACS redirect -> BUS_ADDR, else THRU_HOST_BRIDGE), and stay
 * the same through the cache and after a cache flush.  drm_p2p's hardware KUnit
 * checks the same decisions against what upstream's dma_buf_phys_vec_to_sgt() does.
 */
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/sizes.h>

#include "../phyr_internal.h"
#include "phyr_test.h"

/* Port ids of the synthetic trees. */
#define RP0	0x0008		/* root port 00:01.0 */
#define RP1	0x0010		/* root port 00:02.0 */
#define USP	0x0100		/* switch upstream port 01:00.0 */
#define DSP0	0x0200		/* switch downstream ports 02:00.0, 02:01.0 */
#define DSP1	0x0208
#define DEV_A	0x0300
#define DEV_B	0x0400
#define RC_A	0x0028		/* endpoints on the root bus */
#define RC_B	0x0030

struct path_case {
	const char *name;
	struct phyr_topo t;
	enum phyr_map_type expect;
	int dist;
};

#define PORT(i, ...)		{ .id = (i), ##__VA_ARGS__ }
#define END(...)		{ .path = { __VA_ARGS__ }, \
				  .depth = ARRAY_SIZE(((struct phyr_topo_port[]){ __VA_ARGS__ })) }
#define M64	DMA_BIT_MASK(64)
#define M32	DMA_BIT_MASK(32)
#define SWITCH_A	END(PORT(DEV_A), PORT(DSP0), PORT(USP), PORT(RP0))
#define SWITCH_B	END(PORT(DEV_B), PORT(DSP1), PORT(USP), PORT(RP0))
#define REFUSED		-1	/* pci_p2pdma_distance_many() refuses the pair */

static const struct path_case path_cases[] = {
	{ "sysram", { .sysram = true, .dma_mask = M32 }, PHYR_MAP_NONE, -1 },
	{ "sysram, no DMA mask", { .sysram = true }, PHYR_MAP_NOT_SUPPORTED, -1 },
	{ "same function",
	  { .provider = END(PORT(RC_A)), .client = END(PORT(RC_A)), .dma_mask = M64 },
	  PHYR_MAP_BUS_ADDR, 0 },
	{ "one switch",
	  { .provider = SWITCH_A, .client = SWITCH_B, .p2pdma_dist = 4, .dma_mask = M64 },
	  PHYR_MAP_BUS_ADDR, 4 },
	{ "one switch, ACS redirect, host bridge refused",
	  { .provider = SWITCH_A,
	    .client = END(PORT(DEV_B), PORT(DSP1, .acs_redirect = true), PORT(USP),
			  PORT(RP0)),
	    .p2pdma_dist = REFUSED, .dma_mask = M64 },
	  PHYR_MAP_NOT_SUPPORTED, -1 },
	{ "one switch, ACS redirect, host bridge allowed",
	  { .provider = SWITCH_A,
	    .client = END(PORT(DEV_B), PORT(DSP1, .acs_redirect = true), PORT(USP),
			  PORT(RP0)),
	    .p2pdma_dist = 4, .dma_mask = M64, .client_iommu = true },
	  PHYR_MAP_THRU_HOST_BRIDGE, 4 },
	{ "one switch, ACS redirect on the common port, host bridge allowed",
	  { .provider = END(PORT(DEV_A), PORT(DSP0), PORT(USP, .acs_redirect = true),
			    PORT(RP0)),
	    .client = SWITCH_B, .p2pdma_dist = 4, .dma_mask = M64, .client_iommu = true },
	  PHYR_MAP_THRU_HOST_BRIDGE, 4 },
	{ "one switch, the P2P DMA core refuses",
	  { .provider = SWITCH_A, .client = SWITCH_B, .p2pdma_dist = REFUSED,
	    .dma_mask = M64 },
	  PHYR_MAP_NOT_SUPPORTED, -1 },
	{ "root complex, host bridge allowed",
	  { .provider = END(PORT(RC_A)), .client = END(PORT(RC_B)), .p2pdma_dist = 2,
	    .dma_mask = M64 },
	  PHYR_MAP_THRU_HOST_BRIDGE, 2 },
	{ "root complex, host bridge refused",
	  { .provider = END(PORT(RC_A)), .client = END(PORT(RC_B)),
	    .p2pdma_dist = REFUSED, .dma_mask = M64 },
	  PHYR_MAP_NOT_SUPPORTED, -1 },
	{ "two root ports, host bridge allowed",
	  { .provider = END(PORT(DEV_A), PORT(RP0)), .client = END(PORT(DEV_B), PORT(RP1)),
	    .p2pdma_dist = 4, .dma_mask = M64 },
	  PHYR_MAP_THRU_HOST_BRIDGE, 4 },
	{ "non-PCI importer",
	  { .provider = END(PORT(RC_A)), .dma_mask = M64 }, PHYR_MAP_NOT_SUPPORTED, -1 },
	{ "importer without DMA",
	  { .provider = END(PORT(RC_A)), .client = END(PORT(RC_B)), .p2pdma_dist = 2 },
	  PHYR_MAP_NOT_SUPPORTED, 2 },
	{ "one switch, BAR above a 32-bit mask",
	  { .provider = SWITCH_A, .client = SWITCH_B, .p2pdma_dist = 4, .dma_mask = M32,
	    .phys_end = SZ_4G + SZ_256M - 1, .bus_end = SZ_4G + SZ_256M - 1 },
	  PHYR_MAP_NOT_SUPPORTED, 4 },
	{ "one switch, bus offset brings the BAR below 4 GiB",
	  { .provider = SWITCH_A, .client = SWITCH_B, .p2pdma_dist = 4, .dma_mask = M32,
	    .phys_end = 0x8000000000ULL + SZ_256M - 1, .bus_end = 0xc0000000ULL + SZ_256M - 1 },
	  PHYR_MAP_BUS_ADDR, 4 },
	{ "one switch, bus offset moves the BAR above 4 GiB",
	  { .provider = SWITCH_A, .client = SWITCH_B, .p2pdma_dist = 4, .dma_mask = M32,
	    .phys_end = 0xc0000000ULL + SZ_256M - 1, .bus_end = 0x8000000000ULL + SZ_256M - 1 },
	  PHYR_MAP_NOT_SUPPORTED, 4 },
	{ "host bridge, BAR above a 32-bit mask, IOMMU",
	  { .provider = END(PORT(RC_A)), .client = END(PORT(RC_B)), .p2pdma_dist = 2,
	    .dma_mask = M32, .client_iommu = true, .phys_end = SZ_8G - 1,
	    .bus_end = SZ_8G - 1 },
	  PHYR_MAP_THRU_HOST_BRIDGE, 2 },
	{ "host bridge, BAR above a 32-bit mask, no IOMMU",
	  { .provider = END(PORT(RC_A)), .client = END(PORT(RC_B)), .p2pdma_dist = 2,
	    .dma_mask = M32, .phys_end = SZ_8G - 1, .bus_end = SZ_8G - 1 },
	  PHYR_MAP_NOT_SUPPORTED, 2 },
	{ "provider not on PCI", { .client = END(PORT(RC_B)), .dma_mask = M64 },
	  PHYR_MAP_NOT_SUPPORTED, -1 },
	{ "provider unplugged",
	  { .unplugged = true, .client = END(PORT(RC_B)), .dma_mask = M64 },
	  PHYR_MAP_NOT_SUPPORTED, -1 },
};

static void path_case_desc(const struct path_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(path_table, path_cases, path_case_desc);

static void path_decision_table(struct kunit *test)
{
	const struct path_case *c = test->param_value;
	enum phyr_path_reason why;
	int dist;

	KUNIT_EXPECT_STREQ(test, phyr_map_type_name(phyr_path_decide(&c->t, &dist, &why)),
			   phyr_map_type_name(c->expect));
	KUNIT_EXPECT_EQ(test, dist, c->dist);
	kunit_info(test, "%s: %s\n", c->name, phyr_path_reason_str(why));
}

static void path_too_deep(struct kunit *test)
{
	struct phyr_topo *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	enum phyr_path_reason why;
	int dist;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->p2pdma_dist = 2;
	t->dma_mask = M64;
	t->provider.depth = PHYR_TOPO_MAX_DEPTH + 1;
	t->client.depth = 1;
	KUNIT_EXPECT_EQ(test, phyr_path_decide(t, &dist, &why), PHYR_MAP_NOT_SUPPORTED);
}

static void path_bus_offsets(struct kunit *test)
{
	/* bus = phys + offset (mod 2^64), both directions, checked against the mask */
	const phys_addr_t phys = 0x8000000000ULL;
	struct phyr_provider *up, *down;
	dma_addr_t a;

	up = phyr_provider_create_fake(phys, SZ_256M, 0x1000000000ULL);
	down = phyr_provider_create_fake(phys, SZ_256M, (u64)0xc0000000 - phys);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, up);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, down);

	KUNIT_EXPECT_EQ(test, phyr_bus_addr(up, phys + SZ_4K, SZ_4K, M64, &a), 0);
	KUNIT_EXPECT_EQ(test, (u64)a, 0x9000001000ULL);
	KUNIT_EXPECT_EQ(test, phyr_bus_addr(up, phys, SZ_4K, M32, &a), -EREMOTEIO);
	KUNIT_EXPECT_EQ(test, phyr_bus_addr(down, phys + SZ_4K, SZ_4K, M32, &a), 0);
	KUNIT_EXPECT_EQ(test, (u64)a, 0xc0001000ULL);
	/* the last byte of the window must fit the mask too */
	KUNIT_EXPECT_EQ(test, phyr_bus_addr(down, phys + SZ_256M - SZ_4K, SZ_4K, M32, &a), 0);
	KUNIT_EXPECT_EQ(test, phyr_bus_addr(down, phys, SZ_2G, M32, &a), -EREMOTEIO);
	KUNIT_EXPECT_EQ(test, phyr_provider_bus_offset(down), (u64)0xc0000000 - phys);
	/* a fake provider has no device: no path */
	KUNIT_EXPECT_EQ(test, phyr_path_for(up, phyr_test_device(test, M64)),
			PHYR_MAP_NOT_SUPPORTED);
	phyr_provider_put(up);
	phyr_provider_put(down);
}

/* ---------------------------------------------------------------------------------
 * The real emulated GPUs
 */

/* Independent reading of the tree: the ACS control of one function. */
static bool acs_redirects(struct pci_dev *pdev)
{
	int pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_ACS);
	u16 ctrl;

	if (!pos)
		return false;
	pci_read_config_word(pdev, pos + PCI_ACS_CTRL, &ctrl);
	return ctrl & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
}

/* A common upstream device, and no ACS redirect on the way up to it. */
static bool common_switch(struct pci_dev *a, struct pci_dev *b)
{
	struct pci_dev *x, *y, *top = NULL;

	for (x = a; x && !top; x = pci_upstream_bridge(x))
		for (y = b; y && !top; y = pci_upstream_bridge(y))
			if (x == y)
				top = x;
	if (!top)
		return false;
	/* as p2pdma counts them: the common device on the provider's side only */
	for (x = a; x != top; x = pci_upstream_bridge(x))
		if (acs_redirects(x))
			return false;
	for (y = b; y != top; y = pci_upstream_bridge(y))
		if (acs_redirects(y))
			return false;
	return !acs_redirects(top);
}

/* Independent expectation for the VRAM of @gpu read by @engine with its current mask. */
static enum phyr_map_type expected_path(struct pci_dev *vram, struct pci_dev *engine,
					int kdist)
{
	u64 mask = dma_get_mask(&engine->dev);
	u64 phys_end = pci_resource_end(vram, PHYR_TEST_VRAM_BAR);
	u64 bus_end = pci_bus_address(vram, PHYR_TEST_VRAM_BAR) +
		      pci_resource_len(vram, PHYR_TEST_VRAM_BAR) - 1;

	if (kdist < 0)
		return PHYR_MAP_NOT_SUPPORTED;
	if (common_switch(vram, engine))
		return bus_end <= mask ? PHYR_MAP_BUS_ADDR : PHYR_MAP_NOT_SUPPORTED;
	if (!phyr_dev_dma_translated(&engine->dev) && phys_end > mask)
		return PHYR_MAP_NOT_SUPPORTED;
	return PHYR_MAP_THRU_HOST_BRIDGE;
}

static void path_real_pair(struct kunit *test, struct phyr_provider *p,
			   struct pci_dev *vram, struct pci_dev *engine)
{
	struct device *client = &engine->dev;
	enum phyr_map_type got, again, want;
	int kdist;

	kdist = pci_p2pdma_distance_many(vram, &client, 1, false);
	want = expected_path(vram, engine, kdist);
	/* p2pdma allows the root complex on AMD Zen: the preset's CPU */
	if (!common_switch(vram, engine) && phyr_test_cpu_p2p())
		KUNIT_EXPECT_GE(test, kdist, 0);

	got = phyr_path_for(p, client);
	again = phyr_path_for(p, client);	/* from the cache */
	phyr_path_cache_flush();
	KUNIT_EXPECT_EQ(test, phyr_path_for(p, client), got);
	KUNIT_EXPECT_EQ(test, again, got);
	KUNIT_EXPECT_STREQ_MSG(test, phyr_map_type_name(got), phyr_map_type_name(want),
			       "VRAM of %s, engine %s, p2pdma distance %d", pci_name(vram),
			       pci_name(engine), kdist);
	kunit_info(test, "VRAM %s -> engine %s (mask %d bits): %s (p2pdma distance %d)\n",
		   pci_name(vram), pci_name(engine), fls64(dma_get_mask(client)),
		   phyr_map_type_name(got), kdist);
}

static void path_real_gpus(struct kunit *test)
{
	struct phyr_test_gpu gpu[PHYR_TEST_MAX_GPUS];
	unsigned int n, i, j, checked = 0;

	n = phyr_test_find_gpus(gpu, PHYR_TEST_MAX_GPUS);
	if (n < 2) {
		phyr_test_put_gpus(gpu, n);
		kunit_skip(test, "fewer than two emulated GPUs");
	}
	for (i = 0; i < n; i++) {
		struct phyr_provider *p = phyr_provider_create_p2p(gpu[i].vram, 2);
		struct phyr_provider *q;

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
		KUNIT_EXPECT_EQ(test, phyr_provider_bar(p), 2);
		for (j = 0; j < n; j++) {
			struct pci_dev *engine = gpu[j].engine;
			u64 saved = dma_get_mask(&engine->dev);

			if (i == j)
				continue;
			path_real_pair(test, p, gpu[i].vram, engine);
			/*
			 * The DMA mask is part of the decision, and a cached pair must see a
			 * driver change it: try 32 and 64 bits on an unbound engine.
			 */
			if (phyr_test_gpu_free(&gpu[j])) {
				KUNIT_EXPECT_EQ(test, dma_set_mask(&engine->dev,
								   DMA_BIT_MASK(32)), 0);
				path_real_pair(test, p, gpu[i].vram, engine);
				KUNIT_EXPECT_EQ(test, dma_set_mask(&engine->dev,
								   DMA_BIT_MASK(64)), 0);
				path_real_pair(test, p, gpu[i].vram, engine);
				dma_set_mask(&engine->dev, saved);
			}
			checked++;
		}
		/* the provider is deduplicated */
		q = phyr_provider_create_p2p(gpu[i].vram, 2);
		KUNIT_EXPECT_PTR_EQ(test, q, p);
		phyr_provider_put(q);
		KUNIT_EXPECT_EQ(test, (u64)phyr_provider_bus_offset(p),
				(u64)(pci_bus_address(gpu[i].vram, 2) -
				      pci_resource_start(gpu[i].vram, 2)));
		phyr_provider_put(p);
	}
	/* bad BARs */
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_provider_create_p2p(gpu[0].vram, 7)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_provider_create_p2p(gpu[0].vram, 5)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_provider_create_p2p(NULL, 2)), -EINVAL);
	phyr_test_put_gpus(gpu, n);
	KUNIT_EXPECT_EQ(test, checked, n * (n - 1));
}

/*
 * Unplugging a provider (what the unbind of the driver of its BAR does): no device
 * reaches it any more, and the same BAR gets a new provider.  On a GPU no driver
 * owns, whose P2P DMA core nobody set up: the provider wraps no core provider and
 * computes the bus offset itself.  (Wrapping is tested on drm_p2p's GPUs by
 * drm_p2p_route.)
 */
static void path_provider_unplug(struct kunit *test)
{
	struct phyr_test_gpu gpu[PHYR_TEST_MAX_GPUS];
	enum phyr_map_type before;
	struct phyr_provider *p, *q;
	enum phyr_path_reason why;
	struct pci_dev *vram;
	struct device *dev;
	unsigned int n, i;

	n = phyr_test_find_gpus(gpu, PHYR_TEST_MAX_GPUS);
	for (i = 0; i < n && !phyr_test_gpu_free(&gpu[i]); i++)
		;
	if (i == n || n < 2) {
		phyr_test_put_gpus(gpu, n);
		kunit_skip(test, "no second GPU, or none free of drivers");
	}
	vram = gpu[i].vram;
	dev = &gpu[(i + 1) % n].engine->dev;
	p = phyr_provider_create_p2p(vram, PHYR_TEST_VRAM_BAR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_NULL(test, phyr_provider_p2pdma(p));
	KUNIT_EXPECT_EQ(test, phyr_provider_bus_offset(p),
			(u64)(pci_bus_address(vram, PHYR_TEST_VRAM_BAR) -
			      pci_resource_start(vram, PHYR_TEST_VRAM_BAR)));
	before = phyr_path_explain(p, dev, &why);
	KUNIT_EXPECT_NE(test, why, PHYR_WHY_UNPLUGGED);
	KUNIT_EXPECT_EQ(test, phyr_path_for(p, dev), before);

	phyr_provider_unplug(p);
	KUNIT_EXPECT_EQ(test, phyr_path_for(p, dev), PHYR_MAP_NOT_SUPPORTED);
	KUNIT_EXPECT_EQ(test, phyr_path_explain(p, dev, &why), PHYR_MAP_NOT_SUPPORTED);
	KUNIT_EXPECT_EQ(test, why, PHYR_WHY_UNPLUGGED);
	phyr_provider_unplug(p);	/* a no-op */
	KUNIT_EXPECT_NULL(test, phyr_provider_p2pdma(phyr_provider_sysram()));

	q = phyr_provider_create_p2p(vram, PHYR_TEST_VRAM_BAR);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, q);
	if (!IS_ERR(q)) {
		KUNIT_EXPECT_PTR_NE(test, q, p);
		KUNIT_EXPECT_EQ(test, phyr_path_for(q, dev), before);
		phyr_provider_put(q);
	}
	phyr_provider_put(p);
	phyr_test_put_gpus(gpu, n);
}

/*
 * Hotplug drops the cache: remove the engine function of GPU 1 and rescan its bus;
 * the cached decisions go with the removal, and the new device gets the same path.
 */
static void path_cache_hotplug(struct kunit *test)
{
	struct phyr_test_gpu gpu[2];
	struct pci_dev *engine, *again;
	enum phyr_map_type before;
	struct phyr_provider *p;
	struct pci_bus *bus;
	unsigned int devfn, n;

	n = phyr_test_find_gpus(gpu, 2);
	if (n < 2 || !phyr_test_gpu_free(&gpu[1])) {
		phyr_test_put_gpus(gpu, n);
		kunit_skip(test, "needs two GPUs with an unbound engine");
	}
	engine = gpu[1].engine;
	bus = engine->bus;
	devfn = engine->devfn;
	p = phyr_provider_create_p2p(gpu[0].vram, PHYR_TEST_VRAM_BAR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);

	before = phyr_path_for(p, &engine->dev);
	KUNIT_EXPECT_FALSE(test, xa_empty(&p->paths));
	pci_stop_and_remove_bus_device_locked(engine);
	KUNIT_EXPECT_TRUE(test, xa_empty(&p->paths));

	pci_lock_rescan_remove();
	pci_rescan_bus(bus);
	pci_unlock_rescan_remove();
	again = pci_get_slot(bus, devfn);
	KUNIT_EXPECT_NOT_NULL(test, again);
	if (again) {
		KUNIT_EXPECT_PTR_NE(test, again, engine);
		/* a new device starts with the default 32-bit mask: compare like with like */
		KUNIT_EXPECT_EQ(test, dma_set_mask(&again->dev, dma_get_mask(&engine->dev)), 0);
		KUNIT_EXPECT_EQ(test, phyr_path_for(p, &again->dev), before);
		pci_dev_put(again);
	}
	phyr_provider_put(p);
	phyr_test_put_gpus(gpu, n);
}

/*
 * A device that is not a PCI function reaches no BAR: the P2P DMA core has no
 * verdict for it, and upstream's dma_buf_phys_vec_to_sgt() refuses it too.
 */
static void path_non_pci_importer(struct kunit *test)
{
	struct phyr_test_gpu gpu[1];
	struct phyr_provider *p;
	struct device *dev;
	int ret;

	if (!phyr_test_find_gpus(gpu, 1))
		kunit_skip(test, "no emulated GPU");
	dev = phyr_test_device(test, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	p = phyr_provider_create_p2p(gpu[0].vram, 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);

	/* no DMA mask: nothing is reachable */
	KUNIT_EXPECT_EQ(test, phyr_path_for(p, dev), PHYR_MAP_NOT_SUPPORTED);
	KUNIT_EXPECT_EQ(test, phyr_path_for(phyr_provider_sysram(), dev),
			PHYR_MAP_NOT_SUPPORTED);
	ret = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, phyr_path_for(p, dev), PHYR_MAP_NOT_SUPPORTED);
	KUNIT_EXPECT_EQ(test, phyr_path_for(phyr_provider_sysram(), dev), PHYR_MAP_NONE);
	phyr_provider_put(p);
	phyr_test_put_gpus(gpu, 1);
}

static struct kunit_case path_cases_list[] = {
	KUNIT_CASE_PARAM(path_decision_table, path_table_gen_params),
	KUNIT_CASE(path_too_deep),
	KUNIT_CASE(path_bus_offsets),
	KUNIT_CASE(path_real_gpus),
	KUNIT_CASE(path_provider_unplug),
	KUNIT_CASE(path_cache_hotplug),
	KUNIT_CASE(path_non_pci_importer),
	{}
};

static struct kunit_suite path_suite = {
	.name = "dmabuf_phyr_path",
	.test_cases = path_cases_list,
};

kunit_test_suite(path_suite);

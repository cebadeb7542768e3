// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: one routing rule, and it agrees with upstream's.
 *
 * For every ordered pair of GPUs bound to drm_p2p (the VRAM of one, the engine of
 * the other or of itself), phyr's decision, phyr_path_for() (what GEM imports and
 * foreign importers are mapped with, and what SVM's peer windows use), must equal:
 *
 *  - the engine model's route for the pair, p2p_fabric_path();
 *  - upstream's, as seen in what dma_buf_phys_vec_to_sgt() gives the engine for
 *    one range of that VRAM through the BAR's p2pdma_provider, mapped by a minimal
 *    exporter for a dynamic importer with allow_peer2peer: the bus address
 *    (PHYR_MAP_BUS_ADDR), an IOVA that the engine's IOMMU translates to the VRAM
 *    (PHYR_MAP_THRU_HOST_BRIDGE under an IOMMU), the physical address
 *    (PHYR_MAP_THRU_HOST_BRIDGE without one), or -EINVAL (PHYR_MAP_NOT_SUPPORTED).
 *
 * Where QEMU delivers the address (everything but a bus address under an IOMMU:
 * QEMU sends that through the IOMMU too), the engine reads a pattern through it.
 *
 * The helper is also a canary: mapped with two ranges through an IOMMU, 7.3.4's
 * dma_buf_phys_vec_to_sgt() links both at IOVA offset 0 and fails with
 * -EADDRINUSE; with kernel/patches/linux-7.3/0001-* it maps both back to back.  The
 * test reports which kernel it runs on.  Its other bug, the sg array leaked by every
 * map (0002-*), shows as kmemleak reports of the maps below on a stock kernel
 * (tools/p2p-vm --stock-kernel).
 */
#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-buf-mapping.h>
#include <linux/dma-resv.h>
#include <linux/io.h>
#include <linux/pci-p2pdma.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <linux/dmabuf_phyr.h>
#include <uapi/drm/drm_p2p_drm.h>

#include "../p2p_drv.h"
#include "p2p_test_pattern.h"

#define ROUTE_LEN	DRM_P2P_PROBE_MAX

/* The exporter: ranges of a GPU's VRAM, mapped by upstream's helper. */
struct route_probe {
	struct p2pdma_provider *provider;
	struct phys_vec vec[2];
	unsigned int nr;
	size_t size;
};

static int route_probe_pin(struct dma_buf_attachment *attach)
{
	return 0;
}

static void route_probe_unpin(struct dma_buf_attachment *attach)
{
}

static struct sg_table *route_probe_map(struct dma_buf_attachment *attach,
					enum dma_data_direction dir)
{
	struct route_probe *rp = attach->dmabuf->priv;

	return dma_buf_phys_vec_to_sgt(attach, rp->provider, rp->vec, rp->nr, rp->size, dir);
}

static void route_probe_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
			      enum dma_data_direction dir)
{
	dma_buf_free_sgt(attach, sgt, dir);
}

static void route_probe_release(struct dma_buf *dmabuf)
{
}

static const struct dma_buf_ops route_probe_ops = {
	.pin = route_probe_pin,
	.unpin = route_probe_unpin,
	.map_dma_buf = route_probe_map,
	.unmap_dma_buf = route_probe_unmap,
	.release = route_probe_release,
};

static void route_invalidate(struct dma_buf_attachment *attach)
{
}

static const struct dma_buf_attach_ops route_importer = {
	.allow_peer2peer = true,
	.invalidate_mappings = route_invalidate,
};

struct route_counts {
	unsigned int pairs, read;
};

static struct dma_buf *route_probe_export(struct kunit *test, struct route_probe *rp)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dmabuf;

	exp_info.ops = &route_probe_ops;
	exp_info.size = PAGE_ALIGN(rp->size);
	exp_info.flags = O_RDWR;
	exp_info.priv = rp;
	dmabuf = dma_buf_export(&exp_info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	return dmabuf;
}

/* Export @rp and attach @engine to it as a dynamic importer with allow_peer2peer. */
static struct dma_buf_attachment *route_probe_attach(struct kunit *test,
						     struct route_probe *rp,
						     struct device *engine)
{
	struct dma_buf *dmabuf = route_probe_export(test, rp);
	struct dma_buf_attachment *attach;

	attach = dma_buf_dynamic_attach(dmabuf, engine, &route_importer, NULL);
	if (IS_ERR(attach))
		dma_buf_put(dmabuf);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, attach);
	return attach;
}

static struct sg_table *route_probe_map_locked(struct dma_buf_attachment *attach)
{
	struct sg_table *sgt;

	dma_resv_lock(attach->dmabuf->resv, NULL);
	sgt = dma_buf_map_attachment(attach, DMA_BIDIRECTIONAL);
	dma_resv_unlock(attach->dmabuf->resv);
	return sgt;
}

static void route_probe_put(struct dma_buf_attachment *attach, struct sg_table *sgt)
{
	struct dma_buf *dmabuf = attach->dmabuf;

	if (!IS_ERR(sgt)) {
		dma_resv_lock(dmabuf->resv, NULL);
		dma_buf_unmap_attachment(attach, sgt, DMA_BIDIRECTIONAL);
		dma_resv_unlock(dmabuf->resv);
	}
	dma_buf_detach(dmabuf, attach);
	dma_buf_put(dmabuf);
}

/* What upstream's helper gave, checked against the address phyr's rule implies. */
static void route_expect_address(struct kunit *test, enum phyr_map_type rule,
				 struct p2p_device *engine_gpu, dma_addr_t addr,
				 phys_addr_t phys, u64 bus)
{
	switch (rule) {
	case PHYR_MAP_BUS_ADDR:
		KUNIT_EXPECT_EQ_MSG(test, (u64)addr, bus, "expected the bus address");
		break;
	case PHYR_MAP_THRU_HOST_BRIDGE:
		if (p2p_edu_translated(engine_gpu)) {
			KUNIT_EXPECT_NE_MSG(test, (u64)addr, bus, "expected an IOVA");
			KUNIT_EXPECT_EQ_MSG(test, (u64)p2p_fabric_resolve(engine_gpu, addr),
					    (u64)phys, "the IOVA does not reach the VRAM");
		} else {
			KUNIT_EXPECT_EQ_MSG(test, (u64)addr, (u64)phys,
					    "expected the physical address");
		}
		break;
	default:
		KUNIT_FAIL(test, "upstream maps %pad where phyr has no path", &addr);
	}
}

/* VRAM blocks of a GPU, freed when the test ends, whichever way it ends. */
struct route_vram {
	struct p2p_device *gpu;
	struct list_head blocks;
};

static void route_vram_free(void *data)
{
	struct route_vram *v = data;

	p2p_vram_free(v->gpu, &v->blocks);
}

/* Allocate @size bytes of @gpu's VRAM; return the offset of its first block. */
static u64 route_vram_alloc(struct kunit *test, struct p2p_device *gpu, u64 size,
			    bool contiguous)
{
	struct route_vram *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, v);
	v->gpu = gpu;
	INIT_LIST_HEAD(&v->blocks);
	KUNIT_ASSERT_EQ(test, p2p_vram_alloc(gpu, size, contiguous, &v->blocks), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, route_vram_free, v), 0);
	return gpu_buddy_block_offset(list_first_entry(&v->blocks, struct gpu_buddy_block,
						       link));
}

/* Another user of the BAR gets the driver's provider, which wraps the core's. */
static void route_expect_same_provider(struct kunit *test, struct p2p_device *gpu)
{
	struct phyr_provider *p = phyr_provider_create_p2p(gpu->pdev, P2P_VRAM_BAR);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, p, gpu->provider);
	phyr_provider_put(p);
}

static void route_pair(struct kunit *test, struct p2p_device *vram_gpu,
		       struct p2p_device *engine_gpu, struct route_counts *cnt)
{
	struct device *engine = p2p_engine_dev(engine_gpu);
	struct route_probe rp = {};
	struct dma_buf_attachment *attach;
	enum phyr_map_type rule, fabric;
	struct sg_table *sgt;
	phys_addr_t phys;
	dma_addr_t addr = 0;
	u32 *buf;
	u64 off;
	int ret;

	rule = phyr_path_for(vram_gpu->provider, engine);
	fabric = p2p_fabric_path(engine_gpu, vram_gpu);
	KUNIT_EXPECT_STREQ_MSG(test, phyr_map_type_name(fabric), phyr_map_type_name(rule),
			       "engine model of GPU %u -> VRAM of GPU %u", engine_gpu->index,
			       vram_gpu->index);

	buf = kunit_kzalloc(test, ROUTE_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	off = route_vram_alloc(test, vram_gpu, PAGE_SIZE, false);
	phys = vram_gpu->vram_phys + off;

	/* The driver's phyr provider wraps the P2P DMA core's one for the BAR. */
	rp.provider = phyr_provider_p2pdma(vram_gpu->provider);
	KUNIT_ASSERT_NOT_NULL(test, rp.provider);
	KUNIT_EXPECT_PTR_EQ(test, rp.provider,
			    pcim_p2pdma_provider(vram_gpu->pdev, P2P_VRAM_BAR));
	KUNIT_EXPECT_EQ(test, phyr_provider_bus_offset(vram_gpu->provider),
			rp.provider->bus_offset);
	route_expect_same_provider(test, vram_gpu);
	rp.vec[0].paddr = phys;
	rp.vec[0].len = ROUTE_LEN;
	rp.nr = 1;
	rp.size = ROUTE_LEN;
	attach = route_probe_attach(test, &rp, engine);
	sgt = route_probe_map_locked(attach);
	if (IS_ERR(sgt)) {
		KUNIT_EXPECT_EQ(test, PTR_ERR(sgt), -EINVAL);
		KUNIT_EXPECT_EQ_MSG(test, rule, PHYR_MAP_NOT_SUPPORTED,
				    "upstream refuses (%ld) where phyr says %s", PTR_ERR(sgt),
				    phyr_map_type_name(rule));
	} else {
		KUNIT_EXPECT_EQ(test, sgt->nents, 1U);
		addr = sg_dma_address(sgt->sgl);
		route_expect_address(test, rule, engine_gpu, addr, phys,
				     phys + rp.provider->bus_offset);
	}
	kunit_info(test, "VRAM of GPU %u (%s) -> engine of GPU %u (%s): phyr %s, upstream %pad%s\n",
		   vram_gpu->index, pci_name(vram_gpu->pdev), engine_gpu->index,
		   dev_name(engine), phyr_map_type_name(rule), &addr,
		   IS_ERR(sgt) ? " (refused)" : "");

	/* The engine reads through upstream's address wherever QEMU delivers it. */
	if (!IS_ERR(sgt) &&
	    !(rule == PHYR_MAP_BUS_ADDR && p2p_edu_translated(engine_gpu))) {
		u32 seed = (u32)phys ^ 0x6e6e0001;

		p2p_test_fill_pattern(vram_gpu->vram_io + off, seed, ROUTE_LEN);
		ret = p2p_edu_dma(engine_gpu, addr, buf, ROUTE_LEN, false);
		KUNIT_EXPECT_EQ(test, ret, 0);
		KUNIT_EXPECT_EQ_MSG(test, p2p_test_count_pattern(buf, seed, ROUTE_LEN),
				    ROUTE_LEN / 4,
				    "engine read wrong data at %pad", &addr);
		cnt->read++;
	}

	route_probe_put(attach, sgt);
	cnt->pairs++;
}

static void route_put_gpu(void *data)
{
	struct p2p_device *gpu = data;

	drm_dev_put(&gpu->drm);
}

/* The bound GPUs in index order, referenced until the test ends. */
static unsigned int route_get_gpus(struct kunit *test, struct p2p_device **gpu,
				   unsigned int max)
{
	unsigned int n = min(p2p_fabric_count(), max), i;

	for (i = 0; i < n; i++) {
		gpu[i] = p2p_fabric_get(i);
		if (!gpu[i])
			return i;
		KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, route_put_gpu, gpu[i]),
				0);
	}
	return n;
}

static void route_agrees_with_upstream(struct kunit *test)
{
	struct p2p_device *gpu[8];
	struct route_counts cnt = {};
	unsigned int n, i, j;

	n = route_get_gpus(test, gpu, ARRAY_SIZE(gpu));
	if (!n)
		kunit_skip(test, "no GPU bound to drm_p2p");

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			route_pair(test, gpu[i], gpu[j], &cnt);
	KUNIT_EXPECT_EQ(test, cnt.pairs, n * n);
	kunit_info(test, "%u pairs agree; the engine read %u of them through upstream's address\n",
		   cnt.pairs, cnt.read);
}

/* The engine reads @len bytes at @addr; they must be the pattern of @seed. */
static void expect_engine_reads(struct kunit *test, struct p2p_device *engine_gpu,
				dma_addr_t addr, u32 seed, u32 *buf)
{
	KUNIT_EXPECT_EQ(test, p2p_edu_dma(engine_gpu, addr, buf, ROUTE_LEN, false), 0);
	KUNIT_EXPECT_EQ_MSG(test, p2p_test_count_pattern(buf, seed, ROUTE_LEN),
			    ROUTE_LEN / 4,
			    "engine read wrong data at %pad", &addr);
}

/* A pair mapped through the host bridge for an engine behind an IOMMU. */
static bool route_find_iommu_pair(struct p2p_device **gpu, unsigned int n,
				  struct p2p_device **vram_gpu, struct p2p_device **engine_gpu)
{
	unsigned int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (p2p_edu_translated(gpu[j]) &&
			    phyr_path_for(gpu[i]->provider, p2p_engine_dev(gpu[j])) ==
			    PHYR_MAP_THRU_HOST_BRIDGE) {
				*vram_gpu = gpu[i];
				*engine_gpu = gpu[j];
				return true;
			}
	return false;
}

/*
 * Two ranges of one GPU's VRAM, the second below the first, through upstream's
 * helper for an engine behind an IOMMU: 7.3.4 fails with -EADDRINUSE; a fixed
 * kernel gives one IOVA run holding both, which the engine reads at both ends.
 */
static void route_helper_two_ranges(struct kunit *test, struct p2p_device *vram_gpu,
				    struct p2p_device *engine_gpu)
{
	const u64 second = SZ_32K;
	struct route_probe rp = {};
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	phys_addr_t phys;
	dma_addr_t addr;
	u32 *buf;
	u64 off;

	buf = kunit_kzalloc(test, ROUTE_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	off = route_vram_alloc(test, vram_gpu, SZ_64K, true);
	phys = vram_gpu->vram_phys + off;
	p2p_test_fill_pattern(vram_gpu->vram_io + off + second, 0x6e6e0002, ROUTE_LEN);
	p2p_test_fill_pattern(vram_gpu->vram_io + off + PAGE_SIZE - ROUTE_LEN, 0x6e6e0003,
			      ROUTE_LEN);

	rp.provider = phyr_provider_p2pdma(vram_gpu->provider);
	KUNIT_ASSERT_NOT_NULL(test, rp.provider);
	rp.vec[0].paddr = phys + second;
	rp.vec[0].len = PAGE_SIZE;
	rp.vec[1].paddr = phys;
	rp.vec[1].len = PAGE_SIZE;
	rp.nr = 2;
	rp.size = 2 * PAGE_SIZE;
	attach = route_probe_attach(test, &rp, p2p_engine_dev(engine_gpu));
	sgt = route_probe_map_locked(attach);
	if (IS_ERR(sgt)) {
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(sgt), -EADDRINUSE,
				    "expected 7.3.4's failure or success");
		kunit_info(test, "this kernel's dma_buf_phys_vec_to_sgt() cannot map two ranges through an IOMMU (%ld): it links every range at IOVA offset 0; kernel/patches/linux-7.3/0001-* fixes it\n",
			   PTR_ERR(sgt));
		goto out;
	}
	kunit_info(test, "this kernel's dma_buf_phys_vec_to_sgt() maps two ranges through an IOMMU: the IOVA offset bug is fixed\n");
	KUNIT_EXPECT_EQ(test, sgt->nents, 1U);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt->sgl), 2 * PAGE_SIZE);
	addr = sg_dma_address(sgt->sgl);
	KUNIT_EXPECT_EQ(test, (u64)p2p_fabric_resolve(engine_gpu, addr), (u64)(phys + second));
	KUNIT_EXPECT_EQ(test, (u64)p2p_fabric_resolve(engine_gpu, addr + PAGE_SIZE), (u64)phys);
	expect_engine_reads(test, engine_gpu, addr, 0x6e6e0002, buf);
	expect_engine_reads(test, engine_gpu, addr + 2 * PAGE_SIZE - ROUTE_LEN, 0x6e6e0003,
			    buf);
out:
	route_probe_put(attach, sgt);
}

/*
 * drm_p2p's GEM import of a dma-buf that is not a phyr one, here VRAM of another
 * GPU described by phys_vec and mapped by upstream's helper, as vfio-pci exports a
 * BAR: the engine's attachment is dynamic, takes peer-to-peer addresses and is
 * revocable; it gets the address upstream gives (the engine reads through it where
 * QEMU delivers it); an invalidation drops the mapping, the next use maps again.
 * Where upstream refuses the pair, the import fails.
 */
static void route_import_pair(struct kunit *test, struct p2p_device *vram_gpu,
			      struct p2p_device *engine_gpu, struct route_counts *cnt)
{
	struct device *engine = p2p_engine_dev(engine_gpu);
	struct route_probe rp = {};
	struct drm_gem_object *obj;
	enum phyr_map_type rule;
	struct dma_buf *dmabuf;
	struct p2p_bo *bo;
	phys_addr_t phys;
	dma_addr_t addr;
	u32 *buf, seed;
	u64 off;

	rule = phyr_path_for(vram_gpu->provider, engine);
	buf = kunit_kzalloc(test, ROUTE_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	off = route_vram_alloc(test, vram_gpu, PAGE_SIZE, false);
	phys = vram_gpu->vram_phys + off;
	seed = (u32)phys ^ 0x1e1e0001;
	p2p_test_fill_pattern(vram_gpu->vram_io + off, seed, ROUTE_LEN);
	rp.provider = phyr_provider_p2pdma(vram_gpu->provider);
	KUNIT_ASSERT_NOT_NULL(test, rp.provider);
	rp.vec[0].paddr = phys;
	rp.vec[0].len = PAGE_SIZE;
	rp.nr = 1;
	rp.size = PAGE_SIZE;
	dmabuf = route_probe_export(test, &rp);

	obj = p2p_gem_prime_import(&engine_gpu->drm, dmabuf);
	if (rule == PHYR_MAP_NOT_SUPPORTED) {
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(obj), -EINVAL);
		if (!IS_ERR(obj))
			drm_gem_object_put(obj);
		goto out;
	}
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, obj);
	if (IS_ERR(obj))
		goto out;
	bo = to_p2p_bo(obj);
	KUNIT_EXPECT_EQ(test, bo->kind, P2P_BO_IMPORT_SG);
	KUNIT_EXPECT_TRUE(test, bo->attach->peer2peer);
	KUNIT_EXPECT_TRUE(test, dma_buf_attach_revocable(bo->attach));

	dma_resv_lock(dmabuf->resv, NULL);
	KUNIT_EXPECT_NOT_NULL(test, bo->sgt);
	if (bo->sgt) {
		addr = sg_dma_address(bo->sgt->sgl);
		route_expect_address(test, rule, engine_gpu, addr, phys,
				     phys + rp.provider->bus_offset);
		if (!(rule == PHYR_MAP_BUS_ADDR && p2p_edu_translated(engine_gpu))) {
			expect_engine_reads(test, engine_gpu, addr, seed, buf);
			cnt->read++;
		}
	}
	dma_buf_invalidate_mappings(dmabuf);
	KUNIT_EXPECT_NULL(test, bo->sgt);
	KUNIT_EXPECT_EQ(test, p2p_import_ensure_mapped(bo), 0);
	KUNIT_EXPECT_NOT_NULL(test, bo->sgt);
	dma_resv_unlock(dmabuf->resv);
	drm_gem_object_put(obj);
	cnt->pairs++;
out:
	dma_buf_put(dmabuf);
}

static void route_import_upstream_exporter(struct kunit *test)
{
	struct route_counts cnt = {};
	struct p2p_device *gpu[8];
	unsigned int n, i, j;

	n = route_get_gpus(test, gpu, ARRAY_SIZE(gpu));
	if (n < 2)
		kunit_skip(test, "fewer than two GPUs bound to drm_p2p");
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (i != j)
				route_import_pair(test, gpu[i], gpu[j], &cnt);
	kunit_info(test, "%u imports mapped, invalidated and mapped again; the engine read %u of them\n",
		   cnt.pairs, cnt.read);
}

static void route_upstream_helper_canary(struct kunit *test)
{
	struct p2p_device *gpu[8], *vram_gpu, *engine_gpu;
	unsigned int n;

	n = route_get_gpus(test, gpu, ARRAY_SIZE(gpu));
	if (!route_find_iommu_pair(gpu, n, &vram_gpu, &engine_gpu))
		kunit_skip(test, "no GPU pair through the host bridge behind an IOMMU");
	route_helper_two_ranges(test, vram_gpu, engine_gpu);
}

static struct kunit_case route_cases[] = {
	KUNIT_CASE_SLOW(route_agrees_with_upstream),
	KUNIT_CASE(route_upstream_helper_canary),
	KUNIT_CASE(route_import_upstream_exporter),
	{}
};

static struct kunit_suite route_suite = {
	.name = "drm_p2p_route",
	.test_cases = route_cases,
};

kunit_test_suite(route_suite);

MODULE_IMPORT_NS("DMA_BUF");

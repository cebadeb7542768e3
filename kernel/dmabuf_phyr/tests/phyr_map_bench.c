// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mapping benchmark: what it costs to give a peer's DMA engine addresses for 1 GiB of a
 * GPU's VRAM through the IOMMU (the host-bridge path), five ways, in one run:
 *
 *  phyr       phyr_attach() + phyr_map() + phyr_unmap() + phyr_detach() of a phyr
 *             dma-buf whose exporter stores its ranges packed (packed_ranges, as
 *             drm_p2p does): one IOVA, one dma_iova_link() per range, one sync;
 *  phyr-list  the same from an exporter whose get_ranges copies a range list;
 *  per-block  attach + map + unmap + detach of a dma-buf whose map does one
 *             dma_map_resource() per block, as amdgpu and Xe map VRAM for a peer;
 *  floor      dma_iova_try_alloc() + one dma_iova_link() per block + dma_iova_sync()
 *             + dma_iova_destroy(), with no dma-buf around it;
 *  p2pdma     dma_map_sgtable() + dma_unmap_sgtable() of a prepared table of P2PDMA
 *             struct pages (pci_p2pdma_add_resource() on the BAR).
 *
 * Two layouts: 512 blocks of 2 MiB scattered over the BAR, and one block of 1 GiB.
 * One warm-up round, then BENCH_ROUNDS rounds that each run every way once, in an
 * order that rotates from round to round.  Prints min and median of every way, and
 * from the medians phyr's speed-up over per-block and its ratio to the floor, with
 * the iommu_map() calls and IOVA runs of one phyr map.  On the scattered layout it
 * fails only on a clear regression (less than BENCH_MIN_SPEEDUP times faster than
 * per-block, or more than BENCH_MAX_FLOOR_PCT % of the floor); the goals are judged
 * from a dedicated run (tools/p2p-vm bench, docs/performance.md).
 *
 * Not a *_kunit.ko: the VM runner loads it only in its benchmark boot (dma_debug=off,
 * kmemleak=off, 1 GiB BARs), with no driver bound to the GPUs.
 */
#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pci-p2pdma.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/sort.h>
#include <linux/tracepoint.h>
#include <trace/events/iommu.h>

#include "../phyr_internal.h"
#include "phyr_test.h"

#define BENCH_SIZE		SZ_1G
#define BENCH_BLOCK		SZ_2M
#define BENCH_MAX_BLOCKS	(BENCH_SIZE / BENCH_BLOCK)
#define BENCH_STRIDE		307	/* coprime with 512: a permutation of the blocks */
#define BENCH_ROUNDS		11
#define BENCH_MIN_SPEEDUP	3
#define BENCH_MAX_FLOOR_PCT	200
#define BENCH_PROBE		2048	/* bytes the engine reads at each end */

enum bench_way { WAY_PHYR, WAY_PHYR_LIST, WAY_PER_BLOCK, WAY_FLOOR, WAY_P2PDMA, NR_WAYS };

static const char *const bench_way_name[NR_WAYS] = {
	"phyr", "phyr-list", "per-block", "floor", "p2pdma",
};

struct bench {
	struct kunit *test;
	struct device *dev;		/* the peer engine */
	phys_addr_t block[BENCH_MAX_BLOCKS];
	unsigned int nr;
	u64 len;			/* of each block */
	struct phyr_test_exp exp;	/* packed, as drm_p2p stores its exports */
	struct dma_buf *phyr_buf;
	struct phyr_test_exp list_exp;	/* a get_ranges exporter: a copy per call */
	struct dma_buf *list_buf;
	struct dma_buf *pb_buf;
	struct sg_table p2p_sgt;
	bool p2pdma;
	u64 ns[NR_WAYS][BENCH_ROUNDS];
	u64 split[4][BENCH_ROUNDS];	/* phyr: attach, map, unmap, detach */
	unsigned int round;
};

static void bench_invalidate(struct dma_buf_attachment *attach)
{
}

static const struct phyr_importer_ops bench_phyr_ops = {
	.invalidate_mappings = bench_invalidate,
};

static const struct dma_buf_attach_ops bench_importer = {
	.allow_peer2peer = true,
	.invalidate_mappings = bench_invalidate,
};

/* ---- the per-block exporter: one dma_map_resource() per block */

static int pb_pin(struct dma_buf_attachment *attach)
{
	return 0;
}

static void pb_unpin(struct dma_buf_attachment *attach)
{
}

static void pb_unmap_entries(struct device *dev, struct sg_table *sgt, unsigned int n,
			     enum dma_data_direction dir)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i) {
		if (i == n)
			break;
		dma_unmap_resource(dev, sg_dma_address(sg), sg_dma_len(sg), dir,
				   DMA_ATTR_SKIP_CPU_SYNC);
	}
}

static struct sg_table *pb_map(struct dma_buf_attachment *attach,
			       enum dma_data_direction dir)
{
	struct bench *b = attach->dmabuf->priv;
	struct scatterlist *sg;
	struct sg_table *sgt;
	unsigned int i;
	int ret;

	sgt = kmalloc_obj(*sgt);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table(sgt, b->nr, GFP_KERNEL);
	if (ret)
		goto err_free;
	for_each_sgtable_sg(sgt, sg, i) {
		dma_addr_t addr = dma_map_resource(attach->dev, b->block[i], b->len, dir,
						   DMA_ATTR_SKIP_CPU_SYNC);

		if (dma_mapping_error(attach->dev, addr)) {
			pb_unmap_entries(attach->dev, sgt, i, dir);
			sg_free_table(sgt);
			ret = -EIO;
			goto err_free;
		}
		sg_set_page(sg, NULL, 0, 0);
		sg_dma_address(sg) = addr;
		sg_dma_len(sg) = b->len;
	}
	return sgt;

err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void pb_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
		     enum dma_data_direction dir)
{
	pb_unmap_entries(attach->dev, sgt, sgt->nents, dir);
	sg_free_table(sgt);
	kfree(sgt);
}

static void pb_release(struct dma_buf *dmabuf)
{
}

static const struct dma_buf_ops pb_ops = {
	.pin = pb_pin,
	.unpin = pb_unpin,
	.map_dma_buf = pb_map,
	.unmap_dma_buf = pb_unmap,
	.release = pb_release,
};

/* ---- one round of each way; 0 on success */

/* One phyr round on @buf; the split of its time goes to @split unless NULL. */
static int way_phyr(struct bench *b, struct dma_buf *buf, u64 *split)
{
	struct dma_buf_attachment *a;
	struct phyr_mapping *map;
	u64 t0 = ktime_get_ns(), t1, t2, t3;

	a = phyr_attach(buf, b->dev, &bench_phyr_ops, NULL);
	if (IS_ERR(a))
		return PTR_ERR(a);
	dma_resv_lock(buf->resv, NULL);
	t1 = ktime_get_ns();
	map = phyr_map(a);
	t2 = ktime_get_ns();
	if (!IS_ERR(map))
		phyr_unmap(a, map);
	t3 = ktime_get_ns();
	dma_resv_unlock(buf->resv);
	phyr_detach(buf, a);
	if (split) {
		split[0] = t1 - t0;
		split[BENCH_ROUNDS] = t2 - t1;
		split[2 * BENCH_ROUNDS] = t3 - t2;
		split[3 * BENCH_ROUNDS] = ktime_get_ns() - t3;
	}
	return PTR_ERR_OR_ZERO(map);
}

static int way_per_block(struct bench *b)
{
	struct dma_buf_attachment *a;
	struct sg_table *sgt;

	a = dma_buf_dynamic_attach(b->pb_buf, b->dev, &bench_importer, NULL);
	if (IS_ERR(a))
		return PTR_ERR(a);
	dma_resv_lock(b->pb_buf->resv, NULL);
	sgt = dma_buf_map_attachment(a, DMA_BIDIRECTIONAL);
	if (!IS_ERR(sgt))
		dma_buf_unmap_attachment(a, sgt, DMA_BIDIRECTIONAL);
	dma_resv_unlock(b->pb_buf->resv);
	dma_buf_detach(b->pb_buf, a);
	return PTR_ERR_OR_ZERO(sgt);
}

static int way_floor(struct bench *b)
{
	struct dma_iova_state state = {};
	size_t done = 0;
	unsigned int i;
	int ret = 0;

	if (!dma_iova_try_alloc(b->dev, &state, b->block[0], (size_t)b->nr * b->len))
		return -EOPNOTSUPP;
	for (i = 0; i < b->nr && !ret; i++, done += b->len)
		ret = dma_iova_link(b->dev, &state, b->block[i], done, b->len,
				    DMA_BIDIRECTIONAL, DMA_ATTR_MMIO);
	if (ret)
		done -= b->len;
	else
		ret = dma_iova_sync(b->dev, &state, 0, done);
	dma_iova_destroy(b->dev, &state, done, DMA_BIDIRECTIONAL, DMA_ATTR_MMIO);
	return ret;
}

static int way_p2pdma(struct bench *b)
{
	int ret = dma_map_sgtable(b->dev, &b->p2p_sgt, DMA_BIDIRECTIONAL, 0);

	if (!ret)
		dma_unmap_sgtable(b->dev, &b->p2p_sgt, DMA_BIDIRECTIONAL, 0);
	return ret;
}

static int bench_run_way(struct bench *b, enum bench_way way, u64 *ns)
{
	u64 t0 = ktime_get_ns();
	int ret;

	switch (way) {
	case WAY_PHYR:
		ret = way_phyr(b, b->phyr_buf, &b->split[0][b->round]);
		break;
	case WAY_PHYR_LIST:
		ret = way_phyr(b, b->list_buf, NULL);
		break;
	case WAY_PER_BLOCK:
		ret = way_per_block(b);
		break;
	case WAY_FLOOR:
		ret = way_floor(b);
		break;
	default:
		ret = b->p2pdma ? way_p2pdma(b) : 0;
		break;
	}
	*ns = ktime_get_ns() - t0;
	return ret;
}

/* ---- one phyr map, looked at: iommu_map() calls and IOVA runs */

static unsigned int bench_iommu_maps;

static void bench_count_iommu_map(void *data, unsigned long iova, phys_addr_t paddr,
				  size_t size)
{
	bench_iommu_maps++;	/* only this test maps while the probe is registered */
}

static void bench_fill(struct kunit *test, phys_addr_t phys, u32 seed)
{
	void __iomem *io = ioremap_wc(phys, BENCH_PROBE);

	KUNIT_ASSERT_TRUE(test, io);
	phyr_test_fill_pattern(io, seed, BENCH_PROBE);
	iounmap(io);
}

/* Under the resv lock, with a mapping: failures are reported, never asserted. */
static void bench_expect_read(struct kunit *test, struct phyr_test_edu *edu,
			      dma_addr_t addr, u32 seed)
{
	u32 *buf = kzalloc(BENCH_PROBE, GFP_KERNEL);

	if (!buf) {
		KUNIT_FAIL(test, "no memory for the engine's read");
		return;
	}
	KUNIT_EXPECT_EQ(test, phyr_test_edu_read(edu, addr, buf, BENCH_PROBE), 0);
	KUNIT_EXPECT_EQ_MSG(test, phyr_test_count_pattern(buf, seed, BENCH_PROBE),
			    BENCH_PROBE / 4, "engine read wrong data at %pad", &addr);
	kfree(buf);
}

static void bench_inspect(struct bench *b, struct phyr_test_gpu *to, const char *layout)
{
	struct kunit *test = b->test;
	struct dma_buf_attachment *a;
	struct phyr_mapping *map;
	struct phyr_test_edu *edu;
	unsigned int i, runs = 1;
	phys_addr_t last;

	bench_fill(test, b->block[0], 0x6a6a0001);
	last = b->block[b->nr - 1] + b->len - BENCH_PROBE;
	bench_fill(test, last, 0x6a6a0002);

	a = phyr_attach(b->phyr_buf, b->dev, &bench_phyr_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	bench_iommu_maps = 0;
	KUNIT_ASSERT_EQ(test, register_trace_map(bench_count_iommu_map, NULL), 0);
	dma_resv_lock(b->phyr_buf->resv, NULL);
	map = phyr_map(a);
	unregister_trace_map(bench_count_iommu_map, NULL);
	tracepoint_synchronize_unregister();
	if (IS_ERR(map)) {
		dma_resv_unlock(b->phyr_buf->resv);
		phyr_detach(b->phyr_buf, a);
		KUNIT_FAIL(test, "phyr_map: %ld", PTR_ERR(map));
		return;
	}
	for (i = 1; i < map->nr; i++)
		if (map->ranges[i].addr != map->ranges[i - 1].addr + map->ranges[i - 1].len)
			runs++;
	KUNIT_EXPECT_EQ(test, map->nr, b->nr);
	KUNIT_EXPECT_EQ(test, runs, 1U);
	KUNIT_EXPECT_EQ(test, bench_iommu_maps, b->nr);
	kunit_info(test, "bench %s: one phyr map: %u ranges, %u iommu_map calls, %u IOVA run(s)\n",
		   layout, map->nr, bench_iommu_maps, runs);

	edu = phyr_test_gpu_free(to) ? phyr_test_edu_open(test, to->engine) : NULL;
	if (edu) {
		bench_expect_read(test, edu, map->ranges[0].addr, 0x6a6a0001);
		bench_expect_read(test, edu, map->ranges[map->nr - 1].addr + b->len - BENCH_PROBE,
				  0x6a6a0002);
		phyr_test_edu_close(edu);
	}
	phyr_unmap(a, map);
	dma_resv_unlock(b->phyr_buf->resv);
	phyr_detach(b->phyr_buf, a);
}

/* ---- statistics */

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void bench_stats(const u64 *ns, u64 *min, u64 *median)
{
	u64 s[BENCH_ROUNDS];

	memcpy(s, ns, sizeof(s));
	sort(s, BENCH_ROUNDS, sizeof(s[0]), cmp_u64, NULL);
	*min = s[0];
	*median = s[BENCH_ROUNDS / 2];
}

static void bench_report(struct bench *b, const char *layout, bool gate)
{
	struct kunit *test = b->test;
	u64 min[NR_WAYS], med[NR_WAYS], split_med[4], unused;
	unsigned int w, speedup, floor_pct;

	for (w = 0; w < NR_WAYS; w++) {
		bench_stats(b->ns[w], &min[w], &med[w]);
		if (w == WAY_P2PDMA && !b->p2pdma)
			kunit_info(test, "bench %s: %-9s not measured (no P2PDMA pages)\n",
				   layout, bench_way_name[w]);
		else
			kunit_info(test, "bench %s: %-9s min %6llu us, median %6llu us\n", layout,
				   bench_way_name[w], min[w] / 1000, med[w] / 1000);
	}
	for (w = 0; w < 4; w++)
		bench_stats(b->split[w], &unused, &split_med[w]);
	kunit_info(test, "bench %s: phyr medians: attach %llu us, map %llu us, unmap %llu us, detach %llu us\n",
		   layout, split_med[0] / 1000, split_med[1] / 1000, split_med[2] / 1000,
		   split_med[3] / 1000);
	speedup = div64_u64(med[WAY_PER_BLOCK] * 100, max(med[WAY_PHYR], 1ULL));
	floor_pct = div64_u64(med[WAY_PHYR] * 100, max(med[WAY_FLOOR], 1ULL));
	kunit_info(test, "bench %s: phyr is %u.%02ux faster than per-block and %u.%02ux the floor (medians of %d rounds)\n",
		   layout, speedup / 100, speedup % 100, floor_pct / 100, floor_pct % 100,
		   BENCH_ROUNDS);
	if (!gate)
		return;
	kunit_info(test, "bench %s: goal >= 6x faster and <= 1.2x the floor: %s\n", layout,
		   speedup >= 600 && floor_pct <= 120 ? "met" : "not met");
	KUNIT_EXPECT_GE_MSG(test, speedup, BENCH_MIN_SPEEDUP * 100,
			    "regression: phyr less than %dx faster than per-block",
			    BENCH_MIN_SPEEDUP);
	KUNIT_EXPECT_LE_MSG(test, floor_pct, BENCH_MAX_FLOOR_PCT,
			    "regression: phyr more than %d%% of the floor", BENCH_MAX_FLOOR_PCT);
}

/* ---- one layout */

static void bench_layout(struct kunit *test, struct phyr_test_gpu *from,
			 struct phyr_test_gpu *to, struct phyr_provider *p, bool scattered,
			 bool p2pdma_pages)
{
	const char *layout = scattered ? "scattered" : "contiguous";
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	phys_addr_t base = pci_resource_start(from->vram, PHYR_TEST_VRAM_BAR);
	struct scatterlist *sg;
	struct bench *b;
	unsigned int i, r, k;
	u64 warm;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	b->test = test;
	b->dev = &to->engine->dev;
	b->nr = scattered ? BENCH_MAX_BLOCKS : 1;
	b->len = scattered ? BENCH_BLOCK : BENCH_SIZE;
	phyr_list_init(&b->exp.ranges);
	phyr_list_init(&b->exp.fallback_to);
	phyr_list_init(&b->list_exp.ranges);
	phyr_list_init(&b->list_exp.fallback_to);
	for (i = 0; i < b->nr; i++) {
		b->block[i] = base + (u64)((i * BENCH_STRIDE) % b->nr) * b->len;
		KUNIT_ASSERT_EQ(test, phyr_list_append(&b->exp.ranges, p, b->block[i], b->len),
				0);
	}
	KUNIT_ASSERT_EQ(test, b->exp.ranges.nr, b->nr);
	KUNIT_ASSERT_EQ(test, phyr_list_copy(&b->list_exp.ranges, &b->exp.ranges), 0);
	b->exp.packed = true;
	b->phyr_buf = phyr_test_export(test, &b->exp, BENCH_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b->phyr_buf);
	KUNIT_ASSERT_EQ(test, b->exp.pk.nr, b->nr);
	b->list_buf = phyr_test_export(test, &b->list_exp, BENCH_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b->list_buf);
	exp_info.ops = &pb_ops;
	exp_info.size = BENCH_SIZE;
	exp_info.flags = O_RDWR;
	exp_info.priv = b;
	b->pb_buf = dma_buf_export(&exp_info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b->pb_buf);

	b->p2pdma = p2pdma_pages && !sg_alloc_table(&b->p2p_sgt, b->nr, GFP_KERNEL);
	if (b->p2pdma)
		for_each_sgtable_sg(&b->p2p_sgt, sg, i)
			sg_set_page(sg, pfn_to_page(PHYS_PFN(b->block[i])), b->len, 0);

	bench_inspect(b, to, layout);
	for (k = 0; k < NR_WAYS; k++)
		KUNIT_ASSERT_EQ_MSG(test, bench_run_way(b, k, &warm), 0, "warm-up of %s",
				    bench_way_name[k]);
	for (r = 0; r < BENCH_ROUNDS; r++)
		for (k = 0, b->round = r; k < NR_WAYS; k++) {
			enum bench_way w = (r + k) % NR_WAYS;

			KUNIT_ASSERT_EQ(test, bench_run_way(b, w, &b->ns[w][r]), 0);
		}
	bench_report(b, layout, scattered);

	if (b->p2pdma)
		sg_free_table(&b->p2p_sgt);
	dma_buf_put(b->pb_buf);
	phyr_test_put(b->phyr_buf);
	phyr_test_put(b->list_buf);
	phyr_list_fini(&b->exp.ranges);
	phyr_list_fini(&b->exp.fallback_to);
	phyr_list_fini(&b->list_exp.ranges);
	phyr_list_fini(&b->list_exp.fallback_to);
}

static void phyr_map_bench(struct kunit *test)
{
	struct phyr_test_gpu gpu[2];
	struct phyr_provider *p;
	unsigned int n;
	int ret;

	n = phyr_test_find_gpus(gpu, 2);
	if (n < 2 || gpu[0].vram->driver || !phyr_test_gpu_free(&gpu[1]) ||
	    pci_resource_len(gpu[0].vram, PHYR_TEST_VRAM_BAR) < BENCH_SIZE) {
		phyr_test_put_gpus(gpu, n);
		kunit_skip(test, "needs two unbound GPUs with 1 GiB of VRAM (tools/p2p-vm bench)");
	}
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(&gpu[1].engine->dev, DMA_BIT_MASK(64)),
			0);
	p = phyr_provider_create_p2p(gpu[0].vram, PHYR_TEST_VRAM_BAR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	if (phyr_path_for(p, &gpu[1].engine->dev) != PHYR_MAP_THRU_HOST_BRIDGE ||
	    !phyr_dev_dma_translated(&gpu[1].engine->dev)) {
		phyr_provider_put(p);
		phyr_test_put_gpus(gpu, n);
		kunit_skip(test, "needs host-bridge P2P and an IOMMU (2gpu)");
	}
	KUNIT_ASSERT_EQ(test, pci_enable_device_mem(gpu[0].vram), 0);
	/* The GPU stays unbound: its devres (P2PDMA pages) lives as long as the boot. */
	ret = pci_p2pdma_add_resource(gpu[0].vram, PHYR_TEST_VRAM_BAR, 0, 0);
	if (ret)
		kunit_info(test, "no P2PDMA pages for the BAR (%d): p2pdma not measured\n", ret);

	bench_layout(test, &gpu[0], &gpu[1], p, true, !ret);
	bench_layout(test, &gpu[0], &gpu[1], p, false, !ret);

	pci_disable_device(gpu[0].vram);
	phyr_provider_put(p);
	phyr_test_put_gpus(gpu, n);
}

static struct kunit_case bench_cases[] = {
	KUNIT_CASE_SLOW(phyr_map_bench),
	{}
};

static struct kunit_suite bench_suite = {
	.name = "dmabuf_phyr_map_bench",
	.test_cases = bench_cases,
};

kunit_test_suite(bench_suite);

MODULE_DESCRIPTION("dmabuf_phyr: mapping benchmark against per-block, the dma_iova floor and P2PDMA");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMABUF_PHYR");
MODULE_IMPORT_NS("DMA_BUF");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

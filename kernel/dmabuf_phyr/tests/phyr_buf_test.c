// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: phyr dma-bufs end to end - export, attach, map, the scatterlist fallback,
 * pinning, revocation (also racing a mapping importer), unreachable ranges and the
 * exporter fallback, attach/map/unmap/detach loops (kmemleak checks the guest), and
 * on the emulated GPUs the per-device DMA address of VRAM, proven by an edu DMA read.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-buf.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-resv.h>
#include <linux/io.h>
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/tracepoint.h>
#include <trace/events/iommu.h>

#include "../phyr_internal.h"
#include "phyr_test.h"

#define RAM_ORDER	6		/* 256 KiB of system RAM */

struct buf_ctx {
	struct page *pages;
	phys_addr_t phys;
	struct phyr_test_exp exp;
	struct dma_buf *dmabuf;
	struct device *dev;
	struct phyr_provider *fake;
};

/* Two system RAM ranges: [0, 128K) and [192K, 256K) of one block: 192 KiB. */
static int buf_init(struct kunit *test)
{
	struct buf_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	test->priv = c;
	c->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, RAM_ORDER);
	if (!c->pages)
		return -ENOMEM;
	c->phys = page_to_phys(c->pages);
	phyr_list_init(&c->exp.ranges);
	phyr_list_init(&c->exp.fallback_to);
	if (phyr_list_append(&c->exp.ranges, phyr_provider_sysram(), c->phys, SZ_128K) ||
	    phyr_list_append(&c->exp.ranges, phyr_provider_sysram(), c->phys + SZ_128K + SZ_64K,
			     SZ_64K))
		return -ENOMEM;
	c->fake = phyr_provider_create_fake(0x800000000ULL, SZ_1G, 0);
	if (IS_ERR(c->fake))
		return PTR_ERR(c->fake);
	c->dev = phyr_test_device(test, DMA_BIT_MASK(64));
	if (IS_ERR(c->dev))
		return PTR_ERR(c->dev);
	c->dmabuf = phyr_test_export(test, &c->exp, SZ_128K + SZ_64K);
	if (IS_ERR(c->dmabuf))
		return PTR_ERR(c->dmabuf);
	return 0;
}

static void buf_exit(struct kunit *test)
{
	struct buf_ctx *c = test->priv;

	if (!IS_ERR_OR_NULL(c->dmabuf)) {
		phyr_test_put(c->dmabuf);
		KUNIT_EXPECT_TRUE(test, c->exp.released);
		KUNIT_EXPECT_EQ(test, c->exp.pins, 0);
	}
	phyr_list_fini(&c->exp.ranges);
	phyr_list_fini(&c->exp.fallback_to);
	if (!IS_ERR_OR_NULL(c->fake)) {
		KUNIT_EXPECT_EQ(test, kref_read(&c->fake->ref), 1);
		phyr_provider_put(c->fake);
	}
	if (c->pages)
		__free_pages(c->pages, RAM_ORDER);
}

static int notified;

static void count_notify(struct dma_buf_attachment *attach)
{
	notified++;
}

static const struct phyr_importer_ops count_ops = { .invalidate_mappings = count_notify };

static int no_get_ranges(struct dma_buf *dmabuf, struct phyr_list *out)
{
	return -EIO;
}

static const struct phyr_packed_list *no_packed_ranges(struct dma_buf *dmabuf)
{
	return NULL;
}

static void no_release(struct dma_buf *dmabuf)
{
}

static void buf_export_rejects_bad_info(struct kunit *test)
{
	static const struct phyr_exporter_ops no_ranges = { .release = no_release };
	static const struct phyr_exporter_ops both_ranges = {
		.get_ranges = no_get_ranges,
		.packed_ranges = no_packed_ranges,
		.release = no_release,
	};
	struct phyr_export_info info = { .ops = &no_ranges, .size = SZ_4K };
	struct buf_ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_dmabuf_export(NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_dmabuf_export(&info)), -EINVAL);
	info.ops = &both_ranges;
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_dmabuf_export(&info)), -EINVAL);
	KUNIT_EXPECT_TRUE(test, is_phyr_dmabuf(c->dmabuf));
	KUNIT_EXPECT_FALSE(test, is_phyr_dmabuf(NULL));
	KUNIT_EXPECT_PTR_EQ(test, phyr_dmabuf_priv(c->dmabuf), (void *)&c->exp);
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_attach(c->dmabuf, NULL, &count_ops, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_attach(c->dmabuf, c->dev,
						  &(struct phyr_importer_ops){}, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_map(NULL)), -EINVAL);
}

static void buf_map_sysram(struct kunit *test)
{
	struct buf_ctx *c = test->priv;
	struct dma_buf_attachment *a;
	struct phyr_mapping *map;
	int cookie;

	a = phyr_attach(c->dmabuf, c->dev, &count_ops, &cookie);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_PTR_EQ(test, phyr_attach_priv(a), (void *)&cookie);
	KUNIT_EXPECT_EQ(test, phyr_attach_path(a), PHYR_MAP_NONE);

	dma_resv_lock(c->dmabuf->resv, NULL);
	map = phyr_map(a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, map);
	KUNIT_EXPECT_EQ(test, map->nr, 2U);
	KUNIT_EXPECT_EQ(test, map->size, (u64)SZ_128K + SZ_64K);
	KUNIT_EXPECT_EQ(test, map->ranges[0].path, PHYR_MAP_NONE);
	KUNIT_EXPECT_EQ(test, map->ranges[0].len, (u64)SZ_128K);
	KUNIT_EXPECT_EQ(test, map->ranges[1].len, (u64)SZ_64K);
	/* a plain device without an IOMMU addresses RAM by its physical address */
	if (!phyr_dev_dma_translated(c->dev)) {
		KUNIT_EXPECT_EQ(test, (u64)map->ranges[0].addr, (u64)c->phys);
		KUNIT_EXPECT_EQ(test, (u64)map->ranges[1].addr, (u64)c->phys + SZ_128K + SZ_64K);
	}
	phyr_unmap(a, map);
	dma_resv_unlock(c->dmabuf->resv);
	phyr_detach(c->dmabuf, a);
	KUNIT_EXPECT_TRUE(test, list_empty(&c->dmabuf->attachments));
}

/*
 * An exporter that stores its ranges packed: phyr reads them in place.  RAM [0, 192K)
 * packs into two adjacent entries (128K, 64K) that map as one device range;
 * [224K, 256K) is a third entry.  A size that does not add up is refused.
 */
static void buf_map_packed(struct kunit *test)
{
	struct buf_ctx *c = test->priv;
	struct phyr_test_exp exp = { .packed = true };
	struct dma_buf_attachment *a;
	struct phyr_mapping *map;
	struct dma_buf *dmabuf;

	phyr_list_init(&exp.ranges);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&exp.ranges, phyr_provider_sysram(), c->phys,
					       SZ_128K + SZ_64K), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&exp.ranges, phyr_provider_sysram(),
					       c->phys + SZ_128K + SZ_64K + SZ_32K, SZ_32K), 0);
	dmabuf = phyr_test_export(test, &exp, SZ_128K + SZ_64K + SZ_32K);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	KUNIT_EXPECT_EQ(test, exp.pk.nr, 3U);

	a = phyr_attach(dmabuf, c->dev, &count_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_EQ(test, phyr_attach_path(a), PHYR_MAP_NONE);
	dma_resv_lock(dmabuf->resv, NULL);
	map = phyr_map(a);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, map);
	if (!IS_ERR(map)) {
		KUNIT_EXPECT_EQ(test, map->nr, 2U);
		KUNIT_EXPECT_EQ(test, map->size, (u64)SZ_128K + SZ_64K + SZ_32K);
		KUNIT_EXPECT_EQ(test, map->ranges[0].len, (u64)SZ_128K + SZ_64K);
		KUNIT_EXPECT_EQ(test, map->ranges[1].len, (u64)SZ_32K);
		if (!phyr_dev_dma_translated(c->dev)) {
			KUNIT_EXPECT_EQ(test, (u64)map->ranges[0].addr, (u64)c->phys);
			KUNIT_EXPECT_EQ(test, (u64)map->ranges[1].addr,
					(u64)c->phys + SZ_128K + SZ_64K + SZ_32K);
		}
		phyr_unmap(a, map);
	}
	KUNIT_EXPECT_EQ(test, exp.get_calls, 2);

	/* The exporter's stored ranges shrink under the lock: they no longer add up. */
	exp.pk.nr = 1;
	exp.pk.size = SZ_128K;
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_map(a)), -EINVAL);
	dma_resv_unlock(dmabuf->resv);
	phyr_detach(dmabuf, a);
	phyr_test_put(dmabuf);
	KUNIT_EXPECT_TRUE(test, exp.released);
	KUNIT_EXPECT_NULL(test, exp.pk.ents);
	phyr_list_fini(&exp.ranges);
}

/* A static importer (vkms-like): the core pins the buffer for as long as it is mapped. */
static void buf_sg_static(struct kunit *test)
{
	struct buf_ctx *c = test->priv;
	struct dma_buf_attachment *a;
	struct scatterlist *sg;
	unsigned int i, seg = phyr_sg_max_segment(c->dev);
	struct sg_table *sgt;
	u64 total = 0;

	a = dma_buf_attach(c->dmabuf, c->dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_EQ(test, c->exp.pins, 0);
	sgt = dma_buf_map_attachment_unlocked(a, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);
	KUNIT_EXPECT_EQ(test, c->exp.pins, 1);
	/* 128K and 64K split at the device's maximum segment (64K by default) */
	KUNIT_EXPECT_EQ(test, sgt->nents, (unsigned int)(DIV_ROUND_UP(SZ_128K, seg) +
							 DIV_ROUND_UP(SZ_64K, seg)));
	for_each_sgtable_dma_sg(sgt, sg, i) {
		KUNIT_EXPECT_LE(test, sg_dma_len(sg), seg);
		total += sg_dma_len(sg);
	}
	KUNIT_EXPECT_EQ(test, total, (u64)c->dmabuf->size);
	if (!phyr_dev_dma_translated(c->dev))
		KUNIT_EXPECT_EQ(test, (u64)sg_dma_address(sgt->sgl), (u64)c->phys);
	dma_buf_unmap_attachment_unlocked(a, sgt, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, c->exp.pins, 0);
	dma_buf_detach(c->dmabuf, a);
}

static void sg_notify(struct dma_buf_attachment *attach)
{
	notified++;
}

static const struct dma_buf_attach_ops sg_dyn_ops = {
	.allow_peer2peer = true,
	.invalidate_mappings = sg_notify,
};

/* A dynamic importer that knows nothing of phyr. */
static void buf_sg_dynamic(struct kunit *test)
{
	struct buf_ctx *c = test->priv;
	struct dma_buf_attachment *a;
	struct sg_table *sgt;

	a = dma_buf_dynamic_attach(c->dmabuf, c->dev, &sg_dyn_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	dma_resv_lock(c->dmabuf->resv, NULL);
	KUNIT_EXPECT_EQ(test, dma_buf_pin(a), 0);
	KUNIT_EXPECT_EQ(test, c->exp.pins, 1);
	sgt = dma_buf_map_attachment(a, DMA_TO_DEVICE);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, sgt);
	if (!IS_ERR_OR_NULL(sgt))
		dma_buf_unmap_attachment(a, sgt, DMA_TO_DEVICE);
	dma_buf_unpin(a);
	dma_resv_unlock(c->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, c->exp.pins, 0);
	dma_buf_detach(c->dmabuf, a);
}

struct revoke_importer {
	struct dma_buf_attachment *attach;
	struct phyr_mapping *map;
	int notified;
};

static void revoke_notify(struct dma_buf_attachment *attach)
{
	struct revoke_importer *imp = phyr_attach_priv(attach);

	dma_resv_assert_held(attach->dmabuf->resv);
	imp->notified++;
	if (imp->map) {
		phyr_unmap(attach, imp->map);
		imp->map = NULL;
	}
}

static const struct phyr_importer_ops revoke_ops = { .invalidate_mappings = revoke_notify };

static void buf_revoke(struct kunit *test)
{
	struct buf_ctx *c = test->priv;
	struct revoke_importer imp[2] = {};
	struct dma_buf_attachment *sga;
	struct sg_table *sgt;
	int i;

	for (i = 0; i < 2; i++) {
		imp[i].attach = phyr_attach(c->dmabuf, c->dev, &revoke_ops, &imp[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, imp[i].attach);
	}
	sga = dma_buf_dynamic_attach(c->dmabuf, c->dev, &sg_dyn_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sga);

	dma_resv_lock(c->dmabuf->resv, NULL);
	imp[0].map = phyr_map(imp[0].attach);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, imp[0].map);
	dma_resv_unlock(c->dmabuf->resv);

	notified = 0;
	phyr_dmabuf_revoke(c->dmabuf);
	KUNIT_EXPECT_TRUE(test, phyr_dmabuf_is_revoked(c->dmabuf));
	KUNIT_EXPECT_EQ(test, imp[0].notified, 1);
	KUNIT_EXPECT_EQ(test, imp[1].notified, 1);
	KUNIT_EXPECT_EQ(test, notified, 1);
	KUNIT_EXPECT_NULL(test, imp[0].map);

	dma_resv_lock(c->dmabuf->resv, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_map(imp[1].attach)), -ENODEV);
	sgt = dma_buf_map_attachment(sga, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgt), -ENODEV);
	dma_resv_unlock(c->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_attach(c->dmabuf, c->dev, &revoke_ops, NULL)),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_buf_attach(c->dmabuf, c->dev)), -ENODEV);

	/* a second revoke notifies nobody */
	phyr_dmabuf_revoke(c->dmabuf);
	KUNIT_EXPECT_EQ(test, imp[0].notified + imp[1].notified + notified, 3);

	dma_buf_detach(c->dmabuf, sga);
	for (i = 0; i < 2; i++)
		phyr_detach(c->dmabuf, imp[i].attach);
}

struct race_ctx {
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct completion started;
	int maps;
	int last;
};

static int race_mapper(void *data)
{
	struct race_ctx *r = data;
	struct phyr_mapping *map;

	complete(&r->started);
	for (;;) {
		dma_resv_lock(r->dmabuf->resv, NULL);
		map = phyr_map(r->attach);
		if (!IS_ERR(map)) {
			r->maps++;
			phyr_unmap(r->attach, map);
		}
		dma_resv_unlock(r->dmabuf->resv);
		if (IS_ERR(map)) {
			r->last = PTR_ERR(map);
			break;
		}
		cond_resched();
	}
	while (!kthread_should_stop())
		usleep_range(1000, 2000);
	return 0;
}

static void race_notify(struct dma_buf_attachment *attach)
{
}

static const struct phyr_importer_ops race_ops = { .invalidate_mappings = race_notify };

/* Revoke while another thread maps and unmaps as fast as it can. */
static void buf_revoke_races_map(struct kunit *test)
{
	struct buf_ctx *c = test->priv;
	struct task_struct *t;
	struct race_ctx r = { .dmabuf = c->dmabuf };

	init_completion(&r.started);
	r.attach = phyr_attach(c->dmabuf, c->dev, &race_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r.attach);
	t = kthread_run(race_mapper, &r, "phyr_race");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	wait_for_completion(&r.started);
	msleep(50);
	phyr_dmabuf_revoke(c->dmabuf);
	kthread_stop(t);
	KUNIT_EXPECT_EQ(test, r.last, -ENODEV);
	KUNIT_EXPECT_GT(test, r.maps, 0);
	kunit_info(test, "%d mappings before the revoke\n", r.maps);
	phyr_detach(c->dmabuf, r.attach);
}

static void buf_unreachable(struct kunit *test)
{
	struct buf_ctx *c = test->priv;
	struct dma_buf_attachment *a;
	struct phyr_mapping *map;
	struct phyr_list saved;

	/* The buffer moves to memory the device cannot reach (a device-less BAR). */
	phyr_list_init(&saved);
	KUNIT_ASSERT_EQ(test, phyr_list_copy(&saved, &c->exp.ranges), 0);
	phyr_list_reset(&c->exp.ranges);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->exp.ranges, phyr_provider_sysram(),
					       c->phys, SZ_64K), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->exp.ranges, c->fake, 0x800000000ULL,
					       SZ_128K), 0);

	/* no fallback: an importer that could map device memory is refused */
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_attach(c->dmabuf, c->dev, &count_ops, NULL)),
			-EREMOTEIO);
	/* a static importer attaches (to vmap), but its map of device memory fails */
	a = dma_buf_attach(c->dmabuf, c->dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_buf_map_attachment_unlocked(a, DMA_BIDIRECTIONAL)),
			-EOPNOTSUPP);
	dma_buf_detach(c->dmabuf, a);
	KUNIT_EXPECT_EQ(test, c->exp.fallbacks, 2);

	/* with a fallback to system RAM: attach succeeds on the moved buffer */
	KUNIT_ASSERT_EQ(test, phyr_list_copy(&c->exp.fallback_to, &saved), 0);
	c->exp.use_fallback = true;
	a = phyr_attach(c->dmabuf, c->dev, &count_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_EQ(test, c->exp.fallbacks, 3);
	KUNIT_EXPECT_EQ(test, phyr_attach_path(a), PHYR_MAP_NONE);

	/* moved back behind the importer's back: map fails (fallback refuses now) */
	dma_resv_lock(c->dmabuf->resv, NULL);
	c->exp.use_fallback = false;
	phyr_list_reset(&c->exp.ranges);
	KUNIT_EXPECT_EQ(test, phyr_list_append(&c->exp.ranges, c->fake, 0x800000000ULL,
					       SZ_128K + SZ_64K), 0);
	map = phyr_map(a);
	KUNIT_EXPECT_EQ(test, PTR_ERR(map), -EREMOTEIO);
	/* with the fallback it maps system RAM again */
	c->exp.use_fallback = true;
	map = phyr_map(a);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, map);
	if (!IS_ERR(map)) {
		KUNIT_EXPECT_EQ(test, map->ranges[0].path, PHYR_MAP_NONE);
		phyr_unmap(a, map);
	}
	dma_resv_unlock(c->dmabuf->resv);
	phyr_detach(c->dmabuf, a);
	phyr_list_fini(&saved);
}

static void buf_size_mismatch(struct kunit *test)
{
	struct buf_ctx *c = test->priv;

	phyr_list_reset(&c->exp.ranges);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->exp.ranges, phyr_provider_sysram(),
					       c->phys, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(phyr_attach(c->dmabuf, c->dev, &count_ops, NULL)),
			-EINVAL);
}

/* The debugfs listing shows the buffer, its ranges, attachments and mappings. */
static void buf_debugfs(struct kunit *test)
{
	struct buf_ctx *c = test->priv;
	struct dma_buf_attachment *a, *sa;
	struct phyr_mapping *map;
	struct sg_table *sgt;
	struct seq_file m = {};
	char *line;

	m.size = 4 * PAGE_SIZE;
	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	a = phyr_attach(c->dmabuf, c->dev, &count_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	/* the core pins a static attachment while it is mapped */
	sa = dma_buf_attach(c->dmabuf, c->dev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sa);
	sgt = dma_buf_map_attachment_unlocked(sa, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sgt);
	dma_resv_lock(c->dmabuf->resv, NULL);
	map = phyr_map(a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, map);
	dma_resv_unlock(c->dmabuf->resv);

	KUNIT_EXPECT_EQ(test, phyr_debugfs_show(&m, NULL), 0);
	KUNIT_EXPECT_LT(test, m.count, m.size);
	m.buf[min(m.count, m.size - 1)] = 0;
	kunit_info(test, "debugfs:\n%s", m.buf);
	line = strnstr(m.buf, "exporter phyr_test size 196608", m.count);
	KUNIT_EXPECT_NOT_NULL(test, line);
	if (line) {
		KUNIT_EXPECT_NOT_NULL(test, strstr(line, "range 1: sysram"));
		KUNIT_EXPECT_NOT_NULL(test, strstr(line, "path NONE pins 0 dynamic phyr"));
		KUNIT_EXPECT_NOT_NULL(test, strstr(line, "path NONE pins 1\n"));
		KUNIT_EXPECT_NOT_NULL(test, strstr(line, "mapping 2 ranges 196608 bytes"));
	}

	dma_resv_lock(c->dmabuf->resv, NULL);
	phyr_unmap(a, map);
	dma_resv_unlock(c->dmabuf->resv);
	dma_buf_unmap_attachment_unlocked(sa, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(c->dmabuf, sa);
	phyr_detach(c->dmabuf, a);
}

static void buf_loop(struct kunit *test)
{
	struct buf_ctx *c = test->priv;
	struct dma_buf_attachment *a;
	struct phyr_mapping *map;
	int i;

	for (i = 0; i < 200; i++) {
		a = phyr_attach(c->dmabuf, c->dev, &count_ops, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
		dma_resv_lock(c->dmabuf->resv, NULL);
		map = phyr_map(a);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, map);
		phyr_unmap(a, map);
		dma_resv_unlock(c->dmabuf->resv);
		phyr_detach(c->dmabuf, a);
	}
	KUNIT_EXPECT_TRUE(test, list_empty(&c->dmabuf->attachments));
}

/* ---------------------------------------------------------------------------------
 * VRAM of one emulated GPU, imported by the DMA engine of another
 */
#define VRAM_OFFSET	SZ_1M
#define VRAM_LEN	SZ_64K
#define PROBE_LEN	2048

/* What a walk over the GPU pairs counted: pairs it applied to, pairs proven by edu. */
struct pair_counts {
	bool packed;		/* the exporter stores its ranges packed */
	unsigned int pairs;
	unsigned int proven;
};

static const struct dma_buf_attach_ops no_p2p_dyn_ops = {
	.invalidate_mappings = sg_notify,
};

/* As RDMA's pinned importers: P2P addresses, but nothing to call for them back. */
static const struct dma_buf_attach_ops p2p_unrevocable_ops = {
	.allow_peer2peer = true,
};

/*
 * An importer that may not take device memory may attach (to vmap, as vkms does)
 * but gets no DMA address of device memory: its map fails with -EOPNOTSUPP.  Three
 * kinds: static (no allow_peer2peer; the core pins around the map), dynamic without
 * allow_peer2peer, and dynamic with allow_peer2peer but without invalidate_mappings
 * (it could not give the addresses back at a revoke; vfio-pci refuses it too).
 */
static void expect_no_p2p_mapping(struct kunit *test, struct dma_buf *dmabuf,
				  struct device *dev)
{
	const struct dma_buf_attach_ops *kinds[] = {
		NULL, &no_p2p_dyn_ops, &p2p_unrevocable_ops
	};
	struct dma_buf_attachment *a;
	struct sg_table *sgt;
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		a = kinds[k] ? dma_buf_dynamic_attach(dmabuf, dev, kinds[k], NULL) :
			       dma_buf_attach(dmabuf, dev);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
		KUNIT_EXPECT_EQ(test, a->peer2peer, kinds[k] == &p2p_unrevocable_ops);
		KUNIT_EXPECT_EQ(test, dma_buf_attach_revocable(a), kinds[k] == &no_p2p_dyn_ops);
		/* what debugfs shows: this importer gets no DMA address of the VRAM */
		KUNIT_EXPECT_EQ(test, phyr_attach_path(a), PHYR_MAP_NOT_SUPPORTED);
		sgt = dma_buf_map_attachment_unlocked(a, DMA_BIDIRECTIONAL);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(sgt), -EOPNOTSUPP, "importer kind %u", k);
		if (!IS_ERR(sgt))
			dma_buf_unmap_attachment_unlocked(a, sgt, DMA_BIDIRECTIONAL);
		dma_buf_detach(dmabuf, a);
	}
}

static void buf_vram_pair(struct kunit *test, struct phyr_test_gpu *from,
			  struct phyr_test_gpu *to, struct pair_counts *counts)
{
	struct phyr_test_exp exp = { .packed = counts->packed };
	struct dma_buf_attachment *a;
	struct phyr_test_edu *edu;
	struct phyr_provider *p;
	struct phyr_mapping *map;
	struct dma_buf *dmabuf;
	enum phyr_map_type want;
	phys_addr_t phys;
	void __iomem *vram;
	u32 *out;

	/* As the engine's driver would: its DMA reaches 64 bits. */
	if (phyr_test_gpu_free(to))
		KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(&to->engine->dev,
								DMA_BIT_MASK(64)), 0);
	p = phyr_provider_create_p2p(from->vram, PHYR_TEST_VRAM_BAR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	phys = pci_resource_start(from->vram, PHYR_TEST_VRAM_BAR) + VRAM_OFFSET;
	phyr_list_init(&exp.ranges);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&exp.ranges, p, phys, VRAM_LEN), 0);
	want = phyr_path_for(p, &to->engine->dev);
	dmabuf = phyr_test_export(test, &exp, VRAM_LEN);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);

	a = phyr_attach(dmabuf, &to->engine->dev, &count_ops, NULL);
	if (want == PHYR_MAP_NOT_SUPPORTED) {
		KUNIT_EXPECT_EQ(test, PTR_ERR(a), -EREMOTEIO);
		kunit_info(test, "VRAM %s -> engine %s: no path, -EREMOTEIO\n",
			   pci_name(from->vram), pci_name(to->engine));
		goto out_put;
	}
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_EQ(test, phyr_attach_path(a), want);
	expect_no_p2p_mapping(test, dmabuf, &to->engine->dev);

	dma_resv_lock(dmabuf->resv, NULL);
	map = phyr_map(a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, map);
	KUNIT_EXPECT_EQ(test, map->nr, 1U);
	KUNIT_EXPECT_EQ(test, map->ranges[0].path, want);
	if (want == PHYR_MAP_BUS_ADDR)
		KUNIT_EXPECT_EQ(test, (u64)map->ranges[0].addr,
				(u64)phys + phyr_provider_bus_offset(p));
	else if (!phyr_dev_dma_translated(&to->engine->dev))
		KUNIT_EXPECT_EQ(test, (u64)map->ranges[0].addr, (u64)phys);
	kunit_info(test, "VRAM %s -> engine %s: %s %pad (phys %pa)\n", pci_name(from->vram),
		   pci_name(to->engine), phyr_map_type_name(want), &map->ranges[0].addr, &phys);

	/* Prove the address: the engine reads a pattern the CPU wrote into the VRAM. */
	edu = NULL;
	if (want == PHYR_MAP_BUS_ADDR && phyr_dev_dma_translated(&to->engine->dev))
		kunit_info(test, "QEMU sends bus-address DMA through its IOMMU: not probed\n");
	else if (!from->vram->driver && phyr_test_gpu_free(to))
		edu = phyr_test_edu_open(test, to->engine);
	out = kzalloc(PROBE_LEN, GFP_KERNEL);
	if (edu && out && !pci_enable_device_mem(from->vram)) {
		vram = ioremap_wc(phys, PROBE_LEN);
		if (vram) {
			u32 seed = (u32)phys ^ 0x5a5a1234;

			phyr_test_fill_pattern(vram, seed, PROBE_LEN);
			wmb();	/* the pattern is in VRAM before the engine reads it */
			KUNIT_EXPECT_EQ(test, phyr_test_edu_read(edu, map->ranges[0].addr, out,
								 PROBE_LEN), 0);
			KUNIT_EXPECT_EQ_MSG(test, phyr_test_count_pattern(out, seed, PROBE_LEN),
					    PROBE_LEN / 4, "engine read wrong data at %pad",
					    &map->ranges[0].addr);
			counts->proven++;
			iounmap(vram);
		}
		pci_disable_device(from->vram);
	}
	kfree(out);
	phyr_test_edu_close(edu);

	phyr_unmap(a, map);
	dma_resv_unlock(dmabuf->resv);
	phyr_detach(dmabuf, a);
out_put:
	phyr_test_put(dmabuf);
	KUNIT_EXPECT_TRUE(test, exp.released);
	phyr_list_fini(&exp.ranges);
	phyr_provider_put(p);
}

/* @fn for every ordered pair of emulated GPUs; the test skips with fewer than two. */
static void each_gpu_pair(struct kunit *test,
			  void (*fn)(struct kunit *test, struct phyr_test_gpu *from,
				     struct phyr_test_gpu *to, struct pair_counts *counts),
			  struct pair_counts *counts)
{
	struct phyr_test_gpu gpu[PHYR_TEST_MAX_GPUS];
	unsigned int n, i, j;

	n = phyr_test_find_gpus(gpu, PHYR_TEST_MAX_GPUS);
	if (n < 2) {
		phyr_test_put_gpus(gpu, n);
		kunit_skip(test, "fewer than two emulated GPUs");
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (i != j)
				fn(test, &gpu[i], &gpu[j], counts);
	phyr_test_put_gpus(gpu, n);
}

static void buf_vram_peer(struct kunit *test)
{
	struct pair_counts counts = {};

	each_gpu_pair(test, buf_vram_pair, &counts);
	kunit_info(test, "%u addresses proven by edu DMA\n", counts.proven);
}

/* ---- one IOVA per mapping: the iommu_map() calls for the buffer's VRAM */
#define IOVA_RANGES	8
#define IOVA_CHUNK	SZ_64K

static struct {
	/* protects the rest: the probe may run on any CPU */
	spinlock_t lock;
	phys_addr_t lo, hi;	/* the VRAM window of the buffer */
	unsigned int n;
	struct { unsigned long iova; phys_addr_t paddr; size_t size; } ev[2 * IOVA_RANGES];
} iommu_maps = { .lock = __SPIN_LOCK_UNLOCKED(iommu_maps.lock) };

/* Every domain's mappings pass here: keep those of the buffer's VRAM only. */
static void count_iommu_map(void *data, unsigned long iova, phys_addr_t paddr, size_t size)
{
	unsigned long flags;

	if (paddr < iommu_maps.lo || paddr >= iommu_maps.hi)
		return;
	spin_lock_irqsave(&iommu_maps.lock, flags);
	if (iommu_maps.n < ARRAY_SIZE(iommu_maps.ev)) {
		iommu_maps.ev[iommu_maps.n].iova = iova;
		iommu_maps.ev[iommu_maps.n].paddr = paddr;
		iommu_maps.ev[iommu_maps.n].size = size;
	}
	iommu_maps.n++;
	spin_unlock_irqrestore(&iommu_maps.lock, flags);
}

/* Was range @i mapped by exactly one iommu_map() of the whole range, where it belongs? */
static bool iommu_mapped_once(const struct phyr_mapping *map, const phys_addr_t *phys,
			      unsigned int i)
{
	unsigned int k, hits = 0;

	for (k = 0; k < min_t(unsigned int, iommu_maps.n, ARRAY_SIZE(iommu_maps.ev)); k++)
		if (iommu_maps.ev[k].paddr == phys[i])
			hits += iommu_maps.ev[k].iova == map->ranges[i].addr &&
				iommu_maps.ev[k].size == map->ranges[i].len ? 1 : 100;
	return hits == 1;
}

/*
 * The engine reads @len bytes at byte @off of the mapping, and finds what
 * phyr_test_fill_pattern(@seed) wrote into the IOVA_CHUNK-long chunk holding them.
 */
static void prove_read(struct kunit *test, struct phyr_test_edu *edu,
		       const struct phyr_mapping *map, u64 off, u32 seed, u32 len)
{
	u64 at = off;
	unsigned int i, w, first, bad = 0;
	u32 *out;

	for (i = 0; i < map->nr && at >= map->ranges[i].len; i++)
		at -= map->ranges[i].len;
	out = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_EXPECT_LT(test, i, map->nr);
	KUNIT_EXPECT_NOT_NULL(test, out);
	if (i == map->nr || !out)
		return;
	KUNIT_EXPECT_EQ(test, phyr_test_edu_read(edu, map->ranges[i].addr + at, out, len), 0);
	first = (at % IOVA_CHUNK) / 4;
	for (w = 0; w < len / 4; w++)
		bad += out[w] != (seed ^ (u32)((first + w) * 0x9e3779b9));
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U, "engine read wrong data at byte %llu (%pad)", off,
			    &map->ranges[i].addr);
}

/*
 * A buffer of IOVA_RANGES separate VRAM chunks, in reverse order, mapped for a
 * peer's engine through the host bridge: under an IOMMU one contiguous IOVA run,
 * one iommu_map() per range; without, the physical addresses.  The engine reads the
 * first and the last bytes.
 */
static void buf_vram_one_iova_pair(struct kunit *test, struct phyr_test_gpu *from,
				   struct phyr_test_gpu *to, struct pair_counts *counts)
{
	struct phyr_test_exp exp = { .packed = counts->packed };
	struct dma_buf_attachment *a;
	struct phyr_test_edu *edu;
	struct phyr_provider *p;
	struct phyr_mapping *map;
	struct dma_buf *dmabuf;
	phys_addr_t base, phys[IOVA_RANGES];
	void __iomem *vram;
	bool iommu;
	unsigned int i;
	u64 off;

	if (phyr_test_gpu_free(to))
		KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(&to->engine->dev,
								DMA_BIT_MASK(64)), 0);
	p = phyr_provider_create_p2p(from->vram, PHYR_TEST_VRAM_BAR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	if (phyr_path_for(p, &to->engine->dev) != PHYR_MAP_THRU_HOST_BRIDGE)
		goto out_provider;
	counts->pairs++;
	iommu = phyr_dev_dma_translated(&to->engine->dev);
	base = pci_resource_start(from->vram, PHYR_TEST_VRAM_BAR) + VRAM_OFFSET;
	phyr_list_init(&exp.ranges);
	for (i = 0; i < IOVA_RANGES; i++) {
		phys[i] = base + (IOVA_RANGES - 1 - i) * 2 * IOVA_CHUNK;
		KUNIT_ASSERT_EQ(test, phyr_list_append(&exp.ranges, p, phys[i], IOVA_CHUNK), 0);
	}
	dmabuf = phyr_test_export(test, &exp, IOVA_RANGES * IOVA_CHUNK);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dmabuf);
	a = phyr_attach(dmabuf, &to->engine->dev, &count_ops, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);

	iommu_maps.n = 0;
	iommu_maps.lo = base;
	iommu_maps.hi = base + 2 * IOVA_RANGES * IOVA_CHUNK;
	if (iommu)
		KUNIT_ASSERT_EQ(test, register_trace_map(count_iommu_map, NULL), 0);
	dma_resv_lock(dmabuf->resv, NULL);
	map = phyr_map(a);
	if (iommu) {
		unregister_trace_map(count_iommu_map, NULL);
		tracepoint_synchronize_unregister();
	}
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, map);
	if (IS_ERR(map))
		goto out_unlock;
	KUNIT_EXPECT_EQ(test, map->nr, IOVA_RANGES);
	for (i = 0; i < map->nr; i++) {
		KUNIT_EXPECT_EQ(test, map->ranges[i].path, PHYR_MAP_THRU_HOST_BRIDGE);
		if (iommu) {
			KUNIT_EXPECT_EQ(test, (u64)map->ranges[i].addr,
					(u64)map->ranges[0].addr + i * IOVA_CHUNK);
			KUNIT_EXPECT_TRUE_MSG(test, iommu_mapped_once(map, phys, i),
					      "range %u: not one iommu_map() at its IOVA", i);
		} else {
			KUNIT_EXPECT_EQ(test, (u64)map->ranges[i].addr, (u64)phys[i]);
		}
	}
	if (iommu)
		KUNIT_EXPECT_EQ(test, iommu_maps.n, IOVA_RANGES);
	kunit_info(test, "VRAM %s -> engine %s: %u ranges from %pad, %u iommu_map calls\n",
		   pci_name(from->vram), pci_name(to->engine), map->nr, &map->ranges[0].addr,
		   iommu_maps.n);

	edu = NULL;
	if (!from->vram->driver && phyr_test_gpu_free(to))
		edu = phyr_test_edu_open(test, to->engine);
	if (edu && map->nr == IOVA_RANGES && !pci_enable_device_mem(from->vram)) {
		u32 seed = (u32)base ^ 0x10a10a;
		bool filled = true;

		for (off = 0; off < map->size && filled; off += IOVA_CHUNK) {
			vram = ioremap_wc(phys[off / IOVA_CHUNK], IOVA_CHUNK);
			filled = vram;
			if (vram) {
				/* each chunk its own seed: its byte offset in the buffer */
				phyr_test_fill_pattern(vram, seed ^ (u32)off, IOVA_CHUNK);
				iounmap(vram);
			}
		}
		KUNIT_EXPECT_TRUE(test, filled);
		wmb();	/* the patterns are in VRAM before the engine reads them */
		if (filled) {
			prove_read(test, edu, map, 0, seed, PROBE_LEN);
			off = map->size - PROBE_LEN;
			prove_read(test, edu, map, off, seed ^ (u32)rounddown(off, IOVA_CHUNK),
				   PROBE_LEN);
			counts->proven++;
		}
		pci_disable_device(from->vram);
	}
	phyr_test_edu_close(edu);

	phyr_unmap(a, map);
out_unlock:
	dma_resv_unlock(dmabuf->resv);
	phyr_detach(dmabuf, a);
	phyr_test_put(dmabuf);
	KUNIT_EXPECT_TRUE(test, exp.released);
	phyr_list_fini(&exp.ranges);
out_provider:
	phyr_provider_put(p);
}

static void buf_vram_one_iova_of(struct kunit *test, bool packed)
{
	struct pair_counts counts = { .packed = packed };

	each_gpu_pair(test, buf_vram_one_iova_pair, &counts);
	if (!counts.pairs)
		kunit_skip(test, "no GPU reaches another's VRAM through the host bridge");
	kunit_info(test, "%u pairs through the host bridge, %u read at both ends by edu DMA\n",
		   counts.pairs, counts.proven);
}

static void buf_vram_one_iova(struct kunit *test)
{
	buf_vram_one_iova_of(test, false);
}

/* The same from an exporter that stores its ranges packed (as drm_p2p does). */
static void buf_vram_one_iova_packed(struct kunit *test)
{
	buf_vram_one_iova_of(test, true);
}

/* Read @len bytes of a mapping's range @i with the engine and compare with @expect. */
static void edu_expect_range(struct kunit *test, struct phyr_test_edu *edu,
			     const struct phyr_mapping *map, unsigned int i,
			     const void *expect, u32 len)
{
	u8 *out = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_EQ(test, phyr_test_edu_read(edu, map->ranges[i].addr, out, len), 0);
	KUNIT_EXPECT_MEMEQ_MSG(test, out, expect, len, "range %u at %pad", i,
			       &map->ranges[i].addr);
}

/*
 * Two system RAM ranges whose inner boundary is off the IOMMU granule cannot share
 * one IOVA: the map falls back to one dma_map_phys() per range, and the engine reads
 * each range's bytes through its IOMMU at the address it was given.
 */
static void buf_sysram_off_granule(struct kunit *test)
{
	struct phyr_test_gpu gpu[PHYR_TEST_MAX_GPUS];
	struct phyr_test_exp exp = {};
	struct dma_buf_attachment *a;
	struct phyr_test_edu *edu;
	struct phyr_mapping *map;
	struct dma_buf *dmabuf;
	struct page *pages;
	unsigned int n, i;
	phys_addr_t phys;
	u8 *ram;

	n = phyr_test_find_gpus(gpu, PHYR_TEST_MAX_GPUS);
	for (i = 0; i < n; i++)
		if (phyr_test_gpu_free(&gpu[i]) && phyr_dev_dma_translated(&gpu[i].engine->dev))
			break;
	if (i == n) {
		phyr_test_put_gpus(gpu, n);
		kunit_skip(test, "no free engine behind an IOMMU");
	}
	edu = phyr_test_edu_open(test, gpu[i].engine);
	pages = alloc_pages(GFP_KERNEL, 1);
	if (!edu || !pages)
		goto out;
	ram = page_address(pages);
	phys = page_to_phys(pages);
	get_random_bytes(ram, 2 * PAGE_SIZE);

	/* [512, 1536) of the first page, then [0, 2048) of the second */
	phyr_list_init(&exp.ranges);
	KUNIT_EXPECT_EQ(test, phyr_list_append(&exp.ranges, phyr_provider_sysram(), phys + 512,
					       1024), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_append(&exp.ranges, phyr_provider_sysram(),
					       phys + PAGE_SIZE, 2048), 0);
	dmabuf = phyr_test_export(test, &exp, 3072);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, dmabuf);
	if (IS_ERR(dmabuf))
		goto out_list;
	a = phyr_attach(dmabuf, &gpu[i].engine->dev, &count_ops, NULL);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, a);
	if (IS_ERR(a))
		goto out_put;
	dma_resv_lock(dmabuf->resv, NULL);
	map = phyr_map(a);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, map);
	if (!IS_ERR(map)) {
		KUNIT_EXPECT_EQ(test, map->nr, 2U);
		KUNIT_EXPECT_FALSE(test, dma_use_iova(&map->iova));
		if (map->nr == 2) {
			edu_expect_range(test, edu, map, 0, ram + 512, 1024);
			edu_expect_range(test, edu, map, 1, ram + PAGE_SIZE, 2048);
		}
		phyr_unmap(a, map);
	}
	dma_resv_unlock(dmabuf->resv);
	phyr_detach(dmabuf, a);
out_put:
	phyr_test_put(dmabuf);
	KUNIT_EXPECT_TRUE(test, exp.released);
out_list:
	phyr_list_fini(&exp.ranges);
out:
	KUNIT_EXPECT_NOT_NULL(test, edu);
	KUNIT_EXPECT_NOT_NULL(test, pages);
	if (pages)
		__free_pages(pages, 1);
	phyr_test_edu_close(edu);
	phyr_test_put_gpus(gpu, n);
}

static struct kunit_case buf_cases[] = {
	KUNIT_CASE(buf_export_rejects_bad_info),
	KUNIT_CASE(buf_map_sysram),
	KUNIT_CASE(buf_map_packed),
	KUNIT_CASE(buf_sg_static),
	KUNIT_CASE(buf_sg_dynamic),
	KUNIT_CASE(buf_revoke),
	KUNIT_CASE(buf_revoke_races_map),
	KUNIT_CASE(buf_unreachable),
	KUNIT_CASE(buf_size_mismatch),
	KUNIT_CASE(buf_debugfs),
	KUNIT_CASE(buf_loop),
	KUNIT_CASE(buf_vram_peer),
	KUNIT_CASE(buf_vram_one_iova),
	KUNIT_CASE(buf_vram_one_iova_packed),
	KUNIT_CASE(buf_sysram_off_granule),
	{}
};

static struct kunit_suite buf_suite = {
	.name = "dmabuf_phyr_buf",
	.init = buf_init,
	.exit = buf_exit,
	.test_cases = buf_cases,
};

kunit_test_suite(buf_suite);

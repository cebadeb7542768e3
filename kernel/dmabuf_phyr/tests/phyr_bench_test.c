// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit benchmark: memory per stored range, phyr (16 bytes, packed 8 bytes) against
 * struct scatterlist, for the allocation pattern of a VRAM manager: a 256 MiB buffer
 * made of gpu_buddy-like power-of-two blocks that are not contiguous.  Prints the
 * numbers (the "bench" lines of the KTAP log) and checks the bounds the design
 * promises.  Also the time to build, pack and walk each form.
 */
#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>

#include "../phyr_internal.h"

#define BENCH_BAR	0x4000000000ULL		/* synthetic 1 GiB BAR at 256 GiB */
#define BENCH_BAR_SIZE	SZ_1G
#define BENCH_BUF	SZ_256M

/* Build a buffer of random power-of-two blocks (4 KiB - 2 MiB) with a hole after each. */
static void bench_build(struct kunit *test, struct phyr_list *l, struct phyr_provider *p,
			bool pow2)
{
	struct rnd_state rnd;
	u64 off = 0, left = BENCH_BUF;

	prandom_seed_state(&rnd, 42);
	while (left) {
		unsigned int order = prandom_u32_state(&rnd) % 10;	/* 4K .. 2M */
		u64 len;

		while ((PAGE_SIZE << order) > left)
			order--;
		len = PAGE_SIZE << order;

		if (!pow2 && len > PAGE_SIZE)
			len -= PAGE_SIZE;	/* e.g. 3, 7, 15 pages: not a power of two */
		/* naturally aligned block, then a hole of the same size */
		off = ALIGN(off, PAGE_SIZE << order);
		KUNIT_ASSERT_EQ(test, phyr_list_append(l, p, BENCH_BAR + off, len), 0);
		off += 2 * (PAGE_SIZE << order);
		left -= len;
	}
}

static unsigned int sg_chain_entries(unsigned int nents)
{
	/* sg_alloc_table: chunks of SG_MAX_SINGLE_ALLOC, the last slot of each chains */
	if (nents <= SG_MAX_SINGLE_ALLOC)
		return 0;
	return DIV_ROUND_UP(nents - SG_MAX_SINGLE_ALLOC, SG_MAX_SINGLE_ALLOC - 1);
}

static void bench_one(struct kunit *test, bool pow2)
{
	struct phyr_provider *p = phyr_provider_create_fake(BENCH_BAR, BENCH_BAR_SIZE, 0);
	struct phyr_packed_list pk;
	struct scatterlist *sg;
	struct phyr_entry e;
	struct phyr_list l;
	struct sg_table sgt;
	ktime_t t0, t_build, t_pack, t_sg, t_walk;
	unsigned int i, nr, chain;
	u64 sum = 0, sg_bytes, phyr_bytes, pk_bytes;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	phyr_list_init(&l);
	t0 = ktime_get();
	bench_build(test, &l, p, pow2);
	t_build = ktime_sub(ktime_get(), t0);
	nr = phyr_list_count(&l);

	t0 = ktime_get();
	KUNIT_ASSERT_EQ(test, phyr_list_pack(&pk, &l), 0);
	t_pack = ktime_sub(ktime_get(), t0);

	/* The scatterlist an exporter would have to build for the same buffer. */
	t0 = ktime_get();
	KUNIT_ASSERT_EQ(test, sg_alloc_table(&sgt, nr, GFP_KERNEL), 0);
	sg = sgt.sgl;
	phyr_list_for_each(&l, i, e) {
		sg_dma_address(sg) = e.phys;
		sg_dma_len(sg) = e.len;
		sg = sg_next(sg);
	}
	t_sg = ktime_sub(ktime_get(), t0);

	t0 = ktime_get();
	phyr_list_for_each(&l, i, e)
		sum += e.len;
	t_walk = ktime_sub(ktime_get(), t0);
	KUNIT_EXPECT_EQ(test, sum, (u64)BENCH_BUF);

	chain = sg_chain_entries(nr);
	sg_bytes = (u64)(nr + chain) * sizeof(struct scatterlist);
	phyr_bytes = (u64)nr * sizeof(struct phyr_range) +
		     l.nr_providers * sizeof(*l.providers);
	pk_bytes = (u64)pk.nr * sizeof(*pk.ents) + pk.nr_providers * sizeof(*pk.providers);

	kunit_info(test, "bench: %s blocks, 256 MiB in %u ranges\n",
		   pow2 ? "power-of-two" : "non-power-of-two", nr);
	kunit_info(test, "bench: phyr 16-byte form: %llu bytes, %llu.%02llu bytes/range (entry %zu)\n",
		   phyr_bytes, phyr_bytes / nr, phyr_bytes * 100 / nr % 100,
		   sizeof(struct phyr_range));
	kunit_info(test, "bench: phyr packed form: %llu bytes in %u entries, %llu.%02llu bytes/range (entry %zu)\n",
		   pk_bytes, pk.nr, pk_bytes / nr, pk_bytes * 100 / nr % 100,
		   sizeof(*pk.ents));
	kunit_info(test, "bench: scatterlist: %llu bytes (%u entries + %u chain links), %llu.%02llu bytes/range (entry %zu)\n",
		   sg_bytes, nr, chain, sg_bytes / nr, sg_bytes * 100 / nr % 100,
		   sizeof(struct scatterlist));
	kunit_info(test, "bench: build %lld us, pack %lld us, sg fill %lld us, walk %lld us\n",
		   ktime_to_us(t_build), ktime_to_us(t_pack), ktime_to_us(t_sg),
		   ktime_to_us(t_walk));

	KUNIT_EXPECT_EQ(test, sizeof(struct phyr_range), 16UL);
	KUNIT_EXPECT_EQ(test, sizeof(*pk.ents), 8UL);
	KUNIT_EXPECT_LT(test, phyr_bytes, sg_bytes);
	if (pow2) {
		/* one packed entry per buddy block: 8 bytes a range (+ the provider table) */
		KUNIT_EXPECT_EQ(test, pk.nr, nr);
		KUNIT_EXPECT_LE(test, pk_bytes * 100 / nr, 801ULL);
	}
#ifdef CONFIG_X86_64
	if (!IS_ENABLED(CONFIG_DEBUG_SG))
		KUNIT_EXPECT_EQ(test, sizeof(struct scatterlist), 32UL);
#endif

	sg_free_table(&sgt);
	phyr_packed_fini(&pk);
	phyr_list_fini(&l);
	phyr_provider_put(p);
}

static void bench_bytes_per_range_pow2(struct kunit *test)
{
	bench_one(test, true);
}

static void bench_bytes_per_range_other(struct kunit *test)
{
	bench_one(test, false);
}

static struct kunit_case bench_cases[] = {
	KUNIT_CASE(bench_bytes_per_range_pow2),
	KUNIT_CASE(bench_bytes_per_range_other),
	{}
};

static struct kunit_suite bench_suite = {
	.name = "dmabuf_phyr_bench",
	.test_cases = bench_cases,
};

kunit_test_suite(bench_suite);

MODULE_DESCRIPTION("KUnit suites of dmabuf_phyr");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("DMABUF_PHYR");
MODULE_IMPORT_NS("DMA_BUF");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

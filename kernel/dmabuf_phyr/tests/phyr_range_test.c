// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: range lists - building, merging, splitting, slicing, packing, and the
 * rejection of bad input (which must leave the list unchanged).
 */
#include <kunit/test.h>
#include <linux/kref.h>
#include <linux/sizes.h>

#include "../phyr_internal.h"

#define BAR_START	0x800000000ULL		/* a synthetic 256 MiB BAR at 32 GiB */
#define BAR_SIZE	SZ_256M

struct range_ctx {
	struct phyr_provider *bar;
	struct phyr_provider *ram;
	struct phyr_list l;
};

static int range_init(struct kunit *test)
{
	struct range_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->bar = phyr_provider_create_fake(BAR_START, BAR_SIZE, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->bar);
	c->ram = phyr_provider_sysram();
	phyr_list_init(&c->l);
	test->priv = c;
	return 0;
}

static void range_exit(struct kunit *test)
{
	struct range_ctx *c = test->priv;

	phyr_list_fini(&c->l);
	/* Every reference the lists took is gone again. */
	KUNIT_EXPECT_EQ(test, kref_read(&c->bar->ref), 1);
	phyr_provider_put(c->bar);
}

static void expect_entry(struct kunit *test, const struct phyr_list *l, unsigned int i,
			 struct phyr_provider *p, u64 phys, u64 len)
{
	struct phyr_entry e;

	KUNIT_ASSERT_TRUE(test, phyr_list_get(l, i, &e));
	KUNIT_EXPECT_PTR_EQ(test, e.provider, p);
	KUNIT_EXPECT_EQ(test, (u64)e.phys, phys);
	KUNIT_EXPECT_EQ(test, e.len, len);
}

static void range_append_merges(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_list *l = &c->l;

	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->bar, BAR_START, SZ_64K), 0);
	/* contiguous, same provider: extends */
	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->bar, BAR_START + SZ_64K, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_count(l), 1U);
	/* a gap: new entry */
	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->bar, BAR_START + SZ_1M, SZ_4K), 0);
	/* contiguous in address but another provider: new entry */
	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->ram, BAR_START + SZ_1M + SZ_4K, SZ_4K),
			0);
	KUNIT_EXPECT_EQ(test, phyr_list_count(l), 3U);
	KUNIT_EXPECT_EQ(test, phyr_list_size(l), (u64)SZ_128K + 2 * SZ_4K);
	KUNIT_EXPECT_EQ(test, l->nr_providers, 2U);
	expect_entry(test, l, 0, c->bar, BAR_START, SZ_128K);
	expect_entry(test, l, 1, c->bar, BAR_START + SZ_1M, SZ_4K);
	expect_entry(test, l, 2, c->ram, BAR_START + SZ_1M + SZ_4K, SZ_4K);
	KUNIT_EXPECT_FALSE(test, phyr_list_get(l, 3, &(struct phyr_entry){}));
	/* the list holds one reference on the BAR provider, however many ranges */
	KUNIT_EXPECT_EQ(test, kref_read(&c->bar->ref), 2);
}

static void range_iterates_in_order(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_entry e;
	unsigned int i, n = 0;
	u64 total = 0;

	for (i = 0; i < 10; i++)
		KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->bar,
						       BAR_START + (9 - i) * SZ_1M, SZ_4K), 0);
	phyr_list_for_each(&c->l, i, e) {
		KUNIT_EXPECT_EQ(test, (u64)e.phys, BAR_START + (9 - i) * SZ_1M);
		total += e.len;
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 10U);
	KUNIT_EXPECT_EQ(test, total, phyr_list_size(&c->l));
}

static void range_rejects_bad_input(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_list *l = &c->l;

	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->bar, BAR_START, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, NULL, BAR_START, SZ_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->bar, BAR_START, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->ram, 0, PHYR_RANGE_MAX_LEN + 1), -E2BIG);
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->ram, U64_MAX - SZ_4K + 2, SZ_4K),
			-EOVERFLOW);
	/* outside the BAR, below, across the end, past the end */
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->bar, BAR_START - SZ_4K, SZ_4K), -ERANGE);
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->bar, BAR_START + BAR_SIZE - SZ_4K,
					       SZ_8K), -ERANGE);
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->bar, BAR_START + BAR_SIZE, SZ_4K),
			-ERANGE);
	/* the last byte of the BAR is fine */
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->bar, BAR_START + BAR_SIZE - 1, 1), 0);

	/* nothing of the rejected calls is in the list */
	KUNIT_EXPECT_EQ(test, phyr_list_count(l), 2U);
	KUNIT_EXPECT_EQ(test, phyr_list_size(l), (u64)SZ_4K + 1);
	KUNIT_EXPECT_EQ(test, l->nr_providers, 1U);
}

static void range_rejects_size_overflow(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_list *l = &c->l;
	unsigned int i;

	/* 256 maximal ranges sum to 2^64 - 256; alternate addresses so none merge */
	for (i = 0; i < 256; i++)
		KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->ram, (i & 1) ? 1ULL << 57 : 0,
						       PHYR_RANGE_MAX_LEN), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_size(l), 0ULL - 256);
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->ram, 0, PHYR_RANGE_MAX_LEN), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->ram, 0, 256), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, phyr_list_append(l, c->ram, 0, 255), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_count(l), 257U);
	KUNIT_EXPECT_EQ(test, phyr_list_size(l), U64_MAX);
}

static void range_rejects_too_many_providers(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_provider *p[PHYR_LIST_MAX_PROVIDERS + 1];
	unsigned int i;

	for (i = 0; i <= PHYR_LIST_MAX_PROVIDERS; i++) {
		p[i] = phyr_provider_create_fake(BAR_START + (u64)i * SZ_1M, SZ_1M, 0);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p[i]);
	}
	for (i = 0; i < PHYR_LIST_MAX_PROVIDERS; i++)
		KUNIT_EXPECT_EQ(test, phyr_list_append(&c->l, p[i], BAR_START + (u64)i * SZ_1M,
						       SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_append(&c->l, p[i], BAR_START + (u64)i * SZ_1M,
					       SZ_4K), -E2BIG);
	KUNIT_EXPECT_EQ(test, phyr_list_count(&c->l), PHYR_LIST_MAX_PROVIDERS);
	/* a known provider is still accepted */
	KUNIT_EXPECT_EQ(test, phyr_list_append(&c->l, p[0], BAR_START + SZ_8K, SZ_4K), 0);
	phyr_list_fini(&c->l);
	for (i = 0; i <= PHYR_LIST_MAX_PROVIDERS; i++) {
		KUNIT_EXPECT_EQ(test, kref_read(&p[i]->ref), 1);
		phyr_provider_put(p[i]);
	}
}

static void range_split_and_merge(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_list *l = &c->l;

	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->bar, BAR_START, SZ_1M), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->ram, SZ_1G, SZ_64K), 0);

	KUNIT_EXPECT_EQ(test, phyr_list_split_at(l, SZ_256K), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_split_at(l, SZ_512K + 5), 0);
	/* boundaries already: no change */
	KUNIT_EXPECT_EQ(test, phyr_list_split_at(l, 0), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_split_at(l, SZ_1M), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_split_at(l, SZ_1M + SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_split_at(l, SZ_1M + SZ_64K + 1), -ERANGE);
	KUNIT_ASSERT_EQ(test, phyr_list_count(l), 4U);
	expect_entry(test, l, 0, c->bar, BAR_START, SZ_256K);
	expect_entry(test, l, 1, c->bar, BAR_START + SZ_256K, SZ_256K + 5);
	expect_entry(test, l, 2, c->bar, BAR_START + SZ_512K + 5, SZ_512K - 5);
	expect_entry(test, l, 3, c->ram, SZ_1G, SZ_64K);
	KUNIT_EXPECT_EQ(test, phyr_list_size(l), (u64)SZ_1M + SZ_64K);

	phyr_list_merge(l);
	KUNIT_ASSERT_EQ(test, phyr_list_count(l), 2U);
	expect_entry(test, l, 0, c->bar, BAR_START, SZ_1M);
	expect_entry(test, l, 1, c->ram, SZ_1G, SZ_64K);
}

static void range_merge_respects_limits(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_list *l = &c->l;

	/* two contiguous halves whose sum exceeds the 56-bit length stay apart */
	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->ram, 0, PHYR_RANGE_MAX_LEN), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->ram, PHYR_RANGE_MAX_LEN, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_count(l), 2U);
	phyr_list_merge(l);
	KUNIT_EXPECT_EQ(test, phyr_list_count(l), 2U);
	/* merging an empty list is fine */
	phyr_list_fini(l);
	phyr_list_merge(l);
	KUNIT_EXPECT_EQ(test, phyr_list_count(l), 0U);
}

static void range_slice(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_list s;

	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->bar, BAR_START, SZ_64K), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->ram, SZ_1G, SZ_64K), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->bar, BAR_START + SZ_1M, SZ_64K), 0);

	phyr_list_init(&s);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&s, c->ram, SZ_2G, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_slice(&s, &c->l, SZ_32K, SZ_128K), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_count(&s), 3U);
	expect_entry(test, &s, 0, c->bar, BAR_START + SZ_32K, SZ_32K);
	expect_entry(test, &s, 1, c->ram, SZ_1G, SZ_64K);
	expect_entry(test, &s, 2, c->bar, BAR_START + SZ_1M, SZ_32K);

	/* bad windows leave the destination as it was */
	KUNIT_EXPECT_EQ(test, phyr_list_slice(&s, &c->l, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, phyr_list_slice(&s, &c->l, SZ_128K, SZ_64K + 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, phyr_list_slice(&s, &c->l, U64_MAX, 2), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, phyr_list_count(&s), 3U);
	KUNIT_EXPECT_EQ(test, phyr_list_size(&s), (u64)SZ_128K);

	/* the whole buffer is a copy */
	KUNIT_EXPECT_EQ(test, phyr_list_slice(&s, &c->l, 0, phyr_list_size(&c->l)), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_count(&s), 3U);
	KUNIT_EXPECT_EQ(test, phyr_list_copy(&s, &c->l), 0);
	expect_entry(test, &s, 2, c->bar, BAR_START + SZ_1M, SZ_64K);
	phyr_list_fini(&s);
}

static void range_pack_roundtrip(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_packed_list pk;
	struct phyr_list back;
	struct phyr_entry e, f;
	unsigned int i;

	/* 3 pages -> 2 + 1, 1 page, 8 pages, 7 pages -> 4 + 2 + 1 */
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->bar, BAR_START, 3 * PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->ram, SZ_1G, PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->bar, BAR_START + SZ_1M,
					       8 * PAGE_SIZE), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->ram, SZ_2G, 7 * PAGE_SIZE), 0);

	KUNIT_ASSERT_EQ(test, phyr_list_pack(&pk, &c->l), 0);
	KUNIT_EXPECT_EQ(test, pk.nr, 2U + 1 + 1 + 3);
	KUNIT_EXPECT_EQ(test, sizeof(pk.ents[0]), 8UL);
	/* first entry: BAR_START, provider 0, order 1 */
	KUNIT_EXPECT_EQ(test, pk.ents[0], BAR_START | 0 << PHYR_PACK_PROV_SHIFT | 1);
	KUNIT_EXPECT_EQ(test, pk.ents[1], (BAR_START + 2 * PAGE_SIZE) | 0);
	/* system RAM is provider 1 of the table */
	KUNIT_EXPECT_EQ(test, pk.ents[2], (u64)SZ_1G | 1 << PHYR_PACK_PROV_SHIFT | 0);
	KUNIT_EXPECT_EQ(test, pk.ents[3], (BAR_START + SZ_1M) | 3);

	phyr_list_init(&back);
	KUNIT_ASSERT_EQ(test, phyr_packed_unpack(&back, &pk), 0);
	KUNIT_ASSERT_EQ(test, phyr_list_count(&back), phyr_list_count(&c->l));
	KUNIT_EXPECT_EQ(test, phyr_list_size(&back), phyr_list_size(&c->l));
	phyr_list_for_each(&c->l, i, e) {
		KUNIT_ASSERT_TRUE(test, phyr_list_get(&back, i, &f));
		KUNIT_EXPECT_PTR_EQ(test, e.provider, f.provider);
		KUNIT_EXPECT_EQ(test, (u64)e.phys, (u64)f.phys);
		KUNIT_EXPECT_EQ(test, e.len, f.len);
	}

	/* a corrupt entry (provider index past the table) is refused */
	pk.ents[0] |= (u64)5 << PHYR_PACK_PROV_SHIFT;
	KUNIT_EXPECT_EQ(test, phyr_packed_unpack(&back, &pk), -EINVAL);
	KUNIT_EXPECT_EQ(test, phyr_list_count(&back), phyr_list_count(&c->l));
	phyr_list_fini(&back);
	phyr_packed_fini(&pk);
	KUNIT_EXPECT_EQ(test, pk.nr, 0U);
}

static void range_pack_rejects_unaligned(struct kunit *test)
{
	struct range_ctx *c = test->priv;
	struct phyr_packed_list pk = {};

	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->bar, BAR_START, PAGE_SIZE + 1), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_pack(&pk, &c->l), -EINVAL);
	phyr_list_fini(&c->l);
	KUNIT_ASSERT_EQ(test, phyr_list_append(&c->l, c->bar, BAR_START + 512, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_pack(&pk, &c->l), -EINVAL);
	KUNIT_EXPECT_NULL(test, pk.ents);
	/* an empty list packs to nothing */
	phyr_list_fini(&c->l);
	KUNIT_EXPECT_EQ(test, phyr_list_pack(&pk, &c->l), 0);
	KUNIT_EXPECT_EQ(test, pk.nr, 0U);
	phyr_packed_fini(&pk);
}

/* phys_vec in: appended with merging, all or nothing; out: the list's own array. */
static void range_phys_vec(struct kunit *test)
{
	static const struct phys_vec vec[] = {
		{ BAR_START + SZ_1M, SZ_64K },
		{ BAR_START + SZ_1M + SZ_64K, SZ_64K },	/* contiguous: merges */
		{ BAR_START, SZ_4K },
	};
	const struct phys_vec bad[] = { { BAR_START + SZ_2M, SZ_4K }, { BAR_START, 0 } };
	struct range_ctx *c = test->priv;
	struct phyr_list *l = &c->l;
	struct phyr_provider *p = NULL;
	const struct phys_vec *out;

	KUNIT_EXPECT_NULL(test, phyr_list_phys_vec(l, &p));
	KUNIT_ASSERT_EQ(test, phyr_list_append_phys_vec(l, c->bar, vec, ARRAY_SIZE(vec)), 0);
	KUNIT_EXPECT_EQ(test, phyr_list_count(l), 2U);
	KUNIT_EXPECT_EQ(test, phyr_list_size(l), (u64)SZ_128K + SZ_4K);

	out = phyr_list_phys_vec(l, &p);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_EXPECT_PTR_EQ(test, (const void *)out, (const void *)l->ranges);
	KUNIT_EXPECT_PTR_EQ(test, p, c->bar);
	KUNIT_EXPECT_EQ(test, (u64)out[0].paddr, BAR_START + SZ_1M);
	KUNIT_EXPECT_EQ(test, (u64)out[0].len, (u64)SZ_128K);
	KUNIT_EXPECT_EQ(test, (u64)out[1].paddr, BAR_START);
	KUNIT_EXPECT_EQ(test, (u64)out[1].len, (u64)SZ_4K);

	/* a bad vector anywhere: nothing appended */
	KUNIT_EXPECT_EQ(test, phyr_list_append_phys_vec(l, c->bar, bad, ARRAY_SIZE(bad)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, phyr_list_count(l), 2U);
	KUNIT_EXPECT_EQ(test, phyr_list_size(l), (u64)SZ_128K + SZ_4K);

	/* two providers: no phys_vec view */
	KUNIT_ASSERT_EQ(test, phyr_list_append(l, c->ram, 0x100000, SZ_4K), 0);
	KUNIT_EXPECT_NULL(test, phyr_list_phys_vec(l, &p));
}

static struct kunit_case range_cases[] = {
	KUNIT_CASE(range_append_merges),
	KUNIT_CASE(range_iterates_in_order),
	KUNIT_CASE(range_rejects_bad_input),
	KUNIT_CASE(range_rejects_size_overflow),
	KUNIT_CASE(range_rejects_too_many_providers),
	KUNIT_CASE(range_split_and_merge),
	KUNIT_CASE(range_merge_respects_limits),
	KUNIT_CASE(range_slice),
	KUNIT_CASE(range_pack_roundtrip),
	KUNIT_CASE(range_phys_vec),
	KUNIT_CASE(range_pack_rejects_unaligned),
	{}
};

static struct kunit_suite range_suite = {
	.name = "dmabuf_phyr_range",
	.init = range_init,
	.exit = range_exit,
	.test_cases = range_cases,
};

kunit_test_suite(range_suite);

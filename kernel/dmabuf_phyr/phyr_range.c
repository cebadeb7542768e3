// SPDX-License-Identifier: GPL-2.0-only
/*
 * Physical range lists: building, iterating, merging, splitting and packing.
 *
 * A stored range is 16 bytes: the physical address, and the length (56 bits) with the
 * index of its provider in the list's provider table (8 bits).  The packed form keeps
 * page-aligned ranges in 8 bytes: the address has PAGE_SHIFT zero bits at the bottom,
 * which hold the order of the range's length (6 bits) and the provider index (6 bits).
 *
 * Every function validates its input before it changes anything: on error the list
 * is as it was.
 */
#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "phyr_internal.h"

static_assert(sizeof(struct phyr_range) == 16);
static_assert(PAGE_SHIFT >= 2 * PHYR_PACK_ORDER_BITS);
static_assert(PHYR_LIST_MAX_PROVIDERS <= (1 << (64 - PHYR_RANGE_LEN_BITS)));

/**
 * phyr_list_init - initialise an empty range list
 * @l: the list
 *
 * Return: 0.  The list allocates nothing until the first append.
 */
int phyr_list_init(struct phyr_list *l)
{
	memset(l, 0, sizeof(*l));
	return 0;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_init, "DMABUF_PHYR");

/**
 * phyr_list_reset - empty a range list, keeping its allocations
 * @l: the list
 *
 * Drops the references on the providers.
 */
void phyr_list_reset(struct phyr_list *l)
{
	unsigned int i;

	for (i = 0; i < l->nr_providers; i++)
		phyr_provider_put(l->providers[i]);
	l->nr_providers = 0;
	l->nr = 0;
	l->size = 0;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_reset, "DMABUF_PHYR");

/**
 * phyr_list_fini - release a range list
 * @l: the list; it is empty (and initialised) afterwards
 */
void phyr_list_fini(struct phyr_list *l)
{
	phyr_list_reset(l);
	kfree(l->ranges);
	kfree(l->providers);
	phyr_list_init(l);
}
EXPORT_SYMBOL_NS_GPL(phyr_list_fini, "DMABUF_PHYR");

static int phyr_list_find_provider(const struct phyr_list *l,
				   const struct phyr_provider *p)
{
	unsigned int i;

	for (i = 0; i < l->nr_providers; i++)
		if (l->providers[i] == p)
			return i;
	return -ENOENT;
}

/* Index of @p in the provider table, adding it (with a reference) if needed. */
static int phyr_list_add_provider(struct phyr_list *l, struct phyr_provider *p)
{
	struct phyr_provider **tbl;
	int idx = phyr_list_find_provider(l, p);

	if (idx >= 0)
		return idx;
	if (l->nr_providers >= PHYR_LIST_MAX_PROVIDERS)
		return -E2BIG;
	tbl = krealloc_array(l->providers, l->nr_providers + 1, sizeof(*tbl), GFP_KERNEL);
	if (!tbl)
		return -ENOMEM;
	l->providers = tbl;
	tbl[l->nr_providers] = phyr_provider_get(p);
	return l->nr_providers++;
}

/* Make room for @extra more entries. */
static int phyr_list_reserve(struct phyr_list *l, unsigned int extra)
{
	struct phyr_range *r;
	unsigned int want;

	if (check_add_overflow(l->nr, extra, &want))
		return -EOVERFLOW;
	if (want <= l->cap)
		return 0;
	want = max3(want, l->cap * 2, 8U);
	r = krealloc_array(l->ranges, want, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	l->ranges = r;
	l->cap = want;
	return 0;
}

static bool phyr_range_can_merge(const struct phyr_range *a, const struct phyr_range *b)
{
	u64 end, len;

	if (phyr_range_prov(a) != phyr_range_prov(b))
		return false;
	if (check_add_overflow(a->addr, phyr_range_len(a), &end) || end != b->addr)
		return false;
	return !check_add_overflow(phyr_range_len(a), phyr_range_len(b), &len) &&
	       len <= PHYR_RANGE_MAX_LEN;
}

static int phyr_check_range(struct phyr_provider *p, phys_addr_t phys, u64 len)
{
	u64 last;

	if (!p || !len)
		return -EINVAL;
	if (len > PHYR_RANGE_MAX_LEN)
		return -E2BIG;
	if (check_add_overflow((u64)phys, len - 1, &last))
		return -EOVERFLOW;
	if (!phyr_provider_contains(p, phys, len))
		return -ERANGE;
	return 0;
}

/**
 * phyr_list_append - append a physical range to a list
 * @l: the list
 * @p: provider owning the memory; the list takes its own reference
 * @phys: CPU physical address of the range
 * @len: length in bytes
 *
 * A range that continues the last one (same provider, contiguous) extends it.
 *
 * Return: 0, or -EINVAL (no provider, zero length), -E2BIG (range longer than
 * %PHYR_RANGE_MAX_LEN, more than %PHYR_LIST_MAX_PROVIDERS providers), -EOVERFLOW
 * (the range or the list size wraps), -ERANGE (outside the provider's memory),
 * -ENOMEM.  On error the list is unchanged.
 */
int phyr_list_append(struct phyr_list *l, struct phyr_provider *p, phys_addr_t phys,
		     u64 len)
{
	struct phyr_range new, *last;
	u64 size;
	int idx, ret;

	ret = phyr_check_range(p, phys, len);
	if (ret)
		return ret;
	if (check_add_overflow(l->size, len, &size))
		return -EOVERFLOW;

	idx = phyr_list_find_provider(l, p);
	if (idx >= 0 && l->nr) {
		new.addr = phys;
		new.len_prov = phyr_range_encode(len, idx);
		last = &l->ranges[l->nr - 1];
		if (phyr_range_can_merge(last, &new)) {
			last->len_prov += len;
			l->size = size;
			return 0;
		}
	}

	ret = phyr_list_reserve(l, 1);
	if (ret)
		return ret;
	idx = phyr_list_add_provider(l, p);
	if (idx < 0)
		return idx;
	l->ranges[l->nr].addr = phys;
	l->ranges[l->nr].len_prov = phyr_range_encode(len, idx);
	l->nr++;
	l->size = size;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_append, "DMABUF_PHYR");

/*
 * End of an all-or-nothing update built in @tmp: on success (@ret 0) @tmp becomes
 * @dst, whose old contents are dropped; on error @tmp is dropped and @dst unchanged.
 */
static int phyr_list_replace(struct phyr_list *dst, struct phyr_list *tmp, int ret)
{
	if (ret) {
		phyr_list_fini(tmp);
		return ret;
	}
	phyr_list_fini(dst);
	*dst = *tmp;
	return 0;
}

/**
 * phyr_list_copy - replace the contents of a list with a copy of another
 * @dst: initialised destination list
 * @src: source list
 *
 * Return: 0 or -ENOMEM; on error @dst is unchanged.
 */
int phyr_list_copy(struct phyr_list *dst, const struct phyr_list *src)
{
	struct phyr_list tmp;
	unsigned int i;
	int ret;

	if (dst == src)
		return 0;
	/* @src is valid and merged already: copy it as it is, without re-appending. */
	phyr_list_init(&tmp);
	ret = phyr_list_reserve(&tmp, src->nr);
	if (!ret && src->nr_providers) {
		tmp.providers = kmemdup_array(src->providers, src->nr_providers,
					      sizeof(*src->providers), GFP_KERNEL);
		if (!tmp.providers)
			ret = -ENOMEM;
	}
	if (!ret) {
		for (i = 0; i < src->nr_providers; i++)
			phyr_provider_get(tmp.providers[i]);
		tmp.nr_providers = src->nr_providers;
		memcpy(tmp.ranges, src->ranges, src->nr * sizeof(*src->ranges));
		tmp.nr = src->nr;
		tmp.size = src->size;
	}
	return phyr_list_replace(dst, &tmp, ret);
}
EXPORT_SYMBOL_NS_GPL(phyr_list_copy, "DMABUF_PHYR");

/*
 * A range of a list whose ranges all belong to the list's first provider keeps a zero
 * provider index above its length: it is then laid out as a struct phys_vec.
 */
#define PHYR_RANGE_IS_PHYS_VEC						\
	(sizeof(struct phys_vec) == sizeof(struct phyr_range) &&	\
	 sizeof(phys_addr_t) == sizeof(u64) &&				\
	 offsetof(struct phys_vec, paddr) == offsetof(struct phyr_range, addr) && \
	 offsetof(struct phys_vec, len) == offsetof(struct phyr_range, len_prov))

/**
 * phyr_list_phys_vec - the ranges of a one-provider list as a phys_vec array
 * @l: the list
 * @provider: set to the provider of every range
 *
 * No copy is made: the list's own array is returned, valid until @l changes.
 *
 * Return: phyr_list_count(@l) entries, or NULL when @l is empty, has ranges of
 * several providers, or the platform's phys_vec is laid out differently.
 */
const struct phys_vec *phyr_list_phys_vec(const struct phyr_list *l,
					  struct phyr_provider **provider)
{
	if (!PHYR_RANGE_IS_PHYS_VEC || !l->nr || l->nr_providers != 1)
		return NULL;
	*provider = l->providers[0];
	return (const struct phys_vec *)l->ranges;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_phys_vec, "DMABUF_PHYR");

/**
 * phyr_list_append_phys_vec - append an array of physical vectors of one provider
 * @l: the list
 * @provider: the provider of every vector
 * @vec: the vectors, in buffer order
 * @nr: their number
 *
 * Each vector is appended as by phyr_list_append(), merging with a contiguous
 * predecessor.
 *
 * Return: 0, or the first error of phyr_list_append(); on error @l is unchanged.
 */
int phyr_list_append_phys_vec(struct phyr_list *l, struct phyr_provider *provider,
			      const struct phys_vec *vec, size_t nr)
{
	struct phyr_list tmp;
	size_t i;
	int ret;

	phyr_list_init(&tmp);
	ret = phyr_list_copy(&tmp, l);
	for (i = 0; !ret && i < nr; i++)
		ret = phyr_list_append(&tmp, provider, vec[i].paddr, vec[i].len);
	return phyr_list_replace(l, &tmp, ret);
}
EXPORT_SYMBOL_NS_GPL(phyr_list_append_phys_vec, "DMABUF_PHYR");

/**
 * phyr_list_count - number of ranges in a list
 * @l: the list
 *
 * Return: the number of entries.
 */
unsigned int phyr_list_count(const struct phyr_list *l)
{
	return l->nr;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_count, "DMABUF_PHYR");

/**
 * phyr_list_size - total length of the ranges of a list
 * @l: the list
 *
 * Return: the sum of the lengths in bytes.
 */
u64 phyr_list_size(const struct phyr_list *l)
{
	return l->size;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_size, "DMABUF_PHYR");

/**
 * phyr_list_get - decode one range of a list
 * @l: the list
 * @idx: index of the range
 * @e: filled with the range
 *
 * Return: false when @idx is past the end.
 */
bool phyr_list_get(const struct phyr_list *l, unsigned int idx, struct phyr_entry *e)
{
	if (idx >= l->nr)
		return false;
	phyr_list_entry(l, idx, e);
	return true;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_get, "DMABUF_PHYR");

/**
 * phyr_list_merge - merge every run of adjacent ranges of a list
 * @l: the list
 *
 * Consecutive entries of one provider that are physically contiguous become one
 * entry (as long as it stays within %PHYR_RANGE_MAX_LEN).  Buffer order is kept.
 */
void phyr_list_merge(struct phyr_list *l)
{
	unsigned int i, out = 0;

	for (i = 1; i < l->nr; i++) {
		if (phyr_range_can_merge(&l->ranges[out], &l->ranges[i]))
			l->ranges[out].len_prov += phyr_range_len(&l->ranges[i]);
		else
			l->ranges[++out] = l->ranges[i];
	}
	if (l->nr)
		l->nr = out + 1;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_merge, "DMABUF_PHYR");

/* Index of the entry holding byte @offset of the buffer, and the offset in it. */
static unsigned int phyr_list_locate(const struct phyr_list *l, u64 offset, u64 *in)
{
	unsigned int i;

	for (i = 0; i < l->nr; i++) {
		u64 len = phyr_range_len(&l->ranges[i]);

		if (offset < len)
			break;
		offset -= len;
	}
	*in = offset;
	return i;
}

/**
 * phyr_list_split_at - make @offset a boundary between two entries
 * @l: the list
 * @offset: byte offset in the buffer
 *
 * The entry that contains @offset is split in two.  Offsets 0 and the list size are
 * boundaries already.
 *
 * Return: 0, -ERANGE if @offset is past the end, or -ENOMEM.
 */
int phyr_list_split_at(struct phyr_list *l, u64 offset)
{
	struct phyr_range *r;
	unsigned int i;
	u64 in;
	int ret;

	if (offset > l->size)
		return -ERANGE;
	i = phyr_list_locate(l, offset, &in);
	if (i == l->nr || !in)
		return 0;
	ret = phyr_list_reserve(l, 1);
	if (ret)
		return ret;
	memmove(&l->ranges[i + 2], &l->ranges[i + 1],
		(l->nr - i - 1) * sizeof(*l->ranges));
	r = &l->ranges[i];
	r[1].addr = r->addr + in;
	r[1].len_prov = phyr_range_encode(phyr_range_len(r) - in, phyr_range_prov(r));
	r->len_prov = phyr_range_encode(in, phyr_range_prov(r));
	l->nr++;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_split_at, "DMABUF_PHYR");

/**
 * phyr_list_slice - copy the ranges of a byte window of a buffer
 * @dst: initialised destination list; its previous contents are replaced
 * @src: source list
 * @offset: first byte of the window
 * @len: length of the window
 *
 * Return: 0, -EINVAL (@len is 0), -ERANGE (the window is not inside @src),
 * -EOVERFLOW or -ENOMEM.  On error @dst is unchanged.
 */
int phyr_list_slice(struct phyr_list *dst, const struct phyr_list *src, u64 offset,
		    u64 len)
{
	struct phyr_list tmp;
	unsigned int i;
	u64 end, in;
	int ret = 0;

	if (!len)
		return -EINVAL;
	if (check_add_overflow(offset, len, &end))
		return -EOVERFLOW;
	if (end > src->size || dst == src)
		return -ERANGE;

	phyr_list_init(&tmp);
	for (i = phyr_list_locate(src, offset, &in); len && !ret; i++, in = 0) {
		const struct phyr_range *r = &src->ranges[i];
		u64 chunk = min(phyr_range_len(r) - in, len);

		ret = phyr_list_append(&tmp, src->providers[phyr_range_prov(r)],
				       r->addr + in, chunk);
		len -= chunk;
	}
	return phyr_list_replace(dst, &tmp, ret);
}
EXPORT_SYMBOL_NS_GPL(phyr_list_slice, "DMABUF_PHYR");

/* Number of packed entries (power-of-two pages each) a page-aligned range needs. */
static unsigned int phyr_pack_count(const struct phyr_range *r)
{
	return hweight64(phyr_range_len(r) >> PAGE_SHIFT);
}

/**
 * phyr_list_pack - store a list in the packed form, 8 bytes a range
 * @out: the packed list; overwritten (not released) on success
 * @l: the list; every address and length must be page-aligned
 *
 * A range whose length is not a power of two pages becomes one entry per set bit of
 * its page count, largest first.
 *
 * Return: 0, -EINVAL (a range is not page-aligned), -E2BIG (more than UINT_MAX
 * entries) or -ENOMEM.
 */
int phyr_list_pack(struct phyr_packed_list *out, const struct phyr_list *l)
{
	struct phyr_packed_list pk = {};
	unsigned int i, j, n = 0;

	for (i = 0; i < l->nr; i++) {
		const struct phyr_range *r = &l->ranges[i];

		if (!PAGE_ALIGNED(r->addr) || !PAGE_ALIGNED(phyr_range_len(r)))
			return -EINVAL;
		if (check_add_overflow(n, phyr_pack_count(r), &n))
			return -E2BIG;
	}

	pk.ents = kvmalloc_array(n, sizeof(*pk.ents), GFP_KERNEL);
	pk.providers = kmalloc_array(l->nr_providers, sizeof(*pk.providers), GFP_KERNEL);
	if ((n && !pk.ents) || (l->nr_providers && !pk.providers)) {
		kvfree(pk.ents);
		kfree(pk.providers);
		return -ENOMEM;
	}
	for (i = 0; i < l->nr_providers; i++)
		pk.providers[i] = phyr_provider_get(l->providers[i]);
	pk.nr_providers = l->nr_providers;

	for (i = 0, j = 0; i < l->nr; i++) {
		const struct phyr_range *r = &l->ranges[i];
		u64 pages = phyr_range_len(r) >> PAGE_SHIFT;
		u64 addr = r->addr;

		while (pages) {
			unsigned int order = fls64(pages) - 1;

			pk.ents[j++] = addr | (u64)phyr_range_prov(r) << PHYR_PACK_PROV_SHIFT |
				       order;
			addr += PAGE_SIZE << order;
			pages &= ~BIT_ULL(order);
		}
	}
	pk.nr = n;
	pk.size = l->size;
	*out = pk;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(phyr_list_pack, "DMABUF_PHYR");

/**
 * phyr_packed_unpack - expand a packed list into a range list
 * @out: initialised list; its previous contents are replaced
 * @pk: the packed list
 *
 * Adjacent entries merge again, so pack then unpack gives back the original list.
 *
 * Return: 0, -EINVAL (a corrupt entry), or an error of phyr_list_append().  On
 * error @out is unchanged.
 */
int phyr_packed_unpack(struct phyr_list *out, const struct phyr_packed_list *pk)
{
	struct phyr_list tmp;
	unsigned int i;
	int ret = 0;

	phyr_list_init(&tmp);
	for (i = 0; i < pk->nr && !ret; i++) {
		u64 v = pk->ents[i];
		unsigned int order = v & PHYR_PACK_ORDER_MASK;
		unsigned int prov = (v & PHYR_PACK_PROV_MASK) >> PHYR_PACK_PROV_SHIFT;

		if (prov >= pk->nr_providers || order + PAGE_SHIFT >= PHYR_RANGE_LEN_BITS) {
			ret = -EINVAL;
			break;
		}
		ret = phyr_list_append(&tmp, pk->providers[prov], v & ~(u64)(PAGE_SIZE - 1),
				       (u64)PAGE_SIZE << order);
	}
	return phyr_list_replace(out, &tmp, ret);
}
EXPORT_SYMBOL_NS_GPL(phyr_packed_unpack, "DMABUF_PHYR");

/**
 * phyr_packed_fini - release a packed list
 * @pk: the packed list; empty afterwards
 */
void phyr_packed_fini(struct phyr_packed_list *pk)
{
	unsigned int i;

	for (i = 0; i < pk->nr_providers; i++)
		phyr_provider_put(pk->providers[i]);
	kvfree(pk->ents);
	kfree(pk->providers);
	memset(pk, 0, sizeof(*pk));
}
EXPORT_SYMBOL_NS_GPL(phyr_packed_fini, "DMABUF_PHYR");

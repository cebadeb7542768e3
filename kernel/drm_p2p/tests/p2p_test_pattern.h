/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The data pattern the hardware KUnit suites write into VRAM with the CPU and read
 * back with an engine: a word per 4 bytes, different for each seed and offset.
 */
#ifndef _P2P_TEST_PATTERN_H_
#define _P2P_TEST_PATTERN_H_

#include <linux/io.h>
#include <linux/types.h>

static inline u32 p2p_test_pattern_word(u32 seed, size_t i)
{
	return seed ^ (u32)(i * 0x9e3779b9);
}

static inline void p2p_test_fill_pattern(void __iomem *dst, u32 seed, size_t len)
{
	size_t i;

	for (i = 0; i < len / 4; i++)
		writel(p2p_test_pattern_word(seed, i), dst + i * 4);
}

/* How many words of @buf (@len bytes) hold the pattern of @seed. */
static inline size_t p2p_test_count_pattern(const u32 *buf, u32 seed, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len / 4; i++)
		n += buf[i] == p2p_test_pattern_word(seed, i);
	return n;
}

#endif /* _P2P_TEST_PATTERN_H_ */

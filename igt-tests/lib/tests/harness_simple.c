// SPDX-License-Identifier: MIT
/* Harness self-test: a test without subtests. */
#include "igt.h"

igt_simple_main
{
	igt_assert_eq(2 + 2, 4);
}

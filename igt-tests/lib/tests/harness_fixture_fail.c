// SPDX-License-Identifier: MIT
/* Harness self-test: a failure in a fixture fails every later subtest (exits 98). */
#include "igt.h"

igt_main
{
	igt_subtest("before")
		igt_assert(true);

	igt_fixture
		igt_assert_eq(1, 0);

	igt_subtest("first")
		igt_assert(true);
	igt_subtest("second")
		igt_assert(true);
}

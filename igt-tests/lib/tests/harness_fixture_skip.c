// SPDX-License-Identifier: MIT
/* Harness self-test: a skip in the fixture skips every subtest (exits 77). */
#include "igt.h"

igt_main
{
	igt_fixture
		igt_require_f(false, "no such hardware\n");

	igt_subtest("first")
		igt_assert(false);
	igt_subtest("second")
		igt_assert(false);
}

// SPDX-License-Identifier: MIT
/* Harness self-test: every kind of result in one binary (exits 98). */
#include <signal.h>

#include "igt.h"

static int value = 7;

igt_main
{
	igt_fixture
		igt_info("fixture ran\n");

	igt_describe("passes");
	igt_subtest("pass-a")
		igt_assert_eq(value, 7);

	igt_subtest("fail-b") {
		igt_assert_eq(value, 8);
		igt_info("not reached\n");
	}

	igt_subtest("skip-c")
		igt_require(value == 8);

	igt_subtest("after-fail") {
		igt_assert_eq_u32(1u, 1u);
		igt_assert_eq_u64(1ull << 40, 1ull << 40);
		igt_assert_lt(1, 2);
		igt_assert_lte(2, 2);
		igt_assert_neq(1, 2);
	}

	igt_subtest_f("fmt-%d", value)
		igt_debug("debug line only with --debug\n");

	igt_subtest_with_dynamic("dynamic") {
		igt_dynamic("dyn-pass")
			igt_assert(true);
		igt_dynamic_f("dyn-%s", "fail")
			igt_assert_f(false, "dyn-fail message %d\n", 42);
		igt_dynamic("dyn-skip")
			igt_skip("skipping dyn-skip\n");
	}

	igt_subtest_with_dynamic("dynamic-pass") {
		igt_dynamic("one")
			;
		igt_dynamic("two")
			igt_success();
	}

	igt_subtest_with_dynamic("dynamic-all-skip") {
		igt_dynamic("only")
			igt_skip_on(value == 7);
	}

	igt_subtest_group {
		igt_fixture
			igt_require_f(value == 0, "group requirement\n");
		igt_subtest("group-skipped")
			igt_assert(false);
	}

	igt_subtest("after-group")
		igt_assert(true);

	igt_subtest("fork-fail") {
		igt_fork(child, 2) {
			if (child == 1)
				igt_assert_eq(child, 0);
		}
		igt_waitchildren();
	}

	igt_subtest("ioctl-err") {
		int fds[2];

		igt_assert_eq(pipe(fds), 0);
		/* DRM_IOCTL_VERSION on a pipe: ENOTTY */
		do_ioctl_err(fds[0], DRM_IOCTL_VERSION, NULL, ENOTTY);
		close(fds[0]);
		close(fds[1]);
	}
}

// SPDX-License-Identifier: MIT
/*
 * Harness self-test: drm_open_driver() skips when no device matches (the
 * checker forces that with --device drm:/nonexistent or IGT_FORCE_DRIVER).
 */
#include "igt.h"

static int fd = -1;

igt_main
{
	igt_fixture
		fd = drm_open_driver(DRIVER_ANY);

	igt_subtest("version") {
		char name[16] = "";

		igt_assert_eq(__get_drm_device_name(fd, name, sizeof(name) - 1), 0);
		igt_info("driver %s\n", name);
	}

	igt_fixture
		drm_close_driver(fd);
}

// SPDX-License-Identifier: MIT
/*
 * drmtest.c - open DRM devices the way IGT's lib/drmtest.c does: scan
 * /dev/dri/card0..15 (renderD128..143 for render nodes), accept a node whose
 * driver matches the chipset flags, honour IGT_FORCE_DRIVER for DRIVER_ANY and
 * "drm:<path>" device filters (--device / IGT_DEVICE), and skip when nothing
 * matches.  Module loading is left to the test runner.
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <drm.h>

#include "drmtest.h"
#include "ioctl_wrappers.h"

extern char *__igt_device_filters;

static const struct module {
	unsigned int bit;
	const char *module;
} modules[] = {	/* sorted by name */
	{ DRIVER_AMDGPU, "amdgpu" },
	{ DRIVER_INTEL, "i915" },
	{ DRIVER_MSM, "msm" },
	{ DRIVER_PANFROST, "panfrost" },
	{ DRIVER_V3D, "v3d" },
	{ DRIVER_VC4, "vc4" },
	{ DRIVER_VGEM, "vgem" },
	{ DRIVER_VKMS, "vkms" },
	{ DRIVER_VMWGFX, "vmwgfx" },
	{ DRIVER_XE, "xe" },
};

int __get_drm_device_name(int fd, char *name, int name_size)
{
	drm_version_t version;

	memset(&version, 0, sizeof(version));
	version.name_len = name_size;
	version.name = name;
	if (ioctl(fd, DRM_IOCTL_VERSION, &version))
		return -1;
	if (version.name_len < (size_t)name_size)
		name[version.name_len] = '\0';
	return 0;
}

static const char *forced_driver(void)
{
	const char *env = getenv("IGT_FORCE_DRIVER");

	return env && *env ? env : NULL;
}

static void modulename_to_chipset(const char *name, unsigned int *chip)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modules); i++) {
		if (!strcmp(modules[i].module, name)) {
			*chip = modules[i].bit;
			return;
		}
	}
}

unsigned int drm_get_chipset(int fd)
{
	unsigned int chip = DRIVER_ANY;
	char name[32] = "";

	if (__get_drm_device_name(fd, name, sizeof(name) - 1))
		return chip;
	modulename_to_chipset(name, &chip);
	return chip;
}

static const char *chipset_to_str(int chipset)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modules); i++)
		if ((int)modules[i].bit == chipset)
			return modules[i].module;
	return chipset == (int)DRIVER_ANY ? "any" : "other";
}

static void log_opened_device_path(const char *path)
{
	static char *opened[64];
	static int n;
	int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(opened[i], path)) {
			igt_debug("Opened previously opened device: %s\n", path);
			return;
		}
	}
	if (n < (int)ARRAY_SIZE(opened))
		opened[n++] = strdup(path);
	igt_info("Opened device: %s\n", path);
}

int __drm_open_device(const char *name, unsigned int chipset)
{
	unsigned int chip = DRIVER_ANY;
	char dev_name[16] = "";
	const char *forced;
	int fd;

	fd = open(name, O_RDWR | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (__get_drm_device_name(fd, dev_name, sizeof(dev_name) - 1) == -1)
		goto err;

	forced = forced_driver();
	if (forced && chipset == (unsigned int)DRIVER_ANY && strcmp(forced, dev_name)) {
		igt_debug("Expected driver \"%s\" but got \"%s\"\n", forced, dev_name);
		goto err;
	}

	modulename_to_chipset(dev_name, &chip);
	if ((chipset & chip) == chip) {
		log_opened_device_path(name);
		return fd;
	}
err:
	close(fd);
	return -1;
}

/* devices opened as index 0..n-1 by __drm_open_driver_another() */
static struct stat opened_fds[64];
static int opened_fds_count;

static void set_opened_fd(int idx, int fd)
{
	assert(idx < (int)ARRAY_SIZE(opened_fds));
	assert(idx <= opened_fds_count);
	assert(fstat(fd, &opened_fds[idx]) == 0);
	opened_fds_count = idx + 1;
}

static bool is_already_opened(const char *path, int as_idx)
{
	struct stat st;
	int i;

	assert(as_idx <= opened_fds_count);
	if (stat(path, &st))
		return true;
	for (i = 0; i < as_idx; i++)
		if (opened_fds[i].st_rdev == st.st_rdev)
			return true;
	return false;
}

static int search_and_open(const char *base, int offset, unsigned int chipset, int as_idx)
{
	const char *forced = forced_driver();
	int i;

	if (forced)
		igt_debug("Force option used: Using driver %s\n", forced);
	for (i = 0; i < 16; i++) {
		char name[80];
		int fd;

		snprintf(name, sizeof(name), "%s%u", base, i + offset);
		if (is_already_opened(name, as_idx))
			continue;
		fd = __drm_open_device(name, chipset);
		if (fd != -1)
			return fd;
	}
	return -1;
}

void drm_load_module(unsigned int chipset)
{
	igt_debug("drm_load_module(%#x): modules are loaded by the test runner\n", chipset);
}

/* The idx-th ';'-separated device filter; only "drm:<device node>" is supported. */
static bool filter_path(int idx, char *path, size_t len)
{
	const char *p = __igt_device_filters;
	int i;

	if (!p)
		return false;
	for (i = 0; i < idx; i++) {
		p = strchr(p, ';');
		if (!p)
			return false;
		p++;
	}
	if (strncmp(p, "drm:", 4)) {
		igt_warn("Unsupported device filter (only drm:<node>): %s\n", p);
		snprintf(path, len, "/nonexistent");
		return true;
	}
	snprintf(path, len, "%.*s", (int)strcspn(p + 4, ";"), p + 4);
	return true;
}

int __drm_open_driver_another(int idx, int chipset)
{
	char path[PATH_MAX];
	int fd = -1;

	if (chipset != DRIVER_VGEM && filter_path(idx, path, sizeof(path))) {
		if (access(path, F_OK))
			igt_warn("No card matches the filter! [%s]\n", path);
		else if (is_already_opened(path, idx))
			igt_warn("card matching filter %d is already opened\n", idx);
		else
			fd = __drm_open_device(path, chipset);
	} else {
		fd = search_and_open("/dev/dri/card", 0, chipset, idx);
	}
	if (fd >= 0)
		set_opened_fd(idx, fd);
	return fd;
}

int drm_open_driver_another(int idx, int chipset)
{
	int fd = __drm_open_driver_another(idx, chipset);

	igt_skip_on_f(fd < 0, "No known gpu found for chipset flags %d (%s)\n",
		      chipset, chipset_to_str(chipset));
	return fd;
}

int __drm_open_driver(int chipset)
{
	return __drm_open_driver_another(0, chipset);
}

int __drm_open_driver_render(int chipset)
{
	char path[PATH_MAX];

	if (chipset != DRIVER_VGEM && filter_path(0, path, sizeof(path))) {
		char *card = strstr(path, "/card");
		char render[PATH_MAX];
		struct stat st;

		/* the render node of the filtered card: renderD(128 + minor) */
		if (!card)
			return __drm_open_device(path, chipset);
		if (stat(path, &st))
			return -1;
		snprintf(render, sizeof(render), "%.*s/renderD%u", (int)(card - path), path,
			 128 + (unsigned int)(st.st_rdev & 0xff));
		return __drm_open_device(render, chipset);
	}
	return search_and_open("/dev/dri/renderD", 128, chipset, 0);
}

int drm_open_driver(int chipset)
{
	int fd = __drm_open_driver(chipset);

	igt_skip_on_f(fd < 0, "No known gpu found for chipset flags %#x (%s)\n",
		      chipset, chipset_to_str(chipset));
	return fd;
}

int drm_open_driver_render(int chipset)
{
	int fd = __drm_open_driver_render(chipset);

	/* no render nodes: fall back to the primary node */
	if (fd == -1)
		return drm_open_driver(chipset);
	return fd;
}

int drm_open_driver_master(int chipset)
{
	int fd = drm_open_driver(chipset);

	igt_require_f(drmSetMaster(fd) == 0,
		      "Can't become DRM master, please check if no other DRM client is running.\n");
	return fd;
}

static bool is_valid_fd(int fd)
{
	char path[32], buf[PATH_MAX];
	ssize_t len;

	if (fd < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, buf, sizeof(buf) - 1);
	if (len <= 0)
		return false;
	buf[len] = '\0';
	return strstr(buf, "/dev/dri/card") == buf || strstr(buf, "/dev/dri/renderD") == buf;
}

int __drm_close_driver(int fd)
{
	if (!is_valid_fd(fd))
		return -1;
	return close(fd);
}

int drm_close_driver(int fd)
{
	if (!is_valid_fd(fd)) {
		igt_warn("Don't attempt to close standard/invalid file descriptor: %d\n", fd);
		return -1;
	}
	return __drm_close_driver(fd);
}

int drm_reopen_driver(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fd = open(path, O_RDWR | O_CLOEXEC);
	igt_assert_fd(fd);
	return fd;
}

void igt_require_vkms(void)
{
	int fd = __drm_open_driver(DRIVER_VKMS);

	igt_require_f(fd >= 0, "vkms is not loaded\n");
	close(fd);
}

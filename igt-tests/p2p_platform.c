// SPDX-License-Identifier: MIT
/*
 * p2p_platform: the emulated platform is what its preset promises.
 *
 * An emulated GPU is one PCI slot whose function 0 is an ivshmem device (BAR2 is the VRAM)
 * and whose function 1 is an edu device (the DMA engine).  The test VM exports the preset's
 * promises as environment variables (P2P_PRESET, P2P_GPUS, P2P_IOMMU, P2P_SWITCH, P2P_CPU);
 * on other machines the subtests that need them skip.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"

#define MAX_GPUS 16
#define PCI_DEVICES "/sys/bus/pci/devices"

struct emu_gpu {
	char vram[16];		/* BDF of the ivshmem function */
	char engine[16];	/* BDF of the edu function */
	char path[PATH_MAX];	/* sysfs path of the VRAM function */
	unsigned long long vram_size;
};

static struct emu_gpu gpus[MAX_GPUS];
static int num_gpus;

static unsigned int read_hex(const char *bdf, const char *attr)
{
	char path[PATH_MAX], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtoul(buf, NULL, 16);
}

static bool is_dev(const char *bdf, unsigned int vendor, unsigned int device)
{
	return read_hex(bdf, "vendor") == vendor && read_hex(bdf, "device") == device;
}

/* BAR2's size from the "resource" file: one "start end flags" line per BAR. */
static unsigned long long bar_size(const char *bdf, int bar)
{
	char path[PATH_MAX];
	unsigned long long start, end, flags;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/resource", bdf);
	f = fopen(path, "r");
	if (!f)
		return 0;
	for (i = 0; i <= bar; i++) {
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3) {
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return end > start ? end - start + 1 : 0;
}

static int cmp_gpu(const void *a, const void *b)
{
	return strcmp(((const struct emu_gpu *)a)->vram, ((const struct emu_gpu *)b)->vram);
}

static void find_gpus(void)
{
	struct dirent *de;
	DIR *dir = opendir(PCI_DEVICES);

	igt_assert(dir);
	while ((de = readdir(dir))) {
		struct emu_gpu *gpu;
		char engine[16], link[PATH_MAX];
		size_t len = strlen(de->d_name);

		/* ivshmem (1af4:1110) at function 0 with an edu (1234:11e8) at function 1 */
		if (len != 12 || de->d_name[11] != '0' || !is_dev(de->d_name, 0x1af4, 0x1110))
			continue;
		snprintf(engine, sizeof(engine), "%.11s1", de->d_name);
		if (!is_dev(engine, 0x1234, 0x11e8))
			continue;
		igt_assert(num_gpus < MAX_GPUS);
		gpu = &gpus[num_gpus++];
		snprintf(gpu->vram, sizeof(gpu->vram), "%s", de->d_name);
		snprintf(gpu->engine, sizeof(gpu->engine), "%s", engine);
		snprintf(link, sizeof(link), PCI_DEVICES "/%s", de->d_name);
		igt_assert(realpath(link, gpu->path));
		gpu->vram_size = bar_size(de->d_name, 2);
	}
	closedir(dir);
	qsort(gpus, num_gpus, sizeof(gpus[0]), cmp_gpu);
}

static bool bound_to(const char *bdf, const char *driver)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(strrchr(target, '/') + 1, driver);
}

static bool driver_loaded(void)
{
	return access("/sys/bus/pci/drivers/drm_p2p", F_OK) == 0;
}

static int env_int(const char *name)
{
	const char *v = getenv(name);

	igt_require_f(v, "%s is not set: not running in the drm-p2p test VM\n", name);
	return atoi(v);
}

static bool in_switch_list(int idx)
{
	const char *list = getenv("P2P_SWITCH");
	char buf[64], *tok, *save;

	if (!list)
		return false;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (atoi(tok) == idx)
			return true;
	return false;
}

/*
 * Number of PCI bridges between the root complex and the device: the BDF-named
 * components of its sysfs path, less the device itself.
 */
static int bridge_depth(const char *path)
{
	const char *p = strstr(path, "/pci0000:");
	int depth = -1;

	igt_assert(p);
	for (p = strchr(p + 1, '/'); p; p = strchr(p + 1, '/'))
		depth++;
	return depth;
}

/* Length of the common sysfs ancestry of two devices below the root bus. */
static int common_bridges(const char *a, const char *b)
{
	const char *pa = strstr(a, "/pci0000:"), *pb = strstr(b, "/pci0000:");
	int common = -1;

	while (*pa && *pa == *pb) {
		if (*pa == '/' && pa != strstr(a, "/pci0000:"))
			common++;
		pa++;
		pb++;
	}
	return common < 0 ? 0 : common;
}

static int iommu_group(const char *bdf)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/iommu_group", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	return atoi(strrchr(target, '/') + 1);
}

igt_main
{
	igt_fixture
		find_gpus();

	igt_describe("Every emulated GPU of the preset is one slot: ivshmem VRAM + edu engine.");
	igt_subtest("gpu-slots") {
		int i;

		igt_assert_eq(num_gpus, env_int("P2P_GPUS"));
		for (i = 0; i < num_gpus; i++) {
			igt_info("gpu%d: vram %s (%llu MiB), engine %s\n", i, gpus[i].vram,
				 gpus[i].vram_size >> 20, gpus[i].engine);
			igt_assert(gpus[i].vram_size >= (1ull << 20));
			igt_assert_eq_u64(gpus[i].vram_size & (gpus[i].vram_size - 1), 0);
		}
	}

	igt_describe("GPUs the preset puts behind the switch share its upstream port; the others sit on the root complex or a root port of their own.");
	igt_subtest("pci-topology") {
		int i, j;

		igt_require(env_int("P2P_GPUS") == num_gpus);
		for (i = 0; i < num_gpus; i++) {
			int depth = bridge_depth(gpus[i].path);

			igt_info("gpu%d: %d bridge(s) above %s\n", i, depth, gpus[i].path);
			/* root port + switch upstream port + switch downstream port */
			if (in_switch_list(i))
				igt_assert_eq(depth, 3);
			else
				igt_assert_lte(depth, 1);
		}
		for (i = 0; i < num_gpus; i++) {
			for (j = i + 1; j < num_gpus; j++) {
				int common = common_bridges(gpus[i].path, gpus[j].path);

				if (in_switch_list(i) && in_switch_list(j))
					igt_assert_eq(common, 2);
				else
					igt_assert_eq(common, 0);
			}
		}
	}

	igt_describe("With the IOMMU every GPU function is in an IOMMU group and no two GPUs share one; without it there are no groups.");
	igt_subtest("iommu-groups") {
		int i, j;

		igt_require(env_int("P2P_GPUS") == num_gpus);
		for (i = 0; i < num_gpus; i++) {
			int g = iommu_group(gpus[i].vram), e = iommu_group(gpus[i].engine);

			igt_info("gpu%d: iommu group %d (vram), %d (engine)\n", i, g, e);
			if (env_int("P2P_IOMMU")) {
				igt_assert(g >= 0 && e >= 0);
				for (j = 0; j < i; j++)
					igt_assert_neq(iommu_group(gpus[j].engine), e);
			} else {
				igt_assert_eq(g, -1);
				igt_assert_eq(e, -1);
			}
		}
	}

	igt_describe("drm_p2p binds the VRAM function of every GPU slot and no ivshmem or edu device that is not part of one.");
	igt_subtest("binding") {
		struct dirent *de;
		DIR *dir;
		int i, lone = 0;

		igt_require_f(driver_loaded(), "drm_p2p is not loaded\n");
		for (i = 0; i < num_gpus; i++)
			igt_assert_f(bound_to(gpus[i].vram, "drm_p2p"), "%s not bound\n", gpus[i].vram);

		dir = opendir(PCI_DEVICES);
		igt_assert(dir);
		while ((de = readdir(dir))) {
			bool part_of_gpu = false;

			if (!is_dev(de->d_name, 0x1af4, 0x1110) && !is_dev(de->d_name, 0x1234, 0x11e8))
				continue;
			for (i = 0; i < num_gpus; i++)
				part_of_gpu |= !strcmp(de->d_name, gpus[i].vram) ||
					       !strcmp(de->d_name, gpus[i].engine);
			if (part_of_gpu)
				continue;
			lone++;
			igt_info("%s is no GPU function\n", de->d_name);
			igt_assert_f(!bound_to(de->d_name, "drm_p2p"), "%s bound\n", de->d_name);
		}
		closedir(dir);
		igt_info("%d GPU(s), %d lone ivshmem/edu function(s)\n", num_gpus, lone);
	}

	igt_describe("libdrm's drmGetDevices2 lists one PCI DRM device with a render node per GPU, at the VRAM function's address.");
	igt_subtest("drm-devices") {
		drmDevicePtr devs[64];
		int n, i, j, found = 0;

		igt_require_f(driver_loaded(), "drm_p2p is not loaded\n");
		n = drmGetDevices2(0, devs, 64);
		igt_assert_lte(0, n);
		for (i = 0; i < n; i++) {
			drmDevicePtr d = devs[i];
			char bdf[16];
			drmVersionPtr v;
			int fd;

			if (!(d->available_nodes & (1 << DRM_NODE_RENDER)))
				continue;
			fd = open(d->nodes[DRM_NODE_RENDER], O_RDWR | O_CLOEXEC);
			igt_assert_lte(0, fd);
			v = drmGetVersion(fd);
			igt_assert(v);
			if (!strcmp(v->name, "drm_p2p")) {
				igt_assert_eq(d->bustype, DRM_BUS_PCI);
				igt_assert(d->available_nodes & (1 << DRM_NODE_PRIMARY));
				snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%u", d->businfo.pci->domain,
					 d->businfo.pci->bus, d->businfo.pci->dev,
					 d->businfo.pci->func);
				for (j = 0; j < num_gpus; j++)
					found += !strcmp(bdf, gpus[j].vram);
				igt_info("%s: %s at %s\n", d->nodes[DRM_NODE_RENDER], v->name, bdf);
			}
			drmFreeVersion(v);
			close(fd);
		}
		drmFreeDevices(devs, n);
		igt_assert_eq(found, num_gpus);
	}

	igt_describe("The CPU model decides whether p2pdma allows the host bridge path: AMD family 17h (EPYC) does.");
	igt_subtest("cpu-model") {
		char line[256];
		bool amd = false;
		int family = 0;
		FILE *f = fopen("/proc/cpuinfo", "r");

		igt_require(getenv("P2P_CPU"));
		igt_assert(f);
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "vendor_id", 9))
				amd = strstr(line, "AuthenticAMD");
			else if (!strncmp(line, "cpu family", 10))
				family = atoi(strchr(line, ':') + 1);
			else if (line[0] == '\n')
				break;
		}
		fclose(f);
		igt_info("cpu: %s family %#x\n", amd ? "AMD" : "not AMD", family);
		if (!strcmp(getenv("P2P_CPU"), "EPYC"))
			igt_assert(amd && family >= 0x17);
		else
			igt_assert(!(amd && family >= 0x17));
	}
}

// SPDX-License-Identifier: MIT
/* pci_sysfs.c - PCI facts from /sys/bus/pci/devices for p2pctl. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pci_sysfs.h"

#define PCI_DEVICES "/sys/bus/pci/devices"

static void fn_path(const struct drm_p2p_pci_addr *fn, const char *attr, char *buf,
		    size_t len)
{
	char bdf[16];

	drm_p2p_format_pci_addr(fn, bdf, sizeof(bdf));
	snprintf(buf, len, PCI_DEVICES "/%s%s%s", bdf, attr ? "/" : "", attr ?: "");
}

int sysfs_iommu_group(const struct drm_p2p_pci_addr *fn)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *slash;
	ssize_t n;

	fn_path(fn, "iommu_group", path, sizeof(path));
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	slash = strrchr(target, '/');
	return atoi(slash ? slash + 1 : target);
}

uint64_t sysfs_bar_size(const struct drm_p2p_pci_addr *fn, int bar)
{
	unsigned long long start, end, flags;
	char path[PATH_MAX];
	uint64_t size = 0;
	FILE *f;
	int i;

	fn_path(fn, "resource", path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return 0;
	for (i = 0; i <= bar; i++)
		if (fscanf(f, "%llx %llx %llx", &start, &end, &flags) != 3)
			goto out;
	if (end > start)
		size = end - start + 1;
out:
	fclose(f);
	return size;
}

static unsigned int read_hex_attr(const struct drm_p2p_pci_addr *fn, const char *attr)
{
	char path[PATH_MAX], buf[32] = "";
	FILE *f;

	fn_path(fn, attr, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strtoul(buf, NULL, 16);
}

bool sysfs_is_device(const struct drm_p2p_pci_addr *fn, unsigned int vendor,
		     unsigned int device)
{
	return read_hex_attr(fn, "vendor") == vendor && read_hex_attr(fn, "device") == device;
}

/*
 * The canonical sysfs path of a function is /sys/devices/pciDDDD:BB/<bridge
 * BDF>/.../<function BDF>: one component per bridge on the way down.
 */
static int bridge_chain(const struct drm_p2p_pci_addr *fn, char *real, size_t len,
			const char **first)
{
	char path[PATH_MAX];
	const char *p;

	fn_path(fn, NULL, path, sizeof(path));
	if (!realpath(path, real))
		return -errno;
	(void)len;
	p = strstr(real, "/pci");
	if (!p)
		return -EINVAL;
	p = strchr(p + 1, '/');	/* first BDF below the host bridge */
	if (!p)
		return -EINVAL;
	*first = p + 1;
	return 0;
}

static int count_components(const char *p)
{
	int n = 1;

	for (; *p; p++)
		n += *p == '/';
	return n;
}

int sysfs_common_bridges(const struct drm_p2p_pci_addr *a, const struct drm_p2p_pci_addr *b,
			 int *depth_a, int *depth_b, int *common)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	const char *pa, *pb, *ca, *cb;
	int ret, shared = 0;

	ret = bridge_chain(a, ra, sizeof(ra), &pa);
	if (!ret)
		ret = bridge_chain(b, rb, sizeof(rb), &pb);
	if (ret)
		return ret;
	*depth_a = count_components(pa) - 1;
	*depth_b = count_components(pb) - 1;

	/* different host bridges (PCI domains/root buses) share nothing */
	if (pa - ra != pb - rb || strncmp(ra, rb, pa - ra)) {
		*common = 0;
		return 0;
	}
	/* count whole leading components that are equal, excluding the functions */
	for (ca = pa, cb = pb; shared < *depth_a && shared < *depth_b; shared++) {
		const char *ea = strchr(ca, '/'), *eb = strchr(cb, '/');

		if (!ea || !eb || ea - ca != eb - cb || strncmp(ca, cb, ea - ca))
			break;
		ca = ea + 1;
		cb = eb + 1;
	}
	*common = shared;
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * device.c - find drm_p2p GPUs with libdrm's drmGetDevices2(), open one by
 * index or PCI address, and parse PCI addresses.
 *
 * A drm_p2p GPU is a PCI DRM device whose driver (DRM_IOCTL_VERSION) is
 * "drm_p2p".  GPUs are numbered in PCI address order, so index N names the
 * same GPU for every process on a machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm_p2p_priv.h"

int p2p_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? -errno : 0;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* up to @max hex digits, at least one, stopping at anything else */
static const char *parse_hex(const char *s, int max, unsigned long *val)
{
	int n = 0;

	*val = 0;
	while (n < max && is_hex(s[n])) {
		char c = s[n];

		*val = *val * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
		n++;
	}
	return n ? s + n : NULL;
}

drm_public int drm_p2p_parse_pci_addr(const char *str, struct drm_p2p_pci_addr *addr)
{
	unsigned long domain = 0, bus, dev, func;
	const char *p;

	if (!str || !addr)
		return -EINVAL;

	/* DDDD:BB:DD.F or BB:DD.F */
	p = parse_hex(str, 4, &bus);
	if (!p || *p != ':')
		return -EINVAL;
	if (p - str == 4 && strchr(p + 1, ':')) {
		domain = bus;
		p = parse_hex(p + 1, 2, &bus);
		if (!p || *p != ':')
			return -EINVAL;
	} else if (p - str > 2) {
		return -EINVAL;
	}
	p = parse_hex(p + 1, 2, &dev);
	if (!p || *p != '.' || dev > 0x1f)
		return -EINVAL;
	p = parse_hex(p + 1, 1, &func);
	if (!p || *p || func > 7)
		return -EINVAL;

	addr->domain = domain;
	addr->bus = bus;
	addr->dev = dev;
	addr->func = func;
	return 0;
}

drm_public int drm_p2p_format_pci_addr(const struct drm_p2p_pci_addr *addr, char *buf,
				       size_t len)
{
	int n;

	if (!addr || !buf || addr->dev > 0x1f || addr->func > 7)
		return -EINVAL;
	n = snprintf(buf, len, "%04x:%02x:%02x.%u", addr->domain, addr->bus, addr->dev,
		     addr->func);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

static int pci_cmp(const struct drm_p2p_pci_addr *a, const struct drm_p2p_pci_addr *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->func != b->func)
		return a->func < b->func ? -1 : 1;
	return 0;
}

static int desc_cmp(const void *a, const void *b)
{
	return pci_cmp(&((const struct drm_p2p_device_desc *)a)->pci,
		       &((const struct drm_p2p_device_desc *)b)->pci);
}

static bool is_drm_p2p(const char *node)
{
	drmVersionPtr v;
	bool ret;
	int fd;

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	v = drmGetVersion(fd);
	ret = v && v->name && !strcmp(v->name, DRM_P2P_DRIVER_NAME);
	drmFreeVersion(v);
	close(fd);
	return ret;
}

drm_public int drm_p2p_enumerate(struct drm_p2p_device_desc *descs, int max)
{
	drmDevicePtr *devs;
	int n, i, count = 0;

	if (max < 0 || (max && !descs))
		return -EINVAL;

	n = drmGetDevices2(0, NULL, 0);
	if (n == -ENOENT)	/* no /dev/dri at all: no GPU */
		return 0;
	if (n <= 0)
		return n;
	devs = calloc(n, sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	n = drmGetDevices2(0, devs, n);
	if (n < 0) {
		free(devs);
		return n;
	}

	for (i = 0; i < n; i++) {
		drmDevicePtr d = devs[i];
		struct drm_p2p_device_desc desc;
		const char *probe;

		if (d->bustype != DRM_BUS_PCI)
			continue;
		memset(&desc, 0, sizeof(desc));
		if (d->available_nodes & (1 << DRM_NODE_RENDER))
			snprintf(desc.render_node, sizeof(desc.render_node), "%s",
				 d->nodes[DRM_NODE_RENDER]);
		if (d->available_nodes & (1 << DRM_NODE_PRIMARY))
			snprintf(desc.primary_node, sizeof(desc.primary_node), "%s",
				 d->nodes[DRM_NODE_PRIMARY]);
		probe = desc.render_node[0] ? desc.render_node : desc.primary_node;
		if (!probe[0] || !is_drm_p2p(probe))
			continue;
		desc.pci.domain = d->businfo.pci->domain;
		desc.pci.bus = d->businfo.pci->bus;
		desc.pci.dev = d->businfo.pci->dev;
		desc.pci.func = d->businfo.pci->func;
		if (count < max)
			descs[count] = desc;
		count++;
	}
	drmFreeDevices(devs, n);
	free(devs);

	if (descs)
		qsort(descs, count < max ? count : max, sizeof(*descs), desc_cmp);
	return count;
}

static int open_desc(const struct drm_p2p_device_desc *desc, struct drm_p2p_device **out)
{
	struct drm_p2p_device *dev;
	const char *node = desc->render_node[0] ? desc->render_node : desc->primary_node;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->fd = open(node, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		int err = -errno;

		free(dev);
		return err;
	}
	dev->own_fd = true;
	dev->desc = *desc;
	*out = dev;
	return 0;
}

/* All drm_p2p GPUs, sorted; caller frees *descs. */
static int enumerate_all(struct drm_p2p_device_desc **descs)
{
	int n, m;

	*descs = NULL;
	for (;;) {
		n = drm_p2p_enumerate(NULL, 0);
		if (n <= 0)
			return n;
		*descs = calloc(n, sizeof(**descs));
		if (!*descs)
			return -ENOMEM;
		m = drm_p2p_enumerate(*descs, n);
		if (m == n || m < 0)
			break;
		free(*descs);	/* hotplug in between: try again */
	}
	if (m < 0) {
		free(*descs);
		*descs = NULL;
	}
	return m;
}

drm_public int drm_p2p_open_index(int index, struct drm_p2p_device **dev)
{
	struct drm_p2p_device_desc *descs;
	int n, ret;

	if (index < 0 || !dev)
		return -EINVAL;
	n = enumerate_all(&descs);
	if (n < 0)
		return n;
	ret = index < n ? open_desc(&descs[index], dev) : -ENODEV;
	free(descs);
	return ret;
}

drm_public int drm_p2p_open_pci(const char *pci_addr, struct drm_p2p_device **dev)
{
	struct drm_p2p_device_desc *descs;
	struct drm_p2p_pci_addr addr;
	int n, i, ret;

	if (!dev)
		return -EINVAL;
	ret = drm_p2p_parse_pci_addr(pci_addr, &addr);
	if (ret)
		return ret;
	n = enumerate_all(&descs);
	if (n < 0)
		return n;
	ret = -ENODEV;
	for (i = 0; i < n; i++) {
		if (!pci_cmp(&descs[i].pci, &addr)) {
			ret = open_desc(&descs[i], dev);
			break;
		}
	}
	free(descs);
	return ret;
}

drm_public int drm_p2p_open_fd(int fd, struct drm_p2p_device **out)
{
	struct drm_p2p_device *dev;
	drmDevicePtr d = NULL;
	drmVersionPtr v;
	bool ok;
	int ret;

	if (fd < 0 || !out)
		return -EINVAL;
	v = drmGetVersion(fd);
	if (!v)
		return errno ? -errno : -ENOTTY;
	ok = v->name && !strcmp(v->name, DRM_P2P_DRIVER_NAME);
	drmFreeVersion(v);
	if (!ok)
		return -ENODEV;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->fd = fd;
	ret = drmGetDevice2(fd, 0, &d);
	if (ret == 0 && d->bustype == DRM_BUS_PCI) {
		dev->desc.pci.domain = d->businfo.pci->domain;
		dev->desc.pci.bus = d->businfo.pci->bus;
		dev->desc.pci.dev = d->businfo.pci->dev;
		dev->desc.pci.func = d->businfo.pci->func;
		if (d->available_nodes & (1 << DRM_NODE_RENDER))
			snprintf(dev->desc.render_node, sizeof(dev->desc.render_node), "%s",
				 d->nodes[DRM_NODE_RENDER]);
		if (d->available_nodes & (1 << DRM_NODE_PRIMARY))
			snprintf(dev->desc.primary_node, sizeof(dev->desc.primary_node), "%s",
				 d->nodes[DRM_NODE_PRIMARY]);
	}
	if (d)
		drmFreeDevice(&d);
	*out = dev;
	return 0;
}

drm_public void drm_p2p_close(struct drm_p2p_device *dev)
{
	if (!dev)
		return;
	if (dev->own_fd)
		close(dev->fd);
	free(dev);
}

drm_public int drm_p2p_get_fd(const struct drm_p2p_device *dev)
{
	return dev ? dev->fd : -EINVAL;
}

drm_public int drm_p2p_get_desc(const struct drm_p2p_device *dev,
				struct drm_p2p_device_desc *desc)
{
	if (!dev || !desc)
		return -EINVAL;
	*desc = dev->desc;
	return 0;
}

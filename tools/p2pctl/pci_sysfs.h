/* SPDX-License-Identifier: MIT */
/* pci_sysfs.h - what p2pctl reads about a GPU's PCI functions from sysfs. */
#ifndef P2PCTL_PCI_SYSFS_H
#define P2PCTL_PCI_SYSFS_H

#include <stdbool.h>
#include <stdint.h>

#include "drm_p2p.h"

/* IOMMU group number of the function, or -1 when it has none (no IOMMU). */
int sysfs_iommu_group(const struct drm_p2p_pci_addr *fn);

/* Size of BAR @bar of the function, 0 if absent. */
uint64_t sysfs_bar_size(const struct drm_p2p_pci_addr *fn, int bar);

/* True when the function exists and has the given vendor:device. */
bool sysfs_is_device(const struct drm_p2p_pci_addr *fn, unsigned int vendor,
		     unsigned int device);

/*
 * Topological relation of two functions: the number of PCI bridges above
 * each of them and the number they share (0 = they meet at the root complex).
 * Returns 0 or -errno.
 */
int sysfs_common_bridges(const struct drm_p2p_pci_addr *a, const struct drm_p2p_pci_addr *b,
			 int *depth_a, int *depth_b, int *common);

#endif /* P2PCTL_PCI_SYSFS_H */

/* SPDX-License-Identifier: MIT */
/* gpus.h - the GPUs as p2pctl shows them. */
#ifndef P2PCTL_GPUS_H
#define P2PCTL_GPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "drm_p2p.h"

struct gpu {
	int index;
	struct drm_p2p_device_desc desc;
	char bdf[16];
	struct drm_p2p_pci_addr engine;	/* function 1 of the slot */
	bool has_engine;
	char engine_bdf[16];
	int iommu_group;		/* of the VRAM function, -1 if none */
	int engine_iommu_group;
	bool have_info;			/* from the driver */
	uint64_t vram_size, vram_used;
	uint64_t bar_size;		/* BAR2 (VRAM aperture) from sysfs */
};

/*
 * Find all GPUs, filled from sysfs and the driver.  Returns the count
 * (>= 0, *gpus malloc'ed, free with free()) or -errno.
 */
int gpus_find(struct gpu **gpus);

/* common option handling of a command without own options; <0 = continue */
int cmd_simple_opts(int argc, char **argv, const char *usage);

#endif /* P2PCTL_GPUS_H */

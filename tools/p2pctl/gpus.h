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
	bool engine_iommu;		/* the driver says an IOMMU translates */
	uint64_t vram_size, vram_used;
	bool have_svm;			/* the driver gives it shared virtual memory */
	uint64_t svm_size, svm_used;	/* its SVM slice of the VRAM */
	uint32_t svm_group;		/* pagemap owner group */
	uint64_t bar_size;		/* BAR2 (VRAM aperture) from sysfs */
};

/*
 * Find all GPUs, filled from sysfs and the driver.  Returns the count
 * (>= 0, *gpus malloc'ed, free with free()) or -errno.
 */
int gpus_find(struct gpu **gpus);

/*
 * Ask the driver for VRAM size and use (sets gpu->have_info on success) and,
 * through a short-lived SVM context, for the SVM slice and owner group
 * (gpu->have_svm).
 */
int gpu_query_info(struct gpu *gpu);

/*
 * Ask the driver (driver.c) how @to's engine reaches VRAM of @from: path kind
 * and address kind names, *error = -errno of a refused import.  0 if it
 * answered, -errno if it could not be asked.
 */
int gpu_query_path(const struct gpu *from, const struct gpu *to, const char **kind,
		   const char **addr, int *error);

/* common option handling of a command without own options; <0 = continue */
int cmd_simple_opts(int argc, char **argv, const char *usage);

#endif /* P2PCTL_GPUS_H */

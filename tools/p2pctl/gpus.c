// SPDX-License-Identifier: MIT
/* gpus.c - gather what p2pctl knows about each drm_p2p GPU. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpus.h"
#include "p2pctl.h"
#include "pci_sysfs.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8

int gpus_find(struct gpu **out)
{
	struct drm_p2p_device_desc *descs;
	struct gpu *gpus;
	int n, i;

	*out = NULL;
	n = drm_p2p_enumerate(NULL, 0);
	if (n <= 0)
		return n;
	descs = calloc(n, sizeof(*descs));
	gpus = calloc(n, sizeof(*gpus));
	if (!descs || !gpus) {
		free(descs);
		free(gpus);
		return -ENOMEM;
	}
	n = drm_p2p_enumerate(descs, n);	/* may shrink, never grow past max */
	for (i = 0; i < n; i++) {
		struct gpu *g = &gpus[i];

		g->index = i;
		g->desc = descs[i];
		drm_p2p_format_pci_addr(&g->desc.pci, g->bdf, sizeof(g->bdf));
		g->engine = g->desc.pci;
		g->engine.func = 1;
		g->has_engine = sysfs_is_device(&g->engine, EDU_VENDOR, EDU_DEVICE);
		if (g->has_engine)
			drm_p2p_format_pci_addr(&g->engine, g->engine_bdf, sizeof(g->engine_bdf));
		g->iommu_group = sysfs_iommu_group(&g->desc.pci);
		g->engine_iommu_group = g->has_engine ? sysfs_iommu_group(&g->engine) : -1;
		g->bar_size = sysfs_bar_size(&g->desc.pci, 2);
		gpu_query_info(g);
	}
	free(descs);
	*out = gpus;
	return n < 0 ? n : n;
}

int cmd_simple_opts(int argc, char **argv, const char *usage)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "p2pctl: unexpected argument '%s'\n", argv[optind]);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	return -1;
}

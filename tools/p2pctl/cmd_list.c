// SPDX-License-Identifier: MIT
/* cmd_list.c - p2pctl list: one line (or JSON object) per drm_p2p GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpus.h"
#include "p2pctl.h"

static const char list_usage[] =
	"usage: p2pctl [--json] list\n"
	"List the drm_p2p GPUs in index order: PCI address of the VRAM function,\n"
	"render node, VRAM size and use (from the driver), the engine function and\n"
	"the IOMMU groups of both functions ('-' without an IOMMU).\n";

static void group_str(int group, char *buf, size_t len)
{
	if (group < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%d", group);
}

int cmd_list(int argc, char **argv)
{
	struct gpu *gpus;
	int n, i, ret;

	ret = cmd_simple_opts(argc, argv, list_usage);
	if (ret >= 0)
		return ret;

	n = gpus_find(&gpus);
	if (n < 0) {
		fprintf(stderr, "p2pctl: cannot enumerate DRM devices: %s\n", strerror(-n));
		return EXIT_FAIL;
	}

	if (opt_json) {
		printf("{\"gpus\": [");
		for (i = 0; i < n; i++) {
			struct gpu *g = &gpus[i];

			printf("%s\n  {\"index\": %d, \"pci\": ", i ? "," : "", g->index);
			json_str(g->bdf);
			printf(", \"render_node\": ");
			json_str(g->desc.render_node);
			printf(", \"primary_node\": ");
			json_str(g->desc.primary_node);
			if (g->have_info)
				printf(", \"vram_size\": %llu, \"vram_used\": %llu",
				       (unsigned long long)g->vram_size,
				       (unsigned long long)g->vram_used);
			else
				printf(", \"vram_size\": null, \"vram_used\": null");
			printf(", \"vram_bar_size\": %llu", (unsigned long long)g->bar_size);
			printf(", \"engine_pci\": ");
			if (g->has_engine)
				json_str(g->engine_bdf);
			else
				printf("null");
			printf(", \"iommu_group\": ");
			g->iommu_group < 0 ? printf("null") : printf("%d", g->iommu_group);
			printf(", \"engine_iommu_group\": ");
			g->engine_iommu_group < 0 ? printf("null") :
						    printf("%d", g->engine_iommu_group);
			printf("}");
		}
		printf("%s]}\n", n ? "\n" : "");
	} else if (!n) {
		printf("no drm_p2p GPU found\n");
	} else {
		printf("%-3s %-12s %-20s %10s %10s %-12s %5s %6s\n", "GPU", "PCI", "NODE",
		       "VRAM", "USED", "ENGINE", "IOMMU", "ENGINE");
		printf("%-3s %-12s %-20s %10s %10s %-12s %5s %6s\n", "", "", "", "", "", "",
		       "GROUP", "GROUP");
		for (i = 0; i < n; i++) {
			struct gpu *g = &gpus[i];
			char size[32], used[32], grp[16], egrp[16];

			if (g->have_info) {
				fmt_size(g->vram_size, size, sizeof(size));
				fmt_size(g->vram_used, used, sizeof(used));
			} else {
				fmt_size(g->bar_size, size, sizeof(size));
				snprintf(used, sizeof(used), "?");
			}
			group_str(g->iommu_group, grp, sizeof(grp));
			group_str(g->engine_iommu_group, egrp, sizeof(egrp));
			printf("%-3d %-12s %-20s %10s %10s %-12s %5s %6s\n", g->index, g->bdf,
			       g->desc.render_node[0] ? g->desc.render_node : g->desc.primary_node,
			       size, used, g->has_engine ? g->engine_bdf : "-", grp, egrp);
		}
	}
	free(gpus);
	return EXIT_OK;
}

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
	"render node, VRAM size and use (from the driver; the use includes the slice\n"
	"given to shared virtual memory), the engine function, the IOMMU groups of\n"
	"both functions ('-' without an IOMMU), the SVM slice and its pagemap owner\n"
	"group: GPUs of one group map each other's VRAM in place.\n";

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
			if (g->have_svm)
				printf(", \"svm_vram_size\": %llu, \"svm_vram_used\": %llu, "
				       "\"svm_owner_group\": %u", (unsigned long long)g->svm_size,
				       (unsigned long long)g->svm_used, g->svm_group);
			else
				printf(", \"svm_vram_size\": null, \"svm_vram_used\": null, "
				       "\"svm_owner_group\": null");
			printf("}");
		}
		printf("%s]}\n", n ? "\n" : "");
	} else if (!n) {
		printf("no drm_p2p GPU found\n");
	} else {
		printf("%-3s %-12s %-20s %10s %10s %-12s %5s %6s %10s %5s\n", "GPU", "PCI",
		       "NODE", "VRAM", "USED", "ENGINE", "IOMMU", "ENGINE", "SVM", "OWNER");
		printf("%-3s %-12s %-20s %10s %10s %-12s %5s %6s %10s %5s\n", "", "", "", "",
		       "", "", "GROUP", "GROUP", "", "GROUP");
		for (i = 0; i < n; i++) {
			struct gpu *g = &gpus[i];
			char size[32], used[32], grp[16], egrp[16], svm[32], owner[16];

			if (g->have_info) {
				fmt_size(g->vram_size, size, sizeof(size));
				fmt_size(g->vram_used, used, sizeof(used));
			} else {
				fmt_size(g->bar_size, size, sizeof(size));
				snprintf(used, sizeof(used), "?");
			}
			group_str(g->iommu_group, grp, sizeof(grp));
			group_str(g->engine_iommu_group, egrp, sizeof(egrp));
			if (g->have_svm) {
				fmt_size(g->svm_size, svm, sizeof(svm));
				group_str(g->svm_group, owner, sizeof(owner));
			} else {
				snprintf(svm, sizeof(svm), "-");
				snprintf(owner, sizeof(owner), "-");
			}
			printf("%-3d %-12s %-20s %10s %10s %-12s %5s %6s %10s %5s\n", g->index,
			       g->bdf,
			       g->desc.render_node[0] ? g->desc.render_node : g->desc.primary_node,
			       size, used, g->has_engine ? g->engine_bdf : "-", grp, egrp, svm, owner);
		}
	}
	free(gpus);
	return EXIT_OK;
}

// SPDX-License-Identifier: MIT
/*
 * driver.c - the p2pctl parts that talk to the drm_p2p driver through
 * libdrm_p2p: VRAM size/use, the kernel's view of a peer path, and the device
 * part of "p2pctl xfer".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpus.h"
#include "p2pctl.h"

int gpu_query_info(struct gpu *gpu)
{
	struct drm_p2p_svm_stats stats;
	struct drm_p2p_device *dev;
	struct drm_p2p_info info;
	uint32_t ctx;
	int ret;

	gpu->have_info = false;
	gpu->have_svm = false;
	ret = drm_p2p_open_pci(gpu->bdf, &dev);
	if (ret)
		return ret;
	ret = drm_p2p_query_info(dev, &info);
	if (!ret && !drm_p2p_svm_create(dev, 0, &ctx)) {
		if (!drm_p2p_svm_stats(dev, ctx, &stats)) {
			uint64_t page = sysconf(_SC_PAGESIZE);	/* SVM counts CPU pages */

			gpu->svm_size = stats.dev_vram_pages * page;
			gpu->svm_used = stats.dev_vram_used * page;
			gpu->svm_group = stats.dev_owner;
			gpu->have_svm = true;
		}
		drm_p2p_svm_destroy(dev, ctx);
	}
	drm_p2p_close(dev);
	if (ret)
		return ret;
	gpu->vram_size = info.vram_size;
	gpu->vram_used = info.vram_used;
	gpu->engine_iommu = info.engine_flags & DRM_P2P_ENGINE_IOMMU;
	gpu->have_info = true;
	return 0;
}

int gpu_query_path(const struct gpu *from, const struct gpu *to, const char **kind,
		   const char **addr, int *error)
{
	struct drm_p2p_device *a, *b;
	struct drm_p2p_peer_path path;
	int ret;

	ret = drm_p2p_open_pci(from->bdf, &a);
	if (ret)
		return ret;
	ret = drm_p2p_open_pci(to->bdf, &b);
	if (ret) {
		drm_p2p_close(a);
		return ret;
	}
	ret = drm_p2p_query_path(a, b, &path);
	drm_p2p_close(b);
	drm_p2p_close(a);
	if (ret)
		return ret;
	*error = path.error;
	*addr = drm_p2p_path_name(path.path);
	switch (path.path) {
	case DRM_P2P_PATH_LOCAL:
		*kind = "local";
		break;
	case DRM_P2P_PATH_BUS:
		*kind = "switch";
		break;
	case DRM_P2P_PATH_IOVA:
	case DRM_P2P_PATH_PHYS:
		/* the DMA API maps peer BARs through the host bridge */
		*kind = path.kind == DRM_P2P_KIND_IMPORT_SG ? "sg" : "host-bridge";
		break;
	default:
		*kind = "none";
		break;
	}
	return 0;
}

int open_gpu(const char *spec, struct drm_p2p_device **dev)
{
	struct drm_p2p_pci_addr addr;

	if (!drm_p2p_parse_pci_addr(spec, &addr))
		return drm_p2p_open_pci(spec, dev);
	return drm_p2p_open_index(atoi(spec), dev);
}

struct side {
	const char *name;
	struct drm_p2p_device *dev;
	struct drm_p2p_device_desc desc;
	char bdf[16];
	uint32_t handle;
	int nranges;
	struct drm_p2p_dma_range ranges[16];
};

static void print_ranges(const struct side *s, bool last)
{
	int i;

	if (opt_json) {
		printf("  \"%s_dma\": [", s->name);
		for (i = 0; i < s->nranges && i < 16; i++)
			printf("%s{\"addr\": \"0x%llx\", \"size\": %llu, \"path\": \"%s\", "
			       "\"cpu_phys\": \"0x%llx\"}", i ? ", " : "",
			       (unsigned long long)s->ranges[i].dma_addr,
			       (unsigned long long)s->ranges[i].size,
			       drm_p2p_path_name(s->ranges[i].path),
			       (unsigned long long)s->ranges[i].cpu_phys);
		printf("]%s\n", last ? "" : ",");
		return;
	}
	printf("%s %s DMA addresses (%d range%s):\n", s->name, s->bdf, s->nranges,
	       s->nranges == 1 ? "" : "s");
	for (i = 0; i < s->nranges && i < 16; i++)
		printf("  %-5s 0x%016llx + 0x%-8llx (CPU physical 0x%llx)\n",
		       drm_p2p_path_name(s->ranges[i].path),
		       (unsigned long long)s->ranges[i].dma_addr,
		       (unsigned long long)s->ranges[i].size,
		       (unsigned long long)s->ranges[i].cpu_phys);
}

int xfer_run(const struct xfer_args *args)
{
	struct side from = { .name = "exporter" }, to = { .name = "importer" };
	uint64_t expected, sum = 0;
	const char *step = "open the GPUs (see 'p2pctl list')";
	int dmabuf = -1, ret;
	char size[32];

	ret = open_gpu(args->from, &from.dev);
	if (!ret)
		ret = open_gpu(args->to, &to.dev);
	if (ret)
		goto out;
	drm_p2p_get_desc(from.dev, &from.desc);
	drm_p2p_get_desc(to.dev, &to.desc);
	drm_p2p_format_pci_addr(&from.desc.pci, from.bdf, sizeof(from.bdf));
	drm_p2p_format_pci_addr(&to.desc.pci, to.bdf, sizeof(to.bdf));

	step = "allocate VRAM on the exporter";
	ret = drm_p2p_bo_create(from.dev, args->size, DRM_P2P_BO_VRAM, &from.handle);
	if (ret)
		goto out;
	step = "fill with the exporter's engine";
	ret = drm_p2p_fill(from.dev, from.handle, 0, args->size, args->pattern,
			   DRM_P2P_EXEC_SYNC, 0);
	if (ret)
		goto out;
	step = "export";
	ret = drm_p2p_bo_export(from.dev, from.handle, &dmabuf);
	if (ret)
		goto out;
	step = "import on the importer";
	ret = drm_p2p_bo_import(to.dev, dmabuf, &to.handle);
	if (ret)
		goto out;
	step = "checksum with the importer's engine";
	ret = drm_p2p_checksum(to.dev, to.handle, 0, args->size, &sum);
	if (ret)
		goto out;

	/* DMA addresses need CAP_SYS_ADMIN: shown when the driver gives them */
	if (geteuid() == 0) {
		from.nranges = drm_p2p_bo_dma_info(from.dev, from.handle, from.ranges, 16);
		to.nranges = drm_p2p_bo_dma_info(to.dev, to.handle, to.ranges, 16);
	}

	expected = drm_p2p_checksum_pattern(args->pattern, args->size);
	if (opt_json) {
		printf("{\n  \"from\": \"%s\",\n  \"to\": \"%s\",\n  \"size\": %llu,\n"
		       "  \"pattern\": \"0x%08x\",\n  \"checksum\": \"0x%016llx\",\n"
		       "  \"expected\": \"0x%016llx\",\n  \"match\": %s%s\n", from.bdf, to.bdf,
		       (unsigned long long)args->size, args->pattern,
		       (unsigned long long)sum, (unsigned long long)expected,
		       sum == expected ? "true" : "false",
		       from.nranges > 0 || to.nranges > 0 ? "," : "");
		if (from.nranges > 0 || to.nranges > 0) {
			print_ranges(&from, false);
			print_ranges(&to, true);
		}
		printf("}\n");
	} else {
		printf("%s of pattern 0x%08x: VRAM of %s, filled by its engine, read by %s's engine\n",
		       fmt_size(args->size, size, sizeof(size)), args->pattern, from.bdf, to.bdf);
		printf("checksum 0x%016llx, expected 0x%016llx: %s\n", (unsigned long long)sum,
		       (unsigned long long)expected, sum == expected ? "match" : "MISMATCH");
		if (from.nranges > 0)
			print_ranges(&from, false);
		if (to.nranges > 0)
			print_ranges(&to, true);
	}
	if (sum != expected)
		ret = -EIO;
	step = NULL;
out:
	if (ret && step) {
		fprintf(stderr, "p2pctl xfer: %s: %s\n", step, strerror(-ret));
		if (opt_json) {
			printf("{\"from\": ");
			json_str(args->from);
			printf(", \"to\": ");
			json_str(args->to);
			printf(", \"match\": false, \"step\": ");
			json_str(step);
			printf(", \"error\": ");
			json_str(strerror(-ret));
			printf("}\n");
		}
	}
	if (to.handle)
		drm_p2p_bo_close(to.dev, to.handle);
	if (dmabuf >= 0)
		close(dmabuf);
	if (from.handle)
		drm_p2p_bo_close(from.dev, from.handle);
	drm_p2p_close(to.dev);
	drm_p2p_close(from.dev);
	return ret ? EXIT_FAIL : EXIT_OK;
}

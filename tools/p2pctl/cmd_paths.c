// SPDX-License-Identifier: MIT
/*
 * cmd_paths.c - p2pctl paths: the peer-to-peer path between every pair of
 * GPUs (row = exporter whose VRAM is read, column = importer whose engine
 * reads it).
 *
 * The path is what the kernel does: a 4 KiB VRAM buffer of the exporter is
 * imported on the importer and the importer's BO_INFO tells the path its
 * engine uses (gpu_query_path()); a refused import shows as "none" with the
 * error.  When the driver cannot be asked (no permission), the path is
 * derived from the PCI topology in sysfs instead: GPUs below a common PCIe
 * switch reach each other through it, GPUs on the root complex only through
 * the host bridge, which p2pdma allows on whitelisted CPUs only.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpus.h"
#include "p2pctl.h"
#include "pci_sysfs.h"

#define DEBUGFS_PHYR "/sys/kernel/debug/dmabuf_phyr"

static const char paths_usage[] =
	"usage: p2pctl [--json] paths\n"
	"Show the peer-to-peer path matrix: row = exporting GPU (its VRAM),\n"
	"column = importing GPU (its engine), as the kernel maps a VRAM buffer of\n"
	"the exporter for the importer.  Path: local, switch (through a common PCIe\n"
	"switch), host-bridge (through the root complex), sg (scatterlist\n"
	"fallback), none (import refused; the error is shown).  Address: local (VRAM\n"
	"offset), bus (PCI bus address), iova (IOMMU), phys (physical address).\n"
	"Also prints the dmabuf_phyr debugfs files when they are readable.\n";

struct path {
	const char *kind;	/* local, switch, host-bridge, sg, none */
	const char *addr;	/* local, bus, iova, phys, none */
	const char *source;	/* driver, sysfs */
	int error;		/* -errno of a refused import */
};

static void classify(const struct gpu *from, const struct gpu *to, struct path *p)
{
	int da, db, common;

	p->error = 0;
	if (!gpu_query_path(from, to, &p->kind, &p->addr, &p->error)) {
		p->source = "driver";
		return;
	}
	p->source = "sysfs";
	if (from == to) {
		p->kind = "local";
		p->addr = "local";
		return;
	}
	if (sysfs_common_bridges(&from->desc.pci, &to->desc.pci, &da, &db, &common)) {
		p->kind = "none";
		p->addr = "-";
		return;
	}
	p->kind = common ? "switch" : "host-bridge";
	p->addr = to->engine_iommu_group >= 0 ? "iova" : common ? "bus" : "phys";
}

static const char *errno_name(int err)
{
	switch (-err) {
	case EREMOTEIO: return "EREMOTEIO";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case ENODEV: return "ENODEV";
	default: return "error";
	}
}

static void print_debugfs(void)
{
	struct dirent *de;
	DIR *dir = opendir(DEBUGFS_PHYR);

	if (!dir) {
		if (!opt_json)
			printf("\n%s: %s\n", DEBUGFS_PHYR, strerror(errno));
		return;
	}
	while ((de = readdir(dir))) {
		char path[PATH_MAX], line[512];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), DEBUGFS_PHYR "/%s", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!opt_json)
			printf("\n%s (from the kernel):\n", path);
		while (!opt_json && fgets(line, sizeof(line), f))
			printf("  %s", line);
		fclose(f);
	}
	closedir(dir);
}

int cmd_paths(int argc, char **argv)
{
	struct gpu *gpus;
	int n, i, j, ret;

	ret = cmd_simple_opts(argc, argv, paths_usage);
	if (ret >= 0)
		return ret;

	n = gpus_find(&gpus);
	if (n < 0) {
		fprintf(stderr, "p2pctl: cannot enumerate DRM devices: %s\n", strerror(-n));
		return EXIT_FAIL;
	}

	if (opt_json) {
		printf("{\"paths\": [");
		for (i = 0; i < n; i++) {
			for (j = 0; j < n; j++) {
				struct path p;

				classify(&gpus[i], &gpus[j], &p);
				printf("%s\n  {\"from\": %d, \"to\": %d, \"path\": \"%s\", "
				       "\"address\": \"%s\", \"source\": \"%s\", \"error\": ",
				       i || j ? "," : "", i, j, p.kind, p.addr, p.source);
				if (p.error)
					json_str(strerror(-p.error));
				else
					printf("null");
				printf("}");
			}
		}
		printf("%s]}\n", n ? "\n" : "");
	} else if (!n) {
		printf("no drm_p2p GPU found\n");
	} else {
		bool from_sysfs = false;

		printf("%-9s", "from\\to");
		for (j = 0; j < n; j++)
			printf(" %-18s", gpus[j].bdf);
		printf("\n");
		for (i = 0; i < n; i++) {
			printf("%-9s", gpus[i].bdf + 5);
			for (j = 0; j < n; j++) {
				struct path p;
				char cell[32];

				classify(&gpus[i], &gpus[j], &p);
				from_sysfs |= !strcmp(p.source, "sysfs");
				if (p.error)
					snprintf(cell, sizeof(cell), "none (%s)",
						 errno_name(p.error));
				else
					snprintf(cell, sizeof(cell), "%s/%s", p.kind, p.addr);
				printf(" %-18s", cell);
			}
			printf("\n");
		}
		if (from_sysfs)
			printf("\n(some paths derived from the PCI topology in sysfs: the driver could not be asked)\n");
		print_debugfs();
	}
	free(gpus);
	return EXIT_OK;
}

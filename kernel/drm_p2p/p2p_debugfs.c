// SPDX-License-Identifier: GPL-2.0-only
/*
 * Debugfs files of a GPU: dri/N/vram (size, use, buddy state).
 */
#include <linux/debugfs.h>
#include <linux/pci.h>
#include <linux/seq_file.h>

#include <drm/drm_buddy.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "p2p_drv.h"

static int p2p_debugfs_vram(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct p2p_device *p2p = to_p2p_dev(node->minor->dev);
	struct drm_printer p = drm_seq_file_printer(m);

	mutex_lock(&p2p->vram.lock);
	seq_printf(m, "bar: %s/bar%d %pa size %llu\n", pci_name(p2p->pdev), P2P_VRAM_BAR,
		   &p2p->vram_phys, p2p->vram_bar_size);
	seq_printf(m, "size: %llu\nused: %llu\nfree: %llu\n", p2p->vram.size,
		   p2p->vram.used, p2p->vram.size - p2p->vram.used);
	drm_buddy_print(&p2p->vram.mm, &p);
	mutex_unlock(&p2p->vram.lock);
	return 0;
}

static int p2p_debugfs_engine(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct p2p_device *p2p = to_p2p_dev(node->minor->dev);

	seq_printf(m, "engine: %s\niommu: %s\nindex: %u\n", pci_name(p2p->edu.pdev),
		   p2p_edu_translated(p2p) ? "translated" : "direct", p2p->index);
	return 0;
}

static const struct drm_info_list p2p_debugfs_list[] = {
	{ "vram", p2p_debugfs_vram, 0 },
	{ "engine", p2p_debugfs_engine, 0 },
};

/**
 * p2p_debugfs_init - &drm_driver.debugfs_init
 * @minor: the DRM minor whose debugfs directory gets the files
 */
void p2p_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(p2p_debugfs_list, ARRAY_SIZE(p2p_debugfs_list),
				 minor->debugfs_root, minor);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs: /sys/kernel/debug/dmabuf_phyr/buffers lists every phyr dma-buf with its
 * ranges and its attachments, and per attachment the device, the path recorded at
 * attach time, the pins and the device ranges of each live mapping.
 */
#include <kunit/visibility.h>
#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/seq_file.h>

#include "phyr_internal.h"

static struct dentry *phyr_debugfs_dir;

static void phyr_debugfs_show_buf(struct seq_file *m, struct phyr_buf *buf)
{
	struct dma_buf *dmabuf = buf->dmabuf;
	struct dma_buf_attachment *attach;
	struct phyr_view v;
	struct phyr_run r;
	unsigned int i;
	int ret;

	seq_printf(m, "buffer %llu exporter %s size %zu%s\n", (u64)file_inode(dmabuf->file)->i_ino,
		   buf->name, dmabuf->size, buf->revoked ? " revoked" : "");
	ret = phyr_view_get(buf, &v);
	if (ret) {
		seq_printf(m, "  ranges: error %d\n", ret);
	} else {
		for (i = 0; i < v.nr; i++) {
			phyr_view_entry(&v, i, &r);
			seq_printf(m, "  range %u: %s %pa+%#llx\n", i,
				   phyr_provider_name(v.providers[r.prov]), &r.phys, r.len);
		}
		phyr_view_put(&v);
	}

	list_for_each_entry(attach, &dmabuf->attachments, node) {
		struct phyr_attachment *pa = attach->priv;
		struct phyr_mapping *map;

		if (!pa)
			continue;
		seq_printf(m, "  attachment %s %s path %s pins %u%s%s\n",
			   dev_driver_string(attach->dev), dev_name(attach->dev),
			   phyr_map_type_name(pa->path), pa->pins,
			   attach->importer_ops ? " dynamic" : "",
			   attach->importer_ops == &phyr_import_attach_ops ? " phyr" : "");
		list_for_each_entry(map, &pa->maps, node) {
			seq_printf(m, "    mapping %u ranges %llu bytes\n", map->nr, map->size);
			for (i = 0; i < map->nr; i++)
				seq_printf(m, "      %pad+%#llx %s\n", &map->ranges[i].addr,
					   map->ranges[i].len,
					   phyr_map_type_name(map->ranges[i].path));
		}
	}
}

/**
 * phyr_debugfs_show - the listing of every phyr dma-buf
 * @m: the seq_file to print to
 * @unused: unused
 *
 * Return: 0, or -EINTR when interrupted while waiting for a lock.
 */
int phyr_debugfs_show(struct seq_file *m, void *unused)
{
	struct phyr_buf *buf;
	int ret = 0;

	ret = mutex_lock_interruptible(&phyr_bufs_lock);
	if (ret)
		return ret;
	list_for_each_entry(buf, &phyr_bufs, node) {
		ret = dma_resv_lock_interruptible(buf->dmabuf->resv, NULL);
		if (ret)
			break;
		phyr_debugfs_show_buf(m, buf);
		dma_resv_unlock(buf->dmabuf->resv);
	}
	mutex_unlock(&phyr_bufs_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(phyr_debugfs_show);

static int phyr_debugfs_buffers_show(struct seq_file *m, void *unused)
{
	return phyr_debugfs_show(m, unused);
}
DEFINE_SHOW_ATTRIBUTE(phyr_debugfs_buffers);

void phyr_debugfs_init(void)
{
	phyr_debugfs_dir = debugfs_create_dir("dmabuf_phyr", NULL);
	debugfs_create_file("buffers", 0444, phyr_debugfs_dir, NULL,
			    &phyr_debugfs_buffers_fops);
}

void phyr_debugfs_exit(void)
{
	debugfs_remove_recursive(phyr_debugfs_dir);
}

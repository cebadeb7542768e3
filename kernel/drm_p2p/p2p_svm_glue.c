// SPDX-License-Identifier: GPL-2.0-only
/*
 * p2p_svm_glue.c - SVM for a drm_p2p GPU: its VRAM slice comes from the GPU's
 * buddy allocator (one contiguous allocation held for the device's lifetime),
 * its engine accesses go through the driver's fabric (the same address
 * resolution as every other engine operation), and the P2P path between two
 * GPUs is the phyr layer's decision (the same as PRIME's).
 */
#include <linux/dmabuf_phyr.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include <linux/gpu_buddy.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include <uapi/drm/drm_p2p_svm.h>

#include "p2p_drv.h"
#include "p2p_svm.h"

static unsigned int svm_vram_mb = 64;
module_param(svm_vram_mb, uint, 0444);
MODULE_PARM_DESC(svm_vram_mb,
		 "VRAM per GPU given to SVM as device-private memory, MiB, multiple of 2 (0: no SVM, default 64)");

struct p2p_svm_glue {
	struct list_head link;
	struct p2p_device *p2p;
	struct p2p_svm_device *svm;
	struct list_head blocks;
};

static DEFINE_MUTEX(glue_lock);
static LIST_HEAD(glue_list);

static struct p2p_svm_glue *glue_find(struct p2p_device *p2p)
{
	struct p2p_svm_glue *g;

	list_for_each_entry(g, &glue_list, link)
		if (g->p2p == p2p)
			return g;
	return NULL;
}

static int glue_engine_access(struct drm_device *drm, u64 addr, void *buf,
			      size_t len, bool write)
{
	return p2p_fabric_access(to_p2p_dev(drm), addr, buf, len, write);
}

static int glue_peer_path(struct drm_device *provider, struct device *client)
{
	struct p2p_device *p = to_p2p_dev(provider);

	if (!p->provider)
		return -EREMOTEIO;
	switch (phyr_path_for(p->provider, client)) {
	case PHYR_MAP_BUS_ADDR:
		return DRM_P2P_SVM_PATH_BUS_ADDR;
	case PHYR_MAP_THRU_HOST_BRIDGE:
		return DRM_P2P_SVM_PATH_THRU_HOST_BRIDGE;
	default:
		return -EREMOTEIO;
	}
}

/* The slice's offset if @blocks are one contiguous range, else -EINVAL. */
static s64 glue_blocks_offset(struct gpu_buddy *mm, struct list_head *blocks, u64 size)
{
	struct gpu_buddy_block *b;
	u64 start = 0, next = 0;
	bool first = true;

	list_for_each_entry(b, blocks, link) {
		u64 off = gpu_buddy_block_offset(b);

		if (first)
			start = off;
		else if (off != next)
			return -EINVAL;
		next = off + gpu_buddy_block_size(mm, b);
		first = false;
	}
	return !first && next - start == size ? (s64)start : -EINVAL;
}

/**
 * p2p_svm_attach() - give a drm_p2p GPU shared virtual memory
 * @p2p: the GPU, with VRAM manager, fabric node, engine and phyr provider set up
 *
 * Call after drm_dev_register() (the debugfs file goes into the primary
 * minor's directory).  SVM is optional: when the slice cannot be allocated or
 * registered the GPU works without it (SVM ioctls fail with -EOPNOTSUPP) and
 * the log says why.
 */
void p2p_svm_attach(struct p2p_device *p2p)
{
	u64 size = (u64)svm_vram_mb << 20;
	struct p2p_svm_dev_desc desc = {
		.drm = &p2p->drm,
		.vram_pdev = p2p->pdev,
		.vram_bar = P2P_VRAM_BAR,
		.engine_dev = p2p_engine_dev(p2p),
		.vram_size = size,
		.engine_access = glue_engine_access,
		.peer_path = glue_peer_path,
	};
	struct p2p_svm_glue *g;
	s64 off;
	int ret;

	if (!size)
		return;
	g = kzalloc_obj(*g);
	if (!g)
		return;
	g->p2p = p2p;
	INIT_LIST_HEAD(&g->blocks);
	ret = p2p_vram_alloc(p2p, size, true, &g->blocks);
	if (ret) {
		drm_warn(&p2p->drm, "SVM disabled: no %u MiB of VRAM (%d)\n", svm_vram_mb, ret);
		kfree(g);
		return;
	}
	mutex_lock(&p2p->vram.lock);
	off = glue_blocks_offset(&p2p->vram.mm, &g->blocks, size);
	mutex_unlock(&p2p->vram.lock);
	if (off < 0) {
		ret = off;
		goto err;
	}
	desc.vram_offset = off;
	g->svm = p2p_svm_device_register(&desc);
	if (IS_ERR(g->svm)) {
		ret = PTR_ERR(g->svm);
		goto err;
	}
	mutex_lock(&glue_lock);
	list_add_tail(&g->link, &glue_list);
	mutex_unlock(&glue_lock);
	if (p2p->drm.primary)
		p2p_svm_debugfs_init(g->svm, p2p->drm.primary->debugfs_root);
	return;

err:
	drm_warn(&p2p->drm, "SVM disabled (%d)\n", ret);
	p2p_vram_free(p2p, &g->blocks);
	kfree(g);
}

/**
 * p2p_svm_detach() - take SVM away from a drm_p2p GPU
 * @p2p: the GPU, after drm_dev_unplug() (which also removed the debugfs file)
 *	and before its engine and fabric node go
 */
void p2p_svm_detach(struct p2p_device *p2p)
{
	struct p2p_svm_glue *g;

	mutex_lock(&glue_lock);
	g = glue_find(p2p);
	if (g)
		list_del(&g->link);
	mutex_unlock(&glue_lock);
	if (!g)
		return;
	p2p_svm_device_unregister(g->svm);
	p2p_vram_free(p2p, &g->blocks);
	kfree(g);
}

// SPDX-License-Identifier: MIT
/*
 * path.c - the peer-to-peer path between two GPUs as the kernel decides it:
 * a small VRAM BO of the exporter, imported on the importer, described by
 * BO_INFO.
 */
#include <errno.h>
#include <unistd.h>

#include "drm_p2p_priv.h"

drm_public const char *drm_p2p_path_name(uint32_t path)
{
	switch (path) {
	case DRM_P2P_PATH_LOCAL:
		return "local";
	case DRM_P2P_PATH_BUS:
		return "bus";
	case DRM_P2P_PATH_IOVA:
		return "iova";
	case DRM_P2P_PATH_PHYS:
		return "phys";
	case DRM_P2P_PATH_NONE:
		return "none";
	default:
		return "unknown";
	}
}

drm_public int drm_p2p_query_path(struct drm_p2p_device *from, struct drm_p2p_device *to,
				  struct drm_p2p_peer_path *path)
{
	struct drm_p2p_bo_info info;
	uint32_t bo = 0, imported = 0;
	int dmabuf = -1, ret;

	if (!from || !to || !path)
		return -EINVAL;
	ret = drm_p2p_bo_create(from, 4096, DRM_P2P_BO_VRAM, &bo);
	if (ret)
		return ret;
	ret = drm_p2p_bo_export(from, bo, &dmabuf);
	if (ret)
		goto out;

	path->path = DRM_P2P_PATH_NONE;
	path->kind = 0;
	path->error = drm_p2p_bo_import(to, dmabuf, &imported);
	if (!path->error)
		path->error = drm_p2p_bo_info(to, imported, &info);
	if (!path->error) {
		path->path = info.path;
		path->kind = info.kind;
	}
	/* an import on the exporting file gives back the BO's own handle */
	if (imported && !(to->fd == from->fd && imported == bo))
		drm_p2p_bo_close(to, imported);
out:
	if (dmabuf >= 0)
		close(dmabuf);
	drm_p2p_bo_close(from, bo);
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * p2p_interop: drm_p2p with unmodified upstream drivers.
 *
 *  - vgem exports a buffer written through vgem's mmap; every drm_p2p GPU imports it
 *    (scatterlist path), its engine's checksum equals the CPU's and its writes show in
 *    vgem's mapping.
 *  - vkms imports a drm_p2p VRAM buffer through PRIME as a framebuffer and scans it
 *    out: the CRC of what vkms composes equals the CRC of a vkms dumb buffer holding
 *    the same pixels, which the drm_p2p engine wrote into its VRAM.  (Nothing here maps
 *    the import on the vkms side: vkms of Linux 6.1 refused MAP_DUMB on imports.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "p2p/p2p_ioctl.h"

IGT_TEST_DESCRIPTION("drm_p2p with vgem (import) and vkms (scanout of a drm_p2p buffer)");

static int nr_gpus;
static int gpu_fd[P2P_MAX_GPUS];

/* Open a driver that is a module of the test kernel, loading it when needed. */
static int open_or_load(int chipset, const char *module)
{
	int fd = __drm_open_driver(chipset);
	char cmd[64];

	if (fd >= 0)
		return fd;
	snprintf(cmd, sizeof(cmd), "modprobe %s >/dev/null 2>&1", module);
	igt_require_f(system(cmd) == 0, "cannot load %s\n", module);
	fd = __drm_open_driver(chipset);
	igt_require_f(fd >= 0, "no %s device after loading it\n", module);
	return fd;
}

/* ---- vgem -------------------------------------------------------------------------- */

static void test_vgem_import(int vgem, int g)
{
	const unsigned int w = 256, h = 64;	/* 64 KiB */
	struct drm_p2p_bo_info bi;
	unsigned int stride;
	uint64_t size;
	uint32_t vh, ph;
	uint8_t *map, *ref;
	int dmabuf;

	vh = kmstest_dumb_create(vgem, w, h, 32, &stride, &size);
	map = kmstest_dumb_map_buffer(vgem, vh, size, PROT_READ | PROT_WRITE);
	ref = malloc(size);
	igt_assert(ref);
	p2p_fill_data(ref, size, 500 + g);
	memcpy(map, ref, size);

	dmabuf = prime_handle_to_fd(vgem, vh);
	ph = prime_fd_to_handle(gpu_fd[g], dmabuf);
	p2p_bo_info(gpu_fd[g], ph, &bi);
	igt_assert_eq_u32(bi.kind, DRM_P2P_KIND_IMPORT_SG);
	igt_assert_eq_u64(bi.size, size);
	igt_assert(bi.path == DRM_P2P_PATH_IOVA || bi.path == DRM_P2P_PATH_PHYS);
	igt_info("GPU %d imports vgem's buffer: %s, %u ranges\n", g, p2p_path_name(bi.path),
		 bi.nr_ranges);

	igt_assert_eq_u64(p2p_checksum(gpu_fd[g], ph, 0, size), p2p_fnv1a(ref, size));
	igt_assert_eq_u64(p2p_checksum(gpu_fd[g], ph, 4092, 4100),
			  p2p_fnv1a(ref + 4092, 4100));

	/* the engine writes into vgem's pages, the CPU sees it through vgem's mmap */
	p2p_fill(gpu_fd[g], ph, 0x0ddba11, 8192, 8192);
	{
		uint32_t *wds = (uint32_t *)(ref + 8192);
		unsigned int i;

		for (i = 0; i < 8192 / 4; i++)
			wds[i] = 0x0ddba11;
	}
	prime_sync_start(dmabuf, false);
	igt_assert(!memcmp(map, ref, size));
	prime_sync_end(dmabuf, false);

	/* copy vgem -> VRAM, check it locally */
	{
		uint32_t v = p2p_bo_create(gpu_fd[g], size, DRM_P2P_BO_VRAM);

		p2p_copy(gpu_fd[g], v, 0, ph, 0, size);
		igt_assert_eq_u64(p2p_checksum(gpu_fd[g], v, 0, size), p2p_fnv1a(ref, size));
		gem_close(gpu_fd[g], v);
	}
	/* a proof at the engine's address of a vgem page (root only) */
	if (geteuid() == 0) {
		uint8_t buf[512];
		uint32_t path;

		p2p_probe_read(gpu_fd[g], ph, 3 * 4096 + 100, buf, sizeof(buf), NULL, &path);
		igt_assert_eq_u32(path, bi.path);
		igt_assert(!memcmp(buf, ref + 3 * 4096 + 100, sizeof(buf)));
	}

	gem_close(gpu_fd[g], ph);
	close(dmabuf);
	munmap(map, size);
	kmstest_dumb_destroy(vgem, vh);
	free(ref);
}

/* ---- vkms -------------------------------------------------------------------------- */

struct scanout {
	int fd;
	uint32_t crtc, connector;
	drmModeModeInfo mode;
	char crc_dir[96];
};

static void find_output(struct scanout *s)
{
	drmModeRes *res = drmModeGetResources(s->fd);
	drmModeConnector *conn = NULL;
	int i;

	igt_require(res && res->count_crtcs > 0);
	for (i = 0; i < res->count_connectors && !conn; i++) {
		conn = drmModeGetConnector(s->fd, res->connectors[i]);
		if (conn && (conn->connection != DRM_MODE_CONNECTED || !conn->count_modes ||
			     conn->connector_type == DRM_MODE_CONNECTOR_WRITEBACK)) {
			drmModeFreeConnector(conn);
			conn = NULL;
		}
	}
	igt_require_f(conn, "vkms has no connected output\n");
	s->connector = conn->connector_id;
	s->mode = conn->modes[0];
	for (i = 0; i < conn->count_modes; i++)
		if (conn->modes[i].type & DRM_MODE_TYPE_PREFERRED) {
			s->mode = conn->modes[i];
			break;
		}
	s->crtc = res->crtcs[0];
	drmModeFreeConnector(conn);
	drmModeFreeResources(res);
}

/* The CRC vkms computes of what it composes for the framebuffer @fb, once stable. */
static uint32_t scanout_crc(struct scanout *s, uint32_t fb)
{
	char path[128], line[64];
	uint32_t crcs[8], frame;
	int ctl, data, i;

	igt_assert_eq(drmModeSetCrtc(s->fd, s->crtc, fb, 0, 0, &s->connector, 1, &s->mode), 0);
	snprintf(path, sizeof(path), "%s/control", s->crc_dir);
	ctl = open(path, O_WRONLY);
	igt_require_f(ctl >= 0, "no CRC control (%s)\n", path);
	igt_assert_eq(write(ctl, "auto", 4), 4);
	close(ctl);
	snprintf(path, sizeof(path), "%s/data", s->crc_dir);
	data = open(path, O_RDONLY);
	igt_assert_f(data >= 0, "%s: %s\n", path, strerror(errno));
	for (i = 0; i < 8; i++) {
		/* one "0xframe 0xcrc\n" line per read */
		ssize_t n = read(data, line, sizeof(line) - 1);

		igt_assert_f(n > 0, "CRC read: %zd (%s)\n", n, strerror(errno));
		line[n] = '\0';
		igt_assert_eq(sscanf(line, "%x %x", &frame, &crcs[i]), 2);
	}
	close(data);
	/* the first frames may predate the flip; the last ones agree */
	igt_assert_f(crcs[5] == crcs[6] && crcs[6] == crcs[7],
		     "unstable CRC: %08x %08x %08x\n", crcs[5], crcs[6], crcs[7]);
	return crcs[7];
}

struct band {
	uint32_t xrgb;
};

static const struct band bands[] = {
	{ 0x00ff0000 }, { 0x0000ff00 }, { 0x000000ff }, { 0x00123456 }, { 0x00fedcba },
	{ 0x00808080 },
};

/* Pixel (x, y) of the test image: horizontal bands. */
static uint32_t band_color(unsigned int y, unsigned int height, int variant)
{
	unsigned int b = y * ARRAY_SIZE(bands) / height;

	if (variant && b == ARRAY_SIZE(bands) - 1)
		return 0x00010101;
	return bands[b].xrgb;
}

/* A vkms dumb framebuffer with the image, written by the CPU. */
static uint32_t reference_fb(struct scanout *s, int variant, uint32_t *handle)
{
	unsigned int w = s->mode.hdisplay, h = s->mode.vdisplay, stride, x, y;
	uint32_t fb, handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	uint64_t size;
	uint32_t *map;

	*handle = kmstest_dumb_create(s->fd, w, h, 32, &stride, &size);
	map = kmstest_dumb_map_buffer(s->fd, *handle, size, PROT_WRITE);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			map[y * (stride / 4) + x] = band_color(y, h, variant);
	munmap(map, size);
	handles[0] = *handle;
	pitches[0] = stride;
	igt_assert_eq(drmModeAddFB2(s->fd, w, h, DRM_FORMAT_XRGB8888, handles, pitches,
				    offsets, &fb, 0), 0);
	return fb;
}

static void test_vkms_scanout(int g)
{
	struct scanout s = {};
	unsigned int w, h, y0, y;
	uint32_t ref_fb, var_fb, p2p_fb, ref_h, var_h, p2p_h, vkms_h;
	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	uint32_t crc_ref, crc_var, crc_p2p;
	uint64_t size;
	struct stat st;
	int dmabuf;

	s.fd = open_or_load(DRIVER_VKMS, "vkms");
	igt_assert_eq(fstat(s.fd, &st), 0);
	snprintf(s.crc_dir, sizeof(s.crc_dir), "/sys/kernel/debug/dri/%u/crtc-0/crc",
		 minor(st.st_rdev));
	igt_require_f(access(s.crc_dir, F_OK) == 0, "no vkms CRC in debugfs (%s)\n", s.crc_dir);
	find_output(&s);
	w = s.mode.hdisplay;
	h = s.mode.vdisplay;
	igt_info("vkms mode %ux%u, CRCs in %s\n", w, h, s.crc_dir);

	/* the image in drm_p2p VRAM, written by the engine, band by band */
	size = (uint64_t)w * 4 * h;
	/*
	 * Contiguous, as scanout buffers are: the driver gives a kernel mapping (vmap,
	 * what vkms composes from) only of a VRAM BO that is one range.
	 */
	p2p_h = p2p_bo_create(gpu_fd[g], size, DRM_P2P_BO_VRAM | DRM_P2P_BO_CONTIGUOUS);
	for (y0 = 0; y0 < h; y0 = y) {
		uint32_t c = band_color(y0, h, 0);

		for (y = y0; y < h && band_color(y, h, 0) == c; y++)
			;
		p2p_fill(gpu_fd[g], p2p_h, c, (uint64_t)y0 * w * 4, (uint64_t)(y - y0) * w * 4);
	}
	dmabuf = prime_handle_to_fd(gpu_fd[g], p2p_h);
	{
		struct drm_prime_handle args = { .fd = dmabuf };

		/*
		 * vkms attaches with its platform device, which reaches no BAR, and
		 * never maps the buffer for DMA: it composes from a vmap.  An importer
		 * that does not take device memory attaches on every preset.
		 */
		igt_assert_f(igt_ioctl(s.fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &args) == 0,
			     "vkms import of drm_p2p VRAM: %s\n", strerror(errno));
		vkms_h = args.handle;
	}
	handles[0] = vkms_h;
	pitches[0] = w * 4;
	igt_assert_eq(drmModeAddFB2(s.fd, w, h, DRM_FORMAT_XRGB8888, handles, pitches,
				    offsets, &p2p_fb, 0), 0);

	ref_fb = reference_fb(&s, 0, &ref_h);
	var_fb = reference_fb(&s, 1, &var_h);

	crc_ref = scanout_crc(&s, ref_fb);
	crc_var = scanout_crc(&s, var_fb);
	crc_p2p = scanout_crc(&s, p2p_fb);
	igt_info("CRC reference %08x, variant %08x, drm_p2p VRAM %08x\n", crc_ref, crc_var,
		 crc_p2p);
	/* the CRC sees a difference of one band ... */
	igt_assert_neq_u32(crc_ref, crc_var);
	/* ... and none between the engine's VRAM and the CPU's reference */
	igt_assert_eq_u32(crc_p2p, crc_ref);

	/* the engine changes the VRAM under the framebuffer: vkms shows the change */
	{
		const uint32_t last = bands[ARRAY_SIZE(bands) - 1].xrgb;

		for (y = 0; y < h && band_color(y, h, 0) != last; y++)
			;
		p2p_fill(gpu_fd[g], p2p_h, 0x00010101, (uint64_t)y * w * 4,
			 size - (uint64_t)y * w * 4);
		igt_assert_eq_u32(scanout_crc(&s, p2p_fb), crc_var);
	}

	drmModeSetCrtc(s.fd, s.crtc, 0, 0, 0, NULL, 0, NULL);
	drmModeRmFB(s.fd, p2p_fb);
	drmModeRmFB(s.fd, ref_fb);
	drmModeRmFB(s.fd, var_fb);
	kmstest_dumb_destroy(s.fd, ref_h);
	kmstest_dumb_destroy(s.fd, var_h);
	gem_close(s.fd, vkms_h);
	close(dmabuf);
	gem_close(gpu_fd[g], p2p_h);
	close(s.fd);
}

igt_main
{
	static int g;

	igt_fixture {
		nr_gpus = p2p_num_gpus();
		igt_require_f(nr_gpus >= 1, "no drm_p2p GPU\n");
		for (g = 0; g < nr_gpus; g++)
			gpu_fd[g] = p2p_open_gpu(g);
	}

	igt_describe("vgem exports, every drm_p2p GPU imports and checksums");
	igt_subtest_with_dynamic("vgem-import") {
		int vgem = open_or_load(DRIVER_VGEM, "vgem");

		for (g = 0; g < nr_gpus; g++)
			igt_dynamic_f("gpu%d", g)
				test_vgem_import(vgem, g);
		close(vgem);
	}

	igt_describe("vkms scans out a drm_p2p VRAM buffer: its CRC equals a reference's");
	igt_subtest("vkms-scanout")
		test_vkms_scanout(0);

	igt_fixture {
		for (g = 0; g < nr_gpus; g++)
			close(gpu_fd[g]);
	}
}

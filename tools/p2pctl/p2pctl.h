/* SPDX-License-Identifier: MIT */
/* p2pctl.h - shared between the p2pctl commands. */
#ifndef P2PCTL_H
#define P2PCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "drm_p2p.h"

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

extern bool opt_json;

/* "1M", "4k", "4096", "0x1000" -> bytes; -EINVAL if malformed or zero */
int parse_size(const char *s, uint64_t *out);
/* human readable size into @buf ("256 MiB", "1.5 KiB", "12 B") */
const char *fmt_size(uint64_t v, char *buf, size_t len);
/* print @s as a JSON string (quoted, escaped) */
void json_str(const char *s);
/* a GPU on the command line: an index ('p2pctl list') or a PCI address */
bool valid_gpu(const char *spec);
/* open the GPU @spec names (driver.c) */
int open_gpu(const char *spec, struct drm_p2p_device **dev);
/* a 32-bit number ("0xc0ffee42"); -EINVAL if malformed or wider */
int parse_u32(const char *s, uint32_t *out);

struct xfer_args {
	const char *from, *to;	/* GPU index or PCI address */
	uint64_t size;
	uint32_t pattern;
};

/* the device part of "p2pctl xfer"; returns an exit status */
int xfer_run(const struct xfer_args *args);

struct svm_args {
	const char *owner, *reader;	/* GPU index or PCI address */
	uint64_t size;
	uint32_t pattern;
	bool no_peer;			/* the reader migrates instead of mapping */
};

/* the device part of "p2pctl svm"; returns an exit status */
int svm_run(const struct svm_args *args);

int cmd_list(int argc, char **argv);
int cmd_paths(int argc, char **argv);
int cmd_xfer(int argc, char **argv);
int cmd_svm(int argc, char **argv);

#endif /* P2PCTL_H */

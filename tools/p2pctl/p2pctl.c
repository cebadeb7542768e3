// SPDX-License-Identifier: MIT
/*
 * p2pctl - inspect drm_p2p GPUs and move buffers between them.
 *
 *   p2pctl [--json] list
 *   p2pctl [--json] paths
 *   p2pctl [--json] xfer --from A --to B --size N [--pattern 0xPPPPPPPP]
 *   p2pctl [--json] svm --owner A --reader B [--size N] [--pattern 0xPPPPPPPP] [--no-peer]
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p2pctl.h"

bool opt_json;

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "list", cmd_list, "list the drm_p2p GPUs: PCI address, VRAM size/used, IOMMU groups" },
	{ "paths", cmd_paths, "show the peer-to-peer path between every pair of GPUs" },
	{ "xfer", cmd_xfer, "fill a buffer on one GPU, share it with another, verify there" },
	{ "svm", cmd_svm, "put process memory in one GPU's VRAM, read it with another GPU" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: p2pctl [--json] [--help] <command> [<args>]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-6s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'p2pctl <command> --help' describes a command.\n"
		   "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

bool valid_gpu(const char *s)
{
	struct drm_p2p_pci_addr addr;
	char *end;

	if (!drm_p2p_parse_pci_addr(s, &addr))
		return true;
	errno = 0;
	return *s && strtol(s, &end, 10) >= 0 && !*end && !errno;
}

int parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > 0xffffffffull)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end == 'i' && shift)
		end++;
	if ((*end == 'B' || *end == 'b') && end[1] == '\0')
		end++;
	if (*end || !v || (shift && v > (~0ull >> shift)))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

const char *fmt_size(uint64_t v, char *buf, size_t len)
{
	static const char * const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	double d = v;

	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	if (u == 0 || d == (uint64_t)d)
		snprintf(buf, len, "%llu %s", (unsigned long long)d, units[u]);
	else
		snprintf(buf, len, "%.1f %s", d, units[u]);
	return buf;
}

void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 }
	};
	size_t i;
	int c;

	/* options before the command only; the command parses the rest */
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[optind], commands[i].name)) {
			argc -= optind;
			argv += optind;
			optind = 1;
			return commands[i].fn(argc, argv);
		}
	}
	fprintf(stderr, "p2pctl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}

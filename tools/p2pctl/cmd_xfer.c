// SPDX-License-Identifier: MIT
/* cmd_xfer.c - p2pctl xfer: command line of the cross-GPU transfer check. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p2pctl.h"

static const char xfer_usage[] =
	"usage: p2pctl [--json] xfer --from GPU --to GPU --size SIZE [--pattern 0xPPPPPPPP]\n"
	"Allocate SIZE bytes of VRAM on GPU --from, fill them with the 32-bit\n"
	"pattern (default 0xc0ffee42) using that GPU's engine, export the buffer as\n"
	"a dma-buf, import it on GPU --to, checksum it with --to's engine (which\n"
	"reads the exporter's VRAM peer-to-peer) and compare with the checksum the\n"
	"pattern must give.  GPU is an index ('p2pctl list') or a PCI address.\n"
	"SIZE takes k/M/G suffixes (powers of 1024).  As root, also prints the DMA\n"
	"addresses each device uses for the buffer.\n";

int cmd_xfer(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "size", required_argument, NULL, 's' },
		{ "pattern", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 }
	};
	struct xfer_args args = { .pattern = 0xc0ffee42 };
	int c;

	while ((c = getopt_long(argc, argv, "f:t:s:p:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			args.from = optarg;
			break;
		case 't':
			args.to = optarg;
			break;
		case 's':
			if (parse_size(optarg, &args.size)) {
				fprintf(stderr, "p2pctl xfer: bad size '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			if (parse_u32(optarg, &args.pattern)) {
				fprintf(stderr, "p2pctl xfer: bad 32-bit pattern '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			opt_json = true;
			break;
		case 'h':
			fputs(xfer_usage, stdout);
			return EXIT_OK;
		default:
			fputs(xfer_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "p2pctl xfer: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (!args.from || !args.to || !args.size) {
		fputs(xfer_usage, stderr);
		return EXIT_USAGE;
	}
	if (!valid_gpu(args.from) || !valid_gpu(args.to)) {
		fprintf(stderr, "p2pctl xfer: a GPU is an index or a PCI address\n");
		return EXIT_USAGE;
	}
	return xfer_run(&args);
}

// SPDX-License-Identifier: MIT
/* cmd_svm.c - p2pctl svm: command line of the shared virtual memory check. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "p2pctl.h"

static const char svm_usage[] =
	"usage: p2pctl [--json] svm --owner GPU --reader GPU [--size SIZE]\n"
	"                           [--pattern 0xPPPPPPPP] [--no-peer]\n"
	"Shared virtual memory across two GPUs, in this process's address space:\n"
	"fill SIZE bytes (default 1M, whole CPU pages) of anonymous memory with\n"
	"the 32-bit pattern (default 0x5eed600d), migrate them into the VRAM of GPU\n"
	"--owner, then checksum them with GPU --reader's engine.  When the two GPUs\n"
	"are P2P peers (one pagemap owner group) the reader maps the owner's VRAM\n"
	"and nothing moves; otherwise, or with --no-peer, the pages migrate back to\n"
	"system memory first.  Prints where the pages are afterwards, the reader's\n"
	"page table entries (kind, path, DMA address as root) and the bytes copied.\n"
	"Fails if the checksum is wrong, or if pages moved between peers.  The bytes\n"
	"copied come from GPU-wide counters: other users of the GPUs at the same\n"
	"time show up in them too.\n";

int cmd_svm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "owner", required_argument, NULL, 'o' },
		{ "reader", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 's' },
		{ "pattern", required_argument, NULL, 'p' },
		{ "no-peer", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 }
	};
	struct svm_args args = { .size = 1 << 20, .pattern = 0x5eed600d };
	int c;

	while ((c = getopt_long(argc, argv, "o:r:s:p:njh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			args.owner = optarg;
			break;
		case 'r':
			args.reader = optarg;
			break;
		case 's':
			if (parse_size(optarg, &args.size)) {
				fprintf(stderr, "p2pctl svm: bad size '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'p':
			if (parse_u32(optarg, &args.pattern)) {
				fprintf(stderr, "p2pctl svm: bad 32-bit pattern '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'n':
			args.no_peer = true;
			break;
		case 'j':
			opt_json = true;
			break;
		case 'h':
			fputs(svm_usage, stdout);
			return EXIT_OK;
		default:
			fputs(svm_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "p2pctl svm: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (!args.owner || !args.reader) {
		fputs(svm_usage, stderr);
		return EXIT_USAGE;
	}
	if (!valid_gpu(args.owner) || !valid_gpu(args.reader)) {
		fprintf(stderr, "p2pctl svm: a GPU is an index or a PCI address\n");
		return EXIT_USAGE;
	}
	return svm_run(&args);
}

// SPDX-License-Identifier: MIT
/*
 * svm_check.c - the device part of "p2pctl svm": memory of this process put
 * in one GPU's VRAM and read by another GPU's engine, peer-to-peer when the
 * two GPUs share a pagemap owner, else after migration back to RAM.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "p2pctl.h"

struct svm_gpu {
	const char *role;
	struct drm_p2p_device *dev;
	uint32_t ctx;
	struct drm_p2p_device_desc desc;
	char bdf[16];
	const char *card;		/* "card0", in desc */
	uint32_t minor;
	struct drm_p2p_svm_stats before, after;
};

struct svm_result {
	uint64_t page, npages, moved_in, expected, checksum;
	struct drm_p2p_svm_faults faults;
	double ms;
	uint64_t kinds[3], other_owner;	/* reader entries by kind */
	struct drm_p2p_svm_entry first;	/* the reader's first entry */
	uint64_t still_in_vram;		/* pages the owner still has locally */
	uint64_t bytes_copied;
	bool peers;
};

static int svm_gpu_open(struct svm_gpu *g, const char *spec, uint32_t flags)
{
	const char *card;
	int ret;

	ret = open_gpu(spec, &g->dev);
	if (ret)
		return ret;
	drm_p2p_get_desc(g->dev, &g->desc);
	drm_p2p_format_pci_addr(&g->desc.pci, g->bdf, sizeof(g->bdf));
	card = strrchr(g->desc.primary_node, '/');
	g->card = card ? card + 1 : "?";
	if (!card || sscanf(card, "/card%u", &g->minor) != 1)
		g->minor = UINT32_MAX;	/* matches no entry */
	return drm_p2p_svm_create(g->dev, flags, &g->ctx);
}

static void svm_gpu_close(struct svm_gpu *g)
{
	if (g->ctx)
		drm_p2p_svm_destroy(g->dev, g->ctx);
	drm_p2p_close(g->dev);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* How the reader's page table and the owner's VRAM look after the read. */
static int svm_inspect(struct svm_gpu *owner, struct svm_gpu *reader, void *mem,
		       struct svm_result *r)
{
	struct drm_p2p_svm_entry *e;
	uint64_t i;
	int ret;

	e = calloc(r->npages, sizeof(*e));
	if (!e)
		return -ENOMEM;
	ret = drm_p2p_svm_query(reader->dev, reader->ctx, mem, r->npages, e);
	if (ret)
		goto out;
	r->first = e[0];
	for (i = 0; i < r->npages; i++) {
		if (!e[i].valid || e[i].kind > DRM_P2P_SVM_KIND_PEER)
			continue;
		r->kinds[e[i].kind]++;
		if (e[i].kind == DRM_P2P_SVM_KIND_PEER && e[i].owner_minor != owner->minor)
			r->other_owner++;
	}
	/* the owner's own view: local entries are pages still in its VRAM */
	ret = drm_p2p_svm_prefetch(owner->dev, owner->ctx, mem, r->npages * r->page, NULL);
	if (!ret)
		ret = drm_p2p_svm_query(owner->dev, owner->ctx, mem, r->npages, e);
	if (ret)
		goto out;
	for (i = 0; i < r->npages; i++)
		if (e[i].valid && e[i].kind == DRM_P2P_SVM_KIND_LOCAL)
			r->still_in_vram++;
out:
	free(e);
	return ret;
}

static void svm_print(const struct svm_args *a, const struct svm_gpu *o,
		      const struct svm_gpu *rd, const struct svm_result *r)
{
	char sz[32], copied[32];

	fmt_size(a->size, sz, sizeof(sz));
	fmt_size(r->bytes_copied, copied, sizeof(copied));
	if (opt_json) {
		printf("{\n  \"owner\": \"%s\",\n  \"reader\": \"%s\",\n  \"size\": %llu,\n"
		       "  \"pages\": %llu,\n  \"migrated_to_owner_vram\": %llu,\n"
		       "  \"p2p_peers\": %s,\n  \"owner_group\": %u,\n  \"reader_group\": %u,\n"
		       "  \"checksum\": \"0x%016llx\",\n  \"expected\": \"0x%016llx\",\n"
		       "  \"match\": %s,\n  \"fault_batches\": %llu,\n  \"pages_faulted\": %llu,\n"
		       "  \"read_ms\": %.3f,\n  \"reader_entries\": {\"system\": %llu, "
		       "\"local\": %llu, \"peer\": %llu},\n  \"reader_path\": \"%s\",\n"
		       "  \"reader_dma_addr\": \"0x%llx\",\n  \"still_in_owner_vram\": %llu,\n"
		       "  \"bytes_copied\": %llu\n}\n",
		       o->bdf, rd->bdf, (unsigned long long)a->size,
		       (unsigned long long)r->npages, (unsigned long long)r->moved_in,
		       r->peers ? "true" : "false", o->after.dev_owner, rd->after.dev_owner,
		       (unsigned long long)r->checksum, (unsigned long long)r->expected,
		       r->checksum == r->expected ? "true" : "false",
		       (unsigned long long)r->faults.batches, (unsigned long long)r->faults.pages,
		       r->ms, (unsigned long long)r->kinds[0], (unsigned long long)r->kinds[1],
		       (unsigned long long)r->kinds[2], drm_p2p_svm_path_name(r->first.path),
		       (unsigned long long)r->first.dma_addr,
		       (unsigned long long)r->still_in_vram, (unsigned long long)r->bytes_copied);
		return;
	}
	printf("%s of pattern 0x%08x in this process, migrated into the VRAM of %s (%s): "
	       "%llu pages\n", sz, a->pattern, o->bdf, o->card, (unsigned long long)r->moved_in);
	printf("owner groups: %s %u, %s %u: %s\n", o->card, o->after.dev_owner, rd->card,
	       rd->after.dev_owner,
	       r->peers ? "P2P peers, the reader maps the owner's VRAM" :
	       a->no_peer ? "the reader's context is NO_PEER, pages migrate to RAM" :
	       "not P2P peers, pages migrate to RAM");
	printf("%s (%s) checksummed the range: 0x%016llx, expected 0x%016llx: %s\n",
	       rd->bdf, rd->card, (unsigned long long)r->checksum,
	       (unsigned long long)r->expected, r->checksum == r->expected ? "match" : "MISMATCH");
	printf("  %llu fault batch%s, %llu pages faulted, %.1f ms\n",
	       (unsigned long long)r->faults.batches, r->faults.batches == 1 ? "" : "es",
	       (unsigned long long)r->faults.pages, r->ms);
	printf("reader's page table: %llu peer, %llu local, %llu system entries; first: %s",
	       (unsigned long long)r->kinds[2], (unsigned long long)r->kinds[1],
	       (unsigned long long)r->kinds[0], drm_p2p_svm_kind_name(r->first.kind));
	if (r->first.kind == DRM_P2P_SVM_KIND_PEER)
		printf(" (VRAM of card%u)", r->first.owner_minor);
	printf(", path %s", drm_p2p_svm_path_name(r->first.path));
	if (r->first.dma_addr)
		printf(", DMA address 0x%llx", (unsigned long long)r->first.dma_addr);
	printf("\nafterwards: %llu of %llu pages still in %s's VRAM, %s copied\n",
	       (unsigned long long)r->still_in_vram, (unsigned long long)r->npages, o->card,
	       copied);
}

int svm_run(const struct svm_args *a)
{
	struct svm_gpu owner = { .role = "owner" }, reader = { .role = "reader" };
	const char *step = "open the GPUs and create SVM contexts";
	struct svm_result r = { .page = (uint64_t)sysconf(_SC_PAGESIZE) };
	void *mem = MAP_FAILED;
	bool same_gpu = false;
	int64_t moved;
	int ret;

	/* SVM works in CPU pages; the page table is read in one query */
	if (a->size % r.page || a->size / r.page > UINT32_MAX) {
		fprintf(stderr, "p2pctl svm: the size must be a multiple of %llu bytes, at most %llu pages\n",
			(unsigned long long)r.page, (unsigned long long)UINT32_MAX);
		return EXIT_USAGE;
	}
	r.npages = a->size / r.page;
	ret = svm_gpu_open(&owner, a->owner, 0);
	if (!ret)
		ret = svm_gpu_open(&reader, a->reader,
				   a->no_peer ? DRM_P2P_SVM_CTX_NO_PEER : 0);
	if (ret)
		goto out;
	if (!strcmp(owner.bdf, reader.bdf)) {
		fprintf(stderr, "p2pctl svm: owner and reader are the same GPU (%s)\n", owner.bdf);
		same_gpu = true;
		step = NULL;
		ret = -EINVAL;
		goto out;
	}

	step = "map anonymous memory";
	mem = mmap(NULL, a->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	for (uint64_t i = 0; i < a->size / 4; i++)
		((uint32_t *)mem)[i] = a->pattern;
	r.expected = drm_p2p_checksum_pattern(a->pattern, a->size);

	step = "migrate into the owner's VRAM";
	moved = drm_p2p_svm_migrate(owner.dev, owner.ctx, mem, a->size,
				    DRM_P2P_SVM_MIGRATE_TO_VRAM);
	if (moved < 0) {
		ret = moved;
		goto out;
	}
	r.moved_in = moved;
	if (r.moved_in != r.npages) {
		step = "migrate into the owner's VRAM (not every page moved)";
		ret = -EBUSY;
		goto out;
	}

	step = "checksum with the reader's engine";
	ret = drm_p2p_svm_stats(owner.dev, owner.ctx, &owner.before);
	if (!ret)
		ret = drm_p2p_svm_stats(reader.dev, reader.ctx, &reader.before);
	if (ret)
		goto out;
	r.ms = now_ms();
	ret = drm_p2p_svm_checksum(reader.dev, reader.ctx, mem, a->size, &r.checksum, &r.faults);
	r.ms = now_ms() - r.ms;
	if (ret)
		goto out;
	ret = drm_p2p_svm_stats(owner.dev, owner.ctx, &owner.after);
	if (!ret)
		ret = drm_p2p_svm_stats(reader.dev, reader.ctx, &reader.after);
	if (ret)
		goto out;
	/* what moved: the owner's migrate_to_ram on the reader's faults, and any
	 * migration the reader's context made itself */
	r.bytes_copied = (owner.after.dev_cpu_faults - owner.before.dev_cpu_faults) * r.page +
			 reader.after.bytes_migrated - reader.before.bytes_migrated;
	r.peers = !a->no_peer && owner.after.dev_owner == reader.after.dev_owner;

	step = "read the page tables";
	ret = svm_inspect(&owner, &reader, mem, &r);
	if (ret)
		goto out;
	svm_print(a, &owner, &reader, &r);

	step = NULL;
	if (r.checksum != r.expected) {
		fprintf(stderr, "p2pctl svm: the reader's checksum is wrong\n");
		ret = -EIO;
	} else if (r.peers && (r.bytes_copied || r.still_in_vram != r.npages ||
			       r.kinds[DRM_P2P_SVM_KIND_PEER] != r.npages || r.other_owner)) {
		fprintf(stderr, "p2pctl svm: pages moved although the GPUs are P2P peers\n");
		ret = -EIO;
	}
out:
	if (ret && step) {
		fprintf(stderr, "p2pctl svm: %s: %s\n", step, strerror(-ret));
		if (opt_json) {
			printf("{\"owner\": ");
			json_str(a->owner);
			printf(", \"reader\": ");
			json_str(a->reader);
			printf(", \"match\": false, \"step\": ");
			json_str(step);
			printf(", \"error\": ");
			json_str(strerror(-ret));
			printf("}\n");
		}
	}
	if (mem != MAP_FAILED)
		munmap(mem, a->size);
	svm_gpu_close(&reader);
	svm_gpu_close(&owner);
	if (same_gpu)
		return EXIT_USAGE;
	return ret ? EXIT_FAIL : EXIT_OK;
}

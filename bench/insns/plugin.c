// SPDX-License-Identifier: MIT
/*
 * A QEMU TCG plugin for bench/insns.sh: counts the guest instructions
 * executed, per translated block, and on request writes them out. What
 * a request costs in instructions does not move with the host's load,
 * where requests/s on a shared machine moves by a tenth from one run to
 * the next: two builds compare by it run against run.
 *
 * Each block, as translated, gets a counter that its every execution
 * adds one to (an inline add: no call per block); the instructions are
 * the count times the block's length. A block cut short by an interrupt
 * or fault counts whole: noise of a few per thousand.
 *
 * Arguments: out=PATH. Whenever PATH.req exists (bench/insns.py creates
 * it), a thread of the plugin writes every block's "vaddr insns count"
 * line to PATH.tmp, renames it to PATH and deletes PATH.req; the counts
 * keep running, so two snapshots' difference is what ran between them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

struct block {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t count;		/* the vCPU adds to it, unlocked */
};

static struct block **blocks;
static size_t nblocks, cap;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *out, *req, *tmp;

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	struct block *b = calloc(1, sizeof(*b));

	(void)id;
	if (!b)
		return;	/* uncounted, rather than QEMU stopping */
	b->vaddr = qemu_plugin_tb_vaddr(tb);
	b->insns = qemu_plugin_tb_n_insns(tb);
	pthread_mutex_lock(&lock);
	if (nblocks == cap) {
		size_t n = cap ? 2 * cap : 4096;
		struct block **grown = realloc(blocks, n * sizeof(*grown));

		if (!grown) {
			pthread_mutex_unlock(&lock);
			free(b);
			return;
		}
		blocks = grown;
		cap = n;
	}
	blocks[nblocks++] = b;
	pthread_mutex_unlock(&lock);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &b->count, 1);
}

static void snapshot(void)
{
	FILE *f = fopen(tmp, "w");

	if (!f)
		return;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nblocks; i++) {
		uint64_t n = __atomic_load_n(&blocks[i]->count,
					     __ATOMIC_RELAXED);

		if (n)
			fprintf(f, "%llx %llu %llu\n",
				(unsigned long long)blocks[i]->vaddr,
				(unsigned long long)blocks[i]->insns,
				(unsigned long long)n);
	}
	pthread_mutex_unlock(&lock);
	if (fclose(f) == 0 && rename(tmp, out) == 0)
		unlink(req);
}

static void *watch(void *arg)
{
	(void)arg;
	for (;;) {
		if (access(req, F_OK) == 0)
			snapshot();
		usleep(10000);
	}
	return NULL;
}

static char *with_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path) + strlen(suffix) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s", path, suffix);
	return s;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	pthread_t t;

	(void)info;
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "out=", 4) == 0)
			out = strdup(argv[i] + 4);
	if (!out) {
		fprintf(stderr, "insns plugin: out=PATH is required\n");
		return -1;
	}
	req = with_suffix(out, ".req");
	tmp = with_suffix(out, ".tmp");
	if (!req || !tmp || pthread_create(&t, NULL, watch, NULL) != 0) {
		fprintf(stderr, "insns plugin: %s\n", strerror(errno));
		return -1;
	}
	pthread_detach(t);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	return 0;
}

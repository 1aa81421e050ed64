// SPDX-License-Identifier: MIT
/*
 * Open files kept for good, by path, for files on read-only mounts (the
 * initrd): what they hold cannot change, so a request for one needs no
 * open(), fstat() or close(), and a small one no read() either: its bytes
 * are kept too, after the head of its answer to a keep-alive request,
 * which then goes as it is. That was a sixth of the server's time per
 * request for a small page, and the head's making a twentieth. A file on
 * a mount that can change (virtio-fs, ext2) is opened anew for each
 * request, as before.
 *
 * Entries are never removed (nothing they say goes stale) and there are
 * at most WEB_CACHE_MAX of them, each holding a descriptor and at most
 * WEB_BODY_INLINE bytes; past that, files are opened per request. Lookups
 * take no lock: a slot, once filled, is filled for good with an entry
 * that is complete before it is published. Filling takes a mutex, and
 * asks whether a mount can change once per mount.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web.h"

#define SLOTS		(2 * WEB_CACHE_MAX)	/* a power of two */

static struct web_cached *slots[SLOTS];
static unsigned filled;
static pthread_mutex_t fill_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The slot holding (path), or the empty one where it would go. */
static struct web_cached **slot_of(const char *path)
{
	for (uint32_t i = hash(path);; i++) {
		struct web_cached **s = &slots[i % SLOTS];
		struct web_cached *e = __atomic_load_n(s, __ATOMIC_ACQUIRE);

		if (!e || strcmp(e->path, path) == 0)
			return s;
	}
}

const struct web_cached *web_cache_find(const char *path)
{
	return __atomic_load_n(slot_of(path), __ATOMIC_ACQUIRE);
}

/* What was found of each mount (by st_dev) so far: a file on a mount
 * that can change misses the cache on every request, and must not pay a
 * system call more for it each time. Under fill_lock. */
#define MOUNTS		8
static struct {
	dev_t dev;
	int fixed;
} mounts[MOUNTS];
static unsigned nmounts;

/* Whether (path), on device (dev), holds what it holds for good: its
 * mount is read-only, which access() says with EROFS (as on Linux;
 * fstatvfs() would tell as well, but costs the 256 KiB image more than
 * it has to spare). */
static int never_changes(const char *path, dev_t dev)
{
	for (unsigned i = 0; i < nmounts; i++)
		if (mounts[i].dev == dev)
			return mounts[i].fixed;

	int fixed = access(path, W_OK) != 0 && errno == EROFS;

	if (nmounts < MOUNTS) {
		mounts[nmounts].dev = dev;
		mounts[nmounts++].fixed = fixed;
	}
	return fixed;
}

/* A new entry for (path), (fd) open on it with status (st): a small
 * file's bytes read in after its keep-alive head, the descriptor kept for
 * a file; NULL if it cannot be made (the caller then keeps (fd)). */
static struct web_cached *entry_new(const char *path, int fd,
				    const struct stat *st, const char *ctype)
{
	size_t plen = strlen(path) + 1;
	int dir = S_ISDIR(st->st_mode);
	int small = !dir && st->st_size <= WEB_BODY_INLINE;
	size_t body = small ? (size_t)st->st_size : 0;
	char head[WEB_REPLY_HEAD_MAX];
	int h = small ? web_format_head(head, sizeof(head), 200, ctype,
					st->st_size, 1, "") : 0;
	struct web_cached *e;
	char *p;

	if (h < 0 || !(e = malloc(sizeof(*e) + plen + (size_t)h + body)))
		return NULL;
	p = (char *)(e + 1);
	e->path = memcpy(p, path, plen);
	e->reply = small ? memcpy(p + plen, head, (size_t)h) : NULL;
	e->reply_head = (size_t)h;
	if (body && pread(fd, p + plen + h, body, 0) != (ssize_t)body) {
		free(e);
		return NULL;
	}
	e->dir = dir;
	e->fd = dir ? -1 : fd;
	e->size = st->st_size;
	e->ctype = ctype;
	return e;
}

const struct web_cached *web_cache_add(const char *path, int fd,
				       const struct stat *st,
				       const char *ctype)
{
	struct web_cached *e = NULL, **s;

	if (__atomic_load_n(&filled, __ATOMIC_RELAXED) >= WEB_CACHE_MAX)
		return NULL;
	pthread_mutex_lock(&fill_lock);
	s = slot_of(path);
	if (!*s && filled < WEB_CACHE_MAX && never_changes(path, st->st_dev) &&
	    (e = entry_new(path, fd, st, ctype))) {
		filled++;
		__atomic_store_n(s, e, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&fill_lock);
	return e;
}

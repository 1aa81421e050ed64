// SPDX-License-Identifier: MIT
/*
 * flock(): whole-file advisory locks held by open files, as on Linux.
 * Unlike fcntl() record locks (owned by the process, so never in conflict
 * here), two open files of one file do conflict, even in one process: a
 * program that opens its lock file twice sees what it would on Linux.
 *
 * A file is named by its mount and inode number (by the open file itself
 * for files outside any filesystem). The locks are few, so they are one
 * list under one wait queue's lock; a release wakes every waiter, and each
 * checks again.
 */
#include <errno.h>
#include <sys/file.h>

#include <kernel/heap.h>
#include <kernel/vfs.h>
#include <kernel/waitq.h>

#include "vfs_impl.h"

struct flock_rec {
	struct flock_rec *next;
	const void *mnt;
	uint64_t ino;
	struct vfs_file *holder;
	bool exclusive;
};

static struct waitq lock_wait;	/* its lock guards (locks) */
static struct flock_rec *locks;

static void key_of(struct vfs_file *f, const struct stat *st,
		   const void **mnt, uint64_t *ino)
{
	*mnt = f->mnt ? (const void *)f->mnt : (const void *)f;
	*ino = f->mnt ? (uint64_t)st->st_ino : 0;
}

/* The lock (f) holds, and whether another file's lock stands in the way
 * of (exclusive). With the list locked. */
static struct flock_rec *scan(struct vfs_file *f, const void *mnt,
			      uint64_t ino, bool exclusive, bool *blocked)
{
	struct flock_rec *own = NULL;

	*blocked = false;
	for (struct flock_rec *r = locks; r; r = r->next) {
		if (r->mnt != mnt || r->ino != ino)
			continue;
		if (r->holder == f)
			own = r;
		else if (exclusive || r->exclusive)
			*blocked = true;
	}
	return own;
}

static void unlink_rec(struct flock_rec *victim)
{
	for (struct flock_rec **p = &locks; *p; p = &(*p)->next)
		if (*p == victim) {
			*p = victim->next;
			return;
		}
}

/* With the list locked: drops (f)'s lock, if any, and wakes the waiters. */
static struct flock_rec *drop(struct vfs_file *f)
{
	for (struct flock_rec *r = locks; r; r = r->next)
		if (r->holder == f) {
			unlink_rec(r);
			f->flock_held = false;
			waitq_wake_all(&lock_wait);
			return r;
		}
	return NULL;
}

int vfs_flock(struct vfs_file *f, int op)
{
	bool nb = op & LOCK_NB, exclusive, blocked;
	struct stat st;
	const void *mnt;
	uint64_t ino;
	int rc = 0;

	switch (op & ~LOCK_NB) {
	case LOCK_SH:
	case LOCK_EX:
		exclusive = (op & ~LOCK_NB) == LOCK_EX;
		break;
	case LOCK_UN: {
		bool irq = waitq_lock(&lock_wait);
		struct flock_rec *r = drop(f);

		waitq_unlock(&lock_wait, irq);
		heap_free(r);
		return 0;
	}
	default:
		return -EINVAL;
	}
	if (f->mnt && (rc = vfs_fstat(f, &st)) < 0)
		return rc;
	key_of(f, &st, &mnt, &ino);

	struct flock_rec *fresh = heap_alloc(sizeof(*fresh)), *own;
	struct flock_rec *given_up = NULL;
	struct waiter w;

	if (!fresh)
		return -ENOLCK;
	bool irq = waitq_lock(&lock_wait);

	for (;;) {
		own = scan(f, mnt, ino, exclusive, &blocked);
		if (own && own->exclusive == exclusive)
			break;			/* already held so */
		if (!blocked) {
			if (own) {
				own->exclusive = exclusive;
				break;
			}
			*fresh = (struct flock_rec){ locks, mnt, ino, f,
						     exclusive };
			locks = fresh;
			f->flock_held = true;
			fresh = NULL;
			break;
		}
		/* Converting gives the old lock up first, as Linux does, so
		 * two shared holders upgrading do not wait on each other. */
		if (own) {
			unlink_rec(own);
			f->flock_held = false;
			waitq_wake_all(&lock_wait);
			given_up = own;
		}
		if (nb) {
			rc = -EWOULDBLOCK;
			break;
		}
		rc = waitq_sleep_intr(&lock_wait, &w, WAITQ_NO_DEADLINE, irq);
		if (rc)
			break;		/* -EINTR */
	}
	waitq_unlock(&lock_wait, irq);
	heap_free(fresh);
	heap_free(given_up);
	return rc;
}

void vfs_flock_release(struct vfs_file *f)
{
	bool irq = waitq_lock(&lock_wait);
	struct flock_rec *r = drop(f);

	waitq_unlock(&lock_wait, irq);
	heap_free(r);
}

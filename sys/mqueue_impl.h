/* SPDX-License-Identifier: MIT */
/*
 * Private to sys/mqueue.c (queues, names, messages, descriptors) and
 * sys/mqueue_notify.c (mq_notify()): a POSIX message queue.
 */
#ifndef SYS_MQUEUE_IMPL_H
#define SYS_MQUEUE_IMPL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <kernel/waitq.h>

#include "signal_impl.h"

#define MQ_COOKIE	32	/* SIGEV_THREAD's message (see mqueue.c) */

struct mq_msg;
struct mq_file;
struct vfs_file;

struct mqueue {
	struct mqueue *next;		/* among the names, while named */
	char name[NAME_MAX + 1];
	mode_t mode;
	long maxmsg, msgsize;
	struct waitq wait;		/* its lock guards all below */
	struct mq_msg *head;
	long count;			/* messages */
	size_t bytes;			/* their lengths together */
	unsigned receivers;		/* blocked in mq_timedreceive() */
	unsigned refs;			/* its name, and open files */
	struct mq_file *files;
	/* Notification, while (notify) >= 0: registered through (owner);
	 * a signal with (info) (each sent with an entry of its own, so a
	 * new registration changes none still pending), or the cookie for
	 * (pipe). */
	int notify;
	struct vfs_file *owner;
	siginfo_t info;
	struct vfs_file *pipe;
	char cookie[MQ_COOKIE];
};

/* mqueue.c: the queue behind (f), or NULL if (f) is no queue. */
struct mqueue *mq_of(struct vfs_file *f);

/* mqueue_notify.c. A registration taken off its queue (with the queue's
 * lock held) by mq_take_registration(), and acted on, with no lock
 * held, by mq_fire(): (woken) by a message, else removed. */
struct mq_fired {
	int notify;			/* SIGEV_*, or -1: nothing taken */
	siginfo_t info;
	struct vfs_file *pipe;
	char cookie[MQ_COOKIE];
};
void mq_take_registration(struct mqueue *q, struct mq_fired *out);
void mq_fire(struct mq_fired *r, bool woken);

/* Removes the registration made through (f) (a descriptor closing), or
 * any for NULL. */
void mq_unregister(struct mqueue *q, struct vfs_file *f);

#endif /* SYS_MQUEUE_IMPL_H */

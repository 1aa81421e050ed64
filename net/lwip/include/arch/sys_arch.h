/* SPDX-License-Identifier: MIT */
/*
 * lwIP's operating-system types on Toro's primitives (net/lwip/sys_arch.c).
 * A mailbox is a bounded ring under a mutex with two conditions: lwIP's
 * mailboxes have many senders and, for sockets shared between threads,
 * more than one receiver, which toro/channel.h (one receiver) does not
 * allow.
 */
#ifndef TORO_LWIP_ARCH_SYS_ARCH_H
#define TORO_LWIP_ARCH_SYS_ARCH_H

#include <stdbool.h>
#include <toro/sync.h>

struct sys_sem_s {
	struct sema s;
	bool valid;
};
typedef struct sys_sem_s sys_sem_t;

struct sys_mutex_s {
	struct mutex m;
	bool valid;
};
typedef struct sys_mutex_s sys_mutex_t;

struct sys_mbox_s {
	struct mutex lock;
	struct cond not_empty;
	struct cond not_full;
	void **ring;		/* (size) slots, NULL while invalid */
	unsigned size;
	unsigned head;		/* next to fetch */
	unsigned count;		/* written under (lock); tryfetch peeks */
	unsigned takers;	/* threads waiting to fetch, to post */
	unsigned posters;
};
typedef struct sys_mbox_s sys_mbox_t;

typedef struct thread *sys_thread_t;

#define sys_sem_valid(s)		((s)->valid)
#define sys_sem_set_invalid(s)		((s)->valid = false)
#define sys_mutex_valid(m)		((m)->valid)
#define sys_mutex_set_invalid(m)	((m)->valid = false)
#define sys_mbox_valid(b)		((b)->ring != NULL)
#define sys_mbox_set_invalid(b)		((b)->ring = NULL)

#define SYS_MBOX_NULL			NULL
#define SYS_SEM_NULL			NULL

#endif /* TORO_LWIP_ARCH_SYS_ARCH_H */

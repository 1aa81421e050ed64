// SPDX-License-Identifier: MIT
/*
 * /proc/1/task/ (fs/procfs.c serves it): a directory for each of the
 * application's threads, by id, holding its comm, which a write renames
 * (how musl's pthread_setname_np() and pthread_getname_np() reach a
 * thread other than the caller), and its stat in Linux's format (state,
 * CPU time, CPU).
 */
#include <stdbool.h>
#include <string.h>

#include <kernel/sched.h>
#include <kernel/thread_impl.h>

#include "procfs.h"

const char *const proc_task_files[PROC_TASK_FILES] = { "comm", "stat" };

struct next_tid {
	int from, found;
};

static int lower_tid(struct thread *t, void *arg)
{
	struct next_tid *n = arg;

	if (t->id >= n->from && (n->found < 0 || t->id < n->found))
		n->found = t->id;
	return 0;
}

int proc_task_next(int from)
{
	struct next_tid n = { from, -1 };

	kthread_each(lower_tid, &n);
	return n.found;
}

static int exists(struct thread *t, void *arg)
{
	(void)t, (void)arg;
	return 1;
}

bool proc_task_exists(int tid)
{
	return kthread_with(tid, exists, NULL) == 1;
}

struct task_text {
	int which;
	struct proc_text *t;
};

static int make(struct thread *t, void *arg)
{
	struct task_text *tt = arg;
	char name[sizeof(t->name)];

	memcpy(name, t->name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	if (tt->which == 0) {
		proc_printf(tt->t, "%s\n", name);
		return 0;
	}
	struct proc_stat s = { t->id, name,
			       t->state == THREAD_BLOCKED ? 'S' : 'R',
			       thread_cpu_ns(t), 1, 0, t->cpu };

	proc_stat_line(tt->t, &s);
	return 0;
}

void proc_task_text(int tid, int which, struct proc_text *t)
{
	struct task_text tt = { which, t };

	kthread_with(tid, make, &tt);	/* gone: an empty text */
}

struct new_name {
	const char *s;
	size_t n;
};

static int set_name(struct thread *t, void *arg)
{
	const struct new_name *nn = arg;
	char name[sizeof(t->name)] = { 0 };

	memcpy(name, nn->s, nn->n);
	memcpy(t->name, name, sizeof(name));
	return 0;
}

int proc_task_set_name(int tid, const char *s, size_t n)
{
	struct new_name nn = { s, 0 };

	/* The first 15 bytes, to a NUL, without a final newline (echo's). */
	while (nn.n < n && nn.n < sizeof(((struct thread *)0)->name) - 1 &&
	       s[nn.n])
		nn.n++;
	if (nn.n && s[nn.n - 1] == '\n')
		nn.n--;
	return kthread_with(tid, set_name, &nn);
}

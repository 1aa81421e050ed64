/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU scheduler's internals (the application's view is
 * include/toro/thread.h). Each CPU owns its threads, its run queue and its
 * idle thread; other CPUs reach it only through its lock-free inbox and an
 * IPI. A thread's state changes only on its own CPU, with interrupts off.
 *
 * Parking and waking: a thread about to wait sets (waiting) to 1, makes
 * itself findable (a wait queue, a timer...) and calls sched_block(). A
 * waker calls sched_wake(), which clears (waiting) with an atomic exchange:
 * only the one that sees it go from 1 to 0 does anything, so a thread woken
 * by a timeout and a signal at once is woken once.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/mmu.h>
#include <kernel/mpsc.h>
#include <kernel/waitq.h>

enum thread_state {
	THREAD_RUNNING,		/* the CPU's current thread */
	THREAD_READY,		/* on the run queue */
	THREAD_BLOCKED,		/* parked until sched_wake() */
	THREAD_IDLE,		/* the CPU's idle thread, never queued */
	THREAD_DEAD,		/* exited; stack freed after the switch */
};

/* A message in a CPU's inbox. */
struct sched_msg {
	struct mpsc_node node;
	enum { MSG_WAKE, MSG_CREATE, MSG_CALL, MSG_INTERRUPT, MSG_ADOPT } type;
};

struct thread {
	uintptr_t sp;			/* saved while not running */
	unsigned cpu;			/* owner, for life */
	enum thread_state state;	/* changed by the owner CPU only */
	struct thread *rq_next;		/* run queue link */
	/* Every live thread of a CPU, for debuggers (tools/gdb/toro.py):
	 * linked when it is created, unlinked when it exits. */
	struct thread *all_next, *all_prev;
	int waiting;			/* 1 while parked (see above) */
	bool wake_first;		/* sched_wake_first(): the owner CPU
					 * puts it at its run queue's head */
	struct sched_msg wake_msg;	/* how remote wakers reach the owner */
	int wake_queued;		/* wake_msg is in the owner's inbox */
	/* Wakers and interrupters on other CPUs between their first touch
	 * of this thread and the push of their message: it may not exit
	 * or move until they are done with it (sched.c). */
	int remote_touch;

	/* Interruptions (signals, cancellation; see sched_interrupt()):
	 * (intr_pending) is set by others and cleared by the thread,
	 * (intr_sleep) is set by the thread, interrupts off, while it is
	 * in a wait an interruption ends. */
	int intr_pending;
	int intr_sleep;
	struct sched_msg intr_msg;
	int intr_queued;
	struct sched_msg move_msg;	/* sched_migrate_self() */
	/* Signals (sys/signal.c): bit (n - 1) for signal n, under that
	 * file's lock. */
	uint64_t sig_pending, sig_blocked;
	/* Its alternate signal stack (sys/sigaltstack.c): none while
	 * (size) is 0; new threads have none. */
	struct thread_sigstack {
		uintptr_t sp;
		size_t size;
		unsigned flags;		/* SS_AUTODISARM */
	} sigstack;
	struct thread *tid_next;	/* kthread_find()'s table */
	/* CPU time: slices ended, and the one running since (slice_start)
	 * (0: none); written at each switch by the owner, (cpu_seq) odd
	 * meanwhile (thread_cpu_ns() reads them from any CPU). */
	uint64_t cpu_ns, slice_start;
	unsigned cpu_seq;

	void *(*fn)(void *);
	void *arg;
	void *retval;

	char *stack;			/* guard page, then the stack; or NULL */
	size_t stack_pages;		/* guard page included */
	uintptr_t stack_top;		/* a stack the creator owns, or 0 */
	size_t stack_size;		/* its size if known (profiler), or 0 */
	void *fpu;			/* FPU state; NULL: never uses the FPU */
	uintptr_t tls_base;		/* FS base, or 0 */
	int *clear_tid;			/* zeroed and woken after exit */
	void *unmap_base;		/* unmapped after exit (mm_unmap()) */
	size_t unmap_len;
	int errno_value;		/* the kernel's errno (lwIP) */
	int id;				/* gettid() */
	char name[16];			/* prctl(PR_SET_NAME); the creator's */
	void *robust_list;		/* set_robust_list(), for the C library */

	/* Lifetime: one reference for the running thread, one for the
	 * handle of a joinable thread; the last one frees the struct. */
	int refs;
	int handle_taken;		/* set by join or detach */
	int native_claimed;		/* thread_join()/thread_detach() */
	/* A write that did part of its work ended because nobody reads
	 * any more: the system call still raises SIGPIPE (sys/fd_io.c). */
	bool broken_pipe;
	/* The buffers its system calls last handed over, found fit
	 * (sys/user.c): a server's are the same for each request. */
	struct vm_memo user_memo;
	bool done;			/* exited; under join's lock */
	struct waitq join;		/* threads in kthread_join() */
};

/* Sets up the calling CPU's scheduler; its current context becomes its
 * idle thread. */
void sched_init_cpu(void);

/* Runs the calling CPU's threads forever, halting when there is nothing
 * to run. The boot context of every CPU ends here. */
void sched_idle_loop(void) __attribute__((noreturn));

/* The running thread; NULL before sched_init_cpu(). */
struct thread *sched_current(void);

/* The stack (t) runs on, [*lo, *hi): its own above the guard page, the
 * one its creator gave it (empty if its size is unknown), or for an idle
 * thread (t NULL or idle) the CPU's boot stack. */
void thread_stack_bounds(const struct thread *t, uintptr_t *lo,
			 uintptr_t *hi);

/* Whether threads exist yet on the calling CPU. */
bool sched_running(void);

/* Whether other threads wait in the calling CPU's run queue (a hint:
 * wake-ups from other CPUs not yet taken in are not counted): work worth
 * batching, like a device notification, may be left to the last of them
 * or to sched_set_idle_hook()'s hook. */
bool sched_others_ready(void);

/* (fn) runs on a CPU, interrupts on, each time it is about to idle (net/
 * sends the device notifications its threads left for later there): one
 * hook for every CPU; returns the one before. */
typedef void (*sched_idle_hook)(void);
sched_idle_hook sched_set_idle_hook(sched_idle_hook fn);

/* Whether (t) is what CPU (cpu) runs at this moment: a hint, stale as
 * soon as it is read. (t) is only compared, never read, so it may be a
 * thread that is gone. */
bool sched_runs_on(const struct thread *t, unsigned cpu);

/*
 * Parks the calling thread until sched_wake(); returns at once if it was
 * woken already. Call with interrupts off and (waiting) set; returns with
 * interrupts still off.
 */
void sched_block(void);

/* Makes (t) runnable if it is parked; from any CPU, thread or interrupt. */
void sched_wake(struct thread *t);
/* The same, and (t) runs before the threads already ready on its CPU: for
 * a thread woken to take something that another CPU's thread takes if it
 * comes late (fs/vfs_poll.c: a new connection for accept()). */
void sched_wake_first(struct thread *t);

/* Puts (t), new, on the calling CPU's run queue. */
void sched_enqueue_new(struct thread *t);

/* Runs the next runnable thread; the caller stays runnable. (Not named
 * sched_yield: that is the C library's POSIX call, <sched.h>.) */
void sched_yield_cpu(void);

/* Ends the calling thread. */
void sched_exit(void) __attribute__((noreturn));

/* Moves the calling thread to CPU (cpu) (which must exist), for good: it
 * returns there. Threads never move otherwise. Returns 0. */
int sched_migrate_self(unsigned cpu);

/*
 * Interrupts (t): sets its (intr_pending) and, if (t) is parked in an
 * interruptible wait, wakes it, from any CPU (the owner CPU decides, so a
 * wait that is not interruptible is never cut short). The wait then
 * returns -EINTR; interruptible waits that begin while (intr_pending) is
 * set return -EINTR at once. The thread clears it with
 * sched_clear_interrupt() once it has dealt with the cause.
 */
void sched_interrupt(struct thread *t);
void sched_clear_interrupt(void);

static inline bool sched_interrupted(const struct thread *t)
{
	return __atomic_load_n(&t->intr_pending, __ATOMIC_ACQUIRE);
}

/* Queues (msg) in the inbox of CPU (cpu) and makes sure it looks: a
 * creation request (thread.c, handled by thread_create_here() there) or an
 * interrupt-context call (smp_call.c). */
struct create_req;
void sched_send(unsigned cpu, struct sched_msg *msg);
void thread_create_here(struct create_req *req);

/* smp_call.c: runs a call on the CPU that received it (interrupts off). */
void smp_call_here(struct sched_msg *msg);

/* Per-CPU statistics for benchmarks and tests. */
struct sched_stats {
	uint64_t switches;
	uint64_t idle_ns;	/* halted or watching for work */
	uint64_t ipis;		/* sent to it because it was not watching */
};
void sched_stats(unsigned cpu, struct sched_stats *st);

/* CPU time, in ns: how long (t) has run, its current slice included
 * (CLOCK_THREAD_CPUTIME_ID); and how long the CPUs have run anything but
 * their idle context, all of them together, since each started (the
 * process's CPU time, CLOCK_PROCESS_CPUTIME_ID: the program owns the
 * CPUs, so the kernel's work for it counts as the program's). From any
 * CPU. */
uint64_t thread_cpu_ns(const struct thread *t);
uint64_t sched_busy_ns(void);
/* One CPU's share: its time outside its idle context and in it, since
 * it started (0 and 0 before). */
void sched_cpu_times(unsigned cpu, uint64_t *busy, uint64_t *idle);

/* How long an idle CPU watches for work before it halts (every CPU;
 * "toro.idle_poll_us" at boot); returns the previous value. */
uint64_t sched_set_idle_poll(uint64_t ns);

/* This CPU is idle, watching for work before it halts: for the profiler,
 * which counts that as idle as it does the hlt. */
bool sched_idle_watching(void);

#endif /* KERNEL_SCHED_H */

// SPDX-License-Identifier: MIT
/*
 * Signals (include/kernel/signal.h) and their system calls: rt_sigaction,
 * rt_sigprocmask, rt_sigpending, rt_sigsuspend, rt_sigtimedwait, kill,
 * tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, pause (sigaltstack is
 * sys/sigaltstack.c's).
 * One lock covers the handler table, every thread's pending and blocked
 * sets, the process's pending set and the queue of their entries.
 *
 * A handler runs in the thread that takes the signal, on its stack (or
 * its alternate one, sys/sigaltstack.c), from signal_deliver(): right
 * away when the thread signals itself, or when a CPU fault of its own
 * raises the signal (take_fault()), else at the end of the interrupt that
 * tells a thread computing in the program's code (sys/signal_async.c), or
 * when the receiving thread's system call returns. SIGKILL and SIGSTOP
 * cannot be caught or blocked. Default actions: ignore (SIGCHLD, SIGCONT,
 * SIGURG, SIGWINCH, and the stop signals, there being no job control),
 * end the program with a report and status 125 (the signals Linux dumps
 * core for: SIGABRT, SIGSEGV, ...), or end it with status 128 + the
 * signal (the rest), as a shell reports a process a signal killed.
 * SIGCANCEL, musl's cancellation signal, interrupts, and runs the handler
 * libc/cancel.c installs for asynchronous cancellation.
 *
 * What a handler (SA_SIGINFO) or sigwaitinfo() learns of a signal comes
 * from a queue of entries, one per signal sent (struct sigq, for a thread
 * or for the process): a standard signal is pending once at most, a
 * real-time one (SIGRTMIN and up) queues every instance, as on Linux. A
 * signal sent where nothing can be allocated (a timer's interrupt) is
 * pending without an entry and reads as SI_KERNEL; a POSIX timer brings
 * its own entry, and counts overruns in it while it waits.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>

#include <arch/power.h>
#include <arch/trap.h>
#include <kernel/compiler.h>
#include <kernel/console.h>
#include <kernel/heap.h>
#include <kernel/log.h>
#include <kernel/names.h>
#include <kernel/panic_impl.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/thread_impl.h>
#include <toro/panic.h>
#include <toro/time.h>

#include "signal_impl.h"
#include "sys_impl.h"

#define NSIG_MAX 64
#define BIT(sig) (1ULL << ((sig) - 1))
#define SIGCANCEL 33		/* musl's */
/* What can never be blocked. */
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))

/* Linux's struct sigaction as rt_sigaction() takes it on x86-64. */
struct k_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

static struct {
	struct spinlock lock;
	struct k_sigaction act[NSIG_MAX + 1];
	uint64_t pending;	/* sent to the process, not yet taken */
	/* Entries of pending signals, oldest first, for threads (by id)
	 * and the process (0). */
	struct sigq *queue;
} sigs;

static bool is_realtime(int sig)
{
	return sig >= 32;
}

/* A heap entry saying (info) for (tid); NULL without memory. */
static struct sigq *sigq_new(const siginfo_t *info)
{
	struct sigq *q = heap_alloc(sizeof(*q));

	if (q)
		*q = (struct sigq){ .info = *info };
	return q;
}

/* Frees (q) unless it belongs to a timer. */
static void sigq_put(struct sigq *q)
{
	if (q && !q->embedded)
		heap_free(q);
}

/* Lock held: marks (sig) in (*pending) and queues (q) (may be NULL) for
 * (tid). Returns (q) if it was not queued (a standard signal already
 * pending): the caller puts it, after unlocking. */
static struct sigq *enqueue(uint64_t *pending, int tid, int sig,
			    struct sigq *q)
{
	if ((*pending & BIT(sig)) && !is_realtime(sig))
		return q;
	*pending |= BIT(sig);
	if (signalfd_notify)
		signalfd_notify(sig);
	if (!q)
		return NULL;
	struct sigq **tail = &sigs.queue;

	while (*tail)
		tail = &(*tail)->next;
	q->next = NULL;
	q->tid = tid;
	q->info.si_signo = sig;
	q->queued = true;
	*tail = q;
	return NULL;
}

/* Lock held: takes (sig) off (*pending) of (tid), its information into
 * (info). Returns the entry to put after unlocking, or NULL. */
static struct sigq *dequeue(uint64_t *pending, int tid, int sig,
			    siginfo_t *info)
{
	struct sigq **p = &sigs.queue, *q = NULL;
	bool more = false;

	for (; *p; p = &(*p)->next)
		if ((*p)->tid == tid && (*p)->info.si_signo == sig) {
			q = *p;
			*p = q->next;
			break;
		}
	for (struct sigq *r = *p; r && !more; r = r->next)
		more = r->tid == tid && r->info.si_signo == sig;
	if (!more)
		*pending &= ~BIT(sig);
	if (!q) {
		*info = (siginfo_t){ .si_signo = sig, .si_code = SI_KERNEL };
		return NULL;
	}
	*info = q->info;
	q->queued = false;
	if (q->embedded) {
		q->overrun_last = q->info.si_overrun;
		q->info.si_overrun = 0;
		return NULL;
	}
	return q;
}

/* Lock held: drops every entry for (tid) (-1: any) and signal (sig)
 * (0: any) onto (*freed), a list the caller puts after unlocking. */
static void drop_entries(int tid, int sig, struct sigq **freed)
{
	struct sigq **p = &sigs.queue;

	while (*p) {
		struct sigq *q = *p;

		if ((tid < 0 || q->tid == tid) &&
		    (!sig || q->info.si_signo == sig)) {
			*p = q->next;
			q->queued = false;
			q->next = *freed;
			*freed = q;
		} else {
			p = &q->next;
		}
	}
}

static void put_all(struct sigq *list)
{
	while (list) {
		struct sigq *next = list->next;

		sigq_put(list);
		list = next;
	}
}

static bool valid(int sig)
{
	return sig >= 1 && sig <= NSIG_MAX;
}

enum deflt { IGNORE, TERMINATE, CORE };

static enum deflt default_action(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
	case SIGCANCEL:
		return IGNORE;
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return CORE;
	default:
		return TERMINATE;
	}
}

/* Whether (sig) would do nothing if taken now: ignored. Lock held. */
static bool is_ignored(int sig)
{
	void (*h)(int) = sigs.act[sig].handler;

	return sig != SIGKILL && sig != SIGCANCEL &&
	       (h == SIG_IGN || (h == SIG_DFL && default_action(sig) == IGNORE));
}

/* The names of signals 0 to 31 after "SIG" (kernel/names.h), "" for 0
 * and for those never fatal (their default is to be ignored). */
static const char names[] =
	"\0HUP\0INT\0QUIT\0ILL\0TRAP\0ABRT\0BUS\0FPE\0KILL\0USR1\0SEGV\0"
	"USR2\0PIPE\0ALRM\0TERM\0STKFLT\0\0\0\0\0\0\0\0XCPU\0XFSZ\0"
	"VTALRM\0PROF\0\0IO\0PWR\0SYS";

static __attribute__((noreturn)) void die(int sig)
{
	kprintf("toro: program killed by signal %d (SIG%s)\n", sig,
		name_in(names, 32, (unsigned)sig, "RT"));
	/* Where Linux dumps core, a report and the panic's status. Only the
	 * program failed, and this thread holds no kernel lock (signals are
	 * taken between system calls), so the exit hooks still run: on
	 * Linux a crash loses none of the writes the program completed. */
	if (default_action(sig) == CORE) {
		backtrace_print((uintptr_t)__builtin_return_address(0),
				*(uintptr_t *)__builtin_frame_address(0), true,
				0);
		kprintf("toro: stopping with exit code %d\n", TORO_EXIT_PANIC);
		process_exit(TORO_EXIT_PANIC);
	}
	process_exit(128 + sig);
}

/* Lock held: whether (sig) sent to (t) (NULL: none in particular) goes
 * nowhere. A blocked signal is kept whatever its action, as on Linux:
 * the action may change before it is unblocked, or sigwait() take it. */
static bool discarded(const struct thread *t, int sig)
{
	return is_ignored(sig) && !(t && (t->sig_blocked & BIT(sig)));
}

/* Lock held: whether (t) has something to take now, and so must be
 * interrupted (or, when it is the caller, deliver). */
static bool has_ready(const struct thread *t)
{
	return (t->sig_pending | sigs.pending) & ~t->sig_blocked;
}

/* Runs (act)'s handler for (sig) with (info), the mask from before it
 * being (old). Not inlined: signal_run_on_altstack() calls it too. */
static __attribute__((noinline)) void run_handler(
	int sig, const struct k_sigaction *act, siginfo_t *info, uint64_t old)
{
	if (!(act->flags & SA_SIGINFO)) {
		act->handler(sig);
		return;
	}
	ucontext_t uc;
	union {
		void (*plain)(int);
		void (*info)(int, siginfo_t *, void *);
	} h = { .plain = act->handler };

	memset(&uc, 0, sizeof(uc));
	memcpy(&uc.uc_sigmask, &old, sizeof(old));
	h.info(sig, info, &uc);
}

bool signal_deliver(void)
{
	struct thread *self = sched_current();
	bool restart = true;

	for (;;) {
		bool irq = spin_lock_irqsave(&sigs.lock);
		uint64_t ready = self->sig_pending & ~self->sig_blocked;
		uint64_t *from = &self->sig_pending;
		int tid = self->id;

		if (!ready) {
			ready = sigs.pending & ~self->sig_blocked;
			from = &sigs.pending;
			tid = 0;
		}
		if (!ready) {
			sched_clear_interrupt();
			spin_unlock_irqrestore(&sigs.lock, irq);
			return restart;
		}
		int sig = __builtin_ctzll(ready) + 1;
		struct k_sigaction act = sigs.act[sig];
		uint64_t old = self->sig_blocked;
		siginfo_t info;
		struct sigq *done = dequeue(from, tid, sig, &info);

		/* SIGCANCEL without the C library's handler only
		 * interrupts (see libc/cancel.c). */
		if (is_ignored(sig) ||
		    (sig == SIGCANCEL && act.handler == SIG_DFL)) {
			spin_unlock_irqrestore(&sigs.lock, irq);
			sigq_put(done);
			continue;
		}
		if (act.handler == SIG_DFL || sig == SIGKILL) {
			spin_unlock_irqrestore(&sigs.lock, irq);
			die(sig);
		}
		self->sig_blocked |= act.mask & ~UNBLOCKABLE;
		if (!(act.flags & SA_NODEFER))
			self->sig_blocked |= BIT(sig);
		if (act.flags & SA_RESETHAND)
			sigs.act[sig] = (struct k_sigaction){ .handler = SIG_DFL };
		/* Dealt with, unless more is ready: a handler that jumps
		 * away (siglongjmp()) never comes back to clear it, and the
		 * thread's next wait would end at once with EINTR. */
		if (!has_ready(self))
			sched_clear_interrupt();
		spin_unlock_irqrestore(&sigs.lock, irq);
		sigq_put(done);

		if (!(act.flags & SA_RESTART))
			restart = false;
		/* On the alternate stack if it asks for one and the
		 * thread has one (sys/sigaltstack.c), else right here. */
		if (act.flags & SA_ONSTACK && signal_run_on_altstack)
			signal_run_on_altstack(run_handler, sig, &act, &info,
					       old);
		else
			run_handler(sig, &act, &info, old);
		/* As sigreturn would: the mask from before the handler. */
		irq = spin_lock_irqsave(&sigs.lock);
		self->sig_blocked = old;
		spin_unlock_irqrestore(&sigs.lock, irq);
	}
}

/* Lock held: makes (sig) pending on (t) with (q) and wakes its wait if it
 * may take it. Returns whether (t) is the caller and should deliver now;
 * (*unused) is (q) if it was not queued. */
static bool post(struct thread *t, int sig, struct sigq *q,
		 struct sigq **unused)
{
	*unused = q;
	if (discarded(t, sig))
		return false;
	*unused = enqueue(&t->sig_pending, t->id, sig, q);
	if (!has_ready(t))
		return false;
	if (t == sched_current())
		return true;
	sched_interrupt(t);
	return false;
}

/* What kill() and the kernel say of a signal they send. */
static siginfo_t user_info(int sig, int code)
{
	return (siginfo_t){ .si_signo = sig, .si_code = code, .si_pid = 1 };
}

/* Sends (sig) with (info) to thread (t); taken at once if (t) is the
 * caller and may take it. With (handled_only), only when a handler of
 * the program's would take it now (not blocked): false, and nothing
 * sent, otherwise. */
static bool send_info_to(struct thread *t, int sig, const siginfo_t *info,
			 bool handled_only)
{
	struct sigq *q = sigq_new(info), *unused = q;
	bool irq = spin_lock_irqsave(&sigs.lock);
	void (*h)(int) = sigs.act[sig].handler;
	bool send = !handled_only || (h != SIG_DFL && h != SIG_IGN &&
				      !(t->sig_blocked & BIT(sig)));
	bool now = send && post(t, sig, q, &unused);

	spin_unlock_irqrestore(&sigs.lock, irq);
	sigq_put(unused);
	if (now)
		signal_deliver();
	return send;
}

int signal_send_thread(struct thread *t, int sig)
{
	if (!valid(sig))
		return -EINVAL;
	siginfo_t info = user_info(sig, SI_USER);

	send_info_to(t, sig, &info, false);
	return 0;
}

/* Where kthread_each() looks for a taker of a process signal. */
struct offer {
	int sig;
	struct sigq *q;		/* taken: set to NULL */
};

/* From kthread_each(): gives the process's signal to (t) if it can take
 * it (the first such thread the walk finds). */
static int pick_taker(struct thread *t, void *arg)
{
	struct offer *o = arg;
	bool irq = spin_lock_irqsave(&sigs.lock);
	bool took = !(t->sig_blocked & BIT(o->sig));

	if (took) {
		o->q = enqueue(&t->sig_pending, t->id, o->sig, o->q);
		sched_interrupt(t);
	}
	spin_unlock_irqrestore(&sigs.lock, irq);
	return took;
}

/* Sends (sig) with (q) (may be NULL) to the process: the caller takes it
 * now if it may and (may_deliver), else a thread that does not block it,
 * else it waits on the process. Returns the entry left unqueued. */
static struct sigq *send_process(int sig, struct sigq *q, bool may_deliver)
{
	struct thread *self = may_deliver ? sched_current() : NULL;
	bool now = false, ignored;
	bool irq = spin_lock_irqsave(&sigs.lock);

	ignored = discarded(self, sig);
	if (!ignored && self && !(self->sig_blocked & BIT(sig))) {
		q = enqueue(&self->sig_pending, self->id, sig, q);
		now = true;
	}
	spin_unlock_irqrestore(&sigs.lock, irq);
	if (now) {
		signal_deliver();
		return q;
	}
	if (ignored)
		return q;
	struct offer o = { sig, q };

	if (kthread_each(pick_taker, &o))
		return o.q;
	/* Everybody blocks it: it waits for the first to unblock. */
	irq = spin_lock_irqsave(&sigs.lock);
	q = enqueue(&sigs.pending, 0, sig, o.q);
	spin_unlock_irqrestore(&sigs.lock, irq);
	return q;
}

int signal_send_process(int sig)
{
	if (!valid(sig))
		return -EINVAL;
	siginfo_t info = user_info(sig, SI_USER);

	sigq_put(send_process(sig, sigq_new(&info), true));
	return 0;
}

void signal_send_process_info(const siginfo_t *info)
{
	sigq_put(send_process(info->si_signo, sigq_new(info), true));
}

void signal_post_process(int sig)
{
	send_process(sig, NULL, false);
}

/* From kthread_with(), in any context: queues (arg), a timer's entry,
 * on (t), which is interrupted if it may take it. */
static int queue_on_thread(struct thread *t, void *arg)
{
	struct sigq *q = arg;
	int sig = q->info.si_signo;
	bool irq = spin_lock_irqsave(&sigs.lock);

	if (!discarded(t, sig)) {
		enqueue(&t->sig_pending, t->id, sig, q);
		if (has_ready(t))
			sched_interrupt(t);
	}
	spin_unlock_irqrestore(&sigs.lock, irq);
	return 0;
}

void signal_queue(int tid, struct sigq *q, unsigned missed)
{
	bool irq = spin_lock_irqsave(&sigs.lock);

	if (q->queued) {
		/* Still waiting to be taken: one more overrun. */
		q->info.si_overrun += 1 + missed;
		spin_unlock_irqrestore(&sigs.lock, irq);
		return;
	}
	q->info.si_overrun = missed;
	spin_unlock_irqrestore(&sigs.lock, irq);
	if (tid)
		kthread_with(tid, queue_on_thread, q);
	else
		send_process(q->info.si_signo, q, false);
}

void signal_unqueue(struct sigq *q)
{
	bool irq = spin_lock_irqsave(&sigs.lock);

	for (struct sigq **p = &sigs.queue; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			break;
		}
	q->queued = false;
	spin_unlock_irqrestore(&sigs.lock, irq);
}

void signal_thread_exit(void)
{
	struct sigq *freed = NULL;
	bool irq = spin_lock_irqsave(&sigs.lock);

	drop_entries(sched_current()->id, 0, &freed);
	spin_unlock_irqrestore(&sigs.lock, irq);
	put_all(freed);
}

/* By CPU exception: the signal Linux raises for it and its si_code (a
 * page fault's is SEGV_MAPERR, or SEGV_ACCERR when the page was there);
 * 0 for none. */
static const struct {
	uint8_t sig, code;
} fault_signals[] = {
	[VEC_DIVIDE] = { SIGFPE, FPE_INTDIV },
	[VEC_OVERFLOW] = { SIGSEGV, SI_KERNEL },
	[VEC_BOUND] = { SIGSEGV, SI_KERNEL },
	[VEC_INVALID_OPCODE] = { SIGILL, ILL_ILLOPN },
	[VEC_STACK_FAULT] = { SIGBUS, SI_KERNEL },
	[VEC_GP] = { SIGSEGV, SI_KERNEL },
	[VEC_PAGE_FAULT] = { SIGSEGV, SEGV_MAPERR },
	[VEC_X87_FP] = { SIGFPE, FPE_FLTINV },
	[VEC_ALIGNMENT] = { SIGBUS, BUS_ADRALN },
	[VEC_SIMD_FP] = { SIGFPE, FPE_FLTINV },
};

/*
 * trap_fault_hook: a fault of the running thread's is the signal Linux
 * raises for it, taken at once by the program's handler on this stack
 * (with si_addr the faulting address, or the instruction's); the
 * instruction runs again when the handler returns, as on Linux (most
 * handlers report and exit, or siglongjmp() away). Declined, and so
 * reported as before, when the signal has no handler or is blocked:
 * Linux then ends the program. (A stack overflow comes through
 * sys/sigaltstack.c, which checks there is a stack to run on first.)
 */
static bool take_fault(const struct trap_fault *f)
{
	siginfo_t info = { 0 };
	int sig;

	if (f->vector >= ARRAY_SIZE(fault_signals) ||
	    !(sig = fault_signals[f->vector].sig))
		return false;
	info.si_signo = sig;
	info.si_code = fault_signals[f->vector].code + f->present;
	if (info.si_code != SI_KERNEL)
		info.si_addr = (void *)f->addr;
	return send_info_to(sched_current(), sig, &info, true);
}

/* Brings sys/stop_signal.c into the image (its INIT_CALL keeps it). */
static const char *const wants_stop __attribute__((used)) =
	&stop_signal_wanted;
/* And sys/signal_async.c: signals into threads that only compute. */
static const char *const wants_async __attribute__((used)) =
	&signal_async_wanted;

SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct k_sigaction *, act,
		struct k_sigaction *, old, size_t, setsize)
{
	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	if (!valid(sig) || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	if ((act && !user_readable(act, sizeof(*act))) ||
	    (old && !user_writable(old, sizeof(*old))))
		return -EFAULT;
	struct sigq *freed = NULL;
	bool irq = spin_lock_irqsave(&sigs.lock);

	if (old)
		*old = sigs.act[sig];
	if (act) {
		sigs.act[sig] = *act;
		sigs.act[sig].mask &= ~UNBLOCKABLE;
		if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
		    sig == SIGILL)
			trap_fault_hook = take_fault;
		/* An ignored signal's pending instances go (POSIX). */
		if (is_ignored(sig)) {
			sigs.pending &= ~BIT(sig);
			sched_current()->sig_pending &= ~BIT(sig);
			drop_entries(-1, sig, &freed);
		}
	}
	spin_unlock_irqrestore(&sigs.lock, irq);
	put_all(freed);
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const uint64_t *, set,
		uint64_t *, old, size_t, setsize)
{
	struct thread *self = sched_current();

	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	if ((set && !user_readable(set, sizeof(*set))) ||
	    (old && !user_writable(old, sizeof(*old))))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&sigs.lock);
	uint64_t mask = self->sig_blocked, s = set ? *set : 0;

	if (set) {
		switch (how) {
		case SIG_BLOCK:
			mask |= s;
			break;
		case SIG_UNBLOCK:
			mask &= ~s;
			break;
		case SIG_SETMASK:
			mask = s;
			break;
		default:
			spin_unlock_irqrestore(&sigs.lock, irq);
			return -EINVAL;
		}
	}
	if (old)
		*old = self->sig_blocked;
	self->sig_blocked = mask & ~UNBLOCKABLE;
	bool ready = has_ready(self);

	spin_unlock_irqrestore(&sigs.lock, irq);
	/* Unblocking a pending signal delivers it before returning. */
	if (ready)
		signal_deliver();
	return 0;
}

int signal_mask_for_wait(const uint64_t *set, uint64_t *old)
{
	struct thread *self = sched_current();

	if (!user_readable(set, sizeof(*set)))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&sigs.lock);

	*old = self->sig_blocked;
	self->sig_blocked = *set & ~UNBLOCKABLE;
	/* The wait ends at once for what is ready now, and only for that:
	 * an interruption left from a signal the new mask blocks goes. */
	if (has_ready(self))
		sched_interrupt(self);
	else
		sched_clear_interrupt();
	spin_unlock_irqrestore(&sigs.lock, irq);
	return 0;
}

void signal_mask_restore(uint64_t old, bool interrupted)
{
	struct thread *self = sched_current();

	/* Handlers of what ended the wait run under the wait's mask; then
	 * the caller's is back, and what it lets through (a signal the
	 * wait's mask held) runs as the call returns, as on Linux. */
	if (interrupted)
		signal_deliver();
	bool irq = spin_lock_irqsave(&sigs.lock);

	self->sig_blocked = old;
	bool ready = has_ready(self);

	spin_unlock_irqrestore(&sigs.lock, irq);
	if (ready)
		signal_deliver();
}

SYSCALL_DEFINE2(rt_sigpending, uint64_t *, set, size_t, setsize)
{
	struct thread *self = sched_current();

	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	if (!user_writable(set, sizeof(*set)))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&sigs.lock);

	*set = (self->sig_pending | sigs.pending) & self->sig_blocked;
	spin_unlock_irqrestore(&sigs.lock, irq);
	return 0;
}

/* Parks the caller until it is interrupted (a signal it can take), or
 * until (deadline). -EINTR or -ETIMEDOUT. */
static int wait_signal(uint64_t deadline)
{
	struct waitq q = { 0 };
	struct waiter w;
	bool irq = waitq_lock(&q);
	int rc;

	do
		rc = waitq_sleep_intr(&q, &w, deadline, irq);
	while (rc == 0);
	waitq_unlock(&q, irq);
	return rc;
}

SYSCALL_DEFINE2(rt_sigsuspend, const uint64_t *, set, size_t, setsize)
{
	struct thread *self = sched_current();

	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	if (!user_readable(set, sizeof(*set)))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&sigs.lock);
	uint64_t old = self->sig_blocked;

	self->sig_blocked = *set & ~UNBLOCKABLE;
	if (has_ready(self))
		sched_interrupt(self);
	spin_unlock_irqrestore(&sigs.lock, irq);
	wait_signal(WAITQ_NO_DEADLINE);
	/* Handlers run under the temporary mask, then the old one is
	 * back, as Linux does it. */
	signal_deliver();
	irq = spin_lock_irqsave(&sigs.lock);
	self->sig_blocked = old;
	spin_unlock_irqrestore(&sigs.lock, irq);
	return -EINTR;
}

/* Takes a pending signal of (set) off the caller or the process, its
 * information into (info): its number, or 0 if none. Lock held; an entry
 * to put after unlocking goes to (*done). */
static int take_from(uint64_t set, siginfo_t *info, struct sigq **done)
{
	struct thread *self = sched_current();
	uint64_t *from = &self->sig_pending;
	uint64_t hit = *from & set;
	int tid = self->id;

	if (!hit) {
		from = &sigs.pending;
		hit = *from & set;
		tid = 0;
	}
	if (!hit)
		return 0;
	int sig = __builtin_ctzll(hit) + 1;

	*done = dequeue(from, tid, sig, info);
	return sig;
}

int signal_take(uint64_t set, siginfo_t *info)
{
	struct sigq *done = NULL;
	bool irq = spin_lock_irqsave(&sigs.lock);
	int sig = take_from(set & ~UNBLOCKABLE, info, &done);

	spin_unlock_irqrestore(&sigs.lock, irq);
	sigq_put(done);
	return sig;
}

uint64_t signal_pending_here(void)
{
	return READ_ONCE(sched_current()->sig_pending) |
	       READ_ONCE(sigs.pending);
}

SYSCALL_DEFINE4(rt_sigtimedwait, const uint64_t *, set, siginfo_t *, info,
		const struct timespec *, timeout, size_t, setsize)
{
	struct thread *self = sched_current();
	uint64_t deadline = WAITQ_NO_DEADLINE;

	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	if (!user_readable(set, sizeof(*set)) ||
	    (info && !user_writable(info, sizeof(*info))) ||
	    (timeout && !user_readable(timeout, sizeof(*timeout))))
		return -EFAULT;
	if (timeout) {
		if (timeout->tv_sec < 0 || (uint64_t)timeout->tv_nsec >=
						   1000000000ULL)
			return -EINVAL;
		deadline = clock_ns() + timeout->tv_sec * 1000000000ULL +
			   timeout->tv_nsec;
	}
	uint64_t want = *set & ~UNBLOCKABLE;

	for (;;) {
		struct sigq *done = NULL;
		siginfo_t si;
		bool irq = spin_lock_irqsave(&sigs.lock);
		int sig = take_from(want, &si, &done);
		/* The signals waited for count as ready for the wait. */
		uint64_t saved = self->sig_blocked;

		if (!sig) {
			self->sig_blocked &= ~want;
			if (has_ready(self))
				sched_interrupt(self);
		}
		spin_unlock_irqrestore(&sigs.lock, irq);
		if (sig) {
			sigq_put(done);
			if (info)
				*info = si;
			return sig;
		}
		int rc = wait_signal(deadline);

		irq = spin_lock_irqsave(&sigs.lock);
		self->sig_blocked = saved;
		spin_unlock_irqrestore(&sigs.lock, irq);
		if (rc == -ETIMEDOUT)
			return -EAGAIN;
		/* Woken: one of ours (taken above next time round), or
		 * another signal to deliver, which ends the wait. */
		irq = spin_lock_irqsave(&sigs.lock);
		bool ours = (self->sig_pending | sigs.pending) & want;

		spin_unlock_irqrestore(&sigs.lock, irq);
		if (!ours) {
			signal_deliver();
			return -EINTR;
		}
	}
}

/* One process, whose id is 1 (getpid()); 0 and -1 reach it too. */
static bool is_us(int pid)
{
	return pid == 1 || pid == 0 || pid == -1;
}

/* kill() and rt_sigqueueinfo(): (sig) with (info) to the process. An
 * entry that cannot be allocated is -EAGAIN for a queued signal (as
 * Linux over its limit), and no information for the others. */
static long send_info(int sig, const siginfo_t *info, bool must_queue)
{
	struct sigq *q = sigq_new(info);

	if (!q && must_queue)
		return -EAGAIN;
	sigq_put(send_process(sig, q, true));
	return 0;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	if (!is_us(pid))
		return -ESRCH;
	if (sig && !valid(sig))
		return -EINVAL;
	if (sig == 0)
		return 0;
	siginfo_t info = user_info(sig, SI_USER);

	return send_info(sig, &info, false);
}

struct thread_send {
	int sig;
	struct sigq *q;		/* consumed; what is left to put */
};

static int send_to_thread(struct thread *t, void *arg)
{
	struct thread_send *ts = arg;

	if (!ts->sig)
		return 0;
	/* Under kthread_with()'s lock: (t) cannot go away. Delivery to the
	 * caller itself happens after, outside the lock. */
	bool irq = spin_lock_irqsave(&sigs.lock);
	bool now = post(t, ts->sig, ts->q, &ts->q);

	spin_unlock_irqrestore(&sigs.lock, irq);
	return now;
}

/* tkill(), tgkill(), rt_tgsigqueueinfo(): (sig) with (info) to thread
 * (tid). */
static long send_thread_info(int tid, int sig, const siginfo_t *info,
			     bool must_queue)
{
	if (tid <= 0 || (sig && !valid(sig)))
		return -EINVAL;
	struct thread_send ts = { sig, sig ? sigq_new(info) : NULL };

	if (sig && !ts.q && must_queue)
		return -EAGAIN;
	int rc = kthread_with(tid, send_to_thread, &ts);

	sigq_put(ts.q);
	if (rc == 1) {
		signal_deliver();
		rc = 0;
	}
	return rc;
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	siginfo_t info = user_info(sig, SI_TKILL);

	return send_thread_info(tid, sig, &info, false);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid != 1)
		return tgid <= 0 ? -EINVAL : -ESRCH;
	siginfo_t info = user_info(sig, SI_TKILL);

	return send_thread_info(tid, sig, &info, false);
}

/* sigqueue(): the caller's information, its signal number ours. */
static int queue_info(const siginfo_t *uinfo, int sig, siginfo_t *info)
{
	if (!user_readable(uinfo, sizeof(*uinfo)))
		return -EFAULT;
	*info = *uinfo;
	info->si_signo = sig;
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, const siginfo_t *,
		uinfo)
{
	siginfo_t info;
	int rc = queue_info(uinfo, sig, &info);

	if (rc)
		return rc;
	if (pid != 1)
		return -ESRCH;
	if (sig && !valid(sig))
		return -EINVAL;
	return sig ? send_info(sig, &info, is_realtime(sig)) : 0;
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig,
		const siginfo_t *, uinfo)
{
	siginfo_t info;
	int rc = queue_info(uinfo, sig, &info);

	if (rc)
		return rc;
	if (tgid != 1)
		return tgid <= 0 ? -EINVAL : -ESRCH;
	return send_thread_info(tid, sig, &info, is_realtime(sig));
}

SYSCALL_DEFINE0(pause)
{
	wait_signal(WAITQ_NO_DEADLINE);
	signal_deliver();
	return -EINTR;
}

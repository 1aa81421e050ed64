// SPDX-License-Identifier: MIT
/*
 * Signals (include/kernel/signal.h) and their system calls: rt_sigaction,
 * rt_sigprocmask, rt_sigpending, rt_sigsuspend, rt_sigtimedwait, kill,
 * tkill, tgkill, sigaltstack. One lock covers the handler table, every
 * thread's pending and blocked sets and the process's pending set.
 *
 * A handler runs in the thread that takes the signal, on its stack, from
 * signal_deliver(): right away when the thread signals itself, else when
 * the receiving thread's system call returns. SIGKILL and SIGSTOP cannot
 * be caught or blocked. Default actions: ignore (SIGCHLD, SIGCONT,
 * SIGURG, SIGWINCH, and the stop signals, there being no job control),
 * end the program with a report and status 125 (the signals Linux dumps
 * core for: SIGABRT, SIGSEGV, ...), or end it with status 128 + the
 * signal (the rest), as a shell reports a process a signal killed.
 * SIGCANCEL, musl's cancellation signal, only interrupts (libc/cancel.c).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>

#include <arch/power.h>
#include <kernel/console.h>
#include <kernel/log.h>
#include <kernel/panic_impl.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/thread_impl.h>
#include <toro/panic.h>
#include <toro/time.h>

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
	bool altstack_set;
} sigs;

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

static const char *const names[32] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM",
	[SIGPROF] = "SIGPROF", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

static __attribute__((noreturn)) void die(int sig)
{
	const char *name = sig < 32 && names[sig] ? names[sig] : "SIGRT";

	if (default_action(sig) == CORE) {
		panic_begin();
		kprintf("toro: program killed by signal %d (%s)\n", sig, name);
		backtrace_print((uintptr_t)__builtin_return_address(0),
				*(uintptr_t *)__builtin_frame_address(0), true,
				0);
		panic_end();
	}
	kprintf("toro: program killed by signal %d (%s)\n", sig, name);
	process_exit(128 + sig);
}

/* Lock held: whether (t) has something to take now, and so must be
 * interrupted (or, when it is the caller, deliver). */
static bool has_ready(const struct thread *t)
{
	return (t->sig_pending | sigs.pending) & ~t->sig_blocked;
}

bool signal_deliver(void)
{
	struct thread *self = sched_current();
	bool restart = true;

	for (;;) {
		bool irq = spin_lock_irqsave(&sigs.lock);
		uint64_t ready = self->sig_pending & ~self->sig_blocked;
		uint64_t *from = &self->sig_pending;

		if (!ready) {
			ready = sigs.pending & ~self->sig_blocked;
			from = &sigs.pending;
		}
		if (!ready) {
			sched_clear_interrupt();
			spin_unlock_irqrestore(&sigs.lock, irq);
			return restart;
		}
		int sig = __builtin_ctzll(ready) + 1;
		struct k_sigaction act = sigs.act[sig];
		uint64_t old = self->sig_blocked;

		*from &= ~BIT(sig);
		if (sig == SIGCANCEL || is_ignored(sig)) {
			spin_unlock_irqrestore(&sigs.lock, irq);
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
		spin_unlock_irqrestore(&sigs.lock, irq);

		if (!(act.flags & SA_RESTART))
			restart = false;
		if (act.flags & SA_SIGINFO) {
			siginfo_t si = { .si_signo = sig, .si_code = SI_TKILL };
			ucontext_t uc;

			memset(&uc, 0, sizeof(uc));
			memcpy(&uc.uc_sigmask, &old, sizeof(old));
			si.si_pid = 1;
			union {
				void (*plain)(int);
				void (*info)(int, siginfo_t *, void *);
			} h = { .plain = act.handler };

			h.info(sig, &si, &uc);
		} else {
			act.handler(sig);
		}
		/* As sigreturn would: the mask from before the handler. */
		irq = spin_lock_irqsave(&sigs.lock);
		self->sig_blocked = old;
		spin_unlock_irqrestore(&sigs.lock, irq);
	}
}

/* Lock held: marks (sig) pending on (t) and wakes its wait if it may
 * take it. Returns whether (t) is the caller and should deliver now. */
static bool post(struct thread *t, int sig)
{
	if (is_ignored(sig))
		return false;
	t->sig_pending |= BIT(sig);
	if (!has_ready(t))
		return false;
	if (t == sched_current())
		return true;
	sched_interrupt(t);
	return false;
}

int signal_send_thread(struct thread *t, int sig)
{
	if (!valid(sig))
		return -EINVAL;
	bool irq = spin_lock_irqsave(&sigs.lock);
	bool now = post(t, sig);

	spin_unlock_irqrestore(&sigs.lock, irq);
	if (now)
		signal_deliver();
	return 0;
}

/* From kthread_each(): gives the process's signal to (t) if it can take
 * it (the first such thread the walk finds). */
static int pick_taker(struct thread *t, void *arg)
{
	int sig = (int)(intptr_t)arg;
	bool irq = spin_lock_irqsave(&sigs.lock);
	bool took = !(t->sig_blocked & BIT(sig));

	if (took) {
		t->sig_pending |= BIT(sig);
		sched_interrupt(t);
	}
	spin_unlock_irqrestore(&sigs.lock, irq);
	return took;
}

int signal_send_process(int sig)
{
	struct thread *self = sched_current();
	bool now = false, ignored;

	if (!valid(sig))
		return -EINVAL;
	bool irq = spin_lock_irqsave(&sigs.lock);

	ignored = is_ignored(sig);
	if (!ignored && !(self->sig_blocked & BIT(sig))) {
		self->sig_pending |= BIT(sig);
		now = true;
	}
	spin_unlock_irqrestore(&sigs.lock, irq);
	if (now)
		signal_deliver();
	else if (!ignored && !kthread_each(pick_taker, (void *)(intptr_t)sig)) {
		/* Everybody blocks it: it waits for the first to unblock. */
		irq = spin_lock_irqsave(&sigs.lock);
		sigs.pending |= BIT(sig);
		spin_unlock_irqrestore(&sigs.lock, irq);
	}
	return 0;
}

void signal_post_process(int sig)
{
	bool irq = spin_lock_irqsave(&sigs.lock);
	bool ignored = is_ignored(sig);

	spin_unlock_irqrestore(&sigs.lock, irq);
	if (ignored || kthread_each(pick_taker, (void *)(intptr_t)sig))
		return;
	irq = spin_lock_irqsave(&sigs.lock);
	sigs.pending |= BIT(sig);
	spin_unlock_irqrestore(&sigs.lock, irq);
}

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
	bool irq = spin_lock_irqsave(&sigs.lock);

	if (old)
		*old = sigs.act[sig];
	if (act) {
		sigs.act[sig] = *act;
		sigs.act[sig].mask &= ~UNBLOCKABLE;
		/* An ignored signal's pending instances go (POSIX). */
		if (is_ignored(sig)) {
			sigs.pending &= ~BIT(sig);
			sched_current()->sig_pending &= ~BIT(sig);
		}
	}
	spin_unlock_irqrestore(&sigs.lock, irq);
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

/* Takes a pending signal of (set) off the caller or the process: its
 * number, or 0 if none. Lock held. */
static int take_from(uint64_t set)
{
	struct thread *self = sched_current();
	uint64_t *from = &self->sig_pending;
	uint64_t hit = *from & set;

	if (!hit) {
		from = &sigs.pending;
		hit = *from & set;
	}
	if (!hit)
		return 0;
	int sig = __builtin_ctzll(hit) + 1;

	*from &= ~BIT(sig);
	return sig;
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
		bool irq = spin_lock_irqsave(&sigs.lock);
		int sig = take_from(want);
		/* The signals waited for count as ready for the wait. */
		uint64_t saved = self->sig_blocked;

		if (!sig) {
			self->sig_blocked &= ~want;
			if (has_ready(self))
				sched_interrupt(self);
		}
		spin_unlock_irqrestore(&sigs.lock, irq);
		if (sig) {
			if (info) {
				memset(info, 0, sizeof(*info));
				info->si_signo = sig;
				info->si_code = SI_TKILL;
			}
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

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	/* One process, whose id is 1 (getpid()); 0 and -1 reach it too. */
	if (pid != 1 && pid != 0 && pid != -1)
		return -ESRCH;
	if (sig == 0)
		return 0;
	return signal_send_process(sig);
}

static int tkill_one(struct thread *t, void *arg)
{
	int sig = (int)(intptr_t)arg;

	if (!sig)
		return 0;
	/* Under kthread_with()'s lock: (t) cannot go away. Delivery to the
	 * caller itself happens after, outside the lock. */
	bool irq = spin_lock_irqsave(&sigs.lock);
	bool now = post(t, sig);

	spin_unlock_irqrestore(&sigs.lock, irq);
	return now;
}

static long tkill(int tid, int sig)
{
	if (tid <= 0 || (sig && !valid(sig)))
		return -EINVAL;
	int rc = kthread_with(tid, tkill_one, (void *)(intptr_t)sig);

	if (rc == 1) {
		signal_deliver();
		rc = 0;
	}
	return rc;
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	return tkill(tid, sig);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid != 1)
		return tgid <= 0 ? -EINVAL : -ESRCH;
	return tkill(tid, sig);
}

/* Accepted and remembered, but handlers run on the thread's own stack:
 * the faults a handler on another stack is for (SIGSEGV) end the program
 * with a report here instead. */
SYSCALL_DEFINE2(sigaltstack, const stack_t *, ss, stack_t *, old)
{
	if ((ss && !user_readable(ss, sizeof(*ss))) ||
	    (old && !user_writable(old, sizeof(*old))))
		return -EFAULT;
	if (old)
		*old = (stack_t){ .ss_flags = SS_DISABLE };
	if (ss && ss->ss_flags & ~SS_DISABLE)
		return -EINVAL;
	if (ss && !(ss->ss_flags & SS_DISABLE) && ss->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	sigs.altstack_set = ss && !(ss->ss_flags & SS_DISABLE);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Signals within one thread: a signal to oneself is handled before the
 * call that sent it returns; blocked signals wait and are handled when
 * unblocked; sa_mask, SA_NODEFER, SA_RESETHAND, SA_SIGINFO; what is
 * ignored by default; sigaction's and sigprocmask's errors. Signals
 * between threads are in signal_thread.c; default actions that end the
 * program are boots of their own (the TEST file, main.c).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

TEST(signal, to_oneself_handled_before_the_call_returns)
{
	catch_signal(SIGUSR1, 0);
	EXPECT_EQ(raise(SIGUSR1), 0);
	EXPECT_EQ(sig_count[SIGUSR1], 1);
	EXPECT_TRUE(pthread_equal(sig_thread[SIGUSR1], pthread_self()));
	EXPECT_EQ(kill(getpid(), SIGUSR1), 0);
	EXPECT_EQ(sig_count[SIGUSR1], 2);
	EXPECT_EQ(pthread_kill(pthread_self(), SIGUSR1), 0);
	EXPECT_EQ(sig_count[SIGUSR1], 3);
	EXPECT_EQ(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0);
	EXPECT_EQ(sig_count[SIGUSR1], 4);
	EXPECT_EQ(kill(0, SIGUSR1), 0);		/* our process group */
	EXPECT_EQ(sig_count[SIGUSR1], 5);
	/* Signal 0 checks, sends nothing. */
	EXPECT_EQ(kill(getpid(), 0), 0);
	EXPECT_EQ(pthread_kill(pthread_self(), 0), 0);
	EXPECT_EQ(sig_count[SIGUSR1], 5);
	EXPECT_FALSE(is_blocked(SIGUSR1));	/* the handler's mask went */
	reset_signal(SIGUSR1);
}

TEST(signal, blocked_signals_wait_until_unblocked)
{
	sigset_t set, old;

	catch_signal(SIGUSR1, 0);
	catch_signal(SIGUSR2, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	EXPECT_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
	EXPECT_EQ(sigismember(&old, SIGUSR1), 0);
	raise(SIGUSR1);
	raise(SIGUSR1);		/* a standard signal is pending once */
	kill(getpid(), SIGUSR2);
	EXPECT_EQ(sig_count[SIGUSR1], 0);
	EXPECT_EQ(sig_count[SIGUSR2], 0);
	EXPECT_TRUE(is_pending(SIGUSR1));
	EXPECT_TRUE(is_pending(SIGUSR2));
	/* Unblocking delivers before sigprocmask() returns. */
	unblock_signal(SIGUSR1);
	EXPECT_EQ(sig_count[SIGUSR1], 1);
	EXPECT_FALSE(is_pending(SIGUSR1));
	EXPECT_TRUE(is_pending(SIGUSR2));
	EXPECT_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	EXPECT_EQ(sig_count[SIGUSR2], 1);
	EXPECT_FALSE(is_pending(SIGUSR2));
	/* Ignoring a pending signal discards it. */
	block_signal(SIGUSR1);
	raise(SIGUSR1);
	EXPECT_TRUE(is_pending(SIGUSR1));
	signal(SIGUSR1, SIG_IGN);
	EXPECT_FALSE(is_pending(SIGUSR1));
	catch_signal(SIGUSR1, 0);
	unblock_signal(SIGUSR1);
	EXPECT_EQ(sig_count[SIGUSR1], 0);
	/* SIGKILL and SIGSTOP cannot be blocked: asking is no error. */
	sigfillset(&set);
	EXPECT_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
	EXPECT_EQ(sigprocmask(SIG_BLOCK, NULL, &set), 0);
	EXPECT_EQ(sigismember(&set, SIGKILL), 0);
	EXPECT_EQ(sigismember(&set, SIGSTOP), 0);
	EXPECT_EQ(sigismember(&set, SIGTERM), 1);
	EXPECT_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	reset_signal(SIGUSR1);
	reset_signal(SIGUSR2);
}

static sigset_t mask_in_handler;

static void record_mask(int sig)
{
	counting_handler(sig);
	pthread_sigmask(SIG_BLOCK, NULL, &mask_in_handler);
}

TEST(signal, handler_runs_under_sa_mask)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = record_mask;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaddset(&sa.sa_mask, SIGKILL);	/* quietly left out */
	sig_count[SIGUSR1] = 0;
	ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	EXPECT_EQ(sig_count[SIGUSR1], 1);
	EXPECT_EQ(sigismember(&mask_in_handler, SIGUSR1), 1);	/* itself */
	EXPECT_EQ(sigismember(&mask_in_handler, SIGUSR2), 1);
	EXPECT_EQ(sigismember(&mask_in_handler, SIGTERM), 0);
	EXPECT_FALSE(is_blocked(SIGUSR2));	/* and after, as before */
	EXPECT_FALSE(is_blocked(SIGUSR1));
	/* sigaction() gives back what was set. */
	ASSERT_EQ(sigaction(SIGUSR1, NULL, &old), 0);
	EXPECT_TRUE(old.sa_handler == record_mask);
	EXPECT_EQ(sigismember(&old.sa_mask, SIGUSR2), 1);
	EXPECT_EQ(sigismember(&old.sa_mask, SIGTERM), 0);
	EXPECT_EQ(sigismember(&old.sa_mask, SIGKILL), 0);
	reset_signal(SIGUSR1);
}

static int depth, max_depth, runs;

static void reenter(int sig)
{
	runs++;
	if (++depth > max_depth)
		max_depth = depth;
	if (runs < 3)
		raise(sig);
	depth--;
}

TEST(signal, sa_nodefer_lets_the_handler_nest)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = reenter;
	depth = max_depth = runs = 0;
	ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	/* Blocked in its own handler: one run after the other. */
	EXPECT_EQ(runs, 3);
	EXPECT_EQ(max_depth, 1);
	sa.sa_flags = SA_NODEFER;
	depth = max_depth = runs = 0;
	ASSERT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	raise(SIGUSR1);
	EXPECT_EQ(runs, 3);
	EXPECT_EQ(max_depth, 3);
	reset_signal(SIGUSR1);
}

TEST(signal, sa_resethand_handles_once)
{
	struct sigaction old;

	catch_signal(SIGUSR1, SA_RESETHAND);
	raise(SIGUSR1);
	EXPECT_EQ(sig_count[SIGUSR1], 1);
	ASSERT_EQ(sigaction(SIGUSR1, NULL, &old), 0);
	EXPECT_TRUE(old.sa_handler == SIG_DFL);
	reset_signal(SIGUSR1);
}

static struct {
	int sig, code, count;
	pid_t pid;
	bool ctx;
} info;

static void info_handler(int sig, siginfo_t *si, void *ctx)
{
	info.sig = sig;
	info.code = si->si_code;
	info.pid = si->si_pid;
	info.ctx = ctx != NULL;
	info.count++;
}

TEST(signal, sa_siginfo_says_who_sent_it)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(sigaction(SIGUSR2, &sa, NULL), 0);
	raise(SIGUSR2);
	EXPECT_EQ(info.count, 1);
	EXPECT_EQ(info.sig, SIGUSR2);
	EXPECT_EQ(info.code, SI_TKILL);		/* tkill/tgkill */
	EXPECT_TRUE(info.ctx);
	kill(getpid(), SIGUSR2);
	EXPECT_EQ(info.count, 2);
	EXPECT_EQ(info.code, SI_USER);		/* kill */
	EXPECT_EQ(info.pid, getpid());
	reset_signal(SIGUSR2);
}

TEST(signal, ignored_by_default_or_by_choice)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	/* These do nothing by default: the program goes on. */
	EXPECT_EQ(raise(SIGCHLD), 0);
	EXPECT_EQ(raise(SIGURG), 0);
	EXPECT_EQ(raise(SIGWINCH), 0);
	EXPECT_EQ(raise(SIGCONT), 0);
	EXPECT_FALSE(is_pending(SIGCHLD));
	signal(SIGTERM, SIG_IGN);
	EXPECT_EQ(raise(SIGTERM), 0);
	EXPECT_EQ(kill(getpid(), SIGTERM), 0);
	EXPECT_FALSE(is_pending(SIGTERM));
	signal(SIGTERM, SIG_DFL);
	/* Blocked, such a signal stays pending (Linux keeps blocked
	 * signals whatever their action): a program that blocks SIGURG or
	 * SIGWINCH and takes it with sigwait() sees it. Unblocked, it is
	 * ignored, and gone. */
	sigemptyset(&set);
	sigaddset(&set, SIGURG);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	raise(SIGURG);
	EXPECT_TRUE(is_pending(SIGURG));
	EXPECT_EQ(sigtimedwait(&set, NULL, &zero), SIGURG);
	raise(SIGURG);
	unblock_signal(SIGURG);
	EXPECT_FALSE(is_pending(SIGURG));
}

TEST(signal, real_time_signals_have_handlers_too)
{
	catch_signal(SIGRTMIN, 0);
	catch_signal(SIGRTMAX, 0);
	raise(SIGRTMIN);
	raise(SIGRTMAX);
	EXPECT_EQ(sig_count[SIGRTMIN], 1);
	EXPECT_EQ(sig_count[SIGRTMAX], 1);
	reset_signal(SIGRTMIN);
	reset_signal(SIGRTMAX);
}

TEST(signal, errors)
{
	struct sigaction sa, old;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = counting_handler;
	EXPECT_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	EXPECT_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	EXPECT_ERR(sigaction(0, &sa, NULL), EINVAL);
	EXPECT_ERR(sigaction(65, &sa, NULL), EINVAL);
	EXPECT_EQ(sigaction(SIGKILL, NULL, &old), 0);	/* asking is fine */
	EXPECT_TRUE(old.sa_handler == SIG_DFL);
	sigemptyset(&set);
	EXPECT_ERR(sigprocmask(7, &set, NULL), EINVAL);
	EXPECT_EQ(pthread_sigmask(7, &set, NULL), EINVAL);
	EXPECT_ERR(kill(getpid(), 65), EINVAL);
	EXPECT_ERR(kill(12345678, SIGUSR1), ESRCH);
	EXPECT_ERR(raise(65), EINVAL);
	EXPECT_EQ(pthread_kill(pthread_self(), 65), EINVAL);
	EXPECT_ERR(sigpending(NULL), EFAULT);
	EXPECT_ERR(sigsuspend(NULL), EFAULT);
	EXPECT_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4),
		   EINVAL);
}

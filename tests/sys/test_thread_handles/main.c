// SPDX-License-Identifier: MIT
/*
 * The errors of <toro/thread.h>'s handles: a second thread_detach(), or a
 * thread_join() after thread_detach(), of a thread that has not ended
 * yet is -EINVAL, and a thread cannot join itself. An image of its own
 * (not a case of tests/kernel/), so that if a call crashes instead of
 * failing, the in-guest test cases still all run.
 * Prints "PASS <what>" or "FAIL <what>: ..." and exits 0 only if all pass.
 */
#include <errno.h>
#include <stdio.h>

#include <toro/thread.h>

static int failures;

static void expect(const char *what, int got, int want)
{
	if (got == want) {
		printf("PASS %s\n", what);
		return;
	}
	printf("FAIL %s: %d, want %d\n", what, got, want);
	failures++;
}

static void *nothing(void *arg)
{
	return arg;
}

int main(void)
{
	expect("join of self", thread_join(thread_self(), NULL), -EDEADLK);
	/* On this CPU: it cannot run, let alone end, before we yield. */
	struct thread *t = thread_create(THREAD_CPU_SELF, 0, nothing, NULL);

	if (!t) {
		printf("FAIL thread_create\n");
		return 1;
	}
	expect("detach", thread_detach(t), 0);
	expect("second detach", thread_detach(t), -EINVAL);
	expect("join after detach", thread_join(t, NULL), -EINVAL);
	thread_yield();		/* let it run and go */
	return failures != 0;
}

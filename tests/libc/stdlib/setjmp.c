// SPDX-License-Identifier: MIT
/* <setjmp.h>: setjmp/longjmp (values, volatile locals, nested and from
 * deep calls), _setjmp/_longjmp, sigsetjmp/siglongjmp saving and
 * restoring the signal mask or not. */
#include <setjmp.h>
#include <signal.h>

#include "check.h"

static jmp_buf jb;
static int calls;

static void deep(int n)
{
	calls++;
	if (n < 0)
		return;
	if (n == 0)
		longjmp(jb, 42);
	deep(n - 1);
}

static int blocked(int sig)
{
	sigset_t cur;

	sigprocmask(SIG_SETMASK, NULL, &cur);
	return sigismember(&cur, sig);
}

int test_setjmp(void)
{
	volatile int v = 1;
	int r = setjmp(jb);

	if (r == 0) {
		v = 2;
		longjmp(jb, 0);
	}
	printf("longjmp(0) returns %d, v %d\n", r, v);
	r = setjmp(jb);
	if (r == 0)
		deep(100);
	printf("from depth: %d after %d calls\n", r, calls);
	jmp_buf outer;
	volatile int stage = 0;
	if (setjmp(outer) == 0) {
		stage = 1;
		if (setjmp(jb) == 0) {
			stage = 2;
			longjmp(outer, 1);
		}
		stage = 99;
	}
	printf("nested: stage %d\n", stage);
	if ((r = _setjmp(jb)) == 0)
		_longjmp(jb, 5);
	printf("_longjmp %d\n", r);
	sigjmp_buf sj;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (volatile int save = 0; save < 2; save++) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		if ((r = sigsetjmp(sj, save)) == 0) {
			sigprocmask(SIG_BLOCK, &set, NULL);
			siglongjmp(sj, 3);
		}
		printf("sigsetjmp(%d): %d, SIGUSR1 blocked %d\n", save, r,
		       blocked(SIGUSR1));
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * The program's C entry, musl's crt1 for Toro: kernel/process_start.c
 * calls it in main's thread with what Linux puts on a new process's stack
 * (argc, argv, the environment, the auxiliary vector), and musl does the
 * rest: thread-local storage, the stack protector, constructors, main(),
 * exit().
 */
#include <toro/thread.h>

int main();
int __libc_start_main(int (*)(), int, char **, void (*)(), void (*)(),
		      void (*)());

/* musl's default stack for a new pthread (src/thread/default_attr.c):
 * 128 KiB on Linux, where pages a stack never touches cost nothing. Here
 * a stack is memory taken whole, so pthreads get Toro's own default
 * (THREAD_STACK_DEFAULT, 64 KiB); pthread_attr_setstacksize() and
 * pthread_setattr_default_np() ask for more. */
extern unsigned __default_stacksize;

_Noreturn void _start_c(long *p)
{
	int argc = p[0];
	char **argv = (void *)(p + 1);

	__default_stacksize = THREAD_STACK_DEFAULT;
	__libc_start_main(main, argc, argv, 0, 0, 0);
	__builtin_unreachable();
}

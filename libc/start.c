// SPDX-License-Identifier: MIT
/*
 * The program's C entry, musl's crt1 for Toro: kernel/process_start.c
 * calls it in main's thread with what Linux puts on a new process's stack
 * (argc, argv, the environment, the auxiliary vector), and musl does the
 * rest: thread-local storage, the stack protector, constructors, main(),
 * exit().
 */
int main();
int __libc_start_main(int (*)(), int, char **, void (*)(), void (*)(),
		      void (*)());

_Noreturn void _start_c(long *p)
{
	int argc = p[0];
	char **argv = (void *)(p + 1);

	__libc_start_main(main, argc, argv, 0, 0, 0);
	__builtin_unreachable();
}

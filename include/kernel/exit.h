/* SPDX-License-Identifier: MIT */
/* Ending the program: exit() and atexit() live in the kernel, since
 * stopping the application means powering off the VM. */
#ifndef KERNEL_EXIT_H
#define KERNEL_EXIT_H

/* Runs the atexit() handlers, then the exit hooks below, flushes the
 * console and powers off with (code). Declared for applications in
 * <stdlib.h> as exit(). */
void exit(int code) __attribute__((noreturn));

/*
 * Exit hooks of optional subsystems, run by exit() in the exiting thread
 * after the atexit() handlers (not by _Exit or a panic): the last chance
 * to finish what the application asked for before the VM is gone, such
 * as sending what it wrote to a socket it closed. A hook may sleep but
 * must bound its wait. The kernel core never names them.
 */
struct exit_call {
	void (*fn)(void);
	const char *name;
};

#define EXIT_CALL(fn)							\
	static const struct exit_call __exit_call_##fn			\
	__attribute__((used, section("toro_exit"),			\
		       aligned(sizeof(void *)))) = { fn, #fn }

#endif /* KERNEL_EXIT_H */

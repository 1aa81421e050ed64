/* SPDX-License-Identifier: MIT */
/* Exit hooks: what optional subsystems finish when the program ends
 * (process_exit(), include/kernel/process.h). */
#ifndef KERNEL_EXIT_H
#define KERNEL_EXIT_H

/*
 * Exit hooks of optional subsystems, run by process_exit() in the exiting
 * thread once the C library's exit() has run the atexit() handlers (also
 * after _Exit and a fatal signal; not after a panic): the last chance
 * to finish what the application asked for before the VM is gone, such
 * as sending what it wrote to a socket it closed. A hook may sleep but
 * must bound its wait. The kernel core never names them.
 */
struct exit_call {
	void (*fn)(void);
	const char *name;
};

#define EXIT_CALL_AT(fn, order)						\
	static const struct exit_call __exit_call_##fn			\
	__attribute__((used, section("toro_exit." #order),		\
		       aligned(sizeof(void *)))) = { fn, #fn }

/* EXIT_CALL_FIRST hooks run before the others: what must still reach the
 * file systems before they finish (fs/vfs_map.c's write-back). */
#define EXIT_CALL_FIRST(fn)	EXIT_CALL_AT(fn, 1)
#define EXIT_CALL(fn)		EXIT_CALL_AT(fn, 2)

#endif /* KERNEL_EXIT_H */

/* SPDX-License-Identifier: MIT */
/*
 * Start-up hooks of optional subsystems. A subsystem that is linked in (the
 * application used it) registers a function to run in main()'s thread
 * before main(), so it may block and create threads. The kernel core never
 * names them: an application that does not use a driver does not link it.
 * Levels run in order; within a level, in link order.
 */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

/* Levels: buses find devices, drivers bind to them, filesystems mount,
 * then what goes over them (the automatic /tmp), the network stack
 * configures its interfaces. */
#define INIT_BUS	1
#define INIT_DRIVER	2
#define INIT_FS		3
#define INIT_FS_OVER	4
#define INIT_NET	5

struct init_call {
	int (*fn)(void);	/* 0, or -errno (reported, boot goes on) */
	const char *name;
};

/* The section is named by the level's number (the linker script sorts
 * them by name), hence the second macro: it sees the level expanded. */
#define INIT_CALL(level, fn) INIT_CALL_(level, fn)
#define INIT_CALL_(level, fn)						\
	static const struct init_call __init_call_##fn			\
	__attribute__((used, section("toro_init." #level),		\
		       aligned(sizeof(void *)))) = { fn, #fn }

/* Runs every registered hook, level by level. */
void init_calls_run(void);

#endif /* KERNEL_INIT_H */

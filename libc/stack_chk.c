// SPDX-License-Identifier: MIT
/*
 * The stack protector's canary and its failure, in place of musl's
 * src/env/__stack_chk_fail.c. Applications and musl are built with
 * -fstack-protector-strong: a function with an array or an address-taken
 * local keeps a copy of the canary (read from %fs:0x28, which is the
 * canary field of the thread's struct pthread) below its return address
 * and checks it before returning.
 *
 * The canary is new at every boot: musl's start-up hands __init_ssp() the
 * 16 AT_RANDOM bytes the kernel made from RDSEED/RDRAND and the TSC
 * (kernel/process_start.c), before main() and before any other thread;
 * pthread_create() copies it into each new thread. Its second byte is
 * zero, as in musl, so a string overflow that reads or copies it stops
 * there, and an off-by-one over the first byte is still caught.
 *
 * A wrong canary means the stack was overwritten: the program cannot go
 * on safely, so it ends as any fault does, with a message, a backtrace
 * (naming the function whose stack was smashed: it made this call) and
 * exit status 125. Built without the protector (as all of libc/ is): this
 * runs before the canary exists and when it cannot be trusted.
 */
#include <stdint.h>
#include <string.h>

#include "pthread_impl.h"

#include <toro/panic.h>

uintptr_t __stack_chk_guard;

void __init_ssp(void *entropy)
{
	if (entropy)
		memcpy(&__stack_chk_guard, entropy, sizeof(__stack_chk_guard));
	else	/* no AT_RANDOM: at least differs from image to image */
		__stack_chk_guard = (uintptr_t)&__stack_chk_guard * 1103515245;
	((char *)&__stack_chk_guard)[1] = 0;
	__pthread_self()->canary = __stack_chk_guard;
}

void __stack_chk_fail(void)
{
	panic("stack smashing detected: a function's stack canary was "
	      "overwritten (the function that returned into this report)");
}

hidden void __stack_chk_fail_local(void);
weak_alias(__stack_chk_fail, __stack_chk_fail_local);

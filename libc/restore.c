// SPDX-License-Identifier: MIT
/*
 * The signal return trampoline musl's sigaction() names as sa_restorer
 * (replaces musl's restore.s, an rt_sigreturn system call). The kernel
 * runs a handler as a plain call from signal_deliver() and takes back the
 * mask itself when it returns, so nothing ever jumps here: if something
 * does, it is a bug to stop at.
 */
#include "libc.h"

hidden void __restore_rt(void)
{
	__builtin_trap();
}

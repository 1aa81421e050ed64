// SPDX-License-Identifier: MIT
/*
 * vfork(), in place of musl's assembly (which enters Linux itself) and of
 * its generic file (which goes through syscall(), naming every adapter):
 * as for fork(), one process has no second one to make, so ENOSYS.
 */
#include <unistd.h>

#include "syscall.h"

pid_t vfork(void)
{
	return __syscall_ret(__syscall(SYS_fork));
}

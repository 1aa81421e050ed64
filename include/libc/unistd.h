/* SPDX-License-Identifier: MIT */
/* <unistd.h>: the POSIX calls Toro provides so far. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO	0
#define STDOUT_FILENO	1
#define STDERR_FILENO	2

unsigned int sleep(unsigned int seconds);
int usleep(useconds_t usec);
ssize_t write(int fd, const void *buf, size_t n);
void _exit(int status) __attribute__((noreturn));
pid_t getpid(void);
long sysconf(int name);

#define _SC_PAGESIZE		30
#define _SC_PAGE_SIZE		_SC_PAGESIZE
#define _SC_NPROCESSORS_CONF	83
#define _SC_NPROCESSORS_ONLN	84

#endif /* _UNISTD_H */

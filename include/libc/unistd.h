/* SPDX-License-Identifier: MIT */
/*
 * <unistd.h>: the POSIX calls Toro provides so far. The file calls work on
 * the VFS (include/kernel/vfs.h); descriptors 0-2 are the console.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO	0
#define STDOUT_FILENO	1
#define STDERR_FILENO	2

/* access() modes */
#define F_OK	0
#define X_OK	1
#define W_OK	2
#define R_OK	4

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

unsigned int sleep(unsigned int seconds);
int usleep(useconds_t usec);
ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
ssize_t pread(int fd, void *buf, size_t n, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
off_t lseek(int fd, off_t off, int whence);
int close(int fd);
int dup(int fd);
int dup2(int fd, int to);
int fsync(int fd);
int fdatasync(int fd);
int ftruncate(int fd, off_t size);
int truncate(const char *path, off_t size);
int unlink(const char *path);
int rmdir(const char *path);
int access(const char *path, int amode);
int chdir(const char *path);
char *getcwd(char *buf, size_t size);
int isatty(int fd);
void _exit(int status) __attribute__((noreturn));
pid_t getpid(void);
long sysconf(int name);

#define _SC_PAGESIZE		30
#define _SC_PAGE_SIZE		_SC_PAGESIZE
#define _SC_NPROCESSORS_CONF	83
#define _SC_NPROCESSORS_ONLN	84

#endif /* _UNISTD_H */

/* SPDX-License-Identifier: MIT */
/*
 * The file-descriptor table (fs/fd.c): one for the whole application,
 * shared by every thread on every CPU. A descriptor holds a reference to
 * an open file (include/kernel/vfs.h); descriptors 0, 1 and 2 start as the
 * console (0 reads as end-of-file, 1 and 2 write to the console) and may be
 * closed and reused like any other. New descriptors are the lowest free.
 */
#ifndef KERNEL_FD_H
#define KERNEL_FD_H

#include <stdbool.h>
#include <sys/types.h>

struct vfs_file;

/* Descriptors are below this. */
#define FD_MAX 65536

/* Puts (f) in the lowest free slot, taking over the caller's reference.
 * Returns the descriptor or -EMFILE, -ENOMEM (the reference is kept).
 * fd_install_flags() also sets the descriptor's FD_CLOEXEC. */
int fd_install(struct vfs_file *f);
int fd_install_flags(struct vfs_file *f, bool close_exec);

/* The descriptor's FD_CLOEXEC (0 or 1), or -EBADF. Nothing is ever
 * exec'd: it is only remembered. */
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);

/* The file behind (fd) with a reference for the caller (vfs_file_put()
 * it), or NULL for a descriptor that is not open. */
struct vfs_file *fd_get(int fd);

/* A new file on the console (/dev/console, /dev/tty: fs/dev_fd.c), open
 * with (flags)' access mode and O_NONBLOCK; NULL without memory. */
struct vfs_file *console_file_new(int flags);

/* The lowest open descriptor at or above (from), or -1: for walking
 * the table (/proc/self/fd, close_range()). */
int fd_next_open(int from);

/* Frees (fd) and drops its reference; -EBADF if not open. */
int fd_close(int fd);

/* Another descriptor for (fd)'s file, with FD_CLOEXEC as (close_exec)
 * says: the lowest free one at or above (min), or exactly (to) for
 * fd_dup2 (closing what it held). Return the new descriptor or -EBADF,
 * -EMFILE, -ENOMEM. */
int fd_dup(int fd, int min, bool close_exec);
int fd_dup2(int fd, int to, bool close_exec);

#endif /* KERNEL_FD_H */

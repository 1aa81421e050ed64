/* SPDX-License-Identifier: MIT */
/*
 * Built-in character devices under /dev (fs/dev_files.c): null, zero,
 * full, random and urandom, which programs open by name (a redirection
 * to /dev/null, a seed from /dev/urandom) whatever their root holds, and
 * the descriptors' names (fs/dev_fd.c).
 */
#ifndef KERNEL_DEV_FILES_H
#define KERNEL_DEV_FILES_H

#include <sys/stat.h>

struct vfs_file;

/* The device at absolute (path), opened with open() (flags): 0 with
 * (*out), -ENOENT when there is none by that name. */
int dev_open(const char *path, int flags, struct vfs_file **out);

/* stat() of the device at absolute (path): 0, or -ENOENT. */
int dev_stat(const char *path, struct stat *st);

/*
 * /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N
 * (or /proc/1/fd/N) (fs/dev_fd.c): the file open as that descriptor, or -ENOENT (also for a closed one). In
 * the programs that may write files by name (fs/tmp_auto.c links it);
 * dev_open() and dev_stat() ask weakly.
 */
int dev_fd_open(const char *path, int flags, struct vfs_file **out);
int dev_fd_stat(const char *path, struct stat *st);

#endif /* KERNEL_DEV_FILES_H */

// SPDX-License-Identifier: MIT
/*
 * mmap() (with libc/mmap_syscall.c, replaces musl's): the program's own
 * mappings. It names vfs_map_wanted, so that a program calling mmap() can
 * map files, privately or shared (fs/vfs_map.c), while one whose only
 * mappings are the C library's (thread stacks) is without that code; and
 * stop_signal_wanted, so that the host's stop (SIGTERM) ends it through
 * the exit path that writes shared mappings back.
 */
#include <sys/mman.h>

#include <kernel/signal.h>
#include <kernel/vfs.h>

void *__mmap(void *start, size_t len, int prot, int flags, int fd, off_t off);

static const char *const wants_maps __attribute__((used)) = &vfs_map_wanted;
static const char *const wants_stop __attribute__((used)) =
	&stop_signal_wanted;

void *mmap(void *start, size_t len, int prot, int flags, int fd, off_t off)
{
	return __mmap(start, len, prot, flags, fd, off);
}

void *mmap64(void *start, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));

/* SPDX-License-Identifier: MIT */
/*
 * Files that carry events rather than data, for event-driven programs:
 * eventfd (fs/eventfd.c), timerfd (fs/timerfd.c) and epoll sets
 * (fs/epoll.c). Each is an open file (include/kernel/vfs.h) to install
 * in the descriptor table; all of them can be watched by poll() and by
 * epoll. Calls return 0 (or a count) or -errno.
 */
#ifndef KERNEL_EVENT_FILE_H
#define KERNEL_EVENT_FILE_H

#include <stdbool.h>
#include <stdint.h>

struct vfs_file;

/* An eventfd counter starting at (initval); (semaphore): EFD_SEMAPHORE;
 * (flags) may hold O_NONBLOCK. -ENOMEM. */
int eventfd_open(unsigned initval, bool semaphore, int flags,
		 struct vfs_file **out);

/* A disarmed timer file on clock (clk) (whose absolute times the caller
 * converts); (flags) may hold O_NONBLOCK. -ENOMEM. */
int timerfd_open(int clk, int flags, struct vfs_file **out);
bool is_timerfd(const struct vfs_file *f);
int timerfd_clockid(const struct vfs_file *f);

/*
 * Arms timer file (f) to expire at clock_ns() (first) (0: disarms it),
 * then every (interval) ns (0: once), clearing expirations not yet read.
 * What was left of the old setting and its interval go to (*old_left)
 * and (*old_interval) when not NULL.
 */
int timerfd_set(struct vfs_file *f, uint64_t first, uint64_t interval,
		uint64_t *old_left, uint64_t *old_interval);
/* What is left until the next expiry (0: disarmed) and the interval. */
int timerfd_query(struct vfs_file *f, uint64_t *left, uint64_t *interval);

/* An empty epoll set; (flags) may hold O_NONBLOCK. -ENOMEM. */
int epoll_open(int flags, struct vfs_file **out);
bool is_epoll(const struct vfs_file *f);

enum { EPOLL_OP_ADD = 1, EPOLL_OP_DEL = 2, EPOLL_OP_MOD = 3 };

/*
 * EPOLL_CTL_ADD/DEL/MOD of file (f), which descriptor (fd) names, to set
 * (epf), with Linux's event bits and flags in (events) and the caller's
 * (data). -EINVAL (not a set, the set itself, a bad op), -EEXIST,
 * -ENOENT, -ELOOP (a set in a set in a set), -ENOMEM.
 */
int epoll_control(struct vfs_file *epf, int op, int fd, struct vfs_file *f,
		  uint32_t events, uint64_t data);

struct epoll_report {
	uint32_t events;
	uint64_t data;
};

/* Waits until items of set (epf) are ready, until clock_ns() reaches
 * (deadline), or until interrupted; fills up to (max) reports. Returns
 * how many (0 at the deadline), -EINTR, -EINVAL. */
int epoll_collect(struct vfs_file *epf, struct epoll_report *out, int max,
		  uint64_t deadline);

#endif /* KERNEL_EVENT_FILE_H */

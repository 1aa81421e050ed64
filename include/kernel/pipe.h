/* SPDX-License-Identifier: MIT */
/*
 * Byte channels inside the program (fs/pipe_buf.c, fs/pipe.c): the buffer
 * under pipe(), FIFOs (fs/fifo.c) and AF_UNIX stream sockets. One buffer
 * carries bytes one way; each end is an open file, told apart as the
 * reading and the writing file, which the buffer notifies
 * (vfs_file_notify()) when what they can do may have grown. Blocking
 * reads and writes park the caller until they can go on, the other end
 * goes, their deadline passes or the thread is interrupted.
 */
#ifndef KERNEL_PIPE_H
#define KERNEL_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pipe_buf;
struct vfs_file;

/* Writes of up to this many bytes are atomic: all or nothing, never
 * interleaved with another writer's. */
#define PIPE_ATOMIC	4096
#define PIPE_CAPACITY	(64 * 1024)

/* A new empty buffer of PIPE_CAPACITY bytes with one reader and one
 * writer, neither file known yet; NULL without memory. */
struct pipe_buf *pipe_buf_new(void);

/* Names the files to notify (NULL: none), and ends one side: once the
 * last writer is gone reads see end-of-file, once the reader is gone
 * writes fail with -EPIPE. The buffer is freed when both are gone. */
void pipe_buf_set_files(struct pipe_buf *p, struct vfs_file *reader,
			struct vfs_file *writer);
void pipe_buf_close_reader(struct pipe_buf *p);
void pipe_buf_close_writer(struct pipe_buf *p);

/* For a FIFO (fs/fifo.c), whose sides may have many files each and
 * close and open again: (notify)(arg, rd, wr) is told, under the
 * buffer's lock, what happened to the reading side (rd) and to the
 * writing side (wr), in place of the two files' notifications; a side
 * closed above works again, holding the buffer once more (the other
 * side must still hold it). */
void pipe_buf_set_notify(struct pipe_buf *p,
			 void (*notify)(void *arg, unsigned rd, unsigned wr),
			 void *arg);
void pipe_buf_reopen(struct pipe_buf *p, bool reader);

/* shutdown(): the side stops working (reads see end-of-file, writes
 * fail with -EPIPE) but keeps its hold on the buffer until it is closed
 * as above. */
void pipe_buf_shut_reader(struct pipe_buf *p);
void pipe_buf_shut_writer(struct pipe_buf *p);

/*
 * Moves up to (n) bytes out (or, with (peek), copies them and leaves them
 * in). Blocks while the buffer is empty and a writer remains, unless
 * (nonblock). Returns the bytes moved, 0 at end-of-file, -EAGAIN
 * (non-blocking and empty, or (deadline) passed; WAITQ_NO_DEADLINE: none),
 * -EINTR.
 */
ssize_t pipe_buf_read(struct pipe_buf *p, void *buf, size_t n, bool nonblock,
		      bool peek, uint64_t deadline);

/*
 * Moves (n) bytes in: all of them before returning, blocking for room, or
 * with (nonblock) what fits now (but a write of at most PIPE_ATOMIC bytes
 * goes whole or not at all). Returns the bytes moved (a count short of
 * (n) when interrupted or timed out after some went), -EAGAIN, -EPIPE
 * (nobody reads), -EINTR.
 */
ssize_t pipe_buf_write(struct pipe_buf *p, const void *buf, size_t n,
		       bool nonblock, uint64_t deadline);

/* Readiness (VFS_POLL_*) of the reading side and of the writing side. */
unsigned pipe_buf_poll_read(struct pipe_buf *p);
unsigned pipe_buf_poll_write(struct pipe_buf *p);

/* Bytes waiting to be read (FIONREAD). */
size_t pipe_buf_count(struct pipe_buf *p);

/* fs/pipe.c: the buffer behind (f), an end of a pipe or of a FIFO (fs/
 * fifo.c, where linked), for splice() and tee(); NULL for any other
 * file. */
struct pipe_buf *pipe_file_buf(struct vfs_file *f);
/* FIONREAD on an end of a pipe or FIFO: the bytes queued; -ENOTTY for
 * other requests. */
int pipe_file_ioctl(struct vfs_file *f, unsigned long req, void *arg);
/* fs/fifo.c's part of pipe_file_buf(), asked weakly. */
struct pipe_buf *fifo_file_buf(struct vfs_file *f) __attribute__((weak));

/* fs/pipe.c: a pipe: two new files, (*rd) reading and (*wr) writing, with
 * O_NONBLOCK as (flags) says. 0 or -ENOMEM. */
int pipe_open(int flags, struct vfs_file **rd, struct vfs_file **wr);

#endif /* KERNEL_PIPE_H */

/* SPDX-License-Identifier: MIT */
/*
 * Private to /proc (fs/procfs.c, the file system; fs/proc_files.c, what
 * its files say): the files' texts, made when a file is opened.
 */
#ifndef FS_PROCFS_H
#define FS_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/compiler.h>

/* A text being made: what fits of it in (buf), (size) bytes, and its
 * whole length in (len), so that a first pass with no room sizes it. */
struct proc_text {
	char *buf;
	size_t size, len;
};

void proc_printf(struct proc_text *t, const char *fmt, ...) __printf(2, 3);
void proc_put(struct proc_text *t, const char *s, size_t n);

/* A file: one of /proc's own (/proc/NAME) or of the process's
 * (/proc/1/NAME, /proc/self/NAME). */
struct proc_file {
	const char *name;
	bool own;
	void (*make)(struct proc_text *t);
};

extern const struct proc_file proc_files[];
extern const unsigned proc_file_count;

/* The program's name (argv[0]), which its comm, status and exe say. */
const char *proc_program_name(void);

/* A stat line in Linux's format (proc_files.c): of the process, or
 * of one of its threads. */
struct proc_stat {
	int id;
	const char *name;
	char state;			/* 'R' or 'S' */
	uint64_t cpu_ns;
	unsigned threads;
	size_t pages;			/* memory in use */
	unsigned cpu;
};
void proc_stat_line(struct proc_text *t, const struct proc_stat *s);

/* fs/proc_task.c: the threads of /proc/1/task/. The lowest thread id at
 * or above (from), or -1; whether thread (tid) is; the text of its file
 * (which) of proc_task_files (empty once it is gone); its new name, from
 * (n) bytes of (s) (0, or -ESRCH). */
#define PROC_TASK_FILES	2
extern const char *const proc_task_files[PROC_TASK_FILES];
int proc_task_next(int from);
bool proc_task_exists(int tid);
void proc_task_text(int tid, int which, struct proc_text *t);
int proc_task_set_name(int tid, const char *s, size_t n);

#endif /* FS_PROCFS_H */

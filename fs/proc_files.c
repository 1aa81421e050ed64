// SPDX-License-Identifier: MIT
/*
 * A few of Linux's /proc files, for programs that read them to size
 * themselves or to report: /proc/cpuinfo (a "processor" entry a CPU),
 * /proc/meminfo (MemTotal, MemFree, MemAvailable), /proc/uptime,
 * /proc/loadavg, /proc/version, and the one process's (/proc/self/ or
 * /proc/1/) cmdline, comm and status (Name, Pid, VmRSS), and its exe
 * link for readlink(). Made when opened, read-only, as etc_files.c's
 * are, which asks here for names under /proc/ (vfs_readlink() for the
 * link); there is no /proc directory to list. The resident size is
 * all memory in use, the kernel's part included (pages_kib()).
 * Linked with the automatic /tmp (fs/tmp_auto.c names proc_file_text):
 * the programs that fopen() files or write them.
 */
#include <errno.h>
#include <string.h>

#include <kernel/cmdline.h>
#include <kernel/etc_files.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <toro/cpu.h>
#include <toro/time.h>

#define NSEC 1000000000ULL

/* "%s\0" of every argument of the program, as Linux's cmdline. */
static size_t cmdline(char *buf, size_t size)
{
	size_t n = 0;

	for (int i = 0; i < kernel_cmdline.argc; i++) {
		size_t len = strlen(kernel_cmdline.argv[i]) + 1;

		if (len > size - n)
			break;
		memcpy(buf + n, kernel_cmdline.argv[i], len);
		n += len;
	}
	return n;
}

int proc_readlink(const char *path, char *buf, size_t size)
{
	const char *self = kernel_cmdline.argv[0] ? kernel_cmdline.argv[0] : "";
	size_t n = strlen(self) + 1;

	if (strcmp(path, "/proc/self/exe") != 0 &&
	    strcmp(path, "/proc/1/exe") != 0) {
		char c;		/* a file here is no link (EINVAL) */

		return proc_file_text(path, &c, 1) < 0 ? -ENOENT : -EINVAL;
	}
	/* The program is no file: its name at the root, where a program
	 * that looks beside itself for its files finds the root's. */
	if (size == 0)
		return 0;
	buf[0] = '/';
	n = n < size ? n : size;
	memcpy(buf + 1, self, n - 1);
	return (int)n;
}

long proc_file_text(const char *path, char *buf, size_t size)
{
	const char *name = path + strlen("/proc/");
	const char *self = kernel_cmdline.argv[0] ? kernel_cmdline.argv[0] : "";
	bool own = true;	/* the process's own: /proc/self/, /proc/1/ */
	struct page_stats ps;
	uint64_t ns = clock_ns();
	int n = -1;

	page_alloc_stats(&ps);
	if (strncmp(name, "self/", 5) == 0)
		name += 5;
	else if (strncmp(name, "1/", 2) == 0)
		name += 2;
	else if (strchr(name, '/'))
		return -ENOENT;
	else
		own = false;
	if (own) {
		if (strcmp(name, "cmdline") == 0)
			return (long)cmdline(buf, size);
		if (strcmp(name, "comm") == 0)
			n = ksnprintf(buf, size, "%.15s\n", self);
		else if (strcmp(name, "status") == 0)
			n = ksnprintf(buf, size,
				      "Name:\t%.15s\nState:\tR (running)\n"
				      "Pid:\t1\nPPid:\t0\nVmRSS:\t%zu kB\n",
				      self,
				      pages_kib(ps.total_pages - ps.free_pages));
	} else if (strcmp(name, "cpuinfo") == 0) {
		n = 0;
		for (unsigned cpu = 0; cpu < cpu_count(); cpu++) {
			int k = ksnprintf(buf + n, size - n,
					  "processor\t: %u\n\n", cpu);

			if (k < 0 || (size_t)k >= size - n)
				break;
			n += k;
		}
	} else if (strcmp(name, "meminfo") == 0) {
		n = ksnprintf(buf, size, "MemTotal:       %8zu kB\n"
			      "MemFree:        %8zu kB\nMemAvailable:   %8zu kB\n",
			      pages_kib(ps.total_pages),
			      pages_kib(ps.free_pages), pages_kib(ps.free_pages));
	} else if (strcmp(name, "uptime") == 0) {
		n = ksnprintf(buf, size, "%llu.%02llu 0.00\n",
			      (unsigned long long)(ns / NSEC),
			      (unsigned long long)(ns % NSEC / (NSEC / 100)));
	} else if (strcmp(name, "loadavg") == 0) {
		n = ksnprintf(buf, size, "0.00 0.00 0.00 1/1 1\n");
	} else if (strcmp(name, "version") == 0) {
		n = ksnprintf(buf, size, "Toro version 1.0 (musl 1.2.3)\n");
	}
	if (n < 0)
		return -ENOENT;
	return (size_t)n < size ? n : (long)size - 1;
}

// SPDX-License-Identifier: MIT
/*
 * What /proc's files say (fs/procfs.c serves them), in Linux's formats,
 * for programs that read them to size themselves or to report: /proc's
 * cpuinfo (a "processor" entry a CPU), meminfo, stat (each CPU's time
 * busy and idle, switches, boot time), uptime, loadavg, mounts and
 * version; the process's (/proc/1/, /proc/self/) cmdline, comm, environ
 * (the kernel options, which are its environment), mounts, stat, statm
 * and status. There is one process, pid 1; its threads are the
 * application's; its CPU time is the CPUs' time outside their idle
 * context (include/kernel/sched.h), all of it user time; its memory is
 * all memory in use, the kernel's part included (never paged out: all
 * resident).
 */
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include <kernel/cmdline.h>
#include <kernel/format.h>
#include <kernel/log.h>
#include <kernel/page_alloc.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/thread_impl.h>
#include <kernel/vfs.h>
#include <toro/cpu.h>
#include <toro/time.h>

#include "procfs.h"
#include "vfs_impl.h"

#define NSEC 1000000000ULL
#define TICK_NS (NSEC / 100)	/* Linux's USER_HZ, sysconf(_SC_CLK_TCK) */

struct text_sink {
	struct fmt_sink sink;
	struct proc_text *t;
};

void proc_put(struct proc_text *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, t->len++)
		if (t->len < t->size)
			t->buf[t->len] = s[i];
}

static void text_put(struct fmt_sink *sink, const char *s, size_t n)
{
	proc_put(((struct text_sink *)sink)->t, s, n);
}

void proc_printf(struct proc_text *t, const char *fmt, ...)
{
	struct text_sink ts = { { text_put }, t };
	va_list ap;

	va_start(ap, fmt);
	vformat(&ts.sink, fmt, ap);
	va_end(ap);
}

const char *proc_program_name(void)
{
	return kernel_cmdline.argv[0] ? kernel_cmdline.argv[0] : "";
}

static int count_thread(struct thread *t, void *n)
{
	(void)t;
	++*(unsigned *)n;
	return 0;
}

static unsigned threads(void)
{
	unsigned n = 0;

	kthread_each(count_thread, &n);
	return n ? n : 1;
}

static size_t used_pages(void)
{
	struct page_stats ps;

	page_alloc_stats(&ps);
	return ps.total_pages - ps.free_pages;
}

/* Seconds since boot, and hundredths. */
static void put_seconds(struct proc_text *t, uint64_t ns)
{
	proc_printf(t, "%llu.%02llu", (unsigned long long)(ns / NSEC),
		    (unsigned long long)(ns % NSEC / (NSEC / 100)));
}

/* --- the process's ----------------------------------------------------- */

static void cmdline(struct proc_text *t)
{
	for (int i = 0; i < kernel_cmdline.argc; i++)
		proc_put(t, kernel_cmdline.argv[i],
			 strlen(kernel_cmdline.argv[i]) + 1);
}

static void comm(struct proc_text *t)
{
	proc_printf(t, "%.15s\n", proc_program_name());
}

static void environment(struct proc_text *t)
{
	for (unsigned i = 0; i < kernel_cmdline.noptions; i++) {
		const char *v = kernel_cmdline.value[i];

		proc_printf(t, "%s%s%s", kernel_cmdline.key[i], v ? "=" : "",
			    v ? v : "");
		proc_put(t, "", 1);
	}
}

/* Linux's 52 fields; what Toro has not (a terminal, faults, the
 * addresses of the image) is 0. */
void proc_stat_line(struct proc_text *t, const struct proc_stat *s)
{
	proc_printf(t, "%d (%.15s) %c 0 1 1 0 -1 4194560 0 0 0 0 %llu 0 0 0 "
		    "20 0 %u 0 0 %zu %zu 18446744073709551615 0 0 0 0 0 0 "
		    "0 0 0 0 0 0 17 %u 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		    s->id, s->name, s->state,
		    (unsigned long long)(s->cpu_ns / TICK_NS), s->threads,
		    s->pages * PAGE_SIZE, s->pages, s->cpu);
}

static void pid_stat(struct proc_text *t)
{
	struct proc_stat s = { 1, proc_program_name(), 'R', sched_busy_ns(),
			       threads(), used_pages(), cpu_id() };

	proc_stat_line(t, &s);
}

/* Pages: size, resident, shared, text, lib, data, dirty. */
static void statm(struct proc_text *t)
{
	size_t pages = used_pages();

	proc_printf(t, "%zu %zu 0 0 0 %zu 0\n", pages, pages, pages);
}

static void status(struct proc_text *t)
{
	size_t kib = pages_kib(used_pages());

	proc_printf(t, "Name:\t%.15s\nState:\tR (running)\nTgid:\t1\nPid:\t1\n"
		    "PPid:\t0\nVmSize:\t%8zu kB\nVmRSS:\t%8zu kB\n"
		    "Threads:\t%u\n", proc_program_name(), kib, kib,
		    threads());
}

/* --- /proc's ----------------------------------------------------------- */

static void cpuinfo(struct proc_text *t)
{
	for (unsigned cpu = 0; cpu < cpu_count(); cpu++)
		proc_printf(t, "processor\t: %u\n\n", cpu);
}

static void loadavg(struct proc_text *t)
{
	proc_printf(t, "0.00 0.00 0.00 1/%u 1\n", threads());
}

static void meminfo(struct proc_text *t)
{
	struct page_stats ps;

	page_alloc_stats(&ps);
	proc_printf(t, "MemTotal:       %8zu kB\nMemFree:        %8zu kB\n"
		    "MemAvailable:   %8zu kB\nBuffers:               0 kB\n"
		    "Cached:                0 kB\nSwapTotal:             0 kB\n"
		    "SwapFree:              0 kB\n",
		    pages_kib(ps.total_pages), pages_kib(ps.free_pages),
		    pages_kib(ps.free_pages));
}

/* "source path type options 0 0" a mount, as Linux's. */
static void mounts(struct proc_text *t)
{
	spin_lock(&vfs_lock);
	for (int i = 0; i < VFS_MAX_MOUNTS; i++) {
		const struct vfs_mount *m = vfs_mounts[i];
		const char *type = m && m->ops->name ? m->ops->name : "none";

		if (m)
			proc_printf(t, "%s %s %s %s 0 0\n", type, m->path, type,
				    m->read_only ? "ro" : "rw");
	}
	spin_unlock(&vfs_lock);
}

/* One "cpu" line: user nice system idle iowait irq softirq steal guest
 * guest_nice, in ticks. */
static void cpu_line(struct proc_text *t, const char *name, uint64_t busy,
		     uint64_t idle)
{
	proc_printf(t, "%s %llu 0 0 %llu 0 0 0 0 0 0\n", name,
		    (unsigned long long)(busy / TICK_NS),
		    (unsigned long long)(idle / TICK_NS));
}

static void system_stat(struct proc_text *t)
{
	uint64_t busy = 0, idle = 0, b, i, switches = 0;
	char name[16];

	for (unsigned cpu = 0; cpu < cpu_count(); cpu++) {
		sched_cpu_times(cpu, &b, &i);
		busy += b;
		idle += i;
	}
	cpu_line(t, "cpu ", busy, idle);
	for (unsigned cpu = 0; cpu < cpu_count(); cpu++) {
		struct sched_stats st;

		sched_cpu_times(cpu, &b, &i);
		ksnprintf(name, sizeof(name), "cpu%u", cpu);
		cpu_line(t, name, b, i);
		sched_stats(cpu, &st);
		switches += st.switches;
	}
	proc_printf(t, "intr 0\nctxt %llu\nbtime %llu\nprocesses 1\n"
		    "procs_running 1\nprocs_blocked 0\n",
		    (unsigned long long)switches,
		    (unsigned long long)((wallclock_ns() - clock_ns()) / NSEC));
}

static void uptime(struct proc_text *t)
{
	uint64_t idle = 0, b, i;

	for (unsigned cpu = 0; cpu < cpu_count(); cpu++) {
		sched_cpu_times(cpu, &b, &i);
		idle += i;
	}
	put_seconds(t, clock_ns());
	proc_put(t, " ", 1);
	put_seconds(t, idle);
	proc_put(t, "\n", 1);
}

static void version(struct proc_text *t)
{
	proc_printf(t, "Toro version 1.0 (musl 1.2.3)\n");
}

const struct proc_file proc_files[] = {
	{ "cpuinfo", false, cpuinfo },
	{ "loadavg", false, loadavg },
	{ "meminfo", false, meminfo },
	{ "mounts", false, mounts },
	{ "stat", false, system_stat },
	{ "uptime", false, uptime },
	{ "version", false, version },
	{ "cmdline", true, cmdline },
	{ "comm", true, comm },
	{ "environ", true, environment },
	{ "mounts", true, mounts },
	{ "stat", true, pid_stat },
	{ "statm", true, statm },
	{ "status", true, status },
};

const unsigned proc_file_count = sizeof(proc_files) / sizeof(proc_files[0]);

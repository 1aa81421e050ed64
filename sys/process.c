// SPDX-License-Identifier: MIT
/*
 * The process and its identity: exit_group, getpid and the other ids,
 * uname, sysinfo, the resource limits, getrandom, prctl. There is one
 * process, whose id is 1, started by the kernel (parent 0), running as
 * root until it says otherwise: setuid() and friends change the ids the
 * process reports (nothing here checks permissions). fork, vfork and
 * execve are absent, so musl answers them ENOSYS and system() and popen()
 * fail cleanly; wait4 and waitid answer what Linux says to a process
 * that has no children, ECHILD (a server that reaps children in its
 * SIGCHLD handler or main loop ends that loop as it would on Linux).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <kernel/cmdline.h>
#include <kernel/heap.h>
#include <kernel/page_alloc.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/thread_impl.h>
#include <toro/cpu.h>
#include <toro/time.h>

#include "sys_impl.h"

SYSCALL_DEFINE1(exit_group, int, code)
{
	process_exit(code & 0xff);
}

SYSCALL_DEFINE0(getpid)
{
	return 1;
}

SYSCALL_DEFINE0(getppid)
{
	return 0;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	return pid == 0 || pid == 1 ? 1 : -ESRCH;
}

SYSCALL_DEFINE0(getpgrp)
{
	return 1;
}

SYSCALL_DEFINE1(getsid, int, pid)
{
	return pid == 0 || pid == 1 ? 1 : -ESRCH;
}

SYSCALL_DEFINE0(setsid)
{
	return -EPERM;	/* a process group leader already */
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	return (pid == 0 || pid == 1) && (pgid == 0 || pgid == 1) ? 0 :
								    -EPERM;
}

/* Real, effective and saved ids, for the process as a whole. */
static struct {
	struct spinlock lock;
	unsigned uid[3], gid[3];
	unsigned ngroups;
	unsigned groups[32];
} ids;

static long set_ids(unsigned *id, unsigned r, unsigned e, unsigned s)
{
	bool irq = spin_lock_irqsave(&ids.lock);

	if (r != (unsigned)-1)
		id[0] = r;
	if (e != (unsigned)-1)
		id[1] = e;
	if (s != (unsigned)-1)
		id[2] = s;
	spin_unlock_irqrestore(&ids.lock, irq);
	return 0;
}

static long get_ids(const unsigned *id, unsigned *r, unsigned *e,
		    unsigned *s)
{
	if (!user_writable(r, sizeof(*r)) || !user_writable(e, sizeof(*e)) ||
	    !user_writable(s, sizeof(*s)))
		return -EFAULT;
	*r = id[0];
	*e = id[1];
	*s = id[2];
	return 0;
}

SYSCALL_DEFINE0(getuid)
{
	return ids.uid[0];
}

SYSCALL_DEFINE0(geteuid)
{
	return ids.uid[1];
}

SYSCALL_DEFINE0(getgid)
{
	return ids.gid[0];
}

SYSCALL_DEFINE0(getegid)
{
	return ids.gid[1];
}

SYSCALL_DEFINE1(setuid, unsigned, uid)
{
	return set_ids(ids.uid, uid, uid, uid);
}

SYSCALL_DEFINE1(setgid, unsigned, gid)
{
	return set_ids(ids.gid, gid, gid, gid);
}

SYSCALL_DEFINE2(setreuid, unsigned, r, unsigned, e)
{
	return set_ids(ids.uid, r, e, (unsigned)-1);
}

SYSCALL_DEFINE2(setregid, unsigned, r, unsigned, e)
{
	return set_ids(ids.gid, r, e, (unsigned)-1);
}

SYSCALL_DEFINE3(setresuid, unsigned, r, unsigned, e, unsigned, s)
{
	return set_ids(ids.uid, r, e, s);
}

SYSCALL_DEFINE3(setresgid, unsigned, r, unsigned, e, unsigned, s)
{
	return set_ids(ids.gid, r, e, s);
}

SYSCALL_DEFINE3(getresuid, unsigned *, r, unsigned *, e, unsigned *, s)
{
	return get_ids(ids.uid, r, e, s);
}

SYSCALL_DEFINE3(getresgid, unsigned *, r, unsigned *, e, unsigned *, s)
{
	return get_ids(ids.gid, r, e, s);
}

SYSCALL_DEFINE1(setfsuid, unsigned, uid)
{
	return ids.uid[1];
}

SYSCALL_DEFINE1(setfsgid, unsigned, gid)
{
	return ids.gid[1];
}

SYSCALL_DEFINE2(getgroups, int, n, unsigned *, list)
{
	if (n < 0)
		return -EINVAL;
	if (n == 0)
		return ids.ngroups;
	if ((unsigned)n < ids.ngroups)
		return -EINVAL;
	if (!user_writable(list, ids.ngroups * sizeof(*list)))
		return -EFAULT;
	memcpy(list, ids.groups, ids.ngroups * sizeof(*list));
	return ids.ngroups;
}

SYSCALL_DEFINE2(setgroups, size_t, n, const unsigned *, list)
{
	if (n > sizeof(ids.groups) / sizeof(ids.groups[0]))
		return -EINVAL;
	if (!user_readable(list, n * sizeof(*list)))
		return -EFAULT;
	bool irq = spin_lock_irqsave(&ids.lock);

	memcpy(ids.groups, list, n * sizeof(*list));
	ids.ngroups = n;
	spin_unlock_irqrestore(&ids.lock, irq);
	return 0;
}

/* --- the system -------------------------------------------------------- */

static char hostname[65] = "toro";
static char domainname[65] = "(none)";

/* Linux's own flags of whom to wait for: __WNOTHREAD, __WALL, __WCLONE. */
#define WAIT_WHOM	0xe0000000u
#define P_PIDFD		3

SYSCALL_DEFINE4(wait4, int, pid, int *, status, int, options,
		struct rusage *, ru)
{
	if ((unsigned)options & ~(WNOHANG | WUNTRACED | WCONTINUED | WAIT_WHOM))
		return -EINVAL;
	return -ECHILD;
}

SYSCALL_DEFINE5(waitid, int, which, int, id, siginfo_t *, info, int,
		options, struct rusage *, ru)
{
	unsigned kinds = WEXITED | WSTOPPED | WCONTINUED;

	if ((unsigned)options & ~(WNOHANG | WNOWAIT | kinds | WAIT_WHOM) ||
	    !(options & kinds) ||
	    (which != P_ALL && which != P_PID && which != P_PGID &&
	     which != P_PIDFD) ||
	    (which == P_PID && id <= 0))
		return -EINVAL;
	/* No descriptor is a process's (pidfd_open() is ENOSYS). */
	return which == P_PIDFD ? -EBADF : -ECHILD;
}

SYSCALL_DEFINE1(uname, struct utsname *, u)
{
	if (!user_writable(u, sizeof(*u)))
		return -EFAULT;
	memset(u, 0, sizeof(*u));
	strcpy(u->sysname, "Toro");
	strcpy(u->nodename, hostname);
	strcpy(u->release, "1.0");
	strcpy(u->version, "musl 1.2.3");
	strcpy(u->machine, "x86_64");
	strcpy(u->domainname, domainname);
	return 0;
}

static long set_name(char *dst, const char *src, size_t n)
{
	if (n > 64)
		return -EINVAL;
	if (!user_readable(src, n))
		return -EFAULT;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

SYSCALL_DEFINE2(sethostname, const char *, name, size_t, n)
{
	return set_name(hostname, name, n);
}

SYSCALL_DEFINE2(setdomainname, const char *, name, size_t, n)
{
	return set_name(domainname, name, n);
}

SYSCALL_DEFINE1(sysinfo, struct sysinfo *, si)
{
	struct page_stats ps;

	if (!user_writable(si, sizeof(*si)))
		return -EFAULT;
	page_alloc_stats(&ps);
	memset(si, 0, sizeof(*si));
	si->uptime = (long)(clock_ns() / 1000000000ULL);
	si->totalram = ps.total_pages;
	si->freeram = ps.free_pages;
	si->procs = 1;
	si->mem_unit = PAGE_SIZE;
	return 0;
}

/* --- resource limits --------------------------------------------------- */

/* What a limit starts as: unlimited, except what the kernel knows. */
static struct rlimit limits[RLIM_NLIMITS];
static bool limits_set;

/* The main thread's stack is its real size: that is what the program
 * can use (memory is not paged in on demand). */
static void init_limits(void)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		limits[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	limits[RLIMIT_STACK].rlim_cur = process_main_stack();
	limits[RLIMIT_NOFILE] = (struct rlimit){ 65536, 65536 };
	limits[RLIMIT_NPROC].rlim_cur = 1;
	limits[RLIMIT_CORE] = (struct rlimit){ 0, RLIM_INFINITY };
	limits_set = true;
}

SYSCALL_DEFINE4(prlimit64, int, pid, int, res, const struct rlimit *, nl,
		struct rlimit *, old)
{
	if (pid != 0 && pid != 1)
		return -ESRCH;
	if (res < 0 || res >= RLIM_NLIMITS)
		return -EINVAL;
	if ((nl && !user_readable(nl, sizeof(*nl))) ||
	    (old && !user_writable(old, sizeof(*old))))
		return -EFAULT;
	if (!limits_set)
		init_limits();
	if (old)
		*old = limits[res];
	if (nl) {
		if (nl->rlim_cur > nl->rlim_max)
			return -EINVAL;
		limits[res] = *nl;
	}
	return 0;
}

SYSCALL_DEFINE2(getrlimit, int, res, struct rlimit *, rl)
{
	return sys_prlimit64(0, res, 0, (long)rl, 0, 0);
}

SYSCALL_DEFINE2(setrlimit, int, res, const struct rlimit *, rl)
{
	return sys_prlimit64(0, res, (long)rl, 0, 0, 0);
}

SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	return 20;	/* nice 0, in Linux's 40 - nice form */
}

SYSCALL_DEFINE3(setpriority, int, which, int, who, int, prio)
{
	return prio < 0 ? -EACCES : 0;
}

/* --- odds and ends ----------------------------------------------------- */

#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#define GRND_INSECURE 4

SYSCALL_DEFINE3(getrandom, void *, buf, size_t, n, unsigned, flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (n > 0x1ffffff)
		n = 0x1ffffff;	/* Linux's most per call */
	if (!user_writable(buf, n))
		return -EFAULT;
	for (size_t done = 0; done < n; done += 256)
		random_bytes((char *)buf + done, n - done < 256 ? n - done :
								 256);
	return n;
}

/* The calling thread's name: at most 15 bytes of (name), cut there. */
static long set_thread_name(const char *name)
{
	struct thread *self = sched_current();
	char buf[sizeof(self->name)] = { 0 };

	for (size_t i = 0; i < sizeof(buf) - 1; i++) {
		if (!user_readable(name + i, 1))
			return -EFAULT;
		if (!(buf[i] = name[i]))
			break;
	}
	memcpy(self->name, buf, sizeof(buf));
	return 0;
}

SYSCALL_DEFINE5(prctl, int, option, unsigned long, a2, unsigned long, a3,
		unsigned long, a4, unsigned long, a5)
{
	struct thread *self = sched_current();

	switch (option) {
	case PR_SET_NAME:
		return set_thread_name((const char *)a2);
	case PR_GET_NAME:
		if (!user_writable((void *)a2, sizeof(self->name)))
			return -EFAULT;
		memcpy((char *)a2, self->name, sizeof(self->name));
		return 0;
	case PR_SET_DUMPABLE:
	case PR_SET_PDEATHSIG:
	case PR_SET_NO_NEW_PRIVS:
		return 0;
	case PR_GET_DUMPABLE:
		return 0;
	default:
		return -EINVAL;
	}
}

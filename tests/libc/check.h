/* SPDX-License-Identifier: MIT */
/*
 * tests/libc: the C library's differential conformance suite (issue 10).
 *
 * Every program here is built twice: for the host with Debian's musl
 * (`musl-gcc -static`, run natively in a fresh temporary directory) and
 * for Toro (an image booted under QEMU). Both runs must print the same
 * bytes and end with the same status; each program also asserts what
 * POSIX requires (CHECK below), so a run whose assertions fail ends
 * non-zero on either side.
 *
 * Layout: one directory per group (tests/libc/GROUP/), one program per
 * file (NAME.c defining `int test_NAME(void)`). The Makefile links each
 * group with driver.c into one multi-call image, build/tests/libc_GROUP.elf,
 * and one host binary, build/libc-tests/host/libc_GROUP. The driver runs
 * the programs named on its command line (all of them without one), each
 * between "=== BEGIN NAME" and "=== END NAME STATUS" lines, in a fresh
 * working directory NAME.d. tests/libc/suite.py (called by tests/run.py)
 * boots each group once, compares every program's output with the host's
 * and counts each program as a test ("libc GROUP.NAME"). A program that
 * crashes or hangs is reported as failing and the rest of its group runs
 * again in a new boot; a program whose source says `// run: solo` always
 * gets a boot (and a host process) of its own, and may end it with exit().
 *
 *   make libc-tests                     build both sides of every group
 *   python3 tests/run.py -k "libc "     run the suite
 *   build/libc-tests/host/libc_math tables   one program, on the host
 *   ./toro run build/tests/libc_math.elf -- tables   and on Toro
 *
 * Rules for a program: print only what is the same on every run and on
 * both sides (no addresses, timings, pids, CPU counts, host names); print
 * floating-point values with %a so bits compare; restore what you change
 * in the process (locale, environment, TZ, signal handlers, umask, cwd);
 * block, never spin, while waiting for another thread (Toro's threads are
 * cooperative and a new thread starts on its creator's CPU). Where Toro
 * differs from Linux by design (uname's sysname, pid 1, no fork or exec),
 * print nothing about it and check Toro's documented answer under
 * `if (ON_TORO)`. The guest's / is an empty tmpfs (or a fresh virtio-fs
 * directory for the groups suite.py also runs there), with /tmp.
 *
 * Groups and the headers their programs cover (every musl header but the
 * few named at the end is included by at least one program; headers/abi.c
 * includes the rest and compares their types' sizes and constants):
 *   string   string.h strings.h memory.h ctype.h errno.h
 *   stdlib   stdlib.h inttypes.h malloc.h setjmp.h (conversions, the
 *            environment, sorting, generators, the allocator)
 *   stdio    stdio.h stdio_ext.h wchar.h (printf with %a and long double,
 *            scanf, files, fmemopen/open_memstream/fopencookie, tmpfile
 *            and mkstemp, wide streams)
 *   math     math.h fenv.h complex.h tgmath.h float.h (whole tables of
 *            inputs with special values, printed with %a; mathfmt.h says
 *            what cannot compare bit for bit between a CPU and QEMU's TCG)
 *   time     time.h sys/time.h sys/timeb.h sys/times.h utime.h (TZ as
 *            POSIX strings through setenv+tzset: no zoneinfo needed)
 *   text     regex.h fnmatch.h glob.h wchar.h wctype.h uchar.h locale.h
 *            langinfo.h monetary.h nl_types.h libintl.h iconv.h search.h
 *            getopt.h libgen.h err.h fmtmsg.h endian.h byteswap.h ...
 *   thread   pthread.h semaphore.h threads.h sched.h mqueue.h
 *            (cancellation, rwlocks, barriers, robust mutexes, TSD, once,
 *            message queues between threads)
 *   files    dirent.h ftw.h fcntl.h unistd.h sys/stat.h sys/uio.h
 *            sys/file.h sys/mman.h poll.h sys/select.h sys/epoll.h
 *            sys/eventfd.h sys/timerfd.h sys/socket.h sys/un.h
 *            sys/sendfile.h aio.h sys/statvfs.h (also run on virtio-fs)
 *   signal   signal.h (synchronous delivery, alarm, faults), POSIX timers,
 *            spawn.h/popen/system (fail cleanly on Toro), abort
 *   process  unistd.h sys/utsname.h sys/resource.h sys/sysinfo.h
 *            sys/auxv.h sys/random.h sys/prctl.h dlfcn.h pwd.h grp.h
 *            shadow.h mntent.h utmp(x).h arpa/inet.h netdb.h resolv.h
 *            netinet/ether.h net/if.h termios.h sys/ioctl.h, exit and
 *            quick_exit, constructors and destructors
 *   headers  everything else, for sizes and constants (abi.c)
 * Left out as programs, covered by abi.c only: the interfaces that need
 * another process, a device or an administrator (sys/ipc.h,
 * sys/msg.h, sys/sem.h, sys/shm.h, sys/inotify.h, sys/fanotify.h,
 * sys/signalfd.h, sys/mount.h, sys/swap.h, sys/reboot.h, sys/klog.h,
 * sys/quota.h, sys/acct.h, sys/ptrace.h, sys/personality.h, sys/io.h,
 * sys/xattr.h, sys/mtio.h, the scsi/ headers, net/route.h,
 * netpacket/packet.h, pty.h, syslog.h: nothing is sent), ucontext.h (musl implements none of
 * getcontext/makecontext), wordexp.h (musl runs /bin/sh for it). Not
 * covered at all: crypt.h (Debian's musl ships without crypt, so there is
 * nothing to compare with), sys/kd.h, sys/vt.h, sys/soundcard.h (they
 * include Linux's own headers, on neither side), and the headers that only
 * redirect with a #warning (sys/errno.h, sys/fcntl.h, sys/poll.h,
 * sys/signal.h, sys/termios.h, wait.h).
 */
#ifndef LIBC_CHECK_H
#define LIBC_CHECK_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef TORO
#define ON_TORO 1
#else
#define ON_TORO 0
#endif

/* Failed checks of the program now running (driver.c resets it). */
extern int check_failures;

void check_report(const char *file, int line, const char *what,
		  const char *detail);

/* (cond) must hold. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			check_report(__FILE__, __LINE__, #cond, NULL);         \
	} while (0)

/* Two integers must be equal; both are printed when they differ. */
#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long check_a_ = (long long)(a);                           \
		long long check_b_ = (long long)(b);                           \
		if (check_a_ != check_b_) {                                    \
			char check_d_[64];                                     \
			snprintf(check_d_, sizeof(check_d_), "%lld != %lld",   \
				 check_a_, check_b_);                          \
			check_report(__FILE__, __LINE__, #a " == " #b,         \
				     check_d_);                                \
		}                                                              \
	} while (0)

/* Two strings must be equal. */
#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *check_a_ = (a), *check_b_ = (b);                   \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) \
			check_report(__FILE__, __LINE__, #a " eq " #b,         \
				     check_a_ ? check_a_ : "(null)");          \
	} while (0)

/* (expr) must fail with -1 and errno (err). */
#define CHECK_ERR(expr, err)                                                   \
	do {                                                                   \
		errno = 0;                                                     \
		long check_r_ = (long)(expr);                                  \
		int check_e_ = errno;                                          \
		if (check_r_ != -1 || check_e_ != (err)) {                     \
			char check_d_[96];                                     \
			snprintf(check_d_, sizeof(check_d_),                   \
				 "returned %ld, errno %d (%s)", check_r_,      \
				 check_e_, strerror(check_e_));                \
			check_report(__FILE__, __LINE__,                       \
				     #expr " fails with " #err, check_d_);     \
		}                                                              \
	} while (0)

/* (expr) must not return -1; errno is printed when it does. */
#define CHECK_OK(expr)                                                         \
	do {                                                                   \
		errno = 0;                                                     \
		if ((long)(expr) == -1)                                        \
			check_report(__FILE__, __LINE__, #expr " succeeds",    \
				     strerror(errno));                         \
	} while (0)

/* A pthread-style call (returning 0 or an error number) must return
 * (want). */
#define CHECK_RC(expr, want)                                                   \
	do {                                                                   \
		int check_r_ = (expr);                                         \
		if (check_r_ != (want))                                        \
			check_report(__FILE__, __LINE__,                       \
				     #expr " returns " #want,                  \
				     strerror(check_r_));                      \
	} while (0)

/* Prints (len) bytes of (p) as hex, for outputs that are not text. */
void print_hex(const char *label, const void *p, size_t len);

#endif /* LIBC_CHECK_H */

// SPDX-License-Identifier: MIT
/* The process and system surface: <unistd.h>'s sysconf/pathconf/confstr
 * values that are the same everywhere, identity calls, <sys/utsname.h>,
 * <sys/resource.h>, <sys/sysinfo.h>, <sys/auxv.h>, <sys/random.h>,
 * <sys/prctl.h>, <ulimit.h>, <dlfcn.h>, <sys/wait.h>. What is Toro's
 * own by design (pid 1, the names in uname, no fork/exec)
 * is checked on Toro only and printed nowhere. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <ulimit.h>
#include <unistd.h>

#include "check.h"

extern char **environ;

int test_unistd(void)
{
	printf("_SC_PAGESIZE %ld _SC_CLK_TCK %ld _SC_ARG_MAX %ld "
	       "_SC_LINE_MAX %ld _SC_HOST_NAME_MAX %ld\n",
	       sysconf(_SC_PAGESIZE), sysconf(_SC_CLK_TCK),
	       sysconf(_SC_ARG_MAX), sysconf(_SC_LINE_MAX),
	       sysconf(_SC_HOST_NAME_MAX));
	printf("_SC_VERSION %ld _SC_THREADS %ld _SC_SEM_VALUE_MAX %ld "
	       "_SC_IOV_MAX %ld\n",
	       sysconf(_SC_VERSION), sysconf(_SC_THREADS),
	       sysconf(_SC_SEM_VALUE_MAX), sysconf(_SC_IOV_MAX));
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	CHECK(n >= 1 && n <= sysconf(_SC_NPROCESSORS_CONF));
	CHECK(sysconf(_SC_OPEN_MAX) >= 20);
	CHECK(sysconf(_SC_PHYS_PAGES) > 0);
	CHECK_ERR(sysconf(-5), EINVAL);
	char buf[256];
	size_t len = confstr(_CS_PATH, buf, sizeof(buf));
	printf("_CS_PATH %s (%zu)\n", buf, len);
	CHECK(pathconf(".", _PC_NAME_MAX) >= 14);
	CHECK(fpathconf(1, _PC_PIPE_BUF) >= 512 || errno == EINVAL);
	/* Identity. */
	pid_t pid = getpid();
	CHECK(pid > 0 && getppid() >= 0);
	CHECK(gettid() > 0);
	/* A host runner in a PID namespace may see 0 for a group or session
	 * made outside it; what must hold anywhere is that the calls succeed
	 * and agree with their by-pid forms. */
	CHECK(getpgrp() >= 0 && getpgrp() == getpgid(0));
	CHECK(getsid(0) >= 0 && getsid(0) == getsid(pid));
	uid_t r, e, s;
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == getuid() && e == geteuid());
	CHECK(getgroups(0, NULL) >= 0);
	struct utsname u;
	CHECK_OK(uname(&u));
	CHECK(strcmp(u.machine, "x86_64") == 0);
	char host[HOST_NAME_MAX + 1];
	CHECK_OK(gethostname(host, sizeof(host)));
	if (ON_TORO) {
		CHECK(pid == 1 && getppid() == 0);
		CHECK(getpgrp() == 1 && getsid(0) == 1);
		CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0);
		CHECK(strcmp(u.sysname, "Toro") == 0);
	}
	/* Limits and usage. */
	struct rlimit rl;
	CHECK_OK(getrlimit(RLIMIT_STACK, &rl));
	CHECK(rl.rlim_cur >= 65536);
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &rl));
	struct rlimit lower = {rl.rlim_cur > 64 ? 64 : rl.rlim_cur,
			       rl.rlim_max};
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &lower));
	struct rlimit check;
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &check));
	CHECK(check.rlim_cur == lower.rlim_cur);
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	CHECK_OK(prlimit(0, RLIMIT_CORE, NULL, &rl));
	CHECK(ulimit(UL_GETFSIZE) != -1);
	errno = 0;
	int prio = getpriority(PRIO_PROCESS, 0);
	CHECK(errno == 0 && prio >= -20 && prio <= 19);
	struct sysinfo si;
	CHECK_OK(sysinfo(&si));
	CHECK(si.totalram > 0 && si.mem_unit > 0);
	CHECK(get_nprocs() >= 1);
	/* The auxiliary vector and randomness. */
	printf("AT_PAGESZ %lu AT_RANDOM %s\n", getauxval(AT_PAGESZ),
	       getauxval(AT_RANDOM) ? "set" : "missing");
	CHECK(getauxval(AT_PHDR) != 0);
	errno = 0;
	CHECK(getauxval(12345) == 0 && errno == ENOENT);
	unsigned char a[64], b[64];
	CHECK(getrandom(a, sizeof(a), 0) == sizeof(a));
	CHECK(getrandom(b, sizeof(b), GRND_NONBLOCK) == sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_OK(getentropy(a, 32));
	CHECK_ERR(getentropy(a, 257), EIO);
	char name[16];
	CHECK_OK(prctl(PR_SET_NAME, "libc-prctl"));
	CHECK_OK(prctl(PR_GET_NAME, name));
	printf("prctl name %s\n", name);
	/* No dynamic loading in a static program, on either side. */
	void *h = dlopen("libm.so.6", RTLD_NOW);
	printf("dlopen %s: %s\n", h ? "loaded" : "NULL", dlerror());
	h = dlopen(NULL, RTLD_NOW);
	printf("dlopen(NULL) %s\n", h ? "self" : "NULL");
	if (h)
		printf("dlsym %s\n",
		       dlsym(h, "no_such_symbol") ? "found" : "NULL");
	printf("dlerror again %s\n", dlerror() ? "set" : "NULL");
	if (ON_TORO) {
		/* One process: no fork, exec or spawn. */
		CHECK_ERR(fork(), ENOSYS);
		CHECK_ERR(vfork(), ENOSYS);
		char *argv[] = {"sh", NULL};
		CHECK_ERR(execve("/bin/sh", argv, environ), ENOSYS);
	}
	/* No children to wait for (the host's test has none either): what
	 * Linux says, and its checks of the arguments first. */
	int st;
	siginfo_t child;

	CHECK_ERR(waitpid(-1, &st, 0), ECHILD);
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
	CHECK_ERR(wait(&st), ECHILD);
	CHECK_ERR(waitpid(12345, &st, 0), ECHILD);
	CHECK_ERR(waitpid(-1, &st, 0x100), EINVAL);
	CHECK_ERR(waitid(P_ALL, 0, &child, WEXITED | WNOHANG), ECHILD);
	CHECK_ERR(waitid(P_PID, 12345, &child, WEXITED), ECHILD);
	CHECK_ERR(waitid(P_ALL, 0, &child, WNOHANG), EINVAL);
	CHECK_ERR(waitid(P_PID, 0, &child, WEXITED), EINVAL);
	CHECK_ERR(waitid(7, 0, &child, WEXITED), EINVAL);
	return 0;
}

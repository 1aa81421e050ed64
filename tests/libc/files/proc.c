// SPDX-License-Identifier: MIT
/* The /proc files programs read to size themselves: a "processor" entry
 * per online CPU in /proc/cpuinfo, memory in /proc/meminfo, the uptime,
 * the program's own command line, name, resident size and where it is.
 * Only what is true of both sides is printed (procdir.c: /proc as a
 * directory, the descriptors, the CPU and memory figures). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

/* The value after (key) on its line of (path), -1 if none. */
static long long field(const char *path, const char *key)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0 &&
		    sscanf(line + strlen(key), " %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int count_lines(const char *path, const char *prefix)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strncmp(line, prefix, strlen(prefix)) == 0;
	fclose(f);
	return n;
}

int test_proc(void)
{
	char buf[256];
	double up = -1, idle = -1;
	FILE *f;

	printf("cpuinfo: a processor per CPU: %d\n",
	       count_lines("/proc/cpuinfo", "processor") ==
		       sysconf(_SC_NPROCESSORS_ONLN));
	long long total = field("/proc/meminfo", "MemTotal:");
	long long avail = field("/proc/meminfo", "MemAvailable:");
	printf("meminfo: %d %d\n", total > 0, avail >= 0 && avail <= total);
	f = fopen("/proc/uptime", "r");
	CHECK(f);
	printf("uptime: %d\n", fscanf(f, "%lf %lf", &up, &idle) == 2 &&
				       up >= 0 && idle >= 0);
	fclose(f);
	/* argv[0], NUL, the program's name (this one), NUL... */
	f = fopen("/proc/self/cmdline", "r");
	CHECK(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	printf("cmdline: ends with NUL %d, has the test's name %d\n",
	       n > 0 && buf[n - 1] == 0,
	       memmem(buf, n, "proc", 5) != NULL);
	printf("status: VmRSS %d, Pid %d\n",
	       field("/proc/self/status", "VmRSS:") > 0,
	       field("/proc/self/status", "Pid:") == getpid());
	CHECK(count_lines("/proc/self/comm", "") == 1);
	/* Where the program is (Toro: its name at the root). */
	ssize_t len = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	CHECK(len > 1 && buf[0] == '/');
	buf[len > 0 ? len : 0] = 0;
	printf("exe: %s\n", strrchr(buf, '/') ? strrchr(buf, '/') + 1 : "-");
	CHECK_ERR(readlink("/proc/meminfo", buf, sizeof(buf)), EINVAL);
	CHECK(!fopen("/proc/no-such-file", "r"));
	if (ON_TORO)	/* Linux lets root open it for writing */
		CHECK(!fopen("/proc/meminfo", "w"));
	return 0;
}

// SPDX-License-Identifier: MIT
/* <unistd.h> calls that do not involve files. */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <toro/cpu.h>

unsigned int sleep(unsigned int seconds)
{
	struct timespec ts = { seconds, 0 };

	nanosleep(&ts, NULL);
	return 0;
}

int usleep(useconds_t usec)
{
	struct timespec ts = { usec / 1000000, (usec % 1000000) * 1000L };

	return nanosleep(&ts, NULL);
}

pid_t getpid(void)
{
	return 1;	/* the only process */
}

long sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE:
		return 4096;
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		return cpu_count();
	default:
		errno = EINVAL;
		return -1;
	}
}

// SPDX-License-Identifier: MIT
/*
 * syslog() (replaces musl's): there is no syslog daemon behind /dev/log,
 * so musl's would drop every message (or, with LOG_CONS, look for
 * /dev/console); here the console is the system log. Each message goes
 * out as one line, "ident[pid]: text" as musl writes it to a console,
 * straight to the kernel's console rather than through descriptor 2,
 * which the program may have pointed elsewhere. LOG_PERROR sends it to
 * standard error instead (on Linux, there as well as to the log): where
 * that is the console, once is enough. The mask and the identity behave
 * as musl's; the facility and the priority are not shown.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "lock.h"

#include <kernel/console.h>

static volatile int lock[1];
static char log_ident[32];
static int log_opt;
static int log_mask = 0xff;
volatile int *const __syslog_lockptr = lock;

int setlogmask(int maskpri)
{
	LOCK(lock);
	int ret = log_mask;

	if (maskpri)
		log_mask = maskpri;
	UNLOCK(lock);
	return ret;
}

void closelog(void)
{
}

void openlog(const char *ident, int opt, int facility)
{
	size_t n = ident ? strnlen(ident, sizeof(log_ident) - 1) : 0;

	LOCK(lock);
	memcpy(log_ident, ident ? ident : "", n);
	log_ident[n] = 0;
	log_opt = opt;
	(void)facility;	/* no daemon to sort by it */
	UNLOCK(lock);
}

static void log_line(const char *message, va_list ap)
{
	char buf[1024];
	int saved = errno;	/* for %m */
	int pid = log_opt & LOG_PID ? getpid() : 0;
	int len = pid ? snprintf(buf, sizeof(buf), "%s[%d]: ", log_ident, pid)
		      : snprintf(buf, sizeof(buf), "%s: ", log_ident);
	int more;

	errno = saved;
	more = vsnprintf(buf + len, sizeof(buf) - len, message, ap);
	if (more < 0)
		return;
	len = more >= (int)sizeof(buf) - len ? (int)sizeof(buf) - 1
					     : len + more;
	if (buf[len - 1] != '\n')
		buf[len++] = '\n';
	if (log_opt & LOG_PERROR)
		dprintf(2, "%.*s", len, buf);
	else
		console_write(buf, (size_t)len);
}

static void __vsyslog(int priority, const char *message, va_list ap)
{
	int cs;

	if (!(log_mask & LOG_MASK(priority & 7)) || (priority & ~0x3ff))
		return;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cs);
	LOCK(lock);
	log_line(message, ap);
	UNLOCK(lock);
	pthread_setcancelstate(cs, 0);
}

void syslog(int priority, const char *message, ...)
{
	va_list ap;

	va_start(ap, message);
	__vsyslog(priority, message, ap);
	va_end(ap);
}

weak_alias(__vsyslog, vsyslog);

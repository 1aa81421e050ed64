// SPDX-License-Identifier: MIT
/* close_range() (through syscall(): musl 1.2.3 has no wrapper): closes
 * the open descriptors of a range and leaves the others, or marks them
 * close-on-exec; a reversed range or an unknown flag is EINVAL; a range
 * past every descriptor is nothing to do. And mincore(): pages mapped
 * and touched are resident; an unaligned address is EINVAL, the page at
 * 0 (never mapped) ENOMEM, a bad vector EFAULT. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#define CLOSE_RANGE_CLOEXEC (1U << 2)

static long close_range(unsigned first, unsigned last, unsigned flags)
{
	return syscall(SYS_close_range, first, last, flags);
}

static void state(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	printf("  %d: %s\n", fd, fl < 0 ? strerror(errno) :
				 fl & FD_CLOEXEC ? "open, close-on-exec" : "open");
}

int test_close_range(void)
{
	int fds[] = { 40, 41, 42, 50 };

	for (int i = 0; i < 4; i++)
		CHECK(dup2(1, fds[i]) == fds[i]);
	printf("close 40-42: %ld\n", close_range(40, 42, 0));
	for (int i = 0; i < 4; i++)
		state(fds[i]);
	printf("cloexec 45-60: %ld\n",
	       close_range(45, 60, CLOSE_RANGE_CLOEXEC));
	state(50);
	long rc = close_range(51, 50, 0);

	printf("reversed: %ld %s\n", rc, strerror(errno));
	rc = close_range(50, 51, 1U << 5);
	printf("bad flag: %ld %s\n", rc, strerror(errno));
	printf("to the end: %ld\n", close_range(50, ~0U, 0));
	state(50);
	printf("past everything: %ld\n", close_range(100000, ~0U, 0));

	/* mincore */
	long page = sysconf(_SC_PAGESIZE);
	unsigned char vec[4] = { 0 };
	char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(m != MAP_FAILED);
	memset(m, 1, 3 * page);
	CHECK_OK(mincore(m, 3 * page, vec));
	printf("mincore of 3 touched pages: %d %d %d\n", vec[0] & 1,
	       vec[1] & 1, vec[2] & 1);
	CHECK_OK(mincore(m, 1, vec));	/* a length rounds up */
	unsigned char on_stack;
	char *stack_page = (char *)((unsigned long)&on_stack & ~(page - 1));

	CHECK_OK(mincore(stack_page, page, vec));
	printf("the stack's page: %d\n", vec[0] & 1);
	CHECK_ERR(mincore(m + 1, page, vec), EINVAL);
	CHECK_ERR(mincore(NULL, page, vec), ENOMEM);	/* never mapped */
	CHECK_ERR(mincore(m, page, NULL), EFAULT);
	CHECK_OK(munmap(m, 3 * page));
	return 0;
}

// SPDX-License-Identifier: MIT
/* posix_fadvise(), readahead() and sync_file_range(): accepted on a file
 * (the data stays what it was), refused as Linux refuses them: bad
 * advice or ranges, pipes, descriptors that are not open or not open
 * for reading. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int test_advise(void)
{
	int fd = open("advised", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char back[8] = "";
	int p[2];

	CHECK(fd >= 0);
	CHECK(write(fd, "advice", 6) == 6);
	printf("fadvise: %d %d %d %d\n",
	       posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL),
	       posix_fadvise(fd, 0, 6, POSIX_FADV_WILLNEED),
	       posix_fadvise(fd, 2, 100, POSIX_FADV_DONTNEED),
	       posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM));
	printf("bad advice: %d, negative length: %d, bad fd: %d\n",
	       posix_fadvise(fd, 0, 0, 99), posix_fadvise(fd, 0, -1, 0),
	       posix_fadvise(1000, 0, 0, 0));
	printf("readahead: %zd\n", readahead(fd, 0, 4096));
	printf("sync_file_range: %d %d\n",
	       sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE),
	       sync_file_range(fd, 0, 6, SYNC_FILE_RANGE_WAIT_BEFORE |
					 SYNC_FILE_RANGE_WRITE |
					 SYNC_FILE_RANGE_WAIT_AFTER));
	CHECK_ERR(sync_file_range(fd, 0, 0, 8), EINVAL);
	CHECK_ERR(sync_file_range(fd, -1, 0, 0), EINVAL);
	CHECK_ERR(sync_file_range(fd, 0, -1, 0), EINVAL);
	CHECK_ERR(sync_file_range(1000, 0, 0, 0), EBADF);
	CHECK(pread(fd, back, 6, 0) == 6);
	printf("data: %s\n", back);
	close(fd);

	int wo = open("advised", O_WRONLY);

	CHECK_ERR(readahead(wo, 0, 10), EBADF);
	close(wo);
	CHECK(pipe(p) == 0);
	printf("pipe: fadvise %d\n", posix_fadvise(p[0], 0, 0, 0));
	CHECK_ERR(readahead(p[0], 0, 10), EINVAL);
	CHECK_ERR(sync_file_range(p[1], 0, 0, 0), ESPIPE);
	close(p[0]);
	close(p[1]);
	CHECK(unlink("advised") == 0);
	return 0;
}

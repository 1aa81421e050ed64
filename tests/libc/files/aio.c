// SPDX-License-Identifier: MIT
/* <aio.h>: asynchronous reads and writes on a file (musl runs them on
 * threads), aio_suspend, aio_error/aio_return, lio_listio, aio_fsync.
 * Alone: once aio has been used, musl's close() asks the aio threads to
 * cancel, which can leave errno set, and scandir() (dirent.c, next)
 * takes a set errno after its closedir() as a failure. */
// run: solo
#include <aio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int test_aio(void)
{
	int fd = open("aio", O_CREAT | O_RDWR, 0644);
	char w[] = "asynchronous", r[16] = "";
	struct aiocb cb = {.aio_fildes = fd,
			   .aio_buf = w,
			   .aio_nbytes = strlen(w),
			   .aio_offset = 3};

	CHECK(fd >= 0);
	CHECK_OK(aio_write(&cb));
	const struct aiocb *list[1] = {&cb};
	while (aio_error(&cb) == EINPROGRESS)
		CHECK_OK(aio_suspend(list, 1, NULL));
	CHECK(aio_error(&cb) == 0 && aio_return(&cb) == 12);
	struct aiocb rd = {.aio_fildes = fd,
			   .aio_buf = r,
			   .aio_nbytes = 15,
			   .aio_offset = 0};
	CHECK_OK(aio_read(&rd));
	list[0] = &rd;
	while (aio_error(&rd) == EINPROGRESS)
		aio_suspend(list, 1, NULL);
	ssize_t n = aio_return(&rd);
	printf("aio_read %zd ", n);
	print_hex("", r, n > 0 ? (size_t)n : 0);
	struct aiocb a1 = {.aio_fildes = fd,
			   .aio_buf = "L1",
			   .aio_nbytes = 2,
			   .aio_offset = 20,
			   .aio_lio_opcode = LIO_WRITE};
	struct aiocb a2 = {.aio_fildes = fd,
			   .aio_buf = "L2",
			   .aio_nbytes = 2,
			   .aio_offset = 30,
			   .aio_lio_opcode = LIO_WRITE};
	struct aiocb *l2[3] = {&a1, NULL, &a2};
	CHECK_OK(lio_listio(LIO_WAIT, l2, 3, NULL));
	CHECK(aio_return(&a1) == 2 && aio_return(&a2) == 2);
	struct aiocb fs = {.aio_fildes = fd};
	CHECK_OK(aio_fsync(O_SYNC, &fs));
	list[0] = &fs;
	while (aio_error(&fs) == EINPROGRESS)
		aio_suspend(list, 1, NULL);
	CHECK(aio_return(&fs) == 0);
	CHECK(lseek(fd, 0, SEEK_END) == 32);
	struct aiocb bad = {.aio_fildes = 999, .aio_buf = r, .aio_nbytes = 1};
	/* A bad descriptor: refused at once (musl) or reported later. */
	if (aio_read(&bad) == 0) {
		list[0] = &bad;
		while (aio_error(&bad) == EINPROGRESS)
			aio_suspend(list, 1, NULL);
		CHECK(aio_error(&bad) == EBADF && aio_return(&bad) == -1);
	} else {
		CHECK(errno == EBADF);
	}
	CHECK(aio_cancel(fd, NULL) == AIO_ALLDONE);
	close(fd);
	return 0;
}

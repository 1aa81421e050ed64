// SPDX-License-Identifier: MIT
/* <sys/mman.h> shm_open()/shm_unlink(), memfd_create() and
 * <semaphore.h> sem_open(): POSIX shared memory objects, anonymous files
 * and named semaphores, within one process. Every mapping of an object
 * shows every store at once, whichever mapping or thread made it; an
 * object lives until shm_unlink(); named semaphores open by name again
 * and wake threads. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static char shm_name[64], sem_name[64];

static void *store_from_a_thread(void *arg)
{
	int fd = shm_open(shm_name, O_RDWR, 0);
	char *m = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE,
						 MAP_SHARED, fd, 4096);

	if (m != MAP_FAILED) {
		strcpy(m + 100, "from the thread");
		munmap(m, 4096);
	}
	if (fd >= 0)
		close(fd);
	sem_post(arg);
	return NULL;
}

static void shared_memory(sem_t *done)
{
	struct stat st;
	int fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_OK(ftruncate(fd, 8192));
	CHECK_OK(fstat(fd, &st));
	printf("object size %ld\n", (long)st.st_size);
	char *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	char *c = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);

	CHECK(a != MAP_FAILED && b != MAP_FAILED && c != MAP_FAILED);
	if (a == MAP_FAILED || b == MAP_FAILED || c == MAP_FAILED)
		return;
	strcpy(a, "through a");
	strcpy(c, "through c");
	printf("b sees \"%s\" and \"%s\"\n", b, b + 4096);
	pthread_t t;

	CHECK(pthread_create(&t, NULL, store_from_a_thread, done) == 0);
	CHECK_OK(sem_wait(done));
	printf("after the thread: \"%s\"\n", a + 4096 + 100);
	pthread_join(t, NULL);
	CHECK_OK(munmap(a, 8192));
	printf("b still sees \"%s\"\n", b);
	CHECK_OK(munmap(b, 8192));
	CHECK_OK(munmap(c, 4096));
	close(fd);
	/* The object outlives its descriptors and mappings. */
	fd = shm_open(shm_name, O_RDONLY, 0);
	CHECK(fd >= 0);
	char buf[16] = { 0 };

	CHECK(pread(fd, buf, 9, 4096) == 9);
	printf("reopened: \"%s\"\n", buf);
	close(fd);
	CHECK_OK(shm_unlink(shm_name));
	CHECK_ERR(shm_open(shm_name, O_RDWR, 0), ENOENT);
	CHECK_ERR(shm_unlink(shm_name), ENOENT);
	CHECK_ERR(shm_open("a/b", O_RDWR | O_CREAT, 0600), EINVAL);
}

static void *post(void *arg)
{
	sem_t *s = sem_open(sem_name, 0);

	if (s != SEM_FAILED)
		sem_post(s);
	return arg;
}

static void named_semaphores(void)
{
	sem_t *s = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0);
	int v = -1;

	CHECK(s != SEM_FAILED);
	if (s == SEM_FAILED)
		return;
	pthread_t t;

	CHECK(pthread_create(&t, NULL, post, NULL) == 0);
	CHECK_OK(sem_wait(s));
	pthread_join(t, NULL);
	CHECK_OK(sem_post(s));
	sem_t *again = sem_open(sem_name, 0);

	CHECK(again != SEM_FAILED);
	CHECK_OK(sem_getvalue(again, &v));
	printf("semaphore value %d, the same one %d\n", v, again == s);
	CHECK_OK(sem_trywait(s));
	CHECK_ERR(sem_trywait(s), EAGAIN);
	CHECK(sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0) == SEM_FAILED &&
	      errno == EEXIST);
	CHECK_OK(sem_close(again));
	CHECK_OK(sem_close(s));
	CHECK_OK(sem_unlink(sem_name));
	CHECK(sem_open(sem_name, 0) == SEM_FAILED && errno == ENOENT);
}

/* An anonymous file: read, written, mapped, resized like any other, gone
 * with its last descriptor. */
static void memfd(void)
{
	int fd = memfd_create("buffer", MFD_CLOEXEC);
	char buf[8] = { 0 };
	struct stat st;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, "memfd", 5) == 5);
	CHECK_OK(ftruncate(fd, 4096));
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	CHECK(m != MAP_FAILED);
	if (m != MAP_FAILED) {
		m[0] = 'M';
		CHECK_OK(munmap(m, 4096));
	}
	CHECK(pread(fd, buf, 5, 0) == 5);
	CHECK_OK(fstat(fd, &st));
	printf("memfd: %s, size %ld, links %ld, close-on-exec %d\n", buf,
	       (long)st.st_size, (long)st.st_nlink,
	       !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	close(fd);
	fd = memfd_create("plain", 0);
	CHECK(fd >= 0 && !(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	close(fd);
	CHECK_ERR(memfd_create("bad", 0x100), EINVAL);
}

/* A memfd of (pages) pages starting with the text (first), or -1. */
static int anonymous_file(int pages, const char *first)
{
	int fd = memfd_create(first, 0);

	CHECK(fd >= 0);
	if (fd < 0)
		return -1;
	CHECK_OK(ftruncate(fd, pages * 4096));
	CHECK(pwrite(fd, first, strlen(first), 0) == (ssize_t)strlen(first));
	return fd;
}

/* munmap() over a shared mapping that another mapping of the same bytes
 * keeps, with private pages around it: those pages go. (On Toro the two
 * mappings are one memory, which stays for the other.) */
static void unmap_beside_a_kept_mapping(void)
{
	int fd = anonymous_file(1, "kept");
	char *r, *v;

	if (fd < 0)
		return;
	r = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED);
	if (r == MAP_FAILED) {
		close(fd);
		return;
	}
	CHECK(mmap(r + 4096, 4096, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, fd, 0) == r + 4096);
	v = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(v != MAP_FAILED);
	CHECK_OK(munmap(r, 3 * 4096));
	/* mprotect() says ENOMEM of pages that are not mapped. */
	CHECK_ERR(mprotect(r, 4096, PROT_READ), ENOMEM);
	CHECK_ERR(mprotect(r + 2 * 4096, 4096, PROT_READ), ENOMEM);
	if (v != MAP_FAILED) {
		printf("the other mapping reads \"%.4s\"\n", v);
		CHECK_OK(munmap(v, 4096));
	}
	close(fd);
}

/* munmap() of part of a shared mapping: of one that a second mapping of
 * the same bytes also shows, each keeps what it did not unmap; a length
 * that is not whole pages takes whole pages, leaving nothing of the
 * mapping for a write to the file to copy into. */
static void partial_unmaps(void)
{
	int fd = anonymous_file(2, "one");
	char *a, *b;

	if (fd < 0)
		return;
	CHECK(pwrite(fd, "two", 3, 4096) == 3);
	a = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(a != MAP_FAILED && b != MAP_FAILED);
	if (a == MAP_FAILED || b == MAP_FAILED) {
		close(fd);
		return;
	}
	CHECK_OK(munmap(a, 4096));
	CHECK_OK(munmap(a + 4096, 4096));
	printf("the second mapping still reads \"%.3s\" and \"%.3s\"\n", b,
	       b + 4096);
	CHECK_OK(munmap(b, 5000));	/* both pages */
	CHECK_ERR(mprotect(b + 4096, 4096, PROT_READ), ENOMEM);
	/* Fresh memory (on Toro most likely those same pages) stays as it
	 * is when the file is written where the mapping was. */
	char *fresh = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(fresh != MAP_FAILED);
	CHECK(pwrite(fd, "new", 3, 6000) == 3);
	if (fresh != MAP_FAILED) {
		size_t nonzero = 0;

		for (size_t i = 0; i < 2 * 4096; i++)
			nonzero += fresh[i] != 0;
		printf("fresh memory after the write: %zu bytes not 0\n",
		       nonzero);
		CHECK_OK(munmap(fresh, 2 * 4096));
	}
	close(fd);
}

int test_shm(void)
{
	sem_t done;

	/* Names of this run's own: the host's /dev/shm is shared. */
	snprintf(shm_name, sizeof(shm_name), "/toro-libc-shm-%ld",
		 (long)getpid());
	snprintf(sem_name, sizeof(sem_name), "/toro-libc-sem-%ld",
		 (long)getpid());
	sem_init(&done, 0, 0);
	shared_memory(&done);
	named_semaphores();
	memfd();
	unmap_beside_a_kept_mapping();
	partial_unmaps();
	sem_destroy(&done);
	return 0;
}

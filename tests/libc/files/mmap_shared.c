// SPDX-License-Identifier: MIT
/* <sys/mman.h>: shared file mappings and the file they map. What is
 * stored in the mapping is what read() of the file returns, through any
 * descriptor, before and after munmap(); what write() puts in the file
 * shows in the mapping, read-only ones too, and so does truncation; the
 * file does not grow by a mapping; access modes decide what may be mapped
 * writable; mremap and MADV_DONTNEED keep the contents; mappings of the
 * same bytes see each other's stores. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static long pg;

/* A file of (size) bytes, 'a'..'z' over and over, open read-write. */
static int make_file(const char *name, long size)
{
	int fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0644);
	char c;

	CHECK(fd >= 0);
	for (long i = 0; i < size; i++) {
		c = (char)('a' + i % 26);
		CHECK(pwrite(fd, &c, 1, i) == 1);
	}
	return fd;
}

static char byte_at(int fd, long off)
{
	char c = 0;

	CHECK(pread(fd, &c, 1, off) == 1);
	return c;
}

static long size_of(int fd)
{
	struct stat st;

	CHECK(fstat(fd, &st) == 0);
	return (long)st.st_size;
}

static void stores_reach_the_file(void)
{
	int fd = make_file("shared", 3 * pg + 100);
	char *m = mmap(NULL, 3 * pg + 100, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	CHECK(m[0] == 'a' && m[3 * pg + 99] == 'a' + (3 * pg + 99) % 26);
	m[1] = 'X';
	m[2 * pg + 5] = 'Y';
	/* Seen by read() at once, through this descriptor and another. */
	printf("read sees %c %c\n", byte_at(fd, 1), byte_at(fd, 2 * pg + 5));
	int other = open("shared", O_RDONLY);

	CHECK(other >= 0);
	printf("another descriptor sees %c\n", byte_at(other, 2 * pg + 5));
	/* write() shows in the mapping. */
	CHECK(pwrite(fd, "WRITE", 5, pg) == 5);
	printf("mapping sees %.5s\n", m + pg);
	CHECK_OK(msync(m, 3 * pg + 100, MS_SYNC));
	m[3] = 'Z';
	CHECK_OK(munmap(m, 3 * pg + 100));
	char head[5];

	CHECK(pread(other, head, 5, 0) == 5);
	printf("after munmap %.5s, size %ld\n", head, size_of(other));
	close(other);
	close(fd);
}

static void the_file_does_not_grow(void)
{
	int fd = make_file("short", 100);
	char *m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	CHECK(m[100] == 0 && m[pg - 1] == 0);	/* the page's rest is zeros */
	m[99] = '!';
	m[200] = '?';	/* past the end: not the file's */
	CHECK_OK(munmap(m, pg));
	printf("short file: size %ld, last %c\n", size_of(fd), byte_at(fd, 99));
	close(fd);
}

static void read_only_mappings_follow_the_file(void)
{
	int fd = make_file("ro", 2 * pg);
	int rd = open("ro", O_RDONLY);
	char *m = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, rd, 0);

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	CHECK(pwrite(fd, "new", 3, pg + 10) == 3);
	printf("read-only mapping sees %.3s\n", m + pg + 10);
	/* Its file is not open for writing: no writable view of it. */
	CHECK_ERR(mprotect(m, pg, PROT_READ | PROT_WRITE), EACCES);
	CHECK_ERR(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, rd, 0),
		  EACCES);
	/* A private writable copy is fine, and stays private. */
	char *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, rd, 0);

	CHECK(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		p[0] = 'P';
		CHECK_OK(munmap(p, pg));
	}
	printf("private store kept out: %c\n", byte_at(fd, 0));
	CHECK_OK(munmap(m, 2 * pg));
	int wr = open("ro", O_WRONLY);

	CHECK_ERR(mmap(NULL, pg, PROT_READ, MAP_SHARED, wr, 0), EACCES);
	close(wr);
	close(rd);
	close(fd);
}

/* A mapping of bytes another holds sees its stores at once, both ways;
 * one that only partly overlaps it, once they are written back (Linux:
 * at once too). */
static void two_mappings(void)
{
	int fd = make_file("two", 3 * pg);
	char *a = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pg);
	char *c = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pg);

	CHECK(a != MAP_FAILED && b != MAP_FAILED && c != MAP_FAILED);
	if (a == MAP_FAILED || b == MAP_FAILED || c == MAP_FAILED)
		return;
	CHECK(a != b && a != c);
	a[pg + 1] = 'A';
	printf("second mapping sees %c\n", b[1]);
	b[2] = 'B';
	printf("first mapping sees %c\n", a[pg + 2]);
	CHECK_OK(msync(a, 2 * pg, MS_SYNC));
	printf("overlapping mapping sees %c%c\n", c[1], c[2]);
	c[pg + 3] = 'C';
	c[3] = 'D';
	CHECK_OK(msync(c, 2 * pg, MS_ASYNC));
	printf("first sees %c, file has %c\n", a[pg + 3], byte_at(fd, 2 * pg + 3));
	CHECK_OK(munmap(a, 2 * pg));
	b[4] = 'E';	/* the memory stays while a mapping shows it */
	CHECK_OK(munmap(b, pg));
	CHECK_OK(munmap(c, 2 * pg));
	printf("file has %c%c%c%c\n", byte_at(fd, pg + 1), byte_at(fd, pg + 2),
	       byte_at(fd, pg + 3), byte_at(fd, pg + 4));
	close(fd);
}

static void pieces_and_moves(void)
{
	int fd = make_file("pieces", 4 * pg);
	char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	/* The middle page unmapped: the two left are still the file's. */
	m[pg] = '1';
	CHECK_OK(munmap(m + pg, pg));
	m[0] = '0';
	m[2 * pg] = '2';
	CHECK_OK(fsync(fd));
	printf("pieces: %c %c %c\n", byte_at(fd, 0), byte_at(fd, pg),
	       byte_at(fd, 2 * pg));
	CHECK_OK(munmap(m, pg));
	CHECK_OK(munmap(m + 2 * pg, pg));
	/* Grown by mremap: the new page is the file's next one. */
	m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	m[5] = '5';
	char *g = mremap(m, pg, 2 * pg, MREMAP_MAYMOVE);

	CHECK(g != MAP_FAILED);
	if (g == MAP_FAILED)
		return;
	printf("grown: %c %c\n", g[5], g[pg + 3]);
	g[pg + 3] = '3';
	/* Advice to drop pages keeps a shared mapping's contents. */
	CHECK_OK(madvise(g, 2 * pg, MADV_DONTNEED));
	printf("after DONTNEED: %c %c\n", g[5], g[pg + 3]);
	CHECK_OK(munmap(g, 2 * pg));
	printf("file: %c %c\n", byte_at(fd, 5), byte_at(fd, pg + 3));
	close(fd);
}

static void mapping_outlives_its_descriptor(void)
{
	int fd = make_file("closed", pg);
	char *m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	CHECK(m != MAP_FAILED);
	close(fd);
	if (m == MAP_FAILED)
		return;
	m[7] = '7';
	CHECK_OK(munmap(m, pg));
	fd = open("closed", O_RDONLY);
	printf("closed before munmap: %c\n", byte_at(fd, 7));
	close(fd);
}

/* Emptied and grown again, by ftruncate() and by open(O_TRUNC): the file
 * and the mapping read as zeros, not as the bytes they had. */
static void truncation(void)
{
	int fd = make_file("trunc", pg);
	char *m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	m[10] = 'M';
	CHECK_OK(ftruncate(fd, 0));
	CHECK_OK(ftruncate(fd, pg));
	printf("regrown: file %d, mapping %d\n", byte_at(fd, 10), m[10]);
	CHECK(pwrite(fd, "again", 5, 20) == 5);
	int t = open("trunc", O_RDWR | O_TRUNC);

	CHECK(t >= 0);
	CHECK_OK(ftruncate(t, pg));
	printf("reopened empty: file %d, mapping %d\n", byte_at(t, 20),
	       m[20]);
	m[30] = 'N';
	CHECK_OK(munmap(m, pg));
	printf("then stored: %c, size %ld\n", byte_at(t, 30), size_of(t));
	close(t);
	close(fd);
}

/* /dev/zero, the old way to anonymous memory, shared or private: zeros,
 * each mapping its own; /dev/null and a pipe cannot be mapped. */
static void dev_zero(void)
{
	int fd = open("/dev/zero", O_RDWR), p[2];
	char *a = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *c = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	CHECK(a != MAP_FAILED && b != MAP_FAILED && c != MAP_FAILED);
	if (a != MAP_FAILED && b != MAP_FAILED && c != MAP_FAILED) {
		a[0] = 'a';
		c[1] = 'c';
		printf("/dev/zero: %d %d %d %d\n", a[0], b[0], c[0], c[1]);
		CHECK_OK(munmap(a, pg));
		CHECK_OK(munmap(b, pg));
		CHECK_OK(munmap(c, pg));
	}
	close(fd);
	fd = open("/dev/null", O_RDWR);
	CHECK_ERR(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0), ENODEV);
	close(fd);
	CHECK_OK(pipe(p));
	CHECK_ERR(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, p[0], 0), ENODEV);
	close(p[0]);
	close(p[1]);
}

int test_mmap_shared(void)
{
	pg = sysconf(_SC_PAGESIZE);
	stores_reach_the_file();
	the_file_does_not_grow();
	read_only_mappings_follow_the_file();
	two_mappings();
	pieces_and_moves();
	mapping_outlives_its_descriptor();
	truncation();
	dev_zero();
	return 0;
}

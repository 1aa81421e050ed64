// SPDX-License-Identifier: MIT
/* Descriptors 0-2 are the console, and descriptors come and go;
 * syslog() writes to the console. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <toro/test.h>

TEST(console, standard_descriptors)
{
	char c;
	struct stat st;

	EXPECT_EQ(write(1, "console: fd 1 works\n", 20), 20);
	EXPECT_EQ(write(2, "console: fd 2 works\n", 20), 20);
	EXPECT_EQ(dprintf(1, "console: dprintf %d\n", 42), 20);
	EXPECT_EQ(read(0, &c, 1), 0);		/* stdin: end of file */
	errno = 0;
	EXPECT_EQ(write(0, "x", 1), -1);
	EXPECT_EQ(errno, EBADF);
	EXPECT_EQ(read(1, &c, 1), -1);
	EXPECT_EQ(errno, EBADF);
	EXPECT_EQ(lseek(1, 0, SEEK_SET), -1);
	EXPECT_EQ(errno, ESPIPE);
	ASSERT_EQ(fstat(1, &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(isatty(1), 1);
	int fd = open("/hello.txt", O_RDONLY);

	EXPECT_EQ(isatty(fd), 0);
	close(fd);
	EXPECT_EQ(fgetc(stdin), EOF);
	EXPECT_TRUE(feof(stdin));
	clearerr(stdin);
	EXPECT_EQ(fsync(1), 0);
}

TEST(console, dup_and_redirect)
{
	int saved = dup(1);

	ASSERT_GE(saved, 3);
	EXPECT_EQ(write(saved, "console: through a dup\n", 23), 23);
	ASSERT_EQ(close(1), 0);
	errno = 0;
	EXPECT_EQ(write(1, "lost\n", 5), -1);
	EXPECT_EQ(errno, EBADF);
	/* The lowest free descriptor is 1 now. */
	int fd = dup(saved);

	EXPECT_EQ(fd, 1);
	EXPECT_EQ(write(fd, "console: dup took 1\n", 20), 20);
	close(fd);
	EXPECT_EQ(dup2(saved, 1), 1);
	EXPECT_EQ(dup2(1, 1), 1);
	EXPECT_EQ(close(saved), 0);
	printf("console: stdout is back\n");
	EXPECT_EQ(fcntl(1, F_GETFL) & O_ACCMODE, O_WRONLY);
}

/* /dev/stdout and its kin open the descriptor's file, as on Linux;
 * /dev/tty and /dev/console the console. */
TEST(console, descriptor_names)
{
	struct stat st;
	char c;
	int fd = open("/dev/stdout", O_WRONLY | O_APPEND);

	ASSERT_GE(fd, 3);
	EXPECT_EQ(write(fd, "console: through /dev/stdout\n", 29), 29);
	close(fd);
	FILE *err = fopen("/dev/stderr", "w");

	ASSERT_TRUE(err != NULL);
	EXPECT_EQ(fprintf(err, "console: through /dev/stderr %d\n", 2), 31);
	EXPECT_EQ(fclose(err), 0);
	fd = open("/dev/fd/1", O_WRONLY);
	EXPECT_EQ(write(fd, "console: through /dev/fd/1\n", 27), 27);
	close(fd);
	fd = open("/dev/stdin", O_RDONLY);
	EXPECT_EQ(read(fd, &c, 1), 0);
	close(fd);
	ASSERT_EQ(stat("/dev/stdout", &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_ERR(open("/dev/fd/77", O_RDONLY), ENOENT);
	EXPECT_ERR(open("/dev/fd/1x", O_RDONLY), ENOENT);
	EXPECT_ERR(open("/dev/stdout", O_WRONLY | O_CREAT | O_EXCL, 0600),
		     EEXIST);
	EXPECT_ERR(stat("/dev/fd/77", &st), ENOENT);
	/* The console by name; the name ttyname() gives it. */
	fd = open("/dev/tty", O_RDWR);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(isatty(fd), 1);
	EXPECT_EQ(write(fd, "console: through /dev/tty\n", 26), 26);
	close(fd);
	fd = open("/dev/console", O_WRONLY);
	EXPECT_EQ(write(fd, "console: through /dev/console\n", 30), 30);
	close(fd);
	ASSERT_EQ(stat("/dev/console", &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_STREQ(ttyname(1), "/dev/console");
	int p[2];

	ASSERT_EQ(pipe(p), 0);
	errno = 0;
	EXPECT_TRUE(ttyname(p[0]) == NULL);
	EXPECT_EQ(errno, ENOTTY);
	close(p[0]);
	close(p[1]);
}

/* syslog() writes to the console, whatever descriptor 2 is; LOG_PERROR
 * to descriptor 2 instead. */
TEST(console, syslog_lines)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY);

	ASSERT_GE(saved, 0);
	ASSERT_GE(null, 0);
	openlog("files", LOG_PID, LOG_DAEMON);
	EXPECT_EQ(dup2(null, 2), 2);
	syslog(LOG_INFO, "syslog %d works", 42);
	errno = ENOENT;
	syslog(LOG_ERR, "syslog says %m");
	EXPECT_EQ(setlogmask(LOG_UPTO(LOG_NOTICE)), 0xff);
	syslog(LOG_DEBUG, "lost: masked out");
	openlog("files", LOG_PERROR, LOG_USER);
	syslog(LOG_WARNING, "lost: to descriptor 2");
	EXPECT_EQ(dup2(saved, 2), 2);
	syslog(LOG_WARNING, "syslog to stderr\n");
	setlogmask(0xff);
	closelog();
	close(saved);
	close(null);
}

TEST(fds, many_open_and_reuse)
{
	enum { N = 300 };
	static int fds[N];
	char c;

	for (int i = 0; i < N; i++) {
		fds[i] = open("/lines.txt", O_RDONLY);
		ASSERT_GE(fds[i], 3);
		if (i)
			EXPECT_EQ(fds[i], fds[i - 1] + 1);
	}
	/* Each has its own offset. */
	for (int i = 0; i < N; i++)
		EXPECT_EQ(lseek(fds[i], i % 100, SEEK_SET), i % 100);
	for (int i = 0; i < N; i += 37) {
		char want;

		EXPECT_EQ(pread(fds[i], &want, 1, i % 100), 1);
		EXPECT_EQ(read(fds[i], &c, 1), 1);
		EXPECT_EQ(c, want);
	}
	/* Closed slots are handed out again, lowest first. */
	EXPECT_EQ(close(fds[200]), 0);
	EXPECT_EQ(close(fds[100]), 0);
	EXPECT_EQ(open("/hello.txt", O_RDONLY), fds[100]);
	EXPECT_EQ(open("/hello.txt", O_RDONLY), fds[200]);
	EXPECT_EQ(fcntl(fds[5], F_DUPFD, fds[N - 1]), fds[N - 1] + 1);
	EXPECT_EQ(close(fds[N - 1] + 1), 0);
	for (int i = 0; i < N; i++)
		EXPECT_EQ(close(fds[i]), 0);
	EXPECT_EQ(open("/hello.txt", O_RDONLY), 3);
	close(3);
}

TEST(fds, open_close_churn)
{
	/* Thousands of opens leave nothing behind. */
	for (int i = 0; i < 5000; i++) {
		int fd = open("/dir/a.txt", O_RDONLY);

		ASSERT_EQ(fd, 3);
		ASSERT_EQ(close(fd), 0);
	}
}

// SPDX-License-Identifier: MIT
/* <termios.h>, <pty.h>, <sys/ioctl.h> without a terminal: the speed and
 * mode helpers on a struct, and the answers for descriptors that are not
 * terminals (a file). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "check.h"

int test_termios(void)
{
	struct termios t;

	memset(&t, 0, sizeof(t));
	CHECK_OK(cfsetospeed(&t, B9600));
	CHECK_OK(cfsetispeed(&t, B38400));
	printf("speeds %u %u\n", (unsigned)cfgetospeed(&t),
	       (unsigned)cfgetispeed(&t));
	CHECK_ERR(cfsetospeed(&t, 12345), EINVAL);
	t.c_lflag = ICANON | ECHO;
	cfmakeraw(&t);
	printf("raw iflag %o oflag %o lflag %o cflag %o vmin %d\n", t.c_iflag,
	       t.c_oflag, t.c_lflag, t.c_cflag, t.c_cc[VMIN]);
	int fd = open("notatty", O_CREAT | O_RDWR, 0644);
	CHECK(isatty(fd) == 0 && errno == ENOTTY);
	CHECK_ERR(tcgetattr(fd, &t), ENOTTY);
	struct winsize ws;
	CHECK_ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
	char name[64];
	CHECK(ttyname_r(fd, name, sizeof(name)) == ENOTTY);
	int on = 1;
	CHECK_OK(ioctl(fd, FIONBIO, &on));
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	return 0;
}

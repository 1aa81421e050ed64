// SPDX-License-Identifier: MIT
/*
 * The BSD socket API inside the guest, over lwIP's loopback (127.0.0.1)
 * and the guest's own address: TCP and UDP, descriptors shared with
 * files, poll/select, non-blocking calls, timeouts, options, vector I/O,
 * sockets used from threads on every CPU, and every bad argument's errno.
 */
#include <toro/test.h>

int main(int argc, char **argv)
{
	return test_main(argc, argv);
}

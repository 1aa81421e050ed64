/* SPDX-License-Identifier: MIT */
/*
 * Where the driver's programs find their files. The host driver runs in
 * the temporary directory suite.py made for it, and /tmp is the host's.
 * The guest gets an empty tmpfs as / unless the boot shared a directory
 * over virtio-fs (then tmpfs_mount() answers -EBUSY and that is /), then
 * /tmp for tmpfile() and a working directory /work.
 */
#ifndef LIBC_DRIVER_SETUP_H
#define LIBC_DRIVER_SETUP_H

#ifdef TORO
#include <sys/stat.h>
#include <unistd.h>
#include <toro/fs.h>

static inline int driver_setup(void)
{
	int rc = tmpfs_mount("/");

	if (rc != 0 && rc != -EBUSY)
		return rc;
	mkdir("/tmp", 01777);
	mkdir("/work", 0755);
	return chdir("/work");
}
#else
static inline int driver_setup(void)
{
	return 0;
}
#endif

#endif /* LIBC_DRIVER_SETUP_H */

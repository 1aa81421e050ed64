// SPDX-License-Identifier: MIT
/*
 * Files: the VFS, descriptors and stdio streams over the read-only initrd
 * the runner packs from initrd/ (mounted as /), and over a tmpfs at /tmp.
 * The cases are in the other files of this directory, by theme.
 */
#include <toro/test.h>

int main(int argc, char **argv)
{
	return test_main(argc, argv);
}

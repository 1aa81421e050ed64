// SPDX-License-Identifier: MIT
/* The in-guest test image: every TEST() in tests/kernel/, run at boot. */
#include <toro/test.h>

int main(int argc, char **argv)
{
	return test_main(argc, argv);
}

// SPDX-License-Identifier: MIT
/* Kernel command-line parsing: options, "--", quoting, limits. */
#include <errno.h>
#include <string.h>

#include <kernel/cmdline.h>

#include "unit.h"

UNIT_TEST(cmdline_options_and_args)
{
	char buf[] = "toro.log=debug  virtio_mmio.device=512@0xfeb00000:12 "
		     "quiet KEY=a=b -- one two";
	struct cmdline cl;

	CHECK_EQ(cmdline_parse(buf, &cl), 0);
	CHECK_EQ(cl.noptions, 4);
	CHECK_STR_EQ(cmdline_get(&cl, "toro.log"), "debug");
	CHECK_STR_EQ(cmdline_get(&cl, "virtio_mmio.device"), "512@0xfeb00000:12");
	CHECK_STR_EQ(cmdline_get(&cl, "quiet"), "");
	CHECK(cl.value[2] == NULL);	/* a flag has no value */
	CHECK_STR_EQ(cmdline_get(&cl, "KEY"), "a=b");
	CHECK(cmdline_get(&cl, "missing") == NULL);
	CHECK_EQ(cl.argc, 3);
	CHECK_STR_EQ(cl.argv[0], "app");
	CHECK_STR_EQ(cl.argv[1], "one");
	CHECK_STR_EQ(cl.argv[2], "two");
	CHECK(cl.argv[3] == NULL);
}

UNIT_TEST(cmdline_vmm_devices_after_the_arguments_are_options)
{
	char buf[] = "toro.log=info -- one virtio_mmio.device=512@0xfeb00000:12"
		     " two virtio_mmio.device=4K@0xfeb00200:13";
	struct cmdline cl;

	CHECK_EQ(cmdline_parse(buf, &cl), 0);
	CHECK_EQ(cl.noptions, 3);
	CHECK_STR_EQ(cl.key[1], "virtio_mmio.device");
	CHECK_STR_EQ(cl.value[1], "512@0xfeb00000:12");
	CHECK_STR_EQ(cl.value[2], "4K@0xfeb00200:13");
	CHECK_EQ(cl.argc, 3);
	CHECK_STR_EQ(cl.argv[1], "one");
	CHECK_STR_EQ(cl.argv[2], "two");
}

UNIT_TEST(cmdline_quotes_and_escapes)
{
	char buf[] = "toro.name=\"my app\" -- \"a b\" 'x' c\\ d \"q\\\"t\" "
		     "\"back\\\\slash\" \"\" -- tail";
	struct cmdline cl;

	CHECK_EQ(cmdline_parse(buf, &cl), 0);
	CHECK_STR_EQ(cl.argv[0], "my app");
	CHECK_EQ(cl.argc, 9);
	CHECK_STR_EQ(cl.argv[1], "a b");
	CHECK_STR_EQ(cl.argv[2], "'x'");	/* only double quotes group */
	CHECK_STR_EQ(cl.argv[3], "c d");
	CHECK_STR_EQ(cl.argv[4], "q\"t");
	CHECK_STR_EQ(cl.argv[5], "back\\slash");
	CHECK_STR_EQ(cl.argv[6], "");
	CHECK_STR_EQ(cl.argv[7], "--");	/* only the first -- separates */
	CHECK_STR_EQ(cl.argv[8], "tail");
}

UNIT_TEST(cmdline_edge_cases)
{
	struct cmdline cl;
	char empty[] = "";

	CHECK_EQ(cmdline_parse(empty, &cl), 0);
	CHECK_EQ(cl.argc, 1);
	CHECK_EQ(cl.noptions, 0);

	char spaces[] = "   \t  --   ";

	CHECK_EQ(cmdline_parse(spaces, &cl), 0);
	CHECK_EQ(cl.argc, 1);

	char unterminated[] = "-- \"open quote runs to the end";

	CHECK_EQ(cmdline_parse(unterminated, &cl), 0);
	CHECK_EQ(cl.argc, 2);
	CHECK_STR_EQ(cl.argv[1], "open quote runs to the end");

	char trailing[] = "a=1 a=2 -- x\\";

	CHECK_EQ(cmdline_parse(trailing, &cl), 0);
	CHECK_STR_EQ(cmdline_get(&cl, "a"), "2");	/* the last one wins */
	CHECK_STR_EQ(cl.argv[1], "x\\");
}

UNIT_TEST(cmdline_too_many_words_are_dropped_not_overflowed)
{
	static char buf[8192];
	struct cmdline cl;
	size_t len = 0;

	for (int i = 0; i < 100; i++)
		len += sprintf(buf + len, "opt%d=%d ", i, i);
	len += sprintf(buf + len, "--");
	for (int i = 0; i < 100; i++)
		len += sprintf(buf + len, " arg%d", i);
	CHECK_EQ(cmdline_parse(buf, &cl), -E2BIG);
	CHECK_EQ(cl.noptions, CMDLINE_MAX_OPTIONS);
	CHECK_EQ(cl.argc, CMDLINE_MAX_ARGS + 1);
	CHECK(cl.argv[cl.argc] == NULL);
	CHECK_EQ(cl.dropped, 200 - CMDLINE_MAX_OPTIONS - CMDLINE_MAX_ARGS);
	CHECK_STR_EQ(cl.argv[CMDLINE_MAX_ARGS], "arg63");
}

// SPDX-License-Identifier: MIT
/*
 * The embedded symbol table (tools/mksyms.py, kernel/ksyms.c) names the
 * functions fault reports and backtraces show: names come back whole
 * through tokens inside tokens, offsets count from the function's start,
 * and a name too long for the buffer is cut, not overrun.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <kernel/heap.h>
#include <kernel/ksyms.h>
#include <kernel/page_alloc.h>
#include <toro/memory.h>
#include <toro/test.h>

static const struct {
	const void *fn;
	const char *name;
} known[] = {
	{ ksyms_lookup, "ksyms_lookup" },
	{ page_alloc_aligned, "page_alloc_aligned" },
	{ page_alloc_stats, "page_alloc_stats" },
	{ heap_alloc_aligned, "heap_alloc_aligned" },
	{ mem_stats, "mem_stats" },
	{ pthread_create, "pthread_create" },
	{ strcmp, "strcmp" },
	{ snprintf, "snprintf" },
	{ strlen, "strlen" },
	{ memcmp, "memcmp" },
};

TEST(ksyms, names_functions_at_their_start_and_inside)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		char buf[KSYMS_NAME_MAX];
		uintptr_t off = 99;
		uintptr_t addr = (uintptr_t)known[i].fn;

		ASSERT_EQ(ksyms_lookup(addr, &off, buf, sizeof(buf)), buf);
		EXPECT_STREQ(buf, known[i].name);
		EXPECT_EQ(off, 0);
		ASSERT_EQ(ksyms_lookup(addr + 1, &off, buf, sizeof(buf)), buf);
		EXPECT_STREQ(buf, known[i].name);
		EXPECT_EQ(off, 1);
	}
}

TEST(ksyms, cuts_a_long_name_to_the_buffer)
{
	char buf[8];
	uintptr_t off;

	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ(ksyms_lookup((uintptr_t)page_alloc_aligned, &off, buf,
			       sizeof(buf)), buf);
	EXPECT_STREQ(buf, "page_al");
	ASSERT_EQ(ksyms_lookup((uintptr_t)page_alloc_aligned, &off, buf, 1),
		  buf);
	EXPECT_STREQ(buf, "");
}

TEST(ksyms, knows_nothing_outside_the_text)
{
	static int data;
	char buf[KSYMS_NAME_MAX];
	uintptr_t off;

	EXPECT_EQ(ksyms_lookup((uintptr_t)&data, &off, buf, sizeof(buf)),
		  NULL);
	EXPECT_EQ(ksyms_lookup(0, &off, buf, sizeof(buf)), NULL);
}

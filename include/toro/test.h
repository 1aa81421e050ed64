/* SPDX-License-Identifier: MIT */
/*
 * In-guest tests. TEST(suite, name) defines a test case and registers it in
 * the toro_tests linker section; an image built from test files calls
 * test_main() from main() to run them all (or those named on its command
 * line as "suite" or "suite.name") and returns its result as exit status.
 * EXPECT_* record a failure and go on; ASSERT_* also end the test case.
 *
 *	TEST(heap, calloc_zeroes) {
 *		char *p = calloc(100, 1);
 *		ASSERT_NOT_NULL(p);
 *		EXPECT_EQ(p[99], 0);
 *		free(p);
 *	}
 *	int main(int argc, char **argv) { return test_main(argc, argv); }
 */
#ifndef TORO_TEST_H
#define TORO_TEST_H

#include <stdbool.h>

struct test_case {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

#define TEST(suite, name)                                                      \
	static void test_##suite##_##name(void);                               \
	static const struct test_case test_case_##suite##_##name               \
		__attribute__((used, section("toro_tests"), aligned(8))) = {   \
			#suite, #name, test_##suite##_##name                   \
		};                                                             \
	static void test_##suite##_##name(void)

/* Runs the registered tests; returns 0 when all passed, 1 otherwise. */
int test_main(int argc, char **argv);

/* Reports a failed check; returns (ok). */
bool test_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define EXPECT_TRUE(c) test_check(!!(c), __FILE__, __LINE__, "%s", #c)
#define EXPECT_FALSE(c) test_check(!(c), __FILE__, __LINE__, "!(%s)", #c)

#define TEST_CMP_(a, op, b)                                                    \
	({                                                                     \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		test_check(a_ op b_, __FILE__, __LINE__,                       \
			   "%s " #op " %s: %lld vs %lld", #a, #b, a_, b_);     \
	})
#define EXPECT_EQ(a, b) TEST_CMP_(a, ==, b)
#define EXPECT_NE(a, b) TEST_CMP_(a, !=, b)
#define EXPECT_LT(a, b) TEST_CMP_(a, <, b)
#define EXPECT_LE(a, b) TEST_CMP_(a, <=, b)
#define EXPECT_GT(a, b) TEST_CMP_(a, >, b)
#define EXPECT_GE(a, b) TEST_CMP_(a, >=, b)

#define EXPECT_STREQ(a, b)                                                     \
	({                                                                     \
		const char *a_ = (a), *b_ = (b);                               \
		test_check(a_ && b_ && __builtin_strcmp(a_, b_) == 0,          \
			   __FILE__, __LINE__, "%s == %s: \"%s\" vs \"%s\"",   \
			   #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");    \
	})
#define EXPECT_NULL(p) test_check((p) == NULL, __FILE__, __LINE__, "%s == NULL", #p)
#define EXPECT_NOT_NULL(p)                                                     \
	test_check((p) != NULL, __FILE__, __LINE__, "%s != NULL", #p)

/* A system call that must fail: (call) gives -1 and errno (err). The
 * file that uses it includes <errno.h>. */
#define EXPECT_ERR(call, err)                                                  \
	do {                                                                   \
		errno = 0;                                                     \
		EXPECT_EQ((long)(call), -1);                                   \
		EXPECT_EQ(errno, err);                                         \
	} while (0)

#define ASSERT_(check)                                                         \
	do {                                                                   \
		if (!(check))                                                  \
			return;                                                \
	} while (0)
#define ASSERT_TRUE(c) ASSERT_(EXPECT_TRUE(c))
#define ASSERT_EQ(a, b) ASSERT_(EXPECT_EQ(a, b))
#define ASSERT_NE(a, b) ASSERT_(EXPECT_NE(a, b))
#define ASSERT_GE(a, b) ASSERT_(EXPECT_GE(a, b))
#define ASSERT_NOT_NULL(p) ASSERT_(EXPECT_NOT_NULL(p))
#define ASSERT_STREQ(a, b) ASSERT_(EXPECT_STREQ(a, b))

#endif /* TORO_TEST_H */

/* SPDX-License-Identifier: MIT */
/* <assert.h>: a failed assert() reports like a kernel panic and stops the
 * VM with the panic exit code. Not include-guarded, as C requires. */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
void __assert_fail(const char *expr, const char *file, unsigned int line,
		   const char *func) __attribute__((noreturn));
#define assert(e)                                                              \
	((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#ifndef static_assert
#define static_assert _Static_assert
#endif

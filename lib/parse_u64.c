// SPDX-License-Identifier: MIT
/*
 * The kernel's number parser (include/kernel/strtox.h): strtoull()'s
 * grammar for the kernel options and device strings it reads before any
 * thread exists. The C library's strtoull() is musl's, which reports
 * overflow through errno, a thread-local variable the kernel has no
 * business touching (boot code runs with no thread at all).
 */
#include <kernel/strtox.h>

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Digit value in bases up to 36, or 36 for anything that is no digit. */
static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

uint64_t kstrtou64(const char *nptr, char **endptr, int base, bool *overflow)
{
	const char *s = nptr;
	uint64_t v = 0;
	bool any = false, over = false;

	if (base < 0 || base == 1 || base > 36)
		goto out;
	while (is_space(*s))
		s++;
	if (*s == '+')
		s++;
	/* "0x" counts as a prefix only if a hex digit follows it. */
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		s += 2;
		base = 16;
	}
	if (base == 0)
		base = *s == '0' ? 8 : 10;
	for (;; s++) {
		unsigned d = digit_value(*s);

		if (d >= (unsigned)base)
			break;
		any = true;
		if (v > (UINT64_MAX - d) / base) {
			over = true;
			v = UINT64_MAX;
		} else if (!over) {
			v = v * base + d;
		}
	}
out:
	if (endptr)
		*endptr = (char *)(any ? s : nptr);
	if (overflow)
		*overflow = over;
	return any ? v : 0;
}

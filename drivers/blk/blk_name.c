// SPDX-License-Identifier: MIT
/*
 * Short names for disks (blk_name.h). The drivers name a disk by its
 * transport ("virtio-mmio@0xfeb00200", "virtio-pci@00:02.0",
 * "nvme@00:04.0/n1"), which nobody wants to type on a kernel command
 * line; "vda" and "nvme0n1" rank those names instead. Transport
 * addresses of one kind have the same width but for the MMIO base's
 * digits, so a shorter name comes first, then the bytes decide: the
 * order QEMU gives `toro run --disk`'s devices.
 */
#include <stdbool.h>
#include <string.h>

#include "blk_name.h"

/* The part of a name that ranks it: a controller's, before "/nN". */
static size_t key_len(const char *name, bool controller)
{
	const char *slash = controller ? strchr(name, '/') : NULL;

	return slash ? (size_t)(slash - name) : strlen(name);
}

static int key_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(a, b, la);
}

/* The (rank)th smallest distinct key among the names that start with
 * (prefix): its name's index, or -1. A repeated minimum search: disks
 * are a handful. */
static int nth_key(const char *const *names, unsigned n, const char *prefix,
		   bool controller, unsigned rank)
{
	int want = -1;
	size_t plen = strlen(prefix);

	for (unsigned k = 0; k <= rank; k++) {
		int next = -1;

		for (unsigned i = 0; i < n; i++) {
			size_t l = key_len(names[i], controller);

			if (strncmp(names[i], prefix, plen) != 0)
				continue;
			if (want >= 0 && key_cmp(names[i], l, names[want],
				key_len(names[want], controller)) <= 0)
				continue;
			if (next < 0 || key_cmp(names[i], l, names[next],
				key_len(names[next], controller)) < 0)
				next = (int)i;
		}
		if (next < 0)
			return -1;
		want = next;
	}
	return want;
}

/* Digits at (*p) before (end), at most 4 of them: the number, or -1. */
static long number(const char **p, const char *end)
{
	long v = 0;
	int digits = 0;

	while (*p < end && **p >= '0' && **p <= '9' && digits < 5) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits == 0 || digits > 4 ? -1 : v;
}

static int exact(const char *const *names, unsigned n, const char *want,
		 size_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], want, len) == 0)
			return (int)i;
	return -1;
}

/* "nvmeKnN": namespace N of controller K. */
static int nvme_pick(const char *const *names, unsigned n, const char *want,
		     size_t len)
{
	const char *p = want + 4, *end = want + len;
	long k = number(&p, end), ns;
	char name[64];
	int c;

	if (k < 0 || p == end || *p++ != 'n')
		return -1;
	ns = number(&p, end);
	if (ns < 1 || p != end)
		return -1;
	c = nth_key(names, n, "nvme@", true, (unsigned)k);
	if (c < 0)
		return -1;
	size_t cl = key_len(names[c], true);

	if (cl + 7 > sizeof(name))
		return -1;
	memcpy(name, names[c], cl);
	name[cl] = '/';
	name[cl + 1] = 'n';
	size_t l = cl + 2;
	char digits[5];
	int nd = 0;

	do
		digits[nd++] = (char)('0' + ns % 10);
	while ((ns /= 10) > 0);
	while (nd > 0)
		name[l++] = digits[--nd];
	return exact(names, n, name, l);
}

int blk_name_pick(const char *const *names, unsigned n, const char *want,
		  size_t len)
{
	if (len == 3 && want[0] == 'v' && want[1] == 'd' && want[2] >= 'a' &&
	    want[2] <= 'z')
		return nth_key(names, n, "virtio-", false,
			       (unsigned)(want[2] - 'a'));
	if (len > 4 && strncmp(want, "nvme", 4) == 0 && want[4] >= '0' &&
	    want[4] <= '9')
		return nvme_pick(names, n, want, len);
	return exact(names, n, want, len);
}

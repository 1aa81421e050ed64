// SPDX-License-Identifier: MIT
/*
 * The cpio reader (fs/cpio.c) on an initrd that is any bytes at all. The
 * archive is the fuzzer's own buffer, exactly its size, so ASan sees any
 * read past it; every name and data range handed out must lie inside it,
 * and an error or the trailer must stay the end.
 */
#include <errno.h>
#include <string.h>

#include <kernel/cpio.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int rc;

	cpio_iter_init(&it, data, size);
	while ((rc = cpio_next(&it, &e)) > 0) {
		FUZZ_CHECK(fuzz_inside(e.name, e.name_len + 1, data, size));
		FUZZ_CHECK(e.name[e.name_len] == '\0');
		FUZZ_CHECK(strlen(e.name) == e.name_len);
		FUZZ_CHECK(!e.size || fuzz_inside(e.data, e.size, data, size));
	}
	FUZZ_CHECK(rc == 0 || rc == -EINVAL);
	FUZZ_CHECK(cpio_next(&it, &e) == rc);
	return 0;
}

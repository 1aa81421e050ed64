// SPDX-License-Identifier: MIT
/*
 * The kernel command line (kernel/cmdline.c) as the VMM hands it over: any
 * bytes up to a NUL. Every word must come out inside the buffer, argv
 * NULL-terminated; each option's value also goes through the kopt
 * helpers and virtio_mmio_parse() (drivers/virtio/mmio_parse.c), which
 * reads the "virtio_mmio.device=" values the VMM appends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/cmdline.h>

#include "../../drivers/virtio/virtio_impl.h"
#include "fuzz.h"

static void check_mmio(const char *v)
{
	uint64_t size, base, want;
	uint32_t irq;

	if (virtio_mmio_parse(v, &size, &base, &irq) != 0)
		return;
	/* What mmio.c then maps and routes must make sense. */
	FUZZ_CHECK(size >= 0x100);
	FUZZ_CHECK(base && !(base & 3) && base + size >= base);
	FUZZ_CHECK(irq <= 0xffffff);

	/* And the size must be the one written: the host's strtoull()
	 * reads it too, and a size that does not fit in 64 bits must not
	 * come out as another one. */
	char *end;

	errno = 0;
	unsigned long long n = strtoull(v, &end, 0);
	unsigned shift = *end == 'k' || *end == 'K' ? 10 :
			 *end == 'm' || *end == 'M' ? 20 :
			 *end == 'g' || *end == 'G' ? 30 : 0;

	FUZZ_CHECK(errno != ERANGE);
	FUZZ_CHECK(!__builtin_mul_overflow(n, 1ull << shift, &want));
	FUZZ_CHECK(size == want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	struct cmdline *cl = &kernel_cmdline;

	memcpy(buf, data, size);
	buf[size] = '\0';
	int rc = cmdline_parse(buf, cl);

	FUZZ_CHECK(rc == 0 || (rc < 0 && cl->dropped));
	FUZZ_CHECK(cl->noptions <= CMDLINE_MAX_OPTIONS);
	FUZZ_CHECK(cl->argc >= 1 && cl->argc <= CMDLINE_MAX_ARGS + 1);
	FUZZ_CHECK(cl->argv[cl->argc] == NULL);
	for (int i = 1; i < cl->argc; i++)
		FUZZ_CHECK(fuzz_inside(cl->argv[i], strlen(cl->argv[i]) + 1,
				       buf, size + 1));
	for (unsigned i = 0; i < cl->noptions; i++) {
		const char *k = cl->key[i], *v = cl->value[i];

		FUZZ_CHECK(fuzz_inside(k, strlen(k) + 1, buf, size + 1));
		if (v) {
			FUZZ_CHECK(fuzz_inside(v, strlen(v) + 1, buf,
					       size + 1));
			check_mmio(v);
		}
		FUZZ_CHECK(cmdline_get(cl, k) != NULL);
		(void)kopt_flag(k);
		(void)kopt_u64(k, 0);
	}
	free(buf);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line: "OPTION ... -- ARG ...". Words before "--" are
 * kernel options, "key=value" or a bare "flag" (also what getenv() sees);
 * words after it become main()'s argv[1..]. argv[0] is the "toro.name"
 * option, else "app". A word may be put in double quotes to hold spaces, and
 * a backslash takes the next character literally (so \" and \\), which is
 * how `toro run` passes arbitrary arguments. A "virtio_mmio.device=" word
 * is an option wherever it is: the VMM appends those after everything.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#define CMDLINE_MAX_OPTIONS	64
#define CMDLINE_MAX_ARGS	64

struct cmdline {
	unsigned noptions;
	char *key[CMDLINE_MAX_OPTIONS];
	char *value[CMDLINE_MAX_OPTIONS];	/* NULL for a bare flag */
	int argc;
	char *argv[CMDLINE_MAX_ARGS + 2];	/* NULL-terminated */
	unsigned dropped;			/* words that did not fit */
};

/*
 * Splits (buf) in place into (cl). Returns 0, or -E2BIG when there were more
 * options or arguments than fit (the rest is dropped and counted).
 */
int cmdline_parse(char *buf, struct cmdline *cl);

/* Value of option (key) in (cl): "" for a flag, NULL when absent. The last
 * occurrence wins, as later options override earlier ones. */
const char *cmdline_get(const struct cmdline *cl, const char *key);

/* The boot command line, parsed once by kernel_start(). */
extern struct cmdline kernel_cmdline;

/* Shorthands on kernel_cmdline. kopt_u64 returns (def) when the option is
 * absent or not a number. */
const char *kopt(const char *key);
bool kopt_flag(const char *key);
uint64_t kopt_u64(const char *key, uint64_t def);

#endif /* KERNEL_CMDLINE_H */

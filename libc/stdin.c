// SPDX-License-Identifier: MIT
/*
 * stdin (replaces musl's stdio/stdin.c): the same FILE on descriptor 0,
 * which also names console_input_read(), so that a program reading its
 * standard input through the C library links the console's input
 * (kernel/console_input.c) and reads what the host sends; in a program
 * that never does, descriptor 0 stays at end-of-file, and the UART code
 * is not linked.
 */
#include "stdio_impl.h"

#include <kernel/console.h>

#undef stdin

static long (*const wants_input)(void *, size_t, bool)
	__attribute__((used)) = console_input_read;

static unsigned char buf[BUFSIZ + UNGET];

hidden FILE __stdin_FILE = {
	.buf = buf + UNGET,
	.buf_size = sizeof(buf) - UNGET,
	.fd = 0,
	.flags = F_PERM | F_NOWR,
	.read = __stdio_read,
	.seek = __stdio_seek,
	.close = __stdio_close,
	.lock = -1,
};
FILE *const stdin = &__stdin_FILE;
FILE *volatile __stdin_used = &__stdin_FILE;

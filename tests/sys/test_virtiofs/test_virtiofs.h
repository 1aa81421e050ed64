/* SPDX-License-Identifier: MIT */
/* Shared by the files of test_virtiofs (see main.c). */
#ifndef TEST_VIRTIOFS_H
#define TEST_VIRTIOFS_H

#include <stdbool.h>
#include <stddef.h>

#include "sha256.h"

extern int failures;

/* Prints "FAIL what: why (v, errno N)" and counts it. */
void fail(const char *what, const char *why, long v);
/* Creates or rewrites (path) (open flags | O_WRONLY | O_CREAT). */
int write_file(const char *path, const void *data, size_t len, int flags);
long read_file(const char *path, void *buf, size_t size);

/* big.c */
bool sha256_selftest(void);
void big_files(void);
void threads(void);
void dead_daemon(void);

/* links.c */
void links(void);

#endif /* TEST_VIRTIOFS_H */

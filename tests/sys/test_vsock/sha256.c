// SPDX-License-Identifier: MIT
/* The SHA-256 of the virtio-fs test, shared rather than copied. */
#include "../test_virtiofs/sha256.c"

/* SPDX-License-Identifier: MIT */
/*
 * Kernel messages. kprintf() prints unconditionally; log_*() print when the
 * level is enabled ("toro.log=debug|info|warn|error" kernel option; warnings
 * and errors by default, so a healthy boot prints nothing of its own).
 */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <stdarg.h>

#include <kernel/compiler.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

int kprintf(const char *fmt, ...) __printf(1, 2);
int vkprintf(const char *fmt, va_list ap);
/* snprintf() for the kernel (no floating point): what it would have
 * written, of which (size) - 1 bytes and a NUL land in (buf). */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

void log_printf(enum log_level level, const char *fmt, ...) __printf(2, 3);
void log_set_level(enum log_level level);
extern enum log_level log_level;

#define log_error(...)	log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)	log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_printf(LOG_DEBUG, __VA_ARGS__)

#endif /* KERNEL_LOG_H */

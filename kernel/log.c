// SPDX-License-Identifier: MIT
/* Kernel printf and leveled messages on the console (no floating point). */
#include <kernel/console.h>
#include <kernel/format.h>
#include <kernel/log.h>

enum log_level log_level = LOG_WARN;

static void console_put(struct fmt_sink *sink, const char *s, size_t n)
{
	(void)sink;
	console_write(s, n);
}

int vkprintf(const char *fmt, va_list ap)
{
	struct fmt_sink sink = { console_put };

	return vformat(&sink, fmt, ap);
}

/* ksnprintf(): into a buffer, cut short (always terminated) when full. */
struct buf_sink {
	struct fmt_sink sink;
	char *buf;
	size_t cap, len;
};

static void buf_put(struct fmt_sink *sink, const char *s, size_t n)
{
	struct buf_sink *b = (struct buf_sink *)sink;

	for (size_t i = 0; i < n; i++, b->len++)
		if (b->len + 1 < b->cap)
			b->buf[b->len] = s[i];
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	struct buf_sink b = { { buf_put }, buf, size, 0 };
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vformat(&b.sink, fmt, ap);
	va_end(ap);
	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return rc;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vkprintf(fmt, ap);

	va_end(ap);
	return n;
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[LOG_ERROR] = "toro: error: ",
		[LOG_WARN] = "toro: warning: ",
		[LOG_INFO] = "toro: ",
		[LOG_DEBUG] = "toro: debug: ",
	};
	va_list ap;

	if (level > log_level)
		return;
	kprintf("%s", prefix[level]);
	va_start(ap, fmt);
	vkprintf(fmt, ap);
	va_end(ap);
}

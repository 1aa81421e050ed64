// SPDX-License-Identifier: MIT
/*
 * The web server example's request parser (examples/webserver/
 * http_parse.c) on what a client sends, as conn.c hands it over: empty
 * lines skipped, at most WEB_HEAD_MAX bytes, cut where web_head_end()
 * says the head ends, parsed in place in a buffer of exactly that length.
 * An accepted request must have its target inside the head.
 */
#include <string.h>

#include "../../examples/webserver/web.h"
#include "fuzz.h"

/* web_head_end() as its contract says, a byte at a time: the harness
 * holds the word-at-a-time search to it. */
static long head_end_bytewise(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i == 0 || buf[i - 1] != '\r')
			return -1;
		if (i >= 3 && buf[i - 2] == '\n' && buf[i - 3] == '\r')
			return (long)(i + 1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct web_request req;

	while (size >= 2 && in[0] == '\r' && in[1] == '\n') {
		in += 2;
		size -= 2;
	}
	if (size > WEB_HEAD_MAX)
		size = WEB_HEAD_MAX;
	long end = web_head_end(in, size);

	FUZZ_CHECK(end >= -1 && end <= (long)size);
	FUZZ_CHECK(end == head_end_bytewise(in, size));
	if (end <= 0)
		return 0;
	char *head = malloc(end);

	memcpy(head, in, end);
	int status = web_parse(head, end, &req);

	FUZZ_CHECK(status == 0 || status == 400 || status == 414 ||
		   status == 505);
	/* A NUL has no place in a request (RFC 9110, 5.5): parsed in
	 * place, it would cut what follows it out of sight. */
	if (memchr(in, '\0', end))
		FUZZ_CHECK(status != 0);
	if (status == 0) {
		FUZZ_CHECK(fuzz_inside(req.target, strlen(req.target) + 1,
				       head, end));
		FUZZ_CHECK(req.body_len >= 0);
		FUZZ_CHECK(req.method == WEB_GET || req.method == WEB_HEAD ||
			   req.method == WEB_OTHER);
	}
	free(head);
	return 0;
}

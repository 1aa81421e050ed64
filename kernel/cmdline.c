// SPDX-License-Identifier: MIT
/* Kernel command-line parsing: options before "--", argv after it. */
#include <errno.h>
#include <string.h>

#include <kernel/cmdline.h>
#include <kernel/strtox.h>

struct cmdline kernel_cmdline;

#define VMM_OPTION_PREFIX "virtio_mmio.device="

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Cuts the next word out of (*pos), removing quotes and escapes in place.
 * Returns NULL at the end. */
static char *next_word(char **pos)
{
	char *s = *pos, *out, *word;
	bool quoted = false;

	while (is_space(*s))
		s++;
	if (!*s) {
		*pos = s;
		return NULL;
	}
	word = out = s;
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			*out++ = *++s;
		} else if (*s == '"') {
			quoted = !quoted;
		} else if (is_space(*s) && !quoted) {
			s++;
			break;
		} else {
			*out++ = *s;
		}
	}
	/* The terminator may overwrite the separator just consumed: the
	 * output never runs ahead of the input. */
	*pos = s;
	*out = '\0';
	return word;
}

int cmdline_parse(char *buf, struct cmdline *cl)
{
	char *pos = buf, *w;
	bool in_args = false;

	memset(cl, 0, sizeof(*cl));
	while ((w = next_word(&pos))) {
		if (!in_args && strcmp(w, "--") == 0) {
			in_args = true;
			continue;
		}
		/* The VMM appends its device list to whatever the user gave
		 * (QEMU microvm, Firecracker), so after the arguments too. */
		if (in_args && strncmp(w, VMM_OPTION_PREFIX,
				       strlen(VMM_OPTION_PREFIX)) != 0) {
			if (cl->argc < CMDLINE_MAX_ARGS)
				cl->argv[1 + cl->argc++] = w;
			else
				cl->dropped++;
			continue;
		}
		if (cl->noptions == CMDLINE_MAX_OPTIONS) {
			cl->dropped++;
			continue;
		}
		char *eq = strchr(w, '=');

		cl->key[cl->noptions] = w;
		cl->value[cl->noptions] = eq ? eq + 1 : NULL;
		if (eq)
			*eq = '\0';
		cl->noptions++;
	}
	const char *name = cmdline_get(cl, "toro.name");

	cl->argv[0] = (char *)(name && *name ? name : "app");
	cl->argc++;
	cl->argv[cl->argc] = NULL;
	return cl->dropped ? -E2BIG : 0;
}

const char *cmdline_get(const struct cmdline *cl, const char *key)
{
	for (unsigned i = cl->noptions; i-- > 0;)
		if (strcmp(cl->key[i], key) == 0)
			return cl->value[i] ? cl->value[i] : "";
	return NULL;
}

const char *kopt(const char *key)
{
	return cmdline_get(&kernel_cmdline, key);
}

bool kopt_flag(const char *key)
{
	const char *v = kopt(key);

	return v && strcmp(v, "0") != 0 && strcmp(v, "off") != 0 &&
	       strcmp(v, "no") != 0;
}

uint64_t kopt_u64(const char *key, uint64_t def)
{
	const char *v = kopt(key);
	char *end;

	if (!v || !*v)
		return def;
	bool over;
	uint64_t n = kstrtou64(v, &end, 0, &over);

	return *end || end == v || over ? def : n;
}

/* SPDX-License-Identifier: MIT */
/*
 * config.c - `.hook-run.ini` files, read with inih (see config.h).
 *
 * inih parses; hr_policy_set() validates every value. inih is fed through a
 * line reader of ours, which knows the current line number (for messages
 * like ".hook-run.ini:7: fix-mode: 'fast' is not one of safe, all"), stops at
 * the first error, and refuses lines longer than inih's 200-byte buffer
 * instead of letting them be cut silently. A list key (paths, exclude,
 * exclude-suffixes, vendored, frontends) replaces the defaults the first
 * time a file sets it and adds to them after that, so long lists can be
 * split over several lines; set empty, it drops the defaults.
 */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook-run/config.h"
#include "hook-run/fileio.h"
#include "hook-run/serve.h"

#define INI_LINE_MAX 199 /* INI_MAX_LINE - 1 in Debian's inih */

typedef struct load_ctx {
	hr_policy *policy;
	hr_serve_config *serve; /* where [serve] goes (a scratch copy when the caller has none) */
	const char *name;
	const char *data;
	size_t len;
	size_t pos;
	unsigned line;
	int error;          /* first error code */
	char msg[512];      /* its message, without the "name:line: " prefix */
	unsigned error_line;
	bool seen_list[5];  /* the list keys (list_keys[]) already set by this file */
} load_ctx;

static char *reader(char *str, int num, void *stream)
{
	load_ctx *c = stream;
	if (c->error || c->pos >= c->len)
		return NULL;
	const char *start = c->data + c->pos;
	const char *nl = memchr(start, '\n', c->len - c->pos);
	size_t n = nl ? (size_t)(nl - start) + 1 : c->len - c->pos;
	c->line++;
	if (n > (size_t)num - 1 || n - (nl ? 1 : 0) > INI_LINE_MAX) {
		c->error = HR_EINVALID;
		c->error_line = c->line;
		snprintf(c->msg, sizeof(c->msg),
			"line longer than %d characters: split the value over several lines "
			"(indented continuation lines or the same key again)", INI_LINE_MAX);
		return NULL;
	}
	if (memchr(start, '\0', n)) {
		c->error = HR_EINVALID;
		c->error_line = c->line;
		snprintf(c->msg, sizeof(c->msg), "NUL byte in the file: not a text configuration");
		return NULL;
	}
	memcpy(str, start, n);
	str[n] = '\0';
	c->pos += n;
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	load_ctx *c = user;
	char err[400] = "";
	int list = -1;

	if (c->error)
		return 0;
	if (!strcmp(section, "serve")) {
		/* the daemon's section: checked wherever it appears, used by who asks */
		int src = hr_serve_config_set(c->serve, name, value, err, sizeof(err));
		if (src != 0) {
			c->error = src == HR_ENOMEM ? HR_ENOMEM : HR_EINVALID;
			c->error_line = c->line;
			snprintf(c->msg, sizeof(c->msg), "%s", err[0] ? err : hr_error_str(src));
			return 0;
		}
		return 1;
	}
	static const char *const list_keys[] = {
		"paths", "exclude", "exclude-suffixes", "vendored", "frontends",
	};
	if (!strcmp(section, "hook-run"))
		for (int i = 0; i < (int)(sizeof(list_keys) / sizeof(list_keys[0])); i++)
			if (!strcmp(name, list_keys[i]))
				list = i;
	/* a list key set again (or continued) in the same file adds to it */
	int rc = (list >= 0 && c->seen_list[list])
		? hr_policy_append(c->policy, section, name, value, err, sizeof(err))
		: hr_policy_set(c->policy, section, name, value, err, sizeof(err));
	if (rc == 0 && list >= 0)
		c->seen_list[list] = true;
	if (rc != 0) {
		c->error = rc == HR_ENOMEM ? HR_ENOMEM : HR_EINVALID;
		c->error_line = c->line;
		snprintf(c->msg, sizeof(c->msg), "%s", err[0] ? err : hr_error_str(rc));
		return 0;
	}
	return 1;
}

int hr_config_load_buffer(hr_policy *p, const char *data, size_t len, const char *name,
	char *err, size_t errlen)
{
	return hr_config_load_buffer_serve(p, NULL, data, len, name, err, errlen);
}

int hr_config_load_buffer_serve(hr_policy *p, hr_serve_config *serve, const char *data, size_t len,
	const char *name, char *err, size_t errlen)
{
	load_ctx c;
	hr_serve_config scratch;
	memset(&c, 0, sizeof(c));
	hr_serve_config_init(&scratch);
	c.serve = serve ? serve : &scratch;
	c.policy = p;
	c.name = name;
	c.data = data;
	c.len = len;

	int line = ini_parse_stream(reader, &c, handler, &c);
	hr_serve_config_free(&scratch);
	if (c.error) {
		snprintf(err, errlen, "%s:%u: %s", name, c.error_line, c.msg);
		return c.error;
	}
	if (line > 0) {
		snprintf(err, errlen, "%s:%d: syntax error: expected '[section]', 'key = value' or a "
			"comment starting with ';' or '#'", name, line);
		return HR_EINVALID;
	}
	if (line < 0) {
		snprintf(err, errlen, "%s: cannot read: out of memory", name);
		return HR_ENOMEM;
	}
	return 0;
}

int hr_config_load_file(hr_policy *p, const char *path, char *err, size_t errlen)
{
	return hr_config_load_file_serve(p, NULL, path, NULL, NULL, err, errlen);
}

int hr_config_load_file_serve(hr_policy *p, hr_serve_config *serve, const char *path,
	char **bytes, size_t *nbytes, char *err, size_t errlen)
{
	char *data;
	size_t len;
	char ferr[512];
	int rc = hr_file_read(&data, &len, path, 1024 * 1024, ferr, sizeof(ferr));
	if (rc < 0) {
		snprintf(err, errlen, "%s", ferr);
		return rc;
	}
	rc = hr_config_load_buffer_serve(p, serve, data, len, path, err, errlen);
	if (rc == 0 && bytes) {
		*bytes = data;
		*nbytes = len;
	} else {
		free(data);
	}
	return rc;
}

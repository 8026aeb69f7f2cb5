/* SPDX-License-Identifier: MIT */
/*
 * config.c - the [serve] section (see serve.h): where the daemon listens,
 * how the hooks use it, and its limits. One value at a time, as the ini
 * loader hands them out; a bad value is an error the loader reports with
 * FILE:LINE, so a typo never leaves a default silently in force.
 */
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hook-run/serve.h"

void hr_serve_config_init(hr_serve_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = HR_DAEMON_AUTO;
	c->connect_timeout = 0.5;
	c->workers = 4;
	c->max_requests = 1000;
	c->worker_memory = (size_t)512 << 20;
	c->memory = (size_t)2 << 30;
	c->queue = 64;
	c->per_repo = 4;
	c->cache_size = (size_t)256 << 20;
	c->quarantine_secs = 600;
	c->request_secs = 10;
}

void hr_serve_config_free(hr_serve_config *c)
{
	free(c->socket);
	for (size_t i = 0; i < c->nroots; i++)
		free(c->roots[i]);
	free(c->cache);
	free(c->audit_log);
	free(c->metrics);
	memset(c, 0, sizeof(*c));
}

static bool parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;
	if (!*v || *v == '-')
		return false;
	unsigned long n = strtoul(v, &end, 10);
	if (*end || n > max)
		return false;
	*out = n;
	return true;
}

/* "512M", "2G", "4096": bytes */
static bool parse_size(const char *v, size_t *out)
{
	char *end;
	if (!*v || *v == '-')
		return false;
	unsigned long long n = strtoull(v, &end, 10);
	unsigned shift = 0;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || end == v || n > (SIZE_MAX >> shift))
		return false;
	*out = (size_t)(n << shift);
	return true;
}

static bool parse_uid(const char *v, uid_t *out)
{
	unsigned long n;
	if (parse_uint(v, UINT_MAX - 1, &n)) {
		*out = (uid_t)n;
		return true;
	}
	struct passwd *pw = getpwnam(v);
	if (!pw)
		return false;
	*out = pw->pw_uid;
	return true;
}

static int replace_str(char **slot, const char *v)
{
	char *copy = *v ? strdup(v) : NULL;
	if (*v && !copy)
		return HR_ENOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

int hr_serve_config_set(hr_serve_config *c, const char *key, const char *value,
	char *err, size_t errlen)
{
	unsigned long n;
	if (!strcmp(key, "socket")) {
		if (*value && value[0] != '/') {
			snprintf(err, errlen, "socket: '%s' is not an absolute path", value);
			return HR_EINVALID;
		}
		return replace_str(&c->socket, value);
	}
	if (!strcmp(key, "daemon")) {
		if (!strcmp(value, "auto"))
			c->mode = HR_DAEMON_AUTO;
		else if (!strcmp(value, "require"))
			c->mode = HR_DAEMON_REQUIRE;
		else if (!strcmp(value, "off"))
			c->mode = HR_DAEMON_OFF;
		else {
			snprintf(err, errlen, "daemon: '%s' is not auto, require or off", value);
			return HR_EINVALID;
		}
		return 0;
	}
	if (!strcmp(key, "connect-timeout")) {
		char *end;
		double d = strtod(value, &end);
		if (end == value || *end || !(d > 0) || d > 60) {
			snprintf(err, errlen, "connect-timeout: '%s' is not a number of seconds (0 to 60)", value);
			return HR_EINVALID;
		}
		c->connect_timeout = d;
		return 0;
	}
	if (!strcmp(key, "roots")) {
		/* a list: space- or comma-separated absolute directories; set again, it adds */
		const char *p = value;
		while (*p) {
			while (*p == ' ' || *p == ',' || *p == '\t')
				p++;
			size_t len = strcspn(p, " ,\t");
			if (!len)
				break;
			if (p[0] != '/') {
				snprintf(err, errlen, "roots: '%.*s' is not an absolute path", (int)len, p);
				return HR_EINVALID;
			}
			if (c->nroots == HR_SERVE_MAX_ROOTS) {
				snprintf(err, errlen, "roots: more than %d directories", HR_SERVE_MAX_ROOTS);
				return HR_EINVALID;
			}
			if (!(c->roots[c->nroots] = strndup(p, len)))
				return HR_ENOMEM;
			c->nroots++;
			p += len;
		}
		return 0;
	}
	if (!strcmp(key, "allow-users") || !strcmp(key, "daemon-user")) {
		bool daemon = key[0] == 'd';
		const char *p = value;
		while (*p) {
			char word[128];
			while (*p == ' ' || *p == ',' || *p == '\t')
				p++;
			size_t len = strcspn(p, " ,\t");
			if (!len)
				break;
			uid_t uid;
			snprintf(word, sizeof(word), "%.*s", (int)len, p);
			if (len >= sizeof(word) || !parse_uid(word, &uid)) {
				snprintf(err, errlen, "%s: '%s' is not a user name or id", key, word);
				return HR_EINVALID;
			}
			if (daemon) {
				c->daemon_uid = uid;
				c->have_daemon_uid = true;
			} else {
				if (c->nallow == HR_SERVE_MAX_UIDS) {
					snprintf(err, errlen, "%s: more than %d users", key, HR_SERVE_MAX_UIDS);
					return HR_EINVALID;
				}
				c->allow_uids[c->nallow++] = uid;
			}
			p += len;
		}
		return 0;
	}
	struct { const char *key; unsigned *slot; unsigned long min, max; } nums[] = {
		{ "workers", &c->workers, 1, 256 },
		{ "max-requests", &c->max_requests, 1, 100000000 },
		{ "queue", &c->queue, 0, 100000 },
		{ "per-repository", &c->per_repo, 1, 100000 },
		{ "quarantine", &c->quarantine_secs, 0, 86400 * 30 },
		{ "request-timeout", &c->request_secs, 1, 3600 },
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		if (strcmp(key, nums[i].key))
			continue;
		if (!parse_uint(value, nums[i].max, &n) || n < nums[i].min) {
			snprintf(err, errlen, "%s: '%s' is not a number from %lu to %lu", key, value,
				nums[i].min, nums[i].max);
			return HR_EINVALID;
		}
		*nums[i].slot = (unsigned)n;
		return 0;
	}
	struct { const char *key; size_t *slot; size_t min; } sizes[] = {
		{ "worker-memory", &c->worker_memory, (size_t)16 << 20 },
		{ "memory", &c->memory, (size_t)32 << 20 },
		{ "cache-size", &c->cache_size, (size_t)1 << 20 },
	};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (strcmp(key, sizes[i].key))
			continue;
		if (!parse_size(value, sizes[i].slot) || *sizes[i].slot < sizes[i].min) {
			snprintf(err, errlen, "%s: '%s' is not a size of at least %zuM (e.g. 512M, 2G)", key,
				value, sizes[i].min >> 20);
			return HR_EINVALID;
		}
		return 0;
	}
	if (!strcmp(key, "cache") || !strcmp(key, "audit-log") || !strcmp(key, "metrics-file")) {
		char **slot = key[0] == 'c' ? &c->cache : key[0] == 'a' ? &c->audit_log : &c->metrics;
		if (*value && value[0] != '/') {
			snprintf(err, errlen, "%s: '%s' is not an absolute path", key, value);
			return HR_EINVALID;
		}
		return replace_str(slot, value);
	}
	if (!strcmp(key, "audit-log-full")) {
		if (!strcmp(value, "reject"))
			c->audit_full = HR_AUDIT_FULL_REJECT;
		else if (!strcmp(value, "accept"))
			c->audit_full = HR_AUDIT_FULL_ACCEPT;
		else {
			snprintf(err, errlen, "audit-log-full: '%s' is not reject or accept", value);
			return HR_EINVALID;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown key '%s' in [serve]", key);
	return HR_EINVALID;
}

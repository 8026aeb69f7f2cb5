/* SPDX-License-Identifier: MIT */
/*
 * serverenv.c - the server hook's surroundings (see engine_internal.h):
 * which platform runs it, who pushed, the push options, and the log line,
 * all read from the hook's environment value (env.h), never getenv().
 *
 * Each platform names the pusher and the repository in its own variables;
 * they are read in a fixed order so that a hook run by GitLab on a host
 * where USER is `git` still logs the GitLab user. The log is one line per
 * event, written whole with one write(2) on an O_APPEND descriptor (POSIX
 * makes the seek to the end and the write one step for regular files, so
 * lines of concurrent pushes never mix), or handed to syslog(3).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine_internal.h"

#ifndef _PATH_LOG
#define _PATH_LOG "/dev/log"
#endif


static char *join3(const char *a, const char *sep, const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
	char *s = malloc(la + ls + lb + 1);
	if (!s)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, sep, ls);
	memcpy(s + la + ls, b, lb + 1);
	return s;
}

int hr_server_env_read(hr_server_env *out, const hr_env *e, uid_t uid, const char *gitdir)
{
	static const char *const pushers[] = {
		"GL_USERNAME", "GITEA_PUSHER_NAME", "GITHUB_USER_LOGIN", "GL_USER", "USER", "LOGNAME",
	};

	memset(out, 0, sizeof(*out));
	out->gitlab = hr_env_value(e, "GL_ID") != NULL;
	for (size_t i = 0; i < sizeof(pushers) / sizeof(pushers[0]) && !out->pusher; i++) {
		if ((out->pusher = hr_env_value(e, pushers[i])))
			out->pusher_from = pushers[i];
	}
	if (!out->pusher) {
		snprintf(out->pusher_buf, sizeof(out->pusher_buf), "uid-%lu", (unsigned long)uid);
		out->pusher = out->pusher_buf;
		out->pusher_from = "uid";
	}

	if (hr_env_value(e, "GL_PROJECT_PATH")) {
		out->repository = strdup(hr_env_value(e, "GL_PROJECT_PATH"));
	} else if (hr_env_value(e, "GITEA_REPO_NAME")) {
		out->repository = hr_env_value(e, "GITEA_REPO_USER_NAME")
			? join3(hr_env_value(e, "GITEA_REPO_USER_NAME"), "/", hr_env_value(e, "GITEA_REPO_NAME"))
			: strdup(hr_env_value(e, "GITEA_REPO_NAME"));
	} else if (hr_env_value(e, "GITHUB_REPO_NAME")) {
		out->repository = strdup(hr_env_value(e, "GITHUB_REPO_NAME"));
	} else {
		size_t n = strlen(gitdir);
		while (n > 1 && gitdir[n - 1] == '/')
			n--;
		out->repository = strndup(gitdir, n);
	}
	if (!out->repository)
		return HR_ENOMEM;

	/* the client's address: GitHub says it; over ssh, SSH_CONNECTION's first field */
	const char *ssh = hr_env_value(e, "SSH_CONNECTION") ? hr_env_value(e, "SSH_CONNECTION") : hr_env_value(e, "SSH_CLIENT");
	if (hr_env_value(e, "GITHUB_USER_IP")) {
		out->from = hr_env_value(e, "GITHUB_USER_IP");
	} else if (ssh) {
		size_t n = strcspn(ssh, " ");
		if (n && n < sizeof(out->from_buf)) {
			memcpy(out->from_buf, ssh, n);
			out->from_buf[n] = '\0';
			out->from = out->from_buf;
		}
	}
	out->gl_repository = hr_env_value(e, "GL_REPOSITORY");
	out->protocol = hr_env_value(e, "GL_PROTOCOL");
	out->github_via = hr_env_value(e, "GITHUB_VIA");
	return 0;
}

void hr_server_env_free(hr_server_env *e)
{
	free(e->repository);
	e->repository = NULL;
}

bool hr_server_skip_requested(const hr_env *e, const char **reason)
{
	const char *count = hr_env_value(e, "GIT_PUSH_OPTION_COUNT");
	bool requested = false;
	char name[48];

	*reason = NULL;
	if (!count)
		return false;
	char *end;
	unsigned long n = strtoul(count, &end, 10);
	if (*end || n > 10000)
		return false;
	for (unsigned long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "GIT_PUSH_OPTION_%lu", i);
		const char *opt = hr_env_get(e, name);
		if (!opt)
			continue;
		if (!strcmp(opt, "hook-run.skip")) {
			requested = true;
			*reason = NULL;
		} else if (!strncmp(opt, "hook-run.skip=", 14)) {
			requested = true;
			*reason = opt[14] ? opt + 14 : NULL;
		}
	}
	return requested;
}

/* append raw text, truncating at the buffer's end */
static void append(char *buf, size_t cap, const char *text)
{
	size_t len = strlen(buf), n = strlen(text);
	if (len + 1 >= cap)
		return;
	if (n > cap - len - 1)
		n = cap - len - 1;
	memcpy(buf + len, text, n);
	buf[len + n] = '\0';
}

void hr_server_log_value(char *buf, size_t cap, const char *value)
{
	bool quote = !*value;
	for (const unsigned char *p = (const unsigned char *)value; *p && !quote; p++)
		quote = *p <= ' ' || *p == '"' || *p == '\\' || *p == '=' || *p == 0x7f;
	if (!quote) {
		append(buf, cap, value);
		return;
	}
	append(buf, cap, "\"");
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		char esc[8];
		if (*p == '"' || *p == '\\')
			snprintf(esc, sizeof(esc), "\\%c", *p);
		else if (*p < ' ' || *p == 0x7f)
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
		else
			snprintf(esc, sizeof(esc), "%c", *p);
		append(buf, cap, esc);
	}
	append(buf, cap, "\"");
}

/* ` key=value`, the value quoted if needed; nothing when value is NULL */
static void field(char *buf, size_t cap, const char *key, const char *value)
{
	if (!value)
		return;
	append(buf, cap, " ");
	append(buf, cap, key);
	append(buf, cap, "=");
	hr_server_log_value(buf, cap, value);
}

/* the ref names, comma-separated; a long list is cut with a count of the rest */
static void refs_field(char *buf, size_t cap, const hr_ref_update *updates, size_t n)
{
	char refs[2048] = "";
	size_t shown = 0;
	for (; shown < n; shown++) {
		size_t len = strlen(refs), rlen = strlen(updates[shown].ref);
		if (len + rlen + 2 > sizeof(refs) - 32)
			break;
		if (shown)
			append(refs, sizeof(refs), ",");
		append(refs, sizeof(refs), updates[shown].ref);
	}
	if (shown < n) {
		char more[32];
		snprintf(more, sizeof(more), ",...(%zu more)", n - shown);
		append(refs, sizeof(refs), more);
	}
	field(buf, cap, "refs", refs);
}

int hr_server_log(const hr_policy *policy, const char *gitdir, const hr_server_env *env_info,
	const char *event, const hr_ref_update *updates, size_t nupdates, const char *detail,
	bool must_persist, char *err, size_t errlen)
{
	char line[4096] = "";
	append(line, sizeof(line), event);
	field(line, sizeof(line), "repository", env_info->repository);
	field(line, sizeof(line), "gl_repository", env_info->gl_repository);
	field(line, sizeof(line), "pusher", env_info->pusher);
	field(line, sizeof(line), "pusher_from", env_info->pusher_from);
	field(line, sizeof(line), "from", env_info->from);
	field(line, sizeof(line), "protocol", env_info->protocol);
	field(line, sizeof(line), "github_via", env_info->github_via);
	refs_field(line, sizeof(line), updates, nupdates);
	if (detail) {
		append(line, sizeof(line), " ");
		append(line, sizeof(line), detail);
	}

	if (!policy->log_file) {
		struct stat st;
		if (must_persist && (stat(_PATH_LOG, &st) != 0 || !S_ISSOCK(st.st_mode))) {
			snprintf(err, errlen, "no syslog socket at %s and no [pre-receive] log-file", _PATH_LOG);
			return -1;
		}
		openlog("hook-run", LOG_PID, LOG_USER);
		syslog(!strcmp(event, "bypass") || !strncmp(event, "timeout", 7) ? LOG_WARNING : LOG_NOTICE,
			"%s", line);
		closelog();
		return 0;
	}

	char stamp[32], path[4096], *whole = NULL;
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
	const char *file = policy->log_file;
	if (file[0] != '/') {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", gitdir, file) >= sizeof(path)) {
			snprintf(err, errlen, "cannot write the log '%s': path too long", file);
			return -1;
		}
		file = path;
	}
	size_t slen = strlen(stamp), llen = strlen(line);
	if (!(whole = malloc(slen + 1 + llen + 2))) {
		snprintf(err, errlen, "cannot write the log '%s': out of memory", file);
		return -1;
	}
	memcpy(whole, stamp, slen);
	whole[slen] = ' ';
	memcpy(whole + slen + 1, line, llen);
	whole[slen + 1 + llen] = '\n';
	size_t total = slen + llen + 2;

	int rc = 0, fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write the log '%s': %s", file, strerror(errno));
		rc = -1;
		goto out;
	}
	ssize_t w = write(fd, whole, total);
	if (w != (ssize_t)total) {
		snprintf(err, errlen, "cannot write the log '%s': %s", file,
			w < 0 ? strerror(errno) : "short write");
		rc = -1;
	}
	if (close(fd) != 0 && rc == 0) {
		snprintf(err, errlen, "cannot write the log '%s': %s", file, strerror(errno));
		rc = -1;
	}
out:
	free(whole);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * engine_internal.h - what the engine's files share.
 *
 * The server hook's surroundings (serverenv.c): what a server-side hook knows about where it runs: the
 * platform (GitLab, Gitea/Forgejo, GitHub Enterprise Server, gitolite or
 * plain git over ssh) from the variables each sets, who pushed, the
 * repository's name, the push options git passed on, and the log of
 * bypasses, rejections and timeouts (syslog, or a file appended to).
 *
 * Nothing here decides anything: prereceive.c does.
 */
#ifndef HOOK_RUN_ENGINE_INTERNAL_H
#define HOOK_RUN_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/types.h>

#include "hook-run/engine.h"
#include "hook-run/env.h"
#include "hook-run/git.h"
#include "hook-run/policy.h"

/* The prefix GitLab's web interface looks for on a hook's output lines. */
#define HR_GITLAB_ERROR_PREFIX "GL-HOOK-ERR: "

typedef struct hr_server_env {
	bool gitlab;               /* GL_ID is set: GitLab (Gitaly) runs the hook */
	const char *pusher;        /* who pushed; "uid-N" when no variable says */
	const char *pusher_from;   /* the variable it came from ("GL_USERNAME", "USER", "uid") */
	char *repository;          /* the platform's name for it, else the git directory (malloc'd) */
	const char *from;          /* the client's address (GITHUB_USER_IP, SSH_CONNECTION), or NULL */
	const char *gl_repository; /* GitLab: GL_REPOSITORY ("project-42"), or NULL */
	const char *protocol;      /* GitLab: GL_PROTOCOL (ssh, http, web), or NULL */
	const char *github_via;    /* GitHub Enterprise: GITHUB_VIA (web edits, merges), or NULL */
	char from_buf[64];         /* storage for `from` taken out of SSH_CONNECTION */
	char pusher_buf[32];       /* storage for "uid-N" */
} hr_server_env;

/*
 * Read the environment. The pusher is the first set of GL_USERNAME
 * (GitLab), GITEA_PUSHER_NAME (Gitea, Forgejo), GITHUB_USER_LOGIN (GitHub
 * Enterprise Server), GL_USER (gitolite), USER, LOGNAME, else the process's
 * user id. The repository is
 * GL_PROJECT_PATH, GITEA_REPO_USER_NAME/GITEA_REPO_NAME, GITHUB_REPO_NAME,
 * else `gitdir` without its trailing '/'. `uid` is the pusher's process
 * user (the hook's; a daemon's client's). Returns 0 or HR_ENOMEM.
 */
int hr_server_env_read(hr_server_env *out, const hr_env *env, uid_t uid, const char *gitdir);
void hr_server_env_free(hr_server_env *env);

/*
 * Did the pusher send `git push -o hook-run.skip` (or hook-run.skip=REASON)?
 * Reads GIT_PUSH_OPTION_COUNT and GIT_PUSH_OPTION_<n>, which git sets only
 * when the repository advertises push options. *reason is the text after
 * '=' or NULL. The last such option counts.
 */
bool hr_server_skip_requested(const hr_env *env, const char **reason);

/*
 * Log one event ("bypass", "reject", ...) as one line: to `policy->log_file`
 * (relative to `gitdir` unless absolute), opened with O_APPEND and written
 * with a single write(2) so that concurrent pushes never interleave, or to
 * syslog(3) (facility user, ident hook-run) when no file is configured.
 *
 *   2025-01-31T12:00:00Z bypass repository=group/app pusher=alice
 *       pusher_from=GL_USERNAME refs=refs/heads/main reason="hotfix"
 *
 * (one line; the time only in the file: syslog stamps its own). Values
 * holding a space, a quote, a backslash, '=' or a control character are
 * quoted with C-style escapes, so a line always parses back. `detail` is
 * appended as it is (key=value pairs the caller built, or NULL). Returns 0,
 * or -1 with a message in `err` when the file cannot be written. syslog(3)
 * reports no failure; with `must_persist` (a bypass, allowed only once it
 * is on record) a missing syslog socket (/dev/log: a container, GitHub
 * Enterprise's hook chroot) is an error too.
 */
int hr_server_log(const hr_policy *policy, const char *gitdir, const hr_server_env *env,
	const char *event, const hr_ref_update *updates, size_t nupdates, const char *detail,
	bool must_persist, char *err, size_t errlen);

/* Append `value` to `buf` (NUL-terminated, `cap` bytes), quoted if needed. */
void hr_server_log_value(char *buf, size_t cap, const char *value);

/* ---- the verdict cache, as the judge uses it (cache.c) ---- */

/*
 * The record of `blob` judged clean under the cache's scope, copied into
 * `out` (at most `cap` bytes): the build context's answers the check
 * depended on (judge.c). Returns its length, or -1 when there is none.
 */
long hr_cache_blob_get(hr_cache *cache, const hr_oid *blob, unsigned char *out, size_t cap);

/** Record `blob` as clean with `record`; a failure to write is counted, never an error. */
void hr_cache_blob_put(hr_cache *cache, const hr_oid *blob, const unsigned char *record, size_t len);

/* Count a lookup: a hit (a record that held) or a miss. */
void hr_cache_count(hr_cache *cache, bool hit);

#endif

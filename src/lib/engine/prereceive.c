/* SPDX-License-Identifier: MIT */
/*
 * prereceive.c - the server-side gate, as the engine runs it (engine.h).
 *
 * git runs the hook with the pushed objects in a quarantine directory
 * (visible through GIT_OBJECT_DIRECTORY / GIT_QUARANTINE_PATH, which
 * hr_repo_open_env adds) and the ref updates on standard input. Every line
 * is parsed before anything is judged; one malformed line rejects the push.
 * hr_walk() then hands out what the push adds (scope commits: every new
 * commit; tips: the final trees) and each distinct blob is checked once.
 *
 * The policy is the server's, from the request's policy source (the CLI:
 * --config, $HOOK_RUN_CONFIG, or hook-run.ini in the repository's git
 * directory; the daemon: the generation it serves); never a file from the
 * pushed commits. Nothing is written: no ref, no object (the log is the one
 * file).
 *
 * The report goes to the request's `out`, which git relays as `remote:`
 * lines: findings grouped by ref, each naming the commit, path, line and
 * rule, with the local command that fixes it. Nothing at all is printed for
 * a push without a Dockerfile to check.
 *
 * Around the check, for the platforms that run it (engine_internal.h):
 *  - GitLab (GL_ID set): the web interface shows only lines that start
 *    with "GL-HOOK-ERR: ". The text report is kept in memory and, when the
 *    push is rejected, every line of it gets the prefix; an accepted push
 *    prints as anywhere else.
 *  - The push-option bypass: `git push -o hook-run.skip[=REASON]` skips
 *    the check only when the policy says push-option-skip = on AND the
 *    repository advertises push options (receive.advertisePushOptions, in
 *    its configuration or on receive-pack's command line), and only once
 *    the bypass is logged (a log file that cannot be written refuses it).
 *    A refused request is said and logged, and the push is checked.
 *  - The time budget ([pre-receive] timeout, from the moment the hook
 *    started: the request says how much a client already spent): the walk
 *    and the blob loop read the clock before each commit and each blob and
 *    stop past the deadline. Findings already made reject the push (exit 1)
 *    whatever happens next; otherwise on-timeout = deny rejects it (exit 4)
 *    and allow accepts it with a warning that says it was not checked.
 *  - Rejections, bypasses and timeouts are logged with the pusher's name
 *    (syslog, or [pre-receive] log-file).
 *
 * Exit 0 accepts, 1 rejects (findings), 2 for bad input or configuration,
 * 3 for a git error (missing objects), 4 when the budget ran out (deny).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook-run/engine.h"
#include "engine_internal.h"

/*
 * A line that explains a rejection, on standard error (where the early
 * errors go too), with GitLab's prefix when GitLab runs the hook.
 */
static void reject_line(const hr_prereceive_request *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void reject_line(const hr_prereceive_request *req, const char *fmt, ...)
{
	va_list ap;
	if (hr_env_value(req->env, "GL_ID"))
		fputs(HR_GITLAB_ERROR_PREFIX, req->errout);
	fputs("hook-run: ", req->errout);
	va_start(ap, fmt);
	hr_report_vprint(req->errout, fmt, ap);
	va_end(ap);
	fputc('\n', req->errout);
	fflush(req->errout);
}

/* "hook-run: MESSAGE" on standard error, as the CLI's errors look */
static void error_line(const hr_prereceive_request *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void error_line(const hr_prereceive_request *req, const char *fmt, ...)
{
	va_list ap;
	fputs("hook-run: ", req->errout);
	va_start(ap, fmt);
	hr_report_vprint(req->errout, fmt, ap);
	va_end(ap);
	fputc('\n', req->errout);
	fflush(req->errout);
}

/* Print the kept text report, each line with `prefix` (NULL: none). */
static void emit_kept(FILE *out, const char *text, size_t len, const char *prefix)
{
	size_t pos = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;
		if (prefix)
			fputs(prefix, out);
		fwrite(text + pos, 1, n, out);
		if (!nl)
			fputc('\n', out);
		pos += n;
	}
	fflush(out);
}

/* Why a requested push-option bypass is refused, or NULL when it is allowed. */
static const char *skip_refusal(const hr_policy *policy, hr_repo *repo, char *buf, size_t buflen)
{
	char err[512];
	bool advertised = false;
	if (!policy->push_option_skip)
		return "this server does not allow it (push-option-skip = off)";
	if (hr_repo_config_bool(&advertised, repo, "receive.advertisePushOptions", false, err, sizeof(err)) < 0) {
		snprintf(buf, buflen, "receive.advertisePushOptions cannot be read (%s)", err);
		return buf;
	}
	if (!advertised)
		return "the repository does not advertise push options (receive.advertisePushOptions is off)";
	return NULL;
}

/* Log an event; a failure is said on standard error and otherwise ignored. */
static void log_event(const hr_prereceive_request *req, const hr_policy *policy, hr_repo *repo,
	const hr_server_env *senv, const char *event, const hr_ref_update *updates, size_t nupdates,
	const char *detail)
{
	char err[1024], withid[1200];
	if (req->decision_id && detail) {
		snprintf(withid, sizeof(withid), "%s decision=%s", detail, req->decision_id);
		detail = withid;
	}
	if (hr_server_log(policy, hr_repo_commondir(repo), senv, event, updates, nupdates, detail, false,
		    err, sizeof(err)) < 0)
		error_line(req, "%s", err);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* What the verdict tells the face about the push (for its audit log). */
static void describe(hr_verdict *v, const hr_server_env *senv, const hr_ref_update *updates, size_t n)
{
	char hex[HR_OID_HEXSZ + 1];
	size_t total = 1;
	v->repository = dup_or_null(senv->repository);
	v->pusher = dup_or_null(senv->pusher);
	v->pusher_from = dup_or_null(senv->pusher_from);
	for (size_t i = 0; i < n; i++)
		total += strlen(updates[i].ref) + 1;
	if (n && (v->refs = malloc(total)) != NULL) {
		size_t pos = 0;
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(updates[i].ref);
			if (i)
				v->refs[pos++] = ',';
			memcpy(v->refs + pos, updates[i].ref, len);
			pos += len;
		}
		v->refs[pos] = '\0';
	}
	if (n) {
		hr_oid_fmt(hex, &updates[0].old_oid);
		v->first_old = strdup(hex);
		hr_oid_fmt(hex, &updates[0].new_oid);
		v->first_new = strdup(hex);
	}
}

int hr_engine_prereceive(hr_verdict *v, const hr_prereceive_request *req)
{
	/* the budget counts from the hook's start: `used` was spent before this call */
	hr_budget_clock clock = { .step = 0, .fake = 1000 };
	const char *step = hr_env_value(req->env, "HOOK_RUN_TEST_CLOCK_STEP");
	if (step)
		clock.step = strtod(step, NULL);
	double started = hr_budget_clock_read(&clock) - (clock.step > 0 ? 0 : req->used);
	double hook_start = hr_git_now() - req->used; /* for the summary: what the pusher waited */
	hr_repo *repo = NULL;
	hr_reporter *reporter = NULL;
	hr_ref_update *updates = NULL;
	hr_server_env senv = { 0 };
	bool have_senv = false;
	size_t nupdates = 0;
	char *kept = NULL;
	size_t kept_len = 0;
	FILE *out = req->out;
	char err[1024] = "", note[1024], detail[1024];
	int rc;

	memset(v, 0, sizeof(*v));
	rc = hr_ref_updates_parse(&updates, &nupdates, req->input, req->input_len, err, sizeof(err));
	if (rc < 0) {
		reject_line(req, "%s; push rejected", rc == HR_ENOMEM ? "out of memory" : err);
		rc = rc == HR_ENOMEM ? HR_VERDICT_ERROR : HR_VERDICT_USAGE;
		goto out;
	}
	err[0] = '\0';
	if ((rc = hr_repo_open_env(&repo, req->env, NULL, err, sizeof(err))) != 0) {
		error_line(req, "%s", err[0] ? err : hr_error_str(rc));
		rc = HR_VERDICT_ERROR; /* a git failure, as everywhere: not a usage error */
		reject_line(req, "push rejected: hook-run cannot open the repository");
		goto out;
	}

	const char *common_dir = hr_repo_commondir(repo);
	const hr_policy *policy = NULL;
	if ((rc = req->policy(&policy, common_dir, req->errout, req->policy_arg)) != 0) {
		reject_line(req, "push rejected: the server's hook-run configuration is broken (see above)");
		goto out;
	}
	if (hr_server_env_read(&senv, req->env, (uid_t)req->uid, common_dir) < 0) {
		error_line(req, "out of memory");
		rc = HR_VERDICT_ERROR;
		goto out;
	}
	have_senv = true;
	describe(v, &senv, updates, nupdates);

	/* GitLab: keep the text report, to prefix its lines if the push is rejected */
	bool keep = senv.gitlab && req->format == HR_FORMAT_TEXT;
	if (keep && !(out = open_memstream(&kept, &kept_len))) {
		error_line(req, "out of memory");
		out = req->out;
		rc = HR_VERDICT_ERROR;
		goto out;
	}
	FILE *notes = req->format == HR_FORMAT_TEXT ? out : req->errout;
	/* a screenful: the first findings, then the command that shows them all */
	char all_command[2 * HR_OID_HEXSZ + 64] = "";
	for (size_t i = 0; i < nupdates; i++) {
		char o[HR_OID_HEXSZ + 1], n[HR_OID_HEXSZ + 1];
		if (hr_oid_is_zero(&updates[i].new_oid))
			continue;
		hr_oid_fmt(n, &updates[i].new_oid);
		hr_oid_fmt(o, &updates[i].old_oid);
		if (hr_oid_is_zero(&updates[i].old_oid))
			snprintf(all_command, sizeof(all_command), "hook-run audit %.12s", n);
		else
			snprintf(all_command, sizeof(all_command), "hook-run audit --range %.12s..%.12s", o, n);
		break;
	}
	hr_report_opts ro = {
		.format = req->format,
		.out = out,
		.color = req->color,
		.quiet = req->quiet,
		.policy = policy,
		.fixed_elapsed = req->fixed_elapsed,
		.elapsed = req->elapsed,
		.docs_url = req->docs_url,
		.fix_command = "hook-run fix",
		.silent_no_match = true,
		.max_shown = 20,
		.max_per_file = 5,
		.all_command = *all_command ? all_command : NULL,
	};
	if ((rc = hr_reporter_new(&reporter, &ro)) < 0) {
		if (rc == HR_ENOMEM)
			error_line(req, "out of memory");
		else
			error_line(req, "the %s format is not available here", hr_format_name(req->format));
		rc = rc == HR_ENOMEM ? HR_VERDICT_ERROR : HR_VERDICT_USAGE;
		goto out;
	}
	hr_report_summary summary = { .what = "pushed file" };

	/* the push-option bypass */
	const char *skip_reason = NULL;
	if (hr_server_skip_requested(req->env, &skip_reason)) {
		char why[600];
		const char *refused = skip_refusal(policy, repo, why, sizeof(why));
		detail[0] = '\0';
		if (!refused) {
			if (skip_reason) {
				snprintf(detail, sizeof(detail), "reason=");
				hr_server_log_value(detail, sizeof(detail), skip_reason);
			}
			if (hr_server_log(policy, common_dir, &senv, "bypass", updates, nupdates,
				    *detail ? detail : NULL, true, err, sizeof(err)) < 0) {
				snprintf(why, sizeof(why), "the bypass cannot be logged (%s)", err);
				refused = why;
			}
		}
		if (!refused) {
			snprintf(note, sizeof(note), "push option hook-run.skip: the check was bypassed for %s; "
				"the bypass is logged", senv.pusher);
			summary.note = note;
			v->bypassed = true;
			rc = hr_reporter_finish(reporter, &summary) < 0 ? HR_VERDICT_ERROR : HR_VERDICT_ACCEPT;
			goto out;
		}
		hr_report_print(notes, "hook-run: push option hook-run.skip ignored: %s; the push is checked\n", refused);
		fflush(notes);
		snprintf(detail, sizeof(detail), "why=");
		hr_server_log_value(detail, sizeof(detail), refused);
		log_event(req, policy, repo, &senv, "skip-refused", updates, nupdates, detail);
	}

	double budget = policy->timeout_ms / 1000.0;
	hr_judge judge = {
		.repo = repo,
		.policy = policy,
		.baseline = req->baseline,
		.reporter = reporter,
		.summary = &summary,
		.errout = req->errout,
		.updates = updates,
		.show_commit = true,
		.only_new = policy->block == HR_BLOCK_NEW,
		.deadline = budget > 0 ? started + budget : 0,
		.clock = &clock,
		.cache = req->cache,
		.before_blob = req->before_blob,
		.after_blob = req->after_blob,
		.blob_arg = req->blob_arg,
	};
	hr_walk_opts wo = {
		.policy = policy,
		.scope = policy->scope,
		.hide_all_refs = true,
		.deadline = judge.deadline,
		.clock = hr_budget_clock_read,
		.clock_arg = &clock,
		.commit_get = req->cache ? hr_cache_commit_get : NULL,
		.commit_put = req->cache ? hr_cache_commit_put : NULL,
		.commit_arg = req->cache,
	};
	hr_walk_stats stats;
	int wrc = hr_walk(repo, updates, nupdates, &wo, hr_judge_change, &judge, &stats, err, sizeof(err));
	summary.elapsed = hr_git_now() - hook_start;
	v->commits = stats.commits;
	v->blobs_read = judge.blobs_read;
	v->cache_hits = judge.cache_hits;
	if (req->show_stats) {
		fprintf(req->errout, "hook-run: stats: %zu commits, %zu trees read, %zu changes, %zu distinct blobs, "
			"%zu blobs read, %zu refs skipped\n", stats.commits, stats.trees, stats.changes,
			stats.blobs, judge.blobs_read, stats.skipped_refs);
		if (req->cache)
			fprintf(req->errout, "hook-run: stats: %zu commits from the cache, %zu blobs from the cache\n",
				stats.replayed, judge.cache_hits);
		fflush(req->errout);
	}
	bool timed_out = wrc == HR_ETIMEOUT;
	v->timed_out = timed_out;
	if (wrc < 0 && !timed_out) {
		if (!judge.error)
			error_line(req, "%s", *err ? err : hr_error_str(wrc));
		rc = HR_VERDICT_ERROR;
		reject_line(req, "push rejected: hook-run could not check it");
		hr_judge_free(&judge);
		goto out;
	}

	char unchecked[256] = "";
	if (timed_out)
		snprintf(unchecked, sizeof(unchecked), "the time budget (%gs) ran out after %zu commit%s, "
			"so the rest of the push was not checked", budget, stats.commits,
			stats.commits == 1 ? "" : "s");
	if (summary.failing && judge.bad_commits > 10) {
		/* a long history (a first push of an existing project): rewriting it is not
		   the answer; say what is */
		snprintf(note, sizeof(note), "push rejected: %zu finding%s in %zu commits of this push's history; "
			"rather than rewriting it, the server's administrator can judge only the tips "
			"([pre-receive] scope = tips) or accept what is there with a baseline (baseline = FILE, "
			"from `hook-run audit --history --format json`)%s%s%s",
			summary.failing, summary.failing == 1 ? "" : "s", judge.bad_commits,
			policy->push_option_skip ? "; or push once with `git push -o hook-run.skip` (logged)" : "",
			timed_out ? "; " : "", unchecked);
		summary.note = note;
		rc = HR_VERDICT_FINDINGS;
		snprintf(detail, sizeof(detail), "findings=%zu commits=%zu%s", summary.failing,
			judge.bad_commits, timed_out ? " timeout=yes" : "");
		log_event(req, policy, repo, &senv, "reject", updates, nupdates, detail);
	} else if (summary.failing) {
		char hint[512], how[600];
		hr_judge_fix_hint(&judge, updates, nupdates, hint, sizeof(hint));
		if (*hint)
			snprintf(how, sizeof(how), "fix them with %s, amend or rebase", hint);
		else
			snprintf(how, sizeof(how), "the pushed tips no longer have them, so fix the commits "
				"that do with `git rebase -i`");
		snprintf(note, sizeof(note), "push rejected: %zu finding%s in %zu commit%s; %s, "
			"and push again%s%s",
			summary.failing, summary.failing == 1 ? "" : "s", judge.bad_commits,
			judge.bad_commits == 1 ? "" : "s", how, timed_out ? "; " : "", unchecked);
		summary.note = note;
		rc = HR_VERDICT_FINDINGS;
		snprintf(detail, sizeof(detail), "findings=%zu commits=%zu%s", summary.failing,
			judge.bad_commits, timed_out ? " timeout=yes" : "");
		log_event(req, policy, repo, &senv, "reject", updates, nupdates, detail);
	} else if (timed_out && policy->on_timeout == HR_ON_TIMEOUT_DENY) {
		snprintf(note, sizeof(note), "push rejected: %s (on-timeout = deny); push fewer commits at "
			"a time, or ask the administrator to raise [pre-receive] timeout", unchecked);
		summary.note = note;
		rc = HR_VERDICT_TIMEOUT;
		snprintf(detail, sizeof(detail), "outcome=deny budget=%gs commits=%zu", budget, stats.commits);
		log_event(req, policy, repo, &senv, "timeout", updates, nupdates, detail);
	} else if (timed_out) {
		snprintf(note, sizeof(note), "WARNING: %s; the push is ACCEPTED UNCHECKED (on-timeout = allow)",
			unchecked);
		summary.note = note;
		rc = HR_VERDICT_ACCEPT;
		snprintf(detail, sizeof(detail), "outcome=allow budget=%gs commits=%zu", budget, stats.commits);
		log_event(req, policy, repo, &senv, "timeout", updates, nupdates, detail);
	} else {
		rc = HR_VERDICT_ACCEPT;
	}
	if (hr_reporter_finish(reporter, &summary) < 0 || judge.error)
		rc = HR_VERDICT_ERROR;
	v->findings = summary.failing;
	v->bad_commits = judge.bad_commits;
	v->files_checked = summary.files_checked;
	v->cacheable = !timed_out && !judge.error && rc != HR_VERDICT_ERROR;
	if (rc != HR_VERDICT_ACCEPT && req->decision_id) {
		fprintf(notes, "hook-run: decision %s: quote it when you ask the administrator about this push\n",
			req->decision_id);
		fflush(notes);
	}
	hr_judge_free(&judge);
out:
	hr_cache_flush(req->cache);
	if (out != req->out) {
		fclose(out);
		emit_kept(req->out, kept, kept_len, rc != HR_VERDICT_ACCEPT ? HR_GITLAB_ERROR_PREFIX : NULL);
	}
	fflush(req->out);
	fflush(req->errout);
	free(kept);
	hr_reporter_free(reporter);
	hr_ref_updates_free(updates, nupdates);
	if (have_senv)
		hr_server_env_free(&senv);
	hr_repo_free(repo);
	v->exit_code = rc;
	return rc;
}

void hr_verdict_free(hr_verdict *v)
{
	free(v->repository);
	free(v->pusher);
	free(v->pusher_from);
	free(v->refs);
	free(v->first_old);
	free(v->first_new);
	memset(v, 0, sizeof(*v));
}

/*
 * judge.c - judging the changes a git source hands out (see engine.h,
 * hr_judge): read each distinct blob once, check it with the repository's
 * tree as its build context, report it, count it.
 *
 * The verdict cache (cache.c), when the caller has one, is asked before a
 * blob is read: a blob it holds as clean under this policy and build is
 * counted and reported exactly as a fresh clean check would be (no
 * findings, so the reporters print the same bytes), without being read.
 * Only a result that depended on nothing but the blob's bytes and the
 * policy is stored: no finding at all (suppressed ones included, as they
 * are counted), and the check did not consult the build context (a
 * commit's tree can make the same bytes judge differently).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook-run/engine.h"
#include "engine_internal.h"

double hr_budget_clock_read(void *arg)
{
	hr_budget_clock *clock = arg;
	if (clock && clock->step > 0) {
		clock->fake += clock->step;
		return clock->fake;
	}
	return hr_git_now();
}

int hr_report_file(hr_reporter *r, hr_baseline *baseline, hr_severity fail_on,
	const hr_report_item *item, bool print, hr_report_summary *summary)
{
	hr_baseline_view view;
	hr_report_item shown = *item;
	int rc = hr_baseline_filter(&view, baseline, item->path, item->result);
	if (rc < 0)
		return rc;
	if (item->result)
		shown.result = &view.result;
	if (print)
		rc = hr_reporter_add(r, &shown);
	summary->files_checked++;
	if (shown.result) {
		summary->findings += hr_result_count(shown.result, HR_SEVERITY_INFO);
		summary->failing += hr_result_count(shown.result, fail_on);
		summary->suppressed += shown.result->nsuppressed;
	}
	summary->baselined += view.hidden;
	hr_baseline_view_free(&view);
	return rc;
}

/* A build context view that counts how often the check consulted it. */
typedef struct counted_view {
	const hr_build_context *inner;
	size_t uses;
} counted_view;

static hr_ctx_type counted_lookup(void *data, size_t root, const char *path, unsigned *flags)
{
	counted_view *cv = data;
	cv->uses++;
	return cv->inner->lookup(cv->inner->data, root, path, flags);
}

static int counted_list(void *data, size_t root, const char *path,
	int (*fn)(void *arg, const char *name, hr_ctx_type type, unsigned flags), void *arg)
{
	counted_view *cv = data;
	cv->uses++;
	return cv->inner->list(cv->inner->data, root, path, fn, arg);
}

static void errline(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void errline(FILE *f, const char *fmt, ...)
{
	va_list ap;
	fputs("hook-run: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

int hr_judge_change(const hr_change *c, void *payload)
{
	hr_judge *k = payload;
	const hr_policy *policy = k->policy;
	char err[1024], commit_hex[HR_OID_HEXSZ + 1];
	char *data = NULL;
	size_t len = 0;
	hr_result *res = NULL, cached = { 0 };
	bool from_cache = false, consulted = false;
	int verdict;

	if (c->seen == 1) {
		k->summary->files_checked++;
		return 1; /* this blob was clean wherever it was seen */
	}
	if (k->deadline > 0 && hr_budget_clock_read(k->clock) > k->deadline) {
		k->timed_out = true;
		return HR_ETIMEOUT;
	}
	if (k->cache && !c->seen && hr_cache_blob_clean(k->cache, c->blob)) {
		from_cache = true;
		k->cache_hits++;
		goto report;
	}
	if (k->before_blob && k->before_blob(k->blob_arg, c->blob, k->errout) < 0) {
		k->error = true;
		return HR_EINVALID;
	}
	k->blobs_read++;
	int rc = hr_repo_blob_read(&data, &len, k->repo, c->blob, policy->max_size, err, sizeof(err));
	if (rc == HR_ETOOBIG) {
		snprintf(err, sizeof(err), "larger than max-size (%zu bytes, limit %zu): not read", len,
			policy->max_size);
		rc = hr_check_skipped(&res, err, policy);
		consulted = true; /* never cached: it has a finding anyway */
	} else if (rc < 0) {
		if (k->after_blob)
			k->after_blob(k->blob_arg);
		errline(k->errout, "%s: %s", c->path, err);
		k->error = true;
		return rc;
	} else {
		/* the repository shows which sources are files and which are folders */
		hr_repo_context *ctx = NULL;
		hr_build_context view;
		const hr_oid *tree = c->commit ? c->commit : k->context_tree;
		bool have = (tree || k->context_index) &&
			hr_repo_context_new(&ctx, &view, k->repo, tree, c->path, err, sizeof(err)) == 0;
		counted_view cv = { .inner = &view };
		hr_build_context counted = {
			.ncandidates = view.ncandidates, .lookup = counted_lookup, .list = counted_list, .data = &cv,
		};
		rc = hr_check_ext(&res, data, len, policy, have ? &counted : NULL);
		consulted = cv.uses > 0;
		hr_repo_context_free(ctx);
	}
	if (k->after_blob)
		k->after_blob(k->blob_arg);
	if (rc < 0) {
		errline(k->errout, "cannot check '%s': %s", c->path, hr_error_str(rc));
		k->error = true;
		free(data);
		return rc;
	}
	if (k->cache && !consulted && res->nfindings == 0)
		hr_cache_blob_put_clean(k->cache, c->blob);
report:;
	const hr_result *shown = from_cache ? &cached : res;
	/* the verdict remembered for the blob is the baseline's business: the
	   baseline is keyed by path, so the same blob elsewhere may show again */
	size_t findings = hr_result_count(shown, HR_SEVERITY_INFO);
	verdict = findings ? 2 : 1;
	hr_report_item item = { .path = c->path, .result = shown };
	if (k->updates)
		item.ref = k->updates[c->update].ref;
	if (k->show_commit && c->commit) {
		hr_oid_fmt(commit_hex, c->commit);
		item.commit = commit_hex;
	}
	size_t failing_before = k->summary->failing;
	if (hr_report_file(k->reporter, k->baseline, policy->fail_on, &item, findings > 0, k->summary) < 0)
		k->error = true;
	bool failing = k->summary->failing > failing_before;
	if (failing && c->commit && (!k->last_bad_commit || !hr_oid_equal(&k->last_bad, c->commit))) {
		k->last_bad = *c->commit;
		k->last_bad_commit = &k->last_bad;
		k->bad_commits++;
	}
	hr_result_free(res);
	free(data);
	return verdict;
}

/* SPDX-License-Identifier: MIT */
/*
 * merge.c - three-way merge of a fix into a working file (see git.h).
 *
 * pre-commit fixes the staged blob; when the working file has unstaged
 * edits as well, the same fix is carried over by merging: base = the staged
 * blob before the fix, ours = after the fix, theirs = the working file.
 * libgit2's xdiff merge does what `git merge-file` does; overlapping or
 * adjacent changes are a conflict, and then nothing is produced.
 */
#include <stdlib.h>
#include <string.h>

#include "git_internal.h"

int hr_merge_text(char **out, size_t *out_len, bool *clean,
	const char *base, size_t base_len, const char *ours, size_t ours_len,
	const char *theirs, size_t theirs_len, char *err, size_t errlen)
{
	git_merge_file_input in_base, in_ours, in_theirs;
	git_merge_file_options opts;
	git_merge_file_result res;
	int rc = 0;

	*out = NULL;
	*out_len = 0;
	*clean = false;
	if (git_libgit2_init() < 0)
		return hr_git_error(HR_EGIT, err, errlen, "cannot initialise libgit2");
	memset(&res, 0, sizeof(res));
	git_merge_file_input_init(&in_base, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&in_ours, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&in_theirs, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
	in_base.ptr = base;
	in_base.size = base_len;
	in_ours.ptr = ours;
	in_ours.size = ours_len;
	in_theirs.ptr = theirs;
	in_theirs.size = theirs_len;
	opts.favor = GIT_MERGE_FILE_FAVOR_NORMAL;
	if (git_merge_file(&res, &in_base, &in_ours, &in_theirs, &opts) < 0) {
		rc = hr_git_error(HR_EGIT, err, errlen, "cannot merge");
		goto out;
	}
	if (!res.automergeable)
		goto out;
	*out = malloc(res.len + 1);
	if (!*out) {
		rc = HR_ENOMEM;
		goto out;
	}
	memcpy(*out, res.ptr, res.len);
	(*out)[res.len] = '\0';
	*out_len = res.len;
	*clean = true;
out:
	git_merge_file_result_free(&res);
	git_libgit2_shutdown();
	return rc;
}

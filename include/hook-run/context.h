/* SPDX-License-Identifier: MIT */
/*
 * context.h - views of a build context for hr_check_ext() (check.h): a
 * Dockerfile on disk (here), a commit's tree or the index (git.h).
 *
 *   hr_build_context view;
 *   hr_fs_context *ctx;
 *   hr_fs_context_new(&ctx, &view, "services/api/Dockerfile");
 *   hr_check_ext(&result, data, len, &policy, &view);
 *   hr_fs_context_free(ctx);
 *
 * The view never follows a symlink and never reads outside the working
 * tree: a source that is a symlink is reported as one.
 */
#ifndef HOOK_RUN_CONTEXT_H
#define HOOK_RUN_CONTEXT_H

#include "hook-run/check.h"

typedef struct hr_fs_context hr_fs_context;

/**
 * The context of the Dockerfile at `dockerfile` (a path on disk): its
 * folder and each parent up to the top of the git working tree around it.
 * Returns 0, HR_ENOMEM or HR_EIO; *view is filled in and stays valid until
 * hr_fs_context_free().
 */
int hr_fs_context_new(hr_fs_context **out, hr_build_context *view, const char *dockerfile);

void hr_fs_context_free(hr_fs_context *ctx);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * model_json.h - the Dockerfile model as JSON: the output of `hook-run parse`.
 *
 * Field names follow the conformance corpus (BuildKit's own parse dump) where
 * the two overlap (keyword, start_line, end_line, args, json_form, heredocs),
 * and add what BuildKit does not keep: columns, byte offsets and lengths of
 * keywords and flags, comments, and every directive-looking line with the
 * reasons it is or is not honoured.
 */
#ifndef HOOK_RUN_MODEL_JSON_H
#define HOOK_RUN_MODEL_JSON_H

#include <jansson.h>
#include "hook-run/dockerfile.h"

/** The model of one file; `path` is only echoed. NULL when out of memory. */
json_t *hr_model_to_json(const hr_dockerfile *df, const char *path);

/** An object for a file that could not be parsed at all (unreadable, too large). */
json_t *hr_model_error_json(const char *path, const char *kind, const char *message);

#endif

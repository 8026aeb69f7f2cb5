/* SPDX-License-Identifier: MIT */
/*
 * jsonutil.h - small jansson helpers shared by the JSON-speaking reports.
 */
#ifndef HOOK_RUN_JSONUTIL_H
#define HOOK_RUN_JSONUTIL_H

#include <jansson.h>
#include "hook-run/common.h"

/**
 * A JSON string from arbitrary bytes: invalid UTF-8 becomes U+FFFD (as Go's
 * encoding/json does), NUL bytes are kept. Never NULL unless out of memory.
 */
json_t *hr_json_string(const char *s, size_t len);

/** Set key to value, stealing the reference; false when out of memory. */
bool hr_json_set(json_t *obj, const char *key, json_t *value);

#endif

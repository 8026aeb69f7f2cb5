/* SPDX-License-Identifier: MIT */
/*
 * baseline.h - who a finding is across edits, and the findings a previous
 * run recorded (a baseline), so that a run shows only the new ones.
 *
 * A finding's identity is its path, its rule and the text of its
 * instruction (the logical line BuildKit assembled; nothing for file-level
 * findings), never its line number: moving lines around keeps it the same.
 * Identical findings in one file are told apart by counting: a baseline
 * that records two of them hides at most two, and a fingerprint carries the
 * finding's occurrence number among its identical siblings.
 *
 *   hr_baseline *b;
 *   hr_baseline_load_file(&b, "baseline.json", err, sizeof(err));
 *   hr_baseline_view v;
 *   hr_baseline_filter(&v, b, path, result);     once per checked file
 *   ... report and count &v.result ...
 *   hr_baseline_view_free(&v);
 *   hr_baseline_free(b);
 *
 * A baseline is the output of `hook-run ... --format json` (schema version
 * 1); only its unsuppressed findings count. Text is compared as JSON holds
 * it: invalid UTF-8 in a path or an instruction reads as U+FFFD on both
 * sides.
 */
#ifndef HOOK_RUN_BASELINE_H
#define HOOK_RUN_BASELINE_H

#include "hook-run/check.h"

typedef struct hr_baseline hr_baseline;

/**
 * Load a baseline from `len` bytes of JSON. Returns 0, HR_ENOMEM, or
 * HR_EINVALID with a message in `err` (at least `errlen` bytes).
 */
int hr_baseline_load(hr_baseline **out, const char *json, size_t len, char *err, size_t errlen);

/** Read and load `path`; HR_EIO / HR_ENOTFOUND / HR_EINVALID with a message. */
int hr_baseline_load_file(hr_baseline **out, const char *path, char *err, size_t errlen);

void hr_baseline_free(hr_baseline *b);

/** Findings recorded in the baseline (duplicates counted). */
size_t hr_baseline_size(const hr_baseline *b);

/**
 * A checked file's result less what the baseline hides. `result` is a
 * shallow copy of the input (same model, same finding strings) whose
 * findings array leaves out the hidden ones: report and count it, but never
 * pass it to hr_result_free(); free the view with hr_baseline_view_free()
 * before the input result.
 */
typedef struct hr_baseline_view {
	hr_result result;
	size_t hidden;          /* unsuppressed findings the baseline hid */
	hr_finding *owned;      /* the filtered array, when anything was hidden */
} hr_baseline_view;

/**
 * Filter `in` (the findings of `path`) through `b`. `b` may be NULL: the
 * view is then the input as it is. Each call starts from the baseline's
 * full counts, so the same path checked in several commits is judged the
 * same way each time. Returns 0 or HR_ENOMEM.
 */
int hr_baseline_filter(hr_baseline_view *out, hr_baseline *b, const char *path,
	const hr_result *in);

void hr_baseline_view_free(hr_baseline_view *v);

/** A finding's stable fingerprint: 16 lower-case hex digits. */
typedef struct hr_fingerprint {
	char hex[17];
} hr_fingerprint;

/**
 * The fingerprints of every finding of `r`, in order (`out` holds
 * r->nfindings entries): FNV-1a 64 over the path (leading "./" dropped), a
 * NUL, the rule name, a NUL, '+' and the instruction text (or '-' for a
 * file-level finding), then a NUL and the occurrence number in decimal (0
 * for the first finding with that identity in the file, 1 for the next...),
 * mixed by MurmurHash3's 64-bit finaliser. Stable across line moves and
 * releases (changing it would make every CI system see new issues); unique
 * within a file. Returns 0 or HR_ENOMEM.
 */
int hr_finding_fingerprints(hr_fingerprint *out, const char *path, const hr_result *r);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * conformance_compare.c - compare `hook-run parse --compact` output with
 * BuildKit's own parse of the same files (the conformance corpus).
 *
 * usage: conformance-compare LIST OUTPUT
 *   LIST   one Dockerfile path per line; BuildKit's parse is PATH.buildkit.json
 *   OUTPUT hook-run's JSON objects for those files, in the same order
 *
 * Prints TAP: one test per file, then "# N/M files agree" and the list of
 * files that differ. Compared: parse error presence, instruction count,
 * keyword, start/end line, raw flags, arguments, JSON form, heredocs (name,
 * expand, chomp, content), ONBUILD's wrapped instruction, and the syntax,
 * escape and check directives BuildKit honours.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char why[2048];

#define DIFF(...) do { snprintf(why, sizeof(why), __VA_ARGS__); return false; } while (0)

static const char *s_or(json_t *j, const char *dflt)
{
	return json_is_string(j) ? json_string_value(j) : dflt;
}

static bool same_string(json_t *a, json_t *b)
{
	if (!json_is_string(a) || !json_is_string(b))
		return json_is_null(a) && json_is_null(b);
	return json_string_length(a) == json_string_length(b) &&
	       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
}

static bool compare_instruction(json_t *bk, json_t *hr, const char *where, bool lines)
{
	json_t *v;
	if (!same_string(json_object_get(bk, "keyword"), json_object_get(hr, "keyword")))
		DIFF("%s: keyword %s vs %s", where, s_or(json_object_get(bk, "keyword"), "?"),
			s_or(json_object_get(hr, "keyword"), "?"));
	if (lines) {
		json_int_t bs = json_integer_value(json_object_get(bk, "start_line"));
		json_int_t be = json_integer_value(json_object_get(bk, "end_line"));
		json_int_t hs = json_integer_value(json_object_get(hr, "start_line"));
		json_int_t he = json_integer_value(json_object_get(hr, "end_line"));
		if (bs != hs || be != he)
			DIFF("%s: lines %lld-%lld vs %lld-%lld", where, (long long)bs, (long long)be,
				(long long)hs, (long long)he);
	}
	json_t *bf = json_object_get(bk, "flags"), *hf = json_object_get(hr, "flags");
	if (json_array_size(bf) != json_array_size(hf))
		DIFF("%s: %zu flags vs %zu", where, json_array_size(bf), json_array_size(hf));
	for (size_t i = 0; i < json_array_size(bf); i++)
		if (!same_string(json_array_get(bf, i), json_object_get(json_array_get(hf, i), "flag")))
			DIFF("%s: flag %zu '%s' vs '%s'", where, i, s_or(json_array_get(bf, i), "?"),
				s_or(json_object_get(json_array_get(hf, i), "flag"), "?"));
	json_t *ba = json_object_get(bk, "args"), *ha = json_object_get(hr, "args");
	if (json_array_size(ba) != json_array_size(ha))
		DIFF("%s: %zu args vs %zu", where, json_array_size(ba), json_array_size(ha));
	for (size_t i = 0; i < json_array_size(ba); i++)
		if (!same_string(json_array_get(ba, i), json_array_get(ha, i)))
			DIFF("%s: arg %zu '%s' vs '%s'", where, i, s_or(json_array_get(ba, i), "?"),
				s_or(json_array_get(ha, i), "?"));
	if (json_is_true(json_object_get(bk, "json_form")) != json_is_true(json_object_get(hr, "json_form")))
		DIFF("%s: json_form differs", where);
	json_t *bh = json_object_get(bk, "heredocs"), *hh = json_object_get(hr, "heredocs");
	if (json_array_size(bh) != json_array_size(hh))
		DIFF("%s: %zu heredocs vs %zu", where, json_array_size(bh), json_array_size(hh));
	for (size_t i = 0; i < json_array_size(bh); i++) {
		json_t *b = json_array_get(bh, i), *h = json_array_get(hh, i);
		if (!same_string(json_object_get(b, "name"), json_object_get(h, "name")))
			DIFF("%s: heredoc %zu name differs", where, i);
		if (json_is_true(json_object_get(b, "expand")) != json_is_true(json_object_get(h, "expand")) ||
		    json_is_true(json_object_get(b, "chomp")) != json_is_true(json_object_get(h, "chomp")))
			DIFF("%s: heredoc %zu expand/chomp differs", where, i);
		if ((v = json_object_get(b, "content")) && !same_string(v, json_object_get(h, "content")))
			DIFF("%s: heredoc %zu content differs", where, i);
	}
	json_t *bsub = json_object_get(bk, "onbuild_sub"), *hsub = json_object_get(hr, "onbuild");
	if (json_is_object(bsub) != json_is_object(hsub))
		DIFF("%s: ONBUILD sub-instruction present in one only", where);
	if (json_is_object(bsub)) {
		char w[256];
		snprintf(w, sizeof(w), "%s (ONBUILD)", where);
		if (!compare_instruction(bsub, hsub, w, false))
			return false;
	}
	return true;
}

static bool compare_directive(json_t *bk, json_t *hr, const char *name)
{
	json_t *b = json_object_get(bk, name), *h = json_object_get(hr, name);
	if (json_is_null(b) || !b) {
		if (h && !json_is_null(h))
			DIFF("directive %s: BuildKit honours none, hook-run line %lld", name,
				(long long)json_integer_value(json_object_get(h, "line")));
		return true;
	}
	if (!h || json_is_null(h))
		DIFF("directive %s: BuildKit honours line %lld, hook-run none", name,
			(long long)json_integer_value(json_object_get(b, "line")));
	json_t *bv = json_object_get(b, "cmdline");
	if (!bv)
		bv = json_object_get(b, "value");
	if (!same_string(bv, json_object_get(h, "value")))
		DIFF("directive %s: value '%s' vs '%s'", name, s_or(bv, "?"),
			s_or(json_object_get(h, "value"), "?"));
	if (json_integer_value(json_object_get(b, "line")) != json_integer_value(json_object_get(h, "line")))
		DIFF("directive %s: line differs", name);
	return true;
}

static bool compare_file(json_t *bk, json_t *hr)
{
	json_t *berr = json_object_get(bk, "error"), *herr = json_object_get(hr, "error");
	bool bk_err = berr && !json_is_null(berr), hr_err = herr && !json_is_null(herr);
	if (bk_err != hr_err)
		DIFF("parse error: BuildKit '%s', hook-run '%s'", s_or(berr, "none"), s_or(herr, "none"));
	if (bk_err) {
		const char *b = json_string_value(berr), *h = json_string_value(herr);
		if (strncmp(h, b, strlen(b)) != 0)
			DIFF("parse error text: BuildKit '%s', hook-run '%s'", b, h);
		return true; /* BuildKit keeps no instructions after an error */
	}
	json_t *bi = json_object_get(bk, "instructions"), *hi = json_object_get(hr, "instructions");
	if (json_array_size(bi) != json_array_size(hi))
		DIFF("%zu instructions vs %zu", json_array_size(bi), json_array_size(hi));
	for (size_t i = 0; i < json_array_size(bi); i++) {
		char where[64];
		snprintf(where, sizeof(where), "instruction %zu (line %lld)", i + 1,
			(long long)json_integer_value(json_object_get(json_array_get(bi, i), "start_line")));
		if (!compare_instruction(json_array_get(bi, i), json_array_get(hi, i), where, true))
			return false;
	}
	json_t *bd = json_object_get(bk, "directives"), *hd = json_object_get(hr, "directives");
	return compare_directive(bd, hd, "syntax") && compare_directive(bd, hd, "escape") &&
	       compare_directive(bd, hd, "check");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: conformance-compare LIST OUTPUT\n");
		return 2;
	}
	FILE *list = fopen(argv[1], "r"), *out = fopen(argv[2], "r");
	if (!list || !out) {
		fprintf(stderr, "conformance-compare: cannot open inputs\n");
		return 2;
	}
	char line[4096];
	size_t total = 0, agree = 0, cap = 0, nbad = 0;
	char **bad = NULL;
	while (fgets(line, sizeof(line), list)) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		total++;
		char bkpath[4200];
		snprintf(bkpath, sizeof(bkpath), "%s.buildkit.json", line);
		json_error_t e;
		json_t *bk = json_load_file(bkpath, JSON_ALLOW_NUL, &e);
		json_t *hr = json_loadf(out, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &e);
		bool ok;
		if (!bk)
			{ ok = false; snprintf(why, sizeof(why), "cannot read %s", bkpath); }
		else if (!hr)
			{ ok = false; snprintf(why, sizeof(why), "no hook-run output: %s", e.text); }
		else
			ok = compare_file(bk, hr);
		if (ok) {
			agree++;
			printf("ok %zu - %s\n", total, line);
		} else {
			printf("not ok %zu - %s: %s\n", total, line, why);
			if (nbad == cap) {
				cap = cap ? cap * 2 : 16;
				bad = realloc(bad, cap * sizeof(*bad));
			}
			bad[nbad++] = strdup(line);
		}
		json_decref(bk);
		json_decref(hr);
	}
	printf("1..%zu\n", total);
	printf("# %zu/%zu files agree\n", agree, total);
	for (size_t i = 0; i < nbad; i++) {
		printf("# differs: %s\n", bad[i]);
		free(bad[i]);
	}
	free(bad);
	fclose(list);
	fclose(out);
	return agree == total ? 0 : 1;
}

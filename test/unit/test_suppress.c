/* SPDX-License-Identifier: MIT */
/*
 * test_suppress.c - inline suppressions, point by point as BuildKit reads
 * them (moby/buildkit frontend/dockerfile: parser/directives.go,
 * parser/parser.go, linter/linter.go, dockerfile2llb/convert.go), then
 * hook-run's policy on top.
 *
 * Each case names the point and where BuildKit does it. The findings dump is
 * the one of test_rules.c: `Rule@line:column:fix`, `~` for suppressed.
 * `needle` must appear in the message of the first refusal (or parse
 * error); `reason` is the suppression reason of the first suppressed
 * finding.
 */
#include <stdio.h>
#include <stdlib.h>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "unit.h"
#include "hook-run/check.h"

#define SYN "# syntax=docker/dockerfile:1\n"
#define COPY_OK "COPY x /y/\n" /* a CopyLinkMissing with a safe fix at its line */

typedef struct suppress_case {
	const char *point;
	const char *input;
	const char *settings;
	const char *findings;
	const char *needle;
	const char *reason;
	const char *fixed;    /* hr_fix() output with fix-mode = all; NULL: not checked */
} suppress_case;

static const suppress_case cases[] = {
	/* ---- the file-wide directive: parser.ParseDirective("check"), newRuleLinter ---- */
	{ "F1 directive block: the whole file",
	  SYN "# check=skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK "COPY z /w/\n", NULL,
	  "~CopyLinkMissing@4:1:S ~CopyLinkMissing@5:1:S" },
	{ "F2 key in any case, blanks around '=' (DirectiveParser: ToLower, \\s*=\\s*)",
	  SYN "# CHECK = skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, NULL, "~CopyLinkMissing@4:1:S" },
	{ "F3 behind a #! line (discardShebang)",
	  "#!/usr/bin/env -S docker build -f\n" SYN "# check=skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "~CopyLinkMissing@5:1:S" },
	{ "F4 indented: Parse consumes it, ParseDirective never sees it",
	  SYN "  # check=skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@2:3:N CopyLinkMissing@4:1:N", "indented" },
	{ "F5 after a plain comment: a comment of the first instruction only",
	  SYN "# my image\n# check=skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@5:1:N", "below the directive block" },
	{ "F6 the value ends at its first space (detectDirectiveFromParser: strings.Cut)",
	  SYN "# check=skip=AddLinkMissing, CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK "ADD z /w/\n", NULL,
	  "InlineSuppressionRefused@2:1:N CopyLinkMissing@4:1:N ~AddLinkMissing@5:1:S",
	  "only up to its first space: `skip=AddLinkMissing,`" },
	{ "F7 a value BuildKit cannot parse fails the build (newRuleLinter error)",
	  SYN "# check=skip=CopyLinkMissing;severity=high\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "DockerfileParseError@2:9:N", "failed to parse check options: invalid check option \"severity\"" },
	{ "F8 docker/dockerfile 1.4 to 1.7 read no check directive",
	  "# syntax=docker/dockerfile:1.7\n# check=skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@2:1:N CopyLinkMissing@4:1:N", "from docker/dockerfile 1.8 on" },
	{ "F8 ... so a bad value does not break their build",
	  "# syntax=docker/dockerfile:1.7\n# check=Skip=CopyLinkMissing\nFROM alpine:3.20\nCOPY --link x /y/\n", NULL, "" },
	{ "F8 1.8 reads it",
	  "# syntax=docker/dockerfile:1.8\n# check=skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "~CopyLinkMissing@4:1:S" },
	{ "F9 no # syntax=: the bundled frontend may not read it (fail closed)",
	  "# check=skip=all\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "SyntaxDirectiveMissing@1:1:N InlineSuppressionRefused@1:1:N CopyLinkMissing@3:1:N",
	  "has no `# syntax=` directive" },
	{ "F9 ... but a bad value still breaks current builds",
	  "# check=skip=all;error=maybe\nFROM alpine:3.20\n", NULL,
	  "DockerfileParseError@1:9:N", "strconv.ParseBool: parsing \"maybe\": invalid syntax" },
	{ "F10 behind a BOM only from 1.13 (discardBOM)",
	  "\xEF\xBB\xBF# check=skip=CopyLinkMissing\n# syntax=docker/dockerfile:1.12\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@1:4:N SyntaxDirectiveMisplaced@2:1:S CopyLinkMissing@4:1:N",
	  "behind a byte order mark from 1.13" },
	{ "F10 ... 1.13 reads it",
	  "\xEF\xBB\xBF# check=skip=CopyLinkMissing\n# syntax=docker/dockerfile:1.13\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "SyntaxDirectiveMisplaced@2:1:S ~CopyLinkMissing@4:1:S" },
	{ "F11 1.8 and 1.9: two options, no experimental (SplitN(;, 2))",
	  "# syntax=docker/dockerfile:1.9\n# check=skip=CopyLinkMissing;experimental=all\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "DockerfileParseError@2:9:N", "invalid check option \"experimental\"" },
	{ "F11 ... the second part keeps its ';'",
	  "# syntax=docker/dockerfile:1.9\n# check=skip=AddLinkMissing;error=false;skip=CopyLinkMissing\nFROM alpine:3.20\n", NULL,
	  "DockerfileParseError@2:9:N", "parsing \"false;skip=CopyLinkMissing\"" },
	{ "F11 1.10 reads three",
	  "# syntax=docker/dockerfile:1.10\n# check=skip=CopyLinkMissing;experimental=all\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "~CopyLinkMissing@4:1:S" },

	/* ---- the options: linter.ParseLintOptions ---- */
	{ "O1 at most three parts, the last keeps every ';'",
	  SYN "# check=skip=CopyLinkMissing;error=false;experimental=a;b\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "~CopyLinkMissing@4:1:S" },
	{ "O1 ... skip as the third part counts",
	  SYN "# check=error=false;experimental=all;skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "~CopyLinkMissing@4:1:S" },
	{ "O1 ... a bad key in the third part breaks it",
	  SYN "# check=error=false;experimental=all;x=1;skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "DockerfileParseError@2:9:N", "invalid check option \"x\"" },
	{ "O2 an option without '=' (a trailing ';' too) is invalid",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing;\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "BuildKit ignores it: invalid check option \"\"" },
	{ "O3 keys are case-sensitive",
	  SYN "FROM alpine:3.20\n# check=Skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "invalid check option \"Skip\"" },
	{ "O3 ... tabs around keys and values are trimmed (a space would end the value)",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing,AddLinkMissing;error\t=\ttrue\n" COPY_OK, NULL,
	  "~CopyLinkMissing@4:1:S" },
	{ "O3 ... a space ends the value, so the option lacks its '='",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing;error =true\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "invalid check option \"error\"" },
	{ "O4 rule names are case-sensitive (Linter.Run: map lookup)",
	  SYN "FROM alpine:3.20\n# check=skip=copylinkmissing\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "case-sensitive: BuildKit reads `copylinkmissing`" },
	{ "O5 skip=all only on its own and in lower case",
	  SYN "FROM alpine:3.20\n# check=skip=ALL\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "only on its own" },
	{ "O5 ... `all` in a list is just a name",
	  SYN "FROM alpine:3.20\n# check=skip=all,AddLinkMissing\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "only on its own" },
	{ "O5 ... skip=all",
	  SYN "FROM alpine:3.20\n# check=skip=all\n" COPY_OK, NULL, "~CopyLinkMissing@4:1:S" },
	{ "O6 a later skip= replaces the list",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing;skip=AddLinkMissing\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "later `skip=`" },
	{ "O6 ... but not an earlier skip=all",
	  SYN "FROM alpine:3.20\n# check=skip=all;skip=AddLinkMissing\n" COPY_OK, NULL, "~CopyLinkMissing@4:1:S" },
	{ "O7 error= takes Go booleans",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing;error=T\n" COPY_OK, NULL, "~CopyLinkMissing@4:1:S" },
	{ "O7 ... anything else invalidates the value",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing;error=yes\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "parsing \"yes\": invalid syntax" },

	/* ---- above an instruction: Parse's PrevComment, WithMergedConfigFromComments ---- */
	{ "I1 read from docker/dockerfile 1.21 on (floating tags: the newest)",
	  "# syntax=docker/dockerfile:1.21\nFROM alpine:3.20\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "~CopyLinkMissing@4:1:S" },
	{ "I1 ... 1-labs",
	  "# syntax=docker/dockerfile:1-labs\nFROM alpine:3.20\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "~CopyLinkMissing@4:1:S" },
	{ "I1 ... a digest counts by its tag",
	  "# syntax=docker/dockerfile:1.21.0@sha256:0000000000000000000000000000000000000000000000000000000000000000\n"
	  "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL, "~CopyLinkMissing@4:1:S" },
	{ "I1 ... 1.20 does not read it",
	  "# syntax=docker/dockerfile:1.20\nFROM alpine:3.20\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "selects an older one" },
	{ "I1 ... a bare digest says nothing (fail closed)",
	  "# syntax=docker/dockerfile@sha256:0000000000000000000000000000000000000000000000000000000000000000\n"
	  "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "hook-run can date" },
	{ "I1 ... no # syntax=: the bundled frontend (fail closed)",
	  "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "SyntaxDirectiveMissing@1:1:S InlineSuppressionRefused@2:1:N CopyLinkMissing@3:1:N", "no `# syntax=`" },
	{ "I2 blank lines between do not matter",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n\n\n" COPY_OK, NULL, "~CopyLinkMissing@6:1:S" },
	{ "I2 ... nor other comments",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n# copy the app\n" COPY_OK, NULL, "~CopyLinkMissing@5:1:S" },
	{ "I3 a bare `#` line clears the list",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n#\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@5:1:N", "bare `#`" },
	{ "I3 ... `#` with trailing blanks too",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n#  \t\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@5:1:N", "bare `#`" },
	{ "I3 ... an indented `#` does not (its text is \"#\")",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n  #\n" COPY_OK, NULL, "~CopyLinkMissing@5:1:S" },
	{ "I3 ... a check below the `#` counts",
	  SYN "FROM alpine:3.20\n# check=skip=AddLinkMissing\n#\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "~CopyLinkMissing@6:1:S" },
	{ "I4 an indented comment never counts (Parse drops the first byte, not the '#')",
	  SYN "FROM alpine:3.20\n  # check=skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:3:N CopyLinkMissing@4:1:N", "indented" },
	{ "I5 key in any case, blanks around '='",
	  SYN "FROM alpine:3.20\n#Check = skip=CopyLinkMissing\n" COPY_OK, NULL, "~CopyLinkMissing@4:1:S" },
	{ "I5 ... other directive-like comments are passed over",
	  SYN "FROM alpine:3.20\n# escape=`\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL, "~CopyLinkMissing@5:1:S" },
	{ "I6 only the first check comment counts",
	  SYN "FROM alpine:3.20\n# check=skip=AddLinkMissing\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@4:1:N CopyLinkMissing@5:1:N", "only the first `# check=` comment above an instruction (line 3)" },
	{ "I6 ... even when the first is invalid",
	  SYN "FROM alpine:3.20\n# check=Skip=AddLinkMissing\n# check=skip=CopyLinkMissing\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@4:1:N CopyLinkMissing@5:1:N", "only the first" },
	{ "I7 the value ends at its first space: `// reason` is hook-run's",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing // /y must stay as it is\n" COPY_OK, NULL,
	  "~CopyLinkMissing@4:1:S", NULL, "/y must stay as it is" },
	{ "I7 ... without a space, `//` belongs to the name",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing//why\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "`CopyLinkMissing//why`" },
	{ "I7 ... a tab is no space",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\t// why\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "put a space before `//`" },
	{ "I8 it covers that instruction only (dispatch merges into a copy)",
	  SYN "FROM alpine:3.20\n# check=skip=all\n" COPY_OK "COPY z /w/\n", NULL,
	  "CopyLinkMissing@5:1:S ~CopyLinkMissing@4:1:S" },
	{ "I8 ... above FROM: the FROM, not its stage",
	  SYN "\n# check=skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@5:1:N", "below the directive block" },
	{ "I9 the file's list and the instruction's add up (WithMergedConfig)",
	  SYN "# check=skip=AddLinkMissing\nFROM alpine:3.20\n# check=skip=CopyLinkMissing\n" COPY_OK "ADD z /w/\n", NULL,
	  "~CopyLinkMissing@5:1:S ~AddLinkMissing@6:1:S" },
	{ "I10 comments inside a continued instruction are dropped",
	  SYN "FROM alpine:3.20\nRUN true \\\n# check=skip=CopyLinkMissing\n  && true\n" COPY_OK, NULL,
	  "CopyLinkMissing@6:1:S" },
	{ "I11 ONBUILD's comments cover the wrapped instruction",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing // later\nONBUILD COPY x /y/\n", NULL,
	  "~CopyLinkMissing@4:1:N" },

	/* ---- hook-run's policy on top ---- */
	{ "P1 require-reason: a `// reason` after the first space",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing // mode of /y\n" COPY_OK,
	  "hook-run.inline-suppressions=require-reason", "~CopyLinkMissing@4:1:S", NULL, "mode of /y" },
	{ "P1 ... other words are no reason",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing because\n" COPY_OK,
	  "hook-run.inline-suppressions=require-reason",
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "without a reason" },
	{ "P2 deny refuses what BuildKit reads",
	  SYN "# check=skip=CopyLinkMissing\nFROM alpine:3.20\n" COPY_OK, "hook-run.inline-suppressions=deny",
	  "InlineSuppressionRefused@2:1:N CopyLinkMissing@4:1:N", "not allowed by the policy" },
	{ "P2 ... and says why BuildKit would not read the rest",
	  SYN "FROM alpine:3.20\n# check=skip=copylinkmissing\n" COPY_OK, "hook-run.inline-suppressions=deny",
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", "case-sensitive" },
	{ "P3 a check value for BuildKit's own rules is left alone",
	  SYN "# check=skip=JSONArgsRecommended;error=true\nFROM alpine:3.20\n# check=skip=StageNameCasing\nCOPY --link x /y/\n",
	  "hook-run.inline-suppressions=deny", "" },
	{ "H1 a suppression that does not count still keeps the fixer away",
	  "FROM alpine:3.20\n# check=skip=CopyLinkMissing // /tmp must stay 1777\nCOPY x /tmp/\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S InlineSuppressionRefused@2:1:N CopyLinkMissing@3:1:N", NULL, NULL,
	  "# syntax=docker/dockerfile:1\n\nFROM alpine:3.20\n# check=skip=CopyLinkMissing // /tmp must stay 1777\nCOPY x /tmp/\n" },
	{ "H1 ... a refused one too",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\nCOPY x /tmp/\nCOPY y /tmp/\n", "hook-run.inline-suppressions=deny",
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N CopyLinkMissing@5:1:R", NULL, NULL,
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\nCOPY x /tmp/\nCOPY --link y /tmp/\n" },
	{ "P4 parse errors are never suppressed",
	  SYN "# check=skip=all\nFROM alpine:3.20\nCOPY --user=x a /b/\n", NULL, "DockerfileParseError@4:6:N" },
};

static void dump(char *buf, size_t len, const hr_result *r)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->nfindings && off < len; i++) {
		const hr_finding *f = &r->findings[i];
		char fix = f->nedits == 0 ? 'N' : f->fix == HR_FIX_SAFE ? 'S' : f->fix == HR_FIX_RISKY ? 'R' : 'N';
		off += (size_t)snprintf(buf + off, len - off, "%s%s%s@%u:%u:%c", off ? " " : "",
			f->suppressed ? "~" : "", hr_rule_get(f->rule)->name, f->line, f->column, fix);
	}
}

START_TEST(suppress_table)
{
	const suppress_case *tc = &cases[_i];
	hr_policy policy;
	hr_result *r;
	char got[2048], err[256];

	ck_assert_int_eq(hr_policy_init(&policy), 0);
	if (tc->settings) {
		char key[128];
		const char *eq = strchr(tc->settings, '='), *dot = strchr(tc->settings, '.');
		snprintf(key, sizeof(key), "%.*s", (int)(eq - dot - 1), dot + 1);
		ck_assert_int_eq(hr_policy_set(&policy, "hook-run", key, eq + 1, err, sizeof(err)), 0);
	}
	ck_assert_int_eq(hr_check(&r, tc->input, strlen(tc->input), &policy), 0);
	dump(got, sizeof(got), r);
	ck_assert_msg(strcmp(got, tc->findings) == 0, "%s:\n  expected [%s]\n  got      [%s]", tc->point,
		tc->findings, got);
	if (tc->needle) {
		const hr_finding *f = NULL;
		for (size_t i = 0; i < r->nfindings && !f; i++)
			if (r->findings[i].rule == HR_RULE_INLINE_SUPPRESSION_REFUSED ||
			    r->findings[i].rule == HR_RULE_DOCKERFILE_PARSE_ERROR)
				f = &r->findings[i];
		ck_assert_msg(f && strstr(f->message, tc->needle), "%s: message [%s] lacks [%s]", tc->point,
			f ? f->message : "(none)", tc->needle);
	}
	if (tc->fixed) {
		char *out;
		size_t len, n;
		policy.fix_mode = HR_FIX_MODE_ALL;
		ck_assert_int_eq(hr_fix(&out, &len, &n, r, &policy), 0);
		ck_assert_msg(len == strlen(tc->fixed) && memcmp(out, tc->fixed, len) == 0,
			"%s: fixed output\n--- expected\n%s--- got\n%.*s---", tc->point, tc->fixed, (int)len, out);
		free(out);
	}
	if (tc->reason) {
		const hr_finding *f = NULL;
		for (size_t i = 0; i < r->nfindings && !f; i++)
			if (r->findings[i].suppressed)
				f = &r->findings[i];
		ck_assert_msg(f && f->suppression_reason && strcmp(f->suppression_reason, tc->reason) == 0,
			"%s: reason [%s], expected [%s]", tc->point,
			f && f->suppression_reason ? f->suppression_reason : "(none)", tc->reason);
	}
	hr_result_free(r);
	hr_policy_free(&policy);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("suppress");
	TCase *tc = tcase_create("suppress");
	tcase_add_loop_test(tc, suppress_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

/* SPDX-License-Identifier: MIT */
/*
 * input.c - files the policy cannot judge: DockerfileParseError (BuildKit
 * would refuse the file) and UncheckableFile (binary content).
 *
 * Each parser diagnostic of kind PARSE or INSTRUCTION becomes one finding at
 * its line. One exception: a duplicate `# syntax=` in the directive block is
 * left to SyntaxDirectiveMisplaced, which can fix it.
 */
#include <string.h>

#include "rules_internal.h"

static bool duplicate_syntax_on(const hr_dockerfile *df, uint32_t line)
{
	for (size_t i = 0; i < df->ndirectives; i++) {
		const hr_directive *d = &df->directives[i];
		if (d->line == line && d->kind == HR_DIRECTIVE_SYNTAX && (d->notes & HR_DIRECTIVE_DUPLICATE))
			return true;
	}
	return false;
}

/*
 * BuildKit's instructions.Parse: only ARG may come before the first FROM,
 * and a file needs a FROM at all. Reported once, where BuildKit stops.
 */
static void check_stages(hr_check_ctx *c)
{
	const hr_dockerfile *df = c->df;
	for (size_t i = 0; i < df->ninstructions; i++) {
		const hr_instruction *in = &df->instructions[i];
		if (in->kind == HR_KW_FROM)
			return;
		if (in->kind == HR_KW_ARG || in->kind == HR_KW_UNKNOWN || in->error)
			continue; /* ARG is allowed; the others are reported already */
		hr_finding *f = hr__finding(c, HR_RULE_DOCKERFILE_PARSE_ERROR, in->keyword_span,
			"BuildKit cannot parse the file: no build stage in current context "
			"(only ARG may come before the first FROM)");
		if (f)
			f->instruction = in;
		return;
	}
	if (df->ninstructions)
		hr__finding_file(c, HR_RULE_DOCKERFILE_PARSE_ERROR,
			"BuildKit cannot build the file: dockerfile contains no stages to build (no FROM)");
}

void hr__check_input(hr_check_ctx *c)
{
	const hr_dockerfile *df = c->df;
	bool parse_errors = false;

	for (size_t i = 0; i < df->ndiags; i++) {
		const hr_diag *d = &df->diags[i];
		if (d->severity != HR_SEVERITY_ERROR)
			continue;
		hr_span span = hr_dockerfile_line_span(df, d->line ? d->line : 1);
		if (d->column > 0 && span.start + d->column - 1 <= span.end)
			span.start += d->column - 1;
		span.end = span.start;
		if (d->kind == HR_DIAG_INPUT) {
			hr_finding *f = hr__finding(c, HR_RULE_UNCHECKABLE_FILE, span,
				"%s: not a text Dockerfile, so hook-run does not judge it", d->message);
			if (f)
				f->hint = "rename the file or add it to `exclude =` in .hook-run.ini";
			continue;
		}
		if (d->kind != HR_DIAG_PARSE && d->kind != HR_DIAG_INSTRUCTION)
			continue;
		if (duplicate_syntax_on(df, d->line))
			continue;
		parse_errors = true;
		if (df->len == 0 || d->line == 0) {
			hr__finding_file(c, HR_RULE_DOCKERFILE_PARSE_ERROR, "BuildKit cannot parse the file: %s",
				d->message);
			continue;
		}
		hr_finding *f = hr__finding(c, HR_RULE_DOCKERFILE_PARSE_ERROR, span,
			"BuildKit cannot parse the file: %s", d->message);
		if (f)
			f->hint = "nothing is fixed until the file parses";
	}
	if (!parse_errors)
		check_stages(c);
	/* BuildKit reads the check directive before it parses the file */
	hr__check_check_directive(c);
}

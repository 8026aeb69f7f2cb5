/* SPDX-License-Identifier: MIT */
/*
 * cmd_explain.c - `hook-run explain RULE`, `hook-run explain --list` and
 * `hook-run explain --base-images`: the rule documentation from the rule
 * descriptors (rules.c), the base image table from basefs.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hook-run/rules.h"

/* the rule's documentation, as the library writes it (SARIF's help text too) */
static int explain(const hr_rule *r)
{
	char *text;
	if (hr_rule_explain(&text, r) < 0) {
		hr_cli_error("out of memory");
		return HR_EXIT_ERROR;
	}
	fputs(text, stdout);
	free(text);
	return HR_EXIT_OK;
}

int hr_cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "base-images", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool list = false, base = false;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "lh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 'b':
			base = true;
			break;
		case 'h':
			puts("usage: hook-run explain RULE | --list | --base-images\n\n"
			     "Print what a rule checks, why, what --link would change in the image,\n"
			     "how safe its fix is, and how to suppress it. --list lists every rule;\n"
			     "--base-images prints the table of base image directories the --link\n"
			     "rules judge by (Markdown).");
			return HR_EXIT_OK;
		default:
			return HR_EXIT_USAGE;
		}
	}
	if (base) {
		char *text;
		if (hr_base_table_markdown(&text) < 0) {
			hr_cli_error("out of memory");
			return HR_EXIT_ERROR;
		}
		fputs(text, stdout);
		free(text);
		return HR_EXIT_OK;
	}
	if (list || optind >= argc) {
		if (!list) {
			fputs("usage: hook-run explain RULE | --list\n", stderr);
			return HR_EXIT_USAGE;
		}
		for (int i = 0; i < HR_RULE_COUNT; i++) {
			const hr_rule *r = hr_rule_get((hr_rule_id)i);
			printf("%-28s %-8s %s\n", r->name, hr_severity_name(r->default_severity), r->summary);
		}
		return HR_EXIT_OK;
	}
	int rc = HR_EXIT_OK;
	for (int i = optind; i < argc; i++) {
		const hr_rule *r = hr_rule_find(argv[i], strlen(argv[i]));
		if (!r) {
			hr_cli_error("unknown rule '%s' (see 'hook-run explain --list')", argv[i]);
			rc = HR_EXIT_USAGE;
			continue;
		}
		if (i > optind)
			puts("");
		if (explain(r) != HR_EXIT_OK)
			return HR_EXIT_ERROR;
	}
	return rc;
}

/*
 * cmd_explain.c - `hook-run explain RULE` and `hook-run explain --list`:
 * the rule documentation from the rule descriptors (rules.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hook-run/rules.h"

static void print_block(const char *title, const char *text)
{
	printf("%s:\n", title);
	/* indent every line of the text */
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		printf("    %.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

static void explain(const hr_rule *r)
{
	printf("%s (default: %s; fix: %s)\n\n", r->name, hr_severity_name(r->default_severity),
		hr_fix_safety_name(r->best_fix));
	printf("%s.\n\n", r->summary);
	printf("%s\n\n", r->description);
	printf("What it changes in the image:\n    %s\n\n", r->image_effect);
	print_block("Triggers it", r->example_bad);
	printf("\n");
	print_block("Preferred", r->example_good);
	printf("\nSilent when: %s.\n", r->silent_when);
	printf("Fix: %s.\n\n", r->fix_text);
	printf("Suppress it:\n"
	       "    for one instruction, on the line above it:  # check=skip=%s // why\n"
	       "    for the whole file, in the directive block:  # check=skip=%s\n"
	       "    in .hook-run.ini:  [rules] %s = off   (or warning, info)\n"
	       "    on the command line:  --severity %s=off\n",
	       r->name, r->name, r->name, r->name);
}

int hr_cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool list = false;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+lh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 'h':
			puts("usage: hook-run explain RULE | --list\n\n"
			     "Print what a rule checks, why, what --link would change in the image,\n"
			     "how safe its fix is, and how to suppress it. --list lists every rule.");
			return HR_EXIT_OK;
		default:
			return HR_EXIT_USAGE;
		}
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
		explain(r);
	}
	return rc;
}

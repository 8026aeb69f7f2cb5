/* SPDX-License-Identifier: MIT */
/*
 * cmd_parse.c - `hook-run parse FILE...`: the parser's model as JSON.
 *
 * One JSON object per file, in the order given, each followed by a newline
 * (pretty-printed by default, one line each with --compact, which is what
 * the conformance check reads). Exit 0 when every file parsed without an
 * error diagnostic, 1 when one has (BuildKit would refuse it, or it is binary
 * or too large), 2 on usage errors, 3 when a file cannot be read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hook-run/dockerfile.h"
#include "hook-run/fileio.h"
#include "hook-run/policy.h"
#include "report/model_json.h"

static void parse_usage(FILE *out)
{
	fputs("usage: hook-run parse [--compact] [--max-size SIZE] FILE...\n\n"
	      "Print what BuildKit's parser makes of each FILE ('-' for standard\n"
	      "input) as JSON: directives and which are honoured, instructions with\n"
	      "lines, columns, flags, arguments, JSON form and heredocs, comments,\n"
	      "and diagnostics.\n\n"
	      "  --compact          one line of JSON per file\n"
	      "  --max-size SIZE    refuse larger files (default 4M; 0 = no limit)\n", out);
}

int hr_cmd_parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "compact", no_argument, NULL, 'c' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t max_size = HR_DEFAULT_MAX_SIZE;
	size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER;
	int c, exit_code = HR_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			flags = JSON_COMPACT | JSON_PRESERVE_ORDER;
			break;
		case 'm':
			if (!hr_size_parse(optarg, &max_size)) {
				hr_cli_error("--max-size: '%s' is not a size (like 4M)", optarg);
				return HR_EXIT_USAGE;
			}
			break;
		case 'h':
			parse_usage(stdout);
			return HR_EXIT_OK;
		default:
			parse_usage(stderr);
			return HR_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		parse_usage(stderr);
		return HR_EXIT_USAGE;
	}

	for (int i = optind; i < argc; i++) {
		const char *path = argv[i];
		char err[512];
		char *data;
		size_t len;
		json_t *j = NULL;
		hr_dockerfile *df = NULL;

		int rc = hr_file_read(&data, &len, path, max_size, err, sizeof(err));
		if (rc == HR_ETOOBIG) {
			j = hr_model_error_json(path, "input", err);
			if (exit_code < HR_EXIT_FINDINGS)
				exit_code = HR_EXIT_FINDINGS;
		} else if (rc < 0) {
			hr_cli_error("%s", err);
			exit_code = HR_EXIT_ERROR;
			continue;
		} else {
			rc = hr_dockerfile_parse(&df, data, len);
			if (rc < 0) {
				hr_cli_error("cannot parse '%s': %s", path, hr_error_str(rc));
				free(data);
				exit_code = HR_EXIT_ERROR;
				continue;
			}
			j = hr_model_to_json(df, path);
			if (hr_dockerfile_has_errors(df) && exit_code < HR_EXIT_FINDINGS)
				exit_code = HR_EXIT_FINDINGS;
		}
		if (!j || json_dumpf(j, stdout, flags) != 0) {
			hr_cli_error("cannot print the model of '%s'", path);
			exit_code = HR_EXIT_ERROR;
		}
		putchar('\n');
		json_decref(j);
		hr_dockerfile_free(df);
		free(data);
	}
	if (fflush(stdout) != 0) {
		hr_cli_error("cannot write to standard output");
		return HR_EXIT_ERROR;
	}
	return exit_code;
}

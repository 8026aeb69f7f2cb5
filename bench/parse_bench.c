/* SPDX-License-Identifier: MIT */
/*
 * parse_bench.c - parser throughput, with a baseline measured in the same
 * process over the same bytes, so the figure means something on any machine.
 *
 * usage: parse-bench ROUNDS FILE...
 *
 * All files are read into memory first. Then, ROUNDS times over all files:
 *   - parse: hr_dockerfile_parse + hr_dockerfile_free, counting instructions;
 *   - baseline: count the lines with memchr, the least any line-based reader
 *     must do with the same bytes.
 * It prints MB/s for both and their ratio. Figures only: nothing is
 * asserted, and the exit code is 0 unless reading or parsing fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hook-run/dockerfile.h"
#include "hook-run/fileio.h"

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static size_t count_lines(const char *data, size_t len)
{
	size_t lines = 0;
	const char *p = data, *end = data + len;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	return lines;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: parse-bench ROUNDS FILE...\n");
		return 2;
	}
	char *endp;
	long rounds = strtol(argv[1], &endp, 10);
	if (*endp != '\0' || rounds <= 0) {
		fprintf(stderr, "parse-bench: ROUNDS must be a positive number\n");
		return 2;
	}
	int nfiles = argc - 2, rc = 0;
	char **data = calloc((size_t)nfiles, sizeof(char *));
	size_t *len = calloc((size_t)nfiles, sizeof(size_t));
	size_t bytes = 0;
	if (!data || !len) {
		fprintf(stderr, "parse-bench: out of memory\n");
		return 3;
	}
	for (int i = 0; i < nfiles; i++) {
		char err[512];
		if (hr_file_read(&data[i], &len[i], argv[i + 2], 0, err, sizeof(err)) < 0) {
			fprintf(stderr, "parse-bench: %s\n", err);
			rc = 3;
			goto out;
		}
		bytes += len[i];
	}

	/* one untimed round: page in the inputs and warm the allocator */
	size_t instructions = 0, errors = 0;
	for (int i = 0; i < nfiles; i++) {
		hr_dockerfile *df;
		if (hr_dockerfile_parse(&df, data[i], len[i]) < 0) {
			fprintf(stderr, "parse-bench: cannot parse %s: out of memory\n", argv[i + 2]);
			rc = 3;
			goto out;
		}
		instructions += df->ninstructions;
		errors += hr_dockerfile_has_errors(df);
		hr_dockerfile_free(df);
	}

	struct timespec t0;
	size_t counted = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long r = 0; r < rounds; r++)
		for (int i = 0; i < nfiles; i++) {
			hr_dockerfile *df;
			if (hr_dockerfile_parse(&df, data[i], len[i]) < 0) {
				rc = 3;
				goto out;
			}
			counted += df->ninstructions;
			hr_dockerfile_free(df);
		}
	double parse_s = seconds_since(&t0);

	volatile size_t lines = 0; /* keeps the baseline loop from being optimised away */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long r = 0; r < rounds; r++)
		for (int i = 0; i < nfiles; i++)
			lines += count_lines(data[i], len[i]);
	double base_s = seconds_since(&t0);

	double mb = (double)bytes * (double)rounds / (1024.0 * 1024.0);
	printf("input:     %d files, %zu bytes, %zu lines, %zu instructions per round"
	       " (%zu files with parse errors)\n", nfiles, bytes, lines / (size_t)rounds,
	       instructions, errors);
	printf("rounds:    %ld (%.1f MB in all)\n", rounds, mb);
	printf("parse:     %.3f s  %8.1f MB/s  %9.0f files/s  %11.0f instructions/s\n",
	       parse_s, mb / parse_s, (double)nfiles * (double)rounds / parse_s,
	       (double)counted / parse_s);
	printf("baseline:  %.3f s  %8.1f MB/s  (memchr line count, same bytes, same process)\n",
	       base_s, mb / base_s);
	printf("ratio:     parse takes %.1fx the baseline's time\n", parse_s / base_s);
	if (counted != instructions * (size_t)rounds) {
		fprintf(stderr, "parse-bench: instruction count changed between rounds\n");
		rc = 3;
	}
out:
	for (int i = 0; i < nfiles; i++)
		free(data[i]);
	free(data);
	free(len);
	return rc;
}

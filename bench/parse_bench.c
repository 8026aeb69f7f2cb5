/*
 * parse_bench.c - parser throughput: parse the given files N rounds in one
 * process and print MB/s and instructions counted. No assertions: figures.
 *
 * usage: parse-bench ROUNDS FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hook-run/dockerfile.h"
#include "hook-run/fileio.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: parse-bench ROUNDS FILE...\n");
		return 2;
	}
	long rounds = strtol(argv[1], NULL, 10);
	int nfiles = argc - 2;
	char **data = calloc((size_t)nfiles, sizeof(char *));
	size_t *len = calloc((size_t)nfiles, sizeof(size_t));
	size_t bytes = 0;
	if (!data || !len || rounds <= 0)
		return 2;
	for (int i = 0; i < nfiles; i++) {
		char err[256];
		if (hr_file_read(&data[i], &len[i], argv[i + 2], 0, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return 3;
		}
		bytes += len[i];
	}
	struct timespec t0, t1;
	size_t instructions = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long r = 0; r < rounds; r++)
		for (int i = 0; i < nfiles; i++) {
			hr_dockerfile *df;
			if (hr_dockerfile_parse(&df, data[i], len[i]) < 0)
				return 3;
			instructions += df->ninstructions;
			hr_dockerfile_free(df);
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	double mb = (double)bytes * (double)rounds / (1024.0 * 1024.0);
	printf("files: %d  bytes/round: %zu  rounds: %ld\n", nfiles, bytes, rounds);
	printf("instructions: %zu (%zu per round)\n", instructions, instructions / (size_t)rounds);
	printf("time: %.3f s  throughput: %.1f MB/s  %.0f files/s\n", secs, mb / secs,
		(double)nfiles * (double)rounds / secs);
	for (int i = 0; i < nfiles; i++)
		free(data[i]);
	free(data);
	free(len);
	return 0;
}

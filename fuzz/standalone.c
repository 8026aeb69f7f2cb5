/* SPDX-License-Identifier: MIT */
/*
 * standalone.c - a main() for the fuzz targets without a fuzzing engine:
 * run LLVMFuzzerTestOneInput() once on each file named on the command line
 * (directories: every file in them, sorted), or on standard input when
 * there is none.
 *
 * The test suite links every target with this file and the project's own
 * compiler flags (and, in the sanitizer build, ASan and UBSan), then
 * replays the committed seed corpora and crash reproducers through them:
 * a crash fixed once stays fixed even where clang and libFuzzer are not
 * installed. AFL++ can drive the same binary (`afl-fuzz ... -- ./t @@`),
 * though building with afl-clang-fast and -fsanitize=fuzzer is faster.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			unsigned char *n = realloc(buf, ncap);
			if (!n) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(buf);
				return 1;
			}
			buf = n;
			cap = ncap;
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		if (r == 0)
			break;
		len += r;
	}
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		fprintf(stderr, "%s: read error\n", path);
		free(buf);
		return 1;
	}
	/* an exact-size copy, so that ASan sees a read past the input */
	unsigned char *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return 1;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				rc = 1;
				break;
			}
			names = nn;
		}
		size_t plen = strlen(path), nlen = strlen(de->d_name);
		if (!(names[n] = malloc(plen + nlen + 2))) {
			rc = 1;
			break;
		}
		memcpy(names[n], path, plen);
		names[n][plen] = '/';
		memcpy(names[n] + plen + 1, de->d_name, nlen + 1);
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = run_path(names[i], count);
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int rc = 0;
	if (argc < 2)
		return run_file("-");
	for (int i = 1; i < argc && rc == 0; i++)
		rc = run_path(argv[i], &count);
	if (rc == 0)
		fprintf(stderr, "%s: %zu inputs replayed\n", argv[0], count);
	return rc;
}

/* SPDX-License-Identifier: MIT */
/*
 * fuzz_config.c - `.hook-run.ini` as read from a blob of the index or a
 * commit (hr_config_load_buffer: inih, then every key's validation), then
 * the policy it produced used as the core uses it: paths matched, a small
 * Dockerfile checked and fixed.
 *
 * Properties: a failed load names its reason (a non-empty message), and a
 * loaded policy is usable: matching and checking never crash.
 */
#include <string.h>

#include "fuzz.h"
#include "hook-run/check.h"
#include "hook-run/config.h"

static const char *const paths[] = {
	"Dockerfile", "a/b/Dockerfile.prod", "x.dockerfile", "vendor/Containerfile", ".hook-run.ini",
	"deep/a/b/c/d/e/f/g/Dockerfile", "",
};

static const char dockerfile[] =
	"FROM alpine AS build\n# check=skip=CopyLinkMissing // reason\nCOPY a /b\nADD x.tar.gz /tmp/\n"
	"FROM scratch\nCOPY --from=build /b /c\nCOPY --chown=app:app a /home/app/\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hr_policy policy;
	char err[512];
	hr_result *r = NULL;
	char *fixed = NULL;
	size_t flen, napplied;

	if (hr_policy_init(&policy) < 0)
		return 0;
	err[0] = '\0';
	int rc = hr_config_load_buffer(&policy, (const char *)data, size, ".hook-run.ini", err, sizeof(err));
	if (rc < 0 && rc != HR_ENOMEM)
		FUZZ_ASSERT(err[0] != '\0', "a configuration error without a message");
	if (rc == 0) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			(void)hr_policy_matches_path(&policy, paths[i]);
		if (hr_check(&r, dockerfile, sizeof(dockerfile) - 1, &policy) == 0) {
			int frc = hr_fix(&fixed, &flen, &napplied, r, &policy);
			FUZZ_ASSERT(frc != HR_EINVALID, "hr_fix failed its own verification");
		}
	}
	free(fixed);
	hr_result_free(r);
	hr_policy_free(&policy);
	return 0;
}

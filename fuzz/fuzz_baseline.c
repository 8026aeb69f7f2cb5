/* SPDX-License-Identifier: MIT */
/*
 * fuzz_baseline.c - `--baseline FILE`: JSON that an earlier run wrote, or
 * that anyone with write access to a repository wrote (a committed
 * baseline is input like any other). The loaded baseline then filters the
 * findings of a fixed Dockerfile under a few paths.
 *
 * Properties: a refused baseline says why; filtering never hides more
 * findings than there are, and a view of an unchanged result is the
 * result.
 */
#include <string.h>

#include "fuzz.h"
#include "hook-run/baseline.h"

static const char dockerfile[] = "FROM alpine\nCOPY a /b\nCOPY a /b\nADD x /y\n";
static const char *const paths[] = { "Dockerfile", "./Dockerfile", "app/Dockerfile", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hr_baseline *b = NULL;
	hr_policy policy;
	hr_result *r = NULL;
	char err[512] = "";

	int rc = hr_baseline_load(&b, (const char *)data, size, err, sizeof(err));
	if (rc < 0) {
		FUZZ_ASSERT(rc == HR_ENOMEM || err[0], "a refused baseline without a message");
		return 0;
	}
	(void)hr_baseline_size(b);
	if (hr_policy_init(&policy) == 0 && hr_check(&r, dockerfile, sizeof(dockerfile) - 1, &policy) == 0) {
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			hr_baseline_view v;
			if (hr_baseline_filter(&v, b, paths[i], r) < 0)
				continue;
			FUZZ_ASSERT(v.result.nfindings + v.hidden == r->nfindings, "the baseline lost findings");
			hr_baseline_view_free(&v);
		}
		hr_fingerprint *fp = calloc(r->nfindings + 1, sizeof(*fp));
		if (fp && hr_finding_fingerprints(fp, "Dockerfile", r) == 0)
			for (size_t i = 0; i < r->nfindings; i++)
				FUZZ_ASSERT(strlen(fp[i].hex) == 16, "a fingerprint is not 16 hex digits");
		free(fp);
	}
	hr_result_free(r);
	hr_policy_free(&policy);
	hr_baseline_free(b);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * tap_main.c - run the file's suite with TAP output on stdout.
 */
#include <stdlib.h>
#include "unit.h"

int main(void)
{
	SRunner *sr = srunner_create(unit_suite());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

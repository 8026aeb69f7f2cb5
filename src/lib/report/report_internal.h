/*
 * report_internal.h - the reporter vtable: one implementation per format
 * (text.c, json.c, ...). report.c picks one by hr_format.
 */
#ifndef HOOK_RUN_REPORT_INTERNAL_H
#define HOOK_RUN_REPORT_INTERNAL_H

#include "hook-run/report.h"

typedef struct hr_report_ops {
	int (*add)(hr_reporter *r, const hr_report_item *item);
	int (*finish)(hr_reporter *r, const hr_report_summary *summary);
	void (*free)(hr_reporter *r);
} hr_report_ops;

struct hr_reporter {
	const hr_report_ops *ops;
	hr_report_opts opts;
	void *state;            /* the format's own data */
	const char *last_ref;   /* text: the ref of the previous group */
};

extern const hr_report_ops hr_report_text_ops;
extern const hr_report_ops hr_report_json_ops;

/* The instruction a finding is about, as one line (for keys and display). */
const char *hr_report_instruction_text(const hr_finding *f, char *buf, size_t buflen);

#endif

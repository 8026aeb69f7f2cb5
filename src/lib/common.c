/* SPDX-License-Identifier: MIT */
/*
 * common.c - names for error codes and severities, and hr_escape() (see
 * common.h; the escaping itself is text.c's hr_buf_put_escaped()).
 */
#include <string.h>

#include "hook-run/common.h"
#include "text.h"

const char *hr_error_str(int error)
{
	switch (error) {
	case HR_OK: return "success";
	case HR_ENOMEM: return "out of memory";
	case HR_EINVALID: return "invalid input";
	case HR_EIO: return "input/output error";
	case HR_EGIT: return "git error";
	case HR_ENOTFOUND: return "not found";
	case HR_ETOOBIG: return "too large";
	case HR_ECONFLICT: return "conflict";
	case HR_ETIMEOUT: return "time budget exceeded";
	case HR_ESYMLINK: return "a symbolic link, not followed";
	case HR_ENOTSUP: return "not handled here: use the fallback reader";
	}
	return "unknown error";
}

const char *hr_severity_name(hr_severity severity)
{
	switch (severity) {
	case HR_SEVERITY_ERROR: return "error";
	case HR_SEVERITY_WARNING: return "warning";
	case HR_SEVERITY_INFO: return "info";
	case HR_SEVERITY_OFF: return "off";
	}
	return "off";
}

char *hr_escape(const char *s, bool path)
{
	hr_buf b = HR_BUF_INIT;
	size_t n = strlen(s);
	hr_buf_grow(&b, n + 3);
	hr_buf_put_escaped(&b, s, n, path);
	hr_buf_putc(&b, '\0');
	if (b.oom) {
		hr_buf_free(&b);
		return NULL;
	}
	return b.ptr;
}

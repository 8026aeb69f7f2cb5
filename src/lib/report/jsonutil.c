/* SPDX-License-Identifier: MIT */
/*
 * jsonutil.c - jansson helpers (see jsonutil.h).
 */
#include "jsonutil.h"
#include "arena.h"
#include "text.h"

json_t *hr_json_string(const char *s, size_t len)
{
	size_t bad;
	if (hr_utf8_valid((const unsigned char *)s, len, &bad))
		return json_stringn(s, len);

	hr_buf b = HR_BUF_INIT;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t w = hr_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (cp == HR_RUNE_ERROR && w == 1)
			hr_buf_put_rune(&b, HR_RUNE_ERROR);
		else
			hr_buf_append(&b, s + i, w);
		i += w;
	}
	json_t *j = b.oom ? NULL : json_stringn(b.ptr ? b.ptr : "", b.len);
	hr_buf_free(&b);
	return j;
}

bool hr_json_set(json_t *obj, const char *key, json_t *value)
{
	if (!value)
		return false;
	return json_object_set_new(obj, key, value) == 0;
}

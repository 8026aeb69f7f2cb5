/* SPDX-License-Identifier: MIT */
/*
 * jansson_lazy.c - jansson, loaded on first use (see lazylib.c): the
 * jansson functions hook-run calls, each a trampoline to the library's.
 * Its inline helpers (json_decref, json_incref, json_boolean, the
 * json_is_* tests, json_array_foreach) expand to these calls or to none.
 * A function missing here is an undefined reference at link time.
 */
#include "config.h"

#include <jansson.h>

#include "lazylib.h"

#define HR_JANSSON_FUNCTIONS(X) \
	X(json_t *, json_array, (void), ()) \
	X(int, json_array_append_new, (json_t *array, json_t *value), (array, value)) \
	X(json_t *, json_array_get, (const json_t *array, size_t index), (array, index)) \
	X(size_t, json_array_size, (const json_t *array), (array)) \
	X(int, json_dumpf, (const json_t *json, FILE *output, size_t flags), (json, output, flags)) \
	X(char *, json_dumps, (const json_t *json, size_t flags), (json, flags)) \
	X(json_t *, json_false, (void), ()) \
	X(json_t *, json_integer, (json_int_t value), (value)) \
	X(json_int_t, json_integer_value, (const json_t *integer), (integer)) \
	X(json_t *, json_load_file, (const char *path, size_t flags, json_error_t *error), (path, flags, error)) \
	X(json_t *, json_loadb, (const char *buffer, size_t buflen, size_t flags, json_error_t *error), \
		(buffer, buflen, flags, error)) \
	X(json_t *, json_loadf, (FILE *input, size_t flags, json_error_t *error), (input, flags, error)) \
	X(json_t *, json_null, (void), ()) \
	X(json_t *, json_object, (void), ()) \
	X(json_t *, json_object_get, (const json_t *object, const char *key), (object, key)) \
	X(int, json_object_set_new, (json_t *object, const char *key, json_t *value), (object, key, value)) \
	X(json_t *, json_real, (double value), (value)) \
	X(json_t *, json_string, (const char *value), (value)) \
	X(size_t, json_string_length, (const json_t *string), (string)) \
	X(const char *, json_string_value, (const json_t *string), (string)) \
	X(json_t *, json_stringn, (const char *value, size_t len), (value, len)) \
	X(json_t *, json_true, (void), ()) \
	X(const char *, jansson_version_str, (void), ())

/* json_delete: json_decref()'s last reference (it never passes NULL) */
#define HR_JANSSON_VOID_FUNCTIONS(X) \
	X(json_delete, (json_t *json), (json))

HR_LAZY_LIBRARY("libjansson.so." HR_JANSSON_SOVERSION, HR_JANSSON_LIBDIR "/libjansson.so." HR_JANSSON_SOVERSION,
	HR_JANSSON_FUNCTIONS, HR_JANSSON_VOID_FUNCTIONS)

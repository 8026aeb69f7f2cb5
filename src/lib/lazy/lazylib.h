/* SPDX-License-Identifier: MIT */
/*
 * lazylib.h - a shared library loaded on first use (see lazylib.c).
 */
#ifndef HR_LAZYLIB_H
#define HR_LAZYLIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct hr_lazylib {
	const char *soname;        /* "libjansson.so.4": what dlopen() is asked for */
	const char *path;          /* the same in the libdir pkg-config named, tried second */
	const char *const *names;  /* the functions hook-run calls, in the order of symbols */
	void **symbols;            /* filled once, on first use */
	size_t n;
	pthread_once_t once;
	/* libgit2's needs (git/libgit2_lazy.c); zero for the others */
	bool global;               /* RTLD_GLOBAL: its dependencies join the global scope */
	void (*loaded)(void);      /* called once the symbols are filled, still under the once */
} hr_lazylib;

/* Function `i` of `lib`, loading the library first if need be; exits 2 when it cannot. */
void *hr_lazylib_symbol(hr_lazylib *lib, size_t i);

/*
 * A library's whole trampoline file, from its two X-lists: FUNCS holds
 * X(ret, name, params, args) for each function, VOIDS X(name, params,
 * args) for each function returning void (an empty list is a macro that
 * expands to nothing). It defines the symbol table, the hr_lazylib (a
 * file-scope static named lazy_library: process-wide by nature, like the
 * dynamic loader's own tables, written once and read after) and one
 * function per entry, `ret name params`, which calls the library's with
 * `args`. The library's header is included first, so a definition that
 * disagrees with its declaration does not compile.
 */
#define HR_LAZY_LIBRARY(soname, path, FUNCS, VOIDS) \
	enum { FUNCS(HR_LAZY_ENUM) VOIDS(HR_LAZY_ENUM_VOID) HR_LAZY_COUNT }; \
	static const char *const lazy_names[HR_LAZY_COUNT] = { FUNCS(HR_LAZY_NAME) VOIDS(HR_LAZY_NAME_VOID) }; \
	static void *lazy_symbols[HR_LAZY_COUNT]; \
	static hr_lazylib lazy_library = { \
		soname, path, lazy_names, lazy_symbols, HR_LAZY_COUNT, PTHREAD_ONCE_INIT, false, NULL, \
	}; \
	FUNCS(HR_LAZY_DEFINE) \
	VOIDS(HR_LAZY_DEFINE_VOID)

#define HR_LAZY_ENUM(ret, name, params, args) HR_LAZY_##name,
#define HR_LAZY_NAME(ret, name, params, args) #name,
#define HR_LAZY_ENUM_VOID(name, params, args) HR_LAZY_##name,
#define HR_LAZY_NAME_VOID(name, params, args) #name,
#define HR_LAZY_DEFINE(ret, name, params, args) \
	ret name params \
	{ \
		ret(*fn) params; \
		*(void **)&fn = hr_lazylib_symbol(&lazy_library, HR_LAZY_##name); \
		return fn args; \
	}
#define HR_LAZY_DEFINE_VOID(name, params, args) \
	void name params \
	{ \
		void(*fn) params; \
		*(void **)&fn = hr_lazylib_symbol(&lazy_library, HR_LAZY_##name); \
		fn args; \
	}

#endif

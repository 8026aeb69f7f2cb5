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
 * X-macro helpers for a library's trampolines: each X(ret, name, params,
 * args) entry defines `ret name params`, calling the library's function
 * with `args` (X(name, params, args) for a function returning void). The library's header is included first, so a definition
 * that disagrees with its declaration does not compile.
 */
#define HR_LAZY_ENUM(ret, name, params, args) HR_LAZY_##name,
#define HR_LAZY_NAME(ret, name, params, args) #name,
/* the same for functions returning void: X(name, params, args) */
#define HR_LAZY_ENUM_VOID(name, params, args) HR_LAZY_##name,
#define HR_LAZY_NAME_VOID(name, params, args) #name,
#define HR_LAZY_DEFINE(lib, ret, name, params, args) \
	ret name params \
	{ \
		ret(*fn) params; \
		*(void **)&fn = hr_lazylib_symbol(&lib, HR_LAZY_##name); \
		return fn args; \
	}
#define HR_LAZY_DEFINE_VOID(lib, name, params, args) \
	void name params \
	{ \
		void(*fn) params; \
		*(void **)&fn = hr_lazylib_symbol(&lib, HR_LAZY_##name); \
		fn args; \
	}

#endif

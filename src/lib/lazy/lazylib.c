/* SPDX-License-Identifier: MIT */
/*
 * lazylib.c - shared libraries loaded on first use.
 *
 * Why: every shared library an executable names is opened, mapped and
 * relocated before main() runs, whether or not the run calls it. On this
 * kind of machine that is about 0.1 ms a library, measured (a statically
 * linked build started 0.4 ms faster and took 0.65 ms off a 6.9 ms push),
 * on a hook that runs at every commit and push and whose whole job may
 * take 3 ms. jansson (JSON reports, baselines, the daemon's audit) and
 * LMDB (the verdict cache) are not on the paths of a plain pre-commit or
 * pre-receive, nor zlib on most (packs are inflated with libdeflate), so
 * they are loaded by hand (dlopen) the first time one of their functions
 * is called, as libgit2 is (git/libgit2_lazy.c). Their trampolines are
 * jansson_lazy.c, lmdb_lazy.c and zlib_lazy.c.
 *
 * A library that cannot be loaded is a broken installation (each is a
 * dependency of the package): hook-run says which and exits with status
 * 2, as the dynamic loader would have refused to start it. Never a pass.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lazylib.h"

/* the library hr_lazylib_symbol() loads under pthread_once (whose callback takes no argument) */
static _Thread_local hr_lazylib *loading;

static void load(void)
{
	hr_lazylib *lib = loading;
	int flags = RTLD_NOW | (lib->global ? RTLD_GLOBAL : RTLD_LOCAL);
	void *h = dlopen(lib->soname, flags);
	if (!h && lib->path)
		h = dlopen(lib->path, flags);
	if (!h) {
		fprintf(stderr, "hook-run: cannot load %s: %s\n", lib->soname, dlerror());
		fflush(stderr);
		_exit(2);
	}
	for (size_t i = 0; i < lib->n; i++) {
		if (!(lib->symbols[i] = dlsym(h, lib->names[i]))) {
			fprintf(stderr, "hook-run: %s has no %s: not the version hook-run was built for\n",
				lib->soname, lib->names[i]);
			fflush(stderr);
			_exit(2);
		}
	}
	if (lib->loaded)
		lib->loaded();
}

void *hr_lazylib_symbol(hr_lazylib *lib, size_t i)
{
	loading = lib;
	pthread_once(&lib->once, load);
	return lib->symbols[i];
}

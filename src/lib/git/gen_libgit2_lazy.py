#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_libgit2_lazy.py - write libgit2_lazy.c, the trampolines through which
hook-run calls libgit2 only once it needs it (see the comment atop the output).

A maintainer's tool, run by hand when hook-run starts calling another libgit2
function (the link then fails with an undefined reference to it):

    python3 src/lib/git/gen_libgit2_lazy.py [/usr/include] > src/lib/git/libgit2_lazy.c

The functions are those the sources call (src/, test/, fuzz/, bench/); each
prototype is taken from libgit2's own headers, so a trampoline that does not
match its declaration fails to compile rather than misbehave.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
INCLUDE = sys.argv[1] if len(sys.argv) > 1 else "/usr/include"

# Variadic, or set up by hand in libgit2_lazy_head below.
SPECIAL = {"git_libgit2_opts"}

# Calls that mean nothing before libgit2 is loaded (no error to clear, no
# buffer it filled, nothing to shut down): they do not load it.
UNLOADED = {
    "git_error_clear": "",
    "git_error_last": " NULL",
    "git_error_set_str": " 0",
    "git_buf_dispose": "",
    "git_libgit2_shutdown": " 0",
}

# Errors set before the library is loaded (hook-run's own readers name what
# they met through libgit2's error functions) are kept here, as libgit2 keeps
# its own: per thread, the last one.
UNLOADED_BODY = {
    "git_error_clear": " own_error_clear()",
    "git_error_last": " own_error_last()",
    "git_error_set_str": " own_error_set(error_class, string)",
}

# Pure functions on object ids, as libgit2 1.5 defines them (src/libgit2/oid.c
# for SHA-1), done here so that comparing ids never loads the library.
NATIVE = {
    "git_oid_equal": "\treturn memcmp(a->id, b->id, GIT_OID_RAWSZ) == 0;\n",
    "git_oid_cmp": "\treturn memcmp(a->id, b->id, GIT_OID_RAWSZ);\n",
    "git_oid_cpy": "\tmemmove(out->id, src->id, GIT_OID_RAWSZ);\n\treturn 0;\n",
    "git_oid_fromstrn": (
        "\t/* at most 40 hex digits; the rest of the id is zero */\n"
        "\tif (length > GIT_OID_HEXSZ)\n\t\treturn -1;\n"
        "\tmemset(out->id, 0, GIT_OID_RAWSZ);\n"
        "\tfor (size_t i = 0; i < length; i++) {\n"
        "\t\tint v = hr_hexval(str[i]);\n"
        "\t\tif (v < 0)\n\t\t\treturn -1;\n"
        "\t\tout->id[i / 2] |= (unsigned char)(i % 2 ? v : v << 4);\n"
        "\t}\n\treturn 0;\n"),
    "git_oid_tostr": (
        "\t/* n - 1 hex digits at most, always terminated; \"\" for no id or no room */\n"
        "\tstatic const char digits[] = \"0123456789abcdef\";\n"
        "\tif (!out || !n)\n\t\treturn \"\";\n"
        "\tsize_t len = n - 1 < GIT_OID_HEXSZ ? n - 1 : GIT_OID_HEXSZ;\n"
        "\tfor (size_t i = 0; id && i < len; i++)\n"
        "\t\tout[i] = digits[i % 2 ? id->id[i / 2] & 15 : id->id[i / 2] >> 4];\n"
        "\tout[id ? len : 0] = '\\0';\n\treturn out;\n"),
}


def used_functions():
    names = set()
    call = re.compile(r"\b(git_[a-z0-9_]+)\s*\(")
    for top in ("src", "test", "fuzz", "bench"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for f in files:
                if not f.endswith((".c", ".h")) or f == "libgit2_lazy.c":
                    continue
                with open(os.path.join(dirpath, f), encoding="utf-8", errors="replace") as fh:
                    names.update(call.findall(fh.read()))
    return names


def prototypes():
    protos = {}
    decl = re.compile(r"GIT_EXTERN\(\s*([^()#;]*?)\s*\)\s*(git_[a-z0-9_]+)\s*\(([^;{}#]*?)\)\s*;", re.S)
    base = os.path.join(INCLUDE, "git2")
    for dirpath, _, files in os.walk(base):
        for f in files:
            if f.endswith(".h"):
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    text = re.sub(r"/\*.*?\*/", " ", fh.read(), flags=re.S)
                for ret, name, params in decl.findall(text):
                    protos[name] = (" ".join(ret.split()), " ".join(params.split()))
    return protos


def arg_name(param):
    m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*(\[\s*\])?\s*$", param)
    if not m:
        raise SystemExit("cannot name the parameter %r" % param)
    return m.group(1)


def split_params(params):
    if params.strip() in ("", "void"):
        return []
    out, depth, cur = [], 0, ""
    for ch in params:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    out.append(cur.strip())
    return out


def main():
    protos = prototypes()
    # names libgit2 declares; others (git's own functions named in comments,
    # hook-run's) are not libgit2's: a call to a libgit2 function missing
    # here is an undefined reference at link time
    used = sorted((used_functions() - SPECIAL) & set(protos))
    w = sys.stdout.write
    w(HEAD)
    w("#define HR_LG2_FUNCTIONS(X) \\\n")
    for n in used:
        w("\tX(%s) \\\n" % n)
    w("\tX(git_libgit2_opts)\n\n")
    w(MIDDLE)
    for n in used:
        ret, params = protos[n]
        plist = split_params(params)
        args = ", ".join(arg_name(p) for p in plist)
        w("%s %s(%s)\n{\n" % (ret, n, params if params else "void"))
        if n in NATIVE:
            w(NATIVE[n])
            w("}\n\n")
            continue
        if n in UNLOADED:
            w("\tif (!loaded)\n\t\treturn%s;\n" % UNLOADED_BODY.get(n, UNLOADED[n]))
        elif n.endswith("_free") and ret == "void" and len(plist) == 1:
            # libgit2's free functions do nothing with NULL: neither do these
            w("\tif (!%s)\n\t\treturn;\n" % args)
        w("\t%s (*fn)(%s);\n" % (ret, params if params else "void"))
        w("\t*(void **)&fn = hr_libgit2_symbol(HR_LG2_%s);\n" % n)
        w("\t%sfn(%s);\n}\n\n" % ("" if ret == "void" else "return ", args))
    w(TAIL)


HEAD = '''/* SPDX-License-Identifier: MIT */
/*
 * libgit2_lazy.c - libgit2, loaded on first use. GENERATED by
 * gen_libgit2_lazy.py from libgit2's headers: do not edit by hand.
 *
 * Why: binding libgit2 and the 19 libraries it pulls in (mbedTLS, libssh2,
 * OpenSSL's libcrypto, Kerberos...) costs every process about 8 M
 * instructions and 2-3 ms in the dynamic loader, before main() runs: more
 * than half of a 1-commit push, and all of a small pre-commit. hook-run
 * reads packs, loose objects, refs, the index and git's configuration
 * itself on its usual paths; libgit2 is the reader for everything else
 * (odd repositories, writing objects and the index, attributes). So the
 * executable does not link libgit2: each libgit2 function it calls is
 * defined here as a trampoline that loads the library (dlopen, once per
 * process) and calls the real function. A process that never calls
 * libgit2 never loads it.
 *
 * The prototypes are libgit2's own (the header is included), so a
 * trampoline that disagrees with its declaration does not compile; a
 * function missing here is an undefined reference at link time. A few
 * calls load nothing: the pure functions on object ids are done here, a
 * free function given NULL returns, and clearing an error, disposing of
 * a buffer or shutting down before the library was loaded do nothing.
 *
 * The loading is lazylib.c's, as for jansson, LMDB and zlib, with
 * RTLD_GLOBAL and libgit2's start once loaded. When the library cannot be
 * loaded (it is a dependency of the package, so: a broken installation),
 * hook-run says so and exits with status 2, as the dynamic loader would
 * have refused to start it: an error, never a pass.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/repository.h>

#include "git_internal.h"
#include "lazy/lazylib.h"

/* the library the headers describe; HR_LIBGIT2_LIBDIR comes from pkg-config */
#define HR_LIBGIT2_SONAME "libgit2.so." LIBGIT2_SOVERSION
#define HR_LIBGIT2_PATH HR_LIBGIT2_LIBDIR "/" HR_LIBGIT2_SONAME

'''

MIDDLE = '''enum {
#define HR_LG2_ENUM(name) HR_LG2_##name,
	HR_LG2_FUNCTIONS(HR_LG2_ENUM)
#undef HR_LG2_ENUM
	HR_LG2_COUNT
};

static const char *const symbol_names[HR_LG2_COUNT] = {
#define HR_LG2_NAME(name) #name,
	HR_LG2_FUNCTIONS(HR_LG2_NAME)
#undef HR_LG2_NAME
};

static void *symbols[HR_LG2_COUNT];
static bool loaded;

static void shutdown_at_exit(void)
{
	int (*shutdown)(void);
	*(void **)&shutdown = symbols[HR_LG2_git_libgit2_shutdown];
	shutdown();
}

/*
 * Once the symbols are found: libgit2 is started once for the process,
 * so that no call meets an uninitialised library, and shut down at exit
 * (its global state freed, as a leak checker expects); hook-run's own
 * init and shutdown pairs (repo.c) count on top of this one.
 */
static void start(void)
{
	int (*init)(void);
	*(void **)&init = symbols[HR_LG2_git_libgit2_init];
	if (init() < 0) {
		fprintf(stderr, "hook-run: libgit2 (%s) cannot be initialised\\n", HR_LIBGIT2_SONAME);
		fflush(stderr);
		_exit(2);
	}
	loaded = true;
	atexit(shutdown_at_exit);
}

/*
 * Process-wide by nature, like the dynamic loader's own tables: written
 * once under pthread_once (lazylib.c), read-only after. RTLD_GLOBAL:
 * libgit2's dependencies join the global scope, where the executable's
 * replacements for a few of their start-up routines (repo.c) find the
 * originals with dlsym(RTLD_NEXT).
 */
static hr_lazylib libgit2 = {
	HR_LIBGIT2_SONAME, HR_LIBGIT2_PATH, symbol_names, symbols, HR_LG2_COUNT, PTHREAD_ONCE_INIT, true, start,
};

static _Thread_local char own_message[512];
static _Thread_local git_error own_error;

static void own_error_clear(void)
{
	own_error.message = NULL;
}

static const git_error *own_error_last(void)
{
	return own_error.message ? &own_error : NULL;
}

static int own_error_set(int error_class, const char *string)
{
	snprintf(own_message, sizeof(own_message), "%s", string ? string : "");
	own_error.message = own_message;
	own_error.klass = error_class;
	return 0;
}

static void *hr_libgit2_symbol(size_t i)
{
	return hr_lazylib_symbol(&libgit2, i);
}

int hr_libgit2_set_opt(int option, int value)
{
	int (*opts)(int, ...);
	*(void **)&opts = hr_libgit2_symbol(HR_LG2_git_libgit2_opts);
	return opts(option, value);
}

'''

TAIL = ""

if __name__ == "__main__":
    main()

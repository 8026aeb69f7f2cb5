/* SPDX-License-Identifier: MIT */
/*
 * shlex.h - the part of BuildKit's shell lexer (frontend/dockerfile/shell)
 * that decides which words of a RUN/COPY/ADD line are heredocs.
 *
 * BuildKit splits the whole logical line into words with this lexer before it
 * looks for `<<WORD`, so quoting, escapes and `${...}` forms decide whether a
 * `<<` starts a heredoc, and a lexing error means "no heredocs at all". The
 * environment is always empty and unset variables are kept as written
 * (SkipUnsetEnv), which is how BuildKit calls it there.
 */
#ifndef HOOK_RUN_SHLEX_H
#define HOOK_RUN_SHLEX_H

#include "arena.h"

typedef struct hr_shlex_opts {
	uint32_t escape;   /* the escape rune: BuildKit always uses '\\' here */
	bool raw_quotes;   /* keep quote characters in the words */
	bool raw_escapes;  /* keep escape characters in the words */
} hr_shlex_opts;

/**
 * Split s[0..n) into words as Lex.ProcessWords does. `words` (a vec of
 * hr_str) receives strings allocated in `arena`. *lex_ok is false when the
 * lexer reports an error (unterminated quote, bad ${...}); the words are then
 * empty. Returns 0 or HR_ENOMEM.
 */
int hr_shlex_words(hr_vec *words, bool *lex_ok, hr_arena *arena,
	const char *s, size_t n, const hr_shlex_opts *opts);

#endif

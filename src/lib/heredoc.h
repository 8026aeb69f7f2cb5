/* SPDX-License-Identifier: MIT */
/*
 * heredoc.h - which words of a logical line open heredocs, as BuildKit's
 * heredocsFromLine/ParseHeredoc decide it.
 */
#ifndef HOOK_RUN_HEREDOC_H
#define HOOK_RUN_HEREDOC_H

#include "arena.h"
#include "hook-run/dockerfile.h"

/**
 * Find the heredocs opened by `line` (the whole logical line, keyword
 * included). `out` is a vec of hr_heredoc with name, fd, expand and chomp
 * filled in. On a lexing error that BuildKit treats as fatal, *error gets a
 * message (in `arena`) and `out` is left empty. Returns 0 or HR_ENOMEM.
 */
int hr_heredocs_from_line(hr_vec *out, const char **error, hr_arena *arena,
	const char *line, size_t len);

/**
 * ParseHeredoc on a single word: true if `word` is a heredoc opener
 * (`<<EOF`, `3<<-"EOF"`), with *out filled. Used by the policy to tell
 * heredoc sources from paths. Returns false on lexing errors too.
 */
bool hr_heredoc_parse_word(hr_heredoc *out, hr_arena *arena, const char *word, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * test_parser.c - unit tests of the Dockerfile parser (hr_dockerfile_parse),
 * on strings.
 *
 * Most tests are rows of one table: a name, the input bytes with an explicit
 * length (NUL bytes and invalid UTF-8 included), and the expected dump of the
 * model in a compact text form (see dump() below). One loop test runs every
 * row and prints one TAP line per row. Each expectation was checked against
 * BuildKit's own parser (moby/buildkit frontend/dockerfile/parser) for what
 * BuildKit can tell: keywords, line ranges, flags, arguments, JSON form,
 * heredocs, honoured directives and the parse error. Columns, spans and notes
 * are hook-run's own and are pinned by the focused tests at the end.
 *
 * Each input is copied into a buffer of exactly its length before parsing,
 * so a read past the end shows up under valgrind or AddressSanitizer.
 *
 * Dump format, one line per item:
 *   bom / escape=`                          file-level facts, when unusual
 *   dir NAME=VALUE @LINE:COL honoured|ignored(notes)
 *   KEYWORD START-END [json] {flag}... [arg]... <<NAME(opts)="body"@B-T
 *       (ONBUILD: `ONBUILD 2-2 > COPY {--link} [a] [b]`)
 *   comment LINE "text" [(cont)]
 *   diag SEVERITY KIND LINE-END:COL message
 * Strings show bytes outside printable ASCII as \xNN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "arena.h"
#include "hook-run/dockerfile.h"

/* ---- the dump ------------------------------------------------------------ */

static void put_escaped(hr_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			hr_buf_putc(b, (char)c);
		else if (c == '\\')
			hr_buf_append(b, "\\\\", 2);
		else if (c == '\n')
			hr_buf_append(b, "\\n", 2);
		else if (c == '\r')
			hr_buf_append(b, "\\r", 2);
		else if (c == '\t')
			hr_buf_append(b, "\\t", 2);
		else
			hr_buf_printf(b, "\\x%02x", c);
	}
}

static const char *note_names[] = {
	"after-block", "indented", "duplicate", "after-bom",
	"in-continuation", "after-check", "invalid-value", "after-shebang",
};

static const char *diag_kind(hr_diag_kind k)
{
	switch (k) {
	case HR_DIAG_PARSE: return "parse";
	case HR_DIAG_INSTRUCTION: return "instruction";
	case HR_DIAG_INPUT: return "input";
	case HR_DIAG_NOTE: return "note";
	}
	return "?";
}

static void dump_instruction(hr_buf *b, const hr_dockerfile *df, const hr_instruction *in, bool sub)
{
	put_escaped(b, in->keyword.ptr, in->keyword.len);
	if (!sub)
		hr_buf_printf(b, " %u-%u", in->start_line, in->end_line);
	if (in->json_form)
		hr_buf_append(b, " json", 5);
	for (size_t i = 0; i < in->nflags; i++) {
		hr_buf_append(b, " {", 2);
		put_escaped(b, in->flags[i].text.ptr, in->flags[i].text.len);
		hr_buf_putc(b, '}');
	}
	for (size_t i = 0; i < in->nargs; i++) {
		hr_buf_append(b, " [", 2);
		put_escaped(b, in->args[i].text.ptr, in->args[i].text.len);
		hr_buf_putc(b, ']');
	}
	if (in->sub) {
		hr_buf_append(b, " > ", 3);
		dump_instruction(b, df, in->sub, true);
	}
	if (sub)
		return;
	for (size_t i = 0; i < in->nheredocs; i++) {
		const hr_heredoc *h = &in->heredocs[i];
		hr_buf_append(b, " <<", 3);
		put_escaped(b, h->name.ptr, h->name.len);
		hr_buf_putc(b, '(');
		if (h->fd)
			hr_buf_printf(b, "fd%llu,", (unsigned long long)h->fd);
		hr_buf_append(b, h->chomp ? "chomp," : "", h->chomp ? 6 : 0);
		hr_buf_append(b, h->expand ? "expand" : "raw", h->expand ? 6 : 3);
		hr_buf_append(b, ")=\"", 3);
		put_escaped(b, df->data + h->body.start, h->body.end - h->body.start);
		hr_buf_printf(b, "\"@%u-%u", h->body_line, h->terminator_line);
	}
}

static void dump(hr_buf *b, const hr_dockerfile *df)
{
	if (df->bom)
		hr_buf_append(b, "bom\n", 4);
	if (df->escape != '\\')
		hr_buf_printf(b, "escape=%c\n", df->escape);
	for (size_t i = 0; i < df->ndirectives; i++) {
		const hr_directive *d = &df->directives[i];
		hr_buf_append(b, "dir ", 4);
		put_escaped(b, d->name.ptr, d->name.len);
		hr_buf_putc(b, '=');
		put_escaped(b, d->value.ptr, d->value.len);
		hr_buf_printf(b, " @%u:%u %s", d->line, d->column, d->honoured ? "honoured" : "ignored");
		if (d->notes) {
			const char *sep = "(";
			for (size_t k = 0; k < sizeof(note_names) / sizeof(note_names[0]); k++)
				if (d->notes & (1u << k)) {
					hr_buf_printf(b, "%s%s", sep, note_names[k]);
					sep = ",";
				}
			hr_buf_putc(b, ')');
		}
		hr_buf_putc(b, '\n');
	}
	for (size_t i = 0; i < df->ninstructions; i++) {
		dump_instruction(b, df, &df->instructions[i], false);
		hr_buf_putc(b, '\n');
	}
	for (size_t i = 0; i < df->ncomments; i++) {
		const hr_comment *c = &df->comments[i];
		hr_buf_printf(b, "comment %u \"", c->line);
		put_escaped(b, c->text.ptr, c->text.len);
		hr_buf_append(b, c->in_continuation ? "\" (cont)\n" : "\"\n", c->in_continuation ? 9 : 2);
	}
	for (size_t i = 0; i < df->ndiags; i++) {
		const hr_diag *d = &df->diags[i];
		hr_buf_printf(b, "diag %s %s %u-%u:%u ", hr_severity_name(d->severity),
			diag_kind(d->kind), d->line, d->end_line, d->column);
		put_escaped(b, d->message, strlen(d->message));
		hr_buf_putc(b, '\n');
	}
}

/* Parse a copy of exactly `len` bytes (no NUL after it). */
static hr_dockerfile *parse_exact(const char *input, size_t len, char **copy)
{
	hr_dockerfile *df = NULL;
	*copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(*copy);
	memcpy(*copy, input, len);
	ck_assert_int_eq(hr_dockerfile_parse(&df, *copy, len), 0);
	ck_assert_ptr_nonnull(df);
	return df;
}

/* ---- the table ----------------------------------------------------------- */

#define S(lit) lit, sizeof(lit) - 1

typedef struct parse_case {
	const char *name;
	const char *input;
	size_t len;
	const char *expected;
} parse_case;

static const parse_case parse_cases[] = {
	/* the directive block */
	{ "syntax directive", S("# syntax=docker/dockerfile:1\nFROM a\n"),
	  "dir syntax=docker/dockerfile:1 @1:1 honoured\n"
	  "FROM 2-2 [a]\n"
	  "comment 1 \"syntax=docker/dockerfile:1\"\n" },
	{ "directive keys are case-insensitive, blanks around '='",
	  S("#  SYNTAX  =  docker/dockerfile:1.7  \n# Escape = `\nFROM a\nRUN a `\n b\n"),
	  "escape=`\n"
	  "dir SYNTAX=docker/dockerfile:1.7 @1:1 honoured\n"
	  "dir Escape=` @2:1 honoured\n"
	  "FROM 3-3 [a]\n"
	  "RUN 4-5 [a  b]\n"
	  "comment 1 \"SYNTAX  =  docker/dockerfile:1.7\"\n"
	  "comment 2 \"Escape = `\"\n" },
	{ "check directive above syntax", S("# check=skip=all\n# syntax=x\nFROM a\n"),
	  "dir check=skip=all @1:1 honoured\n"
	  "dir syntax=x @2:1 honoured(after-check)\n"
	  "FROM 3-3 [a]\n"
	  "comment 1 \"check=skip=all\"\n"
	  "comment 2 \"syntax=x\"\n" },
	{ "blank line ends the directive block", S("\n# syntax=x\n# escape=`\nFROM a\nRUN a `\n"),
	  "dir syntax=x @2:1 ignored(after-block)\n"
	  "dir escape=` @3:1 ignored(after-block)\n"
	  "FROM 4-4 [a]\n"
	  "RUN 5-5 [a `]\n"
	  "comment 2 \"syntax=x\"\n"
	  "comment 3 \"escape=`\"\n" },
	{ "comment ends the directive block", S("# hello\n# syntax=x\nFROM a\n"),
	  "dir syntax=x @2:1 ignored(after-block)\n"
	  "FROM 3-3 [a]\n"
	  "comment 1 \"hello\"\n"
	  "comment 2 \"syntax=x\"\n" },
	{ "unknown key ends the directive block", S("# foo=bar\n# escape=`\nFROM a\nRUN a `\n"),
	  "dir escape=` @2:1 ignored(after-block)\n"
	  "FROM 3-3 [a]\n"
	  "RUN 4-4 [a `]\n"
	  "comment 1 \"foo=bar\"\n"
	  "comment 2 \"escape=`\"\n" },
	{ "instruction ends the directive block", S("FROM a\n# syntax=x\n# escape=`\nRUN b\n"),
	  "dir syntax=x @2:1 ignored(after-block)\n"
	  "dir escape=` @3:1 ignored(after-block)\n"
	  "FROM 1-1 [a]\n"
	  "RUN 4-4 [b]\n"
	  "comment 2 \"syntax=x\"\n"
	  "comment 3 \"escape=`\"\n" },
	{ "indented escape directive is honoured", S("  # escape=`\nFROM a\nRUN a `\n  b\n"),
	  "escape=`\n"
	  "dir escape=` @1:3 honoured(indented)\n"
	  "FROM 2-2 [a]\n"
	  "RUN 3-4 [a   b]\n"
	  "comment 1 \"escape=`\"\n" },
	{ "indented syntax directive is not honoured", S("\t# syntax=x\nFROM a\n"),
	  "dir syntax=x @1:2 ignored(indented)\n"
	  "FROM 2-2 [a]\n"
	  "comment 1 \"syntax=x\"\n" },
	{ "shebang line: syntax read, escape not", S("#!/bin/sh\n# syntax=x\n# escape=`\nFROM a\nRUN a `\n b\n"),
	  "dir syntax=x @2:1 honoured(after-shebang)\n"
	  "dir escape=` @3:1 ignored(after-shebang)\n"
	  "FROM 4-4 [a]\n"
	  "RUN 5-5 [a `]\n"
	  "b 6-6 []\n"
	  "comment 1 \"!/bin/sh\"\n"
	  "comment 2 \"syntax=x\"\n"
	  "comment 3 \"escape=`\"\n"
	  "diag error instruction 6-6:2 unknown instruction: b\n" },
	{ "duplicate syntax directive", S("# syntax=a\n# syntax=b\nFROM a\n"),
	  "dir syntax=a @1:1 honoured\n"
	  "dir syntax=b @2:1 ignored(duplicate)\n"
	  "FROM 3-3 [a]\n"
	  "comment 1 \"syntax=a\"\n"
	  "comment 2 \"syntax=b\"\n"
	  "diag error parse 2-2:1 only one syntax parser directive can be used\n" },
	{ "duplicate escape directive", S("# escape=`\n# escape=\\\nFROM a\n"),
	  "escape=`\n"
	  "dir escape=` @1:1 honoured\n"
	  "dir escape=\\\\ @2:1 ignored(duplicate)\n"
	  "FROM 3-3 [a]\n"
	  "comment 1 \"escape=`\"\n"
	  "comment 2 \"escape=\\\\\"\n"
	  "diag error parse 2-2:1 only one escape parser directive can be used\n" },
	{ "directive after a duplicate-free block is a comment", S("# syntax=a\nFROM a\n# syntax=b\n"),
	  "dir syntax=a @1:1 honoured\n"
	  "dir syntax=b @3:1 ignored(after-block)\n"
	  "FROM 2-2 [a]\n"
	  "comment 1 \"syntax=a\"\n"
	  "comment 3 \"syntax=b\"\n" },
	{ "invalid escape value", S("# escape=x\nFROM a\n"),
	  "dir escape=x @1:1 ignored(invalid-value)\n"
	  "FROM 2-2 [a]\n"
	  "comment 1 \"escape=x\"\n"
	  "diag error parse 1-1:1 invalid escape token 'x' does not match ` or \\\\\n" },
	{ "escape value of blanks only", S("# escape= \nFROM a\n"),
	  "dir escape=  @1:1 ignored(invalid-value)\n"
	  "FROM 2-2 [a]\n"
	  "comment 1 \"escape=\"\n"
	  "diag error parse 1-1:1 invalid escape token ' ' does not match ` or \\\\\n" },
	{ "escape without value is no directive", S("# escape=\nFROM a\nRUN a `\n"),
	  "FROM 2-2 [a]\n"
	  "RUN 3-3 [a `]\n"
	  "comment 1 \"escape=\"\n" },
	{ "directive behind a BOM", S("\xEF\xBB\xBF# syntax=x\nFROM a\n"),
	  "bom\n"
	  "dir syntax=x @1:4 honoured(after-bom)\n"
	  "FROM 2-2 [a]\n"
	  "comment 1 \"syntax=x\"\n" },

	/* the escape character and continuations */
	{ "backtick escape", S("# escape=`\nFROM a\nRUN echo a `\n  b\nCOPY C:\\a b\n"),
	  "escape=`\n"
	  "dir escape=` @1:1 honoured\n"
	  "FROM 2-2 [a]\n"
	  "RUN 3-4 [echo a   b]\n"
	  "COPY 5-5 [C:\\\\a] [b]\n"
	  "comment 1 \"escape=`\"\n" },
	{ "continuation with trailing blanks", S("FROM a\nRUN a \\  \t\n  b\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-3 [a   b]\n" },
	{ "two backslashes never continue", S("FROM a\nRUN a \\\\\nRUN b \\\\  \n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2 [a \\\\\\\\]\n"
	  "RUN 3-3 [b \\\\\\\\]\n" },
	{ "two backticks never continue", S("# escape=`\nFROM a\nRUN a ``\nRUN b\n"),
	  "escape=`\n"
	  "dir escape=` @1:1 honoured\n"
	  "FROM 2-2 [a]\n"
	  "RUN 3-3 [a ``]\n"
	  "RUN 4-4 [b]\n"
	  "comment 1 \"escape=`\"\n" },
	{ "escape character mid-line", S("FROM a\nRUN a \\ b\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2 [a \\\\ b]\n" },
	{ "comments and blank lines inside a continuation", S("FROM a\nRUN a \\\n# comment\n  # indented\n\n  b\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-6 [a   b]\n"
	  "comment 3 \"comment\" (cont)\n"
	  "comment 4 \"indented\" (cont)\n"
	  "diag warning note 2-6:1 empty continuation line in RUN (BuildKit warns: it will become an error)\n" },
	{ "blank line of spaces inside a continuation", S("FROM a\nRUN a \\\n   \t\n b\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-4 [a  b]\n"
	  "diag warning note 2-4:1 empty continuation line in RUN (BuildKit warns: it will become an error)\n" },
	{ "file ends inside a continuation", S("FROM a\nRUN echo \\"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2 [echo]\n" },
	{ "continuation then only a comment", S("FROM a\nRUN a \\\n# c\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-3 [a]\n"
	  "comment 3 \"c\" (cont)\n" },
	{ "a lone escape line continues into the next", S("\\\nFROM a\n"),
	  "FROM 1-2 [a]\n" },

	/* line endings and byte order mark */
	{ "CRLF", S("FROM a\r\nRUN a \\\r\n b\r\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-3 [a  b]\n" },
	{ "CRLF heredoc body keeps CR", S("FROM a\r\nRUN <<EOF\r\nbody\r\nEOF\r\nRUN b\r\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-4 [<<EOF] <<EOF(expand)=\"body\\r\\n\"@3-4\n"
	  "RUN 5-5 [b]\n" },
	{ "lone CR is not a line end", S("FROM a\rRUN b\n"),
	  "FROM 1-1 [a] [RUN] [b]\n" },
	{ "BOM", S("\xEF\xBB\xBF" "FROM a\n"),
	  "bom\n"
	  "FROM 1-1 [a]\n" },
	{ "BOM on a later line is part of the keyword", S("FROM a\n\xEF\xBB\xBFRUN b\n"),
	  "FROM 1-1 [a]\n"
	  "\\xef\\xbb\\xbfRUN 2-2 []\n"
	  "diag error instruction 2-2:1 unknown instruction: \\xef\\xbb\\xbfRUN\n" },

	/* heredocs */
	{ "heredoc", S("FROM a\nRUN <<EOF\necho hi\nEOF\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-4 [<<EOF] <<EOF(expand)=\"echo hi\\n\"@3-4\n" },
	{ "heredoc <<- matches a tab-indented terminator", S("FROM a\nRUN <<-EOF\n\t\techo hi\n\tEOF\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-4 [<<-EOF] <<EOF(chomp,expand)=\"\\t\\techo hi\\n\"@3-4\n" },
	{ "heredoc <<- strips tabs, not spaces", S("FROM a\nRUN <<-EOF\n  EOF\n\tEOF\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-4 [<<-EOF] <<EOF(chomp,expand)=\"  EOF\\n\"@3-4\n" },
	{ "quoted heredoc words are not expanded", S("FROM a\nRUN <<\"EOF\" <<'E2'\n$x\nEOF\n$y\nE2\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-6 [<<\"EOF\" <<'E2'] <<EOF(raw)=\"$x\\n\"@3-4 <<E2(raw)=\"$y\\n\"@5-6\n" },
	{ "heredoc with a fd prefix", S("FROM a\nRUN 3<<EOF cat /proc/self/fd/3\nhi\nEOF\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-4 [3<<EOF cat /proc/self/fd/3] <<EOF(fd3,expand)=\"hi\\n\"@3-4\n" },
	{ "several heredocs on one line", S("FROM a\nCOPY <<A <<B /dst/\na\nA\nb\nB\nRUN x\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-6 [<<A] [<<B] [/dst/] <<A(expand)=\"a\\n\"@3-4 <<B(expand)=\"b\\n\"@5-6\n"
	  "RUN 7-7 [x]\n" },
	{ "heredoc under ONBUILD", S("FROM a\nONBUILD RUN <<EOF\necho\nEOF\n"),
	  "FROM 1-1 [a]\n"
	  "ONBUILD 2-4 > RUN [<<EOF] <<EOF(expand)=\"echo\\n\"@3-4\n" },
	{ "JSON form never has heredocs", S("FROM a\nRUN [\"<<EOF\"]\nEOF\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2 json [<<EOF]\n"
	  "EOF 3-3 []\n"
	  "diag error instruction 3-3:1 unknown instruction: EOF\n" },
	{ "heredocs only for RUN, COPY, ADD", S("FROM a\nCMD <<EOF\nEOF\n"),
	  "FROM 1-1 [a]\n"
	  "CMD 2-2 [<<EOF]\n"
	  "EOF 3-3 []\n"
	  "diag error instruction 3-3:1 unknown instruction: EOF\n" },
	{ "heredoc terminator must match exactly", S("FROM a\nRUN <<EOF\nEOF \n EOF\nEOF\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-5 [<<EOF] <<EOF(expand)=\"EOF \\n EOF\\n\"@3-5\n" },
	{ "empty heredoc", S("FROM a\nADD <<EOF /x\nEOF\n"),
	  "FROM 1-1 [a]\n"
	  "ADD 2-3 [<<EOF] [/x] <<EOF(expand)=\"\"@3-3\n" },
	{ "heredoc opened on a continued line", S("FROM a\nRUN cat \\\n <<EOF\nx\nEOF\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-5 [cat  <<EOF] <<EOF(expand)=\"x\\n\"@4-5\n" },
	{ "heredoc body is raw", S("FROM a\nrun <<eof\n# not a comment\nFROM b \\\neof\n"),
	  "FROM 1-1 [a]\n"
	  "run 2-5 [<<eof] <<eof(expand)=\"# not a comment\\nFROM b \\\\\\n\"@3-5\n" },
	{ "quoted <<EOF is not a heredoc", S("FROM a\nRUN echo \"<<EOF\"\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2 [echo \"<<EOF\"]\n" },
	{ "unterminated heredoc", S("FROM a\nRUN <<EOF\necho\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-3 [<<EOF] <<EOF(expand)=\"echo\\n\"@3-0\n"
	  "diag error parse 2-3:1 unterminated heredoc 'EOF'\n" },
	{ "second heredoc unterminated", S("FROM a\nRUN <<A <<B\na\nA\nb\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-5 [<<A <<B] <<A(expand)=\"a\\n\"@3-4 <<B(expand)=\"b\\n\"@5-0\n"
	  "diag error parse 2-5:1 unterminated heredoc 'B'\n" },

	/* flags */
	{ "--link values", S("FROM a\nCOPY --link a b\nCOPY --link=false a b\nCOPY --link=TRUE a b\nCOPY --link=yes a b\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2 {--link} [a] [b]\n"
	  "COPY 3-3 {--link=false} [a] [b]\n"
	  "COPY 4-4 {--link=TRUE} [a] [b]\n"
	  "COPY 5-5 {--link=yes} [a] [b]\n" },
	{ "-- ends the flags", S("FROM a\nCOPY --from=x -- --link a b\nCOPY -- a b\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2 {--from=x} [--link] [a] [b]\n"
	  "COPY 3-3 [a] [b]\n" },
	{ "quotes are removed in flags", S("FROM a\nCOPY --from=\"my stage\" --chown='a b' --x=\"\" a b\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2 {--from=my stage} {--chown=a b} {--x=} [a] [b]\n" },
	{ "escapes in flags", S("FROM a\nCOPY --from=a\\ b x y\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2 {--from=a b} [x] [y]\n" },
	{ "flag names are case-sensitive", S("FROM a\nCOPY --LINK --Link=TRUE a b\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2 {--LINK} {--Link=TRUE} [a] [b]\n" },
	{ "flag split across a continuation", S("FROM a\nCOPY --chown=1:1 --ch\\\nmod=755 a \\\n  b\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-4 {--chown=1:1} {--chmod=755} [a] [b]\n" },
	{ "a flag after an argument is an argument", S("FROM a\nCOPY a --link b\nCOPY -a b\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2 [a] [--link] [b]\n"
	  "COPY 3-3 [-a] [b]\n" },
	{ "flags on FROM and RUN", S("FROM --platform=linux/amd64 a AS b\nRUN --mount=type=cache,target=/x make\n"),
	  "FROM 1-1 {--platform=linux/amd64} [a] [AS] [b]\n"
	  "RUN 2-2 {--mount=type=cache,target=/x} [make]\n" },
	{ "flags and nothing else", S("FROM a\nCOPY --link\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2 {--link}\n" },

	/* JSON form */
	{ "JSON form", S("FROM a\nCOPY [\"a b\", \"c\"]\nCMD [ \"x\" ,\t\"y\" ]\nCMD []\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2 json [a b] [c]\n"
	  "CMD 3-3 json [x] [y]\n"
	  "CMD 4-4 json\n" },
	{ "invalid JSON falls back to shell form", S("FROM a\nCMD [\"a\" \"b\"]\nCOPY [a] b\nRUN [\"a\"] x\nCMD ['a']\n"),
	  "FROM 1-1 [a]\n"
	  "CMD 2-2 [[\"a\" \"b\"]]\n"
	  "COPY 3-3 [[a]] [b]\n"
	  "RUN 4-4 [[\"a\"] x]\n"
	  "CMD 5-5 [['a']]\n" },
	{ "JSON array of non-strings", S("FROM a\nCOPY [1, \"a\"]\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2\n"
	  "diag error parse 2-2:1 when using JSON array syntax, arrays must be comprised of strings only\n" },
	{ "JSON form after flags", S("FROM a\nCOPY --link [\"a\", \"b\"]\n"),
	  "FROM 1-1 [a]\n"
	  "COPY 2-2 json {--link} [a] [b]\n" },
	{ "JSON form across a continuation", S("FROM a\nCMD [\"a\", \\\n  \"b\\u00e9\"]\n"),
	  "FROM 1-1 [a]\n"
	  "CMD 2-3 json [a] [b\\xc3\\xa9]\n" },

	/* keywords and instructions */
	{ "keywords are case-insensitive", S("from a\nCoPy a b\nrUn x\n"),
	  "from 1-1 [a]\n"
	  "CoPy 2-2 [a] [b]\n"
	  "rUn 3-3 [x]\n" },
	{ "unknown instruction", S("FROM a\nFOO bar\n"),
	  "FROM 1-1 [a]\n"
	  "FOO 2-2 []\n"
	  "diag error instruction 2-2:1 unknown instruction: FOO\n" },
	{ "ONBUILD COPY", S("FROM a\nONBUILD COPY --link --from=b /a /b\nonbuild run x\n"),
	  "FROM 1-1 [a]\n"
	  "ONBUILD 2-2 > COPY {--link} {--from=b} [/a] [/b]\n"
	  "onbuild 3-3 > run [x]\n" },
	{ "ONBUILD ONBUILD", S("FROM a\nONBUILD ONBUILD RUN x\n"),
	  "FROM 1-1 [a]\n"
	  "ONBUILD 2-2 > ONBUILD > RUN [x]\n" },
	{ "ONBUILD alone", S("FROM a\nONBUILD\n"),
	  "FROM 1-1 [a]\n"
	  "ONBUILD 2-2\n" },
	{ "keyword followed by tabs", S("FROM\ta\nRUN\t\tb\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2 [b]\n" },
	{ "leading blanks before the keyword", S("  FROM a\n\tRUN b\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2 [b]\n" },
	{ "keyword without arguments", S("FROM a\nRUN\nUSER\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2\n"
	  "USER 3-3\n" },
	{ "ENV, LABEL, ARG forms", S("FROM a\nENV A=1 B=\"2 3\"\nENV C d e\nLABEL x=y\nARG Z=1\n"),
	  "FROM 1-1 [a]\n"
	  "ENV 2-2 [A] [1] [=] [B] [\"2 3\"] [=]\n"
	  "ENV 3-3 [C] [d e] []\n"
	  "LABEL 4-4 [x] [y] [=]\n"
	  "ARG 5-5 [Z=1]\n" },
	{ "ENV without a value", S("FROM a\nENV A\n"),
	  "FROM 1-1 [a]\n"
	  "ENV 2-2\n"
	  "diag error parse 2-2:1 ENV must have two arguments\n" },
	{ "ENV word without '='", S("FROM a\nENV A=1 B\n"),
	  "FROM 1-1 [a]\n"
	  "ENV 2-2\n"
	  "diag error parse 2-2:1 Syntax error - can't find = in \"B\". Must be of the form: name=value\n" },
	{ "other instructions", S("FROM a\nUSER  root \nWORKDIR /x y\nSTOPSIGNAL 9\nMAINTAINER me\nEXPOSE 80 443/tcp\n"
	                          "VOLUME /a /b\nSHELL [\"/bin/sh\", \"-c\"]\nHEALTHCHECK --interval=5s CMD [\"curl\", \"x\"]\n"),
	  "FROM 1-1 [a]\n"
	  "USER 2-2 [root]\n"
	  "WORKDIR 3-3 [/x y]\n"
	  "STOPSIGNAL 4-4 [9]\n"
	  "MAINTAINER 5-5 [me]\n"
	  "EXPOSE 6-6 [80] [443/tcp]\n"
	  "VOLUME 7-7 [/a] [/b]\n"
	  "SHELL 8-8 json [/bin/sh] [-c]\n"
	  "HEALTHCHECK 9-9 json {--interval=5s} [CMD] [curl] [x]\n" },

	/* whole files and odd bytes */
	{ "empty file", S(""),
	  "diag error parse 0-0:0 file with no instructions\n" },
	{ "comment-only file", S("# hi\n\n# there\n"),
	  "comment 1 \"hi\"\n"
	  "comment 3 \"there\"\n"
	  "diag error parse 3-3:0 file with no instructions\n" },
	{ "blank lines only", S("\n\n  \n"),
	  "diag error parse 3-3:0 file with no instructions\n" },
	{ "a file of only the escape character", S("\\"),
	  " 1-1 []\n"
	  "diag error instruction 1-1:1 unknown instruction: \n" },
	{ "no final newline", S("FROM a"),
	  "FROM 1-1 [a]\n" },
	{ "NUL byte", S("FROM a\nRUN echo \0x\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2 [echo \\x00x]\n"
	  "diag error input 2-2:10 binary content: NUL byte at line 2, column 10\n" },
	{ "invalid UTF-8", S("FROM a\nRUN echo \xff\xfe\n"),
	  "FROM 1-1 [a]\n"
	  "RUN 2-2 [echo \\xff\\xfe]\n"
	  "diag warning note 2-2:10 invalid UTF-8 at line 2, column 10 (BuildKit passes the bytes through)\n" },
	{ "Unicode blanks", S("\xc2\xa0" "FROM a\nRUN\xc2\xa0x\n"),
	  "FROM 1-1 [a]\n"
	  "RUN\\xc2\\xa0x 2-2 []\n"
	  "diag error instruction 2-2:1 unknown instruction: RUN\\xc2\\xa0x\n" },
};

#define NCASES (sizeof(parse_cases) / sizeof(parse_cases[0]))

static void as_tap_comment(hr_buf *m, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		hr_buf_append(m, "#   ", 4);
		hr_buf_append(m, s + i, e - i);
		hr_buf_putc(m, '\n');
		i = e + 1;
	}
}

START_TEST(test_parse_table)
{
	const parse_case *c = &parse_cases[_i];
	char *copy;
	hr_dockerfile *df = parse_exact(c->input, c->len, &copy);
	hr_buf b = HR_BUF_INIT;

	dump(&b, df);
	ck_assert(!b.oom);
	if (b.len != strlen(c->expected) || memcmp(b.ptr ? b.ptr : "", c->expected, b.len) != 0) {
		/* both dumps, each line a TAP comment so the driver is not confused */
		hr_buf m = HR_BUF_INIT;
		hr_buf_append(&m, "\n# expected:\n", strlen("\n# expected:\n"));
		as_tap_comment(&m, c->expected, strlen(c->expected));
		hr_buf_append(&m, "# got:\n", strlen("# got:\n"));
		as_tap_comment(&m, b.ptr ? b.ptr : "", b.len);
		static char msg[16384];
		snprintf(msg, sizeof(msg), "%s: the model differs%.*s", c->name, (int)m.len, m.ptr ? m.ptr : "");
		hr_buf_free(&m);
		hr_buf_free(&b);
		hr_dockerfile_free(df);
		free(copy);
		ck_abort_msg("%s", msg);
	}
	hr_buf_free(&b);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

/* ---- focused tests: positions -------------------------------------------- */

/* offset of the n-th (1-based) occurrence of `needle` in s[0..len) */
static size_t at(const char *s, size_t len, const char *needle, int n)
{
	size_t nl = strlen(needle);
	for (size_t i = 0; i + nl <= len; i++)
		if (memcmp(s + i, needle, nl) == 0 && --n == 0)
			return i;
	ck_abort_msg("'%s' not found", needle);
	return 0;
}

#define ck_span(sp, s, e) do { \
	ck_assert_uint_eq((sp).start, (s)); \
	ck_assert_uint_eq((sp).end, (e)); \
} while (0)

static void ck_pos(const hr_dockerfile *df, size_t off, uint32_t line, uint32_t col)
{
	uint32_t l, c;
	hr_dockerfile_position(df, off, &l, &c);
	ck_assert_uint_eq(l, line);
	ck_assert_uint_eq(c, col);
}

START_TEST(test_keyword_positions)
{
	static const char in[] = "FROM a\n  copy a b\n\tONBUILD  RUN x\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);

	ck_assert_uint_eq(df->ninstructions, 3);
	const hr_instruction *cp = &df->instructions[1], *ob = &df->instructions[2];
	ck_assert_int_eq(cp->kind, HR_KW_COPY);
	ck_assert_hr_str(cp->keyword, "copy");
	ck_span(cp->keyword_span, 9, 13);
	ck_assert_uint_eq(cp->column, 3);
	ck_assert_uint_eq(cp->start_line, 2);
	ck_span(cp->span, 9, 17);
	ck_span(cp->args_span, 14, 17);
	ck_assert_hr_str(cp->original, "copy a b");

	ck_assert_int_eq(ob->kind, HR_KW_ONBUILD);
	ck_span(ob->keyword_span, 19, 26);
	ck_assert_uint_eq(ob->column, 2);
	ck_assert_ptr_nonnull(ob->sub);
	ck_assert_int_eq(ob->sub->kind, HR_KW_RUN);
	ck_span(ob->sub->keyword_span, 28, 31);
	ck_assert_uint_eq(ob->sub->column, 11);
	ck_assert_uint_eq(ob->sub->start_line, 3);
	ck_assert_uint_eq(ob->sub->end_line, 3);
	ck_span(ob->span, 19, 33);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_flag_on_third_line)
{
	/* the flag sits on the 3rd physical line of a continued COPY */
	static const char in[] = "FROM a\nCOPY \\\n  \\\n   --link=true b \\\n  c\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);

	ck_assert_uint_eq(df->ninstructions, 2);
	const hr_instruction *cp = &df->instructions[1];
	ck_assert_uint_eq(cp->start_line, 2);
	ck_assert_uint_eq(cp->end_line, 5);
	ck_assert_uint_eq(cp->nflags, 1);
	size_t f = at(S(in), "--link", 1);
	ck_span(cp->flags[0].span, f, f + 11);
	ck_pos(df, cp->flags[0].span.start, 4, 4);
	ck_assert_hr_str(cp->flags[0].text, "--link=true");
	ck_assert_hr_str(cp->flags[0].name, "link");
	ck_assert_hr_str(cp->flags[0].value, "true");
	ck_assert(cp->flags[0].has_value);

	ck_assert_uint_eq(cp->nargs, 2);
	size_t b = at(S(in), "b \\", 1), c = at(S(in), "c\n", 1);
	ck_span(cp->args[0].span, b, b + 1);
	ck_span(cp->args[1].span, c, c + 1);
	ck_pos(df, c, 5, 3);
	ck_span(cp->args_span, b, c + 1);
	ck_span(cp->span, at(S(in), "COPY", 1), c + 1);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_flag_split_across_lines)
{
	static const char in[] = "FROM a\nCOPY --chown=1:1 --ch\\\nmod=755 a \\\n  b\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);
	const hr_instruction *cp = &df->instructions[1];

	ck_assert_uint_eq(cp->nflags, 2);
	size_t c1 = at(S(in), "--chown", 1), c2 = at(S(in), "--ch\\", 1), e2 = at(S(in), "755", 1) + 3;
	ck_span(cp->flags[0].span, c1, c1 + 11);
	ck_assert_hr_str(cp->flags[1].text, "--chmod=755");
	ck_assert_hr_str(cp->flags[1].name, "chmod");
	ck_assert_hr_str(cp->flags[1].value, "755");
	/* the span covers both physical lines, the escape and newline included */
	ck_span(cp->flags[1].span, c2, e2);
	ck_pos(df, cp->flags[1].span.start, 2, 18);
	ck_pos(df, cp->flags[1].span.end, 3, 8);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_flag_without_value)
{
	static const char in[] = "FROM a\nCOPY --link --from= \"--x\" a b\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);
	const hr_instruction *cp = &df->instructions[1];

	ck_assert_uint_eq(cp->nflags, 2);
	ck_assert(!cp->flags[0].has_value);
	ck_assert_hr_str(cp->flags[0].name, "link");
	ck_assert_uint_eq(cp->flags[0].value.len, 0);
	ck_assert(cp->flags[1].has_value);
	ck_assert_hr_str(cp->flags[1].name, "from");
	ck_assert_uint_eq(cp->flags[1].value.len, 0);
	/* a quoted "--x" is not a flag word: BuildKit looks at the raw "--" */
	ck_assert_uint_eq(cp->nargs, 3);
	ck_assert_hr_str(cp->args[0].text, "\"--x\"");
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_json_arg_spans)
{
	static const char in[] = "FROM a\nCOPY [\"a b\", \\\n \"c\"]\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);
	const hr_instruction *cp = &df->instructions[1];

	ck_assert(cp->json_form);
	ck_assert_uint_eq(cp->nargs, 2);
	size_t a = at(S(in), "\"a b\"", 1), c = at(S(in), "\"c\"", 1);
	ck_assert_hr_str(cp->args[0].text, "a b");
	ck_span(cp->args[0].span, a, a + 5);
	ck_span(cp->args[1].span, c, c + 3);
	ck_pos(df, c, 3, 2);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_heredoc_positions)
{
	static const char in[] = "FROM a\r\nCOPY <<A <<-B /x\r\na1\r\nA\r\n\tb1\r\n\tB\r\nRUN c\r\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);

	ck_assert(df->crlf);
	ck_assert_uint_eq(df->ninstructions, 3);
	const hr_instruction *cp = &df->instructions[1];
	ck_assert_uint_eq(cp->start_line, 2);
	ck_assert_uint_eq(cp->end_line, 6);
	ck_assert_uint_eq(cp->nheredocs, 2);
	const hr_heredoc *h = cp->heredocs;
	size_t a1 = at(S(in), "a1", 1), b1 = at(S(in), "\tb1", 1);
	ck_assert_hr_str(h[0].name, "A");
	ck_span(h[0].body, a1, a1 + 4);
	ck_assert_uint_eq(h[0].body_line, 3);
	ck_assert_uint_eq(h[0].terminator_line, 4);
	ck_assert(h[1].chomp);
	ck_span(h[1].body, b1, b1 + 5);
	ck_assert_uint_eq(h[1].body_line, 5);
	ck_assert_uint_eq(h[1].terminator_line, 6);
	/* the instruction ends with its last terminator, CR excluded */
	ck_assert_uint_eq(cp->span.end, at(S(in), "\tB\r", 1) + 2);
	ck_assert_uint_eq(df->instructions[2].start_line, 7);

	hr_span ls = hr_dockerfile_line_span(df, 4);
	ck_span(ls, at(S(in), "A\r\n\t", 1), at(S(in), "A\r\n\t", 1) + 1);
	ls = hr_dockerfile_line_span(df, 99);
	ck_span(ls, 0, 0);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_empty_heredoc_positions)
{
	static const char in[] = "FROM a\nRUN <<EOF\nEOF\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);
	const hr_heredoc *h = df->instructions[1].heredocs;

	ck_assert_uint_eq(df->instructions[1].nheredocs, 1);
	ck_assert_uint_eq(h->body.start, h->body.end);
	ck_assert_uint_eq(h->body_line, 3);
	ck_assert_uint_eq(h->terminator_line, 3);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_directive_positions)
{
	static const char in[] = "\xEF\xBB\xBF#  Syntax = docker/dockerfile:1  \r\n  # escape=`\r\nFROM a\r\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);

	ck_assert(df->bom);
	ck_assert_uint_eq(df->ndirectives, 2);
	const hr_directive *s = &df->directives[0], *e = &df->directives[1];
	ck_assert_int_eq(s->kind, HR_DIRECTIVE_SYNTAX);
	ck_assert_hr_str(s->name, "Syntax");
	ck_assert_hr_str(s->value, "docker/dockerfile:1");
	ck_assert_uint_eq(s->line, 1);
	ck_assert_uint_eq(s->column, 4);
	ck_span(s->value_span, 15, 34);
	ck_span(s->span, 0, 36);
	ck_assert(s->honoured);
	ck_assert_uint_eq(s->notes, HR_DIRECTIVE_AFTER_BOM);
	ck_assert_ptr_eq(df->syntax, s);

	ck_assert_int_eq(e->kind, HR_DIRECTIVE_ESCAPE);
	ck_assert_uint_eq(e->line, 2);
	ck_assert_uint_eq(e->column, 3);
	ck_assert(e->honoured);
	ck_assert_uint_eq(e->notes, HR_DIRECTIVE_INDENTED);
	ck_assert_ptr_eq(df->escape_directive, e);
	ck_assert_int_eq(df->escape, '`');
	ck_assert_ptr_null(df->check);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_comment_positions)
{
	static const char in[] = "FROM a\n  #  note  \nRUN a \\\n # inside\n b\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);

	ck_assert_uint_eq(df->ncomments, 2);
	ck_assert_hr_str(df->comments[0].text, "note");
	ck_assert_uint_eq(df->comments[0].line, 2);
	ck_span(df->comments[0].span, 9, 18);
	ck_assert(!df->comments[0].in_continuation);
	ck_assert_hr_str(df->comments[1].text, "inside");
	ck_assert_uint_eq(df->comments[1].line, 4);
	ck_assert(df->comments[1].in_continuation);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_diag_positions)
{
	static const char in[] = "FROM a\n  BOGUS x\nCOPY \\\n [1]\nRUN <<EOF\nx\n";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);

	ck_assert(hr_dockerfile_has_errors(df));
	ck_assert_uint_eq(df->ndiags, 3);
	ck_assert_int_eq(df->diags[0].kind, HR_DIAG_INSTRUCTION);
	ck_assert_uint_eq(df->diags[0].line, 2);
	ck_assert_uint_eq(df->diags[0].column, 3);
	ck_assert_int_eq(df->diags[1].kind, HR_DIAG_PARSE);
	ck_assert_uint_eq(df->diags[1].line, 3);
	ck_assert_uint_eq(df->diags[1].end_line, 4);
	ck_assert_int_eq(df->diags[2].kind, HR_DIAG_PARSE);
	ck_assert_uint_eq(df->diags[2].line, 5);
	ck_assert_uint_eq(df->diags[2].end_line, 6);
	ck_assert_str_eq(df->diags[2].message, "unterminated heredoc 'EOF'");
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

START_TEST(test_position_lookup)
{
	static const char in[] = "FROM a\r\n\nRUN b";
	char *copy;
	hr_dockerfile *df = parse_exact(S(in), &copy);

	ck_assert_uint_eq(df->nlines, 3);
	ck_pos(df, 0, 1, 1);
	ck_pos(df, 6, 1, 7);
	ck_pos(df, 8, 2, 1);
	ck_pos(df, 9, 3, 1);
	ck_pos(df, 13, 3, 5);
	ck_pos(df, 14, 3, 6); /* one past the end */
	hr_span s = hr_dockerfile_line_span(df, 1);
	ck_span(s, 0, 6);
	s = hr_dockerfile_line_span(df, 2);
	ck_span(s, 8, 8);
	s = hr_dockerfile_line_span(df, 3);
	ck_span(s, 9, 14);
	s = hr_dockerfile_line_span(df, 0);
	ck_span(s, 0, 0);
	hr_dockerfile_free(df);
	free(copy);
}
END_TEST

/* ---- focused tests: the scanner's line limit ------------------------------ */

/* "FROM a\n" + a RUN line of exactly `n` bytes + `eol` + "RUN b\n" */
static char *long_line_file(size_t n, const char *eol, size_t *len)
{
	size_t el = strlen(eol);
	char *buf = malloc(7 + n + el + 6);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "FROM a\nRUN ", 11);
	memset(buf + 11, 'x', n - 4);
	memcpy(buf + 7 + n, eol, el);
	memcpy(buf + 7 + n + el, "RUN b\n", 6);
	*len = 7 + n + el + 6;
	return buf;
}

static const struct {
	size_t n;
	const char *eol;
	size_t ninstructions;
	bool error;
} long_lines[] = {
	{ 65535, "\n", 3, false },
	{ 65536, "\n", 1, true },
	{ 65534, "\r\n", 3, false },
	{ 65535, "\r\n", 1, true }, /* the CR counts: BuildKit's buffer holds it */
	{ 200000, "\n", 1, true },
};

START_TEST(test_line_limit)
{
	size_t len;
	char *buf = long_line_file(long_lines[_i].n, long_lines[_i].eol, &len);
	hr_dockerfile *df = NULL;

	ck_assert_int_eq(hr_dockerfile_parse(&df, buf, len), 0);
	ck_assert_uint_eq(df->ninstructions, long_lines[_i].ninstructions);
	ck_assert(hr_dockerfile_has_errors(df) == long_lines[_i].error);
	if (long_lines[_i].error) {
		ck_assert_uint_eq(df->ndiags, 1);
		ck_assert_str_eq(df->diags[0].message, "dockerfile line greater than max allowed size of 65535");
		ck_assert_uint_eq(df->diags[0].line, 2);
	}
	hr_dockerfile_free(df);
	free(buf);
}
END_TEST

START_TEST(test_long_line_at_eof)
{
	size_t len;
	char *buf = long_line_file(65536, "", &len);
	hr_dockerfile *df = NULL;

	/* drop the trailing "RUN b\n": the long line is the last, unterminated */
	ck_assert_int_eq(hr_dockerfile_parse(&df, buf, len - 6), 0);
	ck_assert_uint_eq(df->ninstructions, 1);
	ck_assert(hr_dockerfile_has_errors(df));
	hr_dockerfile_free(df);
	ck_assert_int_eq(hr_dockerfile_parse(&df, buf, len - 7), 0); /* 65535 bytes */
	ck_assert_uint_eq(df->ninstructions, 2);
	ck_assert(!hr_dockerfile_has_errors(df));
	hr_dockerfile_free(df);
	free(buf);
}
END_TEST

/* ---- focused tests: the API's edges ---------------------------------------- */

START_TEST(test_null_input)
{
	hr_dockerfile *df = (hr_dockerfile *)1;

	ck_assert_int_eq(hr_dockerfile_parse(&df, NULL, 1), HR_EINVALID);
	ck_assert_ptr_null(df);
	ck_assert_int_eq(hr_dockerfile_parse(&df, NULL, 0), 0);
	ck_assert_uint_eq(df->ninstructions, 0);
	ck_assert(hr_dockerfile_has_errors(df));
	ck_assert_str_eq(df->diags[0].message, "file with no instructions");
	hr_dockerfile_free(df);
	hr_dockerfile_free(NULL);
}
END_TEST

START_TEST(test_keyword_names)
{
	ck_assert_str_eq(hr_keyword_name(HR_KW_COPY), "copy");
	ck_assert_str_eq(hr_keyword_name(HR_KW_HEALTHCHECK), "healthcheck");
	ck_assert_str_eq(hr_keyword_name(HR_KW_WORKDIR), "workdir");
	ck_assert_str_eq(hr_keyword_name(HR_KW_UNKNOWN), "");
}
END_TEST

START_TEST(test_many_continuations_and_heredocs)
{
	/* 20000 continued lines and 2000 heredocs: linear, and all kept */
	hr_buf in = HR_BUF_INIT;
	hr_dockerfile *df = NULL;

	hr_buf_append(&in, "FROM a\nRUN a \\\n", 15);
	for (int i = 0; i < 20000; i++)
		hr_buf_append(&in, " && b \\\n", 8);
	hr_buf_append(&in, " c\nCOPY", 7);
	for (int i = 0; i < 2000; i++)
		hr_buf_printf(&in, " <<E%d", i);
	hr_buf_append(&in, " /d/\n", 5);
	for (int i = 0; i < 2000; i++)
		hr_buf_printf(&in, "body %d\nE%d\n", i, i);
	ck_assert(!in.oom);
	ck_assert_int_eq(hr_dockerfile_parse(&df, in.ptr, in.len), 0);
	ck_assert_uint_eq(df->ninstructions, 3);
	ck_assert_uint_eq(df->instructions[1].end_line, 20003);
	ck_assert_uint_eq(df->instructions[2].nheredocs, 2000);
	ck_assert_uint_eq(df->instructions[2].end_line, 20004 + 4000);
	ck_assert(!hr_dockerfile_has_errors(df));
	hr_dockerfile_free(df);
	hr_buf_free(&in);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("parser");
	TCase *tc = tcase_create("table");
	tcase_add_loop_test(tc, test_parse_table, 0, (int)NCASES);
	suite_add_tcase(s, tc);

	tc = tcase_create("positions");
	tcase_add_test(tc, test_keyword_positions);
	tcase_add_test(tc, test_flag_on_third_line);
	tcase_add_test(tc, test_flag_split_across_lines);
	tcase_add_test(tc, test_flag_without_value);
	tcase_add_test(tc, test_json_arg_spans);
	tcase_add_test(tc, test_heredoc_positions);
	tcase_add_test(tc, test_empty_heredoc_positions);
	tcase_add_test(tc, test_directive_positions);
	tcase_add_test(tc, test_comment_positions);
	tcase_add_test(tc, test_diag_positions);
	tcase_add_test(tc, test_position_lookup);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_loop_test(tc, test_line_limit, 0, (int)(sizeof(long_lines) / sizeof(long_lines[0])));
	tcase_add_test(tc, test_long_line_at_eof);
	tcase_add_test(tc, test_null_input);
	tcase_add_test(tc, test_keyword_names);
	tcase_add_test(tc, test_many_continuations_and_heredocs);
	suite_add_tcase(s, tc);

	return s;
}

/* SPDX-License-Identifier: MIT */
/*
 * test_rules.c - every rule, both fix modes, each "where appropriate"
 * exception and the suppressions, on strings.
 *
 * A case is an input, policy settings ("section.key=value;..."), the
 * expected findings as a compact dump, and optionally the expected output of
 * hr_fix(). The dump lists findings in report order as
 * `Rule@line:column:fix`, fix being S (safe), R (risky) or N (none), with a
 * leading `~` for suppressed ones, separated by spaces.
 */
#include <stdio.h>
#include <stdlib.h>

/* the table leaves `len` out where strlen() is right */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "unit.h"
#include "hook-run/check.h"

#define SYN "# syntax=docker/dockerfile:1\n"

typedef struct rule_case {
	const char *name;
	const char *input;
	const char *settings;
	const char *findings;
	const char *fixed; /* NULL: not checked */
	size_t len;        /* input length when it holds NUL bytes; 0: strlen */
} rule_case;

static const rule_case cases[] = {
	/* ---- SyntaxDirectiveMissing ---- */
	{ "missing, instruction first", "FROM alpine\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1\n\nFROM alpine\n" },
	{ "missing, comment first", "# my image\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1\n\n# my image\nFROM alpine\n" },
	{ "missing, blank line first", "\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1\n\nFROM alpine\n" },
	{ "missing, escape directive first: no blank line between directives",
	  "# escape=`\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1\n# escape=`\nFROM alpine\n" },
	{ "missing, check directive first: syntax goes above it",
	  "# check=error=true\n\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1\n# check=error=true\n\nFROM alpine\n" },
	{ "missing, BOM dropped", "\xEF\xBB\xBF" "FROM alpine\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1\n\nFROM alpine\n" },
	{ "missing, BOM before an escape directive: no blank line between them",
	  "\xEF\xBB\xBF# escape=`\nFROM alpine:3.20\nRUN echo a `\n  b\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1\n# escape=`\nFROM alpine:3.20\nRUN echo a `\n  b\n" },
	{ "missing, CRLF file gets CRLF lines", "FROM alpine\r\nRUN true\r\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1\r\n\r\nFROM alpine\r\nRUN true\r\n" },
	{ "missing, after a shebang line", "#!/usr/bin/env buildctl\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "#!/usr/bin/env buildctl\n# syntax=docker/dockerfile:1\n\nFROM alpine\n" },
	{ "missing, configured syntax value", "FROM alpine\n", "hook-run.syntax=docker/dockerfile:1.7",
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1.7\n\nFROM alpine\n" },
	{ "missing, no trailing newline", "FROM alpine", NULL,
	  "SyntaxDirectiveMissing@1:1:S", "# syntax=docker/dockerfile:1\n\nFROM alpine" },

	/* ---- SyntaxDirectiveMisplaced ---- */
	{ "misplaced after a comment: moved",
	  "# my image\n# syntax=docker/dockerfile:1\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMisplaced@2:1:S", "# syntax=docker/dockerfile:1\n\n# my image\nFROM alpine\n" },
	{ "misplaced after a blank line: moved",
	  "\n# syntax=docker/dockerfile:1.5\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMisplaced@2:1:S", "# syntax=docker/dockerfile:1.5\n\nFROM alpine\n" },
	{ "misplaced and too old: moved with the tag rewritten",
	  "# hi\n# syntax=docker/dockerfile:1.2\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMisplaced@2:1:S", "# syntax=docker/dockerfile:1\n\n# hi\nFROM alpine\n" },
	{ "misplaced indented: indentation removed",
	  "  # syntax=docker/dockerfile:1\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMisplaced@1:1:S", "# syntax=docker/dockerfile:1\nFROM alpine\n" },
	{ "misplaced behind a BOM: BOM dropped",
	  "\xEF\xBB\xBF# syntax=docker/dockerfile:1\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMisplaced@1:1:S", "# syntax=docker/dockerfile:1\nFROM alpine\n" },
	{ "misplaced below check=: moved above it",
	  "# check=skip=JSONArgsRecommended\n# syntax=docker/dockerfile:1\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMisplaced@2:1:S",
	  "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM alpine\n" },
	{ "escape before syntax is fine", "# escape=`\n# syntax=docker/dockerfile:1\nFROM alpine\n", NULL,
	  "", NULL },
	{ "misplaced after an instruction", "FROM alpine\n# syntax=docker/dockerfile:1\nRUN true\n", NULL,
	  "SyntaxDirectiveMisplaced@2:1:S", "# syntax=docker/dockerfile:1\n\nFROM alpine\nRUN true\n" },
	{ "duplicate, same value: removed (no parse error reported)",
	  SYN SYN "FROM alpine\n", NULL,
	  "SyntaxDirectiveMisplaced@2:1:S", SYN "FROM alpine\n" },
	{ "duplicate, other value: reported only", SYN "# syntax=docker/dockerfile:1.6\nFROM alpine\n", NULL,
	  "SyntaxDirectiveMisplaced@2:1:N", NULL },
	{ "stray second syntax comment later, same value: removed",
	  SYN "FROM alpine\n# syntax=docker/dockerfile:1\nRUN true\n", NULL,
	  "SyntaxDirectiveMisplaced@3:1:S", SYN "FROM alpine\nRUN true\n" },

	/* ---- SyntaxVersionTooOld / SyntaxFrontendUnknown ---- */
	{ "1.3 too old", "# syntax=docker/dockerfile:1.3\nFROM alpine:3.20\n", NULL,
	  "SyntaxVersionTooOld@1:28:S", "# syntax=docker/dockerfile:1\nFROM alpine:3.20\n" },
	{ "1.0 too old", "# syntax=docker/dockerfile:1.0\nFROM alpine:3.20\n", NULL, "SyntaxVersionTooOld@1:28:S", NULL },
	{ "1.1-experimental too old", "# syntax=docker/dockerfile:1.1-experimental\nFROM alpine:3.20\n", NULL,
	  "SyntaxVersionTooOld@1:28:S", "# syntax=docker/dockerfile:1\nFROM alpine:3.20\n" },
	{ "experimental too old", "# syntax=docker/dockerfile:experimental\nFROM alpine:3.20\n", NULL,
	  "SyntaxVersionTooOld@1:28:S", NULL },
	{ "1.3-labs too old", "# syntax=docker/dockerfile:1.3-labs\nFROM alpine:3.20\n", NULL, "SyntaxVersionTooOld@1:28:S", NULL },
	{ "1.4 ok", "# syntax=docker/dockerfile:1.4\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "1.4.3 ok", "# syntax=docker/dockerfile:1.4.3\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "1.10 ok (numeric, not lexical)", "# syntax=docker/dockerfile:1.10\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "1.7.0-rc1-labs ok", "# syntax=docker/dockerfile:1.7.0-rc1-labs\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "1 ok", "# syntax=docker/dockerfile:1\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "1-labs ok", "# syntax=docker/dockerfile:1-labs\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "labs ok", "# syntax=docker/dockerfile:labs\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "latest ok", "# syntax=docker/dockerfile:latest\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "no tag ok", "# syntax=docker/dockerfile\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "docker.io prefix ok", "# syntax=docker.io/docker/dockerfile:1\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "index.docker.io prefix too old", "# syntax=index.docker.io/docker/dockerfile:1.2\nFROM alpine:3.20\n", NULL,
	  "SyntaxVersionTooOld@1:44:S", "# syntax=index.docker.io/docker/dockerfile:1\nFROM alpine:3.20\n" },
	{ "upstream master ok", "# syntax=docker/dockerfile-upstream:master\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "digest alone ok", "# syntax=docker/dockerfile@sha256:ac85f380a63b13dfcefa89046420e1781752bab202122f8f50032edf31be0021\nFROM alpine:3.20\n", NULL, "", NULL },
	{ "old tag with digest: reported, not fixed",
	  "# syntax=docker/dockerfile:1.2@sha256:ac85f380a63b13dfcefa89046420e1781752bab202122f8f50032edf31be0021\nFROM alpine:3.20\n", NULL,
	  "SyntaxVersionTooOld@1:28:N", NULL },
	{ "min-version 1.7 refuses 1.6", "# syntax=docker/dockerfile:1.6\nFROM alpine:3.20\n", "hook-run.min-version=1.7",
	  "SyntaxVersionTooOld@1:28:S", NULL },
	{ "min-version 2 refuses 1", "# syntax=docker/dockerfile:1\nFROM alpine:3.20\n", "hook-run.min-version=2",
	  "SyntaxVersionTooOld@1:28:S", NULL },
	{ "unknown frontend", "# syntax=example.com/my/frontend:2\nFROM alpine:3.20\n", NULL,
	  "SyntaxFrontendUnknown@1:10:N", NULL },
	{ "allow-listed frontend", "# syntax=mirror.example.com/docker/dockerfile:1.2\nFROM alpine:3.20\n",
	  "hook-run.frontends=mirror.example.com/docker/*", "", NULL },
	{ "syntax value with extra words uses the first", "# syntax=docker/dockerfile:1 extra\nFROM alpine:3.20\n", NULL, "", NULL },

	/* ---- CopyLinkMissing: safe cases ---- */
	{ "COPY . . in WORKDIR is safe", SYN "FROM node:20\nWORKDIR /app\nCOPY . .\n", NULL,
	  "CopyLinkMissing@4:1:S", SYN "FROM node:20\nWORKDIR /app\nCOPY --link . .\n" },
	{ "copy from another stage is safe", SYN "FROM golang AS b\nRUN go build\nFROM alpine\nCOPY --from=b /out/app /usr/local/bin/app\n", NULL,
	  "CopyLinkMissing@5:1:S", NULL },
	{ "FROM scratch copy is safe", SYN "FROM scratch\nCOPY app /app\n", NULL,
	  "CopyLinkMissing@3:1:S", NULL },
	{ "scratch: /bin is no symlink there", SYN "FROM scratch\nCOPY busybox /bin/\n", NULL,
	  "CopyLinkMissing@3:1:S", NULL },
	{ "keyword case and continuation kept", SYN "FROM alpine:3.20\ncopy \\\n  x /y/\n", NULL,
	  "CopyLinkMissing@3:1:S", SYN "FROM alpine:3.20\ncopy --link \\\n  x /y/\n" },
	{ "JSON form", SYN "FROM alpine:3.20\nCOPY [\"a b\", \"/dst/\"]\n", NULL,
	  "CopyLinkMissing@3:1:S", SYN "FROM alpine:3.20\nCOPY --link [\"a b\", \"/dst/\"]\n" },
	{ "existing flags kept after --link", SYN "FROM alpine:3.20\nCOPY --from=b --chown=1000:1000 x /y/\n", NULL,
	  "CopyLinkMissing@3:1:S", SYN "FROM alpine:3.20\nCOPY --link --from=b --chown=1000:1000 x /y/\n" },
	{ "heredoc copy", SYN "FROM alpine:3.20\nCOPY <<EOF /srv/motd\nhello\nEOF\n", NULL,
	  "CopyLinkMissing@3:1:S", SYN "FROM alpine:3.20\nCOPY --link <<EOF /srv/motd\nhello\nEOF\n" },
	{ "heredoc copy to a path the image may hold as a directory: risky", SYN "FROM alpine:3.20\nCOPY <<EOF /etc/motd\nhello\nEOF\n", NULL,
	  "CopyLinkMissing@3:1:R", NULL },
	{ "backtick escape file", "# escape=`\n" SYN "FROM alpine:3.20\nCOPY `\n  x c:/y/\n", NULL,
	  "CopyLinkMissing@4:1:S", "# escape=`\n" SYN "FROM alpine:3.20\nCOPY --link `\n  x c:/y/\n" },
	{ "tab after keyword", SYN "FROM alpine:3.20\nCOPY\tx /y/\n", NULL,
	  "CopyLinkMissing@3:1:S", SYN "FROM alpine:3.20\nCOPY --link\tx /y/\n" },
	{ "chown root is fine", SYN "FROM alpine:3.20\nCOPY --chown=root:root x /y/\n", NULL, "CopyLinkMissing@3:1:S", NULL },
	{ "chown by resolved ARG number", SYN "FROM alpine:3.20\nARG UID=1000\nCOPY --chown=${UID}:${UID} x /y/\n", NULL,
	  "CopyLinkMissing@4:1:S", NULL },

	/* ---- explicit decisions ---- */
	{ "--link=false is respected", SYN "FROM alpine:3.20\nCOPY --link=false x /tmp/\n", NULL, "", NULL },
	{ "--link=FALSE any case", SYN "FROM alpine:3.20\nCOPY --link=FALSE x /y/\n", NULL, "", NULL },
	{ "--link present: nothing", SYN "FROM alpine:3.20\nCOPY --link x /y/\n", NULL, "", NULL },
	{ "--link=true present: nothing", SYN "FROM alpine:3.20\nCOPY --link=True x /y/\n", NULL, "", NULL },
	{ "--chmod: --link would be ignored, not asked", SYN "FROM alpine:3.20\nCOPY --chmod=755 x /y/\n", NULL, "", NULL },

	/* ---- risky: metadata ---- */
	{ "/tmp destination is risky", SYN "FROM alpine:3.20\nCOPY x /tmp/\n", NULL, "CopyLinkMissing@3:1:R", NULL },
	{ "/var/tmp subdir is risky", SYN "FROM alpine:3.20\nCOPY x /var/tmp/build/\n", NULL, "CopyLinkMissing@3:1:R", NULL },
	{ "/root is risky", SYN "FROM alpine:3.20\nCOPY .bashrc /root/\n", NULL, "CopyLinkMissing@3:1:R", NULL },
	{ "/home/user is risky", SYN "FROM node:20\nCOPY x /home/node/bin/\n", NULL, "CopyLinkMissing@3:1:R", NULL },
	{ "a home alpine does not have is new", SYN "FROM alpine:3.20\nCOPY x /home/app/bin/\n", NULL, "CopyLinkMissing@3:1:S", NULL },
	{ "WORKDIR relative into /tmp", SYN "FROM alpine:3.20\nWORKDIR /tmp\nCOPY x .\n", NULL, "CopyLinkMissing@4:1:R", NULL },
	{ "chowned directory is risky", SYN "FROM alpine:3.20\nRUN mkdir -p /data && chown -R app:app /data\nCOPY x /data/\n", NULL,
	  "CopyLinkMissing@4:1:R", NULL },
	{ "chmodded directory is risky", SYN "FROM alpine:3.20\nRUN chmod 0777 /srv\nCOPY x /srv/sub/\n", NULL,
	  "CopyLinkMissing@4:1:R", NULL },
	{ "WORKDIR after USER is risky", SYN "FROM alpine:3.20\nUSER app\nWORKDIR /app\nCOPY . .\n", NULL,
	  "CopyLinkMissing@5:1:R", NULL },
	{ "mkdir after USER is risky", SYN "FROM alpine:3.20\nUSER 1000\nRUN mkdir /work\nCOPY x /work/\n", NULL,
	  "CopyLinkMissing@5:1:R", NULL },
	{ "mkdir as root is fine", SYN "FROM alpine:3.20\nRUN mkdir -p /work\nCOPY x /work/\n", NULL,
	  "CopyLinkMissing@4:1:S", NULL },
	{ "mkdir -m is risky", SYN "FROM alpine:3.20\nRUN mkdir -m 0700 /secret\nCOPY x /secret/\n", NULL,
	  "CopyLinkMissing@4:1:R", NULL },
	{ "useradd -d home is risky", SYN "FROM alpine:3.20\nRUN useradd -d /opt/app app\nCOPY x /opt/app/\n", NULL,
	  "CopyLinkMissing@4:1:R", NULL },
	{ "USER root again, earlier chown still counts", SYN "FROM alpine:3.20\nRUN chown app /x\nUSER root\nCOPY y /x/\n", NULL,
	  "CopyLinkMissing@5:1:R", NULL },
	{ "stage inherits metadata from its base stage", SYN "FROM alpine:3.20 AS base\nRUN chown app /data\nFROM base\nCOPY x /data/\n", NULL,
	  "CopyLinkMissing@5:1:R", NULL },
	{ "RUN heredoc script chowns", SYN "FROM alpine:3.20\nRUN <<EOF\nset -e\nchown app /data\nEOF\nCOPY x /data/\n", NULL,
	  "CopyLinkMissing@7:1:R", NULL },
	{ "sudo -u creates as user", SYN "FROM alpine:3.20\nRUN sudo -u app mkdir /x\nCOPY y /x/\n", NULL,
	  "CopyLinkMissing@4:1:R", NULL },
	{ "chmod on the file copied over is fine", SYN "FROM alpine:3.20\nRUN chmod +x /usr/local/bin/run\nCOPY run /usr/local/bin/run\n", NULL,
	  "CopyLinkMissing@4:1:S", NULL },

	/* ---- risky: ambiguous destination ---- */
	{ "file into WORKDIR without slash: --link and the slash", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY main.py /app\n", NULL,
	  "CopyLinkMissing@4:1:S", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link main.py /app/\n" },
	{ "well-known directory without slash: the slash", SYN "FROM alpine:3.20\nCOPY tool /usr/local/bin\n", NULL,
	  "CopyLinkMissing@3:1:S", SYN "FROM alpine:3.20\nCOPY --link tool /usr/local/bin/\n" },
	{ "earlier copy made the directory", SYN "FROM scratch\nCOPY a /app/\nCOPY b /app\n", NULL,
	  "CopyLinkMissing@3:1:S CopyLinkMissing@4:1:S", SYN "FROM scratch\nCOPY --link a /app/\nCOPY --link b /app/\n" },
	{ "quoted destination gets its slash inside the quotes", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY m \"/app\"\n", NULL,
	  "CopyLinkMissing@4:1:S", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link m \"/app/\"\n" },
	{ "JSON destination gets its slash inside the string", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY [\"m\", \"/app\"]\n", NULL,
	  "CopyLinkMissing@4:1:S", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link [\"m\", \"/app/\"]\n" },
	{ "an unknown image: a directory or not, nobody knows", SYN "FROM example.com/base:1\nCOPY tool /opt/app\n", NULL,
	  "CopyLinkMissing@3:1:N", NULL },
	{ "directory source is not ambiguous", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY src/ /app\n", NULL,
	  "CopyLinkMissing@4:1:S", NULL },
	{ "dot source is not ambiguous", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY . /app\n", NULL,
	  "CopyLinkMissing@4:1:S", NULL },
	{ "two sources need a directory anyway", SYN "FROM alpine:3.20\nCOPY a b /usr/local/bin/\n", NULL,
	  "CopyLinkMissing@3:1:S", NULL },
	{ "a file path is not ambiguous", SYN "FROM alpine:3.20\nCOPY nginx.conf /etc/nginx/nginx.conf\n", NULL,
	  "CopyLinkMissing@3:1:S", NULL },
	{ "unresolved variable destination, unknown source: no fix", SYN "FROM alpine:3.20\nARG DEST\nCOPY x $DEST\n", NULL,
	  "CopyLinkMissing@4:1:N", NULL },
	{ "unresolved variable directory destination is risky", SYN "FROM alpine:3.20\nARG DEST\nCOPY x $DEST/\n", NULL,
	  "CopyLinkMissing@4:1:R", NULL },
	{ "resolved ENV destination", SYN "FROM alpine:3.20\nENV APP=/srv/app\nCOPY x ${APP}/\n", NULL,
	  "CopyLinkMissing@4:1:S", NULL },
	{ "ENV destination under /tmp", SYN "FROM alpine:3.20\nENV D /tmp/x\nCOPY x $D/\n", NULL,
	  "CopyLinkMissing@4:1:R", NULL },
	{ "global ARG re-declared in stage", "ARG BASE=/opt\n" SYN "FROM alpine:3.20\nARG BASE\nCOPY x $BASE/app/\n", NULL,
	  "SyntaxDirectiveMisplaced@2:1:S CopyLinkMissing@5:1:S", NULL },

	/* ---- never: chown by name, symlinks, ONBUILD ---- */
	{ "chown by name: no fix", SYN "FROM alpine:3.20\nCOPY --chown=app:app x /srv/\n", NULL, "CopyLinkMissing@3:1:N", NULL },
	{ "chown by numeric user, named group: no fix", SYN "FROM alpine:3.20\nCOPY --chown=1000:staff x /srv/\n", NULL,
	  "CopyLinkMissing@3:1:N", NULL },
	{ "chown unresolved variable: no fix", SYN "FROM alpine:3.20\nCOPY --chown=$APP_USER x /srv/\n", NULL,
	  "CopyLinkMissing@3:1:N", NULL },
	{ "usr-merge /bin: no fix", SYN "FROM debian\nCOPY tool /bin/\n", NULL, "CopyLinkMissing@3:1:N", NULL },
	{ "usr-merge /lib64 deep: no fix", SYN "FROM debian\nCOPY x /lib64/x/y\n", NULL, "CopyLinkMissing@3:1:N", NULL },
	{ "/var/run: no fix", SYN "FROM alpine:3.20\nCOPY x /var/run/app/\n", NULL, "CopyLinkMissing@3:1:N", NULL },
	{ "/usr/bin is the real dir: fine", SYN "FROM alpine:3.20\nCOPY tool /usr/bin/\n", NULL, "CopyLinkMissing@3:1:S", NULL },
	{ "symlink made by RUN ln -s: no fix", SYN "FROM alpine:3.20\nRUN ln -sf /data/app /app\nCOPY x /app/\n", NULL,
	  "CopyLinkMissing@4:1:N", NULL },
	{ "ln -s into a directory", SYN "FROM alpine:3.20\nRUN ln -s /opt/tool/bin /usr/local/\nCOPY x /usr/local/bin/\n", NULL,
	  "CopyLinkMissing@4:1:N", NULL },
	{ "ln without -s is a hard link: fine", SYN "FROM alpine:3.20\nRUN ln /a /b\nCOPY x /b/\n", NULL,
	  "CopyLinkMissing@4:1:S", NULL },
	{ "ONBUILD COPY: reported, never fixed", SYN "FROM alpine:3.20\nONBUILD COPY . /app/\n", NULL,
	  "CopyLinkMissing@3:1:N", SYN "FROM alpine:3.20\nONBUILD COPY . /app/\n" },
	{ "ONBUILD COPY --link: fine", SYN "FROM alpine:3.20\nONBUILD COPY --link . /app/\n", NULL, "", NULL },

	/* ---- fix-mode = all ---- */
	{ "all: risky metadata gets --link", SYN "FROM alpine:3.20\nCOPY x /tmp/\n", "hook-run.fix-mode=all",
	  "CopyLinkMissing@3:1:R", SYN "FROM alpine:3.20\nCOPY --link x /tmp/\n" },
	{ "all: a known directory gets --link and its slash", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY m.py /app\n", "hook-run.fix-mode=all",
	  "CopyLinkMissing@4:1:S", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link m.py /app/\n" },
	{ "all: chown by name still not", SYN "FROM alpine:3.20\nCOPY --chown=app x /y/\n", "hook-run.fix-mode=all",
	  "CopyLinkMissing@3:1:N", SYN "FROM alpine:3.20\nCOPY --chown=app x /y/\n" },
	{ "all: symlink still not", SYN "FROM debian:bookworm\nCOPY x /sbin/\n", "hook-run.fix-mode=all",
	  "CopyLinkMissing@3:1:N", SYN "FROM debian:bookworm\nCOPY x /sbin/\n" },
	{ "alpine before 3.23: /sbin is a directory", SYN "FROM alpine:3.20\nCOPY x /sbin/\n", NULL,
	  "CopyLinkMissing@3:1:S", NULL },
	{ "all: ONBUILD still not", SYN "FROM alpine:3.20\nONBUILD COPY x /tmp/\n", "hook-run.fix-mode=all",
	  "CopyLinkMissing@3:1:N", SYN "FROM alpine:3.20\nONBUILD COPY x /tmp/\n" },
	{ "safe: risky left alone", SYN "FROM alpine:3.20\nCOPY x /tmp/\n", NULL,
	  "CopyLinkMissing@3:1:R", SYN "FROM alpine:3.20\nCOPY x /tmp/\n" },

	/* ---- AddLinkMissing ---- */
	{ "ADD local file becomes COPY --link", SYN "FROM alpine:3.20\nADD conf.txt /etc/app/\n", NULL,
	  "AddLinkMissing@3:1:S", SYN "FROM alpine:3.20\nCOPY --link conf.txt /etc/app/\n" },
	{ "add lower case becomes copy", SYN "FROM alpine:3.20\nadd conf.txt /etc/app/\n", NULL,
	  "AddLinkMissing@3:1:S", SYN "FROM alpine:3.20\ncopy --link conf.txt /etc/app/\n" },
	{ "ADD archive keeps ADD", SYN "FROM alpine:3.20\nADD rootfs.tar.xz /opt/\n", NULL,
	  "AddLinkMissing@3:1:S", SYN "FROM alpine:3.20\nADD --link rootfs.tar.xz /opt/\n" },
	{ "ADD URL keeps ADD", SYN "FROM alpine:3.20\nADD https://example.com/x.bin /opt/\n", NULL,
	  "AddLinkMissing@3:1:S", SYN "FROM alpine:3.20\nADD --link https://example.com/x.bin /opt/\n" },
	{ "ADD git keeps ADD", SYN "FROM alpine:3.20\nADD git@github.com:moby/buildkit.git /src/\n", NULL,
	  "AddLinkMissing@3:1:S", SYN "FROM alpine:3.20\nADD --link git@github.com:moby/buildkit.git /src/\n" },
	{ "ADD --checksum keeps ADD", SYN "FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://e.com/x /x\n", NULL,
	  "AddLinkMissing@3:1:S", NULL },
	{ "add = link keeps ADD", SYN "FROM alpine:3.20\nADD conf.txt /etc/app/\n", "hook-run.add=link",
	  "AddLinkMissing@3:1:S", SYN "FROM alpine:3.20\nADD --link conf.txt /etc/app/\n" },
	{ "add = off", SYN "FROM alpine:3.20\nADD conf.txt /etc/app/\n", "hook-run.add=off", "", NULL },
	{ "ADD into /tmp is risky", SYN "FROM alpine:3.20\nADD x.tgz /tmp/\n", NULL, "AddLinkMissing@3:1:R", NULL },
	{ "ADD --link=false", SYN "FROM alpine:3.20\nADD --link=false x /tmp/\n", NULL, "", NULL },

	/* ---- InvalidLinkValue and flag errors ---- */
	{ "--link=yes", SYN "FROM alpine:3.20\nCOPY --link=yes x /y/\n", NULL, "InvalidLinkValue@3:6:N", NULL },
	{ "--link= empty", SYN "FROM alpine:3.20\nCOPY --link= x /y/\n", NULL, "InvalidLinkValue@3:6:N", NULL },
	{ "--link twice", SYN "FROM alpine:3.20\nCOPY --link --link x /y/\n", NULL, "InvalidLinkValue@3:13:N", NULL },
	{ "unknown COPY flag is a parse error", SYN "FROM alpine:3.20\nCOPY --user=me x /y/\n", NULL,
	  "DockerfileParseError@3:6:N", NULL },
	{ "COPY with one argument", SYN "FROM alpine:3.20\nCOPY x\n", NULL, "DockerfileParseError@3:1:N", NULL },
	{ "--keep-git-dir is not a COPY flag", SYN "FROM alpine:3.20\nCOPY --keep-git-dir x /y/\n", NULL,
	  "DockerfileParseError@3:6:N", NULL },

	/* ---- Link* findings on an explicit --link ---- */
	{ "LinkChownByName", SYN "FROM alpine:3.20\nCOPY --link --chown=app:app x /srv/\n", NULL, "LinkChownByName@3:13:N", NULL },
	{ "numeric --chown re-owns /srv", SYN "FROM alpine:3.20\nCOPY --link --chown=10001:10001 x /srv/\n", NULL,
	  "LinkOverridesParentMetadata@3:35:N", NULL },
	{ "numeric --chown in scratch: nothing to re-own", SYN "FROM scratch\nCOPY --link --chown=10001:10001 x /srv/\n", NULL, "", NULL },
	{ "LinkThroughSymlink", SYN "FROM debian:bookworm\nCOPY --link tool /bin/tool\n", NULL, "LinkThroughSymlink@3:18:N", NULL },
	{ "LinkThroughSymlink: may be a symlink", SYN "FROM alpine\nCOPY --link tool /bin/tool\n", NULL, "LinkThroughSymlink@3:18:N", NULL },
	{ "LinkOverridesParentMetadata", SYN "FROM alpine:3.20\nCOPY --link x /tmp/\n", NULL,
	  "LinkOverridesParentMetadata@3:15:N", NULL },
	{ "LinkDestinationAmbiguous", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link m.py /app\n", NULL,
	  "LinkDestinationAmbiguous@4:18:R", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link m.py /app\n" },
	{ "LinkDestinationAmbiguous, all: the '/' appended", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link m.py /app\n",
	  "hook-run.fix-mode=all", "LinkDestinationAmbiguous@4:18:R",
	  SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link m.py /app/\n" },
	/* the fix edits the trigger, not the ONBUILD line: hr_fix must verify it as such */
	/* an ONBUILD trigger is never rewritten: the finding has no fix (the bytes stay) */
	{ "LinkDestinationAmbiguous in ONBUILD, all: said, not fixed", SYN "FROM alpine\nONBUILD COPY --link m.py /run\n",
	  "hook-run.fix-mode=all", "LinkDestinationAmbiguous@3:26:N", NULL },
	{ "LinkDestinationAmbiguous in ONBUILD, a path that looks like a flag", SYN "FROM alpine\n"
	  "ONBUILD COPY --link --from=build /out /--chmod=755 run\n", "hook-run.fix-mode=all",
	  "LinkDestinationAmbiguous@3:52:N", NULL },
	/* BuildKit looks for the trailing '/' after word processing (quotes removed, variables expanded) */
	{ "LinkDestinationAmbiguous: a quoted destination with its '/' is a directory",
	  SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link m.py '/app/'\n", NULL, "", NULL },
	{ "LinkDestinationAmbiguous: a variable ending in '/' is a directory",
	  SYN "FROM alpine:3.20\nWORKDIR /app\nARG D=/app/\nCOPY --link m.py $D\n", NULL, "", NULL },
	{ "LinkDestinationAmbiguous, all: the '/' goes inside the quotes, once",
	  SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link m.py \"/app\"\n", "hook-run.fix-mode=all",
	  "LinkDestinationAmbiguous@4:18:R", SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY --link m.py \"/app/\"\n" },
	{ "LinkDestinationAmbiguous in ONBUILD, all: a quoted destination, not fixed",
	  SYN "FROM alpine\nONBUILD COPY --link a '/run'\n", "hook-run.fix-mode=all",
	  "LinkDestinationAmbiguous@3:23:N", NULL },
	{ "LinkIneffectiveWithChmod", SYN "FROM alpine:3.20\nCOPY --link --chmod=755 x /y/\n", NULL,
	  "LinkIneffectiveWithChmod@3:6:N", NULL },
	{ "several risks at once", SYN "FROM alpine:3.20\nCOPY --link --chown=app x /tmp\n", NULL,
	  "LinkChownByName@3:13:N LinkDestinationAmbiguous@3:27:R", NULL },

	/* ---- suppressions ---- */
	{ "line suppression", SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\nCOPY x /tmp/\n", NULL,
	  "~CopyLinkMissing@4:1:R", NULL },
	{ "line suppression with reason", SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing // keeps /tmp 1777\nCOPY x /tmp/\n",
	  NULL, "~CopyLinkMissing@4:1:R", NULL },
	{ "rule names are case-sensitive, as in BuildKit",
	  SYN "FROM alpine:3.20\n# check=skip=copylinkmissing // keeps /tmp 1777\nCOPY x /tmp/\n", NULL,
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", NULL },
	{ "line suppression of another rule does not apply", SYN "FROM alpine:3.20\n# check=skip=AddLinkMissing\nCOPY x /y/\n", NULL,
	  "CopyLinkMissing@4:1:S", NULL },
	{ "line suppression skip=all", SYN "FROM alpine:3.20\n# check=skip=all\nCOPY x /y/\n", NULL,
	  "~CopyLinkMissing@4:1:S", NULL },
	{ "line suppression only for the next instruction", SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\nCOPY x /y/\nCOPY z /w/\n", NULL,
	  "CopyLinkMissing@5:1:S ~CopyLinkMissing@4:1:S", NULL },
	{ "a blank line does not break the link (BuildKit's PrevComment)",
	  SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n\nCOPY x /y/\n", NULL, "~CopyLinkMissing@5:1:S", NULL },
	{ "among other comments", SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\n# copy the app\nCOPY x /y/\n", NULL,
	  "~CopyLinkMissing@5:1:S", NULL },
	{ "file-wide suppression in the directive block",
	  SYN "# check=skip=CopyLinkMissing,AddLinkMissing\nFROM alpine:3.20\nCOPY x /y/\nADD z /w/\n", NULL,
	  "~CopyLinkMissing@4:1:S ~AddLinkMissing@5:1:S", NULL },
	{ "file-wide skip=all keeps parse errors", SYN "# check=skip=all\nFROM alpine:3.20\nCOPY --user=x a /b/\n", NULL,
	  "DockerfileParseError@4:6:N", NULL },
	{ "file-wide: BuildKit options alongside", SYN "# check=skip=JSONArgsRecommended,CopyLinkMissing;error=true\nFROM alpine:3.20\nCOPY x /y/\n", NULL,
	  "~CopyLinkMissing@4:1:S", NULL },
	{ "suppressed findings are not fixed", SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\nCOPY x /y/\n", NULL,
	  "~CopyLinkMissing@4:1:S", SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\nCOPY x /y/\n" },
	{ "require-reason: without reason refused", SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing\nCOPY x /y/\n",
	  "hook-run.inline-suppressions=require-reason",
	  "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", NULL },
	{ "require-reason: with reason accepted", SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing // mode of /y\nCOPY x /y/\n",
	  "hook-run.inline-suppressions=require-reason", "~CopyLinkMissing@4:1:S", NULL },
	{ "deny: refused", SYN "FROM alpine:3.20\n# check=skip=CopyLinkMissing // why\nCOPY x /y/\n",
	  "hook-run.inline-suppressions=deny", "InlineSuppressionRefused@3:1:N CopyLinkMissing@4:1:N", NULL },
	{ "deny: BuildKit-only check directive is not ours", SYN "# check=error=true\nFROM alpine:3.20\n",
	  "hook-run.inline-suppressions=deny", "", NULL },

	/* ---- severities ---- */
	{ "rule off", SYN "FROM alpine:3.20\nCOPY x /y/\n", "rules.CopyLinkMissing=off", "", NULL },
	{ "rule warning", SYN "FROM alpine:3.20\nCOPY x /y/\n", "rules.CopyLinkMissing=warning", "CopyLinkMissing@3:1:S", NULL },

	/* ---- files that are not judged ---- */
	{ "unterminated heredoc: parse error only", "FROM alpine:3.20\nRUN <<EOF\necho\n", NULL, "DockerfileParseError@2:1:N", NULL },
	{ "unknown instruction: parse error only", "FROM alpine:3.20\nCOPPY x /y/\n", NULL, "DockerfileParseError@2:1:N", NULL },
	{ "empty file", "", NULL, "DockerfileParseError@0:0:N", NULL },
	{ "COPY before the first FROM", SYN "ARG X=1\nCOPY a /b/\nFROM alpine:3.20\n", NULL, "DockerfileParseError@3:1:N", NULL },
	{ "no FROM at all", SYN "ARG X=1\n", NULL, "DockerfileParseError@0:0:N", NULL },
	{ "misplaced unknown frontend is not moved into force", "# hi\n# syntax=example.com/x:1\nFROM alpine:3.20\n", NULL,
	  "SyntaxDirectiveMisplaced@2:1:N", NULL },
	{ "misplaced allow-listed frontend is moved", "# hi\n# syntax=example.com/x:1\nFROM alpine:3.20\n",
	  "hook-run.frontends=example.com/x", "SyntaxDirectiveMisplaced@2:1:S", "# syntax=example.com/x:1\n\n# hi\nFROM alpine:3.20\n" },
	{ "binary", "FROM a\n\x00\x01\x02\n", NULL, "DockerfileParseError@2:1:N UncheckableFile@2:1:N", NULL, 11 },
};

static void dump(char *buf, size_t len, const hr_result *r)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->nfindings && off < len; i++) {
		const hr_finding *f = &r->findings[i];
		char fix = f->nedits == 0 ? 'N' : f->fix == HR_FIX_SAFE ? 'S' : f->fix == HR_FIX_RISKY ? 'R' : 'N';
		off += (size_t)snprintf(buf + off, len - off, "%s%s%s@%u:%u:%c", off ? " " : "",
			f->suppressed ? "~" : "", hr_rule_get(f->rule)->name, f->line, f->column, fix);
	}
}

static void apply_settings(hr_policy *p, const char *settings)
{
	char buf[512];
	if (!settings)
		return;
	snprintf(buf, sizeof(buf), "%s", settings);
	for (char *item = buf, *next; item && *item; item = next) {
		next = strchr(item, ';');
		if (next)
			*next++ = '\0';
		char *dot = strchr(item, '.'), *eq = strchr(item, '=');
		ck_assert_ptr_nonnull(dot);
		ck_assert_ptr_nonnull(eq);
		*dot = '\0';
		*eq = '\0';
		char err[256];
		ck_assert_msg(hr_policy_set(p, item, dot + 1, eq + 1, err, sizeof(err)) == 0, "%s", err);
	}
}

START_TEST(rule_table)
{
	const rule_case *tc = &cases[_i];
	hr_policy policy;
	hr_result *r;
	char got[2048];

	ck_assert_int_eq(hr_policy_init(&policy), 0);
	apply_settings(&policy, tc->settings);
	ck_assert_int_eq(hr_check(&r, tc->input, tc->len ? tc->len : strlen(tc->input), &policy), 0);
	dump(got, sizeof(got), r);
	ck_assert_msg(strcmp(got, tc->findings) == 0, "%s:\n  expected [%s]\n  got      [%s]", tc->name,
		tc->findings, got);
	if (tc->fixed) {
		char *out;
		size_t len, n;
		ck_assert_int_eq(hr_fix(&out, &len, &n, r, &policy), 0);
		ck_assert_msg(len == strlen(tc->fixed) && memcmp(out, tc->fixed, len) == 0,
			"%s: fixed output\n--- expected\n%s--- got\n%.*s---", tc->name, tc->fixed, (int)len, out);
		/* idempotent: fixing the output changes nothing more */
		hr_result *r2;
		ck_assert_int_eq(hr_check(&r2, out, len, &policy), 0);
		char *out2;
		size_t len2, n2;
		ck_assert_int_eq(hr_fix(&out2, &len2, &n2, r2, &policy), 0);
		ck_assert_msg(n2 == 0 && len2 == len && memcmp(out, out2, len) == 0, "%s: fix is not idempotent", tc->name);
		free(out2);
		hr_result_free(r2);
		free(out);
	}
	hr_result_free(r);
	hr_policy_free(&policy);
}
END_TEST

/* the messages say what would change in the image */
START_TEST(messages_name_the_risk)
{
	static const struct { const char *input; const char *needle; } m[] = {
		{ SYN "FROM alpine:3.20\nCOPY x /tmp/\n", "reset /tmp from 1777 root:root to 0755 root:root" },
		{ SYN "FROM debian:bookworm\nCOPY x /bin/\n", "/bin is a symlink to usr/bin" },
		{ SYN "FROM alpine\nCOPY x /bin/\n", "/bin may be a symlink" },
		{ SYN "FROM alpine:3.20\nCOPY --chown=app x /y/\n", "break the build" },
		{ SYN "FROM alpine:3.20\nCOPY --chown=1234:1234 x /usr/local/bin/\n",
		  "reset /usr, /usr/local and /usr/local/bin from 0755 root:root to 0755 1234:1234" },
		{ SYN "FROM alpine:3.20\nCOPY --chown=${NB_UID} x /y/\n", "uses NB_UID, which has no value" },
		{ SYN "FROM alpine:3.20\nWORKDIR /app\nCOPY m /app\n", "/app is a directory, so with a trailing /" },
		{ SYN "FROM alpine:3.20\nRUN sh -c 'mkdir /data && chmod 0700 /data'\nCOPY m /data/\n",
		  "reset /data from 0700 root:root to 0755 root:root" },
		{ SYN "FROM alpine:3.20\nRUN cd /opt && ln -s v1 current\nCOPY m /opt/current/\n",
		  "/opt/current is a symlink to v1" },
		{ SYN "FROM alpine:3.20\nRUN ./setup.sh\nCOPY m /srv/\n", "runs `./setup.sh`, whose effects" },
		{ SYN "FROM alpine:3.20\nCOPY x /y/\n", "keeps the image the same" },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		hr_policy policy;
		hr_result *r;
		hr_policy_init(&policy);
		ck_assert_int_eq(hr_check(&r, m[i].input, strlen(m[i].input), &policy), 0);
		ck_assert_uint_ge(r->nfindings, 1);
		ck_assert_msg(strstr(r->findings[0].message, m[i].needle), "'%s' lacks '%s'",
			r->findings[0].message, m[i].needle);
		hr_result_free(r);
		hr_policy_free(&policy);
	}
}
END_TEST

/* what a change adds: old findings match by rule and instruction text, counted */
START_TEST(preexisting_findings)
{
	static const struct { const char *before, *after, *preexisting; } m[] = {
		/* a comment edit: every finding is old */
		{ "FROM alpine:3.20\nCOPY a /srv/\n", "# hi\nFROM alpine:3.20\nCOPY a /srv/\n", "SyntaxDirectiveMissing CopyLinkMissing" },
		/* a moved line is the same instruction */
		{ "FROM alpine:3.20\nCOPY a /srv/\nRUN true\n", "FROM alpine:3.20\nRUN true\nCOPY a /srv/\n", "SyntaxDirectiveMissing CopyLinkMissing" },
		/* a changed instruction is new */
		{ "FROM alpine:3.20\nCOPY a /srv/\n", "FROM alpine:3.20\nCOPY b /srv/\n", "SyntaxDirectiveMissing" },
		/* a second copy of an old instruction is new */
		{ "FROM alpine:3.20\nCOPY a /srv/\n", "FROM alpine:3.20\nCOPY a /srv/\nCOPY a /srv/\n", "SyntaxDirectiveMissing CopyLinkMissing" },
		/* a new file: nothing is old */
		{ "", "FROM alpine:3.20\nCOPY a /srv/\n", "" },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		hr_policy policy;
		hr_result *a, *b;
		char got[512] = "";
		hr_policy_init(&policy);
		ck_assert_int_eq(hr_check(&b, m[i].before, strlen(m[i].before), &policy), 0);
		ck_assert_int_eq(hr_check(&a, m[i].after, strlen(m[i].after), &policy), 0);
		hr_result_mark_preexisting(a, b);
		size_t off = 0;
		for (size_t k = 0; k < a->nfindings; k++)
			if (a->findings[k].preexisting)
				off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%s", off ? " " : "",
					hr_rule_get(a->findings[k].rule)->name);
		ck_assert_msg(!strcmp(got, m[i].preexisting), "case %zu: expected [%s], got [%s]", i,
			m[i].preexisting, got);
		hr_result_free(a);
		hr_result_free(b);
		hr_policy_free(&policy);
	}
}
END_TEST

/* overlapping edits are refused as a whole finding */
START_TEST(fix_counts_and_exit_fields)
{
	const char *in = "FROM alpine:3.20\nCOPY x /y/\nADD z /w/\nCOPY q /tmp/\n";
	hr_policy policy;
	hr_result *r;
	char *out;
	size_t len, n;

	hr_policy_init(&policy);
	ck_assert_int_eq(hr_check(&r, in, strlen(in), &policy), 0);
	ck_assert_uint_eq(hr_result_count(r, HR_SEVERITY_ERROR), 4);
	ck_assert_uint_eq(hr_result_fixable(r, &policy), 3);
	ck_assert_int_eq(hr_fix(&out, &len, &n, r, &policy), 0);
	ck_assert_uint_eq(n, 3);
	free(out);
	policy.fix_mode = HR_FIX_MODE_ALL;
	ck_assert_uint_eq(hr_result_fixable(r, &policy), 4);
	hr_result_free(r);
	hr_policy_free(&policy);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("rules");
	tcase_add_loop_test(tc, rule_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, messages_name_the_risk);
	tcase_add_test(tc, fix_counts_and_exit_fields);
	tcase_add_test(tc, preexisting_findings);
	suite_add_tcase(s, tc);
	return s;
}

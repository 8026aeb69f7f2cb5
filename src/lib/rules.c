/* SPDX-License-Identifier: MIT */
/*
 * rules.c - one descriptor per rule: id, name, default severity, and the
 * documentation `hook-run explain`, the man page and SARIF rules print.
 *
 * The checks are not here: they live by family in src/lib/rules/ (syntax.c
 * for the directive, link.c for COPY/ADD --link, input.c for files that
 * cannot be judged) and refer to these descriptors by id.
 */
#include <stdlib.h>
#include <string.h>

#include "hook-run/rules.h"
#include "arena.h"

static const hr_rule rules[HR_RULE_COUNT] = {
	[HR_RULE_SYNTAX_DIRECTIVE_MISSING] = {
		HR_RULE_SYNTAX_DIRECTIVE_MISSING, "SyntaxDirectiveMissing",
		"the Dockerfile has no `# syntax=` directive that BuildKit honours",
		HR_SEVERITY_ERROR, HR_FIX_SAFE,
		"Without a `# syntax=` parser directive on the first lines, the Dockerfile is built by "
		"whatever frontend the builder bundles, which may predate `COPY --link` (Dockerfile "
		"frontend 1.4) and differs between Docker releases. The directive pins the frontend, so "
		"every builder reads the file the same way.",
		"None: the directive selects the frontend image that parses the file; instructions and "
		"layers stay as they are.",
		"FROM alpine:3.20\nCOPY app /usr/local/bin/app",
		"# syntax=docker/dockerfile:1\n\nFROM alpine:3.20\nCOPY --link app /usr/local/bin/app",
		"a `# syntax=` directive BuildKit honours is present (misplaced ones are "
		"SyntaxDirectiveMisplaced)",
		"safe: inserts the configured `# syntax=` line (default docker/dockerfile:1) as line 1, "
		"above other directives, followed by a blank line when the next line is an instruction "
		"or a plain comment; a UTF-8 BOM is dropped",
	},
	[HR_RULE_SYNTAX_DIRECTIVE_MISPLACED] = {
		HR_RULE_SYNTAX_DIRECTIVE_MISPLACED, "SyntaxDirectiveMisplaced",
		"a `# syntax=` line that BuildKit ignores or that older Docker releases miss",
		HR_SEVERITY_ERROR, HR_FIX_SAFE,
		"Parser directives count only in the leading block of `# key=value` lines. A `# syntax=` "
		"after a comment, a blank line or an instruction is a plain comment; an indented one is "
		"not seen by syntax detection; one below `# check=` is missed by Docker 24 to 26; one "
		"behind a UTF-8 byte order mark is missed by Docker before 23; a second one is a build "
		"error.",
		"The file is built with the builder's bundled frontend instead of the one it names, so "
		"`--link` and other features may be missing or behave differently.",
		"# Build the API image\n# syntax=docker/dockerfile:1\nFROM golang:1.23",
		"# syntax=docker/dockerfile:1\n\n# Build the API image\nFROM golang:1.23",
		"the directive is the first line (after an optional `#!` line), unindented, with no BOM "
		"and no `# check=` above it",
		"safe: moves the directive to line 1 and drops a BOM; a duplicate of the honoured value is "
		"removed; a conflicting duplicate is left for a person to resolve",
	},
	[HR_RULE_SYNTAX_VERSION_TOO_OLD] = {
		HR_RULE_SYNTAX_VERSION_TOO_OLD, "SyntaxVersionTooOld",
		"the `# syntax=` frontend version is older than the minimum (default 1.4)",
		HR_SEVERITY_ERROR, HR_FIX_SAFE,
		"`COPY --link` and `ADD --link` need Dockerfile frontend 1.4 or newer; 1.0 to 1.3 and the "
		"retired `experimental` channel reject or ignore them.",
		"The build would use a frontend that fails on `--link` (or ignores newer syntax).",
		"# syntax=docker/dockerfile:1.2",
		"# syntax=docker/dockerfile:1",
		"the tag is `1`, `1-labs`, `labs`, `latest`, empty, a version at or above the minimum, or "
		"the reference is pinned by digest (the digest, not the tag, then decides)",
		"safe: rewrites the tag to the configured one (the tag of `syntax`, default `1`); a "
		"digest-pinned reference is only reported",
	},
	[HR_RULE_SYNTAX_FRONTEND_UNKNOWN] = {
		HR_RULE_SYNTAX_FRONTEND_UNKNOWN, "SyntaxFrontendUnknown",
		"the `# syntax=` directive names a frontend that is not docker/dockerfile",
		HR_SEVERITY_ERROR, HR_FIX_NONE,
		"Only the docker/dockerfile frontend (docker.io/, index.docker.io/ and -upstream forms "
		"included) is known to support `--link`. Other frontends, mirrors and pinned copies must "
		"be allow-listed with `frontends =` in the configuration.",
		"Unknown: a different frontend decides how every instruction is read.",
		"# syntax=example.com/custom/frontend:2",
		"# syntax=docker/dockerfile:1",
		"the frontend is docker/dockerfile or matches a `frontends` pattern",
		"none: choosing a frontend is a decision for a person",
	},
	[HR_RULE_COPY_LINK_MISSING] = {
		HR_RULE_COPY_LINK_MISSING, "CopyLinkMissing",
		"a COPY without --link",
		HR_SEVERITY_ERROR, HR_FIX_SAFE,
		"`COPY --link` writes the copied files into a layer of their own, merged on top of the "
		"previous ones. Its cache survives changes to earlier layers and the layer can be reused "
		"on a new base without a rebuild. But the copy can no longer see the previous layer: it "
		"cannot follow a symlink there, resolve a user name, or keep the owner and mode of the "
		"directories it writes into. hook-run adds `--link` by itself only where the image "
		"provably stays the same, and otherwise says which of those it would change.",
		"Safe cases: none. Otherwise, as the finding says: a symlinked directory replaced by a "
		"real one, a parent directory reset to 0755 root:root, a file landing at a path that is "
		"a directory, or a build that fails on a user name.",
		"FROM golang:1.23 AS build\n...\nFROM gcr.io/distroless/static\nCOPY --from=build /out/app /app",
		"COPY --link --from=build /out/app /app",
		"the COPY has --link or --link=false (an explicit decision), --chmod (BuildKit ignores "
		"--link with --chmod), or the rule is suppressed",
		"safe where the linked layer provably replaces nothing that differs (every directory it "
		"creates is absent or already 0755 with the layer's owner, by facts hook-run is certain "
		"of): inserts `--link` after the keyword, and a `/` after a destination that is a known "
		"directory. Risky where a directory's mode or owner would be reset or something is "
		"unknown (an image hook-run does not know, a RUN it cannot read): fix-mode = all adds it. "
		"None where it would break the build or the image: --chown by name or by an unresolved "
		"variable, a symlink replaced, a system directory re-owned through --chown, neither the "
		"source's nor the destination's type known. Never in ONBUILD.",
	},
	[HR_RULE_ADD_LINK_MISSING] = {
		HR_RULE_ADD_LINK_MISSING, "AddLinkMissing",
		"an ADD without --link",
		HR_SEVERITY_ERROR, HR_FIX_SAFE,
		"ADD has the same layer trade-off as COPY. An ADD of a local file that is not an archive "
		"does nothing COPY does not, so it becomes `COPY --link`; an ADD of a URL, a git "
		"repository or an archive (judged by its name when the build context is unknown) keeps "
		"its meaning as `ADD --link`. `add = link` always writes `ADD --link`; `add = off` "
		"switches the rule off.",
		"As for CopyLinkMissing.",
		"ADD requirements.txt /app/",
		"COPY --link requirements.txt /app/",
		"the ADD has --link or --link=false, or --chmod, or `add = off`",
		"as CopyLinkMissing; local non-archive sources are rewritten to `COPY --link`, others get "
		"`ADD --link`; ADD-only flags (--checksum, --keep-git-dir, --unpack) keep ADD",
	},
	[HR_RULE_INVALID_LINK_VALUE] = {
		HR_RULE_INVALID_LINK_VALUE, "InvalidLinkValue",
		"--link= with a value other than true or false",
		HR_SEVERITY_ERROR, HR_FIX_NONE,
		"BuildKit accepts `--link`, `--link=true` and `--link=false` (any case). Any other value, "
		"an empty one, or a second --link flag fails the build.",
		"The build fails at this instruction.",
		"COPY --link=yes app /app",
		"COPY --link app /app",
		"the value is true or false",
		"none: the intent is unclear",
	},
	[HR_RULE_LINK_CHOWN_BY_NAME] = {
		HR_RULE_LINK_CHOWN_BY_NAME, "LinkChownByName",
		"--link with --chown by user or group name",
		HR_SEVERITY_ERROR, HR_FIX_NONE,
		"A linked copy is made on an empty filesystem, so the stage's /etc/passwd and /etc/group "
		"are not there to turn a name into an id; only numeric ids (and root) are safe.",
		"The build fails, or the files get the wrong owner.",
		"COPY --link --chown=app:app . /srv/app",
		"COPY --link --chown=10001:10001 . /srv/app",
		"--chown is numeric, root, or absent",
		"none: use numeric ids (`id -u app` in the image tells them), or write --link=false",
	},
	[HR_RULE_LINK_THROUGH_SYMLINK] = {
		HR_RULE_LINK_THROUGH_SYMLINK, "LinkThroughSymlink",
		"--link copies under a path that is a symlink in the image",
		HR_SEVERITY_ERROR, HR_FIX_NONE,
		"On usr-merged images (Debian 12, Ubuntu 20.04+, Fedora/RHEL, Alpine 3.23+) /bin, /sbin, "
		"/lib, /lib64 are symlinks into /usr, and /var/run, /var/lock into /run; an earlier "
		"`RUN ln -s` makes more (relative names after `cd` included). A linked copy does not "
		"follow them: it creates a real directory with that name, which replaces the symlink when "
		"the layers are merged. Where the image's tag does not say, /bin \"may be a symlink\".",
		"The symlink is replaced by a directory holding only the copied files: for /bin that "
		"hides every program in /usr/bin.",
		"COPY --link tool /bin/tool",
		"COPY --link tool /usr/bin/tool",
		"the destination is not under such a path, or the stage is FROM scratch",
		"none: copy to the real path (/usr/bin, /run, ...) or write --link=false",
	},
	[HR_RULE_LINK_OVERRIDES_PARENT_METADATA] = {
		HR_RULE_LINK_OVERRIDES_PARENT_METADATA, "LinkOverridesParentMetadata",
		"--link writes into a directory whose owner or mode it would reset",
		HR_SEVERITY_WARNING, HR_FIX_NONE,
		"A linked copy creates the destination's parent directories (and the destination) itself, "
		"mode 0755, owned by root or by the --chown ids, and those entries win when the layers are "
		"merged. That changes every such directory whose mode or owner differ: /tmp and /var/tmp "
		"(1777), /root (0700), /var/local (2775 root:staff), home directories, directories the "
		"stage chowned, chmodded, made as a user or with an earlier COPY --chown/--chmod - and, "
		"with a numeric --chown, every existing parent (/usr, /usr/local...).",
		"The directory's owner and mode are reset: /tmp stops being world-writable, a user loses "
		"write access to its home or data directory.",
		"RUN mkdir /data && chown app /data\nCOPY --link seed.db /data/",
		"COPY --link --chown=10001:10001 seed.db /data/   (or --link=false)",
		"the destination and its parents are ordinary root-owned directories",
		"none: decide, then write --link or --link=false",
	},
	[HR_RULE_LINK_DESTINATION_AMBIGUOUS] = {
		HR_RULE_LINK_DESTINATION_AMBIGUOUS, "LinkDestinationAmbiguous",
		"--link copies one source to a destination without a trailing / that may be a directory",
		HR_SEVERITY_WARNING, HR_FIX_NONE,
		"Without --link, `COPY app.conf /etc/app` copies into /etc/app/ when that directory "
		"exists. A linked copy cannot see it and writes a file named /etc/app, which replaces "
		"the directory when the layers are merged. A directory source merges either way.",
		"A directory becomes a file.",
		"WORKDIR /app\nCOPY --link main.py /app",
		"COPY --link main.py /app/",
		"the destination ends with /, the source is a directory (., dir/, or a folder in the "
		"repository), or the destination is not known to be a directory",
		"risky: appends the trailing / (the image then becomes what the file meant); for a copy "
		"without --link, CopyLinkMissing adds --link and the / together, safely",
	},
	[HR_RULE_LINK_INEFFECTIVE_WITH_CHMOD] = {
		HR_RULE_LINK_INEFFECTIVE_WITH_CHMOD, "LinkIneffectiveWithChmod",
		"--link together with --chmod: BuildKit ignores --link",
		HR_SEVERITY_INFO, HR_FIX_NONE,
		"BuildKit builds a COPY or ADD with --chmod as a plain copy and silently drops --link.",
		"None: the copy is not linked, whatever the flag says.",
		"COPY --link --chmod=0755 run.sh /usr/local/bin/",
		"COPY --link run.sh /usr/local/bin/  (and set the mode in the build context)",
		"--chmod is absent",
		"none",
	},
	[HR_RULE_DOCKERFILE_PARSE_ERROR] = {
		HR_RULE_DOCKERFILE_PARSE_ERROR, "DockerfileParseError",
		"BuildKit cannot parse the file",
		HR_SEVERITY_ERROR, HR_FIX_NONE,
		"The file fails BuildKit's parser (an unterminated heredoc, a duplicate directive, a "
		"non-string JSON array, an unknown instruction, a line over 64 KiB...). Nothing is fixed "
		"in a file that does not parse.",
		"The build fails.",
		"RUN <<EOF\necho missing terminator",
		"RUN <<EOF\necho terminated\nEOF",
		"the file parses",
		"none",
	},
	[HR_RULE_UNCHECKABLE_FILE] = {
		HR_RULE_UNCHECKABLE_FILE, "UncheckableFile",
		"a file matched as a Dockerfile cannot be judged (binary, too large, a symbolic link)",
		HR_SEVERITY_ERROR, HR_FIX_NONE,
		"A file whose name matches the Dockerfile patterns holds NUL bytes, is larger than "
		"`max-size`, or is a symbolic link (or lies beyond one) in a tree `check` or `fix` "
		"searched: hook-run never reads or writes through a link. It does not guess: it "
		"reports the file so a person can rename it, exclude it, check the file a link points "
		"to, or raise the limit.",
		"Unknown.",
		"(a binary file named Dockerfile.bin)",
		"exclude = fixtures/**",
		"the file is text under max-size, or it is excluded",
		"none",
	},
	[HR_RULE_INLINE_SUPPRESSION_REFUSED] = {
		HR_RULE_INLINE_SUPPRESSION_REFUSED, "InlineSuppressionRefused",
		"an inline `# check=` that does not count: BuildKit would not read it, or the policy "
		"refuses it",
		HR_SEVERITY_ERROR, HR_FIX_NONE,
		"A `# check=skip=` counts only where BuildKit itself would honour it: file-wide in the "
		"directive block (docker/dockerfile 1.8 and newer), or as the first `# check=` comment "
		"above an instruction, in column 1 (1.21 and newer); rule names and option keys are "
		"case-sensitive, the value ends at its first space, and a value BuildKit cannot parse is "
		"ignored. Without a `# syntax=` naming such a release none counts. A comment meant to "
		"suppress a finding that stands is reported with the reason, and that finding is not "
		"fixed automatically. The policy comes on top: "
		"with `inline-suppressions = deny` none counts; with `require-reason` one counts only "
		"with a reason, after `//` past the value's first space: `# check=skip=CopyLinkMissing "
		"// needs /tmp mode`.",
		"None.",
		"# syntax=docker/dockerfile:1\nFROM alpine\n# check=skip=copylinkmissing\nCOPY . /tmp/build",
		"# syntax=docker/dockerfile:1\nFROM alpine\n# check=skip=CopyLinkMissing // keeps /tmp "
		"world-writable\nCOPY . /tmp/build",
		"every `# check=` that names a rule is read by BuildKit and accepted by the policy",
		"none",
	},
	[HR_RULE_LINK_EFFECT_UNKNOWN] = {
		HR_RULE_LINK_EFFECT_UNKNOWN, "LinkEffectUnknown",
		"--link is written, but what it changes in the image cannot be known",
		HR_SEVERITY_WARNING, HR_FIX_NONE,
		"A linked copy replaces every directory it creates. hook-run computes which ones and what "
		"they replace; where that depends on something it cannot see - a destination or --chown "
		"value built from a variable without a default, a base image it does not know, a directory "
		"filled by a script or an archive - it says so instead of calling the copy harmless.",
		"Unknown: possibly none, possibly a directory's owner or mode reset (a destination that is "
		"really /tmp loses its sticky, world-writable mode).",
		"ARG DEST\nCOPY --link app.conf ${DEST}/",
		"ARG DEST=/etc/app\nCOPY --link app.conf ${DEST}/",
		"everything the copy replaces is known",
		"none: give the variable a default, use numeric ids, or suppress it with a reason",
	},
};

const hr_rule *hr_rule_get(hr_rule_id id)
{
	if ((int)id < 0 || id >= HR_RULE_COUNT)
		return NULL;
	return &rules[id];
}

const hr_rule *hr_rule_find(const char *name, size_t len)
{
	for (size_t i = 0; i < HR_RULE_COUNT; i++) {
		const char *n = rules[i].name;
		if (strlen(n) != len)
			continue;
		size_t k = 0;
		while (k < len && (n[k] | 0x20) == (name[k] | 0x20))
			k++;
		if (k == len)
			return &rules[i];
	}
	return NULL;
}

const char *hr_fix_safety_name(hr_fix_safety safety)
{
	switch (safety) {
	case HR_FIX_SAFE: return "safe";
	case HR_FIX_RISKY: return "risky";
	case HR_FIX_NONE: return "none";
	}
	return "none";
}

/* a titled block with every line of `text` indented */
static void explain_block(hr_buf *b, const char *title, const char *text)
{
	hr_buf_printf(b, "%s:\n", title);
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		hr_buf_append(b, "    ", 4);
		hr_buf_append(b, p, n);
		hr_buf_putc(b, '\n');
		p += n + (nl ? 1 : 0);
	}
}

int hr_rule_explain(char **out, const hr_rule *r)
{
	hr_buf b = HR_BUF_INIT;

	*out = NULL;
	hr_buf_printf(&b, "%s (default: %s; fix: %s)\n\n", r->name,
		hr_severity_name(r->default_severity), hr_fix_safety_name(r->best_fix));
	hr_buf_printf(&b, "%s.\n\n", r->summary);
	hr_buf_printf(&b, "%s\n\n", r->description);
	hr_buf_printf(&b, "What it changes in the image:\n    %s\n\n", r->image_effect);
	explain_block(&b, "Triggers it", r->example_bad);
	hr_buf_putc(&b, '\n');
	explain_block(&b, "Preferred", r->example_good);
	hr_buf_printf(&b, "\nSilent when: %s.\n", r->silent_when);
	hr_buf_printf(&b, "Fix: %s.\n\n", r->fix_text);
	if (r->id == HR_RULE_DOCKERFILE_PARSE_ERROR || r->id == HR_RULE_UNCHECKABLE_FILE ||
	    r->id == HR_RULE_INLINE_SUPPRESSION_REFUSED) {
		/* `# check=` cannot silence what decides whether `# check=` counts */
		hr_buf_printf(&b, "Suppress it:\n"
			"    not with `# check=`: this rule is never suppressed inline\n"
			"    in .hook-run.ini:  [rules] %s = off   (or warning, info)\n"
			"    on the command line:  --severity %s=off\n", r->name, r->name);
		goto done;
	}
	hr_buf_printf(&b, "Suppress it:\n"
		"    for one instruction, right above it in column 1:  # check=skip=%s // why\n"
		"        (read by docker/dockerfile 1.21 and newer; only the first `# check=` above it counts)\n"
		"    for the whole file, in the directive block:  # check=skip=%s\n"
		"        (read by docker/dockerfile 1.8 and newer)\n"
		"    in .hook-run.ini:  [rules] %s = off   (or warning, info)\n"
		"    on the command line:  --severity %s=off\n"
		"    A `# check=` counts only with a `# syntax=` naming such a release, exactly as\n"
		"    BuildKit reads it: the rule name as written, the value up to its first space.\n",
		r->name, r->name, r->name, r->name);
done:
	hr_buf_append(&b, "", 0);
	if (b.oom) {
		hr_buf_free(&b);
		return HR_ENOMEM;
	}
	*out = b.ptr;
	return 0;
}

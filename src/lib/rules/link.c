/* SPDX-License-Identifier: MIT */
/*
 * link.c - the COPY/ADD --link rules: CopyLinkMissing, AddLinkMissing,
 * InvalidLinkValue, LinkChownByName, LinkThroughSymlink,
 * LinkOverridesParentMetadata, LinkDestinationAmbiguous,
 * LinkIneffectiveWithChmod, LinkEffectUnknown.
 *
 * Each copy is read (copy.c: its sources, destination, owner), and what a
 * linked copy would change is computed against the stage's filesystem model
 * (hr__copy_judge): the directories it would reset, the symlinks it would
 * replace, a directory it would turn into a file, and what cannot be known.
 *
 * Without --link, that list decides the *LinkMissing finding's fix:
 *  - SAFE: nothing changes, by certain facts. A destination that is a known
 *    directory gets its trailing '/' together with --link: `COPY a /app` and
 *    `COPY --link a /app/` give the same image there;
 *  - RISKY (fix-mode = all only): directories whose mode or owner would be
 *    reset, facts that are only presumed, a destination that cannot be
 *    resolved;
 *  - NONE: it would break the build or the image where leaving it alone
 *    does not: --chown by name (or by a variable that may hold one), a
 *    symlink replaced by a directory, a system directory re-owned through
 *    --chown, neither the sources' nor the destination's type known, ONBUILD.
 * With --link written, each change is its own finding, naming the paths and
 * the metadata that would change.
 *
 * Flags are validated as BuildKit's instruction parser does (unknown,
 * duplicate, missing value): such a COPY is a DockerfileParseError, and a bad
 * --link value is an InvalidLinkValue.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "copy.h"

static bool str_eq(const hr_str *s, const char *lit)
{
	size_t n = strlen(lit);
	return s->len == n && memcmp(s->ptr, lit, n) == 0;
}

/* BuildKit's BFlags: returns an error message or NULL; sets link state. */
static const char *validate_flags(hr_check_ctx *c, const hr_instruction *in, hr_copy_plan *p,
	const hr_flag **bad)
{
	static const char *const copy_strings[] = { "chown", "from", "chmod" };
	static const char *const add_strings[] = { "chown", "chmod", "checksum" };
	static const char *const copy_bools[] = { "link", "parents" };
	static const char *const add_bools[] = { "link", "keep-git-dir", "unpack" };
	bool seen[8] = { false };

	for (size_t i = 0; i < in->nflags; i++) {
		const hr_flag *fl = &in->flags[i];
		const char *const *strs = p->is_add ? add_strings : copy_strings;
		const char *const *bools = p->is_add ? add_bools : copy_bools;
		int kind = -1, slot = -1;
		for (int k = 0; k < 3; k++)
			if (str_eq(&fl->name, strs[k]))
				kind = 0, slot = k;
		for (int k = 0; k < 3 && kind < 0; k++)
			if ((p->is_add || k < 2) && str_eq(&fl->name, bools[k]))
				kind = 1, slot = 3 + k;
		if (kind < 0 && str_eq(&fl->name, "exclude"))
			kind = 2, slot = 6;
		*bad = fl;
		if (kind < 0)
			return hr__strf(c, "unknown flag: --%.*s", (int)fl->name.len, fl->name.ptr);
		if (kind != 2 && seen[slot])
			return hr__strf(c, "duplicate flag specified: --%.*s", (int)fl->name.len, fl->name.ptr);
		seen[slot] = true;
		if (kind == 1) {
			if (fl->has_value && fl->value.len == 0)
				return hr__strf(c, "missing a value on flag: --%.*s", (int)fl->name.len, fl->name.ptr);
			bool t = !fl->has_value || (fl->value.len == 4 && !strncasecmp(fl->value.ptr, "true", 4));
			bool fa = fl->has_value && fl->value.len == 5 && !strncasecmp(fl->value.ptr, "false", 5);
			if (!t && !fa)
				return hr__strf(c, "expecting boolean value for flag --%.*s, not: %.*s",
					(int)fl->name.len, fl->name.ptr, (int)fl->value.len, fl->value.ptr);
			if (str_eq(&fl->name, "link")) {
				p->link = t ? HR_LINK_TRUE : HR_LINK_FALSE;
				p->link_flag = fl;
			} else if (!str_eq(&fl->name, "parents")) {
				p->add_only_flags = true;
			}
		} else {
			if (!fl->has_value)
				return hr__strf(c, "missing a value on flag: --%.*s", (int)fl->name.len, fl->name.ptr);
			if (str_eq(&fl->name, "chown"))
				p->chown = fl;
			else if (str_eq(&fl->name, "chmod"))
				p->chmod = fl;
			else if (str_eq(&fl->name, "checksum"))
				p->add_only_flags = true;
		}
	}
	*bad = NULL;
	return NULL;
}

/* ---- words for the messages ------------------------------------------------ */

static const char *meta_str(hr_check_ctx *c, int mode, const hr_owner *o)
{
	if (mode < 0 && o->kind == HR_OWNER_UNKNOWN)
		return "a mode and owner hook-run cannot see";
	if (mode < 0)
		return hr__strf(c, "owner %s, a mode hook-run cannot see", hr__owner_str(c, o));
	if (o->kind == HR_OWNER_UNKNOWN)
		return hr__strf(c, "mode %s, an owner hook-run cannot see", hr__mode_str(c, mode));
	return hr__strf(c, "%s %s", hr__mode_str(c, mode), hr__owner_str(c, o));
}

/* "/a, /b and /c" */
static const char *path_list(hr_check_ctx *c, const char **paths, size_t n)
{
	hr_buf b = HR_BUF_INIT;
	size_t shown = n > 4 ? 3 : n;
	for (size_t i = 0; i < shown; i++) {
		if (i)
			hr_buf_append(&b, i + 1 == shown && shown == n ? " and " : ", ", i + 1 == shown && shown == n ? 5 : 2);
		hr_buf_append(&b, paths[i], strlen(paths[i]));
	}
	if (shown < n)
		hr_buf_printf(&b, " and %zu more", n - shown);
	const char *s = hr_arena_strndup(c->arena, b.ptr ? b.ptr : "", b.len);
	hr_buf_free(&b);
	return s ? s : "";
}

/* the same description (unknown equals unknown) */
static bool owner_alike(const hr_owner *a, const hr_owner *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind == HR_OWNER_UNKNOWN || hr__owner_same(a, b);
}

/* the metadata resets, grouped by what they were and become */
static const char *meta_sentence(hr_check_ctx *c, const hr_copy_verdict *v, bool definite_only,
	bool *any_certain)
{
	hr_buf b = HR_BUF_INIT;
	const char **paths = calloc(v->nchanges ? v->nchanges : 1, sizeof(*paths));
	bool *done = calloc(v->nchanges ? v->nchanges : 1, sizeof(*done));
	const char *out = NULL;
	*any_certain = false;
	if (!paths || !done) {
		c->error = HR_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < v->nchanges; i++) {
		const hr_copy_change *x = &v->changes[i];
		if (x->kind != HR_CHANGE_META || done[i] || (definite_only && x->possible))
			continue;
		size_t np = 0;
		bool may = x->possible || !x->certain;
		for (size_t k = i; k < v->nchanges; k++) {
			const hr_copy_change *y = &v->changes[k];
			if (y->kind != HR_CHANGE_META || done[k] || (definite_only && y->possible) || y->was.mode != x->was.mode ||
			    !owner_alike(&y->was.owner, &x->was.owner) || y->mode != x->mode ||
			    !owner_alike(&y->owner, &x->owner) || (y->possible || !y->certain) != may)
				continue;
			done[k] = true;
			paths[np++] = y->path;
		}
		if (!may)
			*any_certain = true;
		if (b.len)
			hr_buf_append(&b, "; ", 2);
		const char *was = meta_str(c, x->was.mode, &x->was.owner);
		hr_buf_printf(&b, "%s %s from %s to %s (%s)", may ? "may reset" : "would reset", path_list(c, paths, np),
			was, meta_str(c, x->mode, &x->owner), x->why ? x->why : x->was.why ? x->was.why : "known");
	}
	out = hr_arena_strndup(c->arena, b.ptr ? b.ptr : "", b.len);
out:
	free(paths);
	free(done);
	hr_buf_free(&b);
	return out ? out : "";
}

static const hr_copy_change *first_change(const hr_copy_verdict *v, hr_change_kind kind)
{
	for (size_t i = 0; i < v->nchanges; i++)
		if (v->changes[i].kind == kind)
			return &v->changes[i];
	return NULL;
}

static const char *symlink_sentence(hr_check_ctx *c, const hr_copy_change *x)
{
	if (x->was.type == HR_FS_MAYBE_SYMLINK)
		return hr__strf(c, "%s may be a symlink (%s): a linked copy would replace it with a real "
			"directory holding only these files", x->path, x->was.why ? x->was.why : "");
	return hr__strf(c, "%s is a symlink%s%s (%s): a linked copy would replace it with a real directory "
		"holding only these files", x->path, x->was.target ? " to " : "", x->was.target ? x->was.target : "",
		x->was.why ? x->was.why : "");
}

static const char *unknown_sentence(hr_check_ctx *c, const hr_copy_plan *p, const hr_copy_change *x,
	const hr_fsmodel *fs)
{
	if (!x->path)
		return hr__strf(c, "the destination %.*s depends on %s, which hook-run cannot resolve",
			(int)p->dest->text.len, p->dest->text.ptr, p->dest_var ? p->dest_var : "a variable");
	const char *opaque = fs->opaque_gen && !x->certain && fs->opaque_why ? fs->opaque_why : NULL;
	if (x->kind == HR_CHANGE_DIR_TO_FILE)
		return hr__strf(c, "hook-run cannot tell whether %s is an existing directory (%s)%s%s", x->path,
			x->why ? x->why : x->was.why ? x->was.why : "unknown", opaque ? "; " : "", opaque ? opaque : "");
	return hr__strf(c, "hook-run cannot tell what %s holds (%s)%s%s", x->path,
		x->why ? x->why : x->was.why ? x->was.why : "nothing is known about it",
		opaque ? "; " : "", opaque ? opaque : "");
}

static const char *uncertain_sentence(hr_check_ctx *c, const hr_fsmodel *fs)
{
	if (fs->opaque_why)
		return hr__strf(c, "what hook-run knows of this stage is only presumed: %s", fs->opaque_why);
	return "hook-run cannot see the base image's owner for the copy";
}

/* ---- the destination's trailing slash ------------------------------------- */

/* where to put '/' so the destination reads as a directory; false if nowhere */
static bool slash_edit(const hr_check_ctx *c, const hr_copy_plan *p, size_t *at)
{
	const hr_arg *d = p->dest;
	if (d->span.end <= d->span.start || d->text.len == 0)
		return false;
	const char *raw = c->df->data + d->span.start;
	size_t n = d->span.end - d->span.start;
	char last = raw[n - 1];
	if (last == '"' || last == '\'') {
		if (n < 2)
			return false;
		*at = d->span.end - 1;
		return raw[n - 2] != '\\' || p->in->json_form;
	}
	if (last == '\\' || last == '`' || last == '$')
		return false;
	*at = d->span.end;
	return true;
}

/* ---- findings for a copy that has --link -------------------------------- */

static hr_span dest_span(const hr_instruction *in, const hr_copy_plan *p)
{
	return p->dest->span.end > p->dest->span.start ? p->dest->span : in->keyword_span;
}

static void linked_findings(hr_check_ctx *c, hr_stage *st, const hr_instruction *in, const hr_copy_plan *p)
{
	const char *kw = p->is_add ? "ADD" : "COPY";
	hr_finding *x;

	if (p->chmod) {
		/* BuildKit builds it as a plain copy: nothing --link would change happens */
		x = hr__finding(c, HR_RULE_LINK_INEFFECTIVE_WITH_CHMOD, p->link_flag->span,
			"%s --link with --chmod: BuildKit ignores --link when --chmod is set, so this copy "
			"is not linked", kw);
		if (x) {
			x->instruction = in;
			x->hint = "drop --chmod (set the mode in the build context) or drop --link";
		}
		return;
	}
	if (p->chown_kind == HR_CHOWN_NAME) {
		x = hr__finding(c, HR_RULE_LINK_CHOWN_BY_NAME, p->chown->span,
			"%s --link with --chown=%s: a linked copy has no /etc/passwd or /etc/group to "
			"resolve names, so the build fails or the files get the wrong owner", kw, p->chown_text);
		if (x) {
			x->instruction = in;
			x->hint = "use numeric ids (--chown=10001:10001), or write --link=false";
		}
	} else if (p->chown_kind == HR_CHOWN_UNRESOLVED) {
		x = hr__finding(c, HR_RULE_LINK_EFFECT_UNKNOWN, p->chown->span,
			"%s --link with --chown=%s: hook-run cannot resolve %s, so it cannot tell who would own "
			"the directories this layer makes (a name would not resolve at all in a linked copy)",
			kw, p->chown_text, p->chown_var ? p->chown_var : "it");
		if (x) {
			x->instruction = in;
			x->hint = hr__strf(c, "give %s a numeric default (ARG %s=10001), write numeric ids, or "
				"`# check=skip=LinkEffectUnknown` with a reason", p->chown_var ? p->chown_var : "it",
				p->chown_var ? p->chown_var : "UID");
		}
	}
	hr_copy_verdict v;
	hr__copy_judge(c, st, p, false, &v);

	const hr_copy_change *sym = first_change(&v, HR_CHANGE_SYMLINK);
	if (sym) {
		x = hr__finding(c, HR_RULE_LINK_THROUGH_SYMLINK, dest_span(in, p), "%s --link into %s: %s", kw,
			p->dest_path, symlink_sentence(c, sym));
		if (x) {
			x->instruction = in;
			x->hint = "copy to the symlink's real target, or write --link=false";
		}
	}
	bool certain_meta;
	const char *meta = p->chown_kind == HR_CHOWN_IDS || p->chown_kind == HR_CHOWN_NONE ?
		meta_sentence(c, &v, true, &certain_meta) : ""; /* a name or unknown owner: said above */
	if (*meta) {
		x = hr__finding(c, HR_RULE_LINK_OVERRIDES_PARENT_METADATA, dest_span(in, p), "%s --link into %s %s",
			kw, p->dest_path, meta);
		if (x) {
			x->instruction = in;
			x->hint = "if that reset is unwanted, write --link=false";
		}
	}
	const hr_copy_change *d2f = first_change(&v, HR_CHANGE_DIR_TO_FILE);
	if (d2f && v.dest_dir_known) {
		x = hr__finding(c, HR_RULE_LINK_DESTINATION_AMBIGUOUS, dest_span(in, p),
			"%s --link to %.*s: %s is a directory (%s); without --link the %s goes into it, with --link "
			"%s replaces it", kw, (int)p->dest->text.len, p->dest->text.ptr, p->dest_path,
			d2f->was.why ? d2f->was.why : "known", d2f->possible ? "copy" : "file",
			d2f->possible ? "a file source" : "a file");
		size_t at;
		if (x) {
			x->instruction = in;
			x->hint = hr__strf(c, "write the destination as %.*s/", (int)p->dest->text.len, p->dest->text.ptr);
			/* an ONBUILD trigger is never rewritten (as CopyLinkMissing leaves it): said only */
			if (!p->onbuild && slash_edit(c, p, &at)) {
				x->fix = HR_FIX_RISKY; /* the image changes: to what the author meant */
				x->fix_summary = "append '/' to the destination";
				x->fix_flags = HR_FIXES_DEST_SLASH;
				hr__edit(c, x, at, at, "/", 1);
			}
		}
	} else if (d2f && d2f->was.type == HR_FS_DIR) {
		/* a directory if it exists at all (a table directory, a maybe-made one) */
		x = hr__finding(c, HR_RULE_LINK_DESTINATION_AMBIGUOUS, dest_span(in, p),
			"%s --link to %.*s: %s; if it is, a linked copy of a file replaces it", kw,
			(int)p->dest->text.len, p->dest->text.ptr, unknown_sentence(c, p, d2f, &st->fs));
		if (x) {
			x->instruction = in;
			x->hint = hr__strf(c, "write %.*s/ if it is a directory, or the full file path",
				(int)p->dest->text.len, p->dest->text.ptr);
		}
	}
	/* with --link written, unknowns worth a word: a destination nobody can resolve */
	const hr_copy_change *unk = first_change(&v, HR_CHANGE_UNKNOWN);
	if (unk && !unk->path) {
		x = hr__finding(c, HR_RULE_LINK_EFFECT_UNKNOWN, dest_span(in, p), "%s --link: %s", kw,
			unknown_sentence(c, p, unk, &st->fs));
		if (x) {
			x->instruction = in;
			x->hint = unk->path ? "check what the image holds there, or write --link=false" :
				hr__strf(c, "give %s a default hook-run can see, or `# check=skip=LinkEffectUnknown` "
					"with a reason", p->dest_var ? p->dest_var : "the variable");
		}
	}
}

/* ---- the *LinkMissing finding ------------------------------------------- */

static void missing_finding(hr_check_ctx *c, hr_stage *st, const hr_instruction *in,
	const hr_instruction *outer, const hr_copy_plan *p)
{
	const hr_policy *pol = c->policy;
	hr_rule_id rule = p->is_add ? HR_RULE_ADD_LINK_MISSING : HR_RULE_COPY_LINK_MISSING;
	const char *kw = p->is_add ? "ADD" : "COPY";
	const char *effect, *hint = NULL;
	hr_fix_safety safety = HR_FIX_SAFE;
	bool slash = false;
	size_t slash_at = 0;

	hr_copy_verdict v;
	hr__copy_judge(c, st, p, false, &v);
	const hr_copy_change *d2f = first_change(&v, HR_CHANGE_DIR_TO_FILE);
	if (d2f && v.dest_dir_known && !p->onbuild && slash_edit(c, p, &slash_at)) {
		/* the known directory keeps its meaning with a trailing slash */
		slash = true;
		hr__copy_judge(c, st, p, true, &v);
		d2f = first_change(&v, HR_CHANGE_DIR_TO_FILE);
	}
	const hr_copy_change *sym = first_change(&v, HR_CHANGE_SYMLINK);
	const hr_copy_change *unk = first_change(&v, HR_CHANGE_UNKNOWN);
	bool certain_meta;
	const char *meta = meta_sentence(c, &v, false, &certain_meta);

	if (p->onbuild) {
		safety = HR_FIX_NONE;
		effect = "it runs in the builds of child images, so hook-run reports it and never rewrites it";
		hint = "add --link by hand if the child images allow it, or write --link=false";
	} else if (p->chown_kind == HR_CHOWN_NAME) {
		safety = HR_FIX_NONE;
		effect = hr__strf(c, "adding --link would break the build: --chown=%s names a user, and a "
			"linked copy cannot resolve names", p->chown_text);
		hint = "use numeric ids (--chown=10001:10001) and add --link, or write --link=false";
	} else if (p->chown_kind == HR_CHOWN_UNRESOLVED) {
		safety = HR_FIX_NONE;
		effect = hr__strf(c, "hook-run cannot tell what adding --link would do: --chown=%s uses %s, "
			"which has no value hook-run can see (a user name would not resolve in a linked copy)",
			p->chown_text, p->chown_var ? p->chown_var : "a variable");
		hint = hr__strf(c, "give %s a numeric ARG default, write numeric ids, or write --link=false",
			p->chown_var ? p->chown_var : "it");
	} else if (sym) {
		safety = HR_FIX_NONE;
		effect = hr__strf(c, "adding --link would break the image: %s", symlink_sentence(c, sym));
		hint = "copy to the symlink's real target with --link, or write --link=false";
	} else if (v.system_reown) {
		safety = HR_FIX_NONE;
		effect = hr__strf(c, "adding --link %s: the linked layer makes every parent directory owned by "
			"the --chown ids", meta);
		hint = "write --link=false (or copy without --chown and chown the files in a RUN)";
	} else if (v.types_unknown) {
		safety = HR_FIX_NONE;
		effect = hr__strf(c, "hook-run cannot tell whether the source is a file or whether the destination "
			"is a directory: %s; a linked copy of a file would replace such a directory",
			unknown_sentence(c, p, d2f ? d2f : unk ? unk : &v.changes[0], &st->fs));
		if (p->dest_var && !strcmp(p->dest_var, HR_UNTERMINATED_QUOTE))
			hint = "close the quote in the destination (BuildKit refuses the word as it is), then add --link";
		else
			hint = hr__strf(c, "write the destination as %.*s/ if it is a directory (or the full file "
				"path), then add --link; or write --link=false", (int)p->dest->text.len, p->dest->text.ptr);
	} else if (st->image.windows) {
		safety = HR_FIX_RISKY;
		effect = "hook-run cannot prove --link safe: the stage is built on a Windows image, and its model "
			 "covers Linux images only";
		hint = "decide: add --link, or write --link=false";
	} else if (*meta) {
		safety = HR_FIX_RISKY;
		effect = hr__strf(c, "adding --link %s", meta);
		hint = "decide: add --link if that reset is fine, or write --link=false to keep the copy as it is";
	} else if (d2f) {
		safety = HR_FIX_RISKY;
		effect = hr__strf(c, "adding --link would turn %s into a file if it is an existing directory: %s",
			p->dest_path, unknown_sentence(c, p, d2f, &st->fs));
		hint = hr__strf(c, "write the destination as %.*s/ if it is a directory (or the full file path), "
			"then add --link; or write --link=false", (int)p->dest->text.len, p->dest->text.ptr);
	} else if (unk) {
		safety = HR_FIX_RISKY;
		effect = hr__strf(c, "hook-run cannot prove --link safe: %s", unknown_sentence(c, p, unk, &st->fs));
		hint = "decide: add --link, or write --link=false";
	} else if (!v.certain) {
		safety = HR_FIX_RISKY;
		effect = hr__strf(c, "hook-run cannot prove --link safe: %s", uncertain_sentence(c, &st->fs));
		hint = "decide: add --link, or write --link=false";
	} else if (slash) {
		effect = hr__strf(c, "%s is a directory, so with a trailing / and --link the image stays the same and "
			"this layer's cache survives changes to earlier layers", p->dest_path);
	} else {
		effect = "nothing here depends on the previous layer, so adding --link keeps the image the "
			 "same and lets this layer's cache survive changes to earlier layers";
	}

	/* what the fix writes: ADD of local non-archives becomes COPY */
	bool to_copy = p->is_add && pol->add == HR_ADD_COPY_LINK && !p->add_only_flags;
	for (size_t i = 0; i < p->nsrc && to_copy; i++) {
		const hr_copy_source *s = &p->src[i];
		if (s->kind == HR_SRC_URL || s->kind == HR_SRC_GIT || s->archive)
			to_copy = false;
	}
	hr_finding *x = hr__finding(c, rule, outer->keyword_span, "%s without --link: %s", kw, effect);
	if (!x)
		return;
	x->instruction = outer;
	x->hint = hint;
	x->fix = safety;
	if (safety == HR_FIX_NONE)
		return;
	if (to_copy) {
		bool lower = in->keyword.len && in->keyword.ptr[0] >= 'a' && in->keyword.ptr[0] <= 'z';
		const char *text = lower ? "copy --link" : "COPY --link";
		x->fix_summary = "rewrite ADD as COPY --link (a local source that is not an archive)";
		x->fix_flags = HR_FIXES_LINK | HR_FIXES_ADD_TO_COPY;
		hr__edit(c, x, in->keyword_span.start, in->keyword_span.end, text, strlen(text));
	} else {
		x->fix_summary = hr__strf(c, "insert --link after %s", kw);
		x->fix_flags = HR_FIXES_LINK;
		hr__edit(c, x, in->keyword_span.end, in->keyword_span.end, " --link", 7);
	}
	if (slash) {
		x->fix_summary = hr__strf(c, "%s, and append '/' to the destination", x->fix_summary);
		x->fix_flags |= HR_FIXES_DEST_SLASH;
		hr__edit(c, x, slash_at, slash_at, "/", 1);
	}
}

static void visit_copy(hr_check_ctx *c, hr_stage *st, const hr_instruction *in,
	const hr_instruction *outer, void *data)
{
	hr_copy_plan p;
	const hr_flag *bad;
	(void)data;

	if (in->error || outer->error)
		return;
	memset(&p, 0, sizeof(p));
	p.is_add = in->kind == HR_KW_ADD;
	p.onbuild = outer != in;
	const char *err = validate_flags(c, in, &p, &bad);
	if (err) {
		bool link_problem = bad && str_eq(&bad->name, "link");
		hr_finding *x = hr__finding(c, link_problem ? HR_RULE_INVALID_LINK_VALUE : HR_RULE_DOCKERFILE_PARSE_ERROR,
			bad ? bad->span : in->keyword_span, "%s: %s", link_problem ? "the build fails" :
			"BuildKit cannot parse the instruction", err);
		if (x) {
			x->instruction = outer;
			if (link_problem)
				x->hint = "write --link, --link=true or --link=false";
		}
		return;
	}
	if (in->nargs < 2) {
		hr_finding *x = hr__finding(c, HR_RULE_DOCKERFILE_PARSE_ERROR, in->keyword_span,
			"BuildKit cannot parse the instruction: %s requires at least two arguments",
			p.is_add ? "ADD" : "COPY");
		if (x)
			x->instruction = outer;
		return;
	}
	hr__copy_plan(c, st, in, &p);
	if (c->error)
		return;
	if (p.link == HR_LINK_TRUE)
		linked_findings(c, st, in, &p);
	else if (p.link == HR_LINK_ABSENT && !p.chmod && !(p.is_add && c->policy->add == HR_ADD_OFF))
		missing_finding(c, st, in, outer, &p);
	/* --link=false is an explicit, recorded decision; --chmod makes --link moot */
	if (!p.onbuild)
		hr__copy_apply(c, st, &p);
}

void hr__check_link(hr_check_ctx *c)
{
	hr__stages_walk(c, visit_copy, NULL);
}

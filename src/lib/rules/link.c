/*
 * link.c - the COPY/ADD --link rules: CopyLinkMissing, AddLinkMissing,
 * InvalidLinkValue, LinkChownByName, LinkThroughSymlink,
 * LinkOverridesParentMetadata, LinkDestinationAmbiguous,
 * LinkIneffectiveWithChmod.
 *
 * One analysis per copy (judge_copy) finds what --link would change:
 *  - a --chown by name (a linked copy has no /etc/passwd to resolve it);
 *  - a destination under a symlink (usr-merged /bin, /lib..., /var/run, or
 *    one an earlier RUN made): the symlink would become a directory;
 *  - a destination under a directory that is not 0755 root:root (/tmp,
 *    /var/tmp, /root, /home/USER, or one the stage chowned, chmodded, created
 *    after USER): the directory's owner and mode would be reset;
 *  - one source and a destination without a trailing / that may be an
 *    existing directory: the file would replace the directory;
 *  - a destination hook-run cannot resolve (variables, unknown WORKDIR).
 * With --link written, each risk is its own finding. Without it, the
 * *LinkMissing finding names the risk, and the risk decides whether its fix
 * is SAFE (no risk), RISKY (fix-mode = all only) or absent (it would break
 * the build or the image, or the copy is in ONBUILD).
 *
 * Flags are validated as BuildKit's instruction parser does (unknown,
 * duplicate, missing value): such a COPY is a DockerfileParseError, and a bad
 * --link value is an InvalidLinkValue.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stage.h"
#include "heredoc.h"

enum link_state { LINK_ABSENT = 0, LINK_TRUE, LINK_FALSE, LINK_INVALID };

typedef struct copy_facts {
	bool is_add;
	bool onbuild;
	enum link_state link;
	const hr_flag *link_flag;
	const hr_flag *chown;
	const hr_flag *chmod;
	bool add_only_flags;     /* --checksum, --keep-git-dir, --unpack */
	bool flag_error;
	size_t nsources;
	bool wildcard;
	bool dir_source;         /* ".", "dir/": a directory is copied */
	bool remote;             /* URL or git */
	bool archive;            /* a local source named like an archive */
	const hr_arg *dest;
	const char *dest_path;   /* resolved, or NULL */
	bool dest_dir;           /* the destination is surely a directory */
	/* risks */
	const char *chown_name;  /* the name, or "the variable ..." */
	const char *symlink;     /* the symlink the destination goes through */
	bool symlink_usrmerge;
	const char *meta_dir;    /* the directory whose metadata would be reset */
	const char *meta_why;
	bool ambiguous;
	bool unresolved;
} copy_facts;

static const char *const usrmerge_links[] = {
	"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/var/run", "/var/lock",
};

/* directories nearly every Linux base image has */
static const char *const well_known_dirs[] = {
	"/", "/bin", "/boot", "/etc", "/home", "/lib", "/media", "/mnt", "/opt", "/root", "/run",
	"/sbin", "/srv", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/libexec", "/usr/local",
	"/usr/local/bin", "/usr/local/etc", "/usr/local/lib", "/usr/local/sbin", "/usr/local/share",
	"/usr/sbin", "/usr/share", "/usr/src", "/var", "/var/cache", "/var/lib", "/var/log",
	"/var/tmp", "/var/www", "/etc/ssl", "/etc/ssl/certs", "/etc/default", "/etc/profile.d",
	"/docker-entrypoint.d", "/docker-entrypoint-initdb.d",
};

static bool str_eq(const hr_str *s, const char *lit)
{
	size_t n = strlen(lit);
	return s->len == n && memcmp(s->ptr, lit, n) == 0;
}

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

static bool is_archive_name(const char *s, size_t n)
{
	static const char *const ext[] = {
		".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
		".tar.zst", ".tzst", ".gz", ".bz2", ".xz", ".zst", ".lz4",
	};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (ends_with_ci(s, n, ext[i]))
			return true;
	return false;
}

static bool is_remote(const char *s, size_t n)
{
	static const char *const schemes[] = { "http://", "https://", "git://", "git@", "ssh://" };
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t k = strlen(schemes[i]);
		if (n >= k && strncasecmp(s, schemes[i], k) == 0)
			return true;
	}
	return false;
}

/* BuildKit's BFlags: returns an error message or NULL; sets link state. */
static const char *validate_flags(hr_check_ctx *c, const hr_instruction *in, copy_facts *f,
	const hr_flag **bad)
{
	static const char *const copy_strings[] = { "chown", "from", "chmod" };
	static const char *const add_strings[] = { "chown", "chmod", "checksum" };
	static const char *const copy_bools[] = { "link", "parents" };
	static const char *const add_bools[] = { "link", "keep-git-dir", "unpack" };
	bool seen[8] = { false };

	for (size_t i = 0; i < in->nflags; i++) {
		const hr_flag *fl = &in->flags[i];
		const char *const *strs = f->is_add ? add_strings : copy_strings;
		const char *const *bools = f->is_add ? add_bools : copy_bools;
		int kind = -1, slot = -1;
		for (int k = 0; k < 3; k++)
			if (str_eq(&fl->name, strs[k]))
				kind = 0, slot = k;
		for (int k = 0; k < 3 && kind < 0; k++)
			if ((f->is_add || k < 2) && str_eq(&fl->name, bools[k]))
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
				f->link = t ? LINK_TRUE : LINK_FALSE;
				f->link_flag = fl;
			} else {
				f->add_only_flags = true;
			}
		} else {
			if (!fl->has_value)
				return hr__strf(c, "missing a value on flag: --%.*s", (int)fl->name.len, fl->name.ptr);
			if (str_eq(&fl->name, "chown"))
				f->chown = fl;
			else if (str_eq(&fl->name, "chmod"))
				f->chmod = fl;
			else if (str_eq(&fl->name, "checksum"))
				f->add_only_flags = true;
		}
	}
	*bad = NULL;
	return NULL;
}

static bool id_ok(const char *s, size_t n)
{
	if (n == 0 || (n == 4 && !strncmp(s, "root", 4)))
		return true;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static void judge_chown(hr_check_ctx *c, const hr_stage *st, copy_facts *f)
{
	if (!f->chown)
		return;
	const hr_str *v = &f->chown->value;
	const char *x = hr__stage_expand(c, st, v->ptr, v->len);
	if (!x) {
		f->chown_name = hr__strf(c, "%.*s (a variable hook-run cannot resolve)", (int)v->len, v->ptr);
		return;
	}
	const char *colon = strchr(x, ':');
	size_t ul = colon ? (size_t)(colon - x) : strlen(x);
	if (!id_ok(x, ul) || (colon && !id_ok(colon + 1, strlen(colon + 1))))
		f->chown_name = x;
}

static void judge_paths(hr_check_ctx *c, const hr_stage *st, copy_facts *f)
{
	const char *p = f->dest_path;
	if (!p) {
		f->unresolved = true;
		return;
	}
	/* symlinks: usr-merge on image bases, and what RUN made */
	if (st->image_base)
		for (size_t i = 0; i < sizeof(usrmerge_links) / sizeof(usrmerge_links[0]); i++)
			if (hr__path_under(p, usrmerge_links[i])) {
				f->symlink = usrmerge_links[i];
				f->symlink_usrmerge = true;
			}
	if (!f->symlink)
		f->symlink = hr__pathset_covering(&st->symlinks, p);

	/* directories whose owner or mode differ from 0755 root:root */
	if (st->image_base) {
		if (hr__path_under(p, "/tmp")) {
			f->meta_dir = "/tmp";
			f->meta_why = "it is 1777 (world-writable, sticky) in the base image";
		} else if (hr__path_under(p, "/var/tmp")) {
			f->meta_dir = "/var/tmp";
			f->meta_why = "it is 1777 (world-writable, sticky) in the base image";
		} else if (hr__path_under(p, "/root")) {
			f->meta_dir = "/root";
			f->meta_why = "it is 0700 in the base image";
		} else if (!strncmp(p, "/home/", 6) && p[6]) {
			size_t n = strcspn(p + 6, "/");
			f->meta_dir = hr__strf(c, "/home/%.*s", (int)n, p + 6);
			f->meta_why = "home directories belong to their user";
		}
	}
	if (!f->meta_dir) {
		const char *m = hr__pathset_covering(&st->meta_dirs, p);
		if (m) {
			f->meta_dir = m;
			f->meta_why = "an earlier instruction of this stage changed its owner or mode";
		}
	}
	/* when the destination is the copied file itself, only its parents matter */
	if (f->meta_dir && !f->dest_dir && !strcmp(f->meta_dir, p) && !hr__pathset_has(&st->dirs, p) &&
	    strcmp(p, "/tmp") && strcmp(p, "/var/tmp") && strcmp(p, "/root"))
		f->meta_dir = NULL;

	/* one source, no trailing slash, and the destination may be a directory */
	if (!f->dest_dir && f->nsources == 1 && !f->wildcard && !f->dir_source) {
		bool known_dir = hr__pathset_has(&st->dirs, p);
		if (!known_dir && st->image_base)
			for (size_t i = 0; i < sizeof(well_known_dirs) / sizeof(well_known_dirs[0]); i++)
				if (!strcmp(p, well_known_dirs[i]))
					known_dir = true;
		f->ambiguous = known_dir;
	}
}

static void gather(hr_check_ctx *c, const hr_stage *st, const hr_instruction *in, copy_facts *f)
{
	f->nsources = in->nargs - 1;
	for (size_t i = 0; i + 1 < in->nargs; i++) {
		const hr_str *s = &in->args[i].text;
		hr_heredoc h;
		if (hr_heredoc_parse_word(&h, c->arena, s->ptr, s->len))
			continue; /* inline content: a file */
		if (memchr(s->ptr, '*', s->len) || memchr(s->ptr, '?', s->len) || memchr(s->ptr, '[', s->len))
			f->wildcard = true;
		if (is_remote(s->ptr, s->len)) {
			f->remote = true;
			continue;
		}
		if ((s->len && s->ptr[s->len - 1] == '/') || str_eq(s, ".") || str_eq(s, "..") ||
		    ends_with_ci(s->ptr, s->len, "/.") || ends_with_ci(s->ptr, s->len, "/.."))
			f->dir_source = true;
		if (is_archive_name(s->ptr, s->len))
			f->archive = true;
	}
	f->dest = &in->args[in->nargs - 1];
	const hr_str *d = &f->dest->text;
	f->dest_dir = f->nsources > 1 || f->wildcard || d->len == 0 ||
		      d->ptr[d->len - 1] == '/' || str_eq(d, ".") || ends_with_ci(d->ptr, d->len, "/.");
	f->dest_path = hr__stage_resolve(c, st, d->ptr, d->len);
	judge_chown(c, st, f);
	judge_paths(c, st, f);
}

static hr_span dest_span(const hr_instruction *in, const copy_facts *f)
{
	return f->dest->span.end > f->dest->span.start ? f->dest->span : in->keyword_span;
}

/* ---- findings for a copy that has --link -------------------------------- */

static void linked_findings(hr_check_ctx *c, const hr_instruction *in, const copy_facts *f)
{
	const char *kw = f->is_add ? "ADD" : "COPY";
	hr_finding *x;

	if (f->chown_name) {
		x = hr__finding(c, HR_RULE_LINK_CHOWN_BY_NAME, f->chown->span,
			"%s --link with --chown=%s: a linked copy has no /etc/passwd or /etc/group to "
			"resolve names, so the build fails or the files get the wrong owner",
			kw, f->chown_name);
		if (x) {
			x->instruction = in;
			x->hint = "use numeric ids (--chown=10001:10001), or write --link=false";
		}
	}
	if (f->symlink) {
		x = hr__finding(c, HR_RULE_LINK_THROUGH_SYMLINK, dest_span(in, f),
			"%s --link into %s: %s is a symlink %s; the linked layer replaces it with a real "
			"directory holding only these files",
			kw, f->dest_path, f->symlink,
			f->symlink_usrmerge ? "on usr-merged images (into /usr or /run)" : "made by an earlier RUN");
		if (x) {
			x->instruction = in;
			x->hint = "copy to the symlink's real target, or write --link=false";
		}
	}
	if (f->meta_dir) {
		x = hr__finding(c, HR_RULE_LINK_OVERRIDES_PARENT_METADATA, dest_span(in, f),
			"%s --link into %s resets %s to 0755 root:root; %s", kw, f->dest_path, f->meta_dir,
			f->meta_why);
		if (x) {
			x->instruction = in;
			x->hint = "if that reset is unwanted, write --link=false";
		}
	}
	if (f->ambiguous) {
		x = hr__finding(c, HR_RULE_LINK_DESTINATION_AMBIGUOUS, dest_span(in, f),
			"%s --link to %.*s: it may be an existing directory; without --link the file goes "
			"into it, with --link a file named %s replaces it",
			kw, (int)f->dest->text.len, f->dest->text.ptr, f->dest_path);
		if (x) {
			x->instruction = in;
			x->hint = hr__strf(c, "write the destination as %.*s/ (or the full file path)",
				(int)f->dest->text.len, f->dest->text.ptr);
		}
	}
	if (f->chmod) {
		x = hr__finding(c, HR_RULE_LINK_INEFFECTIVE_WITH_CHMOD, f->link_flag->span,
			"%s --link with --chmod: BuildKit ignores --link when --chmod is set, so this copy "
			"is not linked", kw);
		if (x) {
			x->instruction = in;
			x->hint = "drop --chmod (set the mode in the build context) or drop --link";
		}
	}
}

/* ---- the *LinkMissing finding ------------------------------------------- */

static void missing_finding(hr_check_ctx *c, const hr_instruction *in, const copy_facts *f)
{
	const hr_policy *p = c->policy;
	hr_rule_id rule = f->is_add ? HR_RULE_ADD_LINK_MISSING : HR_RULE_COPY_LINK_MISSING;
	const char *kw = f->is_add ? "ADD" : "COPY";
	const char *effect, *hint = NULL;
	hr_fix_safety safety;

	if (f->onbuild) {
		safety = HR_FIX_NONE;
		effect = "it runs in the builds of child images, so hook-run reports it and never rewrites it";
		hint = "add --link by hand if the child images allow it, or write --link=false";
	} else if (f->chown_name) {
		safety = HR_FIX_NONE;
		effect = hr__strf(c, "adding --link would break the build: --chown=%s names a user, and a "
			"linked copy cannot resolve names", f->chown_name);
		hint = "use numeric ids (--chown=10001:10001) and add --link, or write --link=false";
	} else if (f->symlink) {
		safety = HR_FIX_NONE;
		effect = hr__strf(c, "adding --link would replace the symlink %s with a real directory "
			"(it is a symlink %s), hiding what it points to", f->symlink,
			f->symlink_usrmerge ? "on usr-merged images" : "made by an earlier RUN");
		hint = "copy to the symlink's real target with --link, or write --link=false";
	} else if (f->meta_dir) {
		safety = HR_FIX_RISKY;
		effect = hr__strf(c, "adding --link would reset %s to 0755 root:root; %s", f->meta_dir, f->meta_why);
		hint = "decide: add --link if that reset is fine, or write --link=false to keep the copy as it is";
	} else if (f->ambiguous) {
		safety = HR_FIX_RISKY;
		effect = hr__strf(c, "adding --link would turn %s into a file if it is an existing directory "
			"(the destination has no trailing /)", f->dest_path);
		hint = hr__strf(c, "write the destination as %.*s/ if it is a directory, then add --link; or "
			"write --link=false", (int)f->dest->text.len, f->dest->text.ptr);
	} else if (f->unresolved) {
		safety = HR_FIX_RISKY;
		effect = hr__strf(c, "hook-run cannot prove --link safe: the destination %.*s depends on a "
			"variable or WORKDIR it cannot resolve", (int)f->dest->text.len, f->dest->text.ptr);
		hint = "decide: add --link, or write --link=false";
	} else {
		safety = HR_FIX_SAFE;
		effect = "nothing here depends on the previous layer, so adding --link keeps the image the "
			 "same and lets this layer's cache survive changes to earlier layers";
	}

	/* what the fix writes */
	bool to_copy = f->is_add && p->add == HR_ADD_COPY_LINK && !f->remote && !f->archive &&
		       !f->add_only_flags;
	hr_finding *x = hr__finding(c, rule, in->keyword_span, "%s without --link: %s", kw, effect);
	if (!x)
		return;
	x->instruction = in;
	x->hint = hint;
	x->fix = safety;
	if (safety == HR_FIX_NONE)
		return;
	if (to_copy) {
		bool lower = in->keyword.len && in->keyword.ptr[0] >= 'a' && in->keyword.ptr[0] <= 'z';
		const char *text = lower ? "copy --link" : "COPY --link";
		x->fix_summary = "rewrite ADD as COPY --link (a local source that is not an archive)";
		hr__edit(c, x, in->keyword_span.start, in->keyword_span.end, text, strlen(text));
	} else {
		x->fix_summary = hr__strf(c, "insert --link after %s", kw);
		hr__edit(c, x, in->keyword_span.end, in->keyword_span.end, " --link", 7);
	}
}

static void visit_copy(hr_check_ctx *c, const hr_stage *st, const hr_instruction *in,
	const hr_instruction *outer, void *data)
{
	copy_facts f;
	const hr_flag *bad;
	(void)data;

	if (in->error || outer->error)
		return;
	memset(&f, 0, sizeof(f));
	f.is_add = in->kind == HR_KW_ADD;
	f.onbuild = outer != in;
	const char *err = validate_flags(c, in, &f, &bad);
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
			f.is_add ? "ADD" : "COPY");
		if (x)
			x->instruction = outer;
		return;
	}
	if (f.link == LINK_FALSE)
		return; /* an explicit, recorded decision */
	gather(c, st, in, &f);
	if (f.link == LINK_TRUE) {
		linked_findings(c, in, &f);
		return;
	}
	if (f.chmod)
		return; /* --link would be ignored: nothing to ask for */
	if (f.is_add && c->policy->add == HR_ADD_OFF)
		return;
	missing_finding(c, outer == in ? in : outer, &f);
	/* an ONBUILD finding points at ONBUILD, its fix (none) at nothing */
}

void hr__check_link(hr_check_ctx *c)
{
	hr__stages_walk(c, visit_copy, NULL);
}

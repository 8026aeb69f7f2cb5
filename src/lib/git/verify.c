/* SPDX-License-Identifier: MIT */
/*
 * verify.c - verification mode for the snapshot readers: each answer
 * hook-run's own readers give (treepath.c, the pre-commit's staged walk)
 * is asked of libgit2 as well, and a difference is an error.
 *
 * Why: hook-run reads objects, trees, refs and the index itself so that a
 * hook need not load libgit2 (libgit2_lazy.c). The readers are covered by
 * the git scripts, but a reader that is wrong in a way no script foresaw
 * would pass quietly, answering "no such file" or "unchanged" and letting
 * a Dockerfile through unchecked. In verification mode
 * (HOOK_RUN_VERIFY_OBJECTS=1, on in every git script and known to the
 * pack reader: hr_packs_verifying()) every answer is compared with
 * libgit2's, which reads the same objects its own way, so every script is
 * also a differential test of the readers.
 *
 * Each hr_verify_*() takes what the own reader answered and returns 0
 * when libgit2 agrees, or HR_EGIT with git's error set to a message that
 * names the question and both answers. When libgit2 cannot answer at all
 * (an object only the own reader's leniency could read) that is a
 * difference too: the readers must not accept what git refuses.
 * Only successes are compared, and "not found" where it is a success (an
 * absent path); an own failure already hands the question to libgit2.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git_internal.h"

bool hr_verifying(hr_repo *r, hr_packs *packs)
{
	hr_packs *ps = packs ? packs : hr_repo_packs(r);
	return ps && hr_packs_verifying(ps);
}

/* Sets git's error to "verification: <what>" and returns HR_EGIT. */
static int differ(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int differ(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "verification: hook-run's reader and libgit2 disagree: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	git_error_set_str(GIT_ERROR_INVALID, msg);
	return HR_EGIT;
}

static const char *hex(char buf[GIT_OID_HEXSZ + 1], const git_oid *id)
{
	return git_oid_tostr(buf, GIT_OID_HEXSZ + 1, id);
}

int hr_verify_treeish_tree(hr_repo *r, const git_oid *treeish, const git_oid *tree, bool is_commit)
{
	git_object *obj = NULL, *peeled = NULL;
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	int rc = 0;

	if (git_object_lookup(&obj, hr_repo_git(r), treeish, GIT_OBJECT_ANY) < 0 ||
	    git_object_peel(&peeled, obj, GIT_OBJECT_TREE) < 0)
		rc = differ("%s names tree %s; libgit2 finds no tree", hex(a, treeish), hex(b, tree));
	else if (!git_oid_equal(git_object_id(peeled), tree) ||
		 (git_object_type(obj) == GIT_OBJECT_COMMIT) != is_commit)
		rc = differ("%s names tree %s; libgit2: %s", hex(a, treeish), hex(b, tree),
			git_oid_tostr_s(git_object_id(peeled)));
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

int hr_verify_commit_tree(hr_repo *r, const git_oid *commit, const git_oid *tree)
{
	git_commit *c = NULL;
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	int rc = 0;

	if (git_commit_lookup(&c, hr_repo_git(r), commit) < 0)
		rc = differ("commit %s has tree %s; libgit2 cannot read the commit", hex(a, commit), hex(b, tree));
	else if (!git_oid_equal(git_commit_tree_id(c), tree))
		rc = differ("commit %s has tree %s; libgit2: %s", hex(a, commit), hex(b, tree),
			git_oid_tostr_s(git_commit_tree_id(c)));
	git_commit_free(c);
	return rc;
}

int hr_verify_peel(hr_repo *r, const git_oid *id, const git_oid *peeled, int type)
{
	git_object *obj = NULL;
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	int rc = 0;

	if (git_object_lookup(&obj, hr_repo_git(r), id, GIT_OBJECT_ANY) < 0)
		return differ("%s peels to %s; libgit2 cannot read it", hex(a, id), hex(b, peeled));
	/* the tags of the chain, one by one, as hr_peel_tags() follows them */
	for (int depth = 0; rc == 0 && git_object_type(obj) == GIT_OBJECT_TAG; depth++) {
		git_object *next = NULL;
		if (depth > 32 || git_tag_target(&next, (git_tag *)obj) < 0)
			rc = differ("%s peels to %s; libgit2 cannot follow the tags", hex(a, id), hex(b, peeled));
		git_object_free(obj);
		obj = next;
	}
	if (rc == 0 && (!git_oid_equal(git_object_id(obj), peeled) || (int)git_object_type(obj) != type))
		rc = differ("%s peels to %s (type %d); libgit2: %s (type %d)", hex(a, id), hex(b, peeled), type,
			git_oid_tostr_s(git_object_id(obj)), (int)git_object_type(obj));
	git_object_free(obj);
	return rc;
}

int hr_verify_parents(hr_repo *r, const hr_oid *commit, const hr_oid *parents, size_t n, size_t max)
{
	git_commit *c = NULL;
	char a[GIT_OID_HEXSZ + 1];
	int rc = 0;

	if (git_commit_lookup(&c, hr_repo_git(r), hr_oid_to_git(commit)) < 0)
		return differ("commit %s: libgit2 cannot read it", hex(a, hr_oid_to_git(commit)));
	size_t theirs = git_commit_parentcount(c);
	if ((theirs < max ? theirs : max) != n)
		rc = differ("commit %s has %zu parents; libgit2: %zu", hex(a, hr_oid_to_git(commit)), n, theirs);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!git_oid_equal(git_commit_parent_id(c, (unsigned)i), hr_oid_to_git(&parents[i])))
			rc = differ("parent %zu of commit %s", i + 1, hex(a, hr_oid_to_git(commit)));
	git_commit_free(c);
	return rc;
}

int hr_verify_tree_entry(hr_repo *r, const git_oid *tree, const char *path, int found, unsigned mode,
	const git_oid *id)
{
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1], c[GIT_OID_HEXSZ + 1];
	int rc = 0;

	if (git_tree_lookup(&t, hr_repo_git(r), tree) < 0)
		return differ("tree %s: libgit2 cannot read it", hex(a, tree));
	/* libgit2 calls an empty path or component an error; hook-run "no such entry" */
	int grc = *path ? git_tree_entry_bypath(&e, t, path) : GIT_ENOTFOUND;
	if ((grc == 0) != found)
		rc = differ("'%s' in tree %s is %s; libgit2 %s it", path, hex(a, tree),
			found ? "there" : "absent", found ? "does not find" : "finds");
	else if (found && (git_tree_entry_filemode_raw(e) != mode || !git_oid_equal(git_tree_entry_id(e), id)))
		rc = differ("'%s' in tree %s is %06o %s; libgit2: %06o %s", path, hex(a, tree), mode,
			hex(b, id), (unsigned)git_tree_entry_filemode_raw(e), hex(c, git_tree_entry_id(e)));
	git_tree_entry_free(e);
	git_tree_free(t);
	return rc;
}

int hr_verify_tree(hr_repo *r, const git_oid *tree, const hr_rawtree *raw)
{
	git_tree *t = NULL;
	hr_rawentry e;
	size_t pos = 0, i = 0;
	char a[GIT_OID_HEXSZ + 1];
	int rc = 0, more;

	if (git_tree_lookup(&t, hr_repo_git(r), tree) < 0)
		return differ("tree %s: libgit2 cannot read it", hex(a, tree));
	size_t theirs = git_tree_entrycount(t);
	while (rc == 0 && (more = hr_rawtree_next(raw, &pos, &e)) == 1) {
		const git_tree_entry *g = i < theirs ? git_tree_entry_byindex(t, i) : NULL;
		if (!g || strcmp(git_tree_entry_name(g), e.name) || git_tree_entry_filemode_raw(g) != e.mode ||
		    !git_oid_equal(git_tree_entry_id(g), e.id))
			rc = differ("entry %zu ('%s') of tree %s", i + 1, e.name, hex(a, tree));
		i++;
	}
	if (rc == 0 && more < 0)
		rc = differ("tree %s: hook-run cannot read entry %zu, libgit2 can", hex(a, tree), i + 1);
	if (rc == 0 && i != theirs)
		rc = differ("tree %s has %zu entries; libgit2: %zu", hex(a, tree), i, theirs);
	git_tree_free(t);
	return rc;
}

int hr_verify_blob_head(hr_repo *r, const git_oid *id, const unsigned char *head, size_t len, size_t max)
{
	git_blob *b = NULL;
	char a[GIT_OID_HEXSZ + 1];
	int rc = 0;

	if (git_blob_lookup(&b, hr_repo_git(r), id) < 0)
		return differ("blob %s: libgit2 cannot read it", hex(a, id));
	size_t n = (size_t)git_blob_rawsize(b);
	if (n > max)
		n = max;
	if (n != len || (len && memcmp(git_blob_rawcontent(b), head, len)))
		rc = differ("the first %zu bytes of blob %s", len, hex(a, id));
	git_blob_free(b);
	return rc;
}

int hr_verify_resolve(hr_repo *r, const char *spec, int found, const git_oid *id)
{
	git_object *obj = NULL;
	char a[GIT_OID_HEXSZ + 1];
	int rc = 0;

	int grc = git_revparse_single(&obj, hr_repo_git(r), spec);
	/* a full id alone is answered without reading the object; the caller reads it next */
	if (grc == GIT_ENOTFOUND && found && strlen(spec) == GIT_OID_HEXSZ)
		rc = 0;
	else if ((grc == 0) != found)
		rc = differ("'%s' %s; libgit2 %s", spec, found ? "names an object" : "names none",
			found ? "finds none" : "finds one");
	else if (found && !git_oid_equal(git_object_id(obj), id))
		rc = differ("'%s' names %s; libgit2: %s", spec, hex(a, id), git_oid_tostr_s(git_object_id(obj)));
	git_object_free(obj);
	return rc;
}

/*
 * The pre-commit's staged walk (staged.c) skips directories whose cache
 * tree matches a parent's and compares files with raw parent trees. Here
 * the rule is applied without either shortcut: libgit2 reads the index,
 * and every stage-0 regular file the policy selects that is not the same
 * blob as a file at its path in some parent must be among the paths the
 * walk emitted, and nothing else.
 */
int hr_verify_staged(hr_repo *r, const hr_policy *policy, const hr_rawindex *ix, const git_oid *trees,
	size_t ntrees, const hr_keyset *emitted, char *err, size_t errlen)
{
	git_index *idx = NULL;
	git_tree **t = calloc(ntrees ? ntrees : 1, sizeof(*t));
	size_t expected = 0;
	int rc = 0;

	if (!t)
		return HR_ENOMEM;
	if (git_index_open(&idx, hr_repo_index_path(r)) < 0) {
		free(t);
		return hr_git_error(HR_EGIT, err, errlen, "verification: libgit2 cannot read the index");
	}
	for (size_t k = 0; k < ntrees && rc == 0; k++)
		if (git_tree_lookup(&t[k], hr_repo_git(r), &trees[k]) < 0)
			rc = hr_git_error(HR_EGIT, err, errlen, "verification: libgit2 cannot read a parent's tree");
	size_t n = git_index_entrycount(idx);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		bool selected = false, old = false;
		if (GIT_INDEX_ENTRY_STAGE(e) != 0 || hr_mode_kind(e->mode) != HR_ENTRY_FILE ||
		    (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD) || !hr_policy_path_candidate(policy, e->path))
			continue;
		if ((rc = hr__path_selected_index(&selected, r, policy, e->path, ix, err, errlen)) < 0 || !selected)
			continue;
		for (size_t k = 0; k < ntrees && !old; k++) {
			git_tree_entry *te = NULL;
			if (t[k] && git_tree_entry_bypath(&te, t[k], e->path) == 0)
				old = hr_mode_kind(git_tree_entry_filemode_raw(te)) == HR_ENTRY_FILE &&
					git_oid_equal(git_tree_entry_id(te), &e->id);
			git_tree_entry_free(te);
		}
		git_error_clear();
		if (old)
			continue;
		expected++;
		if (!hr_keyset_get(emitted, e->path, strlen(e->path))) {
			snprintf(err, errlen, "verification: the staged walk missed '%s'", e->path);
			rc = HR_EGIT;
		}
	}
	if (rc == 0 && expected != emitted->len) {
		snprintf(err, errlen, "verification: the staged walk found %zu changed files, libgit2 %zu",
			emitted->len, expected);
		rc = HR_EGIT;
	}
	for (size_t k = 0; k < ntrees; k++)
		git_tree_free(t[k]);
	free(t);
	git_index_free(idx);
	return rc;
}

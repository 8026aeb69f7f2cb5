/* SPDX-License-Identifier: MIT */
/*
 * rawtree.c - tree objects read raw and iterated in place (see
 * git_internal.h). A tree is a sequence of `<mode in octal> <name>\0<id>`
 * entries sorted in git's order; libgit2's git_tree parses all of them
 * into an allocated array with a general-purpose number parser, which in
 * a history walk costs more than inflating the objects. Here an entry is
 * three pointers into the object, checked for bounds as it is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "git_internal.h"

static int read_tree(hr_rawtree *out, hr_repo *r, hr_packs *packs, unsigned flags, const git_oid *id)
{
	git_odb *odb;

	memset(out, 0, sizeof(*out));
	if (packs) {
		int rc = hr_packs_read(packs, id, GIT_OBJECT_TREE, flags, &out->packobj);
		if (rc == 0) {
			out->data = hr_packobj_data(out->packobj);
			out->len = hr_packobj_len(out->packobj);
			return 0;
		}
		if (rc != HR_ENOTFOUND) {
			if (rc == HR_EINVALID)
				git_error_set_str(GIT_ERROR_INVALID, "the object is not a tree");
			return rc;
		}
	}
	if (!r)
		return HR_ENOTFOUND; /* no repository to ask */
	if (!(odb = hr_repo_odb(r)))
		return HR_EGIT;
	int grc = git_odb_read(&out->obj, odb, id);
	if (grc < 0)
		return hr_git_code(grc);
	if (git_odb_object_type(out->obj) != GIT_OBJECT_TREE) {
		git_odb_object_free(out->obj);
		out->obj = NULL;
		git_error_set_str(GIT_ERROR_INVALID, "the object is not a tree");
		return HR_EINVALID;
	}
	out->data = git_odb_object_data(out->obj);
	out->len = git_odb_object_size(out->obj);
	return 0;
}

int hr_rawtree_read(hr_rawtree *out, hr_repo *r, hr_packs *packs, const git_oid *id)
{
	return read_tree(out, r, packs, 0, id);
}

int hr_rawtree_read_once(hr_rawtree *out, hr_repo *r, hr_packs *packs, const git_oid *id)
{
	return read_tree(out, r, packs, HR_PACKS_ONCE, id);
}

void hr_rawtree_free(hr_rawtree *t)
{
	git_odb_object_free(t->obj);
	hr_packobj_free(t->packobj);
	memset(t, 0, sizeof(*t));
}

int hr_rawtree_next(const hr_rawtree *t, size_t *pos, hr_rawentry *e)
{
	const unsigned char *p = t->data + *pos, *end = t->data + t->len;
	unsigned mode = 0;

	if (p >= end)
		return 0;
	/*
	 * git accepts leading zeros; past seven significant digits the value
	 * is no mode git writes, and is kept out of range (hr_mode_kind()
	 * then says HR_ENTRY_BAD) instead of wrapping around into one
	 */
	while (p < end && *p >= '0' && *p <= '7') {
		mode = mode > 07777777u ? 010000000u : mode << 3 | (unsigned)(*p - '0');
		p++;
	}
	if (p >= end || *p != ' ' || p == t->data + *pos)
		goto bad;
	const unsigned char *name = ++p;
	const unsigned char *nul = memchr(name, '\0', (size_t)(end - name));
	if (!nul || nul == name || (size_t)(end - nul - 1) < GIT_OID_RAWSZ)
		goto bad;
	e->name = (const char *)name;
	e->namelen = (size_t)(nul - name);
	e->mode = mode;
	e->id = (const git_oid *)(const void *)(nul + 1);
	*pos = (size_t)(nul + 1 + GIT_OID_RAWSZ - t->data);
	return 1;
bad:
	git_error_set_str(GIT_ERROR_INVALID, "malformed tree object");
	return HR_EINVALID;
}

int hr_rawentry_cmp(const hr_rawentry *a, const hr_rawentry *b)
{
	size_t n = a->namelen < b->namelen ? a->namelen : b->namelen;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	unsigned ac = a->namelen > n ? (unsigned char)a->name[n] : hr_mode_kind(a->mode) == HR_ENTRY_TREE ? '/' : 0;
	unsigned bc = b->namelen > n ? (unsigned char)b->name[n] : hr_mode_kind(b->mode) == HR_ENTRY_TREE ? '/' : 0;
	return (int)ac - (int)bc;
}

int hr_bad_mode_error(char *err, size_t errlen, const char *dir, const char *name, unsigned mode)
{
	char mode_text[16];
	if (mode > 07777777u)
		snprintf(mode_text, sizeof(mode_text), "above 7777777");
	else
		snprintf(mode_text, sizeof(mode_text), "%06o", mode);
	snprintf(err, errlen, "tree entry '%s%s%s' has mode %s: not a file, directory, symlink or "
		"submodule (git would misread it; rejected)", dir && *dir ? dir : "", dir && *dir ? "/" : "",
		name, mode_text);
	return HR_EINVALID;
}

int hr_check_entry_name(char *err, size_t errlen, const char *dir, const char *name, size_t namelen)
{
	const char *why = NULL;
	if ((namelen == 1 && name[0] == '.') || (namelen == 2 && name[0] == '.' && name[1] == '.'))
		why = "is . or ..";
	else if (namelen == 4 && name[0] == '.' && (name[1] | 32) == 'g' && (name[2] | 32) == 'i' &&
		 (name[3] | 32) == 't')
		why = "is .git";
	else if (memchr(name, '/', namelen))
		why = "holds a '/'";
	if (!why)
		return 0;
	snprintf(err, errlen, "tree entry '%s%s%.*s' %s: git refuses to check it out (rejected)",
		dir && *dir ? dir : "", dir && *dir ? "/" : "", (int)namelen, name, why);
	return HR_EINVALID;
}

/* SPDX-License-Identifier: MIT */
/*
 * fix.c - apply the fixes a policy allows, and prove the result.
 *
 * Each finding brings its own byte edits. A finding's edits are taken all or
 * none: if one of them overlaps an edit already taken (or inserts at the same
 * point), the finding is left unfixed. The new bytes are then parsed again
 * and compared with the old model, instruction by instruction: same keyword
 * (or ADD become COPY where that was the fix), same flags plus the one added
 * --link, same arguments (the destination with the one '/' a fix appended),
 * JSON form and heredocs. What each fix may change is declared by its
 * finding (fix_flags), and recorded against the instruction it changes: a
 * top-level one, or the trigger of an ONBUILD (whose finding points at the
 * inner instruction, the one that has the flags and arguments). Anything
 * else means a bug in a fix, and the input is left alone (HR_EINVALID).
 */
#include <stdlib.h>
#include <string.h>

#include "hook-run/check.h"

typedef struct taken {
	const hr_edit *edit;
	const hr_finding *finding;
} taken;

static int cmp_taken(const void *a, const void *b)
{
	const taken *x = a, *y = b;
	if (x->edit->start != y->edit->start)
		return x->edit->start < y->edit->start ? -1 : 1;
	if (x->edit->end != y->edit->end)
		return x->edit->end < y->edit->end ? -1 : 1;
	return 0;
}

static bool overlaps(const hr_edit *a, const hr_edit *b)
{
	if (a->start == a->end && b->start == b->end)
		return a->start == b->start; /* two insertions at one point: order unclear */
	if (a->start == a->end)
		return a->start > b->start && a->start < b->end;
	if (b->start == b->end)
		return b->start > a->start && b->start < a->end;
	return a->start < b->end && b->start < a->end;
}

static bool same_str(const hr_str *a, const hr_str *b)
{
	return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0;
}

static bool same_heredocs(const hr_dockerfile *da, const hr_instruction *a,
	const hr_dockerfile *db, const hr_instruction *b)
{
	if (a->nheredocs != b->nheredocs)
		return false;
	for (size_t i = 0; i < a->nheredocs; i++) {
		const hr_heredoc *x = &a->heredocs[i], *y = &b->heredocs[i];
		size_t xl = x->body.end - x->body.start, yl = y->body.end - y->body.start;
		if (!same_str(&x->name, &y->name) || x->chomp != y->chomp || x->expand != y->expand ||
		    xl != yl || memcmp(da->data + x->body.start, db->data + y->body.start, xl) != 0)
			return false;
	}
	return true;
}

/* the new last argument is the old one with a '/' appended (inside a closing quote) */
static bool slash_added(const hr_str *a, const hr_str *b)
{
	if (b->len != a->len + 1)
		return false;
	if (memcmp(a->ptr, b->ptr, a->len) == 0 && b->ptr[a->len] == '/')
		return true;
	char q = a->len ? a->ptr[a->len - 1] : 0;
	return (q == '"' || q == '\'') && memcmp(a->ptr, b->ptr, a->len - 1) == 0 &&
	       b->ptr[a->len - 1] == '/' && b->ptr[a->len] == q;
}

/* `flags`: what the fix was to change in `a` itself, `sub_flags` in its
 * ONBUILD trigger (enum hr_fix_flags) */
static bool same_instruction(const hr_dockerfile *da, const hr_instruction *a,
	const hr_dockerfile *db, const hr_instruction *b, unsigned flags, unsigned sub_flags)
{
	bool added_link = flags & HR_FIXES_LINK, add_to_copy = flags & HR_FIXES_ADD_TO_COPY;
	if (add_to_copy) {
		if (a->kind != HR_KW_ADD || b->kind != HR_KW_COPY)
			return false;
	} else if (a->kind != b->kind || !same_str(&a->keyword, &b->keyword)) {
		return false;
	}
	size_t shift = added_link ? 1 : 0;
	if (b->nflags != a->nflags + shift)
		return false;
	if (added_link && !(b->flags[0].text.len == 6 && memcmp(b->flags[0].text.ptr, "--link", 6) == 0))
		return false;
	for (size_t i = 0; i < a->nflags; i++)
		if (!same_str(&a->flags[i].text, &b->flags[i + shift].text))
			return false;
	if (a->nargs != b->nargs || a->json_form != b->json_form)
		return false;
	for (size_t i = 0; i < a->nargs; i++) {
		bool last = i + 1 == a->nargs;
		if (last && (flags & HR_FIXES_DEST_SLASH)) {
			if (!slash_added(&a->args[i].text, &b->args[i].text))
				return false;
		} else if (!same_str(&a->args[i].text, &b->args[i].text)) {
			return false;
		}
	}
	if (!same_heredocs(da, a, db, b))
		return false;
	if (!a->sub != !b->sub)
		return false;
	if (a->sub && !same_instruction(da, a->sub, db, b->sub, sub_flags, 0))
		return false;
	return true;
}

static bool verify(const hr_dockerfile *old, const char *data, size_t len,
	const unsigned *changes, const unsigned *sub_changes, bool syntax_fixed)
{
	hr_dockerfile *df;
	bool ok = false;

	if (hr_dockerfile_parse(&df, data, len) < 0)
		return false;
	if (hr_dockerfile_has_errors(df) && !hr_dockerfile_has_errors(old))
		goto out;
	if (df->ninstructions != old->ninstructions)
		goto out;
	for (size_t i = 0; i < df->ninstructions; i++)
		if (!same_instruction(old, &old->instructions[i], df, &df->instructions[i], changes[i],
			sub_changes[i]))
			goto out;
	if (syntax_fixed && !df->syntax)
		goto out;
	ok = true;
out:
	hr_dockerfile_free(df);
	return ok;
}

/* where a finding's fix_flags go: the changes of the top-level instruction
 * it names, or the sub_changes of the ONBUILD whose trigger it names; NULL
 * if it names neither */
static unsigned *change_slot(const hr_dockerfile *df, const hr_instruction *in,
	unsigned *changes, unsigned *sub_changes)
{
	if (!in)
		return NULL;
	if (in >= df->instructions && in < df->instructions + df->ninstructions)
		return &changes[in - df->instructions];
	for (size_t i = 0; i < df->ninstructions; i++)
		if (df->instructions[i].sub == in)
			return &sub_changes[i];
	return NULL;
}

int hr_fix(char **out, size_t *out_len, size_t *napplied, const hr_result *r,
	const hr_policy *policy)
{
	const hr_dockerfile *df = r->df;
	taken *edits = NULL;
	size_t nedits = 0, applied = 0;
	unsigned *changes = NULL, *sub_changes = NULL;
	bool syntax_fixed = false;
	char *buf = NULL;
	int rc = HR_ENOMEM;

	*out = NULL;
	*out_len = 0;
	*napplied = 0;
	if (!df) {
		/* nothing was parsed: nothing to fix */
		return HR_EINVALID;
	}
	size_t ninst = df->ninstructions ? df->ninstructions : 1;
	edits = calloc(r->nfindings * HR_FINDING_MAX_EDITS + 1, sizeof(*edits));
	changes = calloc(ninst, sizeof(*changes));
	sub_changes = calloc(ninst, sizeof(*sub_changes));
	if (!edits || !changes || !sub_changes)
		goto out;

	for (size_t i = 0; i < r->nfindings; i++) {
		const hr_finding *f = &r->findings[i];
		if (!hr_finding_fix_allowed(f, policy))
			continue;
		bool clash = false;
		for (size_t k = 0; k < f->nedits && !clash; k++)
			for (size_t j = 0; j < nedits && !clash; j++)
				if (overlaps(&f->edits[k], edits[j].edit))
					clash = true;
		for (size_t k = 0; k < f->nedits && !clash; k++)
			for (size_t j = k + 1; j < f->nedits; j++)
				if (overlaps(&f->edits[k], &f->edits[j]))
					clash = true;
		if (clash)
			continue;
		for (size_t k = 0; k < f->nedits; k++) {
			edits[nedits].edit = &f->edits[k];
			edits[nedits].finding = f;
			nedits++;
		}
		applied++;
		unsigned *slot = f->fix_flags ? change_slot(df, f->instruction, changes, sub_changes) : NULL;
		if (slot) {
			if (*slot & f->fix_flags) {
				/* two findings changing the same thing: refuse rather than guess */
				rc = HR_EINVALID;
				goto out;
			}
			*slot |= f->fix_flags;
		}
		if (f->rule <= HR_RULE_SYNTAX_FRONTEND_UNKNOWN)
			syntax_fixed = true;
	}

	/* build the new content */
	qsort(edits, nedits, sizeof(*edits), cmp_taken);
	size_t grow = 0;
	for (size_t i = 0; i < nedits; i++)
		grow += edits[i].edit->len;
	buf = malloc(df->len + grow + 1);
	if (!buf)
		goto out;
	size_t pos = 0, len = 0;
	for (size_t i = 0; i < nedits; i++) {
		const hr_edit *e = edits[i].edit;
		memcpy(buf + len, df->data + pos, e->start - pos);
		len += e->start - pos;
		memcpy(buf + len, e->text, e->len);
		len += e->len;
		pos = e->end;
	}
	memcpy(buf + len, df->data + pos, df->len - pos);
	len += df->len - pos;
	buf[len] = '\0';

	if (applied && !verify(df, buf, len, changes, sub_changes, syntax_fixed)) {
		rc = HR_EINVALID;
		goto out;
	}
	*out = buf;
	*out_len = len;
	*napplied = applied;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	free(edits);
	free(changes);
	free(sub_changes);
	return rc;
}

/*
 * suppress.c - inline suppressions: `# check=skip=` file-wide in the
 * directive block, or on the comment lines right above an instruction,
 * judged by the policy's inline-suppressions setting.
 */
#include <string.h>
#include <strings.h>

#include "rules/rules_internal.h"
#include "text.h"

typedef struct skip_list {
	bool all;
	bool rules[HR_RULE_COUNT];
	bool any;             /* names at least one hook-run rule (or all) */
	const char *reason;   /* text after "//", or NULL */
} skip_list;

/*
 * Parse a check value: "skip=A,B;error=true // reason". Only the `skip`
 * option matters to hook-run; names it does not know belong to BuildKit.
 */
static void parse_check_value(hr_check_ctx *c, const char *v, size_t n, skip_list *out)
{
	memset(out, 0, sizeof(*out));
	const char *slashes = NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (v[i] == '/' && v[i + 1] == '/') {
			slashes = v + i;
			break;
		}
	size_t body = slashes ? (size_t)(slashes - v) : n;
	if (slashes) {
		const char *r = slashes + 2;
		size_t rl = n - body - 2;
		size_t lead = hr_trim_left_len((const unsigned char *)r, rl);
		size_t keep = hr_trim_right_len((const unsigned char *)r + lead, rl - lead);
		if (keep)
			out->reason = hr_arena_strndup(c->arena, r + lead, keep);
	}
	size_t i = 0;
	while (i < body) {
		size_t opt_end = i;
		while (opt_end < body && v[opt_end] != ';')
			opt_end++;
		/* an option: key=value */
		size_t k = i;
		while (k < opt_end && (v[k] == ' ' || v[k] == '\t'))
			k++;
		if (opt_end - k > 5 && strncasecmp(v + k, "skip", 4) == 0) {
			size_t eq = k + 4;
			while (eq < opt_end && (v[eq] == ' ' || v[eq] == '\t'))
				eq++;
			if (eq < opt_end && v[eq] == '=') {
				size_t r = eq + 1;
				while (r < opt_end) {
					while (r < opt_end && (v[r] == ',' || v[r] == ' ' || v[r] == '\t'))
						r++;
					size_t s = r;
					while (r < opt_end && v[r] != ',' && v[r] != ' ' && v[r] != '\t')
						r++;
					if (r == s)
						continue;
					if (r - s == 3 && strncasecmp(v + s, "all", 3) == 0) {
						out->all = out->any = true;
					} else {
						const hr_rule *rule = hr_rule_find(v + s, r - s);
						if (rule) {
							out->rules[rule->id] = true;
							out->any = true;
						}
					}
				}
			}
		}
		i = opt_end + 1;
	}
}

/* Is this comment text a `check=...` line? Then *value is after the '='. */
static bool comment_is_check(const hr_str *text, const char **value, size_t *len)
{
	const char *t = text->ptr;
	size_t n = text->len;
	if (n < 6 || strncasecmp(t, "check", 5) != 0)
		return false;
	size_t i = 5;
	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	if (i >= n || t[i] != '=')
		return false;
	i++;
	while (i < n && (t[i] == ' ' || t[i] == '\t'))
		i++;
	*value = t + i;
	*len = n - i;
	return true;
}

static bool never_suppressed(hr_rule_id id)
{
	return id == HR_RULE_DOCKERFILE_PARSE_ERROR || id == HR_RULE_UNCHECKABLE_FILE ||
	       id == HR_RULE_INLINE_SUPPRESSION_REFUSED;
}

/* Does the policy accept this suppression? If not, say so once. */
static bool suppression_accepted(hr_check_ctx *c, const skip_list *s, hr_span where)
{
	if (!s->any)
		return false;
	switch (c->policy->inline_suppressions) {
	case HR_INLINE_ALLOW:
		return true;
	case HR_INLINE_REQUIRE_REASON:
		if (s->reason)
			return true;
		hr__finding(c, HR_RULE_INLINE_SUPPRESSION_REFUSED, where,
			"inline suppression without a reason: the policy requires one after '//' "
			"(# check=skip=Rule // why)");
		return false;
	case HR_INLINE_DENY:
		hr__finding(c, HR_RULE_INLINE_SUPPRESSION_REFUSED, where,
			"inline suppressions are not allowed by the policy: the findings stand");
		return false;
	}
	return false;
}

void hr__apply_suppressions(hr_check_ctx *c)
{
	const hr_dockerfile *df = c->df;
	skip_list file_skip;
	bool file_ok = false;

	memset(&file_skip, 0, sizeof(file_skip));
	if (df->check) {
		parse_check_value(c, df->check->value.ptr, df->check->value.len, &file_skip);
		file_ok = suppression_accepted(c, &file_skip, df->check->span);
	}

	/* per instruction: check= comments on the lines right above it */
	size_t nfind = c->findings->len;
	size_t ci = 0;
	for (size_t i = 0; i < df->ninstructions; i++) {
		const hr_instruction *in = &df->instructions[i];
		skip_list merged;
		bool have = false;

		memset(&merged, 0, sizeof(merged));
		while (ci < df->ncomments && df->comments[ci].line < in->start_line)
			ci++;
		/* walk back over the comment block that ends right above the instruction */
		uint32_t want = in->start_line - 1;
		for (size_t k = ci; k-- > 0 && want > 0;) {
			const hr_comment *cm = &df->comments[k];
			if (cm->line != want)
				break;
			want--;
			const char *v;
			size_t vl;
			if (!comment_is_check(&cm->text, &v, &vl))
				continue;
			/* the directive block's own check= is the file-wide one */
			if (df->check && df->check->line == cm->line)
				continue;
			skip_list s;
			parse_check_value(c, v, vl, &s);
			if (!suppression_accepted(c, &s, cm->span))
				continue;
			have = true;
			merged.all |= s.all;
			for (size_t r = 0; r < HR_RULE_COUNT; r++)
				merged.rules[r] |= s.rules[r];
			if (s.reason)
				merged.reason = s.reason;
		}
		if (!have)
			continue;
		hr_finding *fs = c->findings->items;
		for (size_t f = 0; f < nfind; f++) {
			if (fs[f].instruction != in || never_suppressed(fs[f].rule))
				continue;
			if (merged.all || merged.rules[fs[f].rule]) {
				fs[f].suppressed = true;
				fs[f].suppression_reason = merged.reason;
			}
		}
	}
	if (file_ok) {
		hr_finding *fs = c->findings->items;
		for (size_t f = 0; f < nfind; f++) {
			if (never_suppressed(fs[f].rule) || fs[f].suppressed)
				continue;
			if (file_skip.all || file_skip.rules[fs[f].rule]) {
				fs[f].suppressed = true;
				fs[f].suppression_reason = file_skip.reason;
			}
		}
	}
}


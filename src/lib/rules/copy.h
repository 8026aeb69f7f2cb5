/* SPDX-License-Identifier: MIT */
/*
 * copy.h - one COPY or ADD as BuildKit builds it (copy.c): what it copies,
 * where, as whom, and - for a linked copy - every path the empty layer
 * creates and what each would replace in the stage. Internal to the rules.
 */
#ifndef HOOK_RUN_COPY_H
#define HOOK_RUN_COPY_H

#include "stage.h"

enum hr_link_state { HR_LINK_ABSENT = 0, HR_LINK_TRUE, HR_LINK_FALSE, HR_LINK_INVALID };

typedef enum hr_src_kind {
	HR_SRC_CONTEXT = 0, /* the build context */
	HR_SRC_STAGE,       /* --from=<earlier stage> */
	HR_SRC_IMAGE,       /* --from=<image> or a named context */
	HR_SRC_HEREDOC,     /* <<EOF: a file */
	HR_SRC_URL,         /* ADD https://...: a file */
	HR_SRC_GIT,         /* ADD git: a directory */
} hr_src_kind;

typedef enum hr_src_type { HR_SRCT_UNKNOWN = 0, HR_SRCT_FILE, HR_SRCT_DIR, HR_SRCT_NONE } hr_src_type;

typedef struct hr_copy_source {
	const hr_arg *arg;
	hr_src_kind kind;
	hr_src_type type;       /* what the source is, where it can be seen */
	bool wildcard;
	bool archive;           /* ADD may extract it (an archive, or it may be one) */
	const char *rel;        /* context-relative path of a context source, or NULL */
	const char *why;        /* how the type is known: "a directory in the repository" */
	const struct hr_stage *from; /* HR_SRC_STAGE */
	const char *from_path;  /* HR_SRC_STAGE: absolute path in that stage */
} hr_copy_source;

typedef enum hr_chown_kind { HR_CHOWN_NONE = 0, HR_CHOWN_IDS, HR_CHOWN_NAME, HR_CHOWN_UNRESOLVED } hr_chown_kind;

typedef struct hr_copy_plan {
	const hr_instruction *in;
	bool is_add;
	bool onbuild;
	enum hr_link_state link;
	const hr_flag *link_flag;
	const hr_flag *chown;
	const hr_flag *chmod;
	const hr_flag *from;
	bool parents;
	bool add_only_flags;    /* --checksum, --keep-git-dir, --unpack */
	hr_copy_source *src;
	size_t nsrc;
	const hr_arg *dest;
	const char *dest_path;  /* resolved, clean; NULL when unresolved */
	const char *dest_var;   /* the variable that left it unresolved */
	bool dest_slash;        /* written as a directory: trailing '/', '.', '/.' */
	hr_chown_kind chown_kind;
	const char *chown_text; /* expanded --chown value */
	const char *chown_var;  /* the variable that left it unresolved */
	hr_owner owner;         /* who owns what the copy creates */
	int dir_mode;           /* mode of the directories it creates (0755; --chmod's) */
} hr_copy_plan;

typedef enum hr_change_kind {
	HR_CHANGE_META,         /* a directory's mode/owner would be reset */
	HR_CHANGE_SYMLINK,      /* a symlink would become a directory (or a file) */
	HR_CHANGE_DIR_TO_FILE,  /* a directory would become a file */
	HR_CHANGE_UNKNOWN,      /* what is there, or what the layer holds, is unknown */
} hr_change_kind;

typedef struct hr_copy_change {
	hr_change_kind kind;
	const char *path;
	hr_fs_fact was;         /* what the stage holds there */
	int mode;               /* META: what the layer writes */
	hr_owner owner;
	bool certain;           /* proven; else presumed */
	bool possible;          /* only if a source holds it (an archive, a directory we cannot see) */
	const char *why;        /* UNKNOWN: what is not known */
} hr_copy_change;

typedef struct hr_copy_verdict {
	hr_copy_change *changes; /* arena */
	size_t nchanges;
	bool dest_dir_known;    /* the destination is a directory the stage has */
	bool dest_file_layer;   /* the layer writes the destination as a file (or may) */
	bool types_unknown;     /* neither the sources' nor the destination's type is known */
	bool certain;           /* every fact used is certain */
	bool system_reown;      /* a system directory would change owner */
} hr_copy_verdict;

/** Read a COPY/ADD (flags already validated into `plan`) against its stage. */
void hr__copy_plan(hr_check_ctx *c, hr_stage *st, const hr_instruction *in, hr_copy_plan *plan);

/** What the linked layer would change, with the destination written with a slash if `slash`. */
void hr__copy_judge(hr_check_ctx *c, const hr_stage *st, const hr_copy_plan *plan, bool slash,
	hr_copy_verdict *out);

/** Record the copy's effect on the stage (linked or not, as written). */
void hr__copy_apply(hr_check_ctx *c, hr_stage *st, const hr_copy_plan *plan);

/** Pick the build context root from the file's sources (once per file). */
void hr__context_choose(hr_check_ctx *c);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * fsmodel.h - a small model of one build stage's filesystem, as far as the
 * Dockerfile lets anyone know it. Internal to the rules.
 *
 * `--link` copies into an empty layer that is merged on top of the stage:
 * every directory the layer holds replaces the stage's entry at that path
 * (its owner and mode, or a symlink that was there), and a file replaces
 * whatever was there. Judging a linked copy therefore means knowing, for the
 * handful of paths the layer creates, what the stage holds there. This model
 * answers that question and says how it knows.
 *
 * It holds one node per path it has a fact about (absolute, clean):
 * its type, its mode and owner when known, and why it is known (the base
 * image table of basefs.c, WORKDIR, a RUN, an earlier COPY). A path without
 * a node is judged from its nearest ancestor's `content`: a scratch stage
 * or a directory the Dockerfile made holds nothing else (ABSENT), a bin
 * directory holds no directories, an image directory holds anything
 * (UNKNOWN).
 *
 * Two levels of knowledge, because the two fix modes need different ones:
 *  - certain: what the Dockerfile and the base table prove. A safe fix is
 *    only ever built on certain facts.
 *  - presumed: what was certain before an instruction whose effects cannot
 *    be read (a script, a command with an operand hook-run cannot resolve).
 *    `fix-mode = all` acts on presumptions, never against them.
 * Every node carries the generation it was set in; a node older than the
 * model's last opaque instruction is presumed, not certain.
 */
#ifndef HOOK_RUN_FSMODEL_H
#define HOOK_RUN_FSMODEL_H

#include "rules_internal.h"

typedef enum hr_fs_type {
	HR_FS_UNKNOWN = 0,  /* may be anything, or nothing */
	HR_FS_ABSENT,       /* nothing there */
	HR_FS_DIR,
	HR_FS_FILE,         /* a file, or nothing: never a directory */
	HR_FS_SYMLINK,
	HR_FS_MAYBE_SYMLINK /* a symlink on some images, a directory on others */
} hr_fs_type;

/* What a directory holds beyond the children that have nodes. */
typedef enum hr_fs_content {
	HR_CONTENT_UNKNOWN = 0, /* anything: image content, an archive, a script's output */
	HR_CONTENT_COMPLETE,    /* nothing else */
	HR_CONTENT_FILES,       /* files only: no directory, no symlink to one */
	HR_CONTENT_DEFAULT,     /* new entries of default metadata (0755 dirs owned by `content_owner`) */
	HR_CONTENT_SYSTEM,      /* what packages install: anything, directories 0755 root:root */
} hr_fs_content;

typedef enum hr_owner_kind {
	HR_OWNER_UNKNOWN = 0,
	HR_OWNER_IDS,       /* uid:gid */
	HR_OWNER_NAME,      /* a user (and group) name hook-run cannot turn into ids */
} hr_owner_kind;

typedef struct hr_owner {
	hr_owner_kind kind;
	uint32_t uid;
	uint32_t gid;
	const char *name;   /* HR_OWNER_NAME: "app" or "app:app" (arena) */
} hr_owner;

#define HR_MODE_UNKNOWN (-1)

typedef struct hr_fs_node {
	const char *path;        /* absolute, clean (arena) */
	hr_fs_type type;
	int mode;                /* permission bits with setuid/setgid/sticky, or HR_MODE_UNKNOWN */
	hr_owner owner;
	const char *target;      /* SYMLINK: where it points, or NULL */
	hr_fs_content content;   /* DIR: what it holds beyond child nodes */
	hr_owner content_owner;  /* HR_CONTENT_DEFAULT: who owns the new entries */
	bool system;             /* from the base image table: a system directory */
	bool maybe_absent;       /* DIR: a directory with these facts, or nothing at all */
	const char *why;         /* where the fact comes from, for messages (arena or static) */
	uint32_t gen;            /* when it was set (see opaque_gen) */
	bool placeholder;        /* no fact: only there to hold its children (internal) */
	uint32_t parent;         /* index + 1 of the parent's node; 0 for "/" */
	uint32_t child;          /* index + 1 of the first child; 0: none */
	uint32_t sibling;        /* index + 1 of the next sibling; 0: none */
} hr_fs_node;

typedef struct hr_fsmodel {
	hr_fs_node *nodes;
	size_t len;
	size_t cap;
	uint32_t *buckets;       /* index + 1 into nodes; 0 = empty */
	size_t nbuckets;
	uint32_t gen;            /* bumped by every instruction that changes the model */
	uint32_t opaque_gen;     /* facts older than this are presumed; 0: none */
	const char *opaque_why;  /* the last instruction whose effects cannot be read */
	bool overflow;           /* too many nodes: every answer is UNKNOWN */
} hr_fsmodel;

/** What the model knows about one path. */
typedef struct hr_fs_fact {
	hr_fs_type type;
	int mode;
	hr_owner owner;
	const char *target;
	bool system;
	bool maybe_absent;       /* DIR: or nothing at all */
	bool certain;            /* false: presumed (an opaque instruction came after) */
	const char *why;
	const char *symlink;     /* the path is below this symlink (or maybe-symlink) */
	hr_fs_type symlink_type; /* HR_FS_SYMLINK or HR_FS_MAYBE_SYMLINK */
	const char *symlink_why;
	hr_fs_content content;   /* for a DIR: what it holds beyond its child nodes */
	hr_owner content_owner;
	bool from_parent;        /* the fact was derived from an ancestor's content */
} hr_fs_fact;

/** More nodes than this and the model answers UNKNOWN (hostile input). */
#define HR_FSMODEL_MAX_NODES 20000
/** A path with more components or bytes is not followed (it resolves to nothing known). */
#define HR_FSMODEL_MAX_DEPTH 64
#define HR_FSMODEL_MAX_PATH 1024
/** At most this many nodes are visited below one path per question. */
#define HR_FSMODEL_MAX_WALK 4096

void hr__fs_init(hr_fsmodel *m);
void hr__fs_free(hr_fsmodel *m);
/** Deep-enough copy (node strings live in the shared arena). */
void hr__fs_copy(hr_check_ctx *c, hr_fsmodel *dst, const hr_fsmodel *src);

/** The node at `path`, created (type UNKNOWN) if needed; NULL when out of room. */
hr_fs_node *hr__fs_node(hr_check_ctx *c, hr_fsmodel *m, const char *path);
/** The node at `path`, or NULL (placeholders included). */
const hr_fs_node *hr__fs_find(const hr_fsmodel *m, const char *path);

/**
 * The indexes of the fact nodes strictly below `path` (not itself), at
 * most HR_FSMODEL_MAX_WALK of them, into a malloc'd array (*out, free it).
 * Returns the count; *truncated says whether there were more.
 */
size_t hr__fs_below(hr_check_ctx *c, const hr_fsmodel *m, const char *path, uint32_t **out,
	bool *truncated);

/** Look `path` up: its own node, else what its ancestors imply. */
void hr__fs_lookup(const hr_fsmodel *m, const char *path, hr_fs_fact *out);

/** Set a directory's facts (its ancestors become directories of unknown metadata if unknown). */
hr_fs_node *hr__fs_set_dir(hr_check_ctx *c, hr_fsmodel *m, const char *path, int mode,
	hr_owner owner, hr_fs_content content, const char *why);
/** Make `path` a directory if it is not one, as `mkdir -p` does: new ones get the metadata. */
void hr__fs_mkdir_p(hr_check_ctx *c, hr_fsmodel *m, const char *path, int mode, hr_owner owner,
	const char *why);
void hr__fs_set_file(hr_check_ctx *c, hr_fsmodel *m, const char *path, const char *why);
void hr__fs_set_symlink(hr_check_ctx *c, hr_fsmodel *m, const char *path, const char *target,
	const char *why);
/** Forget everything at and below `path` (rm -rf): ABSENT. */
void hr__fs_remove(hr_check_ctx *c, hr_fsmodel *m, const char *path, const char *why);
/** Change metadata (chmod/chown) of an existing path; -1/UNKNOWN owner keep a field. */
void hr__fs_chmeta(hr_check_ctx *c, hr_fsmodel *m, const char *path, int mode, bool set_mode,
	hr_owner owner, bool set_owner, const char *why);
/** Everything at and below `path` gets unknown content and metadata (chown -R of ids we cannot read...). */
void hr__fs_taint(hr_check_ctx *c, hr_fsmodel *m, const char *path, const char *why);
/** A directory gets new entries of default metadata owned by `owner` (a program ran in it). */
void hr__fs_touch_content(hr_check_ctx *c, hr_fsmodel *m, const char *path, hr_owner owner,
	const char *why);
/** An instruction whose effects cannot be read: every fact so far becomes presumed. */
void hr__fs_opaque(hr_check_ctx *c, hr_fsmodel *m, const char *why);
/** Next generation: call before each instruction's effects. */
void hr__fs_next(hr_fsmodel *m);

/* ---- owners ---- */
hr_owner hr__owner_ids(uint32_t uid, uint32_t gid);
hr_owner hr__owner_root(void);
bool hr__owner_same(const hr_owner *a, const hr_owner *b);
/** "root:root", "1234:1234", "app", "an unknown owner" (arena) */
const char *hr__owner_str(hr_check_ctx *c, const hr_owner *o);
/** "1777", "0755", "an unknown mode" (arena) */
const char *hr__mode_str(hr_check_ctx *c, int mode);

/* ---- paths ---- */
/** Clean an absolute path as Go's path.Clean does; no trailing slash (arena). */
const char *hr__path_clean(hr_check_ctx *c, const char *p, size_t n);
/** Is `path` equal to `dir` or below it? */
bool hr__path_under(const char *path, const char *dir);
/** The parent of a clean absolute path ("/" for "/x"); arena. */
const char *hr__path_parent(hr_check_ctx *c, const char *path);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * basefs.h - what hook-run knows about base images (basefs.c): one
 * reviewable data table of directories, their type, mode and owner, on
 * which images, and where each fact comes from. Internal to the rules.
 */
#ifndef HOOK_RUN_BASEFS_H
#define HOOK_RUN_BASEFS_H

#include "fsmodel.h"

/** The distribution an image is built on, as far as its name tells. */
typedef enum hr_base_family {
	HR_FAMILY_UNKNOWN = 0,
	HR_FAMILY_DEBIAN,
	HR_FAMILY_UBUNTU,
	HR_FAMILY_ALPINE,
	HR_FAMILY_BUSYBOX,
	HR_FAMILY_RHEL,       /* UBI, Fedora, CentOS, Rocky, Alma, Oracle, Amazon Linux */
	HR_FAMILY_DISTROLESS, /* gcr.io/distroless */
	HR_FAMILY_WOLFI,      /* cgr.dev/chainguard, Wolfi */
	HR_FAMILY_COUNT
} hr_base_family;

typedef struct hr_base_image {
	hr_base_family family;
	const char *image;     /* the recognised image name ("node", "debian"), or NULL */
	const char *label;     /* for messages: "node (Debian)", "an unknown image" */
	int usrmerge;          /* 1: /bin is a symlink; 0: a directory; -1: it depends on the tag */
	bool user_root;        /* the image's USER is root (else unknown) */
	bool windows;          /* a Windows image: nothing here applies */
} hr_base_image;

/** Recognise an image reference ("python:3.12-slim", "docker.io/library/alpine:3.20"). */
void hr__base_image(hr_base_image *out, const char *ref);

/** Fill a fresh model with what the table knows about that image. */
void hr__base_fill(hr_check_ctx *c, hr_fsmodel *m, const hr_base_image *img);

/** Print the table (for the README and `hook-run explain base-images`) into *out (malloc'd). */
int hr_base_table_markdown(char **out);

#endif

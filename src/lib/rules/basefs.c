/* SPDX-License-Identifier: MIT */
/*
 * basefs.c - the base image table: which directories an image has, of which
 * type, mode and owner, on which images, and how we know.
 *
 * A linked copy replaces every directory it creates. Whether that changes
 * the image depends on what the base image had there, so hook-run must know
 * it, and the burden of proof is reversed: a directory is only assumed to be
 * 0755 root:root where this table says so. Everything else an image holds is
 * unknown, and a fix that depends on it is never called safe.
 *
 * How it works:
 *  - hr__base_image() reads an image reference: the distribution family
 *    (Debian, Ubuntu, Alpine, busybox, RHEL-like, distroless, Wolfi), whether
 *    its tag pins /bin as a symlink (usr-merge) or a directory, and which
 *    official image it is (node, golang, nginx...). An image it does not
 *    recognise is an unknown image.
 *  - hr__base_fill() turns the table into model nodes: the facts that hold
 *    on the image's family, the image's own additions, and for an unknown
 *    image only the facts that hold on every family, each one "a directory
 *    with this metadata, or nothing".
 *
 * Where the facts come from: Debian's base-files (postinst, FHS layout),
 * Ubuntu's base-files (a Debian derivative), Alpine's alpine-baselayout
 * (mkmntdirs, the layout in its APKBUILD), the busybox image's rootfs, Red
 * Hat's filesystem package (UBI, Fedora: /root 0550, usr-merged since
 * Fedora 17 / RHEL 7), distroless and Wolfi (usr-merged Debian/Wolfi
 * layouts), and the Dockerfiles of the official images (docker-library):
 * golang's `chmod -R 1777 "$GOPATH"`, ruby's `chmod 1777 "$GEM_HOME"`,
 * rust's `chmod -R a+w $RUSTUP_HOME $CARGO_HOME`, php's www-data owned
 * /var/www/html, node's `useradd --uid 1000 node`, postgres and redis data
 * directories. Measured facts from the issue (Debian /var/local 2775
 * root:staff, /var/mail 2775 root:mail, /run/lock 1777) are in it too.
 *
 * What it does not do: read an image. A private base image is unknown, and
 * so are tags this file cannot date (alpine:latest may or may not be
 * usr-merged: /bin "may be a symlink").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basefs.h"
#include "arena.h"
#include "hook-run/rules.h"

/* family bits */
#define DEB (1u << HR_FAMILY_DEBIAN)
#define UBU (1u << HR_FAMILY_UBUNTU)
#define ALP (1u << HR_FAMILY_ALPINE)
#define BBX (1u << HR_FAMILY_BUSYBOX)
#define RHL (1u << HR_FAMILY_RHEL)
#define DLS (1u << HR_FAMILY_DISTROLESS)
#define WLF (1u << HR_FAMILY_WOLFI)
#define ALL (DEB | UBU | ALP | BBX | RHL | DLS | WLF)
#define FHS (DEB | UBU | ALP | RHL) /* the full FHS layout */

typedef struct base_fact {
	const char *path;
	hr_fs_type type;       /* DIR or SYMLINK (usr-merge links are generated) */
	int mode;              /* HR_MODE_UNKNOWN: not 0755, but varies */
	int uid, gid;          /* -1: unknown owner */
	hr_fs_content content;
	unsigned sure;         /* families where it surely exists with these facts */
	unsigned maybe;        /* families where it may be absent (facts hold if present) */
	const char *target;    /* SYMLINK */
	const char *source;    /* where the fact comes from */
} base_fact;

#define SYS HR_CONTENT_SYSTEM
#define FIL HR_CONTENT_FILES
#define CMP HR_CONTENT_COMPLETE
#define UNK HR_CONTENT_UNKNOWN
#define DIRT HR_FS_DIR
#define LNK HR_FS_SYMLINK
#define MLNK HR_FS_MAYBE_SYMLINK

static const base_fact facts[] = {
	/* path                       type  mode   uid gid content sure     maybe        target     source */
	{ "/",                        DIRT, 0755,  0, 0,  CMP, FHS,       BBX|DLS|WLF, NULL, "the root of every image" },
	{ "/etc",                     DIRT, 0755,  0, 0,  SYS, ALL,       0,           NULL, "FHS; every base image" },
	{ "/usr",                     DIRT, 0755,  0, 0,  SYS, ALL,       0,           NULL, "FHS; every base image" },
	{ "/usr/bin",                 DIRT, 0755,  0, 0,  FIL, FHS|DLS|WLF, BBX,       NULL, "FHS; every base image" },
	{ "/usr/sbin",                DIRT, 0755,  0, 0,  FIL, FHS|DLS|WLF, BBX,       NULL, "FHS; every base image" },
	{ "/usr/lib",                 DIRT, 0755,  0, 0,  SYS, FHS|DLS|WLF, BBX,       NULL, "FHS; every base image" },
	{ "/usr/share",               DIRT, 0755,  0, 0,  SYS, FHS|DLS|WLF, BBX,       NULL, "FHS; every base image" },
	{ "/usr/include",             DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "FHS" },
	{ "/usr/libexec",             DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "FHS" },
	{ "/usr/src",                 DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "FHS" },
	{ "/usr/local",               DIRT, 0755,  0, 0,  SYS, FHS,       BBX|DLS|WLF, NULL, "FHS; Debian base-files (root:root unless /etc/staff-group-for-usr-local)" },
	{ "/usr/local/bin",           DIRT, 0755,  0, 0,  FIL, FHS,       BBX|DLS|WLF, NULL, "FHS; Debian base-files" },
	{ "/usr/local/sbin",          DIRT, 0755,  0, 0,  FIL, FHS,       BBX|DLS|WLF, NULL, "FHS; Debian base-files" },
	{ "/usr/local/lib",           DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "FHS; Debian base-files" },
	{ "/usr/local/share",         DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "FHS; Debian base-files" },
	{ "/usr/local/include",       DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "FHS; Debian base-files" },
	{ "/usr/local/etc",           DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "FHS; Debian base-files" },
	{ "/usr/local/src",           DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "FHS; Debian base-files" },
	{ "/usr/local/share/ca-certificates", DIRT, 0755, 0, 0, SYS, 0,   ALL,         NULL, "ca-certificates" },
	{ "/var",                     DIRT, 0755,  0, 0,  SYS, ALL,       0,           NULL, "FHS; every base image" },
	{ "/var/lib",                 DIRT, 0755,  0, 0,  SYS, FHS,       BBX|DLS|WLF, NULL, "FHS" },
	{ "/var/cache",               DIRT, 0755,  0, 0,  SYS, FHS,       BBX|DLS|WLF, NULL, "FHS" },
	{ "/var/log",                 DIRT, 0755,  0, 0,  SYS, FHS,       BBX|DLS|WLF, NULL, "FHS" },
	{ "/var/spool",               DIRT, 0755,  0, 0,  SYS, DEB|UBU,   ALP|RHL|BBX|DLS|WLF, NULL, "FHS" },
	{ "/var/opt",                 DIRT, 0755,  0, 0,  SYS, DEB|UBU,   ALP|RHL|BBX|DLS|WLF, NULL, "FHS" },
	{ "/var/backups",             DIRT, 0755,  0, 0,  SYS, DEB|UBU,   0,           NULL, "Debian base-files" },
	{ "/var/tmp",                 DIRT, 01777, 0, 0,  UNK, FHS,       BBX|DLS|WLF, NULL, "FHS: world-writable with the sticky bit" },
	{ "/var/local",               DIRT, 02775, 0, 50, UNK, DEB|UBU,   0,           NULL, "Debian base-files: 2775 root:staff (measured)" },
	{ "/var/local",               DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, 0, ALP|RHL|BBX|DLS|WLF, NULL, "varies by distribution" },
	{ "/var/mail",                DIRT, 02775, 0, 8,  UNK, DEB|UBU,   0,           NULL, "Debian base-files: 2775 root:mail (measured)" },
	{ "/var/mail",                DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, 0, ALP|RHL|BBX|DLS|WLF, NULL, "varies by distribution" },
	{ "/var/spool/mail",          LNK,  0,     0, 0,  UNK, DEB|UBU,   0,           "../mail", "Debian base-files" },
	{ "/var/spool/mail",          MLNK, 0,     0, 0,  UNK, 0,         ALP|RHL|BBX|DLS|WLF, NULL, "varies by distribution" },
	{ "/var/run",                 LNK,  0,     0, 0,  UNK, DEB|UBU|RHL|ALP, 0,     "/run", "FHS 3.0: /var/run is /run" },
	{ "/var/run",                 MLNK, 0,     0, 0,  UNK, 0,         BBX|DLS|WLF, NULL, "a symlink to /run on most images" },
	{ "/var/lock",                LNK,  0,     0, 0,  UNK, DEB|UBU|RHL, 0,         "/run/lock", "FHS 3.0: /var/lock is /run/lock" },
	{ "/var/lock",                MLNK, 0,     0, 0,  UNK, 0,         ALP|BBX|DLS|WLF, NULL, "a symlink to /run/lock on most images" },
	{ "/var/empty",               DIRT, 0555,  0, 0,  CMP, ALP,       0,           NULL, "alpine-baselayout" },
	{ "/var/cache/apt/archives/partial", DIRT, 0700, 100, 65534, UNK, 0, DEB|UBU,  NULL, "apt: owned by _apt" },
	{ "/var/lib/apt/lists/partial", DIRT, 0700, 100, 65534, UNK, 0,   DEB|UBU,     NULL, "apt: owned by _apt" },
	{ "/var/spool/cron/crontabs", DIRT, 01730, 0, -1, UNK, 0,         DEB|UBU,     NULL, "cron: 1730 root:crontab" },
	{ "/run",                     DIRT, 0755,  0, 0,  SYS, FHS,       BBX|DLS|WLF, NULL, "FHS" },
	{ "/run/lock",                DIRT, 01777, 0, 0,  UNK, DEB|UBU,   0,           NULL, "Debian base-files: 1777 (measured)" },
	{ "/run/lock",                DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, 0, ALP|RHL|BBX|DLS|WLF, NULL, "varies by distribution" },
	{ "/tmp",                     DIRT, 01777, 0, 0,  UNK, ALL,       0,           NULL, "FHS: world-writable with the sticky bit" },
	{ "/root",                    DIRT, 0700,  0, 0,  FIL, DEB|UBU|ALP, BBX|DLS|WLF, NULL, "base-files, alpine-baselayout: 0700, shell dotfiles only" },
	{ "/root",                    DIRT, 0550,  0, 0,  FIL, RHL,       0,           NULL, "Red Hat's filesystem package: 0550, shell dotfiles only" },
	{ "/home",                    DIRT, 0755,  0, 0,  CMP, FHS,       0,           NULL, "FHS: one directory per user, none in the base image" },
	{ "/home",                    DIRT, 0755,  0, 0,  UNK, 0,         BBX|DLS|WLF, NULL, "FHS; user directories vary" },
	{ "/opt",                     DIRT, 0755,  0, 0,  CMP, FHS,       0,           NULL, "FHS: empty in the base image" },
	{ "/opt",                     DIRT, 0755,  0, 0,  UNK, 0,         BBX|DLS|WLF, NULL, "FHS" },
	{ "/srv",                     DIRT, 0755,  0, 0,  CMP, FHS,       BBX|DLS|WLF, NULL, "FHS: empty in the base image" },
	{ "/mnt",                     DIRT, 0755,  0, 0,  CMP, FHS,       BBX|DLS|WLF, NULL, "FHS: empty in the base image" },
	{ "/media",                   DIRT, 0755,  0, 0,  CMP, FHS,       BBX|DLS|WLF, NULL, "FHS: empty in the base image" },
	{ "/boot",                    DIRT, 0755,  0, 0,  UNK, DEB|UBU,   ALP|RHL|BBX|DLS|WLF, NULL, "FHS" },
	{ "/afs",                     DIRT, 0755,  0, 0,  CMP, RHL,       0,           NULL, "Red Hat's filesystem package" },
	{ "/dev",                     DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, ALL, 0,      NULL, "a mount point at build time" },
	{ "/proc",                    DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, FHS|DLS|WLF, BBX, NULL, "a mount point at build time" },
	{ "/sys",                     DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, FHS|DLS|WLF, BBX, NULL, "a mount point at build time" },
	{ "/etc/ssl",                 DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "openssl, ca-certificates" },
	{ "/etc/ssl/certs",           DIRT, 0755,  0, 0,  SYS, 0,         ALL,         NULL, "ca-certificates" },
	{ "/etc/ssl/private",         DIRT, HR_MODE_UNKNOWN, 0, -1, UNK, 0, ALL,       NULL, "openssl: 0700 (0710 root:ssl-cert on Debian)" },
	{ "/etc/sudoers.d",           DIRT, 0750,  0, 0,  UNK, 0,         ALL,         NULL, "sudo: 0750" },
};

/* the usr-merge links: a symlink into /usr, or a real directory before the merge */
static const struct {
	const char *path;
	const char *target;
	hr_fs_content content;  /* as a real directory */
	unsigned exists;        /* families that have it at all */
} usrmerge_dirs[] = {
	{ "/bin",   "usr/bin",   FIL, ALL },
	{ "/sbin",  "usr/sbin",  FIL, ALL },
	{ "/lib",   "usr/lib",   SYS, ALL },
	{ "/lib64", "usr/lib64", SYS, DEB | UBU | RHL | DLS | WLF | BBX },
	{ "/lib32", "usr/lib32", SYS, UBU },
	{ "/libx32", "usr/libx32", SYS, UBU },
};

/* what official images add to their family's layout */
typedef struct image_extra {
	const char *path;
	hr_fs_type type;
	int mode;
	int uid, gid;
	hr_fs_content content;
	const char *source;
} image_extra;

static const image_extra node_extras[] = {
	{ "/home/node", DIRT, HR_MODE_UNKNOWN, 1000, 1000, UNK, "node's Dockerfile: useradd --uid 1000 node" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra golang_extras[] = {
	{ "/go", DIRT, 01777, 0, 0, UNK, "golang's Dockerfile: chmod -R 1777 \"$GOPATH\"" },
	{ "/go/bin", DIRT, 01777, 0, 0, UNK, "golang's Dockerfile: chmod -R 1777 \"$GOPATH\"" },
	{ "/go/src", DIRT, 01777, 0, 0, UNK, "golang's Dockerfile: chmod -R 1777 \"$GOPATH\"" },
	{ "/usr/local/go", DIRT, 0755, 0, 0, SYS, "golang's Dockerfile" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra ruby_extras[] = {
	{ "/usr/local/bundle", DIRT, 01777, 0, 0, UNK, "ruby's Dockerfile: chmod 1777 \"$GEM_HOME\"" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra rust_extras[] = {
	{ "/usr/local/cargo", DIRT, 0777, 0, 0, UNK, "rust's Dockerfile: chmod -R a+w $CARGO_HOME" },
	{ "/usr/local/rustup", DIRT, 0777, 0, 0, UNK, "rust's Dockerfile: chmod -R a+w $RUSTUP_HOME" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra php_extras[] = {
	{ "/var/www", DIRT, 0755, 0, 0, SYS, "php's Dockerfile" },
	{ "/var/www/html", DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, "php's Dockerfile: owned by www-data, mode 1777" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra nginx_extras[] = {
	{ "/etc/nginx", DIRT, 0755, 0, 0, FIL, "the nginx package" },
	{ "/etc/nginx/conf.d", DIRT, 0755, 0, 0, FIL, "the nginx package" },
	{ "/etc/nginx/modules", LNK, 0, 0, 0, UNK, "the nginx package: a symlink to /usr/lib/nginx/modules" },
	{ "/usr/share/nginx", DIRT, 0755, 0, 0, SYS, "the nginx package" },
	{ "/usr/share/nginx/html", DIRT, 0755, 0, 0, FIL, "the nginx package" },
	{ "/docker-entrypoint.d", DIRT, 0755, 0, 0, FIL, "nginx's Dockerfile" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra httpd_extras[] = {
	{ "/usr/local/apache2", DIRT, 0755, 0, 0, SYS, "httpd's Dockerfile" },
	{ "/usr/local/apache2/htdocs", DIRT, 0755, 0, 0, FIL, "httpd's Dockerfile" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra postgres_extras[] = {
	{ "/var/lib/postgresql", DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, "postgres's Dockerfile: owned by postgres" },
	{ "/var/run/postgresql", DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, "postgres's Dockerfile: 3777 postgres" },
	{ "/docker-entrypoint-initdb.d", DIRT, 0755, 0, 0, CMP, "postgres's Dockerfile" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra redis_extras[] = {
	{ "/data", DIRT, HR_MODE_UNKNOWN, -1, -1, UNK, "redis's Dockerfile: owned by redis" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra temurin_extras[] = {
	{ "/opt/java", DIRT, 0755, 0, 0, SYS, "eclipse-temurin's Dockerfile" },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};
static const image_extra no_extras[] = {
	{ NULL, 0, 0, 0, 0, 0, NULL },
};

/* official images: name, family of the default variant, their additions */
typedef struct image_profile {
	const char *name;
	hr_base_family family;
	const image_extra *extras;
} image_profile;

static const image_profile profiles[] = {
	{ "debian", HR_FAMILY_DEBIAN, no_extras },
	{ "ubuntu", HR_FAMILY_UBUNTU, no_extras },
	{ "alpine", HR_FAMILY_ALPINE, no_extras },
	{ "busybox", HR_FAMILY_BUSYBOX, no_extras },
	{ "fedora", HR_FAMILY_RHEL, no_extras },
	{ "centos", HR_FAMILY_RHEL, no_extras },
	{ "rockylinux", HR_FAMILY_RHEL, no_extras },
	{ "almalinux", HR_FAMILY_RHEL, no_extras },
	{ "oraclelinux", HR_FAMILY_RHEL, no_extras },
	{ "amazonlinux", HR_FAMILY_RHEL, no_extras },
	{ "buildpack-deps", HR_FAMILY_DEBIAN, no_extras },
	{ "python", HR_FAMILY_DEBIAN, no_extras },
	{ "node", HR_FAMILY_DEBIAN, node_extras },
	{ "golang", HR_FAMILY_DEBIAN, golang_extras },
	{ "ruby", HR_FAMILY_DEBIAN, ruby_extras },
	{ "perl", HR_FAMILY_DEBIAN, no_extras },
	{ "rust", HR_FAMILY_DEBIAN, rust_extras },
	{ "gcc", HR_FAMILY_DEBIAN, no_extras },
	{ "php", HR_FAMILY_DEBIAN, php_extras },
	{ "nginx", HR_FAMILY_DEBIAN, nginx_extras },
	{ "httpd", HR_FAMILY_DEBIAN, httpd_extras },
	{ "postgres", HR_FAMILY_DEBIAN, postgres_extras },
	{ "redis", HR_FAMILY_DEBIAN, redis_extras },
	{ "eclipse-temurin", HR_FAMILY_UBUNTU, temurin_extras },
};

static const char *const family_names[HR_FAMILY_COUNT] = {
	"an unknown image", "Debian", "Ubuntu", "Alpine", "busybox", "RHEL-like", "distroless", "Wolfi",
};

/* ---- reading an image reference ------------------------------------------ */

static bool has_word(const char *tag, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = tag; (p = strstr(p, word)) != NULL; p++) {
		bool start = p == tag || p[-1] == '-' || p[-1] == '.' || p[-1] == '_';
		bool end = p[n] == '\0' || p[n] == '-' || p[n] == '.' || p[n] == '_' || (p[n] >= '0' && p[n] <= '9');
		if (start && end)
			return true;
	}
	return false;
}

/* "3.20" -> minor 20 of major 3; false when the tag does not start with 3.N */
static bool alpine_minor(const char *v, int *minor)
{
	if (strncmp(v, "3.", 2) != 0)
		return false;
	char *end;
	long m = strtol(v + 2, &end, 10);
	if (end == v + 2 || m < 0 || m > 1000)
		return false;
	*minor = (int)m;
	return true;
}

static int debian_usrmerge(const char *tag)
{
	static const char *const merged[] = { "bookworm", "trixie", "forky", "sid", "testing", "unstable" };
	static const char *const split[] = { "bullseye", "buster", "stretch", "jessie" };
	for (size_t i = 0; i < sizeof(merged) / sizeof(merged[0]); i++)
		if (has_word(tag, merged[i]))
			return 1;
	for (size_t i = 0; i < sizeof(split) / sizeof(split[0]); i++)
		if (has_word(tag, split[i]))
			return 0;
	char *end;
	long v = strtol(tag, &end, 10);
	if (end != tag && (*end == '\0' || *end == '.' || *end == '-')) {
		if (v >= 12 && v < 100)
			return 1;
		if (v >= 8 && v <= 11)
			return 0;
	}
	return -1;
}

static int ubuntu_usrmerge(const char *tag)
{
	static const char *const split[] = { "bionic", "xenial", "trusty", "18.04", "16.04", "14.04" };
	for (size_t i = 0; i < sizeof(split) / sizeof(split[0]); i++)
		if (has_word(tag, split[i]) || strncmp(tag, split[i], strlen(split[i])) == 0)
			return 0;
	return 1; /* focal (20.04) and every later release, latest, rolling */
}

void hr__base_image(hr_base_image *out, const char *ref)
{
	memset(out, 0, sizeof(*out));
	out->label = family_names[0];
	out->usrmerge = -1;
	if (!ref || !*ref)
		return;

	/* strip the digest, split the tag off the last path component */
	char name[256], tag[128];
	size_t rl = strcspn(ref, "@");
	if (rl >= sizeof(name))
		return;
	memcpy(name, ref, rl);
	name[rl] = '\0';
	tag[0] = '\0';
	char *slash = strrchr(name, '/');
	char *colon = strrchr(slash ? slash : name, ':');
	if (colon) {
		size_t tl = strlen(colon + 1);
		if (tl >= sizeof(tag))
			return;
		memcpy(tag, colon + 1, tl + 1);
		*colon = '\0';
	}
	for (char *p = name; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			return; /* not a valid reference: nothing is known */
	for (char *p = tag; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);

	/* Docker Hub spellings of an official image */
	const char *n = name;
	static const char *const hub[] = { "docker.io/library/", "index.docker.io/library/",
		"registry-1.docker.io/library/", "docker.io/", "library/" };
	for (size_t i = 0; i < sizeof(hub) / sizeof(hub[0]); i++)
		if (strncmp(n, hub[i], strlen(hub[i])) == 0) {
			n += strlen(hub[i]);
			break;
		}

	/* Windows images: mcr.microsoft.com/windows/..., dotnet/framework, servercore, nanoserver */
	if (strstr(n, "windows") || strstr(n, "servercore") || strstr(n, "nanoserver") ||
	    strstr(n, "dotnet/framework") || has_word(tag, "windowsservercore") || has_word(tag, "nanoserver") ||
	    has_word(tag, "ltsc2019") || has_word(tag, "ltsc2022") || has_word(tag, "ltsc2025")) {
		out->windows = true;
		out->label = "a Windows image";
		return;
	}

	hr_base_family fam = HR_FAMILY_UNKNOWN;
	const char *image = NULL;
	if (!strchr(n, '/')) {
		for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
			if (strcmp(n, profiles[i].name) == 0) {
				fam = profiles[i].family;
				image = profiles[i].name;
			}
	} else if (!strncmp(n, "registry.access.redhat.com/ubi", 30) || !strncmp(n, "redhat/ubi", 10) ||
		   !strncmp(n, "registry.redhat.io/ubi", 22) || !strcmp(n, "quay.io/centos/centos") ||
		   !strcmp(n, "registry.fedoraproject.org/fedora") || !strcmp(n, "rockylinux/rockylinux")) {
		fam = HR_FAMILY_RHEL;
		image = "ubi";
	} else if (!strncmp(n, "gcr.io/distroless/", 18)) {
		fam = HR_FAMILY_DISTROLESS;
		image = "distroless";
	} else if (!strncmp(n, "cgr.dev/chainguard/", 19)) {
		fam = HR_FAMILY_WOLFI;
		image = "chainguard";
	}
	if (fam == HR_FAMILY_UNKNOWN)
		return;
	if (image && *tag && (has_word(tag, "windowsservercore") || has_word(tag, "nanoserver")))
		return; /* Windows images: nothing here applies */

	/* the variant a tag names: python:3.12-alpine3.20, node:20-bookworm-slim */
	int usrmerge = -1;
	bool derived = image && strcmp(image, "debian") && strcmp(image, "ubuntu") && strcmp(image, "alpine") &&
		       strcmp(image, "busybox") && fam != HR_FAMILY_RHEL && fam != HR_FAMILY_DISTROLESS &&
		       fam != HR_FAMILY_WOLFI;
	if (derived) {
		const char *a = strstr(tag, "alpine");
		if (a && (a == tag || a[-1] == '-')) {
			fam = HR_FAMILY_ALPINE;
			int minor;
			if (alpine_minor(a + 6, &minor))
				usrmerge = minor >= 23;
		} else if (has_word(tag, "jammy") || has_word(tag, "noble") || has_word(tag, "focal")) {
			fam = HR_FAMILY_UBUNTU;
			usrmerge = 1;
		} else if (fam == HR_FAMILY_DEBIAN) {
			usrmerge = debian_usrmerge(tag);
		}
	} else {
		switch (fam) {
		case HR_FAMILY_DEBIAN:
			usrmerge = debian_usrmerge(tag);
			break;
		case HR_FAMILY_UBUNTU:
			usrmerge = ubuntu_usrmerge(tag);
			break;
		case HR_FAMILY_ALPINE: {
			int minor;
			if (alpine_minor(tag, &minor))
				usrmerge = minor >= 23;
			break;
		}
		case HR_FAMILY_BUSYBOX:
			usrmerge = 0;
			break;
		case HR_FAMILY_RHEL:
			usrmerge = 1;
			break;
		default:
			break;
		}
	}
	out->family = fam;
	out->image = image;
	out->usrmerge = usrmerge;
	/* images whose USER is root; distroless :nonroot and Chainguard images are not */
	out->user_root = fam != HR_FAMILY_WOLFI && !(fam == HR_FAMILY_DISTROLESS && strstr(tag, "nonroot"));
	out->label = derived || fam == HR_FAMILY_DISTROLESS || fam == HR_FAMILY_WOLFI ?
		image : family_names[fam];
}

/* ---- filling a model ------------------------------------------------------ */

static void put(hr_check_ctx *c, hr_fsmodel *m, const char *path, hr_fs_type type, int mode, int uid,
	int gid, hr_fs_content content, const char *target, bool maybe_absent, const char *why)
{
	hr_fs_node *x = hr__fs_node(c, m, path);
	if (!x)
		return;
	x->type = type;
	x->mode = type == HR_FS_DIR ? mode : HR_MODE_UNKNOWN;
	if (uid >= 0 && gid >= 0)
		x->owner = hr__owner_ids((uint32_t)uid, (uint32_t)gid);
	else
		x->owner.kind = HR_OWNER_UNKNOWN;
	x->content = content;
	x->target = target;
	x->system = true;
	x->maybe_absent = maybe_absent;
	x->why = why;
	x->gen = m->gen;
}

void hr__base_fill(hr_check_ctx *c, hr_fsmodel *m, const hr_base_image *img)
{
	unsigned bit = img->family == HR_FAMILY_UNKNOWN ? 0 : 1u << img->family;
	const char *label = img->family == HR_FAMILY_UNKNOWN ? NULL :
		hr__strf(c, "%s images", family_names[img->family]);
	size_t nfacts = sizeof(facts) / sizeof(facts[0]);

	for (size_t i = 0; i < nfacts;) {
		/* the rows of one path are adjacent */
		size_t j = i + 1;
		while (j < nfacts && !strcmp(facts[j].path, facts[i].path))
			j++;
		const base_fact *f = NULL;
		bool maybe = false;
		if (bit) {
			for (size_t k = i; k < j && !f; k++)
				if ((facts[k].sure | facts[k].maybe) & bit) {
					f = &facts[k];
					maybe = !(facts[k].sure & bit);
				}
		} else {
			/* an unknown image: a fact that holds on every family; where the
			 * families differ, only what they share */
			unsigned cover = 0;
			for (size_t k = i; k < j; k++)
				cover |= facts[k].sure | facts[k].maybe;
			if ((cover & ALL) == ALL)
				f = &facts[i];
			maybe = true;
		}
		if (!f) {
			i = j;
			continue;
		}
		hr_fs_type type = f->type;
		int mode = f->mode, uid = f->uid, gid = f->gid;
		hr_fs_content content = f->content;
		const char *target = f->target;
		if (!bit) {
			for (size_t k = i + 1; k < j; k++) {
				const base_fact *g = &facts[k];
				if (g->type != type)
					type = HR_FS_MAYBE_SYMLINK;
				if (g->mode != mode)
					mode = HR_MODE_UNKNOWN;
				if (g->uid != uid)
					uid = -1;
				if (g->gid != gid)
					gid = -1;
				if (g->content != content)
					content = HR_CONTENT_UNKNOWN;
			}
		}
		if (type == HR_FS_SYMLINK && maybe) {
			type = HR_FS_MAYBE_SYMLINK; /* a symlink there, or something else */
		}
		if (type == HR_FS_MAYBE_SYMLINK)
			target = NULL;
		bool root = !strcmp(f->path, "/");
		if (root) {
			maybe = false;
			if (!bit || (f->maybe & bit))
				content = HR_CONTENT_UNKNOWN; /* the layout of / is not known */
		}
		const char *why = f->source;
		if (root && !bit)
			why = "an image hook-run does not know";
		else if (label && !maybe)
			why = hr__strf(c, "%s; %s", f->source, label);
		else if (!bit && j > i + 1)
			why = hr__strf(c, "%s; it differs between images", f->source);
		put(c, m, f->path, type, mode, uid, gid, content, target, maybe && type == HR_FS_DIR, why);
		i = j;
	}

	for (size_t i = 0; i < sizeof(usrmerge_dirs) / sizeof(usrmerge_dirs[0]); i++) {
		bool exists = bit && (usrmerge_dirs[i].exists & bit);
		if (img->usrmerge == 1 && exists) {
			put(c, m, usrmerge_dirs[i].path, HR_FS_SYMLINK, 0, 0, 0, UNK, usrmerge_dirs[i].target, false,
				hr__strf(c, "a symlink to %s on usr-merged %s", usrmerge_dirs[i].target,
					label ? label : "images"));
		} else if (img->usrmerge == 0 && exists) {
			put(c, m, usrmerge_dirs[i].path, HR_FS_DIR, 0755, 0, 0, usrmerge_dirs[i].content, NULL,
				!strcmp(usrmerge_dirs[i].path, "/lib64") || !strcmp(usrmerge_dirs[i].path, "/lib32") ||
				!strcmp(usrmerge_dirs[i].path, "/libx32"),
				hr__strf(c, "a real directory on %s before the usr merge", label ? label : "images"));
		} else if (!bit || exists) {
			put(c, m, usrmerge_dirs[i].path, HR_FS_MAYBE_SYMLINK, 0, 0, 0, UNK, usrmerge_dirs[i].target, false,
				"a symlink into /usr on usr-merged images (Debian 12, Ubuntu, Fedora...), a real "
				"directory on others (busybox, Alpine before 3.23)");
		}
	}

	/* the official image's own additions */
	if (img->image) {
		for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
			if (strcmp(profiles[p].name, img->image) != 0)
				continue;
			for (const image_extra *e = profiles[p].extras; e->path; e++) {
				/* a directory the image adds under a complete one */
				put(c, m, e->path, e->type, e->mode, e->uid, e->gid, e->content,
					e->type == HR_FS_SYMLINK ? "/usr/lib/nginx/modules" : NULL, false,
					hr__strf(c, "%s; the %s image", e->source, img->image));
			}
		}
	}
}

/* ---- the table as documentation ---------------------------------------------- */

static void families_str(hr_buf *b, unsigned bits)
{
	if ((bits & ALL) == ALL) {
		hr_buf_printf(b, "all");
		return;
	}
	bool first = true;
	for (int f = 1; f < HR_FAMILY_COUNT; f++)
		if (bits & (1u << f)) {
			hr_buf_printf(b, "%s%s", first ? "" : ", ", family_names[f]);
			first = false;
		}
	if (first)
		hr_buf_printf(b, "-");
}

int hr_base_table_markdown(char **out)
{
	hr_buf b = HR_BUF_INIT;
	static const char *const content_names[] = { "anything", "nothing else", "files only", "default entries", "packages" };

	*out = NULL;
	hr_buf_printf(&b, "| directory | type | mode | owner | holds | present on | may be absent on | source |\n");
	hr_buf_printf(&b, "|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		const base_fact *f = &facts[i];
		const char *type = f->type == HR_FS_DIR ? "dir" : f->type == HR_FS_SYMLINK ? "symlink" : "maybe symlink";
		hr_buf_printf(&b, "| `%s` | %s%s%s%s | ", f->path, type, f->target ? " → `" : "",
			f->target ? f->target : "", f->target ? "`" : "");
		if (f->type != HR_FS_DIR)
			hr_buf_printf(&b, "- | - | - | ");
		else {
			if (f->mode < 0)
				hr_buf_printf(&b, "varies | ");
			else
				hr_buf_printf(&b, "%04o | ", (unsigned)f->mode);
			if (f->uid < 0)
				hr_buf_printf(&b, "varies | ");
			else if (f->gid < 0)
				hr_buf_printf(&b, "%d:varies | ", f->uid);
			else
				hr_buf_printf(&b, "%d:%d | ", f->uid, f->gid);
			hr_buf_printf(&b, "%s | ", content_names[f->content]);
		}
		families_str(&b, f->sure);
		hr_buf_printf(&b, " | ");
		families_str(&b, f->maybe);
		hr_buf_printf(&b, " | %s |\n", f->source);
	}
	for (size_t i = 0; i < sizeof(usrmerge_dirs) / sizeof(usrmerge_dirs[0]); i++)
		hr_buf_printf(&b, "| `%s` | symlink → `%s` when usr-merged, else dir | 0755 | 0:0 | %s | ", usrmerge_dirs[i].path,
			usrmerge_dirs[i].target, content_names[usrmerge_dirs[i].content]), families_str(&b, usrmerge_dirs[i].exists),
			hr_buf_printf(&b, " | - | usr-merge: Debian 12+, Ubuntu 20.04+, Fedora/RHEL 7+, Alpine 3.23+ |\n");
	hr_buf_printf(&b, "\n| image | family | adds |\n|---|---|---|\n");
	for (size_t p = 0; p < sizeof(profiles) / sizeof(profiles[0]); p++) {
		hr_buf_printf(&b, "| `%s` | %s | ", profiles[p].name, family_names[profiles[p].family]);
		bool first = true;
		for (const image_extra *e = profiles[p].extras; e->path; e++) {
			hr_buf_printf(&b, "%s`%s` (%s)", first ? "" : ", ", e->path, e->source);
			first = false;
		}
		hr_buf_printf(&b, "%s |\n", first ? "-" : "");
	}
	hr_buf_append(&b, "", 0);
	if (b.oom) {
		hr_buf_free(&b);
		return HR_ENOMEM;
	}
	*out = b.ptr;
	return 0;
}

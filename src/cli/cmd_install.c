/* SPDX-License-Identifier: MIT */
/*
 * cmd_install.c - `hook-run install` and `hook-run uninstall`: the hook
 * scripts of hooks/ (embedded at build time by hooks/embed.sh) written
 * into the repository's hooks directory.
 *
 * Where: core.hooksPath when set (git resolves a relative one against the
 * working tree, or the git directory of a bare repository), else
 * COMMONDIR/hooks, shared by all linked worktrees (hr_repo_hooks_dir).
 *
 * Which: --pre-commit (the default in a repository with a working tree)
 * writes pre-commit and pre-merge-commit; --pre-receive (the default in a
 * bare one) writes pre-receive; --server is --pre-receive plus a commented
 * hook-run.ini in the git directory, where the server's policy lives.
 *
 * A hook hook-run did not write is never overwritten silently: install
 * refuses, naming it, unless --chain is given; then the hook is renamed to
 * NAME.hook-run-chained and the script runs it first, with the same
 * arguments and standard input. Every hook is examined before anything is
 * written, so a refusal changes nothing. uninstall removes hook-run's
 * scripts and renames a chained hook back; a hook that is not hook-run's
 * is left alone. Each script is written atomically (temporary file,
 * rename) with mode 0755, and names the absolute path of the binary that
 * installed it; it falls back to `hook-run` in PATH.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gitcmd.h"
#include "hook-run/fileio.h"

/* generated from hooks/ by hooks/embed.sh */
extern const struct {
	const char *name;
	const char *text;
} hr_hook_scripts[];

#define MARKER "# hook-run: managed hook"
#define CHAIN_SUFFIX ".hook-run-chained"
#define PLACEHOLDER "'@HOOK_RUN@'"
#define CONFIG_PLACEHOLDER "'@HOOK_RUN_CONFIG@'"

enum { WANT_PRE_COMMIT = 1, WANT_PRE_RECEIVE = 2, WANT_SERVER = 4 };

static const char server_ini[] =
	"; hook-run: this repository's server policy, read by the pre-receive hook.\n"
	"; Pushed commits never change it. Every key is optional. A few are shown\n"
	"; here, commented out, with their defaults; every key and its default is in\n"
	"; the README (\"Configuration\") and in hook-run.ini.example.\n"
	"[hook-run]\n"
	"; paths = Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile, Containerfile.*\n"
	"; exclude =\n"
	"; exclude-suffixes and vendored: default lists of names that are not\n"
	"; Dockerfiles and of third-party trees (see the README); empty: none.\n"
	"; Pushers write the .gitattributes of their commits: include-only lets them\n"
	"; add files (hook-run, linguist-vendored=false), not leave any out.\n"
	"; gitattributes = honour\n"
	"; fix-mode = safe\n"
	"; min-version = 1.4\n"
	"\n"
	"[pre-receive]\n"
	"; scope = commits\n";

static void usage(FILE *out, bool un)
{
	if (un)
		fputs("usage: hook-run uninstall [--pre-commit] [--pre-receive]\n\n"
		      "Remove the hooks `hook-run install` wrote (all of them by default) and put\n"
		      "back any hook they chained. Hooks that are not hook-run's are left alone.\n", out);
	else
		fputs("usage: hook-run install [--pre-commit] [--pre-receive] [--server [--daemon FILE]] [--chain]\n\n"
		      "Write hook-run's hooks into the hooks directory (core.hooksPath, or\n"
		      "GITDIR/hooks). Default: --pre-commit (pre-commit and pre-merge-commit),\n"
		      "or --pre-receive in a bare repository. An existing hook that is not\n"
		      "hook-run's is refused, or with --chain kept and run first.\n\n"
		      "  --pre-commit         pre-commit and pre-merge-commit hooks\n"
		      "  --pre-receive        the pre-receive hook (servers)\n"
		      "  --server             --pre-receive, plus a commented hook-run.ini in the\n"
		      "                       git directory for the server's policy\n"
		      "  --daemon FILE        with --server: the hook judges with FILE, the server's\n"
		      "                       configuration, whose [serve] socket names the daemon\n"
		      "                       (`hook-run serve`); no hook-run.ini is written\n"
		      "  --chain              keep an existing hook and run it before hook-run\n", out);
}

static char *join(const char *dir, const char *name, const char *suffix)
{
	size_t a = strlen(dir), b = strlen(name), c = suffix ? strlen(suffix) : 0;
	while (a > 1 && dir[a - 1] == '/')
		a--;
	char *out = malloc(a + b + c + 2);
	if (!out)
		return NULL;
	memcpy(out, dir, a);
	out[a] = '/';
	memcpy(out + a + 1, name, b);
	if (c)
		memcpy(out + a + 1 + b, suffix, c);
	out[a + 1 + b + c] = '\0';
	return out;
}

/* 1: hook-run's script, 0: someone else's, -1: absent */
static int hook_state(const char *path)
{
	struct stat st;
	char *data = NULL, err[512];
	size_t len;
	if (lstat(path, &st) != 0)
		return -1;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (hr_file_read(&data, &len, path, 1 << 20, err, sizeof(err)) < 0)
		return 0;
	int ours = strstr(data, MARKER) != NULL;
	free(data);
	return ours;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* The script for `name` with the binary's path quoted for sh. */
/* `text` with the first `placeholder` replaced by `value` shell-quoted (malloc'd) */
static char *substitute(const char *text, const char *placeholder, const char *value)
{
	const char *at = strstr(text, placeholder);
	if (!at)
		return strdup(text);
	size_t vlen = strlen(value), quotes = 0;
	for (size_t i = 0; i < vlen; i++)
		quotes += value[i] == '\'';
	size_t tlen = strlen(text), plen = strlen(placeholder);
	char *out = malloc(tlen - plen + vlen + quotes * 3 + 3);
	if (!out)
		return NULL;
	size_t w = (size_t)(at - text);
	memcpy(out, text, w);
	out[w++] = '\'';
	for (size_t i = 0; i < vlen; i++) {
		if (value[i] == '\'') {
			memcpy(out + w, "'\\''", 4);
			w += 4;
		} else {
			out[w++] = value[i];
		}
	}
	out[w++] = '\'';
	size_t rest = tlen - (size_t)(at - text) - plen;
	memcpy(out + w, at + plen, rest);
	out[w + rest] = '\0';
	return out;
}

/* a hook script with hook-run's path and the configuration it names (or "") */
static char *render(const char *name, const char *binary, const char *config)
{
	const char *text = NULL;
	for (size_t i = 0; hr_hook_scripts[i].name; i++)
		if (!strcmp(hr_hook_scripts[i].name, name))
			text = hr_hook_scripts[i].text;
	if (!text || !strstr(text, PLACEHOLDER))
		return NULL;
	char *first = substitute(text, PLACEHOLDER, binary);
	char *out = first ? substitute(first, CONFIG_PLACEHOLDER, config ? config : "") : NULL;
	free(first);
	return out;
}

static int mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* The binary to name in the scripts: this one, by absolute path. */
static char *self_path(const char *argv0)
{
	char *p = realpath("/proc/self/exe", NULL);
	if (!p && strchr(argv0, '/'))
		p = realpath(argv0, NULL);
	return p ? p : strdup("hook-run");
}

static int parse(int argc, char **argv, bool un, unsigned *want, bool *chain, const char **daemon)
{
	static const struct option opts[] = {
		{ "daemon", required_argument, NULL, 'd' },
		{ "pre-commit", no_argument, NULL, 'c' },
		{ "pre-receive", no_argument, NULL, 'r' },
		{ "server", no_argument, NULL, 's' },
		{ "chain", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	*want = 0;
	*chain = false;
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': *want |= WANT_PRE_COMMIT; break;
		case 'r': *want |= WANT_PRE_RECEIVE; break;
		case 's':
			if (un)
				goto bad;
			*want |= WANT_SERVER | WANT_PRE_RECEIVE;
			break;
		case 'C':
			if (un)
				goto bad;
			*chain = true;
			break;
		case 'd':
			if (un)
				goto bad;
			*daemon = optarg;
			break;
		case 'h':
			usage(stdout, un);
			return -1;
		default:
bad:
			usage(stderr, un);
			return HR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		hr_cli_error("%s: unexpected argument '%s'", argv[0], argv[optind]);
		return HR_EXIT_USAGE;
	}
	if (*daemon && !(*want & WANT_SERVER)) {
		hr_cli_error("%s: --daemon goes with --server", argv[0]);
		return HR_EXIT_USAGE;
	}
	if (*daemon && (*daemon)[0] != '/') {
		hr_cli_error("%s: --daemon '%s': the server's configuration must be an absolute path", argv[0],
			*daemon);
		return HR_EXIT_USAGE;
	}
	return 0;
}

/* the hook names `want` stands for, NULL-terminated */
static void names_of(unsigned want, const char **names)
{
	size_t n = 0;
	if (want & WANT_PRE_COMMIT) {
		names[n++] = "pre-commit";
		names[n++] = "pre-merge-commit";
	}
	if (want & WANT_PRE_RECEIVE)
		names[n++] = "pre-receive";
	names[n] = NULL;
}

int hr_cmd_install(int argc, char **argv)
{
	hr_repo *repo = NULL;
	char *dir = NULL, *binary = NULL, err[1024];
	const char *names[4];
	unsigned want;
	bool chain;
	const char *daemon = NULL;
	int rc = parse(argc, argv, false, &want, &chain, &daemon);

	if (rc)
		return rc < 0 ? HR_EXIT_OK : rc;
	if ((rc = hr_cli_repo_open(&repo, NULL)) != 0)
		return rc;
	if (!want)
		want = hr_repo_workdir(repo) ? WANT_PRE_COMMIT : WANT_PRE_RECEIVE;
	names_of(want, names);
	if (hr_repo_hooks_dir(&dir, repo, err, sizeof(err)) < 0) {
		hr_cli_error("%s", err);
		rc = HR_EXIT_ERROR;
		goto out;
	}
	binary = self_path(argv[0]);

	/* look before writing: a refusal changes nothing */
	for (size_t i = 0; names[i]; i++) {
		char *path = join(dir, names[i], NULL), *chained = join(dir, names[i], CHAIN_SUFFIX);
		int state = path ? hook_state(path) : -1;
		if (state == 0 && !chain) {
			hr_cli_error("%s exists and is not hook-run's: not overwritten. Run "
				"`hook-run install --chain` to keep it and run it before hook-run, "
				"or move it away", path);
			rc = HR_EXIT_USAGE;
		} else if (state == 0 && chained && exists(chained)) {
			hr_cli_error("%s exists and is not hook-run's, and %s is taken: not overwritten",
				path, chained);
			rc = HR_EXIT_USAGE;
		}
		free(path);
		free(chained);
	}
	if (rc)
		goto out;
	if (mkdir_p(dir) != 0) {
		hr_cli_error("cannot create the hooks directory '%s': %s", dir, strerror(errno));
		rc = HR_EXIT_ERROR;
		goto out;
	}
	for (size_t i = 0; names[i] && rc == 0; i++) {
		char *path = join(dir, names[i], NULL), *chained = join(dir, names[i], CHAIN_SUFFIX);
		char *text = render(names[i], binary, daemon);
		int state = path ? hook_state(path) : -1;
		if (!path || !chained || !text) {
			hr_cli_error("out of memory");
			rc = HR_EXIT_ERROR;
		} else if (state == 0 && rename(path, chained) != 0) {
			hr_cli_error("cannot keep %s as %s: %s", path, chained, strerror(errno));
			rc = HR_EXIT_ERROR;
		} else if (hr_file_write_atomic(path, text, strlen(text), err, sizeof(err)) < 0 ||
			   chmod(path, 0755) != 0) {
			hr_cli_error("%s", err);
			if (state == 0)
				rename(chained, path); /* put it back as it was */
			rc = HR_EXIT_ERROR;
		} else {
			hr_cli_print(stdout, "hook-run: %s %s%s\n", state == 1 ? "updated" : "installed", path,
				state == 0 ? " (your previous hook runs first: " CHAIN_SUFFIX ")" : "");
		}
		free(text);
		free(path);
		free(chained);
	}
	if (rc == 0 && daemon)
		printf("hook-run: the pre-receive hook judges with %s; with a [serve] socket there, "
			"`hook-run serve` judges its pushes\n", daemon);
	if (rc == 0 && (want & WANT_SERVER) && !daemon) {
		char *ini = join(hr_repo_commondir(repo), "hook-run.ini", NULL);
		if (ini && !exists(ini)) {
			if (hr_file_write_atomic(ini, server_ini, sizeof(server_ini) - 1, err, sizeof(err)) < 0) {
				hr_cli_error("%s", err);
				rc = HR_EXIT_ERROR;
			} else {
				hr_cli_print(stdout, "hook-run: wrote %s (the server's policy: the defaults, with a few keys shown)\n", ini);
			}
		} else if (ini) {
			hr_cli_print(stdout, "hook-run: kept %s\n", ini);
		}
		free(ini);
	}
out:
	free(binary);
	free(dir);
	hr_repo_free(repo);
	return rc;
}

int hr_cmd_uninstall(int argc, char **argv)
{
	hr_repo *repo = NULL;
	char *dir = NULL, err[1024];
	const char *names[4];
	unsigned want;
	bool chain;
	const char *daemon = NULL;
	int rc = parse(argc, argv, true, &want, &chain, &daemon);

	if (rc)
		return rc < 0 ? HR_EXIT_OK : rc;
	if ((rc = hr_cli_repo_open(&repo, NULL)) != 0)
		return rc;
	names_of(want ? want : WANT_PRE_COMMIT | WANT_PRE_RECEIVE, names);
	if (hr_repo_hooks_dir(&dir, repo, err, sizeof(err)) < 0) {
		hr_cli_error("%s", err);
		rc = HR_EXIT_ERROR;
		goto out;
	}
	for (size_t i = 0; names[i]; i++) {
		char *path = join(dir, names[i], NULL), *chained = join(dir, names[i], CHAIN_SUFFIX);
		if (!path || !chained) {
			rc = HR_EXIT_ERROR;
		} else {
			int state = hook_state(path);
			if (state == 0) {
				hr_cli_print(stdout, "hook-run: left %s: it is not hook-run's\n", path);
			} else if (state == 1 && exists(chained)) {
				if (rename(chained, path) != 0) {
					hr_cli_error("cannot restore %s: %s", chained, strerror(errno));
					rc = HR_EXIT_ERROR;
				} else {
					hr_cli_print(stdout, "hook-run: removed %s; your previous hook is back\n", path);
				}
			} else if (state == 1) {
				if (unlink(path) != 0) {
					hr_cli_error("cannot remove %s: %s", path, strerror(errno));
					rc = HR_EXIT_ERROR;
				} else {
					hr_cli_print(stdout, "hook-run: removed %s\n", path);
				}
			} else if (exists(chained)) {
				if (rename(chained, path) != 0) {
					hr_cli_error("cannot restore %s: %s", chained, strerror(errno));
					rc = HR_EXIT_ERROR;
				} else {
					hr_cli_print(stdout, "hook-run: restored %s\n", path);
				}
			}
		}
		free(path);
		free(chained);
	}
out:
	free(dir);
	hr_repo_free(repo);
	return rc;
}
